/* fs_overlay.c - --overlay and --upper: the rootfs as the read-only
 * lower layer of an overlay, each container with an upper layer of its
 * own, as docker stacks an image's layers under a container's.
 *
 * The overlay is mounted on the rootfs's own path, in the container's
 * private mount namespace, where the bind of a plain run would be; the
 * rest of the build (fs.c) does not know the difference. What the
 * container writes, deletes or renames goes to the upper layer: a new
 * tmpfs, gone with the container (--overlay), or DIR/upper, kept
 * (--upper DIR), where a deleted file shows as a whiteout, a character
 * device 0:0. rootfs/ itself is never written.
 *
 * The order is the trick: the rootfs is opened first, then the tmpfs
 * mounted over its path, and the overlay's lowerdir given as that
 * descriptor (/proc/self/fd/N): the path itself leads to the tmpfs by
 * then.
 *
 * Read: the kernel's Documentation/filesystems/overlayfs.rst, mount(2),
 * tmpfs(5), user_namespaces(7).
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"
#include "say.h"

/* DIR/upper and DIR/work, made when missing (MADE[i] says which):
 * overlayfs wants its work directory on the upper layer's file system,
 * empty, for its renames. */
static int make_layer_dirs(const char *dir, char *upper, char *work, size_t len, int made[2])
{
	snprintf(upper, len, "%s/upper", dir);
	snprintf(work, len, "%s/work", dir);
	made[0] = mkdir(upper, 0755) == 0;
	if (!made[0] && errno != EEXIST)
		return nsl_fail("mkdir(\"%s\")", upper);
	made[1] = mkdir(work, 0755) == 0;
	if (!made[1] && errno != EEXIST)
		return nsl_fail("mkdir(\"%s\")", work);
	return 0;
}

int fs_overlay_rootfs(const struct fs_config *c)
{
	char upper[PATH_MAX], work[PATH_MAX], data[3 * PATH_MAX];
	const char *dir = c->upper != NULL ? c->upper : c->rootfs;
	struct nsl_failure f;
	int lower, ret = -1, made[2] = { 0, 0 };

	lower = open(c->rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lower == -1)
		return nsl_fail("open(\"%s\", O_PATH|O_DIRECTORY|O_NOFOLLOW)", c->rootfs);
	/* --overlay: the upper layer on a tmpfs over the rootfs's path; the
	 * container's mount namespace is its only holder, so it ends with
	 * the container, and nothing is left to clean up. */
	if (c->upper == NULL &&
	    mount("tmpfs", c->rootfs, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == -1) {
		nsl_fail("mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"mode=0755\")",
			 c->rootfs);
		goto out;
	}
	if (make_layer_dirs(dir, upper, work, sizeof(upper), made) == -1)
		goto undo;
	/* userxattr: in a user namespace, overlayfs keeps its own notes in
	 * user.overlay.* extended attributes; trusted.* are the host
	 * root's. */
	snprintf(data, sizeof(data), "lowerdir=/proc/self/fd/%d,upperdir=%s,workdir=%s%s", lower,
		 upper, work, c->userns ? ",userxattr" : "");
	say_more("mount(\"overlay\", \"%s\", \"overlay\", 0, \"%s\")", c->rootfs, data);
	if (mount("overlay", c->rootfs, "overlay", 0, data) == -1) {
		nsl_fail_hint("overlayfs in a user namespace needs Linux 5.11; the upper layer "
			      "must be on a file system that can hold one (not overlayfs itself)",
			      "mount(\"overlay\", \"%s\", \"overlay\", 0, \"%s\")", c->rootfs, data);
		goto undo;
	}
	ret = 0;
	goto out;
undo:
	/* --upper: what this run made in DIR goes again; a failure leaves
	 * the host as it was (the tmpfs goes with the mount namespace). */
	nsl_fail_save(&f);
	if (c->upper != NULL && made[1])
		rmdir(work);
	if (c->upper != NULL && made[0])
		rmdir(upper);
	nsl_fail_restore(&f);
out:
	close(lower);
	return ret;
}
