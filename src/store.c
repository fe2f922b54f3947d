/* store.c — the history database (see store.h for the contract): the
 * schema and its forward migrations, opening and closing, errors in the
 * user's terms, the cached statements and their helpers, transactions and
 * checkpoints.  The rest of the store is in store_issue.c, store_archive.c,
 * store_findings.c and store_stats.c; store_int.h says what they share and
 * the rules they all keep. */
#define _POSIX_C_SOURCE 200809L
#include "date.h"
#include "store_int.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
    /* 1 -> 2 (issue 19): a problem that was put right and comes back at
     * the same place.  finding.recurs marks it (its repeat_of is the
     * rectified finding); bulletin.n_recurring counts them for the
     * statistics, as n_repeats does repeats; the partial index finds the
     * latest rectified finding at a place as finding_open_loc finds the
     * open one. */
    "ALTER TABLE finding ADD COLUMN recurs INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE bulletin ADD COLUMN n_recurring INTEGER NOT NULL DEFAULT 0;\n"
    "CREATE INDEX finding_done_loc ON finding(series_id, norm_location) WHERE status = 'done';\n",
    /* 2 -> 3 (issue 16): the letters of tongbao escalate.  A letter
     * (督办通知书, 提醒, 告诫) goes to one district (or unit) of a series,
     * numbered per series and year in its own 发文字号 series, and is archived
     * like a bulletin: its PDF and SHA-256, and the template it was written
     * with, so regen gives the same bytes.  escalation holds one row per
     * finding per letter: the finding's n-th escalation, the level the
     * template named it (督办, 提醒, 告诫), the deadline it had passed and
     * the new one; a finding's deadline in force is its last row's
     * new_deadline.  (finding_id, n) makes each escalation happen once. */
    "CREATE TABLE letter(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  series_id INTEGER NOT NULL REFERENCES series(id),\n"
    "  year INTEGER NOT NULL,\n"
    "  letter_no INTEGER NOT NULL CHECK (letter_no > 0),\n"
    "  date TEXT NOT NULL,\n"
    "  district TEXT NOT NULL,\n"
    "  doc_number TEXT NOT NULL,\n"
    "  level INTEGER NOT NULL,\n"
    "  new_deadline TEXT NOT NULL,\n"
    "  issuer TEXT, report_to TEXT,\n"
    "  n_findings INTEGER NOT NULL,\n"
    "  template TEXT, tool_version TEXT,\n"
    "  pages INTEGER NOT NULL,\n"
    "  pdf_size INTEGER NOT NULL, pdf_sha256 TEXT NOT NULL,\n"
    "  issued_at TEXT NOT NULL,\n"
    "  UNIQUE (series_id, year, letter_no)\n"
    ");\n"
    "CREATE TABLE letter_file(\n"
    "  letter_id INTEGER PRIMARY KEY REFERENCES letter(id),\n"
    "  template_xml TEXT,\n"
    "  pdf BLOB NOT NULL\n"
    ");\n"
    "CREATE TABLE escalation(\n"
    "  finding_id TEXT NOT NULL REFERENCES finding(id),\n"
    "  n INTEGER NOT NULL CHECK (n > 0),\n"
    "  letter_id INTEGER NOT NULL REFERENCES letter(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  level TEXT NOT NULL,\n"
    "  date TEXT NOT NULL,\n"
    "  missed TEXT,\n"
    "  new_deadline TEXT NOT NULL,\n"
    "  PRIMARY KEY (finding_id, n),\n"
    "  UNIQUE (letter_id, seq)\n"
    ") WITHOUT ROWID;\n",
    /* 3 -> 4 (issue 18): each series' cumulative statistics kept as they
     * change, so issuing reads a handful of rows instead of every bulletin
     * of the series.  series_stats holds the sums over its bulletin rows
     * and the number of its open findings (overdue ones included; which
     * of them are overdue depends on the day asked about and is counted
     * from finding_open_due); series_stat_name the people held accountable
     * by rank and by kind of outcome; series_scope the <scope> counts per
     * (what, unit).  `first` orders names and scope entries by first
     * appearance (year, issue, position), as the recount orders them.
     * The triggers keep series_stats in step with every writer of bulletin
     * and finding rows (rectify, and any later writer of a finding's
     * status), in the writer's transaction; the names and the
     * scope are added by the store when it records a bulletin
     * (store_stats.c), because their rules are C.  The migration fills
     * the tables from the history (store_stats_rebuild), and
     * `tongbao archive rebuild-stats` does it again if ever in doubt;
     * `archive verify` recounts and compares.
     * finding_district_walk lists a district's findings in issue order
     * without sorting them all first (store_list_findings); bulletin_date
     * finds the recent part for `archive verify --since`. */
    "CREATE TABLE series_stats(\n"
    "  series_id INTEGER PRIMARY KEY REFERENCES series(id),\n"
    "  bulletins INTEGER NOT NULL DEFAULT 0,\n"
    "  inspections INTEGER NOT NULL DEFAULT 0,\n"
    "  findings INTEGER NOT NULL DEFAULT 0,\n"
    "  repeats INTEGER NOT NULL DEFAULT 0,\n"
    "  recurring INTEGER NOT NULL DEFAULT 0,\n"
    "  case_bulletins INTEGER NOT NULL DEFAULT 0,\n"
    "  cases INTEGER NOT NULL DEFAULT 0,\n"
    "  people INTEGER NOT NULL DEFAULT 0,\n"
    "  orgs INTEGER NOT NULL DEFAULT 0,\n"
    "  open INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE series_stat_name(\n"
    "  series_id INTEGER NOT NULL REFERENCES series(id),\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('rank', 'kind')),\n"
    "  name TEXT NOT NULL,\n"
    "  n INTEGER NOT NULL,\n"
    "  first INTEGER NOT NULL,\n"
    "  PRIMARY KEY (series_id, kind, name)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE series_scope(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  series_id INTEGER NOT NULL REFERENCES series(id),\n"
    "  what TEXT, unit TEXT,\n"
    "  total INTEGER NOT NULL,\n"
    "  rounds INTEGER NOT NULL,\n"
    "  first INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX series_scope_key ON series_scope(series_id, what, unit);\n"
    "CREATE TRIGGER bulletin_stats AFTER INSERT ON bulletin BEGIN\n"
    "  INSERT INTO series_stats(series_id, bulletins, inspections, findings, repeats, recurring, "
    "case_bulletins, cases)\n"
    "  VALUES (NEW.series_id, 1, NEW.has_inspection, NEW.n_findings, NEW.n_repeats, NEW.n_recurring, "
    "NEW.n_cases > 0, NEW.n_cases)\n"
    "  ON CONFLICT (series_id) DO UPDATE SET bulletins = bulletins + 1, "
    "inspections = inspections + excluded.inspections, findings = findings + excluded.findings, "
    "repeats = repeats + excluded.repeats, recurring = recurring + excluded.recurring, "
    "case_bulletins = case_bulletins + excluded.case_bulletins, cases = cases + excluded.cases;\n"
    "END;\n"
    "CREATE TRIGGER finding_stats_insert AFTER INSERT ON finding WHEN NEW.status = 'open' BEGIN\n"
    "  UPDATE series_stats SET open = open + 1 WHERE series_id = NEW.series_id;\n"
    "END;\n"
    "CREATE TRIGGER finding_stats_status AFTER UPDATE OF status ON finding "
    "WHEN OLD.status IS NOT NEW.status BEGIN\n"
    "  UPDATE series_stats SET open = open + (NEW.status = 'open') - (OLD.status = 'open') "
    "WHERE series_id = NEW.series_id;\n"
    "END;\n"
    /* tongbao never deletes; these keep the summary in step with the rows
     * even when someone does, so verify reports the deletion itself */
    "CREATE TRIGGER bulletin_stats_delete AFTER DELETE ON bulletin BEGIN\n"
    "  UPDATE series_stats SET bulletins = bulletins - 1, inspections = inspections - OLD.has_inspection, "
    "findings = findings - OLD.n_findings, repeats = repeats - OLD.n_repeats, "
    "recurring = recurring - OLD.n_recurring, case_bulletins = case_bulletins - (OLD.n_cases > 0), "
    "cases = cases - OLD.n_cases WHERE series_id = OLD.series_id;\n"
    "END;\n"
    "CREATE TRIGGER finding_stats_delete AFTER DELETE ON finding WHEN OLD.status = 'open' BEGIN\n"
    "  UPDATE series_stats SET open = open - 1 WHERE series_id = OLD.series_id;\n"
    "END;\n"
    "CREATE INDEX finding_district_walk ON finding(district, bulletin_id, seq);\n"
    /* `archive verify --since DATE` reads the recent bulletins only */
    "CREATE INDEX bulletin_date ON bulletin(date);\n",
    /* 4 -> 5 (issue 13): the forms a bulletin is issued in.  bulletin.form
     * says what the bytes of bulletin_file.pdf (and pdf_size, pdf_sha256)
     * are: a PDF, a PDF/A-2b or an OFD package (GB/T 33190); a bulletin
     * issued before is a PDF.  bulletin_form holds each further form with
     * its own size and SHA-256 (today: the OFD beside a PDF), the bytes
     * last so reading the hash never pages through them. */
    "ALTER TABLE bulletin ADD COLUMN form TEXT NOT NULL DEFAULT 'pdf' CHECK (form IN ('pdf', 'pdfa', 'ofd'));\n"
    "CREATE TABLE bulletin_form(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  bulletin_id INTEGER NOT NULL REFERENCES bulletin(id),\n"
    "  form TEXT NOT NULL CHECK (form IN ('pdf', 'pdfa', 'ofd')),\n"
    "  size INTEGER NOT NULL, sha256 TEXT NOT NULL,\n"
    "  bytes BLOB NOT NULL,\n"
    "  UNIQUE (bulletin_id, form)\n"
    ");\n",
    /* 5 -> 6 (issue 18): a district's or a series' findings not put right
     * (--status open, overdue, undone), listed without reading every one of
     * their rows first.  Their order (series name, year, issue, position)
     * is no index's, so the listing sorts keys; the partial indexes over
     * open findings hold all a key needs of the finding (the filter
     * column, the deadline, the bulletin and the position), and
     * bulletin_order what it needs of the bulletin (series, year, issue;
     * the date for the rows), so the sort reads two small indexes and the
     * listing fetches the whole row of only the findings it hands out
     * (store_findings.c).  finding_open_due gains the bulletin and the
     * position for the series' listing; its (series_id, deadline) start
     * still serves the statistics' counts.  finding_district (every
     * status) goes: the open findings of a district have
     * finding_open_district now, the others are walked in issue order by
     * finding_district_walk, so it only cost room (about a tenth of the
     * file) and time at every insert. */
    "DROP INDEX finding_district;\n"
    "DROP INDEX finding_open_due;\n"
    "CREATE INDEX finding_open_due ON finding(series_id, deadline, bulletin_id, seq) WHERE status = 'open';\n"
    "CREATE INDEX finding_open_district ON finding(district, deadline, bulletin_id, seq) WHERE status = 'open';\n"
    "CREATE INDEX bulletin_order ON bulletin(id, series_id, year, issue_no, date);\n",
};
/* The migration that creates the statistics summary: migrate() fills it
 * (store_stats_rebuild) right after running it, in the same transaction. */
#define MIGRATION_STATS 3
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* ---- schema check ------------------------------------------------------------
 * The objects a database of this version must hold are what the migrations
 * create: they are made once more in a private in-memory database and read
 * back from its sqlite_schema, so the check cannot drift from the schema.
 * Every table, index and trigger there must be in the file with the same
 * SQL; anything else in the file (a trigger, a table nobody made through
 * tongbao) is a fault for `archive verify` too. */
typedef struct {
    char *type, *name, *sql;
} schema_obj;

typedef struct {
    schema_obj *o;
    size_t n;
} schema_list;

static void schema_list_free(schema_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->o[i].type);
        free(l->o[i].name);
        free(l->o[i].sql);
    }
    free(l->o);
    l->o = NULL;
    l->n = 0;
}

/* The schema objects of db (SQLite's own sqlite_* ones aside). */
static int schema_read(sqlite3 *db, schema_list *l) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT type, name, coalesce(sql, '') FROM sqlite_schema "
                                    "WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!' "
                                    "ORDER BY type <> 'table', type, name", -1, &st, NULL);
    size_t cap = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (l->n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            schema_obj *p = xrealloc(l->o, nc * sizeof *p);
            l->o = p;
            cap = nc;
        }
        schema_obj *o = &l->o[l->n++];
        o->type = xstrdup((const char *)sqlite3_column_text(st, 0));
        o->name = xstrdup((const char *)sqlite3_column_text(st, 1));
        o->sql = xstrdup((const char *)sqlite3_column_text(st, 2));
        if (!o->type || !o->name || !o->sql) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_finalize(st);
    return rc;
}

static int schema_expected(schema_list *l) {
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    for (int k = 0; rc == SQLITE_OK && k < (int)(sizeof migrations / sizeof migrations[0]); k++)
        rc = sqlite3_exec(db, migrations[k], NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = schema_read(db, l);
    sqlite3_close(db);
    return rc;
}

static const schema_obj *schema_find(const schema_list *l, const char *type, const char *name) {
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->o[i].type, type) && !strcmp(l->o[i].name, name)) return &l->o[i];
    return NULL;
}

long store_schema_faults(store *s, int extra_too, store_fault_fn cb, void *ctx, err *e) {
    schema_list want = {0}, have = {0};
    long faults = 0;
    char line[600];
    int rc = schema_expected(&want);
    if (rc != SQLITE_OK) {
        schema_list_free(&want);
        return rc == SQLITE_NOMEM ? store_oom(s, e) : err_set(e, TB_EINTERNAL, s->path, 0, 0,
                                   "internal: the schema does not build in memory (%s)", sqlite3_errstr(rc));
    }
    if ((rc = schema_read(s->db, &have)) != SQLITE_OK) {
        schema_list_free(&want);
        schema_list_free(&have);
        return store_fail(s, rc, "checking the database's schema", e);
    }
    for (size_t i = 0; i < want.n; i++) {
        const schema_obj *w = &want.o[i], *h = schema_find(&have, w->type, w->name);
        if (!h) snprintf(line, sizeof line, "schema: %s %s is missing (dropped?)", w->type, w->name);
        else if (strcmp(h->sql, w->sql)) snprintf(line, sizeof line, "schema: %s %s is not as tongbao creates it "
                                                  "(changed by hand?)", w->type, w->name);
        else continue;
        faults++;
        if (cb) cb(ctx, line);
    }
    for (size_t i = 0; extra_too && i < have.n; i++) {
        if (schema_find(&want, have.o[i].type, have.o[i].name)) continue;
        snprintf(line, sizeof line, "schema: %s %s is not one tongbao creates (added by another program?)",
                 have.o[i].type, have.o[i].name);
        faults++;
        if (cb) cb(ctx, line);
    }
    schema_list_free(&want);
    schema_list_free(&have);
    long long v = 0, app = 0;
    if (store_query_int(s, "PRAGMA user_version", &v, e) < 0 || store_query_int(s, "PRAGMA application_id", &app, e) < 0)
        return -1;
    if (v != STORE_SCHEMA_VERSION) {
        snprintf(line, sizeof line, "schema: version (PRAGMA user_version) is %lld, this tongbao writes %d", v,
                 STORE_SCHEMA_VERSION);
        faults++;
        if (cb) cb(ctx, line);
    }
    if (app != TB_APP_ID) {
        snprintf(line, sizeof line, "schema: PRAGMA application_id is %lld, not tongbao's", app);
        faults++;
        if (cb) cb(ctx, line);
    }
    return faults;
}

/* Opening, phase 4: a damaged schema (a dropped table, index or trigger,
 * one changed by hand) stops every command at once, saying what is wrong,
 * instead of "no such table" halfway through.  `archive verify` opens with
 * store_open_verify and lists it among the faults. */
static void first_fault(void *ctx, const char *fault) {
    char *out = ctx;
    if (!out[0]) snprintf(out, 300, "%s", fault + (strncmp(fault, "schema: ", 8) ? 0 : 8));
}

static int open_check_schema(store *s, err *e) {
    char first[300] = "";
    long n = store_schema_faults(s, 0, first_fault, first, e);
    if (n < 0) return -1;
    if (n == 0) return 0;
    return err_set(e, TB_EDB, s->path, 0, 0,
                   "the history database is damaged: %s%s; nothing was done. Restore it from a backup; "
                   "`tongbao archive verify` lists every fault", first, n > 1 ? " (and more)" : "");
}

/* ---- cached statements ------------------------------------------------------ */
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
    /* No open finding at the place: the latest rectified one of an earlier
     * issue makes this one recur (issue 19). */
    [Q_RECUR] = "SELECT f.id, f.repeat_count, b.year, b.issue_no "
                "FROM finding f JOIN bulletin b ON b.id = f.bulletin_id "
                "WHERE f.series_id = ?1 AND f.norm_location = ?2 AND f.status = 'done' "
                "AND (b.year < ?3 OR (b.year = ?3 AND b.issue_no < ?4)) "
                "ORDER BY f.rowid DESC LIMIT 1",
    /* The series' last issue (highest number), for the date order check. */
    [Q_LAST_ISSUED] = "SELECT date, year, issue_no FROM bulletin WHERE series_id = ?1 "
                      "ORDER BY year DESC, issue_no DESC LIMIT 1",
    [Q_INS_SERIES] = "INSERT INTO series(name, code, created_at) "
                     "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [Q_INS_BULLETIN] =
        "INSERT INTO bulletin(series_id, input_id, year, issue_no, date, title, issuer, "
        "doc_number, has_inspection, method, period_from, period_to, rect_deadline, "
        "rect_report_to, template, tool_version, source_name, n_findings, n_repeats, "
        "n_cases, pages, pdf_size, pdf_sha256, source_size, source_sha256, issued_at, n_recurring, form) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?26, ?27)",
    [Q_INS_FILE] = "INSERT INTO bulletin_file(bulletin_id, template_xml, context, source_xml, pdf) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_INS_FORM] = "INSERT INTO bulletin_form(bulletin_id, form, size, sha256, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_FORM_BYTES] = "SELECT bytes, size, sha256 FROM bulletin_form WHERE bulletin_id = ?1 AND form = ?2",
    [Q_INS_SCOPE] = "INSERT INTO scope_count(bulletin_id, seq, what, unit, number) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_INS_FINDING] =
        "INSERT INTO finding(id, bulletin_id, series_id, seq, category_no, category, "
        "district, street, community, site, unit, norm_location, text, observed, "
        "responsible, deadline, repeat_of, repeat_count, repeat_note, recurs) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?17, ?18, ?19, ?20)",
    [Q_INS_CASE] = "INSERT INTO case_(bulletin_id, seq, subject, problem, facts) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_INS_OUTCOME] = "INSERT INTO outcome(case_id, seq, date, person, rank, kind, text) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_FINDING_OWNER] = "SELECT s.name, b.date FROM finding f "
                        "JOIN series s ON s.id = f.series_id "
                        "JOIN bulletin b ON b.id = f.bulletin_id WHERE f.id = ?1",
    [Q_SET_STATUS] = "UPDATE finding SET status = ?2, done_date = ?3, note = ?4 WHERE id = ?1",
    [Q_FINDING_STATE] = "SELECT status, done_date, note FROM finding WHERE id = ?1",
    [Q_INS_EVENT] = "INSERT INTO rectification_event(finding_id, status, date, note, source, "
                    "recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [Q_FILE] = "SELECT source_xml, template_xml, context FROM bulletin_file WHERE bulletin_id = ?1",
    [Q_FILE_PDF] = "SELECT pdf FROM bulletin_file WHERE bulletin_id = ?1",
    [Q_FINDING_IDS] = "SELECT id, repeat_note, repeat_of, recurs FROM finding WHERE bulletin_id = ?1 ORDER BY seq",
    /* Statistics (store_series_stats, store_stats.c).  Two counts
     * rather than one pass with sum(deadline < ?2): a bare count(*) walks
     * the partial index without evaluating anything per row, and the
     * overdue ones are a range of it. */
    [Q_ST_OVERDUE] = "SELECT count(*) FROM finding WHERE series_id = ?1 AND status = 'open' AND deadline < ?2",
    /* The summary counts whichever of its open findings are fewer, the
     * overdue or the others (deadline from ?2 on, or none), up to ?3 at a
     * time (store_stats.c, count_overdue_fast): a long history's backlog
     * of findings never put right only grows (67,735 overdue in a series
     * at 10 million findings, 7 ms to count), and a night of a thousand
     * bulletins due on one day is the other way round. */
    [Q_ST_OVERDUE_UPTO] = "SELECT count(*) FROM (SELECT 1 FROM finding WHERE series_id = ?1 AND status = 'open' "
                          "AND deadline < ?2 LIMIT ?3)",
    [Q_ST_NOT_DUE_UPTO] = "SELECT count(*) FROM (SELECT 1 FROM finding WHERE series_id = ?1 AND status = 'open' "
                          "AND deadline IS NULL UNION ALL SELECT 1 FROM finding WHERE series_id = ?1 "
                          "AND status = 'open' AND deadline >= ?2 LIMIT ?3)",
    /* One bulletin's scope counts grouped as the series-wide recount
     * groups them (store_stats.c: the summary adds them when recording). */
    [Q_BST_SCOPE] = "SELECT sc.what, sc.unit, sum(CAST(trim(sc.number) AS INTEGER)), "
                    "count(DISTINCT sc.bulletin_id), min(sc.seq) AS f "
                    "FROM scope_count sc JOIN bulletin b ON b.id = sc.bulletin_id "
                    "WHERE sc.bulletin_id = ?1 AND b.has_inspection GROUP BY sc.what, sc.unit ORDER BY f",
    /* The statistics summary (migration 3 -> 4; store_stats.c). */
    [Q_SUM_ROW] = "SELECT bulletins, inspections, findings, repeats, recurring, case_bulletins, cases, "
                  "people, orgs, open FROM series_stats WHERE series_id = ?1",
    [Q_SUM_NAMES] = "SELECT kind, name, n FROM series_stat_name WHERE series_id = ?1 ORDER BY first, kind, name",
    [Q_SUM_SCOPE] = "SELECT what, unit, total, rounds FROM series_scope WHERE series_id = ?1 ORDER BY first, id",
    [Q_SUM_PEOPLE] = "UPDATE series_stats SET people = people + ?2, orgs = orgs + ?3 WHERE series_id = ?1",
    [Q_SUM_NAME_ADD] = "INSERT INTO series_stat_name(series_id, kind, name, n, first) VALUES (?1, ?2, ?3, ?4, ?5) "
                       "ON CONFLICT (series_id, kind, name) DO UPDATE SET n = n + excluded.n, "
                       "first = min(first, excluded.first)",
    [Q_SUM_SCOPE_ADD] = "UPDATE series_scope SET total = total + ?4, rounds = rounds + 1, first = min(first, ?5) "
                        "WHERE series_id = ?1 AND what IS ?2 AND unit IS ?3",
    [Q_SUM_SCOPE_NEW] = "INSERT INTO series_scope(series_id, what, unit, total, rounds, first) "
                        "VALUES (?1, ?2, ?3, ?4, 1, ?5)",
};

const char *store_path(const store *s) { return s ? s->path : ""; }

void store_allow_backdated(store *s, int on) { s->allow_backdated = on; }

const char *store_migration(int k) { return k >= 0 && k < N_MIGRATIONS ? migrations[k] : NULL; }

/* ---- errors ------------------------------------------------------------------ */
int store_fail(store *s, int rc, const char *doing, err *e) {
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
        struct rlimit rl;
        if (en == EFBIG && getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
            return err_set(e, TB_EDB, path, 0, 0,
                           "the file-size limit of this process (ulimit -f) is %llu bytes, too small for the "
                           "history database and the files SQLite keeps beside it (while %s); nothing was "
                           "recorded.  Raise the limit and run again", (unsigned long long)rl.rlim_cur, doing);
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

int store_oom(store *s, err *e) {
    return err_set(e, TB_EINTERNAL, s ? s->path : "", 0, 0, "out of memory");
}

/* ---- statement helpers ------------------------------------------------------ */
/* A cached statement, reset and with bindings cleared. */
sqlite3_stmt *store_stmt(store *s, int which, err *e) {
    assert(which >= 0 && which < Q__COUNT);
    /* a cached statement is handed out reset: one still stepping is a
     * query whose rows someone did not finish (store_stmt_done) */
    assert(!s->q[which] || !sqlite3_stmt_busy(s->q[which]));
    if (!s->q[which]) {
        int rc = sqlite3_prepare_v3(s->db, qsql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->q[which], NULL);
        if (rc != SQLITE_OK) {
            store_fail(s, rc, "preparing a query", e);
            return NULL;
        }
    }
    return s->q[which];
}

/* Run a statement that returns no rows. */
int store_run(store *s, sqlite3_stmt *st, int bind_rc, const char *doing, err *e) {
    int rc = bind_rc;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE || rc == SQLITE_ROW) rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) store_fail(s, rc, doing, e);
    store_stmt_done(st);
    return rc == SQLITE_OK ? 0 : -1;
}

/* Step a query: 1 = row, 0 = no more rows, -1 = error (e filled). */
int store_next_row(store *s, sqlite3_stmt *st, const char *doing, err *e) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    store_fail(s, rc, doing, e);
    return -1;
}

/* Copy a text column into an arena; *bad is set on OOM. */
const char *store_col_dup(arena *a, sqlite3_stmt *st, int i, int *bad) {
    const char *t = store_col_text(st, i);
    if (!t) return NULL;
    char *d = arena_strdup(a, t);
    if (!d) *bad = 1;
    return d;
}

int store_exec(store *s, const char *sql, const char *doing, err *e) {
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : store_fail(s, rc, doing, e);
}

/* Read one integer from a constant query (PRAGMAs). */
int store_query_int(store *s, const char *sql, long long *out, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "opening the history database", e);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) store_fail(s, rc, "opening the history database", e);
    sqlite3_finalize(st);   /* returns the step's error again, handled above */
    return rc == SQLITE_OK ? 0 : -1;
}

/* ---- transactions ----------------------------------------------------------- */
int store_tx_begin(store *s, int immediate, const char *doing, err *e) {
    if (!sqlite3_get_autocommit(s->db))
        return err_set(e, TB_EINTERNAL, s->path, 0, 0,
                       "internal: %s inside another transaction (a render or prepare "
                       "callback must not write to the store)", doing);
    /* IMMEDIATE takes the write lock now, before anything is read, so the
     * numbers read next cannot be taken by another process before commit;
     * the busy timeout makes it wait for a concurrent writer. */
    return store_exec(s, immediate ? "BEGIN IMMEDIATE" : "BEGIN", doing, e);
}

void store_tx_rollback(store *s) {
    for (int i = 0; i < Q__COUNT; i++) store_stmt_done(s->q[i]);
    /* After some errors (SQLITE_FULL, IOERR) SQLite has already rolled back
     * by itself; then there is nothing left to do.  A failing ROLLBACK is
     * not reported: the error that got us here is the one the user needs, and
     * an unfinished transaction is rolled back when the handle closes. */
    if (!sqlite3_get_autocommit(s->db)) (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_tx_commit(store *s, const char *doing, err *e) {
    assert(!sqlite3_get_autocommit(s->db));   /* a commit ends a transaction store_tx_begin opened */
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return 0;
    store_fail(s, rc, doing, e);
    store_tx_rollback(s);
    return -1;
}

/* ---- opening ------------------------------------------------------------------ */
static int migrate_tx(store *s, err *e);

/* A migration may rewrite much of a long history (6 drops an index of
 * every finding: at 10 million findings SQLite's statement journal then
 * holds 430 MB of pages).  Writing handles keep temporary files in memory
 * (open_journal); for the migration they go to disk, then back. */
static int migrate(store *s, err *e) {
    if (store_exec(s, "PRAGMA temp_store = FILE", "upgrading the history database", e) < 0) return -1;
    int r = migrate_tx(s, e);   /* on failure the handle is closed */
    return r < 0 ? -1 : store_exec(s, "PRAGMA temp_store = MEMORY", "upgrading the history database", e);
}

static int migrate_tx(store *s, err *e) {
    if (store_tx_begin(s, 1, "upgrading the history database", e) < 0) return -1;
    long long v;
    /* Read the version again under the write lock: another process may have
     * migrated between our first look and now. */
    if (store_query_int(s, "PRAGMA user_version", &v, e) < 0) goto fail;
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
        if (store_exec(s, migrations[k], what, e) < 0) goto fail;
        if (k == MIGRATION_STATS && store_stats_fill(s, e) < 0) goto fail;
    }
    /* PRAGMA takes no bound parameters; the number is our own constant. */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", N_MIGRATIONS);
    if (store_exec(s, sql, "upgrading the history database", e) < 0) goto fail;
    return store_tx_commit(s, "upgrading the history database", e);
fail:
    store_tx_rollback(s);
    return -1;
}

/* Opening, phase 1: the connection with extended codes, the busy timeout
 * and defensive mode. */
static int open_connect(store *s, int create, int readonly, err *e) {
    int flags = readonly ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "opening the history database", e);
    if ((rc = sqlite3_extended_result_codes(s->db, 1)) != SQLITE_OK ||
        (rc = sqlite3_busy_timeout(s->db, STORE_BUSY_MS)) != SQLITE_OK)
        return store_fail(s, rc, "opening the history database", e);
    /* Defensive mode: even a crafted query cannot corrupt the file through
     * writable_schema and friends — the archive is evidence. */
    int on;
    if ((rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on)) != SQLITE_OK ||
        (rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &on)) != SQLITE_OK)
        return store_fail(s, rc, "opening the history database", e);
    return 0;
}

/* Opening, phase 2: whose file is it?  *ver gets its schema version.  The
 * first read also catches "not a database".  The three reads share one
 * read transaction: read one by one, another process creating the same new
 * file could commit its schema between them, and (no id, version 0, tables
 * present) would look like someone else's file. */
static int open_check_owner(store *s, long long *ver, err *e) {
    long long app, nobj;
    if (store_exec(s, "BEGIN", "opening the history database", e) < 0) return -1;
    if (store_query_int(s, "PRAGMA application_id", &app, e) < 0 ||
        store_query_int(s, "PRAGMA user_version", ver, e) < 0 ||
        store_query_int(s, "SELECT count(*) FROM sqlite_schema", &nobj, e) < 0) {
        store_tx_rollback(s);
        return -1;
    }
    store_tx_rollback(s);   /* read only: ending it either way is the same */
    if ((app != 0 && app != TB_APP_ID) || (app == 0 && *ver == 0 && nobj > 0))
        return err_set(e, TB_EDB, s->path, 0, 0,
                       "this SQLite file is not a tongbao history database; point --db or "
                       "TONGBAO_DB at the right file (the file was left untouched)");
    if (*ver > N_MIGRATIONS)
        return err_set(e, TB_EDB, s->path, 0, 0,
                       "this database was written by a newer tongbao (schema version %lld; this "
                       "tongbao knows up to %d); upgrade tongbao. The file was left untouched",
                       *ver, N_MIGRATIONS);
    return 0;
}

/* Opening, phase 3 (writing handles): WAL and synchronous=FULL.
 * WAL: readers never block the writer and a commit is one append; a killed
 * process leaves the WAL to be rolled forward or ignored.
 * synchronous=FULL syncs the WAL at every commit.  NORMAL would be
 * crash-safe too, but after a power cut it may forget the last commits,
 * and a forgotten issue number would be handed out again for a bulletin
 * that is already on paper.  One fsync per issued bulletin costs a few
 * milliseconds — cheap for that guarantee. */
static int open_journal(store *s, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
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
    if (rc != SQLITE_OK) store_fail(s, rc, "switching the history database to WAL", e);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) return -1;
    /* Statement and savepoint journals in memory.  Inserting a finding
     * (foreign keys, the statistics trigger) keeps a statement journal of
     * the pages it touches; on a file past 64 KiB that was some 2,000
     * pwrite calls per bulletin in a nightly (4.8 of 13.9 ms of the main
     * thread's CPU per bulletin, issue 18).  They hold a statement's or a
     * bulletin's pages at most, and nothing durable depends on them: the
     * WAL and its sync are unchanged.  Sorting still spills to files. */
    if (store_exec(s, "PRAGMA temp_store = MEMORY", "opening the history database", e) < 0) return -1;
    return store_exec(s, "PRAGMA synchronous = FULL", "opening the history database", e);
}

static store *open_impl(const char *path, int create, int readonly, int check_schema, err *e) {
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
    store *s = xcalloc(1, sizeof *s);
    if (!s || !(s->path = xstrdup(path))) {
        free(s);
        err_set(e, TB_EINTERNAL, path, 0, 0, "out of memory");
        return NULL;
    }
    s->readonly = readonly;
    long long ver, fk;
    if (open_connect(s, create, readonly, e) < 0 || open_check_owner(s, &ver, e) < 0 ||
        (!readonly && open_journal(s, e) < 0) ||
        store_exec(s, "PRAGMA foreign_keys = ON", "opening the history database", e) < 0 ||
        store_query_int(s, "PRAGMA foreign_keys", &fk, e) < 0)
        goto fail;
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
    if (check_schema && open_check_schema(s, e) < 0) goto fail;
    return s;
fail:
    store_close(s);
    return NULL;
}

store *store_open(const char *path, err *e) { return open_impl(path, 1, 0, 1, e); }

store *store_open_existing(const char *path, int readonly, err *e) {
    return open_impl(path, 0, readonly, 1, e);
}

store *store_open_verify(const char *path, err *e) { return open_impl(path, 0, 1, 0, e); }

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
    return store_exec(s, on ? "PRAGMA wal_autocheckpoint = 1000" : "PRAGMA wal_autocheckpoint = 0",
                      "setting up the history database", e);
}

int store_checkpoint(store *s, err *e) {
    if (s->readonly) return 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    /* BUSY: another checkpoint is running — it does the same work. */
    if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) return 0;
    return store_fail(s, rc, "copying the write-ahead log into the history database", e);
}

/* ---- dates ------------------------------------------------------ */
int store_norm_today(store *s, const char *today, char out[11], err *e) {
    if (!today) {
        date_today(out);
        return 0;
    }
    date_val v;
    if (date_parse(today, DATE_TIME | DATE_SECONDS, &v, NULL, 0) < 0)
        return err_set(e, TB_EUSAGE, s ? s->path : "", 0, 0,
                       "\"%s\" is not a date like 2026-11-22 to judge overdue findings by", today);
    date_format_day(&v, out);
    return 0;
}
