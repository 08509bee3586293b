#!/usr/bin/env bats
# Reliability: whatever happens - a kill at the worst moment, a signal in
# the middle of the start-up, hundreds of runs one after another or fifty
# at once - the host is left as it was, and what SIGKILL leaves behind is
# removed by the next `ps` or `run`.
#
# The kills use 07's test hook: NSLAB_PAUSE_AT=PHASE stops the process
# that reaches PHASE (07-full-container/pause.c lists them) after one
# line on stderr, "paused at PHASE (NSLAB_PAUSE_AT): ...". The check reads
# stderr through a fifo until that line - the watchdog of helpers.bash is
# the deadline - and then kills whatever it wants. Nothing waits on a
# sleep: what the kernel does by itself (a parent-death signal, a PID
# namespace dying with its init) is polled for, with a deadline.
#
# Quick by default, for `make test`; NSLAB_SOAK=full (`make soak`) runs
# the soak ten times longer.

load helpers

# All of run's phases, in order; "mapped" exists only with a user
# namespace, so as root it is reached with --userns.
PHASES=(claimed cloned mapped go mounted hardened ready forked exec)
# The phases from which on the init has made a mount point in the rootfs
# (the volume's) and recorded it there, under the runtime's pid.
MOUNTED=" mounted hardened ready forked exec "

setup_file() {
	ROOTFS=${NSLAB_ROOTFS:-$NSLAB_ROOT/rootfs}
	"$NSLAB_ROOT/scripts/mkrootfs.sh" "$ROOTFS" >"$BATS_FILE_TMPDIR/mkrootfs.log" 2>&1 || ROOTFS=
	export ROOTFS
	# The rootless checks run as nobody, whose fifos, volume, rootfs
	# copy and XDG_RUNTIME_DIR live below bats' private run directory.
	chmod 711 "$BATS_RUN_TMPDIR"
	if [ "${NSLAB_SOAK:-}" = full ]; then
		export SOAK_RUNS=1000 SOAK_DEMO_RUNS=100
	else
		export SOAK_RUNS=100 SOAK_DEMO_RUNS=20
	fi
}

setup() {
	[ -n "$ROOTFS" ] || skip "no rootfs: $(tail -n 1 "$BATS_FILE_TMPDIR/mkrootfs.log")"
	CTR=$NSLAB_BIN/07-full-container
	T=$BATS_TEST_TMPDIR
	R=$ROOTFS
	STATE=/run/nslab
	ctr='' pids='' xdg='' errfd=''
	AS=()
	mkdir -m 777 "$T/vol" "$T/io"
	mkfifo -m 666 "$T/io/up" "$T/io/down"
	host_snapshot
	rootfs_state >"$T/rootfs.before"
}

# A check that failed halfway may leave a paused container: SIGKILL to
# its runtime and to any of its processes still running 07 (an init that
# did not follow its runtime, when that is what failed), then ps sweeps
# the record and a run the rootfs.
teardown() {
	local p
	for p in $ctr $pids; do
		if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$CTR" ]; then
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	[ -z "$ctr" ] || wait "$ctr" 2>/dev/null || true
	[ -z "$errfd" ] || exec {errfd}<&-
	"${AS[@]}" "$CTR" ps -q >/dev/null 2>&1 || true
	"${AS[@]}" "$CTR" run -q "$R" true >/dev/null 2>&1 || true
	[ -z "$xdg" ] || rm -rf "$xdg"
}

# --- looking from outside -----------------------------------------------------

# Every path in the rootfs R, as tests/04-mount.bats reads it.
rootfs_state() {
	find "$R" -xdev | sort
}

# PID and every process below it, host pids, one per line.
tree_of() { # tree_of PID
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			todo = root
			while (todo != "") {
				n = split(todo, a, " "); todo = ""
				for (i = 1; i <= n; i++) {
					print a[i]
					todo = todo kids[a[i]]
				}
			}
		}'
}

# Ended: no such process, or a zombie - it has exited and holds nothing;
# its reaper (the host's PID 1, for an orphaned init) collects it when
# it gets round to it.
dead() { # dead PID...
	local p s
	for p in "$@"; do
		s=$(sed -n 's/.*) \(.\) .*/\1/p' "/proc/$p/stat" 2>/dev/null)
		[ -z "$s" ] || [ "$s" = Z ] || return 1
	done
}

# Field KEY of /proc/PID/status, its first word: VmRSS's kB, say.
status_of() { # status_of PID KEY
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

# Zombies no live parent of ours has collected: an nslab program that is
# one, or whose parent runs one. (Orphans wait for the host's PID 1.)
nslab_zombies() {
	ps -e -o stat=,pid=,ppid=,comm= | awk '$1 ~ /^Z/ && $3 != 1' |
		while read -r _ pid ppid comm; do
			if [[ $comm == 0[1-7]-* ]] ||
				[[ $(readlink "/proc/$ppid/exe" 2>/dev/null) == "$NSLAB_BIN"/* ]]; then
				echo "zombie $pid ($comm), parent $ppid"
			fi
		done
}

# --- a run paused at a phase ----------------------------------------------------

# Start `run RUN-ARGS...` as "${AS[@]}" with NSLAB_PAUSE_AT=PHASE, its
# stderr into a fifo, and read that until the paused line: then $ctr is
# the runtime, $who the role that paused ("host", "init" or "cmd") and
# $pids the runtime and every process below it. The fifo stays open
# (errfd) until the check ends, so that nothing writes into a closed pipe.
start_paused() { # start_paused PHASE RUN-ARGS...
	local phase=$1 line
	shift
	rm -f "$T/err" "$T/stderr"
	mkfifo "$T/err"
	NSLAB_PAUSE_AT=$phase "${AS[@]}" "$CTR" run "$@" 2>"$T/err" 3>&- &
	ctr=$!
	watchdog_start "$ctr"
	exec {errfd}<"$T/err"
	who=
	while IFS= read -r line <&"$errfd"; do
		echo "$line" >>"$T/stderr"
		if [[ $line == *"] paused at $phase (NSLAB_PAUSE_AT): "* ]]; then
			who=${line#[}
			who=${who%% *}
			break
		fi
	done
	watchdog_stop
	if [ -z "$who" ]; then
		cat "$T/stderr" >&2
		fail "run never paused at $phase"
	fi
	pids=$(tree_of "$ctr")
}

# Wait for the runtime (the watchdog turns a hang into 137); its status
# lands in $status. Then every process of the container has ended.
wait_ctr() {
	status=0
	watchdog_start "$ctr"
	wait "$ctr" || status=$?
	watchdog_stop
	ctr=
	# shellcheck disable=SC2086 # one pid per word
	if ! wait_for dead $pids; then
		ps -o pid,ppid,stat,args -p "$(paste -sd, <<<"$pids")" >&2
		fail "a process of the container outlived the deadline"
	fi
	[ -z "$errfd" ] || exec {errfd}<&-
	errfd=
}

# What a run killed at PHASE leaves, and who removes it: the state record
# (stale: its lock died with the runtime) until the next ps; from
# "mounted" on, the volume's mount point in the rootfs and the record
# that lists it, until the next run on that rootfs.
assert_swept() { # assert_swept PHASE NAME VOLUME RUNTIME-PID
	[ -f "$STATE/$2" ] || fail "$1: no state record $STATE/$2 after the kill"
	if [[ $MOUNTED == *" $1 "* ]]; then
		[ -f "$R/.nslab-made.$4" ] || fail "$1: no record $R/.nslab-made.$4"
		[ -d "$R$3" ] || fail "$1: no mount point $R$3"
	else
		[ ! -e "$R/.nslab-made.$4" ] || fail "$1: a record before anything was mounted"
	fi
	run --separate-stderr "${AS[@]}" "$CTR" ps
	assert_success
	refute_output --partial "$2"
	said_by host | grep -E "[0-9]+ stale records? removed"
	[ ! -e "$STATE/$2" ]
	run --separate-stderr "${AS[@]}" "$CTR" run "$R" true
	assert_success
	if [[ $MOUNTED == *" $1 "* ]]; then
		said_by host | grep -F "removed $R/.nslab-made.$4 and the 1 mount point it lists, left by run $4, which is gone"
	fi
	assert_host_unchanged
	rootfs_state | diff -u "$T/rootfs.before" -
}

# SIGKILL to the runtime paused, or with its init or command paused, at
# PHASE; the container's processes must end with it.
kill_runtime_at() { # kill_runtime_at PHASE [RUN-OPTIONS...]
	local phase=$1 name vol runtime
	shift
	echo "# phase $phase"
	name=$(random_name)
	vol=/$(random_name)
	start_paused "$phase" -q --name "$name" -v "$T/vol:$vol" "$@" "$R" /bin/true
	runtime=$ctr
	kill -KILL "$ctr"
	wait_ctr
	assert_equal "$status" 137
	assert_swept "$phase" "$name" "$vol" "$runtime"
}

@test "reliability.1 NSLAB_PAUSE_AT: an unknown phase is refused (125); an unreached one changes nothing and never reaches the command" {
	need_root
	run -125 --separate-stderr env NSLAB_PAUSE_AT=bogus "$CTR" run -q "$R" true
	assert_equal "$(wc -l <<<"$stderr")" 2
	[[ $(sed -n 1p <<<"$stderr") == *'error: NSLAB_PAUSE_AT="bogus": Invalid argument' ]]
	[[ $(sed -n 2p <<<"$stderr") == *"hint: the phases are: ${PHASES[*]}" ]]
	# "mapped" needs a user namespace: as root without --userns, the run
	# never gets there. The command's environment is built from nothing.
	run --separate-stderr env NSLAB_PAUSE_AT=mapped "$CTR" run -q "$R" env
	assert_success
	refute_output --partial NSLAB_PAUSE_AT
	assert_line PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	assert_host_unchanged
}

@test "reliability.2 SIGKILL to the runtime at every phase, as root: the container dies with it; ps and the next run sweep the rest" {
	need_root
	local phase
	for phase in "${PHASES[@]}"; do
		if [ "$phase" = mapped ]; then
			kill_runtime_at mapped --userns
		else
			kill_runtime_at "$phase"
		fi
		# The runtime paused itself up to "mapped", and at "ready";
		# from "go" on the init or the command did.
		case $phase in
		claimed | cloned | mapped | ready) assert_equal "$who" host ;;
		exec) assert_equal "$who" cmd ;;
		*) assert_equal "$who" init ;;
		esac
	done
}

# A copy of the rootfs that nobody owns, made once per file, and a
# private XDG_RUNTIME_DIR, as tests/07-full-container.bats does.
as_rootless() {
	need_userns
	local copy=$BATS_FILE_TMPDIR/rootfs-nobody
	if [ ! -d "$copy" ]; then
		cp -a "$ROOTFS" "$copy.part"
		[ "$(id -u)" -ne 0 ] || chown -R 65534:65534 "$copy.part"
		mv "$copy.part" "$copy"
	fi
	R=$copy
	rootfs_state >"$T/rootfs.before"
	xdg=$T/xdg
	mkdir -m 700 "$xdg"
	if [ "$(id -u)" -eq 0 ]; then
		chown 65534:65534 "$xdg"
		AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	fi
	export XDG_RUNTIME_DIR=$xdg
	STATE=$xdg/nslab
}

@test "reliability.3 SIGKILL to a rootless runtime at cloned, mapped, mounted and exec: the same" {
	as_rootless
	local phase
	for phase in cloned mapped mounted exec; do
		kill_runtime_at "$phase"
	done
}

# As root with --userns the init changes its ids (to root of its user
# namespace) after "go", which clears PR_SET_PDEATHSIG: it must be asked
# for again, or a killed runtime leaves the container running until the
# next ps sweeps it (found by 07-mini's checks).
@test "reliability.12 SIGKILL to a runtime with --userns, as root, at go, mounted, hardened and exec: the container dies with it" {
	need_root
	local phase copy=$BATS_FILE_TMPDIR/rootfs-100000
	# Root of the container is uid 100000 on the host, and makes the
	# volume's mount point: a copy that uid owns.
	if [ ! -d "$copy" ]; then
		cp -a "$ROOTFS" "$copy.part"
		chown -R 100000:100000 "$copy.part"
		mv "$copy.part" "$copy"
	fi
	R=$copy
	rootfs_state >"$T/rootfs.before"
	for phase in go mounted hardened exec; do
		kill_runtime_at "$phase" --userns
	done
}

# SIGKILL to the init (or, at "exec", to the command) while it is paused:
# the runtime is alive, reaps it, exits 128+9 and removes everything
# itself - the state record, the mount point and its record - with no
# ps and no next run to help.
kill_container_at() { # kill_container_at PHASE
	local name vol victim
	echo "# phase $1"
	name=$(random_name)
	vol=/$(random_name)
	start_paused "$1" -q --name "$name" -v "$T/vol:$vol" "$R" /bin/true
	victim=$(children_of "$ctr")
	[ "$1" != exec ] || victim=$(children_of "$victim")
	[ -n "$victim" ]
	kill -KILL "$victim"
	wait_ctr
	assert_equal "$status" 137
	[ ! -e "$STATE/$name" ]
	assert_host_unchanged
	rootfs_state | diff -u "$T/rootfs.before" -
}

@test "reliability.4 SIGKILL to the init at each of its phases, to the command at exec: the runtime exits 137 and cleans up itself" {
	need_root
	local phase
	for phase in go mounted hardened forked exec; do
		kill_container_at "$phase"
	done
}

# The command of a container at steady state: it reports on the fifo
# "up" (through the volume at /mnt), then blocks opening "down". The
# fifo is opened read-write, so the open never blocks; the 20 s limit
# only turns a broken runtime into a failure instead of a hung suite.
start_steady() { # start_steady RUN-ARGS...
	local inside='' fd
	"$CTR" run "$@" -v "$T/io:/mnt" "$R" sh -c 'echo $$ >/mnt/up; exec head -n 1 </mnt/down >/dev/null' \
		2>"$T/stderr" 3>&- &
	ctr=$!
	exec {fd}<>"$T/io/up"
	read -r -t 20 inside <&"$fd" || cat "$T/stderr" >&2
	exec {fd}<&-
	assert_equal "$inside" 2
	pids=$(tree_of "$ctr")
}

@test "reliability.5 at steady state: SIGKILL to the init ends the runtime with 137 and nothing left; SIGKILL to the runtime, nothing the next ps does not sweep" {
	need_root
	local name init
	name=$(random_name)
	start_steady -q --name "$name"
	init=$(children_of "$ctr")
	kill -KILL "$init"
	wait_ctr
	assert_equal "$status" 137
	[ ! -e "$STATE/$name" ]
	assert_host_unchanged
	start_steady -q --name "$name"
	kill -KILL "$ctr"
	wait_ctr
	assert_equal "$status" 137
	[ -f "$STATE/$name" ]
	run --separate-stderr "$CTR" ps -q
	refute_output --partial "$name"
	[ ! -e "$STATE/$name" ]
	assert_host_unchanged
	rootfs_state | diff -u "$T/rootfs.before" -
}

# SIGNAL to the runtime while a process of the run is paused at PHASE. A
# paused runtime goes on (the signal stays pending); a paused init is
# passed the signal and goes on; the command dies of it in the end,
# whenever it came: 128+N, and nothing is left.
signal_at() { # signal_at PHASE SIGNAL STATUS
	local name vol
	echo "# phase $1, SIG$2"
	name=$(random_name)
	vol=/$(random_name)
	start_paused "$1" -q --name "$name" -v "$T/vol:$vol" "$R" sleep 1000
	kill -"$2" "$ctr"
	wait_ctr
	assert_equal "$status" "$3"
	[ ! -e "$STATE/$name" ]
	assert_host_unchanged
	rootfs_state | diff -u "$T/rootfs.before" -
}

@test "reliability.6 SIGTERM and SIGINT to the runtime at every phase: 143 and 130, nothing left" {
	need_root
	local phase
	for phase in claimed cloned go mounted hardened forked exec; do
		signal_at "$phase" TERM 143
		signal_at "$phase" INT 130
	done
}

@test "reliability.11 exec waits until the init is built and hardened: before, it is refused and cannot touch the host's files" {
	need_root
	local phase name
	# Paused before "ready", the init's mount namespace may still have the
	# host's / as its root: a command joined there would write the host's
	# files (this check failed before run waited for "ready").
	for phase in go mounted; do
		name=$(random_name)
		start_paused "$phase" -q --name "$name" "$R" /bin/true
		run --separate-stderr "$CTR" exec "$name" sh -c "echo x >'$T/proof'"
		assert_equal "$status" 125
		[ ! -e "$T/proof" ] || fail "exec at $phase wrote the host's $T/proof"
		kill -KILL "$ctr"
		wait_ctr
		"$CTR" ps -q >/dev/null 2>&1
		"$CTR" run -q "$R" true
	done
	# Once hardened, the same exec runs inside, where $T does not exist.
	name=$(random_name)
	start_paused hardened -q --name "$name" "$R" /bin/true
	run --separate-stderr "$CTR" exec "$name" sh -c "echo x >'$T/proof'"
	assert_equal "$status" 1
	[ ! -e "$T/proof" ]
	run --separate-stderr "$CTR" exec "$name" hostname
	assert_success
	assert_output "$name"
	kill -KILL "$ctr"
	wait_ctr
	"$CTR" ps -q >/dev/null 2>&1
	assert_host_unchanged
}

# --- soak and parallel load ---------------------------------------------------------

# Seconds since SINCE (an $EPOCHREALTIME), to the millisecond.
elapsed() { # elapsed SINCE
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

@test "reliability.7 soak: 100 runs one after another (1000 with NSLAB_SOAK=full), no failure, nothing left" {
	need_root
	local i fails=0 st since secs
	since=$EPOCHREALTIME
	for ((i = 1; i <= SOAK_RUNS; i++)); do
		st=0
		"$CTR" run -q "$R" /bin/true 2>"$T/stderr" 3>&- || st=$?
		if [ "$st" -ne 0 ] || [ -s "$T/stderr" ]; then
			fails=$((fails + 1))
			echo "run $i: status $st: $(cat "$T/stderr")"
		fi
	done
	secs=$(elapsed "$since")
	echo "# $SOAK_RUNS runs in $secs s, $(awk -v n="$SOAK_RUNS" -v s="$secs" 'BEGIN { printf "%.1f", n / s }') runs/s" >&3
	assert_equal "$fails" 0
	assert_equal "$(nslab_zombies)" ""
	assert_host_unchanged
	rootfs_state | diff -u "$T/rootfs.before" -
}

@test "reliability.8 50 containers at once: all exit 0 under 50 distinct names, nothing left" {
	need_root
	local i since st fails=0
	since=$EPOCHREALTIME
	# One process group for the lot, under one watchdog.
	set -m
	bash -c 'for i in $(seq 50); do
			{ "$1" run -q "$2" hostname >"$3/out.$i" 2>"$3/err.$i"; echo $? >"$3/status.$i"; } &
		done
		wait' _ "$CTR" "$R" "$T" 3>&- &
	local group=$!
	set +m
	watchdog_start "-$group" 60
	wait "$group"
	watchdog_stop
	echo "# 50 at once in $(elapsed "$since") s" >&3
	for i in $(seq 50); do
		st=$(cat "$T/status.$i")
		if [ "$st" -ne 0 ] || [ -s "$T/err.$i" ]; then
			fails=$((fails + 1))
			echo "run $i: status $st: $(cat "$T/err.$i")"
		fi
		# The hostname is the name, by default: one line, nslab-XXXXXX.
		grep -Exq 'nslab-[0-9a-f]{6}' "$T/out.$i" || fail "run $i: name '$(cat "$T/out.$i")'"
	done
	assert_equal "$fails" 0
	assert_equal "$(cat "$T"/out.* | sort -u | wc -l)" 50
	assert_equal "$(nslab_zombies)" ""
	assert_host_unchanged
	rootfs_state | diff -u "$T/rootfs.before" -
}

@test "reliability.9 each demo 01-06, 20 runs each (100 with NSLAB_SOAK=full): no failure, nothing left" {
	need_root
	local demo i st fails=0 since
	local -a cmd
	for demo in 01-uts 02-ipc 03-pid 04-mount 05-user 06-setns; do
		# As host-safety.bats runs them: default options, -q, a short
		# command (04 needs its rootfs).
		cmd=("$NSLAB_BIN/$demo")
		[ "$demo" != 04-mount ] || cmd+=(-r "$R")
		since=$EPOCHREALTIME
		for ((i = 1; i <= SOAK_DEMO_RUNS; i++)); do
			st=0
			"${cmd[@]}" -q -- true >/dev/null 2>"$T/stderr" 3>&- || st=$?
			if [ "$st" -ne 0 ] || [ -s "$T/stderr" ]; then
				fails=$((fails + 1))
				echo "$demo run $i: status $st: $(cat "$T/stderr")"
			fi
		done
		echo "# $demo: $SOAK_DEMO_RUNS runs in $(elapsed "$since") s" >&3
	done
	assert_equal "$fails" 0
	assert_equal "$(nslab_zombies)" ""
	assert_host_unchanged
	rootfs_state | diff -u "$T/rootfs.before" -
}

# Descriptors and resident memory of PID, as the host reads them.
fds_of() { # fds_of PID
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}

@test "reliability.10 100 execs into a running container: its runtime and init keep their fds and memory" {
	need_root
	local name init i fails=0 page rt_fd rt_rss in_fd in_rss
	page=$(($(getconf PAGESIZE) / 1024))
	name=$(random_name)
	start_steady -q --name "$name"
	init=$(children_of "$ctr")
	rt_fd=$(fds_of "$ctr") rt_rss=$(status_of "$ctr" VmRSS)
	in_fd=$(fds_of "$init") in_rss=$(status_of "$init" VmRSS)
	for ((i = 1; i <= 100; i++)); do
		"$CTR" exec -q "$name" true 2>"$T/err" 3>&- || { fails=$((fails + 1)) && cat "$T/err"; }
	done
	# exec never looks at NSLAB_PAUSE_AT, and builds the environment anew.
	run --separate-stderr env NSLAB_PAUSE_AT=exec "$CTR" exec -q "$name" env
	assert_success
	refute_output --partial NSLAB_PAUSE_AT
	echo "# runtime: $rt_fd fds, $rt_rss kB before; $(fds_of "$ctr") fds, $(status_of "$ctr" VmRSS) kB after" >&3
	echo "# init:    $in_fd fds, $in_rss kB before; $(fds_of "$init") fds, $(status_of "$init" VmRSS) kB after" >&3
	assert_equal "$fails" 0
	assert_equal "$(fds_of "$ctr")" "$rt_fd"
	assert_equal "$(fds_of "$init")" "$in_fd"
	[ "$(status_of "$ctr" VmRSS)" -le $((rt_rss + 3 * page)) ] || fail "the runtime grew"
	[ "$(status_of "$init" VmRSS)" -le $((in_rss + 3 * page)) ] || fail "the init grew"
	timeout 10 sh -c 'echo go >"$1"' _ "$T/io/down"
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}
