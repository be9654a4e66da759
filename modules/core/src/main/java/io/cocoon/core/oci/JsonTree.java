package io.cocoon.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocoon.spi.SpecException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, path-aware reads from a Jackson tree. Every error names the JSON path of the field
 * ({@code process.user.uid: must be an integer}), which is what a user needs to fix the file.
 * Unknown fields are never an error: the spec says runtimes must ignore them.
 */
final class JsonTree {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final JsonNode node;
    private final String path;

    JsonTree(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String path() { return path; }

    JsonNode node() { return node; }

    String child(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    boolean has(String field) {
        JsonNode n = node.get(field);
        return n != null && !n.isNull();
    }

    /** The field as an object, or null when absent/null. */
    JsonTree object(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw new SpecException(child(field), "must be an object");
        return new JsonTree(n, child(field));
    }

    JsonTree requireObject(String field) {
        JsonTree t = object(field);
        if (t == null) throw new SpecException(child(field), "is required");
        return t;
    }

    /** Elements of an array field (each must be an object); empty when absent. */
    List<JsonTree> objects(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw new SpecException(child(field), "must be an array");
        List<JsonTree> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            String p = child(field) + "[" + i + "]";
            if (!e.isObject()) throw new SpecException(p, "must be an object");
            out.add(new JsonTree(e, p));
        }
        return out;
    }

    String string(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new SpecException(child(field), "must be a string");
        return n.textValue();
    }

    String requireString(String field) {
        String s = string(field);
        if (s == null) throw new SpecException(child(field), "is required");
        return s;
    }

    boolean bool(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw new SpecException(child(field), "must be true or false");
        return n.booleanValue();
    }

    Boolean boolOrNull(String field) {
        return has(field) ? bool(field) : null;
    }

    List<String> strings(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw new SpecException(child(field), "must be an array of strings");
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) throw new SpecException(child(field) + "[" + i + "]", "must be a string");
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    Map<String, String> stringMap(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return Map.of();
        if (!n.isObject()) throw new SpecException(child(field), "must be an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) throw new SpecException(child(field) + "." + e.getKey(), "must be a string");
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** A signed integer within [min, max]; null when absent. */
    Long integer(String field, long min, long max) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber()) throw new SpecException(child(field), "must be an integer");
        if (!n.canConvertToLong()) throw new SpecException(child(field), "is out of range");
        long v = n.longValue();
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
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber()) throw new SpecException(child(field), "must be an unsigned integer");
        BigInteger b = n.bigIntegerValue();
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
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw new SpecException(child(field), "must be an object");
        return toJava(n) instanceof Map<?, ?> m ? cast(m) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    static Object toJava(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(toJava(e)));
            return l;
        }
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
        if (n.isNumber()) return n.doubleValue();
        return n.toString();
    }
}
