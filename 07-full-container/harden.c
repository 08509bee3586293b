/* harden.c - what a process gives up before it runs the container's
 * command: capabilities, the right to gain privileges, inherited
 * descriptors. The seccomp filter is in seccomp.c. See harden.h.
 *
 * Read: capabilities(7), capget(2), prctl(2) (PR_CAPBSET_DROP,
 * PR_CAP_AMBIENT, PR_SET_NO_NEW_PRIVS), close_range(2), proc(5).
 */
#define _GNU_SOURCE
#include "harden.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fail.h"
#include "syscalls.h" /* capget, capset, close_range; <linux/capability.h> */

#define CAP_BIT(cap) (1ULL << (cap))

/* The names, indexed by number, as <linux/capability.h> spells them.
 * Newer kernels may know more; those print as CAP_<number>. */
static const char *const cap_names[] = {
	[CAP_CHOWN] = "CAP_CHOWN",
	[CAP_DAC_OVERRIDE] = "CAP_DAC_OVERRIDE",
	[CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH",
	[CAP_FOWNER] = "CAP_FOWNER",
	[CAP_FSETID] = "CAP_FSETID",
	[CAP_KILL] = "CAP_KILL",
	[CAP_SETGID] = "CAP_SETGID",
	[CAP_SETUID] = "CAP_SETUID",
	[CAP_SETPCAP] = "CAP_SETPCAP",
	[CAP_LINUX_IMMUTABLE] = "CAP_LINUX_IMMUTABLE",
	[CAP_NET_BIND_SERVICE] = "CAP_NET_BIND_SERVICE",
	[CAP_NET_BROADCAST] = "CAP_NET_BROADCAST",
	[CAP_NET_ADMIN] = "CAP_NET_ADMIN",
	[CAP_NET_RAW] = "CAP_NET_RAW",
	[CAP_IPC_LOCK] = "CAP_IPC_LOCK",
	[CAP_IPC_OWNER] = "CAP_IPC_OWNER",
	[CAP_SYS_MODULE] = "CAP_SYS_MODULE",
	[CAP_SYS_RAWIO] = "CAP_SYS_RAWIO",
	[CAP_SYS_CHROOT] = "CAP_SYS_CHROOT",
	[CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
	[CAP_SYS_PACCT] = "CAP_SYS_PACCT",
	[CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
	[CAP_SYS_BOOT] = "CAP_SYS_BOOT",
	[CAP_SYS_NICE] = "CAP_SYS_NICE",
	[CAP_SYS_RESOURCE] = "CAP_SYS_RESOURCE",
	[CAP_SYS_TIME] = "CAP_SYS_TIME",
	[CAP_SYS_TTY_CONFIG] = "CAP_SYS_TTY_CONFIG",
	[CAP_MKNOD] = "CAP_MKNOD",
	[CAP_LEASE] = "CAP_LEASE",
	[CAP_AUDIT_WRITE] = "CAP_AUDIT_WRITE",
	[CAP_AUDIT_CONTROL] = "CAP_AUDIT_CONTROL",
	[CAP_SETFCAP] = "CAP_SETFCAP",
	[CAP_MAC_OVERRIDE] = "CAP_MAC_OVERRIDE",
	[CAP_MAC_ADMIN] = "CAP_MAC_ADMIN",
	[CAP_SYSLOG] = "CAP_SYSLOG",
	[CAP_WAKE_ALARM] = "CAP_WAKE_ALARM",
	[CAP_BLOCK_SUSPEND] = "CAP_BLOCK_SUSPEND",
	[CAP_AUDIT_READ] = "CAP_AUDIT_READ",
#ifdef CAP_PERFMON
	[CAP_PERFMON] = "CAP_PERFMON",
#endif
#ifdef CAP_BPF
	[CAP_BPF] = "CAP_BPF",
#endif
#ifdef CAP_CHECKPOINT_RESTORE
	[CAP_CHECKPOINT_RESTORE] = "CAP_CHECKPOINT_RESTORE",
#endif
};

static const char *cap_name(int cap, char *buf, size_t len)
{
	if (cap >= 0 && (size_t)cap < sizeof(cap_names) / sizeof(cap_names[0]) &&
	    cap_names[cap] != NULL)
		return cap_names[cap];
	snprintf(buf, len, "CAP_%d", cap);
	return buf;
}

int harden_cap_number(const char *name)
{
	for (size_t cap = 0; cap < sizeof(cap_names) / sizeof(cap_names[0]); cap++)
		if (cap_names[cap] != NULL && strcmp(cap_names[cap], name) == 0)
			return (int)cap;
	return -1;
}

void harden_cap_names(uint64_t caps, char *buf, size_t len)
{
	char num[16];
	size_t used = 0;
	int n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (int cap = 0; cap < 64 && used < len; cap++) {
		if (!(caps & CAP_BIT(cap)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used > 0 ? "," : "",
			     cap_name(cap, num, sizeof(num)));
		if (n < 0)
			break;
		used += (size_t)n; /* may pass len: the output was cut short */
	}
	if (caps == 0)
		snprintf(buf, len, "none");
}

/* Docker's default capabilities (moby's oci/caps/defaults.go), minus one.
 * CAP_MKNOD is left out on purpose. Docker keeps it, and relies on the
 * devices cgroup to stop what it allows: a container root may mknod
 * /dev/sda, but the cgroup refuses the open() of any device not on its
 * list, so the node cannot reach the host's disk. nslab has no devices
 * cgroup, so a node made with MKNOD would open - and read the host's
 * disk, raw, beneath every namespace. Without MKNOD the mknod() itself
 * fails. The few device nodes a container needs are made (or bound
 * from the host) by dev.c before this runs. */
uint64_t harden_default_caps(void)
{
	return CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_DAC_OVERRIDE) |
	       CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_FOWNER) |
	       CAP_BIT(CAP_SETGID) | CAP_BIT(CAP_SETUID) |
	       CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_NET_BIND_SERVICE) |
	       CAP_BIT(CAP_NET_RAW) | CAP_BIT(CAP_SYS_CHROOT) |
	       CAP_BIT(CAP_KILL) | CAP_BIT(CAP_AUDIT_WRITE) |
	       CAP_BIT(CAP_SETFCAP);
}

/* The highest capability this kernel knows. Read from /proc when it is
 * there; otherwise 63, and the loop in drop_bounding() stops at the
 * first number the kernel calls invalid (EINVAL). */
static int cap_last_cap(void)
{
	char buf[16];
	ssize_t n;
	int fd, last;

	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return 63;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 63;
	buf[n] = '\0';
	last = atoi(buf);
	return last > 0 && last < 64 ? last : 63;
}

/* The bounding set is the limit on what any later execve() can grant,
 * file capabilities and setuid-root binaries included. Dropping from it
 * needs CAP_SETPCAP. Reading first makes the call idempotent: a cap already gone is left
 * alone, and a second harden_caps() needs no CAP_SETPCAP. */
static int drop_bounding(uint64_t keep)
{
	char num[16];
	int last = cap_last_cap(), in;

	for (int cap = 0; cap <= last; cap++) {
		if (keep & CAP_BIT(cap))
			continue;
		in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in == -1 && errno == EINVAL)
			break; /* beyond the kernel's last capability */
		if (in == -1)
			return nsl_fail("prctl(PR_CAPBSET_READ, %s)",
					cap_name(cap, num, sizeof(num)));
		if (in == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			return nsl_fail("prctl(PR_CAPBSET_DROP, %s)",
					cap_name(cap, num, sizeof(num)));
	}
	return 0;
}

/* Five sets, one rule: after this, bounding = permitted = effective =
 * KEEP (as far as we hold it), inheritable and ambient empty.
 * Inheritable and ambient matter because they survive execve(): Docker
 * once started containers with inheritable non-empty (CVE-2022-24769),
 * and runc's exec --cap did the same (CVE-2022-29162); a non-root
 * command whose file had inheritable capabilities got them. */
int harden_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint64_t have;

	/* LAB 07.1 caps: keep only KEEP: bounding, permitted, effective = KEEP; inheritable and ambient empty
	 * level: 3
	 * minutes: 20
	 * checks: 07.7 07m.1
	 * docs: docs/07-full-container.md#five-sets-one-rule-bounding--permitted--effective
	 * fail: the container's capabilities are not Docker's default set
	 * hint: capabilities(7), "Thread capability sets" and "Capability bounding set": one change needs a capability you are about to lose, so it comes first; drop_bounding() above does the bounding set
	 * hint: capabilities(7), "Programmatically adjusting capability sets": read the sets into data[] (hdr is ready: version 3, two 32-bit halves), then write them back; you cannot keep what you do not hold
	 * hint: prctl(2): one operation empties the ambient set; a kernel before 4.3 has none (EINVAL is fine)
	 * hint: on failure record the call (common/fail.h)
	 * stub: (void)keep;
	 * stub: (void)hdr;
	 * stub: (void)data;
	 * stub: (void)have;
	 * stub: (void)drop_bounding;
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 07.1: %s", "keep only the capabilities asked for");
	 */
	if (capget(&hdr, data) == -1)
		return nsl_fail("capget(v3, self)");
	have = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	keep &= have; /* a capability not held cannot be kept */

	if (drop_bounding(keep) == -1)
		return -1;
	/* The ambient set (Linux 4.3) passes capabilities to a non-root
	 * program across execve(). An older kernel has none: EINVAL. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return nsl_fail("prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)");

	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		data[i].permitted = (uint32_t)(keep >> (32 * i));
		data[i].effective = data[i].permitted;
		data[i].inheritable = 0;
	}
	if (capset(&hdr, data) == -1)
		return nsl_fail("capset(v3, self, eff=prm=%#llx, inh=0)",
				(unsigned long long)keep);
	return 0;
	/* END LAB */
}

/* From here on, execve() never adds privilege: setuid and setgid bits
 * and file capabilities are ignored. It is inherited by every child and
 * cannot be unset; seccomp() requires it from a process without
 * CAP_SYS_ADMIN, so that a filter cannot trick a setuid program. */
int harden_no_new_privs(void)
{
	/* LAB 07.2 nnp: set no_new_privs, so that no execve() can add privilege
	 * level: 1
	 * minutes: 5
	 * warmup: yes
	 * checks: 07.7 07m.1
	 * docs: docs/07-full-container.md#no_new_privs
	 * fail: NoNewPrivs is not 1 for the container's processes
	 * hint: prctl(2) PR_SET_NO_NEW_PRIVS with 1 (and three 0s); on failure return nsl_fail("prctl(...)")
	 * stub: errno = ENOSYS;
	 * stub: return nsl_fail("LAB 07.2: %s", "set no_new_privs");
	 */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return nsl_fail("prctl(PR_SET_NO_NEW_PRIVS, 1)");
	return 0;
	/* END LAB */
}

/* Before close_range() (Linux 5.9): list /proc/self/fd and close what it
 * shows, except the descriptor that lists it. Closing while reading is
 * fine: the directory is read in pieces, and what was closed is gone. */
static int close_fds_from_proc(int keep)
{
	struct dirent *e;
	char *end;
	long fd;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (dir == NULL)
		return nsl_fail("opendir(\"/proc/self/fd\")");
	while ((e = readdir(dir)) != NULL) {
		fd = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end != '\0')
			continue; /* "." and ".." */
		if (fd > 2 && fd != dirfd(dir) && fd != keep)
			close((int)fd);
	}
	closedir(dir);
	return 0;
}

/* Every descriptor above stdin, stdout and stderr goes, O_CLOEXEC or
 * not: a runtime's descriptor that reaches the command is a way out.
 * runc leaked one open on the host's /sys/fs/cgroup, and a working
 * directory of /proc/self/fd/N walked through it (CVE-2024-21626). */
int harden_close_fds(void)
{
	return harden_close_fds_but(-1);
}

int harden_close_fds_but(int keep)
{
	if ((keep <= 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
	    close_range(keep < 3 ? 3 : (unsigned)keep + 1, ~0U, 0) == 0)
		return 0;
	/* ENOSYS: an older kernel. EPERM: a seccomp profile from before
	 * close_range() (Docker's until 2020) refuses a call it does not
	 * list, and the OCI runtime installs profiles before this. */
	if (errno != ENOSYS && errno != EPERM)
		return nsl_fail("close_range(3, ~0U, 0)");
	return close_fds_from_proc(keep);
}

int harden_bounding(uint64_t keep)
{
	return drop_bounding(keep);
}

/* Unlike harden_caps(), which keeps one set for all five, inheritable and
 * ambient may be non-empty here, because config.json says so: the engine
 * asked for them (runc gives them as asked). */
int harden_capsets(const struct harden_capsets *s)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint64_t have, prm, eff, inh;
	char num[16];

	if (capget(&hdr, data) == -1)
		return nsl_fail("capget(v3, self)");
	/* As harden_caps(): a capability not held cannot be given (a root
	 * without CAP_SYS_RESOURCE, in a CI sandbox, has not all of them). */
	have = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	prm = s->permitted & have;
	eff = s->effective & have;
	inh = s->inheritable & have;
	if (drop_bounding(s->bounding) == -1)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 && errno != EINVAL)
		return nsl_fail("prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)");
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		data[i].permitted = (uint32_t)(prm >> (32 * i));
		data[i].effective = (uint32_t)(eff >> (32 * i));
		data[i].inheritable = (uint32_t)(inh >> (32 * i));
	}
	if (capset(&hdr, data) == -1)
		return nsl_fail("capset(v3, self, eff=%#llx, prm=%#llx, inh=%#llx)",
				(unsigned long long)eff, (unsigned long long)prm,
				(unsigned long long)inh);
	/* An ambient capability must be permitted and inheritable; it
	 * survives the execve() of a program with no file capabilities,
	 * into its permitted and effective sets, even as a user other
	 * than root. */
	for (int cap = 0; cap < 64; cap++)
		if ((s->ambient & prm & inh & CAP_BIT(cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) == -1)
			return nsl_fail("prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, %s)",
					cap_name(cap, num, sizeof(num)));
	return 0;
}
