#!/usr/bin/env bash
# hunt-where.sh TRACE VMLINUX: where each fault the QEMU model raised was
# answered. TRACE is a boot's model trace with riscv_stale_tlb_trap and
# riscv_stale_tlb_fence (lab/hunt.sh sets MODEL_TRACE_MORE); VMLINUX the
# kernel that ran. A fault is answered by the first fence of its hart
# that covers it, read from the events that follow it on that hart (other
# faults and fences may come between, e.g. while the page-fault path runs):
#   full     an sfence.vma of everything: the entry check (its fence comes
#            a few instructions after the trap), or a full fence reached
#            first some other way (a task switch)
#   page     an sfence.vma of the faulting page: the page-fault path (a
#            spurious user fault: update_mmu_cache(); rv32's vmalloc_fault)
#   asid     an sfence.vma of an ASID, for a user address (flush_tlb_mm())
#   refault  a fault at the same place before any fence covered it:
#            nothing answered it (a loop, or an Oops)
#   none     no covering fence until the end of the trace: it was not
#            fenced (an exception fixup, a trap to another stvec such as
#            KVM's, an Oops)
# Prints "COUNT CLASS" for the five classes, then "CLASS COUNT SYMBOL+OFF"
# for every place of the classes other than full, "addr PREFIX COUNT" for
# the faulting addresses by their first four hex digits (Sv57 on QEMU's
# rv64: ff20 vmalloc and vmap stacks, ff60 the linear map, where only
# KFENCE makes pages valid lazily, ffff modules, BPF, kprobe slots; below
# the upper half, user addresses), and the five places the full class was
# taken at most.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TRACE=${1:?usage: hunt-where.sh TRACE VMLINUX}
VMLINUX=${2:?usage: hunt-where.sh TRACE VMLINUX}
[ -f "$VMLINUX" ] || die "no $VMLINUX"
[ -f "$TRACE" ] || die "no model trace $TRACE" "boot with QEMU=model QEMU_TRACE=FILE MODEL_TRACE_MORE=riscv_stale_tlb_fence"
text_symbols "$VMLINUX" >"$TRACE.syms"
awk "$(cat "$LAB_ROOT/lab/symbols.awk")"'
	function field(k,   i) { for (i = 2; i <= NF; i++) if (index($i, k ":") == 1) return substr($i, length(k) + 2); return "" }
	function answer(h, id, class) {
		count[class]++; at[class SUBSEP where(pe[h, id])]++
		delete pe[h, id]; delete pp[h, id]; delete pl[h, id]
	}
	# The faults of hart h not answered yet: ids in plist[h]; their epc, page
	# and whether the address is a user one in pe, pp, pl.
	$1 == "riscv_stale_tlb_trap" {
		h = field("hart"); epc = field("epc"); sub(/^0x/, "", epc)
		tv = field("tval"); sub(/^0x/, "", tv); tv = pad(tv)
		k = split(plist[h], ids, " "); plist[h] = ""
		for (i = 1; i <= k; i++)
			if (pe[h, ids[i]] == epc) answer(h, ids[i], "refault"); else plist[h] = plist[h] " " ids[i]
		id = ++seq; pe[h, id] = epc; pp[h, id] = substr(tv, 1, 13); pl[h, id] = substr(tv, 1, 1) < "8"
		plist[h] = plist[h] " " id
		region[substr(tv, 1, 4)]++
		raised++
		next
	}
	$1 == "riscv_stale_tlb_fence" {
		h = field("hart"); f = field("flags") + 0
		a = field("addr"); sub(/^0x/, "", a); a = substr(pad(a), 1, 13)
		k = split(plist[h], ids, " "); plist[h] = ""
		for (i = 1; i <= k; i++) {
			c = f == 0 ? "full" : (f % 2 == 1 && a == pp[h, ids[i]]) ? "page" : (f == 2 && pl[h, ids[i]]) ? "asid" : ""
			if (c != "") answer(h, ids[i], c); else plist[h] = plist[h] " " ids[i]
		}
	}
	END {
		for (h in plist) {
			k = split(plist[h], ids, " ")
			for (i = 1; i <= k; i++) answer(h, ids[i], "none")
		}
		printf "%d raised\n%d full\n%d page\n%d asid\n%d refault\n%d none\n", raised, count["full"], count["page"], count["asid"], count["refault"], count["none"]
		for (k in at) {
			split(k, p, SUBSEP)
			if (p[1] != "full") printf "%s %d %s\n", p[1], at[k], p[2] | "sort -k2,2nr"
		}
		close("sort -k2,2nr")
		for (k in region) printf "addr %s %d\n", k, region[k] | "sort"
		close("sort")
		for (k in at) {
			split(k, p, SUBSEP)
			if (p[1] == "full") printf "full %d %s\n", at[k], p[2] | "sort -k2,2nr | head -n 5"
		}
	}' "$TRACE.syms" "$TRACE"
