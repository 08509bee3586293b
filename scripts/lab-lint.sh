#!/usr/bin/env bash
# scripts/lab-lint.sh [-v] [--only 'IDS'] [-C DIR] - do the lab's exercises make a
# learner think? Reads every /* LAB NN.M ... END LAB */ region of the
# reference sources itself (the header fields and the body, as
# scripts/mklab.sh reads them) and the docs; needs no root, no build, and
# runs in well under a second. The rules (docs/lab.md, "The rules CI
# holds the exercises to"):
#
#   (a) no line of an answer is on a docs page: no body line (20+
#       characters once whitespace and comments are gone, lines that only
#       report left out), and no call in it with a comma (an identifier and
#       its parentheses, 20+ characters), is part of the inline code or of
#       a ```c block of docs/*.md or docs/zh/*.md. Transcripts are exempt:
#       they show what a demo printed, and docs-check keeps them true.
#   (b) the task, the hints, the fail text and the stub's strings name at
#       most half of the answer: of the calls and ALL_CAPS constants of the
#       body (comments and strings left out; keywords, NULL, errno, E*
#       codes, the reporters and plumbing left out, and whatever the stub's
#       own code uses, which is handed over). A name counts as named when
#       the text holds it as a whole word ("msgget(2)" names msgget), or
#       five or more of its first letters followed by "..." or "*"
#       (CLONE_NEW...). A warm-up ("warmup: yes") may name its answer.
#       And on no exercise may a stub's string name any of it (a call
#       counts there only as a call, "name(": "mount proc" is English).
#   (c) every exercise has "level:" (1-3) and "minutes:" (a number); every
#       one but a warm-up has a man page, "name(N)", in its hints.
#   and on the whole tree (not with --only): at least 26 exercises, at most
#   one in five a warm-up, each id once, each region closed.
#
# One line per finding, "lab-lint: ID: (RULE) WHAT", then a count; exit 1
# on any finding, 2 on a usage error. --only 'IDS' (blanks or commas)
# lints those exercises only; -v also prints, for each exercise, what
# rule (b) counted; -C DIR lints the tree in DIR instead of this one
# (tests/lab-lint.bats).
set -euo pipefail
here=$PWD
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

only='' verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	-C) if [ $# -lt 2 ] || ! cd "$here" || ! cd "$2"; then
			echo "lab-lint: -C needs a directory" >&2
			exit 2
		fi
		shift 2 ;;
	--only) [ $# -ge 2 ] || { echo "lab-lint: --only needs a list of ids" >&2; exit 2; }
		only=$(tr ',' ' ' <<<"$2"); shift 2 ;;
	--only=*) only=$(tr ',' ' ' <<<"${1#--only=}"); shift ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "lab-lint: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
if [ -n "$only" ] && ! grep -qE '^[[:space:]]*([0-9][0-9]\.[0-9]+[[:space:]]*)+$' <<<"$only"; then
	echo "lab-lint: --only wants exercise ids such as '03.2 04.1', not '$only'" >&2
	exit 2
fi

shopt -s nullglob
docs=(docs/*.md docs/zh/*.md)
for d in docs/deeper/*.md docs/zh/deeper/*.md; do [ -f "$d" ] && docs+=("$d"); done
srcs=([0-9][0-9]-*/*.c [0-9][0-9]-*/*/*.c)
[ ${#srcs[@]} -gt 0 ] && mapfile -t srcs < <(grep -lE '^[[:space:]]*/\* LAB [0-9][0-9]\.[0-9]+ ' "${srcs[@]}")
[ ${#srcs[@]} -gt 0 ] || { echo "lab-lint: no LAB region in [0-9][0-9]-*/*.c" >&2; exit 2; }

# Docs first, then the sources: the corpus of rule (a) is complete
# before the first region is judged.
exec awk -v only=" $only " -v verbose="$verbose" '
BEGIN {
	split("if while for switch return sizeof do else case default goto break continue " \
	      "typedef struct union enum static const void int char long short unsigned " \
	      "signed NULL errno say say_more say_role nsl_error nsl_hint nsl_fail fail " \
	      "snprintf strlen strcmp close free", w, " ")
	for (i in w) STOP[w[i]] = 1
	split("if while for switch return sizeof", w, " ")
	for (i in w) KEYWORD[w[i]] = 1
	nfind = 0; nex = 0; nwarm = 0; nlinted = 0
	SQ = sprintf("%c", 39)
}

# ---- helpers -------------------------------------------------------------

function finding(id, rule, what) {
	print "lab-lint: " id ": (" rule ") " what
	nfind++
}

# S without its blanks.
function squeeze(s) { gsub(/[ \t\r]+/, "", s); return s }

# LINE of C with its comments gone; INCOMMENT carries a /* ... */ from
# one line to the next (the global incomment). Strings are kept, and a
# "/*" inside one is no comment. With BLANK set, strings become "".
function decomment(line, blank,   out, i, n, c, d, q) {
	out = ""; n = length(line); q = ""
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1); d = substr(line, i, 2)
		if (incomment) {
			if (d == "*/") { incomment = 0; i++ }
			continue
		}
		if (q != "") {
			if (c == "\\") { if (!blank) out = out d; i++; continue }
			if (c == q) { q = ""; out = out c; continue }
			if (!blank) out = out c
			continue
		}
		if (d == "/*") { incomment = 1; i++; out = out " "; continue }
		if (d == "//") break
		if (c == "\"" || c == SQ) q = c
		out = out c
	}
	return out
}

# The string literals of LINE, joined by blanks.
function strings_of(line,   out, s) {
	out = ""; s = line
	while (match(s, /"([^"\\]|\\.)*"/)) {
		out = out " " substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
	}
	return out
}

# ---- the corpus of rule (a): docs code spans and ```c blocks -------------

# A ```c block ends: keep it, with where each of its lines starts.
function end_block() {
	doc[++nd] = blk; dfile[nd] = FILENAME; dlines[nd] = nbl
	for (k = 1; k <= nbl; k++) { doff[nd, k] = boff[k]; dline[nd, k] = bline[k] }
}

# Where S is in the corpus: "page:line", or "".
function where(s,   i, p, k, at) {
	for (i = 1; i <= nd; i++) {
		if (length(doc[i]) < length(s) || (p = index(doc[i], s)) == 0)
			continue
		if (dlines[i] == 0)
			return dfile[i]
		at = dline[i, 1]
		for (k = 1; k <= dlines[i]; k++) if (doff[i, k] <= p) at = dline[i, k]
		return dfile[i] ":" at
	}
	return ""
}

FILENAME ~ /\.md$/ {
	if (FNR == 1) fence = 0
	if ($0 ~ /^[ \t]*```/) {
		if (fence) {
			if (fence == 1) end_block()
			fence = 0
		} else {
			fence = ($0 ~ /^[ \t]*```c[ \t]*$/) ? 1 : 2
			blk = ""; nbl = 0; incomment = 0
		}
		next
	}
	if (fence == 1) {
		boff[++nbl] = length(blk) + 1; bline[nbl] = FNR
		blk = blk squeeze(decomment($0, 0))
		next
	}
	if (fence == 2) next
	s = $0
	while (match(s, /`[^`]+`/)) {
		t = substr(s, RSTART + 1, RLENGTH - 2)
		gsub(/\\\|/, "|", t)
		doc[++nd] = squeeze(t); dfile[nd] = FILENAME ":" FNR; dlines[nd] = 0
		s = substr(s, RSTART + RLENGTH)
	}
	next
}

# ---- the regions ---------------------------------------------------------

# The value of header field NAME on LINE, or "" (with got = 0).
function field(line, name,   s) {
	got = 0
	s = line
	sub(/^[ \t]*\*?[ \t]*/, "", s)
	sub(/[ \t]*\*\/[ \t]*$/, "", s)
	if (index(s, name ":") != 1) return ""
	got = 1
	s = substr(s, length(name) + 2)
	sub(/^[ \t]+/, "", s)
	return s
}

state == 0 && /^[ \t]*\/\* LAB [0-9][0-9]\.[0-9]+ / {
	s = $0; sub(/^[ \t]*\/\* LAB /, "", s)
	id = s; sub(/ .*/, "", id)
	s = substr(s, length(id) + 2)
	name = s; sub(/:.*/, "", name)
	task = (index(s, ":") ? substr(s, index(s, ":") + 1) : "")
	sub(/[ \t]*\*\/[ \t]*$/, "", task)
	start = FILENAME ":" FNR
	level = ""; minutes = ""; warm = ""; hints = ""; fail = ""; stubcode = ""; stubstr = ""
	stubn = 0; last = "task"; nb = 0; incomment = 0
	state = ($0 ~ /\*\/[ \t]*$/) ? 2 : 1
	next
}
state == 1 {
	# A line of the header: a field, or the continuation of the last one.
	if ((v = field($0, "level")) != "" || got) { level = v; last = "" }
	else if ((v = field($0, "minutes")) != "" || got) { minutes = v; last = "" }
	else if ((v = field($0, "warmup")) != "" || got) { warm = v; last = "" }
	else if ((v = field($0, "hint")) != "" || got) { hints = hints " " v; last = "hint" }
	else if ((v = field($0, "fail")) != "" || got) { fail = v; last = "fail" }
	else if ((v = field($0, "stub")) != "" || got) {
		stubn++; stubstr = stubstr strings_of(v)
		incomment = 0; stubcode = stubcode " " decomment(v, 1); incomment = 0
		last = ""
	} else if ((v = field($0, "checks")) != "" || got) last = ""
	else if ((v = field($0, "docs")) != "" || got) last = ""
	else {
		v = $0; sub(/^[ \t]*\*?[ \t]*/, "", v); sub(/[ \t]*\*\/[ \t]*$/, "", v)
		if (last == "hint") hints = hints " " v
		else if (last == "fail") fail = fail " " v
		else if (last == "task") task = task " " v
	}
	# A stub may be a comment of its own ("stub: /* nothing yet */").
	if ($0 ~ /\*\/[ \t]*$/ && !($0 ~ /^[ \t]*\*[ \t]*stub:/ && field($0, "stub") ~ /\/\*/ && \
	    $0 !~ /\*\/[ \t]*\*\/[ \t]*$/))
		state = 2
	next
}
state == 2 && /^[ \t]*\/\* END LAB/ {
	judge()
	state = 0
	next
}
state == 2 { body[++nb] = $0; bodyline[nb] = FNR; next }

# ---- the judge -----------------------------------------------------------

function wanted(i) { return only == "  " || index(only, " " i " ") > 0 }

# The name of the call starting at S (an identifier and "("), and where it
# ends: the global callend, the index of its closing parenthesis in S
# (strings skipped), or 0.
function call_end(s, open,   k, n, c, d, q) {
	d = 0; q = ""; n = length(s)
	for (k = open; k <= n; k++) {
		c = substr(s, k, 1)
		if (q != "") {
			if (c == "\\") k++
			else if (c == q) q = ""
			continue
		}
		if (c == "\"" || c == SQ) { q = c; continue }
		if (c == "(") d++
		else if (c == ")" && --d == 0) return k
	}
	return 0
}

function reporter(w) {
	return w ~ /^(say|say_[a-z_]+|nsl_[a-z_]+|fail|[a-z_]+_fail)$/
}

function judge(   i, j, code, blanked, all, n, s, w, e, p, at, first, seen, A, na, nn, list, V, stubids, bad) {
	if (id in ids) finding(id, "tree", "the id is used twice: " ids[id] " and " start)
	ids[id] = start
	nex++
	iswarm = (warm == "yes")
	if (iswarm) nwarm++
	if (!wanted(id)) { delete body; return }
	nlinted++
	if (warm != "" && warm != "yes")
		finding(id, "c", "warmup: \"" warm "\" (only \"warmup: yes\", or no such line) at " start)

	# (c) the metadata.
	if (level !~ /^[123]$/)
		finding(id, "c", (level == "" ? "no level: line" : "level: \"" level "\", not 1, 2 or 3") " at " start)
	if (minutes !~ /^[1-9][0-9]*$/)
		finding(id, "c", (minutes == "" ? "no minutes: line" : "minutes: \"" minutes "\", not a number") " at " start)
	if (!iswarm && hints !~ /[A-Za-z_][A-Za-z0-9_]*\([1-8][a-z]*\)/)
		finding(id, "c", "no man page, name(N), in the hints at " start)

	# The body twice: comments gone (for rule a), strings blanked too (b).
	incomment = 0; all = ""
	for (i = 1; i <= nb; i++) code[i] = decomment(body[i], 0)
	incomment = 0
	for (i = 1; i <= nb; i++) blanked[i] = decomment(body[i], 1)

	# (a) each line of the answer that does more than report ...
	split("", seen)
	for (i = 1; i <= nb; i++) {
		s = squeeze(code[i])
		all = all " " code[i]
		first = s; sub(/^return/, "", first)
		if (match(first, /^[A-Za-z_][A-Za-z0-9_]*\(/) && reporter(substr(first, 1, RLENGTH - 1)))
			continue
		if (length(s) < 20 || (at = where(s)) == "") continue
		seen[at] = 1
		finding(id, "a", "`" s "` (" FILENAME ":" bodyline[i] ") is on " at)
	}
	# ... and each call in it with a comma, nested ones on their own
	# (found with the blanks still there: "return f(" calls f).
	s = all
	while (match(s, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
		w = substr(s, RSTART, RLENGTH - 1); sub(/[ \t]+$/, "", w)
		e = call_end(s, RSTART + RLENGTH - 1)
		if (e == 0) break
		if (reporter(w)) { s = substr(s, e + 1); continue }
		p = squeeze(substr(s, RSTART, e - RSTART + 1))
		if (!(w in KEYWORD) && length(p) >= 20 && index(p, ",") && (at = where(p)) != "" && !(at in seen)) {
			seen[at] = 1
			finding(id, "a", "`" p "` is on " at)
		}
		s = substr(s, RSTART + RLENGTH)
	}

	# (b) the answer A: calls and ALL_CAPS of the body ...
	split("", A)
	for (i = 1; i <= nb; i++) {
		s = blanked[i]
		while (match(s, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
			w = substr(s, RSTART, RLENGTH); sub(/[ \t]*\($/, "", w)
			A[w] = 1; s = substr(s, RSTART + RLENGTH)
		}
		s = " " blanked[i] " "
		while (match(s, /[^A-Za-z0-9_][A-Z][A-Z0-9_][A-Z0-9_]+[^A-Za-z0-9_]/)) {
			w = substr(s, RSTART + 1, RLENGTH - 2)
			if (w ~ /[A-Z][A-Z]/) A[w] = 1
			s = substr(s, RSTART + RLENGTH - 1)
		}
	}
	# ... minus the stoplist and what the stub itself uses.
	split("", stubids); s = stubcode
	while (match(s, /[A-Za-z_][A-Za-z0-9_]*/)) {
		stubids[substr(s, RSTART, RLENGTH)] = 1; s = substr(s, RSTART + RLENGTH)
	}
	na = 0; nn = 0; list = ""; bad = ""
	V = task " " hints " " fail " " stubstr
	for (w in A) {
		if (w in STOP || w in stubids || reporter(w) || w ~ /^E[A-Z0-9]+$/) continue
		na++
		if (named(w, V)) { nn++; list = list " " w }
		if (stubnamed(w, stubstr)) bad = bad " " w
	}
	list = sorted(list); bad = sorted(bad)
	if (verbose)
		printf "lab-lint: %s: (b) %d of %d named%s%s\n", id, nn, na, list, iswarm ? " (a warm-up)" : ""
	if (!iswarm && 2 * nn > na)
		finding(id, "b", "the task, hints, fail text and stub name " nn " of the answer'"'"'s " na ":" list)
	if (bad != "")
		finding(id, "b", "the stub'"'"'s strings name the answer:" bad)
	delete body
}

# The words of S, sorted: "for (w in A)" has an order of its own.
function sorted(s,   w, n, i, j, t, out) {
	n = split(s, w, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && w[j - 1] > w[j]; j--) { t = w[j]; w[j] = w[j - 1]; w[j - 1] = t }
	out = ""
	for (i = 1; i <= n; i++) out = out " " w[i]
	return out
}

# In a stub string a call is named only as a call, "mount(" or "mount(2)"; the
# word alone is English ("mount proc on TARGET"). Constants count as words.
function stubnamed(w, v) {
	if (w !~ /^[a-z_][a-z0-9_]*$/) return named(w, v)
	if (match(" " v, "[^A-Za-z0-9_]" w " *[(]")) return 1
	return 0
}

# Does the text V name W?
function named(w, v,   k, p) {
	if (match(" " v " ", "[^A-Za-z0-9_]" w "[^A-Za-z0-9_]")) return 1
	for (k = length(w) - 1; k >= 5; k--) {
		p = substr(w, 1, k)
		if (index(v, p "...") || index(v, p "*")) return 1
	}
	return 0
}

END {
	if (state != 0) finding(id, "tree", "no END LAB after " start)
	n = split(only, w, " ")
	for (i = 1; i <= n; i++)
		if (!(w[i] in ids)) finding(w[i], "tree", "no such exercise")
	if (only == "  ") {
		if (nex < 26) finding("all", "tree", nex " exercises; the lab wants at least 26")
		if (5 * nwarm > nex) finding("all", "tree", nwarm " warm-ups of " nex " exercises: more than one in five")
	}
	printf "lab-lint: %d exercises (%d warm-ups), %d linted, %d finding%s\n", nex, nwarm, nlinted, nfind, nfind == 1 ? "" : "s"
	exit nfind > 0
}
' "${docs[@]}" "${srcs[@]}"
