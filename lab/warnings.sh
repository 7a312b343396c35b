#!/usr/bin/env bash
# warnings.sh KVER [CONFIG]: the series adds no W=1 warning. Rebuilds the
# objects built from the files the series touches (entry.S, traps.c,
# irq.c, process.c, mm/init.c, mm/fault.c, and through thread_info.h and
# cacheflush.h asm-offsets) with W=1, in the unfixed and the patched build of KVER, and
# compares their warnings (lab/warnings-judge.sh: file and message; line numbers
# move); in the patched build also the files it adds (the KUnit suite). With
# LAB_LLVM=1 the same with clang (lab/lib.sh). With WARN_TOOL=sparse the
# same objects through Debian's sparse instead (lab/sparse-tool.sh; C=1:
# the C files among them, compiled again; no W=1), judged the same way.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
CONFIG=${2:-lab}
kver_check "$KVER"
OBJS=(arch/riscv/kernel/asm-offsets.s arch/riscv/kernel/entry.o arch/riscv/mm/init.o
	arch/riscv/kernel/traps.o arch/riscv/mm/fault.o arch/riscv/kernel/irq.o
	arch/riscv/kernel/process.o)
# Objects of files the series adds: W=1 must find nothing new there either.
NEW_OBJS=(arch/riscv/kernel/tests/new_mapping_kunit.o)
TOOL=${WARN_TOOL:-w1}
case "$TOOL" in
w1) TOOL_ARGS=(W=1) WHAT="W=1" ;;
sparse)
	TOOL_ARGS=(C=1 "CHECK=$("$LAB_ROOT/lab/sparse-tool.sh" "$KVER")") WHAT="sparse"
	;;
*) die "unknown WARN_TOOL=$TOOL" "w1 or sparse" ;;
esac
RES=$LAB_OUT/warnings-$KVER-$CONFIG${LAB_LLVM:+-llvm}${WARN_TOOL:+-$TOOL}
mkdir -p "$RES"
# warn_build VARIANT: rebuild OBJS with TOOL in the VARIANT build; log to RES.
warn_build() {
	local v=$1 b src o objs=("${OBJS[@]}")
	b=$(lab_kernel "$KVER" "$v" "$CONFIG")
	if [ "$v" = base ]; then src=$(kernel_repo "$KVER"); else
		src=$LAB_CACHE/trees/$KVER/patched
		objs+=("${NEW_OBJS[@]}")
	fi
	log warnings "$KVER $v ($CONFIG): $WHAT ${objs[*]}"
	# Removed first, so that they are compiled again whatever was built
	# last (a previous run of this check leaves them up to date).
	for o in "${objs[@]}"; do rm -f "$b/$o"; done
	make -C "$src" O="$b" ARCH=riscv "${TOOLCHAIN[@]}" "${TOOL_ARGS[@]}" "${objs[@]}" \
		>"$RES/$v.log" 2>&1 || die "$WHAT build of ${objs[*]} failed on $KVER $v (log: $RES/$v.log)" \
		"look at the first error in the log"
	# Paths relative to the tree: the unfixed and the patched tree are
	# in different directories.
	sed -i "s|$src/||g" "$RES/$v.log"
	# A check that compiled nothing would pass for nothing.
	for o in "${objs[@]}"; do
		grep -qE "^  (CC|AS) +$o\$" "$RES/$v.log" ||
			die "$WHAT did not recompile $o on $KVER $v (log: $RES/$v.log)" "remove the object and run again"
		if [ "$TOOL" = sparse ] && [[ $o == *.o ]] && [ -f "$src/${o%.o}.c" ]; then
			grep -qE "^  CHECK +.*${o%.o}\.c\$" "$RES/$v.log" ||
				die "sparse did not check ${o%.o}.c on $KVER $v (log: $RES/$v.log)" "is CHECK= passed to make? does the Makefile reject that sparse?"
		fi
	done
}

for v in base patched; do
	warn_build "$v"
done
if ! new=$("$LAB_ROOT/lab/warnings-judge.sh" "$RES/base.log" "$RES/patched.log"); then
	echo "$new" >&2
	die "the series adds $WHAT warnings on $KVER (logs: $RES/{base,patched}.log)" "fix them in the worktree (make tree KVER=$KVER)"
fi
log warnings "$KVER: ${new#warnings-judge: }"
