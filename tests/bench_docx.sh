# tests/bench_docx.sh — the Word draft (issue 14); sourced by tests/bench.sh
# (TB, R, T come from there).
echo "== render -o X.docx: seed-size bulletin as a Word draft in a fresh process (target: <=20 ms)"
"$TB" render examples/bench/seed-size.xml -o "$T/seed.docx" 2>/dev/null || echo "   render -o X.docx failed"
echo "   .docx $(wc -c <"$T/seed.docx") bytes"
"$R" 1 "$TB" render examples/bench/seed-size.xml -o "$T/seed.docx" >/dev/null   # warm the page cache
echo "   $("$R" 15 "$TB" render examples/bench/seed-size.xml -o "$T/seed.docx")"
echo "   (starting the process alone, tongbao --version: $("$R" 15 "$TB" --version))"
# CPU time, which other processes on the machine do not inflate as they do
# the wall time (perf, when installed: GNU time counts in 10 ms steps)
if command -v perf >/dev/null 2>&1; then
    cpu_ms() { perf stat -x, -e task-clock -r 20 "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {printf "%.1f", $1}'; }
    echo "   CPU per run (perf stat, 20 runs): .docx $(cpu_ms "$TB" render examples/bench/seed-size.xml -o "$T/seed.docx") ms," \
        "tongbao --version $(cpu_ms "$TB" --version) ms, the PDF $(cpu_ms "$TB" render examples/bench/seed-size.xml -o "$T/seed.pdf") ms"
fi
"$TB" render examples/inbox/jianbao-10.xml -o "$T/jb.docx" 2>/dev/null
echo "   (with a chart drawn as a PNG, jianbao-10: $("$R" 5 "$TB" render examples/inbox/jianbao-10.xml -o "$T/jb.docx"), .docx $(wc -c <"$T/jb.docx") bytes)"
