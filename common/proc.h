/* proc.h - starting, waiting for and stopping the demo's processes. */
#ifndef NSLAB_PROC_H
#define NSLAB_PROC_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* Run FN(ARG) in a new process made by clone(2) with FLAGS | SIGCHLD, so
 * the parent can wait for it as for a forked child. The child gets a stack
 * of its own (a private copy: without CLONE_VM the parent's memory is
 * copied, so the parent frees its mapping right after). stdout and stderr
 * are flushed first, so buffered lines are not printed twice. Returns the
 * child's pid as the caller sees it, or -1 with errno set. */
pid_t proc_clone(int (*fn)(void *), void *arg, int flags);

/* The same, with the child born in the cgroup v2 directory open on
 * CGROUP_FD: clone3(2) with CLONE_INTO_CGROUP. Nothing the child runs is
 * ever outside that cgroup, and there is no write to cgroup.procs, which
 * costs milliseconds (the kernel waits for every CPU to pass a quiet
 * point before a process may change cgroups). -1 with errno ENOSYS or
 * E2BIG on a kernel older than 5.7: use proc_clone() and move the child. */
pid_t proc_clone_into(int (*fn)(void *), void *arg, int flags, int cgroup_fd);

/* Wait for PID and return its status the way a shell reports it: the exit
 * code, or 128 + the signal that killed it. A signal caught by
 * proc_trap_signals() while waiting is passed on to PID once, and the
 * wait goes on, so the child can end (and be reaped) first. Returns -1
 * with errno set if waitpid() fails. */
int proc_wait(pid_t pid);

/* The signal (SIGINT, SIGTERM or SIGHUP) that asked the demo to stop, or 0.
 * Set by the handler proc_trap_signals() installs. */
extern volatile sig_atomic_t proc_stop_signal;

/* Catch SIGINT, SIGTERM and SIGHUP so that Ctrl-C does not kill the demo in
 * the middle: blocking calls return EINTR instead, and the demo cleans up
 * what it made on the host, then exits 128 + proc_stop_signal. SIGPIPE is
 * ignored, so posting to a pipe whose reader died fails with EPIPE
 * instead of killing the demo before it cleans up. */
int proc_trap_signals(void);

/* Put back the default action of every signal proc_trap_signals() changed.
 * Call it before exec: an ignored signal stays ignored across execve(2),
 * and a command started with SIGPIPE ignored misbehaves in pipelines. */
int proc_default_signals(void);

/* In a child: the default actions of SIGINT, SIGTERM and SIGHUP back (a
 * clone()d child inherits its parent's handlers; SIGPIPE stays ignored
 * until proc_exec()), then ask for SIGKILL when the parent dies, so a
 * killed demo never leaves a child behind. */
int proc_child_setup(void);

/* Replace the calling process with CMD (execvp(3): looked up in PATH),
 * with the default signal actions back in place. Returns only when exec
 * failed, after reporting it, with the status a shell gives: 127 when the
 * command was not found, 126 when it could not be executed. */
int proc_exec(char **cmd);

/* Copy the value of FIELD ("NSpid", "CapEff", "Uid", ...) from
 * /proc/PID/status into BUF, with the tabs between numbers turned into
 * spaces ("4243 1"). PID 0 means the caller. Returns 0, or -1 with errno
 * set (ENOENT: no such field, as for NSpid before Linux 4.1). See proc(5). */
int proc_status_field(pid_t pid, const char *field, char *buf, size_t len);

/* A shell-like status from a waitpid() status word. */
int proc_status(int wstatus);

#endif
