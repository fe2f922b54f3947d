/* ledger.c — the 整改台账 out (XLSX or CSV) and back (see ledger.h). */
#define _GNU_SOURCE   /* memfd_create */
#include "ledger.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cellval.h"
#include "csv.h"
#include "date.h"
#include "grid.h"
#include "safecell.h"
#include "sheetmap.h"
#include "xlsx.h"
#include "xlsxw.h"

enum { C_ID, C_ISSUE, C_DISTRICT, C_STREET, C_COMMUNITY, C_SITE, C_TEXT, C_DEADLINE, C_STATUS, C_PROGRESS, C_DONE,
       C_NOTE, C_LETTERS, N_COLS };
/* 督办 (issue 16, last so the columns a district fills keep their letters):
 * the letters tongbao escalate sent about the finding, 提醒（2次） */
static const char *const head[N_COLS] = {"编号", "通报期数", "区", "街道", "社区", "点位", "问题",
                                         "整改时限", "状态", "整改情况", "完成时间", "备注", "督办"};
static const double width[N_COLS] = {17, 13, 10, 12, 12, 16, 44, 16, 8, 36, 12, 26, 12};
#define UNITS_SHEET "各单位"
#define HEAD_ROW 2          /* 0-based: title, note, header */
#define MAX_SHEETS 200

const char *ledger_status_word(const char *st) {
    if (str_eq(st, "done")) return "已整改";
    if (str_eq(st, "overdue")) return "逾期";
    return "未整改";
}

/* ---- pass 1: which sheets, how many rows ---------------------------------- */

typedef struct {
    const char *key;        /* district, or UNITS_SHEET */
    lxw_worksheet *ws;
    uint32_t next_row;
    long n, done, open, overdue;
} sheet;

typedef struct {
    arena *a;
    sheet *sheets;
    size_t n, cap;
    const char *series1;     /* the one series seen, or NULL */
    int many_series;
    ledger_stats *st;
    int oom;
    /* pass 2 */
    xlsxw *x;
    FILE *csv;
    iconv_t cd;
    buf line, cell;
    char letters[96];        /* the 督办 cell of the row being written */
    err *e;
    int bad;
} lctx;

static const char *sheet_key(const store_finding_row *r) { return r->unit ? UNITS_SHEET : r->district; }

static sheet *find_sheet(lctx *c, const char *key) {
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->sheets[i].key, key)) return &c->sheets[i];
    return NULL;
}

static int count_row(void *ctx, const store_finding_row *r) {
    lctx *c = ctx;
    const char *key = sheet_key(r);
    if (!key) key = "?";
    sheet *sh = find_sheet(c, key);
    if (!sh) {
        arena_grow(c->a, (void **)&c->sheets, &c->cap, c->n, sizeof *c->sheets);
        sh = &c->sheets[c->n++];
        memset(sh, 0, sizeof *sh);
        sh->key = arena_strdup(c->a, key);
    }
    sh->n++;
    if (str_eq(r->status, "done")) sh->done++;
    else if (str_eq(r->status, "overdue")) sh->overdue++;
    else sh->open++;
    if (!c->series1) c->series1 = arena_strdup(c->a, r->series);
    if (!str_eq(c->series1, r->series)) c->many_series = 1;
    return 0;
}

/* ---- cells ------------------------------------------------------------------ */

/* "2026-11-22T17:00" → "2026-11-22 17:00" */
static void show_dt(const char *iso, char *out, size_t cap) {
    snprintf(out, cap, "%s", iso ? iso : "");
    char *t = strchr(out, 'T');
    if (t) *t = ' ';
}

static void row_values(lctx *c, const store_finding_row *r, const char *v[N_COLS], char *issue, size_t icap,
                       char *dl, size_t dcap, buf *note) {
    if (c->many_series) snprintf(issue, icap, "%s %d年第%d期", r->series, r->year, r->issue_no);
    else snprintf(issue, icap, "%d年第%d期", r->year, r->issue_no);
    show_dt(r->deadline, dl, dcap);
    buf_reset(note);
    if (r->repeat_note) buf_puts(note, r->repeat_note);
    if (r->responsible) buf_printf(note, "%s责任单位：%s", note->len ? "；" : "", r->responsible);
    if (!str_eq(r->status, "done") && r->note) buf_printf(note, "%s%s", note->len ? "；" : "", r->note);
    v[C_ID] = r->id;
    v[C_ISSUE] = issue;
    v[C_DISTRICT] = r->unit ? r->unit : r->district;
    v[C_STREET] = r->street;
    v[C_COMMUNITY] = r->community;
    v[C_SITE] = r->site;
    v[C_TEXT] = r->text;
    v[C_DEADLINE] = dl;
    v[C_STATUS] = ledger_status_word(r->status);
    v[C_PROGRESS] = str_eq(r->status, "done") ? r->note : NULL;
    v[C_DONE] = str_eq(r->status, "done") ? r->done_date : NULL;
    v[C_NOTE] = note->len ? buf_cstr(note) : NULL;
    c->letters[0] = 0;
    if (r->escalations > 0) snprintf(c->letters, sizeof c->letters, "%s（%d次）", r->level ? r->level : "督办", r->escalations);
    v[C_LETTERS] = c->letters[0] ? c->letters : NULL;
}

/* ---- XLSX ------------------------------------------------------------------- */

static int xlsx_row(void *ctx, const store_finding_row *r) {
    lctx *c = ctx;
    const char *key = sheet_key(r);
    sheet *sh = find_sheet(c, key ? key : "?");
    if (!sh || !sh->ws) return 0;
    char issue[300], dl[32];
    const char *v[N_COLS];
    row_values(c, r, v, issue, sizeof issue, dl, sizeof dl, &c->cell);
    int over = str_eq(r->status, "overdue");
    lxw_format *lk = over ? c->x->overdue : c->x->locked;
    uint32_t row = sh->next_row++;
    int rc = 0;
    for (int k = 0; k < N_COLS && rc == 0; k++) {
        if (k == C_DONE) {
            int y, m, d;
            if (v[k] && sscanf(v[k], "%4d-%2d-%2d", &y, &m, &d) == 3) {
                lxw_datetime dt = {y, m, d, 0, 0, 0};
                rc = worksheet_write_datetime(sh->ws, row, (lxw_col_t)k, &dt, c->x->open_date) == LXW_NO_ERROR ? 0 : -1;
            } else rc = xlsxw_text(sh->ws, row, (lxw_col_t)k, NULL, c->x->open_date);
        } else {
            lxw_format *f = k == C_PROGRESS ? c->x->open : k == C_STATUS && over ? c->x->overdue_status : lk;
            rc = xlsxw_text(sh->ws, row, (lxw_col_t)k, v[k], f);
        }
    }
    if (rc < 0) {
        err_set(c->e, TB_EOUTPUT, NULL, 0, 0, "cannot write the ledger row of %s", r->id);
        return c->bad = 1;
    }
    return 0;
}

static int sheet_start(lctx *c, sheet *sh, const ledger_opts *o) {
    xlsxw *x = c->x;
    char name[128];
    xlsxw_sheet_name(x->wb, sh->key, name, sizeof name);
    lxw_worksheet *ws = sh->ws = workbook_add_worksheet(x->wb, name);
    if (!ws) return -1;
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);   /* A4 */
    worksheet_repeat_rows(ws, HEAD_ROW, HEAD_ROW);
    worksheet_fit_to_pages(ws, 1, 0);
    for (int k = 0; k < N_COLS; k++) worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, width[k], NULL);
    char title[400];
    snprintf(title, sizeof title, "%s问题整改台账（%s）", c->many_series || !c->series1 ? "" : c->series1, sh->key);
    /* constant-memory mode: each row is finished before the next is begun */
    worksheet_set_row(ws, 0, 30, NULL);
    if (worksheet_merge_range(ws, 0, 0, 0, N_COLS - 1, title, x->title) != LXW_NO_ERROR) return -1;
    worksheet_set_row(ws, 1, 32, NULL);
    char note[600];
    snprintf(note, sizeof note,
             "状态截至%s。共%ld个问题：已整改%ld个，未整改%ld个，逾期%ld个（红色）。灰色列由督查组填写，请勿修改；"
             "请在“整改情况”“完成时间”两列填写整改结果，完成时间写作 2026-11-22，填好后交回。",
             o->today, sh->n, sh->done, sh->open, sh->overdue);
    if (worksheet_merge_range(ws, 1, 0, 1, N_COLS - 1, note, x->note) != LXW_NO_ERROR) return -1;
    for (int k = 0; k < N_COLS; k++)
        if (xlsxw_text(ws, HEAD_ROW, (lxw_col_t)k, head[k], x->head) < 0) return -1;
    worksheet_freeze_panes(ws, HEAD_ROW + 1, 1);
    uint32_t last = HEAD_ROW + (uint32_t)(sh->n > 0 ? sh->n : 1);
    worksheet_autofilter(ws, HEAD_ROW, 0, last, N_COLS - 1);
    lxw_data_validation dv = {0};
    dv.validate = LXW_VALIDATION_TYPE_DATE;
    dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    dv.minimum_datetime = (lxw_datetime){2000, 1, 1, 0, 0, 0};
    dv.maximum_datetime = (lxw_datetime){2099, 12, 31, 0, 0, 0};
    dv.input_title = "完成时间";
    dv.input_message = "整改完成的日期，写作 2026-11-22";
    dv.error_title = "不是日期";
    dv.error_message = "完成时间请写作 2026-11-22";
    worksheet_data_validation_range(ws, HEAD_ROW + 1, C_DONE, last, C_DONE, &dv);
    lxw_protection prot = {0};
    prot.format_columns = prot.format_rows = prot.autofilter = prot.sort = 1;
    worksheet_protect(ws, NULL, &prot);
    sh->next_row = HEAD_ROW + 1;
    return 0;
}

static int summary(lctx *c, const ledger_opts *o) {
    xlsxw *x = c->x;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "汇总");
    if (!ws) return -1;
    static const char *const h[] = {"区（单位）", "问题数", "已整改", "未整改", "逾期", "整改率"};
    static const double w[] = {20, 10, 10, 10, 10, 10};
    for (int k = 0; k < 6; k++) worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, w[k], NULL);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);   /* the title is wider than the table: one page across */
    char title[400];
    snprintf(title, sizeof title, "%s问题整改情况汇总（截至%s）", c->many_series || !c->series1 ? "" : c->series1, o->today);
    worksheet_set_row(ws, 0, 30, NULL);
    if (worksheet_merge_range(ws, 0, 0, 0, 5, title, x->title) != LXW_NO_ERROR) return -1;
    for (int k = 0; k < 6; k++) xlsxw_text(ws, 1, (lxw_col_t)k, h[k], x->head);
    long t[4] = {0, 0, 0, 0};
    uint32_t row = 2;
    for (size_t i = 0; i <= c->n; i++, row++) {
        const sheet *sh = i < c->n ? &c->sheets[i] : NULL;
        long v[4] = {sh ? sh->n : t[0], sh ? sh->done : t[1], sh ? sh->open : t[2], sh ? sh->overdue : t[3]};
        xlsxw_text(ws, row, 0, sh ? sh->key : "合计", sh ? x->locked : x->head);
        for (int k = 0; k < 4; k++) {
            worksheet_write_number(ws, row, (lxw_col_t)(k + 1), (double)v[k], sh ? x->locked : x->head);
            t[k] += sh ? v[k] : 0;
        }
        char rate[16];
        snprintf(rate, sizeof rate, "%.0f%%", v[0] ? 100.0 * (double)v[1] / (double)v[0] : 0.0);
        xlsxw_text(ws, row, 5, rate, sh ? x->locked : x->head);
    }
    return 0;
}

static int write_xlsx(store *s, const store_finding_filter *f, const ledger_opts *o, const char *path, lctx *c) {
    xlsxw x;
    if (xlsxw_open(&x, path, XLSXW_CONSTANT_MEMORY, NULL, c->e) < 0) return -1;
    c->x = &x;
    int rc = 0;
    if (c->n > MAX_SHEETS)
        rc = err_set(c->e, TB_EUSAGE, path, 0, 0, "the findings are in %zu districts and units, more than the %d sheets "
                     "a ledger holds; choose one with --district, or one bulletin with --issue", c->n, MAX_SHEETS);
    if (rc == 0 && summary(c, o) < 0) rc = err_set(c->e, TB_EOUTPUT, path, 0, 0, "cannot write the 汇总 sheet");
    for (size_t i = 0; i < c->n && rc == 0; i++)
        if (sheet_start(c, &c->sheets[i], o) < 0) rc = err_set(c->e, TB_EOUTPUT, path, 0, 0, "cannot start sheet %s", c->sheets[i].key);
    if (rc == 0 && !c->n) {   /* nothing matches: still a ledger, with its header */
        sheet empty = {.key = o->district ? o->district : "台账"};
        if (sheet_start(c, &empty, o) < 0) rc = err_set(c->e, TB_EOUTPUT, path, 0, 0, "cannot start the sheet");
    }
    if (rc == 0 && store_list_findings(s, f, xlsx_row, c, c->e) < 0) rc = -1;
    if (rc == 0 && c->bad) rc = -1;
    if (xlsxw_close(&x, rc == 0, c->e) < 0) rc = -1;
    c->st->sheets = (int)c->n;
    return rc;
}

/* ---- CSV -------------------------------------------------------------------- */

static void csv_cell(buf *o, const char *v, int first) {
    if (!first) buf_puts(o, ",");
    if (!v) return;
    int risky = safecell_risky(v);
    if (!risky && !strpbrk(v, ",\"\r\n")) {
        buf_puts(o, v);
        return;
    }
    buf_puts(o, "\"");
    if (risky) buf_puts(o, "'");
    for (const char *p = v; *p; p++) {
        if (*p == '"') buf_puts(o, "\"");
        buf_add(o, p, 1);
    }
    buf_puts(o, "\"");
}

static int csv_emit(lctx *c) {
    const char *data = c->line.data;
    size_t len = c->line.len;
    char *conv = NULL;
    if (c->cd != (iconv_t)-1) {
        size_t cap = len * 2 + 8, ol = cap, il = len;
        conv = xmalloc(cap);
        char *ip = c->line.data, *op = conv;
        if (!conv || iconv(c->cd, &ip, &il, &op, &ol) == (size_t)-1) {
            free(conv);
            err_set(c->e, TB_EOUTPUT, NULL, 0, 0, "a character that GB18030 cannot hold; write the CSV as UTF-8");
            return c->bad = 1;
        }
        data = conv;
        len = cap - ol;
    }
    int bad = fwrite(data, 1, len, c->csv) != len;
    free(conv);
    buf_reset(&c->line);
    if (bad) return c->bad = 1;
    return 0;
}

static int csv_row(void *ctx, const store_finding_row *r) {
    lctx *c = ctx;
    char issue[300], dl[32];
    const char *v[N_COLS];
    row_values(c, r, v, issue, sizeof issue, dl, sizeof dl, &c->cell);
    for (int k = 0; k < N_COLS; k++) csv_cell(&c->line, v[k], k == 0);
    buf_puts(&c->line, "\r\n");
    return csv_emit(c);
}

static int write_csv(store *s, const store_finding_filter *f, const ledger_opts *o, const char *path, lctx *c) {
    int gb = o->encoding && strcasecmp(o->encoding, "utf-8") && strcasecmp(o->encoding, "utf8");
    c->cd = (iconv_t)-1;
    if (gb && (c->cd = iconv_open(o->encoding, "UTF-8")) == (iconv_t)-1)
        return err_set(c->e, TB_EUSAGE, NULL, 0, 0, "unknown encoding \"%s\"; use utf-8 or gb18030", o->encoding);
    char *tmp = NULL;
    int fd = file_open_temp(path, &tmp, c->e), rc = fd < 0 ? -1 : 0;   /* O_EXCL, util.h */
    if (fd >= 0 && !(c->csv = fdopen(fd, "wb"))) {
        rc = err_set(c->e, TB_EOUTPUT, path, 0, 0, "cannot write: %s", strerror(errno));
        close(fd);
    }
    if (rc == 0 && !gb) fputs("\xEF\xBB\xBF", c->csv);
    if (rc == 0) {
        for (int k = 0; k < N_COLS; k++) csv_cell(&c->line, head[k], k == 0);
        buf_puts(&c->line, "\r\n");
        csv_emit(c);
        if (store_list_findings(s, f, csv_row, c, c->e) < 0) rc = -1;
        if (rc == 0 && c->bad && !c->e->code) rc = err_set(c->e, TB_EOUTPUT, path, 0, 0, "cannot write the ledger");
        else if (c->bad) rc = -1;
    }
    if (c->csv) {
        if ((fflush(c->csv) != 0 || fsync(fileno(c->csv)) != 0) && rc == 0)
            rc = err_set(c->e, TB_EOUTPUT, path, 0, 0, "cannot write: %s", strerror(errno));
        if (fclose(c->csv) != 0 && rc == 0) rc = err_set(c->e, TB_EOUTPUT, path, 0, 0, "cannot write: %s", strerror(errno));
    }
    if (rc == 0 && file_commit_temp(tmp, path, 1, c->e) < 0) rc = -1;
    if (rc < 0 && tmp) unlink(tmp);
    free(tmp);
    if (c->cd != (iconv_t)-1) iconv_close(c->cd);
    return rc;
}

int ledger_write(store *s, const ledger_opts *o, const char *path, ledger_stats *st, err *e) {
    memset(st, 0, sizeof *st);
    store_finding_filter f = {o->series, o->district, STORE_ST_ANY, o->today, o->year, o->issue_no, NULL, NULL, 0};
    lctx c = {.st = st, .e = e};
    buf_init(&c.line);
    buf_init(&c.cell);
    c.a = arena_new();
    int rc = store_list_findings(s, &f, count_row, &c, e) < 0 ? -1 : 0;
    for (size_t i = 0; i < c.n; i++) {
        st->findings += c.sheets[i].n;
        st->done += c.sheets[i].done;
        st->open += c.sheets[i].open;
        st->overdue += c.sheets[i].overdue;
    }
    size_t l = strlen(path);
    if (rc == 0) rc = l > 4 && !strcasecmp(path + l - 4, ".csv") ? write_csv(s, &f, o, path, &c) : write_xlsx(s, &f, o, path, &c);
    buf_free(&c.line);
    buf_free(&c.cell);
    arena_free(c.a);
    return rc;
}

/* ---- reading back --------------------------------------------------------------- */

static int read_grid(ledger_doc *d, const grid *g, int date1904, int year, const char *file, err *e) {
    uint32_t cols[SMAP_N_FIELDS];
    long hdr = smap_header_row(g, SMAP_DONE_DATE, 2, cols);
    if (hdr < 0 || cols[SMAP_ID] == UINT32_MAX) return 0;   /* not a ledger sheet (汇总, notes) */
    d->sheets++;
    for (size_t r = (size_t)hdr + 1; r < g->n_rows; r++) {
        char idb[128];
        const char *id = cellval_text(grid_get(g, (uint32_t)r, cols[SMAP_ID]), idb, sizeof idb);
        if (!id) continue;
        char ref[24], dref[24];
        grid_ref((uint32_t)r, cols[SMAP_ID], ref);
        grid_ref((uint32_t)r, cols[SMAP_DONE_DATE], dref);
        const grid_cell *dc = grid_get(g, (uint32_t)r, cols[SMAP_DONE_DATE]);
        const grid_cell *pc = cols[SMAP_PROGRESS] == UINT32_MAX ? NULL : grid_get(g, (uint32_t)r, cols[SMAP_PROGRESS]);
        char iso[20];
        const char *done = NULL;
        for (const grid_cell *c = dc; c; c = c == dc ? pc : NULL)
            if (c->kind == GRID_ERROR || (c->kind == GRID_EMPTY && c->formula))
                return err_set(e, TB_EINPUT, file, 0, 0, "%s!%s: %s; type the value", g->name, c == dc ? dref : ref,
                               c->kind == GRID_ERROR ? "the formula gives an error" : "a formula without a saved value");
        char shown[200];
        if (dc && cellval_text(dc, shown, sizeof shown)) {
            const char *why;
            if (cellval_date(dc, date1904, year, 1, iso, &why) < 0)
                return err_set(e, TB_EINPUT, file, 0, 0, "%s!%s: %s %s; write 完成时间 like 2026-11-22", g->name, dref, shown, why);
            iso[10] = 0;   /* a completion time of day is more than the history keeps */
            done = iso;
        }
        arena_grow(d->arena, (void **)&d->rows, &d->cap, d->n, sizeof *d->rows);
        ledger_row *lr = &d->rows[d->n++];
        lr->id = arena_strdup(d->arena, id);
        lr->done_date = done ? arena_strdup(d->arena, done) : NULL;
        lr->note = cellval_dup(d->arena, pc);
        lr->ref = arena_printf(d->arena, "%s!%s", g->name, ref);
        lr->date_ref = arena_printf(d->arena, "%s!%s", g->name, dref);
    }
    return 0;
}

static int by_id(const void *a, const void *b) {
    const ledger_row *x = *(ledger_row *const *)a, *y = *(ledger_row *const *)b;
    return strcasecmp(x->id, y->id);
}

int ledger_read(const char *path, const char *encoding, ledger_doc *d, err *e) {
    memset(d, 0, sizeof *d);
    d->arena = arena_new();
    char today[11];
    date_today(today);
    int year = atoi(today), rc = 0;
    size_t l = strlen(path);
    if (l > 4 && !strcasecmp(path + l - 4, ".csv")) {
        grid *g = csv_read_file(path, encoding, e);
        rc = g ? read_grid(d, g, 0, year, path, e) : -1;
        grid_free(g);
    } else {
        xlsx_book *bk = xlsx_open_file(path, e);
        if (!bk) return -1;
        for (size_t i = 0; i < xlsx_sheet_count(bk) && rc == 0; i++) {
            grid *g = xlsx_load_sheet(bk, i, e);
            rc = g ? read_grid(d, g, xlsx_date1904(bk), year, path, e) : -1;
            grid_free(g);
        }
        xlsx_close(bk);
    }
    if (rc == 0 && !d->sheets)
        rc = err_set(e, TB_EINPUT, path, 0, 0, "no sheet with the ledger's columns 编号 and 完成时间; is this a 整改台账 "
                     "written by tongbao ledger?");
    if (rc == 0 && d->n > 1) {   /* one row per finding */
        ledger_row **p = xmalloc(d->n * sizeof *p);
        for (size_t i = 0; i < d->n; i++) p[i] = &d->rows[i];
        qsort(p, d->n, sizeof *p, by_id);
        for (size_t i = 1; i < d->n && rc == 0; i++)
            if (!strcasecmp(p[i - 1]->id, p[i]->id))
                rc = err_set(e, TB_EINPUT, path, 0, 0, "%s: finding %s is also at %s; keep one row per finding",
                             p[i]->ref, p[i]->id, p[i - 1]->ref);
        free(p);
    }
    if (rc < 0 && !e->code) err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    return rc;
}

void ledger_doc_free(ledger_doc *d) {
    arena_free(d->arena);
    memset(d, 0, sizeof *d);
}

/* ---- one district's ledger from a bulletin just issued (the nightly) ---------- */

/* A finding of the model as the history lists it, status as of the
 * bulletin's date. */
static store_finding_row model_row(const model_bulletin *b, const model_category *cat, const model_finding *f) {
    store_finding_row r = {0};
    r.id = f->id, r.series = b->series, r.year = b->year, r.issue_no = b->issue_no;
    r.bulletin_date = b->date, r.category = cat->title;
    r.district = f->district, r.street = f->street, r.community = f->community, r.site = f->site, r.unit = f->unit;
    r.text = f->text, r.observed = f->observed, r.responsible = f->responsible;
    r.deadline = f->deadline ? f->deadline : b->rect_deadline;
    r.status = r.deadline && b->date && strncmp(r.deadline, b->date, 10) < 0 ? "overdue" : "open";
    r.repeat_of = f->repeat_of, r.repeat_note = f->repeat_note;
    return r;
}

/* A scratch file for one workbook: an anonymous memory file (gone with the
 * process, however it ends) named through /proc, else a file in TMPDIR.
 * *fd >= 0 for the memory file. */
static int scratch_file(char *path, size_t cap, int *fd, const char **tmpdir, err *e) {
    const char *td = getenv("TMPDIR");
    *tmpdir = td && *td ? td : access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    *fd = memfd_create("tongbao-ledger", MFD_CLOEXEC);
    if (*fd >= 0) {
        snprintf(path, cap, "/proc/self/fd/%d", *fd);
        if (access(path, W_OK) == 0) return 0;
        close(*fd);
        *fd = -1;
    }
    snprintf(path, cap, "%s/tongbao-ledger-XXXXXX", *tmpdir);
    int t = mkstemp(path);
    if (t < 0) return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot make a temporary file: %s", strerror(errno));
    close(t);
    return 0;
}

int ledger_for_district(const model_bulletin *b, const char *district, buf *out, err *e) {
    char path[512];
    int fd;
    const char *tmpdir;
    if (scratch_file(path, sizeof path, &fd, &tmpdir, e) < 0) return -1;
    ledger_stats st = {0};
    sheet sh = {.key = district};
    lctx c = {.st = &st, .e = e, .sheets = &sh, .n = 1, .series1 = b->series};
    buf_init(&c.line);
    buf_init(&c.cell);
    for (size_t k = 0; k < b->n_categories; k++)
        for (size_t i = 0; i < b->categories[k].n_findings; i++) {
            const model_finding *f = &b->categories[k].findings[i];
            if (!str_eq(f->district, district) || f->unit) continue;
            store_finding_row r = model_row(b, &b->categories[k], f);
            sh.n++;
            if (str_eq(r.status, "overdue")) sh.overdue++;
            else sh.open++;
        }
    ledger_opts o = {.today = b->date};
    xlsxw x;
    int rc = 0;
    if (xlsxw_open(&x, path, XLSXW_SCRATCH, tmpdir, e) < 0) rc = -1;
    else {
        c.x = &x;
        if (sheet_start(&c, &sh, &o) < 0) rc = err_set(e, TB_EOUTPUT, path, 0, 0, "cannot start the ledger sheet");
        for (size_t k = 0; k < b->n_categories && rc == 0; k++)
            for (size_t i = 0; i < b->categories[k].n_findings && rc == 0; i++) {
                const model_finding *f = &b->categories[k].findings[i];
                if (!str_eq(f->district, district) || f->unit) continue;
                store_finding_row r = model_row(b, &b->categories[k], f);
                if (xlsx_row(&c, &r) || c.bad) rc = -1;
            }
        if (xlsxw_close(&x, rc == 0, e) < 0) rc = -1;
    }
    if (rc == 0) {
        size_t len;
        char *data = file_read(path, (size_t)64 << 20, &len, e);
        if (!data) rc = -1;
        else {
            buf_add(out, data, len);
            free(data);
        }
    }
    if (fd >= 0) close(fd);
    else unlink(path);
    buf_free(&c.line);
    buf_free(&c.cell);
    return rc;
}
