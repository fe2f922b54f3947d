# tests/e2e_crash.sh — issue 17: the order of effects under crash points
# (src/crash.h).  Each run stops the process with _exit at one named step
# (TONGBAO_CRASH_AT=name:n), checks that it stopped there (exit 99 and the
# marker line on stderr) and that what it left already keeps the promises
# (an input in done/ has whole outputs; no file for a number that is not
# recorded), then runs again without the switch and checks that nothing is
# lost, issued twice or skipped.  Sourced by run.sh: $TB, $T, check, ok, ko.
S=江城市疫情防控督查通报
N1=examples/inbox/jc-2026-11-20-night.xml
N2=examples/inbox/jc-2026-11-21-night.xml
CR="$T/crash"
mkdir -p "$CR"

# cr_crashed NAME POINT N RC ERRFILE: the run ended at crash point POINT #N
cr_crashed() {
    if [ "$4" -eq 99 ] && grep -q "^tongbao: crash point $2 #$3 (TONGBAO_CRASH_AT)\$" "$5"; then
        ok "$1: stopped at $2 #$3 (exit 99, marker on stderr)"
    else ko "$1: stopped at $2 #$3 (exit 99, marker on stderr)" "exit $4: $(head -c 400 "$5")"; fi
}

# ---- tongbao issue: temp file → rows → COMMIT → rename ----------------------
for at in issue-temp tx-recorded tx-committed issue-renamed; do
    D="$CR/issue-$at"
    mkdir -p "$D"
    TONGBAO_CRASH_AT=$at "$TB" issue "$N1" --db "$D/h.db" -o "$D/n1.pdf" >"$D/o" 2>"$D/e"
    cr_crashed "issue, crash at $at" "$at" 1 $? "$D/e"
    n=$(sqlite3 "$D/h.db" "SELECT count(*) FROM bulletin" 2>/dev/null || echo 0)
    case $at in issue-temp | tx-recorded) want=0 ;; *) want=1 ;; esac
    [ "$n" = "$want" ] && ok "issue, crash at $at: $want bulletin(s) recorded at the crash" ||
        ko "issue, crash at $at: $want bulletin(s) recorded at the crash" "got $n"
    "$TB" issue "$N1" --db "$D/h.db" -o "$D/n1.pdf" >"$D/o" 2>"$D/e"
    rc=$?
    "$TB" archive export --db "$D/h.db" --series "$S" --issue 1 -o "$D/a1.pdf" >/dev/null 2>&1
    nums=$(sqlite3 "$D/h.db" "SELECT group_concat(issue_no) FROM bulletin" 2>/dev/null)
    if [ $rc -eq 0 ] && [ "$nums" = 1 ] && cmp -s "$D/n1.pdf" "$D/a1.pdf" && [ -z "$(ls -A "$D" | grep -e '\.part\.' -e '\.tmp$')" ]; then
        ok "issue, crash at $at, issue again: 第1期 once, its PDF = the archive's, no part files left"
    else ko "issue, crash at $at, issue again: 第1期 once, its PDF = the archive's, no part files left" \
        "exit $rc, numbers $nums, files: $(ls "$D" | tr '\n' ' ') $(cat "$D/o" "$D/e")"; fi
    "$TB" issue "$N2" --db "$D/h.db" -o "$D/n2.pdf" >/dev/null 2>&1
    nums=$(sqlite3 "$D/h.db" "SELECT group_concat(issue_no) FROM (SELECT issue_no FROM bulletin ORDER BY issue_no)" 2>/dev/null)
    [ "$nums" = 1,2 ] && ok "issue, crash at $at: the next bulletin is 第2期 (no number skipped)" ||
        ko "issue, crash at $at: the next bulletin is 第2期 (no number skipped)" "numbers $nums"
done

# ---- tongbao nightly: commit → temp files → syncfs → renames → syncfs → done/ --
K=4
# cr_inbox DIR: K copies of night 1 under their own ids
cr_inbox() {
    mkdir -p "$1"
    i=0
    while [ $i -lt $K ]; do
        i=$((i + 1))
        sed "s/id=\"jc-2026-11-20-night\"/id=\"crash-$i\"/" "$N1" >"$1/c$i.xml"
    done
}
# cr_invariants NAME DIR: what must hold at any moment, also right after a
# crash: every input in done/ has its bulletin (= the archive's copy), its
# four extracts and its four 整改台账 workbooks, whole; every bulletin
# directory in out/ is for a number the history has.
cr_invariants() {
    _bad=""
    for f in $(ls "$2/in/done" 2>/dev/null); do
        id=crash-${f#c}
        id=${id%.xml}
        no=$(sqlite3 "$2/h.db" "SELECT issue_no FROM bulletin WHERE input_id = '$id'" 2>/dev/null)
        nnn=$(printf '%03d' "${no:-0}")
        d="$2/out/$S/2026/$nnn"
        "$TB" archive export --db "$2/h.db" --series "$S" --issue "${no:-0}" -o "$2/x.pdf" >/dev/null 2>&1 &&
            cmp -s "$2/x.pdf" "$d/$S-2026-$nnn.pdf" || _bad="$_bad $f:bulletin"
        for x in "$d"/*区.pdf; do tail -c 8 "$x" 2>/dev/null | grep -q '%%EOF' || _bad="$_bad $f:extract"; done
        [ "$(ls "$d" 2>/dev/null | grep -c '区\.pdf$')" -eq 4 ] || _bad="$_bad $f:extracts"
        for x in "$d"/*-整改台账.xlsx; do
            [ "$(tail -c 22 "$x" 2>/dev/null | head -c 4 | od -An -tx1 | tr -d ' ')" = 504b0506 ] || _bad="$_bad $f:ledger"
        done
        [ "$(ls "$d" 2>/dev/null | grep -c '整改台账\.xlsx$')" -eq 4 ] || _bad="$_bad $f:ledgers"
    done
    for d in "$2/out/$S"/2026/*/; do
        [ -d "$d" ] || continue
        no=$((1$(basename "$d") - 1000))
        [ "$(sqlite3 "$2/h.db" "SELECT count(*) FROM bulletin WHERE issue_no = $no" 2>/dev/null)" = 1 ] || _bad="$_bad unrecorded:$no"
    done
    [ -z "$_bad" ] && ok "$1: at the crash, done/ inputs have whole outputs and every output is recorded" ||
        ko "$1: at the crash, done/ inputs have whole outputs and every output is recorded" "$_bad"
}
# cr_complete NAME DIR: after the re-run, the night is whole
cr_complete() {
    nums=$(sqlite3 "$2/h.db" "SELECT group_concat(issue_no) FROM (SELECT issue_no FROM bulletin ORDER BY issue_no)" 2>/dev/null)
    ids=$(sqlite3 "$2/h.db" "SELECT count(DISTINCT input_id) FROM bulletin" 2>/dev/null)
    kb=$(find "$2/out" -name "$S-2026-*.pdf" | wc -l)
    kx=$(find "$2/out" -name '*区.pdf' | wc -l)
    kl=$(find "$2/out" -name '*-整改台账.xlsx' | wc -l)
    kbad=0
    for d in "$2/out/$S"/2026/*/; do
        no=$(basename "$d")
        "$TB" archive export --db "$2/h.db" --series "$S" --issue "$((1$no - 1000))" -o "$2/x.pdf" >/dev/null 2>&1 &&
            cmp -s "$2/x.pdf" "$d$S-2026-$no.pdf" || kbad=$((kbad + 1))
    done
    if [ "$nums" = "$(seq -s, 1 $K)" ] && [ "$ids" = $K ] && [ "$(ls "$2/in/done" | grep -c '\.xml$')" -eq $K ] &&
        [ "$(ls "$2/in" | grep -c '\.xml$')" -eq 0 ] && [ ! -d "$2/in/rejected" ] && [ "$kb" -eq $K ] &&
        [ "$kx" -eq $((K * 4)) ] && [ "$kl" -eq $((K * 4)) ] && [ $kbad -eq 0 ] && [ -z "$(find "$2" \( -name '*.tmp.*' -o -name '.*.tmp' \))" ] &&
        "$TB" archive verify --db "$2/h.db" >/dev/null 2>&1; then
        ok "$1, run again: 第1..$K期 once each, every input in done/, every PDF whole and = the archive, no temporaries"
    else ko "$1, run again: 第1..$K期 once each, every input in done/, every PDF whole and = the archive, no temporaries" \
        "numbers $nums, ids $ids, $kb bulletins, $kx extracts, $kl ledgers, $kbad differ; inbox: $(ls -R "$2/in" | tr '\n' ' ') $(find "$2" \( -name '*.tmp.*' -o -name '.*.tmp' \))"; fi
}
# The writer takes whatever has queued as one batch, so which item a
# count lands on varies; the step does not.  An item has nine files (the
# bulletin, four extracts, four ledgers): renamed #10 is the second item's
# first; done #3 is after a batch of several.  recorded #3 is an item
# recorded in an open group commit, not yet durable (with those before it
# in the group, if any): nothing of the group may be written or lost.
for at in tx-recorded:1 tx-recorded:3 tx-committed:1 tx-committed:3 nightly-written:1 nightly-synced:1 nightly-renamed:1 \
    nightly-renamed:10 nightly-flushed:1 nightly-done:1 nightly-done:3; do
    p=${at%%:*}
    n=${at#*:}
    D="$CR/n-$p-$n"
    cr_inbox "$D/in"
    TONGBAO_CRASH_AT=$at "$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --jobs 2 --quiet >"$D/o" 2>"$D/e"
    cr_crashed "nightly, crash at $at" "$p" "$n" $? "$D/e"
    cr_invariants "nightly, crash at $at" "$D"
    "$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --jobs 2 >"$D/o" 2>"$D/e"
    rc=$?
    [ $rc -eq 0 ] || ko "nightly, crash at $at, run again: exit 0" "exit $rc: $(cat "$D/e")"
    cr_complete "nightly, crash at $at" "$D"
done

# Restoring is a step too: a run that finishes a killed one is killed while
# it writes the missing outputs from the archive, and the next finishes it.
D="$CR/n-restored"
cr_inbox "$D/in"
TONGBAO_CRASH_AT=tx-committed:3 "$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --jobs 2 --quiet >/dev/null 2>&1
TONGBAO_CRASH_AT=nightly-restored:2 "$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --jobs 2 --quiet >"$D/o" 2>"$D/e"
cr_crashed "nightly restoring, crash at nightly-restored:2" nightly-restored 2 $? "$D/e"
cr_invariants "nightly restoring, crash at nightly-restored:2" "$D"
"$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --jobs 2 >"$D/o" 2>"$D/e"
cr_complete "nightly restoring, crash at nightly-restored:2" "$D"

# A rejection: FILE.xml.err first, then the move; a crash in between leaves
# the input in the inbox, and the next run rejects it once.
D="$CR/n-err"
mkdir -p "$D/in"
cp tests/bad/unclosed-tag.xml "$D/in/bad.xml"
TONGBAO_CRASH_AT=nightly-err "$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --quiet >"$D/o" 2>"$D/e"
cr_crashed "nightly rejecting, crash at nightly-err" nightly-err 1 $? "$D/e"
"$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --quiet >"$D/o" 2>"$D/e"
rc=$?
rej=$(ls "$D/in/rejected" 2>/dev/null | tr '\n' ' ')
[ $rc -eq 10 ] && [ "$rej" = "bad.xml bad.xml.err " ] && [ ! -e "$D/in/bad.xml" ] && [ -z "$(find "$D" \( -name '*.tmp.*' -o -name '.*.tmp' \))" ] &&
    ok "nightly rejecting, crash at nightly-err, run again: rejected once, with its .err, no temporaries" ||
    ko "nightly rejecting, crash at nightly-err, run again: rejected once, with its .err, no temporaries" "exit $rc, rejected/ = $rej"

# An unset or unknown point changes nothing.
D="$CR/n-none"
cr_inbox "$D/in"
TONGBAO_CRASH_AT=no-such-point "$TB" nightly "$D/in" --out "$D/out" --db "$D/h.db" --jobs 2 --quiet >"$D/o" 2>"$D/e"
rc=$?
[ $rc -eq 0 ] && ! grep -q 'crash point' "$D/e" && ok "TONGBAO_CRASH_AT naming no step: the run is not touched" ||
    ko "TONGBAO_CRASH_AT naming no step: the run is not touched" "exit $rc: $(cat "$D/e")"
cr_complete "nightly with an unknown crash point" "$D"
