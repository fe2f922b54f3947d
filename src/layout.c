/* layout.c — the layout module's entry (see layout.h): a Pango context per
 * thread, the display lists pdf draws, and pagination: the blocks' lines
 * placed on the grid page by page, tables and figures between them, the
 * 版头 on the first page, the 版记 at the foot of the last, page numbers
 * on every page.  Line breaking is in layout_line.c, tables and figures in
 * layout_table.c, the furniture in layout_furniture.c (layout_int.h). */
#include "layout_int.h"

#include <assert.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"

lay_ctx *lay_ctx_new(err *e) {
    lay_ctx *c = xcalloc(1, sizeof *c);
    c->fontmap = fonts_new_fontmap();
    c->pango = c->fontmap ? pango_font_map_create_context(c->fontmap) : NULL;
    if (!c->pango) {
        lay_ctx_free(c);
        err_set(e, TB_EFONT, NULL, 0, 0, "cannot create a Pango context; is fontconfig set up?");
        return NULL;
    }
    /* Unhinted metrics, unrounded positions: the grid arithmetic is in
     * fractions of a point and must not be rounded to device pixels. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(c->pango, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(c->pango, FALSE);
    pango_context_set_language(c->pango, pango_language_from_string("zh-cn"));
    pango_context_set_base_dir(c->pango, PANGO_DIRECTION_LTR);
    return c;
}

void lay_ctx_free(lay_ctx *c) {
    if (!c) return;
    if (c->pango) g_object_unref(c->pango);
    if (c->fontmap) g_object_unref(c->fontmap);
    free(c);
}

/* ---- memory ------------------------------------------------------------ */

/* Paragraphs' text and lines live in blocks of LAY_MEM_BLOCK bytes: a
 * block is freed once no paragraph holds it and every page that may draw
 * its text has been handed on (streamed layout; otherwise at lay_free). */
#define LAY_MEM_BLOCK (256 * 1024)

struct lay_pool {
    const lay_result *r;
    lay_mem *head, *cur;
};

lay_mem *lay_mem_hold(lay_job *j) {
    if (!j->r->pool) {
        j->r->pool = xcalloc(1, sizeof *j->r->pool);
        j->r->pool->r = j->r;
    }
    struct lay_pool *pl = j->r->pool;
    if (j->scratch) {
        j->scratch->refs++;
        return j->scratch;
    }
    if (!pl->cur || arena_bytes(pl->cur->a) >= LAY_MEM_BLOCK) {
        lay_mem *m = xcalloc(1, sizeof *m);
        m->a = arena_new();
        m->pool = pl;
        m->last_page = -1;
        lay_mem **tail = &pl->head;
        while (*tail) tail = &(*tail)->next;
        *tail = pl->cur = m;
    }
    pl->cur->refs++;
    return pl->cur;
}

void lay_mem_drop(lay_mem *m) {
    assert(m->refs > 0);
    m->refs--;
    long last = (long)m->pool->r->n_pages - 1;
    if (last > m->last_page) m->last_page = last;
}

void lay_scratch_begin(lay_job *j) {
    lay_mem *m = j->scratch = xcalloc(1, sizeof *m);
    m->a = arena_new();
    m->pool = j->r->pool;
    m->last_page = -1;
}

void lay_scratch_tick(lay_job *j) {
    lay_mem *m = j->scratch;
    if (m->refs || arena_bytes(m->a) < LAY_MEM_BLOCK) return;
    arena_free(m->a);
    m->a = arena_new();
}

void lay_scratch_end(lay_job *j) {
    assert(!j->scratch->refs);   /* nothing measured is kept */
    arena_free(j->scratch->a);
    free(j->scratch);
    j->scratch = NULL;
}

/* Free the blocks nothing needs once pages 0..done-1 are handed on. */
static void mem_sweep(struct lay_pool *pl, size_t done) {
    for (lay_mem **p = &pl->head; *p;) {
        lay_mem *m = *p;
        if (m != pl->cur && !m->refs && m->last_page < (long)done) {
            *p = m->next;
            arena_free(m->a);
            free(m);
        } else p = &m->next;
    }
}

static void pool_free(struct lay_pool *pl) {
    if (!pl) return;
    for (lay_mem *m = pl->head, *n; m; m = n) {
        n = m->next;
        arena_free(m->a);
        free(m);
    }
    free(pl);
}

/* ---- display lists ------------------------------------------------------ */

/* A new, zeroed op at the end of the page's display list (its own
 * allocation, so a page handed on gives its memory back). */
lay_op *lay_push_op(lay_job *j, lay_page *pg, lay_op_kind kind) {
    (void)j;
    if (pg->n_ops == pg->cap_ops) {
        size_t cap = pg->cap_ops ? pg->cap_ops * 2 : 32;
        pg->ops = xrealloc(pg->ops, cap * sizeof *pg->ops);
        pg->cap_ops = cap;
    }
    lay_op *op = &pg->ops[pg->n_ops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

static void page_free_ops(lay_page *pg) {
    for (size_t k = 0; k < pg->n_ops; k++) {
        lay_op *op = &pg->ops[k];
        if (op->kind != LAY_GLYPHS) continue;
        if (op->gi.item) pango_item_free(op->gi.item);
        if (op->gi.glyphs) pango_glyph_string_free(op->gi.glyphs);
    }
    free(pg->ops);
    pg->ops = NULL;
    pg->n_ops = pg->cap_ops = 0;
}

/* Streamed layout: pages 0..upto-1 are final.  Each gets its page number
 * and goes to fn (unless a first pass handed it on already: the second
 * lays it out the same), then its ops are freed. */
static void finish_pages(lay_job *j, size_t upto) {
    lay_result *r = j->r;
    for (; j->done_pages < upto; j->done_pages++) {
        lay_page *pg = &r->pages[j->done_pages];
        if (j->done_pages >= j->handed && !j->fn_rc) {
            if (!pg->no_folio && lay_place_folio(j, pg, (int)j->done_pages + 1) < 0) j->fn_rc = -1;
            int rc = j->fn_rc ? 0 : j->fn(j->fn_ctx, r, pg);
            if (rc) j->fn_rc = rc;
            else if (!j->fn_rc) j->handed = j->done_pages + 1;
        }
        page_free_ops(pg);
    }
    mem_sweep(r->pool, j->done_pages);
}

lay_page *lay_new_page(lay_job *j) {
    lay_result *r = j->r;
    /* nothing draws on a page once the next one is started */
    if (j->fn) finish_pages(j, r->n_pages);
    arena_grow(r->arena, (void **)&r->pages, &r->cap_pages, r->n_pages, sizeof *r->pages);
    lay_page *pg = &r->pages[r->n_pages++];
    memset(pg, 0, sizeof *pg);
    return pg;
}

/* A rule between any two points (table grid, chart axes). */
void lay_add_line(lay_job *j, lay_page *pg, double x0, double y0, double x1, double y1, double weight,
                  const double rgb[3]) {
    lay_op *op = lay_push_op(j, pg, LAY_RULE);
    op->x = x0;
    op->y = y0;
    op->x2 = x1;
    op->y2 = y1;
    op->weight = weight;
    memcpy(op->rgb, rgb, sizeof op->rgb);
}

void lay_add_rect(lay_job *j, lay_page *pg, double x, double y, double w, double h, const double rgb[3]) {
    lay_op *op = lay_push_op(j, pg, LAY_RECT);
    op->x = x;
    op->y = y;
    op->x2 = w;
    op->y2 = h;
    memcpy(op->rgb, rgb, sizeof op->rgb);
}

/* ---- pagination ------------------------------------------------------- */

static void add_outline(lay_job *j, const char *label, int page, double y) {
    lay_result *r = j->r;
    arena_grow(r->arena, (void **)&r->outlines, &r->cap_outlines, r->n_outlines, sizeof *r->outlines);
    lay_outline *o = &r->outlines[r->n_outlines++];
    o->label = arena_strdup(r->arena, label);
    o->page = page;
    o->y = y;
}

/* Phase 1, block by block as pagination reaches it: shape and break the
 * block (tables and figures measure themselves); then, with the block
 * before it, place a 署名 by the 成文日期 under it: centred on it
 * (center-over-next, the sealed layout) or two characters left of it
 * (under-previous, the unsealed one; GB/T 9704 7.3.5). */
static void place_pair(lay_job *j, lay_piece *pc, lay_piece *nx) {
    const tpl_template *t = j->t;
    if (!pc->n_lines || !nx->n_lines) return;
    if (pc->st.align == TPL_CENTER_OVER_NEXT) {
        double nx_left = lay_line_x(nx, &nx->lines[0], 0, t), nx_mid = nx_left + nx->lines[0].width / 2;
        double mid = lay_line_x(pc, &pc->lines[0], 0, t) + pc->lines[0].width / 2;
        pc->x_off = nx_mid - mid;
    } else if (nx->st.align == TPL_UNDER_PREVIOUS) {
        /* the date starts `indent` characters right of the 署名; when
         * it would pass its right-indent it sits there and the 署名
         * moves left as far */
        double em = nx->size * (t->char_pitch / t->body_size);
        double start = lay_line_x(pc, &pc->lines[0], 0, t) + nx->st.indent * em;
        double limit = t->block_w - nx->st.right_indent * t->char_pitch, w = nx->lines[0].width;
        if (start + w > limit + LAY_EPS) {
            pc->x_off -= start + w - limit;
            start = limit - w;
        }
        nx->x_off = start - nx->left;
    }
}

static void build_one(lay_job *j, size_t b) {
    const doc_block *blk = &j->d->blocks[b];
    lay_piece *pc = j->pcs[b] = xcalloc(1, sizeof *pc);
    int rc = 0;
    if (blk->kind == DOC_TABLE) rc = lay_table_build(j, blk->table, pc);
    else if (blk->kind == DOC_FIGURE) pc->lead = ceil(blk->figure->height / j->t->line_pitch - LAY_EPS);
    else {
        const char **texts = xcalloc(blk->n_runs ? blk->n_runs : 1, sizeof *texts);
        const char **styles = xcalloc(blk->n_runs ? blk->n_runs : 1, sizeof *styles);
        for (size_t k = 0; k < blk->n_runs; k++) {
            texts[k] = blk->runs[k].text;
            styles[k] = blk->runs[k].style;
        }
        rc = lay_piece_build(j, pc, blk->style, texts, styles, blk->n_runs, 0);
        pc->outline = blk->outline;
        if (blk->keep_with_next) pc->keep = 1;
        free(texts);
        free(styles);
    }
    if (rc) j->build_rc = rc;
    else if (b > 0) place_pair(j, j->pcs[b - 1], pc);
}

lay_piece *lay_piece_at(lay_job *j, size_t b) {
    size_t want = b + 2 < j->d->n_blocks ? b + 2 : j->d->n_blocks;
    while (!j->build_rc && j->n_built < want) build_one(j, j->n_built++);
    assert(j->build_rc || b >= j->n_freed);   /* pagination never looks back that far */
    return j->build_rc ? j->none : j->pcs[b];
}

static void free_piece(lay_job *j, size_t b) {
    lay_piece *pc = j->pcs[b];
    if (!pc) return;
    lay_para_free(&pc->p);
    lay_table_free(pc->tb);
    free(pc);
    j->pcs[b] = NULL;
}

/* Streamed layout keeps the pieces of the last LAY_KEEP blocks (a
 * document that size lays out a second time without shaping again). */
#define LAY_KEEP 64

/* ---- pagination ------------------------------------------------------- */

/* Where pagination stands.  A dry run moves the cursor without drawing,
 * to see where a block would end before placing it for real. */
typedef struct {
    lay_page *pg;               /* the current page; NULL in a dry run */
    double line;                /* next free grid line on it */
    int page;                   /* its number */
    int dry;
} cursor;

static double page_top(const lay_job *j, const cursor *cu) { return cu->page == 1 ? j->body_top : 0; }

static int next_page(lay_job *j, cursor *cu) {
    if (!cu->dry) {
        cu->pg->body_lines = (int)ceil(cu->line - LAY_EPS);
        cu->pg = lay_new_page(j);
    }
    cu->page++;
    cu->line = 0;
    return 0;
}

static int is_text(lay_job *j, size_t b) {
    const doc_document *d = j->d;
    return b < d->n_blocks && d->blocks[b].kind == DOC_PARA && lay_piece_at(j, b)->n_lines > 0;
}

/* The next block after b that takes room (empty paragraphs take none). */
static size_t next_block(lay_job *j, size_t b) {
    const doc_document *d = j->d;
    size_t k = b + 1;
    while (k < d->n_blocks && d->blocks[k].kind == DOC_PARA && !lay_piece_at(j, k)->n_lines) k++;
    return k;
}

/* The closing group: 附件说明, 署名, 成文日期 and 附注 (parts appendix-note
 * and signature), which follow the body and stay together. */
static int is_closing(const doc_document *d, size_t b) {
    const char *part = doc_block_part(&d->blocks[b]);
    return !strcmp(part, "signature") || !strcmp(part, "appendix-note");
}

/* Grid lines the closing group from block g needs; tight: without the
 * blank line above it (GB/T 9704 7.3.5 lets spacing give way so that the
 * 署名 never stands on a page of its own). */
static double group_need(lay_job *j, size_t g, int tight) {
    const doc_document *d = j->d;
    double need = 0;
    for (size_t b = g; b < d->n_blocks && is_closing(d, b); b++) {
        if (!is_text(j, b)) continue;
        const lay_piece *pc = lay_piece_at(j, b);
        need += (b == g && tight ? 0 : pc->st.space_before) + (double)pc->n_lines * pc->lead;
        if (b + 1 < d->n_blocks && is_closing(d, b + 1)) need += pc->st.space_after;
    }
    return need;
}

/* Place (or, in a dry run, measure) the lines of text block b with its
 * space before and after; kept with the next block when it asks, never
 * leaving its last line alone at the top of a page, and breaking the page
 * before line force_at (SIZE_MAX: nowhere).  tight drops the space before. */
static int place_text(lay_job *j, size_t b, cursor *cu, size_t force_at, int tight) {
    const tpl_template *t = j->t;
    lay_result *r = j->r;
    lay_piece *pc = lay_piece_at(j, b);
    int rc = 0;
    double before = tight ? 0 : pc->st.space_before;
    if (cu->line > page_top(j, cu) + LAY_EPS && cu->line + before < t->lines) cu->line += before;
    /* keep a heading with the first line of what follows */
    double need = (double)pc->n_lines * pc->lead;
    if (pc->keep && b + 1 < j->d->n_blocks) {
        const lay_piece *nx = lay_piece_at(j, b + 1);
        need += nx->st.space_before + nx->lead;
    }
    if (pc->keep && cu->line + need > t->lines && cu->line > page_top(j, cu) + LAY_EPS && need <= t->lines &&
        next_page(j, cu) < 0)
        return -1;
    for (size_t l = 0; rc == 0 && l < pc->n_lines; l++) {
        int brk = cu->line + pc->lead > t->lines + LAY_EPS;
        int top = cu->line <= page_top(j, cu) + LAY_EPS;
        if (!brk && !top && l == force_at) brk = 1;
        /* no widow: the last line goes down with the one before it */
        if (!brk && !top && pc->n_lines >= 2 && l == pc->n_lines - 2 && cu->line + 2 * pc->lead > t->lines + LAY_EPS)
            brk = 1;
        if (brk && next_page(j, cu) < 0) return -1;
        if (!cu->dry) {
            double y = t->top + cu->line * t->line_pitch;
            if (l == 0 && pc->outline) add_outline(j, pc->outline, cu->page, y);
            lay_line *ln = &pc->lines[l];
            double x = t->left + lay_line_x(pc, ln, l, t);
            if (rc == 0) rc = lay_emit_line(j, &pc->p, ln, x, lay_baseline(y, pc->size), cu->pg);
            r->lines_total++;
            if (!ln->last && pc->st.align == TPL_JUSTIFY) r->lines_full++;
            r->lines_squeezed += ln->squeezed;
            r->lines_pushed += ln->pushed;
        }
        cu->line += pc->lead;
    }
    cu->line += pc->st.space_after;
    /* back on the grid (a title set under the 版头 starts between lines) */
    cu->line = ceil(cu->line - LAY_EPS);
    return rc;
}

/* Would the 主送 (block b) push the body off the first page?  Then it goes
 * into the 版记 (GB/T 9704 7.3.2), if the template's 版记 has {to-moved}. */
static int move_to(lay_job *j, size_t b, const cursor *cu) {
    const doc_document *d = j->d;
    if (cu->page != 1 || strcmp(doc_block_part(&d->blocks[b]), "to") != 0) return 0;
    int has = 0;
    for (size_t i = 0; i < j->t->n_tail; i++)
        if (j->t->tail[i].text && strstr(j->t->tail[i].text, "{to-moved}")) has = 1;
    size_t nb = b + 1;
    while (nb < d->n_blocks && d->blocks[nb].kind == DOC_PARA && !lay_piece_at(j, nb)->n_lines) nb++;
    if (!has || !is_text(j, nb)) return 0;
    cursor dry = *cu;
    dry.dry = 1;
    if (place_text(j, b, &dry, SIZE_MAX, 0) < 0) return -1;
    double first = dry.line + lay_piece_at(j, nb)->st.space_before + lay_piece_at(j, nb)->lead;
    return dry.page > 1 || first > j->t->lines + LAY_EPS;
}

/* Before the last body paragraph (block b, followed by the closing group):
 * where would the group go?  Returns the line of b to break the page
 * before, so that two lines of text go over with the 署名, or SIZE_MAX;
 * *tight: the group fits only without its blank line. */
static int plan_closing(lay_job *j, size_t b, const cursor *cu, size_t *force_at, int *tight) {
    *force_at = SIZE_MAX;
    *tight = 0;
    cursor dry = *cu;
    dry.dry = 1;
    if (place_text(j, b, &dry, SIZE_MAX, 0) < 0) return -1;
    double room = j->t->lines - dry.line;
    size_t g = next_block(j, b);
    if (group_need(j, g, 0) <= room + LAY_EPS) return 0;
    if (group_need(j, g, 1) <= room + LAY_EPS) {
        *tight = 1;
        return 0;
    }
    size_t n = lay_piece_at(j, b)->n_lines;
    *force_at = n >= 2 ? n - 2 : 0;
    return 0;
}

/* Lines that must follow figure b on its page: the closing group (the 署名
 * never stands without the body above it), or the 版记 when nothing else
 * follows and the 版记 belongs on this page. */
static double reserve_after(lay_job *j, const size_t b, const cursor *cu) {
    const doc_document *d = j->d;
    size_t nx = next_block(j, b);
    if (nx < d->n_blocks) return is_closing(d, nx) ? group_need(j, nx, 1) : 0;
    if (j->t->sides == 2 && cu->page % 2 == 1) return 0;
    int tl = lay_tail_lines(j);
    return tl > 0 ? tl : 0;
}

static int place_figure(lay_job *j, size_t b, cursor *cu) {
    double line_no = cu->line;
    lay_page *pg = cu->pg;
    double reserve = reserve_after(j, b, cu), slack = 0;
    if (reserve < 0) return -1;
    if (cu->page == j->squeeze_page) reserve += j->squeeze_lines;
    int rc = lay_figure_place(j, j->d->blocks[b].figure, &pg, &line_no, page_top(j, cu), reserve, &slack);
    cu->pg = pg;
    cu->line = line_no;
    cu->page = (int)j->r->n_pages;
    if (cu->page > j->fig_page || (cu->page == j->fig_page && slack > j->fig_slack)) {
        j->fig_page = cu->page;
        j->fig_slack = slack;
    }
    return rc;
}

/* Can a figure float up past paragraph b?  Past the body after the
 * preamble (the findings and what follows them) only: never above the
 * title, the 主送 or the preamble, past a heading kept with what follows,
 * or into the closing group. */
static int floatable(lay_job *j, size_t b) {
    static const char *const parts[] = {"findings", "rectification", "status", "cases", "statistics",
                                        "requirements", "body"};
    const doc_document *d = j->d;
    const char *part = doc_block_part(&d->blocks[b]);
    if (!is_text(j, b) || lay_piece_at(j, b)->keep) return 0;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (!strcmp(part, parts[i])) return 1;
    return 0;
}

#define FLOAT_PAST 3    /* paragraphs a figure may float up past */

/* Is text block b the place for the figure that follows it within a few
 * paragraphs?  Placed after them, the figure would leave its page short
 * (it moves to the next page); placed where b starts, it fits, and the
 * paragraphs fill in after it.  Of the paragraphs where it fits, the
 * latest is chosen, so the figure moves as little as it can.  Returns the
 * figure's block, or 0 (no block 0 is ever a figure that floats). */
static size_t figure_here(lay_job *j, size_t b, const cursor *cu) {
    const doc_document *d = j->d;
    const double lines = j->t->lines;
    size_t f = b, k = 0, blk[FLOAT_PAST];
    cursor at[FLOAT_PAST], dry = *cu;
    dry.dry = 1;
    while (f < d->n_blocks && floatable(j, f) && k < FLOAT_PAST) {
        blk[k] = f;
        at[k++] = dry;
        if (place_text(j, f, &dry, SIZE_MAX, 0) < 0) return 0;
        f = next_block(j, f);
    }
    if (f >= d->n_blocks || d->blocks[f].kind != DOC_FIGURE || !k) return 0;
    double nl = lay_piece_at(j, f)->lead;
    /* after the paragraphs it fits, or the paragraphs end at a page's top */
    if (dry.line + nl <= lines + LAY_EPS || dry.line <= LAY_EPS) return 0;
    /* the latest paragraph start, on the page the paragraphs end on, with room */
    for (size_t q = k; q-- > 0;) {
        if (at[q].page != dry.page) break;
        double start = at[q].line + (at[q].line > page_top(j, &at[q]) + LAY_EPS ? lay_piece_at(j, blk[q])->st.space_before : 0);
        if (start + nl <= lines + LAY_EPS && at[q].line > page_top(j, &at[q]) + LAY_EPS) return q == 0 ? f : 0;
    }
    return 0;
}

/* Phase 2: the 版头, then every block on the grid, page by page; on return
 * *cu is at the first free grid line of the last page. */
static int place_blocks(lay_job *j, cursor *cu) {
    const doc_document *d = j->d;
    const tpl_template *t = j->t;
    double head_bottom = 0;
    if (lay_place_head(j, cu->pg, &head_bottom) < 0) return -1;
    j->body_top = t->head_gap >= 0 ? head_bottom / t->line_pitch + t->head_gap : t->head_lines;
    if (j->body_top > t->lines - 1) j->body_top = t->lines - 1;
    cu->line = j->body_top;
    unsigned char *done = xcalloc(d->n_blocks + 1, 1);
    int rc = 0, tight = 0;
    for (size_t b = 0; rc == 0 && b < d->n_blocks; b++) {
        /* streamed: the pieces far behind are done with */
        while (j->fn && j->n_freed + LAY_KEEP < b) free_piece(j, j->n_freed++);
        lay_piece *pc = lay_piece_at(j, b);
        const doc_block *blk = &d->blocks[b];
        if (j->build_rc || j->fn_rc) {
            rc = -1;
            break;
        }
        if ((blk->kind == DOC_PARA && !pc->n_lines) || done[b]) continue;
        double top = page_top(j, cu);
        if (blk->page_break && cu->line > top + LAY_EPS && (rc = next_page(j, cu)) < 0) break;
        if (blk->kind == DOC_TABLE) {
            double line_no = cu->line;
            lay_page *pg = cu->pg;
            rc = lay_table_place(j, pc->tb, &pg, &line_no);
            cu->pg = pg;
            cu->line = line_no;
            cu->page = (int)j->r->n_pages;
            continue;
        }
        if (blk->kind == DOC_FIGURE) {
            rc = place_figure(j, b, cu);
            continue;
        }
        int moved = move_to(j, b, cu);
        if (moved) {
            rc = moved < 0 ? -1 : 0;
            j->to_moved = 1;
            continue;
        }
        size_t nx = next_block(j, b), fig = figure_here(j, b, cu);
        if (fig && (rc = place_figure(j, fig, cu)) < 0) break;
        if (fig) done[fig] = 1;
        size_t force = SIZE_MAX;
        if (!is_closing(d, b) && nx < d->n_blocks && is_closing(d, nx) && group_need(j, nx, 0) > 0 &&
            plan_closing(j, b, cu, &force, &tight) < 0) {
            rc = -1;
            break;
        }
        int first_closing = is_closing(d, b) && (b == 0 || !is_closing(d, b - 1));
        if (first_closing && cu->line + group_need(j, b, tight) > t->lines + LAY_EPS &&
            cu->line > page_top(j, cu) + LAY_EPS && (rc = next_page(j, cu)) < 0)
            break;
        rc = place_text(j, b, cu, force, first_closing && tight);
    }
    free(done);
    return rc;
}

/* Phase 3: the 版记 at the foot of the last page.  Printed on both sides
 * (GB/T 9704 7.4, 7.5) it goes on an even page, the back of the last
 * sheet: after a body that ends on an odd page, at the foot of the next;
 * after an even page without room for it, on the page after a blank one,
 * and then neither of the two is numbered. */
static int place_end(lay_job *j, cursor *cu) {
    const tpl_template *t = j->t;
    int tl = lay_tail_lines(j);
    if (tl < 0) return -1;
    if (tl > 0) {
        int fits = cu->line <= t->lines - tl + LAY_EPS;
        /* a figure on this page that can give up the lines the 版记
         * lacks keeps the 版记 with the end: lay_document lays out again */
        double short_by = cu->line - (t->lines - tl);
        int own_page = !fits && !(t->sides == 2 && cu->page % 2 == 1);
        if (own_page && !j->squeeze_page && j->fig_page == cu->page && j->fig_slack >= short_by - LAY_EPS) {
            j->squeeze_page = cu->page;
            j->squeeze_lines = ceil(short_by - LAY_EPS);
            return 1;
        }
        if (t->sides == 2 && cu->page % 2 == 1) {
            if (next_page(j, cu) < 0) return -1;
        } else if (!fits) {
            if (next_page(j, cu) < 0) return -1;
            if (t->sides == 2) {
                cu->pg->no_folio = 1;
                if (next_page(j, cu) < 0) return -1;
                cu->pg->no_folio = 1;
            }
        }
        if (lay_place_tail(j, cu->pg, tl) < 0) return -1;
    }
    cu->pg->body_lines = (int)ceil(cu->line - LAY_EPS);
    return 0;
}

static void free_pages(lay_result *r) {
    for (size_t p = 0; p < r->n_pages; p++) page_free_ops(&r->pages[p]);
}

/* Forget the pages of a first pass (the page array stays in the arena);
 * the pieces too when some were freed already (streamed). */
static void clear_pages(lay_job *j) {
    lay_result *r = j->r;
    free_pages(r);
    r->n_pages = 0;
    r->n_outlines = 0;
    r->lines_total = r->lines_full = r->lines_squeezed = r->lines_pushed = 0;
    j->to_moved = 0;
    j->fig_page = 0;
    j->fig_slack = 0;
    j->done_pages = 0;
    for (lay_mem *m = r->pool->head; m; m = m->next) m->last_page = -1;
    if (j->n_freed) {
        for (size_t b = 0; b < j->n_built; b++) free_piece(j, b);
        j->n_built = j->n_freed = 0;
    }
}

/* Both passes, then the page numbers: streamed, the pages not yet
 * handed on; else every page. */
static int lay_passes(lay_job *j) {
    lay_result *r = j->r;
    int rc = 0;
    for (int pass = 0; rc == 0 && pass < 2; pass++) {
        /* a second pass only when the first asked for it (place_end) */
        if (pass) clear_pages(j);
        cursor cu = {NULL, 0, 1, 0};
        cu.pg = lay_new_page(j);
        if (rc == 0) rc = place_blocks(j, &cu);
        if (rc == 0) rc = place_end(j, &cu);
        if (rc <= 0) break;
        rc = 0;
    }
    if (j->fn && rc == 0 && !j->fn_rc) finish_pages(j, r->n_pages);
    for (size_t p = 0; !j->fn && rc == 0 && p < r->n_pages; p++)
        if (!r->pages[p].no_folio) rc = lay_place_folio(j, &r->pages[p], (int)p + 1);
    if (j->fn_rc) rc = j->fn_rc;
#ifndef NDEBUG
    /* a laid-out document has a page, and every bookmark points into it */
    assert(rc != 0 || r->n_pages >= 1);
    for (size_t k = 0; rc == 0 && k < r->n_outlines; k++)
        assert(r->outlines[k].page >= 1 && (size_t)r->outlines[k].page <= r->n_pages);
#endif
    return rc;
}

int lay_document_stream(lay_ctx *c, const doc_document *d, const tpl_template *t, lay_page_fn fn, void *ctx,
                        lay_result **out, err *e) {
    *out = NULL;
    arena *a = arena_new();
    lay_result *r = arena_alloc(a, sizeof *r);
    memset(r, 0, sizeof *r);
    r->arena = a;
    r->page_w = t->page_w;
    r->page_h = t->page_h;
    buf_init(&r->warnings);
    r->pool = xcalloc(1, sizeof *r->pool);
    r->pool->r = r;
    lay_job J = {0}, *j = &J;
    J.ctx = c, J.t = t, J.d = d, J.r = r, J.e = e;
    J.fn = fn, J.fn_ctx = ctx;
    J.pcs = xcalloc(d->n_blocks ? d->n_blocks : 1, sizeof *J.pcs);
    J.none = xcalloc(1, sizeof *J.none);
    int rc = lay_passes(j);
    if (rc == 0 && J.build_rc) rc = -1;
    for (size_t b = J.n_freed; b < J.n_built; b++) free_piece(j, b);
    free(J.pcs);
    free(J.none);
    free(J.seen);
    if (rc) {
        lay_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

lay_result *lay_document(lay_ctx *c, const doc_document *d, const tpl_template *t, err *e) {
    lay_result *r = NULL;
    return lay_document_stream(c, d, t, NULL, NULL, &r, e) ? NULL : r;
}

void lay_free(lay_result *r) {
    if (!r) return;
    free_pages(r);
    buf_free(&r->warnings);
    pool_free(r->pool);
    arena_free(r->arena);
}
