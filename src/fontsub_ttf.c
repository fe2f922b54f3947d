/* fontsub_ttf.c — TrueType subsets for FontFile2 (see fontsub.h).
 *
 * The subset keeps every glyph ID of the source, so the PDF's CIDToGIDMap
 * stays /Identity and content streams can be written before the subset is
 * known; glyphs nobody asked for are simply empty (zero length in loca).
 *
 * Tables written: head hhea maxp loca glyf hmtx, plus cvt, fpgm and prep
 * when the source has them.  The hinting tables are kept because the glyph
 * programs in glyf call functions defined in fpgm and read cvt: dropping
 * them while keeping the glyphs' instructions gives renderers undefined
 * function calls, and stripping the instructions too would mean rewriting
 * every glyph.  cmap, name, post, OS/2 are left out: the PDF carries the
 * widths and the glyph addressing itself (PDF 32000 9.9, FontFile2).
 *
 * Every read is bounds-checked: fonts come from the machine, and a damaged
 * one must give an error, not a crash.  Nothing is read through a cast
 * pointer, so alignment of the source data does not matter. */
#include "fontsub.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- bounded big-endian reads ---- */

typedef struct {
    const uint8_t *p;
    size_t n;
} tspan;

static int get16(tspan s, size_t at, unsigned *v) {
    if (at > s.n || s.n - at < 2) return -1;
    *v = (unsigned)s.p[at] << 8 | s.p[at + 1];
    return 0;
}
static int get32(tspan s, size_t at, uint32_t *v) {
    if (at > s.n || s.n - at < 4) return -1;
    *v = (uint32_t)s.p[at] << 24 | (uint32_t)s.p[at + 1] << 16 | (uint32_t)s.p[at + 2] << 8 | s.p[at + 3];
    return 0;
}

static tspan ref_table(hb_face_t *face, hb_tag_t tag, hb_blob_t **blob) {
    *blob = hb_face_reference_table(face, tag);
    unsigned len = 0;
    const char *d = hb_blob_get_data(*blob, &len);
    tspan s = {(const uint8_t *)d, d ? len : 0};
    return s;
}

/* ---- writing ---- */

static void w16(buf *b, unsigned v) {
    unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, x, 2);
}
static void w32(buf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, x, 4);
}
static void set16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void set32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static void pad4(buf *b) {
    static const unsigned char z[3];
    if (b->len % 4) buf_add(b, z, 4 - b->len % 4);
}

/* sfnt checksum: the sum of big-endian uint32s, the last one zero-padded. */
static uint32_t sfnt_sum(const uint8_t *p, size_t n) {
    uint32_t s = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) s += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
    if (i < n) {
        uint8_t t[4] = {0, 0, 0, 0};
        memcpy(t, p + i, n - i);
        s += (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
    }
    return s;
}

/* ---- glyphs ---- */

typedef struct {
    tspan loca, glyf;
    int long_loca;
    unsigned n_glyphs;
} glyphs;

/* Byte range of glyph gid inside glyf.  Only the glyphs the subset keeps
 * are ever looked up, so a font whose loca is short or disordered for
 * other glyphs still subsets. */
static int glyph_range(const glyphs *g, unsigned gid, size_t *a, size_t *b) {
    uint32_t x, y;
    if (g->long_loca) {
        if (get32(g->loca, 4 * (size_t)gid, &x) || get32(g->loca, 4 * (size_t)gid + 4, &y)) return -1;
    } else {
        unsigned u, v;
        if (get16(g->loca, 2 * (size_t)gid, &u) || get16(g->loca, 2 * (size_t)gid + 2, &v)) return -1;
        x = 2 * (uint32_t)u;
        y = 2 * (uint32_t)v;
    }
    if (x > y || y > g->glyf.n) return -1;
    /* a glyph header is 10 bytes; anything shorter but non-empty is damage */
    if (y > x && y - x < 10) return -1;
    *a = x;
    *b = y;
    return 0;
}

enum {
    ARG_1_AND_2_ARE_WORDS = 0x0001,
    WE_HAVE_A_SCALE = 0x0008,
    MORE_COMPONENTS = 0x0020,
    WE_HAVE_AN_X_AND_Y_SCALE = 0x0040,
    WE_HAVE_A_TWO_BY_TWO = 0x0080
};

/* Mark every glyph a kept glyph needs: the components of composites, to any
 * depth.  Each glyph enters the work stack once (marked when pushed), so
 * cyclic composites in a damaged font end instead of looping. */
static int close_composites(const glyphs *g, unsigned char *keep, uint32_t *stack, size_t top, err *e) {
    while (top) {
        unsigned gid = (unsigned)stack[--top];
        size_t a, b;
        if (glyph_range(g, gid, &a, &b))
            return err_set(e, TB_EFONT, NULL, 0, 0, "font's loca/glyf tables are damaged (glyph %u)", gid);
        if (a == b) continue;
        unsigned nc = 0;
        tspan s = {g->glyf.p + a, b - a};
        if (get16(s, 0, &nc) || nc < 0x8000) continue;   /* simple glyph: nothing to follow */
        size_t p = 10;
        unsigned flags;
        do {
            unsigned comp;
            if (get16(s, p, &flags) || get16(s, p + 2, &comp))
                return err_set(e, TB_EFONT, NULL, 0, 0, "font's composite glyph %u is damaged", gid);
            if (comp >= g->n_glyphs)
                return err_set(e, TB_EFONT, NULL, 0, 0, "font's composite glyph %u refers to missing glyph %u", gid, comp);
            p += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
            if (flags & WE_HAVE_A_SCALE) p += 2;
            else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) p += 4;
            else if (flags & WE_HAVE_A_TWO_BY_TWO) p += 8;
            if (p > s.n)
                return err_set(e, TB_EFONT, NULL, 0, 0, "font's composite glyph %u is damaged", gid);
            if (!keep[comp]) {
                keep[comp] = 1;
                stack[top++] = comp;
            }
        } while (flags & MORE_COMPONENTS);
    }
    return 0;
}

/* Advance and left side bearing of a kept glyph; the caller has checked
 * that hmtx holds n_hm (>= 1) long entries. */
static void metric(tspan m, unsigned n_hm, const glyphs *g, unsigned gid, unsigned *adv, unsigned *lsb) {
    *adv = *lsb = 0;
    get16(m, 4 * (size_t)(gid < n_hm ? gid : n_hm - 1), adv);
    size_t at = gid < n_hm ? 4 * (size_t)gid + 2 : 4 * (size_t)n_hm + 2 * (size_t)(gid - n_hm);
    if (get16(m, at, lsb)) {
        /* some fonts cut the trailing side-bearing array short; the glyph's
         * xMin is what lsb means for glyf fonts anyway */
        size_t a = 0, b = 0;
        if (glyph_range(g, gid, &a, &b) || a == b || get16(g->glyf, a + 2, lsb)) *lsb = 0;
    }
}

/* ---- the subset ---- */

enum { T_HEAD, T_HHEA, T_MAXP, T_LOCA, T_GLYF, T_HMTX, T_CVT, T_FPGM, T_PREP, T_COUNT };
static const hb_tag_t tags[T_COUNT] = {
    HB_TAG('h', 'e', 'a', 'd'), HB_TAG('h', 'h', 'e', 'a'), HB_TAG('m', 'a', 'x', 'p'),
    HB_TAG('l', 'o', 'c', 'a'), HB_TAG('g', 'l', 'y', 'f'), HB_TAG('h', 'm', 't', 'x'),
    HB_TAG('c', 'v', 't', ' '), HB_TAG('f', 'p', 'g', 'm'), HB_TAG('p', 'r', 'e', 'p'),
};

static int by_tag(const void *a, const void *b) {
    hb_tag_t x = tags[*(const int *)a], y = tags[*(const int *)b];
    return x < y ? -1 : x > y;
}

int fsub_ttf_subset(hb_face_t *face, const unsigned *gids, size_t n, buf *out, err *e) {
    buf_reset(out);
    hb_blob_t *blob[T_COUNT] = {0};
    tspan src[T_COUNT];
    for (int t = 0; t < T_COUNT; t++) src[t] = ref_table(face, tags[t], &blob[t]);
    unsigned char *keep = NULL;
    uint32_t *stack = NULL;
    buf glyf, loca, hmtx;
    buf_init(&glyf);
    buf_init(&loca);
    buf_init(&hmtx);
    uint8_t head[54], hhea[36];
    int rc = -1;

    unsigned n_glyphs, loc_fmt, n_hm;
    if (!src[T_GLYF].n || !src[T_LOCA].n) {
        err_set(e, TB_EFONT, NULL, 0, 0, "font has no TrueType outlines (glyf/loca tables)");
        goto done;
    }
    if (src[T_HEAD].n < 54 || get16(src[T_HEAD], 50, &loc_fmt) || loc_fmt > 1) {
        err_set(e, TB_EFONT, NULL, 0, 0, "font's head table is damaged");
        goto done;
    }
    if (get16(src[T_MAXP], 4, &n_glyphs) || !n_glyphs) {
        err_set(e, TB_EFONT, NULL, 0, 0, "font's maxp table is damaged");
        goto done;
    }
    if (src[T_HHEA].n < 36 || get16(src[T_HHEA], 34, &n_hm) || !n_hm || (size_t)4 * n_hm > src[T_HMTX].n) {
        err_set(e, TB_EFONT, NULL, 0, 0, "font's hhea/hmtx tables are damaged");
        goto done;
    }
    glyphs g = {src[T_LOCA], src[T_GLYF], loc_fmt == 1, n_glyphs};

    keep = calloc(n_glyphs, 1);
    stack = malloc(n_glyphs * sizeof *stack);
    if (!keep || !stack) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory subsetting a font");
        goto done;
    }
    size_t top = 0;
    keep[0] = 1;
    stack[top++] = 0;
    for (size_t i = 0; i < n; i++) {
        if (gids[i] >= n_glyphs) {
            err_set(e, TB_EFONT, NULL, 0, 0, "glyph %u is beyond the font's %u glyphs", gids[i], n_glyphs);
            goto done;
        }
        if (!keep[gids[i]]) {
            keep[gids[i]] = 1;
            stack[top++] = gids[i];
        }
    }
    if (close_composites(&g, keep, stack, top, e)) goto done;

    /* glyf: kept glyphs copied, each padded to 4 bytes (the alignment the
     * spec recommends; it also keeps every offset even for short loca). */
    uint32_t *off = stack;   /* the work stack is spent: reuse it for offsets */
    unsigned last_kept = 0;
    for (unsigned gid = 0; gid < n_glyphs; gid++) {
        off[gid] = (uint32_t)glyf.len;
        if (!keep[gid]) continue;
        last_kept = gid;
        size_t a = 0, b = 0;
        glyph_range(&g, gid, &a, &b);   /* checked by close_composites */
        buf_add(&glyf, g.glyf.p + a, b - a);
        pad4(&glyf);
        if (glyf.len > UINT32_MAX - 4) {
            err_set(e, TB_EFONT, NULL, 0, 0, "font's glyf table is too large");
            goto done;
        }
    }
    /* short loca stores offset/2 in 16 bits: use it whenever it fits */
    int short_loca = glyf.len <= 2 * 0xFFFFu;
    for (unsigned gid = 0; gid <= n_glyphs; gid++) {
        uint32_t o = gid < n_glyphs ? off[gid] : (uint32_t)glyf.len;
        if (short_loca) w16(&loca, o / 2);
        else w32(&loca, o);
    }

    /* hmtx: real metrics for kept glyphs, zeros for the rest (they are
     * empty and the PDF gives widths).  The table cannot be shorter than two
     * bytes per glyph, but numberOfHMetrics can be as small as the metrics
     * allow: glyphs past it take the last long entry's advance, so it ends
     * just after the last kept glyph whose advance differs from the highest
     * kept glyph's (in a CJK face usually right after .notdef).  Every long
     * entry dropped saves two bytes, and pdf.c codes font programs with
     * literals only (flate.c), where even a run of zeros costs a bit a byte. */
    unsigned top_adv, adv, lsb, out_hm = 1;
    metric(src[T_HMTX], n_hm, &g, last_kept, &top_adv, &lsb);
    for (unsigned gid = 0; gid < last_kept; gid++) {
        if (!keep[gid]) continue;
        metric(src[T_HMTX], n_hm, &g, gid, &adv, &lsb);
        if (adv != top_adv) out_hm = gid + 2;
    }
    for (unsigned gid = 0; gid < n_glyphs; gid++) {
        adv = gid + 1 == out_hm ? top_adv : 0;   /* the advance repeated past out_hm */
        lsb = 0;
        if (keep[gid]) metric(src[T_HMTX], n_hm, &g, gid, &adv, &lsb);
        if (gid < out_hm) w16(&hmtx, adv);
        w16(&hmtx, lsb);
    }

    memcpy(head, src[T_HEAD].p, sizeof head);
    set32(head + 8, 0);   /* checkSumAdjustment: filled in at the end */
    set16(head + 50, short_loca ? 0 : 1);
    memcpy(hhea, src[T_HHEA].p, sizeof hhea);
    set16(hhea + 34, out_hm);
    if (glyf.oom || loca.oom || hmtx.oom) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory subsetting a font");
        goto done;
    }

    tspan data[T_COUNT];
    memcpy(data, src, sizeof data);
    data[T_HEAD] = (tspan){head, sizeof head};
    data[T_HHEA] = (tspan){hhea, sizeof hhea};
    data[T_GLYF] = (tspan){(const uint8_t *)glyf.data, glyf.len};
    data[T_LOCA] = (tspan){(const uint8_t *)loca.data, loca.len};
    data[T_HMTX] = (tspan){(const uint8_t *)hmtx.data, hmtx.len};
    int order[T_COUNT], nt = 0;
    for (int t = 0; t < T_COUNT; t++)
        if (t < T_CVT || data[t].n) order[nt++] = t;
    qsort(order, (size_t)nt, sizeof *order, by_tag);

    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= (unsigned)nt) pow2 *= 2, log2++;
    w32(out, 0x00010000);
    w16(out, (unsigned)nt);
    w16(out, pow2 * 16);
    w16(out, log2);
    w16(out, (unsigned)nt * 16 - pow2 * 16);
    size_t at = 12 + 16 * (size_t)nt, head_at = 0;
    for (int i = 0; i < nt; i++) {
        tspan d = data[order[i]];
        if (at > UINT32_MAX || d.n > UINT32_MAX) {
            err_set(e, TB_EFONT, NULL, 0, 0, "font subset would be too large");
            goto done;
        }
        w32(out, tags[order[i]]);
        w32(out, sfnt_sum(d.p, d.n));
        w32(out, (uint32_t)at);
        w32(out, (uint32_t)d.n);
        if (order[i] == T_HEAD) head_at = at;
        at += (d.n + 3) & ~(size_t)3;
    }
    for (int i = 0; i < nt; i++) {
        buf_add(out, data[order[i]].p, data[order[i]].n);
        pad4(out);
    }
    if (out->oom) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory subsetting a font");
        goto done;
    }
    set32((uint8_t *)out->data + head_at + 8, 0xB1B0AFBAu - sfnt_sum((const uint8_t *)out->data, out->len));
    rc = 0;

done:
    if (rc) buf_reset(out);
    for (int t = 0; t < T_COUNT; t++) hb_blob_destroy(blob[t]);
    free(keep);
    free(stack);
    buf_free(&glyf);
    buf_free(&loca);
    buf_free(&hmtx);
    return rc;
}
