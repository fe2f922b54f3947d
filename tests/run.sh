#!/bin/sh
# tests/run.sh — the whole suite: unit tests (tests/unit_*.c) and end-to-end
# checks of the real binary on real files: PDFs checked with poppler-utils
# and qpdf, geometry with tests/bboxcheck, SQLite files on disk.
# Every check prints "PASS name" or "FAIL name: why"; the last line is
# "N passed, N failed".  Run from the top of the tree (make check does).
BUILD=${BUILD:-build/rel}
TB=${TB:-$PWD/bin/tongbao}
export TONGBAO_HOME="$PWD"
T=$(mktemp -d "${TMPDIR:-/tmp}/tongbao-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
check() { # check NAME CMD... : passes when CMD exits 0
    name=$1; shift
    if "$@" >"$T/out" 2>&1; then ok "$name"; else ko "$name" "$(head -c 600 "$T/out")"; fi
}

# ---- unit tests --------------------------------------------------------
for u in "$BUILD"/tests/unit_*; do
    [ -x "$u" ] || continue
    "$u" >"$T/unit.out" 2>&1
    rc=$?
    p=$(grep -c '^PASS ' "$T/unit.out")
    f=$(grep -c '^FAIL ' "$T/unit.out")
    grep '^FAIL ' -A3 "$T/unit.out"
    pass=$((pass + p))
    fail=$((fail + f))
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then ko "$(basename "$u")" "exit $rc: $(tail -5 "$T/unit.out")"; fi
    echo "# $(basename "$u"): $p passed, $f failed"
done

# ---- the end-to-end suites -----------------------------------------------
for s in tests/e2e_*.sh; do
    [ -f "$s" ] || continue
    echo "# $s"
    . "./$s"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
