/* demo.h - what the files of 06-setns's demo share. The piece is join.c;
 * main.c is the outline, enter.c the narrated join and the command,
 * target.c the demo's own target, built from the pieces of 01-04. */
#ifndef NSLAB_06_DEMO_H
#define NSLAB_06_DEMO_H

#include <limits.h>
#include <sys/ipc.h>
#include <sys/types.h>

#define PROG "06-setns"

/* The namespaces the demo's target has of its own, and joins. */
#define DEMO_FLAGS (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS)

enum mode {
	MODE_DEMO,    /* no -t: start a target, then join it */
	MODE_JOIN,    /* -t PID: join PID's namespaces, run CMD */
	MODE_LIST,    /* --list PID */
	MODE_COMPARE, /* --compare PID1 PID2 */
};

struct opts {
	enum mode mode;
	pid_t pid, pid2;
	int flags;     /* CLONE_NEW* asked for with --uts, ... */
	int all;       /* --all: every type the target has */
	int use_pidfd; /* --pidfd */
	int threaded;  /* --threaded: start a thread before joining */
	char **cmd;    /* NULL: the default command */
};

/* The demo's target, as the host knows it. */
struct target {
	pid_t pid;
	int ready[2]; /* target -> host: "my namespaces are set up" */
	int hold[2];  /* host -> target: "go"; then held until the end */
	char hostname[HOST_NAME_MAX + 1];
	key_t key;    /* the SysV queue it made in its IPC namespace */
};

/* target.c: clone the target with DEMO_FLAGS and wait until it is
 * ready; kill it and reap it. Both narrate; both return -1 on failure
 * after reporting it. */
int target_start(struct target *tg);
int target_stop(struct target *tg);

/* enter.c: join the namespaces FLAGS of process PID, then fork a child
 * that runs CMD there. TG, when not NULL, is the demo's own target: the
 * child then shows what it sees of it first. Returns the command's
 * status (exit code, 128 + signal, 126/127), or EXIT_FAIL. */
int enter_and_run(const struct opts *o, pid_t pid, int flags, char **cmd,
		  const struct target *tg);

#endif
