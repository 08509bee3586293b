#!/usr/bin/env bash
# scripts/docs-diagrams.sh [--fix] [PAGE.md...] - the docs' drawings:
# every ```mermaid block of docs/*.md and docs/zh/*.md is rendered with
# mermaid-cli in Debian's chromium, so a block that does not parse fails
# here and not on a reader's screen. Each block has its picture committed
# beside its page, so that the drawing shows outside GitHub too:
#
#     docs/img/PAGE-N.svg       the Nth diagram of docs/PAGE.md
#     docs/zh/img/PAGE-N.svg    the Nth of docs/zh/PAGE.md
#
# and the page links it right under the block ("[the drawing as a
# picture](img/PAGE-N.svg)"). The SVG's first line records a hash of the
# block it was drawn from; a block changed since, a missing picture, a
# picture no block draws any more, or a missing link is a finding.
# --fix draws them again (every block is rendered either way, to check
# that it parses) and removes the pictures of blocks gone.
#
# Needs node, npm and chromium: `scripts/prereqs.sh diagrams` installs
# them, and mermaid-cli, pinned in scripts/diagrams/package-lock.json,
# into /var/cache/nslab/diagrams (NSLAB_DIAGRAMS_DIR). No root needed but
# for the install. Exit 0 all drawn and current, 1 a finding, 2 a usage
# error or a missing tool.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

fix=0
if [ "${1:-}" = --fix ]; then fix=1 && shift; fi
case ${1:-} in -h | --help)
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit 0 ;;
-*) echo "docs-diagrams: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac
if [ $# -eq 0 ]; then set -- docs/*.md docs/zh/*.md; fi

tools=${NSLAB_DIAGRAMS_DIR:-/var/cache/nslab/diagrams}
mmdc=$tools/node_modules/.bin/mmdc
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ ! -x "$mmdc" ] || [ -z "$chromium" ]; then
	echo "docs-diagrams: mermaid-cli or chromium is missing: run scripts/prereqs.sh diagrams" >&2
	exit 2
fi

tmp=$(mktemp -d /tmp/nslab-diagrams.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Root's chromium runs only without its sandbox; the pages are ours.
printf '{"executablePath":"%s","args":["--no-sandbox","--disable-gpu"]}\n' \
	"$chromium" >"$tmp/puppeteer.json"

bad=0 drawn=0
finding() { echo "docs-diagrams: $*"; bad=$((bad + 1)); }

for page in "$@"; do
	[ -f "$page" ] || { finding "$page: no such page"; continue; }
	dir=$(dirname "$page") base=$(basename "$page" .md)
	# Each block to $tmp/$base-N.mmd, and the line after its fence to
	# $tmp/$base-N.next (where the link to its picture must be).
	rm -f "$tmp"/*.mmd "$tmp"/*.next
	awk -v out="$tmp/$base" '
	inblk && /^```/ { inblk = 0; getline nxt; if (nxt == "") getline nxt
		print nxt > (out "-" n ".next"); next }
	inblk { print > (out "-" n ".mmd"); next }
	/^```mermaid[[:space:]]*$/ { inblk = 1; n++; printf "" > (out "-" n ".mmd") }
	' "$page"
	n=0
	for mmd in "$tmp/$base"-*.mmd; do
		[ -f "$mmd" ] || continue
		n=$((n + 1))
		name=$base-$n
		svg=$dir/img/$name.svg
		hash=$(sha256sum <"$mmd" | cut -c1-16)
		if ! "$mmdc" -q -p "$tmp/puppeteer.json" -i "$mmd" -o "$tmp/$name.svg" >"$tmp/err" 2>&1; then
			finding "$page: diagram $n does not render:"
			grep -v '^ *at ' "$tmp/err" | sed 's/^/    /' | head -n 8
			continue
		fi
		drawn=$((drawn + 1))
		grep -qF "](img/$name.svg)" "$tmp/$base-$n.next" ||
			finding "$page: diagram $n: the line after it does not link img/$name.svg"
		if ((fix)); then
			mkdir -p "$dir/img"
			{ echo "<!-- nslab diagram $hash: drawn by scripts/docs-diagrams.sh from $page, diagram $n -->"
				cat "$tmp/$name.svg"; echo; } >"$svg"
		elif [ ! -f "$svg" ]; then
			finding "$page: diagram $n has no picture $svg (scripts/docs-diagrams.sh --fix draws it)"
		elif ! head -n 1 "$svg" | grep -q "^<!-- nslab diagram $hash:"; then
			finding "$page: diagram $n changed since $svg was drawn (scripts/docs-diagrams.sh --fix)"
		fi
	done
	for svg in "$dir/img/$base"-*.svg; do
		[ -f "$svg" ] || continue
		k=${svg##*-} k=${k%.svg}
		if ((k > n)); then
			if ((fix)); then rm -f "$svg"; else finding "$svg: $page has no diagram $k"; fi
		fi
	done
done

echo "docs-diagrams: $drawn diagrams rendered, $bad findings"
((bad == 0))
