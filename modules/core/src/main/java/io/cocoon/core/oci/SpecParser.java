package io.cocoon.core.oci;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonException;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads config.json (runtime-spec 1.0.x to 1.3.x) into {@link Spec}. Strict on the types and
 * required fields the spec defines, so that errors name the JSON path; silent about fields it
 * does not know, as the spec requires.
 */
public final class SpecParser {
    /** Versions Cocoon accepts: 1.0.x to 1.3.x, with optional pre-release/build suffixes. */
    private static final Pattern VERSION = Pattern.compile("1\\.[0-3]\\.\\d+(?:[-+][0-9A-Za-z.+-]*)?");
    private static final Set<String> NAMESPACE_TYPES =
            Set.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");

    private SpecParser() {}

    /** Reads and parses {@code config.json}; all failures are one-line {@link CocoonException}s. */
    public static Spec read(Path configFile) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(configFile);
        } catch (NoSuchFileException e) {
            throw new CocoonException("config.json not found: " + configFile);
        } catch (AccessDeniedException e) {
            throw new CocoonException("cannot read " + configFile + ": permission denied");
        } catch (IOException e) {
            throw new CocoonException("cannot read " + configFile + ": " + e.getMessage());
        }
        return parse(bytes, configFile.toString());
    }

    public static Spec parse(byte[] json, String name) {
        return spec(tree(json, name));
    }

    /**
     * Parses a JSON document into generic values ({@link Json}), with a one-line error for
     * malformed input: invalid UTF-8, syntax errors with line and column, duplicate keys.
     */
    public static Object tree(byte[] json, String name) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new CocoonException(name + ": malformed JSON: not UTF-8");
        }
        if (text.isBlank()) throw new CocoonException(name + ": empty document");
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            throw new CocoonException(name + ": malformed JSON: " + e.getMessage());
        }
    }

    static Spec spec(Object rootNode) {
        if (!(rootNode instanceof Map)) throw new SpecException("(document)", "must be a JSON object");
        JsonTree t = new JsonTree(rootNode, "");
        String version = t.requireString("ociVersion");
        if (!VERSION.matcher(version).matches()) {
            throw new SpecException("ociVersion", "unsupported version \"" + version + "\" (Cocoon reads 1.0.x to 1.3.x)");
        }
        JsonTree root = t.object("root");
        Spec.Root r = root == null ? null : new Spec.Root(root.requireString("path"), root.bool("readonly"));
        List<Spec.Mount> mounts = new ArrayList<>();
        for (JsonTree m : t.objects("mounts")) mounts.add(mount(m));
        return new Spec(
                version,
                t.has("process") ? process(t.object("process")) : null,
                r,
                t.string("hostname"),
                t.string("domainname"),
                List.copyOf(mounts),
                hooks(t.object("hooks")),
                t.stringMap("annotations"),
                t.has("linux") ? linux(t.object("linux")) : null,
                t.has("vm") ? vm(t.object("vm")) : null,
                castMap(rootNode));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Spec.Mount mount(JsonTree m) {
        String dest = m.requireString("destination");
        if (dest.isEmpty()) throw new SpecException(m.child("destination"), "must not be empty");
        return new Spec.Mount(dest, m.string("type"), m.string("source"), m.strings("options"));
    }

    /** Parses a {@code process} object; also used for {@code exec --process}. */
    public static Spec.Process process(Object node, String path) {
        if (!(node instanceof Map)) throw new SpecException(path.isEmpty() ? "(document)" : path, "must be a JSON object");
        return process(new JsonTree(node, path));
    }

    static Spec.Process process(JsonTree p) {
        List<String> args = p.strings("args");
        String commandLine = p.string("commandLine");
        if (args.isEmpty() && commandLine == null) throw new SpecException(p.child("args"), "must be a non-empty array");
        String cwd = p.requireString("cwd");
        if (!cwd.startsWith("/")) throw new SpecException(p.child("cwd"), "must be an absolute path");
        List<String> env = p.strings("env");
        for (int i = 0; i < env.size(); i++) {
            if (!env.get(i).contains("=")) throw new SpecException(p.child("env") + "[" + i + "]", "must have the form KEY=value");
        }
        JsonTree u = p.object("user");
        Spec.User user;
        if (u == null) {
            user = new Spec.User(0, 0, null, List.of(), null);
        } else {
            long uid = u.requireInteger("uid", 0, 0xFFFFFFFFL);
            long gid = u.requireInteger("gid", 0, 0xFFFFFFFFL);
            Long umask = u.integer("umask", 0, 0777);
            List<Long> gids = new ArrayList<>();
            if (u.has("additionalGids")) {
                if (!(((Map<?, ?>) u.node()).get("additionalGids") instanceof List<?> a)) {
                    throw new SpecException(u.child("additionalGids"), "must be an array of integers");
                }
                for (int i = 0; i < a.size(); i++) {
                    if (!(a.get(i) instanceof Long g) || g < 0 || g > 0xFFFFFFFFL) {
                        throw new SpecException(u.child("additionalGids") + "[" + i + "]", "must be a gid (0..4294967295)");
                    }
                    gids.add(g);
                }
            }
            user = new Spec.User(uid, gid, umask == null ? null : umask.intValue(), List.copyOf(gids), u.string("username"));
        }
        JsonTree cs = p.object("consoleSize");
        Spec.ConsoleSize size = cs == null ? null
                : new Spec.ConsoleSize((int) cs.requireInteger("height", 0, 65535), (int) cs.requireInteger("width", 0, 65535));
        JsonTree c = p.object("capabilities");
        Spec.Capabilities caps = c == null ? Spec.Capabilities.NONE
                : new Spec.Capabilities(c.strings("bounding"), c.strings("effective"), c.strings("inheritable"),
                        c.strings("permitted"), c.strings("ambient"));
        List<Spec.Rlimit> rlimits = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonTree rl : p.objects("rlimits")) {
            String type = rl.requireString("type");
            if (!seen.add(type)) throw new SpecException(rl.child("type"), "duplicate rlimit " + type);
            rlimits.add(new Spec.Rlimit(type, rl.requireUint64("hard"), rl.requireUint64("soft")));
        }
        Long oom = p.integer("oomScoreAdj", -1000, 1000);
        return new Spec.Process(p.bool("terminal"), size, user, args, commandLine, env, cwd, caps, List.copyOf(rlimits),
                p.bool("noNewPrivileges"), p.string("apparmorProfile"), oom == null ? null : oom.intValue(),
                p.string("selinuxLabel"));
    }

    private static Spec.Hooks hooks(JsonTree h) {
        if (h == null) return Spec.Hooks.NONE;
        return new Spec.Hooks(hookList(h, "prestart"), hookList(h, "createRuntime"), hookList(h, "createContainer"),
                hookList(h, "startContainer"), hookList(h, "poststart"), hookList(h, "poststop"));
    }

    private static List<Spec.Hook> hookList(JsonTree h, String field) {
        List<Spec.Hook> out = new ArrayList<>();
        for (JsonTree e : h.objects(field)) {
            String path = e.requireString("path");
            if (!path.startsWith("/")) throw new SpecException(e.child("path"), "must be an absolute path");
            Long timeout = e.integer("timeout", 1, Integer.MAX_VALUE);
            out.add(new Spec.Hook(path, e.strings("args"), e.strings("env"), timeout == null ? null : timeout.intValue()));
        }
        return List.copyOf(out);
    }

    private static Linux linux(JsonTree l) {
        List<Linux.Namespace> namespaces = new ArrayList<>();
        Set<String> types = new HashSet<>();
        for (JsonTree n : l.objects("namespaces")) {
            String type = n.requireString("type");
            if (!NAMESPACE_TYPES.contains(type)) throw new SpecException(n.child("type"), "unknown namespace type \"" + type + "\"");
            if (!types.add(type)) throw new SpecException(n.child("type"), "duplicate namespace \"" + type + "\"");
            namespaces.add(new Linux.Namespace(type, n.string("path")));
        }
        List<Linux.Device> devices = new ArrayList<>();
        for (JsonTree d : l.objects("devices")) {
            String type = d.requireString("type");
            Long major = d.integer("major", 0, Long.MAX_VALUE);
            Long minor = d.integer("minor", 0, Long.MAX_VALUE);
            if (!type.equals("p") && (major == null || minor == null)) {
                throw new SpecException(d.child("major"), "major and minor are required for device type " + type);
            }
            Long mode = d.integer("fileMode", 0, 07777);
            devices.add(new Linux.Device(type, d.requireString("path"), major, minor,
                    mode == null ? null : mode.intValue(), d.integer("uid", 0, 0xFFFFFFFFL), d.integer("gid", 0, 0xFFFFFFFFL)));
        }
        return new Linux(List.copyOf(namespaces), idMappings(l, "uidMappings"), idMappings(l, "gidMappings"),
                List.copyOf(devices), l.has("resources") ? resources(l.object("resources")) : null, l.string("cgroupsPath"),
                l.stringMap("sysctl"), l.has("seccomp") ? seccomp(l.object("seccomp")) : null, l.string("rootfsPropagation"),
                l.strings("maskedPaths"), l.strings("readonlyPaths"), l.string("mountLabel"), l.raw("intelRdt"),
                l.raw("personality"));
    }

    private static List<Linux.IdMapping> idMappings(JsonTree l, String field) {
        List<Linux.IdMapping> out = new ArrayList<>();
        for (JsonTree m : l.objects(field)) {
            out.add(new Linux.IdMapping(m.requireInteger("containerID", 0, 0xFFFFFFFFL),
                    m.requireInteger("hostID", 0, 0xFFFFFFFFL), m.requireInteger("size", 0, 0xFFFFFFFFL)));
        }
        return List.copyOf(out);
    }

    /** Parses a {@code LinuxResources} object; also the input of {@code cocoon update}. */
    public static Linux.Resources resources(Object node, String path) {
        if (!(node instanceof Map)) throw new SpecException(path.isEmpty() ? "(document)" : path, "must be a JSON object");
        return resources(new JsonTree(node, path));
    }

    static Linux.Resources resources(JsonTree r) {
        JsonTree m = r.object("memory");
        Linux.Memory memory = m == null ? null : new Linux.Memory(m.integer("limit", -1, Long.MAX_VALUE),
                m.integer("reservation", -1, Long.MAX_VALUE), m.integer("swap", -1, Long.MAX_VALUE),
                m.integer("kernel", -1, Long.MAX_VALUE), m.integer("kernelTCP", -1, Long.MAX_VALUE),
                m.uint64("swappiness"), m.boolOrNull("disableOOMKiller"), m.boolOrNull("useHierarchy"));
        JsonTree c = r.object("cpu");
        Linux.Cpu cpu = c == null ? null : new Linux.Cpu(c.uint64("shares"), c.integer("quota", Long.MIN_VALUE, Long.MAX_VALUE),
                c.uint64("period"), c.integer("realtimeRuntime", Long.MIN_VALUE, Long.MAX_VALUE), c.uint64("realtimePeriod"),
                c.string("cpus"), c.string("mems"), c.integer("idle", Long.MIN_VALUE, Long.MAX_VALUE));
        JsonTree p = r.object("pids");
        Linux.Pids pids = p == null ? null : new Linux.Pids(p.requireInteger("limit", Long.MIN_VALUE, Long.MAX_VALUE));
        List<Linux.DeviceRule> rules = new ArrayList<>();
        for (JsonTree d : r.objects("devices")) {
            if (!d.has("allow")) throw new SpecException(d.child("allow"), "is required");
            rules.add(new Linux.DeviceRule(d.bool("allow"), d.string("type"), d.integer("major", -1, Long.MAX_VALUE),
                    d.integer("minor", -1, Long.MAX_VALUE), d.string("access")));
        }
        List<Map<String, Object>> huge = new ArrayList<>();
        for (JsonTree h : r.objects("hugepageLimits")) huge.add(castMap(h.node()));
        return new Linux.Resources(memory, cpu, pids, List.copyOf(rules), r.raw("blockIO"), List.copyOf(huge),
                r.raw("network"), r.stringMap("unified"));
    }

    private static Linux.Seccomp seccomp(JsonTree s) {
        List<Linux.SyscallRule> rules = new ArrayList<>();
        for (JsonTree sc : s.objects("syscalls")) {
            List<String> names = sc.strings("names");
            if (names.isEmpty()) throw new SpecException(sc.child("names"), "must be a non-empty array");
            List<Linux.SyscallArg> args = new ArrayList<>();
            for (JsonTree a : sc.objects("args")) {
                Long vt = a.uint64("valueTwo");
                args.add(new Linux.SyscallArg((int) a.requireInteger("index", 0, 5), a.requireUint64("value"),
                        vt == null ? 0 : vt, a.requireString("op")));
            }
            Long errno = sc.integer("errnoRet", 0, 4095);
            rules.add(new Linux.SyscallRule(names, sc.requireString("action"), errno == null ? null : errno.intValue(),
                    List.copyOf(args)));
        }
        Long defErrno = s.integer("defaultErrnoRet", 0, 4095);
        return new Linux.Seccomp(s.requireString("defaultAction"), defErrno == null ? null : defErrno.intValue(),
                s.strings("architectures"), s.strings("flags"), s.string("listenerPath"), s.string("listenerMetadata"),
                List.copyOf(rules));
    }

    private static Spec.Vm vm(JsonTree v) {
        JsonTree h = v.object("hypervisor");
        JsonTree k = v.object("kernel");
        JsonTree i = v.object("image");
        return new Spec.Vm(
                h == null ? null : new Spec.VmHypervisor(h.requireString("path"), h.strings("parameters")),
                k == null ? null : new Spec.VmKernel(k.requireString("path"), k.strings("parameters"), k.string("initrd")),
                i == null ? null : new Spec.VmImage(i.requireString("path"), i.requireString("format")));
    }
}
