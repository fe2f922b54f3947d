/* fontset.h — the glyphs a document draws, per face, and their subsets.
 *
 * Owns the bookkeeping every fixed-layout writer (pdf.c, ofd.c) needs
 * between the display list and the font programs it embeds: which faces
 * the pages use (one entry per HarfBuzz face, however many sizes and Pango
 * fonts point at it), which glyphs of each, in order of first use, with
 * each glyph's code, advance and the text of the cluster it starts, and at
 * the end one subset program per face (fontsub.c) holding exactly those
 * glyphs.  A writer that sees a face it cannot embed (not CFF or TrueType
 * outlines, a variable face, one fontconfig emboldens or slants) is told
 * so, and decides what to do.
 *
 * Codes.  A glyph's code is what a PDF content stream writes: for a CFF
 * face the source glyph ID (the CID-keyed subset's charset maps it), for a
 * TrueType face the order of first use (the subset is numbered that way;
 * 0 stays .notdef).  fset_subset also gives each glyph its index in the
 * subset program, which is what an sfnt's cmap and an OFD CGTransform name.
 *
 * Deterministic: nothing depends on addresses or clocks; the subset's
 * name tag is a hash of the face and the glyph list. */
#ifndef TB_FONTSET_H
#define TB_FONTSET_H

#include <pango/pango.h>
#include <stdint.h>

#include "fontsub.h"
#include "util.h"

typedef struct {
    unsigned gid;              /* glyph ID in the source face */
    unsigned code;             /* PDF code (above) */
    uint32_t uni;              /* 1 + offset into fset.uni_text, 0 = none */
    double w;                  /* advance in 1/1000 em, rounded to 1/100 */
} fset_glyph;

typedef struct {
    hb_face_t *face;
    fsub_info info;
    fsub_hmtx hmtx;
    /* the glyphs in order of first use, and an open-addressing index
     * gid → entry: a document uses a few hundred of a CJK face's tens of
     * thousands, so nothing is sized by the face */
    fset_glyph *gl;
    unsigned n_used, cap_used;
    unsigned *slot;            /* entry index + 1, 0 = empty */
    unsigned n_slots;          /* a power of two, at least twice n_used */
    unsigned next_code;        /* TrueType: the last code handed out */
    char family[64];           /* the face's family name (UTF-8), "" if none */
    int bold, italic;          /* OS/2 fsSelection / head macStyle */
} fset_font;

typedef struct {
    PangoFont *pf;             /* held (a reference), so its face outlives the pages */
    int font;                  /* index into fset.fonts */
    double size;               /* points, rounded to 1/100 as a PDF states it */
} fset_ref;

typedef struct {
    fset_font *fonts;
    size_t n_fonts;
    fset_ref *refs;
    size_t n_refs;
    buf uni_text;              /* NUL-separated cluster texts */
} fset;

void fset_init(fset *s);
void fset_free(fset *s);

/* The face entry for a Pango font: 0 and *ref set; 1 when the face cannot
 * be embedded by tongbao's writers; -1 with e set (out of memory). */
int fset_ref_for(fset *s, PangoFont *pf, fset_ref **ref, err *e);

/* The entry of glyph gid, made on first use. */
fset_glyph *fset_glyph_of(fset_font *f, unsigned gid);

/* The cluster glyph i of gs starts: its text is item_text[*c0, *c1).
 * Returns 0 when glyph i does not start a cluster (or the cluster map is
 * unusable), 1 when it does. */
int fset_cluster(const PangoGlyphString *gs, int i, int item_len, int *c0, int *c1);

/* Record the text of the cluster glyph i starts as g's text, unless g has
 * one already. */
void fset_note_text(fset *s, fset_glyph *g, const PangoGlyphString *gs, int i, const char *item_text,
                    int item_len);

/* A face's subset: every glyph the document drew, by code. */
typedef struct {
    fset_glyph **by_code;      /* the entries sorted by code (n of them) */
    unsigned *index;           /* index[k]: glyph index of by_code[k] in prog */
    size_t n;
    unsigned n_prog_glyphs;    /* glyphs in prog (.notdef and appended components included) */
    char name[80];             /* "ABCDEF+PostScriptName": the subset tag */
    buf prog;                  /* CFF (FSUB_CFF) or sfnt (FSUB_TTF) program */
} fset_subset;

/* Build f's subset.  0; 1 when fontsub refuses the face (the caller falls
 * back); -1 with e set (out of memory). */
int fset_subset_make(const fset_font *f, fset_subset *out, err *e);
void fset_subset_free(fset_subset *s);

/* The text fset_note_text recorded for g ("" = none). */
static inline const char *fset_text(const fset *s, const fset_glyph *g) {
    return g->uni ? s->uni_text.data + g->uni - 1 : "";
}

#endif
