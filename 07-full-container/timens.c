/* timens.c - a time namespace with offsets, for the container's
 * command; see timens.h for the kernel's rules.
 *
 *   unshare(CLONE_NEWTIME)          a namespace for our children; we stay
 *   write /proc/self/timens_offsets "monotonic S 0\nboottime S 0\n",
 *                                   before any child is in it
 *   (then the caller forks: the child is in it, its clocks shifted)
 *
 * /proc/self/timens_offsets shows, and takes, the offsets of the
 * namespace our children will be born in (time_for_children), which is
 * why the process that unshared can still write them. Each line is
 * CLOCK SECONDS NANOSECONDS; the kernel takes both lines in one write,
 * all or nothing. Older kernels printed the clocks as numbers
 * (CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7) and take either form.
 *
 * Read: time_namespaces(7), unshare(2), proc(5).
 */
#define _GNU_SOURCE
#include "timens.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"

/* glibc added the flag in 2.36. */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int timens_unshare(long long monotonic, long long boottime)
{
	char offsets[96];
	ssize_t n;
	int fd, len;

	/* EINVAL: a kernel without CONFIG_TIME_NS (before 5.6, or built
	 * without it). EPERM: no CAP_SYS_ADMIN in our user namespace. */
	if (unshare(CLONE_NEWTIME) == -1)
		return nsl_fail("unshare(CLONE_NEWTIME)");
	len = snprintf(offsets, sizeof(offsets), "monotonic %lld 0\nboottime %lld 0\n",
		       monotonic, boottime);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return nsl_fail("open(\"/proc/self/timens_offsets\")");
	/* EACCES: a process is in the namespace already; ERANGE: a clock
	 * would go below zero (or too far up); EPERM: no CAP_SYS_TIME over
	 * the namespace. */
	n = write(fd, offsets, (size_t)len);
	if (n != len) {
		if (n >= 0)
			errno = EIO;
		nsl_fail("write(\"/proc/self/timens_offsets\", \"monotonic %lld 0\\nboottime %lld 0"
			 "\\n\")", monotonic, boottime);
		len = errno; /* close() may change it */
		close(fd);
		errno = len;
		return -1;
	}
	close(fd);
	return 0;
}

int timens_parse_offset(const char *s, long long *secs)
{
	int neg = (*s == '-');
	long long v = 0;
	size_t digits;

	s += neg;
	digits = strlen(s);
	if (digits == 0 || digits > 10 || strspn(s, "0123456789") != digits) {
		errno = EINVAL;
		return -1;
	}
	for (; *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	if (v > TIMENS_MAX_OFFSET) {
		errno = ERANGE;
		return -1;
	}
	*secs = neg ? -v : v;
	return 0;
}
