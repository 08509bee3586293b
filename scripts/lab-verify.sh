#!/usr/bin/env bash
# scripts/lab-verify.sh [--no-reference] [ID...] - prove that the lab's checks tell a solved
# exercise from a stub (make lab-verify; CI runs it). For every exercise
# (scripts/mklab.sh --list), or only those named:
#
#   reference  the reference tree passes the checks of every exercise;
#   alone      the reference with ONLY this exercise stubbed fails every
#              one of its checks: they see this region, not another;
#   in order   the lab with every exercise up to this one filled in (the
#              order a learner works in: 01.1, 01.2, ... 07.4) and the
#              later ones still stubs passes the checks whose last
#              exercise this is: a check turns green once the last of the
#              exercises that name it is solved (and stays green: the
#              next trees only fill in more);
#   skeleton   the fresh lab, every region a stub, fails every check of
#              every exercise.
#
# Why not "fill one region into the skeleton and exactly its checks
# pass": the regions of a step follow each other (a stubbed clone stops
# everything after it, and 04's pivot_root needs the private remount
# before it), so one region filled alone passes nothing. "Alone" shows
# that each check depends on its region; "in order" shows that solving
# the regions in the lab's order turns the checks green one by one.
#
# Each tree is built into a directory of its own under a temporary
# directory (only the step in question; the other programs are copied from
# the reference build), and only the named checks run (bats -f). Needs
# root, like the checks; a skipped check proves nothing and counts as a
# failure here. Ends with "lab-verify: N proofs, N failed" and exits 1
# when one failed. --no-reference leaves the reference's checks to a
# `make test` of the same tree (CI runs both); the reference is still
# built, as every other tree takes the other steps' programs from it.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

STEPS=(01-uts 02-ipc 03-pid 04-mount 05-user 06-setns 07-full-container)
step_of() { local s; for s in "${STEPS[@]}"; do [[ $s == "$1"-* ]] && echo "$s"; done; }
checks_of() { # the .bats files of a step, as the Makefile's checks_of
	echo "tests/$(step_of "$1").bats"
	[ "$1" != 07 ] || echo tests/07-mini.bats tests/security.bats tests/07-cgroups.bats tests/07-network.bats
}

reference=1
if [ "${1:-}" = --no-reference ]; then reference=0; shift; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nslab-labverify.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

# id name file checks ..., one exercise a line, in the lab's order
# (07.10 after 07.9): an exercise's place is its index in ids.
mapfile -t EXS < <(scripts/mklab.sh --list)
ids=() ; declare -A checks last index
for line in "${EXS[@]}"; do
	IFS=$'\t' read -r id _ _ c _ <<<"$line"
	index[$id]=${#ids[@]}
	ids+=("$id"); checks[$id]=$c
	# The last exercise (in the lab's order) that names each check.
	for c in ${checks[$id]}; do last[$c]=$id; done
done
want=("$@")
[ ${#want[@]} -gt 0 ] || want=("${ids[@]}")
for id in "${want[@]}"; do
	[ -n "${checks[$id]:-}" ] || { echo "lab-verify: no exercise $id" >&2; exit 2; }
done

proofs=0 bad=0
start=$SECONDS

say() { echo "lab-verify: $*"; }

# build DIR NN: build step NN of the tree in DIR into DIR/bin, with the
# reference's other programs beside it (06's checks run 01's).
build() {
	local dir=$1 nn=$2 s
	s=$(step_of "$nn")
	mkdir -p "$dir/bin"
	cp -a "$work/ref/bin/." "$dir/bin/"
	rm -f "$dir/bin/$s"
	if ! make -s -C "$dir" "$s" WERROR=1 >"$dir/build.log" 2>&1; then
		cat "$dir/build.log"
		return 1
	fi
}

# run_checks BIN NN IDS...: run checks IDS of step NN on the programs in
# BIN; prints "ID ok|fail|skip" for each, "ID missing" for one that did
# not run.
run_checks() {
	local bin=$1 nn=$2 re id
	shift 2
	re=$(printf '%s|' "$@" | sed 's/\./\\./g; s/|$//')
	# shellcheck disable=SC2046 # checks_of prints file names without spaces
	NSLAB_GUARD=${guard:-10} NSLAB_BIN=$bin timeout -k 5 300 bats --formatter tap -f "^($re) " $(checks_of "$nn") \
		>"$bin/../tap.log" 2>&1
	for id in "$@"; do
		awk -v id="$id" '
			$1 == "ok" && $3 == id "" { r = ($0 ~ / # skip/) ? "skip" : "ok" }
			$1 == "not" && $4 == id "" { r = "fail" }
			END { print id, (r == "" ? "missing" : r) }' "$bin/../tap.log"
	done
}

# expect WHAT RESULT BIN NN IDS...: every check in IDS must give RESULT.
expect() {
	local what=$1 result=$2 bin=$3 nn=$4 out wrong guard=10
	shift 4
	proofs=$((proofs + 1))
	# Checks that must fail may give up on their guards sooner
	# (tests/helpers.bash, NSLAB_GUARD): a program that works answers in
	# milliseconds, so 3 s fails no check that 10 s would pass.
	[ "$result" = ok ] || guard=3
	out=$(run_checks "$bin" "$nn" "$@")
	wrong=$(awk -v r="$result" '$2 != r { printf " %s (%s)", $1, $2 }' <<<"$out")
	if [ -z "$wrong" ]; then
		say "$what: $* $( [ "$result" = ok ] && echo pass || echo fail), as they must"
	else
		bad=$((bad + 1))
		say "FAILED $what: expected every check to $( [ "$result" = ok ] && echo pass || echo fail), got:$wrong"
		sed 's/^/    /' "$bin/../tap.log" | tail -40
	fi
}

union() { # the checks of exercises IDS..., each once
	local id
	for id in "$@"; do echo "${checks[$id]}"; done | tr ' ' '\n' | awk 'NF && !seen[$0]++' | paste -sd' '
}

steps_wanted=$(printf '%s\n' "${want[@]}" | cut -c1-2 | sort -u)

# The reference, built from this tree into a directory of its own.
say "building the reference"
mkdir -p "$work/ref"
make -s BINDIR="$work/ref/bin" WERROR=1 >"$work/ref/build.log" 2>&1 || { cat "$work/ref/build.log"; exit 1; }
for nn in $steps_wanted; do
	if [ "$reference" = 0 ]; then
		say "reference: its checks are left to make test (--no-reference)"
		break
	fi
	mapfile -t mine < <(printf '%s\n' "${want[@]}" | grep "^$nn\.")
	# shellcheck disable=SC2046 # union prints ids without spaces
	expect "reference, step $nn" ok "$work/ref/bin" "$nn" $(union "${mine[@]}")
done

# The fresh skeleton: every region a stub.
say "building the fresh skeleton"
scripts/mklab.sh --tree "$work/skel" all
make -s -C "$work/skel" WERROR=1 >"$work/skel/build.log" 2>&1 || { cat "$work/skel/build.log"; exit 1; }
for nn in $steps_wanted; do
	mapfile -t mine < <(printf '%s\n' "${want[@]}" | grep "^$nn\.")
	# shellcheck disable=SC2046
	expect "skeleton, step $nn" fail "$work/skel/bin" "$nn" $(union "${mine[@]}")
done

for id in "${want[@]}"; do
	nn=${id%%.*}
	# Alone: only this region stubbed.
	d=$work/alone-$id
	scripts/mklab.sh --tree "$d" "$id"
	if build "$d" "$nn"; then
		# shellcheck disable=SC2086 # the ids are words
		expect "$id alone stubbed" fail "$d/bin" "$nn" ${checks[$id]}
	else
		proofs=$((proofs + 1)) bad=$((bad + 1)); say "FAILED $id alone stubbed: does not build"
	fi
	rm -rf "$d"
	# In order: every exercise up to this one filled, the later ones stubs.
	later=() so_far=()
	for other in "${ids[@]}"; do
		if [ "${index[$other]}" -gt "${index[$id]}" ]; then later+=("$other")
		elif [[ $other == "$nn".* ]]; then so_far+=("$other"); fi
	done
	green=()
	for c in $(union "${so_far[@]}"); do
		[ "${last[$c]}" != "$id" ] || green+=("$c")
	done
	if [ ${#green[@]} -eq 0 ]; then
		say "up to $id filled: no check yet - each of its checks needs a later exercise too"
		continue
	fi
	d=$work/order-$id
	scripts/mklab.sh --tree "$d" "${later[@]}" none
	if build "$d" "$nn"; then
		expect "up to $id filled" ok "$d/bin" "$nn" "${green[@]}"
	else
		proofs=$((proofs + 1)) bad=$((bad + 1)); say "FAILED up to $id filled: does not build"
	fi
	rm -rf "$d"
done

say "$proofs proofs, $bad failed ($((SECONDS - start)) s)"
[ "$bad" -eq 0 ]
