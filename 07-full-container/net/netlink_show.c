/* netlink_show.c - a request as annotated hex: every field of the
 * header and of the family's struct, every attribute's header and value,
 * with its offset and its bytes as they go to the kernel (little-endian
 * on x86 and most others: netlink uses the host's byte order, except for
 * addresses, which are in network order as everywhere). For
 * docs/07-full-container.md and --verbose. See netlink.h.
 *
 *      0  5c 00 00 00               nlmsg_len    92
 *      4  10 00                     nlmsg_type   RTM_NEWLINK (16)
 *     ...
 *     32  10 00 03 00               rta_len 16, rta_type IFLA_IFNAME (3)
 *     36  6e 73 6c 33 66 61 30 39   "nsl3fa09c1e\0"
 *
 * Read: netlink(7), rtnetlink(7).
 */
#define _GNU_SOURCE
#include "netlink.h"
#include "netlink_int.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* How an attribute's payload reads. */
enum kind { K_STR, K_ALIAS, K_U32, K_IP4, K_NEST, K_PEER };

struct attr_table;

struct attr_name {
	const char *name;
	const struct attr_table *inner; /* K_NEST, K_PEER: the attributes inside */
	int type;
	enum kind kind;
};

struct attr_table {
	const struct attr_name *names;
	size_t n;
};

#define TABLE(a) { (a), sizeof(a) / sizeof((a)[0]) }

/* The tables refer to each other: a veth's peer holds link attributes. */
static const struct attr_table link_table, linkinfo_table, veth_table;

static const struct attr_name link_names[] = {
	{ "IFLA_IFNAME", NULL, IFLA_IFNAME, K_STR },
	{ "IFLA_MTU", NULL, IFLA_MTU, K_U32 },
	{ "IFLA_LINKINFO", &linkinfo_table, IFLA_LINKINFO, K_NEST },
	{ "IFLA_NET_NS_PID", NULL, IFLA_NET_NS_PID, K_U32 },
	{ "IFLA_IFALIAS", NULL, IFLA_IFALIAS, K_ALIAS },
	{ "IFLA_NET_NS_FD", NULL, IFLA_NET_NS_FD, K_U32 },
};
static const struct attr_name linkinfo_names[] = {
	{ "IFLA_INFO_KIND", NULL, IFLA_INFO_KIND, K_STR },
	{ "IFLA_INFO_DATA", &veth_table, IFLA_INFO_DATA, K_NEST },
};
static const struct attr_name veth_names[] = {
	{ "VETH_INFO_PEER", &link_table, VETH_INFO_PEER, K_PEER },
};
static const struct attr_name addr_names[] = {
	{ "IFA_ADDRESS", NULL, IFA_ADDRESS, K_IP4 },
	{ "IFA_LOCAL", NULL, IFA_LOCAL, K_IP4 },
	{ "IFA_LABEL", NULL, IFA_LABEL, K_STR },
	{ "IFA_BROADCAST", NULL, IFA_BROADCAST, K_IP4 },
};
static const struct attr_name route_names[] = {
	{ "RTA_DST", NULL, RTA_DST, K_IP4 },
	{ "RTA_OIF", NULL, RTA_OIF, K_U32 },
	{ "RTA_GATEWAY", NULL, RTA_GATEWAY, K_IP4 },
};

static const struct attr_table link_table = TABLE(link_names);
static const struct attr_table linkinfo_table = TABLE(linkinfo_names);
static const struct attr_table veth_table = TABLE(veth_names);
static const struct attr_table addr_table = TABLE(addr_names);
static const struct attr_table route_table = TABLE(route_names);

struct out {
	char *buf;
	size_t len, used;
	const unsigned char *base; /* offsets count from here */
};

/* One line: the offset of AT, its N bytes (8 a line; more go on lines
 * of their own below), and what they mean, indented by DEPTH. */
static void line(struct out *o, const void *at, size_t n, int depth, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void line(struct out *o, const void *at, size_t n, int depth, const char *fmt, ...)
{
	const unsigned char *p = at;
	char hex[32], text[160];
	size_t i, k;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (i = 0; i < n || i == 0; i += 8) {
		hex[0] = '\0';
		for (k = i; k < n && k < i + 8; k++)
			snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%s%02x",
				 k > i ? " " : "", p[k]);
		if (o->used < o->len && i == 0)
			o->used += (size_t)snprintf(o->buf + o->used, o->len - o->used,
						    "%5zu  %-24s %*s%s\n", (size_t)(p + i - o->base),
						    hex, 2 * depth, "", text);
		else if (o->used < o->len)
			o->used += (size_t)snprintf(o->buf + o->used, o->len - o->used,
						    "%5zu  %s\n", (size_t)(p + i - o->base), hex);
	}
}

static uint32_t u32_at(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *type_name(int type)
{
	switch (type) {
	case RTM_NEWLINK: return "RTM_NEWLINK";
	case RTM_DELLINK: return "RTM_DELLINK";
	case RTM_GETLINK: return "RTM_GETLINK";
	case RTM_NEWADDR: return "RTM_NEWADDR";
	case RTM_GETADDR: return "RTM_GETADDR";
	case RTM_NEWROUTE: return "RTM_NEWROUTE";
	default: return "?";
	}
}

/* The flags' names: bits 8-11 mean one thing for a NEW request and
 * another for a GET (rtnetlink's types come in fours: NEW, DEL, GET,
 * SET, so a GET's type is 2 modulo 4). */
static void flag_names(int type, unsigned flags, char *buf, size_t len)
{
	static const char *const common[] = { "REQUEST", "MULTI", "ACK", "ECHO" };
	static const char *const news[] = { "REPLACE", "EXCL", "CREATE", "APPEND" };
	static const char *const gets[] = { "ROOT", "MATCH", "ATOMIC", "DUMP_FILTERED" };
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < 12 && used < len; i++) {
		const char *name = i < 4 ? common[i] : i < 8 ? NULL :
				   (type & 3) == 2 ? gets[i - 8] : news[i - 8];

		if ((flags & (1u << i)) && name != NULL)
			used += (size_t)snprintf(buf + used, len - used, "%sNLM_F_%s",
						 used > 0 ? "|" : "", name);
	}
}

static void show_ifinfomsg(struct out *o, const struct ifinfomsg *ifi, int depth)
{
	line(o, ifi, 2, depth, "ifi_family %u%s, 1 byte of padding", ifi->ifi_family,
	     ifi->ifi_family == AF_UNSPEC ? " (AF_UNSPEC)" : "");
	line(o, &ifi->ifi_type, 2, depth, "ifi_type   %u", ifi->ifi_type);
	line(o, &ifi->ifi_index, 4, depth, "ifi_index  %d%s", ifi->ifi_index,
	     ifi->ifi_index == 0 ? " (none yet: a new link)" : "");
	line(o, &ifi->ifi_flags, 4, depth, "ifi_flags  %#x%s", ifi->ifi_flags,
	     (ifi->ifi_flags & 1) ? " (IFF_UP)" : "");
	line(o, &ifi->ifi_change, 4, depth, "ifi_change %#x (the flags to apply)", ifi->ifi_change);
}

static void show_attrs(struct out *o, const void *at, int len, const struct attr_table *t,
		       int depth);

/* One attribute: its header, then its payload as its kind reads. */
static void show_attr(struct out *o, const struct rtattr *a, const struct attr_table *t, int depth)
{
	int type = a->rta_type & NLA_TYPE_MASK, plen = (int)RTA_PAYLOAD(a);
	const struct attr_name *nm = NULL;
	const unsigned char *p = RTA_DATA(a);
	char ip[INET_ADDRSTRLEN];

	for (size_t i = 0; i < t->n; i++)
		if (t->names[i].type == type)
			nm = &t->names[i];
	line(o, a, 4, depth, "rta_len %u, rta_type %s (%d)%s", a->rta_len,
	     nm != NULL ? nm->name : "?", type,
	     (a->rta_type & NLA_F_NESTED) ? " | NLA_F_NESTED" : "");
	if (nm == NULL || plen == 0)
		return;
	switch (nm->kind) {
	case K_STR: case K_ALIAS:
		line(o, p, (size_t)plen, depth + 1, "\"%.*s%s\"", plen - (p[plen - 1] == 0), p,
		     p[plen - 1] == 0 ? "\\0" : "");
		break;
	case K_U32:
		line(o, p, 4, depth + 1, "%u", u32_at(p));
		break;
	case K_IP4:
		line(o, p, 4, depth + 1, "%s", inet_ntop(AF_INET, p, ip, sizeof(ip)));
		break;
	case K_NEST:
		show_attrs(o, p, plen, nm->inner, depth + 1);
		break;
	case K_PEER:
		show_ifinfomsg(o, (const struct ifinfomsg *)p, depth + 1);
		show_attrs(o, p + sizeof(struct ifinfomsg), plen - (int)sizeof(struct ifinfomsg),
			   nm->inner, depth + 1);
		break;
	}
	if (RTA_ALIGN(a->rta_len) > a->rta_len)
		line(o, (const char *)a + a->rta_len, RTA_ALIGN(a->rta_len) - a->rta_len, depth + 1,
		     "padding to 4 bytes");
}

static void show_attrs(struct out *o, const void *at, int len, const struct attr_table *t,
		       int depth)
{
	for (const struct rtattr *a = at; RTA_OK(a, len); a = RTA_NEXT(a, len))
		show_attr(o, a, t, depth);
}

/* The family's struct: its fields, and the attributes after it. */
static void show_body(struct out *o, const struct nlmsghdr *h)
{
	const unsigned char *p = NLMSG_DATA(h);
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtmsg *rtm = NLMSG_DATA(h);
	int len;

	switch (h->nlmsg_type) {
	case RTM_NEWLINK: case RTM_DELLINK: case RTM_GETLINK:
		show_ifinfomsg(o, NLMSG_DATA(h), 0);
		len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(struct ifinfomsg)));
		show_attrs(o, p + NLMSG_ALIGN(sizeof(struct ifinfomsg)), len, &link_table, 0);
		break;
	case RTM_NEWADDR: case RTM_GETADDR:
		line(o, p, 4, 0, "ifa_family %u, ifa_prefixlen %u, ifa_flags %u, ifa_scope %u",
		     ifa->ifa_family, ifa->ifa_prefixlen, ifa->ifa_flags, ifa->ifa_scope);
		line(o, &ifa->ifa_index, 4, 0, "ifa_index  %u", ifa->ifa_index);
		show_attrs(o, IFA_RTA(ifa), (int)IFA_PAYLOAD(h), &addr_table, 0);
		break;
	case RTM_NEWROUTE:
		line(o, p, 4, 0, "rtm_family %u, rtm_dst_len %u, rtm_src_len %u, rtm_tos %u",
		     rtm->rtm_family, rtm->rtm_dst_len, rtm->rtm_src_len, rtm->rtm_tos);
		line(o, p + 4, 4, 0, "rtm_table %u (main), rtm_protocol %u (boot), rtm_scope %u, "
		     "rtm_type %u (unicast)", rtm->rtm_table, rtm->rtm_protocol, rtm->rtm_scope,
		     rtm->rtm_type);
		line(o, &rtm->rtm_flags, 4, 0, "rtm_flags  %#x", rtm->rtm_flags);
		show_attrs(o, RTM_RTA(rtm), (int)RTM_PAYLOAD(h), &route_table, 0);
		break;
	default:
		break;
	}
}

void nl_render(const struct nlmsghdr *h, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len, .base = (const unsigned char *)h };
	char flags[128];

	if (len == 0)
		return;
	buf[0] = '\0';
	flag_names(h->nlmsg_type, h->nlmsg_flags, flags, sizeof(flags));
	line(&o, &h->nlmsg_len, 4, 0, "nlmsg_len    %u: the whole request, in bytes",
	     h->nlmsg_len);
	line(&o, &h->nlmsg_type, 2, 0, "nlmsg_type   %s (%u)", type_name(h->nlmsg_type),
	     h->nlmsg_type);
	line(&o, &h->nlmsg_flags, 2, 0, "nlmsg_flags  %s", flags);
	line(&o, &h->nlmsg_seq, 4, 0, "nlmsg_seq    %u: the ack will carry it", h->nlmsg_seq);
	line(&o, &h->nlmsg_pid, 4, 0, "nlmsg_pid    %u: the sender's port; 0, the kernel "
	     "knows it", h->nlmsg_pid);
	show_body(&o, h);
}
