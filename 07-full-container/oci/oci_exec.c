/* oci_exec.c - the runtime spec's other process: `exec --process FILE ID`,
 * which podman exec and containerd's task exec call. It is exec's
 * (../exec/: the namespaces opened on the host, joined by a forked
 * joiner, the command cloned as our child with CLONE_PARENT), with a
 * command of its own: FILE describes it as config.json's "process" does,
 * and it is hardened as the container's own command was, by the init's
 * and the command's own steps (../container.h):
 *
 *   runtime (host)               joiner             command (inside)
 *   --pid-file: its pid    <-    clone(PARENT)  ->  waits for "go"
 *   "go"                   ->                       --tty: a pty of the
 *   --detach: exit 0 once it                        container's devpts,
 *   exec'd (a pipe's EOF)                           the master to the
 *   else: wait, pass signals on                     console socket;
 *                                                   rlimits, caps,
 *                                                   no_new_privs,
 *                                                   seccomp; its user,
 *                                                   env, cwd; exec
 *
 * With --detach the command outlives us, as the init does after
 * create: its parent is then our caller, a subreaper (conmon, the shim),
 * which collects its status. We return once it has exec'd, as runc
 * does: a command that fails before (no such binary, no such working
 * directory) fails exec too, and the engine hears of it.
 *
 * Read: the runtime spec's runtime.md, runc's exec(8), setns(2).
 */
#define _GNU_SOURCE
#include "oci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../container.h"
#include "../exec/exec.h"
#include "fail.h"
#include "say.h"
#include "../tty/tty.h"

/* The command, inside the container, once released: its pty first,
 * while it is still root there, then the init's hardening, then the
 * container command's own steps. Returns only when that failed. */
static int run_body(const struct oci_exec_args *a, int report_fd)
{
	struct ctr_child k = { .c = &a->o.c, .go = -1, .tty_slave = -1, .report_fd = report_fd,
			       .tty_size = { .ws_row = a->o.rows, .ws_col = a->o.cols } };
	int master;

	if (a->console != -1) {
		if (ctr_open_tty(&k, &master) == -1)
			return EXIT_RUNTIME;
		if (tty_send_fd(a->console, master) == -1) {
			nsl_error(errno, "%s (--console-socket)", nsl_failed_call());
			return EXIT_RUNTIME;
		}
		close(master);
		say("the pty's master went to the console socket: the engine relays it");
	}
	if (ctr_harden(&a->o.c) == -1)
		return EXIT_RUNTIME;
	return ctr_cmd_main(&k);
}

/* The command; with --detach, its error lines and then a "!" on
 * REPORT_FD when it failed before its execve() (which closes
 * REPORT_FD), for the runtime to wait on. */
static int body(void *arg, int report_fd)
{
	int status;

	say_copy_errors(report_fd);
	status = run_body(arg, report_fd);

	if (report_fd != -1 && write(report_fd, "!", 1) != 1)
		nsl_error(errno, "write(the runtime's pipe)");
	return status;
}

/* --pid-file, before the command is released. */
static int started(void *arg, pid_t pid)
{
	const struct oci_exec_args *a = arg;

	/* Into the container's cgroups, while it waits for "go": its
	 * limits count the command too. */
	if (a->cg != NULL && cgroup_place(a->cg, pid, 0) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	if (oci_set_oom(&a->o.c, pid) == -1)
		return -1;
	if (a->pid_file == NULL)
		return 0;
	if (oci_write_pid_file(a->pid_file, pid) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	return 0;
}

int oci_exec(struct oci_exec_args *a)
{
	struct exec_spec spec = { .init = a->init, .name = a->id, .userns = a->o.c.userns,
				  .body = body, .arg = a, .started = started,
				  .detach = a->detach, .why = a->why, .why_size = sizeof(a->why) };

	a->o.c.tty = a->console != -1;
	snprintf(a->o.c.name, sizeof(a->o.c.name), "%.64s", a->id);
	return exec_spec_run(&spec);
}
