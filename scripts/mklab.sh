#!/usr/bin/env bash
# scripts/mklab.sh - the workshop's lab, made from the reference sources.
#
# The reference sources mark each exercise, and keep the solution between
# the markers:
#
#     /* LAB 03.2 reap: the init reaps every child that exits, orphans too
#      * checks: 03.4 03.12
#      * docs: docs/03-pid.md#how-the-code-does-it
#      * fail: the orphan was not reaped
#      * hint: waitpid(-1, &wstatus, WNOHANG) until it returns 0 or -1
#      * stub: *status = EXIT_FAIL;
#      * stub: return 1;
#      */
#     ...the solution...
#     /* END LAB */
#
# In the lab each such region becomes a TODO comment (the task, the
# hints, the checks, the page to read) and the stub lines, which compile
# cleanly (-Werror) and fail at run time (ENOSYS, or an error that names
# the exercise). "checks" are ids of bats checks ("03.4" is the @test
# named "03.4 ..."); `make check-NN LAB=1` names the exercise of each one
# that fails ("fail" is what it then says). docs/lab.md is the guide.
#
#   scripts/mklab.sh [--force] [DIR]     write the lab (default: lab)
#   scripts/mklab.sh --ex ID [DIR]       put exercise ID of the lab back
#                                        to its stub; the rest stays
#   scripts/mklab.sh --list              the exercises, one a line, tab-
#                                        separated: id name file checks
#                                        docs fail task
#   scripts/mklab.sh --tree DIR IDS...   a copy with only exercises IDS
#                                        stubbed ("all": every one); used
#                                        by scripts/lab-verify.sh
#
# A lab that a learner has edited is never overwritten: the checksums of
# what was generated are kept in DIR/.lab.sha256, and when a file no
# longer matches, this refuses and names it, unless --force (make lab
# FORCE=1).
set -euo pipefail
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

# One file through the markers. STUB is a space-separated list of ids to
# replace with their stubs ("all": every one); the other regions stay as
# they are. With LIST=1, print the exercises instead (tab-separated).
lab_awk() { # lab_awk FILE STUB LIST
	awk -v stub=" $2 " -v list="$3" -v file="$1" '
	function field(line, name,   s) {
		s = line
		sub(/^[ \t]*\*[ \t]*/, "", s)
		if (index(s, name ": ") != 1)
			return ""
		return substr(s, length(name) + 3)
	}
	function flush(   i, w) {
		if (list) {
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, name, file, checks, docs, fail, task
			return
		}
		w = (stub == " all " || index(stub, " " id " ") > 0)
		if (!w) {
			for (i = 1; i <= nh; i++) print head[i]
			for (i = 1; i <= nb; i++) print body[i]
			print endline
			return
		}
		print ind "/* LAB " id " " name " - TODO: " task
		for (i = 1; i <= nhint; i++) print ind " * hint: " hint[i]
		print ind " * checks: " checks " (make check-" substr(id, 1, 2) " LAB=1)"
		print ind " * read: " docs
		print ind " * Replace the stub below with your code; keep this line and END LAB. */"
		for (i = 1; i <= nstub; i++) print ind stubs[i]
		print ind "/* END LAB " id " */"
	}
	state == 0 && /^[ \t]*\/\* LAB [0-9][0-9]\.[0-9]+ / {
		state = 1; nh = 0; nb = 0; nhint = 0; nstub = 0
		checks = ""; docs = ""; fail = ""
		ind = $0; sub(/\/\*.*/, "", ind)
		s = $0; sub(/^[ \t]*\/\* LAB /, "", s)
		id = s; sub(/ .*/, "", id)
		s = substr(s, length(id) + 2)
		name = s; sub(/:.*/, "", name)
		task = substr(s, length(name) + 3)
		head[++nh] = $0
		next
	}
	state == 1 {
		head[++nh] = $0
		if ((v = field($0, "checks")) != "") checks = v
		else if ((v = field($0, "docs")) != "") docs = v
		else if ((v = field($0, "fail")) != "") fail = v
		else if ((v = field($0, "hint")) != "") hint[++nhint] = v
		else if ((v = field($0, "stub")) != "") stubs[++nstub] = v
		if ($0 ~ /\*\/[ \t]*$/) state = 2
		next
	}
	state == 2 && /^[ \t]*\/\* END LAB \*\/[ \t]*$/ {
		endline = $0
		flush()
		state = 0
		next
	}
	state == 2 { body[++nb] = $0; next }
	!list { print }
	END {
		if (state != 0) {
			printf "%s: LAB %s has no END LAB\n", file, id > "/dev/stderr"
			exit 1
		}
	}' "$1"
}

list() {
	local f
	for f in $(marked_files); do
		lab_awk "$f" "" 1
	done | sort -t. -k1,1n -k2,2n
}

# A copy of the tree in DIR with exercises STUB... stubbed.
make_tree() { # make_tree DIR STUB...
	local dir=$1 f
	shift
	mkdir -p "$dir"
	tar -cf - --exclude='*.o' --exclude='tests/fuzz/corpus*' "${LAB_PATHS[@]}" | tar -xf - -C "$dir"
	for f in $(marked_files); do
		lab_awk "$f" "$*" 0 >"$dir/$f"
	done
}

# Files of DIR that differ from what was generated, one a line.
edited() { # edited DIR
	(cd "$1" && sha256sum -c --quiet "$MANIFEST" 2>/dev/null | sed -n 's/: FAILED.*//p') || true
}

write_lab() { # write_lab DIR FORCE
	local dir=$1 force=$2 changed tmp
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
	make_tree "$tmp/lab" all
	(cd "$tmp/lab" && find . -type f -printf '%P\n' | sort | xargs sha256sum) >"$tmp/sums"
	mv "$tmp/sums" "$tmp/lab/$MANIFEST"
	# Keep the learner's build outputs (bin/), replace the rest.
	mkdir -p "$dir"
	(cd "$tmp/lab" && tar -cf - .) | (cd "$dir" && tar -xf -)
	rm -rf "$tmp"
	echo "mklab: wrote $dir: $(list | wc -l) exercises in $(marked_files | wc -l) files; start with make check-01 LAB=1 (docs/lab.md)"
}

# Put exercise ID back to its stub in DIR, leaving the rest of the file.
reset_one() { # reset_one DIR ID
	local dir=$1 id=$2 file tmp
	file=$(list | awk -F'\t' -v id="$id" '$1 == id { print $3 }')
	if [ -z "$file" ]; then
		echo "mklab: no exercise $id (make lab-list shows them)" >&2
		exit 2
	fi
	if [ ! -f "$dir/$file" ]; then
		echo "mklab: $dir/$file is missing: make lab first" >&2
		exit 1
	fi
	if ! grep -qE "^[[:space:]]*/\* LAB $id " "$dir/$file" ||
		! grep -qE "^[[:space:]]*/\* END LAB( $id)? \*/" "$dir/$file"; then
		echo "mklab: the LAB $id or END LAB line is gone from $dir/$file; make lab FORCE=1 starts over" >&2
		exit 1
	fi
	tmp=$(mktemp "${TMPDIR:-/tmp}/nslab-lab.XXXXXX")
	lab_awk "$file" all 0 >"$tmp.fresh"
	# Every line of the learner's file, but those from "LAB ID" to the
	# END LAB after it, which come from the fresh stub instead.
	awk -v id="$id" -v fresh="$tmp.fresh" '
		function is_start(l) { return l ~ ("^[ \t]*/\\* LAB " id " ") }
		function is_end(l) { return l ~ "^[ \t]*/\\* END LAB( [0-9.]+)? \\*/[ \t]*$" }
		BEGIN {
			while ((getline l < fresh) > 0) {
				if (is_start(l)) on = 1
				if (on) region = region l "\n"
				if (on && is_end(l)) on = 0
			}
		}
		skip && is_end($0) { skip = 0; next }
		skip { next }
		is_start($0) { printf "%s", region; skip = 1; next }
		{ print }' "$dir/$file" >"$tmp"
	cat "$tmp" >"$dir/$file"
	rm -f "$tmp" "$tmp.fresh"
	echo "mklab: LAB $id in $dir/$file is its stub again"
}

case "${1:-}" in
--list)
	list
	;;
--tree)
	[ $# -ge 3 ] || { echo "usage: $0 --tree DIR IDS..." >&2; exit 2; }
	dir=$2
	shift 2
	make_tree "$dir" "$@"
	;;
--ex)
	[ $# -ge 2 ] || { echo "usage: $0 --ex ID [DIR]" >&2; exit 2; }
	reset_one "${3:-lab}" "$2"
	;;
--force)
	write_lab "${2:-lab}" 1
	;;
-h | --help)
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	;;
-*)
	echo "usage: $0 [--force] [DIR] | --ex ID [DIR] | --list | --tree DIR IDS..." >&2
	exit 2
	;;
*)
	write_lab "${1:-lab}" 0
	;;
esac
