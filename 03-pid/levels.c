/* levels.c - lessons 4 and 6: where a pid lives. A process has a pid in
 * each namespace from its own up to the host's, and /proc numbers
 * processes as the namespace it was mounted in does.
 *
 * Read: pid_namespaces(7) ("Nesting PID namespaces", "/proc and PID
 * namespaces"), proc(5).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lesson.h"
#include "ns.h"
#include "pidns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* --- lesson 4: nesting --------------------------------------------------- */

struct nest {
	struct lesson *l;
	int go[2]; /* init -> inner: "I have said my clone() line" */
};

/* PID 1 of the inner namespace: 1 to itself, 2 to the init above it. */
static int inner_inside(void *arg)
{
	struct nest *n = arg;
	char id[NS_ID_MAX] = "?";

	say_role("inner");
	proc_child_setup();
	close(n->go[1]);
	if (sync_wait(n->go[0]) == -1)
		return EXIT_FAIL;
	ns_id(0, "pid", id, sizeof(id));
	say("getpid() = %d, getppid() = %d: PID 1 of %s", (int)getpid(),
	    (int)getppid(), id);
	if (pidns_send_self(n->l->chan[1]) == -1) {
		nsl_error(errno, "sendmsg(SCM_CREDENTIALS)");
		return EXIT_FAIL;
	}
	return lesson_handover(n->l) == -1 ? EXIT_FAIL : EXIT_OK;
}

static int nested_inside(void *arg)
{
	struct nest n = { .l = arg };
	char id[NS_ID_MAX] = "?";
	pid_t pid;

	if (lesson_inside(n.l, "init") == -1)
		return EXIT_FAIL;
	ns_id(0, "pid", id, sizeof(id));
	say("getpid() = %d in %s; now a namespace inside mine", (int)getpid(), id);
	if (sync_open(n.go) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return EXIT_FAIL;
	}
	/* PID namespaces nest: the new one is a child of ours, as ours is a
	 * child of the host's, up to 32 levels deep. Creating one takes
	 * CAP_SYS_ADMIN, which this root process still has. */
	pid = proc_clone(inner_inside, &n, CLONE_NEWPID);
	if (pid == -1) {
		nsl_error(errno, "clone(CLONE_NEWPID|SIGCHLD)");
		return EXIT_FAIL;
	}
	say("clone(CLONE_NEWPID|SIGCHLD) = %d", (int)pid);
	close(n.go[0]);
	sync_post(n.go[1]);
	close(n.go[1]);
	return proc_wait(pid) == 0 ? EXIT_OK : EXIT_FAIL;
}

int lesson_nested(void)
{
	char text[128], mine[NS_ID_MAX] = "?", outer[NS_ID_MAX] = "?", inner[NS_ID_MAX] = "?";
	pid_t pids[PIDNS_MAX_LEVELS], init, pid;
	struct lesson l;
	int n = 0;

	say("== nesting: a PID namespace inside a PID namespace");
	if (lesson_open(&l) == -1)
		return EXIT_FAIL;
	init = lesson_clone(&l, nested_inside);
	if (init == -1)
		return EXIT_FAIL;
	pid = pidns_recv_pid(l.chan[0]);
	if (pid == -1 || lesson_await(&l) == -1)
		return lesson_end(&l, init, 0);
	say_more("the inner PID 1 sent its pid as SCM_CREDENTIALS; the kernel made it %d, its pid here",
		 (int)pid);
	n = pidns_nspid(pid, pids, PIDNS_MAX_LEVELS);
	say("the inner PID 1 is %d here; /proc/%d/status has NSpid: %s: one process, %d pids",
	    (int)pid, (int)pid, nspid_text(pid, text, sizeof(text)), n);
	ns_id(0, "pid", mine, sizeof(mine));
	ns_id(init, "pid", outer, sizeof(outer));
	ns_id(pid, "pid", inner, sizeof(inner));
	say("one per namespace: mine %s, the outer %s, the inner %s", mine, outer, inner);
	lesson_resume(&l);
	return lesson_end(&l, init, n == 3);
}

/* --- lesson 6: why ps still shows the host's processes ------------------ */

/* Count the processes /proc lists, and those in our PID namespace. */
static void count_proc(int *total, int *here, char *list, size_t len)
{
	unsigned long mine = ns_inode(0, "pid");
	struct dirent *e;
	size_t used = 0;
	DIR *d;

	*total = *here = 0;
	list[0] = '\0';
	d = opendir("/proc");
	if (d == NULL) {
		nsl_error(errno, "opendir(\"/proc\")");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		(*total)++;
		if (ns_inode((pid_t)atoi(e->d_name), "pid") != mine)
			continue;
		(*here)++;
		if (used < len)
			used += (size_t)snprintf(list + used, len - used, "%s%s",
						 used == 0 ? "" : ", ", e->d_name);
	}
	closedir(d);
}

static int proc_inside(void *arg)
{
	char list[128], self[32] = "?", comm[64] = "?";
	int total, here;
	ssize_t n;
	pid_t other;
	FILE *f;

	if (lesson_inside(arg, "init") == -1)
		return EXIT_FAIL;
	fflush(stderr);
	other = fork(); /* a second process, so the namespace holds two */
	if (other == -1) {
		nsl_error(errno, "fork()");
		return EXIT_FAIL;
	}
	if (other == 0)
		for (;;)
			pause();
	count_proc(&total, &here, list, sizeof(list));
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	n = readlink("/proc/self", self, sizeof(self) - 1);
	self[n > 0 ? n : 1] = '\0';
	f = fopen("/proc/1/comm", "re");
	if (f != NULL && fgets(comm, sizeof(comm), f) != NULL)
		comm[strcspn(comm, "\n")] = '\0';
	if (f != NULL)
		fclose(f);
	say("/proc lists %d processes, all that ps would show", total);
	say("%d of them are in my namespace (/proc/N/ns/pid): %s, numbered as the host numbers them",
	    here, list);
	say("readlink(\"/proc/self\") = \"%s\", yet getpid() = %d", self, (int)getpid());
	say("/proc/1/comm is \"%s\": the host's PID 1, not me", comm);
	say("this /proc was mounted in the host's PID namespace and shows its pids");
	say("a /proc for this namespace needs a mount namespace to mount it in: 04-mount");
	return EXIT_OK;
}

int lesson_proc(void)
{
	struct lesson l;
	pid_t init;

	say("== why ps still shows the host's processes");
	if (lesson_open(&l) == -1)
		return EXIT_FAIL;
	init = lesson_clone(&l, proc_inside);
	if (init == -1)
		return EXIT_FAIL;
	return lesson_end(&l, init, 1);
}
