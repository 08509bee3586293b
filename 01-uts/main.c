/* 01-uts - a hostname of one's own: clone(CLONE_NEWUTS).
 *
 * The parent shows its hostname and UTS namespace id, then clones a child
 * into a new UTS namespace. The child renames its namespace, shows the new
 * name and id, and runs CMD if one was given; the parent looks at the same
 * moment and shows that its own name never changed. With --unshare the
 * process moves itself with unshare(2), and a child forked beforehand
 * stays behind as the witness.
 *
 * Read: uts_namespaces(7), clone(2), unshare(2), sethostname(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"
#include "uts.h"

#define PROG "01-uts"

struct opts {
	const char *hostname;
	int use_unshare;
	char **cmd; /* NULL: no command, the child just exits */
};

/* What parent and child share across clone(): the options, and one pipe
 * in each direction. */
struct demo {
	const struct opts *o;
	int ready[2]; /* child -> parent: "I have renamed my namespace" */
	int go[2];    /* parent -> child: "start", later "I have looked" */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-q] [-v] [-n HOSTNAME] [--unshare] [-- CMD [ARG...]]\n"
		"\n"
		"Give a child its own UTS namespace (hostname) and show that the\n"
		"host's name does not change.\n"
		"\n"
		"  -n, --hostname NAME  the name to set inside (default " UTS_DEFAULT_NAME ")\n"
		"      --unshare        move this process with unshare(2) instead of\n"
		"                       cloning a child\n"
		"  -q, --quiet          no narration, errors only\n"
		"  -v, --verbose        more detail\n"
		"  -h, --help           this text\n"
		"\n"
		"CMD runs inside the new namespace; its output is on stdout and its\n"
		"exit status becomes " PROG "'s. Exit: 0 ok, 1 failure, 2 usage.\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "hostname", required_argument, NULL, 'n' },
		{ "unshare", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .hostname = UTS_DEFAULT_NAME };
	opterr = 0;
	/* The leading '+' stops at the first non-option, so the command's own
	 * options are left to it; ':' makes a missing argument return ':'. */
	while ((c = getopt_long(argc, argv, "+:n:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': o->hostname = optarg; break;
		case 'u': o->use_unshare = 1; break;
		case 'q': say_level = 0; break;
		case 'v': say_level = 2; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (uts_check_hostname(o->hostname) == -1)
		return usage_error(PROG, "hostname \"%s\" is %zu bytes; it must be 1 to %d",
				   o->hostname, strlen(o->hostname), HOST_NAME_MAX);
	if (optind < argc)
		o->cmd = &argv[optind];
	return EXIT_OK;
}

/* Print "what" followed by our hostname and UTS namespace id. */
static void show_uts(const char *what)
{
	char name[HOST_NAME_MAX + 1] = "?", id[NS_ID_MAX] = "?";

	uts_get_hostname(name, sizeof(name));
	ns_id(0, "uts", id, sizeof(id));
	say("%s \"%s\", %s", what, name, id);
}

/* Rename the namespace we are in: the step's one kernel call. */
static int rename_uts(const char *name)
{
	if (uts_set_hostname(name) == -1) {
		nsl_error(errno, "sethostname(\"%s\", %zu)", name, strlen(name));
		return -1;
	}
	say_more("sethostname(\"%s\", %zu) = 0", name, strlen(name));
	show_uts("hostname is now");
	return 0;
}

static int child(void *arg)
{
	struct demo *d = arg;

	say_role("child");
	if (proc_child_setup() == -1)
		return EXIT_FAIL;
	close(d->ready[0]);
	close(d->go[1]);
	/* Wait for the parent to finish its line about clone(), so the
	 * narration reads in the order things happen. */
	if (sync_wait(d->go[0]) == -1)
		return EXIT_FAIL;
	show_uts("new UTS namespace, still the parent's name:");
	if (rename_uts(d->o->hostname) == -1)
		return EXIT_FAIL;
	/* Stay alive while the parent looks: the namespace exists only as
	 * long as a process (or an open /proc/PID/ns file) holds it. */
	if (sync_post(d->ready[1]) == -1 || sync_wait(d->go[0]) == -1)
		return EXIT_FAIL;
	if (d->o->cmd != NULL)
		return proc_exec(d->o->cmd);
	return EXIT_OK;
}

/* The parent's look while the child lives: ids side by side, our name. */
static void compare(pid_t pid)
{
	char mine[NS_ID_MAX] = "?", theirs[NS_ID_MAX] = "?";

	ns_id(0, "uts", mine, sizeof(mine));
	if (ns_id(pid, "uts", theirs, sizeof(theirs)) == -1)
		nsl_error(errno, "readlink(\"/proc/%d/ns/uts\")", (int)pid);
	say("child %d is in %s, I am in %s: %s", (int)pid, theirs, mine,
	    strcmp(mine, theirs) == 0 ? "the same namespace" : "two namespaces");
	show_uts("my hostname is still");
}

static int demo_clone(const struct opts *o)
{
	struct demo d = { .o = o, .ready = { -1, -1 }, .go = { -1, -1 } };
	pid_t pid;
	int status;

	if (sync_open(d.ready) == -1 || sync_open(d.go) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		sync_close(d.ready);
		return EXIT_FAIL;
	}
	/* LAB 01.1 clone: start the child in a UTS namespace of its own
	 * level: 1
	 * minutes: 5
	 * warmup: yes
	 * checks: 01.1 01.2
	 * docs: docs/01-uts.md#the-system-calls
	 * fail: the child did not start in a new UTS namespace
	 * hint: proc_clone(FN, ARG, FLAGS) (common/proc.h) is clone(2) with SIGCHLD added
	 * hint: the child runs child(&d); the flag for a new UTS namespace is CLONE_NEW...
	 * hint: on failure record the call for the error line: nsl_fail("clone(...)") (common/fail.h)
	 * stub: (void)child;
	 * stub: errno = ENOSYS;
	 * stub: pid = nsl_fail("LAB 01.1: %s", "start the child in a UTS namespace of its own");
	 */
	pid = proc_clone(child, &d, CLONE_NEWUTS);
	if (pid == -1)
		nsl_fail("clone(CLONE_NEWUTS|SIGCHLD)");
	/* END LAB */
	if (pid == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		sync_close(d.ready);
		sync_close(d.go);
		return EXIT_FAIL;
	}
	say("clone(CLONE_NEWUTS|SIGCHLD) = %d", (int)pid);
	close(d.ready[1]);
	close(d.go[0]);
	/* If the child fails, it exits without posting and we read EOF. */
	if (sync_post(d.go[1]) == 0 && sync_wait(d.ready[0]) == 0)
		compare(pid);
	sync_post(d.go[1]);
	close(d.ready[0]);
	close(d.go[1]);
	status = proc_wait(pid);
	say("child %d exited with status %d", (int)pid, status);
	show_uts("after the child: my hostname is");
	return status;
}

/* --unshare: a witness forked first stays in the original namespace. */
static int demo_unshare(const struct opts *o)
{
	int moved[2];
	pid_t witness;
	int status, moved_rc;

	if (sync_open(moved) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		return EXIT_FAIL;
	}
	fflush(stderr);
	witness = fork();
	if (witness == -1) {
		nsl_error(errno, "fork()");
		sync_close(moved);
		return EXIT_FAIL;
	}
	if (witness == 0) {
		say_role("witness");
		proc_child_setup();
		close(moved[1]);
		if (sync_wait(moved[0]) == -1)
			_exit(EXIT_FAIL);
		show_uts("I did not move; my hostname is still");
		_exit(EXIT_OK);
	}
	close(moved[0]);
	say("forked witness %d; it stays in this namespace", (int)witness);
	/* LAB 01.3 unshare: move this process itself, not a child, into a new UTS namespace
	 * level: 1
	 * minutes: 10
	 * checks: 01.4
	 * docs: docs/01-uts.md#the-system-calls
	 * fail: the demo did not move itself into a new UTS namespace
	 * hint: namespaces(7), "The namespaces API": of its three calls, one moves the caller itself; it takes the flag clone(2) takes
	 * hint: -1 and errno on failure, as every call here; record the call for the error line (common/fail.h)
	 * stub: errno = ENOSYS;
	 * stub: moved_rc = nsl_fail("LAB 01.3: %s", "move this process into a new UTS namespace");
	 */
	moved_rc = unshare(CLONE_NEWUTS);
	if (moved_rc == -1)
		nsl_fail("unshare(CLONE_NEWUTS)");
	/* END LAB */
	if (moved_rc == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		close(moved[1]);
		proc_wait(witness);
		return EXIT_FAIL;
	}
	/* Same process, new namespace: from here on it no longer speaks for
	 * the host. */
	say_role("moved");
	show_uts("I moved myself, not a child; name copied:");
	status = rename_uts(o->hostname) == -1 ? EXIT_FAIL : EXIT_OK;
	sync_post(moved[1]);
	close(moved[1]);
	proc_wait(witness);
	if (status == EXIT_OK && o->cmd != NULL)
		return proc_exec(o->cmd);
	return status;
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
	show_uts("my hostname is");
	status = o.use_unshare ? demo_unshare(&o) : demo_clone(&o);
	if (proc_stop_signal != 0)
		return 128 + proc_stop_signal;
	return status;
}
