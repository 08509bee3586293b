/* demo.h - what the files of the 04-mount demo share: the options, the
 * state the parent hands the child through clone(), and the entry points.
 *
 *   main.c   the host's side: options, clone, the evidence from outside,
 *            the before/after check of the host's mount table
 *   host.c   what the host's side makes and removes: the rootfs check,
 *            the volumes' mount points, the marker file
 *   stale.c  what the host's side does first: remove what earlier runs,
 *            killed with SIGKILL, left in the rootfs and in /tmp
 *   child.c  the container's side: private tree, bind, pivot_root, /proc,
 *            volumes, then a tiny init that runs the command
 *   leaks.c  the two teaching flags: --chroot's escape and --no-pidns's
 *            /proc/1/root
 */
#ifndef NSLAB_04_DEMO_H
#define NSLAB_04_DEMO_H

#include <limits.h>

#include "mnt.h"

#define PROG "04-mount"
#define MAX_VOLUMES 16

/* The marker lives in /tmp/MARKER_PREFIX.PID.XXXXXX/MARKER_FILE. */
#define MARKER_PREFIX "nslab-04."
#define MARKER_FILE "marker"

struct opts {
	const char *rootfs; /* -r; NULL: rootfs/ here, else the repo's */
	struct mnt_volume vol[MAX_VOLUMES];
	int nvol;
	int use_chroot; /* --chroot */
	int no_pidns;   /* --no-pidns */
	const char *propagation; /* --propagation TYPE, or NULL: private */
	const char *marker;      /* --marker FILE, or NULL: make one */
	char **cmd;     /* NULL: the tour */
};

struct demo {
	const struct opts *o;
	char rootfs[PATH_MAX]; /* absolute, symlinks resolved */
	char put_old[64];      /* "/.put_old.PID", inside the new root */
	char marker[PATH_MAX]; /* a file only the host has, or "" */
	int ready[2];          /* child -> parent: "set up, look now" */
	int go[2];             /* parent -> child: "start", then "run CMD" */
	/* The parent's own: the mount points it made, in the rootfs. */
	struct mnt_record record;
};

/* host.c, all in the parent. */

/* Resolve the rootfs (GIVEN, or NULL for the default) into OUT and check
 * that it is one; reports and returns -1 if not. */
int find_rootfs(const char *given, char *out);

/* Make the volumes' missing mount points inside the rootfs, noting each
 * in the record first; undo it, going by the record. */
int make_targets(struct demo *d);
void remove_targets(struct demo *d);

/* A file in a new /tmp/nslab-04.PID.XXXXXX/ holding a random word, which
 * the container should have no way to read (--chroot, --no-pidns); or
 * the file --marker names, which is never removed. Undo it. */
int make_marker(struct demo *d);
void remove_marker(struct demo *d);

/* Remove the child's put_old directory if it is still there: the child
 * removes it itself, unless it died between mkdir and rmdir. */
void remove_put_old(const struct demo *d);

/* stale.c: remove the put_old directories and the mount points (by their
 * record) that runs now gone left in the rootfs, and their markers. */
void stale_sweep(const struct demo *d);

/* child.c: clone()'s entry point, in the new namespaces. */
int child_main(void *arg);

/* leaks.c, both run inside the container before its command. D->marker
 * is the host's file each tries to read. */
void leak_chroot_escape(const struct demo *d);
void leak_proc1_root(const struct demo *d);

#endif
