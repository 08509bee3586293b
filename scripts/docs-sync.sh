#!/usr/bin/env bash
# docs-sync.sh - keep docs/zh/ in step with docs/: the Chinese pages are
# translations of the English ones, with the same structure.
#
# Usage: scripts/docs-sync.sh [--fix]
#
# For every docs/PAGE.md there must be a docs/zh/PAGE.md and the other way
# round, and each pair must have:
#   - the same outline: as many headings, of the same levels, in the same
#     order (the words are translated, the levels are not);
#   - the same fenced code blocks, byte for byte, in the same order (the
#     transcripts are checked once, in English, by docs-check.sh);
#   - the same HTML comments (the docs-check markers among them), in the
#     same order;
#   - the same ```mermaid drawings in the same places; their words are
#     translated, so only their number and place are compared.
# Pages below docs/deeper/ are paired with docs/zh/deeper/ the same way.
# A mismatch prints the page and a diff of the two pages' skeletons:
# headings as "#", "##"..., then every code block and comment as is.
#
# --fix copies the English code blocks, each with the comment lines right
# above it (the docs-check markers), into the Chinese page, block by block
# in order, where the outline and the number of blocks already agree. So a
# transcript refreshed in English reaches docs/zh/ without a hand edit. The
# prose around it stays as the translator wrote it: read it again when the
# transcript changed what it says.
#
# Until docs/zh/ exists the check only says so and passes.
set -u

cd "$(dirname "$0")/.." || exit 1

fix=0
if [ "${1:-}" = --fix ]; then fix=1; fi

if [ ! -d docs/zh ]; then
	echo "docs-sync: no docs/zh/ yet: nothing to keep in step (not a failure)"
	exit 0
fi

tmp=$(mktemp -d /tmp/nslab-sync.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# The skeleton of a page: heading levels, code blocks and comments.
skeleton() {
	awk '
	/^```/ { fence = !fence; mm = fence && /^```mermaid/; print; next }
	fence && mm { if (!said) print "(a drawing: its words translated)"; said = 1; next }
	fence { said = 0; print; next }
	/^#+ / { sub(/ .*/, ""); print; next }
	/^<!--.*-->[[:space:]]*$/ { print }
	' "$1"
}

outline() { skeleton "$1" | awk '/^```/ { f = !f; next } !f && /^#/'; }

# fix_page EN ZH: the English blocks, with the comment lines right above
# each, in place of the Chinese ones. Fails when the counts differ.
fix_page() {
	awk -v out="$tmp/fixed" '
	# First file: the English units, unit[i] = comments + block.
	FNR == NR {
		if (fence) {
			unit[n] = unit[n] $0 "\n"
			if ($0 ~ /^```/) fence = 0
			next
		}
		if ($0 ~ /^<!--.*-->[[:space:]]*$/) { held = held $0 "\n"; next }
		if ($0 ~ /^```/) { unit[++n] = held $0 "\n"; mm[n] = $0 ~ /^```mermaid/; fence = 1; held = ""; next }
		held = ""
		next
	}
	# Second file: the Chinese page, its units replaced in order.
	FNR == 1 { fence = 0; held = ""; m = 0 }
	{
		if (fence) {
			if (keep) print > out
			if ($0 ~ /^```/) fence = 0
			next
		}
		if ($0 ~ /^<!--.*-->[[:space:]]*$/) { held = held $0 "\n"; next }
		if ($0 ~ /^```/) {
			m++
			# A drawing stays as translated, when both are drawings.
			keep = mm[m] && $0 ~ /^```mermaid/
			if (keep) printf "%s%s\n", held, $0 > out
			else printf "%s", unit[m] > out
			fence = 1; held = ""
			next
		}
		printf "%s%s\n", held, $0 > out
		held = ""
	}
	END {
		printf "%s", held > out
		if (m != n) {
			printf "%d code blocks, %d in English\n", m, n
			exit 1
		}
	}
	' "$1" "$2"
}

bad=0 pages=0
shopt -s nullglob
for en in docs/*.md docs/deeper/*.md; do
	zh=docs/zh/${en#docs/}
	pages=$((pages + 1))
	if [ ! -f "$zh" ]; then
		echo "docs-sync: $en has no translation $zh"
		bad=$((bad + 1))
		continue
	fi
	skeleton "$en" >"$tmp/en"
	skeleton "$zh" >"$tmp/zh"
	cmp -s "$tmp/en" "$tmp/zh" && continue
	if ((fix)) && cmp -s <(outline "$en") <(outline "$zh"); then
		if why=$(fix_page "$en" "$zh"); then
			cat "$tmp/fixed" >"$zh"
			echo "docs-sync: $zh: the English code blocks and markers copied in"
			skeleton "$zh" >"$tmp/zh"
			cmp -s "$tmp/en" "$tmp/zh" && continue
		else
			echo "docs-sync: $zh: not fixed: $why"
		fi
	fi
	if ! cmp -s <(outline "$en") <(outline "$zh"); then
		echo "docs-sync: $zh: the headings differ from $en's ($(outline "$en" | wc -l) there, $(outline "$zh" | wc -l) here)"
	else
		echo "docs-sync: $zh: a code block or an HTML comment differs from $en's"
	fi
	diff -u --label "$en (skeleton)" --label "$zh (skeleton)" \
		"$tmp/en" "$tmp/zh" | head -n 40
	bad=$((bad + 1))
done
for zh in docs/zh/*.md docs/zh/deeper/*.md; do
	[ -f "$zh" ] || continue
	if [ ! -f "docs/${zh#docs/zh/}" ]; then
		echo "docs-sync: $zh has no English page docs/${zh#docs/zh/}"
		bad=$((bad + 1))
	fi
done

if ((bad > 0)); then
	echo "docs-sync: $bad of $pages pages out of step with docs/zh/ (scripts/docs-sync.sh --fix copies the code blocks where the headings agree)"
	exit 1
fi
echo "docs-sync: docs/zh/ in step with docs/ ($pages pages)"
