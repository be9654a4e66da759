package io.cocoon.guest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code depends=} entry of a kernel module's {@code .modinfo} ELF section, so the
 * host-kernel fallback can order modules without depmod's files (a kernel package unpacked
 * with dpkg-deb has none).
 */
final class ModInfo {
    private ModInfo() {}

    /** Module names this one depends on (may be empty). */
    static List<String> depends(Path ko) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(ko)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464C457F || b.get(4) != 2) throw new IOException(ko + ": not a 64-bit ELF module");
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3E));
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            String name = cstring(b, (int) (strOff + Integer.toUnsignedLong(b.getInt(sh))));
            if (!name.equals(".modinfo")) continue;
            int off = (int) b.getLong(sh + 0x18);
            int size = (int) b.getLong(sh + 0x20);
            for (String entry : new String(b.array(), off, size, StandardCharsets.US_ASCII).split("\0")) {
                if (entry.startsWith("depends=")) {
                    List<String> out = new ArrayList<>();
                    for (String d : entry.substring(8).split(",")) if (!d.isBlank()) out.add(d.trim());
                    return out;
                }
            }
            return List.of();
        }
        return List.of();
    }

    private static String cstring(ByteBuffer b, int off) {
        int end = off;
        while (b.get(end) != 0) end++;
        return new String(b.array(), off, end - off, StandardCharsets.US_ASCII);
    }
}
