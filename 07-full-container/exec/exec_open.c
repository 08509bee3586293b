/* exec_open.c - exec's first steps, on the host: find the container
 * in the state directory, then open its namespaces (/proc/PID/ns/...)
 * while /proc is still ours - through a child of its init when the init
 * itself may not be looked into. See exec.c for the whole of exec.
 *
 * Read: setns(2), proc(5) (/proc/PID/ns, /proc/PID/task/TID/children),
 * ptrace(2) ("Ptrace access mode checking").
 */
#define _GNU_SOURCE
#include "exec_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../06-setns/join.h"
#include "fail.h"
#include "say.h"
#include "../state/state.h"

int exec_find_container(const char *target, struct state_rec *rec)
{
	char dir[PATH_MAX];

	if (state_find(target, rec) == 0)
		return 0;
	/* No such container: one line, no hint - the line says it all. */
	if (errno == ENOENT && state_path(dir, sizeof(dir)) == 0) {
		nsl_error(ENOENT, "exec: no running container \"%s\" in %s", target, dir);
		return -1;
	}
	nsl_error(errno, "%s", nsl_failed_call());
	if (nsl_failed_hint() != NULL)
		nsl_hint("%s", nsl_failed_hint());
	return -1;
}

/* The PPid of the process whose /proc directory is DIR, or -1. */
static pid_t ppid_at(int dir)
{
	char buf[1024], *p;
	ssize_t n;
	int fd = openat(dir, "status", O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nPPid:");
	return p == NULL ? -1 : (pid_t)strtol(p + 6, NULL, 10);
}

/* The init cannot be looked into: it is not dumpable (run's guard
 * against CVE-2019-5736), and then only a process with CAP_SYS_PTRACE in
 * the host's user namespace may open its /proc/PID/ns files - root, not a
 * rootless user. Its children exec'd inside (the command first) are
 * dumpable and in the very same namespaces: join through one of them. */
static int open_via_child(struct exec_ctx *x, int flags)
{
	char path[64], buf[512], *p, *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)x->rec.pid,
		 (int)x->rec.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (p = buf; *p != '\0'; p = end) {
		pid_t child = (pid_t)strtol(p, &end, 10);

		if (end == p)
			break;
		if (join_open(child, flags, &x->t) == -1)
			continue;
		/* The descriptor of /proc/CHILD pins that process: if it is
		 * still the init's child now, it was when we opened it. */
		if (ppid_at(x->t.piddir) == x->rec.pid) {
			say("init %d is not dumpable and only root may open its /proc/%d/ns; "
			    "joining through its child %d, in the same namespaces",
			    (int)x->rec.pid, (int)x->rec.pid, (int)child);
			return 0;
		}
		join_close(&x->t);
	}
	errno = EACCES;
	return -1;
}

/* A container run with --boottime or --monotonic: its init made a time
 * namespace for its children (timens.c) and stayed in the host's, so
 * the init's ns/time is not the command's; its ns/time_for_children is.
 * Join that one instead, as the command's own children would be born
 * there. (Opened through a child of the init, the two are the same, and
 * nothing changes.) 0, or -1 with errno. */
static int use_time_for_children(struct join_target *t, int *swapped)
{
	int i = join_type_index("time"), fd, saved;
	struct stat st;

	if (i < 0 || t->fd[i] == -1)
		return 0;
	fd = openat(t->piddir, "ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if ((unsigned long)st.st_ino == t->ino[i]) {
		close(fd);
		return 0;
	}
	say_more("time: the init's children are in time:[%lu], not its time:[%lu] "
		 "(--boottime/--monotonic): that one is joined", (unsigned long)st.st_ino,
		 t->ino[i]);
	close(t->fd[i]);
	t->fd[i] = fd;
	t->ino[i] = (unsigned long)st.st_ino;
	*swapped = 1;
	return 0;
}

/* Open every namespace of the container that is not ours already. A
 * namespace we share (the host's time namespace, say) is left out:
 * setns() into it would change nothing, yet it asks for CAP_SYS_ADMIN
 * over it, which a rootless joiner, inside the container's user
 * namespace by then, does not have. */
int exec_open_container(struct exec_ctx *x)
{
	char names[256], call[512];
	int flags, saved;

	if (join_types_of(x->rec.pid, &flags) == -1)
		goto fail;
	if (join_open(x->rec.pid, flags, &x->t) == -1) {
		saved = errno;
		snprintf(call, sizeof(call), "%s", nsl_failed_call());
		if ((saved != EACCES && saved != EPERM) || open_via_child(x, flags) == -1) {
			nsl_error(saved, "%s", call); /* the init's failure, not a child's */
			return -1;
		}
	}
	if (use_time_for_children(&x->t, &x->time_children) == -1) {
		nsl_error(errno, "open(\"/proc/%d/ns/time_for_children\")", (int)x->t.pid);
		return -1;
	}
	for (int i = 0; i < JOIN_NTYPES; i++)
		if ((x->t.asked & join_types[i].flag) && x->t.ino[i] == x->t.mine[i]) {
			x->t.mask &= ~join_types[i].flag;
			say_more("%s:[%lu]: the container's is ours, not joined", join_types[i].name,
				 x->t.ino[i]);
		}
	join_flag_names(x->t.mask, names, sizeof(names));
	say("exec into %s (init %d): joining %s", x->rec.name, (int)x->rec.pid, names);
	return 0;
fail:
	nsl_error(errno, "%s", nsl_failed_call());
	if (errno == ESRCH)
		nsl_hint("container %s has just exited", x->rec.name);
	return -1;
}
