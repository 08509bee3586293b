/* run_cgroup.h - the runtime's side of the container's cgroups, told as
 * it happens: run.c calls these around the pieces of cgroup/cgroup.h.
 * Each reports its own failure (nsl_error, nsl_hint). */
#ifndef NSLAB_RUN_CGROUP_H
#define NSLAB_RUN_CGROUP_H

#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "ctr.h"

/* Before the init exists: find the hierarchies, make the container's
 * cgroups under ours and write C's limits. A limit that cannot be had
 * (rootless on v1, no delegation) is refused. 0, or -1 after the report,
 * with nothing left made. */
int run_cgroup_create(struct cgroup *cg, const struct ctr_config *c);

/* The init, waiting for "go", moved into the cgroups made; not into the
 * v2 one when it was born there (BORN_IN_V2: clone3 CLONE_INTO_CGROUP).
 * 0, or -1. */
int run_cgroup_place(const struct cgroup *cg, pid_t init, int born_in_v2);

/* After the init is reaped with STATUS (or on the way out of a failure):
 * an OOM kill reported, what is left killed, the cgroups removed.
 * Returns STATUS, 137 when the OOM killer ended the command. */
int run_cgroup_end(struct cgroup *cg, int status);

#endif
