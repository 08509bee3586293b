/* cgroup_parse.c - the values of --memory, --pids and --cpus, read and
 * checked before anything is made (see cgroup.h). Pure functions, with
 * no system call, so that tests/fuzz/ can call them millions of times.
 *
 * Why not strtoull()? It takes leading blanks, a '+' and even a '-' (it
 * negates: "-1" becomes 18446744073709551615), and which of those it
 * took is lost. A limit is worth spelling out digit by digit.
 */
#define _GNU_SOURCE
#include "cgroup.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* pids.max holds at most PID_MAX_LIMIT (4194304, include/linux/threads.h
 * on 64-bit): the kernel refuses a bigger number with EINVAL. */
#define PIDS_LIMIT 4194304ULL
/* A memory limit below one page cannot even hold the init's stack. */
#define SIZE_MIN 4096ULL
/* sched-bwc.rst: a quota is at least 1 ms. */
#define QUOTA_MIN 1000ULL
#define CPU_DECIMALS 5

/* The leading decimal digits of S into *V, refusing overflow past MAX.
 * Returns how many digits there were (0: none), or -1 on overflow. */
static int digits(const char *s, unsigned long long max, unsigned long long *v)
{
	int n = 0;

	*v = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		unsigned d = (unsigned)(s[n] - '0');

		if (*v > (max - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	return n;
}

/* How many bytes a suffix letter stands for (powers of 1024, as
 * docker run --memory and the kernel's memparse() read them), or 0. */
static unsigned long long unit_of(char c)
{
	switch (c) {
	case 'k': case 'K': return 1ULL << 10;
	case 'm': case 'M': return 1ULL << 20;
	case 'g': case 'G': return 1ULL << 30;
	case 't': case 'T': return 1ULL << 40;
	}
	return 0;
}

int cgroup_parse_size(const char *s, unsigned long long *bytes, const char **why)
{
	unsigned long long v, unit = 1;
	int n = digits(s, ULLONG_MAX, &v);

	if (n == -1) {
		*why = "too large";
		return -1;
	}
	if (n == 0) {
		*why = s[0] == '-' ? "a size cannot be negative"
				   : "a size is a number of bytes, or one with k, M, G or T";
		return -1;
	}
	if (s[n] != '\0') {
		unit = unit_of(s[n]);
		if (unit == 0 || s[n + 1] != '\0') {
			*why = "the unit after the number is one of k, M, G or T";
			return -1;
		}
	}
	if (v == 0) {
		*why = "a limit of 0 bytes would leave no room for any process";
		return -1;
	}
	if (v > (unsigned long long)LLONG_MAX / unit) {
		*why = "too large";
		return -1;
	}
	if (v * unit < SIZE_MIN) {
		*why = "at least 4096 bytes (one page)";
		return -1;
	}
	*bytes = v * unit;
	return 0;
}

int cgroup_parse_pids(const char *s, unsigned long long *n, const char **why)
{
	int len = digits(s, ULLONG_MAX, n);

	if (len == -1) {
		*why = "at most 4194304, the kernel's limit on pids";
		return -1;
	}
	if (len == 0 || s[len] != '\0') {
		*why = s[0] == '-' ? "a number of processes cannot be negative"
				   : "a number of processes is decimal digits";
		return -1;
	}
	if (*n == 0) {
		*why = "at least 1: the command itself is a process";
		return -1;
	}
	if (*n > PIDS_LIMIT) {
		*why = "at most 4194304, the kernel's limit on pids";
		return -1;
	}
	return 0;
}

/* X.YYYYY as a whole number of hundred-thousandths into *V. */
static int decimal(const char *s, unsigned long long *v, const char **why)
{
	unsigned long long whole, frac = 0, scale = 1;
	int n = digits(s, ULLONG_MAX / 100000 - 1, &whole), m = 0;

	if (n == -1) {
		*why = "too many CPUs";
		return -1;
	}
	if (s[n] == '.') {
		m = digits(s + n + 1, ULLONG_MAX, &frac);
		if (m > CPU_DECIMALS || m == -1) {
			*why = "at most 5 decimals: the quota is whole microseconds of "
			       "each 100 ms";
			return -1;
		}
		for (int i = m; i < CPU_DECIMALS; i++)
			scale *= 10;
	}
	if ((n == 0 && m == 0) || s[n + (s[n] == '.') + m] != '\0') {
		*why = s[0] == '-' ? "a number of CPUs cannot be negative"
				   : "a number of CPUs is decimal, like 0.5 or 2";
		return -1;
	}
	*v = whole * 100000 + frac * scale;
	return 0;
}

int cgroup_parse_cpus(const char *s, long ncpu, unsigned long long *quota, const char **why)
{
	unsigned long long v;

	if (decimal(s, &v, why) == -1)
		return -1;
	/* v is X in hundred-thousandths; the quota is X * period. */
	if (v == 0) {
		*why = "more than 0: no CPU at all would never run the command";
		return -1;
	}
	if (ncpu < 1 || v > (unsigned long long)ncpu * 100000) {
		*why = "at most the number of CPUs this machine has";
		return -1;
	}
	if (v * CGROUP_CPU_PERIOD / 100000 < QUOTA_MIN) {
		*why = "at least 0.01: the kernel's smallest quota is 1 ms per period";
		return -1;
	}
	*quota = v * CGROUP_CPU_PERIOD / 100000;
	return 0;
}

const char *cgroup_format_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", bytes);
	else
		snprintf(buf, len, "%llu%c", bytes, units[u]);
	return buf;
}
