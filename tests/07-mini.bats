#!/usr/bin/env bats
# Lab checks for 07-mini, the container in one file (07-full-container/
# mini.c). As for the full runtime, each check runs it as a user would and
# looks from OUTSIDE while its command is held on a fifo: the host's
# /proc/PID/{ns,status,uid_map,mountinfo,root} of the container's
# processes, nsenter into its namespaces, the host's own hostname and
# mounts. Its security (every escape probe blocked, as root and rootless)
# is in security.bats.
#
# The processes, as the host numbers them:
#   $ctr   bin/07-mini, our background job
#   $init  its child, PID 1 inside
#   $cmd   the init's child, PID 2 inside: the command
# 07-mini has no volumes: the command reaches the test through the fifos
# /io/up and /io/down of the rootfs copy itself ($MR/io on the host).

# ROOTFS is set in ctr.bash (ctr_setup_file).
# shellcheck disable=SC2153
load helpers
# ctr_setup_file, child_with_nspid, gone, hardening_of, ... (ctr.bash)
load ctr

setup_file() {
	ctr_setup_file
	[ -n "$ROOTFS" ] || return 0
	# A copy the container's root may not write to (root owns it; inside
	# it is uid 100000, or nobody rootless), but for /io, and a marker
	# only this copy holds.
	export MR=$BATS_FILE_TMPDIR/mini-rootfs MARK
	MARK=$(random_name)
	cp -a "$ROOTFS" "$MR"
	mkdir -m 777 "$MR/io"
	echo "$MARK" >"$MR/.nslab-marker"
}

setup() {
	[ -n "$ROOTFS" ] || skip "no rootfs: $(tail -n 1 "$BATS_FILE_TMPDIR/mkrootfs.log")"
	MINI=$NSLAB_BIN/07-mini
	T=$BATS_TEST_TMPDIR
	ctr='' init='' cmd=''
	AS=()
	rm -f "$MR/io/up" "$MR/io/down"
	mkfifo -m 666 "$MR/io/up" "$MR/io/down"
	host_snapshot
}

# A check that failed halfway: SIGKILL to 07-mini ends it all (the init
# dies by PR_SET_PDEATHSIG, the command with its PID namespace).
teardown() {
	if [ -n "$ctr" ] && [ "$(readlink "/proc/$ctr/exe" 2>/dev/null)" = "$MINI" ]; then
		kill -KILL "$ctr" 2>/dev/null || true
	fi
	[ -z "$ctr" ] || wait "$ctr" 2>/dev/null || true
}

# Says its pid and its uid inside, then waits on /io/down.
HOLD='echo "$$ $(id -u) $(hostname)" >/io/up; exec head -n 1 </io/down >/dev/null'

# Start 07-mini ARGS... (ctr.bash's start_held): $ctr, $init, $cmd.
start_mini() { # start_mini ARGS...
	start_held "$MR/io/up" "$MINI" "$@"
}

# Let the command go and wait for 07-mini; its status in $status.
finish_mini() {
	resume "$MR/io/down"
	wait_ctr
}

# Everything the container is, seen from the host: seven namespaces not
# ours, the hostname asked for (nsenter), the maps MAP, the command's ids
# on the host HOSTID, / the rootfs copy, a /proc of two processes, no
# mount from the host, the hardening of the full runtime.
assert_container() { # assert_container NAME MAP HOSTID
	local t
	for t in user uts ipc pid mnt net cgroup; do
		[ "$(ns_of "$t" "$cmd")" != "$(ns_of "$t")" ] || fail "$t: the host's namespace"
		assert_equal "$(ns_of "$t" "$cmd")" "$(ns_of "$t" "$init")"
	done
	assert_equal "$inside" "2 0 $1"
	assert_equal "$(nsenter -t "$cmd" -u hostname)" "$1"
	assert_equal "$(tr -s ' ' <"/proc/$cmd/uid_map" | sed 's/^ //')" "$2"
	assert_equal "$(tr -s ' ' <"/proc/$cmd/gid_map" | sed 's/^ //')" "$2"
	assert_equal "$(status_of "$cmd" Uid)" "$3 $3 $3 $3"
	# No supplementary group of the caller's came along (as root, "deny"
	# in setgroups would have kept it for good).
	assert_equal "$(status_of "$cmd" Groups)" ""
	assert_equal "$(cat "/proc/$cmd/root/.nslab-marker")" "$MARK"
	assert_equal "$(find "/proc/$cmd/root/proc" -maxdepth 1 -name '[0-9]*' -printf '%f\n' | sort | paste -sd' ')" "1 2"
	# Its mounts: /, and /proc, /dev, /sys and below; none of the host's.
	run mounts_of "$cmd"
	assert_line --regexp '^/proc proc '
	assert_line --regexp '^/dev tmpfs '
	assert_equal "$(awk '$1 !~ /^\/((proc|dev|sys)(\/|$)|$)/' <<<"$output")" ""
	assert_equal "$(hardening_of "$cmd")" "$(expected_hardening "$(default_caps)")"
	assert_equal "$(hardening_of "$init")" "$(expected_hardening "$(default_caps)")"
}

@test "07m.1 as root: seven new namespaces, root inside is uid 100000 outside, / is the rootfs, hardened; the host keeps its name" {
	need_root
	need_cmd nsenter util-linux
	local name before
	name=$(random_name)
	before=$(hostname)
	start_mini -q -h "$name" "$MR" sh -c "$HOLD"
	assert_container "$name" "0 100000 65536" 100000
	assert_equal "$(hostname)" "$before"
	finish_mini
	assert_equal "$status" 0
	gone "$init" "$cmd"
	assert_host_unchanged
}

@test "07m.2 rootless: the same container, your uid as root inside" {
	need_root # to look into a container of another user's from outside
	need_userns
	need_cmd nsenter util-linux
	local name
	name=$(random_name)
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	# A clone under /root (mode 700) is out of nobody's reach: a copy then.
	if ! "${AS[@]}" test -x "$MINI"; then
		cp "$MINI" "$T/07-mini"
		MINI=$T/07-mini
	fi
	start_mini -q -h "$name" "$MR" sh -c "$HOLD"
	assert_container "$name" "0 65534 1" 65534
	finish_mini
	assert_equal "$status" 0
	gone "$init" "$cmd"
	assert_host_unchanged
}

@test "07m.3 the command's status is passed on: N, 128+signal, 126, 127" {
	need_root
	run -7 "$MINI" -q "$MR" sh -c 'exit 7'
	run -143 "$MINI" -q "$MR" sh -c 'kill -TERM $$'
	run -126 --separate-stderr "$MINI" -q "$MR" /etc
	assert_one_error 'execvp("/etc"): Permission denied'
	run -127 --separate-stderr "$MINI" -q "$MR" nosuch
	assert_one_error 'execvp("nosuch"): No such file or directory'
	run -0 "$MINI" -q "$MR" true
	assert_output ""
	assert_host_unchanged
}

@test "07m.4 SIGTERM to 07-mini reaches the command; SIGKILL takes the whole container with it" {
	need_root
	# The command answers SIGTERM with 42: only it can, so 42 proves the
	# signal was passed on to it, not that 07-mini died of it.
	start_mini -q "$MR" sh -c "trap 'exit 42' TERM; $HOLD & wait"
	kill -TERM "$ctr"
	wait_ctr
	assert_equal "$status" 42
	wait_for gone "$init" "$cmd"
	start_mini -q "$MR" sh -c "$HOLD"
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	wait_for gone "$init" "$cmd"
	assert_host_unchanged
}

@test "07m.5 bad input: status 2 and one line, nothing started" {
	run -2 --separate-stderr "$MINI"
	[[ $stderr == *"ROOTFS is missing"* ]]
	run -2 --separate-stderr "$MINI" --bogus "$MR"
	[[ $stderr == *"unknown option"*"--bogus"* ]]
	run -2 --separate-stderr "$MINI" -h "$(printf 'x%.0s' {1..65})" "$MR"
	[[ $stderr == *"must be 1 to 64 bytes"* ]]
	run -2 --separate-stderr "$MINI" "$BATS_TEST_TMPDIR/none"
	[[ $(sed -n 1p <<<"$stderr") == *'realpath('*'No such file or directory' ]]
	run -0 "$MINI" --help
	assert_output --partial "Usage: 07-mini"
	assert_host_unchanged
}

@test "07m.6 a rootfs whose /proc is a symlink out, or that has no /dev, is refused (125); nothing is made in it" {
	need_root
	local bad=$BATS_TEST_TMPDIR/bad-rootfs
	cp -a "$ROOTFS" "$bad"
	rmdir "$bad/proc"
	ln -s /proc "$bad/proc"
	run -125 --separate-stderr "$MINI" -q "$bad" true
	[[ $(sed -n 1p <<<"$stderr") == *'error: openat2('*'"proc"'*'Too many levels of symbolic links' ]]
	[[ $(sed -n 2p <<<"$stderr") == *'hint: '*'symlink'* ]]
	rm "$bad/proc"
	mkdir "$bad/proc"
	rmdir "$bad/dev"
	run -125 --separate-stderr "$MINI" -q "$bad" true
	[[ $(sed -n 1p <<<"$stderr") == *"error: \"$bad/dev\": No such file or directory" ]]
	[[ $(sed -n 2p <<<"$stderr") == *'hint: '*'mkdir it first'* ]]
	[ ! -e "$bad/dev" ] || fail "07-mini made $bad/dev"
	rm -rf --one-file-system "$bad"
	assert_host_unchanged
}

@test "07m.7 READING.md: each function it names is defined in the file it links to; each file and README it links to exists" {
	local dir=$NSLAB_ROOT/07-full-container page name file n=0
	page=$dir/READING.md
	# [`name()`](file.c): a definition of name in file.c - a line that
	# starts with its type and has "name(" without ending in ";".
	while read -r name file; do
		n=$((n + 1))
		[ -f "$dir/$file" ] || fail "READING.md: $file (for $name()) does not exist"
		grep -E "^[A-Za-z_][A-Za-z0-9_ *]*[ *]$name\\(" "$dir/$file" | grep -qv ';[[:space:]]*$' ||
			fail "READING.md: $name() is not defined in $file any more"
	done < <(grep -oE '\[`[a-z_0-9]+\(\)`\]\([^)#]+' "$page" | sed -E 's/^\[`([a-z_0-9]+)\(\)`\]\(/\1 /')
	[ "$n" -ge 8 ] || fail "READING.md links only $n functions"
	# Every other link: the file or folder README is there.
	while read -r file; do
		[ -e "$dir/$file" ] || fail "READING.md links to $file, which does not exist"
	done < <(grep -oE '\]\([^)#]+' "$page" | cut -c3-)
}

@test "07m.8 the folders: each subfolder of 07 has a README, and includes only what its 'May include:' line allows - never the run's core at the top" {
	local top=$NSLAB_ROOT/07-full-container d f inc allowed ok a path n=0
	for d in "$top"/*/; do
		d=${d%/}
		[ -f "$d/README.md" ] || fail "${d#"$top"/}/ has no README.md"
		allowed=$(sed -n 's/^May include: //p' "$d/README.md" | tr -d '`')
		[ -n "$allowed" ] || fail "${d#"$top"/}/README.md has no 'May include:' line"
		for f in "$d"/*.[ch]; do
			n=$((n + 1))
			while read -r inc; do
				ok=
				if [ -f "$d/$inc" ] && [[ $inc != */* ]]; then
					ok=1 # a file of this folder
				elif [[ $inc != */* ]] && [ -f "$NSLAB_ROOT/common/$inc" ]; then
					[[ " $allowed " != *" common/ "* ]] || ok=1
				elif [[ $inc != */* ]] && [ -f "$NSLAB_BIN/gen/$inc" ]; then
					# generated at build time (oci/syscalls.sh)
					[[ " $allowed " != *" bin/gen/ "* ]] || ok=1
				else
					path=$(realpath -m "$d/$inc")
					for a in $allowed; do
						[ "$a" != common/ ] || continue
						a=$(realpath -m "$d/$a")
						[[ $path != "$a" && $path != "$a"/* ]] || ok=1
					done
				fi
				[ -n "$ok" ] || fail "${f#"$top"/} includes \"$inc\", which its README does not allow ($allowed)"
			done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
		done
	done
	[ "$n" -ge 20 ] || fail "only $n files in the subfolders"
}
