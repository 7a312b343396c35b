#!/usr/bin/env bash
# hunt.sh KVER: look for every place that uses a new kernel mapping before
# its hart fenced it. The patched kernel with Debian's options and the
# hunt's (CONFIG=hunt: config/distro.config, config/hunt.config) boots on
# the QEMU model of a hart that caches invalid translations, once a
# workload, with KFENCE sampling, and every fault the model raised is
# followed to what answered it (lab/hunt-where.sh). Workloads (HUNT_WORKLOADS,
# all by default):
#   stress    the series' stressor (vmap stacks: forks, thread waves)
#   vmalloc   the tree's test_vmalloc (vmalloc/vfree on every CPU)
#   module    the lab's module's own stress (vmalloc'ed memory on all harts)
#   modload   module load and unload, its text run on every hart
#   kprobe    kprobe events added and removed (text patching, insn slots)
#   bpf       BPF programs JIT-compiled, run from a kprobe on every hart
#   kvm       virtual machines made and run, vCPUs moving between harts
# (guest/hunt.c has the last four). HUNT_WORKLOADS=... reruns those only:
# their results replace the earlier ones, and the judge reads every
# workload in the results. Environment: HUNT_SECONDS (30, each
# workload's length), HUNT_KFENCE_MS (1: kfence.sample_interval), SMP (4),
# TEST_VMALLOC_PARAMS (below), HUNT_VARIANT and HUNT_CONFIG (patched and
# hunt; another kernel, such as a planted defect of lab/build.sh, is
# hunted into out/hunt-KVER-VARIANT-CONFIG; with MODEL_USER=on, -user),
# the model's MODEL_* (lib.sh). Results: out/hunt-KVER/results.tsv (one row
# a workload: the verdict, the faults raised and how each was answered,
# the places not answered by a fence), WORKLOAD.log (+ .trace, .where,
# .verdict, .cmd); judged by lab/hunt-judge.sh (KTAP on stdout).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:?usage: hunt.sh KVER}
kver_check "$KVER"
SECS=${HUNT_SECONDS:-30}
ALL="stress vmalloc module modload kprobe bpf kvm"
WORKLOADS=${HUNT_WORKLOADS:-$ALL}
export SMP=${SMP:-4} QEMU=model MODEL_TRACE_MORE=riscv_stale_tlb_fence
export QEMU_CPU=${QEMU_CPU:-$(qemu_cpu hunt)}
VARIANT=${HUNT_VARIANT:-patched}
CONFIG=${HUNT_CONFIG:-hunt}
RES=$LAB_OUT/hunt-$KVER
[ "$VARIANT-$CONFIG" = patched-hunt ] || RES+=-$VARIANT-$CONFIG
[ "${MODEL_USER:-off}" = off ] || RES+=-user
if [ -z "${HUNT_WORKLOADS:-}" ]; then
	rm -rf "$RES"
else
	for w in $WORKLOADS; do rm -f "$RES/$w".*; done
fi
mkdir -p "$RES"
t0=$(date +%s)
progress() { log "hunt-$KVER" "$* ($(($(date +%s) - t0)) s so far)"; }

progress "the kernel (v$KVER $VARIANT, CONFIG=$CONFIG)"
BUILD=$(lab_kernel "$KVER" "$VARIANT" "$CONFIG")
progress "the guest's tests"
# test_vmalloc's default tests (run_test_mask 7) ran over 13 minutes on
# the model at the lab's counts (4 harts on 2 host cores, a build beside
# it, 2026-12-05), and over 10 at a tenth of them: the hunt runs two of
# its tests, fix_size_alloc_test (vmalloc and vfree of a page, on every
# CPU) and vm_map_ram_test (vm_map_ram), 1000 rounds each (100 took a
# second).
VMALLOC_FENCE_SECONDS=$SECS VMALLOC_FENCE_TIMEOUT=$((SECS * 4 + 300)) \
	TEST_VMALLOC_PARAMS=${TEST_VMALLOC_PARAMS:-test_repeat_count=1 test_loop_count=1000 run_test_mask=0x401} \
	bash "$LAB_ROOT/lab/kselftest.sh" "$KVER" "$VARIANT" "$BUILD" "$RES" >&2
timeout=$((SECS * 4 + 300))
{
	grep '^test_vmalloc ' "$RES/tree-tests.list" || die "no test_vmalloc in $RES/tree-tests.list" "look at lab/kselftest.sh"
	for w in modload kprobe bpf kvm; do
		args="$SECS"
		[ "$w" != modload ] || args+=" /kselftest/lab/vmalloc_fence_test.ko"
		echo "hunt-$w $timeout /bin/hunt $w $args"
	done
} >"$RES/hunt.list"
bash "$LAB_ROOT/lab/initramfs.sh" "$RES" "$RES/kselftest.list" "$RES/hunt.list" >/dev/null

# test_name WORKLOAD: its name in the guest's lists (lab.only=).
test_name() {
	case "$1" in
	stress) echo ksft-riscv-vmap_stack_stress ;;
	vmalloc) echo test_vmalloc ;;
	module) echo vmalloc_fence ;;
	modload | kprobe | bpf | kvm) echo "hunt-$1" ;;
	*) die "unknown workload '$1'" "use stress vmalloc module modload kprobe bpf kvm" ;;
	esac
}

for w in $WORKLOADS; do test_name "$w" >/dev/null; done
export VERDICT_KUNIT
VERDICT_KUNIT=$(kunit_suite "$BUILD")
for w in $WORKLOADS; do
	progress "workload $w: booting on the model ($(qemu_describe | sed 's/.*x-stale/x-stale/'), $SMP harts, ${SECS} s)"
	BOOT_TIMEOUT=$((timeout + 600)) APPEND="lab.only=$(test_name "$w") kfence.sample_interval=${HUNT_KFENCE_MS:-1}" \
		bash "$LAB_ROOT/lab/boot.sh" "$BUILD/arch/riscv/boot/Image" "$RES/initramfs.cpio" "$RES/$w.log" \
		>"$RES/$w.out" 2>&1 || true
	bash "$LAB_ROOT/lab/hunt-where.sh" "$RES/$w.log.trace" "$BUILD/vmlinux" >"$RES/$w.where" 2>"$RES/$w.where.err" ||
		echo "# hunt-where failed: $RES/$w.where.err" >"$RES/$w.where"
	progress "workload $w: $(sed -n 's/^verdict: //p' "$RES/$w.log.verdict" 2>/dev/null | tail -n 1 | cut -c1-100); $(awk 'NR <= 5 { printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' "$RES/$w.where")"
done
about="$(date -u +%F) $WORKLOADS: $KVER $VARIANT ($CONFIG) $(tree_version "$KVER"), $(qemu_describe), $SMP harts, ${SECS} s a workload, kfence.sample_interval=${HUNT_KFENCE_MS:-1}"
if [ -z "${HUNT_WORKLOADS:-}" ]; then echo "$about" >"$RES/about"; else echo "$about" >>"$RES/about"; fi
judged=$(for w in $ALL; do [ ! -f "$RES/$w.log" ] || echo "$w"; done)
exec bash "$LAB_ROOT/lab/hunt-judge.sh" "$RES" "$(echo $judged)"
