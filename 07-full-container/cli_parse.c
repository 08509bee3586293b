/* cli_parse.c - the parsers of the command line's own text that no
 * earlier step owns: -u UID[:GID] (run and exec) and -e KEY=VALUE (run).
 * They neither print nor exit, and use nothing of the rest of 07, so
 * that tests/fuzz/ can link them alone; main.c and cli_run.c report
 * what they refuse. The other options are read by the pieces that use
 * them (uts.c, volume.c, state.c, cgroup_parse.c, veth_parse.c,
 * timens.c).
 *
 * Read: user_namespaces(7) (the ids), environ(7) (NAME=value).
 */
#define _GNU_SOURCE
#include "cli.h"

#include <string.h>

#include "../05-user/userns.h"

/* A decimal id, digits only, at most USERNS_ID_LAST ((uint32_t)-1 means
 * "no id" to the kernel). 0, or -1. */
static int parse_id(const char *s, size_t len, unsigned long long *id)
{
	unsigned long long v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (v > USERNS_ID_LAST)
		return -1;
	*id = v;
	return 0;
}

/* "UID" or "UID:GID"; GID defaults to UID. 0, or -1. */
int cli_parse_user(const char *s, uid_t *uid, gid_t *gid)
{
	const char *colon = strchr(s, ':');
	unsigned long long u, g;

	if (parse_id(s, colon != NULL ? (size_t)(colon - s) : strlen(s), &u) == -1)
		return -1;
	g = u;
	if (colon != NULL && parse_id(colon + 1, strlen(colon + 1), &g) == -1)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* KEY=VALUE, KEY not empty: the first '=' ends KEY, so KEY holds none
 * and VALUE may hold any. execve(2) takes any string, but a shell and
 * getenv(3) can find no variable whose name is empty. 0 with *VALUE
 * just past that '=', or -1. */
int cli_parse_env(const char *s, const char **value)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL || eq == s)
		return -1;
	*value = eq + 1;
	return 0;
}
