/* run_net.h - the runtime's side of --net, told as it happens: run.c
 * calls these around the pieces of veth.h (the init's side is net.c's
 * net_setup()). Each reports its own failure (nsl_error, nsl_hint). */
#ifndef NSLAB_RUN_NET_H
#define NSLAB_RUN_NET_H

#include <sys/types.h>

#include "ctr.h"
#include "net/veth.h"

struct run_net {
	struct veth v;  /* the names and the /30, copied into the init */
	int nlfd;       /* NETLINK_ROUTE, in the host's network namespace */
	int lockfd;     /* the subnet lock, until the host end has its /30 */
	int made;       /* the pair exists (it may be gone already) */
};

/* The clone() flag and its name for C's --net: CLONE_NEWNET, or 0 and
 * "" for --net host. */
int run_net_flag(const struct ctr_config *c, const char **name);

/* Before clone(): --net host, the warning; --net veth, the names, the
 * subnet lock and a free /30. N is ready for run_net_end() either way.
 * 0, or -1 after the report. */
int run_net_prepare(const struct ctr_config *c, struct run_net *n);

/* After clone(), before "go": --net veth, the pair, its peer born in the
 * network namespace of INIT, the host end's address, alias, IFF_UP; the
 * lock released. 0, or -1 after the report (the pair deleted again). */
int run_net_connect(const struct ctr_config *c, struct run_net *n, pid_t init);

/* After the init is reaped (or on the way out of a failure): wait for
 * the kernel to remove the pair with the container's network namespace,
 * say so, close what N holds. */
void run_net_end(struct run_net *n);

#endif
