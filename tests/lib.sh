# shellcheck shell=bash
# Helpers for the lab's own tests. Each tests/test-*.sh is one check of
# `make check`: KTAP v1 on stdout (the results are held until t_done,
# which prints the version line and the plan first), a non-zero exit on
# failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T_FAILED=0
T_N=0
T_LINES=()
ok() { T_N=$((T_N + 1)); T_LINES+=("ok $T_N $*"); }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); T_LINES+=("not ok $T_N $*"); }
# t_diag: stdin's lines as KTAP diagnostics of the last result (feed it by
# redirection, t_diag <FILE or < <(CMD): in a pipeline it runs in a subshell).
t_diag() {
	local l
	while IFS= read -r l; do T_LINES+=("    # $l"); done
}
# expect_rc WANT NAME CMD...: run CMD, compare its exit status with WANT.
expect_rc() {
	local want=$1 name=$2 rc=0
	shift 2
	"$@" >"$T_TMP/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"; else
		not_ok "$name (exit $rc, wanted $want)"
		t_diag < <(tail -n 20 "$T_TMP/out")
	fi
}
# expect_out PATTERN NAME: the last command's output matches PATTERN (ERE).
expect_out() {
	if grep -q -E "$1" "$T_TMP/out"; then ok "$2"; else
		not_ok "$2 (output lacks /$1/)"
		t_diag < <(tail -n 20 "$T_TMP/out")
	fi
}
# py_check MODULE NAME PYTHON-EXPR: the expression, with lab/repro/MODULE.py's
# names imported, must be true (the injector's logic without gdb).
py_check() {
	local out
	if out=$(cd "$ROOT/lab/repro" && python3 -c "from $1 import *
assert $3, 'false'" 2>&1); then ok "$2"; else not_ok "$2: $(tail -n 1 <<<"$out")"; fi
}
T_TMP=$(mktemp -d)
T_DONE=
t_print() {
	echo "KTAP version 1"
	echo "1..$T_N"
	[ "$T_N" = 0 ] || printf '%s\n' "${T_LINES[@]}"
}
# A script that stops before t_done (set -e) still says what it had, and
# that it stopped.
t_exit() {
	local rc=$?
	rm -rf "$T_TMP"
	[ -z "$T_DONE" ] || return 0
	not_ok "the test script stopped early (exit $rc)"
	t_print
}
trap t_exit EXIT
t_done() {
	T_DONE=1
	t_print
	[ "$T_FAILED" = 0 ]
}
