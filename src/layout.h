/* layout.h — document + template → positioned pages.
 *
 * Owns line breaking and pagination on the GB/T 9704 grid: every text line
 * sits on one of the template's grid lines (22 a page), full lines carry
 * the grid's 28 characters, closing punctuation never starts a line and
 * opening punctuation never ends one.  Where Pango alone would break a
 * line early (a closing mark in column 29), layout squeezes punctuation
 * (标点挤压) instead, and only pushes a character down when there is nothing
 * left to squeeze.  Numbers with their units, dates and finding IDs never
 * break; no paragraph ends on a lone character.  Pages follow GB/T 9704:
 * the 版头 with the title under it, the 署名 never alone, the 版记 on the
 * last even page, page numbers 7 mm under the block (layout_int.h lists the
 * files).  Shaping is Pango's; breaking, justification and placement are
 * ours, so the arithmetic is exact.  The result is a display list per page
 * that pdf draws; layout never touches the output surface. */
#ifndef TB_LAYOUT_H
#define TB_LAYOUT_H

#include <pango/pango.h>
#include "doc.h"
#include "template.h"
#include "util.h"

typedef enum { LAY_GLYPHS, LAY_RULE, LAY_RECT } lay_op_kind;

typedef struct {
    lay_op_kind kind;
    double x, y;                /* glyphs: baseline origin; rule: start; rect: top-left */
    double x2, y2, weight;      /* rule: end point (y2 = y for a horizontal rule) and
                                   thickness; rect: width and height in x2, y2 */
    double rgb[3];
    PangoGlyphItem gi;          /* glyphs: item (holds the font) + glyph string, owned */
    const char *text;           /* glyphs: the text gi.item->offset indexes */
} lay_op;

typedef struct {
    lay_op *ops;
    size_t n_ops, cap_ops;
    int body_lines;             /* grid lines used by text on this page */
    int no_folio;               /* unnumbered: a blank page before the 版记 page, and that page */
} lay_page;

typedef struct {
    const char *label;
    int page;                   /* 1-based */
    double y;                   /* top of the target line, points from the page top */
} lay_outline;

typedef struct {
    arena *arena;
    double page_w, page_h;
    lay_page *pages;
    size_t n_pages, cap_pages;
    lay_outline *outlines;
    size_t n_outlines, cap_outlines;
    /* statistics, for tests and bench */
    int lines_total, lines_full, lines_squeezed, lines_pushed;
    /* fallback report: one line per character drawn with a stand-in face */
    buf warnings;
    struct lay_pool *pool;      /* the blocks the paragraphs' text and lines live in */
} lay_result;

typedef struct lay_ctx lay_ctx;

/* A layout context holds a Pango font map and its caches: one per thread. */
lay_ctx *lay_ctx_new(err *e);
void lay_ctx_free(lay_ctx *c);

lay_result *lay_document(lay_ctx *c, const doc_document *d, const tpl_template *t, err *e);
void lay_free(lay_result *r);

/* Streamed layout: each page goes to fn (in page order, page numbers
 * placed) as soon as nothing can change it any more, and is emptied after:
 * its ops freed, and with them the paragraphs' shaping results and lines.
 * Memory is then a window of pages and paragraphs, whatever the length of
 * the document (issue 18).  A page is final once the next one is started
 * (nothing draws on an earlier page); the last pages go at the end, after
 * the 版记 and the unnumbered pages before it.  Where layout must start
 * again (a figure on the last page gives up lines to the 版记), the pages
 * already handed on are laid out again identically and not handed twice.
 * fn returns 0, or a nonzero value that stops layout.  Returns 0 with *out
 * (its pages counted, outlines and statistics kept, every page's ops
 * empty), -1 with e set, or fn's nonzero value (nothing in *out). */
typedef int (*lay_page_fn)(void *ctx, const lay_result *r, const lay_page *pg);
int lay_document_stream(lay_ctx *c, const doc_document *d, const tpl_template *t, lay_page_fn fn, void *ctx,
                        lay_result **out, err *e);

#endif
