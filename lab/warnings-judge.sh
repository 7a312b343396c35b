#!/usr/bin/env bash
# warnings-judge.sh BASE_LOG PATCHED_LOG: the judge of lab/warnings.sh. The logs
# are W=1 (or sparse) builds of the same objects, unfixed and patched; a
# warning (or a sparse error, which does not stop the build) is
# new if its file and message (not its line: lines move) are in the
# patched log only. Writes BASE_LOG.warnings and PATCHED_LOG.warnings,
# prints the new warnings and exits 1 if there are any.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: warnings-judge.sh BASE_LOG PATCHED_LOG"
base=${1:?$usage}
patched=${2:?$usage}
for f in "$base" "$patched"; do
	[ -f "$f" ] || die "warnings-judge: no build log $f" "run lab/warnings.sh"
	grep -iE '(warning|error):' "$f" | sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort -u >"$f.warnings" || true
done
new=$(comm -13 "$base.warnings" "$patched.warnings")
if [ -n "$new" ]; then
	echo "$new"
	exit 1
fi
echo "warnings-judge: no new warning ($(wc -l <"$base.warnings") before, $(wc -l <"$patched.warnings") after)"
