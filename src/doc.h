/* doc.h — the composed document: what compose hands to layout.
 *
 * A document is (a) named fields for the page furniture (版头, 报头, 版记/报尾)
 * that templates place by name, and (b) an ordered list of blocks, each a
 * paragraph of styled runs.  Text here is final: every Chinese phrasing rule
 * has already been applied; layout only breaks lines and places them.
 * Style names ("body", "title", "lead", …) refer to styles defined in the
 * template; an unknown style falls back to "body". */
#ifndef TB_DOC_H
#define TB_DOC_H

#include <stddef.h>
#include "util.h"

typedef struct {
    const char *text;
    const char *style;      /* run style; NULL = the block's style */
} doc_run;

typedef struct {
    const char *style;      /* block style: title, to, body, case-title, signature, date, … */
    doc_run *runs;
    size_t n_runs, cap_runs;
    const char *outline;    /* label for a PDF outline entry, or NULL */
    int keep_with_next;     /* do not end a page right after this block */
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
/* Append a block; returns it or NULL on OOM. */
doc_block *doc_add_block(doc_document *d, const char *style);
/* Append a run (text copied into the arena). 0 / -1. */
int doc_add_run(doc_document *d, doc_block *b, const char *text, const char *style);
/* Concatenated text of a block (arena-allocated). */
const char *doc_block_text(doc_document *d, const doc_block *b);
/* Plain-text rendering of the document body, one paragraph a line. */
int doc_write_text(const doc_document *d, buf *out);

#endif
