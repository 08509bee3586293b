#!/usr/bin/env bash
# docs-check.sh - run the transcripts the docs show and compare them with
# what the programs print today, so that a page cannot drift from the code.
#
# Usage: scripts/docs-check.sh [-v] [--show] [PAGE.md...]  (default: docs/*.md)
#   -v      name each command as it runs
#   --show  print what the marked blocks print now, page and line first,
#           instead of comparing (to refresh a transcript: copy, then
#           write the placeholders)
# Run by `make docs-check` as root from the top of the tree, after `make`.
#
# THE MARKER. A checked transcript is a fenced block with an HTML comment
# on the line right before its opening fence (invisible on the page):
#
#     <!-- docs-check -->
#     ```
#     $ make run-01
#     ./bin/01-uts
#     [host <pid>] my hostname is "<any>", uts:[<ns>]
#     ```
#
# Every line of the block that starts with "$ " is a command (a line
# ending in "\" continues on the next). The lines after it, up to the
# next "$ " line, are what it prints, stdout and stderr together in the
# order written. The commands of a block run one after the other in one
# bash, as typed into one shell (so `echo $?` shows the status of the
# one before), from the top of the tree, with stdin from /dev/null, under
# `timeout` (DOCS_TIMEOUT seconds for the block, default 60), in an empty
# environment but for PATH, as CI runs it. "sudo" is dropped wherever
# it stands: docs-check runs as root. The exit status is not compared; a page that
# wants it shows `echo $?`.
#
# More marker lines may stand right above the fence, each one option:
#     <!-- docs-check before: CMD -->   run CMD first, its output unseen
#     <!-- docs-check after: CMD -->    run CMD last, even on a mismatch
#                                       (cleanup: the host must be left as
#                                       it was found)
#     <!-- docs-check cmd: CMD -->     the block is the transcript of CMD
#                                       alone: its first line, if it is a
#                                       "$ " line, shows the command; all
#                                       the others are output (a block may
#                                       show one part of a longer run)
#                                       (for output that has "$ " lines
#                                       of its own, such as run-07's tour)
#     <!-- docs-check apart: REGEX -->  two processes write at once: the
#                                       lines that match the extended
#                                       REGEX and the other lines are each
#                                       compared in order, but how the two
#                                       interleave is not
#
# PLACEHOLDERS. Values that change from run to run are written on the page
# as placeholders, each matching a regular expression:
#     <pid>   a process id (and the       " *[0-9]+"
#             spaces that pad it)
#     <ns>    a namespace's inode       [0-9]+
#     <n>     any whole number          -?[0-9]+
#     <ms>    a time, a decimal number  [0-9]+(.[0-9]+)?
#     <hex>   hexadecimal digits        [0-9a-f]+
#     <name>  a generated name          [A-Za-z0-9_.-]+
#     <host>  this machine's hostname (uname -n)
#     <top>   the absolute path of the top of the tree
#     <any>   anything, even nothing    .*
# and a line that is exactly "..." stands for any number of lines (none
# included). Everything else must match character for character, but
# for the white space at the ends of lines and blank lines at the end of
# the block, which are ignored.
#
# A MISMATCH is run once more (a block whose processes print at once
# may, rarely, interleave its lines otherwise; drift differs twice), then
# prints the page and line of the block and a unified diff of the page
# against the output (lines that matched shown as the page writes
# them), and the script fails. It ends with a count line:
#     docs-check: 41 blocks checked in 12 pages, 41 passed, 0 failed
#
# NOT CHECKED, on purpose (left without a marker): transcripts that need a
# terminal or a second one (shells, `sleep 600 &` then a kill from
# outside), those run as an ordinary user or rootless (setpriv, unshare
# -U) whose point is a machine's policy, `make check-NN` (the checks are
# their own test), and pages' synopses. docs/index.md ("Checked
# transcripts") lists them per page with the reason.
#
# Then the other checks: scripts/docs-links.sh (every function a page
# names is linked to its file), scripts/docs-sync.sh (docs/zh/ in step
# with docs/) and scripts/docs-course.sh (the step pages' quotes of the
# sources, byte for byte, and their shape as a course). DOCS_ONLY_TRANSCRIPTS=1
# skips them. (The drawings: scripts/docs-diagrams.sh, make docs-diagrams.)
set -u

cd "$(dirname "$0")/.." || exit 1

verbose=0 show=0 args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	-v) verbose=1 ;;
	--show) show=1 ;;
	*) break ;;
	esac
	shift
done
if [ $# -eq 0 ]; then
	set -- docs/*.md
	for d in docs/deeper/*.md; do [ -f "$d" ] && set -- "$@" "$d"; done
fi

DOCS_TIMEOUT=${DOCS_TIMEOUT:-60}
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The literal values of <host> and <top>, escaped like a page's text.
shopt -u patsub_replacement 2>/dev/null
host_re=$(uname -n | sed -e 's/[][\.*^$+?(){}|/]/\\&/g')
top_re=$(pwd | sed -e 's/[][\.*^$+?(){}|/]/\\&/g')
work=$(mktemp -d /tmp/nslab-docs.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT

# A page's line as an extended regular expression: escape what is special,
# then turn the placeholders into their patterns.
to_regex() {
	local re
	re=$(printf '%s\n' "$1" | sed -e 's/[][\.*^$+?(){}|/]/\\&/g' \
		-e 's/<pid>/ *[0-9]+/g; s/<ns>/[0-9]+/g; s/<n>/-?[0-9]+/g' \
		-e 's/<ms>/[0-9]+(\\.[0-9]+)?/g; s/<hex>/[0-9a-f]+/g' \
		-e 's/<name>/[A-Za-z0-9_.-]+/g; s/<any>/.*/g')
	re=${re//<host>/$host_re}
	re=${re//<top>/$top_re}
	printf '^%s$' "$re"
}

# match EXPFILE ACTFILE: does the output match the page, "..." included?
# ok[i,j] = page lines i.. match output lines j..; computed from the end.
match() {
	local -a pg outl rx
	local -A okm
	local n m i j
	mapfile -t pg <"$1"
	mapfile -t outl <"$2"
	n=${#pg[@]} m=${#outl[@]}
	for ((i = 0; i < n; i++)); do
		rx[i]=$(to_regex "${pg[i]}")
	done
	for ((j = 0; j <= m; j++)); do okm[$n,$j]=0; done
	okm[$n,$m]=1
	for ((i = n - 1; i >= 0; i--)); do
		for ((j = m; j >= 0; j--)); do
			okm[$i,$j]=0
			if [ "${pg[i]}" = ... ]; then
				if [ "${okm[$((i + 1)),$j]}" = 1 ] ||
					{ ((j < m)) && [ "${okm[$i,$((j + 1))]}" = 1 ]; }; then
					okm[$i,$j]=1
				fi
			elif ((j < m)) && [ "${okm[$((i + 1)),$((j + 1))]}" = 1 ] &&
				[[ ${outl[j]} =~ ${rx[i]} ]]; then
				okm[$i,$j]=1
			fi
		done
	done
	[ "${okm[0,0]}" = 1 ]
}

# normalize EXPFILE ACTFILE: the output with each line that matches a page
# line replaced by that page line, and the lines a "..." swallowed shown
# as one "...", so that the diff shows only what really differs.
normalize() {
	local -a pg outl rx
	local n i k a dots=0 found
	mapfile -t pg <"$1"
	mapfile -t outl <"$2"
	n=${#pg[@]} i=0
	for ((k = 0; k < n; k++)); do
		rx[k]=$(to_regex "${pg[k]}")
	done
	for a in "${outl[@]}"; do
		if ((i < n)) && [ "${pg[i]}" = ... ]; then
			if ((i + 1 < n)) && [[ $a =~ ${rx[i + 1]} ]]; then
				((dots)) || echo ...
				echo "${pg[i + 1]}"
				i=$((i + 2)) dots=0
			elif ((!dots)); then
				echo ... && dots=1
			fi
			continue
		fi
		found=-1
		for ((k = i; k < n; k++)); do
			if [ "${pg[k]}" != ... ] && [[ $a =~ ${rx[k]} ]]; then
				found=$k && break
			fi
		done
		if ((found >= 0)); then
			echo "${pg[found]}"
			i=$((found + 1))
		else
			printf '%s\n' "$a"
		fi
	done
	if ((i < n)) && [ "${pg[i]}" = ... ] && ((!dots)); then echo ...; fi
}

# split REGEX IN OUT_MATCHING OUT_OTHER: "..." lines go to both.
split() {
	local line
	: >"$3"
	: >"$4"
	while IFS= read -r line; do
		if [ "$line" = ... ]; then
			printf '%s\n' "$line" | tee -a "$3" >>"$4"
		elif [[ $line =~ $1 ]]; then
			printf '%s\n' "$line" >>"$3"
		else
			printf '%s\n' "$line" >>"$4"
		fi
	done <"$2"
}

run_cmd() {
	env -i PATH="$CLEAN_PATH" timeout -k 5 "$DOCS_TIMEOUT" \
		bash -c "$1" </dev/null 2>&1
}

# The transcripts run as nobody (setpriv) need a tree that nobody can
# enter: a clone under a home directory of mode 0700 (Debian's default
# for new users since 12, and /root) is not one. Then the check runs from
# a copy of the tree in /tmp that it can enter, removed at the end;
# <top> is the copy's path there.
if [ "$(id -u)" = 0 ] && [ -z "${DOCS_CHECK_COPY:-}" ] && [ -x bin/01-uts ] &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$PWD/bin/01-uts" 2>/dev/null; then
	copy=$(mktemp -d /tmp/nslab-docs-tree.XXXXXX) || exit 1
	trap 'rm -rf --one-file-system "$work" "$copy"' EXIT
	chmod 755 "$copy"
	echo "docs-check: note: uid 65534 cannot enter $PWD (a directory above it is closed to others); checking from a copy in $copy"
	tar -C . --exclude=./.git --exclude=./lab -cf - . | tar -C "$copy" -xf - || exit 1
	# With the options too (-v, --show), not only the pages.
	DOCS_CHECK_COPY=1 bash "$copy/scripts/docs-check.sh" "${args[@]}"
	exit
fi

blocks=0 pages=0 passed=0 failed=0 misplaced=0
marker_re='^<!-- docs-check( (.*))? -->$'

# check_block PAGE LINE: the block's text is in $work/block, its marker
# options in $work/opts; writes the output in $work/out.
check_block() {
	local page=$1 line=$2 cmd="" l opt apart="" only="" ok=1
	local -a before=() after=()
	while IFS= read -r opt; do
		case $opt in
		before:*) before+=("${opt#before: }") ;;
		after:*) after+=("${opt#after: }") ;;
		apart:*) apart=${opt#apart: } ;;
		cmd:*) only=${opt#cmd: } ;;
		esac
	done <"$work/opts"
	for l in "${before[@]}"; do run_cmd "$l" >/dev/null; done
	: >"$work/out"
	# One shell script for the block, as a reader would type it into one
	# shell: each "$ " line (with its continuations) is echoed, then run;
	# `$?` is the status of the command before.
	local cont=0 shown=""
	# As root, sudo is only a word to skip (CI may not even have it).
	printf '__st=0\nsudo() { "$@"; }\n' >"$work/script"
	# With "cmd:", the block is that one command's: its first line is
	# shown if it is a "$ " line, and every other line is output.
	if [ -n "$only" ]; then
		l=$(head -n 1 "$work/block")
		if [[ $l == '$ '* ]]; then
			printf 'printf "%%s\\n" %s\n' "${l@Q}" >>"$work/script"
		fi
		printf '%s\n' "$only" >>"$work/script"
	else
		while IFS= read -r l; do
			if ((cont)) || [[ $l == '$ '* ]]; then
				if ((cont)); then
					cmd+=$'\n'"$l" shown+=$'\n'"$l"
				else
					cmd=${l#\$ } shown=$l
				fi
				if [[ $l == *\\ ]]; then cont=1 && continue; fi
				cont=0
				cmd=${cmd#sudo }
				((verbose)) && echo "  $ $cmd" >&2
				printf 'printf "%%s\\n" %s\n(exit $__st); %s\n__st=$?\n' \
					"${shown@Q}" "$cmd" >>"$work/script"
			fi
		done <"$work/block"
	fi
	run_cmd "bash $work/script" >"$work/out"
	for l in "${after[@]}"; do run_cmd "$l" >/dev/null; done
	sed -i -e 's/[[:space:]]*$//' "$work/block" "$work/out"
	# and no blank line at the end (ipcs ends with one, a page may not)
	for l in "$work/block" "$work/out"; do
		awk '/./ { for (; blank > 0; blank--) print ""; print; next } { blank++ }' \
			"$l" >"$l.trim" && mv "$l.trim" "$l"
	done
	if ((show)); then
		echo "== $page:$line"
		cat "$work/out"
		return 0
	fi
	if [ -z "$only" ] && ! grep -q '^\$ ' "$work/block"; then
		echo "$page:$line: a marked block without a \"\$ \" line"
		return 1
	fi
	if [ -n "$apart" ]; then
		split "$apart" "$work/block" "$work/b1" "$work/b2"
		split "$apart" "$work/out" "$work/o1" "$work/o2"
		match "$work/b1" "$work/o1" || ok=0
		match "$work/b2" "$work/o2" || ok=0
		if ((!ok)); then
			report "$page" "$line" b1 o1 "lines matching $apart"
			report "$page" "$line" b2 o2 "the other lines"
		fi
	else
		match "$work/block" "$work/out" || ok=0
		((ok)) || report "$page" "$line" block out ""
	fi
	((ok))
}

report() {
	local page=$1 line=$2 want=$work/$3 got=$work/$4 what=${5:+ ($5)}
	normalize "$want" "$got" >"$work/norm"
	echo "$page:$line: the transcript differs from what runs now$what:"
	diff -u --label "$page:$line (the page)" --label "output now" \
		"$want" "$work/norm"
}

for page in "$@"; do
	[ -f "$page" ] || continue
	inblock=0 marked=0 counted=0 n=0 start=0
	: >"$work/opts"
	# shellcheck disable=SC2094 # the page is only read (fd 3)
	while IFS= read -r -u 3 l || [ -n "$l" ]; do
		n=$((n + 1))
		if ((inblock)); then
			if [[ $l == '```'* ]]; then
				inblock=0
				if ((marked)); then
					blocks=$((blocks + 1)) counted=1
					# A second run before a failure counts: a block
					# whose processes print at once (the runtime, the
					# init, the command) may, rarely, show its lines in
					# another order than the page; drift fails twice.
					if check_block "$page" "$start" >"$work/report"; then
						passed=$((passed + 1))
						((!show)) || cat "$work/report"
					elif check_block "$page" "$start" >"$work/report2"; then
						passed=$((passed + 1))
						echo "$page:$start: passed on a second run; the first one differed:"
						cat "$work/report"
					else
						failed=$((failed + 1))
						cat "$work/report2"
					fi
					marked=0
					: >"$work/opts"
				fi
			elif ((marked)); then
				printf '%s\n' "$l" >>"$work/block"
			fi
			continue
		fi
		if [[ $l =~ $marker_re ]]; then
			marked=1
			[ -n "${BASH_REMATCH[2]}" ] && printf '%s\n' "${BASH_REMATCH[2]}" >>"$work/opts"
			continue
		fi
		if [[ $l == '```'* ]]; then
			inblock=1 start=$n
			: >"$work/block"
			continue
		fi
		if ((marked)); then
			echo "$page:$n: a docs-check marker not right above a fence"
			misplaced=$((misplaced + 1)) marked=0
			: >"$work/opts"
		fi
	done 3<"$page"
	pages=$((pages + counted))
done

tail=""
((misplaced == 0)) || tail=", $misplaced markers not above a fence"
echo "docs-check: $blocks blocks checked in $pages pages, $passed passed, $failed failed$tail"
status=0
((failed + misplaced == 0)) || status=1

if [ "${DOCS_ONLY_TRANSCRIPTS:-0}" != 1 ]; then
	scripts/docs-links.sh || status=1
	scripts/docs-sync.sh || status=1
	scripts/docs-course.sh || status=1
fi
exit $status
