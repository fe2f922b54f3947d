/* nightly_batch.c — the nightly's main loop (part of the nightly engine,
 * nightly.h): numbering the batch a part at a time (store_reserve_after),
 * committing rendered items in input order in groups, handing committed
 * items to the writer thread and reporting what it has written. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "history.h"
#include "nightly.h"

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

/* The batch is numbered a part at a time (issue 18).  Numbering all of it
 * before the first render kept the workers idle for 3-4 ms a bulletin;
 * now the first part is numbered, and the next one while the workers
 * render the part before (nt_reserve_ahead).  A part is NT_RESERVE_PART
 * items, or at least four render windows. */
#define NT_RESERVE_PART 64

static size_t nt_window(const nt_run *r) { return (size_t)r->jobs * 4 + 2; }
static size_t nt_part(const nt_run *r) {
    if (r->dry) return r->n;   /* a dry run numbers everything at once */
    size_t w = 4 * nt_window(r);
    return w > NT_RESERVE_PART ? w : NT_RESERVE_PART;
}
/* States a reservation numbers (again). */
static int nt_numbered_state(int s) { return s == NT_PARSED || s == NT_ALREADY || s == NT_QUEUED || s == NT_RENDERED; }

/* Reserve the part from[0..m) (indices idx) after the fixed items (their
 * models), queue what is numbered, and set r->reserved to end.  1: a fixed
 * item no longer matches, nothing numbered; -1: database error (r->fatal
 * set). */
static int nt_reserve_run(nt_run *r, model_bulletin **fixed, size_t n_fixed, model_bulletin **bs, size_t *idx,
                          size_t m, size_t end) {
    store_result *res = xcalloc(m ? m : 1, sizeof *res);
    err e = {0};
    if (!res) {
        err_set(&e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        nt_fail(r, &e);
        return -1;
    }
    nt_prep pc = {r, idx};
    int rc = store_reserve_after(r->s, fixed, n_fixed, bs, m, nt_prepare, &pc, res, &e);
    if (rc < 0) nt_fail(r, &e);
    if (rc != 0) {
        free(res);
        return rc;
    }
    pthread_mutex_lock(&r->mu);
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
    r->reserved = end;
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
    free(res);
    return 0;
}

/* Number the unfinished items from `from` on, a part of them, in input
 * order, and queue the numbered ones for rendering; items after the part
 * wait for the next one (NT_PARSED).  The pool must be idle.  -1: database
 * error (r->fatal set). */
static int nt_reserve(nt_run *r, size_t from) {
    double t = nt_now(), c = nt_clock(CLOCK_THREAD_CPUTIME_ID);
    size_t m = 0, cap = r->n - from, part = nt_part(r), end = from;
    model_bulletin **bs = xmalloc((cap ? cap : 1) * sizeof *bs);
    size_t *idx = xmalloc((cap ? cap : 1) * sizeof *idx);
    int rc = -1;
    if (!bs || !idx) {
        err e = {0};
        err_set(&e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        nt_fail(r, &e);
        goto out;
    }
    pthread_mutex_lock(&r->mu);
    r->q_head = r->q_tail = 0;
    r->ahead_off = 0;
    pthread_mutex_unlock(&r->mu);
    for (size_t k = from; k < r->n; k++) {
        nt_item *it = &r->items[k];
        if (!nt_numbered_state(it->state)) continue;
        nt_item_drop_render(it);
        if (m < part) {
            bs[m] = it->b;
            idx[m++] = k;
            end = k + 1;
        } else {
            it->state = NT_PARSED;   /* numbered again with its part */
        }
    }
    if (m < part) end = r->n;
    rc = nt_reserve_run(r, NULL, 0, bs, idx, m, end);
out:
    free(bs);
    free(idx);
    r->tm_reserve += nt_now() - t;
    r->c_reserve += nt_clock(CLOCK_THREAD_CPUTIME_ID) - c;
    return rc < 0 ? -1 : 0;
}

/* Number the next part (from r->reserved) while the workers render the
 * items before it: those from the cursor on, not committed yet, are
 * recorded provisionally first, as their commits will record them
 * (store_reserve_after; they are only read, the workers may be rendering
 * them).  If one no longer matches, nothing is numbered: its commit comes
 * back stale and numbers everything from there again.  -1: database error. */
static int nt_reserve_ahead(nt_run *r, size_t cur) {
    double t = nt_now(), c = nt_clock(CLOCK_THREAD_CPUTIME_ID);
    size_t nf = 0, m = 0, part = nt_part(r), end = r->reserved, cap = r->n - cur;
    model_bulletin **fixed = xmalloc(cap * sizeof *fixed), **bs = xmalloc(cap * sizeof *bs);
    size_t *idx = xmalloc(cap * sizeof *idx);
    int rc = -1;
    if (!fixed || !bs || !idx) {
        err e = {0};
        err_set(&e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        nt_fail(r, &e);
        goto out;
    }
    pthread_mutex_lock(&r->mu);
    for (size_t k = cur; k < r->reserved; k++) {
        int s = r->items[k].state;
        if (s == NT_QUEUED || s == NT_RENDERING || s == NT_RENDERED) fixed[nf++] = r->items[k].b;
    }
    pthread_mutex_unlock(&r->mu);
    for (size_t k = r->reserved; k < r->n && m < part; k++) {
        nt_item *it = &r->items[k];
        end = k + 1;
        if (it->state != NT_PARSED) continue;
        bs[m] = it->b;
        idx[m++] = k;
    }
    if (m < part) end = r->n;
    rc = nt_reserve_run(r, fixed, nf, bs, idx, m, end);
    if (rc == 1) r->ahead_off = 1;   /* until the stale commit numbers again */
    if (rc == 0) r->n_ahead++;
out:
    free(fixed);
    free(bs);
    free(idx);
    r->tm_reserve += nt_now() - t;
    r->c_reserve += nt_clock(CLOCK_THREAD_CPUTIME_ID) - c;
    return rc < 0 ? -1 : 0;
}

/* ---- committing, the main loop ------------------------------------------------ */

/* Group commit (issue 18).  The items rendered in a row at the commit
 * cursor are recorded in one transaction (store_group_begin): each under
 * its own savepoint, the group committed with one sync of the WAL.  The
 * fsync was most of a commit (8-10 ms of a bulletin's serial part), and
 * with one per bulletin two render jobs gained little over one.  An item
 * goes to the writer only once its group is committed (nt_flush), so no
 * file is written for a number that is not durable.  The group ends
 * whenever the cursor would do anything but commit the next rendered item:
 * wait for a render or the writer, reject, restore, reserve again, stop.
 * Rendering runs at most a window ahead, which bounds a group too. */

/* Counted and handed to the writer: its group is committed. */
static void nt_hand(nt_run *r, nt_item *it) {
    int pages = it->r.pages;
    for (size_t i = 0; i < it->n_ex; i++) pages += it->ex[i].pages;
    r->issued++;
    r->extracts += (long)it->n_ex;
    r->pages += pages;
    r->findings += it->n_findings;
    pthread_mutex_lock(&r->mu);
    it->state = NT_COMMITTED;
    r->wq[r->wq_tail++] = (size_t)(it - r->items);
    pthread_cond_signal(&r->cv_write);
    pthread_mutex_unlock(&r->mu);
}

/* Commit the open group, if any, and hand its items (grp_lo up to cur) to
 * the writer.  0, or -1 (the run stops; nothing of the group was recorded
 * and its inputs stay in the inbox). */
static int nt_flush(nt_run *r, size_t cur) {
    if (!store_in_group(r->s)) return 0;
    err e = {0};
    double t = nt_now(), c = nt_clock(CLOCK_THREAD_CPUTIME_ID);
    int rc = store_group_end(r->s, NULL, &e);
    r->tm_commit += nt_now() - t;
    r->c_commit += nt_clock(CLOCK_THREAD_CPUTIME_ID) - c;
    if (rc < 0) {
        nt_fail(r, &e);
        return -1;
    }
    r->groups++;
    for (size_t k = r->grp_lo; k < cur && k < r->n; k++)
        if (r->items[k].state == NT_GROUPED) nt_hand(r, &r->items[k]);
    return 0;
}

/* Record one rendered item in the open group (opening one at need).  2
 * recorded (the cursor moves on), 0 turned NT_ALREADY, 1 stale, -1 the run
 * must stop. */
static int nt_commit(nt_run *r, nt_item *it) {
    store_source src = {it->xml, it->len, it->name, it->t->name, it->t->xml, "tongbao " TONGBAO_VERSION};
    store_result res;
    err e = {0};
    double t = nt_now(), c = nt_clock(CLOCK_THREAD_CPUTIME_ID);
    int rc = 0;
    if (!store_in_group(r->s)) {
        rc = store_group_begin(r->s, &e);
        r->grp_lo = (size_t)(it - r->items);
    }
    if (rc == 0) rc = store_commit(r->s, it->b, &src, &it->r, &res, &e);
    r->tm_commit += nt_now() - t;
    r->c_commit += nt_clock(CLOCK_THREAD_CPUTIME_ID) - c;
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
    it->state = NT_GROUPED;
    pthread_mutex_unlock(&r->mu);
    if (ck_failed && store_set_autocheckpoint(r->s, 1, &e) < 0) {
        /* recorded all the same; the database is what failed */
        nt_fail(r, &e);
        return -1;
    }
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
    size_t cur = 0, window = nt_window(r);
    while (!r->fatal && !nt_stop_signal()) {
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
        /* The next part is numbered while a window of this one is still to
         * commit (the group before it is committed first). */
        int ahead = !r->dry && !r->ahead_off && r->reserved < r->n && cur + window >= r->reserved;
        if ((ahead || st == NT_PARSED) && store_in_group(r->s)) {
            pthread_mutex_unlock(&r->mu);
            if (nt_flush(r, cur) < 0) break;
            continue;
        }
        if (ahead && st != NT_PARSED) {
            pthread_mutex_unlock(&r->mu);
            if (nt_reserve_ahead(r, cur) < 0) break;
            continue;
        }
        if (st == NT_PARSED) {   /* not numbered yet: nothing from here on is */
            pthread_mutex_unlock(&r->mu);
            nt_pool_drain(r);
            if (nt_reserve(r, cur) < 0) break;
            continue;
        }
        /* The open group ends before anything but the commit of the next
         * rendered item (above). */
        if (st != NT_RENDERED && store_in_group(r->s)) {
            pthread_mutex_unlock(&r->mu);
            if (nt_flush(r, cur) < 0) break;
            continue;
        }
        /* Wait for a render; for the writer at the end; and for the writer
         * before anything but a commit: restoring writes into the
         * directories it writes, and the lines stay in input order. */
        if (!it || (st == NT_QUEUED && !r->dry) || st == NT_RENDERING ||
            (st != NT_RENDERED && st != NT_FINISHED && r->fin < cur)) {
            double t = nt_now();
            nt_wait_done(r);
            r->tm_wait += nt_now() - t;
            pthread_mutex_unlock(&r->mu);
            nt_progress(r);
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
        if (rc < 0) {
            nt_flush(r, cur);   /* what the group recorded before is kept and written */
            break;
        }
        if (rc == 1) {
            /* the history moved: number the rest again (the group recorded
             * before it is committed first) */
            if (nt_flush(r, cur) < 0) break;
            if (++it->stale > 3) {
                err e = {0};
                err_set(&e, TB_EDB, it->path, 0, 0,
                        "the history keeps changing while this bulletin is being issued (is another "
                        "program issuing in series %s?); run nightly again later", it->b->series);
                nt_fail(r, &e);
                break;
            }
            nt_pool_drain(r);
            r->n_renumber++;
            if (nt_reserve(r, cur) < 0) break;
            continue;
        }
        if (rc == 2 || it->state == NT_FINISHED) cur++;   /* committed (the writer has it), or done */
        nt_progress(r);
    }
    /* What is committed gets written, also when stopping for a signal or an
     * error: at most a window of items, each of which the next run would
     * otherwise have to restore. */
    nt_flush(r, cur);
    nt_writer_drain(r);
    nt_reap(r, cur);
}


int nt_issue(nt_run *r, err *e) {
    if (!r->dry && nt_writer_start(r, e) < 0) return -1;
    if (nt_reserve(r, 0) < 0) return 0;
    nt_run_batch(r);
    return 0;
}

