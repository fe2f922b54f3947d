# tests/bench_growth.sh — the growth table of issue 18: one bulletin of N
# findings (tests/gen_n.sh), rendered in a fresh process without and with
# the 问题清单 appendix: wall and CPU time, peak RSS, pages (sourced by
# bench.sh: $TB, $T, $R), beside the figures before layout streamed its
# pages to the writer (main at d968cf3: CPU s and peak RSS, body / with the
# appendix, measured 2026-12-04 at load 7-9 on 2 cores).  Target (issue
# 18): 50,000 findings with the appendix under 150 MiB, no slower.
# TB_BENCH_GROWTH="10 100" measures only those.
echo "== growth: one bulletin of N findings, render without / with the appendix (target: 50,000 with the appendix <= 150 MiB)"
echo "   [load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: compare the CPU figures]"
printf '   %8s  %-44s  %-44s  %s\n' findings "body: CPU s, wall s, peak RSS, pages" \
    "with the appendix: CPU s, wall s, RSS, pages" "before streaming: body / with the appendix"
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
    case $n in
    10) before="0.04 s, 21.7 MiB / 0.05 s, 22.8 MiB" ;;
    100) before="0.05 s, 22.7 MiB / 0.07 s, 25.8 MiB" ;;
    1000) before="0.10 s, 28.3 MiB / 0.26 s, 54.6 MiB" ;;
    10000) before="0.69 s, 84.8 MiB / 2.23 s, 352 MiB" ;;
    50000) before="2.99 s, 344 MiB / 10.8 s, 1,722 MiB" ;;
    *) before="" ;;
    esac
    printf '   %8s  %s%s\n' "$n" "$row" "$before"
done
rm -f "$T/g.xml"
