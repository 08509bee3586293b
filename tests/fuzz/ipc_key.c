/* ipc_key - fuzz ipc_parse_key() (02-ipc/ipc.c), which reads the -k KEY
 * of 02-ipc in decimal, octal (0...) or hex (0x...).
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with errno EINVAL;
 *  - it accepts only text that starts with a digit (no blank, no sign)
 *    and holds nothing but digits and one 'x' or 'X';
 *  - an accepted key is not 0 (IPC_PRIVATE, which no lookup can find);
 *  - the key written back in decimal, in hex and in octal parses to the
 *    same key.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "ipc.h"

/* K in the three bases ipc_parse_key() reads parses to K again. */
static void check_again(unsigned int k)
{
	char text[3][16];
	key_t again;

	snprintf(text[0], sizeof(text[0]), "%u", k);
	snprintf(text[1], sizeof(text[1]), "0x%x", k);
	snprintf(text[2], sizeof(text[2]), "0%o", k);
	for (int i = 0; i < 3; i++)
		FUZZ_ASSERT(ipc_parse_key(text[i], &again) == 0 && (unsigned int)again == k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	key_t key;
	unsigned int k;
	int ret;

	if (s == NULL)
		return 0;
	ret = ipc_parse_key(s, &key);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(errno == EINVAL);
		free(s);
		return 0;
	}
	k = (unsigned int)key;
	FUZZ_ASSERT(s[0] >= '0' && s[0] <= '9');
	FUZZ_ASSERT(s[strspn(s, "0123456789abcdefABCDEFxX")] == '\0');
	FUZZ_ASSERT(k != 0);
	check_again(k);
	free(s);
	return 0;
}
