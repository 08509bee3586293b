/* 07-mini - the whole container in one file.
 *
 *     07-mini [-q] [-v] [-h HOSTNAME] ROOTFS [CMD [ARG...]]
 *
 * Start at main(), at the bottom: the host's outline; container() is the
 * init's, and the steps above come in the order they call them. The work
 * is done by the pieces of the earlier steps, linked, never copied:
 * the hostname (01), PID 1 (03), the mount tree (04), the maps (05), the
 * file system and the hardening of the full runtime (fs.h, harden.h).
 *
 * Three processes. The host side clones the init into seven namespaces,
 * writes its maps, says "go", waits. The init, PID 1, builds the world,
 * hardens itself, clones the command (PID 2) and reaps until it is gone.
 * Always a user namespace: rootless your uid is root inside; as root,
 * ids 0-65535 inside are the host's 100000-165535.
 *
 * Left out, and in the full runtime (READING.md says where): names, ps,
 * exec, limits, a network (lo stays down), volumes, -u/-e/-w; a signal is
 * passed on once. Nothing is left behind: all it makes lives in
 * namespaces that end with its processes.
 *
 * Read: namespaces(7), clone(2), user_namespaces(7), pivot_root(2),
 * capabilities(7), seccomp(2); contained.c, whose spirit this follows. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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

/* What the host side hands the init, and the init the command, each a
 * copy (clone() without CLONE_VM). */
struct mini {
	const char *hostname;
	char rootfs[PATH_MAX];
	char **cmd;
	int go[2];      /* host -> init: one byte, "your maps are written" */
	sigset_t saved; /* the init's signal mask before it blocked, for the command */
};

/* The namespaces the init must not share with us (/proc/PID/ns). */
static const char *const ns_names[] = { "user", "uts", "ipc", "pid", "mnt", "net", "cgroup" };

/* Report the failure a piece recorded (common/fail.h), return -1. */
static int failed(void)
{
	nsl_error(errno, "%s", nsl_failed_call());
	return -1;
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG " [-q] [-v] [-h HOSTNAME] ROOTFS [CMD [ARG...]]\n\n"
	      "CMD (default /bin/sh) in a container on ROOTFS (mini.c). -h, --hostname\n"
	      "NAME (nslab-mini); -q, --quiet: errors only; -v, --verbose: every call.\n"
	      "Exit: CMD's status (128+N: signal N); 125 " PROG " failed, 126/127 CMD\n"
	      "cannot run/is not found, 2 a usage error.\n", f);
}

/* Step 0: the command line, checked before anything is made. ROOTFS
 * ends the options; CMD's own are left to it. */
static int parse(int argc, char **argv, struct mini *m)
{
	static char *shell[] = { "/bin/sh", NULL };
	int i = 1;

	m->hostname = "nslab-mini";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			say_level = 0;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			say_level = 2;
		} else if ((strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--hostname") == 0) &&
			   i + 1 < argc) {
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
	if (realpath(argv[i], m->rootfs) == NULL) {
		nsl_error(errno, "realpath(\"%s\")", argv[i]);
		nsl_hint("make rootfs builds one (busybox, a few MB)");
		return EXIT_USAGE;
	}
	m->cmd = i + 1 < argc ? &argv[i + 1] : shell;
	return EXIT_OK;
}

/* Evidence: the init's namespaces are not ours; a guard, too: an init
 * sharing one would rename or remount this host. 0, or -1 after saying. */
static int check_namespaces(pid_t init)
{
	char mine[NS_ID_MAX], its[NS_ID_MAX];

	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
		if (ns_id(0, ns_names[i], mine, sizeof(mine)) == -1 ||
		    ns_id(init, ns_names[i], its, sizeof(its)) == -1 || strcmp(mine, its) == 0) {
			nsl_error(EINVAL, "the init's %s namespace is not a new one", ns_names[i]);
			nsl_hint("clone(2): one flag per namespace; stopped before it did anything");
			return -1;
		}
		say_more("%-6s mine %s, the init's %s", ns_names[i], mine, its);
	}
	return 0;
}

/* Step 2, on the host: the init's maps. Rootless, the one map a user may
 * write (05); as root, 65536 ids from 100000, as Docker's userns-remap. */
static int write_maps(pid_t init)
{
	char uid_map[64] = "0 100000 65536\n", gid_map[64] = "0 100000 65536\n";
	const char *file = "";

	/* LAB 07.6 maps: write the init's maps: rootless your own ids as 0, as root the 65536 above
	 * level: 2
	 * minutes: 10
	 * checks: 07m.1 07m.2
	 * docs: docs/07-full-container.md#the-container-in-one-file-07-mini
	 * fail: root inside is not what the maps should make it
	 * hint: user_namespaces(7), "Defining user and group ID mappings": the line, and what an unprivileged writer may map; 05 wrote the piece that writes them (userns.h)
	 * stub: (void)file, (void)gid_map;
	 * stub: return nsl_error(ENOSYS, "LAB 07.6: %s", "the maps"), -1;
	 */
	if (getuid() != 0) {
		snprintf(uid_map, sizeof(uid_map), "0 %u 1\n", (unsigned)getuid());
		snprintf(gid_map, sizeof(gid_map), "0 %u 1\n", (unsigned)getgid());
	}
	if (userns_write_maps(init, uid_map, gid_map, &file) == -1) {
		nsl_error(errno, "write(\"/proc/%d/%s\")", (int)init, file);
		return -1;
	}
	/* END LAB */
	uid_map[strcspn(uid_map, "\n")] = '\0';
	say("uid_map and gid_map of %d: \"%s\"%s", (int)init, uid_map,
	    getuid() != 0 ? ", your ids (rootless)" : ", 0 inside is 100000 outside");
	return 0;
}

/* Step 3, in the init: wait for "go" (end of file: the host side died or
 * gave up). Then become root of the user namespace as mapped: as root on
 * the host we came as its uid 0, which the map leaves out. That change
 * of ids clears the death signal (prctl(2)), so it is asked for after;
 * the pipe, held open by the host side until we end, tells whether it
 * died in between (POLLHUP). Last, no fd above 2 (CVE-2024-21626). */
static int wait_for_go(struct mini *m)
{
	struct pollfd hup = { .fd = m->go[0], .events = POLLIN };

	close(m->go[1]);
	if (proc_child_setup() == -1 || sync_wait(m->go[0]) == -1)
		return -1;
	/* LAB 07.7 go: the maps are written: become the namespace's root, die with the host side, keep no inherited fd
	 * level: 3
	 * minutes: 15
	 * checks: 07m.1 07m.4 security.5
	 * docs: docs/07-full-container.md#pr_set_pdeathsig-then-a-check-that-the-runtime-is-alive
	 * fail: the init is not root inside, outlives a killed 07-mini, or keeps a descriptor of the host's
	 * hint: credentials(7) and user_namespaces(7) for the ids; prctl(2) for the signal a child gets when its parent dies; poll(2) for a pipe whose writer is gone
	 * stub: (void)hup, (void)failed;
	 * stub: return nsl_error(ENOSYS, "LAB 07.7: %s", "after go"), -1;
	 */
	if (setresgid(0, 0, 0) == -1 || setresuid(0, 0, 0) == -1) {
		nsl_error(errno, "setres%cid(0, 0, 0)", getgid() == 0 ? 'u' : 'g');
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
	/* END LAB */
	/* A session of our own: the caller's Ctrl-C reaches only the host
	 * side, which passes it on once, to us; we pass it to the command. */
	if (setsid() == -1) {
		nsl_error(errno, "setsid()");
		return -1;
	}
	say("\"go\": my uid is 0 in my user namespace, fds above 2 closed, a session of my own");
	return 0;
}

/* Step 5, in the init: the file system. Every mount private first (made
 * with a user namespace, our copies of a systemd host's shared mounts
 * are already slaves of them; private all the same, as a rule), the rootfs a
 * mount point, and everything mounted before the pivot: in a user
 * namespace a new procfs or sysfs mounts only while a full one is in
 * sight (the host's). Then pivot_root(".", "."), the host's tree gone. */
static int build_root(const struct mini *m)
{
	const struct fs_config fc = { .rootfs = m->rootfs, .userns = 1 };
	int rootfd, ret = -1;

	/* LAB 07.8 root: the container's file system, from a private tree to the rootfs as /
	 * level: 3
	 * minutes: 20
	 * checks: 07m.1 07m.2 security.5
	 * docs: docs/07-full-container.md#the-order-of-operations
	 * fail: / inside is not the rootfs, or /proc, /dev or the masks are missing, or a host mount is left
	 * hint: mount_namespaces(7), "Shared subtrees" and "Restrictions on mount namespaces"; pivot_root(2) on the new root; 04 wrote two of the pieces (mnt.h)
	 * hint: fs.h's steps take a descriptor of the rootfs opened for its path only (open(2)); fs_setup() shows their order
	 * stub: (void)fc, (void)rootfd;
	 * stub: nsl_error(ENOSYS, "LAB 07.8: %s", "the file system");
	 */
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
	/* END LAB */
	return ret;
}

/* Step 6, in the init: what the container may no longer do. The filter
 * last, as it may refuse what would follow, and after no_new_privs,
 * which it needs once CAP_SYS_ADMIN is gone. Not dumpable: /proc/1/exe,
 * this binary, is closed to the container (CVE-2019-5736). */
static int harden(void)
{
	/* LAB 07.9 harden: what the container may no longer do: not dumpable, the default capabilities only, no_new_privs, seccomp
	 * level: 2
	 * minutes: 10
	 * checks: 07m.1 07m.2 07m.4 security.5 security.6
	 * docs: docs/07-full-container.md#hardening-step-by-step
	 * fail: the command has more capabilities than it should, or no filter, or /proc/1/exe is open to it
	 * hint: capabilities(7), seccomp(2) and prctl(2) ("dumpable") for the rules; harden.h has a piece for each; failed() reports one
	 * stub: return nsl_error(ENOSYS, "LAB 07.9: %s", "harden"), -1;
	 */
	if (prctl(PR_SET_DUMPABLE, 0) == -1) {
		nsl_error(errno, "prctl(PR_SET_DUMPABLE, 0)");
		return -1;
	}
	if (harden_caps(harden_default_caps()) == -1 || harden_no_new_privs() == -1 ||
	    harden_seccomp() == -1)
		return failed();
	/* END LAB */
	say("hardened: Docker's default capabilities minus CAP_MKNOD, no_new_privs, seccomp, "
	    "not dumpable");
	return 0;
}

/* Step 7, PID 2: the command, with every restriction of the init, its
 * signal mask back, an environment from scratch (of the host's, TERM
 * only), leading a group of its own, which the init passes signals to:
 * Ctrl-C reaches a shell's foreground job too. Returns only when it
 * could not exec: 126, 127 (125: no environment). */
static int command(void *arg)
{
	struct mini *m = arg;
	const char *term = getenv("TERM");

	say_role("cmd");
	sigprocmask(SIG_SETMASK, &m->saved, NULL);
	if (setsid() == -1 || clearenv() != 0 ||
	    setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) == -1 ||
	    setenv("HOME", "/root", 1) == -1 || (term != NULL && setenv("TERM", term, 1) == -1)) {
		nsl_error(errno, "setsid(), setenv()");
		return EXIT_RUNTIME;
	}
	return proc_exec(m->cmd);
}

/* What PID 1 passes on, told (03's pidns_init() calls it). */
static void narrate(enum pidns_event event, pid_t pid, int value)
{
	if (event == PIDNS_FORWARDED)
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
	if (status == -1)
		nsl_error(errno, "signalfd(SIGCHLD and the forwarded signals)");
	return status == -1 ? EXIT_RUNTIME : status;
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
	/* The signals the init passes on are blocked across the clone, so
	 * they wait for 03's pidns_init() (an init drops a signal it has no
	 * handler for). The host's mask is put back after the clone; its
	 * handlers note a Ctrl-C for proc_wait() to pass on, once. */
	if (proc_trap_signals() == -1 || sync_open(m.go) == -1 ||
	    pidns_init_block(&m.saved) == -1) {
		nsl_error(errno, "sigaction(), pipe2(O_CLOEXEC), sigprocmask()");
		return EXIT_RUNTIME;
	}
	/* As root, no supplementary group along: "deny" (05) would keep it. */
	if (getuid() == 0 && setgroups(0, NULL) == -1) {
		nsl_error(errno, "setgroups(0, NULL)");
		return EXIT_RUNTIME;
	}
	/* 1: clone the init into its seven new namespaces */
	/* LAB 07.5 clone: start the init, container(&m), in new user, UTS, IPC, PID, mount, network and cgroup namespaces
	 * level: 1
	 * minutes: 10
	 * checks: 07m.1 07m.2
	 * docs: docs/07-full-container.md#the-container-in-one-file-07-mini
	 * fail: the init shares a namespace with the host, or was never started
	 * hint: namespaces(7), "Namespace types", and clone(2), "The flags mask"; the wrapper every step uses is in common/proc.h
	 * stub: init = -1, (void)container;
	 * stub: nsl_error(ENOSYS, "LAB 07.5: %s", "clone the init");
	 */
	init = proc_clone(container, &m,
			  CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS |
				  CLONE_NEWNET | CLONE_NEWCGROUP);
	if (init == -1)
		nsl_error(errno, "clone(CLONE_NEWUSER|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|"
			  "CLONE_NEWNS|CLONE_NEWNET|CLONE_NEWCGROUP|SIGCHLD)");
	/* END LAB */
	sigprocmask(SIG_SETMASK, &m.saved, NULL);
	if (init == -1) {
		sync_close(m.go);
		return EXIT_RUNTIME;
	}
	close(m.go[0]);
	say("clone(user, uts, ipc, pid, mnt, net, cgroup) = %d: the container's init", (int)init);
	/* 2: its maps, then "go" (3 to 8 happen in the init, above); not
	 * before the guard has seen that it shares no namespace with us */
	if (check_namespaces(init) == -1 || write_maps(init) == -1) {
		close(m.go[1]); /* end of file: the init gives up */
		proc_wait(init);
		return EXIT_RUNTIME;
	}
	sync_post(m.go[1]); /* EPIPE: the init died; its status tells how */
	/* 9: wait, passing Ctrl-C and SIGTERM on; the command's status */
	status = proc_wait(init);
	close(m.go[1]);
	status = status == -1 ? EXIT_RUNTIME : status;
	say("the container exited with status %d", status);
	return status;
}
