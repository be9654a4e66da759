/*
 * proto.h - constants of the Cocoon agent protocol, version 1.
 *
 * The authoritative description is docs/agent-protocol.md; this header is its
 * C transcription and the one source of the numbers on the agent's side: the
 * python test client parses this file, and core's ProtocolCrossCheckTest fails
 * the build when io.cocoon.core.agent.Proto disagrees with it (MSG_X is Proto.X,
 * TAG_X is Proto.T_X, nested TAG_P_X / M_ / RL_ / D_ / DR_ are Proto.P_X / M_X / ...).
 * Message types are MSG_*, field tags TAG_*: the two never share a name.
 */
#ifndef COCOON_PROTO_H
#define COCOON_PROTO_H

#define PROTO_VERSION 1
#define AGENT_VERSION "0.1.0"

#define FRAME_MAGIC0 0xC0
#define FRAME_MAGIC1 0xC0
#define FRAME_HDR_LEN 12
#define FRAME_MAX_PAYLOAD (4u * 1024u * 1024u) /* above Linux's exec limit (ARG_MAX 2 MiB with an 8 MiB stack) */

/* Flow control (spec "Flow control"). */
#define OUTPUT_WINDOW 262144
#define STDIN_WINDOW 65536
#define EOF_GRACE_MS 1000

/* Host -> agent requests. */
#define MSG_HELLO 0x0001
#define MSG_CREATE 0x0002
#define MSG_START 0x0003
#define MSG_EXEC 0x0004
#define MSG_SIGNAL 0x0005
#define MSG_RESIZE 0x0006
#define MSG_CLOSE_STDIN 0x0007
#define MSG_PS 0x0008
#define MSG_STATS 0x0009
#define MSG_SHUTDOWN 0x000A
#define MSG_PING 0x000B
#define MSG_UPDATE 0x000C
#define MSG_NETCONF 0x000D /* NETIF fields, repeated: configure now */
#define MSG_FREEZE 0x000E  /* freeze the container's cgroup (a pod member's pause) */
#define MSG_THAW 0x000F
#define MSG_REATTACH 0x0010 /* a new host (a restored checkpoint's monitor) takes over the container's streams */
/* Host -> agent, no reply. */
#define MSG_STDIN 0x0100
#define MSG_CREDIT 0x0101
/* Agent -> host. */
#define MSG_OK 0x8000
#define MSG_ERROR 0x8001
#define MSG_STDOUT 0x8100
#define MSG_STDERR 0x8101
#define MSG_STDIN_CREDIT 0x8102
#define MSG_EXIT 0x8103
#define MSG_LOG 0x8104

/* General fields (numbered by the agent implementation, see the notes). */
#define TAG_VERSION 0x0001
#define TAG_AGENT_VERSION 0x0002
#define TAG_KERNEL 0x0003
#define TAG_BOOT_MS 0x0004
#define TAG_PID 0x0005
#define TAG_PROC_ID 0x0006
#define TAG_SIGNAL 0x0007
#define TAG_ALL 0x0008
#define TAG_EXIT_CODE 0x0009
#define TAG_STREAM 0x000A
#define TAG_BYTES 0x000B
#define TAG_ERRNO 0x000C
#define TAG_MESSAGE 0x000D
#define TAG_LEVEL 0x000E
#define TAG_TIMEOUT_MS 0x000F
/* PS reply */
#define TAG_PROC 0x0080
#define TAG_PPID 0x0081
#define TAG_STATE 0x0082
#define TAG_CMD 0x0083
/* STATS reply */
#define TAG_CPU_NS 0x0090
#define TAG_CPU_USER_NS 0x0091
#define TAG_CPU_SYSTEM_NS 0x0092
#define TAG_MEM_USAGE 0x0093
#define TAG_MEM_LIMIT 0x0094
#define TAG_MEM_CACHE 0x0095
#define TAG_PIDS 0x0096
#define TAG_MEM_TOTAL 0x0097
#define TAG_MEM_AVAILABLE 0x0098
#define TAG_OOM_KILLS 0x0099 /* memory.events oom_kill: processes the OOM killer took in the container */
/* UPDATE (besides CGROUP_MEMORY_MAX / CGROUP_PIDS_MAX) */
#define TAG_CPU_MAX 0x00A0
#define TAG_CPU_WEIGHT 0x00A1
/* HELLO: the host's wall-clock time, ns since the epoch (the guest has no RTC). */
#define TAG_TIME_NS 0x00A2

/* Container spec (CREATE payload). */
#define TAG_ROOTFS 0x0010
#define TAG_MOUNT 0x0011
#define TAG_HOSTNAME 0x0012
#define TAG_DOMAINNAME 0x0013
#define TAG_SYSCTL 0x0014
#define TAG_MASKED_PATH 0x0015
#define TAG_READONLY_PATH 0x0016
#define TAG_NAMESPACES 0x0017
#define TAG_PROCESS 0x0018
#define TAG_ROOT_READONLY 0x0019
#define TAG_CGROUP_MEMORY_MAX 0x001A
#define TAG_CGROUP_PIDS_MAX 0x001B
#define TAG_PROPAGATION 0x001C
/* CREATE: mounted once in the agent's own namespace (the VM's shared directory). */
#define TAG_SHARE 0x001D
/* CREATE: a device node to create (linux.devices), and device cgroup rules in order. */
#define TAG_DEVICE 0x001E
#define TAG_DEVICE_RULE 0x001F

/* CREATE: a guest network interface to configure (found by MAC), in the
 * agent's network namespace; a small file made in a tmpfs and bound at PATH. */
#define TAG_NETIF 0x0020
#define TAG_FILE 0x0021
#define TAG_JOIN_NS 0x0022 /* CREATE: u32 clone flags (IPC, UTS, PID) to join from container 0's init */
/* CREATE with CLONE_NEWUSER: the init's /proc/PID/uid_map and gid_map, "inside outside count" lines */
#define TAG_UID_MAP 0x0023
#define TAG_GID_MAP 0x0024
/* CREATE: the container cgroup's memory.low (linux.resources.memory.reservation) */
#define TAG_CGROUP_MEMORY_LOW 0x0025
/* HELLO reply, repeated: an extension served beyond version 1 (net, files, devices, shares). */
#define TAG_EXTENSION 0x00A3
/* HELLO to a template's clone: 32 random bytes to reseed the RNG with; "OLD NEW" MAC pairs (repeated). */
#define TAG_SEED 0x00A4
#define TAG_MAC_MAP 0x00A5

/* NETIF fields; ADDR (a CIDR, v4 or v6) and ROUTE repeat. */
#define TAG_N_NAME 0x00C0
#define TAG_N_MAC 0x00C1
#define TAG_N_MTU 0x00C2
#define TAG_N_ADDR 0x00C3
#define TAG_N_ROUTE 0x00C4
#define TAG_N_DOWN 0x00C5 /* flag: leave the link down (standby) */
#define TAG_N_NEW_MAC 0x00C6 /* set this MAC before renaming */
/* ROUTE fields: DST a CIDR, "default" or "default6"; GW absent = on-link. */
#define TAG_R_DST 0x00C8
#define TAG_R_GW 0x00C9

/* FILE fields. */
#define TAG_F_PATH 0x00D0
#define TAG_F_MODE 0x00D1
#define TAG_F_DATA 0x00D2

/* DEVICE fields. TYPE is "c", "b", "u" or "p". */
#define TAG_D_PATH 0x00B0
#define TAG_D_TYPE 0x00B1
#define TAG_D_MAJOR 0x00B2
#define TAG_D_MINOR 0x00B3
#define TAG_D_MODE 0x00B4
#define TAG_D_UID 0x00B5
#define TAG_D_GID 0x00B6

/* DEVICE_RULE fields. TYPE is "a", "c" or "b"; absent MAJOR/MINOR = any;
 * ACCESS any of "rwm". */
#define TAG_DR_ALLOW 0x00B8
#define TAG_DR_TYPE 0x00B9
#define TAG_DR_MAJOR 0x00BA
#define TAG_DR_MINOR 0x00BB
#define TAG_DR_ACCESS 0x00BC

/* MOUNT fields. */
#define TAG_M_TYPE 0x0030
#define TAG_M_SOURCE 0x0031
#define TAG_M_DEST 0x0032
#define TAG_M_FLAGS 0x0033
#define TAG_M_DATA 0x0034
#define TAG_M_PROPAGATION 0x0035
#define TAG_M_STAGING 0x0036
#define TAG_M_MKDIR 0x0037

/* PROCESS fields. */
#define TAG_P_ARG 0x0050
#define TAG_P_ENV 0x0051
#define TAG_P_CWD 0x0052
#define TAG_P_UID 0x0053
#define TAG_P_GID 0x0054
#define TAG_P_AGID 0x0055
#define TAG_P_UMASK 0x0056
#define TAG_P_RLIMIT 0x0057
#define TAG_P_CAP_BOUNDING 0x0058
#define TAG_P_CAP_EFFECTIVE 0x0059
#define TAG_P_CAP_PERMITTED 0x005A
#define TAG_P_CAP_INHERITABLE 0x005B
#define TAG_P_CAP_AMBIENT 0x005C
#define TAG_P_NO_NEW_PRIVS 0x005D
#define TAG_P_OOM_SCORE_ADJ 0x005E
#define TAG_P_SECCOMP_BPF 0x005F
#define TAG_P_SECCOMP_FLAGS 0x0060
#define TAG_P_TERMINAL 0x0061
#define TAG_P_STDIN 0x0062
#define TAG_P_ROWS 0x0063
#define TAG_P_COLS 0x0064
#define TAG_P_USER_NAME 0x0065

/* RLIMIT fields: the document names them without numbers (see the notes). */
#define TAG_RL_TYPE 0x0070
#define TAG_RL_SOFT 0x0071
#define TAG_RL_HARD 0x0072

/* EXIT: the signal that killed the process travels in the SIGNAL tag. */
#define TAG_EXIT_SIGNAL TAG_SIGNAL
/* RESIZE reuses the PROCESS tags ROWS/COLS; PS's UID reuses PROCESS's UID. */
#define TAG_ROWS TAG_P_ROWS
#define TAG_COLS TAG_P_COLS
#define TAG_UID TAG_P_UID

/* LOG levels */
#define LOG_ERROR 0
#define LOG_WARN 1
#define LOG_INFO 2
#define LOG_DEBUG 3

#endif
