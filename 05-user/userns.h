/* userns.h - the user namespace piece: uid and gid maps.
 *
 * A new user namespace starts empty: no uid or gid means anything inside
 * it, so its first process shows up as the overflow ids, 65534 (nobody),
 * yet it holds every capability - over the objects the new namespace owns,
 * and nothing else. A process outside (the parent) then writes the maps,
 * once each, to /proc/PID/uid_map and /proc/PID/gid_map. Every line is
 *
 *     INSIDE OUTSIDE COUNT
 *
 * "ids INSIDE .. INSIDE+COUNT-1 in the namespace are ids OUTSIDE ..
 * OUTSIDE+COUNT-1 in the parent namespace". Files, signals and
 * /proc/PID/status are always judged by the outside ids.
 *
 * Who may write which map (user_namespaces(7), "Defining user and group ID
 * mappings"): a process with CAP_SETUID (CAP_SETGID) in the parent
 * namespace, root for short, may write any map. Anyone else may map only
 * their own id, one line with COUNT 1, and gid_map only once setgroups(2)
 * is switched off for good in the new namespace. Wider maps need the setuid helpers
 * newuidmap(1) and newgidmap(1), which check /etc/subuid and /etc/subgid
 * (subuid(5)) - that is how rootless podman maps 65536 ids.
 *
 * Read: user_namespaces(7), clone(2), newuidmap(1), newgidmap(1),
 * subuid(5), subgid(5), capabilities(7).
 */
#ifndef NSLAB_USERNS_H
#define NSLAB_USERNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Ids are 32 bits in the kernel, and (uint32_t)-1 means "no id": the last
 * id of any range, inside or outside, is at most this. */
#define USERNS_ID_LAST 4294967294u

/* The kernel takes at most 340 lines per map (since Linux 4.15) ... */
#define USERNS_MAX_EXTENTS 340
/* ... written in one write(2) of less than a page. */
#define USERNS_MAP_TEXT_MAX 4096

/* One line of a map. */
struct userns_extent {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;
};

struct userns_map {
	size_t n;
	struct userns_extent e[USERNS_MAX_EXTENTS];
};

/* Parse "INSIDE:OUTSIDE:COUNT", three decimal numbers, into E. No
 * system call: the checks the kernel would make, made before any
 * namespace exists. Returns 0, or -1 with errno EINVAL (not three
 * numbers, or COUNT 0) or ERANGE (a range runs past USERNS_ID_LAST), and
 * *WHY (when WHY is not NULL) set to a sentence for the user. */
int userns_parse_extent(const char *text, struct userns_extent *e,
			const char **why);

/* Add E to M unless its inside or its outside range overlaps a line
 * already in M (the kernel refuses both). Returns 0, or -1 with errno
 * EINVAL (overlap) or E2BIG (more than USERNS_MAX_EXTENTS lines), and
 * *WHY set as above. */
int userns_add_extent(struct userns_map *m, const struct userns_extent *e,
		      const char **why);

/* M as the kernel wants it, "0 1000 1\n" per line, into BUF. Returns 0,
 * or -1 with errno E2BIG when it does not fit in LEN bytes. */
int userns_format_map(const struct userns_map *m, char *buf, size_t len);

/* The outside id of INSIDE under M into *OUTSIDE. Returns 0, or -1 with
 * errno ENOENT when M does not map INSIDE. */
int userns_to_outside(const struct userns_map *m, uint32_t inside,
		      uint32_t *outside);

/* 1 if M is the one map an unprivileged process may write itself: a
 * single line, COUNT 1, whose outside id is ID. Otherwise 0. */
int userns_is_self_map(const struct userns_map *m, uint32_t id);

/* Write TEXT to /proc/PID/FILE ("uid_map", "gid_map", "setgroups") in one
 * write(2), the only way the kernel takes it. 0, or -1 with errno. */
int userns_write_file(pid_t pid, const char *file, const char *text);

/* Map PID's user namespace: first what the kernel asks of a writer
 * without privilege before gid_map (user_namespaces(7)), then UID_MAP to
 * uid_map and GID_MAP to gid_map (texts as userns_format_map() makes
 * them). Returns 0, or -1 with errno and *FAILED (when FAILED is not
 * NULL) set to the file that refused: "setgroups", "uid_map", "gid_map". */
int userns_write_maps(pid_t pid, const char *uid_map, const char *gid_map,
		      const char **failed);

/* Map PID's user namespace through the setuid helpers: run
 * "newuidmap PID INSIDE OUTSIDE COUNT..." and then newgidmap the same way,
 * each with fork + execvp, and wait for them. The helpers decide about
 * setgroups themselves. Returns 0, or -1 with *FAILED set to the helper's
 * name and errno ENOENT (not installed), EACCES (not executable) or EPERM
 * (it refused, after printing why on stderr), or fork's errno. */
int userns_map_with_helpers(pid_t pid, const struct userns_map *uids,
			    const struct userns_map *gids, const char **failed);

/* Read /proc/PID/FILE ("uid_map" or "gid_map"; PID 0 means self) into M,
 * as the calling process sees it. 0, or -1 with errno. */
int userns_read_map(pid_t pid, const char *file, struct userns_map *m);

/* The first range of subordinate ids that PATH (/etc/subuid or
 * /etc/subgid, lines "USER:START:COUNT") grants to USER (by name or by
 * the number ID), as an extent with inside 0. 0, or -1 with errno ENOENT
 * when there is none, or fopen's errno. */
int userns_subid_range(const char *path, const char *user, uid_t id,
		       struct userns_extent *range);

#endif
