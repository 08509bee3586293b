/* netlink_req.c - the rtnetlink requests a container's network takes,
 * each the message the matching `ip` command sends (see netlink.h; the
 * building and the answers are in netlink.c).
 *
 *   nl_link_index         ip link show NAME          RTM_GETLINK
 *   nl_veth_create        ip link add NAME type veth peer name PEER netns PID
 *                                                    RTM_NEWLINK + CREATE|EXCL
 *   nl_link_set           ip link set INDEX name N alias A up
 *                                                    RTM_NEWLINK
 *   nl_link_del           ip link del INDEX          RTM_DELLINK
 *   nl_addr_add           ip addr add A/P dev INDEX  RTM_NEWADDR
 *   nl_route_add_default  ip route add default via GW dev INDEX
 *                                                    RTM_NEWROUTE
 *   nl_addr_list          ip -4 addr show            RTM_GETADDR, a dump
 *
 * Read: rtnetlink(7), <linux/if_link.h> (IFLA_*), <linux/veth.h>
 * (VETH_INFO_PEER), <linux/if_addr.h> (IFA_*), <linux/rtnetlink.h>
 * (RTA_*, RT_TABLE_MAIN, RTPROT_BOOT).
 */
#define _GNU_SOURCE
#include "netlink.h"
#include "netlink_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fail.h"

/* RTM_NEWLINK's answer to RTM_GETLINK: the link's index. */
static int got_link(const struct nlmsghdr *h, void *arg)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	if (h->nlmsg_type == RTM_NEWLINK)
		*(int *)arg = ifi->ifi_index;
	return 0;
}

int nl_link_index(int fd, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC }; /* index 0: by name */
	char what[64];
	struct nl_msg m;
	int index = 0;

	snprintf(what, sizeof(what), "RTM_GETLINK(\"%s\")", name);
	nl_msg_init(&m, RTM_GETLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	nl_attr_str(&m, IFLA_IFNAME, name);
	if (nl_talk(fd, &m, what, got_link, &index) == -1)
		return -1;
	if (index <= 0) {
		errno = ENODEV;
		return nsl_fail("%s", what);
	}
	return index;
}

/* The request, in the order of its bytes (netlink_show.c prints them):
 *
 *   nlmsghdr  RTM_NEWLINK, REQUEST|ACK|CREATE|EXCL: make it, fail with
 *             EEXIST rather than change a link that has the name
 *   ifinfomsg all zero: a new link, no index chosen
 *   IFLA_IFNAME "NAME"
 *   IFLA_LINKINFO                 what kind of link, and its details
 *     IFLA_INFO_KIND "veth"       the driver: drivers/net/veth.c
 *     IFLA_INFO_DATA              the veth driver's own attributes
 *       VETH_INFO_PEER            the other end: an ifinfomsg of its own,
 *         ifinfomsg               then its attributes, as for a link
 *         IFLA_IFNAME "PEER"
 *         IFLA_NET_NS_PID PID     born in PID's network namespace
 *
 * IFLA_NET_NS_PID names the namespace by a process in it, looked up in
 * the caller's PID namespace; IFLA_NET_NS_FD would take an open
 * /proc/PID/ns/net instead. A pid can be reused once its process is
 * reaped, but the runtime's init is its own unreaped child: the pid
 * cannot name anyone else while we use it. Making the peer in place
 * spares moving it later (ip link set PEER netns PID), and a name that
 * clashed on the host for a moment. */
int nl_veth_create(int fd, const char *name, const char *peer, pid_t peer_pid)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	uint32_t pid = (uint32_t)peer_pid;
	struct rtattr *info, *data, *end;
	char what[128];
	struct nl_msg m;

	snprintf(what, sizeof(what), "RTM_NEWLINK(veth \"%s\", peer \"%s\" in the network "
		 "namespace of pid %d)", name, peer, (int)peer_pid);
	nl_msg_init(&m, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	nl_attr_str(&m, IFLA_IFNAME, name);
	info = nl_nest_start(&m, IFLA_LINKINFO);
	nl_attr_str(&m, IFLA_INFO_KIND, "veth");
	data = nl_nest_start(&m, IFLA_INFO_DATA);
	end = nl_nest_start(&m, VETH_INFO_PEER);
	nl_put(&m, &ifi, sizeof(ifi));
	nl_attr_str(&m, IFLA_IFNAME, peer);
	nl_attr(&m, IFLA_NET_NS_PID, &pid, sizeof(pid));
	nl_nest_end(&m, end);
	nl_nest_end(&m, data);
	nl_nest_end(&m, info);
	return nl_talk(fd, &m, what, NULL, NULL);
}

/* An existing link, by index. ifi_change says which bits of ifi_flags
 * to apply (0 would mean "all of them" to old kernels: never send it
 * with flags you do not mean). A rename happens before the flags change,
 * in the kernel's do_setlink(), and is refused (EBUSY) on a link that is
 * up. */
int nl_link_set(int fd, int index, const char *new_name, const char *alias, int up)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = index };
	char what[160];
	struct nl_msg m;

	if (up) {
		ifi.ifi_flags = IFF_UP;
		ifi.ifi_change = IFF_UP;
	}
	snprintf(what, sizeof(what), "RTM_NEWLINK(index %d%s%s%s%s%s%s)", index,
		 new_name != NULL ? ", name \"" : "", new_name != NULL ? new_name : "",
		 new_name != NULL ? "\"" : "", alias != NULL ? ", alias " : "",
		 alias != NULL ? alias : "", up ? ", IFF_UP" : "");
	nl_msg_init(&m, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	if (new_name != NULL)
		nl_attr_str(&m, IFLA_IFNAME, new_name);
	if (alias != NULL)
		nl_attr(&m, IFLA_IFALIAS, alias, strlen(alias)); /* no NUL: it is a length */
	return nl_talk(fd, &m, what, NULL, NULL);
}

int nl_link_del(int fd, int index)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = index };
	char what[48];
	struct nl_msg m;

	snprintf(what, sizeof(what), "RTM_DELLINK(index %d)", index);
	nl_msg_init(&m, RTM_DELLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	return nl_talk(fd, &m, what, NULL, NULL);
}

/* IFA_LOCAL is the address of the interface; IFA_ADDRESS is the same
 * except on a point-to-point link, where it is the other end's. No
 * IFA_BROADCAST: a /30 between two ends needs none. */
int nl_addr_add(int fd, int index, struct in_addr addr, int prefixlen)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefixlen,
				 .ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (unsigned)index };
	char what[80], text[INET_ADDRSTRLEN];
	struct nl_msg m;

	inet_ntop(AF_INET, &addr, text, sizeof(text));
	snprintf(what, sizeof(what), "RTM_NEWADDR(%s/%d on index %d)", text, prefixlen, index);
	nl_msg_init(&m, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	nl_attr(&m, IFA_LOCAL, &addr, sizeof(addr));
	nl_attr(&m, IFA_ADDRESS, &addr, sizeof(addr));
	return nl_talk(fd, &m, what, NULL, NULL);
}

/* A route is an rtmsg: the destination's prefix length (0: every
 * address, the default route), the table (main, what `ip route` shows),
 * who made it (RTPROT_BOOT, as `ip route add` says), its scope
 * (universe: via a gateway) and type (unicast); the gateway and the
 * outgoing link are attributes. The gateway must be reachable on that
 * link, which its /30 makes it, and the link must be up (ENETDOWN). */
int nl_route_add_default(int fd, int index, struct in_addr gw)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN,
			     .rtm_protocol = RTPROT_BOOT, .rtm_scope = RT_SCOPE_UNIVERSE,
			     .rtm_type = RTN_UNICAST };
	uint32_t oif = (uint32_t)index;
	char what[80], text[INET_ADDRSTRLEN];
	struct nl_msg m;

	inet_ntop(AF_INET, &gw, text, sizeof(text));
	snprintf(what, sizeof(what), "RTM_NEWROUTE(default via %s, index %d)", text, index);
	nl_msg_init(&m, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &rtm, sizeof(rtm));
	nl_attr(&m, RTA_GATEWAY, &gw, sizeof(gw));
	nl_attr(&m, RTA_OIF, &oif, sizeof(oif));
	return nl_talk(fd, &m, what, NULL, NULL);
}

struct addr_list {
	struct nl_addr *out;
	size_t max, n;
};

/* One RTM_NEWADDR of the dump: an ifaddrmsg, then IFA_* attributes. */
static int got_addr(const struct nlmsghdr *h, void *arg)
{
	struct addr_list *l = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *a;
	struct nl_addr one = { .index = (int)ifa->ifa_index, .prefixlen = ifa->ifa_prefixlen };
	int len = (int)IFA_PAYLOAD(h), found = 0;

	if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET)
		return 0;
	for (a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if ((a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS && !found)) &&
		    RTA_PAYLOAD(a) == sizeof(one.addr)) {
			memcpy(&one.addr, RTA_DATA(a), sizeof(one.addr));
			found = 1;
		}
	}
	if (!found)
		return 0;
	if (l->n < l->max)
		l->out[l->n] = one;
	l->n++;
	return 0;
}

int nl_addr_list(int fd, struct nl_addr *out, size_t max, size_t *n)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET }; /* only IPv4, please */
	struct addr_list l = { .out = out, .max = max };
	struct nl_msg m;

	nl_msg_init(&m, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	if (nl_talk(fd, &m, "RTM_GETADDR(AF_INET, NLM_F_DUMP)", got_addr, &l) == -1)
		return -1;
	*n = l.n;
	if (l.n > max) {
		errno = ENOBUFS;
		return nsl_fail("RTM_GETADDR(AF_INET, NLM_F_DUMP): more than %zu addresses", max);
	}
	return 0;
}
