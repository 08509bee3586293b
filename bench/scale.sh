# shellcheck shell=bash
# shellcheck disable=SC2034 # SCALE_*, PHASE_ROWS: read by bench/report.sh
# bench/scale.sh - where 07's start-up time goes, and what it costs at scale.
# Sourced by bench/run.sh (see there for the variables it sets).

# --- breakdown: 07 run --timing ------------------------------------------------------

# `run --timing` prints one stderr line per phase, in order:
#     timing: PHASE    +MS.MMM ms       (printf "timing: %-8s %+9.3f ms\n")
# MS counted from the runtime's start. Each run's lines go to a file,
# runs separated by "--"; the table has per phase the median time since
# the phase before (what the phase costs) and since the start.
# Measured idle (PHASE_ROWS) and again with the scale part's containers
# running (PHASE_ROWS_BUSY), to show which phase grows with their number.
PHASE_ROWS='' PHASE_ROWS_BUSY='' TIMING_Q=''
breakdown() {
	"$CTR" run -q --timing "$ROOTFS" /bin/true 2>"$W/timing.probe" >/dev/null || true
	if ! grep -q '^timing: ' "$W/timing.probe"; then
		"$CTR" run --timing "$ROOTFS" /bin/true 2>"$W/timing.probe" >/dev/null || true
		grep -q '^timing: ' "$W/timing.probe" && TIMING_Q=no
	fi
	if ! grep -q '^timing: ' "$W/timing.probe"; then
		note "breakdown skipped: 07 run --timing prints no timing lines yet ($(head -n 1 "$W/timing.probe"))"
		return 0
	fi
	TIMING_Q=${TIMING_Q:-yes}
	PHASE_ROWS=$(timing_runs "$W/timing.idle")
}

# timing_runs FILE: TIMING_RUNS runs of run --timing, their lines in FILE;
# prints the medians (see phase_medians).
timing_runs() {
	local i quiet=-q rows
	[ "$TIMING_Q" = yes ] || quiet=
	say "breakdown: $TIMING_RUNS runs of 07 run ${quiet:+-q }--timing"
	: >"$1"
	for ((i = 0; i < TIMING_RUNS; i++)); do
		{ "$CTR" run $quiet --timing "$ROOTFS" /bin/true 2>&1 >/dev/null || true; } | grep '^timing: ' >>"$1" || true
		echo -- >>"$1"
	done
	rows=$(phase_medians "$1")
	printf '%s\n' "$rows" | awk '{ printf "  %-9s %8.3f ms  (at %8.3f ms)\n", $2, $3, $4 }' >&2
	echo "$rows"
}

# phase_medians FILE: "ORDER PHASE MEDIAN-DELTA MEDIAN-SINCE-START" per phase.
phase_medians() {
	local rows=$W/timing.rows
	awk '$1 == "--" { have = 0; next }
	     $1 == "timing:" { t = $3 + 0; if (!($2 in order)) order[$2] = ++n
		printf "%d %s %.3f %.3f\n", order[$2], $2, have ? t - prev : t, t
		prev = t; have = 1 }' "$1" >"$rows"
	join <(median_of 3 "$rows") <(median_of 4 "$rows") | sort -n | awk '{ print $1, $2, $3, $5 }'
}

# median_of COLUMN ROWS: "ORDER PHASE MEDIAN" per phase (ORDER first, for join).
median_of() {
	sort -k1,1n -k"$1","$1"g "$2" | awk -v c="$1" '
		function flush() { if (k) print key, name, (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }
		$1 != key { flush(); key = $1; name = $2; k = 0 }
		{ v[++k] = $c }
		END { flush() }' | sort -k1,1
}

# --- scale: N containers sleeping ------------------------------------------------------

SCALE_PIDS=()
SCALE_NAME=bench$$

# How many of our containers `07 ps` shows running (a pid, not "starting").
scale_running() {
	"$CTR" ps 2>/dev/null | awk -v p="$SCALE_NAME-" 'index($1, p) == 1 && $2 ~ /^[0-9]+$/' | wc -l
}

# Wait until COUNT (all N) run; fail when one of the runtimes died or
# after 60 s.
scale_wait() { # scale_wait [COUNT]
	local p deadline=$((SECONDS + 60))
	while [ "$(scale_running)" -lt "${1:-$SCALE_N}" ]; do
		for p in "${SCALE_PIDS[@]}"; do
			kill -0 "$p" 2>/dev/null || { note "scale: a container's runtime ($p) ended early"; return 1; }
		done
		[ "$SECONDS" -lt "$deadline" ] || { note "scale: not all $SCALE_N running after 60 s"; return 1; }
		sleep 0.05
	done
}

# Containers FROM..TO started in the background; waits until all up to
# TO run. 1 (with a note, all stopped) when they do not.
SCALE_MID=$((SCALE_N / 10 > 0 ? SCALE_N / 10 : 1))
scale_start() { # scale_start FROM TO
	local i
	for ((i = $1; i <= $2; i++)); do
		"$CTR" run -q --name "$SCALE_NAME-$i" "$ROOTFS" /bin/sleep 1000 </dev/null >/dev/null 2>>"$W/scale.err" &
		SCALE_PIDS+=($!)
	done
	scale_wait "$2" && return 0
	note "scale skipped: $(head -n 1 "$W/scale.err")"
	scale_stop
	return 1
}

mem_available() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }

# "RSS PSS" in KiB of one process, from /proc/PID/smaps_rollup.
rss_pss() {
	awk '$1 == "Rss:" { r = $2 } $1 == "Pss:" { p = $2 } END { print r + 0, p + 0 }' "/proc/$1/smaps_rollup"
}

first_child() { { cat /proc/"$1"/task/*/children 2>/dev/null || true; } | awk '{ print $1; exit }'; }

# Per container, in KiB: the runtime (the `run` process), its child the
# container's init, and the command (sleep) the init runs.
scale_memory() {
	local r init cmd
	for r in "${SCALE_PIDS[@]}"; do
		init=$(first_child "$r")
		cmd=$(first_child "$init")
		echo "$(rss_pss "$r") $(rss_pss "$init") $(rss_pss "$cmd")"
	done | awk '{ for (i = 1; i <= 6; i++) s[i] += $i; n++ }
		END { for (i = 1; i <= 6; i++) printf "%d ", s[i] / n; print "" }'
}

scale() {
	local i t0 avail0 avail1
	# Idle again, just before: the busy runs are compared with these,
	# taken minutes after the first ones on a machine whose speed drifts.
	RUNS_OF=$SCALE_RUNS hf idle "07 root, idle" "$CTR run -q $ROOTFS /bin/true"
	RUNS_OF=$SCALE_RUNS hf flooridle "floor, idle" "$FLOOR $ROOTFS"
	# The breakdown's idle side again too, for the same reason.
	[ -z "$TIMING_Q" ] || PHASE_ROWS=$(timing_runs "$W/timing.idle")
	say "scale: starting $SCALE_N containers that sleep, in two batches ($SCALE_MID, then the rest)"
	avail0=$(mem_available)
	t0=$(date +%s%N)
	scale_start 1 "$SCALE_MID" || return 0
	SCALE_START_MS=$((($(date +%s%N) - t0) / 1000000))
	# Start-up on the way: with a tenth of them running.
	RUNS_OF=$SCALE_RUNS hf mid "07 root, $SCALE_MID running" "$CTR run -q $ROOTFS /bin/true"
	RUNS_OF=$SCALE_RUNS hf floormid "floor, $SCALE_MID running" "$FLOOR $ROOTFS"
	t0=$(date +%s%N)
	scale_start $((SCALE_MID + 1)) "$SCALE_N" || return 0
	SCALE_START_MS=$((SCALE_START_MS + ($(date +%s%N) - t0) / 1000000))
	avail1=$(mem_available)
	SCALE_AVAIL_KIB=$(((avail0 - avail1) / SCALE_N))
	read -r -a SCALE_MEM <<<"$(scale_memory)"
	RUNS_OF=$SCALE_RUNS hf busy "07 root, $SCALE_N running" "$CTR run -q $ROOTFS /bin/true"
	# The floor too: what the kernel's own work grows by with them running.
	RUNS_OF=$SCALE_RUNS hf floorbusy "floor, $SCALE_N running" "$FLOOR $ROOTFS"
	[ -z "$TIMING_Q" ] || PHASE_ROWS_BUSY=$(timing_runs "$W/timing.busy")
	t0=$(date +%s%N)
	scale_stop
	SCALE_STOP_MS=$((($(date +%s%N) - t0) / 1000000))
	say "scale: $SCALE_N started in $SCALE_START_MS ms, stopped in $SCALE_STOP_MS ms;" \
		"per container runtime+init Rss $((SCALE_MEM[0] + SCALE_MEM[2])) KiB, Pss $((SCALE_MEM[1] + SCALE_MEM[3])) KiB"
	floor_teardown
}

# The kernel's price of the same teardown: N floors of /bin/sleep (the
# same namespaces, mounts and pivot), then SIGKILL to each one's PID 1 -
# the namespaces, mounts and processes go as a container's do - until
# every floor has reaped its child and exited. FLOOR_STOP_MS.
FLOOR_STOP_MS='' FLOOR_PIDS=()
floor_teardown() {
	local i p c t0 kids=() deadline=$((SECONDS + 60))
	say "scale: $SCALE_N floors of /bin/sleep, for the kernel's teardown"
	for ((i = 1; i <= SCALE_N; i++)); do
		"$FLOOR" "$ROOTFS" /bin/sleep 1000 </dev/null >/dev/null 2>>"$W/scale.err" &
		FLOOR_PIDS+=($!)
	done
	# Each floor's child, once it is sleep (its exec done).
	for p in "${FLOOR_PIDS[@]}"; do
		while c=$(first_child "$p") && { [ -z "$c" ] || [ "$(cat "/proc/$c/comm" 2>/dev/null)" != sleep ]; }; do
			if ! kill -0 "$p" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
				note "floor teardown skipped: a floor ($p) ended early, or not all ran after 60 s"
				floor_stop
				return 0
			fi
			sleep 0.01
		done
		kids+=("$c")
	done
	t0=$(date +%s%N)
	kill -KILL "${kids[@]}" 2>/dev/null || true
	wait "${FLOOR_PIDS[@]}" 2>/dev/null || true
	FLOOR_STOP_MS=$((($(date +%s%N) - t0) / 1000000))
	FLOOR_PIDS=()
	say "scale: $SCALE_N floors torn down in $FLOOR_STOP_MS ms"
}

# SIGKILL to the floors; their children follow (PR_SET_PDEATHSIG), as
# SIGTERM would not make them: PID 1 without a handler ignores it. Also
# the trap's cleanup.
floor_stop() {
	local p c
	[ ${#FLOOR_PIDS[@]} -gt 0 ] || return 0
	# Their children first, those already there: a floor killed between
	# its clone() and its child's prctl() would leave the child running.
	for p in "${FLOOR_PIDS[@]}"; do
		c=$(first_child "$p")
		[ -z "$c" ] || kill -KILL "$c" 2>/dev/null || true
	done
	kill -KILL "${FLOOR_PIDS[@]}" 2>/dev/null || true
	wait "${FLOOR_PIDS[@]}" 2>/dev/null || true
	FLOOR_PIDS=()
}

# SIGTERM to every runtime (each passes it on to its container), then
# poll until all are gone (bash reaps its children as they end, so kill -0
# fails for an ended one); SIGKILL what is left after 10 s. Also the
# trap's cleanup.
scale_stop() {
	local p alive deadline=$((SECONDS + 10))
	[ ${#SCALE_PIDS[@]} -gt 0 ] || return 0
	kill -TERM "${SCALE_PIDS[@]}" 2>/dev/null || true
	while :; do
		alive=
		for p in "${SCALE_PIDS[@]}"; do
			if kill -0 "$p" 2>/dev/null; then alive=$p && break; fi
		done
		[ -n "$alive" ] || break
		if [ "$SECONDS" -ge "$deadline" ]; then
			note "scale: runtimes still there 10 s after SIGTERM: SIGKILL"
			kill -KILL "${SCALE_PIDS[@]}" 2>/dev/null || true
			break
		fi
		sleep 0.01
	done
	wait "${SCALE_PIDS[@]}" 2>/dev/null || true
	SCALE_PIDS=()
}

# --- the system calls of one run, phase by phase --------------------------------------

# One run of `07 run -q --timing` under strace -f, cut where each phase's
# timing line is written (the write ends its phase): per phase, who made
# the calls (the runtime, its init, the command), how many, and which. The
# floor's calls the same way, as one phase. Counts, not times: strace
# slows every call down, so its times would mislead.
SYSCALL_ROWS='' FLOOR_CALLS=''
syscalls() {
	command -v strace >/dev/null || { note "system calls not listed: strace is missing"; return 0; }
	[ "$TIMING_Q" = yes ] || { note "system calls not listed: run -q --timing prints no timing lines"; return 0; }
	say "system calls: one run of 07 and of the floor under strace -f"
	strace -f -o "$W/strace.ctr" "$CTR" run -q --timing "$ROOTFS" /bin/true >/dev/null 2>&1 || true
	strace -f -o "$W/strace.floor" "$FLOOR" "$ROOTFS" >/dev/null 2>&1 || true
	SYSCALL_ROWS=$(syscall_phases <"$W/strace.ctr")
	FLOOR_CALLS=$(syscall_phases <"$W/strace.floor" | awk -F'\t' '{ print $3 "\t" $4 }' | tail -n 1)
}

# strace -f lines in, "PHASE<tab>WHO<tab>COUNT<tab>NAME×N, ..." out, one
# line per phase, in the order of the timing lines ("-" for what comes
# after the last one, and for the floor, which has none). A call belongs
# to the next phase its own process ends (the runtime, the init and the
# command run side by side, and their timing lines may interleave), or,
# when its process writes no timing line after it, to the next one of
# any process.
syscall_phases() {
	awk '
	function role(p) { return p == first ? "runtime" : (p in init) ? "init" : "command" }
	function flush(phase, k,   s, n, w, i, j, t, names, c, nm) {
		n = 0
		for (nm in calls) { split(nm, c, SUBSEP); if (c[1] == k) names[++n] = c[2] }
		for (i = 2; i <= n; i++) for (j = i; j > 1 && calls[k, names[j]] > calls[k, names[j - 1]]; j--) {
			t = names[j]; names[j] = names[j - 1]; names[j - 1] = t }
		s = ""
		for (i = 1; i <= n; i++) s = s (i > 1 ? ", " : "") names[i] (calls[k, names[i]] > 1 ? "×" calls[k, names[i]] : "")
		w = ""
		if ((k, "runtime") in who) w = "runtime"
		if ((k, "init") in who) w = w (w != "" ? "+" : "") "init"
		if ((k, "command") in who) w = w (w != "" ? "+" : "") "command"
		printf "%s\t%s\t%d\t%s\n", phase, w, total[k], s
	}
	$2 ~ /^(\+\+\+|---)$/ { next }
	/resumed>/ {	# a call split by strace -f: counted once, where it began
		if ($0 ~ /<\.\.\. clone3? resumed>/ && $NF ~ /^[0-9]+$/ && $1 == first) init[$NF] = 1
		next
	}
	{
		if (first == "") first = $1
		name = $2; sub(/\(.*/, "", name)
		n++; pid[n] = $1; call[n] = name
		if ((name == "clone" || name == "clone3") && $NF ~ /^[0-9]+$/ && $1 == first) init[$NF] = 1
		if (name == "write" && match($0, /write\(2, "timing: [a-z]+/)) {
			m++; tpos[m] = n; tname[m] = substr($0, RSTART + 18, RLENGTH - 18)
		}
	}
	END {
		# Back to front: the next timing line of each process, and of any.
		nextany = m + 1
		for (i = n; i >= 1; i--) {
			if (m > 0 && tpos[nextany - 1] == i) { nextany--; nextof[pid[i]] = nextany }
			k = (pid[i] in nextof) ? nextof[pid[i]] : nextany
			calls[k, call[i]]++; total[k]++; who[k, role(pid[i])] = 1
		}
		for (k = 1; k <= m + 1; k++)
			if (total[k] > 0) flush(k <= m ? tname[k] : "-", k)
	}'
}
