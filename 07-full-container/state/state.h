/* state.h - the record of the running containers: one file per
 * container in the state directory (/run/nslab as root,
 * $XDG_RUNTIME_DIR/nslab otherwise), held locked (flock) by the runtime
 * for as long as the container runs, so a record whose lock can be taken
 * belongs to a runtime that is gone: it is stale, and is removed.
 *
 * Pieces style: 0, or -1 with errno set and the call recorded for
 * nsl_failed_call() (common/fail.h), with a hint for nsl_failed_hint()
 * where one helps (XDG_RUNTIME_DIR unset, a state directory that is not
 * private, a name in use); nothing here prints or exits. */
#ifndef NSLAB_STATE_H
#define NSLAB_STATE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* The longest name a container may have, in bytes (ctr.h: CTR_NAME_MAX). */
#define STATE_NAME_MAX 64

struct state_rec {
	char name[STATE_NAME_MAX + 1];
	pid_t pid;                       /* the container's init, as the
					  * host sees it (0 until started) */
	pid_t runtime;                   /* the run that holds the lock */
	time_t started;
	int userns;                      /* 1 if it has its own user ns */
	char rootfs[PATH_MAX];
	char cmd[256];                   /* the command, spaces between */
};

/* The state directory's path into BUF, without making it: /run/nslab as
 * root, $XDG_RUNTIME_DIR/nslab otherwise (ENOENT when XDG_RUNTIME_DIR is
 * unset: never a path in /tmp, which anyone can take first). */
int state_path(char *buf, size_t len);

/* The state directory into BUF, created (0700, owned by us) if needed. */
int state_dir(char *buf, size_t len);

/* 0 if NAME can name a container: 1 to 64 bytes of [A-Za-z0-9_.-],
 * not starting with '.' or '-'. Else -1, with *WHY saying what is wrong. */
int state_check_name(const char *name, const char **why);

/* A new name, "nslab-" and 6 random hex digits, into BUF. */
int state_generate_name(char *buf, size_t len);

/* Hold a shared flock(2) on the state directory's file ".runs" (both
 * made if needed) until *HOLDFD is closed: every run holds one for its
 * whole life, and the kernel drops it when the run ends, SIGKILL
 * included. First, for a moment, an exclusive one is tried: *ALONE is 1
 * when it was had, so no other run of ours was running, and anything of a
 * run in the directory then is a killed run's leftover - worth a sweep.
 * 0 when another runs: a sweep would visit every one of them. A hint
 * only, never a rule for removing: every record is still judged by its
 * own lock. *HOLDFD is O_CLOEXEC; a child that inherits it must close
 * it. Take it before the record is made and keep it to the end: while it
 * is held, nobody removes the directory under us. */
int state_hold(int *holdfd, int *alone);

/* Close HOLDFD (state_hold(); -1: nothing) and, when that was the last
 * hold and the directory is empty, remove ".runs" and the directory. A
 * new open file is needed for that test, and flock(2) locks belong to
 * open files: our own shared lock would refuse it, so it goes first. */
void state_release(int holdfd);

/* Claim R->name: a stale record of that name is removed first; a live
 * one makes this fail with EEXIST. On success the record exists, holds
 * R (its runtime set to our pid, its start time to now if 0), and
 * *LOCKFD (O_CLOEXEC) holds its lock until state_remove(). A child that
 * inherits *LOCKFD must close it: flock(2) locks belong to the open file,
 * and a child holding it would keep a dead runtime's record "live". */
int state_create(const struct state_rec *r, int *lockfd);

/* Rewrite the record LOCKFD holds (to add the pid once known). The new
 * record replaces the old by rename(2), and LOCKFD then holds the new
 * one's lock (dup3() onto the same number). */
int state_update(int lockfd, const struct state_rec *r);

/* Remove the record NAME that LOCKFD locks, close LOCKFD, and remove the
 * state directory too when it is left empty. */
int state_remove(const char *name, int lockfd);

/* The live container TARGET names (its name, or its init's pid as the
 * host sees it) into R. ENOENT when there is none, EAGAIN when it is
 * still starting (no pid yet), ESRCH when its init has gone (the init
 * must be the recording runtime's child). Never makes the directory. */
int state_find(const char *target, struct state_rec *r);

/* Every live record, sorted by start time, into a malloc()ed array (free
 * it; NULL when empty); stale records met on the way are removed (*SWEPT
 * counts them), and the directory too when that leaves it empty. RECS
 * NULL (N unused): only that sweep, which tests each record's lock and
 * reads none - run's, every time, with however many containers running. */
int state_list(struct state_rec **recs, size_t *n, int *swept);

#endif
