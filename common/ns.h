/* ns.h - namespace identity, read the way lsns and nsenter read it.
 *
 * Every namespace a process belongs to is a file under /proc/PID/ns/. Its
 * link text, "uts:[4026532301]", names the type and the namespace's inode
 * number: two processes are in the same namespace exactly when the inode
 * numbers (and the nsfs device) match. See namespaces(7), "The
 * /proc/[pid]/ns/ directory".
 */
#ifndef NSLAB_NS_H
#define NSLAB_NS_H

#include <stddef.h>
#include <sys/types.h>

/* Longest link text: "cgroup:[" + 20 digits + "]". */
#define NS_ID_MAX 40

/* Read /proc/PID/ns/TYPE into BUF ("uts:[4026532301]"). PID 0 means the
 * caller itself (/proc/self). Returns 0, or -1 with errno set. */
int ns_id(pid_t pid, const char *type, char *buf, size_t len);

/* The same namespace's inode number, or 0 with errno set. */
unsigned long ns_inode(pid_t pid, const char *type);

#endif
