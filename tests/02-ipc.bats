#!/usr/bin/env bats
# Lab checks for 02-ipc: message queues belong to an IPC namespace. The
# host's queues are invisible in the child's namespace, the child's in the
# host's, and the demo leaves no queue behind - not at the end, not after a
# failure, not when it is stopped with Ctrl-C or SIGTERM. The checks look
# with the host's own tools: ipcs(1) on both sides, /proc/PID/ns/ipc,
# nsenter(1), and a fresh mqueue mount (helpers.bash: host_mqueues).

load helpers

setup() {
	IPC=$NSLAB_BIN/02-ipc
	T=$BATS_TEST_TMPDIR
	demo=
	host_snapshot
}

teardown() {
	exec 7<&- # a namespace a check held open
	# A check that failed halfway may leave a paused demo: stop it the way
	# a user would, so it still cleans up, and let its command go (opened
	# read-write, the fifo never blocks).
	if [ -n "$demo" ] && kill -0 "$demo" 2>/dev/null; then
		kill -TERM "$demo" 2>/dev/null || true
		{ echo go >&8; } 8<>"$T/down"
		wait "$demo" || true
	fi
}

# A SysV key nobody could have guessed, written as ipcs writes keys.
random_key() {
	printf '0x%08x' "$(($(od -An -N4 -tu4 /dev/urandom) | 0x10000))"
}

# Start 02-ipc in the background with a command that, inside the child's
# namespace, saves what ipcs sees there (in.q, in.p), reports its pid on
# the fifo "up" and waits for a line on "down". Sets $demo (the demo's pid)
# and $inner (the child's pid: this step makes no PID namespace).
start_paused() { # start_paused [02-ipc options...]
	mkfifo "$T/up" "$T/down"
	"$IPC" "$@" -- sh -c 'ipcs -q >"$3/in.q"; ipcs -q -p >"$3/in.p"
		echo $$ >"$1"; read x <"$2"' _ "$T/up" "$T/down" "$T" \
		>"$T/stdout" 2>"$T/stderr" &
	demo=$!
	# Opened read-write, the fifo never blocks the open; the timeout only
	# guards against a broken demo that dies before its command runs.
	exec 9<>"$T/up"
	if ! read -t 10 -r inner <&9; then
		exec 9<&-
		cat "$T/stderr" >&2
		fail "02-ipc never ran its command"
	fi
	exec 9<&-
}

resume() {
	echo go >"$T/down"
}

# Wait, without sleeping, until PID is asleep in a system call. Once the
# command inside has said "up", the demo's only blocking call left is
# waitpid(): a signal sent after this is one it waits for.
wait_blocked() { # wait_blocked PID
	local state=
	while read -r _ _ state _ <"/proc/$1/stat" && [ "$state" != S ]; do :; done
}

# From an `ipcs -q` listing: the queues, the msqid for a key. From an
# `ipcs -q -p` listing: the pid that last sent to a msqid.
queue_rows() { awk 'NR > 3 && NF' "$1"; }
msqid_of() { awk -v k="$1" '$1 == k { print $2 }' "$2"; } # KEY FILE
lspid_of() { awk -v id="$1" '$1 == id { print $3 }' "$2"; } # MSQID FILE

@test "02.1 during a run, each side's ipcs sees only its own queue under the key" {
	need_root
	key=$(random_key)
	name=/$(random_name)
	start_paused -k "$key" -m "$name"
	# The host's view while the child and its queues are alive.
	ipcs -q >"$T/host.q"
	ipcs -q -p >"$T/host.p"
	host_mq=$(host_mqueues)
	child_ns=$(ns_of ipc "$inner")
	resume
	wait "$demo"
	# Inside: one queue, under the key, last written by the child itself.
	assert_equal "$(queue_rows "$T/in.q" | wc -l)" 1
	in_id=$(msqid_of "$key" "$T/in.q")
	assert [ -n "$in_id" ]
	assert_equal "$(lspid_of "$in_id" "$T/in.p")" "$inner"
	# The host: the queue under the key is the demo's, and no queue on the
	# host was ever written by the child.
	host_id=$(msqid_of "$key" "$T/host.q")
	assert [ -n "$host_id" ]
	assert_equal "$(lspid_of "$host_id" "$T/host.p")" "$demo"
	refute grep -qE "^[0-9]+ +[^ ]+ +$inner " "$T/host.p"
	# The POSIX queue of the same name was on the host during the run.
	grep -qx "${name#/}" <<<"$host_mq"
	# Two namespaces: the child's id is not the one this test runs in.
	assert [ "$child_ns" != "$(ns_of ipc)" ]
	assert_host_unchanged
}

@test "02.2 the narration: ENOENT inside for the key and the name, both ids, truthfully" {
	need_root
	key=$(random_key)
	name=/$(random_name)
	run --separate-stderr "$IPC" -k "$key" -m "$name" -- readlink /proc/self/ns/ipc
	assert_success
	host_id=$(readlink /proc/self/ns/ipc)
	# The command's own view (stdout) is a namespace other than the host's,
	# and the narration names both the way readlink does.
	assert [ -n "$output" ]
	assert [ "$output" != "$host_id" ]
	said_by child | grep -F "my IPC namespace is new: $output"
	said_by host | grep -F "I am in $host_id: two namespaces"
	said_by child | grep -F "msgget($key, 0): No such file or directory"
	said_by child | grep -F "mq_open(\"$name\", O_RDONLY): No such file or directory"
	said_by child | grep -F "msgget($key, IPC_CREAT|IPC_EXCL|0600) = "
	said_by host | grep -E "msgget\($key, 0\) = [0-9]+ \(mine\), IPC_STAT: 1 message, last sent by pid [0-9]+ \(me\)"
	said_by host | grep -F "mq_receive \"hello from the host\""
	assert_host_unchanged
}

@test "02.3 ipcs -q on the host is the same before and after a run" {
	need_root
	before=$(ipcs -q)
	run --separate-stderr "$IPC"
	assert_success
	assert_equal "$(ipcs -q)" "$before"
	said_by host | grep -F 'msgctl('
	said_by host | grep -F 'mq_unlink('
	said_by host | grep -F 'no process is left in ipc:['
	assert_host_unchanged
}

@test "02.4 the child's queue lives exactly as long as its namespace" {
	need_root
	need_cmd nsenter util-linux
	key=$(random_key)
	start_paused -k "$key"
	# Hold the child's namespace open from here: an open ns file keeps a
	# namespace alive after its last process, and its queues with it.
	exec 7<"/proc/$inner/ns/ipc"
	resume
	wait "$demo"
	run nsenter --ipc=/proc/self/fd/7 ipcs -q
	assert_success
	assert_output --partial "$key"
	# Meanwhile the host has no queue under that key any more.
	refute grep -qF "$key" < <(ipcs -q)
	exec 7<&-
	assert_host_unchanged
}

# SIGTERM or SIGINT (Ctrl-C) while the child runs its command: the host's
# queues were there, and are gone after; the status is 128 + the signal.
stop_with() { # stop_with SIGNAL STATUS
	local key status=0
	key=$(random_key)
	start_paused -k "$key"
	grep -qF "$key" < <(ipcs -q)
	wait_blocked "$demo"
	kill -"$1" "$demo"
	# A demo that does not stop (say, one that never caught the signal
	# and inherited SIGINT ignored from a shell) would hang the check: a
	# watchdog kills it after 20 s, and status 137 fails the check.
	watchdog_start "$demo"
	wait "$demo" || status=$?
	watchdog_stop
	assert_equal "$status" "$2"
	assert [ ! -d "/proc/$inner" ]
	refute grep -qF "$key" < <(ipcs -q)
	assert_host_unchanged
	rm -f "$T/up" "$T/down"
	demo=
}

@test "02.5 SIGTERM in the middle: status 143, no queue left" {
	need_root
	stop_with TERM 143
	grep -F 'caught signal 15' "$T/stderr"
}

@test "02.6 SIGINT (Ctrl-C) in the middle: status 130, no queue left" {
	need_root
	stop_with INT 130
	grep -F 'caught signal 2' "$T/stderr"
}

@test "02.7 a run that fails halfway removes its own queue, and never another's" {
	need_root
	key=$(random_key)
	other=$(random_key)
	name=/$(random_name)
	start_paused -k "$key" -m "$name"
	# Same name, other key: the SysV queue is made, the POSIX one is not.
	run --separate-stderr "$IPC" -k "$other" -m "$name"
	assert_failure 1
	grep -F "error: mq_open(\"$name\", O_CREAT|O_EXCL|O_RDWR, 0600): File exists" <<<"$stderr"
	grep -F 'hint:' <<<"$stderr"
	refute grep -qF "$other" < <(ipcs -q)
	# Same key: refused, and the first demo's queue is not touched.
	run --separate-stderr "$IPC" -k "$key"
	assert_failure 1
	grep -F "error: msgget($key, IPC_CREAT|IPC_EXCL|0600): File exists" <<<"$stderr"
	grep -qF "$key" < <(ipcs -q)
	grep -qx "${name#/}" < <(host_mqueues)
	resume
	wait "$demo"
	assert_host_unchanged
}

@test "02.8 without privilege: one error with a hint, status 1, nothing left" {
	# As root, drop to nobody; anyone else is unprivileged already.
	if [ "$(id -u)" -eq 0 ]; then
		need_cmd setpriv util-linux
		run --separate-stderr as_nobody "$IPC"
	else
		run --separate-stderr "$IPC"
	fi
	assert_failure 1
	grep -F 'error: clone(CLONE_NEWIPC|SIGCHLD): Operation not permitted' <<<"$stderr"
	grep -F 'hint:' <<<"$stderr"
	# It got as far as making the host's queues: they are removed again.
	grep -F 'my SysV queue is removed' <<<"$stderr"
	grep -F 'my POSIX queue is removed' <<<"$stderr"
	assert_host_unchanged
}

@test "02.9 the command's exit status becomes the demo's" {
	need_root
	run "$IPC" -q -- sh -c 'exit 7'
	assert_equal "$status" 7
	run "$IPC" -q -- sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	run -127 "$IPC" -q -- /nonexistent/command
	assert_host_unchanged
}

@test "02.10 -q leaves stderr empty and stdout to the command" {
	need_root
	run --separate-stderr "$IPC" -q -- echo payload
	assert_success
	assert_output payload
	assert_equal "$stderr" ""
	assert_host_unchanged
}

@test "02.11 bad input: one line, status 2, no queue made" {
	for args in "-x" "-k" "--key" "--mq" "--bogus" "-k 0" "-k zz" "-k -1" \
		"-k 0x100000000" "-k ' 5'" "-m noslash" "-m /a/b" "-m /"; do
		eval "run --separate-stderr \"\$IPC\" $args"
		assert_equal "$status" 2
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_equal "$output" ""
		refute grep -q msgget <<<"$stderr"
	done
	run --separate-stderr "$IPC" -k 0
	assert_equal "$stderr" "02-ipc: key \"0\" must be a number from 1 to 0xffffffff (0 is IPC_PRIVATE) (try '02-ipc --help')"
	assert_host_unchanged
}

@test "02.12 --help prints usage on stdout and exits 0" {
	run --separate-stderr "$IPC" --help
	assert_success
	assert_line --partial 'Usage: 02-ipc'
	assert_equal "$stderr" ""
}
