/* unit_layout.c — owns the unit tests of issue 6: the template elements
 * <order>, <appendix> and <chart> (parsing, defaults, errors), document
 * parts and reordering, and the table paginator of layout (every row on one
 * page unless taller than a page, the header on every page, nothing below
 * the block).  Needs the fonts: run with TONGBAO_HOME set (run.sh does). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fonts.h"
#include "layout.h"
#include "template.h"
#include "testlib.h"

#define BODY "<style name=\"body\" font=\"fangsong\" size=\"16pt\" align=\"justify\" indent=\"2\"/>"

static tpl_template *load(const char *xml, err *e) {
    memset(e, 0, sizeof *e);
    return tpl_load_memory(xml, strlen(xml), "t.xml", e);
}

static void test_order(void) {
    err e;
    tpl_template *t = load("<template name=\"t\">" BODY
                           "<order>head title to\n  body appendix tail</order></template>", &e);
    CHECK("order: loads", t != NULL, "%s", e.msg);
    if (t) {
        CHECK("order: head and tail are not flow parts", t->n_parts == 4, "n_parts=%zu", t->n_parts);
        CHECK("order: names kept in order", t->n_parts == 4 && !strcmp(t->parts[0], "title") &&
              !strcmp(t->parts[3], "appendix"), "%s", t->order);
        CHECK("order: tpl_has_part", tpl_has_part(t, "appendix") && !tpl_has_part(t, "chart"), "%s", "wrong");
    }
    tpl_free(t);
    t = load("<template name=\"t\">" BODY "</template>", &e);
    CHECK("order: none = no parts (compose's order)", t && t->n_parts == 0 && !tpl_has_part(t, "body"), "%s", "wrong");
    tpl_free(t);
    static const struct { const char *order, *want; } bad[] = {
        {"title bodyy", "unknown part \"bodyy\""},
        {"title head body", "head (版头) is always first"},
        {"title tail body", "tail (版记/报尾) is always last"},
        {"title body body", "names \"body\" twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char xml[512], name[96];
        snprintf(xml, sizeof xml, "<template name=\"t\">\n" BODY "\n<order>%s</order></template>", bad[i].order);
        t = load(xml, &e);
        snprintf(name, sizeof name, "order error: %s", bad[i].order);
        CHECK(name, !t && e.code == TB_ETEMPLATE && strstr(e.msg, bad[i].want) && e.line == 3, "code %d line %d: %s",
              e.code, e.line, e.msg);
        tpl_free(t);
    }
}

static void test_appendix(void) {
    err e;
    tpl_template *t = load("<template name=\"t\">" BODY
                           "<appendix title=\"清单\" note=\"\" group=\"no\" padding-x=\"2pt\" head-fill=\"#EDEDED\">"
                           "<column field=\"seq\" head=\"号\" width=\"2\" align=\"center\"/>"
                           "<column field=\"text\" width=\"*\"/>"
                           "<column field=\"deadline\" width=\"4.5\"/></appendix></template>", &e);
    CHECK("appendix: loads", t != NULL, "%s", e.msg);
    if (t) {
        const tpl_appendix *a = &t->appendix;
        CHECK("appendix: columns", a->n_cols == 3 && !strcmp(a->cols[1].field, "text") && a->cols[1].width == 0 &&
              a->cols[2].width == 4.5 && a->cols[0].align == TPL_CENTER && a->cols[1].align == -1, "n=%zu", a->n_cols);
        CHECK("appendix: attributes", !strcmp(a->title, "清单") && a->note && !*a->note && a->group == -1 &&
              fabs(a->pad_x - 2) < 1e-9 && a->pad_y < 0 && a->has_head_fill, "%s", "wrong");
    }
    tpl_free(t);
    static const struct { const char *cols, *want; } bad[] = {
        {"<column field=\"text\" width=\"*\"/><column field=\"id\" width=\"*\"/>", "only one column"},
        {"<column field=\"text\" width=\"20\"/><column field=\"id\" width=\"8.5\"/>", "add up to 28.5"},
        {"<column field=\"text\" width=\"27.5\"/><column field=\"id\" width=\"*\"/>", "add up to 27.5"},
        {"<column field=\"where\" width=\"3\"/>", "<column field=\"where\">"},
        {"<column field=\"id\" width=\"-3\"/>", "positive number"},
        {"<col field=\"id\"/>", "unknown element <col>"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char xml[600], name[96];
        snprintf(xml, sizeof xml, "<template name=\"t\">" BODY "<appendix>%s</appendix></template>", bad[i].cols);
        t = load(xml, &e);
        snprintf(name, sizeof name, "appendix error %zu: %s", i + 1, bad[i].want);
        CHECK(name, !t && e.code == TB_ETEMPLATE && strstr(e.msg, bad[i].want), "%s", e.msg);
        tpl_free(t);
    }
    /* the check uses the final geometry, whichever element comes first */
    t = load("<template name=\"t\">" BODY "<appendix><column field=\"text\" width=\"30\"/></appendix>"
             "<page chars=\"32\"/></template>", &e);
    CHECK("appendix: widths checked against a <page> that comes later", t != NULL, "%s", e.msg);
    tpl_free(t);
}

static void test_chart_and_styles(void) {
    err e;
    tpl_template *t = load("<template name=\"t\">" BODY "<style name=\"table-cell\" font=\"kaiti\" size=\"10.5pt\"/>"
                           "<chart lines=\"9\" palette=\"#000000 #FFFFFF,red\" caption=\"图{n}\"/></template>", &e);
    CHECK("chart: loads", t != NULL, "%s", e.msg);
    if (t) {
        CHECK("chart: lines and caption", t->chart.lines == 9 && !strcmp(t->chart.caption, "图{n}"), "%s", "wrong");
        CHECK("chart: palette", t->chart.n_palette == 3 && t->chart.palette[1][2] == 1 &&
              fabs(t->chart.palette[2][0] - 0xE6 / 255.0) < 1e-9, "n=%zu", t->chart.n_palette);
        const tpl_style *c = tpl_style_get(t, "table-cell"), *h = tpl_style_get(t, "table-head");
        CHECK("styles: a template's own style is kept", c && !strcmp(c->font, "kaiti") && c->size == 10.5, "%s", "wrong");
        CHECK("styles: a missing appendix style gets its default", h && !strcmp(h->font, "heiti") && h->size == 12 &&
              fabs(h->line_pitch - 0.6) < 1e-9, "%s", "wrong");
        tpl_style st;
        tpl_resolve(t, "appendix-title", NULL, &st);
        CHECK("styles: appendix-title resolves to 22pt 小标宋 centred", st.size == 22 && !strcmp(st.font, "xiaobiaosong") &&
              st.align == TPL_CENTER && st.space_before == 1 && st.space_after == 1, "%s", "wrong");
    }
    tpl_free(t);
    t = load("<template name=\"t\">" BODY "<chart palette=\"#12345\"/></template>", &e);
    CHECK("chart error: a bad palette colour", !t && strstr(e.msg, "\"#12345\" is not a colour"), "%s", e.msg);
    tpl_free(t);
    t = load("<template name=\"t\">" BODY "<chart lines=\"2\"/></template>", &e);
    CHECK("chart error: too few lines", !t && strstr(e.msg, "4 or more"), "%s", e.msg);
    tpl_free(t);
}

static void test_parts(void) {
    doc_document *d = doc_new();
    if (!d) {
        CHECK("parts: doc_new", 0, "out of memory");
        return;
    }
    const char *styles[] = {"title", "to", "body", "case-title", "signature", "date", "body"};
    for (size_t i = 0; i < 7; i++) {
        doc_block *b = doc_add_block(d, styles[i]);
        char txt[8];
        snprintf(txt, sizeof txt, "%zu", i);
        doc_add_run(d, b, txt, NULL);
    }
    doc_set_part(d, &d->blocks[6], "statistics");
    CHECK("parts: from the style", d->n_blocks == 7 && !strcmp(doc_block_part(&d->blocks[0]), "title") &&
          !strcmp(doc_block_part(&d->blocks[1]), "to") && !strcmp(doc_block_part(&d->blocks[3]), "body") &&
          !strcmp(doc_block_part(&d->blocks[4]), "signature") && !strcmp(doc_block_part(&d->blocks[5]), "signature"), "%s", "wrong");
    CHECK("parts: set by the producer", !strcmp(doc_block_part(&d->blocks[6]), "statistics"), "%s", "wrong");
    size_t idx[] = {0, 6, 2, 5};
    CHECK("parts: keep and reorder", doc_keep_blocks(d, idx, 4) == 0 && d->n_blocks == 4 &&
          !strcmp(d->blocks[1].runs[0].text, "6") && !strcmp(d->blocks[3].runs[0].text, "5"), "%s", "wrong");
    size_t twice[] = {0, 0};
    CHECK("parts: an index twice is refused", doc_keep_blocks(d, twice, 2) < 0, "%s", "wrong");
    buf b;
    buf_init(&b);
    doc_block *tb = doc_add_table(d, 2);
    const char *row[2] = {"a", "b"};
    if (tb) doc_table_add_row(d, tb->table, row, 0, 1);
    doc_write_text(d, &b);
    CHECK("parts: the text leaves tables out", tb && !strcmp(buf_cstr(&b), "0\n6\n2\n5\n"), "%s", buf_cstr(&b));
    buf_free(&b);
    doc_free(d);
}

/* ---- the paginator -------------------------------------------------------- */

/* Pages on which glyph ops of the paragraph `text` appear, as a bit set
 * (pages 1..63), and the lowest baseline seen anywhere. */
static unsigned long long pages_of(const lay_result *r, const char *text) {
    unsigned long long set = 0;
    for (size_t p = 0; p < r->n_pages && p < 64; p++)
        for (size_t k = 0; k < r->pages[p].n_ops; k++) {
            const lay_op *op = &r->pages[p].ops[k];
            if (op->kind == LAY_GLYPHS && op->text && !strcmp(op->text, text)) set |= 1ull << p;
        }
    return set;
}

static int popcount(unsigned long long x) {
    int n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

/* A table's styles, padding and rules as the appendix sets them. */
static void table_styles(doc_table *tab) {
    tab->head_style = "table-head";
    tab->cell_style = "table-cell";
    tab->span_style = "table-group";
    tab->pad_x = tab->pad_y = 3;
    tab->rule_weight = 0.5;
}

static void test_table_pagination(lay_ctx *lc) {
    err e;
    tpl_template *t = load("<template name=\"t\">" BODY "</template>", &e);
    doc_document *d = doc_new();
    if (!t || !d) {
        CHECK("table: setup", 0, "%s", e.msg);
        tpl_free(t);
        doc_free(d);
        return;
    }
    doc_block *pb = doc_add_block(d, "body");
    doc_add_run(d, pb, "表前的一段正文。", NULL);
    doc_block *tb = doc_add_table(d, 3);
    doc_table *tab = tb ? tb->table : NULL;
    enum { ROWS = 120, HUGE = 57 };
    char *texts[ROWS];
    memset(texts, 0, sizeof texts);
    int ok = tab != NULL;
    if (ok) {
        table_styles(tab);
        tab->cols[0].width = 3;
        tab->cols[1].width = 20;
        tab->cols[1].fill = 1;
        tab->cols[2].width = 5;
        const char *head[3] = {"序号", "问题内容", "时限"};
        doc_table_add_row(d, tab, head, 0, 1);
    }
    for (int i = 0; ok && i < ROWS; i++) {
        /* rows of 1 to 9 lines, and one of ~70 lines: taller than a page */
        int reps = i == HUGE ? 260 : 1 + (i % 9) * 7;
        size_t n = (size_t)reps * 12 + 32;
        texts[i] = malloc(n);
        if (!texts[i]) { ok = 0; break; }
        int w = snprintf(texts[i], n, "第%d行", i);
        for (int k = 0; k < reps && w + 12 < (int)n; k++) w += snprintf(texts[i] + w, n - (size_t)w, "内容文字");
        char num[16];
        snprintf(num, sizeof num, "%d", i + 1);
        if (i % 25 == 0) {
            char grp[32];
            snprintf(grp, sizeof grp, "第%d组", i / 25 + 1);
            const char *g = grp;
            doc_table_add_row(d, tab, &g, 1, 0);
        }
        const char *row[3] = {num, texts[i], "11月22日"};
        if (ok) doc_table_add_row(d, tab, row, 0, 0);
    }
    lay_result *r = ok ? lay_document(lc, d, t, &e) : NULL;
    CHECK("table: lays out", r != NULL, "%s", e.msg);
    if (r) {
        int split = 0, missing = 0, header_missing = 0, below = 0;
        double bottom = t->top + t->block_h;
        for (int i = 0; i < ROWS; i++) {
            /* doc_table_add_row copied the text: compare by content */
            unsigned long long s = pages_of(r, texts[i]);
            if (!s) missing++;
            else if (popcount(s) > 1 && i != HUGE) split++;
        }
        unsigned long long huge = pages_of(r, texts[HUGE]), head = pages_of(r, "问题内容");
        for (size_t p = 1; p < r->n_pages && p < 64; p++)
            if (!(head >> p & 1)) header_missing++;
        for (size_t p = 0; p < r->n_pages; p++)
            for (size_t k = 0; k < r->pages[p].n_ops; k++) {
                const lay_op *op = &r->pages[p].ops[k];
                if (op->kind == LAY_GLYPHS && op->y > bottom + 0.01 && op->y < t->top + t->block_h + 10) below++;
                if (op->kind == LAY_RULE && fmax(op->y, op->y2) > bottom + 0.5) below++;
            }
        CHECK("table: every row laid out", missing == 0, "%d rows missing", missing);
        CHECK("table: no row split across pages", split == 0, "%d rows split", split);
        CHECK("table: a row taller than a page goes over pages", popcount(huge) >= 2, "pages %llx", huge);
        CHECK("table: the header row on every page", r->n_pages > 5 && header_missing == 0,
              "%zu pages, header missing on %d", r->n_pages, header_missing);
        CHECK("table: nothing below the block", below == 0, "%d ops below", below);
    }
    lay_free(r);
    for (int i = 0; i < ROWS; i++) free(texts[i]);
    doc_free(d);
    tpl_free(t);
}

/* Baselines the ops drawing text sit on (a bit per distinct y, up to 8). */
static int lines_of(const lay_result *r, const char *text) {
    double ys[8];
    int n = 0;
    for (size_t p = 0; p < r->n_pages; p++)
        for (size_t k = 0; k < r->pages[p].n_ops; k++) {
            const lay_op *op = &r->pages[p].ops[k];
            if (op->kind != LAY_GLYPHS || !op->text || strcmp(op->text, text)) continue;
            int seen = 0;
            for (int i = 0; i < n; i++) seen |= fabs(ys[i] - op->y) < 0.01;
            if (!seen && n < 8) ys[n++] = op->y;
        }
    return n;
}

/* A number or a code wider than its column widens the column (from the
 * fill column) instead of breaking inside it; a phrase still wraps. */
static void test_table_words(lay_ctx *lc) {
    err e;
    tpl_template *t = load("<template name=\"t\">" BODY "</template>", &e);
    doc_document *d = doc_new();
    doc_block *tb = t && d ? doc_add_table(d, 3) : NULL;
    doc_table *tab = tb ? tb->table : NULL;
    if (!tab) {
        CHECK("table words: setup", 0, "%s", e.msg);
        doc_free(d);
        tpl_free(t);
        return;
    }
    table_styles(tab);
    tab->cols[0].width = 1;
    tab->cols[1].width = 1.5;
    tab->cols[2].width = 20;
    tab->cols[2].fill = 1;
    const char *head[3] = {"序", "码", "问题内容"};
    doc_table_add_row(d, tab, head, 0, 1);
    const char *r1[3] = {"1", "A1", "卡点夜间无人值守"}, *r2[3] = {"10000", "JC2026-007-003", "登记册多日未填写"},
               *r3[3] = {"2", "责任单位名称较长", "北门无人值守"}, *r4[3] = {"1000000", "B2", "值守人员脱岗"};
    doc_table_add_row(d, tab, r1, 0, 0);
    doc_table_add_row(d, tab, r2, 0, 0);
    doc_table_add_row(d, tab, r3, 0, 0);
    doc_table_add_row(d, tab, r4, 0, 0);   /* wider again, further down */
    lay_result *r = lay_document(lc, d, t, &e);
    CHECK("table words: lays out", r != NULL, "%s", e.msg);
    if (r) {
        CHECK("table words: 10000 on one line in a column one character wide", lines_of(r, "10000") == 1,
              "%d lines", lines_of(r, "10000"));
        CHECK("table words: a longer number further down widens the column again", lines_of(r, "1000000") == 1,
              "%d lines", lines_of(r, "1000000"));
        CHECK("table words: a code breaks at its hyphens only", lines_of(r, "JC2026-007-003") <= 3,
              "%d lines", lines_of(r, "JC2026-007-003"));
        CHECK("table words: a phrase in the widened column still wraps", lines_of(r, "责任单位名称较长") >= 2,
              "%d lines", lines_of(r, "责任单位名称较长"));
    }
    lay_free(r);
    doc_free(d);
    tpl_free(t);
}

int main(void) {
    test_order();
    test_appendix();
    test_chart_and_styles();
    test_parts();
    err e = {0};
    char *dir = tpl_data_dir();
    lay_ctx *lc = NULL;
    if (dir && fonts_init(dir, &e) == 0) lc = lay_ctx_new(&e);
    free(dir);
    CHECK("fonts and layout context", lc != NULL, "%s", e.msg);
    if (lc) test_table_pagination(lc);
    if (lc) test_table_words(lc);
    lay_ctx_free(lc);
    fonts_cleanup();
    return TESTS_DONE();
}
