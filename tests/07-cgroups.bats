#!/usr/bin/env bats
# Lab checks for 07-full-container's resource limits: --memory, --pids and
# --cpus, each against the real kernel, and the container's cgroups seen
# from OUTSIDE - the host's /proc/PID/cgroup of its processes and the
# host's cgroupfs - while its command is held on a fifo (see
# tests/07-full-container.bats for the fifos: nothing waits on a sleep).
#
# The hierarchy differs from host to host: cgroup v2 alone, v1 alone, or
# hybrid (v1 controllers beside an empty cgroup2 mount). The checks ask
# the kernel which one serves each controller, the way the runtime does,
# and read the files of that one: memory.max or memory.limit_in_bytes,
# cpu.max or cpu.cfs_quota_us. Every cgroup a check sees is below the
# test's own cgroup, where the runtime makes them.
#
# The command that takes too much is tests/probes/hog (static C, copied
# into a copy of the rootfs): `hog mem BYTES` writes every page it
# allocates, `hog fork N` forks until fork() fails and says how far it got.

load helpers
load ctr

setup_file() {
	ctr_setup_file
	HOG_WHY=''
	if [ -n "$ROOTFS" ]; then
		HROOTFS=$BATS_FILE_TMPDIR/rootfs-hog
		cp -a "$ROOTFS" "$HROOTFS"
		if make -s -C "$NSLAB_ROOT/tests/probes" BINDIR="$BATS_FILE_TMPDIR/probes" \
			"$BATS_FILE_TMPDIR/probes/hog" >"$BATS_FILE_TMPDIR/build.log" 2>&1; then
			cp "$BATS_FILE_TMPDIR/probes/hog" "$HROOTFS/hog"
		else
			HOG_WHY="hog did not build (a static glibc is needed: libc6-dev): $(tail -n 1 "$BATS_FILE_TMPDIR/build.log")"
		fi
	fi
	export HROOTFS HOG_WHY
}

setup() {
	ctr_setup
}

teardown() {
	ctr_teardown
}

need_hog() {
	[ -z "$HOG_WHY" ] || skip "$HOG_WHY"
}

# --- cgroups, from outside ------------------------------------------------------------

# The nslab cgroups of container NAME run by RUNTIME, in every hierarchy:
# nslab-NAME.RUNTIME, or NAME.RUNTIME when NAME starts with "nslab-" (as
# random_name's do: the runtime does not say "nslab-" twice).
cgroup_leaf() { # cgroup_leaf NAME RUNTIME
	case $1 in nslab-*) echo "$1.$2" ;; *) echo "nslab-$1.$2" ;; esac
}
cgroups_named() { # cgroups_named NAME RUNTIME
	nslab_cgroups | grep -F "/$(cgroup_leaf "$1" "$2")" | grep "\.$2\$" || true
}

# --- memory ------------------------------------------------------------------------------

@test "07c.1 --memory 64M: a command that takes 100M is OOM-killed: 137, 'out of memory (limit 64M)'; 16M is fine" {
	need_root
	need_hog
	[ "$(served_by memory)" != 0 ] || skip "no memory controller on this kernel"
	run --separate-stderr "$CTR" run -q --memory 64M "$HROOTFS" /hog mem 104857600
	assert_equal "$status" 137
	assert_output ""
	[[ $stderr == *"out of memory (limit 64M)"* ]] || fail "no OOM line: $stderr"
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	# Within the limit, the same program runs to its end.
	run --separate-stderr "$CTR" run -q --memory 64M "$HROOTFS" /hog mem 16777216
	assert_success
	assert_output "allocated 16777216"
	assert_equal "$stderr" ""
	# busybox's own tools, no hog: tail keeps its whole input when it has
	# no newline. A pipeline's status is its last command's: 137.
	run --separate-stderr "$CTR" run -q --memory 64m "$ROOTFS" sh -c \
		'head -c 104857600 /dev/zero | tail >/dev/null'
	assert_equal "$status" 137
	[[ $stderr == *"out of memory (limit 64M)"* ]]
	assert_host_unchanged
}

# --- pids ----------------------------------------------------------------------------------

@test "07c.2 --pids 32: a fork bomb inside stops at the limit (EAGAIN); the host forks on" {
	need_root
	need_hog
	local forked
	[ "$(served_by pids)" != 0 ] || skip "no pids controller on this kernel"
	run --separate-stderr "$CTR" run -q --pids 32 "$HROOTFS" /hog fork 1000
	assert_success
	assert_output --regexp '^forked [0-9]+ of 1000: fork: Resource temporarily unavailable$'
	forked=$(awk '{ print $2 }' <<<"$output")
	# The init and hog are two of the 32.
	[ "$forked" -le 30 ] || fail "forked $forked"
	[ "$forked" -ge 20 ] || fail "forked only $forked"
	# The host is fine: it can still fork.
	run sh -c 'true & wait $!'
	assert_success
	assert_host_unchanged
}

# --- cpu, and all three seen in the host's cgroupfs ------------------------------------

@test "07c.3 the limits are in the host's cgroupfs while it runs: cpu quota 50000 per 100000, memory 64M, pids.max 32" {
	need_root
	local f v
	[ "$(served_by cpu)" != 0 ] || skip "no cpu controller on this kernel"
	start_ctr --memory 64M --pids 32 --cpus 0.5 "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	if [ "$(served_by cpu)" = 2 ]; then
		assert_equal "$(cat "$(cgroup_of "$init" '')/cpu.max")" "50000 100000"
	else
		f=$(cgroup_of "$init" cpu)
		assert_equal "$(cat "$f/cpu.cfs_quota_us")" 50000
		assert_equal "$(cat "$f/cpu.cfs_period_us")" 100000
	fi
	v=$(cat "$(limit_file "$init" memory memory.max memory.limit_in_bytes)")
	assert_equal "$v" $((64 << 20))
	v=$(cat "$(limit_file "$init" pids pids.max pids.max)")
	assert_equal "$v" 32
	# The narration names the hierarchy of each controller.
	grep -Eq "cgroups: memory on v[12], pids on v[12], cpu on v[12]" "$T/stderr"
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

# --- where the processes are --------------------------------------------------------------

@test "07c.4 the init and the command are in the container's cgroups, seen as / inside; exec's command joins them" {
	need_root
	local name line dirs d pid inside2 execpid found
	name=$(random_name)
	start_ctr -q --name "$name" --pids 32 "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	# From the host: the pids cgroup (and the cgroup2 one, where mounted)
	# of init and command is NAME.RUNTIME (NAME is nslab-...), below the
	# test's own on v1, in nslab's own on v2 - never nslab-nslab-...
	dirs=$(cgroups_named "$name" "$ctr")
	[ -n "$dirs" ]
	for pid in "$init" "$cmd"; do
		grep -q ":/.*/$name\.$ctr\$" "/proc/$pid/cgroup"
		[ "$(served_by pids)" != 1 ] || [[ $(cgroup_of "$pid" pids) == */"$name.$ctr" ]]
		if grep -q '^0::' /proc/self/cgroup; then
			[[ $(cgroup_of "$pid" '') == */"$name.$ctr" ]]
		fi
	done
	# From inside: its cgroup namespace's root is that cgroup, in every
	# hierarchy: every line of /proc/self/cgroup ends in ":/".
	run --separate-stderr "$CTR" exec -q "$name" cat /proc/self/cgroup
	assert_success
	[ -n "$output" ]
	while IFS= read -r line; do
		[[ $line == *:/ ]] || fail "inside, not /: $line"
	done <<<"$output"
	# exec's command, held on a fifo of its own, is in the same cgroups.
	mkfifo -m 666 "$T/io/up2" "$T/io/down2"
	"$CTR" exec -q "$name" sh -c 'echo $$ >/mnt/up2; exec head -n 1 </mnt/down2 >/dev/null' 3>&- &
	execpid=$!
	fifo_read inside2 "$T/io/up2"
	# Its pid in the container, found in the container's cgroup.procs.
	for d in $dirs; do
		found=''
		while read -r pid; do
			[ "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$pid/status")" != "$inside2" ] || found=$pid
		done <"$d/cgroup.procs"
		[ -n "$found" ] || fail "exec's command is not in $d: $(cat "$d/cgroup.procs")"
	done
	resume "$T/io/down2"
	wait "$execpid"
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

# --- nothing left -------------------------------------------------------------------------

@test "07c.5 no cgroup left: after an exit, after a failure halfway, after SIGKILL of the runtime (ps, then run, sweep it)" {
	need_root
	local name runtime
	# A normal exit, with every limit.
	run "$CTR" run -q --memory 64M --pids 32 --cpus 0.5 "$ROOTFS" true
	assert_success
	assert_host_unchanged
	# A failure halfway: the cgroups are made and the init is in them
	# when its volume turns out to be missing.
	run -125 --separate-stderr "$CTR" run -q --memory 64M --pids 32 \
		-v "$T/no-such-dir:/mnt" "$ROOTFS" true
	assert_host_unchanged
	# SIGKILL: the runtime cannot clean up; its cgroups stay, stale.
	name=$(random_name)
	start_ctr -q --name "$name" --memory 64M --pids 32 "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	runtime=$ctr
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	wait_for gone "$init" "$cmd"
	[ -n "$(cgroups_named "$name" "$runtime")" ]
	run --separate-stderr "$CTR" ps
	assert_success
	[[ $stderr == *"removed cgroup "*"/$name.$runtime, left by run $runtime, which is gone"* ]]
	assert_equal "$(cgroups_named "$name" "$runtime")" ""
	assert_host_unchanged
	# Again, and this time the next run sweeps it.
	name=$(random_name)
	start_ctr -q --name "$name" --pids 32 "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	runtime=$ctr
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	wait_for gone "$init" "$cmd"
	[ -n "$(cgroups_named "$name" "$runtime")" ]
	run --separate-stderr "$CTR" run "$ROOTFS" true
	assert_success
	[[ $stderr == *"removed cgroup "*"/$name.$runtime, left by run $runtime"* ]]
	assert_host_unchanged
}

# --- rootless ------------------------------------------------------------------------------

# Could the rootless user make a cgroup for CONTROLLER ("" for cgroup2)
# under its own? Only where that directory is delegated to it.
delegated() { # delegated CONTROLLER
	local d
	d=$(cgroup_of self "$1")
	[ -n "$d" ] && "${AS[@]}" test -w "$d"
}

@test "07c.6 rootless: no limit, no cgroup needed; a limit it cannot have is refused in one line (125), nothing left" {
	as_rootless # sets RROOTFS and AS (tests/ctr.bash)
	local opt ctrl
	# shellcheck disable=SC2153 # RROOTFS is as_rootless's
	# No limit: it runs, and --verbose says why it has no cgroup of its own.
	run --separate-stderr "${AS[@]}" "$CTR" run --verbose "$RROOTFS" true
	assert_success
	if ! delegated ''; then
		[[ $stderr == *"no cgroup v2 of its own"* || $stderr == *"no cgroup2 mount"* ]] ||
			fail "not said: $stderr"
	fi
	for opt in "--memory 64M" "--pids 32" "--cpus 0.5"; do
		ctrl=$(case $opt in --memory*) echo memory ;; --pids*) echo pids ;; *) echo cpu ;; esac)
		if [ "$(served_by "$ctrl")" = 2 ] && delegated ''; then
			# A delegated v2 subtree, but this shell is in it too: the
			# runtime may not move it, so its scope cannot hand on a
			# controller - it says so, and how to get a scope of its own
			# (07c.8 runs there).
			# shellcheck disable=SC2086 # the option and its value, two words
			run -125 --separate-stderr "${AS[@]}" "$CTR" run -q $opt "$RROOTFS" true
			[[ $(sed -n 1p <<<"$stderr") == *"error: "*"cgroup.procs: "*"other process"* ]] ||
				fail "$opt: $stderr"
			[[ $(sed -n 2p <<<"$stderr") == *"hint: "*"systemd-run --user --scope -p Delegate=yes"* ]]
			continue
		fi
		# shellcheck disable=SC2086 # the option and its value, two words
		run -125 --separate-stderr "${AS[@]}" "$CTR" run -q $opt "$RROOTFS" true
		assert_output ""
		[[ $(sed -n 1p <<<"$stderr") == *"error: "*"Permission denied"* ]] || fail "$opt: $stderr"
		[ "$(wc -l <<<"$stderr")" -eq 2 ]
		if [ "$(served_by "$ctrl")" = 1 ]; then
			[[ $(sed -n 2p <<<"$stderr") == *"hint: "*"cgroup v1 has no safe delegation"* ]]
		else
			[[ $(sed -n 2p <<<"$stderr") == *"hint: "*"Delegate=yes"* ]]
		fi
	done
	assert_host_unchanged
}

# --- born in its cgroup ----------------------------------------------------------------------

@test "07c.7 the init is born in its cgroup v2 (clone3 CLONE_INTO_CGROUP): paused right after clone, before any move, the host already sees it there" {
	need_root
	local v2 name line err runtime
	v2=$(cgroup_of self '')
	[ -n "$v2" ] || skip "no cgroup2 mount: no cgroup v2 to be born in"
	name=$(random_name)
	mkfifo "$T/err"
	# At "cloned" the runtime has cloned the init and stops: a runtime
	# that moves the init (cgroup.procs) has not done it yet.
	NSLAB_PAUSE_AT=cloned "$CTR" run -q --name "$name" "$ROOTFS" true 2>"$T/err" 3>&- &
	ctr=$!
	runtime=$ctr
	exec {err}<"$T/err"
	while IFS= read -r -t 10 line <&"$err"; do
		[[ $line != *"paused at cloned (NSLAB_PAUSE_AT)"* ]] || break
	done
	[[ $line == *"paused at cloned"* ]] || fail "run never paused at cloned"
	init=$(children_of "$ctr")
	[[ $init =~ ^[0-9]+$ ]]
	# As root, its home on cgroup v2 is nslab's own below the root.
	assert_equal "$(cgroup_of "$init" '')" "$(cgroup_dir '' /)/nslab/$name.$runtime"
	# The runtime killed there leaves the cgroup; ps sweeps it.
	kill -KILL "$ctr"
	wait "$ctr" || true
	exec {err}<&-
	ctr=
	wait_for gone "$init"
	run --separate-stderr "$CTR" ps
	assert_success
	assert_equal "$(cgroups_named "$name" "$runtime")" ""
	assert_host_unchanged
}

# --- rootless, with limits -------------------------------------------------------------------

@test "07c.8 rootless in a scope of its own (systemd-run --user --scope -p Delegate=yes): the runtime moves into a leaf, the limits are in the host's cgroupfs, the scope is as it was after" {
	local own leaf f v
	[ "$(id -u)" -ne 0 ] || skip "as root, the unprivileged side is nobody, who has no systemd of its own: make vm-test runs this as a user"
	[ "$(served_by memory)" = 2 ] && [ "$(served_by pids)" = 2 ] ||
		skip "memory and pids are not on cgroup v2 here: rootless limits need a cgroup v2 host"
	need_cmd systemd-run systemd
	systemd-run --user --scope -q true 2>/dev/null ||
		skip "systemd-run --user --scope does not work here (no user manager: a login session has one)"
	AS=(systemd-run --user --scope -q -p Delegate=yes)
	start_ctr -q --memory 64M --pids 32 "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	# The runtime is in its leaf nslab.PID; the scope above it holds
	# nothing and hands memory and pids on; the container is beside it.
	leaf=$(cgroup_of "$ctr" '')
	[[ $leaf == */nslab."$ctr" ]] || fail "the runtime is in $leaf"
	own=${leaf%/*}
	assert_equal "$(cat "$own/cgroup.procs")" ""
	grep -qw memory "$own/cgroup.subtree_control"
	grep -qw pids "$own/cgroup.subtree_control"
	f=$(cgroup_of "$init" '')
	assert_equal "${f%/*}" "$own"
	v=$(cat "$f/memory.max")
	assert_equal "$v" $((64 << 20))
	assert_equal "$(cat "$f/pids.max")" 32
	resume
	wait_ctr
	assert_equal "$status" 0
	# The OOM killer ends a command over its limit: 137 and one line.
	if [ -z "$HOG_WHY" ]; then
		run --separate-stderr "${AS[@]}" "$CTR" run -q --memory 32M "$HROOTFS" /hog mem 67108864
		assert_equal "$status" 137
		[[ $stderr == *"out of memory (limit 32M)"* ]] || fail "no OOM line: $stderr"
	fi
	assert_host_unchanged
}

