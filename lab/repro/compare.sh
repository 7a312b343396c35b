#!/usr/bin/env bash
# compare.sh RESULTS_TSV VARIANT KERNEL_LABEL OUTDIR
# Compare the engine's results with lab/repro/expected.tsv; write
# OUTDIR/ktap.txt, OUTDIR/table.txt and OUTDIR/counts.txt. Exits 1 if any
# point's observation differs from what is expected (a predicted failure
# that passes included), or if there are no results at all.
# REPRO_EXPECTED names another expectations file (the aftermath matrix's
# lab/repro/expected-after.tsv).
set -euo pipefail
RESULTS=${1:?usage: compare.sh RESULTS VARIANT LABEL OUTDIR}
VARIANT=${2:?}
LABEL=${3:?}
OUTD=${4:?}
EXPECTED=${REPRO_EXPECTED:-$(dirname "$0")/expected.tsv}

awk -F'\t' -v variant="$VARIANT" -v kernel="$LABEL" \
	-v ktap="$OUTD/ktap.txt" -v table="$OUTD/table.txt" -v counts="$OUTD/counts.txt" '
	FNR == NR { if ($0 !~ /^#/ && NF >= 3) { ev[++ne] = $1; ew[ne] = $2; ex[ne] = $3 } next }
	FNR == 1 { next }
	{
		want = "?"
		for (i = 1; i <= ne; i++)
			if ((ev[i] == "*" || ev[i] == variant) && (ew[i] == "*" || ew[i] == $2)) { want = ex[i]; break }
		obs = $6
		# "fail": any outcome but a pass; "any": recorded, not judged.
		good = (want == obs) || want == "any" ||
			(want == "fail" && obs ~ /^(oops|corrupt|hang|trouble|panic|no-oops|after-failed|sscratch)$/)
		skip = (obs == "unreached" && $2 == "W1c")
		n++
		if (skip) {
			good = 1
			nskip++
			line[n] = sprintf("ok %d %s %s %s %s %s # SKIP path not taken in this guest", n, $1, $2, $3, $4, $5)
		} else
			line[n] = sprintf("%s %d %s %s %s %s %s # expected=%s observed=%s: %s",
				good ? "ok" : "not ok", n, $1, $2, $3, $4, $5, want, obs, $7)
		row[n] = sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", $1, $2, $3, $4, $5, want, obs, good ? "" : "MISMATCH")
		nbad += !good
		cnt[$2 " " obs]++
	}
	END {
		print "KTAP version 1" > ktap
		print "# fault injection: " kernel > ktap
		print "1.." n > ktap
		for (i = 1; i <= n; i++) print line[i] > ktap
		printf "# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", n - nbad - nskip, nbad, nskip > ktap
		print "point\twindow\tctx\twhere\tinstruction\texpected\tobserved\t" > table
		for (i = 1; i <= n; i++) print row[i] > table
		s = ""
		for (k in cnt) s = s k "=" cnt[k] " "
		print s > counts
		exit (nbad > 0 || n == nskip)
	}
' "$EXPECTED" "$RESULTS"
