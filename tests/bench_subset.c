/* bench_subset.c — `make bench`: tongbao's CFF subsetter (src/fontsub.c)
 * side by side with HarfBuzz's hb-subset, on one face and the glyphs of a
 * text.  Not a test: it prints figures (README, "Font subsetting: why
 * tongbao keeps its own").
 *
 *   bench_subset FONT TEXT [N]    both, N timed runs each (default 25):
 *                                 median time per face, bytes raw and
 *                                 deflated, and how many glyphs have a CID
 *                                 that is not their glyph ID
 *   bench_subset fontsub FONT TEXT   one subset only (for callgrind:
 *   bench_subset hb FONT TEXT        --toggle-collect=fsub_cff_subset or
 *                                    --toggle-collect=hb_subset_or_fail)
 *
 * The glyphs are those the face's cmap gives for every character of TEXT,
 * plus .notdef.  hb-subset runs twice: with its defaults (glyphs
 * renumbered) and with HB_SUBSET_FLAGS_RETAIN_GIDS (glyph IDs kept, which
 * is what codes = glyph IDs would need); both keep the source's CIDs in a
 * CID-keyed CFF.  fontsub writes CIDs equal to the source glyph IDs. */
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include <hb-subset.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fontsub.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int by_uint(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Sorted unique glyph IDs of the text's characters, .notdef first. */
static unsigned *text_glyphs(hb_face_t *face, const char *text, size_t len, size_t *n) {
    hb_font_t *font = hb_font_create(face);
    unsigned *g = malloc((len + 1) * sizeof *g);
    size_t k = 0;
    if (!font || !g) exit(2);
    g[k++] = 0;
    for (size_t i = 0; i < len;) {
        size_t adv;
        uint32_t cp = utf8_decode(text + i, len - i, &adv);
        i += adv ? adv : 1;
        hb_codepoint_t gid;
        if (cp > ' ' && hb_font_get_nominal_glyph(font, cp, &gid)) g[k++] = gid;
    }
    hb_font_destroy(font);
    qsort(g, k, sizeof *g, by_uint);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || g[i] != g[u - 1]) g[u++] = g[i];
    *n = u;
    return g;
}

static hb_face_t *hb_subset_once(hb_face_t *face, const unsigned *g, size_t n, unsigned flags) {
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return NULL;
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    for (size_t i = 0; i < n; i++) hb_set_add(gs, g[i]);
    hb_subset_input_set_flags(in, flags);
    hb_face_t *out = hb_subset_or_fail(face, in);
    hb_subset_input_destroy(in);
    return out;
}

static size_t deflated(const void *p, size_t n) {
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);   /* as src/pdf.c */
    size_t bound = c ? libdeflate_zlib_compress_bound(c, n) : 0;
    void *z = c ? malloc(bound) : NULL;
    size_t r = z ? libdeflate_zlib_compress(c, p, n, z, bound) : 0;
    free(z);
    if (c) libdeflate_free_compressor(c);
    return r;
}

/* Of the glyphs g[1..n), how many have a CID (in the source's CID-keyed
 * CFF) that is not their glyph ID.  hb-subset keeps the source's CIDs (and
 * its Adobe-GB1 ordering), so a PDF writer whose codes are glyph IDs shows
 * the wrong glyph, or none, for each of them; fontsub writes an
 * Adobe-Identity CFF whose CIDs are the source glyph IDs. */
static size_t cid_not_gid(FT_Library ft, const char *path, const unsigned *g, size_t n) {
    FT_Face f;
    size_t k = 0;
    if (FT_New_Face(ft, path, 0, &f)) return 0;
    for (size_t i = 1; i < n; i++) {
        FT_UInt c;
        if (!FT_Get_CID_From_Glyph_Index(f, g[i], &c) && c != g[i]) k++;
    }
    FT_Done_Face(f);
    return k;
}

/* The whole face: code points whose glyph's CID is not its glyph ID. */
static void face_cids(FT_Library ft, const char *path, size_t *cps, size_t *differ) {
    FT_Face f;
    *cps = *differ = 0;
    if (FT_New_Face(ft, path, 0, &f)) return;
    FT_UInt gid;
    for (FT_ULong cp = FT_Get_First_Char(f, &gid); gid; cp = FT_Get_Next_Char(f, cp, &gid)) {
        FT_UInt c;
        (*cps)++;
        if (!FT_Get_CID_From_Glyph_Index(f, gid, &c) && c != gid) (*differ)++;
    }
    FT_Done_Face(f);
}

int main(int argc, char **argv) {
    const char *mode = "both";
    if (argc >= 2 && (!strcmp(argv[1], "fontsub") || !strcmp(argv[1], "hb"))) mode = argv[1], argv++, argc--;
    if (argc < 3) {
        fprintf(stderr, "usage: bench_subset [fontsub|hb] FONT TEXT [N]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 25;
    if (reps < 1) reps = 1;
    err e = {0};
    size_t tlen;
    char *text = file_read(argv[2], 1u << 24, &tlen, &e);
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(argv[1]);
    if (!text || !blob) {
        fprintf(stderr, "bench_subset: cannot read %s\n", text ? argv[1] : argv[2]);
        return 2;
    }
    hb_face_t *face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    size_t n;
    unsigned *g = text_glyphs(face, text, tlen, &n);
    buf prog;
    buf_init(&prog);

    if (!strcmp(mode, "fontsub")) return fsub_cff_subset(face, g, n, &prog, &e) ? 1 : 0;
    if (!strcmp(mode, "hb")) {
        hb_face_t *s = hb_subset_once(face, g, n, HB_SUBSET_FLAGS_DEFAULT);
        hb_face_destroy(s);
        return s ? 0 : 1;
    }

    fsub_info info;
    if (fsub_info_get(face, &info, &e) || info.kind != FSUB_CFF) {
        fprintf(stderr, "bench_subset: %s is not a CFF face\n", argv[1]);
        return 2;
    }
    FT_Library ft;
    if (FT_Init_FreeType(&ft)) return 2;
    double *t = malloc((size_t)reps * sizeof *t);
    if (!t) return 2;
    printf("   %s: %zu glyphs of %u (the text's characters and .notdef)\n", info.psname, n, info.n_glyphs);

    /* fontsub */
    if (fsub_cff_subset(face, g, n, &prog, &e)) return 1;      /* warm */
    for (int r = 0; r < reps; r++) {
        double t0 = now_ms();
        if (fsub_cff_subset(face, g, n, &prog, &e)) return 1;
        t[r] = now_ms() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, by_double);
    printf("   %-24s %8.3f ms  %7zu bytes, %7zu deflated (CFF, CIDs = glyph IDs)\n", "fontsub (tongbao)",
           t[reps / 2], prog.len, deflated(prog.data, prog.len));

    /* hb-subset, default flags and keeping glyph IDs */
    static const struct { const char *label; unsigned flags; } hv[] = {
        {"hb-subset (defaults)", HB_SUBSET_FLAGS_DEFAULT},
        {"hb-subset (retain-gids)", HB_SUBSET_FLAGS_RETAIN_GIDS},
    };
    for (size_t k = 0; k < sizeof hv / sizeof hv[0]; k++) {
        hb_face_destroy(hb_subset_once(face, g, n, hv[k].flags));   /* warm */
        hb_face_t *s = NULL;
        for (int r = 0; r < reps; r++) {
            hb_face_destroy(s);
            double t0 = now_ms();
            s = hb_subset_once(face, g, n, hv[k].flags);
            t[r] = now_ms() - t0;
            if (!s) return 1;
        }
        qsort(t, (size_t)reps, sizeof *t, by_double);
        hb_blob_t *cff = hb_face_reference_table(s, HB_TAG('C', 'F', 'F', ' '));
        hb_blob_t *all = hb_face_reference_blob(s);
        unsigned cl, al;
        const char *cd = hb_blob_get_data(cff, &cl), *ad = hb_blob_get_data(all, &al);
        (void)ad;
        printf("   %-24s %8.3f ms  %7u bytes, %7zu deflated (CFF table; the OpenType file %u)\n", hv[k].label,
               t[reps / 2], cl, deflated(cd, cl), al);
        hb_blob_destroy(cff);
        hb_blob_destroy(all);
        hb_face_destroy(s);
    }
    size_t cps, differ;
    face_cids(ft, argv[1], &cps, &differ);
    printf("   CIDs: hb-subset keeps the source's; %zu of these %zu glyphs, and %zu of the face's %zu code points,\n"
           "   have a CID that is not their glyph ID (a writer using glyph IDs as codes would lose them)\n",
           cid_not_gid(ft, argv[1], g, n), n - 1, differ, cps);
    FT_Done_FreeType(ft);
    free(t);
    free(g);
    free(text);
    buf_free(&prog);
    hb_face_destroy(face);
    return 0;
}
