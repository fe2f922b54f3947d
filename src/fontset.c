/* fontset.c — faces, glyphs in order of first use, and subsets (fontset.h). */
#include "fontset.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangofc-font.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

void fset_init(fset *s) {
    memset(s, 0, sizeof *s);
    buf_init(&s->uni_text);
}

void fset_free(fset *s) {
    for (size_t i = 0; i < s->n_fonts; i++) {
        free(s->fonts[i].gl), free(s->fonts[i].slot);
        fsub_hmtx_close(&s->fonts[i].hmtx);
    }
    free(s->fonts);
    for (size_t i = 0; i < s->n_refs; i++) g_object_unref(s->refs[i].pf);
    free(s->refs);
    buf_free(&s->uni_text);
    memset(s, 0, sizeof *s);
}

/* Family, weight and slant as fontconfig states them: the names a reader
 * that looks faces up by family (an OFD reader, a browser) matches. */
static void face_style(FcPattern *pat, hb_face_t *face, fset_font *f) {
    FcChar8 *fam = NULL;
    int wt = 0, sl = 0;
    if (pat && FcPatternGetString(pat, FC_FAMILY, 0, &fam) == FcResultMatch && fam)
        snprintf(f->family, sizeof f->family, "%s", (const char *)fam);
    else {
        unsigned len = sizeof f->family;
        if (!hb_ot_name_get_utf8(face, HB_OT_NAME_ID_FONT_FAMILY, HB_LANGUAGE_INVALID, &len, f->family))
            f->family[0] = 0;
    }
    if (pat && FcPatternGetInteger(pat, FC_WEIGHT, 0, &wt) == FcResultMatch) f->bold = wt >= FC_WEIGHT_BOLD;
    if (pat && FcPatternGetInteger(pat, FC_SLANT, 0, &sl) == FcResultMatch) f->italic = sl != FC_SLANT_ROMAN;
    /* some faces (Fandol's Bold cuts) declare a regular weight and say
     * Bold only in their style name */
    FcChar8 *st = NULL;
    if (pat && FcPatternGetString(pat, FC_STYLE, 0, &st) == FcResultMatch && st) {
        if (strstr((const char *)st, "Bold")) f->bold = 1;
        if (strstr((const char *)st, "Italic") || strstr((const char *)st, "Oblique")) f->italic = 1;
    }
}

int fset_ref_for(fset *s, PangoFont *pf, fset_ref **ref, err *e) {
    for (size_t i = 0; i < s->n_refs; i++)
        if (s->refs[i].pf == pf) return *ref = &s->refs[i], 0;
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
    if (!d) return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    /* the size as a PDF's Tf states it, so the pen arithmetic matches a reader's */
    double size = round(pango_font_description_get_size(d) * 100.0 / PANGO_SCALE) / 100;
    pango_font_description_free(d);

    size_t fi = 0;
    while (fi < s->n_fonts && s->fonts[fi].face != face) fi++;
    if (fi == s->n_fonts) {
        fset_font f = {0};
        f.face = face;
        /* a variable face's instance lives in Pango's hb_font, not in the
         * tables a subset copies: Cairo draws what FreeType renders */
        if (hb_ot_var_has_data(face)) return 1;
        err ie = {0};
        if (fsub_info_get(face, &f.info, &ie) || f.info.kind == FSUB_NONE) return 1;
        fset_font *nf = xrealloc(s->fonts, (s->n_fonts + 1) * sizeof *nf);
        s->fonts = nf;
        face_style(pat, face, &f);
        fsub_hmtx_open(face, &f.hmtx);        /* none: advances 0, /W says so too */
        s->fonts[s->n_fonts++] = f;
    }
    fset_ref *nr = xrealloc(s->refs, (s->n_refs + 1) * sizeof *nr);
    s->refs = nr;
    /* held: a streamed layout frees its pages, and with them the items'
     * references, before the fonts are subset from this face */
    s->refs[s->n_refs] = (fset_ref){g_object_ref(pf), (int)fi, size};
    *ref = &s->refs[s->n_refs++];
    return 0;
}

/* Its advance in 1/1000 em rounded to 1/100, the value a PDF's /W states,
 * so the pen arithmetic agrees with what a reader computes. */
fset_glyph *fset_glyph_of(fset_font *f, unsigned gid) {
    unsigned h = (gid * 2654435761u) & (f->n_slots - 1);
    if (f->n_slots)
        for (; f->slot[h]; h = (h + 1) & (f->n_slots - 1))
            if (f->gl[f->slot[h] - 1].gid == gid) return &f->gl[f->slot[h] - 1];
    if (2 * (f->n_used + 1) > f->n_slots) {           /* grow the index */
        unsigned ns = f->n_slots ? 2 * f->n_slots : 256;
        unsigned *sl = xcalloc(ns, sizeof *sl);
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
        fset_glyph *ng = xrealloc(f->gl, nc * sizeof *ng);
        f->gl = ng, f->cap_used = nc;
    }
    fset_glyph *g = &f->gl[f->n_used];
    g->gid = gid;
    if (f->info.kind == FSUB_CFF) g->code = gid;
    else g->code = gid == 0 ? 0 : ++f->next_code;     /* code 0 stays .notdef's */
    g->uni = 0;
    g->w = round(fsub_hmtx_advance(&f->hmtx, gid) * 100000.0 / f->info.upem) / 100;
    f->slot[h] = ++f->n_used;
    return g;
}

int fset_cluster(const PangoGlyphString *gs, int i, int item_len, int *c0, int *c1) {
    if (i > 0 && gs->log_clusters[i] == gs->log_clusters[i - 1]) return 0;
    *c0 = gs->log_clusters[i], *c1 = item_len;
    for (int k = i + 1; k < gs->num_glyphs; k++)
        if (gs->log_clusters[k] != *c0) {
            if (gs->log_clusters[k] > *c0) *c1 = gs->log_clusters[k];
            break;
        }
    return *c0 >= 0 && *c1 > *c0 && *c1 <= item_len;
}

void fset_note_text(fset *s, fset_glyph *g, const PangoGlyphString *gs, int i, const char *item_text,
                    int item_len) {
    int c0, c1;
    if (g->uni || !fset_cluster(gs, i, item_len, &c0, &c1)) return;
    g->uni = (uint32_t)s->uni_text.len + 1;
    buf_add(&s->uni_text, item_text + c0, (size_t)(c1 - c0));
    buf_add(&s->uni_text, "", 1);
}

static int by_code(const void *a, const void *b) {
    unsigned x = (*(fset_glyph *const *)a)->code, y = (*(fset_glyph *const *)b)->code;
    return x < y ? -1 : x > y;
}

/* numGlyphs of an sfnt's maxp, 0 when it cannot be read */
static unsigned sfnt_num_glyphs(const buf *p) {
    const unsigned char *d = (const unsigned char *)p->data;
    if (p->len < 12) return 0;
    unsigned nt = (unsigned)d[4] << 8 | d[5];
    for (unsigned i = 0; i < nt && 12 + 16 * (size_t)(i + 1) <= p->len; i++) {
        const unsigned char *r = d + 12 + 16 * i;
        if (memcmp(r, "maxp", 4)) continue;
        size_t off = (size_t)r[8] << 24 | (size_t)r[9] << 16 | (size_t)r[10] << 8 | r[11];
        if (off + 6 > p->len) return 0;
        return (unsigned)d[off + 4] << 8 | d[off + 5];
    }
    return 0;
}

int fset_subset_make(const fset_font *f, fset_subset *out, err *e) {
    const fsub_info *in = &f->info;
    memset(out, 0, sizeof *out);
    buf_init(&out->prog);
    /* entries by code; the subset's glyph list: CFF ascending glyph IDs,
     * TrueType the source glyph of each code, .notdef first */
    out->by_code = xmalloc((f->n_used + 1) * sizeof *out->by_code);
    out->index = xmalloc((f->n_used + 1) * sizeof *out->index);
    unsigned *g = xmalloc((f->n_used + 1) * sizeof *g);
    if (!out->by_code || !out->index || !g) {
        free(g);
        fset_subset_free(out);
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    for (unsigned i = 0; i < f->n_used; i++) out->by_code[i] = &f->gl[i];
    out->n = f->n_used;
    qsort(out->by_code, out->n, sizeof *out->by_code, by_code);
    size_t n = 0;
    if (in->kind == FSUB_TTF) g[n++] = 0;
    for (size_t i = 0; i < out->n; i++)
        if (in->kind == FSUB_CFF || out->by_code[i]->code != 0) g[n++] = out->by_code[i]->gid;
    /* where each glyph lands: the CFF subset keeps .notdef first, then the
     * glyph IDs ascending; the TrueType one is numbered by code */
    for (size_t i = 0, k = 1; i < out->n; i++) {
        if (in->kind == FSUB_TTF) out->index[i] = out->by_code[i]->code;
        else out->index[i] = out->by_code[i]->gid == 0 ? 0 : (unsigned)k++;
    }

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
    for (int i = 0; i < 6; i++) out->name[i] = (char)('A' + dg[i] % 26);
    snprintf(out->name + 6, sizeof out->name - 6, "+%s", in->psname);

    /* a face whose tables the subsetter refuses (damaged, or a construct
     * it does not copy such as seac): the caller falls back */
    err se = {0};
    int rc = in->kind == FSUB_CFF ? fsub_cff_subset(f->face, g, n, &out->prog, &se)
                                  : fsub_ttf_subset(f->face, g, n, &out->prog, &se);
    free(g);
    if (rc) {
        fset_subset_free(out);
        return 1;
    }
    if (in->kind == FSUB_CFF) {
        size_t k = 1;
        for (size_t i = 0; i < out->n; i++) k += out->by_code[i]->gid != 0;
        out->n_prog_glyphs = (unsigned)k;
    } else out->n_prog_glyphs = sfnt_num_glyphs(&out->prog);
    return 0;
}

void fset_subset_free(fset_subset *s) {
    free(s->by_code);
    free(s->index);
    buf_free(&s->prog);
    s->by_code = NULL, s->index = NULL, s->n = 0;
}
