/* record.c - the mount namespace piece, part three: the record of the
 * mount points a run makes in a rootfs; see mnt.h.
 *
 * The record is a list of paths under the rootfs, each a type ('d' for a
 * directory, 'f' for a file) and the path, ended by '\0' - a path may
 * hold any byte but '\0', even a newline. A path goes in before it is
 * made, in the order made: parents first. Undoing walks the list from
 * the end, so children go before their parents.
 */
#define _GNU_SOURCE
#include "mnt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"

void mnt_record_init(struct mnt_record *r, const char *rootfs, pid_t pid)
{
	*r = (struct mnt_record){ .rootfs = rootfs, .pid = pid, .fd = -1 };
}

static int record_create(struct mnt_record *r)
{
	char name[sizeof(r->name)], path[PATH_MAX + 32];

	snprintf(name, sizeof(name), MNT_RECORD_PREFIX "%d", (int)r->pid);
	snprintf(path, sizeof(path), "%s/%s", r->rootfs, name);
	/* O_EXCL: never append to, and later undo, a record not ours. */
	r->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (r->fd == -1)
		return nsl_fail("open(\"%s\", O_WRONLY|O_CREAT|O_EXCL|O_APPEND)", path);
	memcpy(r->name, name, sizeof(name));
	return 0;
}

int mnt_record_add(struct mnt_record *r, int is_dir, const char *rel)
{
	char entry[PATH_MAX + 2];
	size_t len = strlen(rel);
	ssize_t n;

	if (r->fd == -1 && record_create(r) == -1)
		return -1;
	entry[0] = is_dir ? 'd' : 'f';
	memcpy(entry + 1, rel, len + 1); /* rel comes from a PATH_MAX buffer */
	/* One write(2) for the whole entry. Once it returns, the bytes are
	 * the kernel's: a SIGKILL after this loses nothing. One cut short
	 * has no '\0' at its end, and mnt_record_undo() ignores it. */
	n = write(r->fd, entry, len + 2);
	if (n != -1 && n != (ssize_t)(len + 2))
		errno = EIO; /* a full disk, say: the entry is not whole */
	if (n != (ssize_t)(len + 2))
		return nsl_fail("write(\"%s/%s\", \"%s\")", r->rootfs, r->name, rel);
	return 0;
}

void mnt_record_close(struct mnt_record *r)
{
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
}

/* The whole record NAME, read into a malloc()ed buffer; *LEN gets the
 * length up to its last '\0', so an entry cut short is left out. */
static char *read_record(const char *rootfs, int rootfd, const char *name, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;
	int fd;

	fd = openat(rootfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		nsl_fail("open(\"%s/%s\")", rootfs, name);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL || (n = read(fd, buf, (size_t)st.st_size)) != st.st_size) {
		if (n != -1)
			errno = EIO; /* it changed under us: no partial undo */
		nsl_fail("read(\"%s/%s\")", rootfs, name);
		free(buf);
		buf = NULL;
		goto out;
	}
	while (n > 0 && buf[n - 1] != '\0')
		n--;
	*len = (size_t)n;
out:
	if (fd != -1)
		close(fd);
	return buf;
}

/* Remove LEAF from the directory PFD, the way the record says it was
 * made: a directory with rmdir (only when empty), an empty regular file
 * with unlink. Returns 1 if removed, 0 if not there, -1 with errno. */
static int remove_leaf(int pfd, const char *leaf, int is_dir)
{
	struct stat st;

	if (is_dir) {
		if (unlinkat(pfd, leaf, AT_REMOVEDIR) == 0)
			return 1;
		return errno == ENOENT ? 0 : -1;
	}
	if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISREG(st.st_mode) || st.st_size != 0) {
		errno = ENOTEMPTY; /* not the empty file that was made */
		return -1;
	}
	return unlinkat(pfd, leaf, 0) == 0 ? 1 : -1;
}

/* Undo one ENTRY ("dPATH" or "fPATH"). The parent is opened beneath the
 * rootfs, so a record cannot lead the removal outside it. */
static int undo_entry(const char *rootfs, int rootfd, char *entry)
{
	char *rel = entry + 1, *slash = strrchr(rel, '/');
	const char *leaf = slash != NULL ? slash + 1 : rel;
	int pfd, ret;

	if ((entry[0] != 'd' && entry[0] != 'f') || strcmp(leaf, "") == 0 ||
	    strcmp(leaf, ".") == 0 || strcmp(leaf, "..") == 0) {
		errno = EINVAL;
		return nsl_fail("the record's entry \"%s\"", entry);
	}
	if (slash != NULL)
		*slash = '\0';
	pfd = mnt_open_beneath(rootfd, slash != NULL ? rel : ".");
	if (slash != NULL)
		*slash = '/';
	if (pfd == -1)
		return errno == ENOENT ? 0 : nsl_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	ret = remove_leaf(pfd, leaf, entry[0] == 'd');
	if (ret == -1)
		nsl_fail("%s(\"%s/%s\")", entry[0] == 'd' ? "rmdir" : "unlink", rootfs, rel);
	close(pfd);
	return ret;
}

/* Undo every entry of BUF, the last first; keep going past a failure, so
 * that one path that stays does not keep the others. */
static int undo_all(const char *rootfs, int rootfd, char *buf, size_t len, int *removed)
{
	struct nsl_failure first = { .err = 0 };
	size_t start;
	int r;

	for (size_t end = len; end > 0; end = start) {
		start = end - 1; /* buf[end - 1] is the entry's '\0' */
		while (start > 0 && buf[start - 1] != '\0')
			start--;
		r = undo_entry(rootfs, rootfd, buf + start);
		if (r == 1)
			(*removed)++;
		if (r == -1 && first.err == 0)
			nsl_fail_save(&first); /* the next entry may fail too */
	}
	return first.err == 0 ? 0 : nsl_fail_restore(&first);
}

int mnt_record_undo(const char *rootfs, const char *name, int *removed)
{
	int rootfd, ret, saved;
	size_t len = 0;
	char *buf;

	*removed = 0;
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd == -1)
		return nsl_fail("open(\"%s\", O_PATH|O_DIRECTORY)", rootfs);
	buf = read_record(rootfs, rootfd, name, &len);
	if (buf == NULL) {
		saved = errno;
		close(rootfd);
		errno = saved;
		return -1;
	}
	ret = undo_all(rootfs, rootfd, buf, len, removed);
	saved = errno;
	free(buf);
	if (unlinkat(rootfd, name, 0) == -1 && ret == 0) {
		ret = nsl_fail("unlink(\"%s/%s\")", rootfs, name);
		saved = errno;
	}
	close(rootfd);
	errno = saved;
	return ret;
}
