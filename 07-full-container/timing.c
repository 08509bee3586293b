/* timing.c - `run --timing`; see timing.h. */
#define _GNU_SOURCE
#include "timing.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int on;
static struct timespec start;
static long long shift_ns;

void timing_start(void)
{
	on = clock_gettime(CLOCK_MONOTONIC, &start) == 0;
}

void timing_shift(long long seconds)
{
	shift_ns = seconds * 1000000000LL;
}

void timing_mark(const char *phase)
{
	struct timespec now;
	long long ns;
	char line[64];
	int n;

	if (!on || clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return;
	ns = (now.tv_sec - start.tv_sec) * 1000000000LL + (now.tv_nsec - start.tv_nsec) - shift_ns;
	n = snprintf(line, sizeof(line), "timing: %-8s %+9.3f ms\n", phase, (double)ns / 1e6);
	if (n > 0 && (size_t)n < sizeof(line) && write(STDERR_FILENO, line, (size_t)n) == -1)
		on = 0; /* stderr is gone: no more lines */
}
