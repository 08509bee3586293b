/* 05-user - root in a namespace of one's own: clone(CLONE_NEWUSER).
 *
 * Run as an ordinary user, no sudo. The parent clones a child into a new
 * user namespace (and a new mount namespace, which that user namespace
 * owns). The child starts as nobody with every capability; the parent
 * writes its uid and gid maps; the child is then root inside. It creates
 * a file in a host directory (the host sees the file as the invoking
 * user's), mounts a tmpfs (allowed: it owns that mount namespace), and
 * fails to rename the host or to open /etc/shadow (it owns neither).
 * Maps of more than one's own id go through newuidmap/newgidmap.
 *
 * Files: main.c the outline, host.c the parent, subids.c the parent's
 * ranges (newuidmap, /etc/subuid), child.c the child, userns.c the piece
 * 07 reuses.
 * Read: user_namespaces(7), clone(2), newuidmap(1), subuid(5),
 * capabilities(7), mount_namespaces(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sweep.h"
#include "sync.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-q] [-v] [-m INSIDE:OUTSIDE:COUNT]... [--map-root] [-- CMD [ARG...]]\n"
		"\n"
		"Give a child its own user namespace, map ids into it, and show what\n"
		"root inside can and cannot do. Runs as an ordinary user: no sudo.\n"
		"\n"
		"  -m, --map IN:OUT:COUNT  map COUNT ids from IN (inside) to OUT (outside),\n"
		"                       uids and gids alike; repeat for more lines. Ids\n"
		"                       you do not own go through newuidmap/newgidmap,\n"
		"                       which check /etc/subuid and /etc/subgid\n"
		"      --map-root       map your own uid and gid to 0 (the default when\n"
		"                       no -m is given)\n"
		"      --no-setgroups-deny  write gid_map without \"deny\" in setgroups\n"
		"                       first, to see the kernel refuse it\n"
		"      --no-helpers     write every map directly, even one that needs\n"
		"                       newuidmap, to see the kernel refuse it\n"
		"      --no-mountns     keep the host's mount namespace, to see the\n"
		"                       tmpfs mount refused\n"
		"  -q, --quiet          no narration, errors only\n"
		"  -v, --verbose        more detail\n"
		"  -h, --help           this text\n"
		"\n"
		"CMD runs inside, as root of the new namespace when 0 is mapped; its\n"
		"output is on stdout and its exit status becomes " PROG "'s.\n"
		"Exit: 0 ok, 1 failure, 2 usage.\n");
}

/* Add one map line to both maps; uids and gids get the same numbers. */
static int add_map(struct opts *o, const char *arg, const struct userns_extent *uid,
		   const struct userns_extent *gid)
{
	const char *why;

	if (userns_add_extent(&o->uids, uid, &why) == -1)
		return usage_error(PROG, "%s: %s", arg, why);
	if (userns_add_extent(&o->gids, gid, &why) == -1)
		return usage_error(PROG, "%s: for gids, %s", arg, why);
	return EXIT_OK;
}

/* Build the maps: --map-root's line first (when asked for, or when no -m
 * was given), then each -m in order, checked as the kernel would. */
static int build_maps(struct opts *o, int map_root, char **maps, int n)
{
	const struct userns_extent ru = { 0, (uint32_t)geteuid(), 1 };
	const struct userns_extent rg = { 0, (uint32_t)getegid(), 1 };
	char text[USERNS_MAP_TEXT_MAX];
	struct userns_extent e;
	const char *why;

	if ((map_root || n == 0) && add_map(o, "--map-root", &ru, &rg) != EXIT_OK)
		return EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		char label[64];

		snprintf(label, sizeof(label), "-m '%.50s'", maps[i]);
		if (userns_parse_extent(maps[i], &e, &why) == -1)
			return usage_error(PROG, "%s: %s", label, why);
		if (add_map(o, label, &e, &e) != EXIT_OK)
			return EXIT_USAGE;
	}
	if (userns_format_map(&o->uids, text, sizeof(text)) == -1 ||
	    userns_format_map(&o->gids, text, sizeof(text)) == -1)
		return usage_error(PROG, "the maps are too long: the kernel takes one write of under %d bytes",
				   USERNS_MAP_TEXT_MAX);
	return EXIT_OK;
}

static int parse(int argc, char **argv, struct opts *o)
{
	enum { MAP_ROOT = 256, NO_SETGROUPS_DENY, NO_HELPERS, NO_MOUNTNS };
	static const struct option longopts[] = {
		{ "map", required_argument, NULL, 'm' },
		{ "map-root", no_argument, NULL, MAP_ROOT },
		{ "no-setgroups-deny", no_argument, NULL, NO_SETGROUPS_DENY },
		{ "no-helpers", no_argument, NULL, NO_HELPERS },
		{ "no-mountns", no_argument, NULL, NO_MOUNTNS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* -m arguments, kept until --map-root is known: its line goes first. */
	static char *maps[USERNS_MAX_EXTENTS];
	int n = 0, map_root = 0, c;

	*o = (struct opts){ 0 };
	opterr = 0;
	/* '+' stops at the first non-option, so CMD keeps its own options;
	 * ':' makes a missing argument return ':'. */
	while ((c = getopt_long(argc, argv, "+:m:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (n == USERNS_MAX_EXTENTS)
				return usage_error(PROG, "a map has at most %d lines", USERNS_MAX_EXTENTS);
			maps[n++] = optarg;
			break;
		case MAP_ROOT: map_root = 1; break;
		case NO_SETGROUPS_DENY: o->no_setgroups_deny = 1; break;
		case NO_HELPERS: o->no_helpers = 1; break;
		case NO_MOUNTNS: o->no_mountns = 1; break;
		case 'q': say_level = 0; break;
		case 'v': say_level = 2; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
		}
	}
	o->ranges_given = n > 0;
	if (optind < argc)
		o->cmd = &argv[optind];
	return build_maps(o, map_root, maps, n);
}

/* What a run puts in its directory (see make_dir()): the sweep of the
 * directories of runs killed with SIGKILL removes these and nothing else. */
static const char *const dir_entries[] = { "made-inside", "tmpfs", NULL };

/* The host directory the child writes in, and the tmpfs mount point. Its
 * name carries our pid, so that if we are killed with SIGKILL and cannot
 * remove it, the next run can tell it is ours and that we are gone. */
static int make_dir(struct demo *d)
{
	const char *tmp = getenv("TMPDIR");
	uint32_t root_outside;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	/* Before making ours: the directories of runs killed with SIGKILL. */
	sweep_tmpdirs(tmp, "nslab-05.", dir_entries);
	/* Room for "/nslab-05.PID.XXXXXX/made-inside" after TMPDIR. */
	if (strlen(tmp) > sizeof(d->dir) - 64) {
		nsl_error(ENAMETOOLONG, "mkdtemp(\"%.40s...\")", tmp);
		return -1;
	}
	snprintf(d->dir, sizeof(d->dir), "%s/nslab-05.%d.XXXXXX", tmp, (int)getpid());
	if (mkdtemp(d->dir) == NULL) {
		nsl_error(errno, "mkdtemp(\"%s\")", d->dir);
		d->dir[0] = '\0';
		return -1;
	}
	if (snprintf(d->file, sizeof(d->file), "%s/%s", d->dir, dir_entries[0]) < 0 ||
	    snprintf(d->mnt, sizeof(d->mnt), "%s/%s", d->dir, dir_entries[1]) < 0)
		return -1;
	if (mkdir(d->mnt, 0755) == -1) {
		nsl_error(errno, "mkdir(\"%s\")", d->mnt);
		return -1;
	}
	/* When root inside is not me outside (a range of subordinate ids),
	 * the child's writes come from an id that my 0700 directory shuts
	 * out. Open it as /tmp is: to everyone, with the sticky bit. */
	if (userns_to_outside(&d->o->uids, 0, &root_outside) == 0 &&
	    root_outside != (uint32_t)geteuid() && chmod(d->dir, 01777) == -1) {
		nsl_error(errno, "chmod(\"%s\", 01777)", d->dir);
		return -1;
	}
	say_more("made %s for the child to write in", d->dir);
	return 0;
}

/* Remove what make_dir() made and what the child put there. The tmpfs
 * needs no unmounting: it went away with the child's mount namespace. */
static void remove_dir(const struct demo *d)
{
	if (d->dir[0] == '\0')
		return;
	if (unlink(d->file) == -1 && errno != ENOENT)
		nsl_error(errno, "unlink(\"%s\")", d->file);
	if (rmdir(d->mnt) == -1 && errno != ENOENT)
		nsl_error(errno, "rmdir(\"%s\")", d->mnt);
	if (rmdir(d->dir) == -1)
		nsl_error(errno, "rmdir(\"%s\")", d->dir);
}

static int run(const struct opts *o)
{
	static struct demo d; /* three paths of PATH_MAX: not on the stack */
	int flags = CLONE_NEWUSER | (o->no_mountns ? 0 : CLONE_NEWNS);
	const char *flagtext = o->no_mountns ? "CLONE_NEWUSER|SIGCHLD" :
					       "CLONE_NEWUSER|CLONE_NEWNS|SIGCHLD";
	char id[NS_ID_MAX] = "?";
	int status = EXIT_FAIL;
	pid_t pid;

	d = (struct demo){ .o = o, .up = { -1, -1 }, .down = { -1, -1 } };
	ns_id(0, "user", id, sizeof(id));
	say("I am uid %u, gid %u, in %s", (unsigned)getuid(), (unsigned)getgid(), id);
	if (make_dir(&d) == -1)
		goto out;
	if (sync_open(d.up) == -1 || sync_open(d.down) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		goto out;
	}
	pid = proc_clone(child_main, &d, flags);
	if (pid == -1) {
		nsl_error(errno, "clone(%s)", flagtext);
		goto out;
	}
	say("clone(%s) = %d", flagtext, (int)pid);
	close(d.up[1]);
	d.up[1] = -1;
	close(d.down[0]);
	d.down[0] = -1;
	host_watch(&d, pid);
	/* Closing our ends tells a child still waiting to give up. */
	sync_close(d.up);
	sync_close(d.down);
	/* proc_wait() passes on a stop signal that interrupts it; one that
	 * came earlier, between two steps, is passed on here. */
	if (proc_stop_signal != 0)
		kill(pid, proc_stop_signal);
	status = proc_wait(pid);
	say("child %d exited with status %d", (int)pid, status);
out:
	sync_close(d.up);
	sync_close(d.down);
	remove_dir(&d);
	if (status == EXIT_OK && !o->ranges_given)
		host_suggest_ranges();
	return status;
}

int main(int argc, char **argv)
{
	static struct opts o; /* two maps of 340 lines: not on the stack */
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	status = parse(argc, argv, &o);
	if (status != EXIT_OK)
		return status;
	if (proc_trap_signals() == -1) {
		nsl_error(errno, "sigaction()");
		return EXIT_FAIL;
	}
	status = run(&o);
	if (proc_stop_signal != 0)
		return 128 + proc_stop_signal;
	return status;
}
