/* oci_seccomp - fuzz the seccomp compiler (07-full-container/oci/
 * seccomp_bpf.c): a profile in, a classic BPF program out, which the
 * kernel will run on every call the container makes.
 *
 * The input is a linux.seccomp object as JSON text. Whatever it is:
 *  - the compiler answers 0 or -1, and -1 comes with errno EINVAL,
 *    E2BIG or ENOMEM;
 *  - an accepted profile gives a program the kernel would load: at
 *    most 4096 instructions, only loads of seccomp_data's words, AND,
 *    jumps that land inside it, and returns; it ends in a return;
 *  - the program answers every call as the profile says. This file
 *    reads the profile a second time, the simple way (each rule tried
 *    in turn, as seccomp_bpf.h words it), and runs the program in a
 *    BPF interpreter of its own, for every call number of this
 *    architecture, a wrong architecture, x32's numbers, and arguments
 *    taken from the values the profile compares with, and one more and
 *    one less. The two must agree on every one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "fuzz.h"
#include "json.h"
#include "seccomp_bpf.h"

/* --- the program, run as the kernel runs it ---------------------------- */

static uint32_t word(const struct seccomp_data *d, uint32_t off)
{
	uint32_t w;

	FUZZ_ASSERT(off % 4 == 0 && off + 4 <= sizeof(*d));
	memcpy(&w, (const char *)d + off, 4);
	return w;
}

static uint32_t run(const struct sock_filter *p, size_t len, const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (size_t pc = 0;; pc++) {
		const struct sock_filter *in;

		FUZZ_ASSERT(pc < len);
		in = &p[pc];
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			a = word(d, in->k);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		case BPF_JMP | BPF_JA:
			FUZZ_ASSERT(in->k < len - pc - 1);
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K: {
			int yes = BPF_OP(in->code) == BPF_JEQ ? a == in->k :
				  BPF_OP(in->code) == BPF_JGT ? a > in->k : a >= in->k;

			FUZZ_ASSERT(in->jt < len - pc - 1 && in->jf < len - pc - 1);
			pc += yes ? in->jt : in->jf;
			break;
		}
		case BPF_RET | BPF_K:
			return in->k;
		default:
			FUZZ_ASSERT(0);
		}
	}
}

/* --- the profile, read the simple way ---------------------------------- */

static uint64_t num(const struct json *v)
{
	return v != NULL ? strtoull(v->str, NULL, 10) : 0;
}

static uint32_t action(const struct json *act, const struct json *errno_ret)
{
	static const struct {
		const char *name;
		uint32_t ret;
	} acts[] = {
		{ "SCMP_ACT_ALLOW", SECCOMP_RET_ALLOW },
		{ "SCMP_ACT_ERRNO", SECCOMP_RET_ERRNO },
		{ "SCMP_ACT_KILL", SECCOMP_RET_KILL_THREAD },
		{ "SCMP_ACT_KILL_THREAD", SECCOMP_RET_KILL_THREAD },
		{ "SCMP_ACT_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS },
		{ "SCMP_ACT_TRAP", SECCOMP_RET_TRAP },
		{ "SCMP_ACT_TRACE", SECCOMP_RET_TRACE },
		{ "SCMP_ACT_LOG", SECCOMP_RET_LOG },
	};

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (strcmp(act->str, acts[i].name) == 0) {
			if (acts[i].ret != SECCOMP_RET_ERRNO && acts[i].ret != SECCOMP_RET_TRACE)
				return acts[i].ret;
			return acts[i].ret | (errno_ret != NULL ? (uint32_t)num(errno_ret) : EPERM);
		}
	FUZZ_ASSERT(0); /* the compiler accepted an action this does not know */
	return 0;
}

static int holds(const struct json *c, const uint64_t *args)
{
	uint64_t arg = args[num(json_get(c, "index"))], v = num(json_get(c, "value"));
	const char *op = json_string(json_get(c, "op"));

	if (strcmp(op, "SCMP_CMP_NE") == 0)
		return arg != v;
	if (strcmp(op, "SCMP_CMP_LT") == 0)
		return arg < v;
	if (strcmp(op, "SCMP_CMP_LE") == 0)
		return arg <= v;
	if (strcmp(op, "SCMP_CMP_EQ") == 0)
		return arg == v;
	if (strcmp(op, "SCMP_CMP_GE") == 0)
		return arg >= v;
	if (strcmp(op, "SCMP_CMP_GT") == 0)
		return arg > v;
	FUZZ_ASSERT(strcmp(op, "SCMP_CMP_MASKED_EQ") == 0);
	return (arg & v) == num(json_get(c, "valueTwo"));
}

static int names(const struct json *rule, int nr)
{
	for (const struct json *n = json_get(rule, "names")->child; n != NULL; n = n->next)
		if (oci_syscall_number(n->str) == nr)
			return 1;
	return 0;
}

static int has_args(const struct json *rule)
{
	const struct json *a = json_get(rule, "args");

	return a != NULL && a->len > 0;
}

static int args_named(const struct json *sc, int nr)
{
	const struct json *rules = json_get(sc, "syscalls");

	for (const struct json *r = rules != NULL ? rules->child : NULL; r != NULL; r = r->next)
		if (has_args(r) && names(r, nr))
			return 1;
	return 0;
}

static uint32_t expected(const struct json *sc, const struct seccomp_data *d)
{
	const struct json *rules = json_get(sc, "syscalls"), *r;
	uint32_t dflt = action(json_get(sc, "defaultAction"), json_get(sc, "defaultErrnoRet"));
	const char *arch;

	if (d->arch != oci_seccomp_arch(&arch))
		return SECCOMP_RET_KILL_PROCESS;
#ifdef __x86_64__
	if ((uint32_t)d->nr >= __X32_SYSCALL_BIT) /* x32's, and beyond */
		return d->nr == -1 ? dflt : SECCOMP_RET_KILL_PROCESS;
#endif
	for (r = rules != NULL ? rules->child : NULL; r != NULL; r = r->next) {
		int all = 1;

		if (!has_args(r) || !names(r, d->nr))
			continue;
		for (const struct json *c = json_get(r, "args")->child; c != NULL; c = c->next)
			all = all && holds(c, (const uint64_t *)d->args);
		if (all)
			return action(json_get(r, "action"), json_get(r, "errnoRet"));
	}
	for (r = rules != NULL ? rules->child : NULL; r != NULL; r = r->next)
		if (!has_args(r) && names(r, d->nr))
			return action(json_get(r, "action"), json_get(r, "errnoRet"));
	return dflt;
}

/* --- the two, compared --------------------------------------------------- */

#define NVALUES 64

/* The values worth trying as arguments: the profile's, each one more
 * and one less, and the ends. */
static size_t values(const struct json *sc, uint64_t *out)
{
	const struct json *rules = json_get(sc, "syscalls");
	size_t n = 0;

	out[n++] = 0;
	out[n++] = UINT64_MAX;
	for (const struct json *r = rules != NULL ? rules->child : NULL; r != NULL; r = r->next)
		for (const struct json *c = has_args(r) ? json_get(r, "args")->child : NULL;
		     c != NULL && n + 6 <= NVALUES; c = c->next) {
			uint64_t v = num(json_get(c, "value")), two = num(json_get(c, "valueTwo"));

			out[n++] = v;
			out[n++] = v + 1;
			out[n++] = v - 1;
			out[n++] = two;
			out[n++] = two | ~v;
			out[n++] = v ^ (1ULL << 32);
		}
	return n;
}

static void agree(const struct harden_filter *f, const struct json *sc, const struct seccomp_data *d)
{
	FUZZ_ASSERT(run(f->insn, f->len, d) == expected(sc, d));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc doc;
	struct json_error err;
	struct harden_filter f;
	struct seccomp_data d = { 0 };
	uint64_t vals[NVALUES];
	uint32_t seed = (uint32_t)size * 2654435761U;
	const char *arch;
	size_t nvals;
	int ret;

	if (json_parse((const char *)data, size, &doc, &err) == -1) {
		json_free(&doc);
		return 0;
	}
	ret = oci_seccomp_compile(doc.root, &f);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(errno == EINVAL || errno == E2BIG || errno == ENOMEM);
		FUZZ_ASSERT(f.insn == NULL && f.len == 0);
		json_free(&doc);
		return 0;
	}
	FUZZ_ASSERT(f.len > 0 && f.len <= OCI_BPF_MAX);
	FUZZ_ASSERT(f.insn[f.len - 1].code == (BPF_RET | BPF_K));

	nvals = values(doc.root, vals);
	d.arch = oci_seccomp_arch(&arch);
	for (int nr = 0; nr < 1024; nr++) {
		d.nr = nr;
		memset(d.args, 0, sizeof(d.args));
		agree(&f, doc.root, &d);
		for (int k = 0; k < 16 && args_named(doc.root, nr); k++) { /* arguments from the profile's values */
			for (int i = 0; i < 6; i++) {
				seed = seed * 1103515245U + 12345U;
				d.args[i] = vals[(seed >> 8) % nvals];
			}
			agree(&f, doc.root, &d);
		}
	}
	d.nr = -1;
	agree(&f, doc.root, &d);
#ifdef __x86_64__
	d.nr = (int)(__X32_SYSCALL_BIT | 1);
	agree(&f, doc.root, &d);
	d.nr = (int)0x80000000U;
	agree(&f, doc.root, &d);
	d.nr = 0x3fffffff;
	agree(&f, doc.root, &d);
#endif
	d.arch = AUDIT_ARCH_I386;
	d.nr = 1;
	agree(&f, doc.root, &d);
	oci_seccomp_free(&f);
	json_free(&doc);
	return 0;
}
