#!/usr/bin/env bash
# qemu-rebase-next.sh: carry the lab's model series (qemu/, as applied by
# lab/qemu.sh in $LAB_CACHE/qemu/model-10.0.2+ds, branch lab/model) over
# to qemu/next/ on QEMU 10.2.2: cherry-pick its four commits onto
# lab-base of model-10.2.2+ds (made by `make qemu-next`), resolve the two
# known conflicts as the rebase did (the config fields go to
# cpu_cfg_fields.h.inc; Makefile.softmmu-target keeps both sides; the
# includes of tcg/stale_tlb.c become system/memory.h), then format-patch into
# qemu/next/ and splice the shortlog and diffstat into its cover letter.
# A maintainer's tool, not a check: run `make qemu` and `make qemu-next`
# first, `make qemu-next` after. Any other conflict stops it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
Q=$LAB_CACHE/qemu
[ -d "$Q/src-10.0.2+ds" ] && [ -d "$Q/model-10.2.2+ds" ] || die "no QEMU trees in $Q" "make qemu; make qemu-next"
cd "$Q/src-10.2.2+ds"
git fetch -q ../src-10.0.2+ds +lab/model:old-model
# old-model: the lab's lab/model; its top may be the mutants commit
top=old-model
git log -1 --format=%s old-model | grep -q '^lab: planted defects' && top=old-model~1
# It must hold qemu/, commit for commit.
diff <(git log --reverse --format=%s "$top~4..$top") \
	<(qemu_series_subjects "$LAB_ROOT/qemu") >/dev/null ||
	die "lab/model of $Q/model-10.0.2+ds does not hold qemu/" "make qemu (applies qemu/ there), then rerun"
cd ../model-10.2.2+ds
# Whatever happens below, lab/qemu.sh must apply qemu/next/ afresh.
rm -f .lab-series
git cherry-pick --abort 2>/dev/null || true
git checkout -q -f -B lab/model lab-base
G="git -c user.name=lab -c user.email=lab@localhost"
# unmerged WANT: the cherry-pick stopped on exactly these conflicts.
unmerged() {
	[ "$(git diff --name-only --diff-filter=U | paste -sd ' ' -)" = "$1" ] ||
		die "the cherry-pick onto 10.2.2 stopped on other conflicts: $(git diff --name-only --diff-filter=U | paste -sd ' ' -)" \
			"resolve them by hand in $Q/model-10.2.2+ds, then teach this script"
}
if $G cherry-pick "$top~4..$top" >/dev/null 2>&1; then
	die "the cherry-pick onto 10.2.2 met none of the known conflicts" "check the result by hand; this script expects cpu_cfg.h"
fi
unmerged target/riscv/cpu_cfg.h
git checkout --ours target/riscv/cpu_cfg.h
python3 - <<'EOF'
p='target/riscv/cpu_cfg_fields.h.inc'
s=open(p).read()
old="TYPED_FIELD(int8_t, max_satp_mode, -1)\n"
new=old+"""
/* x-stale-tlb: cached invalid translations, see tcg/stale_tlb.c */
TYPED_FIELD(uint16_t, stale_tlb_entries, 0)
TYPED_FIELD(uint8_t, stale_tlb_hit_pct, 0)
TYPED_FIELD(uint8_t, stale_tlb_prefetch, 0)
BOOL_FIELD(stale_tlb_persist)
BOOL_FIELD(stale_tlb_nonleaf)
BOOL_FIELD(stale_tlb_user)
TYPED_FIELD(uint64_t, stale_tlb_seed, 0)
"""
assert s.count(old)==1
open(p,'w').write(s.replace(old,new))
p='target/riscv/tcg/stale_tlb.c'
s=open(p).read()
a='#include "exec/exec-all.h"\n#include "exec/memory.h"\n'
assert s.count(a)==1
open(p,'w').write(s.replace(a,'#include "system/memory.h"\n'))
EOF
git add target/riscv
if GIT_EDITOR=true $G cherry-pick --continue >/dev/null 2>&1; then
	die "the cherry-pick onto 10.2.2 met no conflict in Makefile.softmmu-target" "check the result by hand"
fi
unmerged tests/tcg/riscv64/Makefile.softmmu-target
python3 - <<'EOF'
import re
p='tests/tcg/riscv64/Makefile.softmmu-target'
s=open(p).read()
m=re.search(r'<<<<<<< HEAD\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n', s, re.S)
s=s[:m.start()]+m.group(1)+"\n"+m.group(2)+s[m.end():]
open(p,'w').write(s)
EOF
git add tests
GIT_EDITOR=true $G cherry-pick --continue >/dev/null
git log --oneline -5 | cat
test -z "$(git status --short | grep -v '^??')"
T=$(mktemp -d)
export T
trap 'rm -rf "$T"' EXIT
git format-patch -q --cover-letter -o "$T" lab-base..
cp "$T"/000[1-4]*.patch "$LAB_ROOT/qemu/next/"
cd "$LAB_ROOT"
python3 - <<'EOF'
import os
src=open('qemu/next/0000-cover-letter.patch').read()
new=open(os.environ['T'] + '/0000-cover-letter.patch').read()
import re
short = re.compile(r"^\S.* \([0-9]+\):$", re.M)  # the shortlog's "Author (N):"
i=short.search(src).start(); j=src.index("base-commit:")
ni=short.search(new).start(); nj=new.index("-- \n")
s=src[:i]+new[ni:nj]+"\n"+src[j:]
s=new.split("\n",1)[0]+"\n"+s.split("\n",1)[1]
open('qemu/next/0000-cover-letter.patch','w').write(s)
EOF
