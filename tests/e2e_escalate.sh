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
