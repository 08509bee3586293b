/* target.c - the demo's target: a process with UTS, IPC, PID and mount
 * namespaces of its own, made with the pieces of 01-04, that waits to be
 * joined. It does what a container's first process does: names its
 * host (01), makes an IPC object (02), is PID 1 (03), and mounts a /proc
 * of its own on a private mount tree (04). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../01-uts/uts.h"
#include "../02-ipc/ipc.h"
#include "../03-pid/pidns.h"
#include "../04-mount/mnt.h"
#include "demo.h"
#include "fail.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* The target's own setup, each step a piece of an earlier step. */
static int setup(const struct target *tg)
{
	int id;

	if (uts_set_hostname(tg->hostname) == -1) {
		nsl_error(errno, "sethostname(\"%s\")", tg->hostname);
		return -1;
	}
	say("sethostname(\"%s\"): my UTS namespace has a name of its own", tg->hostname);
	id = ipc_msg_create(tg->key);
	if (id == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	say("msgget(0x%08x, IPC_CREAT|IPC_EXCL|0600) = %d: a queue only my IPC "
	    "namespace can see", (unsigned)tg->key, id);
	/* Private first: the /proc below is mounted on a copy of the host's
	 * tree, and must not propagate back to the host's /proc. */
	if (mnt_make_private() == -1 || mnt_mount_proc("/proc") == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	say("mount / MS_REC|MS_PRIVATE, then a fresh proc on /proc: it lists "
	    "my PID namespace only, and the host never sees the mount");
	return 0;
}

static int target_main(void *arg)
{
	struct target *tg = arg;

	say_role("target");
	if (proc_child_setup() == -1)
		return EXIT_FAIL;
	close(tg->ready[0]);
	close(tg->hold[1]);
	/* Wait for the host's line about clone(), so the story reads in
	 * order; then set up, say so, and wait to be joined. */
	if (sync_wait(tg->hold[0]) == -1 || setup(tg) == -1)
		return EXIT_FAIL;
	if (sync_post(tg->ready[1]) == -1)
		return EXIT_FAIL;
	/* The host never posts again: it ends us with SIGKILL, or by dying,
	 * which closes the pipe (EOF), or PR_SET_PDEATHSIG. */
	sync_wait(tg->hold[0]);
	return EXIT_OK;
}

int target_start(struct target *tg)
{
	pid_t nspid[PIDNS_MAX_LEVELS];
	int n;

	memset(tg, 0, sizeof(*tg));
	tg->ready[0] = tg->ready[1] = tg->hold[0] = tg->hold[1] = -1;
	snprintf(tg->hostname, sizeof(tg->hostname), "nslab-06-%d", (int)getpid());
	tg->key = ipc_default_key(getpid());
	if (sync_open(tg->ready) == -1 || sync_open(tg->hold) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		sync_close(tg->ready);
		return -1;
	}
	tg->pid = proc_clone(target_main, tg, DEMO_FLAGS);
	if (tg->pid == -1) {
		nsl_error(errno, "clone(CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNS|SIGCHLD)");
		sync_close(tg->ready);
		sync_close(tg->hold);
		return -1;
	}
	close(tg->ready[1]);
	close(tg->hold[0]);
	tg->ready[1] = tg->hold[0] = -1;
	n = pidns_nspid(tg->pid, nspid, PIDNS_MAX_LEVELS);
	say("clone(CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNS|SIGCHLD) = %d: "
	    "the target%s", (int)tg->pid,
	    n == 2 && nspid[1] == 1 ? ", PID 1 of its own PID namespace" : "");
	/* If the target fails, it exits without posting: EOF, EPIPE. */
	if (sync_post(tg->hold[1]) == -1 || sync_wait(tg->ready[0]) == -1) {
		if (errno != EINTR)
			nsl_error(errno, "the target %d did not get ready", (int)tg->pid);
		target_stop(tg);
		return -1;
	}
	return 0;
}

int target_stop(struct target *tg)
{
	int wstatus, ret = 0;

	/* SIGKILL: a PID 1 without a handler would not even notice SIGTERM
	 * (03-pid). From outside its namespace, SIGKILL always gets through,
	 * and the kernel kills every other process of the namespace with it. */
	if (kill(tg->pid, SIGKILL) == -1 && errno != ESRCH) {
		nsl_error(errno, "kill(%d, SIGKILL)", (int)tg->pid);
		ret = -1;
		/* Then the end of the pipe ends it. */
		sync_close(tg->hold);
	}
	while (waitpid(tg->pid, &wstatus, 0) == -1) {
		if (errno != EINTR) {
			nsl_error(errno, "waitpid(%d)", (int)tg->pid);
			return -1;
		}
	}
	/* Only now: closing the pipe first would let it exit by itself. */
	sync_close(tg->ready);
	sync_close(tg->hold);
	say("kill(%d, SIGKILL), waitpid(): status %d. The target was the last "
	    "process in its namespaces: the kernel frees them with it",
	    (int)tg->pid, proc_status(wstatus));
	return ret;
}
