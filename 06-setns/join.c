/* join.c - the setns piece; see join.h. */
#define _GNU_SOURCE
#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"
#include "syscalls.h"

/* The order of the rows is the order of the joins (join_enter()), and
 * of every list of types the programs print. */
const struct join_type join_types[JOIN_NTYPES] = {
	/* LAB 06.3 order: put the rows in the order the joins must happen
	 * level: 2
	 * minutes: 15
	 * checks: 06.8
	 * docs: docs/06-setns.md#the-system-calls
	 * fail: a user that owns the target's user namespace could not join the namespaces it owns
	 * hint: user_namespaces(7), "Capabilities" and "Interaction of user namespaces and other types of namespaces": every namespace has an owner, and which join gives you the capabilities the others ask for?
	 * hint: setns(2), "Details for specific namespace types": what each join requires, and in which user namespace
	 * hint: setns(2) cannot undo a join; and after the mount join, paths (/proc too) resolve inside the target
	 * hint: as root every order works: try yours as a user, `make check-06 LAB=1 EX=06.3` (check 06.8)
	 * stub: { "cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP", NULL },
	 * stub: { "ipc", CLONE_NEWIPC, "CLONE_NEWIPC", NULL },
	 * stub: { "mnt", CLONE_NEWNS, "CLONE_NEWNS", NULL },
	 * stub: { "net", CLONE_NEWNET, "CLONE_NEWNET", NULL },
	 * stub: { "pid", CLONE_NEWPID, "CLONE_NEWPID", "pid_for_children" },
	 * stub: { "time", CLONE_NEWTIME, "CLONE_NEWTIME", NULL },
	 * stub: { "user", CLONE_NEWUSER, "CLONE_NEWUSER", NULL },
	 * stub: { "uts", CLONE_NEWUTS, "CLONE_NEWUTS", NULL },
	 */
	/* User first: joining it gives every capability in it, which the
	 * other joins need when it owns their namespaces (a rootless
	 * container). Mount last: from then on paths resolve inside the
	 * target. Among the others the order does not matter: each is owned
	 * by some user namespace, and by now we hold every capability in it,
	 * or we never will. (A target whose user namespace is not the one
	 * that owns its other namespaces would need another order: nsenter(1)
	 * joins the others first, then the user namespace, then retries what
	 * failed. nslab keeps to the common case.) */
	{ "user", CLONE_NEWUSER, "CLONE_NEWUSER", NULL },
	{ "cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP", NULL },
	{ "ipc", CLONE_NEWIPC, "CLONE_NEWIPC", NULL },
	{ "uts", CLONE_NEWUTS, "CLONE_NEWUTS", NULL },
	{ "net", CLONE_NEWNET, "CLONE_NEWNET", NULL },
	{ "pid", CLONE_NEWPID, "CLONE_NEWPID", "pid_for_children" },
	{ "time", CLONE_NEWTIME, "CLONE_NEWTIME", NULL },
	{ "mnt", CLONE_NEWNS, "CLONE_NEWNS", NULL },
	/* END LAB */
};

int join_type_index(const char *name)
{
	for (int i = 0; i < JOIN_NTYPES; i++)
		if (strcmp(join_types[i].name, name) == 0)
			return i;
	return -1;
}

int join_parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	/* strtol() alone would skip blanks and take a sign: " +42". */
	if (s[0] < '0' || s[0] > '9') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > INT_MAX) {
		errno = EINVAL;
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

void join_flag_names(int flags, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < JOIN_NTYPES && used < len; i++) {
		if (!(flags & join_types[i].flag))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used > 0 ? "|" : "", join_types[i].flag_name);
	}
}

/* /proc/PID as a directory descriptor. Every later lookup goes through
 * it, so all of them are about the same process even if PID is reused:
 * once the process is gone, they fail instead of finding a newcomer. */
int join_open_piddir(pid_t pid)
{
	char path[32];
	int fd;

	/* "self" is resolved now, to our own /proc/PID: the descriptor stays
	 * valid after the mount join, when /proc/self may name nobody. */
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self");
	else
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		/* No /proc/PID: no such process (in the PID namespace this
		 * /proc belongs to). Say it the way pidfd_open() and kill()
		 * do, so the message reads "No such process". */
		if (errno == ENOENT)
			errno = ESRCH;
		return nsl_fail("open(\"%s\")", path);
	}
	return fd;
}

/* The id of namespace NAME of the process whose /proc directory is DIR
 * (LABEL names it in errors): the inode number of DIR/ns/NAME, as lsns
 * and ns_inode() read it. Following the link needs ptrace read access to
 * the process (EACCES otherwise); ENOENT means the kernel has no such
 * namespace type. */
int join_ns_ino_at(int dir, const char *label, const char *name, unsigned long *ino)
{
	char rel[32];
	struct stat st;

	snprintf(rel, sizeof(rel), "ns/%s", name);
	if (fstatat(dir, rel, &st, 0) == -1)
		return nsl_fail("stat(\"%s/%s\")", label, rel);
	*ino = (unsigned long)st.st_ino;
	return 0;
}

static void target_init(struct join_target *t, pid_t pid, int flags)
{
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->asked = t->mask = flags;
	t->piddir = t->pidfd = t->root = t->cwd = t->self = -1;
	for (int i = 0; i < JOIN_NTYPES; i++)
		t->fd[i] = -1;
}

/* Open /proc/PID/NAME ("root", "cwd") as a directory to fchdir() into. */
static int open_dir_at(const struct join_target *t, const char *name)
{
	int fd = openat(t->piddir, name, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		return nsl_fail("open(\"/proc/%d/%s\")", (int)t->pid, name);
	return fd;
}

/* 1 when the process whose /proc directory is DIR is a kernel thread
 * (PF_KTHREAD in the flags of its stat file), with its name in COMM. */
static int is_kthread(int dir, char *comm, size_t len)
{
	char buf[512];
	const char *open_paren, *close_paren;
	unsigned int flags = 0;
	ssize_t n;
	int fd = openat(dir, "stat", O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (open_paren == NULL || close_paren == NULL || close_paren < open_paren ||
	    sscanf(close_paren + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) != 1)
		return 0;
	snprintf(comm, len, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
	return (flags & 0x00200000) != 0; /* PF_KTHREAD */
}

/* What both ways of joining need, all opened while /proc is still ours:
 * both sides' ids, and the target's root and cwd. */
static int open_common(struct join_target *t)
{
	char label[32], comm[32];
	int i;

	snprintf(label, sizeof(label), "/proc/%d", (int)t->pid);
	t->piddir = join_open_piddir(t->pid);
	if (t->piddir == -1)
		return -1;
	if (is_kthread(t->piddir, comm, sizeof(comm))) {
		errno = EINVAL;
		return nsl_fail("join(-t %d): %s is a kernel thread", (int)t->pid, comm);
	}
	t->self = join_open_piddir(0);
	if (t->self == -1)
		return -1;
	for (i = 0; i < JOIN_NTYPES; i++) {
		if (!(t->mask & join_types[i].flag))
			continue;
		if (join_ns_ino_at(t->piddir, label, join_types[i].name, &t->ino[i]) == -1 ||
		    join_ns_ino_at(t->self, "/proc/self", join_types[i].name, &t->mine[i]) == -1)
			return -1;
	}
	/* Joining the user namespace we are in would be refused (EINVAL):
	 * leave it out, as nsenter does. */
	i = join_type_index("user");
	if ((t->mask & CLONE_NEWUSER) && t->ino[i] == t->mine[i])
		t->mask &= ~CLONE_NEWUSER;
	if (t->mask & CLONE_NEWNS) {
		t->root = open_dir_at(t, "root");
		if (t->root == -1)
			return -1;
		t->cwd = open_dir_at(t, "cwd");
		if (t->cwd == -1)
			return -1;
	}
	return 0;
}

int join_open_self(struct join_target *t)
{
	int fd = join_open_piddir(0);

	if (fd == -1)
		return -1;
	if (t->self != -1)
		close(t->self);
	t->self = fd;
	return 0;
}

int join_open_ns_files(struct join_target *t)
{
	char rel[32];

	for (int i = 0; i < JOIN_NTYPES; i++) {
		if (!(t->mask & join_types[i].flag) || t->fd[i] != -1)
			continue;
		snprintf(rel, sizeof(rel), "ns/%s", join_types[i].name);
		t->fd[i] = openat(t->piddir, rel, O_RDONLY | O_CLOEXEC);
		if (t->fd[i] == -1)
			return nsl_fail("open(\"/proc/%d/%s\")", (int)t->pid, rel);
	}
	return 0;
}

int join_open(pid_t pid, int flags, struct join_target *t)
{
	int saved;

	target_init(t, pid, flags);
	if (open_common(t) == -1 || join_open_ns_files(t) == -1) {
		saved = errno;
		join_close(t);
		errno = saved;
		return -1;
	}
	return 0;
}

int join_open_pidfd(pid_t pid, int flags, struct join_target *t)
{
	int saved;

	target_init(t, pid, flags);
	/* The pidfd first: from here on it names this process and no other,
	 * even if PID is reused, and a setns() through it fails with ESRCH
	 * once the process is gone. */
	t->pidfd = pidfd_open(pid, 0);
	if (t->pidfd == -1)
		return nsl_fail("pidfd_open(%d, 0)", (int)pid);
	if (open_common(t) == -1) {
		saved = errno;
		join_close(t);
		errno = saved;
		return -1;
	}
	return 0;
}

/* The mount join moved our root and cwd to the root of the namespace's
 * root mount. The target may see another root (it called chroot) and
 * work elsewhere: take both from it, as nsenter's --root and --wd do. */
static int take_root_and_cwd(const struct join_target *t)
{
	/* LAB 06.2 root: after the mount join, make the target's root ours, then its working directory
	 * level: 2
	 * minutes: 10
	 * checks: 06.1 06.2 06.3 06.7
	 * docs: docs/06-setns.md#how-the-code-does-it
	 * fail: paths do not resolve as the target sees them (its root and working directory were not taken)
	 * hint: setns(2), "Details for specific namespace types", Mount namespaces: why the join needs CAP_SYS_CHROOT; the join leaves you at the root of the namespace's root mount, not at a chrooted target's root (nsenter(1), --root and --wd)
	 * hint: chroot(2) takes a path: stand in t->root first (an open directory can become where you stand), make "." the root, then stand in t->cwd
	 * hint: on failure record the call (common/fail.h)
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 06.2: %s %d", "take the root and the working directory of", (int)t->pid);
	 */
	if (fchdir(t->root) == -1)
		return nsl_fail("fchdir(fd of /proc/%d/root)", (int)t->pid);
	/* chroot(2) needs CAP_SYS_CHROOT in our user namespace, which the
	 * mount join required already. */
	if (chroot(".") == -1)
		return nsl_fail("chroot(\".\") in /proc/%d/root", (int)t->pid);
	if (fchdir(t->cwd) == -1)
		return nsl_fail("fchdir(fd of /proc/%d/cwd)", (int)t->pid);
	return 0;
	/* END LAB */
}

int join_enter(struct join_target *t, join_report_fn *report, void *arg)
{
	/* LAB 06.1 setns: join each namespace in t->mask, in the order of join_types[], telling report after each
	 * level: 2
	 * minutes: 10
	 * checks: 06.1 06.2 06.3 06.7
	 * docs: docs/06-setns.md#the-system-calls
	 * fail: the command did not run in the target's namespaces
	 * hint: setns(2) DESCRIPTION: what the type argument checks, and why 0 would be unwise
	 * hint: the descriptors are open already (join.h: t->fd[], one per row); report, when not NULL, hears the row's index
	 * hint: on failure record the call (common/fail.h)
	 * stub: (void)report;
	 * stub: (void)arg;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 06.1: %s %d", "join the namespaces of", (int)t->pid);
	 */
	for (int i = 0; i < JOIN_NTYPES; i++) {
		if (!(t->mask & join_types[i].flag))
			continue;
		/* NSTYPE is a check: the kernel refuses (EINVAL) an fd whose
		 * namespace is of another type. 0 would accept any. */
		if (setns(t->fd[i], join_types[i].flag) == -1)
			return nsl_fail("setns(fd of /proc/%d/ns/%s, %s)", (int)t->pid,
					join_types[i].name, join_types[i].flag_name);
		if (report != NULL)
			report(t, i, arg);
	}
	/* END LAB */
	if (t->mask & CLONE_NEWNS) {
		if (take_root_and_cwd(t) == -1)
			return -1;
		if (report != NULL)
			report(t, -1, arg);
	}
	return 0;
}

int join_enter_pidfd(struct join_target *t)
{
	char names[256];

	/* One call for every type: the kernel joins the user namespace
	 * first and checks every permission before it changes anything, so
	 * either all of them are joined or none is. One rule is checked
	 * differently: with CLONE_NEWNS and another flag, the kernel checks
	 * a private copy of our root and cwd (prepare_nsset() in
	 * kernel/nsproxy.c), so a process with threads gets through, where
	 * CLONE_NEWNS alone fails with EINVAL. */
	if (t->mask != 0 && setns(t->pidfd, t->mask) == -1) {
		join_flag_names(t->mask, names, sizeof(names));
		return nsl_fail("setns(pidfd of %d, %s)", (int)t->pid, names);
	}
	if (t->mask & CLONE_NEWNS)
		return take_root_and_cwd(t);
	return 0;
}

int join_pidfd_works(void)
{
	int fd, ret, saved;

	fd = pidfd_open(getpid(), 0);
	if (fd == -1)
		return errno == ENOSYS ? 0 : nsl_fail("pidfd_open(%d, 0)", (int)getpid());
	/* Our own UTS namespace: joining it changes nothing. A kernel that
	 * takes pidfds checks our permission (0, or EPERM without it); an
	 * older one sees a file that is no namespace: EINVAL. */
	ret = setns(fd, CLONE_NEWUTS);
	saved = errno;
	close(fd);
	if (ret == 0)
		return 1;
	return saved == EINVAL ? 0 : 1;
}

int join_my_id(const struct join_target *t, const char *file, char *buf, size_t len)
{
	char rel[32];
	ssize_t n;

	snprintf(rel, sizeof(rel), "ns/%s", file);
	n = readlinkat(t->self, rel, buf, len - 1);
	if (n == -1)
		return nsl_fail("readlink(\"/proc/%d/%s\")", (int)getpid(), rel);
	buf[n] = '\0';
	return 0;
}

void join_close(struct join_target *t)
{
	int *fds[] = { &t->piddir, &t->pidfd, &t->root, &t->cwd, &t->self };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] != -1)
			close(*fds[i]);
		*fds[i] = -1;
	}
	for (int i = 0; i < JOIN_NTYPES; i++) {
		if (t->fd[i] != -1)
			close(t->fd[i]);
		t->fd[i] = -1;
	}
}
