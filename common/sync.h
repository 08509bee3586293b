/* sync.h - parent/child synchronisation over pipes, never with sleep().
 *
 * A pipe is the simplest barrier there is: the waiting side blocks in
 * read() until the other side writes one byte. If the other side dies
 * first, its end is closed by the kernel and read() returns 0, so a waiter
 * can never hang on a dead partner - sleep() gives neither guarantee.
 *
 * Use one pipe per direction. After fork/clone each side closes the end it
 * does not use; otherwise it holds the pipe open itself and an EOF never
 * comes.
 */
#ifndef NSLAB_SYNC_H
#define NSLAB_SYNC_H

/* pipe2(fds, O_CLOEXEC): the ends do not leak into an exec'd command. */
int sync_open(int fds[2]);

/* Post one event on the write end. Returns 0, or -1 with errno set. */
int sync_post(int fd);

/* Wait for one event on the read end. Returns 0 when it came; -1 with
 * errno EPIPE when the other side closed without posting (it died or gave
 * up), or with errno EINTR when a signal interrupted the wait. */
int sync_wait(int fd);

/* Close both ends that are still open (-1 marks a closed end). */
void sync_close(int fds[2]);

#endif
