/* escalate.c — tongbao escalate (see escalate.h): the template's part of
 * each letter, rendering, and the letters' files in the order of effects. */
#define _POSIX_C_SOURCE 200809L
#include "escalate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose.h"
#include "crash.h"
#include "date.h"
#include "digest.h"
#include "nightly.h"
#include "render.h"

void esc_report_init(esc_report *r) {
    memset(r, 0, sizeof *r);
    buf_init(&r->lines);
}

void esc_report_free(esc_report *r) { buf_free(&r->lines); }

/* The template's levels as compose takes them (malloc'd; NULL on OOM). */
static compose_level *levels_of(const tpl_template *t) {
    const tpl_escalation *x = &t->escalation;
    compose_level *lv = xcalloc(x->n_levels ? x->n_levels : 1, sizeof *lv);
    for (size_t i = 0; lv && i < x->n_levels; i++)
        lv[i] = (compose_level){x->levels[i].name, x->levels[i].title, x->levels[i].lead, x->levels[i].warning};
    return lv;
}

static void word_opts(const tpl_template *t, compose_opts *co) {
    memset(co, 0, sizeof *co);
    co->kind = "letter";
    co->word = tpl_word;
    co->word_ctx = (void *)t;
}

int esc_check_template(const tpl_template *t, err *e) {
    compose_level *lv = levels_of(t);
    compose_opts co;
    word_opts(t, &co);
    buf missing;
    buf_init(&missing);
    int n = compose_letter_check(lv, t->escalation.n_levels, &co, &missing);
    free(lv);
    if (n > 0)
        err_set(e, TB_ETEMPLATE, t->path, 0, 0,
                "template %s has no letter parts: it lacks %s; use -t duban, or add them to a copy "
                "(templates/README.md, \"<escalation>\"). Nothing was recorded",
                t->name ? t->name : "?", buf_cstr(&missing) ? buf_cstr(&missing) : "(out of memory)");
    buf_free(&missing);
    return n > 0 ? -1 : 0;
}

/* ---- which series ---------------------------------------------------------- */

typedef struct {
    char **names;
    size_t n;
} series_list;

static int series_row(void *ctx, const store_bulletin_info *r) {
    series_list *l = ctx;
    if (r->n_findings <= 0) return 0;
    for (size_t i = 0; i < l->n; i++)
        if (str_eq(l->names[i], r->series)) return 0;
    l->names = xrealloc(l->names, (l->n + 1) * sizeof *l->names);
    l->names[l->n++] = xstrdup(r->series);
    return 0;
}

int esc_list_series(store *s, char ***names, size_t *n, err *e) {
    series_list l = {0};
    long r = store_list_bulletins(s, NULL, series_row, &l, e);
    if (r < 0) {
        for (size_t i = 0; i < l.n; i++) free(l.names[i]);
        free(l.names);
        return -1;
    }
    *names = l.names;
    *n = l.n;
    return 0;
}

int esc_pick_series(store *s, char *out, size_t n, err *e) {
    series_list l = {0};
    if (esc_list_series(s, &l.names, &l.n, e) < 0) return -1;
    int rc = 0;
    if (l.n == 0)
        rc = err_set(e, TB_ENOTFOUND, store_path(s), 0, 0,
                     "no bulletin in the history has findings, so there is nothing to escalate");
    else if (l.n > 1) {
        buf b;
        buf_init(&b);
        for (size_t i = 0; i < l.n; i++) buf_printf(&b, "%s%s", i ? "、" : "", l.names[i]);
        rc = err_set(e, TB_EUSAGE, store_path(s), 0, 0,
                     "the history has findings in %zu series (%s): name one with --series", l.n,
                     buf_cstr(&b) ? buf_cstr(&b) : "");
        buf_free(&b);
    } else snprintf(out, n, "%s", l.names[0]);
    for (size_t i = 0; i < l.n; i++) free(l.names[i]);
    free(l.names);
    return rc;
}

/* ---- the hooks: what the template decides, the PDF, its temporary ----------- */

typedef struct {
    const tpl_template *t;
    const esc_opts *o;
    lay_ctx *lc;
    const char *inputs[6];      /* what no letter may overwrite (util.h) */
    char **tmp, **path;         /* per letter, in order: its temporary and its name */
    size_t n, cap;
} esc_ctx;

static int hook_prepare(void *ctx, model_letter *l, const char *prefix, err *e) {
    esc_ctx *c = ctx;
    const tpl_escalation *x = &c->t->escalation;
    for (size_t i = 0; i < l->n_items; i++) {
        size_t k = l->items[i].level < 1 ? 0 : (size_t)l->items[i].level - 1;
        l->items[i].level_name = x->levels[k < x->n_levels ? k : x->n_levels - 1].name;
    }
    /* the new deadline: the template's working days (or days) after the letter */
    date_val d;
    if (date_parse(l->date, 0, &d, NULL, 0) < 0 ||
        (x->working_days > 0 ? date_add_working_days(&d, x->working_days) : date_add_days(&d, x->calendar_days)) < 0)
        return err_set(e, TB_EINPUT, c->t->path, 0, 0, "the new deadline after %s leaves the calendar", l->date);
    char day[11];
    date_format_day(&d, day);
    compose_opts co;
    word_opts(c->t, &co);
    l->new_deadline = arena_strdup(l->arena, day);
    l->doc_number = compose_letter_number(&co, prefix, l->year, l->number, l->arena);
    if (!l->doc_number) return err_set(e, TB_ETEMPLATE, c->t->path, 0, 0, "the template has no letter-number wording");
    return 0;
}

static int hook_render(void *ctx, const model_letter *l, store_rendered *out, err *e) {
    esc_ctx *c = ctx;
    render_info info;
    render_info_init(&info);
    int rc = render_letter(c->lc, l, c->t, &out->pdf, &info, e);
    out->pages = info.pages;
    if (rc == 0 && info.warnings.len) fprintf(stderr, "%s", buf_cstr(&info.warnings));
    render_info_free(&info);
    return rc;
}

/* OUT/<district>-督办通知书.pdf (malloc'd), the district escaped (util.h). */
static char *letter_path(const char *dir, const char *district, err *e) {
    char name[FILE_NAME_MAX + 1];
    if (file_name_escape(district, "district", name, sizeof name, e) < 0) return NULL;
    size_t n = strlen(dir) + strlen(name) + sizeof ESC_FILE_SUFFIX + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s%s", dir, name, ESC_FILE_SUFFIX);
    return p;
}

static int hook_before_commit(void *ctx, const model_letter *l, const store_rendered *r, err *e) {
    esc_ctx *c = ctx;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        c->tmp = xrealloc(c->tmp, nc * sizeof *c->tmp);
        c->path = xrealloc(c->path, nc * sizeof *c->path);
        c->cap = nc;
    }
    /* the directory when the first letter is written: a refused run leaves none */
    if (c->n == 0 && nt_mkdir_p(c->o->outdir, e) < 0) return -1;
    char *path = letter_path(c->o->outdir, l->district, e), *tmp = NULL;
    if (!path) return -1;
    if (file_out_check(path, 0, c->inputs, e) < 0 || file_write_temp(path, r->pdf.data, r->pdf.len, 1, &tmp, e) < 0) {
        free(path);
        if (e->code == TB_EOUTPUT) err_append(e, " (nothing was recorded)");
        return -1;
    }
    c->tmp[c->n] = tmp;
    c->path[c->n++] = path;
    crash_point("escalate-temp");
    return 0;
}

static void esc_ctx_free(esc_ctx *c, int unlink_tmp) {
    for (size_t i = 0; i < c->n; i++) {
        if (unlink_tmp && c->tmp[i]) unlink(c->tmp[i]);
        free(c->tmp[i]);
        free(c->path[i]);
    }
    free(c->tmp);
    free(c->path);
}

/* ---- the report --------------------------------------------------------------- */

static const char *top_title(const tpl_template *t, const model_letter *l) {
    int top = 1;
    for (size_t i = 0; i < l->n_items; i++)
        if (l->items[i].level > top) top = l->items[i].level;
    const tpl_escalation *x = &t->escalation;
    size_t k = (size_t)top - 1;
    const tpl_level *lv = &x->levels[k < x->n_levels ? k : x->n_levels - 1];
    return lv->title ? lv->title : lv->name;
}

static void report_letter(esc_report *rep, const tpl_template *t, const model_letter *l, const char *path, int dry) {
    buf *o = &rep->lines;
    buf_printf(o, "%s: %s%s %s, %zu finding%s (", l->district, dry ? "would send " : "", l->doc_number,
               top_title(t, l), l->n_items, l->n_items == 1 ? "" : "s");
    for (size_t i = 0; i < l->n_items; i++)
        buf_printf(o, "%s%s %s", i ? ", " : "", l->items[i].id, l->items[i].level_name ? l->items[i].level_name : "");
    buf_printf(o, "), new deadline %s", l->new_deadline);
    if (path) buf_printf(o, " → %s", path);
    buf_puts(o, "\n");
    rep->letters++;
    rep->findings += (long)l->n_items;
}

/* ---- a day's letters back from the archive ------------------------------------------ */

typedef struct {
    store *s;
    const esc_opts *o;
    esc_report *rep;
    const char *const *inputs;
    err *e;
    int failed;
} restore_ctx;

static int restore_row(void *ctx, const store_letter_info *r) {
    restore_ctx *c = ctx;
    char *path = letter_path(c->o->outdir, r->district, c->e);
    if (!path) {
        c->failed = 1;
        return 1;
    }
    size_t len = 0;
    err ignored = {0};
    char *data = file_read(path, (size_t)256 << 20, &len, &ignored);
    char hex[65] = "";
    if (data) digest_sha256_hex(data, len, hex);
    free(data);
    int rc = 0;
    if (!data || !str_eq(hex, r->pdf_sha256)) {
        /* missing, cut short or not the archived bytes: the archive's copy */
        buf pdf;
        buf_init(&pdf);
        arena *a = arena_new();
        model_letter l;
        rc = store_get_letter(c->s, r->series, r->year, r->letter_no, a, &l, NULL, &pdf, NULL, c->e);
        if (rc == 0) rc = file_out_check(path, 0, c->inputs, c->e);
        if (rc == 0) rc = file_write_atomic(path, pdf.data, pdf.len, c->e);
        if (rc == 0) {
            buf_printf(&c->rep->lines, "%s: %s restored from the archive → %s\n", r->district, r->doc_number, path);
            c->rep->restored++;
        }
        buf_free(&pdf);
        arena_free(a);
    }
    free(path);
    if (rc < 0) c->failed = 1;
    return rc < 0;
}

/* ---- the run -------------------------------------------------------------------------- */

int esc_run(store *s, lay_ctx *lc, const tpl_template *t, const esc_opts *o, esc_report *rep, err *e) {
    if (esc_check_template(t, e) < 0) return -1;
    if (!o->dry_run && !o->outdir) return err_set(e, TB_EUSAGE, "", 0, 0, "escalate needs --out DIR (or --dry-run)");
    snprintf(rep->series_buf, sizeof rep->series_buf, "%s", o->series ? o->series : "");
    if (!o->series && esc_pick_series(s, rep->series_buf, sizeof rep->series_buf, e) < 0) return -1;
    rep->series = rep->series_buf;
    esc_ctx c = {.t = t, .o = o, .lc = lc};
    char wal[1100], shm[1100];
    const char *db = o->db_path ? o->db_path : store_path(s);
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    size_t k = 0;
    c.inputs[k++] = db;
    c.inputs[k++] = wal;
    c.inputs[k++] = shm;
    if (t->path) c.inputs[k++] = t->path;
    c.inputs[k] = NULL;
    store_escalate_opts so = {rep->series, o->district, o->today, o->after >= 0 ? o->after : t->escalation.after_days,
                              o->dry_run};
    store_letter_hooks h = {hook_prepare, hook_render, o->dry_run ? NULL : hook_before_commit, &c,
                            t->name, t->xml, "tongbao " TONGBAO_VERSION};
    store_escalate_result res;
    long n = store_escalate(s, &so, &h, &res, e);
    if (n < 0) {
        esc_ctx_free(&c, 1);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < (size_t)n; i++) {
        const model_letter *l = res.letters[i];
        if (!o->dry_run) {
            if (file_commit_temp(c.tmp[i], c.path[i], 1, e) < 0) {
                char sfx[300];
                snprintf(sfx, sizeof sfx, "; %s was sent and archived: `tongbao archive export --series S --letter %d` "
                         "writes it", l->doc_number, l->number);
                err_append(e, sfx);
                rc = -1;
                break;
            }
            free(c.tmp[i]);
            c.tmp[i] = NULL;
            crash_point("escalate-renamed");
        }
        report_letter(rep, t, l, o->dry_run ? NULL : c.path[i], o->dry_run);
    }
    rep->sent_today = res.sent_today;
    if (rc == 0 && n == 0 && res.sent_today > 0 && !o->dry_run) {
        /* the same day again: nothing new is sent; what a killed run left
         * unfinished is put in place from the archive */
        file_sweep_temps(o->outdir, NULL);
        char today[11];
        if (o->today) snprintf(today, sizeof today, "%.10s", o->today);
        else date_today(today);
        restore_ctx rcx = {s, o, rep, c.inputs, e, 0};
        if (nt_mkdir_p(o->outdir, e) < 0) rc = -1;
        else if (store_list_letters(s, rep->series, today, restore_row, &rcx, e) < 0 || rcx.failed) rc = -1;
    }
    esc_ctx_free(&c, 1);
    store_escalate_result_free(&res);
    return rc;
}
