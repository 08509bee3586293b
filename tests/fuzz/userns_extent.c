/* userns_extent - fuzz userns_parse_extent() (05-user/userns.c), which
 * reads each -m INSIDE:OUTSIDE:COUNT of 05-user.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1; -1 comes with errno EINVAL or ERANGE and a
 *    sentence in *WHY for the user;
 *  - it accepts only three runs of decimal digits joined by two ':' -
 *    no sign, no blank, no 0x;
 *  - an accepted extent is one the kernel would take: COUNT >= 1, and
 *    INSIDE+COUNT-1 and OUTSIDE+COUNT-1 both at most 4294967294
 *    (USERNS_ID_LAST; (u32)-1 means "no id");
 *  - the extent written back as "%u:%u:%u" parses to the same extent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "userns.h"

/* DIGITS ':' DIGITS ':' DIGITS, nothing else. */
static int three_numbers(const char *s)
{
	for (int i = 0; i < 3; i++) {
		size_t n = strspn(s, "0123456789");

		if (n == 0 || s[n] != (i < 2 ? ':' : '\0'))
			return 0;
		s += n + 1;
	}
	return 1;
}

static int fits(uint32_t first, uint32_t count)
{
	return (uint64_t)first + count - 1 <= USERNS_ID_LAST;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct userns_extent e, again;
	const char *why = NULL;
	char back[40];
	int ret;

	if (text == NULL)
		return 0;
	ret = userns_parse_extent(text, &e, &why);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(errno == EINVAL || errno == ERANGE);
		FUZZ_ASSERT(why != NULL && why[0] != '\0');
		free(text);
		return 0;
	}
	FUZZ_ASSERT(three_numbers(text));
	FUZZ_ASSERT(e.count >= 1 && fits(e.inside, e.count) && fits(e.outside, e.count));
	snprintf(back, sizeof(back), "%u:%u:%u", e.inside, e.outside, e.count);
	FUZZ_ASSERT(userns_parse_extent(back, &again, NULL) == 0);
	FUZZ_ASSERT(again.inside == e.inside && again.outside == e.outside &&
		    again.count == e.count);
	free(text);
	return 0;
}
