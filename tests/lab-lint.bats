#!/usr/bin/env bats
# tests/lab-lint.bats - scripts/lab-lint.sh on a small tree of its own:
# one region that meets every rule, and one that breaks each rule in
# turn. Needs no root and no build; the real tree is not read.

load helpers

LINT=$BATS_TEST_DIRNAME/../scripts/lab-lint.sh

# A region of 01-x/x.c: ID, then the header lines (without " * "), then
# the body after a line "--".
region() { # region ID TASK [HEADER...] -- [BODY...]
	local id=$1 task=$2 l
	shift 2
	printf '\t/* LAB %s x: %s\n' "$id" "$task"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do printf '\t * %s\n' "$1"; shift; done
	printf '\t */\n'
	shift
	for l in "$@"; do printf '\t%s\n' "$l"; done
	printf '\t/* END LAB */\n'
}

# A region that passes: the hints name one of the answer's five names.
good() { # good ID
	region "$1" "make the thing, exclusively" \
		"level: 2" "minutes: 10" "checks: 01.1" \
		"hint: thing_make(2), DESCRIPTION: the flags that say create, and fail if it exists" \
		"stub: errno = ENOSYS;" "stub: return nsl_fail(\"LAB $1: %s\", \"make the thing\");" -- \
		'int fd = thing_make(path, THING_CREATE | THING_EXCL, 0600);' \
		'if (fd == -1)' \
		'	return nsl_fail("thing_make(\"%s\")", path);' \
		'return thing_use(fd, THING_NOW);'
}

setup() {
	tree=$BATS_TEST_TMPDIR/tree
	mkdir -p "$tree/docs/zh" "$tree/01-x"
	printf '# x\n\nThe call: `open(path, O_RDONLY)`.\n' >"$tree/docs/01-x.md"
	printf '# x\n\n调用：`open(path, O_RDONLY)`。\n' >"$tree/docs/zh/01-x.md"
}

# The tree's 01-x/x.c: the regions given, one function each.
source_of() { # source_of REGION_TEXT...
	{
		for r in "$@"; do printf 'int f(const char *path)\n{\n%s\n}\n\n' "$r"; done
	} >"$tree/01-x/x.c"
}

@test "lab-lint.1 a region that meets every rule passes, and -v says what rule (b) counted" {
	source_of "$(good 01.1)"
	run --separate-stderr "$LINT" -C "$tree" -v --only 01.1
	assert_success
	assert_line 'lab-lint: 01.1: (b) 1 of 5 named thing_make'
	assert_line --partial '1 linted, 0 findings'
}

@test "lab-lint.2 (a): a line of the answer, or a call in it, on a docs page is found, with the page and line" {
	source_of "$(good 01.1)"
	printf '\n```c\nint fd = thing_make(path,\n\tTHING_CREATE | THING_EXCL, 0600);\n```\n' >>"$tree/docs/01-x.md"
	printf 'A span: `thing_use(fd, THING_NOW)` here.\n' >>"$tree/docs/zh/01-x.md"
	run --separate-stderr "$LINT" -C "$tree" --only 01.1
	assert_failure 1
	assert_line 'lab-lint: 01.1: (a) `intfd=thing_make(path,THING_CREATE|THING_EXCL,0600);` (01-x/x.c:11) is on docs/01-x.md:6'
	assert_line 'lab-lint: 01.1: (a) `thing_use(fd,THING_NOW)` is on docs/zh/01-x.md:4'
	# A transcript (a fence without "c") is exempt, and so is a call
	# without a comma.
	source_of "$(good 01.1)"
	printf '# x\n\n```\n$ x\nint fd = thing_make(path, THING_CREATE | THING_EXCL, 0600);\n```\n' >"$tree/docs/01-x.md"
	printf '# x\n\n`return thing_use(fd, THING_NOW)`\n' >"$tree/docs/zh/01-x.md"
	run --separate-stderr "$LINT" -C "$tree" --only 01.1
	assert_failure 1
	assert_equal "$(grep -c '(a)' <<<"$output")" 1
	assert_line 'lab-lint: 01.1: (a) `thing_use(fd,THING_NOW)` is on docs/zh/01-x.md:3'
}

@test "lab-lint.3 (b): hints that name more than half of the answer fail; a warm-up may; a stub's string may name none of it, as a call" {
	source_of "$(region 01.1 "make the thing" "level: 1" "minutes: 5" \
		"hint: thing_make(2) with THING_CREATE and THING_EXCL" "stub: return -1;" -- \
		'return thing_make(path, THING_CREATE | THING_EXCL, 0600);')" \
		"$(region 01.2 "make the thing" "level: 1" "minutes: 5" "warmup: yes" \
		"hint: thing_make(2) with THING_CREATE and THING_EXCL" "stub: return -1;" -- \
		'return thing_make(path, THING_CREATE | THING_EXCL, 0600);')" \
		"$(region 01.3 "make the thing" "level: 1" "minutes: 5" \
		"hint: read thing(7)" "stub: return nsl_fail(\"LAB 01.3: use THING_EXCL\");" -- \
		'return thing_make(path, THING_CREATE | THING_EXCL, 0600);')" \
		"$(region 01.4 "make the thing" "level: 1" "minutes: 5" \
		"hint: thing(7): the flag is THING_CR..." "stub: (void)thing_make;" "stub: return -1;" -- \
		'return thing_make(path, THING_CREATE | THING_EXCL, 0600);')" \
		"$(region 01.5 "make the thing" "level: 1" "minutes: 5" \
		"hint: thing(7)" "stub: return nsl_fail(\"LAB 01.5: thing_make() it\");" -- \
		'return thing_make(path, 0, 0600);')" \
		"$(region 01.6 "make the thing" "level: 1" "minutes: 5" \
		"hint: thing(7)" "stub: return nsl_fail(\"LAB 01.6: thing_make the thing\");" -- \
		'return thing_make(path, 0, 0600);')"
	run --separate-stderr "$LINT" -C "$tree" --only '01.1 01.2 01.3 01.4 01.5 01.6'
	assert_failure 1
	assert_line "lab-lint: 01.1: (b) the task, hints, fail text and stub name 3 of the answer's 3: THING_CREATE THING_EXCL thing_make"
	refute_line --partial 'lab-lint: 01.2: (b)'
	assert_line "lab-lint: 01.3: (b) the stub's strings name the answer: THING_EXCL"
	# THING_CR... names THING_CREATE; what the stub uses is handed over:
	# 1 of 2 is not more than half.
	refute_line --partial 'lab-lint: 01.4:'
	# In a stub's string a call is named as a call; the bare word is English.
	assert_line "lab-lint: 01.5: (b) the stub's strings name the answer: thing_make"
	refute_line --partial "lab-lint: 01.6: (b) the stub's strings"
}

@test "lab-lint.4 (c): level, minutes and a man page are required; the tree needs 26 exercises, one in five a warm-up at most" {
	source_of "$(region 01.1 "make the thing" "hint: no page here" "stub: return -1;" -- 'return thing_make(path, 1, 2);')" \
		"$(region 01.2 "make it" "level: 4" "minutes: soon" "warmup: maybe" "stub: return -1;" -- 'return 0;')" \
		"$(region 01.3 "make it" "level: 1" "minutes: 1" "warmup: yes" "stub: return -1;" -- 'return 0;')"
	run --separate-stderr "$LINT" -C "$tree"
	assert_failure 1
	assert_line 'lab-lint: 01.1: (c) no level: line at 01-x/x.c:3'
	assert_line 'lab-lint: 01.1: (c) no minutes: line at 01-x/x.c:3'
	assert_line 'lab-lint: 01.1: (c) no man page, name(N), in the hints at 01-x/x.c:3'
	assert_line 'lab-lint: 01.2: (c) level: "4", not 1, 2 or 3 at 01-x/x.c:13'
	assert_line 'lab-lint: 01.2: (c) minutes: "soon", not a number at 01-x/x.c:13'
	assert_line 'lab-lint: 01.2: (c) warmup: "maybe" (only "warmup: yes", or no such line) at 01-x/x.c:13'
	assert_line 'lab-lint: 01.2: (c) no man page, name(N), in the hints at 01-x/x.c:13'
	refute_line --partial 'lab-lint: 01.3:'
	assert_line 'lab-lint: all: (tree) 3 exercises; the lab wants at least 26'
	assert_line 'lab-lint: all: (tree) 1 warm-ups of 3 exercises: more than one in five'
	assert_line 'lab-lint: 3 exercises (1 warm-ups), 3 linted, 9 findings'
}

@test "lab-lint.5 the tree: an id twice, a region never closed, an unknown id in --only; bad options exit 2" {
	source_of "$(good 01.1)" "$(good 01.1)"
	printf '\t/* LAB 01.2 x: open\n\t */\n' >>"$tree/01-x/x.c"
	run --separate-stderr "$LINT" -C "$tree" --only '01.1 07.9'
	assert_failure 1
	assert_line --regexp '^lab-lint: 01.1: \(tree\) the id is used twice: 01-x/x.c:3 and 01-x/x.c:[0-9]+$'
	assert_line 'lab-lint: 01.2: (tree) no END LAB after 01-x/x.c:35'
	assert_line 'lab-lint: 07.9: (tree) no such exercise'
	run --separate-stderr "$LINT" -C "$tree" --only 'all of them'
	assert_failure 2
	run --separate-stderr "$LINT" --bogus
	assert_failure 2
	run --separate-stderr "$LINT" --help
	assert_success
	assert_line --partial 'lab-lint.sh [-v]'
}
