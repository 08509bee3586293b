/* cgroup.h - the container's control groups: where each controller is
 * served (cgroup v2, v1, or a hybrid of both), the container's own cgroup
 * made under ours in each hierarchy it needs, its limits, the init placed
 * in it, what is left killed and the cgroup removed, an OOM kill noticed,
 * a running container's cgroups found (for exec), and the cgroups of runs
 * killed with SIGKILL swept.
 *
 * A container's cgroup is called "nslab-NAME.PID", PID the runtime's:
 * common/sweep.h's rule, so that a later run can tell a cgroup whose run
 * is gone (stale, removed) from one whose run goes on (never touched).
 * (A NAME that starts with "nslab-" already is not prefixed twice.)
 *
 * Where it is made - its home - and why (cgroup-v2.rst's rules):
 *   v1 hierarchies   under the cgroup the caller is in, as
 *                    /proc/self/cgroup names it: v1 has no rule that
 *                    refuses a child there
 *   v2, as root      under "nslab", a cgroup of nslab's own just below
 *                    the root (/sys/fs/cgroup/nslab), as engines with
 *                    the cgroupfs driver do. The caller's cgroup is
 *                    often a systemd session scope or service that holds
 *                    processes: cgroup v2 refuses memory to the children
 *                    of such a cgroup (the no-internal-process rule), and
 *                    enabling pids or cpu there turns it threaded. So
 *                    nslab never writes the caller's cgroup; "nslab"
 *                    holds no process, gets from the root what the root
 *                    enables (systemd enables them all), and is removed
 *                    with its last container.
 *   v2, not root     under the caller's cgroup, the only place it may
 *                    write, and only where that is delegated to it
 *                    (systemd-run --user --scope -p Delegate=yes). For a
 *                    limit, the runtime first moves itself into a leaf
 *                    of its own ("nslab.PID") so that its scope holds no
 *                    process, then enables the controllers there, as
 *                    crun does; it undoes both on the way out. A scope
 *                    that holds other processes (the user's shell) is
 *                    refused, with the command that makes one of its own.
 * Nothing else is ever written: no cgroup nslab did not make has its
 * subtree_control, its type or its processes changed.
 *
 * Pieces style: 0, or -1 with errno set and the call recorded for
 * nsl_failed_call() (common/fail.h), e.g.
 * "mkdir(\"/sys/fs/cgroup/unified/nslab-web.4242\")", and a hint for
 * nsl_failed_hint() where one helps: which delegation is missing, which
 * kernel rule refused. Nothing here prints or exits, but for
 * cgroup_sweep(), which says what it removed, as common/sweep.c does.
 * The parsers (cgroup_parse.c) are pure: no system call, for the fuzzer.
 *
 * Read: cgroups(7), cgroup_namespaces(7), and the kernel's
 * Documentation/admin-guide/cgroup-v2.rst and
 * Documentation/admin-guide/cgroup-v1/ (memory.rst, pids.rst) and
 * Documentation/scheduler/sched-bwc.rst for the CPU quota.
 */
#ifndef NSLAB_CGROUP_H
#define NSLAB_CGROUP_H

#include <limits.h>
#include <sys/types.h>

/* --cpus X is X * CGROUP_CPU_PERIOD microseconds of CPU time per period
 * (v2 cpu.max "QUOTA PERIOD", v1 cpu.cfs_quota_us/cfs_period_us). */
#define CGROUP_CPU_PERIOD 100000ULL

#define CGROUP_PREFIX "nslab-"
#define CGROUP_HOME "nslab" /* below the cgroup2 root, as root */

/* The controllers a limit needs. CG_DEVICES is the OCI runtime's
 * linux.resources.devices: a v1 hierarchy of its own, or on cgroup2 no
 * controller at all but an eBPF program attached to the cgroup
 * (../oci/oci_devices.c), so it is "served" by v2 wherever cgroup2 is
 * and never enabled in a cgroup.subtree_control. */
enum cgroup_ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG_DEVICES, CG_NCTRL };

/* The controllers of MASK that cgroup2 lists in cgroup.controllers. */
#define CG_LISTED(mask) ((mask) & ~(1u << CG_DEVICES))

/* Where a container's cgroup v2 goes (see above). */
enum cgroup_home { CG_HOME_OWN, CG_HOME_NSLAB };

/* One hierarchy's side of a container's cgroup. */
struct cgroup_dir {
	char parent[PATH_MAX]; /* where the container's cgroup is made: our
				* own cgroup there, or /sys/fs/cgroup/nslab
				* on v2 as root ("" when the hierarchy is
				* not there) */
	char path[PATH_MAX];   /* PARENT/LEAF, the container's */
	int made;              /* 1 once we made PATH (and must remove it);
				* cgroup_make_at(): how many levels, PATH
				* and the parents it had to make */
};

struct cgroup {
	char leaf[NAME_MAX + 1];       /* "nslab-NAME.PID" */
	/* Which hierarchy serves each controller: 2 (listed in the cgroup2
	 * root's cgroup.controllers: bound to v2), 1 (a v1 mount of its
	 * own), 0 (neither: the kernel lacks it). Whether we may use it is
	 * another question, which cgroup_create() answers. */
	int served[CG_NCTRL];
	struct cgroup_dir v2;          /* the unified hierarchy (cgroup2) */
	int v2_err;                    /* why v2.path was not made, or 0 */
	int home;                      /* enum cgroup_home */
	char top[PATH_MAX];            /* the cgroup2 root as mounted here,
					* "" when no mount shows it */
	char own[PATH_MAX];            /* our own cgroup v2 */
	/* CG_HOME_OWN with a limit: the runtime's leaf OWN/nslab.PID while
	 * it runs ("" when it did not move), and the controllers it enabled
	 * in OWN's cgroup.subtree_control (1 << CG_*), both undone by
	 * cgroup_destroy(). CG_HOME_NSLAB: 1 in made_home when "nslab" is
	 * to be removed if empty. */
	char runtime_leaf[PATH_MAX];
	unsigned enabled;
	int made_home;
	struct cgroup_dir v1[CG_NCTRL];/* the v1 hierarchy of each controller */
	/* The limits written by cgroup_set_limits(); 0: none. */
	unsigned long long memory, pids, cpu_quota;
};

/* "memory", "pids", "cpu", "devices". */
const char *cgroup_ctrl_name(enum cgroup_ctrl ctrl);

/* Find the hierarchies from /proc/self/mountinfo and /proc/self/cgroup:
 * fill CG->served, CG->v2.parent and CG->v1[].parent; name the leaf
 * "nslab-NAME.RUNTIME". Makes nothing. */
int cgroup_detect(struct cgroup *cg, const char *name, pid_t runtime);

/* Make the container's cgroups: in the unified hierarchy whenever it is
 * mounted (it tracks the container's processes and kills them with
 * cgroup.kill), in its home with the controllers of LIMITS that v2
 * serves (see the top of this file); in the v1 hierarchy of each
 * controller a limit needs and v1 serves. LIMITS: 1 << CG_MEMORY etc.
 * The v2 cgroup is required only when a limit is served there: else a
 * failure to make it (not delegated: rootless) leaves CG->v2.made 0 and
 * CG->v2_err its errno, and the call is recorded. On failure, what was
 * made is removed again. */
int cgroup_create(struct cgroup *cg, unsigned limits);

/* Write the limits (0: none) into the cgroups made: memory.max or
 * memory.limit_in_bytes (and no swap beyond it), pids.max, cpu.max
 * "QUOTA PERIOD" or cpu.cfs_period_us and cpu.cfs_quota_us. */
int cgroup_set_limits(struct cgroup *cg, unsigned long long memory,
		      unsigned long long pids, unsigned long long cpu_quota);

/* Write VALUE into V2FILE of the container's cgroup v2 when v2 serves
 * CTRL, else into V1FILE of its v1 cgroup for CTRL. */
int cgroup_set(const struct cgroup *cg, enum cgroup_ctrl ctrl, const char *v2file,
	       const char *v1file, const char *value);

/* The OCI runtime's: where the v1 hierarchy of CTRL is mounted here,
 * at its root ("/sys/fs/cgroup/cpu,cpuacct") into DIR, and the options
 * that name it ("cpu,cpuacct", "name=systemd") into OPTS: what a new
 * mount of the same hierarchy must be given. 0, or -1 with errno ENOENT
 * (no such mount), the call recorded. */
int cgroup_v1_hierarchy(enum cgroup_ctrl ctrl, char *dir, size_t dlen, char *opts, size_t olen);

/* cgroup_path.c, the OCI runtime's (../oci/): the container's cgroups
 * where the engine says (linux.cgroupsPath), not in run's home. After
 * cgroup_detect(), CG->v2.path and CG->v1[].path become PATH in each
 * hierarchy mounted here: "/a/b" below the hierarchy's root (as our
 * cgroup namespace shows it), "a/b" below our own cgroup there.
 * CG->*.parent is then where PATH starts. Makes nothing. */
int cgroup_at(struct cgroup *cg, const char *path);

/* Make them, parents and all (mkdir -p, as runc does): the v2 one, and
 * the v1 one of each controller of LIMITS that v1 serves, as
 * cgroup_create() does. The controllers of LIMITS that v2 serves are
 * enabled (cgroup.subtree_control) in each parent made; a parent that
 * was there must give them already, or it is refused: it is not ours to
 * change. The container's own cgroup must be new (EEXIST otherwise). A
 * cgroup a limit needs must be made; a v2 one no limit needs that
 * cannot be (not delegated: rootless) is left out, its path "", its
 * errno in CG->v2_err. CG->*.made counts the levels made, which
 * cgroup_destroy() removes again when empty. */
int cgroup_make_at(struct cgroup *cg, unsigned limits);

/* Move PID into every cgroup made (cgroup.procs); SKIP_V2: but the v2
 * one, where PID was born (clone3 CLONE_INTO_CGROUP). */
int cgroup_place(const struct cgroup *cg, pid_t pid, int skip_v2);

/* How many processes the OOM killer ended in the container's memory
 * cgroup (v2 memory.events "oom_kill", v1 memory.oom_control
 * "oom_kill"), 0 when there is no memory cgroup, or -1. */
long cgroup_oom_kills(const struct cgroup *cg);

/* Kill whatever is left in the cgroups made (cgroup.kill, else SIGKILL to
 * each pid they list, until they are empty) and remove them; undo what
 * the home needed (the runtime moved back, the controllers it enabled
 * disabled, an empty "nslab" removed). Goes on after a failure, so as to
 * remove what it can; -1 names the first. */
int cgroup_destroy(struct cgroup *cg);

/* For exec: the cgroups of the running container NAME, whose runtime is
 * RUNTIME and init PID (as the host numbers it), from /proc/PID/cgroup:
 * each hierarchy where PID's cgroup is "nslab-NAME.RUNTIME" goes in CG
 * (made stays 0: exec never removes them). *FOUND counts them; 0 means
 * the container has no cgroup of its own (a rootless run without
 * delegation). */
int cgroup_find(struct cgroup *cg, const char *name, pid_t runtime, pid_t pid, int *found);

/* Remove the cgroups "nslab-NAME.PID" (and a runtime's leaf "nslab.PID")
 * in every home nslab uses, whose run PID is gone and that we own; say
 * one line each. Returns how many were removed. */
int cgroup_sweep(void);

/* cgroup_parse.c, pure. --memory SIZE: decimal bytes, or with a binary
 * suffix k/K (KiB), m/M, g/G, t/T; at least one page (4096), at most
 * LLONG_MAX. 0 into *BYTES, or -1 with *WHY saying what is wrong. */
int cgroup_parse_size(const char *s, unsigned long long *bytes, const char **why);

/* --pids N: 1 to 4194304 (the kernel's PID_MAX_LIMIT, what pids.max can
 * hold). 0, or -1 with *WHY. */
int cgroup_parse_pids(const char *s, unsigned long long *n, const char **why);

/* --cpus X: decimal, at most 5 decimals (a microsecond per 100 ms
 * period), at least 0.01 (the kernel's 1 ms minimum quota), at most
 * NCPU. *QUOTA gets X * CGROUP_CPU_PERIOD microseconds. 0, or -1 with *WHY. */
int cgroup_parse_cpus(const char *s, long ncpu, unsigned long long *quota, const char **why);

/* BYTES the way --memory takes it: "64M", "1G", "65536" when no binary
 * unit divides it; into BUF. */
const char *cgroup_format_size(unsigned long long bytes, char *buf, size_t len);

#endif
