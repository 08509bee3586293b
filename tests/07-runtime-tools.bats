#!/usr/bin/env bats
# The Open Containers runtime-tools validation suite, run against
# 07-full-container as an OCI runtime: each validation/NAME/NAME.t
# makes a bundle from its own rootfs, drives the runtime through create,
# start, state, kill and delete, and runs its probe (runtimetest) as the
# container's process, which checks from inside what config.json asked
# for. ../shared/third_party/ holds the suite's source with its vendor/
# directory; it is built here with Debian's golang-go, offline.
#
# A check passes when the suite's test fails for no reason but the ones
# tests/runtime-tools.awk lists, each given in docs/deeper/07-oci.md:
# what nslab leaves out on purpose and what it does not do yet. A new
# failure, or one whose reason is gone, fails the check. Each prints its
# counts (ok, not ok, of which known).

load helpers

# The tests run here: the lifecycle, the default config, the process,
# mounts, devices, the root's propagation, namespaces (their maps, a
# sysctl), masked and read-only paths, the hostname, seccomp, the five capability sets, cgroups (pids,
# memory and devices).
TESTS=(create start state kill kill_no_effect delete delete_only_create_resources
	misc_props config_updates_without_affect default process process_rlimits process_user
	root_readonly_true hostname mounts linux_devices linux_rootfs_propagation
	linux_masked_paths linux_readonly_paths
	linux_ns_path linux_ns_path_type linux_ns_itype linux_ns_nopath linux_sysctl
	linux_uid_mappings linux_seccomp process_capabilities
	delete_resources linux_cgroups_pids linux_cgroups_relative_pids linux_cgroups_relative_memory
	linux_cgroups_devices linux_cgroups_relative_devices)

setup_file() {
	local tarball=$NSLAB_ROOT/../shared/third_party/runtime-tools-260e151.tar.gz targets=(runtimetest) t
	export RT_SKIP='' RT=$NSLAB_ROOT/bin/runtime-tools/runtime-tools
	if [ "$(id -u)" -ne 0 ]; then
		RT_SKIP="needs root (the suite runs rootful containers)"
	elif [ ! -f "$tarball" ]; then
		RT_SKIP="runtime-tools' source is not here (../shared/third_party/, beside the clone)"
	elif ! command -v go >/dev/null; then
		RT_SKIP="needs 'go' (install the golang-go package)"
	fi
	[ -z "$RT_SKIP" ] || return 0
	# The capabilities this root does not hold (a CI sandbox's may lack
	# CAP_SYS_RESOURCE): no runtime can give them to a container, and
	# process_capabilities asks for every one. As "CAP_A|CAP_B".
	local eff last missing
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	last=$(cat /proc/sys/kernel/cap_last_cap)
	missing=$(printf '%x' $(((1 << (last + 1)) - 1 & ~0x$eff)))
	export LACKING=''
	if command -v capsh >/dev/null && [ "$missing" != 0 ]; then
		LACKING=$(capsh --decode="$missing" | cut -d= -f2 | tr 'a-z,' 'A-Z|')
	fi
	for t in "${TESTS[@]}"; do
		targets+=("validation/$t/$t.t")
	done
	# Built once into bin/ (make clean removes it), never in /tmp.
	if [ ! -x "$RT/runtimetest" ] || [ "$tarball" -nt "$RT/runtimetest" ]; then
		rm -rf "$NSLAB_ROOT/bin/runtime-tools"
		mkdir -p "$NSLAB_ROOT/bin/runtime-tools/go"
		tar -C "$NSLAB_ROOT/bin/runtime-tools" -xzf "$tarball"
	fi
	(
		cd "$RT" &&
			export GOPATH=$NSLAB_ROOT/bin/runtime-tools/go GOCACHE=$NSLAB_ROOT/bin/runtime-tools/go/cache \
				GOTMPDIR=$NSLAB_ROOT/bin/runtime-tools/go GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local &&
			make "${targets[@]}"
	) >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		RT_SKIP="the suite did not build: $(tail -n 1 "$BATS_FILE_TMPDIR/build.log")"
}

setup() {
	[ -z "$RT_SKIP" ] || skip "$RT_SKIP"
	T=$BATS_TEST_TMPDIR
	CTR=$NSLAB_BIN/07-full-container
	host_snapshot
}

# Run the suite's test NAME; its bundles go to $T/rt, and whatever a
# failed test left mounted there is unmounted before bats removes it.
suite() { # suite NAME
	local out=$T/$1.tap counts
	# process_rlimits sets RLIMIT_AS to 1 GiB, in the init too: a
	# SANITIZE=1 build cannot run there (ASan reserves terabytes of
	# address space for its shadow memory), so it is left out of that run.
	if [ "$1" = process_rlimits ] && grep -q __asan_init "$CTR"; then
		echo "# $1: not run under ASan (RLIMIT_AS 1 GiB)" >&3
		return 0
	fi
	mkdir -p "$T/rt/$1"
	# A user namespace's root (linux_ns_nopath maps 0 to the host's
	# 1000) must reach the bundle: every directory on the way lets
	# others through, as ctr.bash does for 07's own checks.
	local d=$T/rt/$1
	while [ "$d" != "$(dirname "$BATS_RUN_TMPDIR")" ] && [ "$d" != / ]; do
		chmod go+x "$d"
		d=$(dirname "$d")
	done
	(cd "$RT" && TMPDIR=$T/rt/$1 RUNTIME=$CTR timeout 300 "./validation/$1/$1.t") >"$out" 2>&1 || true
	findmnt -rn -o TARGET | grep "^$T/rt/" | sort -r | xargs -r umount -l
	counts=$(awk -v test="$1" -v lacking="$LACKING" -f "$NSLAB_ROOT/tests/runtime-tools.awk" "$out")
	echo "# $1: $(head -n 1 <<<"$counts")" >&3
	[[ $(head -n 1 <<<"$counts") == *" other=0" ]] ||
		fail "$1: failures for no known reason:"$'\n'"$(tail -n +2 <<<"$counts")"
	assert_host_unchanged
}

# killsig is not run: it sends its signal as soon as `state` says
# running, which can be before the container's shell has set its trap
# (runc has the same window); a loaded machine lost that race twice.
# 07o.1 and 07o.2 check kill with the trap known to be set.
@test "07r.1 runtime-tools, the lifecycle: create, start, state, kill, kill_no_effect, delete, delete_only_create_resources, misc_props, config_updates_without_affect" {
	for t in create start state kill kill_no_effect delete delete_only_create_resources \
		misc_props config_updates_without_affect; do
		suite "$t"
	done
}

@test "07r.2 runtime-tools, the default config and the process: default, process, process_rlimits, process_user, root_readonly_true, hostname" {
	for t in default process process_rlimits process_user root_readonly_true hostname; do
		suite "$t"
	done
}

@test "07r.3 runtime-tools, mounts, devices and paths: mounts, linux_devices, linux_rootfs_propagation, linux_masked_paths, linux_readonly_paths" {
	for t in mounts linux_devices linux_rootfs_propagation linux_masked_paths linux_readonly_paths; do
		suite "$t"
	done
}

@test "07r.4 runtime-tools, namespaces: linux_ns_path, linux_ns_path_type, linux_ns_itype, linux_ns_nopath, a user namespace's maps: linux_uid_mappings, and a network namespace's sysctl: linux_sysctl" {
	for t in linux_ns_path linux_ns_path_type linux_ns_itype linux_ns_nopath linux_uid_mappings linux_sysctl; do
		suite "$t"
	done
}

@test "07r.5 runtime-tools, seccomp and the five capability sets: linux_seccomp, process_capabilities" {
	for t in linux_seccomp process_capabilities; do
		suite "$t"
	done
}

# The cgroups tests make theirs at /cgrouptest from the root of each
# hierarchy, or below this shell's own cgroup (relative): only where that
# is this shell's own, and where a cgroup v2 that holds processes (a
# login's scope) is not asked to give memory to a child.
@test "07r.6 runtime-tools, cgroups: delete_resources, linux_cgroups_pids, linux_cgroups_relative_pids, linux_cgroups_relative_memory, linux_cgroups_devices, linux_cgroups_relative_devices" {
	local own
	own=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' /proc/self/cgroup)
	[ "$(served_by pids)" = 2 ] || [ "$own" = / ] ||
		skip "this shell's v1 pids cgroup is $own, not the root: /cgrouptest would be outside it"
	[ "$(served_by memory)" = 1 ] ||
		skip "cgroup v2 holds memory here, and this shell's cgroup holds processes: a relative cgroupsPath below it cannot have memory"
	for t in delete_resources linux_cgroups_pids linux_cgroups_relative_pids \
		linux_cgroups_relative_memory linux_cgroups_devices linux_cgroups_relative_devices; do
		suite "$t"
	done
}
