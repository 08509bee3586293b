/* syscalls.h - system calls that glibc does not wrap, one small wrapper
 * each, named and ordered like the man page.
 *
 * syscall(2) is the generic door: it takes the call's number (SYS_xxx) and
 * its raw arguments, and returns -1 with errno set on failure, like any
 * glibc wrapper. Where the headers predate a call, the wrapper fails with
 * ENOSYS, the same answer an old kernel gives, so callers handle both in
 * one place.
 */
#ifndef NSLAB_SYSCALLS_H
#define NSLAB_SYSCALLS_H

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h> /* struct __user_cap_{header,data}_struct */
#include <linux/openat2.h> /* struct open_how, RESOLVE_* */
#include <sys/syscall.h>
#include <unistd.h>

/* pivot_root(2): make NEW_ROOT the root mount of the caller's mount
 * namespace and move the old root mount to PUT_OLD, which must be at or
 * under NEW_ROOT. */
static inline int pivot_root(const char *new_root, const char *put_old)
{
#ifdef SYS_pivot_root
	return (int)syscall(SYS_pivot_root, new_root, put_old);
#else
	(void)new_root;
	(void)put_old;
	errno = ENOSYS;
	return -1;
#endif
}

/* openat2(2) (Linux 5.6): openat() with a say in how the path is walked.
 * RESOLVE_BENEATH makes the kernel refuse, with EXDEV, any path that would
 * leave DIRFD on the way, through ".." or a symlink. */
static inline int openat2(int dirfd, const char *path, struct open_how *how,
			  size_t size)
{
#ifdef SYS_openat2
	return (int)syscall(SYS_openat2, dirfd, path, how, size);
#else
	(void)dirfd;
	(void)path;
	(void)how;
	(void)size;
	errno = ENOSYS;
	return -1;
#endif
}

/* pidfd_open(2) (Linux 5.3): a file descriptor that refers to process
 * PID itself, not to its number. It becomes readable (POLLIN) when the
 * process exits, so a process can be waited for with poll(2) - together
 * with signals, through ppoll(2). */
static inline int pidfd_open(pid_t pid, unsigned int flags)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, flags);
#else
	(void)pid;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/* close_range(2) (Linux 5.9): close every descriptor from FIRST to LAST
 * in one call, however many are open. glibc 2.34 and later declare it in
 * <unistd.h> themselves (a wrapper of the same name would clash); either
 * way an older kernel answers ENOSYS, and the caller walks /proc/self/fd. */
#if !(defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34))
static inline int close_range(unsigned int first, unsigned int last,
			      int flags)
{
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, first, last, flags);
#else
	(void)first;
	(void)last;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}
#endif

/* clone3(2) (Linux 5.3): clone with its arguments in a struct, which
 * can say more than clone(2)'s registers can. nslab uses it for one
 * thing, CLONE_INTO_CGROUP (Linux 5.7): the child is born in the cgroup
 * v2 directory whose descriptor is .cgroup, instead of being moved there
 * by a write to cgroup.procs. The struct is the kernel's struct
 * clone_args (<linux/sched.h>) up to .cgroup, its size-versioned layout
 * ABI; glibc declares no wrapper. With .stack 0 the child goes on on a
 * copy of the caller's stack, as after fork(): the call returns twice,
 * 0 in the child. An older kernel answers ENOSYS (no clone3) or E2BIG
 * (no .cgroup). */
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
struct nsl_clone_args {
	unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal;
	unsigned long long stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static inline long nsl_clone3(struct nsl_clone_args *args)
{
#ifdef SYS_clone3
	return syscall(SYS_clone3, args, sizeof(*args));
#else
	(void)args;
	errno = ENOSYS;
	return -1;
#endif
}

/* capget(2), capset(2): read and set the calling thread's capability
 * sets. Version 3 of the interface takes an array of two data structs,
 * one per 32-bit half of the 64-bit sets. libcap wraps these; nslab
 * calls the kernel directly, which is the lesson. */
static inline int capget(struct __user_cap_header_struct *hdr,
			 struct __user_cap_data_struct *data)
{
	return (int)syscall(SYS_capget, hdr, data);
}

static inline int capset(struct __user_cap_header_struct *hdr,
			 const struct __user_cap_data_struct *data)
{
	return (int)syscall(SYS_capset, hdr, data);
}

/* seccomp(2) (Linux 3.17): install a BPF filter that every later system
 * call of the thread passes through. Older kernels only know the prctl()
 * door, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog), which callers
 * try on ENOSYS. */
static inline int seccomp(unsigned int op, unsigned int flags, void *args)
{
#ifdef SYS_seccomp
	return (int)syscall(SYS_seccomp, op, flags, args);
#else
	(void)op;
	(void)flags;
	(void)args;
	errno = ENOSYS;
	return -1;
#endif
}

#endif
