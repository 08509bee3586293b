/* kernel.c - probes of the host kernel's global files: /proc's knobs that
 * no namespace covers, /proc/kcore, /sys, a cgroup's release_agent.
 *
 * These probes OPEN for writing and never write: one letter to
 * /proc/sysrq-trigger reboots the host, and core_pattern, uevent_helper
 * and release_agent name programs the kernel runs as host root. An open
 * for writing that works is the hole; a runtime closes it by mounting
 * these read-only or masking them (the OCI runtime-spec's readonlyPaths
 * and maskedPaths). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "probe.h"

/* 1 if PATH opens for writing (closed again at once); else 0, with the
 * failed call in WHY. */
static int opens_for_writing(const char *path, char *why, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd == -1) {
		snprintf(why, len, "open(\"%s\", O_WRONLY): %s", path, strerror(errno));
		return 0;
	}
	close(fd);
	return 1;
}

/* /proc/sysrq-trigger: each letter written is a SysRq command for the
 * whole machine - b reboots, c crashes, o powers off. */
void probe_sysrq(struct result *r)
{
	char why[300];

	if (opens_for_writing("/proc/sysrq-trigger", why, sizeof(why)))
		escaped(r, "open(\"/proc/sysrq-trigger\", O_WRONLY): opened (nothing written)");
	else
		blocked(r, "%s", why);
}

/* /proc/sys/kernel/core_pattern: "|/path" makes the kernel run /path as
 * host root, in the host's namespaces, on every crash - a classic escape
 * for a container that can write it. */
void probe_core_pattern(struct result *r)
{
	const char *p = "/proc/sys/kernel/core_pattern";
	char why[300];

	if (opens_for_writing(p, why, sizeof(why)))
		escaped(r, "open(\"%s\", O_WRONLY): opened (nothing written)", p);
	else
		blocked(r, "%s", why);
}

/* /proc/kcore is the host's physical memory as an ELF core file: keys,
 * other containers' secrets. Any byte read is too many; a runtime masks
 * it with /dev/null (reads 0 bytes). */
void probe_kcore(struct result *r)
{
	char buf[64];
	ssize_t n;
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		blocked(r, "open(\"/proc/kcore\"): %s", strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		escaped(r, "read %zd bytes of /proc/kcore (the host's memory)", n);
	else if (n == 0)
		blocked(r, "read(/proc/kcore): 0 bytes (masked)");
	else
		blocked(r, "read(/proc/kcore): %s", strerror(errno));
	close(fd);
}

/* sysfs is the kernel's object tree and much of it is global:
 * uevent_helper names a program the kernel runs as host root on every
 * device event; profiling, the network devices' settings. A container's
 * /sys must be read-only (or absent). */
void probe_sys_write(struct result *r)
{
	static const char *const files[] = {
		"/sys/kernel/uevent_helper", "/sys/kernel/profiling",
		"/sys/class/net/lo/mtu", "/sys/kernel/mm/transparent_hugepage/enabled",
	};
	char why[300], first[300] = "";
	int present = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (access(files[i], F_OK) == -1)
			continue;
		present++;
		if (opens_for_writing(files[i], why, sizeof(why))) {
			escaped(r, "open(\"%s\", O_WRONLY): opened (nothing written)", files[i]);
			return;
		}
		if (first[0] == '\0')
			snprintf(first, sizeof(first), "%s", why);
	}
	if (present == 0)
		blocked(r, "none of /sys/kernel/{uevent_helper,profiling}, /sys/class/net/lo/mtu ... exists");
	else
		blocked(r, "%s (and %d more)", first, present - 1);
}

/* A cgroup v1 release_agent visible at /sys/fs/cgroup[/HIERARCHY]: 1 if
 * one opens for writing. */
static int visible_release_agent(struct result *r, char *seen, size_t len)
{
	char path[512], why[300];
	DIR *d;
	const struct dirent *e;

	if (opens_for_writing("/sys/fs/cgroup/release_agent", why, sizeof(why))) {
		escaped(r, "open(\"/sys/fs/cgroup/release_agent\", O_WRONLY): opened (nothing written)");
		return 1;
	}
	d = opendir("/sys/fs/cgroup");
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/release_agent", e->d_name);
		if (access(path, F_OK) == -1)
			continue;
		if (opens_for_writing(path, why, sizeof(why))) {
			escaped(r, "open(\"%s\", O_WRONLY): opened (nothing written)", path);
			closedir(d);
			return 1;
		}
		snprintf(seen, len, "%s", why);
	}
	if (d != NULL)
		closedir(d);
	return 0;
}

/* cgroup v1's release_agent names a program the kernel runs as host
 * root, in the host's namespaces, when the last process leaves a cgroup
 * that asked for it. CVE-2022-0492: writing it was not checked against
 * the initial user namespace, so a container root that could mount
 * cgroup v1 (after unshare -UrmC) escaped. Try the release_agent files
 * we see, then mounting a v1 hierarchy (undone at once if it works). */
void probe_release_agent(struct result *r)
{
	static const char *const opts[] = { "cpu", "memory", "rdma", "none,name=nslab-probe" };
	const char *target = scratch_dir();
	char seen[300] = "no release_agent visible", mnt[300] = "", agent[512];

	if (visible_release_agent(r, seen, sizeof(seen)))
		return;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (mount("cgroup", target, "cgroup", 0, opts[i]) == -1) {
			if (mnt[0] == '\0')
				snprintf(mnt, sizeof(mnt), "mount(\"cgroup\", \"%s\", \"cgroup\", \"%s\"): %s",
					 target, opts[i], strerror(errno));
			continue;
		}
		snprintf(agent, sizeof(agent), "%s/release_agent", target);
		escaped(r, "mount(\"cgroup\", \"%s\", \"cgroup\", \"%s\"): mounted a cgroup v1 "
			"hierarchy; its release_agent %s for writing", target, opts[i],
			access(agent, W_OK) == 0 ? "opens" : "does not open");
		umount2(target, MNT_DETACH);
		return;
	}
	blocked(r, "%s; %s", seen, mnt);
}
