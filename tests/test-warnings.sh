#!/usr/bin/env bash
# lab/warnings-judge.sh (the judge of lab/warnings.sh) fails on a W=1 warning the
# series adds, not on one that was there before (line numbers may move).
. "$(dirname "$0")/lib.sh"
w() { echo "$1:$2:5: warning: $3 [-W$4]"; }
{ echo "  CC      arch/riscv/mm/init.o"; w arch/riscv/mm/init.c 10 "old one" x; } >"$T_TMP/base.log"
{ echo "  CC      arch/riscv/mm/init.o"; w arch/riscv/mm/init.c 14 "old one" x; } >"$T_TMP/patched.log"
judge() { bash "$ROOT/lab/warnings-judge.sh" "$T_TMP/base.log" "$T_TMP/patched.log"; }
expect_rc 0 "a warning the tree had, moved by a few lines, is not new" judge
expect_out "1 before, 1 after" "it counts them"
w arch/riscv/kernel/entry.S 99 "new one" y >>"$T_TMP/patched.log"
expect_rc 1 "a warning the series adds fails" judge
expect_out "entry.S:.*new one" "and names it"
# sparse (WARN_TOOL=sparse): its errors do not stop the build; they count.
echo "arch/riscv/kernel/traps.c:42:9: error: incompatible types in comparison expression" >>"$T_TMP/patched.log"
expect_rc 1 "a sparse error the series adds fails" judge
expect_out "traps.c:.*incompatible types" "and names it"
echo "arch/riscv/kernel/traps.c:40:9: error: incompatible types in comparison expression" >>"$T_TMP/base.log"
w arch/riscv/kernel/entry.S 97 "new one" y >>"$T_TMP/base.log"
expect_rc 0 "the same sparse error in the unfixed tree is not new" judge
expect_rc 1 "a missing log fails" bash "$ROOT/lab/warnings-judge.sh" "$T_TMP/nonexistent.log" "$T_TMP/patched.log"
t_done
