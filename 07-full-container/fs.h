/* fs.h - the container's file system: from a copy of the host's mount
 * tree to the rootfs as /, with /proc, /dev, /sys, volumes, masked and
 * read-only paths. Built on the 04-mount piece (../04-mount/mnt.h).
 *
 * Every mount target is resolved inside the rootfs (openat2 with
 * RESOLVE_BENEATH, then the mount made on /proc/self/fd/N), so a rootfs
 * whose /proc, /dev or /sys is a symlink, or a volume whose target leads
 * out, can never make us mount onto a host path. */
#ifndef NSLAB_FS_H
#define NSLAB_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "../04-mount/mnt.h"

/* A new file system that the OCI runtime's config.json asks for beyond
 * the ones every container gets (containerd's tmpfs at /run, the mqueue
 * at /dev/mqueue): TYPE ("tmpfs", "mqueue") at DEST inside the rootfs,
 * mounted with FLAGS (MS_NOSUID...) and DATA ("mode=755,..."). */
struct fs_newfs {
	const char *type;
	const char *dest;
	unsigned long flags;
	char data[128];
	int own_fs;    /* its mount point is made in a file system of the
			* container's own (the OCI runtime's cgroup v1 view's
			* tmpfs), not in the rootfs: nothing to record */
};

/* What the OCI runtime's config.json asks for on one of its mounts
 * beyond the mount itself, set on the mount at DEST once every mount is
 * made: a bind mount's flags (SET, such as MS_NOSUID or MS_RDONLY, and
 * CLEAR, for "suid"...), by a remount that keeps the rest, and a
 * propagation (PROP: MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE,
 * with MS_REC for the "r" ones; 0: none). A propagation holds inside the
 * container's namespace alone: every mount there was made private
 * first, so a shared one starts a peer group of its own and a slave one
 * has no master. */
struct fs_attr {
	const char *dest;
	unsigned long set, clear, prop;
};

/* A device node the OCI runtime's linux.devices asks for, made in the
 * container's /dev by dev_nodes.c: PATH below /dev ("fuse", "net/tun"),
 * of TYPE S_IFCHR, S_IFBLK or S_IFIFO, with the permission bits MODE,
 * owned by UID:GID as the container numbers them. */
struct fs_device {
	const char *path;
	mode_t type, mode;
	unsigned int major, minor;
	uid_t uid;
	gid_t gid;
};

struct fs_config {
	const char *rootfs;              /* absolute host path */
	const struct mnt_volume *vol;
	size_t nvol;
	const struct fs_newfs *newfs;    /* mounted before the volumes */
	size_t nnewfs;
	const struct fs_attr *attr;      /* set after the volumes */
	size_t nattr;
	const char *const *masked;       /* config.json's maskedPaths and */
	size_t nmasked;                  /* readonlyPaths, relative to the */
	const char *const *readonly;     /* rootfs; NULL: the runtime spec's */
	size_t nreadonly;                /* defaults (dev.c, fs.c) */
	int userns;                      /* in a new user namespace: mknod is
					  * not allowed, so device nodes are
					  * bind-mounted from the host */
	struct mnt_record *record;       /* the mount points we create inside
					  * the rootfs, undone by the host
					  * side after the container ends.
					  * fs_setup() runs in the child, so
					  * record->name is set in the child's
					  * copy only: the host finds the file
					  * by its name, MNT_RECORD_PREFIX and
					  * the pid it gave mnt_record_init() */
	int overlay;                     /* --overlay: the rootfs as the lower
					  * layer of an overlay (fs_overlay.c) */
	const char *upper;               /* --upper DIR: its upper layer in
					  * DIR/upper, kept; NULL: a tmpfs */
	const struct fs_device *devices; /* the OCI runtime's linux.devices, */
	size_t ndevices;                 /* made after the default nodes */
	unsigned long root_prop;         /* its rootfsPropagation (MS_SHARED,
					  * MS_REC|MS_SLAVE...); 0: none */
};

/* In the child, in its new mount namespace (and user namespace, when
 * there is one, already mapped): make every mount private, bind the
 * rootfs, mount /proc, /dev (with /dev/pts, /dev/shm and the standard
 * links), /sys read-only (or leave it out when that is not allowed),
 * the volumes, the masked and the read-only paths, then pivot_root and
 * detach the old root. Narrates each step (say/say_more). Returns 0, or
 * -1 after reporting the failed call with nsl_error(). */
int fs_setup(const struct fs_config *c);

/* fs_overlay.c: --overlay, in the container's private mount namespace:
 * an overlay on the rootfs's own path, the rootfs its lower layer, the
 * upper a new tmpfs or C->upper's DIR/upper. 0, or -1 with the call
 * recorded (fail.h). */
int fs_overlay_rootfs(const struct fs_config *c);

/* The steps of fs_setup() after the bind, one by one, for 07-mini
 * (mini.c), which takes them in its own order. ROOTFD is the bound
 * rootfs, opened O_PATH; each reports its failure and returns -1.
 *   fs_mount_proc()      a new procfs at /proc (nosuid,nodev,noexec)
 *   fs_mount_sys()       sysfs at /sys, read-only; left out, and said,
 *                        where a user namespace may not mount it
 *   fs_readonly_paths()  the runtime spec's readonlyPaths, made read-only
 *   fs_enter_root()      pivot_root(".", ".") in the rootfs, the old root
 *                        detached: the host's tree is gone from here on */
int fs_mount_proc(const struct fs_config *c, int rootfd);
int fs_mount_sys(const struct fs_config *c, int rootfd);
int fs_readonly_paths(const struct fs_config *c, int rootfd);
int fs_enter_root(const struct fs_config *c, int rootfd);

/* --- Shared by fs.c and dev.c only --------------------------------- */

/* openat2(DIRFD, PATH) as an O_PATH descriptor, resolved by the kernel
 * with RESOLVE_BENEATH (never above DIRFD: EXDEV), RESOLVE_NO_MAGICLINKS
 * and RESOLVE_NO_SYMLINKS (no component may be a symlink at all: ELOOP);
 * with O_DIRECTORY when DIR is 1 (ENOTDIR). -1 with errno, unreported. */
int fs_open_strict(int dirfd, const char *path, int dir);

/* Report a failed fs_open_strict(WHERE's descriptor, PATH), with a hint
 * when PATH is or passes through a symlink. Returns -1. */
int fs_report_open(const char *where, const char *path);

/* A hint for ERR from making PATH (a mount point, a file in /dev) in a
 * user namespace: an unmapped caller (EOVERFLOW), a rootfs the
 * container's root may not write (EACCES). */
void fs_hint_create(const struct fs_config *c, int err, const char *path);

/* /proc, /dev or /sys of the rootfs (NAME is "proc", "dev" or "sys"),
 * opened strictly as above, made with mnt_make_target() (and recorded)
 * when missing; with no record (07-mini), a missing one is refused
 * instead. Reports a failure, with a hint for a symlink. */
int fs_open_top(const struct fs_config *c, int rootfd, const char *name);

/* mount(SOURCE, "/proc/self/fd/FD", TYPE, FLAGS, DATA): the mount lands
 * on exactly the file FD was opened on, whatever its path now leads to.
 * WHERE names that file for the narration (say_more) and, on failure,
 * the error (nsl_error). 0, or -1 after the report. */
int fs_mount_on(const char *source, int fd, const char *where, const char *type,
		unsigned long flags, const char *data);

/* dev.c: the container's /dev on the rootfs (ROOTFD): a tmpfs with the
 * six device nodes, /dev/pts, /dev/shm and the standard links. */
int dev_setup(const struct fs_config *c, int rootfd);

/* dev.c: the host's device node SFD (opened O_PATH and checked by the
 * caller) bound onto a new empty file NAME in DIRFD, TARGET its path.
 * 0, or -1 after the report. dev_nodes.c's too. */
int dev_bind_host(const struct fs_config *c, int dirfd, const char *name, int sfd,
		  const char *target);

/* dev.c: the runtime spec's maskedPaths under the rootfs (ROOTFD), once
 * /proc, /dev and /sys are there: a file gets its /dev/null bound over
 * it, checked first to be the real one; a directory an empty read-only
 * tmpfs; a path this kernel does not have is skipped. */
int dev_mask_paths(const struct fs_config *c, int rootfd);

/* The OCI runtime's linux.rootfsPropagation, in the init once / is
 * the rootfs (pivot_root refuses a shared new root, so not before): /
 * given C->root_prop. Every mount there was made private first, so
 * "shared" starts a peer group of the container's own, and a "slave"
 * has no master: nothing crosses to or from the host (so Kubernetes'
 * HostToContainer propagation cannot work). An r form covers every
 * mount; the propagation config.json gives a mount of its own is then
 * set again, so that it still wins (runc's rshared, set last, wins over
 * it instead). 0 (also with none asked for), or -1 after the report. */
int fs_root_propagation(const struct fs_config *c);

/* dev_nodes.c: C's devices (the OCI runtime's linux.devices) in the
 * container's new /dev (DEVFD, WHERE its path), with the umask cleared:
 * made with mknod, or in a user namespace bound from the host's node of
 * the same path, checked first to be that device; their directories
 * made; one that is there already (the defaults) must be that device,
 * and takes the mode and owner asked for. 0, or -1 after the report. */
int dev_make_nodes(const struct fs_config *c, int devfd, const char *where);

#endif
