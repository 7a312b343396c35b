#!/usr/bin/env bash
# debian-config.sh [--compare FRAGMENT...]
# Debian's own riscv64 kernel config for 6.12, from the linux-config-6.12
# package of the same Debian version as the lab's 6.12 tree
# ($LAB_CACHE/trees/6.12/debian-version; without a tree, the newest on the
# archive), downloaded through the mirror apt is configured with (lab/apt.sh)
# and extracted to $LAB_CACHE/debian-config/. Prints the config's path.
#
#   --compare FRAGMENT...  check that every option the fragments ask for
#                          has that value in Debian's config
#                          (lab/config-verify.sh); exit 1 naming any that
#                          differs. config/distro.config must pass.
#
# Environment: DEBIAN_CONFIG_VERSION=V takes that version instead;
# LAB_OFFLINE=1 uses a cached config without asking the archive.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_ROOT/lab/apt.sh"

PKG=linux-config-6.12
ARCH=riscv64
FLAVOUR=config.riscv64_none_riscv64
DIR=$LAB_CACHE/debian-config
DL=$LAB_CACHE/downloads
mkdir -p "$DIR" "$DL"

compare=0
if [ "${1:-}" = --compare ]; then
	compare=1
	shift
	[ $# -gt 0 ] || die "--compare needs at least one fragment" "bash lab/debian-config.sh --compare config/distro.config"
	for f in "$@"; do
		[ -f "$f" ] || die "no such fragment: $f" "give a path such as config/distro.config"
	done
elif [ $# -gt 0 ]; then
	die "unknown argument '$1'" "bash lab/debian-config.sh [--compare FRAGMENT...]"
fi

lab_apt_arch "$ARCH"

ver=${DEBIAN_CONFIG_VERSION:-$(cat "$LAB_CACHE/trees/6.12/debian-version" 2>/dev/null || true)}
out=
[ -z "$ver" ] || out=$DIR/${PKG}_${ver}_$ARCH.config

if [ -z "$out" ] || [ ! -s "$out" ]; then
	[ "${LAB_OFFLINE:-0}" != 1 ] || die "LAB_OFFLINE=1 and no cached $PKG config${ver:+ for $ver}" "run once without LAB_OFFLINE"
	# One suite's index failing (seen: "Mirror sync in progress?" for one
	# suite's riscv64 Packages) need not stop us: the suites that were
	# fetched may hold the package. Whether they do is checked below.
	if ! (lab_apt_update) 2>"$LAB_APT_DIR/update.err"; then
		log debian-config "WARNING: some $ARCH package lists failed (log: $LAB_APT_DIR/update.log); trying with those fetched"
	fi
	if [ -z "$ver" ]; then
		ver=$(lab_apt_newest "$PKG")
		[ -n "$ver" ] || die "no $PKG for $ARCH on the archive" "check $LAB_APT_DIR/update.log"
		out=$DIR/${PKG}_${ver}_$ARCH.config
	fi
	deb=$DL/${PKG}_${ver}_$ARCH.deb
	if [ ! -s "$deb" ]; then
		log debian-config "downloading $PKG $ver ($ARCH)"
		lab_apt_download "$PKG" "$ARCH" "$ver" "$deb"
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$PKG/$FLAVOUR.xz" | xz -d >"$out.tmp" ||
		die "$deb holds no /usr/src/$PKG/$FLAVOUR.xz" "dpkg-deb -c $deb"
	mv "$out.tmp" "$out"
	log debian-config "$PKG $ver ($ARCH): $(sed -n 's/^# Linux\/riscv \(.*\) Kernel Configuration/Linux \1/p' "$out"), $(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"/\1/p' "$out")"
fi

if [ "$compare" = 0 ]; then
	echo "$out"
	exit 0
fi

# The same check build.sh makes of a .config, here against Debian's.
n=$(cat "$@" | grep -c -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' || true)
rc=0
"$LAB_ROOT/lab/config-verify.sh" "$out" "$@" 2>&1 | sed "s/final \.config has/Debian's $PKG $ver has/" >&2 || rc=$?
if [ "$rc" != 0 ]; then
	die "$* asks for values Debian's $PKG $ver ($ARCH) does not have (config: $out)" \
		"take Debian's value, or move the option out of the fragment and say why in its header"
fi
log debian-config "all $n option lines of $* have Debian's values ($PKG $ver, $ARCH)"
