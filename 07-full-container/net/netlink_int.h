/* netlink_int.h - what netlink.c (socket, building, answers),
 * netlink_req.c (the requests) and netlink_show.c (annotated hex) share,
 * and nothing else includes. */
#ifndef NSLAB_NETLINK_INT_H
#define NSLAB_NETLINK_INT_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>

/* The largest request we build: a veth with its peer, two names and
 * a namespace is about 100 bytes. */
#define NL_MSG_MAX 512

/* A request being built: aligned for struct nlmsghdr, zeroed first, so
 * that every padding byte is 0. */
struct nl_msg {
	union {
		struct nlmsghdr h;
		char bytes[NL_MSG_MAX];
	} u;
	int full;   /* an attribute did not fit: never sent (EMSGSIZE) */
};

/* A message of ours in the kernel's answer (not the ack): 0, or -1 with
 * errno, which nl_talk() reports once the answer is read to its end. */
typedef int nl_answer_fn(const struct nlmsghdr *h, void *arg);

/* Start M as a request of TYPE (RTM_NEWLINK ...) with NLM_F_REQUEST |
 * FLAGS, and FAM (LEN bytes: a struct ifinfomsg, ifaddrmsg, rtmsg) after
 * the header. */
void nl_msg_init(struct nl_msg *m, int type, int flags, const void *fam, size_t len);

/* Append raw bytes (a peer's struct ifinfomsg), or an attribute, at the
 * end of M; where they went, or NULL when M is full. */
void *nl_put(struct nl_msg *m, const void *data, size_t len);
struct rtattr *nl_attr(struct nl_msg *m, int type, const void *data, size_t len);
struct rtattr *nl_attr_str(struct nl_msg *m, int type, const char *s);

/* A nested attribute: open it, put its attributes, close it. */
struct rtattr *nl_nest_start(struct nl_msg *m, int type);
void nl_nest_end(struct nl_msg *m, struct rtattr *nest);

/* Send M (numbered, shown to the trace hook) and read the answer to its
 * end: the ack, or a dump's NLMSG_DONE; every other message of ours goes
 * to ON_MSG (may be NULL). 0, or -1 with errno and WHAT recorded. */
int nl_talk(int fd, struct nl_msg *m, const char *what, nl_answer_fn *on_msg, void *arg);

#endif
