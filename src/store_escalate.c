/* store_escalate.c — the letters of tongbao escalate (issue 16): which
 * findings are due for a letter, numbering the letters of a series,
 * recording each letter (PDF, SHA-256, template) with one escalation row
 * per finding it names, reading them back for regen, export and listing,
 * and verifying their archive.  Part of the store module (store_int.h).
 *
 * Statements here are prepared per call (escalation runs once a night, not
 * per finding), with constant SQL and bound values like every other. */
#define _POSIX_C_SOURCE 200809L
#include "crash.h"
#include "date.h"
#include "digest.h"
#include "store_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const doing = "escalating overdue findings";

/* A prepared statement for this call; NULL + e. */
static sqlite3_stmt *prep(store *s, const char *sql, const char *what, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        store_fail(s, rc, what, e);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static char *adup(arena *a, sqlite3_stmt *st, int col, int *bad) {
    const char *t = store_col_text(st, col);
    if (!t) return NULL;
    char *d = arena_strdup(a, t);
    if (!d) *bad = 1;
    return d;
}

/* ---- what the series says: its last bulletin, its last letter ------------- */

typedef struct {
    sqlite3_int64 series_id;
    char last_date[11];          /* the last bulletin's date */
    int last_year, last_issue;
    char *issuer, *report_to, *prefix;
    char letter_date[11];        /* the last letter's date, "" = none */
    char letter_doc[256];
} series_state;

static void series_state_free(series_state *ss) {
    free(ss->issuer);
    free(ss->report_to);
    free(ss->prefix);
}

static char *col_strdup(sqlite3_stmt *st, int col) {
    const char *t = store_col_text(st, col);
    return t ? strdup(t) : NULL;
}

/* The series' last bulletin (its date, issuer, where to report, and the
 * 发文字号 prefix the letters share) and its last letter. */
static int read_series(store *s, const char *series, series_state *ss, err *e) {
    if (store_series_exists(s, series, &ss->series_id, e) <= 0) return -1;
    sqlite3_stmt *st = prep(s,
                            "SELECT b.date, b.year, b.issue_no, b.issuer, b.rect_report_to, b.doc_number, s.code "
                            "FROM bulletin b JOIN series s ON s.id = b.series_id WHERE b.series_id = ?1 "
                            "ORDER BY b.year DESC, b.issue_no DESC LIMIT 1", doing, e);
    if (!st) return -1;
    int r = sqlite3_bind_int64(st, 1, ss->series_id) == SQLITE_OK ? store_next_row(s, st, doing, e)
                                                                   : store_fail(s, SQLITE_ERROR, doing, e);
    if (r > 0) {
        snprintf(ss->last_date, sizeof ss->last_date, "%.10s", store_col_text(st, 0) ? store_col_text(st, 0) : "");
        ss->last_year = sqlite3_column_int(st, 1);
        ss->last_issue = sqlite3_column_int(st, 2);
        ss->issuer = col_strdup(st, 3);
        ss->report_to = col_strdup(st, 4);
        /* 江防督〔2026〕7号 → 江防督; without a 发文字号, the series code */
        const char *dn = store_col_text(st, 5);
        const char *cut = dn ? strstr(dn, "〔") : NULL;
        ss->prefix = cut && cut > dn ? strndup(dn, (size_t)(cut - dn)) : col_strdup(st, 6);
    }
    sqlite3_finalize(st);
    if (r <= 0) return r < 0 ? -1 : err_set(e, TB_ENOTFOUND, s->path, 0, 0, "series \"%s\" has no bulletins", series);
    st = prep(s, "SELECT date, doc_number FROM letter WHERE series_id = ?1 ORDER BY date DESC, year DESC, letter_no DESC LIMIT 1",
              doing, e);
    if (!st) return -1;
    r = sqlite3_bind_int64(st, 1, ss->series_id) == SQLITE_OK ? store_next_row(s, st, doing, e) : -1;
    if (r > 0) {
        snprintf(ss->letter_date, sizeof ss->letter_date, "%.10s", store_col_text(st, 0) ? store_col_text(st, 0) : "");
        snprintf(ss->letter_doc, sizeof ss->letter_doc, "%s", store_col_text(st, 1) ? store_col_text(st, 1) : "");
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : 0;
}

/* --district D must be one the series has: else TB_ENOTFOUND naming them. */
static int check_district(store *s, const char *series, sqlite3_int64 sid, const char *d, err *e) {
    sqlite3_stmt *st = prep(s,
                            "SELECT coalesce(district, unit) AS who FROM finding WHERE series_id = ?1 "
                            "AND who IS NOT NULL GROUP BY who ORDER BY min(rowid)", doing, e);
    if (!st) return -1;
    buf names;
    buf_init(&names);
    int r, found = 0;
    sqlite3_bind_int64(st, 1, sid);
    while ((r = store_next_row(s, st, doing, e)) > 0) {
        const char *w = store_col_text(st, 0);
        if (str_eq(w, d)) found = 1;
        buf_printf(&names, "%s%s", names.len ? "、" : "", w ? w : "");
    }
    sqlite3_finalize(st);
    if (r == 0 && !found)
        err_set(e, TB_ENOTFOUND, s->path, 0, 0,
                "no district or unit \"%s\" in the findings of %s; it has: %s. Nothing was recorded", d, series,
                buf_cstr(&names) && names.len ? buf_cstr(&names) : "(none)");
    buf_free(&names);
    return r < 0 || !found ? -1 : 0;
}

/* ---- the findings due ------------------------------------------------------ */

/* Open findings of the series whose deadline in force lies on or before
 * cutoff, in the order of the history.  Columns: 0 id, 1 year, 2 issue,
 * 3 who, 4 district, 5 street, 6 community, 7 site, 8 unit, 9 text,
 * 10 deadline, 11 escalations so far, 12 deadline in force. */
static const char due_sql[] =
    "SELECT f.id, b.year, b.issue_no, coalesce(f.district, f.unit) AS who, f.district, f.street, "
    "f.community, f.site, f.unit, f.text, f.deadline, "
    "(SELECT count(*) FROM escalation e WHERE e.finding_id = f.id) AS n, "
    "coalesce((SELECT e.new_deadline FROM escalation e WHERE e.finding_id = f.id ORDER BY e.n DESC LIMIT 1), "
    "f.deadline) AS due "
    "FROM finding f JOIN bulletin b ON b.id = f.bulletin_id "
    "WHERE f.series_id = ?1 AND f.status = 'open' AND who IS NOT NULL AND (?2 IS NULL OR who = ?2) "
    "AND due IS NOT NULL AND substr(due, 1, 10) <= ?3 "
    "ORDER BY b.year, b.issue_no, f.seq";

typedef struct {
    arena *a;
    model_letter **ls;
    size_t n, cap;
} letters;

static model_letter *letter_for(letters *L, const char *who, int *bad) {
    for (size_t i = 0; i < L->n; i++)
        if (str_eq(L->ls[i]->district, who)) return L->ls[i];
    if (arena_grow(L->a, (void **)&L->ls, &L->cap, L->n, sizeof *L->ls) < 0) {
        *bad = 1;
        return NULL;
    }
    model_letter *l = arena_alloc(L->a, sizeof *l);
    if (!l || !(l->district = arena_strdup(L->a, who))) {
        *bad = 1;
        return NULL;
    }
    l->arena = L->a;
    L->ls[L->n++] = l;
    return l;
}

static int collect_due(store *s, sqlite3_int64 sid, const char *district, const char *cutoff, letters *L, err *e) {
    sqlite3_stmt *st = prep(s, due_sql, doing, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, sid);
    store_bind_text(&bd, 2, district);
    store_bind_text(&bd, 3, cutoff);
    int r = bd.rc == SQLITE_OK ? 1 : store_fail(s, bd.rc, doing, e), bad = 0;
    size_t *caps = NULL, n_caps = 0;
    while (r > 0 && (r = store_next_row(s, st, doing, e)) > 0) {
        model_letter *l = letter_for(L, store_col_text(st, 3), &bad);
        if (!l) break;
        size_t k = 0;
        while (k < L->n && L->ls[k] != l) k++;
        if (k >= n_caps) {
            size_t *nc = realloc(caps, (k + 1) * sizeof *nc);
            if (!nc) { bad = 1; break; }
            for (size_t q = n_caps; q <= k; q++) nc[q] = 0;
            caps = nc;
            n_caps = k + 1;
        }
        if (arena_grow(L->a, (void **)&l->items, &caps[k], l->n_items, sizeof *l->items) < 0) { bad = 1; break; }
        model_letter_item *it = &l->items[l->n_items++];
        memset(it, 0, sizeof *it);
        it->id = adup(L->a, st, 0, &bad);
        it->year = sqlite3_column_int(st, 1);
        it->issue_no = sqlite3_column_int(st, 2);
        it->district = adup(L->a, st, 4, &bad);
        it->street = adup(L->a, st, 5, &bad);
        it->community = adup(L->a, st, 6, &bad);
        it->site = adup(L->a, st, 7, &bad);
        it->unit = adup(L->a, st, 8, &bad);
        it->text = adup(L->a, st, 9, &bad);
        it->deadline = adup(L->a, st, 10, &bad);
        it->level = sqlite3_column_int(st, 11) + 1;
        it->missed = adup(L->a, st, 12, &bad);
        if (bad) break;
    }
    sqlite3_finalize(st);
    free(caps);
    if (bad) return store_oom(s, e);
    return r < 0 ? -1 : 0;
}

/* ---- recording ---------------------------------------------------------------- */

static int next_letter_no(store *s, sqlite3_int64 sid, int year, int *no, err *e) {
    sqlite3_stmt *st = prep(s, "SELECT coalesce(max(letter_no), 0) FROM letter WHERE series_id = ?1 AND year = ?2",
                            doing, e);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sid);
    sqlite3_bind_int(st, 2, year);
    int r = store_next_row(s, st, doing, e);
    if (r > 0) *no = sqlite3_column_int(st, 0) + 1;
    sqlite3_finalize(st);
    return r > 0 ? 0 : -1;
}

static int record_letter(store *s, sqlite3_int64 sid, const model_letter *l, const store_letter_hooks *h,
                         const store_rendered *r, const char *sha, err *e) {
    int level = 0;
    for (size_t i = 0; i < l->n_items; i++)
        if (l->items[i].level > level) level = l->items[i].level;
    sqlite3_stmt *st = prep(s,
                            "INSERT INTO letter(series_id, year, letter_no, date, district, doc_number, level, "
                            "new_deadline, issuer, report_to, n_findings, template, tool_version, pages, pdf_size, "
                            "pdf_sha256, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                            "?14, ?15, ?16, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", doing, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, sid);
    store_bind_int(&bd, 2, l->year);
    store_bind_int(&bd, 3, l->number);
    store_bind_text(&bd, 4, l->date);
    store_bind_text(&bd, 5, l->district);
    store_bind_text(&bd, 6, l->doc_number);
    store_bind_int(&bd, 7, level);
    store_bind_text(&bd, 8, l->new_deadline);
    store_bind_text(&bd, 9, l->issuer);
    store_bind_text(&bd, 10, l->report_to);
    store_bind_int(&bd, 11, (long long)l->n_items);
    store_bind_text(&bd, 12, h->template_name);
    store_bind_text(&bd, 13, h->tool_version);
    store_bind_int(&bd, 14, r->pages);
    store_bind_int(&bd, 15, (long long)r->pdf.len);
    store_bind_text(&bd, 16, sha);
    int rc = store_run(s, st, bd.rc, doing, e);
    sqlite3_finalize(st);
    if (rc < 0) return -1;
    sqlite3_int64 lid = sqlite3_last_insert_rowid(s->db);
    if (!(st = prep(s, "INSERT INTO letter_file(letter_id, template_xml, pdf) VALUES (?1, ?2, ?3)", doing, e)))
        return -1;
    bd = (store_binder){st, SQLITE_OK};
    store_bind_int(&bd, 1, lid);
    store_bind_text(&bd, 2, h->template_xml);
    store_bind_blob(&bd, 3, r->pdf.data, r->pdf.len);
    rc = store_run(s, st, bd.rc, doing, e);
    sqlite3_finalize(st);
    if (rc < 0) return -1;
    if (!(st = prep(s,
                    "INSERT INTO escalation(finding_id, n, letter_id, seq, level, date, missed, new_deadline) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", doing, e)))
        return -1;
    for (size_t i = 0; rc == 0 && i < l->n_items; i++) {
        const model_letter_item *it = &l->items[i];
        bd = (store_binder){st, SQLITE_OK};
        store_bind_text(&bd, 1, it->id);
        store_bind_int(&bd, 2, it->level);
        store_bind_int(&bd, 3, lid);
        store_bind_int(&bd, 4, (long long)i + 1);
        store_bind_text(&bd, 5, it->level_name);
        store_bind_text(&bd, 6, l->date);
        store_bind_text(&bd, 7, it->missed);
        store_bind_text(&bd, 8, l->new_deadline);
        rc = store_run(s, st, bd.rc, doing, e);
    }
    sqlite3_finalize(st);
    return rc;
}

/* How many letters of the series carry this date. */
static long letters_dated(store *s, sqlite3_int64 sid, const char *date, err *e) {
    sqlite3_stmt *st = prep(s, "SELECT count(*) FROM letter WHERE series_id = ?1 AND date = ?2", doing, e);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sid);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    int r = store_next_row(s, st, doing, e);
    long n = r > 0 ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

void store_escalate_result_free(store_escalate_result *res) {
    if (!res) return;
    arena_free(res->a);
    memset(res, 0, sizeof *res);
}

/* The checks that refuse the run before anything is looked for: a today
 * before the bulletins, or before the last letter. */
static int check_today(store *s, const char *series, const series_state *ss, const char *today, err *e) {
    if (strcmp(today, ss->last_date) < 0)
        return err_set(e, TB_EINPUT, s->path, 0, 0,
                       "--today %s is before %s %d年第%d期 (dated %s): a letter cannot chase findings before "
                       "they were reported; give a date on or after %s. Nothing was recorded",
                       today, series, ss->last_year, ss->last_issue, ss->last_date, ss->last_date);
    if (ss->letter_date[0] && strcmp(today, ss->letter_date) < 0)
        return err_set(e, TB_EINPUT, s->path, 0, 0,
                       "--today %s is before the last letter of %s (%s, dated %s): letters are numbered in "
                       "date order; give a date on or after %s. Nothing was recorded",
                       today, series, ss->letter_doc, ss->letter_date, ss->letter_date);
    return 0;
}

/* prepare, render, before_commit and record one letter. */
static int send_one(store *s, const store_escalate_opts *o, const store_letter_hooks *h, const series_state *ss,
                    model_letter *l, store_escalate_result *res, size_t i, err *e) {
    if (h->prepare && h->prepare(h->ctx, l, ss->prefix, e) < 0) return -1;
    if (str_empty(l->new_deadline) || str_empty(l->doc_number))
        return err_set(e, TB_EINTERNAL, s->path, 0, 0, "internal: a letter was prepared without its deadline or number");
    if (o->dry_run) return 0;
    store_rendered r;
    store_rendered_init(&r);
    int rc = h->render ? h->render(h->ctx, l, &r, e) : err_set(e, TB_EINTERNAL, s->path, 0, 0, "internal: no render hook");
    if (rc == 0 && (r.pdf.oom || r.pdf.len == 0))
        rc = err_set(e, TB_EINTERNAL, s->path, 0, 0, "internal: the letter rendered to nothing; nothing was recorded");
    char sha[65];
    if (rc == 0) {
        digest_sha256_hex(r.pdf.data, r.pdf.len, sha);
        if (h->before_commit && h->before_commit(h->ctx, l, &r, e) < 0) rc = -1;
    }
    if (rc == 0) rc = record_letter(s, ss->series_id, l, h, &r, sha, e);
    if (rc == 0) {
        res->pdf_sha256[i] = arena_strdup(res->a, sha);
        res->pages[i] = r.pages;
        if (!res->pdf_sha256[i]) rc = store_oom(s, e);
    }
    store_rendered_free(&r);
    return rc;
}

long store_escalate(store *s, const store_escalate_opts *o, const store_letter_hooks *h, store_escalate_result *res,
                    err *e) {
    memset(res, 0, sizeof *res);
    if (!o || str_empty(o->series)) return err_set(e, TB_EUSAGE, s->path, 0, 0, "escalate needs a series");
    char today[11], cutoff[11];
    date_val c;
    if (!o->today) {
        date_today(today);
        date_parse(today, 0, &c, NULL, 0);
    } else if (date_parse(o->today, 0, &c, NULL, 0) == 0) {
        date_format_day(&c, today);
    } else {
        return err_set(e, TB_EUSAGE, s->path, 0, 0, "\"%s\" is not a date like 2026-11-22 to send letters on",
                       o->today);
    }
    if (date_add_days(&c, -(o->after > 1 ? o->after : 1)) < 0)
        return err_set(e, TB_EUSAGE, s->path, 0, 0, "--after %d reaches before the calendar", o->after);
    date_format_day(&c, cutoff);
    if (!(res->a = arena_new())) return store_oom(s, e);
    series_state ss = {0};
    letters L = {.a = res->a};
    long n = -1;
    if (store_tx_begin(s, !o->dry_run, doing, e) < 0) goto out;
    if (read_series(s, o->series, &ss, e) < 0 || check_today(s, o->series, &ss, today, e) < 0 ||
        (o->district && check_district(s, o->series, ss.series_id, o->district, e) < 0) ||
        collect_due(s, ss.series_id, o->district, cutoff, &L, e) < 0)
        goto fail;
    res->letters = L.ls;
    res->n = L.n;
    res->pdf_sha256 = arena_alloc(res->a, (L.n + 1) * sizeof *res->pdf_sha256);
    res->pages = arena_alloc(res->a, (L.n + 1) * sizeof *res->pages);
    if (!res->pdf_sha256 || !res->pages) {
        store_oom(s, e);
        goto fail;
    }
    int year = atoi(today), no = 0;
    if (L.n && next_letter_no(s, ss.series_id, year, &no, e) < 0) goto fail;
    for (size_t i = 0; i < L.n; i++) {
        model_letter *l = L.ls[i];
        l->series = arena_strdup(res->a, o->series);
        l->date = arena_strdup(res->a, today);
        l->year = year;
        l->number = no + (int)i;
        l->issuer = ss.issuer ? arena_strdup(res->a, ss.issuer) : NULL;
        l->report_to = ss.report_to ? arena_strdup(res->a, ss.report_to) : NULL;
        if (!l->series || !l->date || (ss.issuer && !l->issuer) || (ss.report_to && !l->report_to)) {
            store_oom(s, e);
            goto fail;
        }
        if (send_one(s, o, h, &ss, l, res, i, e) < 0) goto fail;
    }
    if (!L.n && (res->sent_today = letters_dated(s, ss.series_id, today, e)) < 0) goto fail;
    if (o->dry_run || !L.n) {
        store_tx_rollback(s);   /* nothing written */
    } else {
        crash_point("escalate-recorded");
        if (store_tx_commit(s, doing, e) < 0) goto out;
        crash_point("escalate-committed");
    }
    n = (long)L.n;
    goto out;
fail:
    store_tx_rollback(s);
out:
    series_state_free(&ss);
    if (n < 0) store_escalate_result_free(res);
    return n;
}

/* ---- reading letters back ---------------------------------------------------------- */

#define LETTER_COLS                                                                                    \
    "s.name, l.district, l.date, l.doc_number, l.template, l.tool_version, l.issued_at, l.year, "      \
    "l.letter_no, l.level, l.n_findings, l.pages, l.pdf_size, l.pdf_sha256, l.id, l.issuer, l.report_to, " \
    "l.new_deadline FROM letter l JOIN series s ON s.id = l.series_id "

static void read_letter_info(sqlite3_stmt *st, store_letter_info *in) {
    memset(in, 0, sizeof *in);
    const char **strs[] = {&in->series, &in->district, &in->date, &in->doc_number,
                           &in->template_name, &in->tool_version, &in->issued_at};
    for (int i = 0; i < 7; i++) *strs[i] = store_col_text(st, i);
    in->year = sqlite3_column_int(st, 7);
    in->letter_no = sqlite3_column_int(st, 8);
    in->level = sqlite3_column_int(st, 9);
    in->n_findings = sqlite3_column_int(st, 10);
    in->pages = sqlite3_column_int(st, 11);
    in->pdf_size = sqlite3_column_int64(st, 12);
    in->pdf_sha256 = store_col_text(st, 13);
}

long store_list_letters(store *s, const char *series, const char *date, store_letter_fn cb, void *ctx, err *e) {
    sqlite3_stmt *st = prep(s, "SELECT " LETTER_COLS "WHERE (?1 IS NULL OR s.name = ?1) AND (?2 IS NULL OR l.date = ?2) "
                               "ORDER BY s.name, l.year, l.letter_no", "listing letters", e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, series);
    store_bind_text(&bd, 2, date);
    int r = bd.rc == SQLITE_OK ? 1 : store_fail(s, bd.rc, "listing letters", e);
    long n = 0;
    while (r > 0 && (r = store_next_row(s, st, "listing letters", e)) > 0) {
        store_letter_info in;
        read_letter_info(st, &in);
        n++;
        if (cb && cb(ctx, &in)) break;
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : n;
}

static const char *dup_info(arena *a, const char *v, int *bad) {
    if (!v) return NULL;
    const char *d = arena_strdup(a, v);
    if (!d) *bad = 1;
    return d;
}

/* The letter's findings as they were escalated: the finding's text and
 * place (never changed after issue), the escalation's level and deadlines. */
static int read_items(store *s, sqlite3_int64 lid, arena *a, model_letter *l, err *e) {
    sqlite3_stmt *st = prep(s,
                            "SELECT f.id, b.year, b.issue_no, f.district, f.street, f.community, f.site, f.unit, "
                            "f.text, f.deadline, e.missed, e.n, e.level FROM escalation e "
                            "JOIN finding f ON f.id = e.finding_id JOIN bulletin b ON b.id = f.bulletin_id "
                            "WHERE e.letter_id = ?1 ORDER BY e.seq", "reading a letter", e);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, lid);
    size_t cap = 0;
    int r, bad = 0;
    while ((r = store_next_row(s, st, "reading a letter", e)) > 0) {
        if (arena_grow(a, (void **)&l->items, &cap, l->n_items, sizeof *l->items) < 0) { bad = 1; break; }
        model_letter_item *it = &l->items[l->n_items++];
        memset(it, 0, sizeof *it);
        it->id = adup(a, st, 0, &bad);
        it->year = sqlite3_column_int(st, 1);
        it->issue_no = sqlite3_column_int(st, 2);
        it->district = adup(a, st, 3, &bad);
        it->street = adup(a, st, 4, &bad);
        it->community = adup(a, st, 5, &bad);
        it->site = adup(a, st, 6, &bad);
        it->unit = adup(a, st, 7, &bad);
        it->text = adup(a, st, 8, &bad);
        it->deadline = adup(a, st, 9, &bad);
        it->missed = adup(a, st, 10, &bad);
        it->level = sqlite3_column_int(st, 11);
        it->level_name = adup(a, st, 12, &bad);
    }
    sqlite3_finalize(st);
    if (bad) return store_oom(s, e);
    return r < 0 ? -1 : 0;
}

int store_get_letter(store *s, const char *series, int year, int letter_no, arena *a, model_letter *l,
                     const char **template_xml, buf *pdf, store_letter_info *info, err *e) {
    const char *what = "reading a letter";
    if (store_series_exists(s, series, NULL, e) <= 0) return -1;
    sqlite3_stmt *st = prep(s, "SELECT s.name, l.district, l.date, l.doc_number, l.template, l.tool_version, l.issued_at, l.year, "
                 "l.letter_no, l.level, l.n_findings, l.pages, l.pdf_size, l.pdf_sha256, l.id, l.issuer, l.report_to, "
                 "l.new_deadline, f.template_xml, f.pdf, f.letter_id IS NOT NULL FROM letter l "
                 "JOIN series s ON s.id = l.series_id LEFT JOIN letter_file f ON f.letter_id = l.id "
                 "WHERE s.name = ?1 AND l.letter_no = ?2 AND (?3 = 0 OR l.year = ?3) ORDER BY l.year DESC LIMIT 1",
              what, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, series);
    store_bind_int(&bd, 2, letter_no);
    store_bind_int(&bd, 3, year);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, what, e) : store_fail(s, bd.rc, what, e), bad = 0;
    if (r == 0)
        err_set(e, TB_ENOTFOUND, s->path, 0, 0,
                "%s has no letter 第%d号%s; `tongbao archive list` shows the letters sent", series, letter_no,
                year ? " in that year" : "");
    if (r > 0 && !sqlite3_column_int(st, 20)) {
        err_set(e, TB_EVERIFY, s->path, 0, 0, "the archived PDF of %s letter %d is missing; run `tongbao archive verify`",
                series, letter_no);
        r = -1;
    }
    if (r > 0) {
        store_letter_info in;
        read_letter_info(st, &in);
        sqlite3_int64 lid = sqlite3_column_int64(st, 14);
        memset(l, 0, sizeof *l);
        l->arena = a;
        l->series = dup_info(a, in.series, &bad);
        l->district = dup_info(a, in.district, &bad);
        l->date = dup_info(a, in.date, &bad);
        l->doc_number = dup_info(a, in.doc_number, &bad);
        l->year = in.year;
        l->number = in.letter_no;
        l->issuer = adup(a, st, 15, &bad);
        l->report_to = adup(a, st, 16, &bad);
        l->new_deadline = adup(a, st, 17, &bad);
        if (template_xml) *template_xml = adup(a, st, 18, &bad);
        if (pdf) buf_add(pdf, sqlite3_column_blob(st, 19), (size_t)sqlite3_column_bytes(st, 19));
        if (info) {
            *info = in;
            const char **strs[] = {&info->series, &info->district, &info->date, &info->doc_number,
                                   &info->template_name, &info->tool_version, &info->issued_at, &info->pdf_sha256};
            for (int i = 0; i < 8; i++) *strs[i] = dup_info(a, *strs[i], &bad);
        }
        if (!bad && (!pdf || !pdf->oom)) r = read_items(s, lid, a, l, e) < 0 ? -1 : 1;
        else r = store_oom(s, e);
    }
    sqlite3_finalize(st);
    return r > 0 ? 0 : -1;
}

/* ---- verification ------------------------------------------------------------------ */

int store_verify_letters(store *s, store_fault_fn cb, void *ctx, long *faults, long *n_letters, err *e) {
    sqlite3_stmt *st = prep(s,
                            "SELECT s.name, l.year, l.letter_no, l.doc_number, l.pdf_sha256, l.pdf_size, l.n_findings, "
                            "f.letter_id IS NOT NULL, f.pdf, (SELECT count(*) FROM escalation e WHERE e.letter_id = l.id) "
                            "FROM letter l JOIN series s ON s.id = l.series_id LEFT JOIN letter_file f ON f.letter_id = l.id "
                            "ORDER BY s.name, l.year, l.letter_no", "verifying the letters", e);
    if (!st) return -1;
    int r;
    char line[900];
    while ((r = store_next_row(s, st, "verifying the letters", e)) > 0) {
        (*n_letters)++;
        char who[600];
        snprintf(who, sizeof who, "%s letter %s (%d, 第%d号)", store_col_text(st, 0) ? store_col_text(st, 0) : "?",
                 store_col_text(st, 3) ? store_col_text(st, 3) : "?", sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
        line[0] = 0;
        if (!sqlite3_column_int(st, 7)) {
            snprintf(line, sizeof line, "%s: the archived PDF is missing", who);
        } else {
            const void *p = sqlite3_column_blob(st, 8);
            long long len = sqlite3_column_bytes(st, 8);
            char hex[65];
            digest_sha256_hex(p, (size_t)len, hex);
            const char *want = store_col_text(st, 4);
            if (!want || strcmp(want, hex))
                snprintf(line, sizeof line, "%s: the archived PDF does not match its recorded SHA-256 (recorded "
                         "%.16s…, now %.16s…); it was altered after it was sent, restore the database from a backup",
                         who, want ? want : "none", hex);
            else if (len != sqlite3_column_int64(st, 5))
                snprintf(line, sizeof line, "%s: the archived PDF is %lld bytes, recorded %lld", who, len,
                         (long long)sqlite3_column_int64(st, 5));
        }
        if (line[0]) {
            (*faults)++;
            if (cb) cb(ctx, line);
        }
        if (sqlite3_column_int64(st, 6) != sqlite3_column_int64(st, 9)) {
            snprintf(line, sizeof line, "%s: %lld findings recorded, %lld escalations present", who,
                     (long long)sqlite3_column_int64(st, 6), (long long)sqlite3_column_int64(st, 9));
            (*faults)++;
            if (cb) cb(ctx, line);
        }
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : 0;
}
