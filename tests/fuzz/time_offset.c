/* time_offset - fuzz timens_parse_offset() (07-full-container/
 * timens.c), which reads 07's --boottime and --monotonic SECONDS.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1;
 *  - an accepted input is an optional '-' and 1 to 10 decimal digits,
 *    nothing else (no '+', no blank, no unit);
 *  - the value is within TIMENS_MAX_OFFSET either way, and is what the
 *    digits spell, with the sign;
 *  - the value printed back with %lld is read again as the same.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "fuzz.h"
#include "timens.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), back[32];
	long long secs = 0, again = 0, spelt = 0;
	const char *d;
	int ret;

	if (s == NULL)
		return 0;
	ret = timens_parse_offset(s, &secs);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		free(s);
		return 0;
	}
	d = s + (s[0] == '-');
	FUZZ_ASSERT(strlen(d) >= 1 && strlen(d) <= 10 && strspn(d, "0123456789") == strlen(d));
	for (; *d != '\0'; d++)
		spelt = spelt * 10 + (*d - '0');
	FUZZ_ASSERT(secs == (s[0] == '-' ? -spelt : spelt));
	FUZZ_ASSERT(secs >= -TIMENS_MAX_OFFSET && secs <= TIMENS_MAX_OFFSET);
	snprintf(back, sizeof(back), "%lld", secs);
	FUZZ_ASSERT(timens_parse_offset(back, &again) == 0 && again == secs);
	free(s);
	return 0;
}
