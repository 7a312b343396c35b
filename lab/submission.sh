#!/usr/bin/env bash
# submission.sh KVER: the series as its submitter posts it, through b4, up
# to the mails and no further (nothing is sent):
#   1. the identity in git config must be a person's: b4 sends as it, and
#      the patches are re-signed with it (series/ keeps the exporter's);
#   2. a branch b4/vmalloc-fence-KVER in a worktree of its own
#      ($LAB_CACHE/trees/KVER/submission): the series/ patches applied with
#      git am, author and Signed-off-by set to that identity;
#   3. b4 prep: enrolled on the tree's base (lab-base-branch: Debian's tree as
#      imported; the cover letter says so in words), the cover letter from
#      series/, To/Cc from the tree's get_maintainer.pl (--auto-to-cc);
#   4. b4 prep --check (checkpatch through b4) must be clean;
#   5. b4 send -o out/submission-KVER: the mails as files.
# REPLY_TO=<message-id> threads the cover letter as a reply to that message
# (the report's, where it is known: the seed's pipermail copy and the stored
# page do not show it, so none is set by default; never invent one).
# B4_PLACEHOLDER_IDENTITY=1 skips step 1 and keeps the identity git config
# has: for the lab's own check of steps 2-5; its mails are not to be sent.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
kver_check "$KVER"
RES=$LAB_OUT/submission-$KVER

name=$(git config user.name || true)
email=$(git config user.email || true)
if ! person_identity "$name" "$email"; then
	if [ "${B4_PLACEHOLDER_IDENTITY:-0}" != 1 ]; then
		die "the identity in git config ('$name <$email>') is not a person's: b4 would send the series, and sign it off, as an address nobody reads" \
			"set your own, then run this again: git config --global user.name 'Your Name'; git config --global user.email you@your.domain"
	fi
	log submission "$KVER: placeholder identity '$name <$email>' (B4_PLACEHOLDER_IDENTITY=1): the mails are for the lab's check, not for sending"
fi
command -v b4 >/dev/null || die "no b4" "make setup"

lab_ready "$KVER"
repo=$(kernel_repo "$KVER")
wt=$LAB_CACHE/trees/$KVER/submission
branch=b4/vmalloc-fence-$KVER
rm -rf "$RES"
mkdir -p "$RES"

# 2. The branch, from series/ (not from the lab's worktree, which may hold
# work that was not exported).
if [ ! -d "$wt" ]; then
	git -C "$repo" worktree prune
	git -C "$repo" worktree add -q -f --detach "$wt" lab-base >&2
fi
git -C "$wt" am --abort >/dev/null 2>&1 || true
git -C "$wt" checkout -q -f -B "$branch" lab-base
# b4 keeps its cover letter and tracking in the branch description here,
# and checks each patch with checkpatch as series-check.sh does.
git -C "$wt" config b4.prep-cover-strategy branch-description
git -C "$wt" config b4.prep-perpatch-check-cmd \
	"./scripts/checkpatch.pl -q --terse --no-summary --mailback --showfile --strict --ignore $CHECKPATCH_IGNORE"
git -C "$wt" config --remove-section "branch.$branch" >/dev/null 2>&1 || true
for p in $(series_patches "$KVER"); do
	git -C "$wt" am -q --keep-cr "$p" >>"$RES/am.log" 2>&1 ||
		die "$(basename "$p") does not apply (log: $RES/am.log)" "make tree KVER=$KVER; make export KVER=$KVER"
done
# Authored and signed off by the submitter: the exporter's placeholder
# identity gives way to the one in git config.
exporter=$(sed -n 's/^Signed-off-by: //p' "$(series_patches "$KVER" | head -n 1)" | tail -n 1)
export FILTER_BRANCH_SQUELCH_WARNING=1
git -C "$wt" -c "user.name=$name" -c "user.email=$email" filter-branch -f \
	--env-filter "export GIT_AUTHOR_NAME='$name' GIT_AUTHOR_EMAIL='$email'" \
	--msg-filter "sed 's|^Signed-off-by: ${exporter//|/\\|}\$|Signed-off-by: $name <$email>|'" \
	lab-base..HEAD >"$RES/filter.log" 2>&1 ||
	die "re-signing the series failed (log: $RES/filter.log)" "read the log"

# 3. b4 prep, its cover letter from series/.
# Debian's python3 (scripts/spdxcheck.py needs its python3-ply), not
# whatever python3 comes first in PATH.
b4_in() { (cd "$wt" && PATH=/usr/bin:$PATH b4 "$@"); }
b4_in prep -e lab-base-branch >"$RES/prep.log" 2>&1 || die "b4 prep -e failed (log: $RES/prep.log)" "b4 --version; read the log"
cover_text "$(series_dir "$KVER")/0000-cover-letter.patch" >"$RES/cover.txt"
EDITOR="cp $RES/cover.txt" b4_in prep --edit-cover >>"$RES/prep.log" 2>&1 ||
	die "b4 prep --edit-cover failed (log: $RES/prep.log)" "read the log"
b4_in prep --auto-to-cc >>"$RES/prep.log" 2>&1 || die "b4 prep --auto-to-cc failed (log: $RES/prep.log)" "read the log"

# 4. b4's own check.
if ! b4_in prep --check >"$RES/check.log" 2>&1; then
	tail_log "$RES/check.log"
	die "b4 prep --check failed on $KVER (log: $RES/check.log)" "fix the patch it names in the worktree (make tree), make export"
fi
# Its summary line: "Success: N, Warning: W, Error: E".
grep -qE '^Success: [0-9]+, Warning: 0, Error: 0' "$RES/check.log" || {
	tail_log "$RES/check.log"
	die "b4 prep --check found problems on $KVER (log: $RES/check.log)" "fix the patch it names in the worktree (make tree), make export"
}

# 5. The mails. Without an SMTP setting b4 would pick its web endpoint,
# which needs signing; -o only writes files either way, and /bin/false
# makes sure nothing could be sent from this worktree.
git -C "$wt" config sendemail.smtpServer /bin/false
b4_in send --no-sign -o "$RES/mails" >"$RES/send.log" 2>&1 || die "b4 send -o failed (log: $RES/send.log)" "read the log"
n=$(find "$RES/mails" -type f | wc -l)
[ "$n" = $(($(series_patches "$KVER" | wc -l) + 1)) ] ||
	die "b4 wrote $n mails for $(series_patches "$KVER" | wc -l) patches and a cover letter (dir: $RES/mails)" "read $RES/send.log"
cover=$(grep -l -m1 '^Subject: .*PATCH.* 0*0/' "$RES/mails"/* | head -n 1)
if [ -n "${REPLY_TO:-}" ]; then
	id=${REPLY_TO#<}
	id=${id%>}
	sed -i "0,/^Subject: /s//In-Reply-To: <$id>\nReferences: <$id>\nSubject: /" "$cover"
fi
to=$(python3 -c 'import email, email.utils, sys; m = email.message_from_file(open(sys.argv[1]))
print(len(email.utils.getaddresses(m.get_all("To", []) + m.get_all("Cc", []))))' "$cover")
log submission "$KVER: $n mails in $RES/mails (cover: $(basename "$cover"), $to To/Cc addresses from get_maintainer.pl${REPLY_TO:+, a reply to <$id>}); b4 prep --check clean"
