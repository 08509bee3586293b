#!/usr/bin/env bats
# Lab checks for 06-setns: joining a running process's namespaces. The
# targets are made by util-linux unshare(1) as well as by nslab, and the
# joins are checked from outside: the command's own /proc/self/ns links
# against the target's as the host reads them, and util-linux nsenter(1)
# and lsns(8) against 06-setns. Targets wait on fifos, never on sleep.

load helpers

setup() {
	SETNS=$NSLAB_BIN/06-setns
	T=$BATS_TEST_TMPDIR
	started=()
	# A directory nobody can use too (the bats directories are root's
	# alone); made before the snapshot, removed in teardown.
	work=$(mktemp -d "${TMPDIR:-/tmp}/nslab-06-check.XXXXXX")
	chmod 1777 "$work"
	host_snapshot
}

# A check that failed halfway may leave a target waiting on its fifo.
teardown() {
	local p
	for p in "${started[@]}"; do
		[ ! -e "/proc/$p" ] || kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}

# Start a target: COMMAND... followed by a shell that names its host NAME
# (unless NAME is empty), says "ready" on $work/up and waits for a line on
# $work/down. COMMAND is util-linux unshare with its options, maybe run
# by setpriv as nobody. Sets $outer (COMMAND's pid) and $target (the
# shell's pid as the host numbers it: COMMAND's child after unshare -f,
# COMMAND itself when it execs its way to the shell).
start_target() { # start_target NAME COMMAND...
	local name=$1
	shift
	mkfifo -m 666 "$work/up" "$work/down"
	"$@" sh -c 'if [ -n "$1" ]; then hostname "$1" || exit; fi
		echo ready >"$2"; read x <"$3"' _ "$name" "$work/up" "$work/down" 3>&- &
	outer=$!
	started+=("$outer")
	fifo_read line "$work/up"
	target=$(pgrep -P "$outer" || echo "$outer")
	started+=("$target")
}

resume() {
	echo go >"$work/down"
	wait "$outer"
}

# The namespace ids of PID, "uts:[4026532301]" per line, for TYPES.
ids_of() { # ids_of PID TYPE...
	local pid=$1 t
	shift
	for t in "$@"; do readlink "/proc/$pid/ns/$t"; done
}

# The demo's target, from the narration in FILE.
target_in() { # target_in FILE
	sed -n 's/.*clone(CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNS|SIGCHLD) = \([0-9]*\).*/\1/p' "$1"
}

# The children of PID in a PID namespace other than ours: the demo's
# target, found by what it is, not by what the demo says.
children_in_own_pidns() { # children_in_own_pidns PID
	local p
	for p in $(children_of "$1"); do
		[ "$(ns_of pid "$p")" = "$(ns_of pid)" ] || echo "$p"
	done
}

# The host's pid of the process numbered N in the PID namespace with id
# NS (the last field of NSpid in its status is its pid there).
pid_in_pidns() { # pid_in_pidns NS N
	local d
	for d in /proc/[0-9]*; do
		[ "$(ns_of pid "${d#/proc/}" 2>/dev/null)" = "$1" ] || continue
		[ "$(awk '$1 == "NSpid:" { print $NF }' "$d/status" 2>/dev/null)" = "$2" ] && echo "${d#/proc/}"
	done
	return 0
}

# The SysV queue keys an `ipcs -q` listing shows, one a line.
queue_keys() {
	awk '$1 ~ /^0x[0-9a-f]+$/ { print $1 }'
}

# A demo that never ends is killed after 10 s: a failure (137), not a
# hung suite. (A demo that works ends at once.)
guard=(timeout -s KILL 10)

# --- the demo ------------------------------------------------------------------

@test "06.1 the demo, seen from outside: the command shares the target's namespaces, and sees its name, its queue and its processes" {
	need_root
	need_cmd nsenter util-linux
	need_cmd ipcs util-linux
	need_cmd ps procps
	mkfifo "$T/up" "$T/down"
	"$SETNS" -- sh -c 'hostname; ipcs -q; ps -o pid=,comm=; echo $$ >"$1"; read x <"$2"' \
		_ "$T/up" "$T/down" >"$T/out" 2>"$T/err" 3>&- &
	demo=$!
	started+=("$demo")
	fifo_read inside "$T/up" || fail "06-setns never ran its command: $(cat "$T/err")"
	# The target: the demo's one child in a PID namespace of its own.
	tgt=$(children_in_own_pidns "$demo")
	[ -n "$tgt" ] && [ "$(wc -w <<<"$tgt")" -eq 1 ] || fail "no one target: '$tgt'"
	started+=("$tgt")
	# The command: the process that PID namespace numbers as the command
	# said it is.
	cmd=$(pid_in_pidns "$(ns_of pid "$tgt")" "$inside")
	[ -n "$cmd" ] || fail "no process $inside in the target's PID namespace"
	assert_equal "$(ids_of "$cmd" uts ipc pid mnt)" "$(ids_of "$tgt" uts ipc pid mnt)"
	[ "$(ns_of uts "$cmd")" != "$(ns_of uts)" ]
	# Its hostname is the target's, as nsenter reads it, not the host's.
	name=$(nsenter -t "$tgt" -u hostname)
	assert_equal "$(head -n 1 "$T/out")" "$name"
	[ "$name" != "$(hostname)" ]
	# The target's queue, as ipcs reads it inside the target: the command
	# lists it, the host does not.
	keys=$(nsenter -t "$tgt" -i ipcs -q | queue_keys)
	[ -n "$keys" ]
	assert_equal "$(queue_keys <"$T/out")" "$keys"
	for k in $keys; do
		! ipcs -q | queue_keys | grep -qx "$k" || fail "the host sees the target's queue $k"
	done
	# ps inside: the target is PID 1 of the command's /proc.
	grep -qE '^ *1 06-setns$' "$T/out" || fail "ps inside shows no '1 06-setns': $(cat "$T/out")"
	echo go >"$T/down"
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 0
	[ ! -e "/proc/$tgt" ]
	assert_equal "$(nslab_processes)" ""
	assert_host_unchanged
}

@test "06.2 the demo, seen from outside while the command runs: the same namespaces as the target" {
	need_root
	mkfifo "$T/up" "$T/down"
	"$SETNS" -- sh -c 'echo $$ >"$1"; read x <"$2"' _ "$T/up" "$T/down" 2>"$T/err" 3>&- &
	demo=$!
	started+=("$demo")
	fifo_read inside "$T/up"
	stderr=$(cat "$T/err")
	tgt=$(target_in "$T/err")
	joiner=$(said_by host | sed -n 's/.*fork() = \([0-9]*\): the joiner.*/\1/p')
	cmd=$(said_by join | sed -n 's/.*fork() = \([0-9]*\).*/\1/p')
	# The command is PID 2 inside, and a host pid outside.
	assert_equal "$inside" 2
	assert_equal "$(awk '$1 == "NSpid:" { print $2, $3 }' "/proc/$cmd/status")" "$cmd 2"
	assert_equal "$(ids_of "$cmd" uts ipc pid mnt)" "$(ids_of "$tgt" uts ipc pid mnt)"
	[ "$(ns_of uts "$cmd")" != "$(ns_of uts)" ]
	# The joiner moved, but its own PID namespace is still the host's;
	# the demo did not move at all.
	assert_equal "$(ids_of "$joiner" uts ipc mnt)" "$(ids_of "$tgt" uts ipc mnt)"
	assert_equal "$(ns_of pid "$joiner")" "$(ns_of pid)"
	assert_equal "$(ns_of pid_for_children "$joiner")" "$(ns_of pid "$tgt")"
	assert_equal "$(ids_of "$demo" uts ipc pid pid_for_children mnt)" \
		"$(ids_of $$ uts ipc pid pid_for_children mnt)"
	echo go >"$T/down"
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 0
	[ ! -e "/proc/$tgt" ]
	[ ! -e "/proc/$joiner" ]
	assert_host_unchanged
}

# --- the real tools, both ways -----------------------------------------------------

@test "06.3 -t joins namespaces util-linux unshare made, one setns per type or one with --pidfd" {
	need_root
	need_cmd unshare util-linux
	name=$(random_name)
	start_target "$name" unshare -u -i -p -m -f --mount-proc
	want=$(ids_of "$target" uts ipc pid mnt)
	# Named one by one, then --all: every type, the user namespace left
	# out since it is ours (joining it would fail with EINVAL).
	# shellcheck disable=SC2086 # $mode holds several words: split on purpose
	for mode in "--uts --ipc --pid --mount" "--pidfd --all"; do
		run --separate-stderr "$SETNS" $mode -t "$target" -- \
			sh -c 'hostname; ps -o comm= -p 1; for t in uts ipc pid mnt; do readlink /proc/$$/ns/$t; done'
		# The shell reads its own links by its pid in the target's /proc:
		# it was forked after the joins, so it is in the PID namespace too.
		assert_success
		assert_equal "$output" "$name
sh
$want"
		if [ "$mode" = "--uts --ipc --pid --mount" ]; then
			said_by join | grep -F "setns(fd of /proc/$target/ns/uts, CLONE_NEWUTS): uts:[$(ns_of uts)] -> $(readlink "/proc/$target/ns/uts")"
			refute grep -q pidfd <<<"$stderr"
		else
			said_by host | grep -F "user: the target's is mine, user:[$(ns_of user)]: not joined"
			# One call with every flag but CLONE_NEWUSER (in the table's
			# order, whichever it is: the lab's exercise 06.3 sets it).
			flags=$(said_by join | sed -n 's/.*setns([0-9]*, \([A-Z_|]*\)) = 0.*/\1/p')
			assert_equal "$(tr '|' '\n' <<<"$flags" | sort | paste -sd' ')" \
				"CLONE_NEWCGROUP CLONE_NEWIPC CLONE_NEWNET CLONE_NEWNS CLONE_NEWPID CLONE_NEWTIME CLONE_NEWUTS"
			refute grep -q 'setns(fd of' <<<"$stderr"
		fi
	done
	[ "$(hostname)" != "$name" ]
	resume
	assert_host_unchanged
}

@test "06.4 nsenter -t PID -a joins processes nslab started: 01-uts's child, 06-setns's target" {
	need_root
	need_cmd nsenter util-linux
	name=$(random_name)
	mkfifo "$T/up" "$T/down"
	"$NSLAB_BIN/01-uts" -q -n "$name" -- sh -c 'echo $$ >"$1"; read x <"$2"' _ "$T/up" "$T/down" 3>&- &
	uts=$!
	started+=("$uts")
	fifo_read inner "$T/up"
	run nsenter -t "$inner" -a hostname
	echo go >"$T/down"
	wait "$uts"
	assert_success
	assert_output "$name"
	rm "$T/up" "$T/down"
	mkfifo "$T/up" "$T/down"
	"$SETNS" -- sh -c 'echo $$ >"$1"; read x <"$2"' _ "$T/up" "$T/down" 2>"$T/err" 3>&- &
	demo=$!
	started+=("$demo")
	fifo_read inside "$T/up"
	tgt=$(target_in "$T/err")
	run nsenter -t "$tgt" -a sh -c 'hostname; ps -o pid=,comm= -p 1,2'
	echo go >"$T/down"
	wait "$demo"
	assert_success
	assert_equal "$(awk '{ $1 = $1; print }' <<<"$output")" "nslab-06-$demo
1 06-setns
2 sh"
	assert_host_unchanged
}

@test "06.5 lsns lists the ids --list prints, and 'same as mine' is true" {
	need_root
	need_cmd lsns util-linux
	start_target "$(random_name)" unshare -u -i -p -m -f --mount-proc
	for pid in "$target" "$$"; do
		run --separate-stderr "$SETNS" --list "$pid"
		assert_success
		assert_line --index 0 --regexp '^TYPE +NS +MINE$'
		assert_equal "$(awk 'NR > 1 { print $1, $2 }' <<<"$output" | sort)" \
			"$(lsns -p "$pid" -n -o TYPE,NS | awk '{ print $1, $2 }' | sort)"
		# The third column, checked against this shell's own links.
		while read -r type id mine; do
			if [ "$id" = "$(ns_of "$type")" ]; then
				assert_equal "$mine" "same as mine"
			else
				assert_equal "$mine" "different"
			fi
		done < <(tail -n +2 <<<"$output")
	done
	run --separate-stderr "$SETNS" --list "$target"
	assert_equal "$(grep -c different <<<"$output")" 4
	resume
	assert_host_unchanged
}

@test "06.6 --compare prints both ids of every type, and which differ" {
	need_root
	start_target "$(random_name)" unshare -u -m -f
	run --separate-stderr "$SETNS" --compare "$target" "$$"
	assert_success
	assert_line --index 0 --regexp "^TYPE +$target +$$ *$"
	for t in user cgroup ipc uts net pid time mnt; do
		a=$(ns_of "$t" "$target")
		b=$(ns_of "$t")
		verdict=same
		[ "$a" = "$b" ] || verdict=different
		assert_line --regexp "^$t +$a +$b +$verdict\$"
	done
	assert_equal "$(grep -c different <<<"$output")" 2
	resume
	assert_host_unchanged
}

# --- rules of the join ------------------------------------------------------------

@test "06.7 the mount join takes the target's root and cwd: paths resolve as the target sees them" {
	need_root
	rootfs=$NSLAB_ROOT/rootfs
	[ -x "$rootfs/bin/sh" ] && [ -f "$rootfs/etc/hostname" ] || skip "no rootfs: run 'make rootfs'"
	mkfifo "$T/up" "$T/down"
	# The target chroots into the rootfs and works in /etc there; it
	# holds both fifos open from before the chroot.
	unshare -m sh -c 'exec 3<>"$1" 4<>"$2"; exec chroot "$3" /bin/sh -c "cd /etc && echo ready >&4; read x <&3"' \
		_ "$T/down" "$T/up" "$rootfs" 3>&- &
	tgt=$!
	started+=("$tgt")
	fifo_read line "$T/up"
	run --separate-stderr "$SETNS" -t "$tgt" --mount -- /bin/sh -c 'pwd; cat hostname'
	echo go >"$T/down"
	wait "$tgt"
	assert_success
	assert_equal "$output" "/etc
$(cat "$rootfs/etc/hostname")"
	assert_host_unchanged
}

@test "06.8 an unprivileged user joins a user namespace it owns, and the namespaces it owns" {
	need_userns
	need_cmd setpriv util-linux
	name=$(random_name)
	start_target "$name" as_nobody unshare -U -r -u -m
	# The UTS and mount namespaces belong to the new user namespace: they
	# can be joined only after it, with the capabilities it gives.
	run --separate-stderr as_nobody "$SETNS" -t "$target" --user --uts --mount -- \
		sh -c 'id -u; hostname; readlink /proc/self/ns/user'
	assert_success
	assert_equal "$output" "0
$name
$(readlink "/proc/$target/ns/user")"
	# The same user without --user: the UTS namespace is not its to join.
	run --separate-stderr as_nobody "$SETNS" -t "$target" --uts -- true
	assert_failure 1
	grep -F "error: setns(fd of /proc/$target/ns/uts, CLONE_NEWUTS): Operation not permitted" <<<"$stderr"
	grep -F 'hint: joining needs CAP_SYS_ADMIN' <<<"$stderr"
	# And with a second thread, the user namespace refuses it.
	run --separate-stderr as_nobody "$SETNS" --threaded -t "$target" --user -- true
	assert_failure 1
	grep -F "error: setns(fd of /proc/$target/ns/user, CLONE_NEWUSER): Invalid argument" <<<"$stderr"
	grep -F 'hint: only a single-threaded process may join a user namespace' <<<"$stderr"
	resume
	assert_host_unchanged
}

@test "06.9 a multithreaded process may not join a mount namespace: EINVAL, and the hint says why" {
	need_root
	start_target "$(random_name)" unshare -u -m -f
	run --separate-stderr "$SETNS" --threaded -t "$target" --uts --mount -- true
	assert_failure 1
	assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
	grep -F "error: setns(fd of /proc/$target/ns/mnt, CLONE_NEWNS): Invalid argument" <<<"$stderr"
	grep -F "hint: only a single-threaded process may join a mount namespace: threads share one root and cwd (the kernel's fs_struct)" <<<"$stderr"
	said_by join | grep -F 'pthread_create() = 0'
	# It failed before its fork: no command ran.
	# Not `! grep`: bats does not fail a test on a negated command.
	# shellcheck disable=SC2143
	[ -z "$(said_by join | grep -F 'fork()')" ]
	# The same with a pidfd and the mount namespace alone.
	run --separate-stderr "$SETNS" --threaded --pidfd -t "$target" --mount -- true
	assert_failure 1
	grep -F "error: setns(pidfd of $target, CLONE_NEWNS): Invalid argument" <<<"$stderr"
	grep -F "hint: only a single-threaded process may join a mount namespace" <<<"$stderr"
	# The demo, threaded: it fails the same way and still removes its target.
	run --separate-stderr "${guard[@]}" "$SETNS" --threaded
	assert_failure 1
	grep -F 'CLONE_NEWNS): Invalid argument' <<<"$stderr"
	tgt=$(target_in <(echo "$stderr"))
	said_by host | grep -F "kill($tgt, SIGKILL), waitpid(): status 137"
	resume
	assert_host_unchanged
}

# --- errors ---------------------------------------------------------------------------

@test "06.10 a pid that does not exist: one error line, status 1" {
	none=99999999
	# shellcheck disable=SC2086 # $args holds several words: split on purpose
	for args in "-t $none --uts -- true" "--pidfd -t $none --uts -- true" \
		"-t $none --all -- true" "--list $none" "--compare $$ $none"; do
		run --separate-stderr "$SETNS" $args
		assert_failure 1
		assert_equal "$output" ""
		assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
		grep -E "error: (open\(\"/proc/$none\"\)|pidfd_open\($none, 0\)): No such process" <<<"$stderr"
	done
}

@test "06.11 a target the caller may not look into, or join: one error line with a hint, status 1" {
	need_root
	need_cmd setpriv util-linux
	# nobody against this (root's) shell: no ptrace access to its /proc.
	# shellcheck disable=SC2086 # $args holds several words: split on purpose
	for args in "-t $$ --uts" "-t $$ --all" "--pidfd -t $$ --mount" "--list $$"; do
		run --separate-stderr as_nobody "$SETNS" $args
		assert_failure 1
		assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
		grep -E "error: stat\(\"/proc/$$/ns/[a-z]+\"\): Permission denied" <<<"$stderr"
		grep -F 'hint: looking into another process' <<<"$stderr"
	done
	# A process of nobody's own in a namespace root made: nobody may look,
	# but not join.
	start_target "" unshare -u setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	run --separate-stderr as_nobody "$SETNS" -t "$target" --uts -- true
	assert_failure 1
	grep -F "error: setns(fd of /proc/$target/ns/uts, CLONE_NEWUTS): Operation not permitted" <<<"$stderr"
	grep -F 'hint: joining needs CAP_SYS_ADMIN' <<<"$stderr"
	resume
	assert_host_unchanged
}

@test "06.12 a namespace type the kernel lacks: one error naming the file, status 1" {
	need_root
	# A kernel without time namespaces, simulated: in a throwaway mount
	# namespace, a /proc whose $$/ns/ has every link but time. 06-setns
	# gets its own /proc/PID and /proc/self (the sanitizers read them).
	mkdir "$T/proc"
	run --separate-stderr unshare -m --propagation private sh -c '
		real=$1 pid=$2; shift 2
		mount -t proc proc "$real" && mount -t tmpfs tmpfs /proc || exit 99
		ln -s "$real/self" /proc/self && mkdir -p "/proc/$pid/ns" || exit 99
		for t in user cgroup ipc uts net pid mnt; do
			ln -s "$real/$pid/ns/$t" "/proc/$pid/ns/$t"
		done
		here() { sh -c '\''ln -s "$0/$$" "/proc/$$" && exec "$@"'\'' "$real" "$@"; }
		here "$@" -t "$pid" --uts --time -- true; echo "status $?"
		here "$@" --list "$pid"' _ "$T/proc" "$$" "$SETNS"
	assert_success
	assert_line "status 1"
	assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
	grep -F "error: stat(\"/proc/$$/ns/time\"): No such file or directory" <<<"$stderr"
	grep -F 'hint: the process is there, but this kernel has no such namespace type' <<<"$stderr"
	refute grep -q 'setns(' <<<"$stderr"
	# --list leaves out what the kernel lacks.
	assert_line --regexp '^uts +[0-9]+ +same as mine$'
	refute_line --regexp '^time '
	assert_host_unchanged
}

@test "06.13 bad input: one line, status 2, nothing joined; --help: usage on stdout, 0" {
	# shellcheck disable=SC2086 # $args holds several words: split on purpose
	for args in "-x" "--bogus" "-t" "-t abc" "-t 0" "-t -5" "-t 1" "--list" \
		"--compare 1" "--compare 1 x" "--compare 1 2 3" "--list 1 --uts" \
		"--list 1 -- true" "-t 1 --list 1" "-t 1 -t 2 --uts"; do
		run --separate-stderr "$SETNS" $args
		assert_equal "$status" 2
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_equal "$output" ""
		refute grep -q -e 'setns(' -e 'clone(' <<<"$stderr"
	done
	run --separate-stderr "$SETNS" -t 1
	assert_equal "$stderr" "06-setns: -t needs the namespaces to join: --uts, --ipc, --pid, --mount, --user, --net, --cgroup, --time or --all (try '06-setns --help')"
	run --separate-stderr "$SETNS" --help
	assert_success
	assert_line --partial 'Usage: 06-setns'
	assert_equal "$stderr" ""
}

# --- the command's status, signals, quiet ------------------------------------------------

@test "06.14 the command's status becomes 06-setns's, in the demo and with -t" {
	need_root
	start_target "$(random_name)" unshare -u -p -m -f --mount-proc
	printf 'data\n' >"$T/plain"
	chmod 644 "$T/plain"
	# shellcheck disable=SC2086 # $join holds several words: split on purpose
	for join in "" "-t $target --uts --pid --mount"; do
		run "${guard[@]}" "$SETNS" -q $join -- sh -c 'exit 7'
		assert_equal "$status" 7
		run "$SETNS" -q $join -- sh -c 'kill -TERM $$'
		assert_equal "$status" 143
		run -127 "$SETNS" -q $join -- /nonexistent/command
		run -126 "$SETNS" -q $join -- "$T/plain"
	done
	run --separate-stderr "$SETNS" -q -- echo payload
	assert_success
	assert_output payload
	assert_equal "$stderr" ""
	resume
	assert_host_unchanged
}

@test "06.15 SIGTERM to the demo while the command runs: 143, the target gone, nothing left" {
	need_root
	mkfifo "$T/up" "$T/down"
	"$SETNS" -- sh -c 'echo $$ >"$1"; read x <"$2"' _ "$T/up" "$T/down" 2>"$T/err" 3>&- &
	demo=$!
	started+=("$demo")
	fifo_read inside "$T/up"
	tgt=$(target_in "$T/err")
	kill -TERM "$demo"
	watchdog_start "$demo"
	status=0
	wait "$demo" || status=$?
	watchdog_stop
	assert_equal "$status" 143
	[ ! -e "/proc/$tgt" ]
	grep -F "kill($tgt, SIGKILL), waitpid(): status 137" "$T/err"
	assert_host_unchanged
}
