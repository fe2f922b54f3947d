/* nightly_writer.c — the nightly's writer thread: committed items' files
 * (the bulletin in each form, extracts, workbooks) to temporary files, one syncfs per batch, renames into place, syncfs
 * again, then the inputs to done/ (the order of effects in nightly.h), and
 * the WAL checkpoints on the writer's own handle.  Part of the nightly
 * engine. */
#define _GNU_SOURCE /* syncfs(2) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crash.h"
#include "nightly.h"

#define NT_WBATCH_MAX 32        /* items per writer batch (one flush each) */
#define NT_CKPT_EVERY 8         /* bulletins per WAL checkpoint (some 3 MB) */

/* One output file of a writer batch. */
typedef struct {
    char *path;
    char *tmp;                  /* its temporary while it exists */
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
    buf_printf(&t, "; %s was issued and archived as %s %d年第%d期, but its files are not all written: fix this and "
                   "run nightly again, it writes them from the archive",
               it->name, it->b->series, it->year, it->issue_no);
    const char *sfx = buf_cstr(&t);
    nt_msg_wrap(&it->e, "", sfx ? sfx : "");
    buf_free(&t);
}

/* data → an O_EXCL temporary beside path (util.h; the next run sweeps it
 * if this one is killed), not synced: the batch is flushed as a whole. */
static int nt_write_tmp(nt_wfile *f, err *e) {
    return file_write_temp(f->path, f->data->data, f->data->len, 0, &f->tmp, e);
}

/* Step 1 for one item: its directory and every file as a temporary. */
static int nt_witem_write(nt_run *r, nt_witem *w, err *e) {
    nt_item *it = w->it;
    const model_bulletin *b = it->b;
    if (!(w->dir = nt_item_dir(r, b->series, it->year, it->issue_no)) ||
        !(w->f = xcalloc(2 + 2 * it->n_ex, sizeof *w->f)))
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (nt_mkdir_p(w->dir, e) < 0) return -1;
    struct stat sb;
    if ((w->dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(w->dirfd, &sb) < 0)
        return err_set(e, TB_EOUTPUT, w->dir, 0, 0, "cannot open the directory: %s", strerror(errno));
    w->dev = sb.st_dev;
    /* the bulletin in each form it is issued in: the PDF, the OFD */
    const buf *forms[2] = {&it->r.pdf, &it->r.ofd};
    for (int k = 0; k < 2; k++) {
        if (!forms[k]->len) continue;
        w->f[w->n_f].path = nt_bulletin_file(w->dir, b->series, it->year, it->issue_no, k ? STORE_FORM_OFD : STORE_FORM_PDF);
        w->f[w->n_f++].data = forms[k];
    }
    for (size_t i = 0; i < it->n_ex && w->n_f && w->f[w->n_f - 1].path; i++) {
        w->f[w->n_f].path = nt_extract_file(w->dir, it->ex[i].district);
        w->f[w->n_f++].data = &it->ex[i].pdf;
        if (!it->ex[i].xlsx.len) continue;
        w->f[w->n_f].path = nt_ledger_file(w->dir, it->ex[i].district);
        w->f[w->n_f++].data = &it->ex[i].xlsx;
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
            return err_set(e, TB_EOUTPUT, b[k].dir, 0, 0, "cannot flush the written files to the disk: %s",
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
    if (ok) crash_point("nightly-written");
    double t1 = nt_now();
    if (ok && nt_wsync(b, ok, &b[0].it->e) < 0) {   /* 2. flush the data */
        nt_unwritten(b[0].it);
        ok = 0;
    }
    if (ok) crash_point("nightly-synced");
    double t2 = nt_now();
    for (size_t k = 0; k < ok; k++)             /* 3. into place */
        for (size_t i = 0; i < b[k].n_f; i++) {
            nt_wfile *f = &b[k].f[i];
            if (file_commit_temp(f->tmp, f->path, 0, &b[k].it->e) < 0) {
                free(f->tmp);
                f->tmp = NULL;
                nt_unwritten(b[k].it);
                ok = k;
                break;
            }
            free(f->tmp);
            f->tmp = NULL;
            crash_point("nightly-renamed");
        }
    double t3 = nt_now();
    if (ok && nt_wsync(b, ok, &b[0].it->e) < 0) {   /* 4. flush the renames */
        nt_unwritten(b[0].it);
        ok = 0;
    }
    if (ok) crash_point("nightly-flushed");
    double t4 = nt_now();
    for (size_t k = 0; k < ok; k++) {           /* 5. the input to done/ */
        if (nt_move(r, b[k].it, "done", NULL, NULL, &r->tw_move, &b[k].it->e) < 0) {
            ok = k;
            break;
        }
        crash_point("nightly-done");
    }
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
    r->c_writer = nt_clock(CLOCK_THREAD_CPUTIME_ID);   /* read once the thread is joined */
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

int nt_writer_start(nt_run *r, err *e) {
    if (!(r->wq = xmalloc(r->n * sizeof *r->wq))) return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
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
void nt_writer_drain(nt_run *r) {
    if (!r->w_started) return;
    pthread_mutex_lock(&r->mu);
    while (!r->w_failed && (r->w_busy || r->wq_head != r->wq_tail)) nt_wait_done(r);
    pthread_mutex_unlock(&r->mu);
}

void nt_writer_stop(nt_run *r) {
    if (!r->w_started) return;
    pthread_mutex_lock(&r->mu);
    r->w_quit = 1;
    pthread_cond_signal(&r->cv_write);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->w_th, NULL);
    r->w_started = 0;
}
