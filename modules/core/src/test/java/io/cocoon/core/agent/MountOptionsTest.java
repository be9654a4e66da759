package io.cocoon.core.agent;

import static io.cocoon.core.agent.MountOptions.MS_BIND;
import static io.cocoon.core.agent.MountOptions.MS_NODEV;
import static io.cocoon.core.agent.MountOptions.MS_NOEXEC;
import static io.cocoon.core.agent.MountOptions.MS_NOSUID;
import static io.cocoon.core.agent.MountOptions.MS_PRIVATE;
import static io.cocoon.core.agent.MountOptions.MS_RDONLY;
import static io.cocoon.core.agent.MountOptions.MS_REC;
import static io.cocoon.core.agent.MountOptions.MS_RELATIME;
import static io.cocoon.core.agent.MountOptions.MS_SHARED;
import static io.cocoon.core.agent.MountOptions.MS_SLAVE;
import static io.cocoon.core.agent.MountOptions.MS_STRICTATIME;
import static io.cocoon.core.agent.MountOptions.MS_UNBINDABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountOptionsTest {
    private static MountOptions parse(String... o) {
        return MountOptions.parse(List.of(o));
    }

    @Test
    void constantsMatchLinux() {
        assertEquals(1, MS_RDONLY);
        assertEquals(0x1000, MS_BIND);
        assertEquals(0x4000, MS_REC);
        assertEquals(0x40000, MS_PRIVATE);
        assertEquals(0x80000, MS_SLAVE);
        assertEquals(0x100000, MS_SHARED);
        assertEquals(0x20000, MS_UNBINDABLE);
        assertEquals(0x200000, MS_RELATIME);
        assertEquals(0x1000000, MS_STRICTATIME);
    }

    @ParameterizedTest
    @CsvSource({"ro, 1", "nosuid, 2", "nodev, 4", "noexec, 8", "sync, 16", "remount, 32", "mand, 64", "dirsync, 128",
            "noatime, 1024", "nodiratime, 2048", "bind, 4096", "rbind, 20480", "relatime, 2097152", "strictatime, 16777216",
            "rw, 0", "defaults, 0", "suid, 0", "dev, 0", "exec, 0", "async, 0", "atime, 0", "diratime, 0", "nomand, 0",
            "norelatime, 0", "nostrictatime, 0"})
    void runcWordTable(String word, long flags) {
        MountOptions o = parse(word);
        assertEquals(flags, o.flags());
        assertEquals("", o.data());
        assertEquals(0, o.propagation());
    }

    @Test
    void laterWordsWin() {
        assertEquals(0, parse("ro", "rw").flags());
        assertEquals(MS_RDONLY, parse("rw", "ro").flags());
        assertEquals(MS_RDONLY, parse("rw", "ro").clear(), "rw clears RDONLY even if ro comes later");
        assertEquals(MS_NOSUID | MS_NODEV | MS_NOEXEC, parse("suid", "nosuid", "nodev", "noexec").flags());
        assertEquals(0, parse("nosuid", "suid").flags());
    }

    @Test
    void rbindIsBindAndRec() {
        assertEquals(MS_BIND | MS_REC | MS_RDONLY, parse("rbind", "ro").flags());
    }

    @Test
    void propagationWordsAreSeparate() {
        MountOptions o = parse("rbind", "rprivate");
        assertEquals(MS_BIND | MS_REC, o.flags());
        assertEquals(MS_PRIVATE | MS_REC, o.propagation());
        assertEquals(MS_SHARED, parse("shared").propagation());
        assertEquals(MS_SLAVE | MS_REC, parse("rslave").propagation());
        assertEquals(MS_UNBINDABLE | MS_REC, parse("runbindable").propagation());
    }

    @Test
    void otherOptionsBecomeDataInOrder() {
        MountOptions o = parse("nosuid", "strictatime", "mode=755", "size=65536k");
        assertEquals(MS_NOSUID | MS_STRICTATIME, o.flags());
        assertEquals("mode=755,size=65536k", o.data());
        assertEquals("newinstance,ptmxmode=0666,mode=0620,gid=5",
                parse("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5").data());
        assertEquals("trans=virtio,version=9p2000.L", parse("trans=virtio", "version=9p2000.L").data());
    }

    @Test
    void runtimeHintsAreDropped() {
        MountOptions o = parse("tmpcopyup", "z", "Z", "idmap", "ridmap", "mode=1777");
        assertEquals("mode=1777", o.data());
        assertEquals(0, o.flags());
    }

    @Test
    void rootfsPropagationDefaultsToRprivate() {
        assertEquals(MS_PRIVATE | MS_REC, MountOptions.propagation(null));
        assertEquals(MS_PRIVATE | MS_REC, MountOptions.propagation(""));
        assertEquals(MS_PRIVATE | MS_REC, MountOptions.propagation("bogus"));
        assertEquals(MS_SLAVE | MS_REC, MountOptions.propagation("rslave"));
        assertEquals(MS_SHARED, MountOptions.propagation("shared"));
    }
}
