# tests/e2e_ofd.sh — issue 13: OFD (GB/T 33190-2016) from the same laid-out
# pages as the PDF (sourced by run.sh: TB, BUILD, T, ok, ko, check).
#
# Every template × every example, the appendix and chart variants and the
# 300-finding night, each as PDF and OFD.  Checked by programs tongbao does
# not contain: tests/ofd_check.py (the schema's element rules through
# Python's zipfile and XML parser, fontTools for the embedded fonts) and
# ofd.js, an OFD reader from npm, in headless Debian chromium
# (tests/ofdjs/check.js): its pages against pdftoppm's of the PDF, pixel by
# pixel, and its text against the PDF's and the composed text.
O="$T/ofd"
mkdir -p "$O"
PY=/usr/bin/python3
SCALE=4                  # px per mm for ofd.js; pdftoppm at 25.4 × SCALE dpi
THRESHOLD=5              # mean grey difference (0–255) at 1 px/mm a page may show; see README "OFD"

# ---- the files ---------------------------------------------------------------
pairs=""
render_pair() { # NAME ARGS...: NAME.pdf and NAME.ofd from the same arguments
    n=$1; shift
    if "$TB" render "$@" -o "$O/$n.pdf" --text >"$O/$n.txt" 2>"$O/err" && "$TB" render "$@" -o "$O/$n.ofd" >/dev/null 2>>"$O/err"; then
        pairs="$pairs $n"
    else ko "ofd render $n" "$(cat "$O/err")"; fi
}
for tp in dubao jianbao wenze zhenggai; do
    for f in examples/inbox/*.xml; do render_pair "$tp-$(basename "$f" .xml)" "$f" -t "$tp"; done
done
for f in examples/inbox/jc-2026-11-20-night.xml examples/inbox/jianbao-10.xml; do
    render_pair "ac-$(basename "$f" .xml)" "$f" --appendix --chart
done
sh tests/gen_big.sh >"$O/big.xml"
render_pair big "$O/big.xml" --appendix
np=$(echo $pairs | wc -w)
[ "$np" -eq 23 ] && ok "ofd: 23 packages rendered with their PDFs (4 templates × 5 examples, 2 with appendix and chart, 300 findings)" ||
    ko "ofd: 23 packages rendered" "$np"

# ---- structure: GB/T 33190's element rules -------------------------------------
# (in the background, beside the commands below and the reader's
# preparation: seconds of one core each; its lines are read after them)
args=""
for n in $pairs; do args="$args $O/$n.ofd=$O/$n.pdf"; done
struct_pid=""
if [ -x "$PY" ] && "$PY" -c 'import fontTools' 2>/dev/null; then
    # shellcheck disable=SC2086
    "$PY" tests/ofd_check.py $args >"$O/struct" 2>&1 &
    struct_pid=$!
else
    ko "ofd structure" "needs /usr/bin/python3 with python3-fonttools (make test-deps installs it)"
fi
ofd_struct_results() { # once: wait for the structure check and count its lines
    [ -n "$struct_pid" ] || return 0
    wait "$struct_pid"
    struct_pid=""
    while IFS= read -r line; do
        case $line in
        "PASS "*) ok "${line#PASS }" ;;
        "FAIL "*) r=${line#FAIL }; ko "${r%%: *}" "${r#*: }" ;;
        *) ko "ofd_check" "$line" ;;
        esac
    done <"$O/struct"
}

# the checker can fail: packages broken one rule at a time
"$PY" - "$O/dubao-jc-2026-11-20-night.ofd" "$O" <<'EOF'
import re, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
def variant(name, edit):
    zi = zipfile.ZipFile(src)
    zo = zipfile.ZipFile("%s/neg-%s.ofd" % (out, name), "w", zipfile.ZIP_DEFLATED)
    for it in zi.infolist():
        d = edit(it.filename, zi.read(it.filename))
        if d is not None:
            zo.writestr(it.filename, d)
    zo.close()
variant("dupid", lambda f, d: re.sub(rb'<ofd:TextObject ID="\d+"', b'<ofd:TextObject ID="1"', d, count=1) if f.endswith("Page_0/Content.xml") else d)
variant("maxid", lambda f, d: re.sub(rb"<ofd:MaxUnitID>\d+<", b"<ofd:MaxUnitID>3<", d) if f.endswith("Document.xml") else d)
variant("nofont", lambda f, d: None if "/Res/" in f else d)
variant("box", lambda f, d: re.sub(rb'Boundary="([0-9.]+) ([0-9.]+) ', rb'Boundary="\1 \2 -', d, count=1) if f.endswith("Page_1/Content.xml") else d)
variant("deltax", lambda f, d: re.sub(rb'DeltaX="g (\d+) ', lambda m: b'DeltaX="g %d ' % (int(m.group(1)) + 1), d, count=1) if f.endswith("Page_1/Content.xml") else d)
variant("order", lambda f, d: d.replace(b"<ofd:CreationDate>", b"<ofd:Creator>x</ofd:Creator><ofd:CreationDate>") if f == "OFD.xml" else d)
variant("noattr", lambda f, d: re.sub(rb' Size="[0-9.]+"', b"", d, count=1) if f.endswith("Page_0/Content.xml") else d)
EOF
for v in dupid:ST_ID maxid:ST_ID nofont:package box:ST_Box deltax:ST_Array order:elements noattr:elements; do
    "$PY" tests/ofd_check.py "$O/neg-${v%%:*}.ofd" >"$O/neg.out" 2>&1
    grep -q "^FAIL ofd ${v#*:}" "$O/neg.out" || { ko "ofd_check fails broken packages" "${v%%:*} not caught as ${v#*:}: $(grep -v ^PASS "$O/neg.out")"; v=bad; break; }
done
[ "$v" != bad ] && ok "ofd_check fails broken packages (a duplicate ID, MaxUnitID too low, a font file missing, a negative box, a DeltaX too long, DocInfo out of order, a required attribute gone)"

# ---- the package's bytes ---------------------------------------------------------
o="$O/dubao-jc-2026-11-20-night.ofd"
"$TB" render examples/inbox/jc-2026-11-20-night.xml -t dubao -o "$O/again.ofd" >/dev/null 2>&1
check "ofd: reproducible (same input, same bytes)" cmp "$o" "$O/again.ofd"
"$PY" - "$o" >"$O/zip.out" 2>&1 <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [i.filename for i in z.infolist()]
assert names[:3] == ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"], names[:3]
assert all(i.date_time == (2026, 11, 21, 0, 0, 0) for i in z.infolist()), set(i.date_time for i in z.infolist())
assert all(not i.extra and i.external_attr >> 16 == 0o100644 for i in z.infolist()), "extra fields or modes"
assert z.testzip() is None
EOF
[ $? -eq 0 ] && ok "ofd: zip entries in fixed order, stamped with the bulletin's date, mode 0644, no extra fields; CRCs good" ||
    ko "ofd: fixed zip entries" "$(cat "$O/zip.out")"
unzip -tq "$o" >"$O/unzip.out" 2>&1 && ok "ofd: unzip (Info-ZIP) tests the package clean" || ko "ofd: unzip tests the package clean" "$(cat "$O/unzip.out")"
s=$(wc -c <"$o"); p=$(wc -c <"$O/dubao-jc-2026-11-20-night.pdf")
[ $((2 * s)) -le $((3 * p)) ] && ok "ofd: $s bytes for the PDF's $p (≤ 1.5×)" || ko "ofd: ≤ 1.5× the PDF's size" "$s vs $p"

# ---- the command line ------------------------------------------------------------
"$TB" render examples/inbox/jc-2026-11-20-night.xml --format ofd -o "$O/fmt.ofd" >/dev/null 2>&1 &&
    cmp -s "$O/fmt.ofd" "$o" && ok "ofd: --format ofd and -o X.ofd give the same package" || ko "ofd: --format ofd" "differs"
cp examples/inbox/jc-2026-11-20-night.xml "$O/night.xml"
"$TB" render "$O/night.xml" --format ofd >/dev/null 2>&1 && [ -s "$O/night.ofd" ] && [ ! -e "$O/night.pdf" ] &&
    ok "ofd: --format ofd without -o writes FILE.ofd beside the input" || ko "ofd: --format ofd without -o writes FILE.ofd" "$(ls "$O"/night.*)"
"$TB" render examples/inbox/jc-2026-11-20-night.xml --format ofd -o "$O/x.pdf" >/dev/null 2>"$O/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'x.pdf: the name says pdf but --format says ofd' "$O/err" && [ ! -e "$O/x.pdf" ] &&
    ok "ofd: a name and a --format that disagree are a usage error (exit 2)" || ko "ofd: name and --format disagree" "exit $rc: $(cat "$O/err")"
"$TB" render examples/inbox/jc-2026-11-20-night.xml --format odf -o "$O/x.ofd" >/dev/null 2>"$O/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--format odf: tongbao writes pdf, ofd and docx' "$O/err" && [ ! -e "$O/x.ofd" ] &&
    ok "ofd: an unknown --format is a usage error" || ko "ofd: unknown --format" "exit $rc: $(cat "$O/err")"
"$TB" render examples/inbox/jc-2026-11-20-night.xml --format ofd -o - 2>/dev/null | head -c 2 | grep -q PK &&
    ok "ofd: -o - --format ofd writes the package to standard output" || ko "ofd: -o - --format ofd" "not a zip"
"$TB" render examples/inbox/jc-2026-11-20-night.xml --pdfa -o "$O/x.ofd" >/dev/null 2>"$O/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--pdfa is a form of PDF' "$O/err" && [ ! -e "$O/x.ofd" ] &&
    ok "ofd: --pdfa with an .ofd output is a usage error" || ko "ofd: --pdfa with .ofd" "exit $rc: $(cat "$O/err")"
sed 's|</fontconfig>|<match target="font"><test name="family"><string>FandolFang</string></test><edit name="embolden" mode="assign"><bool>true</bool></edit></match></fontconfig>|' \
    fonts/tongbao.conf >"$O/emb.conf"
TONGBAO_FONTS_CONF="$O/emb.conf" "$TB" render examples/inbox/jc-2026-11-20-night.xml -o "$O/emb.ofd" >/dev/null 2>"$O/err"; rc=$?
[ $rc -eq 4 ] && grep -q 'OFD: tongbao cannot embed FandolFang' "$O/err" && [ ! -e "$O/emb.ofd" ] &&
    ok "ofd: a face only Cairo could draw is refused (exit 4, names the face)" || ko "ofd: a face only Cairo could draw is refused" "exit $rc: $(cat "$O/err")"

# ---- a real reader: ofd.js in headless chromium ------------------------------------
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null; then
    ko "ofd.js in chromium" "needs /usr/bin/chromium and node (make test-deps installs them)"
elif [ ! -d tests/ofdjs/node_modules/ofd.js ] || [ ! -d tests/ofdjs/node_modules/playwright-core ]; then
    ko "ofd.js in chromium" "tests/ofdjs/node_modules is missing: make test-deps runs npm ci there"
else
    dpi=$(awk -v s=$SCALE 'BEGIN { print s * 25.4 }')
    # pixels: every page of each template on one night, of the appendix and
    # chart variants, and pages 1-3 and every 5th of the 300-finding night;
    # text everywhere.  The composed text is checked where it runs in
    # reading order: the shipped templates without the appendix and chart.
    # The 300-finding night's pages are drawn beside the rest.
    big_pid=""
    case " $pairs " in
    *" big "*)
        k=$(pdfinfo "$O/big.pdf" | awk '/^Pages:/ {print $2}')
        (for p in 1 2 3 $(seq 5 5 "$k"); do pdftoppm -r "$dpi" -png -f $p -l $p "$O/big.pdf" "$O/big-ref"; done) &
        big_pid=$!
        ;;
    esac
    for n in $pairs; do
        k=$(pdfinfo "$O/$n.pdf" | awk '/^Pages:/ {print $2}')
        echo "$k" >"$O/$n.pages"
        pdftotext -layout "$O/$n.pdf" "$O/$n.layout"
        case $n in
        *-jc-2026-11-20-night | ac-*) pdftoppm -r "$dpi" -png "$O/$n.pdf" "$O/$n-ref" ;;
        esac
    done
    [ -z "$big_pid" ] || wait "$big_pid"
    # and two packages the harness must fail, in the same browser launch:
    # text moved by 1 mm, and fonts the browser refuses
    "$PY" - "$O/dubao-jc-2026-11-20-night.ofd" "$O" <<'EOF'
import re, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
for name in ("shift", "badfont"):
    zi = zipfile.ZipFile(src)
    zo = zipfile.ZipFile("%s/%s.ofd" % (out, name), "w", zipfile.ZIP_DEFLATED)
    for it in zi.infolist():
        d = zi.read(it.filename)
        if name == "shift" and it.filename.endswith("Content.xml"):
            d = re.sub(rb'(<ofd:TextObject ID="\d+" Boundary=")([0-9.]+)', lambda m: m.group(1) + b"%.3f" % (float(m.group(2)) + 1), d)
        if name == "badfont" and "/Res/" in it.filename:
            d = d[:12] + b"\0" * 64 + d[76:]     # the table directory wiped
        zo.writestr(it.filename, d)
    zo.close()
EOF
    # the jobs; each package's PublicRes.xml and fonts unpacked for the
    # harness (ofd.js reads the package itself)
    "$PY" - "$O" "$SCALE" "$THRESHOLD" $pairs >"$O/jobs.json" <<'EOF'
import glob, json, os, re, sys, zipfile
O, scale, threshold, names = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
def refs(n):
    return {str(int(re.search(r"-(\d+)\.png$", p).group(1))): p for p in glob.glob("%s/%s-ref-*.png" % (O, n))}
def job(n, pdf, **kw):
    x = "%s/%s.x" % (O, n)
    zipfile.ZipFile("%s/%s.ofd" % (O, n)).extractall(x)
    x += "/Doc_0"
    j = {"name": n, "ofd": "%s/%s.ofd" % (O, n), "res": x + "/PublicRes.xml",
         "fonts": {os.path.basename(f): f for f in glob.glob(x + "/Res/*")}, "refs": refs(pdf),
         "pages": int(open("%s/%s.pages" % (O, pdf)).read()), "pdftext": "%s/%s.layout" % (O, pdf), "composed": None}
    j.update(kw)
    return j
jobs = [job(n, n, composed="%s/%s.txt" % (O, n) if not n.startswith(("ac-", "big", "jianbao-")) else None) for n in names]
jobs += [job(v, "dubao-jc-2026-11-20-night", negative=True) for v in ("shift", "badfont")]
json.dump({"scale": scale, "threshold": threshold, "jobs": jobs}, sys.stdout)
EOF
    ofd_struct_results
    t0=$(date +%s)
    (cd tests/ofdjs && node check.js "$O/jobs.json") >"$O/ofdjs.out" 2>&1
    t1=$(date +%s)
    : >"$O/neg-ofdjs.out"
    while IFS= read -r line; do
        case $line in
        "PASS "*) ok "${line#PASS }" ;;
        "FAIL "*) r=${line#FAIL }; ko "${r%%: *}" "${r#*: }" ;;
        "NEG "*) echo "${line#NEG }" >>"$O/neg-ofdjs.out" ;;
        "# "*) echo "$line" ;;
        *) ko "ofd.js harness" "$line" ;;
        esac
    done <"$O/ofdjs.out"
    echo "# ofd.js in chromium: $np packages and 2 broken ones in one launch, $((t1 - t0)) s"
    grep -q '^FAIL ofd.js pages look like the PDF.s shift' "$O/neg-ofdjs.out" && grep -q '^FAIL ofd.js opens badfont: .*fonts refused' "$O/neg-ofdjs.out" &&
        ok "ofd.js harness fails text moved by 1 mm ($(sed -n 's/.*shift: page .* differs by \([0-9.]*\).*/\1/p' "$O/neg-ofdjs.out")) and a font the browser refuses" ||
        ko "ofd.js harness fails broken packages" "$(head -c 600 "$O/neg-ofdjs.out")"
fi
ofd_struct_results
