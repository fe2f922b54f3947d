# tests/bench_archive.sh — issue 13 (sourced by bench.sh): the archive's
# forms of the seed-size bulletin against the plain PDF, in fresh processes,
# the runs interleaved so a busy machine slows all alike.
# Targets: PDF/A ≤ +5 ms and ≤ +10 KB over the plain PDF; OFD ≤ 1.5× the
# plain PDF's time and size.
echo "== archive forms: seed-size bulletin (targets: PDF/A <= +5 ms, <= +10 KB; OFD <= 1.5x time and size)"
S=examples/bench/seed-size.xml
"$TB" render "$S" -o "$T/plain.pdf" 2>/dev/null && "$TB" render "$S" --pdfa -o "$T/pdfa.pdf" 2>/dev/null &&
    "$TB" render "$S" -o "$T/seed.ofd" 2>/dev/null || exit 1
: >"$T/plain.runs"; : >"$T/pdfa.runs"; : >"$T/ofd.runs"
i=0
while [ $i -lt 7 ]; do
    "$R" 3 "$TB" render "$S" -o "$T/plain.pdf" >>"$T/plain.runs"
    "$R" 3 "$TB" render "$S" --pdfa -o "$T/pdfa.pdf" >>"$T/pdfa.runs"
    "$R" 3 "$TB" render "$S" -o "$T/seed.ofd" >>"$T/ofd.runs"
    i=$((i + 1))
done
# the min of each batch's min, and the median of the batches' medians
fig() {
    mn=$(awk '{ for (k = 1; k <= NF; k++) if ($k == "min") print $(k + 1) }' "$1" | sort -n | head -1)
    md=$(awk '{ for (k = 1; k <= NF; k++) if ($k == "median") print $(k + 1) }' "$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    echo "min $mn ms, median $md ms"
}
ps=$(wc -c <"$T/plain.pdf"); as=$(wc -c <"$T/pdfa.pdf"); os=$(wc -c <"$T/seed.ofd")
echo "   plain PDF: $(fig "$T/plain.runs"), $ps bytes"
echo "   PDF/A-2b:  $(fig "$T/pdfa.runs"), $as bytes (+$((as - ps)) bytes)"
echo "   OFD:       $(fig "$T/ofd.runs"), $os bytes ($(awk -v a="$os" -v b="$ps" 'BEGIN { printf "%.2f", a / b }')x the PDF's size)"
