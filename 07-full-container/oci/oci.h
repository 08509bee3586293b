/* oci.h - 07 as an OCI runtime: the commands the engines call (podman
 * through conmon, containerd through its shim) and the bundle's
 * config.json they hand it.
 *
 *     07-full-container [GLOBAL...] create [--bundle DIR] [--pid-file F]
 *                                          [--console-socket SOCK] ID
 *     07-full-container [GLOBAL...] start ID
 *     07-full-container [GLOBAL...] state ID
 *     07-full-container [GLOBAL...] kill ID [SIGNAL]
 *     07-full-container [GLOBAL...] delete [--force] ID
 *     GLOBAL: --root DIR, --log FILE, --log-format text|json,
 *             --systemd-cgroup, --cgroup-manager cgroupfs|systemd|disabled,
 *             --debug (each as --f V or --f=V)
 *
 * config.json, honored: ociVersion 1.x; process.args, env, cwd,
 * user.uid and user.gid, capabilities (bounding = effective = permitted),
 * rlimits, terminal (with --console-socket) and consoleSize; root.path and
 * root.readonly; hostname (absent: the host's name, as runc leaves it);
 * linux.namespaces by type (pid, mount, uts, ipc always; network when
 * listed, else the host's network; user when listed, mapped by
 * uidMappings and gidMappings (as root any map with 0 inside mapped;
 * rootless only one's own id to 0), else with run's maps;
 * cgroup always); mounts of type bind, as run's volumes (ro, rw, bind,
 * rbind, and the flags nosuid, nodev, noexec... by a remount), new tmpfs
 * and mqueue mounts, and any mount's propagation (shared, rslave...),
 * set inside the container's namespace once all are made, and the
 * root's (linux.rootfsPropagation) once it is / (fs_root_propagation()).
 * The mounts
 * nslab makes anyway (/proc, /dev, /dev/pts, /dev/shm, /sys) are taken
 * as asked for; a cgroup at /sys/fs/cgroup is a read-only cgroup2 of the
 * container's own on a cgroup2 host, and not mounted yet on v1 (`create
 * --debug` says so). linux.seccomp is compiled to BPF (seccomp_bpf.h) and replaces
 * run's filter, for the command and for every exec; the five capability
 * sets and noNewPrivileges are honored; a namespace "path" is joined
 * (pid by create, the rest by the init), but a user namespace's.
 * linux.cgroupsPath (cgroupfs's path or systemd's slice:prefix:name)
 * and resources' memory, pids and cpu make the container's cgroups
 * (oci_cgroup.c); the rest of resources is named, not applied.
 * linux.sysctl (a namespace's own only) and process.oomScoreAdj are
 * written by the init (oci_kernel.c). linux.devices' nodes are made in
 * the container's /dev (../dev_nodes.c), and as root the container
 * gets a devices cgroup with linux.resources.devices' rules
 * (oci_devices.c: v1's files, or an eBPF program on cgroup v2).
 * A user namespace "path", a path to a namespace the runtime itself
 * runs in, another mount type, an unknown namespace type and hooks are
 * refused. CAP_MKNOD is left out as root without a user namespace
 * when there is no devices cgroup (oci_drop_mknod()).
 */
#ifndef NSLAB_OCI_H
#define NSLAB_OCI_H

#include <limits.h>
#include <stdint.h>

#include "../../05-user/userns.h"
#include "../ctr.h"
#include "../harden.h"
#include "json.h"

/* linux.resources, as far as nslab applies them (oci_cgroup.c): 0 not
 * given, -1 "max" (no limit). SWAP is memory plus swap, as the spec and
 * cgroup v1 count it. */
struct oci_resources {
	long long memory, swap, reservation, pids, cpu_quota;
	unsigned long long cpu_period, cpu_shares;
	int swappiness;          /* 0 to 100; -1 not given */
	int no_oom_kill;         /* memory.disableOOMKiller */
};

/* One rule of linux.resources.devices (oci_devices.c): ALLOW or deny
 * ACCESS (OCI_DEV_*, the bits of BPF_DEVCG_ACC_*) to the devices of
 * TYPE ('a' every one, 'c', 'b') numbered MAJOR:MINOR (-1: any). */
#define OCI_DEV_MKNOD 1
#define OCI_DEV_READ 2
#define OCI_DEV_WRITE 4
#define OCI_DEV_RWM 7
struct oci_dev_rule {
	int allow;
	char type;
	long long major, minor;
	unsigned access;
};
#define OCI_MAX_DEVICES 1024     /* linux.devices (--privileged lists
				  * every node of the host's /dev) */
#define OCI_MAX_DEV_RULES 128    /* linux.resources.devices */
/* With "deny every device" first and the defaults last (oci_devices.c),
 * and the program each compiles to: at most 8 instructions a rule. */
#define OCI_DEV_RULES_MAX (1 + OCI_MAX_DEV_RULES + 11)
#define OCI_DEV_PROG_MAX (8 * OCI_DEV_RULES_MAX + 9)

struct oci_config {
	struct ctr_config c;     /* what run's command line would have given */
	char bundle[PATH_MAX];   /* absolute, resolved */
	char uid_map[USERNS_MAP_TEXT_MAX], gid_map[USERNS_MAP_TEXT_MAX];
				 /* linux.uidMappings and gidMappings
				  * (c.uid_map and c.gid_map point here) */
	uint32_t root_uid, root_gid; /* 0 inside, outside: the init's ids on
				  * the host with a user namespace */
	struct userns_map uids, gids; /* those maps, line by line */
	int helper_maps;         /* rootless, and wider than one's own id:
				  * newuidmap and newgidmap write them */
	const char *userns_path; /* linux.namespaces' user path: joined, not
				  * made (c.userns is 1 too), and its maps
				  * are its own */
	int terminal;            /* process.terminal (c.tty too) */
	unsigned short rows, cols; /* process.consoleSize; 0: none given */
	char **args;             /* process.args (c.cmd), into doc */
	const char *skipped[2];  /* mounts asked for and not made yet */
	size_t nskipped;
	int cgroup_view;         /* a cgroup at /sys/fs/cgroup on a v1 or
				  * hybrid host, as root: oci_cgroup_view()
				  * adds its mounts once the cgroups exist */
	char view_dest[6][64];   /* their mount points, for c.newfs */
	int mknod_asked;         /* CAP_MKNOD asked for, as root without a
				  * user namespace: kept only with a
				  * devices cgroup (oci_drop_mknod()) */
	int mknod_dropped;       /* ... and left out */
	struct fs_device devices[OCI_MAX_DEVICES]; /* linux.devices (c.devices) */
	char device_paths[OCI_MAX_DEVICES][64];
	struct oci_dev_rule dev_rules[OCI_MAX_DEV_RULES]; /* linux.resources.devices */
	size_t ndev_rules;
	int ambient_dropped;     /* ambient beyond permitted and inheritable */
	struct harden_filter filter; /* linux.seccomp, compiled (c.seccomp) */
	const char *cgroups_path; /* linux.cgroupsPath; NULL: none given */
	struct oci_resources res; /* linux.resources */
	const char *res_skipped[8]; /* what else resources asks for, not
				  * applied: "blockIO", "memory.swappiness" */
	size_t nres_skipped;
	struct json_doc doc;     /* every string above points into it */
};

/* config.c: BUNDLE/config.json into O. 0, or -1 with the failure
 * recorded (fail.h): "config.json: process.args: missing". */
int oci_config_load(const char *bundle, struct oci_config *o);
void oci_config_free(struct oci_config *o);

/* config.c: exec's --process PATH (a process object, as config.json's
 * "process") into O's c, for a container with a user namespace of its
 * own when USERNS. 0, or -1 as for oci_config_load(). */
int oci_process_load(const char *path, int userns, struct oci_config *o);

/* oci_exec.c: `exec --process FILE ID`, once oci.c has read its options,
 * found the container running and read FILE. Its status: EXIT_OK once a
 * detached command is released, else the command's own, EXIT_RUNTIME
 * after a reported failure. */
struct oci_exec_args {
	struct oci_config o;     /* FILE, read as config.json's "process" */
	const char *id;
	const char *pid_file;    /* --pid-file: the command's pid */
	pid_t init;              /* the container's init */
	int console;             /* --console-socket, connected; else -1 */
	int detach;              /* --detach: exit once it is released */
	char why[512];           /* --detach: why it failed before its execve() */
	const struct cgroup *cg; /* the container's cgroups; NULL: none */
};
int oci_exec(struct oci_exec_args *a);

/* oci_cgroup.c: the container's cgroups. oci_cgroup_create(): made
 * where linux.cgroupsPath says (the systemd form "slice:prefix:name"
 * mapped to its path when SYSTEMD), with O's limits written and, as
 * root in the host's user namespace, its devices cgroup (*DEVICES 1):
 * 0 with *MADE 1, or 0 with *MADE 0 when the container gets none (not
 * root, no cgroupsPath and no limit), or -1 after the report, nothing
 * left.
 * _save() and _load(): the cgroups made, in DIR/cgroup, for exec and
 * delete (*FOUND 0: none). 0, or -1 with the failure recorded. */
struct cgroup;
int oci_cgroup_create(const struct oci_config *o, const char *id, int systemd,
		      struct cgroup *cg, int *made, int *devices);
int oci_cgroup_save(const char *dir, const struct cgroup *cg);

/* oci_cgroup.c: a cgroup mount at /sys/fs/cgroup on a v1 or hybrid host
 * (O->cgroup_view): the mounts that show the container its own cgroups,
 * into O's new file systems, once CG is made (MADE 0: none). A tmpfs,
 * and in it each v1 hierarchy in which the container has a cgroup of
 * its own, mounted anew in its cgroup namespace, and the cgroup2
 * (hybrid: "unified"); all read-only. 0, or -1 with the failure
 * recorded. */
int oci_cgroup_view(struct oci_config *o, const struct cgroup *cg, int made);
int oci_cgroup_load(const char *dir, struct cgroup *cg, int *found);

/* config.c: CAP_MKNOD out of every set of O's process, when it asked
 * for it (o->mknod_asked) and no devices cgroup holds the container. */
void oci_drop_mknod(struct oci_config *o);

/* oci_devices.c: the devices cgroup. oci_dev_rules(): O's rules as they
 * are applied, into OUT (OCI_DEV_RULES_MAX of them): "deny every
 * device", linux.resources.devices, the defaults.
 * oci_dev_program(): N rules compiled into an eBPF program of
 * BPF_PROG_TYPE_CGROUP_DEVICE (OCI_DEV_PROG_MAX instructions at most):
 * the last rule that holds decides; its length. Pure, both.
 * oci_devices_apply(): the rules into CG's devices cgroup, v1's files or
 * the program attached to its cgroup v2. 0, or -1 with the failure
 * recorded. */
struct bpf_insn;
size_t oci_dev_rules(const struct oci_config *o, struct oci_dev_rule *out);
size_t oci_dev_program(const struct oci_dev_rule *rules, size_t n, struct bpf_insn *prog);
int oci_devices_apply(const struct oci_config *o, const struct cgroup *cg);

/* config.c: 1 when the runtime runs in the host's user namespace; 0 in
 * one of someone's (rootless podman's, where root is a user outside). */
int oci_in_host_userns(void);

/* oci_kernel.c: C's process.oomScoreAdj into PID's oom_score_adj, from
 * the host, before PID is released. 0 (also when C has none), or -1
 * after the report. */
int oci_set_oom(const struct ctr_config *c, pid_t pid);

/* oci.c: PID into PATH (--pid-file), whole or not at all (rename(2)).
 * 0, or -1 with the failure recorded. */
int oci_write_pid_file(const char *path, pid_t pid);

/* oci.c: the commands, ARGV[0] being the program: the exit status. */
int oci_main(int argc, char **argv);

/* Whether ARGV starts an OCI command line: a command only the runtime
 * spec has (exec is run's too: the engines' has --process), or a global
 * option. */
int oci_is_command(int argc, char **argv);

#endif
