/* pidns.h - the PID namespace piece: a process's pid at every level, and a
 * tiny init.
 *
 * A PID namespace numbers its processes from 1. A process belongs to the
 * namespace it was created in and to every ancestor of that namespace, and
 * has a pid in each: the host sees 4243 where the process itself sees 1.
 * The NSpid line of /proc/PID/status lists them all, from the namespace
 * the reading /proc belongs to down to the process's own.
 *
 * The first process of a new namespace is its init, PID 1, and the kernel
 * gives it three rules of its own (pid_namespaces(7)):
 *  - every process of the namespace whose parent dies is re-parented to
 *    it, and it must reap them, or they stay zombies;
 *  - when it dies, the kernel sends SIGKILL to every other process of the
 *    namespace, and the namespace is dead: no process can join it again;
 *  - signals reach it only if it handles them (or blocks them, to wait for
 *    them): the rest are dropped. The one exception is SIGKILL or SIGSTOP
 *    sent from an ancestor namespace.
 * pidns_init() below is an init that keeps those rules, for a command that
 * was not written to be PID 1.
 *
 * Read: pid_namespaces(7), namespaces(7), clone(2), unshare(2), proc(5)
 * (NSpid, SigBlk, SigCgt), unix(7) (SCM_CREDENTIALS).
 */
#ifndef NSLAB_PIDNS_H
#define NSLAB_PIDNS_H

#include <signal.h>
#include <sys/types.h>

/* PID namespaces nest at most 32 deep below the initial one, so a process
 * has at most 33 pids. */
#define PIDNS_MAX_LEVELS 33

/* The pids of PID at each level, as this process's /proc numbers them:
 * the NSpid line of /proc/PID/status, outermost first. PID 0 means the
 * caller. Returns how many were stored in PIDS (at most MAX), or -1 with
 * errno set. */
int pidns_nspid(pid_t pid, pid_t *pids, int max);

/* Would SIG, sent from an ancestor namespace, reach PID, the init of a
 * PID namespace? 1 if it has a handler for SIG or blocks it (read from
 * SigCgt and SigBlk in /proc/PID/status), or SIG is SIGKILL or SIGSTOP;
 * 0 if the kernel would drop it; -1 with errno set. PID 0: the caller.
 * (An init blocked in sigwaitinfo() reads as 0: see pidns.c.) */
int pidns_init_accepts(pid_t pid, int sig);

/* A channel on which a process tells another its pid, whatever PID
 * namespace each is in: a pair of connected Unix sockets. A pid sent as
 * SCM_CREDENTIALS is checked by the kernel and rewritten into the
 * receiver's namespace (unix(7)), so the host learns a process's host
 * pid without searching /proc. SV[0] receives, SV[1] sends. Returns 0, or
 * -1 with errno set. */
int pidns_channel(int sv[2]);

/* Send the caller's own pid on FD (the SV[1] end). 0, or -1 with errno. */
int pidns_send_self(int fd);

/* Receive a pid from FD (the SV[0] end), translated into the caller's PID
 * namespace. -1 with errno set on failure; errno EPIPE when the sender
 * closed without sending. */
pid_t pidns_recv_pid(int fd);

/* What pidns_init() saw, for a caller that wants to narrate it. */
enum pidns_event {
	PIDNS_REAPED,    /* PID was reaped; VALUE is its shell-like status */
	PIDNS_FORWARDED, /* signal VALUE was passed on to PID, the main child
			  * (-PID: to the process group it leads) */
	PIDNS_KILLED,    /* the main child is gone: SIGKILL to all the rest */
};
typedef void pidns_report_fn(enum pidns_event event, pid_t pid, int value);

/* Block the signals pidns_init() waits for (SIGCHLD and the signals it
 * forwards: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH)
 * and save the old mask in SAVED. Call it BEFORE forking the main
 * child: a child that exits at once then leaves its SIGCHLD pending
 * instead of lost. The child puts SAVED back with sigprocmask() before it
 * runs its command, since a blocked mask survives execve(2). */
int pidns_init_block(sigset_t *saved);

/* Be the init for MAIN_CHILD, the caller's child: reap every child that
 * exits (orphans included), pass SIGTERM, SIGINT, SIGHUP, SIGQUIT,
 * SIGUSR1, SIGUSR2 and SIGWINCH on to the main child (to its process
 * group, when it leads one, as a terminal would), and once it is
 * gone, end and reap whatever is left (only when the caller is PID 1:
 * from there one signal reaches exactly its namespace).
 * REPORT, if not NULL, hears every event. Returns the main child's status
 * as a shell gives it (exit code, or 128 + signal), for the caller to exit
 * with; -1 with errno set if waiting fails. */
int pidns_init(pid_t main_child, pidns_report_fn *report);

/* The other way into a new PID namespace, a process's own: from now on the
 * caller's children are born in a new PID namespace, while the caller
 * stays in its own (a process never changes PID namespace); then start the
 * first of them, which is PID 1 there. Returns 0 in that child, its pid in
 * the caller, or -1 with errno set and the failed call recorded
 * (common/fail.h). Flush stdio first, as before any fork. Once that child
 * is gone, the namespace is dead: the caller can start no process any
 * more (ENOMEM), so it should only wait for it, and leave with _exit(). */
pid_t pidns_unshare_fork(void);

#endif
