/* list.c - the setns piece, part two: namespace ids side by side, as
 * lsns(8) shows them; see join.h. */
#define _GNU_SOURCE
#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int join_types_of(pid_t pid, int *flags)
{
	char rel[32];
	struct stat st;
	int dir = join_open_piddir(pid);

	if (dir == -1)
		return -1;
	*flags = 0;
	/* AT_SYMLINK_NOFOLLOW: the link itself, which anyone may see. */
	for (int i = 0; i < JOIN_NTYPES; i++) {
		snprintf(rel, sizeof(rel), "ns/%s", join_types[i].name);
		if (fstatat(dir, rel, &st, AT_SYMLINK_NOFOLLOW) == 0)
			*flags |= join_types[i].flag;
	}
	close(dir);
	return 0;
}

/* The rows for the processes whose /proc directories are A and B: a row
 * for every type A has. */
static int rows_of(int a, const char *la, int b, const char *lb,
		   struct join_row rows[JOIN_NTYPES])
{
	int n = 0;

	for (int i = 0; i < JOIN_NTYPES; i++) {
		if (join_ns_ino_at(a, la, join_types[i].name, &rows[n].a) == -1) {
			if (errno == ENOENT)
				continue; /* the kernel lacks this type */
			return -1;
		}
		if (join_ns_ino_at(b, lb, join_types[i].name, &rows[n].b) == -1)
			return -1;
		rows[n++].type = i;
	}
	return n;
}

/* The rows for PID1 and PID2 (0: the caller). */
int join_compare(pid_t pid1, pid_t pid2, struct join_row rows[JOIN_NTYPES])
{
	char l1[32], l2[32];
	int d1, d2, n = -1, saved;

	d1 = join_open_piddir(pid1);
	if (d1 == -1)
		return -1;
	d2 = join_open_piddir(pid2);
	if (d2 != -1) {
		snprintf(l1, sizeof(l1), "/proc/%d", (int)pid1);
		if (pid2 == 0)
			snprintf(l2, sizeof(l2), "/proc/self");
		else
			snprintf(l2, sizeof(l2), "/proc/%d", (int)pid2);
		n = rows_of(d1, l1, d2, l2, rows);
		saved = errno;
		close(d2);
		errno = saved;
	}
	saved = errno;
	close(d1);
	errno = saved;
	return n;
}

int join_list(pid_t pid, struct join_row rows[JOIN_NTYPES])
{
	return join_compare(pid, 0, rows);
}
