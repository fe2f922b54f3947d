/* store_issue.c — what the history assigns to a bulletin and how it is
 * recorded: the series code, 第N期 per series and calendar year, finding
 * IDs, repeat detection by normalised location, and the three ways in:
 * store_issue (one bulletin, rendered inside the transaction),
 * store_reserve (number a batch provisionally, then roll back) and
 * store_commit (record one bulletin rendered against its reservation).
 * Part of the store module (store_int.h). */
#define _POSIX_C_SOURCE 200809L
#include "store_int.h"
#include "crash.h"
#include "date.h"
#include "digest.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- locations ----------------------------------------------------------------- */
char *store_norm_location(const model_finding *f) {
    const char *parts[] = {f->district, f->street, f->community, f->unit, f->site};
    buf b;
    buf_init(&b);
    size_t content = 0;
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        if (k) buf_add(&b, "\x1f", 1);   /* keeps 和平|社区 apart from 和|平社区 */
        size_t before = b.len;
        utf8_fold_into(&b, parts[k]);
        content += b.len - before;
    }
    if (!content) buf_reset(&b);     /* no location at all: never a repeat */
    char *r = b.data ? b.data : xstrdup("");
    return r;
}

/* ---- assignment ---------------------------------------------------------------- */
/* What the history assigns to one bulletin; arrays live in the bulletin's
 * arena. */
typedef struct {
    sqlite3_int64 series_id;   /* 0: the series is new */
    char code[17];
    int year, issue_no;
    size_t n;                  /* findings, in input order */
    const char **ids, **norms, **repeat_of, **notes;
    int *repeat_count;
    int *recurs;               /* 1: the earlier finding was put right (issue 19) */
    int n_repeats, n_recurring;
} assignment;

/* Input-given code: ASCII letters and digits, starting with a letter,
 * upper-cased. */
static int clean_code(const char *in, char out[17]) {
    size_t n = strlen(in);
    if (n == 0 || n > 16) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (!((c >= 'A' && c <= 'Z') || (i > 0 && (c >= '0' && c <= '9')))) return -1;
        out[i] = c;
    }
    out[n] = 0;
    return 0;
}

/* 1 = code belongs to some series, 0 = free, -1 = error. */
static int code_taken(store *s, const char *code, err *e) {
    sqlite3_stmt *st = store_stmt(s, Q_SERIES_BY_CODE, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, code);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "looking up a series code", e)
                               : store_fail(s, bd.rc, "looking up a series code", e);
    store_stmt_done(st);
    return r;
}

/* Derive a code for a new series: the bulletin id's leading ASCII letters
 * (jc-2026-11-20-night → JC), else TB.  If another series has it, append a
 * letter (JCB, JCC, … then two letters).  Letters, not digits: the code is
 * followed by the year, and JC2 + 2026 would read as JC22026-007-003. */
static int derive_code(store *s, const char *input_id, char out[17], err *e) {
    char base[9];
    size_t n = 0;
    for (const char *p = input_id; p && *p && n < 8; p++) {
        char c = *p;
        if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (c < 'A' || c > 'Z') break;
        base[n++] = c;
    }
    if (!n) base[n++] = 'T', base[n++] = 'B';
    base[n] = 0;
    for (int k = 0; k <= 25 + 25 * 25; k++) {
        if (k == 0) snprintf(out, 17, "%s", base);
        else if (k <= 25) snprintf(out, 17, "%s%c", base, 'A' + k);
        else snprintf(out, 17, "%s%c%c", base, 'A' + 1 + (k - 26) / 25, 'A' + 1 + (k - 26) % 25);
        int t = code_taken(s, out, e);
        if (t < 0) return -1;
        if (!t) return 0;
    }
    return err_set(e, TB_EINPUT, "", 0, 0,
                   "cannot find a free series code near %s; give the series one with "
                   "code=\"…\" on <bulletin>", base);
}

/* assign, phase 1: the series, and whether this input was issued before.
 * stored_code gets the series' code when it exists.  0 go on, 1 already
 * issued (res filled), -1 error. */
static int assign_series(store *s, const model_bulletin *b, const char *src_sha, assignment *a,
                         char stored_code[17], store_result *res, err *e) {
    sqlite3_stmt *st = store_stmt(s, Q_SERIES_BY_NAME, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, b->series);
    if (bd.rc != SQLITE_OK) {
        store_stmt_done(st);
        return store_fail(s, bd.rc, "looking up the series", e);
    }
    int r = store_next_row(s, st, "looking up the series", e);
    if (r < 0) {
        store_stmt_done(st);
        return -1;
    }
    stored_code[0] = 0;
    if (r) {
        a->series_id = sqlite3_column_int64(st, 0);
        snprintf(stored_code, 17, "%s", store_col_text(st, 1) ? store_col_text(st, 1) : "");
    }
    store_stmt_done(st);
    if (!a->series_id) return 0;

    if (!(st = store_stmt(s, Q_ISSUED, e))) return -1;
    bd = (store_binder){st, SQLITE_OK};
    store_bind_int(&bd, 1, a->series_id);
    store_bind_text(&bd, 2, b->id);
    r = bd.rc == SQLITE_OK ? store_next_row(s, st, "checking whether the bulletin was issued", e)
                           : store_fail(s, bd.rc, "checking whether the bulletin was issued", e);
    if (r > 0) {
        res->already_issued = 1;
        res->year = sqlite3_column_int(st, 0);
        res->issue_no = sqlite3_column_int(st, 1);
        const char *sha = store_col_text(st, 2);
        res->source_differs = src_sha && sha && strcmp(src_sha, sha) != 0;
        snprintf(res->code, sizeof res->code, "%s", stored_code);
    }
    store_stmt_done(st);
    return r;   /* 0 = go on, 1 = already issued, -1 = error */
}

/* assign, phase 2: the series code (the input's, the stored one, or a new
 * one derived from the id). */
static int assign_code(store *s, const model_bulletin *b, assignment *a, const char *stored_code,
                       const char *file, err *e) {
    if (!str_empty(b->series_code)) {
        if (clean_code(b->series_code, a->code) < 0)
            return err_set(e, TB_EINPUT, file, 0, 0,
                           "series code \"%s\" is not usable: use 1 to 16 ASCII letters "
                           "or digits starting with a letter, e.g. code=\"JC\"", b->series_code);
        if (a->series_id && strcmp(a->code, stored_code) != 0)
            return err_set(e, TB_EINPUT, file, 0, 0,
                           "series \"%s\" has code %s in the history, but the input says "
                           "code=\"%s\"; finding IDs must keep their prefix, so remove the "
                           "code attribute or set it to %s", b->series, stored_code,
                           b->series_code, stored_code);
        if (!a->series_id) {
            int t = code_taken(s, a->code, e);
            if (t < 0) return -1;
            if (t)
                return err_set(e, TB_EINPUT, file, 0, 0,
                               "series code %s already belongs to another series; choose a "
                               "different code=\"…\" for \"%s\"", a->code, b->series);
        }
    } else if (a->series_id) {
        snprintf(a->code, sizeof a->code, "%s", stored_code);
    } else if (derive_code(s, b->id, a->code, e) < 0) {
        if (e && !e->file[0]) snprintf(e->file, sizeof e->file, "%s", file);
        return -1;
    }
    return 0;
}

/* assign, phase 2b: 期号 follow dates.  A bulletin dated before the
 * series' last issue would get a later number with an earlier date, and
 * the history paragraphs (上期, 截至目前) would be computed in the wrong
 * order; refuse it unless the user says so. */
static int check_date_order(store *s, const model_bulletin *b, const assignment *a, const char *file, err *e) {
    if (!a->series_id || b->issue_override > 0 || s->allow_backdated || !b->date) return 0;
    sqlite3_stmt *st = store_stmt(s, Q_LAST_ISSUED, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, a->series_id);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "checking the date order", e)
                               : store_fail(s, bd.rc, "checking the date order", e);
    const char *last = r > 0 ? store_col_text(st, 0) : NULL;
    if (r > 0 && last && strncmp(b->date, last, 10) < 0) {
        err_set(e, TB_EINPUT, file, 0, 0,
                "the bulletin is dated %.10s, before %d年第%d期 (%.10s), the last issued in series \"%s\": "
                "期号 follow dates, so it would get a later number than a bulletin it precedes. Check the "
                "<date>; if it really is a late bulletin, issue it with --allow-backdated",
                b->date, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2), last, b->series);
        r = -1;
    }
    store_stmt_done(st);
    return r < 0 ? -1 : 0;
}

/* assign, phase 3: the year (of the bulletin's date) and 第N期 in it. */
static int assign_number(store *s, const model_bulletin *b, assignment *a, const char *file, err *e) {
    date_val day;
    a->year = date_parse(b->date, DATE_TIME | DATE_SECONDS, &day, NULL, 0) == 0 ? day.y : 0;
    if (!a->year)
        return err_set(e, TB_EINPUT, file, 0, 0,
                       "header <date> \"%s\" is not a date like 2026-11-21; issue numbers "
                       "are counted per calendar year of this date", b->date ? b->date : "");
    if (!a->series_id) {
        a->issue_no = b->issue_override > 0 ? b->issue_override : 1;
        return 0;
    }
    sqlite3_stmt *st;
    store_binder bd;
    int r;
    if (b->issue_override > 0) {
        a->issue_no = b->issue_override;
        if (!(st = store_stmt(s, Q_ISSUE_TAKEN, e))) return -1;
        bd = (store_binder){st, SQLITE_OK};
        store_bind_int(&bd, 1, a->series_id);
        store_bind_int(&bd, 2, a->year);
        store_bind_int(&bd, 3, a->issue_no);
        r = bd.rc == SQLITE_OK ? store_next_row(s, st, "checking the issue number", e)
                               : store_fail(s, bd.rc, "checking the issue number", e);
        if (r > 0)
            err_set(e, TB_EINPUT, file, 0, 0,
                    "第%d期 of %d in series \"%s\" is already taken by bulletin \"%s\"; "
                    "remove the issue= override to get the next free number, or "
                    "choose a free one", a->issue_no, a->year, b->series,
                    store_col_text(st, 0) ? store_col_text(st, 0) : "?");
        store_stmt_done(st);
        return r != 0 ? -1 : 0;
    }
    if (!(st = store_stmt(s, Q_MAX_ISSUE, e))) return -1;
    bd = (store_binder){st, SQLITE_OK};
    store_bind_int(&bd, 1, a->series_id);
    store_bind_int(&bd, 2, a->year);
    r = bd.rc == SQLITE_OK ? store_next_row(s, st, "finding the next issue number", e)
                           : store_fail(s, bd.rc, "finding the next issue number", e);
    if (r > 0) a->issue_no = sqlite3_column_int(st, 0) + 1;   /* max() of none is NULL → 0 */
    assert(r <= 0 || a->issue_no >= 1);   /* numbers start at 第1期 and never repeat */
    store_stmt_done(st);
    return r < 0 ? -1 : 0;
}

/* assign, phase 4 for finding k: the latest open finding at its place in
 * an earlier issue, if any, makes it a repeat; else the latest rectified
 * one makes it recur: put right, and back again (issue 19).  Both are
 * counted in n_repeats, the second also in n_recurring. */
static int assign_repeat(store *s, assignment *a, size_t k, arena *ar, err *e) {
    for (int q = 0; q < 2; q++) {
        sqlite3_stmt *st = store_stmt(s, q ? Q_RECUR : Q_REPEAT, e);
        if (!st) return -1;
        store_binder bd = {st, SQLITE_OK};
        store_bind_int(&bd, 1, a->series_id);
        store_bind_text(&bd, 2, a->norms[k]);
        store_bind_int(&bd, 3, a->year);
        store_bind_int(&bd, 4, a->issue_no);
        int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "looking for repeated findings", e)
                                   : store_fail(s, bd.rc, "looking for repeated findings", e);
        if (r > 0) {
            int prev_year = sqlite3_column_int(st, 2), prev_no = sqlite3_column_int(st, 3);
            a->repeat_of[k] = arena_strdup(ar, store_col_text(st, 0));
            a->repeat_count[k] = sqlite3_column_int(st, 1) + 1;
            a->recurs[k] = q;
            /* The earlier issue's year is named only when it differs. */
            if (q)
                a->notes[k] = prev_year == a->year
                    ? arena_printf(ar, "该问题曾于第%d期通报并已整改，现再次出现", prev_no)
                    : arena_printf(ar, "该问题曾于%d年第%d期通报并已整改，现再次出现", prev_year, prev_no);
            else
                a->notes[k] = prev_year == a->year
                    ? arena_printf(ar, "该问题第%d次通报，前次见第%d期", a->repeat_count[k], prev_no)
                    : arena_printf(ar, "该问题第%d次通报，前次见%d年第%d期", a->repeat_count[k],
                                   prev_year, prev_no);
            a->n_repeats++;
            a->n_recurring += q;
            if (!a->repeat_of[k] || !a->notes[k]) r = -2;
        }
        store_stmt_done(st);
        if (r == -2) return store_oom(s, e);
        if (r != 0) return r < 0 ? -1 : 0;
    }
    return 0;
}

/* assign, phase 4: finding IDs and repeats, in input order across
 * categories. */
static int assign_findings(store *s, const model_bulletin *b, assignment *a, err *e) {
    size_t n = 0;
    for (size_t c = 0; c < b->n_categories; c++) n += b->categories[c].n_findings;
    a->n = n;
    arena *ar = b->arena;
    if (n) {
        a->ids = arena_alloc(ar, n * sizeof *a->ids);
        a->norms = arena_alloc(ar, n * sizeof *a->norms);
        a->repeat_of = arena_alloc(ar, n * sizeof *a->repeat_of);
        a->notes = arena_alloc(ar, n * sizeof *a->notes);
        a->repeat_count = arena_alloc(ar, n * sizeof *a->repeat_count);
        a->recurs = arena_alloc(ar, n * sizeof *a->recurs);
        if (!a->ids || !a->norms || !a->repeat_of || !a->notes || !a->repeat_count || !a->recurs)
            return store_oom(s, e);
    }
    size_t k = 0;
    for (size_t c = 0; c < b->n_categories; c++) {
        for (size_t j = 0; j < b->categories[c].n_findings; j++, k++) {
            const model_finding *f = &b->categories[c].findings[j];
            a->ids[k] = arena_printf(ar, "%s%04d-%03d-%03zu", a->code, a->year, a->issue_no, k + 1);
            char *norm = store_norm_location(f);
            a->norms[k] = norm ? arena_strdup(ar, norm) : NULL;
            free(norm);
            if (!a->ids[k] || !a->norms[k]) return store_oom(s, e);
            a->repeat_count[k] = 1;
            if (!a->series_id || !a->norms[k][0]) continue;
            if (assign_repeat(s, a, k, ar, e) < 0) return -1;
        }
    }
    return 0;
}

/* Compute everything the history assigns to b, inside the caller's
 * transaction, without writing.  src_sha (may be NULL) is compared with
 * the stored source when the id was issued before.
 * Returns 0 assigned, 1 already issued (res filled), -1 error (e). */
static int assign(store *s, model_bulletin *b, const char *src_sha, assignment *a,
                  store_result *res, err *e) {
    memset(a, 0, sizeof *a);
    const char *file = b->source ? b->source : "";
    if (str_empty(b->series))
        return err_set(e, TB_EINPUT, file, 0, 0,
                       "the bulletin has no series; add series=\"…\" to <bulletin>");
    if (str_empty(b->id))
        return err_set(e, TB_EINPUT, file, 0, 0,
                       "the bulletin has no id; add id=\"…\" to <bulletin> (it keeps the "
                       "same input from being issued twice)");
    char stored_code[17] = "";
    int r = assign_series(s, b, src_sha, a, stored_code, res, e);
    if (r != 0) return r;   /* 1 = already issued, -1 = error */
    if (assign_code(s, b, a, stored_code, file, e) < 0 || check_date_order(s, b, a, file, e) < 0 ||
        assign_number(s, b, a, file, e) < 0 || assign_findings(s, b, a, e) < 0)
        return -1;
    return 0;
}

static void model_set(model_bulletin *b, const assignment *a) {
    b->year = a->year;
    b->issue_no = a->issue_no;
    size_t k = 0;
    for (size_t c = 0; c < b->n_categories; c++)
        for (size_t j = 0; j < b->categories[c].n_findings; j++, k++) {
            b->categories[c].findings[j].id = a->ids[k];
            b->categories[c].findings[j].repeat_note = a->notes[k];
            b->categories[c].findings[j].repeat_of = a->repeat_of[k];
            b->categories[c].findings[j].recurs = a->recurs[k];
        }
}

static void model_clear(model_bulletin *b) {
    b->year = 0;
    b->issue_no = 0;
    /* history figures were computed for this assignment: they go with it */
    b->history = NULL;
    for (size_t c = 0; c < b->n_categories; c++)
        for (size_t j = 0; j < b->categories[c].n_findings; j++) {
            b->categories[c].findings[j].id = NULL;
            b->categories[c].findings[j].repeat_note = NULL;
            b->categories[c].findings[j].repeat_of = NULL;
            b->categories[c].findings[j].recurs = 0;
        }
}

/* Does b still carry exactly assignment a? */
static int model_matches(const model_bulletin *b, const assignment *a) {
    if (b->year != a->year || b->issue_no != a->issue_no) return 0;
    size_t k = 0;
    for (size_t c = 0; c < b->n_categories; c++)
        for (size_t j = 0; j < b->categories[c].n_findings; j++, k++) {
            const model_finding *f = &b->categories[c].findings[j];
            if (!str_eq(f->id, a->ids[k]) || !str_eq(f->repeat_note, a->notes[k])) return 0;
        }
    return k == a->n;
}

/* ---- recording ---------------------------------------------------------------- */
static const char *nz(const char *s) { return str_empty(s) ? NULL : s; }

/* The main form of a rendering (store.h): the PDF when there is one, else
 * the OFD; and its name for bulletin.form. */
static const buf *main_bytes(const store_rendered *r) { return r->pdf.len ? &r->pdf : &r->ofd; }
static const char *main_form(const store_rendered *r) { return r->pdf.len ? (r->pdfa ? "pdfa" : "pdf") : "ofd"; }

/* record, phase 1: the series if it is new, the bulletin row, its files
 * (source, template, context, the main form's bytes, a further OFD) and
 * scope counts.  pdf_sha: the main form's SHA-256, ofd_sha the further
 * OFD's.  *bid_out: the row. */
static int record_bulletin(store *s, const model_bulletin *b, const assignment *a,
                           const store_source *src, const store_rendered *r, const char *src_sha,
                           const char *pdf_sha, const char *ofd_sha, sqlite3_int64 *series_out,
                           sqlite3_int64 *bid_out, err *e) {
    const char *doing = "recording the bulletin";
    sqlite3_int64 series_id = a->series_id;
    sqlite3_stmt *st;
    store_binder bd;
    if (!series_id) {
        if (!(st = store_stmt(s, Q_INS_SERIES, e))) return -1;
        bd = (store_binder){st, SQLITE_OK};
        store_bind_text(&bd, 1, b->series);
        store_bind_text(&bd, 2, a->code);
        if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
        series_id = sqlite3_last_insert_rowid(s->db);
    }

    size_t n_cases = b->has_cases ? b->n_cases : 0;
    if (!(st = store_stmt(s, Q_INS_BULLETIN, e))) return -1;
    bd = (store_binder){st, SQLITE_OK};
    store_bind_int(&bd, 1, series_id);
    store_bind_text(&bd, 2, b->id);
    store_bind_int(&bd, 3, a->year);
    store_bind_int(&bd, 4, a->issue_no);
    store_bind_text(&bd, 5, b->date);
    store_bind_text(&bd, 6, b->title);
    store_bind_text(&bd, 7, b->issuer);
    store_bind_text(&bd, 8, b->doc_number);
    store_bind_int(&bd, 9, b->has_inspection ? 1 : 0);
    store_bind_text(&bd, 10, b->has_inspection ? b->method : NULL);
    store_bind_text(&bd, 11, b->has_inspection ? b->period_from : NULL);
    store_bind_text(&bd, 12, b->has_inspection ? b->period_to : NULL);
    store_bind_text(&bd, 13, b->has_rectification ? b->rect_deadline : NULL);
    store_bind_text(&bd, 14, b->has_rectification ? b->rect_report_to : NULL);
    store_bind_text(&bd, 15, src && src->template_name ? src->template_name : b->template_name);
    store_bind_text(&bd, 16, src ? src->tool_version : NULL);
    store_bind_text(&bd, 17, src ? src->source_name : b->source);
    store_bind_int(&bd, 18, (long long)a->n);
    store_bind_int(&bd, 19, a->n_repeats);
    store_bind_int(&bd, 20, (long long)n_cases);
    store_bind_int(&bd, 21, r ? r->pages : 0);
    store_bind_int(&bd, 22, r ? (long long)main_bytes(r)->len : 0);
    store_bind_text(&bd, 23, pdf_sha);
    store_bind_int(&bd, 24, src ? (long long)src->xml_len : 0);
    store_bind_text(&bd, 25, src_sha);
    store_bind_int(&bd, 26, a->n_recurring);
    store_bind_text(&bd, 27, r ? main_form(r) : "pdf");
    if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
    sqlite3_int64 bid = sqlite3_last_insert_rowid(s->db);
    *bid_out = bid;
    *series_out = series_id;

    if (!(st = store_stmt(s, Q_INS_FILE, e))) return -1;
    bd = (store_binder){st, SQLITE_OK};
    store_bind_int(&bd, 1, bid);
    store_bind_text(&bd, 2, src ? src->template_xml : NULL);
    store_bind_text(&bd, 3, r && r->context.len ? r->context.data : NULL);
    store_bind_blob(&bd, 4, src ? src->xml : NULL, src ? src->xml_len : 0);
    store_bind_blob(&bd, 5, r ? main_bytes(r)->data : NULL, r ? main_bytes(r)->len : 0);
    if (store_run(s, st, bd.rc, doing, e) < 0) return -1;

    if (r && r->pdf.len && r->ofd.len) {   /* the OFD beside the PDF */
        if (!(st = store_stmt(s, Q_INS_FORM, e))) return -1;
        bd = (store_binder){st, SQLITE_OK};
        store_bind_int(&bd, 1, bid);
        store_bind_text(&bd, 2, "ofd");
        store_bind_int(&bd, 3, (long long)r->ofd.len);
        store_bind_text(&bd, 4, ofd_sha);
        store_bind_blob(&bd, 5, r->ofd.data, r->ofd.len);
        if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
    }

    if (b->has_inspection) {
        for (size_t i = 0; i < b->n_counts; i++) {
            if (!(st = store_stmt(s, Q_INS_SCOPE, e))) return -1;
            bd = (store_binder){st, SQLITE_OK};
            store_bind_int(&bd, 1, bid);
            store_bind_int(&bd, 2, (long long)i + 1);
            store_bind_text(&bd, 3, b->counts[i].what);
            store_bind_text(&bd, 4, b->counts[i].unit);
            store_bind_text(&bd, 5, b->counts[i].number);
            if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
        }
    }

    return 0;
}

/* record, phase 2: the findings, with their IDs, places and repeats. */
static int record_findings(store *s, const model_bulletin *b, const assignment *a,
                           sqlite3_int64 series_id, sqlite3_int64 bid, err *e) {
    const char *doing = "recording the bulletin";
    sqlite3_stmt *st;
    store_binder bd;
    const char *rect_deadline = b->has_rectification ? nz(b->rect_deadline) : NULL;
    size_t k = 0;
    for (size_t c = 0; c < b->n_categories; c++) {
        const model_category *cat = &b->categories[c];
        for (size_t j = 0; j < cat->n_findings; j++, k++) {
            const model_finding *f = &cat->findings[j];
            if (!(st = store_stmt(s, Q_INS_FINDING, e))) return -1;
            bd = (store_binder){st, SQLITE_OK};
            store_bind_text(&bd, 1, a->ids[k]);
            store_bind_int(&bd, 2, bid);
            store_bind_int(&bd, 3, series_id);
            store_bind_int(&bd, 4, (long long)k + 1);
            store_bind_int(&bd, 5, (long long)c + 1);
            store_bind_text(&bd, 6, cat->title);
            store_bind_text(&bd, 7, f->district);
            store_bind_text(&bd, 8, f->street);
            store_bind_text(&bd, 9, f->community);
            store_bind_text(&bd, 10, f->site);
            store_bind_text(&bd, 11, f->unit);
            store_bind_text(&bd, 12, a->norms[k]);
            store_bind_text(&bd, 13, f->text);
            store_bind_text(&bd, 14, f->observed);
            store_bind_text(&bd, 15, f->responsible);
            store_bind_text(&bd, 16, nz(f->deadline) ? f->deadline : rect_deadline);
            store_bind_text(&bd, 17, a->repeat_of[k]);
            store_bind_int(&bd, 18, a->repeat_count[k]);
            store_bind_text(&bd, 19, a->notes[k]);
            store_bind_int(&bd, 20, a->recurs[k]);
            if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
        }
    }

    return 0;
}

/* record, phase 3: the 问责 cases and their outcomes. */
static int record_cases(store *s, const model_bulletin *b, sqlite3_int64 bid, err *e) {
    const char *doing = "recording the bulletin";
    size_t n_cases = b->has_cases ? b->n_cases : 0;
    sqlite3_stmt *st;
    store_binder bd;
    for (size_t i = 0; i < n_cases; i++) {
        const model_case *cs = &b->cases[i];
        if (!(st = store_stmt(s, Q_INS_CASE, e))) return -1;
        bd = (store_binder){st, SQLITE_OK};
        store_bind_int(&bd, 1, bid);
        store_bind_int(&bd, 2, (long long)i + 1);
        store_bind_text(&bd, 3, cs->subject);
        store_bind_text(&bd, 4, cs->problem);
        store_bind_text(&bd, 5, cs->facts);
        if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
        sqlite3_int64 cid = sqlite3_last_insert_rowid(s->db);
        for (size_t o = 0; o < cs->n_outcomes; o++) {
            const model_outcome *oc = &cs->outcomes[o];
            if (!(st = store_stmt(s, Q_INS_OUTCOME, e))) return -1;
            bd = (store_binder){st, SQLITE_OK};
            store_bind_int(&bd, 1, cid);
            store_bind_int(&bd, 2, (long long)o + 1);
            store_bind_text(&bd, 3, oc->date);
            store_bind_text(&bd, 4, oc->person);
            store_bind_text(&bd, 5, oc->rank);
            store_bind_text(&bd, 6, oc->kind);
            store_bind_text(&bd, 7, oc->text);
            if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
        }
    }
    return 0;
}

/* Insert everything about b (assigned as a) inside the open transaction. */
static int record(store *s, const model_bulletin *b, const assignment *a,
                  const store_source *src, const store_rendered *r,
                  const char *src_sha, const char *pdf_sha, const char *ofd_sha, err *e) {
    sqlite3_int64 series_id, bid;
    /* The summary's figures follow in the same transaction: its triggers
     * count the bulletin row and the open findings, store_stats_note the
     * scope counts and the people of the cases. */
    if (record_bulletin(s, b, a, src, r, src_sha, pdf_sha, ofd_sha, &series_id, &bid, e) < 0 ||
        record_findings(s, b, a, series_id, bid, e) < 0 || record_cases(s, b, bid, e) < 0 ||
        store_stats_note(s, b, series_id, bid, a->year, a->issue_no, e) < 0)
        return -1;
    return 0;
}

static void fill_result(store_result *res, const assignment *a, const store_rendered *r,
                        const char *pdf_sha) {
    res->year = a->year;
    res->issue_no = a->issue_no;
    snprintf(res->code, sizeof res->code, "%s", a->code);
    res->n_findings = (int)a->n;
    res->n_repeats = a->n_repeats;
    if (r) res->pages = r->pages;
    if (pdf_sha) snprintf(res->pdf_sha256, sizeof res->pdf_sha256, "%s", pdf_sha);
}

void store_rendered_init(store_rendered *r) {
    memset(r, 0, sizeof *r);
    buf_init(&r->pdf);
    buf_init(&r->ofd);
    buf_init(&r->context);
}

void store_rendered_free(store_rendered *r) {
    buf_free(&r->pdf);
    buf_free(&r->ofd);
    buf_free(&r->context);
    r->pdf_sha256[0] = r->ofd_sha256[0] = 0;
    r->pdf_hashed_len = r->ofd_hashed_len = 0;
}

void store_rendered_hash(store_rendered *r) {
    digest_sha256_hex(r->pdf.data, r->pdf.len, r->pdf_sha256);
    r->pdf_hashed_len = r->pdf.len;
    digest_sha256_hex(r->ofd.data, r->ofd.len, r->ofd_sha256);
    r->ofd_hashed_len = r->ofd.len;
}

/* The hashes of the main form and of the OFD: the ones
 * store_rendered_hash took if they still cover the bytes (same length),
 * else computed now. */
static void rendered_sha(const store_rendered *r, char main_hex[65], char ofd_hex[65]) {
    if (r->ofd_sha256[0] && r->ofd_hashed_len == r->ofd.len) memcpy(ofd_hex, r->ofd_sha256, 65);
    else digest_sha256_hex(r->ofd.data, r->ofd.len, ofd_hex);
    if (!r->pdf.len) memcpy(main_hex, ofd_hex, 65);
    else if (r->pdf_sha256[0] && r->pdf_hashed_len == r->pdf.len) memcpy(main_hex, r->pdf_sha256, 65);
    else digest_sha256_hex(r->pdf.data, r->pdf.len, main_hex);
}

static int check_rendered(const model_bulletin *b, const store_rendered *r, err *e) {
    if (r->pdf.len == 0 && r->ofd.len == 0)
        return err_set(e, TB_EINTERNAL, b->source ? b->source : "", 0, 0,
                       "internal: rendering produced no PDF or OFD bytes; nothing was recorded");
    return 0;
}

/* ---- issuing ------------------------------------------------------------------- */
int store_issue(store *s, model_bulletin *b, const store_source *src,
                const store_hooks *hooks, store_result *res, err *e) {
    memset(res, 0, sizeof *res);
    if (!hooks || !hooks->render || !src)
        return err_set(e, TB_EINTERNAL, "", 0, 0, "internal: store_issue needs a source and a render hook");
    char src_sha[65], pdf_sha[65], ofd_sha[65];
    digest_sha256_hex(src->xml, src->xml_len, src_sha);
    store_rendered out;
    store_rendered_init(&out);

    if (store_tx_begin(s, 1, "issuing the bulletin", e) < 0) return -1;
    assignment a;
    int r = assign(s, b, src_sha, &a, res, e);
    if (r != 0) {
        store_tx_rollback(s);
        return r;
    }
    model_set(b, &a);
    if (hooks->render(hooks->ctx, b, &out, e) < 0) {
        err_set(e, TB_EINTERNAL, b->source, 0, 0, "rendering failed; nothing was recorded");
        goto fail;
    }
    if (check_rendered(b, &out, e) < 0) goto fail;
    rendered_sha(&out, pdf_sha, ofd_sha);
    if (hooks->before_commit && hooks->before_commit(hooks->ctx, b, &out, e) < 0) {
        err_set(e, TB_EOUTPUT, b->source, 0, 0, "writing the output failed; nothing was recorded");
        goto fail;
    }
    if (record(s, b, &a, src, &out, src_sha, pdf_sha, ofd_sha, e) < 0) goto fail;
    crash_point("tx-recorded");
    if (store_tx_commit(s, "issuing the bulletin", e) < 0) goto fail;
    crash_point("tx-committed");
    fill_result(res, &a, &out, pdf_sha);
    store_rendered_free(&out);
    return 0;
fail:
    store_tx_rollback(s);
    model_clear(b);
    store_rendered_free(&out);
    return -1;
}

/* store_reserve_after's first part: the n_fixed items reserved before,
 * recorded as they stand (assign, compare, record; their models are
 * neither written nor cleared: other threads may be reading them).  0, 1
 * when one no longer matches (or is issued, or fails), -1 on a database
 * error. */
static int reserve_fixed(store *s, model_bulletin *const *fixed, size_t n_fixed, err *e) {
    for (size_t i = 0; i < n_fixed; i++) {
        model_bulletin *b = fixed[i];
        assignment a;
        store_result r1;
        err ie = {0};
        memset(&r1, 0, sizeof r1);
        int r = assign(s, b, NULL, &a, &r1, &ie);
        if (r < 0 && ie.code != TB_EINPUT) {
            if (e && !e->code) *e = ie;
            return -1;
        }
        if (r != 0 || !model_matches(b, &a)) return 1;
        if (record(s, b, &a, NULL, NULL, "", "", "", e) < 0) return -1;
    }
    return 0;
}

int store_reserve_after(store *s, model_bulletin *const *fixed, size_t n_fixed, model_bulletin *const *bs,
                        size_t n, store_prepare_fn prepare, void *ctx, store_result *res, err *e) {
    for (size_t i = 0; i < n; i++) memset(&res[i], 0, sizeof res[i]);
    /* The look runs under the write lock and records each item
     * provisionally, so item i sees items < i exactly as store_commit will
     * see them once they are committed (numbers, duplicate ids, repeats).
     * Everything is rolled back at the end.  The statistics summary
     * follows the provisional records, so each item's prepare reads the
     * figures of the history with the items before it in a few rows. */
    if (store_tx_begin(s, 1, "reserving issue numbers", e) < 0) return -1;
    int fr = reserve_fixed(s, fixed, n_fixed, e);
    if (fr != 0) {
        store_tx_rollback(s);
        return fr;
    }
    for (size_t i = 0; i < n; i++) {
        model_bulletin *b = bs[i];
        assignment a;
        int r = assign(s, b, NULL, &a, &res[i], &res[i].error);
        if (r == 1) continue;
        if (r < 0) {
            /* The item's own problem is reported with the item; a failing
             * database or memory fails the whole reservation. */
            if (res[i].error.code == TB_EINPUT) continue;
            if (e && !e->code) *e = res[i].error;
            goto fail;
        }
        model_set(b, &a);
        if (prepare && prepare(ctx, b, i, &res[i].error) < 0) {
            err_set(&res[i].error, TB_EINTERNAL, b->source, 0, 0, "preparing the bulletin failed");
            model_clear(b);
            continue;
        }
        /* the last item is seen by none after it */
        if (i + 1 < n && record(s, b, &a, NULL, NULL, "", "", "", e) < 0) goto fail;
        fill_result(&res[i], &a, NULL, NULL);
    }
    store_tx_rollback(s);
    return 0;
fail:
    store_tx_rollback(s);
    for (size_t i = 0; i < n; i++)
        if (!res[i].already_issued && !res[i].error.code) model_clear(bs[i]);
    return -1;
}

int store_reserve(store *s, model_bulletin *const *bs, size_t n,
                  store_prepare_fn prepare, void *ctx, store_result *res, err *e) {
    return store_reserve_after(s, NULL, 0, bs, n, prepare, ctx, res, e);
}

/* store_commit's transaction: its own, or a savepoint of the group's. */
static int commit_begin(store *s, err *e) {
    if (!s->group) return store_tx_begin(s, 1, "recording the bulletin", e);
    return store_exec(s, "SAVEPOINT tb_commit", "recording the bulletin", e);
}

static void commit_undo(store *s) {
    if (!s->group) {
        store_tx_rollback(s);
        return;
    }
    for (int i = 0; i < Q__COUNT; i++) store_stmt_done(s->q[i]);
    /* after an error SQLite may have rolled the whole transaction back:
     * then there is no savepoint left, and store_group_end says so */
    if (!sqlite3_get_autocommit(s->db))
        (void)sqlite3_exec(s->db, "ROLLBACK TO tb_commit; RELEASE tb_commit", NULL, NULL, NULL);
}

static int commit_end(store *s, err *e) {
    if (!s->group) {
        if (store_tx_commit(s, "recording the bulletin", e) < 0) return -1;
        crash_point("tx-committed");
        return 0;
    }
    if (store_exec(s, "RELEASE tb_commit", "recording the bulletin", e) < 0) return -1;
    s->group_items++;
    return 0;
}

int store_group_begin(store *s, err *e) {
    if (s->group) return err_set(e, TB_EINTERNAL, s->path, 0, 0, "internal: a group inside a group");
    if (store_tx_begin(s, 1, "recording the bulletins", e) < 0) return -1;
    s->group = 1;
    s->group_items = 0;
    return 0;
}

int store_in_group(const store *s) { return s->group; }

int store_group_end(store *s, int *n, err *e) {
    if (n) *n = 0;
    if (!s->group) return 0;
    int items = s->group_items;
    s->group = 0;
    s->group_items = 0;
    if (sqlite3_get_autocommit(s->db))   /* SQLite rolled it back after an error */
        return err_set(e, TB_EDB, s->path, 0, 0, "recording the bulletins failed and was rolled back; "
                       "nothing of this group was recorded (run nightly again)");
    if (store_tx_commit(s, "recording the bulletins", e) < 0) return -1;
    /* the crash point of each item's commit, now that they are durable */
    for (int i = 0; i < items; i++) crash_point("tx-committed");
    if (n) *n = items;
    return 0;
}

int store_commit(store *s, model_bulletin *b, const store_source *src,
                 const store_rendered *r, store_result *res, err *e) {
    memset(res, 0, sizeof *res);
    if (!src || !r) return err_set(e, TB_EINTERNAL, "", 0, 0, "internal: store_commit needs a source and a rendering");
    if (check_rendered(b, r, e) < 0) return -1;
    char src_sha[65], pdf_sha[65], ofd_sha[65];
    digest_sha256_hex(src->xml, src->xml_len, src_sha);
    rendered_sha(r, pdf_sha, ofd_sha);
    if (commit_begin(s, e) < 0) return -1;
    assignment a;
    int rc = assign(s, b, src_sha, &a, res, e);
    if (rc != 0) {
        commit_undo(s);
        return rc;
    }
    if (!model_matches(b, &a)) {
        /* The history moved since store_reserve: what was rendered would
         * not match what would be recorded. */
        commit_undo(s);
        res->stale = 1;
        res->year = b->year;
        res->issue_no = b->issue_no;
        return 1;
    }
    if (record(s, b, &a, src, r, src_sha, pdf_sha, ofd_sha, e) < 0) {
        commit_undo(s);
        return -1;
    }
    crash_point("tx-recorded");
    if (commit_end(s, e) < 0) {
        commit_undo(s);
        return -1;
    }
    fill_result(res, &a, r, pdf_sha);
    return 0;
}

