/* netlink.c - raw rtnetlink, the way iproute2 talks to the kernel, with
 * libc only; see netlink.h. This file holds the socket, the building of
 * a request and the reading of the kernel's answer; netlink_req.c the
 * requests themselves; netlink_show.c the annotated hex.
 *
 * A request is built in one buffer, field after field, every piece
 * starting on a 4-byte boundary (NLMSG_ALIGN, RTA_ALIGN):
 *
 *   struct nlmsghdr   nlmsg_len (the whole request), nlmsg_type
 *                     (RTM_NEWLINK ...), nlmsg_flags (NLM_F_REQUEST,
 *                     NLM_F_ACK, NLM_F_CREATE ...), nlmsg_seq (ours, to
 *                     match the answer), nlmsg_pid (0: the kernel fills
 *                     in our port)
 *   struct ifinfomsg  (or ifaddrmsg, rtmsg) the fixed part of the request
 *   struct rtattr     rta_len (header + payload, without the padding),
 *   payload, padding  rta_type (IFLA_IFNAME ...), then the value
 *   ...               more attributes; a nested one's payload is itself
 *                     attributes, and its rta_len covers them all
 *
 * The answer to a request with NLM_F_ACK is an NLMSG_ERROR message: a
 * struct nlmsgerr whose error is 0 for success or a negative errno, then
 * (with NETLINK_EXT_ACK, Linux 4.12) attributes such as NLMSGERR_ATTR_MSG,
 * the kernel's reason in words ("Nexthop device is not up"). A dump
 * (NLM_F_DUMP) answers with many messages flagged NLM_F_MULTI, ended by
 * NLMSG_DONE.
 *
 * Read: netlink(7), rtnetlink(7), netlink(3) (the NLMSG_* macros),
 * rtnetlink(3) (the RTA_* macros).
 */
#define _GNU_SOURCE
#include "netlink.h"
#include "netlink_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fail.h"

static char kernel_says[256];   /* NLMSGERR_ATTR_MSG of the last error */
static unsigned int seq;
static nl_trace_fn *trace;
static void *trace_arg;

/* Where answers land: large enough for the biggest message a dump packs
 * (the kernel fills at most 32 KiB per read), aligned for nlmsghdr. */
static union {
	struct nlmsghdr h;
	char bytes[32768];
} answer;

void nl_set_trace(nl_trace_fn *fn, void *arg)
{
	trace = fn;
	trace_arg = arg;
}

int nl_open(void)
{
	int on = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd == -1)
		return nsl_fail("socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)");
	/* Both are hints, refused (ENOPROTOOPT) by kernels before 4.12 and
	 * 4.3: the kernel's reason in words, and an ack that does not echo
	 * our whole request back. Nothing depends on them. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
	return fd;
}

/* --- building a request ----------------------------------------------------- */

void nl_msg_init(struct nl_msg *m, int type, int flags, const void *fam, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->u.h.nlmsg_len = NLMSG_LENGTH(len);
	m->u.h.nlmsg_type = (unsigned short)type;
	m->u.h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	memcpy(NLMSG_DATA(&m->u.h), fam, len);
}

/* LEN bytes of DATA at the end of M, padded with zeroes to 4 bytes (the
 * buffer starts zeroed). Where they went, or NULL when M is full: then
 * M->full is set and nl_talk() refuses to send M. */
void *nl_put(struct nl_msg *m, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(m->u.h.nlmsg_len);

	if (m->full || at + RTA_ALIGN(len) > sizeof(m->u.bytes)) {
		m->full = 1;
		return NULL;
	}
	if (len > 0)
		memcpy(m->u.bytes + at, data, len);
	m->u.h.nlmsg_len = (unsigned int)(at + RTA_ALIGN(len));
	return m->u.bytes + at;
}

struct rtattr *nl_attr(struct nl_msg *m, int type, const void *data, size_t len)
{
	struct rtattr head = { .rta_len = (unsigned short)RTA_LENGTH(len),
			       .rta_type = (unsigned short)type };
	struct rtattr *a = nl_put(m, &head, sizeof(head));

	if (a == NULL || (len > 0 && nl_put(m, data, len) == NULL))
		return NULL;
	return a;
}

/* A string attribute carries its terminating NUL, as iproute2 sends it. */
struct rtattr *nl_attr_str(struct nl_msg *m, int type, const char *s)
{
	return nl_attr(m, type, s, strlen(s) + 1);
}

/* A nested attribute: a header now, its length once its contents are in
 * (nl_nest_end). NLA_F_NESTED tells the kernel that the payload is
 * attributes, as iproute2 marks it; the kernel accepts it with or
 * without, for these old attributes. */
struct rtattr *nl_nest_start(struct nl_msg *m, int type)
{
	return nl_attr(m, type | NLA_F_NESTED, NULL, 0);
}

void nl_nest_end(struct nl_msg *m, struct rtattr *nest)
{
	if (nest != NULL && !m->full)
		nest->rta_len = (unsigned short)(m->u.bytes + m->u.h.nlmsg_len - (char *)nest);
}

/* --- the answer --------------------------------------------------------------- */

/* The kernel's words in an NLMSG_ERROR, when it sent some: attributes
 * after the struct nlmsgerr (which holds a copy of our request's header
 * only, NLM_F_CAPPED, or the whole request, which they then follow). */
static void read_extack(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct rtattr *a;
	int len;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (off >= h->nlmsg_len)
		return;
	len = (int)(h->nlmsg_len - off);
	for (a = (const void *)((const char *)h + off); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == NLMSGERR_ATTR_MSG)
			snprintf(kernel_says, sizeof(kernel_says), "%.*s", (int)RTA_PAYLOAD(a),
				 (const char *)RTA_DATA(a));
}

/* NLMSG_OK and NLMSG_NEXT of netlink(3), spelled out: one read may
 * hold several messages, each NLMSG_ALIGNed after the one before, and
 * the macros mix signed and unsigned lengths (clang warns). */
static int msg_ok(const struct nlmsghdr *h, size_t left)
{
	return left >= sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= left;
}

static struct nlmsghdr *msg_next(struct nlmsghdr *h, size_t *left)
{
	size_t step = NLMSG_ALIGN(h->nlmsg_len);

	if (step > *left)
		step = *left;
	*left -= step;
	return (struct nlmsghdr *)((char *)h + step);
}

/* One message of ours from the kernel: 1 when it ends the exchange
 * (*ERR then holds 0 or the errno), 0 when more follow. */
static int one_answer(const struct nlmsghdr *h, nl_answer_fn *on_msg, void *arg, int *err)
{
	const struct nlmsgerr *e;

	if (h->nlmsg_type == NLMSG_ERROR) {
		e = NLMSG_DATA(h);
		if (e->error != 0) {
			read_extack(h);
			*err = -e->error;
		}
		return 1;
	}
	if (h->nlmsg_type == NLMSG_DONE) {
		/* A dump's end; an int after the header says how it went. */
		if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *(const int *)NLMSG_DATA(h) < 0)
			*err = -*(const int *)NLMSG_DATA(h);
		return 1;
	}
	if (on_msg != NULL && *err == 0 && on_msg(h, arg) == -1)
		*err = errno; /* keep reading to the end: the socket stays clean */
	return 0;
}

int nl_talk(int fd, struct nl_msg *m, const char *what, nl_answer_fn *on_msg, void *arg)
{
	struct sockaddr_nl from, kernel = { .nl_family = AF_NETLINK }; /* nl_pid 0 */
	socklen_t fromlen;
	struct nlmsghdr *h;
	int err = 0, done = 0;
	size_t left;
	ssize_t n;

	kernel_says[0] = '\0';
	if (m->full) {
		errno = EMSGSIZE;
		return nsl_fail("%s", what);
	}
	m->u.h.nlmsg_seq = ++seq;
	if (trace != NULL)
		trace(&m->u.h, trace_arg);
	if (sendto(fd, &m->u, m->u.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) == -1)
		return nsl_fail("sendto(netlink, %s)", what);
	while (!done) {
		memset(&from, 0, sizeof(from));
		fromlen = sizeof(from);
		/* MSG_TRUNC: the real length, even when it did not fit. */
		n = recvfrom(fd, &answer, sizeof(answer), MSG_TRUNC, (struct sockaddr *)&from,
			     &fromlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n > (ssize_t)sizeof(answer))
			errno = EMSGSIZE;
		if (n == -1 || n > (ssize_t)sizeof(answer))
			return nsl_fail("recvfrom(netlink) after %s", what);
		if (n == 0 || from.nl_pid != 0)
			continue; /* only the kernel answers; nothing else counts */
		for (h = &answer.h, left = (size_t)n; !done && msg_ok(h, left);
		     h = msg_next(h, &left))
			if (h->nlmsg_seq == m->u.h.nlmsg_seq)
				done = one_answer(h, on_msg, arg, &err);
	}
	if (err != 0) {
		errno = err;
		if (kernel_says[0] != '\0')
			return nsl_fail("%s (kernel: \"%s\")", what, kernel_says);
		return nsl_fail("%s", what);
	}
	return 0;
}

/* --- watching: the kernel's own announcements ------------------------------ */

int nl_watch_links(void)
{
	struct sockaddr_nl groups = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd = nl_open(), saved;

	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&groups, sizeof(groups)) == -1) {
		nsl_fail("bind(netlink, RTMGRP_LINK)");
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Milliseconds left until DEADLINE (CLOCK_MONOTONIC), at least 0. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/* Is this announcement the end of link INDEX? */
static int is_dellink(const struct nlmsghdr *h, int index)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	return h->nlmsg_type == RTM_DELLINK && h->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifi)) &&
	       ifi->ifi_index == index;
}

int nl_wait_dellink(int wfd, int index, int timeout_ms)
{
	struct pollfd pfd = { .fd = wfd, .events = POLLIN };
	struct timespec deadline;
	struct nlmsghdr *h;
	size_t left;
	ssize_t n;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	for (;;) {
		r = poll(&pfd, 1, ms_left(&deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return nsl_fail("poll(netlink RTMGRP_LINK)");
		if (r == 0) {
			errno = ETIMEDOUT;
			return nsl_fail("waiting %d ms for RTM_DELLINK of index %d", timeout_ms, index);
		}
		n = recv(wfd, &answer, sizeof(answer), MSG_DONTWAIT);
		/* ENOBUFS: announcements were lost while we did not read; the
		 * caller asks again whether the link is there. */
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return nsl_fail("recv(netlink RTMGRP_LINK)");
		for (h = &answer.h, left = (size_t)n; msg_ok(h, left); h = msg_next(h, &left))
			if (is_dellink(h, index))
				return 0;
	}
}
