/* sweep.h - what a run killed with SIGKILL left on the host, removed by
 * the next run.
 *
 * SIGKILL cannot be caught, blocked or ignored (signal(7)): a demo killed
 * with it gets no chance to remove what it made. The kernel still cleans
 * up its processes (each child asked for SIGKILL when its parent dies) and
 * its mounts (they die with their namespace), but not what outlives a
 * process by design: a SysV queue, a directory. So every such object a
 * demo makes carries the pid of the run that made it in its name, and each
 * run starts by removing the objects of its own kind whose run is gone.
 * An object whose run is alive is never touched: that is a run going on
 * in parallel.
 */
#ifndef NSLAB_SWEEP_H
#define NSLAB_SWEEP_H

#include <sys/types.h>

/* If NAME is PREFIX followed by a pid (decimal digits, no sign, no
 * leading zero), store the pid in *PID and return the rest of NAME, the
 * part after the digits; otherwise return NULL. */
const char *sweep_pid_in(const char *name, const char *prefix, pid_t *pid);

/* 1 if the run with pid PID is gone: there is no such process, or it
 * is a zombie (it has exited; its parent has not collected its status
 * yet) - a pidfd tells both, kill(PID, 0) and /proc where there is no
 * pidfd - or PID is the caller's own - a run
 * sweeps before it makes anything, so an object named after its pid is
 * an earlier run's, whose pid has come round again. 0 otherwise: EPERM,
 * for one, means a process we may not signal exists. See kill(2). */
int sweep_run_gone(pid_t pid);

/* Remove from directory DIR each directory "PREFIX.PID.XXXXXX" (PREFIX
 * with the dot, e.g. "nslab-05.", then what mkdtemp(3) makes of
 * "PREFIX.PID.XXXXXX") that the caller owns and whose run is gone, with
 * the entries FILES (names a run puts there, files or empty directories;
 * NULL ends the list). Anything else inside keeps the directory, with an
 * error saying so. Says one line for each directory removed. */
void sweep_tmpdirs(const char *dir, const char *prefix, const char *const files[]);

#endif
