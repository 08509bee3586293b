/* cgroup.c - where the controllers are: which hierarchy serves memory,
 * pids and cpu, and where our own cgroup is in each (see cgroup.h).
 *
 * A cgroup hierarchy is a file system. cgroup v1 has one hierarchy per
 * mount, each with the controllers named in its mount options
 * (/sys/fs/cgroup/memory: "rw,memory"); cgroup v2 has exactly one, the
 * unified hierarchy, mounted with type cgroup2. A controller is bound to
 * one hierarchy at a time: one that a v1 mount holds is missing from v2's
 * cgroup.controllers. So a host is v2 (systemd's default since 2021), v1,
 * or hybrid - v1 for the controllers and an empty cgroup2 mount beside
 * them (/sys/fs/cgroup/unified), which still tracks processes and, since
 * Linux 5.14, kills a whole cgroup with cgroup.kill.
 *
 * Where is our cgroup? /proc/self/cgroup names it in each hierarchy,
 * "ID:CONTROLLERS:PATH" ("0::PATH" for v2), PATH relative to the root of
 * our cgroup namespace. /proc/self/mountinfo says where each hierarchy is
 * mounted and which of its cgroups is the mount's root (field 4): the
 * directory is MOUNTPOINT + (PATH - ROOT). A PATH that starts with "/.."
 * is outside our cgroup namespace, where no mount of ours reaches.
 *
 * Read: cgroups(7) (/proc/PID/cgroup), proc(5) (mountinfo),
 * cgroup_namespaces(7), cgroup-v2.rst ("Controlling Controllers").
 */
#define _GNU_SOURCE
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"

static const char *const ctrl_names[CG_NCTRL] = {
	[CG_MEMORY] = "memory", [CG_PIDS] = "pids", [CG_CPU] = "cpu", [CG_DEVICES] = "devices",
};

const char *cgroup_ctrl_name(enum cgroup_ctrl ctrl)
{
	return ctrl_names[ctrl];
}

int cgroup_write(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return nsl_fail("open(\"%s\", O_WRONLY)", path);
	n = write(fd, value, len);
	if (n != (ssize_t)len) {
		if (n >= 0)
			errno = EIO;
		nsl_fail("write(\"%s\", \"%s\")", path, value);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

long cgroup_read(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return nsl_fail("open(\"%s\")", path);
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n == -1)
		return nsl_fail("read(\"%s\")", path);
	buf[got] = '\0';
	return (long)got;
}

/* 1 if WORD is one of the comma-separated words of LIST. */
static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p != NULL; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
			return 1;
	}
	return 0;
}

int cgroup_paths_of(const char *pid, char v2[PATH_MAX], char v1[CG_NCTRL][PATH_MAX])
{
	char path[64], line[PATH_MAX + 256], *ctrls, *cgpath;
	FILE *f;

	v2[0] = '\0';
	for (int i = 0; i < CG_NCTRL; i++)
		v1[i][0] = '\0';
	snprintf(path, sizeof(path), "/proc/%s/cgroup", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return nsl_fail("fopen(\"%s\")", path);
	/* "ID:CONTROLLERS:PATH"; PATH may itself hold a ':'. */
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		ctrls = strchr(line, ':');
		cgpath = ctrls != NULL ? strchr(ctrls + 1, ':') : NULL;
		if (cgpath == NULL)
			continue;
		*cgpath++ = '\0';
		*ctrls++ = '\0';
		if (strcmp(line, "0") == 0 && ctrls[0] == '\0')
			snprintf(v2, PATH_MAX, "%s", cgpath);
		for (int i = 0; i < CG_NCTRL; i++)
			if (in_list(ctrls, ctrl_names[i]))
				snprintf(v1[i], PATH_MAX, "%s", cgpath);
	}
	fclose(f);
	return 0;
}

/* mountinfo escapes a blank, tab, newline and backslash as \ooo octal. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

/* One mountinfo LINE: the cgroup mount that CTRL wants (see
 * cgroup_resolve) and that shows CGPATH? Then its directory into OUT. */
static int match_mount(char *line, int ctrl, const char *cgpath, char *out, size_t len)
{
	char *field[6], *save = NULL, *fstype, *opts;
	size_t rootlen;
	int i;

	for (i = 0; i < 6; i++) {
		field[i] = strtok_r(i == 0 ? line : NULL, " \n", &save);
		if (field[i] == NULL)
			return 0;
	}
	/* Optional fields (shared:N, master:N) up to the lone "-". */
	while (strcmp(field[5], "-") != 0)
		if ((field[5] = strtok_r(NULL, " \n", &save)) == NULL)
			return 0;
	fstype = strtok_r(NULL, " \n", &save);
	if (fstype == NULL || strtok_r(NULL, " \n", &save) == NULL)
		return 0;
	opts = strtok_r(NULL, " \n", &save); /* the super block's options */
	if (opts == NULL)
		return 0;
	if (ctrl < 0 ? strcmp(fstype, "cgroup2") != 0
		     : strcmp(fstype, "cgroup") != 0 || !in_list(opts, ctrl_names[ctrl]))
		return 0;
	unescape(field[3]);
	unescape(field[4]);
	/* The mount shows the cgroups at and below its root only. */
	rootlen = strcmp(field[3], "/") == 0 ? 0 : strlen(field[3]);
	if (strncmp(cgpath, field[3], rootlen) != 0 ||
	    (cgpath[rootlen] != '/' && cgpath[rootlen] != '\0'))
		return 0;
	snprintf(out, len, "%s%s", field[4], strcmp(cgpath + rootlen, "/") == 0 ? "" :
		 cgpath + rootlen);
	return 1;
}

/* /proc/self/mountinfo, read once a process (a child made after it
 * reads its own: the init mounts in its own namespace): cgroup_detect()
 * asks for up to five hierarchies, and the kernel writes the whole table
 * each time the file is read. NULL, with the call recorded, on failure. */
static const char *mountinfo(void)
{
	static char *text;
	static pid_t whose;
	size_t len = 0, size = 0;
	ssize_t n = -1;
	char *more;
	int fd;

	if (text != NULL && whose == getpid())
		return text;
	free(text);
	text = NULL;
	fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		nsl_fail("open(\"/proc/self/mountinfo\")");
		return NULL;
	}
	for (;;) {
		if (size - len < 4096) {
			more = realloc(text, size + 16384);
			if (more == NULL) {
				nsl_fail("realloc(%zu bytes)", size + 16384);
				close(fd);
				free(text);
				text = NULL;
				return NULL;
			}
			text = more;
			size += 16384;
		}
		n = read(fd, text + len, size - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (n == -1)
		nsl_fail("read(\"/proc/self/mountinfo\")");
	close(fd);
	if (n != 0) {
		free(text);
		text = NULL;
		return NULL;
	}
	text[len] = '\0';
	whose = getpid();
	return text;
}

int cgroup_resolve(int ctrl, const char *cgpath, char *out, size_t len)
{
	char line[3 * PATH_MAX];
	const char *mi, *end;
	int found = 0;

	if (cgpath[0] != '/' || strncmp(cgpath, "/..", 3) == 0) {
		errno = ENOENT; /* outside our cgroup namespace */
		return nsl_fail("the cgroup \"%s\" (outside our cgroup namespace)",
				cgpath);
	}
	mi = mountinfo();
	if (mi == NULL)
		return -1;
	for (; !found && *mi != '\0'; mi = *end == '\n' ? end + 1 : end) {
		end = strchrnul(mi, '\n');
		if ((size_t)(end - mi) >= sizeof(line))
			continue; /* longer than any cgroup mount's line */
		memcpy(line, mi, (size_t)(end - mi));
		line[end - mi] = '\0';
		found = match_mount(line, ctrl, cgpath, out, len);
	}
	if (!found) {
		errno = ENOENT;
		return nsl_fail("a %s mount that shows cgroup \"%s\"",
				ctrl < 0 ? "cgroup2" : ctrl_names[ctrl], cgpath);
	}
	return 0;
}

/* The options of a v1 mount that name its hierarchy: its controllers
 * and "name=..." (systemd's), not "rw", "xattr", "release_agent=...". */
static int names_hierarchy(const char *opt)
{
	static const char *const v1[] = { "cpuset", "cpu", "cpuacct", "blkio", "memory",
					   "devices", "freezer", "net_cls", "perf_event",
					   "net_prio", "hugetlb", "pids", "rdma", "misc" };

	if (strncmp(opt, "name=", 5) == 0)
		return 1;
	for (size_t i = 0; i < sizeof(v1) / sizeof(v1[0]); i++)
		if (strcmp(opt, v1[i]) == 0)
			return 1;
	return 0;
}

int cgroup_v1_hierarchy(enum cgroup_ctrl ctrl, char *dir, size_t dlen, char *opts, size_t olen)
{
	char line[3 * PATH_MAX], *field[5], *save, *fstype, *super, *o;
	const char *mi = mountinfo(), *end;
	size_t used;

	for (; mi != NULL && *mi != '\0'; mi = *end == '\n' ? end + 1 : end) {
		end = strchrnul(mi, '\n');
		if ((size_t)(end - mi) >= sizeof(line))
			continue;
		memcpy(line, mi, (size_t)(end - mi));
		line[end - mi] = '\0';
		save = NULL;
		memset(field, 0, sizeof(field));
		for (int i = 0; i < 5; i++)
			if ((field[i] = strtok_r(i == 0 ? line : NULL, " ", &save)) == NULL)
				break;
		if (field[3] == NULL || field[4] == NULL)
			continue;
		while ((o = strtok_r(NULL, " ", &save)) != NULL && strcmp(o, "-") != 0)
			;
		fstype = strtok_r(NULL, " ", &save);
		if (o == NULL || fstype == NULL || strcmp(fstype, "cgroup") != 0 ||
		    strtok_r(NULL, " ", &save) == NULL || (super = strtok_r(NULL, " ", &save)) == NULL ||
		    !in_list(super, ctrl_names[ctrl]) || strcmp(field[3], "/") != 0)
			continue;
		unescape(field[4]);
		snprintf(dir, dlen, "%s", field[4]);
		used = 0;
		opts[0] = '\0';
		for (o = strtok_r(super, ",", &save); o != NULL; o = strtok_r(NULL, ",", &save)) {
			if (!names_hierarchy(o))
				continue;
			if (used + strlen(o) + 2 > olen) {
				errno = ENAMETOOLONG;
				return nsl_fail("the options of %s's hierarchy (\"%s...\")",
						ctrl_names[ctrl], opts);
			}
			used += (size_t)snprintf(opts + used, olen - used, "%s%s", used ? "," : "",
						 o);
		}
		return 0;
	}
	errno = ENOENT;
	return mi == NULL ? -1 : nsl_fail("a cgroup v1 mount of %s's hierarchy, at its root",
					  ctrl_names[ctrl]);
}

int cgroup_listed(const char *dir, const char *file, const char *word)
{
	char path[PATH_MAX + 32], list[512], *save = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (cgroup_read(path, list, sizeof(list)) == -1)
		return -1;
	for (char *w = strtok_r(list, " \n", &save); w != NULL; w = strtok_r(NULL, " \n", &save))
		if (strcmp(w, word) == 0)
			return 1;
	return 0;
}

/* Which controllers v2 holds: the root's cgroup.controllers lists every
 * one bound to it (a controller a v1 mount holds is missing there). */
static void v2_served(struct cgroup *cg)
{
	const char *root = cg->top[0] != '\0' ? cg->top : cg->own;
	char path[PATH_MAX + 32], list[512], *save = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	if (cgroup_read(path, list, sizeof(list)) == -1)
		return; /* none served: as cgroup_listed() would say */
	for (char *w = strtok_r(list, " \n", &save); w != NULL; w = strtok_r(NULL, " \n", &save))
		for (int i = 0; i < CG_NCTRL; i++)
			if (strcmp(w, ctrl_names[i]) == 0)
				cg->served[i] = 2;
	cg->served[CG_DEVICES] = 2; /* an eBPF program, on any cgroup2 */
}

/* The home of the container's cgroup v2 (cgroup.h says why): as root
 * where the root cgroup can be written, a cgroup of nslab's own below
 * it; else our own cgroup. */
static void v2_home(struct cgroup *cg)
{
	cg->home = CG_HOME_OWN;
	snprintf(cg->v2.parent, PATH_MAX, "%s", cg->own);
	if (geteuid() == 0 && cg->top[0] != '\0' && access(cg->top, W_OK) == 0 &&
	    strlen(cg->top) + sizeof("/" CGROUP_HOME) <= PATH_MAX) {
		cg->home = CG_HOME_NSLAB;
		snprintf(cg->v2.parent, PATH_MAX, "%s/" CGROUP_HOME, cg->top);
	}
}

/* "nslab-NAME.RUNTIME", with no second "nslab-" for a NAME that has it. */
static void name_leaf(struct cgroup *cg, const char *name, pid_t runtime)
{
	const char *prefix = strncmp(name, CGROUP_PREFIX, strlen(CGROUP_PREFIX)) == 0 ?
			     "" : CGROUP_PREFIX;

	snprintf(cg->leaf, sizeof(cg->leaf), "%s%s.%d", prefix, name, (int)runtime);
}

int cgroup_detect(struct cgroup *cg, const char *name, pid_t runtime)
{
	/* What a first call found: run asks twice (its sweep, then its own
	 * cgroups), and neither our cgroups nor the mounts change between;
	 * mountinfo is read once a hierarchy, which is most of the cost. */
	static struct cgroup found;
	static int have;
	char v2[PATH_MAX], v1[CG_NCTRL][PATH_MAX];

	if (have) {
		*cg = found;
		name_leaf(cg, name, runtime);
		return 0;
	}
	memset(cg, 0, sizeof(*cg));
	name_leaf(cg, name, runtime);
	if (cgroup_paths_of("self", v2, v1) == -1)
		return -1;
	if (v2[0] != '\0' && cgroup_resolve(-1, v2, cg->own, PATH_MAX) == 0) {
		if (cgroup_resolve(-1, "/", cg->top, PATH_MAX) == -1)
			cg->top[0] = '\0';
		v2_served(cg);
		v2_home(cg);
	}
	for (int i = 0; i < CG_NCTRL; i++) {
		if (v1[i][0] == '\0' ||
		    cgroup_resolve(i, v1[i], cg->v1[i].parent, PATH_MAX) == -1)
			cg->v1[i].parent[0] = '\0';
		else if (cg->served[i] == 0 || i == CG_DEVICES) /* v1's, where it has one */
			cg->served[i] = 1;
	}
	found = *cg;
	have = 1;
	return 0;
}
