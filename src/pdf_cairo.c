/* pdf_cairo.c — the fallback writer: draws lay_result pages with Cairo.
 *
 * pdf.c writes PDFs itself; it hands a document here only when a font is
 * one it cannot embed (neither CFF nor TrueType outlines, or a face
 * fontconfig asks to embolden or slant), or when TONGBAO_PDF_WRITER=cairo
 * asks for it, which the tests use to compare the two. */
#include "pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len) {
    buf *b = closure;
    buf_add(b, data, len);
    return CAIRO_STATUS_SUCCESS;
}

int pdf_render_cairo(const lay_result *r, const pdf_meta *m, buf *out, err *e) {
    buf_reset(out);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_cb, out, r->page_w, r->page_h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "cannot create the PDF surface");
    }
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    if (m) {
        if (m->title) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, m->title);
        if (m->author) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, m->author);
        if (m->subject) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, m->subject);
        if (m->keywords) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, m->keywords);
        if (m->creator) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, m->creator);
        /* Without an explicit date Cairo writes the wall clock and no two
         * renders would match. */
        const char *date = m->date ? m->date : "2000-01-01T00:00:00";
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
    }
    cairo_t *cr = cairo_create(s);
    for (size_t p = 0; p < r->n_pages; p++) {
        const lay_page *pg = &r->pages[p];
        for (size_t k = 0; k < pg->n_ops; k++) {
            const lay_op *op = &pg->ops[k];
            cairo_set_source_rgb(cr, op->rgb[0], op->rgb[1], op->rgb[2]);
            if (op->kind == LAY_RULE) {
                cairo_set_line_width(cr, op->weight);
                cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
                cairo_move_to(cr, op->x, op->y);
                cairo_line_to(cr, op->x2, op->y2);
                cairo_stroke(cr);
            } else if (op->kind == LAY_RECT) {
                cairo_rectangle(cr, op->x, op->y, op->x2, op->y2);
                cairo_fill(cr);
            } else {
                cairo_move_to(cr, op->x, op->y);
                /* glyph item + its text: Cairo gets the clusters and writes a
                 * correct ToUnicode map, so the PDF's text can be copied */
                pango_cairo_show_glyph_item(cr, op->text, (PangoGlyphItem *)&op->gi);
            }
        }
        cairo_show_page(cr);
    }
    /* The first entry is the document's title: the sections hang under it,
     * open, as a reader expects of a bulletin's bookmarks. */
    int parent = CAIRO_PDF_OUTLINE_ROOT;
    for (size_t i = 0; i < r->n_outlines; i++) {
        char link[96];
        snprintf(link, sizeof link, "page=%d pos=[0 %.2f]", r->outlines[i].page, r->outlines[i].y);
        int id = cairo_pdf_surface_add_outline(s, parent, r->outlines[i].label, link,
                                               i == 0 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
        if (i == 0) parent = id;
    }
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS)
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "PDF output failed: %s", cairo_status_to_string(st));
    return 0;
}
