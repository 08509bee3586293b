/* fail.h - the record of the call that failed, kept for the caller.
 *
 * A piece (mnt.c, join.c, harden.c...) never prints and never exits: it
 * returns -1 with errno set, and the caller decides what to say. errno
 * alone says why, not what: "Invalid argument" is no help without the
 * call that got it. So the piece records the call, with its key
 * arguments, just before it returns, and the caller reports it:
 *
 *     piece:   if (pivot_root(new_root, old) == -1)
 *                      return nsl_fail("pivot_root(\"%s\", \"%s\")", new_root, old);
 *     caller:  if (mnt_pivot_root(root, old) == -1)
 *                      nsl_error(errno, "%s", nsl_failed_call());
 *
 * which prints "error: pivot_root("/srv/rootfs", "/srv/rootfs/.put_old.42"):
 * Invalid argument". Like errno, the record is one per thread and is only
 * meaningful right after a call failed: the next failure replaces it.
 * A piece that calls another and fails because it failed returns -1 and
 * leaves the other's record as it is.
 */
#ifndef NSLAB_FAIL_H
#define NSLAB_FAIL_H

#include <limits.h>

/* The longest record kept; a longer one is cut short. Room for a path
 * and the call around it. */
#define NSL_FAIL_MAX (PATH_MAX + 256)

/* Record the call that failed (printf-style), with no hint. Returns -1
 * and leaves errno untouched, so a piece can write:
 * return nsl_fail("open(\"%s\")", path); */
int nsl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same, with a hint for the caller to print under the error (what to
 * do, which kernel rule refused): a string that outlives the call, such
 * as a literal. */
int nsl_fail_hint(const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The call the last failure recorded, "" before any. */
const char *nsl_failed_call(void);

/* Its hint, or NULL when it has none. For nsl_hint(). */
const char *nsl_failed_hint(void);

/* A failure kept aside while cleanup runs that may fail and record its
 * own: save it, clean up, then put it back -
 *     nsl_fail_save(&f); remove_what_was_made(); return nsl_fail_restore(&f);
 * The caller may also read F's fields and report them itself. */
struct nsl_failure {
	int err;                  /* errno when it was saved */
	const char *hint;
	char call[NSL_FAIL_MAX];
};

void nsl_fail_save(struct nsl_failure *f);

/* Record F again and set errno to F->err. Returns -1. */
int nsl_fail_restore(const struct nsl_failure *f);

#endif
