/* pdf.h — pages → PDF bytes through Cairo.
 *
 * Owns drawing the display list, the document metadata and the outline.
 * Output is reproducible: the creation date is the bulletin's date (Cairo
 * would otherwise stamp the current time) and nothing else varies, so the
 * same input gives the same bytes. */
#ifndef TB_PDF_H
#define TB_PDF_H

#include "doc.h"
#include "layout.h"
#include "util.h"

typedef struct {
    const char *title, *author, *subject, *creator, *keywords;
    const char *date;           /* ISO 8601, e.g. 2026-11-21T00:00:00 */
} pdf_meta;

/* Draw r into a PDF held in out (cleared first). 0 / -1. */
int pdf_render(const lay_result *r, const pdf_meta *m, buf *out, err *e);

#endif
