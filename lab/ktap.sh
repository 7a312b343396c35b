# shellcheck shell=bash
# ktap.sh: the lab's one KTAP v1 writer for shell (sourced by lib.sh), after
# the kernel's tools/testing/selftests/kselftest/ktap_helpers.sh. On stdout:
#   ktap_header            "KTAP version 1"
#   ktap_plan N            "1..N" (right after the header)
#   ktap_pass DESC         "ok N DESC"
#   ktap_fail DESC         "not ok N DESC"
#   ktap_skip DESC REASON  "ok N DESC # SKIP REASON"
#   ktap_result RC DESC    pass when RC is 0, else fail
#   ktap_diag TEXT         "# TEXT", a line each
#   ktap_totals            "# Totals: pass:P fail:F xfail:0 xpass:0 skip:S error:0"
#   ktap_ok                exit status: 0 when nothing failed
KTAP_N=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0

ktap_header() { echo "KTAP version 1"; }
ktap_plan() { echo "1..$1"; }
ktap_pass() {
	KTAP_N=$((KTAP_N + 1)) KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_N $*"
}
ktap_fail() {
	KTAP_N=$((KTAP_N + 1)) KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_N $*"
}
ktap_skip() {
	local desc=$1
	shift
	KTAP_N=$((KTAP_N + 1)) KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N $desc # SKIP $*"
}
ktap_result() {
	local rc=$1
	shift
	if [ "$rc" = 0 ]; then ktap_pass "$@"; else ktap_fail "$@"; fi
}
ktap_diag() { sed 's/^/# /' <<<"$*"; }
ktap_totals() {
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:0 xpass:0 skip:$KTAP_SKIP error:0"
}
ktap_ok() { [ "$KTAP_FAIL" = 0 ]; }
