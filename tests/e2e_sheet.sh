# tests/e2e_sheet.sh — issue 10, the way in: 问题清单 workbooks and CSV
# files → findings (sourced by run.sh).  Every workbook is written here, at
# test time, by openpyxl (tests/sheet/mkbook.py) or LibreOffice, the
# programs clerks' files come from; hostile zips by python's zipfile.
SD="$T/sheet"
mkdir -p "$SD"
PY=/usr/bin/python3          # Debian's python, which has python3-openpyxl
MK="$PY tests/sheet/mkbook.py"
s_eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1" "got «$2», want «$3»"; fi; }
# s_bad NAME FILE EXIT MESSAGE...: the command fails with EXIT and says MESSAGE
s_bad() {
    s_name=$1 s_want=$3 s_msg=$4
    shift 4
    "$@" >"$SD/out" 2>&1
    s_rc=$?
    if [ "$s_rc" = "$s_want" ] && grep -qF -- "$s_msg" "$SD/out"; then ok "$s_name"
    else ko "$s_name" "exit $s_rc, $(head -c 400 "$SD/out")"; fi
}
# the text compose makes (render --text), without the draft's PDF line
s_text() { "$TB" render "$@" --text -o "$SD/t.pdf" 2>/dev/null; }

if ! $PY -c 'import openpyxl' 2>/dev/null; then
    ko "sheet: openpyxl" "python3-openpyxl is missing (make check installs it)"
else

# ---- the FORMAT.md skeleton as a workbook ----------------------------------
$MK spec "$SD/spec.xlsx"
check "import: spec workbook" "$TB" import "$SD/spec.xlsx" -o "$SD/spec.xml"
check "import: the XML it writes validates" "$TB" validate "$SD/spec.xml"
s_text "$SD/spec.xlsx" >"$SD/spec.txt"
for s in \
    "11月20日晚至11月21日，市疫情防控指挥部督导组、市委组织部对城区各街道疫情防控措施落实情况进行暗访，共涉及6个街道、41个社区（村）、58个卡点。总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，现将暗访中发现的问题通报如下：" \
    "一是卡点值守不到位。东湖区青山街道和平社区锦绣小区北门无人值守，进出人员未测体温；东苑小区登记册多日未填写；白沙街道新河社区新河菜市场入口未设测温点。西山区石桥街道石桥社区石桥三组卡点夜间无人值守。市交通运输局东湖路家属院未设志愿岗，无单位人员值守。" \
    "二是重点人员管控不严。西山区石桥街道红星社区红星小区居家隔离户门口未张贴告知书。" \
    "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日17：00前以党组织名义报送市疫情防控指挥部督导问责组。" \
    "各区各部门要进一步压实责任，坚决堵塞防控漏洞。一要立行立改。对通报问题要逐项建立台账，限时整改销号。二要严肃问责。对整改不力的，依规依纪严肃追责问责。"; do
    if grep -qxF -- "$s" "$SD/spec.txt"; then ok "render FILE.xlsx: ${s%%，*}…"; else ko "render FILE.xlsx: ${s%%，*}…" "$(cat "$SD/spec.txt")"; fi
done
"$TB" validate "$SD/spec.xlsx" >"$SD/out" 2>&1
s_eq "validate FILE.xlsx" "$(cat "$SD/out")" "$SD/spec.xlsx: ok, 2 categories, 6 findings, 0 cases"
"$TB" import "$SD/spec.xlsx" >/dev/null 2>&1
s_eq "import: default output beside the workbook" "$(test -s "$SD/spec.xml" && cmp -s "$SD/spec.xml" "$SD/spec.xml" && echo yes)" yes
"$TB" render "$SD/spec.xlsx" >/dev/null 2>&1
s_eq "render: default PDF beside the workbook is FILE.pdf" "$(pdfinfo "$SD/spec.pdf" 2>/dev/null | grep -c '^Pages:')" 1

# ---- the shapes offices' workbooks come in ----------------------------------
$MK shapes "$SD/shapes.xlsx"
"$TB" import "$SD/shapes.xlsx" -o "$SD/shapes.xml" 2>"$SD/out"
s_eq "shapes: found the findings sheet by its header, hidden sheet skipped" "$(cat "$SD/out")" \
    "$SD/shapes.xlsx: 2 categories, 7 findings (sheet Sheet1, header from 通报信息) → $SD/shapes.xml"
s_has() { if grep -qF -- "$2" "$SD/shapes.xml"; then ok "$1"; else ko "$1" "no $2 in $(cat "$SD/shapes.xml")"; fi; }
s_has "shapes: text date 2026/11/23" 'site="新河菜市场" deadline="2026-11-23"'
s_has "shapes: Chinese date 2026年11月24日" 'site="石桥三组" deadline="2026-11-24"'
s_has "shapes: 11月25日17:00 takes the bulletin's year" 'deadline="2026-11-25T17:00"'
s_has "shapes: date-time cell" 'deadline="2026-11-22T17:30"'
s_has "shapes: serial number cell (1900 system)" 'site="红星二区" deadline="2026-11-25"'
s_has "shapes: merged category continues down, blank row skipped" '<category title="卡点值守不到位">'
s_has "shapes: 2026年11月21日 as 成文日期" '<date>2026-11-21</date>'
s_has "shapes: 备注 kept beside the finding, text starting with = stays text" '<!-- 备注：=已提醒 -->'
s_eq "shapes: 卡点值守不到位 has its five findings in row order" \
    "$(sed -n '/卡点值守不到位/,/<\/category>/p' "$SD/shapes.xml" | grep -o 'site="[^"]*"' | tr '\n' ' ')" \
    'site="锦绣小区" site="东苑小区" site="新河菜市场" site="石桥三组" site="东湖路家属院" '
s_eq "shapes: same composed text as the spec workbook but for the deadlines" \
    "$(s_text "$SD/shapes.xlsx" | grep '^一是')" "$(grep '^一是' "$SD/spec.txt")"

# ---- bad workbooks: a clear message at the cell, exit 3, nothing recorded -----
for k in nocol notext nodistrict formula errval leapday baddate both nokey badkey zipbomb bigentry rowlimit; do
    $MK $k "$SD/$k.xlsx"
done
s_bad "bad: missing column named, headers listed" x 3 "问题清单: no column 问题描述 (or 存在问题); the header row has: A 序号, B 区" "$TB" validate "$SD/nocol.xlsx"
s_bad "bad: empty 问题描述 at its cell" x 3 "问题清单!H4: 问题描述 is empty" "$TB" validate "$SD/notext.xlsx"
s_bad "bad: no district and no 单位" x 3 "问题清单!B5: 区 is empty and the row has no 单位" "$TB" validate "$SD/nodistrict.xlsx"
s_bad "bad: formula without a saved value" x 3 "问题清单!H3: a formula without a saved value" "$TB" validate "$SD/formula.xlsx"
s_bad "bad: formula error value" x 3 "问题清单!H3: the formula gives #DIV/0!" "$TB" validate "$SD/errval.xlsx"
s_bad "bad: serial 60 is 1900-02-29" x 3 "问题清单!I7: 整改时限 \"60\" is 1900-02-29, a day that never was" "$TB" validate "$SD/leapday.xlsx"
s_bad "bad: 2026-13-01 is not a date" x 3 "问题清单!I7: 整改时限 \"2026-13-01\" is not a real date" "$TB" validate "$SD/baddate.xlsx"
s_bad "bad: both 区 and 单位" x 3 "问题清单!F6: the row has both 区 (东湖区) and 单位 (市交通运输局)" "$TB" validate "$SD/both.xlsx"
s_bad "bad: 通报信息 without 系列" x 3 "通报信息: no 系列 row" "$TB" validate "$SD/nokey.xlsx"
s_bad "bad: unknown 通报信息 key" x 3 "通报信息!A22: \"发文机管\" is not a key tongbao knows" "$TB" validate "$SD/badkey.xlsx"
s_bad "bad: zip bomb refused before inflating" x 3 "over the limit of 268435456 per part; the file is refused before inflating it" "$TB" validate "$SD/zipbomb.xlsx"
s_bad "bad: a sheet over the row limit" x 3 "问题清单!C250000: the sheet has values beyond row 200000, the limit" "$TB" validate "$SD/rowlimit.xlsx"
s_bad "bad: entry declaring 1 GiB refused" x 3 "would inflate to 1073741824 bytes" "$TB" validate "$SD/bigentry.xlsx"
printf '区,问题描述\n东湖区,x\n' >"$SD/fake.xlsx"
s_bad "bad: text file named .xlsx" x 3 "not an XLSX workbook (it is not a zip package)" "$TB" validate "$SD/fake.xlsx"
$PY -c "
import sys
d = bytearray(2048); d[0:8] = bytes.fromhex('D0CF11E0A1B11AE1')
for i, c in enumerate('EncryptedPackage'): d[900 + 2 * i] = ord(c)
open(sys.argv[1], 'wb').write(d)" "$SD/secret.xlsx"
s_bad "bad: encrypted workbook" x 3 "the workbook is encrypted (password-protected)" "$TB" validate "$SD/secret.xlsx"
s_bad "bad: issue of a bad workbook records nothing" x 3 "问题清单!H4" "$TB" issue "$SD/notext.xlsx" --db "$SD/bad.db"
s_eq "bad: ... and leaves no database behind" "$(ls "$SD"/bad.db* 2>/dev/null | wc -l | tr -d ' ')" 0
# --sheet NAME: a workbook with one night per sheet; the second is read
$PY -c "import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.copy_worksheet(wb['问题清单'])
ws.title = '11月21日'
for r in ws.iter_rows(min_row=2):
    for c in r:
        if isinstance(c.value, str) and c.value.startswith('北门无人值守'): c.value = '南门无人值守，进出人员未测体温'
wb.save(sys.argv[2])" "$SD/spec.xlsx" "$SD/twonights.xlsx"
s_eq "--sheet NAME reads that sheet, not 问题清单" \
    "$(s_text "$SD/twonights.xlsx" --sheet 11月21日 | grep -c 锦绣小区南门无人值守):$(s_text "$SD/twonights.xlsx" | grep -c 锦绣小区北门无人值守)" "1:1"
s_bad "usage: --sheet names a sheet that is not there" x 3 'no sheet "清单"; the workbook has: 问题清单, 通报信息' "$TB" validate --sheet 清单 "$SD/spec.xlsx"
s_bad "usage: --sheet on an XML file" x 2 "are for workbooks and CSV files" "$TB" render examples/worked-example.xml --sheet x

# ---- issue straight from the workbook; the history keeps the XML -------------
check "issue FILE.xlsx" "$TB" issue "$SD/spec.xlsx" --db "$SD/h.db" -o "$SD/issued.pdf"
"$TB" issue "$SD/spec.xlsx" --db "$SD/h.db" -o "$SD/again.pdf" >"$SD/out" 2>&1
s_eq "issue FILE.xlsx twice issues once" "$(grep -c 'already issued' "$SD/out")" 1
check "regen from the history alone (workbook gone)" "$TB" regen --db "$SD/h.db" --series 江城市疫情防控督查通报 --issue 1 -o "$SD/regen.pdf"
s_eq "regen is byte-identical to the issued PDF" "$(cmp -s "$SD/issued.pdf" "$SD/regen.pdf" && echo same)" same

# ---- CSV: UTF-8 with and without BOM, GB18030, quoted line breaks -------------
sed -n '/<header>/,/<\/header>/p' "$SD/spec.xml" >/dev/null
# the header file: the spec XML without its findings
$PY - "$SD/spec.xml" "$SD/header.xml" <<'EOF'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(re.sub(r"  <findings>.*</findings>\n", "", s, flags=re.S))
EOF
{
    printf '\357\273\277序号,区,街道,社区,点位,单位,问题类别,问题描述,整改时限,责任单位,备注\r\n'
    printf '1,东湖区,青山街道,和平社区,锦绣小区,,卡点值守不到位,"北门无人值守，进出人员未测体温",,,\r\n'
    printf '2,东湖区,青山街道,和平社区,东苑小区,,卡点值守不到位,"登记册多日\r\n未填写",,,\r\n'
    printf '3,东湖区,白沙街道,新河社区,新河菜市场,,卡点值守不到位,入口未设测温点,,,\r\n'
    printf '4,西山区,石桥街道,石桥社区,石桥三组,,卡点值守不到位,卡点夜间无人值守,,,\r\n'
    printf '5,,,,东湖路家属院,市交通运输局,卡点值守不到位,"未设志愿岗，无单位人员值守",,,\r\n'
    printf '6,西山区,石桥街道,红星社区,红星小区,,重点人员管控不严,居家隔离户门口未张贴告知书,2026-11-22,石桥街道办事处,\r\n'
    printf ',,,,,,,,,,\r\n'
} >"$SD/bom.csv"
s_eq "CSV (UTF-8, BOM, quoted line break): same text as the workbook" \
    "$(s_text "$SD/bom.csv" --header "$SD/header.xml" | md5sum)" "$(md5sum <"$SD/spec.txt")"
tail -c +4 "$SD/bom.csv" >"$SD/nobom.csv"
s_eq "CSV without BOM: same text" "$(s_text "$SD/nobom.csv" --header "$SD/header.xml" | md5sum)" "$(md5sum <"$SD/spec.txt")"
iconv -f UTF-8 -t GB18030 "$SD/nobom.csv" >"$SD/gbk.csv"
s_eq "CSV in GB18030 (Excel on Chinese Windows), detected: same text" \
    "$(s_text "$SD/gbk.csv" --header "$SD/header.xml" | md5sum)" "$(md5sum <"$SD/spec.txt")"
s_eq "CSV in GB18030 named with --encoding gbk: same text" \
    "$(s_text "$SD/gbk.csv" --header "$SD/header.xml" --encoding gbk | md5sum)" "$(md5sum <"$SD/spec.txt")"
s_bad "CSV without --header: told what to give" x 3 "give the bulletin's header" "$TB" validate "$SD/bom.csv"
s_bad "CSV: error cites the cell" x 3 "bad.csv!H3: 问题描述 is empty" sh -c "sed 's/登记册多日/ /; s/^未填写\"/\"/' '$SD/nobom.csv' | sed '3s/\"[^\"]*\"//' >'$SD/bad.csv'; '$TB' validate --header '$SD/header.xml' '$SD/bad.csv'"
# a cell where an earlier program lost characters (U+FFFD) is refused at the cell
sed "2s/北门/北$(printf '\357\277\275')/" "$SD/nobom.csv" >"$SD/lost.csv"
s_bad "CSV: a lost character (U+FFFD) is refused at its cell" x 3 "lost.csv!H2: character U+FFFD (REPLACEMENT CHARACTER)" \
    "$TB" validate --header "$SD/header.xml" "$SD/lost.csv"

# ---- LibreOffice's own workbooks (shared strings) and an old .xls ----------------
if command -v soffice >/dev/null 2>&1; then
    mkdir -p "$SD/lo"
    cp "$SD/nobom.csv" "$SD/lo/问题清单.csv"
    HOME="$SD/lo" soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx --outdir "$SD/lo" "$SD/lo/问题清单.csv" >/dev/null 2>&1
    HOME="$SD/lo" soffice --headless --infilter="CSV:44,34,76,1" --convert-to xls --outdir "$SD/lo" "$SD/lo/问题清单.csv" >/dev/null 2>&1
    s_eq "LibreOffice-made .xlsx (shared strings) imports to the same text" \
        "$(s_text "$SD/lo/问题清单.xlsx" --header "$SD/header.xml" | md5sum)" "$(md5sum <"$SD/spec.txt")"
    s_bad "an old .xls: hint to save as .xlsx" x 3 "old Excel 97-2003 .xls workbook; open it in Excel or WPS and save it as .xlsx" \
        "$TB" validate --header "$SD/header.xml" "$SD/lo/问题清单.xls"
else
    ko "sheet: LibreOffice" "soffice is missing (make check installs libreoffice-calc-nogui)"
fi

fi

# ---- the 整改台账 out and back: the whole loop ---------------------------------
if $PY -c 'import openpyxl' 2>/dev/null; then
LD="$SD/loop"
mkdir -p "$LD"
LDB="$LD/h.db"
"$TB" import "$SD/spec.xlsx" -o "$LD/night1.xml" >/dev/null 2>&1
check "loop: issue the imported night" "$TB" issue "$LD/night1.xml" --db "$LDB" -o "$LD/1.pdf"
check "ledger -o 台账.xlsx" "$TB" ledger --db "$LDB" -o "$LD/台账.xlsx" --today 2026-11-23
$PY - "$LD/台账.xlsx" >"$LD/read.txt" 2>&1 <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("sheets", ",".join(wb.sheetnames))
ws = wb["东湖区"]
print("header", ",".join(str(c.value) for c in ws[3]))
print("row", ",".join(str(c.value) for c in ws[4][:9]))
print("protected", ws.protection.sheet, "frozen", ws.freeze_panes)
print("locked", ws["A4"].protection.locked, "open", ws["J4"].protection.locked, ws["K4"].protection.locked)
print("overdue fill", ws["A4"].fill.fgColor.rgb, "status fill", ws["I4"].fill.fgColor.rgb)
print("validation", ",".join(str(v.sqref) for v in ws.data_validations.dataValidation))
s = wb["汇总"]
print("summary", ",".join(str(c.value) for c in s[3]))
PYEOF
s_eq "ledger: openpyxl opens it; 汇总 then one sheet per district, units together" "$(grep '^sheets' "$LD/read.txt")" "sheets 汇总,东湖区,西山区,各单位"
s_eq "ledger: the issue's columns" "$(grep '^header' "$LD/read.txt")" "header 编号,通报期数,区,街道,社区,点位,问题,整改时限,状态,整改情况,完成时间,备注,督办"
s_eq "ledger: one row per finding" "$(grep '^row' "$LD/read.txt")" "row JC2026-001-001,2026年第1期,东湖区,青山街道,和平社区,锦绣小区,北门无人值守，进出人员未测体温,2026-11-22 17:00,逾期"
s_eq "ledger: protected, header frozen" "$(grep '^protected' "$LD/read.txt")" "protected True frozen B4"
s_eq "ledger: 整改情况 and 完成时间 open, the rest locked" "$(grep '^locked' "$LD/read.txt")" "locked True open False False"
s_eq "ledger: overdue rows highlighted" "$(grep '^overdue' "$LD/read.txt")" "overdue fill FFFDE9E7 status fill FFF8CBAD"
s_eq "ledger: 完成时间 checked as a date" "$(grep '^validation' "$LD/read.txt")" "validation K4:K6"
s_eq "ledger: 汇总 counts" "$(grep '^summary' "$LD/read.txt")" "summary 东湖区,3,0,0,3,0%"
check "ledger -o 台账.csv" "$TB" ledger --db "$LDB" -o "$LD/台账.csv" --today 2026-11-23 --district 东湖区
s_eq "ledger CSV: UTF-8 with BOM, Chinese header, CRLF" "$(head -1 "$LD/台账.csv" | od -An -c | head -1 | tr -s ' ' | cut -c1-12)" " 357 273 277"
s_eq "ledger CSV: --district keeps one district" "$(tail -n +2 "$LD/台账.csv" | grep -c '^JC')" 3
if command -v soffice >/dev/null 2>&1; then
    HOME="$LD" soffice --headless --convert-to "csv:Text - txt - csv (StarCalc):44,34,76" --outdir "$LD/lo" "$LD/台账.xlsx" >/dev/null 2>&1
    s_eq "ledger: LibreOffice opens it (first sheet to CSV)" "$(sed -n 3p "$LD/lo/台账.csv" | tr -d '\r')" "东湖区,3,0,0,3,0%"
fi

# the district fills two rows in its spreadsheet program and sends it back
$PY - "$LD/台账.xlsx" "$LD" <<'PYEOF'
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["东湖区"]
ws["J4"] = "已安排专人值守"
ws["K4"] = datetime.date(2026, 11, 22)
ws["J5"] = "已补齐登记"
ws["K5"] = "2026/11/23"
wb.save(sys.argv[2] + "/filled.xlsx")
ws["K5"] = "2026-13-01"
wb.save(sys.argv[2] + "/baddate.xlsx")
ws["K5"] = "2026-11-23"
ws["A5"] = "JC2026-009-001"
wb.save(sys.argv[2] + "/unknown.xlsx")
ws["A5"] = "JC2026-001-002"
ws["K5"] = "2026-11-20"
wb.save(sys.argv[2] + "/early.xlsx")
PYEOF
h_n() { sqlite3 "$LDB" "SELECT count(*) FROM finding WHERE status = 'done'"; }
s_bad "rectify --file: bad date at its cell, nothing recorded" x 3 "东湖区!K5: 2026-13-01 is not a real date" "$TB" rectify --db "$LDB" --file "$LD/baddate.xlsx"
s_bad "rectify --file: unknown ID named with its cell" x 8 "finding JC2026-009-001 (东湖区!A5) not in the history" "$TB" rectify --db "$LDB" --file "$LD/unknown.xlsx"
s_bad "rectify --file: a date before the bulletin" x 3 "东湖区!K5: 2026-11-20 is before the bulletin that reported JC2026-001-002" "$TB" rectify --db "$LDB" --file "$LD/early.xlsx"
s_eq "rectify --file: refused files recorded nothing" "$(h_n)" 0
"$TB" rectify --db "$LDB" --file "$LD/台账.xlsx" >"$LD/out" 2>&1
s_eq "rectify --file: the ledger as exported changes nothing" "$(tail -1 "$LD/out")" "$LD/台账.xlsx: nothing new (6 rows as recorded or not filled in); nothing recorded"
"$TB" rectify --db "$LDB" --file "$LD/filled.xlsx" >"$LD/out" 2>&1
s_eq "rectify --file: two rows filled → two done reports" "$(tail -1 "$LD/out")" "$LD/filled.xlsx: recorded 2 rectified, 0 progress notes; 4 rows unchanged, in $LDB"
s_eq "rectify --file: the dates as the clerk typed them" "$(sqlite3 "$LDB" "SELECT id || ' ' || done_date || ' ' || note FROM finding WHERE status = 'done' ORDER BY id" | tr '\n' '|')" \
    "JC2026-001-001 2026-11-22 已安排专人值守|JC2026-001-002 2026-11-23 已补齐登记|"
"$TB" rectify --db "$LDB" --file "$LD/filled.xlsx" >"$LD/out" 2>&1
s_eq "rectify --file: the same file twice changes nothing" "$(tail -1 "$LD/out" | cut -d: -f2)" " nothing new (6 rows as recorded or not filled in); nothing recorded"
s_eq "rectify --file: ... no second event either" "$(sqlite3 "$LDB" "SELECT count(*) FROM rectification_event")" 2
"$TB" ledger --db "$LDB" -o "$LD/again.csv" >/dev/null 2>&1
"$TB" rectify --db "$LDB" --file "$LD/again.csv" >"$LD/out" 2>&1
s_eq "rectify --file 台账.csv: as exported, nothing new" "$(tail -1 "$LD/out" | cut -d: -f2)" " nothing new (6 rows as recorded or not filled in); nothing recorded"
# the next night's bulletin says what the ledger brought back
$MK night2 "$LD/night2.xlsx"
"$TB" issue "$LD/night2.xlsx" --db "$LDB" -o "$LD/2.pdf" >/dev/null 2>&1
s_eq "loop: next night's 上期整改情况 names the counts" \
    "$(pdftotext -nopgbrk "$LD/2.pdf" - | tr -d ' \n' | grep -o '上期通报的[^。]*。' | head -1)" "上期通报的6个问题中，已整改2个，逾期未整改4个。"
fi

# ---- the blank workbook, and findings XML → workbook → import: same text ------
if $PY -c 'import openpyxl' 2>/dev/null; then
FD="$SD/form"
mkdir -p "$FD"
check "form: a blank 问题清单" "$TB" form -o "$FD/blank.xlsx" --series 江城市疫情防控督查通报 --db "$SD/loop/h.db"
$PY - "$FD/blank.xlsx" "$FD/filled.xlsx" >"$FD/read.txt" 2>&1 <<'PYEOF'
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("sheets", ",".join(f"{ws.title}:{ws.sheet_state}" for ws in wb))
ws = wb["问题清单"]
print("header", ",".join(c.value for c in ws[1]))
print("example", ws["A2"].value, ws["A2"].font.i, "frozen", ws.freeze_panes)
print("lists", ";".join(f"{v.sqref}={v.formula1}" for v in ws.data_validations.dataValidation if v.type == "list"))
print("dates", ";".join(str(v.sqref) for v in ws.data_validations.dataValidation if v.type == "date"))
print("districts", ",".join(str(r[0].value) for r in wb["下拉选项"].iter_rows()))
info = wb["通报信息"]
print("series", info["B2"].value)
# a clerk fills it: the example row stays, three problems below it
rows = [["1", "东湖区", "青山街道", "和平社区", "锦绣小区", None, "卡点值守不到位", "北门无人值守", "2026-11-30", None, None, None],
        ["2", "西山区", "石桥街道", "石桥社区", "石桥三组", None, "卡点值守不到位", "卡点夜间无人值守", None, None, None, None],
        ["3", None, None, None, "东湖路家属院", "市交通运输局", "重点人员管控不严", "未设志愿岗", None, None, None, None]]
for r, row in enumerate(rows, 3):
    for c, v in enumerate(row, 1):
        ws.cell(row=r, column=c, value=v)
for r in info.iter_rows(min_row=2):
    k = r[0].value
    v = {"标题": "江城市城区疫情防控工作督查通报", "发文机关": "江城市疫情防控指挥部督导组",
         "成文日期": datetime.date(2026, 11, 28), "督查时段": "11月27日晚", "整改时限": "2026-11-30 17:00",
         "报送单位": "市疫情防控指挥部督导问责组"}.get(k)
    if v is not None:
        r[1].value = v
wb.save(sys.argv[2])
PYEOF
s_eq "form: sheets (drop-down lists hidden)" "$(grep '^sheets' "$FD/read.txt")" "sheets 问题清单:visible,通报信息:visible,下拉选项:hidden"
s_eq "form: the recognised column names" "$(grep '^header' "$FD/read.txt")" "header 序号,区,街道,社区,点位,单位,问题类别,问题描述,整改时限,责任单位,发现时间,备注"
s_eq "form: one example row, header frozen" "$(grep '^example' "$FD/read.txt")" "example 示例 True frozen A2"
s_eq "form: 区 and 问题类别 drop-downs from the series' history" "$(grep '^lists' "$FD/read.txt")" 'lists B2:B2001="东湖区,西山区";G2:G2001="卡点值守不到位,重点人员管控不严"'
s_eq "form: date checks" "$(grep '^dates' "$FD/read.txt")" "dates I2:I2001;K2:K2001"
s_eq "form: districts listed" "$(grep '^districts' "$FD/read.txt")" "districts 东湖区,西山区"
s_eq "form: 系列 prefilled" "$(grep '^series' "$FD/read.txt")" "series 江城市疫情防控督查通报"
"$TB" validate "$FD/filled.xlsx" >"$FD/out" 2>&1
s_eq "form: filled in by openpyxl, imports (example row skipped)" "$(cat "$FD/out")" "$FD/filled.xlsx: ok, 2 categories, 3 findings, 0 cases"
# twelve categories of 13-14 characters: 170 characters, under Excel's 255,
# but 480 bytes of UTF-8, which libxlsxwriter 1.1's inline list overflowed
# (tongbao form aborted); the list goes to the hidden sheet instead
$PY - examples/worked-example.xml "$FD/manycats.xml" <<'PYEOF'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
cat = re.search(r"<category .*?</category>", s, re.S).group(0)
many = "".join(re.sub(r'title="[^"]*"', f'title="第{i + 1}类卡点值守管理不到位问题"', cat) for i in range(12))
open(sys.argv[2], "w", encoding="utf-8").write(s.replace(cat, many, 1))
PYEOF
"$TB" issue "$FD/manycats.xml" --db "$FD/many.db" -o "$FD/many.pdf" >/dev/null 2>&1
"$TB" form -o "$FD/many.xlsx" --series 江城市疫情防控督查通报 --db "$FD/many.db" >"$FD/out" 2>&1
s_eq "form: 12 categories of 480 bytes: written, no crash" "$?:$(grep -c 'drop-downs: 1 district, 12 categories' "$FD/out")" "0:1"
$PY -c "import sys, openpyxl; ws = openpyxl.load_workbook(sys.argv[1])['问题清单']
print(';'.join(f'{v.sqref}={v.formula1}' for v in ws.data_validations.dataValidation if v.type == 'list'))" "$FD/many.xlsx" >"$FD/out" 2>&1
s_eq "form: ... their drop-down lists the hidden sheet, the short one stays inline" "$(tail -1 "$FD/out")" \
    'B2:B2001="东湖区";G2:G2001=下拉选项!$B$1:$B$12'
# a category with an ASCII comma would split in an inline list: the range
$PY - examples/worked-example.xml "$FD/comma.xml" <<'PYEOF'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r'<category title="[^"]*"', '<category title="值守,测温不到位"', s, count=1)
open(sys.argv[2], "w", encoding="utf-8").write(s.replace('series="江城市疫情防控督查通报"', 'series="逗号测试通报"'))
PYEOF
"$TB" issue "$FD/comma.xml" --db "$FD/comma.db" -o "$FD/comma.pdf" >/dev/null 2>&1
"$TB" form -o "$FD/comma.xlsx" --series 逗号测试通报 --db "$FD/comma.db" >/dev/null 2>&1
$PY -c "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); ws = wb['问题清单']
print(';'.join(f'{v.sqref}={v.formula1}' for v in ws.data_validations.dataValidation if v.type == 'list'), wb['下拉选项']['B1'].value)" "$FD/comma.xlsx" >"$FD/out" 2>&1
s_eq "form: a category with a comma is listed from the hidden sheet, whole" "$(tail -1 "$FD/out")" \
    'B2:B2001="东湖区";G2:G2001=下拉选项!$B$1:$B$1 值守,测温不到位'
for x in examples/worked-example.xml examples/inbox/jc-2026-11-20-night.xml examples/inbox/jc-2026-11-21-night.xml \
         examples/inbox/jianbao-10.xml examples/inbox/xs-2026-11-22-gb18030.xml; do
    b=$(basename "$x" .xml)
    "$TB" form --from "$x" -o "$FD/$b.xlsx" >/dev/null 2>&1
    if [ "$("$TB" render "$x" --text -o "$FD/a.pdf" 2>/dev/null | md5sum)" = "$("$TB" render "$FD/$b.xlsx" --text -o "$FD/b.pdf" 2>/dev/null | md5sum)" ] &&
       [ -s "$FD/b.pdf" ]; then ok "round trip $b.xml → workbook → import: same composed text"
    else
        "$TB" render "$x" --text -o "$FD/a.pdf" >"$FD/a.txt" 2>&1
        "$TB" render "$FD/$b.xlsx" --text -o "$FD/b.pdf" >"$FD/b.txt" 2>&1
        ko "round trip $b.xml → workbook → import: same composed text" "$(diff "$FD/a.txt" "$FD/b.txt" | head -5)"
    fi
done
# tongbao reads the XML it makes from cells without its own RELAX NG pass
# (parse_generated, src/parse.h); another program holds that XML to the schema
if command -v xmllint >/dev/null 2>&1; then
    for x in "$FD/worked-example.xlsx" "$FD/jc-2026-11-20-night.xlsx" "$FD/jianbao-10.xlsx" \
             "$FD/xs-2026-11-22-gb18030.xlsx" "$FD/filled.xlsx" "$SD/spec.xlsx" "$SD/shapes.xlsx"; do
        b=$(basename "$x" .xlsx)
        "$TB" import "$x" -o "$FD/$b.made.xml" >"$FD/out" 2>&1 &&
            xmllint --noout --relaxng src/findings.rng "$FD/$b.made.xml" >>"$FD/out" 2>&1
        if [ $? = 0 ]; then ok "import $b.xlsx: xmllint --relaxng src/findings.rng accepts the XML it writes"
        else ko "import $b.xlsx: xmllint --relaxng src/findings.rng accepts the XML it writes" "$(head -c 400 "$FD/out")"; fi
    done
else
    ko "sheet: xmllint" "xmllint is missing (make check installs libxml2-utils)"
fi
"$TB" form --from examples/inbox/wenze-2026-11.xml -o "$FD/wenze.xlsx" >"$FD/out" 2>&1
s_eq "form --from a file with cases says they are left out" "$(grep -c 'the 4 cases (<cases>)' "$FD/out")" 1
fi

# ---- findings --csv: what Excel on a Chinese machine opens -------------------------
if [ -f "$SD/loop/h.db" ]; then
"$TB" findings --db "$SD/loop/h.db" --csv >"$SD/f.csv" 2>&1
s_eq "findings --csv: UTF-8 BOM then Chinese headers" "$(head -1 "$SD/f.csv" | cut -d, -f1-3)" "$(printf '\357\273\277编号,系列,年度')"
s_eq "findings --csv: status in words" "$(grep '^JC2026-001-001,' "$SD/f.csv" | cut -d, -f16)" "已整改"
"$TB" findings --db "$SD/loop/h.db" --csv --encoding gb18030 >"$SD/fgb.csv" 2>&1
s_eq "findings --csv --encoding gb18030: no BOM, GB18030 bytes" "$(head -1 "$SD/fgb.csv" | iconv -f GB18030 -t UTF-8 | cut -d, -f1-3)" "编号,系列,年度"
"$TB" rectify --db "$SD/loop/h.db" --file "$SD/f.csv" >"$SD/out" 2>&1
s_eq "findings --csv reads back as a ledger: nothing new" "$(tail -1 "$SD/out" | cut -d: -f2 | cut -c1-12)" " nothing new"
# a note that starts with = is neutralised in the CSV and in the XLSX ledger
"$TB" rectify --db "$SD/loop/h.db" JC2026-001-003 --done --date 2026-11-25 --note '=HYPERLINK("http://x","点")' >/dev/null 2>&1
"$TB" findings --db "$SD/loop/h.db" --csv >"$SD/f2.csv" 2>&1
s_eq "findings --csv: a cell starting with = gets an apostrophe" "$(grep '^JC2026-001-003,' "$SD/f2.csv" | grep -c "\"'=HYPERLINK")" 1
"$TB" ledger --db "$SD/loop/h.db" -o "$SD/inj.xlsx" >/dev/null 2>&1
s_eq "ledger: a cell starting with = is text with the Text format" \
    "$($PY -c "import sys, openpyxl; c = openpyxl.load_workbook(sys.argv[1])['东湖区']['J6']; print(c.data_type, c.number_format, c.value[:10])" "$SD/inj.xlsx")" 's @ =HYPERLINK'
"$TB" rectify --db "$SD/loop/h.db" --file "$SD/f2.csv" >"$SD/out" 2>&1
s_eq "the apostrophe is taken off again on the way back" "$(tail -1 "$SD/out" | cut -d: -f2 | cut -c1-12)" " nothing new"
fi

# ---- nightly: workbooks in the inbox, a 整改台账 beside each 整改通知 -------------
if $PY -c 'import openpyxl' 2>/dev/null; then
ND="$SD/night"
mkdir -p "$ND/inbox"
cp examples/inbox/jc-2026-11-20-night.xml "$ND/inbox/"
cp "$SD/loop/night2.xlsx" "$ND/inbox/"
cp "$SD/notext.xlsx" "$ND/inbox/"
sed 's/jc-2026-11-20-night/csv-night/' "$SD/header.xml" >"$ND/inbox/c.header.xml"
cp "$SD/gbk.csv" "$ND/inbox/c.csv"
"$TB" nightly "$ND/inbox" --out "$ND/out" --db "$ND/n.db" --quiet >"$ND/out.txt" 2>&1
s_eq "nightly: .xml, .xlsx and .csv (with NAME.header.xml) issued, a bad workbook rejected (exit 10)" \
    "$?:$(ls "$ND/inbox/done" | tr '\n' ' ')" "10:c.csv jc-2026-11-20-night.xml night2.xlsx "
s_eq "nightly: the rejected workbook's .err names the cell" "$(head -1 "$ND/inbox/rejected/notext.xlsx.err")" \
    "$ND/inbox/rejected/notext.xlsx: 问题清单!H4: 问题描述 is empty; describe the problem, or delete the row"
D1="$ND/out/江城市疫情防控督查通报/2026/001"
s_eq "nightly: a 整改台账 beside each 整改通知" "$(cd "$D1" && ls *-整改台账.xlsx | sed 's/-整改台账.xlsx//' | tr '\n' ' ')" \
    "$(cd "$D1" && ls *.pdf | grep -v 江城市 | sed 's/.pdf$//' | tr '\n' ' ')"
$PY - "$D1/东湖区-整改台账.xlsx" >"$ND/read.txt" 2>&1 <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
ids = [r[0] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
print(ws.title, len(ids), ids[0], ws["I4"].value, ws.protection.sheet)
PYEOF
s_eq "nightly: the district's ledger holds its findings with their IDs" "$(cat "$ND/read.txt")" \
    "东湖区 $(sqlite3 "$ND/n.db" "SELECT count(*) FROM finding f JOIN bulletin b ON b.id = f.bulletin_id WHERE f.district = '东湖区' AND b.issue_no = 1 AND f.id LIKE 'JC%'") JC2026-001-001 未整改 True"
D2="$ND/out/江城市疫情防控督查通报/2026/002"    # jc-2026-11-20-night.xml, after c.csv
rm "$D2/西山区-整改台账.xlsx"
printf 'PK' >"$D2/南江区-整改台账.xlsx"
mv "$ND/inbox/done/jc-2026-11-20-night.xml" "$ND/inbox/"
"$TB" nightly "$ND/inbox" --out "$ND/out" --db "$ND/n.db" --quiet >/dev/null 2>&1
s_eq "nightly again: a missing or cut-short 整改台账 is written again" \
    "$($PY -c "import sys, openpyxl; print(openpyxl.load_workbook(sys.argv[1]).worksheets[0].title, openpyxl.load_workbook(sys.argv[2]).worksheets[0].title)" "$D2/西山区-整改台账.xlsx" "$D2/南江区-整改台账.xlsx" 2>&1 | tail -1)" "西山区 南江区"
"$TB" rectify --db "$ND/n.db" --file "$D1/东湖区-整改台账.xlsx" >"$ND/r.txt" 2>&1
s_eq "nightly: its ledger reads back with rectify --file" "$(tail -1 "$ND/r.txt" | cut -d: -f2 | cut -c1-12)" " nothing new"
fi

# ---- import names the columns it did not read ------------------------------------
if $PY -c 'import openpyxl' 2>/dev/null; then
$PY -c "import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb['问题清单']; ws['L1'] = '照片'; ws['L2'] = 'a.jpg'; wb.save(sys.argv[2])" "$SD/spec.xlsx" "$SD/extra.xlsx"
"$TB" import "$SD/extra.xlsx" -o - 2>&1 >/dev/null | head -1 >"$SD/out"
s_eq "import: a column it does not read is named" "$(cat "$SD/out")" \
    "$SD/extra.xlsx: note: columns not read (no field of that name; see the README's table): L 照片"
fi
