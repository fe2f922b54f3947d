/* docx.c — the .docx writer (see docx.h): the document body (版头, the
 * composed blocks, the appendix table, chart pictures, 版记/报尾, the
 * section with its page, margins and grid) and the zip around all parts.
 * Styles, settings, footers and the other parts are docx_parts.c's.
 *
 * Placement.  The PDF puts the 版头 items at the template's distances below
 * the block top; here they are paragraphs whose space before puts each
 * line's em box there (line height 1.2 × size, text centred in it), a head
 * rule is an empty 1 pt paragraph with a top border, and the last head
 * paragraph's space after brings the first block to the grid line where
 * the PDF starts it (<head lines>).  Text lines are exactly one grid line
 * (× the style's line-pitch) apart, as in the PDF.  The 版记 is a table at
 * the end of the document (the clerk moves it to the foot of the last page
 * when the draft is final): one row per line, the template's rules as row
 * borders, a left/right pair split by a right tab. */
#include "docx_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* ---- text ------------------------------------------------------------------ */

/* {field} patterns (as layout reads them): NULL when a field is missing or
 * empty, and then the item is left out. */
static const char *subst(dx_ctx *c, const char *pat) {
    if (!pat) return NULL;
    buf b;
    buf_init(&b);
    for (const char *s = pat; *s;) {
        const char *o = strchr(s, '{'), *cb = o ? strchr(o, '}') : NULL;
        if (!o || !cb) {
            buf_puts(&b, s);
            break;
        }
        buf_add(&b, s, (size_t)(o - s));
        char name[64];
        size_t nl = (size_t)(cb - o - 1);
        if (nl >= sizeof name) nl = sizeof name - 1;
        memcpy(name, o + 1, nl);
        name[nl] = 0;
        const char *v = doc_field_get(c->d, name);
        if (!v || !*v) {
            buf_free(&b);
            return NULL;
        }
        buf_puts(&b, v);
        s = cb + 1;
    }
    const char *r = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return r;
}

/* A run: text split at tabs and line feeds; rstyle a character style id. */
static void run(dx_xml *x, const char *text, const char *rstyle) {
    dx_start(x, "w:r");
    if (rstyle) {
        dx_start(x, "w:rPr");
        dx_leaf(x, "w:rStyle", "w:val", rstyle);
        dx_end(x);
    }
    const char *s = text;
    while (*s) {
        size_t n = strcspn(s, "\t\n");
        if (n) {
            char *seg = xstrndup(s, n);
            if (!seg) {
                x->bad = 1;
                break;
            }
            dx_start(x, "w:t");
            if (strchr(seg, ' ')) dx_attr(x, "xml:space", "preserve");
            dx_text(x, seg);
            dx_end(x);
            free(seg);
        }
        s += n;
        if (*s == '\t') dx_leaf(x, "w:tab", NULL, NULL);
        else if (*s == '\n') dx_leaf(x, "w:br", NULL, NULL);
        if (*s) s++;
    }
    dx_end(x);
}

/* w:ind with twips and Word's hundredths of a body character side by side
 * (Word reads the characters, LibreOffice the twips) */
static void ind(dx_ctx *c, dx_xml *x, double left_pt, double right_pt, double first_pt) {
    double cp = c->char_pitch;
    dx_start(x, "w:ind");
    dx_attrl(x, "w:left", dx_tw(left_pt));
    dx_attrl(x, "w:leftChars", lround(left_pt / cp * 100));
    dx_attrl(x, "w:right", dx_tw(right_pt));
    dx_attrl(x, "w:rightChars", lround(right_pt / cp * 100));
    if (first_pt < 0) {
        dx_attrl(x, "w:hanging", dx_tw(-first_pt));
        dx_attrl(x, "w:hangingChars", lround(-first_pt / cp * 100));
    } else {
        dx_attrl(x, "w:firstLine", dx_tw(first_pt));
        dx_attrl(x, "w:firstLineChars", lround(first_pt / cp * 100));
    }
    dx_end(x);
}

static void pstyle(dx_xml *x, const char *id) {
    if (id) dx_leaf(x, "w:pStyle", "w:val", id);
}

/* ---- 版头 ---------------------------------------------------------------- */

/* The size a fit="yes" style takes so the text holds on one line */
static double fit_size(dx_ctx *c, const tpl_style *st, const char *text) {
    double avail = c->text_w / 20.0 - (st->left_indent + st->right_indent) * c->char_pitch;
    double ems = dx_ems(text);
    if (!st->fit || ems <= 0 || ems * st->size <= avail) return st->size;
    return floor(avail / ems * 2) / 2;
}

/* Sizes of fitted lines and the styles of left/right pairs, before the
 * styles are written. */
static int plan_items(dx_ctx *c, const tpl_item *items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const tpl_item *it = &items[i];
        if (it->kind != TPL_ITEM_TEXT) continue;
        const char *style = it->style ? it->style : "body";
        if (!it->text) {
            dx_mark_tab(c, style);
            continue;
        }
        tpl_style st;
        tpl_resolve(c->t, style, NULL, &st);
        const char *s = st.fit ? subst(c, it->text) : NULL;
        if (s && fit_size(c, &st, s) < st.size) dx_set_fit(c, style, fit_size(c, &st, s));
    }
    return 0;
}

/* one 版头 or 版记 text item: its text or its left/right pair; 0 = absent */
static int item_text(dx_ctx *c, const tpl_item *it, const char **a, const char **b) {
    *a = *b = NULL;
    if (it->text) return (*a = subst(c, it->text)) != NULL;
    *a = subst(c, it->left);
    *b = subst(c, it->right);
    return *a || *b;
}

static void item_runs(dx_xml *x, const char *a, const char *b, int pair) {
    if (a) run(x, a, NULL);
    if (pair) {
        dx_start(x, "w:r");
        dx_leaf(x, "w:tab", NULL, NULL);
        dx_end(x);
        if (b) run(x, b, NULL);
    }
}

typedef struct {
    double before, after, line;     /* pt */
} head_pos;

static int head(dx_ctx *c, dx_xml *x) {
    const tpl_template *t = c->t;
    if (!t->n_head) return 0;
    head_pos *pos = arena_alloc(c->a, t->n_head * sizeof *pos);
    double y = 0, pitch = c->pitch / 20.0;
    size_t last = t->n_head;
    for (size_t i = 0; i < t->n_head; i++) {
        const tpl_item *it = &t->head[i];
        const char *a, *b;
        if (it->kind == TPL_ITEM_RULE) {
            double top = it->top >= 0 ? it->top : y;
            pos[i].before = top > y ? top - y : 0;
            pos[i].line = 1;
            y += pos[i].before + 1;
        } else {
            if (!item_text(c, it, &a, &b)) {
                pos[i].line = -1;
                continue;
            }
            const char *id = dx_para_style(c, it->style);
            const dx_style *ds = dx_style_by_id(c, id ? id : "Normal");
            tpl_style st;
            tpl_resolve(t, it->style ? it->style : "body", NULL, &st);
            double sz = ds && ds->fit > 0 ? ds->fit : st.size;
            pos[i].line = 1.2 * sz;
            double top = (it->top >= 0 ? it->top : y) - 0.1 * sz;
            pos[i].before = top > y ? top - y : 0;
            y += pos[i].before + pos[i].line;
        }
        last = i;
    }
    if (last < t->n_head && t->head_lines * pitch > y) pos[last].after = t->head_lines * pitch - y;
    for (size_t i = 0; i < t->n_head; i++) {
        const tpl_item *it = &t->head[i];
        if (pos[i].line < 0) continue;
        const char *a = NULL, *b = NULL;
        if (it->kind == TPL_ITEM_TEXT) item_text(c, it, &a, &b);
        dx_start(x, "w:p");
        dx_start(x, "w:pPr");
        pstyle(x, it->kind == TPL_ITEM_RULE ? "tbx-rule" : dx_para_style(c, it->style));
        if (it->kind == TPL_ITEM_RULE) {
            char hex[8];
            snprintf(hex, sizeof hex, "%02X%02X%02X", (int)lround(it->rgb[0] * 255), (int)lround(it->rgb[1] * 255),
                     (int)lround(it->rgb[2] * 255));
            dx_start(x, "w:pBdr");
            dx_start(x, "w:top");
            dx_attr(x, "w:val", "single");
            dx_attrl(x, "w:sz", lround(it->weight * 8) < 2 ? 2 : lround(it->weight * 8) > 96 ? 96 : lround(it->weight * 8));
            dx_attr(x, "w:space", "0");
            dx_attr(x, "w:color", hex);
            dx_end(x);
            dx_end(x);
        } else dx_leaf(x, "w:snapToGrid", "w:val", "0");
        dx_start(x, "w:spacing");
        dx_attrl(x, "w:before", dx_tw(pos[i].before));
        dx_attrl(x, "w:after", dx_tw(pos[i].after));
        dx_attrl(x, "w:line", dx_tw(pos[i].line));
        dx_attr(x, "w:lineRule", "exact");
        dx_end(x);
        dx_end(x);
        if (it->kind == TPL_ITEM_TEXT) item_runs(x, a, b, !it->text);
        dx_end(x);
    }
    return x->bad ? -1 : 0;
}

/* ---- paragraphs ------------------------------------------------------------ */

/* 署名 centred over the 成文日期 below it (align="center-over-next"): right
 * aligned, with the right indent that puts its middle over the next line's */
static double over_next_indent(dx_ctx *c, const doc_block *b, const doc_block *next) {
    const tpl_template *t = c->t;
    if (!next || next->kind != DOC_PARA) return 0;
    tpl_style st, ns;
    tpl_resolve(t, b->style, NULL, &st);
    tpl_resolve(t, next->style, NULL, &ns);
    double wm = 0, wn = 0, mid;
    for (size_t r = 0; r < b->n_runs; r++) wm += dx_ems(b->runs[r].text) * st.size / t->body_size;
    for (size_t r = 0; r < next->n_runs; r++) wn += dx_ems(next->runs[r].text) * ns.size / t->body_size;
    if (ns.align == TPL_RIGHT) mid = t->chars - ns.right_indent - wn / 2;
    else if (ns.align == TPL_CENTER) mid = (t->chars + ns.left_indent - ns.right_indent) / 2.0;
    else mid = ns.left_indent + ns.indent * ns.size / t->body_size + wn / 2;
    double r = t->chars - mid - wm / 2;
    return r > 0 ? r : 0;
}

static int paragraph(dx_ctx *c, dx_xml *x, const doc_block *b, const doc_block *next) {
    if (!b->n_runs) return 0;   /* as in the PDF: an empty block takes no line */
    const char *id = dx_para_style(c, b->style);
    tpl_style st;
    tpl_resolve(c->t, b->style, NULL, &st);
    dx_start(x, "w:p");
    int ppr = id || (b->keep_with_next && !st.keep_with_next) || b->page_break || st.align == TPL_CENTER_OVER_NEXT;
    if (ppr) {
        dx_start(x, "w:pPr");
        pstyle(x, id);
        if (b->keep_with_next && !st.keep_with_next) dx_leaf(x, "w:keepNext", NULL, NULL);
        if (b->page_break) dx_leaf(x, "w:pageBreakBefore", NULL, NULL);
        if (st.align == TPL_CENTER_OVER_NEXT)
            ind(c, x, 0, over_next_indent(c, b, next) * c->char_pitch, 0);
        dx_end(x);
    }
    for (size_t r = 0; r < b->n_runs; r++)
        run(x, b->runs[r].text, b->runs[r].style ? dx_char_style(c, b->runs[r].style) : NULL);
    dx_end(x);
    return x->bad ? -1 : 0;
}

/* ---- the appendix table ------------------------------------------------------ */

static void cell_width(dx_xml *x, long w) {
    dx_start(x, "w:tcW");
    dx_attrl(x, "w:w", w);
    dx_attr(x, "w:type", "dxa");
    dx_end(x);
}

static const char *jc_of_col(doc_align a) {
    switch (a) {
    case DOC_ALIGN_LEFT: return "left";
    case DOC_ALIGN_CENTER: return "center";
    case DOC_ALIGN_RIGHT: return "right";
    case DOC_ALIGN_JUSTIFY: return "both";
    default: return NULL;
    }
}

/* Where a line of a cell changes between Chinese and digits or Latin
 * letters, LibreOffice adds about a quarter em (it does not read
 * autoSpaceDE): the most such changes in a cell, at most four. */
static int script_changes(const char *s) {
    int n = 0, prev = -1;
    for (size_t i = 0, len = strlen(s); i < len;) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        int wide = cp >= 0x2E80;
        if (prev >= 0 && wide != prev) n++;
        prev = wide;
        i += adv;
    }
    return n < 4 ? n : 4;
}

/* Column widths in twips: the template's, with a column whose cells are
 * all shorter than its width narrowed to its longest (to half a grid
 * column) and the fill column given the difference, as layout does; a
 * column with digits among Chinese gets a little room more from the fill
 * column, so 11月22日 still holds on one line where LibreOffice spaces it. */
static long *col_widths(dx_ctx *c, const doc_table *tb) {
    const tpl_template *t = c->t;
    long *tw = arena_alloc(c->a, tb->n_cols * sizeof *tw);
    double *w = arena_alloc(c->a, tb->n_cols * sizeof *w), *nat = arena_alloc(c->a, tb->n_cols * sizeof *nat);
    tpl_style hs, cs;
    tpl_resolve(t, tb->head_style, NULL, &hs);
    tpl_resolve(t, tb->cell_style, NULL, &cs);
    double *more = arena_alloc(c->a, tb->n_cols * sizeof *more);
    for (size_t r = 0; r < tb->n_rows; r++) {
        if (tb->rows[r].span) continue;
        double sz = tb->rows[r].head ? hs.size : cs.size;
        for (size_t k = 0; k < tb->n_cols; k++) {
            double e = dx_ems(tb->rows[r].cells[k]) * sz, m = script_changes(tb->rows[r].cells[k]) * sz / 4;
            if (e > nat[k]) nat[k] = e;
            if (m > more[k]) more[k] = m;
        }
    }
    size_t fill = tb->n_cols;
    double slack = 0, half = c->char_pitch / 2;
    for (size_t k = 0; k < tb->n_cols; k++) {
        w[k] = tb->cols[k].width * c->char_pitch;
        if (tb->cols[k].fill && fill == tb->n_cols) fill = k;
    }
    for (size_t k = 0; fill < tb->n_cols && k < tb->n_cols; k++) {
        double need = ceil((nat[k] + 2 * tb->pad_x) / half - 1e-6) * half;
        if (k != fill && need < w[k] - 1e-6) slack += w[k] - need, w[k] = need;
        else if (k != fill && w[fill] + slack > 4 * more[k]) w[k] += more[k], slack -= more[k];
    }
    if (fill < tb->n_cols) w[fill] += slack;
    long sum = 0;
    for (size_t k = 0; k < tb->n_cols; k++) sum += tw[k] = dx_tw(w[k]);
    /* rounding: the fill column makes the total the text width exactly */
    if (fill < tb->n_cols && labs(sum - c->text_w) < 20) tw[fill] += c->text_w - sum;
    return tw;
}

/* Can a row stay whole on a page?  (Word clips a row it may not split
 * that is taller than a page; a row that tall splits, as in the PDF.) */
static int row_fits(dx_ctx *c, const doc_table *tb, const doc_row *row, const long *tw, double size, double lead) {
    double lines = 1;
    for (size_t k = 0; k < (row->span ? 1 : tb->n_cols); k++) {
        double m = (row->span ? c->text_w : tw[k]) / 20.0 - 2 * tb->pad_x;
        double l = m > size ? ceil(dx_ems(row->cells[k]) * size / m) : 1;
        if (l > lines) lines = l;
    }
    return lines * lead + 2 * tb->pad_y < 0.9 * c->t->block_h;
}

static void cell_para(dx_ctx *c, dx_xml *x, const char *style, const char *jc, int keep, const char *text) {
    dx_start(x, "w:p");
    dx_start(x, "w:pPr");
    pstyle(x, dx_para_style(c, style));
    if (keep) dx_leaf(x, "w:keepNext", NULL, NULL);
    if (jc) dx_leaf(x, "w:jc", "w:val", jc);
    dx_end(x);
    if (*text) run(x, text, NULL);
    dx_end(x);
}

static int table(dx_ctx *c, dx_xml *x, const doc_table *tb) {
    long *tw = col_widths(c, tb);
    long total = 0;
    for (size_t k = 0; k < tb->n_cols; k++) total += tw[k];
    tpl_style cs;
    tpl_resolve(c->t, tb->cell_style, NULL, &cs);
    double lead = cs.line_pitch * c->pitch / 20.0;
    dx_start(x, "w:tbl");
    dx_start(x, "w:tblPr");
    dx_leaf(x, "w:tblStyle", "w:val", "TableGrid");
    dx_start(x, "w:tblW");
    dx_attrl(x, "w:w", total);
    dx_attr(x, "w:type", "dxa");
    dx_end(x);
    dx_leaf(x, "w:jc", "w:val", "center");
    dx_leaf(x, "w:tblLayout", "w:type", "fixed");
    dx_start(x, "w:tblCellMar");
    static const char *const mar[] = {"w:top", "w:left", "w:bottom", "w:right"};
    for (int k = 0; k < 4; k++) {
        dx_start(x, mar[k]);
        dx_attrl(x, "w:w", dx_tw(k % 2 ? tb->pad_x : tb->pad_y));
        dx_attr(x, "w:type", "dxa");
        dx_end(x);
    }
    dx_end(x);
    dx_end(x);
    dx_start(x, "w:tblGrid");
    for (size_t k = 0; k < tb->n_cols; k++) dx_leafl(x, "w:gridCol", "w:w", tw[k]);
    dx_end(x);
    char fill[8];
    snprintf(fill, sizeof fill, "%02X%02X%02X", (int)lround(tb->head_fill[0] * 255),
             (int)lround(tb->head_fill[1] * 255), (int)lround(tb->head_fill[2] * 255));
    for (size_t r = 0; r < tb->n_rows && !x->bad; r++) {
        const doc_row *row = &tb->rows[r];
        dx_start(x, "w:tr");
        dx_start(x, "w:trPr");
        if (row_fits(c, tb, row, tw, cs.size, lead)) dx_leaf(x, "w:cantSplit", NULL, NULL);
        /* the header row again at the top of every page */
        if (row->head) dx_leaf(x, "w:tblHeader", NULL, NULL);
        dx_end(x);
        size_t n = row->span ? 1 : tb->n_cols;
        for (size_t k = 0; k < n; k++) {
            dx_start(x, "w:tc");
            dx_start(x, "w:tcPr");
            cell_width(x, row->span ? total : tw[k]);
            if (row->span) dx_leafl(x, "w:gridSpan", "w:val", (long)tb->n_cols);
            if (row->head && tb->has_head_fill) {
                dx_start(x, "w:shd");
                dx_attr(x, "w:val", "clear");
                dx_attr(x, "w:color", "auto");
                dx_attr(x, "w:fill", fill);
                dx_end(x);
            }
            dx_leaf(x, "w:vAlign", "w:val", "center");
            dx_end(x);
            const char *style = row->head ? tb->head_style : row->span ? tb->span_style : tb->cell_style;
            /* a category row is never the last on a page */
            cell_para(c, x, style, row->head || row->span ? NULL : jc_of_col(tb->cols[k].align), row->span,
                      row->cells[k]);
            dx_end(x);
        }
        dx_end(x);
    }
    dx_end(x);
    return x->bad ? -1 : 0;
}

/* ---- figures ------------------------------------------------------------------ */

static int figure(dx_ctx *c, dx_xml *x, const doc_figure *f) {
    arena_grow(c->a, (void **)&c->images, &c->cap_images, c->n_images, sizeof *c->images);
    dx_image *im = &c->images[c->n_images];
    memset(im, 0, sizeof *im);
    buf_init(&im->png);
    c->n_images++;
    if (dx_figure_png(c, f, &im->png) < 0) return -1;
    im->w = c->t->block_w;
    im->h = f->height;
    for (size_t i = 0; i < f->n_items && !im->descr; i++)
        if (f->items[i].kind == DOC_FIG_TEXT) im->descr = f->items[i].text;   /* chart.c: the caption first */
    long cx = lround(im->w * 12700), cy = lround(im->h * 12700);
    char rid[32], name[32], id[16];
    snprintf(rid, sizeof rid, "rId%zu", 9 + c->n_images);
    snprintf(name, sizeof name, "图%zu", c->n_images);
    snprintf(id, sizeof id, "%zu", c->n_images);
    dx_start(x, "w:p");
    dx_start(x, "w:pPr");
    pstyle(x, "tbx-figure");
    dx_end(x);
    dx_start(x, "w:r");
    dx_start(x, "w:drawing");
    dx_start(x, "wp:inline");
    static const char *const dist[] = {"distT", "distB", "distL", "distR"};
    for (int k = 0; k < 4; k++) dx_attr(x, dist[k], "0");
    dx_start(x, "wp:extent");
    dx_attrl(x, "cx", cx);
    dx_attrl(x, "cy", cy);
    dx_end(x);
    dx_start(x, "wp:docPr");
    dx_attr(x, "id", id);
    dx_attr(x, "name", name);
    if (im->descr) dx_attr(x, "descr", im->descr);
    dx_end(x);
    dx_start(x, "wp:cNvGraphicFramePr");
    dx_start(x, "a:graphicFrameLocks");
    dx_attr(x, "xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main");
    dx_attr(x, "noChangeAspect", "1");
    dx_end(x);
    dx_end(x);
    dx_start(x, "a:graphic");
    dx_attr(x, "xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main");
    dx_start(x, "a:graphicData");
    dx_attr(x, "uri", "http://schemas.openxmlformats.org/drawingml/2006/picture");
    dx_start(x, "pic:pic");
    dx_attr(x, "xmlns:pic", "http://schemas.openxmlformats.org/drawingml/2006/picture");
    dx_start(x, "pic:nvPicPr");
    dx_start(x, "pic:cNvPr");
    dx_attr(x, "id", "0");
    dx_attr(x, "name", name);
    dx_end(x);
    dx_leaf(x, "pic:cNvPicPr", NULL, NULL);
    dx_end(x);
    dx_start(x, "pic:blipFill");
    dx_leaf(x, "a:blip", "r:embed", rid);
    dx_start(x, "a:stretch");
    dx_leaf(x, "a:fillRect", NULL, NULL);
    dx_end(x);
    dx_end(x);
    dx_start(x, "pic:spPr");
    dx_start(x, "a:xfrm");
    dx_start(x, "a:off");
    dx_attr(x, "x", "0");
    dx_attr(x, "y", "0");
    dx_end(x);
    dx_start(x, "a:ext");
    dx_attrl(x, "cx", cx);
    dx_attrl(x, "cy", cy);
    dx_end(x);
    dx_end(x);
    dx_start(x, "a:prstGeom");
    dx_attr(x, "prst", "rect");
    dx_leaf(x, "a:avLst", NULL, NULL);
    dx_end(x);
    dx_end(x);
    dx_end(x);   /* pic:pic */
    dx_end(x);   /* a:graphicData */
    dx_end(x);   /* a:graphic */
    dx_end(x);   /* wp:inline */
    dx_end(x);   /* w:drawing */
    dx_end(x);   /* w:r */
    dx_end(x);   /* w:p */
    return x->bad ? -1 : 0;
}

/* ---- 版记 / 报尾 ---------------------------------------------------------------- */

static void border(dx_xml *x, const char *side, const tpl_item *rule) {
    dx_start(x, side);
    if (!rule) {
        dx_attr(x, "w:val", "nil");
        dx_end(x);
        return;
    }
    char hex[8];
    snprintf(hex, sizeof hex, "%02X%02X%02X", (int)lround(rule->rgb[0] * 255), (int)lround(rule->rgb[1] * 255),
             (int)lround(rule->rgb[2] * 255));
    long sz = lround(rule->weight * 8);
    dx_attr(x, "w:val", "single");
    dx_attrl(x, "w:sz", sz < 2 ? 2 : sz > 96 ? 96 : sz);
    dx_attr(x, "w:space", "0");
    dx_attr(x, "w:color", hex);
    dx_end(x);
}

/* A wrapped 抄送 line continues under the first character after its
 * full-width colon (GB/T 9704 7.4.2): a hanging indent that wide. */
static double hang_of(const char *s, double size, double avail) {
    const char *colon = strstr(s, "：");
    if (!colon) colon = strchr(s, ':');
    if (!colon) return 0;
    char *head = xstrndup(s, (size_t)(colon - s));
    if (!head) return 0;
    double h = (dx_ems(head) + (*colon == ':' ? 0.5 : 1)) * size;
    free(head);
    return h < avail / 2 ? h : 0;
}

static int tail(dx_ctx *c, dx_xml *x) {
    const tpl_template *t = c->t;
    /* the rows: each present text item, with the rules above and below */
    size_t n = 0;
    const tpl_item **rows = arena_alloc(c->a, (t->n_tail + 1) * sizeof *rows);
    const tpl_item **above = arena_alloc(c->a, (t->n_tail + 2) * sizeof *above);
    const tpl_item *pending = NULL;
    for (size_t i = 0; i < t->n_tail; i++) {
        const tpl_item *it = &t->tail[i];
        const char *a, *b;
        if (it->kind == TPL_ITEM_RULE) {
            if (!pending) pending = it;   /* an item left out: no double rule */
        } else if (item_text(c, it, &a, &b)) {
            above[n] = pending;
            rows[n++] = it;
            pending = NULL;
        }
    }
    above[n] = pending;   /* the closing rule */
    if (!n) return 0;
    dx_start(x, "w:tbl");
    dx_start(x, "w:tblPr");
    dx_start(x, "w:tblW");
    dx_attrl(x, "w:w", c->text_w);
    dx_attr(x, "w:type", "dxa");
    dx_end(x);
    dx_leaf(x, "w:jc", "w:val", "center");
    dx_leaf(x, "w:tblLayout", "w:type", "fixed");
    dx_start(x, "w:tblCellMar");
    static const char *const mar[] = {"w:top", "w:left", "w:bottom", "w:right"};
    for (int k = 0; k < 4; k++) {
        dx_start(x, mar[k]);
        dx_attr(x, "w:w", "0");
        dx_attr(x, "w:type", "dxa");
        dx_end(x);
    }
    dx_end(x);
    dx_end(x);
    dx_start(x, "w:tblGrid");
    dx_leafl(x, "w:gridCol", "w:w", c->text_w);
    dx_end(x);
    for (size_t r = 0; r < n && !x->bad; r++) {
        const tpl_item *it = rows[r];
        const char *a, *b;
        item_text(c, it, &a, &b);
        dx_start(x, "w:tr");
        dx_start(x, "w:trPr");
        dx_leaf(x, "w:cantSplit", NULL, NULL);
        dx_start(x, "w:trHeight");
        dx_attrl(x, "w:val", c->pitch);
        dx_attr(x, "w:hRule", "atLeast");
        dx_end(x);
        dx_end(x);
        dx_start(x, "w:tc");
        dx_start(x, "w:tcPr");
        cell_width(x, c->text_w);
        dx_start(x, "w:tcBorders");
        border(x, "w:top", above[r]);
        border(x, "w:left", NULL);
        border(x, "w:bottom", r + 1 == n ? above[n] : NULL);
        border(x, "w:right", NULL);
        dx_end(x);
        dx_leaf(x, "w:vAlign", "w:val", "center");
        dx_end(x);
        dx_start(x, "w:p");
        dx_start(x, "w:pPr");
        pstyle(x, dx_para_style(c, it->style));
        /* the 版记 stays together, on one page */
        if (r + 1 < n) dx_leaf(x, "w:keepNext", NULL, NULL);
        tpl_style st;
        tpl_resolve(t, it->style ? it->style : "body", NULL, &st);
        double l = st.left_indent * c->char_pitch, rr = st.right_indent * c->char_pitch;
        double h = it->text ? hang_of(a, st.size, c->text_w / 20.0 - l - rr) : 0;
        if (h > 0) ind(c, x, l + h, rr, -h);
        dx_end(x);
        item_runs(x, a, b, !it->text);
        dx_end(x);
        dx_end(x);
        dx_end(x);
    }
    dx_end(x);
    return x->bad ? -1 : 0;
}

/* ---- the document ---------------------------------------------------------- */

static void section(dx_ctx *c, dx_xml *x) {
    dx_start(x, "w:sectPr");
    if (dx_folio_outer(c)) {
        dx_start(x, "w:footerReference");
        dx_attr(x, "w:type", "even");
        dx_attr(x, "r:id", "rId5");
        dx_end(x);
    }
    dx_start(x, "w:footerReference");
    dx_attr(x, "w:type", "default");
    dx_attr(x, "r:id", "rId4");
    dx_end(x);
    dx_start(x, "w:pgSz");
    dx_attrl(x, "w:w", c->pg_w);
    dx_attrl(x, "w:h", c->pg_h);
    dx_end(x);
    dx_start(x, "w:pgMar");
    dx_attrl(x, "w:top", c->top);
    dx_attrl(x, "w:right", c->right);
    dx_attrl(x, "w:bottom", c->bottom);
    dx_attrl(x, "w:left", c->left);
    dx_attrl(x, "w:header", 851);
    dx_attrl(x, "w:footer", c->footer);
    dx_attr(x, "w:gutter", "0");
    dx_end(x);
    dx_leaf(x, "w:pgNumType", "w:fmt", "decimal");
    dx_leafl(x, "w:cols", "w:space", 425);
    /* 22 lines of 28 characters: the line pitch in twips, the character
     * pitch as Word writes it (4096ths of a point beside the body size) */
    dx_start(x, "w:docGrid");
    dx_attr(x, "w:type", "linesAndChars");
    dx_attrl(x, "w:linePitch", c->pitch);
    dx_attrl(x, "w:charSpace", c->char_space);
    dx_end(x);
    dx_end(x);
}

static int document(dx_ctx *c, dx_xml *x) {
    dx_start(x, "w:document");
    dx_attr(x, "xmlns:w", DX_NS_W);
    dx_attr(x, "xmlns:r", DX_NS_R);
    dx_attr(x, "xmlns:wp", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing");
    dx_start(x, "w:body");
    int rc = head(c, x);
    const doc_document *d = c->d;
    for (size_t i = 0; rc == 0 && i < d->n_blocks; i++) {
        const doc_block *b = &d->blocks[i];
        if (b->kind == DOC_TABLE) rc = table(c, x, b->table);
        else if (b->kind == DOC_FIGURE) rc = figure(c, x, b->figure);
        else rc = paragraph(c, x, b, i + 1 < d->n_blocks ? &d->blocks[i + 1] : NULL);
    }
    if (rc == 0) rc = tail(c, x);
    /* the document ends with a paragraph (Word and LibreOffice add one
     * after a closing table anyway): a 1 pt one, so the 版记 still fits */
    if (rc == 0) {
        dx_start(x, "w:p");
        dx_start(x, "w:pPr");
        pstyle(x, "tbx-rule");
        dx_end(x);
        dx_end(x);
        section(c, x);
    }
    dx_end(x);
    dx_end(x);
    if (rc < 0) return -1;
    return dx_close(x);
}

/* ---- the zip --------------------------------------------------------------------- */

typedef struct {
    const char *name;
    const void *data;
    size_t len;
    int stored;                 /* already compressed (PNG) */
} part;

/* Entries in the given order, each stamped with the bulletin's date at
 * 00:00 (DOS time, no time zone), so the same input gives the same bytes. */
static int zip_parts(dx_ctx *c, const part *p, size_t n, buf *out) {
    unsigned short dd = (0 << 9) | (1 << 5) | 1;   /* 1980-01-01 */
    const char *md = c->d->meta_date;
    int y, m, dy;
    if (md && sscanf(md, "%4d-%2d-%2d", &y, &m, &dy) == 3 && y >= 1980 && y < 2100 && m >= 1 && m <= 12 && dy >= 1 &&
        dy <= 31)
        dd = (unsigned short)(((y - 1980) << 9) | (m << 5) | dy);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!za) {
        if (src) zip_source_free(src);
        int rc = err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "cannot start the .docx zip: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    zip_source_keep(src);
    const char *bad = NULL;
    for (size_t i = 0; i < n && !bad; i++) {
        zip_source_t *s = zip_source_buffer(za, p[i].data, p[i].len, 0);
        zip_int64_t idx = s ? zip_file_add(za, p[i].name, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (s) zip_source_free(s);
            bad = p[i].name;
        } else if (zip_file_set_dostime(za, (zip_uint64_t)idx, 0, dd, 0) < 0 ||
                   zip_set_file_compression(za, (zip_uint64_t)idx, p[i].stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                            p[i].stored ? 0 : 6) < 0)
            bad = p[i].name;
    }
    if (bad) {
        err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "cannot add %s to the .docx: %s", bad, zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return -1;
    }
    if (zip_close(za) < 0) {
        err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "cannot write the .docx zip: %s", zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return -1;
    }
    /* the archive is in src's buffer: copy it out */
    int rc = -1;
    zip_int64_t len = -1;
    if (zip_source_open(src) == 0) {
        if (zip_source_seek(src, 0, SEEK_END) == 0 && (len = zip_source_tell(src)) >= 0 &&
            zip_source_seek(src, 0, SEEK_SET) == 0) {
            buf_reset(out);
            char chunk[16384];
            zip_int64_t got = 0, r;
            while (got < len && (r = zip_source_read(src, chunk, sizeof chunk)) > 0) {
                buf_add(out, chunk, (size_t)r);
                got += r;
            }
            rc = got == len ? 0 : -1;
        }
        zip_source_close(src);
    }
    zip_source_free(src);
    return rc < 0 ? err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "cannot read back the .docx zip") : 0;
}

int docx_needs_fonts(const doc_document *d) {
    for (size_t i = 0; i < d->n_blocks; i++)
        if (d->blocks[i].kind == DOC_FIGURE) return 1;
    return 0;
}

enum { P_TYPES, P_RELS, P_CORE, P_APP, P_DOC, P_DOC_RELS, P_STYLES, P_SETTINGS, P_FONTS, P_FOOT1, P_FOOT2, P_N };

static const char *const part_names[P_N] = {
    "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/document.xml",
    "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml", "word/fontTable.xml",
    "word/footer1.xml", "word/footer2.xml",
};

static int write_parts(dx_ctx *c, dx_xml *xs, buf *out) {
    /* document first: it draws the charts the relationships list */
    dx_plan_styles(c);
    if (plan_items(c, c->t->head, c->t->n_head) < 0 || plan_items(c, c->t->tail, c->t->n_tail) < 0)
        return -1;
    if (document(c, &xs[P_DOC]) < 0 || dx_part_styles(c, &xs[P_STYLES]) < 0 ||
        dx_part_settings(c, &xs[P_SETTINGS]) < 0 || dx_part_fonts(c, &xs[P_FONTS]) < 0 ||
        dx_part_footer(c, &xs[P_FOOT1], 0) < 0 || (dx_folio_outer(c) && dx_part_footer(c, &xs[P_FOOT2], 1) < 0) ||
        dx_part_core(c, &xs[P_CORE]) < 0 || dx_part_app(c, &xs[P_APP]) < 0 || dx_part_types(c, &xs[P_TYPES]) < 0 ||
        dx_part_rels(c, &xs[P_RELS]) < 0 || dx_part_doc_rels(c, &xs[P_DOC_RELS]) < 0) {
        if (!c->e->code) err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "cannot write the .docx XML (out of memory?)");
        return -1;
    }
    part *p = arena_alloc(c->a, (P_N + c->n_images) * sizeof *p);
    char **names = arena_alloc(c->a, (c->n_images + 1) * sizeof *names);
    size_t n = 0;
    for (int i = 0; i < P_N; i++) {
        if (i == P_FOOT2 && !dx_folio_outer(c)) continue;
        p[n++] = (part){part_names[i], xmlBufferContent(xs[i].b), (size_t)xmlBufferLength(xs[i].b), 0};
    }
    for (size_t i = 0; i < c->n_images; i++) {
        names[i] = arena_printf(c->a, "word/media/image%zu.png", i + 1);
        p[n++] = (part){names[i], c->images[i].png.data, c->images[i].png.len, 1};
    }
    return zip_parts(c, p, n, out);
}

int docx_write(const doc_document *d, const tpl_template *t, const char *generator, buf *out, err *e) {
    dx_ctx C = {0}, *c = &C;
    c->d = d;
    c->t = t;
    c->generator = generator;
    c->e = e;
    c->a = arena_new();
    if (t->lines < 1 || t->chars < 1) {
        arena_free(c->a);
        return err_set(e, TB_ETEMPLATE, t->path, 0, 0, "the page grid needs lines and chars above 0");
    }
    /* geometry: the template's page and block, in twips */
    c->pg_w = dx_tw(t->page_w);
    c->pg_h = dx_tw(t->page_h);
    c->top = dx_tw(t->top);
    c->left = dx_tw(t->left);
    c->right = dx_tw(t->page_w - t->left - t->block_w);
    c->bottom = dx_tw(t->page_h - t->top - t->block_h);
    c->text_w = c->pg_w - c->left - c->right;
    c->pitch = (c->pg_h - c->top - c->bottom) / t->lines;
    c->char_pitch = c->text_w / 20.0 / t->chars;
    /* rounded down: 28 pitches must not exceed the text width */
    c->char_space = (long)floor((c->char_pitch - t->body_size) * 4096);
    tpl_style fs;
    tpl_resolve(t, t->folio_style, NULL, &fs);
    double below = t->page_h - (t->top + t->block_h + t->folio_below + fs.size);
    c->footer = dx_tw(below > 0 ? below : 0);

    dx_xml xs[P_N];
    memset(xs, 0, sizeof xs);
    int rc = 0;
    for (int i = 0; i < P_N && rc == 0; i++)
        if (dx_open(&xs[i]) < 0) rc = dx_oom(c);
    if (rc == 0) rc = write_parts(c, xs, out);
    for (int i = 0; i < P_N; i++) dx_free(&xs[i]);
    for (size_t i = 0; i < c->n_images; i++) buf_free(&c->images[i].png);
    arena_free(c->a);
    return rc;
}
