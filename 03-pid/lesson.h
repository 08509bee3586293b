/* lesson.h - what the lessons of 03-pid share.
 *
 * Every lesson is the same play in three parts: the host clones an init
 * into a new PID namespace, the two sides take turns (one speaks while the
 * other waits on a pipe, so the narration always comes in the order the
 * events happen), and the host waits for the init. The turns:
 *
 *     host                              inside
 *     lesson_clone() --- "go" --------> lesson_inside()
 *                                       ... says what it sees ...
 *     lesson_await() <------ "up" ----- lesson_handover()
 *     ... looks from outside ...
 *     lesson_resume() ----- "down" ---> (lesson_handover() returns)
 *     lesson_end()                      returns, and the namespace ends
 *
 * If either side dies, the other reads EOF instead of waiting forever.
 */
#ifndef NSLAB_PID_LESSON_H
#define NSLAB_PID_LESSON_H

#include <stddef.h>
#include <sys/types.h>

struct lesson {
	int up[2];   /* inside -> host: "your turn" */
	int down[2]; /* host -> inside: "go", then "go on" */
	int chan[2]; /* inside -> host: a pid, translated by the kernel */
	void *data;  /* the lesson's own */
};

/* The lessons, in the order the demo runs them: pid1.c, duties.c,
 * levels.c, pitfall.c. */
int lesson_pid1(char **cmd, int use_init);
int lesson_unshare(char **cmd); /* --unshare, in pid1.c */
int lesson_orphans(void);
int lesson_signals(void);
int lesson_nested(void);
int lesson_pitfall(void);
int lesson_proc(void);

/* Host side. lesson_open() makes the pipes and the pid channel;
 * lesson_clone() starts FN(L) as PID 1 of a new PID namespace and says so;
 * lesson_end() closes the host's ends, waits for the init and returns
 * EXIT_OK if OK and the init exited 0, else EXIT_FAIL. */
int lesson_open(struct lesson *l);
pid_t lesson_clone(struct lesson *l, int (*fn)(void *));
int lesson_await(struct lesson *l);
int lesson_resume(struct lesson *l);
int lesson_end(struct lesson *l, pid_t pid, int ok);
void lesson_close(struct lesson *l); /* only close the host's ends */

/* Inside: take ROLE for the narration, close the host's ends, wait for
 * "go". Then lesson_handover() gives the host its turn and waits for it. */
int lesson_inside(struct lesson *l, const char *role);
int lesson_handover(struct lesson *l);

/* Small things several lessons print. */
const char *nspid_text(pid_t pid, char *buf, size_t len); /* "4243 1" */
int stat_of(pid_t pid, char *state, pid_t *ppid); /* from /proc/PID/stat */
const char *sig_name(int sig);

#endif
