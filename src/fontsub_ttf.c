/* fontsub_ttf.c — TrueType subsets for FontFile2 (see fontsub.h).
 *
 * Compact numbering: glyph i of the subset is the caller's gids[i], so the
 * subset is as small as the glyphs it holds (a CJK face's 27,000 glyph IDs
 * no longer cost 110 KB of loca and hmtx per document).  The PDF writer
 * numbers glyphs in order of first use and embeds with CIDToGIDMap
 * /Identity, the code being the new glyph ID.  Components of composite
 * glyphs that the caller did not list are appended after the listed
 * glyphs, and every component reference in the copied glyf data is
 * rewritten to the new numbers.
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
#include "fontsub_rd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- glyphs ---- */

typedef struct {
    span loca, glyf;
    int long_loca;
    unsigned n_glyphs;
} glyphs;

/* Byte range of glyph gid inside glyf.  Only the glyphs the subset keeps
 * are ever looked up, so a font whose loca is short or disordered for
 * other glyphs still subsets. */
static int glyph_range(const glyphs *g, unsigned gid, size_t *a, size_t *b) {
    uint32_t x, y;
    if (g->long_loca) {
        if (rd_u32(g->loca, 4 * (size_t)gid, &x) || rd_u32(g->loca, 4 * (size_t)gid + 4, &y)) return -1;
    } else {
        unsigned u, v;
        if (rd_u16(g->loca, 2 * (size_t)gid, &u) || rd_u16(g->loca, 2 * (size_t)gid + 2, &v)) return -1;
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
    WE_HAVE_A_TWO_BY_TWO = 0x0080,
    WE_HAVE_INSTRUCTIONS = 0x0100
};

/* One component record of composite glyph s, at *p (10 for the first):
 * its flags, the offset of its glyphIndex field and the index; *p moves
 * past the record.  After the last record (no MORE_COMPONENTS) the glyph's
 * instructions, when it has any, must fit inside it too.  -1: the record
 * or the instructions run past the glyph's end. */
static int component(span s, size_t *p, unsigned *flags, size_t *idx_at, unsigned *comp) {
    size_t q = *p;
    if (rd_u16(s, q, flags) || rd_u16(s, q + 2, comp)) return -1;
    *idx_at = q + 2;
    q += 4 + (*flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (*flags & WE_HAVE_A_SCALE) q += 2;
    else if (*flags & WE_HAVE_AN_X_AND_Y_SCALE) q += 4;
    else if (*flags & WE_HAVE_A_TWO_BY_TWO) q += 8;
    if (q > s.n) return -1;
    if (!(*flags & MORE_COMPONENTS) && *flags & WE_HAVE_INSTRUCTIONS) {
        unsigned n_ins;
        if (rd_u16(s, q, &n_ins) || s.n - q - 2 < n_ins) return -1;
    }
    *p = q;
    return 0;
}

static int is_composite(span s) {
    unsigned nc = 0;
    return s.n && !rd_u16(s, 0, &nc) && nc >= 0x8000;
}

/* Number the glyphs the subset needs.  order[0..*count) holds the caller's
 * glyphs; map[gid] is gid's new number + 1 (0: not in the subset).  Walks
 * order from the front, appending each composite's components that are not
 * numbered yet, so components of components are reached too, in a
 * deterministic order.  A glyph is appended once at most, so cyclic
 * composites in a damaged font end instead of looping. */
static int close_composites(const glyphs *g, uint32_t *map, uint32_t *order, size_t *count, err *e) {
    for (size_t i = 0; i < *count; i++) {
        unsigned gid = (unsigned)order[i];
        size_t a, b;
        if (glyph_range(g, gid, &a, &b))
            return err_set(e, TB_EFONT, NULL, 0, 0, "font's loca/glyf tables are damaged (glyph %u)", gid);
        span s = {g->glyf.p + a, b - a};
        if (!is_composite(s)) continue;   /* empty or simple: nothing to follow */
        size_t p = 10, at;
        unsigned flags, comp;
        do {
            if (component(s, &p, &flags, &at, &comp))
                return err_set(e, TB_EFONT, NULL, 0, 0, "font's composite glyph %u is damaged", gid);
            if (comp >= g->n_glyphs)
                return err_set(e, TB_EFONT, NULL, 0, 0, "font's composite glyph %u refers to missing glyph %u", gid, comp);
            if (!map[comp]) {
                order[*count] = comp;
                map[comp] = (uint32_t)++*count;
            }
        } while (flags & MORE_COMPONENTS);
    }
    return 0;
}

/* Rewrite the glyphIndex fields of a composite copied to d (its records
 * were checked by close_composites) to the new numbers. */
static void renumber(uint8_t *d, size_t n, const uint32_t *map) {
    span s = {d, n};
    if (!is_composite(s)) return;
    size_t p = 10, at;
    unsigned flags, comp;
    do {
        if (component(s, &p, &flags, &at, &comp)) return;
        set16(d + at, map[comp] - 1);
    } while (flags & MORE_COMPONENTS);
}

/* Advance and left side bearing of a kept glyph; the caller has checked
 * that hmtx holds n_hm (>= 1) long entries. */
static void metric(span m, unsigned n_hm, const glyphs *g, unsigned gid, unsigned *adv, unsigned *lsb) {
    *adv = *lsb = 0;
    rd_u16(m, 4 * (size_t)(gid < n_hm ? gid : n_hm - 1), adv);
    size_t at = gid < n_hm ? 4 * (size_t)gid + 2 : 4 * (size_t)n_hm + 2 * (size_t)(gid - n_hm);
    if (rd_u16(m, at, lsb)) {
        /* some fonts cut the trailing side-bearing array short; the glyph's
         * xMin is what lsb means for glyf fonts anyway */
        size_t a = 0, b = 0;
        if (glyph_range(g, gid, &a, &b) || a == b || rd_u16(g->glyf, a + 2, lsb)) *lsb = 0;
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

/* The tables subsetting reads, checked: the glyph count, the loca format
 * and the number of long horizontal metrics.  0, or -1 with e filled. */
static int check_tables(const span src[T_COUNT], unsigned *loc_fmt, unsigned *n_glyphs, unsigned *n_hm, err *e) {
    if (!src[T_GLYF].n || !src[T_LOCA].n)
        return err_set(e, TB_EFONT, NULL, 0, 0, "font has no TrueType outlines (glyf/loca tables)");
    if (src[T_HEAD].n < 54 || rd_u16(src[T_HEAD], 50, loc_fmt) || *loc_fmt > 1)
        return err_set(e, TB_EFONT, NULL, 0, 0, "font's head table is damaged");
    if (rd_u16(src[T_MAXP], 4, n_glyphs) || !*n_glyphs)
        return err_set(e, TB_EFONT, NULL, 0, 0, "font's maxp table is damaged");
    if (src[T_HHEA].n < 36 || rd_u16(src[T_HHEA], 34, n_hm) || !*n_hm || (size_t)4 * *n_hm > src[T_HMTX].n)
        return err_set(e, TB_EFONT, NULL, 0, 0, "font's hhea/hmtx tables are damaged");
    return 0;
}

/* The font file: the tables present (the required ones always) in tag
 * order behind their directory, each padded to 4 bytes, and head's
 * checkSumAdjustment over the whole.  0, or -1 with e filled. */
static int write_sfnt(const span data[T_COUNT], buf *out, err *e) {
    int order_t[T_COUNT], nt = 0;
    for (int t = 0; t < T_COUNT; t++)
        if (t < T_CVT || data[t].n) order_t[nt++] = t;
    qsort(order_t, (size_t)nt, sizeof *order_t, by_tag);

    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= (unsigned)nt) pow2 *= 2, log2++;
    w32(out, 0x00010000);
    w16(out, (unsigned)nt);
    w16(out, pow2 * 16);
    w16(out, log2);
    w16(out, (unsigned)nt * 16 - pow2 * 16);
    size_t at = 12 + 16 * (size_t)nt, head_at = 0;
    for (int i = 0; i < nt; i++) {
        span d = data[order_t[i]];
        if (at > UINT32_MAX || d.n > UINT32_MAX) {
            return err_set(e, TB_EFONT, NULL, 0, 0, "font subset would be too large");
        }
        w32(out, tags[order_t[i]]);
        w32(out, sfnt_sum(d.p, d.n));
        w32(out, (uint32_t)at);
        w32(out, (uint32_t)d.n);
        if (order_t[i] == T_HEAD) head_at = at;
        at += (d.n + 3) & ~(size_t)3;
    }
    for (int i = 0; i < nt; i++) {
        buf_add(out, data[order_t[i]].p, data[order_t[i]].n);
        pad4(out);
    }
    set32((uint8_t *)out->data + head_at + 8, 0xB1B0AFBAu - sfnt_sum((const uint8_t *)out->data, out->len));
    return 0;
}

int fsub_ttf_subset(hb_face_t *face, const unsigned *gids, size_t n, buf *out, err *e) {
    buf_reset(out);
    hb_blob_t *blob[T_COUNT] = {0};
    span src[T_COUNT];
    for (int t = 0; t < T_COUNT; t++) src[t] = fsub_table(face, tags[t], &blob[t]);
    uint32_t *map = NULL, *order = NULL;
    buf glyf, loca, hmtx;
    buf_init(&glyf);
    buf_init(&loca);
    buf_init(&hmtx);
    uint8_t head[54], hhea[36], maxp[32];
    int rc = -1;

    unsigned n_glyphs = 0, loc_fmt = 0, n_hm = 0;
    if (check_tables(src, &loc_fmt, &n_glyphs, &n_hm, e) < 0) goto done;
    glyphs g = {src[T_LOCA], src[T_GLYF], loc_fmt == 1, n_glyphs};
    if (!n || gids[0] != 0) {
        err_set(e, TB_EFONT, NULL, 0, 0, "font subset must start with glyph 0 (.notdef)");
        goto done;
    }
    if (n > n_glyphs) {   /* more glyphs than the font has: a duplicate or one beyond it */
        err_set(e, TB_EFONT, NULL, 0, 0, "font subset lists %zu glyphs of the font's %u", n, n_glyphs);
        goto done;
    }

    /* new numbers: the caller's list, then components appended */
    map = xcalloc(n_glyphs, sizeof *map);
    order = xmalloc(n_glyphs * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        if (gids[i] >= n_glyphs) {
            err_set(e, TB_EFONT, NULL, 0, 0, "glyph %u is beyond the font's %u glyphs", gids[i], n_glyphs);
            goto done;
        }
        if (map[gids[i]]) {
            err_set(e, TB_EFONT, NULL, 0, 0, "glyph %u is listed twice for a font subset", gids[i]);
            goto done;
        }
        order[i] = gids[i];
        map[gids[i]] = (uint32_t)i + 1;
    }
    size_t count = n;
    if (close_composites(&g, map, order, &count, e)) goto done;

    /* glyf: glyphs copied in their new order, composites renumbered, each
     * padded to 4 bytes (the alignment the spec recommends; it also keeps
     * every offset even for short loca). */
    for (size_t i = 0; i < count; i++) {
        size_t a = 0, b = 0, at = glyf.len;
        glyph_range(&g, order[i], &a, &b);   /* checked by close_composites */
        buf_add(&glyf, g.glyf.p + a, b - a);
        pad4(&glyf);
        renumber((uint8_t *)glyf.data + at, b - a, map);
        if (glyf.len > UINT32_MAX - 4) {
            err_set(e, TB_EFONT, NULL, 0, 0, "font's glyf table is too large");
            goto done;
        }
    }
    /* loca: the same walk again; short form (offset/2 in 16 bits) whenever
     * it fits */
    int short_loca = glyf.len <= 2 * 0xFFFFu;
    uint32_t o = 0;
    for (size_t i = 0; i <= count; i++) {
        if (short_loca) w16(&loca, o / 2);
        else w32(&loca, o);
        size_t a = 0, b = 0;
        if (i < count) glyph_range(&g, order[i], &a, &b);
        o += (uint32_t)((b - a + 3) & ~(size_t)3);
    }

    /* hmtx: real metrics for every glyph.  numberOfHMetrics can be as small
     * as the metrics allow: glyphs past it take the last long entry's
     * advance, so it ends just after the last glyph whose advance differs
     * from the final glyph's (in a CJK subset often right after .notdef).
     * Every long entry dropped saves two bytes. */
    unsigned top_adv, adv, lsb;
    size_t out_hm = 1;
    metric(src[T_HMTX], n_hm, &g, order[count - 1], &top_adv, &lsb);
    for (size_t i = 0; i + 1 < count; i++) {
        metric(src[T_HMTX], n_hm, &g, order[i], &adv, &lsb);
        if (adv != top_adv) out_hm = i + 2;
    }
    for (size_t i = 0; i < count; i++) {
        metric(src[T_HMTX], n_hm, &g, order[i], &adv, &lsb);
        if (i < out_hm) w16(&hmtx, adv);
        w16(&hmtx, lsb);
    }

    memcpy(head, src[T_HEAD].p, sizeof head);
    set32(head + 8, 0);   /* checkSumAdjustment: filled in at the end */
    set16(head + 50, short_loca ? 0 : 1);
    memcpy(hhea, src[T_HHEA].p, sizeof hhea);
    set16(hhea + 34, (unsigned)out_hm);
    /* maxp: version 0.5 is 6 bytes, 1.0 is 32; the maxima stay true bounds */
    size_t maxp_n = src[T_MAXP].n < sizeof maxp ? src[T_MAXP].n : sizeof maxp;
    memcpy(maxp, src[T_MAXP].p, maxp_n);
    set16(maxp + 4, (unsigned)count);

    span data[T_COUNT];
    memcpy(data, src, sizeof data);
    data[T_HEAD] = (span){head, sizeof head};
    data[T_HHEA] = (span){hhea, sizeof hhea};
    data[T_MAXP] = (span){maxp, maxp_n};
    data[T_GLYF] = (span){(const uint8_t *)glyf.data, glyf.len};
    data[T_LOCA] = (span){(const uint8_t *)loca.data, loca.len};
    data[T_HMTX] = (span){(const uint8_t *)hmtx.data, hmtx.len};
    if (write_sfnt(data, out, e) < 0) goto done;
    rc = 0;

done:
    if (rc) buf_reset(out);
    for (int t = 0; t < T_COUNT; t++) hb_blob_destroy(blob[t]);
    free(map);
    free(order);
    buf_free(&glyf);
    buf_free(&loca);
    buf_free(&hmtx);
    return rc;
}
