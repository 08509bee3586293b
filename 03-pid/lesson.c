/* lesson.c - the turns every lesson of 03-pid takes; see lesson.h. */
#define _GNU_SOURCE
#include "lesson.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pidns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

static void close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* The ends only the host uses, and those only the inside uses. */
static void close_host_ends(struct lesson *l)
{
	close_fd(&l->up[0]);
	close_fd(&l->down[1]);
	close_fd(&l->chan[0]);
}

static void close_inside_ends(struct lesson *l)
{
	close_fd(&l->up[1]);
	close_fd(&l->down[0]);
	close_fd(&l->chan[1]);
}

int lesson_open(struct lesson *l)
{
	*l = (struct lesson){ .up = { -1, -1 }, .down = { -1, -1 }, .chan = { -1, -1 } };
	if (sync_open(l->up) == -1 || sync_open(l->down) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		goto fail;
	}
	if (pidns_channel(l->chan) == -1) {
		nsl_error(errno, "socketpair(AF_UNIX, SOCK_SEQPACKET) with SO_PASSCRED");
		goto fail;
	}
	return 0;
fail:
	close_host_ends(l);
	close_inside_ends(l);
	return -1;
}

pid_t lesson_clone(struct lesson *l, int (*fn)(void *))
{
	pid_t pid;

	/* LAB 03.1 clone: start FN as PID 1 of a new PID namespace
	 * level: 1
	 * minutes: 5
	 * checks: 03.1 03.2 03.3
	 * docs: docs/03-pid.md#what-you-will-see
	 * fail: the child did not start as PID 1 of a new PID namespace
	 * hint: pid_namespaces(7), its first paragraphs: the first process created in a new PID namespace is its PID 1; clone(2), "The flags mask"
	 * hint: the wrapper 01 and 02 start their children with (common/proc.h); the child runs fn(l)
	 * stub: (void)fn;
	 * stub: pid = -1;
	 * stub: errno = ENOSYS;
	 */
	pid = proc_clone(fn, l, CLONE_NEWPID);
	/* END LAB */
	if (pid == -1) {
		nsl_error(errno, "clone(CLONE_NEWPID|SIGCHLD)");
		close_host_ends(l);
		close_inside_ends(l);
		return -1;
	}
	say("clone(CLONE_NEWPID|SIGCHLD) = %d", (int)pid);
	close_inside_ends(l);
	/* The child waits for this before it speaks, so its lines follow ours.
	 * If the post fails, the child reads EOF at lesson_end() and quits. */
	sync_post(l->down[1]);
	return pid;
}

int lesson_await(struct lesson *l)
{
	return sync_wait(l->up[0]);
}

int lesson_resume(struct lesson *l)
{
	return sync_post(l->down[1]);
}

void lesson_close(struct lesson *l)
{
	close_host_ends(l);
}

int lesson_end(struct lesson *l, pid_t pid, int ok)
{
	int status;

	/* Cut short by Ctrl-C or SIGTERM: the namespace dies with its init,
	 * and SIGKILL from the host is the one signal an init cannot refuse. */
	if (proc_stop_signal != 0)
		kill(pid, SIGKILL);
	/* The inside waits on our pipes: closing them lets it finish. */
	close_host_ends(l);
	status = proc_wait(pid);
	if (status == -1) {
		nsl_error(errno, "waitpid(%d)", (int)pid);
		return EXIT_FAIL;
	}
	say_more("init %d exited with status %d", (int)pid, status);
	return ok && status == 0 ? EXIT_OK : EXIT_FAIL;
}

int lesson_inside(struct lesson *l, const char *role)
{
	say_role(role);
	if (proc_child_setup() == -1) {
		nsl_error(errno, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
		return -1;
	}
	close_host_ends(l);
	return sync_wait(l->down[0]);
}

int lesson_handover(struct lesson *l)
{
	if (sync_post(l->up[1]) == -1)
		return -1;
	return sync_wait(l->down[0]);
}

const char *nspid_text(pid_t pid, char *buf, size_t len)
{
	pid_t pids[PIDNS_MAX_LEVELS];
	int n = pidns_nspid(pid, pids, PIDNS_MAX_LEVELS);
	size_t used = 0;

	snprintf(buf, len, "?");
	for (int i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d",
					 i == 0 ? "" : " ", (int)pids[i]);
	return buf;
}

int stat_of(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], line[512], *p;
	int parent;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	/* "4246 (03-pid) Z 4244 ...": the name may hold spaces and
	 * parentheses, so the fields start after the last ')'. */
	if (p == NULL || (p = strrchr(line, ')')) == NULL ||
	    sscanf(p + 1, " %c %d", state, &parent) != 2) {
		errno = EPROTO;
		return -1;
	}
	*ppid = parent;
	return 0;
}

const char *sig_name(int sig)
{
	switch (sig) {
	case SIGHUP: return "SIGHUP";
	case SIGINT: return "SIGINT";
	case SIGKILL: return "SIGKILL";
	case SIGTERM: return "SIGTERM";
	case SIGQUIT: return "SIGQUIT";
	case SIGUSR1: return "SIGUSR1";
	case SIGUSR2: return "SIGUSR2";
	case SIGWINCH: return "SIGWINCH";
	default: return "a signal";
	}
}
