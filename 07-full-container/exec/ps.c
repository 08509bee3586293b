/* ps.c - the running containers, one row each, as docker ps lists them.
 *
 * The list is the state directory's (state.c): a record whose runtime
 * still holds its lock is a running container; one whose lock is free was
 * left by a runtime that is gone (SIGKILL gives no chance to clean up),
 * and is removed on the way, as are the cgroups such a runtime left
 * (cgroup_sweep(), cgroup_kill.c). The table goes to stdout, for a reader
 * or a script; what was swept is told on stderr.
 */
#define _GNU_SOURCE
#include "../ctr.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../cgroup/cgroup.h"
#include "fail.h"
#include "say.h"
#include "../state/state.h"

/* How long ago STARTED was, the way docker ps says it: "5 seconds". */
static void uptime(time_t started, time_t now, char *buf, size_t len)
{
	static const struct {
		long secs;
		const char *unit;
	} units[] = { { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" } };
	long s = now > started ? (long)(now - started) : 0;
	size_t i = 0;

	while (i + 1 < sizeof(units) / sizeof(units[0]) && s < units[i].secs)
		i++;
	s /= units[i].secs;
	snprintf(buf, len, "%ld %s%s", s, units[i].unit, s == 1 ? "" : "s");
}

/* One row's cells: NAME, PID, UPTIME, ROOTFS (COMMAND is the record's). */
struct row {
	char pid[16];
	char up[32];
};

static void fill(const struct state_rec *r, time_t now, struct row *w)
{
	if (r->pid == 0) {
		snprintf(w->pid, sizeof(w->pid), "-");
		snprintf(w->up, sizeof(w->up), "starting");
	} else {
		snprintf(w->pid, sizeof(w->pid), "%d", (int)r->pid);
		uptime(r->started, now, w->up, sizeof(w->up));
	}
}

static int max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

/* The table: each column as wide as its widest cell, three spaces
 * between, COMMAND last so that a long one bends nothing. */
static void print_table(const struct state_rec *recs, const struct row *rows, size_t n)
{
	int wn = 4, wp = 3, wu = 6, wr = 6;

	for (size_t i = 0; i < n; i++) {
		wn = max_int(wn, strlen(recs[i].name));
		wp = max_int(wp, strlen(rows[i].pid));
		wu = max_int(wu, strlen(rows[i].up));
		wr = max_int(wr, strlen(recs[i].rootfs));
	}
	printf("%-*s   %-*s   %-*s   %-*s   %s\n", wn, "NAME", wp, "PID", wu, "UPTIME",
	       wr, "ROOTFS", "COMMAND");
	for (size_t i = 0; i < n; i++)
		printf("%-*s   %-*s   %-*s   %-*s   %s\n", wn, recs[i].name, wp, rows[i].pid,
		       wu, rows[i].up, wr, recs[i].rootfs, recs[i].cmd);
}

int ctr_ps(void)
{
	struct state_rec *recs;
	struct row *rows;
	char dir[PATH_MAX];
	size_t n;
	int swept;
	time_t now = time(NULL);

	if (state_path(dir, sizeof(dir)) == -1 || state_list(&recs, &n, &swept) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (nsl_failed_hint() != NULL)
			nsl_hint("%s", nsl_failed_hint());
		return EXIT_RUNTIME;
	}
	cgroup_sweep();
	rows = calloc(n > 0 ? n : 1, sizeof(*rows));
	if (rows == NULL) {
		nsl_error(errno, "calloc(%zu rows)", n);
		free(recs);
		return EXIT_RUNTIME;
	}
	for (size_t i = 0; i < n; i++)
		fill(&recs[i], now, &rows[i]);
	print_table(recs, rows, n);
	if (swept == 0)
		say("%s: %zu running, no stale record", dir, n);
	else
		say("%s: %zu running; %d stale record%s removed: %s runtime had died",
		    dir, n, swept, swept == 1 ? "" : "s", swept == 1 ? "its" : "their");
	free(rows);
	free(recs);
	return EXIT_OK;
}
