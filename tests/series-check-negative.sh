#!/usr/bin/env bash
# series-check.sh must fail on a wrong Fixes: subject, a short id, a
# missing Signed-off-by, series out of step, and a reporter not credited
# or credited without the report's link. Needs the kernel trees
# (checkpatch); registered in lab/checks-full.list.
. "$(dirname "$0")/lib.sh"
S=$T_TMP/series
cp -r "$ROOT/series" "$S"
export LAB_SERIES=$S LAB_OFFLINE=1
expect_rc 0 "the real series passes" "$ROOT/lab/series-check.sh"
p=$(ls "$S"/mainline/0001-*.patch)
cp "$p" "$T_TMP/orig"
sed -i 's/^Fixes: \(.*\)sfence.vma for new vmalloc mappings")$/Fixes: \1sfence.vma for vmalloc mappings")/' "$p"
expect_rc 1 "a Fixes: subject that is not exact fails" "$ROOT/lab/series-check.sh"
expect_out "subject .* differs" "and says so"
cp "$T_TMP/orig" "$p"
sed -i 's/^Fixes: 503638e0babf/Fixes: 503638e0ba/' "$p"
expect_rc 1 "a Fixes: id that is not 12 characters fails" "$ROOT/lab/series-check.sh"
cp "$T_TMP/orig" "$p"
sed -i '/^Signed-off-by:/d' "$p"
expect_rc 1 "a patch without Signed-off-by fails" "$ROOT/lab/series-check.sh"
cp "$T_TMP/orig" "$p"
sed -i 's/^\(Subject: \[PATCH [0-9/]*\] riscv:\) /\1 Out of step: /' "$p"
grep -q '^Subject: .* Out of step: ' "$p" || not_ok "the out-of-step edit did not apply to $(basename "$p")"
expect_rc 1 "series out of step fail" "$ROOT/lab/series-check.sh"
expect_out "differ in patches or order" "and says so"
cp "$T_TMP/orig" "$p"
r=$(grep -l '^Reported-by: ' "$S"/mainline/0*.patch | head -n 1)
cp "$r" "$T_TMP/orig-r"
sed -i '/^Closes: /d' "$r"
expect_rc 1 "a Reported-by: without its Closes: fails" "$ROOT/lab/series-check.sh"
expect_out "not followed by Closes" "and says so"
sed -i '/^Reported-by: /d' "$T_TMP/orig-r" && cp "$T_TMP/orig-r" "$r"
expect_rc 1 "a series that does not credit the reporter fails" "$ROOT/lab/series-check.sh"
expect_out "credits the reporter" "and says so"
t_done
