/* proc.c - clone, wait and signal helpers; see proc.h. */
#define _GNU_SOURCE
#include "proc.h"
#include "say.h"
#include "syscalls.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK_SIZE ((size_t)1024 * 1024) /* 1 MiB; size_t, as mmap() takes */

volatile sig_atomic_t proc_stop_signal;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

pid_t proc_clone(int (*fn)(void *), void *arg, int flags)
{
	char *stack;
	pid_t pid;
	int saved;

	/* fd -1 is what mmap(2) asks for with MAP_ANONYMOUS; cppcheck's
	 * posix.cfg does not know that. */
	stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
		     /* cppcheck-suppress invalidFunctionArg */
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	fflush(stdout);
	fflush(stderr);
	/* The stack grows down on every architecture nslab runs on: pass
	 * its top. */
	pid = clone(fn, stack + STACK_SIZE, flags | SIGCHLD, arg);
	saved = errno;
	munmap(stack, STACK_SIZE);
	errno = saved;
	return pid;
}

pid_t proc_clone_into(int (*fn)(void *), void *arg, int flags, int cgroup_fd)
{
	struct nsl_clone_args args = {
		.flags = (unsigned long long)(unsigned)flags | CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (unsigned long long)cgroup_fd,
	};
	long pid;

	fflush(stdout);
	fflush(stderr);
	pid = nsl_clone3(&args);
	if (pid == 0)
		_exit(fn(arg));
	return (pid_t)pid;
}

int proc_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

/* Block until PID has exited (it is then a zombie, not yet reaped), while
 * passing on a stop signal once. The stop signals stay blocked except
 * inside ppoll(), which unblocks them atomically with going to sleep: a
 * signal that comes before the call wakes it at once, and one that comes
 * later interrupts it. Checking a flag and then calling waitpid() leaves a
 * gap where the signal is noticed by nobody. */
static int wait_exit(pid_t pid, int *forwarded)
{
	struct pollfd pfd = { .events = POLLIN };
	sigset_t stop, old;
	int ret = 0;

	pfd.fd = pidfd_open(pid, 0);
	if (pfd.fd == -1)
		return -1; /* before Linux 5.3: the caller falls back */
	sigemptyset(&stop);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&stop, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &stop, &old);
	for (;;) {
		if (proc_stop_signal != 0 && !*forwarded) {
			kill(pid, proc_stop_signal);
			*forwarded = 1;
		}
		if (ppoll(&pfd, 1, NULL, &old) == 1)
			break;
		if (errno != EINTR) {
			ret = -1;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pfd.fd);
	return ret;
}

int proc_wait(pid_t pid)
{
	int forwarded = 0;
	int wstatus;

	/* If the pidfd wait is not available, the plain loop below still
	 * passes a signal on, but one arriving just before waitpid() is
	 * noticed only when the child exits by itself. */
	wait_exit(pid, &forwarded);
	for (;;) {
		if (proc_stop_signal != 0 && !forwarded) {
			kill(pid, proc_stop_signal);
			forwarded = 1;
		}
		if (waitpid(pid, &wstatus, 0) != -1)
			return proc_status(wstatus);
		if (errno != EINTR)
			return -1;
	}
}

static void on_stop_signal(int sig)
{
	proc_stop_signal = sig;
}

int proc_trap_signals(void)
{
	/* No SA_RESTART: a read() or waitpid() in progress must return EINTR
	 * so the demo notices the signal and starts cleaning up. */
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigaction(stop_signals[i], &sa, NULL) == -1)
			return -1;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -1;
	return 0;
}

int proc_default_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigaction(stop_signals[i], &sa, NULL) == -1)
			return -1;
	if (signal(SIGPIPE, SIG_DFL) == SIG_ERR)
		return -1;
	return 0;
}

int proc_child_setup(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	/* The stop signals get their default action back, so Ctrl-C ends
	 * the child. SIGPIPE stays ignored until proc_exec(): a child whose
	 * narration goes to a pipe that closed (`| head`) must get EPIPE and
	 * go on with its part, not die in the middle of a handshake and leave
	 * its partner waiting. */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigaction(stop_signals[i], &sa, NULL) == -1)
			return -1;
	/* If the parent is already gone, this comes too late to fire; every
	 * nslab child then waits on a pipe from its parent, whose EOF tells
	 * it the same thing without a race. */
	return prctl(PR_SET_PDEATHSIG, SIGKILL);
}

int proc_exec(char **cmd)
{
	int err;

	say_more("execvp(\"%s\")", cmd[0]);
	proc_default_signals();
	fflush(stdout);
	fflush(stderr);
	execvp(cmd[0], cmd);
	err = errno; /* nsl_error() prints, and printing may change errno */
	nsl_error(err, "execvp(\"%s\")", cmd[0]);
	return err == ENOENT ? 127 : 126;
}

int proc_status_field(pid_t pid, const char *field, char *buf, size_t len)
{
	size_t flen = strlen(field);
	char path[64], line[512];
	FILE *f;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/status");
	else
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *v = line + flen + 1;

		if (strncmp(line, field, flen) != 0 || line[flen] != ':')
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		for (char *t = v; *t != '\0'; t++)
			if (*t == '\t')
				*t = ' ';
		snprintf(buf, len, "%s", v);
		fclose(f);
		return 0;
	}
	fclose(f);
	errno = ENOENT;
	return -1;
}
