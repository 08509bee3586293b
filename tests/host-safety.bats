#!/usr/bin/env bats
# Host safety across the steps: whatever a demo does - finish, fail, get
# interrupted with Ctrl-C or SIGTERM, run on a host whose root mount is
# shared - the host is left exactly as it was. Later steps add their demos
# to DEMOS and their own cases below.

load helpers

DEMOS=(01-uts 02-ipc 03-pid 04-mount 05-user)
# The demos that need root; 05-user is meant to work without it.
ROOT_DEMOS=(01-uts 02-ipc 03-pid 04-mount)

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

# The program and options that run DEMO; sets the array $demo_cmd.
demo_cmd() { # demo_cmd DEMO
	demo_cmd=("$NSLAB_BIN/$1")
	case $1 in
	04-mount) demo_cmd+=(-r "$ROOTFS") ;;
	esac
}

# A command for the inside that reports its pid (as the host sees it) on
# the fifo "up", then blocks until a line arrives on "down" - so the test
# can act while the demo is in the middle of its work, without sleeping.
paused_cmd=(sh -c 'echo $$ >"$1"; read x <"$2"' _)

make_fifos() {
	mkfifo "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down"
	paused_cmd+=("$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down")
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
	run --separate-stderr "${demo_cmd[@]}" -q -- true
	assert_success
	assert_host_unchanged
}

@test "host-safety.1 every demo, run to the end, leaves the host as it was" {
	for_each_demo finish_quietly
}

fail_halfway() { # a command that is not there: the child fails after setup
	run -127 --separate-stderr "${demo_cmd[@]}" -q -- /nonexistent/nslab-command
	assert_host_unchanged
}

@test "host-safety.2 every demo whose command fails leaves the host as it was" {
	for_each_demo fail_halfway
}

fail_unprivileged() {
	run --separate-stderr as_nobody "${demo_cmd[@]}" -q -- true
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
	local demo status=0 inner
	make_fifos
	# 04 runs its command inside the rootfs: the fifos get there through
	# a volume.
	[ "$1" != 04-mount ] || demo_cmd+=(-V "$BATS_TEST_TMPDIR:$BATS_TEST_TMPDIR")
	set -m
	"${demo_cmd[@]}" -q -- "${paused_cmd[@]}" &
	demo=$!
	set +m
	read -r inner <"$BATS_TEST_TMPDIR/up"
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
# Run CMD... in a throwaway mount namespace with a shared root; print how
# that namespace's mount table changed (nothing, for a safe demo).
shared_root_diff() { # shared_root_diff CMD...
	unshare -m --propagation private bash -c '
		mount --make-rshared / || exit 3
		grep -q "shared:" <(awk "\$5 == \"/\"" /proc/self/mountinfo) || { echo "root is not shared"; exit 3; }
		before=$(awk "{ print \$5, \$4, \$6 }" /proc/self/mountinfo)
		"$@" -q -- true || exit 4
		after=$(awk "{ print \$5, \$4, \$6 }" /proc/self/mountinfo)
		diff <(echo "$before") <(echo "$after")' _ "$@"
}

on_shared_root() {
	need_cmd unshare util-linux
	run shared_root_diff "${demo_cmd[@]}"
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
	run shared_root_diff "$m/bin/04-mount" -r "$ROOTFS"
	assert_failure
	find "$ROOTFS" -xdev | sort | diff "$BATS_TEST_TMPDIR/rootfs.before" -
	assert_host_unchanged
}
