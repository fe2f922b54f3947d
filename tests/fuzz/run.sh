#!/bin/sh
# tests/fuzz/run.sh — `make fuzz`: run each libFuzzer harness (built by
# `make fuzz-build` into build/fuzz/) for SECONDS, one after another, niced
# (a shared machine).  Each keeps its corpus in build/fuzz/corpus/NAME
# between runs and starts from its seeds (tests/fuzz/seeds.sh).  A crash or
# a leak stops that harness with the input saved as build/fuzz/crash-NAME-*;
# make it a file in tests/bad/ (with its .expect) once fixed.
#   sh tests/fuzz/run.sh SECONDS [NAME...]
. tests/fuzz/seeds.sh
secs=${1:-60}
shift
[ $# -gt 0 ] || set -- $(ls build/fuzz/ | sed -n 's/^fuzz_\([a-z_]*\)$/\1/p')
rc=0
for n in "$@"; do
    b=build/fuzz/fuzz_$n
    [ -x "$b" ] || { echo "fuzz: $b is not built (make fuzz-build)"; rc=1; continue; }
    rm -rf "build/fuzz/seeds/$n"
    fuzz_seeds "$n" "build/fuzz/seeds/$n"
    mkdir -p "build/fuzz/corpus/$n"
    d=""
    fuzz_dict "$n" "build/fuzz/$n.dict"
    [ -s "build/fuzz/$n.dict" ] && d="-dict=build/fuzz/$n.dict"
    echo "fuzz: $n for $secs s"
    nice -n 10 "$b" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $d \
        -artifact_prefix="build/fuzz/crash-$n-" "build/fuzz/corpus/$n" "build/fuzz/seeds/$n" \
        >"build/fuzz/$n.log" 2>&1
    r=$?
    # the last status line: #execs, coverage, corpus size
    last=$(grep -a '^#[0-9]' "build/fuzz/$n.log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$n.log")
    echo "fuzz: $n exit $r, $execs executions; last: $last"
    [ $r -eq 0 ] || { rc=1; grep -a -m3 'ERROR\|SUMMARY\|Test unit written' "build/fuzz/$n.log"; }
done
exit $rc
