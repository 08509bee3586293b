/* command.c - the container's command, PID 2: the init's clone() child,
 * born with the init's capabilities, no_new_privs and seccomp filter.
 * Before it execs CMD it leaves the caller's session, takes its user,
 * its environment and its working directory, and closes every fd above
 * 2, each step against an attack a production runtime met (the CVEs are
 * named where the step is).
 *
 * Read: setsid(2), tty_ioctl(4) (TIOCSTI), credentials(7), setgroups(2),
 * user_namespaces(7), getcwd(3), signal(7), execve(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "fail.h"
#include "harden.h"
#include "pause.h"
#include "proc.h"
#include "say.h"
#include "timing.h"

/* The command's environment, made from scratch: nothing of the host's
 * but TERM, then each -e in order, replacing a variable of the same name
 * or adding one. The strings live in static storage: only this process
 * uses them, and only until exec. */
static char **build_env(const struct ctr_config *c)
{
	static char *env[CTR_MAX_ENV + 5];
	static char term[128], host[80];
	const char *t = getenv("TERM");
	size_t n = 0, j, key;

	if (!c->env_exact) { /* the OCI runtime's: process.env alone */
		env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
		env[n++] = c->uid == 0 ? "HOME=/root" : "HOME=/";
		snprintf(term, sizeof(term), "TERM=%s", t != NULL && *t != '\0' ? t : "xterm");
		env[n++] = term;
		snprintf(host, sizeof(host), "HOSTNAME=%s", c->hostname);
		env[n++] = host;
	}
	for (size_t i = 0; i < c->nenv; i++) {
		key = strcspn(c->env[i], "=") + 1; /* "KEY=", main.c checked it */
		for (j = 0; j < n && strncmp(env[j], c->env[i], key) != 0; j++)
			;
		env[j] = (char *)c->env[i];
		if (j == n)
			n++;
	}
	env[n] = NULL;
	return env;
}

/* No supplementary groups (a host group kept by the container could open
 * host files: credentials(7)) but the OCI runtime's additionalGids, then
 * the gid, then the uid - in that order, since each needs the privilege
 * the next one drops. A rootless
 * container cannot call setgroups(2) at all: the runtime wrote "deny"
 * (user_namespaces(7)), which is also why its groups cannot be dropped
 * to get past a file's group permissions. */
static int set_user(const struct ctr_config *c)
{
	int rootless = c->userns && c->host_uid != 0;

	if (setgroups(c->ngroups, c->groups) == -1) {
		int err = errno; /* printing may change errno */

		if (!rootless || err != EPERM || c->ngroups > 0) {
			nsl_error(err, "setgroups(%zu, %s)", c->ngroups,
				  c->ngroups > 0 ? "additionalGids" : "NULL");
			if (rootless && err == EPERM)
				nsl_hint("a rootless container cannot have supplementary groups: "
					 "/proc/self/setgroups is \"deny\" (user_namespaces(7))");
			return -1;
		}
		say_more("setgroups(0, NULL): EPERM, as /proc/self/setgroups is \"deny\" "
			 "(rootless); the groups stay as they were");
	}
	if (setgid(c->gid) == -1) {
		nsl_error(errno, "setgid(%u)", (unsigned)c->gid);
		return -1;
	}
	if (setuid(c->uid) == -1) {
		nsl_error(errno, "setuid(%u)", (unsigned)c->uid);
		return -1;
	}
	return 0;
}

/* The OCI runtime's capabilities (config.json's set): out of the
 * bounding set while we still hold CAP_SETPCAP, then, once set_user()
 * is done with CAP_SETUID and CAP_SETGID, the other four sets as the
 * config gives them (harden_capsets()). The init
 * kept those three for us (CTR_SWITCH_CAPS); PR_SET_KEEPCAPS keeps the
 * permitted set across a setuid() away from 0, which would empty it. */
static int set_caps_before(const struct ctr_config *c)
{
	if (!c->caps_set)
		return 0;
	if (harden_bounding(c->caps) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	if (c->uid != 0 && prctl(PR_SET_KEEPCAPS, 1) == -1) {
		nsl_error(errno, "prctl(PR_SET_KEEPCAPS, 1)");
		return -1;
	}
	return 0;
}

static int set_caps_after(const struct ctr_config *c)
{
	const struct harden_capsets sets = {
		.bounding = c->caps, .effective = c->caps_eff, .permitted = c->caps_prm,
		.inheritable = c->caps_inh, .ambient = c->caps_amb,
	};

	if (c->caps_set && harden_capsets(&sets) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	return 0;
}

/* chdir(DIR), then check where that led. With an fd of the runtime left
 * open, a workdir of /proc/self/fd/N used to put runc's command in a
 * host directory (CVE-2024-21626): the kernel lets a process's cwd lie
 * outside its root, and getcwd(3) then fails with ENOENT (glibc turns
 * the kernel's "(unreachable)/..." into that). */
static int enter_workdir(const char *dir)
{
	char cwd[PATH_MAX];
	int err;

	if (chdir(dir) == -1) {
		err = errno; /* printing may change errno */
		nsl_error(err, "chdir(\"%s\")", dir);
		if (err == ENOENT)
			nsl_hint("the working directory is looked up inside the rootfs");
		return -1;
	}
	errno = ENOENT; /* what a cwd outside the root gives */
	if (getcwd(cwd, sizeof(cwd)) == NULL || cwd[0] != '/') {
		nsl_error(errno, "getcwd() after chdir(\"%s\")", dir);
		nsl_hint("the working directory is outside the container's root; refusing "
			 "to run there (CVE-2024-21626)");
		return -1;
	}
	return 0;
}

/* -t: the pty's slave as the controlling terminal of our new session
 * (TIOCSCTTY: we are its leader, and it has no session yet) and as
 * stdin, stdout and stderr; a terminal's keys, Ctrl-C among them, now
 * reach our process group through its line discipline. The init made
 * it the command's user's already (ctr_open_tty()). */
static int take_tty(const struct ctr_child *k)
{
	int fd = k->tty_slave;

	if (fd == -1)
		return 0;
	if (ioctl(fd, TIOCSCTTY, 0) == -1) {
		nsl_error(errno, "ioctl(pty slave, TIOCSCTTY)");
		return -1;
	}
	for (int i = 0; i <= 2; i++) {
		if (dup2(fd, i) == -1) {
			nsl_error(errno, "dup2(pty slave, %d)", i);
			return -1;
		}
	}
	say_more("ioctl(TIOCSCTTY), dup2() to 0, 1, 2: the pty is my controlling terminal "
		 "and my stdio");
	return 0; /* fd itself: harden_close_fds() closes it with the rest */
}

/* Every signal to its default action, none blocked: the init's blocked
 * mask and the runtime's ignored SIGPIPE would survive execve(2). */
static int default_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL); /* EINVAL for glibc's own: fine */
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL);
}

int ctr_cmd_main(void *arg)
{
	const struct ctr_child *k = arg;
	const struct ctr_config *c = k->c;
	int status;

	say_role("cmd");
	/* Our CLOCK_MONOTONIC is the time namespace's (--monotonic). */
	if (c->time_set)
		timing_shift(c->monotonic);
	/* A session of its own, with no controlling terminal: TIOCSTI, which
	 * pushes characters into a terminal's input, works only on one's
	 * controlling terminal (without CAP_SYS_ADMIN), so the container
	 * cannot type commands into the caller's shell (tty_ioctl(4)).
	 * With -t, the container's own pty becomes that terminal. */
	if (setsid() == -1) {
		nsl_error(errno, "setsid()");
		return EXIT_RUNTIME;
	}
	if (take_tty(k) == -1 || set_caps_before(c) == -1 || set_user(c) == -1 ||
	    set_caps_after(c) == -1)
		return EXIT_RUNTIME;
	environ = build_env(c);
	if (c->umask_set)
		umask(c->umask);
	if (harden_close_fds_but(k->report_fd > 2 ? k->report_fd : -1) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return EXIT_RUNTIME;
	}
	if (enter_workdir(c->workdir) == -1)
		return EXIT_RUNTIME;
	if (default_signals() == -1) {
		nsl_error(errno, "sigprocmask(SIG_SETMASK, {})");
		return EXIT_RUNTIME;
	}
	say("execvp(\"%s\") as uid %u, gid %u, in %s, in a session of its own", c->cmd[0],
	    (unsigned)c->uid, (unsigned)c->gid, c->workdir);
	ctr_phase("exec");
	status = proc_exec(c->cmd);
	if (status == EXIT_NOT_FOUND)
		nsl_hint("the command is looked up inside the rootfs, on the container's PATH");
	return status;
}
