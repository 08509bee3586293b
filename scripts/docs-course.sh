#!/usr/bin/env bash
# scripts/docs-course.sh [--fix] [PAGE.md...] - do the step pages read as a
# course? Checks the seven step pages, docs/0N-*.md and docs/zh/0N-*.md
# (default: all of them), and keeps their code quotes true. Needs no root
# and no build; run by make docs-check.
#
# THE QUOTES. A ```c block with a marker right above its fence is a quote
# of the sources, kept byte for byte:
#
#     <!-- docs-quote: 01-uts/main.c child() -->
#     <!-- docs-quote: 03-pid/pidns.c /^int pidns_init/,/^}/ -->
#     <!-- docs-quote lab: 01-uts/main.c demo_clone() -->
#
# "NAME()" is the definition of the function NAME, from its first line
# to the "}" that closes it; "/FROM/,/TO/" the lines from the first one
# that matches the extended regular expression FROM to the next one that
# matches TO. A quote may not hold a lab exercise's answer (lab-lint's
# rule (a)): where the lines hold a /* LAB ... */ region, "lab:" quotes
# them as `make lab` writes them, the region its TODO and its stub, and
# the page says so. --fix writes every quote anew from the sources.
#
# THE COURSE. Each English step page has, in this order:
#   - "*Reading time: about N minutes.*" before its first "## " heading,
#     and N = prose words / 200 + lines of code and transcripts / 40,
#     rounded up (the Chinese page, "*阅读时间：约 N 分钟。*", the same N);
#   - "## You will learn" ("## 你将学到") as its first "## " heading,
#     with three points;
#   - quotes of 15 to 40 lines in all;
#   - at least one ```mermaid drawing (scripts/docs-diagrams.sh renders
#     them);
#   - at least two "**Predict:**" ("**先预测：**") prompts before a run;
#   - "## Check yourself" ("## 自测") as its last heading, with 4 to 6
#     questions, each a <details> whose <summary> is the question;
#   - at most 2,500 words of prose (07: 4,500): fenced blocks and HTML
#     comments are not prose. Deeper material goes to docs/deeper/.
# --fix also writes the reading times.
#
# And on the whole tree (no PAGE given): every "docs/PAGE.md#anchor" the
# sources, scripts and tests name, and every link from a page to another
# page's section, finds its heading (pages move sections to docs/deeper/);
# docs/lab.md's reading table (and zh's) has each page's time; and the
# Chinese pages write their brackets full width.
#
# Exit 0 all true, 1 a finding (one line each, then a count), 2 usage.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

fix=0
if [ "${1:-}" = --fix ]; then fix=1 && shift; fi
case ${1:-} in -h | --help)
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit 0 ;;
-*) echo "docs-course: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac
whole=0
if [ $# -eq 0 ]; then set -- docs/0[1-7]-*.md docs/zh/0[1-7]-*.md && whole=1; fi

tmp=$(mktemp -d /tmp/nslab-course.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

bad=0 quotes=0
finding() { echo "docs-course: $*"; bad=$((bad + 1)); }

# The lab's view of the sources, made once when a quote asks for it.
labdir=''
lab_view() {
	if [ -z "$labdir" ]; then
		labdir=$tmp/lab
		scripts/mklab.sh "$labdir" >"$tmp/mklab.log" 2>&1 || {
			cat "$tmp/mklab.log" >&2
			echo "docs-course: scripts/mklab.sh failed" >&2
			exit 2
		}
	fi
	echo "$labdir"
}

# extract FILE SPEC: the lines SPEC names, to stdout; status 1 when none.
extract() {
	local file=$1 spec=$2
	case $spec in
	*'()')
		awk -v name="${spec%()}" '
		!on && $0 ~ ("^[A-Za-z_].*[^A-Za-z0-9_]" name "\\(") && $0 !~ /;[[:space:]]*$/ { on = 1 }
		on { print; if ($0 ~ /^}/) { found = 1; exit } }
		END { exit !found }' "$file" ;;
	/*/,/*/)
		local from=${spec#/} to
		to=${from#*/,/} from=${from%%/,/*} to=${to%/}
		awk -v from="$from" -v to="$to" '
		!on && $0 ~ from { on = 1; print; next }
		on { print; if ($0 ~ to) { found = 1; exit } }
		END { exit !found }' "$file" ;;
	*) return 2 ;;
	esac
}

# The quotes of PAGE: check them, or with --fix write them anew.
quotes_of() {
	local page=$1 out=$tmp/page.new n=0 l marker='' inq=0 src spec view file lines=0 k
	: >"$out"
	while IFS= read -r l || [ -n "$l" ]; do
		n=$((n + 1))
		if ((inq)); then
			if [[ $l == '```'* ]]; then
				inq=0
				if [ -s "$tmp/quote" ]; then
					cat "$tmp/quote" >>"$out"
					if ! cmp -s "$tmp/quote" "$tmp/shown"; then
						((fix)) || {
							finding "$page:$k: the quote of $src $spec differs from the source (scripts/docs-course.sh --fix):"
							diff -u --label "$page (the page)" --label "$src (now)" \
								"$tmp/shown" "$tmp/quote" | head -n 20
						}
					fi
				else
					cat "$tmp/shown" >>"$out"
				fi
				printf '%s\n' "$l" >>"$out"
			else
				printf '%s\n' "$l" >>"$tmp/shown"
			fi
			continue
		fi
		printf '%s\n' "$l" >>"$out"
		if [[ $l =~ ^'<!-- docs-quote'( lab)?': '([^ ]+)' '(.+)' -->'$ ]]; then
			view=${BASH_REMATCH[1]} src=${BASH_REMATCH[2]} spec=${BASH_REMATCH[3]}
			marker=$n
			continue
		fi
		if [ -n "$marker" ]; then
			if [[ $l != '```c' ]]; then
				finding "$page:$marker: a docs-quote marker not right above a \`\`\`c fence"
				marker=''
				continue
			fi
			inq=1 k=$n marker=''
			: >"$tmp/shown"
			: >"$tmp/quote"
			quotes=$((quotes + 1))
			if [ ! -f "$src" ]; then
				finding "$page:$k: quotes $src, which does not exist"
				continue
			fi
			file=$src
			[ -z "$view" ] || file=$(lab_view)/$src
			if ! extract "$file" "$spec" >"$tmp/quote"; then
				finding "$page:$k: $src has no lines $spec (NAME() or /FROM/,/TO/)"
				: >"$tmp/quote"
				continue
			fi
			if [ -z "$view" ] && grep -q '/\* LAB [0-9]' "$tmp/quote"; then
				finding "$page:$k: the quote of $src $spec holds a lab exercise's answer: quote it with <!-- docs-quote lab: ... -->"
			fi
			lines=$((lines + $(wc -l <"$tmp/quote")))
		fi
	done <"$page"
	if ((fix)) && ! cmp -s "$out" "$page"; then
		cat "$out" >"$page"
		echo "docs-course: $page: quotes written from the sources"
	fi
	echo "$lines" >"$tmp/qlines"
}

prose_words() { # the words of PAGE outside fences and HTML comments
	awk '/^```/ { f = !f; next } !f' "$1" | sed -e 's/<!--.*-->//g' \
		-e 's#</\{0,1\}\(details\|summary\)>##g' | wc -w
}
code_lines() { awk '/^```/ { f = !f; next } f' "$1" | wc -l; }
reading_time() { # ceil(words / 200 + lines / 40) = ceil((words + 5 lines) / 200)
	local w l
	w=$(prose_words "$1") l=$(code_lines "$1")
	echo $(((w + 5 * l + 199) / 200))
}

for page in "$@"; do
	[ -f "$page" ] || { finding "$page: no such page"; continue; }
	quotes_of "$page"
	qlines=$(cat "$tmp/qlines")
	case $page in
	docs/zh/*)
		zh=1 en=docs/${page#docs/zh/}
		learn='## 你将学到' check='## 自测' predict='**先预测：**'
		time_re='^\*阅读时间：约 ([0-9]+) 分钟。\*$'
		minutes=$(reading_time "$en") ;;
	*)
		zh=0 en=$page
		learn='## You will learn' check='## Check yourself' predict='**Predict:**'
		time_re='^\*Reading time: about ([0-9]+) minutes\.\*$'
		minutes=$(reading_time "$page") ;;
	esac
	heads=$(awk '/^```/ { f = !f; next } !f && /^## /' "$page")
	[ "$(head -n 1 <<<"$heads")" = "$learn" ] ||
		finding "$page: its first \"## \" heading is not \"$learn\""
	[ "$(tail -n 1 <<<"$heads")" = "$check" ] ||
		finding "$page: its last \"## \" heading is not \"$check\""
	points=$(awk -v h="$learn" '$0 == h { on = 1; next } on && /^## / { exit } on && /^- /' "$page" | wc -l)
	[ "$points" = 3 ] || finding "$page: \"$learn\" has $points points, not 3"
	stated=$(awk '/^## / { exit } { print }' "$page" | sed -nE "s/$time_re/\\1/p")
	if [ "$stated" != "$minutes" ]; then
		if ((fix)) && [ -n "$stated" ]; then
			sed -i -E "/$time_re/s/[0-9]+/$minutes/" "$page"
			echo "docs-course: $page: reading time $stated -> $minutes minutes"
		elif [ -z "$stated" ]; then
			finding "$page: no reading time line before its first \"## \" heading (about $minutes minutes)"
		else
			finding "$page: says $stated minutes to read; its length says $minutes (scripts/docs-course.sh --fix)"
		fi
	fi
	if ((qlines < 15 || qlines > 40)); then
		finding "$page: quotes $qlines lines of the sources; a step page quotes 15 to 40"
	fi
	grep -q '^```mermaid' "$page" || finding "$page: no \`\`\`mermaid drawing"
	np=$(grep -cF "$predict" "$page" || true)
	((np >= 2)) || finding "$page: $np \"$predict\" prompts; at least 2"
	nd=$(awk -v h="$check" '$0 == h { on = 1; next } on && /^<details>/' "$page" | wc -l)
	ns=$(awk -v h="$check" '$0 == h { on = 1; next } on && /^<summary>/' "$page" | wc -l)
	((nd >= 4 && nd <= 6 && ns == nd)) ||
		finding "$page: \"$check\" has $nd <details> with $ns <summary>; 4 to 6 questions, each with its summary"
	if ((!zh)); then
		limit=2500
		case $page in */07-*) limit=4500 ;; esac
		w=$(prose_words "$page")
		((w <= limit)) || finding "$page: $w words of prose; at most $limit (move the deeper material to docs/deeper/)"
	fi
done

# THE ANCHORS (on the whole tree only: no PAGE given). Pages move
# sections to docs/deeper/; every "PAGE.md#anchor" the sources, scripts
# and tests name (a lab region's "docs:") and every link from one page to
# a section of another must still find its heading. Anchors as GitHub
# makes them: lower case, punctuation dropped (a letter or digit of any
# script stays), blanks made "-", a heading's second use "-1".
slugs() { # slugs PAGE: the anchors of PAGE's headings, one a line
	perl -CSD -ne '
		if (/^```/) { $f = !$f; next } next if $f;
		next unless s/^#+ //; chomp; $_ = lc;
		s/[^\w\- ]//g; s/ /-/g;
		print $n{$_}++ ? "$_-" . ($n{$_} - 1) : $_, "\n";' "$1"
}
if ((whole)); then
	{
		# what the sources name: "docs/PAGE.md#anchor"
		{ grep -rHnoE --include='*.c' --include='*.h' --include='*.sh' --include='*.bats' \
			--include='*.bash' --include='*.mk' --include=Makefile \
			'docs/(deeper/)?[a-z0-9-]+\.md#[a-z0-9_-]+' [0-9]*/ common scripts tests mk Makefile 2>/dev/null || true; } |
			sed -E 's/^([^:]+:[0-9]+):(.*)$/\1 \2/'
		# what the pages link, in both languages: "](PAGE.md#anchor)", "](#anchor)"
		for pg in docs/*.md docs/deeper/*.md docs/zh/*.md docs/zh/deeper/*.md; do
			[ -f "$pg" ] || continue
			perl -CSD -ne '
				if (/^```/) { $f = !$f; next } next if $f; s/`[^`]*`//g;
				while (/\]\(([^()\s#]*)#([^()\s]+)\)/g) {
					my ($to, $anchor) = ($1, $2);
					next if $to ne "" && $to !~ /\.md$/;
					print "$ARGV:$. ", ($to eq "" ? $ARGV : $to), "#$anchor\n";
				}' "$pg" |
				while read -r where ref; do
					case ${ref%%#*} in "$pg") echo "$where $ref"; continue ;; esac
					echo "$where $(realpath -m --relative-to=. "$(dirname "$pg")/${ref%%#*}")#${ref#*#}"
				done
		done
	} | sort -u >"$tmp/refs"
	while read -r where ref; do
		target=${ref%%#*} anchor=${ref#*#}
		if [ ! -f "$target" ]; then
			finding "$where: names $ref, and $target does not exist"
		elif ! slugs "$target" | grep -qxF -- "$anchor"; then
			finding "$where: names $ref, and $target has no such heading"
		fi
	done <"$tmp/refs"
fi

# The Chinese pages write brackets full width in Chinese text: "（）",
# not "()" (code spans, code blocks, link targets, calls, man pages and
# quoted strings keep theirs).
if ((whole)); then
	for pg in docs/zh/*.md docs/zh/deeper/*.md; do
		[ -f "$pg" ] || continue
		perl -CSD -ne '
			if (/^```/) { $f = !$f; next } next if $f; next unless /\p{Han}/;
			s/`[^`]*`/X/g; s/\]\([^)]*\)/]/g; s/<[^>]*>//g;
			while (/\(([^()]*)\)/g) {
				my ($in, $at) = ($1, $-[0]);
				my $before = $at > 0 ? substr($_, $at - 1, 1) : "";
				# a call, a man page (clone(2)) or a quoted string keeps its own
				next if $before =~ /[A-Za-z0-9_\$"]/;
				print "$ARGV:$.: ($in)\n";
			}' "$pg" >"$tmp/brackets" || true
		while IFS= read -r l; do
			finding "$l: half-width brackets in Chinese text; write （）"
		done <"$tmp/brackets"
	done
fi

# docs/lab.md's reading table (and zh's): "| 0N | [PAGE](PAGE) | M min |"
# ("M 分钟"), one row per step page, M its reading time.
if ((whole)); then
	for lab in docs/lab.md docs/zh/lab.md; do
		for pg in docs/0[1-7]-*.md; do
			want=$(reading_time "$pg") name=$(basename "$pg")
			got=$(sed -nE "s/^\| [0-9]{2} \| \[[^]]*\]\($name\) \| ([0-9]+) (min|分钟) \|.*/\1/p" "$lab")
			if [ -z "$got" ]; then
				finding "$lab: its reading table has no row for $name ($want min)"
			elif [ "$got" != "$want" ]; then
				finding "$lab: its reading table says $got min for $name; the page takes $want"
			fi
		done
	done
fi

echo "docs-course: $# pages, $quotes quotes, $bad findings"
((bad == 0))
