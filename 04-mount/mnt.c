/* mnt.c - the mount namespace piece, part one: the mount table, a private
 * tree, a new root, /proc; volume.c holds part two. See mnt.h. */
#define _GNU_SOURCE
#include "mnt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"
#include "syscalls.h"

char *mnt_table(pid_t pid, size_t *lines)
{
	char path[64], *buf = NULL, *bigger;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, saved;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/mountinfo");
	else
		snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		nsl_fail("open(\"%s\")", path);
		return NULL;
	}
	/* A file in /proc has no size to ask for: read until EOF. */
	do {
		if (cap - len < 4096) {
			cap = cap * 2 + 8192;
			bigger = realloc(buf, cap);
			if (bigger == NULL) {
				nsl_fail("realloc(%zu)", cap);
				goto fail;
			}
			buf = bigger;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1) {
			nsl_fail("read(\"%s\")", path);
			goto fail;
		}
		len += (size_t)n;
	} while (n > 0);
	close(fd);
	buf[len] = '\0';
	*lines = 0;
	for (size_t i = 0; i < len; i++)
		*lines += buf[i] == '\n';
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

/* A mountinfo line: "36 25 0:32 / /proc rw,nosuid - proc proc rw"; the
 * 5th field is the mount point, the optional fields (0 or more, such as
 * "shared:5") follow the 6th, up to a lone "-". */
int mnt_propagation(const char *mountpoint, char *buf, size_t len)
{
	char *table, *line, *save = NULL;
	size_t lines;
	int found = 0;

	table = mnt_table(0, &lines);
	if (table == NULL)
		return -1;
	for (line = strtok_r(table, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *field[7], *rest = line, *opt;
		int i;

		for (i = 0; i < 7 && (field[i] = strsep(&rest, " ")) != NULL; i++)
			;
		if (i < 7 || strcmp(field[4], mountpoint) != 0)
			continue;
		/* The last line for a mount point is the mount on top. */
		found = 1;
		snprintf(buf, len, "private");
		for (opt = field[6]; opt != NULL && strcmp(opt, "-") != 0; opt = strsep(&rest, " ")) {
			if (strcmp(buf, "private") == 0)
				snprintf(buf, len, "%s", opt);
			else
				snprintf(buf + strlen(buf), len - strlen(buf), " %s", opt);
		}
	}
	free(table);
	if (!found) {
		errno = ENOENT;
		return nsl_fail("find \"%s\" in /proc/self/mountinfo", mountpoint);
	}
	return 0;
}

int mnt_make_private(void)
{
	/* LAB 04.1 private: stop mount events travelling between this namespace and any other, for every mount, both ways
	 * level: 1
	 * minutes: 10
	 * checks: 04.3 04.12
	 * docs: docs/04-mount.md#run-it
	 * fail: a mount made in the container could reach the host: its tree was not cut off first
	 * hint: mount_namespaces(7), "Shared subtrees": a new mount namespace copies each mount with its propagation type; on a systemd host / is shared, a peer of the host's
	 * hint: mount(2), "Changing the propagation type of an existing mount": one call does the whole tree
	 * hint: on failure: return nsl_fail() with the call and its arguments (common/fail.h), for the error line
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.1: %s", "keep this namespace's mount events to itself");
	 */
	/* MS_REC applies the change to every mount below "/" as well:
	 * without it only the root mount would stop propagating. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return nsl_fail("mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
	return 0;
	/* END LAB */
}

int mnt_set_propagation(const char *target, const char *type)
{
	/* LAB 04.2 propagation: give the mount at TARGET, and every mount below it, the propagation TYPE ("shared", "slave", "private" or "unbindable"; any other word: EINVAL)
	 * level: 3
	 * minutes: 20
	 * checks: 04.16
	 * docs: docs/04-mount.md#--propagation-predict-then-look
	 * fail: 04-mount --propagation TYPE did not give the container's tree the propagation asked for
	 * hint: mount(2), "Changing the propagation type of an existing mount": one flag per type, one more for "and below"
	 * hint: PREDICT FIRST, in three words in this comment: under a shared host, with the container's / shared, slave or private, does its mount show on the host, and does the host's show inside?
	 * hint: then build such a host, as check 04.16 does: unshare -m --propagation private sh, and in it mount --make-rshared /; run 04-mount --propagation TYPE -- sh there, and read both mountinfos (proc(5), the optional fields)
	 * hint: mount_namespaces(7), "Propagation type transitions"; pivot_root(2), EINVAL: one of the three will not pivot
	 * stub: (void)target;
	 * stub: (void)type;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.2: %s", "set the propagation asked for");
	 */
	static const struct {
		const char *type;
		unsigned long flag;
		const char *flags; /* for the error line */
	} types[] = {
		{ "shared", MS_SHARED, "MS_REC|MS_SHARED" },
		{ "slave", MS_SLAVE, "MS_REC|MS_SLAVE" },
		{ "private", MS_PRIVATE, "MS_REC|MS_PRIVATE" },
		{ "unbindable", MS_UNBINDABLE, "MS_REC|MS_UNBINDABLE" },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(type, types[i].type) != 0)
			continue;
		if (mount(NULL, target, NULL, MS_REC | types[i].flag, NULL) == -1)
			return nsl_fail("mount(NULL, \"%s\", NULL, %s, NULL)", target, types[i].flags);
		return 0;
	}
	errno = EINVAL;
	return nsl_fail("propagation \"%s\" (shared, slave, private or unbindable)", type);
	/* END LAB */
}

int mnt_bind_rootfs(const char *rootfs)
{
	/* LAB 04.3 bind: make ROOTFS a mount point of its own, with the mounts already below it
	 * level: 2
	 * minutes: 10
	 * checks: 04.2 04.3
	 * docs: docs/04-mount.md#run-it
	 * fail: the rootfs was not a mount point of its own, so it could not become /
	 * hint: pivot_root(2), its EINVAL rules: which argument must be a mount point?
	 * hint: mount(2), "Creating a bind mount": a directory can be mounted onto itself; one flag brings its submounts along
	 * stub: (void)rootfs;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.3: %s", "the rootfs, a mount point of its own");
	 */
	/* With MS_BIND, mount(2) ignores every other flag but MS_REC. The
	 * new mount takes its propagation from its source: private, after
	 * mnt_make_private(). MS_REC brings along mounts already under
	 * ROOTFS. */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) == -1)
		return nsl_fail("mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC, NULL)", rootfs, rootfs);
	return 0;
	/* END LAB */
}

int mnt_pivot_root(const char *new_root, const char *put_old)
{
	char old[PATH_MAX];
	int saved;

	if ((size_t)snprintf(old, sizeof(old), "%s%s", new_root, put_old) >= sizeof(old)) {
		errno = ENAMETOOLONG;
		return nsl_fail("pivot_root(\"%s\", \"%s%s\")", new_root, new_root, put_old);
	}
	if (mkdir(old, 0700) == -1)
		return nsl_fail("mkdir(\"%s\", 0700)", old);
	/* The kernel's rules, each an EINVAL: NEW_ROOT is a mount point but
	 * not the current root; PUT_OLD is at or under it; neither NEW_ROOT
	 * nor its parent mount nor the current root is shared. */
	/* LAB 04.4 pivot: make NEW_ROOT the root of this mount namespace, the old root moved to OLD; on failure remove OLD again, errno kept
	 * level: 2
	 * minutes: 10
	 * checks: 04.2 04.3
	 * docs: docs/04-mount.md#run-it
	 * fail: / inside is not the rootfs
	 * hint: pivot_root(2), DESCRIPTION and its EINVAL list: 04.1 and 04.3 met two of its rules already
	 * hint: glibc has no wrapper for this one (common/syscalls.h); on failure record the call (common/fail.h)
	 * stub: (void)saved;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.4: %s", "the rootfs as the root");
	 */
	if (pivot_root(new_root, old) == -1) {
		nsl_fail("pivot_root(\"%s\", \"%s\")", new_root, old);
		saved = errno;
		rmdir(old);
		errno = saved;
		return -1;
	}
	/* END LAB */
	/* pivot_root moved our root, but our working directory is still
	 * wherever it was in the old tree. */
	if (chdir("/") == -1)
		return nsl_fail("chdir(\"/\")");
	return 0;
}

int mnt_detach_old_root(const char *put_old)
{
	/* LAB 04.5 detach: take the old root, and every host mount under it, out of this namespace; then remove PUT_OLD
	 * level: 2
	 * minutes: 10
	 * checks: 04.3
	 * docs: docs/04-mount.md#run-it
	 * fail: the host's tree, or the directory it hung on, was still in the container
	 * hint: umount(2): a mount with mounts below it cannot go the plain way (EBUSY); one flag makes it vanish now, and frees it once unused
	 * hint: then the empty directory itself; on failure record the call (common/fail.h)
	 * stub: (void)put_old;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.5: %s", "the old root out of the namespace");
	 */
	/* MNT_DETACH: take the whole old tree out of the namespace now and
	 * let the kernel free each mount once nothing uses it. A plain
	 * umount would fail with EBUSY, as the old root has submounts. */
	if (umount2(put_old, MNT_DETACH) == -1)
		return nsl_fail("umount2(\"%s\", MNT_DETACH)", put_old);
	if (rmdir(put_old) == -1)
		return nsl_fail("rmdir(\"%s\")", put_old);
	return 0;
	/* END LAB */
}

int mnt_chroot(const char *dir)
{
	if (chroot(dir) == -1)
		return nsl_fail("chroot(\"%s\")", dir);
	if (chdir("/") == -1)
		return nsl_fail("chdir(\"/\")");
	return 0;
}

int mnt_mount_proc(const char *target)
{
	/* LAB 04.6 proc: mount a proc filesystem on TARGET for this PID namespace
	 * level: 1
	 * minutes: 5
	 * warmup: yes
	 * checks: 04.1 04.2 04.3 04.12 04.16
	 * docs: docs/04-mount.md#run-it
	 * fail: /proc inside is not a fresh proc of the new PID namespace
	 * hint: mount(2) of type "proc" (source "proc") with MS_NOSUID|MS_NODEV|MS_NOEXEC
	 * hint: on failure: return nsl_fail("mount(...)"), which keeps the call for the error line
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.6: mount proc on \"%s\"", target);
	 */
	if (mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		return nsl_fail("mount(\"proc\", \"%s\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)",
			    target);
	return 0;
	/* END LAB */
}
