#!/usr/bin/env bash
# The judges of issue 22 fail on a planted defect (make check-full; needs
# the v7.3 trees and builds):
#   sparse     a global that should be static, in the patched worktree
#   htmldocs   an unknown directive and an undefined label in the .rst
#   per-patch  patch 1 of a copy of the series calling a function nobody
#              declares (it does not build on its own), and declaring an
#              unused variable (a new W=1 warning), on the NOMMU config
#   b4         an identity that is not a person's (tests/test-submission.sh
#              has the cases; here the real script, with the tree there)
# The worktree is restored on the way out, whatever happens.
. "$(dirname "$0")/lib.sh"
. "$ROOT/lab/lib.sh"
WT=$LAB_CACHE/trees/7.3/patched
restore() { git -C "$WT" checkout -q -- arch/riscv/kernel/traps.c Documentation/arch/riscv/vmalloc-fence.rst; }
trap restore EXIT
[ -d "$WT" ] || bash "$ROOT/lab/tree.sh" 7.3 --auto

echo 'int lab_planted_sparse;' >>"$WT/arch/riscv/kernel/traps.c"
expect_rc 1 "sparse: a planted global that should be static fails" env WARN_TOOL=sparse bash "$ROOT/lab/warnings.sh" 7.3
expect_out "lab_planted_sparse.*Should it be static" "and names it"
restore

printf '\nSee :ref:`lab-planted-no-such-label`.\n\n.. lab-planted-no-such-directive::\n' >>"$WT/Documentation/arch/riscv/vmalloc-fence.rst"
expect_rc 1 "htmldocs: a planted unknown directive and undefined label fail" bash "$ROOT/lab/htmldocs.sh" 7.3
expect_out "vmalloc-fence.rst: (ERROR|WARNING): (Unknown directive|undefined label)" "and name them"
restore

# per-patch on a copy of the series: patch 1's irq.c line changed in place
# (same line count, so the hunk still applies).
S=$T_TMP/series
cp -r "$ROOT/series" "$S"
p=$(ls "$S"/mainline/0001-*.patch)
grep -q '^+		local_flush_tlb_all();$' "$p" || not_ok "patch 1 no longer adds local_flush_tlb_all() in irq.c: update this test"
sed -i 's/^+		local_flush_tlb_all();$/+		lab_planted_undeclared();/' "$p"
expect_rc 1 "per-patch: a patch that does not build on its own fails" env LAB_SERIES="$S" bash "$ROOT/lab/per-patch.sh" 7.3 nommu
expect_out "step 1 .*does not build" "at its step"
sed -i 's/^+		lab_planted_undeclared();$/+		{ int lab_planted_unused; local_flush_tlb_all(); }/' "$p"
expect_rc 1 "per-patch: a patch with a new W=1 warning fails" env LAB_SERIES="$S" bash "$ROOT/lab/per-patch.sh" 7.3 nommu
expect_out "step 1 .*new W=1 warning" "at its step"

submit() {
	GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="Seed maintainers" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="maintainers@users.noreply.github.com" \
		bash "$ROOT/lab/submission.sh" 7.3
}
expect_rc 1 "b4: make submission refuses a noreply identity" submit
expect_out "is not a person's" "and says why"
t_done
