/* store_archive.c — reading the archive back: listing what was issued,
 * one bulletin's row, its forms (PDF, PDF/A, OFD) and source, restoring a model's assignment
 * from it, and verification (hashes, integrity, foreign keys).  Part of the
 * store module (store_int.h). */
#define _POSIX_C_SOURCE 200809L
#include "store_int.h"
#include "digest.h"

#include <stdarg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- archive queries ------------------------------------------------------------ */
#define INFO_COLS                                                                      \
    "s.name, s.code, b.input_id, b.source_name, b.year, b.issue_no, b.date, b.title, " \
    "b.issuer, b.doc_number, b.template, b.tool_version, b.issued_at, b.n_findings, "  \
    "b.n_cases, b.pages, b.pdf_size, b.pdf_sha256, b.source_sha256, b.id, b.form, "    \
    "(SELECT sha256 FROM bulletin_form WHERE bulletin_id = b.id AND form = 'ofd'), "   \
    "(SELECT size FROM bulletin_form WHERE bulletin_id = b.id AND form = 'ofd') "      \
    "FROM bulletin b JOIN series s ON s.id = b.series_id "
#define INFO_NCOLS 23

/* Fill info from the INFO_COLS columns; strings copied into a if a != NULL
 * (else they point into the statement, valid until the next step). */
static int read_info(sqlite3_stmt *st, arena *a, store_bulletin_info *in, sqlite3_int64 *bid) {
    int bad = 0;
    const char **strs[] = {&in->series, &in->code, &in->input_id, &in->source_name};
    memset(in, 0, sizeof *in);
    for (int i = 0; i < 4; i++) *strs[i] = a ? store_col_dup(a, st, i, &bad) : store_col_text(st, i);
    in->year = sqlite3_column_int(st, 4);
    in->issue_no = sqlite3_column_int(st, 5);
    const char **strs2[] = {&in->date, &in->title, &in->issuer, &in->doc_number,
                            &in->template_name, &in->tool_version, &in->issued_at};
    for (int i = 0; i < 7; i++) *strs2[i] = a ? store_col_dup(a, st, 6 + i, &bad) : store_col_text(st, 6 + i);
    in->n_findings = sqlite3_column_int(st, 13);
    in->n_cases = sqlite3_column_int(st, 14);
    in->pages = sqlite3_column_int(st, 15);
    in->pdf_size = sqlite3_column_int64(st, 16);
    in->pdf_sha256 = a ? store_col_dup(a, st, 17, &bad) : store_col_text(st, 17);
    in->source_sha256 = a ? store_col_dup(a, st, 18, &bad) : store_col_text(st, 18);
    if (bid) *bid = sqlite3_column_int64(st, 19);
    in->form = a ? store_col_dup(a, st, 20, &bad) : store_col_text(st, 20);
    in->ofd_sha256 = a ? store_col_dup(a, st, 21, &bad) : store_col_text(st, 21);
    in->ofd_size = sqlite3_column_int64(st, 22);
    if (!in->form) in->form = "pdf";
    return bad ? -1 : 0;
}

/* ---- forms ---------------------------------------------------------------------- */
static int info_main_is(const store_bulletin_info *in, int form) {
    int ofd = in->form && !strcmp(in->form, "ofd");
    return form == STORE_FORM_OFD ? ofd : !ofd;
}

int store_info_has_form(const store_bulletin_info *in, int form) {
    return info_main_is(in, form) || (form == STORE_FORM_OFD && in->ofd_sha256);
}

const char *store_info_form_sha(const store_bulletin_info *in, int form) {
    if (info_main_is(in, form)) return in->pdf_sha256;
    return form == STORE_FORM_OFD ? in->ofd_sha256 : NULL;
}

const char *store_info_forms(const store_bulletin_info *in, char out[16]) {
    snprintf(out, 16, "%s%s", in->form ? in->form : "pdf", in->ofd_sha256 && info_main_is(in, STORE_FORM_PDF) ? "+ofd" : "");
    return out;
}

int store_series_exists(store *s, const char *series, sqlite3_int64 *id, err *e) {
    sqlite3_stmt *st = store_stmt(s, Q_SERIES_BY_NAME, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, series);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "looking up the series", e)
                               : store_fail(s, bd.rc, "looking up the series", e);
    if (r > 0 && id) *id = sqlite3_column_int64(st, 0);
    store_stmt_done(st);
    if (r == 0)
        err_set(e, TB_ENOTFOUND, s->path, 0, 0,
                "no series named \"%s\" in the history; `tongbao archive list` shows the "
                "series and their issues", series);
    return r;
}

long store_list_bulletins(store *s, const char *series, store_bulletin_fn cb, void *ctx, err *e) {
    if (series && store_series_exists(s, series, NULL, e) <= 0) return -1;
    static const char all[] = "SELECT " INFO_COLS "ORDER BY s.name, b.year, b.issue_no";
    static const char one[] = "SELECT " INFO_COLS "WHERE s.name = ?1 ORDER BY b.year, b.issue_no";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, series ? one : all, -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "listing the archive", e);
    store_binder bd = {st, SQLITE_OK};
    if (series) store_bind_text(&bd, 1, series);
    long n = 0;
    int r = bd.rc == SQLITE_OK ? 1 : store_fail(s, bd.rc, "listing the archive", e);
    while (r > 0 && (r = store_next_row(s, st, "listing the archive", e)) > 0) {
        store_bulletin_info in;
        read_info(st, NULL, &in, NULL);
        n++;
        if (cb && cb(ctx, &in)) break;
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : n;
}

int store_find_bulletin_id(store *s, const char *series, int year, int issue_no, arena *a,
                         store_bulletin_info *info, sqlite3_int64 *bid, err *e) {
    if (!series || issue_no <= 0)
        return err_set(e, TB_EUSAGE, "", 0, 0, "name a series and an issue number (--series S --issue N)");
    static const char by_year[] = "SELECT " INFO_COLS
        "WHERE s.name = ?1 AND b.year = ?2 AND b.issue_no = ?3";
    static const char latest[] = "SELECT " INFO_COLS
        "WHERE s.name = ?1 AND b.issue_no = ?3 ORDER BY b.year DESC LIMIT 1";
    if (store_series_exists(s, series, NULL, e) <= 0) return -1;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, year ? by_year : latest, -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "looking up the bulletin", e);
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, series);
    if (year) store_bind_int(&bd, 2, year);
    store_bind_int(&bd, 3, issue_no);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "looking up the bulletin", e)
                               : store_fail(s, bd.rc, "looking up the bulletin", e);
    if (r > 0 && read_info(st, a, info, bid) < 0) r = store_oom(s, e);
    sqlite3_finalize(st);
    if (r == 0) {
        if (year)
            err_set(e, TB_ENOTFOUND, s->path, 0, 0,
                    "series \"%s\" has no 第%d期 in %d; `tongbao archive list --series` shows "
                    "what was issued", series, issue_no, year);
        else
            err_set(e, TB_ENOTFOUND, s->path, 0, 0,
                    "series \"%s\" has no 第%d期 in any year; `tongbao archive list --series` "
                    "shows what was issued", series, issue_no);
        return -1;
    }
    return r < 0 ? -1 : 0;
}

int store_previous_bulletin(store *s, const char *series, int year, int issue_no,
                            arena *a, store_bulletin_info *info, err *e) {
    static const char sql[] = "SELECT " INFO_COLS
        "WHERE s.name = ?1 AND (b.year < ?2 OR (b.year = ?2 AND b.issue_no < ?3)) "
        "ORDER BY b.year DESC, b.issue_no DESC LIMIT 1";
    if (!series) return err_set(e, TB_EUSAGE, "", 0, 0, "name a series (--series S)");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "looking up the previous bulletin", e);
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, series);
    store_bind_int(&bd, 2, year);
    store_bind_int(&bd, 3, issue_no);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "looking up the previous bulletin", e)
                               : store_fail(s, bd.rc, "looking up the previous bulletin", e);
    if (r > 0 && read_info(st, a, info, NULL) < 0) r = store_oom(s, e);
    sqlite3_finalize(st);
    return r < 0 ? -1 : r > 0 ? 0 : 1;
}

int store_find_bulletin(store *s, const char *series, int year, int issue_no,
                        arena *a, store_bulletin_info *info, err *e) {
    sqlite3_int64 bid;
    return store_find_bulletin_id(s, series, year, issue_no, a, info, &bid, e);
}

/* Check bytes read from the archive against their record and append them
 * to out: -1 (TB_EVERIFY) when they were altered after issue. */
static int form_take(store *s, const store_bulletin_info *info, const char *what, const void *p, int len,
                     const char *sha, long long size, buf *out, err *e) {
    char hex[65];
    if (len > 0 && !p) return store_oom(s, e);
    digest_sha256_hex(p, (size_t)len, hex);
    if (!sha || strcmp(hex, sha) || (long long)len != size)
        /* Never hand out bytes that are not what was issued. */
        return err_set(e, TB_EVERIFY, s->path, 0, 0,
                       "the archived %s of %s %d年第%d期 does not match its recorded SHA-256 (recorded %.16s…, "
                       "now %.16s…, %d bytes against %lld): it was altered after issue; nothing was written. "
                       "Restore the database from a backup; `tongbao archive verify` lists every fault",
                       what, info->series, info->year, info->issue_no, sha ? sha : "none", hex, len, size);
    buf_add(out, p, (size_t)len);
    return 0;
}

int store_get_form(store *s, const char *series, int year, int issue_no, int form,
                   buf *out, arena *a, store_bulletin_info *info, err *e) {
    store_bulletin_info tmp;
    sqlite3_int64 bid;
    arena *own = NULL;
    if (!info || !a) {
        /* The caller wants bytes only; the row still needs somewhere to live. */
        if (!(own = arena_new())) return store_oom(s, e);
        a = own;
        info = &tmp;
    }
    int r = -1;
    const char *what = form == STORE_FORM_OFD ? "OFD" : "PDF";
    if (store_find_bulletin_id(s, series, year, issue_no, a, info, &bid, e) < 0) goto out;
    if (!store_info_has_form(info, form)) {
        char forms[16];
        err_set(e, TB_ENOTFOUND, s->path, 0, 0,
                "%s %d年第%d期 was issued as %s, not as %s; export that form, or let `tongbao regen` render "
                "a%s %s of it (not the archived bytes)", series, info->year, info->issue_no,
                store_info_forms(info, forms), what, form == STORE_FORM_OFD ? "n" : "", what);
        goto out;
    }
    int main = info_main_is(info, form);
    sqlite3_stmt *st = store_stmt(s, main ? Q_FILE_PDF : Q_FORM_BYTES, e);
    if (!st) goto out;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, bid);
    if (!main) store_bind_text(&bd, 2, "ofd");
    int k = bd.rc == SQLITE_OK ? store_next_row(s, st, "reading the archived bytes", e)
                               : store_fail(s, bd.rc, "reading the archived bytes", e);
    if (k > 0) {
        const char *sha = main ? info->pdf_sha256 : store_col_text(st, 2);
        long long size = main ? info->pdf_size : sqlite3_column_int64(st, 1);
        if (form_take(s, info, what, sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0), sha, size, out, e) < 0)
            k = -1;
    } else if (k == 0) {
        err_set(e, TB_EVERIFY, s->path, 0, 0,
                "the archive has no %s bytes for this bulletin; run `tongbao archive verify`", what);
        k = -1;
    }
    store_stmt_done(st);
    r = k > 0 ? 0 : -1;
out:
    arena_free(own);
    return r;
}

int store_get_pdf(store *s, const char *series, int year, int issue_no,
                  buf *pdf, arena *a, store_bulletin_info *info, err *e) {
    return store_get_form(s, series, year, issue_no, STORE_FORM_PDF, pdf, a, info, e);
}

int store_get_archived(store *s, const char *series, int year, int issue_no,
                       arena *a, store_archived *out, err *e) {
    memset(out, 0, sizeof *out);
    sqlite3_int64 bid;
    if (store_find_bulletin_id(s, series, year, issue_no, a, &out->info, &bid, e) < 0) return -1;
    int bad = 0;
    sqlite3_stmt *st = store_stmt(s, Q_FILE, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, bid);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "reading the archived source", e)
                               : store_fail(s, bd.rc, "reading the archived source", e);
    if (r > 0) {
        const void *p = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        unsigned char *copy = arena_alloc(a, (size_t)len + 1);   /* NUL-terminated for parsers */
        char hex[65];
        if (!copy || (len > 0 && !p)) {
            bad = 1;
        } else if (digest_sha256_hex(p, (size_t)len, hex), !out->info.source_sha256 ||
                   strcmp(hex, out->info.source_sha256)) {
            err_set(e, TB_EVERIFY, s->path, 0, 0,
                    "the archived source of %s %d年第%d期 does not match its recorded SHA-256 (recorded %.16s…, "
                    "now %.16s…): it was altered after issue, so nothing is rebuilt from it. Restore the "
                    "database from a backup; `tongbao archive verify` lists every fault", series,
                    out->info.year, out->info.issue_no,
                    out->info.source_sha256 ? out->info.source_sha256 : "none", hex);
            r = -1;
        } else {
            if (len) memcpy(copy, p, (size_t)len);
            out->source = copy;
            out->source_len = (size_t)len;
        }
        out->template_xml = store_col_dup(a, st, 1, &bad);
        out->context = store_col_dup(a, st, 2, &bad);
    } else if (r == 0) {
        err_set(e, TB_EVERIFY, s->path, 0, 0,
                "the archive has no source for this bulletin; run `tongbao archive verify`");
        r = -1;
    }
    store_stmt_done(st);
    if (r < 0) return -1;
    if (bad) return store_oom(s, e);

    size_t n = (size_t)(out->info.n_findings > 0 ? out->info.n_findings : 0);
    out->finding_ids = arena_alloc(a, (n + 1) * sizeof *out->finding_ids);
    out->repeat_notes = arena_alloc(a, (n + 1) * sizeof *out->repeat_notes);
    out->repeat_ofs = arena_alloc(a, (n + 1) * sizeof *out->repeat_ofs);
    out->recurs = arena_alloc(a, (n + 1) * sizeof *out->recurs);
    if (!out->finding_ids || !out->repeat_notes || !out->repeat_ofs || !out->recurs) return store_oom(s, e);
    if (!(st = store_stmt(s, Q_FINDING_IDS, e))) return -1;
    bd = (store_binder){st, SQLITE_OK};
    store_bind_int(&bd, 1, bid);
    r = bd.rc == SQLITE_OK ? 1 : store_fail(s, bd.rc, "reading the archived findings", e);
    size_t k = 0;
    while (r > 0 && (r = store_next_row(s, st, "reading the archived findings", e)) > 0) {
        if (k == n) {   /* more rows than the bulletin says: a damaged archive */
            err_set(e, TB_EVERIFY, s->path, 0, 0,
                    "the archive holds more findings than recorded for this bulletin; run "
                    "`tongbao archive verify`");
            r = -1;
            break;
        }
        out->finding_ids[k] = store_col_dup(a, st, 0, &bad);
        out->repeat_notes[k] = store_col_dup(a, st, 1, &bad);
        out->repeat_ofs[k] = store_col_dup(a, st, 2, &bad);
        out->recurs[k] = sqlite3_column_int(st, 3);
        k++;
    }
    store_stmt_done(st);
    if (r < 0) return -1;
    if (bad) return store_oom(s, e);
    out->n_findings = k;
    return 0;
}

int store_restore(model_bulletin *b, const store_archived *ar, err *e) {
    size_t n = 0;
    for (size_t c = 0; c < b->n_categories; c++) n += b->categories[c].n_findings;
    if (n != ar->n_findings)
        return err_set(e, TB_EVERIFY, b->source ? b->source : "", 0, 0,
                       "the archived source has %zu findings but %zu were recorded when it "
                       "was issued; the archive is inconsistent, run `tongbao archive verify`",
                       n, ar->n_findings);
    b->year = ar->info.year;
    b->issue_no = ar->info.issue_no;
    size_t k = 0;
    for (size_t c = 0; c < b->n_categories; c++)
        for (size_t j = 0; j < b->categories[c].n_findings; j++, k++) {
            b->categories[c].findings[j].id = ar->finding_ids[k];
            b->categories[c].findings[j].repeat_note = ar->repeat_notes[k];
            b->categories[c].findings[j].repeat_of = ar->repeat_ofs ? ar->repeat_ofs[k] : NULL;
            b->categories[c].findings[j].recurs = ar->recurs ? ar->recurs[k] : 0;
        }
    return 0;
}

/* ---- verification --------------------------------------------------------------- */
static void fault(store_fault_fn cb, void *ctx, long *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fault(store_fault_fn cb, void *ctx, long *n, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    (*n)++;
    if (cb) cb(ctx, line);
}

/* Run a PRAGMA check; every row that is not "ok" is a fault. */
static int pragma_faults(store *s, const char *sql, int is_fk, store_fault_fn cb, void *ctx,
                         long *faults, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "checking the database", e);
    int r;
    while ((r = store_next_row(s, st, "checking the database", e)) > 0) {
        if (is_fk) {
            /* table, rowid, parent table, constraint index */
            fault(cb, ctx, faults, "foreign key: row %lld of table %s points to a missing "
                  "row of %s", (long long)sqlite3_column_int64(st, 1),
                  store_col_text(st, 0) ? store_col_text(st, 0) : "?", store_col_text(st, 2) ? store_col_text(st, 2) : "?");
        } else {
            const char *t = store_col_text(st, 0);
            if (!t || strcmp(t, "ok") != 0) fault(cb, ctx, faults, "integrity: %s", t ? t : "?");
        }
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : 0;
}

/* The further forms (bulletin_form): each one's bytes against its SHA-256
 * and size, and none that repeats the bulletin's main form. */
static int verify_forms(store *s, const char *since, store_fault_fn cb, void *ctx, long *faults, err *e) {
    static const char sql[] =
        "SELECT s.name, b.year, b.issue_no, g.form, g.size, g.sha256, g.bytes, "
        "g.form = b.form OR (g.form <> 'ofd' AND b.form <> 'ofd') "
        "FROM bulletin_form g JOIN bulletin b ON b.id = g.bulletin_id JOIN series s ON s.id = b.series_id "
        "WHERE ?1 IS NULL OR b.date >= ?1 ORDER BY s.name, b.year, b.issue_no, g.form";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    store_binder bd = {st, rc};
    if (since) store_bind_text(&bd, 1, since);
    if (bd.rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return store_fail(s, bd.rc, "verifying the archive", e);
    }
    int r;
    while ((r = store_next_row(s, st, "verifying the archive", e)) > 0) {
        char who[600];
        snprintf(who, sizeof who, "%s %d年第%d期", store_col_text(st, 0) ? store_col_text(st, 0) : "?",
                 sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
        const char *form = store_col_text(st, 3) ? store_col_text(st, 3) : "?";
        const char *what = !strcmp(form, "ofd") ? "OFD" : !strcmp(form, "pdfa") ? "PDF/A" : "PDF";
        const void *p = sqlite3_column_blob(st, 6);
        long long len = sqlite3_column_bytes(st, 6);
        if (len > 0 && !p) {
            r = store_oom(s, e);
            break;
        }
        char hex[65];
        digest_sha256_hex(p, (size_t)len, hex);
        const char *want = store_col_text(st, 5);
        if (!want || strcmp(want, hex))
            fault(cb, ctx, faults, "%s: the archived %s does not match its recorded SHA-256 (recorded %.16s…, "
                  "now %.16s…); it was altered after issue, restore the database from a backup", who, what,
                  want ? want : "none", hex);
        else if (len != sqlite3_column_int64(st, 4))
            fault(cb, ctx, faults, "%s: the archived %s is %lld bytes, recorded %lld", who, what, len,
                  (long long)sqlite3_column_int64(st, 4));
        if (sqlite3_column_int(st, 7))
            fault(cb, ctx, faults, "%s: a further %s is recorded beside the bulletin's own %s form", who, what, what);
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : 0;
}

/* One bulletin's row of the verification query: the PDF and the source
 * against their SHA-256 and size, the findings against their count.
 * 0, or -1 + e (out of memory). */
static int verify_row(store *s, sqlite3_stmt *st, store_fault_fn cb, void *ctx, long *faults, err *e) {
    char who[600];
    snprintf(who, sizeof who, "%s %d年第%d期", store_col_text(st, 0) ? store_col_text(st, 0) : "?",
             sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
    if (!sqlite3_column_int(st, 8)) {
        fault(cb, ctx, faults, "%s: the archived PDF and source are missing", who);
        return 0;
    }
    const char *form = store_col_text(st, 12);   /* the main form's bytes: a PDF, a PDF/A or an OFD */
    struct { int col, size_col, sha_col; const char *what; } parts[] = {
        {9, 4, 3, form && !strcmp(form, "ofd") ? "OFD" : form && !strcmp(form, "pdfa") ? "PDF/A" : "PDF"},
        {10, 6, 5, "source XML"},
    };
    for (int i = 0; i < 2; i++) {
        const void *p = sqlite3_column_blob(st, parts[i].col);
        long long len = sqlite3_column_bytes(st, parts[i].col);
        if (len > 0 && !p) return store_oom(s, e);
        char hex[65];
        digest_sha256_hex(p, (size_t)len, hex);
        const char *want = store_col_text(st, parts[i].sha_col);
        long long want_len = sqlite3_column_int64(st, parts[i].size_col);
        if (!want || strcmp(want, hex) != 0)
            fault(cb, ctx, faults, "%s: the archived %s does not match its recorded "
                  "SHA-256 (recorded %.16s…, now %.16s…); it was altered after issue, "
                  "restore the database from a backup", who, parts[i].what,
                  want ? want : "none", hex);
        else if (len != want_len)
            fault(cb, ctx, faults, "%s: the archived %s is %lld bytes, recorded %lld",
                  who, parts[i].what, len, want_len);
    }
    if (sqlite3_column_int64(st, 7) != sqlite3_column_int64(st, 11))
        fault(cb, ctx, faults, "%s: %lld findings recorded, %lld present", who,
              (long long)sqlite3_column_int64(st, 7), (long long)sqlite3_column_int64(st, 11));
    return 0;
}

/* SQLite's whole-file checks run as one statement each: the progress
 * handler lets the caller show that they are still going. */
typedef struct {
    const store_verify_opts *o;
    const char *phase;
} vprog;

static int vprog_tick(void *ctx) {
    vprog *v = ctx;
    v->o->progress(v->o->progress_ctx, v->phase, -1, -1);
    return 0;
}

static int whole_file_checks(store *s, const store_verify_opts *o, store_fault_fn cb, void *ctx, long *faults,
                             err *e) {
    static const struct { const char *sql, *phase; int is_fk; } checks[] = {
        {"PRAGMA integrity_check", "SQLite integrity check", 0},
        {"PRAGMA foreign_key_check", "foreign keys", 1},
    };
    int r = 0;
    for (size_t i = 0; r == 0 && i < sizeof checks / sizeof checks[0]; i++) {
        vprog v = {o, checks[i].phase};
        if (o && o->progress) {
            o->progress(o->progress_ctx, v.phase, 0, -1);
            sqlite3_progress_handler(s->db, 100000, vprog_tick, &v);
        }
        r = pragma_faults(s, checks[i].sql, checks[i].is_fk, cb, ctx, faults, e);
        sqlite3_progress_handler(s->db, 0, NULL, NULL);
    }
    return r;
}

long store_verify(store *s, store_fault_fn cb, void *ctx, long *n_bulletins, err *e) {
    return store_verify_with(s, NULL, cb, ctx, n_bulletins, e);
}

long store_verify_with(store *s, const store_verify_opts *o, store_fault_fn cb, void *ctx, long *n_bulletins,
                       err *e) {
    long faults = 0, nb = 0;
    const char *since = o ? o->since : NULL;
    int show = o && o->progress;
    /* One read transaction: a consistent picture even while someone issues. */
    if (store_tx_begin(s, 0, "verifying the archive", e) < 0) return -1;
    long sf = store_schema_faults(s, 1, cb, ctx, e);
    if (sf < 0) goto fail;
    faults += sf;
    if (sf) {
        /* A table the queries below need may be gone: check what still can
         * be, and say so rather than stopping at "no such table". */
        sqlite3_stmt *probe = NULL;
        int ok = sqlite3_prepare_v2(s->db, "SELECT 1 FROM bulletin b JOIN series s ON s.id = b.series_id "
                                    "LEFT JOIN bulletin_file f ON f.bulletin_id = b.id "
                                    "JOIN finding ON 0 JOIN series_stats ON 0 WHERE b.form", -1, &probe, NULL) == SQLITE_OK;
        sqlite3_finalize(probe);
        if (!ok) {
            if (pragma_faults(s, "PRAGMA integrity_check", 0, cb, ctx, &faults, e) < 0) goto fail;
            store_tx_rollback(s);
            if (n_bulletins) *n_bulletins = 0;
            return faults;
        }
    }
    /* How many, for the progress shown (the recent part through
     * bulletin_date). */
    long long total = 0;
    if (show) {
        sqlite3_stmt *cnt = NULL;
        int rc = sqlite3_prepare_v2(s->db, since ? "SELECT count(*) FROM bulletin WHERE date >= ?1"
                                                 : "SELECT count(*) FROM bulletin", -1, &cnt, NULL);
        store_binder bd = {cnt, rc};
        if (since) store_bind_text(&bd, 1, since);
        int r = bd.rc == SQLITE_OK ? store_next_row(s, cnt, "verifying the archive", e)
                                   : store_fail(s, bd.rc, "verifying the archive", e);
        if (r > 0) total = sqlite3_column_int64(cnt, 0);
        sqlite3_finalize(cnt);
        if (r < 0) goto fail;
        o->progress(o->progress_ctx, "bulletins", 0, total);
    }
    /* Streamed: the series in name order, each one's bulletins in (year,
     * issue) order through their UNIQUE indexes, one row (and its PDF) at
     * a time.  With --since, the recent bulletins' ids through
     * bulletin_date (sorted without their PDFs), each row then by id. */
#define VERIFY_COLS                                                                        \
    "SELECT s.name, b.year, b.issue_no, b.pdf_sha256, b.pdf_size, b.source_sha256, "       \
    "b.source_size, b.n_findings, f.bulletin_id IS NOT NULL, f.pdf, f.source_xml, "        \
    "(SELECT count(*) FROM finding WHERE bulletin_id = b.id), b.form "                     \
    "FROM bulletin b JOIN series s ON s.id = b.series_id "                                 \
    "LEFT JOIN bulletin_file f ON f.bulletin_id = b.id "
    static const char all[] = VERIFY_COLS "ORDER BY s.name, b.year, b.issue_no";
    static const char one[] = VERIFY_COLS "WHERE b.id = ?1";
#undef VERIFY_COLS
    static const char recent[] = "SELECT b.id FROM bulletin b INDEXED BY bulletin_date "
                                 "JOIN series s ON s.id = b.series_id WHERE b.date >= ?1 "
                                 "ORDER BY s.name, b.year, b.issue_no";
    sqlite3_stmt *st = NULL, *ids = NULL;
    int rc = sqlite3_prepare_v2(s->db, since ? one : all, -1, &st, NULL);
    if (rc == SQLITE_OK && since) rc = sqlite3_prepare_v2(s->db, recent, -1, &ids, NULL);
    store_binder vb = {ids, rc};
    if (since) store_bind_text(&vb, 1, since);
    if (vb.rc != SQLITE_OK) {
        store_fail(s, vb.rc, "verifying the archive", e);
        sqlite3_finalize(st);
        sqlite3_finalize(ids);
        goto fail;
    }
    int r;
    for (;;) {
        if (ids) {   /* the next recent bulletin, then its row */
            sqlite3_reset(st);
            if ((r = store_next_row(s, ids, "verifying the archive", e)) <= 0) break;
            if ((rc = sqlite3_bind_int64(st, 1, sqlite3_column_int64(ids, 0))) != SQLITE_OK) {
                r = store_fail(s, rc, "verifying the archive", e);
                break;
            }
        }
        if ((r = store_next_row(s, st, "verifying the archive", e)) <= 0) break;
        nb++;
        if (show && nb % 256 == 0) o->progress(o->progress_ctx, "bulletins", nb, total);
        if ((r = verify_row(s, st, cb, ctx, &faults, e)) < 0) break;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ids);
    if (r < 0) goto fail;
    if (show) o->progress(o->progress_ctx, "bulletins", nb, total);
    /* The further forms (issue 13), when their table is there (of the
     * recent bulletins only, with --since). */
    sqlite3_stmt *fp = NULL;
    int forms_ok = !sf || sqlite3_prepare_v2(s->db, "SELECT g.form, g.size, g.sha256, g.bytes FROM bulletin_form g "
                                                    "JOIN bulletin b ON b.id = g.bulletin_id", -1, &fp, NULL) == SQLITE_OK;
    sqlite3_finalize(fp);
    if (forms_ok && verify_forms(s, since, cb, ctx, &faults, e) < 0) goto fail;
    /* The letters of tongbao escalate (issue 16), when their tables are
     * there: all of them, with --since too (a letter goes to a district
     * for a batch of overdue findings: they are few beside the bulletins). */
    long nl = 0;
    sqlite3_stmt *lp = NULL;
    int letters_ok = !sf || sqlite3_prepare_v2(s->db, "SELECT 1 FROM letter l JOIN series s ON s.id = l.series_id "
                                                      "LEFT JOIN letter_file f ON f.letter_id = l.id "
                                                      "JOIN escalation ON 0", -1, &lp, NULL) == SQLITE_OK;
    sqlite3_finalize(lp);
    if (letters_ok && store_verify_letters(s, cb, ctx, &faults, &nl, e) < 0) goto fail;
    if (!since) {
        /* The whole file: the statistics summary against its recount,
         * SQLite's integrity and foreign-key checks. */
        if (show) o->progress(o->progress_ctx, "statistics recount", 0, -1);
        long stf = store_stats_faults(s, cb, ctx, e);
        if (stf < 0) goto fail;
        faults += stf;
        if (whole_file_checks(s, o, cb, ctx, &faults, e) < 0) goto fail;
    }
    store_tx_rollback(s);   /* read-only: ending it either way is the same */
    if (n_bulletins) *n_bulletins = nb;
    return faults;
fail:
    store_tx_rollback(s);
    return -1;
}

