#!/usr/bin/env bats
# tests/harness.bats - the harness itself: no check can hang the suite or
# leave a process running (tests/run).
#
# A file of checks that go wrong on purpose, each with a demo that would
# wait for ever (it reads a fifo nobody writes), runs through tests/run
# with a 3 s limit per check. The run must end within a generous bound,
# report each of them failed by name, go on to the checks after them, and
# leave none of their processes: every one carries a token in its
# environment, and /proc must show no process with it afterwards.

load helpers

# The checks that go wrong. FIFO is a fifo nobody ever writes: opening
# it to read waits for ever. (TEST becomes @test: bats would read an
# @test line here as a check of this file.)
fake_checks() {
	sed 's/^TEST /@test /' <<'EOF'
setup() {
	FIFO=$BATS_TEST_TMPDIR/fifo
	mkfifo "$FIFO"
}

TEST "h.1 fails, leaving a demo in a session of its own, holding the output" {
	setsid sh -c 'read x <"$1"' _ "$FIFO" &
	false
}

TEST "h.2 fails, leaving a PID namespace whose init ignores SIGTERM" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	setsid unshare --fork --pid sh -c 'read x <"$1"' _ "$FIFO" &
	false
}

TEST "h.3 its demo waits for ever" {
	run sh -c 'read x <"$1"' _ "$FIFO"
	[ "$status" -eq 0 ]
}

TEST "h.4 waits for ever in the check's own shell" {
	read -r x <"$FIFO"
}

TEST "h.5 passes, leaving a fork of its shell that holds the output" {
	( read -r x <"$FIFO" ) &
}

TEST "h.6 the checks after them run" {
	true
}
EOF
}

# The pids whose environment holds TOKEN.
with_token() { # with_token TOKEN
	grep -lzxF -- "NSLAB_HARNESS=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}

@test "harness.1 checks that hang or leave processes: reported failed by name, ended in time, nothing left" {
	local T=$BATS_TEST_TMPDIR token start took rc=0
	fake_checks >"$T/fake.bats"
	token=$(random_name)
	start=$SECONDS
	# The token reaches the run only: this shell's environment (and so
	# with_token's grep) never holds it. Not on fd 3: a failure here
	# must not hold this run's own output.
	env NSLAB_HARNESS="$token" NSLAB_CHECK_TIMEOUT=3 NSLAB_CHECK_GRACE=2 \
		"$NSLAB_ROOT/tests/run" "$T/fake.bats" >"$T/out" 2>&1 3>&- || rc=$?
	took=$((SECONDS - start))
	cat "$T/out"
	echo "took $took s, status $rc"

	assert_equal "$rc" 1
	# 3 s a check, 2 s of grace, 5 s for a SIGTERM that is ignored:
	# about 20 s; a run that waited for the demos would never end.
	[ "$took" -lt 90 ]

	grep -qx 'not ok 1 h.1 fails, leaving a demo in a session of its own, holding the output' "$T/out"
	grep -qE '^# check 1 left running: [0-9]+ sh -c read x' "$T/out"
	if [ "$(id -u)" -eq 0 ]; then
		grep -qx 'not ok 2 h.2 fails, leaving a PID namespace whose init ignores SIGTERM' "$T/out"
	fi
	grep -qx 'not ok 3 h.3 its demo waits for ever # hung: no result in 3 s' "$T/out"
	grep -qx 'not ok 4 h.4 waits for ever in the check'"'"'s own shell # hung: no result in 3 s' "$T/out"
	grep -qx 'ok 5 h.5 passes, leaving a fork of its shell that holds the output' "$T/out"
	grep -qx 'ok 6 h.6 the checks after them run' "$T/out"
	if [ "$(id -u)" -eq 0 ]; then
		assert_equal "$(tail -n 1 "$T/out")" "2 passed, 4 failed"
	else
		assert_equal "$(tail -n 1 "$T/out")" "2 passed, 3 failed, 1 skipped"
	fi

	# Nothing the fake checks started is left.
	assert_equal "$(with_token "$token")" ""
}
