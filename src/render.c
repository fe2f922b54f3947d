/* render.c — compose → layout → pdf for one bulletin. */
#include "render.h"

#include <string.h>

#include "pdf.h"

void render_info_init(render_info *i) {
    memset(i, 0, sizeof *i);
    buf_init(&i->warnings);
    buf_init(&i->text);
}

void render_info_free(render_info *i) {
    buf_free(&i->warnings);
    buf_free(&i->text);
}

int render_bulletin(lay_ctx *lc, const model_bulletin *b, const tpl_template *t,
                    const render_opts *o, buf *pdf, render_info *info, err *e) {
    compose_opts co = {0};
    co.kind = o && o->kind ? o->kind : t->kind;
    co.district = o ? o->district : NULL;
    co.show_ids = o ? o->show_ids : 0;
    co.word = tpl_word;
    co.word_ctx = (void *)t;
    doc_document *d = compose_bulletin(b, &co, e);
    if (!d) return -1;
    if (info) doc_write_text(d, &info->text);
    lay_result *r = layout_document(lc, d, t, e);
    if (!r) {
        doc_free(d);
        return -1;
    }
    pdf_meta m = {d->meta_title, d->meta_author, d->meta_subject, "tongbao " TONGBAO_VERSION,
                  b->id, d->meta_date};
    int rc = pdf_render(r, &m, pdf, e);
    if (info) {
        info->pages = (int)r->n_pages;
        info->lines = r->lines_total;
        info->lines_full = r->lines_full;
        info->lines_squeezed = r->lines_squeezed;
        info->lines_pushed = r->lines_pushed;
        if (r->warnings.len) buf_add(&info->warnings, r->warnings.data, r->warnings.len);
    }
    layout_free(r);
    doc_free(d);
    return rc;
}
