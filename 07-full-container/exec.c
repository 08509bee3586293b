/* exec.c - run a command inside a running container, as docker exec and
 * nsenter(1) do: join every namespace of the container with 06's piece,
 * then fork, because a PID namespace takes only the children of whoever
 * joins it (pid_namespaces(7)).
 *
 * Three processes, the shape of runc's nsexec:
 *   host  (this process) never joins anything. It finds the container,
 *         opens its namespaces while /proc is still ours, forks the
 *         joiner, then waits for the command, forwards signals to it, and
 *         exits with its status.
 *   join  joins (user first, mount last, then the container's root and
 *         cwd), clones the command with CLONE_PARENT, so that the command
 *         is the host's child rather than its own, tells the host its pid
 *         and exits.
 *   cmd   is born in the container's PID namespace; waits for the host's
 *         "go", then hardens itself the way run's command is hardened,
 *         and execs CMD.
 * Why not join in this process, as nsenter does? Once in the container's
 * mount namespace, /proc is the container's, where this process has no
 * pid: whatever reads /proc/self after that breaks (LeakSanitizer's check
 * at exit among them), and nothing the host side does - wait, forward
 * signals, report - needs to be inside. Why CLONE_PARENT? So that the host
 * waits for the command and signals it directly, with no middleman left.
 *
 * Read: setns(2), clone(2) (CLONE_PARENT), signalfd(2), prctl(2)
 * (PR_SET_DUMPABLE, PR_SET_PDEATHSIG), credentials(7).
 */
#define _GNU_SOURCE
#include "ctr.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../01-uts/uts.h"
#include "../06-setns/join.h"
#include "container.h"
#include "harden.h"
#include "proc.h"
#include "say.h"
#include "state.h"
#include "sync.h"

struct exec_ctx {
	struct state_rec rec;
	struct join_target t;
	pid_t host;          /* this process, for the joiner's check */
	uid_t uid;           /* -u, or 0:0 */
	gid_t gid;
	char **cmd;
	int sfd;             /* signalfd: SIGCHLD and the forwarded signals */
	int go[2];           /* host -> cmd: "you may run" (EOF: host gone) */
	int pidp[2];         /* joiner -> host: the command's pid */
};

static int find_container(const char *target, struct state_rec *rec)
{
	char dir[PATH_MAX];

	if (state_find(target, rec) == 0)
		return 0;
	/* No such container: one line, no hint - the line says it all. */
	if (errno == ENOENT && state_path(dir, sizeof(dir)) == 0) {
		nsl_error(ENOENT, "exec: no running container \"%s\" in %s", target, dir);
		return -1;
	}
	nsl_error(errno, "%s", state_failed_call());
	if (state_hint() != NULL)
		nsl_hint("%s", state_hint());
	return -1;
}

/* Block the signals we forward, and SIGCHLD, and read them from a
 * signalfd. Blocked before any fork: a command that exits at once leaves
 * its SIGCHLD pending for us instead of lost. The command unblocks them
 * all before exec (a blocked mask survives execve(2)). */
static int block_signals(struct exec_ctx *x)
{
	static const int fwd[] = CTR_FORWARDED;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaddset(&set, fwd[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		nsl_error(errno, "sigprocmask(SIG_BLOCK, SIGCHLD and the forwarded signals)");
		return -1;
	}
	x->sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (x->sfd == -1) {
		nsl_error(errno, "signalfd(-1, SIGCHLD and the forwarded signals, SFD_CLOEXEC)");
		return -1;
	}
	/* Narration to a closed pipe must fail with EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* The PPid of the process whose /proc directory is DIR, or -1. */
static pid_t ppid_at(int dir)
{
	char buf[1024], *p;
	ssize_t n;
	int fd = openat(dir, "status", O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nPPid:");
	return p == NULL ? -1 : (pid_t)strtol(p + 6, NULL, 10);
}

/* The init cannot be looked into: it is not dumpable (run's guard
 * against CVE-2019-5736), and then only a process with CAP_SYS_PTRACE in
 * the host's user namespace may open its /proc/PID/ns files - root, not a
 * rootless user. Its children exec'd inside (the command first) are
 * dumpable and in the very same namespaces: join through one of them. */
static int open_via_child(struct exec_ctx *x, int flags)
{
	char path[64], buf[512], *p, *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)x->rec.pid,
		 (int)x->rec.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (p = buf; *p != '\0'; p = end) {
		pid_t child = (pid_t)strtol(p, &end, 10);

		if (end == p)
			break;
		if (join_open(child, flags, &x->t) == -1)
			continue;
		/* The descriptor of /proc/CHILD pins that process: if it is
		 * still the init's child now, it was when we opened it. */
		if (ppid_at(x->t.piddir) == x->rec.pid) {
			say("init %d is not dumpable and only root may open its /proc/%d/ns; "
			    "joining through its child %d, in the same namespaces",
			    (int)x->rec.pid, (int)x->rec.pid, (int)child);
			return 0;
		}
		join_close(&x->t);
	}
	errno = EACCES;
	return -1;
}

/* Open every namespace of the container that is not ours already. A
 * namespace we share (the host's time namespace, say) is left out:
 * setns() into it would change nothing, yet it asks for CAP_SYS_ADMIN
 * over it, which a rootless joiner, inside the container's user
 * namespace by then, does not have. */
static int open_container(struct exec_ctx *x)
{
	char names[256], call[512];
	int flags, saved;

	if (join_types_of(x->rec.pid, &flags) == -1)
		goto fail;
	if (join_open(x->rec.pid, flags, &x->t) == -1) {
		saved = errno;
		snprintf(call, sizeof(call), "%s", join_failed_call());
		if ((saved != EACCES && saved != EPERM) || open_via_child(x, flags) == -1) {
			nsl_error(saved, "%s", call); /* the init's failure, not a child's */
			return -1;
		}
	}
	for (int i = 0; i < JOIN_NTYPES; i++)
		if ((x->t.asked & join_types[i].flag) && x->t.ino[i] == x->t.mine[i]) {
			x->t.mask &= ~join_types[i].flag;
			say_more("%s:[%lu]: the container's is ours, not joined", join_types[i].name,
				 x->t.ino[i]);
		}
	join_flag_names(x->t.mask, names, sizeof(names));
	say("exec into %s (init %d): joining %s", x->rec.name, (int)x->rec.pid, names);
	return 0;
fail:
	nsl_error(errno, "%s", join_failed_call());
	if (errno == ESRCH)
		nsl_hint("container %s has just exited", x->rec.name);
	return -1;
}

/* Told after each setns() with --verbose. */
static void tell_join(const struct join_target *t, int i, void *arg)
{
	(void)arg;
	if (i < 0)
		say_more("fchdir + chroot(\".\") into /proc/%d/root, fchdir into /proc/%d/cwd",
			 (int)t->pid, (int)t->pid);
	else
		say_more("setns(fd of /proc/%d/ns/%s, %s) = 0", (int)t->pid,
			 join_types[i].name, join_types[i].flag_name);
}

/* The command's credentials, as run's command sets them: no
 * supplementary groups, then the gid, then the uid (after it, setgid
 * would need a capability we no longer have). */
static int set_user(const struct exec_ctx *x)
{
	if (setgroups(0, NULL) == -1) {
		/* In a user namespace whose setgroups file says "deny" (a
		 * rootless one: user_namespaces(7)), groups cannot be dropped;
		 * the host's show as nogroup inside. */
		if (errno != EPERM || !x->rec.userns) {
			nsl_error(errno, "setgroups(0, NULL)");
			return -1;
		}
		say_more("setgroups(0, NULL): denied in this user namespace; groups kept");
	}
	if (setgid(x->gid) == -1 || setuid(x->uid) == -1) {
		nsl_error(errno, "setgid(%u), setuid(%u)", (unsigned)x->gid, (unsigned)x->uid);
		if (errno == EINVAL)
			nsl_hint("the id is not mapped in the container's user namespace "
				 "(see /proc/%d/uid_map; a rootless container maps only 0)",
				 (int)x->rec.pid);
		return -1;
	}
	return 0;
}

/* The environment, built from nothing, as run builds it. */
static int set_env(const struct exec_ctx *x)
{
	char host[HOST_NAME_MAX + 1] = "", term[128];
	const char *t = getenv("TERM");

	snprintf(term, sizeof(term), "%s", t != NULL && t[0] != '\0' ? t : "xterm");
	uts_get_hostname(host, sizeof(host)); /* the container's: we joined its UTS */
	if (clearenv() != 0 ||
	    setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1) == -1 ||
	    setenv("HOME", x->uid == 0 ? "/root" : "/", 1) == -1 ||
	    setenv("TERM", term, 1) == -1 || setenv("HOSTNAME", host, 1) == -1) {
		nsl_error(errno, "setenv()");
		return -1;
	}
	return 0;
}

/* Every signal to its default action and none blocked, for CMD. */
static void default_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL); /* fails for glibc's own: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The command, the host's child (CLONE_PARENT), in every namespace. */
static int cmd_main(void *arg)
{
	struct exec_ctx *x = arg;
	char cwd[16];

	say_role("cmd");
	close(x->pidp[1]); /* or the host would not see the joiner's EOF */
	/* Die with the host. If it is gone already, PDEATHSIG comes too
	 * late; its "go" never comes either: sync_wait() sees EOF. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || sync_wait(x->go[0]) == -1)
		return EXIT_RUNTIME;
	/* A session of our own: no controlling terminal, so no TIOCSTI into
	 * the caller's (CVE-2017-5226 and friends). */
	if (setsid() == -1) {
		nsl_error(errno, "setsid()");
		return EXIT_RUNTIME;
	}
	/* Capabilities first: dropping from the bounding set needs
	 * CAP_SETPCAP, which setuid() to a non-root uid takes away. */
	if (harden_caps(harden_default_caps()) == -1) {
		nsl_error(errno, "%s", harden_failed_call());
		return EXIT_RUNTIME;
	}
	if (set_user(x) == -1 || set_env(x) == -1)
		return EXIT_RUNTIME;
	/* CVE-2024-21626: a working directory outside the container's root
	 * (a leaked descriptor's) must never reach exec. */
	if (chdir("/") == -1 || getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, "/") != 0) {
		nsl_error(errno, "chdir(\"/\") inside the container's root");
		return EXIT_RUNTIME;
	}
	if (harden_no_new_privs() == -1 || harden_seccomp() == -1 || harden_close_fds() == -1) {
		nsl_error(errno, "%s", harden_failed_call());
		return EXIT_RUNTIME;
	}
	say_more("hardened: capabilities, no_new_privs, seccomp, no fd above 2; "
		 "exec as %u:%u", (unsigned)x->uid, (unsigned)x->gid);
	default_signals();
	return proc_exec(x->cmd);
}

/* The joiner: joins, clones the command, tells the host its pid. */
static int joiner(struct exec_ctx *x)
{
	pid_t pid;

	say_role("join");
	close(x->go[1]);
	close(x->pidp[0]);
	close(x->sfd);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != x->host)
		return EXIT_RUNTIME;
	if (join_enter(&x->t, tell_join, NULL) == -1) {
		nsl_error(errno, "%s", join_failed_call());
		return EXIT_RUNTIME;
	}
	join_close(&x->t);
	/* The command's parent is the host's: the host waits for it. A PID
	 * namespace's init may not do this (EINVAL); we are not one. */
	pid = proc_clone(cmd_main, x, CLONE_PARENT);
	if (pid == -1) {
		nsl_error(errno, "clone(CLONE_PARENT|SIGCHLD)");
		return EXIT_RUNTIME;
	}
	say("clone(CLONE_PARENT) = %d: born in %s's namespaces, the host's child",
	    (int)pid, x->rec.name);
	if (write(x->pidp[1], &pid, sizeof(pid)) != (ssize_t)sizeof(pid)) {
		nsl_error(errno, "write(the host's pipe)");
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Fork the joiner; return the command's pid, once it may run. */
static pid_t start(struct exec_ctx *x)
{
	pid_t j, pid = -1;
	ssize_t n;

	if (sync_open(x->go) == -1 || sync_open(x->pidp) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	j = fork();
	if (j == -1) {
		nsl_error(errno, "fork()");
		return -1;
	}
	if (j == 0)
		_exit(joiner(x));
	join_close(&x->t);
	close(x->go[0]);
	close(x->pidp[1]);
	x->go[0] = x->pidp[1] = -1;
	do
		n = read(x->pidp[0], &pid, sizeof(pid));
	while (n == -1 && errno == EINTR);
	waitpid(j, NULL, 0);
	if (n != (ssize_t)sizeof(pid))
		return -1; /* the joiner failed, and said why */
	/* TODO(issue 6, cgroups): move the command into the container's
	 * cgroup here - write PID to <its cgroup>/cgroup.procs - before it
	 * may run: it waits for "go" below, so nothing runs outside. */
	if (sync_post(x->go[1]) == -1) {
		nsl_error(errno, "write(the command's pipe)");
		return -1;
	}
	return pid;
}

/* Forward what we catch to the command until it exits; its status. */
static int wait_cmd(const struct exec_ctx *x, pid_t pid)
{
	struct signalfd_siginfo si;
	int ws;

	for (;;) {
		ssize_t n = read(x->sfd, &si, sizeof(si));

		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si)) {
			nsl_error(errno, "read(signalfd)");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return EXIT_RUNTIME;
		}
		if (si.ssi_signo != SIGCHLD) {
			say_more("%s: passed on to %d", strsignal((int)si.ssi_signo), (int)pid);
			kill(pid, (int)si.ssi_signo);
			continue;
		}
		/* SIGCHLDs merge: ask for this child, whatever woke us. */
		n = waitpid(pid, &ws, WNOHANG);
		if (n == pid)
			return proc_status(ws);
		if (n == -1) {
			nsl_error(errno, "waitpid(%d)", (int)pid);
			return EXIT_RUNTIME;
		}
	}
}

int ctr_exec(const char *target, int user_set, uid_t uid, gid_t gid, char **cmd)
{
	struct exec_ctx x = { .host = getpid(), .uid = user_set ? uid : 0,
			      .gid = user_set ? gid : 0, .cmd = cmd, .sfd = -1,
			      .go = { -1, -1 }, .pidp = { -1, -1 } };
	int status = EXIT_RUNTIME;
	pid_t pid;

	if (find_container(target, &x.rec) == -1)
		return EXIT_RUNTIME;
	/* CVE-2019-5736: what joins the container must not let it open
	 * /proc/PID/exe - the host's nslab binary - and write through it.
	 * Not dumpable: /proc/PID is root's, and ptrace access is refused.
	 * Set before anything joins; forks inherit it; exec resets it. */
	if (prctl(PR_SET_DUMPABLE, 0) == -1) {
		nsl_error(errno, "prctl(PR_SET_DUMPABLE, 0)");
		return EXIT_RUNTIME;
	}
	if (block_signals(&x) == -1 || open_container(&x) == -1)
		goto out;
	pid = start(&x);
	join_close(&x.t);
	if (pid > 0) {
		status = wait_cmd(&x, pid);
		say("%s exited with status %d", cmd[0], status);
	}
out:
	sync_close(x.go);
	sync_close(x.pidp);
	if (x.sfd != -1)
		close(x.sfd);
	return status;
}
