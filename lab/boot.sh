#!/usr/bin/env bash
# boot.sh IMAGE INITRD LOG
# Boot a kernel on QEMU virt with OpenSBI, save the console to LOG and judge
# it with verdict.sh. Environment: BOOT_TIMEOUT (300 s), APPEND (extra
# kernel arguments), and those of qemu_cmd (lab/lib.sh): SMP, MEM, QEMU_CPU,
# QEMU_EXTRA (e.g. "-s -S" for gdb), QEMU=model and its MODEL_*. Under the
# model its counters are written to LOG.model (lab/model-counters.py) and
# where its faults were taken to LOG.trace (lab/model-where.sh reads it).
# A trace that outgrows MODEL_TRACE_MAX bytes (200 MB, about 2.8 million
# faults: a fault nothing fences comes back for ever under
# x-stale-tlb-persist, about 2 x 10^5 a second) stops QEMU and leaves
# TRACE.stopped (lab/model-judge.sh: the run hung in a fault loop).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

IMAGE=${1:?usage: boot.sh IMAGE INITRD LOG}
INITRD=${2:?usage: boot.sh IMAGE INITRD LOG}
LOG=${3:?usage: boot.sh IMAGE INITRD LOG}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}

[ -f "$IMAGE" ] || die "no kernel image $IMAGE"
[ -f "$INITRD" ] || die "no initramfs $INITRD"
[ -f "$OPENSBI_FW" ] || die "no OpenSBI firmware at $OPENSBI_FW" "make setup"

mkdir -p "$(dirname "$LOG")"
qmp=
rm -f "$LOG.model" "$LOG.qmp"
[ "${QEMU:-system}" != model ] || qmp=$LOG.qmp
trace=${QEMU_TRACE-${qmp:+$LOG.trace}}
rm -f "$LOG.trace" ${trace:+"$trace" "$trace.stopped"}
QEMU_TRACE=$trace qemu_cmd "$IMAGE" "$INITRD" "console=ttyS0 earlycon=sbi panic=-1 oops=panic printk.time=1 ${APPEND:-}" "$qmp"
printf '%q ' "${QEMU_CMD[@]}" >"$LOG.cmd"
echo >>"$LOG.cmd"

# trace_guard FILE PID: stop QEMU (PID) once FILE passes MODEL_TRACE_MAX.
trace_guard() {
	local max=${MODEL_TRACE_MAX:-200000000}
	while kill -0 "$2" 2>/dev/null; do
		if [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$max" ]; then
			echo "the model's trace passed $max bytes at $(($(date +%s) - t)) s: QEMU stopped" >"$1.stopped"
			kill "$2" 2>/dev/null || true
			return 0
		fi
		sleep 1
	done
}

t=$(date +%s)
rc=0
timeout -k 5 "$BOOT_TIMEOUT" "${QEMU_CMD[@]}" </dev/null >"$LOG" 2>&1 &
qpid=$!
[ -z "$qmp" ] || python3 "$LAB_ROOT/lab/model-counters.py" "$qmp" "$LOG.model" 2>"$LOG.model.err" &
[ -z "$trace" ] || trace_guard "$trace" "$qpid" &
wait "$qpid" || rc=$?
wait || true
rm -f "$qmp"
secs=$(($(date +%s) - t))
if "$LAB_ROOT/lab/verdict.sh" "$LOG" "$rc" >"$LOG.verdict"; then
	log boot "$(tail -n 1 "$LOG.verdict" | sed 's/^verdict: //'), ${secs}s wall (log: $LOG)"
	exit 0
fi
cat "$LOG.verdict" >&2
tail_log "$LOG" 30
die "boot failed after ${secs}s (console log: $LOG, QEMU command: $LOG.cmd)" \
	"read the console log; rerun the boot by hand with the command in $LOG.cmd"
