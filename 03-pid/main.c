/* 03-pid - a process numbering of one's own: clone(CLONE_NEWPID).
 *
 * The child of clone(CLONE_NEWPID) is PID 1 of a new PID namespace, while
 * the host knows it by an ordinary pid. Being PID 1 comes with duties and
 * protections, and the demo shows each one with its evidence, one lesson
 * at a time, each in a namespace of its own:
 *
 *   pid1     the child is 1 to itself, 4243 to the host (pid1.c)
 *   orphans  PID 1 adopts orphans and must reap them (duties.c)
 *   signals  PID 1 gets only the signals it asked for; SIGKILL from the
 *            host kills it, and the whole namespace with it (duties.c)
 *   nested   a namespace inside a namespace: one pid per level (levels.c)
 *   pitfall  unshare(CLONE_NEWPID) and the fork that fails with ENOMEM,
 *            only with --pitfall (pitfall.c)
 *   proc     why ps still lists the host's processes (levels.c)
 *
 * With a command, only the first lesson runs, and the command takes the
 * child's place as PID 1 - or runs as PID 2 under nslab's init with
 * --init (pidns.c, the piece 07 reuses). --unshare runs it the other way,
 * the pitfall's rule kept: the demo unshares and forks the command.
 *
 * Read: pid_namespaces(7), namespaces(7), clone(2), unshare(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"
#include "ns.h"
#include "proc.h"
#include "say.h"

#define PROG "03-pid"

static int pid1_alone(void)
{
	return lesson_pid1(NULL, 0);
}

/* The lessons in the order they build on each other. */
static const struct {
	const char *name;
	int (*run)(void);
	int by_default; /* 0: only when asked for */
} lessons[] = {
	{ "pid1", pid1_alone, 1 },
	{ "orphans", lesson_orphans, 1 },
	{ "signals", lesson_signals, 1 },
	{ "nested", lesson_nested, 1 },
	{ "pitfall", lesson_pitfall, 0 },
	{ "proc", lesson_proc, 1 },
};

#define N_LESSONS (sizeof(lessons) / sizeof(lessons[0]))

struct opts {
	const char *only; /* run this lesson alone */
	int pitfall;      /* add the pitfall lesson */
	int use_init;     /* run CMD under nslab's init */
	int unshare;      /* run CMD as the first child after unshare() */
	char **cmd;       /* NULL: run the lessons */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-q] [-v] [--pitfall] [--only LESSON]\n"
		"       " PROG " [-q] [-v] [--init | --unshare] -- CMD [ARG...]\n"
		"\n"
		"Give a child its own PID namespace and show what being PID 1 means.\n"
		"\n"
		"      --pitfall       also show unshare(CLONE_NEWPID) and the fork()\n"
		"                      that then fails with ENOMEM\n"
		"      --only LESSON   run one lesson: pid1, orphans, signals, nested,\n"
		"                      pitfall or proc\n"
		"      --init          run CMD as PID 2 under a small init (which reaps\n"
		"                      orphans and passes signals on) instead of as PID 1\n"
		"      --unshare       run CMD as PID 1 the other way: unshare(CLONE_NEWPID)\n"
		"                      here, then fork() it, the first child in the namespace\n"
		"  -q, --quiet         no narration, errors only\n"
		"  -v, --verbose       more detail\n"
		"  -h, --help          this text\n"
		"\n"
		"CMD runs in the new namespace; its output is on stdout and its exit\n"
		"status (or 128 + the signal that killed it) becomes " PROG "'s.\n"
		"Exit: 0 ok, 1 failure, 2 usage.\n");
}

static int find_lesson(const char *name)
{
	for (size_t i = 0; i < N_LESSONS; i++)
		if (strcmp(lessons[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "pitfall", no_argument, NULL, 'p' },
		{ "only", required_argument, NULL, 'o' },
		{ "init", no_argument, NULL, 'i' },
		{ "unshare", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ 0 };
	opterr = 0;
	/* The leading '+' stops at the first non-option, so the command's own
	 * options are left to it; ':' makes a missing argument return ':'. */
	while ((c = getopt_long(argc, argv, "+:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pitfall = 1; break;
		case 'o': o->only = optarg; break;
		case 'i': o->use_init = 1; break;
		case 'u': o->unshare = 1; break;
		case 'q': say_level = 0; break;
		case 'v': say_level = 2; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->cmd = &argv[optind];
	if (o->only != NULL && find_lesson(o->only) == -1)
		return usage_error(PROG, "no lesson \"%s\": pick pid1, orphans, signals, nested, pitfall or proc",
				   o->only);
	if (o->cmd != NULL && (o->only != NULL || o->pitfall))
		return usage_error(PROG, "a command runs in lesson pid1 only: drop --only and --pitfall");
	if (o->cmd == NULL && o->use_init)
		return usage_error(PROG, "--init needs a command: " PROG " --init -- CMD [ARG...]");
	if (o->cmd == NULL && o->unshare)
		return usage_error(PROG, "--unshare needs a command: " PROG " --unshare -- CMD [ARG...]");
	if (o->use_init && o->unshare)
		return usage_error(PROG, "--init and --unshare are two ways to run CMD: pick one");
	return EXIT_OK;
}

static int wanted(const struct opts *o, size_t i)
{
	if (o->only != NULL)
		return strcmp(o->only, lessons[i].name) == 0;
	return lessons[i].by_default ||
	       (o->pitfall && strcmp(lessons[i].name, "pitfall") == 0);
}

/* Run the chosen lessons in order; stop at the first that fails, or when
 * a stop signal (Ctrl-C, SIGTERM, SIGHUP) came. */
static int run_lessons(const struct opts *o)
{
	int status = EXIT_OK;

	for (size_t i = 0; i < N_LESSONS && status == EXIT_OK && proc_stop_signal == 0; i++)
		if (wanted(o, i))
			status = lessons[i].run();
	return status;
}

int main(int argc, char **argv)
{
	char id[NS_ID_MAX] = "?";
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
	ns_id(0, "pid", id, sizeof(id));
	say("I am %d in %s", (int)getpid(), id);
	if (o.unshare) {
		status = lesson_unshare(o.cmd);
		if (proc_stop_signal != 0)
			status = 128 + proc_stop_signal;
		/* After unshare() this process can never start another: exit()
		 * would run atexit handlers, and a sanitizer's leak check among
		 * them clones a tracer, which fails here (pitfall.c). */
		fflush(stdout);
		fflush(stderr);
		_exit(status);
	}
	if (o.cmd != NULL)
		status = lesson_pid1(o.cmd, o.use_init);
	else
		status = run_lessons(&o);
	if (proc_stop_signal != 0)
		return 128 + proc_stop_signal;
	return status;
}
