/* unit_stream.c — issue 18: layout streamed to the PDF writer.
 *
 * The same bulletin rendered twice: streamed (the PDF alone: each page
 * written and freed as layout finishes it) and whole (the PDF beside the
 * OFD: every page kept until both are written).  The PDFs must be the
 * same bytes: multi-page bulletins, the 问题清单 appendix over many pages,
 * a chart, and the sizes where a chart on the last page gives up lines to
 * keep the 版记 with the end (layout's second pass, which lays out again
 * the pages the first pass already handed on).  And while layout streams,
 * it never holds more than the page it hands on and the one it fills. */
#include <stdlib.h>
#include <string.h>

#include "../src/fonts.h"
#include "../src/layout.h"
#include "../src/ofd.h"
#include "../src/parse.h"
#include "../src/pdf.h"
#include "../src/render.h"
#include "testlib.h"

/* A bulletin of n findings (tests/gen_n.sh's shape: categories of 50,
 * five districts, every 11th finding long). */
static model_bulletin *gen(int n, err *e) {
    buf x;
    buf_init(&x);
    buf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bulletin version=\"1\" id=\"stream-%d\" "
                   "series=\"江城市疫情防控督查通报\" template=\"dubao\" code=\"JC\">\n<header><title>关于全市集中"
                   "暗访情况的通报</title><issuer>江城市疫情防控指挥部督导组</issuer><date>2026-11-21</date>"
                   "</header>\n<findings>\n", n);
    static const char *const dist[] = {"东湖区", "西山区", "南江区", "北塘区", "江城经开区"};
    for (int i = 1; i <= n; i++) {
        if (i % 50 == 1) buf_printf(&x, "<category title=\"第%d类问题\">\n", i / 50 + 1);
        buf_printf(&x, "<finding district=\"%s\" street=\"青山街道\" community=\"和平社区\" site=\"锦绣小区%d号楼\">"
                       "卡点夜间无人值守%s</finding>\n", dist[(i % 5 + 1) % 5], i,
                   i % 11 ? "" : "，卡点值守人员脱岗，登记台账缺失，进出人员未测体温、未查验健康码，现场无人劝导，"
                                 "整改措施停留在纸面，问题反复出现");
        if (i % 50 == 0 || i == n) buf_puts(&x, "</category>\n");
    }
    buf_puts(&x, "</findings>\n<rectification deadline=\"2026-11-28\" report-to=\"市疫情防控指挥部督导问责组\"/>\n"
                 "</bulletin>\n");
    model_bulletin *b = parse_memory(x.data, x.len, "stream.xml", e);
    buf_free(&x);
    return b;
}

/* a and b the same bytes; else a note where they part */
static int same(const buf *a, const buf *b, char *why, size_t n) {
    size_t at = 0;
    while (at < a->len && at < b->len && a->data[at] == b->data[at]) at++;
    snprintf(why, n, "%zu vs %zu bytes, first difference at %zu", a->len, b->len, at);
    return a->len > 1000 && a->len == b->len && at == a->len;
}

/* Streamed and whole, compared: the PDF alone, the OFD alone and both at
 * once, each streamed, against both written from the whole layout. */
static void same_bytes(lay_ctx *lc, tpl_template *t, int n, int chart, int appendix) {
    char name[200], what[80], why[3][120];
    snprintf(what, sizeof what, "%d findings%s%s", n, chart ? ", chart" : "", appendix ? ", appendix" : "");
    err e = {0};
    model_bulletin *b = gen(n, &e);
    t->force_chart = chart;
    t->force_appendix = appendix;
    buf pdf_w, ofd_w, pdf1, ofd1, pdf2, ofd2;
    buf_init(&pdf_w), buf_init(&ofd_w), buf_init(&pdf1), buf_init(&ofd1), buf_init(&pdf2), buf_init(&ofd2);
    render_info iw, i1;
    render_info_init(&iw), render_info_init(&i1);
    render_forms fw = {&pdf_w, &ofd_w, 0}, fp = {&pdf1, NULL, 0}, fo = {NULL, &ofd1, 0}, fb = {&pdf2, &ofd2, 0};
    int rc = b ? render_bulletin_forms_whole(lc, b, t, NULL, &fw, &iw, &e) : -1;
    if (rc == 0) rc = render_bulletin_forms(lc, b, t, NULL, &fp, &i1, &e);
    if (rc == 0) rc = render_bulletin_forms(lc, b, t, NULL, &fo, NULL, &e);
    if (rc == 0) rc = render_bulletin_forms(lc, b, t, NULL, &fb, NULL, &e);
    int ok_p = same(&pdf1, &pdf_w, why[0], sizeof why[0]), ok_o = same(&ofd1, &ofd_w, why[1], sizeof why[1]);
    int ok_b = same(&pdf2, &pdf_w, why[2], sizeof why[2]) && same(&ofd2, &ofd_w, why[2], sizeof why[2]);
    snprintf(name, sizeof name, "stream: %s, streamed PDF = the PDF of the whole layout", what);
    CHECK(name, rc == 0 && ok_p && i1.pages == iw.pages, "%s; %s; %d vs %d pages", e.msg, why[0], i1.pages, iw.pages);
    snprintf(name, sizeof name, "stream: %s, streamed OFD = the OFD of the whole layout", what);
    CHECK(name, rc == 0 && ok_o, "%s; %s", e.msg, why[1]);
    snprintf(name, sizeof name, "stream: %s, PDF and OFD streamed together = both of the whole layout", what);
    CHECK(name, rc == 0 && ok_b, "%s; %s", e.msg, why[2]);
    render_info_free(&iw), render_info_free(&i1);
    buf_free(&pdf_w), buf_free(&ofd_w), buf_free(&pdf1), buf_free(&ofd1), buf_free(&pdf2), buf_free(&ofd2);
    model_free(b);
}

/* The OFD writer fed the pages of a whole layout one by one, holding
 * `hold` pages as XML: 0 and its bytes, 1 (a guess found wrong) or -1. */
static int ofd_pages(const lay_result *r, size_t hold, buf *out, err *e) {
    ofd_meta m = {"t", NULL, NULL, "tongbao 1", NULL, "2026-11-21T00:00:00"};
    ofd_writer *w = ofd_writer_new(&m, out, e);
    ofd_writer_hold(w, hold);
    int rc = 0;
    for (size_t p = 0; p < r->n_pages && !rc; p++) rc = ofd_writer_page(w, r, &r->pages[p]);
    if (!rc) rc = ofd_writer_finish(w, r);
    ofd_writer_free(w);
    return rc;
}

/* The first glyph run on page p drawing at least k glyphs, one character each. */
static lay_op *run_on(lay_result *r, size_t p, int k) {
    for (size_t i = 0; i < r->pages[p].n_ops; i++) {
        lay_op *op = &r->pages[p].ops[i];
        if (op->kind == LAY_GLYPHS && op->gi.glyphs->num_glyphs >= k && op->gi.item->num_chars == op->gi.glyphs->num_glyphs)
            return op;
    }
    return NULL;
}

/* What the writer guesses on one page and mends at the end: IDs written
 * before a face first appears (a face new on page 2 of the night's
 * bulletin), glyph IDs a CGTransform names in a CFF face (a cluster of two
 * characters and two glyphs, made by hand), each with every page held as
 * XML and with none; and a guess it cannot mend (a character drawn later
 * with a lower-numbered glyph of the same face) sends the caller to the
 * whole layout. */
static void test_writer(lay_ctx *lc, tpl_template *t) {
    err e = {0};
    model_bulletin *b = parse_file("examples/inbox/jc-2026-11-20-night.xml", &e);
    compose_opts co = {0};
    co.kind = t->kind;
    co.word = tpl_word;
    co.word_ctx = t;
    doc_document *d = b ? compose_bulletin(b, &co, &e) : NULL;
    lay_result *r = d ? lay_document(lc, d, t, &e) : NULL;
    buf whole, one;
    buf_init(&whole), buf_init(&one);
    ofd_meta m = {"t", NULL, NULL, "tongbao 1", NULL, "2026-11-21T00:00:00"};
    int rc = r && r->n_pages >= 3 ? ofd_render(r, &m, &whole, &e) : -1;
    char why[120] = "";
    int ok0 = rc == 0 && ofd_pages(r, 0, &one, &e) == 0 && same(&one, &whole, why, sizeof why);
    int ok16 = ok0 && ofd_pages(r, 16, &one, &e) == 0 && same(&one, &whole, why, sizeof why);
    CHECK("stream: OFD page by page = ofd_render, with a face first met on page 2 (pages held as XML: none, 16)",
          ok0 && ok16, "%s; %s", e.msg, why);

    /* page 2: the first two glyphs of a run become one cluster */
    lay_op *op = r && r->n_pages >= 3 ? run_on(r, 2, 4) : NULL;
    ok0 = ok16 = 0;
    if (op) {
        op->gi.glyphs->log_clusters[1] = op->gi.glyphs->log_clusters[0];
        rc = ofd_render(r, &m, &whole, &e);
        ok0 = rc == 0 && ofd_pages(r, 0, &one, &e) == 0 && same(&one, &whole, why, sizeof why);
        ok16 = ok0 && ofd_pages(r, 16, &one, &e) == 0 && same(&one, &whole, why, sizeof why);
    }
    CHECK("stream: OFD page by page = ofd_render, with a CGTransform naming CFF glyphs (pages held: none, 16)",
          ok0 && ok16, "%s; %s", e.msg, why);

    /* a later page: the glyph of a character page 1 draws too swapped
     * for an unused glyph ID below every code the face has */
    int wrong = -2;
    op = NULL;
    for (size_t p = r ? r->n_pages - 1 : 0; p > 0 && !op; p--)
        for (size_t i = 0; i < r->pages[p].n_ops && !op; i++) {
            lay_op *o = &r->pages[p].ops[i];
            if (o->kind != LAY_GLYPHS || o->gi.item->num_chars != o->gi.glyphs->num_glyphs) continue;
            for (size_t j = 0; j < r->pages[0].n_ops && !op; j++) {
                const lay_op *f = &r->pages[0].ops[j];
                for (int k = 0; f->kind == LAY_GLYPHS && k < f->gi.glyphs->num_glyphs; k++)
                    if (f->gi.glyphs->glyphs[k].glyph == o->gi.glyphs->glyphs[0].glyph &&
                        f->gi.item->analysis.font == o->gi.item->analysis.font)
                        op = o;
            }
        }
    if (op) {
        PangoGlyph g = 1;   /* the lowest glyph ID no run draws */
        for (int again = 1; again;) {
            again = 0;
            for (size_t p = 0; p < r->n_pages && !again; p++)
                for (size_t i = 0; i < r->pages[p].n_ops && !again; i++) {
                    const lay_op *o = &r->pages[p].ops[i];
                    for (int k = 0; o->kind == LAY_GLYPHS && k < o->gi.glyphs->num_glyphs; k++)
                        if (o->gi.glyphs->glyphs[k].glyph == g) again = 1;
                }
            g += again;
        }
        op->gi.glyphs->glyphs[0].glyph = g;
        wrong = ofd_pages(r, 16, &one, &e);
    }
    CHECK("stream: a character drawn later with a lower-numbered glyph: the writer says so (finish returns 1)",
          wrong == 1, "returned %d: %s", wrong, e.msg);
    buf_free(&whole), buf_free(&one);
    lay_free(r);
    doc_free(d);
    model_free(b);
}

/* The window: at each page handed on, how many pages still hold ops. */
typedef struct {
    size_t calls, most_live, empty;
    pdf_writer *pd;
} window;

static int watch(void *ctx, const lay_result *r, const lay_page *pg) {
    window *w = ctx;
    size_t live = 0;
    for (size_t p = 0; p < r->n_pages; p++) live += r->pages[p].n_ops > 0;
    if (live > w->most_live) w->most_live = live;
    if (!pg->n_ops) w->empty++;
    w->calls++;
    return pdf_writer_page(w->pd, r, pg);
}

static void test_window(lay_ctx *lc, tpl_template *t) {
    err e = {0};
    model_bulletin *b = gen(600, &e);
    t->force_chart = 0;
    t->force_appendix = 1;
    /* the document render.c composes: through a streamed render's info */
    render_info info;
    render_info_init(&info);
    buf pdf;
    buf_init(&pdf);
    render_forms f = {&pdf, NULL, 0};
    int rc = b ? render_bulletin_forms(lc, b, t, NULL, &f, &info, &e) : -1;
    CHECK("stream: a 600-finding bulletin with its appendix renders", rc == 0 && info.pages > 40, "%s; %d pages", e.msg,
          info.pages);
    /* and layout alone, watched page by page */
    compose_opts co = {0};
    co.kind = t->kind;
    co.word = tpl_word;
    co.word_ctx = t;
    doc_document *d = b ? compose_bulletin(b, &co, &e) : NULL;
    window w = {0, 0, 0, NULL};
    pdf_meta m = {"t", NULL, NULL, "tongbao", NULL, "2026-11-21", 0, 0};
    buf out;
    buf_init(&out);
    w.pd = pdf_writer_new(&m, &out, &e);
    lay_result *r = NULL;
    rc = d ? lay_document_stream(lc, d, t, watch, &w, &r, &e) : -1;
    if (rc == 0) rc = pdf_writer_finish(w.pd, r);
    size_t left = 0;
    for (size_t p = 0; r && p < r->n_pages; p++) left += r->pages[p].n_ops;
    CHECK("stream: every page handed on once, in order, none empty", rc == 0 && r && w.calls == r->n_pages &&
          r->n_pages > 10 && !w.empty, "rc %d, %zu calls, %zu pages, %zu empty", rc, w.calls, r ? r->n_pages : 0, w.empty);
    CHECK("stream: layout holds at most the page it hands on and the one it fills", rc == 0 && w.most_live <= 2,
          "%zu pages held at once", w.most_live);
    CHECK("stream: no page keeps its ops after it was handed on", rc == 0 && left == 0, "%zu ops left", left);
    pdf_writer_free(w.pd);
    buf_free(&out);
    lay_free(r);
    doc_free(d);
    buf_free(&pdf);
    render_info_free(&info);
    model_free(b);
}

int main(void) {
    err e = {0};
    char *dir = tpl_data_dir();
    lay_ctx *lc = NULL;
    if (dir && fonts_init(dir, &e) == 0) lc = lay_ctx_new(&e);
    free(dir);
    tpl_template *t = lc ? tpl_load("dubao", &e) : NULL;
    CHECK("stream: fonts, layout context and the dubao template", lc && t, "%s", e.msg);
    if (lc && t) {
        /* one page; several; a chart on the last page giving up lines to
         * the 版记 (14, 51, 88: the second pass); the appendix over pages */
        static const int plain[] = {3, 60, 400};
        for (size_t k = 0; k < sizeof plain / sizeof *plain; k++) same_bytes(lc, t, plain[k], 0, 0);
        static const int chart[] = {14, 51, 88, 120};
        for (size_t k = 0; k < sizeof chart / sizeof *chart; k++) same_bytes(lc, t, chart[k], 1, 0);
        same_bytes(lc, t, 300, 1, 1);
        same_bytes(lc, t, 1000, 0, 1);
        test_window(lc, t);
        test_writer(lc, t);
    }
    tpl_free(t);
    lay_ctx_free(lc);
    fonts_cleanup();
    return TESTS_DONE();
}
