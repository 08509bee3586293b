/* leaks.c - two ways out of a root filesystem, shown on purpose.
 *
 * --chroot: chroot(2) only changes where the lookup of an absolute path
 * starts. Every host mount is still in the namespace, and a root process
 * that chroots again, into a subdirectory, ends up with its working
 * directory above its root; ".." then climbs freely to the real /.
 *
 * --no-pidns: /proc/PID/root is a magic link to the root directory of
 * PID, wherever that is. Without a PID namespace, the container's fresh
 * /proc still lists the host's PID 1, and its root is the host's /.
 *
 * Both only read: the escaped process lists / and reads a marker file
 * the parent made on the host, inside the container's private mount
 * namespace, and then exits.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "proc.h"
#include "say.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in DIR ("." and ".." left out), sorted, joined by spaces
 * into BUF. Returns how many there are, or -1. */
static int list_dir(const char *dir, char *buf, size_t len)
{
	char *names[256];
	struct dirent *e;
	size_t used = 0;
	int n = 0;
	DIR *dp = opendir(dir);

	if (dp == NULL) {
		nsl_error(errno, "opendir(\"%s\")", dir);
		return -1;
	}
	while (n < 256 && (e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[n++] = strdup(e->d_name);
	closedir(dp);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i] != NULL && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 i > 0 ? " " : "", names[i]);
		free(names[i]);
	}
	return n;
}

/* The first line of PATH into BUF. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	if (f == NULL) {
		nsl_error(errno, "open(\"%s\")", path);
		return -1;
	}
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return 0;
}

/* Climb with chdir("..") until "." and ".." are the same directory: the
 * real root of the mount tree. Returns the number of steps. */
static int climb(void)
{
	struct stat here, up;
	int steps = 0;

	while (steps < 256) {
		if (stat(".", &here) == -1 || stat("..", &up) == -1)
			return -1;
		if (here.st_dev == up.st_dev && here.st_ino == up.st_ino)
			break;
		if (chdir("..") == -1)
			return -1;
		steps++;
	}
	return steps;
}

/* The escape itself, in a process of its own (the container keeps its
 * root). clone()'s entry point: ARG is the demo. */
static int escape(void *arg)
{
	const struct demo *d = arg;
	char names[4096], text[128];
	int fd, steps, n;

	say_role("escape");
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		nsl_error(errno, "open(\"/\", O_PATH)");
		return EXIT_FAIL;
	}
	say("fd %d = open(\"/\"): a handle on the chroot's root", fd);
	if (chroot("/mnt") == -1) {
		nsl_error(errno, "chroot(\"/mnt\")");
		return EXIT_FAIL;
	}
	say("chroot(\"/mnt\"): my root moves down a level; fd %d still points above it", fd);
	if (fchdir(fd) == -1) {
		nsl_error(errno, "fchdir(%d)", fd);
		return EXIT_FAIL;
	}
	steps = climb();
	if (steps == -1) {
		nsl_error(errno, "chdir(\"..\")");
		return EXIT_FAIL;
	}
	say("fchdir(%d), then chdir(\"..\") %d times: \"..\" stops only at my root, "
	    "and I am outside it now", fd, steps);
	if (chroot(".") == -1) {
		nsl_error(errno, "chroot(\".\")");
		return EXIT_FAIL;
	}
	n = list_dir("/", names, sizeof(names));
	say("chroot(\".\"): out. ls / shows %d entries: %s", n, names);
	if (read_line(d->marker, text, sizeof(text)) == -1)
		return EXIT_FAIL;
	say("cat %s: \"%s\", the host's file", d->marker, text);
	return EXIT_OK;
}

void leak_chroot_escape(const struct demo *d)
{
	char names[4096];
	pid_t pid;
	int n, status;

	n = list_dir("/", names, sizeof(names));
	say("ls / inside the chroot shows %d entries: %s", n, names);
	/* A plain fork, made with proc_clone() and no namespace flag. */
	pid = proc_clone(escape, (void *)d, 0);
	if (pid == -1) {
		nsl_error(errno, "clone(SIGCHLD)");
		return;
	}
	status = proc_wait(pid);
	if (status == EXIT_OK)
		say("escape %d got out: chroot is no boundary for root. pivot_root (the "
		    "default) moves the root mount itself and detaches the old one, so "
		    "there is nothing above / left to climb to", (int)pid);
	else
		say("escape %d failed with status %d", (int)pid, status);
}

/* The door, seen from inside: its link text, and what it opens. */
static void show_door(const char *root)
{
	char link[PATH_MAX] = "?", names[4096], dir[PATH_MAX];
	ssize_t len = readlink(root, link, sizeof(link) - 1);
	int n;

	if (len != -1)
		link[len] = '\0';
	snprintf(dir, sizeof(dir), "%s/", root);
	n = list_dir(dir, names, sizeof(names));
	if (n != -1)
		say("readlink(\"%s\") says \"%s\", but it opens the host's /, %d entries: %s",
		    root, link, n, names);
}

void leak_proc1_root(const struct demo *d)
{
	char comm[64] = "?", names[4096], root[64] = "", path[PATH_MAX + 64] = "", text[128] = "";
	int n, got;

	read_line("/proc/1/comm", comm, sizeof(comm));
	say("no PID namespace: my new /proc lists every host process, and PID 1 "
	    "is the host's init, %s", comm);
	n = list_dir("/", names, sizeof(names));
	say("my / has %d entries: %s", n, names);
	/* LAB 04.7 door: with --no-pidns, read the host's file d->marker through a process whose root is the host's /: its first line into TEXT, the link used in ROOT, the path read in PATH, GOT 0 or -1
	 * level: 2
	 * minutes: 15
	 * checks: 04.7
	 * docs: docs/04-mount.md#--no-pidns-the-door-in-proc
	 * fail: with --no-pidns, the container did not read the host's marker
	 * hint: proc(5), "/proc/[pid]/root": what following this link does, even from another mount namespace, and why reading the link itself says so little
	 * hint: any host process is a door; PID 1 is the one every host has, and some hosts guard it even from root (then take your parent)
	 * hint: pid_namespaces(7), "/proc and PID namespaces": why the default run, with a PID namespace, has no such door
	 * stub: (void)d;
	 * stub: got = -1;
	 * stub: nsl_error(ENOSYS, "LAB 04.7: %s", "no door to the host's / yet");
	 */
	pid_t door = 1;

	/* Any process whose root is the host's / opens the same door; PID 1
	 * is only the one every host has. Some hosts guard their PID 1 even
	 * from root (a security module): then take our parent, a plain host
	 * process. */
	if (access("/proc/1/root/", F_OK) == -1) {
		say("this host guards its PID 1: /proc/1/root: %s. Any host process "
		    "opens the same door; my parent is PID %d", strerror(errno), (int)getppid());
		door = getppid();
	}
	snprintf(root, sizeof(root), "/proc/%d/root", (int)door);
	snprintf(path, sizeof(path), "%s%s", root, d->marker);
	got = read_line(path, text, sizeof(text));
	/* END LAB */
	if (got == -1)
		return;
	show_door(root);
	say("cat %s: \"%s\", the host's file", path, text);
	say("a PID namespace (the default) closes this: the fresh /proc lists only "
	    "the container, whose PID 1 is its own init. So would a user namespace "
	    "(05): /proc/PID/root needs ptrace access to PID");
}
