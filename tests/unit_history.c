/* unit_history.c — bulletins that remember (issue 5): history_prepare,
 * the archived context and history_restore, and the sentences compose
 * writes from them, over the multi-night scenario in tests/scenario/.
 *
 * Five bulletins of one series are issued through store_issue with a
 * render hook that does what `tongbao issue` does (history_prepare, then
 * compose), with rectification reports in between (as the CLI and as a
 * <rectifications> file would record them).  After each issue every figure
 * the bulletin carries is computed a second way, in plain SQL on a separate
 * connection, and the paragraphs are compared with the exact expected
 * text.  At the end every bulletin is rebuilt from the database alone and
 * must compose to the same text.  Run from the top of the tree (the
 * scenario files are read from tests/scenario/). */
#define _POSIX_C_SOURCE 200809L
#include "compose.h"
#include "history.h"
#include "parse.h"
#include "store.h"
#include "testlib.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];
static char dbfile[700];

/* ---- plain SQL on a second connection ------------------------------------ */
/* ?1 is bound to a1 and ?2 to a2 when the statement has them. */
static sqlite3_stmt *q_prepare(sqlite3 **db, const char *sql, const char *a1, const char *a2) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(dbfile, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(*db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sql: %s: %s\n", sql, sqlite3_errmsg(*db));
        return NULL;
    }
    if (sqlite3_bind_parameter_count(st) >= 1) sqlite3_bind_text(st, 1, a1, -1, SQLITE_TRANSIENT);
    if (sqlite3_bind_parameter_count(st) >= 2) sqlite3_bind_text(st, 2, a2, -1, SQLITE_TRANSIENT);
    return st;
}

static long long qn(const char *sql, const char *a1, const char *a2) {
    sqlite3 *db = NULL;
    long long v = -999;
    sqlite3_stmt *st = q_prepare(&db, sql, a1, a2);
    if (st && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static const char *qs(const char *sql, const char *a1, const char *a2) {
    static char ring[4][2048];
    static int r;
    char *out = ring[r++ % 4];
    snprintf(out, 2048, "(none)");
    sqlite3 *db = NULL;
    sqlite3_stmt *st = q_prepare(&db, sql, a1, a2);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, 2048, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* ---- issuing through the store, as `tongbao issue` does -------------------- */
typedef struct {
    store *s;
    const char *today;     /* history_prepare's today (NULL = header date) */
    buf text;              /* the composed text of the last render */
} hookctx;

static const char *kind_of(const model_bulletin *b) {
    return b->template_name && strcmp(b->template_name, "wenze") == 0 ? "wenze" : "dubao";
}

static int compose_text(const model_bulletin *b, buf *out, err *e) {
    compose_opts o = {.kind = kind_of(b), .show_ids = 1};
    doc_document *d = compose_bulletin(b, &o, e);
    if (!d) return -1;
    buf_reset(out);
    doc_write_text(d, out);
    doc_free(d);
    return 0;
}

static int render(void *ctx, model_bulletin *b, store_rendered *out, err *e) {
    hookctx *h = ctx;
    if (history_prepare(h->s, b, h->today, &out->context, e) < 0) return -1;
    if (compose_text(b, &h->text, e) < 0) return -1;
    buf_add(&out->pdf, h->text.data, h->text.len);   /* stands in for the PDF */
    out->pages = 1;
    return 0;
}

typedef struct {
    model_bulletin *b;
    char *xml;
    size_t len;
} input;

static input load(const char *path) {
    input in = {0};
    err e = {0};
    in.xml = file_read(path, PARSE_MAX_BYTES, &in.len, &e);
    in.b = in.xml ? parse_memory(in.xml, in.len, path, &e) : NULL;
    if (!in.b) printf("# cannot load %s: %s\n", path, e.msg);
    return in;
}

static void unload(input *in) {
    model_free(in->b);
    free(in->xml);
}

/* Issue path; the model stays alive in *in for the checks. */
static int issue(store *s, const char *path, input *in, hookctx *h) {
    *in = load(path);
    if (!in->b) return -1;
    store_hooks hk = {render, NULL, h};
    store_source src = {in->xml, in->len, path, kind_of(in->b), NULL, "tongbao test"};
    store_result res;
    err e = {0};
    int r = store_issue(s, in->b, &src, &hk, &res, &e);
    if (r != 0) printf("# issue %s: %d %s\n", path, r, e.msg);
    return r;
}

/* ---- the figures, a second way ---------------------------------------------- */
#define SERIES_ID "(SELECT id FROM series WHERE name = ?1)"
/* a person is a body when none of their outcomes in the case has a rank and
 * the name ends like one (the scenario's bodies are 党工委s) */
#define PEOPLE                                                                              \
    "(SELECT o.case_id, o.person, max(o.rank IS NOT NULL AND o.rank <> '') AS ranked "      \
    "FROM outcome o JOIN case_ c ON c.id = o.case_id JOIN bulletin b ON b.id = c.bulletin_id " \
    "WHERE b.series_id = " SERIES_ID " GROUP BY o.case_id, o.person)"
#define IS_ORG "(NOT ranked AND person LIKE '%党工委')"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "name=n;…" sorted by name, to compare with SQL's ORDER BY name. */
static const char *canon_counts(const model_history_count *xs, size_t n, char *out, size_t outlen) {
    char *items[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++) {
        items[k] = malloc(256);
        snprintf(items[k], 256, "%s=%ld", xs[i].name, xs[i].n);
        k++;
    }
    qsort(items, k, sizeof *items, cmp_str);
    out[0] = 0;
    for (size_t i = 0; i < k; i++) {
        strncat(out, items[i], outlen - strlen(out) - 1);
        strncat(out, ";", outlen - strlen(out) - 1);
        free(items[i]);
    }
    return out;
}

static void check_figures(const char *label, const model_bulletin *b) {
    const model_history *h = b->history;
    char name[160];
    snprintf(name, sizeof name, "%s: history figures present", label);
    CHECK(name, h != NULL && h->today != NULL, "none");
    if (!h || !h->today) return;
    const char *S = b->series, *D = h->today;
    char sql[2048], got[1024], want[1024];
    /* this bulletin and the one before it, by number */
    snprintf(sql, sizeof sql, "SELECT id FROM bulletin WHERE series_id = " SERIES_ID
             " AND year = %d AND issue_no = %d", b->year, b->issue_no);
    long long bid = qn(sql, S, NULL);
    snprintf(sql, sizeof sql, "SELECT coalesce((SELECT id FROM bulletin WHERE series_id = " SERIES_ID
             " AND (year < %d OR (year = %d AND issue_no < %d)) ORDER BY year DESC, issue_no DESC LIMIT 1), 0)",
             b->year, b->year, b->issue_no);
    long long pb = qn(sql, S, NULL);
    snprintf(name, sizeof name, "%s: previous issue found iff there is one", label);
    CHECK(name, (pb != 0) == (h->has_prev != 0), "sql %lld, history %d", pb, h->has_prev);
    if (pb) {
        struct { const char *what, *cond; long have; } prev[] = {
            {"findings", "1", h->prev_findings},
            {"done", "status = 'done'", h->prev_done},
            {"overdue", "status = 'open' AND deadline < ?2", h->prev_overdue},
            {"open", "status = 'open' AND (deadline IS NULL OR deadline >= ?2)", h->prev_open},
        };
        for (size_t i = 0; i < sizeof prev / sizeof *prev; i++) {
            snprintf(sql, sizeof sql, "SELECT count(*) FROM finding WHERE bulletin_id = %lld AND %s AND ?1 IS NOT NULL",
                     pb, prev[i].cond);
            long long v = qn(sql, S, D);
            snprintf(name, sizeof name, "%s: 上期 %s = SQL", label, prev[i].what);
            CHECK(name, v == prev[i].have, "history %ld, SQL %lld", prev[i].have, v);
        }
        snprintf(sql, sizeof sql, "SELECT count(*) FROM finding WHERE bulletin_id = %lld AND NOT recurs AND repeat_of IN "
                 "(SELECT id FROM finding WHERE bulletin_id = %lld)", bid, pb);
        long long rep = qn(sql, NULL, NULL);
        snprintf(name, sizeof name, "%s: 上期 repeated now = SQL", label);
        CHECK(name, rep == h->prev_repeated, "history %ld, SQL %lld", h->prev_repeated, rep);
        snprintf(sql, sizeof sql, "SELECT coalesce(group_concat(id, ','), '') FROM (SELECT id FROM finding "
                 "WHERE bulletin_id = %lld AND status = 'open' AND deadline < ?1 ORDER BY seq)", pb);
        snprintf(want, sizeof want, "%s", qs(sql, D, NULL));
        got[0] = 0;
        for (size_t i = 0; i < h->n_prev_overdue_items; i++) {
            if (i) strncat(got, ",", sizeof got - strlen(got) - 1);
            strncat(got, h->prev_overdue_items[i].id, sizeof got - strlen(got) - 1);
        }
        snprintf(name, sizeof name, "%s: overdue ones named = SQL", label);
        CHECK_STR(name, got, want);
    }
    /* cumulative, this bulletin included (it is recorded now) */
    struct { const char *what, *sql; long have; } cum[] = {
        {"earlier", "SELECT count(*) - 1 FROM bulletin WHERE series_id = " SERIES_ID, h->earlier},
        {"bulletins", "SELECT count(*) FROM bulletin WHERE series_id = " SERIES_ID, h->bulletins},
        {"inspections", "SELECT count(*) FROM bulletin WHERE series_id = " SERIES_ID " AND has_inspection", h->inspections},
        {"findings", "SELECT count(*) FROM finding WHERE series_id = " SERIES_ID, h->findings},
        {"done", "SELECT count(*) FROM finding WHERE series_id = " SERIES_ID " AND status = 'done'", h->done},
        {"overdue", "SELECT count(*) FROM finding WHERE series_id = " SERIES_ID " AND status = 'open' AND deadline < ?2", h->overdue},
        {"open", "SELECT count(*) FROM finding WHERE series_id = " SERIES_ID " AND status = 'open' AND (deadline IS NULL OR deadline >= ?2)", h->open},
        {"repeats", "SELECT count(*) FROM finding WHERE series_id = " SERIES_ID " AND repeat_of IS NOT NULL", h->repeats},
        {"recurring", "SELECT count(*) FROM finding WHERE series_id = " SERIES_ID " AND recurs", h->recurring},
        {"case bulletins", "SELECT count(DISTINCT c.bulletin_id) FROM case_ c JOIN bulletin b ON b.id = c.bulletin_id WHERE b.series_id = " SERIES_ID, h->case_bulletins},
        {"cases", "SELECT count(*) FROM case_ c JOIN bulletin b ON b.id = c.bulletin_id WHERE b.series_id = " SERIES_ID, h->cases},
        {"people", "SELECT count(*) FROM " PEOPLE " WHERE NOT " IS_ORG, h->people},
        {"orgs", "SELECT count(*) FROM " PEOPLE " WHERE " IS_ORG, h->orgs},
    };
    for (size_t i = 0; i < sizeof cum / sizeof *cum; i++) {
        long long v = qn(cum[i].sql, S, D);
        snprintf(name, sizeof name, "%s: cumulative %s = SQL", label, cum[i].what);
        CHECK(name, v == cum[i].have, "history %ld, SQL %lld", cum[i].have, v);
    }
    snprintf(name, sizeof name, "%s: done + open + overdue = findings", label);
    CHECK(name, h->done + h->open + h->overdue == h->findings, "%ld+%ld+%ld vs %ld", h->done, h->open, h->overdue, h->findings);
    snprintf(want, sizeof want, "%s", qs(
        "SELECT coalesce(group_concat(rank || '=' || n, ';') || ';', '') FROM (SELECT rank, count(*) AS n FROM "
        "(SELECT DISTINCT o.case_id, o.person, o.rank FROM outcome o JOIN case_ c ON c.id = o.case_id "
        "JOIN bulletin b ON b.id = c.bulletin_id WHERE b.series_id = " SERIES_ID " AND o.rank IS NOT NULL) "
        "GROUP BY rank ORDER BY rank)", S, NULL));
    snprintf(name, sizeof name, "%s: people by rank = SQL", label);
    CHECK_STR(name, canon_counts(h->by_rank, h->n_by_rank, got, sizeof got), want);
    snprintf(want, sizeof want, "%s", qs(
        "SELECT coalesce(group_concat(kind || '=' || n, ';') || ';', '') FROM (SELECT kind, count(*) AS n FROM "
        "(SELECT DISTINCT o.case_id, o.person, o.kind FROM outcome o JOIN case_ c ON c.id = o.case_id "
        "JOIN bulletin b ON b.id = c.bulletin_id WHERE b.series_id = " SERIES_ID " AND NOT (o.rank IS NULL AND o.person LIKE '%党工委')) "
        "GROUP BY kind ORDER BY kind)", S, NULL));
    snprintf(name, sizeof name, "%s: people by kind = SQL", label);
    CHECK_STR(name, canon_counts(h->by_kind, h->n_by_kind, got, sizeof got), want);
    snprintf(want, sizeof want, "%s", qs(
        "SELECT coalesce(group_concat(what || '/' || coalesce(unit, '') || '=' || t || 'x' || r, ';'), '') FROM "
        "(SELECT sc.what, sc.unit, sum(sc.number) AS t, count(*) AS r FROM scope_count sc JOIN bulletin b "
        "ON b.id = sc.bulletin_id WHERE b.series_id = " SERIES_ID " GROUP BY sc.what, sc.unit ORDER BY sc.what, sc.unit)",
        S, NULL));
    {
        char *items[32];
        size_t k = 0;
        for (size_t i = 0; i < h->n_scope && k < 32; i++, k++) {
            items[k] = malloc(256);
            snprintf(items[k], 256, "%s/%s=%ldx%ld", h->scope[i].what, h->scope[i].unit ? h->scope[i].unit : "",
                     h->scope[i].total, h->scope[i].rounds);
        }
        qsort(items, k, sizeof *items, cmp_str);
        got[0] = 0;
        for (size_t i = 0; i < k; i++) {
            if (i) strncat(got, ";", sizeof got - strlen(got) - 1);
            strncat(got, items[i], sizeof got - strlen(got) - 1);
            free(items[i]);
        }
        snprintf(name, sizeof name, "%s: scope sums = SQL", label);
        CHECK_STR(name, got, want);
    }
}

/* Does the composed text hold this exact paragraph (a whole line)? */
static void check_para(const char *label, const buf *text, const char *para) {
    const char *t = text->data ? text->data : "";
    size_t n = strlen(para);
    const char *p = t;
    int found = 0;
    while ((p = strstr(p, para)) != NULL) {
        if ((p == t || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0)) {
            found = 1;
            break;
        }
        p++;
    }
    CHECK(label, found, "paragraph not found: %s\n--- text:\n%s", para, t);
}

static void check_absent(const char *label, const buf *text, const char *needle) {
    CHECK(label, !strstr(text->data ? text->data : "", needle), "found %s", needle);
}

/* ---- the scenario ------------------------------------------------------------- */
#define SC "tests/scenario/"
#define QX "青溪市疫情防控督查通报"

static const char *const S2_STATUS =
    "上期通报的6个问题中，已整改2个，逾期未整改4个。逾期未整改的分别是：河东区新华社区新华小区（QX2026-001-001）、"
    "河西区柳营社区柳营新村（QX2026-001-003）、市卫生健康委家属院（QX2026-001-004）、河西区石桥社区石桥超市"
    "（QX2026-001-006）。此次督查发现，上期通报的问题中有3个仍未整改到位，已再次通报。";
static const char *const S2_STATS =
    "截至目前，共开展督查2轮，累计涉及街道7个（次）、社区（村）18个（次）、卡点35个（次），发现问题10个"
    "（含重复通报3个），已整改2个，逾期未整改4个；印发督查通报2期。";
static const char *const S3_STATUS =
    "上期通报的4个问题中，已整改1个，逾期未整改3个。逾期未整改的分别是：河西区柳营社区柳营新村（QX2026-002-002）、"
    "河西区北街社区北街广场（QX2026-002-003）、市卫生健康委家属 院（QX2026-002-004）。此次督查发现，上期通报的"
    "问题中有1个仍未整改到位，已再次通报。";
static const char *const S3_STATS =
    "截至目前，共开展督查3轮，累计涉及街道9个（次）、社区（村）18个（次）、卡点44个（次），发现问题13个"
    "（含重复通报6个，其中整改后复发1个），已整改4个，逾期未整改6个；印发督查通报3期，典型案例通报1期2起2人；问责党组织1个、"
    "党员干部2人，其中乡科级领导干部1人、村（社区）干部1人，组织处理1人、诫勉1人、通报批评1人。";
static const char *const S4_STATUS = "上期通报的3个问题已全部整改。";
static const char *const S4_STATS =
    "截至目前，共开展督查4轮，累计涉及街道9个（次）、社区（村）18个（次）、卡点44个（次），发现问题15个"
    "（含重复通报6个，其中整改后复发1个），已整改13个；印发督查通报4期，典型案例通报1期2起2人；问责党组织1个、党员干部2人，"
    "其中乡科级领导干部1人、村（社区）干部1人，组织处理1人、诫勉1人、通报批评1人。";
static const char *const S5_STATUS = "上期通报的2个问题均在整改期限内。";
static const char *const S5_STATS =
    "截至目前，共开展督查5轮，累计涉及街道10个（次）、社区（村）18个（次）、卡点44个（次），发现问题16个"
    "（含重复通报7个，其中整改后复发2个），已整改13个；印发督查通报5期，典型案例通报1期2起2人；问责党组织1个、党员干部2人，"
    "其中乡科级领导干部1人、村（社区）干部1人，组织处理1人、诫勉1人、通报批评1人。";
static const char *const W2_STATS =
    "截至目前，共印发典型案例通报2期6起9人；问责党组织1个、党员干部9人，其中乡科级领导干部3人、一般干部1人、"
    "村（社区）干部5人，立案审查1人、党纪处分2人、诫勉1人、通报批评2人、批评教育1人、提醒谈话2人。";

static int rectify(store *s, const char *series, const store_rectification *r, size_t n, const char *src) {
    err e = {0};
    int rc = store_rectify(s, series, r, n, src, &e);
    if (rc < 0) printf("# rectify: %s\n", e.msg);
    return rc;
}

typedef struct {
    const char *series;
    int issue;
    const char *text;   /* composed when issued (malloc'd) */
} issued;

static void test_scenario(issued *log, size_t *n_log) {
    err e = {0};
    store *s = store_open(dbfile, &e);
    CHECK("scenario db opens", s != NULL, "%s", e.msg);
    if (!s) return;
    hookctx h = {.s = s};
    buf_init(&h.text);
    input in;
#define LOG(b) do { log[*n_log].series = strdup((b)->series); log[*n_log].issue = (b)->issue_no; \
                    log[*n_log].text = strdup(h.text.data ? h.text.data : ""); (*n_log)++; } while (0)

    /* 第1期: nothing before it */
    CHECK("qx-1 issued", issue(s, SC "qx-1.xml", &in, &h) == 0, "failed");
    check_figures("qx-1", in.b);
    check_absent("qx-1: no 上期 paragraph (first issue)", &h.text, "上期通报");
    check_absent("qx-1: no 截至目前 paragraph (nothing before)", &h.text, "截至目前");
    CHECK("qx-1: earlier 0, figures are its own", in.b->history && in.b->history->earlier == 0 &&
          in.b->history->findings == 6 && in.b->history->bulletins == 1, "wrong");
    LOG(in.b);
    unload(&in);

    /* reported back on the command line */
    store_rectification r1[] = {{"QX2026-001-002", 1, "2026-03-03", NULL}, {"QX2026-001-005", 1, "2026-03-03", NULL}};
    CHECK("rectify 001-002, 001-005", rectify(s, NULL, r1, 2, "cli") == 0, "failed");

    /* 第2期: repeats, overdue ones named */
    CHECK("qx-2 issued", issue(s, SC "qx-2.xml", &in, &h) == 0, "failed");
    check_figures("qx-2", in.b);
    check_para("qx-2: 上期 paragraph", &h.text, S2_STATUS);
    check_para("qx-2: 截至目前 paragraph", &h.text, S2_STATS);
    CHECK("qx-2: repeat marked in the sentence", strstr(h.text.data,
          "一是前次通报问题未整改。河东区东门街道新华社区新华小区北门仍无人值守（QX2026-002-001）（该问题第2次通报，前次见第1期）。") != NULL,
          "%s", h.text.data);
    CHECK("qx-2: repeat across white space in the site", strstr(h.text.data,
          "市卫生健康委家属 院仍未设值守岗（QX2026-002-004）（该问题第2次通报，前次见第1期）。") != NULL, "%s", h.text.data);
    CHECK("qx-2: status after the rectification sentence",
          strstr(h.text.data, "报送市疫情防控指挥部督导组。\n上期通报的6个问题中") != NULL, "order");
    LOG(in.b);
    unload(&in);

    /* reported back in a file (done, and one reopened) */
    parse_rect_doc *doc = parse_rectifications_file(SC "rect-1.xml", &e);
    CHECK("rect-1.xml parses", doc != NULL, "%s", e.msg);
    if (doc) {
        store_rectification r2[8];
        for (size_t i = 0; i < doc->n_items && i < 8; i++)
            r2[i] = (store_rectification){doc->items[i].finding, doc->items[i].done,
                                          doc->items[i].done ? doc->items[i].date : "2026-03-05",
                                          doc->items[i].done ? doc->items[i].note : doc->items[i].reason};
        CHECK("rect-1.xml recorded", rectify(s, doc->series, r2, doc->n_items, SC "rect-1.xml") == 0, "failed");
        parse_rect_free(doc);
    }
    CHECK("reopened finding is open again", qn("SELECT status = 'open' AND done_date IS NULL FROM finding WHERE id = 'QX2026-001-002'",
          NULL, NULL) == 1, "not reopened");

    /* 第3期: third report, repeat of a reopened finding, cases */
    CHECK("qx-3 issued", issue(s, SC "qx-3.xml", &in, &h) == 0, "failed");
    check_figures("qx-3", in.b);
    check_para("qx-3: 上期 paragraph", &h.text, S3_STATUS);
    check_para("qx-3: 截至目前 paragraph with cases and accountability", &h.text, S3_STATS);
    CHECK("qx-3: third report", strstr(h.text.data, "卡点仍无人值守（QX2026-003-001）（该问题第3次通报，前次见第2期）。") != NULL, "%s", h.text.data);
    CHECK("qx-3: repeat of a reopened finding", strstr(h.text.data, "丽景小区登记仍不规范（QX2026-003-002）（该问题第2次通报，前次见第1期）；") != NULL, "%s", h.text.data);
    /* issue 19: the place was put right (第2期's finding) and is reported again */
    CHECK("qx-3: a rectified place reported again recurs", strstr(h.text.data, "新华小区南门值守人员脱岗（QX2026-003-003）"
          "（该问题曾于第2期通报并已整改，现再次出现）。") != NULL, "%s", h.text.data);
    CHECK("qx-3: order: rectification, status, cases, stats",
          strstr(h.text.data, S3_STATUS) < strstr(h.text.data, "现将2起典型问题通报如下：") &&
          strstr(h.text.data, "被调整工作岗位。\n截至目前") != NULL, "order");
    LOG(in.b);
    unload(&in);

    /* every open finding rectified */
    const char *all[] = {"QX2026-001-002", "QX2026-001-003", "QX2026-001-004", "QX2026-002-002", "QX2026-002-003",
                         "QX2026-002-004", "QX2026-003-001", "QX2026-003-002", "QX2026-003-003"};
    store_rectification r3[9];
    for (size_t i = 0; i < 9; i++) r3[i] = (store_rectification){all[i], 1, "2026-03-08", "已整改到位"};
    CHECK("rectify the other nine", rectify(s, QX, r3, 9, "cli") == 0, "failed");
    CHECK("nothing left open", qn("SELECT count(*) FROM finding WHERE status = 'open'", NULL, NULL) == 0, "open left");

    /* 第4期: 上期 all rectified */
    CHECK("qx-4 issued", issue(s, SC "qx-4.xml", &in, &h) == 0, "failed");
    check_figures("qx-4", in.b);
    check_para("qx-4: 上期 all rectified", &h.text, S4_STATUS);
    check_para("qx-4: 截至目前, no overdue clause", &h.text, S4_STATS);
    LOG(in.b);
    unload(&in);

    /* done, then reopened on the command line */
    store_rectification r4[] = {{"QX2026-004-001", 1, "2026-03-09", NULL}};
    store_rectification r5[] = {{"QX2026-004-001", 0, "2026-03-10", "复查未整改到位"}};
    CHECK("done then reopened", rectify(s, QX, r4, 1, "cli") == 0 && rectify(s, QX, r5, 1, "cli") == 0, "failed");

    /* 第5期: 上期 within its deadline */
    CHECK("qx-5 issued", issue(s, SC "qx-5.xml", &in, &h) == 0, "failed");
    check_figures("qx-5", in.b);
    check_para("qx-5: 上期 within deadline", &h.text, S5_STATUS);
    check_para("qx-5: 截至目前", &h.text, S5_STATS);
    CHECK("qx-5: 新华小区 rectified in 第3期 and back: recurs", strstr(h.text.data, "北门夜间无人值守（QX2026-005-001）"
          "（该问题曾于第3期通报并已整改，现再次出现）。") != NULL, "%s", h.text.data);
    LOG(in.b);
    unload(&in);

    /* the same bulletin, asked about a later day: overdue moves, nothing else */
    in = load(SC "qx-5.xml");
    if (in.b) {
        in.b->year = 2026;
        in.b->issue_no = 6;   /* a what-if 第6期: never recorded */
        buf ctx;
        buf_init(&ctx);
        int r = history_prepare(s, in.b, "2026-03-20", &ctx, &e);
        const model_history *x = in.b->history;
        CHECK("today parameter: overdue as of that day", r == 0 && x && strcmp(x->today, "2026-03-20") == 0 &&
              x->prev_issue == 5 && x->prev_overdue == 1 && x->prev_open == 0 && x->overdue == 4 && x->earlier == 5,
              "r=%d %s", r, e.msg);
        buf_free(&ctx);
    }
    unload(&in);

    /* a file made only of cases, twice in its series */
    CHECK("wenze 1 issued", issue(s, "examples/inbox/wenze-2026-11.xml", &in, &h) == 0, "failed");
    check_figures("wenze-1", in.b);
    check_absent("wenze-1: no cumulative paragraph (first of its series)", &h.text, "截至目前");
    CHECK("wenze-1: cases composed", strstr(h.text.data, "\n1、东湖区青山街道办事处副主任李某履行疫情防控职责不力问题。\n") &&
          strstr(h.text.data, "11月23日，李某被给予诫勉谈话处理。和平社区党委书记王某被给予通报批评处理。\n"), "%s", h.text.data);
    CHECK("wenze-1: organisation counted apart", in.b->history && in.b->history->orgs == 1 && in.b->history->people == 7,
          "orgs %ld people %ld", in.b->history ? in.b->history->orgs : -1, in.b->history ? in.b->history->people : -1);
    LOG(in.b);
    unload(&in);
    CHECK("wenze 2 issued", issue(s, SC "wenze-2.xml", &in, &h) == 0, "failed");
    check_figures("wenze-2", in.b);
    check_para("wenze-2: cumulative cases paragraph", &h.text, W2_STATS);
    check_absent("wenze-2: no 上期 paragraph for a wenze", &h.text, "上期通报");
    CHECK("wenze-2: stats before the requirements or at the end", strstr(h.text.data, "被给予提醒谈话处理。\n截至目前") != NULL, "%s", h.text.data);
    LOG(in.b);
    unload(&in);

    /* the store agrees with what the last dubao said (a third way) */
    arena *a = arena_new();
    store_stats st;
    int r = store_series_stats(s, QX, "2026-03-10", a, &st, &e);
    CHECK("store_series_stats agrees with 第5期's figures", r == 0 && st.bulletins == 5 && st.findings == 16 &&
          st.done == 13 && st.overdue == 0 && st.open == 3 && st.repeats == 7 && st.recurring == 2 &&
          st.people == 2 && st.orgs == 1, "r=%d b%ld f%ld d%ld o%ld op%ld rep%ld rec%ld", r, st.bulletins,
          st.findings, st.done, st.overdue, st.open, st.repeats, st.recurring);
    arena_free(a);
    buf_free(&h.text);
    store_close(s);
#undef LOG
}

/* Every bulletin rebuilt from the database alone composes to the text it
 * was issued with, although its findings have moved on since. */
static void test_regen(const issued *log, size_t n) {
    err e = {0};
    store *s = store_open_existing(dbfile, 1, &e);
    CHECK("regen: db opens read-only", s != NULL, "%s", e.msg);
    if (!s) return;
    buf text;
    buf_init(&text);
    for (size_t i = 0; i < n; i++) {
        arena *a = arena_new();
        store_archived ar;
        model_bulletin *b = NULL;
        char name[128];
        snprintf(name, sizeof name, "regen %s 第%d期 composes identically", log[i].series, log[i].issue);
        int ok = store_get_archived(s, log[i].series, 0, log[i].issue, a, &ar, &e) == 0 &&
                 (b = parse_memory((const char *)ar.source, ar.source_len, "archived", &e)) != NULL &&
                 store_restore(b, &ar, &e) == 0 && history_restore(b, ar.context, &e) == 0 &&
                 compose_text(b, &text, &e) == 0;
        CHECK(name, ok && strcmp(text.data ? text.data : "", log[i].text) == 0, "%s\n got: %s\nwant: %s", e.msg,
              text.data ? text.data : "", log[i].text);
        snprintf(name, sizeof name, "regen %s 第%d期 restores repeat links", log[i].series, log[i].issue);
        if (log[i].issue == 2 && strcmp(log[i].series, QX) == 0)
            CHECK(name, b && b->categories[0].findings[0].repeat_of &&
                  strcmp(b->categories[0].findings[0].repeat_of, "QX2026-001-001") == 0, "lost");
        model_free(b);
        arena_free(a);
    }
    buf_free(&text);
    store_close(s);
}

/* The nightly path: store_reserve calls history_prepare for each item while
 * the earlier items of the batch are visible; store_commit records them. */
typedef struct {
    store *s;
    buf ctx[2];
} batch;

static int prep(void *c, model_bulletin *b, size_t i, err *e) {
    batch *bt = c;
    buf_reset(&bt->ctx[i]);
    return history_prepare(bt->s, b, NULL, &bt->ctx[i], e);
}

static void test_batch(void) {
    char path[600];
    snprintf(path, sizeof path, "%s/batch.db", tmpdir);
    err e = {0};
    store *s = store_open(path, &e);
    input in[2] = {load(SC "qx-1.xml"), load(SC "qx-2.xml")};
    if (!s || !in[0].b || !in[1].b) {
        CHECK("batch setup", 0, "%s", e.msg);
        store_close(s);
        unload(&in[0]);
        unload(&in[1]);
        return;
    }
    batch bt = {.s = s};
    buf_init(&bt.ctx[0]);
    buf_init(&bt.ctx[1]);
    model_bulletin *bs[2] = {in[0].b, in[1].b};
    store_result res[2];
    int r = store_reserve(s, bs, 2, prep, &bt, res, &e);
    const model_history *h0 = in[0].b->history, *h1 = in[1].b->history;
    CHECK("batch: reserve with history", r == 0 && h0 && h1, "%s", e.msg);
    CHECK("batch: the second item sees the first", h1 && h1->has_prev && h1->prev_issue == 1 && h1->prev_findings == 6 &&
          h1->prev_repeated == 3 && h1->prev_overdue == 6 && h1->earlier == 1 && h1->bulletins == 2 && h1->findings == 10,
          "prev %d/%ld/%ld/%ld earlier %ld", h1 ? h1->has_prev : -1, h1 ? h1->prev_findings : -1,
          h1 ? h1->prev_repeated : -1, h1 ? h1->prev_overdue : -1, h1 ? h1->earlier : -1);
    CHECK("batch: the first item has no past", h0 && !h0->has_prev && h0->earlier == 0, "past");
    for (int i = 0; i < 2 && r == 0; i++) {
        store_rendered out;
        store_rendered_init(&out);
        buf_puts(&out.pdf, "%PDF-fake");
        buf_add(&out.context, bt.ctx[i].data, bt.ctx[i].len);
        store_source src = {in[i].xml, in[i].len, "x.xml", "dubao", NULL, "test"};
        r = store_commit(s, in[i].b, &src, &out, &res[i], &e);
        store_rendered_free(&out);
    }
    CHECK("batch: both committed", r == 0, "r=%d %s", r, e.msg);
    snprintf(dbfile, sizeof dbfile, "%s", path);   /* qs() reads dbfile */
    CHECK_STR("batch: the archived context is what prepare wrote",
              qs("SELECT context FROM bulletin_file f JOIN bulletin b ON b.id = f.bulletin_id WHERE b.issue_no = 2", NULL, NULL),
              bt.ctx[1].data ? bt.ctx[1].data : "");
    buf_free(&bt.ctx[0]);
    buf_free(&bt.ctx[1]);
    unload(&in[0]);
    unload(&in[1]);
    store_close(s);
}

/* ---- the context format ------------------------------------------------------ */
static void test_context(void) {
    input in = load(SC "qx-1.xml");
    if (!in.b) return;
    err e = {0};
    in.b->history = (const model_history *)1;   /* must be reset */
    CHECK("restore NULL context: no history", history_restore(in.b, NULL, &e) == 0 && in.b->history == NULL, "%s", e.msg);
    CHECK("restore empty context: no history", history_restore(in.b, "", &e) == 0 && in.b->history == NULL, "%s", e.msg);
    static const char good[] =
        "tongbao-history\t1\ntoday\t2026-03-04\nprev\t2026\t1\t2026-03-02\nprev-counts\t3\t1\t0\t2\t1\n"
        "overdue\tQX2026-001-001\ta\\tb\\\\c\\nd\noverdue\tQX2026-001-002\t\n"
        "earlier\t1\nbulletins\t2\ninspections\t2\nfindings\t7\ndone\t1\nopen\t4\noverdue-total\t2\nrepeats\t1\n"
        "case-bulletins\t0\ncases\t0\npeople\t0\norgs\t0\nscope\t街道\t\t7\t2\nrank\t一般干部\t2\nkind\t诫勉\t1\nend\n";
    int r = history_restore(in.b, good, &e);
    const model_history *h = in.b->history;
    CHECK("restore: figures", r == 0 && h && h->has_prev && h->prev_findings == 3 && h->prev_overdue == 2 &&
          h->findings == 7 && h->n_scope == 1 && h->scope[0].unit == NULL && h->scope[0].total == 7 &&
          h->n_by_rank == 1 && h->by_rank[0].n == 2 && h->n_by_kind == 1, "r=%d %s", r, e.msg);
    CHECK("restore: escapes undone", h && h->n_prev_overdue_items == 2 && strcmp(h->prev_overdue_items[0].place, "a\tb\\c\nd") == 0 &&
          h->prev_overdue_items[1].place == NULL, "place");
    /* version 2: the figures of series an item quotes (issue 11) */
    static const char quotes[] =
        "tongbao-history\t2\ntoday\t2026-03-04\nearlier\t1\nbulletins\t2\nscope\t街道\t个\t3\t1\nrank\t一般干部\t1\n"
        "quote\t甲通报\nearlier\t3\nbulletins\t3\ncase-bulletins\t2\ncases\t4\npeople\t10\n"
        "scope\t社区\t个\t9\t2\nscope\t卡点\t个\t5\t1\nrank\t村（社区）干部\t6\nkind\t诫勉\t2\n"
        "quote\t乙通报\nbulletins\t1\nend\n";
    memset(&e, 0, sizeof e);
    r = history_restore(in.b, quotes, &e);
    h = in.b->history;
    CHECK("restore: quoted series (version 2)",
          r == 0 && h && h->bulletins == 2 && h->n_scope == 1 && h->n_by_rank == 1 && h->n_quotes == 2 &&
          !strcmp(h->quotes[0].series, "甲通报") && h->quotes[0].bulletins == 3 && h->quotes[0].people == 10 &&
          h->quotes[0].n_scope == 2 && h->quotes[0].scope[1].total == 5 && h->quotes[0].n_by_rank == 1 &&
          h->quotes[0].n_by_kind == 1 && !strcmp(h->quotes[1].series, "乙通报") && h->quotes[1].bulletins == 1 &&
          h->quotes[1].n_scope == 0 && !strcmp(h->quotes[0].today, "2026-03-04"), "r=%d %s", r, e.msg);
    static const char *const bad[][2] = {
        {"tongbao-history\t4\nend\n", "version 4"},
        /* an escalation count (version 3) in a version-1 context */
        {"tongbao-history\t1\ntoday\t2026-03-04\nprev\t2026\t1\t2026-03-02\noverdue\tX\tY\t2\nend\n", "bad overdue record"},
        {"tongbao-history\t1\ntoday\t2026-03-04\nquote\tX\nend\n", "bad quote record"},
        {"tongbao-history\t2\ntoday\t2026-03-04\nquote\tX\nprev\t2026\t1\t2026-03-02\nend\n", "after a quote"},
        {"tongbao-history\t1\ntoday\t2026-03-04\nearlier\t1\n", "no end record"},
        {"tongbao-history\t1\ntoday\t2026-03-04\nfindings\tmany\nend\n", "not a number"},
        {"tongbao-history\t1\ntoday\t2026-03-04\nwhatever\t1\nend\n", "unknown record"},
        {"tongbao-history\t1\nend\n", "no today"},
        {"something else\n", "not a tongbao history"},
        {"tongbao-history\t1\ntoday\t2026-03-04\nend\nfindings\t1\n", "after the end"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&e, 0, sizeof e);
        r = history_restore(in.b, bad[i][0], &e);
        char name[96];
        snprintf(name, sizeof name, "restore refuses a damaged context (%s)", bad[i][1]);
        CHECK(name, r == -1 && e.code == TB_EVERIFY && strstr(e.msg, bad[i][1]) && in.b->history == NULL, "r=%d code %d %s", r, e.code, e.msg);
    }
    unload(&in);
}

/* ---- accountability counting ------------------------------------------------- */
static void test_case_counting(void) {
    CHECK("org: 党工委 without rank", store_outcome_is_org("石桥街道党工委", NULL), "no");
    CHECK("org: a 局", store_outcome_is_org("市交通运输局", NULL), "no");
    CHECK("not org: a person", !store_outcome_is_org("局办公室主任周某", NULL), "org");
    CHECK("not org: with a rank", !store_outcome_is_org("石桥街道党工委", "乡科级领导干部"), "org");
    CHECK("not org: nobody", !store_outcome_is_org(NULL, NULL), "org");
    arena *a = arena_new();
    store_stats st;
    memset(&st, 0, sizeof st);
    model_outcome o[] = {
        {NULL, "李某", "乡科级领导干部", "党纪处分", "x"},
        {NULL, "李某", NULL, "组织处理", "x"},          /* same person, second kind */
        {NULL, "李某", NULL, "党纪处分", "x"},          /* same person, same kind again */
        {NULL, "石桥街道党工委", NULL, "其他", "x"},
        {NULL, "石桥街道党工委", NULL, "通报批评", "x"}, /* a body once, however often */
        {NULL, NULL, NULL, "诫勉", "x"},                /* unnamed: one person each */
        {NULL, NULL, NULL, "诫勉", "x"},
    };
    store_stats_add_case(&st, a, o, sizeof o / sizeof *o);
    CHECK("case tally: people, orgs", st.people == 3 && st.orgs == 1, "people %ld orgs %ld", st.people, st.orgs);
    CHECK("case tally: ranks", st.n_by_rank == 1 && st.by_rank[0].n == 1, "n %zu", st.n_by_rank);
    CHECK("case tally: kinds once per person", st.n_by_kind == 3 && strcmp(st.by_kind[0].name, "党纪处分") == 0 &&
          st.by_kind[0].n == 1 && st.by_kind[1].n == 1 && strcmp(st.by_kind[2].name, "诫勉") == 0 && st.by_kind[2].n == 2,
          "n %zu", st.n_by_kind);
    /* the same person in another case counts again (a case is a case) */
    store_stats_add_case(&st, a, o, 1);
    CHECK("case tally: per case", st.people == 4 && st.by_rank[0].n == 2, "people %ld", st.people);
    arena_free(a);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "%s/tb_history_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(dbfile, sizeof dbfile, "%s/history.db", tmpdir);
    parse_init();
    issued log[16];
    size_t n_log = 0;
    test_scenario(log, &n_log);
    test_regen(log, n_log);
    for (size_t i = 0; i < n_log; i++) {
        free((char *)log[i].text);
        free((char *)log[i].series);
    }
    test_context();
    test_case_counting();
    test_batch();
    parse_cleanup();
    if (!tl_failed) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    } else {
        fprintf(stderr, "databases kept in %s\n", tmpdir);
    }
    return TESTS_DONE();
}
