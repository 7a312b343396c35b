#!/usr/bin/env bash
# qemu-test.sh: the model's own test, tests/tcg/riscv64/test-stale-tlb.S of
# the qemu/ series, built and run as QEMU's tests/tcg/riscv64 system tests
# run it (Makefile.softmmu-target: semihost.ld, -M virt -semihosting, the
# CPU of STALE_TLB_CPU there), against the model build of lab/qemu.sh.
# It must pass with the model, and fail (check 1) with the model off:
# plain QEMU never raises the faults it checks for, and check 11 with
# x-stale-tlb-nonleaf=off (checks 11-12 are the non-leaf entries), and
# check 19 with x-stale-tlb-user=off (the lower half). Built with
# -DHIT_PCT_TEST (checks 21-23, hit-pct 50) it must pass with persistence
# and fail check 22 without; its 60 loads' outcomes must differ between
# seeds 2 and 3 and repeat for seed 2, and without x-stale-tlb-seed repeat
# for QEMU's -seed 7 and differ for -seed 8. Built with -DEVICT_TEST
# (checks 25-26, 4 entries) it must pass, and fail check 26 with 5; with
# -DSTOP_AT_END too it stops in wfi, and the hart's counters (QOM, read
# over QMP) must be what that test did, each of them. Built with
# -DSMP_TEST (checks 27-28) it must pass on two harts. Svvptc is turned off unless set
# (svvptc=true is refused), and a migration is blocked. KTAP on stdout.
# QEMU_TEST_BIN=path: run that QEMU instead (a build with a planted defect).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin=${QEMU_TEST_BIN:-$("$LAB_ROOT/lab/qemu.sh")}
# The tree the binary was built from (lab/qemu.sh records it; a build
# older than that record: the first model tree).
src=$(cat "$(dirname "$bin")/source" 2>/dev/null || ls -d "$LAB_CACHE"/qemu/model-* | head -n 1)/tests/tcg/riscv64
[ -f "$src/test-stale-tlb.S" ] || die "no test-stale-tlb.S in $src" "bash lab/qemu.sh (applies qemu/)"
out=$LAB_OUT/qemu-test
mkdir -p "$out"
# test-stale-tlb: checks 1-20 and 24 (hit-pct 100); test-stale-tlb-pct, the same
# source with -DHIT_PCT_TEST: checks 21-23 (hit-pct 50, persistence).
# Exit 97: a fault of another cause than the access's, 98: another mtval.
for t in test-stale-tlb test-stale-tlb-pct test-stale-tlb-evict test-stale-tlb-counters test-stale-tlb-smp; do
	case $t in
	test-stale-tlb) def= ;;
	test-stale-tlb-pct) def=-DHIT_PCT_TEST ;;
	test-stale-tlb-evict) def=-DEVICT_TEST ;;
	test-stale-tlb-counters) def="-DEVICT_TEST -DSTOP_AT_END" ;;
	test-stale-tlb-smp) def=-DSMP_TEST ;;
	esac
	# shellcheck disable=SC2086
	"${CROSS_COMPILE}gcc" -nostdlib -g $def -c "$src/test-stale-tlb.S" -Wa,--noexecstack -o "$out/$t.o"
	"${CROSS_COMPILE}ld" -T "$src/semihost.ld" "$out/$t.o" -o "$out/$t"
done
cpu=$(sed -n 's/^STALE_TLB_CPU = //p' "$src/Makefile.softmmu-target")
pct_cpu=$(sed -n 's/^STALE_TLB_PCT_CPU = //p' "$src/Makefile.softmmu-target")
evict_cpu=$(sed -n 's/^STALE_TLB_EVICT_CPU = //p' "$src/Makefile.softmmu-target")
smp_cpu=$(sed -n 's/^STALE_TLB_SMP_CPU = //p' "$src/Makefile.softmmu-target")
if [ -z "$cpu" ] || [ -z "$pct_cpu" ] || [ -z "$evict_cpu" ] || [ -z "$smp_cpu" ]; then
	die "a STALE_TLB_*_CPU line is missing from $src/Makefile.softmmu-target"
fi

# The machine every run of the test uses (-bios none: the +ds build has
# no firmware of its own, and the test needs none).
MACHINE=(-M virt -bios none -display none)

# run CPU [TEST [LOG]]: the test's exit code (0: every check passed; N:
# check N failed); its console (test-stale-tlb-pct prints a line of F and
# . for its 60 loads) in LOG. QEMU_SEED=N: with QEMU's -seed N;
# QEMU_SMP=N: N harts.
run() {
	local rc=0 log=${3:-$out/run.log}
	timeout 60 "$bin" "${MACHINE[@]}" -semihosting -cpu "$1" ${QEMU_SEED:+-seed "$QEMU_SEED"} ${QEMU_SMP:+-smp "$QEMU_SMP"} \
		-device loader,file="$out/${2:-test-stale-tlb}" >"$log" 2>&1 || rc=$?
	echo "$rc"
}
# counters CPU TEST LOG: run TEST (built with -DSTOP_AT_END: it ends in a
# wfi loop at the label "stopped") with QMP on stdio, wait until the hart's
# pc is there, and print the hart's x-stale-tlb-* counters as "name=N ...".
COUNTERS="fills prefetch-fills matches hits probe-hits fences drop-addr drop-asid drop-addr-asid drop-all evictions"
counters() (
	trap '' PIPE
	fifo=$out/qmp.in
	sym=$("${CROSS_COMPILE}nm" "$out/$2" | awk '$3 == "stopped" { print $1 }')
	if [ -z "$sym" ]; then
		echo "no symbol 'stopped' in $2 (built without -DSTOP_AT_END?)"
		exit 0
	fi
	stop=$((16#$sym))
	rm -f "$fifo"
	mkfifo "$fifo"
	timeout 60 "$bin" "${MACHINE[@]}" -semihosting -cpu "$1" -qmp stdio \
		-device loader,file="$out/$2" <"$fifo" >"$3" 2>&1 &
	pid=$!
	exec 4>"$fifo"
	qmp() { kill -0 "$pid" 2>/dev/null && printf '%s\n' "$1" >&4 || true; }
	qmp '{"execute":"qmp_capabilities"}'
	stopped=
	for _ in $(seq 1 100); do
		qmp '{"execute":"human-monitor-command","arguments":{"command-line":"info registers"}}'
		sleep 0.2
		pc=$(grep -o ' pc  *[0-9a-f]*' "$3" | tail -n 1 | awk '{ print $2 }')
		if [ -n "$pc" ] && [ $((16#$pc)) -ge "$stop" ] && [ $((16#$pc)) -lt $((stop + 8)) ]; then
			stopped=1
			break
		fi
	done
	# a0 at "stopped": the test's exit code.
	a0=$(grep -o 'x10/a0  *[0-9a-f]*' "$3" | tail -n 1 | awk '{ print $2 }')
	for c in $COUNTERS; do
		qmp "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/soc0/harts[0]\",\"property\":\"x-stale-tlb-$c\"},\"id\":\"$c\"}"
	done
	qmp '{"execute":"quit"}'
	exec 4>&-
	wait "$pid" || true
	if [ -z "$stopped" ]; then
		echo "the hart never reached 'stopped' in 20 s (last pc ${pc:-none})"
		exit 0
	elif [ $((16#${a0:-1})) != 0 ]; then
		echo "the test failed its check $((16#${a0:-1})) before 'stopped'"
		exit 0
	fi
	for c in $COUNTERS; do
		printf '%s=%s ' "$c" "$(grep -o "\"return\": [0-9]*, \"id\": \"$c\"" "$3" | grep -o '[0-9]*' | head -n 1)"
	done
)

# pattern LOG: the line of the 60 loads' outcomes (empty if the test
# printed none).
pattern() { grep -m1 -E '^[F.]{60}$' "$1" || true; }

# expect_exit WANT CPU WHAT: KTAP ok WHAT when test-stale-tlb exits WANT
# on CPU (exit N: the test's check N failed).
expect_exit() {
	local rc
	rc=$(run "$2")
	if [ "$rc" = "$1" ]; then
		ktap_pass "$3"
	else
		ktap_fail "$3: exit $rc, wanted $1 (see the test's comments; log: $out/run.log; $bin)"
	fi
}

ktap_header
ktap_plan 17
expect_exit 0 "$cpu" "test-stale-tlb passes with the model ($cpu)"
expect_exit 1 "${cpu%%,x-stale-tlb*}" "test-stale-tlb fails check 1 with the model off, as plain QEMU must"
expect_exit 11 "${cpu/x-stale-tlb-nonleaf=on/x-stale-tlb-nonleaf=off}" \
	"test-stale-tlb fails check 11 with x-stale-tlb-nonleaf=off: an invalid inner PTE then covers only the page accessed"
expect_exit 19 "${cpu/x-stale-tlb-user=on/x-stale-tlb-user=off}" \
	"test-stale-tlb fails check 19 with x-stale-tlb-user=off: lower-half addresses are then not modelled"
rc=$(run "$pct_cpu,x-stale-tlb-seed=2" test-stale-tlb-pct "$out/pct.log")
if [ "$rc" = 0 ]; then
	ktap_pass "test-stale-tlb-pct passes with the model ($pct_cpu): some loads went through, and after a page's first fault every load faulted ($(pattern "$out/pct.log"))"
else
	ktap_fail "test-stale-tlb-pct fails with the model ($pct_cpu): check $rc failed ($(pattern "$out/pct.log"); log: $out/pct.log)"
fi
# Without persistence every load chooses again: check 22 fails, and about
# half of the loads fault (8 to 52 of 60).
nopersist=${pct_cpu/x-stale-tlb-persist=on/x-stale-tlb-persist=off}
rc=$(run "$nopersist,x-stale-tlb-seed=2" test-stale-tlb-pct "$out/seed2.log")
p2=$(pattern "$out/seed2.log")
f=$(tr -cd F <<<"$p2" | wc -c)
if [ "$rc" = 22 ] && [ "$f" -ge 8 ] && [ "$f" -le 52 ]; then
	ktap_pass "without x-stale-tlb-persist, $f of 60 loads fault and check 22 fails ($p2)"
else
	ktap_fail "without x-stale-tlb-persist: exit $rc (wanted 22), $f of 60 loads faulted (wanted 8 to 52): $p2 (log: $out/seed2.log)"
fi
rc=$(run "$nopersist,x-stale-tlb-seed=3" test-stale-tlb-pct "$out/seed3.log")
p3=$(pattern "$out/seed3.log")
rc=$(run "$nopersist,x-stale-tlb-seed=2" test-stale-tlb-pct "$out/seed2-again.log")
p2b=$(pattern "$out/seed2-again.log")
if [ -n "$p2" ] && [ -n "$p3" ] && [ "$p2" != "$p3" ]; then
	ktap_pass "seeds 2 and 3 make different choices"
else
	ktap_fail "seeds 2 and 3: '$p2' and '$p3' (wanted two different lines of 60; the same line: the seed does not reach the sequence; logs: $out/seed[23].log)"
fi
if [ -n "$p2" ] && [ "$p2" = "$p2b" ]; then
	ktap_pass "seed 2 twice makes the same choices on this single-hart test"
else
	ktap_fail "seed 2 twice: '$p2', then '$p2b' (wanted the same line of 60; logs: $out/seed2.log, $out/seed2-again.log)"
fi
# Without x-stale-tlb-seed each hart draws its seed from QEMU's guest
# random source, which -seed makes repeatable.
# (x-stale-tlb-seed=0: draw, whatever seed STALE_TLB_PCT_CPU pins.)
rc=$(QEMU_SEED=7 run "$nopersist,x-stale-tlb-seed=0" test-stale-tlb-pct "$out/qseed7.log")
q7=$(pattern "$out/qseed7.log")
rc=$(QEMU_SEED=7 run "$nopersist,x-stale-tlb-seed=0" test-stale-tlb-pct "$out/qseed7-again.log")
q7b=$(pattern "$out/qseed7-again.log")
rc=$(QEMU_SEED=8 run "$nopersist,x-stale-tlb-seed=0" test-stale-tlb-pct "$out/qseed8.log")
q8=$(pattern "$out/qseed8.log")
if [ -n "$q7" ] && [ "$q7" = "$q7b" ]; then
	ktap_pass "without x-stale-tlb-seed, -seed 7 twice makes the same choices"
else
	ktap_fail "without x-stale-tlb-seed, -seed 7 twice: '$q7', then '$q7b' (wanted the same line of 60; logs: $out/qseed7*.log)"
fi
if [ -n "$q7" ] && [ -n "$q8" ] && [ "$q7" != "$q8" ]; then
	ktap_pass "without x-stale-tlb-seed, -seed 7 and -seed 8 make different choices"
else
	ktap_fail "without x-stale-tlb-seed, -seed 7 and -seed 8: '$q7' and '$q8' (wanted two different lines; the same: the model does not take its seed from QEMU's guest random source; logs: $out/qseed[78].log)"
fi
# Replacement: a hart of 4 entries replaces its oldest for a fifth; with
# 5 entries nothing is replaced, and check 26 must fail.
rc=$(run "$evict_cpu" test-stale-tlb-evict "$out/evict.log")
if [ "$rc" = 0 ]; then
	ktap_pass "test-stale-tlb-evict passes ($evict_cpu)"
else
	ktap_fail "test-stale-tlb-evict ($evict_cpu): check $rc failed (log: $out/evict.log)"
fi
rc=$(run "${evict_cpu/x-stale-tlb=4,/x-stale-tlb=5,}" test-stale-tlb-evict "$out/evict5.log")
if [ "$rc" = 26 ]; then
	ktap_pass "test-stale-tlb-evict fails check 26 with x-stale-tlb=5: nothing is replaced before the hart is full"
else
	ktap_fail "test-stale-tlb-evict with x-stale-tlb=5: exit $rc, wanted 26 (log: $out/evict5.log)"
fi
# The counters of that test (and of its fences at the end, one of each
# kind): 5 walks that read V=0 and one more, no speculative read, 7
# accesses that matched an entry, each a fault, 5 fences (the first at
# the start) dropping 1, 1, 2 and 1 entries, one entry replaced.
want="fills=6 prefetch-fills=0 matches=7 hits=7 probe-hits=0 fences=5 drop-addr=1 drop-asid=2 drop-addr-asid=1 drop-all=1 evictions=1 "
got=$(counters "$evict_cpu" test-stale-tlb-counters "$out/counters.log")
if [ "$got" = "$want" ]; then
	ktap_pass "the counters say what test-stale-tlb-evict did ($got)"
else
	ktap_fail "the counters after test-stale-tlb-evict: '$got', wanted '$want' (log: $out/counters.log)"
fi
# Two harts: entries and fences are per hart.
rc=$(QEMU_SMP=2 run "$smp_cpu" test-stale-tlb-smp "$out/smp.log")
if [ "$rc" = 0 ]; then
	ktap_pass "test-stale-tlb-smp passes on two harts ($smp_cpu)"
else
	ktap_fail "test-stale-tlb-smp on two harts ($smp_cpu): check $rc failed (log: $out/smp.log)"
fi
# Svvptc: turned off when the user did not set it, refused when set on.
expect_exit 0 "${cpu/svvptc=false,/}" "the model turns Svvptc off when svvptc is not given"
rc=$(run "${cpu/svvptc=false/svvptc=true}")
if [ "$rc" = 1 ] && grep -q "x-stale-tlb requires svvptc=false" "$out/run.log"; then
	ktap_pass "the model refuses svvptc=true"
else
	ktap_fail "the model with svvptc=true: exit $rc, wanted 1 and 'x-stale-tlb requires svvptc=false' (log: $out/run.log)"
fi
# Migration: the model's state is not migrated, so a migration is refused.
printf 'migrate file:%s\nquit\n' "$out/migration.bin" |
	timeout 60 "$bin" "${MACHINE[@]}" -S -cpu "$cpu" -monitor stdio >"$out/migrate.log" 2>&1 || true
if grep -q "Error: x-stale-tlb: the model's state is not migrated" "$out/migrate.log"; then
	ktap_pass "a migration with the model on is blocked"
else
	ktap_fail "a migration with the model on was not blocked (log: $out/migrate.log)"
fi
ktap_totals
ktap_ok
