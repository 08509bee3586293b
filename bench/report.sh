# shellcheck shell=bash
# bench/report.sh - the table, the targets, the chart and the results file.
# Sourced by bench/run.sh (see there for the variables it sets).

# The start-up contenders, in the order of the table.
ORDER=(floor ctr rootless unshare bwrap crun runc)

timed() { [[ " ${TIMED[*]} " == *" $1 "* ]]; }
med() { csv_field "$1" median; }

# awk does the arithmetic: calc 'EXPR' with a=.. b=.. given as arguments.
calc() { # calc EXPR [a=X b=Y ...]
	local expr=$1 args=()
	shift
	for v in "$@"; do args+=(-v "$v"); done
	awk "${args[@]}" "BEGIN { print $expr }"
}

# A command as the reader would type it: paths shortened.
short() {
	local s=$1
	s=${s//$W\/rootfs-nobody/ROOTFS-copy-owned-by-nobody}
	s=${s//$W\/bin\//}
	s=${s//$W/TMP}
	s=${s//$ROOTFS/ROOTFS}
	s=${s//$BINDIR\//bin\/}
	echo "$s"
}

start_table() {
	local k f=
	timed floor && f=$(med floor)
	echo "| tool | median (ms) | min (ms) | max (ms) | × floor |"
	echo "|---|---:|---:|---:|---:|"
	for k in "${ORDER[@]}"; do
		timed "$k" || continue
		printf '| %s | %s | %s | %s | %s |\n' "${LABEL[$k]}" "$(med "$k")" "$(csv_field "$k" min)" \
			"$(csv_field "$k" max)" "$([ -n "$f" ] && calc 'sprintf("%.2f", m / f)' "m=$(med "$k")" "f=$f" || echo -)"
	done
}

# verdict OK-EXPR a=.. b=..: "met" or "**missed**".
verdict() { # verdict EXPR VARS...
	[ "$(calc "$@")" = 1 ] && echo met || echo "**missed**"
}

# The phase whose own time grew the most from idle to busy: "PHASE MS".
grew_most() {
	phases_joined | awk '{ d = $6 - $3; if (p == "" || d > max) { max = d; p = $1 } } END { if (p != "") printf "%s %.3f\n", p, max }'
}

# Idle and busy rows of the same phase side by side, by its name (forked
# and ready race, so their order may differ between the two), in the
# order of their idle time since the start: "PHASE ORDER MS SINCE ORDER
# MS SINCE".
phases_joined() {
	join -j 2 <(printf '%s\n' "$PHASE_ROWS" | sort -k2,2) <(printf '%s\n' "$PHASE_ROWS_BUSY" | sort -k2,2) |
		sort -k4,4g
}

# Issue 16's targets, each met or missed by how much, with the why that
# the breakdown gives.
targets() {
	local f c u busy fb pss g
	timed ctr || { echo "- 07 root was not timed: no target can be checked."; return 0; }
	c=$(med ctr)
	if timed unshare; then
		u=$(med unshare)
		echo "- 07 ≤ unshare+chroot: $c ms against $u ms ($(calc 'sprintf("%.2f", c / u)' "c=$c" "u=$u")×):" \
			"$(verdict '(c <= u) ? 1 : 0' "c=$c" "u=$u")$(calc '(c > u) ? sprintf(", by %.3f ms", c - u) : ""' "c=$c" "u=$u")"
	fi
	if timed floor; then
		f=$(med floor)
		echo "- 07 ≤ 1.5× floor: $(calc 'sprintf("%.2f", c / f)' "c=$c" "f=$f")× ($c ms against $f ms):" \
			"$(verdict '(c <= 1.5 * f) ? 1 : 0' "c=$c" "f=$f")$(calc '(c > 1.5 * f) ? sprintf(", by %.3f ms: 07 must lose %.0f%% of its time", c - 1.5 * f, 100 * (c - 1.5 * f) / c) : ""' "c=$c" "f=$f")"
	fi
	if timed busy; then
		busy=$(med busy)
		! timed idle || c=$(med idle)
		echo "- with $SCALE_N running ≤ 1.1× idle: $(calc 'sprintf("%.2f", b / c)' "b=$busy" "c=$c")× ($busy ms against $c ms idle, just before):" \
			"$(verdict '(b <= 1.1 * c) ? 1 : 0' "b=$busy" "c=$c")$(calc '(b > 1.1 * c) ? sprintf(", by %.3f ms", b - 1.1 * c) : ""' "b=$busy" "c=$c")"
		if timed floorbusy && timed flooridle; then
			fb=$(med floorbusy) f=$(med flooridle)
			echo "  - the floor, the same way: $(calc 'sprintf("%.2f", b / f)' "b=$fb" "f=$f")× ($fb ms against $f ms):" \
				"the kernel's own work grows by $(calc 'sprintf("%.3f", b - f)' "b=$fb" "f=$f") ms, 07 by $(calc 'sprintf("%.3f", b - c)' "b=$busy" "c=$c") ms"
		fi
		if timed mid && timed floormid && timed flooridle; then
			# shellcheck disable=SC2153 # SCALE_MID: set by bench/scale.sh
			echo "  - with $SCALE_MID running: $(calc 'sprintf("%.2f", m / c)' "m=$(med mid)" "c=$c")× idle ($(med mid) ms);" \
				"the floor $(calc 'sprintf("%.2f", m / f)' "m=$(med floormid)" "f=$(med flooridle)")× ($(med floormid) ms)"
		fi
		if [ -n "$PHASE_ROWS_BUSY" ] && g=$(grew_most) && [ -n "$g" ]; then
			echo "  - the phase that grew the most: ${g% *}, by ${g#* } ms (the breakdown below)"
		fi
	fi
	if [ -n "${SCALE_STOP_MS:-}" ]; then
		echo "- teardown of $SCALE_N ≤ 1 s: $SCALE_STOP_MS ms:" \
			"$(verdict '(t <= 1000) ? 1 : 0' "t=$SCALE_STOP_MS")$(calc '(t > 1000) ? sprintf(", by %d ms (%.2f ms a container, on %d cores)", t - 1000, t / n, k) : ""' "t=$SCALE_STOP_MS" "n=$SCALE_N" "k=$(nproc)")"
		[ -z "$FLOOR_STOP_MS" ] ||
			echo "  - the floor's $SCALE_N (SIGKILL to each PID 1, the same namespaces and mounts): $FLOOR_STOP_MS ms;" \
				"07 takes $(calc 'sprintf("%.2f", t / f)' "t=$SCALE_STOP_MS" "f=$FLOOR_STOP_MS")× the kernel's own teardown"
	fi
	if [ -n "${SCALE_MEM[*]:-}" ]; then
		pss=$((SCALE_MEM[1] + SCALE_MEM[3]))
		echo "- ≤ 0.3 MiB per running container (runtime + init, Pss): $(calc 'sprintf("%.2f", p / 1024)' "p=$pss") MiB:" \
			"$(verdict '(p <= 0.3 * 1024) ? 1 : 0' "p=$pss")$(calc '(p > 0.3 * 1024) ? sprintf(", by %d KiB", p - 0.3 * 1024) : ""' "p=$pss")"
	fi
}

# The system calls of one run, phase by phase, and the floor's.
syscalls_table() {
	[ -n "$SYSCALL_ROWS" ] || { echo "Not listed: see the notes."; return 0; }
	echo "One run of \`07-full-container run -q --timing ROOTFS /bin/true\` under \`strace -f\`, cut where each"
	echo "phase's timing line is written; who made the calls: the runtime, its init, the command."
	echo
	echo "| phase | who | calls | which |"
	echo "|---|---|---:|---|"
	printf '%s\n' "$SYSCALL_ROWS" | awk -F'\t' '$1 != "-" { printf "| %s | %s | %d | %s |\n", $1, $2, $3, $4; n += $3 }
		END { printf "| **all** | | **%d** | |\n", n }'
	if [ -n "$FLOOR_CALLS" ]; then
		echo
		echo "The floor, the same way: **${FLOOR_CALLS%%$'\t'*}** calls: ${FLOOR_CALLS#*$'\t'}."
	fi
}

breakdown_table() {
	[ -n "$PHASE_ROWS" ] || { echo "Not measured: see the notes."; return 0; }
	echo "Median of $TIMING_RUNS runs of \`07-full-container run$([ "$TIMING_Q" = yes ] && echo " -q") --timing ROOTFS /bin/true\`:"
	echo "the time of each phase is the time since the phase before it; taken just before the scale part."
	if [ -n "$PHASE_ROWS_BUSY" ]; then
		echo "The last two columns: the same with the $SCALE_N containers of the scale part running."
		echo
		echo "| phase | ms | ms since start | ms, $SCALE_N running | since start, $SCALE_N running |"
		echo "|---|---:|---:|---:|---:|"
		phases_joined | awk '{ printf "| %s | %.3f | %.3f | %.3f | %.3f |\n", $1, $3, $4, $6, $7 }'
	else
		echo
		echo "| phase | ms | ms since start |"
		echo "|---|---:|---:|"
		printf '%s\n' "$PHASE_ROWS" | awk '{ printf "| %s | %.3f | %.3f |\n", $2, $3, $4 }'
	fi
	printf '%s\n' "$PHASE_ROWS" | sort -k3,3gr | awk 'NR == 1 { printf "\nThe slowest phase: **%s**, %.3f ms.\n", $2, $3 }'
	[ -z "$PHASE_ROWS_BUSY" ] || grew_most |
		awk '{ printf "With %s running, **%s** grew the most: by %.3f ms.\n", n, $1, $2 }' n="$SCALE_N"
}

scale_table() {
	local m=("${SCALE_MEM[@]}")
	[ -n "${SCALE_MEM[*]:-}" ] || { echo "Not measured: see the notes."; return 0; }
	echo "$SCALE_N containers of \`07-full-container run -q --name NAME ROOTFS /bin/sleep 1000\`," \
		"started in the background in two batches ($SCALE_MID, then the rest): all running (\`07-full-container ps\`) after $SCALE_START_MS ms, the timing between the batches not counted."
	echo
	echo "| per running container (mean, KiB) | Rss | Pss |"
	echo "|---|---:|---:|"
	echo "| runtime (the \`run\` process) | ${m[0]} | ${m[1]} |"
	echo "| init (its child, PID 1 inside) | ${m[2]} | ${m[3]} |"
	echo "| **runtime + init** | **$((m[0] + m[2]))** | **$((m[1] + m[3]))** |"
	echo "| the command (sleep), not counted | ${m[4]} | ${m[5]} |"
	echo
	echo "The host's MemAvailable fell by $SCALE_AVAIL_KIB KiB per container (everything:" \
		"kernel objects, page tables, the command too; noisy)."
	echo
	if timed busy; then
		echo "Start-up of one more (07 root, $SCALE_RUNS runs) with $SCALE_N running: median $(med busy) ms," \
			"min $(csv_field busy min), max $(csv_field busy max); idle: $(med ctr) ms."
		if timed idle && timed flooridle && timed floorbusy; then
			echo "Idle just before, the same way: $(med idle) ms; the floor: $(med flooridle) ms idle," \
				"$(med floorbusy) ms with $SCALE_N running."
		fi
		if timed mid && timed floormid; then
			echo "With the first $SCALE_MID running, on the way: 07 $(med mid) ms, the floor $(med floormid) ms."
		fi
		echo
	fi
	echo "Teardown: SIGTERM to all $SCALE_N runtimes, until the last one ended: $SCALE_STOP_MS ms."
	[ -z "$FLOOR_STOP_MS" ] ||
		echo "The floor's: $SCALE_N floors of \`/bin/sleep 1000\`, SIGKILL to each one's PID 1, until the last floor ended: $FLOOR_STOP_MS ms."
}

# podman run --rm, 07 against crun as its runtime (bench/podman.sh).
podman_table() {
	local k a b
	[ -z "$PODMAN_SKIP" ] || { echo "Not measured: $PODMAN_SKIP."; return 0; }
	timed pod07 || timed podcrun || { echo "Not measured: see the notes."; return 0; }
	echo "\`podman run --rm nslab-busybox /bin/true\`, the image imported from ROOTFS, podman's own store in"
	echo "the bench's temp directory (vfs, no network, no cgroups: scripts/podman-sandbox.sh); only"
	echo "\`--runtime\` differs. $PODMAN_RUNS runs of each in $PODMAN_ROUNDS rounds, taking turns; all of podman, conmon"
	echo "and the runtime's create, start and delete are timed."
	echo
	echo "| runtime | median (ms) | min (ms) | max (ms) |"
	echo "|---|---:|---:|---:|"
	for k in pod07 podcrun; do
		timed "$k" || continue
		printf '| %s | %s | %s | %s |\n' "${LABEL[$k]}" "$(med "$k")" "$(csv_field "$k" min)" "$(csv_field "$k" max)"
	done
	if timed pod07 && timed podcrun; then
		a=$(med pod07) b=$(med podcrun)
		echo
		echo "07 − crun: $(calc 'sprintf("%+.3f", a - b)' "a=$a" "b=$b") ms a container," \
			"$(calc 'sprintf("%.1f", 100 * (a - b) / b)' "a=$a" "b=$b")% of podman + crun's time."
	fi
}

# A bar chart of the medians, with gnuplot.
chart() { # chart PNG
	local k dat=$W/chart.dat
	command -v gnuplot >/dev/null || { note "no chart: gnuplot is missing"; return 0; }
	for k in "${ORDER[@]}"; do
		timed "$k" && printf '"%s" %s\n' "${LABEL[$k]}" "$(med "$k")"
	done >"$dat"
	gnuplot <<EOF || note "no chart: gnuplot failed"
set terminal pngcairo size 900,480 font "sans,11"
set output "$1"
set title "Start-up of /bin/true in a container, median of $RUNS runs ($(date -u +%Y-%m-%d), $(host_kind))"
set ylabel "milliseconds (lower is faster)"
set style fill solid 0.85 border -1
set boxwidth 0.6
set yrange [0:*]
set grid ytics
unset key
plot "$dat" using 0:2:xtic(1) with boxes lc rgb "#3b6ea8", \
     "" using 0:2:(sprintf("%.2f", \$2)) with labels offset 0,0.8
EOF
}

# The scale part as a chart: 07 and the floor, idle and with N running
# (start-up, median).
scale_chart() { # scale_chart PNG
	local dat=$W/scale.dat
	command -v gnuplot >/dev/null || return 0
	timed idle && timed busy && timed flooridle && timed floorbusy && timed mid && timed floormid || return 0
	{
		echo "\"07 root\" $(med idle) $(med mid) $(med busy)"
		echo "floor $(med flooridle) $(med floormid) $(med floorbusy)"
	} >"$dat"
	gnuplot <<EOF || note "no scale chart: gnuplot failed"
set terminal pngcairo size 900,480 font "sans,11"
set output "$1"
set title "Start-up with $SCALE_MID and $SCALE_N containers running, median of $SCALE_RUNS runs ($(date -u +%Y-%m-%d), $(host_kind))"
set ylabel "milliseconds (lower is faster)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set grid ytics
set key top right
plot "$dat" using 2:xtic(1) title "idle, just before" lc rgb "#3b6ea8", \
     "" using 3 title "$SCALE_MID running" lc rgb "#e0a040", \
     "" using 4 title "$SCALE_N running" lc rgb "#c0504d", \
     "" using (\$0 - 0.3):2:(sprintf("%.2f", \$2)) with labels offset 0,0.8 notitle, \
     "" using (\$0):3:(sprintf("%.2f", \$3)) with labels offset 0,0.8 notitle, \
     "" using (\$0 + 0.3):4:(sprintf("%.2f", \$4)) with labels offset 0,0.8 notitle
EOF
}

results_md() { # results_md PNG-NAME SCALE-PNG-NAME
	local k
	echo "# Start-up benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(host_kind)"
	echo
	echo "Made by \`make bench\`${QUICK:+ with QUICK=1} (bench/run.sh) in $SECONDS s: hyperfine, no shell (-N), $RUNS runs of each tool in $ROUNDS round$([ "$ROUNDS" -eq 1 ] || echo s) of $((RUNS / ROUNDS)) (the tools taking turns), after --warmup $WARMUP (3 in the later rounds)."
	echo "nslab $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$TOP" diff --quiet HEAD -- . ':!bench/results' 2>/dev/null || echo ' (with uncommitted changes)')."
	echo
	echo "## Start-up"
	echo
	start_table
	echo
	echo "Runs timed:$(for k in "${ORDER[@]}"; do timed "$k" && printf ' %s %s,' "${LABEL[$k]}" "$(wc -l <"$W/out/$k.times")"; done | sed 's/,$/./')"
	echo
	[ -f "$W/chart.png" ] && echo "![start-up, median]($1)" && echo
	echo "## Targets (issue 16)"
	echo
	targets
	echo
	echo "## Where 07's time goes"
	echo
	breakdown_table
	echo
	echo "## The system calls, phase by phase"
	echo
	syscalls_table
	echo
	echo "## At scale"
	echo
	[ ! -f "$W/scale.png" ] || { echo "![start-up with $SCALE_N running]($2)" && echo; }
	scale_table
	echo
	echo "## Under podman"
	echo
	podman_table
	echo
	echo "## The commands"
	echo
	for k in "${ORDER[@]}" idle flooridle mid floormid busy floorbusy pod07 podcrun; do
		timed "$k" && echo "- ${LABEL[$k]}: \`$(short "${CMDLINE[$k]}")\`"
	done
	echo
	echo "ROOTFS is $ROOTFS (busybox); 07 rootless runs as nobody (setpriv) a copy of bin/07-full-container"
	echo "on a copy of ROOTFS that nobody owns; crun and runc run a bundle from \`crun spec\` / \`runc spec\`"
	echo "(args /bin/true, no terminal, a cgroup namespace, cgroupsPath below the bench's own): see docs/bench.md."
	echo
	echo "## The machine"
	echo
	echo "- kernel: $(uname -srm)"
	echo "- CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores"
	echo "- memory: $(awk '$1 == "MemTotal:" { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- cgroups: $(cgroup_layout)"
	echo "- load (/proc/loadavg): at start $LOAD_START; at end $LOAD_END"
	for k in hyperfine unshare bwrap crun runc podman conmon; do
		echo "- $k: $(tool_version "$k")"
	done
	echo
	echo "## Notes"
	echo
	[ ${#NOTES[@]} -gt 0 ] || echo "None: every tool ran."
	for k in "${NOTES[@]}"; do echo "- $k"; done
	echo
	echo "## The host afterwards"
	echo
	if diff "$W/host.before" "$W/host.after" >"$W/host.diff"; then
		echo "Unchanged: the same cgroups, mounts, network links and runtime state as before."
	else
		echo "Changed (diff of cgroups, mounts, links, runtime state; before < > after):"
		echo
		sed 's/^/    /' "$W/host.diff"
	fi
}

report() {
	local base
	# A short run never overwrites the results of a full one.
	base=$TOP/bench/results/$(date -u +%Y-%m-%d)-$(host_kind)${QUICK:+-quick}
	mkdir -p "$TOP/bench/results"
	chart "$W/chart.png"
	[ ! -f "$W/chart.png" ] || cp "$W/chart.png" "$base.png"
	scale_chart "$W/scale.png"
	[ ! -f "$W/scale.png" ] || cp "$W/scale.png" "$base-scale.png"
	RESULTS_TMP=$base.md.tmp
	results_md "${base##*/}.png" "${base##*/}-scale.png" >"$RESULTS_TMP"
	mv "$RESULTS_TMP" "$base.md"
	echo
	start_table
	echo
	targets
	echo
	podman_table
	echo
	say "wrote ${base#"$TOP"/}.md${QUICK:+ (QUICK=1)}"
}
