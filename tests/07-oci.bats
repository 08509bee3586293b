#!/usr/bin/env bats
# Checks of 07-full-container as an OCI runtime (07-full-container/oci/):
# the runtime spec's lifecycle, create, start, state, kill, delete, driven
# the way conmon and containerd's shim drive it, on a bundle that the
# reference runtime made (`runc spec`). Each check looks from outside: the
# init's /proc files after create (alive, in namespaces of its own, with
# no command yet), the command's capabilities, limits and mounts after
# start, the state directory after delete.
#
# After create the runtime has exited: the init ($init) is nobody's child
# here (an engine would be its subreaper). The command ($cmd) reaches the
# test through the volume $T/io at /mnt, as in 07-full-container.bats.

# ROOTFS and RROOTFS are set in ctr.bash (ctr_setup_file, as_rootless).
# shellcheck disable=SC2153
load helpers
load ctr

setup_file() {
	ctr_setup_file
}

setup() {
	ctr_setup
	R=$T/oci-root
	OCI=("${AS[@]}" "$CTR" --root "$R")
	con='' con2='' con3='' holder=''
}

teardown() {
	# A check that failed halfway: whatever it created goes, and 07o.9's
	# end of the console socket.
	[ -z "${con:-}" ] || kill "$con" 2>/dev/null || true
	[ -z "${con2:-}" ] || kill "$con2" 2>/dev/null || true
	[ -z "${con3:-}" ] || kill "$con3" 2>/dev/null || true
	# 07o.21's create, paused with the container's lock: a delete would
	# wait for it forever.
	if [ -n "${ctr:-}" ] && [ "$(readlink "/proc/$ctr/exe" 2>/dev/null)" = "$CTR" ]; then
		kill -KILL "$ctr" 2>/dev/null || true
	fi
	if [ -d "$R" ]; then
		for d in "$R"/*/; do
			[ -d "$d" ] && "${AS[@]}" "$CTR" --root "$R" delete --force "$(basename "$d")" 2>/dev/null
		done
	fi
	# 07o.13's and 07o.22's holder of namespaces, ours to end.
	[ -z "${holder:-}" ] || kill -KILL "$holder" 2>/dev/null || true
	restore_accounts # 07o.23's user, when it failed halfway
	rm -rf "$BATS_FILE_TMPDIR/accounts"
	ctr_teardown
}

# A bundle made by `runc spec` (--rootless for a user), its command
# `sh /mnt/cmd.sh`, the script the check writes to $T/io/cmd.sh, the
# terminal off, root.path our rootfs (read-only, as runc spec asks), and
# $T/io bound at /mnt.
oci_bundle() { # oci_bundle DIR ROOTFS [--rootless]
	need_cmd runc runc
	mkdir -p "$1"
	# As the user who runs it: runc spec --rootless maps that user.
	[ ${#AS[@]} -eq 0 ] || chown 65534:65534 "$1"
	(cd "$1" && "${AS[@]}" runc spec ${3:+"$3"})
	sed -i -e 's|^\([[:space:]]*\)"sh"$|\1"sh", "/mnt/cmd.sh"|' \
		-e 's|"terminal": true|"terminal": false|' \
		-e "s|\"path\": \"rootfs\"|\"path\": \"$2\"|" \
		-e "s|\"mounts\": \\[|\"mounts\": [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$T/io\", \"options\": [\"rbind\"]},|" \
		"$1/config.json"
	grep -q '"sh", "/mnt/cmd.sh"' "$1/config.json"
	grep -q '"destination": "/mnt"' "$1/config.json"
	chmod -R a+rX "$1"
}

# The "status" and "pid" of `state ID`.
oci_status() { "${OCI[@]}" state "$1" | grep -o '"status":"[a-z]*"' | cut -d'"' -f4; }
oci_pid() { "${OCI[@]}" state "$1" | grep -o '"pid":[0-9]*' | cut -d: -f2; }
stopped() { [ "$(oci_status "$1")" = stopped ]; }

@test "07o.1 create, start, state, kill, delete on runc spec's bundle: the init waits for start, the command gets the config's capabilities, limits, hostname and read-only root" {
	need_root
	local b=$T/bundle pidfile=$T/pid
	oci_bundle "$b" "$ROOTFS"
	# shellcheck disable=SC2016
	echo 'trap "echo got-TERM >/mnt/log; exit 3" TERM; echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	# A masked and a read-only path of the config's own, beside runc's.
	echo top-secret >"$T/io/secret"
	mkdir "$T/io/rodir"
	sed -i -e 's|"maskedPaths": \[|"maskedPaths": ["/mnt/secret", |' \
		-e 's|"readonlyPaths": \[|"readonlyPaths": ["/mnt/rodir", |' "$b/config.json"
	# The engines own the streams: create must print nothing on stdout,
	# and the init keeps them (files here: a pipe would stay open).
	"${OCI[@]}" create --bundle "$b" --pid-file "$pidfile" c1 >"$T/out" 2>"$T/err" </dev/null
	assert_equal "$(cat "$T/out")" ""
	assert_equal "$(cat "$T/err")" ""
	assert_equal "$(oci_status c1)" created
	init=$(oci_pid c1)
	assert_equal "$(cat "$pidfile")" "$init"
	# The start time kept, against a reused pid: /proc/PID/stat's 22nd.
	assert_equal "$(grep -o '"start":[0-9]*' "$R/c1/state.json" | cut -d: -f2)" \
		"$(sed 's/.*) //' "/proc/$init/stat" | cut -d' ' -f20)"
	# Alive, built, waiting: namespaces of its own, no command yet.
	[ -d "/proc/$init" ]
	for ns in pid mnt uts ipc net; do
		[ "$(readlink "/proc/$init/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "$ns is the host's"
	done
	assert_equal "$(children_of "$init")" ""
	[ -p "$R/c1/exec.fifo" ]
	[ ! -e "$T/io/log" ]
	run "${OCI[@]}" state c1
	assert_success
	assert_output --partial '"id":"c1"'
	assert_output --partial "\"bundle\":\"$b\""

	run "${OCI[@]}" start c1
	assert_success
	assert_output ""
	fifo_read inside "$T/io/up"
	assert_equal "$inside" 2 # the init is 1
	cmd=$(child_with_nspid "$init" 2)
	[ -n "$cmd" ]
	assert_equal "$(oci_status c1)" running
	[ ! -e "$R/c1/exec.fifo" ]
	# runc spec's capabilities, KILL, NET_BIND_SERVICE, AUDIT_WRITE, in
	# every set but inheritable and ambient; its RLIMIT_NOFILE; its
	# hostname; its root.readonly.
	for set in CapPrm CapEff CapBnd; do
		assert_equal "$(awk -v s="$set:" '$1 == s { print $2 }' "/proc/$cmd/status")" 0000000020000420
	done
	assert_equal "$(awk '$1 == "CapInh:" { print $2 }' "/proc/$cmd/status")" 0000000000000000
	assert_equal "$(awk '/^Max open files/ { print $4, $5 }' "/proc/$cmd/limits")" "1024 1024"
	assert_equal "$(nsenter -t "$init" -u hostname)" runc
	assert_equal "$(awk '$5 == "/" { print $6 }' "/proc/$cmd/mountinfo" | cut -d, -f1)" ro
	# runc's /dev/mqueue; the config's masked file reads empty, its
	# read-only directory is ro, and runc's own lists are there too.
	mounts_of "$cmd" | grep -q '^/dev/mqueue mqueue rw,nosuid,nodev,noexec' || fail "no /dev/mqueue"
	assert_equal "$(cat "/proc/$cmd/root/mnt/secret")" ""
	assert_equal "$(awk '$5 == "/mnt/rodir" { print $6 }' "/proc/$cmd/mountinfo" | cut -d, -f1)" ro
	assert_equal "$(awk '$5 == "/proc/sys" { print $6 }' "/proc/$cmd/mountinfo" | cut -d, -f1)" ro
	awk '$5 == "/proc/keys" { found = 1 } END { exit !found }' "/proc/$cmd/mountinfo"

	run "${OCI[@]}" kill c1 TERM
	assert_success
	wait_for stopped c1
	assert_equal "$(cat "$T/io/log")" got-TERM
	assert_equal "$(oci_pid c1)" 0
	run "${OCI[@]}" delete c1
	assert_success
	[ ! -e "$R/c1" ]
	run "${OCI[@]}" state c1
	assert_failure 125
	assert_output --partial 'container "c1" does not exist'
	assert_host_unchanged
}

@test "07o.2 delete refuses a created and a running container and leaves it be; --force ends either, init and all" {
	need_root
	local b=$T/bundle
	oci_bundle "$b" "$ROOTFS"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	"${OCI[@]}" create --bundle "$b" c2 >/dev/null 2>"$T/err" </dev/null
	"${OCI[@]}" create --bundle "$b" c3 >/dev/null 2>>"$T/err" </dev/null
	run --separate-stderr "${OCI[@]}" delete c2
	assert_failure 125
	[[ $stderr == *'container "c2" is created: stop it first, or delete --force'* ]]
	assert_equal "$(oci_status c2)" created
	"${OCI[@]}" start c3
	fifo_read inside "$T/io/up"
	init=$(oci_pid c3)
	run --separate-stderr "${OCI[@]}" delete c3
	assert_failure 125
	assert_equal "$(oci_status c3)" running
	local i2
	i2=$(oci_pid c2)
	run "${OCI[@]}" delete --force c2
	assert_success
	run "${OCI[@]}" delete -f c3
	assert_success
	wait_for gone "$i2" "$init"
	[ ! -e "$R/c2" ]
	[ ! -e "$R/c3" ]
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

@test "07o.3 the engines' command line: global options in both forms, in any order; --version; start once; kill a stopped one; unknown ids and commands" {
	need_root
	local b=$T/bundle
	oci_bundle "$b" "$ROOTFS"
	echo "exit 0" >"$T/io/cmd.sh"
	run "$CTR" --version
	assert_success
	assert_line --partial "spec: 1.0"
	"$CTR" --log "$T/log.json" --log-format json --root="$R" --systemd-cgroup create --bundle="$b" c4 \
		>/dev/null 2>&1 </dev/null
	run "$CTR" --root "$R" --log="$T/log.json" start c4
	assert_success
	wait_for stopped c4
	run --separate-stderr "$CTR" --root "$R" start c4
	assert_failure 125
	[[ $stderr == *'container "c4" is stopped, not created'* ]]
	run --separate-stderr "$CTR" --root "$R" kill c4 KILL
	assert_failure 125
	[[ $stderr == *'container "c4" is not running'* ]]
	run "$CTR" --root "$R" delete c4
	assert_success
	run --separate-stderr "$CTR" --root "$R" kill nothing-here 9
	assert_failure 125
	[[ $stderr == *'container "nothing-here" does not exist'* ]]
	run --separate-stderr "$CTR" --root "$R" state ../c4
	assert_failure 125
	[[ $stderr == *'container id "../c4"'* ]]
	run --separate-stderr "$CTR" --root "$R" kill c4 SIGNOPE
	assert_failure 2
	# A signal the init would drop: refused, not reported as sent.
	run --separate-stderr "$CTR" --root "$R" kill c4 PWR
	assert_failure 2
	[[ $stderr == *'SIGPWR would not reach the command'* ]]
	# SIGTERM to a created container, which has no command to pass it
	# on to: it ends, as SIGKILL.
	"$CTR" --root "$R" create --bundle "$b" c5 >/dev/null 2>&1 </dev/null
	run "$CTR" --root "$R" kill c5
	assert_success
	wait_for stopped c5
	run "$CTR" --root "$R" delete c5
	assert_success
	run --separate-stderr "$CTR" --root "$R" pause c4
	assert_failure 2
	[ ! -e "$T/log.json" ] # no error came from the create and start it was given to
	assert_host_unchanged
}

@test "07o.4 --log: an error is a JSON line there too, as containerd's shim reads it" {
	need_root
	run --separate-stderr "$CTR" --root "$R" --log "$T/log.json" --log-format json delete gone-already
	assert_failure 125
	[[ $stderr == *'container "gone-already" does not exist'* ]]
	assert_equal "$(cat "$T/log.json")" '{"level":"error","msg":"container \"gone-already\" does not exist"}'
	assert_host_unchanged
}

@test "07o.5 rootless: runc spec --rootless's bundle, created, started and deleted by a user; its root is that user outside" {
	need_cmd setpriv util-linux
	as_rootless
	local b=$T/bundle
	OCI=("${AS[@]}" "$CTR" --root "$R")
	oci_bundle "$b" "$RROOTFS" --rootless
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	mkdir -m 700 "$R"
	[ "$(id -u)" -ne 0 ] || chown 65534:65534 "$R"
	"${OCI[@]}" create --bundle "$b" r1 >/dev/null 2>"$T/err" </dev/null || { cat "$T/err" >&2; false; }
	init=$(oci_pid r1)
	"${OCI[@]}" start r1
	fifo_read inside "$T/io/up"
	cmd=$(child_with_nspid "$init" 2)
	local user inner outer count
	user=$(id -u)
	[ ${#AS[@]} -eq 0 ] || user=65534
	read -r inner outer count <"/proc/$cmd/uid_map"
	assert_equal "$inner $outer $count" "0 $user 1"
	[ "$(readlink "/proc/$init/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	# exec, as the same user: its root is the only id mapped, and the
	# init may not be looked into (not dumpable): joined through the
	# command, in the same namespaces.
	oci_process "$T/p.json" '["sh", "-c", "id -u; hostname; cat /proc/1/cmdline | tr \\\\0 \" \""]'
	sed -i 's/65534/0/g' "$T/p.json"
	chmod a+r "$T/p.json"
	run --separate-stderr "${OCI[@]}" exec --process "$T/p.json" r1
	assert_success
	assert_equal "${lines[0]} ${lines[1]}" "0 runc"
	[[ ${lines[2]} == "$CTR --root $R create --bundle $b r1 " ]] || fail "not the container's pid 1: ${lines[2]}"
	resume
	wait_for stopped r1
	run "${OCI[@]}" delete r1
	assert_success
	[ ! -e "$R/r1" ]
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

# A config.json that runc spec made, then broken by one sed expression.
bad_config() { # bad_config SED-EXPRESSION EXPECTED-TEXT
	local b=$T/bad
	rm -rf "$b"
	oci_bundle "$b" "$ROOTFS"
	sed -i -e "$1" "$b/config.json"
	# Files, not run's pipe: a config accepted by mistake would leave an
	# init holding the pipe open, and the check would wait for it.
	local rc=0 out err
	"$CTR" --root "$R" create --bundle "$b" bad >"$T/bad.out" 2>"$T/bad.err" </dev/null || rc=$?
	out=$(cat "$T/bad.out") err=$(cat "$T/bad.err")
	[ "$rc" -eq 125 ] || fail "create: status $rc, not 125, for $1"
	assert_equal "$out" ""
	stderr=$err
	[[ $stderr == *"$2"* ]] || fail "expected \"$2\" in: $stderr"
	[ "$(wc -l <<<"$stderr")" -eq 1 ] || fail "more than one line: $stderr"
	[ ! -e "$R/bad" ] || fail "$R/bad was left"
}

@test "07o.6 a bad config.json: one error line that says where, status 125, nothing made" {
	need_root
	bad_config '1s/^{/{{/' 'config.json: line 1, column 2: expected'
	bad_config 's/"args": \[/"argz": [/' 'process.args: missing'
	bad_config 's/"cwd": "\/"/"cwd": 7/' 'process.cwd: a number, not a string'
	bad_config 's/"cwd": "\/"/"cwd": "tmp"/' 'process.cwd: "tmp" is not absolute'
	bad_config 's/"terminal": false/"terminal": true/' "process.terminal is true: the pty's master needs a --console-socket"
	bad_config '0,/"CAP_KILL"/s//"CAP_KILT"/' 'process.capabilities.bounding[1]: "CAP_KILT" is no capability'
	bad_config 's/"effective": \[/"effective": ["CAP_SYS_ADMIN", /' 'process.capabilities.effective: more than permitted (the kernel refuses that)'
	bad_config 's/"RLIMIT_NOFILE"/"RLIMIT_NOPE"/' 'process.rlimits[0].type: "RLIMIT_NOPE" is not a limit'
	bad_config 's/"type": "ipc"/"type": "ipc", "path": "proc\/1\/ns\/ipc"/' 'linux.namespaces[2].path: "proc/1/ns/ipc" is not absolute'
	bad_config 's/"type": "mount"/"type": "mount"}, {"type": "user", "path": "\/proc\/self\/ns\/user"/' 'linux.namespaces[5].path: "/proc/self/ns/user" is the user namespace this runtime runs in'
	# The host's own mount namespace: the container would pivot it.
	bad_config "s|\"type\": \"mount\"|\"type\": \"mount\", \"path\": \"/proc/$$/ns/mnt\"|" "linux.namespaces[4].path: \"/proc/$$/ns/mnt\" is the mount namespace this runtime runs in: the container would change it"
	bad_config 's/"type": "uts"/"type": "utz"/' 'linux.namespaces[3].type: "utz": not a namespace nslab knows'
	bad_config 's/"type": "pid"/"type": "cgroup"/' 'linux.namespaces: no "pid": nslab always gives a container its own'
	bad_config 's/"destination": "\/sys\/fs\/cgroup"/"destination": "\/scratch"/' 'a cgroup at /scratch: not supported yet'
	# Only the mount's lines: runc spec lists a cgroup namespace too on a
	# cgroup v2 host, whose "type": "cgroup" must stay as it is.
	bad_config '/"destination": "\/sys\/fs\/cgroup"/,/}/ { s/"type": "cgroup"/"type": "mqueue"/; s/"relatime"/"size=1"/; s/"\/sys\/fs\/cgroup"/"\/scratch"/ }' '"size=1": not a mqueue option nslab knows'
	bad_config 's/"maskedPaths": \[/"maskedPaths": ["proc\/kcore", /' 'linux.maskedPaths[0]: "proc/kcore" is not an absolute path below /'
	bad_config 's/"destination": "\/dev\/shm"/"destination": "\/scratch"/; s/"size=65536k"/"size=65536k", "huge=always"/' '"huge=always": not a tmpfs option nslab knows'
	bad_config 's|"mounts": \[|"mounts": [{"destination": "/srv", "type": "bind", "source": "/", "options": ["rbind", "nosymfollow"]},|' 'mounts[0].options: "nosymfollow" on a bind mount: not supported yet'
	bad_config 's|"linux": {|"linux": {"rootfsPropagation": "public",|' 'linux.rootfsPropagation: "public" is not a propagation'
	bad_config 's/"path": "\/[^"]*"/"path": "\/no\/such\/rootfs"/' 'realpath("/no/such/rootfs") (root.path): No such file or directory'
	bad_config 's/"ociVersion": "[^"]*"/"ociVersion": "2.0.0"/' 'ociVersion "2.0.0": nslab reads 1.x'
	bad_config 's/"gid": 0/"gid": 0, "additionalGids": ["five"]/' 'process.user.additionalGids[0]: a string is not a gid'
	bad_config 's/"hostname": "runc",/"hostname": "runc", "hooks": {"prestart": [{"path": "\/bin\/true"}]},/' 'hooks.prestart: hooks are not supported yet'
	bad_config 's/"type": "mount"/"type": "mount"}, {"type": "user"/; s/"namespaces": \[/"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "namespaces": [/' 'linux.uidMappings: given without linux.gidMappings'
	bad_config 's/"type": "mount"/"type": "mount"}, {"type": "user"/; s/"namespaces": \[/"uidMappings": [{"containerID": 1, "hostID": 1000, "size": 10}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}], "namespaces": [/' 'linux.uidMappings: 0 inside is not mapped'
	bad_config 's/"type": "mount"/"type": "mount"}, {"type": "user"/; s/"namespaces": \[/"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}, {"containerID": 5, "hostID": 5000, "size": 10}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}], "namespaces": [/' 'linux.uidMappings[1]: '
	bad_config 's/"type": "mount"/"type": "mount"}, {"type": "user"/; s/"namespaces": \[/"uidMappings": [{"containerID": 0, "hostID": 4294967290, "size": 10}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}], "namespaces": [/' 'linux.uidMappings[0]: 10 ids from 0 (4294967290 outside): none, or past the last id'
	# linux.seccomp: what the compiler refuses, and where.
	bad_config 's/"linux": {/"linux": {"seccomp": {"defaultAction": "SCMP_ACT_NOPE"},/' 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_NOPE"'
	bad_config 's/"linux": {/"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "read", "action": "SCMP_ACT_ERRNO"}]},/' 'linux.seccomp.syscalls[0].names: a string, not an array'
	bad_config 's/"linux": {/"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]},/' 'linux.seccomp.syscalls[0].args[0].index: a number from 0 to 5 is needed'
	bad_config 's/"linux": {/"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]},/' 'linux.seccomp.syscalls[0].args[0].op: unknown comparison "SCMP_CMP_ABOUT"'
	bad_config 's/"linux": {/"linux": {"seccomp": {"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "\/run\/agent.sock"},/' 'linux.seccomp.defaultAction: SCMP_ACT_NOTIFY: no seccomp agent yet'
	# linux.cgroupsPath and resources: refused before anything is made.
	bad_config 's/"linux": {/"linux": {"cgroupsPath": "nslab-x\/..\/..\/system.slice",/' 'linux.cgroupsPath "nslab-x/../../system.slice": no "." or ".." in it'
	bad_config 's/"resources": {/"resources": {"memory": {"swap": 1048576},/' 'linux.resources.memory.swap: only with a memory.limit'
	bad_config 's/"resources": {/"resources": {"memory": {"limit": 67108864, "swap": 1048576},/' 'linux.resources.memory.swap: 1048576, less than memory.limit (67108864)'
	bad_config 's/"resources": {/"resources": {"pids": {"limit": "many"},/' 'linux.resources.pids.limit: an integer from'
	bad_config 's/"resources": {/"resources": {"cpu": {"quota": 10},/' "linux.resources.cpu.quota: 10 us, less than the kernel's 1000"
	# linux.devices and resources.devices.
	bad_config 's|"linux": {|"linux": {"devices": [{"path": "/etc/shadow", "type": "c", "major": 1, "minor": 3}],|' 'linux.devices[0].path: "/etc/shadow": nslab makes device nodes below /dev only'
	bad_config 's|"linux": {|"linux": {"devices": [{"path": "/dev/../etc/x", "type": "c", "major": 1, "minor": 3}],|' 'linux.devices[0].path: "/dev/../etc/x": no "." or ".."'
	bad_config 's|"linux": {|"linux": {"devices": [{"path": "/dev/x", "type": "s", "major": 1, "minor": 3}],|' 'linux.devices[0].type: "s", not "c", "u", "b" or "p"'
	bad_config 's|"linux": {|"linux": {"devices": [{"path": "/dev/x", "type": "b", "minor": 3}],|' 'linux.devices[0].major: missing'
	bad_config 's|"allow": false,|"allow": false, "type": "a", "major": 8,|' 'linux.resources.devices[0]: type "a" is every device, with every access'
	bad_config 's|"allow": false,|"allow": false, "type": "c", "major": 1, "minor": 3, "access": "rwx", "x": |; s|"access": "rwm"$|"rwm"|' 'linux.resources.devices[0].access: "rwx", not some of "rwm"'
	bad_config 's|"access": "rwm"$|"access": "rwm"}, {"allow": true, "type": "c", "major": 10}, {"allow": false, "type": "c", "major": 10, "minor": 229|' 'linux.resources.devices[2]: a deny that overlaps the allow of [1] without being the same device: cgroup v1 would keep the allow'
	bad_config 's|"linux": {|"linux": {"devices": [{"path": "/dev/shm/x", "type": "c", "major": 1, "minor": 3}],|' 'linux.devices[0].path: "/dev/shm/x": in a file system of its own'
	bad_config 's|"linux": {|"linux": {"devices": [{"path": "/dev/x", "type": "c", "major": 4096, "minor": 3}],|' 'linux.devices[0].major: an integer from 0 to 4095'
	# linux.sysctl: only a namespace's own, and net.* only with a network
	# namespace; process.oomScoreAdj in the kernel's range.
	bad_config 's/"linux": {/"linux": {"sysctl": {"kernel.pid_max": "100"},/' 'linux.sysctl: "kernel.pid_max" belongs to no namespace: it would change the host'
	bad_config 's/"linux": {/"linux": {"sysctl": {"net.ipv4.ip_forward": "1"},/; s/"type": "network"/"type": "cgroup"/' 'linux.sysctl: "net.ipv4.ip_forward" is the network namespace'"'"'s, and the container has the host'"'"'s'
	bad_config 's/"linux": {/"linux": {"sysctl": {"kernel.shmmax": 1},/' 'linux.sysctl.kernel.shmmax: a number, not a string'
	bad_config 's/"linux": {/"linux": {"sysctl": {"kernel\/shmmax": "1"},/' 'linux.sysctl: "kernel/shmmax" is not a sysctl'"'"'s name'
	bad_config 's/"terminal": false,/"terminal": false, "oomScoreAdj": -1001,/' 'process.oomScoreAdj: -1001 is not an integer from -1000 to 1000'
	# Too deep, too big.
	local b=$T/bad
	printf '%s' "$(printf '[%.0s' $(seq 100))" >"$b/config.json"
	run --separate-stderr "$CTR" --root "$R" create --bundle "$b" bad
	assert_failure 125
	[[ $stderr == *'column 65: expected at most 64 levels of nesting'* ]]
	head -c $((5 << 20)) /dev/zero | tr '\0' ' ' >"$b/config.json"
	run --separate-stderr "$CTR" --root "$R" create --bundle "$b" bad
	assert_failure 125
	[[ $stderr == *'config.json: 5242880 bytes, at most 4194304'* ]]
	[ ! -e "$R/bad" ]
	assert_host_unchanged
}

@test "07o.7 create fails in the init (a hostname the kernel refuses): nothing left, the init reaped" {
	need_root
	local b=$T/bundle long
	oci_bundle "$b" "$ROOTFS"
	long=$(printf 'h%.0s' $(seq 80))
	sed -i "s/\"hostname\": \"runc\"/\"hostname\": \"$long\"/" "$b/config.json"
	run --separate-stderr "$CTR" --root "$R" create --bundle "$b" c7
	assert_failure 125
	[[ $stderr == *"sethostname(\"$long\"): Invalid argument"* ]]
	[[ $stderr == *'create "c7": the container could not be built'* ]]
	[ ! -e "$R/c7" ]
	assert_host_unchanged
}

@test "07o.8 no --root: the state goes to /run/nslab-oci, and the last delete, or a failed create, removes that directory too" {
	need_root
	[ ! -e /run/nslab-oci ] || skip "/run/nslab-oci is in use on this machine"
	local b=$T/bundle
	oci_bundle "$b" "$ROOTFS"
	echo "exit 0" >"$T/io/cmd.sh"
	"$CTR" create --bundle "$b" "nslab-check-$$" >/dev/null 2>"$T/err" </dev/null
	[ -p "/run/nslab-oci/nslab-check-$$/exec.fifo" ]
	run "$CTR" delete --force "nslab-check-$$"
	assert_success
	[ ! -e /run/nslab-oci ]
	assert_equal "$(cat "$T/err")" ""
	# A create that fails in the init leaves no /run/nslab-oci either.
	sed -i "s/\"hostname\": \"runc\"/\"hostname\": \"$(printf 'h%.0s' $(seq 80))\"/" "$b/config.json"
	run "$CTR" create --bundle "$b" "nslab-check-$$"
	assert_failure 125
	[ ! -e /run/nslab-oci ]
	assert_host_unchanged
}

@test "07o.9 process.terminal: the pty's master goes to the engine's --console-socket; the command's stdio is a pty of the container's own devpts, consoleSize its size" {
	need_root
	need_cmd gcc gcc
	local b=$T/bundle pts host_pts
	make -s -C "$NSLAB_ROOT/tests/probes" BINDIR="$T/probes" "$T/probes/console" >/dev/null
	oci_bundle "$b" "$ROOTFS"
	sed -i 's|"terminal": false,|"terminal": true, "consoleSize": {"height": 30, "width": 100},|' "$b/config.json"
	# shellcheck disable=SC2016
	echo 'tty; stty size; echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	# The engine's end: listening before create, reading the master
	# until the container's side closes.
	con=$("$T/probes/console" "$T/console.sock" "$T/console.out" 60)
	"${OCI[@]}" create --bundle "$b" --console-socket "$T/console.sock" t1 >"$T/out" 2>"$T/err" </dev/null ||
		{ cat "$T/err" >&2; false; }
	init=$(oci_pid t1)
	"${OCI[@]}" start t1
	fifo_read inside "$T/io/up"
	cmd=$(child_with_nspid "$init" 2)
	for fd in 0 1 2; do
		assert_equal "$(readlink "/proc/$cmd/fd/$fd")" /dev/pts/0
	done
	pts=$(stat -L -c '%d' "/proc/$cmd/fd/0")
	host_pts=$(stat -c %d /dev/pts/ptmx)
	[ "$pts" != "$host_pts" ] || fail "the pty is on the host's devpts"
	# A session leader whose controlling terminal is /dev/pts/0 (136:0).
	assert_equal "$(sed 's/.*) //' "/proc/$cmd/stat" | awk '{ print $4, $5 }')" "$cmd 34816"
	# exec --tty: a second pty of the same devpts, to a second socket,
	# the pty the exec'd command's own (made its user's).
	con2=$("$T/probes/console" "$T/console2.sock" "$T/console2.out" 60)
	oci_process "$T/p.json" '["sh", "-c", "tty; stty size; stat -c %u /proc/self/fd/0"]' \
		'"consoleSize": {"height": 25, "width": 90},'
	sed -i 's/"terminal": false/"terminal": true/' "$T/p.json"
	"${OCI[@]}" exec --process "$T/p.json" --tty --console-socket "$T/console2.sock" --detach t1 \
		>>"$T/out" 2>>"$T/err" </dev/null
	wait_for gone "$con2"
	run cat "$T/console2.out"
	assert_line "size 25x90"
	assert_line $'/dev/pts/1\r'
	assert_line $'25 90\r'
	assert_line $'65534\r'
	# One that cannot exec said why on its pty, which an engine reads
	# only once exec has returned: exec's own last line says it too.
	con3=$("$T/probes/console" "$T/console3.sock" "$T/console3.out" 60)
	oci_process "$T/p3.json" '["/no/such/binary"]'
	sed -i 's/"terminal": false/"terminal": true/' "$T/p3.json"
	run --separate-stderr "${OCI[@]}" exec --process "$T/p3.json" --tty --console-socket "$T/console3.sock" \
		--detach t1 </dev/null
	assert_failure 125
	[[ ${stderr_lines[-1]} == *'exec "t1": the process could not be started: '*'"/no/such/binary"'*': No such file or directory' ]] ||
		fail "$stderr"
	wait_for gone "$con3"
	resume
	wait_for stopped t1
	wait_for gone "$con"
	run cat "$T/console.out"
	assert_line "size 30x100"
	assert_line $'/dev/pts/0\r'
	assert_line $'30 100\r'
	assert_equal "$(cat "$T/out" "$T/err")" ""
	run "${OCI[@]}" delete t1
	assert_success
	rm "$T/console.sock" "$T/console2.sock" "$T/console3.sock"
	assert_host_unchanged
}

# create of BUNDLE as ID in the background ($ctr), paused by run's test
# hook once the init said "ready" and before the state is written; its
# stderr is read, through the fifo $T/err, to that line ($errfd stays
# open: close it once create is gone).
create_paused() { # create_paused BUNDLE ID
	local line paused=''
	mkfifo "$T/err"
	NSLAB_PAUSE_AT=ready "$CTR" --root "$R" create --bundle "$1" "$2" >/dev/null 2>"$T/err" </dev/null 3>&- &
	ctr=$!
	watchdog_start "$ctr"
	exec {errfd}<"$T/err"
	while IFS= read -r line <&"$errfd"; do
		[[ $line != *"paused at ready (NSLAB_PAUSE_AT)"* ]] || { paused=1; break; }
	done
	watchdog_stop
	[ -n "$paused" ] || fail "create never paused at ready"
}

@test "07o.10 create killed after the init's \"ready\", before the state: the init ends too; delete removes what is left, and the id is free again" {
	need_root
	local b=$T/bundle
	oci_bundle "$b" "$ROOTFS"
	echo "exit 0" >"$T/io/cmd.sh"
	create_paused "$b" c10
	init=$(children_of "$ctr")
	[ -n "$init" ]
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	exec {errfd}<&-
	# Its socket closed before the last byte: the init, built and
	# hardened, ends instead of waiting for a start nobody can find.
	wait_for gone "$init"
	[ -p "$R/c10/exec.fifo" ]
	[ ! -e "$R/c10/state.json" ]
	run --separate-stderr "$CTR" --root "$R" state c10
	assert_failure 125
	[[ $stderr == *'container "c10" does not exist'* ]]
	run "$CTR" --root "$R" delete c10
	assert_success
	[ ! -e "$R/c10" ]
	"$CTR" --root "$R" create --bundle "$b" c10 >/dev/null 2>&1 </dev/null
	run "$CTR" --root "$R" delete --force c10
	assert_success
	assert_host_unchanged
}

# A process.json, as podman and the shim write one for exec: ARGS (a
# JSON array) as uid:gid 65534, in /tmp, with an environment of two
# variables, CAP_KILL alone, RLIMIT_NOFILE 256/512; EXTRA (JSON members,
# each ending in a comma) before the rest.
oci_process() { # oci_process FILE ARGS [EXTRA]
	printf '{%s "terminal": false, "user": {"uid": 65534, "gid": 65534}, "args": %s, "env": ["PATH=/bin:/usr/bin", "ONLY=this"], "cwd": "/tmp", "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}, "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}], "noNewPrivileges": true}\n' \
		"${3:-}" "$2" >"$1"
}

@test "07o.11 exec --process: a second process in every namespace of a running container, with process.json's user, capabilities, limits, cwd and environment; --detach leaves it to the caller once it exec'd (a command that cannot exec fails it), --pid-file names it; without, its status" {
	need_root
	local b=$T/bundle epid p nsp
	oci_bundle "$b" "$ROOTFS"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	"${OCI[@]}" create --bundle "$b" e1 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid e1)
	"${OCI[@]}" start e1
	fifo_read inside "$T/io/up"
	# Waited for: its output is ours, its status exec's.
	oci_process "$T/p1.json" '["sh", "-c", "id -u; id -g; pwd; tr \\\\0 \\\\n </proc/$$/environ | sort; exit 7"]'
	run --separate-stderr "${OCI[@]}" exec --process "$T/p1.json" e1
	assert_failure 7
	assert_equal "$output" "$(printf '%s\n' 65534 65534 /tmp ONLY=this PATH=/bin:/usr/bin)"
	assert_equal "$stderr" ""
	# The other two sets: as uid 65534, only what is ambient survives
	# execve(2), into permitted and effective (CAP_KILL, bit 5); the
	# inheritable set stays as given (CAP_CHOWN, bit 0, too). The user's
	# umask (23 is 027) and supplementary groups. noNewPrivileges false
	# does not take no_new_privs from a container that has it (runc
	# spec's). The kernel's record of grep, exec'd by sh.
	printf '{"terminal": false, "user": {"uid": 65534, "gid": 65534, "additionalGids": [5, 100], "umask": 23}, "args": ["sh", "-c", "grep -E \\"^(Umask|Groups|Cap(Inh|Prm|Eff|Amb)|NoNewPrivs):\\" /proc/self/status"], "cwd": "/", "capabilities": {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": ["CAP_KILL", "CAP_CHOWN"], "ambient": ["CAP_KILL"]}, "noNewPrivileges": false}\n' >"$T/p4.json"
	run --separate-stderr "${OCI[@]}" exec --process "$T/p4.json" e1
	assert_success
	assert_equal "$output" "$(printf '%s:\t%s\n' Umask 0027 Groups '5 100 ' CapInh 0000000000000021 \
		CapPrm 0000000000000020 CapEff 0000000000000020 CapAmb 0000000000000020 NoNewPrivs 1)"
	# Detached, as podman exec and the shim call it.
	mkfifo -m 666 "$T/io/eup" "$T/io/edown"
	# shellcheck disable=SC2016
	oci_process "$T/p2.json" '["sh", "-c", "echo $$ >/mnt/eup; cat /mnt/edown"]'
	# Its streams are ours (files: it keeps them after we exit).
	"${OCI[@]}" exec --process "$T/p2.json" --detach --pid-file "$T/epid" e1 \
		>"$T/eout" 2>"$T/eerr" </dev/null
	assert_equal "$(cat "$T/eout" "$T/eerr")" ""
	epid=$(cat "$T/epid")
	fifo_read nsp "$T/io/eup"
	# The runtime has exited and left it to its caller (here nobody's:
	# an engine would be its subreaper); from outside, it is in the
	# init's namespaces, as its pid there says, with the user and the
	# capability set asked for, no_new_privs, run's seccomp filter, the limit, the cwd.
	assert_equal "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$epid/status")" "$nsp"
	[ "$nsp" -gt 2 ]
	for ns in pid mnt uts ipc net cgroup; do
		assert_equal "$(readlink "/proc/$epid/ns/$ns")" "$(readlink "/proc/$init/ns/$ns")"
	done
	assert_equal "$(awk '$1 == "Uid:" { print $2, $3 }' "/proc/$epid/status")" "65534 65534"
	# The set bounds it; as a user other than root, with no ambient
	# set, execve(2) left it none in hand (capabilities(7)), as runc's.
	assert_equal "$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$epid/status")" 0000000000000020
	assert_equal "$(awk '$1 == "CapPrm:" || $1 == "CapEff:" { printf "%s ", $2 }' "/proc/$epid/status")" \
		"0000000000000000 0000000000000000 "
	assert_equal "$(awk '$1 == "NoNewPrivs:" || $1 == "Seccomp:" { printf "%s ", $2 }' "/proc/$epid/status")" "1 2 "
	assert_equal "$(awk '/^Max open files/ { print $4, $5 }' "/proc/$epid/limits")" "256 512"
	assert_equal "$(stat -L -c %d:%i "/proc/$epid/cwd")" "$(stat -c %d:%i "$ROOTFS/tmp")"
	p=$(awk '$1 == "PPid:" { print $2 }' "/proc/$epid/status")
	[ "$(readlink "/proc/$p/exe" 2>/dev/null)" != "$CTR" ] || fail "its parent is a runtime"
	resume "$T/io/edown"
	wait_for gone "$epid"
	# Detached, a command that cannot exec fails exec too, as runc's:
	# the runtime waits for its execve(), not for its end.
	oci_process "$T/p4.json" '["/no/such/binary"]'
	run --separate-stderr "${OCI[@]}" exec --process "$T/p4.json" --detach e1
	assert_failure 125
	[[ $stderr == *'"/no/such/binary"'*'failed before its execve()'* ]] || fail "$stderr"
	[[ ${stderr_lines[-1]} == *'exec "e1": the process could not be started: '*'"/no/such/binary"'*': No such file or directory' ]] ||
		fail "$stderr"
	# No exec into a container that is gone, nor from a bad file.
	oci_process "$T/p3.json" '[]'
	run --separate-stderr "${OCI[@]}" exec --process "$T/p3.json" e1
	assert_failure 125
	[[ $stderr == *'process.json: process.args: empty'* ]]
	# conmon's order, with no global option first: the OCI runtime's
	# exec (its error), not run's.
	run --separate-stderr "$CTR" exec --pid-file "$T/x.pid" --process "$T/p1.json" --detach no-such-id
	assert_failure 125
	[[ $stderr == *'container "no-such-id" does not exist'* ]]
	run --separate-stderr "${OCI[@]}" exec --process "$T/p1.json" --tty e1
	assert_failure 2
	[[ $stderr == *'--tty: the pty'"'"'s master needs a --console-socket'* ]]
	resume
	wait_for stopped e1
	run --separate-stderr "${OCI[@]}" exec --process "$T/p1.json" e1
	assert_failure 125
	[[ $stderr == *'container "e1" is not running'* ]]
	run "${OCI[@]}" delete e1
	assert_success
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

# A profile for 07o.12: everything allowed, but chmod to a world-writable
# mode (EACCES, by its mode argument), mkdir (ENOTSUP, whatever the
# arguments) and sync (the process is killed). A call no header of this
# machine knows is skipped; the architectures are libseccomp's names.
SECCOMP_PROFILE='{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
 "syscalls": [
  {"names": ["chmod", "fchmodat", "fchmod", "no_such_call"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
   "args": [{"index": 1, "value": 2, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]},
  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95},
  {"names": ["sync"], "action": "SCMP_ACT_KILL_PROCESS"}]}'

@test "07o.12 linux.seccomp: the profile, compiled to BPF, is what the kernel enforces, by argument too, on the command and on exec's; a call this build does not know is skipped" {
	need_root
	local b=$T/bundle epid
	oci_bundle "$b" "$ROOTFS"
	sed -i "s|\"linux\": {|\"linux\": {\"seccomp\": $(tr -d '\n' <<<"$SECCOMP_PROFILE"),|" "$b/config.json"
	# shellcheck disable=SC2016
	echo 'touch /mnt/f; chmod 640 /mnt/f; chmod 646 /mnt/f 2>/mnt/chmod.err; mkdir /mnt/d 2>/mnt/mkdir.err; (sync); echo $? >/mnt/sync; echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	"${OCI[@]}" create --bundle "$b" s1 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid s1)
	"${OCI[@]}" start s1
	fifo_read inside "$T/io/up"
	# The host sees what passed and what did not.
	assert_equal "$(stat -c %a "$T/io/f")" 640
	[ ! -e "$T/io/d" ]
	assert_equal "$(cat "$T/io/chmod.err")" "chmod: /mnt/f: Permission denied"
	assert_equal "$(cat "$T/io/mkdir.err")" "mkdir: can't create directory '/mnt/d': Operation not supported"
	assert_equal "$(cat "$T/io/sync")" $((128 + 31)) # SIGSYS
	cmd=$(child_with_nspid "$init" 2)
	assert_equal "$(awk '$1 == "Seccomp:" || $1 == "Seccomp_filters:" { printf "%s ", $2 }' "/proc/$cmd/status")" "2 1 "
	# exec: the filter create compiled, even once the bundle says
	# otherwise (the runtime keeps it, as runc keeps its config).
	sed -i 's|"linux": {"seccomp": |"linux": {"seccomp-was": |' "$b/config.json"
	# shellcheck disable=SC2016
	oci_process "$T/p.json" '["sh", "-c", "touch /mnt/g; chmod 606 /mnt/g; mkdir /mnt/e; (sync); echo $?; exit 4"]'
	run --separate-stderr "${OCI[@]}" exec --process "$T/p.json" s1
	assert_failure 4
	assert_output $((128 + 31))
	[[ $stderr == *"chmod: /mnt/g: Permission denied"* ]]
	[[ $stderr == *"mkdir: can't create directory '/mnt/e': Operation not supported"* ]]
	[ ! -e "$T/io/e" ]
	assert_equal "$(stat -c %a "$T/io/g")" 644
	resume
	wait_for stopped s1
	"${OCI[@]}" delete s1
	[ ! -e "$R/s1" ]
	# The command's stderr is the runtime's: only the shell's word on
	# its child's SIGSYS.
	assert_equal "$(cat "$T/err")" "Bad system call"
	assert_host_unchanged
}

@test "07o.13 linux.namespaces[].path: the container joins a holder's network, IPC, UTS, mount and PID namespaces instead of making its own; the host sees the same ids" {
	need_root
	local b=$T/bundle h holder ns
	oci_bundle "$b" "$ROOTFS"
	# The holder: a process in namespaces of its own (unshare(1)), waiting
	# on a fifo; sh is pid 1 of its PID namespace.
	mkfifo "$T/hup" "$T/hdown"
	# Its fifo is opened before it says "up": once the container has
	# pivoted the holder's mount namespace, that path is gone for it.
	unshare --net --ipc --uts --mount --pid --fork sh -c 'exec 3<>"$2"; echo up >"$1"; read -r _ <&3' _ \
		"$T/hup" "$T/hdown" &
	holder=$!
	fifo_read h "$T/hup"
	h=$(child_with_nspid "$holder" 1)
	[ -n "$h" ]
	for ns in network:net ipc:ipc uts:uts mount:mnt pid:pid; do
		sed -i "s|\"type\": \"${ns%%:*}\"|\"type\": \"${ns%%:*}\", \"path\": \"/proc/$h/ns/${ns#*:}\"|" "$b/config.json"
	done
	# And no_new_privs left off, as the config says.
	sed -i 's/"noNewPrivileges": true/"noNewPrivileges": false/' "$b/config.json"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	"${OCI[@]}" create --bundle "$b" j1 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid j1)
	"${OCI[@]}" start j1
	fifo_read inside "$T/io/up"
	# From the host: the init's namespaces are the holder's, not new
	# ones, and not the host's; born in the holder's PID namespace, the
	# init is not its pid 1 (the holder's sh is).
	for ns in net ipc uts mnt pid; do
		assert_equal "$(readlink "/proc/$init/ns/$ns")" "$(readlink "/proc/$h/ns/$ns")"
		[ "$(readlink "/proc/$init/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ]
	done
	[ "$(awk '$1 == "NSpid:" { print NF - 1 }' "/proc/$init/status")" -eq 2 ]
	[ "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$init/status")" -gt 1 ]
	[ "$inside" -gt 2 ]
	# The config's hostname went to the joined UTS namespace.
	assert_equal "$(nsenter -t "$h" -u hostname)" runc
	cmd=$(child_with_nspid "$init" "$inside")
	assert_equal "$(awk '$1 == "NoNewPrivs:" { print $2 }' "/proc/$cmd/status")" 0
	resume
	wait_for stopped j1
	"${OCI[@]}" delete j1
	echo released >"$T/hdown"
	wait "$holder"
	holder=
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

# The cgroupsPath 07o.14 gives, below a cgroup of nslab's own: from the
# cgroup2 root in nslab's home there, where v2 holds the controllers (a
# systemd machine, the VM); else, on a hybrid or v1 host, relative:
# below this shell's own cgroups, the only ones a check may make here.
oci_cgroups_path() { # oci_cgroups_path NAME
	if [ "$(served_by memory)" = 2 ]; then
		echo "/nslab/oci-$$/$1"
	else
		echo "nslab-oci-$$/$1"
	fi
}

@test "07o.14 linux.cgroupsPath and resources: the container's cgroups where the config says, its limits in their files and in force, the init and exec's commands in them from the start; delete removes them and the parents it made" {
	need_root
	local b=$T/bundle cg ctrl d dirs=() forked
	oci_bundle "$b" "$ROOTFS"
	cg=$(oci_cgroups_path c14)
	sed -i -e "s|\"linux\": {|\"linux\": {\"cgroupsPath\": \"$cg\",|" \
		-e 's|"resources": {|"resources": {"memory": {"limit": 67108864, "swap": 134217728}, "pids": {"limit": 16}, "cpu": {"quota": 50000, "period": 100000, "shares": 512}, "blockIO": {"weight": 10},|' \
		"$b/config.json"
	grep -q '"pids": {"limit": 16}' "$b/config.json"
	# Once told to, the command's second shell forks sleeps until the
	# pids limit stops it.
	mkfifo -m 666 "$T/io/more"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; while read -r l; do echo "$l"; done </proc/self/cgroup >/mnt/cg; read -r m 2>/dev/null </sys/fs/cgroup/pids.max || read -r m 2>/dev/null </sys/fs/cgroup/pids/pids.max; echo "${m:-none}" >/mnt/pidsmax; read -r _ </mnt/more; sh -c "i=0; while [ \$i -lt 30 ]; do sleep 1000 & i=\$((i + 1)); done" 2>/mnt/forkerr; echo forked >/mnt/up; read -r _ </mnt/down' >"$T/io/cmd.sh"
	"${OCI[@]}" --debug create --bundle "$b" c14 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid c14)
	# Created: the init is in them before it has run anything, in each
	# hierarchy: the v2 one (where there is one) and v1's for memory,
	# pids and cpu, wherever those are served.
	for ctrl in memory pids cpu; do
		d=$(cgroup_of "$init" "$([ "$(served_by $ctrl)" = 2 ] || echo $ctrl)")
		[[ $d == *"/${cg#/}" ]] || fail "$ctrl: the init is in $d, not in $cg"
		dirs+=("$d")
	done
	assert_equal "$(limit_file "$init" memory memory.max memory.limit_in_bytes | xargs cat)" 67108864
	# Memory plus swap, 128M: v2 counts the swap alone.
	if [ "$(served_by memory)" = 2 ]; then
		assert_equal "$(cat "${dirs[0]}/memory.swap.max")" 67108864
	elif [ -e "${dirs[0]}/memory.memsw.limit_in_bytes" ]; then
		assert_equal "$(cat "${dirs[0]}/memory.memsw.limit_in_bytes")" 134217728
	fi
	assert_equal "$(cat "${dirs[1]}/pids.max")" 16
	if [ "$(served_by cpu)" = 2 ]; then
		assert_equal "$(cat "${dirs[2]}/cpu.max")" "50000 100000"
		assert_equal "$(cat "${dirs[2]}/cpu.weight")" 20
	else
		assert_equal "$(cat "${dirs[2]}/cpu.cfs_quota_us") $(cat "${dirs[2]}/cpu.cfs_period_us")" "50000 100000"
		assert_equal "$(cat "${dirs[2]}/cpu.shares")" 512
	fi
	# What is not applied is said (--debug), not silently dropped.
	grep -q 'linux.resources.blockIO: not applied' "$T/err"
	"${OCI[@]}" start c14
	fifo_read inside "$T/io/up"
	cmd=$(child_with_nspid "$init" "$inside")
	# Inside, its cgroup namespace is rooted at its own cgroup.
	grep -q '^0::/$' "$T/io/cg"
	# runc spec's cgroup mount: on a cgroup2 host, a cgroup2 of the
	# container's own at /sys/fs/cgroup, read-only, its root the
	# container's cgroup (mountinfo writes a root as the reader's cgroup
	# namespace sees it: from here, the host's path; inside, pids.max is
	# the limit). On v1 (or hybrid): a read-only tmpfs, and in it,
	# read-only too, each v1 hierarchy the container has a cgroup in,
	# mounted anew in its cgroup namespace, so rooted at that cgroup.
	if [ "$(served_by pids)" = 2 ]; then
		assert_equal "$(awk '$5 == "/sys/fs/cgroup" { for (i = 7; $i != "-"; i++); print $4, $(i + 1), ($6 ~ /(^|,)ro(,|$)/) }' "/proc/$cmd/mountinfo")" "$cg cgroup2 1"
	else
		assert_equal "$(awk '$5 == "/sys/fs/cgroup" { for (i = 7; $i != "-"; i++); print $(i + 1), ($6 ~ /(^|,)ro(,|$)/) }' "/proc/$cmd/mountinfo")" "tmpfs 1"
		local i=0 top
		for ctrl in memory pids cpu; do
			d=${dirs[i++]}
			[ "$(served_by $ctrl)" = 1 ] || continue
			top=$(findmnt -n -o TARGET -T "$d")
			assert_equal "$(awk -v m="/sys/fs/cgroup/${top##*/}" '$5 == m { for (i = 7; $i != "-"; i++); print $4, $(i + 1), ($6 ~ /(^|,)ro(,|$)/) }' "/proc/$cmd/mountinfo")" "${d#"$top"} cgroup 1"
		done
	fi
	assert_equal "$(cat "$T/io/pidsmax")" 16
	# exec's command joins them before it is released.
	oci_process "$T/p.json" '["sh", "-c", "cat /proc/self/cgroup"]'
	run --separate-stderr "${OCI[@]}" exec --process "$T/p.json" c14
	assert_success
	grep -qx '0::/' <<<"$output"
	# The pids limit in force: 16 tasks at most, the init, two shells
	# and 13 sleeps, and the fork of a 14th refused by the kernel; the
	# second shell is gone by now.
	echo go >"$T/io/more"
	fifo_read forked "$T/io/up"
	assert_equal "$forked" forked
	assert_equal "$(wc -l <"${dirs[1]}/cgroup.procs")" 15
	assert_equal "$(while read -r p; do cat "/proc/$p/comm"; done <"${dirs[1]}/cgroup.procs" | grep -c '^sleep$')" 13
	[ -s "$T/io/forkerr" ]
	resume
	wait_for stopped c14
	"${OCI[@]}" delete c14
	# Gone, with the parents create made: nslab-oci-PID (or
	# nslab/oci-PID) in every hierarchy.
	for d in "${dirs[@]}"; do
		[ ! -e "$d" ] || fail "$d is left"
		[ ! -e "${d%/c14}" ] || fail "${d%/c14} is left"
	done
	assert_host_unchanged
}

@test "07o.15 a cgroup that cannot be made fails create, with the call that failed, and leaves nothing; --cgroup-manager disabled makes none" {
	need_root
	local b=$T/bundle
	oci_bundle "$b" "$ROOTFS"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; read -r _ </mnt/down' >"$T/io/cmd.sh"
	# Below a file, with a memory limit, which must have its cgroup. (On
	# cgroup v2 it fails sooner: this shell's cgroup does not give memory
	# to its children, and nslab does not change a cgroup it did not make.)
	sed -i -e 's|"linux": {|"linux": {"cgroupsPath": "cgroup.procs/c15",|' \
		-e 's|"resources": {|"resources": {"memory": {"limit": 67108864},|' "$b/config.json"
	run --separate-stderr "${OCI[@]}" create --bundle "$b" c15
	assert_failure 125
	assert_equal "$output" ""
	[[ $stderr == *'create "c15": its cgroups could not be made'* ]]
	[[ $stderr == *'mkdir('*'/cgroup.procs/c15"): Not a directory'* || $stderr == *'/cgroup.subtree_control lists no "memory"'* ]]
	[ ! -e "$R/c15" ]
	# What podman asks with --cgroups=disabled: the config's cgroups are
	# not made, and the container stays in ours.
	"${OCI[@]}" --cgroup-manager=disabled create --bundle "$b" c15 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid c15)
	assert_equal "$(cat "/proc/$init/cgroup")" "$(cat /proc/self/cgroup)"
	[ ! -e "$R/c15/cgroup" ]
	"${OCI[@]}" delete --force c15
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

@test "07o.16 --systemd-cgroup: slice:prefix:name is the scope's cgroup in its slices, as systemd lays them out; delete removes the slices it made" {
	need_root
	[ "$(served_by pids)" = 2 ] || skip "cgroup v1 holds the controllers here, and the systemd form's path, absolute, would be made outside this shell's own v1 cgroups"
	local b=$T/bundle top
	top=$(cgroup_dir '' /)
	[ ! -e "$top/nslab.slice" ] || skip "$top/nslab.slice is there already"
	oci_bundle "$b" "$ROOTFS"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; read -r _ </mnt/down' >"$T/io/cmd.sh"
	sed -i -e "s|\"linux\": {|\"linux\": {\"cgroupsPath\": \"nslab-oci$$.slice:nslab:c16\",|" \
		-e 's|"resources": {|"resources": {"pids": {"limit": 20},|' "$b/config.json"
	"${OCI[@]}" --systemd-cgroup create --bundle "$b" c16 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid c16)
	assert_equal "$(cgroup_of "$init" '')" "$top/nslab.slice/nslab-oci$$.slice/nslab-c16.scope"
	assert_equal "$(cat "$top/nslab.slice/nslab-oci$$.slice/nslab-c16.scope/pids.max")" 20
	"${OCI[@]}" start c16
	fifo_read inside "$T/io/up"
	resume
	wait_for stopped c16
	"${OCI[@]}" delete c16
	[ ! -e "$top/nslab.slice" ]
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

@test "07o.17 linux.sysctl and process.oomScoreAdj: the container's own IPC and network settings, read from the host in its namespaces, the host's untouched; the init, the command and exec's command get their oom_score_adj" {
	need_root
	local b=$T/bundle cmd shm fwd msg
	shm=$(cat /proc/sys/kernel/shmmax) fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	msg=$(cat /proc/sys/kernel/msgmax)
	oci_bundle "$b" "$ROOTFS"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; read -r _ </mnt/down' >"$T/io/cmd.sh"
	# A value the host does not have, to tell them apart.
	sed -i -e 's|"linux": {|"linux": {"sysctl": {"kernel.shmmax": "123456789", "kernel.msgmax": "4242", "net.ipv4.ip_forward": "'$((1 - fwd))'"},|' \
		-e 's|"terminal": false,|"terminal": false, "oomScoreAdj": 400,|' "$b/config.json"
	"${OCI[@]}" create --bundle "$b" c17 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid c17)
	"${OCI[@]}" start c17
	fifo_read inside "$T/io/up"
	cmd=$(children_of "$init")
	# Read where the kernel keeps them: in the container's IPC and network
	# namespaces, which nsenter joins; the host's own are as they were.
	assert_equal "$(nsenter -t "$cmd" -i cat /proc/sys/kernel/shmmax)" 123456789
	assert_equal "$(nsenter -t "$cmd" -i cat /proc/sys/kernel/msgmax)" 4242
	assert_equal "$(nsenter -t "$cmd" -n cat /proc/sys/net/ipv4/ip_forward)" $((1 - fwd))
	assert_equal "$(cat /proc/sys/kernel/shmmax)" "$shm"
	assert_equal "$(cat /proc/sys/kernel/msgmax)" "$msg"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd"
	assert_equal "$(cat "/proc/$init/oom_score_adj")" 400
	assert_equal "$(cat "/proc/$cmd/oom_score_adj")" 400
	# exec's process.json has its own, and the container sees its own
	# sysctls through its read-only /proc/sys.
	oci_process "$T/p.json" '["sh", "-c", "cat /proc/self/oom_score_adj /proc/sys/kernel/shmmax"]' '"oomScoreAdj": 600,'
	run --separate-stderr "${OCI[@]}" exec --process "$T/p.json" c17
	assert_success
	assert_equal "$output" "$(printf '600\n123456789')"
	resume
	wait_for stopped c17
	"${OCI[@]}" delete c17
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

# The mount at DEST in PID's mountinfo: "OPTIONS OPTIONAL-FIELDS..."
# (mountinfo's sixth field, then its optional ones: "shared:7"...).
mount_line() { # mount_line PID DEST
	awk -v d="$2" '$5 == d { s = $6; for (i = 7; $i != "-"; i++) s = s " " $i; print s }' "/proc/$1/mountinfo"
}

@test "07o.18 mounts' options: a bind mount's nosuid, nodev, noexec and ro, and the propagations, shared and unbindable, and the root's (rootfsPropagation rshared, each mount's own still winning), seen in the command's mountinfo; the host's mounts untouched" {
	need_root
	local b=$T/bundle cmd
	oci_bundle "$b" "$ROOTFS"
	mkdir "$T/src"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; read -r _ </mnt/down' >"$T/io/cmd.sh"
	sed -i "s|\"mounts\": \\[|\"mounts\": [{\"destination\": \"/srv/b\", \"type\": \"bind\", \"source\": \"$T/src\", \"options\": [\"rbind\", \"nosuid\", \"nodev\", \"noexec\", \"ro\", \"mode=755\", \"shared\"]}, {\"destination\": \"/srv/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"size=1m\", \"shared\", \"unbindable\"]}, {\"destination\": \"/srv/p\", \"type\": \"bind\", \"source\": \"$T/src\", \"options\": [\"bind\", \"rprivate\"]},|" "$b/config.json"
	sed -i 's|"linux": {|"linux": {"rootfsPropagation": "rshared",|' "$b/config.json"
	"${OCI[@]}" create --bundle "$b" c18 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid c18)
	"${OCI[@]}" start c18
	fifo_read inside "$T/io/up"
	cmd=$(children_of "$init")
	# The flags on the mount itself; a shared one in a peer group of its
	# own (the container's mounts were all made private first); the
	# last propagation of a mount wins.
	[[ $(mount_line "$cmd" /srv/b) =~ ^ro,nosuid,nodev,noexec,[a-z]+\ shared:[0-9]+$ ]] ||
		fail "/srv/b: $(mount_line "$cmd" /srv/b)"
	[[ $(mount_line "$cmd" /srv/t) =~ ^rw,nosuid,[a-z]+\ unbindable$ ]] ||
		fail "/srv/t: $(mount_line "$cmd" /srv/t)"
	[[ $(mount_line "$cmd" /srv/p) =~ ^rw(,[a-z]+)*$ ]] || fail "/srv/p: $(mount_line "$cmd" /srv/p)"
	# rshared made / and what had no propagation of its own shared; the
	# three above kept theirs.
	[[ $(mount_line "$cmd" /) =~ ^[a-z,]+\ shared:[0-9]+$ ]] || fail "/: $(mount_line "$cmd" /)"
	[[ $(mount_line "$cmd" /mnt) =~ \ shared:[0-9]+$ ]] || fail "/mnt: $(mount_line "$cmd" /mnt)"
	# No peer of the host's: the shared groups are not ones the host has.
	local group
	for group in $(mount_line "$cmd" /srv/b | grep -o 'shared:[0-9]*') $(mount_line "$cmd" / | grep -o 'shared:[0-9]*'); do
		! grep -q " $group " /proc/self/mountinfo || fail "$group is a peer group of the host's"
	done
	resume
	wait_for stopped c18
	"${OCI[@]}" delete c18
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

@test "07o.19 linux.uidMappings and gidMappings of the config's own, as root: the kernel's maps of the init are those lines, the command's ids on the host follow them, the exec fifo is the init's; oomScoreAdj reaches the init, the command and an exec in that user namespace" {
	need_root
	local b=$T/bundle cmd
	oci_bundle "$b" "$ROOTFS"
	# shellcheck disable=SC2016
	echo 'id -u >/mnt/id; echo $$ >/mnt/up; read -r _ </mnt/down' >"$T/io/cmd.sh"
	sed -i -e 's/"type": "mount"/"type": "mount"}, {"type": "user"/' \
		-e 's/"namespaces": \[/"uidMappings": [{"containerID": 0, "hostID": 200000, "size": 1000}, {"containerID": 1000, "hostID": 300000, "size": 10}], "gidMappings": [{"containerID": 0, "hostID": 210000, "size": 2000}], "namespaces": [/' \
		-e 's/"uid": 0,/"uid": 1005,/' -e 's/"terminal": false,/"terminal": false, "oomScoreAdj": 300,/' \
		-e 's|"linux": {|"linux": {"devices": [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}],|' "$b/config.json"
	"${OCI[@]}" create --bundle "$b" c19 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid c19)
	# The init waits for start as 0 inside, 200000 outside, and the fifo
	# it waits on is that uid's.
	assert_equal "$(awk '{ $1 = $1; print }' "/proc/$init/uid_map")" "$(printf '0 200000 1000\n1000 300000 10')"
	assert_equal "$(awk '{ $1 = $1; print }' "/proc/$init/gid_map")" "0 210000 2000"
	assert_equal "$(status_of "$init" Uid)" "200000 200000 200000 200000"
	assert_equal "$(stat -c %u:%g "$R/c19/exec.fifo")" 200000:210000
	# oomScoreAdj, written from the host: in a user namespace of its own
	# the init could not (its /proc files are the host root's once it is
	# not dumpable), and an exec's command gets its own the same way.
	assert_equal "$(cat "/proc/$init/oom_score_adj")" 300
	printf '{"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["cat", "/proc/self/oom_score_adj"], "cwd": "/", "oomScoreAdj": 700}\n' >"$T/p.json"
	"${OCI[@]}" start c19
	fifo_read inside "$T/io/up"
	cmd=$(children_of "$init")
	# The command runs as 1005 inside: the second line's 300005 outside.
	assert_equal "$(cat "$T/io/id")" 1005
	assert_equal "$(status_of "$cmd" Uid)" "300005 300005 300005 300005"
	assert_equal "$(cat "/proc/$cmd/oom_score_adj")" 300
	run --separate-stderr "${OCI[@]}" exec --process "$T/p.json" c19
	assert_success
	assert_output 700
	resume
	wait_for stopped c19
	"${OCI[@]}" delete c19
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

# The capability mask of PID's CapEff, in hex, has CAP_MKNOD (27).
has_mknod() { # has_mknod PID
	(((0x$(status_of "$1" CapEff) >> 27) & 1))
}

# 07o.20's command: opens /dev/nslab/fuse to read and to write, makes
# /dev/tun (c 10:200) and opens it; each answer into /mnt/NAME, "opened"
# or the shell's error. Then it waits.
devices_cmd() {
	# shellcheck disable=SC2016
	printf '%s\n' 'try() { { (eval "exec 4$2\"$3\"") 2>&1 && echo opened; } >"/mnt/$1"; }' \
		'try fuse_r "<" /dev/nslab/fuse' 'try fuse_w ">" /dev/nslab/fuse' \
		'mknod /dev/tun c 10 200 2>/mnt/mknod && echo made >/mnt/mknod' 'try tun_r "<" /dev/tun' \
		'echo $$ >/mnt/up' 'read -r _ </mnt/down' >"$T/io/cmd.sh"
}

@test "07o.20 linux.devices and the devices cgroup: the nodes the config asks for, seen from the host in the container's /dev; CAP_MKNOD kept, and a node made inside refused (EPERM) but for what a rule allows; exec's command held the same; without a devices cgroup, no CAP_MKNOD" {
	need_root
	local b=$T/bundle cmd dev cg
	oci_bundle "$b" "$ROOTFS"
	devices_cmd
	# runc spec's rules deny every device; one more allows reading fuse's
	# (c 10:229: a driver anyone may open).
	sed -i -e 's/"CAP_KILL",/"CAP_KILL", "CAP_MKNOD",/g' \
		-e 's|"linux": {|"linux": {"devices": [{"path": "/dev/nslab/null", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1, "gid": 2}, {"path": "/dev/fifo", "type": "p", "fileMode": 384}, {"path": "/dev/nslab/fuse", "type": "c", "major": 10, "minor": 229}],|' \
		-e 's|"access": "rwm"$|"access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"|' \
		"$b/config.json"
	grep -q '"minor": 229, "access": "r"' "$b/config.json"
	"${OCI[@]}" --debug create --bundle "$b" c20 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid c20)
	"${OCI[@]}" start c20
	fifo_read inside "$T/io/up"
	cmd=$(children_of "$init")
	# The nodes, as the host sees them in the container's /dev.
	assert_equal "$(stat -c '%F %t:%T %a %u:%g' "/proc/$cmd/root/dev/nslab/null")" "character special file 1:3 640 1:2"
	assert_equal "$(stat -c '%F %a' "/proc/$cmd/root/dev/fifo")" "fifo 600"
	assert_equal "$(stat -c '%F %t:%T %a' "/proc/$cmd/root/dev/nslab/fuse")" "character special file a:e5 666"
	# CAP_MKNOD kept: /dev/tun was made. Opening it, and fuse's to write,
	# is EPERM: the devices cgroup's answer (both nodes are mode 0666).
	# fuse's read is what the rule allows: it opens, or the driver, not
	# the cgroup, answers (ENODEV where it is not loaded).
	has_mknod "$cmd"
	assert_equal "$(cat "$T/io/mknod")" made
	[[ $(cat "$T/io/fuse_w") == *"Operation not permitted"* ]] || fail "fuse, to write: $(cat "$T/io/fuse_w")"
	[[ $(cat "$T/io/tun_r") == *"Operation not permitted"* ]] || fail "tun: $(cat "$T/io/tun_r")"
	[[ $(cat "$T/io/fuse_r") != *"Operation not permitted"* ]] || fail "fuse, to read: $(cat "$T/io/fuse_r")"
	# Where the kernel keeps the rules: v1's list, or v2's program.
	cg=$(awk -F: '$2 ~ /(^|,)devices(,|$)/ { print $3 }' "/proc/$init/cgroup")
	if [ -n "$cg" ] && [ "$cg" != / ]; then
		dev=$(awk '$9 == "cgroup" && $NF ~ /(^|,)devices(,|$)/ { print $5; exit }' /proc/self/mountinfo)
		grep -qx 'c 10:229 r' "$dev$cg/devices.list"
		grep -qx 'c 1:3 rwm' "$dev$cg/devices.list"
		grep -q 'rules into .*devices.allow and devices.deny (v1)' "$T/err"
	else
		grep -q 'compiled to an eBPF program of [0-9]* instructions, attached to' "$T/err"
	fi
	# exec's command: under the same rules, with CAP_MKNOD.
	oci_process "$T/p.json" '["sh", "-c", "grep CapEff /proc/self/status; (exec 3>/dev/nslab/fuse) 2>&1"]'
	sed -i -e 's/"uid": 65534, "gid": 65534/"uid": 0, "gid": 0/' -e 's/"CAP_KILL"/"CAP_MKNOD"/g' "$T/p.json"
	run --separate-stderr "${OCI[@]}" exec --process "$T/p.json" c20
	assert_failure
	assert_line --index 0 --regexp 'CapEff:[[:space:]]*0*8000000$'
	assert_line --index 1 --partial "Operation not permitted"
	resume
	wait_for stopped c20
	"${OCI[@]}" delete c20
	[ -z "$dev" ] || [ ! -e "$dev$cg" ]
	# No devices cgroup (--cgroup-manager disabled): CAP_MKNOD is left
	# out, and said; the node linux.devices made opens to write.
	devices_cmd
	"${OCI[@]}" --cgroup-manager disabled --debug create --bundle "$b" c20b >/dev/null 2>"$T/err" </dev/null
	grep -q 'CAP_MKNOD left out: as root with no user namespace and no devices cgroup' "$T/err"
	init=$(oci_pid c20b)
	"${OCI[@]}" start c20b
	fifo_read inside "$T/io/up"
	if has_mknod "$(children_of "$init")"; then fail "CAP_MKNOD kept with no devices cgroup"; fi
	[[ $(cat "$T/io/mknod") == *"Operation not permitted"* ]]
	[[ $(cat "$T/io/fuse_w") != *"Operation not permitted"* ]] || fail "fuse, to write: $(cat "$T/io/fuse_w")"
	resume
	wait_for stopped c20b
	"${OCI[@]}" delete c20b
	assert_host_unchanged
}

@test "07o.21 one command at a time: a delete that comes while create is building waits for it (an flock on the container's directory), and then removes what a killed create left" {
	need_root
	local b=$T/bundle del rc=0
	oci_bundle "$b" "$ROOTFS"
	echo "exit 0" >"$T/io/cmd.sh"
	create_paused "$b" c21
	# Half-made: an exec fifo and no state, as a dead create leaves it.
	# A delete now waits: /proc/locks shows it blocked ("->") on the
	# FLOCK that create holds, on the directory's inode.
	"$CTR" --root "$R" delete c21 >"$T/del.out" 2>&1 &
	del=$!
	wait_for grep -qE "^[0-9]+: -> FLOCK +ADVISORY +WRITE +$del " /proc/locks
	grep -qE "^[0-9]+: FLOCK +ADVISORY +WRITE +$ctr .*:$(stat -c %i "$R/c21") " /proc/locks ||
		fail "create holds no lock on $R/c21: $(cat /proc/locks)"
	[ -p "$R/c21/exec.fifo" ]
	[ ! -e "$R/c21/state.json" ]
	# A second create of the id is refused at once: the directory is there.
	run --separate-stderr "$CTR" --root "$R" create --bundle "$b" c21 </dev/null
	assert_failure 125
	[[ $stderr == *'container "c21" exists already'* ]] || fail "$stderr"
	# create killed: its lock goes with it (the init, which shared it,
	# closed its copy first thing), and delete goes on.
	kill -KILL "$ctr"
	wait "$ctr" || true
	ctr=
	exec {errfd}<&-
	wait "$del" || rc=$?
	assert_equal "$rc" 0
	[ ! -e "$R/c21" ]
	assert_host_unchanged
}

@test "07o.22 linux.namespaces' user path: the container joins a holder's user namespace (and its network and PID namespaces) and makes the rest inside it, owned by it; its root is the holder's map's 0, on the host 400000" {
	need_root
	local b=$T/bundle h hs own ns
	oci_bundle "$b" "$ROOTFS"
	# The holder, as a pod's sandbox would be: a user namespace with
	# network and PID namespaces it owns (unshare(1) stays in the first
	# two, its sh is pid 1 of the third); its maps written from here,
	# as root: 0-65535 inside, 400000 on.
	mkfifo "$T/hup" "$T/hdown"
	unshare --user --net --pid --fork --kill-child sh -c 'exec 3<>"$2"; echo up >"$1"; read -r _ <&3' _ \
		"$T/hup" "$T/hdown" &
	h=$! holder=$!
	fifo_read _ "$T/hup"
	hs=$(child_with_nspid "$h" 1)
	[ -n "$hs" ]
	echo '0 400000 65536' >"/proc/$h/uid_map"
	echo '0 400000 65536' >"/proc/$h/gid_map"
	sed -i -e "s|\"namespaces\": \[|\"namespaces\": [{\"type\": \"user\", \"path\": \"/proc/$h/ns/user\"},|" \
		-e "s|\"type\": \"network\"|\"type\": \"network\", \"path\": \"/proc/$h/ns/net\"|" \
		-e "s|\"type\": \"pid\"|\"type\": \"pid\", \"path\": \"/proc/$hs/ns/pid\"|" "$b/config.json"
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	# Maps of the config's own with it are refused: a namespace joined
	# keeps the ones it has.
	sed 's|"linux": {|"linux": {"uidMappings": [{"containerID": 0, "hostID": 500000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 500000, "size": 1}],|' \
		"$b/config.json" >"$T/with-maps.json"
	mkdir "$T/b2"
	cp "$T/with-maps.json" "$T/b2/config.json"
	run --separate-stderr "${OCI[@]}" create --bundle "$T/b2" u0 </dev/null
	assert_failure 125
	[[ $stderr == *'linux.uidMappings, gidMappings: given with a user namespace'* ]] || fail "$stderr"
	[ ! -e "$R/u0" ]
	"${OCI[@]}" create --bundle "$b" u1 >/dev/null 2>"$T/err" </dev/null
	init=$(oci_pid u1)
	# While it waits for start: root of the holder's namespace, which is
	# 400000 on the host, on an exec fifo of its own ids.
	assert_equal "$(status_of "$init" Uid)" "400000 400000 400000 400000"
	assert_equal "$(stat -c %u:%g "$R/u1/exec.fifo")" 400000:400000
	"${OCI[@]}" start u1
	fifo_read inside "$T/io/up"
	cmd=$(child_with_nspid "$init" "$inside")
	# From the host: the user, network and PID namespaces are the
	# holder's (the init's pid, create's to record, is the host's: it
	# is this binary, and not pid 1 there, the holder's sh is); the
	# others are new, and the holder's user namespace owns them (lsns's
	# ONS), as it would own those of a namespace made for the container.
	# Its maps are the holder's, not written again.
	assert_equal "$(readlink "/proc/$init/exe")" "$CTR"
	for ns in user net; do
		assert_equal "$(readlink "/proc/$init/ns/$ns")" "$(readlink "/proc/$h/ns/$ns")"
	done
	assert_equal "$(readlink "/proc/$init/ns/pid")" "$(readlink "/proc/$hs/ns/pid")"
	[ "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$init/status")" -gt 1 ]
	own=$(stat -L -c %i "/proc/$h/ns/user")
	for ns in mnt uts ipc; do
		[ "$(readlink "/proc/$init/ns/$ns")" != "$(readlink "/proc/$h/ns/$ns")" ] || fail "$ns is the holder's"
		assert_equal "$(lsns -n -o ONS -t "$ns" -p "$init" | tr -d ' ')" "$own"
	done
	assert_equal "$(awk '{ $1 = $1; print }' "/proc/$init/uid_map")" "0 400000 65536"
	assert_equal "$(status_of "$cmd" Uid)" "400000 400000 400000 400000"
	# An exec joins the same user namespace: root there, 400000 here.
	printf '{"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["id", "-u"], "cwd": "/"}\n' >"$T/p.json"
	run "${OCI[@]}" exec --process "$T/p.json" u1
	assert_success
	assert_output 0
	resume
	wait_for stopped u1
	"${OCI[@]}" delete u1
	# The holder and its namespaces are as they were: only joined.
	[ -e "/proc/$h" ]
	assert_equal "$(awk '{ $1 = $1; print }' "/proc/$h/uid_map")" "0 400000 65536"
	echo released >"$T/hdown"
	wait "$h"
	holder=
	assert_equal "$(cat "$T/err")" ""
	assert_host_unchanged
}

@test "07o.23 rootless, with maps wider than one's own id: newuidmap and newgidmap write the config's, as /etc/subuid and /etc/subgid allow; an id inside past 0 is a subordinate one on the host" {
	need_root
	need_userns
	need_cmd newuidmap uidmap
	command -v useradd >/dev/null || skip "needs useradd (the passwd package)"
	local b=$T/bundle u=nslab-oci-sub uid gid rfs=$T/rootfs-sub
	save_accounts
	make_sub_user "$u" 410000-475535 || fail "could not make $u with subordinate ids"
	uid=$(id -u "$u") gid=$(id -g "$u")
	cp -a "$ROOTFS" "$rfs"
	chown -R "$uid:$gid" "$rfs"
	# runc spec --rootless maps its user's own id to 0 (made here as
	# root, then given the user's id); a second line gives 1 to 65536
	# inside the user's subordinate ids.
	oci_bundle "$b" "$rfs" --rootless
	sed -i -e "0,/\"hostID\": 0,/s//\"hostID\": $uid,/" -e "s|\"hostID\": 0,|\"hostID\": $gid,|" \
		-e 's|"uidMappings": \[|"uidMappings": [{"containerID": 1, "hostID": 410000, "size": 65536},|' \
		-e 's|"gidMappings": \[|"gidMappings": [{"containerID": 1, "hostID": 410000, "size": 65536},|' "$b/config.json"
	chown -R "$uid:$gid" "$b"
	mkdir -m 700 "$R"
	chown "$uid:$gid" "$R"
	AS=(setpriv "--reuid=$uid" "--regid=$gid" --init-groups)
	OCI=("${AS[@]}" "$CTR" --root "$R")
	# shellcheck disable=SC2016
	echo 'echo $$ >/mnt/up; cat /mnt/down' >"$T/io/cmd.sh"
	"${OCI[@]}" create --bundle "$b" s1 >/dev/null 2>"$T/err" </dev/null || { cat "$T/err" >&2; false; }
	init=$(oci_pid s1)
	# From the host: the init is the user, and its maps are both lines,
	# as the kernel took them from newuidmap and newgidmap.
	assert_equal "$(status_of "$init" Uid)" "$uid $uid $uid $uid"
	assert_equal "$(awk '{ $1 = $1; print }' "/proc/$init/uid_map" | sort -n)" "0 $uid 1
1 410000 65536"
	assert_equal "$(awk '{ $1 = $1; print }' "/proc/$init/gid_map" | sort -n)" "0 $gid 1
1 410000 65536"
	"${OCI[@]}" start s1
	fifo_read inside "$T/io/up"
	# An exec as 1000 inside: the file it makes is 410999's on the host.
	printf '{"terminal": false, "user": {"uid": 1000, "gid": 1000}, "args": ["touch", "/mnt/by-1000"], "cwd": "/"}\n' >"$T/p.json"
	chmod a+r "$T/p.json"
	run --separate-stderr "${OCI[@]}" exec --process "$T/p.json" s1
	assert_success
	assert_equal "$(stat -c %u:%g "$T/io/by-1000")" 410999:410999
	resume
	wait_for stopped s1
	"${OCI[@]}" delete s1
	[ ! -e "$R/s1" ]
	# Without subordinate ids for that range, newuidmap refuses: create
	# fails with its name, and leaves nothing.
	sed -i 's|"hostID": 410000|"hostID": 500000|' "$b/config.json"
	run --separate-stderr "${OCI[@]}" create --bundle "$b" s2 </dev/null
	assert_failure 125
	[[ $stderr == *'error: newuidmap '*'(linux.uidMappings and gidMappings)'* ]] || fail "$stderr"
	[ ! -e "$R/s2" ]
	# A map without the user's own id is refused before anything is
	# made: the exec fifo is the user's, for the init to open.
	sed -i "0,/\"hostID\": $uid,/s//\"hostID\": 470000,/" "$b/config.json"
	run --separate-stderr "${OCI[@]}" create --bundle "$b" s3 </dev/null
	assert_failure 125
	[[ $stderr == *"linux.uidMappings: without root, your own id, $uid, must be mapped"* ]] || fail "$stderr"
	[ ! -e "$R/s3" ]
	assert_equal "$(cat "$T/err")" ""
	restore_accounts
	assert_host_unchanged
}
