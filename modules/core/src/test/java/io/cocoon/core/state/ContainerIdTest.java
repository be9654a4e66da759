package io.cocoon.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerIdTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "web-1", "my_container.v2", "c+d", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a...", "x.hidden", "a-trailing-", "A.B-C_D+E"})
    void acceptsValidIds(String id) {
        assertEquals(id, ContainerId.validate(id));
    }

    @Test
    void acceptsExactlyMaxLength() {
        String id = "x".repeat(ContainerId.MAX_LENGTH);
        assertEquals(id, ContainerId.validate(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {".s", ".lock", ".trash-x", "...", ".", "..", "-x", "--help", "-"})
    void refusesIdsNamingTheRootsOwnFilesOrReadingAsFlags(String id) {
        CocoonException e = assertThrows(CocoonException.class, () -> ContainerId.validate(id));
        assertEquals("invalid container id \"" + id + "\": must not start with '.' or '-'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "/abs", "a b", "a:b", "é", "a\\b", "a*", "$(id)"})
    void refusesUnsafeIds(String id) {
        CocoonException e = assertThrows(CocoonException.class, () -> ContainerId.validate(id));
        assertEquals("invalid container id \"" + id + "\": use letters, digits, _ + - . only", e.getMessage());
    }

    @Test
    void refusesEmptyAndNull() {
        assertEquals("container id cannot be empty",
                assertThrows(CocoonException.class, () -> ContainerId.validate("")).getMessage());
        assertEquals("container id cannot be empty",
                assertThrows(CocoonException.class, () -> ContainerId.validate(null)).getMessage());
    }

    @Test
    void refusesOverlongIds() {
        CocoonException e = assertThrows(CocoonException.class, () -> ContainerId.validate("x".repeat(256)));
        assertEquals("invalid container id: longer than 255 characters", e.getMessage());
    }

    @Test
    void controlCharactersAreShownEscapedOnOneLine() {
        CocoonException e = assertThrows(CocoonException.class, () -> ContainerId.validate("a\nb\u0007c\u007f\td"));
        assertEquals("invalid container id \"a\\x0ab\\x07c\\x7f\\x09d\": use letters, digits, _ + - . only", e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x7f));
    }

    @Test
    void longBadIdsAreAbbreviated() {
        CocoonException e = assertThrows(CocoonException.class, () -> ContainerId.validate("/".repeat(200)));
        assertTrue(e.getMessage().contains("/".repeat(81) + "...\""), e.getMessage());
        assertTrue(e.getMessage().length() < 150, e.getMessage());
    }
}
