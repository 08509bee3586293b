# shellcheck shell=bash
# shellcheck disable=SC2034 # LABEL, CMDLINE, NOBODY: read by the other files
# bench/lib.sh - the pieces of bench/run.sh: tools, timing, the host check.
#
# Sourced by bench/run.sh, which sets TOP, BINDIR, CTR, FLOOR, ROOTFS, W
# (the bench's own temp directory) and the run counts. Results land in W:
# one CSV per timed tool (hyperfine --export-csv), read back by bench/report.sh.

NOBODY=65534

say() { echo "bench: $*" >&2; }

# Notes end up in the results file: what was skipped and why.
NOTES=()
note() {
	NOTES+=("$*")
	say "note: $*"
}

# --- tools --------------------------------------------------------------------

# Packages the bench uses. scripts/prereqs.sh installs them (make bench
# runs it first; run alone, this asks it again); one still missing has
# its part skipped with a note.
BENCH_PKGS=(hyperfine bubblewrap crun runc podman conmon jq gnuplot-nox)

installed() { # installed PKG
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_tools() {
	local pkg missing=()
	"$TOP/scripts/prereqs.sh" bench >"$W/prereqs.log" 2>&1 || sed 's/^/    /' "$W/prereqs.log" >&2
	command -v dpkg-query >/dev/null || return 0
	for pkg in "${BENCH_PKGS[@]}"; do
		installed "$pkg" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] || note "not installed: ${missing[*]}"
}

# One line naming a tool's version, or "missing".
tool_version() { # tool_version NAME
	case $1 in
	hyperfine | bwrap | crun | runc | podman | jq) command -v "$1" >/dev/null && "$1" --version 2>&1 | head -n 1 || echo missing ;;
	unshare) unshare --version 2>&1 | head -n 1 ;;
	conmon) command -v conmon >/dev/null && conmon --version 2>&1 | head -n 1 || echo missing ;;
	gnuplot) command -v gnuplot >/dev/null && gnuplot --version 2>&1 | head -n 1 || echo missing ;;
	esac
}

# --- the machine ---------------------------------------------------------------

# "hybrid (cgroup v1: cpu memory ...; cgroup2 at /sys/fs/cgroup/unified
# with: hugetlb)", "cgroup2 only (controllers: ...)" or "cgroup v1 only".
cgroup_layout() {
	local v1 v2
	v1=$(awk '$3 == "cgroup" { n = split($4, o, ","); for (i = 1; i <= n; i++)
		if (o[i] !~ /^(rw|ro|relatime|nosuid|nodev|noexec)$/) printf "%s ", o[i] }' /proc/mounts)
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -n "$v1" ] && [ -n "$v2" ]; then
		echo "hybrid (cgroup v1: ${v1% }; cgroup2 at $v2 with: $(cat "$v2/cgroup.controllers" 2>/dev/null))"
	elif [ -n "$v2" ]; then
		echo "cgroup2 only at $v2 (controllers: $(cat "$v2/cgroup.controllers" 2>/dev/null))"
	else
		echo "cgroup v1 only (${v1% })"
	fi
}

# A short name for the kind of host, for the results file's name.
host_kind() {
	local kind=bare
	if command -v systemd-detect-virt >/dev/null && systemd-detect-virt -q --vm; then
		kind=$(systemd-detect-virt --vm)
	elif grep -qw hypervisor /proc/cpuinfo; then
		kind=vm
	fi
	echo "$kind-$(nproc)cpu"
}

# --- the host, before and after -------------------------------------------------

# What a runtime could leave behind: cgroups, mounts, network links, state.
host_state() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d 2>/dev/null | sort
	awk '{ print "mount " $5 }' /proc/self/mountinfo | sort
	find /sys/class/net -mindepth 1 -maxdepth 1 -printf 'link %f\n' | sort
	find /run/crun /run/runc /run/nslab -mindepth 1 -maxdepth 1 -printf 'state %p\n' 2>/dev/null | sort || true
}

# --- timing ---------------------------------------------------------------------

# hf KEY LABEL COMMAND [PREFIX...]: time COMMAND (no shell: hyperfine -N)
# with hyperfine, run by PREFIX (e.g. as nobody, or in a mount namespace of
# its own). Its numbers land in $W/out/KEY.csv; a tool that fails is
# skipped with a note naming its error.
TIMED=()
declare -A LABEL CMDLINE PREFIX
hf() {
	local key=$1 label=$2 cmd=$3 runs=${RUNS_OF:-$RUNS}
	shift 3
	LABEL[$key]=$label
	CMDLINE[$key]=$cmd
	# The command's prefix, for hf_again; none is none (printf '%q' of
	# nothing would be '', a command named "").
	PREFIX[$key]=''
	[ $# -eq 0 ] || PREFIX[$key]=$(printf '%q ' "$@")
	say "timing $label: $cmd"
	if ! "$@" hyperfine -N --style basic --warmup "$WARMUP" --runs "$runs" -n "$label" \
		--export-json "$W/out/$key.json" "$cmd" >"$W/out/$key.log" 2>&1; then
		cat "$W/out/$key.log" >&2
		note "$label skipped: hyperfine failed ($(grep -m1 -iE 'error|fail|denied|not' "$W/out/$key.log" || tail -n 1 "$W/out/$key.log"))"
		return 0
	fi
	grep -E 'Time|Range' "$W/out/$key.log" >&2 || true
	jq -r '.results[0].times[]' "$W/out/$key.json" >>"$W/out/$key.times"
	timed "$key" || TIMED+=("$key")
}

# Another round of a timed KEY, its times added to the first's: the
# tools take turns, so a machine whose speed drifts over minutes slows
# them all alike.
hf_again() { # hf_again KEY
	local key=$1 prefix=()
	eval "prefix=(${PREFIX[$key]})"
	RUNS_OF=${RUNS_OF:-$RUNS} hf "$key" "${LABEL[$key]}" "${CMDLINE[$key]}" "${prefix[@]}"
}

# csv_field KEY median|min|max: milliseconds, of every run of KEY's
# rounds (hyperfine's JSON: each run's time in seconds).
csv_field() {
	sort -g "$W/out/$1.times" | awk -v f="$2" '{ t[++n] = $1 }
		END { v = (f == "min") ? t[1] : (f == "max") ? t[n] : (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
		      printf "%.3f", v * 1000 }'
}

# Does the command run at all? The first line of its error if not.
works() { # works VAR COMMAND...
	local -n works_why=$1
	shift
	works_why=$("$@" 2>&1 >/dev/null) && return 0
	works_why="exit $?: $(head -n 1 <<<"$works_why")"
	return 1
}

# --- OCI bundle for crun and runc ------------------------------------------------

# The default spec of `crun spec`, with /bin/true as the command, no
# terminal, the shared rootfs, a cgroup namespace as 07 has, and the
# cgroup under the bench's own parent, so that the sweep finds it.
make_bundle() { # make_bundle DIR TOOL
	local dir=$1 tool=$2
	mkdir -p "$dir"
	(cd "$dir" && "$tool" spec) || return 1
	jq --arg root "$ROOTFS" --arg cg "/$CG_PARENT/$tool" '
		.process.args = ["/bin/true"] | .process.terminal = false |
		.root.path = $root | .linux.cgroupsPath = $cg |
		.linux.namespaces += [{"type": "cgroup"}]' "$dir/config.json" >"$dir/config.json.tmp" &&
		mv "$dir/config.json.tmp" "$dir/config.json"
}

# Remove the cgroups crun and runc made below the bench's parent, in every
# hierarchy, children first; kill what is left in them (only ever the
# bench's own containers, after an interrupt).
sweep_cgroups() {
	local d i pids
	for d in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
		[ -d "$d" ] || continue
		mapfile -t pids < <(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null)
		[ ${#pids[@]} -eq 0 ] || kill -KILL "${pids[@]}" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
			[ -d "$d" ] || break
			sleep 0.1
		done
		[ ! -d "$d" ] || note "could not remove the cgroup $d"
	done
	return 0
}

# --- the contenders that need more than one line ---------------------------------------

# 07 as nobody: a rootfs copy and a runtime directory nobody owns, and a
# copy of the binary (BINDIR may sit where nobody cannot reach, /root).
# hyperfine itself runs as nobody, so nothing of root's is timed.
rootless_07() {
	local why rr=$W/rootfs-nobody bin=$W/bin/07-full-container
	local as=(env "XDG_RUNTIME_DIR=$W/xdg" setpriv "--reuid=$NOBODY" "--regid=$NOBODY" --clear-groups --inh-caps=-all)
	if ! works why "${as[@]}" unshare -U true; then
		note "07 rootless skipped: nobody gets no user namespace here ($why)"
		return 0
	fi
	cp -a "$ROOTFS" "$rr"
	chown -R "$NOBODY:$NOBODY" "$rr"
	mkdir -m 700 "$W/xdg"
	chown "$NOBODY:$NOBODY" "$W/xdg"
	mkdir -p "$W/bin"
	cp "$CTR" "$bin"
	if works why "${as[@]}" "$bin" run -q "$rr" /bin/true; then
		hf rootless "07 rootless" "$bin run -q $rr /bin/true" "${as[@]}"
	else
		note "07 rootless skipped: $why"
	fi
}

# The cgroup2 mount of a hybrid host (/sys/fs/cgroup/unified), if any.
hybrid_v2() {
	awk '$3 == "cgroup" { v1 = 1 } $3 == "cgroup2" && $2 != "/sys/fs/cgroup" { v2 = $2 }
		END { if (v1 && v2) print v2 }' /proc/mounts
}

# crun or runc on the bundle, each with a state directory of its own (not
# /run/crun or /run/runc) and the same container id every time: `run`
# deletes the container when it ends. On a hybrid host crun refuses a
# cgroup2 mount that has controllers ("cgroups in hybrid mode not
# supported"): then the whole hyperfine runs in a mount namespace of its
# own where that mount is gone, so crun sees cgroup v1 alone.
oci_runtime() { # oci_runtime crun|runc
	local tool=$1 why why2='' v2 dir=$W/oci-$1 prefix=()
	local cmd=("$tool" --root "$W/state-$tool" run --bundle "$dir" bench)
	command -v "$tool" >/dev/null || { note "$tool skipped: not installed"; return 0; }
	command -v jq >/dev/null || { note "$tool skipped: jq (to edit config.json) is missing"; return 0; }
	make_bundle "$dir" "$tool" >/dev/null || { note "$tool skipped: '$tool spec' failed"; return 0; }
	if ! works why "${cmd[@]}"; then
		v2=$(hybrid_v2)
		prefix=(unshare -m sh -c "umount $v2 && exec \"\$@\"" sh)
		if [ -z "$v2" ] || ! works why2 "${prefix[@]}" "${cmd[@]}"; then
			note "$tool skipped: $why${why2:+; with the cgroup2 mount hidden: $why2}"
			return 0
		fi
		note "$tool ran in a mount namespace without $v2 (as-is: $why)"
	fi
	hf "$tool" "$tool" "${cmd[*]}" "${prefix[@]}"
}
