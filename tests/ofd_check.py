#!/usr/bin/python3
"""tests/ofd_check.py — GB/T 33190-2016 structure checks on OFD packages.

usage: ofd_check.py FILE.ofd[=SAME.pdf]...
        (=SAME.pdf: the PDF of the same pages, for the subset comparison)

Reads each package with Python's zipfile and XML parser and fontTools
(none of them tongbao's) and checks the element rules of GB/T 33190's
schema for everything tongbao writes:
  package   OFD.xml at the root; every ST_Loc (DocRoot, PublicRes, Page
            BaseLoc, FontFile, resolved against its file's directory and the
            resource's BaseLoc) names an entry of the package
  elements  each element is one the schema allows where it is, in the
            schema's order (CT_DocBody, CT_DocInfo, CT_Document,
            CT_CommonData, CT_PageArea, CT_Res, CT_Font, CT_Page, CT_Layer,
            CT_Text, CT_Path, CT_OutlineElem, CT_Action, CT_Dest), with its
            required attributes and children, and attribute values of their
            types (booleans, enumerations, numbers, xs:date)
  ST_Box    four numbers, width and height not negative
  ST_Loc    a path without "..", backslashes or a scheme
  ST_ID     every ID a positive integer, unique in the document, none above
            CommonData/MaxUnitID; every ST_RefID (TextObject Font, Dest
            PageID) names an ID of the right kind
  ST_Array  DeltaX/DeltaY numbers with "g N v" runs; one value per character
            after the first; Color Value three integers 0–255
  paths     AbbreviatedData commands with their operand counts (S M L Q B A C)
  DocInfo   DocID 32 hex digits, CreationDate/ModDate xs:date
  fonts     every FontFile an OpenType/TrueType font fontTools reads, with a
            cmap; every character of every TextCode either in that cmap or
            covered by a CGTransform whose glyph indices exist in the font
  =PDF      each embedded font's outlines are the PDF's subset: the CFF
            table equals one of the PDF's FontFile3 programs, a TrueType
            glyf table one of its FontFile2's
Prints "PASS ofd …" / "FAIL ofd …: why" per rule over all files.
"""
import base64
import io
import json
import posixpath
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

try:
    from fontTools.ttLib import TTFont
except ImportError:
    TTFont = None

NS = "http://www.ofdspec.org/2016"
Q = "{%s}" % NS

NUM = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
BOOL = ("true", "false")


def is_num(v):
    return re.fullmatch(NUM, v or "") is not None


def is_int(v):
    return re.fullmatch(r"\d+", v or "") is not None


def is_box(v):
    p = (v or "").split()
    return len(p) == 4 and all(is_num(x) for x in p) and float(p[2]) >= 0 and float(p[3]) >= 0


def is_date(v):
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", v or "") is not None


def is_loc(v):
    return bool(v) and "\\" not in v and ".." not in v.split("/") and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", v)


def expand_array(v):
    """ST_Array with the g abbreviation → list of floats, or None."""
    t = (v or "").split()
    out, i = [], 0
    while i < len(t):
        if t[i] == "g":
            if i + 2 >= len(t) or not is_int(t[i + 1]) or not is_num(t[i + 2]):
                return None
            out += [float(t[i + 2])] * int(t[i + 1])
            i += 3
        elif is_num(t[i]):
            out.append(float(t[i]))
            i += 1
        else:
            return None
    return out


# element → (required attrs, optional attrs {name: check}, children [(name, min, max)] in order,
#            or ("any", {names}) for an unordered choice)
A = lambda **kw: kw  # noqa: E731
S = {
    "OFD": ({"Version": lambda v: v == "1.0", "DocType": lambda v: v == "OFD"}, {}, [("DocBody", 1, None)]),
    "DocBody": ({}, {}, [("DocInfo", 1, 1), ("DocRoot", 1, 1), ("Versions", 0, 1), ("Signatures", 0, 1)]),
    "DocInfo": ({}, {}, [("DocID", 0, 1), ("Title", 0, 1), ("Author", 0, 1), ("Subject", 0, 1), ("Abstract", 0, 1),
                         ("CreationDate", 0, 1), ("ModDate", 0, 1), ("DocUsage", 0, 1), ("Cover", 0, 1),
                         ("Keywords", 0, 1), ("Creator", 0, 1), ("CreatorVersion", 0, 1), ("CustomDatas", 0, 1)]),
    "Keywords": ({}, {}, [("Keyword", 1, None)]),
    "Document": ({}, {}, [("CommonData", 1, 1), ("Pages", 1, 1), ("Outlines", 0, 1), ("Permissions", 0, 1),
                          ("Actions", 0, 1), ("VPreferences", 0, 1), ("Bookmarks", 0, 1), ("Annotations", 0, 1),
                          ("CustomTags", 0, 1), ("Attachments", 0, 1), ("Extensions", 0, 1)]),
    "CommonData": ({}, {}, [("MaxUnitID", 1, 1), ("PageArea", 1, 1), ("PublicRes", 0, None), ("DocumentRes", 0, None),
                            ("TemplatePage", 0, None), ("DefaultCS", 0, 1)]),
    "PageArea": ({}, {}, [("PhysicalBox", 1, 1), ("ApplicationBox", 0, 1), ("ContentBox", 0, 1), ("BleedBox", 0, 1)]),
    "Pages": ({}, {}, [("Page", 1, None)]),
    "Outlines": ({}, {}, [("OutlineElem", 1, None)]),
    "OutlineElem": ({"Title": lambda v: v is not None}, {"Count": is_int, "Expanded": lambda v: v in BOOL},
                    [("Actions", 0, 1), ("OutlineElem", 0, None)]),
    "Actions": ({}, {}, [("Action", 1, None)]),
    "Action": ({"Event": lambda v: v in ("DO", "PO", "CLICK")}, {}, [("Region", 0, 1), ("Goto", 0, 1)]),
    "Goto": ({}, {}, [("Dest", 0, 1), ("Bookmark", 0, 1)]),
    "Dest": ({"Type": lambda v: v in ("XYZ", "Fit", "FitH", "FitV", "FitR"), "PageID": is_int},
             {"Left": is_num, "Top": is_num, "Right": is_num, "Bottom": is_num, "Zoom": is_num}, []),
    "Res": ({}, {"BaseLoc": is_loc}, ("any", {"ColorSpaces", "DrawParams", "Fonts", "MultiMedias", "CompositeGraphicUnits"})),
    "Fonts": ({}, {}, [("Font", 1, None)]),
    "Font": ({"ID": is_int, "FontName": lambda v: bool(v)},
             {"FamilyName": lambda v: bool(v), "Charset": lambda v: v in ("symbol", "prc", "big5", "shift-jis", "wansung", "johab", "unicode"),
              "Italic": lambda v: v in BOOL, "Bold": lambda v: v in BOOL, "Serif": lambda v: v in BOOL,
              "FixedWidth": lambda v: v in BOOL}, [("FontFile", 0, 1)]),
    "Pages/Page": ({"ID": is_int, "BaseLoc": is_loc}, {}, []),
    "Page": ({}, {}, [("Template", 0, None), ("PageRes", 0, None), ("Area", 0, 1), ("Content", 0, 1), ("Actions", 0, 1)]),
    "Content": ({}, {}, [("Layer", 1, None)]),
    "Layer": ({"ID": is_int}, {"Type": lambda v: v in ("Body", "Background", "Foreground", "Custom"), "DrawParam": is_int},
              ("any", {"TextObject", "PathObject", "ImageObject", "CompositeObject", "PageBlock"})),
    "TextObject": ({"ID": is_int, "Boundary": is_box, "Font": is_int, "Size": lambda v: is_num(v) and float(v) > 0},
                   {"Stroke": lambda v: v in BOOL, "Fill": lambda v: v in BOOL, "HScale": is_num, "ReadDirection": is_int,
                    "CharDirection": is_int, "Weight": lambda v: v in [str(i * 100) for i in range(10)],
                    "Italic": lambda v: v in BOOL, "Name": None, "Visible": lambda v: v in BOOL, "CTM": None,
                    "LineWidth": is_num, "Alpha": is_int},
                   [("Actions", 0, 1), ("Clips", 0, 1), ("FillColor", 0, 1), ("StrokeColor", 0, 1), ("*text", 1, None)]),
    "CGTransform": ({"CodePosition": is_int, "CodeCount": is_int, "GlyphCount": is_int}, {}, [("Glyphs", 0, 1)]),
    "TextCode": ({}, {"X": is_num, "Y": is_num, "DeltaX": lambda v: expand_array(v) is not None,
                      "DeltaY": lambda v: expand_array(v) is not None}, []),
    "PathObject": ({"ID": is_int, "Boundary": is_box},
                   {"Stroke": lambda v: v in BOOL, "Fill": lambda v: v in BOOL, "Rule": lambda v: v in ("NonZero", "Even-Odd"),
                    "LineWidth": lambda v: is_num(v) and float(v) >= 0, "Cap": lambda v: v in ("Butt", "Round", "Square"),
                    "Join": lambda v: v in ("Miter", "Round", "Bevel"), "Name": None, "Visible": lambda v: v in BOOL,
                    "CTM": None, "Alpha": is_int},
                   [("Actions", 0, 1), ("Clips", 0, 1), ("StrokeColor", 0, 1), ("FillColor", 0, 1), ("AbbreviatedData", 1, 1)]),
    "FillColor": ({}, {"Value": None, "ColorSpace": is_int, "Alpha": is_int}, []),
    "StrokeColor": ({}, {"Value": None, "ColorSpace": is_int, "Alpha": is_int}, []),
}
LEAVES = {"DocID", "Title", "Author", "Subject", "Abstract", "CreationDate", "ModDate", "DocUsage", "Cover", "Keyword",
          "Creator", "CreatorVersion", "DocRoot", "MaxUnitID", "PhysicalBox", "ApplicationBox", "ContentBox", "BleedBox",
          "PublicRes", "DocumentRes", "FontFile", "Glyphs", "AbbreviatedData"}
PATH_ARGS = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}


class Checker:
    def __init__(self):
        self.fails = {}
        self.stats = {"files": 0, "pages": 0, "text": 0, "paths": 0, "chars": 0, "fonts": 0, "cgt": 0}

    def bad(self, rule, f, why):
        self.fails.setdefault(rule, []).append("%s: %s" % (f, why))

    def element(self, fname, e, where):
        """Schema rules for e and its subtree."""
        if not e.tag.startswith(Q):
            self.bad("elements", fname, "%s: %s is not in the OFD namespace" % (where, e.tag))
            return
        name = e.tag[len(Q):]
        for a in e.attrib:
            if a.startswith("{"):
                self.bad("elements", fname, "%s/%s: namespaced attribute %s" % (where, name, a))
        if name in LEAVES:
            if len(e):
                self.bad("elements", fname, "%s/%s has children" % (where, name))
            return
        key = "Pages/Page" if name == "Page" and where.endswith("/Pages") else name
        if key not in S:
            self.bad("elements", fname, "%s: unexpected element %s" % (where, name))
            return
        req, opt, kids = S[key]
        rule = lambda chk: "ST_Box" if chk is is_box else "ST_Loc" if chk is is_loc else "ST_ID" if chk is is_int and a == "ID" else "elements"  # noqa: E731
        for a, chk in req.items():
            if a not in e.attrib:
                self.bad("elements", fname, "%s/%s lacks %s" % (where, name, a))
            elif chk and not chk(e.attrib[a]):
                self.bad(rule(chk), fname, "%s/%s %s=%r" % (where, name, a, e.attrib[a]))
        for a, v in e.attrib.items():
            if a in req:
                continue
            if a not in opt:
                self.bad("elements", fname, "%s/%s: attribute %s not in the schema" % (where, name, a))
            elif opt[a] and not opt[a](v):
                self.bad(rule(opt[a]), fname, "%s/%s %s=%r" % (where, name, a, v))
        names = [c.tag[len(Q):] if c.tag.startswith(Q) else c.tag for c in e]
        if isinstance(kids, tuple):
            for n in names:
                if n not in kids[1]:
                    self.bad("elements", fname, "%s/%s: %s not allowed here" % (where, name, n))
        else:
            i = 0
            for kname, lo, hi in kids:
                if kname == "*text":   # (CGTransform*, TextCode)+
                    count = 0
                    while i < len(names) and names[i] in ("CGTransform", "TextCode"):
                        count += names[i] == "TextCode"
                        i += 1
                    if count < 1 or names[i - 1] != "TextCode":
                        self.bad("elements", fname, "%s/%s: needs (CGTransform*, TextCode)+" % (where, name))
                    continue
                count = 0
                while i < len(names) and names[i] == kname:
                    count += 1
                    i += 1
                if count < lo or (hi is not None and count > hi):
                    self.bad("elements", fname, "%s/%s: %d × %s" % (where, name, count, kname))
            if i < len(names):
                self.bad("elements", fname, "%s/%s: %s out of place" % (where, name, names[i]))
        for c in e:
            self.element(fname, c, where + "/" + name)

    def check(self, path, pdf=None):
        fname = path.split("/")[-1]
        try:
            z = zipfile.ZipFile(path)
        except Exception as ex:
            self.bad("package", fname, "not a zip: %s" % ex)
            return
        names = set(z.namelist())
        self.stats["files"] += 1

        def read(loc, base):
            if not is_loc(loc):
                self.bad("ST_Loc", fname, "%r" % loc)
                return None, None
            full = posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc))
            if full not in names:
                self.bad("package", fname, "%s names %s, not in the package" % (loc, full))
                return None, full
            return z.read(full), full

        def parse(data, what):
            try:
                return ET.fromstring(data)
            except ET.ParseError as ex:
                self.bad("package", fname, "%s is not well-formed: %s" % (what, ex))
                return None

        if "OFD.xml" not in names:
            self.bad("package", fname, "no OFD.xml")
            return
        root = parse(z.read("OFD.xml"), "OFD.xml")
        if root is None or root.tag != Q + "OFD":
            self.bad("elements", fname, "OFD.xml root is not ofd:OFD")
            return
        self.element(fname, root, "")
        ids = {}        # ID → kind
        for info in root.iter(Q + "DocInfo"):
            did = info.findtext(Q + "DocID")
            if did is not None and not re.fullmatch(r"[0-9a-fA-F]{32}", did):
                self.bad("DocInfo", fname, "DocID %r" % did)
            for tag in ("CreationDate", "ModDate"):
                v = info.findtext(Q + tag)
                if v is not None and not is_date(v):
                    self.bad("DocInfo", fname, "%s %r" % (tag, v))
            if not info.findtext(Q + "Title") or not info.findtext(Q + "CreationDate"):
                self.bad("DocInfo", fname, "no Title or CreationDate")
        for body in root.iter(Q + "DocBody"):
            data, dpath = read(body.findtext(Q + "DocRoot"), "")
            doc = parse(data, dpath) if data else None
            if doc is None:
                continue
            self.element(fname, doc, "")
            ddir = posixpath.dirname(dpath)
            maxid = doc.findtext("%sCommonData/%sMaxUnitID" % (Q, Q))
            if not is_int(maxid) or int(maxid) < 1:
                self.bad("ST_ID", fname, "MaxUnitID %r" % maxid)
                maxid = "0"
            maxid = int(maxid)
            pb = doc.findtext("%sCommonData/%sPageArea/%sPhysicalBox" % (Q, Q, Q))
            if not is_box(pb):
                self.bad("ST_Box", fname, "PhysicalBox %r" % pb)

            def add_id(e, kind):
                v = e.get("ID")
                if not is_int(v) or int(v) < 1:
                    self.bad("ST_ID", fname, "%s ID %r" % (kind, v))
                    return
                if v in ids:
                    self.bad("ST_ID", fname, "ID %s used twice (%s, %s)" % (v, ids[v], kind))
                ids[v] = kind
                if int(v) > maxid:
                    self.bad("ST_ID", fname, "%s ID %s above MaxUnitID %d" % (kind, v, maxid))

            fonts = {}  # font ID → (TTFont or None, cmap)
            for pr in doc.iter(Q + "PublicRes"):
                data, rpath = read(pr.text, ddir)
                res = parse(data, rpath) if data else None
                if res is None:
                    continue
                self.element(fname, res, "")
                rbase = posixpath.join(posixpath.dirname(rpath), res.get("BaseLoc", ""))
                for f in res.iter(Q + "Font"):
                    add_id(f, "Font")
                    ff = f.findtext(Q + "FontFile")
                    font = None
                    if ff is None:
                        self.bad("fonts", fname, "font %s is not embedded" % f.get("FontName"))
                    else:
                        fdata, fpath = read(ff, rbase)
                        if fdata and TTFont:
                            try:
                                font = TTFont(io.BytesIO(fdata))
                                cmap = font.getBestCmap() or {}
                                order = font.getGlyphOrder()
                                if not cmap:
                                    self.bad("fonts", fname, "%s has no Unicode cmap" % fpath)
                                fonts[f.get("ID")] = (font, {cp: order.index(g) for cp, g in cmap.items()}, len(order), fdata)
                                self.stats["fonts"] += 1
                            except Exception as ex:
                                self.bad("fonts", fname, "%s: fontTools cannot read it: %s" % (fpath, ex))
            pages = {}
            for pg in doc.iter(Q + "Page"):
                if pg.get("BaseLoc") is None:
                    continue
                add_id(pg, "Page")
                data, ppath = read(pg.get("BaseLoc"), ddir)
                page = parse(data, ppath) if data else None
                if page is None:
                    continue
                pages[pg.get("ID")] = page
                self.stats["pages"] += 1
                self.element(fname, page, "")
                for layer in page.iter(Q + "Layer"):
                    add_id(layer, "Layer")
                for obj in page.iter():
                    tag = obj.tag[len(Q):]
                    if tag in ("TextObject", "PathObject"):
                        add_id(obj, tag)
                    if tag == "PathObject":
                        self.stats["paths"] += 1
                        toks = (obj.findtext(Q + "AbbreviatedData") or "").split()
                        i = 0
                        while i < len(toks):
                            n = PATH_ARGS.get(toks[i])
                            if n is None or any(not is_num(t) for t in toks[i + 1:i + 1 + n]) or i + n >= len(toks) + (0 if n else 1):
                                self.bad("paths", fname, "AbbreviatedData %r" % " ".join(toks[i:i + 8]))
                                break
                            i += 1 + n
                    if tag in ("FillColor", "StrokeColor"):
                        v = (obj.get("Value") or "").split()
                        if len(v) != 3 or not all(is_int(x) and int(x) <= 255 for x in v):
                            self.bad("ST_Array", fname, "colour %r" % obj.get("Value"))
                    if tag == "TextObject":
                        self.text_object(fname, obj, fonts)
            for dest in doc.iter(Q + "Dest"):
                if dest.get("PageID") not in pages:
                    self.bad("ST_ID", fname, "Dest PageID %s is no page" % dest.get("PageID"))
            if pdf:
                self.same_subsets(fname, fonts, pdf)

    def text_object(self, fname, t, fonts):
        self.stats["text"] += 1
        fid = t.get("Font")
        if fid not in fonts:
            self.bad("ST_ID", fname, "TextObject %s Font %s is no embedded font" % (t.get("ID"), fid))
            return
        font, cmap, n_glyphs, _ = fonts[fid]
        cgt = []
        for c in t:
            tag = c.tag[len(Q):]
            if tag == "CGTransform":
                cgt.append(c)
                continue
            if tag != "TextCode":
                continue
            chars = list(c.text or "")
            self.stats["chars"] += len(chars)
            for a in ("DeltaX", "DeltaY"):
                if c.get(a) is not None:
                    v = expand_array(c.get(a))
                    if v is None or len(v) != len(chars) - 1:
                        self.bad("ST_Array", fname, "TextObject %s %s has %s values for %d characters" % (
                            t.get("ID"), a, "unreadable" if v is None else len(v), len(chars)))
            covered = set()
            for g in cgt:
                self.stats["cgt"] += 1
                pos, cnt, gc = int(g.get("CodePosition")), int(g.get("CodeCount")), int(g.get("GlyphCount"))
                gl = (g.findtext(Q + "Glyphs") or "").split()
                if len(gl) != gc or any(not is_int(x) or int(x) >= n_glyphs for x in gl) or pos + cnt > len(chars):
                    self.bad("fonts", fname, "TextObject %s: CGTransform %s %s %s → %s" % (t.get("ID"), pos, cnt, gc, gl))
                covered.update(range(pos, pos + cnt))
            cgt = []
            for k, ch in enumerate(chars):
                if k not in covered and ord(ch) not in cmap:
                    self.bad("fonts", fname, "TextObject %s: %r is neither in the font's cmap nor in a CGTransform" % (t.get("ID"), ch))

    def same_subsets(self, fname, fonts, pdf):
        def run(how):
            out = subprocess.run(["qpdf", "--json", "--json-key=qpdf", "--json-stream-data=" + how, pdf],
                                 capture_output=True, check=True).stdout
            return json.loads(out)["qpdf"][1]
        dicts, data = run("none"), run("inline")
        progs = {"CFF ": [], "glyf": []}
        for ref, o in dicts.items():
            v = o.get("value")
            if isinstance(v, dict) and v.get("/Type") == "/FontDescriptor":
                for key, table in (("/FontFile3", "CFF "), ("/FontFile2", "glyf")):
                    if key in v:
                        b = base64.b64decode(data["obj:" + v[key]]["stream"]["data"])
                        if table == "glyf":
                            b = TTFont(io.BytesIO(b)).reader["glyf"]
                        progs[table].append(b)
        for fid, (font, _, _, _) in fonts.items():
            table = "CFF " if "CFF " in font.reader.tables else "glyf"
            if font.reader[table] not in progs[table]:
                self.bad("same subsets as the PDF", fname, "font %s: its %s is none of the PDF's programs" % (fid, table.strip()))
        if len(fonts) != len(progs["CFF "]) + len(progs["glyf"]):
            self.bad("same subsets as the PDF", fname, "%d fonts in the OFD, %d in the PDF" % (len(fonts), len(progs["CFF "]) + len(progs["glyf"])))


RULES = ["package", "elements", "ST_Box", "ST_Loc", "ST_ID", "ST_Array", "paths", "DocInfo", "fonts"]


def main(argv):
    c = Checker()
    pdf = False
    if TTFont is None:
        c.bad("fonts", "-", "python3-fonttools is not installed")
    for a in argv[1:]:
        p, _, q = a.partition("=")
        pdf |= bool(q)
        c.check(p, q or None)
    rules = RULES + (["same subsets as the PDF"] if pdf else [])
    s = c.stats
    for r in rules + [r for r in c.fails if r not in rules]:
        if r in c.fails:
            f = c.fails[r]
            print("FAIL ofd %s: %s%s" % (r, "; ".join(f[:3]), " (+%d more)" % (len(f) - 3) if len(f) > 3 else ""))
        else:
            print("PASS ofd %s (%d packages, %d pages, %d text objects, %d characters, %d paths, %d fonts, %d CGTransforms)" % (
                r, s["files"], s["pages"], s["text"], s["chars"], s["paths"], s["fonts"], s["cgt"]))
    return 1 if c.fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
