/* gen_history.c — fills a history database with a large, plausible past
 * for `make bench` (issue 3: 1,000,000 findings), and optionally measures
 * the operations that must stay fast on it.  Owned by the store module.
 *
 * Build (from the project root):
 *   cc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -Isrc tests/gen_history.c \
 *      src/store*.c src/digest.c src/util.c -lsqlite3 -lnettle -o build/gen_history
 * Use:
 *   gen_history DB [-n BULLETINS] [-f FINDINGS_PER_BULLETIN] [-s SERIES]
 *               [--force] [--measure | --measure-only]
 * Defaults: 30304 bulletins x 33 findings (1,000,032) over 3 series, one
 * bulletin per series per day going back from 2026-11-20 (about 28 years,
 * so numbering restarts every January).  Findings of the last 30 days are
 * open, older ones are 98 % rectified: about 23,000 open findings remain,
 * a heavy backlog, so the open-findings queries are not flattered.
 *
 * The store API creates the schema (store_open); the bulk rows then go in
 * through prepared INSERTs on a second connection in one transaction,
 * because issuing 30,000 bulletins one by one (one fsync each) would take
 * minutes.  The INSERTs name the columns of schema versions 1 and 2; the
 * statistics summary of version 4 follows through its triggers (the rows
 * have no cases and no scope counts, the parts the store adds in C), and
 * version 5's bulletin.form keeps its default: every bulletin a plain PDF.
 * --measure then uses only the public API, in a fresh connection: issue one
 * more bulletin of 33 findings, list one district's open findings (all, and
 * a page of 100), compute a series' statistics. */
#define _POSIX_C_SOURCE 200809L
#include "digest.h"
#include "history.h"
#include "store.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* xorshift64*: deterministic, so every run builds the same history. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 33) % n;
}

static const char *const SERIES[][2] = {
    {"江城市疫情防控督查通报", "JC"}, {"江城市安全生产督查通报", "AQ"},
    {"江城市环境整治督查通报", "HJ"}, {"江城市创文创卫督查通报", "CW"},
    {"江城市防汛抗旱督查通报", "FX"}, {"江城市营商环境督查通报", "YS"},
};
static const char *const DISTRICTS[] = {
    "东湖区", "西山区", "南岸区", "北城区", "江北区", "高新区",
    "经开区", "滨江区", "青山区", "白沙区", "石桥区", "新河区",
};
static const char *const STREETS[] = {
    "青山街道", "白沙街道", "石桥街道", "新河街道", "和平街道", "红星街道", "锦绣街道", "东苑街道",
};
static const char *const COMMUNITIES[] = {
    "和平社区", "新河社区", "石桥社区", "红星社区", "锦绣社区", "东苑社区", "阳光社区", "幸福社区",
    "光明社区", "团结社区",
};
static const char *const SITES[] = {
    "锦绣小区", "东苑小区", "新河菜市场", "石桥三组", "红星小区", "阳光花园", "幸福里", "光明小区",
    "团结新村", "滨江花园", "中心超市", "汽车站", "人民医院", "第一中学", "农贸市场", "工业园",
    "文化广场", "体育馆", "火车站", "商业街",
};
static const char *const TEXTS[] = {
    "北门无人值守，进出人员未测体温", "登记册多日未填写", "入口未设测温点", "卡点夜间无人值守",
    "未设志愿岗，无单位人员值守", "居家隔离户门口未张贴告知书", "扫码登记流于形式", "消毒记录不全",
    "值守人员未佩戴口罩", "外来车辆未登记",
};
static const char *const CATEGORIES[] = {"卡点值守不到位", "重点人员管控不严", "场所防控措施落实不力"};

/* Noon of (2026-11-20 minus days_back), as YYYY-MM-DD plus its year. */
static int day_string(int days_back, int plus, char out[11]) {
    struct tm t = {.tm_year = 126, .tm_mon = 10, .tm_mday = 20 - days_back + plus, .tm_hour = 12, .tm_isdst = -1};
    if (mktime(&t) == (time_t)-1) return -1;
    strftime(out, 11, "%Y-%m-%d", &t);
    return t.tm_year + 1900;
}

#define CK(x) do { int rc_ = (x); if (rc_ != SQLITE_OK && rc_ != SQLITE_DONE && rc_ != SQLITE_ROW) { \
        fprintf(stderr, "gen_history: %s: %s (line %d)\n", #x, sqlite3_errmsg(db), __LINE__); goto fail; } } while (0)

static int generate(const char *path, long n_bulletins, int per, int n_series) {
    err e = {0};
    store *s = store_open(path, &e);
    if (!s) {
        fprintf(stderr, "gen_history: %s\n", e.msg);
        return -1;
    }
    store_close(s);

    sqlite3 *db = NULL;
    sqlite3_stmt *ins_b = NULL, *ins_f = NULL, *ins_fd = NULL, *ins_s = NULL, *ver = NULL;
    int ok = 0;
    CK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL));
    CK(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &ver, NULL));
    CK(sqlite3_step(ver));
    if (sqlite3_column_int(ver, 0) != STORE_SCHEMA_VERSION) {
        fprintf(stderr, "gen_history: knows schema version %d only, the store made %d; update gen_history\n",
                STORE_SCHEMA_VERSION, sqlite3_column_int(ver, 0));
        goto fail;
    }
    sqlite3_finalize(ver);   /* its read snapshot would block the mode change */
    ver = NULL;
    /* A fresh file being filled by one process: no need for crash safety
     * until it is done, so skip the WAL and syncing during the load. */
    CK(sqlite3_exec(db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; "
                        "PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF", NULL, NULL, NULL));
    CK(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL));
    CK(sqlite3_prepare_v2(db, "INSERT INTO series(id, name, code, created_at) VALUES (?1, ?2, ?3, '1998-01-01T00:00:00Z')", -1, &ins_s, NULL));
    CK(sqlite3_prepare_v2(db,
        "INSERT INTO bulletin(id, series_id, input_id, year, issue_no, date, title, issuer, has_inspection, "
        "method, rect_deadline, template, tool_version, source_name, n_findings, pages, pdf_size, pdf_sha256, "
        "source_size, source_sha256, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '督查通报', '督导组', 1, "
        "'暗访', ?7, 'dubao', 'gen_history', ?8, ?9, 3, ?10, ?11, ?12, ?13, ?14)", -1, &ins_b, NULL));
    CK(sqlite3_prepare_v2(db, "INSERT INTO bulletin_file(bulletin_id, source_xml, pdf) VALUES (?1, ?2, ?3)", -1, &ins_fd, NULL));
    CK(sqlite3_prepare_v2(db,
        "INSERT INTO finding(id, bulletin_id, series_id, seq, category_no, category, district, street, "
        "community, site, norm_location, text, deadline, status, done_date) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)", -1, &ins_f, NULL));

    /* A minimal PDF and source, the same bytes for every bulletin. */
    static const char pdf[] =
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        "trailer<</Root 1 0 R>>\n%%EOF\n";
    static const char src[] = "<bulletin version=\"1\"><!-- generated history --></bulletin>\n";
    char pdf_sha[65], src_sha[65];
    digest_sha256_hex(pdf, sizeof pdf - 1, pdf_sha);
    digest_sha256_hex(src, sizeof src - 1, src_sha);

    for (int k = 0; k < n_series; k++) {
        CK(sqlite3_bind_int(ins_s, 1, k + 1));
        CK(sqlite3_bind_text(ins_s, 2, SERIES[k][0], -1, SQLITE_STATIC));
        CK(sqlite3_bind_text(ins_s, 3, SERIES[k][1], -1, SQLITE_STATIC));
        CK(sqlite3_step(ins_s));
        CK(sqlite3_reset(ins_s));
    }
    long per_series = (n_bulletins + n_series - 1) / n_series, bid = 0, fid = 0;
    int last_year[8] = {0}, issue[8] = {0};
    for (long i = 0; i < per_series; i++) {
        int days_back = (int)(per_series - 1 - i);      /* oldest first, as history grew */
        char date[11], due_day[11], done_day[11], deadline[20], input_id[48];
        int year = day_string(days_back, 0, date);
        day_string(days_back, 2, due_day);
        day_string(days_back, 1 + (int)rnd(5), done_day);
        snprintf(deadline, sizeof deadline, "%sT17:00", due_day);
        for (int k = 0; k < n_series && bid < n_bulletins; k++) {
            if (year != last_year[k]) last_year[k] = year, issue[k] = 0;
            int no = ++issue[k];
            bid++;
            snprintf(input_id, sizeof input_id, "%s-%s", SERIES[k][1], date);
            CK(sqlite3_bind_int64(ins_b, 1, bid));
            CK(sqlite3_bind_int(ins_b, 2, k + 1));
            CK(sqlite3_bind_text(ins_b, 3, input_id, -1, SQLITE_TRANSIENT));
            CK(sqlite3_bind_int(ins_b, 4, year));
            CK(sqlite3_bind_int(ins_b, 5, no));
            CK(sqlite3_bind_text(ins_b, 6, date, -1, SQLITE_TRANSIENT));
            CK(sqlite3_bind_text(ins_b, 7, deadline, -1, SQLITE_TRANSIENT));
            CK(sqlite3_bind_text(ins_b, 8, input_id, -1, SQLITE_TRANSIENT));
            CK(sqlite3_bind_int(ins_b, 9, per));
            CK(sqlite3_bind_int(ins_b, 10, (int)sizeof pdf - 1));
            CK(sqlite3_bind_text(ins_b, 11, pdf_sha, -1, SQLITE_STATIC));
            CK(sqlite3_bind_int(ins_b, 12, (int)sizeof src - 1));
            CK(sqlite3_bind_text(ins_b, 13, src_sha, -1, SQLITE_STATIC));
            CK(sqlite3_bind_text(ins_b, 14, date, -1, SQLITE_TRANSIENT));
            CK(sqlite3_step(ins_b));
            CK(sqlite3_reset(ins_b));
            CK(sqlite3_bind_int64(ins_fd, 1, bid));
            CK(sqlite3_bind_blob(ins_fd, 2, src, sizeof src - 1, SQLITE_STATIC));
            CK(sqlite3_bind_blob(ins_fd, 3, pdf, sizeof pdf - 1, SQLITE_STATIC));
            CK(sqlite3_step(ins_fd));
            CK(sqlite3_reset(ins_fd));
            for (int j = 0; j < per; j++) {
                model_finding f = {
                    .district = DISTRICTS[rnd(12)], .street = STREETS[rnd(8)],
                    .community = COMMUNITIES[rnd(10)], .site = SITES[rnd(20)],
                };
                char *norm = store_norm_location(&f);
                char id[40];
                snprintf(id, sizeof id, "%s%04d-%03d-%03d", SERIES[k][1], year, no, j + 1);
                int open = days_back < 30 || rnd(100) < 2;
                int cat = j * 3 / per;
                CK(sqlite3_bind_text(ins_f, 1, id, -1, SQLITE_TRANSIENT));
                CK(sqlite3_bind_int64(ins_f, 2, bid));
                CK(sqlite3_bind_int(ins_f, 3, k + 1));
                CK(sqlite3_bind_int(ins_f, 4, j + 1));
                CK(sqlite3_bind_int(ins_f, 5, cat + 1));
                CK(sqlite3_bind_text(ins_f, 6, CATEGORIES[cat], -1, SQLITE_STATIC));
                CK(sqlite3_bind_text(ins_f, 7, f.district, -1, SQLITE_STATIC));
                CK(sqlite3_bind_text(ins_f, 8, f.street, -1, SQLITE_STATIC));
                CK(sqlite3_bind_text(ins_f, 9, f.community, -1, SQLITE_STATIC));
                CK(sqlite3_bind_text(ins_f, 10, f.site, -1, SQLITE_STATIC));
                CK(sqlite3_bind_text(ins_f, 11, norm ? norm : "", -1, SQLITE_TRANSIENT));
                CK(sqlite3_bind_text(ins_f, 12, TEXTS[rnd(10)], -1, SQLITE_STATIC));
                CK(sqlite3_bind_text(ins_f, 13, deadline, -1, SQLITE_TRANSIENT));
                CK(sqlite3_bind_text(ins_f, 14, open ? "open" : "done", -1, SQLITE_STATIC));
                if (open) CK(sqlite3_bind_null(ins_f, 15));
                else CK(sqlite3_bind_text(ins_f, 15, done_day, -1, SQLITE_TRANSIENT));
                free(norm);
                CK(sqlite3_step(ins_f));
                CK(sqlite3_reset(ins_f));
                fid++;
            }
        }
    }
    CK(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL));
    /* Back to the store's normal mode for everything that follows, and
     * planner statistics as an office database would have them after a few
     * days of use (store_close runs PRAGMA optimize). */
    CK(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA analysis_limit = 400; ANALYZE", NULL, NULL, NULL));
    printf("generated %ld bulletins, %ld findings in %d series\n", bid, fid, n_series);
    ok = 1;
fail:
    sqlite3_finalize(ver);
    sqlite3_finalize(ins_s);
    sqlite3_finalize(ins_b);
    sqlite3_finalize(ins_fd);
    sqlite3_finalize(ins_f);
    sqlite3_close(db);
    return ok ? 0 : -1;
}

/* ---- measuring --------------------------------------------------------------
 * Each figure is wall time and the process's CPU time (the figure to compare
 * on a shared, loaded machine; the difference is waiting: for the disk,
 * the fsync of a commit, or for a core). */
static double cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct {
    double wall, cpu;
} tick;

static tick tick_now(void) { return (tick){now_ms(), cpu_ms()}; }
static tick tick_since(tick t0) {
    tick t = tick_now();
    return (tick){t.wall - t0.wall, t.cpu - t0.cpu};
}

/* What `tongbao issue` does with the store inside its transaction: the
 * history figures (the previous issue, the series' statistics), then a
 * PDF about the size of a real 3-page bulletin with subset fonts. */
static int fake_render(void *ctx, model_bulletin *b, store_rendered *out, err *e) {
    store *s = ctx;
    if (s && history_prepare(s, b, NULL, &out->context, e) < 0) return -1;
    buf_printf(&out->pdf, "%%PDF-1.7 bench %s 第%d期\n", b->id, b->issue_no);
    while (out->pdf.len < 120 * 1024) buf_add(&out->pdf, "stream 0123456789abcdef endstream\n", 34);
    out->pages = 3;
    return 0;
}

static model_bulletin *bench_bulletin(int run, int per) {
    arena *a = arena_new();
    model_bulletin *b = a ? arena_alloc(a, sizeof *b) : NULL;
    if (!b) return NULL;
    b->arena = a;
    b->source = "bench.xml";
    b->id = arena_printf(a, "bench-%ld-%ld-%d", (long)time(NULL), (long)getpid(), run);
    b->series = SERIES[0][0];
    b->date = "2026-11-21";
    b->title = "江城市城区疫情防控工作督查通报";
    b->has_rectification = 1;
    b->rect_deadline = "2026-11-23T17:00";
    b->n_categories = 3;
    b->categories = arena_alloc(a, 3 * sizeof *b->categories);
    for (int c = 0; c < 3; c++) {
        b->categories[c].title = CATEGORIES[c];
        b->categories[c].findings = arena_alloc(a, (size_t)per * sizeof(model_finding));
    }
    for (int j = 0; j < per; j++) {
        model_category *c = &b->categories[j * 3 / per];
        c->findings[c->n_findings++] = (model_finding){
            .district = DISTRICTS[rnd(12)], .street = STREETS[rnd(8)],
            .community = COMMUNITIES[rnd(10)], .site = SITES[rnd(20)], .text = TEXTS[rnd(10)],
        };
    }
    return b;
}

/* The nightly's prepare: the history figures of each reserved bulletin. */
typedef struct {
    store *s;
    store_rendered *outs;
} batch_ctx;

static int batch_prepare(void *ctx, model_bulletin *b, size_t index, err *e) {
    batch_ctx *c = ctx;
    return history_prepare(c->s, b, NULL, &c->outs[index].context, e);
}

static int count_row(void *ctx, const store_finding_row *r) {
    (void)r;
    ++*(long *)ctx;
    return 0;
}

/* A page of 100 as `tongbao findings --limit 100` asks for it: the rows
 * and the one past them that says more follow. */
static int page_row(void *ctx, const store_finding_row *r) {
    (void)r;
    return ++*(long *)ctx > 100;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum { RUNS = 7 };
typedef struct {
    double wall[RUNS], cpu[RUNS];
} series_t;

static void put(series_t *m, int i, tick t) {
    m->wall[i] = t.wall;
    m->cpu[i] = t.cpu;
}

static void report(const char *what, series_t *m) {
    qsort(m->wall, RUNS, sizeof(double), cmp_double);
    qsort(m->cpu, RUNS, sizeof(double), cmp_double);
    printf("%s: median %.1f ms, max %.1f ms (CPU median %.1f ms)\n", what, m->wall[RUNS / 2], m->wall[RUNS - 1],
           m->cpu[RUNS / 2]);
}

static int measure(const char *path, int per) {
    series_t m_issue, m_cycle, m_list, m_page, m_stats;
    long rows = 0, page = 0;
    int repeats = 0;
    static const char xml[] = "<bulletin/>";
    for (int i = 0; i < RUNS; i++) {
        /* Each run is a new process's worth of work: open, issue, close. */
        err e = {0};
        tick t0 = tick_now();
        store *s = store_open(path, &e);
        if (!s) {
            fprintf(stderr, "gen_history: %s\n", e.msg);
            return -1;
        }
        model_bulletin *b = bench_bulletin(i, per);
        store_hooks hk = {fake_render, NULL, s};
        store_source src = {xml, sizeof xml - 1, "bench.xml", "dubao", NULL, "gen_history"};
        store_result res;
        tick t1 = tick_now();
        int r = b ? store_issue(s, b, &src, &hk, &res, &e) : -1;
        put(&m_issue, i, tick_since(t1));
        if (r != 0) {
            fprintf(stderr, "gen_history: issue: %s\n", r == 1 ? "bench id already issued" : e.msg);
            store_close(s);
            return -1;
        }
        repeats = res.n_repeats;
        arena_free(b->arena);
        store_close(s);
        put(&m_cycle, i, tick_since(t0));

        s = store_open_existing(path, 1, &e);
        if (!s) {
            fprintf(stderr, "gen_history: %s\n", e.msg);
            return -1;
        }
        store_finding_filter f = {.district = DISTRICTS[i % 12], .status = STORE_ST_UNDONE, .today = "2026-11-22"};
        rows = 0;
        t0 = tick_now();
        long n = store_list_findings(s, &f, count_row, &rows, &e);
        put(&m_list, i, tick_since(t0));
        f.limit = 101;
        page = 0;
        t0 = tick_now();
        if (n >= 0) n = store_list_findings(s, &f, page_row, &page, &e);
        put(&m_page, i, tick_since(t0));
        arena *a = arena_new();
        store_stats st;
        t0 = tick_now();
        int sr = store_series_stats(s, SERIES[0][0], "2026-11-22", a, &st, &e);
        put(&m_stats, i, tick_since(t0));
        arena_free(a);
        store_close(s);
        if (n < 0 || sr < 0) {
            fprintf(stderr, "gen_history: query: %s\n", e.msg);
            return -1;
        }
    }
    /* The nightly path (issue 4): reserve a batch, commit one by one. */
    enum { BATCH = 100 };
    model_bulletin *bs[BATCH];
    store_result *rs = calloc(BATCH, sizeof *rs);
    err e = {0};
    store *s = store_open(path, &e);
    int nb = 0;
    for (; rs && nb < BATCH; nb++)
        if (!(bs[nb] = bench_bulletin(100 + nb, per))) break;
    store_rendered outs[BATCH];
    for (int i = 0; i < BATCH; i++) store_rendered_init(&outs[i]);
    batch_ctx bc = {s, outs};
    tick t0 = tick_now();
    int r = s && nb == BATCH ? store_reserve(s, bs, BATCH, batch_prepare, &bc, rs, &e) : -1;
    tick t_res = tick_since(t0);
    t0 = tick_now();
    for (int i = 0; r == 0 && i < BATCH; i++) {
        fake_render(NULL, bs[i], &outs[i], &e);
        store_source src = {xml, sizeof xml - 1, "bench.xml", "dubao", NULL, "gen_history"};
        store_result res;
        if (store_commit(s, bs[i], &src, &outs[i], &res, &e) != 0) r = -1;
    }
    tick t_com = tick_since(t0);
    for (int i = 0; i < BATCH; i++) store_rendered_free(&outs[i]);
    for (int i = 0; i < nb; i++) arena_free(bs[i]->arena);
    free(rs);
    store_close(s);
    if (r != 0) {
        fprintf(stderr, "gen_history: batch: %s\n", e.msg[0] ? e.msg : "stale or already issued");
        return -1;
    }
    char what[160];
    snprintf(what, sizeof what, "issue one more bulletin (%d findings, %d repeats found; history figures included)",
             per, repeats);
    report(what, &m_issue);
    report("  open + issue + close (a whole `tongbao issue` minus parse/render)", &m_cycle);
    snprintf(what, sizeof what, "list one district's open findings (%ld rows)", rows);
    report(what, &m_list);
    snprintf(what, sizeof what, "  the first page of them (--limit 100: %ld rows read)", page);
    report(what, &m_page);
    report("series statistics", &m_stats);
    printf("nightly batch of %d: reserve %.1f ms, commits %.1f ms (%.2f ms per bulletin; CPU %.2f ms)\n", BATCH,
           t_res.wall, t_com.wall, (t_res.wall + t_com.wall) / BATCH, (t_res.cpu + t_com.cpu) / BATCH);
    int over = m_issue.cpu[RUNS / 2] >= 20 || m_page.cpu[RUNS / 2] >= 50;
    printf("budget (CPU: issue 20 ms, a page of open findings 50 ms): %s\n", over ? "OVER" : "ok");
    return over ? 1 : 0;
}

int main(int argc, char **argv) {
    const char *path = NULL;
    long n = 30304;
    int per = 33, series = 3, force = 0, do_measure = 0, only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) n = atol(argv[++i]);
        else if (!strcmp(argv[i], "-f") && i + 1 < argc) per = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) series = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--force")) force = 1;
        else if (!strcmp(argv[i], "--measure")) do_measure = 1;
        else if (!strcmp(argv[i], "--measure-only")) do_measure = only = 1;
        else if (argv[i][0] != '-' && !path) path = argv[i];
        else {
            fprintf(stderr, "usage: gen_history DB [-n BULLETINS] [-f FINDINGS] [-s SERIES] [--force] [--measure | --measure-only]\n");
            return 2;
        }
    }
    if (!path || n < 1 || per < 3 || per > 999 || series < 1 || series > 6) {
        fprintf(stderr, "usage: gen_history DB [-n BULLETINS>=1] [-f 3..999] [-s 1..6] [--force] [--measure]\n");
        return 2;
    }
    if (only) return measure(path, per);   /* on an existing history */
    if (access(path, F_OK) == 0) {
        if (!force) {
            fprintf(stderr, "gen_history: %s exists; pass --force to replace it\n", path);
            return 2;
        }
        char side[1024];
        const char *suffix[] = {"", "-wal", "-shm", "-journal"};
        for (int k = 0; k < 4; k++) {
            snprintf(side, sizeof side, "%s%s", path, suffix[k]);
            if (unlink(side) != 0 && access(side, F_OK) == 0) {
                perror(side);
                return 1;
            }
        }
    }
    double t0 = now_ms();
    if (generate(path, n, per, series) < 0) return 1;
    printf("generation took %.1f s\n", (now_ms() - t0) / 1e3);
    return do_measure ? measure(path, per) : 0;
}
