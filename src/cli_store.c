/* cli_store.c — the commands that use the history database: issue,
 * archive (list, export, verify) and regen. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crash.h"
#include "history.h"
#include "parse.h"
#include "render.h"
#include "digest.h"
#include "store.h"
#include "template.h"

const char *cli_db_path(const char *opt) {
    if (opt && *opt) return opt;
    const char *env = getenv("TONGBAO_DB");
    if (env && *env) return env;
    return STORE_DEFAULT_PATH;
}

/* ---- issue ------------------------------------------------------------ */

/* The forms of issue, as indices of issue_ctx's outputs. */
enum { IS_PDF, IS_OFD, IS_N };
static const unsigned is_form[IS_N] = {STORE_FORM_PDF, STORE_FORM_OFD};

typedef struct {
    lay_ctx *lc;
    store *s;
    const tpl_template *t;
    render_formset fs;          /* the forms this bulletin is issued in */
    char *out[IS_N];            /* final output path per form; NULL: not issued in it */
    char *tmp[IS_N];            /* temporary files written before commit */
    render_info info;
} issue_ctx;

static int issue_render(void *ctx, model_bulletin *b, store_rendered *out, err *e) {
    issue_ctx *c = ctx;
    render_opts ro = {NULL, 1, NULL};
    render_info_free(&c->info);
    render_info_init(&c->info);
    if (history_prepare(c->s, b, NULL, &out->context, e) < 0) return -1;
    render_forms f = {c->out[IS_PDF] ? &out->pdf : NULL, c->out[IS_OFD] ? &out->ofd : NULL, c->fs.pdfa};
    if (render_bulletin_forms(c->lc, b, c->t, &ro, &f, &c->info, e) < 0) return -1;
    out->pdfa = c->out[IS_PDF] && c->fs.pdfa;
    out->pages = c->info.pages;
    return 0;
}

/* The database and the files SQLite keeps beside it: inputs no output may
 * overwrite.  paths[0..2] point into buf; paths[3] = NULL. */
typedef struct {
    char wal[1100], shm[1100];
    const char *paths[4];
} db_files;

static void db_files_of(const char *db, db_files *f) {
    snprintf(f->wal, sizeof f->wal, "%s-wal", db);
    snprintf(f->shm, sizeof f->shm, "%s-shm", db);
    f->paths[0] = db;
    f->paths[1] = f->wal;
    f->paths[2] = f->shm;
    f->paths[3] = NULL;
}

/* Write the PDF beside its final name before the database commits: if the
 * disk is full we learn it while the transaction can still be rolled back. */
static int write_tmp(const char *out, char **tmp, const void *data, size_t len, err *e) {
    if (file_write_temp(out, data, len, 1, tmp, e) == 0) return 0;
    if (e->code == TB_EOUTPUT) err_append(e, " (nothing was recorded)");
    return -1;
}

static int issue_before_commit(void *ctx, const model_bulletin *b, const store_rendered *r, err *e) {
    (void)b;
    issue_ctx *c = ctx;
    const buf *bytes[IS_N] = {&r->pdf, &r->ofd};
    for (int k = 0; k < IS_N; k++)
        if (c->out[k] && write_tmp(c->out[k], &c->tmp[k], bytes[k]->data, bytes[k]->len, e) < 0) return -1;
    crash_point("issue-temp");
    return 0;
}

/* A run of `tongbao issue` killed between its commit and its renames
 * leaves its temporaries of OUT (util.h) complete and synced, with the
 * bulletin recorded.  The next issue of the same input to the same OUT
 * finishes such a rename when the part's bytes are the archived form's
 * (form: STORE_FORM_PDF or STORE_FORM_OFD; *completed = 1); any other part
 * file of OUT whose process is gone is debris of a run killed before its
 * commit, and goes.  Parts of a running process are left alone.
 * archived: the issue to compare with, or NULL (nothing recorded for it). */
static int issue_sweep_parts(store *s, const model_bulletin *b, const store_result *archived, const char *out,
                             unsigned form, int *completed, err *e) {
    *completed = 0;
    const char *slash = strrchr(out, '/');
    size_t dl = slash ? (size_t)(slash - out) : 0;
    const char *base = slash ? slash + 1 : out;
    char *dir = slash ? xstrndup(out, dl ? dl : 1) : xstrdup(".");
    DIR *d = opendir(dir);
    if (!d) {
        free(dir);
        return 0;   /* nothing to sweep where nothing can be listed */
    }
    buf pdf;
    buf_init(&pdf);
    int have_pdf = 0, rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) && rc == 0) {
        const char *nm = de->d_name;
        /* .OUT.PID.RANDOM.tmp, or OUT.part.PID from before 0.3 (util.h) */
        if (!file_is_stale_temp(nm, base)) continue;
        size_t pl = strlen(dir) + strlen(nm) + 2;
        char *part = xmalloc(pl);
        snprintf(part, pl, "%s/%s", dir, nm);
        if (archived && !*completed) {
            if (!have_pdf) {
                if (store_get_form(s, b->series, archived->year, archived->issue_no, form, &pdf, NULL, NULL, e) < 0) {
                    if (e->code != TB_ENOTFOUND) {
                        free(part);
                        rc = -1;
                        break;
                    }
                    /* not issued in this form: its parts are debris */
                    memset(e, 0, sizeof *e);
                    archived = NULL;
                    unlink(part);
                    free(part);
                    continue;
                }
                have_pdf = 1;
            }
            err ignored = {0};
            size_t len;
            char *data = file_read(part, (size_t)1 << 30, &len, &ignored);
            int same = data && len == pdf.len && !memcmp(data, pdf.data, len);
            free(data);
            err ce = {0};
            if (same && file_commit_temp(part, out, 1, &ce) == 0) {
                *completed = 1;
                free(part);
                continue;
            }
        }
        unlink(part);   /* best effort: debris, nothing refers to it */
        free(part);
    }
    closedir(d);
    buf_free(&pdf);
    free(dir);
    return rc;
}

static const char issue_help[] =
    "usage: tongbao issue FILE.xml [--db PATH] [-o OUT.pdf|OUT.ofd] [--format pdf|ofd|pdf,ofd]\n"
    "                     [--pdfa] [-t TEMPLATE] [--allow-backdated]\n"
    "Issues a bulletin: assigns 第N期 (per series and year) and finding IDs,\n"
    "renders it, and records everything (each form's bytes, source, template) in\n"
    "the history database in one transaction.  Issuing the same bulletin id again\n"
    "does nothing and says which issue it already is.\n"
    "  --db PATH       history database (default $TONGBAO_DB, else ./tongbao.db)\n"
    "  --allow-backdated  issue it even though it is dated before the last issue of\n"
    "                  its series (期号 follow dates, so this is refused by default)\n"
    "  -o OUT.pdf      output (default FILE.pdf beside the input); never the input,\n"
    "                  the database, a directory or a device.  OUT.ofd issues an\n"
    "                  OFD package (GB/T 33190) instead, unless the forms below\n"
    "                  include it; a second form goes beside OUT (OUT.ofd, OUT.pdf)\n"
    "  --format F      the forms issued and archived: pdf, ofd, or both (pdf,ofd);\n"
    "                  default: the template's <output formats=…>, else pdf\n"
    "  --pdfa          the PDF is PDF/A-2b (default: the template's <output pdfa=…>)\n"
    "FILE may be a 问题清单 workbook (.xlsx) or CSV (--sheet, --header, --encoding as\n"
    "for tongbao import); the history keeps the findings XML made from it.\n";

char *cli_default_out(const char *in, const char *ext) {
    size_t l = strlen(in);
    char *o = xmalloc(l + strlen(ext) + 1);
    memcpy(o, in, l + 1);
    if (l > 4 && !strcmp(o + l - 4, ".xml")) o[l - 4] = 0;
    else if (smap_is_sheet(in)) {   /* 问题清单.xlsx → 问题清单.pdf */
        char *dot = strrchr(o, '.');
        if (dot && !strchr(dot, '/')) *dot = 0;
    }
    strcat(o, ext);
    return o;
}

/* regen's and archive export's output: OUT checked against the output rules (never the history
 * database or its journal) and its form from --format or OUT's extension;
 * "-" (standard output) is a PDF unless --format says otherwise.  0, or
 * the exit code after the message. */
static int output_form(const char *db, const char *out, const char *format, int *to_stdout, render_format *fmt) {
    err e = {0};
    db_files dbf;
    db_files_of(cli_db_path(db), &dbf);
    *fmt = RENDER_PDF;
    if ((*to_stdout = file_out_check(out, FILE_OUT_STDOUT, dbf.paths, &e)) < 0) {
        cli_error(&e);
        return e.code;
    }
    if ((!*to_stdout || format) && render_format_of(*to_stdout ? NULL : out, format, fmt, &e) < 0) {
        cli_error(&e);
        return TB_EUSAGE;
    }
    return 0;
}

/* archive export writes an archived form, .pdf or .ofd: a .docx is a
 * draft and never enters the archive (regen -o X.docx gives an issued
 * bulletin's text as one), and any other extension is refused like
 * render's. */
static int archived_output(const char *cmd, const char *out) {
    err e = {0};
    render_format f;
    if (!strcmp(out, "-")) return 0;   /* standard output: file_out_check's to judge */
    if (render_format_of(out, NULL, &f, &e) < 0) {
        cli_error(&e);
        return TB_EUSAGE;
    }
    if (f != RENDER_DOCX) return 0;
    fprintf(stderr,
            "tongbao: %s: %s: %s writes an archived form (-o OUT.pdf or OUT.ofd); a %s is a draft and never enters "
            "the archive: after issuing, `tongbao regen --series S --issue N -o OUT%s` gives the issued text as one\n",
            cmd, out, cmd, render_format_ext(f), render_format_ext(f));
    return TB_EUSAGE;
}

/* The output path of each form issue writes: -o names one (its
 * extension's form, else the first), the other goes beside it with its own
 * extension; without -o, FILE's name with each form's.  Each is checked
 * against the output policy (util.h) and the inputs. */
static int issue_outputs(issue_ctx *c, const char *in, const char *out, const char *const *inputs, err *e) {
    render_format named = RENDER_PDF;
    if (out) {
        err ignored = {0};
        if (render_format_of(out, NULL, &named, &ignored) < 0) named = RENDER_PDF;
    }
    for (int k = 0; k < IS_N; k++) {
        if (!(c->fs.forms & is_form[k])) continue;
        const char *ext = k == IS_OFD ? ".ofd" : ".pdf";
        if (out && (named == RENDER_OFD) == (k == IS_OFD)) c->out[k] = xstrdup(out);
        else c->out[k] = out ? render_form_path(out, is_form[k]) : cli_default_out(in, ext);
        if (file_out_check(c->out[k], 0, inputs, e) < 0) return -1;
    }
    return 0;
}

/* After the commit: each form's temporary into place.  A failure says the
 * bulletin is issued and how to get the file. */
static int issue_rename(issue_ctx *c, const char *in, const store_result *res, err *e) {
    for (int k = 0; k < IS_N; k++) {
        if (!c->out[k]) continue;
        if (file_commit_temp(c->tmp[k], c->out[k], 1, e) < 0) {
            char sfx[300];
            snprintf(sfx, sizeof sfx, "; %s was issued and archived as 第%d期: write the %s with `tongbao archive "
                     "export --format %s`", in, res->issue_no, k == IS_OFD ? "OFD" : "PDF", k == IS_OFD ? "ofd" : "pdf");
            err_append(e, sfx);
            return -1;
        }
        free(c->tmp[k]);
        c->tmp[k] = NULL;
        crash_point("issue-renamed");
    }
    return 0;
}

/* Issued before: each form's temporary of an interrupted run put in place
 * (issue_sweep_parts), and a word on what was issued. */
static int issue_already(issue_ctx *c, const model_bulletin *b, const char *in, const store_result *res, err *e) {
    int completed[IS_N] = {0};
    for (int j = 0; j < IS_N; j++)
        if (c->out[j] &&
            issue_sweep_parts(c->s, b, res->source_differs ? NULL : res, c->out[j], is_form[j], &completed[j], e) < 0)
            return -1;
    printf("%s: already issued as %s 第%d期 (%d); nothing new recorded%s\n", in, b->series, res->issue_no, res->year,
           res->source_differs ? " — note: the file differs from what was issued then" : "");
    for (int j = 0; j < IS_N; j++)
        if (completed[j])
            printf("%s: the %s of the interrupted run is now in place → %s\n", in, j == IS_OFD ? "OFD" : "PDF",
                   c->out[j]);
    return 0;
}

/* The closing line: what was issued, in which forms ("PDF/A + OFD"), where. */
static void issue_report(const issue_ctx *c, const model_bulletin *b, const char *in, const store_result *res) {
    int pdf = c->out[IS_PDF] != NULL, ofd = c->out[IS_OFD] != NULL;
    const char *forms = pdf && ofd ? (c->fs.pdfa ? "PDF/A + OFD" : "PDF + OFD") : ofd ? "OFD" : c->fs.pdfa ? "PDF/A" : "PDF";
    char where[2200];
    snprintf(where, sizeof where, "%s%s%s", pdf ? c->out[IS_PDF] : "", pdf && ofd ? ", " : "", ofd ? c->out[IS_OFD] : "");
    if (res->n_findings > 0)
        printf("%s: issued %s %d年第%d期, %d findings (%s%d-%03d-001 … %s%d-%03d-%03d), %d repeats, %d pages, %s → %s\n",
               in, b->series, res->year, res->issue_no, res->n_findings, res->code, res->year, res->issue_no, res->code,
               res->year, res->issue_no, res->n_findings, res->n_repeats, res->pages, forms, where);
    else
        printf("%s: issued %s %d年第%d期, %zu cases, %d pages, %s → %s\n", in, b->series, res->year, res->issue_no,
               b->n_cases, res->pages, forms, where);
}

int cli_issue(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *db = NULL, *tname = NULL, *format = NULL;
    int pdfa = 0, backdated = 0;
    smap_opts so = {0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(issue_help, stdout); return 0; }
        if ((r = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (r < 0) return TB_EUSAGE; out = v; }
        else if ((r = cli_sheet_opt(argc, argv, &i, &so)) != 0) { if (r < 0) return TB_EUSAGE; }
        else if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) return TB_EUSAGE; db = v; }
        else if ((r = cli_opt(argc, argv, &i, "-t", &v)) != 0) { if (r < 0) return TB_EUSAGE; tname = v; }
        else if ((r = cli_opt(argc, argv, &i, "--format", &v)) != 0) { if (r < 0) return TB_EUSAGE; format = v; }
        else if (!strcmp(argv[i], "--pdfa")) pdfa = 1;
        else if (!strcmp(argv[i], "--allow-backdated")) backdated = 1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tongbao: issue: unknown option %s; see tongbao issue --help\n", argv[i]);
            return TB_EUSAGE;
        } else if (!in) in = argv[i];
        else {
            fprintf(stderr, "tongbao: issue takes one FILE; use nightly for an inbox\n");
            return TB_EUSAGE;
        }
    }
    if (!in) {
        fprintf(stderr, "tongbao: issue needs a FILE.xml; see tongbao issue --help\n");
        return TB_EUSAGE;
    }
    err e = {0};
    unsigned cmd_forms = 0;
    if (format && render_formset_parse(format, &cmd_forms, &e) < 0) {
        cli_error(&e);
        return TB_EUSAGE;
    }
    if (out && !strcmp(out, "-")) {
        fprintf(stderr, "tongbao: issue writes files it can put in place after the commit, not standard output; "
                        "use -o OUT.pdf (or OUT.ofd), and `tongbao archive export -o -` afterwards\n");
        return TB_EUSAGE;
    }
    size_t len = 0;
    char *xml = NULL;
    model_bulletin *b = cli_parse_input(in, &so, &xml, &len, &e);
    if (!b) {
        cli_error(&e);
        return e.code;
    }
    tpl_template *t = NULL;
    store *s = NULL;
    issue_ctx c = {0};
    render_info_init(&c.info);
    int rc = 0;
    db_files dbf;
    db_files_of(cli_db_path(db), &dbf);
    const char *inputs[7] = {in, dbf.paths[0], dbf.paths[1], dbf.paths[2], NULL, NULL, NULL};
    size_t k = 4;                                       /* what -o may not be */
    if (tname) inputs[k++] = tname;
    if (so.header) inputs[k++] = so.header;
    /* what the output may be first: the input itself, a device … */
    if (out && file_out_check(out, 0, inputs, &e) < 0) goto fail;
    t = tpl_load(tname ? tname : b->template_name ? b->template_name : "dubao", &e);
    if (!t) goto fail;
    if (render_formset_of(cmd_forms, pdfa, out, t, &c.fs, &e) < 0 || issue_outputs(&c, in, out, inputs, &e) < 0)
        goto fail;
    if ((rc = cli_setup_fonts())) goto done;
    c.lc = lay_ctx_new(&e);
    if (!c.lc) goto fail;
    c.t = t;
    s = store_open(cli_db_path(db), &e);
    if (!s) goto fail;
    store_allow_backdated(s, backdated);
    c.s = s;
    store_source src = {xml, len, in, t->name, t->xml, "tongbao " TONGBAO_VERSION};
    store_hooks hooks = {issue_render, issue_before_commit, &c};
    store_result res = {0};
    int r = store_issue(s, b, &src, &hooks, &res, &e);
    if (r < 0) {
        for (int j = 0; j < IS_N; j++)
            if (c.tmp[j]) unlink(c.tmp[j]);
        goto fail;
    }
    if (r == 1) {
        if (issue_already(&c, b, in, &res, &e) < 0) goto fail;
        goto done;
    }
    if (issue_rename(&c, in, &res, &e) < 0) goto fail;
    for (int j = 0; j < IS_N; j++) {   /* debris of earlier runs killed before their commit; best effort */
        int completed;
        err ignored = {0};
        if (c.out[j]) (void)issue_sweep_parts(s, b, NULL, c.out[j], is_form[j], &completed, &ignored);
    }
    if (c.info.warnings.len) fprintf(stderr, "%s", buf_cstr(&c.info.warnings));
    issue_report(&c, b, in, &res);
    goto done;
fail:
    cli_error(&e);
    rc = e.code ? e.code : TB_EINTERNAL;
done:
    for (int j = 0; j < IS_N; j++) {
        free(c.tmp[j]);
        free(c.out[j]);
    }
    render_info_free(&c.info);
    lay_ctx_free(c.lc);
    store_close(s);
    tpl_free(t);
    model_free(b);
    free(xml);
    return rc;
}

/* ---- archive -------------------------------------------------------------- */

static int list_row(void *ctx, const store_bulletin_info *r) {
    (void)ctx;
    char title[256];
    snprintf(title, sizeof title, "%s", r->title ? r->title : "");
    char forms[16];
    printf("%-24s %4d  第%-3d期  %-10s  %3d findings  %2d pages  %-8s  %s  %.12s\n", r->series, r->year, r->issue_no,
           r->date ? r->date : "", r->n_findings, r->pages, store_info_forms(r, forms), title,
           r->pdf_sha256 ? r->pdf_sha256 : "");
    return 0;
}

/* archive verify's progress line, on a terminal: redrawn at most ten
 * times a second, cleared before a fault is printed and at the end. */
typedef struct {
    int tty, shown;
    double t0, last;
} verify_ui;

static double mono_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void verify_clear(verify_ui *u) {
    if (u->shown) {
        fputs("\r\033[K", stdout);
        fflush(stdout);
        u->shown = 0;
    }
}

static void verify_progress(void *ctx, const char *phase, long done, long total) {
    verify_ui *u = ctx;
    if (!u->tty) return;
    double now = mono_s();
    if (u->shown && now - u->last < 0.1 && !(total > 0 && done == total)) return;
    u->last = now;
    if (total > 0 && done >= 0)
        printf("\r%s: %ld of %ld (%d %%)  %.0f s\033[K", phase, done, total, (int)(100.0 * (double)done / (double)total),
               now - u->t0);
    else
        printf("\r%s…  %.0f s\033[K", phase, now - u->t0);
    fflush(stdout);
    u->shown = 1;
}

/* A letter of tongbao escalate (issue 16): 函N号, its district and 发文字号. */
static int letter_row(void *ctx, const store_letter_info *r) {
    (void)ctx;
    printf("%-24s %4d  函%-3d号  %-10s  %3d findings  %2d pages  %s %s (level %d)  %.12s\n", r->series, r->year,
           r->letter_no, r->date ? r->date : "", r->n_findings, r->pages, r->district ? r->district : "",
           r->doc_number ? r->doc_number : "", r->level, r->pdf_sha256 ? r->pdf_sha256 : "");
    return 0;
}

static void fault_line(void *ctx, const char *fault) {
    if (ctx) verify_clear(ctx);
    printf("FAULT %s\n", fault);
}

static const char archive_help[] =
    "usage: tongbao archive list [--series S] [--db PATH]\n"
    "       tongbao archive export --series S --issue N|--letter N [--year Y] -o OUT.pdf|OUT.ofd|-\n"
    "                              [--format pdf|ofd] [--db PATH]\n"
    "       tongbao archive verify [--since YYYY-MM-DD] [--db PATH]\n"
    "       tongbao archive rebuild-stats [--db PATH]\n"
    "list: every issued bulletin with the forms it was issued in (pdf, pdfa, +ofd),\n"
    "then every letter of tongbao escalate (函N号);\n"
    "export: one archived form of a bulletin (--issue) or a letter's PDF (--letter),\n"
    "byte for byte, once its SHA-256 matches the record: the PDF (or PDF/A) for\n"
    "OUT.pdf, the OFD package for OUT.ofd (or --format; -o -: the bulletin's first\n"
    "form to standard output, unless --format);\n"
    "verify: the schema (every table, index and trigger, the version), every archived\n"
    "form's (PDF, PDF/A, OFD) and source's SHA-256 (letters too), each bulletin's\n"
    "findings, the statistics summary against a recount, SQLite integrity and\n"
    "foreign keys (exit 9 on any fault); progress on a terminal.  --since DATE: the\n"
    "schema, the letters and the bulletins dated DATE or later only, leaving out the\n"
    "checks of the whole file (quick, for every day; run the full check now and then);\n"
    "rebuild-stats: count the statistics summary (what issuing reads for 截至目前)\n"
    "again from the recorded bulletins and findings, in one transaction.\n";

/* archive export: one archived form of bulletin `issue` (the name's or
 * --format's, "-" alone: its first form), or letter `letter`'s PDF. */
static int archive_export(const char *db, const char *series, int year, int issue, int letter, const char *out,
                          const char *format) {
    err e = {0};
    int rc = 0;
    if (!series || (issue <= 0) == (letter <= 0) || !out) {
        fprintf(stderr, "tongbao: archive export needs --series S, --issue N or --letter N, and -o OUT.pdf (or OUT.ofd)\n");
        return TB_EUSAGE;
    }
    /* the form: --format, else the name's extension; "-" alone: the first form */
    int to_stdout, form = 0;
    render_format fmt;
    if ((rc = output_form(db, out, format, &to_stdout, &fmt))) return rc;
    if (archived_output("archive export", out)) return TB_EUSAGE;
    if (fmt == RENDER_DOCX) return archived_output("archive export", "OUT.docx");
    if (letter > 0 && fmt == RENDER_OFD) {
        fprintf(stderr, "tongbao: archive export: a letter is archived as a PDF only; use -o OUT.pdf\n");
        return TB_EUSAGE;
    }
    if (!to_stdout || format) form = fmt == RENDER_OFD ? STORE_FORM_OFD : STORE_FORM_PDF;
    store *s = store_open_existing(cli_db_path(db), 1, &e);
    if (!s) { cli_error(&e); return e.code; }
    buf pdf;
    buf_init(&pdf);
    arena *a = arena_new();
    store_bulletin_info info;
    char forms[16];
    if (!a) rc = TB_EINTERNAL;
    else if (letter > 0) {
        /* a letter of tongbao escalate: its archived bytes, checked against its hash */
        model_letter l;
        store_letter_info li;
        char hex[65] = "";
        if (store_get_letter(s, series, year, letter, a, &l, NULL, &pdf, &li, &e) == 0) {
            digest_sha256_hex(pdf.data, pdf.len, hex);
            if (strcmp(hex, li.pdf_sha256 ? li.pdf_sha256 : ""))
                err_set(&e, TB_EVERIFY, cli_db_path(db), 0, 0, "the archived PDF of %s does not match its SHA-256; "
                        "run `tongbao archive verify`", li.doc_number ? li.doc_number : "the letter");
        }
        if (e.code || file_write_out(out, pdf.data, pdf.len, &e) < 0) {
            cli_error(&e);
            rc = e.code;
        } else fprintf(to_stdout ? stderr : stdout, "%s %s (%d, 函%d号, %s) → %s (%zu bytes, sha256 %s)\n", series,
                       li.doc_number, li.year, li.letter_no, li.district, to_stdout ? "(standard output)" : out,
                       pdf.len, li.pdf_sha256);
    } else if ((!form && store_find_bulletin(s, series, year, issue, a, &info, &e) < 0) ||
               store_get_form(s, series, year, issue,
                              form ? form : !strcmp(info.form, "ofd") ? STORE_FORM_OFD : STORE_FORM_PDF, &pdf, a,
                              &info, &e) < 0 ||
             file_write_out(out, pdf.data, pdf.len, &e) < 0) {
        cli_error(&e);
        rc = e.code;
    } else {
        if (!form) form = !strcmp(info.form, "ofd") ? STORE_FORM_OFD : STORE_FORM_PDF;
        const char *what = form == STORE_FORM_OFD ? "OFD" : !strcmp(info.form, "pdfa") ? "PDF/A" : "PDF";
        fprintf(to_stdout ? stderr : stdout, "%s %d年第%d期 (%s of %s) → %s (%zu bytes, sha256 %s)\n", series,
                info.year, info.issue_no, what, store_info_forms(&info, forms),
                to_stdout ? "(standard output)" : out, pdf.len, store_info_form_sha(&info, form));
    }
    arena_free(a);
    buf_free(&pdf);
    store_close(s);
    return rc;
}

int cli_archive(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(archive_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? TB_EUSAGE : 0;
    }
    const char *sub = argv[1], *db = NULL, *series = NULL, *out = NULL, *format = NULL, *since = NULL;
    int issue = 0, year = 0, letter = 0;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r;
        /* `archive list --help`, as every command takes --help */
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(archive_help, stdout); return 0; }
        if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) return TB_EUSAGE; db = v; }
        else if ((r = cli_opt(argc, argv, &i, "--series", &v)) != 0) { if (r < 0) return TB_EUSAGE; series = v; }
        else if ((r = cli_opt(argc, argv, &i, "--issue", &v)) != 0) { if (r < 0) return TB_EUSAGE; issue = atoi(v); }
        else if ((r = cli_opt(argc, argv, &i, "--year", &v)) != 0) { if (r < 0) return TB_EUSAGE; year = atoi(v); }
        else if ((r = cli_opt(argc, argv, &i, "--letter", &v)) != 0) { if (r < 0) return TB_EUSAGE; letter = atoi(v); }
        else if ((r = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (r < 0) return TB_EUSAGE; out = v; }
        else if ((r = cli_opt(argc, argv, &i, "--format", &v)) != 0) { if (r < 0) return TB_EUSAGE; format = v; }
        else if ((r = cli_opt(argc, argv, &i, "--since", &v)) != 0) {
            if (r < 0 || cli_day_option("archive verify", "--since", v) != 0) return TB_EUSAGE;
            since = v;
        }
        else {
            fprintf(stderr, "tongbao: archive %s: unexpected %s; see tongbao archive --help\n", sub, argv[i]);
            return TB_EUSAGE;
        }
    }
    err e = {0};
    int rc = 0;
    if (!strcmp(sub, "list")) {
        store *s = store_open_existing(cli_db_path(db), 1, &e);
        if (!s) { cli_error(&e); return e.code; }
        long n = store_list_bulletins(s, series, list_row, NULL, &e);
        if (n < 0) { cli_error(&e); rc = e.code; }
        else if (n == 0) printf("(no bulletins issued%s%s)\n", series ? " in " : "", series ? series : "");
        if (rc == 0 && store_list_letters(s, series, NULL, letter_row, NULL, &e) < 0) { cli_error(&e); rc = e.code; }
        store_close(s);
        return rc;
    }
    if (!strcmp(sub, "export")) return archive_export(db, series, year, issue, letter, out, format);
    if (since && strcmp(sub, "verify")) {
        fprintf(stderr, "tongbao: archive %s: --since goes with archive verify\n", sub);
        return TB_EUSAGE;
    }
    if (!strcmp(sub, "verify")) {
        store *s = store_open_verify(cli_db_path(db), &e);   /* a damaged schema is a fault to list */
        if (!s) { cli_error(&e); return e.code; }
        long nb = 0;
        verify_ui ui = {.tty = isatty(STDOUT_FILENO), .t0 = mono_s()};
        store_verify_opts vo = {since, verify_progress, &ui};
        long faults = store_verify_with(s, &vo, fault_line, &ui, &nb, &e);
        verify_clear(&ui);
        if (faults < 0) { cli_error(&e); rc = e.code; }
        else if (faults) {
            printf("%ld faults in %ld bulletins%s%s\n", faults, nb, since ? " dated from " : "", since ? since : "");
            rc = TB_EVERIFY;
        } else {
            err ignored = {0};
            long nl = store_list_letters(s, NULL, NULL, NULL, NULL, &ignored);
            char letters[64] = "";
            if (nl > 0) snprintf(letters, sizeof letters, " and %ld letters", nl);
            if (since)
                printf("ok: %ld bulletins dated from %s%s, every archived form matches its SHA-256 (the whole-file checks "
                       "were left out: run archive verify without --since for them)\n", nb, since, letters);
            else
                printf("ok: %ld bulletins%s, every archived form matches its SHA-256, statistics and database intact\n", nb,
                       letters);
        }
        store_close(s);
        return rc;
    }
    if (!strcmp(sub, "rebuild-stats")) {
        store *s = store_open_existing(cli_db_path(db), 0, &e);
        if (!s) { cli_error(&e); return e.code; }
        long ns = 0, nd = 0;
        if (store_stats_rebuild(s, &ns, &nd, &e) < 0) { cli_error(&e); rc = e.code; }
        else printf("statistics counted again for %ld series%s; %ld had differed\n", ns, "", nd);
        store_close(s);
        return rc;
    }
    fprintf(stderr, "tongbao: unknown archive command \"%s\"; use list, export, verify or rebuild-stats\n", sub);
    return TB_EUSAGE;
}

/* ---- regen ------------------------------------------------------------ */

static const char regen_help[] =
    "usage: tongbao regen --series S --issue N [--year Y] [--district D]\n"
    "                     -o OUT.pdf|OUT.ofd|OUT.docx|- [--format pdf|ofd|docx] [--pdfa] [--db PATH]\n"
    "       tongbao regen --series S --letter N [--year Y] -o OUT.pdf|- [--db PATH]\n"
    "Rebuilds an issued bulletin from the database alone (the source file may\n"
    "be gone).  Without --district the output is byte-identical to the archived\n"
    "form the name (or --format) asks for: the PDF (a PDF/A when it was issued\n"
    "as one) or the OFD package; a form it was not issued in is rendered now and\n"
    "said so.  --pdfa: a PDF/A even where the archive holds a plain PDF.\n"
    "With --district, a district extract (整改通知): only that district's findings\n"
    "with their IDs and deadlines, addressed to the district.  A bulletin made\n"
    "of items gives the items of that district (district=, else source=) under\n"
    "its own 报头.\n"
    "OUT.docx (or --format docx): the same, issued text (期号, finding IDs,\n"
    "history) as a Word file to edit; it is not recorded anywhere.\n"
    "--letter N: letter 函N号 of tongbao escalate, composed again from the history\n"
    "with the template it was sent with: byte-identical to the archived PDF.\n";

/* regen --letter: the letter composed again from its rows and archived
 * template; the archive's bytes when fonts or the tool changed since. */
static int regen_letter(const char *db, const char *series, int year, int letter, const char *out, const char *format) {
    err e = {0};
    int rc = 0, to_stdout;
    render_format fmt;
    if ((rc = output_form(db, out, format, &to_stdout, &fmt))) return rc;
    if (fmt != RENDER_PDF) {
        fprintf(stderr, "tongbao: regen: a letter is archived as a PDF; write -o OUT.pdf\n");
        return TB_EUSAGE;
    }
    store *s = store_open_existing(cli_db_path(db), 1, &e);
    arena *a = arena_new();
    tpl_template *t = NULL;
    lay_ctx *lc = NULL;
    buf pdf, archived;
    buf_init(&pdf);
    buf_init(&archived);
    model_letter l;
    store_letter_info li;
    const char *txml = NULL;
    if (!s || !a) goto fail;
    if (store_get_letter(s, series, year, letter, a, &l, &txml, &archived, &li, &e) < 0) goto fail;
    if ((rc = cli_setup_fonts())) goto done;
    t = txml ? tpl_load_memory(txml, strlen(txml), li.template_name ? li.template_name : "duban", &e)
             : tpl_load(li.template_name ? li.template_name : "duban", &e);
    if (!t || !(lc = lay_ctx_new(&e)) || render_letter(lc, &l, t, &pdf, NULL, &e) < 0) goto fail;
    char hex[65];
    digest_sha256_hex(pdf.data, pdf.len, hex);
    if (strcmp(hex, li.pdf_sha256 ? li.pdf_sha256 : "")) {
        fprintf(stderr, "tongbao: note: re-rendering no longer gives the archived bytes (fonts or tool changed since %s); "
                "writing the archived PDF\n", li.tool_version ? li.tool_version : "the letter");
        buf_reset(&pdf);
        buf_add(&pdf, archived.data, archived.len);
    }
    if (file_write_out(out, pdf.data, pdf.len, &e) < 0) goto fail;
    fprintf(to_stdout ? stderr : stdout, "%s %s (%d, 函%d号, %s) → %s\n", series, li.doc_number, li.year, li.letter_no,
            li.district, to_stdout ? "(standard output)" : out);
    goto done;
fail:
    cli_error(&e);
    rc = e.code ? e.code : TB_EINTERNAL;
done:
    buf_free(&pdf);
    buf_free(&archived);
    lay_ctx_free(lc);
    tpl_free(t);
    arena_free(a);
    store_close(s);
    return rc;
}

/* A district extract (not of a bulletin made of items, which keeps its own
 * template: the district's items under the same 报头, issue 11) is a
 * 整改通知: the zhenggai template when installed, else the bulletin's own
 * template t composed as a zhenggai. */
static tpl_template *regen_extract_template(tpl_template *t) {
    err e2 = {0};
    tpl_template *z = tpl_load("zhenggai", &e2);
    if (!z) return t;
    tpl_free(t);
    return z;
}

/* regen --letter N: its options (no --issue, --district or --pdfa: others
 * set), then regen_letter. */
static int regen_letter_opts(const char *db, const char *series, int year, int letter, const char *out,
                             const char *format, int others) {
    if (!series || !out || others) {
        fprintf(stderr, "tongbao: regen --letter N needs --series S and -o OUT.pdf (and no --issue, --district or --pdfa)\n");
        return TB_EUSAGE;
    }
    return regen_letter(db, series, year, letter, out, format);
}

/* regen hands out what was recorded: when the rendering matches the
 * recorded SHA-256 it is that, whatever became of the archived copy.  A
 * copy damaged since the issue is still worth a warning (the next
 * `archive export` of it fails); the bytes written are the right ones. */
static void regen_check_archived(store *s, const char *series, const store_archived *ar, int form) {
    err e = {0};
    buf copy;
    buf_init(&copy);
    if (store_get_form(s, series, ar->info.year, ar->info.issue_no, form, &copy, NULL, NULL, &e) < 0)
        fprintf(stderr, "tongbao: warning: %s: %s; what regen wrote was rebuilt from the verified source and matches "
                "the recorded SHA-256: run `tongbao archive verify` and restore the database from a backup\n",
                e.file[0] ? e.file : "the archive", e.msg);
    buf_free(&copy);
}

int cli_regen(int argc, char **argv) {
    const char *db = NULL, *series = NULL, *out = NULL, *district = NULL, *format = NULL;
    int issue = 0, year = 0, pdfa = 0, letter = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(regen_help, stdout); return 0; }
        if ((r = cli_opt(argc, argv, &i, "--format", &v)) != 0) { if (r < 0) return TB_EUSAGE; format = v; continue; }
        if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) return TB_EUSAGE; db = v; }
        else if ((r = cli_opt(argc, argv, &i, "--series", &v)) != 0) { if (r < 0) return TB_EUSAGE; series = v; }
        else if ((r = cli_opt(argc, argv, &i, "--issue", &v)) != 0) { if (r < 0) return TB_EUSAGE; issue = atoi(v); }
        else if ((r = cli_opt(argc, argv, &i, "--year", &v)) != 0) { if (r < 0) return TB_EUSAGE; year = atoi(v); }
        else if ((r = cli_opt(argc, argv, &i, "--district", &v)) != 0) { if (r < 0) return TB_EUSAGE; district = v; }
        else if ((r = cli_opt(argc, argv, &i, "--letter", &v)) != 0) { if (r < 0) return TB_EUSAGE; letter = atoi(v); }
        else if ((r = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (r < 0) return TB_EUSAGE; out = v; }
        else if (!strcmp(argv[i], "--pdfa")) pdfa = 1;
        else {
            fprintf(stderr, "tongbao: regen: unexpected %s; see tongbao regen --help\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    if (letter > 0) return regen_letter_opts(db, series, year, letter, out, format, issue > 0 || district || pdfa);
    if (!series || issue <= 0 || !out) {
        fprintf(stderr, "tongbao: regen needs --series S --issue N -o OUT.pdf (or OUT.docx); see tongbao regen --help\n");
        return TB_EUSAGE;
    }
    err e = {0};
    int rc = 0, to_stdout;
    render_format fmt;
    if ((rc = output_form(db, out, format, &to_stdout, &fmt))) return rc;
    if (pdfa && fmt != RENDER_PDF) {
        fprintf(stderr, "tongbao: regen: --pdfa is a form of PDF; drop it for a %s\n", render_format_ext(fmt));
        return TB_EUSAGE;
    }
    store *s = store_open_existing(cli_db_path(db), 1, &e);
    arena *a = arena_new();
    model_bulletin *b = NULL;
    tpl_template *t = NULL;
    lay_ctx *lc = NULL;
    buf pdf;
    buf_init(&pdf);
    render_info info;
    render_info_init(&info);
    store_archived ar;
    if (!s) goto fail;
    if (store_get_archived(s, series, year, issue, a, &ar, &e) < 0) goto fail;
    b = parse_memory((const char *)ar.source, ar.source_len, ar.info.source_name ? ar.info.source_name : "archived source", &e);
    if (!b || store_restore(b, &ar, &e) < 0 || history_restore(b, ar.context, &e) < 0) goto fail;
    if (fmt != RENDER_DOCX && (rc = cli_setup_fonts())) goto done;
    t = ar.template_xml ? tpl_load_memory(ar.template_xml, strlen(ar.template_xml), ar.info.template_name, &e)
                        : tpl_load(ar.info.template_name ? ar.info.template_name : "dubao", &e);
    if (!t) goto fail;
    int rec_pdfa = !strcmp(ar.info.form, "pdfa") || (!strcmp(ar.info.form, "pdf") && t->pdfa);
    int items_extract = district && b->has_items && b->n_categories == 0;
    if (district && !items_extract) t = regen_extract_template(t);
    render_opts ro = {district, 1, district && !items_extract ? "zhenggai" : NULL};
    if (fmt == RENDER_DOCX) {
        /* the issued text, composed again from the archived source, IDs,
         * template and history; a Word file is never compared or stored */
        if (render_docx(b, t, &ro, &pdf, &info, &e) < 0 || file_write_out(out, pdf.data, pdf.len, &e) < 0)
            goto fail;
        fprintf(to_stdout ? stderr : stdout, "%s %d年第%d期%s%s → %s (Word, the issued text)\n", series, ar.info.year,
                ar.info.issue_no, district ? " extract for " : "", district ? district : "",
                to_stdout ? "(standard output)" : out);
        goto done;
    }
    lc = lay_ctx_new(&e);
    if (!lc) goto fail;
    /* The recorded form: a PDF/A when it was issued as one.  (A bulletin
     * recorded as a plain PDF whose template says pdfa="yes" was issued
     * before forms were recorded, when issue took the template's word: its
     * PDF is a PDF/A too.) */
    int form = fmt == RENDER_OFD ? STORE_FORM_OFD : STORE_FORM_PDF;
    int want_pdfa = fmt == RENDER_PDF && (pdfa || rec_pdfa);
    render_forms rf = {fmt == RENDER_PDF ? &pdf : NULL, fmt == RENDER_OFD ? &pdf : NULL, want_pdfa};
    if (render_bulletin_forms(lc, b, t, &ro, &rf, &info, &e) < 0) goto fail;
    const char *what = fmt == RENDER_OFD ? "OFD" : want_pdfa ? "PDF/A" : "PDF";
    const char *note = "";
    if (!district && store_info_has_form(&ar.info, form) && (form == STORE_FORM_OFD || want_pdfa == rec_pdfa)) {
        char hex[65];
        digest_sha256_hex(pdf.data, pdf.len, hex);
        if (strcmp(hex, store_info_form_sha(&ar.info, form))) {
            /* Fonts or the tool changed since the issue: the archive is the
             * record, so it is what regen hands out. */
            fprintf(stderr, "tongbao: note: re-rendering no longer gives the archived bytes (fonts or tool changed since %s); writing the archived %s\n",
                    ar.info.tool_version ? ar.info.tool_version : "the issue", what);
            buf_reset(&pdf);
            if (store_get_form(s, series, ar.info.year, ar.info.issue_no, form, &pdf, a, NULL, &e) < 0) goto fail;
        } else regen_check_archived(s, series, &ar, form);
    } else if (!district) note = ", rendered now: the archive does not hold this form";
    if (file_write_out(out, pdf.data, pdf.len, &e) < 0) goto fail;
    fprintf(to_stdout ? stderr : stdout, "%s %d年第%d期%s%s → %s (%s, %d pages%s)\n", series, ar.info.year,
            ar.info.issue_no, district ? " extract for " : "", district ? district : "",
            to_stdout ? "(standard output)" : out, what, info.pages, note);
    goto done;
fail:
    cli_error(&e);
    rc = e.code ? e.code : TB_EINTERNAL;
done:
    render_info_free(&info);
    buf_free(&pdf);
    lay_ctx_free(lc);
    tpl_free(t);
    model_free(b);
    arena_free(a);
    store_close(s);
    return rc;
}
