/* unit_fontsub_ttf.c — fontsub: TrueType subsets (fsub_ttf_subset).
 *
 * Works on the TrueType fonts the machine has (DejaVu Sans for composite
 * glyphs, AR PL UMing for a CJK face inside a .ttc); with none of them the
 * test prints a note and checks nothing.  The subset is judged by FreeType,
 * an independent reader: every glyph of the source must load from the
 * subset with the same outline when it was kept (asked for, .notdef, or a
 * component of one of those) and load empty otherwise.  The sfnt structure
 * and checksums are checked by hand here, and damaged copies of a font
 * must give -1, never a crash (run under SANITIZE=1 to mean it). */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <fontconfig/fontconfig.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "flate.h"
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

static int cmp_u(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Glyph IDs of the UTF-8 text's characters, ascending and unique. */
static size_t text_gids(hb_face_t *face, const char *text, unsigned *gids, size_t max) {
    hb_font_t *font = hb_font_create(face);
    size_t n = 0;
    for (size_t i = 0, len = strlen(text); i < len && n < max;) {
        size_t adv;
        uint32_t cp = utf8_decode(text + i, len - i, &adv);
        i += adv;
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(font, cp, &g)) gids[n++] = g;
    }
    hb_font_destroy(font);
    qsort(gids, n, sizeof *gids, cmp_u);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || gids[k - 1] != gids[i]) gids[k++] = gids[i];
    return k;
}

/* ---- glyph comparison with FreeType ---- */

/* The glyphs a subset of gids must keep, found through FreeType's reading
 * of composites (not fontsub's).  *n_composite counts composites met. */
static unsigned char *closure(FT_Face f, const unsigned *gids, size_t n, unsigned *n_composite) {
    unsigned ng = (unsigned)f->num_glyphs;
    unsigned char *keep = calloc(ng, 1);
    unsigned *st = malloc(ng * sizeof *st);
    size_t top = 0;
    keep[0] = 1, st[top++] = 0;
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

/* Every glyph: kept ones identical (points, contours, coordinates, advance),
 * the rest empty.  Returns a fault description or NULL. */
static const char *compare_all(FT_Face orig, FT_Face sub, const unsigned char *keep, char *why, size_t wn) {
    const FT_Int32 fl = FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING;
    for (unsigned g = 0; g < (unsigned)orig->num_glyphs; g++) {
        if (FT_Load_Glyph(sub, g, fl)) {
            snprintf(why, wn, "glyph %u does not load from the subset", g);
            return why;
        }
        FT_Outline so = sub->glyph->outline;
        FT_Pos sadv = sub->glyph->metrics.horiAdvance;
        if (!keep[g]) {
            if (so.n_points || so.n_contours) {
                snprintf(why, wn, "unrequested glyph %u has %d points", g, so.n_points);
                return why;
            }
            continue;
        }
        FT_Vector *sp = malloc(((size_t)so.n_points + 1) * sizeof *sp);
        memcpy(sp, so.points, (size_t)so.n_points * sizeof *sp);
        int err = FT_Load_Glyph(orig, g, fl);
        FT_Outline oo = orig->glyph->outline;
        const char *fault = NULL;
        if (err) fault = "does not load from the source";
        else if (oo.n_points != so.n_points || oo.n_contours != so.n_contours) fault = "point/contour count differs";
        else if (memcmp(oo.points, sp, (size_t)so.n_points * sizeof *sp)) fault = "coordinates differ";
        else if (orig->glyph->metrics.horiAdvance != sadv) fault = "advance differs";
        free(sp);
        if (fault) {
            snprintf(why, wn, "glyph %u: %s (source %d/%d points/contours, subset %d/%d)", g, fault,
                     oo.n_points, oo.n_contours, so.n_points, so.n_contours);
            return why;
        }
    }
    return NULL;
}

static uLong deflated_size(const buf *b) {
    uLongf n = compressBound(b->len);
    Bytef *z = malloc(n);
    if (compress2(z, &n, (const Bytef *)b->data, b->len, 9) != Z_OK) n = 0;
    free(z);
    return n;
}

/* What pdf.c embeds today: flate.c's literal-only coding. */
static size_t literal_size(const buf *b) {
    buf z;
    buf_init(&z);
    size_t n = flate_literal(b->data, b->len, &z) ? 0 : z.len;
    buf_free(&z);
    return n;
}

/* Subset text's glyphs of face index 0 of path and judge the result. */
static void check_font(FT_Library ft, const char *label, const char *path, const char *text, int want_composite) {
    char name[128], why[256];
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned gids[64];
    size_t n = text_gids(face, text, gids, 64);
    FT_Face orig = NULL;
    FT_New_Face(ft, path, 0, &orig);
    snprintf(name, sizeof name, "%s: font readable, characters mapped", label);
    CHECK(name, orig && n >= 5, "FreeType face %p, %zu glyphs mapped", (void *)orig, n);
    if (!orig || n < 5) goto out;

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

    FT_Face sub = NULL;
    int fe = FT_New_Memory_Face(ft, (const FT_Byte *)a.data, (FT_Long)a.len, 0, &sub);
    snprintf(name, sizeof name, "%s: FreeType opens the subset, all glyph IDs kept", label);
    CHECK(name, !fe && sub->num_glyphs == orig->num_glyphs, "FT error %d, %ld vs %ld glyphs", fe,
          fe ? 0L : (long)sub->num_glyphs, (long)orig->num_glyphs);
    if (fe) goto out2;

    unsigned n_comp = 0;
    unsigned char *keep = closure(orig, gids, n, &n_comp);
    unsigned n_keep = 0;
    for (unsigned g = 0; g < (unsigned)orig->num_glyphs; g++) n_keep += keep[g];
    if (want_composite) {
        snprintf(name, sizeof name, "%s: test set has composite glyphs with extra components", label);
        CHECK(name, n_comp > 0 && n_keep > n + 1, "%u composites, %u kept for %zu asked", n_comp, n_keep, n);
    }
    fault = compare_all(orig, sub, keep, why, sizeof why);
    snprintf(name, sizeof name, "%s: kept glyphs identical, all others empty", label);
    CHECK(name, !fault, "%s", fault);

    /* loca itself says empty, not just "no points" */
    size_t ho, hl, lo, ll;
    const uint8_t *p = (const uint8_t *)a.data;
    int lfail = find_table(p, a.len, 0, "head", &ho, &hl) || find_table(p, a.len, 0, "loca", &lo, &ll);
    unsigned lf = lfail ? 0 : u16(p + ho + 50), bad = 0;
    size_t need = ((size_t)orig->num_glyphs + 1) * (lf ? 4 : 2);
    lfail = lfail || ll < need;
    for (unsigned g = 0; !lfail && g < (unsigned)orig->num_glyphs; g++) {
        uint32_t x = lf ? u32(p + lo + 4 * g) : u16(p + lo + 2 * g), y = lf ? u32(p + lo + 4 * g + 4) : u16(p + lo + 2 * g + 2);
        if (!keep[g] && x != y) bad++;
    }
    snprintf(name, sizeof name, "%s: unrequested glyphs have zero length in loca", label);
    CHECK(name, !lfail && !bad, "loca unreadable (%d) or %u non-empty unrequested glyphs", lfail, bad);

    size_t src_glyf = 0, gl;
    hb_blob_t *gb = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    src_glyf = hb_blob_get_length(gb);
    hb_blob_destroy(gb);
    (void)find_table(p, a.len, 0, "glyf", &lo, &gl);
    printf("# %s: %zu glyphs asked, %u kept of %ld; subset %zu bytes (glyf %zu of %zu), %s loca; "
           "zlib -9 %lu bytes, flate_literal %zu bytes\n", label, n, n_keep, (long)orig->num_glyphs, a.len, gl, src_glyf,
           lf ? "long" : "short", deflated_size(&a), literal_size(&a));
    free(keep);
    FT_Done_Face(sub);
out2:
    buf_free(&a);
    buf_free(&b);
out:
    if (orig) FT_Done_Face(orig);
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
    size_t n;
    unsigned char *orig = slurp(path, &n);
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned gids[16];
    size_t ng = text_gids(face, "Aé", gids, 16);
    hb_font_t *font = hb_font_create(face);
    hb_codepoint_t ga = 0, ge = 0;
    hb_font_get_nominal_glyph(font, 'A', &ga);
    hb_font_get_nominal_glyph(font, 0xE9, &ge);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    layout L = {0};
    size_t len, gl;
    int ok = orig && ng == 2 && ga && ge && !find_table(orig, n, 0, "head", &L.head, &len) &&
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
    CHECK("damage: self-referencing composite terminates", rc == 0 || rc == -1, "rc %d", rc);

    /* composite é: MORE_COMPONENTS set on every component, running off the glyph */
    memcpy(d, orig, n);
    {
        size_t ge_end = glyph_at(orig, &L, ge + 1);
        for (size_t p = eg + 10; p + 1 < ge_end; p += 2) d[p] = 0x00, d[p + 1] = 0x20;
    }
    rc = subset_mem(d, n, gids, ng, &out, &e);
    CHECK("damage: composite running past its end gives -1", rc == -1 && e.code == TB_EFONT, "rc %d code %d", rc, e.code);

    /* glyph beyond numGlyphs asked for */
    unsigned far[2] = {ga, 0xFFFF};
    rc = subset_mem(orig, n, far, 2, &out, &e);
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
            case 1: at = L.loca + (L.long_loca ? 4 : 2) * (size_t)(gids[rnd() % ng] + rnd() % 2) + rnd() % (L.long_loca ? 4 : 2); break;
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
        check_font(ft, "DejaVu Sans", dejavu, "Agé!Åŵǅ1 ", 1);
        if (strstr(dejavu, ".ttf")) check_damage(dejavu);
    }
    if (uming) check_font(ft, "AR PL UMing", uming, "通报检查发现问题整改", 0);
    free(dejavu);
    free(uming);
    FT_Done_FreeType(ft);
    FcFini();
    return TESTS_DONE();
}
