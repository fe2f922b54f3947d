/* store.c — the history database (see store.h for the contract).
 *
 * Owns the SQLite schema and its forward migrations, the numbering and ID
 * rules, repeat detection, archive queries, verification, rectification
 * and statistics.  Rules kept throughout:
 *   - every statement is prepared with constant SQL text and bound
 *     parameters; user data never becomes SQL;
 *   - every sqlite3 call's result is looked at; failures become one err
 *     (TB_EDB) saying what happened and what to do;
 *   - anything that writes runs in one BEGIN IMMEDIATE transaction, rolled
 *     back on any failure, so the file holds whole bulletins or nothing. */
#define _POSIX_C_SOURCE 200809L
#include "store.h"
#include "sha256.h"

#include <sqlite3.h>

/* sqlite_schema (3.33), prepare_v3 (3.20), system_errno (3.16). */
#if SQLITE_VERSION_NUMBER < 3033000
#error "tongbao's store needs SQLite 3.33 or newer"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* "TBao" — PRAGMA application_id marks the file as ours, so `--db` pointed
 * at some other SQLite file is refused instead of being "migrated". */
#define TB_APP_ID 0x5442616f

/* ---- schema ---------------------------------------------------------------
 * migrations[k] takes the schema from user_version k to k+1.  Adding
 * version 2 means appending one entry (and bumping STORE_SCHEMA_VERSION);
 * entries are never edited once released, because databases in the field
 * have already run them. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "PRAGMA application_id = 1413636463;\n"   /* == TB_APP_ID */
    /* A series is one publication (江城市疫情防控督查通报).  code is the
     * prefix of its finding IDs; unique so IDs never collide across series. */
    "CREATE TABLE series(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  created_at TEXT NOT NULL\n"
    ");\n"
    /* One issued bulletin.  The two UNIQUE constraints are the safety net
     * behind the write lock: one input id issues once, one number is used
     * once.  The first also serves the idempotency look-up, the second
     * max(issue_no) per series and year. */
    "CREATE TABLE bulletin(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  series_id INTEGER NOT NULL REFERENCES series(id),\n"
    "  input_id TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL,\n"
    "  issue_no INTEGER NOT NULL CHECK (issue_no > 0),\n"
    "  date TEXT NOT NULL,\n"
    "  title TEXT, issuer TEXT, doc_number TEXT,\n"
    "  has_inspection INTEGER NOT NULL DEFAULT 0,\n"
    "  method TEXT, period_from TEXT, period_to TEXT,\n"
    "  rect_deadline TEXT, rect_report_to TEXT,\n"
    "  template TEXT, tool_version TEXT, source_name TEXT,\n"
    "  n_findings INTEGER NOT NULL,\n"
    "  n_repeats INTEGER NOT NULL DEFAULT 0,\n"
    "  n_cases INTEGER NOT NULL DEFAULT 0,\n"
    "  pages INTEGER NOT NULL,\n"
    "  pdf_size INTEGER NOT NULL, pdf_sha256 TEXT NOT NULL,\n"
    "  source_size INTEGER NOT NULL, source_sha256 TEXT NOT NULL,\n"
    "  issued_at TEXT NOT NULL,\n"
    "  UNIQUE (series_id, input_id),\n"
    "  UNIQUE (series_id, year, issue_no)\n"
    ");\n"
    /* The big bytes live in their own table: listing, numbering and the
     * statistics read only small bulletin rows and never page through PDFs. */
    "CREATE TABLE bulletin_file(\n"
    "  bulletin_id INTEGER PRIMARY KEY REFERENCES bulletin(id),\n"
    "  template_xml TEXT,\n"
    "  context TEXT,\n"
    "  source_xml BLOB NOT NULL,\n"
    "  pdf BLOB NOT NULL\n"
    ");\n"
    "CREATE TABLE scope_count(\n"
    "  bulletin_id INTEGER NOT NULL REFERENCES bulletin(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  what TEXT, unit TEXT, number TEXT,\n"
    "  PRIMARY KEY (bulletin_id, seq)\n"
    ") WITHOUT ROWID;\n"
    /* One finding; id is the printed, citable ID (JC2026-007-003).
     * series_id is copied from the bulletin so the per-series indexes below
     * need no join.  deadline is the effective one (the finding's own, else
     * the bulletin's rectification deadline) so "overdue" needs no re-parse. */
    "CREATE TABLE finding(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  bulletin_id INTEGER NOT NULL REFERENCES bulletin(id),\n"
    "  series_id INTEGER NOT NULL REFERENCES series(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  category_no INTEGER NOT NULL,\n"
    "  category TEXT,\n"
    "  district TEXT, street TEXT, community TEXT, site TEXT, unit TEXT,\n"
    "  norm_location TEXT NOT NULL,\n"
    "  text TEXT, observed TEXT, responsible TEXT,\n"
    "  deadline TEXT,\n"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),\n"
    "  done_date TEXT, note TEXT,\n"
    "  repeat_of TEXT REFERENCES finding(id),\n"
    "  repeat_count INTEGER NOT NULL DEFAULT 1,\n"
    "  repeat_note TEXT,\n"
    "  UNIQUE (bulletin_id, seq)\n"
    ");\n"
    /* A district's findings by status (and deadline, for overdue). */
    "CREATE INDEX finding_district ON finding(district, status, deadline);\n"
    /* Open findings are few next to the whole history, so these partial
     * indexes stay small: repeat look-up by location, and open/overdue
     * counts per series for the statistics. */
    "CREATE INDEX finding_open_loc ON finding(series_id, norm_location) WHERE status = 'open';\n"
    "CREATE INDEX finding_open_due ON finding(series_id, deadline) WHERE status = 'open';\n"
    "CREATE INDEX finding_repeat_of ON finding(repeat_of) WHERE repeat_of IS NOT NULL;\n"
    "CREATE TABLE rectification_event(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  finding_id TEXT NOT NULL REFERENCES finding(id),\n"
    "  status TEXT NOT NULL CHECK (status IN ('open', 'done')),\n"
    "  date TEXT NOT NULL,\n"
    "  note TEXT, source TEXT,\n"
    "  recorded_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX rectification_event_finding ON rectification_event(finding_id);\n"
    "CREATE TABLE case_(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  bulletin_id INTEGER NOT NULL REFERENCES bulletin(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  subject TEXT, problem TEXT, facts TEXT,\n"
    "  UNIQUE (bulletin_id, seq)\n"
    ");\n"
    "CREATE TABLE outcome(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  case_id INTEGER NOT NULL REFERENCES case_(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  date TEXT, person TEXT, rank TEXT, kind TEXT, text TEXT,\n"
    "  UNIQUE (case_id, seq)\n"
    ");\n",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* ---- cached statements ------------------------------------------------------ */
enum {
    Q_SERIES_BY_NAME, Q_SERIES_BY_CODE, Q_ISSUED, Q_MAX_ISSUE, Q_ISSUE_TAKEN,
    Q_REPEAT, Q_INS_SERIES, Q_INS_BULLETIN, Q_INS_FILE, Q_INS_SCOPE,
    Q_INS_FINDING, Q_INS_CASE, Q_INS_OUTCOME, Q_FINDING_OWNER,
    Q_SET_STATUS, Q_INS_EVENT, Q_FILE, Q_FILE_PDF, Q_FINDING_IDS,
    Q_ST_OVERDUE, Q_LATER_ISSUE, Q_BST_ROW, Q_BST_OPEN, Q_BST_CASES, Q_BST_SCOPE,
    Q__COUNT
};

static const char *const qsql[Q__COUNT] = {
    [Q_SERIES_BY_NAME] = "SELECT id, code FROM series WHERE name = ?1",
    [Q_SERIES_BY_CODE] = "SELECT id FROM series WHERE code = ?1",
    [Q_ISSUED] = "SELECT year, issue_no, source_sha256 FROM bulletin "
                 "WHERE series_id = ?1 AND input_id = ?2",
    [Q_MAX_ISSUE] = "SELECT max(issue_no) FROM bulletin WHERE series_id = ?1 AND year = ?2",
    [Q_ISSUE_TAKEN] = "SELECT input_id FROM bulletin "
                      "WHERE series_id = ?1 AND year = ?2 AND issue_no = ?3",
    /* The latest recorded open finding at this place in an earlier issue.
     * The status = 'open' term lets the planner use the partial index,
     * whose entries end in the rowid: walking it backwards from the newest
     * row finds the answer at once, where ordering by (year, issue, seq)
     * would sort every open finding at the place — quadratic over a batch
     * in which the same places stay open night after night.  Rows are
     * recorded in issue order (an issue="N" override back-filling an older
     * number is the only exception, and then "latest" means "recorded
     * last"). */
    [Q_REPEAT] = "SELECT f.id, f.repeat_count, b.year, b.issue_no "
                 "FROM finding f JOIN bulletin b ON b.id = f.bulletin_id "
                 "WHERE f.series_id = ?1 AND f.norm_location = ?2 AND f.status = 'open' "
                 "AND (b.year < ?3 OR (b.year = ?3 AND b.issue_no < ?4)) "
                 "ORDER BY f.rowid DESC LIMIT 1",
    [Q_INS_SERIES] = "INSERT INTO series(name, code, created_at) "
                     "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [Q_INS_BULLETIN] =
        "INSERT INTO bulletin(series_id, input_id, year, issue_no, date, title, issuer, "
        "doc_number, has_inspection, method, period_from, period_to, rect_deadline, "
        "rect_report_to, template, tool_version, source_name, n_findings, n_repeats, "
        "n_cases, pages, pdf_size, pdf_sha256, source_size, source_sha256, issued_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [Q_INS_FILE] = "INSERT INTO bulletin_file(bulletin_id, template_xml, context, source_xml, pdf) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_INS_SCOPE] = "INSERT INTO scope_count(bulletin_id, seq, what, unit, number) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_INS_FINDING] =
        "INSERT INTO finding(id, bulletin_id, series_id, seq, category_no, category, "
        "district, street, community, site, unit, norm_location, text, observed, "
        "responsible, deadline, repeat_of, repeat_count, repeat_note) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?17, ?18, ?19)",
    [Q_INS_CASE] = "INSERT INTO case_(bulletin_id, seq, subject, problem, facts) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_INS_OUTCOME] = "INSERT INTO outcome(case_id, seq, date, person, rank, kind, text) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_FINDING_OWNER] = "SELECT s.name, b.date FROM finding f "
                        "JOIN series s ON s.id = f.series_id "
                        "JOIN bulletin b ON b.id = f.bulletin_id WHERE f.id = ?1",
    [Q_SET_STATUS] = "UPDATE finding SET status = ?2, done_date = ?3, note = ?4 WHERE id = ?1",
    [Q_INS_EVENT] = "INSERT INTO rectification_event(finding_id, status, date, note, source, "
                    "recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [Q_FILE] = "SELECT source_xml, template_xml, context FROM bulletin_file WHERE bulletin_id = ?1",
    [Q_FILE_PDF] = "SELECT pdf FROM bulletin_file WHERE bulletin_id = ?1",
    [Q_FINDING_IDS] = "SELECT id, repeat_note, repeat_of FROM finding WHERE bulletin_id = ?1 ORDER BY seq",
    /* Statistics (store_series_stats and its memo, below).  Two counts
     * rather than one pass with sum(deadline < ?2): a bare count(*) walks
     * the partial index without evaluating anything per row, and the
     * overdue ones are a range of it. */
    [Q_ST_OVERDUE] = "SELECT count(*) FROM finding WHERE series_id = ?1 AND status = 'open' AND deadline < ?2",
    [Q_LATER_ISSUE] = "SELECT 1 FROM bulletin WHERE series_id = ?1 "
                      "AND (year > ?2 OR (year = ?2 AND issue_no > ?3)) LIMIT 1",
    /* One bulletin's share of each series-wide statistics query (same
     * expressions, restricted to bulletin ?1; for one bulletin the order by
     * year and issue is the order by seq). */
    [Q_BST_ROW] = "SELECT has_inspection, n_findings, n_repeats, n_cases FROM bulletin WHERE id = ?1",
    [Q_BST_OPEN] = "SELECT count(*) FROM finding WHERE bulletin_id = ?1 AND status = 'open'",
    [Q_BST_CASES] = "SELECT o.case_id, o.person, o.rank, o.kind FROM outcome o "
                    "JOIN case_ c ON c.id = o.case_id WHERE c.bulletin_id = ?1 ORDER BY c.seq, o.seq",
    [Q_BST_SCOPE] = "SELECT sc.what, sc.unit, sum(CAST(trim(sc.number) AS INTEGER)), "
                    "count(DISTINCT sc.bulletin_id), min(sc.seq) AS f "
                    "FROM scope_count sc JOIN bulletin b ON b.id = sc.bulletin_id "
                    "WHERE sc.bulletin_id = ?1 AND b.has_inspection GROUP BY sc.what, sc.unit ORDER BY f",
};

/* One series' statistics as store_reserve has them so far (see the memo
 * below store_series_stats). */
typedef struct {
    sqlite3_int64 series_id;
    arena *a;                    /* the names in st */
    store_stats st;              /* its open, overdue and done are not kept up: */
    long open_all;               /* open findings, overdue ones included */
    size_t cap_scope;
} stats_memo;

struct store {
    sqlite3 *db;
    char *path;
    int readonly;
    sqlite3_stmt *q[Q__COUNT];   /* prepared on first use, kept for the handle's life */
    int reserving;               /* inside store_reserve: the memo is live */
    stats_memo *memo;
    size_t n_memo, cap_memo;
};

const char *store_path(const store *s) { return s ? s->path : ""; }

/* ---- errors ------------------------------------------------------------------ */
/* Turn an SQLite failure into one message in the user's terms.  doing says
 * what tongbao was doing ("issuing", "reading the archive"). */
static int db_fail(store *s, int rc, const char *doing, err *e) {
    const char *detail = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    const char *path = s ? s->path : "";
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_set(e, TB_EDB, path, 0, 0,
                       "the history database is busy: another tongbao process has been "
                       "writing to it for more than %d s (while %s); run again when it "
                       "has finished", STORE_BUSY_MS / 1000, doing);
    case SQLITE_FULL:
        return err_set(e, TB_EDB, path, 0, 0,
                       "disk full while %s; nothing was recorded. Free space on the disk "
                       "that holds the database and run again", doing);
    case SQLITE_IOERR: {
        /* A failed write is usually a full disk (or quota, or file size
         * limit); say so in those words rather than "I/O error". */
        int en = s && s->db ? sqlite3_system_errno(s->db) : 0;
        if (en == ENOSPC || en == EFBIG
#ifdef EDQUOT
            || en == EDQUOT
#endif
        )
            return err_set(e, TB_EDB, path, 0, 0,
                           "disk full while %s (%s); nothing was recorded. Free space on "
                           "the disk that holds the database and run again", doing, strerror(en));
    }
        return err_set(e, TB_EDB, path, 0, 0,
                       "I/O error while %s (%s); nothing was recorded. Check the disk "
                       "(space, permissions, hardware) and run again", doing, detail);
    case SQLITE_READONLY:
        return err_set(e, TB_EDB, path, 0, 0,
                       "the history database cannot be written while %s (%s); check the "
                       "permissions of the file and of its directory (SQLite creates "
                       "-wal and -shm files next to it)", doing, detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return err_set(e, TB_EDB, path, 0, 0,
                       "the file is damaged or is not a database (%s, while %s); restore "
                       "it from a backup, or point --db / TONGBAO_DB at the right file",
                       detail, doing);
    case SQLITE_CANTOPEN:
        return err_set(e, TB_EDB, path, 0, 0,
                       "cannot open the history database (%s); check that the directory "
                       "exists and is writable", detail);
    case SQLITE_NOMEM:
        return err_set(e, TB_EINTERNAL, path, 0, 0, "out of memory while %s", doing);
    default:
        return err_set(e, TB_EDB, path, 0, 0,
                       "database error while %s: %s; nothing was recorded", doing, detail);
    }
}

static int oom(store *s, err *e) {
    return err_set(e, TB_EINTERNAL, s ? s->path : "", 0, 0, "out of memory");
}

/* ---- statement helpers ------------------------------------------------------ */
/* A cached statement, reset and with bindings cleared. */
static sqlite3_stmt *Q(store *s, int which, err *e) {
    if (!s->q[which]) {
        int rc = sqlite3_prepare_v3(s->db, qsql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->q[which], NULL);
        if (rc != SQLITE_OK) {
            db_fail(s, rc, "preparing a query", e);
            return NULL;
        }
    }
    return s->q[which];
}

/* Done with a statement: make it reusable and release its read snapshot.
 * sqlite3_reset only repeats the last step's error, which the caller has
 * already handled; clear_bindings cannot fail. */
static void Q_done(sqlite3_stmt *st) {
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

/* Binding with a sticky result code, so a run of binds needs one check. */
typedef struct {
    sqlite3_stmt *st;
    int rc;
} binder;

static void b_text(binder *b, int i, const char *v) {
    if (b->rc != SQLITE_OK) return;
    b->rc = v ? sqlite3_bind_text(b->st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(b->st, i);
}
static void b_int(binder *b, int i, long long v) {
    if (b->rc == SQLITE_OK) b->rc = sqlite3_bind_int64(b->st, i, v);
}
static void b_blob(binder *b, int i, const void *p, size_t n) {
    if (b->rc != SQLITE_OK) return;
    /* A NULL pointer would bind SQL NULL; an empty blob must stay a blob. */
    b->rc = n ? sqlite3_bind_blob64(b->st, i, p, n, SQLITE_STATIC)
              : sqlite3_bind_zeroblob(b->st, i, 0);
}
/* Named parameter, bound only when the SQL text has it. */
static void b_named_text(binder *b, const char *name, const char *v) {
    int i = sqlite3_bind_parameter_index(b->st, name);
    if (i > 0) b_text(b, i, v);
}
static void b_named_int(binder *b, const char *name, long long v) {
    int i = sqlite3_bind_parameter_index(b->st, name);
    if (i > 0) b_int(b, i, v);
}

/* Run a statement that returns no rows. */
static int run(store *s, sqlite3_stmt *st, int bind_rc, const char *doing, err *e) {
    int rc = bind_rc;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE || rc == SQLITE_ROW) rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) db_fail(s, rc, doing, e);
    Q_done(st);
    return rc == SQLITE_OK ? 0 : -1;
}

/* Step a query: 1 = row, 0 = no more rows, -1 = error (e filled). */
static int next_row(store *s, sqlite3_stmt *st, const char *doing, err *e) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    db_fail(s, rc, doing, e);
    return -1;
}

static const char *col_text(sqlite3_stmt *st, int i) {
    return (const char *)sqlite3_column_text(st, i);
}

/* Copy a text column into an arena; *bad is set on OOM. */
static const char *col_dup(arena *a, sqlite3_stmt *st, int i, int *bad) {
    const char *t = col_text(st, i);
    if (!t) return NULL;
    char *d = arena_strdup(a, t);
    if (!d) *bad = 1;
    return d;
}

static int exec_const(store *s, const char *sql, const char *doing, err *e) {
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : db_fail(s, rc, doing, e);
}

/* Read one integer from a constant query (PRAGMAs). */
static int query_int(store *s, const char *sql, long long *out, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return db_fail(s, rc, "opening the history database", e);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) db_fail(s, rc, "opening the history database", e);
    sqlite3_finalize(st);   /* returns the step's error again, handled above */
    return rc == SQLITE_OK ? 0 : -1;
}

/* ---- transactions ----------------------------------------------------------- */
static int tx_begin(store *s, int immediate, const char *doing, err *e) {
    if (!sqlite3_get_autocommit(s->db))
        return err_set(e, TB_EINTERNAL, s->path, 0, 0,
                       "internal: %s inside another transaction (a render or prepare "
                       "callback must not write to the store)", doing);
    /* IMMEDIATE takes the write lock now, before anything is read, so the
     * numbers read next cannot be taken by another process before commit;
     * the busy timeout makes it wait for a concurrent writer. */
    return exec_const(s, immediate ? "BEGIN IMMEDIATE" : "BEGIN", doing, e);
}

static void tx_rollback(store *s) {
    for (int i = 0; i < Q__COUNT; i++) Q_done(s->q[i]);
    /* After some errors (SQLITE_FULL, IOERR) SQLite has already rolled back
     * by itself; then there is nothing left to do.  A failing ROLLBACK is
     * not reported: the error that got us here is the one the user needs, and
     * an unfinished transaction is rolled back when the handle closes. */
    if (!sqlite3_get_autocommit(s->db)) (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int tx_commit(store *s, const char *doing, err *e) {
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return 0;
    db_fail(s, rc, doing, e);
    tx_rollback(s);
    return -1;
}

/* ---- opening ------------------------------------------------------------------ */
static int migrate(store *s, err *e) {
    if (tx_begin(s, 1, "upgrading the history database", e) < 0) return -1;
    long long v;
    /* Read the version again under the write lock: another process may have
     * migrated between our first look and now. */
    if (query_int(s, "PRAGMA user_version", &v, e) < 0) goto fail;
    if (v > N_MIGRATIONS) {
        err_set(e, TB_EDB, s->path, 0, 0,
                "this database was written by a newer tongbao (schema version %lld; this "
                "tongbao knows up to %d); upgrade tongbao. The file was left untouched",
                v, N_MIGRATIONS);
        goto fail;
    }
    for (int k = (int)v; k < N_MIGRATIONS; k++) {
        char what[64];
        snprintf(what, sizeof what, "upgrading the history database to version %d", k + 1);
        if (exec_const(s, migrations[k], what, e) < 0) goto fail;
    }
    /* PRAGMA takes no bound parameters; the number is our own constant. */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", N_MIGRATIONS);
    if (exec_const(s, sql, "upgrading the history database", e) < 0) goto fail;
    return tx_commit(s, "upgrading the history database", e);
fail:
    tx_rollback(s);
    return -1;
}

static store *open_impl(const char *path, int create, int readonly, err *e) {
    if (!path || !*path) {
        err_set(e, TB_EUSAGE, "", 0, 0, "no database path given");
        return NULL;
    }
    struct stat sb;
    if (!create && stat(path, &sb) != 0) {
        err_set(e, TB_ENOTFOUND, path, 0, 0,
                "no history database here (%s); issue a bulletin first, or point --db or "
                "TONGBAO_DB at the right file", strerror(errno));
        return NULL;
    }
    if (sqlite3_libversion_number() < 3033000) {
        err_set(e, TB_EINTERNAL, path, 0, 0,
                "the installed SQLite library is %s; tongbao needs 3.33 or newer",
                sqlite3_libversion());
        return NULL;
    }
    store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        err_set(e, TB_EINTERNAL, path, 0, 0, "out of memory");
        return NULL;
    }
    s->readonly = readonly;
    int flags = readonly ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        db_fail(s, rc, "opening the history database", e);
        goto fail;
    }
    if ((rc = sqlite3_extended_result_codes(s->db, 1)) != SQLITE_OK ||
        (rc = sqlite3_busy_timeout(s->db, STORE_BUSY_MS)) != SQLITE_OK) {
        db_fail(s, rc, "opening the history database", e);
        goto fail;
    }
    /* Defensive mode: even a crafted query cannot corrupt the file through
     * writable_schema and friends — the archive is evidence. */
    int on;
    if ((rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on)) != SQLITE_OK ||
        (rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &on)) != SQLITE_OK) {
        db_fail(s, rc, "opening the history database", e);
        goto fail;
    }

    /* Whose file is it?  The first read also catches "not a database".
     * The three reads share one read transaction: read one by one, another
     * process creating the same new file could commit its schema between
     * them, and (no id, version 0, tables present) would look like someone
     * else's file. */
    long long app, ver, nobj;
    if (exec_const(s, "BEGIN", "opening the history database", e) < 0) goto fail;
    if (query_int(s, "PRAGMA application_id", &app, e) < 0 ||
        query_int(s, "PRAGMA user_version", &ver, e) < 0 ||
        query_int(s, "SELECT count(*) FROM sqlite_schema", &nobj, e) < 0) {
        tx_rollback(s);
        goto fail;
    }
    tx_rollback(s);   /* read only: ending it either way is the same */
    if ((app != 0 && app != TB_APP_ID) || (app == 0 && ver == 0 && nobj > 0)) {
        err_set(e, TB_EDB, path, 0, 0,
                "this SQLite file is not a tongbao history database; point --db or "
                "TONGBAO_DB at the right file (the file was left untouched)");
        goto fail;
    }
    if (ver > N_MIGRATIONS) {
        err_set(e, TB_EDB, path, 0, 0,
                "this database was written by a newer tongbao (schema version %lld; this "
                "tongbao knows up to %d); upgrade tongbao. The file was left untouched",
                ver, N_MIGRATIONS);
        goto fail;
    }

    if (!readonly) {
        /* WAL: readers never block the writer and a commit is one append;
         * a killed process leaves the WAL to be rolled forward or ignored.
         * synchronous=FULL syncs the WAL at every commit.  NORMAL would be
         * crash-safe too, but after a power cut it may forget the last
         * commits, and a forgotten issue number would be handed out again
         * for a bulletin that is already on paper.  One fsync per issued
         * bulletin costs a few milliseconds — cheap for that guarantee. */
        sqlite3_stmt *st = NULL;
        rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        /* Leaving the rollback journal needs the file to itself for a
         * moment, and SQLite reports BUSY at once rather than calling the
         * busy handler; when several processes open a new database
         * together, wait for the others as a writer would. */
        for (int waited = 0; rc == SQLITE_OK; waited += 10) {
            rc = sqlite3_step(st);
            if ((rc & 0xff) != SQLITE_BUSY || waited >= STORE_BUSY_MS) break;
            sqlite3_reset(st);
            rc = SQLITE_OK;
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (rc == SQLITE_ROW) rc = SQLITE_OK;
        /* Whatever mode we got (a file system without shared memory keeps
         * the rollback journal) still gives atomic transactions, so only a
         * failure of the PRAGMA itself is an error. */
        if (rc != SQLITE_OK) db_fail(s, rc, "switching the history database to WAL", e);
        sqlite3_finalize(st);
        if (rc != SQLITE_OK) goto fail;
        if (exec_const(s, "PRAGMA synchronous = FULL", "opening the history database", e) < 0)
            goto fail;
    }
    if (exec_const(s, "PRAGMA foreign_keys = ON", "opening the history database", e) < 0)
        goto fail;
    long long fk;
    if (query_int(s, "PRAGMA foreign_keys", &fk, e) < 0) goto fail;
    if (fk != 1) {
        err_set(e, TB_EINTERNAL, path, 0, 0,
                "this SQLite library cannot enforce foreign keys; rebuild against a "
                "standard libsqlite3");
        goto fail;
    }

    if (ver < N_MIGRATIONS) {
        if (readonly) {
            err_set(e, TB_EDB, path, 0, 0,
                    "the history database has schema version %lld and needs an upgrade to "
                    "%d; run a writing command (e.g. tongbao issue) once", ver, N_MIGRATIONS);
            goto fail;
        }
        if (migrate(s, e) < 0) goto fail;
    }
    return s;
fail:
    store_close(s);
    return NULL;
}

store *store_open(const char *path, err *e) { return open_impl(path, 1, 0, e); }

store *store_open_existing(const char *path, int readonly, err *e) {
    return open_impl(path, 0, readonly, e);
}

void store_close(store *s) {
    if (!s) return;
    for (int i = 0; i < Q__COUNT; i++) sqlite3_finalize(s->q[i]);
    if (s->db) {
        if (!s->readonly && sqlite3_get_autocommit(s->db)) {
            /* Let SQLite refresh planner statistics where they would help,
             * bounded so closing stays fast on a large history.  Best
             * effort: a failure here changes nothing recorded. */
            (void)sqlite3_exec(s->db, "PRAGMA analysis_limit = 400; PRAGMA optimize;",
                               NULL, NULL, NULL);
        }
        /* sqlite3_close_v2 cannot fail for a valid handle once statements
         * are finalized; it also rolls back anything left open. */
        sqlite3_close_v2(s->db);
    }
    free(s->path);
    free(s);
}

/* ---- checkpoints (see store.h) ---------------------------------------------- */
int store_set_autocheckpoint(store *s, int on, err *e) {
    if (s->readonly) return 0;
    /* 1000 pages is SQLite's default; a PRAGMA takes no bound parameters. */
    return exec_const(s, on ? "PRAGMA wal_autocheckpoint = 1000" : "PRAGMA wal_autocheckpoint = 0",
                      "setting up the history database", e);
}

int store_checkpoint(store *s, err *e) {
    if (s->readonly) return 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    /* BUSY: another checkpoint is running — it does the same work. */
    if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) return 0;
    return db_fail(s, rc, "copying the write-ahead log into the history database", e);
}

/* ---- small text helpers ------------------------------------------------------ */
void store_today(char out[11]) {
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        snprintf(out, 11, "1970-01-01");
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* "YYYY-MM-DD" (optionally followed by "T…") → year, or 0. */
static int iso_year(const char *d) {
    if (!d || strlen(d) < 10) return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? d[i] != '-' : !is_digit(d[i])) return 0;
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    if (y < 1900 || m < 1 || m > 12 || day < 1 || day > 31) return 0;
    if (d[10] && d[10] != 'T') return 0;
    return y;
}

/* A 'today' parameter reduced to its date, so a deadline given as a date or
 * a date-time is overdue from the next day on. */
static void norm_today(const char *today, char out[11]) {
    if (today && iso_year(today)) {
        memcpy(out, today, 10);
        out[10] = 0;
    } else {
        store_today(out);
    }
}

static int is_space_cp(uint32_t c) {
    return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200b) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000 || c == 0xfeff;
}

/* Append s folded: full-width ASCII (U+FF01..FF5E) to ASCII, spaces dropped. */
static void fold_into(buf *b, const char *s) {
    if (!s) return;
    size_t len = strlen(s), i = 0, adv;
    while (i < len) {
        uint32_t c = utf8_decode(s + i, len - i, &adv);
        i += adv;
        if (is_space_cp(c)) continue;
        if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
        char tmp[4];
        buf_add(b, tmp, utf8_encode(c, tmp));
    }
}

char *store_norm_location(const model_finding *f) {
    const char *parts[] = {f->district, f->street, f->community, f->unit, f->site};
    buf b;
    buf_init(&b);
    size_t content = 0;
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        if (k) buf_add(&b, "\x1f", 1);   /* keeps 和平|社区 apart from 和|平社区 */
        size_t before = b.len;
        fold_into(&b, parts[k]);
        content += b.len - before;
    }
    if (b.oom) {
        buf_free(&b);
        return NULL;
    }
    if (!content) buf_reset(&b);     /* no location at all: never a repeat */
    char *r = b.data ? b.data : strdup("");
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
    int n_repeats;
} assignment;

/* Input-given code: ASCII letters and digits, starting with a letter,
 * upper-cased. */
static int clean_code(const char *in, char out[17]) {
    size_t n = strlen(in);
    if (n == 0 || n > 16) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (!((c >= 'A' && c <= 'Z') || (i > 0 && is_digit(c)))) return -1;
        out[i] = c;
    }
    out[n] = 0;
    return 0;
}

/* 1 = code belongs to some series, 0 = free, -1 = error. */
static int code_taken(store *s, const char *code, err *e) {
    sqlite3_stmt *st = Q(s, Q_SERIES_BY_CODE, e);
    if (!st) return -1;
    binder bd = {st, SQLITE_OK};
    b_text(&bd, 1, code);
    int r = bd.rc == SQLITE_OK ? next_row(s, st, "looking up a series code", e)
                               : db_fail(s, bd.rc, "looking up a series code", e);
    Q_done(st);
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

    /* The series, and whether this input was issued before. */
    sqlite3_stmt *st = Q(s, Q_SERIES_BY_NAME, e);
    if (!st) return -1;
    binder bd = {st, SQLITE_OK};
    b_text(&bd, 1, b->series);
    if (bd.rc != SQLITE_OK) {
        Q_done(st);
        return db_fail(s, bd.rc, "looking up the series", e);
    }
    int r = next_row(s, st, "looking up the series", e);
    if (r < 0) {
        Q_done(st);
        return -1;
    }
    char stored_code[17] = "";
    if (r) {
        a->series_id = sqlite3_column_int64(st, 0);
        snprintf(stored_code, sizeof stored_code, "%s", col_text(st, 1) ? col_text(st, 1) : "");
    }
    Q_done(st);

    if (a->series_id) {
        if (!(st = Q(s, Q_ISSUED, e))) return -1;
        bd = (binder){st, SQLITE_OK};
        b_int(&bd, 1, a->series_id);
        b_text(&bd, 2, b->id);
        r = bd.rc == SQLITE_OK ? next_row(s, st, "checking whether the bulletin was issued", e)
                               : db_fail(s, bd.rc, "checking whether the bulletin was issued", e);
        if (r > 0) {
            res->already_issued = 1;
            res->year = sqlite3_column_int(st, 0);
            res->issue_no = sqlite3_column_int(st, 1);
            const char *sha = col_text(st, 2);
            res->source_differs = src_sha && sha && strcmp(src_sha, sha) != 0;
            snprintf(res->code, sizeof res->code, "%s", stored_code);
        }
        Q_done(st);
        if (r != 0) return r;   /* 1 = already issued, -1 = error */
    }

    /* The series code. */
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

    /* Year and number. */
    a->year = iso_year(b->date);
    if (!a->year)
        return err_set(e, TB_EINPUT, file, 0, 0,
                       "header <date> \"%s\" is not a date like 2026-11-21; issue numbers "
                       "are counted per calendar year of this date", b->date ? b->date : "");
    if (b->issue_override > 0) {
        a->issue_no = b->issue_override;
        if (a->series_id) {
            if (!(st = Q(s, Q_ISSUE_TAKEN, e))) return -1;
            bd = (binder){st, SQLITE_OK};
            b_int(&bd, 1, a->series_id);
            b_int(&bd, 2, a->year);
            b_int(&bd, 3, a->issue_no);
            r = bd.rc == SQLITE_OK ? next_row(s, st, "checking the issue number", e)
                                   : db_fail(s, bd.rc, "checking the issue number", e);
            if (r > 0)
                err_set(e, TB_EINPUT, file, 0, 0,
                        "第%d期 of %d in series \"%s\" is already taken by bulletin \"%s\"; "
                        "remove the issue= override to get the next free number, or "
                        "choose a free one", a->issue_no, a->year, b->series,
                        col_text(st, 0) ? col_text(st, 0) : "?");
            Q_done(st);
            if (r != 0) return -1;
        }
    } else if (a->series_id) {
        if (!(st = Q(s, Q_MAX_ISSUE, e))) return -1;
        bd = (binder){st, SQLITE_OK};
        b_int(&bd, 1, a->series_id);
        b_int(&bd, 2, a->year);
        r = bd.rc == SQLITE_OK ? next_row(s, st, "finding the next issue number", e)
                               : db_fail(s, bd.rc, "finding the next issue number", e);
        if (r > 0) a->issue_no = sqlite3_column_int(st, 0) + 1;   /* max() of none is NULL → 0 */
        Q_done(st);
        if (r < 0) return -1;
    } else {
        a->issue_no = 1;
    }

    /* Finding IDs and repeats, in input order across categories. */
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
        if (!a->ids || !a->norms || !a->repeat_of || !a->notes || !a->repeat_count)
            return oom(s, e);
    }
    size_t k = 0;
    for (size_t c = 0; c < b->n_categories; c++) {
        for (size_t j = 0; j < b->categories[c].n_findings; j++, k++) {
            const model_finding *f = &b->categories[c].findings[j];
            a->ids[k] = arena_printf(ar, "%s%04d-%03d-%03zu", a->code, a->year, a->issue_no, k + 1);
            char *norm = store_norm_location(f);
            a->norms[k] = norm ? arena_strdup(ar, norm) : NULL;
            free(norm);
            if (!a->ids[k] || !a->norms[k]) return oom(s, e);
            a->repeat_count[k] = 1;
            if (!a->series_id || !a->norms[k][0]) continue;
            if (!(st = Q(s, Q_REPEAT, e))) return -1;
            bd = (binder){st, SQLITE_OK};
            b_int(&bd, 1, a->series_id);
            b_text(&bd, 2, a->norms[k]);
            b_int(&bd, 3, a->year);
            b_int(&bd, 4, a->issue_no);
            r = bd.rc == SQLITE_OK ? next_row(s, st, "looking for repeated findings", e)
                                   : db_fail(s, bd.rc, "looking for repeated findings", e);
            if (r > 0) {
                int prev_year = sqlite3_column_int(st, 2), prev_no = sqlite3_column_int(st, 3);
                a->repeat_of[k] = arena_strdup(ar, col_text(st, 0));
                a->repeat_count[k] = sqlite3_column_int(st, 1) + 1;
                /* The earlier issue's year is named only when it differs. */
                a->notes[k] = prev_year == a->year
                    ? arena_printf(ar, "该问题第%d次通报，前次见第%d期", a->repeat_count[k], prev_no)
                    : arena_printf(ar, "该问题第%d次通报，前次见%d年第%d期", a->repeat_count[k],
                                   prev_year, prev_no);
                a->n_repeats++;
                if (!a->repeat_of[k] || !a->notes[k]) r = -2;
            }
            Q_done(st);
            if (r == -2) return oom(s, e);
            if (r < 0) return -1;
        }
    }
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

/* Insert everything about b (assigned as a) inside the open transaction. */
static int record(store *s, const model_bulletin *b, const assignment *a,
                  const store_source *src, const store_rendered *r,
                  const char *src_sha, const char *pdf_sha, sqlite3_int64 *bid_out, err *e) {
    const char *doing = "recording the bulletin";
    sqlite3_int64 series_id = a->series_id;
    sqlite3_stmt *st;
    binder bd;
    if (!series_id) {
        if (!(st = Q(s, Q_INS_SERIES, e))) return -1;
        bd = (binder){st, SQLITE_OK};
        b_text(&bd, 1, b->series);
        b_text(&bd, 2, a->code);
        if (run(s, st, bd.rc, doing, e) < 0) return -1;
        series_id = sqlite3_last_insert_rowid(s->db);
    }

    size_t n_cases = b->has_cases ? b->n_cases : 0;
    if (!(st = Q(s, Q_INS_BULLETIN, e))) return -1;
    bd = (binder){st, SQLITE_OK};
    b_int(&bd, 1, series_id);
    b_text(&bd, 2, b->id);
    b_int(&bd, 3, a->year);
    b_int(&bd, 4, a->issue_no);
    b_text(&bd, 5, b->date);
    b_text(&bd, 6, b->title);
    b_text(&bd, 7, b->issuer);
    b_text(&bd, 8, b->doc_number);
    b_int(&bd, 9, b->has_inspection ? 1 : 0);
    b_text(&bd, 10, b->has_inspection ? b->method : NULL);
    b_text(&bd, 11, b->has_inspection ? b->period_from : NULL);
    b_text(&bd, 12, b->has_inspection ? b->period_to : NULL);
    b_text(&bd, 13, b->has_rectification ? b->rect_deadline : NULL);
    b_text(&bd, 14, b->has_rectification ? b->rect_report_to : NULL);
    b_text(&bd, 15, src && src->template_name ? src->template_name : b->template_name);
    b_text(&bd, 16, src ? src->tool_version : NULL);
    b_text(&bd, 17, src ? src->source_name : b->source);
    b_int(&bd, 18, (long long)a->n);
    b_int(&bd, 19, a->n_repeats);
    b_int(&bd, 20, (long long)n_cases);
    b_int(&bd, 21, r ? r->pages : 0);
    b_int(&bd, 22, r ? (long long)r->pdf.len : 0);
    b_text(&bd, 23, pdf_sha);
    b_int(&bd, 24, src ? (long long)src->xml_len : 0);
    b_text(&bd, 25, src_sha);
    if (run(s, st, bd.rc, doing, e) < 0) return -1;
    sqlite3_int64 bid = sqlite3_last_insert_rowid(s->db);
    if (bid_out) *bid_out = bid;

    if (!(st = Q(s, Q_INS_FILE, e))) return -1;
    bd = (binder){st, SQLITE_OK};
    b_int(&bd, 1, bid);
    b_text(&bd, 2, src ? src->template_xml : NULL);
    b_text(&bd, 3, r && r->context.len ? r->context.data : NULL);
    b_blob(&bd, 4, src ? src->xml : NULL, src ? src->xml_len : 0);
    b_blob(&bd, 5, r ? r->pdf.data : NULL, r ? r->pdf.len : 0);
    if (run(s, st, bd.rc, doing, e) < 0) return -1;

    if (b->has_inspection) {
        for (size_t i = 0; i < b->n_counts; i++) {
            if (!(st = Q(s, Q_INS_SCOPE, e))) return -1;
            bd = (binder){st, SQLITE_OK};
            b_int(&bd, 1, bid);
            b_int(&bd, 2, (long long)i + 1);
            b_text(&bd, 3, b->counts[i].what);
            b_text(&bd, 4, b->counts[i].unit);
            b_text(&bd, 5, b->counts[i].number);
            if (run(s, st, bd.rc, doing, e) < 0) return -1;
        }
    }

    const char *rect_deadline = b->has_rectification ? nz(b->rect_deadline) : NULL;
    size_t k = 0;
    for (size_t c = 0; c < b->n_categories; c++) {
        const model_category *cat = &b->categories[c];
        for (size_t j = 0; j < cat->n_findings; j++, k++) {
            const model_finding *f = &cat->findings[j];
            if (!(st = Q(s, Q_INS_FINDING, e))) return -1;
            bd = (binder){st, SQLITE_OK};
            b_text(&bd, 1, a->ids[k]);
            b_int(&bd, 2, bid);
            b_int(&bd, 3, series_id);
            b_int(&bd, 4, (long long)k + 1);
            b_int(&bd, 5, (long long)c + 1);
            b_text(&bd, 6, cat->title);
            b_text(&bd, 7, f->district);
            b_text(&bd, 8, f->street);
            b_text(&bd, 9, f->community);
            b_text(&bd, 10, f->site);
            b_text(&bd, 11, f->unit);
            b_text(&bd, 12, a->norms[k]);
            b_text(&bd, 13, f->text);
            b_text(&bd, 14, f->observed);
            b_text(&bd, 15, f->responsible);
            b_text(&bd, 16, nz(f->deadline) ? f->deadline : rect_deadline);
            b_text(&bd, 17, a->repeat_of[k]);
            b_int(&bd, 18, a->repeat_count[k]);
            b_text(&bd, 19, a->notes[k]);
            if (run(s, st, bd.rc, doing, e) < 0) return -1;
        }
    }

    for (size_t i = 0; i < n_cases; i++) {
        const model_case *cs = &b->cases[i];
        if (!(st = Q(s, Q_INS_CASE, e))) return -1;
        bd = (binder){st, SQLITE_OK};
        b_int(&bd, 1, bid);
        b_int(&bd, 2, (long long)i + 1);
        b_text(&bd, 3, cs->subject);
        b_text(&bd, 4, cs->problem);
        b_text(&bd, 5, cs->facts);
        if (run(s, st, bd.rc, doing, e) < 0) return -1;
        sqlite3_int64 cid = sqlite3_last_insert_rowid(s->db);
        for (size_t o = 0; o < cs->n_outcomes; o++) {
            const model_outcome *oc = &cs->outcomes[o];
            if (!(st = Q(s, Q_INS_OUTCOME, e))) return -1;
            bd = (binder){st, SQLITE_OK};
            b_int(&bd, 1, cid);
            b_int(&bd, 2, (long long)o + 1);
            b_text(&bd, 3, oc->date);
            b_text(&bd, 4, oc->person);
            b_text(&bd, 5, oc->rank);
            b_text(&bd, 6, oc->kind);
            b_text(&bd, 7, oc->text);
            if (run(s, st, bd.rc, doing, e) < 0) return -1;
        }
    }
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
    buf_init(&r->context);
}

void store_rendered_free(store_rendered *r) {
    buf_free(&r->pdf);
    buf_free(&r->context);
    r->pdf_sha256[0] = 0;
    r->pdf_hashed_len = 0;
}

void store_rendered_hash(store_rendered *r) {
    sha256_hex(r->pdf.data, r->pdf.len, r->pdf_sha256);
    r->pdf_hashed_len = r->pdf.len;
}

/* The PDF's hash: the one store_rendered_hash took if it still covers the
 * bytes (same length), else computed now. */
static void rendered_sha(const store_rendered *r, char hex[65]) {
    if (r->pdf_sha256[0] && r->pdf_hashed_len == r->pdf.len) memcpy(hex, r->pdf_sha256, 65);
    else sha256_hex(r->pdf.data, r->pdf.len, hex);
}

static int check_rendered(store *s, const model_bulletin *b, const store_rendered *r, err *e) {
    if (r->pdf.oom || r->context.oom) return oom(s, e);
    if (r->pdf.len == 0)
        return err_set(e, TB_EINTERNAL, b->source ? b->source : "", 0, 0,
                       "internal: rendering produced no PDF bytes; nothing was recorded");
    return 0;
}

/* ---- issuing ------------------------------------------------------------------- */
int store_issue(store *s, model_bulletin *b, const store_source *src,
                const store_hooks *hooks, store_result *res, err *e) {
    memset(res, 0, sizeof *res);
    if (!hooks || !hooks->render || !src)
        return err_set(e, TB_EINTERNAL, "", 0, 0, "internal: store_issue needs a source and a render hook");
    char src_sha[65], pdf_sha[65];
    sha256_hex(src->xml, src->xml_len, src_sha);
    store_rendered out;
    store_rendered_init(&out);

    if (tx_begin(s, 1, "issuing the bulletin", e) < 0) return -1;
    assignment a;
    int r = assign(s, b, src_sha, &a, res, e);
    if (r != 0) {
        tx_rollback(s);
        return r;
    }
    model_set(b, &a);
    if (hooks->render(hooks->ctx, b, &out, e) < 0) {
        err_set(e, TB_EINTERNAL, b->source, 0, 0, "rendering failed; nothing was recorded");
        goto fail;
    }
    if (check_rendered(s, b, &out, e) < 0) goto fail;
    rendered_sha(&out, pdf_sha);
    if (hooks->before_commit && hooks->before_commit(hooks->ctx, b, &out, e) < 0) {
        err_set(e, TB_EOUTPUT, b->source, 0, 0, "writing the output failed; nothing was recorded");
        goto fail;
    }
    if (record(s, b, &a, src, &out, src_sha, pdf_sha, NULL, e) < 0) goto fail;
    if (tx_commit(s, "issuing the bulletin", e) < 0) goto fail;
    fill_result(res, &a, &out, pdf_sha);
    store_rendered_free(&out);
    return 0;
fail:
    tx_rollback(s);
    model_clear(b);
    store_rendered_free(&out);
    return -1;
}

static int memo_note(store *s, sqlite3_int64 series_id, sqlite3_int64 bid, int year, int issue_no, err *e);
static void memo_free(store *s);

int store_reserve(store *s, model_bulletin *const *bs, size_t n,
                  store_prepare_fn prepare, void *ctx, store_result *res, err *e) {
    for (size_t i = 0; i < n; i++) memset(&res[i], 0, sizeof res[i]);
    /* The look runs under the write lock and records each item
     * provisionally, so item i sees items < i exactly as store_commit will
     * see them once they are committed (numbers, duplicate ids, repeats).
     * Everything is rolled back at the end.  Meanwhile the statistics memo
     * follows the provisional records (see store_series_stats). */
    if (tx_begin(s, 1, "reserving issue numbers", e) < 0) return -1;
    s->reserving = 1;
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
        sqlite3_int64 bid;
        if (record(s, b, &a, NULL, NULL, "", "", &bid, e) < 0 ||
            memo_note(s, a.series_id, bid, a.year, a.issue_no, e) < 0)
            goto fail;
        fill_result(&res[i], &a, NULL, NULL);
    }
    memo_free(s);
    tx_rollback(s);
    return 0;
fail:
    memo_free(s);
    tx_rollback(s);
    for (size_t i = 0; i < n; i++)
        if (!res[i].already_issued && !res[i].error.code) model_clear(bs[i]);
    return -1;
}

int store_commit(store *s, model_bulletin *b, const store_source *src,
                 const store_rendered *r, store_result *res, err *e) {
    memset(res, 0, sizeof *res);
    if (!src || !r) return err_set(e, TB_EINTERNAL, "", 0, 0, "internal: store_commit needs a source and a rendering");
    if (check_rendered(s, b, r, e) < 0) return -1;
    char src_sha[65], pdf_sha[65];
    sha256_hex(src->xml, src->xml_len, src_sha);
    rendered_sha(r, pdf_sha);
    if (tx_begin(s, 1, "recording the bulletin", e) < 0) return -1;
    assignment a;
    int rc = assign(s, b, src_sha, &a, res, e);
    if (rc != 0) {
        tx_rollback(s);
        return rc;
    }
    if (!model_matches(b, &a)) {
        /* The history moved since store_reserve: what was rendered would
         * not match what would be recorded. */
        tx_rollback(s);
        res->stale = 1;
        res->year = b->year;
        res->issue_no = b->issue_no;
        return 1;
    }
    if (record(s, b, &a, src, r, src_sha, pdf_sha, NULL, e) < 0 ||
        tx_commit(s, "recording the bulletin", e) < 0) {
        tx_rollback(s);
        return -1;
    }
    fill_result(res, &a, r, pdf_sha);
    return 0;
}

/* ---- archive queries ------------------------------------------------------------ */
#define INFO_COLS                                                                      \
    "s.name, s.code, b.input_id, b.source_name, b.year, b.issue_no, b.date, b.title, " \
    "b.issuer, b.doc_number, b.template, b.tool_version, b.issued_at, b.n_findings, "  \
    "b.n_cases, b.pages, b.pdf_size, b.pdf_sha256, b.source_sha256, b.id "             \
    "FROM bulletin b JOIN series s ON s.id = b.series_id "
#define INFO_NCOLS 20

/* Fill info from the INFO_COLS columns; strings copied into a if a != NULL
 * (else they point into the statement, valid until the next step). */
static int read_info(sqlite3_stmt *st, arena *a, store_bulletin_info *in, sqlite3_int64 *bid) {
    int bad = 0;
    const char **strs[] = {&in->series, &in->code, &in->input_id, &in->source_name};
    memset(in, 0, sizeof *in);
    for (int i = 0; i < 4; i++) *strs[i] = a ? col_dup(a, st, i, &bad) : col_text(st, i);
    in->year = sqlite3_column_int(st, 4);
    in->issue_no = sqlite3_column_int(st, 5);
    const char **strs2[] = {&in->date, &in->title, &in->issuer, &in->doc_number,
                            &in->template_name, &in->tool_version, &in->issued_at};
    for (int i = 0; i < 7; i++) *strs2[i] = a ? col_dup(a, st, 6 + i, &bad) : col_text(st, 6 + i);
    in->n_findings = sqlite3_column_int(st, 13);
    in->n_cases = sqlite3_column_int(st, 14);
    in->pages = sqlite3_column_int(st, 15);
    in->pdf_size = sqlite3_column_int64(st, 16);
    in->pdf_sha256 = a ? col_dup(a, st, 17, &bad) : col_text(st, 17);
    in->source_sha256 = a ? col_dup(a, st, 18, &bad) : col_text(st, 18);
    if (bid) *bid = sqlite3_column_int64(st, 19);
    return bad ? -1 : 0;
}

/* Is there a series with this name?  1 yes, 0 no (e filled, TB_ENOTFOUND), -1 error. */
static int series_exists(store *s, const char *series, sqlite3_int64 *id, err *e) {
    sqlite3_stmt *st = Q(s, Q_SERIES_BY_NAME, e);
    if (!st) return -1;
    binder bd = {st, SQLITE_OK};
    b_text(&bd, 1, series);
    int r = bd.rc == SQLITE_OK ? next_row(s, st, "looking up the series", e)
                               : db_fail(s, bd.rc, "looking up the series", e);
    if (r > 0 && id) *id = sqlite3_column_int64(st, 0);
    Q_done(st);
    if (r == 0)
        err_set(e, TB_ENOTFOUND, s->path, 0, 0,
                "no series named \"%s\" in the history; `tongbao archive list` shows the "
                "series and their issues", series);
    return r;
}

long store_list_bulletins(store *s, const char *series, store_bulletin_fn cb, void *ctx, err *e) {
    if (series && series_exists(s, series, NULL, e) <= 0) return -1;
    static const char all[] = "SELECT " INFO_COLS "ORDER BY s.name, b.year, b.issue_no";
    static const char one[] = "SELECT " INFO_COLS "WHERE s.name = ?1 ORDER BY b.year, b.issue_no";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, series ? one : all, -1, &st, NULL);
    if (rc != SQLITE_OK) return db_fail(s, rc, "listing the archive", e);
    binder bd = {st, SQLITE_OK};
    if (series) b_text(&bd, 1, series);
    long n = 0;
    int r = bd.rc == SQLITE_OK ? 1 : db_fail(s, bd.rc, "listing the archive", e);
    while (r > 0 && (r = next_row(s, st, "listing the archive", e)) > 0) {
        store_bulletin_info in;
        read_info(st, NULL, &in, NULL);
        n++;
        if (cb && cb(ctx, &in)) break;
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : n;
}

static int find_bulletin(store *s, const char *series, int year, int issue_no, arena *a,
                         store_bulletin_info *info, sqlite3_int64 *bid, err *e) {
    if (!series || issue_no <= 0)
        return err_set(e, TB_EUSAGE, "", 0, 0, "name a series and an issue number (--series S --issue N)");
    static const char by_year[] = "SELECT " INFO_COLS
        "WHERE s.name = ?1 AND b.year = ?2 AND b.issue_no = ?3";
    static const char latest[] = "SELECT " INFO_COLS
        "WHERE s.name = ?1 AND b.issue_no = ?3 ORDER BY b.year DESC LIMIT 1";
    if (series_exists(s, series, NULL, e) <= 0) return -1;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, year ? by_year : latest, -1, &st, NULL);
    if (rc != SQLITE_OK) return db_fail(s, rc, "looking up the bulletin", e);
    binder bd = {st, SQLITE_OK};
    b_text(&bd, 1, series);
    if (year) b_int(&bd, 2, year);
    b_int(&bd, 3, issue_no);
    int r = bd.rc == SQLITE_OK ? next_row(s, st, "looking up the bulletin", e)
                               : db_fail(s, bd.rc, "looking up the bulletin", e);
    if (r > 0 && read_info(st, a, info, bid) < 0) r = oom(s, e);
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
    if (rc != SQLITE_OK) return db_fail(s, rc, "looking up the previous bulletin", e);
    binder bd = {st, SQLITE_OK};
    b_text(&bd, 1, series);
    b_int(&bd, 2, year);
    b_int(&bd, 3, issue_no);
    int r = bd.rc == SQLITE_OK ? next_row(s, st, "looking up the previous bulletin", e)
                               : db_fail(s, bd.rc, "looking up the previous bulletin", e);
    if (r > 0 && read_info(st, a, info, NULL) < 0) r = oom(s, e);
    sqlite3_finalize(st);
    return r < 0 ? -1 : r > 0 ? 0 : 1;
}

int store_find_bulletin(store *s, const char *series, int year, int issue_no,
                        arena *a, store_bulletin_info *info, err *e) {
    sqlite3_int64 bid;
    return find_bulletin(s, series, year, issue_no, a, info, &bid, e);
}

int store_get_pdf(store *s, const char *series, int year, int issue_no,
                  buf *pdf, arena *a, store_bulletin_info *info, err *e) {
    store_bulletin_info tmp;
    sqlite3_int64 bid;
    arena *own = NULL;
    if (!info || !a) {
        /* The caller wants bytes only; the row still needs somewhere to live. */
        if (!(own = arena_new())) return oom(s, e);
        a = own;
        info = &tmp;
    }
    int r = -1;
    if (find_bulletin(s, series, year, issue_no, a, info, &bid, e) < 0) goto out;
    sqlite3_stmt *st = Q(s, Q_FILE_PDF, e);
    if (!st) goto out;
    binder bd = {st, SQLITE_OK};
    b_int(&bd, 1, bid);
    int k = bd.rc == SQLITE_OK ? next_row(s, st, "reading the archived PDF", e)
                               : db_fail(s, bd.rc, "reading the archived PDF", e);
    if (k > 0) {
        const void *p = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        if (len > 0 && !p) {
            k = oom(s, e);
        } else {
            buf_add(pdf, p, (size_t)len);
            if (pdf->oom) k = oom(s, e);
        }
    } else if (k == 0) {
        err_set(e, TB_EVERIFY, s->path, 0, 0,
                "the archive has no PDF bytes for this bulletin; run `tongbao archive verify`");
        k = -1;
    }
    Q_done(st);
    r = k > 0 ? 0 : -1;
out:
    arena_free(own);
    return r;
}

int store_get_archived(store *s, const char *series, int year, int issue_no,
                       arena *a, store_archived *out, err *e) {
    memset(out, 0, sizeof *out);
    sqlite3_int64 bid;
    if (find_bulletin(s, series, year, issue_no, a, &out->info, &bid, e) < 0) return -1;
    int bad = 0;
    sqlite3_stmt *st = Q(s, Q_FILE, e);
    if (!st) return -1;
    binder bd = {st, SQLITE_OK};
    b_int(&bd, 1, bid);
    int r = bd.rc == SQLITE_OK ? next_row(s, st, "reading the archived source", e)
                               : db_fail(s, bd.rc, "reading the archived source", e);
    if (r > 0) {
        const void *p = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        unsigned char *copy = arena_alloc(a, (size_t)len + 1);   /* NUL-terminated for parsers */
        if (!copy || (len > 0 && !p)) {
            bad = 1;
        } else {
            if (len) memcpy(copy, p, (size_t)len);
            out->source = copy;
            out->source_len = (size_t)len;
        }
        out->template_xml = col_dup(a, st, 1, &bad);
        out->context = col_dup(a, st, 2, &bad);
    } else if (r == 0) {
        err_set(e, TB_EVERIFY, s->path, 0, 0,
                "the archive has no source for this bulletin; run `tongbao archive verify`");
        r = -1;
    }
    Q_done(st);
    if (r < 0) return -1;
    if (bad) return oom(s, e);

    size_t n = (size_t)(out->info.n_findings > 0 ? out->info.n_findings : 0);
    out->finding_ids = arena_alloc(a, (n + 1) * sizeof *out->finding_ids);
    out->repeat_notes = arena_alloc(a, (n + 1) * sizeof *out->repeat_notes);
    out->repeat_ofs = arena_alloc(a, (n + 1) * sizeof *out->repeat_ofs);
    if (!out->finding_ids || !out->repeat_notes || !out->repeat_ofs) return oom(s, e);
    if (!(st = Q(s, Q_FINDING_IDS, e))) return -1;
    bd = (binder){st, SQLITE_OK};
    b_int(&bd, 1, bid);
    r = bd.rc == SQLITE_OK ? 1 : db_fail(s, bd.rc, "reading the archived findings", e);
    size_t k = 0;
    while (r > 0 && (r = next_row(s, st, "reading the archived findings", e)) > 0) {
        if (k == n) {   /* more rows than the bulletin says: a damaged archive */
            err_set(e, TB_EVERIFY, s->path, 0, 0,
                    "the archive holds more findings than recorded for this bulletin; run "
                    "`tongbao archive verify`");
            r = -1;
            break;
        }
        out->finding_ids[k] = col_dup(a, st, 0, &bad);
        out->repeat_notes[k] = col_dup(a, st, 1, &bad);
        out->repeat_ofs[k] = col_dup(a, st, 2, &bad);
        k++;
    }
    Q_done(st);
    if (r < 0) return -1;
    if (bad) return oom(s, e);
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
    if (rc != SQLITE_OK) return db_fail(s, rc, "checking the database", e);
    int r;
    while ((r = next_row(s, st, "checking the database", e)) > 0) {
        if (is_fk) {
            /* table, rowid, parent table, constraint index */
            fault(cb, ctx, faults, "foreign key: row %lld of table %s points to a missing "
                  "row of %s", (long long)sqlite3_column_int64(st, 1),
                  col_text(st, 0) ? col_text(st, 0) : "?", col_text(st, 2) ? col_text(st, 2) : "?");
        } else {
            const char *t = col_text(st, 0);
            if (!t || strcmp(t, "ok") != 0) fault(cb, ctx, faults, "integrity: %s", t ? t : "?");
        }
    }
    sqlite3_finalize(st);
    return r < 0 ? -1 : 0;
}

long store_verify(store *s, store_fault_fn cb, void *ctx, long *n_bulletins, err *e) {
    long faults = 0, nb = 0;
    /* One read transaction: a consistent picture even while someone issues. */
    if (tx_begin(s, 0, "verifying the archive", e) < 0) return -1;
    static const char sql[] =
        "SELECT s.name, b.year, b.issue_no, b.pdf_sha256, b.pdf_size, b.source_sha256, "
        "b.source_size, b.n_findings, f.bulletin_id IS NOT NULL, f.pdf, f.source_xml, "
        "(SELECT count(*) FROM finding WHERE bulletin_id = b.id) "
        "FROM bulletin b JOIN series s ON s.id = b.series_id "
        "LEFT JOIN bulletin_file f ON f.bulletin_id = b.id "
        "ORDER BY s.name, b.year, b.issue_no";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        db_fail(s, rc, "verifying the archive", e);
        goto fail;
    }
    int r;
    while ((r = next_row(s, st, "verifying the archive", e)) > 0) {
        nb++;
        char who[600];
        snprintf(who, sizeof who, "%s %d年第%d期", col_text(st, 0) ? col_text(st, 0) : "?",
                 sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
        if (!sqlite3_column_int(st, 8)) {
            fault(cb, ctx, &faults, "%s: the archived PDF and source are missing", who);
            continue;
        }
        struct { int col, size_col, sha_col; const char *what; } parts[] = {
            {9, 4, 3, "PDF"}, {10, 6, 5, "source XML"},
        };
        for (int i = 0; i < 2; i++) {
            const void *p = sqlite3_column_blob(st, parts[i].col);
            long long len = sqlite3_column_bytes(st, parts[i].col);
            if (len > 0 && !p) {
                r = oom(s, e);
                break;
            }
            char hex[65];
            sha256_hex(p, (size_t)len, hex);
            const char *want = col_text(st, parts[i].sha_col);
            long long want_len = sqlite3_column_int64(st, parts[i].size_col);
            if (!want || strcmp(want, hex) != 0)
                fault(cb, ctx, &faults, "%s: the archived %s does not match its recorded "
                      "SHA-256 (recorded %.16s…, now %.16s…); it was altered after issue, "
                      "restore the database from a backup", who, parts[i].what,
                      want ? want : "none", hex);
            else if (len != want_len)
                fault(cb, ctx, &faults, "%s: the archived %s is %lld bytes, recorded %lld",
                      who, parts[i].what, len, want_len);
        }
        if (r < 0) break;
        if (sqlite3_column_int64(st, 7) != sqlite3_column_int64(st, 11))
            fault(cb, ctx, &faults, "%s: %lld findings recorded, %lld present", who,
                  (long long)sqlite3_column_int64(st, 7), (long long)sqlite3_column_int64(st, 11));
    }
    sqlite3_finalize(st);
    if (r < 0) goto fail;
    if (pragma_faults(s, "PRAGMA integrity_check", 0, cb, ctx, &faults, e) < 0 ||
        pragma_faults(s, "PRAGMA foreign_key_check", 1, cb, ctx, &faults, e) < 0)
        goto fail;
    tx_rollback(s);   /* read-only: ending it either way is the same */
    if (n_bulletins) *n_bulletins = nb;
    return faults;
fail:
    tx_rollback(s);
    return -1;
}

/* ---- findings ------------------------------------------------------------------ */
long store_list_findings(store *s, const store_finding_filter *f,
                         store_finding_fn cb, void *ctx, err *e) {
    store_finding_filter none = {0};
    if (!f) f = &none;
    char today[11];
    norm_today(f->today, today);
    sqlite3_int64 series_id = 0, bid = 0;
    if (f->series && series_exists(s, f->series, &series_id, e) <= 0) return -1;
    if (f->issue_no > 0) {
        store_bulletin_info info;
        arena *a = arena_new();
        if (!a) return oom(s, e);
        int r = find_bulletin(s, f->series, f->year, f->issue_no, a, &info, &bid, e);
        arena_free(a);
        if (r < 0) return -1;
    }
    /* The text is put together from constant pieces only, so each filter
     * combination gets a plan that uses its index (a catch-all
     * "?1 IS NULL OR …" would defeat them); values are bound. */
    buf sql;
    buf_init(&sql);
    buf_puts(&sql,
             "SELECT f.id, s.name, b.year, b.issue_no, f.seq, b.date, f.category, f.district, "
             "f.street, f.community, f.site, f.unit, f.text, f.observed, f.responsible, "
             "f.deadline, CASE WHEN f.status = 'done' THEN 'done' "
             "WHEN f.deadline < :today THEN 'overdue' ELSE 'open' END, "
             "f.done_date, f.note, f.repeat_of, f.repeat_note, f.repeat_count "
             "FROM finding f JOIN bulletin b ON b.id = f.bulletin_id "
             "JOIN series s ON s.id = f.series_id WHERE 1");
    if (f->series) buf_puts(&sql, " AND f.series_id = :series");
    if (f->district) buf_puts(&sql, " AND f.district = :district");
    if (bid) buf_puts(&sql, " AND f.bulletin_id = :bulletin");
    switch (f->status) {
    case STORE_ST_OPEN:
        buf_puts(&sql, " AND f.status = 'open' AND (f.deadline IS NULL OR f.deadline >= :today)");
        break;
    case STORE_ST_OVERDUE: buf_puts(&sql, " AND f.status = 'open' AND f.deadline < :today"); break;
    case STORE_ST_DONE: buf_puts(&sql, " AND f.status = 'done'"); break;
    case STORE_ST_UNDONE: buf_puts(&sql, " AND f.status = 'open'"); break;
    default: break;
    }
    buf_puts(&sql, " ORDER BY s.name, b.year, b.issue_no, f.seq");
    if (sql.oom) {
        buf_free(&sql);
        return oom(s, e);
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql.data, -1, &st, NULL);
    buf_free(&sql);
    if (rc != SQLITE_OK) return db_fail(s, rc, "listing findings", e);
    binder bd = {st, SQLITE_OK};
    b_named_text(&bd, ":today", today);
    b_named_int(&bd, ":series", series_id);
    b_named_text(&bd, ":district", f->district);
    b_named_int(&bd, ":bulletin", bid);
    int r = bd.rc == SQLITE_OK ? 1 : db_fail(s, bd.rc, "listing findings", e);
    long n = 0;
    while (r > 0 && (r = next_row(s, st, "listing findings", e)) > 0) {
        store_finding_row w = {
            .id = col_text(st, 0), .series = col_text(st, 1),
            .year = sqlite3_column_int(st, 2), .issue_no = sqlite3_column_int(st, 3),
            .seq = sqlite3_column_int(st, 4), .bulletin_date = col_text(st, 5),
            .category = col_text(st, 6), .district = col_text(st, 7), .street = col_text(st, 8),
            .community = col_text(st, 9), .site = col_text(st, 10), .unit = col_text(st, 11),
            .text = col_text(st, 12), .observed = col_text(st, 13),
            .responsible = col_text(st, 14), .deadline = col_text(st, 15),
            .status = col_text(st, 16), .done_date = col_text(st, 17), .note = col_text(st, 18),
            .repeat_of = col_text(st, 19), .repeat_note = col_text(st, 20),
            .repeat_count = sqlite3_column_int(st, 21),
        };
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

int store_rectify(store *s, const char *series, const store_rectification *items,
                  size_t n, const char *source, err *e) {
    const char *doing = "recording rectification";
    char today[11];
    store_today(today);
    buf unknown;
    buf_init(&unknown);
    size_t n_unknown = 0;
    if (tx_begin(s, 1, doing, e) < 0) return -1;
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
        if (!iso_year(date) || strlen(date) != 10) {
            err_set(e, TB_EINPUT, source, 0, 0,
                    "date \"%s\" for %s is not a date like 2026-11-22", date, id);
            goto fail;
        }
        sqlite3_stmt *st = Q(s, Q_FINDING_OWNER, e);
        if (!st) goto fail;
        binder bd = {st, SQLITE_OK};
        b_text(&bd, 1, id);
        int r = bd.rc == SQLITE_OK ? next_row(s, st, doing, e) : db_fail(s, bd.rc, doing, e);
        if (r == 0) {
            /* each unknown ID once, in the order given */
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++) {
                char other[64];
                seen = norm_id(items[k].finding_id, other) == 0 && strcmp(other, id) == 0;
            }
            if (!seen) buf_printf(&unknown, "%s%s", n_unknown++ ? ", " : "", id);
        } else if (r > 0 && series && !str_eq(series, col_text(st, 0))) {
            err_set(e, TB_EINPUT, source, 0, 0,
                    "finding %s belongs to series \"%s\", not \"%s\"; nothing was recorded",
                    id, col_text(st, 0) ? col_text(st, 0) : "?", series);
            r = -1;
        } else if (r > 0 && it->done && col_text(st, 1) && strncmp(date, col_text(st, 1), 10) < 0) {
            err_set(e, TB_EINPUT, source, 0, 0,
                    "finding %s cannot be rectified on %s, before the bulletin reporting it "
                    "(%s); check the date. Nothing was recorded", id, date, col_text(st, 1));
            r = -1;
        }
        Q_done(st);
        if (r < 0) goto fail;
    }
    if (unknown.oom) {
        oom(s, e);
        goto fail;
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
        sqlite3_stmt *st = Q(s, Q_SET_STATUS, e);
        if (!st) goto fail;
        binder bd = {st, SQLITE_OK};
        b_text(&bd, 1, id);
        b_text(&bd, 2, status);
        b_text(&bd, 3, it->done ? date : NULL);
        b_text(&bd, 4, it->note);
        if (run(s, st, bd.rc, doing, e) < 0) goto fail;
        if (!(st = Q(s, Q_INS_EVENT, e))) goto fail;
        bd = (binder){st, SQLITE_OK};
        b_text(&bd, 1, id);
        b_text(&bd, 2, status);
        b_text(&bd, 3, date);
        b_text(&bd, 4, it->note);
        b_text(&bd, 5, source);
        if (run(s, st, bd.rc, doing, e) < 0) goto fail;
    }
    buf_free(&unknown);
    return tx_commit(s, doing, e);
fail:
    buf_free(&unknown);
    tx_rollback(s);
    return -1;
}

/* ---- statistics ------------------------------------------------------------------ */
static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int store_outcome_is_org(const char *person, const char *rank) {
    /* A rank says "this is a cadre"; only rank-less outcomes can be about a
     * body.  Persons are written as "…书记王某" or a name, which never end
     * in these words. */
    static const char *const org_tail[] = {
        "党委", "党工委", "党组", "支部", "委员会", "班子", "街道", "办事处", "政府",
        "局", "委", "办", "厅", "室", "部", "组", "队", "所", "站", "院", "中心",
        "公司", "社区", "村", "镇", "乡",
    };
    if (!str_empty(rank) || str_empty(person)) return 0;
    /* trailing blanks were trimmed by the parser; be safe with callers */
    size_t n = strlen(person);
    while (n > 0 && (person[n - 1] == ' ' || person[n - 1] == '\t')) n--;
    char tmp[512];
    if (n >= sizeof tmp) n = sizeof tmp - 1;
    memcpy(tmp, person, n);
    tmp[n] = 0;
    for (size_t i = 0; i < sizeof org_tail / sizeof org_tail[0]; i++)
        if (ends_with(tmp, org_tail[i])) return 1;
    return 0;
}

/* Add n to the count called name in *arr, appending it (copied into a) the
 * first time.  The arrays hold a handful of ranks or kinds, so a fresh copy
 * per new name costs nothing and needs no capacity bookkeeping. */
static int tally(arena *a, store_stat_count **arr, size_t *len, const char *name, long n) {
    for (size_t i = 0; i < *len; i++)
        if (strcmp((*arr)[i].name, name) == 0) {
            (*arr)[i].n += n;
            return 0;
        }
    store_stat_count *grown = arena_alloc(a, (*len + 1) * sizeof *grown);
    const char *copy = arena_strdup(a, name);
    if (!grown || !copy) return -1;
    if (*len) memcpy(grown, *arr, *len * sizeof *grown);
    grown[*len] = (store_stat_count){copy, n};
    *arr = grown;
    (*len)++;
    return 0;
}

/* Is this case's `person` a body?  Only when none of their outcomes in the
 * case gives a rank and the name reads as one. */
static int case_person_is_org(const model_outcome *o, size_t n, const char *person) {
    if (str_empty(person)) return 0;
    for (size_t k = 0; k < n; k++)
        if (str_eq(o[k].person, person) && !str_empty(o[k].rank)) return 0;
    return store_outcome_is_org(person, NULL);
}

int store_stats_add_case(store_stats *st, arena *a, const model_outcome *o, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *person = o[i].person;
        int named = !str_empty(person);
        /* the person's first outcome in this case (unnamed ones stand alone) */
        size_t first = i;
        for (size_t k = 0; named && k < i; k++)
            if (str_eq(o[k].person, person)) { first = k; break; }
        if (case_person_is_org(o, n, person)) {
            if (first == i) st->orgs++;
            continue;
        }
        if (first == i) {
            st->people++;
            for (size_t k = i; k < n; k++)
                if ((k == i || (named && str_eq(o[k].person, person))) && !str_empty(o[k].rank)) {
                    if (tally(a, &st->by_rank, &st->n_by_rank, o[k].rank, 1) < 0) return -1;
                    break;
                }
        }
        if (str_empty(o[i].kind)) continue;
        int kind_seen = 0;
        for (size_t k = first; named && k < i && !kind_seen; k++)
            kind_seen = str_eq(o[k].person, person) && str_eq(o[k].kind, o[i].kind);
        if (!kind_seen && tally(a, &st->by_kind, &st->n_by_kind, o[i].kind, 1) < 0) return -1;
    }
    return 0;
}

/* A one-off statistics query whose only parameter (?1) is the series id:
 * prepared and bound, or NULL with e filled. */
static sqlite3_stmt *series_stmt(store *s, const char *sql, sqlite3_int64 series_id, const char *doing, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        db_fail(s, rc, doing, e);
        return NULL;
    }
    binder bd = {st, SQLITE_OK};
    b_int(&bd, 1, series_id);
    if (bd.rc != SQLITE_OK) {
        db_fail(s, bd.rc, doing, e);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Feed outcome rows (case_id, person, rank, kind: a case's rows together,
 * the cases in order) to store_stats_add_case one case at a time (cases
 * are few next to findings; the rules are easier to keep identical in C
 * than to mirror in SQL).  The caller owns and resets st. */
static int case_rows(store *s, sqlite3_stmt *st, arena *a, store_stats *out, err *e) {
    const char *doing = "computing statistics";
    int r = 1;
    /* one case's outcomes, copied out of the statement (a scratch arena) */
    arena *scratch = arena_new();
    model_outcome *cur = NULL;
    size_t n = 0, cap = 0;
    sqlite3_int64 case_id = -1;
    int bad = !scratch;
    while (r > 0 && !bad && (r = next_row(s, st, doing, e)) > 0) {
        sqlite3_int64 cid = sqlite3_column_int64(st, 0);
        if (cid != case_id && n) {
            if (store_stats_add_case(out, a, cur, n) < 0) bad = 1;
            n = 0;
        }
        case_id = cid;
        if (bad || arena_grow(scratch, (void **)&cur, &cap, n, sizeof *cur) < 0) {
            bad = 1;
            break;
        }
        cur[n] = (model_outcome){NULL, col_dup(scratch, st, 1, &bad), col_dup(scratch, st, 2, &bad),
                                 col_dup(scratch, st, 3, &bad), NULL};
        n++;
    }
    if (r >= 0 && !bad && n && store_stats_add_case(out, a, cur, n) < 0) bad = 1;
    arena_free(scratch);
    if (r < 0) return -1;
    return bad ? oom(s, e) : 0;
}

/* People, organisations, ranks and kinds of every recorded case of a
 * series. */
static int case_stats(store *s, sqlite3_int64 series_id, arena *a, store_stats *out, err *e) {
    static const char sql[] =
        "SELECT o.case_id, o.person, o.rank, o.kind FROM outcome o "
        "JOIN case_ c ON c.id = o.case_id JOIN bulletin b ON b.id = c.bulletin_id "
        "WHERE b.series_id = ?1 ORDER BY b.year, b.issue_no, c.seq, o.seq";
    sqlite3_stmt *st = series_stmt(s, sql, series_id, "computing statistics", e);
    if (!st) return -1;
    int r = case_rows(s, st, a, out, e);
    sqlite3_finalize(st);
    return r;
}

/* Equal as GROUP BY on a TEXT column sees it: the same bytes, or both NULL. */
static int same_group(const char *x, const char *y) {
    return x && y ? strcmp(x, y) == 0 : x == y;
}

/* Scope rows (what, unit, total, rounds, …), in order of first appearance,
 * into out->scope: a (what, unit) already there is added to, a new one is
 * appended. */
static int scope_rows(store *s, sqlite3_stmt *st, arena *a, store_stats *out, size_t *cap, err *e) {
    const char *doing = "computing statistics";
    int r = 1, bad = 0;
    while (r > 0 && !bad && (r = next_row(s, st, doing, e)) > 0) {
        const char *what = col_text(st, 0), *unit = col_text(st, 1);
        long total = (long)sqlite3_column_int64(st, 2), rounds = (long)sqlite3_column_int64(st, 3);
        size_t k = 0;
        while (k < out->n_scope &&
               !(same_group(out->scope[k].what, what) && same_group(out->scope[k].unit, unit)))
            k++;
        if (k == out->n_scope) {
            if (arena_grow(a, (void **)&out->scope, cap, out->n_scope, sizeof *out->scope) < 0) {
                bad = 1;
                break;
            }
            out->scope[out->n_scope++] = (store_scope_sum){col_dup(a, st, 0, &bad), col_dup(a, st, 1, &bad), 0, 0};
        }
        out->scope[k].total += total;
        out->scope[k].rounds += rounds;
    }
    if (r < 0) return -1;
    return bad ? oom(s, e) : 0;
}

/* <scope> counts summed per (what, unit) over the series' inspections, in
 * the order they first appeared.  The schema only admits digits there. */
static int scope_sums(store *s, sqlite3_int64 series_id, arena *a, store_stats *out, err *e) {
    static const char sql[] =
        "SELECT sc.what, sc.unit, sum(CAST(trim(sc.number) AS INTEGER)), "
        "count(DISTINCT sc.bulletin_id), min(b.year * 100000000 + b.issue_no * 1000 + sc.seq) AS f "
        "FROM scope_count sc JOIN bulletin b ON b.id = sc.bulletin_id "
        "WHERE b.series_id = ?1 AND b.has_inspection GROUP BY sc.what, sc.unit ORDER BY f";
    sqlite3_stmt *st = series_stmt(s, sql, series_id, "computing statistics", e);
    if (!st) return -1;
    size_t cap = 0;
    int r = scope_rows(s, st, a, out, &cap, e);
    sqlite3_finalize(st);
    return r;
}

/* Open findings with a deadline before day: counted afresh on every call
 * (the memo cannot keep it: it depends on the day). */
static int count_overdue(store *s, sqlite3_int64 series_id, const char *day, long long *n, err *e) {
    sqlite3_stmt *st = Q(s, Q_ST_OVERDUE, e);
    if (!st) return -1;
    binder bd = {st, SQLITE_OK};
    b_int(&bd, 1, series_id);
    b_text(&bd, 2, day);
    int r = bd.rc == SQLITE_OK ? next_row(s, st, "computing statistics", e)
                               : db_fail(s, bd.rc, "computing statistics", e);
    *n = r > 0 ? sqlite3_column_int64(st, 0) : 0;
    Q_done(st);
    return r < 0 ? -1 : 0;
}

/* ---- the statistics memo of store_reserve -----------------------------------
 * store_reserve calls prepare, and prepare store_series_stats, once per
 * item, with the items before it recorded provisionally.  Counted from
 * scratch, every call reads the whole series — every bulletin row, every
 * open finding, every scope count — so a batch of n bulletins in one
 * series costs O(n²): 5 of the 6.5 ms per bulletin of reserving 1,000 at
 * once, all of it on the main thread before the first render starts.
 * Inside one reservation the store sees every write (record() is the only
 * writer, the hooks may not write), so it keeps each series' figures from
 * the first full count and adds every bulletin it records provisionally,
 * running the same queries restricted to that bulletin (Q_BST_*): the
 * same figures, the rules still in one place.  Two things are not added
 * up: overdue depends on the day asked about and is counted afresh each
 * time (a range of the small partial index of open findings); and a
 * bulletin that does not sort after every recorded one of its series (an
 * issue="N" back-fill, an older year) would change the order of first
 * appearance, so that series' memo is dropped and the next call counts
 * from scratch.  The memo lives from store_reserve's BEGIN to its ROLLBACK. */

static stats_memo *memo_find(store *s, sqlite3_int64 series_id) {
    for (size_t k = 0; k < s->n_memo; k++)
        if (s->memo[k].series_id == series_id) return &s->memo[k];
    return NULL;
}

static void memo_drop(store *s, stats_memo *m) {
    arena_free(m->a);
    *m = s->memo[--s->n_memo];
}

static void memo_free(store *s) {
    for (size_t k = 0; k < s->n_memo; k++) arena_free(s->memo[k].a);
    free(s->memo);
    s->memo = NULL;
    s->n_memo = s->cap_memo = 0;
    s->reserving = 0;
}

/* *dst = *src, with the arrays and names copied into a. */
static int stats_copy(store_stats *dst, const store_stats *src, arena *a) {
    *dst = *src;
    dst->by_rank = src->n_by_rank ? arena_alloc(a, src->n_by_rank * sizeof *dst->by_rank) : NULL;
    dst->by_kind = src->n_by_kind ? arena_alloc(a, src->n_by_kind * sizeof *dst->by_kind) : NULL;
    dst->scope = src->n_scope ? arena_alloc(a, src->n_scope * sizeof *dst->scope) : NULL;
    if ((src->n_by_rank && !dst->by_rank) || (src->n_by_kind && !dst->by_kind) || (src->n_scope && !dst->scope))
        return -1;
    int bad = 0;
    for (size_t i = 0; i < src->n_by_rank; i++) {
        dst->by_rank[i] = (store_stat_count){arena_strdup(a, src->by_rank[i].name), src->by_rank[i].n};
        bad |= !dst->by_rank[i].name;
    }
    for (size_t i = 0; i < src->n_by_kind; i++) {
        dst->by_kind[i] = (store_stat_count){arena_strdup(a, src->by_kind[i].name), src->by_kind[i].n};
        bad |= !dst->by_kind[i].name;
    }
    for (size_t i = 0; i < src->n_scope; i++) {
        const store_scope_sum *x = &src->scope[i];
        dst->scope[i] = (store_scope_sum){arena_strdup(a, x->what), arena_strdup(a, x->unit), x->total, x->rounds};
        bad |= (x->what && !dst->scope[i].what) || (x->unit && !dst->scope[i].unit);
    }
    return bad ? -1 : 0;
}

/* Keep a full count of a series (open_all: open findings, overdue ones
 * included).  Out of memory only means no memo. */
static void memo_put(store *s, sqlite3_int64 series_id, const store_stats *st, long open_all) {
    if (s->n_memo == s->cap_memo) {
        size_t cap = s->cap_memo ? 2 * s->cap_memo : 4;
        stats_memo *p = realloc(s->memo, cap * sizeof *p);
        if (!p) return;
        s->memo = p;
        s->cap_memo = cap;
    }
    stats_memo *m = &s->memo[s->n_memo];
    memset(m, 0, sizeof *m);
    if (!(m->a = arena_new()) || stats_copy(&m->st, st, m->a) < 0) {
        arena_free(m->a);
        return;
    }
    m->series_id = series_id;
    m->open_all = open_all;
    m->cap_scope = m->st.n_scope;
    s->n_memo++;
}

/* Run a Q_BST_* statement on bulletin bid. */
static sqlite3_stmt *memo_stmt(store *s, int which, sqlite3_int64 bid, err *e) {
    sqlite3_stmt *st = Q(s, which, e);
    if (!st) return NULL;
    int rc = sqlite3_bind_int64(st, 1, bid);
    if (rc != SQLITE_OK) {
        db_fail(s, rc, "computing statistics", e);
        Q_done(st);
        return NULL;
    }
    return st;
}

/* store_reserve has just recorded bulletin bid as (year, issue_no) of the
 * series: add it to the series' memo, if there is one. */
static int memo_note(store *s, sqlite3_int64 series_id, sqlite3_int64 bid, int year, int issue_no, err *e) {
    stats_memo *m = memo_find(s, series_id);
    if (!m) return 0;
    const char *doing = "computing statistics";
    sqlite3_stmt *st = Q(s, Q_LATER_ISSUE, e);
    if (!st) return -1;
    binder bd = {st, SQLITE_OK};
    b_int(&bd, 1, series_id);
    b_int(&bd, 2, year);
    b_int(&bd, 3, issue_no);
    int r = bd.rc == SQLITE_OK ? next_row(s, st, doing, e) : db_fail(s, bd.rc, doing, e);
    Q_done(st);
    if (r < 0) return -1;
    if (r > 0) {        /* not the last of its series: count afresh next time */
        memo_drop(s, m);
        return 0;
    }
    if (!(st = memo_stmt(s, Q_BST_ROW, bid, e))) return -1;
    r = next_row(s, st, doing, e);
    if (r > 0) {        /* as the totals sum them over the series */
        long long cases = sqlite3_column_int64(st, 3);
        m->st.bulletins++;
        m->st.inspections += (long)sqlite3_column_int64(st, 0);
        m->st.findings += (long)sqlite3_column_int64(st, 1);
        m->st.repeats += (long)sqlite3_column_int64(st, 2);
        m->st.case_bulletins += cases > 0;
        m->st.cases += (long)cases;
    }
    Q_done(st);
    if (r == 0) return err_set(e, TB_EINTERNAL, s->path, 0, 0, "internal: a bulletin just recorded is not there");
    if (r < 0) return -1;
    if (!(st = memo_stmt(s, Q_BST_OPEN, bid, e))) return -1;
    r = next_row(s, st, doing, e);
    if (r > 0) m->open_all += (long)sqlite3_column_int64(st, 0);
    Q_done(st);
    if (r < 0) return -1;
    if (!(st = memo_stmt(s, Q_BST_CASES, bid, e))) return -1;
    r = case_rows(s, st, m->a, &m->st, e);
    Q_done(st);
    if (r < 0) return -1;
    if (!(st = memo_stmt(s, Q_BST_SCOPE, bid, e))) return -1;
    r = scope_rows(s, st, m->a, &m->st, &m->cap_scope, e);
    Q_done(st);
    return r;
}

int store_series_stats(store *s, const char *series, const char *today,
                       arena *a, store_stats *out, err *e) {
    memset(out, 0, sizeof *out);
    char day[11];
    norm_today(today, day);
    sqlite3_int64 sid = 0;
    if (!series) return err_set(e, TB_EUSAGE, "", 0, 0, "name a series (--series S)");
    if (series_exists(s, series, &sid, e) <= 0) return -1;
    long long overdue;
    stats_memo *m = s->reserving ? memo_find(s, sid) : NULL;
    if (m) {
        if (count_overdue(s, sid, day, &overdue, e) < 0) return -1;
        if (stats_copy(out, &m->st, a) < 0) {
            memset(out, 0, sizeof *out);
            return oom(s, e);
        }
        out->overdue = (long)overdue;
        out->open = m->open_all - (long)overdue;
        out->done = m->st.findings - m->open_all;
        return 0;
    }
    /* Totals come from the per-bulletin counters (a short scan of small
     * rows); open and overdue from the small partial index over open
     * findings; done is the rest.  No scan of the whole finding table. */
    static const char totals[] =
        "SELECT count(*), coalesce(sum(has_inspection), 0), coalesce(sum(n_findings), 0), "
        "coalesce(sum(n_repeats), 0), coalesce(sum(n_cases > 0), 0), coalesce(sum(n_cases), 0) "
        "FROM bulletin WHERE series_id = ?1";
    static const char open[] =
        "SELECT count(*) FROM finding WHERE series_id = ?1 AND status = 'open'";
    const char *const sqls[] = {totals, open};
    long long v[2][6] = {{0}};
    int ncols[] = {6, 1};
    /* One read transaction so the figures agree with each other. */
    int own_tx = sqlite3_get_autocommit(s->db);
    if (own_tx && tx_begin(s, 0, "computing statistics", e) < 0) return -1;
    for (int q = 0; q < 2; q++) {
        sqlite3_stmt *st = series_stmt(s, sqls[q], sid, "computing statistics", e);
        if (!st) goto fail;
        int r = next_row(s, st, "computing statistics", e);
        if (r > 0)
            for (int c = 0; c < ncols[q]; c++) v[q][c] = sqlite3_column_int64(st, c);
        sqlite3_finalize(st);
        if (r < 0) goto fail;
    }
    if (count_overdue(s, sid, day, &overdue, e) < 0 || case_stats(s, sid, a, out, e) < 0 ||
        scope_sums(s, sid, a, out, e) < 0)
        goto fail;
    if (own_tx) tx_rollback(s);
    out->bulletins = (long)v[0][0];
    out->inspections = (long)v[0][1];
    out->findings = (long)v[0][2];
    out->repeats = (long)v[0][3];
    out->case_bulletins = (long)v[0][4];
    out->cases = (long)v[0][5];
    out->overdue = (long)overdue;
    out->open = (long)(v[1][0] - overdue);
    out->done = (long)(v[0][2] - v[1][0]);
    if (s->reserving) memo_put(s, sid, out, (long)v[1][0]);
    return 0;
fail:
    if (own_tx) tx_rollback(s);
    return -1;
}
