#!/usr/bin/env bash
# scripts/prereqs.sh - what a make target needs on this machine, checked
# first and installed when missing, so that `make run-01` and `make test`
# work on a fresh Debian or Ubuntu and nothing fails half-way for want of
# a tool.
#
#     scripts/prereqs.sh [--check] SET...     (the Makefile calls it first)
#
# SET is what a target does:
#   build   compile the steps: gcc, make, libc6-dev (glibc's static libc.a:
#           07 and the probes are linked -static)
#   run     build, and the demos' tools: uidmap (05), busybox-static (the
#           rootfs of 04 and 07)
#   test    run, and the checks' tools: bats, bats-support, bats-assert,
#           util-linux (unshare, nsenter, lsns, setpriv, ipcs...), script,
#           iproute2 (ip), procps (ps, pgrep), useradd, strace
#   docs    test (the transcripts run the demos and 07)
#   bench   test, and hyperfine, bubblewrap, crun, runc, podman, conmon, jq,
#           gnuplot-nox
#   vm      qemu-system-x86 (make vm-test)
#   diagrams  nodejs, npm, chromium and a CJK font (fonts-wqy-microhei),
#           then mermaid-cli from the npm registry, pinned by
#           scripts/diagrams/package-lock.json, into
#           /var/cache/nslab/diagrams (NSLAB_DIAGRAMS_DIR): the docs'
#           drawings (scripts/docs-diagrams.sh)
# Each thing is looked for where it is used (a command on PATH, a file),
# not in dpkg's records. Nothing missing: no output, status 0, a few ms.
#
# Something missing, and apt-get here: one line names the packages, and
# they are installed (apt-get as root, through sudo otherwise; `apt-get
# update` first only when the package lists are empty, or once more when
# an install fails). No apt-get: the package names for Debian/Ubuntu,
# Fedora, Arch and openSUSE, and status 2. --check or NSLAB_NO_INSTALL=1:
# the names and the command, nothing installed, status 2.
#
# Exit status: 0 all there (maybe after installing), 1 the install
# failed, 2 missing and not installed (or a usage error).
set -euo pipefail

prog=nslab
top=$(cd "$(dirname "$0")/.." && pwd)

say() { echo "$prog: $*" >&2; }

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

check_only=${NSLAB_NO_INSTALL:-0}
sets=()
while [ $# -gt 0 ]; do
	case $1 in
	--check) check_only=1 ;;
	-h | --help) usage; exit 0 ;;
	build | run | test | docs | bench | vm | diagrams) sets+=("$1") ;;
	*) say "prereqs: unknown set '$1' (build, run, test, docs, bench, vm or diagrams)"; exit 2 ;;
	esac
	shift
done
[ ${#sets[@]} -gt 0 ] || sets=(build)

# --- what each set needs ----------------------------------------------------------

# The Debian package of each missing thing, in the order found.
missing=()
want() { # want PACKAGE: PACKAGE is missing
	case " ${missing[*]-} " in *" $1 "*) ;; *) missing+=("$1") ;; esac
}
# An executable file CMD in a directory of PATH, or in /usr/sbin or /sbin
# (an ordinary user's PATH may lack them). No fork: this runs before
# every target.
have() { # have CMD
	local d
	local IFS=:
	for d in $PATH /usr/sbin /sbin; do
		[ -f "${d:-.}/$1" ] && [ -x "${d:-.}/$1" ] && return 0
	done
	return 1
}
cmds() { # cmds PACKAGE CMD...: PACKAGE is missing unless every CMD is there
	local p=$1 c
	shift
	for c in "$@"; do
		have "$c" || { want "$p"; return 0; }
	done
}
any_file() { # any_file PATH...: one of them exists (globs expanded by the caller)
	local f
	for f in "$@"; do [ -e "$f" ] && return 0; done
	return 1
}

# Where tests/helpers.bash looks for bats-support and bats-assert.
bats_lib() { # bats_lib NAME
	local d
	for d in /usr/lib/bats /usr/local/lib/bats /usr/lib/node_modules "${BATS_LIB_PATH:-}"; do
		[ -n "$d" ] && [ -f "$d/$1/load.bash" ] && return 0
	done
	return 1
}

# The rootfs (scripts/mkrootfs.sh) wants a static busybox; once rootfs/
# is built it needs nothing more.
static_busybox() {
	local c out
	[ ! -f "$top/rootfs/.nslab-rootfs" ] || return 0
	for c in /bin/busybox /usr/bin/busybox /sbin/busybox /usr/sbin/busybox; do
		[ -x "$c" ] || continue
		out=$(LC_ALL=C ldd "$c" 2>&1 || true)
		case $out in *'not a dynamic executable'* | *'statically linked'*) return 0 ;; esac
	done
	return 1
}

need_build() {
	cmds gcc gcc
	cmds make make
	any_file /usr/include/stdio.h || want libc6-dev
	# shellcheck disable=SC2206 # a glob, on purpose
	local libc=(/usr/lib/*-linux-gnu*/libc.a /usr/lib64/libc.a /usr/lib/libc.a)
	any_file "${libc[@]}" || want libc6-dev
}
need_run() {
	need_build
	cmds uidmap newuidmap newgidmap
	static_busybox || want busybox-static
}
need_test() {
	need_run
	cmds bats bats
	bats_lib bats-support || want bats-support
	bats_lib bats-assert || want bats-assert
	cmds util-linux unshare nsenter lsns setpriv setsid mountpoint flock ipcs ipcmk ipcrm
	cmds bsdutils script
	cmds iproute2 ip
	cmds procps ps pgrep
	cmds passwd useradd usermod
	cmds strace strace
}
need_bench() {
	need_test
	cmds hyperfine hyperfine
	cmds bubblewrap bwrap
	cmds crun crun
	cmds runc runc
	cmds podman podman
	cmds conmon conmon
	cmds jq jq
	cmds gnuplot-nox gnuplot
}
need_vm() {
	cmds qemu-system-x86 qemu-system-x86_64
}
need_diagrams() {
	cmds nodejs node
	cmds npm npm
	have chromium || have chromium-browser || want chromium
	any_file /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || want fonts-wqy-microhei
}

# mermaid-cli is no distribution's package: npm installs the version the
# lock file pins (its browser is chromium's, so none is downloaded).
diagrams_dir=${NSLAB_DIAGRAMS_DIR:-/var/cache/nslab/diagrams}
mermaid_missing() {
	[ -x "$diagrams_dir/node_modules/.bin/mmdc" ] &&
		cmp -s "$top/scripts/diagrams/package-lock.json" "$diagrams_dir/package-lock.json" &&
		return 1
	return 0
}
npm_step() { # install mermaid-cli when "diagrams" is asked for and it is not there
	case " ${sets[*]} " in *" diagrams "*) ;; *) return 0 ;; esac
	mermaid_missing || return 0
	if [ "$check_only" = 1 ]; then
		say "missing: mermaid-cli in $diagrams_dir (NSLAB_NO_INSTALL=1: not installing). To install it:"
		echo "    mkdir -p $diagrams_dir && cp scripts/diagrams/package*.json $diagrams_dir && cd $diagrams_dir && PUPPETEER_SKIP_DOWNLOAD=1 npm ci" >&2
		return 2
	fi
	say "installing mermaid-cli into $diagrams_dir (npm ci)"
	local out=''
	if ! mkdir -p "$diagrams_dir" ||
		! cp "$top"/scripts/diagrams/package.json "$top"/scripts/diagrams/package-lock.json "$diagrams_dir"/ ||
		! out=$(cd "$diagrams_dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund 2>&1 </dev/null); then
		say "npm ci in $diagrams_dir failed:"
		tail -n 5 <<<"$out" >&2
		return 1
	fi
}

check() {
	local s
	missing=()
	for s in "${sets[@]}"; do
		case $s in
		build) need_build ;;
		run) need_run ;;
		test | docs) need_test ;;
		bench) need_bench ;;
		vm) need_vm ;;
		diagrams) need_diagrams ;;
		esac
	done
}

check
if [ ${#missing[@]} -eq 0 ]; then
	npm_step
	exit
fi

# --- without apt-get: the names elsewhere ------------------------------------------

# Debian's name -> Fedora (dnf), Arch (pacman), openSUSE (zypper); "-"
# where the distribution has no package (bats-support and bats-assert:
# their git repositories, below).
other_names() { # other_names PACKAGE -> "fedora arch suse"
	case $1 in
	libc6-dev) echo "glibc-devel,glibc-static glibc glibc-devel,glibc-devel-static" ;;
	uidmap) echo "shadow-utils shadow shadow" ;;
	busybox-static) echo "busybox busybox busybox" ;;
	bats) echo "bats bash-bats bats" ;;
	bats-support) echo "- bash-bats-support -" ;;
	bats-assert) echo "- bash-bats-assert -" ;;
	bsdutils) echo "util-linux-script util-linux util-linux" ;;
	iproute2) echo "iproute iproute2 iproute2" ;;
	procps) echo "procps-ng procps-ng procps" ;;
	passwd) echo "shadow-utils shadow shadow" ;;
	bubblewrap) echo "bubblewrap bubblewrap bubblewrap" ;;
	gnuplot-nox) echo "gnuplot gnuplot gnuplot" ;;
	qemu-system-x86) echo "qemu-system-x86 qemu-system-x86 qemu-x86" ;;
	fonts-wqy-microhei) echo "wqy-microhei-fonts wqy-microhei wqy-microhei-fonts" ;;
	*) echo "$1 $1 $1" ;;
	esac
}

print_names() {
	local p f a s fedora=() arch=() suse=() git=()
	for p in "${missing[@]}"; do
		read -r f a s <<<"$(other_names "$p")"
		[ "$f" = - ] || fedora+=("${f//,/ }")
		[ "$a" = - ] || arch+=("${a//,/ }")
		[ "$s" = - ] || suse+=("${s//,/ }")
		[ "$f" != - ] || git+=("$p")
	done
	echo "    Debian, Ubuntu:  sudo apt-get install ${missing[*]}" >&2
	[ ${#fedora[@]} -eq 0 ] || echo "    Fedora:          sudo dnf install ${fedora[*]}" >&2
	[ ${#arch[@]} -eq 0 ] || echo "    Arch:            sudo pacman -S ${arch[*]}" >&2
	[ ${#suse[@]} -eq 0 ] || echo "    openSUSE:        sudo zypper install ${suse[*]}" >&2
	for p in "${git[@]}"; do
		echo "    $p, where no package has it:  sudo git clone https://github.com/bats-core/$p /usr/local/lib/bats/$p" >&2
	done
}

if [ "$check_only" = 1 ]; then
	say "missing: ${missing[*]} (NSLAB_NO_INSTALL=1: not installing). To install them:"
	print_names
	exit 2
fi
if ! have apt-get; then
	say "missing: ${missing[*]} (Debian's names); no apt-get here to install them. Install them, then run make again:"
	print_names
	exit 2
fi

# --- with apt-get: install ---------------------------------------------------------

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	if ! have sudo; then
		say "missing: ${missing[*]}; not root and no sudo. As root, run:"
		print_names
		exit 2
	fi
	as_root=(sudo)
fi

log=$(mktemp "${TMPDIR:-/tmp}/nslab-prereqs.XXXXXX")
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

apt() { # apt ARGS...: apt-get, quiet, waiting for another apt to finish
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=300 "$@" >>"$log" 2>&1 </dev/null
}
lists_empty() {
	! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

say "installing ${missing[*]} (apt-get${as_root[*]:+ through sudo})"
updated=0
if lists_empty; then
	apt update || { say "apt-get update failed:"; tail -n 5 "$log" >&2; exit 1; }
	updated=1
fi
if ! apt install -y --no-install-recommends "${missing[@]}"; then
	# Old package lists name versions the archive no longer has: once more.
	if [ "$updated" = 1 ] || ! apt update || ! apt install -y --no-install-recommends "${missing[@]}"; then
		say "apt-get install ${missing[*]} failed:"
		tail -n 5 "$log" >&2
		exit 1
	fi
fi
hash -r
wanted=("${missing[@]}")
check
if [ ${#missing[@]} -gt 0 ]; then
	say "installed ${wanted[*]}, but still missing: ${missing[*]}"
	exit 1
fi
npm_step
