# tests/e2e_code.sh — issue 17: promises about the code itself.
#  - sizes: no file in src/ over 1,200 lines, no function over 120
#    (tests/sizes.sh, also `make sizes`);
#  - assert() states the layout and store invariants in the sanitizer and
#    debug builds and is compiled out of the release build (NDEBUG): the
#    binary under test calls __assert_fail exactly when it is not release.
# Sourced by run.sh: $TB, $BUILD, $T, ok, ko.
if sh tests/sizes.sh >"$T/sizes" 2>&1; then
    ok "sizes: src/ files under 1,200 lines, functions under 120 ($(tail -1 "$T/sizes" | sed 's/^# //'))"
else ko "sizes: src/ files under 1,200 lines, functions under 120" "$(grep -v '^#' "$T/sizes" | head -10)"; fi
if nm -D "$TB" 2>/dev/null | grep -q ' __assert_fail'; then asserts=1; else asserts=0; fi
case $BUILD in
build/rel) want=0 ;;
*) want=1 ;;
esac
if [ $asserts = $want ]; then
    ok "assert() $( [ $want = 1 ] && echo on || echo compiled out) in the $BUILD build"
else ko "assert() $( [ $want = 1 ] && echo on || echo compiled out) in the $BUILD build" \
    "__assert_fail referenced: $asserts (see NDEBUG in the Makefile)"; fi
# Start-up (issue 12): a PDF render loads neither libzip nor libxlsxwriter
# (nor libcrypto behind them): src/libload.c opens them when a command
# first needs one, as a workbook does.
LD_DEBUG=files "$TB" render examples/bench/seed-size.xml -o "$T/ll.pdf" >/dev/null 2>"$T/ll.err"
LD_DEBUG=files "$TB" form -o "$T/ll.xlsx" >/dev/null 2>"$T/ll2.err"
if [ -s "$T/ll.pdf" ] && ! grep -qE 'file=lib(zip|xlsxwriter|crypto)\.' "$T/ll.err" &&
    grep -q 'file=libxlsxwriter\..*dynamically loaded' "$T/ll2.err" && [ -s "$T/ll.xlsx" ]; then
    ok "start-up: a PDF render loads no workbook library; a workbook command loads libxlsxwriter when it needs it"
else ko "start-up: a PDF render loads no workbook library; a workbook command loads libxlsxwriter when it needs it" \
    "$(grep -E 'file=lib(zip|xlsxwriter|crypto)\.' "$T/ll.err" "$T/ll2.err" | head -5)"; fi
