/* store.h — the history database (SQLite): issue numbers, finding IDs,
 * the archive of everything sent, rectification tracking and statistics.
 *
 * Owns: the schema and its migrations, numbering (第N期 per series and
 * calendar year), finding IDs (JC2026-007-003), repeat detection, the
 * archive (the bulletin's forms — PDF or PDF/A, OFD — each with its SHA-256,
 * source XML, template, tool version),
 * verification, finding queries, rectification events and cumulative
 * statistics.  It speaks only in model_bulletin (model.h) and bytes: it never
 * parses XML and never renders; rendering reaches it through callbacks.
 *
 * Transactions.  Everything that writes runs inside one BEGIN IMMEDIATE
 * transaction: either the whole bulletin (row, PDF, source, findings, cases)
 * is recorded or none of it, also after SIGKILL or a full disk.  Two
 * processes never get the same number: the write lock is taken before the
 * next number is read, and UNIQUE(series, year, issue_no) backs that up.
 * A writer waits up to STORE_BUSY_MS for another one, then fails with a
 * clear message (TB_EDB).
 *
 * Strings handed to row callbacks live only for the call.  Strings returned
 * by the store_get_* functions live in the arena the caller passes. */
#ifndef TB_STORE_H
#define TB_STORE_H

#include <stddef.h>
#include "model.h"
#include "util.h"

#define STORE_SCHEMA_VERSION 6      /* PRAGMA user_version this binary writes */
#define STORE_BUSY_MS 10000         /* wait this long for another writer */
#define STORE_DEFAULT_PATH "tongbao.db"

typedef struct store store;

/* ---- opening ------------------------------------------------------------ */
/* Open (creating and migrating to STORE_SCHEMA_VERSION as needed) the
 * database at path.  Refuses a file that is not a tongbao database, or one
 * written by a newer tongbao (user_version > STORE_SCHEMA_VERSION), and
 * leaves such a file untouched.  NULL + e (TB_EDB) on failure. */
store *store_open(const char *path, err *e);
/* Open an existing database only (TB_ENOTFOUND if the file is missing, so a
 * query never leaves an empty database behind).  readonly: open read-only
 * (queries, export, verify); a read-only open never migrates and refuses an
 * older schema with a hint to run a writing command first. */
store *store_open_existing(const char *path, int readonly, err *e);
void store_close(store *s);
const char *store_path(const store *s);
/* Every open checks the schema against what the migrations create (every
 * table, index and trigger, with its SQL) and refuses a damaged one
 * (TB_EDB, naming the first fault).  store_open_verify opens read-only
 * without that check, for store_verify to list the faults. */
store *store_open_verify(const char *path, err *e);

/* WAL checkpoints.  A writing handle copies the write-ahead log back into
 * the database file whenever it has grown past about 4 MB (SQLite's
 * auto-checkpoint), inside the commit that crossed the line: with a PDF of
 * some hundred KB per bulletin that is every ten or so commits, about 1 ms
 * per bulletin of the committing thread.  A batch writer can turn that off
 * on its handle (on = 0; on = 1 turns it back on) and let another thread,
 * with its own handle on the same file, call store_checkpoint now and then.
 * store_checkpoint is PASSIVE: it copies what is committed without waiting
 * for, or blocking, readers and the writer.  Checkpoints move committed
 * pages only: what is recorded, and what a crash can undo, stay the same
 * (an unfinished checkpoint is redone from the WAL on the next open).
 * Both return 0, or -1 + e. */
int store_set_autocheckpoint(store *s, int on, err *e);
int store_checkpoint(store *s, err *e);

/* 期号 follow dates: store_issue, store_reserve and store_commit refuse
 * (TB_EINPUT) a bulletin dated before the last issued one of its series
 * (the highest number), unless it carries an issue="N" override or this
 * was turned on for the handle (--allow-backdated). */
void store_allow_backdated(store *s, int on);

/* ---- issuing ------------------------------------------------------------ */
/* What the history keeps besides the model: the input exactly as read and
 * what it was rendered with, so a bulletin can be regenerated years later. */
typedef struct {
    const void *xml;               /* the input file's bytes as read */
    size_t xml_len;
    const char *source_name;       /* file name for the listing; may be NULL */
    const char *template_name;     /* template used (NULL: b->template_name) */
    const char *template_xml;      /* template definition text; NULL = built-in */
    const char *tool_version;      /* e.g. "tongbao 0.3.0" */
} store_source;

/* The forms a bulletin is archived in (issue 13), as bits: a PDF (plain or
 * PDF/A-2b) and an OFD package.  The values are template.h's TPL_FORM_*. */
enum { STORE_FORM_PDF = 1, STORE_FORM_OFD = 2 };

/* What a render produced.  Initialise with store_rendered_init; the store
 * frees what it handed to a render callback, the caller frees its own.
 * A bulletin is issued in the forms whose buffers are not empty: the PDF
 * (pdfa: it is PDF/A-2b), the OFD, or both.  The first of them is the
 * bulletin's main form (bulletin.form, the pdf_* columns); the OFD beside a
 * PDF is archived as a further form with its own SHA-256. */
typedef struct {
    buf pdf;                       /* the PDF bytes (empty: no PDF form) */
    int pdfa;                      /* pdf is PDF/A-2b */
    buf ofd;                       /* the OFD package (empty: no OFD form) */
    int pages;
    /* Anything else the rendering depended on that the history can change
     * later (e.g. issue 5's rectification-status and statistics figures).
     * Stored verbatim; store_get_archived hands it back for regen. */
    buf context;
    /* SHA-256 of pdf (lower-case hex) and the length it was taken over,
     * filled by store_rendered_hash; "" = not computed yet. */
    char pdf_sha256[65];
    size_t pdf_hashed_len;
    char ofd_sha256[65];           /* the same for ofd */
    size_t ofd_hashed_len;
} store_rendered;
void store_rendered_init(store_rendered *r);
void store_rendered_free(store_rendered *r);
/* Hash r->pdf and r->ofd now, on the calling thread (any thread: it touches only r), so
 * that store_commit and store_issue need not: the nightly workers hash what
 * they render and keep the ~2 ms per bulletin off the serialized database
 * thread.  Call it after the last change to r->pdf; a hash whose length no
 * longer matches is ignored and the store hashes again. */
void store_rendered_hash(store_rendered *r);

/* Called inside the write transaction after numbers, finding IDs and repeat
 * notes are in b.  It may run store_* queries on the same handle (they see
 * the history before this bulletin), but must not write to the store.
 * Returns 0, or -1 with e filled: the transaction is rolled back. */
typedef int (*store_render_fn)(void *ctx, model_bulletin *b, store_rendered *out, err *e);
/* Called after a successful render, still inside the transaction, e.g. to
 * write the PDF to a temporary file.  -1 + e rolls everything back.  After
 * store_issue returns 0 the caller renames the temporary file into place; on
 * any other return it removes it. */
typedef int (*store_before_commit_fn)(void *ctx, const model_bulletin *b,
                                      const store_rendered *r, err *e);
typedef struct {
    store_render_fn render;                 /* required */
    store_before_commit_fn before_commit;   /* may be NULL */
    void *ctx;
} store_hooks;

typedef struct {
    int already_issued;    /* this bulletin id was issued before: nothing recorded */
    int source_differs;    /* (already_issued) the stored source bytes differ */
    int stale;             /* store_commit: reservation outdated, nothing recorded */
    int year, issue_no;    /* assigned, or (already_issued) the existing issue */
    char code[17];         /* series code used in the finding IDs */
    int n_findings, n_repeats, pages;
    char pdf_sha256[65];   /* after a successful issue/commit: the main form's */
    err error;             /* store_reserve: this item's problem (code 0 = none) */
} store_result;

/* One-shot issue, all in one BEGIN IMMEDIATE transaction:
 *   1. if (series, b->id) was issued before: return 1, res->already_issued,
 *      res->year/issue_no say which issue it is; b is left untouched;
 *   2. assign b->year (from the header date), b->issue_no (next number in
 *      series and year, or b->issue_override if free), every finding's id,
 *      repeat_note and repeat_of (arena strings).  A finding repeats the
 *      latest recorded open finding of an earlier issue at the same
 *      normalised place (store_norm_location);
 *   3. hooks->render, then hooks->before_commit;
 *   4. record bulletin, PDF + SHA-256, source, template, findings, cases;
 *      COMMIT.
 * Returns 0 when issued, 1 when already issued, -1 with e filled (nothing
 * recorded; assignments in b are cleared again, b->history with them). */
int store_issue(store *s, model_bulletin *b, const store_source *src,
                const store_hooks *hooks, store_result *res, err *e);

/* Two-phase issuing for the nightly batch (render in parallel, write
 * serialized).  Contract:
 *   store_reserve assigns numbers, finding IDs and repeat notes to bs[0..n)
 *   in input order, as if they were issued one after another (an item sees
 *   the items before it: numbering continues, repeats and duplicate ids
 *   within the batch are found).  Nothing is recorded: it looks under the
 *   write lock and rolls back.  Per item, res[i] says: already_issued (in the
 *   history or earlier in this batch), error.code != 0 (that item was not
 *   assigned, e.g. override taken, bad date, code conflict; later items are
 *   numbered as if it were absent), or assigned (b->year/issue_no/ids set).
 *   prepare (may be NULL) is called for each assigned item while the earlier
 *   items of the batch are visible to queries, so per-bulletin history
 *   figures (issue 5) can be computed; -1 from it fails that item.
 *   Returns 0, or -1 + e on a database error (then no item is assigned).
 *
 *   Then render each assigned item (any order, any thread; the store handle
 *   is not thread-safe, so queries belong in prepare, not in the workers).
 *
 *   store_commit records one item, in input order, in its own BEGIN
 *   IMMEDIATE transaction (or a savepoint of a group, below).  It recomputes the assignment and records only if
 *   it is still exactly what b carries (number, year, IDs, repeat notes) and
 *   the id is not issued yet.  Returns 0 recorded; 1 not recorded:
 *   res->already_issued (someone issued it meanwhile) or res->stale (the
 *   history moved, e.g. another process issued in the series, or an earlier
 *   item of the batch was not committed): reserve the remaining items again
 *   and re-render them; -1 + e on error.
 * A crash between commits leaves a prefix of the batch recorded; running
 * the batch again reserves only what is missing. */
typedef int (*store_prepare_fn)(void *ctx, model_bulletin *b, size_t index, err *e);
/* Group commit (the nightly, issue 18): between store_group_begin and
 * store_group_end, store_commit records each item under a savepoint of one
 * BEGIN IMMEDIATE transaction (an item that is stale, already issued or
 * fails is undone alone) and store_group_end commits them all with one
 * sync of the WAL.  Nothing of the group is durable before store_group_end
 * returns 0: write no file for its items before then.  Inside a group
 * nothing else may open a transaction on the handle (store_reserve, …).
 * store_group_end without a group returns 0; on failure nothing of the
 * group is recorded (-1 + e).  *n (may be NULL): the items it committed. */
int store_group_begin(store *s, err *e);
int store_group_end(store *s, int *n, err *e);
int store_in_group(const store *s);
int store_reserve(store *s, model_bulletin *const *bs, size_t n,
                  store_prepare_fn prepare, void *ctx, store_result *res, err *e);
/* store_reserve for bs[0..n) after fixed[0..n_fixed): items reserved
 * before and not committed yet (the nightly reserves its batch a part at a
 * time, the next part while the one before renders).  The fixed items are
 * assigned and recorded provisionally as store_commit will record them,
 * and never written to: other threads may be rendering them.  Returns 1
 * (nothing assigned) when one of them no longer carries what it would be
 * assigned now (its commit will find it stale); else as store_reserve. */
int store_reserve_after(store *s, model_bulletin *const *fixed, size_t n_fixed, model_bulletin *const *bs,
                        size_t n, store_prepare_fn prepare, void *ctx, store_result *res, err *e);
int store_commit(store *s, model_bulletin *b, const store_source *src,
                 const store_rendered *r, store_result *res, err *e);

/* ---- archive -------------------------------------------------------------- */
typedef struct {
    const char *series, *code, *input_id, *source_name;
    int year, issue_no;
    const char *date, *title, *issuer, *doc_number;
    const char *template_name, *tool_version, *issued_at;
    int n_findings, n_cases, pages;
    long long pdf_size;            /* the main form's bytes, whatever form they are */
    const char *pdf_sha256, *source_sha256;
    const char *form;              /* the main form: "pdf", "pdfa" or "ofd" */
    const char *ofd_sha256;        /* the further OFD beside a PDF, or NULL */
    long long ofd_size;
} store_bulletin_info;
/* Is the bulletin archived in this form (STORE_FORM_PDF: a PDF or PDF/A)?
 * Its SHA-256 (NULL when not), and all its forms as text ("pdfa ofd"). */
int store_info_has_form(const store_bulletin_info *in, int form);
const char *store_info_form_sha(const store_bulletin_info *in, int form);
const char *store_info_forms(const store_bulletin_info *in, char out[16]);

/* Rows ordered by series name, year, issue.  series NULL = all.  The
 * callback returns nonzero to stop.  Returns rows seen, or -1 + e. */
typedef int (*store_bulletin_fn)(void *ctx, const store_bulletin_info *r);
long store_list_bulletins(store *s, const char *series, store_bulletin_fn cb, void *ctx, err *e);

/* Look one bulletin up: year 0 = the latest year that has that issue.
 * info strings in a.  TB_ENOTFOUND when there is none. */
int store_find_bulletin(store *s, const char *series, int year, int issue_no,
                        arena *a, store_bulletin_info *info, err *e);
/* The bulletin issued just before (year, issue_no) in the series (across
 * the year boundary: 2027 第1期 → the last issue of 2026), for issue 5's
 * 上期通报的N个问题 paragraph.  Returns 0 found, 1 none (first issue), -1 +
 * e. */
int store_previous_bulletin(store *s, const char *series, int year, int issue_no,
                            arena *a, store_bulletin_info *info, err *e);
/* The archived bytes of one form (STORE_FORM_PDF: the PDF or PDF/A;
 * STORE_FORM_OFD) appended to *out and, if info != NULL, the bulletin's
 * row.  Never bytes that are not what was issued: TB_EVERIFY when they no
 * longer match their recorded SHA-256 and size; TB_ENOTFOUND when the
 * bulletin was not issued in that form (the message says which it was). */
int store_get_form(store *s, const char *series, int year, int issue_no, int form,
                   buf *out, arena *a, store_bulletin_info *info, err *e);
/* store_get_form of the PDF. */
int store_get_pdf(store *s, const char *series, int year, int issue_no,
                  buf *pdf, arena *a, store_bulletin_info *info, err *e);

/* Everything regen needs, from the database alone. */
typedef struct {
    store_bulletin_info info;
    const unsigned char *source;   /* the input bytes as issued */
    size_t source_len;
    const char *template_xml;      /* NULL = built-in template */
    const char *context;           /* store_rendered.context at issue, or NULL */
    size_t n_findings;             /* IDs and repeat notes in input order */
    const char **finding_ids;
    const char **repeat_notes;     /* entries NULL when not a repeat */
    const char **repeat_ofs;       /* the earlier finding's ID, or NULL */
    int *recurs;                   /* 1: it recurs after being put right */
} store_archived;
int store_get_archived(store *s, const char *series, int year, int issue_no,
                       arena *a, store_archived *out, err *e);
/* Put the stored assignments (year, issue, IDs, repeat notes and the IDs
 * they repeat) into a model
 * re-parsed from out->source.  -1 (TB_EVERIFY) if the findings don't line
 * up with what was recorded. */
int store_restore(model_bulletin *b, const store_archived *ar, err *e);

/* Verify the archive: the schema (store_schema_faults, extra objects
 * too), every archived form's (PDF, PDF/A, OFD) and source's SHA-256 and
 * size, each bulletin's finding count, the statistics summary against its
 * recount (store_stats_faults), PRAGMA integrity_check and
 * foreign_key_check.  Each fault is reported through cb (one line of
 * text).  Returns the number of faults (0 = all good), or -1 + e when the
 * check could not run.  The bulletins are read one at a time: memory stays
 * flat however large the archive. */
typedef void (*store_fault_fn)(void *ctx, const char *fault);
long store_verify(store *s, store_fault_fn cb, void *ctx, long *n_bulletins, err *e);
typedef struct {
    /* YYYY-MM-DD: only the bulletins dated on or after it (PDF, source,
     * finding count) and the schema; the whole-file checks (statistics
     * recount, integrity, foreign keys) are left out.  NULL: everything. */
    const char *since;
    /* Called as the check goes: phase names what runs ("bulletins",
     * "statistics recount", "SQLite integrity check", "foreign keys"),
     * done of total (total -1: not known; done -1: still running). */
    void (*progress)(void *ctx, const char *phase, long done, long total);
    void *progress_ctx;
} store_verify_opts;
long store_verify_with(store *s, const store_verify_opts *o, store_fault_fn cb, void *ctx, long *n_bulletins,
                       err *e);
/* The schema alone: every table, index and trigger the migrations create
 * must be there with the same SQL, PRAGMA user_version must be
 * STORE_SCHEMA_VERSION and application_id tongbao's; extra_too: objects
 * tongbao does not create are faults as well.  Returns the number of
 * faults, or -1 + e. */
long store_schema_faults(store *s, int extra_too, store_fault_fn cb, void *ctx, err *e);

/* ---- findings and rectification ---------------------------------------- */
enum {
    STORE_ST_ANY = 0,
    STORE_ST_OPEN,      /* open and not (yet) overdue */
    STORE_ST_OVERDUE,   /* open and its deadline is before today */
    STORE_ST_DONE,      /* rectified */
    STORE_ST_UNDONE     /* open or overdue: everything not rectified */
};

typedef struct {
    const char *series;      /* NULL = all */
    const char *district;    /* NULL = all */
    int status;              /* STORE_ST_* */
    const char *today;       /* YYYY-MM-DD; overdue = open and deadline < today.
                                NULL = today (date_today). */
    int year, issue_no;      /* issue_no > 0: only that bulletin (series
                                required; year 0 = latest with that number) */
    const char *id;          /* one finding by its ID (any case); NULL = all */
    const char *after;       /* an ID: only the findings listed after it (paging;
                                TB_ENOTFOUND when the history has no such ID) */
    long limit;              /* > 0: at most this many rows are wanted (a page,
                                and the row that shows more follow), so a
                                sorted listing keeps only those; 0 = all */
} store_finding_filter;

typedef struct {
    const char *id, *series;
    int year, issue_no, seq;
    const char *bulletin_date, *category;
    const char *district, *street, *community, *site, *unit;
    const char *text, *observed, *responsible;
    const char *deadline;     /* the finding's own, else the bulletin's */
    const char *status;       /* "open", "overdue" or "done" */
    const char *done_date, *note;
    const char *repeat_of, *repeat_note;
    int repeat_count;         /* 1 = first report; n = nth time */
    int escalations;          /* letters of tongbao escalate naming it (issue 16) */
    const char *level;        /* the last one's level (督办, 提醒, 告诫), or NULL */
} store_finding_row;

/* Ordered by series, year, issue, position, streamed: rows come as they
 * are read (store_findings.c says which index serves each filter), so a
 * callback that returns nonzero after a page stops the walk there.
 * Returns rows, or -1 + e. */
typedef int (*store_finding_fn)(void *ctx, const store_finding_row *r);
long store_list_findings(store *s, const store_finding_filter *f,
                         store_finding_fn cb, void *ctx, err *e);

typedef struct {
    const char *finding_id;
    int done;                /* 1 = rectified, 0 = (re)open */
    const char *date;        /* YYYY-MM-DD; NULL = today */
    const char *note;        /* what was done, or why it is still open */
} store_rectification;
/* Record rectification updates, all or nothing, each also as an event in
 * the finding's history.  series (may be NULL) must own every finding.
 * source names where the update came from ("cli", a file name) and is the
 * file in error messages.  Every item is checked before anything is
 * written: unknown IDs fail the lot with TB_ENOTFOUND naming all of them;
 * a malformed ID, a date that is not a calendar day or is after today,
 * another series' finding, a done date before the bulletin that reported
 * it, or a note with a control or bidirectional character fails it with
 * TB_EINPUT.  Notes are recorded with white space (line breaks too) folded
 * to single spaces.  A report equal to the finding's recorded state (same
 * status, date and note: the same report sent again) is not recorded a
 * second time (already[i] = 1 when already is not NULL).  store_rectify
 * returns 0, store_rectify_ex how many were recorded; both -1 + e. */
int store_rectify(store *s, const char *series, const store_rectification *items,
                  size_t n, const char *source, err *e);
int store_rectify_ex(store *s, const char *series, const store_rectification *items,
                     size_t n, const char *source, int *already, err *e);

/* ---- escalation (issue 16; store_escalate.c) ------------------------------
 * tongbao escalate: letters (督办通知书, then 提醒, 告诫) to each district
 * (or unit) whose findings are overdue, recorded with every finding they
 * name.  A finding is due when it is open and its deadline in force (the
 * new deadline of its last letter, else its own) lies at least
 * max(after, 1) days before today: overdue by `after` days or more.  A
 * finding put right drops out; one escalated today is not due again today,
 * so the same day twice sends nothing new.  The store knows no template:
 * the hooks fill what the template decides (level names, the new deadline,
 * the 发文字号) and render the letter. */
typedef struct {
    const char *series;     /* required: the series whose findings are escalated */
    const char *district;   /* a district or unit; NULL = all */
    const char *today;      /* the letters' date, YYYY-MM-DD; NULL = today */
    int after;              /* overdue by this many days or more (0 and 1: overdue at all) */
    int dry_run;            /* assign and prepare only: nothing rendered or recorded */
} store_escalate_opts;

typedef struct {
    /* Fill, for the letter the store has assigned (series, district, date,
     * year, number, issuer, report_to, items with level and missed): each
     * item's level_name, l->new_deadline and l->doc_number (prefix: the
     * series' last 发文字号 before 〔, else its code).  Strings into l->arena.
     * 0, or -1 + e: nothing is recorded. */
    int (*prepare)(void *ctx, model_letter *l, const char *prefix, err *e);
    /* Render it (not called in a dry run); may run queries, never writes. */
    int (*render)(void *ctx, const model_letter *l, store_rendered *out, err *e);
    /* Still inside the transaction, e.g. write the PDF to a temporary; may be NULL. */
    int (*before_commit)(void *ctx, const model_letter *l, const store_rendered *r, err *e);
    void *ctx;
    const char *template_name, *template_xml, *tool_version;   /* archived with each letter */
} store_letter_hooks;

typedef struct {
    arena *a;               /* everything below */
    model_letter **letters; /* in the order they were numbered */
    size_t n;
    const char **pdf_sha256;/* per letter (not in a dry run) */
    int *pages;
    long sent_today;        /* nothing due: letters of the series already dated today */
} store_escalate_result;

/* All letters in one BEGIN IMMEDIATE transaction: for each district in the
 * order of its first due finding, the next number of the series' letters in
 * the year of today, prepare, render, before_commit, then every letter and
 * escalation row is recorded at once (crash points escalate-recorded and
 * escalate-committed around the COMMIT).  Refused before anything is read
 * further, nothing recorded: an unknown series or district (TB_ENOTFOUND,
 * naming the districts there are), a today before the series' last
 * bulletin or last letter (TB_EINPUT).  Returns the number of letters
 * (0: nothing due), or -1 + e.  Free res with store_escalate_result_free. */
long store_escalate(store *s, const store_escalate_opts *o, const store_letter_hooks *h, store_escalate_result *res,
                    err *e);
void store_escalate_result_free(store_escalate_result *res);

/* One archived letter. */
typedef struct {
    const char *series, *district, *date, *doc_number, *template_name, *tool_version, *issued_at;
    int year, letter_no, level, n_findings, pages;
    long long pdf_size;
    const char *pdf_sha256;
} store_letter_info;

/* Letters of a series (NULL = all) in series, year, number order; date not
 * NULL: only those of that date.  cb returns nonzero to stop.  Rows seen, or
 * -1 + e.  Strings live for the call. */
typedef int (*store_letter_fn)(void *ctx, const store_letter_info *r);
long store_list_letters(store *s, const char *series, const char *date, store_letter_fn cb, void *ctx, err *e);
/* Letter N of a series (year 0 = the latest year that has it): the letter
 * composed again from the history (l, into a), the archived template text
 * (*template_xml, NULL if none), its PDF appended to pdf (may be NULL) and
 * its row.  TB_ENOTFOUND when there is none. */
int store_get_letter(store *s, const char *series, int year, int letter_no, arena *a, model_letter *l,
                     const char **template_xml, buf *pdf, store_letter_info *info, err *e);

/* ---- statistics ---------------------------------------------------------- */
/* The same shapes the bulletin's history figures use (model.h). */
typedef model_history_count store_stat_count;   /* {name, n} */
typedef model_history_scope store_scope_sum;    /* {what, unit, total, rounds} */

typedef struct {
    long bulletins;          /* 印发通报P期 */
    long inspections;        /* bulletins with an <inspection> (督查N轮) */
    long findings;           /* 发现问题M个 */
    long done, open, overdue;/* open excludes overdue; done+open+overdue = findings */
    long repeats;            /* findings reported again (recurring ones included) */
    long recurring;          /* of those, back after being put right (issue 19) */
    long case_bulletins;     /* bulletins with cases (典型案例通报Q期) */
    long cases;              /* R起 */
    long people;             /* 问责T人: distinct persons per case */
    long orgs;               /* organisations held accountable (see store_stats_add_case) */
    store_stat_count *by_rank;   /* people by rank, in order of first appearance */
    size_t n_by_rank;
    store_stat_count *by_kind;   /* people by kind of outcome, in order of first appearance */
    size_t n_by_kind;
    store_scope_sum *scope;      /* <scope> counts summed per (what, unit) over the
                                    inspections, in order of first appearance;
                                    rounds = inspections that counted it */
    size_t n_scope;
} store_stats;
/* Cumulative figures for one series (must exist: TB_ENOTFOUND otherwise)
 * as the history stands; arrays and names in a.  today as in the filter.
 * Read from the statistics summary, which the store keeps in step with
 * every bulletin recorded and every rectification, in the same
 * transaction: a few rows whatever the size of the history, plus the
 * series' overdue findings counted from the index of open ones. */
int store_series_stats(store *s, const char *series, const char *today,
                       arena *a, store_stats *out, err *e);
/* The same figures counted from the recorded bulletins, findings, cases
 * and scope counts (plain SQL and the case rules below), reading the
 * whole series: what the summary is checked against. */
int store_series_stats_recount(store *s, const char *series, const char *today,
                               arena *a, store_stats *out, err *e);
/* Compare every series' summary with its recount: one fault line through
 * cb per series that differs (naming the first figure that does).  Returns
 * the number of such series, or -1 + e.  Runs in the caller's transaction,
 * or reads in its own. */
long store_stats_faults(store *s, store_fault_fn cb, void *ctx, err *e);
/* Count the summary again from the history, in one write transaction
 * (`tongbao archive rebuild-stats`).  *n_series: series counted;
 * *n_differed: series whose summary differed before.  0, or -1 + e. */
int store_stats_rebuild(store *s, long *n_series, long *n_differed, err *e);
/* Count one case's outcomes into st the way store_series_stats counts
 * recorded ones (history uses it to add the bulletin being issued):
 *   - a person counts once per case (people), with the rank of their first
 *     outcome that names one (by_rank); under each kind once per case
 *     (by_kind: 党纪处分 and 组织处理 for one person count under both);
 *   - an outcome whose person has no rank and reads as an organisation
 *     (ends in 党委, 党工委, 党组, 支部, 委员会, 班子, 街道, 办事处, 政府, 局,
 *     委, 办, 厅, 室, 部, 组, 队, 所, 站, 院, 中心, 公司, 社区, 村, 镇, 乡:
 *     "石桥街道党工委被责成作出书面检查") counts once per case in orgs and
 *     nowhere else, so 问责T人 never counts a 党工委 as a person;
 *   - an outcome without a person counts as one unnamed person.
 * New names are copied into a. */
void store_stats_add_case(store_stats *st, arena *a, const model_outcome *o, size_t n);
/* 1 when an outcome's person reads as an organisation (rules above). */
int store_outcome_is_org(const char *person, const char *rank);

/* ---- helpers ------------------------------------------------------------- */
/* Normalised location used for repeat detection: district, street,
 * community, unit and site with full-width ASCII folded to half-width and
 * all white space removed, joined by U+001F.  malloc'd; NULL on OOM. */
char *store_norm_location(const model_finding *f);

#endif
