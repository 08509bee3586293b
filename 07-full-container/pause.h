/* pause.h - a test hook: stop at a named phase of run, so that a test can
 * kill any process of the container at exactly that point. pause.c
 * lists the phases and says what exists at each. */
#ifndef NSLAB_PAUSE_H
#define NSLAB_PAUSE_H

/* Read NSLAB_PAUSE_AT once, in the runtime, before anything is made (the
 * container's processes inherit what was read; the command's environment
 * is built from scratch and never holds the variable). 0 when it is
 * unset or names a phase; -1 with errno EINVAL when it names none. */
int ctr_pause_setup(void);

/* The value read, for an error message. */
const char *ctr_pause_wanted(void);

/* The phases, in the order run reaches them, separated by spaces. */
const char *ctr_pause_phases(void);

/* At PHASE: when NSLAB_PAUSE_AT names it, say "paused at PHASE
 * (NSLAB_PAUSE_AT): WHAT" on stderr (even with -q) and wait. SIGKILL
 * ends the wait with the process; a signal the runtime passes on
 * (SIGINT, SIGTERM, ...) that this process has blocked ends it too, and
 * is left pending for the code that follows. Otherwise a no-op. */
void ctr_pause_at(const char *phase, const char *what);

#endif
