# tests/e2e_history.sh — issue 5: rectify, findings, and bulletins that
# remember (sourced by run.sh).  The multi-night scenario of tests/scenario/
# (see its README) is issued with the real binary; each bulletin's PDF is read
# back with pdftotext and must hold the exact sentences; every figure is also
# computed with the sqlite3 CLI.
HD="$T/history"
mkdir -p "$HD"
HDB="$HD/h.db"
SC=tests/scenario
QX=青溪市疫情防控督查通报

# The PDF's text on one line: page numbers, spaces, line ends and hyphens
# dropped (pdftotext drops the hyphen where an ID breaks across lines).
h_text() { pdftotext -nopgbrk "$1" - 2>/dev/null | grep -v '^ *— *[0-9]* *— *$' | tr -d ' \n-'; }
# h_has NAME PDF SENTENCE: the sentence is in the PDF, exactly
h_has() {
    h_want=$(printf '%s' "$3" | tr -d ' -')
    if h_text "$2" | grep -qF -- "$h_want"; then ok "$1"; else ko "$1" "not in the PDF: $3"; fi
}
h_hasnt() {
    if h_text "$2" | grep -qF -- "$3"; then ko "$1" "found $3"; else ok "$1"; fi
}
h_sql() { sqlite3 "$HDB" "$1" 2>&1; }
# h_eq NAME GOT WANT
h_eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1" "got «$2», want «$3»"; fi; }
h_issue() { # h_issue FILE N: issue as 第N期 into $HD/N.pdf
    if "$TB" issue "$1" --db "$HDB" -o "$HD/$2.pdf" >"$HD/issue.out" 2>&1 && grep -q "第$2期" "$HD/issue.out"; then ok "scenario: issue $(basename "$1")"
    else ko "scenario: issue $(basename "$1")" "$(cat "$HD/issue.out")"; fi
}
# h_figures N DATE: the cumulative sentence's figures for 第N期 issued on DATE,
# the sqlite3 CLI's way, printed as the bulletin prints them
h_figures() {
    h_s="(SELECT id FROM series WHERE name = '$QX')"
    printf '共开展督查%s轮，' "$(h_sql "SELECT count(*) FROM bulletin WHERE series_id = $h_s AND has_inspection")"
    printf '发现问题%s个（含重复通报%s个' "$(h_sql "SELECT count(*) FROM finding WHERE series_id = $h_s")" \
        "$(h_sql "SELECT count(*) FROM finding WHERE series_id = $h_s AND repeat_of IS NOT NULL")"
    h_rc=$(h_sql "SELECT count(*) FROM finding WHERE series_id = $h_s AND recurs")
    [ "$h_rc" -gt 0 ] && printf '，其中整改后复发%s个' "$h_rc"
    printf '），已整改%s个' "$(h_sql "SELECT count(*) FROM finding WHERE series_id = $h_s AND status = 'done'")"
    h_od=$(h_sql "SELECT count(*) FROM finding WHERE series_id = $h_s AND status = 'open' AND deadline < '$2'")
    [ "$h_od" -gt 0 ] && printf '，逾期未整改%s个' "$h_od"
    printf '；印发督查通报%s期' "$(h_sql "SELECT count(*) FROM bulletin WHERE series_id = $h_s")"
}
# h_prev N DATE: 上期 figures for 第N期 on DATE: findings done open overdue repeated
h_prev() {
    h_p="(SELECT id FROM bulletin WHERE issue_no = $(($1 - 1)) AND series_id = (SELECT id FROM series WHERE name = '$QX'))"
    h_b="(SELECT id FROM bulletin WHERE issue_no = $1 AND series_id = (SELECT id FROM series WHERE name = '$QX'))"
    h_sql "SELECT count(*), sum(status = 'done'), sum(status = 'open' AND NOT deadline < '$2'), sum(status = 'open' AND deadline < '$2'),
           (SELECT count(*) FROM finding WHERE bulletin_id = $h_b AND NOT recurs AND repeat_of IN (SELECT id FROM finding WHERE bulletin_id = $h_p))
           FROM finding WHERE bulletin_id = $h_p"
}
# h_ctx N KEY: a figure from 第N期's archived context
h_ctx() {
    h_sql "SELECT context FROM bulletin_file f JOIN bulletin b ON b.id = f.bulletin_id JOIN series s ON s.id = b.series_id
           WHERE s.name = '$QX' AND b.issue_no = $1" | awk -F '\t' -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print }'
}

# ---- 第1期 -------------------------------------------------------------------
h_issue $SC/qx-1.xml 1
h_hasnt "qx-1: no 上期 paragraph in the first issue" "$HD/1.pdf" "上期通报"
h_hasnt "qx-1: no 截至目前 paragraph in the first issue" "$HD/1.pdf" "截至目前"

# ---- rectify on the command line ---------------------------------------------
check "rectify --done two IDs (one lower case)" "$TB" rectify QX2026-001-002 qx2026-001-005 --done --date 2026-03-03 --db "$HDB"
h_eq "rectify recorded status and events" "$(h_sql "SELECT group_concat(id || ':' || status || ':' || done_date) FROM finding WHERE status = 'done'")/$(h_sql "SELECT count(*) FROM rectification_event WHERE source = 'cli'")" \
    "QX2026-001-002:done:2026-03-03,QX2026-001-005:done:2026-03-03/2"
"$TB" rectify QX2026-001-003 QX2026-009-001 QX2026-009-002 --done --date 2026-03-03 --db "$HDB" >/dev/null 2>"$HD/unk.err"; rc=$?
if [ $rc -eq 8 ] && grep -q 'QX2026-009-001, QX2026-009-002 not in the history' "$HD/unk.err" && ! grep -q 'QX2026-001-003 ' "$HD/unk.err" &&
    [ "$(h_sql "SELECT status FROM finding WHERE id = 'QX2026-001-003'")" = open ]; then ok "rectify: unknown IDs exit 8, all named, nothing recorded"
else ko "rectify: unknown IDs exit 8, all named, nothing recorded" "exit $rc: $(cat "$HD/unk.err")"; fi
"$TB" rectify QX2026-001-003 --done --date 2026-03-01 --db "$HDB" >/dev/null 2>"$HD/early.err"; rc=$?
[ $rc -eq 3 ] && grep -q 'before the bulletin' "$HD/early.err" && ok "rectify: a date before the bulletin exits 3" || ko "rectify: a date before the bulletin exits 3" "exit $rc: $(cat "$HD/early.err")"
"$TB" rectify QX2026-001-003 --done --date 2026-02-30 --db "$HDB" >/dev/null 2>"$HD/date.err"; rc=$?
h_eq "rectify: an impossible date is a usage error" "$rc" 2
grep -q -- '--date 2026-02-30 is not a real date: there is no day 30 in February 2026' "$HD/date.err" &&
    ok "rectify: the usage error names --date and says what is wrong" ||
    ko "rectify: the usage error names --date and says what is wrong" "$(cat "$HD/date.err")"
"$TB" rectify QX2026-001-003 --done --open --db "$HDB" >/dev/null 2>&1; rc=$?
h_eq "rectify: --done with --open is a usage error" "$rc" 2
"$TB" rectify QX2026-001-003 --db "$HDB" >/dev/null 2>&1; rc=$?
h_eq "rectify: neither --done nor --open is a usage error" "$rc" 2
"$TB" rectify --file $SC/rect-1.xml QX2026-001-003 --db "$HDB" >/dev/null 2>&1; rc=$?
h_eq "rectify: --file with IDs is a usage error" "$rc" 2
"$TB" rectify QX2026-001-003 --done --db "$HD/none.db" >/dev/null 2>&1; rc=$?
[ $rc -eq 8 ] && [ ! -e "$HD/none.db" ] && ok "rectify: a missing database exits 8 and is not created" || ko "rectify: a missing database exits 8 and is not created" "exit $rc"

# ---- 第2期: repeats, 上期 overdue ones named, 截至目前 ----------------------------
h_issue $SC/qx-2.xml 2
h_has "qx-2: repeat marked in the sentence" "$HD/2.pdf" "新华小区北门仍无人值守（QX2026-002-001）（该问题第2次通报，前次见第1期）。"
h_has "qx-2: repeat across white space in the site" "$HD/2.pdf" "市卫生健康委家属院仍未设值守岗（QX2026-002-004）（该问题第2次通报，前次见第1期）。"
h_has "qx-2: 上期 paragraph" "$HD/2.pdf" "上期通报的6个问题中，已整改2个，逾期未整改4个。逾期未整改的分别是：河东区新华社区新华小区（QX2026-001-001）、河西区柳营社区柳营新村（QX2026-001-003）、市卫生健康委家属院（QX2026-001-004）、河西区石桥社区石桥超市（QX2026-001-006）。此次督查发现，上期通报的问题中有3个仍未整改到位，已再次通报。"
h_has "qx-2: 截至目前 paragraph" "$HD/2.pdf" "截至目前，共开展督查2轮，累计涉及街道7个（次）、社区（村）18个（次）、卡点35个（次），发现问题10个（含重复通报3个），已整改2个，逾期未整改4个；印发督查通报2期。"
h_eq "qx-2: 上期 figures = sqlite3" "$(h_prev 2 2026-03-04)" "6|2|0|4|3"
h_eq "qx-2: archived 上期 figures = sqlite3" "$(h_ctx 2 prev-counts | tr ' ' '|')" "6|2|0|4|3"
h_has "qx-2: cumulative figures = sqlite3" "$HD/2.pdf" "$(h_figures 2 2026-03-04 | sed 's/共开展督查2轮，/&累计涉及街道7个（次）、社区（村）18个（次）、卡点35个（次），/')"

# ---- a rectification file ---------------------------------------------------
check "rectify --file" "$TB" rectify --file $SC/rect-1.xml --db "$HDB"
h_eq "rectify --file: done, reopened with the reason" \
    "$(h_sql "SELECT group_concat(id || ':' || status || ':' || coalesce(note, ''), ' ') FROM finding WHERE id IN ('QX2026-001-001', 'QX2026-002-001', 'QX2026-001-002') ORDER BY id")" \
    "QX2026-001-001:done:已安排专人值守 QX2026-001-002:open:复查发现登记仍不规范 QX2026-002-001:done:已落实24小时值守"
sed 's/青溪市疫情防控督查通报/江城市疫情防控督查通报/' $SC/rect-1.xml >"$HD/other.xml"
"$TB" rectify --file "$HD/other.xml" --db "$HDB" >/dev/null 2>"$HD/other.err"; rc=$?
[ $rc -eq 3 ] && grep -q 'belongs to series' "$HD/other.err" && grep -q 'other.xml' "$HD/other.err" && ok "rectify --file: the file's series must own the IDs (exit 3)" ||
    ko "rectify --file: the file's series must own the IDs (exit 3)" "exit $rc: $(cat "$HD/other.err")"

# ---- 第3期: a third report, cases, accountability ----------------------------------
h_issue $SC/qx-3.xml 3
h_has "qx-3: third report" "$HD/3.pdf" "柳营新村卡点仍无人值守（QX2026-003-001）（该问题第3次通报，前次见第2期）。"
h_has "qx-3: repeat of a reopened finding" "$HD/3.pdf" "丽景小区登记仍不规范（QX2026-003-002）（该问题第2次通报，前次见第1期）；"
h_has "qx-3: 上期 paragraph" "$HD/3.pdf" "上期通报的4个问题中，已整改1个，逾期未整改3个。逾期未整改的分别是：河西区柳营社区柳营新村（QX2026-002-002）、河西区北街社区北街广场（QX2026-002-003）、市卫生健康委家属院（QX2026-002-004）。此次督查发现，上期通报的问题中有1个仍未整改到位，已再次通报。"
h_has "qx-3: 截至目前 with cases and accountability" "$HD/3.pdf" "截至目前，共开展督查3轮，累计涉及街道9个（次）、社区（村）18个（次）、卡点44个（次），发现问题13个（含重复通报6个，其中整改后复发1个），已整改4个，逾期未整改6个；印发督查通报3期，典型案例通报1期2起2人；问责党组织1个、党员干部2人，其中乡科级领导干部1人、村（社区）干部1人，组织处理1人、诫勉1人、通报批评1人。"
h_has "qx-3: case heading" "$HD/3.pdf" "1、河西区西门街道柳营社区党委书记张某落实卡点值守责任不力问题。"
h_eq "qx-3: 上期 figures = sqlite3" "$(h_prev 3 2026-03-06)" "4|1|0|3|1"
h_eq "qx-3: people, bodies = sqlite3" "$(h_ctx 3 people)/$(h_ctx 3 orgs)" \
    "$(h_sql "SELECT count(DISTINCT case_id || person) FROM outcome WHERE rank IS NOT NULL")/$(h_sql "SELECT count(*) FROM outcome WHERE person LIKE '%党工委'")"
h_has "qx-3: cumulative figures = sqlite3" "$HD/3.pdf" "$(h_figures 3 2026-03-06 | sed 's/共开展督查3轮，/&累计涉及街道9个（次）、社区（村）18个（次）、卡点44个（次），/')"

# ---- everything rectified (IDs taken from findings --csv) -------------------------
"$TB" findings --db "$HDB" --status undone --csv | tail -n +2 | cut -d, -f1 >"$HD/undone"
h_eq "findings --status undone --csv: nine IDs" "$(wc -l <"$HD/undone" | tr -d ' ')" 9
# shellcheck disable=SC2046
check "rectify nine at once, a note with a comma" "$TB" rectify $(tr -d '\r' <"$HD/undone") --done --date 2026-03-08 --note "已整改到位,复查合格" --db "$HDB"
h_eq "nothing left open" "$(h_sql "SELECT count(*) FROM finding WHERE status = 'open'")" 0

# ---- 第4期: 上期 all rectified; 第5期: 上期 within its deadline -----------------------
h_issue $SC/qx-4.xml 4
h_has "qx-4: 上期 all rectified" "$HD/4.pdf" "上期通报的3个问题已全部整改。"
h_has "qx-4: 截至目前 without an overdue clause" "$HD/4.pdf" "截至目前，共开展督查4轮，累计涉及街道9个（次）、社区（村）18个（次）、卡点44个（次），发现问题15个（含重复通报6个，其中整改后复发1个），已整改13个；印发督查通报4期，典型案例通报1期2起2人；"
h_hasnt "qx-4: no 0 figures" "$HD/4.pdf" "逾期未整改0"
check "rectify --done then --open (reopen with a reason)" sh -c "'$TB' rectify QX2026-004-001 --done --date 2026-03-09 --db '$HDB' && '$TB' rectify QX2026-004-001 --open --date 2026-03-10 --note 复查未整改到位 --db '$HDB'"
h_eq "reopened: open again, two events" "$(h_sql "SELECT status || '/' || coalesce(done_date, '-') || '/' || note || '/' || (SELECT count(*) FROM rectification_event WHERE finding_id = 'QX2026-004-001') FROM finding WHERE id = 'QX2026-004-001'")" "open/-/复查未整改到位/2"
h_issue $SC/qx-5.xml 5
h_has "qx-5: 上期 within its deadline" "$HD/5.pdf" "上期通报的2个问题均在整改期限内。"
h_has "qx-5: 截至目前" "$HD/5.pdf" "截至目前，共开展督查5轮，累计涉及街道10个（次）、社区（村）18个（次）、卡点44个（次），发现问题16个（含重复通报7个，其中整改后复发2个），已整改13个；印发督查通报5期，典型案例通报1期2起2人；问责党组织1个、党员干部2人，其中乡科级领导干部1人、村（社区）干部1人，组织处理1人、诫勉1人、通报批评1人。"
h_eq "qx-5: 上期 figures = sqlite3" "$(h_prev 5 2026-03-10)" "2|0|2|0|0"
h_has "qx-5: cumulative figures = sqlite3" "$HD/5.pdf" "$(h_figures 5 2026-03-10 | sed 's/共开展督查5轮，/&累计涉及街道10个（次）、社区（村）18个（次）、卡点44个（次），/')"

# ---- a file made only of cases (问责通报), twice in its series ------------------------
check "wenze: issue a cases-only file" "$TB" issue examples/inbox/wenze-2026-11.xml --db "$HDB" -o "$HD/w1.pdf"
h_has "wenze: case heading and outcomes" "$HD/w1.pdf" "1、东湖区青山街道办事处副主任李某履行疫情防控职责不力问题。"
h_has "wenze: outcome sentences" "$HD/w1.pdf" "11月24日，赵某被给予党内警告处分。石桥街道党工委被责成向西山区委作出深刻书面检查。"
h_hasnt "wenze: first of its series, no 截至目前" "$HD/w1.pdf" "截至目前"
check "wenze: qpdf --check" qpdf --check "$HD/w1.pdf"
check "wenze: second issue" "$TB" issue $SC/wenze-2.xml --db "$HDB" -o "$HD/w2.pdf"
h_has "wenze: 截至目前 counts cases and people of both" "$HD/w2.pdf" "截至目前，共印发典型案例通报2期6起9人；问责党组织1个、党员干部9人，其中乡科级领导干部3人、一般干部1人、村（社区）干部5人，立案审查1人、党纪处分2人、诫勉1人、通报批评2人、批评教育1人、提醒谈话2人。"

# ---- regen: byte-identical, although the findings moved on ----------------------------
for n in 1 2 3 4 5; do
    check "regen 第${n}期 byte-identical after later rectifications" sh -c "'$TB' regen --db '$HDB' --series '$QX' --issue $n -o '$HD/r$n.pdf' 2>'$HD/r.err' && cmp '$HD/r$n.pdf' '$HD/$n.pdf' && ! grep -q 'no longer' '$HD/r.err'"
done
check "archive verify after the scenario" "$TB" archive verify --db "$HDB"

# ---- findings: table and CSV ------------------------------------------------------------
"$TB" findings --db "$HDB" --series "$QX" --today 2026-03-10 >"$HD/table" 2>"$HD/table.err"; rc=$?
h_eq "findings table exits 0" "$rc" 0
h_eq "findings table: header" "$(head -1 "$HD/table" | tr -s ' ')" "ID STATUS TIMES DEADLINE DONE LETTERS LOCATION PROBLEM"
h_eq "findings table: one row per finding" "$(grep -c '^QX2026-' "$HD/table")" "$(h_sql "SELECT count(*) FROM finding f JOIN series s ON s.id = f.series_id WHERE s.name = '$QX'")"
h_eq "findings table: summary" "$(tail -1 "$HD/table")" "16 findings: 3 open, 0 overdue, 13 done (overdue as of 2026-03-10)"
# the PROBLEM column (the last field: the scenario's problems have no
# spaces) starts at the same display column on every line; a CJK character
# takes two columns, i.e. its three bytes minus one
cols=$(grep -v 'findings:' "$HD/table" | LC_ALL=C awk '{ p = substr($0, 1, length($0) - length($NF));
    w = length(p); n = gsub(/[\340-\357]/, "", p); print w - n }' | sort -u)
h_eq "findings table: columns aligned under CJK text" "$(printf '%s\n' "$cols" | wc -l | tr -d ' ')" 1
[ "$(awk '$1 == "QX2026-003-001" { print $2 "/" $3 }' "$HD/table")" = done/3 ] && ok "findings table: TIMES column shows the third report" || ko "findings table: TIMES column shows the third report" "$(grep QX2026-003-001 "$HD/table")"
"$TB" findings --db "$HDB" --series "$QX" --status overdue --today 1899-12-31 >"$HD/old" 2>"$HD/old.err"; rc=$?
# (this used to be accepted and silently replaced by the real date)
[ $rc -eq 2 ] && [ ! -s "$HD/old" ] && grep -q -- '--today 1899-12-31 is not a real date: year 1899 is out of range' "$HD/old.err" &&
    ok "findings --today out of range: usage error naming --today, nothing listed" ||
    ko "findings --today out of range: usage error naming --today, nothing listed" "exit $rc: $(cat "$HD/old.err" "$HD/old")"
"$TB" findings --db "$HDB" --series "$QX" --today 2026-3-13 >/dev/null 2>"$HD/shape.err"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--today wants a date written YYYY-MM-DD' "$HD/shape.err" &&
    ok "findings --today malformed: usage error naming --today" ||
    ko "findings --today malformed: usage error naming --today" "exit $rc: $(cat "$HD/shape.err")"
"$TB" findings --db "$HDB" --series "$QX" --status open --today 2026-03-13 >"$HD/open"
h_eq "findings --status open excludes overdue" "$(tail -1 "$HD/open")" "(no findings match)"
"$TB" findings --db "$HDB" --series "$QX" --status overdue --today 2026-03-13 --district 河西区 >"$HD/od"
h_eq "findings --status overdue --district" "$(grep -c '^QX' "$HD/od")/$(grep -c '河西区' "$HD/od")" \
    "$(h_sql "SELECT count(*) FROM finding WHERE status = 'open' AND deadline < '2026-03-13' AND district = '河西区'")/1"
"$TB" findings --db "$HDB" --series "$QX" --issue 3 --csv >"$HD/csv"
h_eq "findings --csv: BOM and Chinese header" "$(head -1 "$HD/csv")" "$(printf '\357\273\277编号,系列,年度,期号,通报日期,问题类别,区,街道,社区,点位,单位,问题描述,发现时间,责任单位,整改时限,状态,完成时间,整改情况,通报次数,前次编号,重复说明,督办次数,督办级别\r')"
h_eq "findings --csv: CRLF on every line" "$(grep -c "$(printf '\r')\$" "$HD/csv")" 4
h_eq "findings --csv: quoted field with a comma" "$(grep '^QX2026-003-001,' "$HD/csv" | grep -c '"已整改到位,复查合格"')" 1
"$TB" findings --db "$HDB" --series "$QX" --issue 4 --csv >"$HD/csv4"
grep -qF '"未查验健康码，门口""扫码通行""提示牌已脱落"' "$HD/csv4" && ok "findings --csv: quotes doubled" || ko "findings --csv: quotes doubled" "$(cat "$HD/csv4")"
h_eq "findings --csv: repeat columns" "$(grep '^QX2026-003-001,' "$HD/csv" | tr -d '\r' | awk -F, '{ print $(NF-4) "/" $(NF-3) }')" "3/QX2026-002-002"
"$TB" findings --db "$HDB" --status bogus >/dev/null 2>&1; rc=$?
h_eq "findings --status bogus is a usage error" "$rc" 2
"$TB" findings --db "$HDB" --series 没有这个 >/dev/null 2>&1; rc=$?
h_eq "findings for an unknown series exits 8" "$rc" 8
"$TB" findings --db "$HD/none2.db" >/dev/null 2>&1; rc=$?
[ $rc -eq 8 ] && [ ! -e "$HD/none2.db" ] && ok "findings: a missing database exits 8 and is not created" || ko "findings: a missing database exits 8 and is not created" "exit $rc"
