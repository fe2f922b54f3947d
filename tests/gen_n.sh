#!/bin/sh
# tests/gen_n.sh N — a bulletin of N findings on stdout, for the growth
# table of make bench (tests/bench_growth.sh): categories of 50 findings,
# five districts, every 11th finding long enough to wrap over several lines.
N=${1:-100}
awk -v n="$N" 'BEGIN {
    printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    printf "<bulletin version=\"1\" id=\"growth-%d\" series=\"江城市疫情防控督查通报\" template=\"dubao\" code=\"JC\">\n", n
    printf "<header><title>关于全市集中暗访情况的通报</title><issuer>江城市疫情防控指挥部督导组</issuer><date>2026-11-21</date></header>\n<findings>\n"
    split("东湖区 西山区 南江区 北塘区 江城经开区", d, " ")
    for (i = 1; i <= n; i++) {
        if (i % 50 == 1) printf "<category title=\"第%d类问题\">\n", int(i / 50) + 1
        long = i % 11 == 0 ? "，卡点值守人员脱岗，登记台账缺失，进出人员未测体温、未查验健康码，现场无人劝导，整改措施停留在纸面，问题反复出现" : ""
        printf "<finding district=\"%s\" street=\"青山街道\" community=\"和平社区\" site=\"锦绣小区%d号楼\">卡点夜间无人值守%s</finding>\n", d[i % 5 + 1], i, long
        if (i % 50 == 0 || i == n) printf "</category>\n"
    }
    printf "</findings>\n<rectification deadline=\"2026-11-28\" report-to=\"市疫情防控指挥部督导问责组\"/>\n</bulletin>\n"
}'
