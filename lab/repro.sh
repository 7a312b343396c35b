#!/usr/bin/env bash
# repro.sh KVER VARIANT [CONFIG]: the stale-translation fault-injection
# matrix for one kernel (see lab/repro/inject.py for the model).
#   REPRO_ONLY=P001,W1,...  run only these points or windows
#   REPRO_LIST=1            list the points and exit
#   SMP (2)                 harts of the guest
# Results in out/repro-KVER-VARIANT-CONFIG/: results.tsv, table.txt,
# ktap.txt and one console log per boot. Exits 1 when an observation
# differs from lab/repro/expected.tsv.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
VARIANT=${2:-base}
CONFIG=${3:-lab}
kver_check "$KVER"
NAME=repro-$KVER-$VARIANT-$CONFIG
RES=$LAB_OUT/$NAME
rm -rf "$RES"
mkdir -p "$RES"

"$LAB_ROOT/lab/setup.sh"
"$LAB_ROOT/lab/fetch.sh" "$KVER"
BUILD=$("$LAB_ROOT/lab/build.sh" "$KVER" "$VARIANT" "$CONFIG")
"$LAB_ROOT/lab/initramfs.sh" "$RES" "$LAB_ROOT/guest/repro.list" >/dev/null

cpu=rv64
[ "$CONFIG" = vector ] && cpu=rv64,v=true
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
REPRO_QEMU="qemu-system-riscv64 -machine virt,acpi=off -cpu $cpu -smp ${SMP:-2} -m 1G -nographic -no-reboot"
REPRO_QEMU+=" -bios $FW -kernel $BUILD/arch/riscv/boot/Image -initrd $RES/initramfs.cpio"
REPRO_QEMU+=" -append 'console=ttyS0 panic=-1 oops=panic printk.time=1'"
export REPRO_QEMU REPRO_OUT=$RES REPRO_ONLY=${REPRO_ONLY:-} REPRO_LIST=${REPRO_LIST:-}

log repro "$KVER $VARIANT ($CONFIG): $(tree_version "$KVER")"
t=$(date +%s)
rc=0
gdb-multiarch -batch -nx -ex "file $BUILD/vmlinux" -x "$LAB_ROOT/lab/repro/inject.py" \
	>"$RES/gdb.log" 2>&1 &
gpid=$!
# Progress: the engine's lines as they come.
tail -n +1 -f "$RES/gdb.log" --pid=$gpid 2>/dev/null | grep --line-buffered '^\[repro\]' |
	sed -u "s/^\[repro\] /[repro $KVER $VARIANT] /" >&2 || true
wait "$gpid" || rc=$?
if [ "$rc" != 0 ] || grep -q '^\[repro\] ERROR' "$RES/gdb.log"; then
	tail_log "$RES/gdb.log" 20
	die "the injection engine failed (log: $RES/gdb.log)" "run it again with REPRO_ONLY=<point> to look at one point"
fi
[ "${REPRO_LIST:-}" = 1 ] && exit 0

# Compare with the expectations; write KTAP and a table.
awk -F'\t' -v variant="$VARIANT" -v kernel="$KVER $VARIANT $CONFIG" -v ktap="$RES/ktap.txt" -v table="$RES/table.txt" '
	FNR == NR { if ($0 !~ /^#/ && NF >= 3) { ev[++ne] = $1; ew[ne] = $2; ex[ne] = $3 } next }
	FNR == 1 { next }
	{
		exp = "?"
		for (i = 1; i <= ne; i++)
			if ((ev[i] == "*" || ev[i] == variant) && (ew[i] == "*" || ew[i] == $2)) { exp = ex[i]; break }
		obs = $6
		good = (exp == obs) || (exp == "fail" && (obs == "oops" || obs == "corrupt" || obs == "hang"))
		n++
		line[n] = sprintf("%s %d %s %s %s %s %s # expected=%s observed=%s: %s",
			good ? "ok" : "not ok", n, $1, $2, $3, $4, $5, exp, obs, $7)
		row[n] = sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", $1, $2, $3, $4, $5, exp, obs, good ? "" : "MISMATCH")
		nbad += !good
		cnt[$2 " " obs]++
	}
	END {
		print "KTAP version 1" > ktap
		print "# fault injection: " kernel > ktap
		print "1.." n > ktap
		for (i = 1; i <= n; i++) print line[i] > ktap
		printf "# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", n - nbad, nbad > ktap
		print "point\twindow\tctx\twhere\tinstruction\texpected\tobserved\t" > table
		for (i = 1; i <= n; i++) print row[i] > table
		for (k in cnt) printf "%s=%d ", k, cnt[k] > "/dev/stderr"
		printf "\n" > "/dev/stderr"
		exit nbad > 0
	}
' "$LAB_ROOT/lab/repro/expected.tsv" "$RES/results.tsv" 2>"$RES/counts.txt" || rc=1
column -t -s $'\t' "$RES/table.txt" >"$RES/table.pretty" 2>/dev/null || cp "$RES/table.txt" "$RES/table.pretty"
n=$(($(wc -l <"$RES/results.tsv") - 1))
log repro "$KVER $VARIANT ($CONFIG): $n points in $(($(date +%s) - t))s; by window/outcome: $(cat "$RES/counts.txt")"
if [ "$rc" != 0 ]; then
	grep '^not ok' "$RES/ktap.txt" | head -n 20 >&2
	die "fault injection on $KVER $VARIANT did not match lab/repro/expected.tsv (table: $RES/table.pretty)" \
		"look at the console of the boot named in results.tsv; REPRO_ONLY=<point> reruns one point"
fi
log repro "$KVER $VARIANT ($CONFIG): every point as expected (table: $RES/table.pretty)"
