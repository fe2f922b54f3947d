#!/bin/sh
# tests/bench.sh — `make bench`: speed and memory figures (not pass/fail).
BUILD=${BUILD:-build/rel}
export TONGBAO_HOME="$PWD"
TB=$PWD/bin/tongbao
T=$(mktemp -d "${TMPDIR:-/tmp}/tongbao-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
make --no-print-directory "$BUILD/tests/benchrun" >/dev/null || exit 1
R="$BUILD/tests/benchrun"

echo "== render: seed-size bulletin in a fresh process (targets: median <=40 ms idle, <=60 MiB, PDF <=315,000 bytes)"
"$TB" render examples/bench/seed-size.xml -o "$T/seed.pdf" --text >"$T/seed.txt" 2>"$T/seed.err" || { cat "$T/seed.err"; exit 1; }
echo "   $(tr -d ' \n' <"$T/seed.txt" | wc -m) characters composed, $(pdfinfo "$T/seed.pdf" | awk '/^Pages:/{print $2}') pages, PDF $(wc -c <"$T/seed.pdf") bytes"
"$R" 1 "$TB" render examples/bench/seed-size.xml -o "$T/seed.pdf" >/dev/null   # warm the page cache
echo "   $("$R" 15 "$TB" render examples/bench/seed-size.xml -o "$T/seed.pdf")"
echo "   (load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: times are only comparable on an idle machine)"
if command -v valgrind >/dev/null 2>&1; then
    # instructions do not depend on the load: the figure to compare changes by
    n=$(valgrind --tool=callgrind --callgrind-out-file="$T/cg.render" "$TB" render examples/bench/seed-size.xml \
        -o "$T/seed-cg.pdf" 2>&1 | awk '/Collected :/ {print $NF}')
    echo "   callgrind: $n instructions for the whole render"
fi
# the same through the Cairo fallback writer, for comparison
TONGBAO_PDF_WRITER=cairo "$TB" render examples/bench/seed-size.xml -o "$T/seedc.pdf" 2>/dev/null
echo "   (Cairo fallback writer: $(TONGBAO_PDF_WRITER=cairo "$R" 5 "$TB" render examples/bench/seed-size.xml -o "$T/seedc.pdf"), PDF $(wc -c <"$T/seedc.pdf") bytes)"
for s in tests/bench_*.sh; do
    [ -f "$s" ] && . "./$s"
done
