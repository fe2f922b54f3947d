# tests/e2e_escalate.sh — issue 16: the 信函格式 furniture (GB/T 9704 10.1)
# and tongbao escalate (督办通知书, 提醒, 告诫) over a multi-night history
# (sourced by run.sh).  Geometry is measured by tests/letter_geom.py with
# poppler (pdftotext -bbox-layout for the text, pdftoppm's pixels for the
# red rules); every escalation is checked in the database with sqlite3.
ED="$T/escalate"
e_eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1" "got «$2», want «$3»"; fi; }
mkdir -p "$ED"
PY3=${PY3:-python3}

# e_geom PDF MARK DOCNUM: letter_geom.py's figures into $ED/geom
e_geom() { "$PY3" tests/letter_geom.py "$1" "$2" "$3" >"$ED/geom" 2>&1; }
e_fig() { awk -v k="$1" '$1 == k { print $2 }' "$ED/geom"; }
e_rule() { awk -v n="$1" -v f="$2" '$1 == "rule" && $2 == n { print $(f + 2) }' "$ED/geom"; }
# e_near NAME GOT WANT TOL: |GOT - WANT| <= TOL (mm)
e_near() {
    if [ -n "$2" ] && awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= t) }'; then ok "$1"
    else ko "$1" "got ${2:-nothing}, want $3 ± $4 mm ($(tr '\n' ' ' <"$ED/geom"))"; fi
}
# e_letterhead PREFIX PDF MARK DOCNUM MARKSIZE_MM: the furniture of 10.1
e_letterhead() {
    e_geom "$2" "$3" "$4"
    e_near "$1: the mark's top 30 mm below the paper's top edge" "$(e_fig mark_top)" 30 0.4
    mb=$(e_fig mark_bottom)
    e_near "$1: thick rule 4 mm below the mark" "$(e_rule 1 1)" "$(awk -v b="$mb" 'BEGIN { print b + 4 }')" 0.4
    e_near "$1: the first rule is thick (0.8 mm)" "$(awk -v a="$(e_rule 1 1)" -v b="$(e_rule 1 2)" 'BEGIN { print b - a }')" 0.8 0.15
    e_near "$1: thin rule (0.3 mm) under it" "$(awk -v a="$(e_rule 2 1)" -v b="$(e_rule 2 2)" 'BEGIN { print b - a }')" 0.3 0.15
    e_near "$1: 0.8 mm between the top rules" "$(awk -v a="$(e_rule 1 2)" -v b="$(e_rule 2 1)" 'BEGIN { print b - a }')" 0.8 0.15
    e_near "$1: the 发文字号 7/8 of a 3号 character under the rule" "$(e_fig docnum_top)" "$(awk -v b="$(e_rule 2 2)" 'BEGIN { print b + 16 * 7 / 8 * 25.4 / 72 }')" 0.4
    e_near "$1: the 发文字号 flush right in the block" "$(e_fig docnum_right)" 184 0.4
    e_near "$1: the bottom rules: thin over thick" "$(awk -v a="$(e_rule 3 1)" -v b="$(e_rule 3 2)" 'BEGIN { print b - a }')" 0.3 0.15
    e_near "$1: the lower rule's bottom edge 20 mm above the bottom edge" "$(awk -v b="$(e_rule 4 2)" 'BEGIN { print 297 - b }')" 20 0.3
    e_near "$1: the lower rule is thick (0.8 mm)" "$(awk -v a="$(e_rule 4 1)" -v b="$(e_rule 4 2)" 'BEGIN { print b - a }')" 0.8 0.15
    for k in 1 2 3 4; do
        e_near "$1: rule $k is 170 mm long" "$(awk -v a="$(e_rule $k 3)" -v b="$(e_rule $k 4)" 'BEGIN { print b - a }')" 170 0.3
        e_near "$1: rule $k centred on the paper" "$(e_rule $k 3)" 20 0.3
    done
    e_eq "$1: four red rules on page 1" "$(grep -c '^rule ' "$ED/geom")" 4
    e_eq "$1: no page number on page 1" "$(awk '$1 == "folio" && $2 == 1 { print $3 }' "$ED/geom")" no
    if grep -q '^folio 2 ' "$ED/geom"; then
        e_eq "$1: page 2 has its number" "$(awk '$1 == "folio" && $2 == 2 { print $3 }' "$ED/geom")" yes
    fi
}

# ---- the furniture alone: a bulletin in a letterhead template ---------------
if "$TB" render examples/inbox/jc-2026-11-21-night.xml -t tests/letter/letterhead.xml -o "$ED/lh.pdf" >"$ED/lh.out" 2>&1; then
    ok "letterhead: a template with page-top=, page-bottom=, length= and first=\"no\" renders"
    e_letterhead letterhead "$ED/lh.pdf" 江城市疫情防控 江防督
else ko "letterhead: a template with page-top=, page-bottom=, length= and first=\"no\" renders" "$(cat "$ED/lh.out")"; fi

# templates that place an item twice, or promise letters without levels:
# exit 5, the message, nothing written
for f in tests/letter/bad-*.xml; do
    n=$(basename "$f" .xml)
    "$TB" render examples/inbox/jc-2026-11-20-night.xml -t "$f" -o "$ED/$n.pdf" >/dev/null 2>"$ED/bad.err"; rc=$?
    if [ $rc -eq 5 ] && grep -qF -- "$(cat "tests/letter/$n.expect")" "$ED/bad.err" && [ ! -e "$ED/$n.pdf" ]; then ok "template $n refused"
    else ko "template $n refused" "exit $rc: $(cat "$ED/bad.err")"; fi
done

# ---- tongbao escalate over a multi-night history ------------------------------
# tests/scenario (its README): 第1期 on 03-02 (deadlines 03-03), two findings
# put right on 03-03; letters on 03-04 (督办), 第2期 on 03-04, rect-1.xml on
# 03-05 (two put right, one reopened), letters on 03-10 (提醒 for those
# escalated before, 督办 for the others), letters on 03-16 (告诫).
EDB="$ED/h.db"
QX=青溪市疫情防控督查通报
SC=tests/scenario
e_sql() { sqlite3 "$EDB" "$1" 2>&1; }
e_text() { pdftotext -nopgbrk "$1" - 2>/dev/null | grep -v '^ *— *[0-9]* *— *$' | tr -d ' \n'; }
e_has() { if e_text "$2" | grep -qF -- "$3"; then ok "$1"; else ko "$1" "not in $(basename "$2"): $3 — $(e_text "$2" | head -c 400)"; fi; }
e_hasnt() { if e_text "$2" | grep -qF -- "$3"; then ko "$1" "found $3 in $(basename "$2")"; else ok "$1"; fi; }
e_files() { (cd "$1" 2>/dev/null && ls | tr '\n' ' '); }
e_run() { # e_run NAME ARGS...: escalate on $EDB, output in $ED/o, $ED/e, rc in $erc
    n=$1; shift
    "$TB" escalate --db "$EDB" "$@" >"$ED/o" 2>"$ED/e"; erc=$?
}

"$TB" issue $SC/qx-1.xml --db "$EDB" -o "$ED/1.pdf" >/dev/null 2>&1 &&
    "$TB" rectify QX2026-001-002 QX2026-001-005 --done --date 2026-03-03 --db "$EDB" >/dev/null 2>&1 &&
    ok "escalate scenario: 第1期 issued, two findings put right" || ko "escalate scenario: 第1期 issued, two findings put right" "see $ED"

# --dry-run says, records and writes nothing
e_run dry --today 2026-03-04 --out "$ED/L1" --dry-run
if [ $erc -eq 0 ] && grep -q '^河东区: would send 青防督函〔2026〕1号 督办通知书, 1 finding (QX2026-001-001 督办)' "$ED/o" &&
    [ "$(e_sql 'SELECT count(*) FROM escalation')" = 0 ] && [ ! -e "$ED/L1" ]; then ok "escalate --dry-run: what would be sent, nothing recorded or written"
else ko "escalate --dry-run: what would be sent, nothing recorded or written" "exit $erc: $(cat "$ED/o" "$ED/e")"; fi

# night 1: 督办通知书 to the three that have overdue findings
e_run first --today 2026-03-04 --out "$ED/L1"
e_eq "escalate 03-04: exit 0" "$erc" 0
e_eq "escalate 03-04: one letter per district with overdue findings" "$(e_files "$ED/L1")" \
    "市卫生健康委-督办通知书.pdf 河东区-督办通知书.pdf 河西区-督办通知书.pdf "
e_eq "escalate 03-04: every overdue finding recorded once, at level 督办 (n 1), with its letter" \
    "$(e_sql "SELECT group_concat(x, ' ') FROM (SELECT e.finding_id || ':' || e.n || ':' || e.level || ':' || l.doc_number AS x FROM escalation e JOIN letter l ON l.id = e.letter_id ORDER BY e.finding_id)")" \
    "QX2026-001-001:1:督办:青防督函〔2026〕1号 QX2026-001-003:1:督办:青防督函〔2026〕2号 QX2026-001-004:1:督办:青防督函〔2026〕3号 QX2026-001-006:1:督办:青防督函〔2026〕2号"
e_eq "escalate 03-04: letters numbered 1-3 in their own 发文字号 series, new deadline 3 working days on (Mon 03-09)" \
    "$(e_sql "SELECT group_concat(letter_no || ':' || district || ':' || new_deadline || ':' || date, ' ') FROM letter")" \
    "1:河东区:2026-03-09:2026-03-04 2:河西区:2026-03-09:2026-03-04 3:市卫生健康委:2026-03-09:2026-03-04"
L=$ED/L1/河西区-督办通知书.pdf
e_has "督办通知书: title" "$L" "关于河西区逾期未整改问题的督办通知书"
e_has "督办通知书: 主送 and the level's lead" "$L" "河西区：你区以下2个问题已超过整改时限，至今未整改到位。现予以督办："
e_has "督办通知书: a finding with its ID, 期号, place, problem and deadline" "$L" "1．QX2026-001-003（第1期通报）：西门街道柳营社区柳营新村卡点夜间无人值守，整改时限3月3日17：00。"
e_has "督办通知书: the new deadline and where to report" "$L" "请你区于3月9日前整改到位，并将整改情况书面报送"
e_has "督办通知书: 发文字号, 署名 and date" "$L" "青防督函〔2026〕2号"
e_has "督办通知书: the level's warning" "$L" "逾期仍未整改到位的，将予以提醒并通报。"
e_hasnt "督办通知书: a finding put right is not chased" "$ED/L1/河东区-督办通知书.pdf" "QX2026-001-002"
e_hasnt "督办通知书: no 印发 in a letter's 版记" "$L" "印发"
e_letterhead "督办通知书" "$L" 青溪市疫情防控 青防督函
if pdffonts "$L" 2>/dev/null | awk 'NR > 2 && $(NF - 4) != "yes" { bad = 1 } END { exit bad }' && qpdf --check "$L" >/dev/null 2>&1; then
    ok "督办通知书: qpdf --check clean, every font embedded"
else ko "督办通知书: qpdf --check clean, every font embedded" "$(qpdf --check "$L" 2>&1 | tail -2)"; fi
e_eq "督办通知书: one page" "$(pdfinfo "$L" 2>/dev/null | awk '/^Pages:/ { print $2 }')" 1

# the same day again: nothing new; a letter lost from DIR comes back from the archive
rm "$ED/L1/河东区-督办通知书.pdf"
e_run again --today 2026-03-04 --out "$ED/L1"
"$TB" archive export --db "$EDB" --series $QX --letter 1 -o "$ED/a1.pdf" >/dev/null 2>&1
if [ $erc -eq 0 ] && grep -q 'nothing new to send on 2026-03-04' "$ED/o" && [ "$(e_sql 'SELECT count(*) FROM escalation')" = 4 ] &&
    [ "$(e_sql 'SELECT count(*) FROM letter')" = 3 ] && cmp -s "$ED/L1/河东区-督办通知书.pdf" "$ED/a1.pdf"; then
    ok "escalate twice on 03-04: nothing new recorded, the lost letter written again from the archive"
else ko "escalate twice on 03-04: nothing new recorded, the lost letter written again from the archive" "exit $erc: $(cat "$ED/o" "$ED/e")"; fi

# findings and ledger show the level
"$TB" findings --db "$EDB" --series $QX >"$ED/f.txt" 2>&1
grep -q '^QX2026-001-003 .*督办(1)' "$ED/f.txt" && ! grep -q '^QX2026-001-002 .*督办' "$ED/f.txt" &&
    ok "findings: the LETTERS column says the level and how many" || ko "findings: the LETTERS column says the level and how many" "$(cat "$ED/f.txt")"

# night 2: 第2期 says 已督办1次 of each overdue finding of 第1期
"$TB" issue $SC/qx-2.xml --db "$EDB" -o "$ED/2.pdf" >/dev/null 2>&1
e_has "第2期: 上期整改情况 says 已督办1次" "$ED/2.pdf" "逾期未整改的分别是：河东区新华社区新华小区（QX2026-001-001，已督办1次）、河西区柳营社区柳营新村（QX2026-001-003，已督办1次）"
"$TB" regen --db "$EDB" --series $QX --issue 2 -o "$ED/r2.pdf" >/dev/null 2>&1
cmp -s "$ED/2.pdf" "$ED/r2.pdf" && ok "第2期: regen byte-identical (已督办 kept with the issue)" || ko "第2期: regen byte-identical (已督办 kept with the issue)" "differs"
"$TB" rectify --file $SC/rect-1.xml --db "$EDB" >/dev/null 2>&1

# --after: overdue by 10 days or more: nobody yet
e_run after --today 2026-03-10 --after 10 --out "$ED/L2" --dry-run
grep -q 'nothing is overdue by that many days' "$ED/o" && ok "escalate --after 10: nothing that late" || ko "escalate --after 10: nothing that late" "$(cat "$ED/o" "$ED/e")"

# night 3 (03-10): levels rise for those escalated before; the rectified drop out
e_run second --today 2026-03-10 --out "$ED/L2"
e_eq "escalate 03-10: exit 0" "$erc" 0
e_eq "escalate 03-10: the level rises for a finding escalated before (n 2, 提醒)" \
    "$(e_sql "SELECT group_concat(finding_id || ':' || n || ':' || level, ' ') FROM escalation WHERE date = '2026-03-10' AND finding_id LIKE 'QX2026-001-%'")" \
    "QX2026-001-002:1:督办 QX2026-001-003:2:提醒 QX2026-001-004:2:提醒"
e_eq "escalate 03-10: rectified findings drop out (001-001, 001-006, 002-001)" \
    "$(e_sql "SELECT count(*) FROM escalation WHERE date = '2026-03-10' AND finding_id IN ('QX2026-001-001', 'QX2026-001-006', 'QX2026-002-001')")" 0
e_eq "escalate 03-10: numbering goes on (4-6)" "$(e_sql "SELECT group_concat(letter_no) FROM letter WHERE date = '2026-03-10'")" "4,5,6"
L=$ED/L2/河西区-督办通知书.pdf
e_has "提醒: the title takes the highest level" "$L" "关于河西区逾期未整改问题的督办提醒书"
e_has "提醒: the level escalated before first, with its lead" "$L" "你区以下1个问题经督办后，逾期仍未整改到位。现予以提醒：1．QX2026-001-003（第1期通报）"
e_has "提醒: the deadline it missed is the letter's" "$L" "整改时限3月3日17：00，督办整改时限3月9日。"
e_has "提醒: then the new ones at 督办" "$L" "你区以下2个问题已超过整改时限，至今未整改到位。现予以督办：2．QX2026-002-002（第2期通报）"
e_has "提醒: the warning of the highest level" "$L" "逾期仍未整改到位的，将予以告诫。"

# night 4 (03-16): 告诫
e_run third --today 2026-03-16 --out "$ED/L3"
e_eq "escalate 03-16: the third letter is a 告诫" \
    "$(e_sql "SELECT group_concat(finding_id || ':' || n || ':' || level, ' ') FROM escalation WHERE date = '2026-03-16' AND finding_id IN ('QX2026-001-003', 'QX2026-001-004')")" \
    "QX2026-001-003:3:告诫 QX2026-001-004:3:告诫"
e_has "告诫: title" "$ED/L3/市卫生健康委-督办通知书.pdf" "关于市卫生健康委逾期未整改问题的督办告诫书"
e_has "告诫: a unit is 你单位" "$ED/L3/市卫生健康委-督办通知书.pdf" "你单位以下"
e_has "告诫: the warning" "$ED/L3/市卫生健康委-督办通知书.pdf" "将按有关规定启动问责程序"
"$TB" findings --db "$EDB" --series $QX >"$ED/f.txt" 2>&1
grep -q '^QX2026-001-003 .*告诫(3)' "$ED/f.txt" && ok "findings: 告诫(3) after three letters" || ko "findings: 告诫(3) after three letters" "$(cat "$ED/f.txt")"
"$TB" ledger --db "$EDB" --series $QX -o "$ED/tz.csv" >/dev/null 2>&1
grep -q '^QX2026-001-003,.*,告诫（3次）' "$ED/tz.csv" && head -1 "$ED/tz.csv" | grep -q ',备注,督办' &&
    ok "ledger: a 督办 column with the level and the count" || ko "ledger: a 督办 column with the level and the count" "$(head -3 "$ED/tz.csv")"

# every letter: regen byte-identical to the archive, and to the file sent
n=$(e_sql "SELECT count(*) FROM letter")
bad=
for k in $(seq 1 "$n"); do
    # composed again, not handed out from the archive (regen says so in a note)
    "$TB" regen --db "$EDB" --series $QX --letter "$k" -o "$ED/rl$k.pdf" >/dev/null 2>"$ED/re" && ! grep -q 'note:' "$ED/re" &&
        "$TB" archive export --db "$EDB" --series $QX --letter "$k" -o "$ED/al$k.pdf" >/dev/null 2>&1 &&
        cmp -s "$ED/rl$k.pdf" "$ED/al$k.pdf" || bad="$bad $k"
done
[ -z "$bad" ] && [ "$n" -ge 9 ] && ok "regen --letter: all $n letters composed again byte-identical to the archive" || ko "regen --letter: all $n letters composed again byte-identical to the archive" "differ or not re-rendered:$bad"
cmp -s "$ED/al5.pdf" "$ED/L2/河西区-督办通知书.pdf" && ok "archive export --letter: the bytes sent" || ko "archive export --letter: the bytes sent" "differs"
"$TB" archive verify --db "$EDB" >"$ED/v" 2>&1 && grep -q "and $n letters" "$ED/v" &&
    ok "archive verify: the letters' PDFs checked" || ko "archive verify: the letters' PDFs checked" "$(cat "$ED/v")"
"$TB" archive list --db "$EDB" | grep -q '函5  号  2026-03-10 .*河西区 青防督函〔2026〕5号' && ok "archive list: the letters" || ko "archive list: the letters" "$("$TB" archive list --db "$EDB")"

# a letter altered in the archive is a fault
cp "$EDB" "$ED/t.db"
sqlite3 "$ED/t.db" "UPDATE letter_file SET pdf = CAST('%PDF-1.7 altered' AS BLOB) WHERE letter_id = 2" 2>/dev/null
"$TB" archive verify --db "$ED/t.db" >"$ED/v" 2>&1; rc=$?
[ $rc -eq 9 ] && grep -q 'letter 青防督函〔2026〕2号.*does not match its recorded SHA-256' "$ED/v" &&
    ok "archive verify: an altered letter is a fault (exit 9)" || ko "archive verify: an altered letter is a fault (exit 9)" "exit $rc: $(cat "$ED/v")"
sqlite3 "$ED/t.db" "DROP TABLE escalation" 2>/dev/null
"$TB" archive verify --db "$ED/t.db" >"$ED/v" 2>&1; rc=$?
[ $rc -eq 9 ] && grep -q 'table escalation is missing' "$ED/v" &&
    ok "archive verify: the schema check knows the escalation table" || ko "archive verify: the schema check knows the escalation table" "exit $rc: $(cat "$ED/v")"

# bad input: clear messages, exit codes, nothing recorded or written
before=$(e_sql "SELECT count(*) FROM escalation")/$(e_sql "SELECT count(*) FROM letter")
e_bad() { # e_bad NAME RC MESSAGE ARGS...
    bn=$1 brc=$2 bmsg=$3; shift 3
    e_run "$bn" "$@" --out "$ED/bad"
    if [ $erc -eq "$brc" ] && grep -qF -- "$bmsg" "$ED/e" && [ "$(wc -l <"$ED/e")" -eq 1 ] && [ ! -e "$ED/bad" ] &&
        [ "$(e_sql "SELECT count(*) FROM escalation")/$(e_sql "SELECT count(*) FROM letter")" = "$before" ]; then
        ok "escalate refuses $bn (exit $brc), nothing recorded"
    else ko "escalate refuses $bn (exit $brc), nothing recorded" "exit $erc: $(cat "$ED/e")"; fi
}
e_bad "--today before the bulletins" 3 "--today 2026-03-01 is before 青溪市疫情防控督查通报 2026年第2期 (dated 2026-03-04)" --today 2026-03-01
e_bad "--today before the last letter" 3 "is before the last letter of 青溪市疫情防控督查通报 (青防督函〔2026〕" --today 2026-03-12
e_bad "an unknown series" 8 'no series named "江北通报"' --series 江北通报 --today 2026-03-20
e_bad "an unknown district" 8 'no district or unit "南区" in the findings of 青溪市疫情防控督查通报; it has: 河东区、河西区、市卫生健康委' --district 南区 --today 2026-03-20
e_bad "a template without letter parts" 5 "template dubao has no letter parts: it lacks <wording> key letter-title" -t dubao --today 2026-03-20
sed 's|<text key="letter-item">.*</text>||' templates/duban.xml >"$ED/noitem.xml"
e_bad "a letter template without letter-item" 5 "lacks <wording> key letter-item" -t "$ED/noitem.xml" --today 2026-03-20
e_bad "an impossible --today" 2 "--today 2026-02-30 is not a real date" --today 2026-02-30

# a history written before the letters (schema version 2: an issued
# bulletin, no letter tables) is migrated by escalate and chased as it is
# (the later migrations must be undone here too: the statistics summary of
# schema version 4, the forms of 5, the listing's indexes of 6)
V2=$ED/v2
mkdir -p "$V2"
"$TB" issue $SC/qx-1.xml --db "$V2/h.db" -o "$V2/1.pdf" >/dev/null 2>&1
sqlite3 "$V2/h.db" "DROP INDEX finding_open_district; DROP INDEX finding_open_due; DROP INDEX bulletin_order; CREATE INDEX finding_open_due ON finding(series_id, deadline) WHERE status = 'open'; CREATE INDEX finding_district ON finding(district, status, deadline);
    DROP TABLE bulletin_form; ALTER TABLE bulletin DROP COLUMN form; DROP TABLE escalation; DROP TABLE letter_file; DROP TABLE letter;
    DROP TRIGGER bulletin_stats; DROP TRIGGER finding_stats_insert; DROP TRIGGER finding_stats_status;
    DROP TRIGGER bulletin_stats_delete; DROP TRIGGER finding_stats_delete; DROP TABLE series_stats;
    DROP TABLE series_stat_name; DROP TABLE series_scope; DROP INDEX finding_district_walk; DROP INDEX bulletin_date;
    PRAGMA user_version = 2" 2>/dev/null
"$TB" escalate --db "$V2/h.db" --today 2026-03-04 --out "$V2/L" >"$V2/o" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ "$(sqlite3 "$V2/h.db" 'PRAGMA user_version')" = "$(e_sql 'PRAGMA user_version')" ] && [ "$(sqlite3 "$V2/h.db" 'SELECT count(*) FROM letter')" = 3 ] &&
    "$TB" archive verify --db "$V2/h.db" >/dev/null 2>&1; then
    ok "a schema-2 history: migrated to the current version by escalate, its three letters sent, archive verify clean"
else ko "a schema-2 history: migrated to the current version by escalate, its three letters sent, archive verify clean" "exit $rc: $(cat "$V2/o")"; fi

# a letter over several pages: the letterhead on page 1 only, no number on
# page 1, numbers from page 2 on (26 overdue findings for 河西区)
MP=$ED/multi
mkdir -p "$MP"
awk '/<finding district="河西区" street="西门街道" community="柳营社区"/ {
    for (i = 1; i <= 24; i++) printf "      <finding district=\"河西区\" street=\"西门街道\" community=\"柳营社区\" site=\"柳营新村%d号楼\">楼栋门岗夜间无人值守，出入人员未查验健康码</finding>\n", i }
    { print }' $SC/qx-1.xml >"$MP/big.xml"
"$TB" issue "$MP/big.xml" --db "$MP/h.db" -o "$MP/1.pdf" >/dev/null 2>&1
"$TB" escalate --db "$MP/h.db" --today 2026-03-04 --out "$MP/L" --district 河西区 >"$MP/o" 2>&1
L=$MP/L/河西区-督办通知书.pdf
np=$(pdfinfo "$L" 2>/dev/null | awk '/^Pages:/ { print $2 }')
if [ "${np:-0}" -ge 3 ]; then ok "a letter of 26 findings runs over $np pages"; else ko "a letter of 26 findings runs over several pages" "${np:-no} pages: $(cat "$MP/o")"; fi
e_letterhead "督办通知书 of $np pages" "$L" 青溪市疫情防控 青防督函
e_eq "督办通知书 of $np pages: every page from 2 on has its number" "$(awk '$1 == "folio" && $2 > 1 && $3 == "yes"' "$ED/geom" | wc -l)" "$((np - 1))"
e_has "督办通知书 of $np pages: the 26th finding" "$L" "26．QX2026-001-030（第1期通报）：西门街道石桥社区石桥超市未查验健康码"
e_eq "督办通知书 of $np pages: the mark only on page 1" "$(pdftotext -f 2 -l "$np" "$L" - 2>/dev/null | grep -c 青溪市疫情防控指挥部督导组$)" 1

# a letter's 版记 (10.1): 抄送 when the template gives letter-cc, no 印发, no rules
CC=$ED/cc
mkdir -p "$CC"
sed 's|<text key="letter-you">|<text key="letter-cc">市纪委监委，市委督查室</text>\n    <text key="letter-you">|' templates/duban.xml >"$CC/duban-cc.xml"
"$TB" issue $SC/qx-1.xml --db "$CC/h.db" -o "$CC/1.pdf" >/dev/null 2>&1
"$TB" escalate --db "$CC/h.db" --today 2026-03-04 --out "$CC/L" -t "$CC/duban-cc.xml" --district 河西区 >"$CC/o" 2>&1
L=$CC/L/河西区-督办通知书.pdf
e_has "版记 of a letter: 抄送" "$L" "抄送：市纪委监委，市委督查室。"
e_hasnt "版记 of a letter: no 印发" "$L" "印发"
e_geom "$L" 青溪市疫情防控 青防督函
if ! grep -q 'dark_rule' "$ED/geom" && [ "$(grep -c '^rule ' "$ED/geom")" = 4 ]; then ok "版记 of a letter: no rules (only the four red ones of the letterhead)"
else ko "版记 of a letter: no rules (only the four red ones of the letterhead)" "$(tr '\n' ' ' <"$ED/geom")"; fi
rm "$CC/duban-cc.xml"
"$TB" regen --db "$CC/h.db" --series $QX --letter 1 -o "$CC/r.pdf" >/dev/null 2>&1
cmp -s "$CC/r.pdf" "$L" && ok "regen --letter: with the archived template (not the file, which may change)" ||
    ko "regen --letter: with the archived template (not the file, which may change)" "differs"

# nightly --escalate: the night's bulletins, then the letters
NI=$ED/night
mkdir -p "$NI/in"
cp $SC/qx-1.xml "$NI/in/"
"$TB" nightly "$NI/in" --out "$NI/out" --db "$NI/h.db" --jobs 1 --escalate --today 2026-03-04 >"$NI/o" 2>&1; rc=$?
e_eq "nightly --escalate: exit 0" "$rc" 0
e_eq "nightly --escalate: the letters beside the night's bulletins, by series and date" \
    "$(e_files "$NI/out/$QX/督办/2026-03-04")" "市卫生健康委-督办通知书.pdf 河东区-督办通知书.pdf 河西区-督办通知书.pdf "
"$TB" nightly "$NI/in" --out "$NI/out" --db "$NI/h.db" --jobs 1 --escalate --today 2026-03-04 >"$NI/o" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(sqlite3 "$NI/h.db" 'SELECT count(*) FROM letter')" = 3 ] &&
    ok "nightly --escalate twice: nothing new" || ko "nightly --escalate twice: nothing new" "exit $rc: $(cat "$NI/o")"
"$TB" nightly "$NI/in" --out "$NI/out" --db "$NI/h.db" --today 2026-03-04 >"$NI/o" 2>&1; rc=$?
e_eq "nightly --today without --escalate is a usage error" "$rc" 2

# the order of effects: killed at each step, the same day's run finishes it
for at in escalate-temp:2 escalate-recorded escalate-committed escalate-renamed:1; do
    D=$ED/crash-${at%%:*}
    mkdir -p "$D"
    "$TB" issue $SC/qx-1.xml --db "$D/h.db" -o "$D/1.pdf" >/dev/null 2>&1
    TONGBAO_CRASH_AT=$at "$TB" escalate --db "$D/h.db" --today 2026-03-04 --out "$D/L" >/dev/null 2>"$D/e"; rc=$?
    n=$(sqlite3 "$D/h.db" "SELECT count(*) FROM letter")
    case $at in escalate-temp* | escalate-recorded) want=0 ;; *) want=3 ;; esac
    [ $rc -eq 99 ] && [ "$n" = "$want" ] && ok "escalate killed at $at: $want letters recorded" ||
        ko "escalate killed at $at: $want letters recorded" "exit $rc, $n letters: $(cat "$D/e")"
    "$TB" escalate --db "$D/h.db" --today 2026-03-04 --out "$D/L" >"$D/o" 2>&1; rc=$?
    same=1
    for k in 1 2 3; do
        "$TB" archive export --db "$D/h.db" --series $QX --letter $k -o "$D/a$k.pdf" >/dev/null 2>&1
        f=$D/L/$(sqlite3 "$D/h.db" "SELECT district FROM letter WHERE letter_no = $k")-督办通知书.pdf
        cmp -s "$f" "$D/a$k.pdf" || same=0
    done
    if [ $rc -eq 0 ] && [ $same = 1 ] && [ "$(sqlite3 "$D/h.db" "SELECT group_concat(letter_no) FROM letter")" = 1,2,3 ] &&
        [ "$(sqlite3 "$D/h.db" "SELECT count(*) FROM escalation")" = 6 ] && [ -z "$(ls -A "$D/L" | grep '\.tmp$')" ]; then
        ok "escalate killed at $at, run again: letters 1-3 once, each in place as archived, no temporaries"
    else ko "escalate killed at $at, run again: letters 1-3 once, each in place as archived, no temporaries" \
        "exit $rc: $(cat "$D/o") files: $(ls -A "$D/L" | tr '\n' ' ')"; fi
done

# a letter template is not a bulletin template
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t duban -o "$ED/dub.pdf" >/dev/null 2>"$ED/e"; rc=$?
[ $rc -eq 5 ] && grep -q 'template duban writes the letters of tongbao escalate' "$ED/e" && [ ! -e "$ED/dub.pdf" ] &&
    ok "render -t duban: a letter template is refused for a bulletin (exit 5)" ||
    ko "render -t duban: a letter template is refused for a bulletin (exit 5)" "exit $rc: $(cat "$ED/e")"
