# tests/bench_nightly.sh — issue 4: one nightly run over 1,000 seed-size
# bulletins, with the database (sourced by tests/bench.sh: $TB, $T, $R).
# Target on 2 cores: >= 40 bulletins/s including the database.
# The copies differ only in id=, so every finding repeats at the same place
# in all earlier copies (1,000-long repeat chains, history paragraphs that
# grow with them); a second, smaller run gives each copy its own places, as
# real nights are.  NIGHTLY_BENCH_N overrides the count, NIGHTLY_BENCH_N2
# the second run's (0 skips it).  TONGBAO_NIGHTLY_TIMES=1 is set, so each
# run also prints where the time went.  Only the findings' places and
# responsible units are rewritten: the <count unit=…> of the scope stays the
# seed's, as a real series words its scope the same way every issue (issue
# 18: rewriting it grew the 累计涉及 clause with every copy).
NB=${NIGHTLY_BENCH_N:-1000}
NB2=${NIGHTLY_BENCH_N2:-200}
nb_inbox() { # nb_inbox DIR N [places]: N copies of the seed with distinct ids (and places)
    rm -rf "$1"
    mkdir -p "$1"
    i=0
    while [ $i -lt "$2" ]; do
        i=$((i + 1))
        n=$(printf '%04d' $i)
        if [ "${3:-}" = places ]; then
            sed -e "s/<bulletin\\([^>]*\\) id=\"[^\"]*\"/<bulletin\\1 id=\"bench-$n\"/" \
                -e "s/ site=\"\\([^\"]*\\)\"/ site=\"\\1$n号\"/g" -e "/<finding /s/ unit=\"\\([^\"]*\\)\"/ unit=\"\\1$n号\"/g" \
                examples/bench/seed-size.xml >"$1/seed-$n.xml"
        else
            sed "s/<bulletin\\([^>]*\\) id=\"[^\"]*\"/<bulletin\\1 id=\"bench-$n\"/" examples/bench/seed-size.xml >"$1/seed-$n.xml"
        fi
    done
}
# nb_run SEEDDIR JOBS: one nightly over a copy of SEEDDIR; prints the figures
nb_run() {
    rm -rf "$T/nb" "$T/nb-out" "$T/nb.db" "$T/nb.db-wal" "$T/nb.db-shm" "$T/nb.db.nightly.lock"
    cp -r "$1" "$T/nb"
    jopt=""
    [ "$2" = default ] || jopt="--jobs $2"
    # benchrun gives wall time and peak RSS of the one process (the shell
    # execs tongbao, so the figures are tongbao's); the summary goes to nb.out
    TONGBAO_NIGHTLY_TIMES=1 "$R" 1 sh -c 'exec "$0" nightly "$1" --out "$2" --db "$3" $4 >"$5" 2>"$6"' \
        "$TB" "$T/nb" "$T/nb-out" "$T/nb.db" "$jopt" "$T/nb.out" "$T/nb.err" >"$T/nb.fig" 2>&1
    rc=$?
    issued=$(awk '$1 == "issued" && NF == 2 {print $2}' "$T/nb.out")
    pages=$(awk '$1 == "pages" {print $2}' "$T/nb.out")
    secs=$(awk '$1 == "seconds" {print $2}' "$T/nb.out")
    bps=$(awk '$1 == "bulletins/s" {print $2}' "$T/nb.out")
    pps=$(awk '$1 == "pages/s" {print $2}' "$T/nb.out")
    rss=$(sed -n 's/.*peak RSS \([0-9.]* MiB\).*/\1/p' "$T/nb.fig")
    echo "   jobs=$2: ${issued:-?} issued, ${pages:-?} pages in ${secs:-?} s: ${bps:-?} bulletins/s, ${pps:-?} pages/s, peak RSS ${rss:-?}"
    [ $rc -eq 0 ] || echo "   (exit $rc: $(cat "$T/nb.fig"; grep -v '^nightly times\|^  ' "$T/nb.err" | head -3))"
    sed -n '/^nightly times/,$p' "$T/nb.err" | sed 's/^/   /'
    echo "   database $(du -k "$T/nb.db" | cut -f1) KiB, outputs $(du -sk "$T/nb-out" | cut -f1) KiB"
    rm -rf "$T/nb" "$T/nb-out" "$T/nb.db" "$T/nb.db-wal" "$T/nb.db-shm"
}

echo "== nightly: $NB seed-size bulletins (5 pages + 5 district extracts each, ids differ, places the same) in one run, with the database (target: >= 40 bulletins/s on 2 cores)"
nb_inbox "$T/nb-seed" "$NB"
if ! grep -q 'id="bench-0001"' "$T/nb-seed/seed-0001.xml"; then
    echo "   (could not give the copies distinct ids; skipped)"
else
    nb_run "$T/nb-seed" 1
    nb_run "$T/nb-seed" default
    if [ "$NB2" -gt 0 ]; then
        echo "== nightly: $NB2 seed-size bulletins, each at its own places (no repeat chains), default jobs"
        nb_inbox "$T/nb-seed" "$NB2" places
        nb_run "$T/nb-seed" default
    fi
fi
rm -rf "$T/nb-seed"
