#!/usr/bin/env bats
# Security checks for 07-full-container and 07-mini: from inside a
# container, try every thing a container must not allow, and see each
# one blocked - as root, rootless, and as root with a user namespace.
#
# The tries are a program of their own, tests/probes/probe (static C, one
# function per attack, see probe.c), copied into a copy of the rootfs and
# run as the container's command. What it is to look for comes from here,
# made fresh and random for this run so that nothing can be hard-coded: a
# file on the host (random path, random contents), a host process with a
# random word in its argv that also listens on the host's 127.0.0.1, the
# host's root disk and network interfaces. It prints one line per probe
# (blocked / ESCAPED / skipped / error) and exits 0 only if nothing
# escaped.
#
# A probe that could not fail would prove nothing, so the first checks run
# it in deliberately weak containers (unshare + chroot, the host's /proc,
# a pivot_root that leaves the old root mounted) and require it to catch
# exactly the holes each one has.

load helpers

# A run of the probe takes well under a second; a hang fails its check
# (status 124) instead of holding up the suite.
TIME_LIMIT=120

setup_file() {
	W=$BATS_FILE_TMPDIR
	export PROBES_WHY='' ROOTFS_COPY=$W/rootfs
	ROOTFS=${NSLAB_ROOTFS:-$NSLAB_ROOT/rootfs}
	if ! make -s -C "$NSLAB_ROOT/tests/probes" BINDIR="$W/probes" >"$W/build.log" 2>&1; then
		PROBES_WHY="the probe did not build (a static glibc is needed: libc6-dev): $(tail -n 1 "$W/build.log")"
		return 0
	fi
	if ! "$NSLAB_ROOT/scripts/mkrootfs.sh" "$ROOTFS" >"$W/mkrootfs.log" 2>&1; then
		PROBES_WHY="no rootfs: $(tail -n 1 "$W/mkrootfs.log")"
		return 0
	fi
	cp -a "$ROOTFS" "$ROOTFS_COPY"
	cp "$W/probes/probe" "$ROOTFS_COPY/probe"
	open_to_all "$W"
	make_host_facts
}

teardown_file() {
	[ -z "${LISTENER_PID:-}" ] || kill "$LISTENER_PID" 2>/dev/null || true
	rm -rf --one-file-system "$ROOTFS_COPY"
}

setup() {
	[ -z "$PROBES_WHY" ] || skip "$PROBES_WHY"
	need_cmd script bsdutils
	need_cmd unshare util-linux
	host_snapshot
}

# The rootless run reads the rootfs copy, and its escapes would read the
# marker, as nobody: let every directory from / down to DIR be passed
# through (o+x). Only bats's own temporary directories are changed.
open_to_all() { # open_to_all DIR
	local d=$1
	while [ "$d" != / ] && [ -n "$d" ]; do
		[ -O "$d" ] && chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# The facts about the host the probe gets: its options, one a line, in
# $BATS_FILE_TMPDIR/probe.args (read back with probe_args).
make_host_facts() {
	local word text marker disk ifaces fresh
	word=$(random_name)
	text=$(random_name)-$(random_name)
	marker=$W/marker-$(random_name)
	printf '%s' "$text" >"$marker"
	chmod 644 "$marker"
	# The host process: the listener, with the word in its argv. It closes
	# every inherited descriptor (bats waits for whoever holds fd 3).
	read -r PORT LISTENER_PID < <("$W/probes/listener" "$word" 900)
	export LISTENER_PID
	# The disk behind the host's / (0:N is no disk: btrfs, overlay).
	disk=$(awk '$5 == "/" { print $3 }' /proc/self/mountinfo)
	case $disk in 0:*) disk= ;; esac
	# Interfaces of the host, less those every new network namespace
	# has of its own (lo, and tunnels like sit0 where their module is in).
	# (As a user, in a user namespace of its own: sysfs mounts there.)
	local asuser=()
	[ "$(id -u)" -eq 0 ] || asuser=(-r)
	fresh=$(unshare "${asuser[@]}" -n -m sh -c 'mount -t sysfs none /sys && cd /sys/class/net && printf "%s\n" *')
	ifaces=$(comm -23 <(cd /sys/class/net && printf '%s\n' * | sort) \
		<(printf 'lo\n%s\n' "$fresh" | sort) | paste -sd,)
	{
		printf '%s\n' --marker "$marker" --marker-text "$text" --host-pid "$LISTENER_PID" \
			--host-argv-marker "$word" --port "$PORT"
		[ -z "$disk" ] || printf '%s\n' --disk "$disk"
		[ -z "$ifaces" ] || printf '%s\n' --host-ifaces "$ifaces"
	} >"$W/probe.args"
	# A kernel without the int $0x80 gate (some hypervisors' guests) has
	# no 32-bit call to try: the probe skips it on the host itself too.
	NO_INT80=
	! "$W/probes/probe" --only compat-syscall 2>/dev/null | grep -q '^skipped ' || NO_INT80=1
	export MARKER=$marker MARKER_TEXT=$text HOST_DISK=$disk NO_INT80
}

# Run CMD... on a terminal of its own (script(1) gives it a pty), so that
# the TIOCSTI probes have a terminal to aim at: the caller's, as a
# container started from a shell has. With --unprivileged, as
# as_unprivileged does (script too: the pty is then that user's).
# $output (carriage returns removed) and $status as bats's run leaves
# them. Descriptor 7 is left open on a host directory, as runc once left
# one (CVE-2024-21626): the runtime must not let it through.
on_a_terminal() { # on_a_terminal [--unprivileged] CMD...
	local cmd as=()
	if [ "$1" = --unprivileged ]; then
		as=(as_unprivileged)
		shift
	fi
	cmd=$(printf '%q ' "$@")
	exec 7<"$BATS_FILE_TMPDIR"
	# script(1) runs CMD with $SHELL -c, /bin/sh when SHELL is unset (as
	# under CI): the words are quoted for bash (printf %q), so bash it is.
	run "${as[@]}" env SHELL="$BASH" timeout -k 5 "$TIME_LIMIT" script -qec "$cmd" /dev/null </dev/null
	exec 7<&-
	output=${output//$'\r'/}
}

# The probe's verdict for NAME in $output: blocked, ESCAPED, skipped or error.
verdict() { # verdict NAME
	awk -v n="$1:" '$2 == n { print $1 }' <<<"$output"
}

assert_escaped() { # assert_escaped NAME...
	local p
	for p in "$@"; do
		[ "$(verdict "$p")" = ESCAPED ] || {
			echo "expected the probe to catch '$p' in this weak container:" >&2
			echo "$output" >&2
			return 1
		}
	done
}

assert_blocked() { # assert_blocked NAME...
	local p
	for p in "$@"; do
		[ "$(verdict "$p")" = blocked ] || {
			echo "expected '$p' to be blocked:" >&2
			echo "$output" >&2
			return 1
		}
	done
}

# Every probe answered, none escaped, none errored, and only those
# skipped that this machine cannot try (no disk behind /: host-disk; no
# int $0x80 on the host's kernel: compat-syscall).
assert_all_blocked() {
	local out=$output rc=$status n skipped allowed=none
	n=$("$BATS_FILE_TMPDIR/probes/probe" --list | wc -l)
	[ -n "$HOST_DISK" ] || allowed=host-disk
	[ -z "$NO_INT80" ] || allowed=$(printf '%s\ncompat-syscall' "$allowed")
	echo "$out"    # bats shows it when the check fails
	if grep -E '^(ESCAPED|error) ' <<<"$out" >&2; then
		echo "=> the lines above were not blocked" >&2
		return 1
	fi
	assert_equal "$rc" 0
	skipped=$(awk '$1 == "skipped" { sub(":", "", $2); print $2 }' <<<"$out" | grep -vxF "$allowed" || true)
	assert_equal "$skipped" ""
	assert_equal "$(grep -cE '^(blocked|skipped) ' <<<"$out")" "$n"
}

probe_args() { cat "$BATS_FILE_TMPDIR/probe.args"; }

@test "security.1 the probe catches the holes of deliberately weak containers" {
	need_root
	need_cmd nsenter util-linux
	need_cmd setpriv util-linux
	local r=$ROOTFS_COPY args
	mapfile -t args < <(probe_args)

	# (a) chroot and namespaces, the host's /sys and /dev bound in, full
	# capabilities, no seccomp, a shell as PID 1, the caller's terminal.
	on_a_terminal unshare -fpmiun --mount-proc="$r/proc" bash -c '
		mount --rbind /sys "$1/sys" && mount --rbind /dev "$1/dev" &&
		exec chroot "$1" /bin/sh -c "/probe \"\$@\"; exit \$?" sh "${@:2}"' _ "$r" "${args[@]}"
	assert_equal "$status" 1
	assert_escaped marker-chroot mount-tmpfs mount-proc mount-bind caps core-pattern \
		ptrace-init init-exe init-environ inherited-fd
	if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ]; then
		assert_escaped tiocsti-stdin tiocsti-stdin-hi32 tiocsti-tty
	fi
	assert_blocked marker-root host-loopback host-iface

	# (b) the host's /proc bound in, and the working directory left on
	# the host (nsenter --root without --wd keeps it).
	run timeout -k 5 "$TIME_LIMIT" env -C "$BATS_FILE_TMPDIR" unshare -fpmiun bash -c '
		mount --rbind /proc "$1/proc" && exec nsenter --root="$1" /probe "${@:2}"' _ "$r" "${args[@]}"
	assert_equal "$status" 1
	assert_escaped marker-proc-root host-process marker-cwd

	# (c) pivot_root into the rootfs, but the old root left mounted, and
	# the host's network namespace shared.
	run timeout -k 5 "$TIME_LIMIT" unshare -fpmiu bash -c '
		mount --bind "$1" "$1" && cd "$1" && mkdir -p .oldroot &&
		pivot_root . .oldroot && /bin/mount -t proc proc /proc && exec /probe "${@:2}"' \
		_ "$r" "${args[@]}"
	rmdir "$r/.oldroot"
	assert_equal "$status" 1
	assert_escaped marker-old-root userns-unshare userns-clone userns-clone3 host-loopback host-iface
	assert_blocked marker-root marker-chroot

	# (d) no PID namespace at all, and an inheritable capability left
	# (setpriv --inh-caps). Only the probes that need no pid 1 of their
	# own: ptrace-init would attach to the host's init here.
	run timeout -k 5 "$TIME_LIMIT" unshare -miun setpriv --inh-caps=+chown bash -c '
		mount --rbind /proc "$1/proc" && exec chroot "$1" /probe "${@:2}"' _ "$r" \
		--only host-signal,host-process,caps-inheritable "${args[@]}"
	assert_equal "$status" 1
	assert_escaped host-signal host-process caps-inheritable
	assert_host_unchanged
}

# The runtime under test, with the probe as the command.
ctr=("$NSLAB_BIN/07-full-container" run -q)

@test "security.2 as root: every probe is blocked" {
	need_root
	local args
	mapfile -t args < <(probe_args)
	on_a_terminal "${ctr[@]}" "$ROOTFS_COPY" /probe "${args[@]}"
	assert_all_blocked
	assert_host_unchanged
}

# Run the probe as an unprivileged user in the container RUNTIME ARGS...
# makes of the rootfs copy, and require every probe blocked.
probe_rootless() { # probe_rootless RUNTIME ARGS...
	local args xdg=$BATS_TEST_TMPDIR/xdg rt=("$@")
	mapfile -t args < <(probe_args)
	# The marker must be readable by that user, or an escape could not
	# read it and would look blocked.
	run as_unprivileged cat "$MARKER"
	assert_output "$MARKER_TEXT"
	open_to_all "$BATS_TEST_TMPDIR"
	mkdir -m 700 "$xdg"
	[ "$(id -u)" -ne 0 ] || chown 65534:65534 "$xdg"
	# The runtime must be within that user's reach too: a clone under
	# /root (mode 700) is not, and then a copy of the binary is run.
	if ! as_unprivileged sh -c 'test -x "$1"' _ "${rt[0]}"; then
		cp "${rt[0]}" "$BATS_TEST_TMPDIR/${rt[0]##*/}"
		rt[0]=$BATS_TEST_TMPDIR/${rt[0]##*/}
	fi
	on_a_terminal --unprivileged env XDG_RUNTIME_DIR="$xdg" \
		"${rt[@]}" "$ROOTFS_COPY" /probe "${args[@]}"
	assert_all_blocked
	# Nothing of the run is left in its state directory.
	run find "$xdg" -mindepth 1
	rm -rf "$xdg"
	assert_output ""
	assert_host_unchanged
}

@test "security.3 rootless (an unprivileged user): every probe is blocked" {
	need_userns
	probe_rootless "${ctr[@]}"
}

@test "security.4 as root with --userns: every probe is blocked" {
	need_root
	local args
	mapfile -t args < <(probe_args)
	on_a_terminal "${ctr[@]}" --userns "$ROOTFS_COPY" /probe "${args[@]}"
	assert_all_blocked
	assert_host_unchanged
}

# 07-mini, the container in one file: always in a user namespace, so as
# root it is the same container as run --userns, and rootless as run.
mini=("$NSLAB_BIN/07-mini" -q)

@test "security.5 07-mini as root: every probe is blocked" {
	need_root
	local args
	mapfile -t args < <(probe_args)
	on_a_terminal "${mini[@]}" "$ROOTFS_COPY" /probe "${args[@]}"
	assert_all_blocked
	assert_host_unchanged
}

@test "security.6 07-mini rootless (an unprivileged user): every probe is blocked" {
	need_userns
	probe_rootless "${mini[@]}"
}
