/* uts.c - the UTS namespace piece; see uts.h. */
#define _GNU_SOURCE
#include "uts.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int uts_check_hostname(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > HOST_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int uts_set_hostname(const char *name)
{
	/* Needs CAP_SYS_ADMIN in the user namespace that owns this UTS
	 * namespace: root on the host, or root of a user namespace (05). */
	/* LAB 01.2 sethostname: rename the UTS namespace the caller is in
	 * level: 1
	 * minutes: 5
	 * warmup: yes
	 * checks: 01.1 01.2 01.4 01.5
	 * docs: docs/01-uts.md#the-system-calls
	 * fail: the hostname inside is not the one given with -n
	 * hint: sethostname(2) takes the name and its length, with no NUL
	 * stub: (void)name;
	 * stub: errno = ENOSYS;
	 * stub: return -1;
	 */
	return sethostname(name, strlen(name));
	/* END LAB */
}

int uts_get_hostname(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u) == -1)
		return -1;
	snprintf(buf, len, "%s", u.nodename);
	return 0;
}
