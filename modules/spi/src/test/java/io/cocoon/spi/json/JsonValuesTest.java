package io.cocoon.spi.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
    private final Map<String, Object> doc = Json.parseObject(
            "{\"m\": {\"x\": 1}, \"l\": [1, 2], \"s\": \"str\", \"n\": 7, \"big\": 18446744073709551615, \"b\": true, \"nb\": \"true\"}");

    @Test
    void typedAccessorsReturnValuesOfTheRightType() {
        assertEquals(Map.of("x", 1L), JsonValues.map(doc, "m"));
        assertEquals(List.of(1L, 2L), JsonValues.list(doc, "l"));
        assertEquals(Optional.of("str"), JsonValues.string(doc, "s"));
        assertEquals(Optional.of(7L), JsonValues.number(doc, "n"));
        assertTrue(JsonValues.bool(doc, "b"));
    }

    @Test
    void wrongTypesAndMissingKeysGiveEmptyValues() {
        assertEquals(Map.of(), JsonValues.map(doc, "l"));
        assertEquals(List.of(), JsonValues.list(doc, "m"));
        assertEquals(Optional.empty(), JsonValues.string(doc, "n"));
        assertEquals(Optional.empty(), JsonValues.number(doc, "s"));
        assertFalse(JsonValues.bool(doc, "nb"), "the string \"true\" is not a boolean");
        assertFalse(JsonValues.bool(doc, "missing"));
        assertEquals(Map.of(), JsonValues.map("not a map", "m"));
        assertEquals(Optional.empty(), JsonValues.string(null, "s"));
        assertEquals(Optional.of(-1L), JsonValues.number(doc, "big"), "2^64-1 reads as -1, as the OCI convention");
    }
}
