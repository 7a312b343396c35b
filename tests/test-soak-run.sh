#!/usr/bin/env bash
# lab/soak.sh end to end, with its build and boot steps stubbed and a canned
# console log: it exits 0 on a clean soak and non-zero on a failed one
# (until this test, every soak ended in "unbound variable", pass or fail).
. "$(dirname "$0")/lib.sh"

# stub_tree DIR BOOT_RC CONSOLE: a copy of the lab whose boot writes CONSOLE.
stub_tree() {
	mkdir -p "$1/lab"
	cp "$ROOT/lab/soak.sh" "$ROOT/lab/soak-summary.sh" "$ROOT/lab/lib.sh" "$ROOT/lab/ktap.sh" "$1/lab/"
	local s
	for s in setup fetch tree kselftest initramfs; do printf '#!/bin/bash\nexit 0\n' >"$1/lab/$s.sh"; done
	printf '#!/bin/bash\necho %s\n' "$1/build" >"$1/lab/build.sh"
	cp "$3" "$1/console.canned"
	printf '#!/bin/bash\ncp %s "$3"\necho "verdict: stub" >"$3.verdict"\nexit %s\n' "$1/console.canned" "$2" >"$1/lab/boot.sh"
	chmod +x "$1"/lab/*.sh
}

cat >"$T_TMP/clean.log" <<'LOG'
[    0.05] ASID allocator using 16 bits (65536 entries)
    # 70000 address spaces: 10 checking children, 500 traps of each kind
    ok 3 registers intact across system calls (0 children saw a change)
ok 1 soak-stress
ok 2 soak-module
LOG
cat >"$T_TMP/bad.log" <<'LOG'
[    0.05] ASID allocator using 16 bits (65536 entries)
[   99.10] Oops [#1]
LOG
stub_tree "$T_TMP/ok" 0 "$T_TMP/clean.log"
expect_rc 0 "a clean soak exits 0" env LAB_OUT="$T_TMP/res" MINUTES=1 SMP=2 bash "$T_TMP/ok/lab/soak.sh" 7.3
expect_out "rolled over: yes" "it says the ASIDs rolled over"
stub_tree "$T_TMP/bad" 1 "$T_TMP/bad.log"
expect_rc 1 "a soak whose boot failed exits 1" env LAB_OUT="$T_TMP/res" MINUTES=1 SMP=2 bash "$T_TMP/bad/lab/soak.sh" 7.3
expect_out "Oopses: +1" "and counts the Oops"
expect_out "soak 7.3 on 2 harts failed" "and says what failed"
t_done
