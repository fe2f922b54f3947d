# tests/e2e_render.sh — issue 2: validate, render, fonts (sourced by run.sh).
BBOX="$BUILD/tests/bboxcheck"

check "cli --help" "$TB" --help
check "cli --version" sh -c "'$TB' --version | grep -q '^tongbao [0-9]'"
"$TB" frobnicate >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "cli unknown command exits 2" || ko "cli unknown command exits 2" "got $rc"
check "cli render --help" "$TB" render --help
check "fonts lists every role" sh -c "'$TB' fonts > '$T/fonts' && for r in fangsong xiaobiaosong heiti kaiti songti; do grep -q \"^\$r .*\\.\\(otf\\|ttf\\|ttc\\)\" '$T/fonts' || exit 1; done"

for f in examples/inbox/*.xml; do
    n=$(basename "$f" .xml)
    check "validate $n" "$TB" validate "$f"
    out="$T/$n.pdf"
    if ! "$TB" render "$f" -o "$out" --text >"$T/$n.txt" 2>"$T/$n.err"; then
        ko "render $n" "$(cat "$T/$n.err")"
        continue
    fi
    ok "render $n"
    check "qpdf --check $n" qpdf --check "$out"
    # every font embedded, none a Type 3 (synthetic bold would be)
    if pdffonts "$out" >"$T/$n.fonts" 2>&1 && [ "$(tail -n +3 "$T/$n.fonts" | awk '$(NF-4) != "yes"' | wc -l)" -eq 0 ] &&
        ! grep -q 'Type 3' "$T/$n.fonts"; then ok "pdffonts embedded $n"; else ko "pdffonts embedded $n" "$(cat "$T/$n.fonts")"; fi
    # the PDF's text is the composed text: page furniture (版头, page
    # numbers, 版记) around it, whitespace aside
    pdftotext -nopgbrk "$out" - | grep -v '^ *— *[0-9]* *— *$' | tr -d ' \n\f' >"$T/$n.pdftext"
    tr -d ' \n' <"$T/$n.txt" >"$T/$n.want"
    if [ -s "$T/$n.want" ] && grep -qF -f "$T/$n.want" "$T/$n.pdftext"; then ok "pdftotext = composed $n"
    else ko "pdftotext = composed $n" "composed text not found in the PDF text"; fi
    # same input, same bytes
    "$TB" render "$f" -o "$T/$n.again.pdf" 2>/dev/null
    check "reproducible $n" cmp "$out" "$T/$n.again.pdf"
    # geometry on the GB/T 9704 grid
    if [ -x "$BBOX" ]; then
        pdftotext -bbox-layout "$out" "$T/$n.html" 2>/dev/null
        check "geometry $n" "$BBOX" "$T/$n.html"
    fi
done

# the Cairo fallback writer (for a face the own writer cannot embed) lays
# out the same text at the same places, and also embeds every font
n=jc-2026-11-20-night
# (every word's box within 0.05 pt: the writers round positions differently)
TONGBAO_PDF_WRITER=cairo "$TB" render "examples/inbox/$n.xml" -o "$T/cairo.pdf" 2>/dev/null
words_at() { pdftotext -bbox "$1" - 2>/dev/null | sed -n 's/.*xMin="\([0-9.]*\)" yMin="\([0-9.]*\)" xMax="\([0-9.]*\)" yMax="\([0-9.]*\)">\(.*\)<\/word>/\1 \2 \3 \4 \5/p'; }
words_at "$T/$n.pdf" >"$T/own.layout"
words_at "$T/cairo.pdf" >"$T/cairo.layout"
if [ -s "$T/own.layout" ] && paste -d ' ' "$T/own.layout" "$T/cairo.layout" | awk '
        function d(a, b) { return a > b ? a - b : b - a }
        NF != 10 || $5 != $10 || d($1, $6) > 0.05 || d($2, $7) > 0.05 || d($3, $8) > 0.05 || d($4, $9) > 0.05 { bad = 1 }
        END { exit bad }' && [ "$(wc -l <"$T/own.layout")" -eq "$(wc -l <"$T/cairo.layout")" ] && ! cmp -s "$T/$n.pdf" "$T/cairo.pdf" &&
    [ "$(pdffonts "$T/cairo.pdf" 2>/dev/null | tail -n +3 | awk '$(NF-4) != "yes"' | wc -l)" -eq 0 ]; then
    ok "Cairo fallback writer: same text in the same places, fonts embedded"
else ko "Cairo fallback writer: same text in the same places, fonts embedded" "$(diff "$T/own.layout" "$T/cairo.layout" | head -5)"; fi

# compression (libdeflate level 1, string matching): the seed-size bulletin
# stays within the 315,000-byte target, and its font programs shrink below
# what Huffman coding alone reached (84.5%; matching gives about 81%)
if "$TB" render examples/bench/seed-size.xml -o "$T/seed.pdf" 2>/dev/null && qpdf --check "$T/seed.pdf" >/dev/null 2>&1; then
    sz=$(wc -c <"$T/seed.pdf")
    [ "$sz" -le 315000 ] && ok "seed-size PDF <= 315,000 bytes ($sz)" || ko "seed-size PDF <= 315,000 bytes" "$sz bytes"
    raw=0 dec=0
    for o in $(grep -ao '/FontFile[23] [0-9]* 0 R' "$T/seed.pdf" | awk '{print $2}'); do
        raw=$((raw + $(qpdf --show-object="$o" --raw-stream-data "$T/seed.pdf" | wc -c)))
        dec=$((dec + $(qpdf --show-object="$o" --filtered-stream-data "$T/seed.pdf" | wc -c)))
    done
    if [ "$dec" -gt 0 ] && [ $((raw * 1000 / dec)) -le 830 ]; then ok "font programs deflated with matching ($raw of $dec bytes)"
    else ko "font programs deflated with matching" "$raw of $dec bytes"; fi
else ko "seed-size PDF renders and passes qpdf --check" "$(qpdf --check "$T/seed.pdf" 2>&1 | head -3)"; fi

# the two nights fill at least two pages each
for n in jc-2026-11-20-night jc-2026-11-21-night; do
    pages=$(pdfinfo "$T/$n.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    [ "${pages:-0}" -ge 2 ] && ok "pages >= 2 $n" || ko "pages >= 2 $n" "pages=$pages"
done

# default output: FILE.pdf beside the input
cp examples/inbox/jc-2026-11-20-night.xml "$T/beside.xml"
check "render default output beside input" sh -c "'$TB' render '$T/beside.xml' 2>/dev/null && test -s '$T/beside.pdf'"

# a rare character falls back to another face and is reported by name
sed 's/北门无人值守/北门无人值守，值守人员𬘭某缺岗/' examples/inbox/jc-2026-11-20-night.xml >"$T/rare.xml"
if "$TB" render "$T/rare.xml" -o "$T/rare.pdf" 2>"$T/rare.err" && grep -q 'U+2C62D' "$T/rare.err" &&
    pdftotext "$T/rare.pdf" - | grep -q '𬘭'; then ok "rare character falls back and is reported"
else ko "rare character falls back and is reported" "$(cat "$T/rare.err")"; fi

# bad inputs: each rejected with its message and exit 3 (a template: 5);
# nothing written
for f in tests/bad/*.xml; do
    [ -f "$f" ] || continue
    n=$(basename "$f" .xml)
    want=$(cat "tests/bad/$n.expect" 2>/dev/null)
    want_rc=3
    case $n in
    rect-*) "$TB" validate "$f" >/dev/null 2>"$T/bad.err" ;;   # rectification updates
    tpl-*) want_rc=5                                          # templates (from the fuzzer)
        "$TB" render examples/inbox/jc-2026-11-20-night.xml -t "$f" -o "$T/bad-$n.pdf" >/dev/null 2>"$T/bad.err" ;;
    # refused only when issued, against the history (a fresh one)
    issue-*) "$TB" issue "$f" --db "$T/bad-$n.db" -o "$T/bad-$n.pdf" >/dev/null 2>"$T/bad.err" ;;
    *) "$TB" render "$f" -o "$T/bad-$n.pdf" >/dev/null 2>"$T/bad.err" ;;
    esac
    rc=$?
    if [ $rc -eq $want_rc ] && grep -qF -- "$want" "$T/bad.err" && [ "$(wc -l <"$T/bad.err")" -eq 1 ] && [ ! -e "$T/bad-$n.pdf" ]; then
        ok "bad input $n"
    else ko "bad input $n" "exit $rc, wanted $want_rc and «$want»; got: $(cat "$T/bad.err")"; fi
done
for f in tests/good/*.xml; do
    [ -f "$f" ] || continue
    check "good input validates $(basename "$f" .xml)" "$TB" validate "$f"
done
for n in minimal skeleton; do
    check "good input renders $n" "$TB" render "tests/good/$n.xml" -o "$T/good.pdf"
done
# a character no installed face has is an error naming it, never a box
"$TB" render tests/good/gb18030.xml -o "$T/nofont.pdf" >/dev/null 2>"$T/nofont.err"; rc=$?
[ $rc -eq 4 ] && grep -q 'U+20000' "$T/nofont.err" && [ ! -e "$T/nofont.pdf" ] && ok "missing glyph is an error (exit 4)" ||
    ko "missing glyph is an error (exit 4)" "exit $rc: $(cat "$T/nofont.err")"


# an unwritable output gives a clear error, exit 6
"$TB" render examples/inbox/jc-2026-11-20-night.xml -o /nonexistent-dir/x.pdf >/dev/null 2>"$T/w.err"; rc=$?
[ $rc -eq 6 ] && grep -q 'cannot write' "$T/w.err" && ok "unwritable output exits 6" || ko "unwritable output exits 6" "exit $rc: $(cat "$T/w.err")"

# the README's worked example says what tongbao really writes
"$TB" render examples/worked-example.xml -o "$T/we.pdf" --text >"$T/we.txt" 2>/dev/null
missing=0
sed -n '/^## A worked example/,/^## Commands/p' README.md | grep '^> ' | sed 's/^> //' | grep -v '^$' | while IFS= read -r line; do
    grep -qxF -- "$line" "$T/we.txt" || { echo "not in output: $line"; exit 1; }
done >"$T/we.diff" || missing=1
[ $missing -eq 0 ] && [ -s "$T/we.txt" ] && ok "README worked example matches the output" || ko "README worked example matches the output" "$(cat "$T/we.diff")"

# 附注: <note> prints on the line after the date, in （）
sed 's|  </header>|    <note>此件公开发布</note>\n  </header>|' examples/worked-example.xml >"$T/note.xml"
if "$TB" render "$T/note.xml" -o "$T/note.pdf" --text >"$T/note.txt" 2>"$T/note.err" &&
    [ "$(tail -2 "$T/note.txt" | tr '\n' '|')" = "2026年11月21日|（此件公开发布）|" ] &&
    pdftotext "$T/note.pdf" - | grep -q '^（此件公开发布）$'; then ok "note: 附注 after the date, in （）"
else ko "note: 附注 after the date, in （）" "$(cat "$T/note.err"; tail -3 "$T/note.txt")"; fi
