/* doc.h — the composed document: what compose (and appendix/chart) hand to
 * layout.
 *
 * A document is (a) named fields for the page furniture (版头, 报头, 版记/报尾)
 * that templates place by name, and (b) an ordered list of blocks.  Most
 * blocks are paragraphs of styled runs; the appendix adds a table block and
 * the chart a figure block.  Text here is final: every Chinese phrasing rule
 * has already been applied; layout only breaks lines and places them.
 * Style names ("body", "title", "lead", …) refer to styles defined in the
 * template; an unknown style falls back to "body".
 *
 * Parts.  Every block belongs to a part of the bulletin, which a template's
 * <order> uses to arrange (or leave out) whole parts.  A block's part is
 * doc_block.part when the producer set it, else it follows from the block
 * style: title → "title", to → "to", signature and date → "signature",
 * anything else → "body".  Names compose may set (templates/README.md):
 *   title, to, signature (署名, 成文日期), and the body parts preamble,
 *   findings, rectification, status (上期问题整改情况), cases, statistics
 *   (累计统计), requirements: an <order> naming "body" places every body
 *   part it does not name itself where it says "body", in compose's order.
 * render adds: appendix-note (附件：问题清单 under the body), appendix, chart. */
#ifndef TB_DOC_H
#define TB_DOC_H

#include <stddef.h>
#include "util.h"

typedef struct {
    const char *text;
    const char *style;      /* run style; NULL = the block's style */
} doc_run;

typedef enum { DOC_PARA = 0, DOC_TABLE, DOC_FIGURE } doc_kind;

/* Alignment a table column or figure text asks for; STYLE = the style's own. */
typedef enum { DOC_ALIGN_STYLE = 0, DOC_ALIGN_LEFT, DOC_ALIGN_CENTER, DOC_ALIGN_RIGHT, DOC_ALIGN_JUSTIFY } doc_align;

/* ---- tables (the appendix's 问题清单) ---------------------------------- */
typedef struct {
    double width;           /* in body characters (grid columns of the template) */
    doc_align align;
    int fill;               /* takes the room other columns leave: layout narrows a
                               column whose every cell is shorter than its width
                               (编号 of a draft holds only —) and gives this one
                               the difference */
} doc_column;

typedef struct {
    const char **cells;     /* n_cols strings ("" for an empty cell); a span row has one */
    int span;               /* one cell across the whole table: a group heading */
    int head;               /* a header row: repeated at the top of every page */
} doc_row;

typedef struct {
    doc_column *cols;
    size_t n_cols;
    doc_row *rows;          /* header rows first */
    size_t n_rows, cap_rows;
    const char *head_style, *cell_style, *span_style;
    double pad_x, pad_y;    /* cell padding, pt */
    double rule_weight;     /* grid lines, pt */
    double rule_rgb[3];
    int has_head_fill;      /* shade the header row */
    double head_fill[3];
} doc_table;

/* ---- figures (the chart) ------------------------------------------------- */
typedef enum { DOC_FIG_RECT, DOC_FIG_RULE, DOC_FIG_TEXT } doc_fig_kind;

typedef struct {
    doc_fig_kind kind;
    /* All in pt from the figure's top-left corner.
     *   rect: (x, y) top-left, x2 × y2 its size, filled with rgb;
     *   rule: from (x, y) to (x2, y2), weight thick, rgb;
     *   text: one line (or lines wrapped at x2 pt when x2 > 0) whose em box
     *         top is y; x is its left edge, middle or right edge per align. */
    double x, y, x2, y2, weight;
    double rgb[3];
    int use_rgb;            /* text: draw in rgb instead of the style's colour */
    const char *text, *style;
    doc_align align;
} doc_fig_item;

typedef struct {
    doc_fig_item *items;
    size_t n_items, cap_items;
    double height;          /* pt; layout reserves whole grid lines for it */
    /* A figure may give up height to fill the room left on a page: between
     * flex_top and flex_bottom (pt from its top; equal = rigid) distances
     * shrink in proportion, below it everything moves up; never below
     * min_height (pt). */
    double flex_top, flex_bottom, min_height;
} doc_figure;

typedef struct {
    doc_kind kind;
    const char *style;      /* block style: title, to, body, case-title, signature, date, … */
    doc_run *runs;
    size_t n_runs, cap_runs;
    const char *outline;    /* label for a PDF outline entry, or NULL */
    int keep_with_next;     /* do not end a page right after this block */
    int page_break;         /* start on a new page (附件) */
    const char *part;       /* see "Parts" above; NULL = from the style */
    doc_table *table;       /* DOC_TABLE */
    doc_figure *figure;     /* DOC_FIGURE */
} doc_block;

typedef struct {
    const char *name, *value;
} doc_field;

typedef struct {
    arena *arena;
    doc_field *fields;
    size_t n_fields, cap_fields;
    doc_block *blocks;
    size_t n_blocks, cap_blocks;
    /* PDF metadata */
    const char *meta_title, *meta_author, *meta_subject;
    const char *meta_date;  /* ISO 8601, the bulletin's date: reproducible output */
} doc_document;

doc_document *doc_new(void);
void doc_free(doc_document *d);
/* Set (or replace) a furniture field; value NULL or "" removes it. 0 / -1. */
int doc_set_field(doc_document *d, const char *name, const char *value);
const char *doc_field_get(const doc_document *d, const char *name);
/* Append a block; returns it or NULL on OOM.  Pointers to earlier blocks
 * may move (the array grows): keep indices, not pointers, across calls. */
doc_block *doc_add_block(doc_document *d, const char *style);
/* Append a run (text copied into the arena). 0 / -1. */
int doc_add_run(doc_document *d, doc_block *b, const char *text, const char *style);
/* Concatenated text of a block (arena-allocated). */
const char *doc_block_text(doc_document *d, const doc_block *b);
/* Plain-text rendering of the document's paragraphs, one a line (tables
 * and figures are left out: their text has no reading order of its own). */
int doc_write_text(const doc_document *d, buf *out);

/* The block's part (see above): doc_block.part, else from its style. */
const char *doc_block_part(const doc_block *b);
/* Set the part (copied into the arena). 0 / -1. */
int doc_set_part(doc_document *d, doc_block *b, const char *part);
/* Keep only blocks idx[0..n-1], in that order (indices into the current
 * array, each at most once). 0 / -1 on OOM or a bad index. */
int doc_keep_blocks(doc_document *d, const size_t *idx, size_t n);

/* A table block with n_cols columns (widths and styles to be filled in by
 * the caller).  NULL on OOM. */
doc_block *doc_add_table(doc_document *d, size_t n_cols);
/* Append a row: n_cols cells (or 1 when span); texts are copied. 0 / -1. */
int doc_table_add_row(doc_document *d, doc_table *t, const char *const *cells, int span, int head);

/* A figure block height pt high.  NULL on OOM. */
doc_block *doc_add_figure(doc_document *d, double height);
/* Figure items; text and style are copied.  0 / -1. */
int doc_fig_rect(doc_document *d, doc_figure *f, double x, double y, double w, double h, const double rgb[3]);
int doc_fig_rule(doc_document *d, doc_figure *f, double x, double y, double x2, double y2, double weight,
                 const double rgb[3]);
/* rgb NULL = the style's colour; wrap > 0 breaks lines at that width. */
int doc_fig_text(doc_document *d, doc_figure *f, double x, double y, double wrap, doc_align align,
                 const char *text, const char *style, const double *rgb);

#endif
