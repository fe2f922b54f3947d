# tests/e2e_hostile.sh — issue 19: hostile inputs, odd output paths, shared
# directories, damaged databases (sourced by run.sh).  Inputs with their
# messages live in tests/bad/; this file covers what needs the binary, the
# file system or a database.

# item 9: a UTF-32 file renders its Chinese, not mojibake
H="$T/hostile"
mkdir -p "$H"
{ printf '\377\376\000\000'; iconv -f UTF-8 -t UTF-32LE tests/good/minimal.xml; } >"$H/utf32.xml"
if "$TB" render "$H/utf32.xml" -o "$H/utf32.pdf" >/dev/null 2>"$H/utf32.err" &&
    pdftotext "$H/utf32.pdf" - | tr -d ' \n' | grep -q '北门无人值守' && ! grep -q "is not in" "$H/utf32.err"; then
    ok "UTF-32 input renders its text"
else ko "UTF-32 input renders its text" "$(cat "$H/utf32.err")"; fi
