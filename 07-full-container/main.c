/* 07-full-container - a hardened container, built from the pieces of
 * steps 01 to 06.
 *
 *     07-full-container run [OPTIONS] ROOTFS [CMD [ARG...]]
 *     07-full-container exec [-u UID[:GID]] NAME|PID CMD [ARG...]
 *     07-full-container ps
 *
 * main.c, cli_run.c and cli_parse.c are only the command line: main.c
 * the usage text, exec's and ps's options and the choice of command,
 * cli_run.c run's options, cli_parse.c the text of -u and -e. Every
 * option is read and checked before anything is made, so that bad input
 * costs one line and status 2 and leaves nothing behind. run.c is the
 * host's side of `run`, container.c the container's side (its init and
 * its command), and the pieces of the earlier steps do the kernel work:
 * uts.c (01), pidns.c (03), mnt.c, volume.c and record.c (04), userns.c
 * (05), join.c (06).
 *
 * Read: namespaces(7), user_namespaces(7), capabilities(7), seccomp(2),
 * and docker-run(1) for the exit statuses 125, 126 and 127.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../05-user/userns.h"
#include "cli.h"
#include "ctr.h"
#include "oci/oci.h"
#include "say.h"

void cli_usage(FILE *f)
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
		"  -t, --tty                a terminal for the command: a pty of the\n"
		"                           container's, relayed to stdin and stdout\n"
		"      --overlay            ROOTFS as the read-only lower layer of an\n"
		"                           overlay: the container's changes go to an\n"
		"                           upper layer of its own, a tmpfs, and end with it\n"
		"      --upper DIR          the same, the upper layer kept in DIR/upper\n"
		"  -m, --memory SIZE        at most SIZE of memory (65536, 64k, 64M, 1G):\n"
		"                           beyond it the OOM killer ends the command (137)\n"
		"      --pids N             at most N processes and threads at once\n"
		"      --cpus X             at most X CPUs' time (0.5: 50 ms of each 100 ms)\n"
		"      --net none|host|veth none: a network namespace with lo alone (the\n"
		"                           default); host: the host's network, shared;\n"
		"                           veth: eth0, wired to the host by a veth pair,\n"
		"                           with a /30 of its own (root only)\n"
		"      --subnet CIDR        where --net veth takes its /30s (default\n"
		"                           10.231.0.0/16; /8 to /30)\n"
		"      --boottime SECONDS   a time namespace whose boot clock (/proc/uptime)\n"
		"      --monotonic SECONDS  and monotonic clock run SECONDS ahead (or behind)\n"
		"      --userns, --rootless a new user namespace that maps the invoking\n"
		"                           user to root (the default when not root); as\n"
		"                           root, container ids 0-65535 are host ids\n"
		"                           100000-165535\n"
		"  -q, --quiet              no narration, errors only\n"
		"      --verbose            every call, with its arguments\n"
		"      --timing             a line on stderr as each phase ends, in ms\n"
		"                           since the start (\"timing: cloned +1.234 ms\")\n"
		"      --help               this text\n"
		"\n"
		"Narration is on stderr; stdout and stdin are the command's. Exit status:\n"
		"the command's, or 128+N when signal N ended it; 125 when " PROG "\n"
		"itself failed, 126 when CMD cannot be executed, 127 when it is not\n"
		"found, 2 for a usage error.\n");
}

/* A usage error for the option getopt_long() just refused. */
int cli_bad_option(int opt, char **argv)
{
	if (opt == ':')
		return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
	return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
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
			if (cli_parse_user(optarg, &uid, &gid) == -1)
				return usage_error(PROG, "user \"%s\" is not UID[:GID], decimal "
						   "ids up to %u", optarg, USERNS_ID_LAST);
			user_set = 1;
			break;
		case 'q': say_level = 0; break;
		case 'V': say_level = 2; break;
		case 'H': cli_usage(stdout); exit(EXIT_OK);
		default: return cli_bad_option(opt, argv);
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
		case 'H': cli_usage(stdout); exit(EXIT_OK);
		default: return cli_bad_option(opt, argv);
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
		cli_usage(stdout);
		return EXIT_OK;
	}
	/* Each subcommand parses from its own name on: getopt_long() starts
	 * at argv[1], the first word after the subcommand. */
	if (oci_is_command(argc, argv))
		return oci_main(argc, argv); /* the engines' commands: oci/ */
	if (strcmp(sub, "run") == 0)
		return cli_run(argc - 1, argv + 1);
	if (strcmp(sub, "exec") == 0)
		return cmd_exec(argc - 1, argv + 1);
	if (strcmp(sub, "ps") == 0)
		return cmd_ps(argc - 1, argv + 1);
	return usage_error(PROG, "unknown command '%s' (run, exec or ps)", sub);
}
