/* say.h - narration and error reports shared by every nslab step.
 *
 * Narration goes to stderr, one line per event, prefixed by who speaks and
 * its pid as it sees itself:
 *
 *     [host  4242] clone(CLONE_NEWUTS|SIGCHLD) = 4243
 *     [child    1] hostname is now "nslab-01"
 *
 * stdout is left to the payload (the command run inside) and to results a
 * test reads. The format is stable: the lab checks read it.
 */
#ifndef NSLAB_SAY_H
#define NSLAB_SAY_H

#include <stdarg.h>

/* Exit statuses every demo documents (07 adds docker's 125/126/127). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

/* 0 with -q (errors only), 1 by default, 2 with -v. */
extern int say_level;

/* Who is speaking: "host", "child", "init", ... Call it again after clone()
 * or fork() in the new process; the pid is read afresh on every line. */
void say_role(const char *role);

/* One line of narration (hidden by -q). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line of detail, shown only with -v. */
void say_more(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a failed call: "error: CALL: strerror(err)", then a hint when the
 * (call, errno) pair is one learners often hit. Write CALL the way it was
 * made, with its key arguments: nsl_error(errno, "sethostname(\"%s\")", h).
 * Never hidden by -q. Does not exit: the caller decides. */
void nsl_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* From now on, every error and hint line also goes to FD (-1: no
 * more), whole, in one write: a process whose stderr nobody reads yet
 * (a detached command's pty) tells its parent why it failed. */
void say_copy_errors(int fd);

/* A hint of the caller's own, printed as "hint: ..." under an error. */
void nsl_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage error from main(): "PROG: MESSAGE" and a pointer to --help.
 * Returns EXIT_USAGE so main() can write: return usage_error(...); */
int usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
