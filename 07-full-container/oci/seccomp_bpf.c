/* seccomp_bpf.c - config.json's linux.seccomp compiled to classic BPF,
 * with no libseccomp: what the profile means is in seccomp_bpf.h; how
 * the kernel runs the result is in ../seccomp.c, run's own filter,
 * which is written by hand. This file writes one from the profile.
 *
 * The program it writes, for a profile that allows a few calls and
 * refuses the rest (podman's default has the same shape, bigger):
 *
 *     ld  arch                  ; the architecture, first
 *     jeq AUDIT_ARCH_X86_64, 0, kill
 *     ld  nr
 *     jge 0x40000000, x32, 0    ; x32's numbers: kill (but -1)
 *     jge 16, right, 0          ; a binary search on the call's number
 *     jgt 3, dflt, 0            ; a leaf: a run of numbers, 0..3, that
 *     ret ALLOW                 ;   share one answer
 *     ...
 *     jgt 16, dflt, 0           ; a leaf with rules on arguments:
 *     ld  args[0].hi            ;   personality(0): each argument is
 *     jeq 0, 0, next            ;   64 bits, classic BPF loads 32, so
 *     ld  args[0].lo            ;   the high half is compared, then
 *     jeq 0, 0, next            ;   the low one
 *     ret ALLOW
 *     next: ret ERRNO(38)       ; no rule held: defaultAction
 *
 * The search halves the range of numbers at each jge: podman's default
 * profile names 345 calls of x86_64 in 50 leaves, six comparisons deep,
 * where a list would compare up to 345 numbers (libseccomp builds a
 * tree like it with SCMP_FLTATR_CTL_OPTIMIZE 2).
 *
 * The program is written backwards, from its last instruction to its
 * first. A classic BPF jump only goes forwards, by an offset counted
 * from the next instruction, so when a jump is written its targets are
 * already in place and its offsets known. A conditional jump's offsets
 * are 8 bits: a target further than 255 instructions is reached through
 * a `ja` (32 bits) written just after the jump.
 *
 * Read: the runtime spec's config-linux.md ("Seccomp"), seccomp(2),
 * seccomp_rule_add(3) (the comparisons), and the kernel's
 * Documentation/networking/filter.rst (the instructions).
 */
#define _GNU_SOURCE
#include "seccomp_bpf.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "fail.h"

#if defined(__x86_64__) && !defined(__ILP32__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define NATIVE_NAME "SCMP_ARCH_X86_64"
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define NATIVE_NAME "SCMP_ARCH_AARCH64"
#else
#error "seccomp_bpf.c knows x86_64 and aarch64 (as ../seccomp.c)"
#endif

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif

/* The calls of this architecture, sorted by name: generated at build
 * time from the kernel's headers (syscalls.sh). */
static const struct syscall_name {
	const char *name;
	int nr;
} table[] = {
#include "oci_syscalls.inc"
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

#define refuse(fmt, ...) \
	(errno = EINVAL, (void)nsl_fail("config.json: linux.seccomp" fmt, ##__VA_ARGS__), -1)

#define MAX_CONDS 8

enum op { OP_NE, OP_LT, OP_LE, OP_EQ, OP_GE, OP_GT, OP_MASKED_EQ };

struct cond {
	unsigned int index;        /* args[index] */
	enum op op;
	uint64_t value, value_two; /* MASKED_EQ: (arg & value) == value_two */
};

struct rule {
	uint32_t ret;              /* SECCOMP_RET_*, with its data */
	size_t nconds;
	struct cond conds[MAX_CONDS];
};

/* The profile, read; then the program, written backwards into buf:
 * the instruction written when n was N has the label N, and ends up
 * at buf[OCI_BPF_MAX - 1 - N]. */
struct compiler {
	uint32_t dflt;
	struct rule *rules;
	size_t nrules;
	/* The rules naming each call, in the file's order: refs[first[nr]],
	 * then refs[next[that]]... (SIZE_MAX: none). */
	size_t *first, *last, *next, *rule_of;
	size_t nrefs, maxnr;
	size_t *tmp;               /* nrefs of room, for rules_of() */
	struct sock_filter buf[OCI_BPF_MAX];
	size_t n;
};

static int by_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct syscall_name *)elem)->name);
}

int oci_syscall_number(const char *name)
{
	const struct syscall_name *s = bsearch(name, table, NTABLE, sizeof(table[0]), by_name);

	return s != NULL ? s->nr : -1;
}

unsigned int oci_seccomp_arch(const char **name)
{
	*name = NATIVE_NAME;
	return NATIVE_ARCH;
}

/* --- reading the profile ---------------------------------------------- */

static const struct {
	const char *name;
	uint32_t ret;
	int takes_errno; /* errnoRet is its data (EPERM when not given) */
} actions[] = {
	{ "SCMP_ACT_ALLOW", SECCOMP_RET_ALLOW, 0 },
	{ "SCMP_ACT_ERRNO", SECCOMP_RET_ERRNO, 1 },
	{ "SCMP_ACT_KILL", SECCOMP_RET_KILL_THREAD, 0 },
	{ "SCMP_ACT_KILL_THREAD", SECCOMP_RET_KILL_THREAD, 0 },
	{ "SCMP_ACT_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS, 0 },
	{ "SCMP_ACT_TRAP", SECCOMP_RET_TRAP, 0 },
	{ "SCMP_ACT_TRACE", SECCOMP_RET_TRACE, 1 },
	{ "SCMP_ACT_LOG", SECCOMP_RET_LOG, 0 },
};

static const char *const ops[] = {
	[OP_NE] = "SCMP_CMP_NE", [OP_LT] = "SCMP_CMP_LT", [OP_LE] = "SCMP_CMP_LE",
	[OP_EQ] = "SCMP_CMP_EQ", [OP_GE] = "SCMP_CMP_GE", [OP_GT] = "SCMP_CMP_GT",
	[OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const struct {
	const char *name;
	unsigned int flag;
} flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", 1U << 0 },
	{ "SECCOMP_FILTER_FLAG_LOG", 1U << 1 },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1U << 2 },
};

/* The architectures a profile may list (libseccomp's names). */
static const char *const arches[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Member KEY of OBJ when it has type WANT: 1 and *OUT; 0 absent; -1. */
static int member(const struct json *obj, const char *where, const char *key,
		  enum json_type want, const struct json **out)
{
	*out = json_get(obj, key);
	if (*out == NULL)
		return 0;
	if ((*out)->type != want)
		return refuse("%s.%s: %s, not %s", where, key, json_type_name((*out)->type),
			      json_type_name(want));
	return 1;
}

/* An action and its errnoRet (ERRNO_RET, may be NULL) into *RET. */
static int read_action(const struct json *act, const struct json *errno_ret, const char *where,
		       uint32_t *ret)
{
	unsigned long long e = EPERM;
	size_t i;

	for (i = 0; i < COUNT(actions) && strcmp(act->str, actions[i].name) != 0; i++)
		;
	if (i == COUNT(actions)) {
		if (strcmp(act->str, "SCMP_ACT_NOTIFY") == 0)
			return refuse("%s: SCMP_ACT_NOTIFY: no seccomp agent yet", where);
		return refuse("%s: unknown action \"%s\"", where, act->str);
	}
	if (errno_ret != NULL) {
		if (!actions[i].takes_errno)
			return refuse("%s: an errno is for SCMP_ACT_ERRNO and _TRACE, not %s", where,
				      act->str);
		if (json_uint(errno_ret, SECCOMP_RET_DATA, &e) == -1)
			return refuse("%s: the errno is not a number from 0 to %u", where,
				      SECCOMP_RET_DATA);
	}
	*ret = actions[i].ret | (actions[i].takes_errno ? (uint32_t)e : 0);
	return 0;
}

static int read_cond(const struct json *a, size_t r, size_t k, struct cond *c)
{
	const struct json *v;
	unsigned long long index = 0;
	size_t i;

	if (a->type != JSON_OBJECT)
		return refuse(".syscalls[%zu].args[%zu]: %s, not an object", r, k,
			      json_type_name(a->type));
	if ((v = json_get(a, "index")) == NULL || json_uint(v, 5, &index) == -1)
		return refuse(".syscalls[%zu].args[%zu].index: a number from 0 to 5 is needed", r, k);
	c->index = (unsigned int)index;
	if ((v = json_get(a, "value")) == NULL || json_uint(v, UINT64_MAX, &index) == -1)
		return refuse(".syscalls[%zu].args[%zu].value: a number from 0 to 2^64-1 is needed",
			      r, k);
	c->value = index;
	c->value_two = 0;
	if ((v = json_get(a, "valueTwo")) != NULL) {
		if (json_uint(v, UINT64_MAX, &index) == -1)
			return refuse(".syscalls[%zu].args[%zu].valueTwo: not a number from 0 to "
				      "2^64-1", r, k);
		c->value_two = index;
	}
	if ((v = json_get(a, "op")) == NULL || v->type != JSON_STRING)
		return refuse(".syscalls[%zu].args[%zu].op: a string is needed", r, k);
	for (i = 0; i < COUNT(ops) && strcmp(v->str, ops[i]) != 0; i++)
		;
	if (i == COUNT(ops))
		return refuse(".syscalls[%zu].args[%zu].op: unknown comparison \"%s\"", r, k, v->str);
	c->op = (enum op)i;
	return 0;
}

/* Syscall rule R (object S) into cc->rules[R], and a reference from
 * every call it names that this build knows. */
static int read_rule(struct compiler *cc, const struct json *s, size_t r, struct harden_filter *f)
{
	struct rule *rule = &cc->rules[r];
	const struct json *names, *act, *args, *n;
	char where[48];
	int ret;

	if (s->type != JSON_OBJECT)
		return refuse(".syscalls[%zu]: %s, not an object", r, json_type_name(s->type));
	snprintf(where, sizeof(where), ".syscalls[%zu]", r);
	if ((ret = member(s, where, "names", JSON_ARRAY, &names)) <= 0)
		return ret == 0 ? refuse("%s.names: missing", where) : -1;
	if ((ret = member(s, where, "action", JSON_STRING, &act)) <= 0)
		return ret == 0 ? refuse("%s.action: missing", where) : -1;
	if (member(s, where, "args", JSON_ARRAY, &args) == -1)
		return -1;
	snprintf(where, sizeof(where), ".syscalls[%zu].action", r);
	if (read_action(act, json_get(s, "errnoRet"), where, &rule->ret) == -1)
		return -1;
	if (args != NULL) {
		if (args->len > MAX_CONDS)
			return refuse(".syscalls[%zu].args: %zu comparisons, at most %d", r, args->len,
				      MAX_CONDS);
		for (n = args->child; n != NULL; n = n->next)
			if (read_cond(n, r, rule->nconds, &rule->conds[rule->nconds]) == -1)
				return -1;
			else
				rule->nconds++;
	}
	for (n = names->child; n != NULL; n = n->next) {
		int nr;

		if (n->type != JSON_STRING)
			return refuse(".syscalls[%zu].names: %s, not a string", r,
				      json_type_name(n->type));
		if ((nr = oci_syscall_number(n->str)) == -1) {
			f->unknown++; /* not a call of this architecture, or too new */
			continue;
		}
		cc->rule_of[cc->nrefs] = r;
		cc->next[cc->nrefs] = SIZE_MAX;
		if (cc->first[nr] == SIZE_MAX)
			cc->first[nr] = cc->nrefs;
		else
			cc->next[cc->last[nr]] = cc->nrefs;
		cc->last[nr] = cc->nrefs++;
	}
	return 0;
}

static int read_top(const struct json *sc, struct harden_filter *f, uint32_t *dflt)
{
	const struct json *v, *a;
	int ret;

	if ((ret = member(sc, "", "defaultAction", JSON_STRING, &v)) <= 0)
		return ret == 0 ? refuse(".defaultAction: missing") : -1;
	if (read_action(v, json_get(sc, "defaultErrnoRet"), ".defaultAction", dflt) == -1)
		return -1;
	if (json_get(sc, "listenerPath") != NULL)
		return refuse(".listenerPath: no seccomp agent yet");
	if (member(sc, "", "architectures", JSON_ARRAY, &v) == -1)
		return -1;
	for (a = v != NULL ? v->child : NULL; a != NULL; a = a->next) {
		size_t i;

		for (i = 0; a->type == JSON_STRING && i < COUNT(arches) &&
			    strcmp(a->str, arches[i]) != 0; i++)
			;
		if (a->type != JSON_STRING || i == COUNT(arches))
			return refuse(".architectures: %s is not an architecture",
				      a->type == JSON_STRING ? a->str : json_type_name(a->type));
	}
	if (member(sc, "", "flags", JSON_ARRAY, &v) == -1)
		return -1;
	for (a = v != NULL ? v->child : NULL; a != NULL; a = a->next) {
		size_t i;

		for (i = 0; a->type == JSON_STRING && i < COUNT(flags) &&
			    strcmp(a->str, flags[i].name) != 0; i++)
			;
		if (a->type != JSON_STRING || i == COUNT(flags))
			return refuse(".flags: %s is not a flag nslab knows",
				      a->type == JSON_STRING ? a->str : json_type_name(a->type));
		f->flags |= flags[i].flag;
	}
	return 0;
}

/* --- writing the program, backwards ----------------------------------- */

#define LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + (size_t)(i) * 8))
#define HI(i) (LO(i) + 4) /* little-endian: the high half comes second */

/* Write one instruction; its label. Past OCI_BPF_MAX only count. */
static size_t put(struct compiler *cc, struct sock_filter in)
{
	if (cc->n < OCI_BPF_MAX)
		cc->buf[OCI_BPF_MAX - 1 - cc->n] = in;
	return cc->n++;
}

/* The distance from the instruction written next to label T. */
static size_t dist(const struct compiler *cc, size_t t)
{
	return cc->n - t - 1;
}

static size_t ret(struct compiler *cc, uint32_t k)
{
	return put(cc, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, k));
}

static size_t load(struct compiler *cc, uint32_t off)
{
	return put(cc, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off));
}

static size_t and(struct compiler *cc, uint32_t k)
{
	return put(cc, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, k));
}

/* if (A OP K) goto T else goto F: OP is BPF_JEQ, _JGT, _JGE. */
static size_t jump(struct compiler *cc, uint16_t op, uint32_t k, size_t t, size_t f)
{
	/* T's ja first: F's, if it needs one, would put T one further. */
	if (dist(cc, t) > 255 || (dist(cc, t) == 255 && dist(cc, f) > 255))
		t = put(cc, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)dist(cc, t)));
	if (dist(cc, f) > 255)
		f = put(cc, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)dist(cc, f)));
	return put(cc, (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k,
						    (uint8_t)dist(cc, t), (uint8_t)dist(cc, f)));
}

/* One comparison of a 64-bit argument: go to T when it holds, else F.
 * The high halves decide unless they are equal; then the low ones do. */
static size_t cond(struct compiler *cc, const struct cond *c, size_t t, size_t f)
{
	uint32_t hi = (uint32_t)(c->value >> 32), lo = (uint32_t)c->value;
	uint32_t hi2 = (uint32_t)(c->value_two >> 32), lo2 = (uint32_t)c->value_two;
	size_t x;

	switch (c->op) {
	case OP_EQ: /* hi == hi' && lo == lo' */
		jump(cc, BPF_JEQ, lo, t, f);
		x = load(cc, LO(c->index));
		jump(cc, BPF_JEQ, hi, x, f);
		break;
	case OP_NE:
		jump(cc, BPF_JEQ, lo, f, t);
		x = load(cc, LO(c->index));
		jump(cc, BPF_JEQ, hi, x, t);
		break;
	case OP_GT: /* hi > hi', or equal and lo > lo' */
	case OP_GE:
		jump(cc, c->op == OP_GT ? BPF_JGT : BPF_JGE, lo, t, f);
		x = load(cc, LO(c->index));
		x = jump(cc, BPF_JEQ, hi, x, f);
		jump(cc, BPF_JGT, hi, t, x);
		break;
	case OP_LT: /* the opposite of GE, and LE of GT */
	case OP_LE:
		jump(cc, c->op == OP_LT ? BPF_JGE : BPF_JGT, lo, f, t);
		x = load(cc, LO(c->index));
		x = jump(cc, BPF_JEQ, hi, x, t);
		jump(cc, BPF_JGT, hi, f, x);
		break;
	case OP_MASKED_EQ: /* (arg & value) == valueTwo */
		jump(cc, BPF_JEQ, lo2, t, f);
		and(cc, lo);
		x = load(cc, LO(c->index));
		jump(cc, BPF_JEQ, hi2, x, f);
		and(cc, hi);
		break;
	}
	return load(cc, HI(c->index));
}

/* What call NR gets when no rule with args holds: the action of the
 * first rule without args, else the default. */
static uint32_t fallback(const struct compiler *cc, size_t nr)
{
	for (size_t i = cc->first[nr]; i != SIZE_MAX; i = cc->next[i])
		if (cc->rules[cc->rule_of[i]].nconds == 0)
			return cc->rules[cc->rule_of[i]].ret;
	return cc->dflt;
}

/* 1 when call NR gets *RETV whatever its arguments (no rule with args
 * answers otherwise), 0 when its arguments decide. */
static int fixed(const struct compiler *cc, size_t nr, uint32_t *retv)
{
	*retv = fallback(cc, nr);
	for (size_t i = cc->first[nr]; i != SIZE_MAX; i = cc->next[i])
		if (cc->rules[cc->rule_of[i]].ret != *retv)
			return 0;
	return 1;
}

/* The rules of call NR: the ones with args in the file's order, then
 * the first without, else the default. Written backwards: the last
 * rule first. Its label. */
static size_t rules_of(struct compiler *cc, size_t nr)
{
	size_t *refs = cc->tmp, n = 0, next;

	for (size_t i = cc->first[nr]; i != SIZE_MAX; i = cc->next[i])
		if (cc->rules[cc->rule_of[i]].nconds > 0)
			refs[n++] = i;
	next = ret(cc, fallback(cc, nr));
	while (n-- > 0) {
		const struct rule *r = &cc->rules[cc->rule_of[refs[n]]];
		size_t ok = ret(cc, r->ret);

		for (size_t k = r->nconds; k-- > 0;)
			ok = cond(cc, &r->conds[k], ok, next);
		next = ok;
	}
	return next;
}

/* A leaf of the search: the numbers LO..HI, one call with rules on its
 * arguments (ARGS), or a run of calls answered RETV whatever their
 * arguments. Below LO and above HI is the gap before the next leaf:
 * the default. Only the first leaf has no leaf below it to check LO. */
struct leaf {
	size_t lo, hi;
	int args;
	uint32_t retv;
};

static size_t leaf(struct compiler *cc, const struct leaf *l, int first)
{
	size_t body = l->args ? rules_of(cc, l->lo) : ret(cc, l->retv);
	size_t dflt = ret(cc, cc->dflt);
	size_t x = jump(cc, BPF_JGT, (uint32_t)l->hi, dflt, body);

	return first && l->lo > 0 ? jump(cc, BPF_JGE, (uint32_t)l->lo, x, dflt) : x;
}

/* Leaves I..J-1: the upper half written first, it comes last. */
static size_t tree(struct compiler *cc, const struct leaf *leaves, size_t i, size_t j)
{
	size_t m = i + (j - i) / 2, upper, lower;

	if (j - i == 1)
		return leaf(cc, &leaves[i], i == 0);
	upper = tree(cc, leaves, m, j);
	lower = tree(cc, leaves, i, m);
	return jump(cc, BPF_JGE, (uint32_t)leaves[m].lo, upper, lower);
}

/* The leaves, in the order of the numbers; their count. */
static size_t make_leaves(const struct compiler *cc, struct leaf *leaves)
{
	size_t n = 0;

	for (size_t nr = 0; nr <= cc->maxnr; nr++) {
		uint32_t retv;
		int args = !fixed(cc, nr, &retv);

		if (!args && retv == cc->dflt)
			continue; /* as if no rule named it */
		if (!args && n > 0 && !leaves[n - 1].args && leaves[n - 1].hi == nr - 1 &&
		    leaves[n - 1].retv == retv) {
			leaves[n - 1].hi = nr; /* the run goes on */
			continue;
		}
		leaves[n++] = (struct leaf){ .lo = nr, .hi = nr, .args = args, .retv = retv };
	}
	return n;
}

/* The whole program, backwards: the shared answers at its end, the
 * search, and the checks of the architecture and of x32 before it. */
static void write_program(struct compiler *cc, const struct leaf *leaves, size_t n)
{
	size_t kill = ret(cc, SECCOMP_RET_KILL_PROCESS);
	size_t dflt = ret(cc, cc->dflt);
	size_t search;
#ifdef __x86_64__
	/* x32's calls come as AUDIT_ARCH_X86_64 with bit 30 set in the
	 * number: another table, killed. -1 has that bit; it is what a
	 * tracer writes to skip a call: the default. */
	size_t x32 = jump(cc, BPF_JEQ, 0xffffffffU, dflt, kill);
#endif

	search = n > 0 ? tree(cc, leaves, 0, n) : dflt;
#ifdef __x86_64__
	search = jump(cc, BPF_JGE, __X32_SYSCALL_BIT, x32, search);
#endif
	(void)search;
	load(cc, offsetof(struct seccomp_data, nr));
	jump(cc, BPF_JEQ, NATIVE_ARCH, cc->n - 1, kill);
	load(cc, offsetof(struct seccomp_data, arch));
}

static void release(struct compiler *cc)
{
	free(cc->rules);
	free(cc->first);
	free(cc->last);
	free(cc->next);
	free(cc->rule_of);
	free(cc->tmp);
	free(cc);
}

/* The room the profile needs: its rules, its names, every number. */
static int allocate(struct compiler *cc, const struct json *syscalls)
{
	size_t names = 0;

	for (size_t i = 0; i < NTABLE; i++)
		if ((size_t)table[i].nr > cc->maxnr)
			cc->maxnr = (size_t)table[i].nr;
	for (const struct json *s = syscalls != NULL ? syscalls->child : NULL; s != NULL; s = s->next) {
		const struct json *v = json_get(s, "names");

		if (v != NULL && v->type == JSON_ARRAY)
			names += v->len;
	}
	cc->nrules = syscalls != NULL ? syscalls->len : 0;
	cc->rules = calloc(cc->nrules + 1, sizeof(*cc->rules));
	cc->first = malloc((cc->maxnr + 1) * sizeof(size_t));
	cc->last = malloc((cc->maxnr + 1) * sizeof(size_t));
	cc->next = malloc((names + 1) * sizeof(size_t));
	cc->rule_of = malloc((names + 1) * sizeof(size_t));
	cc->tmp = malloc((names + 1) * sizeof(size_t));
	if (cc->rules == NULL || cc->first == NULL || cc->last == NULL || cc->next == NULL ||
	    cc->rule_of == NULL || cc->tmp == NULL) {
		errno = ENOMEM;
		return nsl_fail("config.json: linux.seccomp: malloc() for %zu rules", cc->nrules);
	}
	for (size_t nr = 0; nr <= cc->maxnr; nr++)
		cc->first[nr] = SIZE_MAX;
	return 0;
}

int oci_seccomp_compile(const struct json *sc, struct harden_filter *f)
{
	struct compiler *cc;
	const struct json *syscalls, *s;
	struct leaf *leaves = NULL;
	size_t r = 0, n;

	memset(f, 0, sizeof(*f));
	if (sc->type != JSON_OBJECT)
		return refuse(": %s, not an object", json_type_name(sc->type));
	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return nsl_fail("config.json: linux.seccomp: malloc()");
	if (read_top(sc, f, &cc->dflt) == -1 || member(sc, "", "syscalls", JSON_ARRAY, &syscalls) == -1 ||
	    allocate(cc, syscalls) == -1)
		goto fail;
	for (s = syscalls != NULL ? syscalls->child : NULL; s != NULL; s = s->next)
		if (read_rule(cc, s, r++, f) == -1)
			goto fail;
	if ((leaves = malloc((cc->maxnr + 1) * sizeof(*leaves))) == NULL) {
		(void)nsl_fail("config.json: linux.seccomp: malloc()");
		goto fail;
	}
	for (size_t nr = 0; nr <= cc->maxnr; nr++)
		f->calls += cc->first[nr] != SIZE_MAX;
	n = make_leaves(cc, leaves);
	write_program(cc, leaves, n);
	if (cc->n > OCI_BPF_MAX) {
		errno = E2BIG;
		(void)nsl_fail("config.json: linux.seccomp: %zu BPF instructions, the kernel takes %d",
			       cc->n, OCI_BPF_MAX);
		goto fail;
	}
	if ((f->insn = malloc(cc->n * sizeof(*f->insn) + 1)) == NULL) {
		(void)nsl_fail("config.json: linux.seccomp: malloc()");
		goto fail;
	}
	memcpy(f->insn, cc->buf + OCI_BPF_MAX - cc->n, cc->n * sizeof(*f->insn));
	f->len = cc->n;
	free(leaves);
	release(cc);
	return 0;
fail:
	free(leaves);
	release(cc);
	f->len = f->calls = 0;
	return -1;
}

void oci_seccomp_free(struct harden_filter *f)
{
	free(f->insn);
	f->insn = NULL;
	f->len = 0;
}
