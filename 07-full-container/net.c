/* net.c - the loopback interface of the container's network namespace;
 * see net.h.
 *
 * No netlink here: the oldest interface to a network device, ioctl(2) on
 * any socket, still does this one job. SIOCGIFFLAGS reads the flags of
 * the device the request names, SIOCSIFFLAGS writes them back; the kernel
 * acts on the network namespace of the socket, which is the one the
 * caller was in when it made the socket - ours, the new one. Changing the
 * flags needs CAP_NET_ADMIN over that namespace, which a process has in a
 * namespace its own user namespace owns, rootless included. The kernel
 * gives lo its 127.0.0.1 and ::1 itself when it comes up.
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

#include "say.h"

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
