#!/usr/bin/env bash
# per-patch.sh KVER [CONFIG]: every patch of the series builds on its own,
# as patchwork's per-patch build and the kernel test robot's bisection
# build it: the unfixed tree, then the series one patch more at a time, in
# one worktree and build directory (lab/build.sh VARIANT=perpatch), so that
# each step compiles only what its patch changes. Every step is built with
# W=1 (Image and modules); a step fails if it does not build, or if its
# compiler output has a warning (file and message, lines move) that no
# earlier step had (lab/warnings-judge.sh against the union of the earlier
# steps' warnings; step 0 is a whole W=1 build of the unfixed tree).
#   CONFIG  lab (rv64, default) | rv32 | nommu; LAB_LLVM=1: clang (lab/lib.sh)
# A pass is remembered for the series, tree, config and toolchain: a rerun
# with none of them changed says so and builds nothing; any other run
# starts from an empty build directory.
# Results: out/per-patch-KVER-CONFIG[-llvm]/results.tsv (step, patch,
# outcome, seconds, objects compiled, new warnings) and stepN.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
CONFIG=${2:-lab}
kver_check "$KVER"
NAME=per-patch-$KVER-$CONFIG${LAB_LLVM:+-llvm}
RES=$LAB_OUT/$NAME
lab_ready "$KVER"
mapfile -t PATCHES < <(series_patches "$KVER")
N=${#PATCHES[@]}
[ "$N" -gt 0 ] || die "no series for $KVER" "look at $(series_dir "$KVER")/series"

key=$({
	series_hash "$KVER"
	tree_version "$KVER"
	echo "$CONFIG ${LAB_LLVM:-}"
	cat "$LAB_ROOT/lab/per-patch.sh" "$LAB_ROOT/lab/build.sh"
	toolchain_version
} | sha256sum | cut -c1-16)
PASSED=$LAB_CACHE/per-patch/$NAME.passed
if [ "$(cat "$PASSED" 2>/dev/null)" = "$key" ] && [ -f "$RES/results.tsv" ]; then
	log per-patch "$KVER $CONFIG${LAB_LLVM:+ (clang)}: all $N patches built on their own before, with this series, tree and toolchain ($RES/results.tsv)"
	exit 0
fi
rm -f "$PASSED"
rm -rf "$RES"
# Step 0 is the baseline every later step's warnings are judged against,
# so it compiles every object: a build directory left by an earlier run
# (another series, or a run cut short) would keep objects whose warnings
# step 0 never prints, and the first step that recompiles them would be
# blamed for them.
rm -rf "$LAB_CACHE/builds/$KVER/perpatch-$CONFIG${LAB_LLVM:+-llvm}"
mkdir -p "$RES" "$(dirname "$PASSED")"
printf 'step\tpatch\toutcome\tseconds\tobjects\tnew_warnings\n' >"$RES/results.tsv"
: >"$RES/seen.warnings"
t0=$(date +%s)
failed=
for step in $(seq 0 "$N"); do
	if [ "$step" = 0 ]; then patch="(unfixed tree)"; else patch=$(patch_subject "${PATCHES[$((step - 1))]}"); fi
	log per-patch "$KVER $CONFIG${LAB_LLVM:+ (clang)}: step $step of $N: $patch ($(($(date +%s) - t0))s so far)"
	t=$(date +%s)
	outcome=ok
	# build.sh's progress goes on to stderr, and into stepN.err.
	if ! out=$(PERPATCH_STEP=$step "$LAB_ROOT/lab/build.sh" "$KVER" perpatch "$CONFIG" 2> >(tee "$RES/step$step.err" >&2)); then
		outcome="does not build"
		out=$LAB_CACHE/builds/$KVER/perpatch-$CONFIG${LAB_LLVM:+-llvm}
	fi
	cp "$out/build.log" "$RES/step$step.log" 2>/dev/null || cp "$RES/step$step.err" "$RES/step$step.log"
	objs=$(grep -c -E '^  (CC|AS)( \[M\])? ' "$RES/step$step.log" || true)
	new=
	if [ "$outcome" = ok ] && [ "$step" -gt 0 ] && ! new=$("$LAB_ROOT/lab/warnings-judge.sh" "$RES/seen.warnings.log" "$RES/step$step.log" 2>/dev/null); then
		outcome="new W=1 warning"
	fi
	[ "$outcome" = ok ] && new=""
	# What this step's build printed joins what the earlier ones did.
	grep -iE '(warning|error):' "$RES/step$step.log" >>"$RES/seen.warnings.log" || true
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$step" "$patch" "$outcome" "$(($(date +%s) - t))" "$objs" \
		"$(echo "$new" | paste -sd ';' -)" >>"$RES/results.tsv"
	if [ "$outcome" != ok ]; then
		failed+="step $step ($patch): $outcome; "
		log per-patch "$KVER $CONFIG: step $step: $outcome (log: $RES/step$step.log)"
		[ "$outcome" = "does not build" ] && break
	fi
done
column -t -s $'\t' "$RES/results.tsv" >&2 || true
[ -z "$failed" ] || die "$NAME: $failed(results: $RES/results.tsv)" \
	"build that step alone: PERPATCH_STEP=N bash lab/build.sh $KVER perpatch $CONFIG; fix the patch in make tree KVER=$KVER"
echo "$key" >"$PASSED"
log per-patch "$KVER $CONFIG${LAB_LLVM:+ (clang)}: all $N patches build on their own with no new W=1 warning, $(($(date +%s) - t0))s"
