/* nightly.h — the nightly engine: the unattended batch over an inbox that
 * `tongbao nightly` (cli_nightly.c) drives.  Private to those two and the
 * engine's files: nightly.c (items, the worker pool, reserving, committing,
 * the main loop), nightly_writer.c (the writer thread) and
 * nightly_restore.c (inputs that are issued already).
 *
 * Owns: scanning the inbox, a pool of
 * worker threads that parse and render (one lay_ctx each), a writer thread
 * for the outputs, the order of effects that lets a killed run be finished
 * by the next one — commit, then the PDFs (atomically, durably), then the
 * input moves to done/ — restoring the outputs of inputs that are already
 * issued, rejected/ with FILE.xml.err, the progress bar and the closing
 * summary.
 *
 * The database is used by the main thread only: store_reserve numbers the
 * batch in input order a part at a time, the next part while the one
 * before renders (store_reserve_after; with history_prepare for each bulletin),
 * workers render (and hash) ahead of the commit cursor within a bounded
 * window, and store_commit records each bulletin in input order.  A stale
 * commit (an earlier item failed, or someone else issued in the series)
 * reserves the rest again and renders it again.  The main thread's serial
 * work per bulletin is only the commit: everything that can run beside it
 * does (rendering and hashing in the workers, files in the writer), because
 * once rendering is cheap the main thread is what limits bulletins/s.
 *
 * Outputs and durability.  The database is the point of truth and is
 * durable at each commit (store.c: WAL, synchronous=FULL); files are
 * derived from it and restorable.  A committed item goes to the writer
 * thread, which takes whatever has queued up as one batch:
 *   1. every file of every item to an O_EXCL temporary beside NAME
 *      (util.h's output policy; written, not synced);
 *   2. syncfs: the data of the whole batch reaches the disk in one flush;
 *   3. each temporary renamed to NAME;
 *   4. syncfs again: the renames are on disk;
 *   5. the inputs move to done/.
 * So an input is in done/ only once its outputs are complete and durable,
 * also across a power cut and on file systems that do not order metadata
 * after data (this one is ext4 without a journal).  Before step 5 the
 * input is still in the inbox, and the next run treats it as issued
 * already: it sweeps the dead run's temporaries and rewrites any output
 * that is missing or
 * damaged — the bulletin when its SHA-256 differs from the archive's, an
 * extract when it is not a whole PDF (a crash between rename and flush can
 * leave an empty or cut-off file; step 2 before step 3 rules that out for
 * kill -9 and power cuts alike, the check is the second line of defence).
 * One flush per batch instead of one fsync per file: same guarantee, and
 * on a slow disk the batch simply grows, so the writer keeps up.  The
 * move itself is not synced: if a power cut undoes it, the input is back
 * in the inbox, its outputs are complete, and the next run just moves it.
 * The writer never touches a number that is not committed, so no file
 * ever exists for a number that could still be handed to another
 * bulletin.
 *
 * Layout of the outputs: OUT/<series>/<year>/<NNN>/ holding
 * <series>-<year>-<NNN>.pdf and/or .ofd (the bulletin in each form its
 * series issues, byte-identical to the archive), <district>.pdf (one
 * 整改通知 extract per district with findings; PDF/A when the bulletin's
 * PDF is) and <district>-整改台账.xlsx. */
#ifndef TB_NIGHTLY_H
#define TB_NIGHTLY_H

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "layout.h"
#include "render.h"
#include "store.h"
#include "template.h"

#define NT_MAX_JOBS 64
#define NT_NAME_MAX 200         /* bytes of a series or district in a file name */

/* ---- items ---------------------------------------------------------------- */

enum {
    NT_NEW,         /* listed, not parsed yet */
    NT_PARSING,
    NT_PARSED,      /* valid, waiting for its number */
    NT_BAD,         /* failed: it->e says why, it->fate what to do about it */
    NT_ALREADY,     /* the id is issued (year, issue_no say which issue) */
    NT_QUEUED,      /* numbered, waiting for a worker */
    NT_RENDERING,
    NT_RENDERED,
    NT_GROUPED,     /* recorded in the open group commit, not durable yet */
    NT_COMMITTED,   /* recorded; queued for the writer thread */
    NT_WRITTEN,     /* outputs durable, input in done/: the main thread reports it */
    NT_WFAILED,     /* recorded, but the writer failed: it->e says why */
    NT_FINISHED     /* moved to done/ or rejected/ */
};

typedef struct {
    const char *district;       /* points into the item's model */
    buf pdf;
    int pages;
    buf xlsx;                   /* the district's 整改台账 (ledger.h) */
} nt_extract;

typedef struct {
    char *name;                 /* file name in the inbox */
    char *path;                 /* INBOX/name */
    char *xml;                  /* the bytes as read (archived as they are) */
    size_t len;
    model_bulletin *b;
    const tpl_template *t;      /* owned by the run's template cache */
    render_formset fs;          /* the forms it is issued in (--format, --pdfa, else t's <output>) */
    int state;
    int fate;                   /* NT_BAD: NT_REJECT, NT_HOLD or NT_STOP */
    int year, issue_no;         /* reserved, or (NT_ALREADY) the existing issue */
    int stale;                  /* how often its commit came back stale */
    int n_findings;             /* as recorded by the commit */
    store_rendered r;           /* bulletin PDF and/or OFD + history context */
    nt_extract *ex;
    size_t n_ex;
    buf warn;                   /* font fallback notes of the bulletin */
    char *dir;                  /* NT_WRITTEN: where the writer put its outputs */
    err e;
} nt_item;

typedef struct nt_run nt_run;

typedef struct {
    nt_run *run;
    pthread_t th;
    int started;
    lay_ctx *lc;                /* made at the first render job */
    double t_hash;                          /* wall seconds hashing PDFs */
    double t_parse, t_render, t_extracts;   /* wall seconds */
    double c_render;                        /* thread CPU seconds rendering */
    double t_window;                        /* wall seconds waiting with work beyond the window */
    long n_parse, n_render;
} nt_worker;

struct nt_run {
    const char *inbox, *outdir, *dbpath;
    int jobs, dry, quiet, tty, times;
    unsigned forms;             /* --format's forms (0: each template's <output>) */
    int pdfa;                   /* --pdfa */
    int allow_backdated;        /* --allow-backdated: store_allow_backdated */

    nt_item *items;             /* the batch: file-name order, then (parsed) date order */
    size_t n;

    char **tpl_names;           /* template cache: as the inputs name them */
    tpl_template **tpls;        /* loaded by the main thread, then only read */
    size_t n_tpls, cap_tpls;
    tpl_template *zhenggai;     /* NULL: extracts use the bulletin's template */
    store *s;
    lay_ctx *lc;                /* main thread's, for restoring extracts */

    /* The pool: a FIFO of item indices.  A worker takes the head only while
     * it is below `limit`, so rendering runs a bounded distance ahead of the
     * commits and memory stays flat however large the inbox. */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    size_t *queue, q_head, q_tail;
    size_t limit;
    int busy, quit;
    size_t fin;                 /* main thread: items before it are finished */
    size_t n_parsed;
    nt_worker *workers;

    /* The writer thread: a FIFO of committed item indices (fed by the main
     * thread in input order, taken in batches), under the same mutex.  It
     * reports through cv_done like the workers.  After a failure it stops
     * taking items (w_failed); the main thread stops at the failed item. */
    pthread_t w_th;
    int w_started, w_quit, w_busy, w_failed;
    pthread_cond_t cv_write;
    size_t *wq, wq_head, wq_tail;
    double tw_write, tw_sync, tw_rename, tw_move;   /* writer thread, wall */
    long w_batches, w_files;
    /* The WAL checkpoints, off the main thread: the writer runs them on its
     * own handle (store.h) every NT_CKPT_EVERY written items.  NULL: the
     * main handle checkpoints as usual.  ck_failed (under mu) hands that
     * back to the main handle. */
    store *ck;
    long w_since_ck, w_ckpts;
    int ck_failed;
    double tw_ckpt;

    long issued, extracts, already, rejected, restored, pages, findings;
    long held;                  /* left in the inbox (broken template) */
    int held_code;              /* the first such error's code */
    int fatal;                  /* exit code of the error that stopped the run */
    size_t finished;            /* items done with, for the progress bar */
    double t0;
    /* The command's progress bar: redrawn when something moved (if due),
     * cleared before a line is printed.  Either may be NULL. */
    void (*progress)(nt_run *r);
    void (*clear)(nt_run *r);
    double last_draw;
    int bar_shown;
    int mu_ok;                  /* mu and the condition variables exist */
    /* Group commit (nt_commit): items grp_lo.. up to the cursor are
     * NT_GROUPED in the store's open group; groups counts the commits. */
    size_t grp_lo;
    long groups;
    /* Numbering a part at a time (nightly_batch.c): items before `reserved`
     * have been through a reservation; ahead_off stops numbering ahead
     * until the next full reservation; n_ahead counts the parts numbered
     * ahead. */
    size_t reserved;
    int ahead_off;
    long n_ahead;
    long n_renumber;            /* stale commits: the rest numbered again */
    double tm_scan, tm_parse, tm_reserve, tm_commit, tm_write, tm_move, tm_wait, tm_restore, tm_report;
    double c_main;              /* main thread CPU seconds (times) */
    double c_reserve, c_commit; /* main thread CPU seconds reserving, committing */
    double c_writer;            /* the writer thread's CPU seconds */
};

/* What a failed item's error means (nt_fate). */
enum { NT_REJECT, NT_HOLD, NT_STOP };

/* ---- the engine, in the order the command calls it ----------------------- */
/* The signal handler the command installs for SIGINT and SIGTERM, and the
 * signal that asked the run to stop (0 = none).  The engine checks it
 * between items. */
void nt_on_signal(int sig);
int nt_stop_signal(void);
/* INBOX/ *.xml (regular files, no dot files), sorted by name; sweeps the
 * temporaries of rejected/.  0, or an exit code (the message printed). */
int nt_scan(nt_run *r);
/* The store (and the writer's checkpoint handle), the zhenggai template,
 * the locks and the worker pool.  r->s set, or -1 with e. */
int nt_start(nt_run *r, err *e);
/* 1. parse every input, in parallel; then order the batch by bulletin
 * date, id and file name (期号 follow dates). */
void nt_parse_all(nt_run *r);
/* 2. load the templates; invalid inputs go to rejected/ now. */
void nt_check_templates(nt_run *r);
/* 3. number the batch, 4. render ahead, commit in order, write behind.
 * -1 with e when the writer does not start. */
int nt_issue(nt_run *r, err *e);
/* Let the writer finish what is committed and stop every thread. */
void nt_finish(nt_run *r);
/* Free everything the run holds (not r itself). */
void nt_free(nt_run *r);

/* ---- shared by the engine's files ------------------------------------------ */
double nt_clock(clockid_t id);
double nt_now(void);
int nt_fate(const err *e);
void nt_msg_wrap(err *e, const char *prefix, const char *suffix);
char *nt_join(const char *a, const char *b);
char *nt_item_dir(const nt_run *r, const char *series, int year, int no);
/* DIR/<series>-<year>-<NNN>.pdf, or .ofd for form STORE_FORM_OFD */
char *nt_bulletin_file(const char *dir, const char *series, int year, int no, int form);
char *nt_extract_file(const char *dir, const char *district);
/* DIR/<district>-整改台账.xlsx, beside the extract */
char *nt_ledger_file(const char *dir, const char *district);
int nt_mkdir_p(const char *path, err *e);
void nt_sweep_tmp(const char *dir);
void nt_item_drop_render(nt_item *it);
void nt_item_finish(nt_run *r, nt_item *it);
void nt_say(nt_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nt_complain(nt_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nt_fail(nt_run *r, const err *e);
/* Move the input to INBOX/sub/; why: write NAME.err there first, saying
 * why and how to resubmit (NULL for done/, which also drops a stale
 * rejected/NAME.err). */
int nt_move(nt_run *r, nt_item *it, const char *sub, const err *why, char **moved, double *tm, err *e);
void nt_reject(nt_run *r, nt_item *it);
/* Leave an item in the inbox (a broken template: not the input's fault). */
void nt_hold(nt_run *r, nt_item *it);
/* Drop queued jobs and wait until no worker is busy. */
void nt_pool_drain(nt_run *r);
/* Redraw the command's progress bar (if it has one). */
void nt_progress(nt_run *r);
void nt_wait_done(nt_run *r);
int nt_writer_start(nt_run *r, err *e);     /* nightly_writer.c */
void nt_writer_drain(nt_run *r);
void nt_writer_stop(nt_run *r);
int nt_already(nt_run *r, nt_item *it);     /* nightly_restore.c */

#endif
