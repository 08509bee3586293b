#!/usr/bin/env bats
# Lab checks for 01-uts: a child's hostname is its own, the host's never
# changes. Every check that matters looks from outside: hostname(1) on the
# host, nsenter(1) into the running child, /proc/PID/ns/uts.

load helpers


setup() {
	UTS=$NSLAB_BIN/01-uts
	host_snapshot
}

# Start 01-uts in the background with a command that reports its pid on a
# fifo and then waits on a second fifo; sets $demo (the demo's pid) and
# $inner (the command's pid as the host sees it).
start_paused() { # start_paused [01-uts options...]
	mkfifo "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down"
	"$UTS" "$@" -- sh -c 'echo $$ >"$1"; read x <"$2"' _ \
		"$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down" \
		2>"$BATS_TEST_TMPDIR/stderr" &
	demo=$!
	fifo_read inner "$BATS_TEST_TMPDIR/up" ||
		fail "01-uts never ran its command: $(cat "$BATS_TEST_TMPDIR/stderr")"
}

resume() {
	echo go >"$BATS_TEST_TMPDIR/down"
}

@test "01.1 the child's hostname is the one given with -n; the host keeps its own" {
	need_root
	name=$(random_name)
	run --separate-stderr "$UTS" -n "$name" -- hostname
	assert_success
	assert_output "$name"
	[ "$(hostname)" != "$name" ]
	assert_host_unchanged
}

@test "01.2 seen from outside: nsenter into the live child reads its name" {
	need_root
	need_cmd nsenter util-linux
	name=$(random_name)
	start_paused -n "$name"
	# The host's tools, not the demo, tell what the child's namespace holds.
	inside=$(nsenter -t "$inner" -u hostname)
	child_ns=$(ns_of uts "$inner")
	resume
	wait "$demo"
	[ "$inside" = "$name" ]
	[ "$child_ns" != "$(ns_of uts 1)" ]
	[ "$(hostname)" != "$name" ]
	assert_host_unchanged
}

@test "01.3 the narration shows both ids, and they differ" {
	need_root
	run --separate-stderr "$UTS" -- readlink /proc/self/ns/uts
	assert_success
	host_id=$(readlink /proc/self/ns/uts)
	# The command's own view (stdout) is not the host's namespace ...
	[ -n "$output" ]
	[ "$output" != "$host_id" ]
	# ... and the narration names both, truthfully: the host's line shows
	# the namespace this test runs in, the child's the one readlink saw.
	said_by host | grep -F "my hostname is still \"$(hostname)\", $host_id"
	said_by child | grep -F "hostname is now \"nslab-01\", $output"
	assert_host_unchanged
}

@test "01.4 --unshare moves the demo itself: the command it becomes has a namespace and a name of its own; the witness stays behind" {
	need_root
	need_cmd nsenter util-linux
	name=$(random_name)
	start_paused --unshare -n "$name"
	# The demo itself moved and became the command: one pid, no child.
	assert_equal "$inner" "$demo"
	inside=$(nsenter -t "$inner" -u hostname)
	moved_ns=$(ns_of uts "$inner")
	resume
	wait "$demo"
	assert_equal "$inside" "$name"
	[ "$moved_ns" != "$(ns_of uts 1)" ]
	[ "$(hostname)" != "$name" ]
	stderr=$(cat "$BATS_TEST_TMPDIR/stderr")
	said_by witness | grep -F "my hostname is still \"$(hostname)\""
	assert_host_unchanged
}

@test "01.5 a 64-byte hostname is accepted, and used" {
	need_root
	name=$(printf 'h%.0s' $(seq 64))
	run --separate-stderr "$UTS" -q -n "$name" -- hostname
	assert_success
	assert_output "$name"
	assert_host_unchanged
}

@test "01.6 the command's exit status becomes the demo's" {
	need_root
	run "$UTS" -q -- sh -c 'exit 7'
	assert_equal "$status" 7
	run "$UTS" -q -- sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	run -127 "$UTS" -q -- /nonexistent/command
	printf 'data\n' >"$BATS_TEST_TMPDIR/plain"
	chmod 644 "$BATS_TEST_TMPDIR/plain"
	run -126 "$UTS" -q -- "$BATS_TEST_TMPDIR/plain"
	assert_host_unchanged
}

@test "01.7 -q leaves stderr empty and stdout to the command" {
	need_root
	run --separate-stderr "$UTS" -q -- echo payload
	assert_success
	assert_output payload
	assert_equal "$stderr" ""
}

@test "01.8 SIGTERM to the demo ends the child too, with status 143" {
	need_root
	start_paused
	kill -TERM "$demo"
	# The demo passes the signal to the child and waits for it: nothing is
	# left running, and no fifo write is needed to end it.
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 143
	[ ! -d "/proc/$inner" ]
	assert_host_unchanged
}

@test "01.9 without privilege: one error with a hint, status 1, host untouched" {
	need_cmd setpriv util-linux
	run --separate-stderr as_unprivileged "$UTS"
	assert_failure 1
	grep -F 'error: clone(CLONE_NEWUTS|SIGCHLD): Operation not permitted' <<<"$stderr"
	grep -F 'hint:' <<<"$stderr"
	assert_host_unchanged
}

@test "01.10 bad input: one line, status 2, no namespace made" {
	for args in "-x" "-n" "--hostname" "--bogus" "-n ''" \
		"-n $(printf 'a%.0s' $(seq 65))"; do
		eval "run --separate-stderr \"\$UTS\" $args"
		assert_equal "$status" 2
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_equal "$output" ""
		refute grep -q clone <<<"$stderr"
	done
	run --separate-stderr "$UTS" -n "$(printf 'a%.0s' $(seq 65))"
	assert_equal "$stderr" "01-uts: hostname \"$(printf 'a%.0s' $(seq 65))\" is 65 bytes; it must be 1 to 64 (try '01-uts --help')"
}

@test "01.11 --help prints usage on stdout and exits 0" {
	run --separate-stderr "$UTS" --help
	assert_success
	assert_line --partial 'Usage: 01-uts'
	assert_equal "$stderr" ""
}
