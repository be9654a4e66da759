package io.cocoon.core.agent;

/**
 * Message types and field tags of docs/agent-protocol.md (version 1) and the control protocol.
 * The agent's side is {@code modules/guest/agent/src/proto.h}; ProtocolCrossCheckTest fails the
 * build when the two disagree (MSG_X there is X here, TAG_X is T_X, TAG_P_X is P_X).
 */
public final class Proto {
    private Proto() {}

    public static final int VERSION = 1;

    // host -> agent requests
    public static final int HELLO = 0x0001;
    public static final int CREATE = 0x0002;
    public static final int START = 0x0003;
    public static final int EXEC = 0x0004;
    public static final int SIGNAL = 0x0005;
    public static final int RESIZE = 0x0006;
    public static final int CLOSE_STDIN = 0x0007;
    public static final int PS = 0x0008;
    public static final int STATS = 0x0009;
    public static final int SHUTDOWN = 0x000A;
    public static final int PING = 0x000B;
    public static final int UPDATE = 0x000C;
    /** Configure guest interfaces now (NETIF fields, repeated): a NIC attached after CREATE. */
    public static final int NETCONF = 0x000D;
    /** Freeze / thaw the container's guest cgroup: a pod member's pause (its VM is shared). */
    public static final int FREEZE = 0x000E;
    public static final int THAW = 0x000F;
    /** A restored checkpoint's monitor takes over the container's streams (fresh windows and stdin credit). */
    public static final int REATTACH = 0x0010;
    // host -> agent, no reply
    public static final int STDIN = 0x0100;
    public static final int CREDIT = 0x0101;
    // agent -> host
    public static final int OK = 0x8000;
    public static final int ERROR = 0x8001;
    public static final int STDOUT = 0x8100;
    public static final int STDERR = 0x8101;
    public static final int STDIN_CREDIT = 0x8102;
    public static final int EXIT = 0x8103;
    public static final int LOG = 0x8104;

    // control protocol only (CLI -> monitor); see docs/control-protocol.md
    public static final int C_WAIT_CREATED = 0x0400;
    public static final int C_PAUSE = 0x0401;
    public static final int C_RESUME = 0x0402;
    public static final int C_VMSTATS = 0x0406;
    /**
     * A pod member's monitor joins its sandbox's VM (docs/kubernetes.md): C_T_MEMBER, C_T_PID and
     * one C_T_BIND per host bind; the reply's C_T_CTR is its container number. From then on the
     * connection relays agent frames, their ids moved into that number's range.
     */
    public static final int C_POD_ATTACH = 0x0407;
    public static final int C_T_MEMBER = 0x0400;
    public static final int C_T_PID = 0x0401;
    /** Nested: C_B_FD (an open_tree(2) fd of the member's monitor), C_B_TARGET, C_B_RO flag. */
    public static final int C_T_BIND = 0x0402;
    public static final int C_B_FD = 0x0403;
    public static final int C_B_TARGET = 0x0404;
    public static final int C_B_RO = 0x0405;
    public static final int C_T_CTR = 0x0406;
    /**
     * {@code checkpoint}: C_T_IMAGE_PATH is the directory the VM's state and disks are saved to;
     * with C_T_LEAVE_RUNNING the container goes on, else it ends as runc's checkpoint ends it.
     */
    public static final int C_CHECKPOINT = 0x0408;
    public static final int C_T_IMAGE_PATH = 0x0407;
    public static final int C_T_LEAVE_RUNNING = 0x0408;

    // generic tags
    public static final int T_VERSION = 0x0001;
    public static final int T_AGENT_VERSION = 0x0002;
    public static final int T_KERNEL = 0x0003;
    public static final int T_BOOT_MS = 0x0004;
    public static final int T_PID = 0x0005;
    public static final int T_PROC_ID = 0x0006;
    public static final int T_SIGNAL = 0x0007;
    public static final int T_ALL = 0x0008;
    public static final int T_ROWS = 0x0063;
    public static final int T_COLS = 0x0064;
    public static final int T_ERRNO = 0x000C;
    public static final int T_MESSAGE = 0x000D;
    public static final int T_STREAM = 0x000A;
    public static final int T_BYTES = 0x000B;
    public static final int T_EXIT_CODE = 0x0009;
    /** In EXIT frames the SIGNAL tag names the signal that killed the process. */
    public static final int T_EXIT_SIGNAL = 0x0007;
    public static final int T_LEVEL = 0x000E;
    public static final int T_TIMEOUT_MS = 0x000F;
    public static final int T_PROC = 0x0080;
    public static final int T_PPID = 0x0081;
    public static final int T_UID = 0x0053;
    public static final int T_STATE = 0x0082;
    public static final int T_CMD = 0x0083;
    public static final int T_CPU_NS = 0x0090;
    public static final int T_CPU_USER_NS = 0x0091;
    public static final int T_CPU_SYSTEM_NS = 0x0092;
    public static final int T_MEM_USAGE = 0x0093;
    public static final int T_MEM_LIMIT = 0x0094;
    public static final int T_MEM_CACHE = 0x0095;
    public static final int T_PIDS = 0x0096;
    public static final int T_MEM_TOTAL = 0x0097;
    public static final int T_MEM_AVAILABLE = 0x0098;
    /** STATS reply: the container cgroup's {@code memory.events} oom_kill count (runc's {@code oom} event). */
    public static final int T_OOM_KILLS = 0x0099;
    public static final int T_CPU_MAX = 0x00A0;
    public static final int T_CPU_WEIGHT = 0x00A1;
    /** HELLO: the host's wall clock in ns since the epoch; the guest has no RTC driver. */
    public static final int T_TIME_NS = 0x00A2;

    // container spec (CREATE)
    public static final int T_ROOTFS = 0x0010;
    public static final int T_MOUNT = 0x0011;
    public static final int T_HOSTNAME = 0x0012;
    public static final int T_DOMAINNAME = 0x0013;
    public static final int T_SYSCTL = 0x0014;
    public static final int T_MASKED_PATH = 0x0015;
    public static final int T_READONLY_PATH = 0x0016;
    public static final int T_NAMESPACES = 0x0017;
    public static final int T_PROCESS = 0x0018;
    public static final int T_ROOT_READONLY = 0x0019;
    public static final int T_CGROUP_MEMORY_MAX = 0x001A;
    public static final int T_CGROUP_PIDS_MAX = 0x001B;
    public static final int T_PROPAGATION = 0x001C;
    /** CREATE: a mount the agent makes once in its own namespace (the VM's shared directory). */
    public static final int T_SHARE = 0x001D;
    /** CREATE: a device node to create in the container ({@code linux.devices}). */
    public static final int T_DEVICE = 0x001E;
    /** CREATE: one device cgroup rule ({@code linux.resources.devices}), in order. */
    public static final int T_DEVICE_RULE = 0x001F;

    /** CREATE: one guest network interface to configure (found by MAC), in the agent's netns. */
    public static final int T_NETIF = 0x0020;
    /** CREATE: a small file the agent makes in a tmpfs and binds at PATH in the container. */
    public static final int T_FILE = 0x0021;
    /** CREATE of a pod member: clone flags (IPC, UTS, PID) joined from the sandbox's init, not created. */
    public static final int T_JOIN_NS = 0x0022;
    /** CREATE with CLONE_NEWUSER: the init's uid_map, "inside outside count" lines (linux.uidMappings). */
    public static final int T_UID_MAP = 0x0023;
    /** CREATE with CLONE_NEWUSER: the init's gid_map (linux.gidMappings). */
    public static final int T_GID_MAP = 0x0024;
    /** CREATE: the container cgroup's {@code memory.low} ({@code linux.resources.memory.reservation}). */
    public static final int T_CGROUP_MEMORY_LOW = 0x0025;
    /** HELLO reply (repeated): an extension the agent serves beyond protocol version 1. */
    public static final int T_EXTENSION = 0x00A3;
    /**
     * HELLO to a guest cloned from a template: 32 random bytes the agent mixes into the guest's
     * RNG and reseeds it with, since every clone starts from the template's random state.
     */
    public static final int T_SEED = 0x00A4;
    /**
     * HELLO to a clone (repeated): "OLD NEW", a NIC of the template's MAC OLD that must take the
     * container's MAC NEW before CREATE finds its interfaces by MAC.
     */
    public static final int T_MAC_MAP = 0x00A5;

    // NETIF fields
    public static final int N_NAME = 0x00C0;
    public static final int N_MAC = 0x00C1;
    public static final int N_MTU = 0x00C2;
    /** Repeated: a CIDR address, IPv4 or IPv6. */
    public static final int N_ADDR = 0x00C3;
    /** Repeated: a nested route. */
    public static final int N_ROUTE = 0x00C4;
    /** Flag: leave the link down (a standby NIC, attached later by NETCONF). */
    public static final int N_DOWN = 0x00C5;
    /** A MAC to give the NIC (found by N_MAC) before it is renamed and brought up. */
    public static final int N_NEW_MAC = 0x00C6;
    /** ROUTE: a CIDR, {@code default} or {@code default6}. */
    public static final int R_DST = 0x00C8;
    /** ROUTE: the gateway, absent for a directly connected route. */
    public static final int R_GW = 0x00C9;

    // FILE fields
    public static final int F_PATH = 0x00D0;
    public static final int F_MODE = 0x00D1;
    public static final int F_DATA = 0x00D2;

    // DEVICE fields
    public static final int D_PATH = 0x00B0;
    /** {@code c}, {@code b}, {@code u} or {@code p}. */
    public static final int D_TYPE = 0x00B1;
    public static final int D_MAJOR = 0x00B2;
    public static final int D_MINOR = 0x00B3;
    public static final int D_MODE = 0x00B4;
    public static final int D_UID = 0x00B5;
    public static final int D_GID = 0x00B6;

    // DEVICE_RULE fields
    public static final int DR_ALLOW = 0x00B8;
    /** {@code a}, {@code c} or {@code b}. */
    public static final int DR_TYPE = 0x00B9;
    /** Absent: any major (minor). */
    public static final int DR_MAJOR = 0x00BA;
    public static final int DR_MINOR = 0x00BB;
    /** Any of {@code r w m}. */
    public static final int DR_ACCESS = 0x00BC;

    // MOUNT fields
    public static final int M_TYPE = 0x0030;
    public static final int M_SOURCE = 0x0031;
    public static final int M_DEST = 0x0032;
    public static final int M_FLAGS = 0x0033;
    public static final int M_DATA = 0x0034;
    public static final int M_PROPAGATION = 0x0035;
    public static final int M_STAGING = 0x0036;
    public static final int M_MKDIR = 0x0037;

    // PROCESS fields
    public static final int P_ARG = 0x0050;
    public static final int P_ENV = 0x0051;
    public static final int P_CWD = 0x0052;
    public static final int P_UID = 0x0053;
    public static final int P_GID = 0x0054;
    public static final int P_AGID = 0x0055;
    public static final int P_UMASK = 0x0056;
    public static final int P_RLIMIT = 0x0057;
    public static final int P_CAP_BOUNDING = 0x0058;
    public static final int P_CAP_EFFECTIVE = 0x0059;
    public static final int P_CAP_PERMITTED = 0x005A;
    public static final int P_CAP_INHERITABLE = 0x005B;
    public static final int P_CAP_AMBIENT = 0x005C;
    public static final int P_NO_NEW_PRIVS = 0x005D;
    public static final int P_OOM_SCORE_ADJ = 0x005E;
    public static final int P_SECCOMP_BPF = 0x005F;
    public static final int P_SECCOMP_FLAGS = 0x0060;
    public static final int P_TERMINAL = 0x0061;
    public static final int P_STDIN = 0x0062;
    public static final int P_ROWS = 0x0063;
    public static final int P_COLS = 0x0064;
    public static final int P_USER_NAME = 0x0065;

    // RLIMIT fields
    public static final int RL_TYPE = 0x0070;
    public static final int RL_SOFT = 0x0071;
    public static final int RL_HARD = 0x0072;

    /** Namespace clone flags. */
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;

    public static final int STREAM_STDOUT = 1;
    public static final int STREAM_STDERR = 2;
    public static final int OUTPUT_WINDOW = 262144;
    public static final int STDIN_WINDOW = 65536;
}
