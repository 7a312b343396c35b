#!/usr/bin/env bash
# busybox.sh: a static riscv64 busybox for the guest, from Debian's
# busybox-static package for riscv64 (the newest in the suites of lab/apt.sh),
# downloaded through the mirror apt is configured with, checked against the
# signed index, extracted and cached under $LAB_CACHE/busybox/. Prints the
# binary's path. The initramfs links the applets a shell script needs to it,
# so that kselftest's run_kselftest.sh and the tree's script tests run.
# Environment: LAB_OFFLINE=1 takes the newest cached one without asking the
# archive.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_ROOT/lab/apt.sh"

PKG=busybox-static
ARCH=riscv64
DIR=$LAB_CACHE/busybox
DL=$LAB_CACHE/downloads
mkdir -p "$DIR" "$DL"
lab_apt_arch "$ARCH"

# cached: the newest busybox extracted before, if any.
cached() { ls -1 "$DIR"/busybox_*_$ARCH 2>/dev/null | sort -V | tail -n 1 || true; }

if [ "${LAB_OFFLINE:-0}" = 1 ]; then
	bin=$(cached)
	[ -n "$bin" ] || die "LAB_OFFLINE=1 and no cached busybox in $DIR" "run once without LAB_OFFLINE"
	echo "$bin"
	exit 0
fi

# Every initramfs asks: refresh the indices at most once an hour (some
# suites have no riscv64 index, so lab_apt_update's own stamp is not
# written). As in debian-config.sh, a suite whose index fails need not
# stop us.
tried=$LAB_APT_DIR/state/busybox-tried
fresh=$(find "$tried" -mmin -60 2>/dev/null || true)
# Asked within the hour: the answer then ($DIR/newest) stands.
if [ -n "$fresh" ] && [ -x "$(cat "$DIR/newest" 2>/dev/null)" ]; then
	cat "$DIR/newest"
	exit 0
fi
if [ -z "$fresh" ]; then
	if ! (lab_apt_update) 2>"$LAB_APT_DIR/update.err"; then
		log busybox "WARNING: some $ARCH package lists failed (log: $LAB_APT_DIR/update.log); trying with those fetched"
	fi
	touch "$tried"
fi
ver=$(lab_apt_newest "$PKG")
if [ -z "$ver" ]; then
	bin=$(cached)
	[ -n "$bin" ] || die "no $PKG for $ARCH on the archive" "check $LAB_APT_DIR/update.log"
	log busybox "WARNING: no $PKG in the $ARCH indices; using the cached $bin"
	echo "$bin"
	exit 0
fi
bin=$DIR/busybox_${ver#*:}_$ARCH
if [ ! -x "$bin" ]; then
	deb=$DL/${PKG}_${ver#*:}_$ARCH.deb
	if [ ! -s "$deb" ]; then
		log busybox "downloading $PKG $ver ($ARCH)"
		lab_apt_download "$PKG" "$ARCH" "$ver" "$deb"
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/busybox >"$bin.tmp" ||
		die "$deb holds no /usr/bin/busybox" "dpkg-deb -c $deb"
	! "${CROSS_COMPILE}readelf" -l "$bin.tmp" | grep -q INTERP ||
		die "$deb's busybox is not statically linked" "dpkg-deb -c $deb; ${CROSS_COMPILE}readelf -l $bin.tmp"
	chmod 0755 "$bin.tmp"
	mv "$bin.tmp" "$bin"
	log busybox "$PKG $ver ($ARCH): $bin"
fi
echo "$bin" >"$DIR/newest"
echo "$bin"
