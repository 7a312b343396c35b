#!/usr/bin/env bash
# kunit-judge.sh CONSOLE_LOG [SUITE]
# Judge a KUnit suite built into the kernel from the console log of its boot
# (default SUITE: riscv_new_mapping, the series' patch 6). KUnit prints KTAP
# through printk: the suite is a subtest, indented by 4, of the kernel's
# top-level KTAP. Pass means: the suite ran, met its plan, and every test
# case is ok (or skipped, with a reason).
#
# Prints one line a test case, "kunit: ok NAME" or "kunit: not ok NAME"
# with KUnit's reasons indented below, and a last line
# "kunit: PASS|FAIL SUITE ..."; exits 0 on pass, 1 on fail.
set -euo pipefail

log=${1:?usage: kunit-judge.sh CONSOLE_LOG [SUITE]}
suite=${2:-riscv_new_mapping}
say() { echo "kunit: $*"; }

[ -f "$log" ] || {
	say "FAIL $suite: no console log at $log"
	exit 1
}

# The kernel's lines without their "[ time] " prefix, CRs of the serial
# line removed; then the suite's block, from its subtest header to its
# result line in the parent.
block=$(tr -d '\r' <"$log" | sed -n 's/^\[ *[0-9.]*\] //p' |
	awk -v s="$suite" '
		done { next }
		$0 == "    # Subtest: " s { on = 1 }
		on { print }
		on && $0 ~ "^(not )?ok [0-9]+ " s "( |$)" { on = 0; done = 1 }')
if [ -z "$block" ]; then
	say "FAIL $suite: the suite did not run (is CONFIG_KUNIT and the suite's option built in?)"
	exit 1
fi

plan=$(sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' <<<"$block" | head -n 1)
oks=0 fails=0
while IFS= read -r line; do
	if [[ $line =~ ^\ {4}ok\ [0-9]+\ ([^ ]+)(.*)$ ]]; then
		oks=$((oks + 1))
		say "ok ${BASH_REMATCH[1]}${BASH_REMATCH[2]}"
	elif [[ $line =~ ^\ {4}not\ ok\ [0-9]+\ ([^ ]+) ]]; then
		fails=$((fails + 1))
		name=${BASH_REMATCH[1]}
		say "not ok $name"
		# KUnit's reasons: the lines of this case's expectations.
		awk -v n="$name" '
			$0 ~ "^    # " n ": (EXPECTATION|ASSERTION) FAILED" { on = 1 }
			$0 ~ "^    (not )?ok [0-9]+ " { on = 0 }
			on { print "        " $0 }' <<<"$block" | head -n 12
	fi
done <<<"$block"

if [ -z "$plan" ]; then
	say "FAIL $suite: no plan (the suite did not finish?)"
	exit 1
fi
if [ "$fails" -gt 0 ] || [ "$oks" -ne "$plan" ]; then
	say "FAIL $suite: $oks of $plan test cases ok, $fails not ok"
	exit 1
fi
say "PASS $suite: $oks of $plan test cases ok"
