/* run_cgroup.c - the runtime's side of the container's cgroups: which
 * hierarchy serves which controller, the cgroups made and their limits,
 * the init placed, an OOM kill told, the cgroups removed (exec places its
 * command in exec/exec.c). The kernel work is cgroup/'s pieces;
 * here is the story and the errors. See run_cgroup.h.
 *
 * The order, and why:
 *   made before clone()     a limit we cannot have (rootless on v1) is
 *                           refused before there is any container
 *   init born in v2         clone3's CLONE_INTO_CGROUP (run.c): the init
 *                           is in the container's cgroup v2 from its
 *                           first instruction, with no move
 *   ... placed in v1        v1 has no such door: the init is moved
 *                           (cgroup.procs) before "go"; it runs nothing
 *                           until then, so nothing it does escapes the
 *                           limits
 *   cgroup namespace after  the init unshares it after "go"
 *                           (container.c): its root is the cgroup the
 *                           init is in then - the container's own
 *   OOM read, then removed  the counters go with the cgroup
 *
 * Read: cgroups(7), cgroup_namespaces(7), clone(2) (CLONE_INTO_CGROUP).
 */
#define _GNU_SOURCE
#include "run_cgroup.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"
#include "say.h"

/* "memory on v1, pids on v1" for the controllers in LIMITS, and why. */
static void tell_hierarchies(const struct cgroup *cg, unsigned limits)
{
	char buf[128];
	size_t n = 0;
	int v1 = 0;

	for (int i = 0; i < CG_NCTRL; i++) {
		if (!(limits & (1u << i)))
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s on v%d", n > 0 ? ", " : "",
				      cgroup_ctrl_name(i), cg->served[i]);
		v1 |= cg->served[i] == 1;
	}
	if (n > 0)
		say("cgroups: %s%s", buf, v1 && cg->v2.parent[0] != '\0' ?
		    " (a hybrid host: cgroup2 is mounted, but v1 holds these controllers)" : "");
}

/* The limits, as written, one line per cgroup file. */
static void tell_limits(const struct cgroup *cg)
{
	char size[32];

	if (cg->memory > 0)
		say("cgroup %s: %s %s", cg->served[CG_MEMORY] == 2 ? cg->v2.path : cg->v1[CG_MEMORY].path,
		    cg->served[CG_MEMORY] == 2 ? "memory.max" : "memory.limit_in_bytes",
		    cgroup_format_size(cg->memory, size, sizeof(size)));
	if (cg->pids > 0)
		say("cgroup %s: pids.max %llu", cg->served[CG_PIDS] == 2 ? cg->v2.path :
		    cg->v1[CG_PIDS].path, cg->pids);
	if (cg->cpu_quota > 0)
		say("cgroup %s: %s %llu per %llu us (%llu.%02llu CPU)",
		    cg->served[CG_CPU] == 2 ? cg->v2.path : cg->v1[CG_CPU].path,
		    cg->served[CG_CPU] == 2 ? "cpu.max" : "cpu.cfs_quota_us", cg->cpu_quota,
		    CGROUP_CPU_PERIOD, cg->cpu_quota / CGROUP_CPU_PERIOD,
		    cg->cpu_quota % CGROUP_CPU_PERIOD * 100 / CGROUP_CPU_PERIOD);
}

/* The limits C asks for, as 1 << CG_*. */
static unsigned limits_of(const struct ctr_config *c)
{
	return (c->memory > 0 ? 1u << CG_MEMORY : 0) | (c->pids > 0 ? 1u << CG_PIDS : 0) |
	       (c->cpu_quota > 0 ? 1u << CG_CPU : 0);
}

/* "memory pids": what the runtime enabled in its own cgroup. */
static const char *enabled_words(const struct cgroup *cg, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < CG_NCTRL && n < len; i++)
		if (cg->enabled & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? " " : "",
					      cgroup_ctrl_name(i));
	return buf;
}

int run_cgroup_create(struct cgroup *cg, const struct ctr_config *c)
{
	unsigned limits = limits_of(c);
	char buf[64];

	if (cgroup_detect(cg, c->name, getpid()) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	tell_hierarchies(cg, limits);
	if (cgroup_create(cg, limits) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (nsl_failed_hint() != NULL)
			nsl_hint("%s", nsl_failed_hint());
		return -1;
	}
	if (cg->runtime_leaf[0] != '\0')
		say("moved the runtime into %s and enabled \"%s\" in %s: cgroup v2 gives "
		    "controllers only to the children of a cgroup with no process", cg->runtime_leaf,
		    enabled_words(cg, buf, sizeof(buf)), cg->own);
	if (cg->v2.made && cg->home == CG_HOME_NSLAB)
		say_more("mkdir(\"%s\"): the container's cgroup v2, in nslab's own below the "
			 "root - the caller's cgroup (%s) is never written", cg->v2.path, cg->own);
	else if (cg->v2.made)
		say_more("mkdir(\"%s\"): the container's cgroup v2, for tracking and cgroup.kill",
			 cg->v2.path);
	else if (cg->v2.parent[0] != '\0')
		say_more("no cgroup v2 of its own: %s: %s (not delegated to uid %u; no limit "
			 "needs it)", nsl_failed_call(), strerror(cg->v2_err),
			 (unsigned)geteuid());
	else
		say_more("no cgroup2 mount: the container has a cgroup only where a limit needs one");
	if (cgroup_set_limits(cg, c->memory, c->pids, c->cpu_quota) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		cgroup_destroy(cg);
		return -1;
	}
	tell_limits(cg);
	return 0;
}

int run_cgroup_place(const struct cgroup *cg, pid_t init, int born_in_v2)
{
	int n = cg->v2.path[0] != '\0' && !born_in_v2;

	if (cgroup_place(cg, init, born_in_v2) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (nsl_failed_hint() != NULL)
			nsl_hint("%s", nsl_failed_hint());
		return -1;
	}
	for (int i = 0; i < CG_NCTRL; i++)
		n += cg->v1[i].made;
	if (n > 0)
		say("placed the init %d in its %scgroup%s (cgroup.procs) before \"go\": nothing "
		    "it runs escapes them", (int)init, born_in_v2 ? "v1 " : "", n == 1 ? "" : "s");
	return 0;
}

int run_cgroup_end(struct cgroup *cg, int status)
{
	long oom = cgroup_oom_kills(cg);
	int made = cg->v2.made;
	char size[32];

	for (int i = 0; i < CG_NCTRL; i++)
		made |= cg->v1[i].made;

	if (oom > 0) {
		cgroup_format_size(cg->memory, size, sizeof(size));
		if (status == 128 + SIGKILL)
			nsl_error(ENOMEM, "out of memory (limit %s): the kernel's OOM killer ended "
				  "the command", size);
		else
			nsl_error(ENOMEM, "out of memory (limit %s): the kernel's OOM killer ended "
				  "%ld process%s in the container", size, oom, oom == 1 ? "" : "es");
	}
	if (cgroup_destroy(cg) == -1)
		nsl_error(errno, "%s", nsl_failed_call());
	else if (made)
		say_more("the container's cgroups are emptied (cgroup.kill where there is one) "
			 "and removed");
	return status;
}
