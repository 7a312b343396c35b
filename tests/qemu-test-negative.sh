#!/usr/bin/env bash
# lab/qemu-test.sh must fail on every planted defect of the model: the
# qemu/ series plus tests/qemu-mutants.patch (defects that LAB_QEMU_MUTANT
# turns on one at a time) is built once (its own cached binary; the shared
# worktree makes it a full build, about 10 minutes) and the test run under
# each defect, which must fail where it is named below.
# Needs the QEMU build; registered in lab/checks-full.list.
. "$(dirname "$0")/lib.sh"
S=$T_TMP/qemu
cp -r "$ROOT/qemu" "$S"
cp "$ROOT/tests/qemu-mutants.patch" "$S/0099-lab-mutants.patch"
expect_rc 0 "the real model passes its test" bash "$ROOT/lab/qemu-test.sh"
bin=$(LAB_QEMU_SERIES=$S bash "$ROOT/lab/qemu.sh" 2>"$T_TMP/build.log") || {
	cat "$T_TMP/build.log"
	not_ok "the series with tests/qemu-mutants.patch builds (remake the patch on the series if it no longer applies)"
	t_done
}
expect_rc 0 "the mutant build with no defect on passes" env QEMU_TEST_BIN="$bin" LAB_OUT="$T_TMP" bash "$ROOT/lab/qemu-test.sh"
# mutant: what fails (a line of qemu-test.sh's output), what the defect is
while IFS='|' read -r m want what; do
	expect_rc 1 "$m ($what) fails the test" env LAB_QEMU_MUTANT="$m" QEMU_TEST_BIN="$bin" LAB_OUT="$T_TMP" bash "$ROOT/lab/qemu-test.sh" </dev/null
	expect_out "$want" "  at: $want"
done <<'EOF'
fence-nop|not ok 1 .*exit 2, wanted 0|fences drop nothing
seed|not ok 7 seeds 2 and 3|seeds 2k and 2k+1 give a hart the same sequence
persist|not ok 5 .*check 22 failed|an entry that raised a fault chooses again
nonleaf-match|not ok 1 .*exit 11, wanted 0|an invalid inner PTE matches only the page accessed
nonleaf-spec|not ok 1 .*exit 12, wanted 0|no speculative read above the leaf level
no-store|not ok 1 .*exit 13, wanted 0|stores never use an entry
no-ifetch|not ok 1 .*exit 14, wanted 0|instruction fetches never use an entry
s-fence|not ok 1 .*exit 15, wanted 0|fences executed in S-mode drop nothing
sinval|not ok 1 .*exit 16, wanted 0|sinval.vma flushes QEMU's TLB but not the model
asid8|not ok 1 .*exit 17, wanted 0|entries tagged with 8 bits of the ASID
level|not ok 1 .*exit 7, wanted 0|every entry covers one page, whatever level its PTE
pmp|not ok 1 .*exit 20, wanted 0|the speculative read ignores PMP
hfence|not ok 1 .*exit 24, wanted 0|hfence.vvma and hfence.gvma drop the hart's own entries
guest-seed|not ok 10 without x-stale-tlb-seed, -seed 7 and -seed 8|without x-stale-tlb-seed the seed ignores QEMU's -seed
no-evict|not ok 11 test-stale-tlb-evict .*check 26 failed|a full hart drops the new entry instead of replacing its oldest
count-drop|not ok 13 the counters after test-stale-tlb-evict|a fence of one address in one ASID counted as one of an address
fence-all|not ok 14 test-stale-tlb-smp .*check 28 failed|a fence drops the entries of every hart
shared|not ok 14 test-stale-tlb-smp .*check 27 failed|a hart finds the entries another hart cached
EOF
t_done
