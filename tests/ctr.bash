# tests/ctr.bash - what the checks of 07-full-container share: a
# container held on a fifo and looked at from outside. Load it after
# helpers; 07-full-container.bats, 07-cgroups.bats and 07-network.bats
# do.
#
# The container's processes, as the host numbers them:
#   $ctr   the runtime (bin/07-full-container run), our background job
#   $init  its child, PID 1 inside
#   $cmd   the init's child, PID 2 inside: the command
# The command reaches the test through the volume $T/io at /mnt: it
# writes to the fifo /mnt/up when it is ready and blocks opening
# /mnt/down until the test lets it go. Nothing waits on a sleep.

# IO, PAUSE and status are set here for the checks that load this file.
# shellcheck disable=SC2034

# The usual setup of a file of checks: the rootfs (ROOTFS empty when it
# cannot be made; ctr_setup skips then), and bats' private run directory
# made passable (not readable) for nobody, whose fifos, volumes, rootfs
# copy and XDG_RUNTIME_DIR live below it in the rootless checks.
ctr_setup_file() {
	ROOTFS=${NSLAB_ROOTFS:-$NSLAB_ROOT/rootfs}
	"$NSLAB_ROOT/scripts/mkrootfs.sh" "$ROOTFS" >"$BATS_FILE_TMPDIR/mkrootfs.log" 2>&1 || ROOTFS=
	export ROOTFS
	chmod 711 "$BATS_RUN_TMPDIR"
}

# The usual setup of a check: the fifos, the volume, the host's state.
ctr_setup() {
	[ -n "$ROOTFS" ] || skip "no rootfs: $(tail -n 1 "$BATS_FILE_TMPDIR/mkrootfs.log")"
	CTR=$NSLAB_BIN/07-full-container
	T=$BATS_TEST_TMPDIR
	ctr='' init='' cmd='' xdg=''
	AS=()
	mkdir "$T/io"
	chmod 777 "$T/io"
	mkfifo -m 666 "$T/io/up" "$T/io/down"
	IO=(-v "$T/io:/mnt")
	host_snapshot
}

# A check that failed halfway may leave its container waiting on a fifo:
# SIGKILL to the runtime ends it all (the init dies by PR_SET_PDEATHSIG,
# the command with its PID namespace), and the next ps sweeps the record.
ctr_teardown() {
	local p
	for p in "$ctr" "$init"; do
		if [ -n "$p" ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$CTR" ]; then
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	[ -z "$ctr" ] || wait "$ctr" 2>/dev/null || true
	"$CTR" ps -q >/dev/null 2>&1 || true
	[ -z "$xdg" ] || rm -rf "$xdg"
}

# The command the paused checks run: report its pid (as it sees it), then
# block opening /mnt/down - as a shell that holds no fd but 0, 1 and 2.
PAUSE='echo $$ >/mnt/up; exec head -n 1 </mnt/down >/dev/null'

# The child of PARENT whose innermost pid (NSpid's last) is NSPID.
child_with_nspid() { # child_with_nspid PARENT NSPID
	local p
	for p in $(children_of "$1"); do
		[ "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$p/status" 2>/dev/null)" != "$2" ] || echo "$p"
	done
}


# Let the paused command go: a line into "down", once it opens it.
resume() { # resume [FIFO]
	timeout "$(guard_s)" sh -c 'echo go >"$1"' _ "${1:-$T/io/down}"
}

gone() { # gone PID...: no such process (a zombie counts as there)
	local p
	for p in "$@"; do
		[ ! -e "/proc/$p" ] || return 1
	done
}

# Start CMD... in the background, as "${AS[@]}" (as nobody for the
# rootless checks, or in another network namespace), its stderr in
# $T/stderr. Waits for the line its command writes into the fifo UP,
# then sets $ctr (CMD), $init, $cmd (host pids) and $inside (the line).
start_held() { # start_held UP CMD...
	local up=$1
	shift
	"${AS[@]}" "$@" 2>"$T/stderr" 3>&- &
	ctr=$!
	if ! fifo_read inside "$up"; then
		cat "$T/stderr" >&2
		return 1
	fi
	init=$(children_of "$ctr")
	[ -n "$init" ]
	cmd=$(child_with_nspid "$init" 2)
	[ -n "$cmd" ]
}

# The runtime: `run ARGS...`, its command's fifos in the volume $T/io.
start_ctr() { # start_ctr RUN-ARGS...
	start_held "$T/io/up" "$CTR" run "$@"
}

# Wait for the runtime; its status lands in $status. A runtime that does
# not end is SIGKILLed by the watchdog: status 137 fails the check.
wait_ctr() {
	status=0
	watchdog_start "$ctr"
	wait "$ctr" || status=$?
	watchdog_stop
	ctr=
}

# -q output of a failing run: exactly one "error:" line, then at most one
# "hint:" line, nothing on stdout.
assert_one_error() { # assert_one_error SUBSTRING  (after run --separate-stderr)
	assert_equal "$output" ""
	[ -n "$stderr" ]
	[[ $(sed -n 1p <<<"$stderr") == *"error: "*"$1"* ]] || fail "first line: $(sed -n 1p <<<"$stderr")"
	[ "$(wc -l <<<"$stderr")" -le 2 ] || fail "more than two lines: $stderr"
	[ "$(wc -l <<<"$stderr")" -eq 1 ] || [[ $(sed -n 2p <<<"$stderr") == *"hint: "* ]]
}

random_number() { # random_number MIN MAX
	echo $(($1 + $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % ($2 - $1 + 1)))
}

# A copy of the rootfs that nobody owns, and a private XDG_RUNTIME_DIR
# (removed by ctr_teardown), for the rootless checks: as nobody when
# the checks run as root. $me and $mygid: that user's ids.
as_rootless() {
	need_userns
	RROOTFS=$BATS_FILE_TMPDIR/rootfs-nobody
	if [ ! -d "$RROOTFS" ]; then
		cp -a "$ROOTFS" "$RROOTFS.part"
		[ "$(id -u)" -ne 0 ] || chown -R 65534:65534 "$RROOTFS.part"
		mv "$RROOTFS.part" "$RROOTFS"
	fi
	xdg=$T/xdg
	mkdir -m 700 "$xdg"
	if [ "$(id -u)" -eq 0 ]; then
		chown 65534:65534 "$xdg"
		AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	fi
	export XDG_RUNTIME_DIR=$xdg
	me=$("${AS[@]}" id -u)
	mygid=$("${AS[@]}" id -g)
}

# --- what the container's processes are, seen from the host -------------------

# Field KEY of /proc/PID/status, blanks squeezed: "0 0 0 0".
status_of() { # status_of PID KEY
	awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "/proc/$1/status"
}

# "MOUNTPOINT FSTYPE OPTIONS" for each mount PID sees.
mounts_of() { # mounts_of PID
	awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $6 }' "/proc/$1/mountinfo"
}

# Docker's default capabilities minus CAP_MKNOD, by number
# (<linux/capability.h>): CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4,
# KILL 5, SETGID 6, SETUID 7, SETPCAP 8, NET_BIND_SERVICE 10, NET_RAW 13,
# SYS_CHROOT 18, AUDIT_WRITE 29, SETFCAP 31. (MKNOD is 27.)
default_caps() {
	local mask=0 cap
	for cap in 0 1 3 4 5 6 7 8 10 13 18 29 31; do
		mask=$((mask | 1 << cap))
	done
	printf '%016x\n' "$mask"
}

# The capability, no_new_privs and seccomp lines of PID's status, as one
# text to compare.
hardening_of() { # hardening_of PID
	grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' "/proc/$1/status" | tr -s '\t ' ' '
}

expected_hardening() { # expected_hardening PERMITTED
	local all
	all=$(default_caps)
	printf 'CapInh: %s\nCapPrm: %s\nCapEff: %s\nCapBnd: %s\nCapAmb: %s\nNoNewPrivs: 1\nSeccomp: 2\n' \
		0000000000000000 "$1" "$1" "$all" 0000000000000000
}
