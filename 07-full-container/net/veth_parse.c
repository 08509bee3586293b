/* veth_parse.c - the pure half of veth.h: the names of a container's
 * veth ends and the --subnet parser. No system call here, so that
 * tests/fuzz can call them by the million.
 *
 * The host end's name: an interface name has at most 15 bytes (IFNAMSIZ
 * 16 with the NUL), a container's name up to 64, so the name cannot be
 * used as it is. The host end is "nsl" and the FNV-1a hash of the
 * container's name in 8 hex digits - "nsl3fa09c1e": 11 bytes, the same
 * for the same name every time, so anyone (a test, a shell) can tell
 * which link is whose:
 *
 *     h = 2166136261; for each byte b of the name: h = (h ^ b) * 16777619 mod 2^32
 *
 * and the full name goes in the link's alias, which `ip link` prints.
 * Two running names with one hash would clash (EEXIST, 1 chance in 2^32
 * per pair of names); the "nsl" prefix keeps clear of the host's own
 * names (eth0, wlan0, docker0, veth...).
 *
 * Read: veth(4), inet_pton(3).
 */
#define _GNU_SOURCE
#include "veth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The first PREFIX bits set, in host order. */
static uint32_t mask_of(int prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int veth_parse_subnet(const char *s, struct in_addr *net, int *prefix, const char **why)
{
	const char *slash = strchr(s, '/');
	char addr[INET_ADDRSTRLEN];
	size_t len, digits;
	uint32_t a;
	int p = 0;

	errno = EINVAL;
	*why = "not A.B.C.D/N";
	if (slash == NULL || (len = (size_t)(slash - s)) >= sizeof(addr))
		return -1;
	memcpy(addr, s, len);
	addr[len] = '\0';
	/* inet_pton(3), unlike inet_aton(3), takes only four decimal parts:
	 * no "10.231", no octal "010.0.0.1", no hex. */
	if (inet_pton(AF_INET, addr, net) != 1)
		return -1;
	digits = strlen(slash + 1);
	if (digits == 0 || digits > 2 || strspn(slash + 1, "0123456789") != digits)
		return -1;
	for (const char *d = slash + 1; *d != '\0'; d++)
		p = p * 10 + (*d - '0');
	if (p > 32)
		return -1;
	if (p > VETH_PREFIX) {
		*why = "a container needs a /30 (4 addresses): the prefix must be /30 or shorter";
		return -1;
	}
	/* Shorter than /8 would be millions of /30s to search, over
	 * addresses that are not ours to hand out. */
	if (p < VETH_MIN_PREFIX) {
		*why = "the prefix must be /8 or longer: a range of your own, not the Internet";
		return -1;
	}
	*prefix = p;
	a = ntohl(net->s_addr);
	net->s_addr = htonl(a & mask_of(p));
	if ((a & ~mask_of(p)) != 0) {
		*why = "bits are set after the prefix";
		return -1;
	}
	errno = 0;
	return 0;
}

void veth_names(const char *name, struct veth *v)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	snprintf(v->host, sizeof(v->host), "nsl%08x", (unsigned)h);
	snprintf(v->peer, sizeof(v->peer), "nsl%08xc", (unsigned)h);
}

