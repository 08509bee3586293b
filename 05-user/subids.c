/* subids.c - 05-user's parent, for maps wider than one's own ids: the
 * setuid helpers newuidmap and newgidmap, and the ranges /etc/subuid and
 * /etc/subgid grant. Read: newuidmap(1), newgidmap(1), subuid(5).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"
#include "say.h"

/* The map as the helpers take it: "0 1000 1 1 100000 65536". */
static void helper_args(const struct userns_map *m, char *buf, size_t len)
{
	char text[USERNS_MAP_TEXT_MAX];

	userns_format_map(m, text, sizeof(text));
	for (char *p = text; *p != '\0'; p++)
		if (*p == '\n')
			*p = p[1] == '\0' ? '\0' : ' ';
	snprintf(buf, len, "%s", text);
}

static const char *my_name(void)
{
	/* 05-user runs one thread: getpwuid()'s static buffer is safe. */
	/* cppcheck-suppress getpwuidCalled */
	struct passwd *pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "USER";
}

/* The word in /proc/PID/setgroups, "allow" or "deny". */
static void read_setgroups(pid_t pid, char *buf, size_t len)
{
	char path[64], word[16];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fscanf(f, "%15s", word) == 1)
		snprintf(buf, len, "%s", word);
	fclose(f);
}

/* Let newuidmap and newgidmap write the maps: setuid-root helpers that
 * check /etc/subuid and /etc/subgid first. */
int host_map_with_helpers(const struct opts *o, pid_t pid)
{
	char uargs[2 * USERNS_MAP_TEXT_MAX], gargs[2 * USERNS_MAP_TEXT_MAX];
	char policy[16] = "?";
	const char *failed = "newuidmap";
	int err;

	helper_args(&o->uids, uargs, sizeof(uargs));
	helper_args(&o->gids, gargs, sizeof(gargs));
	say_more("these maps name ids that are not mine: the setuid helpers must write them");
	if (userns_map_with_helpers(pid, &o->uids, &o->gids, &failed) == 0) {
		say("newuidmap %d %s: done", (int)pid, uargs);
		say("newgidmap %d %s: done", (int)pid, gargs);
		read_setgroups(pid, policy, sizeof(policy));
		say_more("/proc/%d/setgroups is \"%s\": newgidmap chose it", (int)pid, policy);
		return 0;
	}
	err = errno;
	if (err == ENOENT || err == EACCES) {
		nsl_error(err, "execvp(\"%s\")", failed);
		nsl_hint("these maps name ids that are not yours: install newuidmap and newgidmap "
			 "(apt-get install uidmap), or run as root");
	} else if (err == EPERM) {
		nsl_error(err, "%s %d %s", failed, (int)pid,
			  strcmp(failed, "newuidmap") == 0 ? uargs : gargs);
		nsl_hint("the helpers map only ids that /etc/subuid and /etc/subgid give to %s "
			 "(subuid(5)); as root: usermod --add-subuids 100000-165535 "
			 "--add-subgids 100000-165535 %s", my_name(), my_name());
	} else {
		nsl_error(err, "fork() for %s", failed);
	}
	return -1;
}

/* 1 if PROG is an executable file in a directory of $PATH. */
static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];

	if (path == NULL)
		path = "/usr/bin:/bin";
	while (*path != '\0') {
		size_t n = strcspn(path, ":");

		snprintf(file, sizeof(file), "%.*s/%s", (int)n, path, prog);
		if (n > 0 && access(file, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

void host_suggest_ranges(void)
{
	const char *name = my_name();
	struct userns_extent su, sg;
	int helpers, subids;

	if (geteuid() == 0) {
		say("ranges: as root you may write any map yourself, e.g. "
		    PROG " -m 0:100000:65536 -- cat /proc/self/uid_map");
		return;
	}
	helpers = on_path("newuidmap") && on_path("newgidmap");
	subids = userns_subid_range("/etc/subuid", name, getuid(), &su) == 0 &&
		 userns_subid_range("/etc/subgid", name, getuid(), &sg) == 0;
	if (helpers && subids) {
		say("ranges: /etc/subuid gives %s uids %u-%u; map them as rootless podman does:",
		    name, su.outside, su.outside + (su.count - 1));
		say("ranges: " PROG " --map-root -m 1:%u:%u -- cat /proc/self/uid_map",
		    su.outside, su.count < sg.count ? su.count : sg.count);
		if (su.outside != sg.outside)
			say("ranges: (your subgid range starts at %u: -m maps the same numbers "
			    "for both, so pick one both files grant)", sg.outside);
		return;
	}
	if (!helpers)
		say("ranges: to map more ids than your own, install newuidmap and newgidmap "
		    "(package uidmap)");
	if (!subids)
		say("ranges: %s has no subordinate ids; as root: usermod --add-subuids "
		    "100000-165535 --add-subgids 100000-165535 %s (or add the line "
		    "%s:100000:65536 to /etc/subuid and /etc/subgid)", name, name, name);
}
