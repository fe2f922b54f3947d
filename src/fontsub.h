/* fontsub.h — font programs for the PDF writer: metrics and subsets.
 *
 * Owns reading an OpenType face's tables (through HarfBuzz, which already
 * has the file mapped for shaping) and writing the smallest font program a
 * PDF needs for a set of glyphs:
 *   - CFF faces (.otf): a CID-keyed bare CFF whose CIDs are the source
 *     face's glyph IDs, charstrings copied (subroutines inlined), hints kept;
 *     embedded as FontFile3 /CIDFontType0C, so a content stream's code for
 *     a CFF glyph is its glyph ID.
 *   - TrueType faces (.ttf/.ttc): an sfnt numbered compactly in the order
 *     the caller lists the glyphs (the PDF writer hands out codes in order
 *     of first use), with only the tables a PDF renderer reads; embedded as
 *     FontFile2, CIDToGIDMap /Identity.  Keeping the source's numbering
 *     instead would carry 100 KB of empty loca/hmtx for one CJK glyph.
 * Nothing here keeps state between calls; all output is deterministic. */
#ifndef TB_FONTSUB_H
#define TB_FONTSUB_H

#include <hb.h>
#include <hb-ot.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

typedef enum { FSUB_NONE = 0, FSUB_CFF = 1, FSUB_TTF = 2 } fsub_kind;

typedef struct {
    fsub_kind kind;
    unsigned upem;                   /* units per em */
    unsigned n_glyphs;               /* maxp.numGlyphs */
    int bbox[4];                     /* head xMin yMin xMax yMax, font units */
    int ascent, descent, cap_height; /* OS/2 (hhea when absent), font units */
    double italic_angle;             /* post */
    int fixed_pitch, serif_hint;     /* for the descriptor's /Flags */
    char psname[64];                 /* name ID 6, ASCII, no spaces; "Font" if none */
} fsub_info;

/* Metrics and kind of face.  kind FSUB_NONE (return 0) when the face is
 * neither CFF- nor glyf-based (the caller then uses another writer).
 * -1 and e set when the tables are damaged. */
int fsub_info_get(hb_face_t *face, fsub_info *out, err *e);

/* Horizontal advances in font units (hmtx), the table held open so a
 * document's thousands of lookups cost an index each. */
typedef struct {
    hb_blob_t *blob;
    const unsigned char *p;
    size_t n;
    unsigned n_hmetrics;
} fsub_hmtx;
int fsub_hmtx_open(hb_face_t *face, fsub_hmtx *h);   /* 0 / -1: no usable hmtx (advances read 0) */
unsigned fsub_hmtx_advance(const fsub_hmtx *h, unsigned gid);
void fsub_hmtx_close(fsub_hmtx *h);

/* Subset programs.  gids: ascending, unique, glyph 0 (.notdef) included by
 * the callee whether listed or not; every gid < n_glyphs.  out is cleared
 * first.  0 / -1 with e set (TB_EFONT for a face that cannot be subset). */
int fsub_cff_subset(hb_face_t *face, const unsigned *gids, size_t n, buf *out, err *e);

/* TrueType subset with compact numbering: glyph i of the result is
 * source glyph gids[i] for i < n (gids[0] must be 0, .notdef; the list
 * is in the caller's order, not sorted, no duplicates); components of
 * composite glyphs not in the list are appended after glyph n-1 and the
 * composites' component references are rewritten to the new numbers.
 * numGlyphs of the result = n + appended components.  out is cleared
 * first.  0 / -1 with e set (TB_EFONT for a face that cannot be subset,
 * and for a list that breaks the rules above). */
int fsub_ttf_subset(hb_face_t *face, const unsigned *gids, size_t n, buf *out, err *e);

/* A subset as a stand-alone OpenType font (fontsub_otf.c), for formats
 * whose readers load the font file by itself (OFD): the program above
 * (CFF from fsub_cff_subset, or the sfnt of fsub_ttf_subset) with a cmap
 * from map (Unicode → glyph of the subset, ascending by cp, unique), name
 * and post, and for CFF head/hhea/OS/2 from the face and hmtx/maxp for
 * its n_glyphs glyphs, glyph i being source glyph src_gids[i].  out is
 * cleared first.  0 / -1 with e set. */
typedef struct {
    uint32_t cp;
    unsigned glyph;
} fsub_cmap_ent;
typedef struct {
    const char *family;     /* UTF-8 family name (name ID 1) */
    const char *psname;     /* PostScript name (IDs 3, 6), e.g. the subset's tagged name */
    int bold, italic;
} fsub_names;
int fsub_opentype(hb_face_t *face, const fsub_info *in, const buf *prog, const unsigned *src_gids,
                  unsigned n_glyphs, const fsub_cmap_ent *map, size_t n_map, const fsub_names *nm, buf *out,
                  err *e);

#endif
