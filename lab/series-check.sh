#!/usr/bin/env bash
# series-check.sh: the upstream rules for series/, on both trees.
#  - every patch passes scripts/checkpatch.pl --strict of its own tree;
#    UNKNOWN_COMMIT_ID is ignored because the lab's trees are imported
#    tarballs without upstream history: instead every Fixes: tag is checked
#    here against the commits named in ../shared/seeds (12-character id,
#    exact subject);
#  - every patch has a Signed-off-by:, the cover letter a base-commit:
#    naming the tree's lab-base;
#  - both series carry the same patches (by subject) in the same order.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SEEDS=${LAB_SEEDS:-$LAB_ROOT/../shared/seeds}
bad=0
fail() {
	echo "series-check: $*" >&2
	bad=1
}

ls "$SEEDS"/*.txt >/dev/null 2>&1 ||
	die "no seeds at $SEEDS: the Fixes: tags cannot be checked" "run from a clone with ../shared beside it, or set LAB_SEEDS"

# Known commits: "<full id> <subject>" from the seeds ("commit<id>" lines,
# the subject being the seed's first line).
declare -A known=()
for f in "$SEEDS"/*.txt; do
	[ -f "$f" ] || continue
	id=$(sed -n 's/^commit\([0-9a-f]\{40\}\)$/\1/p' "$f" | head -n 1)
	[ -n "$id" ] || continue
	known[$id]=$(head -n 1 "$f")
done

subjects() {
	local p
	for p in $(series_patches "$1"); do
		sed -n '/^Subject: /{s/^Subject: \[PATCH[^]]*\] //;N;s/\n / /;s/\n.*//;p;q}' "$p"
	done
}

for k in 7.3 6.12; do
	d=$(series_dir "$k")
	repo=$(kernel_repo "$k")
	[ -d "$repo" ] || "$LAB_ROOT/lab/fetch.sh" "$k"
	n=0
	for p in $(series_patches "$k"); do
		n=$((n + 1))
		b=$(basename "$p")
		out=$(cd "$repo" && perl scripts/checkpatch.pl --strict --no-summary --ignore UNKNOWN_COMMIT_ID "$p" 2>&1) ||
			fail "$k $b: checkpatch --strict:
$out"
		grep -q '^Signed-off-by: .\+ <.\+@.\+>$' "$p" || fail "$k $b: no Signed-off-by"
		while IFS= read -r line; do
			if [[ ! $line =~ ^Fixes:\ ([0-9a-f]{12})\ \(\"(.*)\"\)$ ]]; then
				fail "$k $b: malformed tag: $line (want: Fixes: <12 hex> (\"subject\"))"
				continue
			fi
			short=${BASH_REMATCH[1]} subj=${BASH_REMATCH[2]} hit=""
			for id in "${!known[@]}"; do
				[ "${id:0:12}" = "$short" ] && hit=$id
			done
			if [ -z "$hit" ]; then
				fail "$k $b: Fixes: $short is not a commit the seeds name"
			elif [ "${known[$hit]}" != "$subj" ]; then
				fail "$k $b: Fixes: $short subject '$subj' differs from '${known[$hit]}'"
			fi
		done < <(grep '^Fixes:' "$p" || true)
	done
	if [ "$n" -gt 0 ]; then
		cover=$d/0000-cover-letter.patch
		base=$(git -C "$repo" rev-parse lab-base)
		[ -f "$cover" ] || fail "$k: no cover letter"
		[ -f "$cover" ] && ! grep -q "^base-commit: $base" "$cover" && fail "$k: cover letter lacks base-commit: $base"
		[ -f "$cover" ] && grep -q '\*\*\* SUBJECT HERE \*\*\*\|COVER LETTER SUBJECT' "$cover" && fail "$k: cover letter is a placeholder"
	fi
	log series-check "$k: $n patches checked"
done

if [ "$(subjects 7.3)" != "$(subjects 6.12)" ]; then
	fail "series/mainline and series/6.12 differ in patches or order:
$(diff <(subjects 7.3) <(subjects 6.12) || true)"
fi
[ "$bad" = 0 ] || die "series/ breaks the upstream rules (see above)" "fix the patch in make tree KVER=.., then make export"
log series-check "both series in step, checkpatch --strict clean, tags verified"
