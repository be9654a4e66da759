/*
 * netconf.c - the guest's network interfaces, from CREATE's (or NETCONF's)
 * NETIF fields.
 *
 * The host found each interface of the container's network namespace (its
 * MAC, MTU, addresses and routes) and gave the VM a virtio-net device with
 * the same MAC, wired to it by tc mirred. Here, once per VM, in the agent's
 * own network namespace (the containers' too): each interface is found by
 * its MAC, renamed, given its MTU, brought up, and given its addresses and
 * routes, through rtnetlink (IPv4 and IPv6 alike). A route the kernel made
 * already (the subnet of an address) is not an error.
 *
 * A standby NIC (DOWN) is renamed and parked in a network namespace of the
 * agent's own, so that the container sees only `lo` as a spec without a
 * network asks: an engine that wires the network after `create` (ctr --cni)
 * attaches its interface later, and NETCONF then brings the standby NIC back
 * and gives it that interface's MAC, name, addresses and routes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

struct nlreq {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rt;
	} u;
	char attrs[512];
};

static void add_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Sends one request and waits for its ack; returns 0 or a negative errno. */
static int nl_talk(int fd, struct nlreq *r)
{
	static uint32_t seq;
	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->h.nlmsg_seq = ++seq;
	if (send(fd, r, r->h.nlmsg_len, 0) < 0)
		return -errno;
	char buf[4096];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EINTR ? nl_talk(fd, r) : -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		}
	}
}

/* ifindex of the interface with this MAC (from /sys/class/net), its name in name[16]. */
static int find_by_mac(const char *mac, char name[16])
{
	char path[128], addr[32];
	for (int idx = 1; idx < 256; idx++) {
		char ifn[IF_NAMESIZE];
		if (!if_indextoname((unsigned)idx, ifn))
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifn);
		if (read_file(path, addr, sizeof(addr)) < 0)
			continue;
		addr[strcspn(addr, "\n")] = 0;
		if (!strcasecmp(addr, mac)) {
			snprintf(name, 16, "%s", ifn);
			return idx;
		}
	}
	return -1;
}

/* A zeroed netlink request of one type, its header sized for the message that follows it. */
static void nl_init(struct nlreq *r, uint16_t type, uint16_t flags, size_t msg)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(msg);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = flags;
}

static int set_link(int fd, int idx, const char *rename, uint32_t mtu, int up)
{
	struct nlreq r;
	nl_init(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = idx;
	r.u.ifi.ifi_change = IFF_UP;
	r.u.ifi.ifi_flags = up ? IFF_UP : 0;
	if (rename)
		add_attr(&r, IFLA_IFNAME, rename, strlen(rename) + 1);
	if (mtu)
		add_attr(&r, IFLA_MTU, &mtu, sizeof(mtu));
	return nl_talk(fd, &r);
}

/* "10.88.0.5/16" or "fd00::5/64" into family, bytes, prefix length. */
static int parse_cidr(const char *s, int *family, unsigned char addr[16], int *plen)
{
	char ip[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(ip))
		return -1;
	memcpy(ip, s, n);
	ip[n] = 0;
	*family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, ip, addr) != 1)
		return -1;
	int max = *family == AF_INET ? 32 : 128;
	*plen = slash ? atoi(slash + 1) : max;
	return *plen < 0 || *plen > max ? -1 : 0;
}

static int add_addr(int fd, int idx, const char *cidr)
{
	int family, plen;
	unsigned char a[16];
	if (parse_cidr(cidr, &family, a, &plen) < 0)
		return -EINVAL;
	struct nlreq r;
	nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct ifaddrmsg));
	r.u.ifa.ifa_family = (unsigned char)family;
	r.u.ifa.ifa_prefixlen = (unsigned char)plen;
	r.u.ifa.ifa_index = (unsigned)idx;
	size_t len = family == AF_INET ? 4 : 16;
	add_attr(&r, IFA_LOCAL, a, len);
	add_attr(&r, IFA_ADDRESS, a, len);
	if (family == AF_INET6) {
		/* the host already checked the address: skip duplicate address detection */
		uint32_t flags = IFA_F_NODAD;
		add_attr(&r, IFA_FLAGS, &flags, sizeof(flags));
	}
	return nl_talk(fd, &r);
}

static int add_route(int fd, int idx, const struct route_spec *rs)
{
	int family, plen = 0;
	unsigned char dst[16] = {0}, gw[16];
	if (!strcmp(rs->dst, "default"))
		family = AF_INET;
	else if (!strcmp(rs->dst, "default6"))
		family = AF_INET6;
	else if (parse_cidr(rs->dst, &family, dst, &plen) < 0)
		return -EINVAL;
	struct nlreq r;
	nl_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg));
	r.u.rt.rtm_family = (unsigned char)family;
	r.u.rt.rtm_dst_len = (unsigned char)plen;
	r.u.rt.rtm_table = RT_TABLE_MAIN;
	r.u.rt.rtm_protocol = RTPROT_BOOT;
	r.u.rt.rtm_scope = rs->gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	r.u.rt.rtm_type = RTN_UNICAST;
	size_t len = family == AF_INET ? 4 : 16;
	if (plen)
		add_attr(&r, RTA_DST, dst, len);
	if (rs->gw) {
		if (inet_pton(family, rs->gw, gw) != 1)
			return -EINVAL;
		add_attr(&r, RTA_GATEWAY, gw, len);
	}
	uint32_t oif = (uint32_t)idx;
	add_attr(&r, RTA_OIF, &oif, sizeof(oif));
	int rc = nl_talk(fd, &r);
	return rc == -EEXIST ? 0 : rc;
}

/* Standby NICs wait in a namespace of their own, by their (host-given) MAC. */
static int park_fd = -1;
static struct {
	char mac[18], name[16];
} parked[4];
static int nparked;

static int move_to_netns(int fd, int idx, int nsfd)
{
	struct nlreq r;
	nl_init(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = idx;
	uint32_t ns = (uint32_t)nsfd;
	add_attr(&r, IFLA_NET_NS_FD, &ns, sizeof(ns));
	return nl_talk(fd, &r);
}

/* Moves the link out of the container's sight; returns 0 or a negative errno. */
static int park(int fd, int idx, const struct netif_spec *n)
{
	if ((size_t)nparked >= sizeof(parked) / sizeof(parked[0]))
		return -E2BIG;
	if (park_fd < 0) {
		int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return -errno;
		int e = unshare(CLONE_NEWNET) < 0 ? -errno : 0;
		if (e == 0 && (park_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
			e = -errno;
		if (setns(self, CLONE_NEWNET) < 0 && e == 0)
			e = -errno;
		close(self);
		if (e < 0)
			return e;
	}
	int e = move_to_netns(fd, idx, park_fd);
	if (e == 0) {
		snprintf(parked[nparked].mac, sizeof(parked[0].mac), "%s", n->mac);
		snprintf(parked[nparked].name, sizeof(parked[0].name), "%s", n->name);
		nparked++;
	}
	return e;
}

/* Brings the parked NIC with this MAC back; 0, -ENOENT if none is parked, or a negative errno. */
static int unpark(const char *mac)
{
	int i = 0;
	while (i < nparked && strcasecmp(parked[i].mac, mac))
		i++;
	if (i == nparked)
		return -ENOENT;
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	int e = 0, nl = -1;
	if (setns(park_fd, CLONE_NEWNET) < 0)
		e = -errno;
	/* the socket and the name lookup belong to the namespace current when they are made */
	if (e == 0 && (nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
		e = -errno;
	unsigned idx = e == 0 ? if_nametoindex(parked[i].name) : 0;
	if (e == 0 && !idx)
		e = -ENODEV;
	if (e == 0)
		e = move_to_netns(nl, (int)idx, self);
	if (nl >= 0)
		close(nl);
	if (setns(self, CLONE_NEWNET) < 0 && e == 0)
		e = -errno;
	close(self);
	if (e == 0)
		parked[i] = parked[--nparked];
	return e;
}

/* "aa:bb:cc:dd:ee:ff" into 6 bytes. */
static int parse_mac(const char *s, unsigned char m[6])
{
	unsigned v[6];
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (unsigned char)v[i];
	return 0;
}

static int set_mac(int fd, int idx, const char *mac)
{
	unsigned char m[6];
	if (parse_mac(mac, m) < 0)
		return -EINVAL;
	struct nlreq r;
	nl_init(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = idx;
	add_attr(&r, IFLA_ADDRESS, m, 6);
	return nl_talk(fd, &r);
}

static void notify_peers(const char *ifname)
{
	static const char *const knob[] = {"/proc/sys/net/ipv4/conf/%s/arp_notify", "/proc/sys/net/ipv6/conf/%s/ndisc_notify"};
	for (size_t i = 0; i < 2; i++) {
		char path[96];
		snprintf(path, sizeof(path), knob[i], ifname);
		int f = open(path, O_WRONLY | O_CLOEXEC);
		if (f < 0 || write(f, "1", 1) != 1)
			log_dbg("network: %s: %s", path, strerror(errno));
		if (f >= 0)
			close(f);
	}
}

/* One interface: down, MAC, name, MTU, addresses, up. Returns 0 or a negative errno. */
static int configure_link(int fd, int idx, const char *cur, const struct netif_spec *n, char *err, size_t errsz)
{
	int e = 0;
	int relink = strcmp(cur, n->name) || n->new_mac;
	if (relink)
		e = set_link(fd, idx, NULL, 0, 0); /* a rename or a MAC change needs the link down */
	if (e == 0 && n->new_mac && (e = set_mac(fd, idx, n->new_mac)) < 0)
		snprintf(err, errsz, "network: %s: MAC %s: %s", n->name, n->new_mac, strerror(-e));
	if (e == 0 && strcmp(cur, n->name))
		e = set_link(fd, idx, n->name, 0, 0);
	if (e == 0 && n->down) {
		e = set_link(fd, idx, NULL, n->mtu, 0);
		return e == 0 ? park(fd, idx, n) : e;
	}
	/*
	 * Announce the addresses when the link comes up (a gratuitous ARP, an unsolicited NA): a
	 * peer still holding the MAC of an earlier container at this address (a reused IPAM lease)
	 * would otherwise keep sending to it until its neighbour entry expires, for up to a minute.
	 * So the addresses go on first, and the link comes up last.
	 */
	notify_peers(n->name);
	for (size_t a = 0; e == 0 && a < n->naddrs; a++)
		if ((e = add_addr(fd, idx, n->addrs[a])) < 0)
			snprintf(err, errsz, "network: %s address %s: %s", n->name, n->addrs[a], strerror(-e));
	if (e == 0)
		e = set_link(fd, idx, NULL, n->mtu, 1);
	return e;
}

int netconf_apply(const struct netif_spec *nf, size_t count, char *err, size_t errsz)
{
	if (!count)
		return 0;
	if (count > 16) {
		snprintf(err, errsz, "network: %zu interfaces, at most 16", count);
		errno = E2BIG;
		return -1;
	}
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errsz, "network: netlink socket: %s", strerror(errno));
		return -1;
	}
	err[0] = 0;
	int rc = 0;
	/* routes after every address: a gateway may be reachable through another interface */
	int idx[16] = {0};
	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct netif_spec *n = &nf[i];
		char cur[16];
		idx[i] = find_by_mac(n->mac, cur);
		if (idx[i] < 0) {
			int u = unpark(n->mac);
			if (u < 0 && u != -ENOENT) {
				snprintf(err, errsz, "network: standby NIC %s: %s", n->mac, strerror(-u));
				errno = -u;
				rc = -1;
				break;
			}
			if (u == 0)
				idx[i] = find_by_mac(n->mac, cur);
		}
		if (idx[i] < 0) {
			snprintf(err, errsz, "network: no guest interface with MAC %s (for %s)", n->mac, n->name);
			errno = ENODEV;
			rc = -1;
			break;
		}
		int e = configure_link(fd, idx[i], cur, n, err, errsz);
		if (e < 0) {
			if (strncmp(err, "network: ", 9))
				snprintf(err, errsz, "network: %s (MAC %s): %s", n->name, n->mac, strerror(-e));
			errno = -e;
			rc = -1;
		}
	}
	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct netif_spec *n = &nf[i];
		for (size_t r = 0; r < n->nroutes && !n->down; r++) {
			int e = add_route(fd, idx[i], &n->routes[r]);
			if (e < 0) {
				snprintf(err, errsz, "network: %s route %s via %s: %s", n->name, n->routes[r].dst,
					 n->routes[r].gw ? n->routes[r].gw : "-", strerror(-e));
				errno = -e;
				rc = -1;
				break;
			}
		}
	}
	close(fd);
	if (rc == 0)
		log_dbg("network: %zu interfaces configured", count);
	return rc;
}

/*
 * A template's clone: the NIC still has the template's MAC (the device state, MAC included,
 * came from the template), so it takes the container's before CREATE looks it up. Setting it
 * through netlink also updates QEMU's receive filter (virtio-net's MAC_ADDR_SET command).
 */
int netconf_remap_mac(const char *from, const char *to, char *err, size_t errsz)
{
	char name[16];
	unsigned int b[6];
	uint8_t mac[6];
	if (sscanf(to, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) {
		snprintf(err, errsz, "MAC_MAP: \"%s\" is not a MAC", to);
		return -1;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	int idx = find_by_mac(from, name);
	if (idx < 0) {
		/* a restored checkpoint's NIC already moved into its container's namespace: it keeps its MAC */
		log_warn("MAC_MAP: no interface of the agent's namespace has MAC %s: left as it is", from);
		return 0;
	}
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errsz, "MAC_MAP: netlink: %s", strerror(errno));
		return -1;
	}
	struct nlreq r;
	nl_init(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = idx;
	add_attr(&r, IFLA_ADDRESS, mac, sizeof(mac));
	int e = nl_talk(fd, &r);
	close(fd);
	if (e < 0) {
		snprintf(err, errsz, "MAC_MAP: %s: cannot set MAC %s: %s", name, to, strerror(-e));
		return -1;
	}
	return 0;
}
