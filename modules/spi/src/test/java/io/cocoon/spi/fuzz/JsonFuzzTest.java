package io.cocoon.spi.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the SPI's JSON reader (config.json, state, QMP, CNI and xl output all go through it).
 *
 * <p>In {@code mvn test} this replays the kept inputs under
 * {@code src/test/resources/io/cocoon/spi/fuzz/JsonFuzzTestInputs/parse/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code -Djazzer.max_duration} (scripts/fuzz). The only
 * acceptable failure is a {@link JsonException} with a message; a parsed value must write and
 * read back to the same text, compact and indented.
 */
class JsonFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Object v;
        try {
            v = Json.parse(text);
        } catch (JsonException e) {
            assertNotNull(e.getMessage(), "JsonException without a message");
            assertFalse(e.getMessage().isBlank(), "JsonException with a blank message");
            return;
        }
        String compact = Json.write(v);
        assertEquals(compact, Json.write(Json.parse(compact)), "compact form does not read back");
        assertEquals(compact, Json.write(Json.parse(Json.pretty(v))), "indented form does not read back");
        if (v instanceof java.util.Map) assertEquals(compact, Json.write(Json.parseObject(text)));
    }
}
