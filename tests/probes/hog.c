/* hog - take more than a container's limits allow, and say how far it got.
 * tests/07-cgroups.bats copies it (static, like the probe) into a test
 * rootfs and runs it under --memory and --pids.
 *
 *     hog mem BYTES   allocate BYTES in 1 MiB pieces, writing every page
 *                     (an untouched page costs no memory: it is not even
 *                     mapped yet), then print "allocated BYTES" and exit
 *                     0. Under a smaller --memory the OOM killer ends it
 *                     first, with SIGKILL.
 *     hog fork N      fork up to N children that wait, stopping at the
 *                     first fork() that fails; print "forked K of N" and
 *                     the error, kill and reap the children, exit 0.
 *
 * A fork bomb that stops itself: what it proves is that fork() failed
 * (EAGAIN, from the pids controller) long before N, not that the machine
 * survived an unbounded one.
 *
 * Read: fork(2) (EAGAIN), cgroup-v1/pids.rst, cgroup-v2.rst (pids.max,
 * memory.max).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PIECE (1UL << 20)
#define MAX_CHILDREN 100000

/* Each piece keeps a pointer to the one before in its first bytes: all
 * of them stay reachable, and are freed at the end. */
static int hog_mem(unsigned long long bytes)
{
	long page = sysconf(_SC_PAGESIZE);
	char *last = NULL;
	int ret = 0;

	for (unsigned long long got = 0; got < bytes; got += PIECE) {
		char *p = malloc(PIECE);

		if (p == NULL) {
			printf("malloc failed after %llu bytes\n", got);
			ret = 1;
			break;
		}
		for (unsigned long i = 0; i < PIECE; i += (unsigned long)page)
			p[i] = 1;
		memcpy(p, &last, sizeof(last));
		last = p;
	}
	if (ret == 0)
		printf("allocated %llu\n", bytes);
	while (last != NULL) {
		char *prev;

		memcpy(&prev, last, sizeof(prev));
		free(last);
		last = prev;
	}
	return ret;
}

static int hog_fork(long n)
{
	static pid_t kids[MAX_CHILDREN];
	int err = 0;
	long k;

	for (k = 0; k < n; k++) {
		kids[k] = fork();
		if (kids[k] == -1) {
			err = errno;
			break;
		}
		if (kids[k] == 0) {
			pause();
			_exit(0);
		}
	}
	printf("forked %ld of %ld%s%s\n", k, n, err != 0 ? ": fork: " : "",
	       err != 0 ? strerror(err) : "");
	fflush(stdout);
	for (long i = 0; i < k; i++)
		kill(kids[i], SIGKILL);
	for (long i = 0; i < k; i++)
		waitpid(kids[i], NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long v;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: hog mem BYTES | hog fork N\n");
		return 2;
	}
	errno = 0;
	v = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || end == argv[2]) {
		fprintf(stderr, "hog: '%s' is not a number\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[1], "mem") == 0)
		return hog_mem(v);
	if (strcmp(argv[1], "fork") == 0 && v <= MAX_CHILDREN)
		return hog_fork((long)v);
	fprintf(stderr, "usage: hog mem BYTES | hog fork N (N <= %d)\n", MAX_CHILDREN);
	return 2;
}
