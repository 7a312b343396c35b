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
t_done
