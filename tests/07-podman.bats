#!/usr/bin/env bats
# Checks of 07-full-container under a real engine: podman, told
# `--runtime bin/07-full-container`, runs an image imported from our
# rootfs (podman import). podman writes config.json and process.json,
# conmon calls create, start, state, kill, delete and exec --process, and
# each check looks from the host: the container's init is our binary,
# conmon's child, with its state in /run/nslab-oci; the command is the
# init's; stop's SIGTERM reaches a trap; rm leaves nothing.
#
# podman runs in a sandbox of this file's own, scripts/podman-sandbox.sh's
# (its store, run and tmp directories below $BATS_FILE_TMPDIR, vfs
# storage, no network), with cgroups disabled: this machine's own
# cgroups are not a test's to touch. 07p.6 turns them on where cgroup v2
# holds the controllers (make vm-test's VM, a learner's machine), with
# both of podman's cgroup managers.

# ROOTFS is set in ctr.bash (ctr_setup_file).
# shellcheck disable=SC2153
load helpers
load ctr

setup_file() {
	ctr_setup_file
	export PODMAN_SKIP=
	if [ "$(id -u)" -ne 0 ]; then
		PODMAN_SKIP="needs root (rootful podman)"
	elif ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
		PODMAN_SKIP="needs 'podman' and 'conmon' (install the podman package)"
	elif [ -z "$ROOTFS" ]; then
		PODMAN_SKIP="no rootfs"
	fi
	[ -z "$PODMAN_SKIP" ] || return 0
	export D=$BATS_FILE_TMPDIR/podman
	"$NSLAB_ROOT/scripts/podman-sandbox.sh" make "$D" "$ROOTFS" >"$BATS_FILE_TMPDIR/import.log" 2>&1 ||
		PODMAN_SKIP="podman import failed: $(tail -n 1 "$BATS_FILE_TMPDIR/import.log")"
	rootless_setup
}

# Rootless podman's user: made for this file, with subordinate ids (the
# account files are saved first and put back by teardown_file), and a
# directory of its own, $RL: its HOME, its XDG_RUNTIME_DIR, a copy of
# the rootfs it owns and its podman sandbox.
RL_USER=nslab-podman
RL_RANGE=300000-365535
rootless_setup() {
	export RL=$BATS_FILE_TMPDIR/rootless RL_SKIP="needs newuidmap and newgidmap (install the uidmap package)"
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || return 0
	RL_SKIP="needs user namespaces for users (see /proc/sys/user/max_user_namespaces)"
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>/dev/null || return 0
	RL_SKIP="could not make the user $RL_USER (useradd, usermod)"
	command -v useradd >/dev/null || return 0
	save_accounts
	make_sub_user "$RL_USER" "$RL_RANGE" || return 0
	mkdir -p "$RL/home" "$RL/xdg"
	chmod 700 "$RL/xdg"
	cp -a "$ROOTFS" "$RL/rootfs"
	chown -R "$RL_USER:" "$RL"
	as_rl "$NSLAB_ROOT/scripts/podman-sandbox.sh" make "$RL/pm" "$RL/rootfs" >"$BATS_FILE_TMPDIR/rl-import.log" 2>&1 || {
		RL_SKIP="rootless podman import failed: $(tail -n 1 "$BATS_FILE_TMPDIR/rl-import.log")"
		return 0
	}
	RL_SKIP=
}

# CMD as the rootless user, in its own HOME and XDG_RUNTIME_DIR (AS_RL:
# the same, as words, for script(1)'s command line).
as_rl() {
	local AS_RL
	as_rl_words
	"${AS_RL[@]}" "$@"
}
as_rl_words() {
	AS_RL=(setpriv "--reuid=$RL_USER" "--regid=$RL_USER" --init-groups
		env -i PATH=/usr/local/bin:/usr/bin:/bin "HOME=$RL/home" "XDG_RUNTIME_DIR=$RL/xdg")
}

teardown_file() {
	[ -z "${D:-}" ] || "$NSLAB_ROOT/scripts/podman-sandbox.sh" remove "$D"
	if [ -n "${RL:-}" ] && [ -x "$RL/pm/podman" ]; then
		as_rl "$NSLAB_ROOT/scripts/podman-sandbox.sh" remove "$RL/pm"
	fi
	restore_accounts
}

setup() {
	[ -z "$PODMAN_SKIP" ] || skip "$PODMAN_SKIP"
	ctr_setup
	PM=("$D/podman" --runtime "$NSLAB_BIN/07-full-container")
	podman_before=$(podman_traces)
}

teardown() {
	[ -z "$PODMAN_SKIP" ] || return 0
	"${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1 || true
	podman_cgroups_undo
	ctr_teardown
}

# What podman's cgroupfs manager leaves of 07p.6: the parent it was given
# ($P6), holding conmon's cgroup, and on the way from the root down every
# controller of cgroup.controllers enabled in cgroup.subtree_control.
# Podman's, not the runtime's (its container cgroup is gone with rm); put
# back as it was ($P6_ROOT_CTL) once conmon has left.
P6='' P6_ROOT_CTL=''
podman_cgroups_undo() {
	local top c now
	[ -n "$P6" ] || return 0
	top=$(cgroup_dir '' /)
	[ ! -d "$top$P6/conmon" ] || wait_for no_procs "$top$P6/conmon"
	rmdir "$top$P6/conmon" "$top$P6" 2>/dev/null || true
	read -ra now <"$top/cgroup.subtree_control"
	for c in "${now[@]}"; do
		[[ " $P6_ROOT_CTL " == *" $c "* ]] || echo "-$c" >"$top/cgroup.subtree_control"
	done
	P6=''
}
no_procs() { [ ! -s "$1/cgroup.procs" ]; }

# What podman leaves on a host outside its store, when it leaves it.
podman_traces() {
	ls -d /var/lib/containers /etc/cni/net.d/cni.lock /run/libpod /run/containers \
		/run/crun 2>/dev/null || true
}

# The host as it was, podman's places included.
assert_all_unchanged() {
	assert_host_unchanged
	assert_equal "$(podman_traces)" "$podman_before"
}

# The container podman calls ID: its init's pid, from our state.json.
init_of() { # init_of ID
	grep -o '"pid":[0-9]*' "/run/nslab-oci/$1/state.json" | cut -d: -f2
}

@test "07p.1 podman run --rm: the init is our binary, conmon's child, the command its; the status comes back; rm leaves nothing" {
	local id out p
	# shellcheck disable=SC2016
	"${PM[@]}" run --rm -v "$T/io:/mnt" nslab-busybox sh -c 'echo $$ >/mnt/up; cat /mnt/down >/dev/null; hostname; exit 3' \
		>"$T/out" 2>"$T/err" &
	ctr=$!
	fifo_read inside "$T/io/up"
	assert_equal "$inside" 2 # the init is 1
	id=$(find /run/nslab-oci -mindepth 1 -maxdepth 1 -printf '%f\n')
	[ "$(wc -w <<<"$id")" -eq 1 ] || fail "containers in /run/nslab-oci: $id"
	init=$(init_of "$id")
	assert_equal "$(readlink "/proc/$init/exe")" "$CTR"
	p=$(awk '$1 == "PPid:" { print $2 }' "/proc/$init/status")
	assert_equal "$(readlink "/proc/$p/exe")" "$(command -v conmon)"
	cmd=$(child_with_nspid "$init" 2)
	[ -n "$cmd" ]
	for ns in pid mnt uts ipc; do
		[ "$(readlink "/proc/$cmd/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "$ns is the host's"
	done
	resume
	out=0
	wait "$ctr" || out=$?
	ctr=
	assert_equal "$out" 3
	assert_equal "$(cat "$T/out")" "${id:0:12}" # podman's hostname: the id's start
	assert_equal "$(cat "$T/err")" ""
	[ ! -e "/run/nslab-oci/$id" ]
	run "${PM[@]}" ps -a -q
	assert_output ""
	assert_all_unchanged
}

@test "07p.2 podman run -d, exec (its status, and -it), stop (SIGTERM to a trap), rm" {
	local id out
	# shellcheck disable=SC2016
	id=$("${PM[@]}" run -d --name p2 -v "$T/io:/mnt" nslab-busybox \
		sh -c 'trap "echo got-TERM >/mnt/log; exit 0" TERM; echo $$ >/mnt/up; sleep 1000 & wait')
	fifo_read inside "$T/io/up"
	init=$(init_of "$id")
	assert_equal "$(readlink "/proc/$init/exe")" "$CTR"
	# exec: conmon calls exec --process --detach; the process joins the
	# container's namespaces (its pid there is neither 1 nor 2) and
	# its status reaches podman.
	run "${PM[@]}" exec p2 sh -c 'echo $$; hostname; exit 5'
	assert_failure 5
	[ "${lines[0]}" -gt 2 ]
	assert_equal "${lines[1]}" "${id:0:12}"
	# exec -it: a pty of the container's devpts, sent to conmon.
	run timeout "$(guard_s)" script -qec "stty cols 91 rows 23; $(printf '%q ' "${PM[@]}")exec -it p2 sh -c 'tty; stty size'" /dev/null </dev/null
	assert_success
	assert_output --regexp '/dev/pts/[0-9]+'
	assert_output --partial '23 91'
	# stop: kill ID 15, which the init passes on to the command.
	run "${PM[@]}" stop -t 30 p2
	assert_success
	assert_equal "$(cat "$T/io/log")" got-TERM
	wait_for gone "$init"
	run "${PM[@]}" inspect --format '{{.State.ExitCode}}' p2
	assert_output 0
	run "${PM[@]}" rm p2
	assert_success
	[ ! -e "/run/nslab-oci/$id" ]
	assert_all_unchanged
}

@test "07p.3 podman run -it: the command's terminal is a pty of the container's own devpts, sized as ours; keys typed reach it" {
	run timeout "$(guard_s)" script -qec "stty cols 77 rows 22; $(printf '%q ' "${PM[@]}")run --rm -it nslab-busybox sh -c 'tty; stty size; exit 3'" /dev/null </dev/null
	assert_failure 3
	assert_output --partial '/dev/pts/0'
	assert_output --partial '22 77'
	# shellcheck disable=SC2016
	run timeout "$(guard_s)" script -qec "$(printf '%q ' "${PM[@]}")run --rm -it nslab-busybox sh" /dev/null <<<'echo typed-$((6 * 7)); exit 4'
	assert_failure 4
	assert_output --partial 'typed-42'
	assert_all_unchanged
}

@test "07p.4 seccomp: podman's default profile and a profile of the user's, compiled by nslab; what they leave out fails with their errno, in run and in exec" {
	local id bundle
	make -s -C "$NSLAB_ROOT/tests/probes" BINDIR="$T/probes" "$T/probes/probe" >/dev/null
	# podman's default profile names add_key nowhere: its defaultAction
	# answers, ERRNO with its defaultErrnoRet, 38 (ENOSYS); run's own
	# filter answers EPERM. The probe's keyctl line says what add_key
	# got (and calls the container escaped: the profile allows keyctl,
	# which run's filter refuses; crun gives the same profile).
	# shellcheck disable=SC2016
	id=$("${PM[@]}" run -d -v "$T/io:/mnt" -v "$T/probes:/p:ro" nslab-busybox \
		sh -c 'echo $$ >/mnt/up; /p/probe --only keyctl >/mnt/probe; cat /mnt/down >/dev/null')
	fifo_read inside "$T/io/up"
	init=$(init_of "$id")
	cmd=$(child_with_nspid "$init" 2)
	# From the host: the command runs under one filter, the one the
	# state directory keeps for exec; podman's config.json asked for it.
	assert_equal "$(awk '$1 == "Seccomp:" { print $2 }' "/proc/$cmd/status")" 2
	assert_equal "$(awk '$1 == "Seccomp_filters:" { print $2 }' "/proc/$cmd/status")" 1
	bundle=$(grep -o '"bundle":"[^"]*"' "/run/nslab-oci/$id/state.json" | cut -d'"' -f4)
	grep -q '"defaultErrnoRet":38' "$bundle/config.json"
	[ -s "/run/nslab-oci/$id/seccomp.bpf" ]
	resume
	wait_for gone "$cmd"
	run cat "$T/io/probe"
	assert_output --partial 'keyctl: add_key: Function not implemented'
	"${PM[@]}" rm -f "$id" >/dev/null

	# A profile of the user's (--security-opt seccomp=FILE, podman's
	# format): everything allowed but world-writable modes, refused
	# with EACCES (SCMP_CMP_MASKED_EQ on chmod's mode), and a mkdir
	# refused whatever its arguments, with ENOTSUP.
	cat >"$T/profile.json" <<-'JSON'
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "syscalls": [
		  {"names": ["chmod", "fchmodat", "fchmod", "no_such_call"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		   "args": [{"index": 1, "value": 2, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]},
		  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}]}
	JSON
	rm -f "$T/io/up"
	mkfifo "$T/io/up"
	# shellcheck disable=SC2016
	"${PM[@]}" run -d --name p4 --security-opt "seccomp=$T/profile.json" -v "$T/io:/mnt" nslab-busybox \
		sh -c 'touch /mnt/f; chmod 640 /mnt/f; chmod 646 /mnt/f 2>/mnt/chmod.err; mkdir /mnt/d 2>/mnt/mkdir.err; echo $$ >/mnt/up; sleep 1000 & wait' >/dev/null
	fifo_read inside "$T/io/up"
	# The host sees what passed and what did not: mode 640, no d.
	assert_equal "$(stat -c %a "$T/io/f")" 640
	[ ! -e "$T/io/d" ]
	assert_equal "$(cat "$T/io/chmod.err")" "chmod: /mnt/f: Permission denied"
	assert_equal "$(cat "$T/io/mkdir.err")" "mkdir: can't create directory '/mnt/d': Operation not supported"
	# exec gets the same filter: kept from create, not read again.
	run "${PM[@]}" exec p4 sh -c 'chmod 606 /mnt/f; mkdir /mnt/d2; chmod 600 /mnt/f'
	assert_success # the last chmod's
	assert_line "chmod: /mnt/f: Permission denied"
	assert_line "mkdir: can't create directory '/mnt/d2': Operation not supported"
	assert_equal "$(stat -c %a "$T/io/f")" 600
	[ ! -e "$T/io/d2" ]
	"${PM[@]}" rm -f -t 0 p4 >/dev/null
	assert_all_unchanged
}

@test "07p.5 rootless podman: a user's podman runs the runtime as root of its user namespace, the state in the user's XDG_RUNTIME_DIR; run --rm, -d, exec, stop, rm and -it as rootful" {
	[ -z "$RL_SKIP" ] || skip "$RL_SKIP"
	local uid sub id out AS_RL rl
	as_rl_words
	rl=("${AS_RL[@]}" "$RL/pm/podman" --runtime "$CTR")
	uid=$(id -u "$RL_USER")
	sub=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	# podman's own user namespace maps root to the user and 1 on to its
	# subordinate ids; the config asks for none of its own.
	run --separate-stderr "${rl[@]}" run --rm nslab-busybox sh -c 'id -u; cat /proc/self/uid_map; exit 3'
	assert_failure 3
	assert_equal "$(awk '{ $1 = $1; print }' <<<"$output")" "0
0 $uid 1
1 $sub 65536"
	# -d: from the host, the init is our binary, run by the user, and its
	# state is in the user's XDG_RUNTIME_DIR: root there may not write
	# /run.
	# shellcheck disable=SC2016
	id=$("${rl[@]}" run -d -v "$T/io:/mnt" nslab-busybox \
		sh -c 'trap "echo got-TERM >/mnt/log; exit 0" TERM; echo $$ >/mnt/up; sleep 1000 & wait')
	fifo_read inside "$T/io/up"
	init=$(grep -o '"pid":[0-9]*' "$RL/xdg/nslab-oci/$id/state.json" | cut -d: -f2)
	assert_equal "$(readlink "/proc/$init/exe")" "$CTR"
	assert_equal "$(status_of "$init" Uid)" "$uid $uid $uid $uid"
	[ ! -e /run/nslab-oci ]
	run "${rl[@]}" exec "$id" sh -c 'id -u; exit 5'
	assert_failure 5
	assert_equal "${lines[-1]}" 0
	run timeout "$(guard_s)" script -qec "$(printf '%q ' "${rl[@]}") exec -it $id sh -c 'tty'" /dev/null </dev/null
	assert_success
	assert_output --regexp '/dev/pts/[0-9]+'
	run "${rl[@]}" stop -t 30 "$id"
	assert_success
	assert_equal "$(cat "$T/io/log")" got-TERM
	wait_for gone "$init"
	out=$("${rl[@]}" inspect --format '{{.State.ExitCode}}' "$id")
	assert_equal "$out" 0
	"${rl[@]}" rm "$id" >/dev/null
	[ ! -e "$RL/xdg/nslab-oci" ]
	# -it, run: the terminal is a pty of the container's own devpts.
	run timeout "$(guard_s)" script -qec "$(printf '%q ' "${rl[@]}") run --rm -it nslab-busybox sh -c 'tty; exit 4'" /dev/null </dev/null
	assert_failure 4
	assert_output --regexp '/dev/pts/[0-9]+'
	run "${rl[@]}" ps -a -q
	assert_output ""
	assert_all_unchanged
}

@test "07p.6 podman with cgroups on cgroup v2: with either manager, the container's cgroup is the one podman names, holding its limits; exec joins it; rm removes it" {
	[ "$(served_by pids)" = 2 ] || skip "cgroup v1 holds the controllers here: podman's cgroups would be made at the roots of this machine's v1 hierarchies, outside this check's own (make vm-test runs it on cgroup v2)"
	local top cg id slice_was=0
	top=$(cgroup_dir '' /)
	P6=/nslab-p6.$$
	[ ! -e "$top$P6" ] || skip "$top$P6 is there already"
	P6_ROOT_CTL=$(cat "$top/cgroup.subtree_control")
	# The cgroupfs manager: podman asks for PARENT/libpod-ID, the
	# runtime makes it and writes the limits. The sandbox's config says
	# cgroups = "disabled"; --cgroups=enabled overrides it for this run.
	# shellcheck disable=SC2016
	id=$("${PM[@]}" run -d --cgroups=enabled --cgroup-parent="$P6" --pids-limit 32 --memory 64m \
		-v "$T/io:/mnt" nslab-busybox \
		sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max >/mnt/in; echo $$ >/mnt/up; cat /mnt/down')
	fifo_read inside "$T/io/up"
	init=$(init_of "$id")
	cmd=$(child_with_nspid "$init" 2)
	cg=$top$P6/libpod-$id
	assert_equal "$(cgroup_of "$init" '')" "$cg"
	assert_equal "$(cgroup_of "$cmd" '')" "$cg"
	assert_equal "$(cat "$cg/pids.max")" 32
	assert_equal "$(cat "$cg/memory.max")" $((64 << 20))
	# Inside, that cgroup is the root of its own cgroup namespace, and
	# its limits are there to read.
	assert_equal "$(cat "$T/io/in")" "0::/
32
$((64 << 20))"
	# An exec's command joins it: "/" in its cgroup namespace, which any
	# other cgroup would show as a path.
	run "${PM[@]}" exec "$id" cat /proc/self/cgroup
	assert_success
	assert_output "0::/"
	resume
	wait_for gone "$init"
	run "${PM[@]}" rm "$id"
	assert_success
	[ ! -e "$cg" ]
	[ ! -e "/run/nslab-oci/$id" ]

	# The systemd manager, podman's default where systemd runs: the
	# runtime gets --systemd-cgroup and machine.slice:libpod:ID, and
	# makes the scope's path itself (nslab speaks no D-Bus). Without
	# systemd (make vm-test's VM), podman only warns that conmon stays
	# where it is.
	[ ! -d "$top/machine.slice" ] || slice_was=1
	# shellcheck disable=SC2016
	id=$("${PM[@]}" --cgroup-manager=systemd run -d --cgroups=enabled --pids-limit 24 -v "$T/io:/mnt" \
		nslab-busybox sh -c 'echo $$ >/mnt/up; cat /mnt/down' 2>"$T/err")
	fifo_read inside "$T/io/up"
	init=$(init_of "$id")
	cg=$top/machine.slice/libpod-$id.scope
	assert_equal "$(cgroup_of "$init" '')" "$cg"
	assert_equal "$(cat "$cg/pids.max")" 24
	resume
	wait_for gone "$init"
	"${PM[@]}" rm "$id" >/dev/null
	[ ! -e "$cg" ]
	if [ "$slice_was" = 0 ]; then
		[ ! -e "$top/machine.slice" ]
	fi
	podman_cgroups_undo
	assert_equal "$(cat "$top/cgroup.subtree_control")" "$P6_ROOT_CTL"
	assert_all_unchanged
}
