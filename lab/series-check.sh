#!/usr/bin/env bash
# series-check.sh: the upstream rules for series/, on both trees.
#  - every patch passes scripts/checkpatch.pl --strict of its own tree,
#    with three message types ignored, each checked another way:
#    UNKNOWN_COMMIT_ID, because the lab's trees are imported tarballs
#    without upstream history: every Fixes: tag is checked here against the
#    commits named in ../shared/seeds (12-character id, exact subject);
#    FILE_PATH_CHANGES ("does MAINTAINERS need updating?"): every file the
#    series adds must map to the linux-riscv list by get_maintainer.pl;
#    PREFER_LORE_ARCHIVE: the report's only archive we can verify is the
#    list's own (Closes: must name that archive, see REPORT_URL);
#  - every patch has a Signed-off-by:, the cover letter a base-commit:
#    naming the tree's lab-base;
#  - the reporter of seed 000 is credited (Reported-by:) in each series;
#  - scripts/kernel-doc -Wall is clean on the C files and headers the
#    series touches (in the patched worktree);
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

# The report (seed 000): "Name Surname user at domain" on its third line.
reporter=$(sed -n '3s/^\(.*\) \([^ ]*\) at \([^ ]*\)$/\1 <\2@\3>/p' "$SEEDS"/000_*.txt 2>/dev/null | head -n 1)
[ -n "$reporter" ] || die "cannot read the reporter from $SEEDS/000_*.txt" "the seed's third line should be: Name user at domain"
# Where the report is archived: the list's own archive, found by searching
# for the seed's text (no lore.kernel.org copy of it could be verified).
REPORT_URL=http://lists.infradead.org/pipermail/linux-riscv/2026-June/092241.html

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
		# Debian's python3 (python3-ply) for the SPDX check of new files.
		out=$(cd "$repo" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-summary \
			--ignore "$CHECKPATCH_IGNORE" "$p" 2>&1) ||
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
		grep -qxF "Reported-by: $reporter" $(series_patches "$k") ||
			fail "$k: no patch credits the reporter (Reported-by: $reporter)"
		for p in $(grep -lxF "Reported-by: $reporter" $(series_patches "$k")); do
			grep -A1 -xF "Reported-by: $reporter" "$p" | grep -qxF "Closes: $REPORT_URL" ||
				fail "$k $(basename "$p"): Reported-by: is not followed by Closes: $REPORT_URL"
		done
		for f in $(sed -n '/^--- \/dev\/null$/{n;s|^+++ b/||p}' $(series_patches "$k")); do
			[ -d "$LAB_CACHE/trees/$k/patched" ] || break
			(cd "$LAB_CACHE/trees/$k/patched" && perl scripts/get_maintainer.pl --nogit --nogit-fallback -f "$f" 2>/dev/null) |
				grep -q 'linux-riscv@lists.infradead.org' ||
				fail "$k: the new file $f has no linux-riscv entry in MAINTAINERS"
		done
		wt=$LAB_CACHE/trees/$k/patched
		files=$(sed -n 's|^+++ b/\(.*\.[ch]\)$|\1|p' $(series_patches "$k") | sort -u)
		if [ -d "$wt" ] && [ -n "$files" ]; then
			out=$(cd "$wt" && perl scripts/kernel-doc -none -Wall $files 2>&1) || true
			[ -z "$out" ] || fail "$k: kernel-doc -Wall on $files:
$out"
		fi
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
