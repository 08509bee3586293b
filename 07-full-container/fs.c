/* fs.c - the container's file system: a private tree, the rootfs bound,
 * /proc, /sys, the volumes, the masked and read-only paths, then the
 * rootfs as / (dev.c makes /dev). See fs.h.
 *
 * Everything is mounted BEFORE pivot_root, while the host's / is still
 * ours: in a user namespace the kernel lets a new procfs (or sysfs) be
 * mounted only while a fully visible one is already in the mount
 * namespace (fs/namespace.c, mnt_too_revealing()), and the host's /proc
 * is the one it finds. So every target is a path inside a host directory,
 * and each is resolved by the kernel beneath the rootfs, never by us.
 *
 * The files:
 *   fs.c        the order, and each step: /proc, /sys, the volumes, the
 *               read-only paths, pivot_root
 *   fs_mount.c  how every step reaches its target: opened beneath the
 *               rootfs (openat2), mounted on that descriptor, narrated
 *   dev.c       /dev, and the masked paths
 * fs.h declares what they share; fs_int.h the one call only fs.c needs.
 *
 * Read: mount_namespaces(7), mount(2), openat2(2), pivot_root(2),
 * umount(2), proc(5), sysfs(5), and the OCI runtime spec's config-linux.md
 * (maskedPaths, readonlyPaths).
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

#include "fail.h"
#include "fs_int.h"
#include "say.h"
#include "syscalls.h"

/* The runtime spec's readonlyPaths (what Docker and runc use): the knobs
 * of the whole machine - sysctls, the magic SysRq key, IRQ affinity -
 * which /proc still shows from inside a container. dev.c masks the
 * maskedPaths. */
static const char *const readonly[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void report(void)
{
	nsl_error(errno, "%s", nsl_failed_call());
}

/* A procfs of our own: it shows the processes of the container's PID
 * namespace. nosuid, nodev, noexec as Docker mounts it. proc(5). */
int fs_mount_proc(const struct fs_config *c, int rootfd)
{
	char where[PATH_MAX + 8];
	int fd, ret, err;

	fd = fs_open_top(c, rootfd, "proc");
	if (fd == -1)
		return -1;
	snprintf(where, sizeof(where), "%s/proc", c->rootfs);
	ret = fs_mount_on("proc", fd, where, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	err = errno;
	close(fd);
	if (ret == -1) {
		if (err == EPERM && c->userns)
			nsl_hint("here, in a user namespace that has CAP_SYS_ADMIN, the cause is "
				 "another: a new procfs may be mounted only while a fully visible "
				 "/proc is in the mount namespace (mnt_too_revealing), and this "
				 "host's /proc has mounts over parts of it (inside a container?)");
		return -1;
	}
	say("/proc: a new procfs (nosuid,nodev,noexec) that lists this PID namespace only");
	return 0;
}

/* sysfs, read-only: the container may look at devices, never retune
 * them. The kernel mounts a sysfs that shows the network namespace of
 * the caller, and in a user namespace only if that user namespace owns
 * the network namespace (and, as for /proc, a full /sys is visible).
 * sysfs(5). */
int fs_mount_sys(const struct fs_config *c, int rootfd)
{
	char where[PATH_MAX + 8], call[PATH_MAX + 512];
	int fd, ret, err;

	fd = fs_open_top(c, rootfd, "sys");
	if (fd == -1)
		return -1;
	snprintf(where, sizeof(where), "%s/sys", c->rootfs);
	ret = fs_mount_fd("sysfs", fd, where, "sysfs",
			  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, call, sizeof(call));
	err = errno;
	close(fd);
	if (ret == 0) {
		say("/sys: sysfs, read-only (ro,nosuid,nodev,noexec)");
		return 0;
	}
	if (err == EPERM && c->userns) {
		say("/sys: left empty: sysfs may not be mounted here (EPERM): in a user "
		    "namespace only for a network namespace that user namespace owns");
		return 0;
	}
	nsl_error(err, "%s", call);
	return -1;
}

/* A volume: its mount point made inside the rootfs when missing (a
 * directory or a file, like its source; recorded so the host removes it
 * at the end), then the bind, resolved beneath the rootfs by 04's piece. */
static int setup_volume(const struct fs_config *c, const struct mnt_volume *v)
{
	struct stat st;
	int fd, created, err;

	if (stat(v->host, &st) == -1) {
		err = errno;
		nsl_error(err, "stat(\"%s\")", v->host);
		if (err == ENOENT)
			nsl_hint("the HOST side of -v %s:%s must exist; create it first", v->host,
				 v->ctr);
		return -1;
	}
	fd = mnt_make_target(c->rootfs, v->ctr, S_ISDIR(st.st_mode), c->record, &created);
	if (fd == -1) {
		err = errno;
		report();
		fs_hint_create(c, err, v->ctr);
		return -1;
	}
	close(fd);
	if (created > 0)
		say_more("made the mount point %s%s (%s)", c->rootfs, v->ctr,
			 c->overlay ? "in the upper layer" : "recorded, removed at the end");
	say_more("mount(\"%s\", \"%s%s\", NULL, MS_BIND, NULL)%s", v->host, c->rootfs, v->ctr,
		 v->readonly ? ", then MS_REMOUNT|MS_BIND|MS_RDONLY" : "");
	if (mnt_bind_volume(c->rootfs, v) == -1) {
		report();
		return -1;
	}
	say("volume: %s at %s%s", v->host, v->ctr, v->readonly ? ", read-only" : "");
	return 0;
}

/* T's flags and data, as mount(8) would list them, into BUF. */
static void newfs_options(const struct fs_newfs *t, char *buf, size_t len)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
		{ MS_RDONLY, "ro" }, { MS_NOSUID, "nosuid" }, { MS_NODEV, "nodev" },
		{ MS_NOEXEC, "noexec" }, { MS_STRICTATIME, "strictatime" },
		{ MS_RELATIME, "relatime" }, { MS_NOATIME, "noatime" },
		{ MS_NODIRATIME, "nodiratime" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < COUNT(names); i++)
		if ((t->flags & names[i].flag) && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
						 names[i].name);
	if (t->data[0] != '\0' && used < len)
		snprintf(buf + used, len - used, "%s%s", used ? "," : "", t->data);
	if (buf[0] == '\0')
		snprintf(buf, len, "no options");
}

/* config.json's tmpfs or mqueue at T->dest: its mount point made inside
 * the rootfs when missing (recorded, as a volume's), then the new file
 * system on it, resolved beneath the rootfs. */
static int setup_newfs(const struct fs_config *c, const struct fs_newfs *t)
{
	char opts[256];
	int fd, created, err;

	/* Below /dev the mount point is made on the container's own /dev
	 * tmpfs, for the cgroup v1 view on its tmpfs (T->own_fs), gone with
	 * them: not the rootfs's to undo. */
	fd = mnt_make_target(c->rootfs, t->dest, 1,
			     strncmp(t->dest, "/dev/", 5) == 0 || t->own_fs ? NULL : c->record,
			     &created);
	if (fd == -1) {
		err = errno;
		report();
		fs_hint_create(c, err, t->dest);
		return -1;
	}
	if (fs_mount_on(t->type, fd, t->dest, t->type, t->flags, t->data[0] ? t->data : NULL) ==
	    -1) {
		close(fd);
		return -1;
	}
	close(fd);
	newfs_options(t, opts, sizeof(opts));
	say("%s: a new %s (%s)", t->dest, t->type, opts);
	return 0;
}

/* Make REL read-only: bind it onto itself, then remount that bind
 * read-only. A bind ignores MS_RDONLY, so it takes the second call,
 * which changes the new mount alone; it sets every flag at once, so
 * the mount's nosuid, nodev and noexec go along (mnt_kept_flags()): in
 * a user namespace, a remount that would drop one fails with EPERM.
 * 1 if done, 0 if not there, -1. */
static int readonly_path(const struct fs_config *c, int rootfd, const char *rel)
{
	char where[PATH_MAX + 32], self[64];
	int fd, ret;

	fd = fs_open_strict(rootfd, rel, 0);
	if (fd == -1 && errno == ENOENT) {
		say_more("%s/%s: not on this kernel, nothing to make read-only", c->rootfs, rel);
		return 0;
	}
	if (fd == -1)
		return fs_report_open(c->rootfs, rel);
	snprintf(where, sizeof(where), "%s/%s", c->rootfs, rel);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	ret = fs_mount_on(self, fd, where, NULL, MS_BIND | MS_REC, NULL);
	close(fd);
	if (ret == -1)
		return -1;
	/* Open it again: the path now leads onto the new bind. */
	fd = fs_open_strict(rootfd, rel, 0);
	if (fd == -1)
		return fs_report_open(c->rootfs, rel);
	ret = fs_mount_on(NULL, fd, where, NULL,
			  MS_REMOUNT | MS_BIND | MS_RDONLY | mnt_kept_flags(fd), NULL);
	close(fd);
	return ret == -1 ? -1 : 1;
}

int fs_readonly_paths(const struct fs_config *c, int rootfd)
{
	const char *const *list = c->readonly != NULL ? c->readonly : readonly;
	size_t count = c->readonly != NULL ? c->nreadonly : COUNT(readonly);
	char done[256] = "";
	int r, n = 0;

	for (size_t i = 0; i < count; i++) {
		r = readonly_path(c, rootfd, list[i]);
		if (r == -1)
			return -1;
		if (r == 1)
			snprintf(done + strlen(done), sizeof(done) - strlen(done), " /%s", list[i]);
		n += r;
	}
	say("read-only:%s (not %s: %zu of %s %zu)", done,
	    c->readonly != NULL ? "there" : "on this kernel", count - (size_t)n,
	    c->readonly != NULL ? "config.json's" : "the runtime spec's", count);
	return 0;
}

/* The rootfs becomes /, and the host's tree leaves this namespace, with
 * no directory made in the rootfs: none can be left there by a SIGKILL,
 * and none can be reached from inside in the meantime. The detach cannot
 * reach the host: every mount is private since the first step. */
int fs_enter_root(const struct fs_config *c, int rootfd)
{
	say_more("fchdir(%d) (%s)", rootfd, c->rootfs);
	if (fchdir(rootfd) == -1) {
		nsl_error(errno, "fchdir(\"%s\")", c->rootfs);
		return -1;
	}
	/* LAB 07.4 pivot: the rootfs (the working directory) becomes /, the host's tree leaves the namespace, no put_old directory
	 * level: 2
	 * minutes: 15
	 * checks: 07.7 07.8 07m.1
	 * docs: docs/07-full-container.md#the-order-of-operations
	 * fail: / inside is not the rootfs, or a host mount is still there
	 * hint: pivot_root(2), NOTES: new_root and put_old may be the same directory; what is stacked where then?
	 * hint: umount(2): the old root has mounts below it; the lazy way, on "."
	 * hint: on failure: nsl_error(errno, "...") with the call, and return -1
	 * stub: errno = ENOSYS;
	 * stub: nsl_error(errno, "LAB 07.4: %s \"%s\"", "make / the rootfs", c->rootfs);
	 * stub: return -1;
	 */
	/* 04 gave pivot_root a put_old directory inside the new root; 07
	 * uses the idiom runc uses, pivot_root(".", "."): with the new root
	 * as the working directory, the old root is stacked on top of it, on
	 * the same spot, and umount2(".", MNT_DETACH) takes it (and every
	 * host mount under it) off again. pivot_root(2) documents the idiom;
	 * umount(2) explains MNT_DETACH. */
	say_more("pivot_root(\".\", \".\")");
	if (pivot_root(".", ".") == -1) {
		nsl_error(errno, "pivot_root(\".\", \".\") in \"%s\"", c->rootfs);
		return -1;
	}
	say_more("umount2(\".\", MNT_DETACH)");
	if (umount2(".", MNT_DETACH) == -1) {
		nsl_error(errno, "umount2(\".\", MNT_DETACH)");
		return -1;
	}
	say("pivot_root(\".\", \".\"), umount2(\".\", MNT_DETACH): %s is / now, and the "
	    "host's mounts are gone from this namespace", c->rootfs);
	/* END LAB */
	if (chdir("/") == -1) {
		nsl_error(errno, "chdir(\"/\")");
		return -1;
	}
	return 0;
}

/* The OCI runtime's flags and propagation of one of its mounts (fs.h),
 * on the mount at A->dest now, resolved beneath the rootfs. */
static int set_attr(const struct fs_config *c, int rootfd, const struct fs_attr *a)
{
	char where[PATH_MAX + 32], self[64];
	unsigned long flags;
	int fd, ret = 0;

	fd = fs_open_strict(rootfd, a->dest + 1, 0);
	if (fd == -1)
		return fs_report_open(c->rootfs, a->dest + 1);
	snprintf(where, sizeof(where), "%s%s", c->rootfs, a->dest);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (a->set | a->clear) {
		flags = ((mnt_kept_flags(fd) | a->set) & ~a->clear) | MS_REMOUNT | MS_BIND;
		say_more("mount(NULL, \"%s\", NULL, MS_REMOUNT|MS_BIND|%#lx, NULL)", where,
			 flags & ~(MS_REMOUNT | MS_BIND));
		if ((ret = mount(NULL, self, NULL, flags, NULL)) == -1)
			nsl_error(errno, "mount(NULL, \"%s\", NULL, MS_REMOUNT|MS_BIND|%#lx, NULL) "
				  "(config.json's options)", where, flags & ~(MS_REMOUNT | MS_BIND));
	}
	if (ret == 0 && a->prop != 0) {
		say_more("mount(NULL, \"%s\", NULL, %#lx, NULL): its propagation", where, a->prop);
		if ((ret = mount(NULL, self, NULL, a->prop, NULL)) == -1)
			nsl_error(errno, "mount(NULL, \"%s\", NULL, %s%s, NULL) (its propagation)",
				  where, a->prop & MS_REC ? "MS_REC|" : "",
				  a->prop & MS_SHARED ? "MS_SHARED" : a->prop & MS_SLAVE ? "MS_SLAVE" :
				  a->prop & MS_UNBINDABLE ? "MS_UNBINDABLE" : "MS_PRIVATE");
	}
	close(fd);
	return ret;
}

int fs_root_propagation(const struct fs_config *c)
{
	int rootfd, ret = 0;

	if (c->root_prop == 0)
		return 0;
	say_more("mount(NULL, \"/\", NULL, %#lx, NULL): the root's propagation", c->root_prop);
	if (mount(NULL, "/", NULL, c->root_prop, NULL) == -1) {
		nsl_error(errno, "mount(NULL, \"/\", NULL, %#lx, NULL) (linux.rootfsPropagation)",
			  c->root_prop);
		return -1;
	}
	if (c->root_prop & MS_REC) {
		rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd == -1) {
			nsl_error(errno, "open(\"/\", O_PATH)");
			return -1;
		}
		for (size_t i = 0; ret == 0 && i < c->nattr; i++) {
			struct fs_attr a = c->attr[i];

			a.set = a.clear = 0; /* its flags stand; only its propagation again */
			if (a.prop != 0 && strcmp(a.dest, "/") != 0)
				ret = set_attr(&(struct fs_config){ .rootfs = "" }, rootfd, &a);
		}
		close(rootfd);
	}
	if (ret == 0)
		say("/ is %s%s, as linux.rootfsPropagation asks, inside the container's mount "
		    "namespace alone", c->root_prop & MS_REC ? "recursively " : "",
		    c->root_prop & MS_SHARED ? "shared" : c->root_prop & MS_SLAVE ? "a slave" :
		    c->root_prop & MS_UNBINDABLE ? "unbindable" : "private");
	return ret;
}

/* Every step after the bind, in order: /proc, /dev, config.json's new
 * file systems below /dev, /sys, its others, then the volumes (a volume
 * may go below any of them) and the flags and propagation asked for,
 * the masks last, so that nothing mounted
 * later can uncover them. */
static int build_tree(const struct fs_config *c, int rootfd)
{
	if (fs_mount_proc(c, rootfd) == -1)
		return -1;
	if (dev_setup(c, rootfd) == -1)
		return -1;
	/* In the spec's order: /dev/mqueue comes before /sys, /run after. */
	for (size_t i = 0; i < c->nnewfs; i++)
		if (strncmp(c->newfs[i].dest, "/dev/", 5) == 0 && setup_newfs(c, &c->newfs[i]) == -1)
			return -1;
	if (fs_mount_sys(c, rootfd) == -1)
		return -1;
	for (size_t i = 0; i < c->nnewfs; i++)
		if (strncmp(c->newfs[i].dest, "/dev/", 5) != 0 && setup_newfs(c, &c->newfs[i]) == -1)
			return -1;
	for (size_t i = 0; i < c->nvol; i++)
		if (setup_volume(c, &c->vol[i]) == -1)
			return -1;
	for (size_t i = 0; i < c->nattr; i++)
		if (set_attr(c, rootfd, &c->attr[i]) == -1)
			return -1;
	if (dev_mask_paths(c, rootfd) == -1)
		return -1;
	if (fs_readonly_paths(c, rootfd) == -1)
		return -1;
	return fs_enter_root(c, rootfd);
}

int fs_setup(const struct fs_config *c)
{
	int rootfd, ret;

	/* First: on a systemd host / is shared, and this namespace's copy of
	 * it a peer of the host's; a mount below would appear there too. */
	say_more("mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
	if (mnt_make_private() == -1) {
		report();
		return -1;
	}
	say("every mount is private now: nothing mounted from here on reaches the host");
	if (c->overlay) {
		/* --overlay, --upper: an overlay there instead (fs_overlay.c). */
		if (fs_overlay_rootfs(c) == -1) {
			report();
			if (nsl_failed_hint() != NULL)
				nsl_hint("%s", nsl_failed_hint());
			return -1;
		}
		say("%s is the lower layer of an overlay mounted on it; the upper, where every "
		    "change goes, is %s%s", c->rootfs, c->upper != NULL ? c->upper : "a tmpfs",
		    c->upper != NULL ? "/upper (kept)" : " (gone with the container)");
	} else {
		say_more("mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC, NULL)", c->rootfs,
			 c->rootfs);
		if (mnt_bind_rootfs(c->rootfs) == -1) {
			report();
			return -1;
		}
		say("%s is bound onto itself, a mount point as pivot_root wants", c->rootfs);
	}
	/* Opened after the bind (or the overlay), the descriptor is on the
	 * new mount; every later path is resolved beneath it. */
	rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd == -1) {
		nsl_error(errno, "open(\"%s\", O_PATH|O_DIRECTORY|O_NOFOLLOW)", c->rootfs);
		return -1;
	}
	ret = build_tree(c, rootfd);
	close(rootfd);
	if (c->record != NULL)
		mnt_record_close(c->record);
	return ret;
}
