# tests/helpers.bash - what every nslab lab check loads.
#
# The checks run the built programs as a learner would and then look from
# outside, with tools that do not trust the program: hostname, ipcs,
# readlink /proc/PID/ns/*, nsenter, mountinfo. A check that only read the
# program's own words could be passed by printing them.

bats_require_minimum_version 1.5.0

NSLAB_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# LAB=1 points this at the learner's tree (lab/bin); default: the reference.
NSLAB_BIN=${NSLAB_BIN:-$NSLAB_ROOT/bin}

for _lib in /usr/lib/bats /usr/local/lib/bats /usr/lib/node_modules "${BATS_LIB_PATH:-}"; do
	if [ -f "$_lib/bats-support/load.bash" ]; then
		load "$_lib/bats-support/load.bash"
		load "$_lib/bats-assert/load.bash"
		break
	fi
done
unset _lib

# --- skipping with a reason -------------------------------------------------

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: run 'sudo make check-NN'"
}

need_cmd() { # need_cmd CMD PACKAGE
	command -v "$1" >/dev/null 2>&1 || skip "needs '$1' (install the $2 package)"
}

# Unprivileged user namespaces: the kernel knob, Debian's older knob and
# Ubuntu's AppArmor restriction can each forbid them. Try one for real.
need_userns() {
	need_cmd unshare util-linux
	as_unprivileged unshare -U true 2>/dev/null ||
		skip "unprivileged user namespaces are disabled here (see /proc/sys/user/max_user_namespaces)"
}

# --- running things -----------------------------------------------------------

# Run a command as the unprivileged user nobody (65534), no supplementary
# groups, no capabilities.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

# A name no program could have guessed: checks use it so that no answer
# can be hard-coded.
random_name() {
	printf 'nslab-%s' "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
}

# The namespace inode of PID ("self" by default) for TYPE, e.g. 4026531838.
ns_of() { # ns_of TYPE [PID]
	readlink "/proc/${2:-self}/ns/$1" | tr -dc '0-9'
}

# --- the host, before and after ------------------------------------------------

# POSIX message queues as the host sees them. /dev/mqueue is mounted on
# most distributions; where it is not, mount an mqueue filesystem in a
# throwaway mount namespace, which shows this IPC namespace's queues and
# leaves no mount behind.
host_mqueues() {
	if mountpoint -q /dev/mqueue 2>/dev/null; then
		ls -A /dev/mqueue
	elif [ "$(id -u)" -eq 0 ]; then
		local d
		d=$(mktemp -d "$BATS_TEST_TMPDIR/mq.XXXXXX")
		unshare -m --propagation private sh -c 'mount -t mqueue mqueue "$1" && ls -A "$1"' _ "$d"
		rmdir "$d"
	fi
}

# Processes still running one of nslab's programs (pid and program).
nslab_processes() {
	find /proc -mindepth 2 -maxdepth 2 -path '/proc/[0-9]*/exe' \
		-lname "$NSLAB_BIN/*" -printf '%h %l\n' 2>/dev/null | sort
}

# Everything a demo could leave behind, in one text: compare two of them.
host_state() {
	echo "hostname: $(hostname)"
	echo "uts: $(ns_of uts 1)"
	echo "--- mounts (mountpoint, source, options, propagation)"
	awk '{ print $5, $4, $6, $7 }' /proc/self/mountinfo
	echo "--- SysV IPC"
	ipcs -q | awk 'NR > 3 && NF'
	ipcs -m | awk 'NR > 3 && NF'
	ipcs -s | awk 'NR > 3 && NF'
	echo "--- POSIX mqueues"
	host_mqueues
	echo "--- nslab processes"
	nslab_processes
	# What a demo could leave in /tmp: its own nslab* files, or mktemp's
	# default tmp.* names. Other programs' files come and go on their own.
	# The host's device nodes a rootless container binds into its /dev:
	# the container must not be able to change them.
	echo "--- /dev nodes"
	stat -c '%n %F %t:%T %a %u:%g' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
	# 07's record of running containers (as root): a run that ends
	# removes its record, and the directory with the last one.
	echo "--- /run/nslab"
	[ ! -e /run/nslab ] || echo "/run/nslab: $(find /run/nslab -mindepth 1 -printf '%f\n' | sort | paste -sd' ')"
	[ ! -e /run/nslab-oci ] || echo "/run/nslab-oci: $(find /run/nslab-oci -printf '%P\n' | sort | paste -sd' ')"
	# 07's cgroups, in every hierarchy, under the test's own cgroup.
	echo "--- nslab cgroups"
	nslab_cgroups
	# The host's network links (a veth left by 07 --net veth would show
	# here) and IP forwarding, which no check may turn on for the host.
	echo "--- network links"
	host_links
	echo "ip_forward: $(cat /proc/sys/net/ipv4/ip_forward)"
	echo "--- /tmp"
	find /tmp /var/tmp -maxdepth 1 \( -name 'nslab*' -o -name 'tmp.*' \) \
		! -name 'nslab-tests.*' 2>/dev/null | sort
}

# The directory of cgroup PATH (as /proc/PID/cgroup writes it) in the
# hierarchy that holds controller CTRL, or in the cgroup2 one when CTRL is
# empty: the mount's directory plus PATH less the mount's root (field 4
# of mountinfo). Nothing when no mount shows it.
cgroup_dir() { # cgroup_dir CTRL PATH
	awk -v want="$1" -v path="$2" '{
		for (i = 7; $i != "-"; i++);
		if (want == "" ? $(i + 1) != "cgroup2" : $(i + 1) != "cgroup") next
		if (want != "" && index("," $(i + 3) ",", "," want ",") == 0) next
		root = $4 == "/" ? "" : $4
		if (index(path, root) != 1) next
		rest = substr(path, length(root) + 1)
		print $5 (rest == "/" ? "" : rest)
		exit
	}' /proc/self/mountinfo
}

# Which hierarchy serves CONTROLLER: 2 when the cgroup2 root lists it in
# cgroup.controllers, 1 when a v1 mount holds it, 0 neither.
served_by() { # served_by CONTROLLER
	local v2
	v2=$(cgroup_dir '' /)
	if [ -n "$v2" ] && grep -qw "$1" "$v2/cgroup.controllers" 2>/dev/null; then
		echo 2
	elif [ -n "$(cgroup_dir "$1" /)" ]; then
		echo 1
	else
		echo 0
	fi
}

# The host directory of the cgroup of PID that serves CONTROLLER ("" for
# the cgroup2 one), from the host's /proc/PID/cgroup.
cgroup_of() { # cgroup_of PID CONTROLLER
	local id ctrls path
	while IFS=: read -r id ctrls path; do
		if [ -z "$2" ] && [ "$id" = 0 ]; then
			cgroup_dir '' "$path"
		elif [ -n "$2" ] && [[ ,$ctrls, == *",$2,"* ]]; then
			cgroup_dir "$2" "$path"
		fi
	done <"/proc/$1/cgroup"
}

# The file FILE of PID's cgroup for CONTROLLER, wherever it is served.
limit_file() { # limit_file PID CONTROLLER V2FILE V1FILE
	if [ "$(served_by "$2")" = 2 ]; then
		echo "$(cgroup_of "$1" '')/$3"
	else
		echo "$(cgroup_of "$1" "$2")/$4"
	fi
}

# 07's cgroups, in every hierarchy this shell is in: nslab-NAME.PID (and a
# rootless runtime's leaf, nslab.PID) under its own cgroup, and on cgroup
# v2 "nslab", the runtime's home as root, below the root, with what it
# holds. A run that ends leaves none of them.
nslab_cgroups() {
	local id ctrls path ctrl dir top
	while IFS=: read -r id ctrls path; do
		ctrl=${ctrls%%,*}
		[ "$id" != 0 ] || ctrl=''
		dir=$(cgroup_dir "$ctrl" "$path")
		[ -z "$dir" ] || find "$dir" -mindepth 1 -maxdepth 1 -type d \( -name 'nslab-*' -o -name 'nslab.*' \) 2>/dev/null
		if [ "$id" = 0 ]; then
			top=$(cgroup_dir '' /)
			[ -z "$top" ] || [ ! -d "$top/nslab" ] || find "$top/nslab" -maxdepth 1 -type d
		fi
	done </proc/self/cgroup | sort -u
}

# The names of the network links of our network namespace, sorted:
# `ip -o link` where iproute2 is installed, else /sys/class/net (the
# host's /sys shows the host's namespace).
host_links() {
	if command -v ip >/dev/null 2>&1; then
		ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
	else
		ls /sys/class/net
	fi
}

# The cgroups as they are set up, one line each, every hierarchy:
#   cg PATH type=TYPE subtree=CONTROLLERS   (cgroup v2: what nslab may not
#                                            change in a cgroup it did not make)
#   pid PID STARTTIME CGROUP                (every process: its cgroup v2)
# A host's cgroups and processes come and go on their own (systemd's
# transient scopes): cgroups_compare weighs only those there both times.
# A process's v1 cgroups are left out: nslab moves nobody there but its
# own init, and some hosts' supervisors move processes between v1 memory
# cgroups on their own (this one's did, in the middle of a check).
cgroups_snapshot() { # cgroups_snapshot FILE
	local top d t sc
	{
		top=$(cgroup_dir '' /)
		if [ -n "$top" ]; then
			while IFS= read -r d; do
				t='' sc=''
				read -r t 2>/dev/null <"$d/cgroup.type" || t=root
				read -r sc 2>/dev/null <"$d/cgroup.subtree_control" || true
				echo "cg ${d#"$top"}/ type=$t subtree=$sc"
			done < <(find "$top" -type d 2>/dev/null)
		fi
		# stat's 22nd field, counted after the ")" that ends the name.
		awk '
			{ pid = FILENAME; sub(/^\/proc\//, "", pid); sub(/\/[a-z]*$/, "", pid) }
			FILENAME ~ /stat$/ { s = $0; sub(/.*\) /, "", s); split(s, f, " "); start[pid] = f[20]; next }
			/^0::/ { cg[pid] = " " $0 }
			END { for (p in start) if (p in cg) print "pid", p, start[p] cg[p] }
		' /proc/[0-9]*/stat /proc/[0-9]*/cgroup 2>/dev/null || true
	} | sort >"$1"
}

# What changed between two snapshots, for what is in both: a cgroup's
# type or subtree_control, a process's cgroup. Nothing printed: nothing.
cgroups_compare() { # cgroups_compare BEFORE AFTER
	awk '
		$1 == "cg" { key = $1 " " $2 } $1 == "pid" { key = $1 " " $2 " " $3 }
		NR == FNR { was[key] = $0; next }
		(key in was) && was[key] != $0 { print "- " was[key]; print "+ " $0 }
	' "$1" "$2"
}

host_snapshot() {
	host_state >"$BATS_TEST_TMPDIR/host.before"
	cgroups_snapshot "$BATS_TEST_TMPDIR/cgroups.before"
}

assert_host_unchanged() {
	host_state >"$BATS_TEST_TMPDIR/host.after"
	if ! diff -u "$BATS_TEST_TMPDIR/host.before" "$BATS_TEST_TMPDIR/host.after" >"$BATS_TEST_TMPDIR/host.diff"; then
		echo "the host changed:" >&2
		cat "$BATS_TEST_TMPDIR/host.diff" >&2
		return 1
	fi
	# No cgroup nslab did not make has changed, and no process moved.
	if [ -f "$BATS_TEST_TMPDIR/cgroups.before" ]; then
		cgroups_snapshot "$BATS_TEST_TMPDIR/cgroups.after"
		cgroups_compare "$BATS_TEST_TMPDIR/cgroups.before" "$BATS_TEST_TMPDIR/cgroups.after" \
			>"$BATS_TEST_TMPDIR/cgroups.diff"
		if [ -s "$BATS_TEST_TMPDIR/cgroups.diff" ]; then
			echo "the host's cgroups changed:" >&2
			cat "$BATS_TEST_TMPDIR/cgroups.diff" >&2
			return 1
		fi
	fi
}

# --- reading narration ----------------------------------------------------------

# The lines of "$stderr" (from run --separate-stderr) spoken by ROLE.
said_by() { # said_by ROLE
	grep -E "^\[$1 *[0-9]+\] " <<<"$stderr"
}

# --- running unprivileged (added with 05-user) ----------------------------------

# Run a command as an unprivileged user: nobody when the checks run as
# root, the caller itself otherwise (who is unprivileged already). The
# steps that teach running without root run their demos this way.
as_unprivileged() {
	if [ "$(id -u)" -eq 0 ]; then
		as_nobody "$@"
	else
		"$@"
	fi
}

# --- a guard against a hanging check ---------------------------------------------

# watchdog_start TARGET [SECONDS]: if the check is still waiting after
# SECONDS (20), SIGKILL TARGET (a pid, or -PGID for a process group), so a
# demo that never ends fails its check (status 137) instead of hanging the
# suite. It never acts on a demo that behaves: watchdog_stop closes the
# pipe the watchdog reads, and at that end of file it leaves quietly. No
# signal is ever sent to it (a signal can reach a fork of bats before it
# becomes the watchdog, and bats would then report a test of its own), and
# it holds neither fd 3 nor bats' output, or bats would wait for it.
watchdog_start() {
	exec {watchdog_fd}> >(exec bash -c '
		read -r -t "$2" _; [ $? -gt 128 ] && kill -KILL -- "$1"' _ "$1" "${2:-20}" \
		>/dev/null 2>&1 3>&-)
}

watchdog_stop() {
	exec {watchdog_fd}>&-
}

# The guards below give up after NSLAB_GUARD seconds, 10 by default.
# scripts/lab-verify.sh sets 3 where it expects a stub's checks to fail:
# a working program answers in milliseconds, so a guard only ever ends a
# wait for something that will not come, and a shorter one fails the
# same checks sooner.
guard_s() { echo "${NSLAB_GUARD:-10}"; }

# Read one line from FIFO into the variable VAR. Opened read-write, the
# fifo never blocks the open, and the read gives up after 10 s: a guard
# that turns a broken program into a failing check instead of a hung
# suite (a lab's stub, say), never a wait - a working one answers at once.
fifo_read() { # fifo_read VAR FIFO
	local fd rc=0
	exec {fd}<>"$2"
	read -r -t "$(guard_s)" "$1" <&"$fd" || rc=$?
	exec {fd}<&-
	return "$rc"
}

# The children of PID, from the PPid lines of the host's /proc.
children_of() { # children_of PID
	grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3
}

# Poll for a fact the kernel makes true by itself (a reaped process, a
# link removed with its namespace), with a deadline of 10 s: never a
# guess of how long it takes.
wait_for() { # wait_for CMD...
	local _
	for _ in $(seq "$(($(guard_s) * 100))"); do
		"$@" && return 0
		sleep 0.01
	done
	"$@"
}

# --- a user of the checks' own (05-user, 07-podman) ---------------------------

# What useradd and usermod rewrite: each file and its "-" backup.
ACCOUNT_FILES="/etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/subuid /etc/subgid"

# Keep a byte-for-byte copy of every account file (and note the ones that
# do not exist), so teardown_file can put /etc back exactly.
save_accounts() {
	local base f save=$BATS_FILE_TMPDIR/accounts
	mkdir -p "$save"
	for base in $ACCOUNT_FILES; do
		for f in "$base" "$base-"; do
			if [ -e "$f" ]; then
				cp -a "$f" "$save/${f##*/}"
			else
				touch "$save/${f##*/}.absent"
			fi
		done
	done
	stat -c %y /etc >"$save/.etc-mtime"
}

restore_accounts() {
	local base f save=$BATS_FILE_TMPDIR/accounts
	[ -f "$save/.etc-mtime" ] || return 0
	for base in $ACCOUNT_FILES; do
		for f in "$base" "$base-"; do
			if [ -e "$save/${f##*/}.absent" ]; then
				rm -f "$f"
			elif ! cmp -s "$save/${f##*/}" "$f"; then
				cp -a "$save/${f##*/}" "$f"
			fi
		done
	done
	touch -m -d "$(cat "$save/.etc-mtime")" /etc
}

# As root, after save_accounts: USER made (no home, no login) if it is
# not there, with the subordinate ids RANGE ("300000-365535") unless it
# has some. Status 1 when useradd or usermod fails.
make_sub_user() { # make_sub_user USER RANGE
	if ! id -u "$1" >/dev/null 2>&1; then
		useradd -M -r -s /usr/sbin/nologin "$1" || return 1
	fi
	if ! grep -q "^$1:" /etc/subuid || ! grep -q "^$1:" /etc/subgid; then
		usermod --add-subuids "$2" --add-subgids "$2" "$1" || return 1
	fi
}
