/* store_int.h — what the store's files share, and nothing outside them:
 * the handle, the cached statements, the statement and transaction helpers
 * and the few look-ups more than one part needs.  Not for other modules:
 * they use store.h.
 *
 * The store is one module in five files, along its seams:
 *   store.c          schema and migrations, opening, errors, statements,
 *                    transactions, checkpoints
 *   store_issue.c    numbering, finding IDs and repeats, recording a
 *                    bulletin (store_issue, store_reserve, store_commit)
 *   store_archive.c  archive queries, restoring a model, verification
 *   store_findings.c finding lists and rectification
 *   store_stats.c    cumulative statistics: the summary kept as the history
 *                    changes, and the recount that fills and checks it
 *   store_escalate.c the letters of tongbao escalate and their escalations
 * Rules kept throughout:
 *   - every statement is prepared with constant SQL text and bound
 *     parameters; user data never becomes SQL;
 *   - every sqlite3 call's result is looked at; failures become one err
 *     (TB_EDB) saying what happened and what to do;
 *   - anything that writes runs in one BEGIN IMMEDIATE transaction, rolled
 *     back on any failure, so the file holds whole bulletins or nothing. */
#ifndef TB_STORE_INT_H
#define TB_STORE_INT_H

#include "store.h"

#include <sqlite3.h>

/* sqlite_schema (3.33), prepare_v3 (3.20), system_errno (3.16). */
#if SQLITE_VERSION_NUMBER < 3033000
#error "tongbao's store needs SQLite 3.33 or newer"
#endif

/* ---- cached statements (their SQL is in store.c) ------------------------- */
enum {
    Q_SERIES_BY_NAME, Q_SERIES_BY_CODE, Q_ISSUED, Q_MAX_ISSUE, Q_ISSUE_TAKEN,
    Q_REPEAT, Q_RECUR, Q_LAST_ISSUED, Q_INS_SERIES, Q_INS_BULLETIN, Q_INS_FILE, Q_INS_SCOPE,
    Q_INS_FINDING, Q_INS_CASE, Q_INS_FORM, Q_FORM_BYTES, Q_INS_OUTCOME, Q_FINDING_OWNER,
    Q_SET_STATUS, Q_FINDING_STATE, Q_INS_EVENT, Q_FILE, Q_FILE_PDF, Q_FINDING_IDS,
    Q_ST_OVERDUE, Q_ST_OVERDUE_UPTO, Q_ST_NOT_DUE_UPTO, Q_BST_SCOPE, Q_SUM_ROW, Q_SUM_NAMES, Q_SUM_SCOPE, Q_SUM_PEOPLE,
    Q_SUM_NAME_ADD, Q_SUM_SCOPE_ADD, Q_SUM_SCOPE_NEW,
    Q__COUNT
};

struct store {
    sqlite3 *db;
    char *path;
    int readonly;
    sqlite3_stmt *q[Q__COUNT];   /* prepared on first use, kept for the handle's life */
    int allow_backdated;         /* store_allow_backdated */
    int group;                   /* inside store_group_begin/end */
    int group_items;             /* items store_commit recorded in the group */
};

/* The SQL of migration k (user_version k → k+1), NULL past the last: for
 * the tests that build an older database. */
const char *store_migration(int k);

/* ---- errors (store.c) ----------------------------------------------------- */
/* Turn an SQLite failure into one message in the user's terms.  doing says
 * what tongbao was doing ("issuing", "reading the archive").  Returns -1. */
int store_fail(store *s, int rc, const char *doing, err *e);
int store_oom(store *s, err *e);

/* ---- statements (store.c) ------------------------------------------------- */
/* A cached statement, reset and with bindings cleared; NULL + e on failure. */
sqlite3_stmt *store_stmt(store *s, int which, err *e);

/* Done with a statement: make it reusable and release its read snapshot.
 * sqlite3_reset only repeats the last step's error, which the caller has
 * already handled; clear_bindings cannot fail. */
static inline void store_stmt_done(sqlite3_stmt *st) {
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

/* Binding with a sticky result code, so a run of binds needs one check. */
typedef struct {
    sqlite3_stmt *st;
    int rc;
} store_binder;

static inline void store_bind_text(store_binder *b, int i, const char *v) {
    if (b->rc != SQLITE_OK) return;
    b->rc = v ? sqlite3_bind_text(b->st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(b->st, i);
}
static inline void store_bind_int(store_binder *b, int i, long long v) {
    if (b->rc == SQLITE_OK) b->rc = sqlite3_bind_int64(b->st, i, v);
}
static inline void store_bind_blob(store_binder *b, int i, const void *p, size_t n) {
    if (b->rc != SQLITE_OK) return;
    /* A NULL pointer would bind SQL NULL; an empty blob must stay a blob. */
    b->rc = n ? sqlite3_bind_blob64(b->st, i, p, n, SQLITE_STATIC)
              : sqlite3_bind_zeroblob(b->st, i, 0);
}
/* Named parameter, bound only when the SQL text has it. */
static inline void store_bind_named_text(store_binder *b, const char *name, const char *v) {
    int i = sqlite3_bind_parameter_index(b->st, name);
    if (i > 0) store_bind_text(b, i, v);
}
static inline void store_bind_named_int(store_binder *b, const char *name, long long v) {
    int i = sqlite3_bind_parameter_index(b->st, name);
    if (i > 0) store_bind_int(b, i, v);
}

/* Run a statement that returns no rows: 0, or -1 (e filled). */
int store_run(store *s, sqlite3_stmt *st, int bind_rc, const char *doing, err *e);
/* Step a query: 1 = row, 0 = no more rows, -1 = error (e filled). */
int store_next_row(store *s, sqlite3_stmt *st, const char *doing, err *e);
static inline const char *store_col_text(sqlite3_stmt *st, int i) {
    return (const char *)sqlite3_column_text(st, i);
}
/* Copy a text column into an arena; *bad is set on OOM. */
const char *store_col_dup(arena *a, sqlite3_stmt *st, int i, int *bad);
/* Run constant SQL (PRAGMAs, BEGIN). */
int store_exec(store *s, const char *sql, const char *doing, err *e);
/* Read one integer from a constant query (PRAGMAs). */
int store_query_int(store *s, const char *sql, long long *out, err *e);

/* ---- transactions (store.c) ----------------------------------------------- */
int store_tx_begin(store *s, int immediate, const char *doing, err *e);
void store_tx_rollback(store *s);
int store_tx_commit(store *s, const char *doing, err *e);

/* ---- dates (store.c; the calendar is date.h's) ------------------------------- */
/* A 'today' parameter reduced to its date (NULL: today's), so a deadline
 * given as a date or a date-time is overdue from the next day on.  A
 * today that is not a date is an error (TB_EUSAGE), never replaced. */
int store_norm_today(store *s, const char *today, char out[11], err *e);

/* ---- look-ups (store_archive.c) ------------------------------------------- */
/* Is there a series with this name?  1 yes, 0 no (e filled, TB_ENOTFOUND), -1 error. */
int store_series_exists(store *s, const char *series, sqlite3_int64 *id, err *e);
/* store_find_bulletin that also gives the bulletin's row id. */
int store_find_bulletin_id(store *s, const char *series, int year, int issue_no, arena *a,
                           store_bulletin_info *info, sqlite3_int64 *bid, err *e);

/* ---- letters (store_escalate.c) ------------------------------------------------ */
/* store_verify's part for the letters of tongbao escalate: each PDF against
 * its SHA-256 and size, each letter's escalation rows against its count;
 * faults counted into *faults, letters into *n_letters.  0, or -1 + e. */
int store_verify_letters(store *s, store_fault_fn cb, void *ctx, long *faults, long *n_letters, err *e);

/* ---- the statistics summary (store_stats.c) ------------------------------- */
/* Recording bulletin bid of the series as (year, issue_no): add what the
 * triggers cannot (the scope counts per (what, unit), the people of its
 * cases by rank and kind) to the summary, inside the open transaction. */
int store_stats_note(store *s, const model_bulletin *b, sqlite3_int64 series_id, sqlite3_int64 bid,
                     int year, int issue_no, err *e);
/* Empty the summary and fill it again from the recorded history, inside
 * the open transaction (the migration that creates it, and
 * store_stats_rebuild). */
int store_stats_fill(store *s, err *e);

#endif
