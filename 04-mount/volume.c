/* volume.c - the mount namespace piece, part two: volumes, and mount
 * points that cannot lead outside the rootfs; see mnt.h. */
#define _GNU_SOURCE
#include "mnt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fail.h"
#include "syscalls.h"

int mnt_parse_volume(const char *spec, struct mnt_volume *v)
{
	const char *colon = strchr(spec, ':');
	const char *ctr, *mode;
	size_t host_len, ctr_len;

	memset(v, 0, sizeof(*v));
	errno = EINVAL;
	if (colon == NULL)
		return -1;
	ctr = colon + 1;
	mode = strchr(ctr, ':');
	host_len = (size_t)(colon - spec);
	ctr_len = mode != NULL ? (size_t)(mode - ctr) : strlen(ctr);
	if (mode != NULL) {
		mode++;
		/* "rw" or "ro", nothing else: a fourth field lands here too. */
		if (strcmp(mode, "ro") == 0)
			v->readonly = 1;
		else if (strcmp(mode, "rw") != 0)
			return -1;
	}
	if (host_len == 0 || ctr_len == 0 || ctr[0] != '/')
		return -1;
	if (strspn(ctr, "/") >= ctr_len) /* "/" (or "//"): the root itself */
		return -1;
	if (host_len >= sizeof(v->host) || ctr_len >= sizeof(v->ctr)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(v->host, spec, host_len);
	memcpy(v->ctr, ctr, ctr_len);
	return 0;
}

/* CTR as a path relative to the rootfs: no leading '/', no repeated or
 * trailing '/'. */
static int relative(const char *ctr, char *rel, size_t len)
{
	size_t n = 0;

	for (const char *p = ctr; *p != '\0'; p++) {
		if (*p == '/' && (n == 0 || rel[n - 1] == '/'))
			continue;
		if (n + 1 >= len) {
			errno = ENAMETOOLONG;
			return nsl_fail("relative path of \"%s\"", ctr);
		}
		rel[n++] = *p;
	}
	if (n > 0 && rel[n - 1] == '/')
		n--;
	if (n == 0)
		rel[n++] = '.';
	rel[n] = '\0';
	return 0;
}

/* The kernel resolves PATH under DIRFD and refuses (EXDEV) to leave it:
 * no "..", no absolute or escaping symlink, no /proc magic link. */
int mnt_open_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return openat2(dirfd, path, &how, sizeof(how));
}

static int open_dir(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		nsl_fail("open(\"%s\", O_PATH|O_DIRECTORY)", dir);
	return fd;
}

/* What make_beneath() carries down its recursion. */
struct target {
	const char *rootfs; /* for messages */
	int rootfd;
	struct mnt_record *record; /* each path goes here before it is made */
	int created; /* path components made */
};

/* Make LEAF in the directory PFD: a directory, or an empty file. REL is
 * its path under the rootfs, which goes into the record first. Written
 * ahead, the record never lacks a path that exists: at worst it names
 * one that a SIGKILL kept from being made. */
static int make_leaf(struct target *t, int pfd, const char *rel, const char *leaf, int is_dir)
{
	int fd;

	if (t->record != NULL && mnt_record_add(t->record, is_dir, rel) == -1)
		return -1;
	if (is_dir) {
		if (mkdirat(pfd, leaf, 0755) == -1)
			return nsl_fail("mkdir(\"%s/%s\")", t->rootfs, rel);
		return 0;
	}
	fd = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1)
		return nsl_fail("creat(\"%s/%s\")", t->rootfs, rel);
	return close(fd);
}

/* mnt_make_target() for REL under the rootfs: open it, or make its parent
 * (recursively) and then it. REL is modified on the way and restored. */
static int make_beneath(struct target *t, char *rel, int is_dir)
{
	char *slash, *leaf;
	int fd, pfd;

	fd = mnt_open_beneath(t->rootfd, rel);
	if (fd != -1)
		return fd;
	if (errno != ENOENT)
		return nsl_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", t->rootfs, rel);
	slash = strrchr(rel, '/');
	leaf = slash != NULL ? slash + 1 : rel;
	if (strcmp(leaf, "..") == 0 || strcmp(leaf, ".") == 0)
		return nsl_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", t->rootfs, rel);
	if (slash != NULL) {
		*slash = '\0';
		pfd = make_beneath(t, rel, 1);
		*slash = '/';
	} else {
		pfd = mnt_open_beneath(t->rootfd, ".");
	}
	if (pfd == -1)
		return -1;
	if (make_leaf(t, pfd, rel, leaf, is_dir) == -1) {
		close(pfd);
		return -1;
	}
	t->created++;
	fd = mnt_open_beneath(pfd, leaf);
	if (fd == -1)
		nsl_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", t->rootfs, rel);
	close(pfd);
	return fd;
}

int mnt_make_target(const char *rootfs, const char *ctr, int is_dir,
		    struct mnt_record *record, int *created)
{
	struct target t = { .rootfs = rootfs, .record = record };
	char rel[PATH_MAX];
	int fd, saved;

	*created = 0;
	if (relative(ctr, rel, sizeof(rel)) == -1)
		return -1;
	t.rootfd = open_dir(rootfs);
	/* No leak: open_dir() failed, there is no fd to close (cppcheck
	 * takes the -1 in t.rootfd for an open one). */
	if (t.rootfd == -1)
		/* cppcheck-suppress memleak */
		return -1;
	fd = make_beneath(&t, rel, is_dir);
	saved = errno;
	close(t.rootfd);
	*created = t.created;
	errno = saved;
	return fd;
}

/* Keep a mount's other flags when remounting it read-only: a remount sets
 * all of them at once, so leaving out nosuid would quietly drop it. */
unsigned long mnt_kept_flags(int fd)
{
	static const struct { unsigned long st, ms; } map[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statvfs sv;
	unsigned long flags = 0;

	if (fstatvfs(fd, &sv) == -1)
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sv.f_flag & map[i].st)
			flags |= map[i].ms;
	return flags;
}

/* The target is opened beneath the rootfs and mounted on through its
 * descriptor, /proc/self/fd/N: mount(2) then acts on exactly the directory
 * that was checked, even if someone swaps a symlink in meanwhile. */
static int bind_at(const char *rootfs, int rootfd, const char *rel, const struct mnt_volume *v)
{
	char fdpath[64];
	int fd, ret = 0;

	fd = mnt_open_beneath(rootfd, rel);
	if (fd == -1)
		return nsl_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (mount(v->host, fdpath, NULL, MS_BIND, NULL) == -1)
		ret = nsl_fail("mount(\"%s\", \"%s%s\", NULL, MS_BIND, NULL)", v->host, rootfs, v->ctr);
	close(fd);
	if (ret == -1 || !v->readonly)
		return ret;
	/* MS_RDONLY is ignored by the bind itself; a read-only bind takes a
	 * second call that changes the new mount alone. Reopen the path: it
	 * now leads onto the new mount. */
	fd = mnt_open_beneath(rootfd, rel);
	if (fd == -1)
		return nsl_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (mount(NULL, fdpath, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | mnt_kept_flags(fd), NULL) == -1)
		ret = nsl_fail("mount(NULL, \"%s%s\", NULL, MS_REMOUNT|MS_BIND|MS_RDONLY, NULL)",
			   rootfs, v->ctr);
	close(fd);
	return ret;
}

int mnt_bind_volume(const char *rootfs, const struct mnt_volume *v)
{
	char rel[PATH_MAX];
	int rootfd, ret, saved;

	if (relative(v->ctr, rel, sizeof(rel)) == -1)
		return -1;
	rootfd = open_dir(rootfs);
	if (rootfd == -1)
		return -1;
	ret = bind_at(rootfs, rootfd, rel, v);
	saved = errno;
	close(rootfd);
	errno = saved;
	return ret;
}

