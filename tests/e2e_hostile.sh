# tests/e2e_hostile.sh — issue 19: hostile inputs, odd output paths, shared
# directories, damaged databases (sourced by run.sh).  Inputs with their
# messages live in tests/bad/; this file covers what needs the binary, the
# file system or a database.

# item 9: a UTF-32 file renders its Chinese, not mojibake
H="$T/hostile"
mkdir -p "$H"
{ printf '\377\376\000\000'; iconv -f UTF-8 -t UTF-32LE tests/good/minimal.xml; } >"$H/utf32.xml"
if "$TB" render "$H/utf32.xml" -o "$H/utf32.pdf" >/dev/null 2>"$H/utf32.err" &&
    pdftotext "$H/utf32.pdf" - | tr -d ' \n' | grep -q '北门无人值守' && ! grep -q "is not in" "$H/utf32.err"; then
    ok "UTF-32 input renders its text"
else ko "UTF-32 input renders its text" "$(cat "$H/utf32.err")"; fi

# hs_rc VAR CMD...: run CMD, stdout → $H/o, stderr → $H/e, exit status → VAR
hs_rc() { _v=$1; shift; "$@" >"$H/o" 2>"$H/e"; eval "$_v=\$?"; }
M=tests/good/minimal.xml

# ---- item 1: an output that is an input, a device, a FIFO, "-" --------------
cp "$M" "$H/in.xml"
hs_rc rc "$TB" render "$H/in.xml" -o "$H/in.xml"
[ $rc -eq 6 ] && cmp -s "$M" "$H/in.xml" && grep -q 'same file as the input' "$H/e" &&
    ok "render -o INPUT is refused and the input is intact" ||
    ko "render -o INPUT is refused and the input is intact" "exit $rc: $(cat "$H/e")"
cp "$M" "$H/in.xml"      # each check on its own, also against an old binary
ln -s in.xml "$H/alias.pdf"
hs_rc rc "$TB" render "$H/in.xml" -o "$H/alias.pdf"
[ $rc -eq 6 ] && cmp -s "$M" "$H/in.xml" && ok "render -o LINK-TO-INPUT is refused" ||
    ko "render -o LINK-TO-INPUT is refused" "exit $rc: $(cat "$H/e")"
mkfifo "$H/fifo"
hs_rc rc "$TB" render "$H/in.xml" -o "$H/fifo"
[ $rc -eq 6 ] && [ -p "$H/fifo" ] && grep -q 'FIFO' "$H/e" && ok "render -o FIFO is refused, the FIFO stays" ||
    ko "render -o FIFO is refused, the FIFO stays" "exit $rc: $(cat "$H/e")"
# a device node of our own (as root): never /dev/null itself
if mknod "$H/null" c 1 3 2>/dev/null; then
    hs_rc rc "$TB" render "$H/in.xml" -o "$H/null"
    [ $rc -eq 6 ] && [ -c "$H/null" ] && grep -q 'character device' "$H/e" &&
        ok "render -o DEVICE is refused, the device node stays" ||
        ko "render -o DEVICE is refused, the device node stays" "exit $rc: $(cat "$H/e")"
fi
mkdir "$H/adir"
hs_rc rc "$TB" render "$H/in.xml" -o "$H/adir"
[ $rc -eq 6 ] && [ -d "$H/adir" ] && ok "render -o DIRECTORY is refused" || ko "render -o DIRECTORY is refused" "exit $rc: $(cat "$H/e")"
(cd "$H" && "$TB" render in.xml -o - >"$H/stdout.pdf" 2>"$H/e"); rc=$?
[ $rc -eq 0 ] && [ ! -e "$H/-" ] && qpdf --check "$H/stdout.pdf" >/dev/null 2>&1 && pdftotext "$H/stdout.pdf" - | grep -q '北门无人值守' &&
    ok "render -o - writes the PDF to standard output, no file named -" ||
    ko "render -o - writes the PDF to standard output, no file named -" "exit $rc: $(cat "$H/e")"
hs_rc rc "$TB" render "$H/in.xml" -o - --text
[ $rc -eq 2 ] && ok "render -o - --text is refused (both want standard output)" || ko "render -o - --text is refused (both want standard output)" "exit $rc"

HDB="$H/h.db"
hs_rc rc "$TB" issue "$H/in.xml" --db "$HDB" -o -
[ $rc -eq 2 ] && [ ! -e "$HDB" ] && ok "issue -o - is refused before anything is recorded" ||
    ko "issue -o - is refused before anything is recorded" "exit $rc: $(cat "$H/e")"
hs_rc rc "$TB" issue "$H/in.xml" --db "$HDB" -o "$H/issued.pdf"
[ $rc -eq 0 ] && ok "hostile setup: issue" || ko "hostile setup: issue" "exit $rc: $(cat "$H/e")"
cp "$HDB" "$H/h.copy"
for cmd in "archive export --series 江城市疫情防控督查通报 --issue 1" "regen --series 江城市疫情防控督查通报 --issue 1"; do
    hs_rc rc "$TB" $cmd --db "$HDB" -o "$HDB"
    [ $rc -eq 6 ] && cmp -s "$HDB" "$H/h.copy" && grep -q 'same file as the input' "$H/e" &&
        ok "${cmd%% --*} -o DATABASE is refused, the database intact" ||
        ko "${cmd%% --*} -o DATABASE is refused, the database intact" "exit $rc: $(cat "$H/e")"
done
sed 's/minimal-1/minimal-2/' "$M" >"$H/in2.xml"
hs_rc rc "$TB" issue "$H/in2.xml" --db "$HDB" -o "$HDB"
[ $rc -eq 6 ] && cmp -s "$HDB" "$H/h.copy" && [ "$(sqlite3 "$HDB" 'SELECT count(*) FROM bulletin')" = 1 ] &&
    ok "issue -o DATABASE is refused, nothing recorded" || ko "issue -o DATABASE is refused, nothing recorded" "exit $rc: $(cat "$H/e")"
"$TB" archive export --series 江城市疫情防控督查通报 --issue 1 --db "$HDB" -o - >"$H/exp.pdf" 2>"$H/e"
cmp -s "$H/exp.pdf" "$H/issued.pdf" && ok "archive export -o - writes the archived bytes to standard output" ||
    ko "archive export -o - writes the archived bytes to standard output" "$(cat "$H/e")"

# the workbook commands keep the same rules: import onto its own workbook, a
# ledger onto the database (through a link), a form onto a FIFO
"$TB" form --from "$M" -o "$H/w.xlsx" >/dev/null 2>&1
cp "$H/w.xlsx" "$H/w.copy"
hs_rc rc "$TB" import "$H/w.xlsx" -o "$H/w.xlsx"
[ $rc -eq 6 ] && cmp -s "$H/w.xlsx" "$H/w.copy" && grep -q 'same file as the input' "$H/e" &&
    ok "import -o INPUT is refused and the workbook is intact" || ko "import -o INPUT is refused and the workbook is intact" "exit $rc: $(cat "$H/e")"
ln -s h.db "$H/db-alias.xlsx"
hs_rc rc "$TB" ledger --db "$HDB" -o "$H/db-alias.xlsx"
[ $rc -eq 6 ] && cmp -s "$HDB" "$H/h.copy" && [ -L "$H/db-alias.xlsx" ] &&
    ok "ledger -o LINK-TO-DATABASE is refused, the database intact" ||
    ko "ledger -o LINK-TO-DATABASE is refused, the database intact" "exit $rc: $(cat "$H/e")"
mkfifo "$H/fifo.xlsx"
hs_rc rc "$TB" form -o "$H/fifo.xlsx"
[ $rc -eq 6 ] && [ -p "$H/fifo.xlsx" ] && grep -q 'FIFO' "$H/e" && ok "form -o FIFO is refused, the FIFO stays" ||
    ko "form -o FIFO is refused, the FIFO stays" "exit $rc: $(cat "$H/e")"

# ---- item 2: a workbook's temporary is not opened through a planted symlink -------
# (OUT.tmp.PID was libxlsxwriter's fopen: the shell's pid is the command's after exec)
printf precious >"$H/victim"
hs_rc rc sh -c "ln -s victim '$H/led.xlsx.tmp.'\$\$ && ln -s victim '$H/frm.xlsx.tmp.'\$\$ && exec '$TB' ledger --db '$HDB' -o '$H/led.xlsx'"
hs_rc rc2 sh -c "ln -s victim '$H/frm.xlsx.tmp.'\$\$ && exec '$TB' form -o '$H/frm.xlsx'"
[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ "$(cat "$H/victim")" = precious ] && [ -f "$H/led.xlsx" ] && [ ! -L "$H/led.xlsx" ] &&
    [ "$(head -c 2 "$H/led.xlsx")" = PK ] && [ "$(head -c 2 "$H/frm.xlsx")" = PK ] &&
    ok "ledger and form: a symlink planted at a temporary's name is not written through" ||
    ko "ledger and form: a symlink planted at a temporary's name is not written through" "exit $rc/$rc2, victim: $(head -c 40 "$H/victim" | od -c | head -1)"
rm -f "$H"/led.xlsx.tmp.* "$H"/frm.xlsx.tmp.*

# ---- item 14: stale temporaries of a killed run go; a file-size limit is said -
dead=$(sh -c 'echo $$')
printf stale >"$H/again.pdf.part.$dead"
printf stale >"$H/.again.pdf.$dead.0123abcd.tmp"
printf live >"$H/again.pdf.part.$$"
sed 's/minimal-1/minimal-3/' "$M" >"$H/in3.xml"
hs_rc rc "$TB" issue "$H/in3.xml" --db "$HDB" -o "$H/again.pdf"
[ $rc -eq 0 ] && [ ! -e "$H/again.pdf.part.$dead" ] && [ ! -e "$H/.again.pdf.$dead.0123abcd.tmp" ] &&
    [ -e "$H/again.pdf.part.$$" ] && ok "issue sweeps the .part files a killed issue left (not a live one's)" ||
    ko "issue sweeps the .part files a killed issue left (not a live one's)" "exit $rc: $(ls -a "$H" | grep again)"
hs_rc rc sh -c "ulimit -f 8; exec '$TB' render '$H/in.xml' -o '$H/limited.pdf'"
[ $rc -eq 6 ] && grep -q 'file-size limit' "$H/e" && [ ! -e "$H/limited.pdf" ] &&
    [ -z "$(find "$H" -name '.limited.pdf.*')" ] && ok "a file-size limit is reported (exit 6), nothing left" ||
    ko "a file-size limit is reported (exit 6), nothing left" "exit $rc: $(cat "$H/e")"

hs_rc rc sh -c "ulimit -f 4; exec '$TB' form -o '$H/limited.xlsx'"
[ $rc -eq 6 ] && grep -q 'file-size limit' "$H/e" && [ ! -e "$H/limited.xlsx" ] && [ -z "$(find "$H" -name '.limited.xlsx.*')" ] &&
    ok "a workbook over the file-size limit: named as such (exit 6), nothing left" ||
    ko "a workbook over the file-size limit: named as such (exit 6), nothing left" "exit $rc: $(cat "$H/e")"
cp "$HDB" "$H/lim.db"
hs_rc rc sh -c "ulimit -f 8; exec '$TB' rectify MINIMAL2026-001-001 --done --db '$H/lim.db'"
[ $rc -eq 7 ] && grep -q 'file-size limit' "$H/e" && ! grep -q 'disk full' "$H/e" &&
    [ "$(sqlite3 "$H/lim.db" 'SELECT count(*) FROM rectification_event')" = 0 ] &&
    ok "a file-size limit on the database is named as such (exit 7), nothing recorded" ||
    ko "a file-size limit on the database is named as such (exit 7), nothing recorded" "exit $rc: $(cat "$H/e")"

# ---- item 3: names that used to collide on disk --------------------------------
HI="$H/inbox"
HO="$H/out"
mkdir -p "$HI"
sed 's/id="minimal-1" series="江城市疫情防控督查通报"/id="slash-1" series="督查\/通报"/' "$M" >"$HI/a.xml"
sed 's/id="minimal-1" series="江城市疫情防控督查通报"/id="under-1" series="督查_通报"/' "$M" >"$HI/b.xml"
sed 's/id="minimal-1" series="江城市疫情防控督查通报"/id="clash-1" series="督查通报C"/; s/district="东湖区"/district="督查通报C-2026-001"/' "$M" >"$HI/c.xml"
sed 's/id="minimal-1" series="江城市疫情防控督查通报"/id="dots-1" series=".."/' "$M" >"$HI/d.xml"
hs_rc rc "$TB" nightly "$HI" --out "$HO" --db "$H/n.db" --quiet
[ -s "$HO/督查%2F通报/2026/001/督查%2F通报-2026-001.pdf" ] && [ -s "$HO/督查%2F通报/2026/001/东湖区.pdf" ] &&
    [ -s "$HO/督查_通报/2026/001/督查_通报-2026-001.pdf" ] && [ -s "$HO/督查_通报/2026/001/东湖区.pdf" ] &&
    ok "series x/y and x_y get directories of their own" || ko "series x/y and x_y get directories of their own" "$(cd "$HO" 2>/dev/null && find . -type f)"
[ $rc -eq 10 ] && grep -q 'the shape of the bulletin' "$HI/rejected/c.xml.err" && [ ! -d "$HO/督查通报C" ] &&
    grep -q 'cannot be a file name' "$HI/rejected/d.xml.err" &&
    [ "$(sqlite3 "$H/n.db" "SELECT count(*) FROM bulletin")" = 2 ] &&
    ok "a district named like the bulletin's file, a series '..': rejected before numbering or writing" ||
    ko "a district named like the bulletin's file, a series '..': rejected before numbering or writing" "exit $rc: $(cat "$H/e") $(cat "$HI"/rejected/*.err 2>/dev/null)"

# ---- item 13: the inbox is locked, not only the database ------------------------
cp "$M" "$HI/e.xml"
flock "$HI" sleep 10 &
holder=$!
for i in 1 2 3 4 5 6 7 8 9 10; do flock -n "$HI" true 2>/dev/null || break; sleep 0.1; done
hs_rc rc "$TB" nightly "$HI" --out "$HO" --db "$H/other.db"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ $rc -eq 11 ] && [ -e "$HI/e.xml" ] && [ ! -e "$H/other.db" ] && grep -q "another nightly is running on $HI" "$H/e" &&
    ok "a second nightly on the same inbox (another database) is kept out (exit 11)" ||
    ko "a second nightly on the same inbox (another database) is kept out (exit 11)" "exit $rc: $(cat "$H/e")"

# ---- item 4: the archive hands out only what was issued --------------------------
S1=江城市疫情防控督查通报
cp "$H/h.copy" "$H/t1.db"
sqlite3 "$H/t1.db" "UPDATE bulletin_file SET pdf = zeroblob(length(pdf)) WHERE bulletin_id = (SELECT min(id) FROM bulletin)"
hs_rc rc "$TB" archive export --series $S1 --issue 1 --db "$H/t1.db" -o "$H/tampered.pdf"
[ $rc -eq 9 ] && [ ! -e "$H/tampered.pdf" ] && grep -q 'does not match its recorded SHA-256' "$H/e" &&
    ok "archive export of an altered PDF: exit 9, nothing written" ||
    ko "archive export of an altered PDF: exit 9, nothing written" "exit $rc: $(cat "$H/e")"
"$TB" archive export --series $S1 --issue 1 --db "$H/h.copy" -o "$H/issued-1.pdf" >/dev/null 2>&1
hs_rc rc "$TB" regen --series $S1 --issue 1 --db "$H/t1.db" -o "$H/rebuilt-1.pdf"
[ $rc -eq 0 ] && cmp -s "$H/rebuilt-1.pdf" "$H/issued-1.pdf" &&
    grep -q 'warning: .*does not match its recorded SHA-256.*rebuilt from the verified source' "$H/e" &&
    ok "regen beside an altered archived PDF: the issued bytes, and a warning that the copy is damaged" ||
    ko "regen beside an altered archived PDF: the issued bytes, and a warning that the copy is damaged" \
       "exit $rc: $(cat "$H/e")"
cp "$H/h.copy" "$H/t2.db"
sqlite3 "$H/t2.db" "UPDATE bulletin_file SET source_xml = CAST(replace(CAST(source_xml AS TEXT), '北门', '南门') AS BLOB)"
hs_rc rc "$TB" regen --series $S1 --issue 1 --district 东湖区 --db "$H/t2.db" -o "$H/tampered-x.pdf"
[ $rc -eq 9 ] && [ ! -e "$H/tampered-x.pdf" ] && grep -q 'archived source .* does not match' "$H/e" &&
    ok "regen from an altered source: exit 9, nothing written" ||
    ko "regen from an altered source: exit 9, nothing written" "exit $rc: $(cat "$H/e")"

# ---- item 5: a damaged schema is a fault, and every command says so --------------
cp "$H/h.copy" "$H/t3.db"
sqlite3 "$H/t3.db" "DROP TABLE rectification_event; CREATE TRIGGER sneaky AFTER INSERT ON finding BEGIN SELECT 1; END;"
hs_rc rc "$TB" archive verify --db "$H/t3.db"
[ $rc -eq 9 ] && grep -q 'FAULT schema: table rectification_event is missing' "$H/o" &&
    grep -q 'FAULT schema: trigger sneaky is not one tongbao creates' "$H/o" &&
    ok "archive verify: a dropped table and an added trigger are faults (exit 9)" ||
    ko "archive verify: a dropped table and an added trigger are faults (exit 9)" "exit $rc: $(cat "$H/o" "$H/e")"
hs_rc rc "$TB" rectify MINIMAL2026-001-001 --done --db "$H/t3.db"
[ $rc -eq 7 ] && grep -q 'damaged: table rectification_event is missing' "$H/e" &&
    ok "rectify on a database with a dropped table says what is wrong (exit 7)" ||
    ko "rectify on a database with a dropped table says what is wrong (exit 7)" "exit $rc: $(cat "$H/e")"
cp "$H/h.copy" "$H/t4.db"
sqlite3 "$H/t4.db" "PRAGMA user_version = 0"
hs_rc rc "$TB" archive verify --db "$H/t4.db"
[ $rc -ne 0 ] && ok "archive verify: a wrong schema version is not intact" || ko "archive verify: a wrong schema version is not intact" "exit $rc: $(cat "$H/o")"

# ---- item 19: a problem put right and back at the same place -------------------
RDB="$H/recur.db"
sed 's/<date>2026-11-21</<date>2026-11-20</' "$M" >"$H/r1.xml"
sed 's/minimal-1/minimal-2/; s/<date>2026-11-21</<date>2026-11-25</' "$M" >"$H/r2.xml"
"$TB" issue "$H/r1.xml" --db "$RDB" -o "$H/r1.pdf" >/dev/null 2>&1
"$TB" rectify MINIMAL2026-001-001 --done --date 2026-11-22 --db "$RDB" >/dev/null 2>&1
hs_rc rc "$TB" issue "$H/r2.xml" --db "$RDB" -o "$H/r2.pdf"
pdftotext "$H/r2.pdf" - 2>/dev/null | tr -d ' \n' >"$H/r2.txt"
[ $rc -eq 0 ] && grep -q '北门无人值守（MINIMAL2026-002-001）（该问题曾于第1期通报并已整改，现再次出现）' "$H/r2.txt" &&
    ok "a rectified problem back at its place is marked as recurring" ||
    ko "a rectified problem back at its place is marked as recurring" "exit $rc: $(cat "$H/e") $(head -c 400 "$H/r2.txt")"
grep -q '发现问题2个（含重复通报1个，其中整改后复发1个）' "$H/r2.txt" &&
    ok "the statistics count it (其中整改后复发1个)" || ko "the statistics count it (其中整改后复发1个)" "$(grep -o '截至目前[^。]*' "$H/r2.txt")"
"$TB" regen --series 江城市疫情防控督查通报 --issue 2 --db "$RDB" -o "$H/r2-regen.pdf" >/dev/null 2>&1
cmp -s "$H/r2.pdf" "$H/r2-regen.pdf" && ok "recurring bulletin: regen is byte-identical" ||
    ko "recurring bulletin: regen is byte-identical" "differs"

# ---- item 15: rectify refuses the future and control characters, records once ----
hs_rc rc "$TB" rectify MINIMAL2026-002-001 --done --date 2099-01-01 --db "$RDB"
[ $rc -eq 3 ] && grep -q 'in the future' "$H/e" && ok "rectify: a done date in 2099 is refused (exit 3)" ||
    ko "rectify: a done date in 2099 is refused (exit 3)" "exit $rc: $(cat "$H/e")"
hs_rc rc "$TB" rectify MINIMAL2026-002-001 --done --date 2026-11-26 --note "$(printf '已整改\033[31m')" --db "$RDB"
[ $rc -eq 3 ] && grep -q 'U+001B' "$H/e" && ok "rectify: an ESC in the note is refused (exit 3)" ||
    ko "rectify: an ESC in the note is refused (exit 3)" "exit $rc: $(cat "$H/e")"
"$TB" rectify MINIMAL2026-002-001 --done --date 2026-11-26 --note "$(printf '已安排\n专人值守')" --db "$RDB" >/dev/null 2>&1
hs_rc rc "$TB" rectify MINIMAL2026-002-001 --done --date 2026-11-26 --note "$(printf '已安排\n专人值守')" --db "$RDB"
[ $rc -eq 0 ] && grep -q 'already recorded' "$H/o" &&
    [ "$(sqlite3 "$RDB" "SELECT count(*) FROM rectification_event WHERE finding_id = 'MINIMAL2026-002-001'")" = 1 ] &&
    [ "$(sqlite3 "$RDB" "SELECT note FROM finding WHERE id = 'MINIMAL2026-002-001'")" = "已安排 专人值守" ] &&
    ok "rectify: the same report twice is recorded once; a line break in the note becomes a space" ||
    ko "rectify: the same report twice is recorded once; a line break in the note becomes a space" "exit $rc: $(cat "$H/o" "$H/e")"

# ---- item 16: FILE.err names the file where it is, ends its lines, says how to resubmit
EI="$H/errinbox"
mkdir -p "$EI"
cp tests/bad/bare-ampersand.xml "$EI/amp.xml"
hs_rc rc "$TB" nightly "$EI" --out "$H/errout" --db "$H/err.db" --quiet
E16="$EI/rejected/amp.xml.err"
[ $rc -eq 10 ] && head -1 "$E16" | grep -q "^$EI/rejected/amp.xml:10:45: a bare '&'" && [ "$(tail -c 1 "$E16" | od -An -c | tr -d ' ')" = '\n' ] &&
    grep -q "To resubmit: correct $EI/rejected/amp.xml, then move it back into the inbox" "$E16" &&
    ok "FILE.err names rejected/FILE, ends in a newline, says how to resubmit" ||
    ko "FILE.err names rejected/FILE, ends in a newline, says how to resubmit" "exit $rc: $(cat "$E16")"
sed 's/&/\&amp;/' "$EI/rejected/amp.xml" >"$EI/amp.xml" && rm "$EI/rejected/amp.xml"
hs_rc rc "$TB" nightly "$EI" --out "$H/errout" --db "$H/err.db" --quiet
[ $rc -eq 0 ] && [ -f "$EI/done/amp.xml" ] && [ ! -e "$E16" ] &&
    ok "a corrected file moved back goes through, and its old .err goes" ||
    ko "a corrected file moved back goes through, and its old .err goes" "exit $rc: $(cat "$H/e"; ls "$EI/rejected")"

# ---- item 6: a batch is issued in date order; a backdated bulletin needs a word --
OI="$H/orderinbox"
ODB="$H/order.db"
mkdir -p "$OI"
sed 's/id="minimal-1"/id="night-0615"/; s/<date>2026-11-21</<date>2026-06-15</' "$M" >"$OI/a-night.xml"
sed 's/id="minimal-1"/id="night-0612"/; s/<date>2026-11-21</<date>2026-06-12</' "$M" >"$OI/b-night.xml"
hs_rc rc "$TB" nightly "$OI" --out "$H/orderout" --db "$ODB" --quiet
[ $rc -eq 0 ] && [ "$(sqlite3 "$ODB" "SELECT group_concat(date || '=' || issue_no, ' ') FROM (SELECT date, issue_no FROM bulletin ORDER BY issue_no)")" = "2026-06-12=1 2026-06-15=2" ] &&
    [ "$(sqlite3 "$ODB" "SELECT repeat_of FROM finding WHERE id = 'NIGHT2026-002-001'")" = NIGHT2026-001-001 ] &&
    ok "an inbox holding 06-15 and 06-12 issues 06-12 as 第1期, 06-15 as 第2期 (and 06-15 repeats 06-12)" ||
    ko "an inbox holding 06-15 and 06-12 issues 06-12 as 第1期, 06-15 as 第2期 (and 06-15 repeats 06-12)" "exit $rc: $(sqlite3 "$ODB" "SELECT date, issue_no FROM bulletin") $(cat "$H/e")"
sed 's/id="minimal-1"/id="night-0610"/; s/<date>2026-11-21</<date>2026-06-10</' "$M" >"$OI/c-night.xml"
hs_rc rc "$TB" nightly "$OI" --out "$H/orderout" --db "$ODB" --quiet
[ $rc -eq 10 ] && grep -q 'dated 2026-06-10, before 2026年第2期 (2026-06-15).*--allow-backdated' "$OI/rejected/c-night.xml.err" &&
    [ "$(sqlite3 "$ODB" "SELECT count(*) FROM bulletin")" = 2 ] &&
    ok "a bulletin dated before the series' last issue is rejected, saying --allow-backdated" ||
    ko "a bulletin dated before the series' last issue is rejected, saying --allow-backdated" "exit $rc: $(cat "$OI"/rejected/*.err 2>/dev/null) $(cat "$H/e")"
mv "$OI/rejected/c-night.xml" "$OI/"
hs_rc rc "$TB" nightly "$OI" --out "$H/orderout" --db "$ODB" --quiet --allow-backdated
[ $rc -eq 0 ] && [ "$(sqlite3 "$ODB" "SELECT issue_no FROM bulletin WHERE date = '2026-06-10'")" = 3 ] &&
    ok "--allow-backdated issues it with the next number" || ko "--allow-backdated issues it with the next number" "exit $rc: $(cat "$H/e")"
sed 's/id="minimal-1"/id="night-0601"/; s/<date>2026-11-21</<date>2026-06-01</' "$M" >"$H/late.xml"
hs_rc rc "$TB" issue "$H/late.xml" --db "$ODB" -o "$H/late.pdf"
[ $rc -eq 3 ] && [ ! -e "$H/late.pdf" ] && grep -q 'allow-backdated' "$H/e" && ok "issue refuses a backdated bulletin too (exit 3)" ||
    ko "issue refuses a backdated bulletin too (exit 3)" "exit $rc: $(cat "$H/e")"
