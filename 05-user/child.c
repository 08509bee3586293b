/* child.c - 05-user's child: what root of a user namespace can and cannot
 * do. It speaks at each step, then waits on a pipe while the parent looks
 * from outside.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* The errno names this file expects to meet. */
static const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	default: return "?";
	}
}

/* One number from a /proc/sys file, or -1. */
static long read_sysctl(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Before the maps: ids that mean nothing, capabilities that reach only
 * what the new user namespace owns. */
static void show_unmapped(void)
{
	char caps[64] = "?";
	unsigned long long set;
	long last = read_sysctl("/proc/sys/kernel/cap_last_cap");
	int n;

	say("before any map: I am uid %u, gid %u, the overflow ids the kernel shows for "
	    "an id with no mapping", (unsigned)getuid(), (unsigned)getgid());
	say_more("/proc/sys/kernel/overflowuid is %ld, overflowgid %ld",
		 read_sysctl("/proc/sys/kernel/overflowuid"),
		 read_sysctl("/proc/sys/kernel/overflowgid"));
	proc_status_field(0, "CapEff", caps, sizeof(caps));
	set = strtoull(caps, NULL, 16);
	n = __builtin_popcountll(set);
	say("CapEff %s: %d capabilities%s, good only for what my new user namespace owns",
	    caps, n, n == last + 1 ? ", all there are" : "");
}

/* After the maps: who am I now? If my own outside uid is not in the map
 * (a range of subordinate ids), I still show as 65534; become root of the
 * namespace then, as a container runtime does. */
static int become_root(const struct opts *o)
{
	uint32_t u, g;

	say("the maps are written: I am uid %u, gid %u", (unsigned)getuid(), (unsigned)getgid());
	if (getuid() == 0 || userns_to_outside(&o->uids, 0, &u) == -1 ||
	    userns_to_outside(&o->gids, 0, &g) == -1)
		return 0;
	/* Allowed: CAP_SETUID and CAP_SETGID in this namespace, and 0 is
	 * mapped. setgroups(2) is not needed: my groups stay as they were. */
	if (setresgid(0, 0, 0) == -1) {
		nsl_error(errno, "setresgid(0, 0, 0)");
		return -1;
	}
	if (setresuid(0, 0, 0) == -1) {
		nsl_error(errno, "setresuid(0, 0, 0)");
		return -1;
	}
	/* A change of credentials clears the parent-death signal: ask again. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	say("my outside ids are not in the maps; setresuid(0, 0, 0): now uid %u, gid %u",
	    (unsigned)getuid(), (unsigned)getgid());
	return 0;
}

/* /proc/self/uid_map, line by line, read the kernel's way. */
static void show_map(const char *file)
{
	struct userns_map m;

	if (userns_read_map(0, file, &m) == -1) {
		nsl_error(errno, "open(\"/proc/self/%s\")", file);
		return;
	}
	for (size_t i = 0; i < m.n; i++) {
		const struct userns_extent *e = &m.e[i];

		if (e->count == 1)
			say("/proc/self/%s: \"%u %u %u\": id %u here is id %u outside (count 1)",
			    file, e->inside, e->outside, e->count, e->inside, e->outside);
		else
			say("/proc/self/%s: \"%u %u %u\": ids %u-%u here are ids %u-%u outside (count %u)",
			    file, e->inside, e->outside, e->count, e->inside,
			    e->inside + (e->count - 1), e->outside, e->outside + (e->count - 1), e->count);
	}
}

/* A file in the host's directory: root made it, as far as I can tell. */
static int make_file(const struct demo *d)
{
	struct stat st;
	int fd;

	fd = open(d->file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1) {
		nsl_error(errno, "open(\"%s\", O_CREAT|O_EXCL)", d->file);
		return -1;
	}
	if (fstat(fd, &st) == -1)
		st.st_uid = (uid_t)-1;
	close(fd);
	say("created %s; to me it belongs to uid %u", d->file, (unsigned)st.st_uid);
	return 0;
}

/* Mount a tmpfs: allowed in a mount namespace that my user namespace
 * owns, refused in the host's (--no-mountns). */
static int mount_tmpfs(const struct demo *d)
{
	if (!d->o->no_mountns) {
		/* The copy of the host's mounts is already a slave of it (a
		 * less privileged mount namespace never propagates back), but
		 * the house rule costs nothing: private first. */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
			nsl_error(errno, "mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
			return -1;
		}
		say_more("mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL) = 0");
	}
	if (mount("tmpfs", d->mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") == -1) {
		int err = errno;

		if (err != EPERM || !d->o->no_mountns) {
			nsl_error(err, "mount(\"tmpfs\", \"%s\", \"tmpfs\")", d->mnt);
			if (err == EPERM)
				nsl_hint("on Ubuntu 23.10 and later, AppArmor may deny the capabilities "
					 "of unprivileged user namespaces: see sysctl "
					 "kernel.apparmor_restrict_unprivileged_userns");
			return -1;
		}
		say("mount(\"tmpfs\", \"%s\", \"tmpfs\"): %s (%s): I share the host's mount "
		    "namespace, which the host's user namespace owns; root here has no "
		    "capability there", d->mnt, strerror(err), errno_name(err));
		return 0;
	}
	say("mount(\"tmpfs\", \"%s\", \"tmpfs\") = 0: allowed, my user namespace owns "
	    "this mount namespace", d->mnt);
	return 0;
}

/* Things that belong to the host: its UTS namespace, a root-only file. */
static void try_host(void)
{
	char name[HOST_NAME_MAX + 1] = "";
	struct stat st;
	int fd;

	/* The host's own name, so nothing would change even if it worked. */
	gethostname(name, sizeof(name));
	if (sethostname(name, strlen(name)) == -1)
		say("sethostname(\"%s\") in the host's UTS namespace: %s (%s): the host's user "
		    "namespace owns it, and I have no capability there", name,
		    strerror(errno), errno_name(errno));
	else
		say("sethostname(\"%s\") in the host's UTS namespace = 0: this should not happen", name);

	if (stat("/etc/shadow", &st) == -1)
		st.st_uid = (uid_t)-1;
	fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		say("open(\"/etc/shadow\"): %s (%s): to me its owner is uid %u; capabilities do "
		    "not reach files whose owner is not mapped here", strerror(errno),
		    errno_name(errno), (unsigned)st.st_uid);
		return;
	}
	close(fd);
	say("open(\"/etc/shadow\") = %d: its owner, root outside, is mapped to me: "
	    "mapping root to root gives real root's files back", fd);
}

/* Tell the parent this step is done, and wait until it has looked. */
static int step(const struct demo *d)
{
	if (sync_post(d->up[1]) == -1)
		return -1;
	return sync_wait(d->down[0]);
}

int child_main(void *arg)
{
	struct demo *d = arg;

	say_role("child");
	if (proc_child_setup() == -1)
		return EXIT_FAIL;
	close(d->up[0]);
	close(d->down[1]);
	/* Wait for the parent's line about clone(), so the story reads in
	 * order; then at each step below, for the parent's look. */
	if (sync_wait(d->down[0]) == -1)
		return EXIT_FAIL;
	show_unmapped();
	if (step(d) == -1) /* the parent writes the maps */
		return EXIT_FAIL;
	if (become_root(d->o) == -1)
		return EXIT_FAIL;
	say("read each line of a map as INSIDE OUTSIDE COUNT: COUNT ids from INSIDE on, "
	    "here, are the ids from OUTSIDE on, in the parent's namespace");
	show_map("uid_map");
	show_map("gid_map");
	if (make_file(d) == -1 || step(d) == -1)
		return EXIT_FAIL;
	if (mount_tmpfs(d) == -1 || step(d) == -1)
		return EXIT_FAIL;
	try_host();
	if (d->o->cmd != NULL)
		return proc_exec(d->o->cmd);
	return EXIT_OK;
}
