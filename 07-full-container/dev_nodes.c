/* dev_nodes.c - the OCI runtime's linux.devices: the device nodes a
 * config.json asks for beyond the six every container gets (/dev/fuse,
 * /dev/net/tun, a fifo), made in the container's new /dev. run never
 * asks for any; a learner may skip this file. See fs.h.
 *
 * Whether the container may open a node is the devices cgroup's
 * business (../oci/oci_devices.c); this file only makes it.
 *
 * Read: mknod(2), the OCI runtime spec's config-linux.md ("Devices").
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

static char kind(mode_t type)
{
	if (type == S_IFBLK)
		return 'b';
	return type == S_IFIFO ? 'p' : 'c';
}

/* 1 when ST is D's node: its type, and for a device its numbers. */
static int is_node(const struct stat *st, const struct fs_device *d)
{
	return (st->st_mode & S_IFMT) == d->type &&
	       (d->type == S_IFIFO || st->st_rdev == makedev(d->major, d->minor));
}

/* The directory D's node goes in, below /dev (DEVFD): each component
 * made as needed, then opened strictly from the one before (never
 * through a symlink: /dev/fd is one). Its descriptor, or -1 after the
 * report. *BASE: the node's own name. */
static int parent_of(int devfd, const char *where, const struct fs_device *d, const char **base)
{
	char dir[PATH_MAX], *save = NULL;
	const char *slash = strrchr(d->path, '/');
	int fd = dup(devfd), next;

	*base = slash != NULL ? slash + 1 : d->path;
	if (fd == -1) {
		nsl_error(errno, "dup(%d) (%s)", devfd, where);
		return -1;
	}
	if (slash == NULL)
		return fd;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - d->path), d->path);
	for (char *c = strtok_r(dir, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		if (mkdirat(fd, c, 0755) == -1 && errno != EEXIST) {
			nsl_error(errno, "mkdir(\"%s/.../%s\", 0755) (linux.devices: %s)", where, c,
				  d->path);
			close(fd);
			return -1;
		}
		next = fs_open_strict(fd, c, 1);
		close(fd);
		if (next == -1)
			return fs_report_open(where, d->path);
		fd = next;
	}
	return fd;
}

/* A user namespace may not make a device (mknod is refused there, and
 * its tmpfs ignores device nodes): the host's /dev/PATH is bound onto
 * an empty file instead, once fstat() has shown it is the node asked
 * for. Its mode and owner stay the host's: a chmod here would change
 * the host's node. */
static int bind_host(const struct fs_config *c, int dirfd, const char *base, const char *where,
		     const struct fs_device *d)
{
	char host[PATH_MAX], target[PATH_MAX + 16];
	struct stat st;
	int sfd, ret = -1;

	snprintf(host, sizeof(host), "/dev/%s", d->path);
	snprintf(target, sizeof(target), "%s/%s", where, d->path);
	sfd = open(host, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (sfd == -1) {
		nsl_error(errno, "open(\"%s\", O_PATH|O_NOFOLLOW) (linux.devices)", host);
		nsl_hint("in a user namespace a device node cannot be made, only bound from the "
			 "host's: the host needs %s", host);
		return -1;
	}
	errno = 0;
	if (fstat(sfd, &st) == -1 || !is_node(&st, d)) {
		nsl_error(errno != 0 ? errno : EINVAL, "\"%s\" is not the %c device %u:%u", host,
			  kind(d->type), d->major, d->minor);
		goto out;
	}
	/* One of the six, bound from the host already: that very node. */
	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		ret = is_node(&st, d) || S_ISLNK(st.st_mode) ? 0 : -1; /* ptmx... kept */
		if (ret == -1)
			nsl_error(EEXIST, "\"%s\" is there already, and not the %c device %u:%u",
				  target, kind(d->type), d->major, d->minor);
		goto out;
	}
	ret = dev_bind_host(c, dirfd, base, sfd, target);
out:
	close(sfd);
	return ret;
}

/* mknod, then its owner; a node that is there already (one of the six)
 * must be this one, and gets the mode and owner asked for. */
static int make(int dirfd, const char *base, const char *where, const struct fs_device *d)
{
	char target[PATH_MAX + 16];
	struct stat st;

	snprintf(target, sizeof(target), "%s/%s", where, d->path);
	say_more("mknodat(\"%s\", S_IF%s|%04o, makedev(%u, %u)), owner %u:%u", target,
		 d->type == S_IFBLK ? "BLK" : d->type == S_IFIFO ? "IFO" : "CHR", d->mode,
		 d->major, d->minor, (unsigned)d->uid, (unsigned)d->gid);
	if (mknodat(dirfd, base, d->type | d->mode, makedev(d->major, d->minor)) == -1) {
		if (errno != EEXIST) {
			nsl_error(errno, "mknod(\"%s\", S_IF%c|%04o, makedev(%u, %u))", target,
				  kind(d->type), d->mode, d->major, d->minor);
			return -1;
		}
		if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			say_more("%s: one of /dev's links already (ptmx...), kept", target);
			return 0; /* runc skips what is there, too */
		}
		if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == -1 || !is_node(&st, d)) {
			nsl_error(EEXIST, "\"%s\" is there already, and not the %c device %u:%u",
				  target, kind(d->type), d->major, d->minor);
			return -1;
		}
		if (fchmodat(dirfd, base, d->mode, 0) == -1) {
			nsl_error(errno, "chmod(\"%s\", %04o)", target, d->mode);
			return -1;
		}
	}
	if (fchownat(dirfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) == -1) {
		nsl_error(errno, "chown(\"%s\", %u, %u)", target, (unsigned)d->uid,
			  (unsigned)d->gid);
		return -1;
	}
	return 0;
}

int dev_make_nodes(const struct fs_config *c, int devfd, const char *where)
{
	char list[256] = "";
	size_t used = 0;

	for (size_t i = 0; i < c->ndevices; i++) {
		const struct fs_device *d = &c->devices[i];
		const char *base;
		int dirfd = parent_of(devfd, where, d, &base), ret;

		if (dirfd == -1)
			return -1;
		ret = c->userns && d->type != S_IFIFO ? bind_host(c, dirfd, base, where, d)
						      : make(dirfd, base, where, d);
		close(dirfd);
		if (ret == -1)
			return -1;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, " /dev/%s (%c %u:%u)",
						 d->path, kind(d->type), d->major, d->minor);
	}
	say("linux.devices:%s, %s", list, c->userns ? "bound from the host's (no mknod in a user "
	    "namespace)" : "made with mknod");
	return 0;
}
