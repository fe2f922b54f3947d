#!/bin/sh
# tests/mutants.sh — `make mutants`: shows that the layout rules the README
# promises are guarded.  Each mutation below breaks one rule in a copy of
# the tree (one literal replacement in one source file); the copy is built
# and tests/unit_linebreak and tests/unit_layout run; the mutation must make
# at least one check fail ("killed").  A mutation whose text is no longer in
# its file is reported too: the list must follow the code.
#
# Prints "PASS killed: NAME" or "FAIL survived: NAME", and the count.  Run
# from the top of the tree after `make` (it starts from build/rel's objects,
# so only the mutated file is compiled again).
set -u
TOP=$PWD
BUILD=${BUILD:-build/rel}
W=$(mktemp -d "${TMPDIR:-/tmp}/tongbao-mutants.XXXXXX")
trap 'rm -rf "$W"' EXIT
pass=0
fail=0

# NAME@FILE@TEXT@REPLACEMENT   (literal, \n a line break; REPLACEMENT may be empty)
cat >"$W/list" <<'EOF'
避头尾: a closing mark may start a line@src/layout_line.c@    if (b->cls & C_NOSTART) return BRK_NEVER;@
避头尾: an opening mark may end a line@src/layout_line.c@    if (a->cls & C_NOEND) return BRK_NEVER;@
避头尾: both line-start rules off@src/layout_line.c@    if (b->cls & C_NOSTART) return BRK_NEVER;\n    if (a->cls & C_NOEND) return BRK_NEVER;@
squeeze: the gaps give up nothing@src/layout_line.c@#define GAP_SQUEEZE 0.5@#define GAP_SQUEEZE 0
squeeze: the marks give up nothing@src/layout_line.c@if (cl->cls & (C_SQ_LEFT | C_SQ_RIGHT)) cl->squeeze = cl->adv / 2;@
squeeze: never push in, always carry down@src/layout_line.c@if (need - W <= room + LAY_EPS) e = k, squeeze = 1;@if (0 && need - W <= room) e = k, squeeze = 1;
grid: one column off@src/template.c@t->char_pitch = t->block_w / t->chars;@t->char_pitch = t->block_w / (t->chars + 1);
numbers: a unit may leave its number@src/layout_line.c@    if (is_digit(a->cp) && is_unit(b->cp)) return BRK_NEVER;@    if (0 && is_unit(b->cp)) return BRK_NEVER;
dates: a date may split@src/layout_line.c@for (size_t g = k + 1; g < end; g++) p->cl[g].glue = 1;@for (size_t g = k + 1; g < end && 0; g++) p->cl[g].glue = 1;
IDs: a code breaks at any hyphen@src/layout_line.c@(p->cl[k - 2].cls & C_WORD)) return BRK_LAST;@(p->cl[k - 2].cls & C_WORD)) return BRK_GOOD;
long runs: one character a line@src/layout_line.c@    if (a_ok && width_of(p, any, word_end(p, any)) <= W + LAY_EPS) return any;\n    return e;@    return i + 1;
lone character: nothing comes down@src/layout_line.c@        if (lone_rest(p, e)) {@        if (0) {
adjacent marks: squeezed at a line end only@src/layout_line.c@        give->squeeze = 0;@        if (squeeze) give->squeeze = 0;
lists: break anywhere@src/layout_line.c@    if (p->mode == LAY_BREAK_LIST)@    if (0)
titles: break anywhere@src/layout_line.c@    if (p->mode == LAY_BREAK_WORDS) return b->wb ? BRK_GOOD : BRK_LAST;@
titles: equal lines allowed@src/layout_title.c@    if (all_equal) return 0;@    if (all_equal && 0) return 0;
widows: a last line alone at a page top@src/layout.c@        if (!brk && !top && pc->n_lines >= 2@        if (0 && !brk && !top && pc->n_lines >= 2
版记: on an odd page after an odd body page@src/layout.c@        if (t->sides == 2 && cu->page % 2 == 1) {@        if (0) {
版记: the blank page numbered@src/layout.c@                cu->pg->no_folio = 1;\n                if (next_page(j, cu) < 0) return -1;\n                cu->pg->no_folio = 1;@                if (next_page(j, cu) < 0) return -1;
署名: may stand alone on a page@src/layout.c@    *force_at = n >= 2 ? n - 2 : 0;@    *force_at = n >= 2 ? SIZE_MAX : SIZE_MAX;
页码: the em top, not the 一字线, 7 mm under the block@src/layout_furniture.c@t->folio_below + lay_ink_top(&pc.p);@t->folio_below;
EOF

n=0
while IFS='@' read -r name file from to; do
    [ -n "$name" ] || continue
    n=$((n + 1))
    M="$W/m$n"
    mkdir -p "$M"
    cp -rp "$TOP/src" "$TOP/tests" "$TOP/templates" "$TOP/fonts" "$TOP/Makefile" "$M/" 2>/dev/null
    # the objects (not the programs): only the mutated file compiles again
    mkdir -p "$M/$BUILD"
    cp -p "$TOP/$BUILD"/*.o "$TOP/$BUILD"/*.c "$M/$BUILD/" 2>/dev/null
    if ! FROM="$from" TO="$to" perl -e '
            my ($path) = @ARGV;
            open(my $fh, "<", $path) or exit 2; local $/; my $s = <$fh>; close $fh;
            my ($f, $t) = ($ENV{FROM}, $ENV{TO});
            for ($f, $t) { s/\\n/\n/g; }
            my $i = index($s, $f);
            exit 3 if $i < 0;
            substr($s, $i, length($f)) = $t;
            open($fh, ">", $path) or exit 2; print $fh $s; close $fh;' "$M/$file"; then
        fail=$((fail + 1))
        echo "FAIL stale: $name (its text is no longer in $file)"
        continue
    fi
    touch "$M/$file"
    if ! (cd "$M" && make -s "$BUILD/tests/unit_linebreak" "$BUILD/tests/unit_layout" >"$M/build.log" 2>&1); then
        fail=$((fail + 1))
        echo "FAIL unbuildable: $name (fix the mutation: $(grep -m1 error "$M/build.log"))"
        continue
    fi
    # a rule broken so that the breaker never ends counts as caught too:
    # the tests do not pass (timeout)
    out=$( (cd "$M" && TONGBAO_HOME="$M" timeout 60 "$BUILD/tests/unit_linebreak" || echo "FAIL exit $? (60 s timeout: 124)";
            TONGBAO_HOME="$M" timeout 60 "$BUILD/tests/unit_layout" || echo "FAIL unit_layout exit $?") 2>&1 | grep '^FAIL' | head -2)
    if [ -n "$out" ]; then
        pass=$((pass + 1))
        echo "PASS killed: $name — $(printf '%s' "$out" | head -1 | cut -c1-120)"
    else
        fail=$((fail + 1))
        echo "FAIL survived: $name"
    fi
    rm -rf "$M"
done <"$W/list"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
