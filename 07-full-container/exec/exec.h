/* exec.h - exec's way into a running container, for a caller with a
 * command of its own to run there: the OCI runtime's `exec --process`
 * (../oci/), whose command is described by a process.json and hardened
 * the way its container's command was, not the way exec's is.
 *
 * Everything else is exec's: the namespaces opened on the host and
 * joined by a forked joiner, the command cloned with CLONE_PARENT as our
 * child, released by "go", its signals forwarded. The container's
 * cgroups are the caller's to enter: the OCI runtime's `started`
 * places the command in them, before its release. */
#ifndef NSLAB_EXEC_H
#define NSLAB_EXEC_H

#include <sys/types.h>

struct exec_spec {
	pid_t init;             /* the container's init, as the host sees it */
	const char *name;       /* the container's name, for messages */
	int userns;             /* 1: it has a user namespace of its own */
	/* The command, inside, once released: sets itself up, execs, and
	 * returns only when it failed, with the status to exit with. With
	 * DETACH, REPORT_FD is the write end (O_CLOEXEC) of a pipe to keep
	 * open until execve() closes it: its end of file tells us the
	 * command runs, as runc waits for it (else -1). */
	int (*body)(void *arg, int report_fd);
	void *arg;
	/* The host, before the release, told the command's pid (a pid
	 * file): 0, or -1 after the report, and the command is killed. */
	int (*started)(void *arg, pid_t pid);
	/* 1: return once the command is released, leaving it to our parent
	 * (a subreaper: conmon, containerd's shim) - no PR_SET_PDEATHSIG,
	 * and its status is the parent's to collect. */
	int detach;
	/* With DETACH, when the command failed before its execve(): its
	 * first error line ("CALL: ERRNO'S TEXT"), else left as it was. */
	char *why;
	size_t why_size;
};

/* Run SPEC's command in its container: with DETACH, EXIT_OK once it is
 * released and has exec'd (EXIT_RUNTIME when it failed before, and
 * said why); without, its status (128+signal), signals passed on to it
 * meanwhile. EXIT_RUNTIME after a reported failure. */
int exec_spec_run(const struct exec_spec *spec);

#endif
