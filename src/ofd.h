/* ofd.h — pages → OFD (GB/T 33190-2016) package bytes.
 *
 * Owns writing the display list that pdf.c draws as an OFD package, the
 * fixed-layout format China's electronic official documents (GB/T 33476)
 * build on: OFD.xml with the document's metadata (DocInfo), Doc_0/
 * Document.xml (page size, page list, outline), Doc_0/PublicRes.xml with
 * the font subsets embedded as OpenType files (the same glyph sets and
 * outline programs as the PDF's, fontset.h and fontsub.h), and one
 * Doc_0/Pages/Page_N/Content.xml per page whose TextObjects place every
 * character where layout put its glyph (X, Y and DeltaX from the same
 * positions the PDF's TJ arrays encode), with PathObjects for rules, table
 * lines and the chart's rectangles.  Units are millimetres, y downwards.
 *
 * XML through libxml2's xmlTextWriter, the package through libzip, with
 * fixed entry order and timestamps (the bulletin's date): the same pages
 * give the same bytes, so an archived OFD has a stable SHA-256 and regen
 * reproduces it. */
#ifndef TB_OFD_H
#define TB_OFD_H

#include "layout.h"
#include "util.h"

typedef struct {
    const char *title, *author, *subject, *creator, *keywords;
    const char *date;           /* ISO 8601 (2026-11-21T00:00:00): DocInfo dates, zip timestamps */
} ofd_meta;

/* Write r as an OFD package into out (cleared first).  0 / -1 with e set;
 * TB_EFONT when a face cannot be embedded (there is no fallback writer). */
int ofd_render(const lay_result *r, const ofd_meta *m, buf *out, err *e);

/* The same page by page, as layout finishes them (lay_document_stream,
 * issue 18): new clears out (m must outlive the writer); page writes one
 * page's Content.xml and keeps it compact (the last few as XML, the others
 * deflated as the package will hold them); finish subsets the fonts from
 * the glyphs the pages used and writes Document.xml, PublicRes.xml,
 * OFD.xml and the package.  The bytes are ofd_render's.  page returns 0,
 * -1 with e set, or 1: a face that cannot be embedded (e set, TB_EFONT, as
 * ofd_render would say).  finish returns 0, -1 with e set, or 1: a page
 * guessed which characters the fonts' cmaps give (ofd.c) and the guess was
 * wrong; the caller writes the whole layout with ofd_render instead.
 * ofd_writer_hold: how many pages stay XML (tests set 0 to mend every
 * page at the end). */
typedef struct ofd_writer ofd_writer;
ofd_writer *ofd_writer_new(const ofd_meta *m, buf *out, err *e);
int ofd_writer_page(ofd_writer *w, const lay_result *r, const lay_page *pg);
int ofd_writer_finish(ofd_writer *w, const lay_result *r);
void ofd_writer_hold(ofd_writer *w, size_t pages);
void ofd_writer_free(ofd_writer *w);

#endif
