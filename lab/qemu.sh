#!/usr/bin/env bash
# qemu.sh: build the QEMU model (qemu-system-riscv64 with the patches of
# qemu/ applied) and print the path of its binary on stdout.
#
# The source is the orig tarball of the QEMU Debian ships to this machine
# (the installed qemu-system-riscv package's upstream version), fetched
# through the mirror apt is configured with and checked against the signed
# Sources index. It is imported into git (tag lab-base, fixed identity, so
# the same tarball gives the same commit id), the series qemu/*.patch is
# applied with `git am`, and only riscv64-softmmu is built. Tarball, tree and
# build are cached under $LAB_CACHE/qemu; a build is reused while the series
# is unchanged.
#   LAB_QEMU_SERIES=DIR   another series (the lab's tests plant defects;
#                         qemu/next/ is the series rebased for posting)
#   LAB_QEMU_SOURCE=VER   build on that Debian source version of qemu
#                         instead of the installed one (with a series
#                         rebased on it)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_ROOT/lab/apt.sh"

TOP=$LAB_CACHE/qemu
DL=$LAB_CACHE/downloads
mkdir -p "$TOP" "$DL"

# The version of the installed QEMU (lab/setup.sh installs it): the model is
# the same QEMU with the model's patches, so the two can be compared.
bash "$LAB_ROOT/lab/setup.sh"
pkgver=${LAB_QEMU_SOURCE:-$(dpkg-query -W -f='${Version}' qemu-system-riscv 2>/dev/null || true)}
[ -n "$pkgver" ] || pkgver=$(dpkg-query -W -f='${Version}' qemu-system-misc)
upstream=${pkgver#*:}
upstream=${upstream%-*}
orig=qemu_${upstream}.orig.tar.xz

mapfile -t patches < <(qemu_series_patches "${LAB_QEMU_SERIES:-$LAB_ROOT/qemu}")
hash=$(cat /dev/null "${patches[@]}" | sha256sum | cut -c1-16)
# One build directory per QEMU version (incremental: a change to the series
# rebuilds only what it touches), one binary per series.
BUILD=$TOP/build-$upstream
BIN=$TOP/bin/$upstream-$hash/qemu-system-riscv64
LOGS=$TOP/logs-$upstream
mkdir -p "$LOGS"

# apply_series WT: WT (a worktree of the import) at lab-base with the series
# applied, recorded in WT/.lab-series (untracked).
apply_series() {
	local wt=$1
	[ "$(cat "$wt/.lab-series" 2>/dev/null)" != "$hash" ] || return 0
	# Never throw away what someone edits there (README: edit, commit,
	# git format-patch into the series).
	if [ -n "$(git -C "$wt" status --porcelain --untracked-files=no)" ]; then
		die "$wt has uncommitted changes; applying another series would discard them" \
			"commit them and git format-patch into the series, or git -C $wt reset --hard; then rerun"
	fi
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" checkout -q -f -B lab/model lab-base
	rm -f "$wt/.lab-series"
	[ ${#patches[@]} -eq 0 ] ||
	(cd "$wt" && git -c user.name=lab -c user.email=lab@localhost am -q --keep-cr "${patches[@]}") >"$LOGS/am.log" 2>&1 || {
		tail_log "$LOGS/am.log"
		die "${LAB_QEMU_SERIES:-qemu}/*.patch does not apply to QEMU $upstream (log: $LOGS/am.log)" "rebase the series on $upstream"
	}
	echo "$hash" >"$wt/.lab-series"
}

if [ -x "$BIN" ]; then
	# The tree recorded beside the binary (lab/qemu-test.sh builds the
	# series' test from it) may hold another series since: apply this one.
	src=$(cat "$(dirname "$BIN")/source" 2>/dev/null || true)
	[ -z "$src" ] || apply_series "$src"
	echo "$BIN"
	exit 0
fi

# Build dependencies: QEMU 10 needs meson >= 1.5 (bookworm-backports has
# 1.7) and pycotap; the rest comes from the system's own suites.
qemu_build_deps() {
	local pkgs=(ninja-build pkg-config libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev
		python3-venv flex bison device-tree-compiler) missing=() p bpo
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	local mv
	mv=$(dpkg-query -W -f='${Version}' meson 2>/dev/null || echo 0)
	dpkg --compare-versions "$mv" ge 1.5 || missing+=(meson)
	dpkg-query -W -f='${Status}' python3-pycotap 2>/dev/null | grep -q 'install ok installed' || missing+=(python3-pycotap)
	[ ${#missing[@]} -gt 0 ] || return 0
	log qemu "installing build dependencies: ${missing[*]}"
	bpo=$(apt_codename)-backports
	mkdir -p "$LAB_CACHE/apt"
	echo "deb $(apt_mirror) $bpo main" >"$LAB_CACHE/apt/backports.list"
	local logf=$TOP/deps.log
	# The system's sources (sources.list.d) plus the backports line.
	local bopt=(-o "Dir::Etc::sourcelist=$LAB_CACHE/apt/backports.list")
	{
		apt-get "${bopt[@]}" update &&
			DEBIAN_FRONTEND=noninteractive apt-get "${bopt[@]}" -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
				-t "$bpo" "${missing[@]}"
	} >"$logf" 2>&1 || {
		tail_log "$logf"
		die "could not install QEMU's build dependencies (log: $logf)" "apt-get install -t $bpo meson python3-pycotap"
	}
}

# Download the orig tarball, checked against the Sources index's SHA256.
fetch_orig() {
	[ -s "$DL/$orig" ] && return 0
	lab_apt_update
	local line url sum
	line=$(lab_apt_get source --print-uris "qemu=$pkgver" 2>/dev/null | grep -F " $orig " | head -n 1)
	[ -n "$line" ] || die "the archive does not list $orig for qemu $pkgver" "apt-cache showsrc qemu"
	url=$(echo "$line" | awk '{print $1}' | tr -d "'")
	sum=$(echo "$line" | sed -n 's/.*SHA256:\([0-9a-f]*\).*/\1/p')
	log qemu "downloading $orig (about 40 MB)"
	curl -sSf -o "$DL/$orig.part" "$url" || die "download of $orig failed" "retry; check the mirror"
	echo "$sum  $DL/$orig.part" | sha256sum -c --quiet - || die "$orig: checksum mismatch" "rm $DL/$orig.part and retry"
	mv "$DL/$orig.part" "$DL/$orig"
}

# The pristine tree in git, then a worktree with the series applied.
import_tree() {
	local repo=$TOP/src-$upstream
	if ! git -C "$repo" rev-parse -q --verify lab-base >/dev/null 2>&1; then
		log qemu "importing $orig into git"
		rm -rf "$repo"
		mkdir -p "$repo"
		tar -xJf "$DL/$orig" -C "$repo" --strip-components=1
		(
			cd "$repo"
			git init -q -b lab-base-branch .
			git config gc.auto 0
			export GIT_AUTHOR_NAME="vmfence lab import" GIT_AUTHOR_EMAIL="lab@localhost"
			export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
			export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
			git add -A -f .
			git commit -q -m "Import QEMU $upstream (Debian orig tarball of qemu $pkgver)"
			git tag lab-base
		) >"$LOGS/import.log" 2>&1 || die "git import of QEMU failed (log: $LOGS/import.log)" "check disk space"
	fi
	local wt=$TOP/model-$upstream
	# Reuse the worktree: checking out only changes the files the series
	# touches, so the build stays incremental.
	if ! [ -d "$wt/.git" ] && ! [ -f "$wt/.git" ]; then
		git -C "$repo" worktree prune
		git -C "$repo" worktree add -q -f -B lab/model "$wt" lab-base
	fi
	apply_series "$wt"
	# The +ds repack strips the edk2 firmware blobs, yet meson unpacks them
	# whenever bzip2 is found. Empty stand-ins (untracked, never installed)
	# keep the build going; riscv64 boots with OpenSBI, not edk2.
	local f
	for f in $(sed -n "s/^ *'\(edk2-[^']*\.fd\)',\$/\1/p" "$wt/pc-bios/meson.build"); do
		[ -f "$wt/pc-bios/$f.bz2" ] || bzip2 -c </dev/null >"$wt/pc-bios/$f.bz2"
	done
	echo "$wt"
}

qemu_build_deps
fetch_orig
src=$(import_tree)
log qemu "building qemu-system-riscv64 $upstream with ${#patches[@]} model patches (5 minutes cold on 2 cores, 2 to 3 after a change)"
if [ ! -f "$BUILD/build.ninja" ]; then
	rm -rf "$BUILD"
	mkdir -p "$BUILD"
	(
		cd "$BUILD"
		# The +ds repack has no edk2 blobs (--disable-install-blobs) and no
		# bundled meson (the system's, from backports); configure must not
		# pick up a python of its own from PATH.
		"$src/configure" --python=/usr/bin/python3 --target-list=riscv64-softmmu \
			--disable-docs --disable-werror --without-default-features \
			--enable-fdt=system --enable-tcg --disable-user --disable-tools \
			--disable-debug-info --disable-install-blobs
	) >"$LOGS/configure.log" 2>&1 || {
		rm -f "$BUILD/build.ninja"
		tail_log "$LOGS/configure.log"
		die "QEMU configure failed (log: $LOGS/configure.log)" "read the log; build dependencies: $TOP/deps.log"
	}
fi
t=$(date +%s)
ninja -C "$BUILD" qemu-system-riscv64 >"$LOGS/build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 30
	! kill -0 "$pid" 2>/dev/null ||
		log qemu "$(grep -o '^\[[0-9]*/[0-9]*\]' "$LOGS/build.log" | tail -n 1) steps, $(($(date +%s) - t))s"
done
wait "$pid" || {
	tail_log "$LOGS/build.log"
	die "building QEMU failed (log: $LOGS/build.log)" "read the log; the model's code is in $(dirname "$src")/model-$upstream/target/riscv"
}
log qemu "built in $(($(date +%s) - t))s"
mkdir -p "$(dirname "$BIN")"
cp "$BUILD/qemu-system-riscv64" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
printf '%s\n' "QEMU $upstream (Debian orig tarball of qemu $pkgver) + ${LAB_QEMU_SERIES:-qemu}/ series $hash (${#patches[@]} patches)" >"$(dirname "$BIN")/version"
# The tree it was built from, for lab/qemu-test.sh (the series' own test).
echo "$src" >"$(dirname "$BIN")/source"
echo "$BIN"
