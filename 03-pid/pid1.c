/* pid1.c - lesson 1: the child of clone(CLONE_NEWPID) is PID 1; and the
 * command the demo runs there, as PID 1 itself or under nslab's init, or
 * (--unshare) as the first child after unshare(CLONE_NEWPID).
 *
 * Read: pid_namespaces(7), clone(2), unshare(2), proc(5) (NSpid).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail.h"
#include "lesson.h"
#include "ns.h"
#include "pidns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

struct pid1 {
	char **cmd;   /* NULL: no command, the init just exits */
	int use_init; /* run CMD under pidns_init() instead of as PID 1 */
};

static void narrate_init(enum pidns_event event, pid_t pid, int value)
{
	switch (event) {
	case PIDNS_REAPED:
		say("reaped %d (status %d)", (int)pid, value);
		break;
	case PIDNS_FORWARDED:
		say("passed %s on to %d", sig_name(value), (int)pid);
		break;
	case PIDNS_KILLED:
		say("the command is gone: SIGKILL to every process left here");
		break;
	}
}

/* --init: stay PID 1 as the init, and run CMD as our child, PID 2. */
static int run_under_init(char **cmd)
{
	sigset_t saved;
	pid_t child;
	int status;

	/* Block first: the SIGCHLD of a command that exits at once then stays
	 * pending until pidns_init() reads it. Unblocked, with its default
	 * action (ignore), it would be discarded before anyone listened. */
	if (pidns_init_block(&saved) == -1) {
		nsl_error(errno, "sigprocmask(SIG_BLOCK)");
		return EXIT_FAIL;
	}
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child == -1) {
		nsl_error(errno, "fork()");
		return EXIT_FAIL;
	}
	if (child == 0) {
		/* Only returns if exec fails; returning ends this process, as
		 * in duties.c's orphans_inside(). */
		say_role("command");
		sigprocmask(SIG_SETMASK, &saved, NULL);
		return proc_exec(cmd);
	}
	say("fork() = %d: \"%s\" runs as %d, with me as its init", (int)child,
	    cmd[0], (int)child);
	status = pidns_init(child, narrate_init);
	if (status == -1) {
		nsl_error(errno, "signalfd(SIGCHLD and the forwarded signals)");
		return EXIT_FAIL;
	}
	return status;
}

static int pid1_inside(void *arg)
{
	struct lesson *l = arg;
	struct pid1 *p = l->data;
	char id[NS_ID_MAX] = "?";

	if (lesson_inside(l, "init") == -1)
		return EXIT_FAIL;
	ns_id(0, "pid", id, sizeof(id));
	/* getppid() is 0: our parent lives in the parent namespace, where
	 * this one gives it no number. */
	say("getpid() = %d, getppid() = %d: I am PID 1 of %s", (int)getpid(),
	    (int)getppid(), id);
	if (lesson_handover(l) == -1)
		return EXIT_FAIL;
	if (p->cmd == NULL)
		return EXIT_OK;
	/* The lesson's pipes are O_CLOEXEC; the init closes them by hand. */
	close(l->up[1]);
	close(l->down[0]);
	close(l->chan[1]);
	if (p->use_init)
		return run_under_init(p->cmd);
	say("execvp(\"%s\"): if it succeeds, the command is PID 1 (no init: see --init)",
	    p->cmd[0]);
	return proc_exec(p->cmd);
}

/* The host's look at the child: its pid at both levels, both ids. */
static void show_child(pid_t pid)
{
	char nspid[128], mine[NS_ID_MAX] = "?", theirs[NS_ID_MAX] = "?";

	say("/proc/%d/status has NSpid: %s: %d here, 1 in its own namespace",
	    (int)pid, nspid_text(pid, nspid, sizeof(nspid)), (int)pid);
	ns_id(0, "pid", mine, sizeof(mine));
	if (ns_id(pid, "pid", theirs, sizeof(theirs)) == -1)
		nsl_error(errno, "readlink(\"/proc/%d/ns/pid\")", (int)pid);
	say("child %d is in %s, I am in %s: %s", (int)pid, theirs, mine,
	    strcmp(mine, theirs) == 0 ? "the same namespace" : "two namespaces");
}

/* Ask the namespace to stop, as the kernel lets us: SIG itself if its
 * init takes it (nslab's init does), else SIGKILL, the one signal an
 * init cannot refuse from the host. A second request always kills. */
static void stop_ns(pid_t pid, int sig, int again)
{
	if (!again && pidns_init_accepts(pid, sig) == 1) {
		say("passing %s on to PID 1 (%d)", sig_name(sig), (int)pid);
		kill(pid, sig);
		return;
	}
	if (!again)
		say("PID 1 (%d) has no handler for %s, so the kernel would drop it: SIGKILL",
		    (int)pid, sig_name(sig));
	kill(pid, SIGKILL);
}

/* Wait for the namespace's init while the command runs. The stop signals
 * and SIGCHLD are blocked and taken with sigwaitinfo(), so a Ctrl-C that
 * comes just before we wait cannot slip past (as it could between a check
 * and a waitpid()). */
static int wait_ns(pid_t pid)
{
	sigset_t set, old;
	siginfo_t si;
	int wstatus, asked = 0;
	pid_t got;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (proc_stop_signal != 0) /* it came before we blocked */
		stop_ns(pid, proc_stop_signal, asked++);
	while ((got = waitpid(pid, &wstatus, WNOHANG)) == 0) {
		if (sigwaitinfo(&set, &si) == -1 || si.si_signo == SIGCHLD)
			continue;
		proc_stop_signal = si.si_signo;
		stop_ns(pid, si.si_signo, asked++);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (got == -1) {
		nsl_error(errno, "waitpid(%d)", (int)pid);
		return EXIT_FAIL;
	}
	return proc_status(wstatus);
}

int lesson_pid1(char **cmd, int use_init)
{
	struct pid1 p = { .cmd = cmd, .use_init = use_init };
	struct lesson l;
	pid_t pid;
	int ok, status;

	if (cmd == NULL)
		say("== PID 1: the first process of a new PID namespace");
	if (lesson_open(&l) == -1)
		return EXIT_FAIL;
	l.data = &p;
	pid = lesson_clone(&l, pid1_inside);
	if (pid == -1)
		return EXIT_FAIL;
	ok = lesson_await(&l) == 0;
	if (ok)
		show_child(pid);
	lesson_resume(&l);
	if (cmd == NULL)
		return lesson_end(&l, pid, ok);
	lesson_close(&l);
	status = wait_ns(pid);
	say("child %d exited with status %d", (int)pid, status);
	return status;
}

/* --unshare: the other way in. The demo itself asks for a new PID
 * namespace, which changes nothing for the demo but where its children
 * are born; its first child, the command, is PID 1 there
 * (pidns_unshare_fork()). The demo then waits, and can start nothing
 * more: once the command is gone, so is the namespace. */
int lesson_unshare(char **cmd)
{
	char mine[NS_ID_MAX] = "?", children[NS_ID_MAX] = "?";
	int go[2], status;
	pid_t pid;

	/* The command waits for "go", so that our line comes before its
	 * output; it reads EOF instead if we die. */
	if (sync_open(go) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return EXIT_FAIL;
	}
	fflush(stdout);
	fflush(stderr);
	pid = pidns_unshare_fork();
	if (pid == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		sync_close(go);
		return EXIT_FAIL;
	}
	if (pid == 0) {
		say_role("command");
		close(go[1]);
		if (proc_child_setup() == -1) {
			nsl_error(errno, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
			return EXIT_FAIL;
		}
		if (sync_wait(go[0]) == -1)
			return EXIT_FAIL;
		return proc_exec(cmd);
	}
	close(go[0]);
	ns_id(0, "pid", mine, sizeof(mine));
	ns_id(0, "pid_for_children", children, sizeof(children));
	say("unshare(CLONE_NEWPID), then fork() = %d: I stay in %s, my children go to %s; "
	    "\"%s\", the first, is PID 1 there", (int)pid, mine, children, cmd[0]);
	sync_post(go[1]);
	close(go[1]);
	status = wait_ns(pid);
	say("child %d exited with status %d", (int)pid, status);
	return status;
}
