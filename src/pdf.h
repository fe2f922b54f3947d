/* pdf.h — pages → PDF bytes.
 *
 * Owns turning the display list into PDF: content streams, embedded font
 * subsets with Unicode maps, the document metadata and the outline.  The
 * writer is tongbao's own (pdf.c): Cairo 1.16 decoded every glyph outline
 * three times and re-parsed whole CJK fonts for every document, which was
 * 80% of a render.  Cairo stays as the fallback (pdf_cairo.c) for fonts the
 * own writer cannot embed.  Output is reproducible: the creation date is the
 * bulletin's date and nothing else varies, so the same input gives the same
 * bytes. */
#ifndef TB_PDF_H
#define TB_PDF_H

#include "doc.h"
#include "layout.h"
#include "util.h"

typedef struct {
    const char *title, *author, *subject, *creator, *keywords;
    const char *date;           /* ISO 8601, e.g. 2026-11-21T00:00:00 */
    int pdfa;                   /* 1: PDF/A-2b (ISO 19005-2 level B), below */
    int raw_fonts;              /* 1: font programs stored unfiltered (district extracts, below) */
} pdf_meta;

/* Draw r into a PDF held in out (cleared first). 0 / -1.
 *
 * PDF/A-2b adds what an archive needs beyond the plain file: XMP metadata
 * equal to the Info dictionary with the PDF/A identification, an sRGB
 * output intent (the ICC profile of Debian's icc-profiles-free, built into
 * the binary), and a refusal instead of a fallback: a face the own writer
 * cannot embed, or a glyph that would draw .notdef, is an error (TB_EFONT)
 * rather than a file that is not PDF/A.  pdf.c says which ISO 19005-2
 * clause each part satisfies. */
int pdf_render(const lay_result *r, const pdf_meta *m, buf *out, err *e);
/* raw_fonts: the district extracts (整改通知) store their font programs
 * without FlateDecode.  Deflating them was half the CPU of an extract
 * (about 1.8 ms for a 180 KB subset, five extracts a bulletin) to save 18%
 * of their bytes; extracts are working copies, rendered again by regen
 * --district and never archived, so the nightly spends neither the time nor
 * a shared font (the bulletin's subset would add 130 KB to every extract,
 * storing adds 32 KB).  Bulletins keep deflated fonts: the archive keeps
 * them for decades. */

/* The same through Cairo (pdf_cairo.c). */
int pdf_render_cairo(const lay_result *r, const pdf_meta *m, buf *out, err *e);

#endif
