/* unit_compose.c — compose: docs/format.md rules 1–7, cases, kinds, fields.
 *
 * Models are built directly in C (no parser): skeleton() is docs/format.md's
 * skeleton, and each test tweaks a fresh copy.  The skeleton's text and
 * one example per rule live in the reference itself, which
 * tests/unit_spec.c composes at test time; this file pins the rules'
 * corner cases (including some a file cannot express: absent texts,
 * malformed dates in a model), wording keys, and the document's structure
 * (blocks, runs, styles, outlines, fields). */
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "testlib.h"

/* ---- model builders -------------------------------------------------- */

typedef struct {
    const char *district, *street, *community, *site, *unit, *text, *id, *repeat, *deadline;
} fspec;

static model_bulletin *new_model(void) {
    arena *a = arena_new();
    if (!a) abort();
    model_bulletin *b = arena_alloc(a, sizeof *b);
    if (!b) abort();
    b->arena = a;
    b->source = "test.xml";
    b->version = 1;
    return b;
}

static void free_model(model_bulletin *b) { arena_free(b->arena); }

static void *alloc(model_bulletin *b, size_t n) {
    void *p = arena_alloc(b->arena, n);
    if (!p) abort();
    return p;
}

/* Append a category with n findings from spec (line numbers 100, 101, …). */
static model_category *add_cat(model_bulletin *b, const char *title, const fspec *fs, size_t n) {
    model_category *cats = alloc(b, (b->n_categories + 1) * sizeof *cats);
    if (b->n_categories) memcpy(cats, b->categories, b->n_categories * sizeof *cats);
    b->categories = cats;
    model_category *c = &cats[b->n_categories++];
    c->title = title;
    c->findings = alloc(b, (n ? n : 1) * sizeof *c->findings);
    c->n_findings = n;
    for (size_t i = 0; i < n; i++) {
        model_finding *f = &c->findings[i];
        f->district = fs[i].district;
        f->street = fs[i].street;
        f->community = fs[i].community;
        f->site = fs[i].site;
        f->unit = fs[i].unit;
        f->text = fs[i].text;
        f->id = fs[i].id;
        f->repeat_note = fs[i].repeat;
        f->deadline = fs[i].deadline;
        f->line = 100 + (int)i;
        f->col = 7;
    }
    return c;
}

static void set_reqs(model_bulletin *b, const char *lead, const char *const *tt, size_t n) {
    b->req_lead = lead;
    b->requirements = alloc(b, (n ? n : 1) * sizeof *b->requirements);
    b->n_requirements = n;
    for (size_t i = 0; i < n; i++) {
        b->requirements[i].title = tt[2 * i];
        b->requirements[i].text = tt[2 * i + 1];
    }
}

static const char *INSPECTORS[] = {"市疫情防控指挥部督导组", "市委组织部"};
static model_count COUNTS[] = {
    {"街道", "个", "6"}, {"社区（村）", "个", "41"}, {"卡点", "个", "58"}};

/* docs/format.md's skeleton, field by field. */
static model_bulletin *skeleton(void) {
    model_bulletin *b = new_model();
    b->id = "jc-2026-11-20-night";
    b->series = "江城市疫情防控督查通报";
    b->template_name = "dubao";
    b->title = "江城市城区疫情防控工作督查通报";
    b->issuer = "江城市疫情防控指挥部督导组";
    b->date = "2026-11-21";
    b->doc_number = "江防督〔2026〕7号";
    b->to = "东湖区、西山区疫情防控指挥部";
    b->has_inspection = 1;
    b->method = "暗访";
    b->period_text = "11月20日晚至11月21日";
    b->period_from = "2026-11-20T19:00";
    b->period_to = "2026-11-21";
    b->inspectors = INSPECTORS;
    b->n_inspectors = 2;
    b->action = "对城区各街道疫情防控措施落实情况进行暗访";
    b->counts = COUNTS;
    b->n_counts = 3;
    b->assessment = "总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，";
    static const fspec c1[] = {
        {"东湖区", "青山街道", "和平社区", "锦绣小区", NULL, "北门无人值守，进出人员未测体温", NULL, NULL, NULL},
        {"东湖区", "青山街道", "和平社区", "东苑小区", NULL, "登记册多日未填写", NULL, NULL, NULL},
        {"东湖区", "白沙街道", "新河社区", "新河菜市场", NULL, "入口未设测温点", NULL, NULL, NULL},
        {"西山区", "石桥街道", "石桥社区", "石桥三组", NULL, "卡点夜间无人值守", NULL, NULL, NULL},
        {NULL, NULL, NULL, "东湖路家属院", "市交通运输局", "未设志愿岗，无单位人员值守", NULL, NULL, NULL},
    };
    add_cat(b, "卡点值守不到位", c1, 5);
    static const fspec c2[] = {
        {"西山区", "石桥街道", "红星社区", "红星小区", NULL, "居家隔离户门口未张贴告知书", NULL, NULL, "2026-11-22"},
    };
    model_category *k2 = add_cat(b, "重点人员管控不严", c2, 1);
    k2->findings[0].observed = "2026-11-20T21:30";
    k2->findings[0].responsible = "石桥街道办事处";
    b->has_rectification = 1;
    b->rect_deadline = "2026-11-22T17:00";
    b->rect_report_to = "市疫情防控指挥部督导问责组";
    b->rect_manner = "以党组织名义";
    static const char *const reqs[] = {
        "立行立改", "对通报问题要逐项建立台账，限时整改销号。",
        "严肃问责", "对整改不力的，依规依纪严肃追责问责。"};
    set_reqs(b, "各区各部门要进一步压实责任，坚决堵塞防控漏洞。", reqs, 2);
    return b;
}

/* A bulletin with only header + one category (for focused tests). */
static model_bulletin *one_cat(const fspec *fs, size_t n) {
    model_bulletin *b = new_model();
    b->title = "T";
    b->issuer = "I";
    b->date = "2026-11-21";
    add_cat(b, "卡点值守不到位", fs, n);
    return b;
}

/* ---- document helpers ------------------------------------------------ */

static doc_document *run(const model_bulletin *b, const compose_opts *o, err *e) {
    memset(e, 0, sizeof *e);
    return compose_bulletin(b, o, e);
}

static doc_document *run0(const model_bulletin *b) {
    err e;
    compose_opts o = {0};
    doc_document *d = run(b, &o, &e);
    if (!d) printf("# compose failed: %s\n", e.msg);
    return d;
}

/* Index of the n-th (0-based) block with this style, or -1. */
static int find_block(const doc_document *d, const char *style, int n) {
    for (size_t i = 0; d && i < d->n_blocks; i++)
        if (strcmp(d->blocks[i].style, style) == 0 && n-- == 0) return (int)i;
    return -1;
}

static const char *btext(doc_document *d, int i) {
    if (!d || i < 0 || (size_t)i >= d->n_blocks) return NULL;
    return doc_block_text(d, &d->blocks[i]);
}

/* Text of the n-th body block. */
static const char *body(doc_document *d, int n) { return btext(d, find_block(d, "body", n)); }

/* Does block i have a run with exactly this text and style? */
static int has_run(const doc_document *d, int i, const char *text, const char *style) {
    if (!d || i < 0) return 0;
    const doc_block *b = &d->blocks[i];
    for (size_t k = 0; k < b->n_runs; k++)
        if (strcmp(b->runs[k].text, text) == 0 && str_eq(b->runs[k].style, style)) return 1;
    return 0;
}

/* Body text of the single category of a one_cat() model. */
static const char *cat_text(const fspec *fs, size_t n, doc_document **dp) {
    model_bulletin *b = one_cat(fs, n);
    doc_document *d = run0(b);
    const char *t = body(d, 1);    /* body 0 is the preamble tail */
    /* keep the string alive: copy into a static ring */
    static char ring[8][4096];
    static int r;
    char *out = ring[r++ % 8];
    snprintf(out, 4096, "%s", t ? t : "(null)");
    if (dp) *dp = d; else doc_free(d);
    free_model(b);
    return out;
}

/* ---- word lookup for override tests ---------------------------------- */

typedef struct {
    const char *const *kv;   /* key, value, key, value, …, NULL */
} words;

static const char *lookup(void *ctx, const char *key) {
    const words *w = ctx;
    for (const char *const *p = w->kv; *p; p += 2)
        if (strcmp(*p, key) == 0) return p[1];
    return NULL;
}

/* ---- tests ------------------------------------------------------------- */

static void test_numerals(void) {
    static const struct { int n; const char *want; } t[] = {
        {0, "零"}, {1, "一"}, {2, "二"}, {9, "九"}, {10, "十"}, {11, "十一"}, {19, "十九"},
        {20, "二十"}, {21, "二十一"}, {99, "九十九"}, {100, "一百"}, {101, "一百零一"},
        {110, "一百一十"}, {111, "一百一十一"}, {1000, "一千"}, {1001, "一千零一"},
        {1010, "一千零一十"}, {1100, "一千一百"}, {10000, "一万"}, {10001, "一万零一"},
        {10010, "一万零一十"}, {12345, "一万二千三百四十五"}, {100000, "十万"},
        {110000, "十一万"}, {-3, "-3"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char out[64], name[64];
        compose_cn_number(t[i].n, out, sizeof out);
        snprintf(name, sizeof name, "numeral %d", t[i].n);
        CHECK_STR(name, out, t[i].want);
    }
    char small[5];   /* room for one CJK char only: cut on a boundary */
    compose_cn_number(11, small, sizeof small);
    CHECK_STR("numeral truncates on code point boundary", small, "十");
}

static void test_dates(void) {
    static const struct { const char *iso; int ref; const char *want; } t[] = {
        {"2026-11-22", 2026, "11月22日"},
        {"2026-11-22T17:00", 2026, "11月22日17：00"},
        {"2026-11-22T09:05", 2026, "11月22日9：05"},
        {"2026-11-22T00:00", 2026, "11月22日0：00"},
        {"2026-11-22T17:00:30", 2026, "11月22日17：00"},
        {"2026-11-22 17:00", 2026, "11月22日17：00"},
        {"2025-11-22T17:00", 2026, "2025年11月22日17：00"},
        {"2027-01-02", 2026, "2027年1月2日"},
        {"2026-01-05", 0, "2026年1月5日"},
        {"2024-02-29", 2024, "2月29日"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char out[64] = "", name[96];
        int rc = compose_date(t[i].iso, t[i].ref, out, sizeof out);
        snprintf(name, sizeof name, "date %s ref %d", t[i].iso, t[i].ref);
        CHECK_STR(name, rc == 0 ? out : "(rc -1)", t[i].want);
    }
    static const char *bad[] = {"", "2026-11", "2026/11/22", "2026-13-01", "2026-00-10",
                                "2026-02-29", "2026-04-31", "2026-11-22T24:00", "2026-11-22T17:60",
                                "2026-11-22T17", "2026-11-22X17:00", "2026-11-22T17:00Z", "１２"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char out[64], name[96];
        snprintf(name, sizeof name, "date rejects \"%s\"", bad[i]);
        CHECK(name, compose_date(bad[i], 2026, out, sizeof out) == -1, "accepted");
    }
    char out[64];
    CHECK("date rejects NULL", compose_date(NULL, 2026, out, sizeof out) == -1, "accepted");
    CHECK("date rejects small buffer", compose_date("2026-11-22", 2026, out, 8) == -1, "accepted");
    CHECK_STR("date_full rule 7", compose_date_full("2026-11-21", out, sizeof out) == 0 ? out : "", "2026年11月21日");
    CHECK_STR("date_full ignores time", compose_date_full("2026-01-02T08:00", out, sizeof out) == 0 ? out : "", "2026年1月2日");
    CHECK("date_full rejects bad", compose_date_full("2026-02-30", out, sizeof out) == -1, "accepted");
}

/* The skeleton's structure: blocks, runs, outlines, fields.  Its text,
 * paragraph by paragraph, is docs/format.md's section 2 example, which
 * tests/unit_spec.c composes from the XML and compares at test time; the
 * reference holds the expected texts, not this file. */
static void test_skeleton(void) {
    model_bulletin *b = skeleton();
    doc_document *d = run0(b);
    CHECK("skeleton composes", d != NULL, "NULL");
    if (!d) { free_model(b); return; }
    CHECK("skeleton has 5 body blocks", find_block(d, "body", 5) == -1, "extra body block");

    /* block order and furniture blocks */
    static const char *styles[] = {"title", "to", "body", "body", "body", "body", "body", "signature", "date"};
    int ok = d->n_blocks == 9;
    for (size_t i = 0; ok && i < 9; i++) ok = strcmp(d->blocks[i].style, styles[i]) == 0;
    CHECK("skeleton block order title,to,body×5,signature,date", ok, "n_blocks=%zu", d->n_blocks);
    CHECK_STR("title outline", d->blocks[0].outline, "江城市城区疫情防控工作督查通报");

    /* runs and outlines of categories and requirements */
    int c1 = find_block(d, "body", 1), c2 = find_block(d, "body", 2), rq = find_block(d, "body", 4);
    CHECK("category lead run styled lead", has_run(d, c1, "一是卡点值守不到位。", "lead"), "missing");
    CHECK("category 2 lead run", has_run(d, c2, "二是重点人员管控不严。", "lead"), "missing");
    CHECK_STR("category outline", d->blocks[c1].outline, "一是卡点值守不到位");
    CHECK_STR("category 2 outline", d->blocks[c2].outline, "二是重点人员管控不严");
    CHECK("findings run unstyled", d->blocks[c1].n_runs == 2 && d->blocks[c1].runs[1].style == NULL,
          "n_runs=%zu", d->blocks[c1].n_runs);
    CHECK("requirement lead runs", has_run(d, rq, "一要立行立改。", "lead") && has_run(d, rq, "二要严肃问责。", "lead"), "missing");
    CHECK("requirements block has no outline", d->blocks[rq].outline == NULL, "outline set");

    /* fields and metadata */
    CHECK_STR("field title", doc_field_get(d, "title"), "江城市城区疫情防控工作督查通报");
    CHECK_STR("field issuer", doc_field_get(d, "issuer"), "江城市疫情防控指挥部督导组");
    CHECK_STR("field mark defaults to issuer", doc_field_get(d, "mark"), "江城市疫情防控指挥部督导组");
    CHECK_STR("field doc-number", doc_field_get(d, "doc-number"), "江防督〔2026〕7号");
    CHECK_STR("field date", doc_field_get(d, "date"), "2026年11月21日");
    CHECK_STR("field print-date", doc_field_get(d, "print-date"), "2026年11月21日");
    CHECK_STR("field to", doc_field_get(d, "to"), "东湖区、西山区疫情防控指挥部");
    CHECK_STR("field series", doc_field_get(d, "series"), "江城市疫情防控督查通报");
    CHECK_STR("field year from header date", doc_field_get(d, "year"), "2026");
    CHECK_STR("field issued-by defaults to issuer", doc_field_get(d, "issued-by"), "江城市疫情防控指挥部督导组");
    CHECK("no issue field before issuing", doc_field_get(d, "issue") == NULL, "set");
    CHECK("no district field outside extracts", doc_field_get(d, "district") == NULL, "set");
    CHECK("no send field without distribution", doc_field_get(d, "send") == NULL, "set");
    CHECK_STR("meta title", d->meta_title, "江城市城区疫情防控工作督查通报");
    CHECK_STR("meta author", d->meta_author, "江城市疫情防控指挥部督导组");
    CHECK_STR("meta subject", d->meta_subject, "江城市疫情防控督查通报");
    CHECK_STR("meta date", d->meta_date, "2026-11-21T00:00:00");

    /* whole-document plain text */
    buf t;
    buf_init(&t);
    doc_write_text(d, &t);
    const char *s = buf_cstr(&t);
    CHECK("plain text never doubles punctuation",
          s && !strstr(s, "，，") && !strstr(s, "。。") && !strstr(s, "；。") && !strstr(s, "。；"), "doubled");
    buf_free(&t);
    doc_free(d);
    free_model(b);
}

static void test_fields_distribution(void) {
    model_bulletin *b = skeleton();
    b->issue_no = 7;
    b->year = 2026;
    b->has_distribution = 1;
    b->dist_send = "市委、市政府领导";
    b->dist_cc = "市纪委监委，市委组织部";
    b->dist_issued_by = "江城市疫情防控指挥部办公室";
    b->dist_editors = "张某 王某";
    b->dist_copies = "40";
    doc_document *d = run0(b);
    CHECK_STR("field issue 第7期", doc_field_get(d, "issue"), "第7期");
    CHECK_STR("field send", doc_field_get(d, "send"), "市委、市政府领导");
    CHECK_STR("field cc", doc_field_get(d, "cc"), "市纪委监委，市委组织部");
    CHECK_STR("field issued-by explicit", doc_field_get(d, "issued-by"), "江城市疫情防控指挥部办公室");
    CHECK_STR("field editors", doc_field_get(d, "editors"), "张某 王某");
    CHECK_STR("field copies verbatim", doc_field_get(d, "copies"), "40");
    doc_free(d);

    b->issue_no = 0;
    b->issue_override = 12;
    b->date = "2027-01-03";
    b->year = 0;
    d = run0(b);
    CHECK_STR("field issue from override", doc_field_get(d, "issue"), "第12期");
    CHECK_STR("field year follows header date", doc_field_get(d, "year"), "2027");
    CHECK_STR("rectification deadline shows year when it differs", body(d, 3),
              "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，"
              "整改及处理结果务于2026年11月22日17：00前以党组织名义报送市疫情防控指挥部督导问责组。");
    doc_free(d);

    static const char *const kv[] = {"mark", "{series}", "issue", "第{n}期（总第{n}期）", NULL};
    words w = {kv};
    compose_opts o = {.word = lookup, .word_ctx = &w};
    err e;
    d = run(b, &o, &e);
    CHECK_STR("word mark pattern", doc_field_get(d, "mark"), "江城市疫情防控督查通报");
    CHECK_STR("word issue pattern", doc_field_get(d, "issue"), "第12期（总第12期）");
    doc_free(d);
    free_model(b);
}

/* Rule 1: parts dropping out with their punctuation. */
static void test_preamble(void) {
    static const struct {
        const char *name;
        int no_text, no_from, no_to, no_insp, no_action, no_counts, no_assess, no_method;
        const char *from, *to, *assess, *date;
        const char *want;
    } t[] = {
        {"rule1 period from from/to", 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL,
         "11月20日至11月21日，市疫情防控指挥部督导组、市委组织部对城区各街道疫情防控措施落实情况进行暗访，共涉及6个街道、41个社区（村）、58个卡点。总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，现将暗访中发现的问题通报如下："},
        {"rule1 period single day", 1, 0, 0, 1, 1, 1, 1, 0, "2026-11-21T08:00", "2026-11-21T20:00", NULL, NULL,
         "11月21日。现将暗访中发现的问题通报如下："},
        {"rule1 period only from", 1, 0, 1, 1, 1, 1, 1, 0, "2026-11-20", NULL, NULL, NULL,
         "11月20日。现将暗访中发现的问题通报如下："},
        {"rule1 period only to", 1, 1, 0, 1, 1, 1, 1, 0, NULL, "2026-11-21", NULL, NULL,
         "11月21日。现将暗访中发现的问题通报如下："},
        {"rule1 period cross-year", 1, 0, 0, 1, 1, 1, 1, 0, "2025-12-31T19:00", "2026-01-01", NULL, "2026-01-02",
         "2025年12月31日至2026年1月1日。现将暗访中发现的问题通报如下："},
        {"rule1 period in an earlier year", 1, 0, 0, 1, 1, 1, 1, 0, "2025-12-20", "2025-12-21", NULL, "2026-01-02",
         "2025年12月20日至12月21日。现将暗访中发现的问题通报如下："},
        {"rule1 no period at all", 1, 1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL,
         "市疫情防控指挥部督导组、市委组织部对城区各街道疫情防控措施落实情况进行暗访，共涉及6个街道、41个社区（村）、58个卡点。总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，现将暗访中发现的问题通报如下："},
        {"rule1 no inspectors", 0, 0, 0, 1, 0, 0, 0, 0, NULL, NULL, NULL, NULL,
         "11月20日晚至11月21日，对城区各街道疫情防控措施落实情况进行暗访，共涉及6个街道、41个社区（村）、58个卡点。总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，现将暗访中发现的问题通报如下："},
        {"rule1 no inspectors and no action", 0, 0, 0, 1, 1, 0, 0, 0, NULL, NULL, NULL, NULL,
         "11月20日晚至11月21日，共涉及6个街道、41个社区（村）、58个卡点。总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，现将暗访中发现的问题通报如下："},
        {"rule1 no counts (no 共涉及。)", 0, 0, 0, 0, 0, 1, 0, 0, NULL, NULL, NULL, NULL,
         "11月20日晚至11月21日，市疫情防控指挥部督导组、市委组织部对城区各街道疫情防控措施落实情况进行暗访。总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，现将暗访中发现的问题通报如下："},
        {"rule1 only counts", 1, 1, 1, 1, 1, 0, 1, 0, NULL, NULL, NULL, NULL,
         "共涉及6个街道、41个社区（村）、58个卡点。现将暗访中发现的问题通报如下："},
        {"rule1 no assessment", 0, 0, 0, 0, 0, 0, 1, 0, NULL, NULL, NULL, NULL,
         "11月20日晚至11月21日，市疫情防控指挥部督导组、市委组织部对城区各街道疫情防控措施落实情况进行暗访，共涉及6个街道、41个社区（村）、58个卡点。现将暗访中发现的问题通报如下："},
        {"rule1 assessment without mark is closed", 1, 1, 1, 1, 1, 1, 0, 0, NULL, NULL, "总体来看，措施基本落实", NULL,
         "总体来看，措施基本落实。现将暗访中发现的问题通报如下："},
        {"rule1 assessment ending 。 kept", 1, 1, 1, 1, 1, 1, 0, 0, NULL, NULL, "总体来看，措施基本落实。", NULL,
         "总体来看，措施基本落实。现将暗访中发现的问题通报如下："},
        {"rule1 method absent defaults to 督查", 1, 1, 1, 1, 1, 1, 1, 1, NULL, NULL, NULL, NULL,
         "现将督查中发现的问题通报如下："},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        model_bulletin *b = skeleton();
        if (t[i].no_text) b->period_text = NULL;
        if (t[i].no_from) b->period_from = NULL;
        if (t[i].no_to) b->period_to = NULL;
        if (t[i].from) b->period_from = t[i].from;
        if (t[i].to) b->period_to = t[i].to;
        if (t[i].no_insp) b->n_inspectors = 0;
        if (t[i].no_action) b->action = NULL;
        if (t[i].no_counts) b->n_counts = 0;
        if (t[i].no_assess) b->assessment = NULL;
        if (t[i].assess) b->assessment = t[i].assess;
        if (t[i].no_method) b->method = NULL;
        if (t[i].date) b->date = t[i].date;
        doc_document *d = run0(b);
        CHECK_STR(t[i].name, body(d, 0), t[i].want);
        doc_free(d);
        free_model(b);
    }

    /* pieces with their own trailing marks are not doubled */
    model_bulletin *b = skeleton();
    b->period_text = "11月20日晚至11月21日，";
    b->action = "对城区各街道进行暗访。";
    b->n_counts = 1;
    static model_count nounit[] = {{"处卡点", NULL, "12"}};
    b->counts = nounit;
    doc_document *d = run0(b);
    CHECK_STR("rule1 pieces' own marks stripped, count without unit", body(d, 0),
              "11月20日晚至11月21日，市疫情防控指挥部督导组、市委组织部对城区各街道进行暗访，共涉及12处卡点。"
              "总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，现将暗访中发现的问题通报如下：");
    doc_free(d);

    /* no inspection element: only the tail */
    b->has_inspection = 0;
    d = run0(b);
    CHECK_STR("rule1 without <inspection>", body(d, 0), "现将暗访中发现的问题通报如下：");
    doc_free(d);

    /* word overrides */
    b->method = NULL;
    static const char *const kv[] = {"method-default", "检查", "preamble-tail", "现将{method}发现的问题通报如下：", NULL};
    words w = {kv};
    compose_opts o = {.word = lookup, .word_ctx = &w};
    err e;
    d = run(b, &o, &e);
    CHECK_STR("word preamble-tail and method-default", body(d, 0), "现将检查发现的问题通报如下：");
    doc_free(d);

    /* malformed period date */
    b->has_inspection = 1;
    b->period_text = "";
    b->period_from = "2026-11-31";
    d = run(b, NULL, &e);
    CHECK("malformed period date → TB_EINPUT", !d && e.code == TB_EINPUT && strstr(e.msg, "2026-11-31"),
          "code %d msg %s", e.code, e.msg);
    doc_free(d);
    free_model(b);

    /* inspection but no findings (e.g. a wenze bulletin): no tail, the
     * assessment's trailing comma becomes a full stop */
    b = skeleton();
    b->n_categories = 0;
    d = run0(b);
    CHECK_STR("rule1 no findings: no tail, sentence closed", body(d, 0),
              "11月20日晚至11月21日，市疫情防控指挥部督导组、市委组织部对城区各街道疫情防控措施落实情况进行暗访，"
              "共涉及6个街道、41个社区（村）、58个卡点。总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节。");
    doc_free(d);
    free_model(b);
}

/* Rule 2: numbering. */
static void test_numbering(void) {
    model_bulletin *b = new_model();
    b->date = "2026-11-21";
    static const fspec f[] = {{"东湖区", NULL, NULL, "甲小区", NULL, "无人值守", NULL, NULL, NULL}};
    /* 24 bytes a title: room for any int, so -O1 builds see no truncation */
    char *titles = alloc(b, 25 * 24);
    for (int i = 0; i < 25; i++) {
        snprintf(titles + i * 24, 24, "问题%d", i + 1);
        add_cat(b, titles + i * 24, f, 1);
    }
    doc_document *d = run0(b);
    static const struct { int idx; const char *want; } t[] = {
        {1, "一是问题1。"}, {9, "九是问题9。"}, {10, "十是问题10。"}, {11, "十一是问题11。"},
        {19, "十九是问题19。"}, {20, "二十是问题20。"}, {21, "二十一是问题21。"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char name[64];
        snprintf(name, sizeof name, "rule2 category %d lead", t[i].idx);
        int bi = find_block(d, "body", t[i].idx);
        CHECK(name, has_run(d, bi, t[i].want, "lead"), "got %s", btext(d, bi));
    }
    CHECK_STR("rule2 outline 二十一是", d->blocks[find_block(d, "body", 21)].outline, "二十一是问题21");
    doc_free(d);

    static const char *const kv[] = {"category-lead", "（{n}）", "requirement-lead", "第{n}，", NULL};
    words w = {kv};
    compose_opts o = {.word = lookup, .word_ctx = &w};
    err e;
    b->n_categories = 2;
    static const char *const reqs[] = {"立行立改", "逐项整改。"};
    set_reqs(b, NULL, reqs, 1);
    d = run(b, &o, &e);
    CHECK_STR("word category-lead", body(d, 2), "（二）问题2。东湖区甲小区无人值守。");
    CHECK_STR("word requirement-lead", body(d, 3), "第一，立行立改。逐项整改。");
    doc_free(d);

    /* title already ending in a mark, empty category */
    b->n_categories = 0;
    static const fspec none[1];
    add_cat(b, "部分卡点存在人员聚集现象。", none, 0);
    add_cat(b, "有没有落实？", f, 1);
    b->n_requirements = 0;
    d = run0(b);
    CHECK_STR("rule2 empty category prints its lead", body(d, 1), "一是部分卡点存在人员聚集现象。");
    CHECK_STR("rule2 empty category outline", d->blocks[find_block(d, "body", 1)].outline, "一是部分卡点存在人员聚集现象");
    CHECK_STR("rule2 title ending ？ kept", body(d, 2), "二是有没有落实？东湖区甲小区无人值守。");
    doc_free(d);
    free_model(b);
}

/* Rules 3–4: elision and joining. */
static void test_elision_joining(void) {
    {
        static const fspec f[] = {
            {"东湖区", "青山街道", "和平社区", "甲小区", NULL, "A", NULL, NULL, NULL},
            {NULL, NULL, NULL, "东湖路家属院", "市交通运输局", "B", NULL, NULL, NULL},
            {"东湖区", "青山街道", "和平社区", "乙小区", NULL, "C", NULL, NULL, NULL},
            {"东湖区", "青山街道", "和平社区", "丙小区", NULL, "D", NULL, NULL, NULL},
        };
        CHECK_STR("rule3-4 unit finding in the middle of a district run", cat_text(f, 4, NULL),
                  "一是卡点值守不到位。东湖区青山街道和平社区甲小区A。市交通运输局东湖路家属院B。"
                  "东湖区青山街道和平社区乙小区C；丙小区D。");
    }
    {
        static const fspec f[] = {
            {NULL, NULL, NULL, "东湖路家属院", "市交通运输局", "A", NULL, NULL, NULL},
            {NULL, NULL, NULL, "西站", "市交通运输局", "B", NULL, NULL, NULL},
            {NULL, NULL, NULL, NULL, "市卫健委", "C", NULL, NULL, NULL},
        };
        CHECK_STR("rule3-4 consecutive unit findings each a sentence", cat_text(f, 3, NULL),
                  "一是卡点值守不到位。市交通运输局东湖路家属院A。市交通运输局西站B。市卫健委C。");
    }
    {
        static const fspec f[] = {
            {"东湖区", "青山街道", "和平社区", "甲小区", NULL, "A", NULL, NULL, NULL},
            {"西山区", "青山街道", "和平社区", "乙小区", NULL, "B", NULL, NULL, NULL},
            {"东湖区", "青山街道", "和平社区", "丙小区", NULL, "C", NULL, NULL, NULL},
        };
        CHECK_STR("rule3-4 district change within a category", cat_text(f, 3, NULL),
                  "一是卡点值守不到位。东湖区青山街道和平社区甲小区A。西山区青山街道和平社区乙小区B。"
                  "东湖区青山街道和平社区丙小区C。");
    }
    {
        static const fspec f[] = {
            {"东湖区", "青山街道", "和平社区", "甲小区", NULL, "A", NULL, NULL, NULL},
            {"东湖区", "青山街道", "新河社区", "乙小区", NULL, "B", NULL, NULL, NULL},
            {"东湖区", "白沙街道", "新河社区", "丙小区", NULL, "C", NULL, NULL, NULL},
            {"东湖区", "白沙街道", "新河社区", "丙小区", NULL, "D", NULL, NULL, NULL},
            {"东湖区", "白沙街道", NULL, "丁市场", NULL, "E", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "区政务中心", NULL, "F", NULL, NULL, NULL},
        };
        CHECK_STR("rule3 elision per level, site always written", cat_text(f, 6, NULL),
                  "一是卡点值守不到位。东湖区青山街道和平社区甲小区A；新河社区乙小区B；白沙街道新河社区丙小区C；"
                  "丙小区D；丁市场E；区政务中心F。");
    }
    {
        /* elision resets per category */
        model_bulletin *b = new_model();
        b->date = "2026-11-21";
        static const fspec f[] = {{"东湖区", "青山街道", "和平社区", "甲小区", NULL, "A", NULL, NULL, NULL}};
        static const fspec g[] = {{"东湖区", "青山街道", "和平社区", "乙小区", NULL, "B", NULL, NULL, NULL}};
        add_cat(b, "一类", f, 1);
        add_cat(b, "二类", g, 1);
        doc_document *d = run0(b);
        CHECK_STR("rule3 elision resets per category", body(d, 2), "二是二类。东湖区青山街道和平社区乙小区B。");
        doc_free(d);
        free_model(b);
    }
    {
        static const fspec f[] = {
            {"东湖区", NULL, NULL, "甲小区", NULL, "北门无人值守。", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "乙小区", NULL, "谁在值守？", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "丙小区", NULL, "登记册缺失！", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "丁小区", NULL, "未测温；", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "戊小区", NULL, "未扫码，", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "己小区", NULL, "未消杀；", NULL, NULL, NULL},
        };
        CHECK_STR("rule4 own marks 。！？； kept, never doubled", cat_text(f, 6, NULL),
                  "一是卡点值守不到位。东湖区甲小区北门无人值守。乙小区谁在值守？丙小区登记册缺失！丁小区未测温；"
                  "戊小区未扫码；己小区未消杀。");
    }
    {
        static const fspec f[] = {
            {"东湖区", NULL, NULL, "甲小区", NULL, "门口写着“请扫码。”", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "乙小区", NULL, "张贴“一米线”", NULL, NULL, NULL},
            {"西山区", NULL, NULL, "丙小区", NULL, "值守人员睡觉……", NULL, NULL, NULL},
            {"西山区", NULL, NULL, "丁小区", NULL, "未设岗.", NULL, NULL, NULL},
        };
        CHECK_STR("rule4 quotes and ellipsis", cat_text(f, 4, NULL),
                  "一是卡点值守不到位。东湖区甲小区门口写着“请扫码。”乙小区张贴“一米线”。西山区丙小区值守人员睡觉……"
                  "丁小区未设岗。");
    }
    {
        static const fspec f[] = {
            {"东湖区", NULL, NULL, "甲小区", NULL, "A", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, NULL, NULL, "B", NULL, NULL, NULL},
            {"东湖区", NULL, NULL, "丙小区", NULL, NULL, NULL, NULL, NULL},
        };
        CHECK_STR("rule3 missing site or text", cat_text(f, 3, NULL),
                  "一是卡点值守不到位。东湖区甲小区A；B；丙小区。");
    }
}

/* IDs and repeat notes as styled runs before the joining mark. */
static void test_ids(void) {
    static const fspec f[] = {
        {"东湖区", "青山街道", NULL, "甲小区", NULL, "北门无人值守", "JC2026-007-001", NULL, NULL},
        {"东湖区", "青山街道", NULL, "乙小区", NULL, "登记册未填写。", "JC2026-007-002", "该问题第2次通报，前次见第5期", NULL},
        {NULL, NULL, NULL, "家属院", "市交通运输局", "未设岗", NULL, "该问题第2次通报", NULL},
    };
    model_bulletin *b = one_cat(f, 3);
    err e;
    compose_opts o = {.show_ids = 1};
    doc_document *d = run(b, &o, &e);
    int bi = find_block(d, "body", 1);
    CHECK_STR("ids and repeat notes before the mark", btext(d, bi),
              "一是卡点值守不到位。东湖区青山街道甲小区北门无人值守（JC2026-007-001）；乙小区登记册未填写"
              "（JC2026-007-002）（该问题第2次通报，前次见第5期）。市交通运输局家属院未设岗（该问题第2次通报）。");
    CHECK("id run styled id", has_run(d, bi, "（JC2026-007-001）", "id"), "missing");
    CHECK("repeat run styled repeat", has_run(d, bi, "（该问题第2次通报，前次见第5期）", "repeat"), "missing");
    CHECK("joining mark is an unstyled run after the id", bi >= 0 && d->blocks[bi].n_runs > 3 &&
          d->blocks[bi].runs[3].style == NULL && strncmp(d->blocks[bi].runs[3].text, "；", 3) == 0, "runs wrong");
    doc_free(d);

    d = run0(b);
    CHECK_STR("ids hidden without show_ids, repeat notes still shown", body(d, 1),
              "一是卡点值守不到位。东湖区青山街道甲小区北门无人值守；乙小区登记册未填写（该问题第2次通报，前次见第5期）。"
              "市交通运输局家属院未设岗（该问题第2次通报）。");
    doc_free(d);

    static const char *const kv[] = {"finding-id", "〔{id}〕", NULL};
    words w = {kv};
    compose_opts o2 = {.show_ids = 1, .word = lookup, .word_ctx = &w};
    d = run(b, &o2, &e);
    CHECK("word finding-id", has_run(d, find_block(d, "body", 1), "〔JC2026-007-001〕", "id"), "missing");
    doc_free(d);
    free_model(b);
}

/* Rule 5. */
static void test_rectification(void) {
    static const struct {
        const char *name, *deadline, *manner, *report_to, *responsible, *word;
        int drop_units, only_units;
        const char *want;
    } t[] = {
        {"rule5 date deadline", "2026-11-22", "以党组织名义", "督导问责组", NULL, NULL, 0, 0,
         "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日前以党组织名义报送督导问责组。"},
        {"rule5 manner absent drops cleanly", "2026-11-22T17:00", NULL, "督导问责组", NULL, NULL, 0, 0,
         "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日17：00前报送督导问责组。"},
        {"rule5 manner empty drops cleanly", "2026-11-22T17:00", "", "督导问责组", NULL, NULL, 0, 0,
         "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日17：00前报送督导问责组。"},
        {"rule5 explicit responsible verbatim", "2026-11-22T17:00", NULL, "督导问责组", "石桥街道办事处", NULL, 0, 0,
         "对以上通报中存在的问题，石桥街道办事处要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日17：00前报送督导问责组。"},
        {"rule5 no unit findings: no 及相关单位", "2026-11-22T17:00", NULL, "督导问责组", NULL, NULL, 1, 0,
         "对以上通报中存在的问题，东湖区、西山区要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日17：00前报送督导问责组。"},
        {"rule5 only unit findings: 相关单位", "2026-11-22T17:00", NULL, "督导问责组", NULL, NULL, 0, 1,
         "对以上通报中存在的问题，相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日17：00前报送督导问责组。"},
        {"rule5 deadline in another year", "2027-01-02T09:00", NULL, "督导问责组", NULL, NULL, 0, 0,
         "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于2027年1月2日9：00前报送督导问责组。"},
        {"rule5 no deadline", NULL, "以党组织名义", "督导问责组", NULL, NULL, 0, 0,
         "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果以党组织名义报送督导问责组。"},
        {"rule5 no report-to", "2026-11-22", NULL, NULL, NULL, NULL, 0, 0,
         "对以上通报中存在的问题，东湖区、西山区及相关单位要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日前上报。"},
        {"rule5 word override, plain placeholders", "2026-11-22T17:00", NULL, "督导问责组", NULL,
         "对以上问题，{responsible}要立即整改，整改结果务于{deadline}前{manner}报送{report-to}。", 0, 0,
         "对以上问题，东湖区、西山区及相关单位要立即整改，整改结果务于11月22日17：00前报送督导问责组。"},
        {"rule5 unknown placeholder left visible", "2026-11-22", NULL, "组", NULL,
         "{responsible}于{deadline}前报送{report-to}{oops}。", 0, 0,
         "东湖区、西山区及相关单位于11月22日前报送组{oops}。"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        model_bulletin *b = skeleton();
        b->rect_deadline = t[i].deadline;
        b->rect_manner = t[i].manner;
        b->rect_report_to = t[i].report_to;
        b->rect_responsible = t[i].responsible;
        if (t[i].drop_units) b->categories[0].n_findings = 4;
        if (t[i].only_units) {
            b->categories[0].findings += 4;
            b->categories[0].n_findings = 1;
            b->categories[1].findings[0].unit = "市卫健委";
        }
        const char *kv[] = {"rectification", t[i].word, NULL};
        words w = {kv};
        compose_opts o = {.word = t[i].word ? lookup : NULL, .word_ctx = &w};
        err e;
        doc_document *d = run(b, &o, &e);
        CHECK_STR(t[i].name, body(d, 3), t[i].want);
        doc_free(d);
        free_model(b);
    }

    model_bulletin *b = skeleton();
    /* order of first appearance, across categories */
    static const fspec g[] = {{"北湖区", NULL, NULL, "甲", NULL, "A", NULL, NULL, NULL},
                              {"西山区", NULL, NULL, "乙", NULL, "B", NULL, NULL, NULL}};
    add_cat(b, "三类", g, 2);
    doc_document *d = run0(b);
    CHECK("rule5 districts in order of first appearance",
          body(d, 4) && strstr(body(d, 4), "，东湖区、西山区、北湖区及相关单位要立即整改"), "got %s", body(d, 4));
    doc_free(d);

    b->has_rectification = 0;
    d = run0(b);
    CHECK("rule5 no <rectification>: no sentence", body(d, 4) && strncmp(body(d, 4), "各区各部门", 15) == 0,
          "got %s", body(d, 4));
    doc_free(d);

    b->has_rectification = 1;
    b->rect_deadline = "2026-11-22T25:00";
    err e;
    d = run(b, NULL, &e);
    CHECK("rule5 malformed deadline → TB_EINPUT", !d && e.code == TB_EINPUT && strstr(e.msg, "2026-11-22T25:00")
          && strcmp(e.file, "test.xml") == 0, "code %d msg %s", e.code, e.msg);
    doc_free(d);
    free_model(b);

    size_t n;
    b = skeleton();
    const char **ds = compose_districts(b, b->arena, &n);
    CHECK("compose_districts", ds && n == 2 && strcmp(ds[0], "东湖区") == 0 && strcmp(ds[1], "西山区") == 0, "n=%zu", n);
    free_model(b);
}

/* Rule 6. */
static void test_requirements(void) {
    static const struct {
        const char *name, *lead, *t1, *x1, *t2, *x2;
        const char *want;
    } t[] = {
        {"rule6 without lead", NULL, "立行立改", "对通报问题要逐项建立台账，限时整改销号。", "严肃问责", "对整改不力的，依规依纪严肃追责问责。",
         "一要立行立改。对通报问题要逐项建立台账，限时整改销号。二要严肃问责。对整改不力的，依规依纪严肃追责问责。"},
        {"rule6 lead ending ： kept", "具体要求如下：", "立行立改", "逐项整改。", "严肃问责", "严肃追责。",
         "具体要求如下：一要立行立改。逐项整改。二要严肃问责。严肃追责。"},
        {"rule6 lead without mark closed", "各区要压实责任", "立行立改", "逐项整改。", "严肃问责", "严肃追责。",
         "各区要压实责任。一要立行立改。逐项整改。二要严肃问责。严肃追责。"},
        {"rule6 lead ending ， closed", "各区要压实责任，", "立行立改", "逐项整改。", "严肃问责", "严肃追责。",
         "各区要压实责任。一要立行立改。逐项整改。二要严肃问责。严肃追责。"},
        {"rule6 lead ending ； closed", "各区要压实责任；", "立行立改", "逐项整改。", "严肃问责", "严肃追责。",
         "各区要压实责任。一要立行立改。逐项整改。二要严肃问责。严肃追责。"},
        {"rule6 title and text marks not doubled", NULL, "立行立改。", "逐项整改", "严肃问责！", "严肃追责；",
         "一要立行立改。逐项整改。二要严肃问责！严肃追责。"},
        {"rule6 requirement without text", NULL, "立行立改", NULL, "严肃问责", "严肃追责。",
         "一要立行立改。二要严肃问责。严肃追责。"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        model_bulletin *b = skeleton();
        const char *rq[] = {t[i].t1, t[i].x1, t[i].t2, t[i].x2};
        set_reqs(b, t[i].lead, rq, 2);
        doc_document *d = run0(b);
        CHECK_STR(t[i].name, body(d, 4), t[i].want);
        doc_free(d);
        free_model(b);
    }
    model_bulletin *b = skeleton();
    set_reqs(b, "各区要压实责任。", NULL, 0);
    doc_document *d = run0(b);
    CHECK_STR("rule6 lead alone", body(d, 4), "各区要压实责任。");
    doc_free(d);
    set_reqs(b, NULL, NULL, 0);
    d = run0(b);
    CHECK("rule6 no requirements: no block", find_block(d, "body", 4) == -1, "extra block");
    doc_free(d);
    free_model(b);
}

/* Accountability cases. */
static model_case *add_cases(model_bulletin *b, size_t n) {
    b->has_cases = 1;
    b->cases = alloc(b, n * sizeof *b->cases);
    b->n_cases = n;
    return b->cases;
}

static void set_outcomes(model_bulletin *b, model_case *k, const model_outcome *o, size_t n) {
    k->outcomes = alloc(b, (n ? n : 1) * sizeof *o);
    memcpy(k->outcomes, o, n * sizeof *o);
    k->n_outcomes = n;
}

static void test_cases(void) {
    model_bulletin *b = new_model();
    b->title = "关于疫情防控工作中典型问题的通报";
    b->issuer = "江城市纪委监委";
    b->date = "2026-11-21";
    b->to = "各区纪委监委";
    b->cases_lead = "现将近期查处的4起典型问题通报如下：";
    model_case *k = add_cases(b, 4);
    k[0].subject = "东湖区青山街道办事处副主任李某";
    k[0].problem = "履行疫情防控职责不力";
    k[0].facts = "李某作为分包和平社区的责任人，11月18日至20日未到卡点值守，……";
    static const model_outcome o0[] = {{"2026-11-20", "李某", "乡科级领导干部", "诫勉", "被给予诫勉谈话处理"}};
    set_outcomes(b, &k[0], o0, 1);
    k[1].subject = "市农业农村局下沉干部";
    k[1].problem = "作风不实、履职不力问题";
    k[1].facts = "执法总队副大队长汪大武作为分管领导，没有对干部下沉社区提出工作要求";
    static const model_outcome o1[] = {
        {NULL, "汪大武", NULL, "诫勉", "被给予诫勉谈话处理"},
        {"2025-12-30", "吴七华", NULL, "批评教育", "被给予批评教育。"},
        {"2026-11-19", NULL, NULL, "组织处理", "执法总队党委被责成作出深刻书面检查"},
        {"2026-11-19", "罗某", NULL, "党纪处分", "罗某被给予党内警告处分"},
    };
    set_outcomes(b, &k[1], o1, 4);
    k[2].subject = "西山区某社区";
    k[2].problem = "值守缺位";
    k[2].facts = "该社区卡点多日无人值守。";
    k[3].subject = "某局";
    k[3].problem = "敷衍应付";
    static const model_outcome o3[] = {{"2026-11-18", "张某", NULL, NULL, "被提醒谈话"},
                                       {"2026-11-19", NULL, NULL, NULL, NULL}};
    set_outcomes(b, &k[3], o3, 2);
    static const char *const rq[] = {"严明纪律", "对失职失责的严肃问责。"};
    set_reqs(b, NULL, rq, 1);

    compose_opts o = {.kind = "wenze"};
    err e;
    doc_document *d = run(b, &o, &e);
    CHECK("wenze composes", d != NULL, "%s", e.msg);
    static const char *styles[] = {"title", "to", "body", "case-title", "body", "case-title", "body",
                                   "case-title", "body", "case-title", "body", "body", "signature", "date"};
    int ok = d && d->n_blocks == sizeof styles / sizeof *styles;
    for (size_t i = 0; ok && i < d->n_blocks; i++) ok = strcmp(d->blocks[i].style, styles[i]) == 0;
    CHECK("wenze block order: no preamble/categories/rectification", ok, "n_blocks=%zu", d ? d->n_blocks : 0);
    CHECK_STR("cases lead", body(d, 0), "现将近期查处的4起典型问题通报如下：");
    int h = find_block(d, "case-title", 0);
    CHECK_STR("case title 1、…问题。", btext(d, h), "1、东湖区青山街道办事处副主任李某履行疫情防控职责不力问题。");
    CHECK_STR("case title outline", h >= 0 ? d->blocks[h].outline : NULL, "1、东湖区青山街道办事处副主任李某履行疫情防控职责不力问题");
    CHECK("case title keep_with_next", h >= 0 && d->blocks[h].keep_with_next, "not set");
    CHECK_STR("case facts ending …… then dated outcome", body(d, 1),
              "李某作为分包和平社区的责任人，11月18日至20日未到卡点值守，……11月20日，李某被给予诫勉谈话处理。");
    CHECK_STR("case title with problem already ending 问题", btext(d, find_block(d, "case-title", 1)),
              "2、市农业农村局下沉干部作风不实、履职不力问题。");
    CHECK_STR("case multiple outcomes, undated, other year, no person, person in text", body(d, 2),
              "执法总队副大队长汪大武作为分管领导，没有对干部下沉社区提出工作要求。汪大武被给予诫勉谈话处理。"
              "2025年12月30日，吴七华被给予批评教育。11月19日，执法总队党委被责成作出深刻书面检查。"
              "11月19日，罗某被给予党内警告处分。");
    CHECK_STR("case without outcomes", body(d, 3), "该社区卡点多日无人值守。");
    CHECK_STR("case without facts; empty outcome skipped", body(d, 4), "11月18日，张某被提醒谈话。");
    CHECK_STR("case title number 4", btext(d, find_block(d, "case-title", 3)), "4、某局敷衍应付问题。");
    CHECK_STR("wenze requirements after cases", body(d, 5), "一要严明纪律。对失职失责的严肃问责。");
    doc_free(d);

    /* cases in a dubao: after rectification, before requirements */
    model_bulletin *s = skeleton();
    s->has_cases = 1;
    s->cases = b->cases;
    s->n_cases = 1;
    d = run0(s);
    int ct = find_block(d, "case-title", 0);
    CHECK("dubao: cases between rectification and requirements",
          ct > 0 && strncmp(btext(d, ct - 1), "对以上通报", 15) == 0 && strncmp(btext(d, ct + 2), "各区各部门", 15) == 0,
          "ct=%d", ct);
    doc_free(d);
    free_model(s);

    k[3].outcomes[0].date = "2026-11-31";
    d = run(b, &o, &e);
    CHECK("malformed outcome date → TB_EINPUT", !d && e.code == TB_EINPUT && strstr(e.msg, "case 4"),
          "code %d msg %s", e.code, e.msg);
    doc_free(d);
    free_model(b);
}

static void test_kinds(void) {
    err e;
    /* jianbao: same body, no to block, no signature/date blocks; fields kept */
    model_bulletin *b = skeleton();
    compose_opts o = {.kind = "jianbao"};
    doc_document *d = run(b, &o, &e);
    CHECK("jianbao: no to/signature/date blocks", d && find_block(d, "to", 0) < 0 &&
          find_block(d, "signature", 0) < 0 && find_block(d, "date", 0) < 0, "present");
    CHECK("jianbao: same body", d && body(d, 1) && strncmp(body(d, 1), "一是卡点值守不到位。", 30) == 0 &&
          find_block(d, "body", 4) >= 0, "differs");
    CHECK_STR("jianbao: date field kept", doc_field_get(d, "date"), "2026年11月21日");
    CHECK_STR("jianbao: to field kept", doc_field_get(d, "to"), "东湖区、西山区疫情防控指挥部");
    doc_free(d);

    o.kind = "bogus";
    d = run(b, &o, &e);
    CHECK("unknown kind → TB_ETEMPLATE", !d && e.code == TB_ETEMPLATE, "code %d", e.code);
    doc_free(d);

    /* zhenggai: the extract for 西山区 */
    b->categories[0].findings[3].id = "JC2026-007-004";
    b->categories[0].findings[3].deadline = "2026-11-22T12:00";
    b->categories[1].findings[0].id = "JC2026-007-006";
    compose_opts z = {.kind = "zhenggai", .district = "西山区"};
    d = run(b, &z, &e);
    CHECK("zhenggai composes", d != NULL, "%s", e.msg);
    CHECK_STR("zhenggai title", btext(d, find_block(d, "title", 0)), "关于暗访发现问题限期整改的通知");
    CHECK_STR("zhenggai to", btext(d, find_block(d, "to", 0)), "西山区：");
    CHECK_STR("zhenggai intro", body(d, 0),
              "11月20日晚至11月21日，市疫情防控指挥部督导组、市委组织部对城区各街道疫情防控措施落实情况进行暗访，"
              "发现你区存在以下问题，现通知如下：");
    CHECK_STR("zhenggai category 1: only the district, ids, own deadline", body(d, 1),
              "一是卡点值守不到位。石桥街道石桥社区石桥三组卡点夜间无人值守（JC2026-007-004）（整改时限：11月22日12：00）。");
    CHECK_STR("zhenggai category 2", body(d, 2),
              "二是重点人员管控不严。石桥街道红星社区红星小区居家隔离户门口未张贴告知书（JC2026-007-006）（整改时限：11月22日）。");
    CHECK("zhenggai deadline run styled", has_run(d, find_block(d, "body", 2), "（整改时限：11月22日）", "deadline"), "missing");
    CHECK_STR("zhenggai rectification names the district", body(d, 3),
              "对以上问题，西山区要立即整改，并对相关责任人严肃问责处理，整改及处理结果务于11月22日17：00前以党组织名义报送市疫情防控指挥部督导问责组。");
    CHECK("zhenggai: no requirements", find_block(d, "body", 4) < 0, "present");
    CHECK_STR("zhenggai signature", btext(d, find_block(d, "signature", 0)), "江城市疫情防控指挥部督导组");
    CHECK_STR("zhenggai date", btext(d, find_block(d, "date", 0)), "2026年11月21日");
    CHECK_STR("zhenggai district field", doc_field_get(d, "district"), "西山区");
    CHECK_STR("zhenggai to field", doc_field_get(d, "to"), "西山区");
    CHECK_STR("zhenggai title field", doc_field_get(d, "title"), "关于暗访发现问题限期整改的通知");
    doc_free(d);

    /* 东湖区: category 2 dropped, renumbering; explicit responsible ignored */
    b->rect_responsible = "各区";
    b->categories[0].findings[0].id = "JC2026-007-001";
    z.district = "东湖区";
    d = run(b, &z, &e);
    CHECK_STR("zhenggai drops categories without the district's findings", body(d, 1),
              "一是卡点值守不到位。青山街道和平社区锦绣小区北门无人值守，进出人员未测体温（JC2026-007-001）；"
              "东苑小区登记册多日未填写；白沙街道新河社区新河菜市场入口未设测温点。");
    CHECK("zhenggai 东湖区 has one category", body(d, 2) && strncmp(body(d, 2), "对以上问题，东湖区要", 30) == 0,
          "got %s", body(d, 2));
    doc_free(d);

    /* renumbering when only the second category has the district */
    model_bulletin *r = new_model();
    r->date = "2026-11-21";
    r->issuer = "I";
    static const fspec f1[] = {{"东湖区", NULL, NULL, "甲", NULL, "A", NULL, NULL, NULL}};
    static const fspec f2[] = {{"西山区", NULL, NULL, "乙", NULL, "B", NULL, NULL, NULL}};
    add_cat(r, "一类", f1, 1);
    add_cat(r, "二类", f2, 1);
    static const char *const kv[] = {"zhenggai-intro", "经查，{district}存在以下问题：", "zhenggai-to", "{district}疫情防控指挥部", NULL};
    words w = {kv};
    compose_opts z2 = {.kind = "zhenggai", .district = "西山区", .word = lookup, .word_ctx = &w};
    d = run(r, &z2, &e);
    CHECK_STR("zhenggai renumbers from 一是", body(d, 1), "一是二类。乙B。");
    CHECK_STR("zhenggai word intro", body(d, 0), "经查，西山区存在以下问题：");
    CHECK_STR("zhenggai word to", btext(d, find_block(d, "to", 0)), "西山区疫情防控指挥部：");
    doc_free(d);

    static const char *const kv2[] = {"zhenggai-intro", "{inspectors}在{method}中发现{district}存在以下问题：", NULL};
    words w2 = {kv2};
    r->has_inspection = 1;
    r->inspectors = INSPECTORS;
    r->n_inspectors = 2;
    r->action = "进行暗访";
    z2.word_ctx = &w2;
    d = run(r, &z2, &e);
    CHECK_STR("zhenggai word intro with {inspectors} {method}", body(d, 0),
              "市疫情防控指挥部督导组、市委组织部在督查中发现西山区存在以下问题：");
    doc_free(d);

    r->has_inspection = 0;
    z2.word = NULL;
    d = run(r, &z2, &e);
    CHECK_STR("zhenggai intro without inspection", body(d, 0), "发现你区存在以下问题，现通知如下：");
    doc_free(d);

    z2.district = "南湖区";
    d = run(r, &z2, &e);
    CHECK("zhenggai unknown district → TB_ENOTFOUND", !d && e.code == TB_ENOTFOUND && strstr(e.msg, "东湖区、西山区"),
          "code %d msg %s", e.code, e.msg);
    doc_free(d);

    r->categories[1].findings[0].deadline = "2026-11-22T7:00";
    z2.district = "西山区";
    d = run(r, &z2, &e);
    CHECK("malformed finding deadline → TB_EINPUT with the finding's line",
          !d && e.code == TB_EINPUT && e.line == 100 && e.col == 7 && strstr(e.msg, "2026-11-22T7:00"),
          "code %d line %d msg %s", e.code, e.line, e.msg);
    doc_free(d);
    free_model(r);

    /* header date malformed */
    b->date = "21/11/2026";
    d = run(b, NULL, &e);
    CHECK("malformed header date → TB_EINPUT", !d && e.code == TB_EINPUT, "code %d", e.code);
    doc_free(d);
    free_model(b);

    /* minimal bulletin: nothing but a title */
    b = new_model();
    b->title = "T";
    d = run0(b);
    CHECK("minimal bulletin: only a title block", d && d->n_blocks == 1 && strcmp(d->blocks[0].style, "title") == 0,
          "n_blocks=%zu", d ? d->n_blocks : 0);
    CHECK("minimal bulletin: no meta date", d && d->meta_date == NULL, "set");
    doc_free(d);
    free_model(b);

    d = compose_bulletin(NULL, NULL, &e);
    CHECK("NULL bulletin refused", d == NULL, "composed");
}

/* ---- history paragraphs (issue 5) -------------------------------------- */

/* The i-th body block that starts with prefix, or NULL. */
static const char *body_starting(doc_document *d, const char *prefix) {
    for (int n = 0;; n++) {
        int i = find_block(d, "body", n);
        if (i < 0) return NULL;
        const char *t = btext(d, i);
        if (t && strncmp(t, prefix, strlen(prefix)) == 0) return t;
    }
}

static int count_starting(doc_document *d, const char *prefix) {
    int k = 0;
    for (int n = 0;; n++) {
        int i = find_block(d, "body", n);
        if (i < 0) return k;
        const char *t = btext(d, i);
        if (t && strncmp(t, prefix, strlen(prefix)) == 0) k++;
    }
}

static model_history_item OVERDUE[12];
static char OVERDUE_IDS[12][32];

static model_history base_history(void) {
    model_history h = {0};
    h.today = "2026-11-22";
    h.has_prev = 1;
    h.prev_year = 2026;
    h.prev_issue = 6;
    h.prev_date = "2026-11-21";
    h.prev_findings = 33;
    h.prev_done = 27;
    h.prev_open = 4;
    h.prev_overdue = 2;
    h.prev_repeated = 6;
    for (int i = 0; i < 12; i++) {
        snprintf(OVERDUE_IDS[i], sizeof OVERDUE_IDS[i], "JC2026-006-%03d", i + 1);
        OVERDUE[i].id = OVERDUE_IDS[i];
        OVERDUE[i].place = i == 1 ? "市交通运输局东湖路家属院" : "东湖区和平社区锦绣小区";
    }
    h.prev_overdue_items = OVERDUE;
    h.n_prev_overdue_items = 2;
    h.earlier = 6;
    h.bulletins = 7;
    h.inspections = 7;
    h.findings = 198;
    h.done = 150;
    h.open = 40;
    h.overdue = 8;
    h.repeats = 12;
    return h;
}

static doc_document *compose_h(model_bulletin *b, const model_history *h, const char *kind,
                               const char *const *kv) {
    b->history = h;
    words w = {kv};
    compose_opts o = {.kind = kind, .word = kv ? lookup : NULL, .word_ctx = &w};
    err e;
    doc_document *d = run(b, &o, &e);
    if (!d) printf("# compose failed: %s\n", e.msg);
    return d;
}

static void test_history(void) {
    model_bulletin *b = skeleton();
    model_history h = base_history();
    doc_document *d = compose_h(b, NULL, NULL, NULL);
    CHECK("history: none without figures", d && !body_starting(d, "上期") && !body_starting(d, "截至目前"), "present");
    doc_free(d);

    d = compose_h(b, &h, NULL, NULL);
    CHECK_STR("history: 上期 mixed", body_starting(d, "上期"),
              "上期通报的33个问题中，已整改27个，正在整改4个，逾期未整改2个。逾期未整改的分别是：东湖区和平社区锦绣小区"
              "（JC2026-006-001）、市交通运输局东湖路家属院（JC2026-006-002）。此次督查发现，上期通报的问题中有6个仍未整改到位，已再次通报。");
    CHECK_STR("history: 截至目前 full", body_starting(d, "截至目前"),
              "截至目前，共开展督查7轮，发现问题198个（含重复通报12个），已整改150个，逾期未整改8个；印发督查通报7期。");
    int st = -1, rect = -1, req = -1, stats = -1;
    for (int n = 0; d && find_block(d, "body", n) >= 0; n++) {
        const char *t = body(d, n);
        if (!strncmp(t, "上期", 6)) st = n;
        if (!strncmp(t, "对以上通报", 15)) rect = n;
        if (!strncmp(t, "各区各部门", 15)) req = n;
        if (!strncmp(t, "截至目前", 12)) stats = n;
    }
    CHECK("history: order rectification, 上期, 截至目前, requirements", rect >= 0 && st == rect + 1 && stats == st + 1 && req == stats + 1,
          "rect %d status %d stats %d req %d", rect, st, stats, req);
    doc_free(d);

    /* every block is tagged with its part, for a template's <order> */
    b->has_cases = 1;
    b->cases_lead = "现将典型问题通报如下：";
    model_case *k = add_cases(b, 1);
    k[0].subject = "某社区党委书记张某";
    k[0].problem = "履职不力";
    k[0].facts = "卡点无人值守。";
    d = compose_h(b, &h, NULL, NULL);
    buf parts;
    buf_init(&parts);
    for (size_t i = 0; d && i < d->n_blocks; i++) buf_printf(&parts, "%s ", doc_block_part(&d->blocks[i]));
    CHECK_STR("history: parts of every block", buf_cstr(&parts),
              "title to preamble findings findings rectification status cases cases cases statistics requirements signature signature ");
    buf_free(&parts);
    doc_free(d);
    b->has_cases = 0;

    /* one state covers every problem */
    struct { long n, k, l, j; const char *want; } whole[] = {
        {33, 33, 0, 0, "上期通报的33个问题已全部整改。"},
        {1, 1, 0, 0, "上期通报的1个问题已整改。"},
        {5, 0, 5, 0, "上期通报的5个问题均在整改期限内。"},
        {1, 0, 1, 0, "上期通报的1个问题尚在整改期限内。"},
        {2, 0, 0, 2, "上期通报的2个问题均逾期未整改。逾期未整改的分别是：东湖区和平社区锦绣小区（JC2026-006-001）、市交通运输局东湖路家属院（JC2026-006-002）。"},
        {1, 0, 0, 1, "上期通报的1个问题逾期未整改。逾期未整改的是：东湖区和平社区锦绣小区（JC2026-006-001）。"},
        {4, 0, 3, 1, "上期通报的4个问题中，正在整改3个，逾期未整改1个。逾期未整改的是：东湖区和平社区锦绣小区（JC2026-006-001）。"},
        {4, 3, 1, 0, "上期通报的4个问题中，已整改3个，正在整改1个。"},
    };
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++) {
        model_history x = base_history();
        x.prev_findings = whole[i].n;
        x.prev_done = whole[i].k;
        x.prev_open = whole[i].l;
        x.prev_overdue = whole[i].j;
        x.n_prev_overdue_items = (size_t)whole[i].j;
        x.prev_repeated = 0;
        d = compose_h(b, &x, NULL, NULL);
        char name[64];
        snprintf(name, sizeof name, "history: 上期 %ld/%ld/%ld/%ld", whole[i].n, whole[i].k, whole[i].l, whole[i].j);
        CHECK_STR(name, body_starting(d, "上期"), whole[i].want);
        doc_free(d);
    }

    /* more than ten overdue: the first ten, then 等 */
    model_history x = base_history();
    x.prev_done = 20;
    x.prev_open = 1;
    x.prev_overdue = 12;
    x.n_prev_overdue_items = 12;
    x.prev_repeated = 0;
    d = compose_h(b, &x, NULL, NULL);
    const char *t = body_starting(d, "上期");
    CHECK("history: 11+ overdue named 10 then 等", t && strstr(t, "逾期未整改的包括：东湖区") && strstr(t, "（JC2026-006-010）等。") &&
          !strstr(t, "JC2026-006-011"), "%s", t ? t : "(none)");
    doc_free(d);

    /* nothing to say about 上期 */
    x = base_history();
    x.has_prev = 0;
    d = compose_h(b, &x, NULL, NULL);
    CHECK("history: first issue, no 上期", d && !body_starting(d, "上期") && body_starting(d, "截至目前"), "wrong");
    doc_free(d);
    x = base_history();
    x.prev_findings = x.prev_done = x.prev_open = x.prev_overdue = 0;
    d = compose_h(b, &x, NULL, NULL);
    CHECK("history: 上期 without findings, no paragraph", d && !body_starting(d, "上期"), "present");
    doc_free(d);
    x = base_history();
    x.earlier = 0;
    d = compose_h(b, &x, NULL, NULL);
    CHECK("history: no earlier bulletin, no 截至目前", d && !body_starting(d, "截至目前"), "present");
    doc_free(d);

    /* every figure that is 0 drops out cleanly; scope, cases, people */
    static model_history_scope one_round[] = {{"街道", "个", 12, 1}, {"社区（村）", "个", 37, 1}, {"卡点", NULL, 0, 1}};
    static model_history_count ranks[] = {{"村（社区）干部", 19}, {"一般干部", 6}, {"乡科级领导干部", 10}, {"县处级领导干部", 0}};
    static model_history_count kinds[] = {{"提醒谈话", 13}, {"其他", 2}, {"党纪处分", 10}};
    x = base_history();
    x.inspections = 1;
    x.scope = one_round;
    x.n_scope = 3;
    x.done = 0;
    x.overdue = 0;
    x.repeats = 0;
    x.case_bulletins = 2;
    x.cases = 4;
    x.people = 41;
    x.orgs = 0;
    x.by_rank = ranks;
    x.n_by_rank = 4;
    x.by_kind = kinds;
    x.n_by_kind = 3;
    d = compose_h(b, &x, NULL, NULL);
    CHECK_STR("history: 截至目前 with one round, cases, ranks and kinds in order", body_starting(d, "截至目前"),
              "截至目前，共开展督查1轮，涉及12个街道、37个社区（村），发现问题198个；印发督查通报7期，典型案例通报2期4起41人；"
              "问责党员干部41人，其中乡科级领导干部10人、一般干部6人、村（社区）干部19人，党纪处分10人、提醒谈话13人。");
    doc_free(d);
    static model_history_scope rounds[] = {{"街道", "个", 26, 2}, {"人员", NULL, 9, 1}};
    static model_history_count other_only[] = {{"其他", 1}};
    x.inspections = 2;
    x.scope = rounds;
    x.n_scope = 2;
    x.by_rank = NULL;
    x.n_by_rank = 0;
    x.by_kind = other_only;
    x.n_by_kind = 1;
    x.people = 3;
    x.orgs = 1;
    x.case_bulletins = 0;
    x.cases = 0;
    d = compose_h(b, &x, NULL, NULL);
    CHECK_STR("history: visits (次), body and people, no 其中 without ranks or kinds", body_starting(d, "截至目前"),
              "截至目前，共开展督查2轮，累计涉及街道26个（次）、人员9次，发现问题198个；印发督查通报7期；问责党组织1个、党员干部3人。");
    doc_free(d);
    /* issue 18: the scope clause is bounded.  Counts that differ only in
     * spaces, full-width letters or a closing mark are one entry; past
     * history-scope-max (default 6) entries the list ends with 等 */
    static model_history_scope varied[] = {
        {"街道", "个", 10, 1}, {"社区（村）", "个", 20, 1}, {"街道 ", "个", 5, 1}, {"卡点。", "处", 3, 1},
        {"卡点", " 处", 4, 1}, {"楼宇", "栋", 1, 1}, {"商户", "家", 2, 1}, {"园区", "个", 3, 1},
        {"学校", "所", 4, 1}, {"街道", "个", 1, 1}, {"医院", "家", 6, 1}};
    x.scope = varied;
    x.n_scope = sizeof varied / sizeof *varied;
    x.people = 3;
    d = compose_h(b, &x, NULL, NULL);
    CHECK_STR("history: scope entries alike are summed, six named, then 等", body_starting(d, "截至目前"),
              "截至目前，共开展督查2轮，累计涉及街道16个（次）、社区（村）20个（次）、卡点7处（次）、楼宇1栋（次）、"
              "商户2家（次）、园区3个（次）等，发现问题198个；印发督查通报7期；问责党组织1个、党员干部3人。");
    doc_free(d);
    {
        const char *kv2[] = {"history-scope-max", "2", NULL};
        d = compose_h(b, &x, NULL, kv2);
        CHECK_STR("history: history-scope-max 2", body_starting(d, "截至目前"),
                  "截至目前，共开展督查2轮，累计涉及街道16个（次）、社区（村）20个（次）等，发现问题198个；"
                  "印发督查通报7期；问责党组织1个、党员干部3人。");
        doc_free(d);
        const char *kv0[] = {"history-scope-max", "0", NULL};
        d = compose_h(b, &x, NULL, kv0);
        CHECK_STR("history: history-scope-max 0 leaves the scope out", body_starting(d, "截至目前"),
                  "截至目前，共开展督查2轮，发现问题198个；印发督查通报7期；问责党组织1个、党员干部3人。");
        doc_free(d);
        /* 1,000 scope variants (a wording that changes every issue): the
         * clause stays six entries long */
        model_history_scope *many = calloc(1000, sizeof *many);
        char (*names)[32] = calloc(1000, sizeof *names);
        for (int i = 0; many && names && i < 1000; i++) {
            snprintf(names[i], sizeof names[i], "卡点%d号", i);
            many[i] = (model_history_scope){names[i], "处", 1, 2};
        }
        x.scope = many;
        x.n_scope = many && names ? 1000 : 0;
        d = compose_h(b, &x, NULL, NULL);
        t = body_starting(d, "截至目前");
        CHECK("history: 1,000 scope variants, a bounded clause", t && strstr(t, "卡点5号1处（次）等，") && !strstr(t, "卡点6号") &&
              strlen(t) < 400, "%s", t ? t : "(none)");
        doc_free(d);
        free(many);
        free(names);
    }
    x.scope = rounds;
    x.n_scope = 2;
    x.people = 0;
    d = compose_h(b, &x, NULL, NULL);
    t = body_starting(d, "截至目前");
    CHECK("history: only a body held accountable", t && strstr(t, "；问责党组织1个。") && !strstr(t, "党员干部"), "%s", t ? t : "(none)");
    doc_free(d);
    x = base_history();
    x.inspections = 0;
    x.findings = x.done = x.open = x.overdue = x.repeats = 0;
    d = compose_h(b, &x, NULL, NULL);
    CHECK_STR("history: bulletins only", body_starting(d, "截至目前"), "截至目前，印发督查通报7期。");
    CHECK("history: no zero figures anywhere", d && !strstr(body_starting(d, "截至目前"), "0个") &&
          !strstr(body_starting(d, "截至目前"), "其中0"), "zero");
    doc_free(d);

    /* kinds: jianbao names its own publication; wenze keeps to the cases;
     * zhenggai and extracts never carry series figures */
    x = base_history();
    d = compose_h(b, &x, "jianbao", NULL);
    CHECK("history: jianbao 印发简报", d && body_starting(d, "上期") && strstr(body_starting(d, "截至目前"), "；印发简报7期。"), "wrong");
    doc_free(d);
    x.case_bulletins = 2;
    x.cases = 5;
    x.people = 9;
    x.orgs = 1;
    d = compose_h(b, &x, "wenze", NULL);
    CHECK_STR("history: wenze cases and accountability only", body_starting(d, "截至目前"),
              "截至目前，共印发典型案例通报2期5起9人；问责党组织1个、党员干部9人。");
    CHECK("history: wenze has no 上期 by default", d && !body_starting(d, "上期"), "present");
    doc_free(d);
    d = compose_h(b, &x, "zhenggai", NULL);
    CHECK("history: zhenggai none", d && !body_starting(d, "上期") && !body_starting(d, "截至目前"), "present");
    doc_free(d);
    static const char *const on[] = {"history-status", "yes", "history-stats", "yes", NULL};
    b->history = &x;
    words w = {on};
    compose_opts z = {.kind = "dubao", .district = "西山区", .word = lookup, .word_ctx = &w};
    err e;
    d = run(b, &z, &e);
    CHECK("history: district extract none even when switched on", d && !body_starting(d, "上期") && !body_starting(d, "截至目前"), "present");
    doc_free(d);

    /* template switches and patterns */
    static const char *const off[] = {"history-status", "no", "history-stats", "off", NULL};
    d = compose_h(b, &x, NULL, off);
    CHECK("history: switched off", d && !body_starting(d, "上期") && !body_starting(d, "截至目前"), "present");
    doc_free(d);
    d = compose_h(b, &x, "wenze", on);
    CHECK("history: wenze 上期 switched on", d && count_starting(d, "上期") == 1, "absent");
    doc_free(d);
    x = base_history();
    x.overdue = 0;
    static const char *const pat[] = {
        "history-stats", "[截至{date}，]本系列共发现问题{findings}个[，逾期未整改{overdue}个][，其中{ranks}]。",
        "history-status", "{prev-issue}（{prev-date}）通报问题整改情况：{status}",
        "history-bulletin-name", "通报", NULL};
    d = compose_h(b, &x, NULL, pat);
    CHECK_STR("history: stats pattern, 0 figures drop", body_starting(d, "截至"), "截至11月22日，本系列共发现问题198个。");
    CHECK("history: status pattern", d && body_starting(d, "第6期（11月21日）通报问题整改情况：上期通报的33个问题中"), "absent");
    doc_free(d);
    x.prev_year = 2025;
    x.prev_issue = 30;
    x.prev_date = "2025-12-30";
    d = compose_h(b, &x, NULL, pat);
    CHECK("history: 上期 in another year", d && body_starting(d, "2025年第30期（2025年12月30日）通报问题整改情况："), "absent");
    doc_free(d);
    static const char *const name[] = {"history-bulletin-name", "督查简报", NULL};
    x = base_history();
    d = compose_h(b, &x, NULL, name);
    CHECK("history: bulletin name word", d && strstr(body_starting(d, "截至目前"), "印发督查简报7期"), "absent");
    doc_free(d);
    static const char *const empty[] = {"history-stats", "", NULL};
    d = compose_h(b, &x, NULL, empty);
    CHECK("history: empty word switches off", d && !body_starting(d, "截至目前"), "present");
    doc_free(d);
    free_model(b);
}

int main(void) {
    test_numerals();
    test_dates();
    test_skeleton();
    test_fields_distribution();
    test_preamble();
    test_numbering();
    test_elision_joining();
    test_ids();
    test_rectification();
    test_requirements();
    test_cases();
    test_kinds();
    test_history();
    return TESTS_DONE();
}
