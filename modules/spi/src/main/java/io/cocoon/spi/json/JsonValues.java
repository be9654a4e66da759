package io.cocoon.spi.json;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Null-safe accessors over the generic values {@link Json} produces. */
public final class JsonValues {
    private JsonValues() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o, String key) {
        Object v = o instanceof Map<?, ?> m ? m.get(key) : null;
        return v instanceof Map<?, ?> ? (Map<String, Object>) v : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object o, String key) {
        Object v = o instanceof Map<?, ?> m ? m.get(key) : null;
        return v instanceof List<?> ? (List<Object>) v : List.of();
    }

    public static Optional<String> string(Object o, String key) {
        Object v = o instanceof Map<?, ?> m ? m.get(key) : null;
        return v instanceof String s ? Optional.of(s) : Optional.empty();
    }

    public static Optional<Long> number(Object o, String key) {
        Object v = o instanceof Map<?, ?> m ? m.get(key) : null;
        return v instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }

    public static boolean bool(Object o, String key) {
        Object v = o instanceof Map<?, ?> m ? m.get(key) : null;
        return Boolean.TRUE.equals(v);
    }
}
