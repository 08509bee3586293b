/* say.c - narration and error reports; see say.h. */
#define _GNU_SOURCE
#include "say.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int say_level = 1;

static const char *role = "host";
static int copy_fd = -1;

void say_copy_errors(int fd)
{
	copy_fd = fd;
}

/* All of BUF's N bytes to FD, through EINTR; a failed write ends it. */
static void write_all(int fd, const char *buf, int n)
{
	ssize_t w;

	for (int off = 0; off < n; off += (int)w) {
		w = write(fd, buf + off, (size_t)(n - off));
		if (w == -1 && errno == EINTR)
			w = 0;
		else if (w <= 0)
			break;
	}
}

void say_role(const char *r)
{
	role = r;
}

/* One line of narration, built whole and written with one write(2):
 * parent and child narrate at the same time, and a line written in
 * pieces could be cut in the middle by the other's. "[host  4242] ",
 * "[child    1] ": role and pid fill ten columns, so the lines of parent
 * and child line up in a terminal; a space always separates the two,
 * however long the role or the pid. LEAD ("error: ", "hint: ") comes
 * before the text. A line too long for the buffer is cut, never lost. */
static void vline_lead(const char *lead, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vline_lead(const char *lead, const char *fmt, va_list ap)
{
	int width = 9 - (int)strlen(role), saved = errno, n, m;
	char buf[2048];

	n = snprintf(buf, sizeof(buf), "[%s %*d] %s", role, width > 0 ? width : 0,
		     (int)getpid(), lead);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	m = vsnprintf(buf + n, sizeof(buf) - 1 - (size_t)n, fmt, ap);
	if (m > 0)
		n += m;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	write_all(STDERR_FILENO, buf, n);
	if (copy_fd != -1 && *lead != '\0')
		write_all(copy_fd, buf, n);
	errno = saved;
}

static void vline(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void vline(const char *fmt, va_list ap)
{
	vline_lead("", fmt, ap);
}

/* The same with a lead and arguments of its own. */
static void line_lead(const char *lead, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line_lead(const char *lead, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline_lead(lead, fmt, ap);
	va_end(ap);
}

void say(const char *fmt, ...)
{
	va_list ap;

	if (say_level < 1)
		return;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

void say_more(const char *fmt, ...)
{
	va_list ap;

	if (say_level < 2)
		return;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

/* The causes learners run into, one row per (call, errno). A call written
 * "clone(...)" matches the row "clone". Keep each hint to one line that says
 * what to do, not only what went wrong. */
static const struct {
	const char *call;
	int err;
	const char *hint;
} hints[] = {
	{ "clone", EPERM,
	  "creating a namespace needs CAP_SYS_ADMIN: run as root (sudo), or "
	  "create a user namespace first (see 05-user)" },
	{ "unshare", EPERM,
	  "creating a namespace needs CAP_SYS_ADMIN: run as root (sudo), or "
	  "create a user namespace first (see 05-user)" },
	{ "clone", ENOSPC,
	  "a namespace limit was reached: see /proc/sys/user/max_*_namespaces" },
	{ "unshare", ENOSPC,
	  "a namespace limit was reached: see /proc/sys/user/max_*_namespaces" },
	{ "clone", EINVAL,
	  "this kernel may lack the namespace type (check /proc/self/ns/)" },
	{ "unshare", EINVAL,
	  "this kernel may lack the namespace type (check /proc/self/ns/), "
	  "or the process has threads" },
	{ "sethostname", EPERM,
	  "only a process with CAP_SYS_ADMIN in the UTS namespace's owner may "
	  "rename it: run as root, or see 05-user" },
	{ "sethostname", EINVAL,
	  "a hostname is at most 64 bytes (HOST_NAME_MAX)" },
	{ "fork", ENOMEM,
	  "after unshare(CLONE_NEWPID) only the first child becomes PID 1; once "
	  "it has exited the namespace is dead and no new process can join it" },
	{ "msgget", EACCES,
	  "the queue exists but its mode does not let you use it" },
	{ "mq_open", ENOSYS,
	  "this kernel was built without POSIX message queues (CONFIG_POSIX_MQUEUE)" },
	{ "msgget", EEXIST,
	  "a queue with this key exists already (see ipcs -q): pick another key, "
	  "or if it is a leftover of yours, remove it with ipcrm -Q KEY" },
	{ "mq_open", EEXIST,
	  "a queue with this name exists already: pick another name, or if it is "
	  "a leftover of yours, remove it with mq_unlink(3) or rm /dev/mqueue/NAME" },
	{ "mount", EPERM,
	  "mounting needs CAP_SYS_ADMIN in the mount namespace's owner: run as "
	  "root, or see 05-user" },
	{ "mount", EINVAL,
	  "a remount or propagation change needs a mount point as its target, "
	  "in the caller's own mount namespace, and a propagation change names "
	  "one type only (recursive or not)" },
	{ "mount", ENOENT,
	  "the source or the target does not exist, as seen from the caller's "
	  "mount namespace and root" },
	{ "pivot_root", EINVAL,
	  "pivot_root wants new_root to be a mount point (bind it onto itself) "
	  "other than /, put_old at or under new_root, no shared mount among "
	  "new_root, its parent and / (mount / MS_REC|MS_PRIVATE first), and a / "
	  "that is not the initramfs rootfs (use switch_root or chroot there)" },
	{ "pivot_root", EPERM,
	  "pivot_root needs CAP_SYS_ADMIN in the mount namespace's owner: run as "
	  "root, or see 05-user" },
	{ "umount2", EBUSY,
	  "the mount is in use (a working directory, an open file or a submount "
	  "under it): MNT_DETACH detaches it now and frees it once unused" },
	{ "umount2", EINVAL,
	  "the path is not a mount point, or the mount is locked because it came "
	  "from a more privileged mount namespace" },
	{ "chroot", EPERM, "chroot needs CAP_SYS_CHROOT: run as root" },
	{ "openat2", EXDEV,
	  "the path would leave the directory through \"..\" or a symlink "
	  "(an absolute symlink counts): give one that stays inside" },
	{ "openat2", ENOSYS, "openat2 needs Linux 5.6 or newer" },
	{ "open", ENOENT, "check the path (and that the process still exists)" },
	{ "open", ESRCH,
	  "no process has that pid in the PID namespace this /proc shows: "
	  "check it with ps -p PID" },
	{ "pidfd_open", ESRCH,
	  "no process has that pid in your PID namespace: check it with ps -p PID" },
	{ "pidfd_open", ENOSYS, "pidfd_open needs Linux 5.3 or newer" },
	{ "setns", EPERM,
	  "joining needs CAP_SYS_ADMIN in the user namespace that owns the "
	  "namespace (a mount namespace also CAP_SYS_CHROOT): run as root, or, "
	  "if you own the target's user namespace, join that too (--user)" },
	{ "setns", EINVAL,
	  "setns refuses a PID namespace that is not yours or below it, your own "
	  "user namespace, and a mount or user namespace while the caller has threads" },
	{ "setns", ESRCH, "the target process has exited" },
};

/* Rows for an errno whose cause depends on the arguments: they match when
 * the call's arguments also contain WITH ("clone(CLONE_NEWUSER|...)"), and
 * are tried before hints[], so they win over its plain row. */
static const struct {
	const char *call;
	const char *with;
	int err;
	const char *hint;
} hints_with[] = {
	{ "mount", "MS_BIND|MS_REC", EACCES,
	  "root of a user namespace is an ordinary user on the host (you when "
	  "rootless, uid 100000 with 07's --userns) and must be able to reach "
	  "the rootfs: every directory above it needs search (x) permission for "
	  "that user - a tree under /root (mode 700) is out of its reach" },
	{ "clone", "CLONE_NEWUSER", EPERM,
	  "unprivileged user namespaces are forbidden here (Debian's sysctl "
	  "kernel.unprivileged_userns_clone=0, Ubuntu's AppArmor "
	  "kernel.apparmor_restrict_unprivileged_userns=1, a seccomp filter, or "
	  "a chroot): ask the admin, or run as root" },
	{ "unshare", "CLONE_NEWUSER", EPERM,
	  "unprivileged user namespaces are forbidden here (Debian's sysctl "
	  "kernel.unprivileged_userns_clone=0, Ubuntu's AppArmor "
	  "kernel.apparmor_restrict_unprivileged_userns=1, a seccomp filter, or "
	  "a chroot): ask the admin, or run as root" },
	{ "clone", "CLONE_NEWUSER", ENOSPC,
	  "user namespaces are switched off or used up: see "
	  "/proc/sys/user/max_user_namespaces (0 means off); root raises it "
	  "with sysctl -w user.max_user_namespaces=N" },
	{ "unshare", "CLONE_NEWUSER", ENOSPC,
	  "user namespaces are switched off or used up: see "
	  "/proc/sys/user/max_user_namespaces (0 means off); root raises it "
	  "with sysctl -w user.max_user_namespaces=N" },
	{ "write", "uid_map", EPERM,
	  "without privilege you may map only your own uid, on one line with "
	  "COUNT 1, and only once; wider maps need newuidmap (package uidmap) "
	  "and an /etc/subuid entry, see subuid(5); Ubuntu's AppArmor may "
	  "forbid even that" },
	{ "write", "gid_map", EPERM,
	  "without privilege, gid_map waits for a step on setgroups first "
	  "(user_namespaces(7), \"The /proc/[pid]/setgroups file\"), and maps "
	  "only your own gid, on one line with COUNT 1; wider maps need "
	  "newgidmap (package uidmap) and an /etc/subgid entry" },
	{ "write", "setgroups", EPERM,
	  "setgroups can be written only before gid_map, and \"deny\" can "
	  "never be turned back into \"allow\"" },
	{ "setns", "CLONE_NEWNS", EINVAL,
	  "only a single-threaded process may join a mount namespace: threads "
	  "share one root and cwd (the kernel's fs_struct), which the join would "
	  "move under the other threads too; join before starting threads, or "
	  "fork and join in the child" },
	{ "setns", "CLONE_NEWUSER", EINVAL,
	  "only a single-threaded process may join a user namespace (threads "
	  "share credentials), and never the one it is in already" },
	{ "setns", "CLONE_NEWTIME", EUSERS,
	  "only a single-threaded process may join a time namespace" },
	{ "setns", "CLONE_NEWPID", EINVAL,
	  "a PID namespace can be joined only from its parent namespace or an "
	  "ancestor, never from a sibling or from below" },
	{ "stat", "/ns/", ENOENT,
	  "the process is there, but this kernel has no such namespace type "
	  "(time came with Linux 5.6, cgroup with 4.6): ls /proc/self/ns lists "
	  "the types it has" },
	{ "stat", "/ns/", EACCES,
	  "looking into another process's namespaces needs ptrace read access "
	  "to it: be the user it runs as, or root (CAP_SYS_PTRACE); see ptrace(2), "
	  "\"Ptrace access mode checking\"" },
	{ "join", "kernel thread", EINVAL,
	  "a kernel thread ([in brackets] in ps, a child of pid 2) runs no "
	  "program and has only the namespaces the system started with: give "
	  "the pid of a process" },
	{ "open", "/proc/", EACCES,
	  "opening another process's namespaces, root or cwd needs ptrace read "
	  "access to it: be the user it runs as, or root (CAP_SYS_PTRACE); see "
	  "ptrace(2), \"Ptrace access mode checking\"" },
};

static void hint_for(const char *call, int err)
{
	size_t n = strcspn(call, "(");

	for (size_t i = 0; i < sizeof(hints_with) / sizeof(hints_with[0]); i++) {
		if (hints_with[i].err == err && strlen(hints_with[i].call) == n &&
		    strncmp(hints_with[i].call, call, n) == 0 &&
		    strstr(call + n, hints_with[i].with) != NULL) {
			nsl_hint("%s", hints_with[i].hint);
			return;
		}
	}
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (hints[i].err == err && strlen(hints[i].call) == n &&
		    strncmp(hints[i].call, call, n) == 0) {
			nsl_hint("%s", hints[i].hint);
			return;
		}
	}
}

void nsl_error(int err, const char *fmt, ...)
{
	char call[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	line_lead("error: ", "%s: %s", call, strerror(err));
	hint_for(call, err);
}

void nsl_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline_lead("hint: ", fmt, ap);
	va_end(ap);
}

int usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (try '%s --help')\n", prog);
	va_end(ap);
	return EXIT_USAGE;
}
