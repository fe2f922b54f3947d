#!/usr/bin/python3
"""tests/pdfa_check.py — ISO 19005-2 (PDF/A-2b) clause checks on PDF files.

No open PDF/A validator installs here, so this checks, clause by clause, the
requirements that apply to what tongbao writes, on the files themselves:
the object graph through qpdf's JSON view (`qpdf --json`, streams decoded
inline), the byte layout from the file, the font programs through fontTools
(Debian's python3-fonttools) and the XMP through Python's XML parser.
None of these is tongbao's code.

usage: pdfa_check.py FILE.pdf...
Prints one "PASS pdfa <clause> …" or "FAIL pdfa <clause> …: why" line per
clause over all files (a clause fails when any file fails it).

What is checked, per clause (README.md "PDF/A" repeats this list):
  6.1.2     header %PDF-1.n, n 0..7, at byte 0, then % and 4 bytes > 127;
            n at least 4 (the XMP stream and the output intent are 1.4)
  6.1.3     trailer /ID of two 16-byte strings, no /Encrypt, nothing but
            an EOL after the last %%EOF
  6.1.4     xref keyword, one EOL, subsection header "0 N" at startxref
  6.1.6     hexadecimal strings have an even number of digits
  6.1.7.1   every stream's /Length equals its bytes between "stream" EOL
            and the EOL before "endstream"; no /F /FFilter /FDecodeParms
  6.1.7.2   FlateDecode is the only filter
  6.1.13    integers within ±2^31, names ≤ 127 bytes, strings ≤ 32767
            bytes, at most 8,388,607 objects
  6.2.2     content streams use only ISO 32000-1 operators
  6.2.3     exactly the GTS_PDFA1 output intent(s), all with the same
            DestOutputProfile: an ICC stream of class mntr/prtr, colour space
            RGB/GRAY/CMYK, version < 5, /N matching
  6.2.4.3   DeviceRGB only with an RGB output intent; no DeviceCMYK/Gray
  6.2.11.2/3  fonts Type0 /Identity-H over CIDFontType0 (FontFile3
            /CIDFontType0C) or CIDFontType2 (FontFile2, /CIDToGIDMap)
  6.2.11.4.1  every font used on a page has its program embedded
  6.2.11.4.2  a CIDSet, where present, lists every CID (none is written)
  6.2.11.5  each shown glyph's /W (or /DW) width within 1 unit of the
            program's own advance (fontTools: CFF charstring width, hmtx)
  6.2.11.7  every font has a ToUnicode CMap mapping every shown code
  6.2.11.8  no text-showing operator shows .notdef (code/CID 0)
  6.6.2.1   Catalog /Metadata: stream /Type /Metadata /Subtype /XML, well-
            formed UTF-8 XMP, packet header without bytes= or encoding=
  6.6.2.3.1 XMP properties only from predefined schemas (dc, xmp, pdf,
            pdfaid)
  6.6.4     pdfaid:part 2, pdfaid:conformance B
  info=xmp  Info Title/Author/Subject/Keywords/Creator/Producer/
            CreationDate/ModDate equal dc:title/dc:creator/dc:description/
            pdf:Keywords/xmp:CreatorTool/pdf:Producer/xmp:CreateDate/
            xmp:ModifyDate (ISO 32000-1 14.3.3)
  6.3-6.9   no annotations, actions, forms, embedded files, transparency
            groups, optional content, alternate images or transitions
Not checked: ICC profile internals beyond its header, CFF/TrueType program
validity beyond what fontTools needs to read the widths, glyph outlines
(6.2.11.4.1 asks for glyphs "used for rendering"; we check presence), and
anything of level A/U (tagging, Unicode for every glyph is checked anyway).
"""
import base64
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

try:
    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.basePen import NullPen
    from fontTools.ttLib import TTFont
except ImportError:  # reported per file below
    CFFFontSet = None

OPERATORS = set("""b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J K k
l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf TJ Tj TL Tm Tr Ts Tw Tz v w W W* y ' \"""".split())
RGB_OPS = {"rg", "RG"}
OTHER_DEVICE_OPS = {"g", "G", "k", "K"}


class Failures(dict):
    def add(self, clause, fname, why):
        self.setdefault(clause, []).append("%s: %s" % (fname, why))


def tokens(data):
    """PDF content-stream tokens: (kind, value)."""
    i, n = 0, len(data)
    ws = b" \t\r\n\f\x00"
    while i < n:
        c = data[i:i + 1]
        if c in (b" ", b"\t", b"\r", b"\n", b"\f", b"\x00"):
            i += 1
        elif c == b"%":
            while i < n and data[i:i + 1] not in (b"\r", b"\n"):
                i += 1
        elif c == b"<" and data[i:i + 2] != b"<<":
            j = data.index(b">", i)
            yield ("hex", data[i + 1:j])
            i = j + 1
        elif c == b"(":
            depth, j, out = 1, i + 1, bytearray()
            while depth:
                ch = data[j:j + 1]
                if ch == b"\\":
                    out += data[j + 1:j + 2]
                    j += 2
                    continue
                if ch == b"(":
                    depth += 1
                elif ch == b")":
                    depth -= 1
                    if not depth:
                        break
                out += ch
                j += 1
            yield ("str", bytes(out))
            i = j + 1
        elif c in (b"[", b"]"):
            yield (c.decode(), None)
            i += 1
        elif data[i:i + 2] in (b"<<", b">>"):
            yield (data[i:i + 2].decode(), None)
            i += 2
        elif c == b"/":
            j = i + 1
            while j < n and data[j:j + 1] not in ws + b"/[]<>()":
                j += 1
            yield ("name", data[i + 1:j].decode("latin-1"))
            i = j
        else:
            j = i
            while j < n and data[j:j + 1] not in ws + b"/[]<>()%":
                j += 1
            w = data[i:j].decode("latin-1")
            if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", w):
                yield ("num", float(w))
            else:
                yield ("op", w)
            i = j


def pdf_date_to_xmp(s):
    m = re.fullmatch(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(.*)", s)
    if not m:
        return None
    g = [x or d for x, d in zip(m.groups()[:6], ["", "01", "01", "00", "00", "00"])]
    tz = m.group(7)
    out = "%s-%s-%sT%s:%s:%s" % tuple(g)
    if tz in ("Z", "Z00'00'"):
        out += "Z"
    elif tz:
        t = re.fullmatch(r"([+-])(\d{2})'?(\d{2})?'?", tz)
        out += "%s%s:%s" % (t.group(1), t.group(2), t.group(3) or "00") if t else tz
    return out


NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "x": "adobe:ns:meta/",
}
XML_NS = "http://www.w3.org/XML/1998/namespace"


class Doc:
    def __init__(self, path):
        self.path = path
        self.raw = open(path, "rb").read()
        # the dictionaries as written (qpdf drops /Length and /Filter from
        # those it decodes inline), then the decoded stream data
        def run(how):
            out = subprocess.run(["qpdf", "--json", "--json-key=qpdf", "--json-stream-data=" + how, path],
                                 capture_output=True, check=True).stdout
            return json.loads(out)["qpdf"]
        q = run("none")
        self.info = q[0]
        self.objs = q[1]
        self.decoded = run("inline")[1]

    def obj(self, ref):
        if isinstance(ref, str) and ref.endswith(" R"):
            return self.objs.get("obj:" + ref, {})
        return {"value": ref}

    def val(self, ref):
        """The dictionary/value behind ref (a stream's dictionary)."""
        o = self.obj(ref)
        if "stream" in o:
            return o["stream"]["dict"]
        return o.get("value")

    def data(self, ref):
        o = self.decoded.get("obj:" + ref, {}) if isinstance(ref, str) else {}
        return base64.b64decode(o["stream"]["data"]) if "stream" in o and "data" in o["stream"] else None

    def trailer(self):
        return self.objs["trailer"]["value"]


def ustr(v):
    """A qpdf JSON string ("u:text" or "b:hex") as text."""
    if not isinstance(v, str):
        return None
    if v.startswith("u:"):
        return v[2:]
    if v.startswith("b:"):
        return bytes.fromhex(v[2:]).decode("latin-1")
    return v


def widths(d, cidfont):
    w = {}
    arr = d.val(cidfont.get("/W", [])) or []
    arr = [d.val(x) if isinstance(x, str) and x.endswith(" R") else x for x in arr]
    i = 0
    while i < len(arr):
        first = arr[i]
        if isinstance(arr[i + 1], list):
            for k, x in enumerate(arr[i + 1]):
                w[int(first) + k] = x
            i += 2
        else:
            for c in range(int(first), int(arr[i + 1]) + 1):
                w[c] = arr[i + 2]
            i += 3
    return w, cidfont.get("/DW", 1000)


def tounicode_codes(data):
    codes = set()
    for m in re.finditer(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for c in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<[0-9A-Fa-f]*>", m.group(1)):
            codes.add(int(c.group(1), 16))
    for m in re.finditer(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for c in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", m.group(1)):
            codes.update(range(int(c.group(1), 16), int(c.group(2), 16) + 1))
    return codes


def program_widths(kind, prog, codes):
    """code → advance in 1/1000 em from the embedded program itself."""
    out = {}
    if kind == "cff":
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(prog), None)
        top = cff[cff.fontNames[0]]
        scale = 1000 * top.FontMatrix[0] if hasattr(top, "FontMatrix") else 1
        cs = top.CharStrings
        for c in codes:
            name = "cid%05d" % c
            if name not in cs:
                out[c] = None
                continue
            g = cs[name]
            g.draw(NullPen())
            out[c] = g.width * scale
    else:
        f = TTFont(io.BytesIO(prog))
        upem = f["head"].unitsPerEm
        order = f.getGlyphOrder()
        for c in codes:
            out[c] = f["hmtx"][order[c]][0] * 1000 / upem if c < len(order) else None
    return out


def check(path, fails, counts):
    fname = path.split("/")[-1]
    try:
        d = Doc(path)
    except Exception as ex:  # qpdf could not read it at all
        fails.add("6.1 readable", fname, str(ex))
        return
    raw = d.raw
    counts["files"] += 1

    # ---- 6.1.2 header
    m = re.match(rb"%PDF-1\.([0-7])(\r\n|\r|\n)%(....)", raw, re.S)
    if not m or any(b <= 127 for b in m.group(3)):
        fails.add("6.1.2 header", fname, repr(raw[:16]))
    elif int(m.group(1)) < 4:
        fails.add("6.1.2 header", fname, "version 1.%s is older than the features used (1.4)" % m.group(1).decode())

    # ---- 6.1.3 trailer
    tr = d.trailer()
    ids = tr.get("/ID")
    if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(x, str) and x.startswith("b:") and len(x) == 34 for x in ids)):
        fails.add("6.1.3 trailer ID, no Encrypt, nothing after %%EOF", fname, "ID %r" % (ids,))
    if "/Encrypt" in tr:
        fails.add("6.1.3 trailer ID, no Encrypt, nothing after %%EOF", fname, "Encrypt present")
    if not re.search(rb"%%EOF(\r\n|\r|\n)?$", raw):
        fails.add("6.1.3 trailer ID, no Encrypt, nothing after %%EOF", fname, "data after the last %%EOF")

    # ---- 6.1.4 xref
    sx = re.search(rb"startxref(\r\n|\r|\n)(\d+)(\r\n|\r|\n)%%EOF(\r\n|\r|\n)?$", raw)
    if not sx or not re.match(rb"xref(\r\n|\r|\n)0 \d+(\r\n|\r|\n| \r\n| \n)", raw[int(sx.group(2)):]):
        fails.add("6.1.4 cross-reference table", fname, "no classic xref at startxref")

    # ---- 6.1.6 / 6.1.7 / 6.1.13 over the raw objects
    for om in re.finditer(rb"(\d+) (\d+) obj(\r\n|\r|\n| )", raw):
        key = "obj:%d %d R" % (int(om.group(1)), int(om.group(2)))
        o = d.objs.get(key)
        if o is None:
            continue
        end = raw.find(b"endobj", om.end())
        body = raw[om.end():end]
        if "stream" in o:
            sd = o["stream"]["dict"]
            length = d.val(sd.get("/Length"))
            sm = re.search(rb"stream(\r\n|\n)", body)
            start = om.end() + sm.end()
            if raw[start + length:start + length + 10] not in (b"\nendstream", b"\r\nendstrea") and \
                    not raw[start + length:].startswith(b"\r\nendstream"):
                fails.add("6.1.7.1 stream Length and EOLs", fname, "%s: Length %s does not end at endstream" % (key, length))
            for k in ("/F", "/FFilter", "/FDecodeParms"):
                if k in sd:
                    fails.add("6.1.7.1 stream Length and EOLs", fname, "%s has %s" % (key, k))
            flt = sd.get("/Filter")
            flts = flt if isinstance(flt, list) else [flt] if flt else []
            if any(f != "/FlateDecode" for f in flts):
                fails.add("6.1.7.2 filters", fname, "%s: %s" % (key, flt))
            body = body[:sm.start()]
        for kind, v in tokens(body):
            if kind == "hex":
                digits = re.sub(rb"\s", b"", v)
                if len(digits) % 2 or not re.fullmatch(rb"[0-9A-Fa-f]*", digits):
                    fails.add("6.1.6 string objects", fname, "%s: <%s>" % (key, digits[:20]))
            elif kind == "num" and v == int(v) and abs(v) > 2 ** 31 - 1:
                fails.add("6.1.13 implementation limits", fname, "%s: integer %d" % (key, v))
            elif kind == "name" and len(v.encode("latin-1")) > 127:
                fails.add("6.1.13 implementation limits", fname, "%s: name of %d bytes" % (key, len(v)))
            elif kind == "str" and len(v) > 32767:
                fails.add("6.1.13 implementation limits", fname, "%s: string of %d bytes" % (key, len(v)))
    if d.info.get("maxobjectid", 0) > 8388607:
        fails.add("6.1.13 implementation limits", fname, "too many objects")

    # ---- catalog, output intent (6.2.3)
    root = d.val(tr["/Root"])
    ois = d.val(root.get("/OutputIntents")) or []
    profiles, cs = set(), None
    pdfa_ois = [d.val(x) for x in ois if d.val(x).get("/S") == "/GTS_PDFA1"]
    if not pdfa_ois:
        fails.add("6.2.3 output intent", fname, "no /GTS_PDFA1 output intent")
    for oi in (d.val(x) for x in ois):
        if "/DestOutputProfile" in oi:
            profiles.add(oi["/DestOutputProfile"])
    if len(profiles) > 1:
        fails.add("6.2.3 output intent", fname, "different DestOutputProfiles %s" % profiles)
    for p in profiles:
        icc = d.data(p)
        n = d.val(p).get("/N")
        if not icc or len(icc) < 128 or icc[36:40] != b"acsp":
            fails.add("6.2.3 output intent", fname, "DestOutputProfile is not an ICC profile")
            continue
        cls, cs = icc[12:16], icc[16:20]
        if cls not in (b"mntr", b"prtr") or cs not in (b"RGB ", b"GRAY", b"CMYK") or icc[8] >= 5:
            fails.add("6.2.3 output intent", fname, "class %r colour space %r version %d" % (cls, cs, icc[8]))
        if {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}.get(cs) != n:
            fails.add("6.2.3 output intent", fname, "/N %s for %r" % (n, cs))

    # ---- pages: content streams and fonts
    used = {}      # font object ref → set of codes shown
    fontrefs = {}  # font object ref → its dict
    for ref, o in d.objs.items():
        v = o.get("value")
        if not (isinstance(v, dict) and v.get("/Type") == "/Page"):
            continue
        for k in ("/Annots", "/AA", "/Group", "/Trans", "/PresSteps"):
            if k in v:
                fails.add("6.3-6.9 nothing interactive or transparent", fname, "page has %s" % k)
        res = d.val(v.get("/Resources")) or {}
        fdict = d.val(res.get("/Font")) or {}
        if res.get("/XObject") or res.get("/ExtGState") or res.get("/Shading") or res.get("/Pattern"):
            fails.add("6.3-6.9 nothing interactive or transparent", fname, "page resources beyond fonts")
        contents = v.get("/Contents")
        contents = contents if isinstance(contents, list) else [contents]
        data = b"".join(d.data(c) or b"" for c in contents)
        cur = None
        stack = []
        for kind, val in tokens(data):
            if kind != "op":
                stack.append((kind, val))
                continue
            if val not in OPERATORS:
                fails.add("6.2.2 content stream operators", fname, "operator %r" % val)
            if val in OTHER_DEVICE_OPS or val in ("cs", "CS", "sc", "SC", "scn", "SCN"):
                fails.add("6.2.4.3 device colour spaces", fname, "operator %s (only DeviceRGB is covered)" % val)
            if val in RGB_OPS and cs != b"RGB ":
                fails.add("6.2.4.3 device colour spaces", fname, "DeviceRGB without an RGB output intent")
            if val == "Tf":
                cur = fdict.get("/" + stack[-2][1]) if len(stack) >= 2 else None
                if cur is not None:
                    fontrefs[cur] = d.val(cur)
                    used.setdefault(cur, set())
            elif val in ("Tj", "TJ", "'", '"'):
                for k2, s in stack:
                    if k2 == "hex":
                        b = bytes.fromhex(s.decode())
                    elif k2 == "str":
                        b = s
                    else:
                        continue
                    for i in range(0, len(b) - 1, 2):
                        used[cur].add(b[i] << 8 | b[i + 1])
            stack = []

    for ref, font in fontrefs.items():
        fid = "%s %s" % (ref, ustr(font.get("/BaseFont")))
        codes = used.get(ref, set())
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
            fails.add("6.2.11.2-3 font types", fname, "%s is not Type0/Identity-H" % fid)
            continue
        desc = [d.val(x) for x in d.val(font.get("/DescendantFonts"))]
        cid = desc[0] if len(desc) == 1 else {}
        fd = d.val(cid.get("/FontDescriptor")) or {}
        st = cid.get("/Subtype")
        if st == "/CIDFontType0":
            prog_ref, kind = fd.get("/FontFile3"), "cff"
            if prog_ref and d.val(prog_ref).get("/Subtype") != "/CIDFontType0C":
                fails.add("6.2.11.2-3 font types", fname, "%s FontFile3 is not CIDFontType0C" % fid)
        elif st == "/CIDFontType2":
            prog_ref, kind = fd.get("/FontFile2"), "ttf"
            if "/CIDToGIDMap" not in cid:
                fails.add("6.2.11.2-3 font types", fname, "%s has no CIDToGIDMap" % fid)
        else:
            fails.add("6.2.11.2-3 font types", fname, "%s descendant %s" % (fid, st))
            continue
        prog = d.data(prog_ref) if prog_ref else None
        if not prog:
            fails.add("6.2.11.4.1 fonts embedded", fname, "%s has no font program" % fid)
            continue
        if not re.match(r"^[A-Z]{6}\+", ustr(fd.get("/FontName", "")).lstrip("/")):
            fails.add("6.2.11.4.2 subsets", fname, "%s: subset without a tag" % fid)
        if "/CIDSet" in fd:
            cs_bits = d.data(fd["/CIDSet"]) or b""
            for c in codes:
                if c // 8 >= len(cs_bits) or not cs_bits[c // 8] & (0x80 >> (c % 8)):
                    fails.add("6.2.11.4.2 subsets", fname, "%s: CIDSet lacks %d" % (fid, c))
        if 0 in codes:
            fails.add("6.2.11.8 no .notdef", fname, "%s shows code 0" % fid)
        tu = d.data(font.get("/ToUnicode")) if font.get("/ToUnicode") else None
        missing = codes - tounicode_codes(tu) if tu else codes
        if not tu or missing:
            fails.add("6.2.11.7 ToUnicode", fname, "%s: %d shown codes without Unicode" % (fid, len(missing)))
        if CFFFontSet is None:
            fails.add("6.2.11.5 font metrics", fname, "python3-fonttools is not installed")
            continue
        w, dw = widths(d, cid)
        try:
            pw = program_widths(kind, prog, codes)
        except Exception as ex:
            fails.add("6.2.11.5 font metrics", fname, "%s: program unreadable (%s)" % (fid, ex))
            continue
        bad = [(c, w.get(c, dw), pw[c]) for c in sorted(codes) if pw[c] is None or abs(w.get(c, dw) - pw[c]) > 1]
        if bad:
            fails.add("6.2.11.5 font metrics", fname, "%s: %d glyphs, e.g. code %d: /W %s, program %s" % ((fid, len(bad)) + bad[0]))
        counts["glyphs"] += len(codes)
        counts["fonts"] += 1

    # ---- 6.3–6.9: nothing interactive
    for k in ("/AA", "/OpenAction", "/AcroForm", "/Names", "/OCProperties", "/Perms", "/Collection"):
        if k in root:
            fails.add("6.3-6.9 nothing interactive or transparent", fname, "Catalog has %s" % k)
    for ref, o in d.objs.items():
        v = o.get("value") if "value" in o else o.get("stream", {}).get("dict")
        if isinstance(v, dict) and ("/A" in v and "/Title" in v or v.get("/S") == "/JavaScript"):
            fails.add("6.3-6.9 nothing interactive or transparent", fname, "%s has an action" % ref)
        if isinstance(v, dict) and v.get("/Type") in ("/EmbeddedFile", "/Filespec", "/Annot"):
            fails.add("6.3-6.9 nothing interactive or transparent", fname, "%s is %s" % (ref, v.get("/Type")))

    # ---- 6.6.2.1 metadata stream
    mref = root.get("/Metadata")
    md = d.val(mref) if mref else None
    xmp = d.data(mref) if mref else None
    c661 = "6.6.2.1 XMP metadata stream"
    if not md or md.get("/Type") != "/Metadata" or md.get("/Subtype") != "/XML" or xmp is None:
        fails.add(c661, fname, "Catalog /Metadata missing or not /Type /Metadata /Subtype /XML")
        fails.add("6.6.4 PDF/A identification", fname, "no XMP metadata")
        fails.add("info=xmp Info dictionary equals XMP", fname, "no XMP metadata")
        return
    if "/Filter" in md:
        fails.add(c661, fname, "metadata stream is filtered")
    head = re.match(rb"<\?xpacket([^?]*)\?>", xmp)
    if not head or b"bytes=" in head.group(1) or b"encoding=" in head.group(1):
        fails.add(c661, fname, "xpacket header %r" % (head.group(0) if head else xmp[:40]))
    try:
        text = xmp.decode("utf-8")
        body = re.sub(r"<\?xpacket[^?]*\?>", "", text)
        tree = ET.fromstring(body)
    except Exception as ex:
        fails.add(c661, fname, "not well-formed UTF-8 XML: %s" % ex)
        fails.add("6.6.4 PDF/A identification", fname, "XMP unreadable")
        return
    desc = tree.findall(".//rdf:Description", NS)
    props = {}
    allowed = {NS[k] for k in ("dc", "xmp", "pdf", "pdfaid")}
    for de in desc:
        for attr in de.attrib:
            if attr.startswith("{") and attr[1:].split("}")[0] not in allowed | {NS["rdf"]}:
                fails.add("6.6.2.3.1 predefined schemas", fname, "attribute %s" % attr)
        for p in de:
            ns = p.tag[1:].split("}")[0]
            if ns not in allowed:
                fails.add("6.6.2.3.1 predefined schemas", fname, "property %s" % p.tag)
            li = p.findall(".//rdf:li", NS)
            props[p.tag] = ("; ".join(x.text or "" for x in li) if li else (p.text or "")).strip()

    def prop(prefix, name):
        return props.get("{%s}%s" % (NS[prefix], name))

    if prop("pdfaid", "part") != "2" or prop("pdfaid", "conformance") != "B":
        fails.add("6.6.4 PDF/A identification", fname, "part %r conformance %r" % (prop("pdfaid", "part"), prop("pdfaid", "conformance")))

    # ---- Info dictionary = XMP
    info = d.val(tr.get("/Info")) or {}
    pairs = [("/Title", "dc", "title"), ("/Author", "dc", "creator"), ("/Subject", "dc", "description"),
             ("/Keywords", "pdf", "Keywords"), ("/Creator", "xmp", "CreatorTool"), ("/Producer", "pdf", "Producer")]
    for key, pfx, name in pairs:
        iv = ustr(info.get(key))
        xv = prop(pfx, name)
        if iv is not None and iv != xv:
            fails.add("info=xmp Info dictionary equals XMP", fname, "%s %r, %s:%s %r" % (key, iv, pfx, name, xv))
    for key, name in (("/CreationDate", "CreateDate"), ("/ModDate", "ModifyDate")):
        iv = ustr(info.get(key))
        if iv is not None and pdf_date_to_xmp(iv) != prop("xmp", name):
            fails.add("info=xmp Info dictionary equals XMP", fname, "%s %r, xmp:%s %r" % (key, iv, name, prop("xmp", name)))
    if ustr(info.get("/CreationDate")) is None or prop("xmp", "CreateDate") is None:
        fails.add("info=xmp Info dictionary equals XMP", fname, "no creation date")


CLAUSES = ["6.1.2 header", "6.1.3 trailer ID, no Encrypt, nothing after %%EOF", "6.1.4 cross-reference table",
           "6.1.6 string objects", "6.1.7.1 stream Length and EOLs", "6.1.7.2 filters",
           "6.1.13 implementation limits", "6.2.2 content stream operators", "6.2.3 output intent",
           "6.2.4.3 device colour spaces", "6.2.11.2-3 font types", "6.2.11.4.1 fonts embedded",
           "6.2.11.4.2 subsets", "6.2.11.5 font metrics", "6.2.11.7 ToUnicode", "6.2.11.8 no .notdef",
           "6.3-6.9 nothing interactive or transparent", "6.6.2.1 XMP metadata stream",
           "6.6.2.3.1 predefined schemas", "6.6.4 PDF/A identification", "info=xmp Info dictionary equals XMP"]


def main(argv):
    fails = Failures()
    counts = {"files": 0, "fonts": 0, "glyphs": 0}
    for p in argv[1:]:
        check(p, fails, counts)
    extra = [c for c in fails if c not in CLAUSES]
    for c in CLAUSES + extra:
        if c in fails:
            print("FAIL pdfa %s: %s%s" % (c, "; ".join(fails[c][:3]), " (+%d more)" % (len(fails[c]) - 3) if len(fails[c]) > 3 else ""))
        else:
            print("PASS pdfa %s (%d files, %d fonts, %d glyphs)" % (c, counts["files"], counts["fonts"], counts["glyphs"]))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
