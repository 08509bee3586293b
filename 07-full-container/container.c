/* container.c - the container's side of run: its init, PID 1 (the
 * command, PID 2, is in command.c).
 *
 * The init is the runtime's clone() child, born in the new namespaces.
 * It sets the container up in an order that matters, each step using
 * what the one before gave it:
 *
 *   close the runtime's fds     before anything: the state record's lock
 *                               among them (flock(2) is per open file)
 *   PR_SET_PDEATHSIG, "go"      the runtime has mapped our ids by then
 *   uid and gid 0               root of the user namespace, if we made one
 *   setsid()                    the caller's Ctrl-C goes to the runtime
 *   unshare(CLONE_NEWCGROUP)    (a cgroup placement, later, comes first)
 *   fs_setup()                  the rootfs as /, /proc, /dev, /sys, ...
 *                               (the OCI runtime's root.readonly: then /
 *                               remounted read-only)
 *   lo up, sethostname()        needs the new net and UTS namespaces;
 *                               --net veth: eth0, its /30, the route
 *                               (then the OCI runtime's sysctls)
 *   unshare(CLONE_NEWTIME)      --boottime, --monotonic: the offsets,
 *                               for the command; before seccomp, which
 *                               refuses unshare() with namespace flags,
 *                               and while /proc/self is still ours
 *   PR_SET_DUMPABLE 0           the host's binary must not be reachable
 *   -t: a pty                   from the container's own devpts (tty/)
 *   block signals, harden       (the OCI runtime's rlimits,) caps,
 *                               no_new_privs, seccomp: from here on,
 *                               init and the command are covered
 *   "ready" (-t: with the pty's master end, for the runtime to relay)
 *   the OCI runtime's create:   its last byte once it has written the
 *                               state, then the exec fifo, until `start`
 *   fork the command, be its init (03-pid's pidns_init())
 *
 * Read: clone(2), prctl(2) (PR_SET_PDEATHSIG, PR_SET_DUMPABLE),
 * pid_namespaces(7), cgroup_namespaces(7), setsid(2), time_namespaces(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../01-uts/uts.h"
#include "../03-pid/pidns.h"
#include "container.h"
#include "fail.h"
#include "fs.h"
#include "harden.h"
#include "net.h"
#include "pause.h"
#include "proc.h"
#include "say.h"
#include "sync.h"
#include "timens.h"
#include "tty/tty.h"

/* Close every fd above 2 but KEEP. The runtime's lock on the state
 * record is held by an open file description, which our inherited copy
 * shares: kept open here it would outlive a killed runtime, and the
 * record would never look stale. close_range(2) is Linux 5.9. */
static int close_all_but(int keep)
{
	if (keep > 3 && close_range(3, (unsigned)keep - 1, 0) == -1)
		return -1;
	return close_range(keep < 3 ? 3 : (unsigned)keep + 1, ~0U, 0);
}

/* In a new user namespace, become its root: uid and gid 0 as mapped.
 * Rootless, we are already (our own ids are the ones mapped to 0). As
 * root with --userns, our uid 0 is the host's, which the map leaves out
 * (0 inside is 100000 outside), so we are nobody inside: files we made
 * would need an owner the namespace cannot name (EOVERFLOW). Our
 * capabilities stay, as we start with every one in the namespace we
 * made (user_namespaces(7)); the supplementary groups go, as only root
 * may call setgroups(2) there ("deny" makes it fail rootless). */
static int become_root(const struct ctr_config *c)
{
	if (!c->userns)
		return 0;
	if (c->host_uid == 0 && setgroups(0, NULL) == -1) {
		nsl_error(errno, "setgroups(0, NULL)");
		return -1;
	}
	if (setresgid(0, 0, 0) == -1 || setresuid(0, 0, 0) == -1) {
		nsl_error(errno, "setres%cid(0, 0, 0)", getgid() == 0 ? 'u' : 'g');
		return -1;
	}
	say_more("setresgid(0, 0, 0), setresuid(0, 0, 0): root of my user namespace");
	return 0;
}

/* Wait for "go", become root of our user namespace, and make sure the
 * runtime is still there to look after us. PR_SET_PDEATHSIG fires when
 * the parent dies AFTER the prctl(); had it died before, the signal
 * would never come. And a change of our ids clears it (prctl(2)): as
 * root with --userns, become_root() does change them, so it is asked
 * for again after that (a SIGKILLed runtime once left such a container
 * running, found by 07-mini's checks). getppid() cannot tell whether the
 * runtime is alive: our parent is outside our PID namespace, so it reads
 * 0 either way (pid_namespaces(7)). The socket can: the runtime holds
 * its end until we end (or say "ready"), and the kernel closes it when
 * the runtime dies - before it sends the death signal - so once the last
 * prctl() is made, either the socket shows the hang-up (POLLHUP) or the
 * signal is still to come. */
static int wait_for_go(const struct ctr_config *c, int go, int detached)
{
	struct pollfd pfd = { .fd = go, .events = POLLIN };

	if (detached) {
		/* The OCI runtime's create: it exits once we are ready, and
		 * we live on under its caller (oci/oci.c). Until "go", its
		 * end of file still says it died. */
		if (sync_wait(go) == -1 || become_root(c) == -1)
			return -1;
		return 0;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
		nsl_error(errno, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
		return -1;
	}
	if (sync_wait(go) == -1)
		return -1; /* the runtime failed (and said so), or died */
	if (become_root(c) == -1)
		return -1;
	if (c->userns && prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
		nsl_error(errno, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
		return -1;
	}
	if (poll(&pfd, 1, 0) == -1) {
		nsl_error(errno, "poll(the runtime's socket)");
		return -1;
	}
	if (pfd.revents & POLLHUP)
		return -1; /* the runtime died right after "go" */
	say_more("prctl(PR_SET_PDEATHSIG, SIGKILL): if the runtime dies, so do I; it is "
		 "alive (its socket is open)");
	return 0;
}

/* --boottime, --monotonic: a time namespace for the command, made now,
 * before the command is cloned - the init stays in the host's, its
 * children are born in the new one - and before seccomp, which refuses
 * unshare() with namespace flags. Before PR_SET_DUMPABLE 0 too: that
 * gives our /proc/self files to the host's root, and rootless we could
 * no longer open /proc/self/timens_offsets to write the offsets (EACCES).
 * timens.h has the kernel's rules. */
static int set_time(const struct ctr_config *c)
{
	if (!c->time_set)
		return 0;
	if (timens_unshare(c->monotonic, c->boottime) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (errno == EINVAL)
			nsl_hint("this kernel has no time namespaces (Linux 5.6 and later, "
				 "CONFIG_TIME_NS)");
		else if (errno == ERANGE)
			nsl_hint("a clock may not go below zero: this host has been up for less "
				 "than that");
		return -1;
	}
	say("unshare(CLONE_NEWTIME), timens_offsets \"monotonic %lld, boottime %lld\": my "
	    "children's clocks; mine stay the host's", c->monotonic, c->boottime);
	return 0;
}

/* The OCI runtime's root.readonly: / remounted read-only, the flags a
 * user namespace may have locked on it kept (mnt_kept_flags()). The
 * mounts on top of it (/proc, /dev, volumes) are mounts of their own,
 * and stay as they are. */
static int read_only_root(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);
	unsigned long kept = fd == -1 ? 0 : mnt_kept_flags(fd);

	if (fd != -1)
		close(fd);
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | kept, NULL) == -1) {
		nsl_error(errno, "mount(NULL, \"/\", MS_REMOUNT|MS_BIND|MS_RDONLY)");
		return -1;
	}
	say("mount(\"/\", MS_REMOUNT|MS_BIND|MS_RDONLY): the root is read-only (root.readonly)");
	return 0;
}

/* The OCI runtime's create: wait for `start`, which opens the exec fifo
 * for reading; our open for writing blocks until then. FIFO is the
 * fifo, opened O_PATH before the pivot took the state directory out of
 * sight: reopened through /proc/self/fd, which always leads to it. One
 * byte tells `start` we are on our way. */
static int wait_for_start(int fifo)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fifo);
	say_more("open(the exec fifo, O_WRONLY): blocks until `start` opens it");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1) {
		nsl_error(errno, "open(\"%s\", O_WRONLY) (the exec fifo)", path);
		return -1;
	}
	if (write(fd, "0", 1) != 1) {
		nsl_error(errno, "write(the exec fifo)");
		close(fd);
		return -1;
	}
	close(fd);
	close(fifo);
	return 0;
}

/* The OCI runtime's namespace paths, all but pid's (create's): joined
 * as 06-setns joins, every file opened first, then one setns() each in
 * join_types' order, the mount namespace last, since it moves our root
 * and paths resolve inside it afterwards. */
static int join_paths(const struct ctr_config *c)
{
	int fd[JOIN_NTYPES], ret = -1, i;

	for (i = 0; i < JOIN_NTYPES; i++)
		fd[i] = -1;
	for (i = 0; i < JOIN_NTYPES; i++) {
		if (c->ns_path[i] == NULL || join_types[i].flag == CLONE_NEWPID)
			continue;
		if ((fd[i] = open(c->ns_path[i], O_RDONLY | O_CLOEXEC)) == -1) {
			nsl_error(errno, "open(\"%s\") (linux.namespaces: %s)", c->ns_path[i],
				  join_types[i].name);
			goto out;
		}
	}
	for (i = 0; i < JOIN_NTYPES; i++) {
		if (fd[i] == -1)
			continue;
		if (setns(fd[i], join_types[i].flag) == -1) {
			nsl_error(errno, "setns(\"%s\", %s)", c->ns_path[i], join_types[i].flag_name);
			goto out;
		}
		say("setns(\"%s\", %s): joined, not made", c->ns_path[i], join_types[i].flag_name);
	}
	ret = 0;
out:
	for (i = 0; i < JOIN_NTYPES; i++)
		if (fd[i] != -1)
			close(fd[i]);
	return ret;
}

/* The file system, the network, the name, the OCI runtime's sysctls
 * (through SYSDIR). */
static int set_up_tree(const struct ctr_config *c, const struct fs_config *fc,
		       const struct veth *veth, int sysdir)
{
	if (fs_setup(fc) == -1)
		return -1;
	ctr_phase("mounted");
	if (net_setup(c, veth) == -1)
		return -1;
	ctr_phase("net");
	if (c->root_ro && read_only_root() == -1)
		return -1;
	if (fs_root_propagation(fc) == -1)
		return -1;
	if (c->hostname != NULL && uts_set_hostname(c->hostname) == -1) {
		nsl_error(errno, "sethostname(\"%s\")", c->hostname);
		return -1;
	}
	return sysdir == -1 ? 0 : ctr_set_sysctls(c, sysdir);
}

/* The namespaces the clone() could not make at once, the file system,
 * the network, the name and the clocks. */
static int set_up(const struct ctr_config *c, struct mnt_record *record,
		  const struct veth *veth)
{
	const struct fs_config fc = {
		.rootfs = c->rootfs, .vol = c->vol, .nvol = c->nvol,
		.newfs = c->newfs, .nnewfs = c->nnewfs, .attr = c->attr, .nattr = c->nattr,
		.masked = c->masked_set ? c->masked : NULL, .nmasked = c->nmasked,
		.readonly = c->readonly_set ? c->readonly : NULL, .nreadonly = c->nreadonly,
		/* With an overlay, a mount point made for a volume goes to
		 * the upper layer, never into the rootfs: nothing to record. */
		.userns = c->userns || c->in_userns, .record = c->overlay ? NULL : record,
		.overlay = c->overlay, .upper = c->upper,
		.devices = c->devices, .ndevices = c->ndevices, .root_prop = c->root_prop,
	};
	int sysdir = -1, ret;

	if (join_paths(c) == -1)
		return -1;
	/* Last, so that its root is the cgroup we were placed in. */
	if (c->ns_path[join_type_index("cgroup")] == NULL) {
		if (unshare(CLONE_NEWCGROUP) == -1) {
			nsl_error(errno, "unshare(CLONE_NEWCGROUP)");
			return -1;
		}
		say_more("unshare(CLONE_NEWCGROUP): my cgroup is / in my cgroup namespace");
	}
	/* The OCI runtime's sysctls go in once the rest is up, through
	 * /proc/sys opened now: the container's /proc has it read-only. */
	if (c->nsysctl > 0 && (sysdir = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		nsl_error(errno, "open(\"/proc/sys\", O_PATH) (linux.sysctl)");
		return -1;
	}
	ret = set_up_tree(c, &fc, veth, sysdir);
	if (sysdir != -1)
		close(sysdir);
	if (ret == -1 || set_time(c) == -1)
		return -1;
	/* This process runs the host's nslab binary for its whole life. A
	 * process that is not dumpable has its /proc/PID files owned by
	 * root and refuses ptrace access, so the container cannot open
	 * /proc/1/exe and overwrite the runtime (CVE-2019-5736). */
	if (prctl(PR_SET_DUMPABLE, 0) == -1) {
		nsl_error(errno, "prctl(PR_SET_DUMPABLE, 0)");
		return -1;
	}
	say("%s, hostname \"%s\", PR_SET_DUMPABLE 0: /proc/1/exe is closed to the "
	    "container", c->ns_path[join_type_index("net")] != NULL ? "a network joined" :
	    c->net == CTR_NET_HOST ? "the host's network" : "lo is up",
	    c->hostname != NULL ? c->hostname : "(the host's)");
	return 0;
}

/* The OCI runtime's process.rlimits, set while we still hold
 * CAP_SYS_RESOURCE. Raising a hard limit needs it in the host's user
 * namespace: as root it works; in a user namespace of our own (rootless)
 * only lowering does, and raising fails with EPERM, reported. */
static int set_rlimits(const struct ctr_config *c)
{
	for (size_t i = 0; i < c->nrlimits; i++) {
		const struct ctr_rlimit *l = &c->rlimits[i];
		struct rlimit r = { .rlim_cur = l->soft, .rlim_max = l->hard };

		if (setrlimit(l->resource, &r) == -1) {
			nsl_error(errno, "setrlimit(%d, {%llu, %llu})", l->resource, l->soft,
				  l->hard);
			return -1;
		}
	}
	return 0;
}

static int install_filter(const struct ctr_config *c)
{
	return c->seccomp != NULL ? harden_seccomp_filter(c->seccomp) : harden_seccomp();
}

/* Capabilities, no_new_privs, seccomp - in this order: dropping
 * capabilities needs CAP_SETPCAP, and the filter needs no_new_privs
 * (or CAP_SYS_ADMIN, which is gone by then). The OCI runtime's
 * noNewPrivileges false leaves no_new_privs off, as runc does: the
 * filter then goes first, while CAP_SYS_ADMIN is still held, and a
 * setuid program in the container can gain privilege again (up to the
 * bounding set). */
int ctr_harden(const struct ctr_config *c)
{
	/* config.json's set, and what the command needs to become its
	 * user: it drops those three itself (command.c, set_caps_before()
	 * and set_caps_after()). */
	uint64_t caps = c->caps_set ? c->caps | CTR_SWITCH_CAPS : harden_default_caps();
	const char *nnp = c->nnp_off ? "no_new_privs off (noNewPrivileges)" : "no_new_privs";
	char names[512];
	size_t insns, refused;

	if (set_rlimits(c) == -1)
		return -1;
	if (c->nnp_off ? install_filter(c) == -1 || harden_caps(caps) == -1 :
			 harden_caps(caps) == -1 || harden_no_new_privs() == -1 ||
				 install_filter(c) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	harden_cap_names(c->caps_set ? c->caps : caps, names, sizeof(names));
	say_more("capabilities kept (bounding = permitted = effective): %s", names);
	if (c->seccomp != NULL) {
		say("hardened: %s, %s, config.json's seccomp profile (%zu BPF instructions, %zu "
		    "calls named)", c->caps_set ? "config.json's capabilities" :
		    "Docker's default capabilities minus CAP_MKNOD", nnp, c->seccomp->len,
		    c->seccomp->calls);
		return 0;
	}
	harden_seccomp_stats(&insns, &refused);
	say("hardened: %s, %s, seccomp (%zu BPF instructions, %zu calls refused)",
	    c->caps_set ? "config.json's capabilities" :
			  "Docker's default capabilities minus CAP_MKNOD", nnp, insns, refused);
	return 0;
}

int ctr_open_tty(struct ctr_child *k, int *master)
{
	char size[48] = "no size: the runtime has no terminal";
	int number;

	if (!k->c->tty)
		return 0;
	if (tty_open_pty(master, &k->tty_slave, &number, &k->tty_size) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (nsl_failed_hint() != NULL)
			nsl_hint("%s", nsl_failed_hint());
		return -1;
	}
	/* Owned by the command's user, as a login's terminal is, so that it
	 * may open it by name too (runc does the same to a container's
	 * stdio); now, while we hold CAP_CHOWN: config.json's set may not. */
	if (k->c->uid != 0 && fchown(k->tty_slave, k->c->uid, (gid_t)-1) == -1) {
		nsl_error(errno, "fchown(pty slave, %u)", (unsigned)k->c->uid);
		close(*master);
		close(k->tty_slave);
		k->tty_slave = -1;
		return -1;
	}
	if (k->tty_size.ws_col != 0 || k->tty_size.ws_row != 0)
		snprintf(size, sizeof(size), "%u columns, %u rows", k->tty_size.ws_col,
			 k->tty_size.ws_row);
	say("/dev/pts/%d of the container's devpts: the command's terminal (%s); its master "
	    "end goes to the runtime", number, size);
	return 0;
}

/* The container's /dev/null on 0, 1 and 2. */
static int stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), ret = 0;

	if (fd == -1) {
		nsl_error(errno, "open(\"/dev/null\", O_RDWR)");
		return -1;
	}
	for (int i = 0; i <= 2 && ret == 0; i++)
		ret = dup2(fd, i) == -1 ? -1 : 0;
	if (ret == -1)
		nsl_error(errno, "dup2(/dev/null, 0..2)");
	if (fd > 2)
		close(fd);
	return ret;
}

/* "ready" to the runtime: one byte, and with -t the pty's master end
 * riding on it (SCM_RIGHTS). EPIPE: the runtime is gone, and the death
 * signal is on its way. */
static int post_ready(int go, int master)
{
	int ret = master == -1 ? sync_post(go) : tty_send_fd(go, master);

	if (ret == -1 && errno != EPIPE) {
		nsl_error(errno, "%s", master == -1 ? "write(the runtime's socket)" :
			  nsl_failed_call());
		return -1;
	}
	if (master != -1)
		close(master);
	return 0;
}

/* What pidns_init() sees, told as it happens. */
static void narrate_init(enum pidns_event event, pid_t pid, int value)
{
	if (event == PIDNS_REAPED)
		say_more("reaped %d (status %d)", (int)pid, value);
	else if (event == PIDNS_FORWARDED && pid < 0)
		say("passed SIG%s on to %d and its process group", sigabbrev_np(value), (int)-pid);
	else if (event == PIDNS_FORWARDED)
		say("passed SIG%s on to %d", sigabbrev_np(value), (int)pid);
	else
		say_more("the command is gone: SIGKILL to every process left here");
}

int ctr_init_main(void *arg)
{
	struct ctr_child *k = arg;
	sigset_t saved;
	pid_t cmd;
	int status, master = -1;

	say_role("init");
	if (close_all_but(k->go) == -1) {
		nsl_error(errno, "close_range(3, ~0U, 0), all but fd %d", k->go);
		return EXIT_RUNTIME;
	}
	k->exec_fd = k->exec_fifo == NULL ? -1 : open(k->exec_fifo, O_PATH | O_CLOEXEC);
	if (k->exec_fifo != NULL && k->exec_fd == -1) {
		nsl_error(errno, "open(\"%s\", O_PATH)", k->exec_fifo);
		return EXIT_RUNTIME;
	}
	if (wait_for_go(k->c, k->go, k->exec_fifo != NULL) == -1)
		return EXIT_RUNTIME;
	ctr_phase("go");
	/* The caller's terminal sends Ctrl-C to its foreground process
	 * group, ours included: in a session of our own, only the runtime
	 * gets it, and passes it on once. */
	if (setsid() == -1) {
		nsl_error(errno, "setsid()");
		return EXIT_RUNTIME;
	}
	if (set_up(k->c, k->record, k->veth) == -1 || ctr_open_tty(k, &master) == -1)
		return EXIT_RUNTIME;
	/* Blocked since the runtime's clone() (we inherited its mask);
	 * saved here for the record: the command empties its mask. */
	if (pidns_init_block(&saved) == -1 || ctr_harden(k->c) == -1)
		return EXIT_RUNTIME;
	/* Built and hardened: "ready" tells the runtime that exec may join
	 * us now (run.c's wait_ready()). */
	if (post_ready(k->go, master) == -1)
		return EXIT_RUNTIME;
	/* The OCI runtime's create exits once it has written the state;
	 * its last byte says it has. Without a death signal to end us, an
	 * end of file here (create died: no state, no way to find us) is
	 * the end. */
	if (k->exec_fd != -1 && sync_wait(k->go) == -1)
		return EXIT_RUNTIME;
	close(k->go);
	/* With a terminal, our stdio is create's, which containerd's shim
	 * reads to its end of file before it calls create done: from here
	 * on it is the container's /dev/null (the command's is the pty). */
	if (k->exec_fd != -1 && k->tty_slave != -1 && stdio_to_null() == -1)
		return EXIT_RUNTIME;
	ctr_phase("hardened");
	if (k->exec_fd != -1 && wait_for_start(k->exec_fd) == -1)
		return EXIT_RUNTIME;
	cmd = proc_clone(ctr_cmd_main, k, 0);
	if (cmd == -1) {
		nsl_error(errno, "clone(SIGCHLD)");
		return EXIT_RUNTIME;
	}
	if (k->tty_slave != -1)
		close(k->tty_slave); /* the command's now: its end of file is the relay's */
	say_more("clone(SIGCHLD) = %d: the command; I reap and pass signals on", (int)cmd);
	ctr_phase("forked");
	status = pidns_init(cmd, narrate_init);
	if (status == -1) {
		nsl_error(errno, "signalfd(SIGCHLD and the forwarded signals)");
		return EXIT_RUNTIME;
	}
	return status;
}
