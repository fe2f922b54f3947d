# tests/bench_store.sh — the history at 1, 5 and 10 million findings
# (issues 3 and 18; sourced by bench.sh: $TB, $T, $R, $BUILD).
# Targets (issue 18): issuing one more bulletin <= 20 ms of database work
# at 10M; a page of a district's findings <= 100 ms at 10M.
# Each history is made by tests/gen_history (3 series, 33 findings a
# bulletin, 2 % of the old findings never put right), measured, and
# removed; the 10M one takes about 4 GB and a quarter of an hour to make.
# Beside each figure, in brackets, the same measurement before issue 18
# (main at 3718747: statistics read every bulletin row of the series, the
# listing sorted a district's findings before writing the first, verify had
# no --since), on the same machine; CPU ms, since the machine is shared.
# At 10M the brackets are main at d968cf3 instead (2026-12-04, before the
# summary read overdue as open less not due): 3718747 was not measured there.
# The pages of the findings not put right (--status undone, overdue, a
# series) have their brackets from main at 645d9fa (2026-12-04/05, schema 5:
# before the listing sorted keys from the covering indexes of schema 6;
# "-": not measured).
# TB_BENCH_HISTORY="1 5" measures only those sizes.
make --no-print-directory "$BUILD/tests/gen_history" >/dev/null || exit 1
# before[size]: DB issue, stats, whole issue, findings (whole listing), undone, verify, bytes/finding
hb_before() {
    case "$1" in
    1) echo "30.8 26.0 83.0 1062 63 11141 401.7" ;;
    5) echo "147.3 143.5 239.1 5309 154 65039 404.4" ;;
    10) echo "20.8 11.0 107.3 8413 268 206865 433.3" ;;
    esac
}
# before schema 6 (645d9fa): undone first page, the page after its middle,
# overdue first page, a series' undone first page (all --limit 100)
hb_before6() {
    case "$1" in
    1) echo "43.5 35.1 42.7 66.3" ;;
    5) echo "61.0 58.6 60.3 151.6" ;;
    10) echo "123.9 163.4 145.4 339.4" ;;
    *) echo "- - - -" ;;
    esac
}
# the CPU figure of a benchrun line
hb_cpu() { sed -n 's/.*CPU ms least \([0-9.]*\).*/\1/p'; }
hb_wall() { sed -n 's/.*wall ms min \([0-9.]*\).*/\1/p'; }
for size in ${TB_BENCH_HISTORY:-1 5 10}; do
    case "$size" in 1) nb=30304 ;; 5) nb=151516 ;; 10) nb=303031 ;; *) continue ;; esac
    set -- $(hb_before "$size")
    db="$T/h${size}m.db"
    echo "== history: ${size},000,000 findings (targets: issue <= 20 ms of database work, a page of findings <= 100 ms)"
    echo "   [in brackets: before issue 18, CPU ms; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores]"
    t0=$(date +%s)
    "$BUILD/tests/gen_history" "$db" -n "$nb" --force >"$T/gen.out" 2>&1 || { cat "$T/gen.out"; continue; }
    bytes=$(stat -c %s "$db")
    nf=$(sqlite3 "$db" "SELECT count(*) FROM finding")
    echo "   made in $(($(date +%s) - t0)) s: $bytes bytes, $(awk -v b="$bytes" -v n="$nf" 'BEGIN { printf "%.1f", b / n }') bytes a finding [$7]"
    "$BUILD/tests/gen_history" "$db" --measure-only >"$T/m.out" 2>&1
    cpu_of() { sed -n "s/^$1.*(CPU median \([0-9.]*\) ms).*/\1/p" "$T/m.out"; }
    echo "   issue one more bulletin, database work (numbers, repeats, history figures, commit): $(cpu_of 'issue one more') ms [$1]"
    echo "     of which the series' statistics: $(cpu_of 'series statistics') ms [$2]"
    sed 's/^/     /' "$T/m.out" | grep -v '^ *budget'
    sed 's/id="jc-2026-11-20-night"/id="bench-one-more"/' examples/inbox/jc-2026-11-20-night.xml >"$T/one.xml"
    echo "   tongbao issue, whole command (parse, number, render, archive): $("$R" 1 "$TB" issue "$T/one.xml" --db "$db" -o "$T/one.pdf" | hb_cpu) ms [$3]"
    mid=$(sqlite3 "$db" "SELECT id FROM finding WHERE district = '东湖区' ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM finding WHERE district = '东湖区')")
    fp=$("$R" 5 "$TB" findings --db "$db" --district 东湖区 --today 2026-11-22 --limit 100)
    mp=$("$R" 5 "$TB" findings --db "$db" --district 东湖区 --today 2026-11-22 --limit 100 --after "$mid")
    un=$("$R" 3 "$TB" findings --db "$db" --district 东湖区 --today 2026-11-22 --status undone)
    all=$("$R" 1 "$TB" findings --db "$db" --district 东湖区 --today 2026-11-22)
    st=$("$R" 5 "$TB" --version)
    echo "   findings --district 东湖区 --limit 100 (first page): $(echo "$fp" | hb_cpu) ms, wall $(echo "$fp" | hb_wall) ms [the whole listing: $4]"
    echo "     the page after the middle one (--after $mid): $(echo "$mp" | hb_cpu) ms, wall $(echo "$mp" | hb_wall) ms"
    echo "     (starting tongbao alone, --version: $(echo "$st" | hb_cpu) ms)"
    echo "   findings --district 东湖区 --status undone ($(sqlite3 "$db" "SELECT count(*) FROM finding WHERE district = '东湖区' AND status = 'open'") rows): $(echo "$un" | hb_cpu) ms [$5]"
    set -- $(hb_before6 "$size")
    midu=$(sqlite3 "$db" "SELECT id FROM finding WHERE district = '东湖区' AND status = 'open' ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM finding WHERE district = '东湖区' AND status = 'open')")
    up=$("$R" 5 "$TB" findings --db "$db" --district 东湖区 --today 2026-11-22 --status undone --limit 100)
    ump=$("$R" 5 "$TB" findings --db "$db" --district 东湖区 --today 2026-11-22 --status undone --limit 100 --after "$midu")
    op=$("$R" 5 "$TB" findings --db "$db" --district 东湖区 --today 2026-11-22 --status overdue --limit 100)
    sp=$("$R" 5 "$TB" findings --db "$db" --series 江城市环境整治督查通报 --today 2026-11-22 --status undone --limit 100)
    echo "     a page of them (--limit 100): $(echo "$up" | hb_cpu) ms [$1], the page after their middle (--after $midu): $(echo "$ump" | hb_cpu) ms [$2]"
    echo "     a page of --status overdue: $(echo "$op" | hb_cpu) ms [$3]; of a series' (--series 江城市环境整治督查通报 --status undone): $(echo "$sp" | hb_cpu) ms [$4]"
    set -- $(hb_before "$size")
    echo "   findings --district 东湖区, the whole listing ($(sqlite3 "$db" "SELECT count(*) FROM finding WHERE district = '东湖区'") rows, the table): $(echo "$all" | hb_cpu) ms, wall $(echo "$all" | hb_wall) ms [$4]"
    vs=$("$R" 3 "$TB" archive verify --db "$db" --since 2026-11-01)
    echo "   archive verify --since 2026-11-01 ($(sqlite3 "$db" "SELECT count(*) FROM bulletin WHERE date >= '2026-11-01'") bulletins): $(echo "$vs" | hb_cpu) ms"
    vf=$("$R" 1 "$TB" archive verify --db "$db")
    echo "   archive verify, everything: $(echo "$vf" | hb_cpu) ms, wall $(echo "$vf" | hb_wall) ms, peak RSS $(echo "$vf" | sed -n 's/.*peak RSS \([0-9.]* MiB\).*/\1/p') [$6]"
    rm -f "$db" "$db-wal" "$db-shm"
done
