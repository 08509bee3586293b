/* cgroup_cpus - fuzz cgroup_parse_cpus() (07-full-container/
 * cgroup_parse.c), which reads 07's --cpus X into a CPU quota.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with a reason (*why, not empty);
 *  - an accepted X is digits with at most one '.', at most 5 digits after
 *    it, and at least one digit in all: no sign, no blank, no exponent;
 *  - its quota is X times the period exactly, at least 1000 us (0.01)
 *    and at most NCPU periods;
 *  - more CPUs never refuse what fewer accepted, nor change the quota;
 *  - the quota printed back as "W.FFFFF" is read again as the same.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "cgroup.h"
#include "fuzz.h"

#define NCPU 4L

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), back[64];
	unsigned long long quota = 0, more = 0, again = 0;
	const char *why = NULL, *dot;
	size_t whole;
	int ret;

	if (s == NULL)
		return 0;
	ret = cgroup_parse_cpus(s, NCPU, &quota, &why);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(why != NULL && why[0] != '\0');
		free(s);
		return 0;
	}
	whole = strspn(s, "0123456789");
	dot = s[whole] == '.' ? s + whole : NULL;
	FUZZ_ASSERT(s[whole] == '\0' || dot != NULL);
	if (dot != NULL) {
		size_t frac = strspn(dot + 1, "0123456789");

		FUZZ_ASSERT(dot[1 + frac] == '\0' && frac <= 5 && whole + frac >= 1);
	}
	FUZZ_ASSERT(quota >= 1000 && quota <= (unsigned long long)NCPU * CGROUP_CPU_PERIOD);
	FUZZ_ASSERT(cgroup_parse_cpus(s, 2L * NCPU, &more, &why) == 0 && more == quota);
	snprintf(back, sizeof(back), "%llu.%05llu", quota / CGROUP_CPU_PERIOD, quota % CGROUP_CPU_PERIOD);
	FUZZ_ASSERT(cgroup_parse_cpus(back, NCPU, &again, &why) == 0 && again == quota);
	free(s);
	return 0;
}
