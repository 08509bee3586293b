/* ns.c - namespace ids from /proc/PID/ns/; see ns.h. */
#define _GNU_SOURCE
#include "ns.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void ns_path(pid_t pid, const char *type, char *path, size_t len)
{
	if (pid == 0)
		snprintf(path, len, "/proc/self/ns/%s", type);
	else
		snprintf(path, len, "/proc/%d/ns/%s", (int)pid, type);
}

int ns_id(pid_t pid, const char *type, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	ns_path(pid, type, path, sizeof(path));
	n = readlink(path, buf, len - 1);
	if (n == -1)
		return -1;
	buf[n] = '\0';
	return 0;
}

unsigned long ns_inode(pid_t pid, const char *type)
{
	char path[64];
	struct stat st;

	ns_path(pid, type, path, sizeof(path));
	if (stat(path, &st) == -1)
		return 0;
	return (unsigned long)st.st_ino;
}
