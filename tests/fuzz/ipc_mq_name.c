/* ipc_mq_name - fuzz ipc_check_mq_name() (02-ipc/ipc.c), which judges
 * the -m NAME of 02-ipc before mq_open(3) sees it.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with errno EINVAL;
 *  - it accepts exactly the names mq_overview(7) allows: "/" and then
 *    1 or more characters, none of them "/", IPC_MQ_NAME_MAX (255) bytes
 *    at most in all.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "fuzz.h"
#include "ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_string(data, size);
	size_t len;
	int ret, valid;

	if (name == NULL)
		return 0;
	len = strlen(name);
	valid = len >= 2 && len <= IPC_MQ_NAME_MAX && name[0] == '/' &&
		memchr(name + 1, '/', len - 1) == NULL;
	ret = ipc_check_mq_name(name);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	FUZZ_ASSERT(ret == 0 || errno == EINVAL);
	FUZZ_ASSERT((ret == 0) == valid);
	free(name);
	return 0;
}
