#!/usr/bin/env bash
# lab/submission.sh refuses an identity that is not a person's (b4 would
# send, and sign off, as it), before it touches a tree; lib.sh
# person_identity tells them apart.
. "$(dirname "$0")/lib.sh"
. "$ROOT/lab/lib.sh"
person() { person_identity "$1" "$2"; }
expect_rc 0 "a name and an address someone reads is a person's" person "Ada Lovelace" "ada@lovelace.name"
expect_rc 1 "a noreply address is not" person "Seed maintainers" "maintainers@users.noreply.h-seed-bf22d98a.example"
expect_rc 1 "an example.com address is not" person "Jane" "jane@example.com"
expect_rc 1 "a .example domain is not" person "Jane" "jane@lab.example"
expect_rc 1 "a .invalid domain is not" person "Jane" "jane@host.invalid"
expect_rc 1 "localhost is not" person "lab" "lab@localhost"
expect_rc 1 "no name is not" person "" "ada@lovelace.name"
expect_rc 1 "no address is not" person "Ada" ""
# The script itself, with git config saying a noreply identity (GIT_CONFIG_*
# override every config file), stops at once and says how to fix it.
submit() {
	GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="Seed maintainers" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="maintainers@users.noreply.github.com" \
		LAB_CACHE=$T_TMP/no-cache bash "$ROOT/lab/submission.sh" 7.3
}
expect_rc 1 "make submission refuses a noreply identity" submit
expect_out "is not a person's" "and says why"
expect_out "git config --global user.email" "and how to fix it"
[ ! -e "$T_TMP/no-cache" ] && ok "before it touches a tree" || not_ok "it made $T_TMP/no-cache"
t_done
