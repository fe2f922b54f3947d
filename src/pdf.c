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

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangofc-font.h>
#include <stdint.h>
#include <stdlib.h>
#include <libdeflate.h>
#include <nettle/sha2.h>
#include <string.h>

#include "fontsub.h"

typedef struct {
    unsigned gid;
    unsigned code;             /* what the content stream writes */
    uint32_t uni;              /* 1 + offset into pw.uni_text, 0 = none */
    double w;                  /* advance in 1/1000 em, rounded as /W states it */
} pw_glyph;

typedef struct {
    hb_face_t *face;
    fsub_info info;
    fsub_hmtx hmtx;
    /* the glyphs this document draws, in order of first use, and an
     * open-addressing index gid → entry: a document uses a few hundred of
     * a CJK face's tens of thousands, so nothing is sized by the face */
    pw_glyph *gl;
    unsigned n_used, cap_used;
    unsigned *slot;            /* entry index + 1, 0 = empty */
    unsigned n_slots;          /* a power of two, at least twice n_used */
    unsigned next_code;        /* TrueType: the last code handed out */
    int obj;                   /* Type0 font object */
} pw_font;

typedef struct {
    PangoFont *pf;             /* not owned */
    int font;                  /* index into pw.fonts */
    double size;
} pw_fontref;

typedef struct {
    buf *out;
    size_t *offs;              /* per object number: byte offset, 0 = unwritten */
    int n_objs, cap_objs;
    pw_font *fonts;
    size_t n_fonts;
    pw_fontref *refs;
    size_t n_refs;
    buf uni_text;
    buf cs;                    /* the page being written */
    size_t *skip;              /* [start, end) pairs the file ID does not hash */
    size_t n_skip;
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
        size_t *n = realloc(w->offs, (size_t)cap * sizeof *n);
        if (!n) return -1;
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

/* A stream object, deflated when that makes it smaller.  extra: more
 * dictionary entries. */
static int stream_obj(pw *w, int id, const void *data, size_t len, const char *extra) {
    size_t zl = 0;
    if (len > 64) {
        if (!w->z && !(w->z = libdeflate_alloc_compressor(PW_ZLEVEL))) return -1;
        size_t bound = libdeflate_zlib_compress_bound(w->z, len);
        if (bound > w->zcap) {
            unsigned char *n = realloc(w->zout, bound);
            if (!n) return -1;
            w->zout = n, w->zcap = bound;
        }
        zl = libdeflate_zlib_compress(w->z, data, len, w->zout, bound);
    }
    int deflated = zl > 0 && zl < len;
    begin_obj(w, id);
    buf_printf(w->out, "<< /Length %zu%s%s >>\nstream\n", deflated ? zl : len,
               deflated ? " /Filter /FlateDecode" : "", extra ? extra : "");
    buf_add(w->out, deflated ? (const void *)w->zout : data, deflated ? zl : len);
    buf_puts(w->out, "\nendstream\nendobj\n");
    return w->out->oom ? -1 : 0;
}

/* A text string: UTF-16BE with a byte-order mark, in hex. */
static void text_string(buf *b, const char *s) {
    buf_puts(b, "<FEFF");
    put_utf16_hex(b, s, strlen(s));
    buf_puts(b, ">");
}

/* ---- fonts ---- */

/* The document font for a Pango font, or -1 with e set; 1 when the face
 * cannot be written here (the caller falls back to Cairo). */
static int font_for(pw *w, PangoFont *pf, pw_fontref **ref) {
    for (size_t i = 0; i < w->n_refs; i++)
        if (w->refs[i].pf == pf) return *ref = &w->refs[i], 0;
    if (!PANGO_IS_FC_FONT(pf)) return 1;
    /* a face fontconfig wants emboldened or slanted is drawn by the
     * rasterizer's tricks, which only Cairo reproduces */
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(pf));
    FcBool emb = FcFalse;
    FcMatrix *mx;
    if (pat && FcPatternGetBool(pat, FC_EMBOLDEN, 0, &emb) == FcResultMatch && emb) return 1;
    if (pat && FcPatternGetMatrix(pat, FC_MATRIX, 0, &mx) == FcResultMatch &&
        (mx->xx != 1 || mx->yy != 1 || mx->xy != 0 || mx->yx != 0))
        return 1;
    hb_font_t *hf = pango_font_get_hb_font(pf);
    hb_face_t *face = hf ? hb_font_get_face(hf) : NULL;
    if (!face) return 1;
    PangoFontDescription *d = pango_font_describe_with_absolute_size(pf);
    if (!d) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    /* the size as Tf will state it, so the pen arithmetic matches a reader's */
    double size = round(pango_font_description_get_size(d) * 100.0 / PANGO_SCALE) / 100;
    pango_font_description_free(d);

    size_t fi = 0;
    while (fi < w->n_fonts && w->fonts[fi].face != face) fi++;
    if (fi == w->n_fonts) {
        pw_font f = {0};
        f.face = face;
        /* a variable face's instance lives in Pango's hb_font, not in the
         * tables a subset copies: Cairo draws what FreeType renders */
        if (hb_ot_var_has_data(face)) return 1;
        err ie = {0};
        if (fsub_info_get(face, &f.info, &ie) || f.info.kind == FSUB_NONE) return 1;
        pw_font *nf = realloc(w->fonts, (w->n_fonts + 1) * sizeof *nf);
        if (!nf) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        w->fonts = nf;
        fsub_hmtx_open(face, &f.hmtx);        /* none: advances 0, /W says so too */
        w->fonts[w->n_fonts++] = f;
    }
    pw_fontref *nr = realloc(w->refs, (w->n_refs + 1) * sizeof *nr);
    if (!nr) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    w->refs = nr;
    w->refs[w->n_refs] = (pw_fontref){pf, (int)fi, size};
    *ref = &w->refs[w->n_refs++];
    return 0;
}

/* The entry of glyph gid, made on first use: its code (CFF: the glyph ID,
 * the subset's charset maps it; TrueType: the order of first use, the
 * subset is numbered that way, so it holds only what is drawn) and its
 * advance in 1/1000 em rounded to 1/100, the value /W states, so the pen
 * arithmetic agrees with what a reader computes.  NULL out of memory. */
static pw_glyph *glyph_of(pw_font *f, unsigned gid) {
    unsigned h = (gid * 2654435761u) & (f->n_slots - 1);
    if (f->n_slots)
        for (; f->slot[h]; h = (h + 1) & (f->n_slots - 1))
            if (f->gl[f->slot[h] - 1].gid == gid) return &f->gl[f->slot[h] - 1];
    if (2 * (f->n_used + 1) > f->n_slots) {           /* grow the index */
        unsigned ns = f->n_slots ? 2 * f->n_slots : 256;
        unsigned *sl = calloc(ns, sizeof *sl);
        if (!sl) return NULL;
        for (unsigned i = 0; i < f->n_used; i++) {
            unsigned k = (f->gl[i].gid * 2654435761u) & (ns - 1);
            while (sl[k]) k = (k + 1) & (ns - 1);
            sl[k] = i + 1;
        }
        free(f->slot);
        f->slot = sl, f->n_slots = ns;
        h = (gid * 2654435761u) & (ns - 1);
        while (f->slot[h]) h = (h + 1) & (ns - 1);
    }
    if (f->n_used == f->cap_used) {
        unsigned nc = f->cap_used ? 2 * f->cap_used : 128;
        pw_glyph *ng = realloc(f->gl, nc * sizeof *ng);
        if (!ng) return NULL;
        f->gl = ng, f->cap_used = nc;
    }
    pw_glyph *g = &f->gl[f->n_used];
    g->gid = gid;
    if (f->info.kind == FSUB_CFF) g->code = gid;
    else g->code = gid == 0 ? 0 : ++f->next_code;     /* code 0 stays .notdef's */
    g->uni = 0;
    g->w = round(fsub_hmtx_advance(&f->hmtx, gid) * 100000.0 / f->info.upem) / 100;
    f->slot[h] = ++f->n_used;
    return g;
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
    pw_fontref *ref = NULL;
    int r = font_for(w, op->gi.item->analysis.font, &ref);
    if (r) return r;
    pw_font *f = &w->fonts[ref->font];
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
        pw_glyph *e = glyph_of(f, g);
        if (!e) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        put_hex4(b, e->code);
        pen += e->w * size / 1000;
        /* the first glyph of a cluster carries the cluster's text */
        if (!e->uni && (i == 0 || gs->log_clusters[i] != gs->log_clusters[i - 1])) {
            int c0 = gs->log_clusters[i], c1 = item_len;
            for (int k = i + 1; k < gs->num_glyphs; k++)
                if (gs->log_clusters[k] != c0) {
                    if (gs->log_clusters[k] > c0) c1 = gs->log_clusters[k];
                    break;
                }
            if (c0 >= 0 && c1 > c0 && c1 <= item_len) {
                e->uni = (uint32_t)w->uni_text.len + 1;
                buf_add(&w->uni_text, item_text + c0, (size_t)(c1 - c0));
                buf_add(&w->uni_text, "", 1);
                if (w->uni_text.oom) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
            }
        }
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
    return b->oom ? err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory") : 0;
}

/* ---- fonts at the end ---- */

static int by_code(const void *a, const void *b) {
    unsigned x = (*(pw_glyph *const *)a)->code, y = (*(pw_glyph *const *)b)->code;
    return x < y ? -1 : x > y;
}

static int write_font(pw *w, pw_font *f) {
    const fsub_info *in = &f->info;
    /* entries by code; the subset's glyph list: CFF ascending glyph IDs,
     * TrueType the source glyph of each code, .notdef first */
    pw_glyph **bc = malloc((f->n_used + 1) * sizeof *bc);
    unsigned *g = malloc((f->n_used + 1) * sizeof *g);
    if (!bc || !g) {
        free(bc), free(g);
        return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    for (unsigned i = 0; i < f->n_used; i++) bc[i] = &f->gl[i];
    qsort(bc, f->n_used, sizeof *bc, by_code);
    size_t n = 0;
    if (in->kind == FSUB_TTF) g[n++] = 0;
    for (unsigned i = 0; i < f->n_used; i++)
        if (in->kind == FSUB_CFF || bc[i]->code != 0) g[n++] = bc[i]->gid;

    /* Subset tag: six letters from the glyph set, so the same document
     * gets the same name and different subsets different ones. */
    struct sha256_ctx h;
    unsigned char dg[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    /* the face too, not only its name: two faces may share a PostScript
     * name (or have none) and some tools merge fonts by /BaseFont */
    uint32_t face_id[4] = {hb_face_get_index(f->face), in->upem, in->n_glyphs,
                           (uint32_t)(in->bbox[0] * 65536 + in->bbox[2])};
    sha256_update(&h, sizeof face_id, (const uint8_t *)face_id);
    sha256_update(&h, strlen(in->psname), (const uint8_t *)in->psname);
    sha256_update(&h, n * sizeof *g, (const uint8_t *)g);
    sha256_digest(&h, sizeof dg, dg);
    char name[80];
    for (int i = 0; i < 6; i++) name[i] = (char)('A' + dg[i] % 26);
    snprintf(name + 6, sizeof name - 6, "+%s", in->psname);

    buf prog;
    buf_init(&prog);
    /* a face whose tables this subsetter refuses (damaged, or a construct
     * it does not copy such as seac) goes to Cairo's writer instead */
    err se = {0};
    int rc = in->kind == FSUB_CFF ? fsub_cff_subset(f->face, g, n, &prog, &se)
                                  : fsub_ttf_subset(f->face, g, n, &prog, &se);
    if (rc) {
        free(g), free(bc);
        buf_free(&prog);
        return 1;
    }
    int o_cid = new_obj(w), o_desc = new_obj(w), o_file = new_obj(w), o_uni = new_obj(w);
    if (o_cid < 0 || o_desc < 0 || o_file < 0 || o_uni < 0) {
        free(g), free(bc);
        buf_free(&prog);
        return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    double k = 1000.0 / in->upem;
    buf *o = w->out;

    begin_obj(w, f->obj);
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
    else snprintf(extra, sizeof extra, " /Length1 %zu", prog.len);
    /* the program is most of the file and already named by the subset tag:
     * the file ID need not hash it again */
    size_t at = w->out->len;
    rc = stream_obj(w, o_file, prog.data, prog.len, extra);
    buf_free(&prog);
    size_t *sk = rc ? NULL : realloc(w->skip, (w->n_skip + 1) * 2 * sizeof *sk);
    if (sk) w->skip = sk, sk[2 * w->n_skip] = at, sk[2 * w->n_skip + 1] = w->out->len, w->n_skip++;
    else rc = -1;

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
        const char *s = w->uni_text.data + bc[i]->uni - 1;
        put_utf16_hex(&cm, s, strlen(s));
        buf_add(&cm, ">\n", 2);
        if (++done % 100 == 0 || done == with) buf_puts(&cm, "endbfchar\n");
    }
    buf_puts(&cm, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    if (!rc) rc = cm.oom ? -1 : stream_obj(w, o_uni, cm.data, cm.len, NULL);
    buf_free(&cm);
    free(g), free(bc);
    return rc ? err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory") : 0;
}

/* ---- the document ---- */

static void pdf_date(buf *b, const char *iso) {
    char d[15];
    size_t k = 0;
    for (const char *p = iso; *p && k < 14; p++)
        if (*p >= '0' && *p <= '9') d[k++] = *p;
    while (k < 14) d[k++] = '0';
    d[14] = 0;
    buf_printf(b, "(D:%s)", d);
}

static void pw_free(pw *w) {
    for (size_t i = 0; i < w->n_fonts; i++) {
        free(w->fonts[i].gl), free(w->fonts[i].slot);
        fsub_hmtx_close(&w->fonts[i].hmtx);
    }
    free(w->fonts);
    free(w->refs);
    free(w->offs);
    free(w->skip);
    if (w->z) libdeflate_free_compressor(w->z);
    free(w->zout);
    buf_free(&w->uni_text);
    buf_free(&w->cs);
}

/* 0, -1 with e set, or 1: a face this writer cannot embed. */
static int write_pdf(pw *w, const lay_result *r, const pdf_meta *m) {
    buf *o = w->out;
    buf_puts(o, "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n");
    int o_cat = new_obj(w), o_pages = new_obj(w), o_info = new_obj(w), o_res = new_obj(w);
    if (o_cat < 0 || o_pages < 0 || o_info < 0 || o_res < 0)
        return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    int first_page = w->n_objs + 1;
    for (size_t p = 0; p < r->n_pages; p++)
        if (new_obj(w) < 0 || new_obj(w) < 0) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t p = 0; p < r->n_pages; p++) {
        int o_page = first_page + 2 * (int)p, o_cs = o_page + 1;
        int rc = page_content(w, &r->pages[p], r->page_h);
        if (rc) return rc;
        if (stream_obj(w, o_cs, w->cs.data, w->cs.len, NULL))
            return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        begin_obj(w, o_page);
        buf_printf(o, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 ", o_pages);
        num(o, r->page_w), buf_add(o, " ", 1), num(o, r->page_h);
        buf_printf(o, "] /Resources %d 0 R /Contents %d 0 R >>\nendobj\n", o_res, o_cs);
    }
    for (size_t i = 0; i < w->n_fonts; i++) {
        if ((w->fonts[i].obj = new_obj(w)) < 0) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        int rc = write_font(w, &w->fonts[i]);
        if (rc) return rc;
    }
    begin_obj(w, o_res);
    buf_puts(o, "<< /ProcSet [/PDF /Text] /Font <<");
    for (size_t i = 0; i < w->n_fonts; i++) buf_printf(o, " /F%zu %d 0 R", i + 1, w->fonts[i].obj);
    buf_puts(o, " >> >>\nendobj\n");

    /* Outline: the first entry is the title, open, with the sections
     * under it, as a reader expects of a bulletin's bookmarks. */
    int o_outl = 0;
    if (r->n_outlines) {
        if ((o_outl = new_obj(w)) < 0) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        int base = w->n_objs + 1;
        for (size_t i = 0; i < r->n_outlines; i++)
            if (new_obj(w) < 0) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
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
            buf_printf(o, " /Dest [%d 0 R /XYZ 0 ", first_page + 2 * (pg - 1));
            num(o, r->page_h - ol->y);
            buf_puts(o, " 0] >>\nendobj\n");
        }
    }

    begin_obj(w, o_info);
    buf_puts(o, "<<");
    const char *keys[] = {"Title", "Author", "Subject", "Keywords", "Creator"};
    const char *vals[] = {m ? m->title : NULL, m ? m->author : NULL, m ? m->subject : NULL,
                          m ? m->keywords : NULL, m ? m->creator : NULL};
    for (int i = 0; i < 5; i++)
        if (vals[i]) buf_printf(o, " /%s ", keys[i]), text_string(o, vals[i]);
    buf_puts(o, " /Producer ");
    text_string(o, m && m->creator ? m->creator : "tongbao");
    const char *date = m && m->date ? m->date : "2000-01-01T00:00:00";
    buf_puts(o, " /CreationDate "), pdf_date(o, date);
    buf_puts(o, " /ModDate "), pdf_date(o, date);
    buf_puts(o, " >>\nendobj\n");

    begin_obj(w, o_pages);
    buf_puts(o, "<< /Type /Pages /Kids [");
    for (size_t p = 0; p < r->n_pages; p++) buf_printf(o, "%s%d 0 R", p ? " " : "", first_page + 2 * (int)p);
    buf_printf(o, "] /Count %zu >>\nendobj\n", r->n_pages);

    begin_obj(w, o_cat);
    buf_printf(o, "<< /Type /Catalog /Pages %d 0 R", o_pages);
    if (o_outl) buf_printf(o, " /Outlines %d 0 R /PageMode /UseOutlines", o_outl);
    buf_puts(o, " >>\nendobj\n");

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
    buf_printf(o, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<", w->n_objs + 1, o_cat, o_info);
    for (int i = 0; i < 16; i++) buf_printf(o, "%02X", id[i]);
    buf_puts(o, "> <");
    for (int i = 0; i < 16; i++) buf_printf(o, "%02X", id[i]);
    buf_printf(o, ">] >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    return o->oom ? err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory") : 0;
}

int pdf_render(const lay_result *r, const pdf_meta *m, buf *out, err *e) {
    const char *force = getenv("TONGBAO_PDF_WRITER");
    if (force && !strcmp(force, "cairo")) return pdf_render_cairo(r, m, out, e);
    buf_reset(out);
    pw w = {0};
    w.out = out;
    w.e = e;
    buf_init(&w.uni_text), buf_init(&w.cs);
    int rc = write_pdf(&w, r, m);
    pw_free(&w);
    if (rc == 1) {
        /* nothing the own writer met is an error for Cairo's path */
        *e = (err){0};
        return pdf_render_cairo(r, m, out, e);
    }
    if (rc) buf_reset(out);
    return rc ? -1 : 0;
}
