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

/* Streamed and whole, compared. */
static void same_bytes(lay_ctx *lc, tpl_template *t, int n, int chart, int appendix) {
    char name[160];
    snprintf(name, sizeof name, "stream: %d findings%s%s, streamed PDF = the PDF of the whole layout", n,
             chart ? ", chart" : "", appendix ? ", appendix" : "");
    err e = {0};
    model_bulletin *b = gen(n, &e);
    t->force_chart = chart;
    t->force_appendix = appendix;
    buf one, whole, ofd;
    buf_init(&one), buf_init(&whole), buf_init(&ofd);
    render_info i1, i2;
    render_info_init(&i1), render_info_init(&i2);
    render_forms f1 = {&one, NULL, 0}, f2 = {&whole, &ofd, 0};
    int rc1 = b ? render_bulletin_forms(lc, b, t, NULL, &f1, &i1, &e) : -1;
    int rc2 = rc1 == 0 ? render_bulletin_forms(lc, b, t, NULL, &f2, &i2, &e) : -1;
    size_t at = 0;
    while (at < one.len && at < whole.len && one.data[at] == whole.data[at]) at++;
    CHECK(name, rc1 == 0 && rc2 == 0 && one.len > 1000 && one.len == whole.len && at == one.len && i1.pages == i2.pages,
          "%s; %zu vs %zu bytes, first difference at %zu; %d vs %d pages", e.msg, one.len, whole.len, at, i1.pages,
          i2.pages);
    render_info_free(&i1), render_info_free(&i2);
    buf_free(&one), buf_free(&whole), buf_free(&ofd);
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
    }
    tpl_free(t);
    lay_ctx_free(lc);
    fonts_cleanup();
    return TESTS_DONE();
}
