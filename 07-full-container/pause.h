/* pause.h - the phases of run and their test hooks: --timing's line
 * (timing.h) and NSLAB_PAUSE_AT, which stops run at a named phase so
 * that a test can kill any process of the container at exactly that
 * point. pause.c lists the phases and says what exists at each. */
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

/* PHASE has ended, in whichever process ends it (the runtime, the init,
 * the command): its --timing line (timing_mark()), then, when
 * NSLAB_PAUSE_AT names it, "paused at PHASE (NSLAB_PAUSE_AT): WHAT" on
 * stderr (even with -q) and a wait. SIGKILL ends the wait with the
 * process; a signal the runtime passes on (SIGINT, SIGTERM, ...) that
 * this process has blocked ends it too, and is left pending for the
 * code that follows. One line where a phase ends: the story stays the
 * story. */
void ctr_phase(const char *phase);

#endif
