# tests/e2e_docx.sh — issue 14: the Word draft (.docx), read by clients
# tongbao does not contain (sourced by run.sh: TB, BUILD, T, ok, ko, check
# come from there).  python-docx (/usr/bin/python3, Debian's python3-docx)
# reads every paragraph, the section, styles, footers, tables and pictures
# (tests/docx_check.py); LibreOffice converts each .docx to PDF, whose text
# and page count are held against the composed text and tongbao's own PDF.
# Every shipped template, the appendix with the chart, and the 300-finding
# appendix.
D="$T/docx"
mkdir -p "$D/lo"
PY=/usr/bin/python3
N=jc-2026-11-20-night
IN=examples/inbox/$N.xml

# ---- the output's extension picks the format -------------------------------
"$TB" render "$IN" -o "$D/x.txt" >/dev/null 2>"$D/err"; rc=$?
[ $rc -eq 2 ] && grep -q '\.pdf, \.ofd and \.docx' "$D/err" && [ ! -e "$D/x.txt" ] &&
    ok "render -o X.txt refused, naming .pdf, .ofd and .docx (exit 2)" ||
    ko "render -o X.txt refused, naming .pdf, .ofd and .docx (exit 2)" "exit $rc: $(cat "$D/err")"
"$TB" render "$IN" -o "$D/x.docx" >/dev/null 2>"$D/err"
[ "$(head -c 2 "$D/x.docx" 2>/dev/null)" = PK ] && ok "render -o X.docx writes a zip, not PDF bytes" ||
    ko "render -o X.docx writes a zip, not PDF bytes" "$(head -c 8 "$D/x.docx" 2>/dev/null) $(cat "$D/err")"
"$TB" render "$IN" -o "$D/X.DOCX" >/dev/null 2>&1 && cmp -s "$D/x.docx" "$D/X.DOCX" &&
    ok "extension in capitals: .DOCX" || ko "extension in capitals: .DOCX" "differs or failed"
"$TB" render "$IN" --format docx -o "$D/x.out" >/dev/null 2>&1 && cmp -s "$D/x.docx" "$D/x.out" &&
    ok "--format docx whatever the name" || ko "--format docx whatever the name" "differs or failed"
"$TB" render "$IN" --format pdf -o "$D/y.docx" >/dev/null 2>"$D/err"; rc=$?
[ $rc -eq 2 ] && [ ! -e "$D/y.docx" ] && ok "--format pdf -o X.docx refused (they disagree)" ||
    ko "--format pdf -o X.docx refused (they disagree)" "exit $rc: $(cat "$D/err")"
"$TB" render "$IN" --format docx -o - >"$D/so.docx" 2>/dev/null && cmp -s "$D/x.docx" "$D/so.docx" &&
    ok "--format docx -o -: the .docx on standard output" || ko "--format docx -o -: the .docx on standard output" "differs or failed"
cp "$IN" "$D/beside.xml"
"$TB" render "$D/beside.xml" --format docx >/dev/null 2>&1 && [ "$(head -c 2 "$D/beside.docx" 2>/dev/null)" = PK ] &&
    [ ! -e "$D/beside.pdf" ] && ok "--format docx without -o: FILE.docx beside the input" ||
    ko "--format docx without -o: FILE.docx beside the input" "$(ls "$D")"

# ---- every template, the appendix with the chart, 300 findings ----------------
sh tests/gen_big.sh >"$D/big.xml"
rows_of() { echo $((1 + $(grep -c '<category' "$1") + $(grep -c '<finding ' "$1"))); }
# name | input | render options | docx_check options
cat >"$D/cases" <<EOF
dubao|$IN|-t dubao|
jianbao|examples/inbox/jianbao-10.xml|-t jianbao|--picture
wenze|examples/inbox/wenze-2026-11.xml|-t wenze|
zhenggai|examples/inbox/jc-2026-11-21-night.xml|-t zhenggai --district 西山区|
full|$IN|--appendix --chart|--picture --table $(rows_of "$IN")
big|$D/big.xml|--appendix|--table $(rows_of "$D/big.xml")
EOF
# shellcheck disable=SC2086
while IFS='|' read -r cn in opts copts; do
    if "$TB" render "$in" $opts -o "$D/$cn.docx" --text >"$D/$cn.txt" 2>"$D/$cn.err" &&
        "$TB" render "$in" $opts -o "$D/$cn.pdf" >/dev/null 2>&1; then
        ok "render $cn .docx and .pdf"
    else
        ko "render $cn .docx and .pdf" "$(cat "$D/$cn.err")"
        continue
    fi
    "$TB" render "$in" $opts -o "$D/$cn.again.docx" >/dev/null 2>&1
    check "docx reproducible: same input, same bytes ($cn)" cmp "$D/$cn.docx" "$D/$cn.again.docx"
    if [ -x "$PY" ] && "$PY" -c 'import docx' 2>/dev/null; then
        "$PY" tests/docx_check.py "$D/$cn.docx" "$D/$cn.txt" "$cn" $copts >"$D/$cn.chk" 2>&1
        tab=$(printf '\t')
        while IFS="$tab" read -r verdict what why; do
            case "$verdict" in
            ok) ok "docx $what" ;;
            ko) ko "docx $what" "$why" ;;
            *) ko "docx $cn: python-docx" "$verdict $what $why" ;;
            esac
        done <"$D/$cn.chk"
    else ko "docx $cn: python-docx" "$PY cannot import docx; install python3-docx (make deps)"; fi
done <"$D/cases"

# ---- LibreOffice: every .docx to PDF in one run ------------------------------
# Its own profile (no user state; helpers in parallel), and the office
# faces' stand-ins through fonts/office-faces.conf, as a user would set it.
cat >"$D/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <include>$PWD/fonts/office-faces.conf</include>
</fontconfig>
EOF
if command -v soffice >/dev/null 2>&1; then
    FONTCONFIG_FILE="$D/fonts.conf" timeout 300 soffice "-env:UserInstallation=file://$D/lo-profile" --headless \
        --convert-to pdf --outdir "$D/lo" $(cut -d'|' -f1 "$D/cases" | sed "s|^|$D/|; s|\$|.docx|") >"$D/lo.log" 2>&1
    while IFS='|' read -r cn in opts copts; do
        p="$D/lo/$cn.pdf"
        if [ ! -s "$p" ] || ! pdfinfo "$p" >/dev/null 2>&1; then
            ko "LibreOffice converts $cn.docx to PDF" "$(tail -3 "$D/lo.log")"
            continue
        fi
        ok "LibreOffice converts $cn.docx to PDF"
        # its text holds the composed text (page numbers aside, whitespace removed)
        pdftotext -nopgbrk "$p" - | grep -v '^ *— *[0-9]* *— *$' | tr -d ' \n\f' >"$D/$cn.lotext"
        tr -d ' \n' <"$D/$cn.txt" >"$D/$cn.want"
        [ -s "$D/$cn.want" ] && grep -qF -f "$D/$cn.want" "$D/$cn.lotext" &&
            ok "LibreOffice's PDF of $cn.docx holds the composed text" ||
            ko "LibreOffice's PDF of $cn.docx holds the composed text" "$(head -c 300 "$D/$cn.lotext")"
        lp=$(pdfinfo "$p" | awk '/^Pages:/ {print $2}')
        op=$(pdfinfo "$D/$cn.pdf" | awk '/^Pages:/ {print $2}')
        d=$((lp - op))
        # (within two: tongbao's PDF puts the 版记 on the back of the last
        # sheet, GB/T 9704 7.4, which can add a page and a blank one)
        [ "${d#-}" -le 2 ] && ok "$cn: LibreOffice $lp pages, tongbao's PDF $op (within two)" ||
            ko "$cn: LibreOffice pages within two of tongbao's PDF" "LibreOffice $lp, tongbao $op"
    done <"$D/cases"
else ko "LibreOffice converts the .docx files" "soffice not installed; install libreoffice-writer-nogui (make deps)"; fi

# ---- drafts only: never archived; regen gives the issued text ------------------
S=江城市疫情防控督查通报
"$TB" issue "$IN" --db "$D/h.db" -o "$D/i.docx" >/dev/null 2>"$D/err"; rc=$?
[ $rc -eq 2 ] && [ ! -e "$D/h.db" ] && [ ! -e "$D/i.docx" ] && grep -q 'never enters the archive' "$D/err" &&
    ok "issue -o X.docx refused before anything is recorded" ||
    ko "issue -o X.docx refused before anything is recorded" "exit $rc: $(cat "$D/err")"
if "$TB" issue "$IN" --db "$D/h.db" -o "$D/i.pdf" >/dev/null 2>"$D/err"; then
    "$TB" archive export --db "$D/h.db" --series "$S" --issue 1 -o "$D/e.docx" >/dev/null 2>"$D/err"; rc=$?
    [ $rc -eq 2 ] && [ ! -e "$D/e.docx" ] && ok "archive export -o X.docx refused (the archive holds PDFs)" ||
        ko "archive export -o X.docx refused (the archive holds PDFs)" "exit $rc: $(cat "$D/err")"
    before=$(sqlite3 "$D/h.db" .dump 2>&1 | cksum)
    if "$TB" regen --db "$D/h.db" --series "$S" --issue 1 -o "$D/r.docx" >/dev/null 2>"$D/err" &&
        "$PY" tests/docx_check.py --text "$D/r.docx" >"$D/r.txt" 2>"$D/err"; then
        # every paragraph is the issued bulletin's (its finding IDs, which a
        # draft does not have), as the archived PDF prints it (page numbers
        # and hyphens aside: pdftotext drops one that ends a line, JC2026-001-)
        pdftotext -nopgbrk "$D/i.pdf" - | grep -v '^ *— *[0-9]* *— *$' | tr -d ' \n\f-' >"$D/i.text"
        bad=$(while IFS= read -r l; do printf '%s' "$l" | tr -d ' -' >"$D/l"; grep -qF -f "$D/l" "$D/i.text" || echo "$l"; done <"$D/r.txt")
        [ -z "$bad" ] && [ -s "$D/r.txt" ] && grep -q '（JC2026-[0-9]*-[0-9]*）' "$D/r.txt" &&
            ok "regen -o X.docx: the issued text, IDs and all, paragraph by paragraph" ||
            ko "regen -o X.docx: the issued text, IDs and all, paragraph by paragraph" "not in the archived PDF: $(printf '%s' "$bad" | head -c 300)"
        after=$(sqlite3 "$D/h.db" .dump 2>&1 | cksum)
        [ "$before" = "$after" ] && [ "$(sqlite3 "$D/h.db" "select count(*) from bulletin_file where hex(substr(pdf, 1, 4)) != '25504446'" 2>&1)" = 0 ] &&
            ok "regen -o X.docx records nothing; the archive holds only PDFs" ||
            ko "regen -o X.docx records nothing; the archive holds only PDFs" "database dump $before → $after"
    else ko "regen -o X.docx: the issued text, IDs and all, paragraph by paragraph" "$(cat "$D/err")"; fi
    "$TB" regen --db "$D/h.db" --series "$S" --issue 1 --district 东湖区 -o "$D/rd.docx" >/dev/null 2>"$D/err" &&
        "$PY" tests/docx_check.py --text "$D/rd.docx" | grep -q '^东湖区：$' &&
        ok "regen --district D -o X.docx: the 整改通知 as a Word file" ||
        ko "regen --district D -o X.docx: the 整改通知 as a Word file" "$(cat "$D/err")"
else ko "issue for the regen checks" "$(cat "$D/err")"; fi
