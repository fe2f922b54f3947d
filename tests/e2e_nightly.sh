# tests/e2e_nightly.sh — issue 4: `tongbao nightly` over real inboxes, real
# SQLite files and real PDFs (sourced by run.sh: $TB, $T, check, ok, ko).
S=江城市疫情防控督查通报
N1=examples/inbox/jc-2026-11-20-night.xml
N2=examples/inbox/jc-2026-11-21-night.xml
NT="$T/nightly"
mkdir -p "$NT"

# nt_rc VAR CMD...: run CMD, stdout → $NT/o, stderr → $NT/e, exit status → VAR
nt_rc() { _v=$1; shift; "$@" >"$NT/o" 2>"$NT/e"; eval "$_v=\$?"; }
# nt_count DIR GLOB: how many names match
nt_count() { ls "$1" 2>/dev/null | grep -c "$2"; }
nt_bulletins() { sqlite3 "$1" "SELECT count(*) FROM bulletin" 2>/dev/null || echo 0; }

check "nightly --help documents exit codes 10 and 11" sh -c "'$TB' nightly --help | grep -q '^ *10 ' && '$TB' nightly --help | grep -q '^ *11 '"
nt_rc rc "$TB" nightly
[ $rc -eq 2 ] && ok "nightly without INBOX exits 2" || ko "nightly without INBOX exits 2" "exit $rc"
nt_rc rc "$TB" nightly "$NT/no-such-inbox" --db "$NT/none.db" --out "$NT/none"
[ $rc -eq 2 ] && grep -q 'cannot read the inbox' "$NT/e" && ok "nightly on a missing inbox exits 2" ||
    ko "nightly on a missing inbox exits 2" "exit $rc: $(cat "$NT/e")"
nt_rc rc "$TB" nightly "$NT" --jobs 0
[ $rc -eq 2 ] && ok "nightly --jobs 0 is refused" || ko "nightly --jobs 0 is refused" "exit $rc"

# ---- a mixed inbox ---------------------------------------------------------
# good files, a malformed one, the GB18030 example, an exact copy of a file
# issued earlier (by `tongbao issue`), a changed file reusing that id, and
# the same bulletin twice in the one inbox.
IN="$NT/inbox"
OUT="$NT/out"
DB="$NT/h.db"
mkdir -p "$IN"
check "nightly setup: issue night 1 by hand first" "$TB" issue "$N1" --db "$DB" -o "$NT/n1-by-hand.pdf"
for f in examples/inbox/*.xml; do cp "$f" "$IN/"; done
cp "$N2" "$IN/jc-2026-11-21-night-copy.xml"
cp tests/bad/unclosed-tag.xml "$IN/bad-unclosed.xml"
sed 's/关于11月20日夜间城区疫情防控工作暗访情况的通报/关于11月20日夜间暗访情况的通报（修改稿）/' "$N1" >"$IN/dup-changed.xml"
echo 'not xml' >"$IN/notes.txt"
nt_rc rc "$TB" nightly "$IN" --out "$OUT" --db "$DB"
[ $rc -eq 10 ] && ok "mixed inbox: exit 10 (some rejected)" || ko "mixed inbox: exit 10 (some rejected)" "exit $rc: $(cat "$NT/e")"
cp "$NT/o" "$NT/mixed.out"
cp "$NT/e" "$NT/mixed.err"
done_list=$(ls "$IN/done" 2>/dev/null | tr '\n' ' ')
want="jc-2026-11-20-night.xml jc-2026-11-21-night-copy.xml jc-2026-11-21-night.xml jianbao-10.xml wenze-2026-11.xml xs-2026-11-22-gb18030.xml "
[ "$done_list" = "$want" ] && ok "mixed inbox: the six good inputs are in done/" || ko "mixed inbox: the six good inputs are in done/" "done/ = $done_list"
rej_list=$(ls "$IN/rejected" 2>/dev/null | tr '\n' ' ')
want="bad-unclosed.xml bad-unclosed.xml.err dup-changed.xml dup-changed.xml.err "
[ "$rej_list" = "$want" ] && ok "mixed inbox: malformed and changed-duplicate in rejected/ with .err" ||
    ko "mixed inbox: malformed and changed-duplicate in rejected/ with .err" "rejected/ = $rej_list"
[ "$(nt_count "$IN" '\.xml$')" -eq 0 ] && [ -f "$IN/notes.txt" ] && ok "mixed inbox: no *.xml left, other files untouched" ||
    ko "mixed inbox: no *.xml left, other files untouched" "$(ls "$IN")"
# the .err says what `tongbao validate` says (line:col: message)
"$TB" validate "$IN/rejected/bad-unclosed.xml" 2>"$NT/val.err" >/dev/null
v=$(sed 's/^tongbao: .*bad-unclosed\.xml://' "$NT/val.err")
e=$(sed -n '1s/^.*bad-unclosed\.xml://p' "$IN/rejected/bad-unclosed.xml.err" 2>/dev/null)   # line 2: how to resubmit
[ -n "$v" ] && [ "$v" = "$e" ] && echo "$e" | grep -q '^[0-9][0-9]*:[0-9][0-9]*: ' && ok "rejected .err = validate's file:line:col message" ||
    ko "rejected .err = validate's file:line:col message" "validate: $v / err: $e"
grep -q 'jc-2026-11-20-night.*already issued as 江城市疫情防控督查通报 2026年第1期.*new id' "$IN/rejected/dup-changed.xml.err" 2>/dev/null &&
    ok "changed duplicate: .err names the issue and says to use a new id" ||
    ko "changed duplicate: .err names the issue and says to use a new id" "$(cat "$IN/rejected/dup-changed.xml.err" 2>/dev/null)"
grep -q 'rejected bad-unclosed.xml' "$NT/mixed.err" && grep -q 'rejected dup-changed.xml' "$NT/mixed.err" &&
    ok "rejections are reported on stderr" || ko "rejections are reported on stderr" "$(cat "$NT/mixed.err")"
# summary table
# (the -copy sorts first, so it is issued and night 2 itself is its duplicate)
awk '$1 == "issued" && $2 == 4 {i=1} $1 == "already" && $3 == 2 {a=1} $1 == "rejected" && $2 == 2 {r=1}
     $1 == "extracts" && $2 == 11 {x=1} $1 == "pages" {p=1} $1 == "seconds" {s=1} $1 == "bulletins/s" {b=1}
     END {exit !(i && a && r && x && p && s && b)}' "$NT/mixed.out" &&
    ok "summary: issued 4, extracts 11, already 2, rejected 2, pages, seconds, bulletins/s" ||
    ko "summary: issued 4, extracts 11, already 2, rejected 2, pages, seconds, bulletins/s" "$(cat "$NT/mixed.out")"
# the history: night 1 by hand, then the five new bulletins; nothing twice
[ "$(nt_bulletins "$DB")" = 5 ] && ok "mixed inbox: 5 bulletins in the history" || ko "mixed inbox: 5 bulletins in the history" "$(nt_bulletins "$DB")"
nums=$(sqlite3 "$DB" "SELECT group_concat(issue_no) FROM (SELECT b.issue_no FROM bulletin b JOIN series s ON s.id = b.series_id WHERE s.name = '$S' ORDER BY b.issue_no)" 2>/dev/null)
[ "$nums" = "1,2" ] && ok "mixed inbox: $S numbered 1,2" || ko "mixed inbox: $S numbered 1,2" "got $nums"
check "mixed inbox: archive verify" "$TB" archive verify --db "$DB"
# the layout: OUT/<series>/<year>/<NNN>/<series>-<year>-<NNN>.pdf + <district>.pdf
D1="$OUT/$S/2026/001"
D2="$OUT/$S/2026/002"
lay_ok=1
for p in "$D1/$S-2026-001.pdf" "$D1/东湖区.pdf" "$D1/西山区.pdf" "$D1/南江区.pdf" "$D1/北塘区.pdf" \
    "$D2/$S-2026-002.pdf" "$D2/东湖区.pdf" "$D2/西山区.pdf" "$D2/南江区.pdf" "$D2/北塘区.pdf" "$D2/江城经开区.pdf" \
    "$OUT/西山区疫情防控督查通报/2026/001/西山区疫情防控督查通报-2026-001.pdf" "$OUT/西山区疫情防控督查通报/2026/001/西山区.pdf" \
    "$OUT/江城市疫情防控问责通报/2026/001/江城市疫情防控问责通报-2026-001.pdf" \
    "$OUT/江城疫情防控工作简报/2026/010/江城疫情防控工作简报-2026-010.pdf"; do
    [ -s "$p" ] || { lay_ok=0; echo "missing: $p"; }
done
[ "$(find "$OUT" -name '*.pdf' | wc -l)" -eq 20 ] || lay_ok=0
[ $lay_ok = 1 ] && ok "outputs: series/year/NNN/ with bulletin and one PDF per district (20 PDFs)" ||
    ko "outputs: series/year/NNN/ with bulletin and one PDF per district (20 PDFs)" "$(find "$OUT" -name '*.pdf' | sort)"
[ ! -e "$OUT/江城市疫情防控问责通报/2026/001/东湖区.pdf" ] && ok "cases-only bulletin: no extracts" || ko "cases-only bulletin: no extracts" "extract found"
check "outputs: qpdf --check bulletin 2" qpdf --check "$D2/$S-2026-002.pdf"
check "outputs: qpdf --check extract" qpdf --check "$D2/江城经开区.pdf"
check "outputs: bulletin = archive export" sh -c "'$TB' archive export --db '$DB' --series '$S' --issue 2 -o '$NT/e2.pdf' >/dev/null && cmp '$NT/e2.pdf' '$D2/$S-2026-002.pdf'"
check "outputs: by-hand issue restored from the archive" cmp "$NT/n1-by-hand.pdf" "$D1/$S-2026-001.pdf"
check "outputs: extract = regen --district" sh -c "'$TB' regen --db '$DB' --series '$S' --issue 2 --district 东湖区 -o '$NT/r2.pdf' >/dev/null && cmp '$NT/r2.pdf' '$D2/东湖区.pdf'"
check "outputs: restored extract = regen --district" sh -c "'$TB' regen --db '$DB' --series '$S' --issue 1 --district 北塘区 -o '$NT/r1.pdf' >/dev/null && cmp '$NT/r1.pdf' '$D1/北塘区.pdf'"
# extracts store their font programs unfiltered (pdf.h: deflating them was
# half an extract's CPU); the bulletin, which the archive keeps, deflates
# them; both embed subsets of every face
xf=$(grep -a -e '/Subtype /CIDFontType0C' -e '/Length1 ' "$D2/东湖区.pdf")
bf=$(grep -a -e '/Subtype /CIDFontType0C' -e '/Length1 ' "$D2/$S-2026-002.pdf")
[ -n "$xf" ] && ! printf '%s\n' "$xf" | grep -q FlateDecode && [ -n "$bf" ] &&
    [ "$(printf '%s\n' "$bf" | grep -c FlateDecode)" -eq "$(printf '%s\n' "$bf" | wc -l)" ] &&
    pdffonts "$D2/东湖区.pdf" | awk 'NR > 2 {n++; if ($(NF-4) != "yes" || $(NF-3) != "yes") bad = 1} END {exit bad || !n}' &&
    ok "extract: font programs embedded as subsets, unfiltered; the bulletin's deflated" ||
    ko "extract: font programs embedded as subsets, unfiltered; the bulletin's deflated" "$(printf '%s\n' "$xf" "$bf" | head -c 400; pdffonts "$D2/东湖区.pdf")"
pdftotext "$D2/东湖区.pdf" - 2>/dev/null | tr -d ' \n' >"$NT/x.txt"
grep -q '东湖区：' "$NT/x.txt" && grep -q 'JC2026-002-' "$NT/x.txt" && ! grep -q '西山区石桥' "$NT/x.txt" &&
    ok "extract: addressed to its district, its findings with IDs only" || ko "extract: addressed to its district, its findings with IDs only" "$(head -c 300 "$NT/x.txt")"
[ -z "$(find "$OUT" "$IN" \( -name '*.tmp.*' -o -name '.*.tmp' \))" ] && ok "no temporary files left" || ko "no temporary files left" "$(find "$OUT" "$IN" \( -name '*.tmp.*' -o -name '.*.tmp' \))"

# ---- running again is a no-op ----------------------------------------------
before=$(cd "$NT" && find inbox out -type f | sort | xargs cksum | cksum)
nt_rc rc "$TB" nightly "$IN" --out "$OUT" --db "$DB"
after=$(cd "$NT" && find inbox out -type f | sort | xargs cksum | cksum)
[ $rc -eq 0 ] && [ "$before" = "$after" ] && [ "$(nt_bulletins "$DB")" = 5 ] && ok "re-run: no-op, exit 0" ||
    ko "re-run: no-op, exit 0" "exit $rc, files changed: $([ "$before" = "$after" ] && echo no || echo yes): $(cat "$NT/e")"
nt_rc rc "$TB" nightly "$IN" --out "$OUT" --db "$DB" --quiet
[ $rc -eq 0 ] && [ ! -s "$NT/o" ] && [ ! -s "$NT/e" ] && ok "--quiet: silent when all is well" || ko "--quiet: silent when all is well" "exit $rc: $(cat "$NT/o" "$NT/e")"

# ---- an issued input back in the inbox: missing outputs come back ----------
mv "$IN/done/jc-2026-11-21-night.xml" "$IN/"
rm -f "$D2/$S-2026-002.pdf" "$D2/西山区.pdf"
nt_rc rc "$TB" nightly "$IN" --out "$OUT" --db "$DB"
[ $rc -eq 0 ] && cmp -s "$NT/e2.pdf" "$D2/$S-2026-002.pdf" && [ -s "$D2/西山区.pdf" ] && [ -f "$IN/done/jc-2026-11-21-night.xml" ] &&
    [ "$(nt_bulletins "$DB")" = 5 ] && grep -q '2 missing output files written from the archive' "$NT/o" &&
    ok "issued input again: missing PDFs restored, nothing issued" ||
    ko "issued input again: missing PDFs restored, nothing issued" "exit $rc: $(cat "$NT/o" "$NT/e")"

# ---- damaged outputs: an issued input back in the inbox gets them rewritten ---
# (what a crash can leave: a cut-off or empty file, a temporary of the writer)
mv "$IN/done/jc-2026-11-21-night.xml" "$IN/"
cp "$D2/东湖区.pdf" "$NT/dh-ok.pdf"
cp "$D2/西山区.pdf" "$NT/xs-ok.pdf"
head -c 2000 "$NT/dh-ok.pdf" >"$D2/东湖区.pdf"
: >"$D2/西山区.pdf"
: >"$D2/$S-2026-002.pdf"
echo partial >"$D2/南江区.pdf.tmp.99999"
nt_rc rc "$TB" nightly "$IN" --out "$OUT" --db "$DB"
[ $rc -eq 0 ] && cmp -s "$NT/e2.pdf" "$D2/$S-2026-002.pdf" && cmp -s "$NT/dh-ok.pdf" "$D2/东湖区.pdf" &&
    cmp -s "$NT/xs-ok.pdf" "$D2/西山区.pdf" && [ ! -e "$D2/南江区.pdf.tmp.99999" ] &&
    [ -f "$IN/done/jc-2026-11-21-night.xml" ] && grep -q '3 missing output files written from the archive' "$NT/o" &&
    ok "issued input again: cut-off and empty PDFs rewritten, temporaries swept" ||
    ko "issued input again: cut-off and empty PDFs rewritten, temporaries swept" "exit $rc: $(cat "$NT/o" "$NT/e")"

# ---- outputs that cannot be written: issued all the same, the input stays ------
WIN="$NT/wfail"
WOUT="$NT/wfail-out"
WDB="$NT/wfail.db"
mkdir -p "$WIN" "$WOUT"
cp "$N1" "$WIN/"
: >"$WOUT/$S"   # a file where the series' directory goes
nt_rc rc "$TB" nightly "$WIN" --out "$WOUT" --db "$WDB"
[ $rc -eq 6 ] && grep -q "issued and archived as $S 2026年第1期, but its files are not all written" "$NT/e" &&
    [ -f "$WIN/jc-2026-11-20-night.xml" ] && [ ! -d "$WIN/done" ] && [ "$(nt_bulletins "$WDB")" = 1 ] &&
    ok "outputs not writable: exit 6, issued and archived, input left in the inbox" ||
    ko "outputs not writable: exit 6, issued and archived, input left in the inbox" "exit $rc: $(cat "$NT/o" "$NT/e")"
rm -f "$WOUT/$S"
nt_rc rc "$TB" nightly "$WIN" --out "$WOUT" --db "$WDB"
[ $rc -eq 0 ] && [ -f "$WIN/done/jc-2026-11-20-night.xml" ] && [ "$(find "$WOUT" -name '*.pdf' | wc -l)" -eq 5 ] &&
    [ "$(nt_bulletins "$WDB")" = 1 ] && ok "outputs not writable, fixed: the next run writes them from the archive" ||
    ko "outputs not writable, fixed: the next run writes them from the archive" "exit $rc: $(cat "$NT/o" "$NT/e")"

# ---- a new file under a name done/ already has: both kept ----------------------
# (dated after the issues before it: 期号 follow dates)
sed 's/id="jc-2026-11-20-night"/id="same-name"/; s|<date>2026-11-21</date>|<date>2026-11-23</date>|' "$N1" >"$IN/jc-2026-11-20-night.xml"
nt_rc rc "$TB" nightly "$IN" --out "$OUT" --db "$DB" --quiet
[ $rc -eq 0 ] && grep -q 'id="same-name"' "$IN/done/jc-2026-11-20-night.2.xml" 2>/dev/null &&
    grep -q 'id="jc-2026-11-20-night"' "$IN/done/jc-2026-11-20-night.xml" && [ -s "$OUT/$S/2026/003/$S-2026-003.pdf" ] &&
    ok "same file name as one in done/: issued as 第3期, kept as NAME.2.xml" ||
    ko "same file name as one in done/: issued as 第3期, kept as NAME.2.xml" "exit $rc: $(ls "$IN/done") $(cat "$NT/e")"

# ---- --dry-run writes nothing ------------------------------------------------
DIN="$NT/dry"
mkdir -p "$DIN"
cp examples/inbox/*.xml tests/bad/unclosed-tag.xml "$DIN/"
before=$(ls -R "$DIN" | cksum)
nt_rc rc "$TB" nightly "$DIN" --out "$NT/dry-out" --db "$NT/dry.db" --dry-run
[ $rc -eq 10 ] && [ "$(ls -R "$DIN" | cksum)" = "$before" ] && [ ! -e "$NT/dry-out" ] && [ ! -e "$NT/dry.db" ] &&
    [ ! -e "$NT/dry.db.nightly.lock" ] && ok "--dry-run on a new database: exit 10, writes and moves nothing" ||
    ko "--dry-run on a new database: exit 10, writes and moves nothing" "exit $rc: $(ls -R "$DIN" "$NT" | head -20)"
grep -q "would issue jc-2026-11-21-night.xml as $S 2026年第2期" "$NT/o" && grep -q 'would reject unclosed-tag.xml' "$NT/e" &&
    ok "--dry-run shows the numbers it would give and the rejections" || ko "--dry-run shows the numbers it would give and the rejections" "$(cat "$NT/o" "$NT/e")"
n0=$(nt_bulletins "$DB")
sum0=$(sqlite3 "$DB" "SELECT group_concat(pdf_sha256) FROM bulletin" 2>/dev/null)
mkdir -p "$NT/dry2"
sed 's/id="jc-2026-11-20-night"/id="dry-new"/; s|<date>2026-11-21</date>|<date>2026-11-24</date>|' "$N1" >"$NT/dry2/new.xml"
cp "$N2" "$NT/dry2/"
nt_rc rc "$TB" nightly "$NT/dry2" --out "$NT/dry-out" --db "$DB" --dry-run
[ $rc -eq 0 ] && grep -q "would issue new.xml as $S 2026年第4期" "$NT/o" && grep -q 'already  jc-2026-11-21-night.xml' "$NT/o" &&
    [ "$(nt_bulletins "$DB")" = "$n0" ] && [ "$(sqlite3 "$DB" "SELECT group_concat(pdf_sha256) FROM bulletin")" = "$sum0" ] &&
    [ ! -e "$NT/dry-out" ] && [ -f "$NT/dry2/new.xml" ] && ok "--dry-run on the history: next number, already issued, nothing recorded" ||
    ko "--dry-run on the history: next number, already issued, nothing recorded" "exit $rc: $(cat "$NT/o" "$NT/e")"

# ---- a bulletin that fails to render mid-series: the later ones are renumbered
# (their commit comes back stale, they are reserved and rendered again)
SIN="$NT/stale"
mkdir -p "$SIN"
sed 's/id="jc-2026-11-20-night"/id="st-a"/' "$N1" >"$SIN/a.xml"
sed 's/id="jc-2026-11-20-night"/id="st-b"/; s/北门无人值守/北门无人值守，值守人员𠀀某缺岗/' "$N1" >"$SIN/b.xml"
sed 's/id="jc-2026-11-20-night"/id="st-c"/' "$N1" >"$SIN/c.xml"
sed 's/id="jc-2026-11-20-night"/id="st-d"/' "$N1" >"$SIN/d.xml"
nt_rc rc "$TB" nightly "$SIN" --out "$NT/stale-out" --db "$NT/stale.db" --jobs 2
nums=$(sqlite3 "$NT/stale.db" "SELECT group_concat(input_id || '=' || issue_no) FROM (SELECT input_id, issue_no FROM bulletin ORDER BY issue_no)" 2>/dev/null)
[ $rc -eq 10 ] && [ "$nums" = "st-a=1,st-c=2,st-d=3" ] && grep -q 'U+20000' "$SIN/rejected/b.xml.err" 2>/dev/null &&
    pdftotext "$NT/stale-out/$S/2026/002/$S-2026-002.pdf" - 2>/dev/null | tr -d ' \n' | grep -q 'JC2026-\?002-\?001' &&
    ok "render failure mid-series: rejected, later bulletins renumbered 2, 3 and re-rendered" ||
    ko "render failure mid-series: rejected, later bulletins renumbered 2, 3 and re-rendered" "exit $rc, $nums: $(cat "$NT/e")"

# ---- a batch longer than one numbering part (64 items, nightly_batch.c):
# the next part is numbered while the one before renders, after the items
# in flight; numbers, repeat chains and bytes as two runs that each number
# their half at once (no part ahead), with nothing renumbered
AIN="$NT/ahead"
mkdir -p "$AIN" "$NT/ahead-1" "$NT/ahead-2"
A=72
i=0
while [ $i -lt $A ]; do
    i=$((i + 1))
    n=$(printf '%02d' $i)
    sed "s/id=\"jc-2026-11-20-night\"/id=\"ah-$n\"/" "$N1" >"$AIN/a$n.xml"
    if [ $i -le 36 ]; then cp "$AIN/a$n.xml" "$NT/ahead-1/"; else cp "$AIN/a$n.xml" "$NT/ahead-2/"; fi
done
nt_rc rc env TONGBAO_NIGHTLY_TIMES=1 "$TB" nightly "$AIN" --out "$NT/ahead-out" --db "$NT/ahead.db" --jobs 2
ah_e=$(cat "$NT/e")
"$TB" nightly "$NT/ahead-1" --out "$NT/ahead-out2" --db "$NT/ahead2.db" --jobs 2 >/dev/null 2>&1 &&
    env TONGBAO_NIGHTLY_TIMES=1 "$TB" nightly "$NT/ahead-2" --out "$NT/ahead-out2" --db "$NT/ahead2.db" --jobs 2 >/dev/null 2>"$NT/e2"
ah_q="SELECT group_concat(issue_no || ':' || pdf_sha256 || ':' || n_repeats, ' ') FROM (SELECT * FROM bulletin ORDER BY issue_no)"
ah_a=$(sqlite3 "$NT/ahead.db" "$ah_q" 2>/dev/null)
ah_b=$(sqlite3 "$NT/ahead2.db" "$ah_q" 2>/dev/null)
if [ $rc -eq 0 ] && echo "$ah_e" | grep -q '([1-9][0-9]* parts ahead, 0 renumbered)' && grep -q '(0 parts ahead, 0 renumbered)' "$NT/e2" &&
    [ -n "$ah_a" ] && [ "$ah_a" = "$ah_b" ] && [ "$(sqlite3 "$NT/ahead.db" "SELECT max(issue_no) || '/' || (SELECT max(repeat_count) FROM finding) FROM bulletin")" = "$A/$A" ] &&
    [ "$(nt_count "$AIN/done" '\.xml$')" -eq $A ]; then
    ok "$A inputs: the second part numbered ahead, none renumbered; numbers, repeats and PDFs as two runs of $((A / 2))"
else ko "$A inputs: the second part numbered ahead, none renumbered; numbers, repeats and PDFs as two runs of $((A / 2))" \
    "exit $rc; $(echo "$ah_e" | grep 'reserve'); $(grep reserve "$NT/e2"); same: $([ "$ah_a" = "$ah_b" ] && echo yes || echo no)"; fi

# ---- templates: a missing one rejects its input, a broken one holds it ------------
TIN="$NT/tpl-inbox"
mkdir -p "$TIN" "$NT/tpl"
printf '<template name="broken"><page' >"$NT/tpl/broken.xml"
sed 's/id="jc-2026-11-20-night"/id="tpl-broken"/; s/template="dubao"/template="broken"/' "$N1" >"$TIN/a-broken.xml"
sed 's/id="jc-2026-11-20-night"/id="tpl-nosuch"/; s/template="dubao"/template="nosuch"/' "$N1" >"$TIN/b-nosuch.xml"
cp examples/inbox/wenze-2026-11.xml "$TIN/c-wenze.xml"
TONGBAO_TEMPLATES="$NT/tpl" "$TB" nightly "$TIN" --out "$NT/tpl-out" --db "$NT/tpl.db" >"$NT/o" 2>"$NT/e"
rc=$?
[ $rc -eq 5 ] && [ -f "$TIN/a-broken.xml" ] && grep -q 'left a-broken.xml in the inbox' "$NT/e" &&
    grep -q 'no template "nosuch"' "$TIN/rejected/b-nosuch.xml.err" 2>/dev/null && [ -f "$TIN/done/c-wenze.xml" ] &&
    ok "broken template: its input stays in the inbox (exit 5); unknown template: rejected; others go on" ||
    ko "broken template: its input stays in the inbox (exit 5); unknown template: rejected; others go on" "exit $rc: $(cat "$NT/o" "$NT/e")"

# ---- a second nightly while one runs -----------------------------------------
LIN="$NT/lock"
mkdir -p "$LIN"
cp "$N2" "$LIN/"
if command -v flock >/dev/null 2>&1; then
    flock -o "$NT/l.db.nightly.lock" sleep 3 &
    holder=$!
    sleep 0.3
else
    # no flock(1): a slow run holds the lock
    mkdir -p "$NT/slow"
    for k in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
        sed "s/id=\"jc-2026-11-20-night\"/id=\"slow-$k\"/" "$N1" >"$NT/slow/s$k.xml"
    done
    "$TB" nightly "$NT/slow" --out "$NT/slow-out" --db "$NT/l.db" --quiet >/dev/null 2>&1 &
    holder=$!
    sleep 0.5
fi
t0=$(date +%s)
nt_rc rc "$TB" nightly "$LIN" --out "$NT/lock-out" --db "$NT/l.db"
t1=$(date +%s)
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ $rc -eq 11 ] && [ $((t1 - t0)) -le 2 ] && grep -q 'another nightly is running' "$NT/e" && [ -f "$LIN/jc-2026-11-21-night.xml" ] &&
    [ ! -e "$NT/lock-out" ] && ok "second nightly on a locked database: exit 11 at once, nothing done" ||
    ko "second nightly on a locked database: exit 11 at once, nothing done" "exit $rc in $((t1 - t0)) s: $(cat "$NT/e")"
nt_rc rc "$TB" nightly "$LIN" --out "$NT/lock-out" --db "$NT/l.db" --quiet
[ $rc -eq 0 ] && [ -f "$LIN/done/jc-2026-11-21-night.xml" ] && ok "after the lock is released the run goes through" ||
    ko "after the lock is released the run goes through" "exit $rc: $(cat "$NT/e")"

# ---- kill -9 mid-run, three times; the next run completes the night ---------
KIN="$NT/kill"
KDB="$NT/k.db"
KOUT="$NT/kout"
mkdir -p "$KIN"
K=24   # enough that group commit (a window of items a transaction) leaves some for the third kill
i=0
while [ $i -lt $K ]; do
    i=$((i + 1))
    n=$(printf '%02d' $i)
    sed "s/id=\"jc-2026-11-20-night\"/id=\"kill-$n\"/" "$N1" >"$KIN/k$n.xml"
done
# Three real SIGKILLs, each landing at a known step: the crash points
# (src/crash.h) with ":stop" make the run stop itself there (SIGSTOP) after
# saying so on stderr, and the kill arrives while it is stopped.  Without
# them the batch can finish before the first kill (nothing killed at all).
# After a commit, between two renames of a batch, after a move to done/.
partial=""
landed=0
for at in tx-committed:3 nightly-renamed:7 nightly-done:2; do
    # emptied here, not only by the child's redirection: the poll below may
    # run before the child has opened the file, and must not see the last
    # run's marker
    : >"$NT/kill.err"
    TONGBAO_CRASH_AT=$at:stop "$TB" nightly "$KIN" --out "$KOUT" --db "$KDB" --jobs 2 --quiet >/dev/null 2>"$NT/kill.err" &
    pid=$!
    w=0
    while [ $w -lt 1200 ] && ! grep -q 'crash point' "$NT/kill.err" && kill -0 $pid 2>/dev/null; do
        sleep 0.05      # polling for the marker, not timing the kill
        w=$((w + 1))
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    st=$?
    k=$(nt_count "$KIN/done" '\.xml$')
    grep -q "^tongbao: crash point ${at%%:*} #${at#*:} " "$NT/kill.err" && [ $st -eq 137 ] && [ "$k" -lt $K ] &&
        landed=$((landed + 1))
    partial="$partial $at:$k/$K"
done
[ $landed -eq 3 ] && ok "kill -9 mid-run: all three kills landed at their step, before the night was done (done/ after each:$partial)" ||
    ko "kill -9 mid-run: all three kills landed at their step, before the night was done (done/ after each:$partial)" "$landed landed; last stderr: $(cat "$NT/kill.err")"
nt_rc rc "$TB" nightly "$KIN" --out "$KOUT" --db "$KDB"
nums=$(sqlite3 "$KDB" "SELECT group_concat(issue_no) FROM (SELECT issue_no FROM bulletin ORDER BY issue_no)" 2>/dev/null)
want=$(seq -s, 1 $K)
[ $rc -eq 0 ] && [ "$nums" = "$want" ] && ok "kill -9 then re-run: $K bulletins numbered 1..$K, no gap, no duplicate (done after kills:$partial)" ||
    ko "kill -9 then re-run: $K bulletins numbered 1..$K, no gap, no duplicate (done after kills:$partial)" "exit $rc, numbers $nums: $(cat "$NT/e")"
ids=$(sqlite3 "$KDB" "SELECT count(DISTINCT input_id) FROM bulletin" 2>/dev/null)
[ "$ids" = $K ] && ok "kill -9 then re-run: one bulletin per input id" || ko "kill -9 then re-run: one bulletin per input id" "distinct ids $ids"
check "kill -9 then re-run: archive verify" "$TB" archive verify --db "$KDB"
[ "$("$TB" archive list --db "$KDB" | grep -c '第')" -eq $K ] && ok "kill -9 then re-run: archive list has $K issues" ||
    ko "kill -9 then re-run: archive list has $K issues" "$("$TB" archive list --db "$KDB")"
[ "$(nt_count "$KIN/done" '\.xml$')" -eq $K ] && [ "$(nt_count "$KIN" '\.xml$')" -eq 0 ] && [ ! -d "$KIN/rejected" ] &&
    ok "kill -9 then re-run: every input in done/" || ko "kill -9 then re-run: every input in done/" "$(ls -R "$KIN")"
kb=$(find "$KOUT" -name "$S-2026-*.pdf" | wc -l)
kx=$(find "$KOUT" -name '*区.pdf' | wc -l)
[ "$kb" -eq $K ] && [ "$kx" -eq $((K * 4)) ] && [ -z "$(find "$KOUT" \( -name '*.tmp.*' -o -name '.*.tmp' \))" ] &&
    ok "kill -9 then re-run: every bulletin and extract written, no temporary files" ||
    ko "kill -9 then re-run: every bulletin and extract written, no temporary files" "$kb bulletins, $kx extracts: $(find "$KOUT" \( -name '*.tmp.*' -o -name '.*.tmp' \))"
kbad=0
for d in "$KOUT/$S"/2026/*/; do
    no=$(basename "$d")
    "$TB" archive export --db "$KDB" --series "$S" --issue "$((1$no - 1000))" -o "$NT/kx.pdf" >/dev/null 2>&1 &&
        cmp -s "$NT/kx.pdf" "$d$S-2026-$no.pdf" || kbad=$((kbad + 1))
done
[ $kbad -eq 0 ] && ok "kill -9 then re-run: every bulletin PDF = its archive copy" || ko "kill -9 then re-run: every bulletin PDF = its archive copy" "$kbad differ"

# ---- on a terminal: a progress bar (needs script(1)) ------------------------------
if command -v script >/dev/null 2>&1; then
    PIN="$NT/tty"
    mkdir -p "$PIN"
    cp "$N2" "$PIN/"
    script -qec "'$TB' nightly '$PIN' --out '$NT/tty-out' --db '$NT/tty.db'" /dev/null >"$NT/tty.txt" 2>&1
    if grep -q "$(printf '\r')\\[#*-*\\] [0-9]*/1 files" "$NT/tty.txt" && grep -q 'bulletins/s' "$NT/tty.txt"; then
        ok "on a terminal: progress bar with files and pages"
    else ko "on a terminal: progress bar with files and pages" "$(tr '\r' '|' <"$NT/tty.txt" | head -c 400)"; fi
fi
