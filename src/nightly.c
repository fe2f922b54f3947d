/* nightly.c — the nightly engine (see nightly.h for the whole story): the
 * items and their states, the inbox (moving inputs to done/ and
 * rejected/), the worker pool that parses and renders, scanning and
 * parsing the batch.  Numbering, committing and the main loop are
 * nightly_batch.c's, the writer thread nightly_writer.c's, inputs that
 * are issued already nightly_restore.c's. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "compose.h"
#include "crash.h"
#include "history.h"
#include "nightly.h"
#include "ledger.h"
#include "sheetmap.h"
#include "xlsx.h"
#include "parse.h"
#include "render.h"

/* The one piece of process state: which signal asked us to stop (0 = none).
 * Set by the handler, read by the main thread between items. */
static volatile sig_atomic_t nt_sig;

void nt_on_signal(int sig) { nt_sig = sig; }
int nt_stop_signal(void) { return (int)nt_sig; }

void nt_progress(nt_run *r) {
    if (r->progress) r->progress(r);
}
static void nt_clear(nt_run *r) {
    if (r->clear) r->clear(r);
}

/* ---- items, paths, files ------------------------------------------------------ */

double nt_clock(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) < 0) return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
double nt_now(void) { return nt_clock(CLOCK_MONOTONIC); }

/* What a failed item's error means.  Input problems are the file's to fix:
 * it goes to rejected/.  A broken installed template is the operator's: the
 * inputs using it stay in the inbox and the others go on.  Anything else
 * (database, disk, memory) stops the run with the inputs left in place. */
int nt_fate(const err *e) {
    switch (e->code) {
    case TB_EINPUT: case TB_EFONT: case TB_ENOTFOUND: return NT_REJECT;
    case TB_ETEMPLATE: return NT_HOLD;
    default: return NT_STOP;
    }
}

/* e->msg becomes prefix + e->msg + suffix (cut at a code point if too long). */
void nt_msg_wrap(err *e, const char *prefix, const char *suffix) {
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

char *nt_join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *p = xmalloc(la + lb + 2);
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* A series or district as one path component (file_name_escape: one to
 * one, so "x/y" and "x_y" stay apart).  The names are checked when the
 * input is (nt_names_ok), so this cannot fail for an item that gets this
 * far; the fallback only keeps the path well-formed. */
static void nt_fname(const char *s, char *out, size_t n) {
    err e = {0};
    if (file_name_escape(s, "name", out, n, &e) < 0) snprintf(out, n, "%%00");
}

/* The input's series and districts as file names: each valid, and no
 * extract named like the bulletin itself (<series>-<year>-<NNN>.pdf, in the
 * same directory).  Checked before anything is numbered or written, so a
 * name that cannot be a file rejects the input instead of overwriting or
 * losing an output.  0, or -1 with it->e (TB_EINPUT). */
static int nt_names_ok(nt_item *it) {
    char sname[FILE_NAME_MAX + 1], dname[FILE_NAME_MAX + 1];
    err *e = &it->e;
    if (file_name_escape(it->b->series, "series", sname, sizeof sname, e) < 0) goto bad;
    arena *a = arena_new();
    size_t nd = 0;
    const char **ds = a ? compose_districts(it->b, a, &nd) : NULL;
    if (!ds) {
        arena_free(a);
        return err_set(e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
    }
    size_t sl = strlen(sname);
    for (size_t i = 0; i < nd; i++) {
        if (file_name_escape(ds[i], "district", dname, sizeof dname, e) < 0) {
            arena_free(a);
            goto bad;
        }
        /* "<series>-YYYY-NNN": the bulletin's own file name for some issue */
        const char *t = dname + sl;
        if (!strncmp(dname, sname, sl) && strlen(t) >= 9 && t[0] == '-' && strspn(t + 1, "0123456789") == 4 &&
            t[5] == '-' && strspn(t + 6, "0123456789") == strlen(t + 6)) {
            err_set(e, TB_EINPUT, "", 0, 0, "district \"%s\" has the shape of the bulletin's own file name "
                    "(%s-YYYY-NNN.pdf): its extract would overwrite the bulletin; rename the district", ds[i], sname);
            arena_free(a);
            goto bad;
        }
    }
    arena_free(a);
    return 0;
bad:
    snprintf(e->file, sizeof e->file, "%s", it->path);
    return -1;
}

/* OUT/<series>/<year>/<NNN> (malloc'd) */
char *nt_item_dir(const nt_run *r, const char *series, int year, int no) {
    char s[NT_NAME_MAX + 8];
    nt_fname(series, s, sizeof s);
    size_t l = strlen(r->outdir) + strlen(s) + 48;
    char *p = xmalloc(l);
    if (p) snprintf(p, l, "%s/%s/%d/%03d", r->outdir, s, year, no);
    return p;
}

char *nt_bulletin_file(const char *dir, const char *series, int year, int no, int form) {
    char s[NT_NAME_MAX + 8];
    nt_fname(series, s, sizeof s);
    size_t l = strlen(dir) + strlen(s) + 48;
    char *p = xmalloc(l);
    if (p) snprintf(p, l, "%s/%s-%d-%03d.%s", dir, s, year, no, form == STORE_FORM_OFD ? "ofd" : "pdf");
    return p;
}

char *nt_extract_file(const char *dir, const char *district) {
    char d[NT_NAME_MAX + 8];
    nt_fname(district, d, sizeof d);
    size_t l = strlen(dir) + strlen(d) + 8;
    char *p = xmalloc(l);
    if (p) snprintf(p, l, "%s/%s.pdf", dir, d);
    return p;
}

char *nt_ledger_file(const char *dir, const char *district) {
    char d[NT_NAME_MAX + 8];
    nt_fname(district, d, sizeof d);
    size_t l = strlen(dir) + strlen(d) + 32;
    char *p = xmalloc(l);
    if (p) snprintf(p, l, "%s/%s-整改台账.xlsx", dir, d);
    return p;
}

int nt_mkdir_p(const char *path, err *e) {
    char *p = xstrdup(path);
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

void nt_item_drop_render(nt_item *it) {
    buf_reset(&it->r.pdf);
    buf_reset(&it->r.ofd);
    it->r.pdf_sha256[0] = it->r.ofd_sha256[0] = 0;
    it->r.pdf_hashed_len = it->r.ofd_hashed_len = 0;
    it->r.pages = 0;
    for (size_t i = 0; i < it->n_ex; i++) {
        buf_free(&it->ex[i].pdf);
        buf_free(&it->ex[i].xlsx);
    }
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
void nt_item_finish(nt_run *r, nt_item *it) {
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

/* ---- output: item lines and errors (the command draws the progress bar) ---- */

/* One line about an item on stdout (not with --quiet). */
void nt_say(nt_run *r, const char *fmt, ...) {
    if (r->quiet) return;
    nt_clear(r);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

void nt_complain(nt_run *r, const char *fmt, ...) {
    nt_clear(r);
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    fputs("tongbao: nightly: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void nt_fail(nt_run *r, const err *e) {
    if (r->fatal) return;
    nt_clear(r);
    cli_error(e);
    r->fatal = e->code ? e->code : TB_EINTERNAL;
}

/* ---- inbox: moving files, rejecting ---------------------------------------- */

/* Move the input to INBOX/sub/.  A different file of the same name there is
 * kept: ours becomes NAME.2.xml (.3, …).  With why, NAME.xml.err is
 * written first, so a kill in between leaves the input where it was.  The
 * time taken is added to *tm (the calling thread's own counter). */
/* What FILE.err says, for an input moved to dest: the message, naming the
 * file where it now is (not where it was), and how to resubmit it; each
 * line ends in a newline.  malloc'd, NULL when out of memory. */
static char *nt_err_text(const nt_run *r, const nt_item *it, const err *why, const char *dest) {
    err w = *why;
    if (!w.file[0] || !strcmp(w.file, it->path)) snprintf(w.file, sizeof w.file, "%s", dest);
    char msg[2048];
    err_format(&w, msg, sizeof msg);
    buf t;
    buf_init(&t);
    buf_printf(&t, "%s\nTo resubmit: correct %s, then move it back into the inbox (mv '%s' '%s/'); the next "
               "nightly run takes it again.\n", msg, dest, dest, r->inbox);
    return t.data;
}

int nt_move(nt_run *r, nt_item *it, const char *sub, const err *why, char **moved, double *tm, err *e) {
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
    const char *ext = strrchr(it->name, '.');   /* NAME.2.xml, NAME.2.xlsx */
    if (!ext) ext = "";
    if (!(dest = xmalloc(cap)) || !(errf = xmalloc(cap + 8))) {
        err_set(e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
        goto out;
    }
    for (int k = 1;; k++) {
        if (k == 1) snprintf(dest, cap, "%s/%s", dir, it->name);
        else snprintf(dest, cap, "%s/%.*s.%d%s", dir, (int)(nl - strlen(ext)), it->name, k, ext);
        struct stat sb;
        if (lstat(dest, &sb) < 0) break;                 /* free */
        err ignored = {0};
        size_t len, ilen = 0;
        char *old = file_read(dest, XLSX_MAX_FILE, &len, &ignored);
        /* the input's own bytes (for a workbook it->xml is the XML made from it) */
        char *mine = smap_is_sheet(it->name) ? file_read(it->path, XLSX_MAX_FILE, &ilen, &ignored) : NULL;
        int same = old && (mine ? len == ilen && !memcmp(old, mine, len)
                                : it->xml && len == it->len && !memcmp(old, it->xml, len));
        free(old);
        free(mine);
        if (same) break;                                 /* a copy of ours (an earlier, killed run) */
        if (k > 999) {
            err_set(e, TB_EOUTPUT, dest, 0, 0, "too many files of this name in %s; clean it up", dir);
            goto out;
        }
    }
    if (why) {
        char *text = nt_err_text(r, it, why, dest);
        snprintf(errf, cap + 8, "%s.err", dest);
        if (!text) {
            err_set(e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
            goto out;
        }
        int w = file_write_atomic(errf, text, strlen(text), e);
        free(text);
        if (w < 0) goto out;
        crash_point("nightly-err");
    }
    if (rename(it->path, dest) < 0) {
        err_set(e, TB_EOUTPUT, it->path, 0, 0, "cannot move the input to %s: %s", dir, strerror(errno));
        goto out;
    }
    if (!why) {
        /* Done: a note in rejected/ about this name is about an earlier,
         * corrected copy (it was moved back and went through): it goes,
         * unless rejected/ still holds a file of that name it explains. */
        char *rej = nt_join(r->inbox, "rejected"), *rf = rej ? nt_join(rej, it->name) : NULL;
        size_t rl = rf ? strlen(rf) : 0;
        char *re = rf ? xmalloc(rl + 5) : NULL;
        struct stat sb;
        if (re) {
            snprintf(re, rl + 5, "%s.err", rf);
            if (lstat(rf, &sb) < 0 && errno == ENOENT) unlink(re);   /* best effort: a note, not data */
        }
        free(rej);
        free(rf);
        free(re);
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

/* Reject an item: FILE.xml.err with the message (naming the file in
 * rejected/, saying how to resubmit), the file to rejected/. */
void nt_reject(nt_run *r, nt_item *it) {
    if (!it->e.file[0]) snprintf(it->e.file, sizeof it->e.file, "%s", it->path);
    char msg[2048];
    err_format(&it->e, msg, sizeof msg);
    if (r->dry) {
        r->rejected++;
        nt_complain(r, "would reject %s: %s\n", it->name, msg);
        nt_item_finish(r, it);
        return;
    }
    char *moved = NULL;
    err e = {0};
    if (nt_move(r, it, "rejected", &it->e, &moved, &r->tm_move, &e) < 0) {
        nt_fail(r, &e);
        return;
    }
    err w = it->e;              /* the message as FILE.err has it: where the file is now */
    if (!strcmp(w.file, it->path)) snprintf(w.file, sizeof w.file, "%s", moved);
    err_format(&w, msg, sizeof msg);
    r->rejected++;
    nt_complain(r, "rejected %s → %s.err: %s\n", it->name, moved, msg);
    free(moved);
    nt_item_finish(r, it);
}

/* Leave an item in the inbox: not its fault (a broken template), so the
 * next run takes it again once that is fixed. */
void nt_hold(nt_run *r, nt_item *it) {
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
/* A CSV input's header: NAME.header.xml beside NAME.csv, if there. */
static char *nt_csv_header(const char *path) {
    size_t l = strlen(path);
    if (l < 5 || strcasecmp(path + l - 4, ".csv")) return NULL;
    char *h = xmalloc(l + 16);
    snprintf(h, l + 16, "%.*s.header.xml", (int)(l - 4), path);
    if (access(h, R_OK) == 0) return h;
    free(h);
    return NULL;
}

/* The input's findings XML: the file as read, or made from a workbook or
 * CSV (sheetmap.h); that XML is what the history archives. */
static int nt_parse_job(nt_item *it) {
    size_t len = 0;
    smap_result sr;
    char *hdr = nt_csv_header(it->path);
    smap_opts o = {.header = hdr};
    it->xml = cli_read_input(it->path, smap_is_sheet(it->path) ? &o : NULL, &len, &sr, &it->e);
    if (it->xml) {
        it->len = len;
        it->b = cli_parse_read(it->xml, len, it->path, &sr, &it->e);
    }
    smap_free(&sr);
    free(hdr);
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
    render_forms rf = {it->fs.forms & TPL_FORM_PDF ? &it->r.pdf : NULL, it->fs.forms & TPL_FORM_OFD ? &it->r.ofd : NULL,
                       it->fs.pdfa};
    if (render_bulletin_forms(w->lc, it->b, it->t, &ro, &rf, &info, e) < 0) goto fail;
    it->r.pdfa = rf.pdf && it->fs.pdfa;
    it->r.pages = info.pages;
    if (info.warnings.len) buf_add(&it->warn, info.warnings.data, info.warnings.len);
    double t1 = nt_now();
    w->t_render += t1 - t;
    size_t nd = 0;
    const char **ds = (a = arena_new()) ? compose_districts(it->b, a, &nd) : NULL;
    if (!ds || (nd && !(it->ex = xcalloc(nd, sizeof *it->ex)))) {
        err_set(e, TB_EINTERNAL, it->path, 0, 0, "out of memory");
        goto fail;
    }
    const tpl_template *zt = r->zhenggai ? r->zhenggai : it->t;
    for (size_t i = 0; i < nd; i++) {
        nt_extract *x = &it->ex[it->n_ex++];
        x->district = ds[i];
        buf_init(&x->pdf);
        buf_init(&x->xlsx);
        render_info_free(&info);
        render_info_init(&info);
        render_opts xo = {ds[i], 1, "zhenggai"};
        render_forms xf = {&x->pdf, NULL, it->fs.pdfa};   /* PDF/A when the bulletin's PDF is */
        if (render_bulletin_forms(w->lc, it->b, zt, &xo, &xf, &info, e) < 0) {
            buf p;
            buf_init(&p);
            buf_printf(&p, "in the district extract for %s: ", ds[i]);
            const char *ps = buf_cstr(&p);
            nt_msg_wrap(e, ps ? ps : "", "");
            buf_free(&p);
            goto fail;
        }
        x->pages = info.pages;
        /* and the district's 整改台账 to fill in, beside it */
        if (ledger_for_district(it->b, ds[i], &x->xlsx, e) < 0) {
            nt_msg_wrap(e, "writing the district's 整改台账: ", "");
            goto fail;
        }
    }
    double t2 = nt_now();
    w->t_extracts += t2 - t1;
    w->c_render += nt_clock(CLOCK_THREAD_CPUTIME_ID) - c;
    /* The archive's SHA-256 of the bulletin's forms, here rather than in
     * the serialized commit. */
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
        while (!r->quit && !(r->q_head < r->q_tail && r->queue[r->q_head] < r->limit)) {
            /* work queued but beyond the window: the commits or the writer lag */
            double t = r->q_head < r->q_tail ? nt_now() : 0;
            pthread_cond_wait(&r->cv_work, &r->mu);
            if (t) w->t_window += nt_now() - t;
        }
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
    if (!(r->workers = xcalloc((size_t)r->jobs, sizeof *r->workers)))
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
void nt_wait_done(nt_run *r) {
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
void nt_pool_drain(nt_run *r) {
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
        tpl_template **p = xrealloc(r->tpls, cap * sizeof *p);
        if (p) r->tpls = p;
        char **q = p ? xrealloc(r->tpl_names, cap * sizeof *q) : NULL;
        if (q) r->tpl_names = q;
        if (!p || !q) {
            err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
            return NULL;
        }
        r->cap_tpls = cap;
    }
    char *key = xstrdup(name);
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

/* ---- scanning the inbox --------------------------------------------------------- */

static int nt_cmp_name(const void *a, const void *b) {
    return strcmp(((const nt_item *)a)->name, ((const nt_item *)b)->name);
}

int nt_scan(nt_run *r) {
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
        /* findings XML, or a 问题清单 workbook / CSV (a CSV's NAME.header.xml
         * is its header, not an input); not dot files or Excel's ~$ locks */
        if (de->d_name[0] == '.' || !strncmp(de->d_name, "~$", 2) || l < 5 ||
            (strcmp(de->d_name + l - 4, ".xml") && !smap_is_sheet(de->d_name)) ||
            (l > 11 && !strcmp(de->d_name + l - 11, ".header.xml")))
            continue;
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
            nt_item *p = xrealloc(r->items, nc * sizeof *p);
            r->items = p;
            cap = nc;
        }
        nt_item *it = &r->items[r->n];
        memset(it, 0, sizeof *it);
        store_rendered_init(&it->r);
        buf_init(&it->warn);
        it->path = path;
        if (!(it->name = xstrdup(de->d_name))) {
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
    if (!r->dry) {
        char *rej = nt_join(r->inbox, "rejected");
        if (rej) nt_sweep_tmp(rej);
        free(rej);
    }
    return 0;
}


/* ---- the phases of a run (nightly.h) ----------------------------------------- */

int nt_start(nt_run *r, err *e) {
    if (r->dry) {
        /* A dry run records nothing: an existing history is only read
         * (the reservation is rolled back), a missing one is imagined. */
        struct stat sb;
        r->s = stat(r->dbpath, &sb) == 0 ? store_open_existing(r->dbpath, 0, e) : store_open(":memory:", e);
    } else {
        r->s = store_open(r->dbpath, e);
    }
    if (!r->s) return -1;
    store_allow_backdated(r->s, r->allow_backdated);
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
        pthread_cond_init(&r->cv_done, NULL) || pthread_cond_init(&r->cv_write, NULL))
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "cannot set up thread synchronisation");
    r->mu_ok = 1;
    if (!(r->queue = xmalloc(r->n * sizeof *r->queue)))
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (r->jobs > (int)r->n) r->jobs = (int)r->n;
    return nt_pool_start(r, e);
}

/* The batch in bulletin date order, then bulletin id, then file name:
 * 期号 follow dates, and the history paragraphs of a bulletin (上期, 截至
 * 目前) must see the ones dated before it, whatever the files are called.
 * Inputs that did not parse come first (they are only rejected). */
static int nt_cmp_date(const void *x, const void *y) {
    const nt_item *a = x, *b = y;
    const char *da = a->b && a->b->date ? a->b->date : "", *db = b->b && b->b->date ? b->b->date : "";
    int c = strcmp(da, db);
    if (!c && a->b && b->b) c = strcmp(a->b->id ? a->b->id : "", b->b->id ? b->b->id : "");
    return c ? c : strcmp(a->name, b->name);
}

void nt_parse_all(nt_run *r) {
    double t = nt_now();
    pthread_mutex_lock(&r->mu);
    for (size_t k = 0; k < r->n; k++) r->queue[r->q_tail++] = k;
    r->limit = r->n;
    pthread_cond_broadcast(&r->cv_work);
    while (r->n_parsed < r->n && !nt_sig) nt_wait_done(r);
    pthread_mutex_unlock(&r->mu);
    nt_pool_drain(r);
    r->tm_parse = nt_now() - t;
    if (nt_sig) return;
    pthread_mutex_lock(&r->mu);
    r->limit = 0;
    pthread_mutex_unlock(&r->mu);
    /* the pool is idle and holds no index: the items may move */
    if (r->n) qsort(r->items, r->n, sizeof *r->items, nt_cmp_date);
}

void nt_check_templates(nt_run *r) {
    for (size_t k = 0; k < r->n && !r->fatal; k++) {
        nt_item *it = &r->items[k];
        if (it->state == NT_PARSED && nt_names_ok(it) < 0) {
            it->state = NT_BAD;
            it->fate = nt_fate(&it->e);
        }
        if (it->state == NT_PARSED) {
            const model_bulletin *b = it->b;
            if (!(it->t = nt_template(r, b->template_name ? b->template_name : "dubao", &it->e))) {
                it->state = NT_BAD;
                /* no such template: the input names it; one that is there
                 * but does not load: the installation's problem */
                it->fate = it->e.code != TB_ETEMPLATE ? nt_fate(&it->e) : it->e.file[0] ? NT_HOLD : NT_REJECT;
            } else {
                /* its forms: --format, else the template's; --pdfa makes
                 * any PDF among them PDF/A (a series issuing OFD alone has
                 * none, and that is no error in a batch) */
                (void)render_formset_of(r->forms, 0, NULL, it->t, &it->fs, &it->e);
                if (r->pdfa && (it->fs.forms & TPL_FORM_PDF)) it->fs.pdfa = 1;
            }
        }
        if (it->state == NT_BAD) {
            if (it->fate == NT_STOP) nt_fail(r, &it->e);
            else if (it->fate == NT_HOLD) nt_hold(r, it);
            else nt_reject(r, it);
        }
    }
}

void nt_finish(nt_run *r) {
    nt_writer_drain(r);
    nt_writer_stop(r);
    nt_pool_stop(r);
    nt_clear(r);
}

void nt_free(nt_run *r) {
    free(r->workers);
    if (r->mu_ok) {
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
}
