/* state_format.c - a record's text: written from a struct state_rec,
 * read back from a file, and checked field by field, so that a file
 * someone else wrote into the state directory can never be taken for
 * more than it says. The format is below, above state_format_rec().
 *
 * Read: strtol(3), pread(2).
 */
#define _GNU_SOURCE
#include "state.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"
#include "state_int.h"

/* The record format: one "key value" line per field, in this order, and
 * nothing else. A reader takes nothing it does not understand.
 *     name web
 *     pid 4243
 *     runtime 4242
 *     started 1718000000
 *     userns 1
 *     rootfs /work/main/rootfs
 *     cmd /bin/sh -c read x
 */
static const char *const keys[] = { "name", "pid", "runtime", "started",
				    "userns", "rootfs", "cmd" };
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

int state_format_rec(const struct state_rec *r, char *buf, size_t len)
{
	char cmd[sizeof(r->cmd)];
	int n;

	/* A newline would end the line early: the command is for showing,
	 * so its control characters become '?'; a rootfs path that holds
	 * one is refused. */
	snprintf(cmd, sizeof(cmd), "%s", r->cmd);
	for (char *c = cmd; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (r->rootfs[0] != '/' || strchr(r->rootfs, '\n') != NULL) {
		errno = EINVAL;
		return nsl_fail("state record for \"%s\": rootfs \"%s\" is not "
				"an absolute path on one line", r->name, r->rootfs);
	}
	n = snprintf(buf, len, "name %s\npid %d\nruntime %d\nstarted %lld\nuserns %d\n"
		     "rootfs %s\ncmd %s\n", r->name, (int)r->pid, (int)r->runtime,
		     (long long)r->started, r->userns ? 1 : 0, r->rootfs, cmd);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return nsl_fail("state record for \"%s\": too long", r->name);
	}
	return n;
}

/* A decimal number with no sign, blank or leading zero, up to MAX. */
int state_parse_num(const char *s, long long max, long long *v)
{
	char *end;

	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' || *v > max ? -1 : 0;
}

/* Field I of R from its text VAL. */
static int set_field(struct state_rec *r, size_t i, const char *val)
{
	const char *why;
	long long v = 0;

	switch (i) {
	case 0:
		if (state_check_name(val, &why) == -1)
			return -1;
		snprintf(r->name, sizeof(r->name), "%s", val);
		return 0;
	case 5:
		if (val[0] != '/' || strlen(val) >= sizeof(r->rootfs))
			return -1;
		snprintf(r->rootfs, sizeof(r->rootfs), "%s", val);
		return 0;
	case 6:
		if (strlen(val) >= sizeof(r->cmd))
			return -1;
		snprintf(r->cmd, sizeof(r->cmd), "%s", val);
		return 0;
	default:
		break;
	}
	/* pid may be 0 (not started yet); runtime may not; userns is 0 or 1. */
	if (state_parse_num(val, i == 3 ? LLONG_MAX : i == 4 ? 1 : INT_MAX, &v) == -1 ||
	    (i == 2 && v == 0))
		return -1;
	if (i == 1)
		r->pid = (pid_t)v;
	else if (i == 2)
		r->runtime = (pid_t)v;
	else if (i == 3)
		r->started = (time_t)v;
	else
		r->userns = (int)v;
	return 0;
}

static int parse_rec(char *buf, const char *name, struct state_rec *r)
{
	char *line = buf;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < NKEYS; i++) {
		size_t k = strlen(keys[i]);
		char *nl = strchr(line, '\n');

		errno = EINVAL;
		if (nl == NULL || strncmp(line, keys[i], k) != 0 || line[k] != ' ')
			return nsl_fail("record %s/%s: line %zu is not \"%s VALUE\"",
					state_dir_path, name, i + 1, keys[i]);
		*nl = '\0';
		if (set_field(r, i, line + k + 1) == -1) {
			errno = EINVAL;
			return nsl_fail("record %s/%s: bad %s \"%s\"", state_dir_path,
					name, keys[i], line + k + 1);
		}
		line = nl + 1;
	}
	errno = EINVAL;
	if (*line != '\0' || strcmp(r->name, name) != 0)
		return nsl_fail("record %s/%s: %s", state_dir_path, name,
				*line != '\0' ? "more than the 7 lines of a record"
					       : "the name inside differs");
	return 0;
}

/* Read the record open on FD, a regular file of ours, into R. */
int state_read_rec(int fd, const char *name, struct state_rec *r)
{
	char buf[REC_MAX];
	struct stat st;
	size_t got = 0;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return nsl_fail("fstat(\"%s/%s\")", state_dir_path, name);
	errno = EINVAL;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
		return nsl_fail("record %s/%s: not a regular file of ours",
				state_dir_path, name);
	while (got < sizeof(buf) - 1) {
		n = pread(fd, buf + got, sizeof(buf) - 1 - got, (off_t)got);
		if (n == -1)
			return nsl_fail("read(\"%s/%s\")", state_dir_path, name);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	errno = EINVAL;
	if (got == sizeof(buf) - 1 || memchr(buf, '\0', got) != NULL)
		return nsl_fail("record %s/%s: not a record", state_dir_path, name);
	return parse_rec(buf, name, r);
}
