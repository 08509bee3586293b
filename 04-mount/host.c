/* host.c - what the parent of 04-mount prepares on the host, and removes
 * again: the rootfs it checks, the volumes' mount points it makes, the
 * marker file the teaching flags read, a put_old the child left. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "say.h"

/* The rootfs/ of the repository this program was built in: bin/../rootfs. */
static void repo_rootfs(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	buf[0] = '\0';
	if (n == -1)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(buf, len, "%.*s/../rootfs", (int)(len - 12), exe);
}

int find_rootfs(const char *given, char *out)
{
	char repo[PATH_MAX], proc[PATH_MAX + 8];
	const char *path = given;
	struct stat st;
	int err;

	repo[0] = '\0';
	if (path == NULL) {
		/* ./rootfs first; else the one `make rootfs` builds beside bin/,
		 * so that bin/04-mount works from any directory. */
		path = "rootfs";
		repo_rootfs(repo, sizeof(repo));
		if (access(path, F_OK) == -1 && repo[0] != '\0' && access(repo, F_OK) == 0)
			path = repo;
	}
	if (realpath(path, out) == NULL) {
		nsl_error(errno, "realpath(\"%s\")", path);
		if (given == NULL && repo[0] != '\0')
			nsl_hint("no rootfs/ here, nor at %s: build one with `make rootfs`", repo);
		else
			nsl_hint("build a root filesystem with `make rootfs` (or "
				 "scripts/mkrootfs.sh DIR, then -r DIR)");
		return -1;
	}
	if (strcmp(out, "/") == 0) {
		nsl_error(EINVAL, "rootfs \"%s\"", path);
		nsl_hint("the rootfs must be a directory other than / (`make rootfs` builds one)");
		return -1;
	}
	snprintf(proc, sizeof(proc), "%s/proc", out);
	err = stat(proc, &st) == -1 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
	if (err != 0) {
		nsl_error(err, "stat(\"%s\")", proc);
		nsl_hint("\"%s\" has no proc/ to mount on: is it a root filesystem? "
			 "(`make rootfs` builds one)", out);
		return -1;
	}
	say_more("rootfs: %s", out);
	return 0;
}

/* A bind mount needs a mount point of the same kind as its source: a
 * directory for a directory, a file for a file. The parent makes the
 * missing ones here, on the host's side, before the child exists, and so
 * knows exactly what to remove when the child is gone. A target that
 * would resolve outside the rootfs fails here with EXDEV, and nothing is
 * made. */
int make_targets(struct demo *d)
{
	const struct opts *o = d->o;
	struct stat st;
	int fd;

	for (int i = 0; i < o->nvol; i++) {
		if (stat(o->vol[i].host, &st) == -1) {
			nsl_error(errno, "stat(\"%s\")", o->vol[i].host);
			return -1;
		}
		d->is_dir[i] = S_ISDIR(st.st_mode);
		fd = mnt_make_target(d->rootfs, o->vol[i].ctr, d->is_dir[i], &d->created[i]);
		if (fd == -1) {
			nsl_error(errno, "%s", mnt_failed_call());
			return -1;
		}
		close(fd);
		if (d->created[i] > 0)
			say("made the mount point %s inside the rootfs (removed again at the end)",
			    o->vol[i].ctr);
	}
	return 0;
}

void remove_targets(struct demo *d)
{
	for (int i = d->o->nvol - 1; i >= 0; i--) {
		if (d->created[i] == 0)
			continue;
		if (mnt_remove_created(d->rootfs, d->o->vol[i].ctr, d->is_dir[i], d->created[i]) == -1)
			nsl_error(errno, "%s", mnt_failed_call());
		else
			say_more("removed the mount point %s", d->o->vol[i].ctr);
		d->created[i] = 0;
	}
}

int make_marker(struct demo *d)
{
	char dir[] = "/tmp/nslab-04.XXXXXX", token[32], line[40];
	unsigned char rnd[6];
	int fd, len;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		nsl_error(errno, "getrandom(%zu)", sizeof(rnd));
		return -1;
	}
	snprintf(token, sizeof(token), "host-only-%02x%02x%02x%02x%02x%02x",
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	if (mkdtemp(dir) == NULL) {
		nsl_error(errno, "mkdtemp(\"%s\")", dir);
		return -1;
	}
	snprintf(d->marker, sizeof(d->marker), "%s/marker", dir);
	len = snprintf(line, sizeof(line), "%s\n", token);
	fd = open(d->marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1 || write(fd, line, (size_t)len) != len) {
		nsl_error(errno, "write(\"%s\")", d->marker);
		if (fd != -1)
			close(fd);
		remove_marker(d);
		return -1;
	}
	close(fd);
	say("wrote %s on the host, holding \"%s\"", d->marker, token);
	return 0;
}

void remove_marker(struct demo *d)
{
	char *slash = strrchr(d->marker, '/');

	if (d->marker[0] == '\0' || slash == NULL)
		return;
	unlink(d->marker);
	*slash = '\0';
	if (rmdir(d->marker) == -1)
		nsl_error(errno, "rmdir(\"%s\")", d->marker);
	d->marker[0] = '\0';
}

void remove_put_old(const struct demo *d)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s%s", d->rootfs, d->put_old);
	if (rmdir(path) == 0)
		say("removed the leftover %s", path);
}
