/* cli_nightly.c — `tongbao nightly`: the unattended batch over an inbox.
 *
 * Owns: the nightly lock beside the database, scanning the inbox, a pool of
 * worker threads that parse and render (one lay_ctx each), a writer thread
 * for the outputs, the order of effects that lets a killed run be finished
 * by the next one — commit, then the PDFs (atomically, durably), then the
 * input moves to done/ — restoring the outputs of inputs that are already
 * issued, rejected/ with FILE.xml.err, the progress bar and the closing
 * summary.
 *
 * The database is used by the main thread only: store_reserve numbers the
 * whole batch in input order (with history_prepare for each bulletin),
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
 *   1. every file of every item to NAME.tmp.PID (written, not synced);
 *   2. syncfs: the data of the whole batch reaches the disk in one flush;
 *   3. each NAME.tmp.PID renamed to NAME;
 *   4. syncfs again: the renames are on disk;
 *   5. the inputs move to done/.
 * So an input is in done/ only once its outputs are complete and durable,
 * also across a power cut and on file systems that do not order metadata
 * after data (this one is ext4 without a journal).  Before step 5 the
 * input is still in the inbox, and the next run treats it as issued
 * already: it sweeps NAME.tmp.* and rewrites any output that is missing or
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
 * <series>-<year>-<NNN>.pdf (the bulletin, byte-identical to the archive)
 * and <district>.pdf (one 整改通知 extract per district with findings). */
#define _GNU_SOURCE /* flock(2), syncfs(2), sysconf(_SC_NPROCESSORS_ONLN) */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compose.h"
#include "history.h"
#include "parse.h"
#include "render.h"
#include "sha256.h"
#include "store.h"
#include "template.h"

/* The one piece of process state: which signal asked us to stop (0 = none).
 * Set by the handler, read by the main thread between items. */
static volatile sig_atomic_t nt_signal;

static void nt_on_signal(int sig) { nt_signal = sig; }

#define NT_MAX_JOBS 64
#define NT_NAME_MAX 200         /* bytes of a series or district in a file name */

static const char nt_help[] =
    "usage: tongbao nightly INBOX [--out DIR] [--db PATH] [--jobs N] [--dry-run] [--quiet]\n"
    "Issues every INBOX/*.xml whose bulletin id is not issued yet in its series:\n"
    "validates, numbers, renders and archives it, and writes one 整改通知 extract\n"
    "per district into DIR/<series>/<year>/<NNN>/ as <series>-<year>-<NNN>.pdf\n"
    "and <district>.pdf.  Inputs are taken in file-name order.  A done input moves\n"
    "to INBOX/done/; a bad one to INBOX/rejected/ beside FILE.xml.err, which says\n"
    "what to fix; the others go on.  An input issued before (same id, same bytes)\n"
    "gets any missing outputs rewritten from the archive and moves to done/; the\n"
    "same id with different content is rejected.  A run that was killed is\n"
    "finished by running it again: nothing is issued twice and no number is lost.\n"
    "  --out DIR     where the PDFs go (default ./out)\n"
    "  --db PATH     history database (default $TONGBAO_DB, else ./tongbao.db);\n"
    "                PATH.nightly.lock keeps a second nightly out\n"
    "  --jobs N      render threads (default: the number of online CPUs)\n"
    "  --dry-run     validate and show what would be issued, with the numbers it\n"
    "                would get; writes and moves nothing (does not render)\n"
    "  --quiet       print only errors (for cron)\n"
    "On a terminal a progress bar shows files and pages; unless --quiet a summary\n"
    "table closes the run.  TONGBAO_NIGHTLY_TIMES=1 adds per-phase timings.\n"
    "exit status:\n"
    "   0  every input went through (or there was nothing to do)\n"
    "  10  some inputs were rejected (see INBOX/rejected/*.err), the others went through\n"
    "  11  another nightly holds the lock on this database; nothing was done\n"
    "   5  a template does not load: the inputs using it stay in INBOX, the others went through\n"
    "   2  bad command line or unreadable INBOX      4  fonts      6  output (disk)\n"
    "   7  database      70  internal error: the run stopped; what is not done stays in INBOX\n"
    "      and the next run finishes it\n"
    "  130/143  stopped by SIGINT/SIGTERM after the current bulletin; run again to finish\n";

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
    NT_COMMITTED,   /* recorded; queued for the writer thread */
    NT_WRITTEN,     /* outputs durable, input in done/: the main thread reports it */
    NT_WFAILED,     /* recorded, but the writer failed: it->e says why */
    NT_FINISHED     /* moved to done/ or rejected/ */
};

typedef struct {
    const char *district;       /* points into the item's model */
    buf pdf;
    int pages;
} nt_extract;

typedef struct {
    char *name;                 /* file name in the inbox */
    char *path;                 /* INBOX/name */
    char *xml;                  /* the bytes as read (archived as they are) */
    size_t len;
    model_bulletin *b;
    const tpl_template *t;      /* owned by the run's template cache */
    int state;
    int fate;                   /* NT_BAD: NT_REJECT, NT_HOLD or NT_STOP */
    int year, issue_no;         /* reserved, or (NT_ALREADY) the existing issue */
    int stale;                  /* how often its commit came back stale */
    int n_findings;             /* as recorded by the commit */
    store_rendered r;           /* bulletin PDF + history context */
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
    long n_parse, n_render;
} nt_worker;

struct nt_run {
    const char *inbox, *outdir, *dbpath;
    int jobs, dry, quiet, tty, times;

    nt_item *items;             /* the batch, in file-name order */
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
    double t0, last_draw;
    int bar_shown;
    double tm_scan, tm_parse, tm_reserve, tm_commit, tm_write, tm_move, tm_wait, tm_restore, tm_report;
    double c_main;              /* main thread CPU seconds (times) */
};

static double nt_clock(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) < 0) return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static double nt_now(void) { return nt_clock(CLOCK_MONOTONIC); }

/* What a failed item's error means.  Input problems are the file's to fix:
 * it goes to rejected/.  A broken installed template is the operator's: the
 * inputs using it stay in the inbox and the others go on.  Anything else
 * (database, disk, memory) stops the run with the inputs left in place. */
enum { NT_REJECT, NT_HOLD, NT_STOP };
static int nt_fate(const err *e) {
    switch (e->code) {
    case TB_EINPUT: case TB_EFONT: case TB_ENOTFOUND: return NT_REJECT;
    case TB_ETEMPLATE: return NT_HOLD;
    default: return NT_STOP;
    }
}

/* e->msg becomes prefix + e->msg + suffix (cut at a code point if too long). */
static void nt_msg_wrap(err *e, const char *prefix, const char *suffix) {
    buf t;
    buf_init(&t);
    buf_puts(&t, prefix);
    buf_puts(&t, e->msg);
    buf_puts(&t, suffix);
    const char *s = buf_cstr(&t);
    if (s) {
        size_t n = strlen(s);
        if (n >= sizeof e->msg) {
            n = sizeof e->msg - 1;
            while (n && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
        }
        memcpy(e->msg, s, n);
        e->msg[n] = 0;
    }
    buf_free(&t);
}

static char *nt_join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p) return NULL;
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* A series or district as one path component: no '/', no control
 * characters, no leading dot, at most NT_NAME_MAX bytes of whole code points. */
static void nt_fname(const char *s, char *out, size_t n) {
    size_t o = 0, max = n - 1 < NT_NAME_MAX ? n - 1 : NT_NAME_MAX;
    if (s && *s == '.' && o < max) out[o++] = '_';
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
        size_t len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
        for (size_t k = 1; k < len; k++)
            if (!p[k]) len = k;
        if (o + len > max) break;
        if (len == 1) {
            unsigned char c = *p;
            out[o++] = (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) ? '_' : (char)c;
        } else {
            memcpy(out + o, p, len);
            o += len;
        }
        p += len;
    }
    if (!o) out[o++] = '_';
    out[o] = 0;
}

/* OUT/<series>/<year>/<NNN> (malloc'd) */
static char *nt_item_dir(const nt_run *r, const char *series, int year, int no) {
    char s[NT_NAME_MAX + 8];
    nt_fname(series, s, sizeof s);
    size_t l = strlen(r->outdir) + strlen(s) + 48;
    char *p = malloc(l);
    if (p) snprintf(p, l, "%s/%s/%d/%03d", r->outdir, s, year, no);
    return p;
}

static char *nt_bulletin_file(const char *dir, const char *series, int year, int no) {
    char s[NT_NAME_MAX + 8];
    nt_fname(series, s, sizeof s);
    size_t l = strlen(dir) + strlen(s) + 48;
    char *p = malloc(l);
    if (p) snprintf(p, l, "%s/%s-%d-%03d.pdf", dir, s, year, no);
    return p;
}

static char *nt_extract_file(const char *dir, const char *district) {
    char d[NT_NAME_MAX + 8];
    nt_fname(district, d, sizeof d);
    size_t l = strlen(dir) + strlen(d) + 8;
    char *p = malloc(l);
    if (p) snprintf(p, l, "%s/%s.pdf", dir, d);
    return p;
}

static int nt_mkdir_p(const char *path, err *e) {
    char *p = strdup(path);
    if (!p) return err_set(e, TB_EINTERNAL, path, 0, 0, "out of memory");
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q) continue;
        char c = *q;
        *q = 0;
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            int en = errno;
            err_set(e, TB_EOUTPUT, p, 0, 0, "cannot create the directory: %s", strerror(en));
            free(p);
            return -1;
        }
        *q = c;
        if (!c) break;
    }
    free(p);
    return 0;
}

/* 1 when path exists and its SHA-256 is sha (lower-case hex). */
static int nt_file_has_sha(const char *path, const char *sha) {
    err e = {0};
    size_t len;
    char *data = file_read(path, (size_t)1 << 30, &len, &e);
    if (!data) return 0;
    char hex[65];
    sha256_hex(data, len, hex);
    free(data);
    return sha && !strcmp(hex, sha);
}

/* 1 when path is a whole PDF: it starts with %PDF- and ends with %%EOF (and
 * at most some white space).  An extract has no hash in the archive to
 * compare with, and re-rendering one to compare would replace a file that
 * went out with whatever this tongbao renders today; what can go wrong
 * with a file we wrote is that it is empty or cut off (a crash before its
 * data reached the disk, a full disk, a copy that stopped), and that shows
 * at its two ends. */
static int nt_pdf_whole(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat sb;
    char head[5], tail[64];
    int whole = 0;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= (off_t)(sizeof head + 5)) {
        size_t n = sb.st_size < (off_t)sizeof tail ? (size_t)sb.st_size : sizeof tail;
        if (pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head && !memcmp(head, "%PDF-", 5) &&
            pread(fd, tail, n, sb.st_size - (off_t)n) == (ssize_t)n) {
            while (n && strchr(" \t\r\n", tail[n - 1]) && tail[n - 1]) n--;
            whole = n >= 5 && !memcmp(tail + n - 5, "%%EOF", 5);
        }
    }
    close(fd);   /* read only: nothing to lose */
    return whole;
}

/* Remove what file_write_atomic leaves behind when a run is killed while
 * writing: NAME.tmp.PID in dir. */
static void nt_sweep_tmp(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *t = strstr(de->d_name, ".tmp.");
        if (!t || !t[5] || strspn(t + 5, "0123456789") != strlen(t + 5)) continue;
        char *p = nt_join(dir, de->d_name);
        if (p) unlink(p);
        free(p);
    }
    closedir(d);
}

static void nt_item_drop_render(nt_item *it) {
    buf_reset(&it->r.pdf);
    it->r.pdf_sha256[0] = 0;
    it->r.pdf_hashed_len = 0;
    it->r.pages = 0;
    for (size_t i = 0; i < it->n_ex; i++) buf_free(&it->ex[i].pdf);
    free(it->ex);
    it->ex = NULL;
    it->n_ex = 0;
    buf_reset(&it->warn);
}

static void nt_item_free(nt_item *it) {
    nt_item_drop_render(it);
    free(it->dir);
    it->dir = NULL;
    store_rendered_free(&it->r);
    buf_free(&it->warn);
    model_free(it->b);
    it->b = NULL;
    free(it->xml);
    it->xml = NULL;
    free(it->name);
    free(it->path);
}

/* Release what a finished item holds; the name stays for messages.  A dry
 * run keeps the model and bytes: later duplicates are compared with them. */
static void nt_item_finish(nt_run *r, nt_item *it) {
    nt_item_drop_render(it);
    store_rendered_free(&it->r);
    store_rendered_init(&it->r);
    buf_free(&it->warn);
    free(it->dir);
    it->dir = NULL;
    if (!r->dry) {
        model_free(it->b);
        it->b = NULL;
        free(it->xml);
        it->xml = NULL;
    }
    it->state = NT_FINISHED;
    r->finished++;
}

/* ---- output: progress bar, item lines, summary ------------------------------ */

static void nt_bar_clear(nt_run *r) {
    if (r->bar_shown) {
        fputs("\r\033[K", stdout);
        r->bar_shown = 0;
    }
}

static void nt_bar(nt_run *r, int force) {
    if (!r->tty || r->quiet || r->dry) return;
    double now = nt_now();
    if (!force && now - r->last_draw < 0.1) return;
    r->last_draw = now;
    const int width = 24;
    int fill = r->n ? (int)((double)r->finished * width / (double)r->n) : width;
    char bar[width + 1];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '-';
    bar[width] = 0;
    double el = now - r->t0;
    printf("\r[%s] %zu/%zu files  %ld pages  %.1f bulletins/s\033[K", bar, r->finished, r->n, r->pages,
           el > 0 ? (double)r->issued / el : 0.0);
    fflush(stdout);
    r->bar_shown = 1;
}

/* One line about an item on stdout (not with --quiet). */
static void nt_say(nt_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void nt_say(nt_run *r, const char *fmt, ...) {
    if (r->quiet) return;
    nt_bar_clear(r);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

static void nt_complain(nt_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void nt_complain(nt_run *r, const char *fmt, ...) {
    nt_bar_clear(r);
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    fputs("tongbao: nightly: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static void nt_fail(nt_run *r, const err *e) {
    if (r->fatal) return;
    nt_bar_clear(r);
    cli_error(e);
    r->fatal = e->code ? e->code : TB_EINTERNAL;
}

/* ---- inbox: moving files, rejecting ---------------------------------------- */

/* Move the input to INBOX/sub/.  A different file of the same name there is
 * kept: ours becomes NAME.2.xml (.3, …).  With errtext, NAME.xml.err is
 * written first, so a kill in between leaves the input where it was.  The
 * time taken is added to *tm (the calling thread's own counter). */
static int nt_move(nt_run *r, nt_item *it, const char *sub, const char *errtext, char **moved, double *tm, err *e) {
    double t = nt_now();
    char *dir = nt_join(r->inbox, sub), *dest = NULL, *errf = NULL;
    int rc = -1;
    if (!dir) {
        err_set(e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
        goto out;
    }
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        err_set(e, TB_EOUTPUT, dir, 0, 0, "cannot create the directory: %s", strerror(errno));
        goto out;
    }
    size_t nl = strlen(it->name), cap = strlen(dir) + nl + 32;
    if (!(dest = malloc(cap)) || !(errf = malloc(cap + 8))) {
        err_set(e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
        goto out;
    }
    for (int k = 1;; k++) {
        if (k == 1) snprintf(dest, cap, "%s/%s", dir, it->name);
        else snprintf(dest, cap, "%s/%.*s.%d.xml", dir, (int)(nl - 4), it->name, k);
        struct stat sb;
        if (lstat(dest, &sb) < 0) break;                 /* free */
        err ignored = {0};
        size_t len;
        char *old = file_read(dest, PARSE_MAX_BYTES, &len, &ignored);
        int same = old && it->xml && len == it->len && !memcmp(old, it->xml, len);
        free(old);
        if (same) break;                                 /* a copy of ours (an earlier, killed run) */
        if (k > 999) {
            err_set(e, TB_EOUTPUT, dest, 0, 0, "too many files of this name in %s; clean it up", dir);
            goto out;
        }
    }
    if (errtext) {
        snprintf(errf, cap + 8, "%s.err", dest);
        if (file_write_atomic(errf, errtext, strlen(errtext), e) < 0) goto out;
    }
    if (rename(it->path, dest) < 0) {
        err_set(e, TB_EOUTPUT, it->path, 0, 0, "cannot move the input to %s: %s", dir, strerror(errno));
        goto out;
    }
    if (moved) {
        *moved = dest;
        dest = NULL;
    }
    rc = 0;
out:
    free(dir);
    free(dest);
    free(errf);
    *tm += nt_now() - t;
    return rc;
}

/* Reject an item: FILE.xml.err with the message, the file to rejected/. */
static void nt_reject(nt_run *r, nt_item *it) {
    if (!it->e.file[0]) snprintf(it->e.file, sizeof it->e.file, "%s", it->path);
    char msg[2048];
    err_format(&it->e, msg, sizeof msg);
    if (r->dry) {
        r->rejected++;
        nt_complain(r, "would reject %s: %s\n", it->name, msg);
        nt_item_finish(r, it);
        return;
    }
    size_t l = strlen(msg) + 2;
    char *text = malloc(l), *moved = NULL;
    err e = {0};
    if (!text) {
        err_set(&e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
        nt_fail(r, &e);
        return;
    }
    snprintf(text, l, "%s\n", msg);
    if (nt_move(r, it, "rejected", text, &moved, &r->tm_move, &e) < 0) {
        nt_fail(r, &e);
        free(text);
        return;
    }
    r->rejected++;
    nt_complain(r, "rejected %s → %s.err: %s\n", it->name, moved, msg);
    free(text);
    free(moved);
    nt_item_finish(r, it);
}

/* Leave an item in the inbox: not its fault (a broken template), so the
 * next run takes it again once that is fixed. */
static void nt_hold(nt_run *r, nt_item *it) {
    char msg[2048];
    err_format(&it->e, msg, sizeof msg);
    r->held++;
    if (!r->held_code) r->held_code = it->e.code ? it->e.code : TB_EINTERNAL;
    nt_complain(r, "%s %s in the inbox: %s\n", r->dry ? "would leave" : "left", it->name, msg);
    nt_item_finish(r, it);
}

/* ---- the worker pool -------------------------------------------------------- */

/* Workers run NT_WORKER_NICE steps below the main thread.  There are as
 * many workers as cores, so the main thread shares a core with one of
 * them, and at equal weight each commit would take twice its CPU time;
 * everything waits on the commits, so they go first.  The workers lose
 * nothing: whatever the main thread does not use is theirs.  On Linux the
 * nice value belongs to the thread (setpriority(2), "BUGS"), so this
 * lowers only the calling worker; raising one's nice value needs no
 * privilege.  Best effort: at worst the workers keep the process's value. */
#define NT_WORKER_NICE 5
static void nt_worker_nice(void) {
    errno = 0;
    int cur = getpriority(PRIO_PROCESS, 0);
    if (cur == -1 && errno) return;
    if (setpriority(PRIO_PROCESS, 0, cur + NT_WORKER_NICE) < 0) {
        /* ignored, see above */
    }
}

/* Jobs return the item's next state; the worker stores it under the lock. */
static int nt_parse_job(nt_item *it) {
    size_t len;
    it->xml = file_read(it->path, PARSE_MAX_BYTES, &len, &it->e);
    if (it->xml) {
        it->len = len;
        it->b = parse_memory(it->xml, len, it->path, &it->e);
    }
    if (it->b) return NT_PARSED;
    it->fate = nt_fate(&it->e);
    return NT_BAD;
}

/* The bulletin, then one extract per district.  Touches only the item, the
 * shared (read-only) templates and the worker's own layout context. */
static int nt_render_job(nt_worker *w, nt_item *it) {
    nt_run *r = w->run;
    err *e = &it->e;
    render_info info;
    render_info_init(&info);
    arena *a = NULL;
    double t = nt_now(), c = nt_clock(CLOCK_THREAD_CPUTIME_ID);
    memset(e, 0, sizeof *e);
    nt_item_drop_render(it);
    if (!w->lc && !(w->lc = lay_ctx_new(e))) {
        it->fate = NT_STOP;
        goto fail_stop;
    }
    render_opts ro = {NULL, 1, NULL};
    if (render_bulletin(w->lc, it->b, it->t, &ro, &it->r.pdf, &info, e) < 0) goto fail;
    it->r.pages = info.pages;
    if (info.warnings.len) buf_add(&it->warn, info.warnings.data, info.warnings.len);
    double t1 = nt_now();
    w->t_render += t1 - t;
    size_t nd = 0;
    const char **ds = (a = arena_new()) ? compose_districts(it->b, a, &nd) : NULL;
    if (!ds || (nd && !(it->ex = calloc(nd, sizeof *it->ex)))) {
        err_set(e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
        goto fail;
    }
    const tpl_template *zt = r->zhenggai ? r->zhenggai : it->t;
    for (size_t i = 0; i < nd; i++) {
        nt_extract *x = &it->ex[it->n_ex++];
        x->district = ds[i];
        buf_init(&x->pdf);
        render_info_free(&info);
        render_info_init(&info);
        render_opts xo = {ds[i], 1, "zhenggai"};
        if (render_bulletin(w->lc, it->b, zt, &xo, &x->pdf, &info, e) < 0) {
            buf p;
            buf_init(&p);
            buf_printf(&p, "in the district extract for %s: ", ds[i]);
            const char *ps = buf_cstr(&p);
            nt_msg_wrap(e, ps ? ps : "", "");
            buf_free(&p);
            goto fail;
        }
        x->pages = info.pages;
    }
    double t2 = nt_now();
    w->t_extracts += t2 - t1;
    w->c_render += nt_clock(CLOCK_THREAD_CPUTIME_ID) - c;
    /* The archive's SHA-256 of the bulletin, here rather than in the
     * serialized commit. */
    store_rendered_hash(&it->r);
    w->t_hash += nt_now() - t2;
    w->n_render++;
    arena_free(a);
    render_info_free(&info);
    return NT_RENDERED;
fail:
    it->fate = nt_fate(e);
fail_stop:
    arena_free(a);
    render_info_free(&info);
    nt_item_drop_render(it);
    return NT_BAD;
}

static void *nt_worker_main(void *arg) {
    nt_worker *w = arg;
    nt_run *r = w->run;
    nt_worker_nice();
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->quit && !(r->q_head < r->q_tail && r->queue[r->q_head] < r->limit))
            pthread_cond_wait(&r->cv_work, &r->mu);
        if (r->quit) break;
        nt_item *it = &r->items[r->queue[r->q_head++]];
        int parse = it->state == NT_NEW;
        it->state = parse ? NT_PARSING : NT_RENDERING;
        r->busy++;
        pthread_mutex_unlock(&r->mu);
        int next;
        if (parse) {
            double t = nt_now();
            next = nt_parse_job(it);
            w->t_parse += nt_now() - t;
            w->n_parse++;
        } else next = nt_render_job(w, it);
        pthread_mutex_lock(&r->mu);
        it->state = next;
        if (parse) r->n_parsed++;
        r->busy--;
        pthread_cond_broadcast(&r->cv_done);
    }
    pthread_mutex_unlock(&r->mu);
    lay_ctx_free(w->lc);
    w->lc = NULL;
    return NULL;
}

static int nt_pool_start(nt_run *r, err *e) {
    if (!(r->workers = calloc((size_t)r->jobs, sizeof *r->workers)))
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    /* Signals go to the main thread, which decides when to stop. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = 0;
    for (int i = 0; i < r->jobs; i++) {
        r->workers[i].run = r;
        int en = pthread_create(&r->workers[i].th, NULL, nt_worker_main, &r->workers[i]);
        if (en) {
            rc = err_set(e, TB_EINTERNAL, NULL, 0, 0, "cannot start a render thread: %s", strerror(en));
            break;
        }
        r->workers[i].started = 1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

static void nt_pool_stop(nt_run *r) {
    if (!r->workers) return;
    pthread_mutex_lock(&r->mu);
    r->quit = 1;
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
    for (int i = 0; i < r->jobs; i++)
        if (r->workers[i].started) pthread_join(r->workers[i].th, NULL);
}

/* Wait for the pool to report something, at most 100 ms (so signals and
 * the progress bar are seen).  Called with r->mu held. */
static void nt_wait_done(nt_run *r) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&r->cv_done, &r->mu, &ts);
}

/* Drop queued jobs and wait until no worker is busy. */
static void nt_pool_drain(nt_run *r) {
    pthread_mutex_lock(&r->mu);
    r->q_head = r->q_tail = 0;
    while (r->busy) nt_wait_done(r);
    pthread_mutex_unlock(&r->mu);
}

/* ---- templates ---------------------------------------------------------------- */

static const tpl_template *nt_template(nt_run *r, const char *name, err *e) {
    for (size_t i = 0; i < r->n_tpls; i++)
        if (!strcmp(r->tpl_names[i], name)) return r->tpls[i];
    if (r->n_tpls == r->cap_tpls) {
        size_t cap = r->cap_tpls ? 2 * r->cap_tpls : 8;
        tpl_template **p = realloc(r->tpls, cap * sizeof *p);
        if (p) r->tpls = p;
        char **q = p ? realloc(r->tpl_names, cap * sizeof *q) : NULL;
        if (q) r->tpl_names = q;
        if (!p || !q) {
            err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
            return NULL;
        }
        r->cap_tpls = cap;
    }
    char *key = strdup(name);
    tpl_template *t = key ? tpl_load(name, e) : NULL;
    if (!t) {
        if (!key) err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        free(key);
        return NULL;
    }
    r->tpl_names[r->n_tpls] = key;
    r->tpls[r->n_tpls++] = t;
    return t;
}

/* ---- reserving -------------------------------------------------------------- */

typedef struct {
    nt_run *r;
    size_t *idx;
} nt_prep;

static int nt_prepare(void *ctx, model_bulletin *b, size_t index, err *e) {
    nt_prep *p = ctx;
    nt_item *it = &p->r->items[p->idx[index]];
    buf_reset(&it->r.context);
    return history_prepare(p->r->s, b, NULL, &it->r.context, e);
}

/* Number every unfinished item from `from` on, in input order, and queue
 * the numbered ones for rendering.  The pool must be idle.  -1: database
 * error (r->fatal set). */
static int nt_reserve(nt_run *r, size_t from) {
    double t = nt_now();
    size_t m = 0, cap = r->n - from;
    model_bulletin **bs = malloc((cap ? cap : 1) * sizeof *bs);
    size_t *idx = malloc((cap ? cap : 1) * sizeof *idx);
    store_result *res = calloc(cap ? cap : 1, sizeof *res);
    err e = {0};
    int rc = -1;
    if (!bs || !idx || !res) {
        err_set(&e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        nt_fail(r, &e);
        goto out;
    }
    for (size_t k = from; k < r->n; k++) {
        nt_item *it = &r->items[k];
        int s = it->state;
        if (s != NT_PARSED && s != NT_ALREADY && s != NT_QUEUED && s != NT_RENDERED) continue;
        nt_item_drop_render(it);
        bs[m] = it->b;
        idx[m++] = k;
    }
    nt_prep pc = {r, idx};
    if (store_reserve(r->s, bs, m, nt_prepare, &pc, res, &e) < 0) {
        nt_fail(r, &e);
        goto out;
    }
    pthread_mutex_lock(&r->mu);
    r->q_head = r->q_tail = 0;
    for (size_t j = 0; j < m; j++) {
        nt_item *it = &r->items[idx[j]];
        if (res[j].already_issued) {
            it->state = NT_ALREADY;
            it->year = res[j].year;
            it->issue_no = res[j].issue_no;
        } else if (res[j].error.code) {
            it->e = res[j].error;
            it->state = NT_BAD;
            it->fate = nt_fate(&it->e);
        } else {
            it->state = NT_QUEUED;
            it->year = it->b->year;
            it->issue_no = it->b->issue_no;
            if (!r->dry) r->queue[r->q_tail++] = idx[j];
        }
    }
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
    rc = 0;
out:
    free(bs);
    free(idx);
    free(res);
    r->tm_reserve += nt_now() - t;
    return rc;
}

/* ---- committing and writing -------------------------------------------------- */

/* One file at a time, atomically and synced: restoring (main thread). */
static int nt_write(nt_run *r, const char *path, const buf *b, err *e) {
    double t = nt_now();
    int rc = file_write_atomic(path, b->data, b->len, e);
    r->tm_write += nt_now() - t;
    return rc;
}

#define NT_WBATCH_MAX 32        /* items per writer batch (one flush each) */
#define NT_CKPT_EVERY 8         /* bulletins per WAL checkpoint (some 3 MB) */

/* One output file of a writer batch. */
typedef struct {
    char *path;
    char *tmp;                  /* path.tmp.PID while it exists */
    const buf *data;
} nt_wfile;

/* One committed item in a writer batch. */
typedef struct {
    nt_item *it;
    char *dir;                  /* OUT/<series>/<year>/<NNN> */
    int dirfd;                  /* open on dir, for syncfs; -1 */
    dev_t dev;
    nt_wfile *f;                /* the bulletin, then the extracts */
    size_t n_f;
} nt_witem;

/* it->e += "…, but its PDFs are not all written: …" (it is issued). */
static void nt_unwritten(nt_item *it) {
    buf t;
    buf_init(&t);
    buf_printf(&t, "; %s was issued and archived as %s %d年第%d期, but its PDFs are not all written: fix this and "
                   "run nightly again, it writes them from the archive",
               it->name, it->b->series, it->year, it->issue_no);
    const char *sfx = buf_cstr(&t);
    nt_msg_wrap(&it->e, "", sfx ? sfx : "");
    buf_free(&t);
}

/* data → path.tmp.PID (the name nt_sweep_tmp removes), not synced: the
 * batch is flushed as a whole. */
static int nt_write_tmp(nt_wfile *f, err *e) {
    return file_write_temp(f->path, f->data->data, f->data->len, 0, &f->tmp, e);
}

/* Step 1 for one item: its directory and every file as NAME.tmp.PID. */
static int nt_witem_write(nt_run *r, nt_witem *w, err *e) {
    nt_item *it = w->it;
    const model_bulletin *b = it->b;
    if (!(w->dir = nt_item_dir(r, b->series, it->year, it->issue_no)) ||
        !(w->f = calloc(1 + it->n_ex, sizeof *w->f)))
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (nt_mkdir_p(w->dir, e) < 0) return -1;
    struct stat sb;
    if ((w->dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(w->dirfd, &sb) < 0)
        return err_set(e, TB_EOUTPUT, w->dir, 0, 0, "cannot open the directory: %s", strerror(errno));
    w->dev = sb.st_dev;
    w->f[0].path = nt_bulletin_file(w->dir, b->series, it->year, it->issue_no);
    w->f[0].data = &it->r.pdf;
    w->n_f = 1;
    for (size_t i = 0; i < it->n_ex && w->f[i].path; i++, w->n_f++) {
        w->f[i + 1].path = nt_extract_file(w->dir, it->ex[i].district);
        w->f[i + 1].data = &it->ex[i].pdf;
    }
    for (size_t i = 0; i < w->n_f; i++) {
        if (!w->f[i].path) return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        if (nt_write_tmp(&w->f[i], e) < 0) return -1;
    }
    return 0;
}

/* Steps 2 and 4: flush each file system that holds one of the first n
 * items' directories (normally one: OUT).  syncfs writes out the whole
 * batch in one go where an fsync per file would wait for the disk once per
 * file.  It also flushes whatever else is dirty on that file system — the
 * price of one flush instead of dozens. */
static int nt_wsync(nt_witem *b, size_t n, err *e) {
    for (size_t k = 0; k < n; k++) {
        size_t j = 0;
        while (j < k && b[j].dev != b[k].dev) j++;
        if (j < k) continue;    /* that file system is flushed already */
        if (syncfs(b[k].dirfd) < 0)
            return err_set(e, TB_EOUTPUT, b[k].dir, 0, 0, "cannot flush the written PDFs to the disk: %s",
                           strerror(errno));
    }
    return 0;
}

/* The writer's steps 1–5 (top of the file) for b[0..n).  Returns how many
 * items, from the first, are done (outputs durable, input in done/); the
 * item after them, if any, failed and has the reason in it->e.  Nothing
 * later than a failed item is moved to done/, so every input not in done/
 * is finished by the next run. */
static size_t nt_write_batch(nt_run *r, nt_witem *b, size_t n) {
    size_t ok = n;
    double t0 = nt_now();
    for (size_t k = 0; k < ok; k++)             /* 1. write */
        if (nt_witem_write(r, &b[k], &b[k].it->e) < 0) {
            nt_unwritten(b[k].it);
            ok = k;
        }
    double t1 = nt_now();
    if (ok && nt_wsync(b, ok, &b[0].it->e) < 0) {   /* 2. flush the data */
        nt_unwritten(b[0].it);
        ok = 0;
    }
    double t2 = nt_now();
    for (size_t k = 0; k < ok; k++)             /* 3. into place */
        for (size_t i = 0; i < b[k].n_f; i++) {
            nt_wfile *f = &b[k].f[i];
            if (rename(f->tmp, f->path) < 0) {
                err_set(&b[k].it->e, TB_EOUTPUT, f->path, 0, 0, "cannot rename into place: %s", strerror(errno));
                nt_unwritten(b[k].it);
                ok = k;
                break;
            }
            free(f->tmp);
            f->tmp = NULL;
        }
    double t3 = nt_now();
    if (ok && nt_wsync(b, ok, &b[0].it->e) < 0) {   /* 4. flush the renames */
        nt_unwritten(b[0].it);
        ok = 0;
    }
    double t4 = nt_now();
    for (size_t k = 0; k < ok; k++)             /* 5. the input to done/ */
        if (nt_move(r, b[k].it, "done", NULL, NULL, &r->tw_move, &b[k].it->e) < 0) ok = k;
    for (size_t k = 0; k < n; k++) {            /* clean up; a failed item's temporaries go */
        for (size_t i = 0; b[k].f && i < b[k].n_f; i++) {
            if (b[k].f[i].tmp) unlink(b[k].f[i].tmp);   /* best effort: the next run sweeps them */
            free(b[k].f[i].tmp);
            free(b[k].f[i].path);
        }
        free(b[k].f);
        if (b[k].dirfd >= 0) close(b[k].dirfd);
        r->w_files += (long)b[k].n_f;
    }
    r->tw_write += t1 - t0;
    r->tw_sync += (t2 - t1) + (t4 - t3);
    r->tw_rename += t3 - t2;
    r->w_batches++;
    return ok;
}

static void *nt_writer_main(void *arg) {
    nt_run *r = arg;
    nt_witem b[NT_WBATCH_MAX];
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->w_quit && !r->w_failed && r->wq_head == r->wq_tail) pthread_cond_wait(&r->cv_write, &r->mu);
        if (r->w_failed || r->wq_head == r->wq_tail) break;     /* failed, or told to quit and done */
        size_t n = r->wq_tail - r->wq_head;
        if (n > NT_WBATCH_MAX) n = NT_WBATCH_MAX;
        for (size_t k = 0; k < n; k++) {
            memset(&b[k], 0, sizeof b[k]);
            b[k].it = &r->items[r->wq[r->wq_head + k]];
            b[k].dirfd = -1;
        }
        r->wq_head += n;
        r->w_busy = 1;
        pthread_mutex_unlock(&r->mu);
        size_t ok = nt_write_batch(r, b, n);
        int ck_failed = 0;
        if (r->ck && (r->w_since_ck += (long)ok) >= NT_CKPT_EVERY) {
            double t = nt_now();
            err ce = {0};
            /* A failed checkpoint loses nothing (the WAL stays and is
             * copied later); the main handle takes the job back. */
            if (store_checkpoint(r->ck, &ce) < 0) ck_failed = 1;
            r->w_since_ck = 0;
            r->w_ckpts++;
            r->tw_ckpt += nt_now() - t;
        }
        pthread_mutex_lock(&r->mu);
        if (ck_failed) {
            store_close(r->ck);
            r->ck = NULL;
            r->ck_failed = 1;
        }
        for (size_t k = 0; k < n; k++) {
            if (k < ok) {
                b[k].it->state = NT_WRITTEN;
                b[k].it->dir = b[k].dir;    /* for the report */
            } else free(b[k].dir);
        }
        if (ok < n) {
            b[ok].it->state = NT_WFAILED;
            r->w_failed = 1;
        }
        r->w_busy = 0;
        pthread_cond_broadcast(&r->cv_done);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static int nt_writer_start(nt_run *r, err *e) {
    if (!(r->wq = malloc(r->n * sizeof *r->wq))) return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    sigset_t block, old;     /* signals go to the main thread, as for the workers */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int en = pthread_create(&r->w_th, NULL, nt_writer_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (en) return err_set(e, TB_EINTERNAL, NULL, 0, 0, "cannot start the writer thread: %s", strerror(en));
    r->w_started = 1;
    return 0;
}

/* Wait until the writer has done everything queued (or has failed). */
static void nt_writer_drain(nt_run *r) {
    if (!r->w_started) return;
    pthread_mutex_lock(&r->mu);
    while (!r->w_failed && (r->w_busy || r->wq_head != r->wq_tail)) nt_wait_done(r);
    pthread_mutex_unlock(&r->mu);
}

static void nt_writer_stop(nt_run *r) {
    if (!r->w_started) return;
    pthread_mutex_lock(&r->mu);
    r->w_quit = 1;
    pthread_cond_signal(&r->cv_write);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->w_th, NULL);
    r->w_started = 0;
}

/* Record one rendered item and hand it to the writer.  2 committed (the
 * cursor moves on), 0 turned NT_ALREADY, 1 stale, -1 the run must stop. */
static int nt_commit(nt_run *r, nt_item *it) {
    store_source src = {it->xml, it->len, it->name, it->t->name, it->t->xml, "tongbao " TONGBAO_VERSION};
    store_result res;
    err e = {0};
    double t = nt_now();
    int rc = store_commit(r->s, it->b, &src, &it->r, &res, &e);
    r->tm_commit += nt_now() - t;
    if (rc < 0) {
        nt_fail(r, &e);
        return -1;
    }
    if (rc == 1 && res.already_issued) {
        nt_item_drop_render(it);
        it->state = NT_ALREADY;
        it->year = res.year;
        it->issue_no = res.issue_no;
        return 0;
    }
    if (rc == 1) return 1;
    it->year = res.year;
    it->issue_no = res.issue_no;
    it->n_findings = res.n_findings;
    pthread_mutex_lock(&r->mu);
    int ck_failed = r->ck_failed;
    r->ck_failed = 0;
    pthread_mutex_unlock(&r->mu);
    if (ck_failed && store_set_autocheckpoint(r->s, 1, &e) < 0) {
        /* recorded all the same; the database is what failed */
        nt_fail(r, &e);
        return -1;
    }
    /* Issued from here on: counted now, whatever happens to the files. */
    int pages = it->r.pages;
    for (size_t i = 0; i < it->n_ex; i++) pages += it->ex[i].pages;
    r->issued++;
    r->extracts += (long)it->n_ex;
    r->pages += pages;
    r->findings += res.n_findings;
    pthread_mutex_lock(&r->mu);
    it->state = NT_COMMITTED;
    r->wq[r->wq_tail++] = (size_t)(it - r->items);
    pthread_cond_signal(&r->cv_write);
    pthread_mutex_unlock(&r->mu);
    return 2;
}

/* Report, in input order from r->fin on, what the writer has finished: the
 * issued line, then the item's memory goes.  Stops at the first item still
 * with the writer; a failed one stops the run. */
static void nt_reap(nt_run *r, size_t cur) {
    double t = nt_now();
    while (r->fin < cur) {
        nt_item *it = &r->items[r->fin];
        pthread_mutex_lock(&r->mu);
        int st = it->state;
        pthread_mutex_unlock(&r->mu);
        if (st == NT_FINISHED) {
            r->fin++;
            continue;
        }
        if (st == NT_WFAILED) {
            nt_fail(r, &it->e);
            break;
        }
        if (st != NT_WRITTEN) break;
        nt_say(r, "issued   %s → %s %d年第%d期, %d findings, %d pages + %zu extracts → %s/\n", it->name,
               it->b->series, it->year, it->issue_no, it->n_findings, it->r.pages, it->n_ex, it->dir);
        const char *w = it->warn.len ? buf_cstr(&it->warn) : NULL;
        for (const char *l = w; l && *l && !r->quiet;) {     /* font notes, indented */
            size_t n = strcspn(l, "\n");
            printf("         %.*s\n", (int)n, l);
            l += n + (l[n] == '\n');
        }
        nt_item_finish(r, it);
        r->fin++;
    }
    r->tm_report += nt_now() - t;
}

/* Make sure the outputs of an issued bulletin exist and are whole: the
 * bulletin from the archive (byte for byte) unless the file has the
 * archive's SHA-256, an extract that is missing or not a whole PDF
 * (nt_pdf_whole) re-rendered from the archived source exactly as `tongbao
 * regen --district` would. */
static int nt_restore(nt_run *r, nt_item *it, const store_bulletin_info *info, err *e) {
    double t = nt_now();
    const char *series = it->b->series;
    char *dir = nt_item_dir(r, series, it->year, it->issue_no);
    char *f = dir ? nt_bulletin_file(dir, series, it->year, it->issue_no) : NULL;
    arena *a = arena_new();
    buf pdf;
    buf_init(&pdf);
    model_bulletin *ab = NULL;
    tpl_template *own = NULL;
    render_info ri;
    render_info_init(&ri);
    int rc = -1;
    if (!f || !a) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        goto out;
    }
    if (nt_mkdir_p(dir, e) < 0) goto out;
    nt_sweep_tmp(dir);
    if (!nt_file_has_sha(f, info->pdf_sha256)) {
        if (store_get_pdf(r->s, series, it->year, it->issue_no, &pdf, a, NULL, e) < 0 || nt_write(r, f, &pdf, e) < 0)
            goto out;
        r->restored++;
    }
    size_t nd = 0;
    const char **ds = compose_districts(it->b, a, &nd);
    if (!ds) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nd; i++) {
        free(f);
        if (!(f = nt_extract_file(dir, ds[i]))) {
            err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
            goto out;
        }
        if (nt_pdf_whole(f)) continue;
        if (!ab) {
            store_archived ar;
            if (store_get_archived(r->s, series, it->year, it->issue_no, a, &ar, e) < 0) goto out;
            ab = parse_memory((const char *)ar.source, ar.source_len, it->path, e);
            if (!ab || store_restore(ab, &ar, e) < 0 || history_restore(ab, ar.context, e) < 0) goto out;
            if (!r->zhenggai) {
                own = ar.template_xml ? tpl_load_memory(ar.template_xml, strlen(ar.template_xml), ar.info.template_name, e)
                                      : tpl_load(ar.info.template_name ? ar.info.template_name : "dubao", e);
                if (!own) goto out;
            }
            if (!r->lc && !(r->lc = lay_ctx_new(e))) goto out;
        }
        render_opts xo = {ds[i], 1, "zhenggai"};
        buf_reset(&pdf);
        render_info_free(&ri);
        render_info_init(&ri);
        if (render_bulletin(r->lc, ab, r->zhenggai ? r->zhenggai : own, &xo, &pdf, &ri, e) < 0 ||
            nt_write(r, f, &pdf, e) < 0)
            goto out;
        r->restored++;
    }
    rc = 0;
out:
    render_info_free(&ri);
    tpl_free(own);
    model_free(ab);
    buf_free(&pdf);
    arena_free(a);
    free(f);
    free(dir);
    r->tm_restore += nt_now() - t;
    return rc;
}

/* Line and column of <bulletin in the input, for the duplicate message. */
static void nt_bulletin_pos(const nt_item *it, int *line, int *col) {
    *line = 1;
    *col = 1;
    const char *p = it->xml ? strstr(it->xml, "<bulletin") : NULL;
    if (!p) return;
    const char *ls = it->xml;
    for (const char *q = it->xml; q < p; q++)
        if (*q == '\n') {
            (*line)++;
            ls = q + 1;
        }
    *col = (int)(p - ls) + 1;
}

/* An item whose id is issued.  Same bytes: restore outputs, move to done/.
 * Different bytes: reject.  0 handled, 1 stale (re-reserve), -1 stop. */
static int nt_already(nt_run *r, nt_item *it) {
    model_bulletin *b = it->b;
    arena *a = arena_new();
    store_bulletin_info info;
    err e = {0};
    int rc = -1;
    if (!a) {
        err_set(&e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        nt_fail(r, &e);
        return -1;
    }
    int f = store_find_bulletin(r->s, b->series, it->year, it->issue_no, a, &info, &e);
    const nt_item *twin = NULL;     /* dry run: an earlier item of this batch with the id */
    if (f < 0 && e.code == TB_ENOTFOUND && r->dry) {
        for (const nt_item *p = r->items; p < it; p++)
            if (p->b && p->state == NT_FINISHED && str_eq(p->b->series, b->series) && str_eq(p->b->id, b->id) &&
                !twin)
                twin = p;
        if (!twin) {
            nt_fail(r, &e);
            goto out;
        }
    } else if (f < 0 && e.code != TB_ENOTFOUND) {
        nt_fail(r, &e);
        goto out;
    } else if (f < 0 || !str_eq(info.input_id, b->id)) {
        rc = 1;     /* the issue it was a duplicate of is not there (an earlier item failed) */
        goto out;
    }
    int same;
    if (twin) same = twin->len == it->len && !memcmp(twin->xml, it->xml, it->len);
    else {
        char hex[65];
        sha256_hex(it->xml, it->len, hex);
        same = info.source_sha256 && !strcmp(hex, info.source_sha256);
    }
    if (!same) {
        int line, col;
        nt_bulletin_pos(it, &line, &col);
        memset(&it->e, 0, sizeof it->e);
        if (twin)
            err_set(&it->e, TB_EINPUT, it->path, line, col,
                    "id=\"%s\" is also the id of %s, which is issued first in this run, with different "
                    "content; nothing was issued from this file. If it is a new bulletin, give it a new id",
                    b->id, twin->name);
        else
            err_set(&it->e, TB_EINPUT, it->path, line, col,
                    "id=\"%s\" was already issued as %s %d年第%d期 (from %s, issued %s) with different content; "
                    "nothing was issued from this file. If it is a new bulletin, give it a new id; a bulletin "
                    "once issued is never replaced",
                    b->id, b->series, it->year, it->issue_no, info.source_name ? info.source_name : "another file",
                    info.issued_at ? info.issued_at : "earlier");
        nt_reject(r, it);
        rc = r->fatal ? -1 : 0;
        goto out;
    }
    if (r->dry) {
        r->already++;
        nt_say(r, "already  %s: %s %d年第%d期%s; would move it to done/\n", it->name, b->series, it->year, it->issue_no,
               twin ? " (earlier in this run)" : "");
        nt_item_finish(r, it);
        rc = 0;
        goto out;
    }
    long before = r->restored;
    if (nt_restore(r, it, &info, &e) < 0 || nt_move(r, it, "done", NULL, NULL, &r->tm_move, &e) < 0) {
        nt_fail(r, &e);
        goto out;
    }
    r->already++;
    if (r->restored > before)
        nt_say(r, "already  %s: %s %d年第%d期; %ld missing output files written from the archive\n", it->name,
               b->series, it->year, it->issue_no, r->restored - before);
    else
        nt_say(r, "already  %s: %s %d年第%d期, outputs complete\n", it->name, b->series, it->year, it->issue_no);
    nt_item_finish(r, it);
    rc = 0;
out:
    arena_free(a);
    return rc;
}

/* Dry run: report the reservation of one item. */
static void nt_dry_item(nt_run *r, nt_item *it) {
    arena *a = arena_new();
    size_t nd = 0;
    const char **ds = a ? compose_districts(it->b, a, &nd) : NULL;
    buf d;
    buf_init(&d);
    for (size_t i = 0; ds && i < nd; i++) {
        if (i) buf_puts(&d, "、");
        buf_puts(&d, ds[i]);
    }
    const char *dl = buf_cstr(&d);
    r->issued++;
    r->extracts += (long)nd;
    r->findings += (long)model_count_findings(it->b);
    nt_say(r, "would issue %s as %s %d年第%d期, %zu findings, %zu extracts%s%s%s\n", it->name, it->b->series,
           it->year, it->issue_no, model_count_findings(it->b), nd, nd ? " (" : "", nd && dl ? dl : "",
           nd ? ")" : "");
    buf_free(&d);
    arena_free(a);
    nt_item_finish(r, it);
}

/* The main loop: walk the batch in input order, committing each rendered
 * item, while the workers render ahead and the writer writes behind.
 * Rendering runs at most a window ahead of the oldest item not finished
 * (r->fin), so the PDFs held in memory stay bounded. */
static void nt_run_batch(nt_run *r) {
    size_t cur = 0, window = (size_t)r->jobs * 4 + 2;
    while (!r->fatal && !nt_signal) {
        nt_reap(r, cur);
        if (r->fatal) break;
        pthread_mutex_lock(&r->mu);
        size_t lim = r->fin + window;
        if (lim != r->limit) {
            r->limit = lim;
            pthread_cond_broadcast(&r->cv_work);
        }
        if (cur >= r->n && r->fin >= cur) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        nt_item *it = cur < r->n ? &r->items[cur] : NULL;
        int st = it ? it->state : NT_FINISHED;
        /* Wait for a render; for the writer at the end; and for the writer
         * before anything but a commit: restoring writes into the
         * directories it writes, and the lines stay in input order. */
        if (!it || (st == NT_QUEUED && !r->dry) || st == NT_RENDERING ||
            (st != NT_RENDERED && st != NT_FINISHED && r->fin < cur)) {
            double t = nt_now();
            nt_wait_done(r);
            r->tm_wait += nt_now() - t;
            pthread_mutex_unlock(&r->mu);
            nt_bar(r, 0);
            continue;
        }
        pthread_mutex_unlock(&r->mu);
        int rc = 0;
        switch (st) {
        case NT_FINISHED:
            break;
        case NT_BAD:
            if (it->fate == NT_STOP) {
                nt_fail(r, &it->e);
                rc = -1;
                break;
            }
            if (it->fate == NT_HOLD) nt_hold(r, it);
            else nt_reject(r, it);
            break;
        case NT_QUEUED: /* dry run */
            nt_dry_item(r, it);
            break;
        case NT_ALREADY:
            rc = nt_already(r, it);
            break;
        case NT_RENDERED:
            rc = nt_commit(r, it);
            if (rc == 0 && it->state == NT_ALREADY) continue;   /* issued meanwhile */
            break;
        default: {
            err e = {0};
            err_set(&e, TB_EINTERNAL, it->path, 0, 0, "internal: item in state %d at the commit cursor", st);
            nt_fail(r, &e);
            rc = -1;
        }
        }
        if (rc < 0) break;
        if (rc == 1) {
            /* the history moved: number the rest again */
            if (++it->stale > 3) {
                err e = {0};
                err_set(&e, TB_EDB, it->path, 0, 0,
                        "the history keeps changing while this bulletin is being issued (is another "
                        "program issuing in series %s?); run nightly again later", it->b->series);
                nt_fail(r, &e);
                break;
            }
            nt_pool_drain(r);
            if (nt_reserve(r, cur) < 0) break;
            continue;
        }
        if (rc == 2 || it->state == NT_FINISHED) cur++;   /* committed (the writer has it), or done */
        nt_bar(r, 0);
    }
    /* What is committed gets written, also when stopping for a signal or an
     * error: at most a window of items, each of which the next run would
     * otherwise have to restore. */
    nt_writer_drain(r);
    nt_reap(r, cur);
}

/* ---- setup ------------------------------------------------------------------ */

static int nt_lock(const char *db, int *fd_out) {
    size_t l = strlen(db) + sizeof ".nightly.lock";
    char *p = malloc(l);
    if (!p) {
        fprintf(stderr, "tongbao: out of memory\n");
        return TB_EINTERNAL;
    }
    snprintf(p, l, "%s.nightly.lock", db);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "tongbao: nightly: cannot create the lock file %s: %s; check that the database's directory exists and is writable\n",
                p, strerror(errno));
        free(p);
        return TB_EDB;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EINTR) continue;
        int en = errno;
        if (en == EWOULDBLOCK) {
            char pid[32] = "";
            ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
            pid[n > 0 ? n : 0] = 0;
            pid[strcspn(pid, "\n")] = 0;
            fprintf(stderr, "tongbao: nightly: another nightly is running on %s (it holds %s%s%s); "
                            "nothing was done — run again when it has finished\n",
                    db, p, pid[0] ? ", process " : "", pid);
            free(p);
            close(fd);
            return TB_EBUSY;
        }
        fprintf(stderr, "tongbao: nightly: cannot lock %s: %s\n", p, strerror(en));
        free(p);
        close(fd);
        return TB_EDB;
    }
    free(p);
    /* The pid is only a hint for the busy message: failing to write it is harmless. */
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n) {
        /* ignored, see above */
    }
    *fd_out = fd;
    return 0;
}

static int nt_cmp_name(const void *a, const void *b) {
    return strcmp(((const nt_item *)a)->name, ((const nt_item *)b)->name);
}

/* INBOX/ *.xml (regular files, no dot files), sorted by name. */
static int nt_scan(nt_run *r) {
    DIR *d = opendir(r->inbox);
    if (!d) {
        fprintf(stderr, "tongbao: nightly: cannot read the inbox %s: %s\n", r->inbox, strerror(errno));
        return TB_EUSAGE;
    }
    size_t cap = 0;
    struct dirent *de;
    int rc = 0;
    errno = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".xml")) continue;
        char *path = nt_join(r->inbox, de->d_name);
        struct stat sb;
        if (!path) {
            rc = TB_EINTERNAL;
            break;
        }
        if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        if (r->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            nt_item *p = realloc(r->items, nc * sizeof *p);
            if (!p) {
                free(path);
                rc = TB_EINTERNAL;
                break;
            }
            r->items = p;
            cap = nc;
        }
        nt_item *it = &r->items[r->n];
        memset(it, 0, sizeof *it);
        store_rendered_init(&it->r);
        buf_init(&it->warn);
        it->path = path;
        if (!(it->name = strdup(de->d_name))) {
            free(path);
            rc = TB_EINTERNAL;
            break;
        }
        r->n++;
    }
    closedir(d);
    if (rc) {
        fprintf(stderr, "tongbao: out of memory\n");
        return rc;
    }
    if (r->n) qsort(r->items, r->n, sizeof *r->items, nt_cmp_name);
    return 0;
}

static void nt_summary(nt_run *r) {
    if (r->quiet) return;
    nt_bar_clear(r);
    double el = nt_now() - r->t0;
    const char *w = r->dry ? "would issue" : "issued";
    if (r->dry) printf("\nnightly dry run of %s: nothing was written or moved\n", r->inbox);
    else printf("\nnightly summary: %s → %s\n", r->inbox, r->outdir);
    printf("  %-16s %8ld\n", w, r->issued);
    printf("  %-16s %8ld\n", "extracts", r->extracts);
    printf("  %-16s %8ld\n", "already issued", r->already);
    if (r->rejected)
        printf("  %-16s %8ld   %s %s/rejected/*.err\n", "rejected", r->rejected, r->dry ? "would go to" : "see", r->inbox);
    else printf("  %-16s %8ld\n", "rejected", r->rejected);
    if (r->n - r->finished + (size_t)r->held)
        printf("  %-16s %8zu   left in the inbox for the next run\n", "not done", r->n - r->finished + (size_t)r->held);
    if (!r->dry) {
        printf("  %-16s %8ld\n", "pages", r->pages);
        if (r->restored) printf("  %-16s %8ld\n", "files restored", r->restored);
    }
    printf("  %-16s %8.2f\n", "seconds", el);
    printf("  %-16s %8.1f\n", "bulletins/s", el > 0 ? (double)r->issued / el : 0.0);
    if (!r->dry && r->pages) printf("  %-16s %8.1f\n", "pages/s", el > 0 ? (double)r->pages / el : 0.0);
    fflush(stdout);
}

static void nt_times(nt_run *r) {
    double parse = 0, render = 0, extracts = 0, cpu = 0, hash = 0;
    long np = 0, nr = 0;
    for (int i = 0; r->workers && i < r->jobs; i++) {
        parse += r->workers[i].t_parse;
        render += r->workers[i].t_render;
        extracts += r->workers[i].t_extracts;
        cpu += r->workers[i].c_render;
        hash += r->workers[i].t_hash;
        np += r->workers[i].n_parse;
        nr += r->workers[i].n_render;
    }
    double el = nt_now() - r->t0, proc = nt_clock(CLOCK_PROCESS_CPUTIME_ID);
    /* The main thread's serial share: what it does per bulletin that
     * nothing else can do meanwhile (waiting not included). */
    double serial = r->tm_reserve + r->tm_commit + r->tm_write + r->tm_move + r->tm_report + r->tm_restore;
    fprintf(stderr,
            "nightly times (s), %d jobs, wall %.3f, process CPU %.3f:\n"
            "  main: scan %.3f  parse-wait %.3f  reserve %.3f  commit %.3f  write %.3f  move %.3f"
            "  report %.3f  wait-render %.3f  restore %.3f; serial %.2f ms per issued bulletin; CPU %.3f\n"
            "  writer: %ld batches, %ld files: write %.3f  sync %.3f  rename %.3f  move %.3f;"
            " %ld checkpoints %.3f\n"
            "  workers (sum): parse %.3f (%ld files, %.2f ms each)  bulletin %.3f  extracts %.3f"
            " (%ld items, %.2f ms each; CPU %.2f ms each)  hash %.3f\n",
            r->jobs, el, proc, r->tm_scan, r->tm_parse, r->tm_reserve, r->tm_commit, r->tm_write, r->tm_move,
            r->tm_report, r->tm_wait, r->tm_restore, r->issued ? serial * 1e3 / (double)r->issued : 0.0, r->c_main,
            r->w_batches, r->w_files, r->tw_write, r->tw_sync, r->tw_rename, r->tw_move, r->w_ckpts, r->tw_ckpt,
            parse, np,
            np ? parse * 1e3 / (double)np : 0.0, render, extracts, nr,
            nr ? (render + extracts) * 1e3 / (double)nr : 0.0, nr ? cpu * 1e3 / (double)nr : 0.0, hash);
}

static int nt_default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > NT_MAX_JOBS) n = NT_MAX_JOBS;
    return (int)n;
}

int cli_nightly(int argc, char **argv) {
    nt_run run;
    memset(&run, 0, sizeof run);
    nt_run *r = &run;
    const char *db = NULL;
    r->outdir = "out";
    r->jobs = nt_default_jobs();
    for (int i = 1; i < argc; i++) {
        const char *v;
        int o;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(nt_help, stdout);
            return 0;
        }
        if ((o = cli_opt(argc, argv, &i, "--out", &v)) != 0) { if (o < 0) return TB_EUSAGE; r->outdir = v; }
        else if ((o = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (o < 0) return TB_EUSAGE; r->outdir = v; }
        else if ((o = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (o < 0) return TB_EUSAGE; db = v; }
        else if ((o = cli_opt(argc, argv, &i, "--jobs", &v)) != 0 || (o = cli_opt(argc, argv, &i, "-j", &v)) != 0) {
            if (o < 0) return TB_EUSAGE;
            char *end;
            long j = strtol(v, &end, 10);
            if (*end || end == v || j < 1 || j > NT_MAX_JOBS) {
                fprintf(stderr, "tongbao: nightly: --jobs wants a number from 1 to %d, not \"%s\"\n", NT_MAX_JOBS, v);
                return TB_EUSAGE;
            }
            r->jobs = (int)j;
        } else if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n")) r->dry = 1;
        else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) r->quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tongbao: nightly: unknown option %s; see tongbao nightly --help\n", argv[i]);
            return TB_EUSAGE;
        } else if (!r->inbox) r->inbox = argv[i];
        else {
            fprintf(stderr, "tongbao: nightly takes one INBOX directory (got %s too)\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    if (!r->inbox) {
        fprintf(stderr, "tongbao: nightly needs an INBOX directory; see tongbao nightly --help\n");
        return TB_EUSAGE;
    }
    r->dbpath = cli_db_path(db);
    r->tty = isatty(STDOUT_FILENO);
    const char *tv = getenv("TONGBAO_NIGHTLY_TIMES");
    r->times = tv && *tv && strcmp(tv, "0");
    r->t0 = nt_now();

    int lockfd = -1, rc = 0, mu_ok = 0;
    err e = {0};
    struct sigaction sa, old_int, old_term, old_pipe;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nt_on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old_pipe);

    if (!r->dry && (rc = nt_lock(r->dbpath, &lockfd)) != 0) goto done;
    /* Read the inbox first: an empty night needs no fonts and no database. */
    double t = nt_now();
    if ((rc = nt_scan(r)) != 0) goto done;
    r->tm_scan = nt_now() - t;
    if (!r->dry) {
        char *rej = nt_join(r->inbox, "rejected");
        if (rej) nt_sweep_tmp(rej);
        free(rej);
    }
    if (!r->n) goto summary;

    if (r->dry) {
        /* A dry run records nothing: an existing history is only read
         * (the reservation is rolled back), a missing one is imagined. */
        struct stat sb;
        r->s = stat(r->dbpath, &sb) == 0 ? store_open_existing(r->dbpath, 0, &e) : store_open(":memory:", &e);
    } else {
        if ((rc = cli_setup_fonts()) != 0) goto done;
        r->s = store_open(r->dbpath, &e);
    }
    if (!r->s) goto fail;
    if (!r->dry) {
        /* Checkpoints move to the writer thread's own handle; if that does
         * not open, the main handle keeps doing them. */
        err ce = {0};
        if ((r->ck = store_open(r->dbpath, &ce)) && store_set_autocheckpoint(r->s, 0, &ce) < 0) {
            store_close(r->ck);
            r->ck = NULL;
        }
    }
    if (!r->dry) {
        err ze = {0};
        r->zhenggai = tpl_load("zhenggai", &ze);   /* else the bulletin's own template */
    }
    if (pthread_mutex_init(&r->mu, NULL) || pthread_cond_init(&r->cv_work, NULL) ||
        pthread_cond_init(&r->cv_done, NULL) || pthread_cond_init(&r->cv_write, NULL)) {
        err_set(&e, TB_EINTERNAL, NULL, 0, 0, "cannot set up thread synchronisation");
        goto fail;
    }
    mu_ok = 1;
    if (!(r->queue = malloc(r->n * sizeof *r->queue))) {
        err_set(&e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if (r->jobs > (int)r->n) r->jobs = (int)r->n;
    if (nt_pool_start(r, &e) < 0) goto fail;

    /* 1. parse everything, in parallel */
    t = nt_now();
    pthread_mutex_lock(&r->mu);
    for (size_t k = 0; k < r->n; k++) r->queue[r->q_tail++] = k;
    r->limit = r->n;
    pthread_cond_broadcast(&r->cv_work);
    while (r->n_parsed < r->n && !nt_signal) nt_wait_done(r);
    pthread_mutex_unlock(&r->mu);
    nt_pool_drain(r);
    r->tm_parse = nt_now() - t;
    if (nt_signal) goto summary;
    pthread_mutex_lock(&r->mu);
    r->limit = 0;
    pthread_mutex_unlock(&r->mu);

    /* 2. templates; invalid inputs go to rejected/ now */
    for (size_t k = 0; k < r->n && !r->fatal; k++) {
        nt_item *it = &r->items[k];
        if (it->state == NT_PARSED) {
            const model_bulletin *b = it->b;
            if (!(it->t = nt_template(r, b->template_name ? b->template_name : "dubao", &it->e))) {
                it->state = NT_BAD;
                /* no such template: the input names it; one that is there
                 * but does not load: the installation's problem */
                it->fate = it->e.code != TB_ETEMPLATE ? nt_fate(&it->e) : it->e.file[0] ? NT_HOLD : NT_REJECT;
            }
        }
        if (it->state == NT_BAD) {
            if (it->fate == NT_STOP) nt_fail(r, &it->e);
            else if (it->fate == NT_HOLD) nt_hold(r, it);
            else nt_reject(r, it);
        }
    }
    if (r->fatal) goto summary;

    /* 3. number the batch, 4. render ahead, commit in order, write behind */
    if (!r->dry && nt_writer_start(r, &e) < 0) goto fail;
    if (nt_reserve(r, 0) < 0) goto summary;
    nt_run_batch(r);
    goto summary;

fail:
    nt_fail(r, &e);
summary:
    nt_writer_drain(r);
    nt_writer_stop(r);
    nt_pool_stop(r);
    nt_bar_clear(r);
    if (nt_signal && !r->fatal)
        nt_complain(r, "stopped by signal %d; %zu inputs left in %s for the next run\n", (int)nt_signal,
                    r->n - r->finished, r->inbox);
    nt_summary(r);
    r->c_main = nt_clock(CLOCK_THREAD_CPUTIME_ID);
    if (r->times) nt_times(r);
    rc = r->fatal ? r->fatal : nt_signal ? 128 + (int)nt_signal : r->held ? r->held_code : r->rejected ? TB_EPARTIAL : 0;
done:
    free(r->workers);
    if (mu_ok) {
        pthread_mutex_destroy(&r->mu);
        pthread_cond_destroy(&r->cv_work);
        pthread_cond_destroy(&r->cv_done);
        pthread_cond_destroy(&r->cv_write);
    }
    for (size_t k = 0; k < r->n; k++) nt_item_free(&r->items[k]);
    free(r->items);
    free(r->queue);
    free(r->wq);
    for (size_t k = 0; k < r->n_tpls; k++) {
        tpl_free(r->tpls[k]);
        free(r->tpl_names[k]);
    }
    free(r->tpls);
    free(r->tpl_names);
    tpl_free(r->zhenggai);
    lay_ctx_free(r->lc);
    store_close(r->ck);   /* first: the last handle to close folds the WAL in */
    store_close(r->s);
    if (lockfd >= 0) close(lockfd);   /* releases the lock; the file stays */
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    return rc;
}
