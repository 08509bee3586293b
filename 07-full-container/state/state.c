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
 *  - Every run also holds a shared lock on one more file there, ".runs"
 *    (state_hold()). One that can take it exclusively, for a moment, is
 *    the only run: only then is the directory worth sweeping, and a start
 *    with a thousand containers running never visits their records. The
 *    last run out removes the file with the directory.
 *  - Only whoever holds a record's lock unlinks it, and only after
 *    checking, under the lock, that the name still refers to the file it
 *    locked: a sweeper that took the lock of a stale file must not remove
 *    the new record that took its name in the meantime.
 *
 * The files, one idea each:
 *   state.c         the state directory (where, checked to be ours and
 *                   private, held by every run), container names
 *   state_lock.c    claim a name, update and remove its record: the
 *                   temporary file, the lock, link(2) and rename(2)
 *   state_format.c  a record's text: written, read back and checked
 *   state_list.c    the live records: state_find() and state_list(),
 *                   which remove the stale ones they meet
 * state_int.h declares what they share.
 *
 * Read: flock(2), link(2), rename(2), open(2) (O_NOFOLLOW, O_EXCL).
 */
#define _GNU_SOURCE
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"
#include "state_int.h"

#define STATE_ROOT_DIR "/run/nslab"

#define HINT_XDG "a rootless container is recorded in $XDG_RUNTIME_DIR/nslab: " \
	"set XDG_RUNTIME_DIR to a private directory of yours (mode 0700), " \
	"as a login session does (/run/user/$(id -u))"
#define HINT_DIR "the state directory must be a directory of yours, mode 0700, " \
	"not a symlink: if it is a leftover, remove it and nslab makes it again"

char state_dir_path[PATH_MAX]; /* the state directory last opened */

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
		return nsl_fail_hint(HINT_XDG, "XDG_RUNTIME_DIR is not set");
	}
	if (xdg[0] != '/') {
		errno = EINVAL;
		return nsl_fail_hint(HINT_XDG, "XDG_RUNTIME_DIR=\"%s\" is not an absolute path", xdg);
	}
	if ((size_t)snprintf(buf, len, "%s/nslab", xdg) >= len) {
		errno = ENAMETOOLONG;
		return nsl_fail("\"%s/nslab\"", xdg);
	}
	return 0;
}

/* The state directory, open, after checking it is ours and private: a
 * real directory (O_NOFOLLOW: not a symlink someone planted), owned by
 * us, mode 0700. Every later call goes through this descriptor, so a
 * directory renamed or replaced meanwhile cannot redirect them. With
 * CREATE 0, a missing directory is ENOENT: nothing is recorded. */
int state_open_dir(int create)
{
	struct stat st;
	int fd = -1;

	if (state_path(state_dir_path, sizeof(state_dir_path)) == -1)
		return -1;
	/* A state_remove() elsewhere may rmdir it between our mkdir and our
	 * open: make it again. */
	for (int tries = 0; tries < 5; tries++) {
		if (create && mkdir(state_dir_path, 0700) == -1 && errno != EEXIST)
			return nsl_fail_hint(errno == ENOENT ? HINT_XDG : NULL,
					     "mkdir(\"%s\", 0700)", state_dir_path);
		fd = open(state_dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd != -1 || errno != ENOENT || !create)
			break;
	}
	if (fd == -1)
		return nsl_fail_hint(errno == ENOENT ? NULL : HINT_DIR,
				     "open(\"%s\", O_DIRECTORY|O_NOFOLLOW)", state_dir_path);
	if (fstat(fd, &st) == -1) {
		nsl_fail("fstat(\"%s\")", state_dir_path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		close(fd);
		errno = EPERM;
		return nsl_fail_hint(HINT_DIR, "state directory %s: owner %u, mode %04o "
				     "(want owner %u, mode 0700)", state_dir_path,
				     (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
				     (unsigned)geteuid());
	}
	return fd;
}

/* The file every run holds (state_hold()). Not the directory itself:
 * --net veth takes an exclusive flock on that (run_net.c), which our own
 * shared one would refuse. No container name starts with '.'. */
#define HOLD_FILE ".runs"

/* HOLD_FILE, made if needed, open in the state directory DIRFD. */
static int open_hold(int dirfd)
{
	int fd = openat(dirfd, HOLD_FILE, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd == -1)
		nsl_fail("open(\"%s/" HOLD_FILE "\", O_CREAT)", state_dir_path);
	return fd;
}

int state_hold(int *holdfd, int *alone)
{
	struct stat held, named;
	int dirfd, fd = -1;

	/* The last run out removes the file and the directory (it does not
	 * while we hold the file): between our open and our lock, that may
	 * happen; then hold the new one. */
	for (int tries = 0; tries < 5; tries++) {
		dirfd = state_open_dir(1);
		if (dirfd == -1)
			return -1;
		fd = open_hold(dirfd);
		if (fd == -1) {
			close(dirfd);
			if (errno == ENOENT)
				continue; /* the directory went meanwhile */
			return -1;
		}
		*alone = flock(fd, LOCK_EX | LOCK_NB) == 0;
		/* From exclusive to shared at once, or shared after a wait
		 * while another run has it exclusive (the moment between its
		 * two calls): no sweep is done under it, nobody waits for one.
		 * The change is not atomic (flock(2)): a run starting in that
		 * moment may think itself alone too, and both sweep - which
		 * is safe, as every record is judged by its own lock. */
		if (flock(fd, LOCK_SH) == -1) {
			nsl_fail("flock(\"%s/" HOLD_FILE "\", LOCK_SH)", state_dir_path);
			close(fd);
			close(dirfd);
			return -1;
		}
		if (fstat(fd, &held) == 0 &&
		    fstatat(dirfd, HOLD_FILE, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
		    held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
			close(dirfd);
			break;
		}
		close(fd);
		close(dirfd);
		fd = -1;
	}
	if (fd == -1) {
		errno = EAGAIN;
		return nsl_fail("%s/" HOLD_FILE ": removed under us 5 times", state_dir_path);
	}
	*holdfd = fd;
	return 0;
}

void state_release(int holdfd)
{
	if (holdfd == -1)
		return;
	close(holdfd);
	if (state_path(state_dir_path, sizeof(state_dir_path)) == 0)
		state_rmdir_if_empty();
}

int state_dir(char *buf, size_t len)
{
	int fd = state_open_dir(1);

	if (fd == -1)
		return -1;
	close(fd);
	snprintf(buf, len, "%s", state_dir_path);
	return 0;
}

int state_check_name(const char *name, const char **why)
{
	size_t n = strlen(name);

	errno = EINVAL;
	if (n == 0 || n > STATE_NAME_MAX) {
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
		return nsl_fail("state_generate_name(%zu bytes)", len);
	}
	/* getrandom(2) never returns fewer than 256 bytes asked, once the
	 * kernel's pool is ready; it blocks until then. */
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return nsl_fail("getrandom(%zu bytes, 0)", sizeof(b));
	snprintf(buf, len, "nslab-%02x%02x%02x", b[0], b[1], b[2]);
	return 0;
}

/* Remove the state directory if it is empty and no run holds it.
 * Anything in it keeps it: rmdir(2) refuses (ENOTEMPTY), which is the
 * answer we want, and a state_create() that loses the directory this
 * way makes it again. */
void state_rmdir_if_empty(void)
{
	int dirfd = open(state_dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), fd;

	if (dirfd == -1)
		return;
	/* Not while a run holds HOLD_FILE (state_hold()): one that has not
	 * made its record yet would hold a directory nobody else sees. */
	fd = openat(dirfd, HOLD_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 ? errno == ENOENT : flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (fd != -1)
			unlinkat(dirfd, HOLD_FILE, 0);
		rmdir(state_dir_path);
	}
	if (fd != -1)
		close(fd);
	close(dirfd);
}
