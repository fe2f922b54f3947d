# tests/e2e_oom.sh — issue 17 item 4: the one out-of-memory policy (util.h).
# TONGBAO_FAIL_ALLOC=N makes the N-th allocation fail as if the system had
# refused it.  For N from the first allocation to past the last (a doubling
# series), a render must end with exactly
#     tongbao: out of memory allocating BYTES bytes
# on stderr, exit status 12 (TB_ENOMEM), nothing on stdout, the output it
# was to replace untouched and no temporary left beside it; the first N
# that is past the last allocation must render the same PDF as a run
# without the switch.  Then a nightly whose allocation fails half-way: the
# next run finishes it (nothing lost or issued twice).
# Sourced by run.sh: $TB, $T, ok, ko.
OM="$T/oom"
mkdir -p "$OM"
IN=examples/worked-example.xml
"$TB" render "$IN" -o "$OM/want.pdf" >/dev/null 2>&1
n=1
fails=0
bad=""
done_at=""
while [ $n -lt 10000000 ]; do
    printf 'the old file\n' >"$OM/out.pdf"
    TONGBAO_FAIL_ALLOC=$n "$TB" render "$IN" -o "$OM/out.pdf" >"$OM/o" 2>"$OM/e"
    rc=$?
    if [ $rc -eq 0 ]; then
        done_at=$n
        break
    fi
    fails=$((fails + 1))
    left=$(ls -A "$OM" | grep -c '\.tmp$')
    if [ $rc -ne 12 ] || [ "$(wc -l <"$OM/e")" -ne 1 ] ||
       ! grep -qE '^tongbao: out of memory allocating [0-9]+ bytes$' "$OM/e" ||
       [ -s "$OM/o" ] || [ "$(cat "$OM/out.pdf")" != "the old file" ] || [ "$left" -ne 0 ]; then
        bad="$bad N=$n: exit $rc, stderr $(head -c 200 "$OM/e"), stdout $(head -c 80 "$OM/o"), $left temporaries;"
    fi
    n=$((n * 3 / 2 + 1))
done
if [ -z "$bad" ] && [ "$fails" -ge 8 ]; then
    ok "out of memory at allocation 1, 2, 4, 7 … ($fails runs): the message, exit 12, the old output untouched, no temporary"
else ko "out of memory at allocation 1, 2, 4, 7 … ($fails runs): the message, exit 12, the old output untouched, no temporary" \
    "${bad:-only $fails failing runs}"; fi
if [ -n "$done_at" ] && cmp -s "$OM/out.pdf" "$OM/want.pdf"; then
    ok "TONGBAO_FAIL_ALLOC past the last allocation ($done_at): the same PDF as without it"
else ko "TONGBAO_FAIL_ALLOC past the last allocation: the same PDF as without it" "stopped at N=$n, exit $rc"; fi

# nightlies that run out of memory, each followed by a clean run.  Where
# the N-th allocation falls depends on the fonts and the inputs, so N is
# searched for: doubled while the run stops before its first commit,
# halved back once a run gets through, until one stopped half-way (a
# bulletin committed, its input not yet in done/) — at most 12 runs.
half=0
bad=""
lo=0
hi=0
n=1000
runs=0
while [ $runs -lt 12 ] && [ $half -eq 0 ]; do
    runs=$((runs + 1))
    ON="$OM/night-$n"
    mkdir -p "$ON/in"
    cp examples/inbox/jc-2026-11-20-night.xml examples/inbox/jc-2026-11-21-night.xml "$ON/in/"
    TONGBAO_FAIL_ALLOC=$n "$TB" nightly "$ON/in" --out "$ON/out" --db "$ON/h.db" --jobs 1 --quiet >"$ON/o1" 2>"$ON/e1"
    rc1=$?
    n1=$(sqlite3 "$ON/h.db" "SELECT count(*) FROM bulletin" 2>/dev/null || echo 0)
    d1=$(ls "$ON/in/done" 2>/dev/null | grep -c '\.xml$')
    "$TB" nightly "$ON/in" --out "$ON/out" --db "$ON/h.db" --jobs 1 --quiet >"$ON/o2" 2>"$ON/e2"
    rc2=$?
    nums=$(sqlite3 "$ON/h.db" "SELECT group_concat(issue_no) FROM (SELECT issue_no FROM bulletin ORDER BY issue_no)" 2>/dev/null)
    if [ $rc1 -ne 0 ] && { [ $rc1 -ne 12 ] || ! grep -qE '^tongbao: out of memory allocating [0-9]+ bytes$' "$ON/e1"; }; then
        bad="$bad N=$n: exit $rc1 $(head -c 200 "$ON/e1");"
    elif [ $rc2 -ne 0 ] || [ "$nums" != 1,2 ] || [ "$(ls "$ON/in/done" 2>/dev/null | grep -c '\.xml$')" -ne 2 ] ||
         [ -n "$(find "$ON/out" -name '*.tmp')" ]; then
        bad="$bad N=$n then a clean run: exit $rc2, numbers $nums, $(head -c 200 "$ON/e2");"
    fi
    if [ $rc1 -eq 12 ] && [ "$n1" -gt "$d1" ]; then half=$n
    elif [ $rc1 -eq 0 ]; then hi=$n
    else lo=$n; fi
    if [ $hi -gt 0 ]; then n=$(((lo + hi) / 2)); else n=$((n * 2)); fi
done
if [ -z "$bad" ] && [ $half -gt 0 ]; then
    ok "nightly out of memory ($runs runs; allocation $half half-way, exit 12), each next run finishes: 第1期 and 第2期 once, both done"
else ko "nightly out of memory, each next run finishes: 第1期 and 第2期 once, both done" \
    "${bad:-no run of $runs stopped half-way}"; fi
