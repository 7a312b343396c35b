# shellcheck shell=bash
# Helpers for the lab's own tests. Each tests/test-*.sh is one check of
# `make check`: it prints "ok"/"not ok" lines and exits non-zero on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T_FAILED=0
T_N=0
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
# expect_rc WANT NAME CMD...: run CMD, compare its exit status with WANT.
expect_rc() {
	local want=$1 name=$2 rc=0
	shift 2
	"$@" >"$T_TMP/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"; else
		not_ok "$name (exit $rc, wanted $want)"
		sed 's/^/    # /' "$T_TMP/out" | tail -n 20
	fi
}
# expect_out PATTERN NAME: the last command's output matches PATTERN (ERE).
expect_out() {
	if grep -q -E "$1" "$T_TMP/out"; then ok "$2"; else
		not_ok "$2 (output lacks /$1/)"
		sed 's/^/    # /' "$T_TMP/out" | tail -n 20
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
trap 'rm -rf "$T_TMP"' EXIT
t_done() {
	echo "1..$T_N"
	[ "$T_FAILED" = 0 ]
}
