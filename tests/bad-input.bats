#!/usr/bin/env bats
# Bad input: every program, given something wrong, says what is wrong in
# one line, exits with the documented status and leaves the host alone.
#
# The table below has one bad invocation a row:
#
#     STATUS | SUBSTRING | PROGRAM ARGS...
#
# ARGS are read as shell words (quotes work; $H65, $NOPE and the other
# fixtures set in setup() expand). What every row must show:
#
#   - the exit status STATUS: 2 for a usage error, 1 for a runtime failure
#     (125 for 07-full-container, as for docker run), 127 for a command
#     that is not there (DESIGN.md, "Exit status");
#   - nothing on stdout;
#   - on stderr, for a usage error (2): exactly one line, and it contains
#     SUBSTRING. For a runtime error (1, 125, 127) the row runs with -q (no
#     narration) where the program takes it, and stderr is exactly one
#     "error: " line that contains SUBSTRING, then at most one "hint: "
#     line, and nothing else;
#   - no sanitizer report (the rows also pass with `make SANITIZE=1`);
#   - the host unchanged afterwards (host_state before and after).
#
# Every row is run, and every failing row is reported with its invocation
# and what it printed, so one run shows all that is broken.

load helpers

# The rows that reach a command inside 04-mount's rootfs need one: build
# it (at once when it is there already), as tests/04-mount.bats does.
setup_file() {
	"$NSLAB_ROOT/scripts/mkrootfs.sh" "$NSLAB_ROOT/rootfs" >/dev/null 2>&1 || true
}

setup() {
	T=$BATS_TEST_TMPDIR
	H64=$(printf 'h%.0s' {1..64})
	# shellcheck disable=SC2034 # read by the rows, through eval
	H65=${H64}h
	F=$T/a-file
	: >"$F"
	NOPE=$T/does-not-exist
	EMPTY=$T/empty
	mkdir "$EMPTY"
	# A rootfs with the one directory 04-mount needs (proc/) and no
	# commands at all.
	SKEL=$T/skel
	mkdir -p "$SKEL/proc"
	# shellcheck disable=SC2034 # read by the rows, through eval
	ROOTFS=$NSLAB_ROOT/rootfs
	# A pid that was just in use and is not any more.
	sh -c 'exit 0' &
	DEAD=$!
	wait "$DEAD" || true
	host_snapshot
}

rows() {
	cat <<'EOF'
# 01-uts: options, hostname length
2   | unknown option '--bogus'         | 01-uts --bogus
2   | unknown option '-x'              | 01-uts -x
2   | option '-n' needs an argument    | 01-uts -n
2   | option '--hostname' needs an argument | 01-uts --hostname
2   | is 65 bytes                      | 01-uts -q -n $H65 -- true
2   | is 65 bytes                      | 01-uts -q --unshare -n $H65 -- true
2   | is 0 bytes                       | 01-uts -q -n '' -- true
127 | execvp("/nonexistent-cmd")       | 01-uts -q -- /nonexistent-cmd
# 02-ipc: keys, queue names
2   | unknown option '--bogus'         | 02-ipc --bogus
2   | option '-k' needs an argument    | 02-ipc -k
2   | option '-m' needs an argument    | 02-ipc -m
2   | key "0"                          | 02-ipc -q -k 0 -- true
2   | key "zz"                         | 02-ipc -q -k zz -- true
2   | key "0x"                         | 02-ipc -q -k 0x -- true
2   | key "-1"                         | 02-ipc -q -k -1 -- true
2   | key "99999999999"                | 02-ipc -q -k 99999999999 -- true
2   | queue name "noslash"             | 02-ipc -q -m noslash -- true
2   | queue name "/a/b"                | 02-ipc -q -m /a/b -- true
2   | queue name "/"                   | 02-ipc -q -m / -- true
2   | queue name ""                    | 02-ipc -q -m '' -- true
2   | must be "/" and 1 to 254 more    | 02-ipc -q -m /$H64$H64$H64$H64 -- true
127 | execvp("/nonexistent-cmd")       | 02-ipc -q -- /nonexistent-cmd
# 03-pid: lessons, --init
2   | unknown option '--bogus'         | 03-pid --bogus
2   | option '--only' needs an argument | 03-pid --only
2   | no lesson "bogus"                | 03-pid -q --only bogus
2   | no lesson ""                     | 03-pid -q --only ''
2   | --init needs a command           | 03-pid -q --init
2   | a command runs in lesson pid1 only | 03-pid -q --only pid1 --init -- true
127 | execvp("/nonexistent-cmd")       | 03-pid -q -- /nonexistent-cmd
127 | execvp("/nonexistent-cmd")       | 03-pid -q --init -- /nonexistent-cmd
# 04-mount: volumes, rootfs
2   | unknown option '--bogus'         | 04-mount --bogus
2   | option '-r' needs an argument    | 04-mount -r
2   | option '-V' needs an argument    | 04-mount -V
2   | volume "/tmp"                    | 04-mount -q -V /tmp -- true
2   | volume "/tmp:"                   | 04-mount -q -V /tmp: -- true
2   | volume ":/mnt"                   | 04-mount -q -V :/mnt -- true
2   | volume ":"                       | 04-mount -q -V : -- true
2   | volume "/tmp:mnt"                | 04-mount -q -V /tmp:mnt -- true
2   | volume "/tmp:/"                  | 04-mount -q -V /tmp:/ -- true
2   | volume "/tmp://"                 | 04-mount -q -V /tmp:// -- true
# ".." that leaves the rootfs: refused when the mount point is opened
# (openat2 RESOLVE_BENEATH, EXDEV), a runtime error as in 04.5. A ".."
# that stays inside (/mnt/../etc) is a path like any other.
1   | Invalid cross-device link        | 04-mount -q -V /tmp:/../../nslab-bad-input -- true
1   | Invalid cross-device link        | 04-mount -q -V /tmp:/mnt/../../..:ro -- true
1   | Invalid cross-device link        | 04-mount -q -V /tmp:/.. -- true
2   | volume "/tmp:/mnt:bogus"         | 04-mount -q -V /tmp:/mnt:bogus -- true
2   | volume "/tmp:/mnt:ro:x"          | 04-mount -q -V /tmp:/mnt:ro:x -- true
1   | stat("$NOPE")                    | 04-mount -q -V $NOPE:/mnt -- true
1   | realpath("$NOPE")                | 04-mount -q -r $NOPE -- true
1   | /a-file/proc                     | 04-mount -q -r $F -- true
# -r / (or a path that resolves to /): refused after realpath(), status 1;
# pivot_root onto the host's own / would show nothing and could hide it.
1   | rootfs "/"                       | 04-mount -q -r / -- true
1   | rootfs "/tmp/.."                 | 04-mount -q -r /tmp/.. -- true
1   | /empty/proc                      | 04-mount -q -r $EMPTY -- true
127 | execvp("/bin/sh")                | 04-mount -q -r $SKEL -- /bin/sh
127 | execvp("/nonexistent-cmd")       | 04-mount -q -r $ROOTFS -- /nonexistent-cmd
# 05-user: id maps
2   | unknown option '--bogus'         | 05-user --bogus
2   | option '-m' needs an argument    | 05-user -m
2   | COUNT must be at least 1         | 05-user -q -m 0:1000:0 -- true
2   | -m '0:1000': expected            | 05-user -q -m 0:1000 -- true
2   | -m '0::1': expected              | 05-user -q -m 0::1 -- true
2   | -m ':1000:1': expected           | 05-user -q -m :1000:1 -- true
2   | -m '': expected                  | 05-user -q -m '' -- true
2   | -m 'a:b:c': expected             | 05-user -q -m a:b:c -- true
2   | -m '0:1000:1x': expected         | 05-user -q -m 0:1000:1x -- true
2   | -m '-1:1000:1': expected         | 05-user -q -m -1:1000:1 -- true
2   | -m '0:1000:1:2': expected        | 05-user -q -m 0:1000:1:2 -- true
2   | ids are 32 bits                  | 05-user -q -m 4294967296:1000:1 -- true
2   | ids are 32 bits                  | 05-user -q -m 0:4294967296:1 -- true
2   | ids are 32 bits                  | 05-user -q -m 0:1000:4294967296 -- true
2   | ids are 32 bits                  | 05-user -q -m 4294967295:0:2 -- true
2   | ids are 32 bits                  | 05-user -q -m 0:99999999999999999999:1 -- true
2   | inside ids overlap               | 05-user -q -m 0:1000:10 -m 5:2000:10 -- true
2   | outside ids overlap              | 05-user -q -m 0:1000:10 -m 20:1005:10 -- true
127 | execvp("/nonexistent-cmd")       | 05-user -q -- /nonexistent-cmd
# 06-setns: pids, --list, --compare
2   | unknown option '--bogus'         | 06-setns --bogus
2   | option '-t' needs an argument    | 06-setns -t
2   | '0' is not a pid                 | 06-setns -q -t 0 --uts -- true
2   | '-5' is not a pid                | 06-setns -q -t -5 --uts -- true
2   | 'abc' is not a pid               | 06-setns -q -t abc --uts -- true
2   | '99999999999999999999' is not a pid | 06-setns -q -t 99999999999999999999 --uts -- true
2   | -t needs the namespaces to join  | 06-setns -q -t 1 -- true
1   | open("/proc/$DEAD")              | 06-setns -q -t $DEAD --uts -- true
1   | kthreadd is a kernel thread      | 06-setns -q -t 2 --uts -- true
1   | kthreadd is a kernel thread      | 06-setns -q --pidfd -t 2 --all -- true
127 | execvp("/nonexistent-cmd")       | 06-setns -q -t $$ --uts -- /nonexistent-cmd
2   | option '--list' needs an argument | 06-setns --list
2   | '0' is not a pid                 | 06-setns --list 0
2   | 'abc' is not a pid               | 06-setns --list abc
1   | open("/proc/$DEAD")              | 06-setns --list $DEAD
2   | option '--compare' needs an argument | 06-setns --compare
2   | --compare needs two pids         | 06-setns --compare 1
2   | 'abc' is not a pid               | 06-setns --compare 1 abc
2   | '0' is not a pid                 | 06-setns --compare 0 1
1   | open("/proc/$DEAD")              | 06-setns --compare $$ $DEAD
2   | give one of -t, --list and --compare | 06-setns --list 1 --compare 1 2
2   | take no other option or command  | 06-setns --list 1 2
# 07-full-container: subcommands, run's options, exec, ps. Usage errors
# are found before anything is made (2); what only the runtime can find -
# a rootfs, a volume's paths, a workdir, a container - is its failure
# (125), said by whichever of its processes found it; a command that is
# not in the rootfs is 127, as everywhere.
2   | run, exec or ps?                 | 07-full-container
2   | unknown command 'bogus'          | 07-full-container bogus
2   | unknown command '-q'             | 07-full-container -q
2   | run needs a ROOTFS               | 07-full-container run -q
2   | unknown option '--bogus'         | 07-full-container run --bogus $ROOTFS true
2   | unknown option '-x'              | 07-full-container run -x $ROOTFS true
2   | option '--name' needs an argument | 07-full-container run --name
2   | option '-v' needs an argument    | 07-full-container run -v
2   | option '-e' needs an argument    | 07-full-container run -e
2   | option '-u' needs an argument    | 07-full-container run -u
2   | option '-w' needs an argument    | 07-full-container run -w
2   | option '-h' needs an argument    | 07-full-container run -h
125 | realpath("$NOPE")                | 07-full-container run -q $NOPE true
125 | Not a directory                  | 07-full-container run -q $F true
125 | rootfs "/": Invalid argument     | 07-full-container run -q / true
125 | rootfs "/tmp/..": Invalid argument | 07-full-container run -q /tmp/.. true
127 | execvp("/bin/sh")                | 07-full-container run -q $SKEL
127 | execvp("/bin/sh")                | 07-full-container run -q $EMPTY
127 | execvp("/nonexistent-cmd")       | 07-full-container run -q $ROOTFS /nonexistent-cmd
2   | volume "/tmp"                    | 07-full-container run -q -v /tmp $ROOTFS true
2   | volume "/tmp:"                   | 07-full-container run -q -v /tmp: $ROOTFS true
2   | volume ":/mnt"                   | 07-full-container run -q -v :/mnt $ROOTFS true
2   | volume ":"                       | 07-full-container run -q -v : $ROOTFS true
2   | volume "/tmp:mnt"                | 07-full-container run -q -v /tmp:mnt $ROOTFS true
2   | volume "/tmp:/"                  | 07-full-container run -q -v /tmp:/ $ROOTFS true
2   | volume "/tmp:/mnt:bogus"         | 07-full-container run -q -v /tmp:/mnt:bogus $ROOTFS true
2   | volume "/tmp:/mnt:ro:x"          | 07-full-container run -q -v /tmp:/mnt:ro:x $ROOTFS true
125 | Invalid cross-device link        | 07-full-container run -q -v /tmp:/../../nslab-bad-input $ROOTFS true
125 | Invalid cross-device link        | 07-full-container run -q -v /tmp:/mnt/../../..:ro $ROOTFS true
125 | stat("$NOPE")                    | 07-full-container run -q -v $NOPE:/mnt $ROOTFS true
2   | user "abc"                       | 07-full-container run -q -u abc $ROOTFS true
2   | user "1:2:3"                     | 07-full-container run -q -u 1:2:3 $ROOTFS true
2   | user "4294967295"                | 07-full-container run -q -u 4294967295 $ROOTFS true
2   | user ":5"                        | 07-full-container run -q -u :5 $ROOTFS true
2   | user "-1"                        | 07-full-container run -q -u -1 $ROOTFS true
2   | the container has ids 0 to 65535 | 07-full-container run -q --userns -u 65536 $ROOTFS true
2   | name "a/b"                       | 07-full-container run -q --name a/b $ROOTFS true
2   | a name is 1 to 64 bytes          | 07-full-container run -q --name $H65 $ROOTFS true
2   | a name is 1 to 64 bytes          | 07-full-container run -q --name '' $ROOTFS true
2   | may not start with '.' or '-'    | 07-full-container run -q --name .hidden $ROOTFS true
2   | hostname "$H65"                  | 07-full-container run -q -h $H65 $ROOTFS true
2   | hostname ""                      | 07-full-container run -q -h '' $ROOTFS true
2   | environment "FOO"                | 07-full-container run -q -e FOO $ROOTFS true
2   | environment "=x"                 | 07-full-container run -q -e =x $ROOTFS true
2   | workdir "tmp"                    | 07-full-container run -q -w tmp $ROOTFS true
2   | --memory "0": a limit of 0 bytes | 07-full-container run -q --memory 0 $ROOTFS true
2   | --memory "-1": a size cannot be negative | 07-full-container run -q --memory -1 $ROOTFS true
2   | --memory "10Q": the unit         | 07-full-container run -q --memory 10Q $ROOTFS true
2   | --memory "99999999999999999999G": too large | 07-full-container run -q --memory 99999999999999999999G $ROOTFS true
2   | --memory "": a size is a number  | 07-full-container run -q --memory '' $ROOTFS true
2   | --memory "64 M"                  | 07-full-container run -q -m '64 M' $ROOTFS true
2   | option '--memory' needs an argument | 07-full-container run --memory
2   | --cpus "0": more than 0          | 07-full-container run -q --cpus 0 $ROOTFS true
2   | --cpus "abc": a number of CPUs is decimal | 07-full-container run -q --cpus abc $ROOTFS true
2   | --cpus "-1": a number of CPUs cannot be negative | 07-full-container run -q --cpus -1 $ROOTFS true
2   | --cpus "100000": at most the number of CPUs | 07-full-container run -q --cpus 100000 $ROOTFS true
2   | --cpus "0.001": at least 0.01    | 07-full-container run -q --cpus 0.001 $ROOTFS true
2   | --pids "0": at least 1           | 07-full-container run -q --pids 0 $ROOTFS true
2   | --pids "-5": a number of processes cannot be negative | 07-full-container run -q --pids -5 $ROOTFS true
2   | --pids "4194305": at most 4194304 | 07-full-container run -q --pids 4194305 $ROOTFS true
2   | --net "bogus": none, host or veth | 07-full-container run -q --net bogus $ROOTFS true
2   | --net "": none, host or veth     | 07-full-container run -q --net '' $ROOTFS true
2   | option '--net' needs an argument | 07-full-container run --net
2   | --subnet "garbage": not A.B.C.D/N | 07-full-container run -q --subnet garbage $ROOTFS true
2   | --subnet "10.231.0.0": not A.B.C.D/N | 07-full-container run -q --net veth --subnet 10.231.0.0 $ROOTFS true
2   | --subnet "10.0.0.0/31": a container needs a /30 | 07-full-container run -q --subnet 10.0.0.0/31 $ROOTFS true
2   | --subnet "10.0.0.0/33": not A.B.C.D/N | 07-full-container run -q --subnet 10.0.0.0/33 $ROOTFS true
2   | --subnet "10.231.5.7/16": bits are set after the prefix | 07-full-container run -q --subnet 10.231.5.7/16 $ROOTFS true
2   | --subnet "10.0.0.0/7": the prefix must be /8 or longer | 07-full-container run -q --subnet 10.0.0.0/7 $ROOTFS true
2   | --subnet "010.0.0.0/8": not A.B.C.D/N | 07-full-container run -q --subnet 010.0.0.0/8 $ROOTFS true
2   | option '--subnet' needs an argument | 07-full-container run --subnet
2   | --boottime "abc" is not a number of seconds | 07-full-container run -q --boottime abc $ROOTFS true
2   | --boottime "1e3" is not a number of seconds | 07-full-container run -q --boottime 1e3 $ROOTFS true
2   | --boottime "" is not a number of seconds | 07-full-container run -q --boottime '' $ROOTFS true
2   | --boottime "4611686019" is not a number of seconds | 07-full-container run -q --boottime 4611686019 $ROOTFS true
2   | --monotonic "+5" is not a number of seconds | 07-full-container run -q --monotonic +5 $ROOTFS true
2   | --monotonic "5s" is not a number of seconds | 07-full-container run -q --monotonic 5s $ROOTFS true
2   | option '--monotonic' needs an argument | 07-full-container run --monotonic
125 | Numerical result out of range    | 07-full-container run -q --boottime -4000000000 $ROOTFS true
125 | chdir("/nonexistent-dir")        | 07-full-container run -q -w /nonexistent-dir $ROOTFS true
125 | no running container "nslab-bad-input-none" | 07-full-container exec -q nslab-bad-input-none true
125 | no running container "$DEAD"     | 07-full-container exec -q $DEAD true
2   | exec needs a container (NAME or PID) and a CMD | 07-full-container exec -q nslab-bad-input-none
2   | exec needs a container (NAME or PID) and a CMD | 07-full-container exec
2   | user "abc"                       | 07-full-container exec -u abc nslab-bad-input-none true
2   | unknown option '--bogus'         | 07-full-container exec --bogus nslab-bad-input-none true
2   | ps takes no argument ('extra')   | 07-full-container ps extra
2   | unknown option '--bogus'         | 07-full-container ps --bogus
EOF
}

trim() { # trim TEXT: without leading and trailing blanks
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# check_row STATUS SUBSTRING WORDS...: run one row; print what is wrong
# with it (nothing when it behaves).
check_row() {
	local want_status=$1 want=$2 prog=$3 status out err nlines first second
	shift 3
	out=$T/row.out err=$T/row.err
	"$NSLAB_BIN/$prog" "$@" >"$out" 2>"$err" </dev/null
	status=$?
	nlines=$(wc -l <"$err")
	first=$(sed -n 1p "$err")
	second=$(sed -n 2p "$err")
	[ "$status" -eq "$want_status" ] || echo "exit status $status, expected $want_status"
	[ ! -s "$out" ] || echo "stdout is not empty: $(head -c 200 "$out")"
	if grep -qE 'Sanitizer|runtime error:' "$err"; then
		echo "sanitizer report"
	fi
	if [ "$want_status" -eq 2 ]; then
		[ "$nlines" -eq 1 ] || echo "$nlines lines on stderr, expected 1"
	else
		[[ $first == *"error: "* ]] || echo "first stderr line is not an error: line"
		[ "$nlines" -le 1 ] || [[ $second == *"hint: "* ]] || echo "second stderr line is not a hint: line"
		[ "$nlines" -le 2 ] || echo "$nlines lines on stderr, expected an error line and at most one hint"
	fi
	[[ $first == *"$want"* ]] || echo "first stderr line does not say: $want"
	[ "$nlines" -gt 0 ] || echo "stderr is empty"
}

@test "bad input: each bad invocation fails with one line naming the problem and the documented status" {
	need_root
	local line st want inv words problems report="" nrows=0 nbad=0
	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		IFS='|' read -r st want inv <<<"$line"
		st=$(trim "$st")
		want=$(trim "$want")
		inv=$(trim "$inv")
		want=${want//'$NOPE'/$NOPE}
		want=${want//'$DEAD'/$DEAD}
		want=${want//'$H65'/$H65}
		eval "words=($inv)"
		nrows=$((nrows + 1))
		problems=$(check_row "$st" "$want" "${words[@]}")
		if [ -n "$problems" ]; then
			nbad=$((nbad + 1))
			report+="--- bin/$inv  (expected status $st, stderr naming: $want)"$'\n'
			# shellcheck disable=SC2001 # a prefix on every line, not one
			report+="$(sed 's/^/    problem: /' <<<"$problems")"$'\n'
			report+="$(sed 's/^/    stderr | /' "$T/row.err")"$'\n'
		fi
	done < <(rows)
	[ "$nrows" -ge 40 ]
	if [ "$nbad" -gt 0 ]; then
		printf '%d of %d bad invocations misbehave:\n%s' "$nbad" "$nrows" "$report" >&2
		return 1
	fi
	assert_host_unchanged
}
