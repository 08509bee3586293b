/* 02-ipc - message queues of one's own: clone(CLONE_NEWIPC).
 *
 * The parent makes two queues on the host, a System V one found by a key
 * and a POSIX one found by a name, and puts a message in each. A child in a
 * new IPC namespace looks both up, finds neither (ENOENT), and makes its own
 * under the same key and name. While the child lives, the parent looks
 * again: the key and the name still lead to its own queues and messages.
 * The child's queues die with its namespace; the parent removes its own
 * before it exits, also after a failure and on Ctrl-C or SIGTERM. Only
 * SIGKILL leaves them: the next run removes them first thing (stale.c).
 *
 * Read: ipc_namespaces(7), sysvipc(7), msgget(2), msgctl(2),
 * mq_overview(7), mq_open(3), clone(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"
#include "ipc.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "stale.h"
#include "sync.h"

#define PROG "02-ipc"
#define HOST_TEXT "hello from the host"
#define CHILD_TEXT "hello from the child"

struct opts {
	key_t key;           /* the SysV key both sides use */
	const char *mq_name; /* the POSIX queue name both sides use */
	char **cmd;          /* NULL: no command, the child just exits */
	char mq_default[32]; /* room for "/nslab-02-PID" */
};

/* The queues one side made. The host removes exactly these and nothing
 * else; the child leaves its own to die with its namespace. */
struct queues {
	int msqid;   /* -1: no SysV queue made */
	int mq_made; /* 1: the POSIX queue was created by this side */
};

/* What parent and child share across clone(). */
struct demo {
	const struct opts *o;
	int ready[2]; /* child -> parent: "I looked and made my own queues" */
	int go[2];    /* parent -> child: "start", later "I have looked" */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-q] [-v] [-k KEY] [-m NAME] [-- CMD [ARG...]]\n"
		"\n"
		"Give a child its own IPC namespace and show that message queues\n"
		"(SysV and POSIX) made on the host and in the child never meet.\n"
		"\n"
		"  -k, --key KEY   the SysV key (default 0x%08x + pid)\n"
		"  -m, --mq NAME   the POSIX queue name (default /nslab-02-PID)\n"
		"  -q, --quiet     no narration, errors only\n"
		"  -v, --verbose   more detail\n"
		"  -h, --help      this text\n"
		"\n"
		"CMD runs inside the new namespace (try: -- ipcs -q); its output is\n"
		"on stdout and its exit status becomes " PROG "'s. The queues made on\n"
		"the host are removed before exit. Exit: 0 ok, 1 failure, 2 usage.\n",
		IPC_KEY_BASE);
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "mq", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL;
	int c;

	o->key = ipc_default_key(getpid());
	ipc_default_mq_name(getpid(), o->mq_default, sizeof(o->mq_default));
	o->mq_name = o->mq_default;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:k:m:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'm': o->mq_name = optarg; break;
		case 'q': say_level = 0; break;
		case 'v': say_level = 2; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return usage_error(PROG, "option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error(PROG, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (key != NULL && ipc_parse_key(key, &o->key) == -1)
		return usage_error(PROG, "key \"%s\" must be a number from 1 to 0xffffffff "
				   "(0 is IPC_PRIVATE)", key);
	if (ipc_check_mq_name(o->mq_name) == -1)
		return usage_error(PROG, "queue name \"%s\" must be \"/\" and 1 to %d more "
				   "characters, none of them \"/\"", o->mq_name, IPC_MQ_NAME_MAX - 1);
	o->cmd = optind < argc ? &argv[optind] : NULL;
	return EXIT_OK;
}

static void show_ns(const char *what)
{
	char id[NS_ID_MAX] = "?";

	ns_id(0, "ipc", id, sizeof(id));
	say("%s %s", what, id);
}

/* Make a SysV queue under the key and a POSIX queue under the name, put
 * TEXT in each, and record in Q what was made. The SysV queue comes first
 * and goes last (host_clean()): a run killed in between leaves it as the
 * record by which the next run finds the POSIX queue too (stale.c). */
static int make_queues(const struct opts *o, const char *text, struct queues *q)
{
	mqd_t mq;

	q->msqid = ipc_msg_create(o->key);
	if (q->msqid == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	if (ipc_msg_send(q->msqid, text) == -1) {
		nsl_error(errno, "msgsnd(%d, \"%s\")", q->msqid, text);
		return -1;
	}
	say("msgget(0x%08x, IPC_CREAT|IPC_EXCL|0600) = %d, msgsnd \"%s\"",
	    (unsigned int)o->key, q->msqid, text);
	mq = ipc_mq_create(o->mq_name);
	if (mq == (mqd_t)-1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	q->mq_made = 1;
	if (ipc_mq_send(mq, text) == -1) {
		nsl_error(errno, "mq_send(\"%s\", \"%s\")", o->mq_name, text);
		mq_close(mq);
		return -1;
	}
	/* Closing the descriptor leaves the queue: it lives on, by name,
	 * until mq_unlink() or the end of its namespace. */
	mq_close(mq);
	say("mq_open(\"%s\", O_CREAT|O_EXCL|O_RDWR, 0600), mq_send \"%s\"", o->mq_name, text);
	return 0;
}

/* Remove what the host made, the POSIX queue first (see make_queues()).
 * SysV queues and POSIX queues both have kernel persistence: no process
 * exit removes them, only this (or the end of the namespace, which for
 * the host's never comes). */
static int host_clean(const struct opts *o, const struct queues *q)
{
	int status = EXIT_OK;

	if (q->mq_made && ipc_mq_remove(o->mq_name) == -1) {
		nsl_error(errno, "mq_unlink(\"%s\")", o->mq_name);
		status = EXIT_FAIL;
	} else if (q->mq_made) {
		say("mq_unlink(\"%s\"): my POSIX queue is removed", o->mq_name);
	}
	if (q->msqid != -1 && ipc_msg_remove(q->msqid) == -1) {
		nsl_error(errno, "msgctl(%d, IPC_RMID)", q->msqid);
		status = EXIT_FAIL;
	} else if (q->msqid != -1) {
		say("msgctl(%d, IPC_RMID): my SysV queue is removed", q->msqid);
	}
	return status;
}

/* A lookup that must fail with ENOENT: here that failure is the evidence,
 * so it is narrated, not reported as an error. */
static int expect_enoent(int found, int err, const char *call, const char *what)
{
	if (found) {
		say("%s found a %s: this is not a new IPC namespace", call, what);
		return -1;
	}
	if (err != ENOENT) {
		nsl_error(err, "%s", call);
		return -1;
	}
	say("%s: %s - no %s here", call, strerror(err), what);
	return 0;
}

/* In the child: the host's key and name lead nowhere, since lookups only
 * search the caller's IPC namespace, and a new one starts empty. */
static int child_look(const struct opts *o)
{
	char call[IPC_MQ_NAME_MAX + 64];
	mqd_t mq;
	int id;

	snprintf(call, sizeof(call), "msgget(0x%08x, 0)", (unsigned int)o->key);
	id = ipc_msg_find(o->key);
	if (expect_enoent(id != -1, errno, call, "SysV queue with that key") == -1)
		return -1;
	snprintf(call, sizeof(call), "mq_open(\"%s\", O_RDONLY)", o->mq_name);
	mq = ipc_mq_find(o->mq_name);
	if (mq != (mqd_t)-1)
		mq_close(mq);
	return expect_enoent(mq != (mqd_t)-1, errno, call, "POSIX queue with that name");
}

static int child(void *arg)
{
	struct demo *d = arg;
	struct queues mine = { .msqid = -1 }; /* they end with our namespace */

	say_role("child");
	if (proc_child_setup() == -1)
		return EXIT_FAIL;
	close(d->ready[0]);
	close(d->go[1]);
	if (sync_wait(d->go[0]) == -1)
		return EXIT_FAIL;
	show_ns("my IPC namespace is new:");
	if (child_look(d->o) == -1 || make_queues(d->o, CHILD_TEXT, &mine) == -1)
		return EXIT_FAIL;
	/* Stay alive while the parent looks: our queues live as long as our
	 * namespace, and it lives as long as a process is in it. */
	if (sync_post(d->ready[1]) == -1 || sync_wait(d->go[0]) == -1)
		return EXIT_FAIL;
	if (d->o->cmd != NULL)
		return proc_exec(d->o->cmd);
	return EXIT_OK;
}

/* In the host, while the child lives: the same key must still give our
 * queue, with one message, sent by us - not the child's. */
static int host_look_sysv(const struct opts *o, const struct queues *q)
{
	pid_t last;
	long n;
	int id;

	id = ipc_msg_find(o->key);
	if (id == -1) {
		nsl_error(errno, "msgget(0x%08x, 0)", (unsigned int)o->key);
		return -1;
	}
	if (ipc_msg_stat(id, &n, &last) == -1) {
		nsl_error(errno, "msgctl(%d, IPC_STAT)", id);
		return -1;
	}
	say("msgget(0x%08x, 0) = %d (%s), IPC_STAT: %ld message%s, last sent by pid %d%s",
	    (unsigned int)o->key, id, id == q->msqid ? "mine" : "NOT mine", n,
	    n == 1 ? "" : "s", (int)last, last == getpid() ? " (me)" : "");
	return id == q->msqid && n == 1 && last == getpid() ? 0 : -1;
}

/* The same for the name: one message, and it is ours. */
static int host_look_posix(const struct opts *o)
{
	char text[IPC_TEXT_MAX + 1];
	mqd_t mq;
	long n;

	mq = ipc_mq_find(o->mq_name);
	if (mq == (mqd_t)-1) {
		nsl_error(errno, "mq_open(\"%s\", O_RDONLY)", o->mq_name);
		return -1;
	}
	n = ipc_mq_count(mq);
	if (n == -1 || ipc_mq_receive(mq, text, sizeof(text)) == -1) {
		nsl_error(errno, "mq_receive(\"%s\")", o->mq_name);
		mq_close(mq);
		return -1;
	}
	mq_close(mq);
	say("mq_open(\"%s\", O_RDONLY): %ld message%s, mq_receive \"%s\"",
	    o->mq_name, n, n == 1 ? "" : "s", text);
	return n == 1 && strcmp(text, HOST_TEXT) == 0 ? 0 : -1;
}

static int host_look(pid_t pid, const struct opts *o, const struct queues *q)
{
	char mine[NS_ID_MAX] = "?", theirs[NS_ID_MAX] = "?";

	ns_id(0, "ipc", mine, sizeof(mine));
	if (ns_id(pid, "ipc", theirs, sizeof(theirs)) == -1)
		nsl_error(errno, "readlink(\"/proc/%d/ns/ipc\")", (int)pid);
	say("child %d is in %s, I am in %s: %s", (int)pid, theirs, mine,
	    strcmp(mine, theirs) == 0 ? "the same namespace" : "two namespaces");
	if (host_look_sysv(o, q) == -1)
		return -1;
	return host_look_posix(o);
}

/* Wait for the child, then look for a process left in its namespace (INO,
 * 0 if unknown). A namespace lives while a process is in it, or while its
 * /proc/PID/ns file is open or bind-mounted; after that the kernel frees
 * it and every IPC object in it, so the child's queues need no cleanup. */
static int reap(pid_t pid, unsigned long ino)
{
	pid_t other;
	int status;

	/* proc_wait() passes on a signal that comes while it waits; one
	 * that came earlier is passed on here. */
	if (proc_stop_signal != 0)
		kill(pid, proc_stop_signal);
	status = proc_wait(pid);
	if (status == -1) {
		nsl_error(errno, "waitpid(%d)", (int)pid);
		return EXIT_FAIL;
	}
	say("child %d exited with status %d", (int)pid, status);
	other = ino != 0 ? ipc_ns_member(ino) : -2;
	if (other == -1)
		nsl_error(errno, "opendir(\"/proc\")");
	else if (other > 0)
		say("process %d is still in ipc:[%lu]: it and the child's queues live on", (int)other, ino);
	else if (other == 0)
		say("no process is left in ipc:[%lu]: unless its ns file is held open, "
		    "the kernel frees it and the child's queues with it", ino);
	return status;
}

static int run_child(const struct opts *o, const struct queues *q)
{
	struct demo d = { .o = o, .ready = { -1, -1 }, .go = { -1, -1 } };
	unsigned long ino = 0;
	int looked = -1, status;
	pid_t pid;

	if (sync_open(d.ready) == -1 || sync_open(d.go) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		sync_close(d.ready);
		return EXIT_FAIL;
	}
	/* LAB 02.1 clone: start the child in an IPC namespace of its own
	 * level: 1
	 * minutes: 5
	 * checks: 02.1 02.4
	 * docs: docs/02-ipc.md#the-system-calls
	 * fail: the child did not start in a new IPC namespace
	 * hint: ipc_namespaces(7): System V objects and POSIX queues exist per IPC namespace; clone(2), "The flags mask", has one flag per type of namespace
	 * hint: the wrapper the steps use is in common/proc.h (01-uts/main.c calls it); the child runs child(&d)
	 * hint: on failure record the call for the error line (common/fail.h)
	 * stub: (void)child;
	 * stub: errno = ENOSYS;
	 * stub: pid = nsl_fail("LAB 02.1: %s", "start the child in an IPC namespace of its own");
	 */
	pid = proc_clone(child, &d, CLONE_NEWIPC);
	if (pid == -1)
		nsl_fail("clone(CLONE_NEWIPC|SIGCHLD)");
	else
		say("clone(CLONE_NEWIPC|SIGCHLD) = %d", (int)pid);
	/* END LAB */
	if (pid == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		sync_close(d.ready);
		sync_close(d.go);
		return EXIT_FAIL;
	}
	close(d.ready[1]);
	close(d.go[0]);
	/* If the child fails, it exits without posting and we read EOF; if a
	 * signal stops us, the read returns EINTR. Either way: no look. */
	if (sync_post(d.go[1]) == 0 && sync_wait(d.ready[0]) == 0) {
		ino = ns_inode(pid, "ipc");
		looked = host_look(pid, o, q);
	}
	/* Without a second "go" the child reads EOF and gives up. */
	if (looked == 0 && proc_stop_signal == 0)
		sync_post(d.go[1]);
	close(d.ready[0]);
	close(d.go[1]);
	status = reap(pid, ino);
	return looked == 0 ? status : EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct queues host = { .msqid = -1 };
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
	stale_sweep();
	show_ns("my IPC namespace is");
	say_more("SysV key 0x%08x, POSIX queue name \"%s\"", (unsigned int)o.key, o.mq_name);
	status = make_queues(&o, HOST_TEXT, &host) == -1 ? EXIT_FAIL : EXIT_OK;
	if (status == EXIT_OK && proc_stop_signal == 0)
		status = run_child(&o, &host);
	if (proc_stop_signal != 0)
		say("caught signal %d (%s): removing my queues, then exit %d",
		    (int)proc_stop_signal, strsignal(proc_stop_signal), 128 + proc_stop_signal);
	if (host_clean(&o, &host) != EXIT_OK && status == EXIT_OK)
		status = EXIT_FAIL;
	return proc_stop_signal != 0 ? 128 + proc_stop_signal : status;
}
