/* unit_store.c — tests for the history database (src/store.c).
 *
 * Real SQLite files in a fresh temporary directory, no mocks.  Models are
 * built by hand in an arena (parse is someone else's module).  Figures the
 * store computes are checked against plain SQL run here on a separate
 * connection.  Protocol: tests/testlib.h. */
#define _POSIX_C_SOURCE 200809L
#include "store.h"
#include "store_int.h"
#include "digest.h"
#include "testlib.h"

#include <sqlite3.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[256];

static const char *dbpath(const char *name) {
    static char p[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
    return p[k];
}

/* ---- building models by hand ------------------------------------------------ */
/* A finding spec: "district|street|community|site|text[|deadline]"; a spec
 * starting with "@unit|site|text" is a unit finding; "#title" starts a new
 * category. */
static model_bulletin *mk(const char *series, const char *id, const char *date,
                          const char *const *specs) {
    arena *a = arena_new();
    if (!a) abort();
    model_bulletin *b = arena_alloc(a, sizeof *b);
    b->arena = a;
    b->source = arena_printf(a, "%s.xml", id);
    b->version = 1;
    b->id = arena_strdup(a, id);
    b->series = arena_strdup(a, series);
    /* Short ASCII series names ("S") double as their code, so IDs read
     * S2026-001-001; Chinese names exercise code derivation. */
    if (strspn(series, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(series)) b->series_code = b->series;
    b->title = "江城市城区疫情防控工作督查通报";
    b->issuer = "江城市疫情防控指挥部督导组";
    b->date = arena_strdup(a, date);
    b->has_inspection = 1;
    b->method = "暗访";
    b->counts = arena_alloc(a, sizeof *b->counts);
    b->counts[0] = (model_count){"街道", "个", "6"};
    b->n_counts = 1;
    b->has_rectification = 1;
    b->rect_deadline = "2026-11-22T17:00";
    b->rect_report_to = "市疫情防控指挥部督导问责组";
    size_t cap = 16;
    b->categories = arena_alloc(a, cap * sizeof *b->categories);
    for (const char *const *sp = specs; sp && *sp; sp++) {
        if (**sp == '#' || b->n_categories == 0) {
            model_category *c = &b->categories[b->n_categories++];
            c->title = arena_strdup(a, **sp == '#' ? *sp + 1 : "卡点值守不到位");
            c->findings = arena_alloc(a, 64 * sizeof *c->findings);
            if (**sp == '#') continue;
        }
        model_category *c = &b->categories[b->n_categories - 1];
        model_finding *f = &c->findings[c->n_findings++];
        char *tmp = arena_strdup(a, *sp), *fld[6] = {0};
        int n = 0;
        for (char *p = tmp; p && n < 6; n++) {
            fld[n] = p;
            p = strchr(p, '|');
            if (p) *p++ = 0;
        }
        if (tmp[0] == '@') {
            f->unit = fld[0] + 1;
            f->site = fld[1];
            f->text = fld[2];
        } else {
            f->district = fld[0];
            f->street = fld[1];
            f->community = fld[2];
            f->site = fld[3];
            f->text = fld[4];
            f->deadline = fld[5];
        }
    }
    return b;
}

static void mfree(model_bulletin *b) {
    if (b) arena_free(b->arena);
}

static const model_finding *nth(const model_bulletin *b, size_t k) {
    for (size_t c = 0; c < b->n_categories; c++) {
        if (k < b->categories[c].n_findings) return &b->categories[c].findings[k];
        k -= b->categories[c].n_findings;
    }
    return NULL;
}

/* ---- hooks ---------------------------------------------------------------------- */
typedef struct {
    int fail_render, fail_commit;
    int kill_in_commit;         /* SIGKILL ourselves inside before_commit */
    size_t pdf_bytes;           /* pad the fake PDF to this size */
    int renders;
    store *s;                   /* for queries from inside render */
    long stats_bulletins;       /* what store_series_stats said during render */
    int ofd, no_pdf, pdfa;      /* the forms to render (issue 13) */
} hookctx;

static int fake_render(void *ctx, model_bulletin *b, store_rendered *out, err *e) {
    hookctx *h = ctx;
    h->renders++;
    if (h->fail_render) return err_set(e, TB_EFONT, b->source, 0, 0, "test: render failed");
    if (h->s) {
        arena *a = arena_new();
        store_stats st;
        if (store_series_stats(h->s, b->series, "2026-12-01", a, &st, e) == 0)
            h->stats_bulletins = st.bulletins;
        else
            h->stats_bulletins = -1;
        arena_free(a);
    }
    buf_printf(&out->pdf, "%%PDF-1.7 fake %s 第%d期 %d\n", b->id, b->issue_no, b->year);
    for (size_t k = 0; nth(b, k); k++)
        buf_printf(&out->pdf, "%s %s\n", nth(b, k)->id, nth(b, k)->repeat_note ? nth(b, k)->repeat_note : "");
    while (out->pdf.len < h->pdf_bytes) buf_add(&out->pdf, "0123456789abcdef", 16);
    if (h->ofd) buf_printf(&out->ofd, "PK fake ofd %s 第%d期", b->id, b->issue_no);
    if (h->no_pdf) buf_reset(&out->pdf);
    out->pdfa = h->pdfa;
    out->pages = 1 + (int)(out->pdf.len / 4096);
    buf_printf(&out->context, "ctx %s", b->id);
    return 0;
}

static int fake_before_commit(void *ctx, const model_bulletin *b, const store_rendered *r, err *e) {
    hookctx *h = ctx;
    (void)r;
    if (h->kill_in_commit) kill(getpid(), SIGKILL);
    if (h->fail_commit) return err_set(e, TB_EOUTPUT, "out.pdf", 0, 0, "test: disk full writing %s", b->id);
    return 0;
}

static int issue(store *s, model_bulletin *b, hookctx *h, store_result *res, err *e) {
    hookctx local = {0};
    store_hooks hk = {fake_render, fake_before_commit, h ? h : &local};
    char xml[256];
    snprintf(xml, sizeof xml, "<bulletin id=\"%s\" series=\"%s\"/>", b->id, b->series);
    store_source src = {xml, strlen(xml), b->source, "dubao", "<template/>", "tongbao test"};
    memset(e, 0, sizeof *e);
    return store_issue(s, b, &src, &hk, res, e);
}

/* ---- plain SQL on a second connection ------------------------------------------- */
static long long sql1(const char *path, const char *sql) {
    sqlite3 *db = NULL;
    long long v = -999;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        else
            fprintf(stderr, "sql1: %s: %s\n", sql, sqlite3_errmsg(db));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static char *sqltext(const char *path, const char *sql) {
    static char out[1024];
    sqlite3 *db = NULL;
    snprintf(out, sizeof out, "(none)");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            snprintf(out, sizeof out, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "(null)");
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

static int sqlexec(const char *path, const char *sql) {
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static long long rowcount(const char *path) {
    return sql1(path, "SELECT (SELECT count(*) FROM bulletin) + (SELECT count(*) FROM finding)"
                      " + (SELECT count(*) FROM bulletin_file) + (SELECT count(*) FROM series)"
                      " + (SELECT count(*) FROM case_) + (SELECT count(*) FROM outcome)"
                      " + (SELECT count(*) FROM scope_count)");
}

static const char *const TWO[] = {
    "东湖区|青山街道|和平社区|锦绣小区|北门无人值守",
    "西山区|石桥街道|石桥社区|石桥三组|卡点夜间无人值守",
    NULL,
};

/* ---- tests ------------------------------------------------------------------------- */
static void test_open_and_migrate(void) {
    err e = {0};
    const char *p = dbpath("fresh.db");
    store *s = store_open(p, &e);
    CHECK("open creates", s != NULL, "%s", e.msg);
    store_close(s);
    CHECK("schema version 1", sql1(p, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "got %lld", sql1(p, "PRAGMA user_version"));
    CHECK("application id", sql1(p, "PRAGMA application_id") == 0x5442616f, "got %llx", sql1(p, "PRAGMA application_id"));
    CHECK_STR("journal mode wal", sqltext(p, "PRAGMA journal_mode"), "wal");
    CHECK("tables exist", sql1(p, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name IN "
                                  "('series','bulletin','bulletin_file','finding','rectification_event','case_','outcome','scope_count')") == 8, "missing tables");
    /* reopen: no second migration, still fine */
    memset(&e, 0, sizeof e);
    s = store_open(p, &e);
    CHECK("reopen", s != NULL, "%s", e.msg);
    store_close(s);

    /* an existing empty file (e.g. touch tongbao.db) is migrated */
    const char *pe = dbpath("empty.db");
    FILE *f = fopen(pe, "wb");
    if (f) fclose(f);
    memset(&e, 0, sizeof e);
    s = store_open(pe, &e);
    CHECK("migrate empty file", s != NULL && sql1(pe, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "%s", e.msg);
    store_close(s);

    /* a database of schema 1 (tongbao 0.2), with a bulletin in it, is
     * upgraded in place: the schema check then finds nothing wrong */
    const char *p1 = dbpath("v1.db");
    {
        sqlite3 *db = NULL;
        int ok = sqlite3_open(p1, &db) == SQLITE_OK &&
                 sqlite3_exec(db, store_migration(0), NULL, NULL, NULL) == SQLITE_OK &&
                 sqlite3_exec(db, "PRAGMA user_version = 1; INSERT INTO series VALUES (1, 'S', 'S', 'x');"
                                  "INSERT INTO bulletin(id, series_id, input_id, year, issue_no, date, n_findings, "
                                  "pages, pdf_size, pdf_sha256, source_size, source_sha256, issued_at) "
                                  "VALUES (1, 1, 'old', 2026, 1, '2026-01-01', 0, 1, 0, 'x', 0, 'x', 'x')",
                              NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_close(db);
        CHECK("build a schema-1 database", ok, "sqlite");
    }
    memset(&e, 0, sizeof e);
    s = store_open(p1, &e);
    long faults = s ? store_schema_faults(s, 1, NULL, NULL, &e) : -1;
    CHECK("schema 1 upgraded to the current version, schema intact, rows kept",
          s && faults == 0 && sql1(p1, "PRAGMA user_version") == STORE_SCHEMA_VERSION &&
          sql1(p1, "SELECT n_recurring FROM bulletin WHERE input_id = 'old'") == 0, "faults %ld: %s", faults, e.msg);
    store_close(s);

    /* a database of schema 2 (before the letters of escalate) is upgraded
     * in place: the letter tables appear, empty; its rows are kept */
    const char *p2 = dbpath("v2.db");
    {
        sqlite3 *db = NULL;
        int ok = sqlite3_open(p2, &db) == SQLITE_OK &&
                 sqlite3_exec(db, store_migration(0), NULL, NULL, NULL) == SQLITE_OK &&
                 sqlite3_exec(db, store_migration(1), NULL, NULL, NULL) == SQLITE_OK &&
                 sqlite3_exec(db, "PRAGMA user_version = 2; INSERT INTO series VALUES (1, 'S', 'S', 'x');"
                                  "INSERT INTO bulletin(id, series_id, input_id, year, issue_no, date, n_findings, "
                                  "pages, pdf_size, pdf_sha256, source_size, source_sha256, issued_at, n_recurring) "
                                  "VALUES (1, 1, 'two', 2026, 1, '2026-01-01', 0, 1, 0, 'x', 0, 'x', 'x', 3)",
                              NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_close(db);
        CHECK("build a schema-2 database", ok, "sqlite");
    }
    memset(&e, 0, sizeof e);
    s = store_open(p2, &e);
    faults = s ? store_schema_faults(s, 1, NULL, NULL, &e) : -1;
    CHECK("schema 2 upgraded: letter tables added, schema intact, rows kept",
          s && faults == 0 && sql1(p2, "PRAGMA user_version") == STORE_SCHEMA_VERSION &&
          sql1(p2, "SELECT n_recurring FROM bulletin WHERE input_id = 'two'") == 3 &&
          sql1(p2, "SELECT count(*) FROM sqlite_schema WHERE name IN ('letter', 'letter_file', 'escalation')") == 3 &&
          sql1(p2, "SELECT count(*) FROM letter") == 0, "faults %ld: %s", faults, e.msg);
    store_close(s);

    /* a newer database is refused and left untouched */
    const char *pn = dbpath("newer.db");
    s = store_open(pn, &e);
    store_close(s);
    sqlexec(pn, "PRAGMA user_version = 99");
    memset(&e, 0, sizeof e);
    s = store_open(pn, &e);
    CHECK("refuse newer schema", s == NULL && e.code == TB_EDB && strstr(e.msg, "newer tongbao"), "%s", e.msg);
    store_close(s);
    CHECK("newer left untouched", sql1(pn, "PRAGMA user_version") == 99, "changed");
    memset(&e, 0, sizeof e);
    s = store_open_existing(pn, 1, &e);
    CHECK("refuse newer schema read-only", s == NULL && e.code == TB_EDB, "%s", e.msg);
    store_close(s);

    /* somebody else's SQLite file */
    const char *po = dbpath("other.db");
    sqlexec(po, "CREATE TABLE notes(x)");
    memset(&e, 0, sizeof e);
    s = store_open(po, &e);
    CHECK("refuse foreign db", s == NULL && e.code == TB_EDB && strstr(e.msg, "not a tongbao"), "%s", e.msg);
    store_close(s);
    CHECK("foreign left untouched", sql1(po, "SELECT count(*) FROM sqlite_schema") == 1, "changed");

    /* not a database at all */
    const char *pt = dbpath("text.db");
    f = fopen(pt, "wb");
    if (f) { fputs("this is not a database, just some text that is long enough to look like a header......\n", f); fclose(f); }
    memset(&e, 0, sizeof e);
    s = store_open(pt, &e);
    CHECK("refuse non-database", s == NULL && e.code == TB_EDB, "%s", e.msg);
    store_close(s);

    /* open_existing does not create */
    const char *pm = dbpath("missing.db");
    memset(&e, 0, sizeof e);
    s = store_open_existing(pm, 0, &e);
    struct stat sb;
    CHECK("open_existing missing", s == NULL && e.code == TB_ENOTFOUND && stat(pm, &sb) != 0, "%s", e.msg);
    store_close(s);
}

static void test_numbering(void) {
    err e = {0};
    const char *p = dbpath("num.db");
    store *s = store_open(p, &e);
    store_result res;
    int got[6];
    const char *ids[] = {"jc-2026-11-20-night", "jc-2026-11-21", "jc-2026-12-01"};
    for (int i = 0; i < 3; i++) {
        model_bulletin *b = mk("江城市疫情防控督查通报", ids[i], "2026-11-21", TWO);
        got[i] = issue(s, b, NULL, &res, &e) == 0 ? b->issue_no : -1;
        if (i == 0) {
            CHECK_STR("first id format", nth(b, 0)->id, "JC2026-001-001");
            CHECK_STR("second finding id", nth(b, 1)->id, "JC2026-001-002");
            CHECK("year assigned", b->year == 2026 && res.year == 2026, "year %d", b->year);
            CHECK_STR("result code", res.code, "JC");
            CHECK("result sha", strlen(res.pdf_sha256) == 64 && res.n_findings == 2 && res.pages == 1, "%s", res.pdf_sha256);
        }
        mfree(b);
    }
    CHECK("consecutive numbers", got[0] == 1 && got[1] == 2 && got[2] == 3, "%d %d %d (%s)", got[0], got[1], got[2], e.msg);
    /* a new calendar year starts at 1 */
    model_bulletin *b = mk("江城市疫情防控督查通报", "jc-2027-01-02", "2027-01-02", TWO);
    int r = issue(s, b, NULL, &res, &e);
    CHECK("new year restarts", r == 0 && b->issue_no == 1 && b->year == 2027, "r=%d no=%d %s", r, b->issue_no, e.msg);
    CHECK_STR("new year id", nth(b, 0)->id, "JC2027-001-001");
    mfree(b);
    /* issue 19 item 6: 期号 follow dates; a bulletin dated before the
     * series' last issue is refused ... */
    b = mk("江城市疫情防控督查通报", "jc-2026-late", "2026-12-30", TWO);
    memset(&e, 0, sizeof e);
    r = issue(s, b, NULL, &res, &e);
    CHECK("backdated bulletin refused", r == -1 && e.code == TB_EINPUT && strstr(e.msg, "before 2027年第1期 (2027-01-02)") &&
          strstr(e.msg, "--allow-backdated") && b->issue_no == 0, "r=%d %s", r, e.msg);
    mfree(b);
    /* ... unless the user says so: and the old year continues where it was */
    store_allow_backdated(s, 1);
    b = mk("江城市疫情防控督查通报", "jc-2026-late", "2026-12-30", TWO);
    r = issue(s, b, NULL, &res, &e);
    CHECK("old year continues", r == 0 && b->issue_no == 4 && b->year == 2026, "no=%d", b->issue_no);
    mfree(b);
    /* another series has its own numbers, and a derived code that collides
     * with JC gets a letter */
    b = mk("江城市安全生产督查通报", "jc-safety-1", "2026-11-21", TWO);
    r = issue(s, b, NULL, &res, &e);
    CHECK("other series starts at 1", r == 0 && b->issue_no == 1, "no=%d %s", b->issue_no, e.msg);
    CHECK_STR("colliding code gets letter", nth(b, 0)->id, "JCB2026-001-001");
    mfree(b);
    /* explicit code, lower case accepted */
    b = mk("江城市环境整治督查通报", "env-1", "2026-11-21", TWO);
    b->series_code = "hj";
    r = issue(s, b, NULL, &res, &e);
    CHECK_STR("explicit code", r == 0 ? nth(b, 0)->id : e.msg, "HJ2026-001-001");
    mfree(b);
    /* the same series with a different code is refused */
    b = mk("江城市环境整治督查通报", "env-2", "2026-11-22", TWO);
    b->series_code = "HX";
    r = issue(s, b, NULL, &res, &e);
    CHECK("code mismatch refused", r == -1 && e.code == TB_EINPUT && strstr(e.msg, "HJ"), "%s", e.msg);
    CHECK("refused model untouched", b->issue_no == 0 && nth(b, 0)->id == NULL, "no=%d", b->issue_no);
    mfree(b);
    /* a new series may not take an existing code */
    b = mk("江城市其他通报", "x-1", "2026-11-22", TWO);
    b->series_code = "JC";
    r = issue(s, b, NULL, &res, &e);
    CHECK("code taken refused", r == -1 && e.code == TB_EINPUT, "%s", e.msg);
    mfree(b);
    /* no letters in the id: TB */
    b = mk("数字通报", "2026-11-21", "2026-11-21", TWO);
    r = issue(s, b, NULL, &res, &e);
    CHECK_STR("fallback code", r == 0 ? nth(b, 0)->id : e.msg, "TB2026-001-001");
    mfree(b);
    /* bad date */
    b = mk("数字通报", "bad-date", "21/11/2026", TWO);
    r = issue(s, b, NULL, &res, &e);
    CHECK("bad date refused", r == -1 && e.code == TB_EINPUT && strstr(e.msg, "<date>"), "%s", e.msg);
    mfree(b);
    /* seq runs across categories */
    const char *const cats[] = {"#一类", "东湖区|a|b|c|t1", "东湖区|a|b|d|t2", "#二类", "西山区|a|b|c|t3", "#三类", "@市交通运输局|东湖路家属院|无人值守", NULL};
    b = mk("江城市疫情防控督查通报", "jc-cats", "2026-12-02", cats);
    r = issue(s, b, NULL, &res, &e);
    CHECK("categories issued", r == 0 && b->n_categories == 3, "%s", e.msg);
    CHECK_STR("seq across categories", nth(b, 3)->id, "JC2026-005-004");
    CHECK_STR("seq in second category", b->categories[1].findings[0].id, "JC2026-005-003");
    mfree(b);
    store_close(s);
    CHECK("findings stored", sql1(p, "SELECT count(*) FROM finding WHERE bulletin_id = (SELECT id FROM bulletin WHERE input_id='jc-cats')") == 4, "count");
    CHECK_STR("category stored", sqltext(p, "SELECT category FROM finding WHERE id='JC2026-005-004'"), "三类");
    CHECK_STR("effective deadline stored", sqltext(p, "SELECT deadline FROM finding WHERE id='JC2026-005-004'"), "2026-11-22T17:00");
}

static void test_override_and_idempotency(void) {
    err e = {0};
    const char *p = dbpath("ovr.db");
    store *s = store_open(p, &e);
    store_result res;
    model_bulletin *b = mk("江城市疫情防控督查通报", "old-7", "2026-03-01", TWO);
    b->series_code = "JC";
    b->issue_override = 7;
    int r = issue(s, b, NULL, &res, &e);
    CHECK("override used", r == 0 && b->issue_no == 7, "r=%d no=%d %s", r, b->issue_no, e.msg);
    CHECK_STR("override id", nth(b, 0)->id, "JC2026-007-001");
    mfree(b);
    b = mk("江城市疫情防控督查通报", "new-1", "2026-03-02", TWO);
    r = issue(s, b, NULL, &res, &e);
    CHECK("after override continues", r == 0 && b->issue_no == 8, "no=%d", b->issue_no);
    mfree(b);
    long long before = rowcount(p);
    b = mk("江城市疫情防控督查通报", "old-7b", "2026-03-03", TWO);
    b->issue_override = 7;
    r = issue(s, b, NULL, &res, &e);
    CHECK("override taken refused", r == -1 && e.code == TB_EINPUT && strstr(e.msg, "old-7"), "%s", e.msg);
    CHECK("refused override records nothing", rowcount(p) == before, "rows changed");
    mfree(b);
    /* the same id again: nothing new, and which issue it is */
    hookctx h = {0};
    b = mk("江城市疫情防控督查通报", "new-1", "2026-03-02", TWO);
    r = issue(s, b, &h, &res, &e);
    CHECK("idempotent", r == 1 && res.already_issued && res.issue_no == 8 && res.year == 2026, "r=%d no=%d", r, res.issue_no);
    CHECK("idempotent: no render", h.renders == 0, "rendered %d", h.renders);
    CHECK("idempotent: same source", res.source_differs == 0, "differs");
    CHECK("idempotent: nothing recorded", rowcount(p) == before, "rows changed");
    mfree(b);
    /* same id, changed content: still not issued, but the caller learns it */
    b = mk("江城市疫情防控督查通报", "new-1", "2026-03-09", TWO);
    b->source = "changed.xml";   /* issue() puts the id and series in the xml; change the bytes: */
    {
        store_hooks hk = {fake_render, NULL, &h};
        const char *xml = "<bulletin id=\"new-1\" changed=\"yes\"/>";
        store_source src = {xml, strlen(xml), "changed.xml", "dubao", NULL, "t"};
        memset(&e, 0, sizeof e);
        r = store_issue(s, b, &src, &hk, &res, &e);
    }
    CHECK("idempotent: changed source flagged", r == 1 && res.source_differs == 1, "r=%d differs=%d", r, res.source_differs);
    mfree(b);
    store_close(s);
}

static void test_rollback(void) {
    err e = {0};
    const char *p = dbpath("rb.db");
    store *s = store_open(p, &e);
    store_result res;
    model_bulletin *b = mk("江城市疫情防控督查通报", "a", "2026-11-21", TWO);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    long long before = rowcount(p);

    hookctx h = {.fail_render = 1};
    b = mk("江城市疫情防控督查通报", "b", "2026-11-22", TWO);
    int r = issue(s, b, &h, &res, &e);
    CHECK("render failure reported", r == -1 && e.code == TB_EFONT, "r=%d %s", r, e.msg);
    CHECK("render failure: no rows", rowcount(p) == before, "rows %lld vs %lld", rowcount(p), before);
    CHECK("render failure: model cleared", b->issue_no == 0 && nth(b, 0)->id == NULL, "no=%d", b->issue_no);
    mfree(b);

    h = (hookctx){.fail_commit = 1};
    b = mk("江城市疫情防控督查通报", "b", "2026-11-22", TWO);
    r = issue(s, b, &h, &res, &e);
    CHECK("before_commit failure reported", r == -1 && e.code == TB_EOUTPUT, "r=%d %s", r, e.msg);
    CHECK("before_commit failure: no rows", rowcount(p) == before, "rows");
    mfree(b);

    /* the number is still free */
    b = mk("江城市疫情防控督查通报", "b", "2026-11-22", TWO);
    r = issue(s, b, NULL, &res, &e);
    CHECK("after rollback same number", r == 0 && b->issue_no == 2, "no=%d %s", b->issue_no, e.msg);
    mfree(b);

    /* a new series whose first issue fails leaves no series row behind */
    h = (hookctx){.fail_render = 1};
    b = mk("新系列", "n-1", "2026-11-22", TWO);
    r = issue(s, b, &h, &res, &e);
    CHECK("failed first issue: no series", r == -1 && sql1(p, "SELECT count(*) FROM series WHERE name='新系列'") == 0, "series left");
    mfree(b);

    /* SIGKILL inside the transaction (after render, before commit) */
    pid_t pid = fork();
    if (pid == 0) {
        err ce = {0};
        store *cs = store_open(p, &ce);
        hookctx kh = {.kill_in_commit = 1};
        model_bulletin *cb = mk("江城市疫情防控督查通报", "killed", "2026-11-23", TWO);
        store_result cr;
        issue(cs, cb, &kh, &cr, &ce);
        _exit(3);   /* not reached */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK("child was killed", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    CHECK("kill: nothing recorded", sql1(p, "SELECT count(*) FROM bulletin WHERE input_id='killed'") == 0, "recorded");
    b = mk("江城市疫情防控督查通报", "killed", "2026-11-23", TWO);
    r = issue(s, b, NULL, &res, &e);
    CHECK("kill: next run completes", r == 0 && b->issue_no == 3, "r=%d no=%d %s", r, b->issue_no, e.msg);
    mfree(b);
    store_close(s);
}

/* The file-size limit stands in for a full disk: SQLite's write fails in
 * the middle of the transaction (and the message names the limit, which is
 * what the user has to raise). */
static void test_disk_full(void) {
    err e = {0};
    const char *p = dbpath("full.db");
    store *s = store_open(p, &e);
    store_result res;
    model_bulletin *b = mk("江城市疫情防控督查通报", "a", "2026-11-21", TWO);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    store_close(s);
    long long before = rowcount(p);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {256 * 1024, 256 * 1024};
        setrlimit(RLIMIT_FSIZE, &rl);
        err ce = {0};
        store *cs = store_open(p, &ce);
        hookctx h = {.pdf_bytes = 4 * 1024 * 1024};
        model_bulletin *cb = mk("江城市疫情防控督查通报", "big", "2026-11-22", TWO);
        store_result cr;
        int r = cs ? issue(cs, cb, &h, &cr, &ce) : -1;
        int ok = r == -1 && ce.code == TB_EDB &&
                 (strstr(ce.msg, "file-size limit") || strstr(ce.msg, "I/O error")) && strstr(ce.msg, "nothing was recorded");
        if (!ok) fprintf(stderr, "disk full child: r=%d code=%d msg=%s\n", r, ce.code, ce.msg);
        store_close(cs);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK("disk full: clear error", WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    CHECK("disk full: no partial entry", rowcount(p) == before, "rows %lld vs %lld", rowcount(p), before);
    memset(&e, 0, sizeof e);
    s = store_open(p, &e);
    long faults = s ? store_verify(s, NULL, NULL, NULL, &e) : -1;
    CHECK("disk full: archive verifies", faults == 0, "faults %ld %s", faults, e.msg);
    b = mk("江城市疫情防控督查通报", "big", "2026-11-22", TWO);
    int r = s ? issue(s, b, NULL, &res, &e) : -1;
    CHECK("disk full: next run completes", r == 0 && b->issue_no == 2, "r=%d %s", r, e.msg);
    mfree(b);
    store_close(s);
}

static void test_repeats(void) {
    err e = {0};
    const char *p = dbpath("rep.db");
    store *s = store_open(p, &e);
    store_result res;
    const char *const one[] = {"东湖区|青山街道|和平社区|锦绣小区|北门无人值守", "东湖区|青山街道|和平社区|东苑小区|登记册未填写", NULL};
    model_bulletin *b = mk("S", "r1", "2026-11-01", one);
    issue(s, b, NULL, &res, &e);
    CHECK("first report no note", nth(b, 0)->repeat_note == NULL && res.n_repeats == 0, "note");
    mfree(b);
    /* same place written with full-width letters and stray spaces */
    const char *const two[] = {"东湖区|青山街道 |和平　社区|锦绣小区|北门仍无人值守", "西山区|x|y|z|别处", NULL};
    b = mk("S", "r2", "2026-11-05", two);
    issue(s, b, NULL, &res, &e);
    CHECK_STR("second report note", nth(b, 0)->repeat_note, "该问题第2次通报，前次见第1期");
    CHECK("other finding no note", nth(b, 1)->repeat_note == NULL && res.n_repeats == 1, "n_repeats %d", res.n_repeats);
    mfree(b);
    b = mk("S", "r3", "2026-11-09", one);
    issue(s, b, NULL, &res, &e);
    CHECK_STR("third report note", nth(b, 0)->repeat_note, "该问题第3次通报，前次见第2期");
    CHECK_STR("first-time repeat of 东苑", nth(b, 1)->repeat_note, "该问题第2次通报，前次见第1期");
    mfree(b);
    CHECK_STR("repeat_of stored", sqltext(p, "SELECT repeat_of FROM finding WHERE id='S2026-003-001'"), "S2026-002-001");
    CHECK("repeat_count stored", sql1(p, "SELECT repeat_count FROM finding WHERE id='S2026-003-001'") == 3, "count");
    /* full-width ASCII folds: Ａ栋 == A栋 */
    const char *const fw1[] = {"东湖区|街|社区|锦绣小区A栋|t", NULL};
    const char *const fw2[] = {"东湖区|街|社区|锦绣小区Ａ栋|t", NULL};
    b = mk("S", "fw1", "2026-11-10", fw1);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    b = mk("S", "fw2", "2026-11-11", fw2);
    issue(s, b, NULL, &res, &e);
    CHECK_STR("full-width folded", nth(b, 0)->repeat_note, "该问题第2次通报，前次见第4期");
    mfree(b);
    /* once rectified, the place starts afresh */
    store_rectification rc[] = {
        {"S2026-001-001", 1, "2026-11-10", NULL}, {"S2026-002-001", 1, "2026-11-10", NULL},
        {"S2026-003-001", 1, "2026-11-10", "已整改"},
    };
    memset(&e, 0, sizeof e);
    int r = store_rectify(s, "S", rc, 3, "cli", &e);
    CHECK("rectify chain", r == 0, "%s", e.msg);
    /* issue 19: a place put right and reported again recurs, with its own
     * note, linked to the rectified finding, and counted */
    b = mk("S", "r4", "2026-11-12", one);
    issue(s, b, NULL, &res, &e);
    CHECK_STR("rectified place reported again recurs", nth(b, 0)->repeat_note,
              "该问题曾于第3期通报并已整改，现再次出现");
    CHECK("recurring: flagged, linked to the rectified finding, counted",
          nth(b, 0)->recurs == 1 && str_eq(nth(b, 0)->repeat_of, "S2026-003-001") && res.n_repeats == 2,
          "recurs %d of %s, n_repeats %d", nth(b, 0)->recurs, nth(b, 0)->repeat_of, res.n_repeats);
    CHECK_STR("still-open place is a repeat", nth(b, 1)->repeat_note, "该问题第3次通报，前次见第3期");
    CHECK("a repeat of an open finding does not recur", nth(b, 1)->recurs == 0, "recurs");
    mfree(b);
    CHECK("recurs and n_recurring stored", sql1(p, "SELECT recurs FROM finding WHERE id='S2026-006-001'") == 1 &&
          sql1(p, "SELECT n_recurring FROM bulletin WHERE input_id='r4'") == 1 &&
          sql1(p, "SELECT recurs FROM finding WHERE id='S2026-006-002'") == 0, "not stored");
    arena *sa = arena_new();
    store_stats st;
    memset(&e, 0, sizeof e);
    CHECK("statistics count the recurring finding", store_series_stats(s, "S", "2026-11-12", sa, &st, &e) == 0 &&
          st.recurring == 1 && st.repeats == 6, "recurring %ld repeats %ld %s", st.recurring, st.repeats, e.msg);
    arena_free(sa);
    store_archived ar;
    sa = arena_new();
    memset(&e, 0, sizeof e);
    CHECK("the archive gives the recurring mark back (regen)",
          store_get_archived(s, "S", 2026, 6, sa, &ar, &e) == 0 && ar.n_findings == 2 && ar.recurs[0] == 1 &&
          ar.recurs[1] == 0, "%s", e.msg);
    arena_free(sa);
    /* across the year boundary the earlier issue's year is named */
    b = mk("S", "r5", "2027-01-05", one);
    issue(s, b, NULL, &res, &e);
    CHECK_STR("cross-year note", nth(b, 0)->repeat_note, "该问题第5次通报，前次见2026年第6期");
    mfree(b);
    /* (rectification dates are never after today: these series are back in 2025/2026) */
    const char *const v1[] = {"北塘区|x|y|z|卡点无人", NULL};
    b = mk("V", "v1", "2026-05-01", v1);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    store_rectification rcv[] = {{"V2026-001-001", 1, "2026-05-03", NULL}};
    memset(&e, 0, sizeof e);
    CHECK("rectify V", store_rectify(s, "V", rcv, 1, "cli", &e) == 0, "%s", e.msg);
    b = mk("V", "v2", "2026-06-01", v1);
    issue(s, b, NULL, &res, &e);
    CHECK_STR("recurring, same year", nth(b, 0)->repeat_note, "该问题曾于第1期通报并已整改，现再次出现");
    mfree(b);
    const char *const u1[] = {"南江区|x|y|z|门岗无人", NULL};
    b = mk("U", "u1", "2025-12-20", u1);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    store_rectification rcu[] = {{"U2025-001-001", 1, "2025-12-28", NULL}};
    memset(&e, 0, sizeof e);
    CHECK("rectify U", store_rectify(s, "U", rcu, 1, "cli", &e) == 0, "%s", e.msg);
    b = mk("U", "u2", "2026-01-08", u1);
    issue(s, b, NULL, &res, &e);
    CHECK_STR("recurring across the year boundary", nth(b, 0)->repeat_note,
              "该问题曾于2025年第1期通报并已整改，现再次出现");
    mfree(b);
    /* another series never counts */
    b = mk("T", "t1", "2027-01-06", one);
    issue(s, b, NULL, &res, &e);
    CHECK("other series not a repeat", nth(b, 0)->repeat_note == NULL, "note");
    mfree(b);
    /* the normalised form */
    model_finding f = {.district = "东湖区", .street = " 青山 街道", .site = "Ａ１栋\t"};
    char *n = store_norm_location(&f);
    CHECK_STR("norm location", n, "东湖区\x1f青山街道\x1f\x1f\x1f" "A1栋");
    free(n);
    model_finding empty = {0};
    n = store_norm_location(&empty);
    CHECK_STR("norm of nothing", n, "");
    free(n);
    store_close(s);
}

static int collect_status(void *ctx, const store_finding_row *r) {
    buf *b = ctx;
    buf_printf(b, "%s=%s;", r->id, r->status);
    return 0;
}

static void test_overdue_and_rectify(void) {
    err e = {0};
    const char *p = dbpath("due.db");
    store *s = store_open(p, &e);
    store_result res;
    /* deadlines: own 2026-11-21; bulletin's 2026-11-22T17:00; own 2026-11-30 */
    const char *const fs[] = {
        "东湖区|a|b|c|t1|2026-11-21",
        "东湖区|a|b|d|t2",
        "西山区|a|b|e|t3|2026-11-30",
        NULL,
    };
    model_bulletin *b = mk("S", "d1", "2026-11-20", fs);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    buf out;
    buf_init(&out);
    store_finding_filter f = {.series = "S", .today = "2026-11-22"};
    long n = store_list_findings(s, &f, collect_status, &out, &e);
    CHECK_STR("status on 11-22", buf_cstr(&out), "S2026-001-001=overdue;S2026-001-002=open;S2026-001-003=open;");
    CHECK("rows counted", n == 3, "n=%ld", n);
    buf_reset(&out);
    f.today = "2026-11-23";
    store_list_findings(s, &f, collect_status, &out, &e);
    CHECK_STR("status on 11-23 (date-time deadline passes next day)", buf_cstr(&out),
              "S2026-001-001=overdue;S2026-001-002=overdue;S2026-001-003=open;");
    buf_reset(&out);
    f.today = "2026-11-23T08:00";   /* a time is reduced to its date */
    f.status = STORE_ST_OVERDUE;
    n = store_list_findings(s, &f, collect_status, &out, &e);
    CHECK("overdue filter", n == 2, "n=%ld %s", n, buf_cstr(&out));
    buf_reset(&out);
    f.status = STORE_ST_OPEN;
    n = store_list_findings(s, &f, collect_status, &out, &e);
    CHECK_STR("open filter excludes overdue", buf_cstr(&out), "S2026-001-003=open;");
    /* a today that is not a date is refused, never replaced by the real date */
    buf_reset(&out);
    memset(&e, 0, sizeof e);
    f.today = "1899-12-31";
    n = store_list_findings(s, &f, collect_status, &out, &e);
    CHECK("today out of range refused", n == -1 && e.code == TB_EUSAGE && !out.len, "n=%ld code %d", n, e.code);
    memset(&e, 0, sizeof e);
    store_stats st;
    arena *sa = arena_new();
    CHECK("stats: today not a date refused",
          store_series_stats(s, "S", "2026-02-30", sa, &st, &e) == -1 && e.code == TB_EUSAGE, "code %d", e.code);
    arena_free(sa);
    memset(&e, 0, sizeof e);
    /* district filter */
    buf_reset(&out);
    f = (store_finding_filter){.district = "东湖区", .status = STORE_ST_UNDONE, .today = "2026-11-23"};
    n = store_list_findings(s, &f, collect_status, &out, &e);
    CHECK("district undone", n == 2, "n=%ld", n);

    /* rectification: all or nothing */
    store_rectification bad[] = {{"S2026-001-001", 1, "2026-11-22", "ok"}, {"S2026-009-009", 1, NULL, NULL}};
    memset(&e, 0, sizeof e);
    int r = store_rectify(s, "S", bad, 2, "r.xml", &e);
    CHECK("unknown id refused", r == -1 && e.code == TB_ENOTFOUND && strstr(e.msg, "S2026-009-009"), "%s", e.msg);
    CHECK("unknown id: nothing changed", sql1(p, "SELECT count(*) FROM finding WHERE status='done'") == 0 &&
          sql1(p, "SELECT count(*) FROM rectification_event") == 0, "changed");
    store_rectification wrong_series[] = {{"S2026-001-001", 1, "2026-11-22", NULL}};
    memset(&e, 0, sizeof e);
    r = store_rectify(s, "T", wrong_series, 1, "r.xml", &e);
    CHECK("other series refused", r == -1 && e.code == TB_EINPUT, "%s", e.msg);
    store_rectification early[] = {{"S2026-001-001", 1, "2026-11-01", NULL}};
    memset(&e, 0, sizeof e);
    r = store_rectify(s, NULL, early, 1, "cli", &e);
    CHECK("done before issue refused", r == -1 && e.code == TB_EINPUT, "%s", e.msg);
    store_rectification good[] = {{"s2026-001-001", 1, "2026-11-22", "已安排专人值守"}, {"S2026-001-002", 0, "2026-11-22", "需协调"}};
    memset(&e, 0, sizeof e);
    r = store_rectify(s, "S", good, 2, "r.xml", &e);
    CHECK("rectify ok (lower-case id)", r == 0, "%s", e.msg);
    CHECK_STR("done date stored", sqltext(p, "SELECT done_date || '/' || note FROM finding WHERE id='S2026-001-001'"), "2026-11-22/已安排专人值守");
    CHECK("events recorded", sql1(p, "SELECT count(*) FROM rectification_event") == 2, "events");
    buf_reset(&out);
    f = (store_finding_filter){.series = "S", .today = "2026-11-23"};
    store_list_findings(s, &f, collect_status, &out, &e);
    CHECK_STR("status after rectify", buf_cstr(&out), "S2026-001-001=done;S2026-001-002=overdue;S2026-001-003=open;");
    /* issue 19 item 15: the same report again is not a second event;
     * future dates, impossible days and control characters are refused;
     * line breaks in a note fold to spaces */
    int already[2] = {-1, -1};
    memset(&e, 0, sizeof e);
    long k = store_rectify_ex(s, "S", good, 2, "r.xml", already, &e);
    CHECK("the same report twice is recorded once", k == 0 && already[0] == 1 && already[1] == 1 &&
          sql1(p, "SELECT count(*) FROM rectification_event") == 2, "k=%ld already %d %d, %lld events: %s", k,
          already[0], already[1], sql1(p, "SELECT count(*) FROM rectification_event"), e.msg);
    store_rectification twice[] = {{"S2026-001-003", 1, "2026-11-22", NULL}, {"s2026-001-003", 1, "2026-11-22", NULL}};
    memset(&e, 0, sizeof e);
    k = store_rectify_ex(s, "S", twice, 2, "cli", already, &e);
    CHECK("an ID given twice in one lot is recorded once", k == 1 && already[0] == 0 && already[1] == 1 &&
          sql1(p, "SELECT count(*) FROM rectification_event WHERE finding_id = 'S2026-001-003'") == 1, "k=%ld", k);
    store_rectification future[] = {{"S2026-001-002", 1, "2099-01-01", NULL}};
    memset(&e, 0, sizeof e);
    r = store_rectify(s, "S", future, 1, "cli", &e);
    CHECK("a done date in the future is refused", r == -1 && e.code == TB_EINPUT && strstr(e.msg, "in the future"),
          "%s", e.msg);
    store_rectification feb30[] = {{"S2026-001-002", 1, "2026-02-30", NULL}};
    memset(&e, 0, sizeof e);
    r = store_rectify(s, "S", feb30, 1, "cli", &e);
    CHECK("2026-02-30 is refused", r == -1 && e.code == TB_EINPUT, "%s", e.msg);
    store_rectification esc[] = {{"S2026-001-002", 1, "2026-11-22", "已整改\x1b[31m红"}};
    memset(&e, 0, sizeof e);
    r = store_rectify(s, "S", esc, 1, "cli", &e);
    CHECK("a note with ESC is refused", r == -1 && e.code == TB_EINPUT && strstr(e.msg, "U+001B"), "%s", e.msg);
    store_rectification nl[] = {{"S2026-001-002", 1, "2026-11-22", " 已安排\n专人\r\n\t值守 "}};
    memset(&e, 0, sizeof e);
    r = store_rectify(s, "S", nl, 1, "cli", &e);
    CHECK_STR("line breaks in a note fold to spaces", sqltext(p, "SELECT note FROM finding WHERE id='S2026-001-002'"),
              "已安排 专人 值守");
    CHECK("nothing refused wrote an event", sql1(p, "SELECT count(*) FROM rectification_event") == 4, "%lld",
          sql1(p, "SELECT count(*) FROM rectification_event"));
    /* reopen */
    store_rectification reopen[] = {{"S2026-001-001", 0, "2026-11-24", "复查未整改"}};
    r = store_rectify(s, "S", reopen, 1, "cli", &e);
    CHECK("reopen", r == 0 && sql1(p, "SELECT done_date IS NULL AND status='open' FROM finding WHERE id='S2026-001-001'") == 1, "%s", e.msg);
    /* unknown series */
    memset(&e, 0, sizeof e);
    f = (store_finding_filter){.series = "nope"};
    n = store_list_findings(s, &f, NULL, NULL, &e);
    CHECK("unknown series", n == -1 && e.code == TB_ENOTFOUND, "%s", e.msg);
    buf_free(&out);
    store_close(s);
}

static int count_cb(void *ctx, const store_bulletin_info *r) {
    buf *b = ctx;
    buf_printf(b, "%s/%d/%d/%d;", r->code, r->year, r->issue_no, r->n_findings);
    return 0;
}

static void fault_cb(void *ctx, const char *fault) {
    buf *b = ctx;
    buf_printf(b, "%s\n", fault);
}

static void test_archive(void) {
    err e = {0};
    const char *p = dbpath("arch.db");
    store *s = store_open(p, &e);
    store_result res;
    model_bulletin *b = mk("S", "a1", "2025-11-20", TWO);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    b = mk("S", "a2", "2026-11-20", TWO);
    hookctx h = {.pdf_bytes = 300000};
    issue(s, b, &h, &res, &e);
    char sha2[65];
    snprintf(sha2, sizeof sha2, "%s", res.pdf_sha256);
    mfree(b);
    b = mk("S", "a3", "2026-11-21", TWO);
    issue(s, b, NULL, &res, &e);
    mfree(b);

    buf out;
    buf_init(&out);
    long n = store_list_bulletins(s, NULL, count_cb, &out, &e);
    CHECK_STR("list", buf_cstr(&out), "S/2025/1/2;S/2026/1/2;S/2026/2/2;");
    CHECK("list count", n == 3, "n=%ld", n);

    /* export: year 0 = latest year with that number */
    buf pdf;
    buf_init(&pdf);
    arena *a = arena_new();
    store_bulletin_info info;
    int r = store_get_pdf(s, "S", 0, 1, &pdf, a, &info, &e);
    char hex[65];
    digest_sha256_hex(pdf.data, pdf.len, hex);
    CHECK("export latest year", r == 0 && info.year == 2026 && pdf.len >= 300000, "r=%d year=%d len=%zu", r, info.year, pdf.len);
    CHECK_STR("export bytes match sha", hex, sha2);
    CHECK("export info", info.pages > 1 && info.pdf_size == (long long)pdf.len && str_eq(info.input_id, "a2"), "pages %d", info.pages);
    buf_reset(&pdf);
    r = store_get_pdf(s, "S", 2025, 1, &pdf, NULL, NULL, &e);
    CHECK("export by year", r == 0 && strstr(pdf.data, "a1"), "r=%d", r);
    memset(&e, 0, sizeof e);
    r = store_get_pdf(s, "S", 2026, 9, &pdf, NULL, NULL, &e);
    CHECK("export missing", r == -1 && e.code == TB_ENOTFOUND && strstr(e.msg, "第9期"), "%s", e.msg);

    /* the bulletin before, across the year boundary */
    r = store_previous_bulletin(s, "S", 2026, 1, a, &info, &e);
    CHECK("previous across year", r == 0 && info.year == 2025 && info.issue_no == 1, "r=%d %d/%d", r, info.year, info.issue_no);
    r = store_previous_bulletin(s, "S", 2026, 2, a, &info, &e);
    CHECK("previous in year", r == 0 && info.year == 2026 && info.issue_no == 1, "r=%d", r);
    r = store_previous_bulletin(s, "S", 2025, 1, a, &info, &e);
    CHECK("no previous", r == 1, "r=%d", r);

    /* regen material */
    store_archived ar;
    memset(&e, 0, sizeof e);
    r = store_get_archived(s, "S", 2026, 2, a, &ar, &e);
    CHECK("archived", r == 0 && ar.n_findings == 2, "%s", e.msg);
    CHECK_STR("archived source", (const char *)ar.source, "<bulletin id=\"a3\" series=\"S\"/>");
    CHECK_STR("archived template", ar.template_xml, "<template/>");
    CHECK_STR("archived context", ar.context, "ctx a3");
    CHECK_STR("archived id order", ar.finding_ids[1], "S2026-002-002");
    CHECK_STR("archived tool", ar.info.tool_version, "tongbao test");
    model_bulletin *re = mk("S", "a3", "2026-11-21", TWO);
    r = store_restore(re, &ar, &e);
    CHECK("restore", r == 0 && re->issue_no == 2 && re->year == 2026 && str_eq(nth(re, 0)->id, "S2026-002-001"), "%s", e.msg);
    mfree(re);
    re = mk("S", "a3", "2026-11-21", (const char *const[]){"x|y|z|w|t", NULL});
    memset(&e, 0, sizeof e);
    r = store_restore(re, &ar, &e);
    CHECK("restore mismatch refused", r == -1 && e.code == TB_EVERIFY, "%s", e.msg);
    mfree(re);

    /* verify: clean, then tampered */
    buf faults;
    buf_init(&faults);
    long nb = 0;
    long nf = store_verify(s, fault_cb, &faults, &nb, &e);
    CHECK("verify clean", nf == 0 && nb == 3, "faults %ld: %s", nf, buf_cstr(&faults));
    store_close(s);
    sqlexec(p, "UPDATE bulletin_file SET pdf = CAST('%PDF-1.7 forged' AS BLOB) "
               "WHERE bulletin_id = (SELECT id FROM bulletin WHERE input_id = 'a2')");
    s = store_open_existing(p, 1, &e);
    nf = s ? store_verify(s, fault_cb, &faults, &nb, &e) : -1;
    CHECK("verify finds tampered pdf", nf == 1 && strstr(buf_cstr(&faults), "2026年第1期") && strstr(buf_cstr(&faults), "PDF"), "faults %ld: %s", nf, buf_cstr(&faults));
    store_close(s);
    sqlexec(p, "UPDATE bulletin_file SET source_xml = X'00' WHERE bulletin_id = (SELECT id FROM bulletin WHERE input_id = 'a1');"
               "PRAGMA foreign_keys = OFF; DELETE FROM finding WHERE id = 'S2026-002-002';");
    buf_reset(&faults);
    s = store_open_existing(p, 1, &e);
    nf = s ? store_verify(s, fault_cb, &faults, &nb, &e) : -1;
    CHECK("verify reports each fault", nf == 3 && strstr(buf_cstr(&faults), "source XML") && strstr(buf_cstr(&faults), "1 present"), "faults %ld: %s", nf, buf_cstr(&faults));
    store_close(s);
    sqlexec(p, "PRAGMA foreign_keys = OFF; INSERT INTO finding(id, bulletin_id, series_id, seq, category_no, norm_location) VALUES ('ORPHAN', 999, 1, 1, 1, '')");
    buf_reset(&faults);
    s = store_open_existing(p, 1, &e);
    nf = s ? store_verify(s, fault_cb, &faults, &nb, &e) : -1;
    CHECK("verify finds foreign key fault", nf == 4 && strstr(buf_cstr(&faults), "foreign key"), "faults %ld: %s", nf, buf_cstr(&faults));
    store_close(s);
    buf_free(&faults);
    buf_free(&pdf);
    buf_free(&out);
    arena_free(a);
}

/* Issue 13: the forms a bulletin is archived in. */
static void test_forms(void) {
    err e = {0};
    const char *p = dbpath("forms.db");
    store *s = store_open(p, &e);
    store_result res;
    hookctx both = {.ofd = 1, .pdfa = 1}, ofd = {.ofd = 1, .no_pdf = 1};
    model_bulletin *b = mk("S", "f1", "2026-11-20", TWO);
    issue(s, b, &both, &res, &e);
    mfree(b);
    b = mk("S", "f2", "2026-11-21", TWO);
    issue(s, b, &ofd, &res, &e);
    mfree(b);
    b = mk("S", "f3", "2026-11-22", TWO);
    issue(s, b, NULL, &res, &e);
    mfree(b);
    CHECK("forms recorded", sql1(p, "SELECT count(*) FROM bulletin WHERE form = 'pdfa' AND input_id = 'f1'") == 1 &&
          sql1(p, "SELECT count(*) FROM bulletin WHERE form = 'ofd' AND input_id = 'f2'") == 1 &&
          sql1(p, "SELECT count(*) FROM bulletin WHERE form = 'pdf' AND input_id = 'f3'") == 1 &&
          sql1(p, "SELECT count(*) FROM bulletin_form") == 1, "%s", e.msg);

    arena *a = arena_new();
    store_bulletin_info info;
    buf got;
    buf_init(&got);
    char hex[65], forms[16];
    int r = store_get_form(s, "S", 2026, 1, STORE_FORM_OFD, &got, a, &info, &e);
    digest_sha256_hex(got.data, got.len, hex);
    CHECK("f1: the OFD beside the PDF/A", r == 0 && !strncmp(got.data, "PK fake ofd f1", 14) &&
          str_eq(hex, store_info_form_sha(&info, STORE_FORM_OFD)) && info.ofd_size == (long long)got.len, "%s", e.msg);
    CHECK_STR("f1: forms", store_info_forms(&info, forms), "pdfa+ofd");
    buf_reset(&got);
    r = store_get_form(s, "S", 2026, 1, STORE_FORM_PDF, &got, a, &info, &e);
    CHECK("f1: the PDF/A", r == 0 && !strncmp(got.data, "%PDF-1.7 fake f1", 16) && str_eq(info.form, "pdfa"), "%s", e.msg);
    buf_reset(&got);
    r = store_get_form(s, "S", 2026, 2, STORE_FORM_OFD, &got, a, &info, &e);
    CHECK("f2: the OFD is the main form", r == 0 && !strncmp(got.data, "PK fake ofd f2", 14) && str_eq(info.form, "ofd") &&
          !info.ofd_sha256 && str_eq(store_info_form_sha(&info, STORE_FORM_OFD), info.pdf_sha256), "%s", e.msg);
    memset(&e, 0, sizeof e);
    r = store_get_form(s, "S", 2026, 2, STORE_FORM_PDF, &got, a, &info, &e);
    CHECK("f2: no PDF (TB_ENOTFOUND, says what it was issued as)", r == -1 && e.code == TB_ENOTFOUND && strstr(e.msg, "as ofd"), "%s", e.msg);
    memset(&e, 0, sizeof e);
    r = store_get_form(s, "S", 2026, 3, STORE_FORM_OFD, &got, a, &info, &e);
    CHECK("f3: no OFD", r == -1 && e.code == TB_ENOTFOUND && !store_info_has_form(&info, STORE_FORM_OFD), "%s", e.msg);

    buf faults;
    buf_init(&faults);
    long nb = 0, nf = store_verify(s, fault_cb, &faults, &nb, &e);
    CHECK("forms: verify clean", nf == 0 && nb == 3, "faults %ld: %s", nf, buf_cstr(&faults));
    store_close(s);
    /* a further OFD altered; a main OFD altered; a further PDF beside a PDF/A */
    sqlexec(p, "UPDATE bulletin_form SET bytes = CAST('PK forged' AS BLOB);"
               "UPDATE bulletin_file SET pdf = CAST('PK forged too' AS BLOB) "
               "WHERE bulletin_id = (SELECT id FROM bulletin WHERE input_id = 'f2');"
               "INSERT INTO bulletin_form(bulletin_id, form, size, sha256, bytes) "
               "SELECT id, 'pdf', 1, 'x', X'00' FROM bulletin WHERE input_id = 'f1'");
    s = store_open_existing(p, 1, &e);
    nf = s ? store_verify(s, fault_cb, &faults, &nb, &e) : -1;
    const char *fl = buf_cstr(&faults);
    CHECK("verify finds each altered form", nf == 4 && strstr(fl, "2026年第1期: the archived OFD does not match") &&
          strstr(fl, "2026年第2期: the archived OFD does not match") && strstr(fl, "further PDF is recorded beside"),
          "faults %ld: %s", nf, fl);
    memset(&e, 0, sizeof e);
    buf_reset(&got);
    r = s ? store_get_form(s, "S", 2026, 1, STORE_FORM_OFD, &got, NULL, NULL, &e) : -1;
    CHECK("an altered OFD is not handed out", r == -1 && e.code == TB_EVERIFY && got.len == 0 && strstr(e.msg, "OFD"), "%s", e.msg);
    store_close(s);

    /* databases of schema 2, 3 and 4 (3: issue 16's letters, one of them
     * archived; 4: issue 18's statistics summary): migrated to the forms
     * (5), their bulletins are PDFs, the letter stays */
    for (int v = 2; v < STORE_SCHEMA_VERSION; v++) {
        char name[32], sql[1600], sha[65], what[160];
        snprintf(name, sizeof name, "forms%d.db", v);
        const char *pv = dbpath(name);
        digest_sha256_hex("%PDF-old", 8, sha);
        snprintf(sql, sizeof sql,
                 "PRAGMA user_version = %d; INSERT INTO series VALUES (1, 'S', 'S', 'x');"
                 "INSERT INTO bulletin(id, series_id, input_id, year, issue_no, date, n_findings, pages, pdf_size, pdf_sha256,"
                 " source_size, source_sha256, issued_at) VALUES (1, 1, 'o1', 2026, 1, '2026-01-02', 0, 1, 8, '%s', 0, '%s', 'x');"
                 "INSERT INTO bulletin_file(bulletin_id, source_xml, pdf) VALUES (1, X'', CAST('%%PDF-old' AS BLOB));%s", v, sha,
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                 v < 3 ? "" : "INSERT INTO letter VALUES (1, 1, 2026, 1, '2026-01-20', 'D', 'S函〔2026〕1号', 1, '2026-01-27',"
                              " NULL, NULL, 0, 'duban', 'x', 1, 8, '" /* sha follows */);
        if (v >= 3) {
            size_t n = strlen(sql);
            snprintf(sql + n, sizeof sql - n, "%s', 'x'); INSERT INTO letter_file VALUES (1, NULL, CAST('%%PDF-old' AS BLOB));", sha);
        }
        int ok = 1;
        for (int k = 0; k < v; k++) ok = ok && sqlexec(pv, store_migration(k)) == SQLITE_OK;
        ok = ok && sqlexec(pv, sql) == SQLITE_OK;
        s = ok ? store_open(pv, &e) : NULL;
        buf_reset(&got);
        r = s ? store_get_form(s, "S", 2026, 1, STORE_FORM_PDF, &got, a, &info, &e) : -1;
        buf_reset(&faults);
        nf = s ? store_verify(s, fault_cb, &faults, &nb, &e) : -1;
        snprintf(what, sizeof what, "schema %d → %d: a bulletin issued before is a PDF, exported and verified%s", v,
                 STORE_SCHEMA_VERSION, v >= 3 ? "; the letter kept" : "");
        CHECK(what, ok && r == 0 && str_eq(info.form, "pdf") && got.len == 8 && nf == 0 &&
              sql1(pv, "PRAGMA user_version") == STORE_SCHEMA_VERSION && sql1(pv, "SELECT count(*) FROM bulletin_form") == 0 &&
              (v < 3 || sql1(pv, "SELECT count(*) FROM letter") == 1), "%s %s", e.msg, buf_cstr(&faults));
        store_close(s);
    }
    buf_free(&faults);
    buf_free(&got);
    arena_free(a);
}

static void test_stats(void) {
    err e = {0};
    const char *p = dbpath("stats.db");
    store *s = store_open(p, &e);
    store_result res;
    const char *const fs[] = {"东湖区|a|b|c|t1|2026-11-21", "东湖区|a|b|d|t2", "西山区|a|b|e|t3|2026-12-30", NULL};
    model_bulletin *b = mk("S", "s1", "2026-11-20", fs);
    b->has_cases = 1;
    b->n_cases = 2;
    b->cases = arena_alloc(b->arena, 2 * sizeof *b->cases);
    b->cases[0] = (model_case){"东湖区青山街道办事处副主任李某", "履行职责不力", "……", NULL, 0};
    b->cases[0].outcomes = arena_alloc(b->arena, 2 * sizeof(model_outcome));
    b->cases[0].outcomes[0] = (model_outcome){"2026-11-20", "李某", "乡科级领导干部", "诫勉", "被给予诫勉谈话处理"};
    b->cases[0].outcomes[1] = (model_outcome){"2026-11-20", "李某", "乡科级领导干部", "组织处理", "被调整岗位"};
    b->cases[0].n_outcomes = 2;
    b->cases[1] = (model_case){"西山区某社区", "值守缺位", "……", NULL, 0};
    b->cases[1].outcomes = arena_alloc(b->arena, 2 * sizeof(model_outcome));
    b->cases[1].outcomes[0] = (model_outcome){NULL, "王某", "一般干部", "通报批评", "被通报批评"};
    b->cases[1].outcomes[1] = (model_outcome){NULL, "赵某", "乡科级领导干部", "诫勉", "被诫勉"};
    b->cases[1].n_outcomes = 2;
    issue(s, b, NULL, &res, &e);
    mfree(b);
    b = mk("S", "s2", "2026-11-25", fs);   /* three repeats */
    hookctx h = {.s = s};
    issue(s, b, &h, &res, &e);
    CHECK("render sees history before this bulletin", h.stats_bulletins == 1, "saw %ld", h.stats_bulletins);
    mfree(b);
    store_rectification rc[] = {{"S2026-001-001", 1, "2026-11-22", NULL}};
    store_rectify(s, "S", rc, 1, "cli", &e);

    arena *a = arena_new();
    store_stats st;
    int r = store_series_stats(s, "S", "2026-12-01", a, &st, &e);
    CHECK("stats ran", r == 0, "%s", e.msg);
    store_close(s);
    /* the same figures, a second way */
    long long findings = sql1(p, "SELECT count(*) FROM finding");
    long long done = sql1(p, "SELECT count(*) FROM finding WHERE status='done'");
    long long overdue = sql1(p, "SELECT count(*) FROM finding WHERE status='open' AND deadline < '2026-12-01'");
    long long open = sql1(p, "SELECT count(*) FROM finding WHERE status='open' AND NOT (deadline < '2026-12-01')");
    long long repeats = sql1(p, "SELECT count(*) FROM finding WHERE repeat_of IS NOT NULL");
    CHECK("stats bulletins", st.bulletins == 2 && st.inspections == 2, "%ld %ld", st.bulletins, st.inspections);
    CHECK("stats findings", st.findings == findings && findings == 6, "%ld vs %lld", st.findings, findings);
    CHECK("stats done", st.done == done && done == 1, "%ld vs %lld", st.done, done);
    CHECK("stats overdue", st.overdue == overdue && overdue == 3, "%ld vs %lld", st.overdue, overdue);
    CHECK("stats open", st.open == open && open == 2, "%ld vs %lld", st.open, open);
    CHECK("stats sum", st.done + st.open + st.overdue == st.findings, "sum");
    CHECK("stats repeats", st.repeats == repeats && repeats == 3, "%ld vs %lld", st.repeats, repeats);
    CHECK("stats cases", st.case_bulletins == 1 && st.cases == 2 && st.people == 3, "%ld %ld %ld", st.case_bulletins, st.cases, st.people);
    CHECK("stats by rank", st.n_by_rank == 2 && str_eq(st.by_rank[0].name, "乡科级领导干部") && st.by_rank[0].n == 2 &&
          str_eq(st.by_rank[1].name, "一般干部") && st.by_rank[1].n == 1, "n=%zu", st.n_by_rank);
    CHECK("stats by kind", st.n_by_kind == 3 && str_eq(st.by_kind[0].name, "诫勉") && st.by_kind[0].n == 2 &&
          str_eq(st.by_kind[1].name, "组织处理") && str_eq(st.by_kind[2].name, "通报批评"), "n=%zu", st.n_by_kind);
    CHECK("outcomes stored", sql1(p, "SELECT count(*) FROM outcome") == 4 && sql1(p, "SELECT count(*) FROM case_") == 2, "rows");
    arena_free(a);
}

static int prep_cb(void *ctx, model_bulletin *b, size_t i, err *e) {
    buf *log = ctx;
    (void)e;
    buf_printf(log, "%zu:%d;", i, b->issue_no);
    return 0;
}

static int commit_one(store *s, model_bulletin *b, store_result *res, err *e) {
    store_rendered r;
    store_rendered_init(&r);
    hookctx h = {0};
    fake_render(&h, b, &r, e);
    char xml[128];
    snprintf(xml, sizeof xml, "<bulletin id=\"%s\"/>", b->id);
    store_source src = {xml, strlen(xml), b->source, "dubao", NULL, "t"};
    memset(e, 0, sizeof *e);
    int rc = store_commit(s, b, &src, &r, res, e);
    store_rendered_free(&r);
    return rc;
}

static void test_two_phase(void) {
    err e = {0};
    const char *p = dbpath("batch.db");
    store *s = store_open(p, &e);
    long long ts = -1;
    /* statement and savepoint journals in memory (2 = MEMORY): on a file
     * they cost some 2,000 pwrite calls a bulletin (issue 18) */
    CHECK("writing handle: temp_store = MEMORY", store_query_int(s, "PRAGMA temp_store", &ts, &e) == 0 && ts == 2,
          "temp_store %lld %s", ts, e.msg);
    store_result one;
    model_bulletin *b0 = mk("S", "pre", "2026-11-19", TWO);
    issue(s, b0, NULL, &one, &e);
    mfree(b0);

    model_bulletin *bs[5] = {
        mk("S", "n1", "2026-11-20", TWO),
        mk("S", "n2", "2026-11-20", TWO),           /* repeats n1's places (and pre's) */
        mk("S", "n1", "2026-11-20", TWO),           /* duplicate of the first */
        mk("S", "n3", "2026/11/20", TWO),           /* bad date */
        mk("U", "u1", "2026-11-20", TWO),           /* new series */
    };
    store_result res[5];
    buf log;
    buf_init(&log);
    long long before = rowcount(p);
    int r = store_reserve(s, bs, 5, prep_cb, &log, res, &e);
    CHECK("reserve ok", r == 0, "%s", e.msg);
    CHECK("reserve writes nothing", rowcount(p) == before, "rows changed");
    CHECK("reserve numbers", bs[0]->issue_no == 2 && bs[1]->issue_no == 3 && bs[4]->issue_no == 1, "%d %d %d", bs[0]->issue_no, bs[1]->issue_no, bs[4]->issue_no);
    CHECK("reserve duplicate in batch", res[2].already_issued && res[2].issue_no == 2 && bs[2]->issue_no == 0, "dup %d", res[2].already_issued);
    CHECK("reserve item error", res[3].error.code == TB_EINPUT && bs[3]->issue_no == 0, "code %d", res[3].error.code);
    CHECK_STR("reserve repeat within batch", nth(bs[1], 0)->repeat_note, "该问题第3次通报，前次见第2期");
    CHECK_STR("reserve prepare calls", buf_cstr(&log), "0:2;1:3;4:1;");
    CHECK_STR("reserve ids", nth(bs[1], 1)->id, "S2026-003-002");

    r = commit_one(s, bs[0], &one, &e);
    CHECK("commit first", r == 0 && one.issue_no == 2, "r=%d %s", r, e.msg);
    r = commit_one(s, bs[1], &one, &e);
    CHECK("commit second (in-batch repeat holds)", r == 0 && one.issue_no == 3 && one.n_repeats == 2, "r=%d stale=%d %s", r, one.stale, e.msg);
    r = commit_one(s, bs[4], &one, &e);
    CHECK("commit new series", r == 0, "r=%d %s", r, e.msg);
    r = commit_one(s, bs[0], &one, &e);
    CHECK("commit twice is already issued", r == 1 && one.already_issued && one.issue_no == 2, "r=%d", r);
    for (int i = 0; i < 5; i++) mfree(bs[i]);

    /* staleness: someone issues between reserve and commit */
    model_bulletin *x = mk("S", "x1", "2026-11-21", TWO);
    model_bulletin *y = mk("S", "y1", "2026-11-21", TWO);
    r = store_reserve(s, &x, 1, NULL, NULL, &one, &e);
    CHECK("reserve x", r == 0 && x->issue_no == 4, "no=%d", x->issue_no);
    issue(s, y, NULL, &one, &e);
    CHECK("interloper took 4", y->issue_no == 4, "no=%d", y->issue_no);
    long long mid = rowcount(p);
    r = commit_one(s, x, &one, &e);
    CHECK("commit detects stale", r == 1 && one.stale && rowcount(p) == mid, "r=%d stale=%d", r, one.stale);
    r = store_reserve(s, &x, 1, NULL, NULL, &one, &e);
    r = r == 0 ? commit_one(s, x, &one, &e) : r;
    CHECK("re-reserve and commit", r == 0 && one.issue_no == 5, "r=%d no=%d", r, one.issue_no);
    mfree(x);
    mfree(y);

    /* numbering a part after items reserved before (issue 18): the fixed
     * item is recorded provisionally, not touched; c is numbered after it;
     * once the history moves under the fixed item nothing is numbered */
    model_bulletin *pa = mk("S", "pa", "2026-11-21", TWO), *pc = mk("S", "pc", "2026-11-21", TWO);
    r = store_reserve(s, &pa, 1, NULL, NULL, &one, &e);
    int pa_no = pa->issue_no;
    const char *pa_id = nth(pa, 0)->id;
    r = r == 0 ? store_reserve_after(s, &pa, 1, &pc, 1, NULL, NULL, &one, &e) : r;
    CHECK("reserve after a fixed item: numbered after it, the fixed one untouched",
          r == 0 && pc->issue_no == pa_no + 1 && pa->issue_no == pa_no && nth(pa, 0)->id == pa_id &&
          str_eq(nth(pc, 0)->repeat_note, "该问题第7次通报，前次见第6期"),
          "r=%d %d/%d %s", r, pc->issue_no, pa_no, nth(pc, 0)->repeat_note ? nth(pc, 0)->repeat_note : "-");
    model_bulletin *pi = mk("S", "pi", "2026-11-21", TWO);
    issue(s, pi, NULL, &one, &e);
    long long rows = rowcount(p);
    model_bulletin *pd = mk("S", "pd", "2026-11-21", TWO);
    r = store_reserve_after(s, &pa, 1, &pd, 1, NULL, NULL, &one, &e);
    CHECK("reserve after a fixed item that no longer matches: 1, nothing numbered or recorded",
          r == 1 && pd->issue_no == 0 && pa->issue_no == pa_no && rowcount(p) == rows, "r=%d no=%d", r, pd->issue_no);
    mfree(pa);
    mfree(pc);
    mfree(pi);
    mfree(pd);

    /* group commit (issue 18): items recorded under savepoints of one
     * transaction; one already issued is undone alone; nothing is visible
     * to another connection (nor durable) before store_group_end */
    model_bulletin *g[2] = {mk("S", "g1", "2026-11-22", TWO), mk("S", "g2", "2026-11-22", TWO)};
    store_result gr[2];
    r = store_reserve(s, g, 2, NULL, NULL, gr, &e);
    long long gbefore = rowcount(p);
    int gn = -1;
    r = r == 0 ? store_group_begin(s, &e) : r;
    int r1 = r == 0 ? commit_one(s, g[0], &one, &e) : -1;
    int r2 = r1 == 0 ? commit_one(s, g[0], &one, &e) : -1;
    int again = r2 == 1 && one.already_issued;
    int r3 = r2 == 1 ? commit_one(s, g[1], &one, &e) : -1;
    long long inside = rowcount(p);
    err ge = {0};
    int nested = store_reserve(s, g, 1, NULL, NULL, gr, &ge);
    CHECK("group: two recorded, the repeat undone alone, nothing visible before the end",
          r == 0 && r1 == 0 && again && r3 == 0 && store_in_group(s) && inside == gbefore, "r=%d %d %d %d rows %lld/%lld %s",
          r, r1, r2, r3, inside, gbefore, e.msg);
    CHECK("group: no other transaction inside it", nested < 0 && ge.code == TB_EINTERNAL, "%d %s", nested, ge.msg);
    r = store_group_end(s, &gn, &e);
    CHECK("group: both committed at its end", r == 0 && gn == 2 && !store_in_group(s) && rowcount(p) > gbefore &&
          sql1(p, "SELECT count(*) FROM bulletin WHERE input_id IN ('g1', 'g2')") == 2,
          "r=%d n=%d %s", r, gn, e.msg);
    r = store_group_end(s, &gn, &e);
    CHECK("group: an end without a group is a no-op", r == 0 && gn == 0, "r=%d", r);
    mfree(g[0]);
    mfree(g[1]);
    store_close(s);
    memset(&e, 0, sizeof e);
    s = store_open(p, &e);
    CHECK("batch archive verifies", s && store_verify(s, NULL, NULL, NULL, &e) == 0, "%s", e.msg);
    store_close(s);
    buf_free(&log);
}


/* ---- the statistics summary (issue 18) ------------------------------------------ */
/* xorshift: the same varied history every run */
static unsigned long long sum_rng = 88172645463325252ull;
static unsigned rndn(unsigned n) {
    sum_rng ^= sum_rng << 13;
    sum_rng ^= sum_rng >> 7;
    sum_rng ^= sum_rng << 17;
    return (unsigned)(sum_rng % n);
}

/* A bulletin of a varied history: 1-6 findings at places drawn from a
 * small pool (so repeats and recurrences happen), scope counts whose what
 * and unit vary (unit sometimes absent), cases with outcomes of ranks,
 * kinds, organisations and unnamed persons, sometimes no inspection. */
static model_bulletin *varied(const char *series, int k, const char *date) {
    static const char *const places[] = {
        "东湖区|青山街道|和平社区|锦绣小区|北门无人值守|2026-11-21", "东湖区|青山街道|和平社区|东苑小区|登记册未填写",
        "西山区|石桥街道|石桥社区|石桥三组|卡点夜间无人值守|2027-01-05", "@市场监管局|农贸市场|未查验健康码",
        "南岸区|白沙街道|红星社区|红星小区|消毒记录不全|2026-12-01", "北城区|新河街道|新河社区|新河菜市场|未测体温",
    };
    const char *specs[8] = {0};
    int n = 1 + (int)rndn(6);
    for (int i = 0; i < n; i++) specs[i] = places[rndn(6)];
    char id[64];
    snprintf(id, sizeof id, "%s-v%d", series, k);
    model_bulletin *b = mk(series, id, date, specs);
    arena *a = b->arena;
    if (rndn(5) == 0) b->has_inspection = 0;
    static const char *const whats[] = {"街道", "社区", "小区", "点位"};
    static const char *const units[] = {"个", "处", NULL, "个（次）"};
    b->n_counts = rndn(3);
    b->counts = arena_alloc(a, 3 * sizeof *b->counts);
    for (size_t i = 0; i < b->n_counts; i++)
        b->counts[i] = (model_count){whats[rndn(4)], units[rndn(4)], arena_printf(a, "%u", 1 + rndn(30))};
    if (rndn(3) == 0) {
        static const char *const persons[] = {"李某", "王某", "石桥街道党工委", NULL, "赵某"};
        static const char *const ranks[] = {"乡科级领导干部", "一般干部", NULL, "县处级领导干部"};
        static const char *const kinds[] = {"诫勉", "组织处理", "通报批评", NULL, "党纪处分"};
        b->has_cases = 1;
        b->n_cases = 1 + rndn(3);
        b->cases = arena_alloc(a, b->n_cases * sizeof *b->cases);
        for (size_t c = 0; c < b->n_cases; c++) {
            b->cases[c] = (model_case){"东湖区某社区", "值守缺位", "……", NULL, 0};
            b->cases[c].n_outcomes = rndn(4);
            b->cases[c].outcomes = arena_alloc(a, 4 * sizeof(model_outcome));
            for (size_t o = 0; o < b->cases[c].n_outcomes; o++)
                b->cases[c].outcomes[o] = (model_outcome){NULL, persons[rndn(5)], ranks[rndn(4)], kinds[rndn(5)], "被处理"};
        }
    }
    return b;
}

static void fault_text(void *ctx, const char *fault) {
    buf_printf(ctx, "%s\n", fault);
}

/* The summary against the recount, every series: 0 faults, and the same
 * figures field by field on a day some findings are overdue. */
static int summary_agrees(store *s, buf *why) {
    err e = {0};
    buf_reset(why);
    long f = store_stats_faults(s, fault_text, why, &e);
    if (f != 0) {
        if (f < 0) buf_printf(why, "%s", e.msg);
        return 0;
    }
    const char *const series[] = {"S", "T"};
    for (int i = 0; i < 2; i++) {
        arena *a = arena_new();
        store_stats x, y;
        if (store_series_stats(s, series[i], "2026-12-15", a, &x, &e) < 0 && e.code == TB_ENOTFOUND) {
            arena_free(a);   /* not issued yet */
            memset(&e, 0, sizeof e);
            continue;
        }
        int ok = store_series_stats(s, series[i], "2026-12-15", a, &x, &e) == 0 &&
                 store_series_stats_recount(s, series[i], "2026-12-15", a, &y, &e) == 0 &&
                 x.overdue == y.overdue && x.open == y.open && x.done == y.done && x.findings == y.findings;
        if (!ok) buf_printf(why, "%s: overdue %ld/%ld open %ld/%ld %s", series[i], x.overdue, y.overdue, x.open, y.open, e.msg);
        arena_free(a);
        if (!ok) return 0;
    }
    return 1;
}

/* Overdue as the summary reads it (store_stats.c, count_overdue_fast:
 * whichever side is smaller, counted up to a cap that grows): 400
 * findings due 2026-01-01, 300 due 2027-06-01, 50 with no deadline, read on days where neither,
 * one or both sides pass the first cap, each against the recount. */
static void test_overdue_sides(void) {
    err e = {0};
    const char *p = dbpath("overdue.db");
    store *s = store_open(p, &e);
    const char *specs[800];
    size_t n = 0;
    arena *a = arena_new();
    for (int i = 0; i < 750; i++) {
        if (i % 60 == 0) specs[n++] = "#卡点值守不到位";
        specs[n++] = i < 700 ? arena_printf(a, "东湖区|青山街道|和平社区|第%d小区|北门无人值守|%s", i,
                                            i < 400 ? "2026-01-01" : "2027-06-01")
                             : arena_printf(a, "东湖区|青山街道|和平社区|第%d小区|北门无人值守", i);   /* no deadline */
    }
    specs[n] = NULL;
    model_bulletin *b = mk("O", "o1", "2025-12-01", specs);
    b->has_rectification = 0;   /* the last 50 have none at all: never overdue */
    store_result res;
    int r = issue(s, b, NULL, &res, &e);
    mfree(b);
    arena_free(a);
    const char *const days[] = {"2025-12-15", "2026-12-15", "2027-12-31"};
    const long want[] = {0, 400, 700};
    for (int d = 0; d < 3; d++) {
        arena *x = arena_new();
        store_stats u, v;
        memset(&u, 0, sizeof u);
        memset(&v, 0, sizeof v);
        int ok = r == 0 && store_series_stats(s, "O", days[d], x, &u, &e) == 0 &&
                 store_series_stats_recount(s, "O", days[d], x, &v, &e) == 0;
        CHECK("overdue from the summary = the recount, whichever side is smaller", ok && u.overdue == want[d] &&
              v.overdue == want[d] && u.open == 750 - want[d] && v.open == u.open,
              "%s: summary %ld/%ld recount %ld/%ld %s", days[d], u.overdue, u.open, v.overdue, v.open, e.msg);
        arena_free(x);
    }
    store_close(s);
}

static void test_summary(void) {
    err e = {0};
    const char *p = dbpath("summary.db");
    store *s = store_open(p, &e);
    buf why;
    buf_init(&why);
    store_result res;
    int agreed = 1, steps = 0, k = 0;
    char date[16];
    /* 40 bulletins over two series and two years (a week apart from
     * 2025-06-01: 期号 follow dates), rectifications between (dated
     * 2026-11-30: never after today, never before a bulletin) */
    for (; k < 40 && agreed; k++) {
        const char *series = rndn(3) ? "S" : "T";
        struct tm tm = {.tm_year = 125, .tm_mon = 5, .tm_mday = 1 + 7 * k, .tm_hour = 12};
        mktime(&tm);
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
        model_bulletin *b = varied(series, k, date);
        if (k == 25 && !strcmp(series, "S")) b->issue_override = 1;   /* taken: refused */
        issue(s, b, NULL, &res, &e);
        mfree(b);
        if (k == 10 || k == 11) {
            /* a place reported, put right, and back: a recurring finding */
            static const char *const once[] = {"高新区|光明街道|光明社区|光明小区|外来车辆未登记", NULL};
            b = mk("S", k == 10 ? "S-gone" : "S-back", date, once);
            issue(s, b, NULL, &res, &e);
            if (k == 10) {
                store_rectification rc[] = {{nth(b, 0)->id, 1, "2026-11-30", "整改"}};
                store_rectify(s, NULL, rc, 1, "cli", &e);
            }
            mfree(b);
        }
        if (k % 3 == 2) {
            /* put right every finding of an earlier bulletin (so places
             * come back as recurring), reopen them now and then */
            char sql[200];
            snprintf(sql, sizeof sql, "SELECT group_concat(id, ' ') FROM finding WHERE bulletin_id = "
                                      "(SELECT id FROM bulletin ORDER BY id LIMIT 1 OFFSET %u)", rndn((unsigned)k));
            char ids[400];
            snprintf(ids, sizeof ids, "%s", sqltext(p, sql));
            int done = rndn(4) != 0;
            store_rectification rc[8];
            size_t n = 0;
            for (char *t = strtok(ids, " "); t && n < 8; t = strtok(NULL, " "))
                rc[n++] = (store_rectification){t, done, "2026-11-30", done ? "整改" : "复查未通过"};
            memset(&e, 0, sizeof e);
            if (store_rectify(s, NULL, rc, n, "cli", &e) < 0) {
                buf_printf(&why, "rectify: %s", e.msg);
                agreed = 0;
                break;
            }
        }
        agreed = summary_agrees(s, &why);
        steps++;
    }
    CHECK("summary = recount after every issue and rectification", agreed, "step %d: %s", steps, buf_cstr(&why));
    long long v_scope = sql1(p, "SELECT count(*) FROM series_scope WHERE unit IS NULL") * 1000 +
                        sql1(p, "SELECT count(*) FROM series_scope WHERE rounds > 1"),
              v_names = sql1(p, "SELECT count(DISTINCT kind || name) FROM series_stat_name"),
              v_done = sql1(p, "SELECT count(*) FROM finding WHERE status = 'done'"),
              v_rep = sql1(p, "SELECT sum(n_recurring) * 1000 + sum(n_repeats) FROM bulletin"),
              v_orgs = sql1(p, "SELECT sum(orgs) FROM series_stats");
    CHECK("the varied history was issued", sql1(p, "SELECT count(*) FROM bulletin") == 42, "%lld bulletins",
          sql1(p, "SELECT count(*) FROM bulletin"));
    CHECK("the history tried is varied (scope without unit and over rounds, names, done, recurring, organisations)",
          v_scope >= 1001 && v_names >= 6 && v_done >= 3 && v_rep >= 1001 && v_orgs >= 1,
          "scope %lld names %lld done %lld repeats %lld orgs %lld", v_scope, v_names, v_done, v_rep, v_orgs);
    /* a back-filled number (issue="N" of an earlier date) with new names:
     * the order of first appearance moves */
    model_bulletin *b = varied("T", 99, "2024-03-01");
    b->issue_override = 7;
    b->has_cases = 1;
    b->n_cases = 1;
    b->cases = arena_alloc(b->arena, sizeof *b->cases);
    b->cases[0] = (model_case){"某局", "失职", "……", NULL, 1};
    b->cases[0].outcomes = arena_alloc(b->arena, sizeof(model_outcome));
    b->cases[0].outcomes[0] = (model_outcome){NULL, "钱某", "厅局级领导干部", "免职", "被免职"};
    int r = issue(s, b, NULL, &res, &e);
    mfree(b);
    CHECK("summary = recount after a back-filled issue", r == 0 && summary_agrees(s, &why), "%s %s", e.msg, buf_cstr(&why));
    {
        arena *a = arena_new();
        store_stats x;
        store_series_stats(s, "T", NULL, a, &x, &e);
        CHECK("a back-filled rank comes first", x.n_by_rank > 0 && str_eq(x.by_rank[0].name, "厅局级领导干部"),
              "first %s", x.n_by_rank ? x.by_rank[0].name : "(none)");
        arena_free(a);
    }
    /* the nightly's way: reserve (the summary follows the provisional
     * records), then commit one by one */
    model_bulletin *bs[3] = {varied("S", 100, "2026-06-01"), varied("S", 101, "2026-06-02"), varied("T", 102, "2026-06-02")};
    store_result rs[3];
    r = store_reserve(s, bs, 3, NULL, NULL, rs, &e);
    CHECK("reserve leaves the summary as it was", r == 0 && summary_agrees(s, &why), "%s %s", e.msg, buf_cstr(&why));
    for (int i = 0; i < 3; i++) commit_one(s, bs[i], &rs[i], &e);
    for (int i = 0; i < 3; i++) mfree(bs[i]);
    CHECK("summary = recount after a batch", summary_agrees(s, &why), "%s", buf_cstr(&why));
    store_close(s);

    /* the check can fail, and the rebuild mends it: a summary changed
     * behind the store's back (another program, a bug) */
    sqlexec(p, "UPDATE series_stats SET open = open + 1 WHERE series_id = 1");
    sqlexec(p, "DELETE FROM series_stat_name WHERE rowid IN (SELECT rowid FROM series_stat_name LIMIT 1)");
    memset(&e, 0, sizeof e);
    s = store_open(p, &e);
    buf_reset(&why);
    long f = s ? store_stats_faults(s, fault_text, &why, &e) : -1;
    CHECK("a changed summary is found", f >= 1 && strstr(buf_cstr(&why), "rebuild-stats"), "%ld: %s", f, buf_cstr(&why));
    buf_reset(&why);
    long nv = s ? store_verify(s, fault_text, &why, NULL, &e) : -1;
    CHECK("archive verify reports it", nv >= 1 && strstr(buf_cstr(&why), "statistics of"), "%ld: %s", nv, buf_cstr(&why));
    long ns = 0, nd = 0;
    r = s ? store_stats_rebuild(s, &ns, &nd, &e) : -1;
    CHECK("rebuild counts again", r == 0 && ns == 2 && nd >= 1 && summary_agrees(s, &why), "r=%d %ld %ld %s %s", r, ns, nd,
          e.msg, buf_cstr(&why));
    store_close(s);

    /* a database of each earlier version with this history is upgraded:
     * version 3 (escalate's letters, before the summary) and version 2
     * (before both); the migration fills the summary from the rows.  A
     * copy of the file is taken back to each version (the forms of
     * version 5 and the listing indexes of 6 undone too). */
    static const char *const drop_summary =
        "DROP INDEX finding_open_district; DROP INDEX finding_open_due; DROP INDEX bulletin_order; "     /* schema 6's, issue 18 */
        "CREATE INDEX finding_open_due ON finding(series_id, deadline) WHERE status = 'open'; "
        "CREATE INDEX finding_district ON finding(district, status, deadline); "
        "DROP TABLE bulletin_form; ALTER TABLE bulletin DROP COLUMN form; "   /* schema 5's, issue 13 */
        "DROP TRIGGER bulletin_stats; DROP TRIGGER finding_stats_insert; DROP TRIGGER finding_stats_status; "
        "DROP TRIGGER bulletin_stats_delete; DROP TRIGGER finding_stats_delete; "
        "DROP TABLE series_stats; DROP TABLE series_stat_name; DROP TABLE series_scope; "
        "DROP INDEX finding_district_walk; DROP INDEX bulletin_date; ";
    for (int v = 3; v >= 2; v--) {
        char sql[2000], name[64];
        snprintf(name, sizeof name, "summary-v%d.db", v);
        const char *pv = dbpath(name);
        char cmd[2400];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", p, pv);
        int cp_ok = system(cmd) == 0;
        snprintf(sql, sizeof sql, "%s%sPRAGMA user_version = %d", drop_summary,
                 v == 2 ? "DROP TABLE escalation; DROP TABLE letter_file; DROP TABLE letter; " : "", v);
        if (cp_ok) sqlexec(pv, sql);
        memset(&e, 0, sizeof e);
        s = cp_ok && sql1(pv, "PRAGMA user_version") == v ? store_open(pv, &e) : NULL;
        char tname[96];
        snprintf(tname, sizeof tname, "version %d upgraded with its summary filled", v);
        CHECK(tname,
              s && sql1(pv, "PRAGMA user_version") == STORE_SCHEMA_VERSION && store_schema_faults(s, 1, NULL, NULL, &e) == 0 &&
              sql1(pv, "SELECT count(*) FROM series_stats") == 2 && summary_agrees(s, &why),
              "%s %s", e.msg, buf_cstr(&why));
        store_close(s);
    }
    s = NULL;
    store_close(s);
    buf_free(&why);
}

/* ---- the listing of findings not put right (schema 6, issue 18) ----------------- */
/* Every row of a query, "a;b;c;", into b (a second connection). */
static void sql_rows(const char *path, const char *sql, buf *b) {
    sqlite3 *db = NULL;
    buf_reset(b);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW)
                buf_printf(b, "%s;", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "(null)");
        else
            buf_printf(b, "(%s)", sqlite3_errmsg(db));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
}

typedef struct {
    buf *out;
    long limit, n;
    char last[64];
} page_ctx;

static int page_row(void *ctx, const store_finding_row *r) {
    page_ctx *c = ctx;
    if (c->limit && c->n == c->limit) return 1;
    c->n++;
    snprintf(c->last, sizeof c->last, "%s", r->id);
    buf_printf(c->out, "%s=%s;", r->id, r->status);
    return 0;
}

/* The listings a history must give the same before and after an upgrade,
 * each appended to out on a line of its own.  Each is also asked for in
 * pages of 2 (the limit the CLI gives: the page and the row past it,
 * then --after the last row shown): -1 + why when the pages do not make
 * the whole listing. */
static const store_finding_filter list_cases[] = {
    {.district = "东湖区", .status = STORE_ST_UNDONE}, {.district = "东湖区", .status = STORE_ST_OPEN},
    {.district = "东湖区", .status = STORE_ST_OVERDUE}, {.series = "甲", .status = STORE_ST_UNDONE},
    {.series = "乙", .status = STORE_ST_OVERDUE}, {.series = "乙", .district = "西山区", .status = STORE_ST_OPEN},
    {.status = STORE_ST_UNDONE}, {.status = STORE_ST_OVERDUE}, {.series = "甲", .issue_no = 2, .status = STORE_ST_UNDONE},
    {.id = "a2026-002-002", .status = STORE_ST_UNDONE}, {.district = "东湖区"}, {.status = STORE_ST_DONE},
};
enum { N_LIST_CASES = sizeof list_cases / sizeof list_cases[0] };

static int list_all(store *s, buf *out, buf *why) {
    err e = {0};
    buf whole, paged;
    buf_init(&whole);
    buf_init(&paged);
    int r = 0;
    for (int k = 0; k < N_LIST_CASES && r == 0; k++) {
        store_finding_filter f = list_cases[k];
        f.today = "2026-03-01";
        buf_reset(&whole);
        buf_reset(&paged);
        page_ctx c = {&whole, 0, 0, ""};
        if (store_list_findings(s, &f, page_row, &c, &e) < 0) r = -1;
        char after[64] = "";
        f.limit = 3;
        for (int pages = 0; r == 0 && pages < 50; pages++) {
            page_ctx pc = {&paged, 2, 0, ""};
            if (store_list_findings(s, &f, page_row, &pc, &e) < 0) r = -1;
            if (pc.n < 2) break;
            snprintf(after, sizeof after, "%s", pc.last);
            f.after = after;
        }
        if (r < 0) buf_printf(why, "case %d: %s", k, e.msg);
        else if (strcmp(buf_cstr(&whole) ? buf_cstr(&whole) : "", buf_cstr(&paged) ? buf_cstr(&paged) : ""))
            r = -1, buf_printf(why, "case %d: in pages %s, whole %s", k, buf_cstr(&paged), buf_cstr(&whole));
        buf_printf(out, "%d:%s\n", k, buf_cstr(&whole) ? buf_cstr(&whole) : "");
    }
    buf_free(&whole);
    buf_free(&paged);
    return r;
}

static void test_listing_v5(void) {
    err e = {0};
    const char *p = dbpath("list6.db");
    store *s = store_open(p, &e);
    store_result res;
    /* two series whose rows interleave (so rowid order is not the
     * listing's), over a year boundary, findings with their own deadlines
     * before, on and after 2026-03-01 or none (the bulletin's) */
    const char *const fs[] = {"东湖区|a|b|c|t1|2026-02-01", "西山区|a|b|d|t2|2026-03-20", "东湖区|a|b|e|t3",
                              "东湖区|a|b|f|t4|2026-03-01", "西山区|a|b|g|t5|2026-02-27", NULL};
    const char *const days[] = {"2025-12-20", "2026-01-05", "2026-01-20", "2026-02-10"};
    for (int d = 0; d < 4; d++)
        for (int k = 0; k < 2; k++) {
            char id[16];
            snprintf(id, sizeof id, "%c%d", k ? 'b' : 'a', d);
            model_bulletin *b = mk(k ? "乙" : "甲", id, days[d], fs);
            b->series_code = k ? "B" : "A";
            b->rect_deadline = d < 2 ? "2026-01-31" : "2026-03-15T17:00";
            issue(s, b, NULL, &res, &e);
            mfree(b);
        }
    store_rectification rc[] = {{"A2026-001-001", 1, "2026-02-01", NULL}, {"B2025-001-003", 1, "2026-01-02", NULL},
                                {"B2026-002-002", 1, "2026-02-20", NULL}, {"A2026-002-004", 1, "2026-02-20", NULL}};
    memset(&e, 0, sizeof e);
    CHECK("listing history: 8 bulletins, 4 put right", store_rectify(s, NULL, rc, 4, "cli", &e) == 0 &&
          sql1(p, "SELECT count(*) FROM finding WHERE status = 'open'") == 36, "%s", e.msg);
    buf want, got, why, ref;
    buf_init(&want);
    buf_init(&got);
    buf_init(&why);
    buf_init(&ref);
    int r = list_all(s, &want, &why);
    store_close(s);
    CHECK("each listing in pages of 2 (limit, after) makes the whole of it", r >= 0 && want.len > 500, "%s",
          buf_cstr(&why));
    /* the listing is the plain SQL definition: its order and its rows */
    s = store_open(p, &e);
    store_finding_filter f = {.district = "东湖区", .status = STORE_ST_UNDONE, .today = "2026-03-01"};
    page_ctx c = {&got, 0, 0, ""};
    r = r < 0 || !s ? -1 : (int)store_list_findings(s, &f, page_row, &c, &e);
    store_close(s);
    sql_rows(p, "SELECT f.id || '=' || CASE WHEN f.deadline < '2026-03-01' THEN 'overdue' ELSE 'open' END FROM finding f "
                "JOIN bulletin b ON b.id = f.bulletin_id JOIN series s ON s.id = f.series_id "
                "WHERE f.district = '东湖区' AND f.status = 'open' ORDER BY s.name, b.year, b.issue_no, f.seq", &ref);
    CHECK("findings undone by district: the rows and order of the SQL definition (series name, year, issue, position)",
          r == 21 && !strcmp(buf_cstr(&got), buf_cstr(&ref)), "%d: %s\nwant %s", r, buf_cstr(&got), buf_cstr(&ref));
    /* The same history at schema 5: the listing's indexes of 6 undone,
     * checked to be exactly what migrations 0..4 create. */
    const char *p5 = dbpath("list5.db");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", p, p5);
    int ok = system(cmd) == 0 &&
             sqlexec(p5, "DROP INDEX finding_open_district; DROP INDEX finding_open_due; DROP INDEX bulletin_order; "
                         "CREATE INDEX finding_open_due ON finding(series_id, deadline) WHERE status = 'open'; "
                         "CREATE INDEX finding_district ON finding(district, status, deadline); "
                         "PRAGMA user_version = 5") == SQLITE_OK;
    const char *const schema_sql = "SELECT group_concat(type || ' ' || name || ': ' || sql, x'0a') FROM "
                                   "(SELECT * FROM sqlite_schema WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY type, name)";
    const char *p5ref = dbpath("list5ref.db");
    for (int k = 0; k < 5; k++) ok = ok && sqlexec(p5ref, store_migration(k)) == SQLITE_OK;
    buf s5, s5ref;
    buf_init(&s5);
    buf_init(&s5ref);
    sql_rows(p5, schema_sql, &s5);
    sql_rows(p5ref, schema_sql, &s5ref);
    CHECK("a schema-5 history (the listing's indexes of 6 undone) as migrations 0..4 make it",
          ok && s5.len > 1000 && !strcmp(buf_cstr(&s5), buf_cstr(&s5ref)) && sql1(p5, "PRAGMA user_version") == 5,
          "%s\n--- want\n%s", buf_cstr(&s5), buf_cstr(&s5ref));
    /* read-only it is refused (it needs the upgrade); the first writing
     * open upgrades it in place, and it lists exactly as before */
    memset(&e, 0, sizeof e);
    store *ro = store_open_existing(p5, 1, &e);
    CHECK("schema 5 read-only: asks for a writing command", !ro && e.code == TB_EDB && strstr(e.msg, "upgrade"), "%s", e.msg);
    store_close(ro);
    memset(&e, 0, sizeof e);
    s = store_open(p5, &e);
    long faults = s ? store_schema_faults(s, 1, NULL, NULL, &e) : -1;
    buf_reset(&why);
    buf_reset(&got);
    r = s ? list_all(s, &got, &why) : -1;
    CHECK("schema 5 → 6: upgraded in place (finding_open_district and bulletin_order, finding_open_due widened, finding_district gone)",
          s && faults == 0 && sql1(p5, "PRAGMA user_version") == STORE_SCHEMA_VERSION && STORE_SCHEMA_VERSION == 6 &&
          sql1(p5, "SELECT count(*) FROM sqlite_schema WHERE name = 'finding_open_district'") == 1 &&
          sql1(p5, "SELECT count(*) FROM sqlite_schema WHERE name = 'finding_district'") == 0 &&
          sql1(p5, "SELECT count(*) FROM sqlite_schema WHERE name = 'bulletin_order'") == 1 &&
          sql1(p5, "SELECT count(*) FROM pragma_index_info('finding_open_due')") == 4,
          "faults %ld: %s", faults, e.msg);
    CHECK("schema 5 → 6: every listing (whole and paged) as before the upgrade", r == 0 && !strcmp(buf_cstr(&got), buf_cstr(&want)),
          "%s\n--- want\n%s %s", buf_cstr(&got), buf_cstr(&want), buf_cstr(&why));
    store_close(s);
    buf_free(&s5);
    buf_free(&s5ref);
    buf_free(&want);
    buf_free(&got);
    buf_free(&why);
    buf_free(&ref);
}

/* Several processes issue into one series at once. */
static void test_concurrency(void) {
    const char *p = dbpath("conc.db");
    enum { PROCS = 3, EACH = 8 };
    pid_t pids[PROCS];
    /* children also race to create the file */
    for (int k = 0; k < PROCS; k++) {
        pids[k] = fork();
        if (pids[k] == 0) {
            err e = {0};
            store *s = store_open(p, &e);
            if (!s) {
                fprintf(stderr, "child open: %s\n", e.msg);
                _exit(1);
            }
            int bad = 0;
            for (int i = 0; i < EACH; i++) {
                char id[32];
                snprintf(id, sizeof id, "p%d-%d", k, i);
                model_bulletin *b = mk("江城市疫情防控督查通报", id, "2026-11-21", TWO);
                store_result res;
                if (issue(s, b, NULL, &res, &e) != 0) {
                    fprintf(stderr, "child issue: %s\n", e.msg);
                    bad = 1;
                }
                mfree(b);
            }
            store_close(s);
            _exit(bad);
        }
    }
    int ok = 1;
    for (int k = 0; k < PROCS; k++) {
        int status = 0;
        waitpid(pids[k], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ok = 0;
    }
    CHECK("concurrent issuers succeed", ok, "a child failed");
    long long n = sql1(p, "SELECT count(*) FROM bulletin");
    long long distinct = sql1(p, "SELECT count(DISTINCT issue_no) FROM bulletin");
    long long maxno = sql1(p, "SELECT max(issue_no) FROM bulletin");
    CHECK("concurrent: distinct consecutive numbers", n == PROCS * EACH && distinct == n && maxno == n,
          "n=%lld distinct=%lld max=%lld", n, distinct, maxno);
    CHECK("concurrent: finding ids unique", sql1(p, "SELECT count(DISTINCT id) FROM finding") == 2 * n, "ids");
}

/* Kill an issuing process at random moments; the archive stays whole. */
static void test_kill_anywhere(void) {
    const char *p = dbpath("kill.db");
    err e = {0};
    store *s = store_open(p, &e);
    store_close(s);
    srand(12345);
    for (int round = 0; round < 6; round++) {
        int ready[2];
        if (pipe(ready) != 0) abort();
        pid_t pid = fork();
        if (pid == 0) {
            close(ready[0]);
            err ce = {0};
            store *cs = store_open(p, &ce);
            for (int i = 0; cs; i++) {
                char id[32];
                snprintf(id, sizeof id, "k%d-%d", round, i);
                model_bulletin *b = mk("S", id, "2026-11-21", TWO);
                hookctx h = {.pdf_bytes = 20000};
                store_result res;
                issue(cs, b, &h, &res, &ce);
                mfree(b);
                if (i == 0 && write(ready[1], "!", 1) != 1) _exit(2);   /* one is in: kill me any time */
            }
            _exit(1);
        }
        close(ready[1]);
        char c;
        if (read(ready[0], &c, 1) != 1) c = 0;   /* waits for the child's first issue */
        close(ready[0]);
        struct timespec ts = {0, (long)(rand() % 40) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    memset(&e, 0, sizeof e);
    s = store_open(p, &e);
    buf faults;
    buf_init(&faults);
    long nb = 0, nf = s ? store_verify(s, fault_cb, &faults, &nb, &e) : -1;
    CHECK("killed issuers: archive whole", nf == 0 && nb > 0, "faults %ld bulletins %ld: %s %s", nf, nb, buf_cstr(&faults), e.msg);
    store_close(s);
    CHECK("killed issuers: no gaps", sql1(p, "SELECT max(issue_no) - count(*) FROM bulletin") == 0, "gap");
    CHECK("killed issuers: every bulletin complete",
          sql1(p, "SELECT count(*) FROM bulletin b WHERE n_findings <> (SELECT count(*) FROM finding WHERE bulletin_id = b.id)") == 0, "partial");
    buf_free(&faults);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "%s/tb_store_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_open_and_migrate();
    test_numbering();
    test_override_and_idempotency();
    test_rollback();
    test_disk_full();
    test_repeats();
    test_overdue_and_rectify();
    test_archive();
    test_forms();
    test_stats();
    test_two_phase();
    test_summary();
    test_overdue_sides();
    test_listing_v5();
    test_concurrency();
    test_kill_anywhere();
    if (!tl_failed) {   /* keep the files for a look when something failed */
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    } else {
        fprintf(stderr, "databases kept in %s\n", tmpdir);
    }
    return TESTS_DONE();
}
