/* cgroup_path.c - a container's cgroups where its engine says: the OCI
 * runtime's (../oci/), whose config.json names them in
 * linux.cgroupsPath, so run's home and its "nslab-NAME.PID" do not apply
 * (see cgroup.h). run never comes here.
 *
 * The path is one for every hierarchy: "/machine.slice/libpod-ID.scope"
 * is that cgroup in the unified hierarchy and in the v1 hierarchy of
 * each controller alike. Its parents may be missing; they are made, as
 * runc and crun make them, and counted, so that delete removes them
 * again once they are empty.
 *
 * Controllers on the way down. A cgroup v2 has a controller only when
 * its parent lists it in cgroup.subtree_control, and that parent only
 * when its own parent does, up to the root. So for each controller a
 * limit needs, every cgroup from the top of the path down to the
 * container's parent enables it ("+memory"), where it does not already,
 * as runc's and crun's cgroupfs drivers do; those stay enabled. A cgroup
 * that holds processes refuses (EBUSY: the no-internal-process rule,
 * cgroup_make.c).
 *
 * Read: cgroup-v2.rst ("Controlling Controllers", "No Internal Process
 * Constraint"), the runtime spec's config-linux.md ("Cgroups").
 */
#define _GNU_SOURCE
#include "cgroup_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"

#define HINT_BUSY \
	"cgroup v2 gives a controller only to the children of a cgroup that holds no " \
	"process (the no-internal-process rule), and this one holds some: give the " \
	"container a cgroupsPath below one that holds none"
#define HINT_ABOVE \
	"the cgroup above does not have this controller to give: enable it higher up " \
	"(cgroup.subtree_control), or give a cgroupsPath where it is"

/* BASE/PATH (PATH without its leading "/") into OUT. */
static int join_path(char out[PATH_MAX], const char *base, const char *path)
{
	if (snprintf(out, PATH_MAX, "%s/%s", base, path + (path[0] == '/')) >= PATH_MAX) {
		out[0] = '\0';
		errno = ENAMETOOLONG;
		return nsl_fail("the cgroup \"%s\" below \"%s\"", path, base);
	}
	return 0;
}

int cgroup_at(struct cgroup *cg, const char *path)
{
	int abs = path[0] == '/';

	cg->v2.path[0] = '\0';
	if (cg->own[0] != '\0' && (abs ? cg->top : cg->own)[0] != '\0') {
		snprintf(cg->v2.parent, PATH_MAX, "%s", abs ? cg->top : cg->own);
		if (join_path(cg->v2.path, cg->v2.parent, path) == -1)
			return -1;
	}
	for (int i = 0; i < CG_NCTRL; i++) {
		struct cgroup_dir *d = &cg->v1[i];

		d->path[0] = '\0';
		if (cg->served[i] != 1 || d->parent[0] == '\0')
			continue; /* v2 serves it, or no v1 mount shows ours */
		if (abs && cgroup_resolve(i, "/", d->parent, PATH_MAX) == -1) {
			d->parent[0] = '\0';
			continue;
		}
		if (join_path(d->path, d->parent, path) == -1)
			return -1;
	}
	return 0;
}

/* Enable the controllers of ON_V2 in DIR's cgroup.subtree_control, those
 * it does not list yet; unless DIR holds processes and is not ROOT. The
 * kernel refuses memory there, but would take pids and cpu and turn DIR
 * threaded: a change to a cgroup that is someone else's (a login's
 * session scope), which nslab does not make. */
static int enable_in(const char *dir, const char *root, unsigned on_v2)
{
	char want[16], path[PATH_MAX + 16], procs[16];

	for (int i = 0; i < CG_NCTRL; i++) {
		long got;
		int r;

		if (!(on_v2 & (1u << i)))
			continue;
		r = cgroup_listed(dir, "cgroup.subtree_control", cgroup_ctrl_name(i));
		if (r == -1)
			return -1;
		if (r == 1)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		got = strcmp(dir, root) == 0 ? 0 : cgroup_read(path, procs, sizeof(procs));
		if (got == -1)
			return -1;
		if (got > 0) {
			errno = EBUSY;
			return nsl_fail_hint(HINT_BUSY, "enabling \"%s\" in %s, which holds processes",
					     cgroup_ctrl_name(i), dir);
		}
		snprintf(want, sizeof(want), "+%s", cgroup_ctrl_name(i));
		if (cgroup_write(dir, "cgroup.subtree_control", want) == -1)
			return nsl_fail_hint(errno == EBUSY ? HINT_BUSY : errno == ENOENT ? HINT_ABOVE :
					     NULL, "write(\"%s/cgroup.subtree_control\", \"%s\")",
					     dir, want);
	}
	return 0;
}

/* The last LEVELS directories of PATH removed, deepest first, while they
 * are empty. */
static void remove_levels(const char *path, int levels)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	for (int i = 0; i < levels; i++) {
		char *slash = strrchr(dir, '/');

		if (rmdir(dir) == -1 || slash == NULL)
			return;
		*slash = '\0';
	}
}

/* D->path made, with what it lacks below D->parent; ON_V2 enabled in
 * each cgroup above it. D->made: the levels made. On failure, none. */
static int make_levels(struct cgroup_dir *d, const char *root, unsigned on_v2)
{
	char dir[PATH_MAX];
	size_t at = strlen(d->parent);

	d->made = 0;
	snprintf(dir, sizeof(dir), "%s", d->path);
	while (dir[at] == '/') {
		char *next = strchr(dir + at + 1, '/');

		dir[at] = '\0';
		if (on_v2 != 0 && enable_in(dir, root, on_v2) == -1)
			goto undo;
		dir[at] = '/';
		if (next != NULL)
			*next = '\0';
		if (mkdir(dir, 0755) == 0) {
			d->made++;
		} else if (errno != EEXIST) {
			nsl_fail_hint(errno == EACCES || errno == EPERM || errno == EROFS ?
				      "this cgroup is not delegated to you: as an ordinary user, "
				      "only a subtree chowned to you may be written" : NULL,
				      "mkdir(\"%s\")", dir);
			goto undo;
		}
		if (next == NULL)
			return 0;
		*next = '/';
		at = (size_t)(next - dir);
	}
	return 0;
undo:
	/* DIR ends at the level that failed; what was made is above it. */
	if (d->made > 0) {
		char *slash = strrchr(dir, '/');

		if (slash != NULL)
			*slash = '\0';
		remove_levels(dir, d->made);
	}
	d->made = 0;
	return -1;
}

int cgroup_make_at(struct cgroup *cg, unsigned limits)
{
	struct nsl_failure failure;
	unsigned on_v2;

	if (cgroup_served(cg, limits, &on_v2) == -1)
		return -1;
	for (int i = 0; i < CG_NCTRL; i++) {
		if ((limits & ~on_v2 & (1u << i)) && cg->v1[i].path[0] == '\0') {
			errno = ENOENT;
			return nsl_fail("our cgroup in the v1 %s hierarchy", cgroup_ctrl_name(i));
		}
	}
	if (cg->v2.path[0] != '\0') {
		if (make_levels(&cg->v2, cg->top, on_v2) == -1) {
			if (on_v2 != 0)
				goto fail;
			cg->v2_err = errno;
			cg->v2.path[0] = '\0';
		}
	} else if (on_v2 != 0) {
		errno = ENOENT;
		nsl_fail("our cgroup in the cgroup2 hierarchy");
		goto fail;
	}
	for (int i = 0; i < CG_NCTRL; i++) {
		struct cgroup_dir *d = &cg->v1[i];
		int shared = 0;

		if (!(limits & (1u << i)))
			d->path[0] = '\0';
		if (d->path[0] == '\0')
			continue;
		for (int j = 0; j < i; j++) /* "memory,pids": one hierarchy */
			shared |= strcmp(cg->v1[j].path, d->path) == 0;
		if (!shared && make_levels(d, "", 0) == -1)
			goto fail;
	}
	return 0;
fail:
	nsl_fail_save(&failure);
	cgroup_destroy(cg);
	return nsl_fail_restore(&failure);
}

void cgroup_remove_parents(const char *path, int made)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (made > 1 && slash != NULL) {
		*slash = '\0';
		remove_levels(dir, made - 1);
	}
}
