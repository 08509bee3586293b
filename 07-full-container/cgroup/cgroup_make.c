/* cgroup_make.c - the container's cgroups made, limited, and given their
 * first process (see cgroup.h).
 *
 * Delegation. A cgroup is a directory; who may make one, write its
 * limits or move a process into it is decided by the files' owners and
 * modes, like any file (cgroup-v2.rst, "Delegation"): to move a process
 * one must be able to write cgroup.procs of the source's and the
 * destination's common ancestor. Root can do it all. An ordinary user
 * can where the administrator (systemd, for a user's user@UID.service,
 * with Delegate=yes) chowned a subtree to them. cgroup v1 has no safe
 * delegation at all: there, limits are root's.
 *
 * Controllers on v2. A cgroup's cgroup.controllers lists what it may
 * use; its cgroup.subtree_control what its children get. Writing
 * "+memory" there needs the controller in the cgroup's own
 * cgroup.controllers, and - the "no internal process" rule - a cgroup
 * that holds processes may enable a domain controller such as memory for
 * its children only at the root of the hierarchy (EBUSY otherwise). The
 * threaded controllers cpu and pids are exempt: the cgroup can become a
 * thread root.
 *
 * Read: cgroup-v2.rst ("Delegation", "No Internal Process Constraint",
 * memory.max, pids.max, cpu.max), cgroup-v1/memory.rst
 * (memory.limit_in_bytes, memory.memsw.limit_in_bytes),
 * cgroup-v1/pids.rst, sched-bwc.rst (cpu.cfs_quota_us), mkdir(2).
 */
#define _GNU_SOURCE
#include "cgroup_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"

#define HINT_V2_DELEGATE \
	"this cgroup is not delegated to you: cgroup v2 lets an ordinary user make " \
	"cgroups only in a subtree chowned to them, as systemd does for user@UID.service " \
	"with Delegate=yes (systemd-run --user --scope -p Delegate=yes ... runs a " \
	"command in such a one); or run as root"
#define HINT_V1_ROOT \
	"the controller is on cgroup v1 here (a hybrid host), and cgroup v1 has no safe " \
	"delegation: its limits need root. As an ordinary user, limits need a cgroup v2 " \
	"host with a delegated subtree"
#define HINT_NO_INTERNAL \
	"cgroup v2 lets a cgroup that holds processes (ours holds this runtime) hand " \
	"memory to its children only at the root of the hierarchy (the no-internal-" \
	"process rule): start nslab from a cgroup made for it, or let systemd set the " \
	"limit: systemd-run --scope -p MemoryMax=64M " PROG_NAME " run ..."
#define HINT_NOT_ENABLED \
	"our cgroup does not have this controller: its parent does not list it in " \
	"cgroup.subtree_control. As root, enable it there; for a user, systemd " \
	"delegates memory and pids to user@UID.service, cpu only with Delegate=cpu " \
	"in a drop-in on older systemd"
#define HINT_ROOT_OFF \
	"the root cgroup does not enable this controller for its children, and nslab " \
	"changes no cgroup it did not make. systemd enables them all; by hand: " \
	"echo +CONTROLLER > /sys/fs/cgroup/cgroup.subtree_control"
#define HINT_OWN_BUSY \
	"cgroup v2 gives a controller only to the children of a cgroup that holds no " \
	"process, and ours holds others besides this runtime (your shell). Run it in a " \
	"scope of its own: systemd-run --user --scope -p Delegate=yes " PROG_NAME " run ..."
#define PROG_NAME "bin/07-full-container"

/* What makes a mkdir() or a write in our cgroup fail, explained. */
static const char *why_refused(int err, int version)
{
	if (err == EACCES || err == EPERM || err == EROFS)
		return version == 1 ? HINT_V1_ROOT : HINT_V2_DELEGATE;
	return NULL;
}

static int make_dir(struct cgroup_dir *d, const char *leaf, int version)
{
	if (snprintf(d->path, sizeof(d->path), "%s/%s", d->parent, leaf) >= (int)sizeof(d->path)) {
		d->path[0] = '\0';
		errno = ENAMETOOLONG;
		return nsl_fail("mkdir(\"%s/%s\")", d->parent, leaf);
	}
	if (mkdir(d->path, 0755) == -1) {
		d->path[0] = '\0';
		return nsl_fail_hint(why_refused(errno, version), "mkdir(\"%s/%s\")", d->parent, leaf);
	}
	d->made = 1;
	return 0;
}

/* "+memory +pids": the controllers of MASK, each after SIGN ("+", "-"
 * or ""), into WANT. */
static void ctrl_words(unsigned mask, const char *sign, char *want, size_t len)
{
	size_t n = 0;

	want[0] = '\0';
	for (int i = 0; i < CG_NCTRL && n < len; i++)
		if (CG_LISTED(mask) & (1u << i))
			n += (size_t)snprintf(want + n, len - n, "%s%s%s", n > 0 ? " " : "", sign,
					      cgroup_ctrl_name(i));
}

/* The controllers of MASK that DIR/FILE does not list, or -1. */
static int missing_in(const char *dir, const char *file, unsigned mask, unsigned *missing)
{
	*missing = 0;
	for (int i = 0; i < CG_NCTRL; i++) {
		int r;

		if (!(CG_LISTED(mask) & (1u << i)))
			continue;
		r = cgroup_listed(dir, file, cgroup_ctrl_name(i));
		if (r == -1)
			return -1;
		if (r == 0)
			*missing |= 1u << i;
	}
	return 0;
}

int cgroup_need_listed(const char *dir, const char *file, unsigned mask, const char *hint)
{
	char words[64];
	unsigned missing;

	if (missing_in(dir, file, mask, &missing) == -1)
		return -1;
	if (missing == 0)
		return 0;
	ctrl_words(missing, "", words, sizeof(words));
	errno = EOPNOTSUPP;
	return nsl_fail_hint(hint, "%s/%s lists no \"%s\"", dir, file, words);
}

/* Home CG_HOME_NSLAB: TOP/nslab made (or found: another run's), the
 * controllers of ON_V2 enabled in it, the container's cgroup made below.
 * "nslab" holds no process, so the no-internal-process rule never
 * refuses; what the root does not enable for it, we do not either. A
 * run that removes an empty "nslab" at that moment makes us try again. */
static int make_in_nslab(struct cgroup *cg, unsigned on_v2)
{
	char want[64];
	unsigned missing;

	if (cgroup_need_listed(cg->top, "cgroup.subtree_control", on_v2, HINT_ROOT_OFF) == -1)
		return -1;
	ctrl_words(on_v2, "+", want, sizeof(want));
	for (int try = 0;; try++) {
		if (mkdir(cg->v2.parent, 0755) == -1 && errno != EEXIST)
			return nsl_fail("mkdir(\"%s\")", cg->v2.parent);
		cg->made_home = 1;
		if ((want[0] == '\0' ||
		     cgroup_write(cg->v2.parent, "cgroup.subtree_control", want) == 0) &&
		    make_dir(&cg->v2, cg->leaf, 2) == 0) {
			/* Made in a "nslab" that another run made again? */
			if (missing_in(cg->v2.path, "cgroup.controllers", on_v2, &missing) == 0 &&
			    missing == 0)
				return 0;
			rmdir(cg->v2.path);
			cg->v2.made = 0;
			errno = ENOENT;
		}
		if (errno != ENOENT || try == 3)
			return -1;
	}
}

/* Home CG_HOME_OWN, with limits ON_V2: our cgroup must be delegated to
 * us, hand on those controllers, and hold no process but us. Then we
 * move into a leaf of our own (OWN/nslab.PID), enable the controllers
 * in OWN, and make the container's cgroup beside our leaf.
 * cgroup_destroy() undoes it in the reverse order. */
static int make_in_own(struct cgroup *cg, unsigned on_v2)
{
	char want[64], procs[256], path[PATH_MAX + 32], pid[16];
	unsigned missing;

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cg->own);
	if (access(path, W_OK) == -1 ||
	    (snprintf(path, sizeof(path), "%s/cgroup.procs", cg->own), access(path, W_OK)) == -1) {
		if (errno == EROFS)
			errno = EACCES;
		return nsl_fail_hint(HINT_V2_DELEGATE, "access(\"%s\", W_OK)", path);
	}
	if (cgroup_need_listed(cg->own, "cgroup.controllers", on_v2, HINT_NOT_ENABLED) == -1)
		return -1;
	if (missing_in(cg->own, "cgroup.subtree_control", on_v2, &missing) == -1)
		return -1;
	if (missing != 0) {
		/* Only we may be in it: we move, nobody else is moved. */
		snprintf(path, sizeof(path), "%s/cgroup.procs", cg->own);
		if (cgroup_read(path, procs, sizeof(procs)) == -1)
			return -1;
		snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (strcmp(procs, pid) != 0) {
			long others = -1; /* we are one of them */

			for (const char *p = procs; (p = strchr(p, '\n')) != NULL; p++)
				others++;
			errno = EBUSY;
			return nsl_fail_hint(HINT_OWN_BUSY, "%s/cgroup.procs: %ld other process%s",
					     cg->own, others, others == 1 ? "" : "es");
		}
		if (snprintf(cg->runtime_leaf, sizeof(cg->runtime_leaf), "%s/" CGROUP_HOME ".%d",
			     cg->own, (int)getpid()) >= (int)sizeof(cg->runtime_leaf) ||
		    mkdir(cg->runtime_leaf, 0755) == -1) {
			int err = errno;

			nsl_fail("mkdir(\"%s\")", cg->runtime_leaf);
			cg->runtime_leaf[0] = '\0';
			errno = err;
			return -1;
		}
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (cgroup_write(cg->runtime_leaf, "cgroup.procs", pid) == -1)
			return -1;
		ctrl_words(missing, "+", want, sizeof(want));
		if (cgroup_write(cg->own, "cgroup.subtree_control", want) == -1)
			return -1;
		cg->enabled = missing;
	}
	return make_dir(&cg->v2, cg->leaf, 2);
}

/* The v1 directory of controller I: made, or shared with an earlier
 * controller mounted in the same hierarchy ("cpu,cpuacct" style). */
static int make_v1(struct cgroup *cg, int i)
{
	struct cgroup_dir *d = &cg->v1[i];

	if (d->parent[0] == '\0') {
		errno = ENOENT;
		return nsl_fail("our cgroup in the v1 %s hierarchy", cgroup_ctrl_name(i));
	}
	for (int j = 0; j < i; j++) {
		if (cg->v1[j].path[0] != '\0' && strcmp(cg->v1[j].parent, d->parent) == 0) {
			snprintf(d->path, sizeof(d->path), "%s", cg->v1[j].path);
			return 0; /* made once, removed once: made stays 0 */
		}
	}
	return make_dir(d, cg->leaf, 1);
}

int cgroup_served(const struct cgroup *cg, unsigned limits, unsigned *on_v2)
{
	*on_v2 = 0;
	for (int i = 0; i < CG_NCTRL; i++) {
		if (!(limits & (1u << i)))
			continue;
		if (cg->served[i] == 0) {
			errno = ENOENT;
			return nsl_fail_hint("the kernel has no such controller in any "
					     "hierarchy mounted here", "the %s controller",
					     cgroup_ctrl_name(i));
		}
		if (cg->served[i] == 2)
			*on_v2 |= 1u << i;
	}
	return 0;
}

int cgroup_create(struct cgroup *cg, unsigned limits)
{
	struct nsl_failure failure;
	unsigned on_v2;

	if (cgroup_served(cg, limits, &on_v2) == -1)
		return -1;
	/* The v2 cgroup: for the limits v2 serves, and for tracking and
	 * cgroup.kill even without them - then it is optional. */
	if (cg->v2.parent[0] != '\0') {
		int ret = cg->home == CG_HOME_NSLAB ? make_in_nslab(cg, on_v2) :
			  on_v2 != 0 ? make_in_own(cg, on_v2) : make_dir(&cg->v2, cg->leaf, 2);

		if (ret == -1) {
			if (on_v2 != 0)
				goto fail;
			cg->v2_err = errno;
		}
	} else if (on_v2 != 0) {
		errno = ENOENT;
		nsl_fail("our cgroup in the cgroup2 hierarchy");
		goto fail;
	}
	for (int i = 0; i < CG_NCTRL; i++)
		if ((limits & (1u << i)) && cg->served[i] == 1 && make_v1(cg, i) == -1)
			goto fail;
	return 0;
fail:
	nsl_fail_save(&failure); /* which cgroup_destroy() may overwrite */
	cgroup_destroy(cg);
	return nsl_fail_restore(&failure);
}

int cgroup_set(const struct cgroup *cg, enum cgroup_ctrl ctrl, const char *v2file,
	       const char *v1file, const char *value)
{
	if (cg->served[ctrl] == 2)
		return cgroup_write(cg->v2.path, v2file, value);
	return cgroup_write(cg->v1[ctrl].path, v1file, value);
}

/* Swap: without a limit on it, a container at its memory limit swaps
 * instead of being OOM-killed (docker run makes swap equal to --memory
 * by default, i.e. none beyond it). The file is missing when the kernel
 * keeps no swap accounting: nothing to limit then. */
static int no_swap(const struct cgroup *cg, const char *bytes)
{
	int ret;

	if (cg->served[CG_MEMORY] == 2)
		ret = cgroup_write(cg->v2.path, "memory.swap.max", "0");
	else
		ret = cgroup_write(cg->v1[CG_MEMORY].path, "memory.memsw.limit_in_bytes", bytes);
	return ret == -1 && errno != ENOENT ? -1 : 0;
}

int cgroup_set_limits(struct cgroup *cg, unsigned long long memory, unsigned long long pids,
		      unsigned long long cpu_quota)
{
	char v[64];

	if (memory > 0) {
		/* v1 first memory, then memsw: memsw may not go below it. */
		snprintf(v, sizeof(v), "%llu", memory);
		if (cgroup_set(cg, CG_MEMORY, "memory.max", "memory.limit_in_bytes", v) == -1 ||
		    no_swap(cg, v) == -1)
			return -1;
		cg->memory = memory;
	}
	if (pids > 0) {
		snprintf(v, sizeof(v), "%llu", pids);
		if (cgroup_set(cg, CG_PIDS, "pids.max", "pids.max", v) == -1)
			return -1;
		cg->pids = pids;
	}
	if (cpu_quota > 0) {
		/* v2: one file, "QUOTA PERIOD". v1: two, the period first. */
		snprintf(v, sizeof(v), "%llu %llu", cpu_quota, CGROUP_CPU_PERIOD);
		if (cg->served[CG_CPU] != 2) {
			snprintf(v, sizeof(v), "%llu", CGROUP_CPU_PERIOD);
			if (cgroup_write(cg->v1[CG_CPU].path, "cpu.cfs_period_us", v) == -1)
				return -1;
			snprintf(v, sizeof(v), "%llu", cpu_quota);
		}
		if (cgroup_set(cg, CG_CPU, "cpu.max", "cpu.cfs_quota_us", v) == -1)
			return -1;
		cg->cpu_quota = cpu_quota;
	}
	return 0;
}

/* Moving a process: write its pid to cgroup.procs. It takes the whole
 * process, every thread, and its children born from then on. */
static int place_in(const char *dir, pid_t pid, int version)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", (int)pid);
	if (cgroup_write(dir, "cgroup.procs", v) == 0)
		return 0;
	return nsl_fail_hint(why_refused(errno, version), "write(\"%s/cgroup.procs\", \"%d\")", dir,
			     (int)pid);
}

int cgroup_place(const struct cgroup *cg, pid_t pid, int skip_v2)
{
	if (!skip_v2 && cg->v2.path[0] != '\0' && place_in(cg->v2.path, pid, 2) == -1)
		return -1;
	for (int i = 0; i < CG_NCTRL; i++)
		if (cg->v1[i].path[0] != '\0' && place_in(cg->v1[i].path, pid, 1) == -1)
			return -1;
	return 0;
}
