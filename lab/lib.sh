# shellcheck shell=bash
# Common helpers for the lab scripts. Source it; do not run it.
#
# Conventions:
#   - every script runs with `set -euo pipefail`;
#   - progress lines go to stderr as "[lab +MM:SS] step: message";
#   - a failure says what failed, where the log is and what to try (die()).

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_CACHE=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmfence-lab}
LAB_OUT=${LAB_OUT:-$LAB_ROOT/out}
LAB_T0=${LAB_T0:-$(date +%s)}
export LAB_ROOT LAB_CACHE LAB_OUT LAB_T0
# The KTAP writer (ktap_header, ktap_pass, ...): lab/ktap.sh.
. "$LAB_ROOT/lab/ktap.sh"

CROSS_COMPILE=${CROSS_COMPILE:-riscv64-linux-gnu-}
export CROSS_COMPILE

# LAB_LLVM=1: kernels are built with Debian's clang-19 and lld-19 (kbuild's
# LLVM=-19) instead of the cross gcc, into builds/KVER/VARIANT-CONFIG-llvm,
# with config/llvm.config (what only clang builds, e.g. the shadow call
# stack) merged last for the bootable configs. Guest programs stay gcc.
# TOOLCHAIN: the kbuild arguments that pick the compiler.
if [ "${LAB_LLVM:-}" = 1 ]; then
	TOOLCHAIN=(LLVM=-19)
else
	TOOLCHAIN=(CROSS_COMPILE="$CROSS_COMPILE")
fi

# toolchain_version: one line naming the kernel compiler.
toolchain_version() {
	if [ "${LAB_LLVM:-}" = 1 ]; then clang-19 --version | head -n 1; else "${CROSS_COMPILE}gcc" --version | head -n 1; fi
}

_lab_elapsed() {
	local s=$(($(date +%s) - LAB_T0))
	printf '%02d:%02d' $((s / 60)) $((s % 60))
}

# log STEP MESSAGE...: one progress line on stderr.
log() {
	local step=$1
	shift
	printf '[lab +%s] %s: %s\n' "$(_lab_elapsed)" "$step" "$*" >&2
}

# die MESSAGE [HINT]: print a clear error and exit 1.
die() {
	printf '[lab +%s] ERROR: %s\n' "$(_lab_elapsed)" "$1" >&2
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		printf '[lab] try: %s\n' "$2" >&2
	fi
	exit 1
}

# tail_log FILE [N]: show the last N lines of a log, indented.
tail_log() {
	local f=$1 n=${2:-25}
	[ -f "$f" ] || return 0
	printf '[lab] last %d lines of %s:\n' "$n" "$f" >&2
	tail -n "$n" "$f" | sed 's/^/    | /' >&2
}

# run_logged STEP LOGFILE CMD...: run CMD with output to LOGFILE; on failure
# show the log tail and die. Prints elapsed time for the step.
run_logged() {
	local step=$1 logf=$2
	shift 2
	local t=$(date +%s)
	mkdir -p "$(dirname "$logf")"
	if ! "$@" >"$logf" 2>&1; then
		tail_log "$logf" 30
		die "$step failed (log: $logf)" "read the log; rerun the same make target after fixing"
	fi
	log "$step" "done in $(($(date +%s) - t))s (log: $logf)"
}

# kver_check KVER: only the two bases are known.
kver_check() {
	case "${1:-}" in
	7.3 | 6.12) ;;
	*) die "unknown KVER '${1:-}'" "use KVER=7.3 (mainline) or KVER=6.12 (Debian linux-source-6.12)" ;;
	esac
}

# series_dir KVER: the patch series folder for a tree.
# (LAB_SERIES overrides the series root; the lab's own tests use it.)
series_dir() {
	case "$1" in
	7.3) echo "${LAB_SERIES:-$LAB_ROOT/series}/mainline" ;;
	6.12) echo "${LAB_SERIES:-$LAB_ROOT/series}/6.12" ;;
	esac
}

# series_patches KVER: the patch files listed in the series file, in order
# (comments and blank lines ignored), as absolute paths.
series_patches() {
	local d
	d=$(series_dir "$1")
	[ -f "$d/series" ] || return 0
	local p
	while IFS= read -r p; do
		p=${p%%#*}
		p=$(echo "$p" | tr -d '[:space:]')
		[ -n "$p" ] || continue
		[ -f "$d/$p" ] || die "series file $d/series lists '$p', which does not exist" "fix the series file or run make export KVER=$1"
		echo "$d/$p"
	done <"$d/series"
}

# qemu_series_patches DIR: the patches of a QEMU model series (qemu/,
# qemu/next/, a planted copy), in order, without the cover letter.
qemu_series_patches() {
	local p
	for p in "$1"/[0-9]*.patch; do
		[ -f "$p" ] || continue
		[[ $p == *-cover-letter.patch ]] || echo "$p"
	done
}

# qemu_series_subjects DIR: their subjects, a line each.
qemu_series_subjects() {
	local p
	for p in $(qemu_series_patches "$1"); do patch_subject "$p"; done
}

# stable_patches KVER: the series' stable part, its leading patches that
# carry "Cc: stable@vger.kernel.org" (what a stable backport takes).
stable_patches() {
	local p
	for p in $(series_patches "$1"); do
		grep -q '^Cc: stable@vger.kernel.org' "$p" || break
		echo "$p"
	done
}

# person_identity NAME EMAIL: true if NAME <EMAIL> can be a person's: a name,
# and an address someone reads (not noreply, not a reserved or example
# domain). lab/submission.sh sends nothing as anyone else.
person_identity() {
	[ -n "$1" ] && [ -n "$2" ] || return 1
	! [[ $2 =~ (noreply|no-reply|@localhost$|@example\.(com|org|net)$|\.(example|invalid|test|localhost|local)$) ]]
}

# The checkpatch message types the lab ignores, each checked another way
# (lab/series-check.sh says how); b4 prep --check is run with the same.
CHECKPATCH_IGNORE=UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES,PREFER_LORE_ARCHIVE

# patch_subject PATCH: its subject, unfolded, without "[PATCH n/m]".
patch_subject() {
	awk '/^Subject: /{s=substr($0,10); while ((getline l) > 0 && l ~ /^ /) s=s l; print s; exit}' "$1" |
		sed 's/^\[PATCH[^]]*\] //'
}

# cover_text COVER: the cover letter's subject (unfolded, without "[PATCH
# 0/N] "), a blank line, then its body up to the shortlog ("Author (N):"):
# the branch description tree.sh keeps, the text b4 prep takes.
cover_text() {
	awk '
		hdr && /^Subject: / { subj = substr($0, 10); insub = 1; next }
		hdr && insub && /^[ \t]/ { sub(/^[ \t]+/, " "); subj = subj $0; next }
		hdr { insub = 0 }
		hdr && /^$/ { hdr = 0; sub(/^\[[^]]*\] */, "", subj); print subj; print ""; next }
		!hdr && /^.+ \([0-9]+\):$/ { exit }
		!hdr { body = body $0 "\n" }
		END { printf "%s", body }
	' hdr=1 "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# series_hash KVER: a hash of the series content (order and bytes).
series_hash() {
	local p
	{
		for p in $(series_patches "$1"); do
			basename "$p"
			cat "$p"
		done
	} | sha256sum | cut -c1-16
}

# lab_ready KVER: the packages (setup.sh) and the newest tree of the line
# (fetch.sh); both quick when nothing changed.
# (Called inside $(...), where bash drops set -e: a failed step returns at
# once, tests/test-run.sh.)
lab_ready() {
	"$LAB_ROOT/lab/setup.sh" >&2 || return
	"$LAB_ROOT/lab/fetch.sh" "$1" >&2
}

# lab_kernel KVER VARIANT [CONFIG]: a kernel to boot, from whatever this
# machine has: lab_ready, then build.sh (which applies the series, once,
# for the variants that have it). Prints the build directory.
lab_kernel() {
	lab_ready "$1" || return
	"$LAB_ROOT/lab/build.sh" "$@"
}

# kernel_repo KVER: the git repository holding the pristine tree.
kernel_repo() { echo "$LAB_CACHE/trees/$1/repo"; }

# kunit_suite BUILD: the KUnit suite of the series built into BUILD
# (config/kunit.config), which every verdict of a boot of it must judge
# (VERDICT_KUNIT, lab/verdict.sh); nothing if BUILD has none.
kunit_suite() {
	! grep -q '^CONFIG_RISCV_NEW_MAPPING_KUNIT=y' "$1/.config" 2>/dev/null || echo riscv_new_mapping
}

# tree_version KVER: the exact Debian version the repo was made from.
tree_version() {
	local f
	f="$LAB_CACHE/trees/$1/version"
	[ -f "$f" ] && cat "$f" || echo unknown
}

# The lab's one QEMU machine: virt with OpenSBI, serial console on stdio.
OPENSBI_FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

# qemu_cpu CONFIG: the -cpu of a kernel config (a vector unit for the configs
# with RISCV_ISA_V), unless QEMU_CPU says otherwise.
qemu_cpu() {
	case "${QEMU_CPU:-}:${1:-lab}" in
	:vector | :distro) echo "rv64,v=true" ;;
	:hunt) echo "rv64,v=true,h=true" ;;
	:*) echo rv64 ;;
	*) echo "$QEMU_CPU" ;;
	esac
}

# qemu_cmd IMAGE INITRD APPEND [QMP_SOCKET]: the command line, in the array
# QEMU_CMD. Environment:
#   SMP (4), MEM (1G), QEMU_CPU (rv64), QEMU_EXTRA (more arguments);
#   QEMU=system (Debian's qemu-system-riscv64) or QEMU=model (lab/qemu.sh's
#   build, with the x-stale-tlb model of a hart that caches invalid
#   translations switched on: MODEL_ENTRIES (256, 0 = off), MODEL_HIT_PCT (5),
#   MODEL_PREFETCH (4: blocks of 16 PTEs), MODEL_SEED (1), MODEL_PERSIST (on:
#   an entry that raised a fault raises one on every access until a fence;
#   off: every access chooses again, the model before issue 21), MODEL_USER
#   (off: on adds U-mode accesses and the lower half)).
# QMP_SOCKET: a QMP server there (the model's counters are read through it).
# QEMU_TRACE=FILE: under the model, the trap of every fault the model raised
# (riscv_stale_tlb_trap: hart, epc, address) is logged to FILE; so are the
# model's other trace events named in MODEL_TRACE_MORE (e.g.
# riscv_stale_tlb_fence: every sfence.vma, what it named and dropped).
qemu_cmd() {
	local image=$1 initrd=$2 append=$3 qmp=${4:-} bin=qemu-system-riscv64 cpu trace=()
	cpu=${QEMU_CPU:-rv64}
	case "${QEMU:-system}" in
	system) ;;
	model)
		bin=$("$LAB_ROOT/lab/qemu.sh") || die "no QEMU model build" "bash lab/qemu.sh"
		cpu+=",svvptc=false,x-stale-tlb=${MODEL_ENTRIES:-256},x-stale-tlb-hit-pct=${MODEL_HIT_PCT:-5}"
		cpu+=",x-stale-tlb-prefetch=${MODEL_PREFETCH:-4},x-stale-tlb-seed=${MODEL_SEED:-1}"
		cpu+=",x-stale-tlb-persist=${MODEL_PERSIST:-on},x-stale-tlb-user=${MODEL_USER:-off}"
		local ev
		for ev in riscv_stale_tlb_trap ${MODEL_TRACE_MORE:-}; do
			[ -z "${QEMU_TRACE:-}" ] || trace+=(-trace "$ev")
		done
		[ -z "${QEMU_TRACE:-}" ] || trace+=(-D "$QEMU_TRACE")
		;;
	*) die "unknown QEMU=${QEMU}" "QEMU=system (Debian's) or QEMU=model (lab/qemu.sh)" ;;
	esac
	# shellcheck disable=SC2206
	QEMU_CMD=("$bin" -machine virt,acpi=off -cpu "$cpu" -smp "${SMP:-4}" -m "${MEM:-1G}"
		-nographic -no-reboot -bios "$OPENSBI_FW" -kernel "$image" -initrd "$initrd"
		-append "$append" ${qmp:+-qmp "unix:$qmp,server=on,wait=off"} "${trace[@]}" ${QEMU_EXTRA:-})
}

# text_symbols VMLINUX: its text symbols, "ADDR NAME" a line in address
# order, for lab/symbols.awk.
text_symbols() { "${CROSS_COMPILE}nm" -n "$1" | awk 'NF == 3 && $2 ~ /^[tT]$/ { print $1, $3 }'; }

# qemu_describe: one line naming the QEMU of qemu_cmd and the model's settings.
qemu_describe() {
	if [ "${QEMU:-system}" = model ]; then
		echo "$(cat "$(dirname "$("$LAB_ROOT/lab/qemu.sh")")/version"), x-stale-tlb=${MODEL_ENTRIES:-256} hit-pct=${MODEL_HIT_PCT:-5} prefetch=${MODEL_PREFETCH:-4} seed=${MODEL_SEED:-1} persist=${MODEL_PERSIST:-on} user=${MODEL_USER:-off}"
	else
		qemu-system-riscv64 --version | head -n 1
	fi
}

# A kernel death on a console (one line of it): what makes a model run
# "died" (lab/model.sh, lab/model-judge.sh) and what the soak counts as
# Oopses (lab/soak.sh). Any trouble at all: lab/trouble.re.
KERNEL_DEATH_RE='\] (Oops|Kernel panic|Unable to handle kernel|kernel BUG)'
