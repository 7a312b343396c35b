#!/usr/bin/env bash
# lab/w1-check.sh fails on a W=1 warning the series adds, not on one that
# was there before (line numbers may move).
. "$(dirname "$0")/lib.sh"
export LAB_OUT=$T_TMP/labout W1_LOGS=$T_TMP
w() { echo "$1:$2:5: warning: $3 [-W$4]"; }
{ echo "  CC      arch/riscv/mm/init.o"; w arch/riscv/mm/init.c 10 "old one" x; } >"$T_TMP/base.log"
{ echo "  CC      arch/riscv/mm/init.o"; w arch/riscv/mm/init.c 14 "old one" x; } >"$T_TMP/patched.log"
expect_rc 0 "a warning the tree had, moved by a few lines, is not new" bash "$ROOT/lab/w1-check.sh" 7.3
w arch/riscv/kernel/entry.S 99 "new one" y >>"$T_TMP/patched.log"
expect_rc 1 "a warning the series adds fails" bash "$ROOT/lab/w1-check.sh" 7.3
expect_out "new one" "and names it"
t_done
