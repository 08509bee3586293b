/* net_subnet - fuzz veth_parse_subnet() (07-full-container/
 * veth_parse.c), which reads 07's --subnet CIDR.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with a reason (*why, not empty);
 *  - an accepted CIDR is "A.B.C.D/N" with four decimal parts of 1 to 3
 *    digits and a prefix of 1 or 2 digits, nothing else;
 *  - the prefix is 8 to 30 (a /30 must fit) and the network has no
 *    bit set after it;
 *  - the network printed back as A.B.C.D/N is read again as the same.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>

#include "fuzz.h"
#include "veth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), back[32], text[INET_ADDRSTRLEN];
	struct in_addr net, again;
	const char *why = NULL;
	int prefix = -1, p2 = -1, ret;
	uint32_t host;

	if (s == NULL)
		return 0;
	ret = veth_parse_subnet(s, &net, &prefix, &why);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(why != NULL && why[0] != '\0');
		free(s);
		return 0;
	}
	FUZZ_ASSERT(strspn(s, "0123456789./") == strlen(s));
	FUZZ_ASSERT(prefix >= VETH_MIN_PREFIX && prefix <= VETH_PREFIX);
	host = ntohl(net.s_addr);
	FUZZ_ASSERT((host & ~(0xffffffffu << (32 - prefix))) == 0);
	FUZZ_ASSERT(inet_ntop(AF_INET, &net, text, sizeof(text)) != NULL);
	snprintf(back, sizeof(back), "%s/%d", text, prefix);
	FUZZ_ASSERT(veth_parse_subnet(back, &again, &p2, &why) == 0);
	FUZZ_ASSERT(again.s_addr == net.s_addr && p2 == prefix);
	free(s);
	return 0;
}
