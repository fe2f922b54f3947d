/* store_findings.c — findings as they stand (open, done, overdue) and
 * rectification reports, all or nothing.  Part of the store module
 * (store_int.h). */
#define _POSIX_C_SOURCE 200809L
#include "date.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- findings ------------------------------------------------------------------
 * The listing is in issue order (series name, year, issue, position) and
 * streams: each filter has an index that yields its rows in that order or
 * yields few enough keys to sort.
 *   - every status, or done: a walk.  The series in name order (its UNIQUE
 *     index), each one's bulletins in (year, issue) order (UNIQUE(series_id,
 *     year, issue_no)), each bulletin's findings by position (UNIQUE(
 *     bulletin_id, seq), or finding_district_walk for one district): the
 *     first rows come at once and nothing is sorted, however long the
 *     history.  CROSS JOIN keeps SQLite to that order of the loops.
 *   - open, overdue, undone: the findings not put right, a small part of a
 *     long history (17,052 of a district's 833,318 at 10 million), but
 *     spread over all of it, so no walk finds them at once.  Their keys
 *     come from a partial index over open findings that holds everything
 *     the filters and the join ask of a finding (schema 6:
 *     finding_open_district by district, finding_open_due by series or
 *     none; district or series, deadline, bulletin, position), joined to
 *     their bulletin and series for the year, issue and name, and sorted:
 *     only those narrow keys (f->limit of them when paging), never a whole
 *     row.  Each key then fetches its row by rowid as it is handed out, so
 *     a page reads a page of rows.
 *   - one ID: its primary key; one bulletin: UNIQUE(bulletin_id, seq).
 * f->after (an ID) starts the listing after that finding, for paging: its
 * (series, year, issue, position) bound the walk or the keys. */
typedef struct {
    char name[400];
    int year, issue_no, seq;
} after_key;

static int find_after(store *s, const char *id_in, after_key *k, err *e) {
    char id[64];
    snprintf(id, sizeof id, "%s", id_in);
    for (char *p = id; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT s.name, b.year, b.issue_no, f.seq FROM finding f "
                                       "JOIN bulletin b ON b.id = f.bulletin_id JOIN series s ON s.id = b.series_id "
                                       "WHERE f.id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "listing findings", e);
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, id);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "listing findings", e) : store_fail(s, bd.rc, "listing findings", e);
    if (r > 0) {
        snprintf(k->name, sizeof k->name, "%s", store_col_text(st, 0) ? store_col_text(st, 0) : "");
        k->year = sqlite3_column_int(st, 1);
        k->issue_no = sqlite3_column_int(st, 2);
        k->seq = sqlite3_column_int(st, 3);
    } else if (r == 0) {
        err_set(e, TB_ENOTFOUND, s->path, 0, 0, "no finding %s in the history to list after (--after); "
                "give the ID of the last finding of the page before", id);
        r = -1;
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : 0;
}

/* What a listed finding shows; FROM and WHERE follow. */
static const char list_cols[] =
    "SELECT f.id, s.name, b.year, b.issue_no, f.seq, b.date, f.category, f.district, "
    "f.street, f.community, f.site, f.unit, f.text, f.observed, f.responsible, "
    "f.deadline, CASE WHEN f.status = 'done' THEN 'done' "
    "WHEN f.deadline < :today THEN 'overdue' ELSE 'open' END, "
    "f.done_date, f.note, f.repeat_of, f.repeat_note, f.repeat_count, "
    /* letters of tongbao escalate (issue 16): how many, the last
     * level (escalation's primary key: a lookup per row) */
    "(SELECT count(*) FROM escalation e WHERE e.finding_id = f.id), "
    "(SELECT e.level FROM escalation e WHERE e.finding_id = f.id ORDER BY e.n DESC LIMIT 1) ";

/* The statement of a listing (see above): the walk, or the rows of the
 * sorted keys (rowids) of the findings not put right.  The text is put
 * together from constant pieces only, so each filter combination gets a
 * plan that uses its index (a catch-all "?1 IS NULL OR …" would defeat
 * them); values are bound. */
static void list_sql(buf *sql, const store_finding_filter *f, int walk, int bulletin) {
    if (walk) {
        buf_puts(sql, list_cols);
        buf_puts(sql, "FROM series s CROSS JOIN bulletin b CROSS JOIN finding f "
                      "WHERE b.series_id = s.id AND f.bulletin_id = b.id");
        if (f->series) buf_puts(sql, " AND s.id = :series");
    } else {
        /* INDEXED BY names the covering indexes: finding_district_walk
         * also has the district first, and a plan that chose it would read
         * every row, as one that read the bulletin's row would read the
         * wide bulletin table (89 MB at 10 million findings; bulletin_order
         * is 5 MB).  One ID or one bulletin is few rows by their own keys. */
        const char *idx = f->id || bulletin ? "" : f->district ? " INDEXED BY finding_open_district"
                                                               : " INDEXED BY finding_open_due";
        buf_puts(sql, list_cols);
        buf_printf(sql, "FROM (SELECT f.rowid AS r FROM finding f%s JOIN bulletin b INDEXED BY bulletin_order "
                        "ON b.id = f.bulletin_id JOIN series s ON s.id = b.series_id WHERE f.status = 'open'", idx);
        /* the series by the index's first column when it is the index */
        if (f->series) buf_puts(sql, f->district || f->id || bulletin ? " AND b.series_id = :series"
                                                                       : " AND f.series_id = :series");
    }
    if (f->district) buf_puts(sql, " AND f.district = :district");
    if (bulletin) buf_puts(sql, walk ? " AND b.id = :bulletin" : " AND f.bulletin_id = :bulletin");
    if (f->id) buf_puts(sql, " AND f.id = :id");
    if (f->after)
        /* the first term reads only series and bulletin, so the walk tests
         * it once per bulletin; the second one per finding */
        buf_puts(sql, " AND (s.name > :an OR (s.name = :an AND (b.year > :ay OR "
                      "(b.year = :ay AND b.issue_no >= :ai))))"
                      " AND (s.name <> :an OR b.year <> :ay OR b.issue_no <> :ai OR f.seq > :as)");
    switch (f->status) {
    case STORE_ST_OPEN: buf_puts(sql, " AND (f.deadline IS NULL OR f.deadline >= :today)"); break;
    case STORE_ST_OVERDUE: buf_puts(sql, " AND f.deadline < :today"); break;
    case STORE_ST_DONE: buf_puts(sql, " AND f.status = 'done'"); break;
    default: break;   /* any; undone is the status = 'open' above */
    }
    buf_puts(sql, " ORDER BY s.name, b.year, b.issue_no, f.seq");
    if (!walk)
        /* The keys, sorted, are the outer loop (CROSS JOIN keeps it
         * outermost); each fetches its row by rowid, so the rows come out
         * in the keys' order and only the rows handed out are read.  The
         * LIMIT (-1: none) also keeps SQLite from dropping the subquery's
         * ORDER BY or merging it into the outer query, which would sort
         * whole rows again. */
        buf_puts(sql, " LIMIT :limit) AS k CROSS JOIN finding f CROSS JOIN bulletin b INDEXED BY bulletin_order "
                      "CROSS JOIN series s "
                      "WHERE f.rowid = k.r AND b.id = f.bulletin_id AND s.id = b.series_id");
}

static store_finding_row row_of(sqlite3_stmt *st) {
    return (store_finding_row){
        .id = store_col_text(st, 0), .series = store_col_text(st, 1),
        .year = sqlite3_column_int(st, 2), .issue_no = sqlite3_column_int(st, 3),
        .seq = sqlite3_column_int(st, 4), .bulletin_date = store_col_text(st, 5),
        .category = store_col_text(st, 6), .district = store_col_text(st, 7), .street = store_col_text(st, 8),
        .community = store_col_text(st, 9), .site = store_col_text(st, 10), .unit = store_col_text(st, 11),
        .text = store_col_text(st, 12), .observed = store_col_text(st, 13),
        .responsible = store_col_text(st, 14), .deadline = store_col_text(st, 15),
        .status = store_col_text(st, 16), .done_date = store_col_text(st, 17), .note = store_col_text(st, 18),
        .repeat_of = store_col_text(st, 19), .repeat_note = store_col_text(st, 20),
        .repeat_count = sqlite3_column_int(st, 21),
        .escalations = sqlite3_column_int(st, 22), .level = store_col_text(st, 23),
    };
}

long store_list_findings(store *s, const store_finding_filter *f,
                         store_finding_fn cb, void *ctx, err *e) {
    const char *doing = "listing findings";
    store_finding_filter none = {0};
    if (!f) f = &none;
    char today[11];
    if (store_norm_today(s, f->today, today, e) < 0) return -1;
    sqlite3_int64 series_id = 0, bid = 0;
    if (f->series && store_series_exists(s, f->series, &series_id, e) <= 0) return -1;
    if (f->issue_no > 0) {
        store_bulletin_info info;
        arena *a = arena_new();
        if (!a) return store_oom(s, e);
        int r = store_find_bulletin_id(s, f->series, f->year, f->issue_no, a, &info, &bid, e);
        arena_free(a);
        if (r < 0) return -1;
    }
    after_key ak;
    if (f->after && find_after(s, f->after, &ak, e) < 0) return -1;
    int walk = f->status == STORE_ST_ANY || f->status == STORE_ST_DONE;
    buf sql;
    buf_init(&sql);
    list_sql(&sql, f, walk, bid != 0);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql.data, -1, &st, NULL);
    buf_free(&sql);
    if (rc != SQLITE_OK) return store_fail(s, rc, doing, e);
    store_binder bd = {st, SQLITE_OK};
    store_bind_named_text(&bd, ":today", today);
    store_bind_named_int(&bd, ":series", series_id);
    store_bind_named_text(&bd, ":district", f->district);
    store_bind_named_int(&bd, ":bulletin", bid);
    char id[64] = "";
    if (f->id) {
        /* IDs are stored in upper case: JC2026-007-003 */
        snprintf(id, sizeof id, "%s", f->id);
        for (char *p = id; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
        store_bind_named_text(&bd, ":id", id);
    }
    if (f->after) {
        store_bind_named_text(&bd, ":an", ak.name);
        store_bind_named_int(&bd, ":ay", ak.year);
        store_bind_named_int(&bd, ":ai", ak.issue_no);
        store_bind_named_int(&bd, ":as", ak.seq);
    }
    store_bind_named_int(&bd, ":limit", f->limit > 0 ? f->limit : -1);
    int r = bd.rc == SQLITE_OK ? 1 : store_fail(s, bd.rc, doing, e);
    long n = 0;
    while (r > 0 && (r = store_next_row(s, st, doing, e)) > 0) {
        store_finding_row w = row_of(st);
        n++;
        if (cb && cb(ctx, &w)) break;
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : n;
}

/* Finding IDs are printed upper-case; accept what a clerk types.
 * -1 when the text cannot be an ID at all. */
static int norm_id(const char *in, char out[64]) {
    size_t len = in ? strlen(in) : 0;
    if (len == 0 || len >= 64) return -1;
    for (size_t k = 0; k <= len; k++) {
        char c = in[k];
        out[k] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
    }
    return 0;
}

/* A note as it is recorded: white space (line breaks and tabs included,
 * as a spreadsheet cell or a shell may bring them) folded to single
 * spaces and trimmed.  Other control characters and bidirectional
 * controls are refused: a note is printed in lists and ledgers, where an
 * ESC or a U+202E would garble what follows.  NULL note → NULL; -1 + e. */
static int clean_note(const char *in, const char *id, const char *source, arena *a, const char **out, err *e) {
    *out = NULL;
    if (!in) return 0;
    buf b;
    buf_init(&b);
    size_t len = strlen(in), i = 0, adv;
    int space = 0;
    while (i < len) {
        uint32_t cp = utf8_decode(in + i, len - i, &adv);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            space = b.len > 0;
        } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
                   cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
                   (cp == 0xfffd && adv == 1)) {
            buf_free(&b);
            return err_set(e, TB_EINPUT, source, 0, 0, "the note for %s holds %s U+%04X, which a note cannot "
                           "carry (it would garble lists and ledgers); remove it. Nothing was recorded", id,
                           cp == 0xfffd ? "bytes that are not UTF-8 near" : "the control character", (unsigned)cp);
        } else {
            if (space) buf_add(&b, " ", 1);
            space = 0;
            buf_add(&b, in + i, adv);
        }
        i += adv;
    }
    int rc = 0;
    if (b.len) *out = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return rc;
}

/* 1 when the finding's recorded state is already what this report says
 * (the same report sent again): nothing to write.  -1 + e. */
static int already_recorded(store *s, const char *id, const char *status, const char *date, const char *note, err *e) {
    sqlite3_stmt *st = store_stmt(s, Q_FINDING_STATE, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_text(&bd, 1, id);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "recording rectification", e)
                               : store_fail(s, bd.rc, "recording rectification", e);
    int same = 0;
    if (r > 0)
        same = str_eq(store_col_text(st, 0), status) &&
               (strcmp(status, "done") || str_eq(store_col_text(st, 1), date)) && str_eq(store_col_text(st, 2), note);
    store_stmt_done(st);
    return r < 0 ? -1 : same;
}

int store_rectify(store *s, const char *series, const store_rectification *items,
                  size_t n, const char *source, err *e) {
    return store_rectify_ex(s, series, items, n, source, NULL, e) < 0 ? -1 : 0;
}

/* A report's date: a real day, not after today.  0, or -1 with e filled. */
static int check_report_date(const char *date, const char *today, const char *id, const char *source, err *e) {
    char why[200];
    if (date_parse(date, 0, NULL, why, sizeof why) < 0) {
        if (why[0]) return err_set(e, TB_EINPUT, source, 0, 0, "date %s for %s is not a real date: %s", date, id, why);
        return err_set(e, TB_EINPUT, source, 0, 0, "date \"%s\" for %s is not a date like 2026-11-22", date, id);
    }
    if (strcmp(date, today) > 0)
        return err_set(e, TB_EINPUT, source, 0, 0,
                       "date %s for %s is in the future (today is %s): a report is recorded once it has "
                       "happened; check the date. Nothing was recorded", date, id, today);
    return 0;
}

int store_rectify_ex(store *s, const char *series, const store_rectification *items,
                     size_t n, const char *source, int *already, err *e) {
    const char *doing = "recording rectification";
    char today[11];
    date_today(today);
    buf unknown;
    buf_init(&unknown);
    size_t n_unknown = 0;
    long recorded = 0;
    arena *notes = arena_new();
    const char **clean = xcalloc(n ? n : 1, sizeof *clean);   /* the notes as recorded */
    if (store_tx_begin(s, 1, doing, e) < 0) {
        arena_free(notes);
        free(clean);
        return -1;
    }
    /* Pass 1 checks every item before anything is written, so a clerk
     * who mistyped three IDs hears about all three at once, and a refused
     * lot leaves the history exactly as it was. */
    for (size_t i = 0; i < n; i++) {
        const store_rectification *it = &items[i];
        char id[64];
        if (norm_id(it->finding_id, id) < 0) {
            err_set(e, TB_EINPUT, source, 0, 0, "\"%s\" is not a finding ID like JC2026-007-003",
                    it->finding_id ? it->finding_id : "");
            goto fail;
        }
        const char *date = it->date ? it->date : today;
        if (check_report_date(date, today, id, source, e) < 0) goto fail;
        if (clean_note(it->note, id, source, notes, &clean[i], e) < 0) goto fail;
        sqlite3_stmt *st = store_stmt(s, Q_FINDING_OWNER, e);
        if (!st) goto fail;
        store_binder bd = {st, SQLITE_OK};
        store_bind_text(&bd, 1, id);
        int r = bd.rc == SQLITE_OK ? store_next_row(s, st, doing, e) : store_fail(s, bd.rc, doing, e);
        if (r == 0) {
            /* each unknown ID once, in the order given */
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++) {
                char other[64];
                seen = norm_id(items[k].finding_id, other) == 0 && strcmp(other, id) == 0;
            }
            if (!seen) buf_printf(&unknown, "%s%s", n_unknown++ ? ", " : "", id);
        } else if (r > 0 && series && !str_eq(series, store_col_text(st, 0))) {
            err_set(e, TB_EINPUT, source, 0, 0,
                    "finding %s belongs to series \"%s\", not \"%s\"; nothing was recorded",
                    id, store_col_text(st, 0) ? store_col_text(st, 0) : "?", series);
            r = -1;
        } else if (r > 0 && it->done && store_col_text(st, 1) && strncmp(date, store_col_text(st, 1), 10) < 0) {
            err_set(e, TB_EINPUT, source, 0, 0,
                    "finding %s cannot be rectified on %s, before the bulletin reporting it "
                    "(%s); check the date. Nothing was recorded", id, date, store_col_text(st, 1));
            r = -1;
        }
        store_stmt_done(st);
        if (r < 0) goto fail;
    }
    if (n_unknown) {
        err_set(e, TB_ENOTFOUND, source, 0, 0,
                "%s %s not in the history; check the %s (`tongbao findings` lists them). "
                "Nothing was recorded", n_unknown == 1 ? "finding" : "findings",
                buf_cstr(&unknown), n_unknown == 1 ? "ID" : "IDs");
        goto fail;
    }

    /* Pass 2: write.  The finding row holds the current state; the event
     * table keeps every report, so a reopened finding keeps its past. */
    for (size_t i = 0; i < n; i++) {
        const store_rectification *it = &items[i];
        char id[64];
        (void)norm_id(it->finding_id, id);   /* checked in pass 1 */
        const char *date = it->date ? it->date : today;
        const char *status = it->done ? "done" : "open";
        const char *note = clean[i];
        /* The same report again (a file run twice, an ID given twice):
         * recorded once, not as a second event. */
        int same = already_recorded(s, id, status, date, note, e);
        if (same < 0) goto fail;
        if (already) already[i] = same;
        if (same) continue;
        recorded++;
        sqlite3_stmt *st = store_stmt(s, Q_SET_STATUS, e);
        if (!st) goto fail;
        store_binder bd = {st, SQLITE_OK};
        store_bind_text(&bd, 1, id);
        store_bind_text(&bd, 2, status);
        store_bind_text(&bd, 3, it->done ? date : NULL);
        store_bind_text(&bd, 4, note);
        if (store_run(s, st, bd.rc, doing, e) < 0) goto fail;
        if (!(st = store_stmt(s, Q_INS_EVENT, e))) goto fail;
        bd = (store_binder){st, SQLITE_OK};
        store_bind_text(&bd, 1, id);
        store_bind_text(&bd, 2, status);
        store_bind_text(&bd, 3, date);
        store_bind_text(&bd, 4, note);
        store_bind_text(&bd, 5, source);
        if (store_run(s, st, bd.rc, doing, e) < 0) goto fail;
    }
    buf_free(&unknown);
    int c = store_tx_commit(s, doing, e);
    arena_free(notes);
    free(clean);
    return c < 0 ? -1 : recorded;
fail:
    buf_free(&unknown);
    arena_free(notes);
    free(clean);
    store_tx_rollback(s);
    return -1;
}

