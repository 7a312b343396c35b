#!/usr/bin/env bash
# config-verify.sh must name an option Kconfig dropped, honour "is not set"
# and let a later fragment override an earlier one.
. "$(dirname "$0")/lib.sh"
CV=$ROOT/lab/config-verify.sh
cat >"$T_TMP/a.config" <<'X'
CONFIG_FOO=y
CONFIG_NR=8
# CONFIG_BAR is not set
CONFIG_BAZ=y
X
cat >"$T_TMP/b.config" <<'X'
CONFIG_BAZ=m
X
printf 'CONFIG_FOO=y\nCONFIG_NR=8\nCONFIG_BAZ=m\n' >"$T_TMP/good"
printf 'CONFIG_NR=8\nCONFIG_BAZ=m\n' >"$T_TMP/dropped"
printf 'CONFIG_FOO=y\nCONFIG_NR=8\nCONFIG_BAR=y\nCONFIG_BAZ=m\n' >"$T_TMP/unwanted"
printf 'CONFIG_FOO=y\nCONFIG_NR=4\nCONFIG_BAZ=m\n' >"$T_TMP/value"

expect_rc 0 "a .config with every request passes" "$CV" "$T_TMP/good" "$T_TMP/a.config" "$T_TMP/b.config"
expect_rc 1 "a dropped option fails" "$CV" "$T_TMP/dropped" "$T_TMP/a.config" "$T_TMP/b.config"
expect_out 'CONFIG_FOO: requested .y., final .config has .n.' "the dropped option is named"
expect_rc 1 "an option asked off but on fails" "$CV" "$T_TMP/unwanted" "$T_TMP/a.config" "$T_TMP/b.config"
expect_rc 1 "a changed value fails" "$CV" "$T_TMP/value" "$T_TMP/a.config" "$T_TMP/b.config"
expect_rc 1 "without the override fragment, =m is wrong" "$CV" "$T_TMP/good" "$T_TMP/a.config"
# The real fragments parse and name only CONFIG_ options.
expect_rc 0 "config/*.config are well formed" bash -c "grep -v -E '^(#.*|CONFIG_[A-Z0-9_]+=.+|)\$' $ROOT/config/*.config && exit 1 || exit 0"
# Every fragment is a CONFIG of lab/build.sh.
for f in "$ROOT"/config/*.config; do
	n=$(basename "$f")
	if grep -q "config/$n" "$ROOT/lab/build.sh"; then ok "lab/build.sh builds config/$n"; else not_ok "config/$n is no CONFIG of lab/build.sh"; fi
done
# The variants merged after lab.config change its requests only where they
# mean to (vector and distro turn vector on; distro has Debian's NR_CPUS).
opts() { sed -n -E 's/^(CONFIG_[A-Z0-9_]+)=(.*)$/\1 \2/p; s/^# (CONFIG_[A-Z0-9_]+) is not set$/\1 n/p' "$1" | sort; }
overrides() { join <(opts "$ROOT/config/lab.config") <(opts "$1") | awk '$2 != $3 { print $1 }' | paste -sd' '; }
for v in vector:CONFIG_RISCV_ISA_V distro:"CONFIG_NR_CPUS CONFIG_RISCV_ISA_V"; do
	got=$(overrides "$ROOT/config/${v%%:*}.config")
	if [ "$got" = "${v#*:}" ]; then ok "config/${v%%:*}.config overrides lab.config in: $got"; else
		not_ok "config/${v%%:*}.config overrides lab.config in '$got', expected '${v#*:}'"
	fi
done
printf 'CONFIG_VMAP_STACK=n\nCONFIG_NR_CPUS=128\nCONFIG_RISCV_ISA_V=y\n' >"$T_TMP/bad.config"
expect_rc 0 "an unexpected override is seen" test "$(overrides "$T_TMP/bad.config")" = "CONFIG_NR_CPUS CONFIG_RISCV_ISA_V CONFIG_VMAP_STACK"
t_done
