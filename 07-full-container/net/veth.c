/* veth.c - the container's veth pair and its /30, on the host's side
 * and on the container's; see veth.h. Its names and the --subnet parser
 * are veth_parse.c's, the messages netlink_req.c's.
 *
 * Read: veth(4), rtnetlink(7), flock(2).
 */
#define _GNU_SOURCE
#include "veth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fail.h"
#include "netlink.h"

/* The host's addresses that veth_pick() looks at: more is refused. */
#define MAX_ADDRS 1024

int veth_lock(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), saved;

	if (fd == -1)
		return nsl_fail("open(\"%s\")", dir);
	if (flock(fd, LOCK_EX) == -1) {
		nsl_fail("flock(\"%s\", LOCK_EX)", dir);
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The first PREFIX bits set, in host order. */
static uint32_t mask_of(int prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

/* Do A/AP and B/BP share an address? Two prefixes overlap exactly when
 * they agree on the bits of the shorter one. Host order. */
static int overlap(uint32_t a, int ap, uint32_t b, int bp)
{
	uint32_t m = mask_of(ap < bp ? ap : bp);

	return (a & m) == (b & m);
}

int veth_pick(int nlfd, struct in_addr base, int prefix, struct veth *v)
{
	static struct nl_addr used[MAX_ADDRS];
	uint32_t first = ntohl(base.s_addr), count, net;
	size_t n, i;

	if (nl_addr_list(nlfd, used, MAX_ADDRS, &n) == -1)
		return -1;
	count = 1u << (VETH_PREFIX - prefix); /* /16: 16384 of them */
	for (uint32_t k = 0; k < count; k++) {
		net = first + 4 * k;
		for (i = 0; i < n; i++)
			if (overlap(net, VETH_PREFIX, ntohl(used[i].addr.s_addr), used[i].prefixlen))
				break;
		if (i == n) {
			v->net.s_addr = htonl(net);
			v->host_addr.s_addr = htonl(net + 1);
			v->ctr_addr.s_addr = htonl(net + 2);
			return 0;
		}
	}
	errno = ENOSPC;
	return nsl_fail("a free /%d in %s/%d (%zu addresses in use here)", VETH_PREFIX,
			inet_ntoa(base), prefix, n);
}

int veth_create(int nlfd, struct veth *v, pid_t init, const char *alias)
{
	struct nsl_failure failure;

	if (nl_veth_create(nlfd, v->host, v->peer, init) == -1)
		return -1;
	v->host_index = nl_link_index(nlfd, v->host);
	if (v->host_index == -1)
		return -1;
	if (nl_addr_add(nlfd, v->host_index, v->host_addr, VETH_PREFIX) == -1 ||
	    nl_link_set(nlfd, v->host_index, NULL, alias, 1) == -1) {
		nsl_fail_save(&failure); /* which a failed delete would overwrite */
		nl_link_del(nlfd, v->host_index); /* both ends go */
		return nsl_fail_restore(&failure);
	}
	return 0;
}

/* In the order the kernel needs: the rename while the link is down
 * (EBUSY once up), the address before the route (the gateway must be
 * on a link's subnet: ENETUNREACH), IFF_UP before the route too
 * (ENETDOWN). */
int veth_inside(const struct veth *v)
{
	int fd, index, saved, ret;

	fd = nl_open();
	if (fd == -1)
		return -1;
	index = nl_link_index(fd, v->peer);
	if (index == -1 || nl_link_set(fd, index, "eth0", NULL, 0) == -1 ||
	    nl_addr_add(fd, index, v->ctr_addr, VETH_PREFIX) == -1 ||
	    nl_link_set(fd, index, NULL, NULL, 1) == -1 ||
	    nl_route_add_default(fd, index, v->host_addr) == -1)
		ret = -1; /* the request that failed is recorded */
	else
		ret = 0;
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

int veth_wait_gone(int nlfd, const struct veth *v, int timeout_ms, int *deleted)
{
	int wfd, index, ret = -1, saved;

	*deleted = 0;
	wfd = nl_watch_links();
	if (wfd == -1)
		return -1;
	for (;;) {
		index = nl_link_index(nlfd, v->host);
		if (index == -1 && errno == ENODEV) {
			ret = 0; /* gone already */
			break;
		}
		if (index == -1 || index != v->host_index) {
			/* Another link under our name: ours has gone. */
			ret = index == -1 ? -1 : 0;
			break;
		}
		if (nl_wait_dellink(wfd, index, timeout_ms) == 0) {
			ret = 0;
			break;
		}
		if (errno == ENOBUFS)
			continue; /* announcements lost: ask again */
		if (errno != ETIMEDOUT || nl_link_del(nlfd, index) == -1)
			break;
		*deleted = 1; /* something holds the namespace: deleted by hand */
		ret = 0;
		break;
	}
	saved = errno;
	close(wfd);
	errno = saved;
	return ret;
}
