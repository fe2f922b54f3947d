# tests/bench_parse.sh — issue 19 item 11: validating 100,000 findings,
# on one line and one per line (sourced by bench.sh).  Target: <= 2 s each,
# whatever the line breaks.
bench_findings() { # N SEP: a bulletin with N findings, SEP after each element
    printf '<?xml version="1.0" encoding="UTF-8"?>%s<bulletin version="1" id="big-1" series="江城市疫情防控督查通报">%s' "$2" "$2"
    printf '<header><title>督查通报</title><issuer>江城市疫情防控指挥部督导组</issuer><date>2026-11-21</date></header>%s<findings>' "$2"
    awk -v n="$1" -v sep="$2" 'BEGIN { for (c = 0; c < n / 100; c++) {
        printf "<category title=\"问题类别%d\">%s", c, sep
        for (i = 0; i < 100; i++)
            printf "<finding district=\"东湖区\" street=\"青山街道\" site=\"锦绣小区%d号楼\">北门无人值守，进出人员未测体温</finding>%s", c * 100 + i, sep
        printf "</category>%s", sep } }'
    printf '</findings></bulletin>\n'
}
echo "== validate 100,000 findings (target: <= 2 s whatever the line breaks)"
bench_findings 100000 "" >"$T/one-line.xml"
bench_findings 100000 "
" >"$T/lines.xml"
echo "   on one line ($(wc -c <"$T/one-line.xml") bytes): $("$R" 3 "$TB" validate "$T/one-line.xml")"
echo "   one per line ($(wc -l <"$T/lines.xml") lines): $("$R" 3 "$TB" validate "$T/lines.xml")"
