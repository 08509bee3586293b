/* sweep.c - removing what killed runs left behind; see sweep.h. */
#define _GNU_SOURCE
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "say.h"
#include "syscalls.h"

/* Nine digits: every pid there can be (PID_MAX_LIMIT is 2^22), and no
 * overflow of an int. */
#define PID_DIGITS_MAX 9

const char *sweep_pid_in(const char *name, const char *prefix, pid_t *pid)
{
	size_t len = strlen(prefix);
	const char *p = name + len;
	long v = 0;
	int n = 0;

	if (strncmp(name, prefix, len) != 0 || *p < '1' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++n > PID_DIGITS_MAX)
			return NULL;
		v = v * 10 + (*p - '0');
	}
	*pid = (pid_t)v;
	return p;
}

/* The state letter of process PID in /proc/PID/stat ('R', 'S', 'Z', ...),
 * or '?'. It follows the command name in parentheses, which may itself
 * hold a ')': look for the last one. See proc(5). */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	if (paren == NULL || paren[1] != ' ')
		return '?';
	return paren[2];
}

int sweep_run_gone(pid_t pid)
{
	int fd;

	if (pid <= 0) /* kill(0) and kill(-N) name process groups */
		return 0;
	if (pid == getpid())
		return 1;
	/* A pidfd answers both questions in three cheap calls: it does not
	 * open for a pid nobody has (ESRCH), and it polls readable once the
	 * process has exited, zombie or not (pidfd_open(2)). Reading
	 * /proc/PID/stat costs several times more, and a run sweeps one
	 * object per running container. Before Linux 5.3 (ENOSYS), and for
	 * a pid that is not a process's main thread (EINVAL): kill() and
	 * /proc. */
	fd = pidfd_open(pid, 0);
	if (fd == -1 && errno == ESRCH)
		return 1;
	if (fd != -1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int exited = poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);

		close(fd);
		return exited;
	}
	if (kill(pid, 0) == -1)
		return errno == ESRCH;
	/* A zombie has exited and holds nothing but its pid, until its
	 * parent collects its status; a parent that never does (or is slow
	 * to: an orphan waits for init) must not keep its leftovers. */
	return proc_state(pid) == 'Z';
}

/* Empty the directory NAME in PARENT (called DIR in messages) of FILES,
 * then remove it. Only a real directory of the caller's own is touched:
 * in a shared /tmp anyone may make one of that name. O_NOFOLLOW and
 * fstat() of what was opened, rather than a stat() first, leave no gap
 * in which the name could be swapped for a symlink. */
static int remove_tmpdir(int parent, const char *dir, const char *name,
			 const char *const files[])
{
	struct stat st;
	int fd, ret = 0;

	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_uid != geteuid()) {
		close(fd);
		return -1;
	}
	for (int i = 0; files[i] != NULL; i++) {
		/* unlink() refuses a directory with EISDIR: then rmdir it. */
		if (unlinkat(fd, files[i], 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR || unlinkat(fd, files[i], AT_REMOVEDIR) == -1) {
			nsl_error(errno, "unlink(\"%s/%s/%s\")", dir, name, files[i]);
			ret = -1;
		}
	}
	close(fd);
	if (ret == 0 && unlinkat(parent, name, AT_REMOVEDIR) == -1) {
		int err = errno; /* printing may change errno */

		nsl_error(err, "rmdir(\"%s/%s\")", dir, name);
		if (err == ENOTEMPTY)
			nsl_hint("a run that is gone left it, but something else was put "
				 "there since: look inside, then remove it yourself");
		ret = -1;
	}
	return ret;
}

void sweep_tmpdirs(const char *dir, const char *prefix, const char *const files[])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	const char *rest;
	pid_t pid;

	if (d == NULL) {
		nsl_error(errno, "opendir(\"%s\")", dir);
		return;
	}
	/* Removing entries while reading the directory is allowed; whether
	 * readdir() still returns a removed one is unspecified, and a name
	 * that is gone fails openat() with ENOENT, quietly. */
	while ((e = readdir(d)) != NULL) {
		rest = sweep_pid_in(e->d_name, prefix, &pid);
		/* ".XXXXXX": mkdtemp's six characters, after a dot. */
		if (rest == NULL || rest[0] != '.' || strlen(rest) != 7 || !sweep_run_gone(pid))
			continue;
		if (remove_tmpdir(dirfd(d), dir, e->d_name, files) == 0)
			say("removed %s/%s, left by run %d, which is gone", dir, e->d_name, (int)pid);
	}
	closedir(d);
}
