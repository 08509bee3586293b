/* cgroup_kill.c - the end of a container's cgroups: what is left in them
 * killed, the directories removed; an OOM kill noticed before that; and
 * the cgroups of runs killed with SIGKILL swept (see cgroup.h).
 *
 * rmdir(2) of a cgroup fails with EBUSY while a process is in it, or a
 * child cgroup. Normally the container's processes are gone by then:
 * they are all in its PID namespace, and when its init dies the kernel
 * kills the rest. But a process may have been put there otherwise, and a
 * swept cgroup's run is gone; so first kill. cgroup v2 (Linux 5.14) has
 * cgroup.kill: writing "1" SIGKILLs every process in the cgroup and its
 * children, atomically, forks included. Without it (cgroup v1), read
 * cgroup.procs and SIGKILL each pid, until it is empty - through a pidfd
 * opened while the pid was still listed in OUR cgroup: a pid read from a
 * file may belong to another process a moment later, a pidfd cannot.
 *
 * Then wait for the cgroup to be empty: a killed process leaves it when
 * it has finished exiting, not at the signal. v2 says so in
 * cgroup.events ("populated 0"), and poll(2) wakes us when that file
 * changes (POLLPRI); v1 has no such file, so we retry rmdir for a while.
 *
 * Read: cgroup-v2.rst ("cgroup.kill", "cgroup.events"), pidfd_open(2),
 * pidfd_send_signal(2), poll(2), rmdir(2).
 */
#define _GNU_SOURCE
#include "cgroup_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fail.h"
#include "say.h"
#include "sweep.h"
#include "syscalls.h"

#define WAIT_MS 5000   /* how long a cgroup may take to empty */
#define MAX_DEPTH 16   /* child cgroups the container made, if any */

/* pidfd_send_signal(2), Linux 5.1. */
static int pidfd_kill(int pidfd)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
#else
	(void)pidfd;
	errno = ENOSYS;
	return -1;
#endif
}

/* 1 if PID is listed in DIR/cgroup.procs. */
static int listed(const char *dir, pid_t pid)
{
	static char buf[1 << 16]; /* about 9000 pids */
	char path[PATH_MAX + 16];
	const char *p = buf;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (cgroup_read(path, buf, sizeof(buf)) == -1)
		return 0;
	for (; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (atoi(p) == (int)pid)
			return 1;
		if (strchr(p, '\n') == NULL)
			break;
	}
	return 0;
}

/* SIGKILL every process DIR/cgroup.procs lists: one round. How many it
 * listed, or -1. */
static int kill_listed(const char *dir)
{
	static char buf[1 << 16];
	char path[PATH_MAX + 16];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (cgroup_read(path, buf, sizeof(buf)) == -1)
		return -1;
	f = fmemopen(buf, strlen(buf) + 1, "r");
	for (int pid; f != NULL && fscanf(f, "%d", &pid) == 1; n++) {
		int fd = pidfd_open(pid, 0);

		/* Opened, and still ours afterwards: the pidfd is that
		 * process, whatever happens to the number. */
		if (fd != -1 && listed(dir, pid))
			pidfd_kill(fd);
		if (fd != -1)
			close(fd);
	}
	if (f != NULL)
		fclose(f);
	return n;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* v2: wait until DIR/cgroup.events says "populated 0". */
static void wait_empty_v2(const char *dir)
{
	char path[PATH_MAX + 16], buf[256];
	struct pollfd pfd = { .events = POLLPRI };
	struct timespec t0;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return;
	pfd.fd = fd;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed_ms(&t0) < WAIT_MS) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n <= 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, "populated 0") != NULL)
			break;
		if (poll(&pfd, 1, (int)(WAIT_MS - elapsed_ms(&t0))) <= 0)
			break;
	}
	close(fd);
}

/* Kill what is in the cgroup DIR and below, and remove it all. */
static int remove_tree(const char *dir, int version, int depth)
{
	struct timespec t0, pause = { 0, 1000000 }; /* 1 ms */
	struct dirent *e;
	DIR *d;

	/* Most often the cgroup is empty already: its processes died with
	 * the container's PID namespace before the runtime reaped the init.
	 * Then rmdir is all it takes; only a busy one is killed and waited
	 * for. */
	if (depth == 0 && rmdir(dir) == 0)
		return 0;
	if (version == 2 && depth == 0 && cgroup_write(dir, "cgroup.kill", "1") == 0)
		wait_empty_v2(dir);
	/* Children first: rmdir takes only an empty cgroup. */
	if (depth < MAX_DEPTH && (d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char sub[PATH_MAX];

			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			remove_tree(sub, version, depth + 1);
		}
		closedir(d);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (kill_listed(dir) == 0 && rmdir(dir) == 0)
			return 0;
		if (errno == ENOENT)
			return 0;
		/* Killed, but still exiting: v1 tells nobody when it is done. */
		if (elapsed_ms(&t0) >= WAIT_MS)
			return nsl_fail("rmdir(\"%s\")", dir);
		nanosleep(&pause, NULL);
	}
}

/* Undo what the v2 home took (cgroup.h): in our own cgroup, the
 * controllers we enabled disabled and the runtime moved back out of its
 * leaf, which goes; "nslab", when this was its last container, removed
 * (rmdir refuses one that holds another: EBUSY, and it stays). */
static int leave_home(struct cgroup *cg)
{
	char v[64];
	size_t n = 0;
	int ret = 0;

	if (cg->enabled != 0) {
		for (int i = 0; i < CG_NCTRL; i++)
			if (cg->enabled & (1u << i))
				n += (size_t)snprintf(v + n, sizeof(v) - n, "%s-%s", n > 0 ? " " : "",
						      cgroup_ctrl_name(i));
		if (cgroup_write(cg->own, "cgroup.subtree_control", v) == -1)
			ret = -1;
		cg->enabled = 0;
	}
	if (cg->runtime_leaf[0] != '\0') {
		snprintf(v, sizeof(v), "%d", (int)getpid());
		if (cgroup_write(cg->own, "cgroup.procs", v) == -1 ||
		    (rmdir(cg->runtime_leaf) == -1 &&
		     nsl_fail("rmdir(\"%s\")", cg->runtime_leaf) == -1))
			ret = -1;
		cg->runtime_leaf[0] = '\0';
	}
	if (cg->made_home) {
		rmdir(cg->v2.parent);
		cg->made_home = 0;
	}
	return ret;
}

int cgroup_destroy(struct cgroup *cg)
{
	int ret = 0;

	if (cg->v2.made && remove_tree(cg->v2.path, 2, 0) == -1)
		ret = -1;
	else if (cg->v2.made > 1)
		cgroup_remove_parents(cg->v2.path, cg->v2.made);
	cg->v2.made = 0;
	if (leave_home(cg) == -1)
		ret = -1;
	for (int i = 0; i < CG_NCTRL; i++) {
		if (cg->v1[i].made && remove_tree(cg->v1[i].path, 1, 0) == -1)
			ret = -1;
		else if (cg->v1[i].made > 1)
			cgroup_remove_parents(cg->v1[i].path, cg->v1[i].made);
		cg->v1[i].made = 0;
	}
	return ret;
}

/* The number after "KEY " in the cgroupfs file PATH, or -1. */
static long key_value(const char *path, const char *key)
{
	char buf[2048], *p;
	size_t n = strlen(key);

	if (cgroup_read(path, buf, sizeof(buf)) == -1)
		return -1;
	for (p = buf; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return atol(p + n + 1);
	}
	errno = ENOENT;
	return nsl_fail("\"%s\" in %s", key, path);
}

long cgroup_oom_kills(const struct cgroup *cg)
{
	char path[PATH_MAX + 32];

	if (cg->memory == 0)
		return 0;
	if (cg->served[CG_MEMORY] == 2)
		snprintf(path, sizeof(path), "%s/memory.events", cg->v2.path);
	else
		snprintf(path, sizeof(path), "%s/memory.oom_control", cg->v1[CG_MEMORY].path);
	return key_value(path, "oom_kill");
}

int cgroup_find(struct cgroup *cg, const char *name, pid_t runtime, pid_t pid, int *found)
{
	char v2[PATH_MAX], v1[CG_NCTRL][PATH_MAX], spid[16];
	const char *base;

	*found = 0;
	if (cgroup_detect(cg, name, runtime) == -1)
		return -1;
	snprintf(spid, sizeof(spid), "%d", (int)pid);
	if (cgroup_paths_of(spid, v2, v1) == -1)
		return -1;
	/* Only a cgroup named after this very container is its own. */
	base = strrchr(v2, '/');
	if (base != NULL && strcmp(base + 1, cg->leaf) == 0) {
		if (cgroup_resolve(-1, v2, cg->v2.path, PATH_MAX) == -1)
			return -1;
		(*found)++;
	}
	for (int i = 0; i < CG_NCTRL; i++) {
		base = strrchr(v1[i], '/');
		if (base == NULL || strcmp(base + 1, cg->leaf) != 0)
			continue;
		if (cgroup_resolve(i, v1[i], cg->v1[i].path, PATH_MAX) == -1)
			return -1;
		(*found)++;
	}
	return 0;
}

/* In our cgroup DIR of one hierarchy: remove each stale nslab cgroup. */
static int sweep_dir(const char *dir, int version)
{
	struct dirent *e;
	struct stat st;
	const char *dot, *rest;
	int n = 0;
	pid_t pid;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];

		/* "nslab-NAME.PID", or a runtime's leaf "nslab.PID": the pid
		 * after the last dot. */
		dot = strrchr(e->d_name, '.');
		rest = dot != NULL ? sweep_pid_in(dot, ".", &pid) : NULL;
		if ((strncmp(e->d_name, CGROUP_PREFIX, strlen(CGROUP_PREFIX)) != 0 &&
		     dot != e->d_name + strlen(CGROUP_HOME)) ||
		    strncmp(e->d_name, CGROUP_HOME, strlen(CGROUP_HOME)) != 0 || rest == NULL ||
		    *rest != '\0' || !sweep_run_gone(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (remove_tree(path, version, 0) == -1) {
			nsl_error(errno, "%s", nsl_failed_call());
			continue;
		}
		say("removed cgroup %s, left by run %d, which is gone", path, (int)pid);
		n++;
	}
	closedir(d);
	return n;
}

int cgroup_sweep(void)
{
	struct cgroup cg;
	int n = 0;

	if (cgroup_detect(&cg, "", 0) == -1)
		return 0;
	if (cg.v2.parent[0] != '\0')
		n += sweep_dir(cg.v2.parent, 2);
	/* "nslab" left empty by a run killed with SIGKILL: a run that is
	 * about to use it makes it again (cgroup_make.c). */
	if (cg.home == CG_HOME_NSLAB)
		rmdir(cg.v2.parent);
	for (int i = 0; i < CG_NCTRL; i++) {
		int seen = 0;

		for (int j = 0; j < i; j++)
			seen |= strcmp(cg.v1[j].parent, cg.v1[i].parent) == 0;
		if (cg.v1[i].parent[0] != '\0' && !seen)
			n += sweep_dir(cg.v1[i].parent, 1);
	}
	return n;
}
