package io.cocoon.core.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Tag-length-value payloads: {@code u16 tag, u32 length, value}, big-endian. */
public final class Tlv {
    private Tlv() {}

    /** Builds a payload. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer bytes(int tag, byte[] v) {
            out.write(tag >> 8);
            out.write(tag);
            out.write(v.length >>> 24);
            out.write(v.length >>> 16);
            out.write(v.length >>> 8);
            out.write(v.length);
            out.write(v, 0, v.length);
            return this;
        }

        public Writer str(int tag, String v) {
            if (v.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL in string field " + tag);
            return bytes(tag, v.getBytes(StandardCharsets.UTF_8));
        }

        public Writer strs(int tag, List<String> vs) {
            for (String v : vs) str(tag, v);
            return this;
        }

        public Writer u32(int tag, long v) {
            byte[] b = new byte[4];
            Frame.putInt(b, 0, (int) v);
            return bytes(tag, b);
        }

        public Writer u64(int tag, long v) {
            byte[] b = new byte[8];
            Frame.putInt(b, 0, (int) (v >>> 32));
            Frame.putInt(b, 4, (int) v);
            return bytes(tag, b);
        }

        public Writer flag(int tag) {
            return bytes(tag, new byte[0]);
        }

        public Writer flag(int tag, boolean on) {
            return on ? flag(tag) : this;
        }

        public Writer nested(int tag, Writer inner) {
            return bytes(tag, inner.toBytes());
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }
    }

    /** One decoded field. */
    public record Field(int tag, byte[] value) {}

    /**
     * A decoded payload with typed getters. Malformed input (a truncated field, a value of the
     * wrong length for its getter) throws {@link IllegalArgumentException} with a message; that is
     * the only exception decoding throws (AgentFrameFuzzTest holds it to that).
     */
    public static final class Fields {
        private final List<Field> fields;

        private Fields(List<Field> fields) {
            this.fields = fields;
        }

        /** @throws IllegalArgumentException when a field is truncated or overruns the payload */
        public static Fields parse(byte[] p) {
            List<Field> out = new ArrayList<>();
            int i = 0;
            while (i < p.length) {
                if (p.length - i < 6) throw new IllegalArgumentException("truncated TLV header at " + i);
                int tag = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
                int len = Frame.getInt(p, i + 2);
                i += 6;
                if (len < 0 || len > p.length - i) throw new IllegalArgumentException("TLV field " + tag + " overruns the payload");
                byte[] v = new byte[len];
                System.arraycopy(p, i, v, 0, len);
                out.add(new Field(tag, v));
                i += len;
            }
            return new Fields(out);
        }

        public List<Field> all() {
            return fields;
        }

        public Optional<byte[]> first(int tag) {
            for (Field f : fields) if (f.tag() == tag) return Optional.of(f.value());
            return Optional.empty();
        }

        public List<byte[]> every(int tag) {
            List<byte[]> l = new ArrayList<>();
            for (Field f : fields) if (f.tag() == tag) l.add(f.value());
            return l;
        }

        public boolean has(int tag) {
            return first(tag).isPresent();
        }

        public Optional<String> str(int tag) {
            return first(tag).map(b -> new String(b, StandardCharsets.UTF_8));
        }

        public List<String> strs(int tag) {
            return every(tag).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        }

        public Optional<Long> u32(int tag) {
            return first(tag).map(b -> {
                if (b.length != 4) throw new IllegalArgumentException("field " + tag + " is not a u32");
                return Frame.getInt(b, 0) & 0xFFFFFFFFL;
            });
        }

        public Optional<Long> u64(int tag) {
            return first(tag).map(b -> {
                if (b.length != 8) throw new IllegalArgumentException("field " + tag + " is not a u64");
                return ((long) Frame.getInt(b, 0) << 32) | (Frame.getInt(b, 4) & 0xFFFFFFFFL);
            });
        }

        public List<Fields> nested(int tag) {
            return every(tag).stream().map(Fields::parse).toList();
        }
    }
}
