#define _GNU_SOURCE
/*
 * floor - the least a container needs, for `make bench` to compare with.
 *
 *     floor ROOTFS [CMD [ARG...]]      (as root; CMD: /bin/true)
 *
 * One clone() with the namespaces 07-full-container uses by default as
 * root (UTS, IPC, PID, mount, network, cgroup; no user namespace), then in
 * the child: a death signal (it dies with us), / made private, ROOTFS
 * bound on itself, pivot_root(".", "."), the old root detached, a fresh
 * /proc, exec /bin/true (or CMD: the bench's scale part runs 1,000 floors
 * of /bin/sleep and times their teardown against 07's). The parent waits
 * and exits with the child's status. No narration, no checks, no cgroup,
 * no seccomp, no capabilities dropped: what is left is the kernel's price
 * of a container, the floor no runtime can go below.
 *
 * Errors name the call and exit 125, as 07-full-container does.
 * Man pages: clone(2), mount(2), pivot_root(2), umount(2).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscalls.h"

#define FLOOR_FAIL 125

/* The namespaces of 07's default run as root. */
#define FLOOR_NS (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS | \
		  CLONE_NEWNET | CLONE_NEWCGROUP)

static char child_stack[64 * 1024] __attribute__((aligned(16)));

/* Report the failed CALL with errno's text; errno is left as it was. */
static int fail(const char *call)
{
	int saved = errno;

	fprintf(stderr, "floor: %s: %s\n", call, strerror(saved));
	errno = saved;
	return FLOOR_FAIL;
}

/* The child: PID 1 of its namespace, in a copy of the host's mount table. */
static int child(void *arg)
{
	char **argv = arg; /* ROOTFS, then CMD... or nothing */
	const char *rootfs = argv[0];
	char *const fallback[] = { "/bin/true", NULL };
	char *const *cmd = argv[1] != NULL ? argv + 1 : fallback;

	/* Dies with the floor, as 07's init dies with its runtime: no
	 * floor ever leaves a namespace behind (the bench's Ctrl-C). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		return fail("prctl(PR_SET_PDEATHSIG, SIGKILL)");
	/* Private first, or the pivot and the mounts below would propagate
	 * back to the host on a shared root (systemd's default). */
	if (mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) == -1)
		return fail("mount(/, MS_PRIVATE|MS_REC)");
	/* pivot_root(2) needs the new root to be a mount point. */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) == -1)
		return fail("mount(ROOTFS, ROOTFS, MS_BIND|MS_REC)");
	if (chdir(rootfs) == -1)
		return fail("chdir(ROOTFS)");
	/* Old and new root on one directory: the old root ends up stacked
	 * on top of "." and is detached at once. */
	if (pivot_root(".", ".") == -1)
		return fail("pivot_root(\".\", \".\")");
	if (umount2(".", MNT_DETACH) == -1)
		return fail("umount2(\".\", MNT_DETACH)");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		return fail("mount(proc, /proc)");
	execv(cmd[0], cmd);
	fail("execv(CMD)");
	/* fail() kept errno: as docker run, 127 not found, 126 not runnable. */
	return errno == ENOENT ? 127 : 126;
}

int main(int argc, char *argv[])
{
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: floor ROOTFS [CMD [ARG...]]\n");
		return 2;
	}
	pid = clone(child, child_stack + sizeof(child_stack), FLOOR_NS | SIGCHLD, argv + 1);
	if (pid == -1)
		return fail("clone");
	if (waitpid(pid, &status, 0) == -1)
		return fail("waitpid");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
