#!/usr/bin/env bash
# lab/run.sh exits non-zero when its boot fails: run the real script with
# every other step stubbed (make check judges boots by that exit status;
# until this test, a failed boot inside step() came back as 0).
. "$(dirname "$0")/lib.sh"

stub_tree() { # stub_tree DIR BOOT_RC
	mkdir -p "$1/lab" "$1/guest"
	cp "$ROOT/lab/run.sh" "$ROOT/lab/lib.sh" "$ROOT/lab/ktap.sh" "$1/lab/"
	touch "$1/guest/tests.list"
	local s
	for s in setup fetch tree initramfs; do printf '#!/bin/bash\nexit 0\n' >"$1/lab/$s.sh"; done
	printf '#!/bin/bash\necho %s\n' "$1/build" >"$1/lab/build.sh"
	printf '#!/bin/bash\necho "verdict: stub" >"$3.verdict"\nexit %s\n' "$2" >"$1/lab/boot.sh"
	chmod +x "$1"/lab/*.sh
}

for want in 0 1; do
	stub_tree "$T_TMP/t$want" "$want"
	expect_rc "$want" "run.sh exits $want when the boot exits $want" \
		env LAB_OUT="$T_TMP/out$want" KSELFTEST=0 bash "$T_TMP/t$want/lab/run.sh" 7.3 base lab
done
expect_out 'verdict:  stub' "run.sh still writes its summary after a failed boot"
# lab_kernel runs inside $(...), where set -e is off: a failed setup or
# fetch must stop it before build.sh (and the run).
for s in setup fetch; do
	stub_tree "$T_TMP/f$s" 0
	printf '#!/bin/bash\nexit 3\n' >"$T_TMP/f$s/lab/$s.sh"
	printf '#!/bin/bash\ntouch %s\necho %s\n' "$T_TMP/f$s/built" "$T_TMP/f$s/build" >"$T_TMP/f$s/lab/build.sh"
	expect_rc 3 "a failed $s stops run.sh with its status" \
		env LAB_OUT="$T_TMP/outf$s" KSELFTEST=0 bash "$T_TMP/f$s/lab/run.sh" 7.3 base lab
	if [ -e "$T_TMP/f$s/built" ]; then not_ok "and build.sh did not run after it"; else ok "and build.sh did not run after it"; fi
done
t_done
