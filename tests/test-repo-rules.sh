#!/usr/bin/env bash
# Rules of the repository: CI runs the README's test command; no mirror host
# name is written into any tracked file; harness scripts are strict bash.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

readme_cmd=$(sed -n 's/^Test command: *`\(.*\)`.*/\1/p' README.md | head -n 1)
ci_cmd=$(sed -n 's/^exec //p' .ci/run | head -n 1)
if [ -n "$readme_cmd" ] && [ "$readme_cmd" = "$ci_cmd" ]; then
	ok ".ci/run runs the README's test command ($ci_cmd)"
else
	not_ok ".ci/run runs '$ci_cmd' but README.md says '$readme_cmd'"
fi

. lab/lib.sh
. lab/apt.sh
host=$(apt_mirror | sed -E 's|^[a-z]+://([^/:]+).*|\1|')
files=$(git ls-files 2>/dev/null || find . -type f -not -path './.git/*')
if [ -n "$host" ] && echo "$files" | xargs -r grep -l -F "$host" 2>/dev/null | grep -q .; then
	not_ok "the mirror's host name is written in: $(echo "$files" | xargs grep -l -F "$host" | paste -sd' ')"
else
	ok "no tracked file names the mirror's host"
fi

bad=""
for f in lab/*.sh tests/test-*.sh .ci/run; do
	case "$f" in lab/lib.sh | lab/ktap.sh | lab/apt.sh) continue ;; esac
	grep -q 'set -euo pipefail' "$f" || grep -q '^\. .*lib\.sh' "$f" || bad="$bad $f"
done
if [ -z "$bad" ]; then ok "harness scripts run with set -euo pipefail"; else not_ok "not strict:$bad"; fi

if bash -n lab/*.sh tests/*.sh .ci/run; then ok "harness scripts parse"; else not_ok "a harness script does not parse"; fi
t_done
