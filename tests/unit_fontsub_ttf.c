/* unit_fontsub_ttf.c — fontsub: TrueType subsets (fsub_ttf_subset).
 *
 * Works on the TrueType fonts the machine has (DejaVu Sans for composite
 * glyphs, AR PL UMing for a CJK face inside a .ttc); with none of them the
 * test prints a note and checks nothing.  Subsets use compact numbering:
 * glyph i of the subset is the caller's gids[i] (a list in order of first
 * use, not sorted), then the unlisted components of composites.  The subset
 * is judged by FreeType, an independent reader: the numbering is learnt
 * from the composites' component references (which must agree with it),
 * and every new glyph must load, flattened through its renumbered
 * components, with the outline and advance of its source glyph.  The sfnt
 * structure, checksums and table sizes are checked by hand here, and
 * damaged copies of a font must give -1, never a crash (run under
 * SANITIZE=1 to mean it). */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <fontconfig/fontconfig.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

#include "fontsub.h"
#include "testlib.h"

/* ---- reading sfnt bytes ---- */

static unsigned u16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t u32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* Table tag at offset dir of an sfnt (0 for a plain .ttf): 0 and its range. */
static int find_table(const uint8_t *p, size_t n, size_t dir, const char *tag, size_t *off, size_t *len) {
    if (dir + 12 > n) return -1;
    unsigned nt = u16(p + dir + 4);
    for (unsigned i = 0; i < nt && dir + 12 + 16 * (size_t)i + 16 <= n; i++) {
        const uint8_t *r = p + dir + 12 + 16 * (size_t)i;
        if (memcmp(r, tag, 4) == 0) {
            *off = u32(r + 8);
            *len = u32(r + 12);
            return *off + *len <= n ? 0 : -1;
        }
    }
    return -1;
}

static uint32_t sum32(const uint8_t *p, size_t n) {
    uint32_t s = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint8_t t[4] = {0, 0, 0, 0};
        memcpy(t, p + i, n - i < 4 ? n - i : 4);
        s += u32(t);
    }
    return s;
}

/* Structure of a subset: header, sorted tags from the allowed list only,
 * aligned zero-padded tables, table checksums, whole-font checksum.
 * Returns a description of the first fault, NULL if none. */
static const char *sfnt_fault(const uint8_t *p, size_t n) {
    static const char *allowed[] = {"cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep"};
    static const char *required[] = {"glyf", "head", "hhea", "hmtx", "loca", "maxp"};
    if (n < 12 || u32(p) != 0x00010000) return "bad sfnt version";
    unsigned nt = u16(p + 4), pw = 1, lg = 0;
    while (pw * 2 <= nt) pw *= 2, lg++;
    if (u16(p + 6) != pw * 16 || u16(p + 8) != lg || u16(p + 10) != nt * 16 - pw * 16) return "bad searchRange/entrySelector/rangeShift";
    if (12 + 16 * (size_t)nt > n || n % 4) return "directory or length out of range";
    size_t end = 12 + 16 * (size_t)nt;
    for (unsigned i = 0; i < nt; i++) {
        const uint8_t *r = p + 12 + 16 * (size_t)i;
        int ok = 0;
        for (size_t k = 0; k < sizeof allowed / sizeof *allowed; k++) ok |= memcmp(r, allowed[k], 4) == 0;
        if (!ok) return "table not in the FontFile2 list";
        if (i && memcmp(r - 16, r, 4) >= 0) return "tags not sorted";
        size_t off = u32(r + 8), len = u32(r + 12);
        if (off % 4 || off < end || off + len > n) return "table misplaced";
        size_t padded = (len + 3) & ~(size_t)3;
        for (size_t k = len; k < padded; k++)
            if (p[off + k]) return "padding not zero";
        uint32_t s = sum32(p + off, len);
        if (memcmp(r, "head", 4) == 0) s -= u32(p + off + 8);   /* checksum taken with adjustment 0 */
        if (s != u32(r + 4)) return "table checksum wrong";
        end = off + padded;
    }
    if (end != n) return "gaps or trailing bytes";
    for (size_t k = 0; k < sizeof required / sizeof *required; k++) {
        size_t o, l;
        if (find_table(p, n, 0, required[k], &o, &l)) return "required table missing";
    }
    if (sum32(p, n) != 0xB1B0AFBAu) return "checkSumAdjustment wrong";
    return NULL;
}

/* ---- fonts on this machine ---- */

static unsigned char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *d = sz > 0 ? malloc((size_t)sz) : NULL;
    if (d && fread(d, 1, (size_t)sz, f) != (size_t)sz) free(d), d = NULL;
    fclose(f);
    *n = d ? (size_t)sz : 0;
    return d;
}

/* Known path first, then fontconfig; only files with a glyf table count. */
static char *find_font(const char *known, const char *family) {
    FILE *f = fopen(known, "rb");
    if (f) {
        fclose(f);
        return strdup(known);
    }
    char *res = NULL;
    FcPattern *pat = FcNameParse((const FcChar8 *)family);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult r;
    FcPattern *m = FcFontMatch(NULL, pat, &r);
    FcChar8 *file = NULL, *fam = NULL;
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
        FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch && strcmp((char *)fam, family) == 0) {
        hb_blob_t *b = hb_blob_create_from_file((const char *)file);
        hb_face_t *fc = hb_face_create(b, 0);
        hb_blob_t *g = hb_face_reference_table(fc, HB_TAG('g', 'l', 'y', 'f'));
        if (hb_blob_get_length(g)) res = strdup((const char *)file);
        hb_blob_destroy(g);
        hb_face_destroy(fc);
        hb_blob_destroy(b);
    }
    if (m) FcPatternDestroy(m);
    FcPatternDestroy(pat);
    return res;
}

/* Glyph 0, then the glyph IDs of the UTF-8 text's characters in order of
 * first appearance (the PDF writer's order), each once. */
static size_t text_gids(hb_face_t *face, const char *text, unsigned *gids, size_t max) {
    hb_font_t *font = hb_font_create(face);
    size_t n = 0;
    gids[n++] = 0;
    for (size_t i = 0, len = strlen(text); i < len && n < max;) {
        size_t adv;
        uint32_t cp = utf8_decode(text + i, len - i, &adv);
        i += adv;
        hb_codepoint_t g;
        if (!hb_font_get_nominal_glyph(font, cp, &g) || !g) continue;
        size_t k = 0;
        while (k < n && gids[k] != g) k++;
        if (k == n) gids[n++] = g;
    }
    hb_font_destroy(font);
    return n;
}

/* ---- glyph comparison with FreeType ---- */

/* The glyphs a subset of gids needs, found through FreeType's reading of
 * composites (not fontsub's).  *n_composite counts composites met. */
static unsigned char *closure(FT_Face f, const unsigned *gids, size_t n, unsigned *n_composite) {
    unsigned ng = (unsigned)f->num_glyphs;
    unsigned char *keep = calloc(ng, 1);
    unsigned *st = malloc(ng * sizeof *st);
    size_t top = 0;
    for (size_t i = 0; i < n; i++)
        if (!keep[gids[i]]) keep[gids[i]] = 1, st[top++] = gids[i];
    *n_composite = 0;
    while (top) {
        unsigned g = st[--top];
        if (FT_Load_Glyph(f, g, FT_LOAD_NO_RECURSE) || f->glyph->format != FT_GLYPH_FORMAT_COMPOSITE) continue;
        ++*n_composite;
        for (unsigned k = 0; k < f->glyph->num_subglyphs; k++) {
            FT_Int idx, a1, a2;
            FT_UInt fl;
            FT_Matrix m;
            if (!FT_Get_SubGlyph_Info(f->glyph, k, &idx, &fl, &a1, &a2, &m) && !keep[idx])
                keep[idx] = 1, st[top++] = (unsigned)idx;
        }
    }
    free(st);
    return keep;
}

/* A composite glyph of f with a composite component (0 if none): a test of
 * components followed to depth. */
static unsigned nested_composite(FT_Face f) {
    for (unsigned g = 1; g < (unsigned)f->num_glyphs; g++) {
        if (FT_Load_Glyph(f, g, FT_LOAD_NO_RECURSE) || f->glyph->format != FT_GLYPH_FORMAT_COMPOSITE) continue;
        unsigned ns = f->glyph->num_subglyphs;
        FT_Int idx[8];
        for (unsigned k = 0; k < ns && k < 8; k++) {
            FT_Int a1, a2;
            FT_UInt fl;
            FT_Matrix m;
            if (FT_Get_SubGlyph_Info(f->glyph, k, &idx[k], &fl, &a1, &a2, &m)) idx[k] = 0;
        }
        for (unsigned k = 0; k < ns && k < 8; k++)
            if (!FT_Load_Glyph(f, (FT_UInt)idx[k], FT_LOAD_NO_RECURSE) && f->glyph->format == FT_GLYPH_FORMAT_COMPOSITE) return g;
    }
    return 0;
}

/* Advance and lsb of glyph g from raw hhea/hmtx bytes; -1 if out of range. */
static int hmtx_get(const uint8_t *hhea, size_t hhea_n, const uint8_t *hmtx, size_t hmtx_n, unsigned g, unsigned *adv, unsigned *lsb) {
    if (hhea_n < 36) return -1;
    unsigned hm = u16(hhea + 34);
    if (!hm || 4 * (size_t)hm > hmtx_n) return -1;
    *adv = u16(hmtx + 4 * (size_t)(g < hm ? g : hm - 1));
    size_t at = g < hm ? 4 * (size_t)g + 2 : 4 * (size_t)hm + 2 * (size_t)(g - hm);
    if (at + 2 > hmtx_n) return -1;
    *lsb = u16(hmtx + at);
    return 0;
}

/* Judge a compact subset: new glyph i is source glyph old[i], old[i] =
 * gids[i] for i < n; the source glyphs of the appended ones are learnt
 * from the composites' component references (loaded with NO_RECURSE in
 * both faces; every reference must agree with the numbering so far).
 * Then every new glyph must load, flattened through its components, with
 * the outline and advance of its source glyph.  *n_comp counts composites
 * in the subset, *n_nested those with a composite component.  *old_out
 * (when not NULL) gets the numbering, the caller frees it.  Returns a
 * fault description or NULL. */
static const char *compare_subset(FT_Face orig, FT_Face sub, const unsigned *gids, size_t n, unsigned *n_comp,
                                  unsigned *n_nested, unsigned **old_out, char *why, size_t wn) {
    const unsigned none = ~0u, count = (unsigned)sub->num_glyphs, n_src = (unsigned)orig->num_glyphs;
    unsigned *old = malloc(count * sizeof *old), *newof = malloc(n_src * sizeof *newof);
    unsigned char *done = calloc(count, 1);
    const char *fault = NULL;
    *n_comp = *n_nested = 0;
    for (unsigned i = 0; i < count; i++) old[i] = none;
    for (unsigned g = 0; g < n_src; g++) newof[g] = none;
    for (size_t i = 0; i < n; i++) old[i] = gids[i], newof[gids[i]] = (unsigned)i;

    for (int progress = 1; progress && !fault;) {
        progress = 0;
        for (unsigned i = 0; i < count && !fault; i++) {
            if (done[i] || old[i] == none) continue;
            done[i] = 1, progress = 1;
            if (FT_Load_Glyph(orig, old[i], FT_LOAD_NO_RECURSE) || FT_Load_Glyph(sub, i, FT_LOAD_NO_RECURSE)) {
                snprintf(why, wn, "glyph %u (source %u) does not load unflattened", i, old[i]);
                fault = why;
                break;
            }
            int oc = orig->glyph->format == FT_GLYPH_FORMAT_COMPOSITE, sc = sub->glyph->format == FT_GLYPH_FORMAT_COMPOSITE;
            if (oc != sc || (oc && orig->glyph->num_subglyphs != sub->glyph->num_subglyphs)) {
                snprintf(why, wn, "glyph %u (source %u): composite structure differs", i, old[i]);
                fault = why;
                break;
            }
            if (!oc) continue;
            ++*n_comp;
            unsigned ns = sub->glyph->num_subglyphs;
            FT_Int *comps = malloc(ns * sizeof *comps);
            for (unsigned k = 0; k < ns && !fault; k++) {
                FT_Int oi, si, oa1, oa2, sa1, sa2;
                FT_UInt of, sf;
                FT_Matrix om, sm;
                if (FT_Get_SubGlyph_Info(orig->glyph, k, &oi, &of, &oa1, &oa2, &om) ||
                    FT_Get_SubGlyph_Info(sub->glyph, k, &si, &sf, &sa1, &sa2, &sm) || of != sf || oa1 != sa1 ||
                    oa2 != sa2 || memcmp(&om, &sm, sizeof om)) {
                    snprintf(why, wn, "glyph %u (source %u): component %u differs beyond its index", i, old[i], k);
                    fault = why;
                } else if (oi < 0 || (unsigned)oi >= n_src || si < 0 || (unsigned)si >= count) {
                    snprintf(why, wn, "glyph %u: component %u index out of range (%d / %d)", i, k, oi, si);
                    fault = why;
                } else if (newof[oi] == none && (unsigned)si >= n && old[si] == none) {
                    newof[oi] = (unsigned)si, old[si] = (unsigned)oi;   /* an appended component */
                } else if (newof[oi] != (unsigned)si) {
                    snprintf(why, wn, "glyph %u (source %u): component %u is new glyph %d, source %d is new glyph %d", i,
                             old[i], k, si, oi, newof[oi] == none ? -1 : (int)newof[oi]);
                    fault = why;
                }
                comps[k] = oi;
            }
            int nested = 0;
            for (unsigned k = 0; k < ns && !fault; k++)
                nested |= !FT_Load_Glyph(orig, (FT_UInt)comps[k], FT_LOAD_NO_RECURSE) && orig->glyph->format == FT_GLYPH_FORMAT_COMPOSITE;
            free(comps);
            *n_nested += nested;
        }
    }
    for (unsigned i = 0; i < count && !fault; i++)
        if (old[i] == none) {
            snprintf(why, wn, "appended glyph %u is no composite's component", i);
            fault = why;
        }

    const FT_Int32 fl = FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING;
    for (unsigned i = 0; i < count && !fault; i++) {
        if (FT_Load_Glyph(sub, i, fl)) {
            snprintf(why, wn, "glyph %u (source %u) does not load from the subset", i, old[i]);
            fault = why;
            break;
        }
        FT_Outline so = sub->glyph->outline;
        FT_Pos sadv = sub->glyph->metrics.horiAdvance;
        FT_Vector *sp = malloc(((size_t)so.n_points + 1) * sizeof *sp);
        memcpy(sp, so.points, (size_t)so.n_points * sizeof *sp);
        int err = FT_Load_Glyph(orig, old[i], fl);
        FT_Outline oo = orig->glyph->outline;
        const char *f = NULL;
        if (err) f = "does not load from the source";
        else if (oo.n_points != so.n_points || oo.n_contours != so.n_contours) f = "point/contour count differs";
        else if (memcmp(oo.points, sp, (size_t)so.n_points * sizeof *sp)) f = "coordinates differ";
        else if (orig->glyph->metrics.horiAdvance != sadv) f = "advance differs";
        free(sp);
        if (f) {
            snprintf(why, wn, "glyph %u (source %u): %s (source %d/%d points/contours, subset %d/%d)", i, old[i], f,
                     oo.n_points, oo.n_contours, so.n_points, so.n_contours);
            fault = why;
        }
    }
    if (old_out) *old_out = old;
    else free(old);
    free(newof);
    free(done);
    return fault;
}

/* The subset deflated by libdeflate at level lv (1 is what the PDF writer
 * uses, 12 the most it can do). */
static size_t deflated_size(const buf *b, int lv) {
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(lv);
    size_t bound = c ? libdeflate_zlib_compress_bound(c, b->len) : 0;
    void *z = c ? malloc(bound) : NULL;
    size_t n = z ? libdeflate_zlib_compress(c, b->data, b->len, z, bound) : 0;
    free(z);
    if (c) libdeflate_free_compressor(c);
    return n;
}

/* The list rules: -1 with TB_EFONT and an empty out for each breach. */
static void check_contract(const char *label, hb_face_t *face, const unsigned *gids) {
    char name[160];
    unsigned bad[8];
    buf out;
    buf_init(&out);
    err e;
    struct {
        const char *what;
        size_t n;
    } cases[4] = {{"an empty list", 0}, {"a list not starting with .notdef", 2}, {"a duplicate", 3}, {"a glyph beyond numGlyphs", 3}};
    for (int c = 0; c < 4; c++) {
        memcpy(bad, gids, 3 * sizeof *bad);
        if (c == 1) bad[0] = gids[1], bad[1] = 0;
        if (c == 2) bad[2] = gids[1];
        if (c == 3) bad[2] = hb_face_get_glyph_count(face);
        buf_add(&out, "x", 1);
        memset(&e, 0, sizeof e);
        int rc = fsub_ttf_subset(face, bad, cases[c].n, &out, &e);
        snprintf(name, sizeof name, "%s: %s gives -1", label, cases[c].what);
        CHECK(name, rc == -1 && e.code == TB_EFONT && e.msg[0] && out.len == 0, "rc %d code %d out %zu", rc, e.code, out.len);
    }
    buf_free(&out);
}

/* Subset face index 0 of path: glyph 0, the text's glyphs in order of first
 * appearance, then extra (if not 0), and judge the result. */
static void check_font(FT_Library ft, const char *label, const char *path, const char *text, int want_composite,
                       int want_nested) {
    char name[160], why[256];
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned gids[64];
    size_t n = text_gids(face, text, gids, 63);
    FT_Face orig = NULL;
    FT_New_Face(ft, path, 0, &orig);
    snprintf(name, sizeof name, "%s: font readable, characters mapped", label);
    CHECK(name, orig && n >= 5, "FreeType face %p, %zu glyphs mapped", (void *)orig, n);
    if (!orig || n < 5) goto out;
    if (want_nested) {
        unsigned g = nested_composite(orig);
        snprintf(name, sizeof name, "%s: font has a composite with a composite component", label);
        CHECK(name, g != 0, "none found");
        size_t k = 0;
        while (k < n && gids[k] != g) k++;
        if (g && k == n) gids[n++] = g;
    }
    int sorted = 1;
    for (size_t i = 1; i < n; i++) sorted &= gids[i - 1] < gids[i];
    snprintf(name, sizeof name, "%s: test list is not in ascending order", label);
    CHECK(name, !sorted, "%zu glyphs ascending", n);
    check_contract(label, face, gids);

    buf a, b;
    buf_init(&a);
    buf_init(&b);
    err e = {0};
    int rc = fsub_ttf_subset(face, gids, n, &a, &e);
    snprintf(name, sizeof name, "%s: subset succeeds", label);
    CHECK(name, rc == 0 && a.len > 0, "rc %d: %s", rc, e.msg);
    if (rc) goto out2;

    const char *fault = sfnt_fault((const uint8_t *)a.data, a.len);
    snprintf(name, sizeof name, "%s: sfnt structure and checksums", label);
    CHECK(name, !fault, "%s", fault);

    rc = fsub_ttf_subset(face, gids, n, &b, &e);
    snprintf(name, sizeof name, "%s: deterministic", label);
    CHECK(name, rc == 0 && a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "second subset differs (%zu vs %zu bytes)", a.len, b.len);

    unsigned n_comp = 0;
    unsigned char *keep = closure(orig, gids, n, &n_comp);
    unsigned n_keep = 0;
    for (unsigned g = 0; g < (unsigned)orig->num_glyphs; g++) n_keep += keep[g];
    free(keep);
    if (want_composite) {
        snprintf(name, sizeof name, "%s: test set has composite glyphs with unlisted components", label);
        CHECK(name, n_comp > 0 && n_keep > n, "%u composites, %u needed for %zu listed", n_comp, n_keep, n);
    }

    const uint8_t *p = (const uint8_t *)a.data;
    size_t mo = 0, ml = 0;
    unsigned maxp_n = find_table(p, a.len, 0, "maxp", &mo, &ml) || ml < 6 ? 0 : u16(p + mo + 4);
    snprintf(name, sizeof name, "%s: maxp.numGlyphs = listed + appended components", label);
    CHECK(name, maxp_n == n_keep, "numGlyphs %u, %zu listed, %u needed", maxp_n, n, n_keep);

    FT_Face sub = NULL;
    int fe = FT_New_Memory_Face(ft, (const FT_Byte *)a.data, (FT_Long)a.len, 0, &sub);
    snprintf(name, sizeof name, "%s: FreeType opens the subset", label);
    CHECK(name, !fe && (unsigned)sub->num_glyphs == n_keep, "FT error %d, %ld glyphs, %u needed", fe,
          fe ? 0L : (long)sub->num_glyphs, n_keep);
    if (fe) goto out2;

    unsigned sub_comp = 0, sub_nested = 0, *old = NULL;
    fault = compare_subset(orig, sub, gids, n, &sub_comp, &sub_nested, &old, why, sizeof why);
    snprintf(name, sizeof name, "%s: glyph i is source gids[i], components renumbered, outlines identical", label);
    CHECK(name, !fault, "%s", fault);
    if (want_composite) {
        snprintf(name, sizeof name, "%s: composites in the subset load through rewritten indices", label);
        CHECK(name, sub_comp > 0 && (!want_nested || sub_nested > 0), "%u composites, %u nested", sub_comp, sub_nested);
    }

    /* loca and hmtx are exactly as long as the new glyph count needs; hmtx
     * holds the source's advance and lsb for every new glyph */
    size_t ho = 0, hl = 0, lo = 0, ll = 0, eo = 0, el = 0, xo = 0, xl = 0, gl = 0;
    int tfail = find_table(p, a.len, 0, "head", &ho, &hl) || find_table(p, a.len, 0, "loca", &lo, &ll) ||
                find_table(p, a.len, 0, "hhea", &eo, &el) || find_table(p, a.len, 0, "hmtx", &xo, &xl) ||
                find_table(p, a.len, 0, "glyf", &mo, &gl) || el < 36;
    unsigned lf = tfail ? 0 : u16(p + ho + 50), hm = tfail ? 0 : u16(p + eo + 34);
    snprintf(name, sizeof name, "%s: loca and hmtx sized for the new glyph count", label);
    CHECK(name, !tfail && ll == (n_keep + 1) * (size_t)(lf ? 4 : 2) && hm >= 1 && hm <= n_keep && xl == 2 * (size_t)n_keep + 2 * hm,
          "loca %zu bytes (%s), hmtx %zu bytes, numberOfHMetrics %u, %u glyphs", ll, lf ? "long" : "short", xl, hm, n_keep);
    hb_blob_t *shh = hb_face_reference_table(face, HB_TAG('h', 'h', 'e', 'a'));
    hb_blob_t *shm = hb_face_reference_table(face, HB_TAG('h', 'm', 't', 'x'));
    unsigned shh_n, shm_n, mism = 0;
    const uint8_t *shh_p = (const uint8_t *)hb_blob_get_data(shh, &shh_n), *shm_p = (const uint8_t *)hb_blob_get_data(shm, &shm_n);
    for (unsigned i = 0; !tfail && !fault && i < n_keep; i++) {
        unsigned sa, sl, oa, ol;
        if (hmtx_get(p + eo, el, p + xo, xl, i, &sa, &sl) || hmtx_get(shh_p, shh_n, shm_p, shm_n, old[i], &oa, &ol) || sa != oa || sl != ol)
            mism++;
    }
    free(old);
    hb_blob_destroy(shh);
    hb_blob_destroy(shm);
    snprintf(name, sizeof name, "%s: hmtx advance and lsb of every new glyph as in the source", label);
    CHECK(name, !tfail && !fault && !mism, "%u mismatches%s", mism, fault ? " (not compared: glyphs wrong above)" : "");

    size_t src_glyf = 0;
    hb_blob_t *gb = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    src_glyf = hb_blob_get_length(gb);
    hb_blob_destroy(gb);
    printf("# %s: %zu glyphs listed, %u in subset (of %ld); subset %zu bytes (glyf %zu of %zu), %s loca, "
           "%u long hmtx entries; deflated %zu bytes (level 1, as written), %zu (level 12)\n", label, n, n_keep, (long)orig->num_glyphs,
           a.len, gl, src_glyf, lf ? "long" : "short", hm, deflated_size(&a, 1), deflated_size(&a, 12));
    FT_Done_Face(sub);
out2:
    buf_free(&a);
    buf_free(&b);
out:
    if (orig) FT_Done_Face(orig);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

/* Every composite of the face, in descending order after .notdef: the
 * renumbering across a whole font's worth of component records. */
static void check_all_composites(FT_Library ft, const char *label, const char *path) {
    char name[160], why[256];
    FT_Face orig = NULL, sub = NULL;
    if (FT_New_Face(ft, path, 0, &orig)) return;
    unsigned ng = (unsigned)orig->num_glyphs, *gids = malloc(ng * sizeof *gids);
    size_t n = 0;
    gids[n++] = 0;
    for (unsigned g = ng - 1; g > 0; g--)
        if (!FT_Load_Glyph(orig, g, FT_LOAD_NO_RECURSE) && orig->glyph->format == FT_GLYPH_FORMAT_COMPOSITE) gids[n++] = g;
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, 0);
    buf a;
    buf_init(&a);
    err e = {0};
    int rc = fsub_ttf_subset(face, gids, n, &a, &e);
    const char *fault = rc ? e.msg : sfnt_fault((const uint8_t *)a.data, a.len);
    if (!fault && FT_New_Memory_Face(ft, (const FT_Byte *)a.data, (FT_Long)a.len, 0, &sub)) fault = "FreeType cannot open it";
    unsigned nc = 0, nn = 0;
    if (!fault) fault = compare_subset(orig, sub, gids, n, &nc, &nn, NULL, why, sizeof why);
    snprintf(name, sizeof name, "%s: all %zu composites, descending: renumbered, outlines identical", label, n - 1);
    CHECK(name, !fault && n > 100 && nc == n - 1, "%s (%u composites checked)", fault ? fault : "too few", nc);
    printf("# %s: all composites: %zu listed, %ld in subset, %u with composite components\n", label, n,
           sub ? (long)sub->num_glyphs : 0L, nn);
    if (sub) FT_Done_Face(sub);
    FT_Done_Face(orig);
    buf_free(&a);
    free(gids);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

/* [.notdef, one CJK glyph]: the subset must be small now that unused glyph
 * IDs cost nothing. */
static void check_tiny(FT_Library ft, const char *label, const char *path, uint32_t cp) {
    char name[160], why[256];
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    hb_codepoint_t g = 0;
    hb_font_get_nominal_glyph(font, cp, &g);
    hb_font_destroy(font);
    unsigned gids[2] = {0, g};
    buf a;
    buf_init(&a);
    err e = {0};
    int rc = g ? fsub_ttf_subset(face, gids, 2, &a, &e) : -1;
    FT_Face orig = NULL, sub = NULL;
    FT_New_Face(ft, path, 0, &orig);
    int fe = rc || !orig ? -1 : FT_New_Memory_Face(ft, (const FT_Byte *)a.data, (FT_Long)a.len, 0, &sub);
    unsigned dummy1, dummy2;
    const char *fault = fe ? "not opened" : sfnt_fault((const uint8_t *)a.data, a.len);
    if (!fault) fault = compare_subset(orig, sub, gids, 2, &dummy1, &dummy2, NULL, why, sizeof why);
    hb_blob_t *t[3] = {hb_face_reference_table(face, HB_TAG('c', 'v', 't', ' ')), hb_face_reference_table(face, HB_TAG('f', 'p', 'g', 'm')),
                       hb_face_reference_table(face, HB_TAG('p', 'r', 'e', 'p'))};
    size_t hint = 0;
    for (int k = 0; k < 3; k++) hint += hb_blob_get_length(t[k]), hb_blob_destroy(t[k]);
    snprintf(name, sizeof name, "%s: [.notdef, U+%04X] subset: 2 glyphs, sound, identical outlines", label, (unsigned)cp);
    CHECK(name, !rc && !fault && sub->num_glyphs == 2, "rc %d (%s), %s", rc, e.msg, fault ? fault : "wrong glyph count");
    /* the hinting tables are copied whole; everything else must be tiny */
    snprintf(name, sizeof name, "%s: [.notdef, U+%04X] subset under 4 KB besides cvt/fpgm/prep", label, (unsigned)cp);
    CHECK(name, !rc && a.len - hint < 4096, "%zu bytes, %zu of them hinting tables", a.len, hint);
    printf("# %s: [.notdef, U+%04X] subset %zu bytes raw (cvt+fpgm+prep %zu), deflated %zu bytes (level 1, as written), %zu (level 12)\n",
           label, (unsigned)cp, a.len, hint, rc ? 0 : deflated_size(&a, 1), rc ? 0 : deflated_size(&a, 12));
    if (sub) FT_Done_Face(sub);
    if (orig) FT_Done_Face(orig);
    buf_free(&a);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

/* ---- damaged fonts ---- */

static int subset_mem(const unsigned char *d, size_t n, const unsigned *gids, size_t ng, buf *out, err *e) {
    hb_blob_t *b = hb_blob_create((const char *)d, (unsigned)n, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *f = hb_face_create(b, 0);
    memset(e, 0, sizeof *e);
    int rc = fsub_ttf_subset(f, gids, ng, out, e);
    hb_face_destroy(f);
    hb_blob_destroy(b);
    return rc;
}

static uint32_t rng_state = 12345;
static uint32_t rnd(void) {
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Byte offset of glyph gid's loca entry and glyf data in a plain .ttf. */
typedef struct {
    size_t head, loca, glyf, glyf_len;
    int long_loca;
} layout;

static size_t glyph_at(const unsigned char *d, const layout *L, unsigned gid) {
    return L->glyf + (L->long_loca ? u32(d + L->loca + 4 * gid) : 2 * (size_t)u16(d + L->loca + 2 * gid));
}

static void check_damage(const char *path) {
    size_t n = 0;
    unsigned char *orig = slurp(path, &n);
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned gids[16];
    size_t ng = text_gids(face, "Aé", gids, 16);
    hb_font_t *font = hb_font_create(face);
    hb_codepoint_t ga = 0, ge = 0, gr[4] = {0, 0, 0, 0};
    hb_font_get_nominal_glyph(font, 'A', &ga);
    hb_font_get_nominal_glyph(font, 0xE9, &ge);
    static const uint32_t other[4] = {0xC5, 0xE0, 0x175, 0x1FA};   /* Å à ŵ Ǻ: a second composite */
    for (int k = 0; k < 4; k++) hb_font_get_nominal_glyph(font, other[k], &gr[k]);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    layout L = {0};
    size_t len, gl;
    int ok = orig && ng == 3 && ga && ge && !find_table(orig, n, 0, "head", &L.head, &len) &&
             !find_table(orig, n, 0, "loca", &L.loca, &len) && !find_table(orig, n, 0, "glyf", &L.glyf, &gl);
    L.glyf_len = gl;
    if (ok) L.long_loca = u16(orig + L.head + 50) == 1;
    CHECK("damage: test font prepared", ok, "cannot read %s", path);
    if (!ok) {
        free(orig);
        return;
    }
    unsigned char *d = malloc(n);
    buf out;
    buf_init(&out);
    err e;
    int rc;

    memcpy(d, orig, n);
    rc = subset_mem(d, n, gids, ng, &out, &e);
    CHECK("damage: undamaged copy subsets", rc == 0, "%s", e.msg);

    /* loca: glyph A's end far beyond glyf */
    memcpy(d, orig, n);
    if (L.long_loca) memset(d + L.loca + 4 * (ga + 1), 0xff, 4);
    else memset(d + L.loca + 2 * (ga + 1), 0xff, 2);
    rc = subset_mem(d, n, gids, ng, &out, &e);
    CHECK("damage: loca beyond glyf gives -1", rc == -1 && e.code == TB_EFONT && out.len == 0, "rc %d code %d", rc, e.code);

    /* loca: A ends before it starts */
    memcpy(d, orig, n);
    if (L.long_loca) memset(d + L.loca + 4 * (ga + 1), 0, 4);
    else memset(d + L.loca + 2 * (ga + 1), 0, 2);
    rc = subset_mem(d, n, gids, ng, &out, &e);
    CHECK("damage: descending loca gives -1", rc == -1 && e.code == TB_EFONT, "rc %d code %d", rc, e.code);

    /* composite é: first component refers beyond numGlyphs */
    size_t eg = glyph_at(orig, &L, ge);
    int comp = eg + 14 <= n && u16(orig + eg) >= 0x8000;
    CHECK("damage: é is a composite in the test font", comp, "numberOfContours %u", comp ? 0 : u16(orig + eg));
    memcpy(d, orig, n);
    put16(d + eg + 12, 0xFFFF);
    rc = subset_mem(d, n, gids, ng, &out, &e);
    CHECK("damage: component beyond numGlyphs gives -1", rc == -1 && e.code == TB_EFONT, "rc %d code %d", rc, e.code);

    /* composite é: its component is itself; must end (either answer is fine) */
    memcpy(d, orig, n);
    put16(d + eg + 12, ge);
    rc = subset_mem(d, n, gids, ng, &out, &e);
    CHECK("damage: self-referencing composite terminates", (rc == 0 && !sfnt_fault((const uint8_t *)out.data, out.len)) || rc == -1,
          "rc %d", rc);

    /* composites é and another naming each other as first component: a
     * cycle through a glyph that is appended; must end with a sound subset
     * of [.notdef A é] + the other + their components */
    unsigned g2 = 0;
    size_t ag = 0;
    for (int k = 0; k < 4 && !g2; k++) {
        ag = glyph_at(orig, &L, gr[k]);
        if (gr[k] && gr[k] != ge && glyph_at(orig, &L, gr[k] + 1) >= ag + 16 && u16(orig + ag) >= 0x8000) g2 = gr[k];
    }
    int comp2 = g2 != 0;
    CHECK("damage: a second composite in the test font", comp2, "none of Å à ŵ Ǻ");
    if (comp2) {
        memcpy(d, orig, n);
        put16(d + eg + 12, g2);
        put16(d + ag + 12, ge);
        rc = subset_mem(d, n, gids, ng, &out, &e);
        unsigned ngl = 0;
        size_t mo, ml;
        if (rc == 0 && !find_table((const uint8_t *)out.data, out.len, 0, "maxp", &mo, &ml) && ml >= 6)
            ngl = u16((const uint8_t *)out.data + mo + 4);
        CHECK("damage: composite cycle through an appended glyph terminates with a sound subset",
              rc == 0 && !sfnt_fault((const uint8_t *)out.data, out.len) && ngl > ng && ngl <= ng + 4, "rc %d (%s), %u glyphs", rc,
              e.msg, ngl);
    }

    /* composite é: MORE_COMPONENTS set on every component, running off the glyph */
    memcpy(d, orig, n);
    {
        size_t ge_end = glyph_at(orig, &L, ge + 1);
        for (size_t p = eg + 10; p + 1 < ge_end; p += 2) d[p] = 0x00, d[p + 1] = 0x20;
    }
    rc = subset_mem(d, n, gids, ng, &out, &e);
    CHECK("damage: composite running past its end gives -1", rc == -1 && e.code == TB_EFONT, "rc %d code %d", rc, e.code);

    /* glyph beyond numGlyphs asked for */
    unsigned far[3] = {0, ga, 0xFFFF};
    rc = subset_mem(orig, n, far, 3, &out, &e);
    CHECK("damage: asking for a glyph beyond numGlyphs gives -1", rc == -1 && e.code == TB_EFONT, "rc %d code %d", rc, e.code);

    /* truncated file: tables cut short or lost */
    int crashes = 0;
    for (int k = 1; k <= 9; k++) {
        rc = subset_mem(orig, n * (size_t)k / 10, gids, ng, &out, &e);
        if (rc == 0 && sfnt_fault((const uint8_t *)out.data, out.len)) crashes++;
        if (rc == -1 && (e.code != TB_EFONT || !e.msg[0])) crashes++;
    }
    CHECK("damage: truncated files give -1 or a sound subset", !crashes, "%d bad outcomes", crashes);

    /* garbage, and an empty face */
    for (size_t i = 0; i < 4096; i++) d[i] = (unsigned char)rnd();
    rc = subset_mem(d, 4096, gids, ng, &out, &e);
    CHECK("damage: garbage blob gives -1", rc == -1 && e.code == TB_EFONT, "rc %d code %d", rc, e.code);
    memset(&e, 0, sizeof e);
    rc = fsub_ttf_subset(hb_face_get_empty(), gids, ng, &out, &e);
    CHECK("damage: empty face gives -1", rc == -1 && e.code == TB_EFONT, "rc %d code %d", rc, e.code);

    /* random byte damage where the subsetter reads: head/hhea/maxp fields,
     * the loca entries and glyph data of the asked-for glyphs */
    size_t hh, mx, dummy;
    find_table(orig, n, 0, "hhea", &hh, &dummy);
    find_table(orig, n, 0, "maxp", &mx, &dummy);
    size_t spots[] = {L.head + 50, L.head + 51, hh + 34, hh + 35, mx + 4, mx + 5};
    int bad = 0, fails = 0;
    for (int it = 0; it < 400; it++) {
        memcpy(d, orig, n);
        for (int k = 0; k < 4; k++) {
            size_t at;
            switch (rnd() % 4) {
            case 0: at = spots[rnd() % (sizeof spots / sizeof *spots)]; break;
            case 1: {   /* one rnd() per statement: the same damage in every build */
                size_t w = L.long_loca ? 4 : 2, gi = gids[rnd() % ng];
                gi += rnd() % 2;
                at = L.loca + w * gi + rnd() % w;
                break;
            }
            case 2: at = eg + rnd() % 40; break;
            default: at = glyph_at(orig, &L, ga) + rnd() % 12; break;
            }
            d[at] = (unsigned char)rnd();
        }
        rc = subset_mem(d, n, gids, ng, &out, &e);
        if (rc == 0 && sfnt_fault((const uint8_t *)out.data, out.len)) bad++;
        if (rc == -1 && e.code != TB_EFONT) bad++;
        fails += rc == -1;
    }
    CHECK("damage: 400 randomly damaged copies give -1 or a sound subset", !bad, "%d bad outcomes", bad);
    printf("# damage: %d of 400 randomly damaged copies refused\n", fails);

    buf_free(&out);
    free(d);
    free(orig);
}

int main(void) {
    FT_Library ft;
    if (FT_Init_FreeType(&ft)) {
        CHECK("FreeType initialises", 0, "FT_Init_FreeType failed");
        return TESTS_DONE();
    }
    char *dejavu = find_font("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVu Sans");
    char *uming = find_font("/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN");
    if (!dejavu && !uming) printf("# skip: no DejaVu Sans or AR PL UMing TrueType font on this machine\n");
    if (dejavu) {
        check_font(ft, "DejaVu Sans", dejavu, "Agée!Åŵǅ1 ", 1, 1);
        check_all_composites(ft, "DejaVu Sans", dejavu);
        if (strstr(dejavu, ".ttf")) check_damage(dejavu);
    }
    if (uming) {
        check_font(ft, "AR PL UMing", uming, "通报检查发现问题整改", 0, 0);
        check_tiny(ft, "AR PL UMing", uming, 0x901A);   /* 通 */
    }
    free(dejavu);
    free(uming);
    FT_Done_FreeType(ft);
    FcFini();
    return TESTS_DONE();
}
