/* appendix.c — the 附件 问题清单 (see appendix.h).
 *
 * The table is data, not prose: each cell holds one fact about one finding,
 * written out in full (no location elision, no joining punctuation), so a
 * district can cut a row out and cite it by 编号.  The Chinese labels live
 * here as defaults; a template's <appendix> may replace every one of them. */
#include "appendix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"

/* Default columns, widths in body characters (grid columns: 156 mm / 28),
 * sized for 小四 (12 pt) cells: 编号 holds JC2026-007-003 in two lines
 * broken after a hyphen, 整改时限 holds 11月22日 over 17：00, and 问题, the
 * longest text, takes what is left (8 of 28; more in a draft, where
 * layout narrows 编号 to its header because every ID is still —). */
static const tpl_column default_cols[] = {
    {"seq", NULL, 2, TPL_CENTER},
    {"id", NULL, 4, TPL_CENTER},
    {"location", NULL, 6.5, -1},
    {"text", NULL, 0, -1},
    {"deadline", NULL, 3.5, TPL_CENTER},
    {"responsible", NULL, 4, -1},
};

static const char *default_head(const char *field) {
    static const struct { const char *field, *head; } h[] = {
        {"seq", "序号"}, {"id", "编号"}, {"location", "位置"}, {"text", "问题"},
        {"deadline", "整改时限"}, {"responsible", "责任单位"}, {"category", "类别"},
        {"district", "所在区"}, {"observed", "发现时间"},
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (!strcmp(h[i].field, field)) return h[i].head;
    return field;
}

typedef struct {
    doc_document *d;
    const model_bulletin *b;
    const tpl_template *t;
    const char *district;
    const char *empty;
    int year;
    err *e;
} actx;

static int oom(actx *a) { return err_set(a->e, TB_EINTERNAL, NULL, 0, 0, "out of memory"); }

static int is_unit(const model_finding *f) { return !str_empty(f->unit); }

static int included(const actx *a, const model_finding *f) {
    if (!a->district) return 1;
    return !is_unit(f) && str_eq(f->district, a->district);
}

static const char *or_empty(const actx *a, const char *s) { return str_empty(s) ? a->empty : s; }

/* A date or date-time the way the body writes it (compose's rules), or the
 * input as written if it is not a valid date. */
static const char *date_cell(actx *a, const char *iso) {
    if (str_empty(iso)) return a->empty;
    char out[64];
    if (compose_date(iso, a->year, out, sizeof out) < 0) return iso;
    return arena_strdup(a->d->arena, out);
}

/* One cell of one finding; NULL only when out of memory. */
static const char *cell(actx *a, const char *field, const model_category *cat, const model_finding *f, int seq) {
    arena *ar = a->d->arena;
    if (!strcmp(field, "seq")) return arena_printf(ar, "%d", seq);
    if (!strcmp(field, "id")) return or_empty(a, f->id);
    if (!strcmp(field, "category")) return or_empty(a, cat->title);
    if (!strcmp(field, "district")) return or_empty(a, is_unit(f) ? f->unit : f->district);
    if (!strcmp(field, "observed")) return date_cell(a, f->observed);
    if (!strcmp(field, "deadline")) return date_cell(a, !str_empty(f->deadline) ? f->deadline : a->b->rect_deadline);
    if (!strcmp(field, "responsible"))
        return or_empty(a, !str_empty(f->responsible) ? f->responsible : is_unit(f) ? f->unit : f->district);
    if (!strcmp(field, "location")) {
        /* in full: a row must stand on its own.  An extract leaves out its
         * own district, which the whole notice is addressed to. */
        const char *parts[5] = {is_unit(f) ? f->unit : a->district ? NULL : f->district,
                                is_unit(f) ? NULL : f->street, is_unit(f) ? NULL : f->community, f->site, NULL};
        buf s;
        buf_init(&s);
        for (size_t i = 0; i < 4; i++)
            if (!str_empty(parts[i])) buf_puts(&s, parts[i]);
        const char *r = s.len ? arena_strdup(ar, buf_cstr(&s)) : a->empty;
        int bad = s.oom;
        buf_free(&s);
        return bad ? NULL : r;
    }
    if (!strcmp(field, "text")) {
        /* no joining mark in front, none at the end: every cell alike */
        const char *txt = str_empty(f->text) ? a->empty : compose_cell_text(ar, f->text);
        if (!txt) return NULL;
        if (str_empty(f->repeat_note)) return txt;
        return arena_printf(ar, "%s（%s）", txt, f->repeat_note);
    }
    return a->empty;
}

int appendix_add(doc_document *d, const model_bulletin *b, const tpl_template *t, const char *district, err *e) {
    const tpl_appendix *ap = &t->appendix;
    actx A = {d, b, t, district && *district ? district : NULL, ap->empty ? ap->empty : "—", 0, e}, *a = &A;
    if (b->date && strlen(b->date) >= 4) A.year = atoi(b->date);

    size_t n_found = 0;
    for (size_t c = 0; c < b->n_categories; c++) {
        size_t k = 0;
        for (size_t i = 0; i < b->categories[c].n_findings; i++) k += included(a, &b->categories[c].findings[i]);
        n_found += k;
    }
    if (n_found == 0) return 0;

    /* columns: the template's, else the six of the issue */
    const tpl_column *cols = ap->n_cols ? ap->cols : default_cols;
    size_t n_cols = ap->n_cols ? ap->n_cols : sizeof default_cols / sizeof default_cols[0];
    double fixed = 0;
    int star = 0;
    for (size_t i = 0; i < n_cols; i++) fixed += cols[i].width, star += cols[i].width == 0;
    if (fixed + star > t->chars + 1e-9 || star > 1)
        return err_set(e, TB_ETEMPLATE, t->path, 0, 0,
                       "the appendix columns need %g body characters; the block holds %d: narrow them in <appendix>",
                       fixed + star, t->chars);

    const char *title = ap->title ? ap->title : "问题清单";
    const char *label = ap->label ? ap->label : "附件";
    /* 附件说明 under the body (GB/T 9704 7.3.5): 附件：问题清单 */
    const char *note = ap->note ? ap->note : arena_printf(d->arena, "%s：%s", label, title);
    if (!note) return oom(a);
    if (*note) {
        doc_block *nb = doc_add_block(d, ap->note_style ? ap->note_style : "appendix-note");
        if (!nb || doc_add_run(d, nb, note, NULL) < 0 || doc_set_part(d, nb, "appendix-note") < 0) return oom(a);
    }
    doc_block *lb = doc_add_block(d, ap->label_style ? ap->label_style : "appendix-label");
    if (!lb || doc_add_run(d, lb, label, NULL) < 0 || doc_set_part(d, lb, "appendix") < 0) return oom(a);
    lb->page_break = 1;
    lb->keep_with_next = 1;
    lb->outline = arena_printf(d->arena, "%s %s", label, title);
    if (!lb->outline) return oom(a);
    doc_block *tb = doc_add_block(d, ap->title_style ? ap->title_style : "appendix-title");
    if (!tb || doc_add_run(d, tb, title, NULL) < 0 || doc_set_part(d, tb, "appendix") < 0) return oom(a);
    tb->keep_with_next = 1;

    doc_block *blk = doc_add_table(d, n_cols);
    if (!blk || doc_set_part(d, blk, "appendix") < 0) return oom(a);
    doc_table *tab = blk->table;
    tab->head_style = ap->head_style ? ap->head_style : "table-head";
    tab->cell_style = ap->cell_style ? ap->cell_style : "table-cell";
    tab->span_style = ap->group_style ? ap->group_style : "table-group";
    tab->pad_x = ap->pad_x >= 0 ? ap->pad_x : 1.2 * 72 / 25.4;
    tab->pad_y = ap->pad_y >= 0 ? ap->pad_y : 1.0 * 72 / 25.4;
    tab->rule_weight = ap->rule_weight >= 0 ? ap->rule_weight : 0.5;
    if (ap->has_rule_rgb) memcpy(tab->rule_rgb, ap->rule_rgb, sizeof tab->rule_rgb);
    tab->has_head_fill = ap->has_head_fill;
    if (ap->has_head_fill) memcpy(tab->head_fill, ap->head_fill, sizeof tab->head_fill);
    for (size_t i = 0; i < n_cols; i++) {
        tab->cols[i].width = cols[i].width ? cols[i].width : t->chars - fixed;
        tab->cols[i].fill = cols[i].width == 0;
        tab->cols[i].align = cols[i].align < 0 ? DOC_ALIGN_STYLE
                           : cols[i].align == TPL_LEFT ? DOC_ALIGN_LEFT
                           : cols[i].align == TPL_CENTER ? DOC_ALIGN_CENTER
                           : cols[i].align == TPL_RIGHT ? DOC_ALIGN_RIGHT : DOC_ALIGN_JUSTIFY;
    }

    const char **cells = calloc(n_cols, sizeof *cells);
    if (!cells) return oom(a);
    int rc = 0;
    for (size_t i = 0; i < n_cols; i++) cells[i] = cols[i].head ? cols[i].head : default_head(cols[i].field);
    if (doc_table_add_row(d, tab, cells, 0, 1) < 0) rc = oom(a);
    /* a group row per category: 300 rows read better in their categories,
     * and the body numbers them the same way (一是 …) */
    int group = ap->group ? ap->group > 0 : 1;
    int seq = 0, cat_no = 0;
    for (size_t c = 0; rc == 0 && c < b->n_categories; c++) {
        const model_category *cat = &b->categories[c];
        int any = 0;
        for (size_t i = 0; i < cat->n_findings; i++) any |= included(a, &cat->findings[i]);
        if (!any) continue;
        cat_no++;
        if (group) {
            char num[32];
            compose_cn_number(cat_no, num, sizeof num);
            const char *g = arena_printf(d->arena, "%s、%s", num, or_empty(a, cat->title));
            if (!g || doc_table_add_row(d, tab, &g, 1, 0) < 0) { rc = oom(a); break; }
        }
        for (size_t i = 0; rc == 0 && i < cat->n_findings; i++) {
            const model_finding *f = &cat->findings[i];
            if (!included(a, f)) continue;
            seq++;
            for (size_t k = 0; rc == 0 && k < n_cols; k++)
                if (!(cells[k] = cell(a, cols[k].field, cat, f, seq))) rc = oom(a);
            if (rc == 0 && doc_table_add_row(d, tab, cells, 0, 0) < 0) rc = oom(a);
        }
    }
    free(cells);
    return rc < 0 ? -1 : (int)n_found;
}
