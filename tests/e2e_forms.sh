# tests/e2e_forms.sh — issue 13: the forms a series issues (PDF, PDF/A-2b,
# OFD) through issue, the archive, regen and the nightly (sourced by run.sh:
# TB, BUILD, T, ok, ko, check come from there).
#
# Issued in each form; the archive records which (bulletin.form, and the
# OFD beside a PDF in bulletin_form), verify checks every form's SHA-256,
# export hands each back byte for byte and refuses altered bytes, regen
# renders the recorded form byte-identical; the nightly writes .ofd beside
# .pdf for a series whose template issues OFD and restores both, also after
# a crash between its files.  The archived files go through the same
# outside checkers as rendered ones (tests/pdfa_check.py, tests/ofd_check.py:
# structure only, no browser: the ofd.js reader runs in e2e_ofd.sh).
F="$T/forms"
mkdir -p "$F/tpl"
PY=/usr/bin/python3
S=江城市疫情防控督查通报
N1=examples/inbox/jc-2026-11-20-night.xml
N2=examples/inbox/jc-2026-11-21-night.xml
N3="$F/n3.xml"   # night 1 again under its own id and a later date: a third bulletin of the series
sed -e 's/id="jc-2026-11-20-night"/id="forms-n3"/' -e 's|<date>2026-11-21</date>|<date>2026-11-23</date>|' "$N1" >"$N3"
fm_form() { sqlite3 "$1" "SELECT b.form || coalesce('+' || (SELECT group_concat(form) FROM bulletin_form WHERE bulletin_id = b.id), '') FROM bulletin b WHERE issue_no = $2" 2>/dev/null; }
fm_export() { "$TB" archive export --db "$1" --series "$S" --issue "$2" -o "$3" >/dev/null 2>"$F/xe"; }

# ---- issue in each form -------------------------------------------------------
DB="$F/i.db"
"$TB" issue "$N1" --db "$DB" --pdfa -o "$F/i1.pdf" >"$F/o" 2>&1 &&
    [ "$(fm_form "$DB" 1)" = pdfa ] && grep -aq 'pdfaid:part>2<' "$F/i1.pdf" && grep -q 'PDF/A →' "$F/o" &&
    ok "forms: issue --pdfa records a PDF/A (bulletin.form pdfa)" || ko "forms: issue --pdfa" "$(fm_form "$DB" 1) $(cat "$F/o")"
"$TB" issue "$N2" --db "$DB" -o "$F/i2.ofd" >"$F/o" 2>&1 &&
    [ "$(fm_form "$DB" 2)" = ofd ] && [ ! -e "$F/i2.pdf" ] && [ "$(head -c 2 "$F/i2.ofd")" = PK ] &&
    ok "forms: issue -o X.ofd issues an OFD package alone" || ko "forms: issue -o X.ofd" "$(fm_form "$DB" 2) $(cat "$F/o")"
"$TB" issue "$N3" --db "$DB" --format pdf,ofd --pdfa -o "$F/i3.pdf" >"$F/o" 2>&1 &&
    [ "$(fm_form "$DB" 3)" = pdfa+ofd ] && [ -s "$F/i3.pdf" ] && [ -s "$F/i3.ofd" ] &&
    ok "forms: issue --format pdf,ofd --pdfa writes X.pdf and X.ofd, archives both" ||
    ko "forms: issue --format pdf,ofd --pdfa" "$(fm_form "$DB" 3) $(ls "$F") $(cat "$F/o")"
# the template's default: <output formats="pdf ofd" pdfa="yes"/>
sed 's|</template>|  <output formats="pdf ofd" pdfa="yes"/>\n</template>|' templates/dubao.xml >"$F/tpl/dubao.xml"
TDB="$F/t.db"
cp "$N1" "$F/t1.xml"
TONGBAO_TEMPLATES="$F/tpl" "$TB" issue "$F/t1.xml" --db "$TDB" >"$F/o" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(fm_form "$TDB" 1)" = pdfa+ofd ] && cmp -s "$F/t1.pdf" "$F/i1.pdf" && [ -s "$F/t1.ofd" ] &&
    ok "forms: a template's <output formats=\"pdf ofd\" pdfa=\"yes\"/> issues both without options (the same PDF/A)" ||
    ko "forms: a template's <output formats>" "exit $rc: $(fm_form "$TDB" 1) $(cat "$F/o")"
TONGBAO_TEMPLATES="$F/tpl" "$TB" issue "$N2" --db "$TDB" -o "$F/t2.pdf" --format pdf >"$F/o" 2>&1
[ "$(fm_form "$TDB" 2)" = pdfa ] && [ ! -e "$F/t2.ofd" ] &&
    ok "forms: --format pdf overrides the template's forms (its pdfa stays)" || ko "forms: --format pdf overrides the template" "$(fm_form "$TDB" 2) $(cat "$F/o")"
TONGBAO_TEMPLATES="$F/tpl" "$TB" issue "$N3" --db "$TDB" -o "$F/t3.ofd" >"$F/o" 2>&1
[ "$(fm_form "$TDB" 3)" = pdfa+ofd ] && [ -s "$F/t3.pdf" ] &&
    ok "forms: -o X.ofd under a template issuing both names the OFD, the PDF goes beside it" ||
    ko "forms: -o X.ofd under a template issuing both" "$(fm_form "$TDB" 3) $(cat "$F/o")"
# what is refused, before anything is recorded
bad=""
for args in "--pdfa --format ofd" "-o $F/u.pdf --format ofd" "--format docx" "--format pdf,tiff" "-o $F/u.docx"; do
    # shellcheck disable=SC2086
    "$TB" issue "$N1" --db "$F/u.db" $args >/dev/null 2>"$F/e"; rc=$?
    [ $rc -eq 2 ] && [ ! -e "$F/u.db" ] && [ -s "$F/e" ] || bad="$bad [$args: exit $rc $(cat "$F/e")]"
done
[ -z "$bad" ] && ok "forms: --pdfa without a PDF, -o against --format, docx and unknown forms are usage errors (exit 2), nothing recorded" ||
    ko "forms: bad form options refused" "$bad"
sed 's|</template>|  <output formats="pdf docx"/>\n</template>|' templates/dubao.xml >"$F/bad.xml"
"$TB" issue "$N1" --db "$F/u.db" -t "$F/bad.xml" -o "$F/u.pdf" >/dev/null 2>"$F/e"; rc=$?
[ $rc -eq 5 ] && grep -q 'bad.xml:[0-9]*:.*formats="pdf docx".*pdf or ofd' "$F/e" && [ ! -e "$F/u.db" ] &&
    ok "forms: <output formats=\"pdf docx\"> is a template error naming the line (exit 5)" || ko "forms: bad <output formats>" "exit $rc: $(cat "$F/e")"

# ---- the archive: list, export each form, verify ---------------------------------
"$TB" archive list --db "$DB" >"$F/list" 2>&1
grep -q '第1  期.* pdfa ' "$F/list" && grep -q '第2  期.* ofd ' "$F/list" && grep -q '第3  期.* pdfa+ofd ' "$F/list" &&
    ok "forms: archive list shows each bulletin's forms" || ko "forms: archive list shows the forms" "$(cat "$F/list")"
bad=""
for x in 1:pdf 2:ofd 3:pdf 3:ofd; do
    n=${x%:*}; f=${x#*:}
    fm_export "$DB" "$n" "$F/x$n.$f" && cmp -s "$F/x$n.$f" "$F/i$n.$f" || bad="$bad $x($(cat "$F/xe"))"
done
"$TB" archive export --db "$DB" --series "$S" --issue 3 --format ofd -o - >"$F/std.ofd" 2>/dev/null && cmp -s "$F/std.ofd" "$F/i3.ofd" || bad="$bad stdout-ofd"
"$TB" archive export --db "$DB" --series "$S" --issue 2 -o - >"$F/std2" 2>/dev/null && cmp -s "$F/std2" "$F/i2.ofd" || bad="$bad stdout-first"
[ -z "$bad" ] && ok "forms: archive export gives each form byte-identical to what issue wrote (.pdf, .ofd, --format ofd -o -, -o - the first form)" ||
    ko "forms: archive export of each form" "$bad"
"$TB" archive export --db "$DB" --series "$S" --issue 1 -o "$F/n1.ofd" >/dev/null 2>"$F/e"; rc=$?
[ $rc -eq 8 ] && [ ! -e "$F/n1.ofd" ] && grep -q 'was issued as pdfa, not as OFD' "$F/e" &&
    ok "forms: exporting a form a bulletin was not issued in says which it was (exit 8)" || ko "forms: export of a missing form" "exit $rc: $(cat "$F/e")"
check "forms: archive verify of PDF/A, OFD and both" "$TB" archive verify --db "$DB"
cp "$DB" "$F/bad.db"
# one byte of the OFD beside the PDF/A, and one of the OFD that is a bulletin's only form
sqlite3 "$F/bad.db" "UPDATE bulletin_form SET bytes = substr(bytes, 1, 100) || X'00' || substr(bytes, 102);
  UPDATE bulletin_file SET pdf = substr(pdf, 1, 200) || X'00' || substr(pdf, 202) WHERE bulletin_id = 2" 2>"$F/e"
"$TB" archive verify --db "$F/bad.db" >"$F/v" 2>&1; rc=$?
[ $rc -eq 9 ] && grep -q '^FAULT .*2026年第3期: the archived OFD does not match its recorded SHA-256' "$F/v" &&
    grep -q '^FAULT .*2026年第2期: the archived OFD does not match' "$F/v" && ! grep -q '第1期' "$F/v" &&
    ok "forms: archive verify catches an altered OFD, beside a PDF and alone (exit 9)" || ko "forms: verify catches a tampered OFD" "exit $rc: $(cat "$F/v" "$F/e")"
"$TB" archive verify --db "$F/bad.db" --since 2026-11-23 >"$F/v" 2>&1; rc=$?
[ $rc -eq 9 ] && grep -q '^FAULT .*2026年第3期: the archived OFD does not match' "$F/v" && ! grep -q '第2期' "$F/v" &&
    ok "forms: archive verify --since checks the further forms of the recent bulletins only (第3期's altered OFD, not 第2期's)" ||
    ko "forms: verify --since and the further forms" "exit $rc: $(cat "$F/v")"
"$TB" archive export --db "$F/bad.db" --series "$S" --issue 3 -o "$F/bad3.ofd" >/dev/null 2>"$F/e"; rc=$?
"$TB" archive export --db "$F/bad.db" --series "$S" --issue 3 -o "$F/bad3.pdf" >/dev/null 2>&1; rcp=$?
[ $rc -eq 9 ] && [ ! -e "$F/bad3.ofd" ] && grep -q 'archived OFD .* altered after issue' "$F/e" && [ $rcp -eq 0 ] &&
    ok "forms: export refuses the altered OFD (exit 9, nothing written); the intact PDF/A still exports" ||
    ko "forms: export refuses a tampered OFD" "exit $rc/$rcp: $(cat "$F/e")"

# ---- regen: the recorded form, byte for byte ---------------------------------------
S_REGEN=""
for x in 1:pdf 2:ofd 3:pdf 3:ofd; do
    n=${x%:*}; f=${x#*:}
    "$TB" regen --db "$DB" --series "$S" --issue "$n" -o "$F/r$n.$f" >"$F/o" 2>"$F/e" && cmp -s "$F/r$n.$f" "$F/i$n.$f" &&
        [ ! -s "$F/e" ] || S_REGEN="$S_REGEN $x($(cat "$F/e"))"
done
[ -z "$S_REGEN" ] && ok "forms: regen is byte-identical to the archive for the PDF/A and the OFD (rendered again, no fallback note)" ||
    ko "forms: regen byte-identical for PDF/A and OFD" "$S_REGEN"
"$TB" regen --db "$DB" --series "$S" --issue 1 -o "$F/r1.ofd" >"$F/o" 2>&1 && grep -q 'OFD, 6 pages, rendered now: the archive does not hold this form' "$F/o" &&
    "$TB" regen --db "$DB" --series "$S" --issue 2 --pdfa -o "$F/r2.pdf" >"$F/o2" 2>&1 && grep -aq 'pdfaid:part>2<' "$F/r2.pdf" &&
    ok "forms: regen renders a form the archive does not hold, and says so" || ko "forms: regen of a form not archived" "$(cat "$F/o" "$F/o2")"
"$TB" regen --db "$DB" --series "$S" --issue 1 --district 东湖区 -o "$F/d1.pdf" >/dev/null 2>&1 && grep -aq 'pdfaid:part>2<' "$F/d1.pdf" &&
    "$TB" regen --db "$DB" --series "$S" --issue 2 --district 东湖区 -o "$F/d2.ofd" >/dev/null 2>&1 && [ "$(head -c 2 "$F/d2.ofd")" = PK ] &&
    ok "forms: regen --district of a PDF/A bulletin is a PDF/A; -o X.ofd gives the extract as OFD" || ko "forms: regen --district forms" "$(ls "$F")"

# ---- the nightly: a series whose template issues PDF/A and OFD ------------------------
NI="$F/night"
mkdir -p "$NI/in"
cp "$N1" "$N2" "$NI/in/"
TONGBAO_TEMPLATES="$F/tpl" "$TB" nightly "$NI/in" --out "$NI/out" --db "$NI/h.db" --quiet >"$F/o" 2>&1; rc=$?
D1="$NI/out/$S/2026/001"
bad=""
for n in 1 2; do
    d="$NI/out/$S/2026/00$n"
    for f in pdf ofd; do
        fm_export "$NI/h.db" "$n" "$NI/a$n.$f" && cmp -s "$NI/a$n.$f" "$d/$S-2026-00$n.$f" || bad="$bad $n.$f"
    done
    grep -aq 'pdfaid:part>2<' "$d/东湖区.pdf" || bad="$bad $n:extract-not-pdfa"
done
[ $rc -eq 0 ] && [ -z "$bad" ] && [ "$(fm_form "$NI/h.db" 2)" = pdfa+ofd ] &&
    ok "forms: nightly writes <series>-YYYY-NNN.pdf and .ofd (= the archive's) for an OFD-issuing series; extracts PDF/A" ||
    ko "forms: nightly writes .pdf and .ofd" "exit $rc:$bad $(cat "$F/o")"
cmp -s "$NI/a1.pdf" "$F/i1.pdf" && cmp -s "$NI/a1.ofd" "$F/t1.ofd" &&
    ok "forms: the nightly's PDF/A and OFD are the same bytes as issue's" || ko "forms: nightly and issue give the same bytes" "differ"
# restored when missing or damaged
mv "$NI/in/done/"*.xml "$NI/in/"
rm -f "$D1/$S-2026-001.ofd"
echo damaged >"$NI/out/$S/2026/002/$S-2026-002.pdf"
TONGBAO_TEMPLATES="$F/tpl" "$TB" nightly "$NI/in" --out "$NI/out" --db "$NI/h.db" >"$F/o" 2>&1; rc=$?
[ $rc -eq 0 ] && cmp -s "$NI/a1.ofd" "$D1/$S-2026-001.ofd" && cmp -s "$NI/a2.pdf" "$NI/out/$S/2026/002/$S-2026-002.pdf" &&
    grep -q '1 missing output files written from the archive' "$F/o" && [ "$(ls "$NI/in" | grep -c xml)" = 0 ] &&
    ok "forms: a re-run restores a missing .ofd and a damaged .pdf from the archive" || ko "forms: nightly restores .ofd and .pdf" "exit $rc: $(cat "$F/o")"
# --format and --pdfa on the command line, over the template's default
mkdir -p "$NI/in2"
sed 's/id="forms-n3"/id="forms-3"/' "$N3" >"$NI/in2/c3.xml"
"$TB" nightly "$NI/in2" --out "$NI/out" --db "$NI/h.db" --format ofd --quiet >"$F/o" 2>&1; rc=$?
d="$NI/out/$S/2026/003"
[ $rc -eq 0 ] && [ "$(fm_form "$NI/h.db" 3)" = ofd ] && [ -s "$d/$S-2026-003.ofd" ] && [ ! -e "$d/$S-2026-003.pdf" ] &&
    ! grep -aq 'pdfaid' "$d/东湖区.pdf" &&
    ok "forms: nightly --format ofd issues OFD alone (the extracts stay plain PDFs)" || ko "forms: nightly --format ofd" "exit $rc: $(ls "$d") $(cat "$F/o")"
"$TB" nightly "$NI/in2" --out "$NI/out" --db "$NI/h.db" --format ofd --pdfa >"$F/o" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q 'pdfa' "$F/o" && ok "forms: nightly --pdfa --format ofd is a usage error" || ko "forms: nightly --pdfa --format ofd" "exit $rc: $(cat "$F/o")"

# ---- crash points between the forms' files ----------------------------------------------
# issue: killed after the PDF's rename, before the OFD's
CI="$F/crash-issue"
mkdir -p "$CI"
TONGBAO_CRASH_AT=issue-renamed:1 "$TB" issue "$N1" --db "$CI/h.db" --format pdf,ofd -o "$CI/n1.pdf" >/dev/null 2>"$CI/e"; rc=$?
[ $rc -eq 99 ] && [ -s "$CI/n1.pdf" ] && [ ! -e "$CI/n1.ofd" ] && ls -a "$CI" | grep -q '^\.n1\.ofd\..*\.tmp$' &&
    ok "forms: issue killed at issue-renamed #1: the PDF in place, the OFD still its temporary" ||
    ko "forms: issue killed at issue-renamed #1" "exit $rc: $(ls -a "$CI") $(cat "$CI/e")"
"$TB" issue "$N1" --db "$CI/h.db" --format pdf,ofd -o "$CI/n1.pdf" >"$CI/o" 2>"$CI/e"; rc=$?
fm_export "$CI/h.db" 1 "$CI/a1.ofd"
[ $rc -eq 0 ] && grep -q 'the OFD of the interrupted run is now in place' "$CI/o" && cmp -s "$CI/a1.ofd" "$CI/n1.ofd" &&
    [ -z "$(ls -a "$CI" | grep '\.tmp$')" ] &&
    ok "forms: issuing again puts the archived OFD in place, no temporaries left" || ko "forms: issue again after the crash" "exit $rc: $(ls -a "$CI") $(cat "$CI/o" "$CI/e")"
# nightly: killed after the bulletin's PDF is renamed, before its OFD
CN="$F/crash-night"
mkdir -p "$CN/in"
cp "$N1" "$CN/in/"
TONGBAO_CRASH_AT=nightly-renamed:1 TONGBAO_TEMPLATES="$F/tpl" "$TB" nightly "$CN/in" --out "$CN/out" --db "$CN/h.db" --quiet >/dev/null 2>"$CN/e"; rc=$?
d="$CN/out/$S/2026/001"
[ $rc -eq 99 ] && [ -s "$d/$S-2026-001.pdf" ] && [ ! -e "$d/$S-2026-001.ofd" ] && [ -f "$CN/in/$(basename "$N1")" ] &&
    ok "forms: nightly killed at nightly-renamed #1: the PDF in place, the OFD not, the input in the inbox" ||
    ko "forms: nightly killed at nightly-renamed #1" "exit $rc: $(ls -a "$d") $(cat "$CN/e")"
TONGBAO_TEMPLATES="$F/tpl" "$TB" nightly "$CN/in" --out "$CN/out" --db "$CN/h.db" --quiet >/dev/null 2>"$CN/e"; rc=$?
fm_export "$CN/h.db" 1 "$CN/a1.ofd"
[ $rc -eq 0 ] && cmp -s "$CN/a1.ofd" "$d/$S-2026-001.ofd" && [ -f "$CN/in/done/$(basename "$N1")" ] &&
    [ -z "$(ls -a "$d" | grep '\.tmp$')" ] && [ "$(sqlite3 "$CN/h.db" 'SELECT count(*) FROM bulletin')" = 1 ] &&
    ok "forms: the re-run writes the OFD from the archive and moves the input to done/ (issued once)" ||
    ko "forms: nightly re-run after nightly-renamed #1" "exit $rc: $(ls -a "$d") $(cat "$CN/e")"
# nightly: killed while restoring, after the PDF and before the OFD
mv "$CN/in/done/"*.xml "$CN/in/"
rm -f "$d/$S-2026-001.pdf" "$d/$S-2026-001.ofd"
TONGBAO_CRASH_AT=nightly-restored:1 TONGBAO_TEMPLATES="$F/tpl" "$TB" nightly "$CN/in" --out "$CN/out" --db "$CN/h.db" --quiet >/dev/null 2>"$CN/e"; rc=$?
[ $rc -eq 99 ] && [ -s "$d/$S-2026-001.pdf" ] && [ ! -e "$d/$S-2026-001.ofd" ] &&
    TONGBAO_TEMPLATES="$F/tpl" "$TB" nightly "$CN/in" --out "$CN/out" --db "$CN/h.db" --quiet >/dev/null 2>&1 &&
    cmp -s "$CN/a1.ofd" "$d/$S-2026-001.ofd" && [ -f "$CN/in/done/$(basename "$N1")" ] &&
    ok "forms: killed at nightly-restored #1 (PDF back, OFD not), the next run restores the OFD" ||
    ko "forms: nightly-restored #1 between the forms" "exit $rc: $(ls -a "$d") $(cat "$CN/e")"

# ---- the archived files through the outside checkers --------------------------------------
if [ -x "$PY" ] && "$PY" -c 'import fontTools' 2>/dev/null; then
    "$PY" tests/pdfa_check.py "$F/x1.pdf" "$F/x3.pdf" "$NI/a1.pdf" "$NI/a2.pdf" >"$F/pc" 2>&1
    if [ $? -eq 0 ] && ! grep -qv '^PASS ' "$F/pc"; then ok "forms: pdfa_check.py passes every clause on the archived PDF/As ($(grep -c '^PASS' "$F/pc") clauses, 4 files)"
    else ko "forms: pdfa_check.py on the archived PDF/As" "$(grep -v '^PASS' "$F/pc" | head -5)"; fi
    "$PY" tests/ofd_check.py "$F/x2.ofd" "$F/x3.ofd=$F/x3.pdf" "$NI/a1.ofd=$NI/a1.pdf" "$NI/a2.ofd=$NI/a2.pdf" >"$F/oc" 2>&1
    if [ $? -eq 0 ] && ! grep -qv '^PASS ' "$F/oc"; then ok "forms: ofd_check.py passes every rule on the archived OFDs ($(grep -c '^PASS' "$F/oc") rules, 4 packages, subsets = the PDF's)"
    else ko "forms: ofd_check.py on the archived OFDs" "$(grep -v '^PASS' "$F/oc" | head -5)"; fi
else
    ko "forms: archived outputs through pdfa_check.py and ofd_check.py" "needs /usr/bin/python3 with python3-fonttools (make test-deps)"
fi
qpdf --check "$F/x3.pdf" >"$F/q" 2>&1 && ! grep -q WARNING "$F/q" && ok "forms: qpdf --check clean on an archived PDF/A" || ko "forms: qpdf --check on an archived PDF/A" "$(tail -3 "$F/q")"

# ---- a history of schema version 4 (before the forms) ---------------------------
# One bulletin issued, the forms migration undone (version 4: issue 16's
# letters and issue 18's statistics, no bulletin.form, no bulletin_form, nor
# schema 6's listing indexes);
# the next issue migrates it,
# issues PDF/A and OFD beside the old bulletin, and the archive verifies
# both; the old one exports as the plain PDF it was.
V3="$F/v3"
mkdir -p "$V3"
"$TB" issue "$N1" --db "$V3/h.db" -o "$V3/1.pdf" >/dev/null 2>&1
sqlite3 "$V3/h.db" "DROP INDEX finding_open_district; DROP INDEX finding_open_due; DROP INDEX bulletin_order; CREATE INDEX finding_open_due ON finding(series_id, deadline) WHERE status = 'open'; CREATE INDEX finding_district ON finding(district, status, deadline);
    DROP TABLE bulletin_form; ALTER TABLE bulletin DROP COLUMN form; PRAGMA user_version = 4" 2>/dev/null
v=$(sqlite3 "$V3/h.db" "PRAGMA user_version" 2>/dev/null)
"$TB" issue "$N2" --db "$V3/h.db" --format pdf,ofd --pdfa -o "$V3/2.pdf" >"$V3/o" 2>&1; rc=$?
if [ "$v" = 4 ] && [ $rc -eq 0 ] && [ "$(sqlite3 "$V3/h.db" 'PRAGMA user_version')" = "$(sqlite3 "$DB" 'PRAGMA user_version')" ] &&
    [ "$(fm_form "$V3/h.db" 1)" = pdf ] && [ "$(fm_form "$V3/h.db" 2)" = pdfa+ofd ] &&
    "$TB" archive verify --db "$V3/h.db" >>"$V3/o" 2>&1 && fm_export "$V3/h.db" 1 "$V3/x1.pdf" && cmp -s "$V3/x1.pdf" "$V3/1.pdf"; then
    ok "forms: a schema-4 history is migrated by issue: the old bulletin a PDF (exported as issued), the new one PDF/A + OFD, verify clean"
else ko "forms: a schema-4 history migrated by issue" "version $v, exit $rc: $(fm_form "$V3/h.db" 1) $(fm_form "$V3/h.db" 2) $(cat "$V3/o" "$F/xe")"; fi
