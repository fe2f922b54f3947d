# tests/e2e_templates.sh — issue 6: templates users can copy, the <order> of
# parts, the 附件 问题清单 table and the chart (sourced by run.sh: TB, BUILD,
# T, ok, ko, check come from there).
#
# What a test cannot see by eye it checks in the PDF: the text (pdftotext,
# per page), the fonts (pdffonts), the drawing operators of the content
# streams (qpdf --qdf), the geometry (tests/bboxcheck for body text, and an
# awk check that every word of every page lies inside the 版心).
BBOX="$BUILD/tests/bboxcheck"
X="$T/tpl"
mkdir -p "$X"
S=江城市疫情防控督查通报

# pdf_pages FILE: number of pages
pdf_pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
# page_text FILE P: the text of page P, whitespace removed
page_text() { pdftotext -f "$2" -l "$2" "$1" - 2>/dev/null | tr -d ' \n\f'; }
# page_rows FILE P: page P as rows (pdftotext -layout), spaces removed: a
# table row's first line holds the first line of every cell
page_rows() { pdftotext -layout -f "$2" -l "$2" "$1" - 2>/dev/null | tr -d ' \f'; }
# first_page FILE STRING: the first page whose text contains STRING (0 = none)
first_page() {
    n=$(pdf_pages "$1"); p=1
    while [ "$p" -le "${n:-0}" ]; do
        page_text "$1" "$p" | grep -qF -- "$2" && { echo "$p"; return; }
        p=$((p + 1))
    done
    echo 0
}
# last_page FILE STRING: the last page whose text contains STRING (0 = none)
last_page() {
    p=$(pdf_pages "$1")
    while [ "${p:-0}" -gt 0 ]; do
        page_text "$1" "$p" | grep -qF -- "$2" && break
        p=$((p - 1))
    done
    echo "${p:-0}"
}
# qdf FILE: the PDF with uncompressed content streams, for grepping operators
qdf() { qpdf --qdf --object-streams=disable "$1" "$1.qdf" 2>/dev/null; }
# inside_block FILE: every word of every page within the text block (28 mm
# from the left, 156 mm wide, 37 mm from the top, 225 mm high, ± 1 mm), the
# page numbers 7 mm under it excepted
inside_block() {
    pdftotext -bbox "$1" "$1.bbox.html" 2>/dev/null || return 1
    awk -v mm=2.834645669 '
        /<page / { page++ }
        /<word / {
            match($0, /xMin="[0-9.]*"/); x0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
            match($0, /xMax="[0-9.]*"/); x1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
            match($0, /yMin="[0-9.]*"/); y0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
            match($0, /yMax="[0-9.]*"/); y1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
            if (y0 > (37 + 225 + 3) * mm) next          # the page number
            w = $0; sub(/.*">/, "", w); sub(/<.*/, "", w)
            # a closing mark squeezed at the line end keeps its full box,
            # whose blank right half may stick out (bboxcheck allows the same)
            r = 185 * mm
            if (w ~ /(，|。|、|；|：|）|”|》|？|！|〕|」)$/) r = 188 * mm
            if (x0 < 27 * mm || x1 > r || y0 < 36 * mm || y1 > (37 + 225 + 1) * mm) {
                printf "page %d: \"%s\" at x %.1f–%.1f mm, y %.1f–%.1f mm\n", page, w, x0 / mm, x1 / mm, y0 / mm, y1 / mm
                bad++
            }
        }
        END { exit bad > 0 }' "$1.bbox.html"
}
# fonts_embedded FILE: every font embedded, none Type 3
fonts_embedded() {
    pdffonts "$1" >"$1.fonts" 2>&1 && [ "$(tail -n +3 "$1.fonts" | awk '$(NF-4) != "yes"' | wc -l)" -eq 0 ] &&
        ! grep -q 'Type 3' "$1.fonts"
}

# ---- tongbao templates ---------------------------------------------------
"$TB" templates >"$X/list" 2>&1; rc=$?
if [ $rc -eq 0 ] && for n in dubao jianbao dongtai wenze zhenggai; do
        grep -q "^\* $n .*built-in .*/templates/$n\.xml\$" "$X/list" || exit 1
    done; then ok "templates: the five built-in ones, each marked as used"
else ko "templates: the five built-in ones, each marked as used" "exit $rc: $(cat "$X/list")"; fi
# CJK-aware columns: the FILE column starts at the same display column on
# every row, whatever the description's mix of wide and narrow characters
cols=$(grep '^\* [a-z]' "$X/list" | while IFS= read -r l; do
    # display width of everything before the path: ASCII 1, CJK 2 (a UTF-8
    # lead byte counts 2, continuation bytes 0)
    printf '%s\n' "${l%% /*}" | LC_ALL=C awk '{ w = 0; for (i = 1; i <= length($0); i++) { c = substr($0, i, 1);
        if (c < "\200") w++; else if (c >= "\300") w += 2 } print w }'
done | sort -u | wc -l)
[ "$cols" -eq 1 ] && ok "templates: columns aligned under CJK descriptions" ||
    ko "templates: columns aligned under CJK descriptions" "$(cat "$X/list")"

# ---- every template renders every example --------------------------------
for tp in dubao jianbao dongtai wenze zhenggai; do
    for f in examples/inbox/*.xml; do
        n=$(basename "$f" .xml)
        o="$X/$tp-$n.pdf"
        if "$TB" render "$f" -t "$tp" -o "$o" >/dev/null 2>"$X/err" && qpdf --check "$o" >/dev/null 2>&1 &&
            fonts_embedded "$o"; then ok "template $tp renders $n (qpdf, fonts embedded)"
        else ko "template $tp renders $n (qpdf, fonts embedded)" "$(cat "$X/err" "$o.fonts" 2>/dev/null | head -c 600)"; fi
    done
done
# and with both built parts switched on, inside the block, reproducibly
for f in examples/inbox/jc-2026-11-20-night.xml examples/inbox/jianbao-10.xml examples/inbox/wenze-2026-11.xml; do
    n=$(basename "$f" .xml)
    o="$X/ac-$n.pdf"
    if "$TB" render "$f" --appendix --chart -o "$o" >/dev/null 2>"$X/err" && qpdf --check "$o" >/dev/null 2>&1 &&
        fonts_embedded "$o"; then ok "render --appendix --chart $n"
    else ko "render --appendix --chart $n" "$(cat "$X/err")"; fi
    inside_block "$o" >"$X/inside" && ok "everything inside the block $n (appendix, chart)" ||
        ko "everything inside the block $n (appendix, chart)" "$(head -5 "$X/inside")"
    "$TB" render "$f" --appendix --chart -o "$X/ac-again.pdf" >/dev/null 2>&1
    check "reproducible with appendix and chart $n" cmp "$o" "$X/ac-again.pdf"
done

# ---- body geometry with the new parts -------------------------------------
# bboxcheck on the whole document: body pages keep the GB/T 9704 grid, every
# page its number.  One known exception is waived: the page of the 附件说明
# and the signature has only indented or centred body rows, so its leftmost
# row cannot start at the block's edge (bboxcheck asks that of every page).
if [ -x "$BBOX" ]; then
    for n in jc-2026-11-20-night jc-2026-11-21-night; do
        o="$X/ac-$n.pdf"
        [ -f "$o" ] || "$TB" render "examples/inbox/$n.xml" --appendix --chart -o "$o" >/dev/null 2>&1
        a=$(first_page "$o" 附件：问题清单)
        pdftotext -bbox-layout "$o" "$X/$n.html" 2>/dev/null
        "$BBOX" "$X/$n.html" >"$X/bbox.out" 2>&1
        bad=$(grep -v '^bboxcheck: ' "$X/bbox.out" | grep -v "^page $a: leftmost body line starts at")
        [ -z "$bad" ] && [ "$a" -gt 0 ] && ok "geometry with appendix and chart $n" ||
            ko "geometry with appendix and chart $n" "note on page $a; $bad"
    done
    # jianbao (chart closing the body) and zhenggai (appendix) as shipped
    o="$X/jianbao-jianbao-10.pdf"
    pdftotext -bbox-layout "$o" "$X/jb.html" 2>/dev/null
    check "geometry jianbao with its chart" "$BBOX" "$X/jb.html"
fi

# ---- <order>: parts where the template says -------------------------------
o="$X/ac-jc-2026-11-20-night.pdf"
np=$(pdf_pages "$o")
c=$(first_page "$o" 图1各区发现问题数量（按类别）)
nt=$(first_page "$o" 附件：问题清单)
sg=$(first_page "$o" 江城市疫情防控指挥部督导组2026年11月21日)
ap=$(first_page "$o" 序号编号位置问题整改时限责任单位)
[ "$c" -gt 0 ] && [ "$c" -le "$nt" ] && [ "$nt" -le "$sg" ] && [ "$ap" -gt "$sg" ] &&
    page_text "$o" "$np" | grep -q '印发' && ok "order: chart, 附件说明, signature, then the appendix on a new page, 版记 last" ||
    ko "order: chart, 附件说明, signature, then the appendix on a new page, 版记 last" "chart $c note $nt signature $sg appendix $ap of $np"
page_text "$o" "$ap" | grep -q '^附件问题清单序号' && ok "appendix page: 附件, then the title, then the table" ||
    ko "appendix page: 附件, then the title, then the table" "$(page_text "$o" "$ap" | head -c 200)"
# a user's order leaves parts out: no 主送, no signature
sed 's|<order>.*</order>|<order>head title body tail</order>|' templates/dubao.xml >"$X/short.xml"
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t "$X/short.xml" -o "$X/short.pdf" >/dev/null 2>"$X/err"
pdftotext "$X/short.pdf" - 2>/dev/null | tr -d ' \n' >"$X/short.txt"
! grep -q '市直有关单位：' "$X/short.txt" && ! grep -q '督导组2026年11月21日' "$X/short.txt" && grep -q '一是卡点值守不到位' "$X/short.txt" &&
    ok "order: a part left out is left out" || ko "order: a part left out is left out" "$(cat "$X/err") $(head -c 300 "$X/short.txt")"
# mistakes in <order> and <appendix> are template errors naming the line
sed 's|<order>.*</order>|<order>head title bodyy tail</order>|' templates/dubao.xml >"$X/badorder.xml"
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t "$X/badorder.xml" -o "$X/bad.pdf" >/dev/null 2>"$X/err"; rc=$?
[ $rc -eq 5 ] && grep -q 'badorder.xml:[0-9]*:.*unknown part "bodyy"' "$X/err" && [ ! -e "$X/bad.pdf" ] &&
    ok "order: an unknown part is an error (exit 5) naming file and line" || ko "order: an unknown part is an error (exit 5) naming file and line" "exit $rc: $(cat "$X/err")"
sed 's|field="location" head="位置" width="6.5"|field="location" head="位置" width="16.5"|' templates/zhenggai.xml >"$X/wide.xml"
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t "$X/wide.xml" --district 东湖区 -o "$X/bad.pdf" >/dev/null 2>"$X/err"; rc=$?
[ $rc -eq 5 ] && grep -q 'columns add up to 30 body characters' "$X/err" && [ ! -e "$X/bad.pdf" ] &&
    ok "appendix: columns wider than the block are an error (exit 5)" || ko "appendix: columns wider than the block are an error (exit 5)" "exit $rc: $(cat "$X/err")"
# switched off on the command line
"$TB" render examples/inbox/jianbao-10.xml --no-chart -o "$X/nochart.pdf" >/dev/null 2>&1
[ "$(first_page "$X/nochart.pdf" 图1)" -eq 0 ] && [ "$(first_page "$X/jianbao-jianbao-10.pdf" 图1)" -gt 0 ] &&
    ok "render --no-chart leaves out the chart jianbao has" || ko "render --no-chart leaves out the chart jianbao has" "still there"

# ---- a user's copy overrides the built-in template, no rebuild --------------
mkdir -p "$X/user"
sed -e 's/#E60012/#0050A0/g' -e 's/<style name="mark" font="xiaobiaosong"/<style name="mark" font="kaiti"/' \
    templates/dubao.xml >"$X/user/dubao.xml"
TONGBAO_TEMPLATES="$X/user" "$TB" templates >"$X/ulist" 2>&1
grep -q "^\* dubao .*\$TONGBAO_TEMPLATES .*$X/user/dubao.xml\$" "$X/ulist" && grep -q '^  dubao .*built-in' "$X/ulist" &&
    ok "templates: a user copy wins and the built-in one shows as overridden" || ko "templates: a user copy wins and the built-in one shows as overridden" "$(cat "$X/ulist")"
TONGBAO_TEMPLATES="$X/user" "$TB" render examples/inbox/jc-2026-11-20-night.xml -o "$X/blue.pdf" >/dev/null 2>"$X/err"
qdf "$X/blue.pdf"
qdf "$X/dubao-jc-2026-11-20-night.pdf"
# a fill colour is written "r g b rg" (%g, as Cairo did): #0050A0 is 0 0.313725 0.627451, #E60012 0.901961 0 0.0705882
if grep -aq '^0 0.313725 0.627451 rg' "$X/blue.pdf.qdf" && ! grep -aq '0.901961 0 0.0705882 rg' "$X/blue.pdf.qdf" &&
    grep -aq '0.901961 0 0.0705882 rg' "$X/dubao-jc-2026-11-20-night.pdf.qdf"; then ok "user template: changed colour is drawn (content stream)"
else ko "user template: changed colour is drawn (content stream)" "$(cat "$X/err")"; fi
pdffonts "$X/blue.pdf" 2>/dev/null | grep -qi 'kai' && ! pdffonts "$X/dubao-jc-2026-11-20-night.pdf" 2>/dev/null | grep -qi 'kai' &&
    ok "user template: changed font is used" || ko "user template: changed font is used" "$(pdffonts "$X/blue.pdf" 2>&1)"
# a broken copy is reported with its line, by `templates` and by render
printf '<template name="dubao">\n  <style name="body" font="fangsong" size="16pt"/>\n  <style name="x" align="middle"/>\n</template>\n' >"$X/user/dubao.xml"
TONGBAO_TEMPLATES="$X/user" "$TB" templates >"$X/ulist" 2>&1; rc=$?
[ $rc -eq 5 ] && grep -q "$X/user/dubao.xml:3:.*align=\"middle\"" "$X/ulist" && ok "templates: a broken copy in use exits 5 and says why" ||
    ko "templates: a broken copy in use exits 5 and says why" "exit $rc: $(cat "$X/ulist")"
TONGBAO_TEMPLATES="$X/user" "$TB" render examples/inbox/jc-2026-11-20-night.xml -o "$X/bad.pdf" >/dev/null 2>"$X/err"; rc=$?
[ $rc -eq 5 ] && grep -q 'dubao.xml:3:' "$X/err" && [ ! -e "$X/bad.pdf" ] && ok "render with a broken user template: exit 5 naming the line" ||
    ko "render with a broken user template: exit 5 naming the line" "exit $rc: $(cat "$X/err")"

# ---- jianbao: the 简报 layout of seed 003 ------------------------------------
o="$X/jianbao-jianbao-10.pdf"
np=$(pdf_pages "$o")
p1=$(page_text "$o" 1)
last=$(page_text "$o" "$np")
qdf "$o"
case $p1 in
江城疫情防控工作简报第10期江城市疫情防控指挥部办公室2026年11月23日全市疫情防控督查工作周综述*) ok "jianbao 报头: name, 第N期, 编印单位 and date, then the title" ;;
*) ko "jianbao 报头: name, 第N期, 编印单位 and date, then the title" "$(printf '%s' "$p1" | head -c 200)" ;;
esac
grep -aq '0.901961 0 0.0705882 rg' "$o.qdf" && grep -aq '0.901961 0 0.0705882 RG' "$o.qdf" &&
    ok "jianbao: red name and red rule" || ko "jianbao: red name and red rule" "no red fill and stroke"
printf '%s' "$last" | sed 's/—[0-9]*—//' | grep -q '本期送：市委、市政府领导，市疫情防控指挥部领导抄送：各区疫情防控指挥部，市疫情防控指挥部各工作组，市直有关单位。责任编辑：陈某刘某共印120份' &&
    ok "jianbao 报尾: 本期送, 抄送 (wrapped), 责任编辑, 共印N份 on the last page" ||
    ko "jianbao 报尾: 本期送, 抄送 (wrapped), 责任编辑, 共印N份 on the last page" "$(printf '%s' "$last" | tail -c 300)"
inside_block "$o" >"$X/inside" && ok "jianbao: the long 抄送 wraps inside the block" || ko "jianbao: the long 抄送 wraps inside the block" "$(cat "$X/inside")"

# ---- the chart: vector shapes, CJK labels, caption -----------------------------
o="$X/ac-jc-2026-11-20-night.pdf"
c=$(first_page "$o" 图1各区发现问题数量（按类别）)
t=$(page_text "$o" "$c")
if [ "$(pdfimages -list "$o" 2>/dev/null | tail -n +3 | wc -l)" -eq 0 ] &&
    for w in 东湖区 西山区 南江区 北塘区 有关单位 卡点值守不到位 个人防护意识不强 问题数（个）; do
        printf '%s' "$t" | grep -q "$w" || exit 1
    done; then ok "chart: no images; districts, categories and axis label as text"
else ko "chart: no images; districts, categories and axis label as text" "$(printf '%s' "$t" | head -c 300)"; fi
# filled rectangles: bars and legend swatches in the palette's first colour (#134180)
grep -aq '^0.0745098 0.254902 0.501961 rg' "$o.qdf" 2>/dev/null || qdf "$o"
n=$(grep -ac ' re f' "$o.qdf")
grep -aq '^0.0745098 0.254902 0.501961 rg' "$o.qdf" && [ "$n" -ge 20 ] && ok "chart: drawn with filled rectangles ($n)" ||
    ko "chart: drawn with filled rectangles" "$n rectangles"

# ---- the appendix table of a 300-finding night --------------------------------
# (tests/gen_big.sh: 300 findings, each text P<i>号 … W<i>号, every 11th long)
big="$X/big.xml"
sh tests/gen_big.sh "$S" >"$big"
o="$X/big.pdf"
if "$TB" render "$big" --appendix -o "$o" >/dev/null 2>"$X/err" && qpdf --check "$o" >/dev/null 2>&1; then
    ok "300-finding night renders with the appendix"
    np=$(pdf_pages "$o")
    a=$(first_page "$o" 序号编号位置问题整改时限责任单位)
    # one line per appendix page: "page<TAB>rows"
    p=$a
    : >"$X/pages"
    while [ "$p" -le "$np" ]; do printf '%s\t%s\n' "$p" "$(page_rows "$o" "$p" | tr '\n' '|')" >>"$X/pages"; p=$((p + 1)); done
    # (the 版记 may take a page of its own after the table: no rows, no header)
    grep 'P[0-9]*号' "$X/pages" >"$X/tpages"
    awk -F '\t' '{ if (index("|" $2, "|序号编号位置问题整改时限责任单位|") == 0) { print "page " $1 ": no header row"; bad = 1 } }
        END { exit bad }' "$X/tpages" >"$X/head.out" && [ "$a" -gt 0 ] && [ "$(wc -l <"$X/tpages")" -gt 10 ] &&
        ok "300 findings: the header row on every appendix page ($(wc -l <"$X/tpages") pages)" ||
        ko "300 findings: the header row on every appendix page" "appendix from $a of $np; $(head -3 "$X/head.out")"
    awk -F '\t' '
        { s = $2
          while (match(s, /P[0-9]+号/)) { n = substr(s, RSTART + 1, RLENGTH - 4) + 0; head[n]++; hp[n] = $1; s = substr(s, RSTART + RLENGTH) }
          s = $2
          while (match(s, /W[0-9]+号/)) { n = substr(s, RSTART + 1, RLENGTH - 4) + 0; tail[n]++; tp[n] = $1; s = substr(s, RSTART + RLENGTH) } }
        END { for (i = 1; i <= 300; i++) {
                if (head[i] != 1 || tail[i] != 1) { printf "finding %d: %d starts, %d ends\n", i, head[i], tail[i]; bad = 1 }
                else if (hp[i] != tp[i]) { printf "finding %d: starts on page %d, ends on page %d\n", i, hp[i], tp[i]; bad = 1 } }
              exit bad }' "$X/pages" >"$X/rows.out" &&
        ok "300 findings: every row exactly once, none split across pages" || ko "300 findings: every row exactly once, none split across pages" "$(head -5 "$X/rows.out")"
    # 序号 runs 1…300 in order, 编号 — in a draft: the last row is 300 —
    tail -1 "$X/tpages" | grep -q '|300—' && tail -1 "$X/tpages" | grep -q 'P300号' && ok "300 findings: the last row is 序号 300, 编号 — (a draft)" ||
        ko "300 findings: the last row is 序号 300, 编号 — (a draft)" "$(tail -1 "$X/tpages" | tail -c 300)"
    inside_block "$o" >"$X/inside" && ok "300 findings: every table page inside the block" || ko "300 findings: every table page inside the block" "$(head -5 "$X/inside")"
    if [ -x "$BBOX" ]; then
        # the table is 小四 off the grid: bboxcheck sees no body rows on its
        # pages and checks their page numbers; body pages keep the grid
        pdftotext -bbox-layout "$o" "$X/big.html" 2>/dev/null
        "$BBOX" "$X/big.html" >"$X/bbox.out" 2>&1
        bad=$(grep -v '^bboxcheck: ' "$X/bbox.out" | grep -v "^page $((a - 1)): leftmost body line starts at" | grep -v 'full line holds')
        [ -z "$bad" ] && ok "300 findings: page numbers and body geometry" || ko "300 findings: page numbers and body geometry" "$bad"
    fi
else ko "300-finding night renders with the appendix" "$(cat "$X/err")"; fi

# a row taller than a page splits between lines, never inside one: a finding
# of ~1,200 characters in a 问题 column of about 8
awk 'BEGIN { s = ""; for (i = 0; i < 60; i++) s = s "值守人员脱岗登记台账缺失第" i "段，"; print s }' >"$X/huge.txt"
sed "s|<finding district=\"东湖区\" street=\"青山街道\" community=\"和平社区\" site=\"东苑小区\">卡点仅1名值守人员，登记册多日未填写。|<finding district=\"东湖区\" street=\"青山街道\" community=\"和平社区\" site=\"东苑小区\">$(cat "$X/huge.txt")止W9号|" \
    examples/inbox/jc-2026-11-20-night.xml >"$X/huge.xml"
o="$X/huge.pdf"
if "$TB" render "$X/huge.xml" --appendix -o "$o" >/dev/null 2>"$X/err" && qpdf --check "$o" >/dev/null 2>&1 &&
    inside_block "$o" >"$X/inside"; then
    a=$(first_page "$o" 序号编号位置问题整改时限责任单位)
    e=$(last_page "$o" W9号)
    # pages of the table: the big row starts on the first, ends two or more later
    [ "$e" -ge $((a + 2)) ] && ok "a row taller than a page splits between lines, inside the block" ||
        ko "a row taller than a page splits between lines, inside the block" "table from page $a, row ends on $e"
else ko "a row taller than a page splits between lines, inside the block" "$(cat "$X/err" "$X/inside" 2>/dev/null | head -5)"; fi

# ---- issued: the appendix of a district extract shows the finding IDs ---------
# (the shipped zhenggai leaves the table out; a user's copy turns it on)
DB="$X/h.db"
mkdir -p "$X/zg"
sed 's|<order>head title to body signature tail</order>|<order>head title to body signature appendix tail</order>|' templates/zhenggai.xml >"$X/zg/zhenggai.xml"
if "$TB" issue examples/inbox/jc-2026-11-20-night.xml --db "$DB" -o "$X/n1.pdf" >/dev/null 2>"$X/err" &&
    TONGBAO_TEMPLATES="$X/zg" "$TB" regen --db "$DB" --series "$S" --issue 1 --district 东湖区 -o "$X/dh.pdf" >/dev/null 2>>"$X/err"; then
    a=$(first_page "$X/dh.pdf" 整改问题清单序号)
    np=$(pdf_pages "$X/dh.pdf")
    txt=""
    p=$a
    while [ "$a" -gt 0 ] && [ "$p" -le "$np" ]; do txt="$txt$(page_rows "$X/dh.pdf" "$p")"; p=$((p + 1)); done
    # IDs break after a hyphen in their cell: JC2026- over 001-001, so the
    # rows give JC2026- on one line and 001-0NN on the next
    ids=$(printf '%s' "$txt" | grep -o '001-0[0-9][0-9]' | sort -u | wc -l)
    # 位置 leaves the district out (the notice is addressed to it): the
    # first row's location starts 青山街道, not 东湖区青山街道
    [ "$ids" -eq 9 ] && ! printf '%s' "$txt" | grep -q '西山区' && ! printf '%s' "$txt" | grep -q '东湖区青山' &&
        printf '%s' "$txt" | grep -q 'JC2026-青山街道和平社区' &&
        ok "zhenggai extract: 整改问题清单 with the district's 9 IDs, its own district left out of 位置" ||
        ko "zhenggai extract: 整改问题清单 with the district's 9 IDs, its own district left out of 位置" "appendix from page $a: $ids IDs; $(printf '%s' "$txt" | head -c 400)"
    check "zhenggai extract with appendix is reproducible" sh -c "TONGBAO_TEMPLATES='$X/zg' '$TB' regen --db '$DB' --series '$S' --issue 1 --district 东湖区 -o '$X/dh2.pdf' >/dev/null 2>&1 && cmp '$X/dh.pdf' '$X/dh2.pdf'"
else ko "zhenggai extract: 整改问题清单 with the district's 9 IDs, its own district left out of 位置" "$(cat "$X/err")"; fi
