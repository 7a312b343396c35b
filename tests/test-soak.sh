#!/usr/bin/env bash
# lab/soak-summary.sh, the figures of a soak: it counts register mismatches and Oopses, and says
# whether the address spaces outnumbered the ASIDs, from a console log.
. "$(dirname "$0")/lib.sh"
R=$T_TMP/soak
mkdir -p "$R"
cat >"$R/soak.list" <<'LIST'
soak-stress 1800 VMALLOC_FENCE_SECONDS=1200 /kselftest/riscv/vmap_stack_stress
soak-module 1500 VMALLOC_FENCE_SECONDS=300 /bin/vmalloc_fence_run /kselftest/lab/vmalloc_fence_test.ko
LIST
console() {
	cat <<LOG
[    0.05] ASID allocator using 16 bits (65536 entries)
    # $1 address spaces: 10 checking children, 500 traps of each kind
    ok 3 registers intact across system calls (0 children saw a change)
    $2 4 registers intact across page faults (1 children saw a change)
$3
LOG
}
summary() { bash "$ROOT/lab/soak-summary.sh" "$R" 7.3 30 8; }
console 131154 ok "" >"$R/console.log"
expect_rc 0 "a clean soak summarizes" summary
expect_out "rolled over: yes" "more address spaces than ASIDs is a rollover"
expect_out "register checks that failed: 0" "no mismatch counted in a clean run"
console 900 "not ok" "[  99.1] Oops - load access fault [#1]" >"$R/console.log"
expect_rc 0 "a bad soak summarizes too" summary
expect_out "rolled over: no" "fewer address spaces than ASIDs is no rollover"
expect_out "register checks that failed: 1" "a register mismatch is counted"
expect_out "Oopses: +1" "an Oops is counted"
t_done
