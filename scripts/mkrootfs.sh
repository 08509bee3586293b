#!/usr/bin/env bash
# scripts/mkrootfs.sh - assemble the small root filesystem the demos run in.
#
#     scripts/mkrootfs.sh [--from SOURCE] [--force] [DIR]      (make rootfs)
#
# DIR (default: rootfs/ at the top of the repository) gets busybox and its
# applet links, /etc/passwd, /etc/group, /etc/hostname, and the empty
# directories a container mounts on: /proc /sys /dev /tmp /mnt.
#
# busybox comes from the first of these that works, and the script says
# which one it used:
#   1. BUSYBOX=/path/to/busybox        (must be statically linked)
#   2. a static busybox already on this machine (Debian: busybox-static)
#   3. Debian's busybox-static package, fetched with `apt-get download` and
#      unpacked with `dpkg-deb -x`: no root needed, nothing installed
#   4. no busybox at all: copies of this machine's own sh, ls, ps, cat,
#      mount, id, hostname (and a few more) with the libraries ldd names
# Everything but step 3 works offline.
#
# --from static|apt|host (or ROOTFS_FROM=...) tries only that source; use
# it to test a fallback. The finished tree carries a stamp, so a second run
# returns at once; --force rebuilds. The tree is built beside DIR and moved
# into place when complete, so an interrupted run leaves no half rootfs.
set -euo pipefail

prog=mkrootfs
top=$(cd "$(dirname "$0")/.." && pwd)
stamp_name=.nslab-rootfs

say() { echo "$prog: $*"; }
die() { echo "$prog: $*" >&2; exit 1; }

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

from=${ROOTFS_FROM:-}
force=0
dir=
while [ $# -gt 0 ]; do
	case $1 in
	--from) [ $# -ge 2 ] || die "--from needs an argument"; from=$2; shift 2 ;;
	--from=*) from=${1#--from=}; shift ;;
	-f | --force) force=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option '$1' (try --help)" ;;
	*) [ -z "$dir" ] || die "one DIR only (try --help)"; dir=$1; shift ;;
	esac
done
if [ $# -gt 0 ]; then
	if [ -n "$dir" ] || [ $# -ne 1 ]; then
		die "one DIR only (try --help)"
	fi
	dir=$1
fi
case $from in
'' | static | apt | host) ;;
*) die "--from must be static, apt or host, not '$from'" ;;
esac
dir=${dir:-$top/rootfs}
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}

# The kind of source a stamp records, and the one this run asks for.
wanted=$from
[ -n "${BUSYBOX:-}" ] && wanted=busybox-env

stamp_from() { sed -n 's/^from=//p' "$1/$stamp_name" 2>/dev/null; }

is_built() { # is_built DIR: stamped, with a shell in it
	[ -f "$1/$stamp_name" ] && [ -x "$1/bin/sh" ]
}

if is_built "$dir" && [ "$force" -eq 0 ]; then
	have=$(stamp_from "$dir")
	if [ -z "$wanted" ] || [ "$wanted" = "$have" ]; then
		say "$dir is already built (from $have); --force rebuilds it"
		exit 0
	fi
	say "$dir was built from $have; rebuilding from $wanted"
fi
if [ -e "$dir" ] && ! [ -f "$dir/$stamp_name" ]; then
	if [ ! -d "$dir" ] || [ -n "$(ls -A "$dir")" ]; then
		die "$dir exists and was not made by $prog: remove it or name another DIR"
	fi
fi

# Nothing may be mounted under DIR when it is replaced: rm would descend
# into the mount (a stray /proc, say) and delete what lies there.
mounted_under() { # mounted_under DIR: print mount points at or below DIR
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

work=
cleanup() {
	if [ -n "$work" ] && [ -d "$work" ]; then
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$(dirname "$dir")"
work=$(mktemp -d "$dir.new.XXXXXX")
new=$work/root
mkdir "$new"

# --- where busybox comes from -------------------------------------------------

is_static() { # is_static FILE: an executable that needs no shared libraries
	[ -x "$1" ] || return 1
	if command -v ldd >/dev/null 2>&1; then
		# ldd fails on a static binary: read its words, not its status.
		local out
		out=$(LC_ALL=C ldd "$1" 2>&1 || true)
		grep -Eq 'not a dynamic executable|statically linked' <<<"$out"
	else
		# Without ldd, trust a binary that runs at all.
		"$1" true >/dev/null 2>&1
	fi
}

works_as_busybox() { # works_as_busybox FILE
	"$1" --list 2>/dev/null | grep -qx sh
}

host_busybox() {
	local c
	for c in "$(command -v busybox 2>/dev/null || true)" /bin/busybox /usr/bin/busybox \
		/sbin/busybox /usr/sbin/busybox; do
		if [ -n "$c" ] && is_static "$c" && works_as_busybox "$c"; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# apt-get download fetches the .deb into the current directory, as any
# user; dpkg-deb -x unpacks it without running any package script.
apt_busybox() {
	command -v apt-get >/dev/null 2>&1 || return 1
	command -v dpkg-deb >/dev/null 2>&1 || return 1
	mkdir "$work/apt"
	if ! (cd "$work/apt" && apt-get download -q -o Acquire::Retries=0 \
		-o Acquire::http::Timeout=20 busybox-static) >"$work/apt.log" 2>&1; then
		say "apt-get download busybox-static failed:" >&2
		sed 's/^/    /' "$work/apt.log" >&2
		return 1
	fi
	dpkg-deb -x "$work"/apt/busybox-static_*.deb "$work/apt/x" || return 1
	works_as_busybox "$work/apt/x/bin/busybox" || return 1
	echo "$work/apt/x/bin/busybox"
}

# Every applet becomes a relative symlink, so it resolves inside the rootfs
# whatever its path on the host: bin/ls -> busybox, usr/bin/env ->
# ../../bin/busybox.
install_busybox() { # install_busybox BUSYBOX
	local applet up n=0
	mkdir -p "$new/bin" "$new/sbin" "$new/usr/bin" "$new/usr/sbin"
	cp "$1" "$new/bin/busybox"
	chmod 755 "$new/bin/busybox"
	while read -r applet; do
		case $applet in
		*/*) ;;
		*) applet=bin/$applet ;; # an old busybox without --list-full
		esac
		[ "$applet" = bin/busybox ] && continue
		up=$(dirname "$applet" | sed 's|[^/][^/]*|..|g')
		ln -sf "$up/bin/busybox" "$new/$applet"
		n=$((n + 1))
	done < <("$1" --list-full 2>/dev/null || "$1" --list)
	say "installed busybox with $n applet links"
}

# The last resort: this machine's own programs, and the shared libraries
# ldd says they load, each copied to the same path inside the rootfs.
host_tools=(sh ls ps cat mount umount id hostname mkdir readlink uname echo true)

copy_host_tools() {
	local t path lib
	mkdir -p "$new/bin"
	for t in "${host_tools[@]}"; do
		path=$(type -P "$t") || { say "no $t on this machine, skipped" >&2; continue; }
		cp -L "$path" "$new/bin/$t"
		# "libc.so.6 => /lib/.../libc.so.6 (0x...)" and
		# "/lib64/ld-linux-x86-64.so.2 (0x...)": the path is the one
		# field that starts with a slash.
		{ LC_ALL=C ldd "$path" 2>/dev/null || true; } |
			awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
	done | sort -u | while read -r lib; do
		mkdir -p "$new$(dirname "$lib")"
		cp -L "$lib" "$new$lib"
	done
	[ -x "$new/bin/sh" ] || return 1
	say "copied ${host_tools[*]} from this machine, with $(find "$new" -name '*.so*' | wc -l) libraries"
}

source_used=
try() { # try KIND: put busybox (or the host's tools) into $new
	local bb
	case $1 in
	busybox-env)
		if ! is_static "$BUSYBOX" || ! works_as_busybox "$BUSYBOX"; then
			die "BUSYBOX=$BUSYBOX is not a statically linked busybox"
		fi
		say "using BUSYBOX=$BUSYBOX"
		install_busybox "$BUSYBOX" ;;
	static)
		bb=$(host_busybox) || return 1
		say "using the static busybox at $bb"
		install_busybox "$bb" ;;
	apt)
		bb=$(apt_busybox) || return 1
		say "using Debian's busybox-static $(dpkg-deb -f "$work"/apt/*.deb Version), fetched with apt-get download"
		install_busybox "$bb" ;;
	host)
		command -v ldd >/dev/null 2>&1 || { say "no ldd: cannot copy this machine's tools" >&2; return 1; }
		say "no busybox: copying this machine's own tools instead"
		copy_host_tools || return 1 ;;
	esac
	source_used=$1
}

if [ -n "${BUSYBOX:-}" ]; then
	try busybox-env
elif [ -n "$from" ]; then
	try "$from" || die "--from $from did not work here"
else
	try static || try apt || try host || true
fi
if [ -z "$source_used" ]; then
	die "no busybox and no way to get one. Install one of:
    apt-get install busybox-static        (then run this again)
    apt-get update                        (if apt-get download found no package)
or pass a static busybox: BUSYBOX=/path/to/busybox $0"
fi

# --- the rest of a root filesystem --------------------------------------------

mkdir -p "$new"/{etc,proc,sys,dev,tmp,mnt,root}
chmod 1777 "$new/tmp"
chmod 700 "$new/root"
cat >"$new/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$new/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo nslab >"$new/etc/hostname"
printf 'from=%s\n' "$source_used" >"$new/$stamp_name"
chmod 755 "$new"

# --- into place ---------------------------------------------------------------

# Another run may have finished first: keep its tree.
if is_built "$dir" && [ "$force" -eq 0 ] && [ "$(stamp_from "$dir")" = "$source_used" ]; then
	say "$dir was built meanwhile by another run; keeping it"
	exit 0
fi
if [ -e "$dir" ]; then
	if [ -n "$(mounted_under "$dir")" ]; then
		die "something is mounted under $dir ($(mounted_under "$dir" | head -n 1)): umount it first"
	fi
	mv "$dir" "$work/old"
fi
mv "$new" "$dir"
say "built $dir from $source_used ($(du -sh "$dir" | cut -f1))"
