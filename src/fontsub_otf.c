/* fontsub_otf.c — a subset as a stand-alone OpenType font (see fontsub.h).
 *
 * A PDF carries a font program bare: the PDF itself says how codes reach
 * glyphs and how wide each is.  An OFD package (GB/T 33190 §11) carries a
 * font file that readers load as such: browsers and OFD readers hand it
 * to FreeType or to a sanitizer (Chromium's OTS) that wants a whole sfnt
 * with head, hhea, hmtx, maxp, name, OS/2, post and a cmap.  So the same
 * subset program the PDF embeds (CFF, or the compact TrueType sfnt) gets
 * here the tables around it:
 *   - cmap: format 4 for the Basic Multilingual Plane, plus format 12 when a
 *     mapped character lies beyond it; the caller says which character maps
 *     to which glyph of the subset;
 *   - CFF subsets: head, hhea and OS/2 from the source face, hmtx built for
 *     the subset's glyphs from the source's metrics, maxp version 0.5;
 *   - TrueType subsets keep their own head, hhea, maxp, loca, glyf, hmtx
 *     and hinting tables;
 *   - name (family, style, unique, full and PostScript names) and post
 *     version 3 (no glyph names) for both.
 * Deterministic, every read bounds-checked like the rest of fontsub. */
#include "fontsub.h"
#include "fontsub_rd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t tag;
    const uint8_t *p;
    size_t n;
} table;

static int by_tag(const void *a, const void *b) {
    uint32_t x = ((const table *)a)->tag, y = ((const table *)b)->tag;
    return x < y ? -1 : x > y;
}

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* ---- cmap ---- */

static void cmap_table(buf *b, const fsub_cmap_ent *m, size_t n) {
    /* format 4 segments: runs of consecutive characters whose glyphs are
     * consecutive too (one idDelta), then the closing 0xFFFF segment */
    size_t nb = 0;
    while (nb < n && m[nb].cp <= 0xFFFF) nb++;
    size_t nseg = 1;
    for (size_t i = 0; i < nb; i++)
        if (i == 0 || m[i].cp != m[i - 1].cp + 1 || m[i].glyph != m[i - 1].glyph + 1) nseg++;
    int wide = nb < n;
    size_t n_groups = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || m[i].cp != m[i - 1].cp + 1 || m[i].glyph != m[i - 1].glyph + 1) n_groups++;

    size_t f4_len = 16 + 8 * nseg;
    w16(b, 0);                       /* version */
    w16(b, wide ? 2 : 1);            /* subtables */
    w16(b, 3), w16(b, 1), w32(b, 4 + 8 * (wide ? 2 : 1));
    if (wide) w16(b, 3), w16(b, 10), w32(b, 4 + 8 * 2 + (uint32_t)f4_len);

    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= nseg) pow2 *= 2, log2++;
    w16(b, 4), w16(b, (unsigned)f4_len), w16(b, 0);
    w16(b, (unsigned)(2 * nseg)), w16(b, 2 * pow2), w16(b, log2), w16(b, (unsigned)(2 * nseg - 2 * pow2));
    /* endCode, reservedPad, startCode, idDelta, idRangeOffset */
    for (size_t i = 0; i < nb; i++)
        if (i + 1 == nb || m[i + 1].cp != m[i].cp + 1 || m[i + 1].glyph != m[i].glyph + 1) w16(b, m[i].cp);
    w16(b, 0xFFFF);
    w16(b, 0);
    for (size_t i = 0; i < nb; i++)
        if (i == 0 || m[i].cp != m[i - 1].cp + 1 || m[i].glyph != m[i - 1].glyph + 1) w16(b, m[i].cp);
    w16(b, 0xFFFF);
    for (size_t i = 0; i < nb; i++)
        if (i == 0 || m[i].cp != m[i - 1].cp + 1 || m[i].glyph != m[i - 1].glyph + 1)
            w16(b, (m[i].glyph - m[i].cp) & 0xFFFF);
    w16(b, 1);
    for (size_t i = 0; i < nseg; i++) w16(b, 0);

    if (wide) {
        w16(b, 12), w16(b, 0), w32(b, (uint32_t)(16 + 12 * n_groups)), w32(b, 0), w32(b, (uint32_t)n_groups);
        for (size_t i = 0; i < n; i++) {
            if (!(i == 0 || m[i].cp != m[i - 1].cp + 1 || m[i].glyph != m[i - 1].glyph + 1)) continue;
            size_t j = i;
            while (j + 1 < n && m[j + 1].cp == m[j].cp + 1 && m[j + 1].glyph == m[j].glyph + 1) j++;
            w32(b, m[i].cp), w32(b, m[j].cp), w32(b, m[i].glyph);
        }
    }
}

/* ---- name ---- */

static void utf16be(buf *b, const char *s) {
    size_t n = strlen(s), adv;
    for (size_t i = 0; i < n; i += adv) {
        uint32_t cp = utf8_decode(s + i, n - i, &adv);
        if (cp >= 0x10000) cp -= 0x10000, w16(b, 0xD800 + (cp >> 10)), w16(b, 0xDC00 + (cp & 0x3FF));
        else w16(b, cp);
    }
}

static void name_table(buf *b, const fsub_names *nm) {
    const char *style = nm->bold ? (nm->italic ? "Bold Italic" : "Bold") : nm->italic ? "Italic" : "Regular";
    char full[200];
    snprintf(full, sizeof full, "%s%s%s", nm->family, strcmp(style, "Regular") ? " " : "",
             strcmp(style, "Regular") ? style : "");
    const char *str[5] = {nm->family, style, nm->psname, full, nm->psname};
    static const unsigned ids[5] = {1, 2, 3, 4, 6};
    buf s;
    buf_init(&s);
    size_t off[5], len[5];
    for (int i = 0; i < 5; i++) {
        off[i] = s.len;
        utf16be(&s, str[i]);
        len[i] = s.len - off[i];
    }
    w16(b, 0), w16(b, 5), w16(b, 6 + 12 * 5);
    for (int i = 0; i < 5; i++)
        w16(b, 3), w16(b, 1), w16(b, 0x409), w16(b, ids[i]), w16(b, (unsigned)len[i]), w16(b, (unsigned)off[i]);
    buf_add(b, s.data, s.len);
    if (s.oom) b->oom = 1;
    buf_free(&s);
}

/* ---- the font ---- */

/* The tables of an sfnt, read from its directory; -1 when damaged. */
static int sfnt_tables(const buf *p, table *t, size_t max, size_t *n) {
    span s = {(const uint8_t *)p->data, p->len};
    unsigned nt;
    if (rd_u16(s, 4, &nt) || nt > max) return -1;
    for (unsigned i = 0; i < nt; i++) {
        uint32_t tag, off, len;
        if (rd_u32(s, 12 + 16 * (size_t)i, &tag) || rd_u32(s, 12 + 16 * (size_t)i + 8, &off) ||
            rd_u32(s, 12 + 16 * (size_t)i + 12, &len) || off > s.n || len > s.n - off)
            return -1;
        t[i] = (table){tag, s.p + off, len};
    }
    *n = nt;
    return 0;
}

static int write_sfnt(buf *out, uint32_t version, table *t, size_t nt) {
    qsort(t, nt, sizeof *t, by_tag);
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= nt) pow2 *= 2, log2++;
    w32(out, version);
    w16(out, (unsigned)nt), w16(out, pow2 * 16), w16(out, log2), w16(out, (unsigned)nt * 16 - pow2 * 16);
    size_t at = 12 + 16 * nt, head_at = 0;
    for (size_t i = 0; i < nt; i++) {
        if (at > UINT32_MAX || t[i].n > UINT32_MAX) return -1;
        uint32_t sum = sfnt_sum(t[i].p, t[i].n);
        if (t[i].tag == TAG('h', 'e', 'a', 'd')) {
            /* head's own checksum counts checkSumAdjustment as 0 */
            if (t[i].n < 12) return -1;
            sum -= (uint32_t)t[i].p[8] << 24 | (uint32_t)t[i].p[9] << 16 | (uint32_t)t[i].p[10] << 8 | t[i].p[11];
            head_at = at;
        }
        w32(out, t[i].tag), w32(out, sum), w32(out, (uint32_t)at), w32(out, (uint32_t)t[i].n);
        at += (t[i].n + 3) & ~(size_t)3;
    }
    for (size_t i = 0; i < nt; i++) {
        buf_add(out, t[i].p, t[i].n);
        pad4(out);
    }
    if (out->oom || !head_at) return -1;
    set32((uint8_t *)out->data + head_at + 8, 0); /* the head copied may carry the source's */
    set32((uint8_t *)out->data + head_at + 8, 0xB1B0AFBAu - sfnt_sum((const uint8_t *)out->data, out->len));
    return 0;
}

/* A minimal OS/2 (version 1) for a face that has none. */
static void os2_synth(buf *b, const fsub_info *in, const fsub_names *nm) {
    w16(b, 1), w16(b, in->upem / 2), w16(b, nm->bold ? 700 : 400), w16(b, 5), w16(b, 0);
    for (int i = 0; i < 10; i++) w16(b, 0);              /* sub/superscript, strikeout */
    w16(b, 0);                                           /* sFamilyClass */
    for (int i = 0; i < 10; i++) buf_add(b, "", 1);      /* panose */
    for (int i = 0; i < 4; i++) w32(b, 0);               /* ulUnicodeRange */
    buf_add(b, "tbao", 4);
    w16(b, (nm->bold ? 0x20 : 0) | (nm->italic ? 1 : 0) | (!nm->bold && !nm->italic ? 0x40 : 0));
    w16(b, 0x20), w16(b, 0xFFFF);                        /* first, last char */
    w16(b, (unsigned)in->ascent & 0xFFFF), w16(b, (unsigned)in->descent & 0xFFFF), w16(b, 0);
    w16(b, (unsigned)in->ascent & 0xFFFF), w16(b, (unsigned)(-in->descent) & 0xFFFF);
    w32(b, 1), w32(b, 0);                                /* code pages: Latin 1 */
}

int fsub_opentype(hb_face_t *face, const fsub_info *in, const buf *prog, const unsigned *src_gids,
                  unsigned n_glyphs, const fsub_cmap_ent *map, size_t n_map, const fsub_names *nm, buf *out,
                  err *e) {
    buf_reset(out);
    enum { B_HEAD, B_HHEA, B_HMTX, B_OS2, B_POST, B_COUNT };
    static const hb_tag_t stags[B_COUNT] = {HB_TAG('h', 'e', 'a', 'd'), HB_TAG('h', 'h', 'e', 'a'),
                                            HB_TAG('h', 'm', 't', 'x'), HB_TAG('O', 'S', '/', '2'),
                                            HB_TAG('p', 'o', 's', 't')};
    hb_blob_t *blob[B_COUNT] = {0};
    span src[B_COUNT];
    for (int i = 0; i < B_COUNT; i++) src[i] = fsub_table(face, stags[i], &blob[i]);
    buf cmap, name, hmtx, os2;
    buf_init(&cmap), buf_init(&name), buf_init(&hmtx), buf_init(&os2);
    uint8_t head[54], hhea[36], maxp[6], post[32];
    table t[24];
    size_t nt = 0;
    int rc = -1;
    const char *why = "out of memory";

    cmap_table(&cmap, map, n_map);
    name_table(&name, nm);
    memset(post, 0, sizeof post);
    set32(post, 0x00030000);
    if (src[B_POST].n >= 16) memcpy(post + 4, src[B_POST].p + 4, 12);   /* italic angle, underline, fixed pitch */
    if (src[B_OS2].n >= 78) buf_add(&os2, src[B_OS2].p, src[B_OS2].n);
    else os2_synth(&os2, in, nm);

    if (in->kind == FSUB_TTF) {
        /* the subset's own tables, and ours around them */
        if (sfnt_tables(prog, t, 16, &nt)) { why = "the TrueType subset is damaged"; goto done; }
    } else {
        unsigned n_hm;
        if (src[B_HEAD].n < 54 || src[B_HHEA].n < 36 || rd_u16(src[B_HHEA], 34, &n_hm) || !n_hm ||
            (size_t)4 * n_hm > src[B_HMTX].n) {
            why = "the face's head, hhea or hmtx table is damaged";
            goto done;
        }
        for (unsigned i = 0; i < n_glyphs; i++) {
            unsigned gid = src_gids[i], adv = 0, lsb = 0;
            if (gid < n_hm) rd_u16(src[B_HMTX], 4 * (size_t)gid, &adv), rd_u16(src[B_HMTX], 4 * (size_t)gid + 2, &lsb);
            else rd_u16(src[B_HMTX], 4 * (size_t)(n_hm - 1), &adv),
                 rd_u16(src[B_HMTX], 4 * (size_t)n_hm + 2 * (size_t)(gid - n_hm), &lsb);
            w16(&hmtx, adv), w16(&hmtx, lsb);
        }
        memcpy(head, src[B_HEAD].p, sizeof head);
        memcpy(hhea, src[B_HHEA].p, sizeof hhea);
        set16(hhea + 34, n_glyphs);
        set32(maxp, 0x00005000), set16(maxp + 4, n_glyphs);
        t[nt++] = (table){TAG('C', 'F', 'F', ' '), (const uint8_t *)prog->data, prog->len};
        t[nt++] = (table){TAG('h', 'e', 'a', 'd'), head, sizeof head};
        t[nt++] = (table){TAG('h', 'h', 'e', 'a'), hhea, sizeof hhea};
        t[nt++] = (table){TAG('h', 'm', 't', 'x'), (const uint8_t *)hmtx.data, hmtx.len};
        t[nt++] = (table){TAG('m', 'a', 'x', 'p'), maxp, sizeof maxp};
    }
    if (cmap.oom || name.oom || hmtx.oom || os2.oom) goto done;
    t[nt++] = (table){TAG('c', 'm', 'a', 'p'), (const uint8_t *)cmap.data, cmap.len};
    t[nt++] = (table){TAG('n', 'a', 'm', 'e'), (const uint8_t *)name.data, name.len};
    t[nt++] = (table){TAG('p', 'o', 's', 't'), post, sizeof post};
    t[nt++] = (table){TAG('O', 'S', '/', '2'), (const uint8_t *)os2.data, os2.len};
    if (write_sfnt(out, in->kind == FSUB_CFF ? TAG('O', 'T', 'T', 'O') : 0x00010000, t, nt)) {
        why = "the font would be too large";
        goto done;
    }
    rc = 0;
done:
    if (rc) {
        buf_reset(out);
        err_set(e, rc && !strcmp(why, "out of memory") ? TB_EINTERNAL : TB_EFONT, NULL, 0, 0,
                "cannot write the OpenType font %s: %s", nm->psname, why);
    }
    for (int i = 0; i < B_COUNT; i++) hb_blob_destroy(blob[i]);
    buf_free(&cmap), buf_free(&name), buf_free(&hmtx), buf_free(&os2);
    return rc;
}
