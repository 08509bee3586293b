/* child.c - the container's side of 04-mount: from a copy of the host's
 * mount tree to a root filesystem of its own, then the command. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "fail.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

#define HOSTNAME "nslab-04"

/* The default command: a look around from inside, one command at a time,
 * so that ps shows only us and itself. */
static char *tour_ps[] = { "ps", "-ef", NULL };
static char *tour_mount[] = { "mount", NULL };
static char *tour_ls[] = { "ls", "-C", "/", NULL };
static char **tour[] = { tour_ps, tour_mount, tour_ls, NULL };

/* Report the piece's failed call (with its hint) and fail. */
static int report(void)
{
	nsl_error(errno, "%s", nsl_failed_call());
	return -1;
}

/* What we start from: new namespaces, the host's mounts copied. */
static void show_start(void)
{
	char mnt[NS_ID_MAX] = "?", pid[NS_ID_MAX] = "?", prop[128] = "?";
	size_t n = 0;
	char *table = mnt_table(0, &n);

	free(table);
	ns_id(0, "mnt", mnt, sizeof(mnt));
	ns_id(0, "pid", pid, sizeof(pid));
	say("I am PID %d in %s; my new %s holds a copy of the host's %zu mounts",
	    (int)getpid(), pid, mnt, n);
	mnt_propagation("/", prop, sizeof(prop));
	if (strncmp(prop, "shared", 6) == 0)
		say("my / is %s, a peer of the host's /: anything I mount now would "
		    "appear on the host too", prop);
	else
		say("my / is %s here, but on a systemd host it is shared, and mounts "
		    "made in here would appear on the host too", prop);
}

/* The rootfs becomes /: pivot_root, or with --chroot the older way. */
static int enter_rootfs(const struct demo *d)
{
	char put_old_host[PATH_MAX + 64];

	if (d->o->use_chroot) {
		if (mnt_chroot(d->rootfs) == -1)
			return report();
		say("chroot(\"%s\"): my root directory is the rootfs, but every host "
		    "mount is still in my namespace, only out of sight", d->rootfs);
		return 0;
	}
	snprintf(put_old_host, sizeof(put_old_host), "%s%s", d->rootfs, d->put_old);
	if (mnt_pivot_root(d->rootfs, d->put_old) == -1)
		return report();
	say("pivot_root(\"%s\", \"%s\"): the rootfs is my / now; the old root "
	    "hangs at %s", d->rootfs, put_old_host, d->put_old);
	if (mnt_detach_old_root(d->put_old) == -1)
		return report();
	say("umount2(\"%s\", MNT_DETACH), rmdir: the host's mounts are gone "
	    "from my namespace", d->put_old);
	return 0;
}

/* The first step: make every mount private, so that nothing mounted from
 * here on reaches the host. --propagation TYPE, in a scratch namespace,
 * gives them TYPE instead, to see what then travels where. */
static int cut_off(const struct opts *o)
{
	char prop[128] = "?";

	if (o->propagation == NULL) {
		if (mnt_make_private() == -1)
			return report();
		say("mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL): every mount is "
		    "private now; nothing I mount from here on reaches the host");
		return 0;
	}
	if (mnt_set_propagation("/", o->propagation) == -1)
		return report();
	mnt_propagation("/", prop, sizeof(prop));
	say("--propagation %s: / and every mount below it are %s now; my / reads %s",
	    o->propagation, o->propagation, prop);
	return 0;
}

/* From a copy of the host's tree to the rootfs as /, each step narrated.
 * The order matters: private first, so nothing below leaks; volumes
 * before the pivot, while their host paths can still be reached. */
static int setup_mounts(const struct demo *d)
{
	const struct opts *o = d->o;

	if (cut_off(o) == -1)
		return -1;
	if (mnt_bind_rootfs(d->rootfs) == -1)
		return report();
	say("mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC, NULL): the rootfs is a "
	    "mount point now, as pivot_root requires", d->rootfs, d->rootfs);
	for (int i = 0; i < o->nvol; i++) {
		if (mnt_bind_volume(d->rootfs, &o->vol[i]) == -1)
			return report();
		say("volume: mount(\"%s\", \"%s%s\", NULL, MS_BIND, NULL)%s", o->vol[i].host,
		    d->rootfs, o->vol[i].ctr,
		    o->vol[i].readonly ? ", then MS_REMOUNT|MS_BIND|MS_RDONLY: read-only" : "");
	}
	if (enter_rootfs(d) == -1)
		return -1;
	if (mnt_mount_proc("/proc") == -1)
		return report();
	say("mount(\"proc\", \"/proc\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL): "
	    "a /proc that lists %s", o->no_pidns ? "every host process (--no-pidns)"
					       : "the processes of my PID namespace only");
	return 0;
}

static int cmd_main(void *arg)
{
	say_role("cmd");
	if (proc_child_setup() == -1)
		return EXIT_FAIL;
	int status = proc_exec(arg);

	if (status == 127)
		nsl_hint("the command is looked up inside the rootfs, not on the host");
	return status;
}

/* fork() by another name: proc_clone() with no namespace flag. The child
 * returns its status instead of calling _exit() on a stack the sanitizers
 * do not know about. */
static pid_t start(char **cmd)
{
	pid_t pid = proc_clone(cmd_main, cmd, 0);

	if (pid == -1)
		nsl_error(errno, "clone(SIGCHLD)");
	return pid;
}

/* Wait for PID the way an init does: reap every process that ends here
 * until PID does (orphans of this namespace are reparented to PID 1, not
 * to the host's init), and pass a stop signal on to PID. */
static int reap_until(pid_t pid)
{
	int forwarded = 0, wstatus;
	pid_t w;

	for (;;) {
		/* Checked before each wait as well as after EINTR, so a signal
		 * that came between two waits is not lost. */
		if (proc_stop_signal != 0 && !forwarded) {
			kill(pid, proc_stop_signal);
			forwarded = 1;
		}
		w = waitpid(-1, &wstatus, 0);
		if (w == pid)
			return proc_status(wstatus);
		if (w == -1 && errno != EINTR) {
			nsl_error(errno, "waitpid(-1)");
			return EXIT_FAIL;
		}
	}
}

/* A small init: run CMD, or the tour's commands one after another, each
 * as a child of ours. */
static int run_init(char **cmd)
{
	int status = EXIT_OK;
	pid_t pid;

	/* Narrate before starting: the command's output must come after. */
	if (cmd != NULL) {
		say("running %s as my child; I wait for it and reap whatever ends here",
		    cmd[0]);
		pid = start(cmd);
		return pid == -1 ? EXIT_FAIL : reap_until(pid);
	}
	say("the tour: ps -ef, mount, ls /, each my child in turn");
	for (int i = 0; tour[i] != NULL && status == EXIT_OK && proc_stop_signal == 0; i++) {
		printf("$");
		for (int j = 0; tour[i][j] != NULL; j++)
			printf(" %s", tour[i][j]);
		printf("\n");
		pid = start(tour[i]);
		status = pid == -1 ? EXIT_FAIL : reap_until(pid);
	}
	return status;
}

int child_main(void *arg)
{
	struct demo *d = arg;

	say_role("child");
	/* Not proc_child_setup(): that would reset the signal handlers we
	 * inherited, and PID 1 of a namespace receives no signal it has no
	 * handler for, not even SIGTERM from the host; only SIGKILL and
	 * SIGSTOP get through (pid_namespaces(7)). Keep the handlers; only
	 * ask for SIGKILL if the parent dies. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
		nsl_error(errno, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
		return EXIT_FAIL;
	}
	close(d->ready[0]);
	close(d->go[1]);
	/* The parent's line about clone() comes first. */
	if (sync_wait(d->go[0]) == -1)
		return EXIT_FAIL;
	show_start();
	/* The new UTS namespace gets a name of its own, for the prompt. */
	if (sethostname(HOSTNAME, strlen(HOSTNAME)) == 0)
		say_more("sethostname(\"%s\") in my new UTS namespace", HOSTNAME);
	if (setup_mounts(d) == -1)
		return EXIT_FAIL;
	if (d->o->use_chroot)
		leak_chroot_escape(d);
	if (d->o->no_pidns)
		leak_proc1_root(d);
	/* Hold still while the parent reads our mount table. */
	if (sync_post(d->ready[1]) == -1 || sync_wait(d->go[0]) == -1)
		return EXIT_FAIL;
	if (proc_stop_signal != 0)
		return 128 + proc_stop_signal;
	return run_init(d->o->cmd);
}
