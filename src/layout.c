/* layout.c — the layout module's entry (see layout.h): a Pango context per
 * thread, the display lists pdf draws, and pagination: the blocks' lines
 * placed on the grid page by page, tables and figures between them, the
 * 版头 on the first page, the 版记 at the foot of the last, page numbers
 * on every page.  Line breaking is in layout_line.c, tables and figures in
 * layout_table.c, the furniture in layout_furniture.c (layout_int.h). */
#include "layout_int.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"

lay_ctx *lay_ctx_new(err *e) {
    lay_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        return NULL;
    }
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

/* ---- display lists ------------------------------------------------------ */

/* A new, zeroed op at the end of the page's display list (NULL: out of memory). */
lay_op *lay_push_op(lay_job *j, lay_page *pg, lay_op_kind kind) {
    if (arena_grow(j->r->arena, (void **)&pg->ops, &pg->cap_ops, pg->n_ops, sizeof *pg->ops) < 0) {
        lay_oom(j);
        return NULL;
    }
    lay_op *op = &pg->ops[pg->n_ops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

lay_page *lay_new_page(lay_job *j) {
    lay_result *r = j->r;
    if (arena_grow(r->arena, (void **)&r->pages, &r->cap_pages, r->n_pages, sizeof *r->pages) < 0) {
        lay_oom(j);
        return NULL;
    }
    lay_page *pg = &r->pages[r->n_pages++];
    memset(pg, 0, sizeof *pg);
    return pg;
}

/* A rule between any two points (table grid, chart axes). */
int lay_add_line(lay_job *j, lay_page *pg, double x0, double y0, double x1, double y1, double weight,
                 const double rgb[3]) {
    lay_op *op = lay_push_op(j, pg, LAY_RULE);
    if (!op) return -1;
    op->x = x0;
    op->y = y0;
    op->x2 = x1;
    op->y2 = y1;
    op->weight = weight;
    memcpy(op->rgb, rgb, sizeof op->rgb);
    return 0;
}

int lay_add_rect(lay_job *j, lay_page *pg, double x, double y, double w, double h, const double rgb[3]) {
    lay_op *op = lay_push_op(j, pg, LAY_RECT);
    if (!op) return -1;
    op->x = x;
    op->y = y;
    op->x2 = w;
    op->y2 = h;
    memcpy(op->rgb, rgb, sizeof op->rgb);
    return 0;
}

/* ---- pagination ------------------------------------------------------- */

static int add_outline(lay_job *j, const char *label, int page, double y) {
    lay_result *r = j->r;
    if (arena_grow(r->arena, (void **)&r->outlines, &r->cap_outlines, r->n_outlines, sizeof *r->outlines) < 0)
        return lay_oom(j);
    lay_outline *o = &r->outlines[r->n_outlines++];
    o->label = arena_strdup(r->arena, label);
    o->page = page;
    o->y = y;
    return o->label ? 0 : lay_oom(j);
}

/* Phase 1: shape and break every block (tables and figures measure
 * themselves), then centre each center-over-next 署名 on the line below. */
static int build_pieces(lay_job *j, lay_piece *pcs) {
    const doc_document *d = j->d;
    const tpl_template *t = j->t;
    int rc = 0;
    for (size_t b = 0; rc == 0 && b < d->n_blocks; b++) {
        const doc_block *blk = &d->blocks[b];
        if (blk->kind == DOC_TABLE) {
            rc = lay_table_build(j, blk->table, &pcs[b]);
            continue;
        }
        if (blk->kind == DOC_FIGURE) {
            pcs[b].lead = ceil(blk->figure->height / t->line_pitch - LAY_EPS);
            continue;
        }
        const char **texts = calloc(blk->n_runs ? blk->n_runs : 1, sizeof *texts);
        const char **styles = calloc(blk->n_runs ? blk->n_runs : 1, sizeof *styles);
        if (!texts || !styles) rc = lay_oom(j);
        for (size_t k = 0; rc == 0 && k < blk->n_runs; k++) {
            texts[k] = blk->runs[k].text;
            styles[k] = blk->runs[k].style;
        }
        if (rc == 0) rc = lay_piece_build(j, &pcs[b], blk->style, texts, styles, blk->n_runs, 0);
        pcs[b].outline = blk->outline;
        if (blk->keep_with_next) pcs[b].keep = 1;
        free(texts);
        free(styles);
    }
    /* center-over-next: a 署名 centred on the 成文日期 below it */
    for (size_t b = 0; rc == 0 && b + 1 < d->n_blocks; b++) {
        lay_piece *pc = &pcs[b], *nx = &pcs[b + 1];
        if (pc->st.align != TPL_CENTER_OVER_NEXT || !pc->n_lines || !nx->n_lines) continue;
        double nx_left = lay_line_x(nx, &nx->lines[0], 0, t), nx_mid = nx_left + nx->lines[0].width / 2;
        double mid = lay_line_x(pc, &pc->lines[0], 0, t) + pc->lines[0].width / 2;
        pc->x_off = nx_mid - mid;
    }
    return rc;
}

/* Place the lines of text block b from grid line *line_no of *pgp, with
 * its space before and after, kept with the next block when it asks. */
static int place_text(lay_job *j, lay_piece *pcs, size_t b, lay_page **pgp, double *line_no) {
    const tpl_template *t = j->t;
    lay_result *r = j->r;
    lay_piece *pc = &pcs[b];
    int rc = 0;
    double before = pc->st.space_before;
    if (*line_no > (b == 0 ? t->head_lines : 0) && *line_no + before < t->lines) *line_no += before;
    /* keep a heading with the first line of what follows */
    double need = pc->n_lines * pc->lead;
    if (pc->keep && b + 1 < j->d->n_blocks) need += pcs[b + 1].st.space_before + pcs[b + 1].lead;
    if (pc->keep && *line_no + need > t->lines && *line_no > 0 && need <= t->lines) {
        if (!(*pgp = lay_new_page(j))) return -1;
        *line_no = 0;
    }
    for (size_t l = 0; rc == 0 && l < pc->n_lines; l++) {
        if (*line_no + pc->lead > t->lines + LAY_EPS) {
            (*pgp)->body_lines = (int)*line_no;
            if (!(*pgp = lay_new_page(j))) return -1;
            *line_no = 0;
        }
        double top = t->top + *line_no * t->line_pitch;
        if (l == 0 && pc->outline && add_outline(j, pc->outline, (int)r->n_pages, top) < 0) rc = -1;
        lay_line *ln = &pc->lines[l];
        double x = t->left + lay_line_x(pc, ln, l, t);
        if (rc == 0) rc = lay_emit_line(j, &pc->p, ln, x, lay_baseline(top, pc->size), *pgp);
        r->lines_total++;
        if (!ln->last && pc->st.align == TPL_JUSTIFY) r->lines_full++;
        r->lines_squeezed += ln->squeezed;
        r->lines_pushed += ln->pushed;
        *line_no += pc->lead;
    }
    *line_no += pc->st.space_after;
    return rc;
}

/* Phase 2: the 版头, then every block on the grid, page by page; on return
 * *pgp is the last page and *line_no the first free grid line on it. */
static int place_blocks(lay_job *j, lay_piece *pcs, lay_page **pgp, double *line_no) {
    const doc_document *d = j->d;
    const tpl_template *t = j->t;
    int rc = 0;
    *line_no = t->head_lines;
    if (lay_place_head(j, *pgp) < 0) return -1;
    for (size_t b = 0; rc == 0 && b < d->n_blocks; b++) {
        lay_piece *pc = &pcs[b];
        const doc_block *blk = &d->blocks[b];
        if (blk->kind == DOC_PARA && !pc->n_lines) continue;
        double page_top = j->r->n_pages == 1 ? t->head_lines : 0;
        if (blk->page_break && *line_no > page_top + LAY_EPS) {
            (*pgp)->body_lines = (int)ceil(*line_no);
            if (!(*pgp = lay_new_page(j))) return -1;
            *line_no = 0;
        }
        if (blk->kind == DOC_TABLE) rc = lay_table_place(j, pc->tb, pgp, line_no);
        else if (blk->kind == DOC_FIGURE) rc = lay_figure_place(j, blk->figure, pgp, line_no, page_top);
        else rc = place_text(j, pcs, b, pgp, line_no);
    }
    return rc;
}

/* Phase 3: the 版记 at the foot of the last page (a new page when the body
 * leaves no room for it). */
static int place_end(lay_job *j, lay_page *pg, double line_no) {
    const tpl_template *t = j->t;
    int rc = 0;
    int tl = lay_tail_lines(j);
    if (tl < 0) rc = -1;
    if (tl > 0) {
        if (line_no > t->lines - tl + LAY_EPS) {
            pg->body_lines = (int)line_no;
            if (!(pg = lay_new_page(j))) rc = -1;
            line_no = 0;
        }
        if (rc == 0) rc = lay_place_tail(j, pg, tl);
    }
    if (pg) pg->body_lines = (int)ceil(line_no);
    return rc;
}

lay_result *lay_document(lay_ctx *c, const doc_document *d, const tpl_template *t, err *e) {
    arena *a = arena_new();
    lay_result *r = a ? arena_alloc(a, sizeof *r) : NULL;
    if (!r) {
        arena_free(a);
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        return NULL;
    }
    r->arena = a;
    r->page_w = t->page_w;
    r->page_h = t->page_h;
    buf_init(&r->warnings);
    lay_job J = {c, t, d, r, e, NULL, 0, 0}, *j = &J;
    int rc = 0;

    lay_piece *pcs = calloc(d->n_blocks ? d->n_blocks : 1, sizeof *pcs);
    if (!pcs) rc = lay_oom(j);
    if (rc == 0) rc = build_pieces(j, pcs);
    lay_page *pg = rc ? NULL : lay_new_page(j);
    if (!pg && rc == 0) rc = -1;
    double line_no = 0;
    if (rc == 0) rc = place_blocks(j, pcs, &pg, &line_no);
    if (rc == 0) rc = place_end(j, pg, line_no);
    for (size_t p = 0; rc == 0 && p < r->n_pages; p++) rc = lay_place_folio(j, &r->pages[p], (int)p + 1);

    for (size_t b = 0; pcs && b < d->n_blocks; b++) {
        lay_para_free(&pcs[b].p);
        lay_table_free(pcs[b].tb);
    }
    free(pcs);
    free(J.seen);
    if (rc) {
        lay_free(r);
        return NULL;
    }
    return r;
}

void lay_free(lay_result *r) {
    if (!r) return;
    for (size_t p = 0; p < r->n_pages; p++)
        for (size_t k = 0; k < r->pages[p].n_ops; k++) {
            lay_op *op = &r->pages[p].ops[k];
            if (op->kind != LAY_GLYPHS) continue;
            if (op->gi.item) pango_item_free(op->gi.item);
            if (op->gi.glyphs) pango_glyph_string_free(op->gi.glyphs);
        }
    buf_free(&r->warnings);
    arena_free(r->arena);
}
