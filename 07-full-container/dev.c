/* dev.c - the container's /dev: a small tmpfs holding only the devices a
 * program expects (null zero full random urandom tty), a private devpts
 * for terminals, /dev/shm, and the standard links. Nothing of the host's
 * /dev - its disks, its consoles, /dev/kmsg - is there. See fs.h.
 *
 * Read: mknod(2), tmpfs(5), pts(4), devpts in the kernel's
 * Documentation/filesystems/devpts.rst, and the OCI runtime spec's
 * config-linux.md ("Default Devices", "Default Filesystems").
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "say.h"

/* The runtime spec's default devices, with the numbers the kernel gives
 * them (Documentation/admin-guide/devices.txt). */
static const struct node {
	const char *name;
	unsigned int major, minor;
} nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

/* The links every /dev has; /dev/core -> /proc/kcore is left out on
 * purpose: kcore is masked anyway, and nothing needs the link. */
static const struct link {
	const char *name, *target;
} links[] = {
	{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
};

/* The runtime spec's maskedPaths: what would tell the container about
 * the host's hardware and kernel, or let it read kernel memory
 * (/proc/kcore) and the kernel's keys. */
static const char *const masked[] = {
	"proc/acpi", "proc/asound", "proc/kcore", "proc/keys", "proc/latency_stats",
	"proc/timer_list", "proc/timer_stats", "proc/sched_debug", "proc/scsi",
	"sys/firmware", "sys/devices/virtual/powercap",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 0 when FD is the character device MAJOR:MINOR; else -1, reported as
 * WHAT not being that device. fstat(2), makedev(3). */
static int is_chardev(int fd, unsigned int major, unsigned int minor, const char *what)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		nsl_error(errno, "fstat(\"%s\")", what);
		return -1;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(major, minor))
		return 0;
	nsl_error(EINVAL, "\"%s\" is not the character device %u:%u", what, major, minor);
	nsl_hint("a device node that is not what its name says could hand the container "
		 "a host file or disk (CVE-2025-31133): refusing to use it");
	errno = EINVAL;
	return -1;
}

/* Without a user namespace: make the node, as a device file system
 * would, mode 0666: fill_dev() has cleared the umask, which mknod(2)
 * would apply (one umask() call, instead of a chmod per node). */
static int make_node(int devfd, const char *where, const struct node *n)
{
	dev_t dev = makedev(n->major, n->minor);

	say_more("mknodat(%s, \"%s\", S_IFCHR|0666, makedev(%u, %u))", where, n->name, n->major,
		 n->minor);
	if (mknodat(devfd, n->name, S_IFCHR | 0666, dev) == -1) {
		nsl_error(errno, "mknod(\"%s/%s\", S_IFCHR|0666, makedev(%u, %u))", where, n->name,
			  n->major, n->minor);
		return -1;
	}
	return 0;
}

/* In a user namespace mknod is refused (EPERM: only CAP_MKNOD in the
 * initial user namespace may make a device), and a tmpfs mounted there
 * would not honour a device node anyway (SB_I_NODEV). So the host's node
 * is bind-mounted onto an empty file, after fstat() has checked that
 * /dev/NAME on the host really is that device. */
static int bind_node(const struct fs_config *c, int devfd, const char *where,
		     const struct node *n)
{
	char host[32], target[PATH_MAX + 16];
	int sfd, ret = -1;

	snprintf(host, sizeof(host), "/dev/%s", n->name);
	snprintf(target, sizeof(target), "%s/%s", where, n->name);
	sfd = open(host, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (sfd == -1) {
		nsl_error(errno, "open(\"%s\", O_PATH|O_NOFOLLOW)", host);
		return -1;
	}
	if (is_chardev(sfd, n->major, n->minor, host) == -1)
		goto out;
	say_more("fd %d is the host's %s, char %u:%u", sfd, host, n->major, n->minor);
	ret = dev_bind_host(c, devfd, n->name, sfd, target);
out:
	close(sfd);
	return ret;
}

int dev_bind_host(const struct fs_config *c, int dirfd, const char *name, int sfd,
		  const char *target)
{
	char src[64];
	int tfd, ret;

	tfd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (tfd == -1) {
		int err = errno;

		nsl_error(err, "open(\"%s\", O_CREAT|O_EXCL)", target);
		fs_hint_create(c, err, target);
		return -1;
	}
	snprintf(src, sizeof(src), "/proc/self/fd/%d", sfd);
	ret = fs_mount_on(src, tfd, target, NULL, MS_BIND, NULL);
	close(tfd);
	return ret;
}

/* Is GID mapped in our user namespace? devpts's gid= option names a
 * group inside it, and the kernel refuses (EINVAL) one with no mapping.
 * Each line of gid_map reads "INSIDE OUTSIDE COUNT". user_namespaces(7). */
static int gid_mapped(gid_t gid)
{
	unsigned long inside, outside, count;
	int found = 0;
	FILE *f = fopen("/proc/self/gid_map", "re");

	if (f == NULL)
		return 0;
	while (!found && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		found = gid >= inside && gid - inside < count;
	fclose(f);
	return found;
}

/* A devpts of the container's own: "newinstance" gives it its own set of
 * pty numbers, so the host's terminals (/dev/pts/0...) are not there,
 * and /dev/ptmx is a link to its ptmx (mode 0666, so anyone may open a
 * pty). New ptys get mode 0620 and, where group 5 exists inside, the
 * tty group, as on any distribution. pts(4). */
static int mount_pts(const struct fs_config *c, int devfd, const char *where)
{
	char pts[PATH_MAX + 16], data[80];
	int fd, ret;

	snprintf(pts, sizeof(pts), "%s/pts", where);
	snprintf(data, sizeof(data), "newinstance,ptmxmode=0666,mode=0620%s",
		 !c->userns || gid_mapped(5) ? ",gid=5" : "");
	if (mkdirat(devfd, "pts", 0755) == -1) {
		nsl_error(errno, "mkdir(\"%s\", 0755)", pts);
		return -1;
	}
	fd = fs_open_strict(devfd, "pts", 1);
	if (fd == -1)
		return fs_report_open(where, "pts");
	ret = fs_mount_on("devpts", fd, pts, "devpts", MS_NOSUID | MS_NOEXEC, data);
	close(fd);
	return ret;
}

/* POSIX shared memory (shm_open(3)) lives in /dev/shm: a tmpfs anyone
 * may write, sticky, where nothing can be executed or be a device. */
static int mount_shm(int devfd, const char *where)
{
	char shm[PATH_MAX + 16];
	int fd, ret;

	snprintf(shm, sizeof(shm), "%s/shm", where);
	if (mkdirat(devfd, "shm", 0755) == -1) {
		nsl_error(errno, "mkdir(\"%s\", 0755)", shm);
		return -1;
	}
	fd = fs_open_strict(devfd, "shm", 1);
	if (fd == -1)
		return fs_report_open(where, "shm");
	ret = fs_mount_on("shm", fd, shm, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=1777,size=65536k");
	close(fd);
	return ret;
}

static int fill_dev_umasked(const struct fs_config *c, int devfd, const char *where)
{
	for (size_t i = 0; i < COUNT(nodes); i++) {
		int ret = c->userns ? bind_node(c, devfd, where, &nodes[i])
				    : make_node(devfd, where, &nodes[i]);

		if (ret == -1)
			return -1;
	}
	if (mount_pts(c, devfd, where) == -1)
		return -1;
	if (mount_shm(devfd, where) == -1)
		return -1;
	for (size_t i = 0; i < COUNT(links); i++) {
		say_more("symlinkat(\"%s\", %s, \"%s\")", links[i].target, where, links[i].name);
		if (symlinkat(links[i].target, devfd, links[i].name) == -1) {
			nsl_error(errno, "symlink(\"%s\", \"%s/%s\")", links[i].target, where,
				  links[i].name);
			return -1;
		}
	}
	return c->ndevices > 0 ? dev_make_nodes(c, devfd, where) : 0;
}

/* The nodes, then pts and shm, then the links; the umask cleared
 * meanwhile, so each gets the mode it is made with. */
static int fill_dev(const struct fs_config *c, int devfd, const char *where)
{
	mode_t saved = umask(0);
	int ret = fill_dev_umasked(c, devfd, where);

	umask(saved);
	return ret;
}

int dev_setup(const struct fs_config *c, int rootfd)
{
	char where[PATH_MAX + 8];
	int fd, ret;

	fd = fs_open_top(c, rootfd, "dev");
	if (fd == -1)
		return -1;
	snprintf(where, sizeof(where), "%s/dev", c->rootfs);
	/* nosuid, not nodev: the nodes in it must work. 64 MiB, as Docker. */
	ret = fs_mount_on("tmpfs", fd, where, "tmpfs", MS_NOSUID, "mode=755,size=65536k");
	close(fd);
	if (ret == -1)
		return -1;
	/* Open it again: the path now leads onto the new tmpfs. */
	fd = fs_open_strict(rootfd, "dev", 1);
	if (fd == -1)
		return fs_report_open(c->rootfs, "dev");
	ret = fill_dev(c, fd, where);
	close(fd);
	if (ret == 0)
		say("/dev: a tmpfs with only null zero full random urandom tty (%s), a new devpts "
		    "instance at /dev/pts, /dev/shm, and the ptmx fd stdin stdout stderr links",
		    c->userns ? "bound from the host's: no mknod in a user namespace"
			      : "made with mknod");
	return ret;
}

/* Hide REL: a file under a bind of /dev/null (NULLFD), a directory under
 * an empty read-only tmpfs. 1 if masked, 0 if not there, -1. */
static int mask_path(const struct fs_config *c, int rootfd, int nullfd, const char *rel)
{
	char where[PATH_MAX + 32], null[64];
	struct stat st;
	int fd, ret;

	fd = fs_open_strict(rootfd, rel, 0);
	if (fd == -1 && errno == ENOENT) {
		say_more("%s/%s: not on this kernel, nothing to mask", c->rootfs, rel);
		return 0;
	}
	if (fd == -1)
		return fs_report_open(c->rootfs, rel);
	snprintf(where, sizeof(where), "%s/%s", c->rootfs, rel);
	if (fstat(fd, &st) == -1) {
		nsl_error(errno, "fstat(\"%s\")", where);
		close(fd);
		return -1;
	}
	snprintf(null, sizeof(null), "/proc/self/fd/%d", nullfd);
	if (S_ISDIR(st.st_mode))
		ret = fs_mount_on("tmpfs", fd, where, "tmpfs",
				  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555");
	else
		ret = fs_mount_on(null, fd, where, NULL, MS_BIND, NULL);
	close(fd);
	return ret == -1 ? -1 : 1;
}

/* The runtime spec's maskedPaths. The /dev/null bound over the files is
 * opened (beneath the rootfs, no symlink) and checked to BE /dev/null,
 * char 1:3, first: runc bound whatever the container's /dev/null was,
 * and a container that made it a symlink to a host file such as
 * /proc/sys/kernel/core_pattern got that file bound, writable, over
 * /proc/kcore (CVE-2025-31133). The bind then uses the checked fd. */
int dev_mask_paths(const struct fs_config *c, int rootfd)
{
	const char *const *list = c->masked != NULL ? c->masked : masked;
	size_t count = c->masked != NULL ? c->nmasked : COUNT(masked);
	char what[PATH_MAX + 16], done[512] = "";
	int nullfd, r = 0, n = 0;

	snprintf(what, sizeof(what), "%s/dev/null", c->rootfs);
	nullfd = fs_open_strict(rootfd, "dev/null", 0);
	if (nullfd == -1)
		return fs_report_open(c->rootfs, "dev/null");
	if (is_chardev(nullfd, 1, 3, what) == -1) {
		close(nullfd);
		return -1;
	}
	say_more("%s (fd %d) is the character device 1:3, the real /dev/null", what, nullfd);
	for (size_t i = 0; i < count; i++) {
		r = mask_path(c, rootfd, nullfd, list[i]);
		if (r == -1)
			break;
		if (r == 1)
			snprintf(done + strlen(done), sizeof(done) - strlen(done), " /%s", list[i]);
		n += r;
	}
	close(nullfd);
	if (r == -1)
		return -1;
	say("masked:%s (not %s: %zu of %s %zu)", done,
	    c->masked != NULL ? "there" : "on this kernel", count - (size_t)n,
	    c->masked != NULL ? "config.json's" : "the runtime spec's", count);
	return 0;
}
