/* setns_pid - fuzz join_parse_pid() (06-setns/join.c), which reads the
 * PID of 06-setns -t, --list and --compare.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with errno EINVAL;
 *  - it accepts only decimal digits: no blank, no sign, no 0x;
 *  - an accepted pid is 1 to INT_MAX (pid_t is an int; 0 and negative
 *    numbers mean process groups to kill(2), never one process);
 *  - the pid written back with "%d" parses to the same pid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "join.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	char back[16];
	pid_t pid, again;
	int ret;

	if (s == NULL)
		return 0;
	ret = join_parse_pid(s, &pid);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(errno == EINVAL);
		free(s);
		return 0;
	}
	FUZZ_ASSERT(s[0] != '\0' && s[strspn(s, "0123456789")] == '\0');
	FUZZ_ASSERT(pid >= 1);
	snprintf(back, sizeof(back), "%d", (int)pid);
	FUZZ_ASSERT(join_parse_pid(back, &again) == 0 && again == pid);
	free(s);
	return 0;
}
