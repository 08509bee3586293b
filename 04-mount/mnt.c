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
	/* MS_REC applies the change to every mount below "/" as well:
	 * without it only the root mount would stop propagating. */
	/* LAB 04.1 private: stop every mount of this namespace from propagating
	 * checks: 04.1 04.2 04.3
	 * docs: docs/04-mount.md#the-system-calls
	 * fail: the mounts were not made private first
	 * hint: mount(2) with no source, target "/", no type, MS_REC|MS_PRIVATE
	 * hint: on failure: return nsl_fail("mount(...)"), which keeps the call for the error line
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.1: remount / MS_REC|MS_PRIVATE");
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return nsl_fail("mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
	return 0;
	/* END LAB */
}

int mnt_bind_rootfs(const char *rootfs)
{
	/* With MS_BIND, mount(2) ignores every other flag but MS_REC. The
	 * new mount takes its propagation from its source: private, after
	 * mnt_make_private(). MS_REC brings along mounts already under
	 * ROOTFS. */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) == -1)
		return nsl_fail("mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC, NULL)", rootfs, rootfs);
	return 0;
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
	/* LAB 04.2 pivot: make NEW_ROOT the root, the old root moved to OLD
	 * checks: 04.1 04.2 04.3
	 * docs: docs/04-mount.md#the-system-calls
	 * fail: / inside is not the rootfs (pivot_root)
	 * hint: pivot_root(NEW_ROOT, OLD) (common/syscalls.h wraps the raw syscall)
	 * hint: on failure: nsl_fail("pivot_root(...)"), rmdir(old) with errno kept, return -1
	 * stub: (void)saved;
	 * stub: errno = ENOSYS;
	 * stub: nsl_fail("LAB 04.2: pivot_root(\"%s\", \"%s\")", new_root, old);
	 * stub: rmdir(old);
	 * stub: errno = ENOSYS;
	 * stub: return -1;
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
	/* MNT_DETACH: take the whole old tree out of the namespace now and
	 * let the kernel free each mount once nothing uses it. A plain
	 * umount would fail with EBUSY, as the old root has submounts. */
	if (umount2(put_old, MNT_DETACH) == -1)
		return nsl_fail("umount2(\"%s\", MNT_DETACH)", put_old);
	if (rmdir(put_old) == -1)
		return nsl_fail("rmdir(\"%s\")", put_old);
	return 0;
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
	/* LAB 04.3 proc: mount a proc filesystem on TARGET for this PID namespace
	 * checks: 04.1 04.2 04.3
	 * docs: docs/04-mount.md#the-system-calls
	 * fail: /proc inside is not a fresh proc of the new PID namespace
	 * hint: mount(2) of type "proc" (source "proc") with MS_NOSUID|MS_NODEV|MS_NOEXEC
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 04.3: mount proc on \"%s\"", target);
	 */
	if (mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		return nsl_fail("mount(\"proc\", \"%s\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)",
			    target);
	return 0;
	/* END LAB */
}
