#!/usr/bin/env python3
"""tests/letter_geom.py — measures the 信函格式 furniture of a letter's PDF
(GB/T 9704-2012 10.1) with programs tongbao does not contain: poppler's
pdftotext -bbox-layout for the text, pdftoppm for the rules (rules are not
text: the page is rendered at 300 dpi and red rows are found in the pixels).

    letter_geom.py FILE.pdf MARK DOCNUM

prints one "name value" line per figure, lengths in mm from the paper's
top-left corner:

    mark_top      the em top of the row holding MARK on page 1 (the centre of
                  pdftotext's box less half the character size, the size being
                  the row's width over its characters: the same for a face
                  whose box is the em box and one whose box is taller)
    mark_bottom   its em bottom
    docnum_top    the em top of the row holding DOCNUM, docnum_right its right edge
    rule N top bottom left right
                  each red rule on page 1, top to bottom: rows of pixels in
                  which a run of red is longer than 100 mm, merged while they
                  touch
    dark_rule N … the same for dark (black) rules on page 1, last_dark_rule N
                  on the last page when there are several (a 版记's rules)
    folio P yes|no
                  whether page P has a page number "— P —"
Exit 2 on a usage or tool error.  Standard library only.
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PT = 25.4 / 72.0    # mm per point
DPI = 300


def words_by_page(pdf):
    html = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], check=True,
                          capture_output=True).stdout
    # the XHTML has a DOCTYPE without an internal subset; drop it, no DTD is read
    html = re.sub(rb"<!DOCTYPE[^>]*>", b"", html)
    root = ET.fromstring(html)
    ns = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in root.iter(ns + "page"):
        lines = []
        for line in page.iter(ns + "line"):
            ws = [(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                   float(w.get("yMax"))) for w in line.iter(ns + "word")]
            if ws:
                lines.append(ws)
        pages.append(lines)
    return pages


def row_with(lines, text):
    """(em top, em bottom, left, right) in mm of the line whose words joined hold text."""
    for ws in lines:
        joined = "".join(w[0] for w in ws)
        if text and text in joined:
            x0 = min(w[1] for w in ws)
            x1 = max(w[3] for w in ws)
            y0 = min(w[2] for w in ws)
            y1 = max(w[4] for w in ws)
            # characters in ems: ASCII (digits of 〔2026〕) is half a CJK one
            n = sum(0.5 if ord(ch) < 128 else 1.0 for ch in joined)
            size = (x1 - x0) / n if n else (y1 - y0)
            mid = (y0 + y1) / 2
            return (mid - size / 2) * PT, (mid + size / 2) * PT, x0 * PT, x1 * PT
    return None


def rules(pdf, last=False):
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "p")
        page = ["-f", "1", "-l", "1"] if not last else ["-f", str(last), "-l", str(last)]
        subprocess.run(["pdftoppm", "-r", str(DPI)] + page + [pdf, base], check=True)
        name = [f for f in os.listdir(d) if f.endswith(".ppm")][0]
        data = open(os.path.join(d, name), "rb").read()
    # P6 header: magic, width, height, maxval, then one whitespace byte
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m:
        raise SystemExit("letter_geom: pdftoppm did not write a P6 file")
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    min_run = 100 / 25.4 * DPI
    # a red pixel: R high, G and B low (the rule's #E60012 and its edges)
    red = re.compile(rb"(?:[\x97-\xff][\x00-\x6d][\x00-\x6d])+")
    # a dark pixel (a black 版记 rule): all three low
    dark = re.compile(rb"(?:[\x00-\x60][\x00-\x60][\x00-\x60])+")
    out = []
    for pat in (red, dark):
        out.append(runs(px, w, h, pat, min_run))
    return out


def runs(px, w, h, pat, min_run):
    rows = []
    for y in range(h):
        row = px[y * w * 3:(y + 1) * w * 3]
        best = None
        for mt in pat.finditer(row):
            a = mt.start() + (-mt.start()) % 3        # whole pixels only
            n = (mt.end() - a) // 3
            if n >= min_run and (best is None or n > best[1] - best[0]):
                best = (a // 3, a // 3 + n)
        if best:
            rows.append((y, best[0], best[1]))
    rules = []
    for y, x0, x1 in rows:
        if rules and y == rules[-1][1] + 1:
            rules[-1][1] = y
            rules[-1][2] = min(rules[-1][2], x0)
            rules[-1][3] = max(rules[-1][3], x1)
        else:
            rules.append([y, y, x0, x1])
    mm = 25.4 / DPI
    return [(a * mm, (b + 1) * mm, x0 * mm, x1 * mm) for a, b, x0, x1 in rules]


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    pdf, mark, docnum = sys.argv[1:]
    pages = words_by_page(pdf)
    if not pages:
        print("letter_geom: no pages", file=sys.stderr)
        return 2
    r = row_with(pages[0], mark)
    if r:
        print("mark_top %.2f" % r[0])
        print("mark_bottom %.2f" % r[1])
    r = row_with(pages[0], docnum)
    if r:
        print("docnum_top %.2f" % r[0])
        print("docnum_right %.2f" % r[3])
    red, dark = rules(pdf)
    for i, (t, b, x0, x1) in enumerate(red, 1):
        print("rule %d %.2f %.2f %.2f %.2f" % (i, t, b, x0, x1))
    for i, (t, b, x0, x1) in enumerate(dark, 1):
        print("dark_rule %d %.2f %.2f %.2f %.2f" % (i, t, b, x0, x1))
    if len(pages) > 1:
        for i, (t, b, x0, x1) in enumerate(rules(pdf, len(pages))[1], 1):
            print("last_dark_rule %d %.2f %.2f %.2f %.2f" % (i, t, b, x0, x1))
    for p, lines in enumerate(pages, 1):
        has = any(re.fullmatch(r"—\s*%d\s*—" % p, "".join(w[0] for w in ws)) for ws in lines)
        print("folio %d %s" % (p, "yes" if has else "no"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
