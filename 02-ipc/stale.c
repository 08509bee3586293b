/* stale.c - what 02-ipc does first: remove the queues an earlier run left
 * on the host when it was killed with SIGKILL, which no program can catch
 * and clean up after.
 *
 * A run's SysV queue has the key 0x6e000000 + its pid, and its POSIX queue
 * the name /nslab-02-PID. No system call lists POSIX queues (only a mounted
 * mqueue filesystem shows them, and a host need not have one), so the SysV
 * queue stands for both: a run makes it before the POSIX queue and removes
 * it after, so a POSIX queue of the default name never exists without it.
 * Names given with -k or -m are the user's own, and left alone.
 *
 * Read: msgctl(2) (MSG_INFO, MSG_STAT), kill(2), mq_unlink(3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "ipc.h"
#include "say.h"
#include "stale.h"
#include "sweep.h"

static void remove_stale(int msqid, key_t key, pid_t pid)
{
	char name[32];

	ipc_default_mq_name(pid, name, sizeof(name));
	if (ipc_mq_remove(name) == 0)
		say("mq_unlink(\"%s\"): removed the POSIX queue left by run %d, "
		    "which is gone", name, (int)pid);
	else if (errno != ENOENT)
		nsl_error(errno, "mq_unlink(\"%s\")", name);
	/* A run sweeping in parallel may have been first: EINVAL or EIDRM. */
	if (ipc_msg_remove(msqid) == 0)
		say("msgctl(%d, IPC_RMID): removed the SysV queue 0x%08x left by run %d, "
		    "which is gone", msqid, (unsigned int)key, (int)pid);
	else if (errno != EINVAL && errno != EIDRM)
		nsl_error(errno, "msgctl(%d, IPC_RMID)", msqid);
}

void stale_sweep(void)
{
	int slot = 0, msqid, found;
	pid_t pid, last;
	key_t key;
	long n;

	while ((found = ipc_msg_next(&slot, &msqid, &key)) == 1) {
		pid = ipc_key_pid(key);
		if (pid == 0 || !sweep_run_gone(pid))
			continue;
		/* A run sends its message right after making the queue: a
		 * queue of this key whose last sender is another process was
		 * made by someone who chose the key with -k. */
		if (ipc_msg_stat(msqid, &n, &last) == -1 || (last != 0 && last != pid))
			continue;
		remove_stale(msqid, key, pid);
	}
	if (found == -1)
		nsl_error(errno, "msgctl(MSG_STAT)");
}
