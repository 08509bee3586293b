/* cgroup_size - fuzz cgroup_parse_size() (07-full-container/
 * cgroup_parse.c), which reads 07's --memory SIZE.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with a reason (*why, not empty);
 *  - an accepted SIZE is decimal digits and at most one unit letter
 *    (k, K, m, M, g, G, t, T) at the end, nothing else: no sign, no blank;
 *  - the bytes are at least one page (4096) and at most LLONG_MAX, and
 *    are the digits times the unit, exactly;
 *  - the value printed back by cgroup_format_size() ("64M") is read
 *    again as the same number of bytes.
 */
#define _GNU_SOURCE
#include <limits.h>

#include "cgroup.h"
#include "fuzz.h"

/* What the input spells, computed apart from the parser: its digits
 * times its unit, in 128 bits, so that overflow cannot hide. */
static unsigned __int128 spelt(const char *s)
{
	unsigned __int128 v = 0;
	size_t n = strspn(s, "0123456789");

	/* Leading zeros may make the digits many: stop growing (and stay
	 * far above LLONG_MAX) once the value is past 2^100. */
	for (size_t i = 0; i < n; i++)
		if (v < ((unsigned __int128)1 << 100))
			v = v * 10 + (unsigned)(s[i] - '0');
	switch (s[n]) {
	case 'k': case 'K': return v << 10;
	case 'm': case 'M': return v << 20;
	case 'g': case 'G': return v << 30;
	case 't': case 'T': return v << 40;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), back[32];
	unsigned long long bytes = 0, again = 0;
	const char *why = NULL;
	size_t n;
	int ret;

	if (s == NULL)
		return 0;
	ret = cgroup_parse_size(s, &bytes, &why);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(why != NULL && why[0] != '\0');
		free(s);
		return 0;
	}
	n = strspn(s, "0123456789");
	FUZZ_ASSERT(n >= 1);
	FUZZ_ASSERT(s[n] == '\0' || (strchr("kKmMgGtT", s[n]) != NULL && s[n + 1] == '\0'));
	FUZZ_ASSERT(bytes >= 4096 && bytes <= (unsigned long long)LLONG_MAX);
	FUZZ_ASSERT(spelt(s) == bytes);
	cgroup_format_size(bytes, back, sizeof(back));
	FUZZ_ASSERT(cgroup_parse_size(back, &again, &why) == 0 && again == bytes);
	free(s);
	return 0;
}
