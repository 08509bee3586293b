/* uts.h - the UTS namespace piece: hostname inside a namespace.
 *
 * A UTS namespace holds two strings, the hostname and the NIS domain name
 * (uname(2)'s nodename and domainname). A new one starts as a copy of its
 * parent's; after that, sethostname(2) changes only the caller's copy.
 * Read: namespaces(7), uts_namespaces(7), sethostname(2), uname(2).
 */
#ifndef NSLAB_UTS_H
#define NSLAB_UTS_H

#include <stddef.h>

/* The default name the demos give their namespace. */
#define UTS_DEFAULT_NAME "nslab-01"

/* 0 if NAME is a hostname the kernel accepts: 1 to 64 bytes
 * (HOST_NAME_MAX). Otherwise -1 with errno EINVAL. Checking first lets a
 * demo refuse bad input before it makes any namespace. */
int uts_check_hostname(const char *name);

/* sethostname(2) in the caller's UTS namespace. 0, or -1 with errno. */
int uts_set_hostname(const char *name);

/* The caller's current hostname (uname's nodename) into BUF. */
int uts_get_hostname(char *buf, size_t len);

#endif
