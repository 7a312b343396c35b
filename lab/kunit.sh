#!/usr/bin/env bash
# kunit.sh KVER VARIANT [FAILING...]
# The series' KUnit suite (riscv_new_mapping, built in by
# config/kunit.config) on KVER VARIANT: boot it with the guest's own tests
# only (lab/run.sh, KSELFTEST=0), judge the suite (lab/kunit-judge.sh) and
# require exactly the test cases FAILING to fail; none named: the suite
# passes. The boot itself must pass (no kernel trouble, init done).
#   kunit.sh 7.3 nofence task_switch_fences
# shows the suite catching the series without its fence at task switch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: kunit.sh KVER VARIANT [FAILING...]"
KVER=${1:?$usage}
VARIANT=${2:?$usage}
shift 2
kver_check "$KVER"
want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | paste -s -d ' ')
RES=$LAB_OUT/$KVER-$VARIANT-lab

VERDICT_KUNIT= KSELFTEST=0 "$LAB_ROOT/lab/run.sh" "$KVER" "$VARIANT" lab ||
	die "kunit: the boot of $KVER $VARIANT failed (summary: $RES/summary.txt)" \
		"read $RES/console.log; the KUnit suite is judged only on a clean boot"
judge=$("$LAB_ROOT/lab/kunit-judge.sh" "$RES/console.log") || true
echo "$judge"
grep -q '^kunit: \(PASS\|FAIL\) [^:]*: [0-9]* of [0-9]* test cases ok' <<<"$judge" ||
	die "kunit: the suite did not run to its end on $KVER $VARIANT (console: $RES/console.log)" \
		"check that $RES's kernel has CONFIG_RISCV_NEW_MAPPING_KUNIT=y (config/kunit.config)"
got=$(sed -n 's/^kunit: not ok \([^ ]*\).*/\1/p' <<<"$judge" | sort | paste -s -d ' ')
if [ "$got" != "$want" ]; then
	die "kunit: $KVER $VARIANT: failing test cases '${got}', expected '${want}' (console: $RES/console.log)" \
		"read KUnit's reasons above; a case that fails where it should not is a defect of the series or of the test"
fi
log kunit "$KVER $VARIANT: as expected (failing: ${want:-none})"
