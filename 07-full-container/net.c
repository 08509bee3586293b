/* net.c - the container's network from inside: the loopback, and eth0;
 * see net.h.
 *
 * lo needs no netlink: the oldest interface to a network device, ioctl(2) on
 * any socket, still does this one job. SIOCGIFFLAGS reads the flags of
 * the device the request names, SIOCSIFFLAGS writes them back; the kernel
 * acts on the network namespace of the socket, which is the one the
 * caller was in when it made the socket - ours, the new one. Changing the
 * flags needs CAP_NET_ADMIN over that namespace, which a process has in a
 * namespace its own user namespace owns, rootless included. The kernel
 * gives lo its 127.0.0.1 and ::1 itself when it comes up.
 *
 * eth0 is set up with rtnetlink instead (veth.c, netlink_req.c): ioctls
 * for names, addresses and routes exist (SIOCSIFNAME, SIOCSIFADDR,
 * SIOCADDRT), but they are the older interface, IPv4 only, and a veth
 * pair can be made only with netlink - one interface for all of it.
 *
 * Read: netdevice(7) (SIOCGIFFLAGS, SIOCSIFFLAGS), network_namespaces(7).
 */
#define _GNU_SOURCE
#include "net.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "ctr.h"
#include "fail.h"
#include "say.h"
#include "net/veth.h"

int net_loopback_up(void)
{
	struct ifreq ifr;
	int fd, ret = -1;

	/* Any socket will do; a datagram socket costs the least. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		nsl_error(errno, "socket(AF_INET, SOCK_DGRAM)");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1) {
		nsl_error(errno, "ioctl(SIOCGIFFLAGS, \"lo\")");
		goto out;
	}
	say_more("ioctl(SIOCGIFFLAGS, \"lo\") = %#x: lo is %s", (unsigned)ifr.ifr_flags,
		 (ifr.ifr_flags & IFF_UP) ? "up" : "down, as in every new network namespace");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1) {
		nsl_error(errno, "ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP)");
		goto out;
	}
	say_more("ioctl(SIOCSIFFLAGS, \"lo\", %#x): lo is up", (unsigned)ifr.ifr_flags);
	ret = 0;
out:
	close(fd);
	return ret;
}

int net_setup(const struct ctr_config *c, const struct veth *veth)
{
	char here[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	if (c->net == CTR_NET_HOST) {
		say_more("--net host: lo and every other link are the host's; nothing to set up");
		return 0;
	}
	if (net_loopback_up() == -1)
		return -1;
	if (c->net != CTR_NET_VETH)
		return 0;
	if (veth_inside(veth) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	inet_ntop(AF_INET, &veth->ctr_addr, here, sizeof(here));
	inet_ntop(AF_INET, &veth->host_addr, gw, sizeof(gw));
	say("eth0 (was %s): %s/%d, up, default route via %s, the host's end", veth->peer, here,
	    VETH_PREFIX, gw);
	return 0;
}
