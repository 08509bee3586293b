/* say.c - narration and error reports; see say.h. */
#define _GNU_SOURCE
#include "say.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int say_level = 1;

static const char *role = "host";

void say_role(const char *r)
{
	role = r;
}

/* "[host  4242] ", "[child    1] ": role and pid fill ten columns, so the
 * lines of parent and child line up in a terminal; a space always
 * separates the two, however long the role or the pid. */
static void prefix(void)
{
	int width = 9 - (int)strlen(role);

	fprintf(stderr, "[%s %*d] ", role, width > 0 ? width : 0, (int)getpid());
}

static void vline(const char *fmt, va_list ap)
{
	prefix();
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void say(const char *fmt, ...)
{
	va_list ap;

	if (say_level < 1)
		return;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

void say_more(const char *fmt, ...)
{
	va_list ap;

	if (say_level < 2)
		return;
	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

/* The causes learners run into, one row per (call, errno). A call written
 * "clone(...)" matches the row "clone". Keep each hint to one line that says
 * what to do, not only what went wrong. */
static const struct {
	const char *call;
	int err;
	const char *hint;
} hints[] = {
	{ "clone", EPERM,
	  "creating a namespace needs CAP_SYS_ADMIN: run as root (sudo), or "
	  "create a user namespace first (see 05-user)" },
	{ "unshare", EPERM,
	  "creating a namespace needs CAP_SYS_ADMIN: run as root (sudo), or "
	  "create a user namespace first (see 05-user)" },
	{ "clone", ENOSPC,
	  "a namespace limit was reached: see /proc/sys/user/max_*_namespaces" },
	{ "unshare", ENOSPC,
	  "a namespace limit was reached: see /proc/sys/user/max_*_namespaces" },
	{ "clone", EINVAL,
	  "this kernel may lack the namespace type (check /proc/self/ns/)" },
	{ "unshare", EINVAL,
	  "this kernel may lack the namespace type (check /proc/self/ns/), "
	  "or the process has threads" },
	{ "sethostname", EPERM,
	  "only a process with CAP_SYS_ADMIN in the UTS namespace's owner may "
	  "rename it: run as root, or see 05-user" },
	{ "sethostname", EINVAL,
	  "a hostname is at most 64 bytes (HOST_NAME_MAX)" },
	{ "fork", ENOMEM,
	  "after unshare(CLONE_NEWPID) only the first child becomes PID 1; once "
	  "it has exited the namespace is dead and no new process can join it" },
	{ "msgget", EACCES,
	  "the queue exists but its mode does not let you use it" },
	{ "mq_open", ENOSYS,
	  "this kernel was built without POSIX message queues (CONFIG_POSIX_MQUEUE)" },
	{ "mount", EPERM,
	  "mounting needs CAP_SYS_ADMIN in the mount namespace's owner: run as "
	  "root, or see 05-user" },
	{ "open", ENOENT, "check the path (and that the process still exists)" },
};

static void hint_for(const char *call, int err)
{
	size_t n = strcspn(call, "(");

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (hints[i].err == err && strlen(hints[i].call) == n &&
		    strncmp(hints[i].call, call, n) == 0) {
			nsl_hint("%s", hints[i].hint);
			return;
		}
	}
}

void nsl_error(int err, const char *fmt, ...)
{
	char call[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	prefix();
	fprintf(stderr, "error: %s: %s\n", call, strerror(err));
	hint_for(call, err);
}

void nsl_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prefix();
	fputs("hint: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (try '%s --help')\n", prog);
	va_end(ap);
	return EXIT_USAGE;
}
