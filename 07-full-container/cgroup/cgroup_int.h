/* cgroup_int.h - what the cgroup files share (cgroup.c, cgroup_find.c,
 * cgroup_kill.c), and nothing else includes: the files of cgroupfs read
 * and written whole, the hierarchies as mounted. */
#ifndef NSLAB_CGROUP_INT_H
#define NSLAB_CGROUP_INT_H

#include <stddef.h>

#include "cgroup.h"

/* Write VALUE to DIR/FILE in one write(2): cgroupfs takes each write as
 * one whole value. 0, or -1 recorded. */
int cgroup_write(const char *dir, const char *file, const char *value);

/* Read PATH (a cgroupfs or /proc file) into BUF, NUL-terminated; its
 * length, or -1 recorded. */
long cgroup_read(const char *path, char *buf, size_t len);

/* 1 if WORD is one of the words of DIR/FILE (cgroup.controllers,
 * cgroup.subtree_control), 0 if not, -1 recorded. */
int cgroup_listed(const char *dir, const char *file, const char *word);

/* Where the hierarchies are mounted, from /proc/self/mountinfo: for the
 * cgroup2 mount (CTRL < 0) or the v1 mount that holds controller CTRL,
 * the directory of cgroup CGPATH (a path as /proc/PID/cgroup writes it)
 * into OUT. -1 with ENOENT when no mount shows that cgroup. */
int cgroup_resolve(int ctrl, const char *cgpath, char *out, size_t len);

/* The cgroup paths of process PID ("self" or digits) from /proc/PID/cgroup:
 * *V2 (the "0::" line) and V1[CTRL] for memory, pids and cpu; "" for a
 * hierarchy the process is not in. */
int cgroup_paths_of(const char *pid, char v2[PATH_MAX], char v1[CG_NCTRL][PATH_MAX]);

/* cgroup_make.c: refuse (EOPNOTSUPP, with HINT) unless DIR/FILE lists
 * every controller of MASK (1 << CG_*): the cgroup above cannot give what
 * it does not have. */
int cgroup_need_listed(const char *dir, const char *file, unsigned mask, const char *hint);

/* cgroup_make.c: the controllers of LIMITS (1 << CG_*) checked, each
 * served by a hierarchy mounted here (else -1, ENOENT, with a hint);
 * those that v2 serves into *ON_V2. */
int cgroup_served(const struct cgroup *cg, unsigned limits, unsigned *on_v2);

/* cgroup_path.c: the MADE - 1 cgroups above PATH that cgroup_make_at()
 * made with it, removed while they are empty (PATH itself is gone). */
void cgroup_remove_parents(const char *path, int made);

#endif
