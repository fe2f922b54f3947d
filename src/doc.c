/* doc.c — the composed document container (see doc.h): fields, blocks of
 * runs, table and figure blocks, parts and reordering.  Everything lives in
 * the document's arena. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

doc_document *doc_new(void) {
    arena *a = arena_new();
    doc_document *d = arena_alloc(a, sizeof *d);
    d->arena = a;
    return d;
}

void doc_free(doc_document *d) {
    if (d) arena_free(d->arena);
}

void doc_set_field(doc_document *d, const char *name, const char *value) {
    for (size_t i = 0; i < d->n_fields; i++) {
        if (strcmp(d->fields[i].name, name) == 0) {
            if (!value || !*value) {
                d->fields[i] = d->fields[--d->n_fields];
                return;
            }
            d->fields[i].value = arena_strdup(d->arena, value);
            return;
        }
    }
    if (!value || !*value) return;
    arena_grow(d->arena, (void **)&d->fields, &d->cap_fields, d->n_fields, sizeof *d->fields);
    doc_field *f = &d->fields[d->n_fields];
    f->name = arena_strdup(d->arena, name);
    f->value = arena_strdup(d->arena, value);
    d->n_fields++;
}

const char *doc_field_get(const doc_document *d, const char *name) {
    for (size_t i = 0; i < d->n_fields; i++)
        if (strcmp(d->fields[i].name, name) == 0) return d->fields[i].value;
    return NULL;
}

doc_block *doc_add_block(doc_document *d, const char *style) {
    arena_grow(d->arena, (void **)&d->blocks, &d->cap_blocks, d->n_blocks, sizeof *d->blocks);
    doc_block *b = &d->blocks[d->n_blocks];
    memset(b, 0, sizeof *b);
    b->style = arena_strdup(d->arena, style ? style : "body");
    d->n_blocks++;
    return b;
}

void doc_add_run(doc_document *d, doc_block *b, const char *text, const char *style) {
    if (!text || !*text) return;
    arena_grow(d->arena, (void **)&b->runs, &b->cap_runs, b->n_runs, sizeof *b->runs);
    doc_run *r = &b->runs[b->n_runs];
    r->text = arena_strdup(d->arena, text);
    r->style = style ? arena_strdup(d->arena, style) : NULL;
    b->n_runs++;
}

const char *doc_block_text(doc_document *d, const doc_block *b) {
    size_t n = 0;
    for (size_t i = 0; i < b->n_runs; i++) n += strlen(b->runs[i].text);
    char *p = arena_alloc(d->arena, n + 1);
    char *q = p;
    for (size_t i = 0; i < b->n_runs; i++) {
        size_t l = strlen(b->runs[i].text);
        memcpy(q, b->runs[i].text, l);
        q += l;
    }
    *q = 0;
    return p;
}

void doc_write_text(const doc_document *d, buf *out) {
    for (size_t i = 0; i < d->n_blocks; i++) {
        const doc_block *b = &d->blocks[i];
        if (b->kind != DOC_PARA) continue;
        for (size_t j = 0; j < b->n_runs; j++) buf_puts(out, b->runs[j].text);
        buf_puts(out, "\n");
    }
}

const char *doc_block_part(const doc_block *b) {
    if (b->part && *b->part) return b->part;
    const char *s = b->style ? b->style : "body";
    if (!strcmp(s, "title")) return "title";
    if (!strcmp(s, "to")) return "to";
    if (!strcmp(s, "signature") || !strcmp(s, "date")) return "signature";
    return "body";
}

void doc_set_part(doc_document *d, doc_block *b, const char *part) {
    b->part = part ? arena_strdup(d->arena, part) : NULL;
}

int doc_keep_blocks(doc_document *d, const size_t *idx, size_t n) {
    doc_block *nb = arena_alloc(d->arena, (n ? n : 1) * sizeof *nb);
    unsigned char *used = arena_alloc(d->arena, d->n_blocks + 1);
    for (size_t i = 0; i < n; i++) {
        if (idx[i] >= d->n_blocks || used[idx[i]]) return -1;
        used[idx[i]] = 1;
        nb[i] = d->blocks[idx[i]];
    }
    /* the old array stays in the arena until the document is freed */
    d->blocks = nb;
    d->cap_blocks = n ? n : 1;
    d->n_blocks = n;
    return 0;
}

doc_block *doc_add_table(doc_document *d, size_t n_cols) {
    if (n_cols == 0) return NULL;
    doc_table *t = arena_alloc(d->arena, sizeof *t);
    doc_column *cols = arena_alloc(d->arena, n_cols * sizeof *cols);
    t->cols = cols;
    t->n_cols = n_cols;
    doc_block *b = doc_add_block(d, "table");
    b->kind = DOC_TABLE;
    b->table = t;
    return b;
}

void doc_table_add_row(doc_document *d, doc_table *t, const char *const *cells, int span, int head) {
    arena_grow(d->arena, (void **)&t->rows, &t->cap_rows, t->n_rows, sizeof *t->rows);
    size_t n = span ? 1 : t->n_cols;
    const char **c = arena_alloc(d->arena, n * sizeof *c);
    for (size_t i = 0; i < n; i++) c[i] = arena_strdup(d->arena, cells[i] ? cells[i] : "");
    doc_row *r = &t->rows[t->n_rows++];
    r->cells = c;
    r->span = span;
    r->head = head;
}

doc_block *doc_add_figure(doc_document *d, double height) {
    doc_figure *f = arena_alloc(d->arena, sizeof *f);
    f->height = height;
    doc_block *b = doc_add_block(d, "figure");
    b->kind = DOC_FIGURE;
    b->figure = f;
    return b;
}

static doc_fig_item *fig_item(doc_document *d, doc_figure *f, doc_fig_kind kind) {
    arena_grow(d->arena, (void **)&f->items, &f->cap_items, f->n_items, sizeof *f->items);
    doc_fig_item *it = &f->items[f->n_items++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    return it;
}

void doc_fig_rect(doc_document *d, doc_figure *f, double x, double y, double w, double h, const double rgb[3]) {
    doc_fig_item *it = fig_item(d, f, DOC_FIG_RECT);
    it->x = x, it->y = y, it->x2 = w, it->y2 = h;
    memcpy(it->rgb, rgb, sizeof it->rgb);
}

void doc_fig_rule(doc_document *d, doc_figure *f, double x, double y, double x2, double y2, double weight,
                 const double rgb[3]) {
    doc_fig_item *it = fig_item(d, f, DOC_FIG_RULE);
    it->x = x, it->y = y, it->x2 = x2, it->y2 = y2, it->weight = weight;
    memcpy(it->rgb, rgb, sizeof it->rgb);
}

void doc_fig_text(doc_document *d, doc_figure *f, double x, double y, double wrap, doc_align align,
                 const char *text, const char *style, const double *rgb) {
    doc_fig_item *it = fig_item(d, f, DOC_FIG_TEXT);
    it->x = x, it->y = y, it->x2 = wrap;
    it->align = align;
    it->text = arena_strdup(d->arena, text ? text : "");
    it->style = style ? arena_strdup(d->arena, style) : NULL;
    if (rgb) {
        memcpy(it->rgb, rgb, sizeof it->rgb);
        it->use_rgb = 1;
    }
}
