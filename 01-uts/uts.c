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
	return sethostname(name, strlen(name));
}

int uts_get_hostname(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u) == -1)
		return -1;
	snprintf(buf, len, "%s", u.nodename);
	return 0;
}
