# tests/e2e_install.sh — the project as a package (sourced by run.sh):
# manual pages lint-clean and complete, make install / uninstall with PREFIX
# and DESTDIR, the installed binary working from another directory, and
# --version naming the libraries.

# ---- manual pages --------------------------------------------------------
for m in man/tongbao.1 man/tongbao-format.5; do
    # what man(1) runs: preconv (-k) and the UTF-8 device; -ww every warning
    out=$(groff -k -Tutf8 -ww -z -man "$m" 2>&1)
    [ -z "$out" ] && ok "groff -ww clean: $m" || ko "groff -ww clean: $m" "$out"
    out=$(mandoc -T lint "$m" 2>&1)
    [ -z "$out" ] && ok "mandoc -T lint clean: $m" || ko "mandoc -T lint clean: $m" "$out"
done

# tongbao(1) describes every command and every option each --help prints
# (roff writes '-' as '\-')
esc() { printf '%s' "$1" | sed 's/-/\\\\-/g'; }
cmds=$("$TB" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
missing=""
for c in $cmds; do
    grep -q "^\.SS $c\b" man/tongbao.1 || missing="$missing $c"
    for o in $("$TB" $c --help 2>/dev/null | grep -o -- '\(^\|[[ |(]\)--*[a-z][a-z-]*' | sed 's/^[[ |(]*//' | sort -u); do
        case "$o" in --help|-h) continue ;; esac
        grep -q -- "$(esc "$o")" man/tongbao.1 || missing="$missing $c:$o"
    done
done
[ -n "$cmds" ] && [ -z "$missing" ] && ok "tongbao(1) describes every command and option ($(echo $cmds | wc -w) commands)" ||
    ko "tongbao(1) describes every command and option" "missing:$missing"
# every command and subcommand takes --help (exit 0, text on stdout)
bad=""
for c in $cmds "archive list" "archive export" "archive verify" "archive rebuild-stats"; do
    # shellcheck disable=SC2086
    [ -n "$("$TB" $c --help 2>/dev/null)" ] || bad="$bad [$c]"
done
[ -z "$bad" ] && ok "every command and subcommand takes --help" || ko "every command and subcommand takes --help" "fails:$bad"
missing=""
for v in $(grep -oh "getenv(\"TONGBAO_[A-Z_]*" src/*.c | sed "s/.*(\"//" | sort -u); do
    grep -q "^\.B $v" man/tongbao.1 || missing="$missing $v"
done
for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
    grep -q "^\.SH $s\$" man/tongbao.1 || missing="$missing section:$s"
done
for x in 0 2 3 4 5 6 7 8 9 10 11 70; do
    awk -v x="$x" '/^\.SH EXIT STATUS/ {on = 1} /^\.SH ENVIRONMENT/ {on = 0} on && $0 == ".B " x {f = 1} END {exit !f}' man/tongbao.1 ||
        missing="$missing exit:$x"
done
[ -z "$missing" ] && ok "tongbao(1) has every section, exit status and variable" || ko "tongbao(1) has every section, exit status and variable" "missing:$missing"

# tongbao-format(5) names every element and attribute of the schema
missing=""
for e in $(grep -o '<element name="[a-z-]*"' src/findings.rng | sed 's/.*="\(.*\)"/\1/' | sort -u); do
    grep -q "<$(esc "$e")[> /]" man/tongbao-format.5 || missing="$missing <$e>"
done
for a in $(grep -o '<attribute name="[a-z-]*"' src/findings.rng | sed 's/.*="\(.*\)"/\1/' | sort -u); do
    grep -q "$(esc "$a")=" man/tongbao-format.5 || missing="$missing $a="
done
[ -z "$missing" ] && ok "tongbao-format(5) names every element and attribute of findings.rng" ||
    ko "tongbao-format(5) names every element and attribute of findings.rng" "missing:$missing"
# and the version in both pages' footers is the program's
v=$("$TB" --version | head -1 | awk '{print $2}')
[ "$(grep -c "^\.TH .* \"tongbao $v\"" man/tongbao.1 man/tongbao-format.5 | awk -F: '{s += $2} END {print s}')" -eq 2 ] &&
    ok "manual pages carry version $v" || ko "manual pages carry version $v" "$(grep '^\.TH' man/*)"

# ---- --version -----------------------------------------------------------
"$TB" --version >"$T/version" 2>&1
missing=""
for l in libxml2 Cairo Pango HarfBuzz SQLite libdeflate nettle GLib ICU; do
    grep -q "^  $l [0-9]" "$T/version" || missing="$missing $l"
done
[ -z "$missing" ] && head -1 "$T/version" | grep -q '^tongbao [0-9]' && ok "--version names tongbao and its libraries" ||
    ko "--version names tongbao and its libraries" "missing:$missing; got $(cat "$T/version")"
# the SQLite line is the library tongbao runs with, not the one it was built with
sq=$(sqlite3 --version 2>/dev/null | awk '{print $1}')
[ -z "$sq" ] || grep -q "^  SQLite $sq" "$T/version" && ok "--version: SQLite version is the runtime library's" ||
    ko "--version: SQLite version is the runtime library's" "sqlite3 says $sq; $(grep SQLite "$T/version")"

# ---- make install / uninstall ----------------------------------------------
# a sub-make of its own (not the jobserver of the make running the suite),
# for the same build (SANITIZE=1 builds in build/san)
submake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
    $( [ "$BUILD" = build/san ] && echo SANITIZE=1 ) "$@"; }
P="$T/prefix"
before=$(cksum <"$TB")
if submake install PREFIX="$P" >"$T/install.out" 2>&1; then ok "make install PREFIX=…"
else ko "make install PREFIX=…" "$(tail -5 "$T/install.out")"; fi
[ "$(cksum <"$TB")" = "$before" ] && ok "make install leaves the build's binary alone" || ko "make install leaves the build's binary alone" "bin/tongbao changed"
missing=""
for f in bin/tongbao share/tongbao/templates/dubao.xml share/tongbao/templates/zhenggai.xml \
         share/tongbao/fonts/tongbao.conf share/man/man1/tongbao.1 share/man/man5/tongbao-format.5 \
         share/doc/tongbao/README.md share/doc/tongbao/format.md \
         share/doc/tongbao/examples/tongbao-nightly.service share/doc/tongbao/examples/tongbao-nightly.timer; do
    [ -f "$P/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && [ -x "$P/bin/tongbao" ] && ok "installed: binary, templates, fonts configuration, manual pages, systemd samples" ||
    ko "installed: binary, templates, fonts configuration, manual pages, systemd samples" "missing:$missing"
grep -q "^ExecStart=$P/bin/tongbao nightly " "$P/share/doc/tongbao/examples/tongbao-nightly.service" &&
    ok "the sample service runs the installed binary" || ko "the sample service runs the installed binary" "$(grep ExecStart "$P/share/doc/tongbao/examples/tongbao-nightly.service")"
if command -v systemd-analyze >/dev/null 2>&1; then
    check "systemd-analyze verify: sample units" sh -c "cd '$P/share/doc/tongbao/examples' && sed -i 's/^User=.*/User=root/' tongbao-nightly.service && systemd-analyze verify --man=no ./tongbao-nightly.service ./tongbao-nightly.timer"
fi

# the installed binary, from another directory, with no hint where its data is
mkdir -p "$T/elsewhere/work"
cp examples/worked-example.xml "$T/elsewhere/work/night.xml"
if (cd "$T/elsewhere/work" && env -u TONGBAO_HOME -u TONGBAO_TEMPLATES -u TONGBAO_FONTS_CONF HOME="$T/elsewhere" \
        "$P/bin/tongbao" render night.xml --text >text.out 2>err.out) && qpdf --check "$T/elsewhere/work/night.pdf" >/dev/null 2>&1 &&
    grep -q '一是卡点值守不到位' "$T/elsewhere/work/text.out"; then ok "installed binary renders from another directory"
else ko "installed binary renders from another directory" "$(cat "$T/elsewhere/work/err.out" 2>/dev/null)"; fi
(cd "$T/elsewhere/work" && env -u TONGBAO_HOME -u TONGBAO_TEMPLATES -u TONGBAO_FONTS_CONF HOME="$T/elsewhere" \
    "$P/bin/tongbao" templates >templates.out 2>&1; env -u TONGBAO_HOME -u TONGBAO_FONTS_CONF "$P/bin/tongbao" fonts >fonts.out 2>&1)
grep -q "$P/share/tongbao/templates/dubao.xml" "$T/elsewhere/work/templates.out" && ok "installed tongbao templates shows the installed templates" ||
    ko "installed tongbao templates shows the installed templates" "$(cat "$T/elsewhere/work/templates.out")"
grep -q "^configuration: $P/share/tongbao/fonts/tongbao.conf" "$T/elsewhere/work/fonts.out" && ok "installed tongbao fonts shows the installed configuration" ||
    ko "installed tongbao fonts shows the installed configuration" "$(tail -2 "$T/elsewhere/work/fonts.out")"
# the data directory is compiled in: a copy of the binary outside the
# prefix still finds it
cp "$P/bin/tongbao" "$T/elsewhere/tongbao-copy"
(cd "$T/elsewhere/work" && env -u TONGBAO_HOME -u TONGBAO_TEMPLATES HOME="$T/elsewhere" "$T/elsewhere/tongbao-copy" templates >copy.out 2>&1)
grep -q "$P/share/tongbao/templates/dubao.xml" "$T/elsewhere/work/copy.out" && ok "the data directory is compiled in (a copy elsewhere finds it)" ||
    ko "the data directory is compiled in (a copy elsewhere finds it)" "$(cat "$T/elsewhere/work/copy.out")"

if submake uninstall PREFIX="$P" >"$T/uninstall.out" 2>&1 && [ -z "$(find "$P" -type f)" ] && [ ! -e "$P/share/tongbao" ]; then
    ok "make uninstall removes every installed file"
else ko "make uninstall removes every installed file" "left: $(find "$P" -type f | head -5)"; fi

# DESTDIR staging, as a package build does it
S="$T/stage"
if submake install DESTDIR="$S" PREFIX=/usr >"$T/stage.out" 2>&1 && [ -x "$S/usr/bin/tongbao" ] &&
    [ -f "$S/usr/share/tongbao/templates/dubao.xml" ] && [ -f "$S/usr/share/man/man1/tongbao.1" ] &&
    grep -q '^ExecStart=/usr/bin/tongbao ' "$S/usr/share/doc/tongbao/examples/tongbao-nightly.service"; then
    ok "make install DESTDIR=… PREFIX=/usr stages under DESTDIR"
else ko "make install DESTDIR=… PREFIX=/usr stages under DESTDIR" "$(tail -5 "$T/stage.out")"; fi
if (cd "$T/elsewhere/work" && env -u TONGBAO_HOME -u TONGBAO_TEMPLATES -u TONGBAO_FONTS_CONF HOME="$T/elsewhere" \
        "$S/usr/bin/tongbao" render night.xml -o staged.pdf >/dev/null 2>&1) && [ -s "$T/elsewhere/work/staged.pdf" ]; then
    ok "the staged binary renders from another directory"
else ko "the staged binary renders from another directory" "no PDF"; fi
submake uninstall DESTDIR="$S" PREFIX=/usr >/dev/null 2>&1
[ -z "$(find "$S" -type f)" ] && ok "make uninstall DESTDIR=… removes the staged files" || ko "make uninstall DESTDIR=… removes the staged files" "$(find "$S" -type f | head -3)"
