/* procs.c - probes of other processes and of our own privileges: host
 * processes seen or signalled, the runtime behind PID 1, capabilities,
 * descriptors inherited from the runtime. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

/* /proc/PID/cmdline with its NULs made spaces, into BUF: the length, or
 * -1 with errno set. */
static ssize_t cmdline_of(const char *pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%.20s/cmdline", pid);
	n = read_file(path, buf, len);
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	return n;
}

/* The PID of PID's parent as /proc shows it, or 0. */
static long parent_of(long pid)
{
	char path[64], buf[2048];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (read_file(path, buf, sizeof(buf)) == -1)
		return 0;
	p = strstr(buf, "\nPPid:");
	return p != NULL ? strtol(p + 6, NULL, 10) : 0;
}

/* 1 if PID is us or one of our ancestors, in /proc's numbering. They
 * carry the marker in their command lines because they started us (the
 * runtime's init is a fork of the runtime, with its argv). */
static int is_ours(long pid)
{
	char self[32] = "";
	long p;
	int depth = 0;

	if (readlink("/proc/self", self, sizeof(self) - 1) == -1)
		return 0;
	for (p = strtol(self, NULL, 10); p > 0 && depth < 256; p = parent_of(p), depth++)
		if (p == pid)
			return 1;
	return 0;
}

/* A PID namespace (03-pid) shows a container its own processes only.
 * The test runs a host process with a random marker in its argv; look
 * for it in every /proc/PID/cmdline we can read. */
void probe_host_process(struct result *r)
{
	char cmd[1024];
	DIR *d;
	const struct dirent *e;
	int seen = 0;

	if (in.argv_marker == NULL) {
		skipped(r, "needs --host-argv-marker STR");
		return;
	}
	d = opendir("/proc");
	if (d == NULL) {
		blocked(r, "opendir(\"/proc\"): %s", strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		seen++;
		if (cmdline_of(e->d_name, cmd, sizeof(cmd)) <= 0 ||
		    strstr(cmd, in.argv_marker) == NULL || is_ours(strtol(e->d_name, NULL, 10)))
			continue;
		escaped(r, "/proc/%s/cmdline is the host's process: %.200s", e->d_name, cmd);
		closedir(d);
		return;
	}
	closedir(d);
	blocked(r, "none of the %d processes in /proc is the host's", seen);
}

/* kill(2) with signal 0 checks that a process exists and that we may
 * signal it, and sends nothing. A host pid means nothing in the
 * container's PID namespace - or names one of the container's own
 * processes: then it is not the host's, and /proc says whose it is. */
void probe_host_signal(struct result *r)
{
	char pid[32], cmd[1024];

	if (in.host_pid <= 0) {
		skipped(r, "needs --host-pid N");
		return;
	}
	if (kill(in.host_pid, 0) == -1) {
		blocked(r, "kill(%d, 0): %s", (int)in.host_pid, strerror(errno));
		return;
	}
	snprintf(pid, sizeof(pid), "%d", (int)in.host_pid);
	if (is_ours(in.host_pid)) {
		blocked(r, "kill(%d, 0) reached PID %d here, which is ourselves or our parent, not the host's",
			(int)in.host_pid, (int)in.host_pid);
		return;
	}
	if (cmdline_of(pid, cmd, sizeof(cmd)) == -1) {
		failed(r, "kill(%d, 0) worked and /proc/%s cannot say whose process that is: %s",
		       (int)in.host_pid, pid, strerror(errno));
		return;
	}
	if (in.argv_marker != NULL && strstr(cmd, in.argv_marker) != NULL)
		escaped(r, "kill(%d, 0): the host's process may be signalled (%.200s)",
			(int)in.host_pid, cmd);
	else if (in.argv_marker == NULL)
		failed(r, "kill(%d, 0) worked; without --host-argv-marker, whose process is it?",
		       (int)in.host_pid);
	else
		blocked(r, "kill(%d, 0) reached our own process %d (%.100s), not the host's",
			(int)in.host_pid, (int)in.host_pid, cmd);
}

/* In 07, PID 1 is the runtime's own binary, forked and never exec'd: a
 * host program that a container process could attach to. PTRACE_SEIZE
 * attaches without stopping the tracee; our exit detaches again. The
 * kernel refuses it when PID 1 is not dumpable (PR_SET_DUMPABLE 0) and we
 * lack CAP_SYS_PTRACE (ptrace(2), "Ptrace access mode checking"). */
void probe_ptrace_init(struct result *r)
{
	if (in.self_is_pid1) {
		skipped(r, "PID 1 is this probe: nothing else to attach to");
		return;
	}
	if (ptrace(PTRACE_SEIZE, 1, NULL, NULL) == -1)
		blocked(r, "ptrace(PTRACE_SEIZE, 1): %s", strerror(errno));
	else
		escaped(r, "ptrace(PTRACE_SEIZE, 1): attached to PID 1 (detached again on exit)");
}

/* CVE-2019-5736: runc's PID 1 in the container was runc itself. A
 * container process opened /proc/1/exe - runc's host binary - O_PATH,
 * waited for runc to exit, reopened it for writing through
 * /proc/self/fd/N and replaced it: the next `docker exec` ran the
 * attacker's code as host root. The fix: PID 1 not dumpable, so
 * /proc/1/exe does not open at all, not even O_PATH. */
void probe_init_exe(struct result *r)
{
	char target[512] = "?";
	int fd, wfd;

	if (in.proc1_is_self) {
		skipped(r, "/proc/1 is this probe: its exe is our own binary");
		return;
	}
	fd = open("/proc/1/exe", O_PATH | O_CLOEXEC);
	if (fd == -1) {
		blocked(r, "open(\"/proc/1/exe\", O_PATH): %s", strerror(errno));
		return;
	}
	if (readlink("/proc/1/exe", target, sizeof(target) - 1) == -1)
		snprintf(target, sizeof(target), "?");
	wfd = open("/proc/1/exe", O_WRONLY | O_CLOEXEC);
	escaped(r, "open(\"/proc/1/exe\", O_PATH): reached PID 1's binary %s; O_WRONLY: %s",
		target, wfd == -1 ? strerror(errno) : "opened (nothing written)");
	if (wfd != -1)
		close(wfd);
	close(fd);
}

/* PID 1's environment: in 07 the runtime's own, the caller's on the host
 * (tokens, SSH_AUTH_SOCK, ...). Readable only by who may ptrace-read it;
 * a non-dumpable PID 1 keeps it to itself. */
void probe_init_environ(struct result *r)
{
	char env[4096];
	ssize_t n;

	if (in.proc1_is_self) {
		skipped(r, "/proc/1 is this probe: its environment is our own");
		return;
	}
	n = read_file("/proc/1/environ", env, sizeof(env));
	if (n == -1) {
		blocked(r, "open(\"/proc/1/environ\"): %s", strerror(errno));
		return;
	}
	if (n == 0) {
		blocked(r, "read(/proc/1/environ): 0 bytes");
		return;
	}
	env[strcspn(env, "=")] = '\0';    /* the first name only, no value */
	escaped(r, "read %zd bytes of PID 1's environment (first variable: %.60s)", n, env);
}

/* If FD is a directory: fchdir() to it, climb "..", and say whether the
 * host's marker is there - what the exploit did with runc's leaked fd. */
static int climbs_to_marker(int fd)
{
	struct stat st;

	if (in.marker == NULL || in.marker_text == NULL || fstat(fd, &st) == -1 ||
	    !S_ISDIR(st.st_mode) || fchdir(fd) == -1)
		return 0;
	for (int i = 0; i < 64; i++)
		if (chdir("..") == -1)
			break;
	return holds_marker(AT_FDCWD, in.marker + 1);
}

/* CVE-2024-21626 ("Leaky Vessels"): runc leaked a descriptor of the
 * host's /sys/fs/cgroup into the container; fchdir() to it (or a workdir
 * of /proc/self/fd/7) put the process on the host's file system. Every
 * descriptor above 2 that we found open at start came from whoever
 * started us; a directory among them is tried as the exploit did. */
void probe_inherited_fd(struct result *r)
{
	char list[300] = "";
	size_t used = 0;
	int through = -1;

	if (in.ninherited == 0) {
		blocked(r, "no descriptor above 2 was open at start");
		return;
	}
	for (int i = 0; i < in.ninherited && used < sizeof(list); i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%sfd %d -> %s",
				 i > 0 ? ", " : "", in.inherited[i], in.inherited_what[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	for (int i = 0; i < in.ninherited && through == -1; i++)
		if (climbs_to_marker(in.inherited[i]))
			through = in.inherited[i];
	if (through != -1)
		escaped(r, "inherited %d descriptor(s): %s; fchdir(%d) and \"..\" reached the host's marker",
			in.ninherited, list, through);
	else
		escaped(r, "inherited %d descriptor(s): %s", in.ninherited, list);
}
