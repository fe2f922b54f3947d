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

/* The same page by page, as layout finishes them (lay_document_stream):
 * new writes the header into out (cleared first; m must outlive the
 * writer), page writes one page, finish the fonts (subset from the glyphs
 * the pages used), the outline, the metadata and the trailer.  The bytes
 * are pdf_render's.  page and finish return 0, -1 with e set, or 1: a face
 * this writer cannot embed; pdf_writer_refusal turns that 1 into
 * pdf_render's answer (PDF/A: an error; else 1, and the caller renders
 * the laid-out document again with pdf_render, which falls back to Cairo).
 * pdf_use_own: 0 when TONGBAO_PDF_WRITER=cairo asks for Cairo (not for
 * PDF/A). */
typedef struct pdf_writer pdf_writer;
pdf_writer *pdf_writer_new(const pdf_meta *m, buf *out, err *e);
int pdf_writer_page(pdf_writer *pd, const lay_result *r, const lay_page *pg);
int pdf_writer_finish(pdf_writer *pd, const lay_result *r);
int pdf_writer_refusal(pdf_writer *pd, err *e);
void pdf_writer_free(pdf_writer *pd);
int pdf_use_own(const pdf_meta *m);

/* The same through Cairo (pdf_cairo.c). */
int pdf_render_cairo(const lay_result *r, const pdf_meta *m, buf *out, err *e);

#endif
