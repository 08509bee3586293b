/* mount.c - probes that try to mount, and to read the host's disk as a
 * block device. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"

/* mount(2) needs CAP_SYS_ADMIN in the user namespace that owns our mount
 * namespace. Whoever may mount may mount over what the runtime made
 * read-only or masked (a fresh proc, a bind of the real /proc/sys), or,
 * with the host's proc or a device, reach the host. Docker drops
 * CAP_SYS_ADMIN and its seccomp profile refuses mount and umount2. A
 * mount that works is undone at once. */
static void try_mount(struct result *r, const char *src, const char *type,
		      unsigned long flags, const char *shown)
{
	const char *target = scratch_dir();

	if (mount(src, target, type, flags, NULL) == -1) {
		blocked(r, "mount(\"%s\", \"%s\", %s): %s", src, target, shown, strerror(errno));
		return;
	}
	umount2(target, MNT_DETACH);
	escaped(r, "mount(\"%s\", \"%s\", %s): mounted (and unmounted again)", src, target, shown);
}

void probe_mount_tmpfs(struct result *r)
{
	try_mount(r, "none", "tmpfs", 0, "\"tmpfs\"");
}

void probe_mount_proc(struct result *r)
{
	try_mount(r, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "\"proc\"");
}

void probe_mount_bind(struct result *r)
{
	try_mount(r, "/", NULL, MS_BIND | MS_REC, "MS_BIND|MS_REC");
}

/* Open the node at PATH and read the disk's first sector: 1 if it
 * could be read. *ERR gets errno otherwise. */
static int read_sector(const char *path, int *err)
{
	char sector[512];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		*err = errno;
		return 0;
	}
	n = read(fd, sector, sizeof(sector));
	*err = errno;
	close(fd);
	return n > 0;
}

/* A node for the disk that /dev already holds: a runtime that bind-mounts
 * the host's /dev hands over every disk. 1 if one could be read; else
 * NOTE says what was tried. */
static int existing_node(struct result *r, dev_t disk, char *note, size_t len)
{
	char path[512];
	struct stat st;
	DIR *d = opendir("/dev");
	const struct dirent *e;
	int err, found = 0;

	snprintf(note, len, "no node for %u:%u in /dev", in.disk_major, in.disk_minor);
	while (d != NULL && !found && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (lstat(path, &st) == -1 || !S_ISBLK(st.st_mode) || st.st_rdev != disk)
			continue;
		found = read_sector(path, &err);
		if (found)
			escaped(r, "read a sector of the host's disk through %s", path);
		else
			snprintf(note, len, "open(\"%.100s\"): %s", path, strerror(err));
	}
	if (d != NULL)
		closedir(d);
	return found;
}

/* Docker keeps CAP_MKNOD and counts on the devices cgroup to refuse the
 * open; nslab has no devices cgroup and drops CAP_MKNOD instead. Either
 * way a container must not read the host's disk: whoever can, reads
 * every file on it, past every mount and permission. Try a node /dev
 * already has, then mknod(2) one in each place we might write to. */
void probe_host_disk(struct result *r)
{
	static const char *const dirs[] = { "/tmp", "/dev/shm", "/dev", "/mnt", "" };
	dev_t disk = makedev(in.disk_major, in.disk_minor);
	char path[256], first[300] = "", note[200];
	int err;

	if (!in.have_disk) {
		skipped(r, "needs --disk MAJ:MIN");
		return;
	}
	if (existing_node(r, disk, note, sizeof(note)))
		return;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/.nslab-probe-disk-%d", dirs[i], (int)getpid());
		if (mknod(path, S_IFBLK | 0600, disk) == -1) {
			if (first[0] == '\0')
				snprintf(first, sizeof(first), "mknod(\"%s\", S_IFBLK, %u:%u): %s",
					 path, in.disk_major, in.disk_minor, strerror(errno));
			continue;
		}
		if (read_sector(path, &err)) {
			unlink(path);
			escaped(r, "mknod(\"%s\", S_IFBLK, %u:%u), then read a sector of the host's disk",
				path, in.disk_major, in.disk_minor);
			return;
		}
		unlink(path);
		blocked(r, "%s; mknod(\"%s\") worked, but open/read: %s", note, path, strerror(err));
		return;
	}
	blocked(r, "%s; %s", note, first);
}
