/* config.c - a bundle's config.json, read into the struct ctr_config
 * that `run`'s command line fills: the OCI runtime reuses run's init,
 * its file system, its hardening, by giving them the same description.
 *
 * What is honored, and how, is in oci.h. A field nslab reads and
 * cannot honor is refused with its path in the file
 * ("linux.namespaces[2].path"), not quietly dropped: a container that is
 * not what its config says is worse than none. The fields it does not
 * read yet are listed in oci.h and docs/deeper/07-oci.md; the container
 * then gets run's default, which is the spec's default too (the masked
 * paths) or stricter.
 *
 * Read: the runtime spec's config.md and config-linux.md.
 */
#define _GNU_SOURCE
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../harden.h"
#include "fail.h"
#include "seccomp_bpf.h"

/* nsl_fail(), then -1: said here, so that the analyzer sees it too. */
#define fail_with(...) ((void)nsl_fail(__VA_ARGS__), -1)

/* The file being read: config.json, or exec's process.json. */
static const char *doc_name = "config.json";

/* A refusal: "config.json: WHERE: WHAT", errno EINVAL. -1. */
#define refuse(fmt, ...) (errno = EINVAL, (void)nsl_fail("%s: " fmt, doc_name, ##__VA_ARGS__), -1)

/* Member KEY of OBJ, of type WANT (JSON_TRUE stands for a boolean),
 * into *OUT: 1, 0 when absent (an error when REQUIRED), -1 refused. */
static int member(const struct json *obj, const char *where, const char *key,
		  enum json_type want, int required, const struct json **out)
{
	const struct json *v = json_get(obj, key);
	int is_bool = v != NULL && (v->type == JSON_TRUE || v->type == JSON_FALSE);

	*out = NULL;
	if (v == NULL || (v->type == JSON_NULL && !required)) {
		if (required)
			return refuse("%s%s%s: missing", where, *where ? "." : "", key);
		return 0;
	}
	if (want == JSON_TRUE ? !is_bool : v->type != want)
		return refuse("%s%s%s: %s, not %s", where, *where ? "." : "", key,
			      json_type_name(v->type), want == JSON_TRUE ? "a boolean" :
			      json_type_name(want));
	*out = v;
	return 1;
}

/* The strings of array A, NULL-terminated, pointing into the document:
 * at most MAX of them. */
static int strings(const struct json *a, const char *where, size_t max, char ***out)
{
	const struct json *e;
	size_t i = 0;
	char **v;

	if (a->len > max)
		return refuse("%s: %zu entries, at most %zu", where, a->len, max);
	v = calloc(a->len + 1, sizeof(*v));
	if (v == NULL)
		return fail_with("calloc(%zu)", a->len + 1);
	for (e = a->child; e != NULL; e = e->next, i++) {
		if (e->type != JSON_STRING) {
			free(v);
			return refuse("%s[%zu]: %s, not a string", where, i, json_type_name(e->type));
		}
		v[i] = (char *)e->str; /* the document's own copy, writable */
	}
	*out = v;
	return 0;
}

/* A capability set: the mask of its names. */
static int cap_set(const struct json *caps, const char *name, uint64_t *mask)
{
	const struct json *set, *e;
	size_t i = 0;
	int n, cap;

	*mask = 0;
	if ((n = member(caps, "process.capabilities", name, JSON_ARRAY, 0, &set)) <= 0)
		return n;
	for (e = set->child; e != NULL; e = e->next, i++) {
		if (e->type != JSON_STRING)
			return refuse("process.capabilities.%s[%zu]: %s, not a string", name, i,
				      json_type_name(e->type));
		cap = harden_cap_number(e->str);
		if (cap == -1)
			return refuse("process.capabilities.%s[%zu]: \"%s\" is no capability this "
				      "build knows", name, i, e->str);
		*mask |= 1ULL << cap;
	}
	return 0;
}

/* The five sets, as the spec has them. What the kernel would refuse is
 * refused here, with its place: effective beyond permitted, permitted or
 * inheritable beyond bounding (nslab's init holds bounding and no more).
 * Ambient beyond permitted and inheritable is left out. No capabilities member:
 * none at all, as the spec has it. */
static int read_caps(const struct json *p, struct oci_config *o)
{
	struct ctr_config *c = &o->c;
	const struct json *caps;
	uint64_t b, e, pm, in, a, mknod = 1ULL << CAP_MKNOD;
	int n;

	c->caps_set = 1;
	c->caps = c->caps_eff = c->caps_prm = c->caps_inh = c->caps_amb = 0;
	if ((n = member(p, "process", "capabilities", JSON_OBJECT, 0, &caps)) <= 0)
		return n;
	if (cap_set(caps, "bounding", &b) == -1 || cap_set(caps, "effective", &e) == -1 ||
	    cap_set(caps, "permitted", &pm) == -1 || cap_set(caps, "inheritable", &in) == -1 ||
	    cap_set(caps, "ambient", &a) == -1)
		return -1;
	if ((e & ~pm) != 0)
		return refuse("process.capabilities.effective: more than permitted (the kernel "
			      "refuses that)");
	if ((pm & ~b) != 0 || (in & ~b) != 0)
		return refuse("process.capabilities.%s: beyond bounding (not supported: the "
			      "command's capabilities come from within bounding)",
			      (pm & ~b) != 0 ? "permitted" : "inheritable");
	/* The kernel raises an ambient capability only when it is both
	 * permitted and inheritable; runc spec's own config lists ambient
	 * without inheritable, and runc warns and goes on. So do we. */
	if ((a & ~(pm & in)) != 0) {
		a &= pm & in;
		o->ambient_dropped = 1;
	}
	/* As root, with no user namespace, the container's root could mknod
	 * the host's disks and open them, but for a devices cgroup: create
	 * keeps CAP_MKNOD only when it has made one (oci_drop_mknod()). In a
	 * user namespace the kernel refuses device nodes anyway. */
	o->mknod_asked = ((b | in) & mknod) && !c->userns;
	c->caps = b;
	c->caps_eff = e;
	c->caps_prm = pm;
	c->caps_inh = in;
	c->caps_amb = a;
	return 0;
}

void oci_drop_mknod(struct oci_config *o)
{
	uint64_t keep = ~(1ULL << CAP_MKNOD);

	if (!o->mknod_asked)
		return;
	o->c.caps &= keep, o->c.caps_eff &= keep, o->c.caps_prm &= keep;
	o->c.caps_inh &= keep, o->c.caps_amb &= keep;
	o->mknod_dropped = 1;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static int read_rlimits(const struct json *p, struct oci_config *o)
{
	const struct json *list, *e, *v;
	struct ctr_rlimit *l;
	size_t i = 0, k;
	int n;

	if ((n = member(p, "process", "rlimits", JSON_ARRAY, 0, &list)) <= 0)
		return n;
	for (e = list->child; e != NULL; e = e->next, i++) {
		if (e->type != JSON_OBJECT)
			return refuse("process.rlimits[%zu]: %s, not an object", i,
				      json_type_name(e->type));
		if (o->c.nrlimits == sizeof(o->c.rlimits) / sizeof(o->c.rlimits[0]))
			return refuse("process.rlimits: more than one of each");
		l = &o->c.rlimits[o->c.nrlimits];
		if (member(e, "process.rlimits[]", "type", JSON_STRING, 1, &v) == -1)
			return -1;
		for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]) &&
			    strcmp(rlimit_names[k].name, v->str) != 0; k++)
			;
		if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return refuse("process.rlimits[%zu].type: \"%s\" is not a limit", i, v->str);
		for (size_t j = 0; j < o->c.nrlimits; j++)
			if (o->c.rlimits[j].resource == rlimit_names[k].resource)
				return refuse("process.rlimits[%zu]: %s twice", i, v->str);
		l->resource = rlimit_names[k].resource;
		if (member(e, "process.rlimits[]", "soft", JSON_NUMBER, 1, &v) == -1 ||
		    json_uint(v, UINT64_MAX, &l->soft) == -1 ||
		    member(e, "process.rlimits[]", "hard", JSON_NUMBER, 1, &v) == -1 ||
		    json_uint(v, UINT64_MAX, &l->hard) == -1)
			return v != NULL ?
				       refuse("process.rlimits[%zu]: %s is not a limit", i, v->str) : -1;
		if (l->soft > l->hard)
			return refuse("process.rlimits[%zu]: soft %llu above hard %llu", i, l->soft,
				      l->hard);
		o->c.nrlimits++;
	}
	return 0;
}

static int read_process(const struct json *p, struct oci_config *o)
{
	struct ctr_config *c = &o->c;
	const struct json *v, *user;
	unsigned long long id;
	char **env = NULL;
	int n;

	if (member(p, "process", "args", JSON_ARRAY, 1, &v) == -1 ||
	    strings(v, "process.args", SIZE_MAX / sizeof(char *) - 1, &o->args) == -1)
		return -1;
	if (o->args[0] == NULL)
		return refuse("process.args: empty: the command to run is its first entry");
	c->cmd = o->args;
	if ((n = member(p, "process", "env", JSON_ARRAY, 0, &v)) == -1 ||
	    (n == 1 && strings(v, "process.env", CTR_MAX_ENV, &env) == -1))
		return -1;
	for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
		if (strchr(env[i], '=') == NULL || env[i][0] == '=') {
			(void)refuse("process.env[%zu]: \"%s\" is not KEY=VALUE", i, env[i]);
			free(env);
			return -1;
		}
		c->env[c->nenv++] = env[i];
	}
	free(env);
	if (member(p, "process", "cwd", JSON_STRING, 1, &v) == -1)
		return -1;
	if (v->str[0] != '/')
		return refuse("process.cwd: \"%s\" is not absolute", v->str);
	c->workdir = v->str;
	if ((n = member(p, "process", "terminal", JSON_TRUE, 0, &v)) == -1)
		return -1;
	o->terminal = n == 1 && v->type == JSON_TRUE;
	c->tty = o->terminal;
	if ((n = member(p, "process", "consoleSize", JSON_OBJECT, 0, &user)) == -1)
		return -1;
	if (n == 1) {
		unsigned long long rows, cols;

		if (member(user, "process.consoleSize", "height", JSON_NUMBER, 1, &v) == -1 ||
		    json_uint(v, 65535, &rows) == -1 ||
		    member(user, "process.consoleSize", "width", JSON_NUMBER, 1, &v) == -1 ||
		    json_uint(v, 65535, &cols) == -1)
			return v != NULL ? refuse("process.consoleSize: %s is not a size", v->str) : -1;
		o->rows = (unsigned short)rows;
		o->cols = (unsigned short)cols;
	}
	if ((n = member(p, "process", "user", JSON_OBJECT, 0, &user)) == -1)
		return -1;
	if (n == 1) {
		if (member(user, "process.user", "uid", JSON_NUMBER, 1, &v) == -1)
			return -1;
		if (json_uint(v, UINT32_MAX - 1, &id) == -1)
			return refuse("process.user.uid: %s is not a uid", v->str);
		c->uid = (uid_t)id;
		if (member(user, "process.user", "gid", JSON_NUMBER, 1, &v) == -1)
			return -1;
		if (json_uint(v, UINT32_MAX - 1, &id) == -1)
			return refuse("process.user.gid: %s is not a gid", v->str);
		c->gid = (gid_t)id;
		if ((n = member(user, "process.user", "additionalGids", JSON_ARRAY, 0, &v)) == -1)
			return -1;
		if (n == 1 && v->len > CTR_MAX_GROUPS)
			return refuse("process.user.additionalGids: %zu groups, at most %d", v->len,
				      CTR_MAX_GROUPS);
		for (v = n == 1 ? v->child : NULL; v != NULL; v = v->next) {
			if (json_uint(v, UINT32_MAX - 1, &id) == -1)
				return refuse("process.user.additionalGids[%zu]: %s is not a gid",
					      c->ngroups, v->type == JSON_NUMBER ? v->str :
					      json_type_name(v->type));
			c->groups[c->ngroups++] = (gid_t)id;
		}
		if (c->ngroups > 0 && c->userns && getuid() != 0)
			return refuse("process.user.additionalGids: not supported without root "
				      "(a user namespace whose maps an unprivileged runtime writes "
				      "denies setgroups(2))");
		if ((n = member(user, "process.user", "umask", JSON_NUMBER, 0, &v)) == -1)
			return -1;
		if (n == 1) {
			if (json_uint(v, 0777, &id) == -1)
				return refuse("process.user.umask: %s is not a mode from 0 to 0777",
					      v->str);
			c->umask = (mode_t)id;
			c->umask_set = 1;
		}
	}
	if ((n = member(p, "process", "oomScoreAdj", JSON_NUMBER, 0, &v)) == -1)
		return -1;
	if (n == 1) {
		long long adj;

		if (json_int(v, -1000, 1000, &adj) == -1)
			return refuse("process.oomScoreAdj: %s is not an integer from -1000 to 1000",
				      v->str);
		c->oom_score_adj = (int)adj;
		c->oom_set = 1;
	}
	/* Absent: false, as the spec has it. */
	if ((n = member(p, "process", "noNewPrivileges", JSON_TRUE, 0, &v)) == -1)
		return -1;
	c->nnp_off = n == 0 || v->type == JSON_FALSE;
	return read_caps(p, o) == -1 || read_rlimits(p, o) == -1 ? -1 : 0;
}

/* root.path, relative to the bundle or absolute, resolved. */
static int read_root(const struct json *cfg, const char *bundle, struct oci_config *o)
{
	const struct json *root, *v;
	char path[PATH_MAX];
	struct stat st;
	int n;

	if (member(cfg, "", "root", JSON_OBJECT, 1, &root) == -1 ||
	    member(root, "root", "path", JSON_STRING, 1, &v) == -1)
		return -1;
	if (snprintf(path, sizeof(path), "%s%s%s", v->str[0] == '/' ? "" : bundle,
		     v->str[0] == '/' ? "" : "/", v->str) >= (int)sizeof(path))
		return refuse("root.path: too long");
	if (realpath(path, o->c.rootfs) == NULL || stat(o->c.rootfs, &st) == -1)
		return fail_with("realpath(\"%s\") (root.path)", path);
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return fail_with("root.path \"%s\"", o->c.rootfs);
	}
	if ((n = member(root, "root", "readonly", JSON_TRUE, 0, &v)) == -1)
		return -1;
	o->c.root_ro = n == 1 && v->type == JSON_TRUE;
	return 0;
}

/* The mounts nslab makes in every container, as the runtime spec's
 * default config asks for them, and the one it makes only where the
 * host's cgroups are cgroup2 alone (cgroup_here()). */
static const char *const made[] = { "/proc", "/dev", "/dev/pts", "/dev/shm", "/sys" };
static const char *const not_yet[] = { "/sys/fs/cgroup" };

/* A "cgroup" mount at /sys/fs/cgroup: where the host's is cgroup2 alone,
 * a cgroup2 of the container's own, which shows its cgroup namespace
 * (the init unshares it first): its own cgroup as the root. Read-only,
 * whatever the options say: a command that could write its cgroup's
 * files could lift its own limits. On a v1 or hybrid host, as root: a
 * read-only tmpfs with the hierarchies the container has cgroups in
 * (oci_cgroup_view()); in a user namespace, where no v1 hierarchy may be
 * mounted, none (create --debug says so). */
static int is_cgroup(const struct json *m)
{
	const struct json *t = json_get(m, "type");

	return t != NULL && t->type == JSON_STRING && strcmp(t->str, "cgroup") == 0;
}

static int cgroup_here(const struct json *m)
{
	struct statfs st;

	return is_cgroup(m) && statfs("/sys/fs/cgroup", &st) == 0 &&
	       st.f_type == CGROUP2_SUPER_MAGIC;
}

static int listed(const char *path, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(path, list[i]) == 0)
			return 1;
	return 0;
}

/* A mount's flags, by their names in config.json's options (a bind
 * mount's, a new tmpfs's or mqueue's). */
static const struct {
	const char *name;
	unsigned long flag, clear;   /* a later option wins, as in mount(8) */
} tmpfs_flags[] = {
	{ "nosuid", MS_NOSUID, 0 }, { "nodev", MS_NODEV, 0 }, { "noexec", MS_NOEXEC, 0 },
	{ "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY },
	{ "strictatime", MS_STRICTATIME, MS_RELATIME | MS_NOATIME },
	{ "relatime", MS_RELATIME, MS_STRICTATIME | MS_NOATIME },
	{ "noatime", MS_NOATIME, MS_STRICTATIME | MS_RELATIME },
	{ "nodiratime", MS_NODIRATIME, 0 }, { "suid", 0, MS_NOSUID }, { "dev", 0, MS_NODEV },
	{ "exec", 0, MS_NOEXEC },
};
/* A new tmpfs's or mqueue's options: the flags the table above knows,
 * and for a tmpfs the rest ("mode=", "size=", "nr_inodes=", "uid=",
 * "gid=") passed on as its data. */
static const char *const tmpfs_data[] = { "mode=", "size=", "nr_inodes=", "uid=", "gid=" };

/* Whether OPT is one of a tmpfs's data options. */
static int data_option(const char *opt)
{
	for (size_t j = 0; j < sizeof(tmpfs_data) / sizeof(tmpfs_data[0]); j++)
		if (strncmp(opt, tmpfs_data[j], strlen(tmpfs_data[j])) == 0)
			return 1;
	return 0;
}

/* The entry of the mount at DEST in config's attr[] (fs.h), the last
 * one if it is that mount's, else a new one: room for one a mount. */
static struct fs_attr *attr_of(const char *dest, struct oci_config *o)
{
	struct fs_attr *a;

	if (o->c.nattr > 0 && strcmp(o->c.attr[o->c.nattr - 1].dest, dest) == 0)
		return &o->c.attr[o->c.nattr - 1];
	a = &o->c.attr[o->c.nattr++];
	memset(a, 0, sizeof(*a));
	a->dest = dest;
	return a;
}

/* A propagation's name ("rslave") as mount(2)'s flags; 0: not one. */
static unsigned long propagation(const char *name)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} names[] = {
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
		{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].flags;
	return 0;
}

/* A propagation option of the mount at DEST: recorded (the last one
 * wins, as in mount(8)), 1; or 0 when OPT is none. */
static int read_propagation(const char *opt, const char *dest, struct oci_config *o)
{
	unsigned long flags = propagation(opt);

	if (flags != 0)
		attr_of(dest, o)->prop = flags;
	return flags != 0;
}

/* linux.rootfsPropagation: the root's own, set once it is / (fs.h's
 * fs_root_propagation()). */
static int read_root_propagation(const struct json *lx, struct oci_config *o)
{
	const struct json *v;
	int n;

	if ((n = member(lx, "linux", "rootfsPropagation", JSON_STRING, 0, &v)) <= 0)
		return n;
	o->c.root_prop = propagation(v->str);
	if (o->c.root_prop == 0)
		return refuse("linux.rootfsPropagation: \"%s\" is not a propagation (shared, "
			      "slave, private, unbindable, or their r forms)", v->str);
	return 0;
}

/* A bind mount is a volume: SOURCE (relative to the bundle, or
 * absolute) at DESTINATION, read-only with "ro". */
static int read_bind(const struct json *m, size_t i, const char *bundle, const char *dest,
		     struct oci_config *o)
{
	struct mnt_volume *vol = &o->c.vol[o->c.nvol];
	const struct json *v, *opt;
	struct fs_attr *a = NULL;
	char path[PATH_MAX];
	size_t j;

	if (o->c.nvol == CTR_MAX_VOLUMES)
		return refuse("mounts: more than %d bind mounts", CTR_MAX_VOLUMES);
	if (member(m, "mounts[]", "source", JSON_STRING, 1, &v) == -1)
		return -1;
	if (snprintf(path, sizeof(path), "%s%s%s", v->str[0] == '/' ? "" : bundle,
		     v->str[0] == '/' ? "" : "/", v->str) >= (int)sizeof(path))
		return refuse("mounts[%zu].source: too long", i);
	if (realpath(path, vol->host) == NULL)
		return fail_with("realpath(\"%s\") (mounts[%zu].source)", path, i);
	snprintf(vol->ctr, sizeof(vol->ctr), "%s", dest);
	vol->readonly = 0;
	if (member(m, "mounts[]", "options", JSON_ARRAY, 0, &opt) == -1)
		return -1;
	for (v = opt != NULL ? opt->child : NULL; v != NULL; v = v->next) {
		if (v->type != JSON_STRING)
			return refuse("mounts[%zu].options: %s, not a string", i,
				      json_type_name(v->type));
		for (j = 0; j < sizeof(tmpfs_flags) / sizeof(tmpfs_flags[0]); j++)
			if (strcmp(v->str, tmpfs_flags[j].name) == 0)
				break;
		if (strcmp(v->str, "ro") == 0 || strcmp(v->str, "rw") == 0) {
			vol->readonly = v->str[1] == 'o'; /* the volume's own remount */
		} else if (j < sizeof(tmpfs_flags) / sizeof(tmpfs_flags[0])) {
			a = attr_of(vol->ctr, o);
			a->set = (a->set & ~tmpfs_flags[j].clear) | tmpfs_flags[j].flag;
			a->clear = (a->clear & ~tmpfs_flags[j].flag) | tmpfs_flags[j].clear;
		} else if (data_option(v->str)) {
			continue; /* mount(2) ignores a bind's data, as runc's do */
		} else if (strcmp(v->str, "bind") != 0 && strcmp(v->str, "rbind") != 0 &&
			   !read_propagation(v->str, vol->ctr, o)) {
			return refuse("mounts[%zu].options: \"%s\" on a bind mount: not supported "
				      "yet (bind, rbind, ro, rw, nosuid, nodev, noexec, their "
				      "opposites, the atime flags, and the propagations shared, "
				      "slave, private, unbindable and their r forms are)", i, v->str);
		}
	}
	/* A remount for the flags sets them all: read-only too, if asked. */
	if (a != NULL && (a->set | a->clear) != 0 && vol->readonly)
		a->set |= MS_RDONLY;
	o->c.nvol++;
	return 0;
}

static int read_newfs(const struct json *m, size_t i, const char *type, const char *dest,
		      struct oci_config *o)
{
	struct fs_newfs *t = &o->c.newfs[o->c.nnewfs];
	const struct json *opts, *v;
	size_t k, used = 0;
	int n;

	if (o->c.nnewfs == CTR_MAX_NEWFS)
		return refuse("mounts[%zu]: more than %d tmpfs and mqueue mounts", i,
			      CTR_MAX_NEWFS);
	memset(t, 0, sizeof(*t));
	t->type = strcmp(type, "tmpfs") == 0 ? "tmpfs" : strcmp(type, "cgroup2") == 0 ? "cgroup2" :
		  "mqueue";
	t->dest = dest;
	if ((n = member(m, "mounts[]", "options", JSON_ARRAY, 0, &opts)) == -1)
		return -1;
	for (v = n == 1 ? opts->child : NULL, k = 0; v != NULL; v = v->next, k++) {
		size_t j, len;

		if (v->type != JSON_STRING)
			return refuse("mounts[%zu].options[%zu]: %s, not a string", i, k,
				      json_type_name(v->type));
		for (j = 0; j < sizeof(tmpfs_flags) / sizeof(tmpfs_flags[0]); j++)
			if (strcmp(v->str, tmpfs_flags[j].name) == 0)
				break;
		if (j < sizeof(tmpfs_flags) / sizeof(tmpfs_flags[0])) {
			t->flags = (t->flags & ~tmpfs_flags[j].clear) | tmpfs_flags[j].flag;
			continue;
		}
		if (read_propagation(v->str, dest, o))
			continue;
		for (j = 0; j < sizeof(tmpfs_data) / sizeof(tmpfs_data[0]); j++)
			if (strncmp(v->str, tmpfs_data[j], strlen(tmpfs_data[j])) == 0)
				break;
		len = strlen(v->str);
		if (j == sizeof(tmpfs_data) / sizeof(tmpfs_data[0]) || strchr(v->str, ',') != NULL ||
		    strcmp(t->type, "tmpfs") != 0)
			return refuse("mounts[%zu].options[%zu]: \"%s\": not a %s option nslab "
				      "knows", i, k, v->str, t->type);
		if (used + len + 2 > sizeof(t->data))
			return refuse("mounts[%zu].options: too long", i);
		used += (size_t)snprintf(t->data + used, sizeof(t->data) - used, "%s%s",
					 used ? "," : "", v->str);
	}
	o->c.nnewfs++;
	return 0;
}

static int read_mounts(const struct json *cfg, const char *bundle, struct oci_config *o)
{
	const struct json *mounts, *m, *v;
	size_t i = 0;
	int n;

	if ((n = member(cfg, "", "mounts", JSON_ARRAY, 0, &mounts)) <= 0)
		return n;
	for (m = mounts->child; m != NULL; m = m->next, i++) {
		const struct json *t;
		const char *type;

		if (m->type != JSON_OBJECT)
			return refuse("mounts[%zu]: %s, not an object", i, json_type_name(m->type));
		if (member(m, "mounts[]", "destination", JSON_STRING, 1, &v) == -1)
			return -1;
		if (v->str[0] != '/')
			return refuse("mounts[%zu].destination: \"%s\" is not absolute", i, v->str);
		if (listed(v->str, made, sizeof(made) / sizeof(made[0])))
			continue;
		if (listed(v->str, not_yet, sizeof(not_yet) / sizeof(not_yet[0])) &&
		    cgroup_here(m)) {
			if (read_newfs(m, i, "cgroup2", v->str, o) == -1)
				return -1;
			o->c.newfs[o->c.nnewfs - 1].flags |= MS_RDONLY;
			continue;
		}
		if (listed(v->str, not_yet, sizeof(not_yet) / sizeof(not_yet[0])) &&
		    is_cgroup(m) && !o->c.userns && oci_in_host_userns()) {
			o->cgroup_view = 1; /* oci_cgroup_view(), once the cgroups exist */
			continue;
		}
		if (listed(v->str, not_yet, sizeof(not_yet) / sizeof(not_yet[0]))) {
			if (o->nskipped < sizeof(o->skipped) / sizeof(o->skipped[0]))
				o->skipped[o->nskipped++] = v->str; /* named by create */
			continue;
		}
		if ((n = member(m, "mounts[]", "type", JSON_STRING, 0, &t)) == -1)
			return -1;
		type = n == 1 ? t->str : "bind";
		if (strcmp(type, "tmpfs") == 0 || strcmp(type, "mqueue") == 0) {
			if (read_newfs(m, i, type, v->str, o) == -1)
				return -1;
			continue;
		}
		if (strcmp(type, "bind") != 0 && strcmp(type, "none") != 0)
			return refuse("mounts[%zu]: a %s at %s: not supported yet (bind, tmpfs and "
				      "mqueue mounts are, and nslab makes /proc, /dev, /dev/pts, "
				      "/dev/shm and /sys itself)", i, type, v->str);
		if (read_bind(m, i, bundle, v->str, o) == -1)
			return -1;
	}
	return 0;
}

/* linux.namespaces[I].path, of a namespace of TYPE: the namespace to
 * join instead of a new one (a /proc/PID/ns/TYPE file, or a bind mount
 * of one, as `ip netns` makes). The container then changes it as it
 * would its own: it sets its hostname, mounts its /dev/mqueue, and in
 * a mount namespace makes every mount private and pivots the root of
 * every process there. So the namespaces this runtime runs in (the
 * host's, most of the time) are refused: the host would be changed.
 * A user namespace's path is create's to join (oci.c's clone_init()),
 * with the maps it has. */
static int read_ns_path(const struct json *e, size_t i, const char *type, struct oci_config *o)
{
	static const char *const names[][2] = {
		{ "pid", "pid" }, { "network", "net" }, { "mount", "mnt" },
		{ "ipc", "ipc" }, { "uts", "uts" }, { "cgroup", "cgroup" }, { "user", "user" },
	};
	const struct json *p;
	int n;

	if ((n = member(e, "linux.namespaces[]", "path", JSON_STRING, 0, &p)) <= 0)
		return n;
	if (p->str[0] != '/')
		return refuse("linux.namespaces[%zu].path: \"%s\" is not absolute", i, p->str);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		char own[64];
		struct stat a, b;

		if (strcmp(type, names[k][0]) != 0)
			continue;
		snprintf(own, sizeof(own), "/proc/self/ns/%s", names[k][1]);
		if (stat(p->str, &a) == -1)
			return refuse("linux.namespaces[%zu].path: \"%s\": %s", i, p->str,
				      strerror(errno));
		if (stat(own, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return refuse("linux.namespaces[%zu].path: \"%s\" is the %s namespace this "
				      "runtime runs in: the container would change it", i, p->str, type);
		if (strcmp(type, "user") == 0)
			o->userns_path = p->str;
		else
			o->c.ns_path[join_type_index(names[k][1])] = p->str;
		return 0;
	}
	return refuse("linux.namespaces[%zu].path: joining a %s namespace: not supported", i,
		      type);
}

/* linux.namespaces: nslab's init always has its own PID, mount, UTS,
 * IPC and cgroup namespaces, or joins the ones given by path; the
 * network one when asked for (else the host's network); the user one
 * when asked for. */
static int read_namespaces(const struct json *lx, struct oci_config *o)
{
	static const char *const always[] = { "pid", "mount", "uts", "ipc" };
	const struct json *ns, *e, *v;
	int seen[4] = { 0 }, net = 0;
	size_t i = 0;

	if (member(lx, "linux", "namespaces", JSON_ARRAY, 1, &ns) == -1)
		return -1;
	for (e = ns->child; e != NULL; e = e->next, i++) {
		size_t k;

		if (e->type != JSON_OBJECT)
			return refuse("linux.namespaces[%zu]: %s, not an object", i,
				      json_type_name(e->type));
		if (member(e, "linux.namespaces[]", "type", JSON_STRING, 1, &v) == -1 ||
		    read_ns_path(e, i, v->str, o) == -1)
			return -1;
		for (k = 0; k < 4 && strcmp(v->str, always[k]) != 0; k++)
			;
		if (k < 4)
			seen[k] = 1;
		else if (strcmp(v->str, "network") == 0)
			net = 1;
		else if (strcmp(v->str, "user") == 0)
			o->c.userns = 1;
		else if (strcmp(v->str, "cgroup") != 0)
			return refuse("linux.namespaces[%zu].type: \"%s\": not a namespace nslab "
				      "knows (pid, network, mount, ipc, uts, user, cgroup)", i, v->str);
	}
	for (size_t k = 0; k < 4; k++)
		if (!seen[k])
			return refuse("linux.namespaces: no \"%s\": nslab always gives a container "
				      "its own, or joins one by path", always[k]);
	for (size_t k = 0; o->c.userns && o->userns_path == NULL && k < JOIN_NTYPES; k++)
		if (o->c.ns_path[k] != NULL)
			return refuse("linux.namespaces: a %s path with a new user namespace: the "
				      "init, in a user namespace of its own, may not join it (give the "
				      "user namespace's path too)", join_types[k].name);
	/* A network namespace joined is not set up: it is someone's. */
	o->c.net = net && o->c.ns_path[join_type_index("net")] == NULL ? CTR_NET_NONE :
									 CTR_NET_HOST;
	if (getuid() != 0 && !o->c.userns)
		return refuse("linux.namespaces: no \"user\": without root, a container needs "
			      "a user namespace (runc spec --rootless makes one)");
	return 0;
}

/* linux.uidMappings or gidMappings (NAME), for the container's user
 * namespace. Absent: run's map (ctr_write_maps(): rootless, the caller's
 * id SELF to 0, alone; as root, 0-65535 to 100000-165535), whose 0 is
 * *ROOT outside. Given: as root, any map the kernel takes (05's checks:
 * no two lines overlap, at most 340), as long as 0 inside is mapped:
 * the init builds the container as root there; rootless, SELF to 0, the
 * one map an unprivileged process may write itself, or a wider one that
 * newuidmap and newgidmap write (*HELPERS 1), if /etc/subuid and subgid
 * grant it. Its text into BUF (LEN bytes), its lines into M, *SET 1. */
static int read_map(const struct json *lx, const char *name, uint32_t self, char *buf,
		    size_t len, uint32_t *root, int *set, struct userns_map *m, int *helpers)
{
	static const char *const keys[] = { "containerID", "hostID", "size" };
	const struct json *maps, *e;
	const char *why = NULL;
	size_t i = 0;
	int n;

	*root = getuid() == 0 ? 100000 : self;
	if ((n = member(lx, "linux", name, JSON_ARRAY, 0, &maps)) <= 0)
		return n;
	memset(m, 0, sizeof(*m));
	for (e = maps->child; e != NULL; e = e->next, i++) {
		unsigned long long v[3];
		struct userns_extent x;

		if (e->type != JSON_OBJECT)
			return refuse("linux.%s[%zu]: %s, not an object", name, i,
				      json_type_name(e->type));
		for (size_t k = 0; k < 3; k++)
			if (json_uint(json_get(e, keys[k]), UINT32_MAX, &v[k]) == -1)
				return refuse("linux.%s[%zu].%s: an id from 0 to %u is needed", name,
					      i, keys[k], UINT32_MAX);
		if (v[2] == 0 || v[0] + v[2] - 1 > USERNS_ID_LAST || v[1] + v[2] - 1 > USERNS_ID_LAST)
			return refuse("linux.%s[%zu]: %llu ids from %llu (%llu outside): none, or "
				      "past the last id, %u", name, i, v[2], v[0], v[1], USERNS_ID_LAST);
		x = (struct userns_extent){ .inside = (uint32_t)v[0], .outside = (uint32_t)v[1],
					    .count = (uint32_t)v[2] };
		if (userns_add_extent(m, &x, &why) == -1)
			return refuse("linux.%s[%zu]: %s", name, i, why != NULL ? why : strerror(errno));
	}
	if (userns_to_outside(m, 0, root) == -1)
		return refuse("linux.%s: 0 inside is not mapped: nslab's init builds the container "
			      "as root of its user namespace", name);
	if (getuid() != 0 && (!userns_is_self_map(m, self) || m->e[0].inside != 0)) {
		/* newuidmap checks it against /etc/subuid. Our own id must be
		 * in it: the exec fifo, ours, is the init's to open. */
		size_t k;

		for (k = 0; k < m->n && (self < m->e[k].outside ||
					 self - m->e[k].outside >= m->e[k].count); k++)
			;
		if (k == m->n)
			return refuse("linux.%s: without root, your own id, %u, must be mapped "
				      "(runc spec --rootless maps it to 0)", name, (unsigned)self);
		*helpers = 1;
	}
	if (userns_format_map(m, buf, len) == -1)
		return refuse("linux.%s: longer than a map may be", name);
	*set = 1;
	return 0;
}

/* linux.maskedPaths or linux.readonlyPaths (NAME), when given, in place
 * of the runtime spec's defaults that run uses: absolute paths, kept
 * relative to the rootfs (each is resolved beneath it when it is used). */
static int read_paths(const struct json *lx, const char *name, const char **list, size_t *n,
		      int *set)
{
	const struct json *a, *v;
	int got;

	if ((got = member(lx, "linux", name, JSON_ARRAY, 0, &a)) <= 0)
		return got;
	for (v = a->child; v != NULL; v = v->next) {
		if (v->type != JSON_STRING)
			return refuse("linux.%s[%zu]: %s, not a string", name, *n,
				      json_type_name(v->type));
		if (v->str[0] != '/' || v->str[1] == '\0')
			return refuse("linux.%s[%zu]: \"%s\" is not an absolute path below /", name,
				      *n, v->str);
		if (*n == CTR_MAX_PATHS)
			return refuse("linux.%s: more than %d paths", name, CTR_MAX_PATHS);
		list[(*n)++] = v->str + 1;
	}
	*set = 1;
	return 0;
}

/* The sysctls of each namespace, by name or by the start of their names
 * (ending in '.'), as runc allows them: a container may set only what
 * is its own. */
static const struct {
	const char *name;
	const char *ns;
} sysctl_ns[] = {
	{ "kernel.msgmax", "ipc" }, { "kernel.msgmnb", "ipc" }, { "kernel.msgmni", "ipc" },
	{ "kernel.sem", "ipc" }, { "kernel.shmall", "ipc" }, { "kernel.shmmax", "ipc" },
	{ "kernel.shmmni", "ipc" }, { "kernel.shm_rmid_forced", "ipc" }, { "fs.mqueue.", "ipc" },
	{ "kernel.hostname", "uts" }, { "kernel.domainname", "uts" }, { "net.", "network" },
};

/* linux.sysctl: an object of strings, each name a sysctl of a namespace
 * the container has of its own (oci_kernel.c writes them). After
 * read_namespaces(): a net.* one needs a network namespace. */
static int read_sysctl(const struct json *lx, struct oci_config *o)
{
	const struct json *obj, *v;
	int n;

	if ((n = member(lx, "linux", "sysctl", JSON_OBJECT, 0, &obj)) <= 0)
		return n;
	if (obj->len > CTR_MAX_SYSCTL)
		return refuse("linux.sysctl: %zu entries, at most %d", obj->len, CTR_MAX_SYSCTL);
	for (v = obj->child; v != NULL; v = v->next) {
		const char *k = v->key, *ns = NULL;
		size_t i, len = strlen(k);

		if (v->type != JSON_STRING)
			return refuse("linux.sysctl.%s: %s, not a string", k, json_type_name(v->type));
		if (len == 0 || len > 200 || k[strspn(k, "abcdefghijklmnopqrstuvwxyz"
						  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")] != '\0' ||
		    k[0] == '.' || k[len - 1] == '.' || strstr(k, "..") != NULL)
			return refuse("linux.sysctl: \"%s\" is not a sysctl's name (names of letters, "
				      "digits, '_' and '-', between dots: \"kernel.shmmax\")", k);
		for (i = 0; i < sizeof(sysctl_ns) / sizeof(sysctl_ns[0]) && ns == NULL; i++) {
			size_t l = strlen(sysctl_ns[i].name);

			if (sysctl_ns[i].name[l - 1] == '.' ? strncmp(k, sysctl_ns[i].name, l) == 0 :
							      strcmp(k, sysctl_ns[i].name) == 0)
				ns = sysctl_ns[i].ns;
		}
		if (ns == NULL)
			return refuse("linux.sysctl: \"%s\" belongs to no namespace: it would change "
				      "the host (a container may set only kernel.msg*, kernel.sem, "
				      "kernel.shm*, fs.mqueue.*, kernel.hostname, kernel.domainname, "
				      "and net.* with a network namespace)", k);
		if (strcmp(ns, "network") == 0 && o->c.net == CTR_NET_HOST &&
		    o->c.ns_path[join_type_index("net")] == NULL)
			return refuse("linux.sysctl: \"%s\" is the network namespace's, and the "
				      "container has the host's (add {\"type\": \"network\"} to "
				      "linux.namespaces)", k);
		o->c.sysctl[o->c.nsysctl].key = k;
		o->c.sysctl[o->c.nsysctl++].value = v->str;
	}
	return 0;
}

/* linux.seccomp, compiled (seccomp_bpf.c) to replace run's filter;
 * absent or null: run's filter. */
static int read_seccomp(const struct json *lx, struct oci_config *o)
{
	const struct json *sc = json_get(lx, "seccomp");

	if (sc == NULL || sc->type == JSON_NULL)
		return 0;
	if (oci_seccomp_compile(sc, &o->filter) == -1)
		return -1;
	o->c.seccomp = &o->filter;
	return 0;
}

/* linux.cgroupsPath: a path of names, absolute or relative, with no "."
 * or ".." to climb out of where it is put; or systemd's
 * "slice:prefix:name", which oci_cgroup.c maps. */
static int read_cgroups_path(const struct json *lx, struct oci_config *o)
{
	const struct json *v;
	const char *p;
	int n;

	if ((n = member(lx, "linux", "cgroupsPath", JSON_STRING, 0, &v)) <= 0 || v->str[0] == '\0')
		return n == -1 ? -1 : 0;
	if (strlen(v->str) > 1024)
		return refuse("linux.cgroupsPath: longer than 1024 bytes");
	for (p = v->str + (v->str[0] == '/');; p++) {
		size_t len = strcspn(p, "/");

		if (len == 0)
			return refuse("linux.cgroupsPath \"%s\": an empty name in it", v->str);
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return refuse("linux.cgroupsPath \"%s\": no \".\" or \"..\" in it", v->str);
		p += len;
		if (*p == '\0')
			break;
	}
	o->cgroups_path = v->str;
	return 0;
}

/* Member KEY of resources' SEC (NAME), an integer in MIN..MAX, into *OUT;
 * 0 when absent or null. */
static int res_int(const struct json *sec, const char *name, const char *key, long long min,
		   long long max, long long *out)
{
	const struct json *v = json_get(sec, key);

	*out = 0;
	if (v == NULL || v->type == JSON_NULL)
		return 0;
	if (json_int(v, min, max, out) == -1)
		return refuse("linux.resources.%s.%s: an integer from %lld to %lld", name, key,
			      min, max);
	return 0;
}

/* What resources' section SEC holds besides the members in KNOWN, named
 * in o->res_skipped ("memory.swappiness"): asked for, not applied. */
static void res_skip(const struct json *sec, const char *name, const char *const *known,
		     struct oci_config *o)
{
	static char names[8][48];

	for (const struct json *m = sec->child; m != NULL; m = m->next) {
		int k = 0;

		while (known[k] != NULL && strcmp(known[k], m->key) != 0)
			k++;
		if (known[k] != NULL || m->type == JSON_NULL || o->nres_skipped == 8)
			continue;
		snprintf(names[o->nres_skipped], sizeof(names[0]), "%s%s%.32s", name,
			 name[0] != '\0' ? "." : "", m->key);
		o->res_skipped[o->nres_skipped] = names[o->nres_skipped];
		o->nres_skipped++;
	}
}

/* A device's major or minor (or a node's uid or gid), KEY of E
 * (WHERE[I]): 0 to MAX into *OUT; -1 (any) when absent or null and ANY,
 * else an error. The kernel's numbers are 12 bits (major) and 20 bits
 * (minor); an id stops short of (uid_t)-1, chown's "unchanged". */
static int dev_number(const struct json *e, const char *where, size_t i, const char *key,
		      int any, long long max, long long *out)
{
	const struct json *v = json_get(e, key);

	*out = -1;
	if ((v == NULL || v->type == JSON_NULL) && any)
		return 0;
	if (v == NULL)
		return refuse("%s[%zu].%s: missing", where, i, key);
	if (json_int(v, 0, max, out) == -1)
		return refuse("%s[%zu].%s: an integer from 0 to %lld", where, i, key, max);
	return 0;
}
#define MAJOR_MAX 4095LL
#define MINOR_MAX 1048575LL
#define ID_MAX (UINT32_MAX - 1LL)

/* Whether R, rule J of the rules as applied (RULES, N), means the same
 * on cgroup v1 as in v2's program. v2: the last rule that holds
 * decides. v1 keeps a default and a list of exceptions to it: a rule
 * that agrees with the default (a deny after "deny every device")
 * removes from that list only an exception of exactly its type, major
 * and minor. So a rule of the default's sense that overlaps an earlier,
 * opposite one without being that very device (a deny of c 10:229
 * after an allow of c *:*) would leave the earlier one standing on v1:
 * refused, as runc refuses to "punch a hole" in a wildcard there. 0,
 * or the index of the earlier rule it clashes with, plus one. */
static size_t dev_clash(const struct oci_dev_rule *rules, size_t n, size_t j)
{
	const struct oci_dev_rule *r = &rules[j];
	size_t start = 0;

	for (size_t i = 0; i < n; i++)
		if (rules[i].type == 'a')
			start = i; /* the default from here on */
	if (r->type == 'a' || j <= start || r->allow != rules[start].allow)
		return 0;
	for (size_t i = start + 1; i < j; i++) {
		const struct oci_dev_rule *e = &rules[i];

		if (e->allow == r->allow || e->type != r->type)
			continue;
		if ((e->major == -1 || r->major == -1 || e->major == r->major) &&
		    (e->minor == -1 || r->minor == -1 || e->minor == r->minor) &&
		    (e->major != r->major || e->minor != r->minor))
			return i + 1;
	}
	return 0;
}

/* Every rule of O's, as applied (the defaults around them), means the
 * same on v1 as on v2 (dev_clash()), or the first that does not is
 * refused, with the one it clashes with. */
static int dev_rules_agree(const struct oci_config *o)
{
	static struct oci_dev_rule rules[OCI_DEV_RULES_MAX];
	size_t n = oci_dev_rules(o, rules), k;

	for (size_t j = 0; j < n; j++) {
		if ((k = dev_clash(rules, n, j)) == 0)
			continue;
		/* rules[0] is nslab's "deny every device"; the config's follow,
		 * then the defaults. */
		if (j <= o->ndev_rules)
			return refuse("linux.resources.devices[%zu]: a %s that overlaps the %s of "
				      "[%zu] without being the same device: cgroup v1 would keep "
				      "the %s (runc refuses it too)", j - 1,
				      rules[j].allow ? "allow" : "deny", rules[k - 1].allow ?
				      "allow" : "deny", k - 2, rules[k - 1].allow ? "allow" : "deny");
		return refuse("linux.resources.devices[%zu]: its %s overlaps the devices every "
			      "container is allowed (null, ptys, mknod...) without being one of "
			      "them: cgroup v1 would keep it", k - 2,
			      rules[k - 1].allow ? "allow" : "deny");
	}
	return 0;
}

/* linux.resources.devices: the devices cgroup's rules, in order. A rule
 * of type "a" (the default) stands for every device, and so must name
 * no number and all of "rwm": a narrower one means one thing on cgroup
 * v1 (every device) and another in v2's program. */
static int read_dev_rules(const struct json *res, struct oci_config *o)
{
	static const char *const where = "linux.resources.devices";
	const struct json *list, *e, *v;
	size_t i = 0;
	int n;

	if ((n = member(res, "linux.resources", "devices", JSON_ARRAY, 0, &list)) <= 0)
		return n;
	for (e = list->child; e != NULL; e = e->next, i++) {
		struct oci_dev_rule *r;

		if (e->type != JSON_OBJECT)
			return refuse("%s[%zu]: %s, not an object", where, i, json_type_name(e->type));
		if (o->ndev_rules == OCI_MAX_DEV_RULES)
			return refuse("%s: more than %d rules", where, OCI_MAX_DEV_RULES);
		r = &o->dev_rules[o->ndev_rules];
		if (member(e, "linux.resources.devices[]", "allow", JSON_TRUE, 1, &v) == -1)
			return -1;
		r->allow = v->type == JSON_TRUE;
		r->type = 'a';
		if ((n = member(e, "linux.resources.devices[]", "type", JSON_STRING, 0, &v)) == -1)
			return -1;
		if (n == 1 && (strlen(v->str) != 1 || strchr("acb", v->str[0]) == NULL))
			return refuse("%s[%zu].type: \"%s\", not \"a\", \"c\" or \"b\"", where, i,
				      v->str);
		if (n == 1)
			r->type = v->str[0];
		if (dev_number(e, where, i, "major", 1, MAJOR_MAX, &r->major) == -1 ||
		    dev_number(e, where, i, "minor", 1, MINOR_MAX, &r->minor) == -1)
			return -1;
		r->access = OCI_DEV_RWM;
		if ((n = member(e, "linux.resources.devices[]", "access", JSON_STRING, 0, &v)) == -1)
			return -1;
		if (n == 1) {
			r->access = 0;
			for (const char *c = v->str; *c != '\0'; c++) {
				unsigned bit = *c == 'r' ? OCI_DEV_READ : *c == 'w' ? OCI_DEV_WRITE :
					       *c == 'm' ? OCI_DEV_MKNOD : 0;

				if (bit == 0 || (r->access & bit))
					return refuse("%s[%zu].access: \"%s\", not some of \"rwm\", "
						      "each once", where, i, v->str);
				r->access |= bit;
			}
			if (r->access == 0)
				return refuse("%s[%zu].access: empty", where, i);
		}
		if (r->type == 'a' && (r->major != -1 || r->minor != -1 || r->access != OCI_DEV_RWM))
			return refuse("%s[%zu]: type \"a\" is every device, with every access: not "
				      "supported with a major, a minor or an access other than "
				      "\"rwm\"", where, i);
		o->ndev_rules++;
	}
	return dev_rules_agree(o);
}

/* linux.devices: the nodes to make in the container's /dev, each of
 * type "c" (or "u", the same), "b" or "p", its numbers, its fileMode's
 * permission bits (default 0666) and its owner (default 0:0). Only
 * below /dev, where the container's /dev is a tmpfs of its own: a node
 * elsewhere would go into the rootfs, that the host shares. */
static int read_devices(const struct json *lx, struct oci_config *o)
{
	static const char *const where = "linux.devices";
	const struct json *list, *e, *v;
	size_t i = 0;
	long long num;
	int n;

	if ((n = member(lx, "linux", "devices", JSON_ARRAY, 0, &list)) <= 0)
		return n;
	for (e = list->child; e != NULL; e = e->next, i++) {
		struct fs_device *d;
		const char *rel;
		char *path;

		if (e->type != JSON_OBJECT)
			return refuse("%s[%zu]: %s, not an object", where, i, json_type_name(e->type));
		if (o->c.ndevices == OCI_MAX_DEVICES)
			return refuse("%s: more than %d devices", where, OCI_MAX_DEVICES);
		d = &o->devices[o->c.ndevices];
		path = o->device_paths[o->c.ndevices];
		if (member(e, "linux.devices[]", "path", JSON_STRING, 1, &v) == -1)
			return -1;
		if (strncmp(v->str, "/dev/", 5) != 0 || strlen(v->str) >= sizeof(o->device_paths[0]) + 5)
			return refuse("%s[%zu].path: \"%s\": nslab makes device nodes below /dev only "
				      "(at most %zu characters)", where, i, v->str,
				      sizeof(o->device_paths[0]) + 4);
		rel = v->str + 5;
		snprintf(path, sizeof(o->device_paths[0]), "%s", rel);
		for (char *save = NULL, *c = strtok_r(path, "/", &save); c != NULL;
		     c = strtok_r(NULL, "/", &save))
			if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
				return refuse("%s[%zu].path: \"%s\": no \".\" or \"..\"", where, i,
					      v->str);
		snprintf(path, sizeof(o->device_paths[0]), "%s", rel);
		if (path[0] == '\0' || path[0] == '/' || strstr(path, "//") != NULL ||
		    path[strlen(path) - 1] == '/')
			return refuse("%s[%zu].path: \"%s\": not a file's path", where, i, v->str);
		/* /dev/pts, /dev/shm and /dev/mqueue are file systems of their
		 * own, where a node cannot be made or would not work (nodev). */
		if (strncmp(path, "pts/", 4) == 0 || strncmp(path, "shm/", 4) == 0 ||
		    strncmp(path, "mqueue/", 7) == 0)
			return refuse("%s[%zu].path: \"%s\": in a file system of its own, where no "
				      "device node can go", where, i, v->str);
		d->path = path;
		if (member(e, "linux.devices[]", "type", JSON_STRING, 1, &v) == -1)
			return -1;
		if (strcmp(v->str, "c") == 0 || strcmp(v->str, "u") == 0)
			d->type = S_IFCHR;
		else if (strcmp(v->str, "b") == 0)
			d->type = S_IFBLK;
		else if (strcmp(v->str, "p") == 0)
			d->type = S_IFIFO;
		else
			return refuse("%s[%zu].type: \"%s\", not \"c\", \"u\", \"b\" or \"p\"",
				      where, i, v->str);
		if (dev_number(e, where, i, "major", d->type == S_IFIFO, MAJOR_MAX, &num) == -1)
			return -1;
		d->major = num == -1 ? 0 : (unsigned int)num;
		if (dev_number(e, where, i, "minor", d->type == S_IFIFO, MINOR_MAX, &num) == -1)
			return -1;
		d->minor = num == -1 ? 0 : (unsigned int)num;
		d->mode = 0666;
		if ((v = json_get(e, "fileMode")) != NULL && v->type != JSON_NULL) {
			if (json_int(v, 0, 07777 | S_IFMT, &num) == -1)
				return refuse("%s[%zu].fileMode: an integer from 0 to 0177777 (its "
					      "permission bits are used)", where, i);
			d->mode = (mode_t)num & 07777; /* as runc: the type bits are the type's */
		}
		if (dev_number(e, where, i, "uid", 1, ID_MAX, &num) == -1)
			return -1;
		d->uid = num == -1 ? 0 : (uid_t)num;
		if (dev_number(e, where, i, "gid", 1, ID_MAX, &num) == -1)
			return -1;
		d->gid = num == -1 ? 0 : (gid_t)num;
		o->c.ndevices++;
	}
	o->c.devices = o->devices;
	return 0;
}

/* linux.resources: memory (limit, swap), pids (limit) and cpu (shares,
 * quota, period) for oci_cgroup.c; anything else is named, not applied.
 * 0 is "not set" for each, as runc reads it; -1 is "no limit". */
static int read_resources(const struct json *lx, struct oci_config *o)
{
	static const char *const mem_known[] = { "limit", "swap", "reservation", "swappiness",
						 "disableOOMKiller", NULL };
	static const char *const pids_known[] = { "limit", NULL };
	static const char *const cpu_known[] = { "shares", "quota", "period", NULL };
	static const char *const sections[] = { "memory", "pids", "cpu", "devices", NULL };
	struct oci_resources *r = &o->res;
	const struct json *res, *sec, *b;
	long long v;
	int n;

	r->swappiness = -1;
	if ((n = member(lx, "linux", "resources", JSON_OBJECT, 0, &res)) <= 0)
		return n;
	res_skip(res, "", sections, o);
	if ((n = member(res, "linux.resources", "memory", JSON_OBJECT, 0, &sec)) == -1)
		return -1;
	if (n == 1) {
		if (res_int(sec, "memory", "limit", -1, INT64_MAX, &r->memory) == -1 ||
		    res_int(sec, "memory", "swap", -1, INT64_MAX, &r->swap) == -1 ||
		    res_int(sec, "memory", "reservation", -1, INT64_MAX, &r->reservation) == -1 ||
		    res_int(sec, "memory", "swappiness", -1, 100, &v) == -1 ||
		    member(sec, "linux.resources.memory", "disableOOMKiller", JSON_TRUE, 0, &b) == -1)
			return -1;
		if (json_get(sec, "swappiness") != NULL && json_get(sec, "swappiness")->type != JSON_NULL)
			r->swappiness = (int)v;
		r->no_oom_kill = b != NULL && b->type == JSON_TRUE;
		if (r->memory > 0 && r->memory < 4096)
			return refuse("linux.resources.memory.limit: %lld bytes, less than a page",
				      r->memory);
		if (r->swap != 0 && r->memory <= 0)
			return refuse("linux.resources.memory.swap: only with a memory.limit");
		if (r->swap > 0 && r->swap < r->memory)
			return refuse("linux.resources.memory.swap: %lld, less than memory.limit "
				      "(%lld): swap is memory plus swap", r->swap, r->memory);
		res_skip(sec, "memory", mem_known, o);
	}
	if ((n = member(res, "linux.resources", "pids", JSON_OBJECT, 0, &sec)) == -1)
		return -1;
	if (n == 1) {
		if (res_int(sec, "pids", "limit", INT64_MIN, INT64_MAX, &r->pids) == -1)
			return -1;
		if (r->pids < 0)
			r->pids = -1;
		if (r->pids > 4194304)
			return refuse("linux.resources.pids.limit: %lld, more than the kernel's "
				      "4194304 pids", r->pids);
		res_skip(sec, "pids", pids_known, o);
	}
	if ((n = member(res, "linux.resources", "cpu", JSON_OBJECT, 0, &sec)) == -1)
		return -1;
	if (n == 1) {
		if (res_int(sec, "cpu", "quota", -1, INT64_MAX, &r->cpu_quota) == -1 ||
		    res_int(sec, "cpu", "period", 0, 1000000, &v) == -1)
			return -1;
		r->cpu_period = (unsigned long long)v;
		if (res_int(sec, "cpu", "shares", 0, 262144, &v) == -1)
			return -1;
		r->cpu_shares = (unsigned long long)v;
		if (r->cpu_quota > 0 && r->cpu_quota < 1000)
			return refuse("linux.resources.cpu.quota: %lld us, less than the kernel's "
				      "1000", r->cpu_quota);
		if (r->cpu_period > 0 && r->cpu_period < 1000)
			return refuse("linux.resources.cpu.period: %llu us, less than the kernel's "
				      "1000", r->cpu_period);
		if (r->cpu_shares == 1)
			return refuse("linux.resources.cpu.shares: 1, less than the kernel's 2");
		res_skip(sec, "cpu", cpu_known, o);
	}
	return read_dev_rules(res, o);
}

/* hooks: not run yet, so refused when there are any. */
static int read_hooks(const struct json *cfg)
{
	const struct json *hooks, *h;
	int n;

	if ((n = member(cfg, "", "hooks", JSON_OBJECT, 0, &hooks)) <= 0)
		return n;
	for (h = hooks->child; h != NULL; h = h->next)
		if (h->type == JSON_ARRAY && h->len > 0)
			return refuse("hooks.%s: hooks are not supported yet", h->key);
	return 0;
}

static int read_file(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t got;

	if (fd == -1)
		return fail_with("open(\"%s\")", path);
	if (fstat(fd, &st) == -1) {
		close(fd);
		return fail_with("fstat(\"%s\")", path);
	}
	if (st.st_size > (off_t)JSON_MAX_SIZE) {
		close(fd);
		errno = E2BIG;
		return fail_with("%s: %lld bytes, at most %u", doc_name, (long long)st.st_size,
				JSON_MAX_SIZE);
	}
	*text = malloc((size_t)st.st_size + 1);
	if (*text == NULL) {
		close(fd);
		return fail_with("malloc(%lld)", (long long)st.st_size + 1);
	}
	got = read(fd, *text, (size_t)st.st_size + 1);
	close(fd);
	if (got == -1 || got > st.st_size) {
		free(*text);
		if (got > st.st_size)
			errno = E2BIG;
		return fail_with("read(\"%s\")", path);
	}
	*len = (size_t)got;
	return 0;
}

/* PATH, named NAME in refusals, parsed into DOC: its root, or NULL
 * after the failure has been recorded. */
static const struct json *load(const char *path, const char *name, struct json_doc *doc)
{
	struct json_error err;
	char *text = NULL;
	size_t len = 0;
	int ret;

	doc_name = name;
	if (read_file(path, &text, &len) == -1)
		return NULL;
	ret = json_parse(text, len, doc, &err);
	free(text);
	if (ret == -1) {
		if (errno == EINVAL)
			(void)nsl_fail("%s: line %u, column %u: expected %s", name, err.line,
				       err.column, err.what);
		else
			(void)nsl_fail("json_parse(\"%s\")", path);
		return NULL;
	}
	if (doc->root->type != JSON_OBJECT) {
		(void)refuse("%s, not an object", json_type_name(doc->root->type));
		return NULL;
	}
	return doc->root;
}

/* What every command reads the same way. */
/* Whether we run in the host's user namespace: its uid_map is the one
 * line "0 0 4294967295" (user_namespaces(7)). Rootless podman runs the
 * runtime as root in a user namespace of its own. */
int oci_in_host_userns(void)
{
	char line[128];
	unsigned long inside, outside, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int host;

	if (f == NULL)
		return 1; /* no /proc: nothing to say otherwise */
	host = fgets(line, sizeof(line), f) != NULL &&
	       sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
	       outside == 0 && count == 4294967295UL && fgets(line, sizeof(line), f) == NULL;
	fclose(f);
	return host;
}

static void finish(struct oci_config *o)
{
	o->c.in_userns = !oci_in_host_userns();
	o->c.env_exact = 1;
	o->c.host_uid = getuid();
	o->c.host_gid = getgid();
}

int oci_config_load(const char *bundle, struct oci_config *o)
{
	char path[PATH_MAX + 16];
	const struct json *cfg, *v, *lx;
	int ret;

	memset(o, 0, sizeof(*o));
	o->c.workdir = "/";
	if (realpath(bundle, o->bundle) == NULL)
		return fail_with("realpath(\"%s\") (the bundle)", bundle);
	snprintf(path, sizeof(path), "%s/config.json", o->bundle);
	if ((cfg = load(path, "config.json", &o->doc)) == NULL)
		return -1;
	if (member(cfg, "", "ociVersion", JSON_STRING, 1, &v) == -1)
		return -1;
	if (strncmp(v->str, "1.", 2) != 0)
		return refuse("ociVersion \"%s\": nslab reads 1.x", v->str);
	/* The namespaces first: whether there is a user namespace decides
	 * what the capabilities may hold. */
	if (member(cfg, "", "linux", JSON_OBJECT, 1, &lx) == -1 || read_namespaces(lx, o) == -1)
		return -1;
	if (o->userns_path != NULL && (json_get(lx, "uidMappings") != NULL ||
				       json_get(lx, "gidMappings") != NULL))
		return refuse("linux.uidMappings, gidMappings: given with a user namespace's "
			      "path: a namespace joined keeps the maps it has");
	if (o->c.userns && o->userns_path == NULL) {
		int uset = 0, gset = 0;

		if (read_map(lx, "uidMappings", getuid(), o->uid_map, sizeof(o->uid_map),
			     &o->root_uid, &uset, &o->uids, &o->helper_maps) == -1 ||
		    read_map(lx, "gidMappings", getgid(), o->gid_map, sizeof(o->gid_map),
			     &o->root_gid, &gset, &o->gids, &o->helper_maps) == -1)
			return -1;
		if (uset != gset)
			return refuse("linux.%s: given without linux.%s: nslab writes both or "
				      "neither", uset ? "uidMappings" : "gidMappings",
				      uset ? "gidMappings" : "uidMappings");
		if (uset) {
			o->c.uid_map = o->uid_map;
			o->c.gid_map = o->gid_map;
		}
	}
	if (read_sysctl(lx, o) == -1 || read_seccomp(lx, o) == -1 ||
	    read_cgroups_path(lx, o) == -1 || read_devices(lx, o) == -1 ||
	    read_root_propagation(lx, o) == -1 ||
	    read_resources(lx, o) == -1)
		return -1;
	if (read_paths(lx, "maskedPaths", o->c.masked, &o->c.nmasked, &o->c.masked_set) == -1 ||
	    read_paths(lx, "readonlyPaths", o->c.readonly, &o->c.nreadonly,
		       &o->c.readonly_set) == -1)
		return -1;
	if (member(cfg, "", "process", JSON_OBJECT, 1, &v) == -1 || read_process(v, o) == -1 ||
	    read_root(cfg, o->bundle, o) == -1 || read_mounts(cfg, o->bundle, o) == -1 ||
	    read_hooks(cfg) == -1)
		return -1;
	if ((ret = member(cfg, "", "hostname", JSON_STRING, 0, &v)) == -1)
		return -1;
	o->c.hostname = ret == 1 ? v->str : NULL;
	finish(o);
	return 0;
}

int oci_process_load(const char *path, int userns, struct oci_config *o)
{
	const struct json *p;

	memset(o, 0, sizeof(*o));
	o->c.workdir = "/";
	o->c.userns = userns; /* what the capabilities may hold */
	if ((p = load(path, "process.json", &o->doc)) == NULL || read_process(p, o) == -1)
		return -1;
	finish(o);
	return 0;
}

void oci_config_free(struct oci_config *o)
{
	oci_seccomp_free(&o->filter);
	o->c.seccomp = NULL;
	free(o->args);
	o->args = NULL;
	json_free(&o->doc);
}
