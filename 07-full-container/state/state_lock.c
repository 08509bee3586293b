/* state_lock.c - claim a container's name, update and remove its
 * record, by the protocol state.c describes: the record is written under
 * a temporary name and locked before link(2) gives it its name (or
 * rename(2) replaces the old one), and only the holder of its lock
 * unlinks it, after checking the name is still its file.
 *
 * Read: flock(2), link(2), rename(2), open(2) (O_EXCL, O_NOFOLLOW),
 * dup(2) (dup3).
 */
#define _GNU_SOURCE
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fail.h"
#include "state_int.h"
#include "sweep.h"

/* create_once()'s answer when the directory vanished under it. */
#define LOST (-2)

#define HINT_EXIST "the name is in use: pick another with --name, or see " \
	"07-full-container ps"

/* 1 if FD and the entry NAME of DIRFD are the same file; 0 if NAME is
 * gone or is another file; -1 on failure. */
static int same_file(int dirfd, const char *name, int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) == -1)
		return nsl_fail("fstat(record %s)", name);
	if (fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		return nsl_fail("stat(\"%s/%s\")", state_dir_path, name);
	}
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* With FD's lock held: remove NAME if it is still FD's file. 1 if it
 * was removed, 0 if it had gone or been replaced, -1 on failure. */
int state_unlink_locked(int dirfd, const char *name, int fd)
{
	int same = same_file(dirfd, name, fd);

	if (same != 1)
		return same;
	if (unlinkat(dirfd, name, 0) == -1)
		return errno == ENOENT ? 0 : nsl_fail("unlink(\"%s/%s\")",
						      state_dir_path, name);
	return 1;
}

/* Write BUF to a new temporary file in DIRFD, locked, its name in TMP.
 * Returns its descriptor. ENOENT: the directory was removed under us. */
static int write_tmp(int dirfd, const char *buf, size_t len, char *tmp, size_t tlen)
{
	unsigned char r[3] = { 0, 0, 0 };
	size_t done = 0;
	ssize_t n;
	int fd;

	/* The pid in the name lets a sweeper tell a temporary file of a
	 * creator that died (sweep_run_gone()) from one being written. */
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) == -1)
		r[0] = (unsigned char)getpid();
	snprintf(tmp, tlen, "%s%d.%02x%02x%02x", TMP_PREFIX, (int)getpid(), r[0], r[1], r[2]);
	fd = openat(dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return nsl_fail("open(\"%s/%s\", O_CREAT|O_EXCL)", state_dir_path, tmp);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		nsl_fail("flock(\"%s/%s\", LOCK_EX|LOCK_NB)", state_dir_path, tmp);
		goto fail;
	}
	for (; done < len; done += (size_t)n) {
		n = write(fd, buf + done, len - done);
		if (n == -1) {
			nsl_fail("write(\"%s/%s\")", state_dir_path, tmp);
			goto fail;
		}
	}
	return fd;
fail:
	n = errno;
	unlinkat(dirfd, tmp, 0);
	close(fd);
	errno = (int)n;
	return -1;
}

/* The record NAME exists: take it if it is stale. 1: it was stale and
 * is removed (try the link again); 0: it is live; -1: failure. */
static int claim_stale(int dirfd, const char *name)
{
	struct state_rec old;
	int fd, ret;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 1 : nsl_fail("open(\"%s/%s\")",
						      state_dir_path, name);
	ret = 1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		/* Held: by its runtime, if that is alive. If it is gone, the
		 * holder is another nslab sweeping the record right now (ps),
		 * for an instant: wait for it. Every holder other than the
		 * runtime lets go soon, so this wait ends. */
		if (errno != EWOULDBLOCK || state_read_rec(fd, name, &old) == -1 ||
		    !sweep_run_gone(old.runtime))
			ret = 0;
		else if (flock(fd, LOCK_EX) == -1)
			ret = nsl_fail("flock(\"%s/%s\", LOCK_EX)", state_dir_path, name);
	}
	if (ret == 1 && state_unlink_locked(dirfd, name, fd) == -1)
		ret = -1;
	close(fd);
	return ret;
}

/* Link TMP to NAME, removing a stale NAME first. */
static int link_rec(int dirfd, const char *tmp, const char *name)
{
	for (int tries = 0; tries < 2; tries++) {
		int ret;

		if (linkat(dirfd, tmp, dirfd, name, 0) == 0)
			return 0;
		if (errno != EEXIST)
			return nsl_fail("link(\"%s/%s\", \"%s/%s\")", state_dir_path,
					tmp, state_dir_path, name);
		ret = claim_stale(dirfd, name);
		if (ret == -1)
			return -1;
		if (ret == 0)
			break;
	}
	errno = EEXIST;
	return nsl_fail_hint(HINT_EXIST, "link(\"%s/%s\"): container \"%s\" is running",
			     state_dir_path, name, name);
}

/* One attempt at state_create(). LOST: the directory was removed
 * (by a state_remove() that found it empty) before our file was in it. */
static int create_once(const struct state_rec *r, const char *buf, size_t len, int *lockfd)
{
	char tmp[64];
	int dirfd, fd, ret, saved;

	dirfd = state_open_dir(1);
	if (dirfd == -1)
		return -1;
	fd = write_tmp(dirfd, buf, len, tmp, sizeof(tmp));
	if (fd == -1) {
		ret = errno == ENOENT ? LOST : -1;
		close(dirfd);
		return ret;
	}
	ret = link_rec(dirfd, tmp, r->name);
	saved = errno;
	unlinkat(dirfd, tmp, 0);
	close(dirfd);
	if (ret == -1) {
		close(fd);
		errno = saved;
		return -1;
	}
	*lockfd = fd;
	return 0;
}

int state_create(const struct state_rec *r, int *lockfd)
{
	struct state_rec rec = *r;
	char buf[REC_MAX];
	const char *why;
	int len, ret = LOST;

	if (state_check_name(r->name, &why) == -1)
		return nsl_fail("container name \"%s\" (%s)", r->name, why);
	rec.runtime = getpid();
	if (rec.started == 0)
		rec.started = time(NULL);
	len = state_format_rec(&rec, buf, sizeof(buf));
	if (len == -1)
		return -1;
	for (int tries = 0; tries < 5 && ret == LOST; tries++)
		ret = create_once(&rec, buf, (size_t)len, lockfd);
	if (ret == LOST) {
		errno = ENOENT;
		return nsl_fail("state directory %s keeps vanishing", state_dir_path);
	}
	return ret;
}

int state_update(int lockfd, const struct state_rec *r)
{
	struct state_rec rec = *r;
	char buf[REC_MAX], tmp[64];
	int len, dirfd, fd, ret = -1;

	rec.runtime = getpid();
	if (rec.started == 0)
		rec.started = time(NULL);
	len = state_format_rec(&rec, buf, sizeof(buf));
	if (len == -1)
		return -1;
	dirfd = state_open_dir(0);
	if (dirfd == -1)
		return -1;
	if (same_file(dirfd, r->name, lockfd) != 1) {
		errno = ESTALE;
		nsl_fail("record \"%s/%s\" is no longer ours", state_dir_path, r->name);
		goto out;
	}
	fd = write_tmp(dirfd, buf, (size_t)len, tmp, sizeof(tmp));
	if (fd == -1)
		goto out;
	/* rename(2) replaces the name atomically: a reader opens the old
	 * record or the new one, each complete and locked. dup3() then puts
	 * the new lock where the caller's descriptor was, which closes the
	 * old one (and drops its lock: that file has no name any more). */
	if (renameat(dirfd, tmp, dirfd, r->name) == -1)
		nsl_fail("rename(\"%s/%s\", \"%s\")", state_dir_path, tmp, r->name);
	else if (dup3(fd, lockfd, O_CLOEXEC) == -1)
		nsl_fail("dup3(%d, %d, O_CLOEXEC)", fd, lockfd);
	else
		ret = 0;
	if (ret == -1)
		unlinkat(dirfd, tmp, 0);
	close(fd);
out:
	close(dirfd);
	return ret;
}

int state_remove(const char *name, int lockfd)
{
	int dirfd, ret = 0;

	dirfd = state_open_dir(0);
	if (dirfd == -1) {
		ret = -1;
	} else {
		/* Unlink first, unlock after: between the two nobody can take
		 * the name's lock, and the name is gone before the lock is. */
		if (state_unlink_locked(dirfd, name, lockfd) == -1)
			ret = -1;
		close(dirfd);
	}
	close(lockfd);
	if (dirfd != -1)
		state_rmdir_if_empty();
	return ret;
}
