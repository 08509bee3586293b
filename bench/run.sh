#!/usr/bin/env bash
# bench/run.sh - how fast does a container start? (make bench; docs/bench.md)
#
#     bench/run.sh            (as root; QUICK=1 for a short run)
#
# In one run, with hyperfine (warm-up, then many runs, in rounds: the
# tools take turns), the same command, /bin/true, in the same busybox
# rootfs:
#   floor            bin/bench/floor: the kernel's price, nothing else
#   07 root          bin/07-full-container run -q, as root
#   07 rootless      the same as nobody, in a user namespace of its own
#   unshare+chroot   util-linux unshare -fpmiunC --mount-proc, chroot
#   bwrap            bubblewrap --unshare-all
#   crun, runc       an OCI bundle of the rootfs, from `crun spec`
# then where 07's time goes (run --timing, and the system calls of each
# phase under strace), the cost at scale: N containers sleeping (1,000;
# SCALE_N=N to change it), start-up again (07 and the floor), memory per
# container, teardown; and last, `podman run --rm` of the same rootfs
# with 07 as podman's runtime, against crun (bench/podman.sh).
#
# It installs what is missing (apt-get), builds the rootfs if needed, and
# writes bench/results/DATE-HOSTKIND.md (and .png with gnuplot). The host
# is left as it was, on Ctrl-C too: every container is stopped, every
# cgroup removed, the temp directory deleted; the last lines compare the
# host's cgroups, mounts, links and runtime state with before.
set -euo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

TOP=$(cd "$(dirname "$0")/.." && pwd)
BINDIR=${BINDIR:-$TOP/bin}
CTR=$BINDIR/07-full-container
FLOOR=$BINDIR/bench/floor
ROOTFS=$TOP/rootfs

# RUNS of each tool in ROUNDS rounds, the tools taking turns.
if [ -n "${QUICK:-}" ]; then
	WARMUP=3 RUNS=30 ROUNDS=${ROUNDS:-1} TIMING_RUNS=10 SCALE_N=${SCALE_N:-20} SCALE_RUNS=30
	PODMAN_RUNS=6 PODMAN_ROUNDS=2
else
	WARMUP=20 RUNS=500 ROUNDS=25 TIMING_RUNS=100 SCALE_N=${SCALE_N:-1000} SCALE_RUNS=200
	PODMAN_RUNS=100 PODMAN_ROUNDS=5
fi

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/scale.sh
. "$TOP/bench/scale.sh"
# shellcheck source=bench/podman.sh
. "$TOP/bench/podman.sh"
# shellcheck source=bench/report.sh
. "$TOP/bench/report.sh"

if [ "$(id -u)" -ne 0 ]; then
	say "needs root (the floor, crun and runc run as root): sudo make bench"
	exit 1
fi
for f in "$CTR" "$FLOOR"; do
	[ -x "$f" ] || { say "$f is missing: run 'make bench-build' first"; exit 1; }
done

W=$(mktemp -d /tmp/nslab-bench.XXXXXX)
chmod 755 "$W"
CG_PARENT=${W##*/}
cleanup() {
	set +e
	scale_stop
	floor_stop
	"$TOP/scripts/podman-sandbox.sh" remove "$W/podman"
	sweep_cgroups
	rm -rf --one-file-system "$W"
	[ -z "${RESULTS_TMP:-}" ] || rm -f "$RESULTS_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

host_state >"$W/host.before"
LOAD_START=$(cat /proc/loadavg)
install_tools
command -v hyperfine >/dev/null || { say "hyperfine is missing and could not be installed"; exit 1; }
command -v jq >/dev/null || { say "jq is missing and could not be installed"; exit 1; }
if [ ! -x "$ROOTFS/bin/sh" ]; then
	make -C "$TOP" --no-print-directory rootfs
fi
ROOTFS=$(cd "$ROOTFS" && pwd -P)
mkdir -p "$W/out"
chown "$NOBODY:$NOBODY" "$W/out"

# --- start-up, side by side ----------------------------------------------------

# The first round finds out what runs and sets it up; the others repeat it.
RUNS_OF=$((RUNS / ROUNDS))
hf floor floor "$FLOOR $ROOTFS"
hf ctr "07 root" "$CTR run -q $ROOTFS /bin/true"
rootless_07
if works why unshare -fpmiunC "--mount-proc=$ROOTFS/proc" chroot "$ROOTFS" /bin/true; then
	hf unshare "unshare+chroot" "unshare -fpmiunC --mount-proc=$ROOTFS/proc chroot $ROOTFS /bin/true"
else
	note "unshare+chroot skipped: $why"
fi
if ! command -v bwrap >/dev/null; then
	note "bwrap skipped: bubblewrap is not installed"
elif works why bwrap --unshare-all --bind "$ROOTFS" / --proc /proc --dev /dev /bin/true; then
	hf bwrap bwrap "bwrap --unshare-all --bind $ROOTFS / --proc /proc --dev /dev /bin/true"
else
	note "bwrap skipped: $why"
fi
oci_runtime crun
oci_runtime runc
for ((round = 2; round <= ROUNDS; round++)); do
	say "round $round of $ROUNDS"
	for k in "${ORDER[@]}"; do
		! timed "$k" || WARMUP=3 hf_again "$k"
	done
done
unset RUNS_OF

# --- where 07's time goes, and at scale --------------------------------------------

breakdown
syscalls
scale
scale_stop

# --- under podman -----------------------------------------------------------------

podman_bench

# --- the report -------------------------------------------------------------------

sweep_cgroups
host_state >"$W/host.after"
LOAD_END=$(cat /proc/loadavg)
report
