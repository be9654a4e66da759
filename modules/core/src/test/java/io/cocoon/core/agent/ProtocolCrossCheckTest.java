package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent protocol's numbers exist in C ({@code modules/guest/agent/src/proto.h}) and in Java
 * ({@link Proto}); the python test client reads proto.h itself. This test parses proto.h and
 * fails on any disagreement, in either direction, so neither side can change alone:
 * {@code MSG_X} is {@code Proto.X}, {@code TAG_X} is {@code Proto.T_X}, the nested fields
 * {@code TAG_P_X}, {@code TAG_M_X}, {@code TAG_RL_X}, {@code TAG_D_X}, {@code TAG_DR_X},
 * {@code TAG_N_X}, {@code TAG_R_X}, {@code TAG_F_X} are {@code Proto.P_X}, {@code M_X}, ....
 */
class ProtocolCrossCheckTest {
    static final Path PROTO_H = Path.of(System.getProperty("user.dir")).resolve("../guest/agent/src/proto.h").normalize();
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(\\w+)\\s+(.+?)\\s*(/\\*.*)?$");
    /** Java constants that are not protocol numbers of the agent (Linux flags, control protocol). */
    private static final List<String> JAVA_ONLY_PREFIXES = List.of("CLONE_", "C_", "STREAM_");

    /** name -> value of every numeric #define in proto.h, aliases resolved. */
    static Map<String, Long> cDefines() throws IOException {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PROTO_H)) {
            Matcher m = DEFINE.matcher(line.strip());
            if (m.matches()) raw.put(m.group(1), m.group(2));
        }
        Map<String, Long> out = new TreeMap<>();
        for (String name : raw.keySet()) {
            Long v = eval(raw, raw.get(name));
            if (v != null) out.put(name, v);
        }
        return out;
    }

    private static Long eval(Map<String, String> raw, String v) {
        v = v.strip();
        if (v.startsWith("(") && v.endsWith(")")) v = v.substring(1, v.length() - 1).strip();
        if (raw.containsKey(v)) return eval(raw, raw.get(v));
        if (v.contains("*")) {
            long p = 1;
            for (String f : v.split("\\*")) {
                Long x = eval(raw, f);
                if (x == null) return null;
                p *= x;
            }
            return p;
        }
        v = v.replaceAll("[uUlL]+$", "");
        try {
            return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null; // strings (AGENT_VERSION), not numbers
        }
    }

    /** The Java name a C protocol name must have, or null if it has no Java counterpart. */
    static String javaName(String c) {
        if (c.equals("PROTO_VERSION")) return "VERSION";
        if (c.equals("OUTPUT_WINDOW") || c.equals("STDIN_WINDOW")) return c;
        if (c.startsWith("MSG_")) return c.substring(4);
        if (c.matches("TAG_(P|M|RL|D|DR|N|R|F)_.*")) {
            return c.substring(4);
        }
        if (c.startsWith("TAG_")) return "T_" + c.substring(4);
        return null; // framing and agent-internal limits (FRAME_HDR_LEN, EOF_GRACE_MS, LOG_*)
    }

    static Map<String, Long> javaConstants() throws IllegalAccessException {
        Map<String, Long> out = new TreeMap<>();
        for (Field f : Proto.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == int.class) out.put(f.getName(), (long) f.getInt(null));
        }
        return out;
    }

    static List<String> mismatches(Map<String, Long> c, Map<String, Long> java) {
        List<String> problems = new ArrayList<>();
        Map<String, String> mapped = new TreeMap<>();
        for (Map.Entry<String, Long> e : c.entrySet()) {
            String j = javaName(e.getKey());
            if (j == null) continue;
            mapped.put(j, e.getKey());
            Long jv = java.get(j);
            if (jv == null) problems.add("proto.h " + e.getKey() + " = 0x" + Long.toHexString(e.getValue()) + " has no Proto." + j);
            else if (!jv.equals(e.getValue())) {
                problems.add("proto.h " + e.getKey() + " = 0x" + Long.toHexString(e.getValue()) + " but Proto." + j + " = 0x"
                        + Long.toHexString(jv));
            }
        }
        for (Map.Entry<String, Long> e : java.entrySet()) {
            if (mapped.containsKey(e.getKey()) || JAVA_ONLY_PREFIXES.stream().anyMatch(e.getKey()::startsWith)) continue;
            problems.add("Proto." + e.getKey() + " = 0x" + Long.toHexString(e.getValue()) + " is not in proto.h");
        }
        return problems;
    }

    @Test
    void javaAndCAgree() throws Exception {
        List<String> problems = mismatches(cDefines(), javaConstants());
        assertEquals(List.of(), problems, "agent protocol numbers differ between Proto.java and " + PROTO_H);
    }

    @Test
    void controlRequestsNeverReuseAnAgentMessageType() throws Exception {
        Map<String, Long> c = cDefines();
        for (Map.Entry<String, Long> e : javaConstants().entrySet()) {
            if (!e.getKey().startsWith("C_")) continue;
            for (Map.Entry<String, Long> m : c.entrySet()) {
                if (m.getKey().startsWith("MSG_")) {
                    assertTrue(!m.getValue().equals(e.getValue()), "Proto." + e.getKey() + " collides with " + m.getKey());
                }
            }
        }
    }

    @Test
    void frameLimitAgrees() throws Exception {
        assertEquals((long) Frame.MAX_PAYLOAD, cDefines().get("FRAME_MAX_PAYLOAD"));
    }

    /** The python test client must take its numbers from proto.h, not keep copies. */
    @Test
    void pythonClientReadsProtoH() throws Exception {
        Path client = PROTO_H.resolveSibling("../test/cocoon_client.py").normalize();
        Process p = new ProcessBuilder("python3", "-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import cocoon_client as c;"
                + " print(json.dumps({k: v for k, v in vars(c).items() if k.startswith(('MSG_', 'TAG_'))}))",
                client.getParent().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        Map<String, Object> py = Json.parseObject(out.strip());
        Map<String, Long> c = cDefines();
        for (Map.Entry<String, Long> e : c.entrySet()) {
            if (!e.getKey().startsWith("MSG_") && !e.getKey().startsWith("TAG_")) continue;
            assertEquals(e.getValue(), py.get(e.getKey()), "python client's " + e.getKey());
        }
        String src = Files.readString(client);
        assertTrue(!Pattern.compile("(?m)^(HELLO|CREATE|VERSION|ROOTFS|ARG)\\b.*=\\s*(range|0x|\\d)").matcher(src).find(),
                "cocoon_client.py defines protocol numbers itself");
    }
}
