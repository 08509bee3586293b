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
			return mnt_fail("relative path of \"%s\"", ctr);
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
static int open_beneath(int dirfd, const char *path)
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
		mnt_fail("open(\"%s\", O_PATH|O_DIRECTORY)", dir);
	return fd;
}

/* mnt_make_target() for REL under ROOTFD: open it, or make its parent
 * (recursively) and then it. REL is modified on the way and restored. */
static int make_beneath(const char *rootfs, int rootfd, char *rel, int is_dir, int *created)
{
	char *slash, *leaf;
	int fd, pfd, made;

	fd = open_beneath(rootfd, rel);
	if (fd != -1)
		return fd;
	if (errno != ENOENT)
		return mnt_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	slash = strrchr(rel, '/');
	leaf = slash != NULL ? slash + 1 : rel;
	if (strcmp(leaf, "..") == 0 || strcmp(leaf, ".") == 0)
		return mnt_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	if (slash != NULL) {
		*slash = '\0';
		pfd = make_beneath(rootfs, rootfd, rel, 1, created);
		*slash = '/';
	} else {
		pfd = open_beneath(rootfd, ".");
	}
	if (pfd == -1)
		return -1;
	if (is_dir) {
		made = mkdirat(pfd, leaf, 0755);
	} else {
		made = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (made != -1)
			made = close(made);
	}
	if (made == -1) {
		mnt_fail("%s(\"%s/%s\")", is_dir ? "mkdir" : "creat", rootfs, rel);
		close(pfd);
		return -1;
	}
	(*created)++;
	fd = open_beneath(pfd, leaf);
	if (fd == -1)
		mnt_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	close(pfd);
	return fd;
}

int mnt_make_target(const char *rootfs, const char *ctr, int is_dir, int *created)
{
	char rel[PATH_MAX];
	int rootfd, fd, saved;

	*created = 0;
	if (relative(ctr, rel, sizeof(rel)) == -1)
		return -1;
	rootfd = open_dir(rootfs);
	if (rootfd == -1)
		return -1;
	fd = make_beneath(rootfs, rootfd, rel, is_dir, created);
	saved = errno;
	close(rootfd);
	errno = saved;
	return fd;
}

int mnt_remove_created(const char *rootfs, const char *ctr, int is_dir, int created)
{
	char rel[PATH_MAX];
	int rootfd, pfd, saved, ret = 0;

	if (relative(ctr, rel, sizeof(rel)) == -1)
		return -1;
	rootfd = open_dir(rootfs);
	if (rootfd == -1)
		return -1;
	for (int i = 0; i < created && ret == 0; i++) {
		char *slash = strrchr(rel, '/');
		const char *leaf = slash != NULL ? slash + 1 : rel;
		int flags = (i == 0 && !is_dir) ? 0 : AT_REMOVEDIR;

		if (slash != NULL)
			*slash = '\0';
		pfd = open_beneath(rootfd, slash != NULL ? rel : ".");
		if (slash != NULL)
			*slash = '/';
		if (pfd == -1 || unlinkat(pfd, leaf, flags) == -1)
			ret = mnt_fail("%s(\"%s/%s\")", flags ? "rmdir" : "unlink", rootfs, rel);
		if (pfd != -1)
			close(pfd);
		if (slash == NULL)
			break;
		*slash = '\0';
	}
	saved = errno;
	close(rootfd);
	errno = saved;
	return ret;
}

/* Keep a mount's other flags when remounting it read-only: a remount sets
 * all of them at once, so leaving out nosuid would quietly drop it. */
static unsigned long kept_flags(int fd)
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

	fd = open_beneath(rootfd, rel);
	if (fd == -1)
		return mnt_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (mount(v->host, fdpath, NULL, MS_BIND, NULL) == -1)
		ret = mnt_fail("mount(\"%s\", \"%s%s\", NULL, MS_BIND, NULL)", v->host, rootfs, v->ctr);
	close(fd);
	if (ret == -1 || !v->readonly)
		return ret;
	/* MS_RDONLY is ignored by the bind itself; a read-only bind takes a
	 * second call that changes the new mount alone. Reopen the path: it
	 * now leads onto the new mount. */
	fd = open_beneath(rootfd, rel);
	if (fd == -1)
		return mnt_fail("openat2(\"%s\", \"%s\", RESOLVE_BENEATH)", rootfs, rel);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (mount(NULL, fdpath, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(fd), NULL) == -1)
		ret = mnt_fail("mount(NULL, \"%s%s\", NULL, MS_REMOUNT|MS_BIND|MS_RDONLY, NULL)",
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

