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
# Addresses as 16 hex digits compare as strings (awk's numbers are doubles).
"${CROSS_COMPILE}nm" -n "$VMLINUX" | awk 'NF == 3 && $2 ~ /^[tT]$/ { print $1, $3 }' >"$TRACE.syms"
sed -n 's/.*riscv_stale_tlb_trap .*epc:0x\([0-9a-f]*\).*/\1/p' "$TRACE" |
	awk 'BEGIN { n = 0 }
	NR == FNR { addr[n] = $1; name[n] = $2; n++; next }
	function pad(h) { while (length(h) < 16) h = "0" h; return h }
	function off(a, b,   i, d, v) {	# a - b, both 16 hex digits, small
		d = 0
		for (i = 9; i <= 16; i++) {
			v = index("0123456789abcdef", substr(a, i, 1)) - index("0123456789abcdef", substr(b, i, 1))
			d = d * 16 + v
		}
		return d
	}
	{
		e = pad($1); lo = 0; hi = n - 1; best = -1
		while (lo <= hi) {
			mid = int((lo + hi) / 2)
			if (addr[mid] <= e) { best = mid; lo = mid + 1 } else hi = mid - 1
		}
		s = best < 0 ? "?" : name[best]
		place = "other"
		if (s == "handle_exception") place = "entry"
		else if (s == "ret_from_exception") place = "exit"
		else if (s == "__switch_to") place = "switch"
		count[place]++
		sym[sprintf("%s+0x%x", s, best < 0 ? 0 : off(e, addr[best]))]++
	}
	END {
		printf "%d entry\n%d exit\n%d switch\n%d other\n", count["entry"], count["exit"], count["switch"], count["other"]
		for (k in sym) printf "%d %s\n", sym[k], k | "sort -rn | head -n 5"
	}' "$TRACE.syms" -
