/* ipc.h - the IPC namespace piece: message queues looked up by key or name.
 *
 * An IPC namespace holds the identifiers of System V IPC objects (message
 * queues, semaphore sets, shared memory, found by a numeric key) and the
 * POSIX message queues (found by a "/name"). A lookup by key or by name only
 * ever searches the caller's namespace, and a new namespace starts empty:
 * nothing is copied from the parent. When the last process leaves a
 * namespace (and nothing else holds it), the kernel destroys every object
 * in it.
 * Read: ipc_namespaces(7), sysvipc(7), msgget(2), msgctl(2), msgsnd(2),
 * mq_overview(7), mq_open(3).
 */
#ifndef NSLAB_IPC_H
#define NSLAB_IPC_H

#include <mqueue.h>
#include <stddef.h>
#include <sys/types.h>

/* Default SysV keys are IPC_KEY_BASE | pid ('n' in the top byte). */
#define IPC_KEY_BASE 0x6e000000u

/* Default POSIX queue names are IPC_MQ_PREFIX and the pid. */
#define IPC_MQ_PREFIX "/nslab-02-"

/* Longest message text; also the POSIX queue's mq_msgsize. */
#define IPC_TEXT_MAX 64

/* Room for a POSIX queue name: "/" and at most NAME_MAX - 1 characters. */
#define IPC_MQ_NAME_MAX 255

/* A key no other running demo uses: IPC_KEY_BASE | PID. */
key_t ipc_default_key(pid_t pid);

/* The other way round: the pid a default key was made from, or 0 when KEY
 * is not of that form. */
pid_t ipc_key_pid(key_t key);

/* The default POSIX queue name for PID, "/nslab-02-PID", into BUF. */
void ipc_default_mq_name(pid_t pid, char *buf, size_t len);

/* Parse a key written in decimal, octal (0...) or hex (0x...), 1 to
 * 0xffffffff. 0 is refused: it is IPC_PRIVATE, which always makes a new
 * queue and can never be looked up. 0, or -1 with errno EINVAL. */
int ipc_parse_key(const char *s, key_t *key);

/* 0 if NAME is a valid POSIX queue name: "/" followed by 1 or more
 * characters, none of them "/", at most IPC_MQ_NAME_MAX in all.
 * Otherwise -1 with errno EINVAL. */
int ipc_check_mq_name(const char *name);

/* A new SysV queue under KEY that only its owner may read and write, never
 * one that is there already: its id, or -1 with errno (EEXIST if the key
 * is taken in this namespace) and the call recorded (common/fail.h). */
int ipc_msg_create(key_t key);

/* msgget(KEY, 0): the id of the queue KEY names in the caller's IPC
 * namespace, or -1 with errno ENOENT when there is none. */
int ipc_msg_find(key_t key);

/* Put TEXT (at most IPC_TEXT_MAX bytes) on queue MSQID without blocking. */
int ipc_msg_send(int msqid, const char *text);

/* msgctl(IPC_STAT): how many messages wait, and the pid of the last
 * process that sent one (0 if none did). */
int ipc_msg_stat(int msqid, long *count, pid_t *last_sender);

/* The next SysV queue of the caller's IPC namespace, walked the way
 * ipcs(1) does: msgctl(0, MSG_INFO) gives the highest slot of the
 * kernel's table in use, msgctl(SLOT, MSG_STAT) the queue in a slot
 * (EINVAL: an empty one; a queue the caller may not read is skipped).
 * *SLOT starts at 0. Returns 1 with *MSQID and *KEY filled, 0 when there
 * is no more, or -1 with errno. */
int ipc_msg_next(int *slot, int *msqid, key_t *key);

/* msgctl(IPC_RMID): remove the queue now, with its messages. */
int ipc_msg_remove(int msqid);

/* A new POSIX queue of small messages under NAME, for reading and
 * writing, only its owner's, never one that is there already: or
 * (mqd_t)-1 with errno (EEXIST if the name is taken) and the call
 * recorded (common/fail.h). */
mqd_t ipc_mq_create(const char *name);

/* mq_open(NAME, O_RDONLY|O_NONBLOCK): the queue NAME names in the caller's
 * IPC namespace, or (mqd_t)-1 with errno ENOENT when there is none. */
mqd_t ipc_mq_find(const char *name);

/* Put TEXT on the queue (at most IPC_TEXT_MAX bytes). */
int ipc_mq_send(mqd_t mq, const char *text);

/* How many messages wait in the queue, or -1 with errno. */
long ipc_mq_count(mqd_t mq);

/* Take the oldest message into BUF as a string. LEN must be at least
 * IPC_TEXT_MAX + 1. With O_NONBLOCK, an empty queue fails with EAGAIN. */
int ipc_mq_receive(mqd_t mq, char *buf, size_t len);

/* mq_unlink(NAME): remove the name; the queue goes when the last
 * descriptor to it is closed. */
int ipc_mq_remove(const char *name);

/* The pid of a process (other than the caller) that is still a member of
 * the IPC namespace with inode INODE, 0 if /proc shows none, -1 with errno
 * if /proc cannot be read. Open /proc/PID/ns/ipc files and bind mounts
 * also keep a namespace alive; this only sees processes. */
pid_t ipc_ns_member(unsigned long inode);

#endif
