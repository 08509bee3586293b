/* veth.h - a container's wire to the host: a veth pair, one end on the
 * host and one, eth0, in the container's network namespace, with a /30
 * between them and the host end as the container's default route.
 *
 * A veth pair is two network devices joined back to back: what one
 * sends, the other receives. Put the ends in two network namespaces and
 * the namespaces can talk, as two machines on one cable. Making one takes
 * CAP_NET_ADMIN over BOTH namespaces - on the host's side, the host's
 * user namespace: root. That is why a rootless container cannot have one
 * (slirp4netns and pasta give it a network from user space instead).
 *
 * Who does what (run.c, container.c):
 *   the runtime, before clone   veth_names(), veth_lock(), veth_pick():
 *                               the names and a free /30
 *   the runtime, after clone    veth_create(): the pair, the peer born in
 *                               the init's namespace; the host end's
 *                               address, alias and IFF_UP
 *   the init, before hardening  veth_inside(): the peer renamed eth0, its
 *                               address, IFF_UP, the default route
 *   nobody, at the end          the kernel: when the container's network
 *                               namespace goes (its last process gone),
 *                               its devices go, and a veth takes its
 *                               peer along - the host end disappears too,
 *                               even when the runtime was killed
 *
 * Pieces style: 0 (or the value named), or -1 with errno set and the
 * failed call recorded for nsl_failed_call() (common/fail.h), e.g.
 * "RTM_NEWADDR(10.231.0.1/30 on index 7)"; nothing prints or exits.
 *
 * Read: veth(4), network_namespaces(7), rtnetlink(7), netlink.h.
 */
#ifndef NSLAB_VETH_H
#define NSLAB_VETH_H

#include <net/if.h>
#include <netinet/in.h>
#include <sys/types.h>

/* Where the /30s come from unless --subnet says otherwise: a private
 * range (RFC 1918) that home and office networks seldom use. */
#define VETH_DEFAULT_SUBNET "10.231.0.0/16"

/* Each container gets a /30: 4 addresses, network, host end, container
 * end, broadcast. */
#define VETH_PREFIX 30

/* --subnet takes at most a /8 (4 million /30s). */
#define VETH_MIN_PREFIX 8

struct veth {
	char host[IFNAMSIZ];      /* the host end: "nsl" + 8 hex digits */
	char peer[IFNAMSIZ];      /* the container's end until it is eth0 */
	struct in_addr net;       /* the /30, network order */
	struct in_addr host_addr; /* net + 1 */
	struct in_addr ctr_addr;  /* net + 2 */
	int host_index;           /* the host end's index, once created */
};

/* "A.B.C.D/N" into *NET (network order) and *PREFIX: N from
 * VETH_MIN_PREFIX to VETH_PREFIX, no bit set after the prefix. A pure function. 0, or -1
 * with errno EINVAL and *WHY saying what is wrong (with bits set after
 * the prefix, *NET holds the network they were meant to name). */
int veth_parse_subnet(const char *s, struct in_addr *net, int *prefix, const char **why);

/* The names of the ends for container NAME into V: the host end
 * "nsl" + FNV-1a(NAME) in 8 hex digits, the peer the same + "c". */
void veth_names(const char *name, struct veth *v);

/* Lock the choice of subnets against other runs (flock on DIR, the
 * state directory, which holds our record and so stays). The fd; close
 * it once the host end has its address. */
int veth_lock(const char *dir);

/* The first /30 in BASE/PREFIX that overlaps no IPv4 address of the
 * caller's namespace (an RTM_GETADDR dump on NLFD), into V's addresses.
 * ENOSPC when every one is taken. */
int veth_pick(int nlfd, struct in_addr base, int prefix, struct veth *v);

/* The pair, with V->peer born in the network namespace of INIT, then
 * the host end's address, its alias ALIAS (the container's name, which
 * `ip link` shows) and IFF_UP. On failure the pair is deleted again. */
int veth_create(int nlfd, struct veth *v, pid_t init, const char *alias);

/* In the container's namespace: V->peer renamed eth0, given its address
 * and brought up, and the default route via the host end. */
int veth_inside(const struct veth *v);

/* After the container has ended: wait, at most TIMEOUT_MS, for the
 * kernel to remove the pair along with the container's network
 * namespace, watching its announcements (RTM_DELLINK) rather than
 * polling. The namespace goes when its last reference does, in a kernel
 * worker, a moment after its last process. Should something still hold
 * it (a process that joined it, an open /proc/PID/ns/net), the host end
 * is deleted by hand and *DELETED is set. */
int veth_wait_gone(int nlfd, const struct veth *v, int timeout_ms, int *deleted);

#endif
