/* uts_hostname - fuzz uts_check_hostname() (01-uts/uts.c), which judges
 * the -n NAME of 01-uts before any namespace is made.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with errno EINVAL;
 *  - it accepts exactly the names of 1 to HOST_NAME_MAX (64) bytes, the
 *    lengths sethostname(2) takes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>

#include "fuzz.h"
#include "uts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_string(data, size);
	size_t len;
	int ret;

	if (name == NULL)
		return 0;
	len = strlen(name);
	errno = 0;
	ret = uts_check_hostname(name);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	FUZZ_ASSERT(ret == 0 || errno == EINVAL);
	FUZZ_ASSERT((ret == 0) == (len >= 1 && len <= HOST_NAME_MAX));
	free(name);
	return 0;
}
