#!/usr/bin/env bash
# qemu-checkpatch.sh [DIR [TREE]]: the model series in DIR (default qemu/)
# as qemu-devel's patchew checks it: QEMU's scripts/checkpatch.pl of TREE
# (a QEMU worktree of the series' base, tagged lab-base; default: the one
# lab/qemu.sh builds the lab's model from, recorded beside its binary) on
# every patch finds no error and no warning but one, "added,
# moved or deleted file(s)" (QEMU 10.0: ", does MAINTAINERS need
# updating?"; 10.2: ":", the files, "Does MAINTAINERS need updating?"),
# which it prints for any new file; so every file the series creates must then
# have a maintainer once the series is applied (scripts/get_maintainer.pl
# -f, without git fallback). KTAP on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DIR=$(cd "${1:-$LAB_ROOT/qemu}" && pwd)
TREE=${2:-$(cat "$(dirname "$("$LAB_ROOT/lab/qemu.sh")")/source")}
[ -x "$TREE/scripts/checkpatch.pl" ] || die "no scripts/checkpatch.pl in $TREE" "bash lab/qemu.sh (prints the binary; the tree is in the file 'source' beside it)"
mapfile -t patches < <(qemu_series_patches "$DIR")
[ ${#patches[@]} -gt 0 ] || die "no patches in $DIR"
# The MAINTAINERS warning, as QEMU 10.0's and 10.2's checkpatch word it
# (not its "... imported from Linux" sibling).
MAINT_WARNING='^WARNING: added, moved or deleted file\(s\)(, does MAINTAINERS need updating\?|:)$'

ktap_header
ktap_plan $((${#patches[@]} + 1))
for p in "${patches[@]}"; do
	out=$(cd "$TREE" && perl scripts/checkpatch.pl "$p" 2>&1) || true
	bad=$(grep -E '^(ERROR|WARNING): ' <<<"$out" | grep -vE "$MAINT_WARNING" || true)
	total=$(grep -E '^total: ' <<<"$out" || echo "no total line")
	if [ -z "$bad" ] && grep -q '^total: 0 errors' <<<"$out"; then
		ktap_pass "checkpatch: $(basename "$p") ($total)"
	else
		ktap_fail "checkpatch: $(basename "$p") ($total)"
		ktap_diag "$(grep -E -A3 '^(ERROR|WARNING): ' <<<"$out" | grep -vE "$MAINT_WARNING" | head -n 30)"
	fi
done
# The files the series creates, each with a maintainer in the MAINTAINERS
# of the base (TREE's tag lab-base) with the series' own changes to it: a
# scratch tree that get_maintainer.pl takes for QEMU's top level.
M=$(mktemp -d)
trap 'rm -rf "$M"' EXIT
mkdir -p "$M/scripts" "$M/docs" "$M/linux-user" "$M/system"
touch "$M/COPYING" "$M/Makefile" "$M/VERSION"
cp "$TREE/scripts/get_maintainer.pl" "$M/scripts/"
git -C "$TREE" show lab-base:MAINTAINERS >"$M/MAINTAINERS"
(cd "$M" && git apply --include=MAINTAINERS "${patches[@]}") ||
	die "the series' changes to MAINTAINERS do not apply to $TREE's base"
uncovered=
for f in $(sed -n 's/^ create mode [0-7]* //p' "${patches[@]}" | sort -u); do
	mkdir -p "$M/$(dirname "$f")"
	touch "$M/$f"
	m=$(cd "$M" && perl scripts/get_maintainer.pl --no-git-fallback -f "$f" 2>&1 | grep -v '^qemu-devel@' || true)
	[ -n "$m" ] || uncovered+="$f "
done
if [ -z "$uncovered" ]; then
	ktap_pass "every new file has a maintainer in MAINTAINERS"
else
	ktap_fail "every new file has a maintainer in MAINTAINERS"
	ktap_diag "no MAINTAINERS entry covers: $uncovered(add an F: line to the entry of its directory, in the patch that creates it)"
fi
ktap_totals
ktap_ok
