/* exec.c - run a command inside a running container, as docker exec and
 * nsenter(1) do: join every namespace of the container with 06's piece,
 * then fork, because a PID namespace takes only the children of whoever
 * joins it (pid_namespaces(7)).
 *
 * Three processes, the shape of runc's nsexec:
 *   host  (this process) never joins anything. It finds the container,
 *         opens its namespaces while /proc is still ours, forks the
 *         joiner, then waits for the command, forwards signals to it, and
 *         exits with its status (the OCI runtime's exec --detach
 *         leaves it to its own caller instead: exec.h).
 *   join  joins (user first, mount last, then the container's root and
 *         cwd), clones the command with CLONE_PARENT, so that the command
 *         is the host's child rather than its own, tells the host its pid
 *         and exits.
 *   cmd   is born in the container's PID namespace; waits for the host's
 *         "go", then hardens itself the way run's command is hardened,
 *         and execs CMD.
 * Why not join in this process, as nsenter does? Once in the container's
 * mount namespace, /proc is the container's, where this process has no
 * pid: whatever reads /proc/self after that breaks (LeakSanitizer's check
 * at exit among them), and nothing the host side does - wait, forward
 * signals, report - needs to be inside. Why CLONE_PARENT? So that the host
 * waits for the command and signals it directly, with no middleman left.
 *
 * The files, one idea each:
 *   exec.c       the host: block the signals, fork the joiner, let the
 *                command run, wait for it and pass signals on
 *   exec_open.c  the host, before the fork: find the container and open
 *                its namespaces
 *   exec_join.c  the joiner and the command, inside the container
 * exec_int.h declares what they share.
 *
 * Read: setns(2), clone(2) (CLONE_PARENT), signalfd(2), prctl(2)
 * (PR_SET_DUMPABLE, PR_SET_PDEATHSIG), credentials(7).
 */
#define _GNU_SOURCE
#include "../ctr.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "exec_int.h"
#include "fail.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* Block the signals we forward, and SIGCHLD, and read them from a
 * signalfd. Blocked before any fork: a command that exits at once leaves
 * its SIGCHLD pending for us instead of lost. The command unblocks them
 * all before exec (a blocked mask survives execve(2)). */
static int block_signals(struct exec_ctx *x)
{
	static const int fwd[] = CTR_FORWARDED;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaddset(&set, fwd[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		nsl_error(errno, "sigprocmask(SIG_BLOCK, SIGCHLD and the forwarded signals)");
		return -1;
	}
	x->sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (x->sfd == -1) {
		nsl_error(errno, "signalfd(-1, SIGCHLD and the forwarded signals, SFD_CLOEXEC)");
		return -1;
	}
	/* Narration to a closed pipe must fail with EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Move PID (the exec'd command, waiting for "go") into the cgroups of
 * the container NAME, whose runtime and init are RUNTIME and INIT. 0, or
 * -1 after the report. */
static int enter_cgroups(const char *name, pid_t runtime, pid_t init, pid_t pid)
{
	static struct cgroup cg;
	int found;

	if (cgroup_find(&cg, name, runtime, init, &found) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	if (found == 0) {
		say_more("the container has no cgroup of its own: %d stays in ours", (int)pid);
		return 0;
	}
	if (cgroup_place(&cg, pid, 0) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (nsl_failed_hint() != NULL)
			nsl_hint("%s", nsl_failed_hint());
		return -1;
	}
	say_more("placed %d in the container's %d cgroup%s (%s, ...) before \"go\"", (int)pid,
		 found, found == 1 ? "" : "s", cg.v2.path[0] != '\0' ? cg.v2.path : cg.leaf);
	return 0;
}

/* Fork the joiner; return the command's pid, once it may run. */
static pid_t start(struct exec_ctx *x)
{
	pid_t j, pid = -1;
	ssize_t n;

	if (sync_open(x->go) == -1 || sync_open(x->pidp) == -1 ||
	    (x->spec != NULL && x->spec->detach && sync_open(x->execp) == -1)) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	j = fork();
	if (j == -1) {
		nsl_error(errno, "fork()");
		return -1;
	}
	if (j == 0)
		_exit(exec_joiner(x));
	/* Only the command holds the write end now (the joiner's goes with
	 * it): its end of file is the command's execve(), or its exit. */
	if (x->execp[1] != -1) {
		close(x->execp[1]);
		x->execp[1] = -1;
	}
	join_close(&x->t);
	close(x->go[0]);
	close(x->pidp[1]);
	x->go[0] = x->pidp[1] = -1;
	do
		n = read(x->pidp[0], &pid, sizeof(pid));
	while (n == -1 && errno == EINTR);
	waitpid(j, NULL, 0);
	if (n != (ssize_t)sizeof(pid))
		return -1; /* the joiner failed, and said why */
	/* Into the container's cgroups (its limits count the command too)
	 * while it waits for "go": nothing it runs is outside them. Its
	 * cgroup namespace, joined already, then shows them as /. */
	if (x->spec == NULL && enter_cgroups(x->rec.name, x->rec.runtime, x->rec.pid, pid) == -1)
		goto kill;
	if (x->spec != NULL && x->spec->started != NULL &&
	    x->spec->started(x->spec->arg, pid) == -1)
		goto kill;
	if (sync_post(x->go[1]) == -1) {
		nsl_error(errno, "write(the command's pipe)");
		goto kill;
	}
	return pid;
kill: /* never released: it would see our end of file anyway */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* Forward what we catch to the command until it exits; its status. */
static int wait_cmd(const struct exec_ctx *x, pid_t pid)
{
	struct signalfd_siginfo si;
	int ws;

	for (;;) {
		ssize_t n = read(x->sfd, &si, sizeof(si));

		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si)) {
			nsl_error(errno, "read(signalfd)");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return EXIT_RUNTIME;
		}
		if (si.ssi_signo != SIGCHLD) {
			say_more("%s: passed on to %d", strsignal((int)si.ssi_signo), (int)pid);
			kill(pid, (int)si.ssi_signo);
			continue;
		}
		/* SIGCHLDs merge: ask for this child, whatever woke us. */
		n = waitpid(pid, &ws, WNOHANG);
		if (n == pid)
			return proc_status(ws);
		if (n == -1) {
			nsl_error(errno, "waitpid(%d)", (int)pid);
			return EXIT_RUNTIME;
		}
	}
}

/* --detach: the command released, wait for its execve() (the pipe's
 * end of file), not for its end, passing signals on meanwhile (a
 * command stuck before it, in a working directory that hangs, can be
 * stopped). Its error lines come through the pipe too (say_copy_errors),
 * and a "!" last means it failed before its execve(): it said why on its
 * stderr, which with --tty is a pty nobody reads yet, so the first error
 * line goes to SPEC->why for the runtime's own last line. It is reaped
 * here, being our child. A command killed by a signal before its
 * execve() cannot say so, and counts as exec'd: its status is the
 * engine's to collect. */
static int wait_exec(const struct exec_ctx *x, pid_t pid)
{
	struct pollfd p[2] = { { .fd = x->execp[0], .events = POLLIN },
			       { .fd = x->sfd, .events = POLLIN } };
	struct signalfd_siginfo si;
	char text[4096], *e, *nl;
	size_t len = 0;
	ssize_t n = 1;

	/* To the pipe's end of file, passing signals on all the while;
	 * lines past TEXT's size are read and dropped, its last byte kept. */
	while (n != 0) {
		if (poll(p, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			nsl_error(errno, "poll(the command's pipe, signalfd)");
			return EXIT_RUNTIME;
		}
		if ((p[1].revents & POLLIN) && read(x->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
		    si.ssi_signo != SIGCHLD) {
			say_more("%s: passed on to %d", strsignal((int)si.ssi_signo), (int)pid);
			kill(pid, (int)si.ssi_signo);
		}
		if (p[0].revents == 0)
			continue;
		n = read(x->execp[0], text + len, sizeof(text) - 1 - len);
		if (n > 0 && (len += (size_t)n) == sizeof(text) - 1)
			len = sizeof(text) - 2;
		else if (n == -1 && errno != EINTR)
			break;
	}
	text[len] = '\0';
	if (n == -1 || (len > 0 && text[len - 1] == '!')) {
		waitpid(pid, NULL, 0);
		if ((e = strstr(text, "] error: ")) != NULL && x->spec->why != NULL) {
			e += strlen("] error: ");
			if ((nl = strchr(e, '\n')) != NULL)
				*nl = '\0';
			snprintf(x->spec->why, x->spec->why_size, "%s", e);
		}
		nsl_error(n == -1 ? errno : ECANCELED, "%d failed before its execve() (said above)",
			  (int)pid);
		return EXIT_RUNTIME;
	}
	say("%d released, and exec'd: it is our parent's now", (int)pid);
	return EXIT_OK;
}

/* Everything after the container is found: X->rec names it. */
static int exec_in(struct exec_ctx *x)
{
	int status = EXIT_RUNTIME;
	pid_t pid;

	/* CVE-2019-5736: what joins the container must not let it open
	 * /proc/PID/exe - the host's nslab binary - and write through it.
	 * Not dumpable: /proc/PID is root's, and ptrace access is refused.
	 * Set before anything joins; forks inherit it; exec resets it. */
	if (prctl(PR_SET_DUMPABLE, 0) == -1) {
		nsl_error(errno, "prctl(PR_SET_DUMPABLE, 0)");
		return EXIT_RUNTIME;
	}
	if (block_signals(x) == -1 || exec_open_container(x) == -1)
		goto out;
	pid = start(x);
	join_close(&x->t);
	if (pid > 0 && x->spec != NULL && x->spec->detach) {
		status = wait_exec(x, pid);
	} else if (pid > 0) {
		status = wait_cmd(x, pid);
		say("%s exited with status %d", x->cmd != NULL ? x->cmd[0] : "the command", status);
	}
out:
	sync_close(x->go);
	sync_close(x->pidp);
	sync_close(x->execp);
	if (x->sfd != -1)
		close(x->sfd);
	return status;
}

int ctr_exec(const char *target, int user_set, uid_t uid, gid_t gid, char **cmd)
{
	struct exec_ctx x = { .host = getpid(), .uid = user_set ? uid : 0,
			      .gid = user_set ? gid : 0, .cmd = cmd, .sfd = -1,
			      .go = { -1, -1 }, .pidp = { -1, -1 }, .execp = { -1, -1 } };

	if (exec_find_container(target, &x.rec) == -1)
		return EXIT_RUNTIME;
	return exec_in(&x);
}

int exec_spec_run(const struct exec_spec *spec)
{
	struct exec_ctx x = { .host = getpid(), .sfd = -1, .go = { -1, -1 },
			      .pidp = { -1, -1 }, .execp = { -1, -1 }, .spec = spec };

	snprintf(x.rec.name, sizeof(x.rec.name), "%s", spec->name);
	x.rec.pid = spec->init;
	x.rec.userns = spec->userns;
	return exec_in(&x);
}
