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
#include "fail.h"
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

/* Make the mount point of volume V, if it is missing. */
static int make_target(struct demo *d, const struct mnt_volume *v)
{
	struct stat st;
	int fd, created;

	if (stat(v->host, &st) == -1) {
		int err = errno;

		nsl_error(err, "stat(\"%s\")", v->host);
		if (err == ENOENT)
			nsl_hint("the HOST side of -V %s:%s must exist; create it first "
				 "(mkdir -p %s)", v->host, v->ctr, v->host);
		return -1;
	}
	fd = mnt_make_target(d->rootfs, v->ctr, S_ISDIR(st.st_mode), &d->record, &created);
	if (fd == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	close(fd);
	if (created > 0)
		say("made the mount point %s inside the rootfs (removed again at the end)", v->ctr);
	return 0;
}

/* A bind mount needs a mount point of the same kind as its source: a
 * directory for a directory, a file for a file. The parent makes the
 * missing ones here, on the host's side, before the child exists. A
 * directory outlives whoever made it, so each path goes into a record in
 * the rootfs, .nslab-made.PID, before it is made: the parent removes
 * exactly what the record lists at the end, and if a SIGKILL keeps it from
 * that, the next run does (stale.c). A target that would resolve outside
 * the rootfs fails here with EXDEV, and nothing is made. */
int make_targets(struct demo *d)
{
	int ret = 0;

	mnt_record_init(&d->record, d->rootfs, getpid());
	for (int i = 0; i < d->o->nvol && ret == 0; i++)
		ret = make_target(d, &d->o->vol[i]);
	mnt_record_close(&d->record);
	return ret;
}

void remove_targets(struct demo *d)
{
	int removed;

	if (d->record.name[0] == '\0') /* nothing was made */
		return;
	if (mnt_record_undo(d->rootfs, d->record.name, &removed) == -1)
		nsl_error(errno, "%s", nsl_failed_call());
	else
		say_more("removed the %d mount point%s listed in %s/%s, and the list", removed,
			 removed == 1 ? "" : "s", d->rootfs, d->record.name);
	d->record.name[0] = '\0';
}

int make_marker(struct demo *d)
{
	char dir[64], token[32], line[40];
	unsigned char rnd[6];
	int fd, len;

	if (d->o->marker != NULL) { /* the caller's own file: only its path */
		if (realpath(d->o->marker, d->marker) == NULL) {
			nsl_error(errno, "realpath(\"%s\")", d->o->marker);
			d->marker[0] = '\0';
			return -1;
		}
		say("the marker is %s (--marker), a file on the host", d->marker);
		return 0;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		nsl_error(errno, "getrandom(%zu)", sizeof(rnd));
		return -1;
	}
	snprintf(token, sizeof(token), "host-only-%02x%02x%02x%02x%02x%02x",
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	/* The pid in the name tells a later run whose it is (stale.c). */
	snprintf(dir, sizeof(dir), "/tmp/" MARKER_PREFIX "%d.XXXXXX", (int)getpid());
	if (mkdtemp(dir) == NULL) {
		nsl_error(errno, "mkdtemp(\"%s\")", dir);
		return -1;
	}
	snprintf(d->marker, sizeof(d->marker), "%s/" MARKER_FILE, dir);
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

	if (d->marker[0] == '\0' || slash == NULL || d->o->marker != NULL) {
		d->marker[0] = '\0';
		return;
	}
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
