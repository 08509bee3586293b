/* cli_env - fuzz cli_parse_env() (07-full-container/cli_parse.c), which
 * reads 07's -e KEY=VALUE.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1;
 *  - it accepts exactly the inputs with an '=' after at least one byte;
 *  - an accepted VALUE points into the input, just past an '=', and the
 *    KEY before it is not empty and holds no '=': the first '=' ends it.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *value = NULL;
	size_t len, keylen;
	int ret;

	if (s == NULL)
		return 0;
	len = strlen(s);
	ret = cli_parse_env(s, &value);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	FUZZ_ASSERT((ret == 0) == (len > 0 && s[0] != '=' && strchr(s, '=') != NULL));
	if (ret == 0) {
		FUZZ_ASSERT(value != NULL && value > s && value <= s + len);
		keylen = (size_t)(value - s) - 1;
		FUZZ_ASSERT(keylen >= 1 && s[keylen] == '=');
		FUZZ_ASSERT(memchr(s, '=', keylen) == NULL);
		FUZZ_ASSERT(strlen(value) == len - keylen - 1);
	}
	free(s);
	return 0;
}
