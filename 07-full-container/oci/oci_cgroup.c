/* oci_cgroup.c - linux.cgroupsPath and linux.resources: the container's
 * cgroups where its engine says, with the limits it asks for. create
 * makes them and writes the limits before the init exists, and puts the
 * init in them before "go" (the init then unshares its cgroup namespace,
 * rooted there); exec puts its command in them before releasing it;
 * delete kills what is left in them and removes them, with the parents
 * create had to make. The cgroups themselves are cgroup/'s
 * (cgroup_path.c); here is what the spec's fields mean for them.
 *
 * cgroupsPath, in the two forms the engines write:
 *   cgroupfs  "/libpod_parent/libpod-ID" (podman), "/default/ID"
 *             (containerd): that path in every hierarchy, from its root;
 *             a relative one from the runtime's own cgroup
 *   systemd   "machine.slice:libpod:ID" with --systemd-cgroup: the
 *             scope libpod-ID.scope in machine.slice, whose path is
 *             /machine.slice/libpod-ID.scope ("a-b.slice" is
 *             /a.slice/a-b.slice). runc and crun ask systemd over D-Bus
 *             to make that scope; nslab, libc only, makes the same path
 *             itself, and systemd does not know the unit
 * Absent, with no limit asked for, the container gets no cgroup of its
 * own, as run rootless without delegation, but as root, where it gets
 * one for its devices (oci_devices.c); with one, "ID" below ours.
 *
 * resources, in the files of each version (0 in a field: not set):
 *   memory.limit   memory.max              memory.limit_in_bytes
 *   memory.swap    memory.swap.max (swap   memory.memsw.limit_in_bytes
 *                  minus limit: v2 counts  (memory plus swap, as the
 *                  swap alone)             spec counts it)
 *   pids.limit     pids.max                pids.max
 *   cpu.quota,     cpu.max "QUOTA PERIOD"  cpu.cfs_quota_us,
 *   cpu.period                             cpu.cfs_period_us
 *   cpu.shares     cpu.weight (runc's      cpu.shares
 *                  mapping of 2..262144
 *                  onto 1..10000)
 *
 * Read: the runtime spec's config-linux.md ("Control groups"), runc's
 * docs/systemd.md, cgroup-v2.rst.
 */
#define _GNU_SOURCE
#include "oci.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "fail.h"
#include "say.h"

/* systemd's "slice:prefix:name" as a path: "/a.slice/a-b.slice/" then
 * "prefix-name.scope" (or NAME, when it is a slice itself). A slice's
 * name is its parents' joined by "-": no empty part ("-.slice" is the
 * root itself). */
static int systemd_path(const char *given, char *out, size_t len)
{
	const char *c1 = strchr(given, ':'), *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
	char slice[256];
	size_t n = 0, stem;

	errno = EINVAL;
	if (c2 == NULL || strchr(c2 + 1, ':') != NULL || strchr(given, '/') != NULL ||
	    c2[1] == '\0' || (size_t)(c1 - given) >= sizeof(slice))
		return nsl_fail("linux.cgroupsPath \"%s\": with --systemd-cgroup, "
				"\"slice:prefix:name\"", given);
	if (c1 == given) /* runc's default, as root */
		snprintf(slice, sizeof(slice), "system.slice");
	else
		snprintf(slice, sizeof(slice), "%.*s", (int)(c1 - given), given);
	stem = strlen(slice) > strlen(".slice") ? strlen(slice) - strlen(".slice") : 0;
	if (stem == 0 || strcmp(slice + stem, ".slice") != 0 ||
	    (strcmp(slice, "-.slice") != 0 &&
	     (slice[0] == '-' || slice[stem - 1] == '-' || strstr(slice, "--") != NULL)))
		return nsl_fail("linux.cgroupsPath \"%s\": \"%s\" is not a slice's name", given,
				slice);
	out[0] = '\0';
	/* Each "-" in the stem is one slice deeper. */
	for (size_t i = 0; strcmp(slice, "-.slice") != 0 && i <= stem && n < len; i++)
		if (i == stem || slice[i] == '-')
			n += (size_t)snprintf(out + n, len - n, "/%.*s.slice", (int)i, slice);
	if (n < len && strlen(c2 + 1) > strlen(".slice") &&
	    strcmp(c2 + 1 + strlen(c2 + 1) - strlen(".slice"), ".slice") == 0)
		n += (size_t)snprintf(out + n, len - n, "/%s", c2 + 1);
	else if (n < len)
		n += (size_t)snprintf(out + n, len - n, "/%.*s%s%s.scope", (int)(c2 - c1 - 1),
				      c1 + 1, c2 - c1 > 1 ? "-" : "", c2 + 1);
	if (n >= len) {
		errno = ENAMETOOLONG;
		return nsl_fail("linux.cgroupsPath \"%s\"", given);
	}
	return 0;
}

/* The limits R asks for, as 1 << CG_*. */
static unsigned limits_of(const struct oci_resources *r)
{
	int memory = r->memory != 0 || r->reservation != 0 || r->swappiness != -1 || r->no_oom_kill;

	return (memory ? 1u << CG_MEMORY : 0) | (r->pids != 0 ? 1u << CG_PIDS : 0) |
	       (r->cpu_quota != 0 || r->cpu_period != 0 || r->cpu_shares != 0 ? 1u << CG_CPU : 0);
}

/* One file written, and said (create --debug). */
static int put(const struct cgroup *cg, enum cgroup_ctrl ctrl, const char *v2file,
	       const char *v1file, const char *value)
{
	int v2 = cg->served[ctrl] == 2;

	if (cgroup_set(cg, ctrl, v2file, v1file, value) == -1)
		return -1;
	say("cgroup %s: %s %s", v2 ? cg->v2.path : cg->v1[ctrl].path, v2 ? v2file : v1file, value);
	return 0;
}

/* The soft side of memory: reservation (v2 memory.low, v1's soft
 * limit), and on v1 alone swappiness and the OOM killer turned off
 * (cgroup v2 has neither file: said, not applied, as runc does). */
static int put_memory_soft(const struct cgroup *cg, const struct oci_resources *r)
{
	int v2 = cg->served[CG_MEMORY] == 2;
	char v[32];

	snprintf(v, sizeof(v), r->reservation < 0 ? (v2 ? "max" : "-1") : "%lld", r->reservation);
	if (r->reservation != 0 &&
	    put(cg, CG_MEMORY, "memory.low", "memory.soft_limit_in_bytes", v) == -1)
		return -1;
	if (v2 && (r->swappiness != -1 || r->no_oom_kill))
		say("linux.resources.memory: swappiness and disableOOMKiller are cgroup v1's: not "
		    "applied on v2");
	if (v2)
		return 0;
	snprintf(v, sizeof(v), "%d", r->swappiness);
	if (r->swappiness != -1 && put(cg, CG_MEMORY, "", "memory.swappiness", v) == -1)
		return -1;
	return r->no_oom_kill ? put(cg, CG_MEMORY, "", "memory.oom_control", "1") : 0;
}

static int put_memory(const struct cgroup *cg, const struct oci_resources *r)
{
	int v2 = cg->served[CG_MEMORY] == 2;
	char v[32];

	if (put_memory_soft(cg, r) == -1)
		return -1;
	if (r->memory == 0)
		return 0;
	snprintf(v, sizeof(v), r->memory < 0 ? (v2 ? "max" : "-1") : "%lld", r->memory);
	if (put(cg, CG_MEMORY, "memory.max", "memory.limit_in_bytes", v) == -1)
		return -1;
	if (r->swap == 0)
		return 0;
	if (r->swap < 0)
		snprintf(v, sizeof(v), v2 ? "max" : "-1");
	else
		snprintf(v, sizeof(v), "%lld", v2 ? r->swap - r->memory : r->swap);
	if (put(cg, CG_MEMORY, "memory.swap.max", "memory.memsw.limit_in_bytes", v) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	say("no swap accounting in this kernel: memory.swap is not applied");
	return 0;
}

static int put_cpu(const struct cgroup *cg, const struct oci_resources *r)
{
	unsigned long long period = r->cpu_period != 0 ? r->cpu_period : 100000;
	char v[64];

	if (cg->served[CG_CPU] == 2) {
		if (r->cpu_quota != 0 || r->cpu_period != 0) {
			if (r->cpu_quota > 0)
				snprintf(v, sizeof(v), "%lld %llu", r->cpu_quota, period);
			else
				snprintf(v, sizeof(v), "max %llu", period);
			if (put(cg, CG_CPU, "cpu.max", "", v) == -1)
				return -1;
		}
		if (r->cpu_shares != 0) {
			snprintf(v, sizeof(v), "%llu", 1 + (r->cpu_shares - 2) * 9999 / 262142);
			return put(cg, CG_CPU, "cpu.weight", "", v);
		}
		return 0;
	}
	snprintf(v, sizeof(v), "%llu", period);
	if (r->cpu_period != 0 && put(cg, CG_CPU, "", "cpu.cfs_period_us", v) == -1)
		return -1;
	snprintf(v, sizeof(v), "%lld", r->cpu_quota > 0 ? r->cpu_quota : -1);
	if (r->cpu_quota != 0 && put(cg, CG_CPU, "", "cpu.cfs_quota_us", v) == -1)
		return -1;
	snprintf(v, sizeof(v), "%llu", r->cpu_shares);
	return r->cpu_shares != 0 ? put(cg, CG_CPU, "", "cpu.shares", v) : 0;
}

static int put_limits(const struct cgroup *cg, const struct oci_resources *r)
{
	char v[32];

	if (put_memory(cg, r) == -1)
		return -1;
	snprintf(v, sizeof(v), r->pids < 0 ? "max" : "%lld", r->pids);
	if (r->pids != 0 && put(cg, CG_PIDS, "pids.max", "pids.max", v) == -1)
		return -1;
	return put_cpu(cg, r);
}

/* Whether the container gets a devices cgroup: as root in the host's
 * user namespace (only that root may write v1's devices files or attach
 * a program), where a hierarchy serves it. Detects CG's hierarchies. */
static int want_devices(const char *id, struct cgroup *cg)
{
	if (geteuid() != 0 || !oci_in_host_userns()) {
		say("linux.resources.devices: no devices cgroup: only root in the host's user "
		    "namespace may make one (the container's user namespace refuses device nodes "
		    "anyway)");
		return 0;
	}
	if (cgroup_detect(cg, id, getpid()) == -1)
		return -1;
	if (cg->served[CG_DEVICES] != 0)
		return 1;
	say("linux.resources.devices: no devices cgroup: no v1 devices hierarchy and no cgroup2 "
	    "are mounted here");
	return 0;
}

/* A devices cgroup that could not be made (the failure recorded), when
 * the kernel refused it as it refuses a runtime inside a container (a
 * read-only cgroupfs: EROFS; no right to: EPERM, EACCES), and doing
 * without loses nothing: the container's /dev then holds only the nodes
 * every container is allowed (no linux.devices), and create leaves
 * CAP_MKNOD out. 0 with *DEVICES 0, said; else -1: any other failure
 * (a cgroup that is there already...) fails create. */
static int no_devices(const struct oci_config *o, int *devices)
{
	if (o->c.ndevices > 0 || (errno != EROFS && errno != EPERM && errno != EACCES))
		return -1;
	say("linux.resources.devices: no devices cgroup: %s: %s", nsl_failed_call(),
	    strerror(errno));
	*devices = 0;
	return 0;
}

int oci_cgroup_create(const struct oci_config *o, const char *id, int systemd,
		      struct cgroup *cg, int *made, int *devices)
{
	unsigned limits = limits_of(&o->res);
	char path[PATH_MAX];

	*made = *devices = 0;
	for (size_t i = 0; i < o->nres_skipped; i++)
		say("linux.resources.%s: not applied (not supported yet)", o->res_skipped[i]);
	if ((*devices = want_devices(id, cg)) == -1) {
		*devices = 0;
		goto fail;
	}
	if (*devices)
		limits |= 1u << CG_DEVICES;
	if (o->cgroups_path == NULL && limits == 0) {
		say("no linux.cgroupsPath and no limit: the container stays in our cgroups");
		return 0;
	}
	if (o->cgroups_path == NULL)
		snprintf(path, sizeof(path), "%s", id);
	else if (systemd && systemd_path(o->cgroups_path, path, sizeof(path)) == -1)
		goto fail;
	else if (!systemd)
		snprintf(path, sizeof(path), "%s", o->cgroups_path);
	if (cgroup_detect(cg, id, getpid()) == -1 || cgroup_at(cg, path) == -1 ||
	    cgroup_make_at(cg, limits) == -1) {
		/* Made for the devices alone: where that cannot be (a read-only
		 * cgroupfs, a runtime inside a container), none, as before. */
		if (limits == 1u << CG_DEVICES && o->cgroups_path == NULL &&
		    no_devices(o, devices) == 0)
			return 0;
		goto fail;
	}
	*made = 1;
	if (cg->v2.path[0] == '\0' && cg->v2_err != 0)
		say("no cgroup v2 at %s: %s (no limit needs it)", path, strerror(cg->v2_err));
	if (cg->v2.path[0] != '\0')
		say("the container's cgroup v2: %s (%d level%s made)", cg->v2.path, cg->v2.made,
		    cg->v2.made == 1 ? "" : "s");
	for (int i = 0; i < CG_NCTRL; i++)
		if (cg->v1[i].path[0] != '\0')
			say("its v1 %s cgroup: %s", cgroup_ctrl_name(i), cg->v1[i].path);
	if (put_limits(cg, &o->res) == 0 &&
	    (!*devices || oci_devices_apply(o, cg) == 0 ||
	     (cg->served[CG_DEVICES] == 2 && no_devices(o, devices) == 0)))
		return 0;
	nsl_error(errno, "%s", nsl_failed_call());
	if (nsl_failed_hint() != NULL)
		nsl_hint("%s", nsl_failed_hint());
	cgroup_destroy(cg);
	*made = *devices = 0;
	return -1;
fail:
	nsl_error(errno, "%s", nsl_failed_call());
	if (nsl_failed_hint() != NULL)
		nsl_hint("%s", nsl_failed_hint());
	return -1;
}

/* DIR/cgroup: one line per cgroup made or used, "KIND MADE PATH"; KIND
 * "v2" or the v1 controller's name, MADE the levels to remove. */
int oci_cgroup_save(const char *dir, const struct cgroup *cg)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup", dir);
	f = fopen(path, "we");
	if (f == NULL)
		return nsl_fail("open(\"%s\")", path);
	if (cg->v2.path[0] != '\0')
		fprintf(f, "v2 %d %s\n", cg->v2.made, cg->v2.path);
	for (int i = 0; i < CG_NCTRL; i++)
		if (cg->v1[i].path[0] != '\0')
			fprintf(f, "%s %d %s\n", cgroup_ctrl_name(i), cg->v1[i].made, cg->v1[i].path);
	if (fclose(f) != 0)
		return nsl_fail("write(\"%s\")", path);
	return 0;
}

int oci_cgroup_load(const char *dir, struct cgroup *cg, int *found)
{
	char path[PATH_MAX + 16], line[PATH_MAX + 64], kind[16];
	int made, pos;
	FILE *f;

	memset(cg, 0, sizeof(*cg));
	*found = 0;
	snprintf(path, sizeof(path), "%s/cgroup", dir);
	f = fopen(path, "re");
	if (f == NULL)
		return errno == ENOENT ? 0 : nsl_fail("open(\"%s\")", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct cgroup_dir *d = NULL;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%15s %d %n", kind, &made, &pos) != 2 || line[pos] != '/')
			continue;
		if (strcmp(kind, "v2") == 0) {
			d = &cg->v2;
		} else {
			for (int i = 0; i < CG_NCTRL; i++)
				if (strcmp(kind, cgroup_ctrl_name(i)) == 0) {
					d = &cg->v1[i];
					cg->served[i] = 1;
				}
		}
		if (d == NULL)
			continue;
		snprintf(d->path, sizeof(d->path), "%s", line + pos);
		d->made = made;
		++*found;
	}
	fclose(f);
	return 0;
}

/* A new file system for the view, in O's list: TYPE at DEST with DATA,
 * nosuid, nodev and noexec, and read-only by a remount once every mount
 * is made (a tmpfs must stay writable until its mount points exist; a
 * v1 hierarchy is one superblock with the host's, so only this mount of
 * it is made read-only). */
static int view_mount(struct oci_config *o, const char *type, const char *dest, const char *data)
{
	struct ctr_config *c = &o->c;
	struct fs_newfs *t = &c->newfs[c->nnewfs];
	struct fs_attr *a = &c->attr[c->nattr];

	if (c->nnewfs == CTR_MAX_NEWFS) {
		errno = E2BIG;
		return nsl_fail("mounts: more than %d new file systems with the cgroup view",
				CTR_MAX_NEWFS);
	}
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->dest = dest;
	t->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	t->own_fs = strcmp(type, "tmpfs") != 0; /* in the view's tmpfs */
	snprintf(t->data, sizeof(t->data), "%s", data);
	c->nnewfs++;
	memset(a, 0, sizeof(*a));
	a->dest = dest;
	a->set = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	c->nattr++;
	return 0;
}

int oci_cgroup_view(struct oci_config *o, const struct cgroup *cg, int made)
{
	char dir[PATH_MAX], opts[128];
	size_t n = 0;

	if (!o->cgroup_view)
		return 0;
	if (view_mount(o, "tmpfs", "/sys/fs/cgroup", "mode=755,size=64k") == -1)
		return -1;
	for (int ctrl = 0; made && ctrl < CG_NCTRL; ctrl++) {
		const char *name;
		int seen = 0;

		if (!cg->v1[ctrl].made)
			continue;
		if (cgroup_v1_hierarchy((enum cgroup_ctrl)ctrl, dir, sizeof(dir), opts,
					sizeof(opts)) == -1) {
			if (errno != ENOENT)
				return -1;
			say("mounts: /sys/fs/cgroup: %s's v1 hierarchy is left out: no mount of it "
			    "at its root here (a runtime in a cgroup namespace of its own?)",
			    cgroup_ctrl_name((enum cgroup_ctrl)ctrl));
			continue;
		}
		name = strrchr(dir, '/') + 1;
		for (size_t i = 0; i < n; i++)
			seen |= strcmp(o->view_dest[i] + strlen("/sys/fs/cgroup/"), name) == 0;
		if (seen || n == sizeof(o->view_dest) / sizeof(o->view_dest[0]))
			continue;
		snprintf(o->view_dest[n], sizeof(o->view_dest[n]), "/sys/fs/cgroup/%.40s", name);
		if (view_mount(o, "cgroup", o->view_dest[n++], opts) == -1)
			return -1;
		say("mounts: /sys/fs/cgroup/%s, cgroup v1's %s hierarchy, read-only: its root is "
		    "the container's cgroup there", name, opts);
	}
	/* Hybrid: the cgroup2 beside them, where the container always has a
	 * cgroup of its own (for cgroup.kill). */
	if (made && cg->v2.made && cg->top[0] != '\0' &&
	    strncmp(cg->top, "/sys/fs/cgroup/", strlen("/sys/fs/cgroup/")) == 0 &&
	    n < sizeof(o->view_dest) / sizeof(o->view_dest[0])) {
		snprintf(o->view_dest[n], sizeof(o->view_dest[n]), "%.63s", cg->top);
		if (view_mount(o, "cgroup2", o->view_dest[n++], "") == -1)
			return -1;
	}
	if (n == 0)
		say("mounts: /sys/fs/cgroup, an empty read-only tmpfs: the container has no cgroup "
		    "of its own to show there");
	else
		say("mounts: /sys/fs/cgroup, a read-only tmpfs with %zu of the host's cgroup "
		    "hierarchies, those the container has a cgroup of its own in", n);
	return 0;
}
