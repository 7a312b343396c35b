#!/usr/bin/env bash
# htmldocs.sh KVER: the series' documentation builds without a new warning.
# Runs `make SPHINXDIRS=arch/riscv htmldocs` (Debian's Sphinx) in the
# unfixed and the patched tree of KVER and compares their warnings and
# errors (lab/warnings-judge.sh: file and message, paths made relative to
# the tree); then checks that the patched build rendered the series' page,
# Documentation/arch/riscv/vmalloc-fence.rst, and that index.rst links it.
# Results: out/htmldocs-KVER/{base,patched}.log, and the page as text in
# out/htmldocs-KVER/vmalloc-fence.txt (what a reader sees, to look at).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
kver_check "$KVER"
command -v sphinx-build >/dev/null || die "no sphinx-build" "make setup (Debian's python3-sphinx)"
RES=$LAB_OUT/htmldocs-$KVER
rm -rf "$RES"
mkdir -p "$RES"
PAGE=arch/riscv/vmalloc-fence

lab_ready "$KVER"
"$LAB_ROOT/lab/tree.sh" "$KVER" --auto >&2
for v in base patched; do
	if [ "$v" = base ]; then src=$(kernel_repo "$KVER"); else src=$LAB_CACHE/trees/$KVER/patched; fi
	out=$LAB_CACHE/docs/$KVER/$v
	mkdir -p "$out"
	log htmldocs "$KVER $v: make SPHINXDIRS=arch/riscv htmldocs ($(sphinx-build --version 2>&1))"
	t=$(date +%s)
	# Sphinx only rebuilds what changed; the warnings of a page it did not
	# read again would be lost, so every run starts clean.
	rm -rf "$out/Documentation/output" "$out/Documentation/doctrees"
	make -C "$src" O="$out" SPHINXDIRS=arch/riscv htmldocs >"$RES/$v.raw.log" 2>&1 ||
		die "htmldocs failed on $KVER $v (log: $RES/$v.raw.log)" "read the first error; scripts/sphinx-pre-install lists what is missing"
	sed -e "s|$src/||g" -e "s|$out/||g" "$RES/$v.raw.log" >"$RES/$v.log"
	log htmldocs "$KVER $v: built in $(($(date +%s) - t))s"
done

html=$LAB_CACHE/docs/$KVER/patched/Documentation/output/$PAGE.html
[ -s "$html" ] || die "the patched build did not render $PAGE.rst ($html missing)" "is it in Documentation/arch/riscv/index.rst?"
grep -q 'href="vmalloc-fence.html"' "$LAB_CACHE/docs/$KVER/patched/Documentation/output/arch/riscv/index.html" ||
	die "the riscv index does not link $PAGE.html" "add vmalloc-fence to the toctree of Documentation/arch/riscv/index.rst"
# The page as text: the article body without markup.
python3 - "$html" >"$RES/vmalloc-fence.txt" <<'EOF'
import html.parser
import sys


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.out = []

    def handle_starttag(self, tag, attrs):
        if self.depth or ("itemprop", "articleBody") in attrs or ("role", "main") in attrs:
            self.depth += 1
        if self.depth and tag in ("p", "pre", "li", "h1", "h2", "h3", "tr", "br"):
            self.out.append("\n")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.out.append(data)


t = Text()
t.feed(open(sys.argv[1], encoding="utf-8").read())
print("".join(t.out).strip())
EOF
[ "$(wc -w <"$RES/vmalloc-fence.txt")" -ge 200 ] ||
	die "the rendered page has almost no text ($RES/vmalloc-fence.txt)" "look at $html"
if ! new=$("$LAB_ROOT/lab/warnings-judge.sh" "$RES/base.log" "$RES/patched.log"); then
	echo "$new" >&2
	die "the series adds documentation warnings on $KVER (logs: $RES/{base,patched}.log)" \
		"fix the .rst in the worktree (make tree KVER=$KVER)"
fi
log htmldocs "$KVER: ${new#warnings-judge: }; the page: $RES/vmalloc-fence.txt ($(wc -w <"$RES/vmalloc-fence.txt") words)"
