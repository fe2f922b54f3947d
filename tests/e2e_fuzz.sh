# tests/e2e_fuzz.sh — issue 17: every libFuzzer harness (tests/fuzz/) runs
# briefly in every `make check`: each seed once, then FUZZ_RUNS mutations
# from a fixed seed, under ASan and UBSan.  `make fuzz` runs them for
# longer (README, "Fuzzing").  Sourced by run.sh: $T, check, ok, ko.
. tests/fuzz/seeds.sh
FZ="$T/fuzz"
for src in tests/fuzz/fuzz_*.c; do
    n=$(basename "$src" .c)
    n=${n#fuzz_}
    b=build/fuzz/fuzz_$n
    if [ ! -x "$b" ]; then
        ko "fuzz $n: seeds and ${FUZZ_RUNS:-2000} mutations clean" "$b not built (make check builds it with clang)"
        continue
    fi
    fuzz_seeds "$n" "$FZ/seeds-$n"
    mkdir -p "$FZ/corpus-$n"
    if "$b" -runs="${FUZZ_RUNS:-2000}" -seed=1 -timeout=10 -artifact_prefix="$FZ/crash-$n-" \
        "$FZ/corpus-$n" "$FZ/seeds-$n" >"$FZ/$n.log" 2>&1; then
        ok "fuzz $n: $(ls "$FZ/seeds-$n" | wc -l) seeds and ${FUZZ_RUNS:-2000} mutations clean"
    else ko "fuzz $n: $(ls "$FZ/seeds-$n" | wc -l) seeds and ${FUZZ_RUNS:-2000} mutations clean" \
        "$(grep -a -m4 'ERROR\|SUMMARY\|fuzz:\|Test unit' "$FZ/$n.log")"; fi
done
