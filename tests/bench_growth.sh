# tests/bench_growth.sh — the growth table of issue 18: one bulletin of N
# findings (tests/gen_n.sh), rendered in a fresh process without and with
# the 问题清单 appendix: wall and CPU time, peak RSS, pages (sourced by
# bench.sh: $TB, $T, $R).  Target (issue 18, not met yet: layout keeps the
# whole document until the PDF is written): 50,000 findings with the
# appendix under 150 MiB.  TB_BENCH_GROWTH="10 100" measures only those.
echo "== growth: one bulletin of N findings, render without / with the appendix (target: 50,000 with the appendix <= 150 MiB)"
echo "   [load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: compare the CPU figures]"
printf '   %8s  %-44s  %-44s\n' findings "body: CPU s, wall s, peak RSS, pages" "with the appendix: CPU s, wall s, RSS, pages"
for n in ${TB_BENCH_GROWTH:-10 100 1000 10000 50000}; do
    sh tests/gen_n.sh "$n" >"$T/g.xml"
    row=""
    for app in "" --appendix; do
        line=$("$R" 1 "$TB" render "$T/g.xml" $app -o "$T/g.pdf")
        cpu=$(echo "$line" | sed -n 's/.*CPU ms least \([0-9.]*\).*/\1/p')
        wall=$(echo "$line" | sed -n 's/.*wall ms min \([0-9.]*\).*/\1/p')
        rss=$(echo "$line" | sed -n 's/.*peak RSS \([0-9.]* MiB\).*/\1/p')
        pages=$(pdfinfo "$T/g.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
        row="$row$(awk -v c="$cpu" -v w="$wall" -v r="$rss" -v p="${pages:-?}" 'BEGIN { printf "%-44s  ", sprintf("%.2f, %.2f, %s, %s", c / 1000, w / 1000, r, p) }')"
        rm -f "$T/g.pdf"
    done
    printf '   %8s  %s\n' "$n" "$row"
done
rm -f "$T/g.xml"
