/* 07-mini - the whole container in one file.
 *
 *     07-mini [-q] [-v] [-h HOSTNAME] ROOTFS [CMD [ARG...]]
 *
 * Read it from main() down: main() is the outline, and each step below
 * it comes in the order main() takes them. The kernel work is done by the
 * pieces of the earlier steps, linked, never copied:
 *
 *   01  uts_set_hostname()                    the container's hostname
 *   03  pidns_init_block(), pidns_init()      PID 1: reaps, passes signals on
 *   04  mnt_make_private(), mnt_bind_rootfs() a private mount tree, the rootfs
 *                                             a mount point
 *   05  userns_write_maps()                   root inside, nobody outside
 *   07  fs_*(), dev_*() (fs.c, dev.c)         /proc, /dev, /sys, the masked
 *                                             and read-only paths, pivot_root
 *       harden_*() (harden.c, seccomp.c)      capabilities, no_new_privs,
 *                                             seccomp, no inherited fds
 *
 * Three processes take part. The host side (this program) clones the
 * init into seven new namespaces, writes its uid and gid maps, says "go"
 * and waits. The init (PID 1 inside) builds the container's world,
 * hardens itself, then clones the command (PID 2) and reaps until the
 * command is gone. The command only execs.
 *
 * There is always a user namespace: rootless, your uid is root inside;
 * as root, the container's ids 0-65535 are the host's 100000-165535, so
 * its root is nobody on the host either way.
 *
 * Left out on purpose, and in the full runtime (07-full-container,
 * READING.md says where): names and `ps`, `exec` into a running
 * container, limits (cgroups), a network beyond an empty namespace,
 * volumes, -u/-e/-w, the sweep after a SIGKILL. This one leaves nothing
 * behind to sweep: everything it makes lives in namespaces that end with
 * its processes.
 *
 * Read: namespaces(7), clone(2), user_namespaces(7), pivot_root(2),
 * capabilities(7), seccomp(2), and contained.c (Lizzie Dixon), whose
 * one-file spirit this follows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../01-uts/uts.h"
#include "../03-pid/pidns.h"
#include "../04-mount/mnt.h"
#include "../05-user/userns.h"
#include "ctr.h"
#include "fail.h"
#include "fs.h"
#include "harden.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

#define PROG "07-mini"

/* What the host side hands the init through clone(), and the init the
 * command: without CLONE_VM each gets its own copy. */
struct mini {
	const char *hostname;
	char rootfs[PATH_MAX];
	char **cmd;
	int go[2];      /* host -> init: one byte, "your maps are written" */
	sigset_t saved; /* the init's signal mask before it blocked, for the command */
};

/* The seven namespaces, and their names in /proc/PID/ns. */
#define MINI_FLAGS (CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | \
		    CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWCGROUP)
static const char *const ns_names[] = { "user", "uts", "ipc", "pid", "mnt", "net", "cgroup" };

/* Report the failure a piece recorded (common/fail.h); -1. */
static int failed(void)
{
	nsl_error(errno, "%s", nsl_failed_call());
	return -1;
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG " [-q] [-v] [-h HOSTNAME] ROOTFS [CMD [ARG...]]\n\n"
	      "CMD (default /bin/sh) in a container whose / is ROOTFS: new user, UTS,\n"
	      "IPC, PID, mount, network and cgroup namespaces, its own /proc and /dev,\n"
	      "Docker's default capabilities minus CAP_MKNOD, no_new_privs, seccomp.\n"
	      "The whole container in one file, mini.c; 07-full-container is the rest.\n\n"
	      "-h, --hostname NAME (default nslab-mini); -q, --quiet: errors only;\n"
	      "-v, --verbose: every call; --help: this text.\n\n"
	      "Exit: CMD's status (128+N for signal N); 125 when " PROG " failed, 126\n"
	      "CMD cannot be executed, 127 CMD not found, 2 a usage error.\n", f);
}

/* ARG is the short or the long form of an option. */
static int is(const char *arg, const char *brief, const char *full)
{
	return strcmp(arg, brief) == 0 || strcmp(arg, full) == 0;
}

/* Step 0: the command line, all of it checked before anything is made.
 * The options come first; ROOTFS ends them, CMD's own are left to it. */
static int parse(int argc, char **argv, struct mini *m)
{
	static char *shell[] = { "/bin/sh", NULL };
	int i = 1;

	m->hostname = "nslab-mini";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (is(argv[i], "-q", "--quiet")) {
			say_level = 0;
		} else if (is(argv[i], "-v", "--verbose")) {
			say_level = 2;
		} else if (is(argv[i], "-h", "--hostname") && i + 1 < argc) {
			m->hostname = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			exit(EXIT_OK);
		} else {
			return usage_error(PROG, "unknown option, or one without its value: '%s'",
					   argv[i]);
		}
	}
	if (uts_check_hostname(m->hostname) == -1)
		return usage_error(PROG, "hostname \"%s\" must be 1 to %d bytes", m->hostname,
				   HOST_NAME_MAX);
	if (i == argc)
		return usage_error(PROG, "ROOTFS is missing");
	/* Absolute and without symlinks: the init resolves everything below
	 * it, and mounts on exactly this directory. */
	if (realpath(argv[i], m->rootfs) == NULL) {
		nsl_error(errno, "realpath(\"%s\")", argv[i]);
		nsl_hint("make rootfs builds one (busybox, a few MB)");
		return EXIT_USAGE;
	}
	m->cmd = i + 1 < argc ? &argv[i + 1] : shell;
	return EXIT_OK;
}

/* Step 2, on the host: the init's maps. Rootless, the one map a user may
 * write: its own uid and gid as 0, setgroups denied first. As root, 65536
 * ids from 100000 up, where Docker's userns-remap puts them. */
static int write_maps(pid_t init)
{
	char uid_map[64] = "0 100000 65536\n", gid_map[64] = "0 100000 65536\n";
	const char *file = "";

	if (getuid() != 0) {
		snprintf(uid_map, sizeof(uid_map), "0 %u 1\n", (unsigned)getuid());
		snprintf(gid_map, sizeof(gid_map), "0 %u 1\n", (unsigned)getgid());
	}
	if (userns_write_maps(init, uid_map, gid_map, &file) == -1) {
		nsl_error(errno, "write(\"/proc/%d/%s\")", (int)init, file);
		return -1;
	}
	uid_map[strcspn(uid_map, "\n")] = '\0';
	say("uid_map and gid_map of %d: \"%s\"%s", (int)init, uid_map,
	    getuid() != 0 ? " for your uid and gid (rootless)" : ", 0 inside is 100000 outside");
	return 0;
}

/* Evidence from the host's side: the init's namespaces are not ours. */
static void show_namespaces(pid_t init)
{
	char mine[NS_ID_MAX], its[NS_ID_MAX];

	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
		if (ns_id(0, ns_names[i], mine, sizeof(mine)) == 0 &&
		    ns_id(init, ns_names[i], its, sizeof(its)) == 0)
			say_more("%-6s mine %s, the init's %s", ns_names[i], mine, its);
	}
}

/* Step 3, in the init: wait for "go". Until the byte comes our ids are
 * unmapped; end of file means the host side died first. Then become root
 * of the user namespace as mapped (as root on the host, we started as
 * the host's uid 0, which the map leaves out). A change of ids clears
 * the death signal (prctl(2)), so it is asked for after, and the pipe
 * tells whether the host side died in between: its end, which it holds
 * open until we end, is closed then (POLLHUP). Last, every fd above 2
 * goes: the pipe, and whatever the caller let us inherit
 * (CVE-2024-21626). */
static int wait_for_go(struct mini *m)
{
	struct pollfd hup = { .fd = m->go[0], .events = POLLIN };

	close(m->go[1]);
	if (proc_child_setup() == -1 || sync_wait(m->go[0]) == -1)
		return -1;
	if (setresgid(0, 0, 0) == -1 || setresuid(0, 0, 0) == -1) {
		nsl_error(errno, "setresuid(0, 0, 0)");
		return -1;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
		nsl_error(errno, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
		return -1;
	}
	if (poll(&hup, 1, 0) != 0)
		return -1; /* the host side is gone, or poll() failed */
	if (harden_close_fds() == -1)
		return failed();
	/* Our own session: the caller's Ctrl-C reaches the host side, which
	 * passes it on once, to us; we pass it to the command. */
	if (setsid() == -1) {
		nsl_error(errno, "setsid()");
		return -1;
	}
	say("\"go\": my uid is 0 in my user namespace, fds above 2 closed, a session of my own");
	return 0;
}

/* Step 5, in the init: the file system. Every mount is made private
 * first (on a systemd host / is shared, and our copy of it a peer of
 * the host's), the rootfs becomes a mount point, and everything goes in
 * before pivot_root: in a user namespace the kernel mounts a new procfs
 * or sysfs only while a full one is still in sight (the host's). Then
 * pivot_root(".", ".") and the host's whole tree is detached. */
static int build_root(const struct mini *m)
{
	const struct fs_config fc = { .rootfs = m->rootfs, .userns = 1 };
	int rootfd, ret = -1;

	if (mnt_make_private() == -1 || mnt_bind_rootfs(m->rootfs) == -1)
		return failed();
	say("every mount private, %s bound onto itself", m->rootfs);
	rootfd = open(m->rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd == -1) {
		nsl_error(errno, "open(\"%s\", O_PATH|O_DIRECTORY)", m->rootfs);
		return -1;
	}
	if (fs_mount_proc(&fc, rootfd) == 0 && dev_setup(&fc, rootfd) == 0 &&
	    fs_mount_sys(&fc, rootfd) == 0 && dev_mask_paths(&fc, rootfd) == 0 &&
	    fs_readonly_paths(&fc, rootfd) == 0)
		ret = fs_enter_root(&fc, rootfd);
	close(rootfd);
	return ret;
}

/* Step 6, in the init: what the container may no longer do. The order
 * is forced: dropping capabilities needs CAP_SETPCAP, so it comes first;
 * the filter needs no_new_privs (CAP_SYS_ADMIN is gone by then). Not
 * dumpable: our /proc files go to the host's root, and the container
 * cannot open /proc/1/exe, this program's binary (CVE-2019-5736). */
static int harden(void)
{
	if (prctl(PR_SET_DUMPABLE, 0) == -1) {
		nsl_error(errno, "prctl(PR_SET_DUMPABLE, 0)");
		return -1;
	}
	if (harden_caps(harden_default_caps()) == -1 || harden_no_new_privs() == -1 ||
	    harden_seccomp() == -1)
		return failed();
	say("hardened: Docker's default capabilities minus CAP_MKNOD, no_new_privs, seccomp, "
	    "not dumpable");
	return 0;
}

/* Step 7, PID 2: the command. It inherits every restriction of the
 * init; it gets back the signal mask the init had before it blocked,
 * and an environment made from scratch (nothing of the host's but TERM).
 * Returns only when exec failed: 126 or 127. */
static int command(void *arg)
{
	struct mini *m = arg;
	const char *term = getenv("TERM");

	say_role("cmd");
	sigprocmask(SIG_SETMASK, &m->saved, NULL);
	if (clearenv() != 0 || setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) == -1 ||
	    setenv("HOME", "/root", 1) == -1 || (term != NULL && setenv("TERM", term, 1) == -1)) {
		nsl_error(ENOMEM, "setenv()");
		return EXIT_RUNTIME;
	}
	return proc_exec(m->cmd);
}

/* What PID 1 sees, as it happens (03's pidns_init() calls it). */
static void narrate(enum pidns_event event, pid_t pid, int value)
{
	if (event == PIDNS_REAPED)
		say_more("reaped %d (status %d)", (int)pid, value);
	else if (event == PIDNS_FORWARDED)
		say("passed SIG%s on to %d", sigabbrev_np(value), (int)pid);
}

/* The init, PID 1 of the new PID namespace: steps 3 to 8. */
static int container(void *arg)
{
	struct mini *m = arg;
	int status;
	pid_t cmd;

	say_role("init");
	if (wait_for_go(m) == -1)
		return EXIT_RUNTIME;
	if (uts_set_hostname(m->hostname) == -1) { /* 4: the UTS namespace */
		nsl_error(errno, "sethostname(\"%s\")", m->hostname);
		return EXIT_RUNTIME;
	}
	say("hostname \"%s\", in my UTS namespace only", m->hostname);
	if (build_root(m) == -1 || harden() == -1)
		return EXIT_RUNTIME;
	cmd = proc_clone(command, m, 0);
	if (cmd == -1) {
		nsl_error(errno, "clone(SIGCHLD)");
		return EXIT_RUNTIME;
	}
	say_more("clone(SIGCHLD) = %d: the command; I reap until it is gone", (int)cmd);
	status = pidns_init(cmd, narrate); /* 8: until the command is gone */
	if (status == -1) {
		nsl_error(errno, "signalfd(SIGCHLD and the forwarded signals)");
		return EXIT_RUNTIME;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct mini m = { .go = { -1, -1 } };
	int status;
	pid_t init;

	setvbuf(stdout, NULL, _IOLBF, 0);
	status = parse(argc, argv, &m); /* 0: options and ROOTFS */
	if (status != EXIT_OK)
		return status;
	/* The signals the init will pass on are blocked across the clone:
	 * the init is born with them blocked, and they wait, pending, for
	 * 03's pidns_init() to read them (an init drops a signal it has no
	 * handler for). We take them back at once, as handlers that
	 * proc_wait() passes on; m.saved is the command's mask later. */
	if (proc_trap_signals() == -1 || sync_open(m.go) == -1 ||
	    pidns_init_block(&m.saved) == -1) {
		nsl_error(errno, "sigaction(), pipe2(O_CLOEXEC), sigprocmask()");
		return EXIT_RUNTIME;
	}
	/* 1: clone the init into its seven new namespaces */
	init = proc_clone(container, &m, MINI_FLAGS);
	sigprocmask(SIG_SETMASK, &m.saved, NULL);
	if (init == -1) {
		nsl_error(errno, "clone(CLONE_NEWUSER|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|"
			  "CLONE_NEWNS|CLONE_NEWNET|CLONE_NEWCGROUP|SIGCHLD)");
		sync_close(m.go);
		return EXIT_RUNTIME;
	}
	close(m.go[0]);
	say("clone(user, uts, ipc, pid, mnt, net, cgroup) = %d: the container's init", (int)init);
	show_namespaces(init);
	/* 2: its maps, then "go" (3 to 8 happen in the init, above) */
	if (write_maps(init) == -1) {
		close(m.go[1]); /* end of file: the init gives up */
		proc_wait(init);
		return EXIT_RUNTIME;
	}
	sync_post(m.go[1]);
	/* 9: wait, passing Ctrl-C and SIGTERM on; the command's status */
	status = proc_wait(init);
	close(m.go[1]);
	say("the container exited with status %d", status);
	return status;
}
