/* 06-setns - join a running process's namespaces: setns(2), the call
 * behind nsenter(1) and `docker exec`.
 *
 * With -t PID it is a small nsenter: it opens PID's /proc/PID/ns files
 * (and its root and cwd) first, joins them in an order that works, forks,
 * and runs CMD in the child, the first of its processes in PID's PID
 * namespace. --pidfd joins them all with one setns() on a pidfd. --list
 * and --compare print namespace ids the way lsns(8) does.
 *
 * Without -t it is the demo: it starts a target with UTS, IPC, PID and
 * mount namespaces of its own, built from the pieces of 01-04, joins it,
 * shows what the child sees there (hostname, the target's IPC queue,
 * mounts, `ps`), and cleans the target up.
 *
 * Read: setns(2), nsenter(1), lsns(8), pidfd_open(2), namespaces(7),
 * pid_namespaces(7), mount_namespaces(7), user_namespaces(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"
#include "fail.h"
#include "join.h"
#include "proc.h"
#include "say.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-q] [-v] -t PID [--uts] [--ipc] [--pid] [--mount] [--user]\n"
		"                [--net] [--cgroup] [--time] [--all] [--pidfd] [--threaded]\n"
		"                [-- CMD [ARG...]]\n"
		"       " PROG " [-q] [-v] [--pidfd] [--threaded] [-- CMD [ARG...]]\n"
		"       " PROG " --list PID\n"
		"       " PROG " --compare PID1 PID2\n"
		"\n"
		"Join the namespaces of process PID and run CMD there (default /bin/sh).\n"
		"Without -t: the demo. Start a target with UTS, IPC, PID and mount\n"
		"namespaces of its own, join them, show what is inside (CMD defaults\n"
		"to ps), and clean up.\n"
		"\n"
		"  -t, --target PID    the process whose namespaces to join\n"
		"  -u, --uts           -i, --ipc        -p, --pid       -m, --mount\n"
		"  -U, --user          -n, --net        -C, --cgroup    -T, --time\n"
		"                      the namespaces to join (the demo: uts ipc pid mount)\n"
		"  -a, --all           every namespace PID has (a user namespace only when\n"
		"                      it is not ours)\n"
		"      --pidfd         join with pidfd_open() and one setns() (Linux 5.8)\n"
		"      --threaded      start a second thread first, to see the mount and\n"
		"                      user joins refused\n"
		"  -l, --list PID      PID's namespace ids, and whether they are ours\n"
		"      --compare PID1 PID2   the namespace ids of two processes\n"
		"  -q, --quiet         no narration, errors only\n"
		"  -v, --verbose       more detail\n"
		"  -h, --help          this text\n"
		"\n"
		"CMD's output is on stdout and its exit status becomes " PROG "'s;\n"
		"--list and --compare print their table on stdout.\n"
		"Exit: 0 ok, 1 failure, 2 usage, else the command's status.\n");
}

/* The checks that need all the options at hand. */
static int check(int argc, char **argv, struct opts *o)
{
	int join_opts = o->flags || o->all || o->use_pidfd || o->threaded;

	if (o->mode == MODE_COMPARE) {
		if (optind >= argc)
			return usage_error(PROG, "--compare needs two pids");
		if (join_parse_pid(argv[optind], &o->pid2) == -1)
			return usage_error(PROG, "'%s' is not a pid", argv[optind]);
		optind++;
	}
	if (o->mode == MODE_LIST || o->mode == MODE_COMPARE) {
		if (join_opts || optind < argc)
			return usage_error(PROG, "--list and --compare take no other option or command");
		return EXIT_OK;
	}
	if (o->mode == MODE_JOIN && !o->flags && !o->all)
		return usage_error(PROG, "-t needs the namespaces to join: --uts, --ipc, "
				   "--pid, --mount, --user, --net, --cgroup, --time or --all");
	if (optind < argc)
		o->cmd = &argv[optind];
	return EXIT_OK;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "uts", no_argument, NULL, 'u' },
		{ "ipc", no_argument, NULL, 'i' },
		{ "pid", no_argument, NULL, 'p' },
		{ "mount", no_argument, NULL, 'm' },
		{ "user", no_argument, NULL, 'U' },
		{ "net", no_argument, NULL, 'n' },
		{ "cgroup", no_argument, NULL, 'C' },
		{ "time", no_argument, NULL, 'T' },
		{ "all", no_argument, NULL, 'a' },
		{ "pidfd", no_argument, NULL, 'P' },
		{ "threaded", no_argument, NULL, 'H' },
		{ "list", required_argument, NULL, 'l' },
		{ "compare", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* The short namespace options are nsenter's: -u -i -p -m -U -n -C -T. */
	static const char flag_of[] = "uipmUnCT";
	static const int flags[] = { CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNS,
				     CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME };
	int c, modes = 0;

	*o = (struct opts){ .mode = MODE_DEMO };
	opterr = 0;
	/* '+': stop at the command; ':': a missing argument returns ':'. */
	while ((c = getopt_long(argc, argv, "+:t:uipmUnCTal:qvh", longopts, NULL)) != -1) {
		const char *f = c != 0 ? strchr(flag_of, c) : NULL;

		if (f != NULL) {
			o->flags |= flags[f - flag_of];
			continue;
		}
		switch (c) {
		case 't':
		case 'l':
		case 'c':
			o->mode = c == 't' ? MODE_JOIN : c == 'l' ? MODE_LIST : MODE_COMPARE;
			if (++modes > 1)
				return usage_error(PROG, "give one of -t, --list and --compare, once");
			if (join_parse_pid(optarg, &o->pid) == -1)
				return usage_error(PROG, "'%s' is not a pid", optarg);
			break;
		case 'a': o->all = 1; break;
		case 'P': o->use_pidfd = 1; break;
		case 'H': o->threaded = 1; break;
		case 'q': say_level = 0; break;
		case 'v': say_level = 2; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
		}
	}
	return check(argc, argv, o);
}

/* --list PID: one row per namespace type, as lsns -p PID shows them. */
static int show_list(pid_t pid)
{
	struct join_row rows[JOIN_NTYPES];
	int n, differ = 0;

	n = join_list(pid, rows);
	if (n == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_FAIL;
	}
	printf("%-6s  %-10s  %s\n", "TYPE", "NS", "MINE");
	for (int i = 0; i < n; i++) {
		printf("%-6s  %-10lu  %s\n", join_types[rows[i].type].name, rows[i].a,
		       rows[i].a == rows[i].b ? "same as mine" : "different");
		differ += rows[i].a != rows[i].b;
	}
	say("process %d: %d namespaces, %d of them not mine", (int)pid, n, differ);
	return EXIT_OK;
}

/* --compare PID1 PID2: the same, for two processes. */
static int show_compare(pid_t pid1, pid_t pid2)
{
	struct join_row rows[JOIN_NTYPES];
	int n, differ = 0;

	n = join_compare(pid1, pid2, rows);
	if (n == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_FAIL;
	}
	printf("%-6s  %-10d  %-10d  %s\n", "TYPE", (int)pid1, (int)pid2, "");
	for (int i = 0; i < n; i++) {
		printf("%-6s  %-10lu  %-10lu  %s\n", join_types[rows[i].type].name,
		       rows[i].a, rows[i].b, rows[i].a == rows[i].b ? "same" : "different");
		differ += rows[i].a != rows[i].b;
	}
	say("processes %d and %d: %d namespaces, %d of them differ", (int)pid1,
	    (int)pid2, n, differ);
	return EXIT_OK;
}

/* The namespaces to join in PID: those asked for, and with --all every
 * type PID has; DEFAULT when none was asked for. */
static int flags_for(const struct opts *o, pid_t pid, int dflt)
{
	int all = 0;

	if (o->all && join_types_of(pid, &all) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	if (!o->all && o->flags == 0)
		return dflt;
	return o->flags | all;
}

/* The demo: a target of our own, joined, looked at, cleaned up. */
static int run_demo(const struct opts *o)
{
	static char *ps[] = { "ps", "-o", "pid,ppid,comm", NULL };
	struct target tg;
	int flags, status;

	if (target_start(&tg) == -1)
		return EXIT_FAIL;
	flags = flags_for(o, tg.pid, DEMO_FLAGS);
	status = flags == -1 ? EXIT_FAIL
			     : enter_and_run(o, tg.pid, flags, o->cmd != NULL ? o->cmd : ps, &tg);
	if (target_stop(&tg) == -1 && status == EXIT_OK)
		status = EXIT_FAIL;
	return status;
}

static int run_join(const struct opts *o)
{
	static char *sh[] = { "/bin/sh", NULL };
	int flags = flags_for(o, o->pid, 0);

	if (flags == -1)
		return EXIT_FAIL;
	return enter_and_run(o, o->pid, flags, o->cmd != NULL ? o->cmd : sh, NULL);
}

int main(int argc, char **argv)
{
	struct opts o;
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	status = parse(argc, argv, &o);
	if (status != EXIT_OK)
		return status;
	if (proc_trap_signals() == -1) {
		nsl_error(errno, "sigaction()");
		return EXIT_FAIL;
	}
	switch (o.mode) {
	case MODE_LIST: return show_list(o.pid);
	case MODE_COMPARE: return show_compare(o.pid, o.pid2);
	case MODE_JOIN: status = run_join(&o); break;
	case MODE_DEMO: status = run_demo(&o); break;
	}
	if (proc_stop_signal != 0)
		return 128 + proc_stop_signal;
	return status;
}
