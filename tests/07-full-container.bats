#!/usr/bin/env bats
# Lab checks for 07-full-container: a hardened container from the pieces
# of 01-06. Each check runs the container as a user would and then looks
# at it from OUTSIDE, while its command is held on a fifo: the host's
# /proc/PID/{ns,status,mountinfo,uid_map,environ,fd,root,cwd} of the
# container's processes, nsenter into its namespaces, the files a volume
# leaves on the host, the state directory. What 07 prints is never the
# evidence on its own.
#
# The container's processes, as the host numbers them:
#   $ctr   the runtime (bin/07-full-container run), our background job
#   $init  its child, PID 1 inside
#   $cmd   the init's child, PID 2 inside: the command
# The command reaches the test through the volume $T/io at /mnt: it
# writes to the fifo /mnt/up when it is ready and blocks opening
# /mnt/down until the test lets it go. Nothing waits on a sleep.

# ROOTFS and RROOTFS are set in ctr.bash (ctr_setup_file, as_rootless).
# shellcheck disable=SC2153
load helpers
# start_ctr, wait_ctr, resume, gone, as_rootless, ... (helpers.bash:
# fifo_read, wait_for, children_of)
load ctr

setup_file() {
	ctr_setup_file
}

# ctr.bash's: the fifos, the volume at /mnt, the host's state; after a
# check, SIGKILL to whatever of the container is left, and ps sweeps.
setup() {
	ctr_setup
}

teardown() {
	ctr_teardown
}

# --- looking from outside ------------------------------------------------------

# The names in DIR, sorted, on one line.
names_in() { # names_in DIR
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd' '
}


# With --userns, root inside is uid 100000 on the host, which must be able
# to reach the rootfs: a clone under /root (mode 700), as CI may make, is
# out of its reach. Then a copy below bats' run directory (711) is used.
userns_rootfs() {
	UROOTFS=$ROOTFS
	if ! setpriv --reuid=100000 --regid=100000 --clear-groups --inh-caps=-all \
		sh -c 'test -x "$1/bin/sh"' _ "$ROOTFS"; then
		UROOTFS=$BATS_FILE_TMPDIR/rootfs-userns
		[ -d "$UROOTFS" ] || cp -a "$ROOTFS" "$UROOTFS"
	fi
}

# --- exit statuses ---------------------------------------------------------------

@test "07.1 exit status: the command's, 128+signal, 126, 127; 125 for the runtime, 2 for usage" {
	need_root
	local n word
	n=$(random_number 1 120)
	run --separate-stderr "$CTR" run -q "$ROOTFS" sh -c "exit $n"
	assert_equal "$status" "$n"
	assert_equal "$stderr" ""
	# stdout is the command's alone.
	word=$(random_name)
	run --separate-stderr "$CTR" run -q "$ROOTFS" echo "$word"
	assert_success
	assert_output "$word"
	assert_equal "$stderr" ""
	# The command is PID 2 under the init: a signal to itself counts.
	run "$CTR" run -q "$ROOTFS" sh -c 'kill -KILL $$'
	assert_equal "$status" 137
	run "$CTR" run -q "$ROOTFS" sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	run -127 --separate-stderr "$CTR" run -q "$ROOTFS" "/no-such-$word"
	assert_one_error "execvp(\"/no-such-$word\")"
	run -126 --separate-stderr "$CTR" run -q "$ROOTFS" /etc/passwd
	assert_one_error 'execvp("/etc/passwd"): Permission denied'
	run -125 --separate-stderr "$CTR" run -q "$T/no-such-rootfs" true
	assert_one_error "realpath(\"$T/no-such-rootfs\")"
	run -2 --separate-stderr "$CTR" run --bogus "$ROOTFS" true
	assert_equal "$(wc -l <<<"$stderr")" 1
	assert_host_unchanged
}

@test "07.2 SIGTERM to the runtime stops the command: 143, every process gone" {
	need_root
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$inside" 2
	kill -TERM "$ctr"
	wait_ctr
	assert_equal "$status" 143
	gone "$init" "$cmd"
	assert_host_unchanged
}

@test "07.3 SIGUSR1, SIGUSR2, SIGHUP and SIGWINCH to the runtime reach the command's traps" {
	need_root
	local sig got
	# Each trap reports its signal on "up"; `wait` is interrupted by a
	# trapped signal and is simply started again until head ends. The
	# init passes a signal on to the command's whole process group, as a
	# terminal does: head, in that group, ignores them (set before it
	# starts, and inherited).
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c '
		trap "" USR1 USR2 HUP WINCH
		head -n 1 /mnt/down >/dev/null &
		h=$!
		for s in USR1 USR2 HUP WINCH; do trap "echo $s >/mnt/up" $s; done
		echo $$ >/mnt/up
		while ! wait $h; do kill -0 $h 2>/dev/null || exit 1; done
		exit 0'
	for sig in WINCH USR1 HUP USR2 USR1; do
		kill -"$sig" "$ctr"
		fifo_read got "$T/io/up"
		assert_equal "$got" "$sig"
	done
	# None of them ended anything.
	[ -e "/proc/$cmd" ]
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

@test "07.4 an orphan made inside is adopted and reaped by the init: no zombie, nothing left" {
	need_root
	local orphan p st
	mkfifo -m 666 "$T/io/orphan"
	# The subshell starts the orphan-to-be and exits at once: its child
	# is re-parented to the namespace's PID 1.
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c '(head -n 1 /mnt/orphan >/dev/null &); '"$PAUSE"
	for p in $(children_of "$init"); do
		[ "$p" = "$cmd" ] || orphan=$p
	done
	[ -n "$orphan" ]
	assert_equal "$(status_of "$orphan" PPid)" "$init"
	# While the container runs, none of its processes is a zombie.
	for p in "$init" "$cmd" "$orphan"; do
		st=$(status_of "$p" State)
		[[ $st != Z* ]] || fail "$p is a zombie: $st"
	done
	# The orphan ends; the init must reap it while the command still runs.
	resume "$T/io/orphan"
	wait_for gone "$orphan"
	[ -e "/proc/$cmd" ]
	[[ $(status_of "$init" State) != Z* ]]
	resume
	wait_ctr
	assert_equal "$status" 0
	gone "$init" "$cmd" "$orphan"
	assert_host_unchanged
}

# --- namespaces and ids, from outside ----------------------------------------------

# Every namespace of the command but the user one is new, and the init's.
# The init is not dumpable, so only root may read its links: run by a
# user (make check-07 without sudo), only the command's are compared.
assert_new_namespaces() { # assert_new_namespaces [user]
	local ns
	for ns in uts ipc pid mnt net cgroup "$@"; do
		[ "$(ns_of "$ns" "$cmd")" != "$(ns_of "$ns" $$)" ] || fail "$ns namespace is the host's"
		[ "$(id -u)" -ne 0 ] || assert_equal "$(ns_of "$ns" "$cmd")" "$(ns_of "$ns" "$init")"
	done
}

@test "07.5 as root: new UTS, IPC, PID, mount, network, cgroup namespaces; the host's users; uid_map 1:1" {
	need_root
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_new_namespaces
	assert_equal "$(ns_of user "$cmd")" "$(ns_of user $$)"
	assert_equal "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$init/status")" 1
	assert_equal "$(tr -s ' ' <"/proc/$cmd/uid_map")" " 0 0 4294967295"
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

@test "07.6 as root with --userns: a new user namespace too, container 0-65535 = host 100000-165535" {
	need_root
	local u g name
	name=$(random_name)
	u=$(random_number 1 65535)
	g=$(random_number 1 65535)
	userns_rootfs
	start_ctr -q --userns "${IO[@]}" "$UROOTFS" sh -c 'touch /mnt/made-by-root; '"$PAUSE"
	assert_new_namespaces user
	assert_equal "$(tr -s ' ' <"/proc/$cmd/uid_map")" " 0 100000 65536"
	assert_equal "$(tr -s ' ' <"/proc/$cmd/gid_map")" " 0 100000 65536"
	assert_equal "$(cat "/proc/$cmd/setgroups")" allow
	# Root inside is uid 100000 outside: its process and its files.
	assert_equal "$(status_of "$cmd" Uid)" "100000 100000 100000 100000"
	assert_equal "$(stat -c %u:%g "$T/io/made-by-root")" 100000:100000
	resume
	wait_ctr
	assert_equal "$status" 0
	# -u inside the range: the host sees it shifted by 100000.
	rm -f "$T/io/up" "$T/io/down" && mkfifo -m 666 "$T/io/up" "$T/io/down"
	start_ctr -q --userns -u "$u:$g" --name "$name" "${IO[@]}" "$UROOTFS" sh -c "$PAUSE"
	assert_equal "$(status_of "$cmd" Uid)" "$((100000 + u)) $((100000 + u)) $((100000 + u)) $((100000 + u))"
	assert_equal "$(status_of "$cmd" Gid)" "$((100000 + g)) $((100000 + g)) $((100000 + g)) $((100000 + g))"
	resume
	wait_ctr
	assert_equal "$status" 0
	run -2 --separate-stderr "$CTR" run -q --userns -u 65536 "$UROOTFS" true
	assert_host_unchanged
}

@test "07.7 capabilities, no_new_privs and seccomp of the init and the command, read from the host" {
	need_root
	local caps u
	caps=$(default_caps)
	assert_equal "$caps" 00000000a00425fb
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$(hardening_of "$cmd")" "$(expected_hardening "$caps")"
	assert_equal "$(hardening_of "$init")" "$(expected_hardening "$caps")"
	resume
	wait_ctr
	assert_equal "$status" 0
	# A non-root -u: permitted and effective empty, the bound the same.
	u=$(random_number 1000 60000)
	rm -f "$T/io/up" "$T/io/down" && mkfifo -m 666 "$T/io/up" "$T/io/down"
	start_ctr -q -u "$u:$u" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$(hardening_of "$cmd")" "$(expected_hardening 0000000000000000)"
	assert_equal "$(status_of "$cmd" Uid)" "$u $u $u $u"
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

# --- the file system, from outside ----------------------------------------------------

@test "07.8 mountinfo: / is the rootfs, /proc nosuid,nodev,noexec, /sys ro, masked and read-only paths, no host mount" {
	need_root
	local mounts allowed p opts
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	mounts=$(mounts_of "$cmd")
	echo "$mounts"
	# One /, and it is the rootfs: the host's rootfs directory, by device
	# and inode, is the command's root.
	assert_equal "$(awk '$1 == "/"' <<<"$mounts" | wc -l)" 1
	assert_equal "$(stat -L -c %d:%i "/proc/$cmd/root")" "$(stat -c %d:%i "$ROOTFS")"
	opts=$(awk '$1 == "/proc" && $2 == "proc" { print $3 }' <<<"$mounts")
	[[ ,$opts, == *,nosuid,* && ,$opts, == *,nodev,* && ,$opts, == *,noexec,* ]] || fail "/proc: $opts"
	opts=$(awk '$1 == "/sys" && $2 == "sysfs" { print $3 }' <<<"$mounts")
	[[ ,$opts, == *,ro,* ]] || fail "/sys: '$opts'"
	awk '$1 == "/dev" && $2 == "tmpfs"' <<<"$mounts" | grep -q .
	awk '$1 == "/dev/pts" && $2 == "devpts"' <<<"$mounts" | grep -q .
	awk '$1 == "/dev/shm" && $2 == "tmpfs"' <<<"$mounts" | grep -q .
	allowed=" / /proc /dev /dev/pts /dev/shm /sys /mnt "
	# The runtime spec's masked paths that this kernel has: each one a
	# mount point (a /dev/null or an empty tmpfs over it).
	for p in /proc/acpi /proc/asound /proc/kcore /proc/keys /proc/latency_stats \
		/proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi \
		/sys/firmware /sys/devices/virtual/powercap; do
		[ -e "$p" ] || continue
		awk -v p="$p" '$1 == p' <<<"$mounts" | grep -q . || fail "$p is not masked"
		allowed+="$p "
	done
	# Its read-only paths: mount points, ro.
	for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
		[ -e "$p" ] || continue
		opts=$(awk -v p="$p" '$1 == p { print $3 }' <<<"$mounts")
		[[ ,$opts, == *,ro,* ]] || fail "$p is not read-only: '$opts'"
		allowed+="$p "
	done
	# Nothing else: no mount of the host's, no old root left stacked.
	while read -r p _; do
		[[ $allowed == *" $p "* ]] || fail "unexpected mount in the container: $p"
	done <<<"$mounts"
	# And from inside, /proc/sys cannot be written even by root.
	resume
	wait_ctr
	assert_equal "$status" 0
	run --separate-stderr "$CTR" run -q "$ROOTFS" sh -c 'echo 1 >/proc/sys/kernel/ns_last_pid'
	assert_failure
	assert_host_unchanged
}

@test "07.9 /dev holds only null zero full random urandom tty, pts, shm and the links, as root and rootless" {
	need_root
	local want dev n
	want="fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	dev=/proc/$cmd/root/dev
	assert_equal "$(names_in "$dev")" "$want"
	for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		assert_equal "$(stat -c '%F %t:%T' "$dev/${n%%:*}")" \
			"character special file $(printf '%x:%x' "$(cut -d: -f2 <<<"$n")" "${n##*:}")"
	done
	assert_equal "$(readlink "$dev/ptmx") $(readlink "$dev/fd") $(readlink "$dev/stdin")" \
		"pts/ptmx /proc/self/fd /proc/self/fd/0"
	# A pts instance of its own: none of the host's terminals.
	assert_equal "$(ls -A "$dev/pts")" ptmx
	assert_equal "$(find "$dev" -type b)" ""
	resume
	wait_ctr
	assert_equal "$status" 0
	# Rootless, the nodes are the host's, bound: the same devices.
	as_rootless
	rm -f "$T/io/up" "$T/io/down" && mkfifo -m 666 "$T/io/up" "$T/io/down"
	start_ctr -q "${IO[@]}" "$RROOTFS" sh -c "$PAUSE"
	dev=/proc/$cmd/root/dev
	assert_equal "$(names_in "$dev")" "$want"
	assert_equal "$(stat -c '%F %t:%T' "$dev/null")" "character special file 1:3"
	assert_equal "$(find "$dev" -type b)" ""
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

@test "07.10 hostname: nsenter into the UTS namespace reads -h; by default the --name; the host's is untouched" {
	need_root
	need_cmd nsenter util-linux
	local h name
	h=$(random_name)
	start_ctr -q -h "$h" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$(nsenter -u -t "$cmd" hostname)" "$h"
	assert_equal "$(tr '\0' '\n' <"/proc/$cmd/environ" | grep '^HOSTNAME=')" "HOSTNAME=$h"
	assert_equal "$(hostname)" "$(sed -n 's/^hostname: //p' "$T/host.before")"
	resume
	wait_ctr
	assert_equal "$status" 0
	name=$(random_name)
	run --separate-stderr "$CTR" run -q --name "$name" "$ROOTFS" hostname
	assert_success
	assert_output "$name"
	assert_host_unchanged
}

@test "07.11 volumes: a write shows on the host; :ro is read-only for root inside, and the host file stays" {
	need_root
	local word orig
	word=$(random_name)
	orig=$(random_name)
	mkdir "$T/ro"
	echo "$orig" >"$T/ro/file"
	start_ctr -q "${IO[@]}" -v "$T/ro:/tmp:ro" "$ROOTFS" sh -c '
		echo "$1" >/mnt/written
		for try in "echo changed >/tmp/file" "touch /tmp/new" "rm /tmp/file" \
			"mount -o remount,rw /tmp"; do
			if sh -c "$try" 2>/dev/null; then echo "$try"; fi
		done >/mnt/verdict
		'"$PAUSE" _ "$word"
	# From outside: the volume is a ro mount, the other rw.
	assert_equal "$(mounts_of "$cmd" | awk '$1 == "/tmp" { print $3 }' | cut -d, -f1)" ro
	assert_equal "$(mounts_of "$cmd" | awk '$1 == "/mnt" { print $3 }' | cut -d, -f1)" rw
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_equal "$(cat "$T/io/written")" "$word"
	assert_equal "$(cat "$T/io/verdict")" ""
	assert_equal "$(cat "$T/ro/file")" "$orig"
	assert_equal "$(ls -A "$T/ro")" file
	assert_host_unchanged
}

@test "07.12 environment: from scratch, the defaults, -e values, TERM from the caller" {
	need_root
	local v term h want
	v=$(random_name)
	term=$(random_name)
	h=$(random_name)
	run --separate-stderr env -i TERM="$term" NSLAB_LEAK=1 "$CTR" run -q -h "$h" \
		-e "NSLAB_V=$v" -e NSLAB_EQ=a=b "$ROOTFS" env
	assert_success
	want="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
TERM=$term
HOSTNAME=$h
NSLAB_V=$v
NSLAB_EQ=a=b"
	assert_equal "$(sort <<<"$output")" "$(sort <<<"$want")"
	# No TERM given: xterm. -e overrides a default; HOME is / for a non-root -u.
	run --separate-stderr env -i "$CTR" run -q -e HOME="/$v" "$ROOTFS" sh -c 'echo "$TERM $HOME"'
	assert_success
	assert_output "xterm /$v"
	run --separate-stderr env -i "$CTR" run -q -u 1000 "$ROOTFS" sh -c 'echo "$HOME"'
	assert_output "/"
	assert_host_unchanged
}

@test "07.13 -w: the command's cwd, checked from the host; a missing one or one outside the root is refused" {
	need_root
	mkdir "$T/hostdir"
	start_ctr -q -w /usr/bin "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$(stat -L -c %d:%i "/proc/$cmd/cwd")" "$(stat -c %d:%i "$ROOTFS/usr/bin")"
	resume
	wait_ctr
	assert_equal "$status" 0
	run --separate-stderr "$CTR" run -q -w /tmp "$ROOTFS" pwd
	assert_output /tmp
	run -125 --separate-stderr "$CTR" run -q -w "/no-such-dir-$$" "$ROOTFS" pwd
	assert_one_error "chdir(\"/no-such-dir-$$\")"
	# CVE-2024-21626: a workdir through a descriptor of the host's. fd 0
	# is a host directory here, and stays open into the container.
	run -125 --separate-stderr "$CTR" run -q -w /proc/self/fd/0 "$ROOTFS" pwd <"$T/hostdir"
	assert_one_error 'getcwd() after chdir("/proc/self/fd/0")'
	run -125 --separate-stderr "$CTR" run -q -w /proc/self/fd/7 "$ROOTFS" pwd 7<"$T/hostdir"
	assert_one_error 'chdir("/proc/self/fd/7")'
	assert_equal "$(ls -A "$T/hostdir")" ""
	assert_host_unchanged
}

@test "07.14 -u UID:GID: the ids inside, and from the host; no supplementary group" {
	need_root
	local u g
	u=$(random_number 1000 60000)
	g=$(random_number 1000 60000)
	run --separate-stderr "$CTR" run -q -u "$u:$g" "$ROOTFS" sh -c 'id -u; id -g; grep ^Groups: /proc/self/status'
	assert_success
	assert_equal "$(tr -s '\t\n ' ' ' <<<"$output")" "$u $g Groups: "
	start_ctr -q -u "$u:$g" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$(status_of "$cmd" Uid)" "$u $u $u $u"
	assert_equal "$(status_of "$cmd" Gid)" "$g $g $g $g"
	assert_equal "$(status_of "$cmd" Groups)" ""
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

@test "07.15 network: only lo, and it is up (nsenter -n, ip -o link)" {
	need_root
	need_cmd ip iproute2
	need_cmd nsenter util-linux
	local links
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	links=$(nsenter -n -t "$cmd" ip -o link)
	echo "$links"
	assert_equal "$(wc -l <<<"$links")" 1
	[[ $links == "1: lo: <"*UP*">"* ]] || fail "lo is not up: $links"
	nsenter -n -t "$cmd" ip -o addr show lo | grep -qF 'inet 127.0.0.1/8'
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

# --- exec and ps ------------------------------------------------------------------------

@test "07.16 exec: same hostname, pids and mounts, same namespaces and hardening, status passed on" {
	need_root
	local name h n p x ns
	name=$(random_name)
	h=$(random_name)
	n=$(random_number 1 120)
	start_ctr -q --name "$name" -h "$h" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	run --separate-stderr "$CTR" exec -q "$name" hostname
	assert_success
	assert_output "$h"
	# By the init's pid, as ps shows it, too.
	run --separate-stderr "$CTR" exec -q "$init" hostname
	assert_output "$h"
	# The container's PID namespace: its PID 2 is our command.
	run --separate-stderr "$CTR" exec -q "$name" cat /proc/2/cmdline
	assert_equal "$output" "$(tr -d '\0' <"/proc/$cmd/cmdline")"
	run --separate-stderr "$CTR" exec -q "$name" ps -o pid,comm
	assert_line --regexp '^ +1 '
	assert_line --regexp '^ +2 sh$'
	# The same mounts.
	run --separate-stderr "$CTR" exec -q "$name" cat /proc/self/mountinfo
	assert_equal "$(awk '{ print $5 }' <<<"$output")" "$(mounts_of "$cmd" | cut -d' ' -f1)"
	run "$CTR" exec -q "$name" sh -c "exit $n"
	assert_equal "$status" "$n"
	run "$CTR" exec -q -u 1234 "$name" id -u
	assert_output 1234
	# From outside, an exec'd command: the container's namespaces, its
	# capabilities, no_new_privs and seccomp.
	mkfifo -m 666 "$T/io/up2" "$T/io/down2"
	"$CTR" exec -q "$name" sh -c 'echo $$ >/mnt/up2; exec head -n 1 </mnt/down2 >/dev/null' 3>&- &
	x=$!
	fifo_read p "$T/io/up2"
	p=$(children_of "$x")
	[ -n "$p" ]
	for ns in uts ipc pid mnt net cgroup user; do
		assert_equal "$(ns_of "$ns" "$p")" "$(ns_of "$ns" "$cmd")"
	done
	assert_equal "$(hardening_of "$p")" "$(expected_hardening "$(default_caps)")"
	resume "$T/io/down2"
	wait "$x"
	resume
	wait_ctr
	assert_equal "$status" 0
	# Gone: exec finds nothing.
	run -125 --separate-stderr "$CTR" exec -q "$name" true
	assert_one_error "\"$name\""
	assert_host_unchanged
}

@test "07.17 ps lists a running container with its init's pid, and forgets it once it exits" {
	need_root
	local name row
	name=$(random_name)
	start_ctr -q --name "$name" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	[ -f "/run/nslab/$name" ]
	run --separate-stderr "$CTR" ps -q
	assert_success
	assert_line --index 0 --regexp '^NAME +PID '
	row=$(awk -v n="$name" '$1 == n' <<<"$output")
	assert_equal "$(awk '{ print $2 }' <<<"$row")" "$init"
	[[ $row == *" $ROOTFS "* ]]
	resume
	wait_ctr
	assert_equal "$status" 0
	# The runtime removed its record itself: no ps had to sweep it.
	[ ! -e "/run/nslab/$name" ]
	run --separate-stderr "$CTR" ps -q
	assert_success
	refute_line --partial "$name"
	assert_host_unchanged
}

@test "07.18 a second container with a name in use is refused (125) while the first runs on" {
	need_root
	local name
	name=$(random_name)
	start_ctr -q --name "$name" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	run -125 --separate-stderr "$CTR" run -q --name "$name" "$ROOTFS" echo second
	assert_one_error "\"$name\""
	# The first is untouched: still running, still recorded as itself.
	[ -e "/proc/$cmd" ]
	grep -qx "pid $init" "/run/nslab/$name"
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

@test "07.19 SIGKILL to the runtime: the container dies with it; the next ps sweeps the stale record" {
	need_root
	local name
	name=$(random_name)
	start_ctr -q --name "$name" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	# PR_SET_PDEATHSIG: the init follows its runtime, the command its init.
	wait_for gone "$init" "$cmd"
	# The record is left, stale (nobody holds its lock).
	[ -f "/run/nslab/$name" ]
	run --separate-stderr "$CTR" ps
	assert_success
	refute_line --partial "$name"
	[ ! -e "/run/nslab/$name" ]
	assert_host_unchanged
}

@test "07.19b with containers running, a start visits none of their records; a killed run's leftovers wait for ps" {
	need_root
	need_cmd strace strace
	local killed kinit kcmd name x
	# A container that is killed while another runs: its record stays.
	killed=$(random_name)
	start_ctr -q --name "$killed" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	kinit=$init kcmd=$cmd
	mkfifo -m 666 "$T/io/up2" "$T/io/down2"
	name=$(random_name)
	"$CTR" run -q --name "$name" "${IO[@]}" "$ROOTFS" \
		sh -c 'echo $$ >/mnt/up2; exec head -n 1 </mnt/down2 >/dev/null' 2>"$T/stderr2" 3>&- &
	x=$!
	fifo_read _ "$T/io/up2"
	kill -KILL "$ctr"
	wait "$ctr" || true
	wait_for gone "$kinit" "$kcmd"
	# From here the live one is $ctr, for the teardown of a failed check.
	ctr=$x init=$(children_of "$x")
	[ -f "/run/nslab/$killed" ]
	# One more start, traced: it opens neither record (not the live one's,
	# not the stale one's), and its flock calls are five: the state
	# directory's, exclusive (refused: another run holds it) then shared;
	# its own record's, made and then rewritten with the init's pid; the
	# directory's again at the end (refused: not the last run out, so the
	# directory stays). A sweep would add one per record.
	# (LeakSanitizer refuses to run under ptrace: off for this run of a
	# SANITIZE=1 build; nothing for any other.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -f -qq -e trace=openat,flock -o "$T/trace" "$CTR" run -q "$ROOTFS" true
	assert_success
	if grep -E "\"/run/nslab/($killed|$name)\"|openat\(-?[0-9]+, \"($killed|$name)\"" "$T/trace"; then
		fail "the start opened another container's record"
	fi
	assert_equal "$(grep -c 'flock(' "$T/trace")" 5
	assert_equal "$(grep -c 'flock(.*LOCK_EX|LOCK_NB) *= -1 EAGAIN' "$T/trace")" 2
	[ -f "/run/nslab/$killed" ]
	# ps sweeps it; the live one stays.
	run --separate-stderr "$CTR" ps
	assert_success
	[[ $stderr == *"1 stale record removed"* ]]
	[ ! -e "/run/nslab/$killed" ]
	assert_line --regexp "^$name "
	resume "$T/io/down2"
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

# --- what the runtime refuses ----------------------------------------------------------

# A rootfs of its own (a copy), for the checks that plant symlinks in it.
own_rootfs() {
	OWN=$T/rootfs
	cp -a "$ROOTFS" "$OWN"
}

@test "07.20 a rootfs whose /proc, /dev or /sys is a symlink is refused: 125, one error, nothing mounted" {
	need_root
	local d
	own_rootfs
	mkdir "$T/hostside"
	for d in proc dev sys; do
		mv "$OWN/$d" "$OWN/$d.real"
		ln -s "$T/hostside" "$OWN/$d"
		run -125 --separate-stderr "$CTR" run -q "$OWN" true
		assert_one_error "\"$d\""
		rm "$OWN/$d"
		mv "$OWN/$d.real" "$OWN/$d"
		assert_equal "$(ls -A "$T/hostside")" ""
		run mountpoint -q "$T/hostside"
		assert_failure
	done
	assert_host_unchanged
}

@test "07.21 a volume target that is a symlink out of the rootfs never reaches the host" {
	need_root
	local away target
	own_rootfs
	mkdir "$T/src" "$T/hostside"
	away=/tmp/ctr07-away-$(random_name)
	# A relative one (../../../tmp/x from any depth) and an absolute one.
	ln -s "../../../../../../../../../../../..$away" "$OWN/up"
	ln -s "$T/hostside" "$OWN/abs"
	for target in /up/x /abs/x /abs; do
		run --separate-stderr "$CTR" run -q -v "$T/src:$target" "$OWN" true
		# Refused, or resolved inside the rootfs: never on the host.
		[ "$status" -eq 125 ] || [ "$status" -eq 0 ] || fail "status $status"
		[ "$status" -ne 125 ] || assert_one_error ""
		[ ! -e "$away" ] || fail "$away was made on the host"
		assert_equal "$(ls -A "$T/hostside")" ""
		run mountpoint -q "$T/hostside"
		assert_failure
	done
	assert_equal "$(ls -A "$T/src")" ""
	assert_host_unchanged
}

@test "07.22 no descriptor of the caller or the runtime reaches the container (fd 7 open in the caller)" {
	need_root
	local p
	# Inside: the shell's own descriptors, tested one by one (a listing
	# would show its own directory's fd).
	run --separate-stderr "$CTR" run -q "$ROOTFS" sh -c '
		fds=; i=0
		while [ $i -lt 64 ]; do [ -e /proc/$$/fd/$i ] && fds="$fds $i"; i=$((i + 1)); done
		echo $fds' 7</etc/hostname 8>"$T/leak"
	assert_success
	assert_output "0 1 2"
	# From outside: the command holds 0, 1 and 2; the init neither the
	# caller's files nor the runtime's state record.
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE" 7</etc/hostname 8>"$T/leak"
	assert_equal "$(names_in "/proc/$cmd/fd")" "0 1 2"
	for p in /proc/"$init"/fd/*; do
		case $(readlink "$p") in
		/etc/hostname | "$T/leak" | /run/nslab/*) fail "the init holds $(readlink "$p")" ;;
		esac
	done
	[ ! -e "/proc/$init/fd/7" ]
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

# --- rootless -----------------------------------------------------------------------------

@test "07.23 rootless, as an unprivileged user: its own user namespace, 0 = the caller, hardened, recorded" {
	need_cmd setpriv util-linux
	as_rootless
	local name word
	name=$(random_name)
	word=$(random_name)
	start_ctr -q --name "$name" "${IO[@]}" "$RROOTFS" sh -c 'echo "$1" >/mnt/written; id -u >/mnt/id; '"$PAUSE" _ "$word"
	assert_new_namespaces user
	assert_equal "$(tr -s ' ' <"/proc/$cmd/uid_map")" " 0 $me 1"
	assert_equal "$(tr -s ' ' <"/proc/$cmd/gid_map")" " 0 $mygid 1"
	assert_equal "$(cat "/proc/$cmd/setgroups")" deny
	assert_equal "$(status_of "$cmd" Uid)" "$me $me $me $me"
	assert_equal "$(hardening_of "$cmd")" "$(expected_hardening "$(default_caps)")"
	assert_equal "$(cat "$T/io/id")" 0
	assert_equal "$(stat -c %u "$T/io/written")" "$me"
	assert_equal "$(cat "$T/io/written")" "$word"
	# Recorded in the caller's runtime directory, listed by its ps only.
	[ -f "$xdg/nslab/$name" ]
	run --separate-stderr "${AS[@]}" "$CTR" ps -q
	assert_equal "$(awk -v n="$name" '$1 == n { print $2 }' <<<"$output")" "$init"
	if [ "$(id -u)" -eq 0 ]; then
		run --separate-stderr "$CTR" ps -q
		refute_line --partial "$name"
	fi
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_equal "$(ls -A "$xdg")" ""
	# -u other than 0:0 has no id to map to: a usage error.
	run -2 --separate-stderr "${AS[@]}" "$CTR" run -q -u 1000 "$RROOTFS" true
	# Without XDG_RUNTIME_DIR: nowhere to record it, 125 and a hint.
	run -125 --separate-stderr env -u XDG_RUNTIME_DIR "${AS[@]}" "$CTR" run -q "$RROOTFS" true
	assert_one_error XDG_RUNTIME_DIR
	assert_equal "$(ls -A "$xdg")" ""
	assert_host_unchanged
}

@test "07.24 rootless: the command's status, 126, 127, SIGTERM and SIGKILL as as root" {
	need_cmd setpriv util-linux
	as_rootless
	local n name
	n=$(random_number 1 120)
	name=$(random_name)
	run "${AS[@]}" "$CTR" run -q "$RROOTFS" sh -c "exit $n"
	assert_equal "$status" "$n"
	run -127 "${AS[@]}" "$CTR" run -q "$RROOTFS" /no-such-command
	run -126 "${AS[@]}" "$CTR" run -q "$RROOTFS" /etc/passwd
	start_ctr -q "${IO[@]}" "$RROOTFS" sh -c "$PAUSE"
	kill -TERM "$ctr"
	wait_ctr
	assert_equal "$status" 143
	gone "$init" "$cmd"
	rm -f "$T/io/up" "$T/io/down" && mkfifo -m 666 "$T/io/up" "$T/io/down"
	start_ctr -q --name "$name" "${IO[@]}" "$RROOTFS" sh -c "$PAUSE"
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	wait_for gone "$init" "$cmd"
	[ -f "$xdg/nslab/$name" ]
	run --separate-stderr "${AS[@]}" "$CTR" ps -q
	assert_success
	refute_line --partial "$name"
	assert_equal "$(ls -A "$xdg")" ""
	assert_host_unchanged
}

@test "07.25 Ctrl-C on the terminal of sh -i stops the command it runs; the shell and the container live on" {
	need_cmd script bsdutils
	local name in job shell sleeper
	name=$(random_name)
	# The container's init once the runtime has recorded it; its PID 2
	# (the shell) once it is /bin/sh; the shell's child once it runs
	# `sleep 1000` (exec'd: not a fork of the shell that may still be
	# changing the terminal's modes).
	recorded_init() {
		init=$("$CTR" ps -q | awk -v n="$name" '$1 == n { print $2 }')
		[[ $init =~ ^[0-9]+$ ]]
	}
	shell_of() {
		shell=$(child_with_nspid "$init" 2)
		[ -n "$shell" ] && [ "$(tr '\0' ' ' <"/proc/$shell/cmdline")" = "/bin/sh -i " ]
	}
	sleep_of() {
		local p
		for p in $(children_of "$shell"); do
			[ "$(tr '\0' ' ' <"/proc/$p/cmdline")" != "sleep 1000 " ] || sleeper=$p
		done
		[ -n "${sleeper:-}" ]
	}
	alive() { # alive PID...: there, and not a zombie
		local p
		for p in "$@"; do
			[ -e "/proc/$p" ] || return 1
			[ "$(status_of "$p" State | cut -c1)" != Z ] || return 1
		done
	}
	# The keyboard: a fifo that is script's stdin, held open here
	# (read-write, so opening it never blocks) until the end, so script
	# never reads an end of file while the shell runs. script copies it
	# into its pty, whose line discipline turns the byte \003 (intr, as
	# stty shows it) into SIGINT for its foreground process group, as a
	# Ctrl-C typed on a terminal does. "exec": that group is the
	# runtime's, with no shell in between that would die of it.
	mkfifo "$T/keys"
	exec {in}<>"$T/keys"
	# SHELL: script runs its command with $SHELL -c (/bin/sh when unset, as
	# under CI), and printf %q quotes for bash.
	SHELL=$BASH script -qec "exec $(printf '%q ' "$CTR" run -q --name "$name" "$ROOTFS" /bin/sh -i)" \
		/dev/null <"$T/keys" >"$T/screen" 2>&1 {in}>&- 3>&- &
	job=$!
	wait_for recorded_init
	ctr=$(status_of "$init" PPid)
	wait_for shell_of
	printf 'sleep 1000\n' >&"$in"
	wait_for sleep_of || { cat -v "$T/screen" >&2; false; }
	# The runtime reads SIGINT from its signalfd and passes it to the
	# init, which passes it to the shell's process group (03-pid's
	# pass_on()): the shell has no terminal and no job control, so sleep
	# is in that group. The interactive shell ignores SIGINT.
	printf '\003' >&"$in"
	wait_for gone "$sleeper"
	alive "$shell" "$init" "$ctr"
	printf 'exit 3\n' >&"$in"
	status=0
	watchdog_start "$job"
	wait "$job" || status=$?
	watchdog_stop
	exec {in}<&-
	assert_equal "$status" 3
	gone "$ctr" "$init" "$shell"
	ctr=
	run "$CTR" ps -q
	refute_line --partial "$name"
	assert_host_unchanged
}

@test "07.25b run -t: the command's stdio is a pty of the container's own devpts, sized as the caller's terminal; Ctrl-C is the container's; the caller's terminal is left as it was" {
	need_cmd script bsdutils
	local name job pts host_pts in
	name=$(random_name)
	# script gives the runtime a terminal of 30 rows and 100 columns;
	# its modes are noted before the run and compared after it. Its
	# keyboard is the fifo "keys", held open here until the end (07.25).
	mkfifo "$T/keys"
	exec {in}<>"$T/keys"
	SHELL=$BASH script -qec "stty rows 30 cols 100; before=\$(stty -g); $(printf '%q ' "$CTR" \
		run -t --name "$name" "${IO[@]}" "$ROOTFS") sh -c 'tty; stty size; \
		trap \"echo got-INT; exit 3\" INT; echo \$\$ >/mnt/up; cat /mnt/down'; \
		echo status=\$?; [ \"\$before\" = \"\$(stty -g)\" ] && echo modes-kept" \
		/dev/null <"$T/keys" >"$T/screen" 2>&1 {in}>&- 3>&- &
	job=$!
	fifo_read inside "$T/io/up" || { cat -v "$T/screen" >&2; false; }
	init=$("$CTR" ps -q | awk -v n="$name" '$1 == n { print $2 }')
	cmd=$(child_with_nspid "$init" 2)
	[ -n "$cmd" ]
	# From the host: fds 0, 1 and 2 are one pty, /dev/pts/0 in the
	# container's mount namespace, on a devpts that is not the host's.
	for fd in 0 1 2; do
		assert_equal "$(readlink "/proc/$cmd/fd/$fd")" /dev/pts/0
	done
	pts=$(stat -L -c '%d %t:%T' "/proc/$cmd/fd/0")
	host_pts=$(stat -c %d /dev/pts/ptmx)
	assert_equal "${pts#* }" 88:0 # major 136 (0x88): a pty's slave
	[ "${pts%% *}" != "$host_pts" ] || fail "the pty is on the host's devpts"
	# A session leader (stat's field 6) whose controlling terminal
	# (field 7, tty_nr) is that pty: 136 << 8 | 0.
	assert_equal "$(sed 's/.*) //' "/proc/$cmd/stat" | awk '{ print $4, $5 }')" "$cmd 34816"
	# Ctrl-C on the runtime's terminal: raw, it is a byte the runtime
	# relays, and the container's pty makes it SIGINT for the command.
	# (Not raw, script's pty would send SIGINT to the runtime, which
	# would say that it passed it on.)
	printf '\003' >&"$in"
	watchdog_start "$job"
	wait "$job" || fail "script: status $?"
	watchdog_stop
	exec {in}<&-
	run cat "$T/screen"
	assert_line --partial /dev/pts/0
	assert_line --partial "30 100"
	assert_line --partial got-INT
	assert_line --partial status=3
	assert_line --partial modes-kept
	refute_line --partial "passed SIGINT"
	assert_host_unchanged
}

@test "07.25c run -t, rootless, stdin a fifo: a Ctrl-C byte is the pty's to turn into SIGINT; the output's last bytes are all there" {
	need_cmd setpriv util-linux
	as_rootless
	local in
	# stdin: a fifo held open read-write here until the end; not a
	# terminal, so the runtime relays its bytes as they are.
	mkfifo "$T/keys"
	exec {in}<>"$T/keys"
	# (Not start_held: the & there would give it /dev/null as stdin.)
	"${AS[@]}" "$CTR" run -t "${IO[@]}" "$RROOTFS" \
		sh -c 'trap "echo got-INT; seq 20000; exit 3" INT; echo $$ >/mnt/up; cat /mnt/down; echo not-reached' \
		<"$T/keys" >"$T/screen" 2>"$T/stderr" {in}>&- 3>&- &
	ctr=$!
	fifo_read inside "$T/io/up" || { cat "$T/stderr" >&2; false; }
	init=$(children_of "$ctr")
	cmd=$(child_with_nspid "$init" 2)
	[ -n "$cmd" ]
	assert_equal "$(readlink "/proc/$cmd/fd/0")" /dev/pts/0
	printf '\003' >&"$in"
	wait_ctr
	exec {in}<&-
	assert_equal "$status" 3
	run cat "$T/screen"
	assert_line --partial got-INT
	refute_line --partial not-reached
	# Written just before the command exits, drained from the pty after
	# the container is gone: every line, the last one included.
	assert_equal "$(tr -d '\r' <"$T/screen" | grep -cx '[0-9]*')" 20000
	assert_equal "$(tr -d '\r' <"$T/screen" | tail -n 1)" 20000
	assert_equal "$(ls -A "$xdg")" ""
	assert_host_unchanged
}

@test "07.25d run -t, its stdout full until the container is gone: every line the command wrote arrives" {
	need_root
	local o r n
	# stdout: a fifo filled here first, its 64 KiB of one line of
	# spaces held open read-write, so nobody reads it yet. seq's 1,200
	# lines (6 KB with their \r) then fill the relay's 4 KiB and leave
	# the rest in the pty: the command exits, the pty hangs up and the
	# init is reaped while the relay's buffer is full, every time. What
	# the master still holds then is output, not the end of it.
	mkfifo "$T/out"
	exec {o}<>"$T/out"
	timeout "$(guard_s)" bash -c 'printf "%65535s\n" "" >&"$1"' _ "$o"
	"$CTR" run -q -t "${IO[@]}" "$ROOTFS" sh -c 'echo $$ >/mnt/up; cat /mnt/down >/dev/null; exec seq 1200' \
		>"$T/out" 2>"$T/stderr" {o}>&- 3>&- &
	ctr=$!
	fifo_read inside "$T/io/up" || { cat "$T/stderr" >&2; false; }
	init=$(children_of "$ctr")
	[ -n "$init" ]
	resume "$T/io/down"
	wait_for gone "$init" # reaped: the runtime is draining its buffers
	exec {r}<"$T/out"
	exec {o}<&-
	watchdog_start "$ctr"
	tr -d '\r' <&"$r" >"$T/screen"
	watchdog_stop
	exec {r}<&-
	wait_ctr
	assert_equal "$status" 0
	assert_equal "$(grep -cx '[0-9][0-9]*' "$T/screen")" 1200
	assert_equal "$(tail -n 1 "$T/screen")" 1200
	run cat "$T/stderr"
	assert_output ""
	assert_host_unchanged
}

# Every file of the rootfs with its type, mode, size, owner and mtime:
# the same listing before and after a run means the run changed nothing.
rootfs_listing() { # rootfs_listing DIR
	(cd "$1" && find . -printf '%y %m %s %U:%G %T@ %p\n' | sort -k6)
}

@test "07.27 --overlay: the container writes, deletes and makes mount points in a tmpfs upper layer; rootfs/ is as it was" {
	need_root
	local before
	before=$(rootfs_listing "$ROOTFS")
	mkdir "$T/vol"
	start_ctr -q --overlay "${IO[@]}" -v "$T/vol:/nslab-vol" "$ROOTFS" \
		sh -c 'echo new >/etc/nslab-new && rm /bin/vi && mkdir /nslab-dir && '"$PAUSE"
	# From the host: the container's / is an overlay (mountinfo's
	# fields after " - "), and through its root the changes are there.
	assert_equal "$(awk '$5 == "/" { sub(/.* - /, ""); print $1 }' "/proc/$cmd/mountinfo")" overlay
	assert_equal "$(cat "/proc/$cmd/root/etc/nslab-new")" new
	[ ! -e "/proc/$cmd/root/bin/vi" ]
	[ -d "/proc/$cmd/root/nslab-vol" ] && [ -d "/proc/$cmd/root/nslab-dir" ]
	# In rootfs/ they are not (and the host's mounts are checked last).
	[ -e "$ROOTFS/bin/vi" ] && [ ! -e "$ROOTFS/etc/nslab-new" ] && [ ! -e "$ROOTFS/nslab-vol" ]
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_equal "$(rootfs_listing "$ROOTFS")" "$before"
	assert_host_unchanged
}

@test "07.27b --upper DIR, rootless: the changes are kept in DIR/upper, a deleted file as a whiteout (0:0); the next run sees them; an upper in the rootfs is refused" {
	need_cmd setpriv util-linux
	as_rootless
	local before up=$T/layer
	mkdir "$up"
	[ "$(id -u)" -ne 0 ] || chown 65534:65534 "$up"
	before=$(rootfs_listing "$RROOTFS")
	mkdir "$T/vol"
	[ "$(id -u)" -ne 0 ] || chown 65534:65534 "$T/vol"
	run --separate-stderr "${AS[@]}" "$CTR" run -q --upper "$up" -v "$T/vol:/nslab-vol" \
		"$RROOTFS" sh -c 'echo kept >/etc/nslab-kept && rm /bin/vi'
	assert_success
	assert_equal "$(cat "$up/upper/etc/nslab-kept")" kept
	assert_equal "$(stat -c '%F %t:%T' "$up/upper/bin/vi")" "character special file 0:0"
	# The volume's mount point is a change like any other; no record of
	# it is kept anywhere (there is nothing in rootfs/ to undo).
	[ -d "$up/upper/nslab-vol" ]
	run find "$up/upper" "$RROOTFS" -maxdepth 1 -name '.nslab-made.*'
	assert_output ""
	assert_equal "$(rootfs_listing "$RROOTFS")" "$before"
	# The same upper again: the container starts with those changes.
	run --separate-stderr "${AS[@]}" "$CTR" run -q --upper "$up" "$RROOTFS" \
		sh -c 'cat /etc/nslab-kept; ls /bin/vi'
	assert_equal "$status" 1
	assert_equal "$output" kept
	# An upper layer inside the lower one: refused before anything is made.
	run -125 --separate-stderr "${AS[@]}" "$CTR" run -q --upper "$RROOTFS/tmp" "$RROOTFS" true
	assert_one_error "and the rootfs"
	assert_equal "$(rootfs_listing "$RROOTFS")" "$before"
	assert_equal "$(ls -A "$xdg")" ""
	assert_host_unchanged
}

# The time (ms) of PHASE in run --timing's lines in $stderr.
timing_of() { # timing_of PHASE
	awk -v p="$1" '$1 == "timing:" && $2 == p { sub(/^\+/, "", $3); print $3 }' <<<"$stderr"
}

# a < b, for the decimals of timing_of
before() { # before A B
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'
}

@test "07.26 run --timing: a line as each phase ends, from the runtime, the init and the command, in causal order; stdout stays the command's" {
	need_root
	local p word
	word=$(random_name)
	run --separate-stderr "$CTR" run -q --timing "$ROOTFS" /bin/echo "$word"
	assert_success
	assert_output "$word"
	# Every phase once, nothing else on stderr with -q.
	for p in claimed cgroup cloned placed go mounted net hardened forked ready exec exited cleaned; do
		assert_equal "$(grep -c "^timing: $p " <<<"$stderr")" 1
	done
	assert_equal "$(grep -vc '^timing: ' <<<"$stderr")" 0
	# What must come after what: the init is cloned before it gets "go",
	# hardened before it clones the command, which execs before it exits.
	# (The init says "ready" before it marks "hardened": those two, and
	# the runtime's "ready" line, come in either order.)
	before "$(timing_of cloned)" "$(timing_of go)"
	before "$(timing_of go)" "$(timing_of mounted)"
	before "$(timing_of mounted)" "$(timing_of hardened)"
	before "$(timing_of hardened)" "$(timing_of forked)"
	before "$(timing_of forked)" "$(timing_of exec)"
	before "$(timing_of exec)" "$(timing_of exited)"
	before "$(timing_of exited)" "$(timing_of cleaned)"
	# The command's clock runs 1000 s ahead in its time namespace;
	# its line does not.
	if [ -e /proc/self/ns/time ]; then
		run --separate-stderr "$CTR" run -q --timing --monotonic 1000 "$ROOTFS" true
		assert_success
		before "$(timing_of hardened)" "$(timing_of exec)"
		before "$(timing_of exec)" "$(timing_of exited)"
	fi
	assert_host_unchanged
}
