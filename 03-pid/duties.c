/* duties.c - lessons 2 and 3: what the kernel asks of PID 1, and what it
 * does for it. It adopts the namespace's orphans and must reap them; it
 * gets only the signals it asked for; and when it dies, the namespace
 * dies with it.
 *
 * Read: pid_namespaces(7) ("The namespace init process", "Signals"),
 * wait(2) (WNOWAIT), kill(2), unix(7) (SCM_CREDENTIALS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lesson.h"
#include "pidns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* --- lesson 2: orphans ------------------------------------------------- */

/* The pipes of the three processes inside: init (1), middle (2) and the
 * middle's child (3), which is about to become an orphan. */
struct family {
	int hello[2];   /* orphan -> middle: "I have seen you as my parent" */
	int adopted[2]; /* init -> orphan: "your parent has been reaped" */
};

static int orphan(struct lesson *l, struct family *f)
{
	say_role("orphan");
	close(f->hello[0]);
	close(f->adopted[1]);
	say("getppid() = %d: my parent is the middle process", (int)getppid());
	/* Tell the host who we are: it learns our pid in its own numbering. */
	if (pidns_send_self(l->chan[1]) == -1)
		nsl_error(errno, "sendmsg(SCM_CREDENTIALS)");
	if (sync_post(f->hello[1]) == -1 || sync_wait(f->adopted[0]) == -1)
		return EXIT_FAIL;
	/* The middle process has exited: the kernel re-parented us to the
	 * child reaper of our namespace, its PID 1 (a prctl subreaper would
	 * come first; there is none here). */
	say("getppid() = %d: my parent is gone, the kernel made PID 1 my parent",
	    (int)getppid());
	return EXIT_OK;
}

/* The middle process forks the orphan-to-be and exits once the orphan
 * has seen it as its parent. */
static int middle(struct lesson *l, struct family *f)
{
	pid_t pid;

	say_role("middle");
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		nsl_error(errno, "fork()");
		return EXIT_FAIL;
	}
	if (pid == 0)
		return orphan(l, f);
	close(f->hello[1]);
	sync_wait(f->hello[0]);
	return EXIT_OK;
}

/* The orphan is ours now: wait until it has exited, let the host look at
 * the zombie it is until we reap it, then reap it. */
static int reap_orphan(struct lesson *l)
{
	siginfo_t si;
	int wstatus;
	pid_t pid;

	/* WNOWAIT: learn that the orphan has exited without reaping it. */
	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == -1) {
		nsl_error(errno, "waitid(P_ALL, WEXITED|WNOWAIT)");
		return EXIT_FAIL;
	}
	say("waitid(WNOWAIT): %d has exited; a zombie until its parent, me, reaps it",
	    (int)si.si_pid);
	if (lesson_handover(l) == -1)
		return EXIT_FAIL;
	pid = waitpid(-1, &wstatus, 0);
	if (pid == -1) {
		nsl_error(errno, "waitpid(-1)");
		return EXIT_FAIL;
	}
	say("waitpid(-1) = %d: reaped the orphan (status %d)", (int)pid, proc_status(wstatus));
	if (kill(si.si_pid, 0) == -1)
		say("kill(%d, 0): %s: nothing is left of it", (int)si.si_pid, strerror(errno));
	return lesson_handover(l) == -1 ? EXIT_FAIL : EXIT_OK;
}

/* PID 1: reap the middle, watch its child become ours, reap it too.
 *
 * The middle and the orphan are forks of this process, on a copy of its
 * stack, and they end by returning from this function, as the init does:
 * clone()'s own code then ends the process with the value returned. (They
 * could call _exit(), but AddressSanitizer, which does not know the stack
 * proc_clone() made, warns about any call that never returns on it.) */
static int orphans_inside(void *arg)
{
	struct lesson *l = arg;
	struct family f;
	int wstatus;
	pid_t mid;

	if (lesson_inside(l, "init") == -1)
		return EXIT_FAIL;
	if (sync_open(f.hello) == -1 || sync_open(f.adopted) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return EXIT_FAIL;
	}
	fflush(stderr);
	mid = fork();
	if (mid == -1) {
		nsl_error(errno, "fork()");
		return EXIT_FAIL;
	}
	if (mid == 0)
		return middle(l, &f);
	close(f.hello[0]);
	close(f.hello[1]);
	close(f.adopted[0]);
	if (waitpid(mid, &wstatus, 0) == -1) {
		nsl_error(errno, "waitpid(%d)", (int)mid);
		return EXIT_FAIL;
	}
	/* Reaped, so its exit is complete: its child has a new parent. */
	say("waitpid(%d): the middle process exited and is reaped; its child is an orphan",
	    (int)mid);
	sync_post(f.adopted[1]);
	close(f.adopted[1]);
	return reap_orphan(l);
}

int lesson_orphans(void)
{
	struct lesson l;
	pid_t init, host_pid, ppid;
	char state;
	int ok = 0;

	say("== orphans: PID 1 adopts them, and must reap them");
	if (lesson_open(&l) == -1)
		return EXIT_FAIL;
	init = lesson_clone(&l, orphans_inside);
	if (init == -1)
		return EXIT_FAIL;
	host_pid = pidns_recv_pid(l.chan[0]);
	if (host_pid == -1 || lesson_await(&l) == -1)
		goto out;
	say_more("the orphan sent its pid as SCM_CREDENTIALS; the kernel made it %d, its pid here",
		 (int)host_pid);
	/* The orphan as the host sees it: parent and state from our /proc. */
	if (stat_of(host_pid, &state, &ppid) == -1) {
		nsl_error(errno, "read(\"/proc/%d/stat\")", (int)host_pid);
		goto out;
	}
	say("/proc/%d/stat (the orphan, as the host numbers it): state %c%s, parent %d%s",
	    (int)host_pid, state, state == 'Z' ? " (zombie)" : "", (int)ppid,
	    ppid == init ? " (the init)" : "");
	if (lesson_resume(&l) == -1 || lesson_await(&l) == -1)
		goto out;
	if (stat_of(host_pid, &state, &ppid) == -1 && errno == ENOENT) {
		say("/proc/%d: gone: PID 1 reaped the orphan, no zombie is left", (int)host_pid);
		ok = 1;
	} else {
		say("/proc/%d: still there, state %c: nobody reaped it", (int)host_pid, state);
	}
	lesson_resume(&l);
out:
	return lesson_end(&l, init, ok);
}

/* --- lesson 3: signals ------------------------------------------------- */

/* Process 2: send PID 1 the two signals that end any other process, then
 * wait for a signal of our own. Only SIGKILL can end pause() here: this
 * process has no handlers, and no PR_SET_PDEATHSIG either, so nothing
 * but the namespace's death can take it away. */
static void worker(struct lesson *l, int sent)
{
	say_role("worker");
	if (pidns_send_self(l->chan[1]) == -1)
		nsl_error(errno, "sendmsg(SCM_CREDENTIALS)");
	if (kill(1, SIGTERM) == -1)
		nsl_error(errno, "kill(1, SIGTERM)");
	else if (kill(1, SIGKILL) == -1)
		nsl_error(errno, "kill(1, SIGKILL)");
	else
		say("kill(1, SIGTERM) = 0, kill(1, SIGKILL) = 0");
	sync_post(sent);
	close(sent);
	close(l->up[1]);
	close(l->down[0]);
	close(l->chan[1]);
	for (;;)
		pause();
}

static int signals_inside(void *arg)
{
	struct lesson *l = arg;
	int sent[2];
	pid_t pid;

	if (lesson_inside(l, "init") == -1)
		return EXIT_FAIL;
	/* The worker signals PID 1. Outside a new PID namespace (a clone()
	 * without CLONE_NEWPID, say) that would be the host's init: refuse. */
	if (getpid() != 1) {
		say("I am %d, not PID 1 of a new namespace: no signals to PID 1", (int)getpid());
		return EXIT_FAIL;
	}
	say("SIGTERM: %s (SigCgt and SigBlk in /proc/self/status)",
	    pidns_init_accepts(0, SIGTERM) == 1 ? "caught or blocked" : "no handler, not blocked");
	if (sync_open(sent) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return EXIT_FAIL;
	}
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		nsl_error(errno, "fork()");
		return EXIT_FAIL;
	}
	if (pid == 0) {
		close(sent[0]);
		worker(l, sent[1]);
	}
	close(sent[1]);
	/* Had either signal been delivered, we would be dead by now: a
	 * fatal signal is acted on before the sender's kill() returns. */
	if (sync_wait(sent[0]) == -1)
		return EXIT_FAIL;
	say("still here: a signal from inside reaches PID 1 only if it has a handler for it");
	if (lesson_handover(l) == -1)
		return EXIT_FAIL;
	say("still here: from the host too, only SIGKILL and SIGSTOP are forced on PID 1");
	/* Wait for the host's SIGKILL. If the host quits instead, we read
	 * EOF and return, and the worker dies with us. */
	lesson_handover(l);
	return EXIT_FAIL;
}

int lesson_signals(void)
{
	struct lesson l;
	pid_t init, worker_pid;
	int status, ok = 0;

	say("== signals: PID 1 gets only the signals it asked for, except SIGKILL from the host");
	if (lesson_open(&l) == -1)
		return EXIT_FAIL;
	init = lesson_clone(&l, signals_inside);
	if (init == -1)
		return EXIT_FAIL;
	worker_pid = pidns_recv_pid(l.chan[0]);
	if (worker_pid == -1 || lesson_await(&l) == -1)
		return lesson_end(&l, init, 0);
	say_more("the worker sent its pid as SCM_CREDENTIALS; the kernel made it %d, its pid here",
		 (int)worker_pid);
	if (kill(init, SIGTERM) == -1)
		nsl_error(errno, "kill(%d, SIGTERM)", (int)init);
	else
		say("kill(%d, SIGTERM) = 0", (int)init);
	if (lesson_resume(&l) == -1 || lesson_await(&l) == -1)
		return lesson_end(&l, init, 0);
	say("kill(%d, SIGKILL)", (int)init);
	kill(init, SIGKILL);
	status = proc_wait(init);
	say("waitpid(%d): status %d%s", (int)init, status,
	    status == 128 + SIGKILL ? ", killed by SIGKILL" : "");
	/* The init's exit waits until the kernel has killed and reaped every
	 * other process of the namespace, so the worker is gone by now. */
	if (kill(worker_pid, 0) == -1 && errno == ESRCH) {
		say("the worker (%d here): kill(%d, 0): %s: it died with its init",
		    (int)worker_pid, (int)worker_pid, strerror(ESRCH));
		ok = status == 128 + SIGKILL;
	} else {
		/* Never seen; but a demo leaves no process behind. */
		say("the worker (%d here) is still alive: SIGKILL", (int)worker_pid);
		kill(worker_pid, SIGKILL);
	}
	lesson_close(&l);
	return ok ? EXIT_OK : EXIT_FAIL;
}
