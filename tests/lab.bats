#!/usr/bin/env bats
# Checks of the lab's machinery: scripts/mklab.sh (--stubbed, --solve,
# --ex, --from), tests/run's NSLAB_EX and LAB lines, make check-NN EX=
# and LAB=1. They read what was made from outside: the files of the
# trees against the reference sources, exit codes, bats' own plan and
# result lines. One lab is made and built for the whole file (setup_file,
# about 30 s); each check then takes seconds.

load helpers

mklab() { "$NSLAB_ROOT/scripts/mklab.sh" "$@"; }

# The lines of exercise ID's region in FILE, from its LAB line to the
# END LAB after it (the markers as a lab writes them).
region() { # region FILE ID
	awk -v id="$2" '
		$0 ~ "^[ \t]*/[*] LAB " id " " { on = 1 }
		on { print }
		on && /^[ \t]*\/[*] END LAB( [0-9.]+)? [*]\/[ \t]*$/ { exit }' "$1"
}

# The reference solution of exercise ID: the lines between the end of
# its LAB comment and END LAB in the reference sources.
reference() { # reference FILE ID
	awk -v id="$2" '
		$0 ~ "^[ \t]*/[*] LAB " id " " { head = 1; next }
		head && /[*]\/[ \t]*$/ { head = 0; body = 1; next }
		body && /^[ \t]*\/[*] END LAB [*]\/[ \t]*$/ { exit }
		body { print }' "$NSLAB_ROOT/$1"
}

ids() { mklab --list | cut -f1; }
file_of() { mklab --list | awk -F'\t' -v id="$1" '$1 == id "" { print $3 }'; }
checks_of() { mklab --list | awk -F'\t' -v id="$1" '$1 == id "" { print $4 }'; }

setup_file() {
	# The fresh skeleton, every region a stub: what a stub looks like.
	mklab --tree "$BATS_FILE_TMPDIR/skel" all
	# A lab from step 04, made and built as a learner's would be.
	make -s -C "$NSLAB_ROOT" lab FROM=04 LAB_DIR="$BATS_FILE_TMPDIR/from04" \
		>"$BATS_FILE_TMPDIR/from04.out" 2>&1
	rc=0
	make -s -C "$BATS_FILE_TMPDIR/from04" WERROR=1 >"$BATS_FILE_TMPDIR/from04.build" 2>&1 || rc=$?
	echo "$rc" >"$BATS_FILE_TMPDIR/from04.rc"
}

@test "lab.1 --stubbed on a fresh lab lists every exercise; each region is its stub" {
	lab=$BATS_TEST_TMPDIR/lab
	run mklab "$lab"
	assert_success
	run mklab --stubbed "$lab"
	assert_success
	assert_output "$(ids)"
	for id in $(ids); do
		f=$(file_of "$id")
		grep -qE "^[[:space:]]*/\* LAB $id [^ ]+ - TODO" "$lab/$f"
		[ "$(region "$lab/$f" "$id")" = "$(region "$BATS_FILE_TMPDIR/skel/$f" "$id")" ]
	done
}

@test "lab.2 --solve puts the reference in and keeps the learner's code; --ex puts the stub back" {
	lab=$BATS_TEST_TMPDIR/lab
	mklab "$lab" >/dev/null
	id=03.2 f=$(file_of 03.2)
	ref=$(reference "$f" "$id")
	[ -n "$ref" ]
	# The learner's attempt: a line after the TODO comment.
	awk -v id="$id" '{ print } $0 ~ "/[*] LAB " id " " { on = 1 }
		on && /[*]\/[ \t]*$/ { print "\t/* my attempt */"; on = 0 }' \
		"$lab/$f" >"$BATS_TEST_TMPDIR/edited"
	cp "$BATS_TEST_TMPDIR/edited" "$lab/$f"

	run mklab --solve "$id" "$lab"
	assert_success
	assert_output --partial "$lab/.lab-saved/$id.c"
	solved=$(region "$lab/$f" "$id")
	[[ $solved == *"$ref"* ]]
	[[ $solved != *"my attempt"* ]]
	grep -qF '/* my attempt */' "$lab/.lab-saved/$id.c"
	run mklab --stubbed "$lab"
	assert_success
	assert_output "$(ids | grep -vx "$id")"

	# Back to the stub: the whole file is the skeleton's again, and the
	# reference is not kept as the learner's.
	run mklab --ex "$id" "$lab"
	assert_success
	refute_output --partial ".lab-saved"
	cmp "$lab/$f" "$BATS_FILE_TMPDIR/skel/$f"
	grep -qF '/* my attempt */' "$lab/.lab-saved/$id.c"
	run mklab --stubbed "$lab"
	assert_output "$(ids)"
	run mklab --solve 99.9 "$lab"
	assert_failure 2
	assert_output --partial "no exercise 99.9"
}

@test "lab.3 make lab FROM=04: 01-03 solved, 04 on stubs, and the lab builds with -Werror" {
	lab=$BATS_FILE_TMPDIR/from04
	[ "$(cat "$BATS_FILE_TMPDIR/from04.rc")" = 0 ] ||
		fail "the lab does not build: $(tail -20 "$BATS_FILE_TMPDIR/from04.build")"
	for s in 01-uts 03-pid 04-mount 07-full-container 07-mini; do
		[ -x "$lab/bin/$s" ]
	done
	todo=0 solved=0
	for id in $(ids); do
		f=$(file_of "$id")
		if [ "$((10#${id%%.*}))" -lt 4 ]; then
			[[ $(region "$lab/$f" "$id") == *"$(reference "$f" "$id")"* ]] ||
				fail "$id is not solved in $lab/$f"
			solved=$((solved + 1))
		else
			[ "$(region "$lab/$f" "$id")" = "$(region "$BATS_FILE_TMPDIR/skel/$f" "$id")" ] ||
				fail "$id is not its stub in $lab/$f"
			todo=$((todo + 1))
		fi
	done
	[ "$solved" -gt 0 ] && [ "$todo" -gt 0 ]
	grep -qF "$todo to do, $solved solved for you" "$BATS_FILE_TMPDIR/from04.out"
	run mklab --stubbed "$lab"
	assert_output "$(ids | awk -F. '$1 >= 4')"
}

@test "lab.4 NSLAB_EX=01.3: tests/run runs exactly the checks that 01.3 names" {
	need_root
	[ -x "$NSLAB_BIN/01-uts" ] || fail "build first: make"
	want=$(checks_of 01.3 | tr ' ' '\n' | sort)
	[ -n "$want" ]
	run env NSLAB_EX=01.3 "$NSLAB_ROOT/tests/run" tests/01-uts.bats
	assert_success
	assert_line "1..$(wc -l <<<"$want")"
	ran=$(sed -n 's/^\(not \)\{0,1\}ok [0-9]* \([^ ]*\) .*/\2/p' <<<"$output" | sort)
	[ "$ran" = "$want" ]
}

@test "lab.5 EX= refused: an unknown exercise (exit 2), one of another step; nothing runs" {
	run env NSLAB_EX=09.9 "$NSLAB_ROOT/tests/run" tests/01-uts.bats
	assert_failure 2
	assert_output --partial "no exercise 09.9"
	refute_line --regexp '^1\.\.'
	run make -s -C "$NSLAB_ROOT" check-01 EX=03.2
	assert_failure
	assert_output --partial "EX=03.2 is not an exercise of step 01"
	refute_line --regexp '^(1\.\.|ok |not ok )'
}

@test "lab.6 make check-01 LAB=1, 01.1 and 01.2 solved: names 01.3, still a stub, never 01.1" {
	need_root
	[ "$(cat "$BATS_FILE_TMPDIR/from04.rc")" = 0 ] || fail "the lab does not build"
	lab=$BATS_TEST_TMPDIR/lab
	cp -a "$BATS_FILE_TMPDIR/from04" "$lab"
	mklab --ex 01.3 "$lab" >/dev/null
	# make's /bin/sh drops the function bats exports for the bats it puts
	# first in PATH; a learner's make finds the plain bats, as here.
	run --separate-stderr env PATH="${PATH//"$BATS_LIBEXEC:"/}" \
		make -s -C "$NSLAB_ROOT" check-01 LAB=1 WERROR=1 LAB_DIR="$lab"
	assert_failure
	# bats' results: a check 01.3 names failed.
	failed=$(sed -n 's/^not ok [0-9]* \([^ ]*\) .*/\1/p' <<<"$output")
	for c in $failed; do [[ " $(checks_of 01.3) " == *" $c "* ]] || fail "$c failed"; done
	[ -n "$failed" ] || fail "no failed check: $output $stderr"
	assert_line --regexp "^LAB 01\.3 \(still a stub\): .*\(failed: $(paste -sd' ' <<<"$failed")\)$"
	refute_line --regexp '^LAB 01\.1 '
	[[ ${lines[-1]} =~ ^[0-9]+\ passed,\ [0-9]+\ failed ]]
}

@test "lab.7 LAB lines: the stubs that name a failed check, else the learner's code, then the rest" {
	# A suite of two failing checks: one of 01.3's, one no exercise names.
	c=$(checks_of 01.3 | cut -d' ' -f1)
	suite=$BATS_TEST_TMPDIR/fake.bats
	{
		printf '@test "%s fails" { false; }\n' "$c"
		printf '@test "99.1 fails too" { false; }\n'
	} >"$suite"
	stubs=$(mklab --list | awk -F'\t' -v c="$c" '(" " $4 " ") ~ (" " c " ") { print $1 }')
	lab=$BATS_TEST_TMPDIR/lab
	mklab "$lab" >/dev/null
	run env NSLAB_LAB=1 NSLAB_BIN="$lab/bin" "$NSLAB_ROOT/tests/run" "$suite"
	assert_failure 1
	for id in $stubs; do
		assert_line --regexp "^LAB ${id//./\\.} \(still a stub\): .* \(failed: $c\)$"
	done
	assert_line "LAB: failed too: 99.1 - no exercise left to do names these; they need the exercises above"
	assert_equal "${lines[-1]}" "0 passed, 2 failed"

	# Step 01 solved, then 01.3 edited by the learner: only 01.3 is named.
	mklab --force --from 02 "$lab" >/dev/null
	f=$(file_of 01.3)
	awk '{ print } /[*] LAB 01\.3 / { on = 1 } on && /[*]\/[ \t]*$/ { print "\t/* mine */"; on = 0 }' \
		"$lab/$f" >"$BATS_TEST_TMPDIR/edited"
	cp "$BATS_TEST_TMPDIR/edited" "$lab/$f"
	run env NSLAB_LAB=1 NSLAB_BIN="$lab/bin" "$NSLAB_ROOT/tests/run" "$suite"
	assert_line --regexp "^LAB 01\.3 \(your code\): .* \(failed: $c\)$"
	[ "$(grep -c '^LAB 0' <<<"$output")" = 1 ]
}
