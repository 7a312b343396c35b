#!/usr/bin/env bash
# lab/hunt-where.sh and lab/hunt-judge.sh on canned traces: each fault is
# answered by what its hart does next (a full fence, a fence of its page,
# the same fault again, anything else); a workload passes only if its boot
# passed and every fault was answered by a fence.
. "$(dirname "$0")/lib.sh"
. "$ROOT/lab/lib.sh"

# A vmlinux with three functions at known addresses.
cat >"$T_TMP/k.S" <<'EOF'
	.text
	.globl handle_exception, do_work, __kvm_riscv_switch_to
handle_exception: .fill 64, 4, 0
do_work: .fill 64, 4, 0
__kvm_riscv_switch_to: .fill 64, 4, 0
EOF
"${CROSS_COMPILE}gcc" -nostdlib -static -Wl,-Ttext=0xffffffff80000000 -Wl,-e,0 -o "$T_TMP/vmlinux" "$T_TMP/k.S"
t=riscv_stale_tlb_trap f=riscv_stale_tlb_fence
cat >"$T_TMP/a.trace" <<EOF
$t hart:0 epc:0xffffffff80000104 tval:0xff20000000001008
$t hart:1 epc:0x10074 tval:0x10000
$f hart:0 addr:0x0 asid:0 flags:0 dropped:3
$f hart:1 addr:0x10000 asid:0 flags:1 dropped:1
$t hart:2 epc:0xffffffff80000204 tval:0xff20000000002000
$t hart:2 epc:0xffffffff80000204 tval:0xff20000000002000
$t hart:3 epc:0xffffffff80000108 tval:0xff20000000003000
$f hart:3 addr:0x0 asid:5 flags:2 dropped:0
$t hart:0 epc:0xffffffff80000104 tval:0xff20000000001008
$f hart:0 addr:0xff20000000009000 asid:0 flags:1 dropped:0
EOF
expect_rc 0 "hunt-where reads a trace" bash "$ROOT/lab/hunt-where.sh" "$T_TMP/a.trace" "$T_TMP/vmlinux"
cp "$T_TMP/out" "$T_TMP/a.where"
expect_out "^6 raised$" "it counts the faults raised"
expect_out "^1 full$" "a full fence next: full"
expect_out "^1 page$" "a fence of the faulting page next: page"
expect_out "^1 refault$" "the same fault again first: refault"
expect_out "^3 none$" "no covering fence until the end of the trace: none"
expect_out "^refault 1 __kvm_riscv_switch_to\+0x4$" "and names where, by symbol"
expect_out "^none 1 do_work\+0x8$" "every place not answered by a fence"
expect_out "^full 1 do_work\+0x4$" "and where the full fences answered"
# Faults answered later: the page-fault path runs (a fault and a fence of
# something else come first), an ASID fence for a user address, and a
# fault nested in the handler of another, both answered by one full fence.
cat >"$T_TMP/b.trace" <<EOF
$t hart:0 epc:0x10074 tval:0x10000
$t hart:0 epc:0xffffffff80000108 tval:0xff20000000005000
$f hart:0 addr:0xff20000000009000 asid:0 flags:1 dropped:0
$f hart:0 addr:0x0 asid:0 flags:0 dropped:2
$t hart:1 epc:0x10074 tval:0x20000
$f hart:1 addr:0x0 asid:7 flags:2 dropped:1
$t hart:2 epc:0x10078 tval:0x30000
$f hart:2 addr:0xff20000000009000 asid:0 flags:1 dropped:0
$f hart:2 addr:0x30000 asid:0 flags:1 dropped:1
EOF
expect_rc 0 "hunt-where: faults answered later" bash "$ROOT/lab/hunt-where.sh" "$T_TMP/b.trace" "$T_TMP/vmlinux"
expect_out "^2 full$" "a fault nested in another's handling: one full fence answers both"
expect_out "^1 asid$" "an ASID fence answers a user address"
expect_out "^1 page$" "a fence of the page after a fence of another"
expect_out "^0 none$" "none left unanswered"

# hunt-judge: canned workloads.
R=$T_TMP/res
mkdir -p "$R"
work() {
	printf 'ok 1 %s%s\n' "$1" "${4:+ # SKIP $4}" >"$R/$1.log"
	echo "verdict: $2" >"$R/$1.log.verdict"
	cp "$3" "$R/$1.where"
}
printf '5 raised\n5 full\n0 page\n0 asid\n0 refault\n0 none\nfull 5 do_work+0x4\n' >"$T_TMP/ok.where"
printf '0 raised\n0 full\n0 page\n0 asid\n0 refault\n0 none\n' >"$T_TMP/zero.where"
work good "PASS 1/1 tests ok" "$T_TMP/ok.where"
work quiet "PASS 1/1 tests ok" "$T_TMP/zero.where"
work skipped "PASS 1/1 tests ok" "$T_TMP/zero.where" "no /dev/kvm"
expect_rc 0 "hunt-judge: every fault answered by a fence passes" bash "$ROOT/lab/hunt-judge.sh" "$R" "good quiet skipped"
expect_out "quiet: .*said nothing" "a workload where the model raised nothing is flagged"
expect_out "skipped: SKIP no /dev/kvm" "a skipped workload says why"
work unanswered "PASS 1/1 tests ok" "$T_TMP/a.where"
expect_rc 1 "hunt-judge: a fault not answered by a fence fails" bash "$ROOT/lab/hunt-judge.sh" "$R" "good unanswered"
expect_out "not ok 2 unanswered: .*not fenced at: .*__kvm_riscv_switch_to\+0x4" "and names the places"
work oops "FAIL [trouble] 0/1 tests ok" "$T_TMP/ok.where"
expect_rc 1 "hunt-judge: kernel trouble on the console fails" bash "$ROOT/lab/hunt-judge.sh" "$R" "oops"
work oopskip "FAIL [trouble] 1/1 tests ok" "$T_TMP/ok.where" "no /dev/kvm"
expect_rc 1 "hunt-judge: a skipped test does not hide kernel trouble" bash "$ROOT/lab/hunt-judge.sh" "$R" "oopskip"
rm "$R/good.log.verdict"
expect_rc 1 "hunt-judge: a boot without a verdict fails, and says so" bash "$ROOT/lab/hunt-judge.sh" "$R" "good"
expect_out "good: FAIL no verdict" "with the workload's name"
t_done
