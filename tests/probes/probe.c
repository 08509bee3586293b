/* probe.c - try, from inside a container, each thing a container must
 * not allow, and say for each whether it was blocked.
 *
 *     probe [--marker PATH --marker-text TEXT] [--host-pid N]
 *           [--host-argv-marker STR] [--disk MAJ:MIN] [--port N]
 *           [--host-ifaces a,b,c] [--only NAME,...] [--list]
 *
 * tests/security.bats copies this program (static, so it needs nothing
 * from the rootfs) into a test rootfs, runs it in a container, and hands
 * it facts about the host that the container must not be able to see: a
 * file with random contents at a random host path, a host process with a
 * random word in its argv, the host's root disk, a listener on the
 * host's 127.0.0.1, the host's interfaces. It prints one line per probe:
 *
 *     blocked  mount-tmpfs: mount("none", "/mnt", "tmpfs"): Operation not permitted
 *     ESCAPED  marker-proc-root: read /proc/1/root/tmp/x: found the host's marker
 *     skipped  host-disk: needs --disk MAJ:MIN
 *
 * and exits 0 when nothing escaped, 1 when something escaped or a probe
 * could not tell (an "error" line), 2 on a usage error. A probe whose
 * input was not given is skipped - not counted as blocked.
 *
 * Each probe runs in a child process of its own: an attempt that works
 * (a chroot breakout, a new user namespace) cannot change what the next
 * one sees, and a probe killed by the seccomp filter (SIGSYS) is simply
 * blocked. Build: make -C tests/probes (gcc -static). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

struct inputs in = { .host_pid = -1 };

/* Every probe: its name, its function, the attack it models. The order
 * is the report's. */
static const struct probe {
	const char *name;
	probe_fn *fn;
	const char *attack;
} probes[] = {
	{ "marker-root", probe_marker_root, "the host's file at its host path" },
	{ "marker-proc-root", probe_marker_proc_root, "the host's file through /proc/PID/root" },
	{ "marker-chroot", probe_marker_chroot, "the host's file after a chroot breakout" },
	{ "marker-cwd", probe_marker_cwd, "the host's file from a cwd outside the root (CVE-2024-21626)" },
	{ "marker-old-root", probe_marker_old_root, "the host's file through a leftover old root" },
	{ "host-process", probe_host_process, "see a host process in /proc" },
	{ "host-signal", probe_host_signal, "signal a host process (kill PID 0)" },
	{ "mount-tmpfs", probe_mount_tmpfs, "mount a tmpfs" },
	{ "mount-proc", probe_mount_proc, "mount a proc" },
	{ "mount-bind", probe_mount_bind, "bind-mount /" },
	{ "host-disk", probe_host_disk, "read the host's disk through a device node (mknod)" },
	{ "sysrq-trigger", probe_sysrq, "write /proc/sysrq-trigger" },
	{ "core-pattern", probe_core_pattern, "write /proc/sys/kernel/core_pattern" },
	{ "kcore", probe_kcore, "read /proc/kcore" },
	{ "sys-write", probe_sys_write, "write under /sys" },
	{ "release-agent", probe_release_agent, "write a cgroup v1 release_agent (CVE-2022-0492)" },
	{ "caps", probe_caps, "keep SYS_ADMIN, DAC_READ_SEARCH, SYS_PTRACE, SYS_MODULE or MKNOD" },
	{ "caps-inheritable", probe_caps_inheritable, "inheritable or ambient caps (CVE-2022-24769, CVE-2022-29162)" },
	{ "open-by-handle", probe_open_by_handle, "open_by_handle_at (shocker)" },
	{ "keyctl", probe_keyctl, "add_key/keyctl on the session keyring" },
	{ "userns-unshare", probe_userns_unshare, "unshare(CLONE_NEWUSER)" },
	{ "userns-clone", probe_userns_clone, "clone(CLONE_NEWUSER)" },
	{ "userns-clone3", probe_userns_clone3, "clone3(CLONE_NEWUSER)" },
	{ "compat-syscall", probe_compat_syscall, "a 32-bit int 0x80 call past the filter" },
	{ "x32-syscall", probe_x32_syscall, "an x32 call past the filter" },
	{ "tiocsti-stdin", probe_tiocsti_stdin, "TIOCSTI on fd 0" },
	{ "tiocsti-stdin-hi32", probe_tiocsti_stdin_hi, "TIOCSTI | 1<<32 on fd 0 (CVE-2019-10063)" },
	{ "tiocsti-tty", probe_tiocsti_tty, "TIOCSTI on /dev/tty" },
	{ "tiocsti-tty-hi32", probe_tiocsti_tty_hi, "TIOCSTI | 1<<32 on /dev/tty" },
	{ "host-loopback", probe_host_loopback, "connect to the host's 127.0.0.1" },
	{ "host-iface", probe_host_iface, "see a host network interface" },
	{ "inherited-fd", probe_inherited_fd, "an fd inherited from the runtime (CVE-2024-21626)" },
	{ "ptrace-init", probe_ptrace_init, "ptrace PID 1" },
	{ "init-exe", probe_init_exe, "open /proc/1/exe (CVE-2019-5736)" },
	{ "init-environ", probe_init_environ, "read /proc/1/environ" },
	{ "perf-event", probe_perf_event, "perf_event_open" },
	{ "bpf", probe_bpf, "bpf(BPF_MAP_CREATE)" },
	{ "userfaultfd", probe_userfaultfd, "userfaultfd" },
};

#define NPROBES (sizeof(probes) / sizeof(probes[0]))

static void usage(FILE *to)
{
	fprintf(to,
		"usage: probe [--marker PATH --marker-text TEXT] [--host-pid N]\n"
		"             [--host-argv-marker STR] [--disk MAJ:MIN] [--port N]\n"
		"             [--host-ifaces a,b,c] [--only NAME,...] [--list] [--help]\n"
		"Run inside a container: try each thing a container must not allow.\n"
		"One line per probe: blocked, ESCAPED, skipped (no input for it) or error.\n"
		"Exit: 0 nothing escaped, 1 something escaped or could not be judged, 2 usage.\n");
}

/* A whole decimal number in [MIN, MAX] from S, or -1. */
static long number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

static int parse_disk(const char *s)
{
	char *end;
	unsigned long maj, min;

	errno = 0;
	maj = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != ':')
		return -1;
	s = end + 1;
	min = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || maj > 4095 || min > 1048575)
		return -1;
	in.disk_major = (unsigned)maj;
	in.disk_minor = (unsigned)min;
	in.have_disk = 1;
	return 0;
}

/* 0 if every name in the comma-separated ONLY is a probe's, else -1. */
static int known(const char *only)
{
	char name[64];

	for (const char *p = only; *p != '\0';) {
		size_t n = strcspn(p, ",");
		int found = 0;

		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		for (size_t i = 0; i < NPROBES && !found; i++)
			found = strcmp(name, probes[i].name) == 0;
		if (!found)
			return -1;
		p += n + (p[n] == ',');
	}
	return 0;
}

/* One option C with its argument ARG into `in` (or *ONLY): 0, or -1 if
 * ARG is not what the option takes. */
static int take(int c, const char *arg, const char **only)
{
	long v;

	switch (c) {
	case 'm': in.marker = arg; return arg[0] == '/' ? 0 : -1;
	case 't': in.marker_text = arg; return 0;
	case 'a': in.argv_marker = arg; return 0;
	case 'i': in.ifaces = arg; return 0;
	case 'o': *only = arg; return known(arg);
	case 'd': return parse_disk(arg);
	case 'p':
		v = number(arg, 1, 1 << 22);
		in.host_pid = (pid_t)v;
		return v == -1 ? -1 : 0;
	case 'P':
		v = number(arg, 1, 65535);
		in.port = (int)v;
		return v == -1 ? -1 : 0;
	default:
		return -1;
	}
}

/* Parse the command line into `in` and *ONLY. 0, 1 (done: --help,
 * --list) or -1 (usage error, reported). */
static int parse(int argc, char **argv, const char **only)
{
	static const struct option opts[] = {
		{ "marker", required_argument, NULL, 'm' },
		{ "marker-text", required_argument, NULL, 't' },
		{ "host-pid", required_argument, NULL, 'p' },
		{ "host-argv-marker", required_argument, NULL, 'a' },
		{ "disk", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'P' },
		{ "host-ifaces", required_argument, NULL, 'i' },
		{ "only", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == 'l') {
			for (size_t i = 0; i < NPROBES; i++)
				printf("%-20s %s\n", probes[i].name, probes[i].attack);
			return 1;
		}
		if (c == '?') {
			usage(stderr);
			return -1;
		}
		if (take(c, optarg, only) == -1) {
			fprintf(stderr, "probe: %s: not a valid value; see --help\n", optarg);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "probe: unexpected argument \"%s\"; see --help\n", argv[optind]);
		return -1;
	}
	if ((in.marker == NULL) != (in.marker_text == NULL)) {
		fprintf(stderr, "probe: --marker and --marker-text go together\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const word[] = { "blocked", "ESCAPED", "skipped", "error" };
	int count[4] = { 0 };
	const char *only = NULL;
	int rc;

	record_start();    /* first: before we open anything */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = parse(argc, argv, &only);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	for (size_t i = 0; i < NPROBES; i++) {
		struct result r;

		if (only != NULL && !in_list(probes[i].name, only))
			continue;
		run_probe(probes[i].fn, &r);
		count[r.v]++;
		printf("%-8s %s: %s\n", word[r.v], probes[i].name, r.detail);
	}
	fprintf(stderr, "probe: %d blocked, %d escaped, %d skipped, %d errors\n",
		count[V_BLOCKED], count[V_ESCAPED], count[V_SKIPPED], count[V_ERROR]);
	return count[V_ESCAPED] + count[V_ERROR] > 0 ? 1 : 0;
}
