#!/usr/bin/env bash
# docs-links.sh - every project function a page names is linked to its
# file, at least where the page first names it.
#
# Usage: scripts/docs-links.sh [--fix] [PAGE.md...]
#        (default: docs/*.md docs/zh/*.md)
#
# A function is "named" when the page writes it in backticks with empty
# parentheses, `pidns_init()`, outside fenced blocks and headings. It is a
# project function when a C file of the tree defines it: a line of a
# */*.c file (lab/ and tests/ left out) that starts with its type and has
# the name and "(" without ending in ";". The first mention on the page
# must be the text of a link to that file, written from the page's
# directory:
#     [`pidns_init()`](../03-pid/pidns.c)          in docs/
#     [`pidns_init()`](../../03-pid/pidns.c)       in docs/zh/
# (an anchor after the path, #L40, is allowed). A name that several files
# define (main(), child(), usage()...) is taken from the page's own step
# (docs/03-pid.md: 03-pid/), and is not checked on other pages, where it
# would be ambiguous.
#
# --fix turns each unlinked first mention into such a link, in place.
# Exit status: 0 when every first mention is linked (or was fixed), 1
# otherwise.
set -u

cd "$(dirname "$0")/.." || exit 1

fix=0
if [ "${1:-}" = --fix ]; then fix=1 && shift; fi
if [ $# -eq 0 ]; then
	shopt -s nullglob
	set -- docs/*.md docs/deeper/*.md docs/zh/*.md docs/zh/deeper/*.md
	shopt -u nullglob
fi

# "name file" for every definition, sorted; a name may have several.
defs=$(mktemp /tmp/nslab-links.XXXXXX) || exit 1
trap 'rm -f "$defs" "$defs.page"' EXIT
for c in */*.c */*/*.c; do
	case $c in lab/* | tests/*) continue ;; esac
	grep -E '^[A-Za-z_][A-Za-z0-9_ *]*[ *][a-z_][a-z0-9_]*\(' "$c" |
		grep -v ';[[:space:]]*$' |
		sed -E 's/^[A-Za-z_][A-Za-z0-9_ *]*[ *]([a-z_][a-z0-9_]*)\(.*/\1/' |
		sed "s|\$| $c|"
done | sort -u >"$defs"

bad=0 fixed=0
for page in "$@"; do
	[ -f "$page" ] || continue
	# The way up from the page's directory to the top of the tree.
	case $page in
	docs/zh/deeper/*) up=../../../ ;;
	docs/zh/* | docs/deeper/*) up=../../ ;;
	*) up=../ ;;
	esac
	step=$(basename "$page" .md)
	awk -v up="$up" -v step="$step" -v fix="$fix" -v page="$page" \
		-v out="$defs.page" '
	# defs: files[name] = "f1 f2 ..."
	FNR == NR { files[$1] = files[$1] (files[$1] == "" ? "" : " ") $2; next }
	function target(name,   n, i, f, pick) {
		n = split(files[name], f, " ")
		if (n == 1)
			return f[1]
		for (i = 1; i <= n; i++)
			if (index(f[i], step "/") == 1)
				pick = pick == "" ? f[i] : "ambiguous"
		return pick == "ambiguous" ? "" : pick
	}
	# Is the mention at position p of line s (the opening backtick of
	# `name()`, len characters long) the text of a link to file?
	function linked(s, p, len, file,   rest, want) {
		if (p < 2 || substr(s, p - 1, 1) != "[")
			return 0
		rest = substr(s, p + len)
		want = "](" up file
		if (substr(rest, 1, length(want)) != want)
			return 0
		rest = substr(rest, length(want) + 1, 1)
		return rest == ")" || rest == "#"
	}
	{
		line = $0
		if (line ~ /^```/) { fence = !fence; print line > out; next }
		if (fence || line ~ /^#/) { print line > out; next }
		done_line = ""
		while (match(line, /`[a-z_][a-z0-9_]*\(\)`/)) {
			p = RSTART; len = RLENGTH
			name = substr(line, p + 1, len - 4)
			pre = substr(line, 1, p - 1)
			code = substr(line, p, len)
			line = substr(line, p + len)
			if (!(name in files) || (name in seen)) {
				done_line = done_line pre code
				continue
			}
			seen[name] = 1
			file = target(name)
			if (file == "") {
				done_line = done_line pre code
				continue
			}
			whole = done_line pre code line
			if (linked(whole, length(done_line pre) + 1, len, file)) {
				done_line = done_line pre code
				continue
			}
			if (fix && substr(whole, length(done_line pre), 1) != "[") {
				done_line = done_line pre "[" code "](" up file ")"
				nfixed++
			} else {
				printf "%s:%d: `%s()` is first named without a link to %s\n", \
					page, FNR, name, file
				done_line = done_line pre code
			}
			nbad++
		}
		print done_line line > out
	}
	END { exit nbad > 0 ? 1 : 0 }
	' "$defs" "$page"
	rc=$?
	if ((fix)); then
		if ! cmp -s "$page" "$defs.page"; then
			cat "$defs.page" >"$page"
			fixed=$((fixed + 1))
			echo "docs-links: linked the first mentions in $page"
		fi
	elif ((rc != 0)); then
		bad=$((bad + 1))
	fi
done

if ((fix)); then
	echo "docs-links: $fixed pages changed"
	exit 0
fi
if ((bad > 0)); then
	echo "docs-links: $bad pages name a function without linking its file (scripts/docs-links.sh --fix links them)"
	exit 1
fi
echo "docs-links: every function named is linked to its file"
