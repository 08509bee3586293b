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
 * when its own parent does, up to the root. In the cgroups it makes,
 * nslab enables what a limit needs ("+memory"); a cgroup that was there
 * must give it already, or the container is refused: nslab writes no
 * cgroup it did not make (cgroup.h), where runc and crun would enable
 * it on the way. So a relative path with a memory limit, below the
 * runtime's own cgroup, which holds processes, is refused on v2: such a
 * cgroup may give no memory to its children (the no-internal-process
 * rule, cgroup_make.c).
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

#define HINT_ABOVE \
	"nslab enables a controller only in the cgroups it makes, and this one, which " \
	"was there, does not give it to its children. Enable it there (echo +CONTROLLER " \
	">DIR/cgroup.subtree_control), or give a cgroupsPath below a cgroup that does: " \
	"a cgroup that holds processes gives no memory (the no-internal-process rule)"
#define HINT_EXISTS \
	"another container's cgroup, or one a runtime that was killed left: remove it " \
	"(rmdir), or give another cgroupsPath"

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

/* The controllers of ON_V2 for the children of DIR: enabled in its
 * cgroup.subtree_control when we made DIR (MINE), else required there
 * already - a cgroup nslab did not make is never written. */
static int give(const char *dir, int mine, unsigned on_v2)
{
	char want[64];
	size_t n = 0;

	on_v2 = CG_LISTED(on_v2);
	if (on_v2 == 0)
		return 0;
	if (!mine)
		return cgroup_need_listed(dir, "cgroup.subtree_control", on_v2, HINT_ABOVE);
	for (int i = 0; i < CG_NCTRL; i++)
		if (on_v2 & (1u << i))
			n += (size_t)snprintf(want + n, sizeof(want) - n, "%s+%s", n > 0 ? " " : "",
					      cgroup_ctrl_name(i));
	return cgroup_write(dir, "cgroup.subtree_control", want);
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

/* D->path made, with what it lacks below D->parent, and ON_V2 given to
 * it by each cgroup above. The container's own must be new: one that is
 * there already is someone else's. D->made: the levels made; on failure,
 * they are removed again, and it is 0. */
static int make_levels(struct cgroup_dir *d, unsigned on_v2)
{
	char dir[PATH_MAX], last[PATH_MAX] = "";
	size_t at = strlen(d->parent);
	struct nsl_failure failure;
	int mine = 0; /* we made DIR, the level above the next */

	d->made = 0;
	snprintf(dir, sizeof(dir), "%s", d->path);
	while (dir[at] == '/') {
		char *next = strchr(dir + at + 1, '/');

		dir[at] = '\0';
		if (give(dir, mine, on_v2) == -1)
			goto undo;
		dir[at] = '/';
		if (next != NULL)
			*next = '\0';
		mine = mkdir(dir, 0755) == 0;
		if (mine) {
			d->made++;
			snprintf(last, sizeof(last), "%s", dir);
		} else if (errno != EEXIST || next == NULL) {
			nsl_fail_hint(errno == EEXIST ? HINT_EXISTS :
				      errno == EACCES || errno == EPERM || errno == EROFS ?
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
	nsl_fail_save(&failure);
	remove_levels(last, d->made); /* what we made: LAST and those above it */
	d->made = 0;
	return nsl_fail_restore(&failure);
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
		if (make_levels(&cg->v2, on_v2) == -1) {
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
		if (!shared && make_levels(d, 0) == -1)
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
