#!/usr/bin/env bash
# build.sh KVER VARIANT [CONFIG]
#   KVER    7.3 | 6.12
#   VARIANT base (the pristine tree) | patched (the tree with the series)
#           | nofence (the series without its fence at task switch)
#           | stable (the series' stable part alone)
#           | scsreload, nocheckfence (planted defects, see derived_tree)
#           | perpatch (the series' first PERPATCH_STEP patches, 0 = none,
#             in one worktree and build directory for every step, so that
#             stepping through the series builds incrementally; with W=1:
#             lab/per-patch.sh)
#           | counted (the series and the lab's fence counters, lab/count/)
#   CONFIG  lab (default) | vector (lab + config/vector.config)
#           | distro (lab + config/distro.config: Debian's riscv64 options)
#           | hunt (distro + config/hunt.config: BPF, kprobe events, KVM)
#           | ctrcu (lab + config/ctrcu.config: context tracking on every
#             CPU, PROVE_RCU)
#           (with the series, lab, vector and distro add config/kunit.config)
#           | rv32 (config/rv32.config, build checks only)
#           | nommu (the tree's nommu_virt_defconfig, build checks only)
#
# Builds out of tree into $LAB_CACHE/builds/KVER/VARIANT-CONFIG and prints
# that directory on stdout. The build is skipped when nothing that goes into
# it changed (tree version, source state, fragments, toolchain); otherwise
# kbuild rebuilds incrementally. Every option the fragments ask for is
# checked in the final .config.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-}
VARIANT=${2:-}
CONFIG=${3:-lab}
kver_check "$KVER"

TOP=$LAB_CACHE/trees/$KVER

# derived_tree NAME: $TOP/NAME, the pristine tree with the series applied
# again, changed as NAME says; re-made when the series (or the lab patch)
# changes.
#   nofence  without the fence at task switch (patch 4's branch to it in
#            __switch_to is deleted; the later patches build on patch 4):
#            would the other checks see that fence missing?
#   stable   only the series' stable part: its leading patches tagged
#            Cc: stable (lib.sh stable_patches), what a stable backport
#            takes
#   scsreload  a planted defect: every trap that finds sscratch set reloads
#            the shadow call stack pointer (the series before it tested
#            sepc), so a trap nested in the handler of a trap from the exit
#            path runs over that handler's frames (W1-nest, LAB_LLVM=1)
#   counted  plus lab/count/fence-counters-KVER.patch, the lab's counters
#            of new mappings and fences (lab/flushes.sh); never in series/
#   perpatch the first PERPATCH_STEP patches of the series
#   nocheckfence  a planted defect: the entry check answers a fault it
#            explains without its sfence.vma (the first of entry.S's two;
#            the other is the switch fence), so the retry meets the same
#            stale entry: the QEMU model with x-stale-tlb-persist must kill it
derived_tree() {
	local name=$1 wt=$TOP/$1 repo p h extra= patches commit
	repo=$(kernel_repo "$KVER")
	[ "$name" != counted ] || extra=$LAB_ROOT/lab/count/fence-counters-$KVER.patch
	# Made again for a new tree version too: fetch.sh replaced the repository.
	h=$({ series_hash "$KVER"; cat "$TOP/version"; echo "$name v2 ${PERPATCH_STEP:-}"; [ -z "$extra" ] || cat "$extra"; } |
		sha256sum | cut -c1-16)
	[ "$(cat "$wt.applied" 2>/dev/null)" != "$h" ] || return 0
	case "$name" in
	stable) patches=$(stable_patches "$KVER") ;;
	perpatch)
		mapfile -t patches < <(series_patches "$KVER")
		patches=$(printf '%s\n' "${patches[@]:0:${PERPATCH_STEP:?}}")
		;;
	*) patches=$(series_patches "$KVER") ;;
	esac
	[ -n "$patches" ] || [ "$name" = perpatch ] || die "no patches for the $name tree of $KVER" "look at $(series_dir "$KVER")/series"
	# The commits are made in an index of their own (git apply --cached),
	# and the worktree is then moved to the last one: a checkout rewrites
	# only the files that differ from what the worktree had, so kbuild
	# rebuilds only what the change reaches, not the whole tree.
	local idx
	idx=$(mktemp)
	export GIT_INDEX_FILE=$idx
	git -C "$repo" read-tree lab-base
	commit=$(git -C "$repo" rev-parse lab-base)
	for p in $patches; do
		git -C "$repo" apply --cached "$p" >&2 ||
			die "$(basename "$p") does not apply in the $name tree" "git -C $repo apply --check $p"
		lab_commit "$(patch_subject "$p")"
	done
	case "$name" in
	nofence)
		entry_delete 1 '^\tbltu\ta6, a3, \.Lswitch_to_fence$' "the branch to .Lswitch_to_fence in __switch_to" \
			"lab: no fence at task switch"
		;;
	nocheckfence)
		entry_delete 2 '^\tsfence\.vma$' "sfence.vma (the entry check's, then the switch fence's)" \
			"lab: the entry check retries without a fence" first
		;;
	scsreload)
		entry_delete 4 '^\t(la s5, (\.Lrestore_regs|ret_from_exception_end)|bltu s2, s5, \.Lscs_loaded|bgeu s2, s5, \.Lscs_loaded)$' \
			"the test of sepc before the shadow call stack reload (after .Lsave_context)" \
			"lab: reload the shadow call stack on every trap with sscratch set"
		;;
	esac
	if [ -n "$extra" ]; then
		git -C "$repo" apply --cached "$extra" >&2 ||
			die "${extra#"$LAB_ROOT/"} does not apply on the series" "remake it on the new series: make tree, edit, git diff"
		lab_commit "lab: count new mappings and fences"
	fi
	unset GIT_INDEX_FILE
	rm -f "$idx" "$idx.file"
	if git -C "$wt" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		git -C "$wt" checkout -q -f --detach "$commit" >&2
	else
		git -C "$repo" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
		git -C "$repo" worktree prune
		git -C "$repo" worktree add -q -f --detach "$wt" "$commit" >&2
	fi
	echo "$h" >"$wt.applied"
}

# lab_commit MESSAGE: commit derived_tree's index on $commit.
lab_commit() {
	commit=$(git -C "$repo" -c user.name=lab -c user.email=lab@localhost \
		commit-tree "$(git -C "$repo" write-tree)" -p "$commit" -m "$1")
}

# entry_delete N RE WHAT MESSAGE [first]: delete the N lines of entry.S
# that match RE (grep -P, sed -E), or with "first" only the first of them,
# in derived_tree's index, and commit: a planted defect.
entry_delete() {
	local es=arch/riscv/kernel/entry.S script="/$2/d"
	[ "${5:-}" != first ] || script="0,/$2/{/$2/d}"
	[ "$(git -C "$repo" show ":$es" | grep -c -P "$2")" = "$1" ] ||
		die "$es has not $1 line(s) of $3: the $name tree cannot be made" \
			"look at that code in the series and update derived_tree in lab/build.sh"
	index_sed "$es" "$script"
	lab_commit "$4"
}

# index_sed FILE SCRIPT: edit FILE in derived_tree's index with sed -E.
index_sed() {
	local mode blob
	mode=$(git -C "$repo" ls-files -s -- "$1" | cut -d' ' -f1)
	git -C "$repo" show ":$1" | sed -E "$2" >"$idx.file"
	blob=$(git -C "$repo" hash-object -w "$idx.file")
	git -C "$repo" update-index --cacheinfo "$mode,$blob,$1"
}

case "$VARIANT" in
base) SRC=$(kernel_repo "$KVER") ;;
patched)
	"$LAB_ROOT/lab/tree.sh" "$KVER" --auto >&2
	SRC=$TOP/patched
	;;
nofence | stable | scsreload | counted | perpatch | nocheckfence)
	derived_tree "$VARIANT"
	SRC=$TOP/$VARIANT
	;;
*) die "unknown VARIANT '$VARIANT'" "use base, patched, nofence, stable, scsreload, counted, perpatch or nocheckfence" ;;
esac

# BASECFG: what the fragments are merged over, in allnoconfig mode (-n);
# the tree's own defconfig is merged in defconfig mode and not verified.
BASECFG=kernel/configs/tiny-base.config
MODE=-n
VERIFY=1
case "$CONFIG" in
lab) FRAGS=("$LAB_ROOT/config/lab.config") ;;
vector) FRAGS=("$LAB_ROOT/config/lab.config" "$LAB_ROOT/config/vector.config") ;;
distro) FRAGS=("$LAB_ROOT/config/lab.config" "$LAB_ROOT/config/distro.config") ;;
hunt) FRAGS=("$LAB_ROOT/config/lab.config" "$LAB_ROOT/config/distro.config" "$LAB_ROOT/config/hunt.config") ;;
ctrcu) FRAGS=("$LAB_ROOT/config/lab.config" "$LAB_ROOT/config/ctrcu.config") ;;
rv32) FRAGS=("$LAB_ROOT/config/rv32.config") ;;
nommu) FRAGS=("$(kernel_repo "$KVER")/arch/riscv/configs/nommu_virt_defconfig") BASECFG= MODE= VERIFY= ;;
*) die "unknown CONFIG '$CONFIG'" "use lab, vector, distro, hunt, ctrcu, rv32 or nommu (see config/)" ;;
esac
# The series' KUnit suite, where a kernel with the series boots (the
# stable part has none).
if [[ ! $VARIANT =~ ^(base|stable|perpatch)$ ]] && [[ $CONFIG =~ ^(lab|vector|distro|hunt)$ ]]; then
	FRAGS+=("$LAB_ROOT/config/kunit.config")
	# v7.3 has kunit.autorun, which allnoconfig turns off; 6.12 has none.
	[ "$KVER" != 7.3 ] || FRAGS+=("$LAB_ROOT/config/kunit-7.3.config")
fi
if [ "${LAB_LLVM:-}" = 1 ] && [ -n "$VERIFY" ] && [ "$CONFIG" != rv32 ]; then
	FRAGS+=("$LAB_ROOT/config/llvm.config")
fi

OUT=$LAB_CACHE/builds/$KVER/$VARIANT-$CONFIG${LAB_LLVM:+-llvm}
# A new tree version (the archive moved) starts from an empty build: the
# import gives files the tarball's dates, older than the objects of the
# previous version, and kbuild would keep those objects.
version=$(cat "$TOP/version")
if [ -d "$OUT" ] && [ "$(cat "$OUT/.lab-version" 2>/dev/null)" != "$version" ]; then
	log build "$KVER $VARIANT ($CONFIG): the tree is now $version: building from scratch"
	rm -rf "$OUT"
fi
mkdir -p "$OUT"
echo "$version" >"$OUT/.lab-version"
KMAKE=(make -C "$SRC" O="$OUT" ARCH=riscv "${TOOLCHAIN[@]}" -j"$(nproc)")
# perpatch builds with W=1, and its modules too: lab/per-patch.sh judges
# every step's warnings.
TARGETS=(Image)
if [ "$VARIANT" = perpatch ]; then
	KMAKE+=(W=1)
	TARGETS+=(modules)
fi

# What goes into the build: the source tree's content (the tree id, not the
# commit id, which git am changes on every re-application of the series).
src_state() {
	git -C "$SRC" rev-parse 'HEAD^{tree}'
	git -C "$SRC" status --porcelain --untracked-files=no
	git -C "$SRC" diff HEAD | sha256sum
}
key=$({
	cat "$TOP/version"
	src_state
	cat "${FRAGS[@]}"
	[ "$VARIANT" != perpatch ] || echo "${TARGETS[*]} W=1"
	toolchain_version
} | sha256sum | cut -c1-16)

if [ -f "$OUT/arch/riscv/boot/Image" ] && [ "$(cat "$OUT/.lab-key" 2>/dev/null)" = "$key" ]; then
	log build "$KVER $VARIANT ($CONFIG): up to date ($OUT)"
	echo "$OUT"
	exit 0
fi
rm -f "$OUT/.lab-key"

# Configuration: tiny-base in allnoconfig mode plus our fragments.
fraghash=$(cat "${FRAGS[@]}" | sha256sum | cut -c1-16)
if [ "$(cat "$OUT/.lab-fraghash" 2>/dev/null)" != "$fraghash" ] || [ ! -f "$OUT/.config" ]; then
	log build "$KVER $VARIANT ($CONFIG): configuring"
	(cd "$SRC" && env ARCH=riscv "${TOOLCHAIN[@]}" \
		scripts/kconfig/merge_config.sh $MODE -O "$OUT" $BASECFG "${FRAGS[@]}") \
		>"$OUT/config.log" 2>&1 || {
		tail_log "$OUT/config.log"
		die "configuring $KVER $VARIANT failed (log: $OUT/config.log)"
	}
	echo "$fraghash" >"$OUT/.lab-fraghash"
fi

# Every requested option must be in the final .config as asked (the last
# fragment that names an option wins, as in merge_config.sh).
[ -z "$VERIFY" ] || "$LAB_ROOT/lab/config-verify.sh" "$OUT/.config" "${FRAGS[@]}" ||
	die "Kconfig dropped options of config/ for $KVER $VARIANT (.config: $OUT/.config)" \
		"a dependency is missing: look the option up in $SRC with 'make menuconfig' and add what it depends on"

log build "$KVER $VARIANT ($CONFIG): compiling in $OUT"
t=$(date +%s)
"${KMAKE[@]}" "${TARGETS[@]}" >"$OUT/build.log" 2>&1 &
pid=$!
last=$t
while kill -0 "$pid" 2>/dev/null; do
	sleep 2
	if [ $(($(date +%s) - last)) -ge 30 ] && kill -0 "$pid" 2>/dev/null; then
		last=$(date +%s)
		log build "$KVER $VARIANT ($CONFIG): $(grep -c -E '^  (CC|AS)' "$OUT/build.log" || true) objects so far, $((last - t))s"
	fi
done
if ! wait "$pid"; then
	grep -E 'error|Error' "$OUT/build.log" | head -n 15 >&2 || true
	tail_log "$OUT/build.log"
	die "building $KVER $VARIANT ($CONFIG) failed (log: $OUT/build.log)" \
		"fix the error in $SRC, or run make tree KVER=$KVER to work on the series"
fi
echo "$key" >"$OUT/.lab-key"
log build "$KVER $VARIANT ($CONFIG): built in $(($(date +%s) - t))s"
echo "$OUT"
