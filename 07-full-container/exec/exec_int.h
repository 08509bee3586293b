/* exec_int.h - what the three exec files share (exec.c, exec_open.c,
 * exec_join.c), and nothing else includes: exec's context, which the
 * joiner and the command get as copies through fork() and clone(), and
 * the steps one file calls in another. */
#ifndef NSLAB_EXEC_INT_H
#define NSLAB_EXEC_INT_H

#include <sys/types.h>

#include "../../06-setns/join.h"
#include "../state/state.h"
#include "exec.h"

struct exec_ctx {
	struct state_rec rec;
	struct join_target t;
	pid_t host;          /* this process, for the joiner's check */
	uid_t uid;           /* -u, or 0:0 */
	gid_t gid;
	char **cmd;
	int sfd;             /* signalfd: SIGCHLD and the forwarded signals */
	int go[2];           /* host -> cmd: "you may run" (EOF: host gone) */
	int pidp[2];         /* joiner -> host: the command's pid */
	int execp[2];        /* the OCI runtime's --detach: cmd -> host, a
			      * byte when it failed before its execve(),
			      * end of file once it exec'd (O_CLOEXEC) */
	int time_children;   /* 1: t's time fd is ns/time_for_children */
	const struct exec_spec *spec; /* the OCI runtime's exec (exec.h); NULL
				       * for exec's own */
};

/* exec_open.c: the live container TARGET (a name, or the pid ps shows)
 * into REC. 0, or -1 after the failure has been reported. */
int exec_find_container(const char *target, struct state_rec *rec);

/* exec_open.c: open every namespace of X->rec's container that is not
 * ours already into X->t, and say which. 0, or -1 after the report. */
int exec_open_container(struct exec_ctx *x);

/* exec_join.c: the joiner's body, in the forked child: join, clone the
 * command, send its pid to the host. Its exit status. */
int exec_joiner(struct exec_ctx *x);

#endif
