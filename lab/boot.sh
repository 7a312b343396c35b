#!/usr/bin/env bash
# boot.sh IMAGE INITRD LOG
# Boot a kernel on QEMU virt with OpenSBI, save the console to LOG and judge
# it with verdict.sh. Environment:
#   SMP (4), MEM (1G), QEMU_CPU (rv64; "rv64,v=true" for vector and distro),
#   BOOT_TIMEOUT (300 s), APPEND (extra kernel arguments),
#   QEMU_EXTRA (extra QEMU arguments, e.g. "-s -S" for gdb).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

IMAGE=${1:?usage: boot.sh IMAGE INITRD LOG}
INITRD=${2:?usage: boot.sh IMAGE INITRD LOG}
LOG=${3:?usage: boot.sh IMAGE INITRD LOG}
SMP=${SMP:-4}
MEM=${MEM:-1G}
QEMU_CPU=${QEMU_CPU:-rv64}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

[ -f "$IMAGE" ] || die "no kernel image $IMAGE"
[ -f "$INITRD" ] || die "no initramfs $INITRD"
[ -f "$FW" ] || die "no OpenSBI firmware at $FW" "make setup"

mkdir -p "$(dirname "$LOG")"
# shellcheck disable=SC2086
cmd=(qemu-system-riscv64 -machine virt,acpi=off -cpu "$QEMU_CPU" -smp "$SMP" -m "$MEM"
	-nographic -no-reboot -bios "$FW" -kernel "$IMAGE" -initrd "$INITRD"
	-append "console=ttyS0 earlycon=sbi panic=-1 oops=panic printk.time=1 ${APPEND:-}"
	${QEMU_EXTRA:-})
printf '%q ' "${cmd[@]}" >"$LOG.cmd"
echo >>"$LOG.cmd"

t=$(date +%s)
rc=0
timeout -k 5 "$BOOT_TIMEOUT" "${cmd[@]}" </dev/null >"$LOG" 2>&1 || rc=$?
secs=$(($(date +%s) - t))
if "$LAB_ROOT/lab/verdict.sh" "$LOG" "$rc" >"$LOG.verdict"; then
	log boot "$(tail -n 1 "$LOG.verdict" | sed 's/^verdict: //'), ${secs}s wall (log: $LOG)"
	exit 0
fi
cat "$LOG.verdict" >&2
tail_log "$LOG" 30
die "boot failed after ${secs}s (console log: $LOG, QEMU command: $LOG.cmd)" \
	"read the console log; rerun the boot by hand with the command in $LOG.cmd"
