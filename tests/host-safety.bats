#!/usr/bin/env bats
# Host safety across the steps: whatever a demo does - finish, fail, get
# interrupted with Ctrl-C or SIGTERM, run on a host whose root mount is
# shared - the host is left exactly as it was. Later steps add their demos
# to DEMOS and their own cases below.

load helpers

DEMOS=(01-uts 02-ipc 03-pid 04-mount 05-user 06-setns 07-full-container)
# The demos that need root; 05-user is meant to work without it.
ROOT_DEMOS=(01-uts 02-ipc 03-pid 04-mount 06-setns)
# The demos that make objects which outlive a process (see objects_of).
LASTING_DEMOS=(02-ipc 04-mount 05-user 07-full-container)

setup_file() {
	ROOTFS=${NSLAB_ROOTFS:-$NSLAB_ROOT/rootfs}
	"$NSLAB_ROOT/scripts/mkrootfs.sh" "$ROOTFS" >"$BATS_FILE_TMPDIR/mkrootfs.log" 2>&1 || ROOTFS=
	export ROOTFS
}

setup() {
	need_root
	[ -n "$ROOTFS" ] || skip "no rootfs for 04-mount: $(tail -n 1 "$BATS_FILE_TMPDIR/mkrootfs.log")"
	host_snapshot
}

# The program and options that run DEMO; sets the array $demo_cmd, and
# $demo_sep, the words between the options and a command: "--" for the
# demos, "-- ROOTFS" for 07's run (its rootfs comes after its options).
demo_cmd() { # demo_cmd DEMO
	demo_cmd=("$NSLAB_BIN/$1")
	demo_sep=(--)
	case $1 in
	04-mount) demo_cmd+=(-r "$ROOTFS") ;;
	07-full-container)
		demo_cmd+=(run)
		demo_sep=(-- "$ROOTFS")
		;;
	esac
}

# A command for the inside that reports its pid (as the host sees it) on
# the fifo "up", then blocks until a line arrives on "down" - so the test
# can act while the demo is in the middle of its work, without sleeping.
paused_cmd=(sh -c 'echo $$ >"$1"; read x <"$2"' _)

# 07 runs its command inside the rootfs: the fifos get there through a
# volume at /mnt, a directory every rootfs has (nothing is made in it).
make_fifos() { # make_fifos [DEMO]
	mkfifo "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down"
	if [ "${1:-}" = 07-full-container ]; then
		demo_cmd+=(-v "$BATS_TEST_TMPDIR:/mnt")
		paused_cmd+=(/mnt/up /mnt/down)
	else
		paused_cmd+=("$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down")
	fi
}

# The pid the inner command reports may be a namespace's own number; what
# the host needs is whether anything of the demo still runs, which
# nslab_processes (in helpers.bash) and the process-group check answer.
group_members() { # group_members PGID
	ps -eo pgid=,pid=,stat=,args= | awk -v g="$1" '$1 == g'
}

for_each_demo() { # for_each_demo FUNCTION [DEMO...]
	local f=$1 d
	shift
	[ $# -gt 0 ] || set -- "${DEMOS[@]}"
	for d in "$@"; do
		demo_cmd "$d"
		"$f" "$d"
	done
}

finish_quietly() { # a plain run with a short command
	run --separate-stderr "${demo_cmd[@]}" -q "${demo_sep[@]}" true
	assert_success
	assert_host_unchanged
}

@test "host-safety.1 every demo, run to the end, leaves the host as it was" {
	for_each_demo finish_quietly
}

fail_halfway() { # a command that is not there: the child fails after setup
	run -127 --separate-stderr "${demo_cmd[@]}" -q "${demo_sep[@]}" /nonexistent/nslab-command
	assert_host_unchanged
}

@test "host-safety.2 every demo whose command fails leaves the host as it was" {
	for_each_demo fail_halfway
}

fail_unprivileged() {
	run --separate-stderr as_nobody "${demo_cmd[@]}" -q "${demo_sep[@]}" true
	assert_failure
	grep -q 'hint:' <<<"$stderr"
	assert_host_unchanged
}

@test "host-safety.3 every root-only demo run without privilege fails cleanly" {
	for_each_demo fail_unprivileged "${ROOT_DEMOS[@]}"
}

# Ctrl-C in a terminal sends SIGINT to the whole foreground process group:
# the demo, its child and the command inside all get it at once. Job
# control (set -m) gives the background demo a process group of its own,
# so the test can do the same with kill -INT -PGID.
interrupt_with() { # interrupt_with DEMO SIGNAL EXPECTED_STATUS GROUP|DEMO
	local demo status=0
	make_fifos "$1"
	# 04 runs its command inside the rootfs: the fifos get there through
	# a volume.
	[ "$1" != 04-mount ] || demo_cmd+=(-V "$BATS_TEST_TMPDIR:$BATS_TEST_TMPDIR")
	set -m
	"${demo_cmd[@]}" -q "${demo_sep[@]}" "${paused_cmd[@]}" &
	demo=$!
	set +m
	fifo_read _ "$BATS_TEST_TMPDIR/up"
	if [ "$4" = GROUP ]; then
		kill -"$2" -- "-$demo"
	else
		kill -"$2" "$demo"
	fi
	# A demo that failed to pass the signal on would wait forever for its
	# command: the watchdog then kills the group, and 137 fails the check.
	watchdog_start "-$demo"
	wait "$demo" || status=$?
	watchdog_stop
	assert_equal "$status" "$3"
	# Nothing of the demo is left: not its process group, not a process
	# running any nslab program.
	run group_members "$demo"
	assert_output ""
	assert_host_unchanged
	rm -f "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down"
	paused_cmd=(sh -c 'echo $$ >"$1"; read x <"$2"' _)
}

ctrl_c() { interrupt_with "$1" INT 130 GROUP; }
sigterm() { interrupt_with "$1" TERM 143 DEMO; }
sighup() { interrupt_with "$1" HUP 129 DEMO; }

@test "host-safety.4 Ctrl-C in the middle of every demo: status 130, nothing left" {
	for_each_demo ctrl_c
}

@test "host-safety.5 SIGTERM to every demo in the middle: status 143, nothing left" {
	for_each_demo sigterm
}

@test "host-safety.6 SIGHUP (the terminal closed) to every demo: status 129, nothing left" {
	for_each_demo sighup
}

# systemd makes the root mount shared. A demo that forgets to make its
# mount tree private before mounting would then mount onto the host. Run
# every demo inside a throwaway mount namespace whose root is shared, and
# compare that namespace's mount table before and after. The namespace is
# made private first and then shared again: that starts a peer group of
# its own, so even a leaking demo reaches only the throwaway copy - never
# the real host, whatever propagation the real host uses.
# Run CMD... (a demo's whole command line) in a throwaway mount namespace
# with a shared root; print how that namespace's mount table changed
# (nothing, for a safe demo).
shared_root_diff() { # shared_root_diff CMD...
	unshare -m --propagation private bash -c '
		mount --make-rshared / || exit 3
		grep -q "shared:" <(awk "\$5 == \"/\"" /proc/self/mountinfo) || { echo "root is not shared"; exit 3; }
		before=$(awk "{ print \$5, \$4, \$6 }" /proc/self/mountinfo)
		"$@" || exit 4
		after=$(awk "{ print \$5, \$4, \$6 }" /proc/self/mountinfo)
		diff <(echo "$before") <(echo "$after")' _ "$@"
}

on_shared_root() {
	need_cmd unshare util-linux
	run shared_root_diff "${demo_cmd[@]}" -q "${demo_sep[@]}" true
	assert_success
	assert_output ""
}

@test "host-safety.7 on a host whose root mount is shared, no demo changes the mount table" {
	for_each_demo on_shared_root
	assert_host_unchanged
}

# The check above must be able to fail. Build a 04-mount that skips the
# MS_REC|MS_PRIVATE remount and run it the same way: the throwaway
# namespace must show the damage (or the demo must fail), while the real
# host and the rootfs stay exactly as they were.
@test "host-safety.8 the shared-root check catches a 04-mount that skips MS_PRIVATE" {
	need_cmd make make
	local m=$BATS_TEST_TMPDIR/mutant
	mkdir -p "$m"
	cp -r "$NSLAB_ROOT/common" "$NSLAB_ROOT/mk" "$NSLAB_ROOT/04-mount" "$m/"
	sed -i 's/if (mnt_make_private() == -1)/if (0)/' "$m/04-mount/child.c"
	grep -q 'if (0)' "$m/04-mount/child.c" # the mutation took
	make -s -C "$m/04-mount" BINDIR="$m/bin" >/dev/null
	find "$ROOTFS" -xdev | sort >"$BATS_TEST_TMPDIR/rootfs.before"
	run shared_root_diff "$m/bin/04-mount" -r "$ROOTFS" -q -- true
	assert_failure
	find "$ROOTFS" -xdev | sort | diff "$BATS_TEST_TMPDIR/rootfs.before" -
	assert_host_unchanged
}

# Wait until no process of process group PGID is left. The demo's
# children die of the parent-death signal after a SIGKILL, but only once
# the kernel gets to them: this polls for that fact, with a deadline
# against a hang, and does not guess a time.
wait_group_gone() { # wait_group_gone PGID
	for _ in $(seq 500); do
		[ -z "$(group_members "$1")" ] && return 0
		sleep 0.01
	done
	group_members "$1" >&2
	return 1
}

# Wait until the nslab processes are those host.before lists, as
# wait_group_gone does for a process group.
wait_nslab_processes_as_before() {
	local before
	before=$(sed -n '/^--- nslab processes/,/^--- /p' "$BATS_TEST_TMPDIR/host.before" | sed '1d;$d')
	for _ in $(seq 500); do
		[ "$(nslab_processes)" != "$before" ] || return 0
		sleep 0.01
	done
}

# Every path in the rootfs, as tests/04-mount.bats reads it.
rootfs_state() {
	find "$ROOTFS" -xdev | sort
}

# What a run of DEMO with pid PID keeps on the host while it runs, and what
# only the next run can remove if it is killed with SIGKILL: each object
# carries the run's pid in its name.
objects_of() { # objects_of DEMO PID
	case $1 in
	02-ipc)
		ipcs -q | awk -v k="$(printf '0x%08x' $((0x6e000000 | $2)))" '$1 == k { print "SysV", k }'
		host_mqueues | grep -x "nslab-02-$2" | sed 's/^/POSIX /'
		;;
	04-mount)
		find "$ROOTFS" -maxdepth 1 \( -name ".nslab-made.$2" -o -name ".put_old.$2" \) | sort
		# The mount points the record lists (the volume, made beneath
		# rootfs/tmp), and the marker of --chroot.
		[ ! -d "$ROOTFS$BATS_TEST_TMPDIR" ] || echo "$ROOTFS$BATS_TEST_TMPDIR"
		find /tmp -maxdepth 1 -name "nslab-04.$2.*"
		;;
	05-user)
		find "${TMPDIR:-/tmp}" -maxdepth 1 -name "nslab-05.$2.*"
		;;
	07-full-container)
		# The state record, which names the runtime that holds it.
		grep -lx "runtime $2" /run/nslab/* 2>/dev/null
		;;
	esac
}

# SIGKILL cannot be caught: the demo gets no chance to clean up. What the
# kernel cleans up by itself must be clean at once: every process of the
# demo (each child asked for SIGKILL when its parent dies), every mount
# (they live in namespaces that die with their last process), the
# hostname. What outlives a process by design (a SysV queue, a directory)
# stays, named after the killed run's pid, and the next run removes it
# before it makes anything: after one more run, the host and the rootfs
# are exactly as they were.
killed() {
	local demo
	make_fifos "$1"
	[ "$1" != 04-mount ] || demo_cmd+=(-V "$BATS_TEST_TMPDIR:$BATS_TEST_TMPDIR")
	rootfs_state >"$BATS_TEST_TMPDIR/rootfs.before"
	set -m
	"${demo_cmd[@]}" -q "${demo_sep[@]}" "${paused_cmd[@]}" &
	demo=$!
	set +m
	fifo_read _ "$BATS_TEST_TMPDIR/up"
	kill -KILL "$demo"
	wait "$demo" || true
	wait_group_gone "$demo"
	# 07's init runs in a session of its own (out of the group) and
	# follows its runtime by the parent-death signal too.
	wait_nslab_processes_as_before
	assert_equal "$(hostname)" "$(head -n 1 "$BATS_TEST_TMPDIR/host.before" | cut -d' ' -f2-)"
	diff <(sed -n '/^--- mounts/,/^--- SysV/p' "$BATS_TEST_TMPDIR/host.before") \
		<(host_state | sed -n '/^--- mounts/,/^--- SysV/p')
	diff <(sed -n '/^--- nslab processes/,/^--- \/run\/nslab/p' "$BATS_TEST_TMPDIR/host.before") \
		<(host_state | sed -n '/^--- nslab processes/,/^--- \/run\/nslab/p')
	run --separate-stderr "${demo_cmd[@]}" "${demo_sep[@]}" true
	assert_success
	if [[ " ${LASTING_DEMOS[*]} " == *" $1 "* ]]; then
		# The killed run had left objects (else this checked nothing),
		# and this run said it removed them.
		if [ "$1" = 07-full-container ]; then
			said_by host | grep -E "removed [0-9]+ state records? of containers whose runtime is gone"
		else
			said_by host | grep -F "left by run $demo, which is gone"
		fi
	fi
	assert_equal "$(objects_of "$1" "$demo")" ""
	assert_host_unchanged
	rootfs_state | diff -u "$BATS_TEST_TMPDIR/rootfs.before" -
	rm -f "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down"
	paused_cmd=(sh -c 'echo $$ >"$1"; read x <"$2"' _)
}

@test "host-safety.9 SIGKILL to every demo: nothing is left but what the next run removes" {
	for_each_demo killed
}

# The next run removes only what a run that is gone left. Pause a first
# run in the middle, when its objects exist, and start a second: it must
# leave every one of them, and the first must then finish cleanly, by
# itself removing what it made. N: how many objects the first run has at
# least, by then (see objects_of).
beside_a_live_run() { # beside_a_live_run DEMO N
	local status=0
	make_fifos "$1"
	rootfs_state >"$BATS_TEST_TMPDIR/rootfs.before"
	local first_cmd=("${demo_cmd[@]}")
	# 04: a volume (mount points and their record), the marker of
	# --chroot, and a put_old named after the first run (its own is gone
	# by now, and it removes a leftover of its name when it ends).
	[ "$1" != 04-mount ] || first_cmd+=(--chroot -V "$BATS_TEST_TMPDIR:$BATS_TEST_TMPDIR")
	"${first_cmd[@]}" -q "${demo_sep[@]}" "${paused_cmd[@]}" 3>&- &
	first_run=$!
	fifo_read _ "$BATS_TEST_TMPDIR/up"
	[ "$1" != 04-mount ] || mkdir "$ROOTFS/.put_old.$first_run"
	objects_of "$1" "$first_run" >"$BATS_TEST_TMPDIR/objects.before"
	cat "$BATS_TEST_TMPDIR/objects.before"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/objects.before")" -ge "$2" ]
	run --separate-stderr "${demo_cmd[@]}" "${demo_sep[@]}" true
	assert_success
	refute grep -F 'which is gone' <<<"$stderr"
	objects_of "$1" "$first_run" | diff -u "$BATS_TEST_TMPDIR/objects.before" -
	echo go >"$BATS_TEST_TMPDIR/down"
	watchdog_start "$first_run"
	wait "$first_run" || status=$?
	watchdog_stop
	first_run=
	assert_equal "$status" 0
	assert_host_unchanged
	rootfs_state | diff -u "$BATS_TEST_TMPDIR/rootfs.before" -
}

@test "host-safety.10 02-ipc: a second run leaves the queues of a run still going" {
	demo_cmd 02-ipc
	beside_a_live_run 02-ipc 2
}

@test "host-safety.11 04-mount: a second run leaves the put_old, mount points and marker of a run still going" {
	demo_cmd 04-mount
	beside_a_live_run 04-mount 4
}

@test "host-safety.12 05-user: a second run leaves the directory of a run still going" {
	demo_cmd 05-user
	beside_a_live_run 05-user 1
}

# A pid no process can have: PID_MAX_LIMIT (2^22), one above the largest
# pid Linux hands out, whatever kernel.pid_max says.
DEAD_PID=4194304

# Leftovers of a run that cannot be alive, made by hand where a SIGKILL
# cannot be timed to leave them (a put_old, a marker): each demo removes
# its own kind, and nothing else - not a name that only looks alike, not a
# directory holding more than a run puts there, not another user's.
@test "host-safety.13 leftovers of a run that is gone are removed, and only those" {
	local dir=${TMPDIR:-/tmp}
	rootfs_state >"$BATS_TEST_TMPDIR/rootfs.before"
	mkdir "$ROOTFS/.put_old.$DEAD_PID" "$ROOTFS/.put_old.0$DEAD_PID"
	mkdir "$ROOTFS/nslab-fake" && printf 'dnslab-fake\0' >"$ROOTFS/.nslab-made.$DEAD_PID"
	mkdir /tmp/nslab-04.$DEAD_PID.AbCdEf && : >/tmp/nslab-04.$DEAD_PID.AbCdEf/marker
	mkdir -p "$dir/nslab-05.$DEAD_PID.AbCdEf/tmpfs" && : >"$dir/nslab-05.$DEAD_PID.AbCdEf/made-inside"
	mkdir "$dir/nslab-05.$DEAD_PID.XyZxyz" && : >"$dir/nslab-05.$DEAD_PID.XyZxyz/notes"
	mkdir "$dir/nslab-05.$DEAD_PID.NoBody" && chown 65534 "$dir/nslab-05.$DEAD_PID.NoBody"
	# A queue of a run killed between msgget and msgsnd, where perl has
	# IPC::SysV (ipcmk cannot choose the key); host-safety.9 covers the rest.
	local fake_queue=0
	if perl -MIPC::SysV=IPC_CREAT -e 'defined msgget(0x6e000000 | $ARGV[0], IPC_CREAT | 0600) or die "msgget: $!\n"' $DEAD_PID 2>/dev/null; then
		fake_queue=1
	fi

	demo_cmd 02-ipc
	run --separate-stderr "${demo_cmd[@]}" "${demo_sep[@]}" true
	assert_success
	[ "$fake_queue" -eq 0 ] ||
		said_by host | grep -F "removed the SysV queue 0x6e400000 left by run $DEAD_PID, which is gone"
	demo_cmd 04-mount
	run --separate-stderr "${demo_cmd[@]}" "${demo_sep[@]}" true
	assert_success
	said_by host | grep -F "removed $ROOTFS/.put_old.$DEAD_PID, left by run $DEAD_PID, which is gone"
	said_by host | grep -F "removed $ROOTFS/.nslab-made.$DEAD_PID and the 1 mount point it lists"
	said_by host | grep -F "removed /tmp/nslab-04.$DEAD_PID.AbCdEf, left by run $DEAD_PID"
	demo_cmd 05-user
	run --separate-stderr "${demo_cmd[@]}" "${demo_sep[@]}" true
	assert_success
	said_by host | grep -F "removed $dir/nslab-05.$DEAD_PID.AbCdEf, left by run $DEAD_PID"
	said_by host | grep -F "error: rmdir(\"$dir/nslab-05.$DEAD_PID.XyZxyz\"): Directory not empty"

	# What only looks alike, holds more, or is not ours, is still there.
	[ -d "$ROOTFS/.put_old.0$DEAD_PID" ]
	[ -f "$dir/nslab-05.$DEAD_PID.XyZxyz/notes" ]
	[ -d "$dir/nslab-05.$DEAD_PID.NoBody" ]
	remove_fakes
	assert_host_unchanged
	rootfs_state | diff -u "$BATS_TEST_TMPDIR/rootfs.before" -
}

# The state letter of process PID ("Z" for a zombie), or nothing.
proc_state() { # proc_state PID
	sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null
}

# A killed run whose parent has not collected its status yet is a zombie:
# kill(pid, 0) still finds it, but it has exited and holds nothing. Here
# the parent execs into a reader of a fifo, which never reaps, so the
# zombie stays exactly as long as the check needs it.
@test "host-safety.14 a killed run its parent has not reaped (a zombie) counts as gone" {
	local demo
	demo_cmd 05-user
	make_fifos
	mkfifo "$BATS_TEST_TMPDIR/pid" "$BATS_TEST_TMPDIR/hold"
	sh -c 'd=$1; shift; "$@" & echo $! >"$d/pid"; exec cat "$d/hold" >/dev/null' _ \
		"$BATS_TEST_TMPDIR" "${demo_cmd[@]}" -q "${demo_sep[@]}" "${paused_cmd[@]}" 3>&- &
	zombie_holder=$!
	fifo_read demo "$BATS_TEST_TMPDIR/pid"
	fifo_read _ "$BATS_TEST_TMPDIR/up"
	kill -KILL "$demo"
	for _ in $(seq 500); do
		[ "$(proc_state "$demo")" != Z ] || break
		sleep 0.01
	done
	assert_equal "$(proc_state "$demo")" Z
	run --separate-stderr "${demo_cmd[@]}" "${demo_sep[@]}" true
	assert_success
	said_by host | grep -F "left by run $demo, which is gone"
	echo "done" >"$BATS_TEST_TMPDIR/hold"
	wait "$zombie_holder"
	zombie_holder=
	assert_host_unchanged
}

# Whatever host-safety.13 made, should it fail halfway.
remove_fakes() {
	local dir=${TMPDIR:-/tmp}
	rm -rf "$ROOTFS/.put_old.$DEAD_PID" "$ROOTFS/.put_old.0$DEAD_PID" "$ROOTFS/nslab-fake" \
		"$ROOTFS/.nslab-made.$DEAD_PID" /tmp/nslab-04.$DEAD_PID.AbCdEf \
		"$dir/nslab-05.$DEAD_PID".{AbCdEf,XyZxyz,NoBody}
	ipcrm -Q $((0x6e000000 | DEAD_PID)) 2>/dev/null || true
}

# A check that fails halfway must not leave its paused first run (it
# removes what it made on SIGTERM), host-safety.14's holder of a zombie,
# or host-safety.13's fakes behind.
teardown() {
	local p
	for p in "${first_run:-}" "${zombie_holder:-}"; do
		if [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; then
			wait "$p" || true
		fi
	done
	[[ $BATS_TEST_DESCRIPTION != host-safety.13* ]] || remove_fakes
}

# A learner pipes a demo into head or less and quits early: the pipe that
# carries the narration closes while the demo is still working. Every
# process of the demo must go on (its writes fail with EPIPE) or stop, but
# none may wait for ever on a partner that died of SIGPIPE, and nothing
# may be left. The watchdog turns a hang into a failure.
pipe_closed() {
	local status=0
	# 07 has no demo of its own: a container with a long story.
	[ "$1" != 07-full-container ] || demo_cmd+=(--verbose "$ROOTFS" sh -c 'mount; ps; ls -l /dev')
	set -m
	bash -c '"$@" 2>&1 | head -n 1 >/dev/null' _ "${demo_cmd[@]}" &
	local pipeline=$!
	set +m
	watchdog_start "-$pipeline"
	wait "$pipeline" || status=$?
	watchdog_stop
	[ "$status" -ne 137 ] || fail "$1 hung after its output pipe closed"
	wait_group_gone "$pipeline"
	assert_host_unchanged
}

@test "host-safety.15 every demo whose output pipe closes early ends, and leaves nothing" {
	for_each_demo pipe_closed
}

@test "host-safety.16 07-full-container: a second run leaves the state record of a run still going" {
	demo_cmd 07-full-container
	beside_a_live_run 07-full-container 1
}

# The comparison every check makes of the host's cgroups (cgroups_snapshot
# in helpers.bash) must see what it is there for: here a cgroup turned
# threaded, in two cgroups of this check's own below ours (the upper one
# holds no process, so ours is left as it was).
@test "host-safety.17 the cgroup comparison sees a cgroup whose type changed" {
	need_root
	local own d
	own=$(cgroup_dir '' "$(sed -n 's/^0:://p' /proc/self/cgroup)")
	[ -n "$own" ] || skip "no cgroup2 mount"
	d=$own/nslab-check.$$
	mkdir "$d" "$d/y"
	cgroups_snapshot "$BATS_TEST_TMPDIR/a"
	echo threaded >"$d/y/cgroup.type"
	cgroups_snapshot "$BATS_TEST_TMPDIR/b"
	rmdir "$d/y" "$d"
	run cgroups_compare "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_output --partial "/nslab-check.$$/y/ type=threaded"
	assert_output --partial "/nslab-check.$$/ type=domain threaded"
	assert_host_unchanged
}
