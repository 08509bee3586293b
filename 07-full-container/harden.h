/* harden.h - what the runtime does to a process before it runs the
 * container's command: capabilities, no_new_privs, a seccomp filter,
 * no inherited descriptors. Used by run (container.c) and by exec.
 *
 * Pieces style: each call returns 0, or -1 with errno set and the failed
 * call recorded for nsl_failed_call() (common/fail.h), e.g.
 * "prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN)"; nothing here prints or exits. */
#ifndef NSLAB_HARDEN_H
#define NSLAB_HARDEN_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* The capabilities a container keeps, as a mask of 1ULL << CAP_*:
 * Docker's default set, minus CAP_MKNOD (see harden.c for why). */
uint64_t harden_default_caps(void);

/* Reduce every capability set to KEEP, as far as the caller holds it
 * (KEEP & permitted): drop the rest from the bounding set
 * (PR_CAPBSET_DROP, needs CAP_SETPCAP), clear the ambient set, then
 * capset() with effective = permitted = that and inheritable empty.
 * Afterwards bounding = permitted = effective (CVE-2022-24769 and
 * CVE-2022-29162 left inheritable non-empty).
 * Calling it again with the same KEEP succeeds and changes nothing. */
int harden_caps(uint64_t keep);

/* Only the bounding set's part of harden_caps(KEEP): permitted and
 * effective stay, for a change of user before harden_caps() itself. */
int harden_bounding(uint64_t keep);

/* The OCI runtime's five sets, each as config.json gives it (a mask of
 * 1ULL << CAP_*), with effective within permitted within bounding,
 * inheritable within bounding (config.c refuses the rest) and ambient
 * within permitted and inheritable (config.c trims the rest). Bounding is dropped to its
 * set, ambient cleared, capset(), then each ambient capability raised.
 * Needs no capability when the bounding set is already that (as after
 * harden_bounding()): it can follow a change of user. */
struct harden_capsets {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};
int harden_capsets(const struct harden_capsets *s);

/* prctl(PR_SET_NO_NEW_PRIVS, 1): no exec gains privilege from then on. */
int harden_no_new_privs(void);

/* Install the seccomp filter (raw BPF): wrong architecture or x32 ->
 * kill; Docker's refused calls (setns among them) -> EPERM; clone and
 * unshare with namespace flags -> EPERM; clone3 -> ENOSYS; ioctl
 * TIOCSTI/TIOCLINUX (low 32 bits of the request), personality() beyond
 * Docker's five values, socket(AF_VSOCK) -> EPERM. Needs no_new_privs
 * (or CAP_SYS_ADMIN) first. */
int harden_seccomp(void);

/* A filter compiled elsewhere (the OCI runtime's linux.seccomp,
 * oci/seccomp_bpf.c): its program and seccomp(2)'s flags. */
struct harden_filter {
	struct sock_filter *insn;
	size_t len;
	unsigned int flags;         /* SECCOMP_FILTER_FLAG_* */
	size_t calls;               /* the calls its rules name, known here */
	size_t unknown;             /* names this build's headers lack: skipped */
};

/* Install F instead of run's filter, with the same precondition. */
int harden_seccomp_filter(const struct harden_filter *f);

/* For narration: how many BPF instructions the filter has, and how many
 * calls it refuses whatever their arguments (the table in seccomp.c;
 * clone3's ENOSYS and the argument checks are not counted). */
void harden_seccomp_stats(size_t *insns, size_t *refused);

/* Close every descriptor above 2 (close_range, else /proc/self/fd);
 * _but(): all of them but KEEP (the OCI runtime's exec --detach keeps
 * an O_CLOEXEC one, for execve() to close: -1 for none). */
int harden_close_fds(void);
int harden_close_fds_but(int keep);

/* A capability mask as "CAP_CHOWN,CAP_KILL,..." into BUF ("none" for an
 * empty mask; cut short, never overrun, when BUF is too small). */
void harden_cap_names(uint64_t caps, char *buf, size_t len);

/* The number of capability NAME ("CAP_KILL"), or -1 when this build
 * does not know it. */
int harden_cap_number(const char *name);

#endif
