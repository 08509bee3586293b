/* netlink.h - raw rtnetlink: the messages `ip link`, `ip addr` and
 * `ip route` send to the kernel, built by hand with libc only.
 *
 * A netlink socket (socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) carries
 * messages between a process and the kernel's routing subsystem. Each
 * message is a struct nlmsghdr (length, type such as RTM_NEWLINK, flags,
 * sequence number, port id), then a fixed struct for the family of the
 * request (struct ifinfomsg for links, ifaddrmsg for addresses, rtmsg for
 * routes), then attributes: each a struct rtattr (length, type) and its
 * payload, padded to 4 bytes. An attribute may hold other attributes (a
 * "nested" one), which is how a veth's peer is described inside the
 * request that creates the veth. With NLM_F_ACK the kernel answers every
 * request with an NLMSG_ERROR message whose error is 0 (done) or -errno.
 *
 * Every request acts on the network namespace of the socket: the one its
 * maker was in when it called socket(2). The runtime's socket works on the
 * host's links, the container init's on the container's.
 *
 * Pieces style: each call returns 0 (or the value it names), or -1 with
 * errno set and the failed request recorded for nsl_failed_call()
 * (common/fail.h), e.g. "RTM_NEWADDR(10.231.0.1/30 on index 7)", with the
 * kernel's own words when it sent some (extended ack). Nothing here
 * prints or exits.
 *
 * Read: netlink(7), rtnetlink(7), netlink(3), rtnetlink(3),
 * <linux/rtnetlink.h>, <linux/if_link.h>, <linux/veth.h>.
 */
#ifndef NSLAB_NETLINK_H
#define NSLAB_NETLINK_H

#include <linux/netlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

/* A NETLINK_ROUTE socket in the caller's network namespace, close-on-exec,
 * asking for extended acks (the kernel's reason in words). Its fd. */
int nl_open(void);

/* The index of the link NAME (RTM_GETLINK): > 0, or -1 (ENODEV: none). */
int nl_link_index(int fd, const char *name);

/* Create a veth pair: NAME here, PEER born directly in the network
 * namespace of process PEER_PID (RTM_NEWLINK, NLM_F_CREATE|NLM_F_EXCL).
 * Both ends are down and have no address. */
int nl_veth_create(int fd, const char *name, const char *peer, pid_t peer_pid);

/* Change the link INDEX (RTM_NEWLINK without NLM_F_CREATE): rename it to
 * NEW_NAME (if not NULL; the link must be down), set its alias to ALIAS
 * (if not NULL: `ip link` shows it), and bring it up if UP. */
int nl_link_set(int fd, int index, const char *new_name, const char *alias, int up);

/* Delete the link INDEX (RTM_DELLINK); for a veth, both ends go. */
int nl_link_del(int fd, int index);

/* Give link INDEX the IPv4 address ADDR/PREFIXLEN (RTM_NEWADDR). */
int nl_addr_add(int fd, int index, struct in_addr addr, int prefixlen);

/* Add the default route: every address via GW on link INDEX
 * (RTM_NEWROUTE in the main table). */
int nl_route_add_default(int fd, int index, struct in_addr gw);

/* One IPv4 address of the namespace, as RTM_GETADDR lists it. */
struct nl_addr {
	int index;             /* the link's */
	struct in_addr addr;   /* IFA_LOCAL */
	int prefixlen;
};

/* Every IPv4 address of the caller's namespace (an RTM_GETADDR dump):
 * the first MAX into OUT, their number into *N (more than MAX: ENOBUFS). */
int nl_addr_list(int fd, struct nl_addr *out, size_t max, size_t *n);

/* A socket that hears the kernel announce every change of a link in the
 * caller's namespace (bound to the multicast group RTMGRP_LINK): its fd.
 * Open it BEFORE asking whether a link is there, or its end could come
 * between the question and the listening. */
int nl_watch_links(void);

/* Read WFD (from nl_watch_links()) until the kernel announces the end of
 * link INDEX (RTM_DELLINK), at most TIMEOUT_MS. 0; -1 with ETIMEDOUT;
 * ENOBUFS when announcements were lost (ask again). */
int nl_wait_dellink(int wfd, int index, int timeout_ms);

/* Called with every request just before it is sent (NULL: none), for
 * --verbose to show the bytes. */
typedef void nl_trace_fn(const struct nlmsghdr *h, void *arg);
void nl_set_trace(nl_trace_fn *fn, void *arg);

/* The request H as annotated hex, one line per field and attribute:
 *     0  5c 00 00 00    nlmsg_len    92
 * into BUF (cut short at LEN, always terminated). netlink_show.c. */
void nl_render(const struct nlmsghdr *h, char *buf, size_t len);

#endif
