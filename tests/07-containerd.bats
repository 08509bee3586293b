#!/usr/bin/env bats
# Checks of 07-full-container under containerd, what Kubernetes runs
# on: `ctr run --runc-binary bin/07-full-container`. containerd's runc
# shim (containerd-shim-runc-v2) calls create, start, state, kill, exec
# and delete with --root and a JSON --log, and each check looks from the
# host: the init is our binary, the shim's child; the command is the
# init's, with the tmpfs at /run that containerd's default spec asks
# for; exec's status and kill's SIGTERM come back through the shim.
#
# containerd is the test's own: started by setup_file with its root,
# state and sockets below $BATS_FILE_TMPDIR, the CRI plugin off, and
# stopped by teardown_file. It runs in a mount namespace of its own with
# a tmpfs on /run, where the shims put their sockets (/run/containerd/s)
# whatever the config says, so that nothing of it reaches the host's
# /run. The container's root is a copy of the rootfs (ctr --rootfs:
# no image, no snapshotter), which the container may write to; 07c.4
# imports the rootfs as an image (scripts/oci-image.sh) and runs that,
# on containerd's overlayfs snapshotter.

# ROOTFS is set in ctr.bash (ctr_setup_file).
# shellcheck disable=SC2153
load helpers
load ctr

setup_file() {
	ctr_setup_file
	export CTRD_SKIP=
	if [ "$(id -u)" -ne 0 ]; then
		CTRD_SKIP="needs root (containerd)"
	elif ! command -v containerd >/dev/null || ! command -v ctr >/dev/null ||
		! command -v containerd-shim-runc-v2 >/dev/null; then
		CTRD_SKIP="needs 'containerd', 'ctr' and its runc shim (install the containerd package)"
	elif [ -z "$ROOTFS" ]; then
		CTRD_SKIP="no rootfs"
	fi
	[ -z "$CTRD_SKIP" ] || return 0
	export D=$BATS_FILE_TMPDIR/containerd
	mkdir -p "$D/fifo"
	cp -a "$ROOTFS" "$D/rootfs"
	cat >"$D/config.toml" <<-EOF
		version = 2
		root = "$D/root"
		state = "$D/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$D/containerd.sock"
		[ttrpc]
		  address = "$D/containerd.sock.ttrpc"
	EOF
	unshare -m --propagation private sh -c 'mount -t tmpfs nslab-containerd /run && exec containerd --config "$1"' \
		_ "$D/config.toml" >"$D/log" 2>&1 </dev/null 3>&- &
	echo $! >"$D/pid"
	wait_for test -S "$D/containerd.sock" ||
		CTRD_SKIP="containerd did not start: $(tail -n 1 "$D/log")"
}

teardown_file() {
	[ -n "${D:-}" ] && [ -f "$D/pid" ] || return 0
	local pid
	pid=$(cat "$D/pid")
	kill -TERM "$pid" 2>/dev/null || true
	wait_for gone "$pid"
}

setup() {
	[ -z "$CTRD_SKIP" ] || skip "$CTRD_SKIP"
	ctr_setup
	CT=(ctr --address "$D/containerd.sock")
	RUN=("${CT[@]}" run --fifo-dir "$D/fifo" --runc-binary "$CTR"
		--mount "type=bind,src=$T/io,dst=/mnt,options=rbind:rw" --rootfs)
	run_before=$(ls -d /run/containerd 2>/dev/null || true)
}

teardown() {
	[ -z "$CTRD_SKIP" ] || return 0
	local c
	for c in $("${CT[@]}" container ls -q 2>/dev/null); do
		"${CT[@]}" task kill -s KILL "$c" >/dev/null 2>&1 || true
		"${CT[@]}" task rm -f "$c" >/dev/null 2>&1 || true
		"${CT[@]}" container rm "$c" >/dev/null 2>&1 || true
	done
	ctr_teardown
}

# The command let go, ctr run (our job $ctr) ends with STATUS, having
# printed nothing, and the init is gone.
ended_with() { # ended_with STATUS
	local out=0
	resume
	wait "$ctr" || out=$?
	ctr=
	assert_equal "$out" "$1"
	assert_equal "$(cat "$T/out" "$T/err")" ""
	wait_for gone "$init"
}

# The pid of task ID, as ctr lists it.
task_pid() { "${CT[@]}" task ls | awk -v id="$1" '$1 == id { print $2 }'; }

# The init $init as the host sees it: this binary, the shim's child.
assert_our_init() {
	local p
	assert_equal "$(readlink "/proc/$init/exe")" "$CTR"
	p=$(awk '$1 == "PPid:" { print $2 }' "/proc/$init/status")
	assert_equal "$(readlink "/proc/$p/exe")" "$(command -v containerd-shim-runc-v2)"
}

assert_all_unchanged() {
	assert_host_unchanged
	assert_equal "$(ls -d /run/containerd 2>/dev/null || true)" "$run_before"
}

@test "07c.1 ctr run --rm: the shim's child is our init, the command its child with containerd's /run tmpfs; the status comes back; nothing left" {
	# shellcheck disable=SC2016
	"${RUN[@]}" --rm "$D/rootfs" c1 sh -c 'echo $$ >/mnt/up; cat /mnt/down >/dev/null; exit 3' \
		>"$T/out" 2>"$T/err" </dev/null &
	ctr=$!
	fifo_read inside "$T/io/up"
	assert_equal "$inside" 2
	init=$(task_pid c1)
	assert_our_init
	cmd=$(child_with_nspid "$init" 2)
	[ -n "$cmd" ]
	for ns in pid mnt uts ipc net; do
		[ "$(readlink "/proc/$cmd/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "$ns is the host's"
	done
	mounts_of "$cmd" | grep -qx '/run tmpfs rw,nosuid' || fail "no tmpfs at /run: $(mounts_of "$cmd")"
	grep ' /run ' "/proc/$cmd/mountinfo" | grep -q ' tmpfs rw,size=65536k,mode=755' ||
		fail "not the spec's size and mode: $(grep ' /run ' "/proc/$cmd/mountinfo")"
	ended_with 3
	run "${CT[@]}" container ls -q
	assert_output ""
	assert_all_unchanged
}

@test "07c.2 ctr run -d, task exec (its status), task kill (SIGTERM to a trap), task rm, container rm" {
	# shellcheck disable=SC2016
	"${RUN[@]}" -d "$D/rootfs" c2 \
		sh -c 'trap "echo got-TERM >/mnt/log; exit 0" TERM; echo $$ >/mnt/up; sleep 1000 & wait' \
		>"$T/out" 2>"$T/err" </dev/null
	fifo_read inside "$T/io/up"
	init=$(task_pid c2)
	assert_our_init
	# task exec: the shim calls exec --process --detach; the process is
	# in the container's PID namespace (its pid there above 2), and its
	# status reaches ctr.
	run "${CT[@]}" task exec --fifo-dir "$D/fifo" --exec-id x1 c2 sh -c 'echo $$; exit 5'
	assert_failure 5
	[ "$output" -gt 2 ]
	run "${CT[@]}" task kill c2
	assert_success
	wait_for gone "$init"
	assert_equal "$(cat "$T/io/log")" got-TERM
	run "${CT[@]}" task rm c2
	assert_success
	run "${CT[@]}" container rm c2
	assert_success
	assert_equal "$(cat "$T/out" "$T/err")" ""
	assert_all_unchanged
}

@test "07c.3 ctr run -t and task exec -t: the command's terminal is a pty of the container's own devpts, its master relayed by the shim; create holds none of its stdio past its end" {
	# script(1) gives ctr a terminal, as a user's would be. Its size is
	# not checked: ctr sets it on the pty once the task runs, after the
	# command may have asked (consoleSize is podman's way: 07p.3).
	# shellcheck disable=SC2016
	timeout "$(guard_s)" script -qec "$(printf '%q ' "${RUN[@]}")--rm -t $(printf '%q' "$D/rootfs") c3 sh -c 'tty; echo \$\$ >/mnt/up; read -r _ </mnt/down; exit 3'" /dev/null </dev/null >"$T/tty.out" 2>&1 &
	local pid=$!
	fifo_read inside "$T/io/up" || fail "no container: $(cat "$T/tty.out")"
	init=$(task_pid c3)
	assert_our_init
	# A second process with a terminal of its own, from the same devpts
	# (its size comes later: ctr task exec resizes it once it runs).
	run timeout "$(guard_s)" script -qec "$(printf '%q ' "${CT[@]}")task exec -t --fifo-dir $(printf '%q' "$D/fifo") --exec-id x3 c3 tty" /dev/null </dev/null
	assert_success
	# ctr answers script's empty stdin with a NUL typed into the pty,
	# which the terminal echoes as ^@ (ECHOCTL) before the output.
	assert_line --index 0 --regexp '^(\^@)?/dev/pts/[0-9]+[[:space:]]*$'
	resume
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 3
	tr -d '\0' <"$T/tty.out" | grep -qE '^(\^@)?/dev/pts/[0-9]+[[:space:]]*$' || fail "not a pty: $(cat -A "$T/tty.out")"
	wait_for gone "$init"
	assert_all_unchanged
}

@test "07c.4 ctr run of an image: containerd unpacks its layer into a snapshot and mounts an overlay as the bundle's rootfs; what the container writes lands in its own upper layer, never in the image; rm takes that layer away" {
	local upper lower n
	"$NSLAB_ROOT/scripts/oci-image.sh" "$ROOTFS" docker.io/library/nslab-busybox:latest "$T/image.tar"
	run "${CT[@]}" images import "$T/image.tar"
	assert_success
	run "${CT[@]}" images ls -q
	assert_output docker.io/library/nslab-busybox:latest
	# shellcheck disable=SC2016
	"${CT[@]}" run --fifo-dir "$D/fifo" --runc-binary "$CTR" \
		--mount "type=bind,src=$T/io,dst=/mnt,options=rbind:rw" --rm \
		docker.io/library/nslab-busybox:latest c4 \
		sh -c 'echo written >/etc/by-c4; echo $$ >/mnt/up; cat /mnt/down >/dev/null; exit 3' \
		>"$T/out" 2>"$T/err" </dev/null &
	ctr=$!
	fifo_read inside "$T/io/up"
	init=$(task_pid c4)
	assert_our_init
	cmd=$(child_with_nspid "$init" 2)
	# Its / is an overlay, as the shim mounted it in the bundle before
	# create: the image's snapshot below, the container's own above.
	mounts_of "$cmd" | grep -q '^/ overlay ' || fail "/ is not an overlay: $(mounts_of "$cmd")"
	upper=$(awk '$5 == "/" { print $NF }' "/proc/$cmd/mountinfo" | tr ',' '\n' | sed -n 's/^upperdir=//p')
	lower=$(awk '$5 == "/" { print $NF }' "/proc/$cmd/mountinfo" | tr ',' '\n' | sed -n 's/^lowerdir=//p')
	[ -d "$upper" ] && [ -d "$lower" ] || fail "no upper or lower: $(grep ' / / ' "/proc/$cmd/mountinfo")"
	# From the host: the file the container wrote is in its upper layer,
	# and not in the image's snapshot nor in the rootfs it was made of.
	assert_equal "$(cat "$upper/etc/by-c4")" written
	[ ! -e "$lower/etc/by-c4" ]
	[ ! -e "$ROOTFS/etc/by-c4" ]
	[ -x "$lower/bin/busybox" ]
	n=$("${CT[@]}" snapshots ls | grep -c Active)
	assert_equal "$n" 1
	ended_with 3
	# --rm: the container and its snapshot are gone (its directory a
	# moment later, by containerd's garbage collector); the image's
	# snapshot stays, for the next container.
	run "${CT[@]}" snapshots ls
	refute_output --partial Active
	assert_output --partial Committed
	wait_for test ! -e "$upper"
	run "${CT[@]}" container ls -q
	assert_output ""
	"${CT[@]}" images rm docker.io/library/nslab-busybox:latest >/dev/null
	assert_all_unchanged
}
