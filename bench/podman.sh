# shellcheck shell=bash
# shellcheck disable=SC2034 # PODMAN_*: read by bench/report.sh
# bench/podman.sh - 07 under a real engine: `podman run --rm` with 07 as
# its runtime, against crun. Sourced by bench/run.sh (see there for the
# variables it sets).
#
# The same podman (scripts/podman-sandbox.sh: a store of its own in the
# bench's temp directory, vfs, no network, no cgroups), the same image
# (the rootfs, imported), the same command (/bin/true); only --runtime
# differs. What is timed is the whole of `podman run --rm`: podman,
# conmon, and the runtime's create, start, state and delete; the
# difference between the two is the runtimes'.
#
# Both run in a mount namespace of their own, with a tmpfs on /run: the
# runtimes' state directories (/run/nslab-oci, /run/crun) are made
# there and go with it, since podman does not pass its --runtime-flag
# root= on to its delete. On a hybrid host, the cgroup2 mount is gone
# there too: crun refuses it ("cgroups in hybrid mode"), as in the
# start-up part.

PODMAN_SKIP=''
podman_bench() {
	local why v2 r k pm=$W/podman/podman
	local setup='mount -t tmpfs nslab-bench /run'
	if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
		PODMAN_SKIP="podman or conmon is not installed"
		note "podman part skipped: $PODMAN_SKIP"
		return 0
	fi
	if ! works why "$TOP/scripts/podman-sandbox.sh" make "$W/podman" "$ROOTFS"; then
		PODMAN_SKIP="its sandbox could not be made ($why)"
		note "podman part skipped: $PODMAN_SKIP"
		return 0
	fi
	v2=$(hybrid_v2)
	[ -z "$v2" ] || setup="$setup && umount $v2"
	local prefix=(unshare -m --propagation private sh -c "$setup && exec \"\$@\"" sh)
	local -A cmd=(
		[pod07]="$pm --runtime $CTR run --rm nslab-busybox /bin/true"
		[podcrun]="$pm --runtime crun run --rm nslab-busybox /bin/true"
	)
	local -A label=([pod07]="podman + 07" [podcrun]="podman + crun")
	PODMAN_KEYS=()
	for k in pod07 podcrun; do
		# shellcheck disable=SC2086 # the command, word-split as hyperfine -N will
		if [ $k = podcrun ] && ! command -v crun >/dev/null; then
			note "podman + crun skipped: crun is not installed"
		elif works why "${prefix[@]}" ${cmd[$k]}; then
			PODMAN_KEYS+=("$k")
		else
			note "${label[$k]} skipped: $why"
		fi
	done
	for ((r = 1; r <= PODMAN_ROUNDS; r++)); do
		[ "$PODMAN_ROUNDS" -eq 1 ] || say "podman, round $r of $PODMAN_ROUNDS"
		for k in "${PODMAN_KEYS[@]}"; do
			if [ "$r" -eq 1 ]; then
				RUNS_OF=$((PODMAN_RUNS / PODMAN_ROUNDS)) WARMUP=2 hf "$k" "${label[$k]}" "${cmd[$k]}" "${prefix[@]}"
			else
				RUNS_OF=$((PODMAN_RUNS / PODMAN_ROUNDS)) WARMUP=1 hf_again "$k"
			fi
		done
	done
}
