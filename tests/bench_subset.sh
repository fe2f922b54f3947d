# tests/bench_subset.sh — font subsetting: tongbao's fontsub against
# HarfBuzz's hb-subset on the body face and the seed-size bulletin's
# characters (sourced by tests/bench.sh: $TB, $T, $BUILD).  Time per face
# (median), bytes, and with valgrind installed the instructions each
# subsetter runs (callgrind, only inside the subset call).  The README's
# "Font subsetting" section quotes these figures.
make --no-print-directory "$BUILD/tests/bench_subset" >/dev/null || return 1
BS="$BUILD/tests/bench_subset"
face=$("$TB" fonts 2>/dev/null | awk '$1 == "fangsong" {print $NF}')
echo "== font subsetting: fontsub against hb-subset, one face ($face)"
case "$face" in
*.otf)
    "$BS" "$face" "$T/seed.txt" 25
    if command -v valgrind >/dev/null 2>&1; then
        for m in fontsub:fsub_cff_subset hb:hb_subset_or_fail; do
            n=$(valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" --toggle-collect="${m#*:}" \
                "$BS" "${m%%:*}" "$face" "$T/seed.txt" 2>&1 | awk '/Collected :/ {print $NF}')
            echo "   ${m%%:*}: $n instructions per face (callgrind, inside ${m#*:})"
        done
    else
        echo "   (install valgrind for the instruction counts)"
    fi ;;
*) echo "   (the body face is not a CFF face here: nothing to compare)" ;;
esac
