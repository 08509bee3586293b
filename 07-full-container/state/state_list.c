/* state_list.c - the live records: state_find() for exec, state_list()
 * for ps and for run's sweep. A record is live while its lock is held
 * and its init is the holding runtime's child; one whose lock anyone can
 * take is stale, and whoever meets it removes it.
 *
 * Read: flock(2), readdir(3), proc(5) (/proc/PID/status: PPid, State).
 */
#define _GNU_SOURCE
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fail.h"
#include "proc.h"
#include "state_int.h"
#include "sweep.h"

/* What a reader found under a name. */
enum { REC_GONE, REC_LIVE, REC_STALE };

/* Look at record NAME: REC_LIVE (its lock is held; R holds it, unless R
 * is NULL: a sweep needs no more than the lock), REC_STALE
 * (its lock was free: it has been removed), REC_GONE (no such record).
 * A record replaced between our open and our lock (state_update())
 * looks stale but has another file under its name: look again. */
static int load_rec(int dirfd, const char *name, struct state_rec *r)
{
	if (r != NULL)
		memset(r, 0, sizeof(*r));
	for (int tries = 0; tries < 3; tries++) {
		int fd, ret;

		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd == -1)
			return errno == ENOENT ? REC_GONE
					       : nsl_fail("open(\"%s/%s\")",
							  state_dir_path, name);
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			ret = errno != EWOULDBLOCK
				      ? nsl_fail("flock(\"%s/%s\", LOCK_EX|LOCK_NB)",
						 state_dir_path, name)
				      : r != NULL ? state_read_rec(fd, name, r) : 0;
			close(fd);
			return ret == -1 ? -1 : REC_LIVE;
		}
		ret = state_unlink_locked(dirfd, name, fd);
		close(fd);
		if (ret != 0)
			return ret == 1 ? REC_STALE : -1;
	}
	errno = EAGAIN;
	return nsl_fail("record %s/%s keeps changing", state_dir_path, name);
}

/* Is the init of live record R still there? Its pid is 0 while the
 * runtime starts it. After that it must be the runtime's child, and not
 * a zombie (exited, its runtime about to reap it and remove the record):
 * a pid whose process has gone may be reused, and then names a stranger. */
static int init_running(const struct state_rec *r)
{
	char ppid[32], st[32];
	long long v;

	if (r->pid == 0)
		return 1;
	if (proc_status_field(r->pid, "PPid", ppid, sizeof(ppid)) == -1 ||
	    proc_status_field(r->pid, "State", st, sizeof(st)) == -1 ||
	    state_parse_num(ppid, INT_MAX, &v) == -1)
		return 0;
	return v == r->runtime && st[0] != 'Z' && st[0] != 'X';
}

int state_find(const char *target, struct state_rec *r)
{
	struct state_rec *all = NULL;
	const char *why;
	size_t n = 0;
	long long pid = 0;
	int dirfd, ret = REC_GONE, swept;

	if (state_path(state_dir_path, sizeof(state_dir_path)) == -1)
		return -1; /* not "no such container": say why */
	dirfd = state_open_dir(0);
	if (dirfd == -1)
		return errno == ENOENT ? nsl_fail("no container \"%s\"", target) : -1;
	if (state_check_name(target, &why) == 0)
		ret = load_rec(dirfd, target, r);
	close(dirfd);
	if (ret == -1)
		return -1;
	/* Not a name in use: a pid, as ps shows it? */
	if (ret != REC_LIVE && state_parse_num(target, INT_MAX, &pid) == 0) {
		if (state_list(&all, &n, &swept) == -1)
			return -1;
		for (size_t i = 0; i < n && ret != REC_LIVE; i++)
			if (all[i].pid == (pid_t)pid) {
				*r = all[i];
				ret = REC_LIVE;
			}
		free(all);
	}
	errno = ENOENT;
	if (ret != REC_LIVE)
		return nsl_fail("no container \"%s\" in %s", target, state_dir_path);
	errno = EAGAIN;
	if (r->pid == 0)
		return nsl_fail("container %s is starting: its init has no pid yet",
				r->name);
	errno = ESRCH;
	if (!init_running(r))
		return nsl_fail("container %s is exiting: its init %d is gone",
				r->name, (int)r->pid);
	return 0;
}

/* A temporary file whose creator died before it linked it. */
static void sweep_tmp(int dirfd, const char *name)
{
	pid_t pid;
	int fd;

	if (sweep_pid_in(name, TMP_PREFIX, &pid) == NULL || !sweep_run_gone(pid))
		return;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		state_unlink_locked(dirfd, name, fd);
	close(fd);
}

static int by_start(const void *a, const void *b)
{
	const struct state_rec *x = a, *y = b;

	if (x->started != y->started)
		return x->started < y->started ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Add R to the array *RECS of *N records. */
static int append(struct state_rec **recs, size_t *n, const struct state_rec *r)
{
	struct state_rec *more = realloc(*recs, (*n + 1) * sizeof(*more));

	if (more == NULL)
		return nsl_fail("realloc(%zu records)", *n + 1);
	more[(*n)++] = *r;
	*recs = more;
	return 0;
}

int state_list(struct state_rec **recs, size_t *n, int *swept)
{
	struct state_rec r;
	struct dirent *de;
	DIR *d;
	int dirfd, ret = 0;

	if (recs != NULL) {
		*recs = NULL;
		*n = 0;
	}
	*swept = 0;
	if (state_path(state_dir_path, sizeof(state_dir_path)) == -1)
		return -1;
	dirfd = state_open_dir(0);
	if (dirfd == -1)
		return errno == ENOENT ? 0 : -1; /* no directory: nothing runs */
	d = fdopendir(dirfd);
	if (d == NULL) {
		close(dirfd);
		return nsl_fail("fdopendir(\"%s\")", state_dir_path);
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		const char *why;
		int what;

		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
			sweep_tmp(dirfd, de->d_name);
		if (state_check_name(de->d_name, &why) == -1)
			continue; /* ".", "..", temporary files */
		/* A record we cannot read is skipped: one bad file must not
		 * hide the others. */
		what = load_rec(dirfd, de->d_name, recs != NULL ? &r : NULL);
		if (what == REC_STALE)
			(*swept)++;
		else if (recs != NULL && what == REC_LIVE && init_running(&r))
			ret = append(recs, n, &r);
	}
	closedir(d);
	if (ret == -1 && recs != NULL) {
		free(*recs);
		*recs = NULL;
		*n = 0;
		return -1;
	}
	if (recs != NULL && *n > 1)
		qsort(*recs, *n, sizeof(**recs), by_start);
	state_rmdir_if_empty();
	return 0;
}
