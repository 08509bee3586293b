/* util.c - the helpers every probe uses: verdicts, reading small files,
 * recognising the host's marker file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

static void set(struct result *r, enum verdict v, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void set(struct result *r, enum verdict v, const char *fmt, va_list ap)
{
	r->v = v;
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
}

void blocked(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(r, V_BLOCKED, fmt, ap);
	va_end(ap);
}

void escaped(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(r, V_ESCAPED, fmt, ap);
	va_end(ap);
}

void skipped(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(r, V_SKIPPED, fmt, ap);
	va_end(ap);
}

void failed(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(r, V_ERROR, fmt, ap);
	va_end(ap);
}

static ssize_t read_fd(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int saved;

	if (fd == -1)
		return -1;
	n = read_fd(fd, buf, len);
	saved = errno;
	close(fd);
	errno = saved;
	return n;
}

/* The marker is compared in full: a file of the same name that the
 * container happens to hold is not the host's. O_NOFOLLOW is not used on
 * purpose - a symlink that leads to the host's file is an escape too. */
int holds_marker(int dirfd, const char *path)
{
	char buf[512];
	ssize_t n;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	n = read_fd(fd, buf, sizeof(buf));
	close(fd);
	if (n == -1)
		return 0;
	errno = 0;
	return strcmp(buf, in.marker_text) == 0;
}

int in_list(const char *name, const char *list)
{
	size_t len = strlen(name);

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, name, n) == 0)
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

const char *scratch_dir(void)
{
	static const char *const dirs[] = { "/mnt", "/tmp" };
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			return dirs[i];
	return "/";
}
