/* pitfall.c - lesson 5, with --pitfall: the unshare(CLONE_NEWPID) rule.
 * A process's pid never changes, so unshare(2) cannot move the caller into
 * a new PID namespace: it only decides where the caller's children go. The
 * first child is the new namespace's PID 1; when it exits the namespace
 * is dead, and every later fork() of the caller fails with ENOMEM.
 *
 * Read: unshare(2) (CLONE_NEWPID), pid_namespaces(7), namespaces(7)
 * (/proc/PID/ns/pid_for_children).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lesson.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* The first child after unshare(): PID 1 of the new namespace. It stays
 * until the helper has looked at it, then exits, and the namespace dies. */
static void first_child(int seen[2], int done[2])
{
	say_role("first");
	close(seen[0]);
	close(done[1]);
	say("getpid() = %d, getppid() = %d: the first child after unshare() is PID 1",
	    (int)getpid(), (int)getppid());
	sync_post(seen[1]);
	sync_wait(done[0]);
	_exit(EXIT_OK);
}

/* Show where the helper is and where its children go. */
static void show_pid_links(const char *when)
{
	char mine[NS_ID_MAX] = "?", children[NS_ID_MAX];

	ns_id(0, "pid", mine, sizeof(mine));
	if (ns_id(0, "pid_for_children", children, sizeof(children)) == -1)
		snprintf(children, sizeof(children), "unreadable (%s)", strerror(errno));
	say("%s: /proc/self/ns/pid is %s, pid_for_children is %s", when, mine, children);
}

/* Fork the first process after unshare(), look at our links while it
 * lives, then let it exit and reap it. */
static int meet_first_child(void)
{
	int seen[2], done[2];
	pid_t pid;

	if (sync_open(seen) == -1 || sync_open(done) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return -1;
	}
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		nsl_error(errno, "fork()");
		return -1;
	}
	if (pid == 0)
		first_child(seen, done);
	close(seen[1]);
	close(done[0]);
	sync_wait(seen[0]);
	show_pid_links("with PID 1 alive");
	close(done[1]);
	close(seen[0]);
	waitpid(pid, NULL, 0);
	say("waitpid(%d): that PID 1 has exited; now fork() once more:", (int)pid);
	return 0;
}

/* Finish even on Ctrl-C (the few steps of the helper never wait for
 * anyone outside): killed halfway, the helper would leave its PID 1, whose
 * parent it is, to the host's init to reap. */
static void block_stop_signals(void)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
}

/* Runs in a process of its own: after unshare() it can never fork again,
 * which would leave the demo unable to go on. _exit() everywhere: exit()
 * would run atexit handlers, and a sanitizer's leak check among them
 * clones a tracer, which fails here for the very reason this shows. */
static void helper(void)
{
	pid_t pid;
	int err;

	say_role("helper");
	proc_child_setup();
	block_stop_signals();
	if (unshare(CLONE_NEWPID) == -1) {
		nsl_error(errno, "unshare(CLONE_NEWPID)");
		_exit(EXIT_FAIL);
	}
	say("unshare(CLONE_NEWPID) = 0, and getpid() is still %d: the caller does not move",
	    (int)getpid());
	/* The kernel shows pid_for_children only once the new namespace has
	 * its init: until the first fork() it cannot be read. */
	show_pid_links("before fork()");
	if (meet_first_child() == -1)
		_exit(EXIT_FAIL);
	/* Its init is gone, so the namespace is dead: the kernel refuses to
	 * allocate a pid in it, and fork() fails with ENOMEM. */
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		_exit(EXIT_OK);
	if (pid == -1) {
		err = errno;
		/* The failure we came for: a report, not an error, so -q (errors
		 * only) keeps it quiet, but in the same words as any error. */
		if (err != ENOMEM || say_level > 0)
			nsl_error(err, "fork()");
		_exit(err == ENOMEM ? EXIT_OK : EXIT_FAIL);
	}
	say("fork() = %d: it should have failed", (int)pid);
	waitpid(pid, NULL, 0);
	_exit(EXIT_FAIL);
}

int lesson_pitfall(void)
{
	pid_t pid;
	int status;

	say("== the unshare(CLONE_NEWPID) rule, tried in a helper so this demo stays usable");
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		nsl_error(errno, "fork()");
		return EXIT_FAIL;
	}
	if (pid == 0)
		helper();
	status = proc_wait(pid);
	say("helper %d exited with status %d%s", (int)pid, status,
	    status == 0 ? ": the ENOMEM above is the lesson" : "");
	return status == 0 ? EXIT_OK : EXIT_FAIL;
}
