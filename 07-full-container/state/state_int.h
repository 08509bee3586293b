/* state_int.h - what the four state files share (state.c, state_lock.c,
 * state_format.c, state_list.c), and nothing else includes: the state
 * directory and the helpers of the record's lock and text. The protocol
 * they follow is at the top of state.c. */
#ifndef NSLAB_STATE_INT_H
#define NSLAB_STATE_INT_H

#include <limits.h>
#include <stddef.h>

#include "state.h"

#define TMP_PREFIX ".new."   /* no container name starts with '.' */
#define REC_MAX 8192         /* a record: PATH_MAX of rootfs and change */

/* state.c: the state directory last opened, for the calls and the
 * messages that follow. */
extern char state_dir_path[PATH_MAX];

/* state.c: the state directory, open, checked to be ours and private;
 * made first when CREATE is 1. */
int state_open_dir(int create);

/* state.c: remove the state directory if it is empty. */
void state_rmdir_if_empty(void);

/* state_lock.c: with FD's lock held, remove NAME of DIRFD if it is still
 * FD's file. 1 if removed, 0 if gone or replaced, -1 on failure. */
int state_unlink_locked(int dirfd, const char *name, int fd);

/* state_format.c: R as a record's text into BUF; its length, or -1. */
int state_format_rec(const struct state_rec *r, char *buf, size_t len);

/* state_format.c: read the record open on FD (its name NAME) into R. */
int state_read_rec(int fd, const char *name, struct state_rec *r);

/* state_format.c: a decimal number with no sign, blank or leading zero,
 * up to MAX, into *V. 0, or -1. */
int state_parse_num(const char *s, long long max, long long *v);

#endif
