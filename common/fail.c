/* fail.c - the record of the call that failed; see fail.h. */
#define _GNU_SOURCE
#include "fail.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* One record per thread, as errno is: 06-setns joins from a thread of
 * its own, and one thread's failure must not overwrite another's. */
static _Thread_local char failed_call[NSL_FAIL_MAX];
static _Thread_local const char *failed_hint;

/* vsnprintf() may set errno (EOVERFLOW); the failure's errno must stay. */
static void record(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void record(const char *fmt, va_list ap)
{
	int saved = errno;

	vsnprintf(failed_call, sizeof(failed_call), fmt, ap);
	failed_hint = NULL;
	errno = saved;
}

int nsl_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(fmt, ap);
	va_end(ap);
	return -1;
}

int nsl_fail_hint(const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(fmt, ap);
	va_end(ap);
	failed_hint = hint;
	return -1;
}

const char *nsl_failed_call(void)
{
	return failed_call;
}

const char *nsl_failed_hint(void)
{
	return failed_hint;
}

void nsl_fail_save(struct nsl_failure *f)
{
	f->err = errno;
	f->hint = failed_hint;
	snprintf(f->call, sizeof(f->call), "%s", failed_call);
}

int nsl_fail_restore(const struct nsl_failure *f)
{
	nsl_fail_hint(f->hint, "%s", f->call);
	errno = f->err;
	return -1;
}
