#!/usr/bin/env bats
# Lab checks for 07-full-container's network and time namespaces:
# --net none|host|veth, --subnet, --boottime and --monotonic. Each check
# runs the container as a user would and looks at it from OUTSIDE while
# its command is held on a fifo (tests/ctr.bash): nsenter -n into its
# network namespace with the host's own `ip`, the host's /sys/class/net,
# the namespace links and timens_offsets in the host's /proc, and ping
# between the two ends with the rootfs's static busybox.
#
# Every address a check talks to is inside a namespace the check made
# (through the runtime, or with unshare -n): the veth's /30 comes from
# 10.231.0.0/16, or from the --subnet the check gives, and the one check
# that needs IP forwarding (two containers, routed through the host end)
# turns it on in a throwaway network namespace of its own, never on the
# host: net.ipv4.ip_forward is per network namespace.

load helpers
load ctr

setup_file() {
	ctr_setup_file
}

setup() {
	ctr_setup
	holder=''
	others=()
}

teardown() {
	local p
	for p in "${others[@]}"; do
		if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$CTR" ]; then
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	ctr_teardown
	[ -z "$holder" ] || kill -KILL "$holder" 2>/dev/null || true
}

need_net_tools() {
	need_root
	need_cmd ip iproute2
	need_cmd nsenter util-linux
}

# The host end of container NAME's veth: "nsl" and the FNV-1a hash of
# the name in 8 hex digits (07-full-container/net/veth_parse.c).
veth_name() { # veth_name NAME
	local s=$1 h=2166136261 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$((((h ^ c) * 16777619) & 0xffffffff))
	done
	printf 'nsl%08x\n' "$h"
}

# The names of the links PID's network namespace has, on one line.
links_of() { # links_of PID
	nsenter -n -t "$1" ip -o link | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | paste -sd' '
}

# The IPv4 address/prefix of link DEV, in the namespace of PID (or ours).
addr_of() { # addr_of DEV [PID]
	if [ -n "${2:-}" ]; then
		nsenter -n -t "$2" ip -o -4 addr show dev "$1" | awk '{ print $4 }'
	else
		ip -o -4 addr show dev "$1" | awk '{ print $4 }'
	fi
}

# The names in DIR, sorted, on one line.
names_in() { # names_in DIR
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd' '
}

# A.B.C.D plus one.
next_addr() { # next_addr A.B.C.D
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	echo "$a.$b.$c.$((d + 1))"
}

# ping ADDR once, with the rootfs's static busybox: the host needs no
# ping of its own.
host_ping() { # host_ping ADDR
	"$ROOTFS/bin/busybox" ping -c 1 -W 5 "$1"
}

# Is D between LOW and HIGH? Decimal fractions, as /proc/uptime has.
between() { # between D LOW HIGH
	awk -v d="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(d >= lo && d <= hi) }'
}

# --- none and host ---------------------------------------------------------------------

@test "07n.1 --net none (the default): a network namespace of its own, with lo alone, up" {
	need_net_tools
	start_ctr -q --net none "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	[ "$(ns_of net "$cmd")" != "$(ns_of net $$)" ]
	assert_equal "$(links_of "$cmd")" lo
	nsenter -n -t "$cmd" ip -o link show lo | grep -q '[<,]UP[,>]'
	# Its /sys, read through the host's /proc/PID/root: sysfs shows the
	# network namespace of whoever mounted it, the container's.
	assert_equal "$(names_in "/proc/$cmd/root/sys/class/net")" lo
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

@test "07n.2 --net host: the host's network namespace and links, and a warning in the narration" {
	need_net_tools
	start_ctr --net host "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$(ns_of net "$cmd")" "$(ns_of net $$)"
	assert_equal "$(names_in "/proc/$cmd/root/sys/class/net")" "$(names_in /sys/class/net)"
	grep -E '^\[host *[0-9]+\] warning: .*shares the host.s network' "$T/stderr"
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

# --- veth ------------------------------------------------------------------------------

@test "07n.3 --net veth: eth0 with a /30 and the default route inside, the host end named after the container, ping both ways" {
	need_net_tools
	local name h ha ca
	name=$(random_name)
	h=$(veth_name "$name")
	start_ctr --net veth --name "$name" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	# The host end: its name from the container's, the full name as its
	# alias, up, with the first address of a /30 in 10.231.0.0/16.
	assert_equal "$(cat "/sys/class/net/$h/ifalias")" "$name"
	ip -o link show "$h" | grep -q '[<,]UP[,>]'
	ha=$(addr_of "$h")
	[[ $ha == 10.231.*/30 ]] || fail "host end: '$ha'"
	ha=${ha%/30}
	ca=$(next_addr "$ha")
	# Inside: lo and eth0, the other end of the pair (eth0@ifN names the
	# host end's index), the next address, the default route via ours.
	assert_equal "$(links_of "$cmd")" "lo eth0"
	nsenter -n -t "$cmd" ip -o link show eth0 | grep -q "^2: eth0@if$(cat "/sys/class/net/$h/ifindex"): "
	assert_equal "$(addr_of eth0 "$cmd")" "$ca/30"
	assert_equal "$(nsenter -n -t "$cmd" ip route show default | awk '{ print $1, $2, $3, $4, $5 }')" \
		"default via $ha dev eth0"
	# Host to container, and container to host (busybox ping inside:
	# CAP_NET_RAW is among the capabilities kept).
	host_ping "$ca"
	run --separate-stderr "$CTR" exec -q "$name" ping -c 1 -W 5 "$ha"
	assert_success
	assert_output --partial '1 packets received'
	resume
	wait_ctr
	assert_equal "$status" 0
	# The runtime waited for the kernel to remove the pair with the
	# container's namespace, and says so.
	[ ! -e "/sys/class/net/$h" ]
	grep -E "^\[host *[0-9]+\] $h is gone: the kernel removed" "$T/stderr"
	assert_host_unchanged
}

@test "07n.4 two containers: different /30s from --subnet, and they ping each other through the host end (forwarding in a throwaway namespace)" {
	need_net_tools
	need_cmd unshare util-linux
	local net a b
	net=10.$(random_number 232 250).$(random_number 0 255)
	a=$(random_name)
	b=$(random_name)
	# A network namespace of the check's own, held by a process that
	# waits on a fifo: lo up and IP forwarding on, there only.
	mkfifo "$T/held" "$T/release"
	unshare -n sh -c 'ip link set lo up && echo 1 >/proc/sys/net/ipv4/ip_forward &&
		echo $$ >"$1" && exec head -n 1 <"$2" >/dev/null' _ "$T/held" "$T/release" &
	holder=$!
	fifo_read _ "$T/held"
	assert_equal "$(nsenter -n -t "$holder" cat /proc/sys/net/ipv4/ip_forward)" 1
	# Both runtimes run in it: it is their host.
	AS=(nsenter -n -t "$holder" --)
	start_ctr -q --net veth --subnet "$net.0/24" --name "$a" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	others=("$ctr" "$init")
	mkdir "$T/io2" && chmod 777 "$T/io2" && mkfifo -m 666 "$T/io2/up" "$T/io2/down"
	"${AS[@]}" "$CTR" run -q --net veth --subnet "$net.0/24" --name "$b" -v "$T/io2:/mnt" \
		"$ROOTFS" sh -c "$PAUSE" 2>"$T/stderr2" &
	ctr=$!
	fifo_read _ "$T/io2/up"
	# The first /30 of the range, then the next: nothing else is there.
	assert_equal "$(nsenter -n -t "$holder" ip -o -4 addr show dev "$(veth_name "$a")" | awk '{ print $4 }')" "$net.1/30"
	assert_equal "$(nsenter -n -t "$holder" ip -o -4 addr show dev "$(veth_name "$b")" | awk '{ print $4 }')" "$net.5/30"
	run "$CTR" exec -q "$a" ping -c 1 -W 5 "$net.6"
	assert_success
	run "$CTR" exec -q "$b" ping -c 1 -W 5 "$net.2"
	assert_success
	resume "$T/io2/down"
	wait_ctr
	assert_equal "$status" 0
	ctr=${others[0]}
	resume
	wait_ctr
	assert_equal "$status" 0
	# Both pairs went with their containers: the namespace has lo alone.
	assert_equal "$(links_of "$holder")" lo
	echo release >"$T/release"
	wait "$holder"
	holder=''
	assert_host_unchanged
}

@test "07n.5 no veth left: after a failure halfway, and after SIGKILL of the runtime (the kernel removes it)" {
	need_net_tools
	local name h
	name=$(random_name)
	h=$(veth_name "$name")
	# The command is not there: the pair was made, the init set eth0 up.
	run -127 --separate-stderr "$CTR" run -q --net veth --name "$name" "$ROOTFS" /no-such-command
	[ ! -e "/sys/class/net/$h" ]
	# The init fails before hardening: a volume whose source is missing.
	run -125 --separate-stderr "$CTR" run -q --net veth --name "$name" -v "$T/no-such-dir:/mnt" \
		"$ROOTFS" true
	[ ! -e "/sys/class/net/$h" ]
	# SIGKILL to the runtime: nobody is left to delete anything. The
	# init dies by PR_SET_PDEATHSIG, the command with its PID namespace,
	# and with the last process the network namespace goes - and the
	# kernel takes the veth along, both ends.
	start_ctr -q --net veth --name "$name" "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	[ -e "/sys/class/net/$h" ]
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	wait_for gone "$init" "$cmd"
	wait_for test ! -e "/sys/class/net/$h"
	"$CTR" ps -q
	assert_host_unchanged
}

@test "07n.6 rootless --net veth is refused up front: one line naming slirp4netns and pasta, status 2" {
	need_root
	as_rootless
	# shellcheck disable=SC2153 # as_rootless sets RROOTFS
	run -2 --separate-stderr "${AS[@]}" "$CTR" run -q --net veth "$RROOTFS" true
	assert_equal "$output" ""
	assert_equal "$(wc -l <<<"$stderr")" 1
	[[ $stderr == *"--net veth"*slirp4netns*pasta* ]] || fail "$stderr"
	# --net none and --net host need no privilege on the host: they run.
	run --separate-stderr "${AS[@]}" "$CTR" run -q --net none "$RROOTFS" true
	assert_success
	run --separate-stderr "${AS[@]}" "$CTR" run -q --net host "$RROOTFS" true
	assert_success
	assert_host_unchanged
}

# --- the time namespace ------------------------------------------------------------------

need_timens() {
	[ -e /proc/self/ns/time ] || skip "this kernel has no time namespaces (Linux 5.6, CONFIG_TIME_NS)"
}

@test "07n.7 --boottime/--monotonic: /proc/uptime inside is the host's plus the offset, for the command and for exec" {
	need_root
	need_timens
	local name boot mono h0 h1 in
	name=$(random_name)
	boot=$(random_number 100000 999999)
	mono=$(random_number 1000 99999)
	read -r h0 _ </proc/uptime
	start_ctr -q --name "$name" --boottime "$boot" --monotonic "$mono" "${IO[@]}" "$ROOTFS" \
		sh -c 'cat /proc/uptime >/mnt/uptime; '"$PAUSE"
	read -r in _ <"$T/io/uptime"
	# Read after h0, so at least boot more; the 60 s of slack cannot flake.
	between "$(awk -v i="$in" -v h="$h0" 'BEGIN { print i - h }')" $((boot - 5)) $((boot + 60))
	# From outside: the init stays in the host's time namespace and made
	# a new one for its children, where the command is.
	assert_equal "$(ns_of time "$init")" "$(ns_of time $$)"
	[ "$(ns_of time "$cmd")" != "$(ns_of time $$)" ]
	assert_equal "$(ns_of time_for_children "$init")" "$(ns_of time "$cmd")"
	assert_equal "$(awk '{ print $1, $2, $3 }' "/proc/$cmd/timens_offsets" | paste -sd,)" \
		"monotonic $mono 0,boottime $boot 0"
	# exec joins that one, not the init's own.
	read -r h1 _ </proc/uptime
	run --separate-stderr "$CTR" exec -q "$name" cat /proc/uptime
	assert_success
	between "$(awk -v h="$h1" '{ print $1 - h }' <<<"$output")" $((boot - 5)) $((boot + 60))
	run --separate-stderr "$CTR" exec -q "$name" readlink /proc/self/ns/time
	assert_output "time:[$(ns_of time "$cmd")]"
	resume
	wait_ctr
	assert_equal "$status" 0
	# Without the options, no time namespace: the host's.
	rm -f "$T/io/up" "$T/io/down" && mkfifo -m 666 "$T/io/up" "$T/io/down"
	start_ctr -q "${IO[@]}" "$ROOTFS" sh -c "$PAUSE"
	assert_equal "$(ns_of time "$cmd")" "$(ns_of time $$)"
	resume
	wait_ctr
	assert_equal "$status" 0
	assert_host_unchanged
}

@test "07n.8 --boottime rootless; an offset that would take the clock below zero is refused (125)" {
	need_root
	need_timens
	local boot h0 in
	as_rootless
	boot=$(random_number 100000 999999)
	read -r h0 _ </proc/uptime
	# shellcheck disable=SC2153 # as_rootless sets RROOTFS
	run --separate-stderr "${AS[@]}" "$CTR" run -q --boottime "$boot" "$RROOTFS" cat /proc/uptime
	assert_success
	in=${output%% *}
	between "$(awk -v i="$in" -v h="$h0" 'BEGIN { print i - h }')" $((boot - 5)) $((boot + 60))
	run -125 --separate-stderr "$CTR" run -q --boottime -4000000000 "$ROOTFS" true
	assert_equal "$output" ""
	[[ $(sed -n 1p <<<"$stderr") == *"timens_offsets"*"Numerical result out of range"* ]] || fail "$stderr"
	assert_host_unchanged
}
