#!/usr/bin/env bash
# Install, from Debian packages, everything the lab needs. Idempotent: when
# every package is present it returns in well under a second.
#
# QEMU and OpenSBI come from <codename>-backports when the system's own ones
# are too old (bookworm's QEMU 7.2 only emits the deprecated riscv,isa string,
# which 7.x kernels reject without CONFIG_RISCV_ISA_FALLBACK).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_ROOT/lab/apt.sh"

# Packages from the system's own suites.
BASE_PKGS=(
	gcc-riscv64-linux-gnu libc6-dev-riscv64-cross binutils-riscv64-linux-gnu
	gdb-multiarch
	make gcc flex bison bc libssl-dev libelf-dev cpio rsync kmod xz-utils
	git python3 perl curl
	python3-ply python3-git
	# clang builds (LLVM=-19): v7.3 needs LLVM >= 17, bookworm's default
	# clang is 14; 19 also builds CONFIG_SHADOW_CALL_STACK for riscv.
	clang-19 lld-19 llvm-19
	# What reviewers and bots run on a posted series (issue 22): sparse
	# (lab/sparse-tool.sh builds a newer one where a tree needs it), the
	# documentation (Sphinx), quilt for Debian's patch form, and b4's
	# dependency that bookworm has (b4 itself below).
	sparse quilt python3-sphinx python3-sphinx-rtd-theme python3-yaml git-filter-repo
)
# Packages preferred from backports (with the minimum version we accept).
BPO_PKGS=(qemu-system-riscv opensbi)
QEMU_MIN=10
OPENSBI_MIN=1.5
# b4 prep --check came with b4 0.14; bookworm has 0.12. The newest b4 of the
# archive (lab/apt.sh) that this system's apt can satisfy is installed.
B4_MIN=0.14

have_pkg() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true
}

qemu_ok() {
	command -v qemu-system-riscv64 >/dev/null || return 1
	local v
	v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ "${v:-0}" -ge "$QEMU_MIN" ]
}

opensbi_ok() {
	[ -f "$OPENSBI_FW" ] || return 1
	local v
	v=$(pkg_version opensbi)
	dpkg --compare-versions "${v:-0}" ge "$OPENSBI_MIN"
}

missing=()
for p in "${BASE_PKGS[@]}"; do
	have_pkg "$p" || missing+=("$p")
done

b4_ok() {
	dpkg --compare-versions "$(pkg_version b4)" ge "$B4_MIN"
}

if [ ${#missing[@]} -eq 0 ] && qemu_ok && opensbi_ok && b4_ok; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
SETUP_LOG=$LAB_CACHE/logs/setup.log
mkdir -p "$(dirname "$SETUP_LOG")"
: >"$SETUP_LOG"

if [ ${#missing[@]} -gt 0 ]; then
	log setup "installing ${missing[*]}"
	apt-get update >>"$SETUP_LOG" 2>&1 || {
		tail_log "$SETUP_LOG"
		die "apt-get update failed (log: $SETUP_LOG)" "check the network and the apt configuration"
	}
	if ! apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >>"$SETUP_LOG" 2>&1; then
		tail_log "$SETUP_LOG"
		die "could not install: ${missing[*]} (log: $SETUP_LOG)" "apt-get install ${missing[*]} by hand to see why"
	fi
fi

if ! qemu_ok || ! opensbi_ok; then
	bpo=$(apt_codename)-backports
	log setup "installing ${BPO_PKGS[*]} from $bpo"
	# A one-suite source list beside the system's, used only for this install.
	mkdir -p "$LAB_CACHE/apt"
	echo "deb $(apt_mirror) $bpo main" >"$LAB_CACHE/apt/backports.list"
	bopt=(-o "Dir::Etc::sourcelist=$LAB_CACHE/apt/backports.list")
	apt-get "${bopt[@]}" update >>"$SETUP_LOG" 2>&1 || {
		tail_log "$SETUP_LOG"
		die "apt-get update with $bpo failed (log: $SETUP_LOG)" "check that the mirror carries $bpo"
	}
	if ! apt-get "${bopt[@]}" -o DPkg::Lock::Timeout=600 install -y --no-install-recommends -t "$bpo" "${BPO_PKGS[@]}" >>"$SETUP_LOG" 2>&1; then
		log setup "$bpo install failed; trying the system's own ${BPO_PKGS[*]}"
		apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends qemu-system-misc opensbi >>"$SETUP_LOG" 2>&1 || {
			tail_log "$SETUP_LOG"
			die "could not install QEMU/OpenSBI (log: $SETUP_LOG)" "apt-get install qemu-system-misc opensbi"
		}
	fi
fi

if ! b4_ok; then
	# Each version the archive has, newest first, until one installs.
	lab_apt_update
	dl=$LAB_CACHE/downloads
	mkdir -p "$dl"
	for v in $(lab_apt_cache show b4 2>/dev/null | sed -n 's/^Version: //p' | sort -u -r -V); do
		dpkg --compare-versions "$v" ge "$B4_MIN" || continue
		deb=$dl/b4_${v}_all.deb
		[ -s "$deb" ] || (lab_apt_download b4 all "$v" "$deb") >>"$SETUP_LOG" 2>&1 || continue
		if apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$deb" >>"$SETUP_LOG" 2>&1; then
			log setup "installed b4 $v (Debian's, from the archive)"
			break
		fi
		log setup "b4 $v does not install here (its dependencies); trying an older one"
	done
	b4_ok || die "no b4 >= $B4_MIN installs here (log: $SETUP_LOG)" "apt-cache policy b4; b4 prep --check needs $B4_MIN"
fi

qemu_ok || log setup "WARNING: QEMU older than $QEMU_MIN; kernels then need CONFIG_RISCV_ISA_FALLBACK=y"
log setup "ready: $(qemu-system-riscv64 --version | head -n 1), opensbi $(pkg_version opensbi), $(${CROSS_COMPILE}gcc --version | head -n 1), gdb-multiarch $(pkg_version gdb-multiarch)"
