#!/usr/bin/env bash
# sparse-tool.sh KVER: print the path of the sparse the lab runs on KVER's
# tree: the newest sparse on the archive (lab/apt.sh). The system's, when
# that is the version Debian installed here (make setup); otherwise that
# version's source package, with its Debian patches, built once into
# $LAB_CACHE/tools/sparse-VERSION (sparse alone: no sparse-llvm, no c2xml).
# Bookworm's 0.6.4 knows neither __typeof_unqual__ (v7.3's
# scripts/checker-valid.sh rejects it) nor the -march of 6.12's riscv
# flags ("invalid argument to '-march': '_zicsr_zifencei'"); sid's
# 0.6.5~rc1 has both. The tree's checker-valid.sh, where it has one, must
# accept the result.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_ROOT/lab/apt.sh"

KVER=${1:-7.3}
kver_check "$KVER"
valid() {
	# As the kernel's Makefile asks it, for rv64 little-endian; a tree
	# without scripts/checker-valid.sh (6.12) takes any sparse.
	local cv
	cv=$(kernel_repo "$KVER")/scripts/checker-valid.sh
	[ -f "$cv" ] || return 0
	[ "$(sh "$cv" "$1" -D__riscv --arch=riscv -m64 -mlittle-endian 2>/dev/null)" = 1 ]
}
lab_apt_update >&2
ver=$(lab_apt_newest sparse)
[ -n "$ver" ] || die "no sparse package on the archive" "apt-cache policy sparse"
if [ "$(dpkg-query -W -f='${Version}' sparse 2>/dev/null || true)" = "$ver" ] && valid sparse; then
	command -v sparse
	exit 0
fi
if [ -x "$LAB_CACHE/tools/sparse-$ver/sparse" ] && valid "$LAB_CACHE/tools/sparse-$ver/sparse"; then
	echo "$LAB_CACHE/tools/sparse-$ver/sparse"
	exit 0
fi
dir=$LAB_CACHE/tools/sparse-$ver
log sparse "the system's sparse is $(dpkg-query -W -f='${Version}' sparse 2>/dev/null || echo none), the archive's newest $ver: building that from its source package"
rm -rf "$dir" "$dir.src"
mkdir -p "$dir.src"
(cd "$dir.src" && lab_apt_get source --download-only "sparse=$ver") >"$dir.log" 2>&1 ||
	die "download of the sparse $ver source failed (log: $dir.log)" "retry; check the mirror"
src=$dir.src/build
mkdir -p "$src"
tar -xf "$dir.src"/sparse_*.orig.tar.* -C "$src" --strip-components=1
tar -xJf "$dir.src"/sparse_*.debian.tar.xz -C "$src"
while read -r p; do
	case "$p" in '' | '#'*) continue ;; esac
	patch -d "$src" -p1 -s <"$src/debian/patches/$p" >>"$dir.log" 2>&1 || log sparse "WARNING: Debian patch $p does not apply here; built without it"
done <"$src/debian/patches/series"
make -C "$src" -j"$(nproc)" sparse HAVE_LIBXML=no HAVE_SQLITE=no HAVE_LLVM=no CC=gcc >>"$dir.log" 2>&1 ||
	die "building sparse $ver failed (log: $dir.log)" "read the log"
mkdir -p "$dir"
cp "$src/sparse" "$dir/sparse"
rm -rf "$dir.src"
valid "$dir/sparse" || die "sparse $ver built but $KVER's scripts/checker-valid.sh rejects it" "look for a newer sparse"
log sparse "$KVER: sparse $ver built in $dir"
echo "$dir/sparse"
