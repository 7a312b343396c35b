#!/usr/bin/env bash
# model-where.sh TRACE VMLINUX: where the QEMU model's faults were taken.
# TRACE is the riscv_stale_tlb_trap log of a boot under QEMU=model (boot.sh
# writes LOG.trace); VMLINUX the kernel that ran. Prints one line a place:
#   COUNT PLACE
# PLACE is "entry" (handle_exception: the trap entry, before and while it
# saves the interrupted context), "exit" (ret_from_exception: the return,
# restore and sret), "switch" (__switch_to), or "other" (the rest of the
# kernel: ordinary code, where the spurious-fault handler answers), then
# the five symbols hit most, as symbol+offset.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TRACE=${1:?usage: model-where.sh TRACE VMLINUX}
VMLINUX=${2:?usage: model-where.sh TRACE VMLINUX}
[ -f "$VMLINUX" ] || die "no $VMLINUX"
if [ ! -s "$TRACE" ]; then
	echo "0 entry"
	echo "0 exit"
	echo "0 switch"
	echo "0 other"
	exit 0
fi
text_symbols "$VMLINUX" >"$TRACE.syms"
sed -n 's/.*riscv_stale_tlb_trap .*epc:0x\([0-9a-f]*\).*/\1/p' "$TRACE" |
	awk "$(cat "$LAB_ROOT/lab/symbols.awk")"'
	{
		b = sym_index(pad($1))
		s = b < 0 ? "?" : symname[b]
		place = "other"
		if (s == "handle_exception") place = "entry"
		else if (s == "ret_from_exception") place = "exit"
		else if (s == "__switch_to") place = "switch"
		count[place]++
		sym[b < 0 ? "?+0x0" : where($1)]++
	}
	END {
		printf "%d entry\n%d exit\n%d switch\n%d other\n", count["entry"], count["exit"], count["switch"], count["other"]
		for (k in sym) printf "%d %s\n", sym[k], k | "sort -rn | head -n 5"
	}' "$TRACE.syms" -
