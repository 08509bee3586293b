/* seccomp_bpf.h - config.json's linux.seccomp, compiled to classic BPF
 * by nslab itself: what runc and crun ask libseccomp to do.
 *
 * A piece: it never prints and never exits; a refusal is recorded
 * (common/fail.h) with its place in the file:
 * "config.json: linux.seccomp.syscalls[3].args[0].op: ...".
 *
 * Honored: defaultAction and defaultErrnoRet; syscalls[] with names,
 * action, errnoRet and args (index, value, valueTwo, op: every one of
 * SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ, on all 64 bits);
 * the actions SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_THREAD,
 * _KILL_PROCESS, _TRAP, _TRACE and _LOG; flags SECCOMP_FILTER_FLAG_LOG,
 * _SPEC_ALLOW, _TSYNC. A name this build's headers do not know is
 * skipped, as runc skips it. architectures[] is read and checked, but
 * the filter knows this build's architecture only: a call made through
 * another one (on x86_64: i386's int $0x80, x32) is killed, listed or
 * not. Refused: SCMP_ACT_NOTIFY and listenerPath (no seccomp agent).
 *
 * How a call is judged, the same for every profile: a call no rule
 * names gets defaultAction; a call some rules name gets the action of
 * the first of them, in the file's order, whose args all hold - the
 * rules with args tried before the ones without, so that "allow
 * personality(0)" and "refuse personality" may be written in any order.
 * No rule holding: defaultAction.
 */
#ifndef NSLAB_SECCOMP_BPF_H
#define NSLAB_SECCOMP_BPF_H

#include "../harden.h"
#include "json.h"

/* The most instructions a filter may have (the kernel's BPF_MAXINSNS). */
#define OCI_BPF_MAX 4096

/* Compile SC, the object config.json has at linux.seccomp, into F
 * (F->insn malloc'd: free it with oci_seccomp_free()). 0, or -1 with
 * errno EINVAL (refused, with its place), E2BIG (more than OCI_BPF_MAX
 * instructions) or ENOMEM, the failure recorded and F empty. */
int oci_seccomp_compile(const struct json *sc, struct harden_filter *f);

void oci_seccomp_free(struct harden_filter *f);

/* The number of system call NAME on this build's architecture, or -1. */
int oci_syscall_number(const char *name);

/* The architecture the filter accepts calls from (AUDIT_ARCH_*), and
 * the profile's name for it ("SCMP_ARCH_X86_64"). */
unsigned int oci_seccomp_arch(const char **name);

#endif
