/* unit_fontsub_cff.c — fontsub: face information and CFF subsets.
 *
 * The subset is judged by FreeType, an independent reader: a kept glyph,
 * addressed by its CID (= the source glyph ID), must have the outline it
 * has in the source, point for point.  Two faces: FandolFang (CID-keyed,
 * no subroutines: charstrings are copied) and Noto Serif CJK (CID-keyed,
 * many FDs, subroutines everywhere: charstrings are inlined).  A face the
 * machine lacks is skipped with a note.  Damaged tables must give -1. */
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fontsub.h"
#include "testlib.h"

static int same_outline(FT_Face a, FT_Face b, unsigned g) {
    if (FT_Load_Glyph(a, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING)) return 0;
    FT_Outline oa = a->glyph->outline;
    if (FT_Load_Glyph(b, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING)) return 0;
    FT_Outline ob = b->glyph->outline;
    if (oa.n_points != ob.n_points || oa.n_contours != ob.n_contours) return 0;
    for (int i = 0; i < oa.n_points; i++)
        if (oa.points[i].x != ob.points[i].x || oa.points[i].y != ob.points[i].y || oa.tags[i] != ob.tags[i]) return 0;
    for (int i = 0; i < oa.n_contours; i++)
        if (oa.contours[i] != ob.contours[i]) return 0;
    return 1;
}

static void face_checks(FT_Library lib, const char *label, const char *path, int index) {
    if (access(path, R_OK)) {
        printf("# %s: %s not installed, skipped\n", label, path);
        return;
    }
    char name[200];
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, (unsigned)index);
    fsub_info in;
    err e = {0};
    int rc = fsub_info_get(face, &in, &e);
    snprintf(name, sizeof name, "%s: kind, units and glyph count", label);
    CHECK(name, rc == 0 && in.kind == FSUB_CFF && in.upem == 1000 && in.n_glyphs > 1000 && in.psname[0],
          "rc %d kind %d upem %u n %u ps %s", rc, in.kind, in.upem, in.n_glyphs, in.psname);

    /* 300 glyphs spread over the face, in ascending order */
    unsigned g[300];
    size_t n = 0;
    for (unsigned i = 1; n < 300 && i < in.n_glyphs; i += in.n_glyphs / 300) g[n++] = i;
    buf a, b;
    buf_init(&a), buf_init(&b);
    rc = fsub_cff_subset(face, g, n, &a, &e);
    snprintf(name, sizeof name, "%s: subset of %zu glyphs", label, n);
    CHECK(name, rc == 0 && a.len > 0, "%s", e.msg);
    fsub_cff_subset(face, g, n, &b, &e);
    snprintf(name, sizeof name, "%s: the same subset twice is byte-identical", label);
    CHECK(name, a.len == b.len && !memcmp(a.data, b.data, a.len), "%zu vs %zu bytes", a.len, b.len);

    FT_Face src = NULL, sub = NULL;
    int opened = !FT_New_Face(lib, path, index, &src) &&
                 !FT_New_Memory_Face(lib, (const FT_Byte *)a.data, (FT_Long)a.len, 0, &sub);
    snprintf(name, sizeof name, "%s: FreeType opens the subset as a CID-keyed CFF", label);
    CHECK(name, opened && sub && FT_IS_CID_KEYED(sub), "cannot open");
    if (opened) {
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) bad += !same_outline(src, sub, g[i]);
        snprintf(name, sizeof name, "%s: every kept glyph has its source outline", label);
        CHECK(name, bad == 0, "%zu of %zu differ", bad, n);
        /* a glyph not asked for is not there */
        unsigned missing = g[0] + 1;
        int r = FT_Load_Glyph(sub, missing, FT_LOAD_NO_SCALE);
        snprintf(name, sizeof name, "%s: a glyph not asked for is absent", label);
        CHECK(name, r != 0 || sub->glyph->outline.n_points == 0, "glyph %u loads with %d points", missing,
              sub->glyph->outline.n_points);
    }
    if (sub) FT_Done_Face(sub);
    if (src) FT_Done_Face(src);

    /* damaged: a copy of the font whose CFF table is cut short */
    unsigned len;
    hb_blob_t *cff = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    const char *d = hb_blob_get_data(cff, &len);
    size_t cut = len > 4096 ? 4096 : len / 2;
    hb_blob_t *cut_blob = hb_blob_create(d, (unsigned)cut, HB_MEMORY_MODE_READONLY, NULL, NULL);
    /* a face whose only table is the cut CFF (plus nothing else) */
    hb_face_t *bf = hb_face_builder_create();
    hb_face_builder_add_table(bf, HB_TAG('C', 'F', 'F', ' '), cut_blob);
    err e2 = {0};
    rc = fsub_cff_subset(bf, g, n, &b, &e2);
    snprintf(name, sizeof name, "%s: a cut CFF table gives an error, not a crash", label);
    CHECK(name, rc == -1 && e2.code == TB_EFONT && b.len == 0, "rc %d code %d", rc, e2.code);
    hb_face_destroy(bf);
    hb_blob_destroy(cut_blob);
    hb_blob_destroy(cff);
    buf_free(&a), buf_free(&b);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

int main(void) {
    FT_Library lib;
    if (FT_Init_FreeType(&lib)) return 1;
    face_checks(lib, "FandolFang", "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf", 0);
    face_checks(lib, "Noto Serif CJK SC", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2);
    FT_Done_FreeType(lib);
    return TESTS_DONE();
}
