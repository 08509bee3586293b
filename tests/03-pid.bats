#!/usr/bin/env bats
# Lab checks for 03-pid: the child of clone(CLONE_NEWPID) is PID 1 to
# itself and an ordinary pid to the host; PID 1 adopts and reaps orphans,
# gets only the signals it asked for, and takes its namespace with it when
# it dies; namespaces nest; unshare(CLONE_NEWPID) moves only the children.
# Where it can, a check looks from outside, in the host's /proc (NSpid,
# PPid, whether a pid still exists), while the command inside is held on a
# fifo - never with sleep.

load helpers

setup() {
	PIDNS=$NSLAB_BIN/03-pid
	T=$BATS_TEST_TMPDIR
	demo=
	host_snapshot
}

# A check that failed halfway may leave its demo waiting on a fifo. SIGKILL
# to the demo ends it all: its init dies by PR_SET_PDEATHSIG, and the
# namespace with its init.
teardown() {
	if [ -n "$demo" ] && [ "$(readlink "/proc/$demo/exe" 2>/dev/null)" = "$PIDNS" ]; then
		kill -KILL "$demo"
	fi
}

# --- looking from outside ------------------------------------------------------

# The pids of PID at each level, outermost first: "4243 1".
nspid_of() { # nspid_of PID
	awk '$1 == "NSpid:" { $1 = ""; sub(/^ +/, ""); print }' "/proc/$1/status"
}

# Start 03-pid in the background with a command that writes its own pid
# (as it sees it) to the fifo "up", then blocks until a line arrives on
# "down". Sets $demo (the demo's pid), $inside (what the command wrote)
# and $init (the namespace's PID 1, as the host numbers it).
start_paused() { # start_paused [03-pid options...]
	mkfifo "$T/up" "$T/down"
	"$PIDNS" "$@" -- sh -c 'echo $$ >"$1"; read x <"$2"' _ "$T/up" "$T/down" \
		2>"$T/stderr" &
	demo=$!
	fifo_read inside "$T/up"
	init=$(children_of "$demo")
}

resume() {
	echo go >"$T/down"
}

# Wait for the background demo; its exit status lands in $status. A guard
# SIGKILLs a demo still running after 10 s, so a broken demo fails the
# check (status 137) instead of hanging the suite; it never acts on a demo
# that works. The guard runs in a session of its own, so one SIGKILL to its
# group ends it and its sleep together, and no trap inherited from bats
# runs in it.
wait_demo() {
	local guard
	setsid bash -c 'sleep 10; kill -KILL "$1"' _ "$demo" >/dev/null 2>&1 3>&- 4>&- &
	guard=$!
	status=0
	wait "$demo" || status=$?
	kill -KILL -- "-$guard" "$guard" 2>/dev/null || true
	wait "$guard" 2>/dev/null || true
}

# --- lesson 1: PID 1 inside, a real pid outside --------------------------------

@test "03.1 inside, the command is PID 1 and its parent is 0 (-q: stdout is the command's alone)" {
	need_root
	run --separate-stderr "$PIDNS" -q -- sh -c 'echo $$ $PPID'
	assert_success
	assert_output "1 0"
	assert_equal "$stderr" ""
	# Under nslab's init the command is its child: PID 2, parent 1.
	run --separate-stderr "$PIDNS" -q --init -- sh -c 'echo $$ $PPID'
	assert_success
	assert_output "2 1"
	assert_equal "$stderr" ""
	assert_host_unchanged
}

@test "03.2 outside, the same process has a real pid: NSpid in the host's /proc" {
	need_root
	start_paused
	assert_equal "$inside" 1
	# The host's /proc names the child by its host pid and lists both.
	[ -n "$init" ]
	[ "$init" -gt 1 ]
	assert_equal "$(nspid_of "$init")" "$init 1"
	[ "$(ns_of pid "$init")" != "$(ns_of pid)" ]
	resume
	wait_demo
	assert_equal "$status" 0
	# The narration tells the same story with the same numbers.
	stderr=$(cat "$T/stderr")
	said_by host | grep -F "clone(CLONE_NEWPID|SIGCHLD) = $init"
	said_by host | grep -F "NSpid: $init 1"
	said_by init | grep -F "getpid() = 1, getppid() = 0"
	assert_host_unchanged
}

# --- lesson 2: orphans -------------------------------------------------------------

@test "03.3 an orphan is re-parented to PID 1 (its PPid in the host's /proc) and dies with the namespace" {
	need_root
	mkfifo "$T/up" "$T/hold" "$T/never"
	# The middle process starts the orphan-to-be, prints its pid and exits;
	# the orphan lets go of the middle's stdout at once (or the $(...)
	# below would wait for it too) and blocks on a fifo nobody writes.
	cat >"$T/middle" <<-'EOF'
		sh -c 'exec >/dev/null 2>&1; read x <"$1"' _ "$1" &
		echo $!
	EOF
	# PID 1 is the command itself (no --init): $(...) reaps the middle,
	# so the orphan's parent is gone before PID 1 reports the orphan's
	# pid; then PID 1 waits on "hold".
	"$PIDNS" -q -- sh -c 'orphan=$(sh "$4" "$2"); echo "$orphan" >"$1"; exec cat "$3"' \
		_ "$T/up" "$T/never" "$T/hold" "$T/middle" >"$T/out" 2>"$T/stderr" &
	demo=$!
	fifo_read orphan "$T/up"
	init=$(children_of "$demo")
	[ -n "$init" ]
	assert_equal "$(nspid_of "$init")" "$init 1"
	# Among PID 1's children, as the host's /proc tells them, the one
	# whose innermost pid is the one PID 1 reported.
	host_orphan=
	for p in $(children_of "$init"); do
		case "$(nspid_of "$p")" in *" $orphan") host_orphan=$p ;; esac
	done
	[ -n "$host_orphan" ]
	assert_equal "$(nspid_of "$host_orphan")" "$host_orphan $orphan"
	assert_equal "$(awk '$1 == "PPid:" { print $2 }' "/proc/$host_orphan/status")" "$init"
	# PID 1 ends (cat reads the end of "hold"): the kernel kills every
	# other process of the namespace before the demo learns of it.
	echo go >"$T/hold"
	wait_demo
	assert_equal "$status" 0
	[ ! -e "/proc/$host_orphan" ]
	assert_host_unchanged
}

@test "03.4 nslab's init (--init) reaps an orphan of the command, seen from the host" {
	need_root
	mkfifo "$T/up" "$T/down" "$T/hold" "$T/err"
	# The middle process starts the orphan-to-be, prints its pid, exits.
	# (The orphan lets go of the middle's stdout at once, or the $(...)
	# below would wait for it too.)
	cat >"$T/middle" <<-'EOF'
		sh -c 'exec >/dev/null 2>&1; read x <"$1"' _ "$1" &
		echo $!
	EOF
	# The command (PID 2) runs the middle; $(...) reaps it, so the orphan's
	# parent is gone before the command reports the orphan's pid and
	# waits on "hold".
	"$PIDNS" --init -- sh -c 'orphan=$(sh "$4" "$2"); echo "$orphan" >"$1"; read y <"$3"' \
		_ "$T/up" "$T/down" "$T/hold" "$T/middle" 2>"$T/err" &
	demo=$!
	exec 4<"$T/err"
	fifo_read orphan "$T/up"
	init=$(children_of "$demo")
	# Among the init's children, the one whose innermost pid is $orphan.
	for p in $(children_of "$init"); do
		case "$(nspid_of "$p")" in *" $orphan") host_orphan=$p ;; *) cmd=$p ;; esac
	done
	[ -n "$host_orphan" ]
	[ -n "$cmd" ]
	assert_equal "$(nspid_of "$host_orphan")" "$host_orphan $orphan"
	# Let the orphan exit, and follow the init's narration until it says
	# it reaped it (the timeout only turns a broken init into a failure).
	resume
	while read -r -t 10 line <&4; do
		case "$line" in *"] reaped $orphan (status 0)") break ;; esac
	done
	[[ "$line" == *"reaped $orphan (status 0)" ]]
	# Reaped, not a zombie: gone from /proc, while the command still runs.
	[ ! -e "/proc/$host_orphan" ]
	[ -e "/proc/$cmd" ]
	echo go >"$T/hold"
	wait_demo
	assert_equal "$status" 0
	cat <&4 >/dev/null
	assert_host_unchanged
}

# --- lesson 3: signals ---------------------------------------------------------------

@test "03.5 SIGTERM and SIGKILL from inside do not reach PID 1; SIGKILL from the host does" {
	need_root
	run --separate-stderr "$PIDNS" --only signals
	assert_success
	said_by init | grep -F "SIGTERM: no handler, not blocked"
	said_by worker | grep -F "kill(1, SIGTERM) = 0, kill(1, SIGKILL) = 0"
	assert_equal "$(said_by init | grep -c 'still here')" 2
	said_by host | grep -E "waitpid\([0-9]+\): status 137, killed by SIGKILL"
	said_by host | grep -E "the worker \([0-9]+ here\): kill\([0-9]+, 0\): No such process"
	# From outside: a shell as PID 1 survives kill -TERM and kill -KILL of
	# itself. The same command ends with 143 as PID 2, under --init.
	run --separate-stderr "$PIDNS" -q -- sh -c 'kill -TERM $$; kill -KILL $$; echo still here'
	assert_success
	assert_output "still here"
	run --separate-stderr "$PIDNS" -q --init -- sh -c 'kill -TERM $$; echo not reached'
	assert_equal "$status" 143
	assert_output ""
	assert_host_unchanged
}

@test "03.6 SIGKILL from the host to PID 1 kills every process in the namespace" {
	need_root
	mkfifo "$T/up" "$T/down"
	# PID 1 starts a second process, which reports its pid; both block on
	# "down", which nobody writes: only a signal can end them.
	"$PIDNS" -q -- sh -c 'sh -c "echo \$\$ >\"\$1\"; read x <\"\$2\"" _ "$1" "$2" &
		read y <"$2"' _ "$T/up" "$T/down" &
	demo=$!
	fifo_read second "$T/up"
	init=$(children_of "$demo")
	other=$(children_of "$init")
	assert_equal "$(nspid_of "$other")" "$other $second"
	kill -KILL "$init"
	wait_demo
	# The command's status passed on: 128 + SIGKILL.
	assert_equal "$status" 137
	if [ -e "/proc/$other" ]; then
		kill -KILL "$other"
		false "the second process outlived its init"
	fi
	assert_host_unchanged
}

# --- lesson 4: nesting -------------------------------------------------------------------

@test "03.7 nesting: a process in a namespace in a namespace has three pids" {
	need_root
	run --separate-stderr "$PIDNS" --only nested
	assert_success
	said_by inner | grep -F "getpid() = 1, getppid() = 0"
	said_by init | grep -F "clone(CLONE_NEWPID|SIGCHLD) = 2"
	said_by host | grep -E "NSpid: [0-9]+ 2 1: one process, 3 pids"
	# From outside: 03-pid inside 03-pid, the command two levels down.
	mkfifo "$T/up" "$T/down"
	"$PIDNS" -q -- "$PIDNS" -q -- sh -c 'echo $$ >"$1"; read x <"$2"' _ "$T/up" "$T/down" &
	demo=$!
	fifo_read inside "$T/up"
	outer=$(children_of "$demo")
	cmd=$(children_of "$outer")
	resume_nspid=$(nspid_of "$cmd")
	resume
	wait_demo
	assert_equal "$status" 0
	assert_equal "$inside" 1
	assert_equal "$resume_nspid" "$cmd 2 1"
	assert_host_unchanged
}

# --- lesson 5: the unshare(CLONE_NEWPID) rule -------------------------------------------

@test "03.8 --pitfall: after unshare, PID 1 is the first child; once it exits, fork fails with ENOMEM" {
	need_root
	run --separate-stderr "$PIDNS" --only pitfall
	assert_success
	helper=$(said_by helper | head -1 | sed 's/^\[helper *\([0-9]*\)\].*/\1/')
	[ "$helper" -gt 1 ]
	said_by helper | grep -F "getpid() is still $helper: the caller does not move"
	said_by helper | grep -F "pid_for_children is unreadable"
	said_by first | grep -F "getpid() = 1, getppid() = 0"
	said_by helper | grep -E "with PID 1 alive: /proc/self/ns/pid is $(readlink /proc/self/ns/pid | sed 's/[][]/\\&/g'), pid_for_children is pid:\[[0-9]+\]"
	said_by helper | grep -Fx "[helper $helper] error: fork(): Cannot allocate memory"
	said_by helper | grep -F "hint: after unshare(CLONE_NEWPID) only the first child becomes PID 1"
	assert_host_unchanged
}

# --- lesson 6: /proc -------------------------------------------------------------------

@test "03.9 /proc inside is the host's: ps would list every host process" {
	need_root
	run --separate-stderr "$PIDNS" --only proc
	assert_success
	said_by init | grep -E "^\[init +1\] 2 of them are in my namespace"
	self=$(said_by init | sed -n 's/.*readlink("\/proc\/self") = "\([0-9]*\)", yet getpid() = 1$/\1/p')
	[ "$self" -gt 1 ]
	# From outside: the command is PID 1, yet /proc/1 is the host's init.
	run --separate-stderr "$PIDNS" -q -- cat /proc/1/comm
	assert_success
	assert_output "$(cat /proc/1/comm)"
	assert_host_unchanged
}

# --- the demo as a whole -------------------------------------------------------------------

@test "03.10 SIGTERM to the demo while the command blocks: 143, nothing left, with and without --init" {
	need_root
	# The command is PID 1 and has no handler: the kernel would drop a
	# SIGTERM, so the demo ends the namespace with SIGKILL.
	start_paused
	kill -TERM "$demo"
	wait_demo
	assert_equal "$status" 143
	[ ! -e "/proc/$init" ]
	stderr=$(cat "$T/stderr")
	said_by host | grep -F "PID 1 ($init) has no handler for SIGTERM, so the kernel would drop it: SIGKILL"
	# Under --init, PID 1 takes SIGTERM and passes it on to the command.
	rm "$T/up" "$T/down"
	start_paused --init
	assert_equal "$inside" 2
	cmd=$(children_of "$init")
	[ -n "$cmd" ]
	kill -TERM "$demo"
	wait_demo
	assert_equal "$status" 143
	[ ! -e "/proc/$init" ]
	[ ! -e "/proc/$cmd" ]
	stderr=$(cat "$T/stderr")
	said_by host | grep -F "passing SIGTERM on to PID 1 ($init)"
	said_by init | grep -F "passed SIGTERM on to 2"
	said_by init | grep -F "reaped 2 (status 143)"
	assert_host_unchanged
}

@test "03.11 the command's status becomes the demo's, with and without --init" {
	need_root
	for mode in "" --init; do
		run "$PIDNS" -q $mode -- sh -c 'exit 7'
		assert_equal "$status" 7
		run -127 "$PIDNS" -q $mode -- /nonexistent/command
		printf 'data\n' >"$T/plain"
		chmod 644 "$T/plain"
		run -126 "$PIDNS" -q $mode -- "$T/plain"
	done
	# 128 + signal: the command is PID 2 here, so its SIGTERM to itself counts.
	run "$PIDNS" -q --init -- sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	assert_host_unchanged
}

@test "03.12 --init: once the command exits, the init kills and reaps what is left" {
	need_root
	mkfifo "$T/never"
	# The command leaves a process behind that blocks on a fifo nobody
	# writes, and exits 3. (timeout: a guard against an init that hangs.)
	run --separate-stderr timeout -s KILL 10 "$PIDNS" --init -- \
		sh -c 'read x >/dev/null 2>&1 <"$1" & exit 3' _ "$T/never"
	assert_equal "$status" 3
	# From outside: nothing holds the fifo any more.
	assert_equal "$(find /proc/[0-9]*/fd -lname "$T/never" 2>/dev/null)" ""
	# The kernel itself would kill what is left once PID 1 exits, so only
	# the init's report tells its kill from the kernel's: the events
	# pidns_init() hands to its caller (07's init reports them the same
	# way).
	said_by init | grep -F "the command is gone: SIGKILL to every process left here"
	said_by init | grep -F "reaped 3 (status 137)"
	assert_host_unchanged
}

@test "03.13 the whole demo, with --pitfall: every lesson runs, the only error is the lesson's" {
	need_root
	run --separate-stderr "$PIDNS" --pitfall
	assert_success
	for lesson in orphans signals nesting "the unshare(CLONE_NEWPID) rule" "why ps"; do
		said_by host | grep -F "== $lesson"
	done
	assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
	grep -F 'error: fork(): Cannot allocate memory' <<<"$stderr"
	assert_host_unchanged
}

@test "03.14 without privilege: one error with a hint, status 1, host untouched" {
	need_cmd setpriv util-linux
	run --separate-stderr as_unprivileged "$PIDNS"
	assert_failure 1
	grep -F 'error: clone(CLONE_NEWPID|SIGCHLD): Operation not permitted' <<<"$stderr"
	assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
	grep -F 'hint: creating a namespace needs CAP_SYS_ADMIN' <<<"$stderr"
	run --separate-stderr as_unprivileged "$PIDNS" --only pitfall
	assert_failure 1
	grep -F 'error: unshare(CLONE_NEWPID): Operation not permitted' <<<"$stderr"
	grep -F 'hint:' <<<"$stderr"
	assert_host_unchanged
}

@test "03.15 bad input: one line, status 2, no namespace made; --help: usage on stdout, 0" {
	# shellcheck disable=SC2086 # $args holds several words: split on purpose
	for args in "-x" "--only" "--only bogus" "--bogus" "--init" \
		"--only pid1 -- true" "--pitfall -- true" "--unshare" "--unshare --init -- true" \
		"--unshare --only pid1 -- true"; do
		run --separate-stderr "$PIDNS" $args
		assert_equal "$status" 2
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_equal "$output" ""
		refute grep -q clone <<<"$stderr"
	done
	run --separate-stderr "$PIDNS" --help
	assert_success
	assert_line --partial 'Usage: 03-pid'
	assert_equal "$stderr" ""
}

@test "03.16 --unshare: the command is the demo's child and PID 1 of a new namespace; the demo stays, its children go" {
	need_root
	mkfifo "$T/up" "$T/down"
	# Two commands before the fifo: after unshare() without a fork, the
	# second would fail with ENOMEM (the first, PID 1, is gone by then).
	"$PIDNS" --unshare -- sh -c '/bin/true; /bin/true; echo $$ >"$1"; read x <"$2"; exit 5' \
		_ "$T/up" "$T/down" 2>"$T/stderr" &
	demo=$!
	# No word from the command: what the demo and the command said.
	fifo_read inside "$T/up" || { cat "$T/stderr"; false; }
	assert_equal "$inside" 1
	cmd=$(children_of "$demo")
	[ -n "$cmd" ]
	assert_equal "$(nspid_of "$cmd")" "$cmd 1"
	[ "$(ns_of pid "$cmd")" != "$(ns_of pid)" ]
	# The lesson itself, read from outside: the demo did not move; the
	# namespace it asked for is the one its children are born in.
	assert_equal "$(ns_of pid "$demo")" "$(ns_of pid)"
	assert_equal "$(ns_of pid_for_children "$demo")" "$(ns_of pid "$cmd")"
	resume
	wait_demo
	assert_equal "$status" 5
	refute grep -qi 'cannot allocate memory\|cannot fork' "$T/stderr"
	[ ! -e "/proc/$cmd" ]
	assert_host_unchanged
}

