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
	as_nobody unshare -U true 2>/dev/null ||
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

# Processes still running one of nslab's programs.
nslab_processes() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in "$NSLAB_BIN"/*) echo "${p#/proc/} $exe" ;; esac
	done
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
	echo "--- /tmp"
	ls -A /tmp | grep -v '^bats' || true
}

host_snapshot() {
	host_state >"$BATS_TEST_TMPDIR/host.before"
}

assert_host_unchanged() {
	host_state >"$BATS_TEST_TMPDIR/host.after"
	if ! diff -u "$BATS_TEST_TMPDIR/host.before" "$BATS_TEST_TMPDIR/host.after" >"$BATS_TEST_TMPDIR/host.diff"; then
		echo "the host changed:" >&2
		cat "$BATS_TEST_TMPDIR/host.diff" >&2
		return 1
	fi
}

# --- reading narration ----------------------------------------------------------

# The lines of "$stderr" (from run --separate-stderr) spoken by ROLE.
said_by() { # said_by ROLE
	grep -E "^\[$1 *[0-9]+\] " <<<"$stderr"
}
