package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameTest {
    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static void assertFrame(Frame expected, Frame actual) {
        assertEquals(expected.type(), actual.type());
        assertEquals(expected.id(), actual.id());
        assertArrayEquals(expected.payload(), actual.payload());
    }

    /** Returns at most one byte per read, as a slow pipe might. */
    private static InputStream trickle(byte[] b) {
        return new ByteArrayInputStream(b) {
            @Override public synchronized int read(byte[] buf, int off, int len) {
                return super.read(buf, off, Math.min(len, 1));
            }
        };
    }

    @Test
    void encodesTheDocumentedHeader() {
        byte[] b = new Frame(0x8103, 0x01020304, new byte[] {9, 8, 7}).encode();
        assertArrayEquals(new byte[] {(byte) 0xC0, (byte) 0xC0, (byte) 0x81, 0x03, 1, 2, 3, 4, 0, 0, 0, 3, 9, 8, 7}, b);
        assertArrayEquals(new byte[] {(byte) 0xC0, (byte) 0xC0, 0, 0x0B, 0, 0, 0, 5, 0, 0, 0, 0}, new Frame(Proto.PING, 5).encode());
    }

    @Test
    void roundTripsThroughAStream() throws IOException {
        Frame a = new Frame(Proto.HELLO, 1, new Tlv.Writer().u32(Proto.T_VERSION, 1).toBytes());
        Frame b = new Frame(Proto.STDOUT, -7, "hello".getBytes(StandardCharsets.UTF_8));
        Frame c = new Frame(Proto.OK, Integer.MAX_VALUE);
        byte[] max = new byte[Frame.MAX_PAYLOAD];
        Arrays.fill(max, (byte) 0xC0);
        Frame d = new Frame(0xFFFF, 0, max);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : new Frame[] {a, b, c, d}) f.writeTo(out);
        InputStream in = trickle(out.toByteArray());
        assertFrame(a, Frame.read(in));
        assertFrame(b, Frame.read(in));
        assertFrame(c, Frame.read(in));
        assertFrame(d, Frame.read(in));
        assertNull(Frame.read(in), "clean end of stream");
    }

    @Test
    void resynchronisesAfterGarbage() throws IOException {
        Frame f = new Frame(Proto.STDERR, 3, "after".getBytes(StandardCharsets.UTF_8));
        byte[] garbage = "some noise from the serial console\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream in = new ByteArrayInputStream(concat(garbage, f.encode(), new byte[] {(byte) 0xC0, 0x00, 0x11}, f.encode()));
        assertFrame(f, Frame.read(in));
        assertFrame(f, Frame.read(in));
        assertNull(Frame.read(in));
    }

    @Test
    void oversizedLengthIsTreatedAsGarbage() throws IOException {
        byte[] bogus = {(byte) 0xC0, (byte) 0xC0, 0, 1, 0, 0, 0, 1, 0, 0x40, 0, 1}; // length 4 MiB + 1
        byte[] negative = {(byte) 0xC0, (byte) 0xC0, 0, 1, 0, 0, 0, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        Frame f = new Frame(Proto.OK, 9, new byte[] {1});
        InputStream in = new ByteArrayInputStream(concat(bogus, negative, f.encode()));
        assertFrame(f, Frame.read(in));
        assertNull(Frame.read(in));
    }

    @Test
    void endOfStreamInsideAFrameThrows() {
        byte[] whole = new Frame(Proto.STDOUT, 1, new byte[10]).encode();
        assertThrows(EOFException.class, () -> Frame.read(new ByteArrayInputStream(Arrays.copyOf(whole, 5))));
        assertThrows(EOFException.class, () -> Frame.read(new ByteArrayInputStream(Arrays.copyOf(whole, 12))));
        assertThrows(EOFException.class, () -> Frame.read(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 1))));
        assertThrows(EOFException.class, () -> Frame.read(new ByteArrayInputStream(new byte[] {1, 2, 3})),
                "garbage then end of stream");
    }

    @Test
    void payloadOverOneMebibyteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(1, 1, new byte[Frame.MAX_PAYLOAD + 1]));
        assertEquals(0, new Frame(1, 1, null).payload().length);
        assertEquals("Frame[type=0x8000, id=3, len=2]", new Frame(Proto.OK, 3, new byte[2]).toString());
    }
}
