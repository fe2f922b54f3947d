#!/bin/sh
# tests/gen_big.sh SERIES — a 300-finding night on stdout (the appendix
# table's stress case; e2e_templates.sh, e2e_pdfa.sh and e2e_ofd.sh use it).
# 300 findings in 6 categories over 5 districts and units; every 11th is long
# enough to wrap over many lines.  Each text starts P<i>号 and ends W<i>号:
# the line breaker never splits those (letters, digits and a measure word
# stay together), so each is one word in pdftotext's output, and a row split
# over two pages would show as its two markers on different pages.
S=${1:-江城市疫情防控督查通报}
printf '<?xml version="1.0" encoding="UTF-8"?>\n'
printf '<bulletin version="1" id="big-night" series="%s" template="dubao" code="JC">\n' "$S"
printf '<header><title>关于全市集中暗访情况的通报</title><issuer>江城市疫情防控指挥部督导组</issuer><date>2026-11-21</date></header>\n<findings>\n'
i=1
for c in 一 二 三 四 五 六; do
    printf '<category title="第%s类问题">\n' "$c"
    k=0
    while [ $k -lt 50 ]; do
        case $((i % 5)) in 0) d=东湖区 ;; 1) d=西山区 ;; 2) d=南江区 ;; 3) d=北塘区 ;; *) d=江城经开区 ;; esac
        long=""
        [ $((i % 11)) -eq 0 ] && long="，卡点值守人员脱岗，登记台账缺失，进出人员未测体温、未查验健康码，现场无人劝导，隔离户门口未张贴告知书且门磁报警后长时间无人处置，值班电话多次拨打无人接听，整改措施停留在纸面，问题反复出现"
        if [ $((i % 7)) -eq 0 ]; then
            printf '<finding unit="市直单位" site="家属院">问题P%s号，大门敞开%s，止W%s号</finding>\n' $i "$long" $i
        else
            printf '<finding district="%s" street="青山街道" community="和平社区" site="锦绣小区">问题P%s号，卡点夜间无人值守%s，止W%s号</finding>\n' $d $i "$long" $i
        fi
        i=$((i + 1)); k=$((k + 1))
    done
    printf '</category>\n'
done
printf '</findings>\n<rectification deadline="2026-11-22T17:00" report-to="市疫情防控指挥部督导问责组"/>\n</bulletin>\n'
