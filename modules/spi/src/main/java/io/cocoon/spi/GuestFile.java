package io.cocoon.spi;

/**
 * A file the agent writes into the container at CREATE: a copy of a host file taken when the
 * container is created, where a bind through the share would otherwise carry it. The agent
 * keeps it in the container's private tmpfs and binds it at {@code path}, after every mount, so
 * writes to it stay in the guest (and in a checkpoint of the VM) and the host file's later
 * changes are not seen: for an engine's generated files ({@code /etc/hosts}, {@code /etc/hostname},
 * {@code /etc/resolv.conf}, {@code /run/.containerenv}), which a VM without a mounted share
 * can then be saved with.
 *
 * @param path the destination inside the container
 * @param mode its permission bits
 * @param data its content
 */
@Stable(since = "1.6")
public record GuestFile(String path, int mode, byte[] data) {
    public GuestFile {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuestFile f && f.path.equals(path) && f.mode == mode && java.util.Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "GuestFile[" + path + ", " + Integer.toOctalString(mode) + ", " + data.length + " bytes]";
    }
}
