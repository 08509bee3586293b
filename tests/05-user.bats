#!/usr/bin/env bats
# Lab checks for 05-user: root inside a user namespace, an ordinary user
# outside. The demo runs unprivileged - as nobody when the checks run as
# root (as you otherwise), or as a user made here with a range of
# subordinate ids - and the checks look from outside: stat(1) for the
# owner of a file made inside, the host's hostname and mount table, and
# the maps as the command inside reads them.

load helpers

# The user made for the range checks, and the range usermod gives it.
LAB_USER=nslab-lab
LAB_RANGE=200000-265535

# As root, with newuidmap at hand: make LAB_USER (no home, no login) and
# give it subordinate ids, unless it has them already. The tests see
# LAB_UID, LAB_GID and LAB_SUB (the first subordinate id), or LAB_WHY.
setup_file() {
	export LAB_WHY="needs root to make a user with subordinate ids: run 'sudo make check-05'"
	[ "$(id -u)" -eq 0 ] || return 0
	export LAB_WHY="needs newuidmap and newgidmap (install the uidmap package)"
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || return 0
	export LAB_WHY="could not make the user $LAB_USER (useradd, usermod)"
	command -v useradd >/dev/null || return 0
	save_accounts
	make_sub_user "$LAB_USER" "$LAB_RANGE" || return 0
	local subuid subgid
	subuid=$(awk -F: -v u="$LAB_USER" '$1 == u { print $2; exit }' /etc/subuid)
	subgid=$(awk -F: -v u="$LAB_USER" '$1 == u { print $2; exit }' /etc/subgid)
	export LAB_WHY="$LAB_USER's subuid and subgid ranges differ; 05-user maps the same numbers"
	[ "$subuid" = "$subgid" ] || return 0
	LAB_UID=$(id -u "$LAB_USER")
	LAB_GID=$(id -g "$LAB_USER")
	export LAB_UID LAB_GID LAB_SUB=$subuid LAB_WHY=
}

teardown_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	restore_accounts
}

setup() {
	USERNS=$NSLAB_BIN/05-user
	# A directory every user of these checks may write in, as /tmp is;
	# made before any host_snapshot, removed in teardown.
	work=$(mktemp -d "${TMPDIR:-/tmp}/nslab-05-check.XXXXXX")
	chmod 1777 "$work"
}

teardown() {
	rm -rf "$work"
}

# As root the demo runs as nobody, which is what need_userns tries; anyone
# else runs it as themselves.
need_userns_here() {
	if [ "$(id -u)" -eq 0 ]; then
		need_userns
	else
		unshare -U true 2>/dev/null ||
			skip "unprivileged user namespaces are disabled here (see /proc/sys/user/max_user_namespaces)"
	fi
}

need_lab() {
	need_userns_here
	[ -n "${LAB_UID:-}" ] || skip "$LAB_WHY"
}

as_lab() {
	setpriv --reuid="$LAB_UID" --regid="$LAB_GID" --clear-groups --inh-caps=-all "$@"
}

# Start the demo unprivileged in the background, its command writing its
# pid ($$: no PID namespace here, so the host's too) to the fifo
# $work/up, then waiting for a line on $work/down. Sets $demo and the
# variable VAR (the command's pid). setpriv execs the demo, so $! is the
# demo's pid (a shell function run with & would be a subshell in
# between). 3>&- keeps bats from waiting on it should the check fail.
start_paused() { # start_paused VAR
	local runner=()
	mkfifo "$work/up" "$work/down"
	chmod 666 "$work/up" "$work/down"
	[ "$(id -u)" -ne 0 ] || runner=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	"${runner[@]}" "$USERNS" -q -- sh -c 'echo $$ >"$1"; read x <"$2"' _ \
		"$work/up" "$work/down" 2>"$BATS_TEST_TMPDIR/stderr" 3>&- &
	demo=$!
	fifo_read "$1" "$work/up" ||
		fail "05-user never ran its command: $(cat "$BATS_TEST_TMPDIR/stderr")"
}

# Whitespace squeezed: the kernel pads the columns of a map.
squeeze() {
	awk '{ $1 = $1; print }'
}

@test "05.1 as an ordinary user, the command runs as uid 0 inside" {
	need_userns_here
	host_snapshot
	run --separate-stderr as_unprivileged "$USERNS" -- id -u
	assert_success
	assert_output 0
	assert_host_unchanged
}

@test "05.2 the maps inside are '0 UID 1' and '0 GID 1', with setgroups denied" {
	need_userns_here
	me=$(as_unprivileged id -u)
	mygid=$(as_unprivileged id -g)
	run --separate-stderr as_unprivileged "$USERNS" -q -- \
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	assert_success
	assert_equal "$(squeeze <<<"$output")" "0 $me 1
0 $mygid 1
deny"
}

@test "05.3 root inside holds every capability; the same user outside holds none" {
	need_userns_here
	last=$(cat /proc/sys/kernel/cap_last_cap)
	all=$(printf '%016x' $(( (1 << (last + 1)) - 1 )))
	run --separate-stderr as_unprivileged "$USERNS" -- grep CapEff /proc/self/status
	assert_success
	assert_equal "$(squeeze <<<"$output")" "CapEff: $all"
	said_by child | grep -F "CapEff $all: $((last + 1)) capabilities, all there are"
	outside=$(as_unprivileged grep CapEff /proc/self/status | squeeze)
	assert_equal "$outside" "CapEff: 0000000000000000"
}

@test "05.4 a file made inside by root belongs to the invoking user on the host" {
	need_userns_here
	host_snapshot
	me=$(as_unprivileged id -u)
	mygid=$(as_unprivileged id -g)
	run --separate-stderr as_unprivileged "$USERNS" -- \
		sh -c 'touch "$1/made" && stat -c "%u %g" "$1/made"' _ "$work"
	assert_success
	assert_output "0 0" # inside: root's
	assert_equal "$(stat -c '%u %g' "$work/made")" "$me $mygid" # outside: the user's
	# The demo's own file, as its parent saw it from outside.
	said_by host | grep -E "/nslab-05\.[^/]+/made-inside belongs to uid $me, gid $mygid, not to root"
	assert_host_unchanged
}

@test "05.5 the tmpfs mounted inside is in the child's mount table only" {
	need_userns_here
	host_snapshot
	run --separate-stderr as_unprivileged "$USERNS" -- cat /proc/self/mountinfo
	assert_success
	mnt=$(said_by child | sed -n 's/.*mount("tmpfs", "\([^"]*\)", "tmpfs") = 0.*/\1/p')
	[ -n "$mnt" ]
	# Inside (the command's own mountinfo): a tmpfs there.
	awk -v m="$mnt" '$5 == m' <<<"$output" | grep -q ' - tmpfs '
	# Outside: no such mount, and the demo's directory is gone.
	run awk -v m="$mnt" '$5 == m' /proc/self/mountinfo
	assert_output ""
	[ ! -e "$mnt" ]
	assert_host_unchanged
}

@test "05.6 --no-mountns: the host's mount namespace refuses root of a user namespace" {
	need_userns_here
	host_snapshot
	run --separate-stderr as_unprivileged "$USERNS" --no-mountns -- readlink /proc/self/ns/mnt
	assert_success
	assert_output "$(readlink /proc/self/ns/mnt)"
	said_by host | grep -F 'clone(CLONE_NEWUSER|SIGCHLD)'
	said_by child | grep -F 'mount("tmpfs"' | grep -F 'Operation not permitted (EPERM)'
	assert_host_unchanged
}

@test "05.7 root inside cannot rename the host; its hostname stays" {
	need_userns_here
	host_snapshot
	before=$(hostname)
	run --separate-stderr as_unprivileged "$USERNS" -- hostname "$(random_name)"
	assert_failure
	assert_equal "$(hostname)" "$before"
	said_by child | grep -F "sethostname(\"$before\") in the host's UTS namespace: Operation not permitted (EPERM)"
	assert_host_unchanged
}

@test "05.8 root inside cannot read /etc/shadow" {
	need_userns_here
	[ -e /etc/shadow ] || skip "this system has no /etc/shadow"
	host_snapshot
	run --separate-stderr as_unprivileged "$USERNS" -- cat /etc/shadow
	assert_failure
	assert_output ""
	grep -F 'Permission denied' <<<"$stderr"
	said_by child | grep -F 'open("/etc/shadow"): Permission denied (EACCES)'
	assert_host_unchanged
}

@test "05.9 newuidmap maps a range of subordinate ids, as rootless podman does" {
	need_lab
	host_snapshot
	run --separate-stderr as_lab "$USERNS" --map-root -m "1:$LAB_SUB:65536" -- \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map; touch "$1/a" "$1/b" && chown 1000:1000 "$1/b"' _ "$work"
	assert_success
	assert_equal "$(squeeze <<<"$output")" "0 $LAB_UID 1
1 $LAB_SUB 65536
0 $LAB_GID 1
1 $LAB_SUB 65536"
	said_by host | grep -F "newuidmap "
	# Outside, root's file is the user's; uid 1000's is a subordinate id.
	assert_equal "$(stat -c '%u %g' "$work/a")" "$LAB_UID $LAB_GID"
	assert_equal "$(stat -c '%u %g' "$work/b")" "$((LAB_SUB + 999)) $((LAB_SUB + 999))"
	assert_host_unchanged
}

@test "05.10 a range alone: root inside is the range's first id outside" {
	need_lab
	host_snapshot
	run --separate-stderr as_lab "$USERNS" -m "0:$LAB_SUB:65536" -- \
		sh -c 'id -u; touch "$1/r"' _ "$work"
	assert_success
	assert_output 0
	said_by child | grep -F "setresuid(0, 0, 0): now uid 0, gid 0"
	said_by host | grep -F "belongs to uid $LAB_SUB, gid $LAB_SUB"
	assert_equal "$(stat -c '%u %g' "$work/r")" "$LAB_SUB $LAB_SUB"
	assert_host_unchanged
}

@test "05.11 a range without subordinate ids: newuidmap refuses, with a hint" {
	need_userns_here
	need_root
	need_cmd newuidmap uidmap
	grep -qE '^(nobody|65534):' /etc/subuid && skip "nobody has subordinate ids here"
	host_snapshot
	run --separate-stderr as_nobody "$USERNS" -m 0:300000:65536 -- true
	assert_failure 1
	said_by host | grep -F 'error: newuidmap '
	said_by host | grep -F 'hint:' | grep -F 'usermod --add-subuids'
	assert_host_unchanged
}

@test "05.12 --no-helpers: writing ids you do not own yourself is EPERM, with a hint" {
	need_userns_here
	host_snapshot
	run --separate-stderr as_unprivileged "$USERNS" --no-helpers -m 0:0:1 -- true
	assert_failure 1
	said_by host | grep -E 'error: write\("/proc/[0-9]+/uid_map", "0 0 1\\n"\): Operation not permitted'
	said_by host | grep -F 'hint:' | grep -F '/etc/subuid'
	assert_host_unchanged
}

@test "05.13 --no-setgroups-deny: gid_map is refused until setgroups is denied" {
	need_userns_here
	host_snapshot
	mygid=$(as_unprivileged id -g)
	run --separate-stderr as_unprivileged "$USERNS" --no-setgroups-deny -- true
	assert_failure 1
	said_by host | grep -E 'wrote "0 [0-9]+ 1\\n" to /proc/[0-9]+/uid_map'
	said_by host | grep -E "error: write\(\"/proc/[0-9]+/gid_map\", \"0 $mygid 1\\\\n\"\): Operation not permitted"
	said_by host | grep -F 'hint:' | grep -F 'setgroups'
	assert_host_unchanged
}

@test "05.14 bad maps: one line, status 2, no namespace made" {
	for args in "-m 0:1000:10 -m 5:2000:1" "-m 0:1000:10 -m 100:1005:1" \
		"--map-root -m 0:5:1" "-m 0:1000:0" "-m 0:4294967295:1" \
		"-m 4294967294:0:2" "-m 0:0:99999999999999999999" "-m abc" \
		"-m 1:2" "-m 1:2:3:4" "-m -1:0:1" "-m ''" "-m ' 1:2:3'" "-m 0x1:0:1" \
		"-m" "--bogus" "-x"; do
		eval "run --separate-stderr \"\$USERNS\" $args"
		assert_equal "$status" 2
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_equal "$output" ""
		refute grep -q clone <<<"$stderr"
	done
	run --separate-stderr "$USERNS" -m 0:1000:1 -m 0:2000:1
	assert_equal "$stderr" "05-user: -m '0:2000:1': its inside ids overlap an earlier map line (try '05-user --help')"
	run --separate-stderr "$USERNS" -m 0:1000:0
	assert_equal "$stderr" "05-user: -m '0:1000:0': COUNT must be at least 1 (try '05-user --help')"
}

@test "05.15 SIGTERM during the command: status 143, nothing left" {
	need_userns_here
	host_snapshot
	start_paused inner
	# While the command waits, the demo's directory exists on the host.
	ls -d "${TMPDIR:-/tmp}"/nslab-05.*
	kill -TERM "$demo"
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 143
	[ ! -d "/proc/$inner" ]
	rm -f "$work/up" "$work/down"
	assert_host_unchanged
}

@test "05.16 user namespaces switched off: ENOSPC, with a hint" {
	need_userns_here
	host_snapshot
	# max_user_namespaces is kept per user namespace: set it to 0 in a
	# throwaway one, and the host's own limit never changes.
	# The program is named relative to bin/: an unprivileged exec of its
	# absolute path fails where the checkout sits in a home of mode 700.
	cd "$(dirname "$USERNS")"
	run --separate-stderr as_unprivileged unshare -U -r sh -c \
		'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" -- true' "./${USERNS##*/}"
	assert_failure 1
	grep -F 'error: clone(CLONE_NEWUSER|CLONE_NEWNS|SIGCHLD): No space left on device' <<<"$stderr"
	grep -F 'hint:' <<<"$stderr" | grep -F 'max_user_namespaces'
	assert_host_unchanged
}

@test "05.17 the command's exit status becomes the demo's; -q is silent" {
	need_userns_here
	host_snapshot
	run as_unprivileged "$USERNS" -q -- sh -c 'exit 7'
	assert_equal "$status" 7
	run as_unprivileged "$USERNS" -q -- sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	run -127 as_unprivileged "$USERNS" -q -- /nonexistent/command
	printf 'data\n' >"$work/plain"
	chmod 644 "$work/plain"
	run -126 as_unprivileged "$USERNS" -q -- "$work/plain"
	run --separate-stderr as_unprivileged "$USERNS" -q -- echo payload
	assert_success
	assert_output payload
	assert_equal "$stderr" ""
	assert_host_unchanged
}

@test "05.18 as root: any map is written directly, no helper needed" {
	need_root
	host_snapshot
	run --separate-stderr "$USERNS" -- cat /proc/self/uid_map
	assert_success
	assert_equal "$(squeeze <<<"$output")" "0 0 1"
	run --separate-stderr "$USERNS" -m 0:300000:65536 -- cat /proc/self/uid_map
	assert_success
	assert_equal "$(squeeze <<<"$output")" "0 300000 65536"
	said_by host | grep -E 'wrote "0 300000 65536\\n" to /proc/[0-9]+/uid_map'
	refute grep -q newuidmap <<<"$stderr"
	assert_host_unchanged
}

@test "05.19 --help prints usage on stdout and exits 0" {
	run --separate-stderr "$USERNS" --help
	assert_success
	assert_line --partial 'Usage: 05-user'
	assert_equal "$stderr" ""
}

@test "05.20 from the host, while the command waits: setgroups is deny, gid_map is '0 GID 1', its Gid the user's" {
	need_userns_here
	host_snapshot
	mygid=$(as_unprivileged id -g)
	start_paused cmd
	# Without privilege, gid_map takes a map only once setgroups(2) is
	# switched off for good in the namespace.
	assert_equal "$(cat "/proc/$cmd/setgroups")" deny
	assert_equal "$(squeeze <"/proc/$cmd/gid_map")" "0 $mygid 1"
	# The host judges the command by its gid outside: the user's own.
	assert_equal "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$cmd/status")" \
		"$mygid $mygid $mygid $mygid"
	echo go >"$work/down"
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 0
	rm -f "$work/up" "$work/down"
	assert_host_unchanged
}

