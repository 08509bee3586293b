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
 * The piece is two files, one header: mnt.c (the tree, the root, /proc)
 * and volume.c (volumes and their mount points).
 *
 * Every function returns 0 (or a file descriptor, or a pointer) on
 * success. On failure it returns -1 (or NULL) with errno set, and
 * mnt_failed_call() names the call that failed with its arguments, so the
 * caller can report it; a function here never prints and never exits.
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

/* The last call that failed in this piece, with its arguments, e.g.
 * "pivot_root(\"/srv/rootfs\", \"/srv/rootfs/.put_old.42\")". Like errno,
 * it is only meaningful right after a function here failed. */
const char *mnt_failed_call(void);

/* For the piece's own files (mnt.c, volume.c): record the call that
 * failed, for mnt_failed_call(), and return -1 with errno untouched. */
int mnt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

/* mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL): no mount event
 * propagates between this namespace and any other any more, either way. */
int mnt_make_private(void);

/* mount(ROOTFS, ROOTFS, NULL, MS_BIND|MS_REC, NULL): the directory
 * becomes a mount point of its own, which pivot_root(2) requires of its
 * new root. */
int mnt_bind_rootfs(const char *rootfs);

/* Open CTR under ROOTFS for use as a mount point, creating it when it is
 * missing (a directory, or an empty file when IS_DIR is 0) along with any
 * missing parent directories. The path is resolved by the kernel with
 * RESOLVE_BENEATH, so one that would leave ROOTFS through ".." or a
 * symlink fails with EXDEV and nothing is created. *CREATED gets how many
 * path components were made (0: it existed). Returns an O_PATH descriptor;
 * close it. */
int mnt_make_target(const char *rootfs, const char *ctr, int is_dir, int *created);

/* Undo mnt_make_target(): remove the CREATED last components of CTR, the
 * deepest first. Fails with ENOTEMPTY when something was written there. */
int mnt_remove_created(const char *rootfs, const char *ctr, int is_dir, int created);

/* Bind-mount V->host at V->ctr under ROOTFS (resolved as above, never
 * created here), then, for ":ro", remount the bind read-only. */
int mnt_bind_volume(const char *rootfs, const struct mnt_volume *v);

/* Make NEW_ROOT (a mount point) the root: create PUT_OLD, a path inside
 * the new root such as "/.put_old.42", pivot_root(2) into NEW_ROOT with
 * the old root moved to PUT_OLD, and chdir("/"). On failure PUT_OLD is
 * removed again. */
int mnt_pivot_root(const char *new_root, const char *put_old);

/* After mnt_pivot_root(): umount2(PUT_OLD, MNT_DETACH), which takes the
 * whole old tree away from this namespace, then rmdir(PUT_OLD). */
int mnt_detach_old_root(const char *put_old);

/* chroot(DIR) and chdir("/"), the older way in, kept to show its leak. */
int mnt_chroot(const char *dir);

/* A new procfs at TARGET, mount("proc", TARGET, "proc",
 * MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL). It shows the processes of the PID
 * namespace the caller is in. */
int mnt_mount_proc(const char *target);

#endif
