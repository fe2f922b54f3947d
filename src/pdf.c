/* pdf.c — tongbao's own PDF writer: display list → PDF 1.5 bytes.
 *
 * The display list has three kinds of mark (glyph runs, rules, filled
 * rectangles), so the writer is small: one content stream per page, one
 * Type0/Identity-H font per face with a subset (fontsub.c) and a ToUnicode
 * map, the Info dictionary and the outline.  Glyph codes in the content
 * streams are fixed the moment a glyph is first drawn (a CFF face's glyph
 * ID; for a TrueType face the order of first use), so pages are written as
 * they come and each font is subset once at the end with every glyph the
 * document used.  Positions are Pango's to the 1/100 pt; the gap between a glyph's
 * advance in the font and where layout put the next one becomes a TJ
 * adjustment, so justification and squeezing survive exactly and text
 * extraction sees the same runs Cairo produced.
 *
 * Everything is deterministic: no clocks, no addresses, objects numbered in
 * the order the document meets them; the file ID is a hash of the body. */
#include "pdf.h"

#include <assert.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangofc-font.h>
#include <stdint.h>
#include <stdlib.h>
#include <libdeflate.h>
#include <libxml/xmlwriter.h>
#include <nettle/sha2.h>
#include <string.h>

#include "fontset.h"

typedef struct {
    buf *out;
    size_t *offs;              /* per object number: byte offset, 0 = unwritten */
    int n_objs, cap_objs;
    fset fs;                   /* faces and glyphs (fontset.h) */
    int *font_obj;             /* per face: its Type0 font object */
    buf cs;                    /* the page being written */
    size_t *skip;              /* [start, end) pairs the file ID does not hash */
    size_t n_skip;
    int pdfa;                  /* PDF/A-2b: refuse rather than fall back */
    int raw_fonts;             /* font programs unfiltered (pdf.h) */
    char refused[160];         /* the face that could not be embedded, for the message */
    struct libdeflate_compressor *z; /* one per document, made at the first stream */
    unsigned char *zout;       /* its output, reused: faulted in once a document */
    size_t zcap;
    err *e;
} pw;

/* ---- small writers ---- */

/* Numbers and glyph codes by hand: printf was a tenth of a nightly run. */
static void put_int(buf *b, long long v) {
    char t[24];
    int k = sizeof t;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do t[--k] = (char)('0' + u % 10), u /= 10; while (u);
    if (v < 0) t[--k] = '-';
    buf_add(b, t + k, sizeof t - (size_t)k);
}

/* A coordinate to 1/100 point, without trailing zeros. */
static void num(buf *b, double v) {
    long long i = llround(v * 100);
    if (i < 0) buf_add(b, "-", 1), i = -i;
    put_int(b, i / 100);
    int frac = (int)(i % 100);
    if (frac) {
        char t[3] = {'.', (char)('0' + frac / 10), (char)('0' + frac % 10)};
        buf_add(b, t, frac % 10 ? 3 : 2);
    }
}

/* <XXXX>: a glyph code */
static void put_hex4(buf *b, unsigned g) {
    static const char hx[] = "0123456789ABCDEF";
    char t[6] = {'<', hx[(g >> 12) & 15], hx[(g >> 8) & 15], hx[(g >> 4) & 15], hx[g & 15], '>'};
    buf_add(b, t, 6);
}

/* UTF-8 as UTF-16BE hex digits (surrogate pairs past the BMP) */
static void put_utf16_hex(buf *b, const char *s, size_t n) {
    static const char hx[] = "0123456789ABCDEF";
    size_t adv;
    for (size_t i = 0; i < n; i += adv) {
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        unsigned u[2] = {cp, 0};
        int k = 1;
        if (cp >= 0x10000) cp -= 0x10000, u[0] = 0xD800 + (cp >> 10), u[1] = 0xDC00 + (cp & 0x3FF), k = 2;
        for (int j = 0; j < k; j++) {
            char t[4] = {hx[(u[j] >> 12) & 15], hx[(u[j] >> 8) & 15], hx[(u[j] >> 4) & 15], hx[u[j] & 15]};
            buf_add(b, t, 4);
        }
    }
}

static int new_obj(pw *w) {
    if (w->n_objs + 1 >= w->cap_objs) {
        int cap = w->cap_objs ? w->cap_objs * 2 : 64;
        size_t *n = xrealloc(w->offs, (size_t)cap * sizeof *n);
        memset(n + w->cap_objs, 0, (size_t)(cap - w->cap_objs) * sizeof *n);
        w->offs = n, w->cap_objs = cap;
    }
    return ++w->n_objs;
}

static void begin_obj(pw *w, int id) {
    w->offs[id] = w->out->len;
    buf_printf(w->out, "%d 0 obj\n", id);
}

/* Every stream is deflated by libdeflate at level 1 (zlib format, as
 * FlateDecode wants).  Measured on the seed-size bulletin: page contents and
 * ToUnicode maps 11.9 KB where zlib level 3 gave 12.2 KB in about 60% of the
 * time; font programs (dense CFF outlines) 281 KB where plain Huffman coding
 * gave 292 KB, for about 2 ms more a bulletin; higher levels save under 2%
 * more at two to five times the cost.  Deterministic for a given libdeflate. */
#define PW_ZLEVEL 1

/* A stream object, deflated when z and that makes it smaller.  extra: more
 * dictionary entries. */
static int stream_obj_z(pw *w, int id, const void *data, size_t len, const char *extra, int z) {
    size_t zl = 0;
    if (z && len > 64) {
        if (!w->z && !(w->z = libdeflate_alloc_compressor(PW_ZLEVEL))) return -1;
        size_t bound = libdeflate_zlib_compress_bound(w->z, len);
        if (bound > w->zcap) {
            w->zout = xrealloc(w->zout, bound);
            w->zcap = bound;
        }
        zl = libdeflate_zlib_compress(w->z, data, len, w->zout, bound);
    }
    int deflated = zl > 0 && zl < len;
    begin_obj(w, id);
    buf_printf(w->out, "<< /Length %zu%s%s >>\nstream\n", deflated ? zl : len,
               deflated ? " /Filter /FlateDecode" : "", extra ? extra : "");
    buf_add(w->out, deflated ? (const void *)w->zout : data, deflated ? zl : len);
    buf_puts(w->out, "\nendstream\nendobj\n");
    return 0;
}

static int stream_obj(pw *w, int id, const void *data, size_t len, const char *extra) {
    return stream_obj_z(w, id, data, len, extra, 1);
}

/* A text string: UTF-16BE with a byte-order mark, in hex. */
static void text_string(buf *b, const char *s) {
    buf_puts(b, "<FEFF");
    put_utf16_hex(b, s, strlen(s));
    buf_puts(b, ">");
}

/* ---- pages ---- */

/* A colour component: %g keeps Cairo's spelling (0.901961), and a value too
 * small for fixed notation is 0 (%g would write an exponent, which is not
 * PDF syntax). */
static double comp(double v) { return v < 1e-4 ? 0 : v > 1 ? 1 : v; }

static void fill_rgb(pw *w, const double rgb[3], double cur[3]) {
    if (!memcmp(rgb, cur, 3 * sizeof *rgb)) return;
    memcpy(cur, rgb, 3 * sizeof *rgb);
    buf_printf(&w->cs, "%g %g %g rg\n", comp(rgb[0]), comp(rgb[1]), comp(rgb[2]));
}

/* One glyph run.  The text matrix is set once; afterwards every glyph's
 * place is reached by the font advance plus a TJ adjustment, and a new
 * matrix only where a glyph leaves the baseline. */
static int glyph_run(pw *w, const lay_op *op, double page_h) {
    fset_ref *ref = NULL;
    int r = fset_ref_for(&w->fs, op->gi.item->analysis.font, &ref, w->e);
    if (r > 0 && !w->refused[0]) {
        PangoFontDescription *d = pango_font_describe(op->gi.item->analysis.font);
        char *n = d ? pango_font_description_to_string(d) : NULL;
        snprintf(w->refused, sizeof w->refused, "%s", n ? n : "a face");
        g_free(n);
        if (d) pango_font_description_free(d);
    }
    if (r) return r;
    fset_font *f = &w->fs.fonts[ref->font];
    const PangoGlyphString *gs = op->gi.glyphs;
    const char *item_text = op->text + op->gi.item->offset;
    int item_len = op->gi.item->length;
    double size = ref->size;
    buf *b = &w->cs;
    buf_printf(b, "BT\n/F%d ", ref->font + 1);
    num(b, size);
    buf_puts(b, " Tf\n");
    double x = op->x, pen = 0, cur_y = NAN;
    int open = 0;
    for (int i = 0; i < gs->num_glyphs; i++) {
        const PangoGlyphInfo *gl = &gs->glyphs[i];
        double gx = x + gl->geometry.x_offset / (double)PANGO_SCALE;
        double gy = page_h - (op->y + gl->geometry.y_offset / (double)PANGO_SCALE);
        x += gl->geometry.width / (double)PANGO_SCALE;
        PangoGlyph g = gl->glyph;
        if (g == PANGO_GLYPH_EMPTY) continue;
        /* ISO 19005-2 6.2.11.8: no text-showing operator may draw .notdef */
        if (g == 0 && w->pdfa) {
            int c0, c1;
            char ch[64] = "";
            if (fset_cluster(gs, i, item_len, &c0, &c1) && c1 - c0 < (int)sizeof ch)
                memcpy(ch, item_text + c0, (size_t)(c1 - c0)), ch[c1 - c0] = 0;
            return err_set(w->e, TB_EFONT, NULL, 0, 0,
                           "PDF/A: \"%s\" has no glyph in %s and would draw .notdef (ISO 19005-2 6.2.11.8); "
                           "install a face that has it, or render without --pdfa", ch, f->info.psname);
        }
        if (g & PANGO_GLYPH_UNKNOWN_FLAG || g >= f->info.n_glyphs) {
            if (open) buf_puts(b, "] TJ\n");
            buf_puts(b, "ET\n");
            return 1;              /* a hex box: Cairo's business */
        }
        if (gy != cur_y) {
            if (open) buf_puts(b, "] TJ\n");
            buf_puts(b, "1 0 0 1 ");
            num(b, gx);
            buf_add(b, " ", 1);
            num(b, gy);
            buf_puts(b, " Tm [");
            open = 1, cur_y = gy, pen = gx;
        } else {
            long adj = lround((pen - gx) * 1000 / size);
            if (adj) {
                put_int(b, adj);
                pen -= adj * size / 1000;
            }
        }
        fset_glyph *e = fset_glyph_of(f, g);
        put_hex4(b, e->code);
        pen += e->w * size / 1000;
        /* the first glyph of a cluster carries the cluster's text */
        fset_note_text(&w->fs, e, gs, i, item_text, item_len);
    }
    if (open) buf_puts(b, "] TJ\n");
    buf_puts(b, "ET\n");
    return 0;
}

static int page_content(pw *w, const lay_page *pg, double page_h) {
    buf_reset(&w->cs);
    double fill[3] = {0, 0, 0}, stroke[3] = {0, 0, 0}, lw = 1;
    buf *b = &w->cs;
    for (size_t k = 0; k < pg->n_ops; k++) {
        const lay_op *op = &pg->ops[k];
        if (op->kind == LAY_RULE) {
            if (memcmp(op->rgb, stroke, sizeof stroke)) {
                memcpy(stroke, op->rgb, sizeof stroke);
                buf_printf(b, "%g %g %g RG\n", comp(stroke[0]), comp(stroke[1]), comp(stroke[2]));
            }
            if (op->weight != lw) {
                lw = op->weight;
                num(b, lw);
                buf_puts(b, " w\n");
            }
            num(b, op->x), buf_add(b, " ", 1), num(b, page_h - op->y), buf_puts(b, " m ");
            num(b, op->x2), buf_add(b, " ", 1), num(b, page_h - op->y2), buf_puts(b, " l S\n");
        } else if (op->kind == LAY_RECT) {
            fill_rgb(w, op->rgb, fill);
            num(b, op->x), buf_add(b, " ", 1), num(b, page_h - op->y - op->y2), buf_add(b, " ", 1);
            num(b, op->x2), buf_add(b, " ", 1), num(b, op->y2), buf_puts(b, " re f\n");
        } else {
            fill_rgb(w, op->rgb, fill);
            int r = glyph_run(w, op, page_h);
            if (r) return r;
        }
    }
    return 0;
}

/* ---- fonts at the end ---- */

static int write_font(pw *w, size_t fi) {
    const fset_font *f = &w->fs.fonts[fi];
    const fsub_info *in = &f->info;
    fset_subset sub;
    int rc = fset_subset_make(f, &sub, w->e);
    if (rc) return rc;
    fset_glyph **bc = sub.by_code;
    const char *name = sub.name;
    int o_cid = new_obj(w), o_desc = new_obj(w), o_file = new_obj(w), o_uni = new_obj(w);
    double k = 1000.0 / in->upem;
    buf *o = w->out;

    begin_obj(w, w->font_obj[fi]);
    buf_printf(o, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "
               "/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\nendobj\n", name, o_cid, o_uni);

    begin_obj(w, o_cid);
    buf_printf(o, "<< /Type /Font /Subtype /%s /BaseFont /%s "
               "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
               "/FontDescriptor %d 0 R%s /DW ",
               in->kind == FSUB_CFF ? "CIDFontType0" : "CIDFontType2", name, o_desc,
               in->kind == FSUB_TTF ? " /CIDToGIDMap /Identity" : "");
    /* /DW is the commonest advance (a CJK face's em): /W lists only the
     * others, a few punctuation marks and digits instead of every glyph */
    double dw = 0;
    for (size_t i = 0, best = 0; i < f->n_used; i++) {
        size_t c = 0;
        for (size_t k = 0; k < f->n_used && c <= f->n_used / 2; k++) c += f->gl[k].w == f->gl[i].w;
        if (c > best) best = c, dw = f->gl[i].w;
        if (2 * best > f->n_used) break;
    }
    num(o, dw);
    buf_puts(o, " /W [");
    for (size_t i = 0, nu = f->n_used; i < nu;) {
        if (bc[i]->w == dw) {
            i++;
            continue;
        }
        size_t j = i;
        put_int(o, bc[i]->code);
        buf_add(o, " [", 2);
        for (; j < nu && bc[j]->code == bc[i]->code + (j - i) && bc[j]->w != dw; j++) {
            if (j > i) buf_add(o, " ", 1);
            num(o, bc[j]->w);
        }
        buf_puts(o, "] ");
        i = j;
    }
    buf_puts(o, "] >>\nendobj\n");

    int flags = 4 | (in->fixed_pitch ? 1 : 0) | (in->serif_hint ? 2 : 0) | (in->italic_angle != 0 ? 64 : 0);
    begin_obj(w, o_desc);
    buf_printf(o, "<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%.0f %.0f %.0f %.0f] "
               "/ItalicAngle ", name, flags, in->bbox[0] * k, in->bbox[1] * k, in->bbox[2] * k, in->bbox[3] * k);
    num(o, in->italic_angle);
    buf_printf(o, " /Ascent %.0f /Descent %.0f /CapHeight %.0f /StemV 80 /%s %d 0 R >>\nendobj\n",
               in->ascent * k, in->descent * k, in->cap_height * k,
               in->kind == FSUB_CFF ? "FontFile3" : "FontFile2", o_file);

    char extra[64];
    if (in->kind == FSUB_CFF) snprintf(extra, sizeof extra, " /Subtype /CIDFontType0C");
    else snprintf(extra, sizeof extra, " /Length1 %zu", sub.prog.len);
    /* the program is most of the file and already named by the subset tag:
     * the file ID need not hash it again */
    size_t at = w->out->len;
    rc = stream_obj_z(w, o_file, sub.prog.data, sub.prog.len, extra, !w->raw_fonts);
    if (rc == 0) {
        size_t *sk = w->skip = xrealloc(w->skip, (w->n_skip + 1) * 2 * sizeof *sk);
        sk[2 * w->n_skip] = at, sk[2 * w->n_skip + 1] = w->out->len, w->n_skip++;
    }

    /* ToUnicode: glyph → the text of the cluster it starts */
    buf cm;
    buf_init(&cm);
    buf_puts(&cm, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                  "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                  "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                  "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    size_t with = 0;
    for (size_t i = 0; i < f->n_used; i++) with += bc[i]->uni != 0;
    for (size_t i = 0, done = 0; i < f->n_used; i++) {
        if (!bc[i]->uni) continue;
        if (done % 100 == 0) buf_printf(&cm, "%zu beginbfchar\n", with - done < 100 ? with - done : 100);
        put_hex4(&cm, bc[i]->code);
        buf_add(&cm, " <", 2);
        const char *s = fset_text(&w->fs, bc[i]);
        put_utf16_hex(&cm, s, strlen(s));
        buf_add(&cm, ">\n", 2);
        if (++done % 100 == 0 || done == with) buf_puts(&cm, "endbfchar\n");
    }
    buf_puts(&cm, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    if (!rc) rc = stream_obj(w, o_uni, cm.data, cm.len, NULL);
    buf_free(&cm);
    fset_subset_free(&sub);
    return rc ? err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "libdeflate could not start a compressor") : 0;
}

/* ---- the document ---- */

/* The date's fourteen digits (YYYYMMDDhhmmss), zero-padded: the Info
 * dictionary and the XMP both spell the date from these, so they agree. */
static void date_digits(const char *iso, char d[15]) {
    size_t k = 0;
    for (const char *p = iso; *p && k < 14; p++)
        if (*p >= '0' && *p <= '9') d[k++] = *p;
    while (k < 14) d[k++] = '0';
    d[14] = 0;
}

static void pdf_date(buf *b, const char *iso) {
    char d[15];
    date_digits(iso, d);
    buf_printf(b, "(D:%s)", d);
}

/* ---- PDF/A-2b ----
 *
 * What ISO 19005-2:2011 (PDF/A-2) asks of a file at level B, clause by
 * clause, and where this writer meets it (pdf_a_test.py in the tests
 * checks each on the output through qpdf's JSON view):
 *   6.1.2    header %PDF-1.n (n 0..7) at byte 0, then a comment of four
 *            bytes above 127: pdf_writer_new's first line.  PDF/A files say 1.7,
 *            the version ISO 32000-1 (which PDF/A-2 is built on) describes;
 *            nothing used is newer than 1.4 (XMP stream, output intent).
 *   6.1.3    trailer with an ID (a hash of the body), no Encrypt, nothing
 *            after %%EOF: write_trailer.
 *   6.1.4    a classic cross-reference table, one subsection from 0.
 *   6.1.6    strings in the document are hexadecimal with an even number
 *            of digits (text_string, put_hex4).
 *   6.1.7    stream Length exact, "stream" + LF, EOL before "endstream",
 *            no F/FFilter/FDecodeParms; only FlateDecode (6.1.7.2): stream_obj.
 *   6.1.13   implementation limits: integers, names and strings far below
 *            them; CIDs are 16-bit.
 *   6.2.2    content streams use only ISO 32000-1 operators (BT ET Tf Tm
 *            TJ rg RG w m l S re f).
 *   6.2.3    one OutputIntent /GTS_PDFA1 whose DestOutputProfile is an
 *            ICC profile of class mntr, colour space RGB, version 2.3:
 *            the sRGB profile of Debian's icc-profiles-free (srgb_icc).
 *   6.2.4.3  DeviceRGB (rg, RG) only: allowed by that RGB output intent.
 *   6.2.11.2, 6.2.11.3  fonts are Type0/Identity-H with CIDFontType0
 *            (CFF) or CIDFontType2 (TrueType, /CIDToGIDMap /Identity):
 *            write_font.
 *   6.2.11.4.1  every font program embedded (FontFile3/FontFile2); a face
 *            the own writer cannot embed is refused, never handed to Cairo.
 *   6.2.11.4.2  subsets carry the six-letter tag; no CIDSet is written
 *            (PDF/A-2 makes it optional: "if present, complete").
 *   6.2.11.5 /W and /DW are the font program's own advances (hmtx), to
 *            1/100 of a unit, inside the one-unit tolerance.
 *   6.2.11.7 every font has a ToUnicode map (required for level U only;
 *            written anyway, so text extracts).
 *   6.2.11.8 no glyph 0 (.notdef) is ever shown: glyph_run refuses it.
 *   6.6.2.1  the Catalog's /Metadata is an XMP stream /Type /Metadata
 *            /Subtype /XML, unfiltered UTF-8, well-formed RDF, its packet
 *            header without bytes= or encoding=.
 *   6.6.2.3.1  only predefined schemas: dc, xmp, pdf, pdfaid.
 *   6.6.4    pdfaid:part 2, pdfaid:conformance B.
 *   ISO 32000-1 14.3.3  the Info dictionary's entries equal their XMP
 *            counterparts (Title = dc:title, Author = dc:creator, Subject
 *            = dc:description, Keywords = pdf:Keywords, Creator =
 *            xmp:CreatorTool, Producer = pdf:Producer, CreationDate =
 *            xmp:CreateDate, ModDate = xmp:ModifyDate): xmp_packet.
 * Not used at all, so met trivially: annotations, actions (outline
 * entries are /Dest arrays), forms, images, transparency, optional
 * content, embedded files, encryption. */

extern const unsigned char srgb_icc[];   /* generated from icc-profiles-free at build time */
extern const size_t srgb_icc_len;

/* The XMP packet: the Info dictionary's entries in their XMP spelling and
 * the PDF/A identification (6.6.2.1, 6.6.2.3.1, 6.6.4), written with
 * libxml2's writer (it escapes; the packet's processing instructions go in
 * as they are).  Text that XML 1.0 cannot carry (control characters) is a
 * space, as in the Info dictionary's strings.  0, or -1: out of memory. */
typedef struct {
    xmlTextWriterPtr w;
    int bad;
} xmp_w;

static void xmp_el(xmp_w *x, const char *name, const char *lang, const char *text) {
    if (x->bad || !text) return;
    char *t = xstrdup(text);
    if (!t) {
        x->bad = 1;
        return;
    }
    for (char *q = t; *q; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t' && *q != '\n') *q = ' ';
    if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0 ||
        (lang && xmlTextWriterWriteAttribute(x->w, BAD_CAST "xml:lang", BAD_CAST lang) < 0) ||
        xmlTextWriterWriteString(x->w, BAD_CAST t) < 0 || xmlTextWriterEndElement(x->w) < 0)
        x->bad = 1;
    free(t);
}

static void xmp_start(xmp_w *x, const char *name) {
    if (!x->bad && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0) x->bad = 1;
}

static void xmp_end(xmp_w *x) {
    if (!x->bad && xmlTextWriterEndElement(x->w) < 0) x->bad = 1;
}

static void xmp_attr(xmp_w *x, const char *name, const char *val) {
    if (!x->bad && xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST val) < 0) x->bad = 1;
}

/* dc:title and dc:description are language alternatives, dc:creator an
 * ordered list (XMP Part 1, 8.2.2.4 and 8.2.2.3) */
static void xmp_list(xmp_w *x, const char *name, const char *kind, const char *text) {
    if (!text) return;
    xmp_start(x, name);
    xmp_start(x, kind);
    xmp_el(x, "rdf:li", strcmp(kind, "rdf:Alt") ? NULL : "x-default", text);
    xmp_end(x);
    xmp_end(x);
}

static int xmp_packet(buf *out, const pdf_meta *m, const char *producer, const char *date) {
    char d[15];
    date_digits(date, d);
    char xd[20];
    snprintf(xd, sizeof xd, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", d, d + 4, d + 6, d + 8, d + 10, d + 12);
    xmlBufferPtr b = xmlBufferCreateSize(2048);
    xmp_w x = {b ? xmlNewTextWriterMemory(b, 0) : NULL, 0};
    if (!x.w) {
        if (b) xmlBufferFree(b);
        return -1;
    }
    /* no XML declaration: the packet header comes first (6.6.2.1) */
    if (xmlTextWriterSetIndent(x.w, 1) < 0 || xmlTextWriterSetIndentString(x.w, BAD_CAST " ") < 0 ||
        xmlTextWriterWritePI(x.w, BAD_CAST "xpacket", BAD_CAST "begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"") < 0)
        x.bad = 1;
    xmp_start(&x, "x:xmpmeta");
    xmp_attr(&x, "xmlns:x", "adobe:ns:meta/");
    xmp_start(&x, "rdf:RDF");
    xmp_attr(&x, "xmlns:rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
    xmp_start(&x, "rdf:Description");
    xmp_attr(&x, "rdf:about", "");
    xmp_attr(&x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    xmp_attr(&x, "xmlns:xmp", "http://ns.adobe.com/xap/1.0/");
    xmp_attr(&x, "xmlns:pdf", "http://ns.adobe.com/pdf/1.3/");
    xmp_attr(&x, "xmlns:pdfaid", "http://www.aiim.org/pdfa/ns/id/");
    xmp_el(&x, "dc:format", NULL, "application/pdf");
    xmp_list(&x, "dc:title", "rdf:Alt", m ? m->title : NULL);
    xmp_list(&x, "dc:creator", "rdf:Seq", m ? m->author : NULL);
    xmp_list(&x, "dc:description", "rdf:Alt", m ? m->subject : NULL);
    xmp_el(&x, "xmp:CreateDate", NULL, xd);
    xmp_el(&x, "xmp:ModifyDate", NULL, xd);
    xmp_el(&x, "xmp:MetadataDate", NULL, xd);
    xmp_el(&x, "xmp:CreatorTool", NULL, m ? m->creator : NULL);
    xmp_el(&x, "pdf:Producer", NULL, producer);
    xmp_el(&x, "pdf:Keywords", NULL, m ? m->keywords : NULL);
    xmp_el(&x, "pdfaid:part", NULL, "2");
    xmp_el(&x, "pdfaid:conformance", NULL, "B");
    xmp_end(&x);
    xmp_end(&x);
    xmp_end(&x);
    if (!x.bad && (xmlTextWriterWritePI(x.w, BAD_CAST "xpacket", BAD_CAST "end=\"w\"") < 0 ||
                   xmlTextWriterEndDocument(x.w) < 0 || xmlTextWriterFlush(x.w) < 0))
        x.bad = 1;
    xmlFreeTextWriter(x.w);
    if (!x.bad) {
        /* the writer ends each node with a line break: the packet ends at ?> */
        size_t n = (size_t)xmlBufferLength(b);
        const char *c = (const char *)xmlBufferContent(b);
        while (n && c[n - 1] == '\n') n--;
        buf_add(out, c, n);
    }
    xmlBufferFree(b);
    return x.bad ? -1 : 0;
}

/* The metadata stream, the ICC profile and the output intent; their
 * object numbers in *o_meta and *o_intent (the OutputIntents array). */
static int write_pdfa_objects(pw *w, const pdf_meta *m, const char *producer, const char *date, int *o_meta,
                              int *o_intent) {
    buf x;
    buf_init(&x);
    int bad = xmp_packet(&x, m, producer, date);
    int o_icc = new_obj(w);
    *o_meta = new_obj(w), *o_intent = new_obj(w);
    if (bad) {
        buf_free(&x);
        return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "libxml2 could not write the PDF/A metadata");
    }
    /* 6.6.2.1: not filtered, so any reader of the file finds it as text */
    begin_obj(w, *o_meta);
    buf_printf(w->out, "<< /Type /Metadata /Subtype /XML /Length %zu >>\nstream\n", x.len);
    buf_add(w->out, x.data, x.len);
    buf_puts(w->out, "\nendstream\nendobj\n");
    buf_free(&x);
    if (stream_obj(w, o_icc, srgb_icc, srgb_icc_len, " /N 3"))
        return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "libdeflate could not start a compressor");
    begin_obj(w, *o_intent);
    buf_printf(w->out, "[<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
                       "/RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) "
                       "/DestOutputProfile %d 0 R >>]\nendobj\n", o_icc);
    return 0;
}

static void pw_free(pw *w) {
    fset_free(&w->fs);
    free(w->font_obj);
    free(w->offs);
    free(w->skip);
    if (w->z) libdeflate_free_compressor(w->z);
    free(w->zout);
    buf_free(&w->cs);
}

/* ---- the writer, page by page ----
 *
 * Objects 1-4 are the catalog, the page tree, the Info dictionary and the
 * resources; each page then takes the next two numbers (page, contents) as
 * it comes, and the fonts, outline and the rest follow the last page.  So
 * a page can be written the moment layout finishes it, and the file is the
 * same whether layout hands over pages one by one or all at the end. */
enum { O_CAT = 1, O_PAGES, O_INFO, O_RES, O_FIRST_PAGE };

struct pdf_writer {
    pw w;
    const pdf_meta *m;
    size_t n_pages;
};

pdf_writer *pdf_writer_new(const pdf_meta *m, buf *out, err *e) {
    pdf_writer *pd = xcalloc(1, sizeof *pd);
    pw *w = &pd->w;
    pd->m = m;
    buf_reset(out);
    w->out = out;
    w->e = e;
    w->pdfa = m && m->pdfa;
    w->raw_fonts = m && m->raw_fonts;
    fset_init(&w->fs), buf_init(&w->cs);
    buf_puts(out, w->pdfa ? "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n" : "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n");
    for (int i = O_CAT; i < O_FIRST_PAGE; i++) new_obj(w);
    return pd;
}

void pdf_writer_free(pdf_writer *pd) {
    if (!pd) return;
    pw_free(&pd->w);
    free(pd);
}

/* 0, -1 with e set, or 1: a face this writer cannot embed. */
int pdf_writer_page(pdf_writer *pd, const lay_result *r, const lay_page *pg) {
    pw *w = &pd->w;
    buf *o = w->out;
    int o_page = new_obj(w), o_cs = new_obj(w);
    assert(o_page == O_FIRST_PAGE + 2 * (int)pd->n_pages);
    pd->n_pages++;
    int rc = page_content(w, pg, r->page_h);
    if (rc) return rc;
    if (stream_obj(w, o_cs, w->cs.data, w->cs.len, NULL))
        return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "libdeflate could not start a compressor");
    begin_obj(w, o_page);
    buf_printf(o, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 ", O_PAGES);
    num(o, r->page_w), buf_add(o, " ", 1), num(o, r->page_h);
    buf_printf(o, "] /Resources %d 0 R /Contents %d 0 R >>\nendobj\n", O_RES, o_cs);
    return 0;
}

/* Outline: the first entry is the title, open, with the sections under
 * it, as a reader expects of a bulletin's bookmarks.  Its object, or 0. */
static int write_outline(pw *w, const lay_result *r) {
    buf *o = w->out;
    if (!r->n_outlines) return 0;
    int o_outl = new_obj(w);
    int base = w->n_objs + 1;
    for (size_t i = 0; i < r->n_outlines; i++) new_obj(w);
    size_t kids = r->n_outlines - 1;
    begin_obj(w, o_outl);
    buf_printf(o, "<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %zu >>\nendobj\n", base, base,
               r->n_outlines);
    for (size_t i = 0; i < r->n_outlines; i++) {
        const lay_outline *ol = &r->outlines[i];
        int id = base + (int)i;
        int pg = ol->page >= 1 && (size_t)ol->page <= r->n_pages ? ol->page : 1;
        begin_obj(w, id);
        buf_puts(o, "<< /Title ");
        text_string(o, ol->label ? ol->label : "");
        if (i == 0) {
            buf_printf(o, " /Parent %d 0 R", o_outl);
            if (kids) buf_printf(o, " /First %d 0 R /Last %d 0 R /Count %zu", base + 1, base + (int)kids, kids);
        } else {
            buf_printf(o, " /Parent %d 0 R", base);
            if (i > 1) buf_printf(o, " /Prev %d 0 R", id - 1);
            if (i < kids) buf_printf(o, " /Next %d 0 R", id + 1);
        }
        buf_printf(o, " /Dest [%d 0 R /XYZ 0 ", O_FIRST_PAGE + 2 * (pg - 1));
        num(o, r->page_h - ol->y);
        buf_puts(o, " 0] >>\nendobj\n");
    }
    return o_outl;
}

/* The cross-reference table and the trailer; the file ID hashes the body
 * but for the font programs. */
static void write_trailer(pw *w) {
    buf *o = w->out;
    unsigned char id[SHA256_DIGEST_SIZE];
    struct sha256_ctx h;
    sha256_init(&h);
    for (size_t i = 0, from = 0; i <= w->n_skip; i++) {
        size_t to = i < w->n_skip ? w->skip[2 * i] : o->len;
        sha256_update(&h, to - from, (const uint8_t *)o->data + from);
        if (i < w->n_skip) from = w->skip[2 * i + 1];
    }
    sha256_digest(&h, sizeof id, id);
    size_t xref = o->len;
    buf_printf(o, "xref\n0 %d\n0000000000 65535 f \n", w->n_objs + 1);
    for (int i = 1; i <= w->n_objs; i++) {
        char t[20] = "0000000000 00000 n \n";
        for (size_t v = w->offs[i], k = 10; k-- > 0; v /= 10) t[k] = (char)('0' + v % 10);
        buf_add(o, t, 20);
    }
    buf_printf(o, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<", w->n_objs + 1, O_CAT, O_INFO);
    for (int i = 0; i < 16; i++) buf_printf(o, "%02X", id[i]);
    buf_puts(o, "> <");
    for (int i = 0; i < 16; i++) buf_printf(o, "%02X", id[i]);
    buf_printf(o, ">] >>\nstartxref\n%zu\n%%%%EOF\n", xref);
}

/* After the last page: fonts (subset from the glyphs the pages used),
 * resources, outline, Info, page tree, catalog, trailer. */
int pdf_writer_finish(pdf_writer *pd, const lay_result *r) {
    pw *w = &pd->w;
    const pdf_meta *m = pd->m;
    buf *o = w->out;
    assert(pd->n_pages == r->n_pages);
    if (w->fs.n_fonts) w->font_obj = xmalloc(w->fs.n_fonts * sizeof *w->font_obj);
    for (size_t i = 0; i < w->fs.n_fonts; i++) {
        w->font_obj[i] = new_obj(w);
        int rc = write_font(w, i);
        if (rc) return rc;
    }
    begin_obj(w, O_RES);
    buf_puts(o, "<< /ProcSet [/PDF /Text] /Font <<");
    for (size_t i = 0; i < w->fs.n_fonts; i++) buf_printf(o, " /F%zu %d 0 R", i + 1, w->font_obj[i]);
    buf_puts(o, " >> >>\nendobj\n");
    int o_outl = write_outline(w, r);

    const char *producer = m && m->creator ? m->creator : "tongbao";
    const char *date = m && m->date ? m->date : "2000-01-01T00:00:00";
    int o_meta = 0, o_intent = 0;
    if (w->pdfa && write_pdfa_objects(w, m, producer, date, &o_meta, &o_intent)) return -1;

    begin_obj(w, O_INFO);
    buf_puts(o, "<<");
    const char *keys[] = {"Title", "Author", "Subject", "Keywords", "Creator"};
    const char *vals[] = {m ? m->title : NULL, m ? m->author : NULL, m ? m->subject : NULL,
                          m ? m->keywords : NULL, m ? m->creator : NULL};
    for (int i = 0; i < 5; i++)
        if (vals[i]) buf_printf(o, " /%s ", keys[i]), text_string(o, vals[i]);
    buf_puts(o, " /Producer ");
    text_string(o, producer);
    buf_puts(o, " /CreationDate "), pdf_date(o, date);
    buf_puts(o, " /ModDate "), pdf_date(o, date);
    buf_puts(o, " >>\nendobj\n");

    begin_obj(w, O_PAGES);
    buf_puts(o, "<< /Type /Pages /Kids [");
    for (size_t p = 0; p < r->n_pages; p++) buf_printf(o, "%s%d 0 R", p ? " " : "", O_FIRST_PAGE + 2 * (int)p);
    buf_printf(o, "] /Count %zu >>\nendobj\n", r->n_pages);

    begin_obj(w, O_CAT);
    buf_printf(o, "<< /Type /Catalog /Pages %d 0 R", O_PAGES);
    if (o_outl) buf_printf(o, " /Outlines %d 0 R /PageMode /UseOutlines", o_outl);
    if (w->pdfa) buf_printf(o, " /Metadata %d 0 R /OutputIntents %d 0 R", o_meta, o_intent);
    buf_puts(o, " >>\nendobj\n");
    write_trailer(w);
    return 0;
}

/* A pdf_writer's 1 as pdf_render reports it: PDF/A refuses (6.2.11.4.1:
 * Cairo's file would not be PDF/A); else 1, for the caller to draw the
 * pages with Cairo. */
int pdf_writer_refusal(pdf_writer *pd, err *e) {
    if (!pd->w.pdfa) return 1;
    buf_reset(pd->w.out);
    return err_set(e, TB_EFONT, NULL, 0, 0,
                   "PDF/A: tongbao cannot embed %s itself (a variable face, one fontconfig emboldens or "
                   "slants, outlines neither CFF nor TrueType, or a glyph it lacks); pick another face in "
                   "fonts/tongbao.conf, or write a plain PDF without --pdfa",
                   pd->w.refused[0] ? pd->w.refused : "a face of this bulletin");
}

int pdf_use_own(const pdf_meta *m) {
    const char *force = getenv("TONGBAO_PDF_WRITER");
    return !(force && !strcmp(force, "cairo") && !(m && m->pdfa));
}

int pdf_render(const lay_result *r, const pdf_meta *m, buf *out, err *e) {
    if (!pdf_use_own(m)) return pdf_render_cairo(r, m, out, e);
    pdf_writer *pd = pdf_writer_new(m, out, e);
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < r->n_pages; p++) rc = pdf_writer_page(pd, r, &r->pages[p]);
    if (rc == 0) rc = pdf_writer_finish(pd, r);
    if (rc == 1) rc = pdf_writer_refusal(pd, e);
    pdf_writer_free(pd);
    if (rc == 1) {
        /* nothing the own writer met is an error for Cairo's path */
        *e = (err){0};
        return pdf_render_cairo(r, m, out, e);
    }
    if (rc) buf_reset(out);
    return rc ? -1 : 0;
}
