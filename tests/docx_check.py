#!/usr/bin/python3
"""tests/docx_check.py — reads a .docx tongbao wrote with python-docx (Debian
python3-docx: a client tongbao does not contain) and checks it against the
composed text and the GB/T 9704 page.  Run with /usr/bin/python3 (the
pyenv python3 on PATH has no Debian modules).

usage: docx_check.py DOCX COMPOSED.txt NAME [--table ROWS] [--picture]
       docx_check.py --text DOCX      (the body paragraphs, one a line)

Prints one line per check, "ok<TAB>NAME: what" or "ko<TAB>NAME: what<TAB>why",
for tests/e2e_docx.sh to count.  Exit 0 even when a check fails (the shell
counts); exit 2 when the file cannot be opened at all."""
import re
import sys
import zipfile

import docx
from docx.oxml.ns import qn

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# paragraphs of the 版头 and tongbao's own (rules, pictures): not composed text
FURNITURE = {"mark", "docnum", "masthead", "issue-no", "compiler", "issuer-line", "dateline", "tongbao rule",
             "tongbao figure"}
MM = 36000  # EMU per mm


def report(name, what, why):
    print(("ok\t%s: %s" % (name, what)) if not why else ("ko\t%s: %s\t%s" % (name, what, why)))


def style_attr(style, tag, attr):
    """attr of the first tag under the style's element (w:rPr/w:pPr), or None"""
    el = style.element.find(".//" + W + tag)
    return None if el is None else el.get(W + attr)


def check_text(d, composed, name):
    got = [p.text for p in d.paragraphs if p.style.name not in FURNITURE and p.text != ""]
    want = [l for l in composed.split("\n") if l != ""]
    why = ""
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "(none)"
        w = want[i] if i < len(want) else "(none)"
        if g != w:
            why = "paragraph %d: docx %r, composed %r" % (i + 1, g[:60], w[:60])
            break
    report(name, "python-docx reads every paragraph, text = composed (%d paragraphs)" % len(want), why)


def check_section(d, xml, name):
    s = d.sections[0]
    dims = [("width", s.page_width, 210), ("height", s.page_height, 297), ("top", s.top_margin, 37),
            ("left", s.left_margin, 28), ("right", s.right_margin, 26), ("bottom", s.bottom_margin, 35)]
    bad = ["%s %.2f mm, want %d" % (k, v / MM, want) for k, v, want in dims if abs(v / MM - want) > 0.1]
    report(name, "A4, margins 37/28 mm (right 26, bottom 35)", "; ".join(bad))
    g = re.search(r'<w:docGrid w:type="([a-zA-Z]+)" w:linePitch="(-?\d+)" w:charSpace="(-?\d+)"/>', xml)
    why = ""
    if not g:
        why = "no docGrid with type, linePitch and charSpace"
    else:
        kind, pitch, space = g.group(1), int(g.group(2)), int(g.group(3))
        text_h = (s.page_height - s.top_margin - s.bottom_margin) / 635    # twips
        text_w = (s.page_width - s.left_margin - s.right_margin) / 12700  # pt
        body = d.styles["Normal"].font.size.pt
        lines, chars = int(text_h // pitch), int(text_w / (body + space / 4096) + 1e-6)
        if kind != "linesAndChars" or lines != 22 or chars != 28:
            why = "type %s, linePitch %d → %d lines, charSpace %d → %d chars" % (kind, pitch, lines, space, chars)
        what = "docGrid linesAndChars, linePitch %d (22 lines), charSpace %d (28 chars)" % (pitch, space)
    report(name, what if g else "docGrid", why)


def check_styles(d, z, name):
    st, why = d.styles, []
    n = st["Normal"]
    if n.font.size is None or n.font.size.pt != 16: why.append("Normal not 16pt")
    if style_attr(n, "rFonts", "eastAsia") != "仿宋_GB2312": why.append("Normal eastAsia %s" % style_attr(n, "rFonts", "eastAsia"))
    if style_attr(n, "ind", "firstLineChars") != "200": why.append("Normal first line not 2 characters")
    t = st["Title"]
    if t.font.size is None or t.font.size.pt != 22 or style_attr(t, "rFonts", "eastAsia") != "方正小标宋简体":
        why.append("Title not 22pt 方正小标宋简体")
    if style_attr(st["Heading 1"], "rFonts", "eastAsia") != "黑体": why.append("heading 1 not 黑体")
    if style_attr(st["Heading 2"], "rFonts", "eastAsia") != "楷体_GB2312": why.append("heading 2 not 楷体")
    styles_xml = z.read("word/styles.xml").decode()
    if not re.search(r'<w:docDefaults>.*<w:lang w:val="zh-CN" w:eastAsia="zh-CN"', styles_xml):
        why.append("document language not zh-CN")
    report(name, "styles: Normal 3号仿宋 indent 2, Title 2号小标宋, heading 1 黑体, heading 2 楷体, zh-CN", "; ".join(why))
    # no direct run formatting: a run carries at most a character style
    doc = z.read("word/document.xml").decode()
    direct = [m for m in re.findall(r"<w:rPr>(.*?)</w:rPr>", doc) if not re.fullmatch(r'<w:rStyle w:val="[^"]*"/>', m)]
    report(name, "runs carry styles, not direct formatting", "; ".join(direct[:3]))


def check_footers(d, z, name):
    why = []
    settings = z.read("word/settings.xml").decode()
    if "<w:evenAndOddHeaders/>" not in settings: why.append("no evenAndOddHeaders")
    sect = d.sections[0]
    for label, ftr, jc in (("odd", sect.footer, "right"), ("even", sect.even_page_footer, "left")):
        xml = ftr._element.xml
        if "PAGE" not in xml or ("w:val=\"%s\"" % jc) not in xml: why.append("%s footer: no PAGE field or not %s" % (label, jc))
        text = "".join(p.text for p in ftr.paragraphs)
        if not re.fullmatch(r"— \d+ —", text): why.append("%s footer text %r" % (label, text))
    f = d.styles["Footer"]
    if f.font.size is None or f.font.size.pt != 14 or style_attr(f, "rFonts", "eastAsia") != "宋体":
        why.append("footer style not 4号宋体")
    report(name, "page numbers — N — in the footers, odd right, even left, 4号宋体", "; ".join(why))


def check_table(d, rows, name):
    t = [t for t in d.tables if len(t.rows) >= 2]
    why = ""
    if not t:
        why = "no table"
    else:
        tb = t[0]
        first = tb.rows[0]._tr
        if first.find(W + "trPr") is None or first.find(W + "trPr").find(W + "tblHeader") is None:
            why = "first row is not a repeated header (w:tblHeader)"
        elif len(tb.rows) != rows:
            why = "%d rows, want %d" % (len(tb.rows), rows)
        elif not tb.rows[0].cells[0].text:
            why = "empty header"
    report(name, "appendix: a Word table, %d rows, header row repeated on every page" % rows, why)


def check_picture(d, z, name):
    why = ""
    media = [n for n in z.namelist() if n.startswith("word/media/")]
    doc = z.read("word/document.xml").decode()
    if not media:
        why = "no picture"
    elif not z.read(media[0]).startswith(b"\x89PNG\r\n\x1a\n"):
        why = "%s is not a PNG" % media[0]
    elif not re.search(r'<wp:docPr [^>]*descr="图1 ', doc):
        why = "no caption as the picture's description"
    elif not d.inline_shapes or d.inline_shapes[0].width / MM < 150:
        why = "picture not as wide as the text block"
    report(name, "chart: a PNG picture (%s) with its caption as alt text" % (media[0] if media else "-"), why)


def check_tail(d, name):
    last = d.tables[-1] if d.tables else None
    text = "".join(c.text for r in last.rows for c in r.cells) if last is not None else ""
    ok = last is not None and ("抄送" in text or "印发" in text or "共印" in text or "本期送" in text)
    report(name, "版记/报尾: a table at the end", "" if ok else "last table holds %r" % text[:60])


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "--text":
        for p in docx.Document(a[1]).paragraphs:
            if p.style.name not in FURNITURE and p.text:
                print(p.text)
        return 0
    if len(a) < 3:
        print(__doc__)
        return 2
    path, txt, name = a[0], a[1], a[2]
    try:
        d = docx.Document(path)
        z = zipfile.ZipFile(path)
    except Exception as e:  # noqa: BLE001 — any failure to open is the finding
        print("ko\t%s: python-docx opens the .docx\t%s" % (name, e))
        return 2
    composed = open(txt, encoding="utf-8").read()
    check_text(d, composed, name)
    check_section(d, z.read("word/document.xml").decode(), name)
    check_styles(d, z, name)
    check_footers(d, z, name)
    check_tail(d, name)
    if "--table" in a:
        check_table(d, int(a[a.index("--table") + 1]), name)
    if "--picture" in a:
        check_picture(d, z, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
