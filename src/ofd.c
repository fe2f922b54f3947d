/* ofd.c — tongbao's OFD writer: display list → GB/T 33190-2016 package.
 *
 * Whole (ofd_render), two passes over the pages.  The first meets every
 * glyph, so each face's subset is known (fontset.c, the same bookkeeping
 * and subsets as the PDF) and every glyph has its final index in the
 * embedded font before any TextCode names one.  The second writes the
 * XML.  Streamed (ofd_writer, issue 18), each page is met and written as
 * layout hands it on, and what only the last page settles is guessed and
 * mended at the end ("streamed" below): the same bytes.  A character whose glyph
 * is not what the embedded font's cmap gives for it (a cluster of several
 * characters or glyphs, or one character drawn with two different glyphs)
 * gets a CGTransform naming its glyphs; all others are plain text that a
 * reader maps through the cmap, or through a system face of the same
 * family if it does not load FontFile.
 *
 * Element order and required attributes follow GB/T 33190's schema
 * (CT_DocInfo, CT_Document, CT_CommonData, CT_Res, CT_Font, CT_Page,
 * CT_Layer, CT_Text, CT_Path, CT_OutlineElem, CT_Action, CT_Dest); every
 * object has an ID unique in the document, and MaxUnitID is the largest.
 * Numbers are millimetres to 1/1000; boxes (ST_Box) "x y w h", positions
 * in TextCode relative to their TextObject's Boundary. */
#include "ofd.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fontset.h"
#include "ofd_zip.h"

#define OFD_NS "http://www.ofdspec.org/2016"
#define PT_MM (25.4 / 72)

typedef struct {
    fset fs;
    unsigned **gidx;           /* per face, per glyph entry: its index in the embedded font */
    uint32_t **cmap_gl;        /* per face, per glyph entry: the cmap's glyph for its character + 1, 0 = none */
    buf *font_file;            /* per face: the OpenType file */
    unsigned next_id;
    char refused[160];
    err *e;
    struct ofd_writer *sw;     /* streamed: the writer (glyph indices not known yet), else NULL */
    int page_cff_glyphs;       /* streamed: this page names CFF glyphs in a CGTransform */
} ow;

/* ---- numbers ---- */

/* millimetres to 1/1000, without trailing zeros ("12.5", "-0.05", "3"):
 * by hand, not snprintf, which was a seventh of an OFD's instructions */
static void mm(char *out, size_t n, double v) {
    long long i = llround(v * 1000);
    unsigned long long a = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
    char t[32], *p = t + sizeof t;
    unsigned frac = (unsigned)(a % 1000);
    a /= 1000;
    *--p = 0;
    if (frac) {
        int d = 3;
        while (frac % 10 == 0) frac /= 10, d--;   /* trailing zeros go */
        for (int k = 0; k < d; k++, frac /= 10) *--p = (char)('0' + frac % 10);
        *--p = '.';
    }
    do *--p = (char)('0' + a % 10);
    while (a /= 10);
    if (i < 0) *--p = '-';
    size_t len = (size_t)(t + sizeof t - p);   /* with the NUL */
    if (len > n) len = n, p[n - 1] = 0;
    memcpy(out, p, len);
}

/* code points in s[0, n) */
static size_t cp_count(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* ---- XML ---- */

typedef struct {
    xmlBufferPtr b;
    xmlTextWriterPtr w;
    int bad;
} xw;

static int xw_open(xw *x, const char *root) {
    x->b = xmlBufferCreate();
    x->w = x->b ? xmlNewTextWriterMemory(x->b, 0) : NULL;
    x->bad = !x->w;
    if (x->bad) return -1;
    x->bad |= xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0;
    x->bad |= xmlTextWriterStartElementNS(x->w, BAD_CAST "ofd", BAD_CAST root, BAD_CAST OFD_NS) < 0;
    return x->bad ? -1 : 0;
}

/* Finish the document; its bytes stay in x->b.  0 / -1. */
static int xw_close(xw *x) {
    if (x->w) {
        x->bad |= xmlTextWriterEndDocument(x->w) < 0;
        xmlFreeTextWriter(x->w);
        x->w = NULL;
    }
    return x->bad ? -1 : 0;
}

static void xw_free(xw *x) {
    if (x->w) xmlFreeTextWriter(x->w);
    if (x->b) xmlBufferFree(x->b);
    x->w = NULL, x->b = NULL;
}

static void el(xw *x, const char *name) { x->bad |= xmlTextWriterStartElementNS(x->w, BAD_CAST "ofd", BAD_CAST name, NULL) < 0; }
static void end(xw *x) { x->bad |= xmlTextWriterEndElement(x->w) < 0; }
static void at(xw *x, const char *name, const char *v) { x->bad |= xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v) < 0; }
static void at_u(xw *x, const char *name, unsigned v) {
    char t[16];
    snprintf(t, sizeof t, "%u", v);
    at(x, name, t);
}
static void txt(xw *x, const char *s) { x->bad |= xmlTextWriterWriteString(x->w, BAD_CAST s) < 0; }
/* <ofd:NAME>text</ofd:NAME> */
static void leaf(xw *x, const char *name, const char *s) {
    el(x, name);
    txt(x, s);
    end(x);
}
static void box(xw *x, const char *name, double bx, double by, double bw, double bh) {
    char a[24], b[24], c[24], d[24], t[100];
    mm(a, sizeof a, bx), mm(b, sizeof b, by), mm(c, sizeof c, bw), mm(d, sizeof d, bh);
    snprintf(t, sizeof t, "%s %s %s %s", a, b, c, d);
    at(x, name, t);
}
/* a colour: "r g b" in 0..255 (the default RGB colour space) */
static void colour(xw *x, const char *name, const double rgb[3]) {
    char t[40];
    int v[3];
    for (int i = 0; i < 3; i++) v[i] = (int)lround((rgb[i] < 0 ? 0 : rgb[i] > 1 ? 1 : rgb[i]) * 255);
    snprintf(t, sizeof t, "%d %d %d", v[0], v[1], v[2]);
    el(x, name);
    at(x, "Value", t);
    end(x);
}

/* ---- pass 1: faces and glyphs ---- */

static int refuse(ow *w, PangoFont *pf) {
    PangoFontDescription *d = pango_font_describe(pf);
    char *n = d ? pango_font_description_to_string(d) : NULL;
    snprintf(w->refused, sizeof w->refused, "%s", n ? n : "a face of this bulletin");
    g_free(n);
    if (d) pango_font_description_free(d);
    return err_set(w->e, TB_EFONT, NULL, 0, 0,
                   "OFD: tongbao cannot embed %s (a variable face, one fontconfig emboldens or slants, outlines "
                   "neither CFF nor TrueType, or a glyph it lacks); pick another face in fonts/tongbao.conf, "
                   "or write a PDF", w->refused);
}

static int meet_run(ow *w, const lay_op *op) {
    fset_ref *ref;
    int r = fset_ref_for(&w->fs, op->gi.item->analysis.font, &ref, w->e);
    if (r > 0) return refuse(w, op->gi.item->analysis.font);
    if (r < 0) return -1;
    fset_font *f = &w->fs.fonts[ref->font];
    const PangoGlyphString *gs = op->gi.glyphs;
    for (int i = 0; i < gs->num_glyphs; i++) {
        PangoGlyph g = gs->glyphs[i].glyph;
        if (g == PANGO_GLYPH_EMPTY) continue;
        if (g & PANGO_GLYPH_UNKNOWN_FLAG || g >= f->info.n_glyphs) return refuse(w, op->gi.item->analysis.font);
        fset_note_text(&w->fs, fset_glyph_of(f, g), gs, i, op->text + op->gi.item->offset, op->gi.item->length);
    }
    return 0;
}

static int by_cp(const void *a, const void *b) {
    const fsub_cmap_ent *x = a, *y = b;
    return x->cp < y->cp ? -1 : x->cp > y->cp ? 1 : x->glyph < y->glyph ? -1 : x->glyph > y->glyph;
}

/* The faces take IDs 1..n in order of first use; everything else counts
 * on from there. */
static unsigned face_id(size_t i) { return (unsigned)i + 1; }

/* A text of one whole character: 1 and *cp. */
static int one_cp(const char *t, uint32_t *cp) {
    size_t adv, len = strlen(t);
    if (!len) return 0;
    *cp = utf8_decode(t, len, &adv);
    return adv == len;
}

/* Face fi's subset as an OpenType file, its glyph indices and its cmap. */
static int make_font(ow *w, size_t fi) {
    fset_font *f = &w->fs.fonts[fi];
    fset_subset sub;
    int rc = fset_subset_make(f, &sub, w->e);
    if (rc > 0) return err_set(w->e, TB_EFONT, NULL, 0, 0, "OFD: cannot subset %s", f->info.psname);
    if (rc) return -1;
    unsigned *gidx = xcalloc(f->n_used + 1, sizeof *gidx);
    uint32_t *cg = xcalloc(f->n_used + 1, sizeof *cg);
    unsigned *src = xcalloc(sub.n_prog_glyphs + 1, sizeof *src);
    fsub_cmap_ent *map = xmalloc((sub.n + 1) * sizeof *map);
    size_t n_map = 0;
    if (!gidx || !cg || !src || !map) goto oom;
    w->gidx[fi] = gidx, w->cmap_gl[fi] = cg;
    for (size_t k = 0; k < sub.n; k++) {
        size_t ei = (size_t)(sub.by_code[k] - f->gl);
        gidx[ei] = sub.index[k];
        if (sub.index[k] < sub.n_prog_glyphs) src[sub.index[k]] = sub.by_code[k]->gid;
        /* the cmap: a glyph that is the whole of a one-character cluster */
        uint32_t cp;
        if (sub.index[k] != 0 && one_cp(fset_text(&w->fs, sub.by_code[k]), &cp))
            map[n_map++] = (fsub_cmap_ent){cp, sub.index[k]};
    }
    /* one glyph per character: the lowest index wins, the same rule for
     * every reader; the others are reached through CGTransform */
    qsort(map, n_map, sizeof *map, by_cp);
    size_t u = 0;
    for (size_t i = 0; i < n_map; i++)
        if (!u || map[i].cp != map[u - 1].cp) map[u++] = map[i];
    n_map = u;
    for (unsigned i = 0; i < f->n_used; i++) {
        const char *t = fset_text(&w->fs, &f->gl[i]);
        size_t adv, len = strlen(t);
        if (!len) continue;
        uint32_t cp = utf8_decode(t, len, &adv);
        size_t lo = 0, hi = n_map;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (map[mid].cp < cp) lo = mid + 1;
            else hi = mid;
        }
        if (adv == len && lo < n_map && map[lo].cp == cp) cg[i] = map[lo].glyph + 1;
    }
    fsub_names nm = {f->family[0] ? f->family : f->info.psname, sub.name, f->bold, f->italic};
    rc = fsub_opentype(f->face, &f->info, &sub.prog, src, sub.n_prog_glyphs, map, n_map, &nm, &w->font_file[fi], w->e);
    free(src), free(map);
    fset_subset_free(&sub);
    return rc;
oom:
    free(gidx), free(cg), free(src), free(map);
    w->gidx[fi] = NULL, w->cmap_gl[fi] = NULL;
    fset_subset_free(&sub);
    return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
}

/* ---- streamed: what a page can say before the last one is laid out ---- */

/* A page's Content.xml is written when layout hands the page on, but three
 * things in it depend on the whole document: the IDs (the faces take 1..n
 * first, and a face may first appear on a later page), the glyph indices a
 * CGTransform names (a CFF subset numbers its glyphs by glyph ID, so an
 * index is known once every glyph is), and which characters are plain text
 * (the cmap's glyph for a character is the lowest-numbered one drawing it).
 * The writer guesses from what it has met (the faces so far; the glyph ID
 * for a CFF glyph, whose index a TrueType one already has; the lowest code
 * so far) and keeps the last pages' XML as it is; older pages wait as
 * one-entry zips, deflated exactly as the package deflates them (libzip,
 * the same settings), and go into the package compressed.  At the end a
 * page whose IDs or CFF glyphs were guessed is inflated and mended
 * (fix_xml); a plain character guessed wrong (a character met later with a
 * lower-numbered glyph, which the examples never show) makes the caller
 * write the whole layout instead (ofd_writer_finish returns 1). */
enum { ST_LEARNT = 1, ST_PLAIN = 2, ST_CGT = 4 };

typedef struct {
    GHashTable *best;          /* code point → 1 + the entry of lowest code whose text is that one character */
    unsigned char *flag;       /* per glyph entry: ST_* */
    unsigned n_flag;
} ospec;

typedef struct {
    xmlBufferPtr xml;          /* the XML, while held */
    unsigned char *zip;        /* then the one-entry zip */
    size_t zip_len;
    unsigned nf;               /* faces known when its IDs were written (they are nf + a running count) */
    unsigned id;               /* its page ID less the faces' count */
    int cff_glyphs;            /* a CGTransform names CFF glyphs by glyph ID, mapped at the end */
} opage;

struct ofd_writer {
    ow w;
    const ofd_meta *m;
    buf *out;
    opage *pg;
    size_t n_pg, cap_pg, n_zipped, hold;
    unsigned local;            /* IDs handed out after the faces' */
    struct sha256_ctx h;       /* the final bytes of pages 0..n_hashed-1 (the DocID's start) */
    size_t n_hashed;
    ospec *sp;
    size_t n_sp;
    size_t uni_seen;           /* fs.uni_text's length when last learnt */
};

/* The glyph's number in the embedded font as far as a page knows: a
 * TrueType subset is numbered by code (final); a CFF one by glyph ID,
 * which fix_xml maps at the end. */
static unsigned stream_gi(const fset_font *f, const fset_glyph *g) {
    return f->info.kind == FSUB_TTF ? g->code : g->gid;
}

/* Not .notdef in the subset: index 0 never enters the cmap. */
static int stream_indexed(const fset_font *f, const fset_glyph *g) {
    return (f->info.kind == FSUB_TTF ? g->code : g->gid) != 0;
}

/* After a page's glyphs are met: every glyph entry has its flags, and each
 * text newly recorded competes for its character's cmap glyph (make_font's
 * rule: the lowest index, that is the lowest code). */
static void stream_learn(struct ofd_writer *sw) {
    fset *fs = &sw->w.fs;
    if (sw->n_sp < fs->n_fonts) {
        sw->sp = xrealloc(sw->sp, fs->n_fonts * sizeof *sw->sp);
        for (size_t i = sw->n_sp; i < fs->n_fonts; i++) sw->sp[i] = (ospec){g_hash_table_new(NULL, NULL), NULL, 0};
        sw->n_sp = fs->n_fonts;
    }
    for (size_t i = 0; i < fs->n_fonts; i++) {
        ospec *s = &sw->sp[i];
        unsigned n = fs->fonts[i].n_used;
        if (s->n_flag < n) {
            s->flag = xrealloc(s->flag, n);
            memset(s->flag + s->n_flag, 0, n - s->n_flag);
            s->n_flag = n;
        }
    }
    if (fs->uni_text.len == sw->uni_seen) return;   /* no text recorded since */
    sw->uni_seen = fs->uni_text.len;
    for (size_t i = 0; i < fs->n_fonts; i++) {
        const fset_font *f = &fs->fonts[i];
        ospec *s = &sw->sp[i];
        for (unsigned k = 0; k < f->n_used; k++) {
            uint32_t cp;
            if ((s->flag[k] & ST_LEARNT) || !f->gl[k].uni) continue;
            s->flag[k] |= ST_LEARNT;
            if (!stream_indexed(f, &f->gl[k]) || !one_cp(fset_text(fs, &f->gl[k]), &cp)) continue;
            unsigned cur = GPOINTER_TO_UINT(g_hash_table_lookup(s->best, GUINT_TO_POINTER(cp)));
            if (!cur || f->gl[cur - 1].code > f->gl[k].code)
                g_hash_table_insert(s->best, GUINT_TO_POINTER(cp), GUINT_TO_POINTER(k + 1));
        }
    }
}

/* Is glyph entry ei of face fi the cmap's glyph for its character, as far
 * as the pages so far say?  Remembered, and checked at the end. */
static int stream_plain(struct ofd_writer *sw, size_t fi, size_t ei) {
    const fset_font *f = &sw->w.fs.fonts[fi];
    const fset_glyph *g = &f->gl[ei];
    ospec *s = &sw->sp[fi];
    uint32_t cp;
    int plain = stream_indexed(f, g) && one_cp(fset_text(&sw->w.fs, g), &cp) &&
                GPOINTER_TO_UINT(g_hash_table_lookup(s->best, GUINT_TO_POINTER(cp))) == ei + 1;
    s->flag[ei] |= plain ? ST_PLAIN : ST_CGT;
    return plain;
}

/* ---- pass 2: the pages ---- */

typedef struct {
    double x, y;               /* the glyph's origin, mm from the page's top left */
    const char *text;          /* the cluster's characters (first glyph of a cluster), else NULL */
    int len;
    unsigned gi;               /* index in the embedded font */
    int plain;                 /* 1 character, 1 glyph, the cmap's glyph */
} ogl;

/* DeltaX: the advance from each character to the next; runs of equal
 * values as "g N v" (GB/T 33190 §11.3's abbreviated form). */
static void delta_x(buf *b, const double *pos, size_t n) {
    char prev[24] = "", cur[24];
    size_t run = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n) mm(cur, sizeof cur, pos[i] - pos[i - 1]);
        if (i < n && run && !strcmp(cur, prev)) {
            run++;
            continue;
        }
        if (run) {
            if (b->len) buf_add(b, " ", 1);
            if (run > 1) buf_printf(b, "g %zu %s", run, prev);
            else buf_puts(b, prev);
        }
        if (i < n) memcpy(prev, cur, sizeof prev), run = 1;
    }
}

/* One TextCode (and the CGTransforms before it) for glyphs [a, b), all on
 * one baseline; bx, by: the TextObject's Boundary origin. */
static int text_code(xw *x, const ogl *g, size_t a, size_t b, double bx, double by, int *cgt) {
    size_t nch = 0;
    for (size_t i = a; i < b; i++)
        if (g[i].text) nch += cp_count(g[i].text, (size_t)g[i].len);
    double *pos = xmalloc((nch + 1) * sizeof *pos);
    buf s, d;
    buf_init(&s), buf_init(&d);
    if (!pos) return -1;
    size_t k = 0;
    for (size_t i = a; i < b; i++) {
        if (!g[i].text) continue;
        size_t c = cp_count(g[i].text, (size_t)g[i].len);
        /* the cluster's glyphs, when the cmap would not give them */
        size_t j = i + 1;
        while (j < b && !g[j].text) j++;
        if (!g[i].plain || j > i + 1) {
            *cgt = 1;
            el(x, "CGTransform");
            at_u(x, "CodePosition", (unsigned)k);
            at_u(x, "CodeCount", (unsigned)c);
            at_u(x, "GlyphCount", (unsigned)(j - i));
            buf gl;
            buf_init(&gl);
            for (size_t q = i; q < j; q++) buf_printf(&gl, "%s%u", q > i ? " " : "", g[q].gi);
            leaf(x, "Glyphs", buf_cstr(&gl));
            buf_free(&gl);
            end(x);
        }
        for (size_t q = 0; q < c; q++) pos[k++] = g[i].x;   /* later characters of a cluster: no advance */
        buf_add(&s, g[i].text, (size_t)g[i].len);
    }
    delta_x(&d, pos, nch);
    char vx[24], vy[24];
    mm(vx, sizeof vx, g[a].x - bx), mm(vy, sizeof vy, g[a].y - by);
    el(x, "TextCode");
    at(x, "X", vx);
    at(x, "Y", vy);
    if (d.len) at(x, "DeltaX", buf_cstr(&d));
    txt(x, s.len ? buf_cstr(&s) : "");
    end(x);
    free(pos);
    buf_free(&s), buf_free(&d);
    return 0;
}

static int text_object(ow *w, xw *x, const lay_op *op) {
    fset_ref *ref;
    if (fset_ref_for(&w->fs, op->gi.item->analysis.font, &ref, w->e)) return -1;   /* met in pass 1 */
    fset_font *f = &w->fs.fonts[ref->font];
    const PangoGlyphString *gs = op->gi.glyphs;
    const char *item_text = op->text + op->gi.item->offset;
    int item_len = op->gi.item->length;
    ogl *g = xmalloc(((size_t)gs->num_glyphs + 1) * sizeof *g);
    double size = ref->size, s = size * PT_MM / f->info.upem;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY, pen = op->x;
    size_t n = 0;
    for (int i = 0; i < gs->num_glyphs; i++) {
        const PangoGlyphInfo *pg = &gs->glyphs[i];
        double gx = (pen + pg->geometry.x_offset / (double)PANGO_SCALE) * PT_MM;
        double gy = (op->y + pg->geometry.y_offset / (double)PANGO_SCALE) * PT_MM;
        pen += pg->geometry.width / (double)PANGO_SCALE;
        int c0, c1, starts = fset_cluster(gs, i, item_len, &c0, &c1);
        if (pg->glyph == PANGO_GLYPH_EMPTY) continue;
        fset_glyph *e = fset_glyph_of(f, pg->glyph);   /* met in pass 1: a lookup */
        size_t ei = (size_t)(e - f->gl);
        ogl *o = &g[n++];
        o->x = gx, o->y = gy, o->gi = w->sw ? stream_gi(f, e) : w->gidx[ref->font][ei];
        o->text = starts ? item_text + c0 : NULL;
        o->len = starts ? c1 - c0 : 0;
        o->plain = starts && cp_count(o->text, (size_t)o->len) == 1 &&
                   (w->sw ? stream_plain(w->sw, (size_t)ref->font, ei) : w->cmap_gl[ref->font][ei] == o->gi + 1);
        double adv = e->w * size / 1000 * PT_MM;
        if (gx + f->info.bbox[0] * s < x0) x0 = gx + f->info.bbox[0] * s;
        if (gx + fmax(adv, f->info.bbox[2] * s) > x1) x1 = gx + fmax(adv, f->info.bbox[2] * s);
        if (gy - f->info.bbox[3] * s < y0) y0 = gy - f->info.bbox[3] * s;
        if (gy - f->info.bbox[1] * s > y1) y1 = gy - f->info.bbox[1] * s;
    }
    /* a run that starts with a glyph continuing no cluster cannot be
     * written as text; layout never makes one, but be safe */
    if (!n || !g[0].text) {
        free(g);
        return 0;
    }
    char sz[24];
    mm(sz, sizeof sz, size * PT_MM);
    el(x, "TextObject");
    at_u(x, "ID", ++w->next_id);
    box(x, "Boundary", x0, y0, x1 - x0, y1 - y0);
    at_u(x, "Font", face_id(ref->font));
    at(x, "Size", sz);
    if (f->bold) at(x, "Weight", "700");
    colour(x, "FillColor", op->rgb);
    int rc = 0, cgt = 0;
    for (size_t a = 0; a < n && !rc;) {
        size_t b = a + 1;
        while (b < n && g[b].y == g[a].y) b++;
        while (b < n && !g[b].text) b++;   /* a cluster stays in one TextCode */
        rc = text_code(x, g, a, b, x0, y0, &cgt);
        a = b;
    }
    if (cgt && f->info.kind == FSUB_CFF) w->page_cff_glyphs = 1;
    end(x);
    free(g);
    return rc ? err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory") : 0;
}

/* A rule (stroked line) or a filled rectangle. */
static void path_object(ow *w, xw *x, const lay_op *op) {
    char d[160], a[24], b[24], c[24], e[24];
    el(x, "PathObject");
    at_u(x, "ID", ++w->next_id);
    if (op->kind == LAY_RULE) {
        double hw = op->weight / 2, bx = fmin(op->x, op->x2) - hw, by = fmin(op->y, op->y2) - hw;
        box(x, "Boundary", bx * PT_MM, by * PT_MM, (fabs(op->x2 - op->x) + op->weight) * PT_MM,
            (fabs(op->y2 - op->y) + op->weight) * PT_MM);
        mm(a, sizeof a, op->weight * PT_MM);
        at(x, "LineWidth", a);
        at(x, "Stroke", "true");
        at(x, "Fill", "false");
        colour(x, "StrokeColor", op->rgb);
        mm(a, sizeof a, (op->x - bx) * PT_MM), mm(b, sizeof b, (op->y - by) * PT_MM);
        mm(c, sizeof c, (op->x2 - bx) * PT_MM), mm(e, sizeof e, (op->y2 - by) * PT_MM);
        snprintf(d, sizeof d, "M %s %s L %s %s", a, b, c, e);
    } else {
        box(x, "Boundary", op->x * PT_MM, op->y * PT_MM, op->x2 * PT_MM, op->y2 * PT_MM);
        at(x, "Stroke", "false");
        at(x, "Fill", "true");
        colour(x, "FillColor", op->rgb);
        mm(a, sizeof a, op->x2 * PT_MM), mm(b, sizeof b, op->y2 * PT_MM);
        snprintf(d, sizeof d, "M 0 0 L %s 0 L %s %s L 0 %s C", a, a, b, b);
    }
    leaf(x, "AbbreviatedData", d);
    end(x);
}

static int page_xml(ow *w, const lay_page *pg, xw *x) {
    if (xw_open(x, "Page")) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    el(x, "Content");
    el(x, "Layer");
    at_u(x, "ID", ++w->next_id);
    at(x, "Type", "Body");
    for (size_t k = 0; k < pg->n_ops; k++) {
        const lay_op *op = &pg->ops[k];
        if (op->kind == LAY_GLYPHS) {
            if (text_object(w, x, op)) return -1;
        } else path_object(w, x, op);
    }
    end(x), end(x);
    return xw_close(x) ? err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "cannot write a page's XML") : 0;
}

/* ---- the document ---- */

/* Document.xml: page area, the pages, the outline (the title entry with
 * the sections under it, as in the PDF). */
static int document_xml(ow *w, const lay_result *r, size_t np, const unsigned *page_id, xw *x) {
    if (xw_open(x, "Document")) return -1;
    char t[24];
    el(x, "CommonData");
    snprintf(t, sizeof t, "%u", w->next_id);
    leaf(x, "MaxUnitID", t);
    el(x, "PageArea");
    el(x, "PhysicalBox");
    char a[24], b[24], v[60];
    mm(a, sizeof a, r->page_w * PT_MM), mm(b, sizeof b, r->page_h * PT_MM);
    snprintf(v, sizeof v, "0 0 %s %s", a, b);
    txt(x, v);
    end(x), end(x);
    leaf(x, "PublicRes", "PublicRes.xml");
    end(x);
    el(x, "Pages");
    for (size_t p = 0; p < np; p++) {
        char loc[64];
        snprintf(loc, sizeof loc, "Pages/Page_%zu/Content.xml", p);
        el(x, "Page");
        at_u(x, "ID", page_id[p]);
        at(x, "BaseLoc", loc);
        end(x);
    }
    end(x);
    if (r->n_outlines) {
        el(x, "Outlines");
        for (size_t i = 0; i < r->n_outlines; i++) {
            const lay_outline *ol = &r->outlines[i];
            size_t pg = ol->page >= 1 && (size_t)ol->page <= np ? (size_t)ol->page - 1 : 0;
            el(x, "OutlineElem");
            at(x, "Title", ol->label ? ol->label : "");
            if (i == 0 && r->n_outlines > 1) {
                snprintf(t, sizeof t, "%zu", r->n_outlines - 1);
                at(x, "Count", t);
                at(x, "Expanded", "true");
            }
            el(x, "Actions");
            el(x, "Action");
            at(x, "Event", "CLICK");
            el(x, "Goto");
            el(x, "Dest");
            at(x, "Type", "XYZ");
            at_u(x, "PageID", page_id[pg]);
            at(x, "Left", "0");
            mm(a, sizeof a, ol->y * PT_MM);
            at(x, "Top", a);
            end(x), end(x), end(x), end(x);
            if (i > 0 || r->n_outlines == 1) end(x);        /* a section, or a lone title */
        }
        if (r->n_outlines > 1) end(x);                      /* the title, around the sections */
        end(x);
    }
    end(x);
    return xw_close(x);
}

/* PublicRes.xml: the fonts, each with its file under Res/. */
static int public_res_xml(ow *w, xw *x) {
    if (xw_open(x, "Res")) return -1;
    at(x, "BaseLoc", "Res");
    if (w->fs.n_fonts) {
        el(x, "Fonts");
        for (size_t i = 0; i < w->fs.n_fonts; i++) {
            const fset_font *f = &w->fs.fonts[i];
            char file[40];
            snprintf(file, sizeof file, "font_%u.%s", face_id(i), f->info.kind == FSUB_CFF ? "otf" : "ttf");
            el(x, "Font");
            at_u(x, "ID", face_id(i));
            at(x, "FontName", f->info.psname);
            if (f->family[0]) at(x, "FamilyName", f->family);
            if (f->bold) at(x, "Bold", "true");
            if (f->italic) at(x, "Italic", "true");
            if (f->info.fixed_pitch) at(x, "FixedWidth", "true");
            leaf(x, "FontFile", file);
            end(x);
        }
        end(x);
    }
    end(x);
    return xw_close(x);
}

/* OFD.xml: the entry point, with DocInfo. */
static int ofd_xml(const ofd_meta *m, const char *doc_id, xw *x) {
    if (xw_open(x, "OFD")) return -1;
    at(x, "Version", "1.0");
    at(x, "DocType", "OFD");
    el(x, "DocBody");
    el(x, "DocInfo");
    leaf(x, "DocID", doc_id);
    if (m && m->title) leaf(x, "Title", m->title);
    if (m && m->author) leaf(x, "Author", m->author);
    if (m && m->subject) leaf(x, "Subject", m->subject);
    char date[11] = "2000-01-01";
    if (m && m->date && strlen(m->date) >= 10) memcpy(date, m->date, 10);
    leaf(x, "CreationDate", date);
    leaf(x, "ModDate", date);
    if (m && m->keywords) {
        el(x, "Keywords");
        leaf(x, "Keyword", m->keywords);
        end(x);
    }
    leaf(x, "Creator", "tongbao");
    const char *ver = m && m->creator ? strrchr(m->creator, ' ') : NULL;
    if (ver) leaf(x, "CreatorVersion", ver + 1);
    end(x);
    leaf(x, "DocRoot", "Doc_0/Document.xml");
    end(x), end(x);
    return xw_close(x);
}

/* ---- the package ---- */

static void ow_free(ow *w) {
    for (size_t i = 0; i < w->fs.n_fonts; i++) {
        if (w->gidx) free(w->gidx[i]);
        if (w->cmap_gl) free(w->cmap_gl[i]);
        if (w->font_file) buf_free(&w->font_file[i]);
    }
    free(w->gidx), free(w->cmap_gl), free(w->font_file);
    fset_free(&w->fs);
}

/* Every face met: its subset and OpenType file. */
static int make_fonts(ow *w) {
    size_t nf = w->fs.n_fonts;
    w->gidx = xcalloc(nf + 1, sizeof *w->gidx);
    w->cmap_gl = xcalloc(nf + 1, sizeof *w->cmap_gl);
    w->font_file = xcalloc(nf + 1, sizeof *w->font_file);
    for (size_t i = 0; i < nf; i++) buf_init(&w->font_file[i]);
    for (size_t i = 0; i < nf; i++)
        if (make_font(w, i)) return -1;
    return 0;
}

/* Document.xml, PublicRes.xml, the DocID (h holds the pages' bytes
 * already), OFD.xml, and the package: pages pe[0..np) after the fonts. */
static int write_package(ow *w, const lay_result *r, size_t np, const unsigned *page_id, struct sha256_ctx *h,
                         const ofd_meta *m, const ofdz_entry *pe, buf *out) {
    size_t nf = w->fs.n_fonts, n_en = 0;
    xw x[3] = {{0}};           /* Document, PublicRes, OFD */
    ofdz_entry *en = xcalloc(np + nf + 3, sizeof *en);
    int rc = -1;
    if (document_xml(w, r, np, page_id, &x[0]) || public_res_xml(w, &x[1])) {
        err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "cannot write the OFD document XML");
        goto done;
    }
    /* DocID: a hash of what the document shows, so it changes with it */
    unsigned char dg[SHA256_DIGEST_SIZE];
    for (int i = 0; i < 2; i++) sha256_update(h, (size_t)xmlBufferLength(x[i].b), xmlBufferContent(x[i].b));
    for (size_t i = 0; i < nf; i++) sha256_update(h, w->font_file[i].len, (const uint8_t *)w->font_file[i].data);
    sha256_digest(h, sizeof dg, dg);
    char doc_id[33];
    for (int i = 0; i < 16; i++) snprintf(doc_id + 2 * i, 3, "%02x", dg[i]);
    if (ofd_xml(m, doc_id, &x[2])) {
        err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "cannot write OFD.xml");
        goto done;
    }

    /* entry order: OFD.xml, Document.xml, PublicRes.xml, fonts, pages */
    static const char *const first_name[3] = {"OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"};
    static const int first[3] = {2, 0, 1};
    for (int i = 0; i < 3; i++) {
        snprintf(en[n_en].name, sizeof en[n_en].name, "%s", first_name[i]);
        en[n_en].data = xmlBufferContent(x[first[i]].b), en[n_en].len = (size_t)xmlBufferLength(x[first[i]].b);
        en[n_en++].level = 6;
    }
    for (size_t i = 0; i < nf; i++) {
        snprintf(en[n_en].name, sizeof en[n_en].name, "Doc_0/Res/font_%u.%s", face_id(i),
                 w->fs.fonts[i].info.kind == FSUB_CFF ? "otf" : "ttf");
        en[n_en].data = w->font_file[i].data, en[n_en].len = w->font_file[i].len;
        en[n_en++].level = 1;   /* outlines barely repeat: fast deflate, as the PDF's */
    }
    for (size_t p = 0; p < np; p++) {
        en[n_en] = pe[p];
        snprintf(en[n_en].name, sizeof en[n_en].name, "Doc_0/Pages/Page_%zu/Content.xml", p);
        en[n_en++].level = 6;
    }
    rc = ofdz_write(en, n_en, m ? m->date : NULL, out, w->e);
done:
    for (int i = 0; i < 3; i++) xw_free(&x[i]);
    free(en);
    return rc;
}

/* The whole layout at once: every glyph first, then the pages. */
static int write_ofd(ow *w, const lay_result *r, const ofd_meta *m, buf *out) {
    /* pass 1: every glyph, so each face's subset is final */
    for (size_t p = 0; p < r->n_pages; p++)
        for (size_t k = 0; k < r->pages[p].n_ops; k++)
            if (r->pages[p].ops[k].kind == LAY_GLYPHS && meet_run(w, &r->pages[p].ops[k])) return -1;
    if (make_fonts(w)) return -1;
    w->next_id = (unsigned)w->fs.n_fonts;

    /* pass 2: the XML, IDs in document order after the fonts' */
    size_t np = r->n_pages;
    xw *px = xcalloc(np + 1, sizeof *px);
    unsigned *page_id = xcalloc(np + 1, sizeof *page_id);
    ofdz_entry *pe = xcalloc(np + 1, sizeof *pe);
    int rc = -1;
    struct sha256_ctx h;
    sha256_init(&h);
    for (size_t p = 0; p < np; p++) {
        page_id[p] = ++w->next_id;
        if (page_xml(w, &r->pages[p], &px[p])) goto done;
        pe[p].data = xmlBufferContent(px[p].b), pe[p].len = (size_t)xmlBufferLength(px[p].b);
        sha256_update(&h, pe[p].len, pe[p].data);
    }
    rc = write_package(w, r, np, page_id, &h, m, pe, out);
done:
    if (px)
        for (size_t i = 0; i < np; i++) xw_free(&px[i]);
    free(px), free(page_id), free(pe);
    return rc;
}

int ofd_render(const lay_result *r, const ofd_meta *m, buf *out, err *e) {
    buf_reset(out);
    ow w = {0};
    w.e = e;
    fset_init(&w.fs);
    int rc = write_ofd(&w, r, m, out);
    ow_free(&w);
    if (rc) buf_reset(out);
    return rc ? -1 : 0;
}

/* ---- streamed ---- */

/* A held page's final bytes into out: IDs moved up by delta (the faces met
 * after it was written) and, with map, the CFF glyph IDs of its
 * CGTransforms replaced by their index in the embedded font.  " ID=\"",
 * " Font=\"" and "<ofd:Glyphs>" are markup wherever they occur: text
 * escapes '"' and '<'. */
static int fix_xml(ow *w, const char *s, size_t n, unsigned delta, int map, buf *out) {
    size_t from = 0, i = 0;
    unsigned font = 0;
    buf_reset(out);
    while (i < n) {
        if (s[i] == ' ' && n - i > 5 && !memcmp(s + i, " ID=\"", 5)) {
            i += 5;
            unsigned long v = 0;
            buf_add(out, s + from, i - from);
            while (i < n && s[i] >= '0' && s[i] <= '9') v = v * 10 + (unsigned long)(s[i++] - '0');
            buf_printf(out, "%lu", v + delta);
            from = i;
        } else if (map && s[i] == ' ' && n - i > 7 && !memcmp(s + i, " Font=\"", 7)) {
            i += 7;
            font = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9') font = font * 10 + (unsigned)(s[i++] - '0');
        } else if (map && s[i] == '<' && n - i > 12 && !memcmp(s + i, "<ofd:Glyphs>", 12)) {
            i += 12;
            buf_add(out, s + from, i - from);
            if (font < 1 || font > w->fs.n_fonts) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "OFD: a page names no face");
            fset_font *f = &w->fs.fonts[font - 1];
            while (i < n && s[i] != '<') {
                if (s[i] == ' ') {
                    buf_add(out, " ", 1), i++;
                    continue;
                }
                unsigned v = 0;
                size_t d0 = i;
                while (i < n && s[i] >= '0' && s[i] <= '9') v = v * 10 + (unsigned)(s[i++] - '0');
                if (i == d0)   /* not a number: this writer never puts one there */
                    return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "OFD: a page's glyph list holds '%c'", s[i]);
                if (f->info.kind == FSUB_CFF) {
                    unsigned n_used = f->n_used;
                    size_t ei = (size_t)(fset_glyph_of(f, v) - f->gl);
                    if (f->n_used != n_used)   /* a glyph no page met: cannot be */
                        return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "OFD: a page names glyph %u it never drew", v);
                    v = w->gidx[font - 1][ei];
                }
                buf_printf(out, "%u", v);
            }
            from = i;
        } else i++;
    }
    buf_add(out, s + from, n - from);
    return 0;
}

ofd_writer *ofd_writer_new(const ofd_meta *m, buf *out, err *e) {
    ofd_writer *sw = xcalloc(1, sizeof *sw);
    fset_init(&sw->w.fs);
    sw->w.e = e;
    sw->w.sw = sw;
    sw->m = m;
    sw->out = out;
    sw->hold = 16;
    sha256_init(&sw->h);
    buf_reset(out);
    return sw;
}

void ofd_writer_hold(ofd_writer *sw, size_t pages) { sw->hold = pages; }

/* Page i, held as XML, into its zip: IDs with the faces met by now, and
 * into the DocID's hash while every page before it is there too. */
static int stream_zip(ofd_writer *sw, size_t i) {
    opage *p = &sw->pg[i];
    unsigned nf = (unsigned)sw->w.fs.n_fonts;
    const char *data = (const char *)xmlBufferContent(p->xml);
    size_t len = (size_t)xmlBufferLength(p->xml);
    buf fixed;
    buf_init(&fixed);
    int rc = 0;
    if (p->nf != nf) {
        rc = fix_xml(&sw->w, data, len, nf - p->nf, 0, &fixed);
        data = fixed.data, len = fixed.len, p->nf = nf;
    }
    if (!rc && sw->n_hashed == i && !p->cff_glyphs) {
        sha256_update(&sw->h, len, (const uint8_t *)data);
        sw->n_hashed++;
    }
    if (!rc) rc = ofdz_one(data, len, sw->m ? sw->m->date : NULL, &p->zip, &p->zip_len, sw->w.e);
    buf_free(&fixed);
    xmlBufferFree(p->xml);
    p->xml = NULL;
    sw->n_zipped++;
    return rc;
}

int ofd_writer_page(ofd_writer *sw, const lay_result *r, const lay_page *pg) {
    (void)r;
    ow *w = &sw->w;
    for (size_t k = 0; k < pg->n_ops; k++)
        if (pg->ops[k].kind == LAY_GLYPHS && meet_run(w, &pg->ops[k])) return w->refused[0] ? 1 : -1;
    stream_learn(sw);
    if (sw->n_pg == sw->cap_pg) {
        sw->cap_pg = sw->cap_pg ? 2 * sw->cap_pg : 64;
        sw->pg = xrealloc(sw->pg, sw->cap_pg * sizeof *sw->pg);
    }
    opage *p = &sw->pg[sw->n_pg];
    memset(p, 0, sizeof *p);
    unsigned nf = (unsigned)w->fs.n_fonts;
    p->nf = nf;
    w->next_id = nf + sw->local + 1;
    p->id = sw->local + 1;
    w->page_cff_glyphs = 0;
    xw x = {0};
    if (page_xml(w, pg, &x)) {
        xw_free(&x);
        return -1;
    }
    sw->local = w->next_id - nf;
    p->xml = x.b;
    p->cff_glyphs = w->page_cff_glyphs;
    sw->n_pg++;
    while (sw->n_pg - sw->n_zipped > sw->hold)
        if (stream_zip(sw, sw->n_zipped)) return -1;
    return 0;
}

/* Were the pages' guesses of plain characters right?  (make_fonts done) */
static int stream_guessed_right(ofd_writer *sw) {
    ow *w = &sw->w;
    for (size_t i = 0; i < sw->n_sp && i < w->fs.n_fonts; i++)
        for (unsigned k = 0; k < sw->sp[i].n_flag; k++) {
            int plain = w->cmap_gl[i][k] == w->gidx[i][k] + 1;
            unsigned char f = sw->sp[i].flag[k];
            if (((f & ST_PLAIN) && !plain) || ((f & ST_CGT) && plain)) return 0;
        }
    return 1;
}

int ofd_writer_finish(ofd_writer *sw, const lay_result *r) {
    ow *w = &sw->w;
    size_t np = sw->n_pg;
    if (np != r->n_pages) return err_set(w->e, TB_EINTERNAL, NULL, 0, 0, "OFD: %zu pages laid out, %zu written", r->n_pages, np);
    if (make_fonts(w)) return -1;
    if (!stream_guessed_right(sw)) return 1;
    while (sw->n_zipped < np)
        if (stream_zip(sw, sw->n_zipped)) return -1;
    /* the pages written before the last face appeared, and those naming
     * CFF glyphs: mended, and the hash taken again from the first */
    unsigned nf = (unsigned)w->fs.n_fonts;
    for (size_t i = 0; i < sw->n_hashed; i++)
        if (sw->pg[i].nf != nf) {
            sha256_init(&sw->h);
            sw->n_hashed = 0;
        }
    buf x, fixed;
    buf_init(&x), buf_init(&fixed);
    int rc = 0;
    for (size_t i = sw->n_hashed; i < np && !rc; i++) {
        opage *p = &sw->pg[i];
        rc = ofdz_read_one(p->zip, p->zip_len, &x, w->e);
        if (rc || (p->nf == nf && !p->cff_glyphs)) {
            if (!rc) sha256_update(&sw->h, x.len, (const uint8_t *)x.data);
            continue;
        }
        rc = fix_xml(w, x.data, x.len, nf - p->nf, p->cff_glyphs, &fixed);
        if (rc) break;
        sha256_update(&sw->h, fixed.len, (const uint8_t *)fixed.data);
        free(p->zip);
        p->zip = NULL;
        rc = ofdz_one(fixed.data, fixed.len, sw->m ? sw->m->date : NULL, &p->zip, &p->zip_len, w->e);
        p->nf = nf, p->cff_glyphs = 0;
    }
    buf_free(&x), buf_free(&fixed);
    if (rc) return -1;
    unsigned *page_id = xcalloc(np + 1, sizeof *page_id);
    ofdz_entry *pe = xcalloc(np + 1, sizeof *pe);
    for (size_t i = 0; i < np; i++) {
        page_id[i] = nf + sw->pg[i].id;
        pe[i].zip = &sw->pg[i].zip, pe[i].zip_len = sw->pg[i].zip_len;
    }
    w->next_id = nf + sw->local;
    rc = write_package(w, r, np, page_id, &sw->h, sw->m, pe, sw->out);
    free(page_id), free(pe);
    if (rc) buf_reset(sw->out);
    return rc ? -1 : 0;
}

void ofd_writer_free(ofd_writer *sw) {
    if (!sw) return;
    for (size_t i = 0; i < sw->n_pg; i++) {
        if (sw->pg[i].xml) xmlBufferFree(sw->pg[i].xml);
        free(sw->pg[i].zip);
    }
    free(sw->pg);
    for (size_t i = 0; i < sw->n_sp; i++) {
        g_hash_table_destroy(sw->sp[i].best);
        free(sw->sp[i].flag);
    }
    free(sw->sp);
    ow_free(&sw->w);
    free(sw);
}
