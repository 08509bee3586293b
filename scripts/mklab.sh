#!/usr/bin/env bash
# scripts/mklab.sh - the workshop's lab, made from the reference sources.
#
# The reference sources mark each exercise, and keep the solution between
# the markers:
#
#     /* LAB 03.2 reap: as PID 1, collect every child that has ended
#      * level: 2
#      * minutes: 15
#      * checks: 03.1 03.4 03.11
#      * docs: docs/03-pid.md#how-the-code-does-it
#      * fail: the orphan was not reaped
#      * hint: pid_namespaces(7), "The namespace init process": orphans
#      *       become PID 1's children (a line that starts with no
#      *       "name:" goes on with the field above it)
#      * stub: errno = ENOSYS;
#      * stub: return nsl_fail("LAB 03.2: %s", "collect the children");
#      */
#     ...the solution...
#     /* END LAB */
#
# In the lab each such region becomes a TODO comment (the task, the level
# and minutes, the hints, the checks, the page to read) and the stub
# lines, which compile cleanly (-Werror) and fail at run time (ENOSYS, or
# an error that names the exercise):
#
#     /* LAB 03.2 reap - TODO (level 2, ~15 min): as PID 1, collect ...
#
# "level" is 1-3, "minutes" a learner's time, "warmup: yes" marks the
# few warm-ups whose hints may name the answer. "checks" are ids of bats
# checks ("03.4" is the @test named "03.4 ..."); `make check-NN LAB=1`
# names the exercise of each one that fails ("fail" is what it then
# says). docs/lab.md is the guide.
#
#   scripts/mklab.sh [--force] [--from NN] [DIR]
#                            write the lab (default: lab); --from NN: the
#                            exercises of the steps before NN solved
#   scripts/mklab.sh --ex IDS [DIR]
#                            put exercises IDS ("03.2 03.3") of the lab
#                            back to their stubs; the rest stays
#   scripts/mklab.sh --solve IDS [DIR]
#                            put the reference into exercises IDS of the
#                            lab; the learner's code there is kept in
#                            DIR/.lab-saved/ID.c first (--ex does too)
#   scripts/mklab.sh --stubbed DIR
#                            the ids whose region in DIR is still exactly
#                            its stub, one a line
#   scripts/mklab.sh --state DIR
#                            every id and what its region in DIR is, tab-
#                            separated: stub, solved (the reference, as
#                            --solve puts it) or yours
#   scripts/mklab.sh --list  the exercises, one a line, tab-separated:
#                            id name file checks docs fail task level
#                            minutes warmup (an unset field is empty)
#   scripts/mklab.sh --regions
#                            every line of every region, tab-separated:
#                            id kind text, kind task, hint, stub, body or
#                            meta (checks:, level: ... and the markers);
#                            text without its indentation, tabs made
#                            spaces (scripts/lab-lint.sh reads it)
#   scripts/mklab.sh --tree DIR IDS...
#                            a copy with only exercises IDS stubbed
#                            ("all": every one); used by lab-verify.sh
#
# A lab that a learner has edited is never overwritten: the checksums of
# what was generated are kept in DIR/.lab.sha256, and when a file no
# longer matches, this refuses and names it, unless --force (make lab
# FORCE=1).
set -euo pipefail
# A run that fails half-way (set -e) leaves no temporary copy behind.
leftover=''
trap 'rm -rf "${leftover:-}"' EXIT
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# What a lab holds: what `make` and `make check-NN` need.
LAB_PATHS=(Makefile mk common tests scripts docs
	01-uts 02-ipc 03-pid 04-mount 05-user 06-setns 07-full-container)
MANIFEST=.lab.sha256

# The source files that hold exercises.
marked_files() {
	grep -l -E '^[[:space:]]*/\* LAB [0-9]{2}\.[0-9]+ ' [0-9][0-9]-*/*.c [0-9][0-9]-*/*/*.c | sort
}
# One file through the markers. STUB and SOLVE are space-separated lists
# of ids ("all": every one): a region in SOLVE becomes its TODO comment
# with the reference below it, one in STUB its TODO comment and stub;
# the others stay as they are. MODE: text (the file), list (one line per
# exercise, as --list) or regions (one line per region line, as
# --regions).
lab_awk() { # lab_awk FILE STUB SOLVE MODE
	awk -v stub=" $2 " -v solve=" $3 " -v mode="$4" -v file="$1" '
	function field(line, name,   s) {
		s = line
		sub(/^[ \t]*\*[ \t]*/, "", s)
		if (index(s, name ": ") != 1)
			return ""
		return substr(s, length(name) + 3)
	}
	function in_set(set) { return set == " all " || index(set, " " id " ") > 0 }
	# One line of --regions: the text without indentation, no tabs.
	function emit(kind, text) {
		if (mode != "regions") return
		sub(/^[ \t]+/, "", text)
		gsub(/\t/, " ", text)
		printf "%s\t%s\t%s\n", id, kind, text
	}
	# The lines of V (more lines after "\n"), each after PREFIX, the
	# further ones indented to line up.
	function print_wrapped(prefix, v,   n, l, i) {
		n = split(v, l, "\n")
		print ind prefix l[1]
		for (i = 2; i <= n; i++) print ind " *       " l[i]
	}
	function todo_head(   i, how) {
		how = ""
		if (level != "") how = "level " level
		if (minutes != "") how = how (how != "" ? ", " : "") "~" minutes " min"
		if (warmup == "yes") how = how (how != "" ? ", " : "") "warm-up"
		print_wrapped("/* LAB " id " " name " - TODO" (how != "" ? " (" how ")" : "") ": ", task)
		for (i = 1; i <= nhint; i++) print_wrapped(" * hint: ", hint[i])
		print ind " * checks: " checks " (make check-" substr(id, 1, 2) " LAB=1 EX=" id ")"
		print ind " * read: " docs
	}
	function flush(   i, t) {
		if (mode == "list") {
			t = task; gsub(/\n/, " ", t)
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, name, file, checks, docs, fail, t, level, minutes, warmup
			return
		}
		if (mode == "regions")
			return
		if (in_set(solve)) {
			todo_head()
			print ind " * Solved for you: the reference is below (make lab EX=" id " gives you the stub). */"
			for (i = 1; i <= nb; i++) print body[i]
		} else if (in_set(stub)) {
			todo_head()
			print ind " * Replace the stub below with your code; keep this line and END LAB. */"
			for (i = 1; i <= nstub; i++) print ind stubs[i]
		} else {
			for (i = 1; i <= nh; i++) print head[i]
			for (i = 1; i <= nb; i++) print body[i]
			print endline
			return
		}
		print ind "/* END LAB " id " */"
	}
	state == 0 && /^[ \t]*\/\* LAB [0-9][0-9]\.[0-9]+ / {
		state = 1; nh = 0; nb = 0; nhint = 0; nstub = 0
		checks = ""; docs = ""; fail = ""; level = ""; minutes = ""; warmup = ""
		ind = $0; sub(/\/\*.*/, "", ind)
		s = $0; sub(/^[ \t]*\/\* LAB /, "", s)
		id = s; sub(/ .*/, "", id)
		s = substr(s, length(id) + 2)
		name = s; sub(/:.*/, "", name)
		task = substr(s, length(name) + 3)
		last = "task"
		head[++nh] = $0
		emit("task", task)
		next
	}
	state == 1 {
		head[++nh] = $0
		if ($0 ~ /\*\/[ \t]*$/) {
			state = 2
			emit("meta", "*/")
			next
		}
		s = $0; sub(/^[ \t]*\*[ \t]*/, "", s)
		if (s !~ /^[a-z]+: /) {
			# No "name:": the field above goes on.
			if (last == "task") task = task "\n" s
			else if (last == "hint") hint[nhint] = hint[nhint] "\n" s
			else if (last == "stub") stubs[++nstub] = s
			else if (last == "checks") checks = checks " " s
			else if (last == "docs") docs = docs s
			else if (last == "fail") fail = fail " " s
			emit(last == "task" || last == "hint" || last == "stub" ? last : "meta", s)
			next
		}
		last = s; sub(/:.*/, "", last)
		if ((v = field($0, "checks")) != "") checks = v
		else if ((v = field($0, "docs")) != "") docs = v
		else if ((v = field($0, "fail")) != "") fail = v
		else if ((v = field($0, "level")) != "") level = v
		else if ((v = field($0, "minutes")) != "") minutes = v
		else if ((v = field($0, "warmup")) != "") warmup = v
		else if ((v = field($0, "hint")) != "") { hint[++nhint] = v; emit("hint", v); next }
		else if ((v = field($0, "stub")) != "") { stubs[++nstub] = v; emit("stub", v); next }
		emit("meta", s)
		next
	}
	state == 2 && /^[ \t]*\/\* END LAB \*\/[ \t]*$/ {
		endline = $0
		emit("meta", "END LAB")
		flush()
		state = 0
		next
	}
	state == 2 { body[++nb] = $0; emit("body", $0); next }
	mode == "text" { print }
	END {
		if (state != 0) {
			printf "%s: LAB %s has no END LAB\n", file, id > "/dev/stderr"
			exit 1
		}
	}' "$1"
}

# The exercises in the lab's order: by step, then by number (07.10
# after 07.9).
by_id() { sort -s -t. -k1,1n -k2,2n; }

list() {
	local f
	for f in $(marked_files); do
		lab_awk "$f" "" "" list
	done | by_id
}

regions() {
	local f
	for f in $(marked_files); do
		lab_awk "$f" "" "" regions
	done | by_id
}

# The file that holds exercise ID, or an error that sends to lab-list.
file_of() { # file_of ID
	local file
	file=$(list | awk -F'\t' -v id="$1" '$1 == id "" { print $3 }')
	if [ -z "$file" ]; then
		echo "mklab: no exercise $1 (make lab-list shows them)" >&2
		exit 2
	fi
	echo "$file"
}

# Regions as the lab writes them: from a "/* LAB ID " line to the first
# END LAB line after it. Reset, solve and the state of a lab all read
# them here.
#   get  ID FILE        print the region of ID in FILE
#   put  ID FILE FROM   print FILE with the region of ID taken from FROM
#                       (fails, printing nothing useful, when FILE's
#                       region never ends or FROM has none)
#   same -  FILE FROM   the ids whose region in FILE is FROM's, exactly
region_awk() { # region_awk get|put|same ID FILE [FROM]
	awk -v mode="$1" -v want="$2" -v from="${4:-}" '
	function id_of(l) {
		if (l !~ /^[ \t]*\/\* LAB [0-9][0-9]\.[0-9]+ /) return ""
		sub(/^[ \t]*\/\* LAB /, "", l)
		sub(/ .*/, "", l)
		return l
	}
	function is_end(l) { return l ~ /^[ \t]*\/\* END LAB( [0-9.]+)? \*\/[ \t]*$/ }
	BEGIN {
		if (from != "") {
			while ((getline l < from) > 0) {
				if (id == "" && (i = id_of(l)) != "") { id = i; ids[++n] = id }
				if (id != "") other[id] = other[id] l "\n"
				if (id != "" && is_end(l)) id = ""
			}
			id = ""
		}
	}
	id == "" && (i = id_of($0)) != "" { id = i }
	id != "" { mine[id] = mine[id] $0 "\n" }
	mode == "put" && id != want "" { print }
	id != "" && is_end($0) {
		if (mode == "put" && id == want "") printf "%s", other[want]
		id = ""
	}
	END {
		if (mode == "get") printf "%s", mine[want]
		if (mode == "put" && (id == want "" || !(want in other) || !(want in mine))) exit 1
		if (mode == "same")
			for (i = 1; i <= n; i++)
				if (ids[i] in mine && mine[ids[i]] == other[ids[i]]) print ids[i]
	}' "$3"
}

# Each exercise, tab-separated from what its region in the lab DIR is:
# stub, solved (the reference, as --solve writes it) or yours (anything
# else: the learner's code, or markers gone).
state() { # state DIR
	local dir=$1 f tmp
	[ -d "$dir" ] || { echo "mklab: $dir is missing: make lab first" >&2; exit 1; }
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nslab-lab.XXXXXX")
	leftover=$tmp
	for f in $(marked_files); do
		[ -f "$dir/$f" ] || continue
		lab_awk "$f" all "" text >"$tmp/stub"
		lab_awk "$f" "" all text >"$tmp/solved"
		region_awk same - "$dir/$f" "$tmp/stub" | sed 's/$/\tstub/'
		region_awk same - "$dir/$f" "$tmp/solved" | sed 's/$/\tsolved/'
	done >"$tmp/known"
	list | awk -F'\t' -v known="$tmp/known" '
		BEGIN { while ((getline l < known) > 0) { split(l, a, "\t"); s[a[1]] = a[2] } }
		{ print $1 "\t" ($1 in s ? s[$1] : "yours") }'
	rm -rf "$tmp"
}

# A copy of the tree in DIR, exercises STUB stubbed and SOLVE solved
# (space-separated ids, "all": every one).
make_tree() { # make_tree DIR STUB [SOLVE]
	local dir=$1 f
	mkdir -p "$dir"
	tar -cf - --exclude='*.o' --exclude='tests/fuzz/corpus*' "${LAB_PATHS[@]}" | tar -xf - -C "$dir"
	for f in $(marked_files); do
		lab_awk "$f" "$2" "${3:-}" text >"$dir/$f"
	done
}

# Files of DIR that differ from what was generated, one a line.
edited() { # edited DIR
	(cd "$1" && sha256sum -c --quiet "$MANIFEST" 2>/dev/null | sed -n 's/: FAILED.*//p') || true
}

# Write the lab into DIR; with FROM (a step, 01-07), the exercises of
# the steps before it come solved.
write_lab() { # write_lab DIR FORCE [FROM]
	local dir=$1 force=$2 from=${3:-} changed tmp solved=() todo=() id
	if [ -n "$from" ]; then
		[[ $from =~ ^[0-9]{1,2}$ ]] || { echo "mklab: FROM=$from: a step number, 01-07" >&2; exit 2; }
		from=$(printf '%02d' "$((10#$from))")
		for id in $(list | cut -f1); do
			if [ "$((10#${id%%.*}))" -lt "$((10#$from))" ]; then solved+=("$id"); else todo+=("$id"); fi
		done
		if [ ${#todo[@]} -eq 0 ] || ! list | cut -f1 | grep -q "^$from\."; then
			echo "mklab: FROM=$from: no exercise of step $from (make lab-list shows them)" >&2
			exit 2
		fi
	fi
	if [ -e "$dir" ] && [ ! -f "$dir/$MANIFEST" ] && [ "$force" != 1 ]; then
		echo "mklab: $dir exists and was not made by make lab; move it away, or make lab FORCE=1" >&2
		exit 1
	fi
	if [ -f "$dir/$MANIFEST" ] && [ "$force" != 1 ]; then
		changed=$(edited "$dir" | paste -sd' ')
		if [ -n "$changed" ]; then
			echo "mklab: $dir has your edits in $changed; not overwritten (make lab FORCE=1 to start again, or make lab EX=NN.M to reset one exercise)" >&2
			exit 1
		fi
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nslab-lab.XXXXXX")
	leftover=$tmp
	make_tree "$tmp/lab" all "${solved[*]}"
	(cd "$tmp/lab" && find . -type f -printf '%P\n' | sort | xargs sha256sum) >"$tmp/sums"
	mv "$tmp/sums" "$tmp/lab/$MANIFEST"
	# Keep the learner's build outputs (bin/) and saved code, replace
	# the rest.
	mkdir -p "$dir"
	(cd "$tmp/lab" && tar -cf - .) | (cd "$dir" && tar -xf -)
	rm -rf "$tmp"
	if [ -n "$from" ]; then
		echo "mklab: wrote $dir from step $from: ${#todo[@]} to do, ${#solved[@]} solved for you; start with make check-$from LAB=1 (docs/lab.md)"
	else
		echo "mklab: wrote $dir: $(list | wc -l) exercises in $(marked_files | wc -l) files; start with make check-01 LAB=1 (docs/lab.md)"
	fi
}

# Exercise ID of the lab in DIR becomes its stub (HOW=stub) or the
# reference (HOW=solve); the rest of the file stays. What the learner
# wrote there (neither the stub nor the reference) is first kept in
# DIR/.lab-saved/ID.c; an older copy that differs moves to ID.c.1, .2...
put_one() { # put_one DIR ID stub|solve
	local dir=$1 id=$2 how=$3 file tmp cur keep='' n
	file=$(file_of "$id")
	if [ ! -f "$dir/$file" ]; then
		echo "mklab: $dir/$file is missing: make lab first" >&2
		exit 1
	fi
	tmp=$(mktemp "${TMPDIR:-/tmp}/nslab-lab.XXXXXX")
	leftover=$tmp
	lab_awk "$file" all "" text >"$tmp.stub"
	lab_awk "$file" "" all text >"$tmp.solve"
	if ! region_awk put "$id" "$dir/$file" "$tmp.$how" >"$tmp"; then
		rm -f "$tmp" "$tmp.stub" "$tmp.solve"
		echo "mklab: the LAB $id or END LAB line is gone from $dir/$file; make lab FORCE=1 starts over" >&2
		exit 1
	fi
	cur=$(region_awk get "$id" "$dir/$file")
	if [ "$cur" != "$(region_awk get "$id" "$tmp.stub")" ] &&
		[ "$cur" != "$(region_awk get "$id" "$tmp.solve")" ]; then
		keep=$dir/.lab-saved/$id.c
		mkdir -p "$dir/.lab-saved"
		if [ -f "$keep" ] && [ "$(cat "$keep")" != "$cur" ]; then
			n=1
			while [ -e "$keep.$n" ]; do n=$((n + 1)); done
			mv "$keep" "$keep.$n"
		fi
		printf '%s\n' "$cur" >"$keep"
	fi
	cat "$tmp" >"$dir/$file"
	rm -f "$tmp" "$tmp.stub" "$tmp.solve"
	echo "mklab: LAB $id in $dir/$file $([ "$how" = stub ] && echo "is its stub again" || echo "is solved")${keep:+ (yours: $keep)}"
}

usage() {
	echo "usage: $0 [--force] [--from NN] [DIR] | --ex IDS [DIR] | --solve IDS [DIR] | --stubbed DIR | --state DIR | --list | --regions | --tree DIR IDS..." >&2
	exit 2
}

case "${1:-}" in
--list)
	list
	;;
--regions)
	regions
	;;
--tree)
	[ $# -ge 3 ] || { echo "usage: $0 --tree DIR IDS..." >&2; exit 2; }
	dir=$2
	shift 2
	make_tree "$dir" "$*"
	;;
--ex | --solve)
	if [ -z "${2:-}" ] || [ -z "${2//[ ,]/}" ]; then
		echo "usage: $0 $1 IDS [DIR] (IDS: one or more of make lab-list's)" >&2
		exit 2
	fi
	how=$([ "$1" = --ex ] && echo stub || echo solve)
	for id in ${2//,/ }; do
		file_of "$id" >/dev/null
	done
	for id in ${2//,/ }; do
		put_one "${3:-lab}" "$id" "$how"
	done
	;;
--stubbed)
	[ $# -eq 2 ] || { echo "usage: $0 --stubbed DIR" >&2; exit 2; }
	state "$2" | awk -F'\t' '$2 == "stub" { print $1 }'
	;;
--state)
	[ $# -eq 2 ] || { echo "usage: $0 --state DIR" >&2; exit 2; }
	state "$2"
	;;
-h | --help)
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	;;
*)
	force=0 from='' dir=lab
	while [ $# -gt 0 ]; do
		case $1 in
		--force) force=1 ;;
		--from)
			[ $# -ge 2 ] || usage
			from=$2
			shift
			;;
		-*) usage ;;
		*) dir=$1 ;;
		esac
		shift
	done
	write_lab "$dir" "$force" "$from"
	;;
esac
