#!/usr/bin/env bash
# The series pipeline on a scratch tree: tree.sh applies series/ as commits,
# export.sh writes them back (cover letter kept, base-commit, Signed-off-by,
# series file), a patch that does not apply is named with its file and
# leaves the worktree as it was, and local work is never thrown away.
. "$(dirname "$0")/lib.sh"
export LAB_CACHE=$T_TMP/cache LAB_SERIES=$T_TMP/series LAB_OFFLINE=1
export GIT_AUTHOR_NAME="Lab Test" GIT_AUTHOR_EMAIL="lab-test@example.org"
export GIT_COMMITTER_NAME="Lab Test" GIT_COMMITTER_EMAIL="lab-test@example.org"
R=$LAB_CACHE/trees/7.3/repo
WT=$LAB_CACHE/trees/7.3/patched
S=$LAB_SERIES/mainline

# A scratch "kernel" tree, imported the way fetch.sh does it.
mkdir -p "$R/arch/riscv/kernel" "$S"
printf 'all:\n' >"$R/Makefile"
printf 'line one\nline two\nline three\n' >"$R/arch/riscv/kernel/entry.S"
git -C "$R" init -q
git -C "$R" add -A
git -C "$R" commit -q -m "Import scratch"
git -C "$R" tag lab-base
echo "scratch 1.0 (test)" >"$LAB_CACHE/trees/7.3/version"
: >"$S/series"

expect_rc 0 "an empty series gives a worktree at the base" "$ROOT/lab/tree.sh" 7.3
[ "$(git -C "$WT" rev-parse HEAD)" = "$(git -C "$R" rev-parse lab-base)" ] && ok "worktree HEAD is lab-base" || not_ok "worktree HEAD is not lab-base"

# Two commits in the worktree, exported.
sed -i 's/line two/line 2/' "$WT/arch/riscv/kernel/entry.S"
git -C "$WT" commit -q -a -m "riscv: entry: first change" -m "Body of the first change."
echo "line four" >>"$WT/arch/riscv/kernel/entry.S"
git -C "$WT" commit -q -a -m "riscv: entry: second change" -m "Body of the second change."
git -C "$R" config branch.lab/series.description "$(printf 'riscv: the scratch series\n\nWhy the scratch series exists.')"
expect_rc 0 "export writes the series" "$ROOT/lab/export.sh" 7.3
[ "$(grep -v '^#' "$S/series")" = "$(printf '0001-riscv-entry-first-change.patch\n0002-riscv-entry-second-change.patch')" ] &&
	ok "series file lists the patches in order, no cover letter" || not_ok "series file: $(cat "$S/series")"
grep -q '^Subject: \[PATCH 0/2\] riscv: the scratch series' "$S/0000-cover-letter.patch" && ok "cover letter subject from the description" || not_ok "cover letter subject"
grep -q '^base-commit: '"$(git -C "$R" rev-parse lab-base)" "$S/0000-cover-letter.patch" && ok "base-commit trailer is lab-base" || not_ok "no base-commit trailer"
grep -q '^Signed-off-by: Lab Test <lab-test@example.org>' "$S/0001-riscv-entry-first-change.patch" && ok "Signed-off-by from the git identity" || not_ok "no Signed-off-by"
grep -q '^From 0000000000000000000000000000000000000000' "$S/0001-riscv-entry-first-change.patch" && ok "zero commit ids (stable files)" || not_ok "commit ids in From lines"
cp -r "$S" "$T_TMP/exported"

# Round trip: re-applying and exporting again gives the same files.
expect_rc 0 "tree FORCE re-applies series/" "$ROOT/lab/tree.sh" 7.3 --force
expect_rc 0 "export again" "$ROOT/lab/export.sh" 7.3
if diff -r -I '^Date: ' "$T_TMP/exported" "$S" >"$T_TMP/diff"; then ok "round trip keeps every file, the cover letter's text included"; else
	not_ok "round trip changed files"
	t_diag < <(head -20 "$T_TMP/diff")
fi

# Local work is kept: series/ changed underneath a worktree with its own commit.
echo "local" >>"$WT/arch/riscv/kernel/entry.S"
git -C "$WT" commit -q -a -m "local work"
head_before=$(git -C "$WT" rev-parse HEAD)
sed -i "s/Body of the second change./Body of the second change, reworded./" "$S/0002-riscv-entry-second-change.patch"
expect_rc 1 "tree refuses to drop local commits when series/ changed" "$ROOT/lab/tree.sh" 7.3
expect_out 'make export KVER=7.3' "and says how to keep or drop them"
[ "$(git -C "$WT" rev-parse HEAD)" = "$head_before" ] && ok "the worktree is untouched" || not_ok "the worktree moved"

# A patch that does not apply: named, with its file; worktree restored.
sed -i 's/^-line two/-line TWO/' "$S/0001-riscv-entry-first-change.patch"
expect_rc 1 "a patch that does not apply fails" "$ROOT/lab/tree.sh" 7.3 --force
expect_out 'patch 0001-riscv-entry-first-change.patch does not apply to 7.3' "the failing patch is named"
expect_out 'arch/riscv/kernel/entry.S' "the failing file is named"
[ "$(git -C "$WT" rev-parse HEAD)" = "$head_before" ] && ok "the worktree is restored" || not_ok "the worktree was left elsewhere"
[ ! -d "$WT/.git/rebase-apply" ] && [ ! -d "$R/.git/worktrees/patched/rebase-apply" ] && ok "no git am left in progress" || not_ok "git am left in progress"

# The stable part (lib.sh stable_patches, VARIANT=stable): the leading
# patches tagged Cc: stable, not a tagged patch after an untagged one.
mkdir -p "$T_TMP/st"
for n in 1 2 3; do printf 'From x\nSubject: [PATCH %s/3] p%s\n\n' $n $n >"$T_TMP/st/p$n.patch"; done
printf 'Cc: stable@vger.kernel.org\n' >>"$T_TMP/st/p1.patch"
printf 'Cc: stable@vger.kernel.org\n' >>"$T_TMP/st/p3.patch"
printf 'p1.patch\np2.patch\np3.patch\n' >"$T_TMP/st/series"
got=$(LAB_SERIES=$T_TMP bash -c '. "$1/lab/lib.sh"; series_dir() { echo "$LAB_SERIES/st"; }; stable_patches 7.3' _ "$ROOT" | xargs -n1 basename | tr '\n' ' ')
[ "$got" = "p1.patch " ] && ok "stable_patches: the leading Cc: stable patches only" || not_ok "stable_patches gave '$got', not 'p1.patch '"

# A series file naming a missing patch.
echo "0009-missing.patch" >>"$S/series"
expect_rc 1 "a series file naming a missing patch fails" "$ROOT/lab/tree.sh" 7.3 --force
expect_out "0009-missing.patch" "the missing patch is named"
t_done
