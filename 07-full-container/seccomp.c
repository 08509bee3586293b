/* seccomp.c - the container's seccomp filter, written by hand as classic
 * BPF: the program the kernel runs on every system call before the call
 * itself. See harden.h.
 *
 * The filter sees one struct seccomp_data per call: the architecture
 * (arch), the call's number (nr) and its six raw arguments. It can read
 * only those numbers - never memory a pointer argument points to - and
 * it answers with an action: ALLOW, ERRNO (fail the call with an errno),
 * or KILL_PROCESS. It cannot loop or jump backwards, so it always ends.
 *
 * What it refuses follows Docker's default profile (moby's
 * profiles/seccomp/default.json) for a container with the default
 * capabilities. Docker writes an allow list and refuses the rest; this
 * filter writes the refused calls as a table (below) and allows the
 * rest, which reads better as a lesson. Each group of the table says
 * why Docker refuses it.
 *
 * The filter is generated at run time from the table, so the table is
 * the single place to read or change. A generated program also shows
 * what libseccomp does for Docker: one comparison per call, and jumps
 * to a few shared answers at the end.
 *
 * The table makes this file longer than the house's ~300 lines: it is
 * read as a list, not followed as code, and it belongs in one place.
 *
 * Read: seccomp(2), prctl(2) (PR_SET_NO_NEW_PRIVS), and in the kernel's
 * Documentation: userspace-api/seccomp_filter.rst, networking/filter.rst
 * (the classic BPF instruction set).
 */
#define _GNU_SOURCE
#include "harden.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "fail.h"
#include "syscalls.h" /* seccomp() */

/* The filter compares system call numbers, and those differ between
 * architectures: it is correct for the one it was compiled for only.
 * Both supported ones are little-endian, which ARG_LO() relies on. */
#if defined(__x86_64__) && !defined(__ILP32__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp.c knows x86_64 and aarch64: add AUDIT_ARCH_ and check the table"
#endif

#ifndef SECCOMP_RET_KILL_PROCESS /* Linux 4.14; older kernels kill the thread */
#define SECCOMP_RET_KILL_PROCESS SECCOMP_RET_KILL
#endif
#ifndef CLONE_NEWTIME /* Linux 5.6 */
#define CLONE_NEWTIME 0x00000080
#endif

/* The namespace flags: with any of them, clone() or unshare() makes a
 * namespace, which needs CAP_SYS_ADMIN - or nothing at all, for a user
 * namespace, whose creator is root inside it. A nested user namespace
 * opens every kernel path that checks "capable in my user namespace"
 * to the container, so Docker refuses it. */
#define CLONE_NEW_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
			 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
			 CLONE_NEWCGROUP)

struct refused {
	int nr;
	const char *name;
};

/* The calls refused with EPERM, whatever their arguments. Docker refuses
 * each (by leaving it out of its allow list, or allowing it only with a
 * capability nslab does not give) unless the comment says otherwise.
 * A call the headers do not know is left out: #ifdef each. */
static const struct refused refused[] = {
	/* The kernel keyring is not namespaced: keys of the host (and of
	 * other containers) would be within reach. */
#ifdef __NR_keyctl
	{ __NR_keyctl, "keyctl" },
#endif
#ifdef __NR_add_key
	{ __NR_add_key, "add_key" },
#endif
#ifdef __NR_request_key
	{ __NR_request_key, "request_key" },
#endif
	/* Code into the running kernel, or another kernel (CAP_SYS_MODULE,
	 * CAP_SYS_BOOT); create_module and co. are long gone, refused in
	 * case an old kernel still has them. */
#ifdef __NR_init_module
	{ __NR_init_module, "init_module" },
#endif
#ifdef __NR_finit_module
	{ __NR_finit_module, "finit_module" },
#endif
#ifdef __NR_delete_module
	{ __NR_delete_module, "delete_module" },
#endif
#ifdef __NR_create_module
	{ __NR_create_module, "create_module" },
#endif
#ifdef __NR_get_kernel_syms
	{ __NR_get_kernel_syms, "get_kernel_syms" },
#endif
#ifdef __NR_query_module
	{ __NR_query_module, "query_module" },
#endif
#ifdef __NR_kexec_load
	{ __NR_kexec_load, "kexec_load" },
#endif
#ifdef __NR_kexec_file_load
	{ __NR_kexec_file_load, "kexec_file_load" },
#endif
#ifdef __NR_reboot
	{ __NR_reboot, "reboot" },
#endif
	/* Watching the whole system, or programming the kernel: eBPF and
	 * perf have been a steady source of kernel exploits (CAP_SYS_ADMIN,
	 * CAP_BPF, CAP_PERFMON, CAP_SYSLOG). */
#ifdef __NR_bpf
	{ __NR_bpf, "bpf" },
#endif
#ifdef __NR_perf_event_open
	{ __NR_perf_event_open, "perf_event_open" },
#endif
#ifdef __NR_lookup_dcookie
	{ __NR_lookup_dcookie, "lookup_dcookie" },
#endif
#ifdef __NR_fanotify_init
	{ __NR_fanotify_init, "fanotify_init" },
#endif
#ifdef __NR_syslog
	{ __NR_syslog, "syslog" },
#endif
	/* Mounts: the container's mount tree is the runtime's work, done
	 * before this filter; the new mount API (fsopen ...) too. */
#ifdef __NR_mount
	{ __NR_mount, "mount" },
#endif
#ifdef __NR_umount
	{ __NR_umount, "umount" },
#endif
#ifdef __NR_umount2
	{ __NR_umount2, "umount2" },
#endif
#ifdef __NR_pivot_root
	{ __NR_pivot_root, "pivot_root" },
#endif
#ifdef __NR_fsopen
	{ __NR_fsopen, "fsopen" },
#endif
#ifdef __NR_fsconfig
	{ __NR_fsconfig, "fsconfig" },
#endif
#ifdef __NR_fsmount
	{ __NR_fsmount, "fsmount" },
#endif
#ifdef __NR_fspick
	{ __NR_fspick, "fspick" },
#endif
#ifdef __NR_move_mount
	{ __NR_move_mount, "move_mount" },
#endif
#ifdef __NR_open_tree
	{ __NR_open_tree, "open_tree" },
#endif
#ifdef __NR_open_tree_attr
	{ __NR_open_tree_attr, "open_tree_attr" },
#endif
#ifdef __NR_mount_setattr
	{ __NR_mount_setattr, "mount_setattr" },
#endif
#ifdef __NR_quotactl
	{ __NR_quotactl, "quotactl" },
#endif
#ifdef __NR_quotactl_fd
	{ __NR_quotactl_fd, "quotactl_fd" },
#endif
#ifdef __NR_swapon
	{ __NR_swapon, "swapon" },
#endif
#ifdef __NR_swapoff
	{ __NR_swapoff, "swapoff" },
#endif
	/* A file handle names an inode on a filesystem with no path: the
	 * 2014 "shocker" exploit opened the host's /etc/shadow with one
	 * (CAP_DAC_READ_SEARCH). Making a handle (name_to_handle_at) is
	 * harmless and Docker allows it. */
#ifdef __NR_open_by_handle_at
	{ __NR_open_by_handle_at, "open_by_handle_at" },
#endif
	/* Namespaces: joining one is CAP_SYS_ADMIN's; the names of the UTS
	 * namespace are set by the runtime, before this filter. clone and
	 * unshare are judged by their flags, further down. */
#ifdef __NR_setns
	{ __NR_setns, "setns" },
#endif
#ifdef __NR_sethostname
	{ __NR_sethostname, "sethostname" },
#endif
#ifdef __NR_setdomainname
	{ __NR_setdomainname, "setdomainname" },
#endif
	/* Other processes' memory and descriptors (CAP_SYS_PTRACE). Docker
	 * allows ptrace itself on Linux 4.8 and later - from 4.8 on, the
	 * filter runs after the tracer's stop, so a tracer can no longer
	 * rewrite a call the filter has passed - and so does nslab. Docker also allows
	 * process_vm_readv/writev there; nslab refuses them (stricter): a
	 * process that wants another's memory must use ptrace, which shows
	 * (the tracee stops; TracerPid in its /proc/PID/status). */
#ifdef __NR_kcmp
	{ __NR_kcmp, "kcmp" },
#endif
#ifdef __NR_pidfd_getfd
	{ __NR_pidfd_getfd, "pidfd_getfd" },
#endif
#ifdef __NR_process_madvise
	{ __NR_process_madvise, "process_madvise" },
#endif
#ifdef __NR_process_vm_readv
	{ __NR_process_vm_readv, "process_vm_readv" },
#endif
#ifdef __NR_process_vm_writev
	{ __NR_process_vm_writev, "process_vm_writev" },
#endif
	/* The clock is not namespaced (a time namespace only offsets the
	 * monotonic and boot clocks): CAP_SYS_TIME. Docker allows adjtimex
	 * and clock_adjtime, whose read-only use is harmless; nslab refuses
	 * them too (stricter), as nothing in a container needs them. */
#ifdef __NR_settimeofday
	{ __NR_settimeofday, "settimeofday" },
#endif
#ifdef __NR_stime
	{ __NR_stime, "stime" },
#endif
#ifdef __NR_clock_settime
	{ __NR_clock_settime, "clock_settime" },
#endif
#ifdef __NR_clock_adjtime
	{ __NR_clock_adjtime, "clock_adjtime" },
#endif
#ifdef __NR_adjtimex
	{ __NR_adjtimex, "adjtimex" },
#endif
	/* Hardware and host-wide state: I/O ports (CAP_SYS_RAWIO), process
	 * accounting (CAP_SYS_PACCT), the terminal hangup (CAP_SYS_TTY_CONFIG),
	 * NUMA memory placement (CAP_SYS_NICE). */
#ifdef __NR_iopl
	{ __NR_iopl, "iopl" },
#endif
#ifdef __NR_ioperm
	{ __NR_ioperm, "ioperm" },
#endif
#ifdef __NR_acct
	{ __NR_acct, "acct" },
#endif
#ifdef __NR_vhangup
	{ __NR_vhangup, "vhangup" },
#endif
#ifdef __NR_get_mempolicy
	{ __NR_get_mempolicy, "get_mempolicy" },
#endif
#ifdef __NR_set_mempolicy
	{ __NR_set_mempolicy, "set_mempolicy" },
#endif
#ifdef __NR_set_mempolicy_home_node
	{ __NR_set_mempolicy_home_node, "set_mempolicy_home_node" },
#endif
#ifdef __NR_mbind
	{ __NR_mbind, "mbind" },
#endif
#ifdef __NR_migrate_pages
	{ __NR_migrate_pages, "migrate_pages" },
#endif
#ifdef __NR_move_pages
	{ __NR_move_pages, "move_pages" },
#endif
	/* Tools of kernel exploits rather than of programs. userfaultfd
	 * lets a process stall the kernel inside a page fault, which turns
	 * a narrow race into a reliable one. io_uring runs I/O the filter
	 * never sees, and 60% of the kernel exploits sent to Google's kCTF
	 * rewards used it (Google, 2023); Docker refuses it since 25.0
	 * (moby#46762). */
#ifdef __NR_userfaultfd
	{ __NR_userfaultfd, "userfaultfd" },
#endif
#ifdef __NR_io_uring_setup
	{ __NR_io_uring_setup, "io_uring_setup" },
#endif
#ifdef __NR_io_uring_enter
	{ __NR_io_uring_enter, "io_uring_enter" },
#endif
#ifdef __NR_io_uring_register
	{ __NR_io_uring_register, "io_uring_register" },
#endif
	/* Obsolete calls, kept out of the way: old interfaces are where old
	 * bugs live. */
#ifdef __NR_nfsservctl
	{ __NR_nfsservctl, "nfsservctl" },
#endif
#ifdef __NR__sysctl
	{ __NR__sysctl, "_sysctl" },
#endif
#ifdef __NR_sysfs
	{ __NR_sysfs, "sysfs" },
#endif
#ifdef __NR_uselib
	{ __NR_uselib, "uselib" },
#endif
#ifdef __NR_ustat
	{ __NR_ustat, "ustat" },
#endif
};

#define NREFUSED (sizeof(refused) / sizeof(refused[0]))

/* Where the filter loads its numbers from. The arguments are 64 bits
 * wide, classic BPF loads 32: ARG_LO(i) is the low half of argument i
 * (on a little-endian machine, the first four bytes). */
#define ARCH offsetof(struct seccomp_data, arch)
#define NR offsetof(struct seccomp_data, nr)
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(__u64))

#define LD (BPF_LD | BPF_W | BPF_ABS)
#define JEQ (BPF_JMP | BPF_JEQ | BPF_K)
#define JSET (BPF_JMP | BPF_JSET | BPF_K)
#define RET (BPF_RET | BPF_K)

/* Jump targets. A BPF jump is an offset (0..255) from the next
 * instruction, known only once the target is placed; the builder notes
 * the target by name and resolve() turns names into offsets. */
enum target {
	T_NEXT, /* offset 0: go on with the next instruction */
	T_CLONE, T_UNSHARE, T_IOCTL, T_PERSONALITY, T_SOCKET,
	T_ALLOW, T_EPERM, T_ENOSYS, T_KILL,
	T_COUNT
};

#define MAX_INSNS 256

static struct {
	struct sock_filter insn[MAX_INSNS];
	unsigned char jt[MAX_INSNS], jf[MAX_INSNS]; /* enum target */
	size_t at[T_COUNT];                         /* where each is placed */
	size_t len;
} flt;

static void stmt(unsigned short code, unsigned int k)
{
	struct sock_filter insn = BPF_STMT(code, k);

	if (flt.len < MAX_INSNS) {
		flt.jt[flt.len] = flt.jf[flt.len] = T_NEXT;
		flt.insn[flt.len] = insn;
	}
	flt.len++;
}

static void jump(unsigned short code, unsigned int k, enum target jt,
		 enum target jf)
{
	struct sock_filter insn = BPF_JUMP(code, k, 0, 0);

	if (flt.len < MAX_INSNS) {
		flt.jt[flt.len] = (unsigned char)jt;
		flt.jf[flt.len] = (unsigned char)jf;
		flt.insn[flt.len] = insn;
	}
	flt.len++;
}

static void place(enum target t)
{
	flt.at[t] = flt.len;
}

static int resolve_one(size_t i, enum target t, unsigned char *off)
{
	size_t dist;

	if (t == T_NEXT) {
		*off = 0;
		return 0;
	}
	dist = flt.at[t] - (i + 1); /* every target is placed after its jumps */
	if (flt.at[t] <= i || dist > 255) {
		errno = E2BIG;
		return nsl_fail("seccomp filter: jump from %zu to %zu", i, flt.at[t]);
	}
	*off = (unsigned char)dist;
	return 0;
}

static int resolve(void)
{
	if (flt.len > MAX_INSNS) {
		errno = E2BIG;
		return nsl_fail("seccomp filter: %zu instructions", flt.len);
	}
	for (size_t i = 0; i < flt.len; i++) {
		if (resolve_one(i, (enum target)flt.jt[i], &flt.insn[i].jt) == -1 ||
		    resolve_one(i, (enum target)flt.jf[i], &flt.insn[i].jf) == -1)
			return -1;
	}
	return 0;
}

/* The checks on arguments. Each compares the low 32 bits only, because
 * the kernel does: clone() keeps lower_32_bits(flags), unshare() refuses
 * unknown high bits, and ioctl()'s request, personality()'s persona and
 * socket()'s family are 32-bit parameters. A filter that compared all 64 bits could be passed by setting a
 * high bit the kernel then ignores - the TIOCSTI bypass of
 * CVE-2019-10063, in flatpak's filter. */
static void build_arg_checks(void)
{
	/* CLONE_NEWTIME is not among clone()'s flags: its bit is part of
	 * the exit signal there, and only unshare() and clone3() take it. */
	place(T_CLONE);
	stmt(LD, ARG_LO(0));
	jump(JSET, CLONE_NEW_FLAGS, T_EPERM, T_ALLOW);
	place(T_UNSHARE);
	stmt(LD, ARG_LO(0));
	jump(JSET, CLONE_NEW_FLAGS | CLONE_NEWTIME, T_EPERM, T_ALLOW);

	/* TIOCSTI pushes bytes into a terminal's input, as if typed: on the
	 * caller's terminal, a command line for the host's shell. TIOCLINUX
	 * can paste the console's selection the same way. */
	place(T_IOCTL);
	stmt(LD, ARG_LO(1));
	jump(JEQ, TIOCSTI, T_EPERM, T_NEXT);
	jump(JEQ, TIOCLINUX, T_EPERM, T_ALLOW);

	/* personality(): only what Docker allows - Linux, its 32-bit view
	 * (uname says i686), the 2.6 uname, both, and the query. Refused:
	 * ADDR_NO_RANDOMIZE (ASLR off) and READ_IMPLIES_EXEC among others. */
	place(T_PERSONALITY);
	stmt(LD, ARG_LO(0));
	jump(JEQ, 0x0, T_ALLOW, T_NEXT);             /* PER_LINUX */
	jump(JEQ, 0x0008, T_ALLOW, T_NEXT);          /* PER_LINUX32 */
	jump(JEQ, 0x20000, T_ALLOW, T_NEXT);         /* UNAME26 */
	jump(JEQ, 0x20008, T_ALLOW, T_NEXT);         /* UNAME26|PER_LINUX32 */
	jump(JEQ, 0xffffffff, T_ALLOW, T_EPERM);     /* query */

	/* Virtual machine sockets talk to the hypervisor, or to the host
	 * of a VM: nothing a container on this host should reach. */
	place(T_SOCKET);
	stmt(LD, ARG_LO(0));
	jump(JEQ, AF_VSOCK, T_EPERM, T_ALLOW);
}

/* The program, in the order the kernel runs it. Calls the answer does
 * not depend on the arguments of are cheap after the first time: since
 * Linux 5.11 the kernel works out which numbers a filter always allows
 * and skips the filter for them. */
static int build(void)
{
	if (flt.len > 0)
		return 0; /* built once, installed any number of times */

	/* 1. The architecture, first. Numbers mean different calls on each:
	 * on x86_64, an `int $0x80` runs the i386 table, where 1 is exit
	 * and not write. A filter that skipped this check would compare
	 * i386 numbers against x86_64 ones - a bypass. Unknown: kill. */
	stmt(LD, ARCH);
	jump(JEQ, NATIVE_ARCH, T_NEXT, T_KILL);
	stmt(LD, NR);
#ifdef __x86_64__
	/* x32 calls arrive as AUDIT_ARCH_X86_64 with bit 30 set in the
	 * number: a third table. Kill too. -1 has that bit; it is what a
	 * tracer writes to skip a call, and the kernel answers ENOSYS. */
	jump(JEQ, 0xffffffff, T_ALLOW, T_NEXT);
	jump(JSET, __X32_SYSCALL_BIT, T_KILL, T_NEXT);
#endif
	/* 2. Calls judged by their arguments. clone3() passes its flags in
	 * memory, which a filter cannot read: ENOSYS, so that libc falls
	 * back to clone(), whose flags it can (Docker does the same). */
	jump(JEQ, __NR_clone, T_CLONE, T_NEXT);
	jump(JEQ, __NR_unshare, T_UNSHARE, T_NEXT);
	jump(JEQ, __NR_ioctl, T_IOCTL, T_NEXT);
	jump(JEQ, __NR_personality, T_PERSONALITY, T_NEXT);
	jump(JEQ, __NR_socket, T_SOCKET, T_NEXT);
#ifdef __NR_clone3
	jump(JEQ, __NR_clone3, T_ENOSYS, T_NEXT);
#endif
	/* 3. The table: one comparison per refused call. */
	for (size_t i = 0; i < NREFUSED; i++)
		jump(JEQ, (unsigned int)refused[i].nr, T_EPERM, T_NEXT);
	stmt(RET, SECCOMP_RET_ALLOW);

	build_arg_checks();

	/* 4. The shared answers. */
	place(T_ALLOW);
	stmt(RET, SECCOMP_RET_ALLOW);
	place(T_EPERM);
	stmt(RET, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	place(T_ENOSYS);
	stmt(RET, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	place(T_KILL);
	stmt(RET, SECCOMP_RET_KILL_PROCESS);
	if (resolve() == -1) {
		flt.len = 0;
		return -1;
	}
	return 0;
}

void harden_seccomp_stats(size_t *insns, size_t *nrefused)
{
	*insns = build() == 0 ? flt.len : 0;
	*nrefused = NREFUSED;
}

/* seccomp() wants no_new_privs (or CAP_SYS_ADMIN): otherwise a filter
 * could make a setuid program fail a call it never expects to fail, and
 * act on the half-done result with root's rights. A filter stays for
 * the life of the process and of every child; another one can only be
 * added, never removed, and the strictest answer wins. */
int harden_seccomp(void)
{
	struct sock_fprog prog;

	/* LAB 07.3 seccomp: install the filter build() assembles in flt, for this thread and every later child
	 * level: 2
	 * minutes: 15
	 * checks: 07.7 07m.1
	 * docs: docs/07-full-container.md#a-seccomp-filter-in-raw-bpf
	 * fail: no seccomp filter on the container's processes
	 * hint: seccomp(2) DESCRIPTION: the operation that installs a BPF program (prog: its length and its instructions), and its precondition (07.2)
	 * hint: before Linux 3.17 only prctl(2) could; ENOSYS tells you
	 * hint: on failure record the call (common/fail.h)
	 * stub: (void)prog;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 07.3: %s", "install the filter");
	 */
	if (build() == -1)
		return -1;
	prog.len = (unsigned short)flt.len;
	prog.filter = flt.insn;
	if (seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	if (errno != ENOSYS)
		return nsl_fail("seccomp(SECCOMP_SET_MODE_FILTER, 0, {%zu insns})",
				flt.len);
	/* Linux 3.5 to 3.16: only prctl() knows filters. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == -1)
		return nsl_fail("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {%zu insns})",
				flt.len);
	return 0;
	/* END LAB */
}

/* The OCI runtime's filter, compiled from config.json (oci/seccomp_bpf.c):
 * installed the same way, with the profile's flags (SECCOMP_FILTER_FLAG_LOG,
 * _SPEC_ALLOW...), which only seccomp() takes. */
int harden_seccomp_filter(const struct harden_filter *f)
{
	struct sock_fprog prog = { .len = (unsigned short)f->len, .filter = f->insn };

	if (seccomp(SECCOMP_SET_MODE_FILTER, f->flags, &prog) == 0)
		return 0;
	if (errno != ENOSYS || f->flags != 0)
		return nsl_fail("seccomp(SECCOMP_SET_MODE_FILTER, %#x, {%zu insns})", f->flags,
				f->len);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == -1)
		return nsl_fail("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {%zu insns})", f->len);
	return 0;
}
