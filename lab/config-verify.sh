#!/usr/bin/env bash
# config-verify.sh DOTCONFIG FRAGMENT...
# Check that every option the fragments ask for has that value in DOTCONFIG.
# A later fragment overrides an earlier one. Prints one line per dropped
# option and exits 1 if there is any.
set -euo pipefail

dot=$1
shift
[ -f "$dot" ] || {
	echo "config-verify: no such .config: $dot" >&2
	exit 2
}

# name=value for every request; "n" for "# CONFIG_X is not set".
declare -A want=()
order=()
for frag in "$@"; do
	while IFS= read -r line; do
		name="" val=""
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			name=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]} val=n
		fi
		[ -n "$name" ] || continue
		[ -n "${want[$name]+x}" ] || order+=("$name")
		want[$name]=$val
	done <"$frag"
done

bad=0
for name in "${order[@]}"; do
	exp=${want[$name]}
	got=$(sed -n "s/^$name=//p" "$dot" | head -n 1)
	[ -n "$got" ] || got=n
	if [ "$got" != "$exp" ]; then
		echo "config-verify: $name: requested '$exp', final .config has '$got'" >&2
		bad=1
	fi
done
exit $bad
