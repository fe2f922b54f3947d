/* layout_furniture.c — the page furniture a template places by name: the
 * 版头 (first page), the 版记/报尾 (foot of the last page) and the page
 * numbers.  Text items are "{field}" patterns filled from the document's
 * fields; an item whose field is absent is left out (with its rule). */
#include "layout_int.h"

#include <stdio.h>
#include <string.h>

/* A horizontal rule (版头 red line, 版记 rules). */
static int add_rule(lay_job *j, lay_page *pg, double x0, double x1, double y, double weight, const double rgb[3]) {
    return lay_add_line(j, pg, x0, y, x1, y, weight, rgb);
}

/* A one-line template text item (head, tail, folio): either `text` or a
 * left/right pair.  top = top of its cell; *size (may be NULL) receives
 * the size the item was set in (a fitted 版头 mark shrinks). */
static int place_item(lay_job *j, lay_page *pg, const tpl_item *it, double top, double *size) {
    const tpl_template *t = j->t;
    const char *parts[2] = {it->text ? it->text : it->left, it->text ? NULL : it->right};
    for (int side = 0; side < 2; side++) {
        if (!parts[side]) continue;
        const char *s = lay_subst(j, parts[side]);
        if (!s) continue;
        lay_piece pc;
        const char *texts[1] = {s};
        if (lay_piece_build(j, &pc, it->style ? it->style : "body", texts, NULL, 1, 1) < 0) {
            lay_para_free(&pc.p);
            return -1;
        }
        if (size && pc.size > *size) *size = pc.size;
        if (pc.n_lines) {
            if (!it->text && side == 1) pc.st.align = TPL_RIGHT;
            if (!it->text && side == 0) pc.st.align = TPL_LEFT;
            double x = t->left + lay_line_x(&pc, &pc.lines[0], 0, t);
            double base = lay_baseline(top, pc.size);
            if (lay_emit_line(j, &pc.p, &pc.lines[0], x, base, pg) < 0) {
                lay_para_free(&pc.p);
                return -1;
            }
        }
        lay_para_free(&pc.p);
    }
    return 0;
}

/* Does a text item have everything it refers to? */
static int item_present(lay_job *j, const tpl_item *it) {
    if (it->kind != TPL_ITEM_TEXT) return 1;
    if (it->text) return lay_subst(j, it->text) != NULL;
    return (it->left && lay_subst(j, it->left)) || (it->right && lay_subst(j, it->right));
}

/* The 版头: items with top= sit there (from the block top), page-top= and
 * page-bottom= from the paper's edges (信函格式, GB/T 9704 10.1); the
 * others flow under the previous item present, after= below it, so a 版头
 * without its 发文字号 closes up and the red rule moves up (GB/T 9704 7.2).
 * A rule with length= is that long and centred on the paper (信函格式:
 * 170 mm), else it spans the block.  *bottom receives the lower edge of
 * the last item, from the block top (items placed from the paper's bottom
 * edge are not where the 版头 ends, and do not count). */
int lay_place_head(lay_job *j, lay_page *pg, double *bottom) {
    const tpl_template *t = j->t;
    double y = 0;   /* lower edge of the last item placed */
    for (size_t i = 0; i < t->n_head; i++) {
        const tpl_item *it = &t->head[i];
        if (it->kind == TPL_ITEM_TEXT && !item_present(j, it)) continue;
        double top = it->top >= 0 ? it->top : y + it->after + it->after_lines * t->line_pitch;
        if (it->page_top >= 0) top = it->page_top - t->top;
        int flows = it->page_bottom < 0;
        if (it->kind == TPL_ITEM_RULE) {
            /* a rule is stroked on its centre line: top= and page-top= place
             * the centre, after= its upper edge, page-bottom= its lower edge */
            double mid = !flows ? t->page_h - it->page_bottom - it->weight / 2 - t->top
                                : top + (it->top >= 0 || it->page_top >= 0 ? 0 : it->weight / 2);
            double x0 = t->left, x1 = t->left + t->block_w;
            if (it->length > 0) {
                x0 = (t->page_w - it->length) / 2;
                x1 = x0 + it->length;
            }
            if (add_rule(j, pg, x0, x1, t->top + mid, it->weight, it->rgb) < 0) return -1;
            if (flows) y = mid + it->weight / 2;
        } else {
            if (!flows) {
                tpl_style st;
                tpl_resolve(t, it->style, NULL, &st);
                top = t->page_h - it->page_bottom - st.size - t->top;
            }
            double size = 0;
            if (place_item(j, pg, it, t->top + top, &size) < 0) return -1;
            if (flows) y = top + size;
        }
    }
    *bottom = y;
    return 0;
}

/* A 版记 text line, broken to the block: a long 抄送 list wraps, and its
 * continuation lines start under the first character after 抄送： (GB/T 9704
 * 7.4.2: 回行时与冒号后的首字对齐).  A line that fits is laid out exactly as
 * a one-line item.  Returns 0 with pc->n_lines == 0 when the item is absent. */
static int tail_piece(lay_job *j, const tpl_item *it, lay_piece *pc) {
    memset(pc, 0, sizeof *pc);
    const char *s = lay_subst(j, it->text);
    if (!s) return 0;
    const char *texts[1] = {s};
    if (lay_piece_build(j, pc, it->style ? it->style : "body", texts, NULL, 1, 1) < 0) return -1;
    double indent = pc->st.indent * pc->st.size * (j->t->char_pitch / j->t->body_size);
    if (pc->n_lines && pc->lines[0].width > pc->avail - indent + LAY_EPS) {
        double hang = 0;
        size_t k = 0;
        while (k < pc->p.n_cl && pc->p.cl[k].cp != 0xFF1A && pc->p.cl[k].cp != ':') hang += pc->p.cl[k++].adv;
        hang = k < pc->p.n_cl && hang + pc->p.cl[k].adv < pc->avail / 2 ? indent + hang + pc->p.cl[k].adv : 0;
        lay_line *ls;
        size_t n;
        /* a list wraps after 、，；, never inside a name (市直有|关单位) */
        pc->p.mode = LAY_BREAK_LIST;
        if (lay_break(j, &pc->p, pc->avail - indent, pc->avail - hang, 0, &ls, &n) < 0) return -1;
        pc->lines = ls;
        pc->n_lines = n;
        pc->hang = hang;
    }
    return 0;
}

/* 版记: each text item takes a grid line (a wrapped one more), rules sit on
 * the lines between; the block ends on the last grid line of the page.
 * Returns the lines used, or -1. */
int lay_tail_lines(lay_job *j) {
    int n = 0;
    for (size_t i = 0; i < j->t->n_tail; i++) {
        const tpl_item *it = &j->t->tail[i];
        if (it->kind != TPL_ITEM_TEXT || !item_present(j, it)) continue;
        if (!it->text) {
            n++;
            continue;
        }
        lay_piece pc;
        int rc = tail_piece(j, it, &pc);
        n += (int)pc.n_lines;
        lay_para_free(&pc.p);
        if (rc < 0) return -1;
    }
    return n;
}

int lay_place_tail(lay_job *j, lay_page *pg, int n) {
    const tpl_template *t = j->t;
    double y = t->top + t->block_h - n * t->line_pitch;
    int last_rule = 0;
    for (size_t i = 0; i < t->n_tail; i++) {
        const tpl_item *it = &t->tail[i];
        if (it->kind == TPL_ITEM_RULE) {
            if (last_rule) continue;     /* an item left out: no double rule */
            if (add_rule(j, pg, t->left, t->left + t->block_w, y, it->weight, it->rgb) < 0) return -1;
            last_rule = 1;
        } else if (item_present(j, it)) {
            tpl_style st;
            tpl_resolve(t, it->style, NULL, &st);
            double off = (t->line_pitch - st.size) / 2 - 0.06 * st.size;
            if (!it->text) {
                if (place_item(j, pg, it, y + off, NULL) < 0) return -1;
                y += t->line_pitch;
            } else {
                lay_piece pc;
                int rc = tail_piece(j, it, &pc);
                for (size_t l = 0; rc == 0 && l < pc.n_lines; l++) {
                    rc = lay_emit_line(j, &pc.p, &pc.lines[l], t->left + lay_line_x(&pc, &pc.lines[l], l, t),
                                   lay_baseline(y + off, pc.size), pg);
                    y += t->line_pitch;
                }
                lay_para_free(&pc.p);
                if (rc < 0) return -1;
            }
            last_rule = 0;
        }
    }
    return 0;
}

int lay_place_folio(lay_job *j, lay_page *pg, int pageno) {
    const tpl_template *t = j->t;
    if (pageno == 1 && !t->folio_first) return 0;   /* 信函格式: 首页不显示页码 */
    char num[16];
    snprintf(num, sizeof num, "%d", pageno);
    /* {page} is not a document field: substitute it here */
    buf b;
    buf_init(&b);
    const char *f = t->folio_format;
    const char *p = strstr(f, "{page}");
    if (p) {
        buf_add(&b, f, (size_t)(p - f));
        buf_puts(&b, num);
        buf_puts(&b, p + 6);
    } else buf_puts(&b, f);
    if (!buf_cstr(&b)) return lay_oom(j);
    lay_piece pc;
    const char *texts[1] = {buf_cstr(&b)};
    int rc = lay_piece_build(j, &pc, t->folio_style, texts, NULL, 1, 1);
    buf_free(&b);
    if (rc < 0) {
        lay_para_free(&pc.p);
        return -1;
    }
    double inset = t->folio_inset * pc.size;
    double w = pc.n_lines ? pc.lines[0].width : 0, x;
    if (!t->folio_outer) x = t->left + (t->block_w - w) / 2;
    else if (pageno % 2) x = t->left + t->block_w - inset - w;
    else x = t->left + inset;
    /* the top of the ink of the first mark (the 一字线) sits folio_below
     * under the block */
    double base = t->top + t->block_h + t->folio_below + lay_ink_top(&pc.p);
    if (pc.n_lines) rc = lay_emit_line(j, &pc.p, &pc.lines[0], x, base, pg);
    lay_para_free(&pc.p);
    return rc;
}
