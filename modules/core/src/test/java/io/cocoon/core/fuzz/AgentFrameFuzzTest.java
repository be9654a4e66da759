package io.cocoon.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cocoon.core.agent.Frame;
import io.cocoon.core.agent.Tlv;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the host's decoder of what the agent sends: {@link Frame#read} on a byte stream that
 * arrives in arbitrary pieces (the first input byte seeds the cut), then {@link Tlv.Fields#parse}
 * of each payload, nested parsing of every value (as PS replies, ROOTFS, MOUNT, PROCESS are) and
 * the typed getters.
 *
 * <p>Only an {@link IOException} may escape the stream, and only the documented
 * {@link IllegalArgumentException} (with a message) the TLV decoding. Properties: cutting the
 * stream differently gives the same frames; a frame encodes back to the bytes it was read from
 * and a parsed payload written again with {@link Tlv.Writer} gives the same bytes.
 */
class AgentFrameFuzzTest {
    /** An InputStream over data that returns short reads, sized from the seed. */
    private static final class Pieces extends InputStream {
        private final byte[] d;
        private int pos, seed;

        Pieces(byte[] d, int from, int seed) {
            this.d = d;
            this.pos = from;
            this.seed = seed;
        }

        @Override public int read() {
            return pos < d.length ? d[pos++] & 0xFF : -1;
        }

        @Override public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            if (pos >= d.length) return -1;
            seed = seed * 1103515245 + 12345;
            int n = Math.min(Math.min(len, d.length - pos), 1 + ((seed >>> 16) & 0x1F));
            System.arraycopy(d, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static List<Frame> frames(InputStream in) {
        List<Frame> out = new ArrayList<>();
        try {
            for (Frame f; (f = Frame.read(in)) != null; ) out.add(f);
        } catch (IOException e) {
            assertNotNull(e.getMessage(), "IOException without a message");
            out.add(null); // marks "ended with an error"
        }
        return out;
    }

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        if (data.length == 0) return;
        List<Frame> pieces = frames(new Pieces(data, 1, data[0]));
        List<Frame> whole = frames(new ByteArrayInputStream(data, 1, data.length - 1));
        assertEquals(whole.size(), pieces.size(), "frame count depends on how the stream is cut");
        for (int i = 0; i < whole.size(); i++) {
            Frame a = whole.get(i), b = pieces.get(i);
            if (a == null || b == null) {
                assertTrue(a == null && b == null, "error depends on how the stream is cut");
                continue;
            }
            assertEquals(a.type(), b.type());
            assertEquals(a.id(), b.id());
            assertArrayEquals(a.payload(), b.payload());
            byte[] enc = a.encode();
            Frame again = frames(new ByteArrayInputStream(enc)).get(0);
            assertEquals(a.type(), again.type());
            assertEquals(a.id(), again.id());
            assertArrayEquals(a.payload(), again.payload());
            fields(a.payload(), 0);
        }
    }

    private static void fields(byte[] p, int depth) {
        Tlv.Fields f;
        try {
            f = Tlv.Fields.parse(p);
        } catch (IllegalArgumentException e) {
            assertMessage(e);
            return;
        }
        Tlv.Writer w = new Tlv.Writer();
        for (Tlv.Field field : f.all()) {
            w.bytes(field.tag(), field.value());
            int tag = field.tag();
            assertArrayEquals(f.first(tag).orElseThrow(), f.every(tag).get(0), "first() is not every().get(0)");
            assertTrue(f.has(tag));
            assertEquals(f.every(tag).size(), f.strs(tag).size());
            f.str(tag).orElseThrow();
            try {
                long v = f.u32(tag).orElseThrow();
                assertTrue(v >= 0 && v <= 0xFFFFFFFFL, "u32 out of range");
            } catch (IllegalArgumentException e) {
                assertMessage(e);
            }
            try {
                f.u64(tag).orElseThrow();
            } catch (IllegalArgumentException e) {
                assertMessage(e);
            }
            if (depth < 3) {
                try {
                    f.nested(tag);
                } catch (IllegalArgumentException e) {
                    assertMessage(e);
                }
                fields(field.value(), depth + 1);
            }
        }
        assertArrayEquals(p, w.toBytes(), "payload does not write back to the same bytes");
    }

    private static void assertMessage(Exception e) {
        assertNotNull(e.getMessage(), e.getClass().getName() + " without a message");
        assertFalse(e.getMessage().isBlank(), e.getClass().getName() + " with a blank message");
    }
}
