#!/bin/sh
# scripts/podman-sandbox.sh - a podman of nslab's own, apart from the
# host's, for tests/07-podman.bats and the bench (make bench).
#
#     scripts/podman-sandbox.sh make DIR ROOTFS
#     DIR/podman --runtime RUNTIME run --rm nslab-busybox /bin/true
#     scripts/podman-sandbox.sh remove DIR
#
# make writes DIR/podman: podman with its store, run and tmp directories
# in DIR, vfs storage, no network, and no cgroups (this machine's own are
# not a test's to touch). DIR/containers.conf says so, names the runtimes
# that may run without cgroups (podman's own list names crun and krun
# only; a runtime given by path is known by its file's name), and sets
# the limits below the machine's: podman asks for RLIMIT_NOFILE 1048576,
# which a root without CAP_SYS_RESOURCE (a CI sandbox's) cannot raise
# to. Then it imports ROOTFS as the image nslab-busybox (podman import).
# The runtime is the caller's to give, with --runtime, on every call.
#
# As a user, the same makes a rootless podman (newuidmap, and the user's
# subordinate ids in /etc/subuid and /etc/subgid; HOME and
# XDG_RUNTIME_DIR of the user's own).
#
# remove, as whoever made DIR, stops and removes every container and
# image of DIR/podman, unmounts what is still mounted below DIR (a
# container's /dev/shm is a mount in the store: never rm -rf one), and
# ends a user's podman's pause process; DIR itself is the caller's.
set -eu

case ${1:-} in
make)
	[ $# -eq 3 ] || { echo "usage: $0 make DIR ROOTFS" >&2; exit 2; }
	d=$2 rootfs=$3
	mkdir -p "$d/tmp" "$d/net"
	cat >"$d/containers.conf" <<-EOF
		[containers]
		netns = "none"
		cgroups = "disabled"
		default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "none"
		image_copy_tmp_dir = "$d/tmp"
		runtime_supports_nocgroup = ["07-full-container", "crun", "krun"]
		[network]
		network_config_dir = "$d/net"
	EOF
	q=$(printf '%s' "$d" | sed "s/'/'\\\\''/g") # DIR in single quotes, for sh
	cat >"$d/podman" <<-EOF
		#!/bin/sh
		d='$q'
		CONTAINERS_CONF="\$d/containers.conf" exec podman --root "\$d/store" --runroot "\$d/run" \\
		    --tmpdir "\$d/tmp" --storage-driver vfs "\$@"
	EOF
	chmod +x "$d/podman"
	# As root, podman import keeps a cache in /var/lib/containers
	# whatever its store: it gets a /var/lib of its own, gone when it
	# exits. A user's podman keeps it in its $HOME.
	if [ "$(id -u)" -eq 0 ]; then
		tar -C "$rootfs" -c . |
			unshare -m sh -c 'mount -t tmpfs nslab-podman /var/lib && exec "$@"' _ \
				"$d/podman" import - nslab-busybox >/dev/null
	else
		tar -C "$rootfs" -c . | "$d/podman" import - nslab-busybox >/dev/null
	fi
	;;
remove)
	[ $# -eq 2 ] || { echo "usage: $0 remove DIR" >&2; exit 2; }
	d=$2
	[ -x "$d/podman" ] || exit 0
	"$d/podman" rm -a -f -t 0 >/dev/null 2>&1 || true
	"$d/podman" rmi -a -f >/dev/null 2>&1 || true
	if grep -q " $d/" /proc/self/mountinfo; then
		umount -R "$d/run" "$d/store" 2>/dev/null || true
	fi
	# A user's podman leaves a process behind, podman's "pause", which
	# holds its user namespace for the next call: its pid is in the
	# tmp directory. It is ours to end (is it still podman?).
	# (Podman 4.3 keeps it in --tmpdir; later ones in XDG_RUNTIME_DIR.)
	for f in "$d/tmp/pause.pid" "${XDG_RUNTIME_DIR:-/nonexistent}/libpod/tmp/pause.pid"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(command -v podman)" ]; then
			kill "$pid" 2>/dev/null || true
		fi
	done
	;;
*)
	echo "usage: $0 make DIR ROOTFS | remove DIR" >&2
	exit 2
	;;
esac
