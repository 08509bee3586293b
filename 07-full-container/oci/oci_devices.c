/* oci_devices.c - the devices cgroup: which device nodes the container
 * may open (and make), whatever nodes it has. A node is only a name for
 * a pair of numbers: a container root with CAP_MKNOD can make
 * /dev/sda's node anywhere it may write, and its namespaces would not
 * stop it reading the host's disk through it. The devices cgroup does:
 * the kernel asks it on every open() and mknod() of a device, and
 * refuses (EPERM) what it does not allow. With it in force the
 * container may keep CAP_MKNOD, as the engines give it. It holds the
 * container's processes only: a node the container makes on a file
 * system the host shares (a volume, a rootfs without an overlay) is
 * a node there for the host's users too, as with runc and Docker;
 * mount such volumes nodev.
 *
 * The rules are linux.resources.devices, in the spec's order, between
 * a "deny everything" first and, last, the devices every container
 * needs (null, zero, full, random, urandom, tty, console, ptmx, the
 * ptys, and mknod of any node), as runc adds them. When two rules cover
 * a device the later one wins; config.c refuses the rules for which v1's
 * kernel would answer otherwise. A node linux.devices
 * makes is not allowed for it: the engine that asks for one allows it
 * with a rule of its own (podman --device does), as runc has it. On a host that has a v1 devices hierarchy they are
 * written into devices.deny and devices.allow, one line each, and the
 * kernel keeps the list. cgroup v2 has no devices controller: the rules
 * are compiled here into a small eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE)
 * that the kernel runs on each access, attached to the container's
 * cgroup, which holds it until it is removed.
 *
 * Read: the kernel's Documentation/admin-guide/cgroup-v1/devices.rst,
 * cgroup-v2.rst ("Device controller"), bpf(2), and
 * include/uapi/linux/bpf.h (struct bpf_cgroup_dev_ctx).
 */
#define _GNU_SOURCE
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "fail.h"
#include "say.h"

/* The devices every container may use, after the config's rules (runc's
 * AllowedDevices): making any node ("m"), and the nodes of a /dev. */
static const struct oci_dev_rule defaults[] = {
	{ 1, 'c', -1, -1, OCI_DEV_MKNOD },      { 1, 'b', -1, -1, OCI_DEV_MKNOD },
	{ 1, 'c', 1, 3, OCI_DEV_RWM },  /* null */ { 1, 'c', 1, 5, OCI_DEV_RWM },  /* zero */
	{ 1, 'c', 1, 7, OCI_DEV_RWM },  /* full */ { 1, 'c', 1, 8, OCI_DEV_RWM },  /* random */
	{ 1, 'c', 1, 9, OCI_DEV_RWM },  /* urandom */ { 1, 'c', 5, 0, OCI_DEV_RWM }, /* tty */
	{ 1, 'c', 5, 1, OCI_DEV_RWM },  /* console */ { 1, 'c', 5, 2, OCI_DEV_RWM }, /* ptmx */
	{ 1, 'c', 136, -1, OCI_DEV_RWM }, /* the ptys, /dev/pts/N */
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

size_t oci_dev_rules(const struct oci_config *o, struct oci_dev_rule *out)
{
	size_t n = 0;

	out[n++] = (struct oci_dev_rule){ 0, 'a', -1, -1, OCI_DEV_RWM };
	for (size_t i = 0; i < o->ndev_rules; i++)
		out[n++] = o->dev_rules[i];
	for (size_t i = 0; i < NDEFAULTS; i++)
		out[n++] = defaults[i];
	return n;
}

/* --- The eBPF program --------------------------------------------- */

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off,
				  .imm = imm };
}

#define LOAD32(dst, off) insn(BPF_LDX | BPF_MEM | BPF_W, dst, 1, off, 0)
#define MOV32_REG(dst, src) insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define AND32(dst, imm) insn(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32(dst, imm) insn(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE32(dst, imm, skip) insn(BPF_JMP32 | BPF_JNE | BPF_K, dst, 0, skip, (int32_t)(imm))
#define JEQ32(dst, imm, skip) insn(BPF_JMP32 | BPF_JEQ | BPF_K, dst, 0, skip, (int32_t)(imm))
#define SET_R0(v) insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, v)
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* One rule's block: a test per field it names, each jumping past the
 * block when it does not hold, then "return allow". An allow rule holds
 * when the access asked for is within its access (v1's reading); a deny
 * rule when it asks for any of its access. */
static size_t block(const struct oci_dev_rule *r, struct bpf_insn *p)
{
	struct bpf_insn t[8];
	size_t n = 0;

	if (r->type != 'a')
		t[n++] = JNE32(3, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
	if (r->access != OCI_DEV_RWM) {
		t[n++] = MOV32_REG(7, 4);
		t[n++] = AND32(7, r->allow ? (int32_t)(~r->access & OCI_DEV_RWM) : (int32_t)r->access);
		t[n++] = r->allow ? JNE32(7, 0, 0) : JEQ32(7, 0, 0);
	}
	if (r->major != -1)
		t[n++] = JNE32(5, (uint32_t)r->major, 0);
	if (r->minor != -1)
		t[n++] = JNE32(6, (uint32_t)r->minor, 0);
	for (size_t i = 0; i < n; i++)
		if (BPF_CLASS(t[i].code) == BPF_JMP32)
			t[i].off = (int16_t)(n - i - 1 + 2); /* past the rest and the return */
	memcpy(p, t, n * sizeof(*t));
	p[n++] = SET_R0(r->allow);
	p[n++] = EXIT();
	return n;
}

size_t oci_dev_program(const struct oci_dev_rule *rules, size_t n, struct bpf_insn *p)
{
	size_t len = 0;
	size_t i = n;

	/* ctx: r2 its access_type, r3 the type (block or char), r4 the
	 * access asked for (BPF_DEVCG_ACC_*: mknod 1, read 2, write 4),
	 * r5 and r6 the major and minor. */
	p[len++] = LOAD32(2, 0);
	p[len++] = MOV32_REG(3, 2);
	p[len++] = AND32(3, 0xffff);
	p[len++] = MOV32_REG(4, 2);
	p[len++] = RSH32(4, 16);
	p[len++] = LOAD32(5, 4);
	p[len++] = LOAD32(6, 8);
	/* The last rule that holds decides: the rules from the last back
	 * to the "a" rule (every device) that ends the search. */
	while (i > 0 && rules[i - 1].type != 'a') {
		i--;
		len += block(&rules[i], p + len);
	}
	/* None held: the "a" rule's answer; with none, v1's default. */
	p[len++] = SET_R0(i > 0 ? rules[i - 1].allow : 1);
	p[len++] = EXIT();
	return len;
}

/* --- Into the kernel ---------------------------------------------- */

/* "c 1:3 rwm", as v1's devices.allow reads it ("a" alone: every one). */
static void rule_line(const struct oci_dev_rule *r, char *buf, size_t len)
{
	char major[24] = "*", minor[24] = "*", access[4];
	size_t n = 0;

	if (r->type == 'a') {
		snprintf(buf, len, "a");
		return;
	}
	if (r->major != -1)
		snprintf(major, sizeof(major), "%lld", r->major);
	if (r->minor != -1)
		snprintf(minor, sizeof(minor), "%lld", r->minor);
	if (r->access & OCI_DEV_READ)
		access[n++] = 'r';
	if (r->access & OCI_DEV_WRITE)
		access[n++] = 'w';
	if (r->access & OCI_DEV_MKNOD)
		access[n++] = 'm';
	access[n] = '\0';
	snprintf(buf, len, "%c %s:%s %s", r->type, major, minor, access);
}

/* v1: each rule a line of devices.deny or devices.allow, in order; the
 * kernel keeps the list, devices.list shows it. */
static int put_v1(const struct cgroup *cg, const struct oci_dev_rule *rules, size_t n)
{
	char line[64];

	for (size_t i = 0; i < n; i++) {
		rule_line(&rules[i], line, sizeof(line));
		if (cgroup_set(cg, CG_DEVICES, "", rules[i].allow ? "devices.allow" : "devices.deny",
			       line) == -1)
			return -1;
	}
	return 0;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* v2: the program loaded, then attached to the cgroup. BPF_F_ALLOW_MULTI
 * keeps the programs of the cgroups above it running too (systemd's
 * DevicePolicy=): a container can only narrow what its parent allows. The
 * program's descriptor is closed after: the cgroup holds it, and it goes
 * with the cgroup. */
static int put_v2(const char *dir, const struct oci_dev_rule *rules, size_t n, size_t *insns)
{
	static struct bpf_insn prog[OCI_DEV_PROG_MAX];
	static char log[4096];
	union bpf_attr attr;
	int prog_fd, cg_fd, ret;

	*insns = oci_dev_program(rules, n, prog);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = (uint32_t)*insns;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	prog_fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
	if (prog_fd == -1 && (errno == EINVAL || errno == EACCES)) {
		int err = errno;

		char *last;

		/* Again, with the verifier's log: its last line says why. */
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		log[0] = '\0';
		sys_bpf(BPF_PROG_LOAD, &attr);
		log[sizeof(log) - 1] = '\0';
		while (log[0] != '\0' && log[strlen(log) - 1] == '\n')
			log[strlen(log) - 1] = '\0';
		last = strrchr(log, '\n');
		last = last != NULL ? last + 1 : log;
		errno = err;
		return nsl_fail_hint(last[0] != '\0' ? last : NULL,
				     "bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, %zu "
				     "instructions) (linux.resources.devices)", *insns);
	}
	if (prog_fd == -1)
		return nsl_fail_hint(errno == EPERM ? "loading an eBPF program needs CAP_SYS_ADMIN "
				     "(or CAP_BPF) in the host's user namespace" : NULL,
				     "bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, %zu "
				     "instructions) (linux.resources.devices)", *insns);
	cg_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd == -1) {
		ret = nsl_fail("open(\"%s\", O_DIRECTORY)", dir);
		close(prog_fd);
		return ret;
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cg_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	ret = (int)sys_bpf(BPF_PROG_ATTACH, &attr);
	if (ret == -1)
		ret = nsl_fail_hint(errno == EPERM ? "attaching needs CAP_SYS_ADMIN (or CAP_BPF and "
				    "CAP_NET_ADMIN) in the host's user namespace, and no program "
				    "above it that allows none below" : NULL,
				    "bpf(BPF_PROG_ATTACH, \"%s\", BPF_CGROUP_DEVICE, "
				    "BPF_F_ALLOW_MULTI)", dir);
	close(cg_fd);
	close(prog_fd);
	return ret;
}

int oci_devices_apply(const struct oci_config *o, const struct cgroup *cg)
{
	static struct oci_dev_rule rules[OCI_DEV_RULES_MAX];
	size_t n = oci_dev_rules(o, rules), insns;

	if (cg->served[CG_DEVICES] == 1) {
		if (put_v1(cg, rules, n) == -1)
			return -1;
		say("linux.resources.devices: %zu rules into %s/devices.allow and devices.deny (v1), "
		    "every other device refused", n, cg->v1[CG_DEVICES].path);
		return 0;
	}
	if (put_v2(cg->v2.path, rules, n, &insns) == -1)
		return -1;
	say("linux.resources.devices: %zu rules compiled to an eBPF program of %zu instructions, "
	    "attached to %s (cgroup v2), every other device refused", n, insns, cg->v2.path);
	return 0;
}
