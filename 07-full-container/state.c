/* state.c - the record of the running containers; see state.h.
 *
 * The protocol, in one place:
 *  - One file per container in the state directory, named after it.
 *  - The runtime holds flock(LOCK_EX) on its record for its whole life. A
 *    flock(2) lock belongs to the open file description and the kernel
 *    drops it when the last descriptor of it closes: when the runtime
 *    exits, however it exits, SIGKILL included. So a record whose lock
 *    anyone else can take (LOCK_EX|LOCK_NB succeeds) is stale.
 *  - A record appears complete and locked, never half written: it is
 *    written under a temporary name (".new.PID.RANDOM", which no container
 *    name can be), locked, then link(2)ed to its name. link() fails with
 *    EEXIST when the name is taken, which makes the claim atomic.
 *    state_update() replaces a record the same way, with rename(2).
 *  - Only whoever holds a record's lock unlinks it, and only after
 *    checking, under the lock, that the name still refers to the file it
 *    locked: a sweeper that took the lock of a stale file must not remove
 *    the new record that took its name in the meantime.
 *
 * Read: flock(2), link(2), rename(2), open(2) (O_NOFOLLOW, O_EXCL).
 */
#define _GNU_SOURCE
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"
#include "sweep.h"

#define STATE_ROOT_DIR "/run/nslab"
#define TMP_PREFIX ".new."   /* no container name starts with '.' */
#define REC_MAX 8192         /* a record: PATH_MAX of rootfs and change */

/* What a reader found under a name. */
enum { REC_GONE, REC_LIVE, REC_STALE };

/* create_once()'s answer when the directory vanished under it. */
#define LOST (-2)

#define HINT_XDG "a rootless container is recorded in $XDG_RUNTIME_DIR/nslab: " \
	"set XDG_RUNTIME_DIR to a private directory of yours (mode 0700), " \
	"as a login session does (/run/user/$(id -u))"
#define HINT_DIR "the state directory must be a directory of yours, mode 0700, " \
	"not a symlink: if it is a leftover, remove it and nslab makes it again"
#define HINT_EXIST "the name is in use: pick another with --name, or see " \
	"07-full-container ps"

static char failed_call[PATH_MAX + 128];
static const char *hint;
static char dir_path[PATH_MAX]; /* the state directory last opened */

static int fail(const char *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int read_rec(int fd, const char *name, struct state_rec *r);
static int format_rec(const struct state_rec *r, char *buf, size_t len);

const char *state_failed_call(void)
{
	return failed_call;
}

const char *state_hint(void)
{
	return hint;
}

static int fail(const char *h, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(failed_call, sizeof(failed_call), fmt, ap);
	va_end(ap);
	hint = h;
	errno = saved;
	return -1;
}

int state_path(char *buf, size_t len)
{
	const char *xdg;

	/* Root's containers are the system's: /run is root's, and only root
	 * writes there. Anyone else keeps them in the private runtime
	 * directory a login session gives each user. Never a path in /tmp,
	 * where anyone could have made the directory first. */
	if (geteuid() == 0) {
		snprintf(buf, len, "%s", STATE_ROOT_DIR);
		return 0;
	}
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg == NULL || xdg[0] == '\0') {
		errno = ENOENT;
		return fail(HINT_XDG, "XDG_RUNTIME_DIR is not set");
	}
	if (xdg[0] != '/') {
		errno = EINVAL;
		return fail(HINT_XDG, "XDG_RUNTIME_DIR=\"%s\" is not an absolute path", xdg);
	}
	if ((size_t)snprintf(buf, len, "%s/nslab", xdg) >= len) {
		errno = ENAMETOOLONG;
		return fail(NULL, "\"%s/nslab\"", xdg);
	}
	return 0;
}

/* The state directory, open, after checking it is ours and private: a
 * real directory (O_NOFOLLOW: not a symlink someone planted), owned by
 * us, mode 0700. Every later call goes through this descriptor, so a
 * directory renamed or replaced meanwhile cannot redirect them. With
 * CREATE 0, a missing directory is ENOENT: nothing is recorded. */
static int open_dir(int create)
{
	struct stat st;
	int fd = -1;

	if (state_path(dir_path, sizeof(dir_path)) == -1)
		return -1;
	/* A state_remove() elsewhere may rmdir it between our mkdir and our
	 * open: make it again. */
	for (int tries = 0; tries < 5; tries++) {
		if (create && mkdir(dir_path, 0700) == -1 && errno != EEXIST)
			return fail(errno == ENOENT ? HINT_XDG : NULL,
				    "mkdir(\"%s\", 0700)", dir_path);
		fd = open(dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd != -1 || errno != ENOENT || !create)
			break;
	}
	if (fd == -1)
		return fail(errno == ENOENT ? NULL : HINT_DIR,
			    "open(\"%s\", O_DIRECTORY|O_NOFOLLOW)", dir_path);
	if (fstat(fd, &st) == -1) {
		fail(NULL, "fstat(\"%s\")", dir_path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		close(fd);
		errno = EPERM;
		return fail(HINT_DIR, "state directory %s: owner %u, mode %04o "
			    "(want owner %u, mode 0700)", dir_path, (unsigned)st.st_uid,
			    (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
	}
	return fd;
}

int state_dir(char *buf, size_t len)
{
	int fd = open_dir(1);

	if (fd == -1)
		return -1;
	close(fd);
	snprintf(buf, len, "%s", dir_path);
	return 0;
}

int state_check_name(const char *name, const char **why)
{
	size_t n = strlen(name);

	errno = EINVAL;
	if (n == 0 || n > CTR_NAME_MAX) {
		*why = "a name is 1 to 64 bytes long";
		return -1;
	}
	if (name[0] == '.' || name[0] == '-') {
		*why = "a name may not start with '.' or '-'";
		return -1;
	}
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_.-") != n) {
		*why = "a name may hold only letters, digits, '_', '.' and '-'";
		return -1;
	}
	errno = 0;
	return 0;
}

int state_generate_name(char *buf, size_t len)
{
	unsigned char b[3];

	if (len < sizeof("nslab-123456")) {
		errno = ERANGE;
		return fail(NULL, "state_generate_name(%zu bytes)", len);
	}
	/* getrandom(2) never returns fewer than 256 bytes asked, once the
	 * kernel's pool is ready; it blocks until then. */
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return fail(NULL, "getrandom(%zu bytes, 0)", sizeof(b));
	snprintf(buf, len, "nslab-%02x%02x%02x", b[0], b[1], b[2]);
	return 0;
}

/* 1 if FD and the entry NAME of DIRFD are the same file; 0 if NAME is
 * gone or is another file; -1 on failure. */
static int same_file(int dirfd, const char *name, int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) == -1)
		return fail(NULL, "fstat(record %s)", name);
	if (fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		return fail(NULL, "stat(\"%s/%s\")", dir_path, name);
	}
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* With FD's lock held: remove NAME if it is still FD's file. 1 if it
 * was removed, 0 if it had gone or been replaced, -1 on failure. */
static int unlink_locked(int dirfd, const char *name, int fd)
{
	int same = same_file(dirfd, name, fd);

	if (same != 1)
		return same;
	if (unlinkat(dirfd, name, 0) == -1)
		return errno == ENOENT ? 0 : fail(NULL, "unlink(\"%s/%s\")", dir_path, name);
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
		return fail(NULL, "open(\"%s/%s\", O_CREAT|O_EXCL)", dir_path, tmp);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		fail(NULL, "flock(\"%s/%s\", LOCK_EX|LOCK_NB)", dir_path, tmp);
		goto fail;
	}
	for (; done < len; done += (size_t)n) {
		n = write(fd, buf + done, len - done);
		if (n == -1) {
			fail(NULL, "write(\"%s/%s\")", dir_path, tmp);
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
		return errno == ENOENT ? 1 : fail(NULL, "open(\"%s/%s\")", dir_path, name);
	ret = 1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		/* Held: by its runtime, if that is alive. If it is gone, the
		 * holder is another nslab sweeping the record right now (ps),
		 * for an instant: wait for it. Every holder other than the
		 * runtime lets go soon, so this wait ends. */
		if (errno != EWOULDBLOCK || read_rec(fd, name, &old) == -1 ||
		    !sweep_run_gone(old.runtime))
			ret = 0;
		else if (flock(fd, LOCK_EX) == -1)
			ret = fail(NULL, "flock(\"%s/%s\", LOCK_EX)", dir_path, name);
	}
	if (ret == 1 && unlink_locked(dirfd, name, fd) == -1)
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
			return fail(NULL, "link(\"%s/%s\", \"%s/%s\")", dir_path, tmp,
				    dir_path, name);
		ret = claim_stale(dirfd, name);
		if (ret == -1)
			return -1;
		if (ret == 0)
			break;
	}
	errno = EEXIST;
	return fail(HINT_EXIST, "link(\"%s/%s\"): container \"%s\" is running",
		    dir_path, name, name);
}

/* One attempt at state_create(). LOST: the directory was removed
 * (by a state_remove() that found it empty) before our file was in it. */
static int create_once(const struct state_rec *r, const char *buf, size_t len, int *lockfd)
{
	char tmp[64];
	int dirfd, fd, ret, saved;

	dirfd = open_dir(1);
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
		return fail(NULL, "container name \"%s\" (%s)", r->name, why);
	rec.runtime = getpid();
	if (rec.started == 0)
		rec.started = time(NULL);
	len = format_rec(&rec, buf, sizeof(buf));
	if (len == -1)
		return -1;
	for (int tries = 0; tries < 5 && ret == LOST; tries++)
		ret = create_once(&rec, buf, (size_t)len, lockfd);
	if (ret == LOST) {
		errno = ENOENT;
		return fail(NULL, "state directory %s keeps vanishing", dir_path);
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
	len = format_rec(&rec, buf, sizeof(buf));
	if (len == -1)
		return -1;
	dirfd = open_dir(0);
	if (dirfd == -1)
		return -1;
	if (same_file(dirfd, r->name, lockfd) != 1) {
		errno = ESTALE;
		fail(NULL, "record \"%s/%s\" is no longer ours", dir_path, r->name);
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
		fail(NULL, "rename(\"%s/%s\", \"%s\")", dir_path, tmp, r->name);
	else if (dup3(fd, lockfd, O_CLOEXEC) == -1)
		fail(NULL, "dup3(%d, %d, O_CLOEXEC)", fd, lockfd);
	else
		ret = 0;
	if (ret == -1)
		unlinkat(dirfd, tmp, 0);
	close(fd);
out:
	close(dirfd);
	return ret;
}

/* Remove the state directory if it is empty. Anything in it keeps it:
 * rmdir(2) refuses (ENOTEMPTY), which is the answer we want, and a
 * state_create() that loses the directory this way makes it again. */
static void rmdir_if_empty(void)
{
	rmdir(dir_path);
}

int state_remove(const char *name, int lockfd)
{
	int dirfd, ret = 0;

	dirfd = open_dir(0);
	if (dirfd == -1) {
		ret = -1;
	} else {
		/* Unlink first, unlock after: between the two nobody can take
		 * the name's lock, and the name is gone before the lock is. */
		if (unlink_locked(dirfd, name, lockfd) == -1)
			ret = -1;
		close(dirfd);
	}
	close(lockfd);
	if (dirfd != -1)
		rmdir_if_empty();
	return ret;
}

/* The record format: one "key value" line per field, in this order, and
 * nothing else. A reader takes nothing it does not understand.
 *     name web
 *     pid 4243
 *     runtime 4242
 *     started 1718000000
 *     userns 1
 *     rootfs /work/main/rootfs
 *     cmd /bin/sh -c read x
 */
static const char *const keys[] = { "name", "pid", "runtime", "started",
				    "userns", "rootfs", "cmd" };
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static int format_rec(const struct state_rec *r, char *buf, size_t len)
{
	char cmd[sizeof(r->cmd)];
	int n;

	/* A newline would end the line early: the command is for showing,
	 * so its control characters become '?'; a rootfs path that holds
	 * one is refused. */
	snprintf(cmd, sizeof(cmd), "%s", r->cmd);
	for (char *c = cmd; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (r->rootfs[0] != '/' || strchr(r->rootfs, '\n') != NULL) {
		errno = EINVAL;
		return fail(NULL, "state record for \"%s\": rootfs \"%s\" is not an "
			    "absolute path on one line", r->name, r->rootfs);
	}
	n = snprintf(buf, len, "name %s\npid %d\nruntime %d\nstarted %lld\nuserns %d\n"
		     "rootfs %s\ncmd %s\n", r->name, (int)r->pid, (int)r->runtime,
		     (long long)r->started, r->userns ? 1 : 0, r->rootfs, cmd);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return fail(NULL, "state record for \"%s\": too long", r->name);
	}
	return n;
}

/* A decimal number with no sign, blank or leading zero, up to MAX. */
static int parse_num(const char *s, long long max, long long *v)
{
	char *end;

	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' || *v > max ? -1 : 0;
}

/* Field I of R from its text VAL. */
static int set_field(struct state_rec *r, size_t i, const char *val)
{
	const char *why;
	long long v = 0;

	switch (i) {
	case 0:
		if (state_check_name(val, &why) == -1)
			return -1;
		snprintf(r->name, sizeof(r->name), "%s", val);
		return 0;
	case 5:
		if (val[0] != '/' || strlen(val) >= sizeof(r->rootfs))
			return -1;
		snprintf(r->rootfs, sizeof(r->rootfs), "%s", val);
		return 0;
	case 6:
		if (strlen(val) >= sizeof(r->cmd))
			return -1;
		snprintf(r->cmd, sizeof(r->cmd), "%s", val);
		return 0;
	default:
		break;
	}
	/* pid may be 0 (not started yet); runtime may not; userns is 0 or 1. */
	if (parse_num(val, i == 3 ? LLONG_MAX : i == 4 ? 1 : INT_MAX, &v) == -1 ||
	    (i == 2 && v == 0))
		return -1;
	if (i == 1)
		r->pid = (pid_t)v;
	else if (i == 2)
		r->runtime = (pid_t)v;
	else if (i == 3)
		r->started = (time_t)v;
	else
		r->userns = (int)v;
	return 0;
}

static int parse_rec(char *buf, const char *name, struct state_rec *r)
{
	char *line = buf;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < NKEYS; i++) {
		size_t k = strlen(keys[i]);
		char *nl = strchr(line, '\n');

		errno = EINVAL;
		if (nl == NULL || strncmp(line, keys[i], k) != 0 || line[k] != ' ')
			return fail(NULL, "record %s/%s: line %zu is not \"%s VALUE\"",
				    dir_path, name, i + 1, keys[i]);
		*nl = '\0';
		if (set_field(r, i, line + k + 1) == -1) {
			errno = EINVAL;
			return fail(NULL, "record %s/%s: bad %s \"%s\"", dir_path, name,
				    keys[i], line + k + 1);
		}
		line = nl + 1;
	}
	errno = EINVAL;
	if (*line != '\0' || strcmp(r->name, name) != 0)
		return fail(NULL, "record %s/%s: %s", dir_path, name, *line != '\0'
			    ? "more than the 7 lines of a record" : "the name inside differs");
	return 0;
}

/* Read the record open on FD, a regular file of ours, into R. */
static int read_rec(int fd, const char *name, struct state_rec *r)
{
	char buf[REC_MAX];
	struct stat st;
	size_t got = 0;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return fail(NULL, "fstat(\"%s/%s\")", dir_path, name);
	errno = EINVAL;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
		return fail(NULL, "record %s/%s: not a regular file of ours", dir_path, name);
	while (got < sizeof(buf) - 1) {
		n = pread(fd, buf + got, sizeof(buf) - 1 - got, (off_t)got);
		if (n == -1)
			return fail(NULL, "read(\"%s/%s\")", dir_path, name);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	errno = EINVAL;
	if (got == sizeof(buf) - 1 || memchr(buf, '\0', got) != NULL)
		return fail(NULL, "record %s/%s: not a record", dir_path, name);
	return parse_rec(buf, name, r);
}

/* Look at record NAME: REC_LIVE (its lock is held; R holds it), REC_STALE
 * (its lock was free: it has been removed), REC_GONE (no such record).
 * A record replaced between our open and our lock (state_update())
 * looks stale but has another file under its name: look again. */
static int load_rec(int dirfd, const char *name, struct state_rec *r)
{
	memset(r, 0, sizeof(*r));
	for (int tries = 0; tries < 3; tries++) {
		int fd, ret;

		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd == -1)
			return errno == ENOENT ? REC_GONE
					       : fail(NULL, "open(\"%s/%s\")", dir_path, name);
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			ret = errno != EWOULDBLOCK
				      ? fail(NULL, "flock(\"%s/%s\", LOCK_EX|LOCK_NB)", dir_path, name)
				      : read_rec(fd, name, r);
			close(fd);
			return ret == -1 ? -1 : REC_LIVE;
		}
		ret = unlink_locked(dirfd, name, fd);
		close(fd);
		if (ret != 0)
			return ret == 1 ? REC_STALE : -1;
	}
	errno = EAGAIN;
	return fail(NULL, "record %s/%s keeps changing", dir_path, name);
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
	    parse_num(ppid, INT_MAX, &v) == -1)
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

	if (state_path(dir_path, sizeof(dir_path)) == -1)
		return -1; /* not "no such container": say why */
	dirfd = open_dir(0);
	if (dirfd == -1)
		return errno == ENOENT ? fail(NULL, "no container \"%s\"", target) : -1;
	if (state_check_name(target, &why) == 0)
		ret = load_rec(dirfd, target, r);
	close(dirfd);
	if (ret == -1)
		return -1;
	/* Not a name in use: a pid, as ps shows it? */
	if (ret != REC_LIVE && parse_num(target, INT_MAX, &pid) == 0) {
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
		return fail(NULL, "no container \"%s\" in %s", target, dir_path);
	errno = EAGAIN;
	if (r->pid == 0)
		return fail(NULL, "container %s is starting: its init has no pid yet", r->name);
	errno = ESRCH;
	if (!init_running(r))
		return fail(NULL, "container %s is exiting: its init %d is gone", r->name,
			    (int)r->pid);
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
		unlink_locked(dirfd, name, fd);
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
		return fail(NULL, "realloc(%zu records)", *n + 1);
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

	*recs = NULL;
	*n = 0;
	*swept = 0;
	if (state_path(dir_path, sizeof(dir_path)) == -1)
		return -1;
	dirfd = open_dir(0);
	if (dirfd == -1)
		return errno == ENOENT ? 0 : -1; /* no directory: nothing runs */
	d = fdopendir(dirfd);
	if (d == NULL) {
		close(dirfd);
		return fail(NULL, "fdopendir(\"%s\")", dir_path);
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
		what = load_rec(dirfd, de->d_name, &r);
		if (what == REC_STALE)
			(*swept)++;
		else if (what == REC_LIVE && init_running(&r))
			ret = append(recs, n, &r);
	}
	closedir(d);
	if (ret == -1) {
		free(*recs);
		*recs = NULL;
		*n = 0;
		return -1;
	}
	if (*n > 1)
		qsort(*recs, *n, sizeof(**recs), by_start);
	rmdir_if_empty();
	return 0;
}
