/* state_name - fuzz state_check_name() (07-full-container/state/state.c), which
 * judges 07's --name NAME, and every name met in the state directory,
 * before it becomes a file name there.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with errno EINVAL and a reason
 *    (*why, not empty);
 *  - it accepts exactly the names of 1 to STATE_NAME_MAX (64) bytes of
 *    [A-Za-z0-9_.-] that do not start with '.' or '-': never "", ".",
 *    "..", a '/' or a hidden file such as state_lock.c's ".new.*".
 */
#define _GNU_SOURCE
#include <errno.h>

#include "fuzz.h"
#include "state.h"

/* The rule, spelt apart from the parser: one byte at a time. */
static int name_ok(const char *s, size_t len)
{
	if (len < 1 || len > 64 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_string(data, size);
	const char *why = NULL;
	int ret;

	if (name == NULL)
		return 0;
	errno = 0;
	ret = state_check_name(name, &why);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	FUZZ_ASSERT(ret == 0 || (errno == EINVAL && why != NULL && why[0] != '\0'));
	FUZZ_ASSERT((ret == 0) == name_ok(name, strlen(name)));
	free(name);
	return 0;
}
