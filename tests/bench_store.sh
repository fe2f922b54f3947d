# tests/bench_store.sh — issue 3: the history at 1,000,000 findings
# (sourced by bench.sh).  Targets: issuing one more bulletin and listing a
# district's open findings each under 50 ms.
echo "== history: 1,000,000 findings (targets: issue one more < 50 ms, a district's open findings < 50 ms)"
make --no-print-directory "$BUILD/tests/gen_history" >/dev/null || exit 1
"$BUILD/tests/gen_history" "$T/million.db" --force --measure | sed 's/^/   /'
echo "   whole command, fresh process, on that database:"
sed 's/id="jc-2026-11-20-night"/id="bench-one-more"/' examples/inbox/jc-2026-11-20-night.xml >"$T/one.xml"
echo "   tongbao issue (parse + number + render + archive): $("$R" 1 "$TB" issue "$T/one.xml" --db "$T/million.db" -o "$T/one.pdf")"
echo "   tongbao archive verify: $("$R" 1 "$TB" archive verify --db "$T/million.db")"
