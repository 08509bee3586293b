/* userns.c - the user namespace piece; see userns.h. */
#define _GNU_SOURCE
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

static int fail(int err, const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
	errno = err;
	return -1;
}

/* One field: decimal digits only (no sign, no space, no 0x), ended by
 * STOP. strtoull() alone would take " -1" and wrap it to a huge number. */
static int parse_field(const char **s, char stop, unsigned long long *v)
{
	char *end;

	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	*v = strtoull(*s, &end, 10); /* ULLONG_MAX on overflow: too big below */
	if (*end != stop)
		return -1;
	*s = end + 1;
	return 0;
}

int userns_parse_extent(const char *text, struct userns_extent *e,
			const char **why)
{
	static const char stops[3] = { ':', ':', '\0' };
	unsigned long long v[3];
	const char *s = text;

	for (int i = 0; i < 3; i++)
		if (parse_field(&s, stops[i], &v[i]) == -1)
			return fail(EINVAL, why,
				    "expected INSIDE:OUTSIDE:COUNT, three decimal numbers");
	if (v[2] == 0)
		return fail(EINVAL, why, "COUNT must be at least 1");
	/* The kernel's own checks (map_write() in kernel/user_namespace.c):
	 * neither range may reach (u32)-1, the id that means "none". */
	if (v[0] > USERNS_ID_LAST || v[2] > USERNS_ID_LAST + 1ull - v[0] ||
	    v[1] > USERNS_ID_LAST || v[2] > USERNS_ID_LAST + 1ull - v[1])
		return fail(ERANGE, why,
			    "ids are 32 bits: INSIDE+COUNT-1 and OUTSIDE+COUNT-1 "
			    "must be at most 4294967294");
	*e = (struct userns_extent){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
	return 0;
}

/* Do [a, a+n) and [b, b+m) share an id? 64-bit sums cannot wrap. */
static int overlap(uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
	return (uint64_t)a < (uint64_t)b + m && (uint64_t)b < (uint64_t)a + n;
}

int userns_add_extent(struct userns_map *m, const struct userns_extent *e,
		      const char **why)
{
	/* Each id inside must have one meaning outside, and each outside id
	 * one meaning inside: the kernel refuses a map where either side
	 * overlaps (mappings_overlap()). */
	for (size_t i = 0; i < m->n; i++) {
		if (overlap(m->e[i].inside, m->e[i].count, e->inside, e->count))
			return fail(EINVAL, why, "its inside ids overlap an earlier map line");
		if (overlap(m->e[i].outside, m->e[i].count, e->outside, e->count))
			return fail(EINVAL, why, "its outside ids overlap an earlier map line");
	}
	if (m->n == USERNS_MAX_EXTENTS)
		return fail(E2BIG, why, "a map has at most 340 lines");
	m->e[m->n++] = *e;
	return 0;
}

int userns_format_map(const struct userns_map *m, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0) {
		errno = E2BIG;
		return -1;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		int n = snprintf(buf + used, len - used, "%u %u %u\n",
				 m->e[i].inside, m->e[i].outside, m->e[i].count);

		if (n < 0 || (size_t)n >= len - used) {
			errno = E2BIG;
			return -1;
		}
		used += (size_t)n;
	}
	return 0;
}

int userns_to_outside(const struct userns_map *m, uint32_t inside,
		      uint32_t *outside)
{
	for (size_t i = 0; i < m->n; i++) {
		if (inside >= m->e[i].inside && inside - m->e[i].inside < m->e[i].count) {
			*outside = m->e[i].outside + (inside - m->e[i].inside);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

int userns_is_self_map(const struct userns_map *m, uint32_t id)
{
	return m->n == 1 && m->e[0].count == 1 && m->e[0].outside == id;
}

int userns_write_file(pid_t pid, const char *file, const char *text)
{
	size_t len = strlen(text);
	char path[64];
	ssize_t n;
	int fd, saved;

	/* LAB 05.1 write: write TEXT to /proc/PID/FILE the way the kernel takes a map
	 * level: 2
	 * minutes: 10
	 * checks: 05.1 05.2 05.4 05.18
	 * docs: docs/05-user.md#run-it
	 * fail: the maps were not written: the command is not uid 0 inside
	 * hint: user_namespaces(7), "Defining user and group ID mappings: writing to uid_map and gid_map": how the file must be written
	 * hint: a partial write is a failure too (an I/O error); errno must survive the close; 0, or -1 with errno set
	 * stub: (void)pid;
	 * stub: (void)file;
	 * stub: (void)len;
	 * stub: (void)path;
	 * stub: (void)n;
	 * stub: (void)fd;
	 * stub: (void)saved;
	 * stub: errno = ENOSYS;
	 * stub: return -1;
	 */
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	/* The kernel parses the whole map in one write() at offset 0, and
	 * takes a map only once: a second write fails with EPERM. */
	n = write(fd, text, len);
	saved = errno;
	close(fd);
	if (n == -1) {
		errno = saved;
		return -1;
	}
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
	/* END LAB */
}

int userns_write_maps(pid_t pid, const char *uid_map, const char *gid_map,
		      const char **failed)
{
	/* LAB 05.3 setgroups: before any map, do what the kernel demands before an unprivileged process may write gid_map
	 * level: 2
	 * minutes: 15
	 * checks: 05.1 05.2 05.4 05.20
	 * docs: docs/05-user.md#errors-on-purpose
	 * fail: without privilege, the kernel refused gid_map
	 * hint: run the checks on the stub first (they run unprivileged): make check-05 LAB=1 EX=05.3, and read which write fails, and with what
	 * hint: user_namespaces(7), "The /proc/[pid]/setgroups file" (Linux 3.19, CVE-2014-8989): what to write, and how root inside could otherwise hurt you
	 * hint: on failure name the file that refused through FAILED, as the rest does (userns.h)
	 * stub: // nothing yet: see what the kernel says
	 */
	/* Without CAP_SETGID in the parent namespace, gid_map may be written
	 * only once setgroups(2) is switched off for good in the new
	 * namespace: otherwise its root could drop a group the user is in,
	 * and open files that the group was denied ("chmod 707" style;
	 * CVE-2014-8989). */
	if (userns_write_file(pid, "setgroups", "deny") == -1)
		return fail(errno, failed, "setgroups");
	/* END LAB */
	/* LAB 05.2 maps: write UID_MAP and GID_MAP into PID's maps (05.3 runs just before)
	 * level: 1
	 * minutes: 5
	 * checks: 05.2 05.4 05.18
	 * docs: docs/05-user.md#run-it
	 * fail: the maps were not written
	 * hint: user_namespaces(7), "Defining user and group ID mappings": each map is written once, and the texts are ready
	 * hint: on failure name the file that refused through FAILED (userns.h)
	 * stub: (void)pid;
	 * stub: (void)uid_map;
	 * stub: (void)gid_map;
	 * stub: return fail(ENOSYS, failed, "LAB 05.2: the maps");
	 */
	if (userns_write_file(pid, "uid_map", uid_map) == -1)
		return fail(errno, failed, "uid_map");
	if (userns_write_file(pid, "gid_map", gid_map) == -1)
		return fail(errno, failed, "gid_map");
	return 0;
	/* END LAB */
}

/* Run "HELPER PID INSIDE OUTSIDE COUNT ..." and wait for it. This execs a
 * setuid-root program, as podman does; it is not a shell. */
static int run_helper(const char *helper, pid_t pid, const struct userns_map *m)
{
	char nums[1 + 3 * USERNS_MAX_EXTENTS][12];
	char *argv[2 + 3 * USERNS_MAX_EXTENTS + 1];
	size_t k = 0, used = 0;
	int wstatus;
	pid_t child;

	argv[k++] = (char *)helper;
	snprintf(nums[used], sizeof(nums[used]), "%d", (int)pid);
	argv[k++] = nums[used++];
	for (size_t i = 0; i < m->n; i++) {
		const uint32_t f[3] = { m->e[i].inside, m->e[i].outside, m->e[i].count };

		for (int j = 0; j < 3; j++) {
			snprintf(nums[used], sizeof(nums[used]), "%u", f[j]);
			argv[k++] = nums[used++];
		}
	}
	argv[k] = NULL;

	child = fork();
	if (child == -1)
		return -1;
	if (child == 0) {
		/* An ignored SIGPIPE would stay ignored across execve(). */
		proc_default_signals();
		execvp(helper, argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(child, &wstatus, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return 0;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127)
		errno = ENOENT;
	else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 126)
		errno = EACCES;
	else
		errno = EPERM;
	return -1;
}

int userns_map_with_helpers(pid_t pid, const struct userns_map *uids,
			    const struct userns_map *gids, const char **failed)
{
	if (run_helper("newuidmap", pid, uids) == -1)
		return fail(errno, failed, "newuidmap");
	if (run_helper("newgidmap", pid, gids) == -1)
		return fail(errno, failed, "newgidmap");
	return 0;
}

int userns_read_map(pid_t pid, const char *file, struct userns_map *m)
{
	struct userns_extent e;
	char path[64];
	FILE *f;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	else
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	m->n = 0;
	while (m->n < USERNS_MAX_EXTENTS &&
	       fscanf(f, "%u %u %u", &e.inside, &e.outside, &e.count) == 3)
		m->e[m->n++] = e;
	fclose(f);
	return 0;
}

int userns_subid_range(const char *path, const char *user, uid_t id,
		       struct userns_extent *range)
{
	char line[512], name[256], idtext[16];
	unsigned start, count;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	snprintf(idtext, sizeof(idtext), "%u", (unsigned)id);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%255[^:\n]:%u:%u", name, &start, &count) != 3)
			continue;
		if ((user != NULL && strcmp(name, user) == 0) || strcmp(name, idtext) == 0) {
			*range = (struct userns_extent){ 0, start, count };
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	errno = ENOENT;
	return -1;
}
