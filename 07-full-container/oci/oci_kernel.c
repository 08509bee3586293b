/* oci_kernel.c - two settings of config.json that are files of the
 * kernel's, written by the init (and an exec's command) from inside:
 *
 *   linux.sysctl         "kernel.shmmax": "..." is /proc/sys/kernel/shmmax.
 *                        Only a sysctl of a namespace the container has
 *                        of its own is allowed (config.c checks): the
 *                        IPC namespace's (kernel.msg*, kernel.sem,
 *                        kernel.shm*, fs.mqueue.*), the UTS
 *                        namespace's (kernel.hostname, domainname) and,
 *                        with a network namespace, net.*. The kernel
 *                        picks the namespace by who writes, so the init
 *                        writes them once it is in the container's
 *                        namespaces, through the host's /proc, before
 *                        the container's own /proc has /proc/sys
 *                        read-only.
 *   process.oomScoreAdj  /proc/self/oom_score_adj, which the command
 *                        inherits: how gladly the OOM killer picks it.
 *                        Written before PR_SET_DUMPABLE 0, which would
 *                        give the file to the host's root. A value
 *                        below the floor (0, unless a process with
 *                        CAP_SYS_RESOURCE set it lower) needs
 *                        CAP_SYS_RESOURCE.
 *
 * Read: sysctl(8), the runtime spec's config-linux.md ("Sysctl"),
 * proc(5) (/proc/pid/oom_score_adj).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../container.h"
#include "fail.h"
#include "say.h"

/* VALUE into PATH, whole. 0, or -1 with errno. */
static int write_file(const char *path, const char *value)
{
	size_t len = strlen(value);
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = write(fd, value, len);
	if (n >= 0 && (size_t)n != len) {
		n = -1;
		errno = EIO;
	}
	if (close(fd) == -1 && n >= 0)
		return -1;
	return n < 0 ? -1 : 0;
}

int ctr_set_sysctls(const struct ctr_config *c)
{
	char path[256];

	for (size_t i = 0; i < c->nsysctl; i++) {
		const struct ctr_sysctl *s = &c->sysctl[i];
		char *p;

		/* config.c allows letters, digits, '_', '-' and dots between
		 * names: a dot is a directory. */
		snprintf(path, sizeof(path), "/proc/sys/%s", s->key);
		for (p = path + strlen("/proc/sys/"); *p != '\0'; p++)
			if (*p == '.')
				*p = '/';
		if (write_file(path, s->value) == -1) {
			nsl_error(errno, "write(\"%s\", \"%s\") (linux.sysctl: %s)", path, s->value,
				  s->key);
			if (errno == ENOENT)
				nsl_hint("this kernel has no such sysctl");
			else if (errno == EINVAL)
				nsl_hint("the kernel refused the value: see sysctl(8) and "
					 "Documentation/admin-guide/sysctl/");
			return -1;
		}
		say_more("%s = %s (linux.sysctl): in the container's own namespace", s->key,
			 s->value);
	}
	if (c->nsysctl > 0)
		say("linux.sysctl: %zu set, each in a namespace of the container's own",
		    c->nsysctl);
	return 0;
}

int ctr_set_oom(const struct ctr_config *c)
{
	char value[16];

	if (!c->oom_set)
		return 0;
	snprintf(value, sizeof(value), "%d", c->oom_score_adj);
	if (write_file("/proc/self/oom_score_adj", value) == -1) {
		nsl_error(errno, "write(\"/proc/self/oom_score_adj\", \"%s\") (process.oomScoreAdj)",
			  value);
		if (errno == EACCES || errno == EPERM)
			nsl_hint("a value below the process's floor (0, unless a process with "
				 "CAP_SYS_RESOURCE set it lower) takes CAP_SYS_RESOURCE, which a "
				 "rootless runtime lacks, and a root in a CI sandbox may too");
		return -1;
	}
	say_more("/proc/self/oom_score_adj = %s (process.oomScoreAdj): the command inherits it",
		 value);
	return 0;
}
