/* render.c — one bulletin through the pipeline: compose the body, add the
 * parts tongbao builds itself from the model (the appendix table and the
 * chart), arrange all parts in the template's <order>, lay out, draw.
 *
 * Ordering is by part (doc.h "Parts").  With an <order>, each block goes
 * where its part is named; body parts compose tags (preamble, findings,
 * status, statistics, …) that the order does not name go where it says
 * "body", in compose's order, as do parts this version does not know; any
 * other part the order leaves out is left out of the bulletin.  Without an <order>, compose's order is kept.  The 附件说明
 * (appendix-note) goes right before the signature unless named.
 *
 * The arranged document goes to layout and the fixed-layout writers (pdf,
 * ofd, or both from one layout, each page handed on as layout finishes it:
 * issue 18), or to docx (render_docx), chosen by the output's extension or
 * --format (render_format_of). */
#include "render.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "appendix.h"
#include "chart.h"
#include "docx.h"
#include "fonts.h"
#include "ofd.h"
#include "pdf.h"
#include "store.h"

void render_info_init(render_info *i) {
    memset(i, 0, sizeof *i);
    buf_init(&i->warnings);
    buf_init(&i->text);
}

void render_info_free(render_info *i) {
    buf_free(&i->warnings);
    buf_free(&i->text);
}

static int is_body_part(const char *p) {
    /* status and statistics are switched by compose's wording keys
     * (history-status, history-stats); here they only follow the body
     * unless the order places them itself */
    static const char *const body[] = {"body", "preamble", "findings", "rectification", "status",
                                       "cases", "statistics", "requirements", "items"};
    for (size_t i = 0; i < sizeof body / sizeof body[0]; i++)
        if (!strcmp(p, body[i])) return 1;
    for (size_t i = 0; tpl_part_names[i]; i++)
        if (!strcmp(p, tpl_part_names[i])) return 0;
    return 1;   /* a part this version does not know: keep it with the body */
}

/* The effective order: the template's, with the parts the command line
 * switched on added (chart before the signature, appendix last) and those
 * it switched off taken out.  Returns the count; names point into t or are
 * literals.  out has room for every part name. */
static size_t effective_order(const tpl_template *t, const char **out) {
    int chart = t->force_chart, app = t->force_appendix;
    size_t n = 0;
    for (size_t i = 0; i < t->n_parts; i++) {
        const char *p = t->parts[i];
        if ((chart < 0 && !strcmp(p, "chart")) || (app < 0 && (!strcmp(p, "appendix") || !strcmp(p, "appendix-note"))))
            continue;
        if (chart > 0 && !strcmp(p, "signature") && !tpl_has_part(t, "chart")) out[n++] = "chart";
        out[n++] = p;
    }
    if (chart > 0 && !tpl_has_part(t, "chart") && !tpl_has_part(t, "signature")) out[n++] = "chart";
    if (app > 0 && !tpl_has_part(t, "appendix")) out[n++] = "appendix";
    return n;
}

static double rank_in(const char *const *ord, size_t n, const char *p) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ord[i], p)) return (double)i;
    return -1;
}

/* Rank of a block's part; < 0 = left out. */
static double block_rank(const tpl_template *t, const char *const *ord, size_t n, const char *part) {
    if (!t->n_parts) {
        /* no <order>: compose's order, then chart, 附件说明, signature, appendix */
        if (!strcmp(part, "chart")) return 8;
        if (!strcmp(part, "appendix-note")) return 9;
        if (!strcmp(part, "signature")) return 10;
        if (!strcmp(part, "appendix")) return 20;
        return 0;
    }
    double r = rank_in(ord, n, part);
    if (r >= 0) return r;
    if (!strcmp(part, "appendix-note")) {
        double s = rank_in(ord, n, "signature"), a = rank_in(ord, n, "appendix");
        if (a < 0) return -1;
        return (s >= 0 && s < a ? s : a) - 0.5;
    }
    if (is_body_part(part)) return rank_in(ord, n, "body");
    return -1;
}

static int arrange(doc_document *d, const tpl_template *t, err *e) {
    const char *ord[64];
    size_t n = effective_order(t, ord);
    size_t *idx = xmalloc((d->n_blocks + 1) * sizeof *idx);
    double *rank = xmalloc((d->n_blocks + 1) * sizeof *rank);
    size_t k = 0;
    for (size_t i = 0; i < d->n_blocks; i++) {
        double r = block_rank(t, ord, n, doc_block_part(&d->blocks[i]));
        if (r < 0) continue;
        /* insertion sort, stable: blocks of one part keep compose's order */
        size_t q = k;
        while (q > 0 && rank[q - 1] > r) {
            rank[q] = rank[q - 1];
            idx[q] = idx[q - 1];
            q--;
        }
        rank[q] = r;
        idx[q] = i;
        k++;
    }
    int rc = doc_keep_blocks(d, idx, k);
    free(idx);
    free(rank);
    return rc < 0 ? err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory") : 0;
}

/* Is a part on: named by the order (after the command line's say)? */
static int part_on(const tpl_template *t, int opt, const char *part) {
    return opt > 0 || (opt == 0 && tpl_has_part(t, part));
}

/* compose → appendix/chart → order: the document both writers take. */
static doc_document *render_compose(const model_bulletin *b, const tpl_template *t, const render_opts *o,
                                    render_info *info, err *e) {
    compose_opts co = {0};
    co.kind = o && o->kind ? o->kind : t->kind;
    if (co.kind && !strcmp(co.kind, "letter")) {
        err_set(e, TB_ETEMPLATE, t->path, 0, 0,
                "template %s writes the letters of tongbao escalate (督办通知书), not bulletins; render a bulletin "
                "with another template (-t dubao)", t->name ? t->name : "?");
        return NULL;
    }
    co.district = o ? o->district : NULL;
    co.show_ids = o ? o->show_ids : 0;
    co.word = tpl_word;
    co.word_ctx = (void *)t;
    doc_document *d = compose_bulletin(b, &co, e);
    if (!d) return NULL;
    int rows = 0, chart = 0;
    /* the appendix and the chart quote the model too: the same brackets */
    if ((part_on(t, t->force_chart, "chart") && (chart = chart_add(d, b, t, co.district, 1, e)) < 0) ||
        (part_on(t, t->force_appendix, "appendix") && (rows = appendix_add(d, b, t, co.district, e)) < 0)) {
        doc_free(d);
        return NULL;
    }
    if (rows || chart) compose_normalize(d);
    if (arrange(d, t, e) < 0) {
        doc_free(d);
        return NULL;
    }
    if (info) {
        doc_write_text(d, &info->text);
        info->appendix_rows = rows;
        info->chart = chart;
    }
    return d;
}

int render_bulletin(lay_ctx *lc, const model_bulletin *b, const tpl_template *t,
                    const render_opts *o, buf *pdf, render_info *info, err *e) {
    render_forms f = {pdf, NULL, 0};
    return render_bulletin_forms(lc, b, t, o, &f, info, e);
}

static int stream_page(void *pd, const lay_result *r, const lay_page *pg) { return pdf_writer_page(pd, r, pg); }

/* The PDF of a composed document, streamed: layout hands each page to the
 * writer as soon as it is final and frees it, so memory stays flat however
 * long the bulletin (issue 18).  Where the own writer meets a face it
 * cannot embed, the document is laid out again whole (layout is
 * deterministic) and drawn by Cairo, as pdf_render does.  *out: the
 * layout (its pages emptied when streamed), or NULL after an error. */
static int render_pdf(lay_ctx *lc, const doc_document *d, const tpl_template *t, const pdf_meta *m, buf *pdf,
                      lay_result **out, err *e) {
    lay_result *r = NULL;
    int rc;
    if (!pdf_use_own(m)) {
        r = lay_document(lc, d, t, e);
        rc = r ? pdf_render(r, m, pdf, e) : -1;
    } else {
        pdf_writer *pd = pdf_writer_new(m, pdf, e);
        rc = lay_document_stream(lc, d, t, stream_page, pd, &r, e);
        if (rc == 0) rc = pdf_writer_finish(pd, r);
        if (rc == 1) rc = pdf_writer_refusal(pd, e);
        pdf_writer_free(pd);
        if (rc == 1) {
            lay_free(r);
            *e = (err){0};
            r = lay_document(lc, d, t, e);
            rc = r ? pdf_render_cairo(r, m, pdf, e) : -1;
        }
        if (rc) buf_reset(pdf);
    }
    *out = r;
    return rc ? -1 : 0;
}

static void info_from(render_info *info, const lay_result *r) {
    if (!info || !r) return;
    info->pages = (int)r->n_pages;
    info->lines = r->lines_total;
    info->lines_full = r->lines_full;
    info->lines_squeezed = r->lines_squeezed;
    info->lines_pushed = r->lines_pushed;
    if (r->warnings.len) buf_add(&info->warnings, r->warnings.data, r->warnings.len);
}

/* The forms from the whole layout, every page kept until both are written
 * (what the streamed path falls back to). */
static int render_whole(lay_ctx *lc, const doc_document *d, const tpl_template *t, const pdf_meta *m,
                        const ofd_meta *om, const render_forms *f, lay_result **out, err *e) {
    lay_result *r = lay_document(lc, d, t, e);
    int rc = r ? 0 : -1;
    if (r && f->pdf) rc = pdf_render(r, m, f->pdf, e);
    if (r && f->ofd && !rc) rc = ofd_render(r, om, f->ofd, e);
    *out = r;
    return rc;
}

typedef struct {
    pdf_writer *pd;            /* NULL: the OFD alone */
    ofd_writer *od;
    int ofd_refused;           /* the OFD writer met a face it cannot embed */
} sinks;

static int stream_forms(void *ctx, const lay_result *r, const lay_page *pg) {
    sinks *s = ctx;
    int rc = s->pd ? pdf_writer_page(s->pd, r, pg) : 0;
    if (rc == 0 && (rc = ofd_writer_page(s->od, r, pg)) == 1) s->ofd_refused = 1;
    return rc;
}

/* The OFD, and the PDF beside it, streamed from one layout: each page goes
 * to both writers as layout finishes it, and is freed.  A face the PDF
 * writer refuses sends the bulletin through render_whole, which answers as
 * before streaming (Cairo draws the PDF, or PDF/A refuses; then the OFD
 * refuses as ofd_render does).  A face the OFD writer refuses, the PDF
 * writer having taken it, is refused at the page, as ofd_render would
 * refuse it after the PDF: laying the bulletin out again could only end
 * there.  A wrong guess of the OFD writer's (ofd_writer_finish), which the
 * examples never make, goes through render_whole too. */
static int render_streamed(lay_ctx *lc, const doc_document *d, const tpl_template *t, const pdf_meta *m,
                           const ofd_meta *om, const render_forms *f, lay_result **out, err *e) {
    if (f->pdf && !pdf_use_own(m)) return render_whole(lc, d, t, m, om, f, out, e);
    sinks s = {f->pdf ? pdf_writer_new(m, f->pdf, e) : NULL, ofd_writer_new(om, f->ofd, e), 0};
    lay_result *r = NULL;
    int rc = lay_document_stream(lc, d, t, stream_forms, &s, &r, e);
    if (rc == 1 && s.ofd_refused) rc = -1;   /* e names the face */
    if (rc == 0 && s.pd) rc = pdf_writer_finish(s.pd, r);
    if (rc == 0) rc = ofd_writer_finish(s.od, r);
    pdf_writer_free(s.pd);
    ofd_writer_free(s.od);
    if (rc == 1) {
        lay_free(r);
        *e = (err){0};
        return render_whole(lc, d, t, m, om, f, out, e);
    }
    *out = r;
    return rc;
}

static int render_forms_how(lay_ctx *lc, const model_bulletin *b, const tpl_template *t, const render_opts *o,
                            const render_forms *f, int whole, render_info *info, err *e) {
    doc_document *d = render_compose(b, t, o, info, e);
    if (!d) return -1;
    pdf_meta m = {d->meta_title, d->meta_author, d->meta_subject, "tongbao " TONGBAO_VERSION,
                  b->id, d->meta_date, t->pdfa || f->pdfa, o && o->district};
    ofd_meta om = {d->meta_title, d->meta_author, d->meta_subject, "tongbao " TONGBAO_VERSION, b->id, d->meta_date};
    lay_result *r = NULL;
    int rc;
    if (whole) rc = render_whole(lc, d, t, &m, &om, f, &r, e);
    else if (f->pdf && !f->ofd) rc = render_pdf(lc, d, t, &m, f->pdf, &r, e);   /* the PDF alone */
    else rc = render_streamed(lc, d, t, &m, &om, f, &r, e);
    if (rc) {
        if (f->pdf) buf_reset(f->pdf);
        if (f->ofd) buf_reset(f->ofd);
    }
    info_from(info, r);
    lay_free(r);
    doc_free(d);
    return rc ? -1 : 0;
}

int render_bulletin_forms(lay_ctx *lc, const model_bulletin *b, const tpl_template *t, const render_opts *o,
                          const render_forms *f, render_info *info, err *e) {
    return render_forms_how(lc, b, t, o, f, 0, info, e);
}

int render_bulletin_forms_whole(lay_ctx *lc, const model_bulletin *b, const tpl_template *t, const render_opts *o,
                                const render_forms *f, render_info *info, err *e) {
    return render_forms_how(lc, b, t, o, f, 1, info, e);
}

/* A letter of tongbao escalate (compose_letter.c): the template's levels
 * and wording, its <order>, its furniture (信函格式). */
int render_letter(lay_ctx *lc, const model_letter *l, const tpl_template *t, buf *pdf, render_info *info, err *e) {
    const tpl_escalation *x = &t->escalation;
    compose_level *lv = xcalloc(x->n_levels ? x->n_levels : 1, sizeof *lv);
    for (size_t i = 0; i < x->n_levels; i++)
        lv[i] = (compose_level){x->levels[i].name, x->levels[i].title, x->levels[i].lead, x->levels[i].warning};
    compose_opts co = {0};
    co.kind = "letter";
    co.word = tpl_word;
    co.word_ctx = (void *)t;
    doc_document *d = compose_letter(l, lv, x->n_levels, &co, e);
    free(lv);
    if (!d) {
        if (e->code == TB_ETEMPLATE && !e->file[0]) snprintf(e->file, sizeof e->file, "%s", t->path ? t->path : "");
        return -1;
    }
    if (arrange(d, t, e) < 0) {
        doc_free(d);
        return -1;
    }
    if (info) doc_write_text(d, &info->text);
    pdf_meta m = {d->meta_title, d->meta_author, d->meta_subject, "tongbao " TONGBAO_VERSION,
                  l->doc_number, d->meta_date, t->pdfa, 0};
    lay_result *r = NULL;
    int rc = render_pdf(lc, d, t, &m, pdf, &r, e);
    if (info && r) {
        info->pages = (int)r->n_pages;
        if (r->warnings.len) buf_add(&info->warnings, r->warnings.data, r->warnings.len);
    }
    lay_free(r);
    doc_free(d);
    return rc;
}

int render_docx(const model_bulletin *b, const tpl_template *t, const render_opts *o, buf *out,
                render_info *info, err *e) {
    doc_document *d = render_compose(b, t, o, info, e);
    if (!d) return -1;
    /* only a chart needs faces (its PNG's labels): a draft without one
     * starts no font machinery */
    int rc = 0;
    if (docx_needs_fonts(d)) {
        char *dir = tpl_data_dir();
        rc = fonts_init(dir, e);
        free(dir);
    }
    if (rc == 0) rc = docx_write(d, t, "tongbao " TONGBAO_VERSION, out, e);
    doc_free(d);
    return rc;
}

/* ---- output formats ------------------------------------------------------ */

static const struct {
    render_format f;
    const char *name, *ext;
} formats[] = {{RENDER_PDF, "pdf", ".pdf"}, {RENDER_OFD, "ofd", ".ofd"}, {RENDER_DOCX, "docx", ".docx"}};
#define N_FORMATS (sizeof formats / sizeof formats[0])

const char *render_format_ext(render_format f) {
    for (size_t i = 0; i < N_FORMATS; i++)
        if (formats[i].f == f) return formats[i].ext;
    return ".pdf";
}

int render_format_of(const char *path, const char *format, render_format *out, err *e) {
    int by_name = -1, by_ext = -1;
    if (format) {
        for (size_t i = 0; i < N_FORMATS; i++)
            if (!strcasecmp(format, formats[i].name)) by_name = (int)i;
        if (by_name < 0)
            return err_set(e, TB_EUSAGE, NULL, 0, 0, "--format %s: tongbao writes pdf, ofd and docx", format);
    }
    const char *dot = path ? strrchr(path, '.') : NULL;
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (dot && slash && dot < slash) dot = NULL;
    for (size_t i = 0; dot && i < N_FORMATS; i++)
        if (!strcasecmp(dot, formats[i].ext)) by_ext = (int)i;
    if (by_name >= 0 && by_ext >= 0 && by_name != by_ext)
        return err_set(e, TB_EUSAGE, path, 0, 0, "the name says %s but --format says %s; make them agree",
                       formats[by_ext].name, formats[by_name].name);
    if (by_name < 0 && by_ext < 0)
        return err_set(e, TB_EUSAGE, path, 0, 0,
                       "tongbao writes .pdf, .ofd and .docx, not %s; name the output so (or give --format pdf|ofd|docx)",
                       dot ? dot : "a file without an extension");
    *out = formats[by_name >= 0 ? by_name : by_ext].f;
    return 0;
}

/* ---- the forms of an issued bulletin (issue 13) ---------------------------- */

_Static_assert((int)TPL_FORM_PDF == (int)STORE_FORM_PDF && (int)TPL_FORM_OFD == (int)STORE_FORM_OFD,
               "template.h and store.h name the forms with the same bits");

int render_formset_parse(const char *list, unsigned *forms, err *e) {
    *forms = 0;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        size_t n = strcspn(p, " ,");
        if (!n) break;
        if (n == 3 && !strncasecmp(p, "pdf", 3)) *forms |= TPL_FORM_PDF;
        else if (n == 3 && !strncasecmp(p, "ofd", 3)) *forms |= TPL_FORM_OFD;
        else if (n == 4 && !strncasecmp(p, "docx", 4))
            return err_set(e, TB_EUSAGE, NULL, 0, 0,
                           "--format docx: a Word file is a draft and never enters the archive; issue as pdf, ofd "
                           "or pdf,ofd, then `tongbao regen --series S --issue N -o OUT.docx` gives the issued text");
        else
            return err_set(e, TB_EUSAGE, NULL, 0, 0, "--format %s: name pdf, ofd or both (pdf,ofd)", list);
        p += n;
    }
    if (!*forms) return err_set(e, TB_EUSAGE, NULL, 0, 0, "--format \"%s\": name pdf, ofd or both (pdf,ofd)", list);
    return 0;
}

static const char *formset_names(unsigned forms) {
    return forms == (TPL_FORM_PDF | TPL_FORM_OFD) ? "pdf,ofd" : forms == TPL_FORM_OFD ? "ofd" : "pdf";
}

int render_formset_of(unsigned cmd_forms, int cmd_pdfa, const char *out, const tpl_template *t,
                      render_formset *fs, err *e) {
    unsigned tforms = t && t->forms ? t->forms : TPL_FORM_PDF;
    fs->forms = cmd_forms ? cmd_forms : tforms;
    if (out && *out && strcmp(out, "-")) {
        render_format f;
        if (render_format_of(out, NULL, &f, e) < 0) return -1;
        if (f == RENDER_DOCX)
            return err_set(e, TB_EUSAGE, out, 0, 0,
                           "a .docx is a draft and never enters the archive; name the output .pdf or .ofd, and "
                           "after issuing `tongbao regen --series S --issue N -o OUT.docx` gives the issued text");
        unsigned named = f == RENDER_OFD ? TPL_FORM_OFD : TPL_FORM_PDF;
        if (cmd_forms && !(cmd_forms & named))
            return err_set(e, TB_EUSAGE, out, 0, 0, "the name says %s but --format says %s; make them agree",
                           f == RENDER_OFD ? "ofd" : "pdf", formset_names(cmd_forms));
        if (!cmd_forms && !(tforms & named)) fs->forms = named;
    }
    fs->pdfa = cmd_pdfa || (t && t->pdfa);
    if (cmd_pdfa && !(fs->forms & TPL_FORM_PDF))
        return err_set(e, TB_EUSAGE, out && *out ? out : NULL, 0, 0,
                       "--pdfa is a form of PDF, and this bulletin is issued as OFD only; drop --pdfa or add pdf "
                       "(--format pdf,ofd)");
    if (!(fs->forms & TPL_FORM_PDF)) fs->pdfa = 0;
    return 0;
}

char *render_form_path(const char *path, unsigned form) {
    const char *ext = form == TPL_FORM_OFD ? ".ofd" : ".pdf";
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    size_t keep = dot && (!slash || dot > slash) && dot != path && dot[-1] != '/' ? (size_t)(dot - path) : strlen(path);
    char *p = xmalloc(keep + strlen(ext) + 1);
    memcpy(p, path, keep);
    strcpy(p + keep, ext);
    return p;
}
