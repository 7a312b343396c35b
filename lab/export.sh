#!/usr/bin/env bash
# export.sh KVER: write the commits of the KVER worktree (lab-base..HEAD)
# back to series/ as a `git format-patch` series: a cover letter from the
# branch description, stable file names, a `series` file, the base-commit
# trailer, and the exporter's Signed-off-by from git config.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-}
kver_check "$KVER"
TOP=$LAB_CACHE/trees/$KVER
WT=$TOP/patched
DIR=$(series_dir "$KVER")
[ -d "$WT" ] || die "no $KVER worktree to export" "make tree KVER=$KVER first"
[ -z "$(git -C "$WT" status --porcelain --untracked-files=no)" ] ||
	die "the $KVER worktree $WT has uncommitted changes" "commit them (git -C $WT commit) and export again"
git -C "$WT" config user.email >/dev/null ||
	die "no git identity for the Signed-off-by" "git config --global user.name/user.email"

n=$(git -C "$WT" rev-list --count lab-base..HEAD)
mkdir -p "$DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$n" -gt 0 ]; then
	# The description is kept in the repository's config by tree.sh; a new
	# series starts from a placeholder the author must fill in.
	branch=$(git -C "$WT" rev-parse --abbrev-ref HEAD)
	if [ -z "$(git -C "$WT" config "branch.$branch.description" || true)" ]; then
		git -C "$WT" config "branch.$branch.description" "$(printf '%s\n\n%s' \
			"riscv: COVER LETTER SUBJECT" "Describe the series here (make export rewrites only the patches).")"
	fi
	git -C "$WT" format-patch -q --cover-letter --cover-from-description=subject \
		--base=lab-base --zero-commit --no-signature --signoff --no-thread \
		-o "$tmp" lab-base..HEAD
fi

rm -f "$DIR"/[0-9][0-9][0-9][0-9]-*.patch
if [ "$n" -gt 0 ]; then
	cp "$tmp"/*.patch "$DIR"/
fi
{
	echo "# Applied in this order onto $(tree_version "$KVER")"
	echo "# by lab/tree.sh (git am). Written by make export KVER=$KVER."
	for p in "$tmp"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$p" ] || continue
		b=$(basename "$p")
		[ "$b" = 0000-cover-letter.patch ] || echo "$b"
	done
} >"$DIR/series"

# The worktree now matches series/.
echo "$(series_hash "$KVER") $(git -C "$WT" rev-parse HEAD)" >"$TOP/patched.applied"
log export "$KVER: $n patches written to $DIR"
