package io.cocoon.network.cni;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonValues;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CNI protocol as a runtime speaks it (CNI spec 1.0, results 0.2.0 to 1.0.0): a network
 * configuration (a {@code .conf} with one plugin or a {@code .conflist}), each plugin run as an
 * executable from {@code CNI_PATH} with the {@code CNI_*} environment and its config on stdin,
 * ADD in order with each plugin's result as the next one's {@code prevResult}, DEL in reverse,
 * CHECK in order. A plugin's failure is its own message ({@code {"code":..,"msg":..}}).
 */
final class Cni {
    /** Debian's plugins, then the upstream location; tests point it at their own plugins. */
    static List<Path> pluginDirs = List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));
    static final Path CONF_DIR = Path.of("/etc/cni/net.d");

    /** A network to join: its configuration, the container's interface name, CNI_ARGS. */
    record Network(Map<String, Object> config, String ifname, String args) {
        String name() {
            return JsonValues.string(config, "name").orElse("?");
        }

        String version() {
            return JsonValues.string(config, "cniVersion").orElse("0.2.0");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> plugins() {
            if (config.containsKey("plugins")) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (Object o : JsonValues.list(config, "plugins")) out.add((Map<String, Object>) o);
                return out;
            }
            return List.of(config);
        }
    }

    private Cni() {}

    /** Reads a .conf or .conflist; {@code expectName} (RunX's NETCONF name) must match its name. */
    static Map<String, Object> read(Path file, String expectName) {
        Map<String, Object> c;
        try {
            c = Json.parseObject(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new CocoonException("CNI configuration " + file + ": " + e.getMessage());
        }
        String name = JsonValues.string(c, "name").orElse(null);
        if (name == null) throw new CocoonException("CNI configuration " + file + " has no \"name\"");
        if (expectName != null && !expectName.equals(name)) {
            throw new CocoonException("CNI configuration " + file + " is network \"" + name + "\", not \"" + expectName + "\"");
        }
        if (!c.containsKey("plugins") && !c.containsKey("type")) {
            throw new CocoonException("CNI configuration " + file + " has neither \"type\" nor \"plugins\"");
        }
        return c;
    }

    /** The network named {@code name} in a configuration directory (.conf, .conflist, .json). */
    static Map<String, Object> find(Path dir, String name) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(".conf") || n.endsWith(".conflist") || n.endsWith(".json")) files.add(p);
            }
        } catch (IOException e) {
            throw new CocoonException("CNI network \"" + name + "\": cannot list " + dir + ": " + e.getMessage());
        }
        files.sort(null);
        for (Path f : files) {
            try {
                Map<String, Object> c = Json.parseObject(Files.readString(f));
                if (name.equals(JsonValues.string(c, "name").orElse(null))) return read(f, name);
            } catch (IOException | RuntimeException e) {
                // another file's problem: not this network's
            }
        }
        throw new CocoonException("CNI network \"" + name + "\" not found in " + dir);
    }

    /** ADD: returns the last plugin's result. */
    static Map<String, Object> add(Network n, String containerId, String netns) {
        Map<String, Object> prev = null;
        for (Map<String, Object> plugin : n.plugins()) prev = exec("ADD", n, plugin, prev, containerId, netns);
        return prev == null ? Map.of() : prev;
    }

    /** DEL, in reverse order, with the ADD result; every plugin is called even if one fails. */
    static void del(Network n, Map<String, Object> result, String containerId, String netns) {
        List<Map<String, Object>> plugins = new ArrayList<>(n.plugins());
        java.util.Collections.reverse(plugins);
        CocoonException first = null;
        for (Map<String, Object> plugin : plugins) {
            try {
                exec("DEL", n, plugin, result, containerId, netns);
            } catch (CocoonException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** CHECK (CNI 0.4.0 and later). */
    static void check(Network n, Map<String, Object> result, String containerId, String netns) {
        for (Map<String, Object> plugin : n.plugins()) exec("CHECK", n, plugin, result, containerId, netns);
    }

    /** The name servers and search domains of a result (0.2.0 to 1.0.0 put them in "dns"). */
    static List<String> nameservers(Map<String, Object> result) {
        return JsonValues.list(JsonValues.map(result, "dns"), "nameservers").stream().map(String::valueOf).toList();
    }

    static List<String> searchDomains(Map<String, Object> result) {
        return JsonValues.list(JsonValues.map(result, "dns"), "search").stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> exec(String command, Network n, Map<String, Object> plugin, Map<String, Object> prev,
                                            String containerId, String netns) {
        String type = JsonValues.string(plugin, "type").orElseThrow(() -> new CocoonException("CNI network " + n.name()
                + ": a plugin without \"type\""));
        Path exe = pluginDirs.stream().map(d -> d.resolve(type)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new CocoonException("CNI plugin \"" + type + "\" not found in " + pluginDirs
                        + " (apt-get install containernetworking-plugins)"));
        Map<String, Object> conf = new LinkedHashMap<>(plugin);
        conf.put("cniVersion", n.version());
        conf.put("name", n.name());
        if (prev != null) conf.put("prevResult", prev);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns);
        env.put("CNI_IFNAME", n.ifname());
        env.put("CNI_PATH", String.join(":", pluginDirs.stream().map(Path::toString).toList()));
        if (n.args() != null) env.put("CNI_ARGS", n.args());
        Commands.Result r = Commands.run(List.of(exe.toString()), Json.write(conf), env);
        if (r.rc() != 0) {
            String msg = r.out().isBlank() ? Commands.firstLine(r.err()) : error(r.out());
            throw new CocoonException("CNI " + type + " " + command + " for network " + n.name() + " failed: " + msg);
        }
        if (!command.equals("ADD") || r.out().isBlank()) return prev;
        try {
            return Json.parseObject(r.out());
        } catch (RuntimeException e) {
            throw new CocoonException("CNI " + type + " ADD printed no result: " + Commands.firstLine(r.out()));
        }
    }

    /** A CNI error object's msg (and details), else the output's first line. */
    static String error(String out) {
        try {
            Map<String, Object> e = Json.parseObject(out);
            String msg = JsonValues.string(e, "msg").orElse(null);
            String details = JsonValues.string(e, "details").orElse(null);
            if (msg != null) return msg + (details == null || details.isBlank() ? "" : ": " + details);
        } catch (RuntimeException ignored) {
            // not JSON
        }
        return Commands.firstLine(out);
    }
}
