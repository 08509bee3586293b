#!/usr/bin/env bats
# Lab checks for 04-mount: the container gets a root filesystem and a /proc
# of its own, volumes where it asked for them, and the host's mount table
# never changes - not even on a host whose root mount is shared. The
# checks read the container's view from what it prints (its own mountinfo,
# its own ps) and the host's view from /proc on the host.

load helpers

# The rootfs every check runs in: the repository's rootfs/ (or
# NSLAB_ROOTFS), built once: scripts/mkrootfs.sh returns at once when it is
# already there.
setup_file() {
	ROOTFS=${NSLAB_ROOTFS:-$NSLAB_ROOT/rootfs}
	if ! "$NSLAB_ROOT/scripts/mkrootfs.sh" "$ROOTFS" >"$BATS_FILE_TMPDIR/mkrootfs.log" 2>&1; then
		ROOTFS=
	fi
	export ROOTFS
}

setup() {
	M=$NSLAB_BIN/04-mount
	host_snapshot
	if [ -n "$ROOTFS" ]; then
		rootfs_state >"$BATS_TEST_TMPDIR/rootfs.before"
	fi
}

need_rootfs() {
	[ -n "$ROOTFS" ] ||
		skip "no rootfs: scripts/mkrootfs.sh could not build one ($(tail -n 1 "$BATS_FILE_TMPDIR/mkrootfs.log"))"
}

# Every path in the rootfs: a run must leave none behind (no put_old, no
# volume mount point it made).
rootfs_state() {
	find "$ROOTFS" -xdev | sort
}

assert_rootfs_unchanged() {
	rootfs_state >"$BATS_TEST_TMPDIR/rootfs.after"
	diff -u "$BATS_TEST_TMPDIR/rootfs.before" "$BATS_TEST_TMPDIR/rootfs.after"
}

@test "04.1 ps inside lists only the container: PID 1 is 04-mount, then ps itself" {
	need_root
	need_rootfs
	run --separate-stderr "$M" -r "$ROOTFS" -- ps -A -o pid,comm
	assert_success
	# A header and two processes; the host has many more.
	assert_equal "${#lines[@]}" 3
	assert_equal "$(awk '$1 == 1 { print $2 }' <<<"$output")" 04-mount
	assert_equal "$(awk '$1 == 2 { print $2 }' <<<"$output")" ps
	# shellcheck disable=SC2012 # pid directories have plain names
	[ "$(ls -d /proc/[0-9]* | wc -l)" -gt 3 ]
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.2 inside, / is the rootfs and /proc the only other mount; the host keeps all of its own" {
	need_root
	need_rootfs
	run --separate-stderr "$M" -q -r "$ROOTFS" -- cat /proc/self/mountinfo
	assert_success
	# Field 4 is the mount's root within its filesystem, field 5 where it
	# is mounted: / is the rootfs directory, seen from its filesystem.
	root=$(awk '$5 == "/" { print $4 }' <<<"$output")
	[ -n "$root" ]
	[[ "$ROOTFS" == *"$root" ]]
	assert_equal "$(awk '{ print $5 }' <<<"$output" | sort | tr '\n' ' ')" "/ /proc "
	# The host's own mounts (its /sys, /dev, ...) are all still there.
	[ "$(wc -l </proc/self/mountinfo)" -gt 2 ]
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.3 from the host while the command waits: / is the rootfs, only /proc besides, / private, no put_old left" {
	need_root
	need_rootfs
	io=$BATS_TEST_TMPDIR/io
	mkdir "$io"
	mkfifo "$io/up" "$io/down"
	# The fifos reach the command through a volume: inside, only the
	# rootfs and the volumes exist.
	"$M" -q -r "$ROOTFS" -V "$io:/io" -- sh -c 'echo $$ >/io/up; read x </io/down' \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/stderr" &
	demo=$!
	fifo_read inside "$io/up" ||
		fail "04-mount never ran its command: $(cat "$BATS_TEST_TMPDIR/stderr")"
	init=$(children_of "$demo")
	cmd=$(children_of "$init")
	[ -n "$init" ] && [ -n "$cmd" ]
	mounts=$(cat "/proc/$cmd/mountinfo")
	# Exactly three mount points: the rootfs, the volume, a fresh /proc.
	assert_equal "$(awk '{ print $5 }' <<<"$mounts" | sort | paste -sd' ')" "/ /io /proc"
	# The command's / is the rootfs directory itself, by device and inode.
	assert_equal "$(stat -L -c %d:%i "/proc/$cmd/root")" "$(stat -c %d:%i "$ROOTFS")"
	# Its / takes part in no propagation: no peer group, no master.
	root_line=$(awk '$5 == "/"' <<<"$mounts")
	refute grep -qE ' (shared|master):' <<<"$root_line"
	# The host's old tree is detached and its directory is gone.
	assert_equal "$(find "$ROOTFS" -maxdepth 1 -name '.put_old.*')" ""
	# /proc: a procfs, without suid, devices or execution.
	proc_line=$(awk '$5 == "/proc"' <<<"$mounts")
	assert_equal "$(awk '{ for (i = 7; $i != "-"; i++); print $(i + 1) }' <<<"$proc_line")" proc
	for opt in nosuid nodev noexec; do
		awk '{ print $6 }' <<<"$proc_line" | tr ',' '\n' | grep -qx "$opt"
	done
	echo go >"$io/down"
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 0
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.4 volumes: a host file shows inside, :ro refuses writes (EROFS), a rw write lands on the host" {
	need_root
	need_rootfs
	name=$(random_name)
	mkdir "$BATS_TEST_TMPDIR/ro" "$BATS_TEST_TMPDIR/rw"
	echo "$name" >"$BATS_TEST_TMPDIR/ro/$name.txt"
	run --separate-stderr "$M" -q -r "$ROOTFS" \
		-V "$BATS_TEST_TMPDIR/ro:/data/$name:ro" -V "$BATS_TEST_TMPDIR/rw:/out" -- \
		sh -c 'cat "/data/$1/$1.txt"; echo x >"/data/$1/new" || echo refused; echo "$1" >"/out/$1"' _ "$name"
	assert_success
	assert_line --index 0 "$name"
	assert_line --index 1 refused
	grep -F 'Read-only file system' <<<"$stderr"
	[ ! -e "$BATS_TEST_TMPDIR/ro/new" ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rw/$name")" "$name"
	# The mount points /data/NAME and /out were made for the run and are
	# gone again.
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.5 a volume target that resolves outside the rootfs is refused; nothing is made" {
	need_root
	need_rootfs
	link=$(random_name)
	target=$(random_name)
	mkdir "$BATS_TEST_TMPDIR/v"
	ln -s / "$ROOTFS/$link"
	rootfs_state >"$BATS_TEST_TMPDIR/rootfs.before"
	run --separate-stderr "$M" -r "$ROOTFS" -V "$BATS_TEST_TMPDIR/v:/$link/$target" -- true
	status_link=$status
	stderr_link=$stderr
	run --separate-stderr "$M" -r "$ROOTFS" -V "$BATS_TEST_TMPDIR/v:/../../$target" -- true
	status_dots=$status
	rm "$ROOTFS/$link"
	assert_equal "$status_link" 1
	grep -F "openat2(\"$ROOTFS\", \"$link/$target\", RESOLVE_BENEATH): Invalid cross-device link" <<<"$stderr_link"
	grep -F 'hint:' <<<"$stderr_link"
	refute grep -q 'clone(' <<<"$stderr_link"
	assert_equal "$status_dots" 1
	grep -F 'Invalid cross-device link' <<<"$stderr"
	[ ! -e "/$target" ]
	rootfs_state >"$BATS_TEST_TMPDIR/rootfs.before"
	assert_rootfs_unchanged
	assert_host_unchanged
}

@test "04.6 --chroot: a nested chroot climbs out to the host's / and reads its marker; nothing is left" {
	need_root
	need_rootfs
	run --separate-stderr "$M" -r "$ROOTFS" --chroot -- true
	assert_success
	# The parent's marker: a path and a word the child could not guess.
	marker=$(said_by host | sed -n 's/.*wrote \(.*\) on the host, holding.*/\1/p')
	token=$(said_by host | sed -n 's/.*holding "\(host-only-[0-9a-f]*\)".*/\1/p')
	[ -n "$marker" ] && [ -n "$token" ]
	said_by escape | grep -F "cat $marker: \"$token\""
	# What the escaped process lists as / is the host's root.
	listed=$(said_by escape | sed -n 's/.*out\. ls \/ shows [0-9]* entries: //p')
	# shellcheck disable=SC2012 # the same listing the demo prints
	assert_equal "$listed" "$(cd / && LC_ALL=C ls -A | tr '\n' ' ' | sed 's/ $//')"
	[ ! -e "$marker" ]
	[ ! -e "$(dirname "$marker")" ]
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.7 --no-pidns: the container reads a host file the test wrote, through /proc/PID/root; a PID namespace closes it" {
	need_root
	need_rootfs
	# A word only the host knows, in a file only the host can reach.
	token=$(random_name)
	echo "$token" >"$BATS_TEST_TMPDIR/m"
	run --separate-stderr "$M" -r "$ROOTFS" --no-pidns --marker "$BATS_TEST_TMPDIR/m" -- true
	assert_success
	# The secret came out: only the door could have read it.
	grep -qF "$token" <<<"$stderr"
	# --marker is the caller's file: it stays.
	assert_equal "$(cat "$BATS_TEST_TMPDIR/m")" "$token"
	# The default, with a PID namespace: no such process inside, or PID 1
	# is the container's own init, whose root is the rootfs. (Some hosts
	# guard their PID 1 even from root: any host process is the same door,
	# so then try this shell.)
	door=1
	ls /proc/1/root/ >/dev/null 2>&1 || door=$$
	run --separate-stderr "$M" -q -r "$ROOTFS" -- cat "/proc/$door/root$BATS_TEST_TMPDIR/m"
	assert_failure
	refute_output "$token"
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.8 a missing rootfs: an error that names make rootfs, status 1, no namespace" {
	need_root
	run --separate-stderr "$M" -r "$BATS_TEST_TMPDIR/no-such-rootfs"
	assert_failure 1
	grep -F "error: realpath(\"$BATS_TEST_TMPDIR/no-such-rootfs\"): No such file or directory" <<<"$stderr"
	grep -F 'make rootfs' <<<"$stderr"
	refute grep -q 'clone(' <<<"$stderr"
	# A directory that is no root filesystem (no proc/ in it).
	mkdir "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr "$M" -r "$BATS_TEST_TMPDIR/empty"
	assert_failure 1
	grep -F 'make rootfs' <<<"$stderr"
	assert_host_unchanged
}

@test "04.9 bad volume specs and options: one line, status 2, no namespace" {
	for args in "-V foo" "-V /tmp:relative" "-V /tmp:/x:rx" "-V /tmp:/" "-V :/x" \
		"-V /tmp:/x:ro:more" "-V" "-r" "--bogus" "-x" "--propagation" \
		"--propagation rshared" "--propagation ''" "--marker ''"; do
		eval "run --separate-stderr \"\$M\" $args"
		assert_equal "$status" 2
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_equal "$output" ""
		refute grep -q clone <<<"$stderr"
	done
	run --separate-stderr "$M" -V /tmp:rel
	assert_equal "$stderr" "04-mount: volume \"/tmp:rel\" is not HOST:CTR[:ro] with an absolute CTR other than / (try '04-mount --help')"
}

@test "04.10 without privilege: one error with a hint, status 1, host untouched" {
	need_cmd setpriv util-linux
	need_rootfs
	run --separate-stderr as_unprivileged "$M" -r "$ROOTFS"
	assert_failure 1
	# Where nobody can reach the rootfs, the clone is what fails; a
	# checkout in a home of mode 700 fails one step earlier, as honestly.
	if as_unprivileged test -x "$ROOTFS"; then
		grep -F 'error: clone(CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS|SIGCHLD): Operation not permitted' <<<"$stderr"
	else
		grep -F "error: realpath(\"$ROOTFS\"): Permission denied" <<<"$stderr"
	fi
	assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
	grep -F 'hint:' <<<"$stderr"
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.11 SIGTERM while the command runs: status 143, nothing left running or mounted" {
	need_root
	need_rootfs
	need_cmd pgrep procps
	# The fifos reach the command through a volume: inside, only the
	# rootfs and the volumes exist.
	mkdir "$BATS_TEST_TMPDIR/f"
	mkfifo "$BATS_TEST_TMPDIR/f/up" "$BATS_TEST_TMPDIR/f/down"
	"$M" -q -r "$ROOTFS" -V "$BATS_TEST_TMPDIR/f:/f" -- \
		sh -c 'echo $$ >/f/up; read x </f/down' 2>"$BATS_TEST_TMPDIR/stderr" &
	demo=$!
	fifo_read inside "$BATS_TEST_TMPDIR/f/up" ||
		fail "04-mount never ran its command: $(cat "$BATS_TEST_TMPDIR/stderr")"
	assert_equal "$inside" 2 # PID 1 is the demo's init, the command comes next
	init=$(pgrep -P "$demo")
	cmd=$(pgrep -P "$init")
	[ -n "$init" ] && [ -n "$cmd" ]
	kill -TERM "$demo"
	# The demo passes SIGTERM to its init, which passes it to the command;
	# no fifo write is needed to end it.
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 143
	[ ! -d "/proc/$init" ]
	[ ! -d "/proc/$cmd" ]
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.12 on a host whose / is shared (systemd's way), the mount table is still unchanged" {
	need_root
	need_rootfs
	need_cmd unshare util-linux
	mkdir "$BATS_TEST_TMPDIR/v"
	# A throwaway namespace, cut off from the real host first (private),
	# then made shared inside: its mounts are peers of nothing on the
	# host, so even a demo that leaked could only leak into it. (unshare
	# --propagation shared alone would keep a systemd host's peer groups.)
	run --separate-stderr unshare -m --propagation private sh -c '
		mount --make-rshared / || exit 3
		awk "\$5 == \"/\"" /proc/self/mountinfo | grep -q "shared:" || exit 4
		cat /proc/self/mountinfo >"$3/before"
		"$1" -r "$2" -V "$3/v:/data:ro" -- true || exit 5
		cat /proc/self/mountinfo >"$3/after"
		diff "$3/before" "$3/after"' _ "$M" "$ROOTFS" "$BATS_TEST_TMPDIR"
	assert_success
	assert_output ""
	said_by child | grep -F 'a peer of the host'"'"'s /'
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.13 the command's status becomes the demo's; -q leaves stderr empty; --help goes to stdout" {
	need_root
	need_rootfs
	run "$M" -q -r "$ROOTFS" -- sh -c 'exit 7'
	assert_equal "$status" 7
	run -127 --separate-stderr "$M" -q -r "$ROOTFS" -- /no/such/command
	grep -F 'looked up inside the rootfs' <<<"$stderr"
	run --separate-stderr "$M" -q -r "$ROOTFS" -- echo payload
	assert_success
	assert_output payload
	assert_equal "$stderr" ""
	run --separate-stderr "$M" --help
	assert_success
	assert_line --partial 'Usage: 04-mount'
	assert_equal "$stderr" ""
	assert_host_unchanged
	assert_rootfs_unchanged
}

@test "04.14 mkrootfs.sh: a second run returns at once; the no-busybox fallback makes a rootfs that works" {
	need_root
	need_rootfs
	run "$NSLAB_ROOT/scripts/mkrootfs.sh" "$ROOTFS"
	assert_success
	assert_output --partial 'already built'
	run "$NSLAB_ROOT/scripts/mkrootfs.sh" --from host "$BATS_TEST_TMPDIR/hostcopy"
	assert_success
	assert_output --partial 'copying this machine'
	run --separate-stderr "$M" -q -r "$BATS_TEST_TMPDIR/hostcopy" -- ps -A -o pid,comm
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_host_unchanged
}

@test "04.15 a volume whose host side is missing: one error, a hint, status 1, nothing made" {
	need_root
	need_rootfs
	missing=/tmp/$(random_name)-absent
	run --separate-stderr "$M" -q -r "$ROOTFS" -V "$missing:/data" -- true
	assert_failure 1
	assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
	grep -F "error: stat(\"$missing\"): No such file or directory" <<<"$stderr"
	grep -F "hint: the HOST side of -V $missing:/data must exist" <<<"$stderr"
	[ ! -e "$missing" ]
	assert_host_unchanged
	assert_rootfs_unchanged
}

# Run 04-mount in a scratch mount namespace whose / is shared, as a
# systemd host's is: made private first, so that nothing can travel to the
# real host, then shared inside. $demo is 04-mount itself (unshare and sh
# exec it).
start_in_scratch() { # start_in_scratch 04-mount-args...
	unshare -m --propagation private sh -c 'mount --make-rshared / && exec "$@"' _ "$M" "$@" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/stderr" &
	demo=$!
}

@test "04.16 --propagation, in a scratch namespace with a shared /: slave lets the host's mounts in, private nothing; shared will not pivot" {
	need_root
	need_rootfs
	need_cmd unshare util-linux
	need_cmd nsenter util-linux
	# In the host's own mount namespace (PID 1's) it refuses, and makes
	# nothing. A suite that itself runs in a mount namespace of its own
	# (make fresh-test's machine) is in a scratch one already.
	if [ "$(ns_of mnt)" = "$(ns_of mnt 1)" ]; then
		run --separate-stderr "$M" -r "$ROOTFS" --propagation private -- true
		assert_failure 1
		grep -F 'scratch mount namespace' <<<"$stderr"
		refute grep -q 'clone(' <<<"$stderr"
	fi
	io=$BATS_TEST_TMPDIR/io
	mkdir "$io"
	for type in slave private; do
		r=$(random_name)
		rm -f "$io/up" "$io/down"
		mkfifo "$io/up" "$io/down"
		start_in_scratch -q --propagation "$type" -r "$ROOTFS" -V "$io:/io" -- \
			sh -c 'mount -t tmpfs "in-$1" /tmp && echo $$ >/io/up && read x </io/down' _ "$r"
		fifo_read inside "$io/up" ||
			fail "04-mount never ran its command: $(cat "$BATS_TEST_TMPDIR/stderr")"
		init=$(children_of "$demo")
		cmd=$(children_of "$init")
		[ -n "$cmd" ]
		# The "host" (the scratch namespace) mounts under the rootfs
		# while the command waits.
		nsenter -t "$demo" -m mount -t tmpfs "out-$r" "$ROOTFS/mnt"
		inside=$(cat "/proc/$cmd/mountinfo")
		outside=$(cat "/proc/$demo/mountinfo")
		nsenter -t "$demo" -m umount "$ROOTFS/mnt"
		# The container's mount never reaches the host: no type sends
		# anything out but shared.
		refute grep -q " in-$r " <<<"$outside"
		# The host's mount reaches in only to a slave.
		if [ "$type" = slave ]; then
			awk -v r="out-$r" '$5 == "/mnt" && $0 ~ " " r " "' <<<"$inside" | grep -q .
		else
			refute grep -q " out-$r " <<<"$inside"
		fi
		echo go >"$io/down"
		status=0
		wait "$demo" || status=$?
		assert_equal "$status" 0
	done
	# shared: the rootfs would be a peer of the host's mount, and
	# pivot_root refuses (its EINVAL rules); no volume, so nothing is made
	# in the rootfs.
	start_in_scratch -q --propagation shared -r "$ROOTFS" -- true
	status=0
	wait "$demo" || status=$?
	assert_equal "$status" 1
	grep -E 'error: pivot_root\(.*\): Invalid argument' "$BATS_TEST_TMPDIR/stderr"
	assert_host_unchanged
	assert_rootfs_unchanged
}

