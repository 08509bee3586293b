#!/usr/bin/env bats
# tests/docs.bats - the docs' own tools on pages of their own:
# scripts/docs-course.sh (quotes of the real sources kept byte for byte,
# a lab exercise's answer never quoted, the course's shape, the word
# limit, the reading time) and scripts/docs-diagrams.sh (a drawing that
# does not parse fails; a changed drawing needs its picture drawn again).
# Needs no root and no build; the pages are written in the test's own
# directory and quote the tree's real sources.

load helpers

COURSE=$BATS_TEST_DIRNAME/../scripts/docs-course.sh
DIAGRAMS=$BATS_TEST_DIRNAME/../scripts/docs-diagrams.sh

# A step page with every part the course asks for; the quote is empty
# until --fix writes it. N_DETAILS questions (default 4).
page() { # page FILE [QUOTE-MARKER] [N_DETAILS]
	local f=$1 marker=${2:-'<!-- docs-quote: 01-uts/main.c child() -->'} n=${3:-4} i
	{
		printf '# 01-x: a page\n\n*Reading time: about 1 minutes.*\n\n'
		printf '## You will learn\n\n- one\n- two\n- three\n\n## Run it\n\n'
		printf '**Predict:** what does it print?\n\n**Predict:** and then?\n\n'
		printf '```mermaid\nsequenceDiagram\n    A->>B: hello\n```\n\n'
		printf '[The drawing as a picture](img/01-x-1.svg)\n\n'
		printf '%s\n```c\n```\n\n## Check yourself\n\n' "$marker"
		for ((i = 1; i <= n; i++)); do
			printf '<details>\n<summary>Question %d?</summary>\n\nAnswer.\n\n</details>\n\n' "$i"
		done
	} >"$f"
}

setup() {
	P=$BATS_TEST_TMPDIR/01-x.md
}

@test "docs: a page with every part, its quote written by --fix, passes; a changed line in the quote fails" {
	page "$P"
	run "$COURSE" --fix "$P"
	assert_success
	assert_output --partial 'quotes written from the sources'
	# the quote is the source's function, byte for byte
	run diff <(awk '/^```c/ { f = 1; next } f && /^```/ { exit } f' "$P") \
		<(sed -n '/^static int child(void \*arg)/,/^}/p' "$BATS_TEST_DIRNAME/../01-uts/main.c")
	assert_success
	run "$COURSE" "$P"
	assert_success
	assert_output --partial '0 findings'
	sed -i 's/show_uts("new UTS namespace/show_uts("a new UTS namespace/' "$P"
	run "$COURSE" "$P"
	assert_failure 1
	assert_output --partial 'the quote of 01-uts/main.c child() differs from the source'
}

@test "docs: a quote that would show a lab exercise's answer is refused; lab: quotes the stub" {
	page "$P" '<!-- docs-quote: 01-uts/main.c /LAB 01.1 clone/,/END LAB/ -->'
	run "$COURSE" --fix "$P"
	assert_failure 1
	assert_output --partial "holds a lab exercise's answer"
	page "$P" '<!-- docs-quote lab: 01-uts/main.c /^static int demo_clone/,/END LAB 01.1/ -->'
	run "$COURSE" --fix "$P"
	run "$COURSE" "$P"
	assert_success
	run grep -c 'TODO' "$P"
	assert_output 1
	# the answer's call is in the reference, not on the page
	grep -q 'proc_clone(child, &d, CLONE_NEWUTS)' "$BATS_TEST_DIRNAME/../01-uts/main.c"
	run grep -c 'proc_clone(child, &d' "$P"
	assert_output 0
}

@test "docs: a quote of lines the source does not have is a finding" {
	page "$P" '<!-- docs-quote: 01-uts/main.c no_such_function() -->'
	run "$COURSE" "$P"
	assert_failure 1
	assert_output --partial 'has no lines no_such_function()'
}

@test "docs: the course's shape: three points, 4 to 6 questions, the last heading, predict prompts" {
	page "$P" '' 3
	"$COURSE" --fix "$P" >/dev/null || true
	run "$COURSE" "$P"
	assert_failure 1
	assert_output --partial 'has 3 <details> with 3 <summary>'
	page "$P"
	"$COURSE" --fix "$P" >/dev/null
	sed -i '/^- three$/d; /^\*\*Predict:\*\* and then/d' "$P"
	printf '\n## Pitfalls\n\nNone.\n' >>"$P"
	run "$COURSE" "$P"
	assert_failure 1
	assert_output --partial '"## You will learn" has 2 points, not 3'
	assert_output --partial '1 "**Predict:**" prompts; at least 2'
	assert_output --partial 'its last "## " heading is not "## Check yourself"'
}

@test "docs: the reading time follows the page's length, and the word limit holds" {
	page "$P"
	"$COURSE" --fix "$P" >/dev/null
	run "$COURSE" "$P"
	assert_success
	# 2,600 words of prose: over the limit, and 13+ minutes to read
	for ((i = 0; i < 260; i++)); do echo "one two three four five six seven eight nine ten"; done >"$BATS_TEST_TMPDIR/words"
	sed -i "/^## Run it\$/r $BATS_TEST_TMPDIR/words" "$P"
	run "$COURSE" "$P"
	assert_failure 1
	assert_output --partial 'words of prose; at most 2500'
	assert_output --regexp 'says [0-9]+ minutes to read; its length says 1[4-9] [(]'
	"$COURSE" --fix "$P" >/dev/null || true
	run grep -c '^\*Reading time: about 1[4-9] minutes\.\*$' "$P"
	assert_output 1
	# and nothing else: the title's number stays
	run head -n 1 "$P"
	assert_output '# 01-x: a page'
}

@test "docs: a drawing that does not parse fails; a changed one needs its picture drawn again" {
	local mmdc=${NSLAB_DIAGRAMS_DIR:-/var/cache/nslab/diagrams}/node_modules/.bin/mmdc
	[ -x "$mmdc" ] && command -v chromium >/dev/null ||
		skip "mermaid-cli or chromium missing (scripts/prereqs.sh diagrams installs them)"
	page "$P"
	run "$DIAGRAMS" --fix "$P"
	assert_success
	assert_output --partial '1 diagrams rendered, 0 findings'
	head -n 1 "$BATS_TEST_TMPDIR/img/01-x-1.svg" | grep -q '^<!-- nslab diagram '
	grep -q '<svg' "$BATS_TEST_TMPDIR/img/01-x-1.svg"
	sed -i 's/A->>B: hello/A->>B: hello again/' "$P"
	run "$DIAGRAMS" "$P"
	assert_failure 1
	assert_output --partial 'diagram 1 changed since'
	sed -i 's/A->>B: hello again/A->>>B: oops(/' "$P"
	run "$DIAGRAMS" "$P"
	assert_failure 1
	assert_output --partial 'diagram 1 does not render'
	assert_output --partial 'Parse error'
}
