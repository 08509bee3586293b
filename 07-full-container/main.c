/* 07-full-container - a hardened container, built from the pieces of
 * steps 01 to 06.
 *
 *     07-full-container run [OPTIONS] ROOTFS [CMD [ARG...]]
 *     07-full-container exec [-u UID[:GID]] NAME|PID CMD [ARG...]
 *     07-full-container ps
 *
 * main.c is only the command line: it reads and checks every option
 * before anything is made, so that bad input costs one line and status 2
 * and leaves nothing behind. run.c is the host's side of `run`,
 * container.c the container's side (its init and its command), and the
 * pieces of the earlier steps do the kernel work: uts.c (01), pidns.c
 * (03), mnt.c, volume.c and record.c (04), userns.c (05), join.c (06).
 *
 * Read: namespaces(7), user_namespaces(7), capabilities(7), seccomp(2),
 * and docker-run(1) for the exit statuses 125, 126 and 127.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../01-uts/uts.h"
#include "../05-user/userns.h"
#include "ctr.h"
#include "say.h"
#include "state.h"

#define PROG "07-full-container"

/* As root with --userns, container ids 0..65535 are host ids
 * 100000..165535 (run.c writes that map), so -u must stay below 65536. */
#define USERNS_ROOT_IDS 65536u

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " run [OPTIONS] ROOTFS [CMD [ARG...]]\n"
		"       " PROG " exec [-u UID[:GID]] NAME|PID CMD [ARG...]\n"
		"       " PROG " ps\n"
		"\n"
		"run: CMD (default /bin/sh) in a hardened container whose / is ROOTFS: new\n"
		"user (rootless, or --userns), UTS, IPC, PID, mount, network and cgroup\n"
		"namespaces, a private /proc, /dev and /sys, Docker's default capabilities\n"
		"minus CAP_MKNOD, no_new_privs and a seccomp filter.\n"
		"exec: CMD inside the running container NAME (or PID, as ps shows it).\n"
		"ps: the running containers.\n"
		"\n"
		"  -h, --hostname NAME      the container's hostname (default: its name)\n"
		"      --name NAME          the container's name (default: generated)\n"
		"  -v, --volume HOST:CTR[:ro|:rw]\n"
		"                           bind-mount HOST at CTR, read-only with :ro\n"
		"  -e, --env KEY=VALUE      set KEY in the command's environment\n"
		"  -w, --workdir DIR        the command's working directory (default /)\n"
		"  -u, --user UID[:GID]     run the command as UID:GID (default 0:0; GID\n"
		"                           defaults to UID)\n"
		"      --userns, --rootless a new user namespace that maps the invoking\n"
		"                           user to root (the default when not root); as\n"
		"                           root, container ids 0-65535 are host ids\n"
		"                           100000-165535\n"
		"  -q, --quiet              no narration, errors only\n"
		"      --verbose            every call, with its arguments\n"
		"      --help               this text\n"
		"\n"
		"Narration is on stderr; stdout and stdin are the command's. Exit status:\n"
		"the command's, or 128+N when signal N ended it; 125 when " PROG "\n"
		"itself failed, 126 when CMD cannot be executed, 127 when it is not\n"
		"found, 2 for a usage error.\n");
}

/* A decimal id, digits only, at most USERNS_ID_LAST ((uint32_t)-1 means
 * "no id" to the kernel). 0, or -1. */
static int parse_id(const char *s, size_t len, unsigned long long *id)
{
	unsigned long long v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (v > USERNS_ID_LAST)
		return -1;
	*id = v;
	return 0;
}

/* "UID" or "UID:GID"; GID defaults to UID. 0, or -1. */
static int parse_user(const char *s, uid_t *uid, gid_t *gid)
{
	const char *colon = strchr(s, ':');
	unsigned long long u, g;

	if (parse_id(s, colon != NULL ? (size_t)(colon - s) : strlen(s), &u) == -1)
		return -1;
	g = u;
	if (colon != NULL && parse_id(colon + 1, strlen(colon + 1), &g) == -1)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* One option of run into C; EXIT_OK, or EXIT_USAGE after the line. */
static int run_option(struct ctr_config *c, int opt, char *arg)
{
	const char *why = "";
	const char *eq;

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
		eq = strchr(arg, '=');
		if (eq == NULL || eq == arg)
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
		if (parse_user(arg, &c->uid, &c->gid) == -1)
			return usage_error(PROG, "user \"%s\" is not UID[:GID], decimal ids up "
					   "to %u", arg, USERNS_ID_LAST);
		return EXIT_OK;
	}
	return usage_error(PROG, "unknown option");
}

/* A usage error for the option getopt_long() just refused. */
static int bad_option(int opt, char **argv)
{
	if (opt == ':')
		return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
	return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
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
		{ "userns", no_argument, NULL, 'U' },
		{ "rootless", no_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	static char *default_cmd[] = { "/bin/sh", NULL };
	int opt, status;

	/* '+': options stop at ROOTFS, so CMD's own options stay CMD's;
	 * ':': a missing argument is reported as ':'. */
	while ((opt = getopt_long(argc, argv, "+:h:v:e:w:u:q", longopts, NULL)) != -1) {
		switch (opt) {
		case 'U': c->userns = 1; break;
		case 'q': say_level = 0; break;
		case 'V': say_level = 2; break;
		case 'H': usage(stdout); exit(EXIT_OK);
		case ':': case '?': return bad_option(opt, argv);
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
	return EXIT_OK;
}

static int cmd_run(int argc, char **argv)
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
		nsl_error(errno, "%s", state_failed_call());
		return EXIT_RUNTIME;
	}
	if (c.hostname == NULL)
		c.hostname = c.name;
	return ctr_run(&c);
}

static int cmd_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, user_set = 0;
	uid_t uid = 0;
	gid_t gid = 0;

	while ((opt = getopt_long(argc, argv, "+:u:q", longopts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			if (parse_user(optarg, &uid, &gid) == -1)
				return usage_error(PROG, "user \"%s\" is not UID[:GID], decimal "
						   "ids up to %u", optarg, USERNS_ID_LAST);
			user_set = 1;
			break;
		case 'q': say_level = 0; break;
		case 'V': say_level = 2; break;
		case 'H': usage(stdout); exit(EXIT_OK);
		default: return bad_option(opt, argv);
		}
	}
	if (argc - optind < 2)
		return usage_error(PROG, "exec needs a container (NAME or PID) and a CMD");
	return ctr_exec(argv[optind], user_set, uid, gid, &argv[optind + 1]);
}

static int cmd_ps(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "+:q", longopts, NULL)) != -1) {
		switch (opt) {
		case 'q': say_level = 0; break;
		case 'V': say_level = 2; break;
		case 'H': usage(stdout); exit(EXIT_OK);
		default: return bad_option(opt, argv);
		}
	}
	if (optind < argc)
		return usage_error(PROG, "ps takes no argument ('%s')", argv[optind]);
	return ctr_ps();
}

int main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	opterr = 0; /* we report bad options ourselves, in one line */
	if (sub == NULL)
		return usage_error(PROG, "run, exec or ps?");
	if (strcmp(sub, "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	/* Each subcommand parses from its own name on: getopt_long() starts
	 * at argv[1], the first word after the subcommand. */
	if (strcmp(sub, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(sub, "exec") == 0)
		return cmd_exec(argc - 1, argv + 1);
	if (strcmp(sub, "ps") == 0)
		return cmd_ps(argc - 1, argv + 1);
	return usage_error(PROG, "unknown command '%s' (run, exec or ps)", sub);
}
