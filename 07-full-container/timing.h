/* timing.h - where a run's time goes: `run --timing` prints one line on
 * stderr at the end of each phase, from whichever process ends it (the
 * runtime, the init, the command), measured from the runtime's start:
 *
 *     timing: cloned     +1.234 ms
 *
 * CLOCK_MONOTONIC is one clock for the whole machine, so the three
 * processes' readings compare; the start is in the memory the init and
 * the command get a copy of. Inside a time namespace with --monotonic
 * the command's clock is shifted: timing_shift() takes the shift back
 * out. bench/ reads these lines (make bench). */
#ifndef NSLAB_TIMING_H
#define NSLAB_TIMING_H

/* Turn timing on, with now as the start. */
void timing_start(void);

/* The command's CLOCK_MONOTONIC is SECONDS ahead of the runtime's. */
void timing_shift(long long seconds);

/* PHASE has ended: its line, when timing is on. One write(2), so lines
 * from the three processes never mix. */
void timing_mark(const char *phase);

#endif
