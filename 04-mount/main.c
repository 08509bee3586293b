/* 04-mount - a root filesystem of one's own: clone(CLONE_NEWNS).
 *
 * The parent clones a child into new mount, PID and UTS namespaces. The
 * child makes its copy of the mount tree private, so that nothing it
 * mounts can propagate back to the host, bind-mounts the rootfs onto
 * itself, binds the volumes, pivot_root()s into it, detaches the host's
 * tree, mounts a fresh /proc, and runs a command under a small init.
 * The parent compares the two mount tables while the child lives, and its
 * own table before and after: they must be identical.
 *
 * --chroot and --no-pidns each leave one door open on purpose, to show
 * what chroot and a missing PID namespace let through (leaks.c).
 * --propagation TYPE gives the container's tree another propagation than
 * private, to see what travels where; only in a scratch mount namespace.
 *
 * Read: mount_namespaces(7), pivot_root(2), mount(2), umount(2),
 * chroot(2), proc(5).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "fail.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-q] [-v] [-r ROOTFS] [-V HOST:CTR[:ro]]... [--chroot]\n"
		"                [--no-pidns] [--marker FILE] [--propagation TYPE]\n"
		"                [-- CMD [ARG...]]\n"
		"\n"
		"Run CMD in new mount, PID and UTS namespaces, in ROOTFS, and show that\n"
		"the host's mount table does not change.\n"
		"\n"
		"  -r, --rootfs DIR     the root filesystem (default: ./rootfs, or else the\n"
		"                       rootfs/ beside this program's bin/; `make rootfs`)\n"
		"  -V, --volume HOST:CTR[:ro|:rw]\n"
		"                       bind-mount HOST at CTR inside, read-only with :ro\n"
		"                       (:rw, the default, read-write)\n"
		"      --chroot         chroot instead of pivot_root, and show the escape\n"
		"      --no-pidns       keep the host's PID namespace, and show the way out\n"
		"                       through /proc/1/root\n"
		"      --marker FILE    the host's file those two read (default: a new one\n"
		"                       in /tmp holding a random word)\n"
		"      --propagation TYPE\n"
		"                       give the container's mounts the propagation TYPE\n"
		"                       (shared, slave, private or unbindable) instead of\n"
		"                       private; only in a scratch mount namespace, such as\n"
		"                       unshare -m --propagation private sh\n"
		"  -q, --quiet          no narration, errors only\n"
		"  -v, --verbose        more detail\n"
		"  -h, --help           this text\n"
		"\n"
		"Without CMD, a short tour runs inside: ps, mount, ls /. CMD's output is on\n"
		"stdout and its exit status becomes " PROG "'s. Exit: 0 ok, 1 failure,\n"
		"2 usage.\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "rootfs", required_argument, NULL, 'r' },
		{ "volume", required_argument, NULL, 'V' },
		{ "chroot", no_argument, NULL, 'c' },
		{ "no-pidns", no_argument, NULL, 'P' },
		{ "marker", required_argument, NULL, 'M' },
		{ "propagation", required_argument, NULL, 'G' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	/* '+': stop at the command; ':': a missing argument returns ':'. */
	while ((c = getopt_long(argc, argv, "+:r:V:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->rootfs = optarg; break;
		case 'V':
			if (o->nvol == MAX_VOLUMES)
				return usage_error(PROG, "at most %d volumes", MAX_VOLUMES);
			if (mnt_parse_volume(optarg, &o->vol[o->nvol]) == -1)
				return usage_error(PROG, "volume \"%s\" is not HOST:CTR[:ro] "
						   "with an absolute CTR other than /", optarg);
			o->nvol++;
			break;
		case 'c': o->use_chroot = 1; break;
		case 'P': o->no_pidns = 1; break;
		case 'M': o->marker = optarg; break;
		case 'G': o->propagation = optarg; break;
		case 'q': say_level = 0; break;
		case 'v': say_level = 2; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->cmd = &argv[optind];
	if (o->propagation != NULL && strcmp(o->propagation, "shared") != 0 &&
	    strcmp(o->propagation, "slave") != 0 && strcmp(o->propagation, "private") != 0 &&
	    strcmp(o->propagation, "unbindable") != 0)
		return usage_error(PROG, "--propagation \"%s\": pick shared, slave, private or unbindable",
				   o->propagation);
	if (o->marker != NULL && o->marker[0] == '\0')
		return usage_error(PROG, "--marker needs a file name");
	return EXIT_OK;
}

/* The host's mount namespace into BUF: PID 1's. Some hosts guard their
 * PID 1 even from root (leaks.c meets the same); then that of our oldest
 * ancestor whose link we may read, and failing that our own. */
static void host_mnt(char *buf, size_t len)
{
	char id[NS_ID_MAX], ppid[32];
	pid_t p = getppid();

	if (ns_id(1, "mnt", buf, len) == 0)
		return;
	ns_id(0, "mnt", buf, len);
	while (p > 1) {
		if (ns_id(p, "mnt", id, sizeof(id)) == 0)
			snprintf(buf, len, "%s", id);
		if (proc_status_field(p, "PPid", ppid, sizeof(ppid)) == -1)
			break;
		p = (pid_t)strtol(ppid, NULL, 10);
	}
}

/* --propagation lets mounts travel between the container and the
 * namespace 04-mount runs in (shared: both ways; slave: in only). Never
 * in the host's own mount namespace: only in a scratch one, which dies
 * with the shell that made it. */
static int scratch_only(const char *type)
{
	char mine[NS_ID_MAX] = "?", host[NS_ID_MAX] = "?";

	host_mnt(host, sizeof(host));
	if (ns_id(0, "mnt", mine, sizeof(mine)) == 0 && strcmp(mine, host) != 0)
		return 0;
	nsl_error(EPERM, "--propagation %s in %s, the host's own mount namespace", type, mine);
	nsl_hint("run me in a scratch mount namespace, where a mount that travels harms "
		 "nothing: unshare -m --propagation private sh, and mount --make-rshared / "
		 "in it for a host whose / is shared");
	return -1;
}

/* The evidence from outside, while the child waits: its mount table and
 * ours, read from /proc. */
static void compare(pid_t pid, size_t host_mounts)
{
	char theirs[NS_ID_MAX] = "?", mine[NS_ID_MAX] = "?";
	size_t n = 0;
	char *table = mnt_table(pid, &n);

	if (table == NULL) {
		nsl_error(errno, "%s", nsl_failed_call());
		return;
	}
	ns_id(pid, "mnt", theirs, sizeof(theirs));
	ns_id(0, "mnt", mine, sizeof(mine));
	say("the child in %s sees %zu mounts in /proc/%d/mountinfo; I see %zu in %s",
	    theirs, n, (int)pid, host_mounts, mine);
	free(table);
}

/* Clone the child, let it set up, look, let it run, wait. */
static int run_child(struct demo *d, size_t host_mounts)
{
	int flags = CLONE_NEWNS | CLONE_NEWUTS | (d->o->no_pidns ? 0 : CLONE_NEWPID);
	const char *names = d->o->no_pidns ? "CLONE_NEWNS|CLONE_NEWUTS|SIGCHLD"
					   : "CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS|SIGCHLD";
	pid_t pid;
	int status;

	if (sync_open(d->ready) == -1 || sync_open(d->go) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		sync_close(d->ready);
		return EXIT_FAIL;
	}
	pid = proc_clone(child_main, d, flags);
	if (pid == -1) {
		nsl_error(errno, "clone(%s)", names);
		sync_close(d->ready);
		sync_close(d->go);
		return EXIT_FAIL;
	}
	say("clone(%s) = %d", names, (int)pid);
	close(d->ready[1]);
	close(d->go[0]);
	/* If the child fails, it exits without posting and we read EOF. */
	if (sync_post(d->go[1]) == 0 && sync_wait(d->ready[0]) == 0)
		compare(pid, host_mounts);
	sync_post(d->go[1]);
	close(d->ready[0]);
	close(d->go[1]);
	/* proc_wait() passes on a stop signal that interrupts its wait; one
	 * that came during the handshake above must be passed on here. */
	if (proc_stop_signal != 0)
		kill(pid, proc_stop_signal);
	status = proc_wait(pid);
	say("child %d exited with status %d", (int)pid, status);
	return status;
}

/* Our own mount table after the child, against the one before. */
static int check_host(const char *before, size_t n_before)
{
	size_t n_after = 0;
	char *after = mnt_table(0, &n_after);
	int same;

	if (after == NULL) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	same = strcmp(before, after) == 0;
	if (same)
		say("my mount table is unchanged: the same %zu mounts as before", n_after);
	else /* not hidden by -q: this is what the demo exists to prevent */
		nsl_hint("my mount table CHANGED: %zu mounts before, %zu after; a "
			 "mount propagated here (was / made private first?)", n_before, n_after);
	free(after);
	return same ? 0 : -1;
}

static int run(struct demo *d)
{
	char prop[128] = "?", id[NS_ID_MAX] = "?";
	char *before;
	size_t n = 0;
	int status = EXIT_FAIL;

	before = mnt_table(0, &n);
	if (before == NULL) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_FAIL;
	}
	ns_id(0, "mnt", id, sizeof(id));
	mnt_propagation("/", prop, sizeof(prop));
	say("my mount table has %zu mounts, %s; my / is %s", n, id, prop);
	/* NOLINTBEGIN(clang-analyzer-core.NullDereference): main() sets d->o
	 * before it calls run(); clang-analyzer loses that across the call
	 * to find_rootfs() in main() and takes d->o for NULL. */
	if (make_targets(d) == 0 &&
	    ((!d->o->use_chroot && !d->o->no_pidns) || make_marker(d) == 0))
		status = run_child(d, n);
	/* NOLINTEND(clang-analyzer-core.NullDereference) */
	/* Whatever happened, put the host back as it was. The child's
	 * mounts died with its namespace; what may be left on disk is the
	 * put_old directory (if the child died halfway), the mount points
	 * made above, and the marker. Only a SIGKILL of ours can keep us from
	 * this: then the next run's stale_sweep() does it. */
	remove_put_old(d);
	remove_targets(d);
	remove_marker(d);
	if (check_host(before, n) == -1 && status == EXIT_OK)
		status = EXIT_FAIL;
	free(before);
	return status;
}

int main(int argc, char **argv)
{
	static struct opts o;
	static struct demo d = { .ready = { -1, -1 }, .go = { -1, -1 } };
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	status = parse(argc, argv, &o);
	if (status != EXIT_OK)
		return status;
	if (proc_trap_signals() == -1) {
		nsl_error(errno, "sigaction()");
		return EXIT_FAIL;
	}
	d.o = &o;
	if (o.propagation != NULL && scratch_only(o.propagation) == -1)
		return EXIT_FAIL;
	if (find_rootfs(o.rootfs, d.rootfs) == -1)
		return EXIT_FAIL;
	/* put_old is named by the parent, so the parent can remove it too;
	 * the pid in its name tells a later run whose it is. */
	snprintf(d.put_old, sizeof(d.put_old), "/.put_old.%d", (int)getpid());
	/* Before making anything: what runs killed with SIGKILL left. */
	stale_sweep(&d);
	status = run(&d);
	if (proc_stop_signal != 0)
		return 128 + proc_stop_signal;
	return status;
}
