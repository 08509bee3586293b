/* timens.h - a time namespace for the container's command: its own
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME (and so its own /proc/uptime),
 * shifted by offsets the runtime chooses.
 *
 * A time namespace changes only those two clocks (and their _RAW,
 * _COARSE and _ALARM kin): CLOCK_REALTIME, the date, stays the host's.
 * Each process sees the host's clock plus its namespace's offsets; the
 * vDSO reads them from a page of its own, so clock_gettime() stays a
 * call without a system call. What it is for: checkpoint/restore (CRIU
 * moves a container to another machine, whose clocks started at another
 * time, and its programs must not see time jump), and tests of code that
 * misbehaves after a long uptime.
 *
 * The kernel's rules, each one shaping the call order (time_namespaces(7)):
 *  - unshare(CLONE_NEWTIME) does not move the caller. It makes a new
 *    namespace for the caller's CHILDREN (/proc/self/ns/time_for_children);
 *    the caller stays where it was (/proc/self/ns/time). clone(2) cannot
 *    take CLONE_NEWTIME at all: its bit lies in the low byte that holds
 *    the exit signal (CSIGNAL); clone3(2) was meant to, but refused it
 *    (EINVAL) until Linux 6.3. So: unshare, then make the children.
 *  - The offsets are written to /proc/self/timens_offsets after the
 *    unshare and BEFORE the first process enters the namespace: once a
 *    child exists (or anyone setns()es into it), they are fixed and the
 *    write fails with EACCES.
 *  - Writing them needs CAP_SYS_TIME in the user namespace that owns the
 *    time namespace: a rootless container's init has it in its own.
 *  - A clock may not go below zero (ERANGE): a negative offset larger
 *    than the host's uptime is refused.
 *
 * Pieces style: 0, or -1 with errno set and the failed call recorded for
 * nsl_failed_call() (common/fail.h), e.g. "unshare(CLONE_NEWTIME)";
 * nothing here prints or exits.
 *
 * Read: time_namespaces(7), unshare(2), clock_gettime(2), proc(5)
 * (/proc/uptime, /proc/PID/timens_offsets).
 */
#ifndef NSLAB_TIMENS_H
#define NSLAB_TIMENS_H

/* A new time namespace for the caller's future children, whose
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME read MONOTONIC and BOOTTIME seconds
 * more than the caller's (less, if negative): unshare(CLONE_NEWTIME),
 * then one write of both offsets. Before the caller makes any child:
 * every child made after it is in the new namespace. */
int timens_unshare(long long monotonic, long long boottime);

/* A number of seconds as --boottime and --monotonic take it: an optional
 * '-', then 1 to 10 digits, at most TIMENS_MAX_OFFSET either way (the
 * kernel's KTIME_SEC_MAX / 2; larger offsets are ERANGE). A pure
 * function. 0, or -1 with errno EINVAL or ERANGE. */
#define TIMENS_MAX_OFFSET 4611686018LL
int timens_parse_offset(const char *s, long long *secs);

#endif
