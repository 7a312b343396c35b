#!/usr/bin/env bash
# debian-patches.sh [--check]: the 6.12 series' stable part (lib.sh
# stable_patches: its leading Cc: stable patches) in the form Debian's
# kernel team takes a fix, written to series/debian-6.12/:
#   bugfix/riscv/NAME.patch  each patch with DEP-3 headers (Origin,
#                            Forwarded, Bug from its series' Closes:,
#                            Last-Update from the patch's date) over its
#                            git message and diff
#   series                   the lines to add to debian/patches/series
# The output depends only on series/6.12, so it can be checked.
#
# --check: the judge (make check-full: debian-patches-6.12):
#   1. series/debian-6.12 is what this script writes from series/6.12;
#   2. it applies in order, with quilt and no fuzz, to the two newest 6.12
#      point releases on the archive (lab/apt.sh, the security suites
#      included; the newest Debian version of each), extracted from their
#      linux-source-6.12 packages (only the files the patches touch);
#   3. whether Debian's own patches touch a file the whole series (either
#      tree) touches, read from the newest `linux` source package of each
#      line the mirror serves (it serves few: say which).
# Results: out/debian-patches/results.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_ROOT/lab/apt.sh"

DEST=$LAB_ROOT/series/debian-6.12
RES=$LAB_OUT/debian-patches
DL=$LAB_CACHE/downloads

# slug SUBJECT: Debian's file name for a patch, from its subject.
slug() {
	echo "$1" | tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-+//; s/-+$//' | cut -c1-72 | sed -E 's/-+$//'
}

# write_dep3 DIR: the stable part into DIR (bugfix/riscv/*.patch, series).
write_dep3() {
	local dir=$1 p name bug from date subj
	rm -rf "$dir"
	mkdir -p "$dir/bugfix/riscv"
	bug=$(cat $(stable_patches 6.12) | sed -n 's/^Closes: //p' | head -n 1)
	[ -n "$bug" ] || die "no Closes: trailer in the 6.12 stable part" "the reporter's link belongs in patch 1"
	{
		echo "# The riscv vmalloc-fence fix (stable part of the series), for"
		echo "# debian/patches/series, in its bugfix/riscv section:"
	} >"$dir/series"
	for p in $(stable_patches 6.12); do
		subj=$(patch_subject "$p")
		name=bugfix/riscv/$(slug "$subj").patch
		from=$(awk '/^From: /{s=substr($0,7); while ((getline l) > 0 && l ~ /^ /) s=s l; print s; exit}' "$p" | sed 's/  */ /g')
		date=$(sed -n 's/^Date: //p' "$p" | head -n 1)
		{
			echo "From: $from"
			echo "Date: $date"
			echo "Subject: $subj"
			echo "Origin: other, not yet upstream: the stable part of a series for linux-riscv"
			echo "Bug: $bug"
			echo "Forwarded: no"
			echo "Last-Update: $(date -u -d "$date" +%Y-%m-%d)"
			echo
			# The message and the diff: everything after the header
			# block, without git's signature.
			awk 'body { print; next } /^$/ { body = 1 }' "$p" | sed '/^-- $/,$d'
		} >"$dir/$name"
		echo "$name" >>"$dir/series"
	done
}

if [ "${1:-}" != --check ]; then
	write_dep3 "$DEST"
	log debian-patches "$(grep -c '^bugfix' "$DEST/series") patches in ${DEST#"$LAB_ROOT/"} (from series/6.12)"
	exit 0
fi

rm -rf "$RES"
mkdir -p "$RES" "$DL"
write_dep3 "$RES/expected"
diff -r "$RES/expected" "$DEST" >"$RES/stale.diff" ||
	die "series/debian-6.12 is not what series/6.12 gives (diff: $RES/stale.diff)" "make debian-patches"

lab_apt_update
# The files the stable part touches, and those of the whole series.
mapfile -t FILES < <(sed -n 's|^+++ b/||p' "$DEST"/bugfix/riscv/*.patch | sort -u)
mapfile -t ALL < <(cat $(series_patches 6.12) $(series_patches 7.3) | sed -n 's|^+++ b/||p' | sort -u)

# The two newest point releases: the newest Debian version of each.
mapfile -t VERS < <(lab_apt_cache show linux-source-6.12 2>/dev/null | sed -n 's/^Version: //p' | sort -u -r -V |
	awk -F- '!seen[$1]++' | head -n 2)
[ "${#VERS[@]}" = 2 ] || die "fewer than two 6.12 point releases on the archive" "apt-cache policy linux-source-6.12"
{
	echo "The stable part of series/6.12 ($(grep -c '^bugfix' "$DEST/series") patches, series/debian-6.12) applied with quilt (--fuzz=0), in order:"
	echo
	echo "| linux-source-6.12 | quilt push -a |"
	echo "| --- | --- |"
} >"$RES/results.md"
failed=
for v in "${VERS[@]}"; do
	deb=$DL/linux-source-6.12_${v}_all.deb
	if [ ! -s "$deb" ]; then
		log debian-patches "downloading linux-source-6.12 $v"
		lab_apt_download linux-source-6.12 all "$v" "$deb"
	fi
	t=$RES/linux-source-6.12-$v
	mkdir -p "$t"
	log debian-patches "6.12 $v: extracting the ${#FILES[@]} files the patches touch"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
		tar -xJ -C "$t" --strip-components=1 "${FILES[@]/#/linux-source-6.12/}" ||
		die "linux-source-6.12 $v lacks a file the patches touch" "compare ${FILES[*]} with the tree"
	if (cd "$t" && QUILT_PATCHES=$DEST QUILT_PC=.pc quilt push -a --fuzz=0 -q) >"$RES/quilt-$v.log" 2>&1; then
		echo "| $v | applies ($(grep -c '^bugfix' "$DEST/series") of $(grep -c '^bugfix' "$DEST/series")) |" >>"$RES/results.md"
	else
		echo "| $v | **fails** (quilt-$v.log) |" >>"$RES/results.md"
		failed+=" $v"
	fi
done

# Debian's own patches, from the newest source package the mirror serves.
{
	echo
	echo "Debian's patches (debian/patches of the \`linux\` source package) that touch a file the series touches (${#ALL[@]} files, both trees):"
	echo
	echo "| line | newest source package the mirror serves | patches | touching the series' files |"
	echo "| --- | --- | --- | --- |"
} >>"$RES/results.md"
for line in 6.12 7.3; do
	served= src=
	for v in $(lab_apt_cache showsrc linux 2>/dev/null | sed -n 's/^Version: //p' | grep "^${line//./\\.}\." | sort -u -r -V); do
		url=$(lab_apt_get source --print-uris "linux=$v" 2>/dev/null | grep -o "'[^']*debian\.tar\.xz'" | tr -d "'" | head -n 1)
		[ -n "$url" ] || continue
		if curl -sfL -o "$RES/debian-$v.tar.xz" "$url"; then served=$v; break; fi
	done
	if [ -z "$served" ]; then
		echo "| $line | none (every $line.y debian.tar.xz: HTTP error) | - | unknown |" >>"$RES/results.md"
		continue
	fi
	newest=$(lab_apt_cache showsrc linux 2>/dev/null | sed -n 's/^Version: //p' | grep "^${line//./\\.}\." | sort -r -V | head -n 1)
	mkdir -p "$RES/debian-$served"
	tar -xJf "$RES/debian-$served.tar.xz" -C "$RES/debian-$served" debian/patches
	n=0
	touching=()
	while read -r pp; do
		pp=${pp%%#*}
		pp=$(echo "$pp" | awk '{print $1}')
		[ -n "$pp" ] || continue
		n=$((n + 1))
		f=$RES/debian-$served/debian/patches/$pp
		[ -f "$f" ] || continue
		for file in $(sed -n 's|^+++ [^/]*/||p' "$f" | awk '{print $1}'); do
			if printf '%s\n' "${ALL[@]}" | grep -qxF "$file"; then touching+=("$pp ($file)"); fi
		done
	done <"$RES/debian-$served/debian/patches/series"
	echo "| $line | $served (newest on the archive: $newest) | $n | ${touching[*]:-none} |" >>"$RES/results.md"
done
cat "$RES/results.md"
[ -z "$failed" ] || die "the stable part does not apply to linux-source-6.12$failed (logs: $RES/quilt-*.log)" \
	"refresh series/6.12 on the newest tree (make tree KVER=6.12), then make export and make debian-patches"
log debian-patches "applies to ${VERS[*]}; results in $RES/results.md"
