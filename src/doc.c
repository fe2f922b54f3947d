/* doc.c — the composed document container (see doc.h). */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

doc_document *doc_new(void) {
    arena *a = arena_new();
    if (!a) return NULL;
    doc_document *d = arena_alloc(a, sizeof *d);
    if (!d) { arena_free(a); return NULL; }
    d->arena = a;
    return d;
}

void doc_free(doc_document *d) {
    if (d) arena_free(d->arena);
}

int doc_set_field(doc_document *d, const char *name, const char *value) {
    for (size_t i = 0; i < d->n_fields; i++) {
        if (strcmp(d->fields[i].name, name) == 0) {
            if (!value || !*value) {
                d->fields[i] = d->fields[--d->n_fields];
                return 0;
            }
            d->fields[i].value = arena_strdup(d->arena, value);
            return d->fields[i].value ? 0 : -1;
        }
    }
    if (!value || !*value) return 0;
    if (arena_grow(d->arena, (void **)&d->fields, &d->cap_fields, d->n_fields, sizeof *d->fields) < 0)
        return -1;
    doc_field *f = &d->fields[d->n_fields];
    f->name = arena_strdup(d->arena, name);
    f->value = arena_strdup(d->arena, value);
    if (!f->name || !f->value) return -1;
    d->n_fields++;
    return 0;
}

const char *doc_field_get(const doc_document *d, const char *name) {
    for (size_t i = 0; i < d->n_fields; i++)
        if (strcmp(d->fields[i].name, name) == 0) return d->fields[i].value;
    return NULL;
}

doc_block *doc_add_block(doc_document *d, const char *style) {
    if (arena_grow(d->arena, (void **)&d->blocks, &d->cap_blocks, d->n_blocks, sizeof *d->blocks) < 0)
        return NULL;
    doc_block *b = &d->blocks[d->n_blocks];
    memset(b, 0, sizeof *b);
    b->style = arena_strdup(d->arena, style ? style : "body");
    if (!b->style) return NULL;
    d->n_blocks++;
    return b;
}

int doc_add_run(doc_document *d, doc_block *b, const char *text, const char *style) {
    if (!text || !*text) return 0;
    if (arena_grow(d->arena, (void **)&b->runs, &b->cap_runs, b->n_runs, sizeof *b->runs) < 0)
        return -1;
    doc_run *r = &b->runs[b->n_runs];
    r->text = arena_strdup(d->arena, text);
    r->style = style ? arena_strdup(d->arena, style) : NULL;
    if (!r->text || (style && !r->style)) return -1;
    b->n_runs++;
    return 0;
}

const char *doc_block_text(doc_document *d, const doc_block *b) {
    size_t n = 0;
    for (size_t i = 0; i < b->n_runs; i++) n += strlen(b->runs[i].text);
    char *p = arena_alloc(d->arena, n + 1);
    if (!p) return NULL;
    char *q = p;
    for (size_t i = 0; i < b->n_runs; i++) {
        size_t l = strlen(b->runs[i].text);
        memcpy(q, b->runs[i].text, l);
        q += l;
    }
    *q = 0;
    return p;
}

int doc_write_text(const doc_document *d, buf *out) {
    for (size_t i = 0; i < d->n_blocks; i++) {
        const doc_block *b = &d->blocks[i];
        for (size_t j = 0; j < b->n_runs; j++) buf_puts(out, b->runs[j].text);
        buf_puts(out, "\n");
    }
    return out->oom ? -1 : 0;
}
