#!/usr/bin/env bash
# initramfs.sh OUTDIR [TESTS_LIST...]
# Build the guest programs of guest/ (static, riscv64) and pack them with the
# test lists (default guest/tests.list; several are joined in order) into
# OUTDIR/initramfs.cpio. If OUTDIR/kselftest exists (lab/kselftest.sh), it
# goes in as /kselftest. /init is guest/init.c; a static busybox
# (lab/busybox.sh, Debian's busybox-static) is /bin/sh and the applets of
# BUSYBOX_APPLETS below, for kselftest's run_kselftest.sh and the tree's
# script tests. The cpio is written by the
# kernel's own usr/gen_init_cpio (built for the host from either tree), so
# device nodes need no root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUTDIR=${1:?usage: initramfs.sh OUTDIR [TESTS_LIST...]}
shift
[ $# -gt 0 ] || set -- "$LAB_ROOT/guest/tests.list"
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
LIST=$OUTDIR/lab-tests
cat "$@" >"$LIST"
GB=$OUTDIR/guest

make -s -C "$LAB_ROOT/guest" O="$GB" CROSS_COMPILE="$CROSS_COMPILE" >"$OUTDIR/guest-build.log" 2>&1 || {
	tail_log "$OUTDIR/guest-build.log"
	die "building the guest programs failed (log: $OUTDIR/guest-build.log)" "make -C guest"
}

# gen_init_cpio: a small host tool from the kernel tree.
GEN=$LAB_CACHE/bin/gen_init_cpio
if [ ! -x "$GEN" ]; then
	src=""
	for k in 7.3 6.12; do
		f=$(kernel_repo "$k")/usr/gen_init_cpio.c
		[ -f "$f" ] && src=$f && break
	done
	[ -n "$src" ] || die "no kernel tree to take usr/gen_init_cpio.c from" "make tree KVER=7.3"
	mkdir -p "$(dirname "$GEN")"
	gcc -O2 -o "$GEN" "$src"
fi

BUSYBOX=$("$LAB_ROOT/lab/busybox.sh")
# What run_kselftest.sh, kselftest/runner.sh and the tree's riscv scripts
# call. No timeout or stdbuf: runner.sh would call them with GNU options
# (the guest's init times every test out itself).
BUSYBOX_APPLETS="sh ash awk basename cat chmod cp cut date dirname echo env expr
false find grep head id kill ln ls mkdir mktemp mount mv nproc printf readlink
realpath rm rmdir sed seq sleep sort stat tail tee test tr true uname uniq wc
which xargs ["

spec=$OUTDIR/initramfs.spec
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /tmp 1777 0 0"
	echo "dir /etc 0755 0 0"
	echo "dir /bin 0755 0 0"
	echo "file /init $GB/init 0755 0 0"
	echo "file /bin/busybox $BUSYBOX 0755 0 0"
	for a in $BUSYBOX_APPLETS; do
		echo "slink /bin/$a busybox 0777 0 0"
	done
	for p in "$GB"/*; do
		[ -f "$p" ] && [ -x "$p" ] || continue
		[ "$(basename "$p")" = init ] && continue
		echo "file /bin/$(basename "$p") $p 0755 0 0"
	done
	echo "file /etc/lab-tests $LIST 0644 0 0"
	# The trouble words, for guest/klogcheck.
	echo "file /etc/lab-trouble.re $LAB_ROOT/lab/trouble.re 0644 0 0"
	if [ -d "$OUTDIR/kselftest" ]; then
		(cd "$OUTDIR" && find kselftest -mindepth 0 -type d | sort) | while read -r d; do
			echo "dir /$d 0755 0 0"
		done
		(cd "$OUTDIR" && find kselftest -type f | sort) | while read -r f; do
			mode=0644
			[ -x "$OUTDIR/$f" ] && mode=0755
			echo "file /$f $OUTDIR/$f $mode 0 0"
		done
	fi
} >"$spec"
"$GEN" "$spec" >"$OUTDIR/initramfs.cpio"
echo "$OUTDIR/initramfs.cpio"
