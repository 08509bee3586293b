/* container.h - what run.c (the host's side of run) hands container.c
 * (the container's init) through clone(2), and what the init hands
 * command.c (the command) the same way.
 *
 * clone() without CLONE_VM gives the child a copy of the runtime's
 * memory, so the pointers below lead to the child's own copies: what the
 * child changes there, the runtime never sees. */
#ifndef NSLAB_CONTAINER_H
#define NSLAB_CONTAINER_H

#include <linux/capability.h>
#include <sys/ioctl.h>

#include "ctr.h"
#include "../04-mount/mnt.h"

struct veth;

struct ctr_child {
	const struct ctr_config *c;
	struct mnt_record *record; /* named after the runtime's pid */
	const struct veth *veth;   /* --net veth: the ends' names and the
				    * /30 (veth.h), picked by the runtime */
	int go;                    /* the read end of the runtime's pipe:
				    * one byte means "mapped, recorded, go";
				    * end of file means the runtime is gone */
	struct winsize tty_size;   /* -t: the runtime's terminal's size */
	int tty_slave;             /* -t: the pty's slave, opened by the
				    * init, for the command; else -1 */
	const char *exec_fifo;     /* the OCI runtime's create: the init
				    * outlives the runtime, and waits for
				    * `start` on this fifo before it forks
				    * the command; NULL for run */
	int exec_fd;               /* the init's: that fifo, opened O_PATH
				    * before the pivot hides its path */
	int report_fd;             /* the OCI runtime's exec --detach: the
				    * write end (O_CLOEXEC) of a pipe that
				    * stays open until the command's execve()
				    * closes it (above 2; else none) */
};

/* The OCI runtime: what the init keeps beyond config.json's set until
 * the command has changed its user (setgroups, setgid, setuid). */
#define CTR_SWITCH_CAPS ((1ULL << CAP_SETUID) | (1ULL << CAP_SETGID) | (1ULL << CAP_SETPCAP))

/* run.c: PID's uid and gid maps, for C (rootless: the caller to 0;
 * root with a user namespace: 0-65535 to 100000-165535). 0, or -1 after
 * the report. The OCI runtime's create writes them the same way. */
int ctr_write_maps(const struct ctr_config *c, pid_t pid);

/* clone()'s entry point: the container's init, PID 1. Returns the
 * command's status, for the runtime to pass on, or EXIT_RUNTIME. */
int ctr_init_main(void *arg);

/* The init's hardening, before it forks the command: C's rlimits, its
 * capability set (with CTR_SWITCH_CAPS when config.json gave one) or
 * Docker's default, no_new_privs (not when config.json says
 * noNewPrivileges false: then the filter goes first), run's seccomp
 * filter or config.json's. The OCI
 * runtime's exec hardens its command the same way. 0, or -1 after the
 * report. */
int ctr_harden(const struct ctr_config *c);

/* -t: the command's terminal, a pty of the container's own devpts,
 * made once /dev is the container's, owned by the command's user: the
 * slave stays for the command (K->tty_slave), the master is returned
 * for the runtime to relay (run) or hand on (the OCI runtime). Sized
 * K->tty_size. 0, or -1 after the report. */
int ctr_open_tty(struct ctr_child *k, int *master);

/* oci/oci_kernel.c, the OCI runtime's: C's linux.sysctl, written by the
 * init in the container's namespaces, through DIRFD, /proc/sys opened
 * before its /proc was the container's (read-only there). Nothing when
 * C has none; run has none. 0, or -1 after the report. */
int ctr_set_sysctls(const struct ctr_config *c, int dirfd);

/* command.c: the init's clone() child, PID 2, with the same ARG. Execs
 * the command; returns only when that failed: EXIT_NOT_FOUND,
 * EXIT_CANNOT_EXEC or EXIT_RUNTIME, after saying why. */
int ctr_cmd_main(void *arg);

#endif
