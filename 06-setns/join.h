/* join.h - the setns piece: join the namespaces of a running process.
 *
 * setns(2) moves the calling thread into an existing namespace, named by
 * a file descriptor: a /proc/PID/ns/TYPE file, or (Linux 5.8) a pidfd,
 * which names every namespace of process PID at once. It is how nsenter(1)
 * and `docker exec` get a command into a running container.
 *
 * The rules this piece follows, each a kernel rule:
 *  - Open first, join after. Every /proc/PID/ns/TYPE file, and PID's root
 *    and working directory, are opened before the first setns(): once the
 *    caller is in PID's mount namespace, /proc is whatever PID's namespace
 *    mounted there, and "PID" may mean another process or none.
 *  - One join after the other, in the order of join_types[] (join.c):
 *    each join needs capabilities, and the user namespace that owns the
 *    joined one decides (user_namespaces(7)). The caller's own user
 *    namespace is never joined: the kernel refuses it (EINVAL), as it
 *    would hand back capabilities already dropped.
 *  - The mount join moves the caller's root and working directory to the
 *    namespace's root mount, after which paths, /proc included, resolve
 *    inside the target.
 *  - PID namespace: a process never changes its pid, so joining a PID
 *    namespace changes only where the caller's children are born
 *    (/proc/self/ns/pid_for_children). The caller must fork. (A time
 *    namespace join, unlike its unshare, moves the caller at once.)
 *  - Mount and user namespaces (and time) can be joined only by a
 *    single-threaded process: threads share one root and cwd (the kernel's
 *    fs_struct) and one set of credentials, so one thread cannot move alone.
 *
 * Read: setns(2), nsenter(1), lsns(8), pidfd_open(2), namespaces(7),
 * user_namespaces(7), pid_namespaces(7), mount_namespaces(7).
 *
 * The piece is two files, one header: join.c (open and join) and list.c
 * (ids side by side, for --list and --compare). Every function returns 0
 * (or a count) on success; on failure -1 with errno set, and
 * nsl_failed_call() (common/fail.h) names the call that failed with its
 * arguments, e.g. "setns(fd of /proc/42/ns/mnt, CLONE_NEWNS)". Nothing
 * here prints, and nothing exits.
 */
#ifndef NSLAB_JOIN_H
#define NSLAB_JOIN_H

#include <sched.h>
#include <stddef.h>
#include <sys/types.h>

/* Older headers lack the newest flag (glibc added it in 2.36). */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The namespace types, in the order join_enter() joins them. */
#define JOIN_NTYPES 8

struct join_type {
	const char *name;      /* the file in /proc/PID/ns/, lsns's TYPE */
	int flag;              /* CLONE_NEW* */
	const char *flag_name; /* "CLONE_NEWUTS" */
	const char *children;  /* "pid_for_children" where the join moves
				* only the caller's future children, or NULL */
};

extern const struct join_type join_types[JOIN_NTYPES];

/* Every CLONE_NEW* flag of the table. */
#define JOIN_ALL_FLAGS (CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWIPC | \
			CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID | \
			CLONE_NEWTIME | CLONE_NEWNS)

/* A target, opened and ready to join. */
struct join_target {
	pid_t pid;
	int asked;                       /* the flags the caller asked for */
	int mask;                        /* those to join: asked, minus the
					  * user namespace when it is ours */
	int piddir;                      /* /proc/PID, O_PATH */
	int pidfd;                       /* join_open_pidfd(), else -1 */
	int fd[JOIN_NTYPES];             /* /proc/PID/ns/TYPE, else -1 */
	unsigned long ino[JOIN_NTYPES];  /* the target's namespace ids */
	unsigned long mine[JOIN_NTYPES]; /* the caller's, before joining */
	int root, cwd;                   /* /proc/PID/root and cwd, O_PATH,
					  * when mask holds CLONE_NEWNS */
	int self;                        /* the caller's own /proc/PID */
};

/* The index in join_types of a type NAME ("uts", "mnt"), or -1. */
int join_type_index(const char *name);

/* A pid as a user writes it (-t, --list, --compare): a positive decimal
 * number, digits only (no blank, no sign), at most INT_MAX. A pure
 * function, fuzzed by tests/fuzz/setns_pid.c. 0, or -1 with errno EINVAL. */
int join_parse_pid(const char *s, pid_t *pid);

/* FLAGS as "CLONE_NEWIPC|CLONE_NEWUTS" into BUF, in the table's order. */
void join_flag_names(int flags, char *buf, size_t len);

/* The flags of every namespace type PID has (every file present in
 * /proc/PID/ns/). With PID 0, the caller's. */
int join_types_of(pid_t pid, int *flags);

/* Open what joining PID's namespaces FLAGS takes: /proc/PID, each
 * /proc/PID/ns/TYPE, /proc/PID/root and /proc/PID/cwd when FLAGS holds
 * CLONE_NEWNS, and the caller's own ns directory. Errors: ESRCH when
 * there is no process PID (as pidfd_open(2) reports it), ENOENT when PID
 * has no such namespace type (the kernel lacks it), EACCES when the
 * caller may not look into PID (ptrace access, see proc(5)). On failure
 * nothing stays open. Close with join_close(). */
int join_open(pid_t pid, int flags, struct join_target *t);

/* The same, except that the namespaces are named by one pidfd_open(2)
 * descriptor instead of the /proc/PID/ns files (which are not opened);
 * join_enter_pidfd() then joins them all in one call. ENOSYS: the kernel
 * has no pidfd_open (before Linux 5.3). */
int join_open_pidfd(pid_t pid, int flags, struct join_target *t);

/* In a process forked after join_open(): open its own /proc/PID in
 * place of the parent's, for join_my_id(). Before joining, when /proc is
 * still ours. */
int join_open_self(struct join_target *t);

/* After join_open_pidfd(): open the /proc/PID/ns files after all, to
 * join one at a time on a kernel whose setns() takes no pidfd. */
int join_open_ns_files(struct join_target *t);

/* What join_enter() did, told as it goes: joined type I (an index in
 * join_types), or, at I == -1, took the target's root and cwd. */
typedef void join_report_fn(const struct join_target *t, int i, void *arg);

/* Join every namespace of T->mask, one setns() per type, in the table's
 * order; then chroot to the target's root and chdir to its cwd. REPORT, if not NULL, hears each step. On failure the
 * joins made so far stay made: a process cannot go back, except by
 * joining its old namespaces the same way. */
int join_enter(struct join_target *t, join_report_fn *report, void *arg);

/* setns(pidfd, T->mask): every namespace in one call, all or nothing;
 * then the root and cwd as above. EINVAL from a kernel that takes no
 * pidfd here (before 5.8) - see join_pidfd_works(). */
int join_enter_pidfd(struct join_target *t);

/* 1 if setns() takes a pidfd on this kernel, 0 if not, -1 with errno.
 * It asks by joining the caller's own UTS namespace through its own
 * pidfd, which changes nothing. */
int join_pidfd_works(void);

/* The caller's current id for FILE ("uts", "pid_for_children") as
 * "uts:[4026532301]", read through T's saved directory: it works after
 * the mount join, when /proc/self may not exist any more. */
int join_my_id(const struct join_target *t, const char *file, char *buf, size_t len);

/* Close whatever T holds open. Safe to call twice. */
void join_close(struct join_target *t);

/* One row of join_list() and join_compare(). */
struct join_row {
	int type;          /* index in join_types */
	unsigned long a;   /* the namespace id of the first process */
	unsigned long b;   /* ... of the second (join_list: the caller) */
};

/* The namespaces of PID next to the caller's, one row per type PID has,
 * in the table's order, as lsns(8) reads them: the inode number of each
 * /proc/PID/ns file. Returns the number of rows, or -1 with errno (ESRCH:
 * no such process; EACCES: no ptrace access). */
int join_list(pid_t pid, struct join_row rows[JOIN_NTYPES]);

/* The same for two processes: A is PID1's id, B is PID2's. */
int join_compare(pid_t pid1, pid_t pid2, struct join_row rows[JOIN_NTYPES]);

/* For the piece's own files (join.c, list.c). */

/* /proc/PID (PID 0: /proc/self) as an O_PATH directory descriptor; ESRCH
 * when there is no such process. */
int join_open_piddir(pid_t pid);

/* The namespace id of type NAME of the process whose /proc directory is
 * DIR (LABEL names it in errors): the inode number of DIR/ns/NAME. */
int join_ns_ino_at(int dir, const char *label, const char *name, unsigned long *ino);

#endif
