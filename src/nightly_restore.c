/* nightly_restore.c — inputs whose bulletin id is issued already: the
 * same bytes get any missing or damaged output rewritten from the archive
 * and move to done/ (this is how a re-run finishes a killed night); other
 * bytes under the same id are rejected.  Also the sweep of temporaries a
 * killed run leaves.  Part of the nightly engine. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compose.h"
#include "crash.h"
#include "history.h"
#include "ledger.h"
#include "nightly.h"
#include "parse.h"
#include "render.h"
#include "digest.h"

/* One file at a time, atomically and synced: restoring (main thread). */
static int nt_write(nt_run *r, const char *path, const buf *b, err *e) {
    double t = nt_now();
    int rc = file_write_atomic(path, b->data, b->len, e);
    r->tm_write += nt_now() - t;
    return rc;
}


/* 1 when path exists and its SHA-256 is sha (lower-case hex). */
static int nt_file_has_sha(const char *path, const char *sha) {
    err e = {0};
    size_t len;
    char *data = file_read(path, (size_t)1 << 30, &len, &e);
    if (!data) return 0;
    char hex[65];
    digest_sha256_hex(data, len, hex);
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

/* Remove what a killed run left behind in dir: the temporaries of
 * processes that are gone (util.h, file_sweep_temps). */
void nt_sweep_tmp(const char *dir) { file_sweep_temps(dir, NULL); }

/* Make sure the outputs of an issued bulletin exist and are whole: the
 * bulletin from the archive (byte for byte) unless the file has the
 * archive's SHA-256, an extract that is missing or not a whole PDF
 * (nt_pdf_whole) re-rendered from the archived source exactly as `tongbao
 * regen --district` would. */
/* A workbook that is all there: it ends with the zip's end record. */
static int nt_zip_whole(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    unsigned char tail[22];
    int ok = fstat(fd, &st) == 0 && st.st_size > 22 &&
             pread(fd, tail, sizeof tail, st.st_size - 22) == (ssize_t)sizeof tail && !memcmp(tail, "PK\5\6", 4);
    close(fd);
    return ok;
}

static int nt_restore(nt_run *r, nt_item *it, const store_bulletin_info *info, err *e) {
    double t = nt_now();
    const char *series = it->b->series;
    char *dir = nt_item_dir(r, series, it->year, it->issue_no);
    char *f = NULL, *lf = NULL;
    arena *a = arena_new();
    buf pdf;
    buf_init(&pdf);
    model_bulletin *ab = NULL;
    tpl_template *own = NULL;
    render_info ri;
    render_info_init(&ri);
    int rc = -1;
    if (!dir || !a) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        goto out;
    }
    if (nt_mkdir_p(dir, e) < 0) goto out;
    nt_sweep_tmp(dir);
    for (int k = 0; k < 2; k++) {   /* the bulletin in each archived form */
        int form = k ? STORE_FORM_OFD : STORE_FORM_PDF;
        if (!store_info_has_form(info, form)) continue;
        free(f);
        if (!(f = nt_bulletin_file(dir, series, it->year, it->issue_no, form))) {
            err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
            goto out;
        }
        if (nt_file_has_sha(f, store_info_form_sha(info, form))) continue;
        buf_reset(&pdf);
        if (store_get_form(r->s, series, it->year, it->issue_no, form, &pdf, a, NULL, e) < 0 ||
            nt_write(r, f, &pdf, e) < 0)
            goto out;
        r->restored++;
        crash_point("nightly-restored");
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
        free(lf);
        if (!(lf = nt_ledger_file(dir, ds[i]))) {
            err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
            goto out;
        }
        int need_pdf = !nt_pdf_whole(f), need_xlsx = !nt_zip_whole(lf);
        if (!need_pdf && !need_xlsx) continue;
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
        if (need_xlsx) {   /* the district's 整改台账 */
            buf_reset(&pdf);
            if (ledger_for_district(ab, ds[i], &pdf, e) < 0 || nt_write(r, lf, &pdf, e) < 0) goto out;
            r->restored++;
            crash_point("nightly-restored");
        }
        if (!need_pdf) continue;
        render_opts xo = {ds[i], 1, "zhenggai"};
        render_forms xf = {&pdf, NULL, !strcmp(info->form, "pdfa")};   /* PDF/A when the bulletin's PDF is */
        buf_reset(&pdf);
        render_info_free(&ri);
        render_info_init(&ri);
        if (render_bulletin_forms(r->lc, ab, r->zhenggai ? r->zhenggai : own, &xo, &xf, &ri, e) < 0 ||
            nt_write(r, f, &pdf, e) < 0)
            goto out;
        r->restored++;
        crash_point("nightly-restored");
    }
    rc = 0;
out:
    render_info_free(&ri);
    tpl_free(own);
    model_free(ab);
    buf_free(&pdf);
    arena_free(a);
    free(f);
    free(lf);
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
int nt_already(nt_run *r, nt_item *it) {
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
        digest_sha256_hex(it->xml, it->len, hex);
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

