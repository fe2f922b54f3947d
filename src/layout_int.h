/* layout_int.h — private to the layout module (layout*.c): the paragraph
 * model the line breaker works on, the job every step carries, and the
 * functions the module's files share.  Nothing outside layout includes it.
 *
 *   layout_line.c       shaping, line breaking (避头尾, squeezing), pieces
 *   layout_title.c      titles: ICU word breaks, balanced shapes
 *   layout_table.c      tables and figures, off the grid
 *   layout_furniture.c  版头, 版记/报尾, page numbers
 *   layout.c            the context, display lists and pagination
 *
 * Every name this header declares starts with lay_ (LAY_ for macros). */
#ifndef TB_LAYOUT_INT_H
#define TB_LAYOUT_INT_H

#include "layout.h"

/* Slack for comparisons of lengths in points. */
#define LAY_EPS 0.01

struct lay_ctx {
    PangoFontMap *fontmap;
    PangoContext *pango;
};

/* ---- paragraph model ------------------------------------------------- */

typedef struct {
    size_t start, end;          /* bytes in the paragraph text */
    int item;                   /* index into the item table */
    int g0, g1;                 /* glyph range within the item's glyph string */
    int run;                    /* index into the run table */
    uint32_t cp;
    unsigned cls;
    double adv;                 /* nominal advance on the grid, points */
    double squeeze;             /* how much of adv may be given up */
    double shift;               /* glyph shift (an opening mark that gave up its left half) */
    unsigned char glue;         /* never break before it (inside a date) */
    unsigned char wb;           /* a word starts here (titles: ICU's word boundaries) */
    unsigned char hard;         /* a line must start here (an explicit break) */
} lay_cluster;

typedef struct {
    tpl_style st;               /* resolved style of the run */
    PangoFontDescription *desc;
    const char *primary;        /* family of the face the role resolves to */
} lay_run;

typedef struct {
    PangoItem *item;
    PangoGlyphString *glyphs;
} lay_shaped;

/* A block of memory paragraphs share (their text, lines and advances): a
 * paragraph holds it while it lives, and the page ops that point at its
 * text keep it until their page is handed on (streamed layout frees it
 * then; lay_free otherwise). */
typedef struct lay_mem {
    arena *a;
    size_t refs;                /* paragraphs holding it */
    long last_page;             /* the last page that may draw its text */
    struct lay_pool *pool;
    struct lay_mem *next;
} lay_mem;

typedef struct {
    lay_mem *mem;               /* where text and lines live (held) */
    const char *text;           /* copy in mem */
    size_t len;
    lay_run *runs;
    size_t n_runs;
    lay_shaped *items;
    size_t n_items;
    lay_cluster *cl;
    size_t n_cl;
    int mode;                   /* LAY_BREAK_*: where lines break best */
} lay_para;

/* Where lines break best: anywhere the rules allow (text), after 、，；
 * (a 版记 list: never inside a name), or between words (a title). */
enum { LAY_BREAK_TEXT = 0, LAY_BREAK_LIST, LAY_BREAK_WORDS };

typedef struct {
    size_t c0, c1;              /* cluster range */
    double width;               /* final width after squeeze/stretch */
    double x;                   /* offset of the line start from the block's left edge */
    int last;                   /* last line of the paragraph */
    double *adv;                /* final advance per cluster (c1-c0), arena */
    double *shift;              /* glyph shift per cluster (opening-mark squeeze) */
    int squeezed, pushed;
} lay_line;

/* One layout run: what every step needs. */
typedef struct {
    lay_ctx *ctx;
    const tpl_template *t;
    const doc_document *d;
    lay_result *r;
    err *e;
    /* reported fallback characters, to say each only once */
    uint32_t *seen;
    size_t n_seen, cap_seen;
    /* pagination */
    double body_top;            /* first body grid line on page 1 (fractional under a 版头 gap) */
    int to_moved;               /* the 主送 went into the 版记 (field {to-moved}) */
    int fig_page;               /* the last page a figure stands on, and the lines it */
    double fig_slack;           /*   could still give up there */
    int squeeze_page;           /* a second pass: figures on this page give up */
    double squeeze_lines;       /*   this many more lines (to keep the 版记 with the end) */
    /* pieces, built as pagination reaches them (layout.c: lay_piece_at) */
    struct lay_piece **pcs, *none;
    size_t n_built, n_freed;    /* built: 0..n_built-1; freed again: 0..n_freed-1 */
    int build_rc;
    /* streaming (lay_document_stream): pages 0..done_pages-1 are emptied;
     * the first `handed` pages of the document went to fn */
    lay_mem *scratch;           /* set: lay_mem_hold gives this (lay_scratch_begin) */
    lay_page_fn fn;
    void *fn_ctx;
    int fn_rc;
    size_t done_pages, handed;
} lay_job;

/* ---- text pieces: runs of a block, or a template text item ------------ */

typedef struct lay_piece {
    lay_para p;
    lay_line *lines;
    size_t n_lines;
    tpl_style st;               /* paragraph style (block) */
    double lead;                /* grid lines per text line */
    double left, avail;         /* line box: offset from block left, width */
    double size;                /* size of the block style (after fit) */
    double x_off;               /* extra shift of every line (center-over-next) */
    double hang;                /* lines after the first start this much further in */
    const char *outline;
    int keep;
    struct lay_table *tb;       /* a table block's cells (DOC_TABLE) */
} lay_piece;

typedef struct lay_table lay_table;

/* ---- layout_line.c ------------------------------------------------------ */

/* A Pango call that failed (GLib aborts when out of memory, so this is a
 * library failure): records it in the job's err; returns -1. */
int lay_oom(lay_job *j);
void lay_para_free(lay_para *p);
/* The current memory block, held (lay_mem_drop gives it back). */
lay_mem *lay_mem_hold(lay_job *j);
void lay_mem_drop(lay_mem *m);
/* Paragraphs shaped only to be measured and forgotten at once (a table's
 * column widths) take their memory from a block of their own, emptied
 * whenever lay_scratch_tick finds it full and unheld. */
void lay_scratch_begin(lay_job *j);
void lay_scratch_tick(lay_job *j);
void lay_scratch_end(lay_job *j);
/* Break a shaped paragraph into lines: width0 for the first line, width
 * for the others; justify stretches all but the last to the measure. */
int lay_break(lay_job *j, lay_para *p, double width0, double width, int justify, lay_line **out, size_t *n_out);
/* How good a break between clusters k-1 and k is: 0 never (避头尾, inside
 * a number, a date or a code), 1 good, 2 a last resort (inside a code at a
 * hyphen, or where the paragraph's mode would rather not). */
int lay_can_break(const lay_para *p, size_t k);
/* A character of a word that no line breaks inside: ASCII letters and
 * digits and - / _ # & + (a number, a code). */
int lay_word_cp(uint32_t cp);
/* The widest word of ASCII letters and digits in p that no line may break
 * (a number, a code up to a hyphen): what a table column must hold. */
double lay_widest_word(const lay_para *p);
/* Lines ending at ends[0..n-1] (the last = p->n_cl), set to width. */
int lay_lines_at(lay_job *j, const lay_para *p, const size_t *ends, size_t n, double width, lay_line **out);
/* Emit a line's glyphs as ops at (x, baseline). */
int lay_emit_line(lay_job *j, const lay_para *p, const lay_line *ln, double x, double baseline, lay_page *pg);
/* Substitute {field} references; NULL when a referenced field is missing. */
const char *lay_subst(lay_job *j, const char *pat);
/* Shape and break one piece of text; see layout_line.c. */
int lay_piece_build_in(lay_job *j, lay_piece *pc, const char *block_style, const char *const *texts,
                       const char *const *run_styles, size_t n, int nowrap, double measure, int align);
int lay_piece_build(lay_job *j, lay_piece *pc, const char *block_style, const char *const *texts,
                    const char *const *run_styles, size_t n, int nowrap);
/* Offset of line idx of a piece from the block's left edge. */
double lay_line_x(const lay_piece *pc, const lay_line *ln, size_t idx, const tpl_template *t);
/* Height of the ink of the paragraph's first visible character above the
 * baseline (the top edge of the 一字线 in "— 1 —"). */
double lay_ink_top(const lay_para *p);
/* Baseline of a text line whose em box top is `top`. */
double lay_baseline(double top, double size);

/* ---- layout_title.c ------------------------------------------------------ */

/* Break a centred piece as a title: between words, balanced, a trapezoid
 * or a diamond (GB/T 9704 7.3.1).  Keeps pc's lines if nothing fits. */
int lay_title_break(lay_job *j, lay_piece *pc);

/* ---- layout.c: display lists ---------------------------------------------- */

/* Piece b of the document, built (with b+1, so its place beside the next
 * block is settled) if pagination had not reached it yet; after a build
 * failure an empty piece, and j->build_rc says so. */
lay_piece *lay_piece_at(lay_job *j, size_t b);

lay_op *lay_push_op(lay_job *j, lay_page *pg, lay_op_kind kind);
lay_page *lay_new_page(lay_job *j);
void lay_add_line(lay_job *j, lay_page *pg, double x0, double y0, double x1, double y1, double weight,
                  const double rgb[3]);
void lay_add_rect(lay_job *j, lay_page *pg, double x, double y, double w, double h, const double rgb[3]);

/* ---- layout_furniture.c ---------------------------------------------------- */

int lay_place_head(lay_job *j, lay_page *pg, double *bottom);
/* Grid lines the 版记 takes (0 = none), or -1. */
int lay_tail_lines(lay_job *j);
int lay_place_tail(lay_job *j, lay_page *pg, int n);
int lay_place_folio(lay_job *j, lay_page *pg, int pageno);

/* ---- layout_table.c ----------------------------------------------------------- */

void lay_table_free(lay_table *tb);
int lay_table_build(lay_job *j, const doc_table *dt, lay_piece *pc);
int lay_table_place(lay_job *j, lay_table *tb, lay_page **pgp, double *line_no);
/* *slack: grid lines the figure could still give up where it stands. */
int lay_figure_place(lay_job *j, const doc_figure *f, lay_page **pgp, double *line_no, double page_top,
                     double reserve, double *slack);

#endif
