#!/usr/bin/env bash
# The reproducer's verdict: observations are held to lab/repro/expected.tsv,
# so a predicted failure that suddenly passes, a genuine fault that is
# swallowed, a point never reached, or no point at all fails the check.
. "$(dirname "$0")/lib.sh"
C=$ROOT/lab/repro/compare.sh
hdr=$'id\twindow\tctx\twhere\tinsn\tobserved\tdetail\tboot'
row() { printf '%s\t%s\tU\tf+0\tsd ra,8(sp)\t%s\tdetail\t1\n' "$1" "$2" "$3"; }
mk() { { echo "$hdr"; cat; } >"$T_TMP/$1.tsv"; echo "$T_TMP/$1.tsv"; }

good=$(mk good <<X
$(row P1 W1 oops)
$(row P2 W2 corrupt)
$(row P3 W2k hang)
$(row P4 W3 oops)
$(row P5 W4 oops)
$(row P6 K recover)
$(row P7 CTRL-stale recover)
$(row P8 CTRL-genuine oops)
$(row P9 SW unfenced)
X
)
expect_rc 0 "unfixed kernel failing where predicted passes" "$C" "$good" base "t" "$T_TMP"
grep -q '^# Totals: pass:9 fail:0' "$T_TMP/ktap.txt" && ok "KTAP totals" || not_ok "KTAP totals: $(tail -n 1 "$T_TMP/ktap.txt")"

w1pass=$T_TMP/w1pass.tsv
sed 's/\tW1\tU\tf+0\tsd ra,8(sp)\toops/\tW1\tU\tf+0\tsd ra,8(sp)\trecover/' "$good" >"$w1pass"
expect_rc 1 "a predicted W1 failure that passes fails the check" "$C" "$w1pass" base "t" "$T_TMP"
grep -q '^not ok 1 P1 W1 .*expected=fail observed=recover' "$T_TMP/ktap.txt" && ok "and KTAP says which" || not_ok "KTAP lacks the mismatch"

swallowed=$T_TMP/swallowed.tsv
sed 's/CTRL-genuine\tU\tf+0\tsd ra,8(sp)\toops/CTRL-genuine\tU\tf+0\tsd ra,8(sp)\trecover/' "$good" >"$swallowed"
expect_rc 1 "a swallowed genuine fault fails (R6)" "$C" "$swallowed" patched "t" "$T_TMP"

fixed=$(mk fixed <<X
$(row P1 W1 recover)
$(row P2 W2 recover)
$(row P3 W4 excluded)
$(row P4 W3-tp no-write)
$(row P5 SW fenced)
$(row P6 SW-old kept)
$(row P8 CTRL-genuine oops)
X
)
expect_rc 0 "a fixed kernel recovering everywhere passes" "$C" "$fixed" patched "t" "$T_TMP"
ungated=$(mk ungated <<X
$(row P5 SW fenced)
$(row P6 SW-old fenced)
X
)
expect_rc 1 "a fixed kernel that fences for a task its last switch fence covered fails (v1, no gate)" "$C" "$ungated" patched "t" "$T_TMP"
fixedbad=$(mk fixedbad <<X
$(row P1 W1 recover)
$(row P2 W2 corrupt)
X
)
expect_rc 1 "a fixed kernel failing one point fails" "$C" "$fixedbad" patched "t" "$T_TMP"
unfenced=$(mk unfenced <<X
$(row P1 W1 recover)
$(row P5 SW unfenced)
X
)
expect_rc 1 "a fixed kernel that does not fence at task switch fails (R4)" "$C" "$unfenced" patched "t" "$T_TMP"
wrote=$(mk wrote <<X
$(row P4 W3-tp corrupt)
X
)
expect_rc 1 "a fixed kernel writing through the user's tp fails (R2)" "$C" "$wrote" patched "t" "$T_TMP"
excl=$(mk excl <<X
$(row P3 W4 excluded)
X
)
expect_rc 1 "an unfixed kernel cannot exclude W4" "$C" "$excl" base "t" "$T_TMP"
unreached=$(mk unreached <<X
$(row P1 W1 unreached)
X
)
expect_rc 1 "a point never reached fails" "$C" "$unreached" base "t" "$T_TMP"
w1c=$(mk w1c <<X
$(row P1 W1 oops)
$(row P2 W1c unreached)
X
)
expect_rc 0 "a W1c point on a path never taken is a skip, not a failure" "$C" "$w1c" base "t" "$T_TMP"
grep -q '^ok 2 P2 W1c .*# SKIP' "$T_TMP/ktap.txt" && ok "and KTAP marks it SKIP" || not_ok "no SKIP in KTAP"
onlyskip=$(mk onlyskip <<X
$(row P2 W1c unreached)
X
)
expect_rc 1 "a run of nothing but skips fails" "$C" "$onlyskip" base "t" "$T_TMP"
empty=$(mk empty </dev/null)
expect_rc 1 "no results fails" "$C" "$empty" base "t" "$T_TMP"
t_done
