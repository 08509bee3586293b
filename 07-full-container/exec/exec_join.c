/* exec_join.c - exec's two processes inside the container. The joiner
 * enters every namespace the host opened (06's join_enter()) and clones
 * the command with CLONE_PARENT; the command waits for the host's "go",
 * hardens itself the way run's command is hardened, and execs. See
 * exec.c for the whole of exec.
 *
 * Read: setns(2), clone(2) (CLONE_PARENT), prctl(2) (PR_SET_PDEATHSIG),
 * credentials(7), setgroups(2).
 */
#define _GNU_SOURCE
#include "exec_int.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../../01-uts/uts.h"
#include "../../06-setns/join.h"
#include "../ctr.h"
#include "fail.h"
#include "../harden.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* Told after each setns() with --verbose; ARG is the exec_ctx, whose
 * time namespace may have been opened as ns/time_for_children. */
static void tell_join(const struct join_target *t, int i, void *arg)
{
	const struct exec_ctx *x = arg;

	if (i < 0)
		say_more("fchdir + chroot(\".\") into /proc/%d/root, fchdir into /proc/%d/cwd",
			 (int)t->pid, (int)t->pid);
	else
		say_more("setns(fd of /proc/%d/ns/%s%s, %s) = 0", (int)t->pid,
			 join_types[i].name,
			 x->time_children && strcmp(join_types[i].name, "time") == 0 ?
				 "_for_children" : "",
			 join_types[i].flag_name);
}

/* The command's credentials, as run's command sets them: no
 * supplementary groups, then the gid, then the uid (after it, setgid
 * would need a capability we no longer have). */
static int set_user(const struct exec_ctx *x)
{
	if (setgroups(0, NULL) == -1) {
		/* In a user namespace whose setgroups file says "deny" (a
		 * rootless one: user_namespaces(7)), groups cannot be dropped;
		 * the host's show as nogroup inside. */
		if (errno != EPERM || !x->rec.userns) {
			nsl_error(errno, "setgroups(0, NULL)");
			return -1;
		}
		say_more("setgroups(0, NULL): denied in this user namespace; groups kept");
	}
	if (setgid(x->gid) == -1 || setuid(x->uid) == -1) {
		nsl_error(errno, "setgid(%u), setuid(%u)", (unsigned)x->gid, (unsigned)x->uid);
		if (errno == EINVAL)
			nsl_hint("the id is not mapped in the container's user namespace "
				 "(see /proc/%d/uid_map)",
				 (int)x->rec.pid);
		return -1;
	}
	return 0;
}

/* The environment, built from nothing, as run builds it. */
static int set_env(const struct exec_ctx *x)
{
	char host[HOST_NAME_MAX + 1] = "", term[128];
	const char *t = getenv("TERM");

	snprintf(term, sizeof(term), "%s", t != NULL && t[0] != '\0' ? t : "xterm");
	uts_get_hostname(host, sizeof(host)); /* the container's: we joined its UTS */
	if (clearenv() != 0 ||
	    setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1) == -1 ||
	    setenv("HOME", x->uid == 0 ? "/root" : "/", 1) == -1 ||
	    setenv("TERM", term, 1) == -1 || setenv("HOSTNAME", host, 1) == -1) {
		nsl_error(errno, "setenv()");
		return -1;
	}
	return 0;
}

/* Every signal to its default action and none blocked, for CMD. */
static void default_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL); /* fails for glibc's own: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The command, the host's child (CLONE_PARENT), in every namespace. */
static int cmd_main(void *arg)
{
	struct exec_ctx *x = arg;
	char cwd[16];

	say_role("cmd");
	close(x->pidp[1]); /* or the host would not see the joiner's EOF */
	/* Die with the host. If it is gone already, PDEATHSIG comes too
	 * late; its "go" never comes either: sync_wait() sees EOF. */
	if (x->spec != NULL && x->spec->detach) {
		/* Ours until "go", our parent's after: no PDEATHSIG, and
		 * our end of file before "go" is enough. */
		if (sync_wait(x->go[0]) == -1)
			return EXIT_RUNTIME;
	} else if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || sync_wait(x->go[0]) == -1) {
		return EXIT_RUNTIME;
	}
	close(x->go[0]);
	if (x->spec != NULL) /* sets itself up, as it was told */
		return x->spec->body(x->spec->arg, x->execp[1]);
	/* A session of our own: no controlling terminal, so no TIOCSTI into
	 * the caller's (CVE-2017-5226 and friends). */
	if (setsid() == -1) {
		nsl_error(errno, "setsid()");
		return EXIT_RUNTIME;
	}
	/* Capabilities first: dropping from the bounding set needs
	 * CAP_SETPCAP, which setuid() to a non-root uid takes away. */
	if (harden_caps(harden_default_caps()) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_RUNTIME;
	}
	if (set_user(x) == -1 || set_env(x) == -1)
		return EXIT_RUNTIME;
	/* CVE-2024-21626: a working directory outside the container's root
	 * (a leaked descriptor's) must never reach exec. */
	if (chdir("/") == -1 || getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, "/") != 0) {
		nsl_error(errno, "chdir(\"/\") inside the container's root");
		return EXIT_RUNTIME;
	}
	if (harden_no_new_privs() == -1 || harden_seccomp() == -1 || harden_close_fds() == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_RUNTIME;
	}
	say_more("hardened: capabilities, no_new_privs, seccomp, no fd above 2; "
		 "exec as %u:%u", (unsigned)x->uid, (unsigned)x->gid);
	default_signals();
	return proc_exec(x->cmd);
}

/* The joiner: joins, clones the command, tells the host its pid. */
int exec_joiner(struct exec_ctx *x)
{
	pid_t pid;

	say_role("join");
	close(x->go[1]);
	close(x->pidp[0]);
	close(x->sfd);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != x->host)
		return EXIT_RUNTIME;
	if (join_enter(&x->t, tell_join, x) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_RUNTIME;
	}
	join_close(&x->t);
	/* The command's parent is the host's: the host waits for it. A PID
	 * namespace's init may not do this (EINVAL); we are not one. */
	pid = proc_clone(cmd_main, x, CLONE_PARENT);
	if (pid == -1) {
		nsl_error(errno, "clone(CLONE_PARENT|SIGCHLD)");
		return EXIT_RUNTIME;
	}
	say("clone(CLONE_PARENT) = %d: born in %s's namespaces, the host's child",
	    (int)pid, x->rec.name);
	if (write(x->pidp[1], &pid, sizeof(pid)) != (ssize_t)sizeof(pid)) {
		nsl_error(errno, "write(the host's pipe)");
		return EXIT_RUNTIME;
	}
	return 0;
}
