/* oci_kernel.c - two settings of config.json that are files of the
 * kernel's:
 *
 *   linux.sysctl         "kernel.shmmax": "..." is /proc/sys/kernel/shmmax.
 *                        Only a sysctl of a namespace the container has
 *                        of its own is allowed (config.c checks): the
 *                        IPC namespace's (kernel.msg*, kernel.sem,
 *                        kernel.shm*, fs.mqueue.*), the UTS
 *                        namespace's (kernel.hostname, domainname) and,
 *                        with a network namespace, net.*. The kernel
 *                        picks the namespace by who writes, so the init
 *                        writes them in the container's namespaces,
 *                        once its hostname is set and its network is up
 *                        (a sysctl wins over the hostname, as with
 *                        runc; an interface's keys exist by then),
 *                        through /proc/sys opened before the
 *                        container's own /proc made it read-only.
 *   process.oomScoreAdj  /proc/PID/oom_score_adj of the init (or an
 *                        exec's command), which what it runs inherits:
 *                        how gladly the OOM killer picks it. Written by
 *                        the runtime on the host, before "go": the
 *                        kernel asks the writer for CAP_SYS_RESOURCE in
 *                        the host's user namespace to go below the
 *                        floor (0, unless such a process set it lower),
 *                        which the init, in a user namespace of its own,
 *                        never has.
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
#include "oci.h"
#include "say.h"

/* VALUE into PATH (relative to DIRFD), whole. 0, or -1 with errno. */
static int write_at(int dirfd, const char *path, const char *value)
{
	size_t len = strlen(value);
	int fd = openat(dirfd, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
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

/* The first line of PATH, without its newline, into BUF. 0, or -1. */
static int read_value(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ctr_set_sysctls(const struct ctr_config *c, int dirfd)
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
		if (write_at(dirfd, path + strlen("/proc/sys/"), s->value) == -1) {
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

int oci_set_oom(const struct ctr_config *c, pid_t pid)
{
	char path[64], value[16], now[16];

	if (!c->oom_set)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	snprintf(value, sizeof(value), "%d", c->oom_score_adj);
	/* Already so (podman often asks for what there is): nothing to
	 * write, and no permission to ask for. */
	if (read_value(path, now, sizeof(now)) == 0 && strcmp(now, value) == 0)
		return 0;
	if (write_at(AT_FDCWD, path, value) == -1) {
		nsl_error(errno, "write(\"%s\", \"%s\") (process.oomScoreAdj)", path, value);
		if (errno == EACCES || errno == EPERM)
			nsl_hint("a value below the process's floor (0, unless a process with "
				 "CAP_SYS_RESOURCE set it lower) takes CAP_SYS_RESOURCE, which a "
				 "rootless runtime lacks, and a root in a CI sandbox may too");
		return -1;
	}
	say_more("%s = %s (process.oomScoreAdj), before \"go\": what it runs inherits it", path,
		 value);
	return 0;
}
