# tests/e2e_pages.sh — issue 15: GB/T 9704-2012 to the clause and the
# proofreader's list, measured on the PDFs (sourced by run.sh: TB, BUILD,
# T, ok, ko, check come from there).
#
# Geometry comes from `pdftotext -bbox-layout` through tests/bboxcheck
# --rows (one line per visual row: page, body|pn|other, box in mm, height in
# pt, text); ink that boxes cannot see (the 一字线, the red rule) from
# pdftoppm at 254 dpi through tests/inkcheck; single characters' advances
# from `mutool draw -F stext`.  Bulletins of 1 to 30 findings are rendered
# with every template, so that bodies end on odd and on even pages, with
# and without room for the 版记.
BBOX="$BUILD/tests/bboxcheck"
INK="$BUILD/tests/inkcheck"
P="$T/pages"
mkdir -p "$P"
MM=2.834645669
PITCH=10.2273      # grid line, mm (225 / 22)
CH=5.5714          # grid column, mm (156 / 28)

# gen FILE N: a bulletin with N findings.  Environment: DOCNUM (default a
# number; "" none), TO (short, long or none), NOTE, TITLE, ISSUER, CC, TEXT
# (the first finding's text).
gen() {
    {
        printf '<?xml version="1.0" encoding="UTF-8"?>\n'
        printf '<bulletin version="1" id="pages-%s" series="江城市疫情防控督查通报" code="JC">\n<header>\n' "$2"
        printf '<title>%s</title>\n' "${TITLE:-关于11月20日夜间城区疫情防控工作暗访情况的通报}"
        printf '<issuer>%s</issuer>\n<date>2026-11-21</date>\n' "${ISSUER:-江城市疫情防控指挥部督导组}"
        [ "${DOCNUM-江防督〔2026〕7号}" ] && printf '<doc-number>%s</doc-number>\n' "${DOCNUM-江防督〔2026〕7号}"
        case ${TO:-short} in
        short) printf '<to>东湖区、西山区疫情防控指挥部，市直有关单位</to>\n' ;;
        long)
            printf '<to>'
            i=1
            while [ $i -le 46 ]; do printf '第%s片区疫情防控指挥部、' $i; i=$((i + 1)); done
            printf '市直有关单位</to>\n' ;;
        esac
        [ "${NOTE:-}" ] && printf '<note>%s</note>\n' "$NOTE"
        printf '</header>\n<inspection method="暗访"><period from="2026-11-20T19:00" to="2026-11-21"/>'
        printf '<inspectors><inspector>市疫情防控指挥部督导组</inspector></inspectors>'
        printf '<action>对城区各街道疫情防控措施落实情况进行暗访</action></inspection>\n<findings>\n'
        i=1
        while [ $i -le "$2" ]; do
            [ $(((i - 1) % 6)) -eq 0 ] && printf '<category title="第%s类问题">\n' $(((i + 5) / 6))
            case $((i % 5)) in 0) d=东湖区 ;; 1) d=西山区 ;; 2) d=南江区 ;; 3) d=北塘区 ;; *) d=江城经开区 ;; esac
            if [ $i -eq 1 ] && [ "${TEXT:-}" ]; then t=$TEXT
            elif [ "${VARY:-}" ]; then
                # a prefix of 1 to 17 characters moves what follows along the line
                t="$(printf '%*s' $((i * 7 % 17 + 1)) '' | sed 's/ /未/g')（楼栋长）、值守人员对防控要求不掌握（现场）"
            else
                case $((i % 4)) in
                0) t="卡点夜间无人值守，进出人员未测体温、未查验健康码，登记台账缺失，值守人员对防控要求不掌握" ;;
                1) t="隔离户门口未张贴告知书，门磁报警后长时间无人处置，社区网格员未按要求上门核实情况（楼栋长不知情）" ;;
                2) t="值班电话多次拨打无人接听，整改措施停留在纸面，11月21日18:00复查时问题依旧" ;;
                *) t="重点场所扫码测温流于形式，工作人员未佩戴口罩（或佩戴不规范）、未做好消毒记录，群众反映强烈" ;;
                esac
            fi
            printf '<finding district="%s" street="青山街道" community="和平社区" site="第%s小区">%s</finding>\n' $d $i "$t"
            [ $((i % 6)) -eq 0 ] || [ $i -eq "$2" ] && printf '</category>\n'
            i=$((i + 1))
        done
        printf '</findings>\n<rectification deadline="2026-11-22T17:00" report-to="市疫情防控指挥部督导问责组"/>\n'
        printf '<distribution><send>市委、市政府领导，市疫情防控指挥部领导</send>'
        printf '<cc>%s</cc>' "${CC:-市纪委监委，市委组织部，市卫生健康委}"
        printf '<issued-by>江城市疫情防控指挥部办公室</issued-by><editors>张某 王某</editors><copies>60</copies></distribution>\n'
        printf '</bulletin>\n'
    } >"$1"
}

# rows PDF: bboxcheck --rows of every page (also written to PDF.rows)
rows() {
    pdftotext -bbox-layout "$1" "$1.html" 2>/dev/null && "$BBOX" --rows "$1.html" 2>/dev/null | grep -v '^bboxcheck: ' |
        grep -v '^page [0-9]' >"$1.rows"
}
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
# ink PDF PAGE [--red] RANGE...: inkcheck on one page at 254 dpi
ink() {
    f=$1 pg=$2
    shift 2
    rm -f "$f".ink-*.ppm
    pdftoppm -r 254 -f "$pg" -l "$pg" "$f" "$f.ink" 2>/dev/null
    im=$(ls "$f".ink-*.ppm 2>/dev/null | head -1)
    [ -n "$im" ] || return 1
    if [ "$1" = --red ]; then "$INK" --red "$im" "$2"; else "$INK" "$im" "$@"; fi
    rm -f "$im"
}
# A 版记 row: 14 pt text of the 版记 (or 报尾)
TAILRE='(抄送：|印发$|共印[0-9]*份$|本期送：|主送：|责任编辑：)'

# ---- clause 1: 版记 on the last even page; numbering ------------------------
# Every template, 1 to 30 findings.  The class of each bulletin is where
# its body ends: odd page; even page with the 版记 beside it; even page
# without room (a blank page, then the 版记 page, neither numbered).
: >"$P/classes"
: >"$P/all.rows"
# (jianbao-nc: the 简报 without its chart, which else gives up lines to
# keep the 报尾 with the end)
for tp in dubao wenze zhenggai jianbao jianbao-nc; do
    n=1
    while [ $n -le 30 ]; do
        f="$P/$tp-$n"
        NOTE=""
        [ $((n % 2)) -eq 1 ] && NOTE=此件公开发布
        NOTE=$NOTE gen "$f.xml" $n
        opt=""
        [ $tp = jianbao-nc ] && opt=--no-chart
        if "$TB" render "$f.xml" -t ${tp%-nc} $opt -o "$f.pdf" >/dev/null 2>"$f.err" && rows "$f.pdf"; then
            sed "s|^|$tp-$n\t|" "$f.pdf.rows" >>"$P/all.rows"
            awk -F '\t' -v doc="$tp-$n" -v np="$(pages "$f.pdf")" -v re="$TAILRE" -v bottom=262 '
                $2 != "pn" && $8 !~ re && $1 > be { be = $1 }
                $2 == "pn" { pn[$1] = 1 }
                { any[$1] = 1 }
                $8 ~ re { tp = $1; if ($6 > tb) tb = $6 }
                END {
                    cls = be % 2 ? "odd" : (tp == be ? "even-room" : "even-noroom")
                    bad = ""
                    if (tp != np) bad = bad " 版记 on page " tp " of " np ";"
                    if (np % 2) bad = bad " last page " np " is odd;"
                    if (tb < bottom - 5 || tb > bottom + 0.5) bad = bad " 版记 ends at " tb " mm, not on the last grid line;"
                    if (cls == "odd" && np != be + 1) bad = bad " body ends on odd page " be ", 版记 not on the next;"
                    if (cls == "even-noroom" && (np != be + 2 || any[be + 1])) bad = bad " after even page " be ": no blank page before the 版记;"
                    for (p = 1; p <= np; p++) {
                        want = !(cls == "even-noroom" && p > be)
                        if (want && !pn[p]) bad = bad " page " p " unnumbered;"
                        if (!want && pn[p]) bad = bad " page " p " numbered (blank page before the 版记 page);"
                    }
                    print doc "\t" cls "\t" be "\t" np "\t" bad
                }' "$f.pdf.rows" >>"$P/classes"
        else
            printf '%s\tfail\t0\t0\trender failed: %s\n' "$tp-$n" "$(head -c 200 "$f.err")" >>"$P/classes"
        fi
        n=$((n + 1))
    done
    bad=$(grep "^$tp-[0-9]" "$P/classes" | awk -F '\t' '$5 != "" { print $1 ":" $5 }' | head -5)
    [ -z "$bad" ] && ok "版记 on the last even page, blank page rule, numbering: $tp (30 bulletins)" ||
        ko "版记 on the last even page, blank page rule, numbering: $tp" "$bad"
    have=$(grep "^$tp-[0-9]" "$P/classes" | cut -f2 | sort -u | tr '\n' ' ')
    case $tp:$have in
    jianbao:even-room\ odd\ |*:even-noroom*even-room*odd*) ok "bodies end on odd and even pages, with and without room for the 版记: $tp" ;;
    *) ko "bodies end on odd and even pages, with and without room for the 版记: $tp" "only: $have" ;;
    esac
done

# single-sided: <page sides="1"> puts the 版记 on the last page, whatever its number
mkdir -p "$P/tpl1"
sed 's|<page |<page sides="1" |' templates/dubao.xml >"$P/tpl1/dubao.xml"
bad=""
for n in 1 2 3 4 5 6 8 10 12 14 16; do
    f="$P/dubao-$n"
    TONGBAO_TEMPLATES="$P/tpl1" "$TB" render "$f.xml" -t dubao -o "$f.s1.pdf" >/dev/null 2>&1 && rows "$f.s1.pdf" || { bad="$bad render $n;"; continue; }
    bad="$bad$(awk -F '\t' -v re="$TAILRE" '$2 == "body" && $1 > be { be = $1 } $8 ~ re { tp = $1 } { np = $1 }
        END { if (tp != np || np > be + 1 || (np == be + 1 && be > 0 && 0)) printf " %s: body ends on %d, 版记 on %d of %d;", FILENAME, be, tp, np }' "$f.s1.pdf.rows")"
    # a new page only when the body page has no room: the 版记 then opens it
    grep -q "$(printf '^%s\t' "$(pages "$f.s1.pdf")")" "$f.s1.pdf.rows" || bad="$bad $n: empty last page;"
done
[ -z "$bad" ] && ok "single-sided (sides=\"1\"): the 版记 on the last page, odd or even" ||
    ko "single-sided (sides=\"1\"): the 版记 on the last page, odd or even" "$bad"

# ---- clause 2: 页码 — the 一字线's top edge 7 mm under the block --------------
for tp in dubao wenze zhenggai jianbao; do
    f="$P/$tp-12.pdf"
    bad=""
    for pg in 1 2; do
        # the first dash of "— N —": from the row's left edge, one 14 pt em
        x0=$(awk -F '\t' -v p=$pg '$1 == p && $2 == "pn" { print $3 }' "$f.rows" | head -1)
        [ -n "$x0" ] || { bad="$bad page $pg: no number;"; continue; }
        top=$(ink "$f" $pg "$x0-$(awk -v x="$x0" 'BEGIN { print x + 4.5 }'):262-280" | awk '{ print $2 }')
        awk -v t="$top" 'BEGIN { exit !(t >= 268.6 && t <= 269.4) }' || bad="$bad page $pg: dash ink top at $top mm, not 269.0 (7 mm under the block);"
    done
    [ -z "$bad" ] && ok "页码: the 一字线's top edge 7 mm under the block: $tp" || ko "页码: the 一字线's top edge 7 mm under the block: $tp" "$bad"
done

# ---- clause 3: 标题 two lines under the red rule; broken between words -----------
# the title's first row (22 pt): its em top two grid lines under the rule's
# lower edge (jianbao's 报头: one line)
for tp in dubao wenze zhenggai jianbao; do
    f="$P/$tp-3.pdf"
    gap=2
    [ $tp = jianbao ] && gap=1
    rule=$(ink "$f" 1 --red 100-110 | awk '{ print $3 }')
    title=$(awk -F '\t' '$1 == 1 && $7 > 21 && $7 < 23 { c = ($4 + $6) / 2; print c - 22 / 2 / 2.834645669; exit }' "$f.rows")
    awk -v r="$rule" -v t="$title" -v g=$gap -v p=$PITCH 'BEGIN { d = t - r - g * p; exit !(r > 0 && t > 0 && d > -0.6 && d < 0.6) }' &&
        ok "标题 $gap grid lines under the red rule: $tp" || ko "标题 $gap grid lines under the red rule: $tp" "rule ends at $rule mm, title top at $title mm"
done
# only between words: the GB18030 example's title no longer splits 防控
f="$P/xs.pdf"
"$TB" render examples/inbox/xs-2026-11-22-gb18030.xml -o "$f" >/dev/null 2>&1 && rows "$f"
t=$(awk -F '\t' '$1 == 1 && $7 > 21 && $7 < 23 { printf "%s|", $8 }' "$f.rows")
case $t in
*疫情防控*|*疫情\|防控*) ok "标题 breaks only between words (GB18030 example: $t)" ;;
*) ko "标题 breaks only between words" "title rows: $t" ;;
esac
# an explicit break in the input ('|' in <title>) is taken
TITLE='关于11月20日夜间|城区疫情防控工作暗访情况的通报' gen "$P/brk.xml" 2
"$TB" render "$P/brk.xml" -o "$P/brk.pdf" --text >"$P/brk.txt" 2>&1 && rows "$P/brk.pdf"
t=$(awk -F '\t' '$1 == 1 && $7 > 21 && $7 < 23 { printf "%s|", $8 }' "$P/brk.pdf.rows")
[ "$t" = "关于11月20日夜间|城区疫情防控工作暗访情况的通报|" ] && pdfinfo "$P/brk.pdf" | grep -q 'Title: *关于11月20日夜间城区' &&
    ok "标题: an explicit break (|) in the input is taken, and not printed" || ko "标题: an explicit break (|) in the input is taken, and not printed" "rows: $t"
# shapes: a trapezoid or a diamond, never equal lines or an hourglass
bad=""
for title in 关于进一步加强全市城乡社区疫情防控工作中卡点值守和重点人员管控措施落实情况的通报 \
    关于对东湖区西山区南江区北塘区江城经开区疫情防控督查中发现问题整改情况开展回访检查的通报 \
    关于加强疫情防控工作的通报 关于11月20日夜间城区疫情防控工作暗访情况的通报; do
    TITLE=$title gen "$P/shape.xml" 2
    "$TB" render "$P/shape.xml" -o "$P/shape.pdf" >/dev/null 2>&1 && rows "$P/shape.pdf"
    bad="$bad$(awk -F '\t' '$1 == 1 && $7 > 21 && $7 < 23 { w[n++] = ($5 - $3); t = t $8 "|" }
        END { eq = n > 1
              for (k = 1; k < n; k++) if (w[k] - w[0] > 1 || w[0] - w[k] > 1) eq = 0
              for (k = 1; k + 1 < n; k++) if (w[k] < w[k - 1] - 1 && w[k] < w[k + 1] - 1) hg = 1
              if (eq || hg) printf " %s(%s);", t, eq ? "equal lines" : "hourglass" }' "$P/shape.pdf.rows")"
done
[ -z "$bad" ] && ok "标题 lines form a trapezoid or a diamond" || ko "标题 lines form a trapezoid or a diamond" "$bad"

# ---- clause 4: 主送 into the 版记 when it would push the body off page 1 -------
TO=long gen "$P/to.xml" 4
"$TB" render "$P/to.xml" -o "$P/to.pdf" >/dev/null 2>&1 && rows "$P/to.pdf"
b1=$(awk -F '\t' '$1 == 1 && $2 == "body" && $8 ~ /督导组/ { n++ } END { print n + 0 }' "$P/to.pdf.rows")
last=$(pages "$P/to.pdf")
tail_to=$(awk -F '\t' -v p="$last" '$1 == p && $7 < 15 { printf "%s|", $8 }' "$P/to.pdf.rows")
moved=$(awk -F '\t' '$2 == "body" && $8 ~ /片区/ { n++ } END { print n + 0 }' "$P/to.pdf.rows")
case $tail_to in
主送：第1片区*抄送：*) [ "$b1" -gt 0 ] && [ "$moved" -eq 0 ] && ok "主送 moves into the 版记 as 主送： (over 抄送) when it would push the body off page 1" ||
    ko "主送 moves into the 版记 as 主送： (over 抄送) when it would push the body off page 1" "body rows on page 1: $b1, 主送 rows in the body: $moved" ;;
*) ko "主送 moves into the 版记 as 主送： (over 抄送) when it would push the body off page 1" "版记: $(printf '%s' "$tail_to" | head -c 300)" ;;
esac

# ---- clause 5: 署名 and 成文日期, unsealed; never alone on a page -------------
# 署名 右空二字, one blank line under the body; the date two characters
# further right (or 右空二字 when longer); the 署名 page has body text.
awk -F '\t' -v ch=$CH -v p=$PITCH '
    NR == FNR { if ($3 == "body") low[$1 "/" $2] = ($5 + $7) / 2; next }
    function flush() {
        if (doc == "" || doc ~ /^jianbao/) return
        if (!sp) { printf "%s: no 署名; ", doc; return }
        r = 28 + 156 - 2 * ch
        if (sx1 - r > 0.6 || r - sx1 > 0.6) printf "%s: 署名 ends at %.1f mm, not %.1f; ", doc, sx1, r
        want = dx1 - dx0 + 2 * ch <= sx1 - sx0 + 0.3 ? sx0 + 2 * ch : r - (dx1 - dx0)
        if (dx0 - want > 0.6 || want - dx0 > 0.6) printf "%s: date starts at %.1f mm, not %.1f; ", doc, dx0, want
        if (!above) printf "%s: 署名 alone on page %d; ", doc, sp
        else if ((stop - above) - 2 * p > 0.4 || (stop - above) - 2 * p < -0.4)
            if (!(stop - above < p + 0.4 && low[doc "/" sp] > 262 - p)) printf "%s: %.1f mm from the body to the 署名; ", doc, stop - above
    }
    $1 != doc { flush(); doc = $1; sp = 0; above = 0; prev = 0; prevpage = 0 }
    $3 != "body" { next }
    $9 == "江城市疫情防控指挥部督导组" { sp = $2; sx0 = $4; sx1 = $6; stop = ($5 + $7) / 2; above = prevpage == $2 ? prev : 0; getline
        dx0 = $4; dx1 = $6; dtop = ($5 + $7) / 2; next }
    { prev = ($5 + $7) / 2; prevpage = $2 }
    END { flush() }' "$P/all.rows" "$P/all.rows" >"$P/sig.out"
[ ! -s "$P/sig.out" ] && ok "署名/成文日期 unsealed (右空二字, date two characters right, one blank line), never alone on a page" ||
    ko "署名/成文日期 unsealed (右空二字, date two characters right, one blank line), never alone on a page" "$(head -c 600 "$P/sig.out")"
# the worked example: page 1 has room, so no page 2 holding only the 署名
"$TB" render examples/worked-example.xml -o "$P/we.pdf" >/dev/null 2>&1 && rows "$P/we.pdf"
awk -F '\t' '$2 == "body" && $8 == "江城市疫情防控指挥部督导组" { sp = $1 } $2 == "body" && !($8 ~ /督导组$|日$/) { last = $1 }
    END { exit !(sp > 0 && sp == last) }' "$P/we.pdf.rows" &&
    ok "worked example: the 署名 stands with the body" || ko "worked example: the 署名 stands with the body" "$(cut -f1,2,8 "$P/we.pdf.rows" | tail -5)"

# ---- clause 6: 附注 on the line after the date, 左空二字, in （） -----------------
awk -F '\t' -v ch=$CH -v p=$PITCH '
    $3 == "body" && $9 ~ /^2026年11月21日$/ { d = ($5 + $7) / 2; dp = $2; doc = $1; next }
    doc != "" && $1 == doc && $3 == "body" && $9 ~ /^（此件公开发布）$/ {
        if ($2 != dp || ($5 + $7) / 2 - d - p > 0.4 || ($5 + $7) / 2 - d - p < -0.4 || $4 - (28 + 2 * ch) > 0.6 || $4 - (28 + 2 * ch) < -0.6)
            printf "%s: note at %.1f mm, %.1f mm under the date; ", $1, $4, ($5 + $7) / 2 - d
        seen++ }
    END { if (!seen) print "no note found"; }' "$P/all.rows" >"$P/note.out"
[ ! -s "$P/note.out" ] && ok "附注 on the line after the date, 左空二字, in （）" || ko "附注 on the line after the date, 左空二字, in （）" "$(head -c 400 "$P/note.out")"

# ---- the proofreader's list ------------------------------------------------------
# every bulletin above, and the examples
for f in examples/inbox/*.xml examples/worked-example.xml; do
    n=$(basename "$f" .xml)
    "$TB" render "$f" -o "$P/ex-$n.pdf" >/dev/null 2>&1 && rows "$P/ex-$n.pdf" && sed "s|^|ex-$n\t|" "$P/ex-$n.pdf.rows" >>"$P/all.rows"
    "$TB" render "$f" --appendix --chart -o "$P/ac-$n.pdf" >/dev/null 2>&1 && rows "$P/ac-$n.pdf" && sed "s|^|ac-$n\t|" "$P/ac-$n.pdf.rows" >>"$P/all.rows"
done
# a single character and its marks alone on a paragraph's last line
LC_ALL=C.UTF-8 grep -P '\tbody\t([^\t]*\t){5}[^\t，。、；：？！）》」』】”’]{1}[，。、；：？！）》」』】”’]*$' "$P/all.rows" | head -5 >"$P/lone.out"
[ ! -s "$P/lone.out" ] && ok "no single character and its mark alone on a last line" || ko "no single character and its mark alone on a last line" "$(cut -f1,2,9 "$P/lone.out" | tr '\n' ' ')"
# a date or date-time split across lines (11月|21日, 11月21日|18：00, 17：|00)
awk -F '\t' '$3 != "body" { next }
    $1 == doc && $2 == page {
        s = substr(prev, length(prev) - 5) "|" substr($9, 1, 6)
        if (s ~ /[0-9](年|月)?\|[0-9]/ || s ~ /[0-9]+日\|[0-9]+(：|:)/ || s ~ /[0-9](：|:)\|[0-9]/) printf "%s p%s: %s; ", doc, page, s }
    { doc = $1; page = $2; prev = $9 }' "$P/all.rows" | head -c 600 >"$P/dates.out"
[ ! -s "$P/dates.out" ] && ok "no date or date-time split across lines" || ko "no date or date-time split across lines" "$(cat "$P/dates.out")"

# geometry of every bulletin above on the grid (bboxcheck's own checks)
bad=""
for f in "$P"/*-[0-9]*.pdf.html; do
    "$BBOX" "$f" >"$f.check" 2>&1 || bad="$bad $(basename "$f" .pdf.html): $(grep '^page' "$f.check" | head -2 | tr '\n' ' ');"
done
[ -z "$bad" ] && ok "geometry of the 150 bulletins (grid, block, page numbers)" || ko "geometry of the 150 bulletins (grid, block, page numbers)" "$(printf '%s' "$bad" | head -c 700)"

# adjacent punctuation (）、 ）。): the same advance mid-line and at a line
# end; the shipped templates keep the full em (squeeze-adjacent="no"),
# squeeze-adjacent="yes" gives up the blank half everywhere
adjacent() { # adjacent PDF...: "mid" or "end", and the advance of ） (pt), per pair
    for f in "$@"; do mutool draw -F stext -o - "$f" 2>/dev/null; done | awk '
        /<line / { n = 0 }
        /<char / { match($0, / x="[0-9.]*"/); x[n] = substr($0, RSTART + 4, RLENGTH - 5) + 0
                   match($0, /c="[^"]*"/); c[n] = substr($0, RSTART + 3, RLENGTH - 4); n++ }
        /<\/line>/ { for (k = 0; k + 1 < n; k++)
                       if (c[k] == "&#xff09;" && (c[k + 1] == "&#x3001;" || c[k + 1] == "&#x3002;" || c[k + 1] == "&#xff1b;" || c[k + 1] == "&#xff0c;"))
                           printf "%s %.2f\n", k + 2 == n ? "end" : "mid", x[k + 1] - x[k] }'
}
VARY=1 gen "$P/vary.xml" 30
"$TB" render "$P/vary.xml" -o "$P/vary.pdf" >/dev/null 2>&1
adjacent "$P"/dubao-*.pdf "$P/vary.pdf" >"$P/adj.out"
awk '{ n[$1]++; if ($2 < 15 || $2 > 17) bad++ } END { exit !(n["mid"] > 0 && n["end"] > 0 && !bad) }' "$P/adj.out" &&
    ok "adjacent punctuation: the full em mid-line and at line ends alike ($(grep -c mid "$P/adj.out") mid, $(grep -c end "$P/adj.out") at an end)" ||
    ko "adjacent punctuation: the full em mid-line and at line ends alike" "$(sort "$P/adj.out" | uniq -c | tr '\n' ' ')"
mkdir -p "$P/sq"
sed 's|<page |<page squeeze-adjacent="yes" |' templates/dubao.xml >"$P/sq/dubao.xml"
for n in 3 7 11 15 19 23; do TONGBAO_TEMPLATES="$P/sq" "$TB" render "$P/dubao-$n.xml" -t dubao -o "$P/sq-$n.pdf" >/dev/null 2>&1; done
TONGBAO_TEMPLATES="$P/sq" "$TB" render "$P/vary.xml" -t dubao -o "$P/sq-vary.pdf" >/dev/null 2>&1
adjacent "$P"/sq-*.pdf >"$P/adjsq.out"
awk '{ n[$1]++; if ($2 < 7 || $2 > 9) bad++ } END { exit !(n["mid"] > 0 && !bad) }' "$P/adjsq.out" &&
    ok "adjacent punctuation squeezed (squeeze-adjacent=\"yes\"): half an em mid-line and at line ends alike" ||
    ko "adjacent punctuation squeezed (squeeze-adjacent=\"yes\"): half an em mid-line and at line ends alike" "$(sort "$P/adjsq.out" | uniq -c | tr '\n' ' ')"

# the table of the 附件: no joining mark opening a cell, every 问题 cell
# ending alike (no 。), no single character alone on a cell's last line;
# ASCII brackets around Chinese become full-width everywhere
cat >"$P/table.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<bulletin version="1" id="table-1" series="江城市疫情防控督查通报" code="JC">
<header><title>关于乡镇(街道)疫情防控工作的通报</title><issuer>江城市疫情防控指挥部督导组</issuer><date>2026-11-21</date></header>
<findings><category title="卡点值守不到位">
<finding district="东湖区" street="青山街道" community="和平社区" site="锦绣小区" responsible="交通运输局">北门无人值守。</finding>
<finding district="东湖区" street="青山街道" community="和平社区" site="锦绣小区" responsible="交通运输局">，且进出人员未登记。</finding>
<finding district="东湖区" street="青山街道" community="江景社区">社区门口卡点无人值守，乡镇(街道)未督促整改</finding>
<finding district="西山区" street="石桥街道" community="石桥社区" site="三组" responsible="交通运输局">、未查验健康码；</finding>
<finding district="西山区" street="石桥街道" community="石桥社区" site="四组">登记册多日未填写</finding>
</category></findings>
<rectification deadline="2026-11-22T17:00" report-to="市疫情防控指挥部督导问责组"/>
</bulletin>
XML
"$TB" render "$P/table.xml" --appendix -o "$P/table.pdf" --text >"$P/table.txt" 2>"$P/table.err"
pdftotext -bbox-layout "$P/table.pdf" "$P/table.html" 2>/dev/null
a=$(pdftotext "$P/table.pdf" - 2>/dev/null | tr -d ' ' | grep -n '^序号$' | head -1)
"$BBOX" --lines "$P/table.html" 2>/dev/null | awk -F '\t' '$2 == "line" && $7 > 11 && $7 < 13.5' >"$P/cells"
bad=$(awk -F '\t' '$8 ~ /^(、|，|；)/ { printf "starts with a joining mark: %s; ", $8 }
    $8 ~ /(。|；)$/ { printf "ends with 。/；: %s; ", $8 }
    $8 ~ /^(局|区|心|组|位)$/ { printf "a single character alone: %s; ", $8 }' "$P/cells")
[ -s "$P/cells" ] && [ -z "$bad" ] && ok "table cells: no joining mark in front, every 问题 cell ends alike, no lone character" ||
    ko "table cells: no joining mark in front, every 问题 cell ends alike, no lone character" "$(cat "$P/table.err")$bad"
t=$(pdftotext "$P/table.pdf" - 2>/dev/null | tr -d ' \n')
case $t in
*'('*|*')'*) ko "ASCII brackets around Chinese become full-width (title, body, table)" "$(printf '%s' "$t" | grep -o '.\{6\}[()].\{6\}' | head -3)" ;;
*乡镇（街道）疫情*乡镇（街道）未督促*) ok "ASCII brackets around Chinese become full-width (title, body, table)" ;;
*) ko "ASCII brackets around Chinese become full-width (title, body, table)" "$(printf '%s' "$t" | head -c 200)" ;;
esac
# issue 19 item 18: no doubled place word at the join (江景社区 + 社区…)
grep -q '江景社区门口卡点无人值守' "$P/table.txt" && ! grep -q '社区社区' "$P/table.txt" && ! printf '%s' "$t" | grep -aq '社区社区' &&
    ok "no doubled place word at the join (江景社区 + 社区…)" || ko "no doubled place word at the join (江景社区 + 社区…)" "$(grep 江景 "$P/table.txt")"

# figures fill the page: the page before a chart never ends more than four
# grid lines short (the chart floats up past a paragraph or two of the
# body, or gives up some of its plot; it never floats above the preamble),
# and a 报尾 is never alone after a chart on an even page: the chart gives
# up the lines the 报尾 lacks
awk -F '\t' '$2 != "pn" && $1 != doc { }
    { doc = $1 }
    $3 != "pn" && $9 !~ /(抄送：|印发$|共印[0-9]*份$|本期送：|主送：|责任编辑：)/ { if ($7 > low[$1 "/" $2]) low[$1 "/" $2] = $7 }
    $9 ~ /^图1/ { cp[$1] = $2 }
    END { for (d in cp) if (cp[d] > 1 && low[d "/" cp[d] - 1] < 262 - 4.5 * 10.2273 && low[d "/" cp[d] - 1] > 0)
              printf "%s: page %d ends at %.1f mm before the chart on page %d; ", d, cp[d] - 1, low[d "/" cp[d] - 1], cp[d] }' "$P/all.rows" >"$P/fig.out"
[ ! -s "$P/fig.out" ] && ok "figures placed so the page before them fills" || ko "figures placed so the page before them fills" "$(head -c 500 "$P/fig.out")"
bad=$(grep '^jianbao-[0-9]' "$P/classes" | awk -F '\t' '$2 == "even-noroom" { printf "%s ", $1 }')
[ -z "$bad" ] && ok "报尾 kept with the end after a chart (never on a page of its own after an even page)" ||
    ko "报尾 kept with the end after a chart (never on a page of its own after an even page)" "$bad"

# 版记 lists wrap at 、 or ，, never inside a name; 抄送 ends with 。 in every template
CC='市纪委监委，市委组织部，市卫生健康委，市直有关单位，各区疫情防控指挥部，市疫情防控指挥部各工作组，市公安局，市交通运输局，市市场监管局、市文化旅游局' gen "$P/cc.xml" 3
bad=""
for tp in dubao wenze zhenggai jianbao; do
    "$TB" render "$P/cc.xml" -t $tp -o "$P/cc-$tp.pdf" >/dev/null 2>&1 && rows "$P/cc-$tp.pdf"
    bad="$bad$(awk -F '\t' -v tp=$tp '$7 < 15 && $8 ~ /^抄送：/ { on = 1 }
        on && $7 < 15 { n++; if ($8 ~ /。$/) { on = 0; done = 1 } else if ($8 !~ /(，|、|；)$/) printf "%s: %s; ", tp, $8 }
        END { if (!done) printf "%s: 抄送 does not end with 。; ", tp; if (n < 2) printf "%s: 抄送 did not wrap; ", tp }' "$P/cc-$tp.pdf.rows")"
done
[ -z "$bad" ] && ok "版记 lists wrap at 、 or ，, and 抄送 ends with 。 in every template" || ko "版记 lists wrap at 、 or ，, and 抄送 ends with 。 in every template" "$bad"

# without a 发文字号 the red rule moves up under the mark (no 31 mm band);
# an extract prints no 发文字号 of its parent, or its template's own
DOCNUM="" gen "$P/nodn.xml" 3
bad=""
for tp in dubao wenze zhenggai; do
    "$TB" render "$P/nodn.xml" -t $tp -o "$P/nodn-$tp.pdf" >/dev/null 2>&1 && rows "$P/nodn-$tp.pdf"
    mb=$(awk -F '\t' '$1 == 1 && $7 > 24 { print $6; exit }' "$P/nodn-$tp.pdf.rows")
    rt=$(ink "$P/nodn-$tp.pdf" 1 --red 28.3-30 | awk '{ print $2 }')
    awk -v m="$mb" -v r="$rt" 'BEGIN { exit !(m > 0 && r - m > 2.5 && r - m < 6) }' || bad="$bad $tp: mark ends at $mb mm, rule at $rt mm;"
done
[ -z "$bad" ] && ok "without a 发文字号 the red rule moves up, 4 mm under the mark" || ko "without a 发文字号 the red rule moves up, 4 mm under the mark" "$bad"
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t zhenggai --district 东湖区 -o "$P/ex-dh.pdf" >/dev/null 2>&1
mkdir -p "$P/zg"
sed 's|<order>|<wording><text key="doc-number">{district}督改〔{year}〕</text></wording>\n  <order>|' templates/zhenggai.xml >"$P/zg/zhenggai.xml"
TONGBAO_TEMPLATES="$P/zg" "$TB" render examples/inbox/jc-2026-11-20-night.xml -t zhenggai --district 东湖区 -o "$P/ex-dh2.pdf" >/dev/null 2>&1
! pdftotext "$P/ex-dh.pdf" - 2>/dev/null | grep -q '江防督' && pdftotext "$P/ex-dh2.pdf" - 2>/dev/null | grep -q '东湖区督改〔2026〕' &&
    ! pdftotext "$P/ex-dh2.pdf" - 2>/dev/null | grep -q '江防督' &&
    ok "an extract prints no parent 发文字号: none, or its template's pattern" || ko "an extract prints no parent 发文字号: none, or its template's pattern" "$(pdftotext -l 1 "$P/ex-dh.pdf" - | head -3 | tr '\n' ' ')"

# the 版头 mark sized for its length: as large as fits (1.5 characters in
# from each edge), at most 42 pt
bad=""
for issuer in 西山区人民政府 江城市疫情防控指挥部 江城市疫情防控指挥部督导组; do
    ISSUER=$issuer gen "$P/mark.xml" 2
    "$TB" render "$P/mark.xml" -o "$P/mark.pdf" >/dev/null 2>&1 && rows "$P/mark.pdf"
    bad="$bad$(awk -F '\t' -v i=$issuer '$1 == 1 && $7 > 24 { w = $5 - $3; h = $7
        if (!((w > 0.85 * 156 && w < 0.92 * 156) || (h > 41 && h < 43 && w < 0.92 * 156))) printf " %s: %.0f mm wide, %.1f pt;", i, w, h; exit }' "$P/mark.pdf.rows")"
done
[ -z "$bad" ] && ok "版头 mark sized for its length (7, 10, 13 characters)" || ko "版头 mark sized for its length (7, 10, 13 characters)" "$bad"

# issue 19 item 7: a 60-digit licence number breaks at the grid, inside the block
TEXT="经营户许可证号为$(printf '%060d' 0 | tr 0 7)的商户未落实扫码测温，无人劝导" gen "$P/long.xml" 1
"$TB" render "$P/long.xml" -o "$P/long.pdf" >/dev/null 2>&1 && rows "$P/long.pdf"
awk -F '\t' '$2 == "body" && $8 ~ /7777/ { n++; if ($5 > 184.6) bad = bad " ends at " $5 " mm;"; if (length($8) < 6) bad = bad " a row of " $8 ";" }
    END { if (n < 2 || bad) { print n " rows" bad; exit 1 } }' "$P/long.pdf.rows" >"$P/long.out" &&
    ok "a 60-digit number breaks at the grid as a last resort, inside the block" || ko "a 60-digit number breaks at the grid as a last resort, inside the block" "$(cat "$P/long.out")"
pdftotext "$P/long.pdf" - | tr -d '\n ' | grep -q "$(printf '%060d' 0 | tr 0 7)" && ok "the 60-digit number reads whole in the PDF's text" ||
    ko "the 60-digit number reads whole in the PDF's text" "digits lost"

# issue 19 item 17: finding IDs never wrap (an extract prints them; the
# findings' lengths vary, so IDs fall at every place of a line)
if "$TB" issue "$P/vary.xml" --db "$P/ids.db" -o "$P/ids.pdf" >/dev/null 2>&1 &&
    "$TB" regen --db "$P/ids.db" --series 江城市疫情防控督查通报 --issue 1 --district 东湖区 -o "$P/ids-dh.pdf" >/dev/null 2>&1 &&
    rows "$P/ids-dh.pdf"; then
    whole=$(awk -F '\t' '$2 == "body" { print $8 }' "$P/ids-dh.pdf.rows" | grep -o 'JC2026-[0-9]\{3\}-[0-9]\{3\}' | wc -l)
    all=$(awk -F '\t' '$2 == "body" { printf "%s", $8 }' "$P/ids-dh.pdf.rows" | grep -o 'JC2026-[0-9]\{3\}-[0-9]\{3\}' | wc -l)
    [ "$all" -gt 0 ] && [ "$whole" -eq "$all" ] && ok "finding IDs never wrap ($all IDs, each on one line)" ||
        ko "finding IDs never wrap" "$whole of $all IDs on one line"
else ko "finding IDs never wrap" "issue/regen failed"; fi

# the demo (examples/demo.sh's nightly over examples/inbox): every PDF puts
# its 版记 on an even last page
mkdir -p "$P/demo/inbox"
cp examples/inbox/*.xml "$P/demo/inbox/"
"$TB" nightly "$P/demo/inbox" --out "$P/demo/out" --db "$P/demo/t.db" >/dev/null 2>&1
bad="" n=0
for f in $(find "$P/demo/out" -name '*.pdf' | sort); do
    n=$((n + 1))
    np=$(pages "$f")
    rows "$f"
    awk -F '\t' -v np="$np" -v re="$TAILRE" '$8 ~ re { tp = $1 } END { exit !(tp == np && np % 2 == 0) }' "$f.rows" ||
        bad="$bad $(basename "$f"): $np pages;"
done
[ $n -ge 15 ] && [ -z "$bad" ] && ok "the demo's $n PDFs put the 版记 on an even last page" || ko "the demo's PDFs put the 版记 on an even last page" "$n PDFs;$bad"
