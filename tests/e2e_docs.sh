# tests/e2e_docs.sh — docs/format.md's examples through the real binary
# (sourced by run.sh).  tests/unit_spec.c composes them in-process; this
# checks the reference's promise that the text shown is what
# `tongbao render FILE --text` prints, and that each ```error example is
# refused by `tongbao validate` with exit 3 and that message.
mkdir -p "$T/docs"
awk -v dir="$T/docs" '
    function flush() { if (kind != "") { close(x); close(w) } kind = "" }
    /^```xml$/ { n++; x = dir "/ex" n ".xml"; inx = 1; printf "" > x; next }
    inx && /^```$/ { inx = 0; line = NR; next }
    inx { print > x; next }
    /^```(text|error)$/ && line { kind = substr($0, 4); w = dir "/ex" n "." kind; printf "" > w; inw = 1; next }
    inw && /^```$/ { inw = 0; flush(); line = 0; next }
    inw { print > w; next }
    /[^ ]/ && !inw { line = 0 }
' docs/format.md
nt=0 ne=0 bad=""
for x in "$T"/docs/ex*.xml; do
    b=${x%.xml}
    if [ -f "$b.text" ]; then
        nt=$((nt + 1))
        cp "$x" "$T/docs/example.xml"
        if ! (cd "$T/docs" && "$TB" render example.xml -o example.pdf --text >got.txt 2>/dev/null) || ! cmp -s "$T/docs/got.txt" "$b.text"; then
            bad="$bad $(basename "$b")"
        fi
    elif [ -f "$b.error" ]; then
        ne=$((ne + 1))
        cp "$x" "$T/docs/example.xml"
        (cd "$T/docs" && "$TB" validate example.xml >/dev/null 2>got.err)
        rc=$?
        [ $rc -eq 3 ] && grep -qF -- "$(cat "$b.error")" "$T/docs/got.err" || bad="$bad $(basename "$b")(exit $rc)"
    fi
done
[ "$nt" -ge 10 ] && [ "$ne" -ge 3 ] && [ -z "$bad" ] && ok "docs/format.md: render --text prints each example's text ($nt), validate refuses each error example ($ne)" ||
    ko "docs/format.md: render --text prints each example's text, validate refuses each error example" "$nt texts, $ne errors; differ:$bad"
