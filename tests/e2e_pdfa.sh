# tests/e2e_pdfa.sh — issue 13: PDF/A-2b, the archive's form (sourced by
# run.sh: TB, BUILD, T, ok, ko, check come from there).
#
# No PDF/A validator installs here: tests/pdfa_check.py checks each ISO
# 19005-2 clause that applies on every file (qpdf's JSON view, fontTools for
# the font programs, Python's XML parser for the XMP); Ghostscript and
# poppler must open every file without a word on stderr; qpdf --check must
# be clean.  Files: every template × every example, the chart and appendix
# variants, and the 300-finding night with its appendix table.
A="$T/pdfa"
mkdir -p "$A" "$A/x"   # x/: files kept out of the "$A"/*.pdf set checked below
PY=/usr/bin/python3      # Debian's, with python3-fonttools

for tp in dubao jianbao wenze zhenggai; do
    for f in examples/inbox/*.xml; do
        n=$(basename "$f" .xml)
        "$TB" render "$f" -t "$tp" --pdfa -o "$A/$tp-$n.pdf" >/dev/null 2>"$A/err" ||
            ko "pdfa render $tp $n" "$(cat "$A/err")"
    done
done
for f in examples/inbox/jc-2026-11-20-night.xml examples/inbox/jianbao-10.xml; do
    "$TB" render "$f" --appendix --chart --pdfa -o "$A/ac-$(basename "$f" .xml).pdf" >/dev/null 2>"$A/err" ||
        ko "pdfa render --appendix --chart $f" "$(cat "$A/err")"
done
sh tests/gen_big.sh >"$A/big.xml"
"$TB" render "$A/big.xml" --appendix --pdfa -o "$A/big.pdf" >/dev/null 2>"$A/err" ||
    ko "pdfa render 300 findings with the appendix" "$(cat "$A/err")"
nf=$(ls "$A"/*.pdf | wc -l)
[ "$nf" -eq 23 ] && ok "pdfa: 23 files rendered (4 templates × 5 examples, 2 with appendix and chart, 300 findings)" ||
    ko "pdfa: 23 files rendered" "$nf files"

# ---- the clauses ---------------------------------------------------------
if [ -x "$PY" ] && "$PY" -c 'import fontTools' 2>/dev/null; then
    "$PY" tests/pdfa_check.py "$A"/*.pdf >"$A/clauses" 2>&1
    while IFS= read -r line; do
        case $line in
        "PASS "*) ok "${line#PASS }" ;;
        "FAIL "*) r=${line#FAIL }; ko "${r%%: *}" "${r#*: }" ;;
        *) ko "pdfa_check" "$line" ;;
        esac
    done <"$A/clauses"
else
    ko "pdfa clauses" "needs /usr/bin/python3 with python3-fonttools (make deps installs it)"
fi

# the checker can fail: a plain PDF, and a PDF/A whose XMP says part 1 and
# whose Info title differs from dc:title (same lengths, so the file stays whole)
"$TB" render examples/inbox/jc-2026-11-20-night.xml -o "$A/x/plain.pdf" >/dev/null 2>&1
"$PY" tests/pdfa_check.py "$A/x/plain.pdf" >"$A/neg1" 2>&1
for c in "6.2.3 output intent" "6.6.2.1 XMP metadata stream" "6.6.4 PDF/A identification"; do
    grep -q "^FAIL pdfa $c" "$A/neg1" || { ko "pdfa_check fails a plain PDF" "no FAIL for $c: $(cat "$A/neg1")"; break; }
done && ok "pdfa_check fails a plain PDF (no output intent, no XMP, no identification)"
LC_ALL=C sed -e 's|<pdfaid:part>2</pdfaid:part>|<pdfaid:part>1</pdfaid:part>|' \
    -e 's|<rdf:li xml:lang="x-default">关于|<rdf:li xml:lang="x-default">对于|' \
    "$A/dubao-jc-2026-11-20-night.pdf" >"$A/x/tampered.pdf"
"$PY" tests/pdfa_check.py "$A/x/tampered.pdf" >"$A/neg2" 2>&1
grep -q '^FAIL pdfa 6.6.4' "$A/neg2" && grep -q '^FAIL pdfa info=xmp' "$A/neg2" && grep -q '^PASS pdfa 6.2.3' "$A/neg2" &&
    ok "pdfa_check fails a PDF/A whose XMP says part 1 and whose dc:title differs from Info" ||
    ko "pdfa_check fails a tampered PDF/A" "$(grep -v '^PASS' "$A/neg2")"
# markup characters in the metadata: escaped by the XMP writer, the packet
# well-formed and equal to the Info dictionary
sed 's|<title>关于|<title>A\&amp;B \&lt;C\&gt; "D" 关于|' examples/inbox/jc-2026-11-20-night.xml >"$A/x/markup.xml"
"$TB" render "$A/x/markup.xml" --pdfa -o "$A/x/markup.pdf" >/dev/null 2>&1
"$PY" tests/pdfa_check.py "$A/x/markup.pdf" >"$A/markup" 2>&1
grep -q '^PASS pdfa 6.6.2.1' "$A/markup" && grep -q '^PASS pdfa info=xmp' "$A/markup" && ! grep -q '^FAIL' "$A/markup" &&
    ok "pdfa: a title with & < > \" gives well-formed XMP equal to Info" ||
    ko "pdfa: a title with & < > \" gives well-formed XMP equal to Info" "$(grep -v '^PASS' "$A/markup")"

# ---- real readers: Ghostscript, poppler, qpdf -------------------------------
bad=""
# one Ghostscript for all files (it starts slowly); it names a file it complains about
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage "$A"/*.pdf >"$A/gs.out" 2>&1 </dev/null
[ $? -eq 0 ] && [ ! -s "$A/gs.out" ] || bad="$bad gs: $(head -c 300 "$A/gs.out")"
for f in "$A"/*.pdf; do
    n=$(basename "$f")
    { pdfinfo "$f" >/dev/null && pdffonts "$f" >/dev/null && pdftotext "$f" /dev/null &&
        pdftoppm -r 20 -f 1 -l 2 -png "$f" "$A/ppm"; } 2>"$A/pop.err"
    [ $? -eq 0 ] && [ ! -s "$A/pop.err" ] || bad="$bad $n(poppler: $(head -c 200 "$A/pop.err"))"
    qpdf --check "$f" >"$A/qpdf.out" 2>&1
    [ $? -eq 0 ] && ! grep -q 'WARNING' "$A/qpdf.out" || bad="$bad $n(qpdf: $(grep 'WARNING' "$A/qpdf.out" | head -2))"
done
[ -z "$bad" ] && ok "pdfa: Ghostscript, poppler (pdfinfo, pdffonts, pdftotext, pdftoppm) and qpdf --check open all $nf files without a warning" ||
    ko "pdfa: Ghostscript, poppler and qpdf open every file without a warning" "$bad"

# ---- the same pages as the plain PDF ------------------------------------------
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t dubao -o "$A/x/plain.pdf" >/dev/null 2>&1
pdftotext "$A/x/plain.pdf" "$A/plain.txt" && pdftotext "$A/dubao-jc-2026-11-20-night.pdf" "$A/a.txt" &&
    cmp -s "$A/plain.txt" "$A/a.txt" && ok "pdfa: the same text as the plain PDF" || ko "pdfa: the same text as the plain PDF" "pdftotext differs"
pdftoppm -r 40 -gray "$A/x/plain.pdf" "$A/pl" && pdftoppm -r 40 -gray "$A/dubao-jc-2026-11-20-night.pdf" "$A/pa" &&
    for p in "$A"/pl-*.pgm; do cmp -s "$p" "$A/pa-${p##*/pl-}" || exit 1; done &&
    ok "pdfa: pixel-identical pages to the plain PDF (pdftoppm)" || ko "pdfa: pixel-identical pages to the plain PDF" "pages differ"
! grep -aq '/Metadata\|GTS_PDFA1' "$A/x/plain.pdf" && head -c 8 "$A/x/plain.pdf" | grep -q '%PDF-1.5' &&
    ok "pdfa: plain PDFs are unchanged (1.5, no XMP, no output intent)" || ko "pdfa: plain PDFs are unchanged" "$(head -c 8 "$A/x/plain.pdf")"
"$TB" render examples/inbox/jc-2026-11-20-night.xml --pdfa -o "$A/x/again.pdf" >/dev/null 2>&1
check "pdfa: reproducible (same input, same bytes)" cmp "$A/dubao-jc-2026-11-20-night.pdf" "$A/x/again.pdf"
a=$(wc -c <"$A/dubao-jc-2026-11-20-night.pdf"); p=$(wc -c <"$A/x/plain.pdf")
[ $((a - p)) -le 10240 ] && ok "pdfa: $((a - p)) bytes over the plain PDF (≤ 10 KB)" || ko "pdfa: ≤ 10 KB over the plain PDF" "$((a - p)) bytes"

# ---- where it is switched on ------------------------------------------------
mkdir -p "$A/tpl"
sed 's|</template>|  <output pdfa="yes"/>\n</template>|' templates/dubao.xml >"$A/tpl/dubao.xml"
TONGBAO_TEMPLATES="$A/tpl" "$TB" render examples/inbox/jc-2026-11-20-night.xml -o "$A/x/tpl.pdf" >/dev/null 2>"$A/err"
grep -aq 'pdfaid:part>2<' "$A/x/tpl.pdf" && cmp -s "$A/x/tpl.pdf" "$A/dubao-jc-2026-11-20-night.pdf" &&
    ok "pdfa: a template's <output pdfa=\"yes\"/> makes PDF/A without --pdfa" || ko "pdfa: a template's <output pdfa=\"yes\"/>" "$(cat "$A/err")"
sed 's|</template>|  <output pdfa="maybe"/>\n</template>|' templates/dubao.xml >"$A/tpl/bad.xml"
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t "$A/tpl/bad.xml" -o "$A/x/bad.pdf" >/dev/null 2>"$A/err"; rc=$?
[ $rc -eq 5 ] && grep -q 'bad.xml:[0-9]*:.*pdfa="maybe".*yes or no' "$A/err" && [ ! -e "$A/x/bad.pdf" ] &&
    ok "pdfa: <output pdfa=\"maybe\"> is a template error naming the line (exit 5)" || ko "pdfa: bad <output pdfa>" "exit $rc: $(cat "$A/err")"
# a face only Cairo can draw (here: one fontconfig emboldens) is refused,
# not written as a PDF that is not PDF/A; the plain PDF still falls back
sed 's|</fontconfig>|<match target="font"><test name="family"><string>FandolFang</string></test><edit name="embolden" mode="assign"><bool>true</bool></edit></match></fontconfig>|' \
    fonts/tongbao.conf >"$A/emb.conf"
TONGBAO_FONTS_CONF="$A/emb.conf" "$TB" render examples/inbox/jc-2026-11-20-night.xml --pdfa -o "$A/x/emb.pdf" >/dev/null 2>"$A/err"; rc=$?
TONGBAO_FONTS_CONF="$A/emb.conf" "$TB" render examples/inbox/jc-2026-11-20-night.xml -o "$A/x/embp.pdf" >/dev/null 2>&1; rcp=$?
[ $rc -eq 4 ] && grep -q 'PDF/A: tongbao cannot embed FandolFang' "$A/err" && [ ! -e "$A/x/emb.pdf" ] && [ $rcp -eq 0 ] &&
    ok "pdfa: a face only Cairo could draw is refused (exit 4, names the face); the plain PDF falls back" ||
    ko "pdfa: a face only Cairo could draw is refused" "exit $rc/$rcp: $(cat "$A/err")"
TONGBAO_PDF_WRITER=cairo "$TB" render examples/inbox/jc-2026-11-20-night.xml --pdfa -o "$A/x/cairo.pdf" >/dev/null 2>&1
cmp -s "$A/x/cairo.pdf" "$A/dubao-jc-2026-11-20-night.pdf" && ok "pdfa: TONGBAO_PDF_WRITER=cairo does not apply to PDF/A" ||
    ko "pdfa: TONGBAO_PDF_WRITER=cairo does not apply to PDF/A" "a different file"
