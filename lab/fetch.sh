#!/usr/bin/env bash
# fetch.sh KVER: make sure $LAB_CACHE/trees/KVER/repo is a git repository
# whose first commit (tag lab-base) is the pristine base, imported from
# Debian's archive through the mirror apt is configured with:
#   7.3  -> the newest linux_7.3.*.orig.tar.xz of the `linux` source package
#   6.12 -> the newest linux-source-6.12 binary package (Debian's patched tree)
# The exact Debian version is written to $LAB_CACHE/trees/KVER/version.
# If the archive cannot be reached but a tree is cached, the cache is used.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_ROOT/lab/apt.sh"

KVER=${1:-}
kver_check "$KVER"
TOP=$LAB_CACHE/trees/$KVER
REPO=$TOP/repo
DL=$LAB_CACHE/downloads
mkdir -p "$TOP" "$DL"

have_tree() { [ -f "$TOP/version" ] && git -C "$REPO" rev-parse -q --verify lab-base >/dev/null 2>&1; }

# newest VERSION among lines "Version: V" on stdin matching a regex
newest() {
	local re=$1 best="" v
	while read -r v; do
		[[ $v =~ $re ]] || continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done
	echo "$best"
}

# LAB_OFFLINE=1: use the cached tree without asking the archive.
if [ "${LAB_OFFLINE:-0}" = 1 ] && have_tree; then
	exit 0
fi
if ! (lab_apt_update) 2>"$TOP/fetch-update.err"; then
	if have_tree; then
		log fetch "WARNING: archive unreachable, using cached $KVER tree ($(cat "$TOP/version"))"
		exit 0
	fi
	cat "$TOP/fetch-update.err" >&2
	exit 1
fi

case "$KVER" in
7.3)
	ver=$(lab_apt_cache showsrc linux 2>/dev/null | sed -n 's/^Version: //p' | newest '^7\.3\.[0-9]+-')
	[ -n "$ver" ] || die "no linux 7.3.y source package on the archive" "apt-cache showsrc linux (with deb-src for sid/experimental/backports)"
	;;
6.12)
	ver=$(lab_apt_cache show linux-source-6.12 2>/dev/null | sed -n 's/^Version: //p' | newest '^6\.12\.')
	[ -n "$ver" ] || die "no linux-source-6.12 package on the archive" "apt-cache policy linux-source-6.12"
	;;
esac
# The newest version is already imported: nothing to do.
if have_tree && [ "$(cat "$TOP/debian-version" 2>/dev/null)" = "$ver" ]; then
	log fetch "$KVER: cached tree is the newest on the archive ($ver)"
	exit 0
fi

case "$KVER" in
7.3)
	upstream=${ver%%-*}
	desc="linux $ver (Debian source package, upstream tarball linux_${upstream}.orig.tar.xz = v$upstream)"
	artifact=$DL/linux_${upstream}.orig.tar.xz
	# The mirror may serve a version's binary packages but not its source
	# package (seen: HTTP 404 for every 7.x .dsc/.orig/.debian file). Then
	# the closest tree is linux-source-7.3 of the same Debian version:
	# v$upstream with Debian's patches applied. Say so in the version line.
	if [ ! -s "$artifact" ] && ! (cd "$DL" && lab_apt_get source --print-uris "linux=$ver" 2>/dev/null |
		grep -o "'[^']*orig.tar.xz'" | tr -d "'" | head -n 1 | xargs -r curl -sfI -o /dev/null); then
		log fetch "WARNING: the mirror does not serve linux_${upstream}.orig.tar.xz; using linux-source-7.3 $ver"
		desc="linux-source-7.3 $ver (Debian binary package: v$upstream with Debian's patches; the orig tarball is not served by the mirror)"
		artifact=$DL/linux-source-7.3_${ver}_all.deb
		binpkg=linux-source-7.3
	fi
	;;
6.12)
	upstream=${ver%%-*}
	desc="linux-source-6.12 $ver (Debian binary package: 6.12.y with Debian's patches)"
	artifact=$DL/linux-source-6.12_${ver}_all.deb
	binpkg=linux-source-6.12
	;;
esac


# Download (kept across runs).
if [ ! -s "$artifact" ]; then
	log fetch "$KVER: downloading $desc"
	tmp=$(mktemp -d "$DL/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if [ -z "${binpkg:-}" ]; then
		# apt-get source verifies the checksums of the .dsc's files.
		(cd "$tmp" && lab_apt_get source --download-only "linux=$ver") >"$TOP/download.log" 2>&1 || {
			tail_log "$TOP/download.log"
			die "download of linux=$ver failed (log: $TOP/download.log)" "retry; check the mirror"
		}
		mv "$tmp/linux_${upstream}.orig.tar.xz" "$artifact"
	else
		# apt-get download verifies the package against the signed index.
		(cd "$tmp" && lab_apt_get download "$binpkg=$ver") >"$TOP/download.log" 2>&1 || {
			tail_log "$TOP/download.log"
			die "download of $binpkg=$ver failed (log: $TOP/download.log)" "retry; check the mirror"
		}
		mv "$tmp/${binpkg}"_*.deb "$artifact"
	fi
	rm -rf "$tmp"
	trap - EXIT
fi

# Import into a fresh git repository.
log fetch "$KVER: unpacking and importing into git (a few minutes)"
rm -rf "$REPO.new"
mkdir -p "$REPO.new"
if [ -z "${binpkg:-}" ]; then
	tar -xJf "$artifact" -C "$REPO.new" --strip-components=1
else
	dpkg-deb --fsys-tarfile "$artifact" | tar -xO "./usr/src/$binpkg.tar.xz" |
		tar -xJ -C "$REPO.new" --strip-components=1
fi
[ -f "$REPO.new/Makefile" ] && [ -f "$REPO.new/arch/riscv/kernel/entry.S" ] ||
	die "$artifact did not unpack to a kernel tree" "delete it and rerun: rm $artifact"

(
	cd "$REPO.new"
	git init -q -b lab-base-branch .
	git config core.autocrlf false
	git config gc.auto 0
	# A fixed identity and date make the base commit id the same on every
	# machine for the same tarball, so base-commit trailers are reproducible.
	export GIT_AUTHOR_NAME="vmfence lab import" GIT_AUTHOR_EMAIL="lab@localhost"
	export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
	export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
	git add -A -f .
	git commit -q -m "Import $desc" -m "Pristine base for the lab; imported by lab/fetch.sh."
	git tag lab-base
) >"$TOP/import.log" 2>&1 || {
	tail_log "$TOP/import.log"
	die "git import of the $KVER tree failed (log: $TOP/import.log)" "check disk space (df -h $LAB_CACHE)"
}

rm -rf "$TOP/patched" "$TOP/patched.applied"
rm -rf "$REPO"
mv "$REPO.new" "$REPO"
git -C "$REPO" worktree prune
printf '%s\n' "$desc" >"$TOP/version"
printf '%s\n' "$ver" >"$TOP/debian-version"
log fetch "$KVER: ready, $desc, base $(git -C "$REPO" rev-parse --short=12 lab-base)"
