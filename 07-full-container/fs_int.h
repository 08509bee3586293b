/* fs_int.h - for fs.c alone: the one call of fs_mount.c that fs.h does
 * not declare, because the others need only fs_mount_on(). */
#ifndef NSLAB_FS_INT_H
#define NSLAB_FS_INT_H

#include <stddef.h>

/* mount(SOURCE, "/proc/self/fd/FD", TYPE, FLAGS, DATA), told with
 * --verbose; the call as text (WHERE names FD's file) goes into CALL,
 * and the caller reports a failure: setup_sys() turns one into a line
 * of narration instead. 0, or -1 with errno set. */
int fs_mount_fd(const char *source, int fd, const char *where, const char *type,
		unsigned long flags, const char *data, char *call, size_t len);

#endif
