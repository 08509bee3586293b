#!/usr/bin/env bash
# scripts/fresh-machine.sh - prove that the README's two commands do all
# the set-up on a fresh Debian: a minimal Debian 12 (debootstrap
# --variant=minbase) with git, make and gcc and nothing else, a clone of
# this repository's HEAD in it, then, as root there,
#     make run-01
#     make test          (must end "N passed, 0 failed")
# The project's own prerequisite step (scripts/prereqs.sh) must install
# everything else.
#
#     scripts/fresh-machine.sh [--worktree]         (make fresh-test; root)
#
#   --worktree   the working tree as it is, uncommitted changes included,
#                instead of HEAD (to try a change before it is committed)
#
# The base system is cached as a tarball (NSLAB_CACHE, default
# /var/cache/nslab): each run unpacks a fresh copy of it, so the
# prerequisites are installed every time. The mirror is the one this
# machine's apt sources name for bookworm (NSLAB_MIRROR overrides).
#
# The machine is a chroot made more faithful: a tmpfs of its own as /
# (pivot_root, not chroot: mountinfo's paths and a chroot escape behave
# as on a real machine), with /proc, /sys (the host's cgroups below it),
# /dev, /dev/pts, /run and /tmp, in new mount, IPC and UTS namespaces
# (unshare --propagation private: nothing reaches the host's mounts even
# when its root mount is shared). When it ends, on failure or Ctrl-C too,
# what it left running is ended, and its mounts go with it. It prints
# the time of each stage; its last line is the machine's count line.
# Exit status: that of make test (0: nothing failed), 1 a stage failed,
# 2 usage or not root.
set -euo pipefail

prog=fresh-machine
say() { echo "$prog: $*"; }
die() { echo "$prog: $*" >&2; exit 1; }

top=$(cd "$(dirname "$0")/.." && pwd)
suite=bookworm
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
cache=${NSLAB_CACHE:-/var/cache/nslab}
base=$cache/debian-$suite-$arch-minbase-git-make-gcc.tar

# --- inside namespaces of its own: the machine and the two commands ------------------

# In new mount, IPC and UTS namespaces: the machine's mounts are its own
# and end with its last process; its IPC objects too (other runs on this
# host cannot change what its checks compare). Its processes, network
# and cgroups are the host's: a PID namespace would hide kthreadd, which
# bad-input.bats names; apt needs the network, 07's limits the cgroups.
if [ "${1:-}" = --inside ]; then
	root=$2 base=$3 repo=$4 worktree=$5 mark=$6
	# For the host's cleanup: this mount namespace.
	readlink /proc/self/ns/mnt >"$root.mntns"
	t=$SECONDS
	# A filesystem of its own as /, as on a real machine: mountinfo
	# shows paths from it, and a chroot escape (04 --chroot) climbs to
	# it, not to the host's /.
	mount -t tmpfs -o mode=755 tmpfs "$root"
	tar --numeric-owner -C "$root" -xf "$base"
	for c in git make gcc; do
		[ -x "$root/usr/bin/$c" ] || { say "the cached base has no $c: remove $base"; exit 1; }
	done
	# The clone, from this machine's repository, as `git clone` makes it.
	git clone -q "$repo" "$root/root/nslab"
	if [ "$worktree" = 1 ]; then
		say "with the working tree's uncommitted changes"
		git -C "$repo" ls-files -z -c -o --exclude-standard |
			tar -C "$repo" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$root/root/nslab" -xf -
	fi
	say "a fresh copy of the base, and $(git -C "$root/root/nslab" log -1 --format='%h %s' | cut -c1-50) cloned: $((SECONDS - t)) s"
	mount -t proc proc "$root/proc"
	# /sys with the host's cgroup mounts below it, which the checks of
	# 07's limits use; rslave: nothing made here reaches the host's.
	mount --rbind /sys "$root/sys"
	mount --make-rslave "$root/sys"
	mount --rbind /dev "$root/dev"
	mount --make-rslave "$root/dev"
	if mountpoint -q "$root/dev/mqueue"; then
		mount -t mqueue mqueue "$root/dev/mqueue"
	fi
	mount -t tmpfs -o mode=755 tmpfs "$root/run"
	mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	# The copy becomes / (pivot_root, then the old / unmounted): the
	# machine sees nothing of the host's files.
	cd "$root"
	mkdir .old
	pivot_root . .old
	cd /
	umount -l /.old
	rmdir /.old
	# As root, from a login-like environment, the README's two commands.
	# MARK=1 in the environment of everything it starts: the host's
	# cleanup ends what is left by it.
	exec /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 "$mark=1" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c '
		say() { echo "fresh-machine: $*"; }
		cd /root/nslab
		t=$SECONDS
		say "# make run-01"
		make run-01 </dev/null || { say "make run-01 failed"; exit 1; }
		say "make run-01 took $((SECONDS - t)) s (with the build'"'"'s prerequisites)"
		t=$SECONDS
		say "# make test"
		rc=0
		make test </dev/null || rc=$?
		say "make test took $((SECONDS - t)) s (with the checks'"'"' prerequisites)"
		exit "$rc"'
fi

# --- on the host -----------------------------------------------------------------------

worktree=0
case ${1:-} in
'') ;;
--worktree) worktree=1 ;;
-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
*) echo "$prog: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "$prog: needs root (debootstrap, chroot, mounts): sudo make fresh-test" >&2; exit 2; }
for c in debootstrap unshare chroot git tar; do
	command -v "$c" >/dev/null || die "needs $c (Debian: apt-get install debootstrap util-linux git)"
done

# The archive this machine's apt uses for bookworm: one-line sources
# ("deb URI bookworm main") and deb822 ones ("URIs:" with "Suites:").
mirror_of_host() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk -v s="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i == s) { u = $(i - 1); sub(/\[.*\]/, "", u); print u; exit } }'
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$suite" 'BEGIN { RS = "" } {
			u = ""; ok = 0
			n = split($0, l, "\n")
			for (i = 1; i <= n; i++) {
				if (l[i] ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", l[i]); split(l[i], w, " "); u = w[1] }
				if (l[i] ~ /^Suites:/) { m = split(l[i], w, " "); for (j = 2; j <= m; j++) if (w[j] == s) ok = 1 }
			}
			if (ok && u != "") { print u; exit }
		}' "$f"
	done
}
mirror=${NSLAB_MIRROR:-$(mirror_of_host | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}

work='' mark=''
# What the machine left running: processes in its mount namespace or with
# its mark in their environment (a demo that made a mount namespace of its
# own still has the mark; a container's command dies with its runtime),
# SIGTERM, then SIGKILL. Its mounts go with the last of them; then the
# directory its / was mounted on is removed, once nothing is mounted
# there on the host (nothing ever is).
# shellcheck disable=SC2317 # run by the trap
left_by_machine() {
	local ns p
	ns=$(cat "$work/root.mntns" 2>/dev/null || true)
	{
		grep -lzx -- "$mark=1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
		if [ -n "$ns" ]; then
			for p in /proc/[0-9]*; do
				[ "$(readlink "$p/ns/mnt" 2>/dev/null)" != "$ns" ] || echo "${p#/proc/}"
			done
		fi
	} | sort -u
}
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	set +e
	[ -n "$work" ] || return 0
	local pids _
	for _ in 1 2 3; do
		pids=$(left_by_machine)
		[ -n "$pids" ] || break
		say "ending what the machine left running: $(echo "$pids" | paste -sd' ')"
		# shellcheck disable=SC2086 # pids, one word each
		kill -TERM $pids 2>/dev/null
		sleep 2
		# shellcheck disable=SC2046 # pids, one word each
		kill -KILL $(left_by_machine) 2>/dev/null
	done
	if awk -v d="$work" 'index($5, d) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
		say "something is still mounted under $work on the host: not removing it"
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

work=$(mktemp -d /var/tmp/nslab-fresh.XXXXXX)
mark=NSLAB_FRESH_${work##*.}
start=$SECONDS

# The base: debootstrap once, into the cache. It mounts /proc and /sys in
# its target itself: it runs in a private mount namespace too.
if [ ! -s "$base" ]; then
	say "debootstrap --variant=minbase --include=git,make,gcc $suite from $mirror (cached in $base)"
	mkdir -p "$cache" "$work/base"
	t=$SECONDS
	if ! unshare -m --propagation private debootstrap --variant=minbase --include=git,make,gcc \
		"$suite" "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1; then
		tail -n 20 "$work/debootstrap.log" >&2
		die "debootstrap failed (log above)"
	fi
	rm -rf "$work/base/var/cache/apt/archives/"*.deb
	tar --numeric-owner --xattrs -C "$work/base" -cf "$base.part" .
	mv "$base.part" "$base"
	rm -rf --one-file-system "$work/base"
	say "debootstrap took $((SECONDS - t)) s ($(du -h "$base" | cut -f1))"
fi

root=$work/root
mkdir "$root"
log=$work/log
rc=0
unshare --mount --propagation private --ipc --uts \
	"$top/scripts/fresh-machine.sh" --inside "$root" "$base" "$top" "$worktree" "$mark" 2>&1 | tee "$log" || rc=$?
say "all of it took $((SECONDS - start)) s"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
[ -n "$line" ] || { say "make test gave no count line"; echo "0 passed, 1 failed"; exit 1; }
echo "$line"
exit "$rc"
