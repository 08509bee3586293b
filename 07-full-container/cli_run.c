/* cli_run.c - the command line of `run`: its options read into a
 * struct ctr_config, each checked on the way (the hostname by 01's
 * uts_check_hostname(), a volume by 04's mnt_parse_volume(), the name by
 * state_check_name(), -e and -u by cli_parse.c), the ids -u asks for
 * checked against the user namespace the container will have, ROOTFS
 * resolved, and a name made up when none is given. Then ctr_run()
 * (run.c). See main.c.
 *
 * Read: getopt(3) (getopt_long, the leading '+'), realpath(3),
 * user_namespaces(7).
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../01-uts/uts.h"
#include "../05-user/userns.h"
#include "cgroup/cgroup.h"
#include "ctr.h"
#include "fail.h"
#include "say.h"
#include "state/state.h"
#include "timens.h"
#include "timing.h"
#include "net/veth.h"

/* As root with --userns, container ids 0..65535 are host ids
 * 100000..165535 (run.c writes that map), so -u must stay below 65536. */
#define USERNS_ROOT_IDS 65536u

/* --memory, --pids, --cpus (cgroup_parse.c): checked here, written into
 * the container's cgroups by run. EXIT_OK, or EXIT_USAGE after the line. */
static int limit_option(struct ctr_config *c, int opt, const char *arg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *why = "";

	if (opt == 'm' && cgroup_parse_size(arg, &c->memory, &why) == -1)
		return usage_error(PROG, "--memory \"%s\": %s", arg, why);
	if (opt == 'P' && cgroup_parse_pids(arg, &c->pids, &why) == -1)
		return usage_error(PROG, "--pids \"%s\": %s", arg, why);
	if (opt == 'C' && cgroup_parse_cpus(arg, ncpu, &c->cpu_quota, &why) == -1)
		return usage_error(PROG, "--cpus \"%s\": %s (this machine has %ld)", arg, why,
				   ncpu);
	return EXIT_OK;
}

/* --net, --subnet (veth_parse.c), --boottime, --monotonic (timens.c).
 * --net veth is refused rootless here, before anything is made: the
 * host end of a veth needs CAP_NET_ADMIN in the host's network
 * namespace, which no user namespace of ours can give (veth.h). EXIT_OK,
 * or EXIT_USAGE after the line. */
static int net_time_option(struct ctr_config *c, int opt, const char *arg)
{
	struct in_addr net;
	const char *why = "";
	int prefix;

	if (opt == 'n' && strcmp(arg, "none") != 0 && strcmp(arg, "host") != 0 &&
	    strcmp(arg, "veth") != 0)
		return usage_error(PROG, "--net \"%s\": none, host or veth", arg);
	if (opt == 'n')
		c->net = arg[0] == 'n' ? CTR_NET_NONE : arg[0] == 'h' ? CTR_NET_HOST : CTR_NET_VETH;
	if (opt == 'n' && c->net == CTR_NET_VETH && c->host_uid != 0)
		return usage_error(PROG, "--net veth needs root: the host's end of a veth takes "
				   "CAP_NET_ADMIN on the host; rootless, slirp4netns or pasta give "
				   "a container a network from user space");
	if (opt == 's' && veth_parse_subnet(arg, &net, &prefix, &why) == -1)
		return usage_error(PROG, "--subnet \"%s\": %s", arg, why);
	if (opt == 's')
		c->subnet = arg;
	if (opt == 'b' && timens_parse_offset(arg, &c->boottime) == -1)
		return usage_error(PROG, "--boottime \"%s\" is not a number of seconds (at most "
				   "%lld either way)", arg, TIMENS_MAX_OFFSET);
	if (opt == 'M' && timens_parse_offset(arg, &c->monotonic) == -1)
		return usage_error(PROG, "--monotonic \"%s\" is not a number of seconds (at most "
				   "%lld either way)", arg, TIMENS_MAX_OFFSET);
	if (opt == 'b' || opt == 'M')
		c->time_set = 1;
	return EXIT_OK;
}

/* One option of run into C; EXIT_OK, or EXIT_USAGE after the line. */
static int run_option(struct ctr_config *c, int opt, char *arg)
{
	const char *why = "";
	const char *value;

	switch (opt) {
	case 'h':
		if (uts_check_hostname(arg) == -1)
			return usage_error(PROG, "hostname \"%s\" is not 1 to 64 bytes", arg);
		c->hostname = arg;
		return EXIT_OK;
	case 'N':
		if (state_check_name(arg, &why) == -1)
			return usage_error(PROG, "name \"%s\": %s", arg, why);
		snprintf(c->name, sizeof(c->name), "%s", arg);
		return EXIT_OK;
	case 'v':
		if (c->nvol == CTR_MAX_VOLUMES)
			return usage_error(PROG, "at most %d volumes", CTR_MAX_VOLUMES);
		if (mnt_parse_volume(arg, &c->vol[c->nvol]) == -1)
			return usage_error(PROG, "volume \"%s\" is not HOST:CTR[:ro|:rw] with "
					   "an absolute CTR other than /", arg);
		c->nvol++;
		return EXIT_OK;
	case 'e':
		if (cli_parse_env(arg, &value) == -1)
			return usage_error(PROG, "environment \"%s\" is not KEY=VALUE with a "
					   "non-empty KEY", arg);
		if (c->nenv == CTR_MAX_ENV)
			return usage_error(PROG, "at most %d -e options", CTR_MAX_ENV);
		c->env[c->nenv++] = arg;
		return EXIT_OK;
	case 'w':
		if (arg[0] != '/')
			return usage_error(PROG, "workdir \"%s\" is not an absolute path", arg);
		c->workdir = arg;
		return EXIT_OK;
	case 'u':
		if (cli_parse_user(arg, &c->uid, &c->gid) == -1)
			return usage_error(PROG, "user \"%s\" is not UID[:GID], decimal ids up "
					   "to %u", arg, USERNS_ID_LAST);
		return EXIT_OK;
	case 'm': case 'P': case 'C':
		return limit_option(c, opt, arg);
	case 'n': case 's': case 'b': case 'M':
		return net_time_option(c, opt, arg);
	}
	return usage_error(PROG, "unknown option");
}

/* The ids the container may use, given who we are: rootless maps one id
 * (0 inside is us outside), root with --userns 65536 of them. */
static int check_user(const struct ctr_config *c)
{
	if (c->userns && c->host_uid != 0 && (c->uid != 0 || c->gid != 0))
		return usage_error(PROG, "--user %u:%u: a rootless container maps only "
				   "its root (0:0) to you; other ids do not exist in it",
				   (unsigned)c->uid, (unsigned)c->gid);
	if (c->userns && c->host_uid == 0 &&
	    (c->uid >= USERNS_ROOT_IDS || c->gid >= USERNS_ROOT_IDS))
		return usage_error(PROG, "--user %u:%u: with --userns the container has "
				   "ids 0 to %u only", (unsigned)c->uid, (unsigned)c->gid,
				   USERNS_ROOT_IDS - 1);
	return EXIT_OK;
}

static int parse_run(int argc, char **argv, struct ctr_config *c)
{
	static const struct option longopts[] = {
		{ "hostname", required_argument, NULL, 'h' },
		{ "name", required_argument, NULL, 'N' },
		{ "volume", required_argument, NULL, 'v' },
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "memory", required_argument, NULL, 'm' },
		{ "pids", required_argument, NULL, 'P' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "net", required_argument, NULL, 'n' },
		{ "subnet", required_argument, NULL, 's' },
		{ "boottime", required_argument, NULL, 'b' },
		{ "monotonic", required_argument, NULL, 'M' },
		{ "tty", no_argument, NULL, 't' },
		{ "overlay", no_argument, NULL, 'O' },
		{ "upper", required_argument, NULL, 'L' },
		{ "userns", no_argument, NULL, 'U' },
		{ "rootless", no_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "timing", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	static char *default_cmd[] = { "/bin/sh", NULL };
	int opt, status;

	/* '+': options stop at ROOTFS, so CMD's own options stay CMD's;
	 * ':': a missing argument is reported as ':'. */
	while ((opt = getopt_long(argc, argv, "+:h:v:e:w:u:m:tq", longopts, NULL)) != -1) {
		switch (opt) {
		case 'U': c->userns = 1; break;
		case 't': c->tty = 1; break;
		case 'O': c->overlay = 1; break;
		case 'L': c->overlay = 1; c->upper = optarg; break;
		case 'q': say_level = 0; break;
		case 'V': say_level = 2; break;
		case 'T': timing_start(); break;
		case 'H': cli_usage(stdout); exit(EXIT_OK);
		case ':': case '?': return cli_bad_option(opt, argv);
		default:
			status = run_option(c, opt, optarg);
			if (status != EXIT_OK)
				return status;
		}
	}
	if (optind == argc)
		return usage_error(PROG, "run needs a ROOTFS");
	/* ROOTFS is checked by find_rootfs(): a missing one is the
	 * runtime's failure (125), as in docker run, not a usage error. */
	snprintf(c->rootfs, sizeof(c->rootfs), "%s", argv[optind++]);
	c->cmd = optind < argc ? &argv[optind] : default_cmd;
	/* Rootless is the default without root: a process without
	 * CAP_SYS_ADMIN may create the other namespaces only inside a user
	 * namespace it owns (user_namespaces(7)). */
	if (c->host_uid != 0)
		c->userns = 1;
	return check_user(c);
}

/* Is path A B itself, or inside it? */
static int within(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strncmp(a, b, n) == 0 && (a[n] == '/' || a[n] == '\0');
}

/* --overlay, --upper: the paths that go into overlayfs's options, where
 * ',' separates options and '\\' escapes. An upper layer inside the
 * rootfs would be written into rootfs/, which --overlay promises never
 * to do, and show through the lower layer; a rootfs inside the upper
 * layer is refused by the kernel, but only after DIR/upper and DIR/work
 * are made. Both are refused here, before anything is made. EXIT_OK, or
 * EXIT_RUNTIME after the line. */
static int check_layers(const struct ctr_config *c)
{
	const char *bad = strpbrk(c->rootfs, ",\\") != NULL ? c->rootfs :
			  c->upper != NULL && strpbrk(c->upper, ",\\") != NULL ? c->upper : NULL;

	if (bad != NULL) {
		nsl_error(EINVAL, "--overlay with \"%s\"", bad);
		nsl_hint("overlayfs's options cannot hold a path with ',' or '\\'");
		return EXIT_RUNTIME;
	}
	if (c->upper != NULL && (within(c->upper, c->rootfs) || within(c->rootfs, c->upper))) {
		nsl_error(EINVAL, "--upper \"%s\" and the rootfs \"%s\"", c->upper, c->rootfs);
		nsl_hint("the layers of an overlay may not lie inside one another: put the upper "
			 "layer outside the rootfs, and the rootfs outside it");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* --upper DIR made absolute, symlinks resolved, checked to be a
 * directory. EXIT_OK, or EXIT_RUNTIME after the line. */
static int find_upper(struct ctr_config *c)
{
	static char upper[PATH_MAX];
	struct stat st;

	if (realpath(c->upper, upper) == NULL || stat(upper, &st) == -1) {
		nsl_error(errno, "realpath(\"%s\")", c->upper);
		if (errno == ENOENT)
			nsl_hint("--upper takes an existing directory: mkdir it first");
		return EXIT_RUNTIME;
	}
	if (!S_ISDIR(st.st_mode)) {
		nsl_error(ENOTDIR, "--upper \"%s\"", c->upper);
		return EXIT_RUNTIME;
	}
	c->upper = upper;
	return EXIT_OK;
}

/* ROOTFS made absolute, symlinks resolved, and checked to be a directory
 * other than the host's own /. EXIT_OK, or EXIT_RUNTIME after the line. */
static int find_rootfs(struct ctr_config *c)
{
	char given[PATH_MAX];
	struct stat st;

	snprintf(given, sizeof(given), "%s", c->rootfs);
	if (realpath(given, c->rootfs) == NULL) {
		nsl_error(errno, "realpath(\"%s\")", given);
		if (errno == ENOENT)
			nsl_hint("give the rootfs directory; `make rootfs` makes ./rootfs");
		return EXIT_RUNTIME;
	}
	if (stat(c->rootfs, &st) == -1) {
		nsl_error(errno, "stat(\"%s\")", c->rootfs);
		return EXIT_RUNTIME;
	}
	if (!S_ISDIR(st.st_mode) || strcmp(c->rootfs, "/") == 0) {
		nsl_error(S_ISDIR(st.st_mode) ? EINVAL : ENOTDIR, "rootfs \"%s\"", given);
		nsl_hint("the rootfs is a directory holding a whole system, and never the "
			 "host's own /");
		return EXIT_RUNTIME;
	}
	if (c->upper != NULL && find_upper(c) != EXIT_OK)
		return EXIT_RUNTIME;
	return c->overlay ? check_layers(c) : EXIT_OK;
}

int cli_run(int argc, char **argv)
{
	static struct ctr_config c; /* static: it is large (paths, volumes) */
	int status;

	c.host_uid = geteuid();
	c.host_gid = getegid();
	c.workdir = "/";
	status = parse_run(argc, argv, &c);
	if (status != EXIT_OK)
		return status;
	if (find_rootfs(&c) != EXIT_OK)
		return EXIT_RUNTIME;
	if (c.name[0] == '\0' && state_generate_name(c.name, sizeof(c.name)) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_RUNTIME;
	}
	if (c.hostname == NULL)
		c.hostname = c.name;
	return ctr_run(&c);
}
