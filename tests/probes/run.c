/* run.c - how each probe runs: in a child process of its own, with a
 * time limit, its verdict sent back through a pipe. A probe whose attempt
 * works (a chroot breakout, a new user namespace) changes only that
 * child; a probe the seccomp filter kills (SIGSYS) is blocked. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

/* Seconds a probe may take before it is reported as hung. */
#define PROBE_TIMEOUT 10

/* Before anything of ours is open: which descriptors above 2 did we
 * inherit? F_GETFD opens nothing; readlink of /proc/self/fd/N says what
 * each is. Up to the soft RLIMIT_NOFILE (at most 65536). */
static void record_inherited(void)
{
	struct rlimit rl = { 1024, 1024 };
	int top;

	getrlimit(RLIMIT_NOFILE, &rl);
	top = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;
	for (int fd = 3; fd < top && in.ninherited < 16; fd++) {
		char path[64];
		char *what = in.inherited_what[in.ninherited];
		ssize_t n;

		if (fcntl(fd, F_GETFD) == -1)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, what, sizeof(in.inherited_what[0]) - 1);
		what[n > 0 ? n : 0] = '\0';
		if (n <= 0)
			snprintf(what, sizeof(in.inherited_what[0]), "?");
		in.inherited[in.ninherited++] = fd;
	}
}

/* Whether PID 1 is us: ptrace(1) and kill(1) use our PID namespace's
 * numbers; /proc/1 uses those of whoever mounted /proc. */
static void record_pid1(void)
{
	char self[32] = "";

	in.self_is_pid1 = getpid() == 1;
	if (readlink("/proc/self", self, sizeof(self) - 1) > 0)
		in.proc1_is_self = strcmp(self, "1") == 0;
}

/* The child's side: run the probe, send the verdict up the pipe. */
static void __attribute__((noreturn)) run_child(probe_fn *fn, int wr)
{
	struct result r = { V_ERROR, "the probe gave no verdict" };
	const char *at = (const char *)&r;
	size_t left = sizeof(r);

	alarm(PROBE_TIMEOUT);
	fn(&r);
	while (left > 0) {
		ssize_t n = write(wr, at, left);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		at += n;
		left -= (size_t)n;
	}
	_exit(0);
}

/* Read the verdict from RD; when none came, say why from STATUS. */
static void collect(int rd, int status, struct result *r)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*r)) {
		n = read(rd, (char *)r + got, sizeof(*r) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == sizeof(*r))
		return;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		blocked(r, "killed by SIGSYS: the seccomp filter refused the call");
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		failed(r, "no answer within %d seconds", PROBE_TIMEOUT);
	else if (WIFSIGNALED(status))
		failed(r, "the probe died of signal %d (%s)", WTERMSIG(status),
		       strsignal(WTERMSIG(status)));
	else
		failed(r, "the probe exited with status %d and no verdict", WEXITSTATUS(status));
}

void run_probe(probe_fn *fn, struct result *r)
{
	int fds[2], status = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		failed(r, "pipe2: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		failed(r, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(fn, fds[1]);
	}
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	collect(fds[0], status, r);
	close(fds[0]);
}

void record_start(void)
{
	record_inherited();
	record_pid1();
}
