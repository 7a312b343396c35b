#!/usr/bin/env bash
# tree.sh KVER [--auto|--force]
# Give an editable kernel worktree, $LAB_CACHE/trees/KVER/patched, on branch
# lab/series: the pristine base (tag lab-base) with the patches of series/
# applied as commits by `git am`. The cover letter's subject and text become
# the branch description, which export.sh writes back.
#
#   (no flag)  create it, or re-apply if series/ changed and the worktree has
#              nothing of its own; refuse to throw local work away.
#   --auto     as above, quietly (used by build.sh and kselftest.sh).
#   --force    re-apply from series/, discarding local commits and edits.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-}
MODE=${2:-}
kver_check "$KVER"
TOP=$LAB_CACHE/trees/$KVER
REPO=$(kernel_repo "$KVER")
WT=$TOP/patched
STAMP=$TOP/patched.applied # "<series hash> <HEAD after applying>"
BRANCH=lab/series

# build.sh and kselftest.sh call us with --auto after lab_ready fetched;
# fetch only if needed.
if [ "$MODE" != --auto ] || [ ! -f "$TOP/version" ]; then
	"$LAB_ROOT/lab/fetch.sh" "$KVER"
fi

# sync_description [--applied]: the cover letter's subject and body become
# the branch description (what make export writes back). The cover letter
# is not part of the series hash, so an edit of it alone re-applies
# nothing: the description follows it here, unless it was edited in the
# worktree since it was last taken from series/ ($TOP/description).
sync_description() {
	local cover now
	cover=$(series_dir "$KVER")/0000-cover-letter.patch
	[ -f "$cover" ] || return 0
	now=$(git -C "$REPO" config "branch.$BRANCH.description" || true)
	if [ "${1:-}" != --applied ] && [ -f "$TOP/description" ] && [ "$now" != "$(cat "$TOP/description")" ]; then
		log tree "$KVER: the branch description was edited in the worktree; series/ keeps its cover letter until make export KVER=$KVER"
		return 0
	fi
	cover_text "$cover" >"$TOP/description"
	git -C "$REPO" config "branch.$BRANCH.description" "$(cat "$TOP/description")"
}

want=$(series_hash "$KVER")
if [ -d "$WT" ] && [ -f "$STAMP" ]; then
	read -r applied_hash applied_head <"$STAMP"
	head=$(git -C "$WT" rev-parse HEAD)
	dirty=$(git -C "$WT" status --porcelain --untracked-files=no)
	if [ "$applied_hash" = "$want" ] && [ "$MODE" != --force ]; then
		if [ "$head" != "$applied_head" ] || [ -n "$dirty" ]; then
			log tree "$KVER: worktree $WT has local changes not in series/ (make export KVER=$KVER keeps them)"
		else
			sync_description
			[ "$MODE" = --auto ] || log tree "$KVER: worktree $WT is up to date with series/"
		fi
		exit 0
	fi
	if [ "$MODE" != --force ] && { [ "$head" != "$applied_head" ] || [ -n "$dirty" ]; }; then
		die "series/ changed, and the $KVER worktree $WT has local changes too" \
			"make export KVER=$KVER to keep the worktree's version, or make tree KVER=$KVER FORCE=1 to take series/"
	fi
fi

if [ ! -d "$WT" ]; then
	git -C "$REPO" worktree prune
	git -C "$REPO" worktree add -q -f -B "$BRANCH" "$WT" lab-base
fi
old=$(git -C "$WT" rev-parse HEAD)

log tree "$KVER: applying $(series_patches "$KVER" | wc -l) patches from $(series_dir "$KVER") onto $(tree_version "$KVER")"
git -C "$WT" am --abort >/dev/null 2>&1 || true
git -C "$WT" checkout -q -f -B "$BRANCH" lab-base
git -C "$WT" clean -q -fd
amlog=$TOP/am.log
: >"$amlog"
for p in $(series_patches "$KVER"); do
	if ! git -C "$WT" am -q --keep-cr "$p" >>"$amlog" 2>&1; then
		where=$(grep -E '^error: (patch failed|.*does not exist|.*already exists)' "$amlog" | head -n 3 | sed 's/^error: //' | paste -sd ';' -)
		git -C "$WT" am --abort >/dev/null 2>&1 || true
		git -C "$WT" checkout -q -f -B "$BRANCH" "$old"
		tail_log "$amlog" 15
		die "patch $(basename "$p") does not apply to $KVER ($(tree_version "$KVER")): ${where:-see log} (log: $amlog)" \
			"rebase it in the worktree ($WT, restored as it was) and make export KVER=$KVER"
	fi
done

sync_description --applied
echo "$want $(git -C "$WT" rev-parse HEAD)" >"$STAMP"
log tree "$KVER: worktree ready: $WT (branch $BRANCH, $(git -C "$WT" rev-list --count lab-base..HEAD) commits on $(git -C "$WT" rev-parse --short=12 lab-base))"
