/* layout_table.c — blocks laid out off the grid: tables (the 附件 问题清单)
 * and figures (the chart).  Both take whole grid lines of the body in the
 * end, so the text after them stays on the grid. */
#include "layout_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rows of a table shaped at a time beyond its header: pagination looks at
 * the row it places and the one after (a group heading stays with it). */
#define LAY_TB_RING 4

/* ---- tables ------------------------------------------------------------
 *
 * A table is laid out off the grid: its rows are as tall as their tallest
 * cell, and every cell is broken by the same line breaker as the body, at
 * the cell's own measure.  Pagination keeps rows whole (a row that does not
 * fit goes to the next page, below a repeated header); only a row taller
 * than a page is split, and then between two lines, never inside one. */

typedef struct lay_table {
    const doc_table *dt;
    lay_piece *head;            /* the header rows' cells, n_head × n_cols: kept */
    lay_piece *ring;            /* the other rows' cells, LAY_TB_RING rows of n_cols */
    size_t ring_row[LAY_TB_RING];   /* the row in each slot (SIZE_MAX: none) */
    size_t n_rows, n_cols, n_head;
    double *col_x;              /* n_cols + 1 column edges from the table's left */
    unsigned char *snug;        /* per column: narrowed to its longest cell */
    double x0, width;           /* the table's left edge on the page, its width */
    double *lead;               /* per row: pt per text line (once the row is built) */
    size_t *nl;                 /* per row: text lines (at least 1) */
} lay_table;

static void cells_free(lay_piece *cells, size_t n) {
    for (size_t k = 0; cells && k < n; k++) lay_para_free(&cells[k].p);
}

void lay_table_free(lay_table *tb) {
    if (!tb) return;
    cells_free(tb->head, tb->n_head * tb->n_cols);
    for (size_t s = 0; s < LAY_TB_RING; s++)
        if (tb->ring_row[s] != SIZE_MAX) cells_free(tb->ring + s * tb->n_cols, tb->n_cols);
    free(tb->head);
    free(tb->ring);
    free(tb->col_x);
    free(tb->snug);
    free(tb->lead);
    free(tb->nl);
    free(tb);
}

static int align_of(doc_align a) {
    switch (a) {
    case DOC_ALIGN_LEFT: return TPL_LEFT;
    case DOC_ALIGN_CENTER: return TPL_CENTER;
    case DOC_ALIGN_RIGHT: return TPL_RIGHT;
    case DOC_ALIGN_JUSTIFY: return TPL_JUSTIFY;
    default: return -1;
    }
}

/* Break a shaped cell at a new measure. */
static int cell_break(lay_job *j, lay_piece *cp, double measure) {
    const tpl_template *t = j->t;
    cp->avail = measure - cp->left - cp->st.right_indent * t->char_pitch;
    if (cp->avail < t->char_pitch / 4) cp->avail = t->char_pitch / 4;
    double indent = cp->st.indent * cp->st.size * (t->char_pitch / t->body_size);
    return lay_break(j, &cp->p, cp->avail - indent, cp->avail, cp->st.align == TPL_JUSTIFY, &cp->lines, &cp->n_lines);
}

/* The text box of cell (r, c): its offset from the column's left edge and
 * its measure.  Where nothing was narrowed to fit, the measure is a whole
 * number of the cell's characters, centred in the column: a justified CJK
 * line then needs no stretching between characters. */
static void cell_box(const lay_table *tb, size_t r, size_t c, double em, double *off, double *measure) {
    const doc_table *dt = tb->dt;
    int span = dt->rows[r].span;
    double w = span ? tb->width : tb->col_x[c + 1] - tb->col_x[c];
    double m = w - 2 * dt->pad_x;
    if (!span && !tb->snug[c] && em > 0) {
        double whole = floor(m / em + 1e-6) * em;
        if (whole >= em) m = whole;
    }
    *measure = m;
    *off = span ? dt->pad_x : (w - m) / 2;
}

/* Cell (r, c) shaped on one line. */
static int cell_shape(lay_job *j, const lay_table *tb, size_t r, size_t c, lay_piece *cp) {
    const doc_table *dt = tb->dt;
    const doc_row *row = &dt->rows[r];
    const char *style = row->head ? dt->head_style : row->span ? dt->span_style : dt->cell_style;
    int align = row->head || row->span ? -1 : align_of(dt->cols[c].align);
    const char *texts[1] = {row->cells[c]};
    return lay_piece_build_in(j, cp, style, texts, NULL, 1, 1, 0, align);
}

/* Row r's cells shaped and broken at their measures; sets nl[r], lead[r]. */
static int row_build(lay_job *j, lay_table *tb, size_t r, lay_piece *cells) {
    const tpl_template *t = j->t;
    size_t ncell = tb->dt->rows[r].span ? 1 : tb->n_cols;
    int rc = 0;
    tb->nl[r] = 1;
    for (size_t c = 0; rc == 0 && c < ncell; c++) {
        lay_piece *cp = &cells[c];
        rc = cell_shape(j, tb, r, c, cp);
        if (rc) break;
        double off, m;
        cell_box(tb, r, c, cp->size * (t->char_pitch / t->body_size), &off, &m);
        rc = cell_break(j, cp, m);
        if (cp->n_lines > tb->nl[r]) tb->nl[r] = cp->n_lines;
        if (c == 0) tb->lead[r] = cp->lead * t->line_pitch;
    }
    return rc;
}

/* The cells of row r, shaped and broken when pagination first asks for
 * them (the header's at the start); a row further back is forgotten.
 * NULL when shaping failed (e says why). */
static lay_piece *row_cells(lay_job *j, lay_table *tb, size_t r) {
    if (r < tb->n_head) return tb->head + r * tb->n_cols;
    size_t s = r % LAY_TB_RING;
    lay_piece *cells = tb->ring + s * tb->n_cols;
    if (tb->ring_row[s] == r) return cells;
    if (tb->ring_row[s] != SIZE_MAX) cells_free(cells, tb->n_cols);
    memset(cells, 0, tb->n_cols * sizeof *cells);
    tb->ring_row[s] = r;
    return row_build(j, tb, r, cells) < 0 ? NULL : cells;
}

/* The width a column needs for its longest cell: whole half grid columns. */
static double col_need(const lay_job *j, const doc_table *dt, double natural) {
    double half = j->t->char_pitch / 2;
    return ceil((natural + 2 * dt->pad_x) / half - 1e-6) * half;
}

/* The natural width of each column's longest cell, where a fill column
 * can take what the others do not need (each cell shaped and forgotten:
 * pagination shapes it again when it reaches the row).  A column is
 * measured only until a cell shows it cannot narrow, and a cell with the
 * text of the one above it is not measured again: the widths that decide
 * the fit are the same. */
static int natural_widths(lay_job *j, const lay_table *tb, size_t fill, double *natural) {
    const doc_table *dt = tb->dt;
    int rc = 0;
    size_t open = 0;
    unsigned char *narrow = xcalloc(dt->n_cols + 1, 1);
    const char **prev = xcalloc(dt->n_cols + 1, sizeof *prev);
    int *prev_head = xcalloc(dt->n_cols + 1, sizeof *prev_head);
    for (size_t c = 0; fill < dt->n_cols && c < dt->n_cols; c++)
        if (c != fill) narrow[c] = 1, open++;
    lay_scratch_begin(j);
    for (size_t r = 0; rc == 0 && open && r < dt->n_rows; r++) {
        const doc_row *row = &dt->rows[r];
        if (row->span) continue;
        for (size_t c = 0; rc == 0 && c < dt->n_cols; c++) {
            if (!narrow[c] || (prev[c] && prev_head[c] == row->head && !strcmp(prev[c], row->cells[c]))) continue;
            prev[c] = row->cells[c];
            prev_head[c] = row->head;
            lay_piece cp;
            rc = cell_shape(j, tb, r, c, &cp);
            if (rc == 0 && cp.n_lines && cp.lines[0].width > natural[c]) natural[c] = cp.lines[0].width;
            lay_para_free(&cp.p);
            lay_scratch_tick(j);
            if (col_need(j, dt, natural[c]) >= dt->cols[c].width * j->t->char_pitch - LAY_EPS) narrow[c] = 0, open--;
        }
    }
    lay_scratch_end(j);
    free(narrow);
    free(prev);
    free(prev_head);
    return rc;
}

/* The longest run of word characters in s (lay_word_cp), in bytes:
 * they are ASCII. */
static size_t word_run(const char *s) {
    size_t best = 0, cur = 0;
    for (; *s; s++) {
        cur = lay_word_cp((unsigned char)*s) ? cur + 1 : 0;
        if (cur > best) best = cur;
    }
    return best;
}

/* The fill column keeps at least this many body characters when another
 * column is widened. */
#define LAY_FILL_MIN 6

/* Widen a column where a cell holds a number or a code wider than the
 * column's measure (序号 10000 in a column made for four digits) rather
 * than break inside it; a date or a phrase still breaks between its
 * characters as before.  The room comes from the fill column, down to
 * LAY_FILL_MIN characters, or the table grows up to the block's width.
 * Cells are read as text, and one is shaped only when its longest word is
 * longer than any measured before in its column (numbers of equal length
 * are equally wide), so a long table costs a few shapings. */
static int widen_for_words(lay_job *j, lay_table *tb, size_t fill, double *w) {
    const doc_table *dt = tb->dt;
    const tpl_template *t = j->t;
    size_t *seen = xcalloc(dt->n_cols + 1, sizeof *seen);
    /* the columns the fit narrowed to their longest cell need nothing more */
    unsigned char *narrowed = xcalloc(dt->n_cols + 1, 1);
    memcpy(narrowed, tb->snug, dt->n_cols);
    int rc = 0;
    lay_scratch_begin(j);
    for (size_t r = 0; rc == 0 && r < dt->n_rows; r++) {
        const doc_row *row = &dt->rows[r];
        if (row->span) continue;
        for (size_t c = 0; rc == 0 && c < dt->n_cols; c++) {
            size_t g;
            if (c == fill || narrowed[c] || (g = word_run(row->cells[c])) <= seen[c]) continue;
            seen[c] = g;
            lay_piece cp;
            rc = cell_shape(j, tb, r, c, &cp);
            double more = rc == 0 ? col_need(j, dt, lay_widest_word(&cp.p)) - w[c] : 0;
            lay_para_free(&cp.p);
            lay_scratch_tick(j);
            if (more <= LAY_EPS) continue;
            double room = t->block_w;
            if (fill < dt->n_cols) room = w[fill] - LAY_FILL_MIN * t->char_pitch;
            else
                for (size_t k = 0; k < dt->n_cols; k++) room -= w[k];
            if (room < more) more = room;
            if (more <= LAY_EPS) continue;
            if (fill < dt->n_cols) w[fill] -= more;
            w[c] += more;
            tb->snug[c] = 1;        /* the measure is the column's, not whole characters */
        }
    }
    lay_scratch_end(j);
    free(seen);
    free(narrowed);
    return rc;
}

/* Phase 1 for a table: fit the columns, shape the header and the first
 * row (what the table needs to start on a page). */
int lay_table_build(lay_job *j, const doc_table *dt, lay_piece *pc) {
    const tpl_template *t = j->t;
    lay_table *tb = xcalloc(1, sizeof *tb);
    pc->tb = tb;
    tb->dt = dt;
    tb->n_rows = dt->n_rows;
    tb->n_cols = dt->n_cols;
    while (tb->n_head < dt->n_rows && dt->rows[tb->n_head].head) tb->n_head++;
    tb->head = xcalloc(tb->n_head * dt->n_cols + 1, sizeof *tb->head);
    tb->ring = xcalloc(LAY_TB_RING * dt->n_cols + 1, sizeof *tb->ring);
    for (size_t s = 0; s < LAY_TB_RING; s++) tb->ring_row[s] = SIZE_MAX;
    tb->col_x = xcalloc(dt->n_cols + 1, sizeof *tb->col_x);
    tb->snug = xcalloc(dt->n_cols + 1, sizeof *tb->snug);
    tb->lead = xcalloc(dt->n_rows + 1, sizeof *tb->lead);
    tb->nl = xcalloc(dt->n_rows + 1, sizeof *tb->nl);
    double *natural = xcalloc(dt->n_cols + 1, sizeof *natural), *w = xcalloc(dt->n_cols + 1, sizeof *w);
    size_t fill = dt->n_cols;
    for (size_t c = 0; c < dt->n_cols; c++)
        if (dt->cols[c].fill && fill == dt->n_cols) fill = c;
    int rc = natural_widths(j, tb, fill, natural);
    /* Fit: a column whose longest cell is shorter than its width gives the
     * difference (rounded to half a grid column) to the fill column. */
    double slack = 0;
    for (size_t c = 0; c < dt->n_cols; c++) w[c] = dt->cols[c].width * t->char_pitch;
    for (size_t c = 0; fill < dt->n_cols && c < dt->n_cols; c++) {
        if (c == fill) continue;
        double need = col_need(j, dt, natural[c]);
        if (need < w[c] - LAY_EPS) {
            slack += w[c] - need;
            w[c] = need;
            tb->snug[c] = 1;
        }
    }
    if (fill < dt->n_cols) w[fill] += slack;
    if (rc == 0) rc = widen_for_words(j, tb, fill, w);
    for (size_t c = 0; c < dt->n_cols; c++) tb->col_x[c + 1] = tb->col_x[c] + w[c];
    tb->width = tb->col_x[dt->n_cols];
    /* columns narrower than the block (no fill column): the table is centred */
    tb->x0 = t->left + (t->block_w - tb->width) / 2;
    free(natural);
    free(w);
    for (size_t r = 0; rc == 0 && r < tb->n_head; r++) rc = row_build(j, tb, r, tb->head + r * dt->n_cols);
    if (rc == 0 && tb->n_head < tb->n_rows && !row_cells(j, tb, tb->n_head)) rc = -1;
    if (rc) return rc;
    /* what a table needs to start on a page: its header and first row */
    double need = 0;
    for (size_t r = 0; r < dt->n_rows && r <= tb->n_head; r++) need += tb->nl[r] * tb->lead[r] + 2 * dt->pad_y;
    pc->lead = ceil(need / t->line_pitch - LAY_EPS);
    return 0;
}

static double row_height(const lay_table *tb, size_t r, size_t l0, size_t l1) {
    return (double)(l1 - l0) * tb->lead[r] + 2 * tb->dt->pad_y;
}

/* Draw lines l0..l1-1 of row r with its top edge at y.  top_rule: the row
 * opens the table on this page.  whole: all of the row's lines are here, so
 * shorter cells are centred vertically (a split row is top-aligned). */
static int table_row(lay_job *j, lay_page *pg, lay_table *tb, size_t r, size_t l0, size_t l1, double y, int top_rule) {
    const tpl_template *t = j->t;
    const doc_table *dt = tb->dt;
    const doc_row *row = &dt->rows[r];
    double h = row_height(tb, r, l0, l1), lead = tb->lead[r], x0 = tb->x0, w = dt->rule_weight;
    int whole = l0 == 0 && l1 == tb->nl[r];
    lay_piece *cells = row_cells(j, tb, r);
    if (!cells) return -1;
    if (row->head && dt->has_head_fill) lay_add_rect(j, pg, x0, y, tb->width, h, dt->head_fill);
    size_t ncell = row->span ? 1 : tb->n_cols;
    for (size_t c = 0; c < ncell; c++) {
        lay_piece *cp = &cells[c];
        double box, m;
        cell_box(tb, r, c, cp->size * (t->char_pitch / t->body_size), &box, &m);
        double cx = x0 + tb->col_x[c] + box;
        double off = whole ? (double)(tb->nl[r] - cp->n_lines) * lead / 2 : 0;
        for (size_t l = l0; l < l1 && l < cp->n_lines; l++) {
            double em_top = y + dt->pad_y + off + (double)(l - l0) * lead + (lead - cp->size) / 2;
            if (lay_emit_line(j, &cp->p, &cp->lines[l], cx + lay_line_x(cp, &cp->lines[l], l, t),
                          lay_baseline(em_top, cp->size), pg) < 0)
                return -1;
        }
    }
    if (w <= 0) return 0;
    /* horizontals reach over the verticals' half-width so corners close */
    if (top_rule) lay_add_line(j, pg, x0 - w / 2, y, x0 + tb->width + w / 2, y, w, dt->rule_rgb);
    lay_add_line(j, pg, x0 - w / 2, y + h, x0 + tb->width + w / 2, y + h, w, dt->rule_rgb);
    for (size_t c = 0; c <= tb->n_cols; c++) {
        if (row->span && c != 0 && c != tb->n_cols) continue;
        lay_add_line(j, pg, x0 + tb->col_x[c], y, x0 + tb->col_x[c], y + h, w, dt->rule_rgb);
    }
    return 0;
}

static int table_head(lay_job *j, lay_page *pg, lay_table *tb, double *y) {
    for (size_t r = 0; r < tb->n_head; r++) {
        if (table_row(j, pg, tb, r, 0, tb->nl[r], *y, r == 0) < 0) return -1;
        *y += row_height(tb, r, 0, tb->nl[r]);
    }
    return 0;
}

/* Phase 2 for a table: place it from grid lay_line *line_no of *pgp; on return
 * *line_no is the first whole grid line below it. */
int lay_table_place(lay_job *j, lay_table *tb, lay_page **pgp, double *line_no) {
    const tpl_template *t = j->t;
    const double top = t->top, bottom = t->top + t->block_h;
    double y = top + *line_no * t->line_pitch;
    double head_h = 0;
    for (size_t r = 0; r < tb->n_head; r++) head_h += row_height(tb, r, 0, tb->nl[r]);
    size_t r = tb->n_head, from = 0;        /* next row, and its first line not yet placed */
    int need_head = 1;
    do {
        /* the row to place and the next one, shaped; stop when the pages'
         * reader has (streamed layout) */
        if (j->fn_rc || (r < tb->n_rows && !row_cells(j, tb, r)) ||
            (r + 1 < tb->n_rows && !row_cells(j, tb, r + 1)))
            return -1;
        if (need_head) {
            /* a header alone at the foot of a page is no use: it needs the
             * first line of a row under it */
            double first = r < tb->n_rows ? row_height(tb, r, 0, 1) : 0;
            if (y + head_h + first > bottom + LAY_EPS && y > top + LAY_EPS) {
                (*pgp)->body_lines = (int)ceil((y - top) / t->line_pitch - LAY_EPS);
                *pgp = lay_new_page(j);
                y = top;
            }
            if (table_head(j, *pgp, tb, &y) < 0) return -1;
            need_head = 0;
        }
        if (r >= tb->n_rows) break;
        double h = row_height(tb, r, from, tb->nl[r]), need = h;
        /* a group heading stays with the row under it */
        if (tb->dt->rows[r].span && r + 1 < tb->n_rows) need += row_height(tb, r + 1, 0, tb->nl[r + 1]);
        if (y + need <= bottom + LAY_EPS) {
            if (table_row(j, *pgp, tb, r, from, tb->nl[r], y, 0) < 0) return -1;
            y += h;
            r++;
            from = 0;
            continue;
        }
        int alone = y <= top + head_h + LAY_EPS;   /* nothing but the header on this page */
        double room = bottom - top - head_h;
        if (!alone && (need <= room + LAY_EPS || tb->dt->rows[r].span)) {
            /* the usual case: the whole row moves to the next page */
            (*pgp)->body_lines = t->lines;
            *pgp = lay_new_page(j);
            y = top;
            need_head = 1;
            continue;
        }
        if (y + h <= bottom + LAY_EPS) {
            /* it fits, but what it is kept with does not: give up the keep */
            if (table_row(j, *pgp, tb, r, from, tb->nl[r], y, 0) < 0) return -1;
            y += h;
            r++;
            from = 0;
            continue;
        }
        /* taller than a page: split between lines */
        double fit = (bottom - y - 2 * tb->dt->pad_y) / tb->lead[r];
        size_t k = fit > 0 ? (size_t)floor(fit + LAY_EPS) : 0;
        if (k == 0 && alone) k = 1;           /* never loop on a page too small for one line */
        if (k > 0) {
            if (from + k > tb->nl[r]) k = tb->nl[r] - from;
            if (table_row(j, *pgp, tb, r, from, from + k, y, 0) < 0) return -1;
            from += k;
            if (from >= tb->nl[r]) {
                y += row_height(tb, r, from - k, from);
                r++;
                from = 0;
                continue;
            }
        }
        (*pgp)->body_lines = t->lines;
        *pgp = lay_new_page(j);
        y = top;
        need_head = 1;
    } while (r < tb->n_rows);
    *line_no = ceil((y - top) / t->line_pitch - LAY_EPS);
    return 0;
}

/* ---- figures ------------------------------------------------------------ */

/* Where a point of a figure lands when the figure gives up `d` pt of its
 * flexible band (the chart's plot): above the band nothing moves, inside
 * it distances shrink in proportion, below it everything moves up by d. */
static double fig_y(const doc_figure *f, double y, double d) {
    if (d <= 0 || y <= f->flex_top) return y;
    if (y >= f->flex_bottom) return y - d;
    return f->flex_top + (y - f->flex_top) * (1 - d / (f->flex_bottom - f->flex_top));
}

/* One text item of a figure, at the figure's origin (ox, oy); its middle
 * follows the band. */
static int figure_text(lay_job *j, lay_page *pg, const doc_figure *f, const doc_fig_item *it, double ox, double oy,
                       double d) {
    lay_piece pc;
    const char *texts[1] = {it->text};
    int align = it->align == DOC_ALIGN_CENTER ? TPL_CENTER : it->align == DOC_ALIGN_RIGHT ? TPL_RIGHT : TPL_LEFT;
    int rc = lay_piece_build_in(j, &pc, it->style ? it->style : "chart", texts, NULL, 1, it->x2 <= 0, it->x2, align);
    if (rc == 0 && it->use_rgb)
        for (size_t k = 0; k < pc.p.n_runs; k++) memcpy(pc.p.runs[k].st.rgb, it->rgb, sizeof it->rgb);
    double y = fig_y(f, it->y + pc.size / 2, d) - pc.size / 2;
    /* labels are set solid-ish: 1.2 × their size per line, not on the grid */
    for (size_t l = 0; rc == 0 && l < pc.n_lines; l++) {
        double w = pc.lines[l].width;
        double x = ox + it->x - (align == TPL_CENTER ? w / 2 : align == TPL_RIGHT ? w : 0);
        rc = lay_emit_line(j, &pc.p, &pc.lines[l], x, lay_baseline(oy + y + (double)l * 1.2 * pc.size, pc.size), pg);
    }
    lay_para_free(&pc.p);
    return rc;
}

/* A figure takes whole grid lines, so the text after it stays on the grid.
 * Where it does not fit with the `reserve` lines that must follow it on
 * its page (the 署名 group, the 版记), a figure with a flexible band
 * shrinks to the room left, down to its min_height, so the page fills;
 * otherwise it moves to the next page. */
int lay_figure_place(lay_job *j, const doc_figure *f, lay_page **pgp, double *line_no, double page_top,
                     double reserve, double *slack) {
    const tpl_template *t = j->t;
    double nl = ceil(f->height / t->line_pitch - LAY_EPS), d = 0;
    double want = floor(t->lines - *line_no - reserve + LAY_EPS);
    double min_nl = ceil(f->min_height / t->line_pitch - LAY_EPS);
    int flex = f->flex_bottom > f->flex_top && f->min_height > 0;
    if (nl > want && flex && want >= min_nl && want >= 1) {
        d = f->height - want * t->line_pitch;
        if (d < 0) d = 0;
        nl = want;
    } else if (*line_no + nl > t->lines + LAY_EPS && *line_no > page_top + LAY_EPS) {
        (*pgp)->body_lines = (int)ceil(*line_no);
        *pgp = lay_new_page(j);
        *line_no = 0;
    }
    double ox = t->left, oy = t->top + *line_no * t->line_pitch;
    for (size_t i = 0; i < f->n_items; i++) {
        const doc_fig_item *it = &f->items[i];
        int rc = 0;
        if (it->kind == DOC_FIG_RECT) {
            double y0 = fig_y(f, it->y, d), y1 = fig_y(f, it->y + it->y2, d);
            lay_add_rect(j, *pgp, ox + it->x, oy + y0, it->x2, y1 - y0, it->rgb);
        } else if (it->kind == DOC_FIG_RULE)
            lay_add_line(j, *pgp, ox + it->x, oy + fig_y(f, it->y, d), ox + it->x2, oy + fig_y(f, it->y2, d),
                         it->weight, it->rgb);
        else rc = figure_text(j, *pgp, f, it, ox, oy, d);
        if (rc < 0) return -1;
    }
    *line_no += nl;
    *slack = flex && nl > min_nl ? nl - min_nl : 0;
    return 0;
}
