/* enter.c - the join, told step by step, and the command run inside.
 *
 * The order of events is the lesson: open everything first, then setns()
 * one namespace at a time (or all at once with a pidfd), then fork,
 * because a PID namespace takes only the children of whoever joins it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../01-uts/uts.h"
#include "../02-ipc/ipc.h"
#include "../04-mount/mnt.h"
#include "demo.h"
#include "fail.h"
#include "join.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

static int report_failure(void)
{
	nsl_error(errno, "%s", nsl_failed_call());
	return -1;
}

/* --threaded: a second thread that only exists. */
static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int start_thread(void)
{
	sigset_t all, old;
	pthread_t th;
	int err;

	/* The thread starts with our signal mask: with every signal blocked
	 * in it, a Ctrl-C still reaches the main thread, which waits for it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&th, NULL, idle_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		nsl_error(err, "pthread_create()");
		return -1;
	}
	pthread_detach(th);
	say("pthread_create() = 0 (--threaded): 2 threads now, sharing one root, "
	    "one cwd and one set of credentials");
	return 0;
}

/* Told after each join: the id before (saved at open time) and now. */
static void tell(const struct join_target *t, int i, void *arg)
{
	const int *by_pidfd = arg;
	const struct join_type *ty = &join_types[i < 0 ? 0 : i];
	char how[128] = "", now[NS_ID_MAX] = "?", kids[NS_ID_MAX] = "?", cwd[PATH_MAX] = "?";

	if (i < 0) {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			snprintf(cwd, sizeof(cwd), "(%s)", strerror(errno));
		say("fchdir + chroot(\".\") into /proc/%d/root, fchdir into /proc/%d/cwd: "
		    "paths resolve as the target sees them; my cwd is %s",
		    (int)t->pid, (int)t->pid, cwd);
		return;
	}
	if (!*by_pidfd)
		snprintf(how, sizeof(how), "setns(fd of /proc/%d/ns/%s, %s): ",
			 (int)t->pid, ty->name, ty->flag_name);
	join_my_id(t, ty->name, now, sizeof(now));
	if (ty->children != NULL) {
		join_my_id(t, ty->children, kids, sizeof(kids));
		say("%smine is still %s, but %s is %s: only children I fork "
		    "from now on are born there", how, now, ty->children, kids);
	} else if (ty->flag == CLONE_NEWUSER) {
		say("%s%s:[%lu] -> %s; my uid here is %d, with every capability "
		    "in this namespace", how, ty->name, t->mine[i], now, (int)geteuid());
	} else {
		say("%s%s:[%lu] -> %s%s", how, ty->name, t->mine[i], now,
		    ty->flag == CLONE_NEWNS ? "; the join moved my root and cwd to its root mount" : "");
	}
}

/* Open what the join needs, the pidfd way or the /proc way. */
static int open_target(const struct opts *o, pid_t pid, int flags, struct join_target *t)
{
	if (o->use_pidfd) {
		if (join_open_pidfd(pid, flags, t) == 0) {
			say("pidfd_open(%d, 0) = %d: a descriptor for the process itself, "
			    "not for a number that may be reused", (int)pid, t->pidfd);
			return 0;
		}
		if (errno != ENOSYS)
			return report_failure();
		say("pidfd_open(): %s: no pidfds before Linux 5.3; joining one "
		    "namespace at a time through /proc/%d/ns instead", strerror(errno), (int)pid);
	}
	if (join_open(pid, flags, t) == -1)
		return report_failure();
	return 0;
}

/* Say what was opened, what is skipped, and in which order the rest goes. */
static void tell_plan(const struct join_target *t)
{
	char files[128] = "", order[128] = "";
	size_t nf = 0, no = 0;
	int u = join_type_index("user");

	for (int i = 0; i < JOIN_NTYPES; i++) {
		if (t->fd[i] != -1)
			nf += (size_t)snprintf(files + nf, sizeof(files) - nf, "%s%s",
					       nf > 0 ? "," : "", join_types[i].name);
		if (t->mask & join_types[i].flag)
			no += (size_t)snprintf(order + no, sizeof(order) - no, "%s%s",
					       no > 0 ? ", " : "", join_types[i].name);
	}
	if (nf > 0 && t->root != -1)
		say("opened /proc/%d/ns/{%s}, root and cwd before any setns(): in "
		    "the target's mount namespace /proc is the target's, where pid "
		    "%d may be no one", (int)t->pid, files, (int)t->pid);
	else if (nf > 0)
		say("opened /proc/%d/ns/{%s} before any setns()", (int)t->pid, files);
	if ((t->asked & ~t->mask) & CLONE_NEWUSER)
		say("user: the target's is mine, user:[%lu]: not joined (setns would "
		    "refuse it with EINVAL)", t->mine[u]);
	say("order: user first when it is not mine (it brings the capabilities "
	    "the other joins need), mount last (it moves my root and cwd): %s",
	    no > 0 ? order : "nothing to join");
}

/* Join: with a pidfd in one call, falling back to one call per type. */
static int enter(struct join_target *t)
{
	char names[256];
	int by_pidfd = 1;

	if (t->pidfd != -1) {
		join_flag_names(t->mask, names, sizeof(names));
		if (join_enter_pidfd(t) == 0) {
			say("setns(%d, %s) = 0: one call, all or nothing, in the kernel's "
			    "own order", t->pidfd, names);
			for (int i = 0; i < JOIN_NTYPES; i++)
				if (t->mask & join_types[i].flag)
					tell(t, i, &by_pidfd);
			if (t->mask & CLONE_NEWNS)
				tell(t, -1, &by_pidfd);
			return 0;
		}
		/* EINVAL is also a real refusal (threads): ask the kernel. */
		if (errno != EINVAL || join_pidfd_works() != 0)
			return report_failure();
		say("setns(pidfd): %s: this kernel (before 5.8) takes no pidfd there; "
		    "joining one namespace at a time through /proc/%d/ns instead",
		    strerror(EINVAL), (int)t->pid);
		if (join_open_ns_files(t) == -1)
			return report_failure();
	}
	by_pidfd = 0;
	if (join_enter(t, tell, &by_pidfd) == -1)
		return report_failure();
	return 0;
}

/* The demo's child looks around: what it sees is the target's. */
static void show_inside(const struct target *tg, int joined)
{
	char name[HOST_NAME_MAX + 1] = "?", *table, *line, *save = NULL;
	size_t lines = 0;
	int id, procs = 0;

	if (joined & CLONE_NEWPID)
		say("getpid() = %d, getppid() = %d: born in the target's PID namespace, "
		    "where my parent has no pid", (int)getpid(), (int)getppid());
	uts_get_hostname(name, sizeof(name));
	say("uname(): hostname \"%s\"", name);
	id = ipc_msg_find(tg->key);
	if (id == -1)
		say("msgget(0x%08x, 0): %s%s", (unsigned)tg->key, strerror(errno),
		    joined & CLONE_NEWIPC ? "" : ": I did not join the target's IPC namespace");
	else
		say("msgget(0x%08x, 0) = %d: the target's queue is here", (unsigned)tg->key, id);
	table = mnt_table(0, &lines);
	if (table == NULL) {
		say("%s: %s", nsl_failed_call(), strerror(errno));
		return;
	}
	/* "36 25 0:32 / /proc rw,... - proc proc rw": the 5th field. */
	for (line = strtok_r(table, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *p = line;

		for (int f = 0; f < 4 && p != NULL; f++)
			p = strchr(p + 1, ' ');
		if (p != NULL && strncmp(p, " /proc ", 7) == 0) {
			procs++;
			say_more("mountinfo: %s", line);
		}
	}
	free(table);
	if ((joined & CLONE_NEWNS) && procs == 2)
		say("/proc/self/mountinfo: %zu mounts, 2 on /proc: the host's copy and, on "
		    "top, the target's own procfs", lines);
	else
		say("/proc/self/mountinfo: %zu mounts, %d on /proc%s", lines, procs,
		    joined & CLONE_NEWNS ? "" : ": my own mount namespace, not the target's");
}

struct child_arg {
	char **cmd;
	const struct target *tg;
	int joined;
	int go[2];
};

static int child_main(struct child_arg *c)
{
	say_role("child");
	if (proc_child_setup() == -1)
		return EXIT_FAIL;
	close(c->go[1]);
	if (sync_wait(c->go[0]) == -1)
		return EXIT_FAIL;
	if (c->tg != NULL)
		show_inside(c->tg, c->joined);
	return proc_exec(c->cmd);
}

/* Fork: the child is the first of us in the target's PID namespace. */
static int run_child(char **cmd, int joined, const struct target *tg)
{
	struct child_arg c = { .cmd = cmd, .tg = tg, .joined = joined };
	pid_t pid;
	int status;

	if (sync_open(c.go) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return EXIT_FAIL;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		nsl_error(errno, "fork()");
		sync_close(c.go);
		return EXIT_FAIL;
	}
	if (pid == 0)
		_exit(child_main(&c));
	close(c.go[0]);
	say("fork() = %d%s", (int)pid, (joined & CLONE_NEWPID)
		    ? ": my child is in the target's PID namespace; I am not" : "");
	sync_post(c.go[1]);
	close(c.go[1]);
	status = proc_wait(pid);
	say("child %d exited with status %d", (int)pid, status);
	return status;
}

/* The joiner: everything that moves happens here, once the host has
 * said its line about the fork (GO). */
static int joiner(const struct opts *o, struct join_target *t, char **cmd,
		  const struct target *tg, int go)
{
	int joined;

	if (sync_wait(go) == -1)
		return EXIT_FAIL;
	close(go);
	/* Our ids are read from our own /proc entry, not the host's. */
	if (join_open_self(t) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_FAIL;
	}
	if (o->threaded && start_thread() == -1)
		return EXIT_FAIL;
	if (enter(t) == -1)
		return EXIT_FAIL;
	joined = t->mask;
	join_close(t);
	return run_child(cmd, joined, tg);
}

/* Open in the host, join in a forked joiner. setns() moves its caller
 * (nsenter moves itself), and this process stays where it is: once in
 * the target's mount namespace, /proc may have no entry for the joiner
 * (/proc/self names nobody there), and tools that read it break - the
 * sanitizers' leak check at exit among them. The joiner ends with
 * _exit(), which runs no such check. */
int enter_and_run(const struct opts *o, pid_t pid, int flags, char **cmd,
		  const struct target *tg)
{
	struct join_target t;
	pid_t host = getpid(), j;
	int go[2], status;

	if (open_target(o, pid, flags, &t) == -1)
		return EXIT_FAIL;
	tell_plan(&t);
	if (sync_open(go) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		join_close(&t);
		return EXIT_FAIL;
	}
	fflush(stdout);
	fflush(stderr);
	j = fork();
	if (j == -1) {
		nsl_error(errno, "fork()");
		sync_close(go);
		join_close(&t);
		return EXIT_FAIL;
	}
	if (j == 0) {
		say_role("join");
		close(go[1]);
		/* Keep the stop-signal handlers (they pass a Ctrl-C on to the
		 * command); die with the host, as every nslab child does. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != host)
			_exit(EXIT_FAIL);
		_exit(joiner(o, &t, cmd, tg, go[0]));
	}
	/* The joiner has its own copies of the descriptors now. */
	join_close(&t);
	close(go[0]);
	say("fork() = %d: the joiner, which joins; I stay where I am", (int)j);
	sync_post(go[1]);
	close(go[1]);
	status = proc_wait(j);
	if (status == -1) {
		nsl_error(errno, "waitpid(%d)", (int)j);
		return EXIT_FAIL;
	}
	return status;
}
