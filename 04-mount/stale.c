/* stale.c - what 04-mount's parent does first: remove what earlier runs
 * left on the host when they were killed with SIGKILL, which no program
 * can catch and clean up after.
 *
 * Their mounts died with their mount namespaces; what can stay are
 * directories and files, each named after the run's pid:
 *
 *   ROOTFS/.put_old.PID        the child's put_old, if the kill came
 *                              between its mkdir and its rmdir
 *   ROOTFS/.nslab-made.PID     the record of the volumes' mount points
 *                              the parent made (record.c), with them
 *   /tmp/nslab-04.PID.XXXXXX/  the --chroot/--no-pidns marker
 *
 * One is removed only when no process has its pid any more: a run going
 * on in parallel keeps its own. The rootfs swept is the one this run
 * uses; another rootfs is swept when a run uses it.
 *
 * Read: kill(2), rmdir(2), unlinkat(2).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"
#include "fail.h"
#include "say.h"
#include "sweep.h"

/* ROOTFS/NAME, the put_old of run PID: an empty directory on the host's
 * side, whatever was mounted on it in the dead run's namespace. */
static void remove_put_old_of(int rootfd, const char *rootfs, const char *name, pid_t pid)
{
	if (unlinkat(rootfd, name, AT_REMOVEDIR) == 0)
		say("removed %s/%s, left by run %d, which is gone", rootfs, name, (int)pid);
	else if (errno != ENOENT) /* ENOENT: a parallel run was first */
		nsl_error(errno, "rmdir(\"%s/%s\")", rootfs, name);
}

/* ROOTFS/NAME, the record of run PID: what it lists, then the record. */
static void undo_record_of(const char *rootfs, const char *name, pid_t pid)
{
	int removed;

	if (mnt_record_undo(rootfs, name, &removed) == -1) {
		int err = errno; /* printing may change errno */

		if (err == ENOENT) /* a parallel run was first */
			return;
		nsl_error(err, "%s", nsl_failed_call());
		if (err == ENOTEMPTY)
			nsl_hint("run %d, which is gone, made it as a mount point; something "
				 "was put there since: look, then remove it yourself", (int)pid);
		return;
	}
	say("removed %s/%s and the %d mount point%s it lists, left by run %d, which is gone",
	    rootfs, name, removed, removed == 1 ? "" : "s", (int)pid);
}

void mnt_sweep_rootfs(const char *rootfs)
{
	const char *rest;
	struct dirent *e;
	DIR *dir;
	pid_t pid;

	dir = opendir(rootfs);
	if (dir == NULL) {
		nsl_error(errno, "opendir(\"%s\")", rootfs);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		rest = sweep_pid_in(e->d_name, ".put_old.", &pid);
		if (rest != NULL && *rest == '\0' && sweep_run_gone(pid))
			remove_put_old_of(dirfd(dir), rootfs, e->d_name, pid);
		rest = sweep_pid_in(e->d_name, MNT_RECORD_PREFIX, &pid);
		if (rest != NULL && *rest == '\0' && sweep_run_gone(pid))
			undo_record_of(rootfs, e->d_name, pid);
	}
	closedir(dir);
}

void stale_sweep(const struct demo *d)
{
	static const char *const marker_entries[] = { MARKER_FILE, NULL };

	mnt_sweep_rootfs(d->rootfs);
	sweep_tmpdirs("/tmp", MARKER_PREFIX, marker_entries);
}
