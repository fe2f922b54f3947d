# tests/e2e_store.sh — issue 3: issue, archive, regen on real SQLite files
# (sourced by run.sh).
S=江城市疫情防控督查通报
N1=examples/inbox/jc-2026-11-20-night.xml
N2=examples/inbox/jc-2026-11-21-night.xml
D="$T/store"
mkdir -p "$D"
DB="$D/h.db"

check "issue night 1" "$TB" issue "$N1" --db "$DB" -o "$D/n1.pdf"
check "issue night 2" "$TB" issue "$N2" --db "$DB" -o "$D/n2.pdf"
if "$TB" issue "$N1" --db "$DB" -o "$D/again.pdf" >"$D/again.out" 2>&1 && grep -q '已\|already issued as .*第1期' "$D/again.out" && [ ! -e "$D/again.pdf" ]; then
    ok "issuing the same id again issues nothing and names the issue"
else ko "issuing the same id again issues nothing and names the issue" "$(cat "$D/again.out")"; fi
n=$(sqlite3 "$DB" "SELECT count(*) FROM bulletin" 2>/dev/null)
[ "$n" = 2 ] && ok "two bulletins recorded" || ko "two bulletins recorded" "count=$n"
pdftotext "$D/n1.pdf" - | tr -d ' \n' >"$D/n1.txt"
# (pdftotext drops the hyphen where a code breaks across lines: JC2026-|001-001)
grep -q 'JC2026-\?001-\?001' "$D/n1.txt" && grep -q 'JC2026-\?001-\?033' "$D/n1.txt" && ok "finding IDs printed in the PDF" ||
    ko "finding IDs printed in the PDF" "no JC2026-001-001/033 in the text"
ids=$(sqlite3 "$DB" "SELECT count(DISTINCT id) FROM finding")
[ "$ids" = 66 ] && ok "66 findings with distinct IDs" || ko "66 findings with distinct IDs" "got $ids"
check "db is WAL" sh -c "[ \"\$(sqlite3 '$DB' 'PRAGMA journal_mode')\" = wal ]"
check "db schema versioned" sh -c "[ \"\$(sqlite3 '$DB' 'PRAGMA user_version')\" -ge 1 ]"

# archive
check "archive list" sh -c "'$TB' archive list --db '$DB' | grep -c '第' | grep -qx 2"
check "archive list --series" sh -c "'$TB' archive list --db '$DB' --series '$S' | grep -q '第2'"
check "archive export is byte-identical" sh -c "'$TB' archive export --db '$DB' --series '$S' --issue 2 -o '$D/e2.pdf' && cmp '$D/e2.pdf' '$D/n2.pdf'"
check "archive verify ok" "$TB" archive verify --db "$DB"
"$TB" archive export --db "$DB" --series "$S" --issue 9 -o "$D/none.pdf" >/dev/null 2>&1; rc=$?
[ $rc -eq 8 ] && ok "export of a missing issue exits 8" || ko "export of a missing issue exits 8" "exit $rc"

# regen from the database alone (the source file gone)
cp "$N2" "$D/moved.xml"
check "regen is byte-identical" sh -c "'$TB' regen --db '$DB' --series '$S' --issue 2 -o '$D/r2.pdf' && cmp '$D/r2.pdf' '$D/n2.pdf'"
if "$TB" regen --db "$DB" --series "$S" --issue 2 --district 东湖区 -o "$D/dh.pdf" >/dev/null 2>"$D/dh.err" && qpdf --check "$D/dh.pdf" >/dev/null 2>&1; then
    pdftotext "$D/dh.pdf" - | tr -d ' \n' >"$D/dh.txt"
    if grep -q '东湖区：' "$D/dh.txt" && grep -q 'JC2026-002-' "$D/dh.txt" && ! grep -q '西山区石桥' "$D/dh.txt" && grep -q '整改时限' "$D/dh.txt"; then
        ok "district extract: addressed, own findings with IDs and deadlines only"
    else ko "district extract: addressed, own findings with IDs and deadlines only" "$(head -c 400 "$D/dh.txt")"; fi
else ko "district extract renders" "$(cat "$D/dh.err")"; fi
"$TB" regen --db "$DB" --series "$S" --issue 2 --district 火星区 -o "$D/mars.pdf" >/dev/null 2>"$D/mars.err"; rc=$?
[ $rc -eq 8 ] && [ ! -e "$D/mars.pdf" ] && ok "extract for a district without findings exits 8" || ko "extract for a district without findings exits 8" "exit $rc $(cat "$D/mars.err")"

# tampering is found
cp "$DB" "$D/t.db"
sqlite3 "$D/t.db" "UPDATE bulletin_file SET pdf = CAST('x' AS BLOB) WHERE rowid = (SELECT min(rowid) FROM bulletin_file)" 2>/dev/null
"$TB" archive verify --db "$D/t.db" >"$D/t.out" 2>&1; rc=$?
[ $rc -eq 9 ] && grep -q FAULT "$D/t.out" && ok "verify finds a tampered PDF (exit 9)" || ko "verify finds a tampered PDF (exit 9)" "exit $rc: $(cat "$D/t.out")"

# unwritable output: clear error, nothing archived
"$TB" issue "$N1" --db "$D/w.db" -o /nonexistent-dir/x.pdf >/dev/null 2>"$D/w.err"; rc=$?
nw=$(sqlite3 "$D/w.db" "SELECT count(*) FROM bulletin" 2>/dev/null || echo 0)
[ $rc -eq 6 ] && [ "${nw:-0}" = 0 ] && ok "unwritable output: exit 6, no archive entry" || ko "unwritable output: exit 6, no archive entry" "exit $rc, rows $nw: $(cat "$D/w.err")"

# a full disk: the output file is limited (RLIMIT_FSIZE) so the write fails
( ulimit -f 64; trap '' XFSZ; "$TB" issue "$N1" --db "$D/f.db" -o "$D/f.pdf" ) >/dev/null 2>"$D/f.err"; rc=$?
nf=$(sqlite3 "$D/f.db" "SELECT count(*) FROM bulletin" 2>/dev/null || echo 0)
[ $rc -ne 0 ] && [ "${nf:-0}" = 0 ] && [ ! -e "$D/f.pdf" ] && ok "write failure: clear error, no archive entry" ||
    ko "write failure: clear error, no archive entry" "exit $rc, rows $nf: $(cat "$D/f.err")"
check "after a failed write, the next run completes" "$TB" issue "$N1" --db "$D/f.db" -o "$D/f.pdf"

# two processes at once never get the same number
mkdir -p "$D/par"
for k in 1 2 3 4; do
    sed "s/id=\"jc-2026-11-20-night\"/id=\"par-$k\"/" "$N1" >"$D/par/p$k.xml"
done
for k in 1 2 3 4; do "$TB" issue "$D/par/p$k.xml" --db "$D/par.db" -o "$D/par/p$k.pdf" >/dev/null 2>&1 & done
wait
nums=$(sqlite3 "$D/par.db" "SELECT group_concat(issue_no) FROM (SELECT issue_no FROM bulletin ORDER BY issue_no)")
[ "$nums" = "1,2,3,4" ] && ok "four concurrent issues get 1,2,3,4" || ko "four concurrent issues get 1,2,3,4" "got $nums"

# SIGKILL at any point leaves all or nothing; the next run completes
for delay in 0.02 0.05 0.1 0.2 0.4; do
    sed "s/id=\"jc-2026-11-20-night\"/id=\"kill-$delay\"/" "$N1" >"$D/k.xml"
    "$TB" issue "$D/k.xml" --db "$D/k.db" -o "$D/k.pdf" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    "$TB" issue "$D/k.xml" --db "$D/k.db" -o "$D/k.pdf" >/dev/null 2>&1
done
nk=$(sqlite3 "$D/k.db" "SELECT count(*)||','||max(issue_no)||','||(SELECT count(*) FROM finding) FROM bulletin")
if [ "$nk" = "5,5,165" ] && "$TB" archive verify --db "$D/k.db" >/dev/null 2>&1; then ok "SIGKILL mid-issue: all or nothing, re-run completes"
else ko "SIGKILL mid-issue: all or nothing, re-run completes" "bulletins,max,findings = $nk"; fi
