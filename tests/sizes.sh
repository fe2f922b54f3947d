#!/bin/sh
# tests/sizes.sh — files and functions a newcomer can enter (issue 17 item
# 6): no source file in src/ over FILE_MAX lines, no function over FUNC_MAX.
# A function is counted from the line its definition starts on (its return
# type, at the left margin) to its closing brace at the left margin, the
# project's style.  Prints every function over FUNC_MAX and every file over
# FILE_MAX; with -v the ten longest functions too.  Exit status 1 when one
# is over.  Run from the top of the tree; run.sh and `make sizes` call it.
FILE_MAX=${FILE_MAX:-1200}
FUNC_MAX=${FUNC_MAX:-120}
verbose=0
[ "${1:-}" = -v ] && verbose=1
over=0
for f in src/*.c src/*.h; do
    n=$(wc -l <"$f")
    if [ "$n" -gt "$FILE_MAX" ]; then
        echo "file $f: $n lines (over $FILE_MAX)"
        over=1
    fi
done
# file:line name length, one a function
awk '
    FNR == 1 { pending = 0; infn = 0 }
    # a definition starts at the left margin with a name and "(" and is
    # not a declaration (";") or a preprocessor line
    !infn && /^[A-Za-z_]/ && /\(/ && !/;[ \t]*$/ && !/^(typedef|struct|enum|union|#)/ {
        pending = FNR; line = $0
        sub(/\(.*/, "", line); n = split(line, w, /[ \t*]+/); name = w[n]
    }
    !infn && pending && /\{[ \t]*$/ { infn = 1; start = pending; pending = 0; next }
    !infn && pending && /;[ \t]*$/ { pending = 0 }
    infn && /^\}/ { printf "%s:%d %s %d\n", FILENAME, start, name, FNR - start + 1; infn = 0 }
' src/*.c | sort -k3 -n -r >"${TMPDIR:-/tmp}/tongbao-sizes.$$"
while read -r where name len; do
    if [ "$len" -gt "$FUNC_MAX" ]; then
        echo "function $name ($where): $len lines (over $FUNC_MAX)"
        over=1
    fi
done <"${TMPDIR:-/tmp}/tongbao-sizes.$$"
if [ $verbose = 1 ]; then
    echo "# the ten longest functions:"
    head -10 "${TMPDIR:-/tmp}/tongbao-sizes.$$" | sed 's/^/#   /'
fi
echo "# $(wc -l <"${TMPDIR:-/tmp}/tongbao-sizes.$$") functions in $(ls src/*.c | wc -l) files;" \
     "the longest $(head -1 "${TMPDIR:-/tmp}/tongbao-sizes.$$" | cut -d' ' -f3) lines"
rm -f "${TMPDIR:-/tmp}/tongbao-sizes.$$"
exit $over
