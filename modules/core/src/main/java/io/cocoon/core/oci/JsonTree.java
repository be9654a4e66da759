package io.cocoon.core.oci;

import io.cocoon.spi.SpecException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, path-aware reads from a Jackson tree. Every error names the JSON path of the field
 * ({@code process.user.uid: must be an integer}), which is what a user needs to fix the file.
 * Unknown fields are never an error: the spec says runtimes must ignore them.
 *
 * <p>It works on the generic values of {@link io.cocoon.spi.json.Json} (maps, lists, strings,
 * numbers, booleans): reading config.json is on the path of every create, and the small parser
 * costs a fraction of loading a data-binding library.
 */
final class JsonTree {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final Object node;
    private final String path;

    JsonTree(Object node, String path) {
        this.node = node;
        this.path = path;
    }

    String path() { return path; }

    Object node() { return node; }

    private Object get(String field) {
        return node instanceof Map<?, ?> m ? m.get(field) : null;
    }

    String child(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    /** The field as an object, or null when absent/null. */
    JsonTree object(String field) {
        Object n = get(field);
        if (n == null) return null;
        if (!(n instanceof Map)) throw new SpecException(child(field), "must be an object");
        return new JsonTree(n, child(field));
    }

    JsonTree requireObject(String field) {
        JsonTree t = object(field);
        if (t == null) throw new SpecException(child(field), "is required");
        return t;
    }

    /** Elements of an array field (each must be an object); empty when absent. */
    List<JsonTree> objects(String field) {
        Object n = get(field);
        if (n == null) return List.of();
        if (!(n instanceof List<?> l)) throw new SpecException(child(field), "must be an array");
        List<JsonTree> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            Object e = l.get(i);
            String p = child(field) + "[" + i + "]";
            if (!(e instanceof Map)) throw new SpecException(p, "must be an object");
            out.add(new JsonTree(e, p));
        }
        return out;
    }

    String string(String field) {
        Object n = get(field);
        if (n == null) return null;
        if (!(n instanceof String str)) throw new SpecException(child(field), "must be a string");
        return noNul(str, child(field));
    }

    /**
     * A JSON escape (backslash u0000) can put a NUL into a string, but every spec string ends up
     * as a C string (agent fields, paths, argv, sysctls). Found by SpecFuzzTest: it escaped as an
     * IllegalArgumentException from the CREATE encoder instead of an error naming the field.
     */
    private static String noNul(String s, String path) {
        if (s.indexOf('\0') >= 0) throw new SpecException(path, "must not contain a NUL character");
        return s;
    }

    String requireString(String field) {
        String s = string(field);
        if (s == null) throw new SpecException(child(field), "is required");
        return s;
    }

    boolean bool(String field) {
        Object n = get(field);
        if (n == null) return false;
        if (!(n instanceof Boolean b)) throw new SpecException(child(field), "must be true or false");
        return b;
    }

    Boolean boolOrNull(String field) {
        return has(field) ? bool(field) : null;
    }

    List<String> strings(String field) {
        Object n = get(field);
        if (n == null) return List.of();
        if (!(n instanceof List<?> l)) throw new SpecException(child(field), "must be an array of strings");
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String str)) throw new SpecException(child(field) + "[" + i + "]", "must be a string");
            out.add(noNul(str, child(field) + "[" + i + "]"));
        }
        return List.copyOf(out);
    }

    Map<String, String> stringMap(String field) {
        Object n = get(field);
        if (n == null) return Map.of();
        if (!(n instanceof Map<?, ?> m)) throw new SpecException(child(field), "must be an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String str)) throw new SpecException(child(field) + "." + e.getKey(), "must be a string");
            out.put(noNul((String) e.getKey(), child(field)), noNul(str, child(field) + "." + e.getKey()));
        }
        return out;
    }

    /** A signed integer within [min, max]; null when absent. */
    Long integer(String field, long min, long max) {
        Object n = get(field);
        if (n == null) return null;
        if (n instanceof BigInteger) throw new SpecException(child(field), "is out of range");
        if (!(n instanceof Long v)) throw new SpecException(child(field), "must be an integer");
        if (v < min || v > max) throw new SpecException(child(field), "must be between " + min + " and " + max);
        return v;
    }

    long requireInteger(String field, long min, long max) {
        Long v = integer(field, min, max);
        if (v == null) throw new SpecException(child(field), "is required");
        return v;
    }

    /** An unsigned 64-bit integer held in a long (2^64-1 becomes -1); null when absent. */
    Long uint64(String field) {
        Object n = get(field);
        if (n == null) return null;
        BigInteger b;
        if (n instanceof Long l) b = BigInteger.valueOf(l);
        else if (n instanceof BigInteger bi) b = bi;
        else throw new SpecException(child(field), "must be an unsigned integer");
        if (b.signum() < 0 || b.compareTo(UINT64_MAX) > 0) {
            throw new SpecException(child(field), "must be an unsigned 64-bit integer");
        }
        return b.longValue();
    }

    long requireUint64(String field) {
        Long v = uint64(field);
        if (v == null) throw new SpecException(child(field), "is required");
        return v;
    }

    /** Generic Java values for extension objects kept as-is (intelRdt, blockIO, ...). */
    Map<String, Object> raw(String field) {
        Object n = get(field);
        if (n == null) return null;
        if (!(n instanceof Map<?, ?> m)) throw new SpecException(child(field), "must be an object");
        return cast(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

}
