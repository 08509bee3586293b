/* mnt.h - the mount namespace piece: a private mount tree, a new root, a
 * fresh /proc, volumes.
 *
 * A new mount namespace starts as a copy of its parent's mount tree, and
 * each copied mount keeps its propagation type: a mount that was shared
 * stays a peer of the original, so a mount made under it appears on the
 * host as well. Making the whole tree private first cuts those links. Then
 * a root filesystem is bind-mounted onto itself (pivot_root wants a mount
 * point), pivot_root swaps it in as /, and the old root is detached.
 *
 * Read: mount_namespaces(7), mount(2), pivot_root(2), umount(2),
 * chroot(2), openat2(2), proc(5).
 *
 * The piece is three files, one header: mnt.c (the tree, the root,
 * /proc), volume.c (volumes and their mount points) and record.c (the
 * record of the mount points made, which outlives a SIGKILL).
 *
 * Every function returns 0 (or a file descriptor, or a pointer) on
 * success. On failure it returns -1 (or NULL) with errno set, and
 * nsl_failed_call() (common/fail.h) names the call that failed with its
 * arguments, e.g. "pivot_root(\"/srv/rootfs\", \"/srv/rootfs/.put_old.42\")",
 * so the caller can report it; a function here never prints and never
 * exits.
 */
#ifndef NSLAB_MNT_H
#define NSLAB_MNT_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/* A volume, HOST:CTR[:ro]: the host's path HOST bind-mounted at CTR in
 * the container, read-only with ":ro". */
struct mnt_volume {
	char host[PATH_MAX];
	char ctr[PATH_MAX]; /* absolute, as the container sees it */
	int readonly;
};

/* For the piece's own files: openat2(DIRFD, PATH) with O_PATH and
 * RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS, a descriptor that cannot lead
 * outside DIRFD. */
int mnt_open_beneath(int dirfd, const char *path);

/* Parse "HOST:CTR", "HOST:CTR:ro" or "HOST:CTR:rw" into V. CTR must be
 * absolute and not "/" itself; paths containing ':' cannot be given. A
 * pure function: it only reads SPEC and writes V. 0, or -1 with errno
 * EINVAL (or ENAMETOOLONG). */
int mnt_parse_volume(const char *spec, struct mnt_volume *v);

/* The propagation of the mount at MOUNTPOINT as /proc/self/mountinfo
 * tells it: its optional fields ("shared:1", "master:3", ...), or
 * "private" when there are none. */
int mnt_propagation(const char *mountpoint, char *buf, size_t len);

/* /proc/PID/mountinfo (PID 0: the caller's), whole, in a malloc()ed
 * string; *LINES gets the number of mounts. Free it with free(). */
char *mnt_table(pid_t pid, size_t *lines);

/* Every mount of this namespace private: no mount event propagates
 * between this namespace and any other any more, either way. */
int mnt_make_private(void);

/* Give the mount at TARGET, and every mount below it, the propagation
 * TYPE: "shared", "slave", "private" or "unbindable" (mount_namespaces(7),
 * "Shared subtrees"); any other word fails with EINVAL. TARGET "/" with
 * "private" is what mnt_make_private() does; 04-mount --propagation tries
 * the others, in a scratch mount namespace only. */
int mnt_set_propagation(const char *target, const char *type);

/* ROOTFS, with the mounts already below it, becomes a mount point of its
 * own, which pivot_root(2) requires of its new root. */
int mnt_bind_rootfs(const char *rootfs);

/* Open CTR under ROOTFS for use as a mount point, creating it when it is
 * missing (a directory, or an empty file when IS_DIR is 0) along with any
 * missing parent directories. The path is resolved by the kernel with
 * RESOLVE_BENEATH, so one that would leave ROOTFS through ".." or a
 * symlink fails with EXDEV and nothing is created. Each component is
 * written to RECORD (or to none, if NULL) before it is made. *CREATED
 * gets how many path components were made (0: it existed). Returns an
 * O_PATH descriptor; close it. */
struct mnt_record;
int mnt_make_target(const char *rootfs, const char *ctr, int is_dir,
		    struct mnt_record *record, int *created);

/* The record of the mount points a run makes in a rootfs: the file
 * ROOTFS/.nslab-made.PID. A directory outlives the process that made it;
 * if the run is killed with SIGKILL, the record is what lets the next run
 * find and remove exactly what it made, and nothing else. */
#define MNT_RECORD_PREFIX ".nslab-made."

struct mnt_record {
	const char *rootfs;
	pid_t pid;     /* the run's, for the name */
	int fd;        /* -1 until the first path is written */
	char name[32]; /* ".nslab-made.PID" once made, "" before */
};

/* A record for ROOTFS, made (O_EXCL) only when the first path goes in:
 * a run that makes nothing leaves no trace. */
void mnt_record_init(struct mnt_record *r, const char *rootfs, pid_t pid);

/* For the piece's own files: append one path, a directory or a file. */
int mnt_record_add(struct mnt_record *r, int is_dir, const char *rel);

/* Close the record's descriptor; the name stays, for mnt_record_undo(). */
void mnt_record_close(struct mnt_record *r);

/* Undo the record NAME in ROOTFS: remove what it lists, the last made
 * first - a directory only if empty, a file only if empty; a path that is
 * not there counts as done - then the record itself. *REMOVED gets how
 * many paths were removed. Returns 0, or -1 with errno for the first path
 * that could not be removed (ENOTEMPTY: something was put there since).
 * Once read, the record goes even when a path stays, so that the failure
 * is reported once, not by every later run. */
int mnt_record_undo(const char *rootfs, const char *name, int *removed);

/* Bind-mount V->host at V->ctr under ROOTFS (resolved as above, never
 * created here), then, for ":ro", remount the bind read-only. */
int mnt_bind_volume(const char *rootfs, const struct mnt_volume *v);

/* The flags of the mount FD is on, as fstatvfs(2) reports them, in
 * mount(2)'s terms (MS_NOSUID, MS_NODEV, MS_NOEXEC and the atime flags),
 * or 0 if it cannot tell. A remount sets every flag at once: pass these
 * along with MS_RDONLY so that making a mount read-only drops none of
 * them (in a user namespace, dropping one that a more privileged
 * namespace set fails with EPERM: the flag is locked). */
unsigned long mnt_kept_flags(int fd);

/* Make NEW_ROOT (a mount point) the root: create PUT_OLD, a path inside
 * the new root such as "/.put_old.42", pivot_root(2) into NEW_ROOT with
 * the old root moved to PUT_OLD, and chdir("/"). On failure PUT_OLD is
 * removed again. */
int mnt_pivot_root(const char *new_root, const char *put_old);

/* After mnt_pivot_root(): take the whole old tree, hung at PUT_OLD, out
 * of this namespace at once, then remove the directory PUT_OLD. */
int mnt_detach_old_root(const char *put_old);

/* Remove what runs killed with SIGKILL left in ROOTFS: a put_old
 * directory (".put_old.PID") or a record of mount points
 * (MNT_RECORD_PREFIX "PID") and what it lists, each only when no process
 * has that PID any more. Says what it removed; reports what it could not.
 * In stale.c, with the rest of 04's sweep; 07's runtime calls it too. */
void mnt_sweep_rootfs(const char *rootfs);

/* chroot(DIR) and chdir("/"), the older way in, kept to show its leak. */
int mnt_chroot(const char *dir);

/* A new procfs at TARGET, without set-user-ID programs, device files or
 * execution. It shows the processes of the PID namespace the caller is
 * in. */
int mnt_mount_proc(const char *target);

#endif
