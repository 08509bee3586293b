/* pause.c - the phases of run, and the two test hooks at each:
 * ctr_phase("NAME") is the one line run.c, container.c and command.c
 * have where a phase ends.
 *
 * --timing (timing.c) prints the time of every phase. NSLAB_PAUSE_AT=
 * PHASE stops run at one of those marked below, so that a test
 * (tests/reliability.bats) or a curious reader can kill whatever it
 * wants at exactly that point and see what is left, and who removes it.
 * docs/reliability.md shows it by hand.
 *
 * The phases, in the order run reaches them; those a run can pause at
 * with what exists there (the others are only timed: cgroup, placed,
 * net, ready, exited and cleaned, see timing.h):
 *
 *   phase     who          what exists
 *   claimed   the runtime  the state record, made and locked; no container
 *   cloned    the runtime  the init, in its new namespaces, waiting for
 *                          "go"; no maps yet, nothing mounted
 *   mapped    the runtime  the uid and gid maps, written (only with a user
 *                          namespace: rootless, or --userns)
 *   go        the init     "go" came; PR_SET_PDEATHSIG is set; the init is
 *                          root of its user namespace, nothing mounted
 *   mounted   the init     the rootfs is / with /proc, /dev, /sys and the
 *                          volumes; mount points it made in the rootfs
 *                          are in the record named after the runtime
 *   hardened  the init     capabilities, no_new_privs, seccomp; no command
 *   forked    the init     the command, PID 2, cloned; nobody reaps yet
 *   exec      the command  user, environment, cwd, fds and signals set;
 *                          execvp() is next
 *
 * There is no phase in the init before PR_SET_PDEATHSIG: a pause there
 * would keep the init alive after its runtime died, which the real init
 * never does (it sees the runtime's pipe close, see container.c).
 *
 * Read: signalfd(2), poll(2), sigpending(2), pause(2).
 */
#define _GNU_SOURCE
#include "pause.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "container.h"
#include "say.h"
#include "timing.h"

/* The phases a run may pause at, and the line it says there. */
static const struct {
	const char *name, *what;
} phases[] = {
	{ "claimed", "the state record is made and locked; no container yet" },
	{ "cloned", "the init is in its new namespaces, waiting for \"go\"; no maps yet, "
		    "nothing mounted" },
	{ "mapped", "the uid and gid maps are written; the init still waits for \"go\"" },
	{ "go", "\"go\" came, PR_SET_PDEATHSIG is set; nothing is mounted yet" },
	{ "mounted", "the rootfs is / now, with /proc, /dev, /sys and the volumes; the mount "
		     "points made in it are in the runtime's record there" },
	{ "hardened", "capabilities, no_new_privs and seccomp are in place; no command yet" },
	{ "ready", "the runtime has the init's \"ready\" (the init goes on); run notes its pid "
		   "in the record next, the OCI runtime's create writes its state" },
	{ "forked", "the command (PID 2) is cloned; nobody reaps it yet" },
	{ "exec", "user, environment, cwd, fds and signals are set; execvp() is next" },
};

/* The runtime reads the variable; the init and the command are its
 * clone() children and have a copy of this buffer. */
static char wanted[32];

int ctr_pause_setup(void)
{
	const char *v = getenv("NSLAB_PAUSE_AT");

	if (v == NULL || *v == '\0')
		return 0;
	snprintf(wanted, sizeof(wanted), "%s", v);
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		if (strcmp(v, phases[i].name) == 0)
			return 0;
	errno = EINVAL;
	return -1;
}

const char *ctr_pause_wanted(void)
{
	return wanted;
}

const char *ctr_pause_phases(void)
{
	static char list[128];
	size_t used = 0;

	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]) && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
					 i > 0 ? " " : "", phases[i].name);
	return list;
}

/* Wait for SIGKILL, or for a signal that is passed on and that we have
 * blocked: the runtime blocks them all before it starts, the init
 * inherits its mask, the command empties its own. A signalfd shows that
 * such a signal is pending without taking it (poll() only looks), so
 * once we go on, the runtime's or the init's own signalfd reads it, as
 * it would have without the pause. Signals not blocked (the command's)
 * act as they would anyway: SIGTERM ends the command. */
static void wait_for_a_signal(const char *phase)
{
	static const int forwarded[] = CTR_FORWARDED;
	struct pollfd pfd = { .fd = -1, .events = POLLIN };
	sigset_t blocked, set, pending;

	sigemptyset(&set);
	if (sigprocmask(SIG_BLOCK, NULL, &blocked) == 0)
		for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
			if (sigismember(&blocked, forwarded[i]) == 1)
				sigaddset(&set, forwarded[i]);
	if (!sigisemptyset(&set))
		pfd.fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (pfd.fd == -1)
		for (;;)
			pause();
	while (poll(&pfd, 1, -1) == -1 && errno == EINTR)
		;
	close(pfd.fd);
	sigemptyset(&pending);
	sigpending(&pending);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (sigismember(&pending, forwarded[i]) == 1) {
			say("resumed at %s: SIG%s came; it is left pending for what follows",
			    phase, sigabbrev_np(forwarded[i]));
			break;
		}
}

void ctr_phase(const char *phase)
{
	int level = say_level;

	timing_mark(phase);
	if (wanted[0] == '\0' || strcmp(phase, wanted) != 0)
		return;
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		if (strcmp(phase, phases[i].name) != 0)
			continue;
		/* Said even with -q: a test waits for exactly this line. */
		if (say_level < 1)
			say_level = 1;
		say("paused at %s (NSLAB_PAUSE_AT): %s", phase, phases[i].what);
		say_level = level;
		wait_for_a_signal(phase);
	}
}
