/* run_net.c - the runtime's side of the container's network, told as it
 * happens; see run_net.h, and veth.h for who does what.
 *
 *   --net none  (the default) CLONE_NEWNET: a namespace with lo alone,
 *               which the init brings up (net.c)
 *   --net host  no CLONE_NEWNET: the container shares the host's links,
 *               addresses, ports and firewall - a warning, not an error
 *   --net veth  CLONE_NEWNET and a veth pair: here, before clone(), the
 *               names and a free /30, under a lock that keeps two runs
 *               from taking the same one; after clone(), the pair, with
 *               the peer born in the init's namespace, and the host end's
 *               address; at the end, nothing to undo: the kernel removes
 *               the pair with the namespace, and we watch it do so
 *
 * Read: veth(4), network_namespaces(7), rtnetlink(7), flock(2).
 */
#define _GNU_SOURCE
#include "run_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fail.h"
#include "net/netlink.h"
#include "say.h"
#include "state/state.h"

/* How long the kernel gets to remove the pair after the init is gone:
 * it takes milliseconds (a kernel worker frees the namespace); far
 * longer means something holds the namespace open. */
#define GONE_TIMEOUT_MS 5000

int run_net_flag(const struct ctr_config *c, const char **name)
{
	*name = c->net == CTR_NET_HOST ? "" : "|CLONE_NEWNET";
	return c->net == CTR_NET_HOST ? 0 : CLONE_NEWNET;
}

/* --verbose: the request that makes the pair, byte by byte
 * (netlink_show.c), one narration line per field. */
static void show_request(const struct nlmsghdr *h, void *arg)
{
	static char text[8192];
	char *line, *save = NULL;

	(void)arg;
	if (say_level < 2 || h->nlmsg_type != RTM_NEWLINK || !(h->nlmsg_flags & NLM_F_CREATE))
		return;
	nl_render(h, text, sizeof(text));
	say_more("the RTM_NEWLINK request, as sent (offset, bytes, meaning):");
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		say_more("%s", line);
}

/* The names, the lock, a /30 nobody here uses. */
static int prepare_veth(const struct ctr_config *c, struct run_net *n)
{
	const char *subnet = c->subnet != NULL ? c->subnet : VETH_DEFAULT_SUBNET, *why;
	char dir[PATH_MAX], net[INET_ADDRSTRLEN];
	struct in_addr base;
	int prefix;

	if (veth_parse_subnet(subnet, &base, &prefix, &why) == -1) {
		nsl_error(EINVAL, "--subnet \"%s\": %s", subnet, why); /* main.c checked it */
		return -1;
	}
	veth_names(c->name, &n->v);
	n->nlfd = nl_open();
	if (n->nlfd == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	nl_set_trace(show_request, NULL);
	if (state_dir(dir, sizeof(dir)) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	n->lockfd = veth_lock(dir);
	if (n->lockfd == -1 || veth_pick(n->nlfd, base, prefix, &n->v) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (errno == ENOSPC)
			nsl_hint("every /%d of %s is in use here: give a larger or another range "
				 "with --subnet", VETH_PREFIX, subnet);
		return -1;
	}
	inet_ntop(AF_INET, &n->v.net, net, sizeof(net));
	say_more("RTM_GETADDR dump: %s/%d is the first free /%d in %s (flock on %s held "
		 "until the host end has it)", net, VETH_PREFIX, VETH_PREFIX, subnet, dir);
	return 0;
}

int run_net_prepare(const struct ctr_config *c, struct run_net *n)
{
	memset(n, 0, sizeof(*n));
	n->nlfd = n->lockfd = -1;
	if (c->net == CTR_NET_HOST)
		say("warning: --net host: no network namespace of its own; the container shares "
		    "the host's network (its links, addresses, ports and firewall)");
	if (c->net != CTR_NET_VETH)
		return 0;
	return prepare_veth(c, n);
}

int run_net_connect(const struct ctr_config *c, struct run_net *n, pid_t init)
{
	char here[INET_ADDRSTRLEN], there[INET_ADDRSTRLEN];

	if (c->net != CTR_NET_VETH)
		return 0;
	if (veth_create(n->nlfd, &n->v, init, c->name) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (errno == EEXIST)
			nsl_hint("a link named %s exists already: another container's name has the "
				 "same hash; pick another --name", n->v.host);
		return -1;
	}
	n->made = 1;
	close(n->lockfd);
	n->lockfd = -1;
	inet_ntop(AF_INET, &n->v.host_addr, here, sizeof(here));
	inet_ntop(AF_INET, &n->v.ctr_addr, there, sizeof(there));
	say("veth %s (here, %s/%d, up, alias %s) <-> %s in the init's network namespace, "
	    "to be eth0 (%s/%d)", n->v.host, here, VETH_PREFIX, c->name, n->v.peer, there,
	    VETH_PREFIX);
	return 0;
}

/* Milliseconds since A. */
static long ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000L + (b.tv_nsec - a->tv_nsec) / 1000000L;
}

void run_net_end(struct run_net *n)
{
	struct timespec start;
	int deleted;

	if (n->lockfd != -1)
		close(n->lockfd);
	n->lockfd = -1;
	if (n->made) {
		clock_gettime(CLOCK_MONOTONIC, &start);
		if (veth_wait_gone(n->nlfd, &n->v, GONE_TIMEOUT_MS, &deleted) == -1)
			nsl_error(errno, "%s", nsl_failed_call());
		else if (deleted)
			say("%s was still there %d ms after the container: something holds its "
			    "network namespace; deleted it (RTM_DELLINK), both ends", n->v.host,
			    GONE_TIMEOUT_MS);
		else
			say("%s is gone: the kernel removed the pair with the container's network "
			    "namespace (%ld ms after the init was reaped)", n->v.host, ms_since(&start));
		n->made = 0;
	}
	if (n->nlfd != -1)
		close(n->nlfd);
	n->nlfd = -1;
}
