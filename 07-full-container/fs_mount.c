/* fs_mount.c - how the file system's steps (fs.c, dev.c) reach their
 * targets. A path in the rootfs is opened by the kernel beneath it
 * (openat2 with RESOLVE_BENEATH and no symlinks at all), and the mount is
 * made on that descriptor, through /proc/self/fd/N: a rootfs whose
 * /proc, /dev or /sys is a symlink, or a volume whose target leads out,
 * can never make us mount onto a host path (CVE-2021-30465). Each mount
 * is told with --verbose as the man page spells it. See fs.h.
 *
 * Read: openat2(2), mount(2), proc(5) (/proc/self/fd).
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fail.h"
#include "fs_int.h"
#include "say.h"
#include "syscalls.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* FLAGS as the man page spells them: "MS_NOSUID|MS_NODEV", or "0". */
static const char *flag_names(unsigned long flags, char *buf, size_t len)
{
	static const struct { unsigned long ms; const char *name; } names[] = {
		{ MS_REMOUNT, "MS_REMOUNT" }, { MS_BIND, "MS_BIND" }, { MS_REC, "MS_REC" },
		{ MS_RDONLY, "MS_RDONLY" }, { MS_NOSUID, "MS_NOSUID" }, { MS_NODEV, "MS_NODEV" },
		{ MS_NOEXEC, "MS_NOEXEC" }, { MS_NOATIME, "MS_NOATIME" },
		{ MS_NODIRATIME, "MS_NODIRATIME" }, { MS_RELATIME, "MS_RELATIME" },
	};

	snprintf(buf, len, "0");
	for (size_t i = 0, n = 0; i < COUNT(names); i++)
		if (flags & names[i].ms)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
					      n > 0 ? "|" : "", names[i].name);
	return buf;
}

int fs_open_strict(int dirfd, const char *path, int dir)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
	};

	return openat2(dirfd, path, &how, sizeof(how));
}

int fs_report_open(const char *where, const char *path)
{
	int err = errno;

	nsl_error(err, "openat2(\"%s\", \"%s\", RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)", where, path);
	if (err == ELOOP)
		nsl_hint("\"%s/%s\" is (or passes through) a symlink: a mount there could land "
			 "outside the container (CVE-2021-30465), so it is refused; make it a "
			 "real directory in the rootfs", where, path);
	errno = err;
	return -1;
}

void fs_hint_create(const struct fs_config *c, int err, const char *path)
{
	if (err == EOVERFLOW)
		nsl_hint("the caller's uid or gid has no mapping in its user namespace, and a "
			 "file must have an owner: after the maps are written, become root of the "
			 "namespace first (setresgid(0, 0, 0), setresuid(0, 0, 0))");
	else if (err == EACCES && c->userns)
		nsl_hint("the container's root is an unprivileged user on the host and may not "
			 "write into this rootfs: create %s in the rootfs first", path);
}

int fs_open_top(const struct fs_config *c, int rootfd, const char *name)
{
	char ctr[16];
	int fd, created;

	fd = fs_open_strict(rootfd, name, 1);
	if (fd == -1 && errno == ENOENT && c->record == NULL && !c->overlay) {
		/* No record to list it in (07-mini keeps none): nothing made. */
		nsl_error(ENOENT, "\"%s/%s\"", c->rootfs, name);
		nsl_hint("this rootfs has no /%s to mount on: mkdir it first", name);
		errno = ENOENT;
		return -1;
	}
	if (fd == -1 && errno == ENOENT) {
		snprintf(ctr, sizeof(ctr), "/%s", name);
		fd = mnt_make_target(c->rootfs, ctr, 1, c->record, &created);
		if (fd == -1) {
			int err = errno;

			nsl_error(err, "%s", nsl_failed_call());
			fs_hint_create(c, err, ctr);
			return -1;
		}
		close(fd);
		say("made the mount point %s/%s (%s)", c->rootfs, name,
		    c->overlay ? "in the upper layer" : "recorded, removed again at the end");
		fd = fs_open_strict(rootfd, name, 1);
	}
	if (fd == -1)
		fs_report_open(c->rootfs, name);
	return fd;
}

/* mount(2) on /proc/self/fd/FD; the caller reports a failure. */
int fs_mount_fd(const char *source, int fd, const char *where, const char *type,
		unsigned long flags, const char *data, char *call, size_t len)
{
	char target[64], names[160];

	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	snprintf(call, len, "mount(%s%s%s, \"%s\" (%s), %s%s%s, %s, %s%s%s)",
		 source ? "\"" : "", source ? source : "NULL", source ? "\"" : "", target, where,
		 type ? "\"" : "", type ? type : "NULL", type ? "\"" : "",
		 flag_names(flags, names, sizeof(names)),
		 data ? "\"" : "", data ? data : "NULL", data ? "\"" : "");
	say_more("%s", call);
	return mount(source, target, type, flags, data);
}

int fs_mount_on(const char *source, int fd, const char *where, const char *type,
		unsigned long flags, const char *data)
{
	char call[PATH_MAX + 512];

	int err;

	if (fs_mount_fd(source, fd, where, type, flags, data, call, sizeof(call)) == 0)
		return 0;
	err = errno;
	nsl_error(err, "%s", call);
	errno = err; /* for the caller's hint */
	return -1;
}
