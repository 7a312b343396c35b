#!/usr/bin/env bash
# lab/debian-config.sh --compare holds a fragment to Debian's config: it
# passes when every option has Debian's value and names the one that does
# not. Offline: a made-up cached config stands for Debian's.
. "$(dirname "$0")/lib.sh"
DC=$ROOT/lab/debian-config.sh
export LAB_CACHE=$T_TMP/cache LAB_OFFLINE=1
mkdir -p "$LAB_CACHE/trees/6.12" "$LAB_CACHE/debian-config"
echo 9.9.9-1 >"$LAB_CACHE/trees/6.12/debian-version"
deb=$LAB_CACHE/debian-config/linux-config-6.12_9.9.9-1_riscv64.config

expect_rc 1 "offline and nothing cached: fails" bash "$DC"
expect_out "no cached linux-config-6.12 config for 9.9.9-1" "and says so"

# Debian's config as distro.config asks for it ("is not set" lines stay
# comments, as in a real .config).
cp "$ROOT/config/distro.config" "$deb"
expect_rc 0 "the cached config is found offline" bash "$DC"
expect_out "linux-config-6.12_9.9.9-1_riscv64.config" "and its path printed"
expect_rc 0 "config/distro.config against a config that has its values" bash "$DC" --compare "$ROOT/config/distro.config"

sed -i 's/^CONFIG_NR_CPUS=.*/CONFIG_NR_CPUS=64/' "$deb"
expect_rc 1 "a value Debian does not have fails" bash "$DC" --compare "$ROOT/config/distro.config"
expect_out "CONFIG_NR_CPUS: requested .128., Debian's linux-config-6.12 9.9.9-1 has .64." "and names it"
cp "$ROOT/config/distro.config" "$deb"
sed -i 's/^# CONFIG_RANDOMIZE_BASE is not set/CONFIG_RANDOMIZE_BASE=y/' "$deb"
expect_rc 1 "an option asked off that Debian has on fails" bash "$DC" --compare "$ROOT/config/distro.config"
expect_rc 1 "--compare without a fragment fails" bash "$DC" --compare
t_done
