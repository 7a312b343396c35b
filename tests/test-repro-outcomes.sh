#!/usr/bin/env bash
# lab/repro/outcomes.py, the injector's judges' logic, on hand-made
# observations (no gdb, no QEMU).
. "$(dirname "$0")/lib.sh"
check() { # NAME PYTHON-EXPR: the expression must be true
	local out
	if out=$(cd "$ROOT/lab/repro" && python3 -c "from outcomes import *
assert $2, 'false'" 2>&1); then ok "$1"; else not_ok "$1: $(tail -n 1 <<<"$out")"; fi
}
check "SW: bit cleared after a fence is fenced" 'switch_outcome("SW", 0, True, 0)[0] == "fenced"'
check "SW: bit kept, no fence is unfenced (the unfixed kernel)" 'switch_outcome("SW", 0, False, 1)[0] == "unfenced"'
check "SW-old: bit kept, no fence is kept" 'switch_outcome("SW-old", 0, False, 1)[0] == "kept"'
check "SW-old: a fence is fenced (the gate did not save it)" 'switch_outcome("SW-old", 0, True, 0)[0] == "fenced"'
check "a fence that left the bit set is unfenced" 'switch_outcome("SW", 1, True, 2)[0] == "unfenced"'
check "the bit cleared with no fence is unfenced" 'switch_outcome("SW", 1, False, 0) == ("unfenced", "cpu 1: bit cleared, no sfence.vma")'
t_done
