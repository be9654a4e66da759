package io.cocoon.spi.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesEveryValueKind() {
        Map<String, Object> m = Json.parseObject("""
                {"s": "x", "i": 42, "n": -7, "d": 1.5, "e": 1e3, "t": true, "f": false, "z": null,
                 "a": [1, "two", [], {}], "o": {"k": "v"}}""");
        assertEquals("x", m.get("s"));
        assertEquals(42L, m.get("i"));
        assertEquals(-7L, m.get("n"));
        assertEquals(1.5, m.get("d"));
        assertEquals(1000.0, m.get("e"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertTrue(m.containsKey("z"));
        assertNull(m.get("z"));
        assertEquals(List.of(1L, "two", List.of(), Map.of()), m.get("a"));
        assertEquals(Map.of("k", "v"), m.get("o"));
        assertEquals(List.of("s", "i", "n", "d", "e", "t", "f", "z", "a", "o"), new ArrayList<>(m.keySet()),
                "keys keep document order");
    }

    @Test
    void parsesTopLevelScalarsAndDeepNesting() {
        assertEquals("hi", Json.parse(" \"hi\" "));
        assertEquals(0L, Json.parse("0"));
        assertNull(Json.parse("null"));
        Object v = Json.parse("{\"a\":[{\"b\":[[{\"c\":[1,2,{\"d\":null}]}]]}]}");
        Object c = ((Map<?, ?>) ((List<?>) ((List<?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) v).get("a")).get(0))
                .get("b")).get(0)).get(0)).get("c");
        assertEquals(3, ((List<?>) c).size());
        String deep = "[".repeat(400) + "]".repeat(400);
        assertInstanceOf(List.class, Json.parse(deep));
    }

    @Test
    void tooDeepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
    }

    @Test
    void decodesEscapes() {
        assertEquals("\"\\/\b\f\n\r\t", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é€A", Json.parse("\"\\u00e9\\u20AC\\u0041\""));
        assertEquals("😀", Json.parse("\"\\ud83d\\ude00\""), "surrogate pair");
        assertEquals("a\u0000b", Json.parse("\"a\\u0000b\""));
        assertEquals("plain \u00e9 text", Json.parse("\"plain \u00e9 text\""), "raw non-ASCII passes through");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"abc", "\"a\nb\"", "\"a\u0001b\""})
    void rejectsBadStrings(String text) {
        assertThrows(JsonException.class, () -> Json.parse(text));
    }

    @Test
    void integersBeyondLongBecomeBigInteger() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(new BigInteger("-9223372036854775809"), Json.parse("-9223372036854775809"));
        assertEquals(new BigInteger("18446744073709551615"), Json.parse("18446744073709551615"));
        assertEquals(1234567890123456789L, Json.parse("1234567890123456789"), "19 digits that fit stay Long");
        assertEquals("[18446744073709551615]", Json.write(Json.parse("[18446744073709551615]")));
    }

    @Test
    void duplicateKeysAreRefused() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\": 1, \"b\": {\"a\": 2}, \"a\": 3}"));
        assertTrue(e.getMessage().contains("duplicate key \"a\""), e.getMessage());
        assertEquals(Map.of("a", Map.of("a", 2L)), Json.parse("{\"a\": {\"a\": 2}}"), "same key at other levels is fine");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} x", "[1] [2]", "1 2", "\"a\" \"b\"", "nullx", "{}}"})
    void trailingGarbageIsRefused(String text) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains("unexpected text after the JSON value"), e.getMessage());
    }

    @Test
    void errorsCarryLineAndColumn() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": tru\n}"));
        assertEquals("invalid literal at line 2 column 8", e.getMessage());
        e = assertThrows(JsonException.class, () -> Json.parse("[1,\n2,\n\n  @]"));
        assertEquals("unexpected character '@' at line 4 column 3", e.getMessage());
        e = assertThrows(JsonException.class, () -> Json.parse("{\"a\" 1}"));
        assertEquals("expected ':' at line 1 column 6", e.getMessage());
        e = assertThrows(JsonException.class, () -> Json.parse("[1, 2"));
        assertTrue(e.getMessage().startsWith("unexpected end of JSON at line 1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "[", "{\"a\"}", "{\"a\":}", "[1,]", "{,}", "{1:2}", "-", "1e", "1.2.3", "+1",
            ".5", "tru", "nul", "NaN", "-NaN", "Infinity", "-Infinity", "[1 2]", "{\"a\":1 \"b\":2}"})
    void malformedDocumentsAreRefused(String text) {
        assertThrows(JsonException.class, () -> Json.parse(text));
    }

    @Test
    void nanAndInfinityCannotBeWritten() {
        assertThrows(JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(JsonException.class, () -> Json.write(List.of(Double.POSITIVE_INFINITY)));
        assertThrows(JsonException.class, () -> Json.write(Map.of("f", Float.NEGATIVE_INFINITY)));
        assertThrows(JsonException.class, () -> Json.write(new Object()));
    }

    @Test
    void writeIsCompactAndPrettyIsIndented() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of(true, "x"));
        m.put("c", Map.of());
        m.put("d", List.of());
        m.put("e", null);
        assertEquals("{\"a\":1,\"b\":[true,\"x\"],\"c\":{},\"d\":[],\"e\":null}", Json.write(m));
        assertEquals("""
                {
                  "a": 1,
                  "b": [
                    true,
                    "x"
                  ],
                  "c": {},
                  "d": [],
                  "e": null
                }""", Json.pretty(m));
    }

    @Test
    void writeThenParseRoundTrips() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("quote\"back\\slash", "line\nbreak\ttab\u0001ctl\u2028sep é 😀");
        inner.put("big", new BigInteger("18446744073709551615"));
        inner.put("neg", -42L);
        inner.put("frac", 0.25);
        inner.put("tiny", 1.5e-300);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("inner", inner);
        doc.put("list", List.of(List.of(), List.of(1L, 2L), Map.of("k", false)));
        doc.put("nothing", null);
        assertEquals(doc, Json.parse(Json.write(doc)));
        assertEquals(doc, Json.parse(Json.pretty(doc)));
        assertEquals(Json.write(doc), Json.write(Json.parse(Json.pretty(doc))));
    }

    @Test
    void writesOtherJavaTypes() {
        assertEquals("[1,2,3]", Json.write(new int[] {1, 2, 3}));
        assertEquals("[\"a\",1]", Json.write(new Object[] {"a", 1}));
        assertEquals("\"SECONDS\"", Json.write(java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("3", Json.write(3.0), "integral doubles are written without a fraction");
        assertEquals("0.5", Json.write(0.5f));
        assertEquals("12.50", Json.write(new java.math.BigDecimal("12.50")));
    }

    @Test
    void quoteEscapesControlCharactersAndLineSeparators() {
        StringBuilder sb = new StringBuilder();
        Json.quote(sb, "a\u0001b\u001fc\u2028d\u2029\"\\");
        assertEquals("\"a\\u0001b\\u001fc\\u2028d\\u2029\\\"\\\\\"", sb.toString());
    }

    @Test
    void parseObjectRequiresAnObject() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parseObject("[1]"));
        assertEquals("expected a JSON object", e.getMessage());
    }

    @Test
    void objectBuildsAnUnmodifiableOrderedMap() {
        Map<String, Object> m = Json.object("b", 1L, "a", "x");
        assertEquals(List.of("b", "a"), new ArrayList<>(m.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> m.put("c", 2L));
    }

    @Test
    void unicodeEscapeNeedsFourHexDigits() {
        org.junit.jupiter.api.Assertions.assertThrows(JsonException.class, () -> Json.parse("\"\\u+041\""));
        org.junit.jupiter.api.Assertions.assertThrows(JsonException.class, () -> Json.parse("\"\\u-041\""));
    }

    @Test
    void numbersFollowTheJsonGrammar() {
        for (String bad : new String[] {"1e999", "01", "1.", "-", ".5", "1e", "+1"}) {
            org.junit.jupiter.api.Assertions.assertThrows(JsonException.class, () -> Json.parse(bad), bad);
        }
        org.junit.jupiter.api.Assertions.assertEquals(0L, Json.parse("0"));
        org.junit.jupiter.api.Assertions.assertEquals(-0.5, Json.parse("-0.5"));
        org.junit.jupiter.api.Assertions.assertEquals(1e10, Json.parse("1E+10"));
    }
}
