/* calls.c - system calls a container must not be able to make: each one
 * reaches kernel code or state that no namespace covers. Docker's
 * default seccomp profile refuses all of them; so must 07's filter.
 *
 * The probe builds on its own (it is copied into a test rootfs, static),
 * so the raw-syscall wrappers glibc lacks are here, one each, rather than
 * in common/syscalls.h, which no step needs them in. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>

#include "../../common/syscalls.h" /* nsl_clone3(), the runtime's own */
#include "probe.h"

/* add_key(2), keyctl(2): libkeyutils wraps them; glibc does not. */
static long add_key(const char *type, const char *desc, const void *payload,
		    size_t plen, int32_t keyring)
{
	return syscall(SYS_add_key, type, desc, payload, plen, keyring);
}

static long keyctl(int cmd, unsigned long a2, unsigned long a3)
{
	return syscall(SYS_keyctl, cmd, a2, a3, 0UL, 0UL);
}

/* clone(2) as the raw call: with no new stack it returns twice, as
 * fork() does (x86-64 argument order: flags, stack, parent_tid,
 * child_tid, tls). */
static long raw_clone(unsigned long flags)
{
	return syscall(SYS_clone, flags, NULL, NULL, NULL, 0UL);
}

/* "Shocker" (2014, against Docker 0.11): open_by_handle_at(2) opens an
 * inode of a mounted file system by its handle, not by a path - no mount
 * or chroot is in the way. It needs CAP_DAC_READ_SEARCH, which Docker
 * then kept. The exploit guessed the handle of the root inode (ext4:
 * inode 2, generation 0) and walked the host's tree from there. Try the
 * handle name_to_handle_at() gives for our own /, then the guessed one
 * (type 1, FILEID_INO32_GEN), and look for the marker from what opens. */
void probe_open_by_handle(struct result *r)
{
	struct file_handle *fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
	const uint32_t guess[2] = { 2, 0 };
	int mount_id, root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;
	char own[200] = "name_to_handle_at(\"/\") gave no handle";

	if (fh == NULL || root == -1) {
		failed(r, "calloc or open(\"/\"): %s", strerror(errno));
		free(fh);
		if (root != -1)
			close(root);
		return;
	}
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, "/", fh, &mount_id, 0) == 0) {
		fd = open_by_handle_at(root, fh, O_RDONLY | O_CLOEXEC);
		if (fd != -1) {
			escaped(r, "open_by_handle_at(the handle of /): opened (CAP_DAC_READ_SEARCH)");
			close(fd);
			goto out;
		}
		snprintf(own, sizeof(own), "open_by_handle_at(the handle of /): %s", strerror(errno));
	}
	fh->handle_bytes = sizeof(guess);
	fh->handle_type = 1;
	memcpy(fh->f_handle, guess, sizeof(guess));
	fd = open_by_handle_at(root, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		blocked(r, "%s; open_by_handle_at(inode 2): %s", own, strerror(errno));
	else if (in.marker != NULL && in.marker_text != NULL && holds_marker(fd, in.marker + 1))
		escaped(r, "open_by_handle_at(inode 2) opened the file system's root: read %s there, "
			"the host's marker", in.marker);
	else
		escaped(r, "open_by_handle_at(inode 2): opened the file system's root directory");
	if (fd != -1)
		close(fd);
out:
	close(root);
	free(fh);
}

/* Keyrings are not namespaced (keyrings(7)): a container's keys land
 * beside the host's, and keys the host holds can be read or searched.
 * Docker refuses add_key, keyctl and request_key. A key that gets added
 * is invalidated again at once. */
void probe_keyctl(struct result *r)
{
	long key = add_key("user", "nslab-probe", "x", 1, KEY_SPEC_SESSION_KEYRING);
	long ring;
	int err = errno;

	if (key != -1) {
		keyctl(KEYCTL_INVALIDATE, (unsigned long)key, 0);
		escaped(r, "add_key(\"user\", KEY_SPEC_SESSION_KEYRING) = key %ld (invalidated again)", key);
		return;
	}
	ring = keyctl(KEYCTL_GET_KEYRING_ID, (unsigned long)KEY_SPEC_SESSION_KEYRING, 0);
	if (ring != -1)
		escaped(r, "add_key: %s, but keyctl(KEYCTL_GET_KEYRING_ID, session) = %ld",
			strerror(err), ring);
	else
		blocked(r, "add_key(\"user\", KEY_SPEC_SESSION_KEYRING): %s; keyctl(KEYCTL_GET_KEYRING_ID): %s",
			strerror(err), strerror(errno));
}

/* A user namespace of its own gives a process every capability again -
 * over the namespaces it then creates - and with them the kernel's code
 * for namespaced root: mounts of many file systems, netfilter, ... where
 * most container-escape bugs of the last years were found (for example
 * CVE-2022-0185, a heap overflow in fsconfig() reachable with
 * CAP_SYS_ADMIN in a user namespace). Docker refuses unshare, and clone
 * with namespace flags. The kernel itself refuses CLONE_NEWUSER to a
 * chrooted process (unshare(2), EPERM). */
void probe_userns_unshare(struct result *r)
{
	if (unshare(CLONE_NEWUSER) == -1)
		blocked(r, "unshare(CLONE_NEWUSER): %s", strerror(errno));
	else
		escaped(r, "unshare(CLONE_NEWUSER): in a new user namespace, with every capability in it");
}

/* The child of a clone() that worked leaves at once; we only wait. */
static void reap(long pid)
{
	if (pid == 0)
		_exit(0);
	waitpid((pid_t)pid, NULL, 0);
}

void probe_userns_clone(struct result *r)
{
	long pid = raw_clone(CLONE_NEWUSER | SIGCHLD);

	if (pid == -1) {
		blocked(r, "clone(CLONE_NEWUSER|SIGCHLD): %s", strerror(errno));
		return;
	}
	reap(pid);
	escaped(r, "clone(CLONE_NEWUSER|SIGCHLD): child %ld in a new user namespace", pid);
}

/* clone3() takes its flags in a struct in memory, where a seccomp filter
 * cannot look (it sees registers only). So filters answer clone3 with
 * ENOSYS, and libcs fall back to clone(), whose flags it can check. */
void probe_userns_clone3(struct result *r)
{
	struct nsl_clone_args args = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	long pid = nsl_clone3(&args);

	if (pid == -1) {
		blocked(r, "clone3({ CLONE_NEWUSER }): %s", strerror(errno));
		return;
	}
	reap(pid);
	escaped(r, "clone3({ CLONE_NEWUSER }): child %ld in a new user namespace", pid);
}

#if defined(__x86_64__)
/* A system call through int $0x80 is an i386 one, numbered as i386
 * numbers them: 310 is unshare there, process_vm_readv on x86-64. A
 * seccomp filter that does not check seccomp_data.arch first judges it
 * by the wrong table. r8-r11 may be clobbered by the 32-bit entry. */
static long int80_unshare(unsigned long flags)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(310L), "b"(flags)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
#endif

#if defined(__x86_64__)
static sigjmp_buf int80_fault;

static void on_int80_fault(int sig)
{
	(void)sig;
	siglongjmp(int80_fault, 1);
}
#endif

/* CVE-2019-10063's family: a filter blind to the ABI is bypassed by the
 * same call made through the 32-bit entry. A filter that checks the
 * architecture kills us here (SIGSYS), or the kernel has no 32-bit
 * entry (ENOSYS); both are blocked. A kernel whose int $0x80 gate is
 * gone (ia32 emulation off, or a hypervisor without it) faults the
 * instruction itself (SIGSEGV): there is no 32-bit call to try, and the
 * probe says so (skipped) - whether that holds on the host too is the
 * checks' business, which run it there first. */
void probe_compat_syscall(struct result *r)
{
#if defined(__x86_64__)
	struct sigaction sa = { .sa_handler = on_int80_fault }, old;
	long ret;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(int80_fault, 1) != 0) {
		sigaction(SIGSEGV, &old, NULL);
		skipped(r, "int $0x80 faults (SIGSEGV): this kernel has no 32-bit system call gate");
		return;
	}
	ret = int80_unshare(CLONE_NEWUSER);
	sigaction(SIGSEGV, &old, NULL);

	if (ret < 0 && ret > -4096)
		blocked(r, "int $0x80 unshare(CLONE_NEWUSER) (i386 call 310): %s", strerror((int)-ret));
	else
		escaped(r, "int $0x80 unshare(CLONE_NEWUSER) (i386 call 310) = %ld: a 32-bit call got past",
			ret);
#else
	skipped(r, "an x86-64 probe (int $0x80); this is another architecture");
#endif
}

/* The x32 ABI runs on the x86-64 entry with the same AUDIT_ARCH, its
 * calls numbered with bit 30 set (__X32_SYSCALL_BIT). A filter that
 * checks the architecture but not that bit judges x32 calls by a number
 * it does not know. Most kernels leave x32 off (ENOSYS); a good filter
 * kills us first (SIGSYS). */
void probe_x32_syscall(struct result *r)
{
#if defined(__x86_64__)
	long ret = syscall(0x40000000L | SYS_unshare, CLONE_NEWUSER);

	if (ret == -1)
		blocked(r, "x32 unshare(CLONE_NEWUSER) (0x40000000|%d): %s", SYS_unshare,
			strerror(errno));
	else
		escaped(r, "x32 unshare(CLONE_NEWUSER) (0x40000000|%d) = %ld: an x32 call got past",
			SYS_unshare, ret);
#else
	skipped(r, "an x86-64 probe (the x32 ABI); this is another architecture");
#endif
}

/* perf_event_open(2): the kernel's performance counters, a long list of
 * CVEs (and a side channel on other processes). Docker refuses it. Here:
 * a software clock of our own, the least a caller can ask for. */
void probe_perf_event(struct result *r)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd == -1) {
		blocked(r, "perf_event_open(PERF_COUNT_SW_TASK_CLOCK, self): %s", strerror(errno));
		return;
	}
	close((int)fd);
	escaped(r, "perf_event_open(PERF_COUNT_SW_TASK_CLOCK, self): fd %ld", fd);
}

/* bpf(2): programs run in the host kernel, verifier bugs are escapes
 * (CVE-2021-3490, CVE-2021-31440, ...). Docker refuses it. The smallest
 * request: a one-entry array map. */
void probe_bpf(struct result *r)
{
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd == -1) {
		blocked(r, "bpf(BPF_MAP_CREATE, array): %s", strerror(errno));
		return;
	}
	close((int)fd);
	escaped(r, "bpf(BPF_MAP_CREATE, array): map fd %ld", fd);
}

/* userfaultfd(2) lets a process pause the kernel in the middle of a copy
 * from user memory - the tool that makes kernel races winnable in
 * exploits. Docker refuses it. Try the user-mode-only flavour too, which
 * unprivileged processes may have. */
void probe_userfaultfd(struct result *r)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);
	int err = errno;

	if (fd == -1)
		fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (fd == -1) {
		blocked(r, "userfaultfd(0): %s; userfaultfd(UFFD_USER_MODE_ONLY): %s",
			strerror(err), strerror(errno));
		return;
	}
	close((int)fd);
	escaped(r, "userfaultfd(): fd %ld", fd);
}
