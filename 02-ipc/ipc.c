/* ipc.c - the IPC namespace piece; see ipc.h. */
#define _GNU_SOURCE
#include "ipc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "fail.h"
#include "ns.h"

/* A POSIX queue of this demo holds at most this many messages; the kernel
 * caps it at /proc/sys/fs/mqueue/msg_max for unprivileged callers. */
#define IPC_MQ_MAXMSG 4

/* A System V message: a positive type, then the bytes. msgsnd(2) is given
 * the size of the bytes alone, not of the type. */
struct ipc_msg {
	long mtype;
	char mtext[IPC_TEXT_MAX];
};

key_t ipc_default_key(pid_t pid)
{
	/* pid_max is at most 2^22 (PID_MAX_LIMIT), so the pid fits below the
	 * top byte, and two demos running at once never share a key. */
	return (key_t)(IPC_KEY_BASE | (unsigned int)pid);
}

pid_t ipc_key_pid(key_t key)
{
	unsigned int k = (unsigned int)key;

	if ((k & 0xff000000u) != IPC_KEY_BASE)
		return 0;
	return (pid_t)(k & 0x00ffffffu);
}

void ipc_default_mq_name(pid_t pid, char *buf, size_t len)
{
	snprintf(buf, len, IPC_MQ_PREFIX "%d", (int)pid);
}

int ipc_parse_key(const char *s, key_t *key)
{
	unsigned long v = 0;
	char *end = NULL;

	/* strtoul would skip blanks and accept a sign; a key starts with a
	 * digit. */
	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		v = strtoul(s, &end, 0);
	}
	if (end == NULL || errno != 0 || *end != '\0' || v == 0 || v > 0xffffffffUL) {
		errno = EINVAL;
		return -1;
	}
	/* key_t is a signed int; keys above 0x7fffffff wrap, as in ipcs. */
	*key = (key_t)(unsigned int)v;
	return 0;
}

int ipc_check_mq_name(const char *name)
{
	size_t len = strlen(name);

	if (len < 2 || len > IPC_MQ_NAME_MAX || name[0] != '/' ||
	    strchr(name + 1, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int ipc_msg_create(key_t key)
{
	/* LAB 02.2 msgget: create a new SysV queue under KEY; a KEY taken in this namespace is a failure, never adopted
	 * level: 1
	 * minutes: 10
	 * checks: 02.1 02.4
	 * docs: docs/02-ipc.md#the-system-calls
	 * fail: no SysV queue was made under the key, on one side or the other
	 * hint: sysvipc(7), "Message queues"; msgget(2) DESCRIPTION: the two flags that together mean "create, and fail if it exists" (EEXIST)
	 * hint: the permission bits as for open(2): the owner reads and writes, nobody else
	 * hint: on failure record the call for the error line (common/fail.h)
	 * stub: (void)key;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 02.2: %s", "create a new SysV queue under the key");
	 */
	/* IPC_EXCL: if KEY is taken in this namespace, fail with EEXIST
	 * rather than adopt (and later remove) a queue that is not ours. */
	int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);

	if (id == -1)
		return nsl_fail("msgget(0x%08x, IPC_CREAT|IPC_EXCL|0600)", (unsigned int)key);
	return id;
	/* END LAB */
}

int ipc_msg_find(key_t key)
{
	/* Flags 0: look up only. The key is searched in the caller's IPC
	 * namespace alone; ENOENT if no queue there has it. */
	return msgget(key, 0);
}

int ipc_msg_send(int msqid, const char *text)
{
	struct ipc_msg m = { .mtype = 1 };
	size_t len = strlen(text);

	if (len > sizeof(m.mtext)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(m.mtext, text, len);
	/* IPC_NOWAIT: a full queue fails with EAGAIN instead of blocking. */
	return msgsnd(msqid, &m, len, IPC_NOWAIT);
}

int ipc_msg_stat(int msqid, long *count, pid_t *last_sender)
{
	struct msqid_ds ds;

	if (msgctl(msqid, IPC_STAT, &ds) == -1)
		return -1;
	*count = (long)ds.msg_qnum;
	*last_sender = ds.msg_lspid;
	return 0;
}

int ipc_msg_next(int *slot, int *msqid, key_t *key)
{
	struct msqid_ds ds;
	struct msginfo info;
	int last, id;

	/* MSG_INFO fills a struct msginfo through the msqid_ds pointer, and
	 * returns the index of the highest slot in use. */
	last = msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&info);
	if (last == -1)
		return -1;
	for (; *slot <= last; (*slot)++) {
		id = msgctl(*slot, MSG_STAT, &ds);
		/* EINVAL: an empty slot, or one just emptied. EACCES: a queue
		 * the caller may not read, which it could not remove either. */
		if (id == -1 && (errno == EINVAL || errno == EACCES))
			continue;
		if (id == -1)
			return -1;
		(*slot)++;
		*msqid = id;
		/* glibc and musl both spell the key's field __key. */
		*key = ds.msg_perm.__key;
		return 1;
	}
	return 0;
}

int ipc_msg_remove(int msqid)
{
	/* A SysV queue has kernel persistence: it outlives every process
	 * that used it, until IPC_RMID or the end of its namespace. */
	return msgctl(msqid, IPC_RMID, NULL);
}

mqd_t ipc_mq_create(const char *name)
{
	struct mq_attr attr = {
		.mq_maxmsg = IPC_MQ_MAXMSG,
		.mq_msgsize = IPC_TEXT_MAX,
	};

	/* The name is resolved in the caller's IPC namespace, through the
	 * kernel's own mqueue mount for it: /dev/mqueue need not exist. */
	/* LAB 02.3 mq_open: create a POSIX queue NAME with the attributes in attr
	 * level: 1
	 * minutes: 10
	 * checks: 02.1 02.4
	 * docs: docs/02-ipc.md#the-system-calls
	 * fail: no POSIX queue was made under the name
	 * hint: mq_overview(7); mq_open(3): create it exclusively, for sending and receiving, for the owner only; without attr the sizes are the system's defaults
	 * hint: on failure record the call for the error line (common/fail.h)
	 * stub: (void)name;
	 * stub: (void)attr;
	 * stub: errno = ENOSYS;
	 * stub: return (mqd_t)nsl_fail("LAB 02.3: %s", "create the POSIX queue");
	 */
	mqd_t mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);

	if (mq == (mqd_t)-1)
		return (mqd_t)nsl_fail("mq_open(\"%s\", O_CREAT|O_EXCL|O_RDWR, 0600)", name);
	return mq;
	/* END LAB */
}

mqd_t ipc_mq_find(const char *name)
{
	return mq_open(name, O_RDONLY | O_NONBLOCK);
}

int ipc_mq_send(mqd_t mq, const char *text)
{
	return mq_send(mq, text, strlen(text), 0);
}

long ipc_mq_count(mqd_t mq)
{
	struct mq_attr attr;

	if (mq_getattr(mq, &attr) == -1)
		return -1;
	return attr.mq_curmsgs;
}

int ipc_mq_receive(mqd_t mq, char *buf, size_t len)
{
	ssize_t n;

	/* mq_receive(3) refuses (EMSGSIZE) a buffer smaller than the
	 * queue's mq_msgsize; one more byte holds the '\0'. */
	if (len < IPC_TEXT_MAX + 1) {
		errno = EMSGSIZE;
		return -1;
	}
	n = mq_receive(mq, buf, len - 1, NULL);
	if (n == -1)
		return -1;
	buf[n] = '\0';
	return 0;
}

int ipc_mq_remove(const char *name)
{
	return mq_unlink(name);
}

pid_t ipc_ns_member(unsigned long inode)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	if (dir == NULL)
		return -1;
	/* /proc lists processes, not threads: a thread that unshared an
	 * IPC namespace of its own would be missed (nslab never does). */
	while (found == 0 && (e = readdir(dir)) != NULL) {
		pid_t pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)atoi(e->d_name);
		if (pid != getpid() && ns_inode(pid, "ipc") == inode)
			found = pid;
	}
	closedir(dir);
	return found;
}
