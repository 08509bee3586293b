#!/usr/bin/env bash
# tests/vm/vm-test.sh - the lab checks on Debian's stock kernel, in a VM.
#
#     tests/vm/vm-test.sh [FILE.bats...]                       (make vm-test)
#
# The checks of cgroups, networks and user namespaces depend on the kernel
# and on how the host lays out its cgroups. This boots Debian 12's own
# kernel (linux-image-amd64) in QEMU with cgroup v2 alone, lays the
# cgroups out as systemd does on a Debian or Ubuntu machine, and runs the
# checks twice: as root from a login's session scope (a user who ran
# sudo), then as user 1000 from a delegated scope of its own (what
# `systemd-run --user --scope -p Delegate=yes` gives). It ends with one
# line for both runs:
#     N passed, N failed, N skipped
# and exits non-zero when a check failed, a run did not report, or the
# VM ran out of time.
#
# The files: FILE.bats... (make vm-test VM_TESTS='tests/05-user.bats'),
# else tests/07-full-container.bats, 07-cgroups, 07-network, security,
# 05-user, 07-oci and 07-podman (where this machine has podman). With
# NSLAB_VM_SUITE=full root runs every tests/*.bats (the user run keeps
# the files above).
#
# Nothing is installed on this machine but QEMU (apt-get, as root, when
# qemu-system-x86_64 is missing). The kernel and the few packages the VM
# needs and this machine may lack (busybox-static, bats, bats-support,
# bats-assert, uidmap) are fetched with `apt-get download` into a cache,
# NSLAB_VM_CACHE (~/.cache/nslab/vm), and unpacked there with dpkg-deb:
# a second run needs no network. Everything else in the VM - bash,
# util-linux, iproute2, gcc for the probes - is this machine's own,
# copied with the libraries ldd names. The build is in a temp directory,
# removed at the end; the log of the last run stays in the cache
# (last.log). `make all rootfs` must have run (make vm-test does that).
#
# Settings (environment):
#   NSLAB_VM_ACCEL    tcg (default), kvm, or auto: kvm where /dev/kvm is
#                     usable and the VM reaches its /init within 30 s,
#                     else tcg. Some nested KVMs (kvm_pvm) cannot boot a
#                     stock kernel: it aborts or hangs, so tcg is the default.
#   NSLAB_VM_TIMEOUT  seconds before the VM is stopped (2700; full: 7200).
#                     Software emulation is slow, and slower still while
#                     CI's lab-verify keeps both cores busy: 1800 was
#                     crossed in 07o.9 once 07-oci had 13 checks.
#                     Under emulation a check costs 2-15 s: the default
#                     files take about 12 minutes.
#   NSLAB_VM_MEM      MB of memory (2048)
#   NSLAB_VM_EXEC     a bash command to run as root in the VM instead of
#                     the checks, to look into the VM itself (there is no
#                     shell to type into): NSLAB_VM_EXEC='ls -l /dev'
set -euo pipefail

prog=vm-test
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${NSLAB_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nslab/vm}
suite=${NSLAB_VM_SUITE:-}
accel=${NSLAB_VM_ACCEL:-tcg}
mem=${NSLAB_VM_MEM:-2048}
limit=${NSLAB_VM_TIMEOUT:-$([ "$suite" = full ] && echo 7200 || echo 2700)}
# Where the project lies inside the VM. The checks find everything
# relative to their own directory, so any path does.
vm_top=/nslab

say() { echo "$prog: $*"; }
die() { echo "$prog: $*" >&2; exit 1; }

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

case ${1:-} in -h | --help) usage; exit 0 ;; esac
case $accel in tcg | kvm | auto) ;; *) die "NSLAB_VM_ACCEL must be tcg, kvm or auto, not '$accel'" ;; esac
case $suite in '' | full) ;; *) die "NSLAB_VM_SUITE must be empty or full, not '$suite'" ;; esac

cd "$top"
user_tests=("$@")
if [ ${#user_tests[@]} -eq 0 ]; then
	user_tests=(tests/07-full-container.bats tests/07-cgroups.bats tests/07-network.bats
		tests/security.bats tests/05-user.bats tests/07-oci.bats tests/07-podman.bats)
fi
for f in "${user_tests[@]}"; do
	[ -f "$f" ] || die "no such file of checks: $f"
	case $f in tests/*.bats) ;; *) die "$f: name a file as tests/NAME.bats" ;; esac
done
root_tests=("${user_tests[@]}")
[ "$suite" != full ] || root_tests=(tests/*.bats)

[ -x bin/07-full-container ] || die "bin/ is not built: run 'make all' first"
[ -x rootfs/bin/sh ] || die "rootfs/bin/sh is missing: run 'make rootfs' first"
for t in apt-get apt-cache dpkg-deb gzip ldd timeout; do
	command -v "$t" >/dev/null 2>&1 || die "needs $t (a Debian or Ubuntu machine)"
done

work=
qemu_pid=
cleanup() {
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill -KILL "$qemu_pid" 2>/dev/null || true
	fi
	if [ -n "$work" ] && [ -d "$work" ]; then
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_start=$(date +%s)

# --- QEMU --------------------------------------------------------------------

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] || die "qemu-system-x86_64 is missing: sudo apt-get install --no-install-recommends qemu-system-x86"
	say "installing qemu-system-x86 (apt-get)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86 >/dev/null ||
		die "apt-get install qemu-system-x86 failed"
fi

# --- the kernel and the packages, cached -------------------------------------

mkdir -p "$cache/debs"

# fetch PACKAGE: the .deb in the cache, downloaded once; prints its path.
fetch() {
	local deb
	deb=$(find "$cache/debs" -maxdepth 1 -name "$1_*.deb" | sort -V | tail -n 1)
	if [ -z "$deb" ]; then
		say "apt-get download $1" >&2
		(cd "$cache/debs" && apt-get download -q -o Acquire::Retries=1 "$1") >"$cache/apt.log" 2>&1 ||
			die "apt-get download $1 failed (apt-get update may help): $(tail -n 1 "$cache/apt.log")"
		deb=$(find "$cache/debs" -maxdepth 1 -name "$1_*.deb" | sort -V | tail -n 1)
	fi
	[ -n "$deb" ] || die "apt-get download $1 left no .deb in $cache/debs"
	echo "$deb"
}

# unpacked PACKAGE: the package unpacked in the cache (no package script
# runs); prints the directory.
unpacked() {
	local deb dir
	deb=$(fetch "$1")
	dir=$cache/x/$(basename "$deb" .deb)
	if [ ! -f "$dir/.unpacked" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}

# linux-image-amd64 depends on the current linux-image-6.1.0-NN-amd64.
# Without apt's lists (offline, or not Debian 12), the newest one cached.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
if [ -z "$kpkg" ]; then
	kpkg=$(find "$cache/debs" -maxdepth 1 -name 'linux-image-[0-9]*.deb' -printf '%f\n' | sort -V | tail -n 1 | cut -d_ -f1)
	[ -n "$kpkg" ] || die "apt-cache knows no linux-image-amd64 and none is cached: apt-get update (Debian 12)"
fi
# Of its 400 MB unpacked, the VM needs vmlinuz and three modules: veth
# for 07's --net veth, overlay for its rootfs, dummy for the VM's eth0
# (plain .ko files, none with dependencies).
kmods=(drivers/net/veth.ko fs/overlayfs/overlay.ko drivers/net/dummy.ko)
kdeb=$(fetch "$kpkg")
kdir=$cache/x/$(basename "$kdeb" .deb)
kmods_in() { # kmods_in DIR: every module of kmods is there
	local m
	for m in "${kmods[@]}"; do
		[ -f "$(echo "$1"/lib/modules/*/kernel/"$m")" ] || return 1
	done
}
if [ ! -f "$kdir/.unpacked" ] || ! kmods_in "$kdir"; then
	rm -rf "$kdir"
	mkdir -p "$kdir"
	dpkg-deb --fsys-tarfile "$kdeb" | tar -C "$kdir" -x --wildcards './boot/vmlinuz-*' \
		"${kmods[@]/#/./lib/modules/*/kernel/}" || die "$kdeb has no vmlinuz, veth.ko or overlay.ko"
	touch "$kdir/.unpacked"
fi
vmlinuz=$(find "$kdir/boot" -name 'vmlinuz-*' | head -n 1)
[ -n "$vmlinuz" ] || die "$kpkg has no boot/vmlinuz-*"
kver=${vmlinuz##*/vmlinuz-}
say "kernel: $kpkg ($kver), cached in $cache"

# --- the initramfs -------------------------------------------------------------
#
# Two gzip'd cpio archives, one after the other, as the kernel allows: the
# base - this machine's tools, gcc, Debian's packages, the accounts - made
# once and cached while nothing it is made from changes; and the project
# with /init, made each run.

work=$(mktemp -d "${TMPDIR:-/tmp}/vm-test.XXXXXX")
stage=$work/root
busybox=$(unpacked busybox-static)/bin/busybox

# cpio_gz DIR FILE: DIR as a newc archive, the kind the kernel reads
# (busybox's cpio: this machine may have none). Owners are set by /init.
cpio_gz() {
	(cd "$1" && find . -mindepth 1 | "$busybox" cpio -o -H newc 2>/dev/null) | gzip -1 >"$2"
}

# put PATH...: copy each file to the same path in the stage. A symlink is
# copied as a symlink and followed one link at a time, so chains like
# /usr/bin/cc -> /etc/alternatives/cc -> /usr/bin/gcc keep working.
declare -A real_dir
put() {
	local src dir dst t
	for src in "$@"; do
		dir=${src%/*}
		[ -n "${real_dir[$dir]:-}" ] || real_dir[$dir]=$(cd "${dir:-/}" && pwd -P)
		dir=${real_dir[$dir]}
		dst=$stage$dir/${src##*/}
		if [ -e "$dst" ] || [ -L "$dst" ]; then
			continue
		fi
		mkdir -p "$stage$dir"
		if [ -L "$src" ]; then
			cp -P "$src" "$dst"
			t=$(readlink "$src")
			case $t in /*) ;; *) t=$dir/$t ;; esac
			put "$t"
		elif [ -f "$src" ]; then
			cp -p "$src" "$dst"
		fi
	done
}

# The programs of these installed packages (their bin/ and sbin/ files),
# and the commands Debian reaches through /etc/alternatives (awk) or ships
# in packages of their own (hostname).
host_pkgs=(bash dash coreutils util-linux mount bsdutils procps grep sed mawk gawk
	findutils diffutils iproute2 passwd libc-bin login make gzip tar kmod psmisc)
host_programs() {
	local t
	# dpkg -L fails for a package that is not installed (gawk): the
	# others are still listed.
	{ dpkg -L "${host_pkgs[@]}" 2>/dev/null || true; } | grep -E '^/(usr/)?s?bin/[^/]+$' | sort -u
	for t in awk hostname; do
		type -P "$t" || die "needs $t on this machine"
	done
	# runc, for `runc spec` (07-oci.bats's bundles), and podman with
	# conmon (07-podman.bats), when they are here.
	for t in runc podman conmon; do type -P "$t" || true; done
}

# gcc, as much of it as the checks' own builds use: tests/probes (static,
# for security.bats and 07-cgroups.bats) and host-safety's copy of 04.
# The programs and libraries gcc names, and every header of glibc, of
# the kernel (linux-libc-dev) and of gcc itself: which ones a build reads
# depends on its flags (-O2 reads bits/stdio.h), and they are 10 MB.
toolchain() {
	local p f
	for p in gcc cc cpp; do type -P "$p" || true; done
	for p in cc1 collect2 lto-wrapper as ld; do
		f=$(gcc -print-prog-name="$p")
		case $f in /*) echo "$f" ;; *) type -P "$f" || true ;; esac
	done
	for f in crt1.o Scrt1.o crti.o crtn.o crtbegin.o crtbeginS.o crtbeginT.o crtend.o crtendS.o \
		libc.a libc.so libc_nonshared.a libgcc.a libgcc_eh.a libgcc_s.so libgcc_s.so.1 \
		libm.a libm.so libm.so.6 libmvec.a libmvec.so.1 libpthread.a libdl.a librt.a \
		liblto_plugin.so; do
		f=$(gcc -print-file-name="$f")
		case $f in /*) echo "$f" ;; esac
	done
	{ dpkg -L libc6-dev linux-libc-dev 2>/dev/null || true; } | grep '^/usr/include/.*\.h$' || true
	find "$(gcc -print-file-name=include)" -type f
}

is_elf() { # is_elf FILE: starts with the ELF magic
	local m=
	LC_ALL=C read -r -N 4 m <"$1" 2>/dev/null || true
	[ "$m" = $'\x7fELF' ]
}

# The libraries ldd names for every dynamic program in the stage.
libraries() {
	find "$stage" -type f \( -perm -u+x -o -name '*.so*' \) -print | while read -r f; do
		! is_elf "$f" || printf '%s\0' "$f"
	done | { LC_ALL=C xargs -0 ldd 2>/dev/null || true; } | awk '
		!/^\t/ { next }
		/not found/ { print "MISSING " $1; next }
		{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u
}

# The accounts of a Debian machine with one person on it, learner (1000),
# with subordinate ids for newuidmap.
accounts() {
	mkdir -p "$stage/etc" "$stage/root" "$stage/home/learner"
	printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
		'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' \
		'learner:x:1000:1000:learner:/home/learner:/bin/bash' >"$stage/etc/passwd"
	printf '%s\n' root:x:0: tty:x:5: sudo:x:27:learner users:x:100:learner \
		nogroup:x:65534: learner:x:1000: >"$stage/etc/group"
	printf '%s:*:19000:0:99999:7:::\n' root nobody learner >"$stage/etc/shadow"
	printf '%s:*::\n' root tty sudo users nogroup learner >"$stage/etc/gshadow"
	chmod 640 "$stage/etc/shadow" "$stage/etc/gshadow"
	echo 'learner:100000:65536' >"$stage/etc/subuid"
	echo 'learner:100000:65536' >"$stage/etc/subgid"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tnslab-vm\n' >"$stage/etc/hosts"
	echo nslab-vm >"$stage/etc/hostname"
}

# build_base FILE: the base archive.
build_base() {
	local p m progs=() tc=() libs=()
	mkdir -p "$stage"/usr/{bin,sbin,lib,lib64} "$stage"/{dev,proc,sys,run,tmp,var/lib,var/tmp}
	chmod 1777 "$stage/var/tmp"
	# The layout of a merged /usr, as Debian 12 has: /bin is usr/bin.
	for p in bin sbin lib lib64; do
		ln -s "usr/$p" "$stage/$p"
	done
	mapfile -t progs < <(host_programs)
	put "${progs[@]}"
	say "copied ${#progs[@]} programs of ${host_pkgs[*]}"
	if command -v gcc >/dev/null 2>&1; then
		mapfile -t tc < <(toolchain)
		put "${tc[@]}"
		say "copied gcc for the checks' builds (${#tc[@]} files)"
	else
		say "no gcc here: the checks that build tests/probes will skip" >&2
	fi
	# Debian's packages the VM needs whether or not this machine has
	# them; their bin/ lands in the merged usr/bin.
	for p in busybox-static bats bats-support bats-assert uidmap; do
		tar -C "$(unpacked "$p")" --exclude=./usr/share -cf - . |
			tar -C "$stage" --keep-directory-symlink -xf -
	done
	rm -f "$stage/usr/bin/getsubids" # of uidmap: needs libsubid, and no check uses it
	# busybox fills in what the copies lack (insmod, poweroff), last in PATH.
	mkdir -p "$stage/opt/busybox"
	(cd "$stage/opt/busybox" && "$busybox" --list | while read -r p; do
		ln -s ../../bin/busybox "$p"
	done)
	mapfile -t libs < <(libraries)
	m=$(printf '%s\n' "${libs[@]}" | awk '/^MISSING/ { print $2 }' | paste -sd' ')
	[ -z "$m" ] || die "libraries ldd cannot find: $m"
	put "${libs[@]}" /lib64/ld-linux-x86-64.so.2
	say "copied ${#libs[@]} libraries"
	# The C.UTF-8 locale, and what programs read from /etc.
	[ ! -d /usr/lib/locale/C.utf8 ] || put /usr/lib/locale/C.utf8/*
	# podman's trust policy (podman import reads it) and default seccomp
	# profile (07p.4 looks for its errno).
	for p in /etc/login.defs /etc/nsswitch.conf /etc/shells /etc/ld.so.cache \
		/etc/containers/policy.json /usr/share/containers/seccomp.json; do
		[ ! -e "$p" ] || put "$p"
	done
	mkdir -p "$stage/lib/modules/$kver"
	for m in "${kmods[@]}"; do
		cp "$kdir/lib/modules/$kver/kernel/$m" "$stage/lib/modules/$kver/"
	done
	accounts
	# What the checks cannot do without (gcc may be missing: those skip).
	for p in bash sh awk sed grep hostname ip unshare nsenter setpriv mount script \
		timeout ps make newuidmap useradd bats busybox; do
		[ -e "$stage/usr/bin/$p" ] || [ -e "$stage/usr/sbin/$p" ] || die "no $p in the initramfs"
	done
	cpio_gz "$stage" "$1"
	say "initramfs base: $(du -sh "$1" | cut -f1) ($(du -sh "$stage" | cut -f1) unpacked), cached"
	rm -rf "$stage"
}

# What the base is made from: this script, the kernel, and the packages
# it copies (dpkg's status changes with any of them).
fingerprint() {
	{
		cat "$0"
		echo "$kver"
		stat -c %Y /var/lib/dpkg/status
		ls "$cache/debs"
	} 2>/dev/null | md5sum | cut -c1-12
}

base=$cache/base-$(fingerprint).cpio.gz
if [ ! -f "$base" ]; then
	build_base "$work/base.cpio.gz"
	find "$cache" -maxdepth 1 -name 'base-*.cpio.gz' -delete
	mv "$work/base.cpio.gz" "$base"
fi

# The project, as this tree is now (without .git and the learner's lab/).
mkdir -p "$stage$vm_top" "$stage/etc"
tar -C "$top" --exclude=./.git --exclude=./lab -cf - . | tar -C "$stage$vm_top" -xf -

# /init, what it is to run, and the stand-in for systemd-run --user
# --scope that 07c.8 uses (the VM has systemd's cgroups, not systemd).
cp "$top/tests/vm/init" "$stage/init"
chmod 755 "$stage/init"
mkdir -p "$stage/usr/local/bin"
install -m 755 "$top/tests/vm/systemd-run" "$stage/usr/local/bin/systemd-run"
{
	printf 'NSLAB_TOP=%q\n' "$vm_top"
	printf 'KVER=%q\n' "$kver"
	printf 'ROOT_TESTS=(%s)\n' "$(printf '%q ' "${root_tests[@]}")"
	printf 'USER_TESTS=(%s)\n' "$(printf '%q ' "${user_tests[@]}")"
	printf 'EXEC=%q\n' "${NSLAB_VM_EXEC:-}"
} >"$stage/etc/nslab-vm.conf"

cpio_gz "$stage" "$work/tree.cpio.gz"
cat "$base" "$work/tree.cpio.gz" >"$work/initrd.gz"
rm -rf "$stage" "$work/tree.cpio.gz"
say "initramfs: $(du -sh "$work/initrd.gz" | cut -f1), ready $(($(date +%s) - t_start)) s after the start"

# --- the VM ------------------------------------------------------------------------

log=$cache/last.log
raw=$work/serial.log

# loglevel=2 keeps the kernel's lines (an OOM kill) out of the checks'
# output on the console; a panic still shows.
# boot ACCEL SECONDS: run the VM; its console, cleaned of CRs and
# terminal escapes, goes to the screen and to $log. With kvm, a VM that
# does not reach /init in 30 s is stopped: status 3.
boot() {
	local a=(-accel tcg) watch=
	[ "$1" != kvm ] || a=(-accel kvm -cpu host)
	: >"$raw"
	timeout -k 10 "$2" qemu-system-x86_64 "${a[@]}" -m "$mem" -smp 2 -nographic -no-reboot \
		-nic none -pidfile "$work/qemu.pid" -kernel "$vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet loglevel=2 cgroup_no_v1=all panic=-1" </dev/null >"$raw" 2>&1 &
	qemu_pid=$!
	if [ "$1" = kvm ]; then
		(for _ in $(seq 30); do
			grep -q 'nslab-vm: init' "$raw" && exit 0
			sleep 1
		done
		kill -KILL "$qemu_pid" 2>/dev/null) &
		watch=$!
	fi
	tail -f --pid="$qemu_pid" -n +1 "$raw" | tr -d '\r' | sed -u 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g'
	local rc=0
	wait "$qemu_pid" || rc=$?
	qemu_pid=
	if [ -n "$watch" ]; then
		kill "$watch" 2>/dev/null || true
		wait "$watch" 2>/dev/null || true
		grep -q 'nslab-vm: init' "$raw" || return 3
	fi
	return "$rc"
}

if [ "$accel" = auto ]; then
	accel=tcg
	[ ! -r /dev/kvm ] || [ ! -w /dev/kvm ] || accel=kvm
fi
t_boot=$(date +%s)
say "booting $kver ($accel, ${mem} MB, 2 CPUs; at most $limit s)"
rc=0
boot "$accel" "$limit" || rc=$?
if [ "$accel" = kvm ] && [ "$rc" -ne 0 ] && ! grep -q 'nslab-vm: init' "$raw"; then
	say "KVM did not boot this kernel (status $rc): again with tcg"
	rc=0
	boot tcg "$limit" || rc=$?
fi
t_end=$(date +%s)
tr -d '\r' <"$raw" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' >"$log"

# --- the count ---------------------------------------------------------------------

# Each run is framed by "nslab-vm: run NAME begins" and "... ends
# (status N)"; its count line is the last one before the end.
echo
echo "--- $prog: summary"
problems=0 passed=0 failed=0 skipped=0
for name in root learner; do
	line=$(awk -v n="$name" '
		$0 ~ "^nslab-vm: run " n " begins" { on = 1; c = ""; next }
		on && $0 ~ "^nslab-vm: run " n " ends" { print (c == "" ? "none" : c); exit }
		on && /^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$/ { c = $0 }' "$log")
	case $line in
	'')
		say "the $name run did not finish"
		problems=$((problems + 1)) ;;
	none)
		say "the $name run printed no count line"
		problems=$((problems + 1)) ;;
	*)
		say "$name: $line"
		read -r p f s <<<"$(tr -dc '0-9 ' <<<"$line")"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0})) ;;
	esac
done
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	say "the VM ran out of time ($limit s): NSLAB_VM_TIMEOUT raises it"
	problems=$((problems + 1))
elif [ "$rc" -ne 0 ]; then
	say "qemu exited with status $rc"
	problems=$((problems + 1))
fi
boot_s=$(sed -n 's/^nslab-vm: init .* at \([0-9.]*\) s.*/\1/p' "$log" | head -n 1)
say "boot to /init ${boot_s:-?} s (VM time), VM $((t_end - t_boot)) s, all $((t_end - t_start)) s; the log: $log"
failed=$((failed + problems))
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
