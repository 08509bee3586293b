/* cli_user - fuzz cli_parse_user() (07-full-container/cli_parse.c), which
 * reads the -u UID[:GID] of 07's run and exec.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1;
 *  - an accepted input is decimal digits, or digits ':' digits, nothing
 *    else: no sign, no blank, no empty id;
 *  - each id is at most USERNS_ID_LAST (4294967294): (uid_t)-1 means
 *    "no id" to the kernel (setresuid(2), chown(2));
 *  - the GID is the UID when the input has none;
 *  - the pair printed back as "%u:%u" is read again as the same pair.
 *
 * The ids are checked against strtoull(3), which reads the same digits
 * by another road (more than 10 digits: ULLONG_MAX, never an id). */
#define _GNU_SOURCE
#include <stdio.h>

#include "../05-user/userns.h"
#include "cli.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), back[32];
	uid_t uid = 0, uid2 = 0;
	gid_t gid = 0, gid2 = 0;
	const char *colon;
	size_t n;
	int ret;

	if (s == NULL)
		return 0;
	ret = cli_parse_user(s, &uid, &gid);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		free(s);
		return 0;
	}
	n = strspn(s, "0123456789");
	FUZZ_ASSERT(n >= 1);
	colon = s[n] == ':' ? s + n : NULL;
	FUZZ_ASSERT(s[n] == '\0' || colon != NULL);
	FUZZ_ASSERT(strtoull(s, NULL, 10) == uid && uid <= USERNS_ID_LAST);
	if (colon != NULL) {
		n = strspn(colon + 1, "0123456789");
		FUZZ_ASSERT(n >= 1 && colon[1 + n] == '\0');
		FUZZ_ASSERT(strtoull(colon + 1, NULL, 10) == gid);
	} else {
		FUZZ_ASSERT(gid == uid);
	}
	FUZZ_ASSERT(gid <= USERNS_ID_LAST);
	snprintf(back, sizeof(back), "%u:%u", (unsigned)uid, (unsigned)gid);
	FUZZ_ASSERT(cli_parse_user(back, &uid2, &gid2) == 0 && uid2 == uid && gid2 == gid);
	free(s);
	return 0;
}
