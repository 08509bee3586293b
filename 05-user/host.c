/* host.c - 05-user's parent. It writes the child's maps, and after each of
 * the child's steps looks from outside, with the host's eyes: the child's
 * /proc/PID/status, the owner of the file the child made, both mount
 * tables.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "ns.h"
#include "proc.h"
#include "say.h"
#include "sync.h"

/* TEXT as C would write it, "0 1000 1\n", for narration and errors. */
static void quote(const char *text, char *buf, size_t len)
{
	size_t used = 0;

	for (; *text != '\0' && used + 3 < len; text++) {
		if (*text == '\n') {
			buf[used++] = '\\';
			buf[used++] = 'n';
		} else {
			buf[used++] = *text;
		}
	}
	buf[used] = '\0';
}

/* Report a failed write to /proc/PID/FILE the way the call was made. */
static void write_error(int err, pid_t pid, const char *file, const char *text)
{
	char shown[2 * USERNS_MAP_TEXT_MAX];

	quote(text, shown, sizeof(shown));
	nsl_error(err, "write(\"/proc/%d/%s\", \"%s\")", (int)pid, file, shown);
}

static void say_written(pid_t pid, const char *file, const char *text)
{
	char shown[2 * USERNS_MAP_TEXT_MAX];

	quote(text, shown, sizeof(shown));
	say("wrote \"%s\" to /proc/%d/%s", shown, (int)pid, file);
}

/* --no-setgroups-deny: uid_map, then gid_map, with setgroups untouched. */
static int write_maps_no_deny(pid_t pid, const char *uid_text, const char *gid_text)
{
	say("not writing \"deny\" to /proc/%d/setgroups (--no-setgroups-deny)", (int)pid);
	if (userns_write_file(pid, "uid_map", uid_text) == -1) {
		write_error(errno, pid, "uid_map", uid_text);
		return -1;
	}
	say_written(pid, "uid_map", uid_text);
	if (userns_write_file(pid, "gid_map", gid_text) == -1) {
		write_error(errno, pid, "gid_map", gid_text);
		return -1;
	}
	say_written(pid, "gid_map", gid_text);
	return 0;
}

/* The word in /proc/PID/setgroups, "allow" or "deny", into BUF ("?" if
 * it cannot be read). */
static void read_setgroups(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	snprintf(buf, len, "?");
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) == NULL)
		snprintf(buf, len, "?");
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Write the maps ourselves: root may write any map, anyone else only a
 * map of their own uid and gid. userns_write_maps() makes the three
 * writes in the kernel's order. */
static int write_maps(const struct opts *o, pid_t pid)
{
	char uid_text[USERNS_MAP_TEXT_MAX], gid_text[USERNS_MAP_TEXT_MAX], sg[16];
	const char *failed = "setgroups";

	/* main() checked that both fit. */
	userns_format_map(&o->uids, uid_text, sizeof(uid_text));
	userns_format_map(&o->gids, gid_text, sizeof(gid_text));
	if (o->no_setgroups_deny)
		return write_maps_no_deny(pid, uid_text, gid_text);
	if (userns_write_maps(pid, uid_text, gid_text, &failed) == -1) {
		write_error(errno, pid, failed,
			    strcmp(failed, "setgroups") == 0 ? "deny" :
			    strcmp(failed, "uid_map") == 0 ? uid_text : gid_text);
		return -1;
	}
	/* What the kernel holds now, read back rather than assumed. */
	read_setgroups(pid, sg, sizeof(sg));
	if (strcmp(sg, "deny") == 0) {
		say("wrote \"deny\" to /proc/%d/setgroups: before gid_map, the kernel insists "
		    "unless the writer is root", (int)pid);
		say_more("(without it, root inside could drop one of my groups with setgroups(2) "
			 "and so open files that group is kept out of)");
	} else {
		say("/proc/%d/setgroups reads \"%s\": as root I may write gid_map all the same",
		    (int)pid, sg);
	}
	say_written(pid, "uid_map", uid_text);
	say_written(pid, "gid_map", gid_text);
	return 0;
}

/* Root may write any map; anyone may write a map of their own ids; any
 * other map needs the helpers (--no-helpers tries anyway, to show why). */
static int map_child(const struct opts *o, pid_t pid)
{
	if (geteuid() == 0 || o->no_helpers ||
	    (userns_is_self_map(&o->uids, (uint32_t)geteuid()) &&
	     userns_is_self_map(&o->gids, (uint32_t)getegid())))
		return write_maps(o, pid);
	return host_map_with_helpers(o, pid);
}

static void show_ids(pid_t pid)
{
	char mu[NS_ID_MAX] = "?", mm[NS_ID_MAX] = "?";
	char cu[NS_ID_MAX] = "?", cm[NS_ID_MAX] = "?";

	ns_id(0, "user", mu, sizeof(mu));
	ns_id(0, "mnt", mm, sizeof(mm));
	ns_id(pid, "user", cu, sizeof(cu));
	ns_id(pid, "mnt", cm, sizeof(cm));
	say("child %d is in %s %s; I am in %s %s", (int)pid, cu, cm, mu, mm);
}

/* The child's ids and its file, as the host sees them. */
static void show_outside(const struct demo *d, pid_t pid)
{
	char uid[64] = "?";
	struct stat st;

	proc_status_field(pid, "Uid", uid, sizeof(uid));
	/* "Uid: 1000 1000 1000 1000": real, effective, saved and fs uid. */
	say("to the host, child %d is uid %.*s (/proc/%d/status)", (int)pid,
	    (int)strcspn(uid, " "), uid, (int)pid);
	if (stat(d->file, &st) == -1) {
		nsl_error(errno, "stat(\"%s\")", d->file);
		return;
	}
	say("on the host, %s belongs to uid %u, gid %u%s", d->file,
	    (unsigned)st.st_uid, (unsigned)st.st_gid,
	    st.st_uid == 0 ? ": root, as root inside is root outside here" : ", not to root");
}

/* Is there a mount on MOUNTPOINT in /proc/PID/mountinfo (PID 0: mine)?
 * Its filesystem type goes to TYPE. */
static int has_mount(pid_t pid, const char *mountpoint, char *type, size_t len)
{
	char path[64], line[4096], at[4096], fstype[16];
	const char *sep;
	int found = 0;
	FILE *f;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/mountinfo");
	else
		snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root ...":
	 * the fifth field is the mount point, the type follows " - ". */
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", at) != 1 || strcmp(at, mountpoint) != 0)
			continue;
		sep = strstr(line, " - ");
		if (sep != NULL && sscanf(sep + 3, "%15s", fstype) == 1)
			snprintf(type, len, "%s", fstype);
		found = 1;
	}
	fclose(f);
	return found;
}

/* The tmpfs, in the child's mount table and not in mine. */
static void show_mounts(const struct demo *d, pid_t pid)
{
	char type[16] = "?", mine[16] = "?";
	int in_child = has_mount(pid, d->mnt, type, sizeof(type));
	int in_host = has_mount(0, d->mnt, mine, sizeof(mine));

	if (in_child && !in_host)
		say("/proc/%d/mountinfo has a %s on %s, my /proc/self/mountinfo has none: "
		    "the mount lives in the child's mount namespace only", (int)pid, type, d->mnt);
	else
		say("on %s: the child's mount table has %s, mine has %s", d->mnt,
		    in_child ? type : "nothing", in_host ? mine : "nothing");
}

/* One round trip: let the child go on, then wait until it has done its
 * part. Fails (EPIPE) when the child gave up, EINTR on Ctrl-C - also
 * when Ctrl-C came while a helper ran, as run_helper() waits on. */
static int step(const struct demo *d)
{
	if (proc_stop_signal != 0) {
		errno = EINTR;
		return -1;
	}
	if (sync_post(d->down[1]) == -1)
		return -1;
	return sync_wait(d->up[0]);
}

void host_watch(const struct demo *d, pid_t pid)
{
	show_ids(pid);
	if (step(d) == -1) /* the child shows itself before any map */
		return;
	if (map_child(d->o, pid) == -1)
		return;
	if (step(d) == -1) /* the child shows its ids and makes its file */
		return;
	show_outside(d, pid);
	if (step(d) == -1) /* the child mounts a tmpfs */
		return;
	show_mounts(d, pid);
	sync_post(d->down[1]); /* the child tries the host's things, runs CMD */
}
