/* ctr.h - what 07-full-container's commands share: the container's
 * configuration, filled in by main.c from the command line, the exit
 * statuses, the signals passed on, and the entry points of run, exec
 * and ps. The folders below (cgroup/, net/, state/) never include it:
 * they are pieces, and take what they need as arguments. */
#ifndef NSLAB_CTR_H
#define NSLAB_CTR_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../04-mount/mnt.h"
#include "../06-setns/join.h"
#include "fs.h"
#include "state/state.h"

/* docker run's exit statuses: the runtime's own failure, a command that
 * cannot be executed, a command that is not found. */
enum {
	EXIT_RUNTIME = 125,
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

#define CTR_NAME_MAX STATE_NAME_MAX /* 64: a name is its state record's */
struct harden_filter;               /* harden.h */

#define CTR_MAX_VOLUMES 32
#define CTR_MAX_ENV 128
#define CTR_MAX_NEWFS 16
#define CTR_MAX_PATHS 64
#define CTR_MAX_GROUPS 64
#define CTR_MAX_SYSCTL 32

struct ctr_config {
	char name[CTR_NAME_MAX + 1];     /* --name, or generated */
	const char *hostname;            /* -h; default: the name; NULL
					  * (the OCI runtime): left as it is */
	char rootfs[PATH_MAX];           /* absolute, symlinks resolved */
	char **cmd;                      /* default { "/bin/sh", NULL } */
	struct mnt_volume vol[CTR_MAX_VOLUMES];
	size_t nvol;
	/* The OCI runtime's config.json; run: none, and the defaults. */
	struct fs_newfs newfs[CTR_MAX_NEWFS];
	size_t nnewfs;
	struct fs_attr attr[CTR_MAX_VOLUMES + CTR_MAX_NEWFS];
	size_t nattr;                    /* their bind flags, propagation */
	const char *masked[CTR_MAX_PATHS];   /* masked_set: maskedPaths */
	size_t nmasked;
	const char *readonly[CTR_MAX_PATHS]; /* readonly_set: readonlyPaths */
	size_t nreadonly;
	int masked_set, readonly_set;
	const char *env[CTR_MAX_ENV];    /* -e KEY=VALUE, in order given */
	size_t nenv;
	const char *workdir;             /* -w; default "/" */
	uid_t uid;                       /* -u UID[:GID]; default 0:0 */
	gid_t gid;
	gid_t groups[CTR_MAX_GROUPS];    /* the OCI runtime's additionalGids;
					  * run: none */
	size_t ngroups;
	int umask_set;                   /* the OCI runtime's user.umask */
	mode_t umask;                    /* (run: left as inherited) */
	int userns;                      /* a new user namespace: rootless,
					  * or --userns as root */
	int in_userns;                   /* the OCI runtime, run in a user
					  * namespace that is not the host's
					  * (rootless podman's): no mknod,
					  * /dev's nodes bound, as in ours */
	uid_t host_uid;                  /* who ran us: mapped to 0 inside */
	gid_t host_gid;
	const char *uid_map, *gid_map;   /* the OCI runtime's config.json
					  * maps, as the kernel takes them;
					  * NULL: run's (ctr_write_maps()) */

	/* Resource limits (cgroup/); 0: no limit asked for. */
	unsigned long long memory;       /* --memory SIZE, in bytes */
	unsigned long long pids;         /* --pids N */
	unsigned long long cpu_quota;    /* --cpus X, as microseconds of CPU
					  * per CGROUP_CPU_PERIOD microseconds
					  * (cgroup/cgroup.h) */

	/* Network (net.c, net/). */
	enum { CTR_NET_NONE, CTR_NET_HOST, CTR_NET_VETH } net;
	const char *subnet;              /* --subnet CIDR; NULL: the default */

	/* Time namespace offsets, in seconds (--boottime, --monotonic);
	 * time_set: either was given, so the command gets a time namespace. */
	long long boottime, monotonic;
	int time_set;

	int tty;                         /* -t: a pty for the command (tty/) */
	int overlay;                     /* --overlay: rootfs/ read-only, an
					  * upper layer of the container's own */
	char *upper;                     /* --upper DIR: that layer in DIR,
					  * kept (absolute); NULL: a tmpfs */
	int root_ro;                     /* the OCI runtime's root.readonly:
					  * / remounted read-only */
	int caps_set;                    /* the OCI runtime's capabilities: */
	uint64_t caps;                   /* this mask instead of the default,
					  * as bounding, and the other sets: */
	uint64_t caps_eff, caps_prm, caps_inh, caps_amb;
	const char *ns_path[JOIN_NTYPES]; /* the OCI runtime's namespace
					  * paths, by 06's join_types: joined,
					  * not made (pid by create, the rest
					  * by the init; user by create:
					  * oci.h's userns_path) */
	int nnp_off;                     /* the OCI runtime's noNewPrivileges
					  * false (or absent): not set */
	struct ctr_rlimit {
		int resource;            /* RLIMIT_* */
		unsigned long long soft, hard;
	} rlimits[16];                   /* the OCI runtime's process.rlimits */
	size_t nrlimits;
	const struct harden_filter *seccomp; /* the OCI runtime's linux.seccomp,
					  * compiled: instead of run's filter */
	int env_exact;                   /* the OCI runtime: the command's
					  * environment is env[] alone, no
					  * PATH, HOME, TERM or HOSTNAME added */
	int oom_set;                     /* the OCI runtime's oomScoreAdj: */
	int oom_score_adj;               /* -1000 to 1000 (run: inherited) */
	struct ctr_sysctl {              /* the OCI runtime's linux.sysctl, */
		const char *key, *value; /* each of a namespace the container */
	} sysctl[CTR_MAX_SYSCTL];        /* has of its own: "kernel.shmmax" */
	size_t nsysctl;
	const struct fs_device *devices; /* the OCI runtime's linux.devices */
	size_t ndevices;
	unsigned long root_prop;         /* the OCI runtime's rootfsPropagation
					  * (MS_SHARED...); 0: private, as run */
};

/* The signals the runtime and the container's init pass on to the
 * command (exec's runtime too), the set 03-pid's init forwards. */
#define CTR_FORWARDED { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH }

/* Run the container C describes and wait for it: the command's status,
 * 128+signal, or EXIT_RUNTIME after the failure has been reported. */
int ctr_run(struct ctr_config *c);

/* exec: run CMD inside the running container TARGET (a name or the pid
 * ps shows), as UID:GID when USER_SET. Same statuses as ctr_run(). */
int ctr_exec(const char *target, int user_set, uid_t uid, gid_t gid, char **cmd);

/* ps: list the running containers on stdout, removing stale records.
 * EXIT_OK, or EXIT_RUNTIME after a reported failure. */
int ctr_ps(void);

#endif
