# tests/bench_growth.sh — the growth table of issue 18: one bulletin of N
# findings (tests/gen_n.sh), rendered in a fresh process without and with
# the 问题清单 appendix: wall and CPU time, peak RSS, pages (sourced by
# bench.sh: $TB, $T, $R), beside the figures before layout streamed its
# pages to the writer (main at 3133027: CPU s and peak RSS, body / with the
# appendix, measured 2026-12-04 at load 5.3-5.7 on 2 cores, run for run
# beside the streamed binary).  Target (issue
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
    10) before="0.03 s, 20.3 MiB / 0.03 s, 21.0 MiB" ;;
    100) before="0.03 s, 20.9 MiB / 0.04 s, 24.4 MiB" ;;
    1000) before="0.07 s, 26.5 MiB / 0.16 s, 53.2 MiB" ;;
    10000) before="0.44 s, 82.9 MiB / 1.72 s, 350 MiB" ;;
    50000) before="2.28 s, 342 MiB / 8.10 s, 1,720 MiB" ;;
    *) before="" ;;
    esac
    printf '   %8s  %s%s\n' "$n" "$row" "$before"
done
rm -f "$T/g.xml"

# The OFD, alone (render -o X.ofd) and issued beside the PDF (issue
# --format pdf,ofd, a template copy whose <order> names the appendix; a
# fresh history each time), both with the appendix, beside the figures
# before they streamed (main at 1f53d47: CPU s and peak RSS, measured
# 2026-12-04 at load 1.5-3.1 on 2 cores, run for run beside the streamed
# binary; README "growth").
echo "== growth: the OFD with the appendix, rendered alone and issued with the PDF (pdf,ofd)"
echo "   [load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: compare the CPU figures]"
printf '   %8s  %-34s  %-34s  %s\n' findings "OFD: CPU s, wall s, peak RSS" "pdf,ofd issued: CPU s, wall s, RSS" \
    "before streaming: OFD / pdf,ofd"
mkdir -p "$T/gtpl"
sed -e 's|<order>head title to body signature tail</order>|<order>head title to body signature appendix tail</order>|' \
    templates/dubao.xml >"$T/gtpl/dubao.xml"
for n in ${TB_BENCH_GROWTH:-10 100 1000 10000 50000}; do
    sh tests/gen_n.sh "$n" >"$T/g.xml"
    o=$("$R" 1 "$TB" render "$T/g.xml" --appendix -o "$T/g.ofd")
    rm -f "$T/g.ofd" "$T/gi.db"*
    i=$("$R" 1 env TONGBAO_TEMPLATES="$T/gtpl" "$TB" issue "$T/g.xml" --db "$T/gi.db" --format pdf,ofd -o "$T/gi.pdf")
    rm -f "$T/gi.pdf" "$T/gi.ofd" "$T/gi.db"*
    row=""
    for line in "$o" "$i"; do
        cpu=$(echo "$line" | sed -n 's/.*CPU ms least \([0-9.]*\).*/\1/p')
        wall=$(echo "$line" | sed -n 's/.*wall ms min \([0-9.]*\).*/\1/p')
        rss=$(echo "$line" | sed -n 's/.*peak RSS \([0-9.]* MiB\).*/\1/p')
        row="$row$(awk -v c="$cpu" -v w="$wall" -v r="$rss" 'BEGIN { printf "%-34s  ", sprintf("%.2f, %.2f, %s", c / 1000, w / 1000, r) }')"
    done
    case $n in
    10000) before="2.28-2.69 s, 250 MiB / 3.53-3.75 s, 319 MiB" ;;
    50000) before="13.9 s, 1,168 MiB / 18.3-19.8 s, 1,518 MiB" ;;
    *) before="" ;;
    esac
    printf '   %8s  %s%s\n' "$n" "$row" "$before"
done
rm -rf "$T/g.xml" "$T/gtpl"
