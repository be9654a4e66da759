package io.cocoon.core.agent;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One frame of the agent (and control) protocol: magic {@code C0C0}, type, id, length, payload;
 * big-endian. See docs/agent-protocol.md.
 */
public record Frame(int type, int id, byte[] payload) {
    public static final int MAGIC = 0xC0C0;
    public static final int HEADER = 12;
    /** 4 MiB: above what Linux lets exec take (ARG_MAX, 2 MiB with the default 8 MiB stack), so an environment never hits it first. */
    public static final int MAX_PAYLOAD = 4 << 20;
    private static final byte[] EMPTY = new byte[0];

    public Frame {
        if (payload == null) payload = EMPTY;
        if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("frame payload of " + payload.length + " bytes is over the protocol's " + (MAX_PAYLOAD >> 20) + " MiB");
    }

    public Frame(int type, int id) {
        this(type, id, EMPTY);
    }

    public byte[] encode() {
        byte[] b = new byte[HEADER + payload.length];
        b[0] = (byte) 0xC0;
        b[1] = (byte) 0xC0;
        b[2] = (byte) (type >> 8);
        b[3] = (byte) type;
        putInt(b, 4, id);
        putInt(b, 8, payload.length);
        System.arraycopy(payload, 0, b, HEADER, payload.length);
        return b;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(encode());
    }

    /**
     * Reads the next frame, skipping (and counting in {@code skipped}) any bytes before a valid
     * header, so that a corrupted stream resynchronises. Returns null at a clean end of stream.
     */
    public static Frame read(InputStream in) throws IOException {
        byte[] h = new byte[HEADER];
        if (!readFully(in, h, 0, 1)) return null;
        int filled = 1;
        while (true) {
            if (!readFully(in, h, filled, HEADER - filled)) throw new EOFException("stream ended inside a frame header");
            int len = getInt(h, 8);
            if ((h[0] & 0xFF) == 0xC0 && (h[1] & 0xFF) == 0xC0 && len >= 0 && len <= MAX_PAYLOAD) {
                byte[] p = new byte[len];
                if (!readFully(in, p, 0, len)) throw new EOFException("stream ended inside a frame payload");
                return new Frame(((h[2] & 0xFF) << 8) | (h[3] & 0xFF), getInt(h, 4), p);
            }
            // bad header: drop one byte and look for the magic again
            System.arraycopy(h, 1, h, 0, HEADER - 1);
            filled = HEADER - 1;
        }
    }

    private static boolean readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                if (done == 0 && off == 0) return false;
                throw new EOFException("stream ended early");
            }
            done += n;
        }
        return true;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    @Override
    public String toString() {
        return "Frame[type=0x" + Integer.toHexString(type) + ", id=" + id + ", len=" + payload.length + "]";
    }
}
