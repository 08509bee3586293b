/* demo.h - what 05-user's demo files share: main.c (options, the
 * outline), host.c (the parent: writes the maps, looks from outside),
 * subids.c (the parent again, for ranges: newuidmap, /etc/subuid) and
 * child.c (the child: what root of a user namespace can and cannot do).
 */
#ifndef NSLAB_05_DEMO_H
#define NSLAB_05_DEMO_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "userns.h"

#define PROG "05-user"

struct opts {
	struct userns_map uids; /* the maps to write, from -m and --map-root */
	struct userns_map gids;
	int ranges_given;       /* at least one -m */
	int no_setgroups_deny;  /* teaching flags: see usage() */
	int no_helpers;
	int no_mountns;
	char **cmd;             /* NULL: no command, the child just exits */
};

/* What parent and child share across clone(): the options, the host
 * directory the child writes in, and one pipe in each direction. */
struct demo {
	const struct opts *o;
	char dir[PATH_MAX];  /* made by the parent in $TMPDIR, removed after */
	char file[PATH_MAX]; /* DIR/made-inside: the child creates it */
	char mnt[PATH_MAX];  /* DIR/tmpfs: the child mounts a tmpfs here */
	int up[2];           /* child -> parent: "done, look now" */
	int down[2];         /* parent -> child: "go on" */
};

/* child.c: the function clone() runs. */
int child_main(void *arg);

/* host.c: the parent's side, from clone() to the last "go on". */
void host_watch(const struct demo *d, pid_t pid);

/* subids.c: have newuidmap and newgidmap write the child's maps. 0, or
 * -1 after reporting why. */
int host_map_with_helpers(const struct opts *o, pid_t pid);

/* subids.c: how to map a range of ids on this machine. */
void host_suggest_ranges(void);

/* host.c: the value of FIELD ("CapEff", "Uid") in /proc/PID/status (PID 0:
 * self), tabs turned into spaces. 0, or -1 with errno. */

#endif
