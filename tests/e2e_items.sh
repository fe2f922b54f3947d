# tests/e2e_items.sh — issue 11: 简报 and 信息 made of items (sourced by
# run.sh: TB, BUILD, T, ok, ko, check come from there).
#
# The three seed pages written as data (tests/items/): the 简报 上街信息
# 第10期 (seed 003) and the news items of two newspaper pages (seeds 001 and
# 002) must give the seeds' text, whitespace aside (and the pages' half-width
# ，（）：；？！ read as the full-width marks the data writes).  What a test
# cannot see by eye it checks in the PDF: the text (pdftotext), the font of
# each bold run (mutool's structured text), the geometry (bboxcheck), the
# 报尾 rules (the content stream), and regen's bytes.
BBOX="$BUILD/tests/bboxcheck"
I=tests/items
X="$T/items"
mkdir -p "$X"

# norm: whitespace (U+3000 too) removed, the seeds' markdown (#, **, ---)
# dropped, half-width marks written full-width
norm() {
    sed -e 's/^#* //' -e 's/\*\*//g' -e '/^---$/d' \
        -e 's/,/，/g; s/(/（/g; s/)/）/g; s/:/：/g; s/;/；/g; s/?/？/g; s/!/！/g' |
        tr -d ' \n\f\t' | sed 's/　//g'
}
# pdf_text FILE: the whole text, page numbers (— 3 —) left out, normalised
pdf_text() { pdftotext -nopgbrk "$1" - 2>/dev/null | grep -v '^ *— *[0-9]* *— *$' | norm; }
pdf_pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
# fonts_ok FILE: every font embedded, none Type 3 (synthetic bold would be)
fonts_ok() {
    pdffonts "$1" >"$1.fonts" 2>&1 && [ "$(tail -n +3 "$1.fonts" | awk '$(NF-4) != "yes"' | wc -l)" -eq 0 ] &&
        ! grep -q 'Type 3' "$1.fonts"
}
# runs FILE: "FONT<TAB>SIZE<TAB>TEXT" per run of one font (tests/items/fontruns.py)
runs() { mutool draw -q -F stext -o "$1.stext" "$1" 2>/dev/null && /usr/bin/python3 $I/fontruns.py "$1.stext" >"$1.runs"; }
# in_bold FILE TEXT: TEXT lies within one run of a bold face, and in no other
in_bold() {
    awk -F '\t' -v s="$2" 'index($3, s) { if ($1 ~ /Bold/) b++; else r++ } END { exit !(b >= 1 && r == 0) }' "$1.runs"
}
not_bold() { awk -F '\t' -v s="$2" 'index($3, s) { if ($1 ~ /Bold/) b++; else r++ } END { exit !(r >= 1 && b == 0) }' "$1.runs"; }

# ---- seed 003: the 简报 上街信息 第10期 ---------------------------------------
sj="$X/sj.pdf"
check "items: validate shangjie-10 (2 items)" sh -c "'$TB' validate $I/shangjie-10.xml | grep -q ', 2 items\$'"
if "$TB" render $I/shangjie-10.xml -o "$sj" --text >"$X/sj.txt" 2>"$X/err"; then
    ok "items: render shangjie-10"
else ko "items: render shangjie-10" "$(cat "$X/err")"; fi
# the whole page text, 报头 and 报尾 included, is the seed's
pdf_text "$sj" >"$X/sj.got"
norm <$I/shangjie-10.expect >"$X/sj.want"
if [ -s "$X/sj.want" ] && cmp -s "$X/sj.got" "$X/sj.want"; then ok "items: seed 003 (上街信息 第10期): the PDF's text is the seed's"
else ko "items: seed 003 (上街信息 第10期): the PDF's text is the seed's" "$(cmp "$X/sj.got" "$X/sj.want" 2>&1)"; fi
norm <"$X/sj.txt" >"$X/sj.composed"
if [ -s "$X/sj.composed" ] && grep -qF -f "$X/sj.composed" "$X/sj.got"; then ok "items: pdftotext = composed text (简报)"
else ko "items: pdftotext = composed text (简报)" "composed text not in the PDF"; fi
check "items: qpdf --check (简报)" qpdf --check "$sj"
fonts_ok "$sj" && ok "items: fonts embedded, none Type 3 (简报)" || ko "items: fonts embedded, none Type 3 (简报)" "$(cat "$sj.fonts")"
"$TB" render $I/shangjie-10.xml -o "$X/sj2.pdf" 2>/dev/null
check "items: reproducible (简报)" cmp "$sj" "$X/sj2.pdf"
# 报头: name, 第N期, 编印单位 left and date right, then the 栏目; 报尾 last
p1=$(pdftotext -f 1 -l 1 "$sj" - 2>/dev/null | tr -d ' \n\f')
case $p1 in
上街信息第10期中共上街区委办公室2020年2月10日坚定信心众志成城坚决打赢疫情防控阻击战（三）中心路街道*) ok "items: 报头 上街信息, 第10期, 编印单位 and date, then the column" ;;
*) ko "items: 报头 上街信息, 第10期, 编印单位 and date, then the column" "$(printf '%s' "$p1" | head -c 200)" ;;
esac
pdftotext -layout -f 1 -l 1 "$sj" - 2>/dev/null | grep -q '^ *中共上街区委办公室  *2020年2月10日 *$' &&
    ok "items: 编印单位 at the left, the date at the right, on one line" ||
    ko "items: 编印单位 at the left, the date at the right, on one line" "$(pdftotext -layout -f 1 -l 1 "$sj" - | head -6)"
np=$(pdf_pages "$sj")
last=$(pdftotext -f "$np" -l "$np" "$sj" - 2>/dev/null | tr -d ' \n\f')
case $last in
*（峡窝镇）本期送：区县处级领导发：峡窝镇、各街道办事处、区直各单位负责同志责任编辑：高歌郝婕—"$np"—) ok "items: 报尾 本期送, 发, 责任编辑 on the last page" ;;
*) ko "items: 报尾 本期送, 发, 责任编辑 on the last page" "$(printf '%s' "$last" | tail -c 200)" ;;
esac
# the 报尾's rules: four across the block (28–184 mm), one grid line apart,
# the last on the block's foot (37 + 225 mm from the top)
qpdf --qdf --object-streams=disable "$sj" "$X/sj.qdf" 2>/dev/null
awk -v p="$np" '/^%% Contents for page/ { on = ($5 == p) } on' "$X/sj.qdf" |
    awk '/ m .* l S$/ { if ($1 + 0 > 79 && $1 + 0 < 80 && $4 + 0 > 521 && $4 + 0 < 522) print $2 }' >"$X/rules"
if [ "$(wc -l <"$X/rules")" -eq 4 ] && awk 'NR > 1 { d = prev - $1; if (d < 28.8 || d > 29.2) bad = 1 } { prev = $1 } END { exit bad || prev < 98.7 || prev > 99.7 }' "$X/rules"; then
    ok "items: 报尾 rules: four across the block, a grid line apart, the last on the block's foot"
else ko "items: 报尾 rules: four across the block, a grid line apart, the last on the block's foot" "$(tr '\n' ' ' <"$X/rules")"; fi
# the grid, the page numbers
if [ -x "$BBOX" ]; then
    pdftotext -bbox-layout "$sj" "$X/sj.html" 2>/dev/null
    check "items: geometry on the GB/T 9704 grid, page numbers (简报)" "$BBOX" "$X/sj.html"
fi
# bold: the headlines and 一是…。 in a bold face, the text after them not
if runs "$sj"; then
    bad=""
    for s in 中心路街道全力打响联防联控阻击战 "峡窝镇全员一线战“疫”情 严防严控出实招" "一是扛责在肩，立下“军令状”。" \
        "四是众志成城，打好“狙击战”。" 一是建机制，定举措。 五是强督查，严问责。; do
        in_bold "$sj" "$s" || bad="$bad [$s not bold]"
    done
    for s in 自新型冠状病毒肺炎防控工作开展以来 街道400余名干部职工 成立疫情防控工作领导小组; do
        not_bold "$sj" "$s" || bad="$bad [$s bold]"
    done
    grep -q '^FandolFang-Regular	16	.*（中心路街道）' "$sj.runs" || bad="$bad [source not in the body face]"
    [ -z "$bad" ] && ok "items: bold runs (headlines, 一是…。) are drawn in the bold face, the text in the body face" ||
        ko "items: bold runs (headlines, 一是…。) are drawn in the bold face, the text in the body face" "$bad"
else ko "items: bold runs (headlines, 一是…。) are drawn in the bold face, the text in the body face" "mutool failed"; fi

# ---- issued: regen gives the same bytes; extracts by district ---------------
DB="$X/items.db"
if "$TB" issue $I/shangjie-10.xml --db "$DB" -o "$X/sj-issued.pdf" >"$X/out" 2>&1; then ok "items: issue shangjie-10"
else ko "items: issue shangjie-10" "$(cat "$X/out")"; fi
"$TB" regen --series 上街信息 --issue 10 --year 2020 --db "$DB" -o "$X/sj-regen.pdf" >/dev/null 2>"$X/err"
cmp -s "$X/sj-issued.pdf" "$X/sj-regen.pdf" && ! grep -q 'note:' "$X/err" &&
    ok "items: regen is byte-identical (and re-rendered, not copied)" ||
    ko "items: regen is byte-identical (and re-rendered, not copied)" "$(cat "$X/err")"
"$TB" regen --series 上街信息 --issue 10 --year 2020 --district 峡窝镇 --db "$DB" -o "$X/sj-xw.pdf" >/dev/null 2>"$X/err"
t=$(pdf_text "$X/sj-xw.pdf")
case $t in
上街信息第10期中共上街区委办公室2020年2月10日坚定信心众志成城坚决打赢疫情防控阻击战（三）峡窝镇全员一线战*（峡窝镇）本期送*)
    printf '%s' "$t" | grep -q 中心路街道全力 && ko "items: district extract: only that unit's items, under the same 报头" "has 中心路街道's item" ||
        ok "items: district extract: only that unit's items, under the same 报头" ;;
*) ko "items: district extract: only that unit's items, under the same 报头" "$(cat "$X/err") $(printf '%s' "$t" | head -c 300)" ;;
esac
"$TB" render $I/shangjie-10.xml --district 东湖区 -o "$X/none.pdf" >/dev/null 2>"$X/err"; rc=$?
[ $rc -eq 8 ] && grep -q '中心路街道、峡窝镇' "$X/err" && [ ! -e "$X/none.pdf" ] &&
    ok "items: an extract for a district without items is refused, naming those there are" ||
    ko "items: an extract for a district without items is refused, naming those there are" "exit $rc: $(cat "$X/err")"

# ---- seed 001: news items, one quoting the 督查通报 series' totals ---------------
for i in 1 2 3; do
    "$TB" issue $I/shangzhou-$i.xml --db "$DB" -o "$X/sz-$i.pdf" >/dev/null 2>"$X/err" || ko "items: issue shangzhou-$i" "$(cat "$X/err")"
done
sl="$X/sl.pdf"
if "$TB" issue $I/shangluo-news.xml --db "$DB" -o "$sl" >"$X/out" 2>&1; then ok "items: issue shangluo-news (quotes another series' totals)"
else ko "items: issue shangluo-news (quotes another series' totals)" "$(cat "$X/out")"; fi
pdf_text "$sl" >"$X/sl.got"
norm <$I/shangluo-news.expect >"$X/sl.want"
if [ -s "$X/sl.want" ] && grep -qF -f "$X/sl.want" "$X/sl.got"; then
    ok "items: seed 001's news items: the PDF's text is the seed's (印发督查通报3期，典型案例通报2期4起10人 from the history)"
else ko "items: seed 001's news items: the PDF's text is the seed's (印发督查通报3期，典型案例通报2期4起10人 from the history)" \
    "$(grep -o '截至目前.\{0,80\}' "$X/sl.got")"; fi
# the figures stay those of the issue: more history, same regen
"$TB" issue examples/inbox/wenze-2026-11.xml --db "$DB" -o "$X/w.pdf" >/dev/null 2>&1
sed -e 's/id="sz-2022-01-04"/id="sz-2022-01-05"/' -e 's/2022-01-04/2022-01-05/' $I/shangzhou-3.xml >"$X/sz-4.xml"
"$TB" issue "$X/sz-4.xml" --db "$DB" -o "$X/sz-4.pdf" >/dev/null 2>&1
"$TB" regen --series 商洛市疫情防控工作动态 --issue 1 --year 2022 --db "$DB" -o "$X/sl-regen.pdf" >/dev/null 2>"$X/err"
cmp -s "$sl" "$X/sl-regen.pdf" && ! grep -q 'note:' "$X/err" &&
    ok "items: regen byte-identical with the quoted figures of the issue (the series has moved on)" ||
    ko "items: regen byte-identical with the quoted figures of the issue (the series has moved on)" "$(cat "$X/err")"
sed 's/id="sl-2022-01-06"/id="sl-2022-01-07"/' $I/shangluo-news.xml >"$X/sl-2.xml"
"$TB" issue "$X/sl-2.xml" --db "$DB" -o "$X/sl-2.pdf" >/dev/null 2>&1
pdf_text "$X/sl-2.pdf" | grep -q '印发督查通报4期，典型案例通报3期6起15人' &&
    ok "items: a later issue quotes the figures as they stand then" ||
    ko "items: a later issue quotes the figures as they stand then" "$(pdf_text "$X/sl-2.pdf" | grep -o '截至目前.\{0,60\}')"
# a draft shows where the figures will go
"$TB" render $I/shangluo-news.xml -o "$X/sl-draft.pdf" --text 2>/dev/null | grep -q '〔商州区疫情防控督查通报累计统计，签发时生成〕' &&
    ok "items: a draft marks where <stats/> figures will go" || ko "items: a draft marks where <stats/> figures will go" "no mark"
# extract by district= (source= of these items is not set)
"$TB" render $I/shangluo-news.xml --district 商州区 -o "$X/sl-sz.pdf" --text >"$X/sl-sz.txt" 2>/dev/null
[ "$(grep -c '^本报讯\|^张宏$' "$X/sl-sz.txt")" -eq 2 ] && grep -q '^商州织密疫情防控监督网$' "$X/sl-sz.txt" &&
    grep -q '^沙河子镇防疫排查不漏一人$' "$X/sl-sz.txt" && ! grep -q '洛南' "$X/sl-sz.txt" &&
    ok "items: a news extract holds the items of district= only" || ko "items: a news extract holds the items of district= only" "$(head -c 300 "$X/sl-sz.txt")"

# ---- seed 002: news items, 本报讯 and bylines ----------------------------------
gc="$X/gc.pdf"
"$TB" render $I/guancheng-news.xml -o "$gc" --text >"$X/gc.txt" 2>"$X/err" || ko "items: render guancheng-news" "$(cat "$X/err")"
norm <"$X/gc.txt" >"$X/gc.composed"
norm <$I/guancheng-news.expect >"$X/gc.want"
cmp -s "$X/gc.composed" "$X/gc.want" && ok "items: seed 002's news items: the composed text is the seed's" ||
    ko "items: seed 002's news items: the composed text is the seed's" "$(cmp "$X/gc.composed" "$X/gc.want" 2>&1)"
pdf_text "$gc" >"$X/gc.got"
grep -qF -f "$X/gc.composed" "$X/gc.got" && ok "items: pdftotext = composed text (news)" || ko "items: pdftotext = composed text (news)" "not found"
check "items: qpdf --check (news)" qpdf --check "$gc"
fonts_ok "$gc" && ok "items: fonts embedded, none Type 3 (news)" || ko "items: fonts embedded, none Type 3 (news)" "$(cat "$gc.fonts")"
if [ -x "$BBOX" ]; then
    pdftotext -bbox-layout "$gc" "$X/gc.html" 2>/dev/null
    check "items: geometry on the GB/T 9704 grid, page numbers (news)" "$BBOX" "$X/gc.html"
fi
if runs "$gc"; then
    bad=""
    for s in "区纪委监委 既督又战 将疫情防控措施落实落细" "航海东路街道 宣教先行 助力群防群控入脑入心"; do
        in_bold "$gc" "$s" || bad="$bad [$s not bold]"
    done
    not_bold "$gc" 近日，区纪委监委践行 || bad="$bad [text bold]"
    [ -z "$bad" ] && ok "items: news headlines in the bold face" || ko "items: news headlines in the bold face" "$bad"
else ko "items: news headlines in the bold face" "mutool failed"; fi
# headline centred, byline at the right: from the words' boxes on the page
pdftotext -bbox -f 1 -l 2 "$gc" "$X/gc.bbox" 2>/dev/null
awk -v mm=2.834645669 '
    /<word / {
        match($0, /xMin="[0-9.]*"/); x0 = substr($0, RSTART + 6, RLENGTH - 7) / mm
        match($0, /xMax="[0-9.]*"/); x1 = substr($0, RSTART + 6, RLENGTH - 7) / mm
        w = $0; sub(/.*">/, "", w); sub(/<.*/, "", w)
        if (w == "区纪委监委") hl = x0
        if (w == "将疫情防控措施落实落细") hr = x1
        if (w == "黄帅") br = x1
    }
    END {
        # centred in 28–184 mm; the byline ends two characters (11.1 mm) in
        c = (hl + hr) / 2
        if (c < 105 || c > 107) { printf "headline centre %.1f mm\n", c; bad = 1 }
        if (br < 171.5 || br > 174) { printf "byline ends at %.1f mm\n", br; bad = 1 }
        exit bad
    }' "$X/gc.bbox" >"$X/pos" && ok "items: news headline centred, byline at the right" ||
    ko "items: news headline centred, byline at the right" "$(cat "$X/pos")"
# the dongtai 报头: name, who edits it, 第N期 and date on the double rule
"$TB" issue $I/guancheng-news.xml --db "$DB" -o "$X/gc-issued.pdf" >/dev/null 2>&1
p1=$(pdftotext -f 1 -l 1 "$X/gc-issued.pdf" - 2>/dev/null | tr -d ' \n\f')
qpdf --qdf --object-streams=disable "$X/gc-issued.pdf" "$X/gc.qdf" 2>/dev/null
case $p1 in
管城区疫情防控工作动态中共管城回族区委宣传部编第1期2022年4月18日管城区筑牢基层疫情防控严密防线*)
    awk '/^%% Contents for page/ { on = ($5 == 1) } on' "$X/gc.qdf" >"$X/gc.p1"
    grep -q '0.901961 0 0.0705882 RG' "$X/gc.p1" && [ "$(grep -c ' m .* l S$' "$X/gc.p1")" -ge 2 ] &&
        ok "items: dongtai 报头: name, editor, 第N期 and date over a red double rule" ||
        ko "items: dongtai 报头: name, editor, 第N期 and date over a red double rule" "no red rules" ;;
*) ko "items: dongtai 报头: name, editor, 第N期 and date over a red double rule" "$(printf '%s' "$p1" | head -c 200)" ;;
esac

# ---- a bad <stats/> refuses the issue and records nothing ---------------------
rm -f "$X/bad.db"*
"$TB" issue tests/bad/issue-stats-unknown-series.xml --db "$X/bad.db" -o "$X/bad.pdf" >/dev/null 2>"$X/err"; rc=$?
n=$("$TB" archive list --db "$X/bad.db" 2>/dev/null | grep -c 上街信息)
[ $rc -eq 3 ] && [ "${n:-0}" -eq 0 ] && [ ! -e "$X/bad.pdf" ] && grep -q 'issue-stats-unknown-series.xml:10:18:' "$X/err" &&
    ok "items: <stats series=…/> of a series the history lacks: file:line:col, exit 3, nothing recorded" ||
    ko "items: <stats series=…/> of a series the history lacks: file:line:col, exit 3, nothing recorded" "exit $rc, $n rows: $(cat "$X/err")"

# ---- examples/items: what make demo issues -------------------------------------
for f in examples/items/*.xml; do
    n=$(basename "$f" .xml)
    o="$X/ex-$n.pdf"
    if "$TB" render "$f" -o "$o" --text >"$X/ex-$n.txt" 2>"$X/err" && qpdf --check "$o" >/dev/null 2>&1 && fonts_ok "$o"; then
        ok "items: example $n renders (qpdf, fonts embedded)"
    else ko "items: example $n renders (qpdf, fonts embedded)" "$(cat "$X/err")"; fi
    norm <"$X/ex-$n.txt" >"$X/ex-$n.composed"
    pdf_text "$o" | grep -qF -f "$X/ex-$n.composed" && ok "items: pdftotext = composed text, example $n" ||
        ko "items: pdftotext = composed text, example $n" "composed text not in the PDF"
    if [ -x "$BBOX" ]; then
        pdftotext -bbox-layout "$o" "$X/ex-$n.html" 2>/dev/null
        check "items: geometry on the GB/T 9704 grid, example $n" "$BBOX" "$X/ex-$n.html"
    fi
done
# the 简报: at least six items from at least four units, over three pages or more
f=examples/items/xinxi-2026-48.xml
items=$(grep -c '<item ' "$f")
units=$(grep -o '<item source="[^"]*"' "$f" | sort -u | wc -l)
pages=$(pdf_pages "$X/ex-xinxi-2026-48.pdf")
[ "$items" -ge 6 ] && [ "$units" -ge 4 ] && [ "${pages:-0}" -ge 3 ] &&
    ok "items: the example 简报 has $items items from $units units on $pages pages" ||
    ko "items: the example 简报 has ≥6 items from ≥4 units on ≥3 pages" "$items items, $units units, $pages pages"

# ---- the Word draft of items (python-docx reads it, tests/docx_check.py) ------------
PY=/usr/bin/python3
for n in shangjie-10 guancheng-news; do
    if "$TB" render $I/$n.xml -o "$X/$n.docx" --text >"$X/$n.dtxt" 2>"$X/err" && [ -x "$PY" ] && "$PY" -c 'import docx' 2>/dev/null; then
        "$PY" tests/docx_check.py "$X/$n.docx" "$X/$n.dtxt" "items $n" >"$X/$n.chk" 2>&1
        bad=$(grep -v '^ok' "$X/$n.chk")
        [ -z "$bad" ] && ok "items: the .docx of $n reads as composed (python-docx: text, page, styles, footers, 报尾)" ||
            ko "items: the .docx of $n reads as composed (python-docx: text, page, styles, footers, 报尾)" "$bad"
    else ko "items: the .docx of $n reads as composed (python-docx: text, page, styles, footers, 报尾)" "$(cat "$X/err")"; fi
done
# the run-in headline and 一是…。 are runs of a bold character style
"$PY" - "$X/shangjie-10.docx" >"$X/docx-bold" 2>&1 <<'PYEOF'
import sys, docx
d = docx.Document(sys.argv[1])
want = {"中心路街道全力打响联防联控阻击战", "一是扛责在肩，立下“军令状”。", "五是强督查，严问责。"}
seen = set()
for p in d.paragraphs:
    for r in p.runs:
        if r.text in want and r.style is not None and r.style.font.bold:
            seen.add(r.text)
print("ok" if seen == want else "missing %s" % (want - seen))
PYEOF
[ "$(cat "$X/docx-bold")" = ok ] && ok "items: .docx headline and 一是…。 runs in a bold character style" ||
    ko "items: .docx headline and 一是…。 runs in a bold character style" "$(cat "$X/docx-bold")"

# ---- nightly: the quoted series issued earlier in the same night ----------------
NIN="$X/night"
mkdir -p "$NIN"
for i in 1 2 3; do cp $I/shangzhou-$i.xml "$NIN/a-shangzhou-$i.xml"; done
cp $I/shangluo-news.xml "$NIN/b-shangluo-news.xml"
"$TB" nightly "$NIN" --out "$X/night-out" --db "$X/night.db" >"$X/night.log" 2>&1; rc=$?
o="$X/night-out/商洛市疫情防控工作动态/2022/001/商洛市疫情防控工作动态-2022-001.pdf"
[ $rc -eq 0 ] && [ -f "$o" ] && pdf_text "$o" | grep -q '印发督查通报3期，典型案例通报2期4起10人' &&
    [ "$(find "$X/night-out/商洛市疫情防控工作动态" -name '*.pdf' | wc -l)" -eq 1 ] &&
    ok "items: nightly quotes a series issued earlier the same night; no extracts for items" ||
    ko "items: nightly quotes a series issued earlier the same night; no extracts for items" "exit $rc: $(tail -5 "$X/night.log")"
