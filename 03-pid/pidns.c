/* pidns.c - the PID namespace piece; see pidns.h. */
#define _GNU_SOURCE
#include "pidns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail.h"
#include "proc.h"

int pidns_nspid(pid_t pid, pid_t *pids, int max)
{
	char buf[512], *p, *end;
	int n = 0;

	if (proc_status_field(pid, "NSpid", buf, sizeof(buf)) == -1)
		return -1;
	/* "4243 1": one number per namespace, outermost first. */
	for (p = buf; n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		pids[n++] = (pid_t)v;
	}
	return n;
}

int pidns_init_accepts(pid_t pid, int sig)
{
	char blk[64], cgt[64];
	unsigned long long mask;

	/* The exception: from an ancestor namespace these are forced. */
	if (sig == SIGKILL || sig == SIGSTOP)
		return 1;
	if (proc_status_field(pid, "SigBlk", blk, sizeof(blk)) == -1 ||
	    proc_status_field(pid, "SigCgt", cgt, sizeof(cgt)) == -1)
		return -1;
	/* Two hex masks, bit N-1 for signal N. A blocked signal is never
	 * dropped, since a handler may be installed before it is unblocked
	 * (or the init reads it from a signalfd, as pidns_init() does); a
	 * caught one has a handler. Anything else sent to an init is
	 * discarded by the kernel at the moment it is sent. One blind spot:
	 * while a process sits in sigwaitinfo(), SigBlk leaves out the
	 * signals it waits for, so an init built that way reads as 0. */
	mask = strtoull(blk, NULL, 16) | strtoull(cgt, NULL, 16);
	return (int)((mask >> (sig - 1)) & 1);
}

int pidns_channel(int sv[2])
{
	int on = 1;

	/* SOCK_SEQPACKET keeps each pid its own message, and like a pipe it
	 * reads EOF (0) when the other side is gone. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	/* Without SO_PASSCRED the receiver gets the byte but not the pid. */
	if (setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1) {
		int saved = errno;

		close(sv[0]);
		close(sv[1]);
		errno = saved;
		return -1;
	}
	return 0;
}

/* One byte of payload and room for one struct ucred. */
struct cred_msg {
	char byte;
	struct iovec iov;
	struct msghdr msg;
	union { /* aligned for a cmsghdr, as CMSG_FIRSTHDR() expects */
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
};

static void cred_msg_init(struct cred_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->iov.iov_base = &m->byte;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->control.buf;
	m->msg.msg_controllen = sizeof(m->control.buf);
}

int pidns_send_self(int fd)
{
	/* We state our pid as we see it; the kernel refuses a pid that is not
	 * ours (EPERM) unless we hold CAP_SYS_ADMIN over our PID namespace
	 * (unix(7)), and hands the receiver that pid in its own namespace. */
	struct ucred cred = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
	struct cred_msg m;
	struct cmsghdr *c;

	cred_msg_init(&m);
	m.byte = 'p';
	c = CMSG_FIRSTHDR(&m.msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	if (sendmsg(fd, &m.msg, 0) == -1)
		return -1;
	return 0;
}

pid_t pidns_recv_pid(int fd)
{
	struct cred_msg m;
	struct cmsghdr *c;
	struct ucred cred;
	ssize_t n;

	cred_msg_init(&m);
	n = recvmsg(fd, &m.msg, 0);
	if (n == -1)
		return -1;
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&m.msg); c != NULL; c = CMSG_NXTHDR(&m.msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			return cred.pid;
		}
	}
	errno = EPROTO;
	return -1;
}

/* The signals the init passes on to the main child: the three that ask a
 * program to stop, SIGQUIT (Ctrl-\, stop with a core dump), the two left
 * to applications (a server may reload or rotate its logs on them), and
 * SIGWINCH (the terminal was resized): the signals a command is sent in
 * the normal course of things (docker's tini passes on nearly all). An
 * init that neither handles nor blocks a signal makes the kernel drop it
 * (pid_namespaces(7)), so a signal left out here never reaches the
 * command from outside. */
static const int forwarded[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* The signals the init waits for: children that end, and the ones it
 * passes on. */
static void init_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}

int pidns_init_block(sigset_t *saved)
{
	sigset_t set;

	init_signals(&set);
	return sigprocmask(SIG_BLOCK, &set, saved);
}

/* Reap every child that has already exited, orphans included: an orphan
 * of this namespace was re-parented to us when its parent died, so it is
 * our child now. One SIGCHLD may stand for several exits (a pending
 * signal is not counted), hence the loop. Returns 1 once MAIN_CHILD has
 * been reaped, with its status in *STATUS. */
static int reap_exited(pid_t main_child, int *status, pidns_report_fn *report)
{
	/* LAB 03.2 reap: as PID 1, collect every child that has ended, orphans too
	 * level: 2
	 * minutes: 15
	 * checks: 03.1 03.4 03.11
	 * docs: docs/03-pid.md#a-command-as-pid-1-or-under-an-init
	 * fail: the init did not collect the orphan, or lost the command's status
	 * hint: pid_namespaces(7), "The namespace init process": orphans become PID 1's children, and stay zombies until it collects them
	 * hint: wait(2), DESCRIPTION: ask for any child, without blocking; one SIGCHLD may stand for many exits, so go on until none is left
	 * hint: pidns.h: what the caller wants to hear of each child, how a status is given, what to return once the main child is among them
	 * stub: (void)main_child;
	 * stub: (void)report;
	 * stub: *status = 125;
	 * stub: return 1;
	 */
	int wstatus, main_done = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
		if (report != NULL)
			report(PIDNS_REAPED, pid, proc_status(wstatus));
		if (pid == main_child) {
			*status = proc_status(wstatus);
			main_done = 1;
		}
	}
	return main_done;
	/* END LAB */
}

/* The main child is gone. Sent by PID 1, one signal reaches every other
 * process of this namespace and of the namespaces below it, never the
 * caller and never a process outside (those have no pid here). Sent by
 * anyone else, the same call would reach every process the caller may
 * signal on the machine, so only PID 1 sends it; another caller reaps
 * what has exited. */
static void reap_rest(pidns_report_fn *report)
{
	/* LAB 03.4 rest: the main child is gone: as PID 1, end everything left in the namespace and collect it all; not PID 1, collect only what has ended
	 * level: 2
	 * minutes: 10
	 * checks: 03.12
	 * docs: docs/03-pid.md#a-command-as-pid-1-or-under-an-init
	 * fail: once the command had exited, the init did not end and collect what it left behind
	 * hint: kill(2), "If pid equals -1", read together with pid_namespaces(7): sent from PID 1, whom does it reach?
	 * hint: signal(7), "Standard signals": the one no process can catch; pidns.h: the events the caller hears
	 * hint: wait(2): block only when every child is bound to end; an interrupted wait is not the end
	 * stub: (void)report;
	 */
	int wstatus, flags = WNOHANG;
	siginfo_t si;
	pid_t pid;

	if (getpid() == 1) {
		flags = 0;
		/* kill(-1) walks every process on the machine to find the
		 * namespace's. No child left (ECHILD, nothing reaped: WNOWAIT),
		 * and nothing needs it: what joined from outside ends with us. */
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 && errno == ECHILD)
			return;
		if (kill(-1, SIGKILL) == 0 && report != NULL)
			report(PIDNS_KILLED, -1, SIGKILL);
	}
	for (;;) {
		pid = waitpid(-1, &wstatus, flags);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0) /* ECHILD: no child left; 0: none has exited */
			break;
		if (report != NULL)
			report(PIDNS_REAPED, pid, proc_status(wstatus));
	}
	/* END LAB */
}

/* Pass SIG on to MAIN_CHILD - to its whole process group when it leads
 * one (it called setsid() or setpgid(0, 0), as 07's command does), the
 * way a terminal sends Ctrl-C to every process of its foreground group:
 * an interactive shell ignores SIGINT, and the command it runs is the one
 * that should stop. The report names a group by its negative id. */
static void pass_on(pid_t main_child, int sig, pidns_report_fn *report)
{
	/* LAB 03.3 forward: pass SIG on to MAIN_CHILD, to its whole process group when it leads one, and tell the caller
	 * level: 2
	 * minutes: 10
	 * checks: 03.10
	 * docs: docs/03-pid.md#a-command-as-pid-1-or-under-an-init
	 * fail: under --init, a stop signal sent to the demo never reached the command
	 * hint: pid_namespaces(7), "The namespace init process": the kernel drops a signal sent to PID 1 unless PID 1 takes it; an init that takes the stop signals owes them to its main child
	 * hint: kill(2), DESCRIPTION: how a negative pid names a group; credentials(7), "Process group ID and session ID": how to tell a group's leader
	 * hint: pidns.h: the event the caller hears, and how it names a group
	 * stub: (void)main_child;
	 * stub: (void)sig;
	 * stub: (void)report;
	 */
	pid_t to = getpgid(main_child) == main_child ? -main_child : main_child;

	if (kill(to, sig) == 0 && report != NULL)
		report(PIDNS_FORWARDED, to, sig);
	/* END LAB */
}

int pidns_init(pid_t main_child, pidns_report_fn *report)
{
	struct signalfd_siginfo si;
	int fd, status = 0, done = 0;
	sigset_t set;
	ssize_t n;

	if (main_child <= 0) {
		errno = EINVAL;
		return -1;
	}
	/* The signals are blocked (pidns_init_block()), so none of them
	 * interrupts us or is lost: each waits, pending, until we read it
	 * from the signalfd - even one that came before the signalfd was
	 * made. Being blocked is also what lets SIGTERM reach an init at all,
	 * and a signalfd (unlike sigwaitinfo(), which unblocks what it waits
	 * for while it waits) keeps them blocked, so SigBlk in
	 * /proc/PID/status shows the host that this init takes them. */
	init_signals(&set);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd == -1)
		return -1;
	while (!done) {
		n = read(fd, &si, sizeof(si));
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si)) {
			close(fd);
			if (n != -1)
				errno = EIO;
			return -1;
		}
		if ((int)si.ssi_signo == SIGCHLD)
			done = reap_exited(main_child, &status, report);
		else
			pass_on(main_child, (int)si.ssi_signo, report);
	}
	close(fd);
	reap_rest(report);
	return status;
}

pid_t pidns_unshare_fork(void)
{
	/* LAB 03.5 unshare-fork: make the caller's next child PID 1 of a new PID namespace, and start that child: 0 in the child, its pid in the caller, -1 and errno
	 * level: 2
	 * minutes: 15
	 * checks: 03.16
	 * docs: docs/03-pid.md#the-rule-kept---unshare
	 * fail: the command was not the demo's child, PID 1 of a new PID namespace, or it could not start a process of its own
	 * hint: pid_namespaces(7), its first paragraphs; namespaces(7), "/proc/[pid]/ns/pid_for_children": a process never changes its PID namespace, only its children are born in the new one
	 * hint: try it first with the start left out (return 0, as if you were the child): make check-03 LAB=1 EX=03.5, and read the command's error (the articles' "Cannot allocate memory"; dash says less); 03-pid --pitfall shows why
	 * hint: on failure record the call that failed for the caller (common/fail.h), errno kept
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 03.5: %s", "a first child in a new PID namespace");
	 */
	pid_t pid;

	if (unshare(CLONE_NEWPID) == -1)
		return nsl_fail("unshare(CLONE_NEWPID)");
	/* The first child is the new namespace's PID 1. */
	pid = fork();
	if (pid == -1)
		return nsl_fail("fork()");
	return pid;
	/* END LAB */
}
