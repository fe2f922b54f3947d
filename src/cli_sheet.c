/* cli_sheet.c — the spreadsheet side of the command line: `tongbao import`
 * (a 问题清单 workbook or CSV → findings XML), and the shared way every
 * command that reads findings (validate, render, issue, nightly) takes a
 * workbook directly: cli_sheet_opt for --sheet/--header/--encoding and
 * cli_read_input, which returns the findings XML of any input, so the
 * parser, the history and regen see one format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"
#include "form.h"
#include "ledger.h"
#include "parse.h"
#include "sheetmap.h"
#include "store.h"

int cli_sheet_opt(int argc, char **argv, int *i, smap_opts *o) {
    const char *v;
    int r;
    if ((r = cli_opt(argc, argv, i, "--sheet", &v)) != 0) return r < 0 ? -1 : (o->sheet = v, 1);
    if ((r = cli_opt(argc, argv, i, "--header", &v)) != 0) return r < 0 ? -1 : (o->header = v, 1);
    if ((r = cli_opt(argc, argv, i, "--encoding", &v)) != 0) return r < 0 ? -1 : (o->encoding = v, 1);
    return 0;
}

char *cli_read_input(const char *path, const smap_opts *o, size_t *len, smap_result *sr, err *e) {
    memset(sr, 0, sizeof *sr);
    if (!smap_is_sheet(path)) {
        if (o && (o->sheet || o->header || o->encoding)) {
            err_set(e, TB_EUSAGE, path, 0, 0, "--sheet, --header and --encoding are for workbooks and CSV files, and this "
                    "is a findings XML file");
            return NULL;
        }
        return file_read(path, PARSE_MAX_BYTES, len, e);
    }
    smap_opts none = {0};
    if (smap_load(path, o ? o : &none, sr, e) < 0) return NULL;
    if (sr->xml.len > PARSE_MAX_BYTES) {
        err_set(e, TB_EINPUT, path, 0, 0, "the findings made from it are over %u MiB, the limit of one bulletin; split the "
                "workbook", PARSE_MAX_BYTES >> 20);
        return NULL;
    }
    char *x = xmalloc(sr->xml.len + 1);
    memcpy(x, sr->xml.data, sr->xml.len);
    x[sr->xml.len] = 0;
    *len = sr->xml.len;
    return x;
}

model_bulletin *cli_parse_read(const char *xml, size_t len, const char *path, const smap_result *sr, err *e) {
    model_bulletin *b = sr->from_cells ? parse_generated(xml, len, path, e) : parse_memory(xml, len, path, e);
    if (!b) smap_map_error(sr, e);
    return b;
}

model_bulletin *cli_parse_input(const char *path, const smap_opts *o, char **xml_out, size_t *len_out, err *e) {
    size_t len = 0;
    smap_result sr;
    char *xml = cli_read_input(path, o, &len, &sr, e);
    model_bulletin *b = xml ? cli_parse_read(xml, len, path, &sr, e) : NULL;
    smap_free(&sr);
    if (b && xml_out) {
        *xml_out = xml;
        *len_out = len;
    } else free(xml);
    return b;
}

/* ---- import ---------------------------------------------------------------- */

static const char import_help[] =
    "usage: tongbao import FILE.xlsx|FILE.csv [-o OUT.xml] [--sheet NAME] [--header H.xml] [--encoding ENC]\n"
    "Turns a 问题清单 workbook (or CSV) into a findings XML file, checked against\n"
    "the schema.  validate, render, issue and nightly also take the workbook\n"
    "directly; import is for keeping or editing the XML.\n"
    "  -o OUT.xml       where to write (default FILE.xml beside the input; - = stdout)\n"
    "  --sheet NAME     the sheet with the findings (default 问题清单, else the first\n"
    "                   visible sheet whose header row names the columns)\n"
    "  --header H.xml   the bulletin's header (标题, 发文机关 …) as a findings XML\n"
    "                   file without <findings>, instead of the 通报信息 sheet;\n"
    "                   required for a CSV\n"
    "  --encoding ENC   a CSV's encoding (default: UTF-8 if it is, else GB18030)\n"
    "Columns and keys: see README (workbook layout), or `tongbao form` for a\n"
    "blank workbook to fill in.  Errors name the cell: 问题清单!F7.\n";

static char *default_xml(const char *in) {
    size_t l = strlen(in);
    const char *dot = strrchr(in, '.');
    const char *slash = strrchr(in, '/');
    if (dot && (!slash || dot > slash)) l = (size_t)(dot - in);
    char *o = xmalloc(l + 5);
    memcpy(o, in, l);
    memcpy(o + l, ".xml", 5);
    return o;
}

int cli_import(int argc, char **argv) {
    const char *in = NULL, *out = NULL;
    smap_opts o = {0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(import_help, stdout);
            return 0;
        }
        if ((r = cli_sheet_opt(argc, argv, &i, &o)) != 0) {
            if (r < 0) return TB_EUSAGE;
        } else if ((r = cli_opt(argc, argv, &i, "-o", &v)) != 0) {
            if (r < 0) return TB_EUSAGE;
            out = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tongbao: import: unknown option %s; see tongbao import --help\n", argv[i]);
            return TB_EUSAGE;
        } else if (!in) in = argv[i];
        else {
            fprintf(stderr, "tongbao: import takes one FILE (got %s too)\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    if (!in) {
        fprintf(stderr, "tongbao: import needs a FILE.xlsx or FILE.csv; see tongbao import --help\n");
        return TB_EUSAGE;
    }
    if (!smap_is_sheet(in)) {
        fprintf(stderr, "tongbao: import: %s is not a workbook (.xlsx) or CSV file\n", in);
        return TB_EUSAGE;
    }
    char *outbuf = NULL;
    if (!out) out = outbuf = default_xml(in);
    int rc = strcmp(out, "-") ? cli_out_check("import", out, in, NULL) : 0;
    if (rc) {
        free(outbuf);
        return rc;
    }
    err e = {0};
    smap_result sr;
    size_t len = 0;
    char *xml = cli_read_input(in, &o, &len, &sr, &e);
    model_bulletin *b = xml ? cli_parse_read(xml, len, in, &sr, &e) : NULL;
    if (b && !strcmp(out, "-")) {
        if (fwrite(xml, 1, len, stdout) != len || fflush(stdout) != 0)
            err_set(&e, TB_EOUTPUT, NULL, 0, 0, "cannot write to stdout");
    } else if (b) file_write_atomic(out, xml, len, &e);
    if (!b || e.code) rc = e.code ? e.code : TB_EINTERNAL;
    if (rc) cli_error(&e);
    else {
        if (sr.ignored)
            fprintf(stderr, "%s: note: columns not read (no field of that name; see the README's table): %s\n", in,
                    sr.ignored);
        fprintf(stderr, "%s: %zu categor%s, %zu finding%s (sheet %s, header from %s) → %s\n", in, sr.n_categories,
                sr.n_categories == 1 ? "y" : "ies", sr.n_findings, sr.n_findings == 1 ? "" : "s",
                sr.findings_sheet ? sr.findings_sheet : "?",
                o.header ? o.header : sr.info_sheet ? sr.info_sheet : "?", strcmp(out, "-") ? out : "stdout");
    }
    model_free(b);
    smap_free(&sr);
    free(xml);
    free(outbuf);
    return rc;
}

/* ---- ledger --------------------------------------------------------------------- */

static const char ledger_help[] =
    "usage: tongbao ledger [-o 台账.xlsx|台账.csv] [--series S] [--district D] [--issue N [--year Y]]\n"
    "                      [--today YYYY-MM-DD] [--encoding gb18030] [--db PATH]\n"
    "Writes the 整改台账 (rectification ledger) the districts fill in: one row per\n"
    "finding (编号, 通报期数, 区, 街道, 社区, 点位, 问题, 整改时限, 状态, 整改情况,\n"
    "完成时间, 备注), a 汇总 sheet, then one sheet per district (units on 各单位).\n"
    "Overdue rows are red; the shaded columns are protected; 整改情况 and 完成时间\n"
    "are for the district.  Read the filled ledger back with\n"
    "tongbao rectify --file 台账.xlsx.\n"
    "  -o FILE         .xlsx (default 整改台账.xlsx) or .csv (UTF-8 with BOM, for Excel)\n"
    "  --series S      one series;  --district D  one district (or unit)\n"
    "  --issue N       one bulletin's findings (needs --series; --year Y)\n"
    "  --today D       status (逾期) as of this date (default: today)\n"
    "  --encoding E    CSV only: gb18030 for old Excel versions (default UTF-8 with BOM)\n"
    "  --db PATH       history database (default $TONGBAO_DB, else ./tongbao.db)\n";

int cli_ledger(int argc, char **argv) {
    const char *db = NULL, *out = "整改台账.xlsx";
    ledger_opts o = {0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(ledger_help, stdout);
            return 0;
        }
        if ((r = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (r < 0) return TB_EUSAGE; out = v; }
        else if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) return TB_EUSAGE; db = v; }
        else if ((r = cli_opt(argc, argv, &i, "--series", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.series = v; }
        else if ((r = cli_opt(argc, argv, &i, "--district", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.district = v; }
        else if ((r = cli_opt(argc, argv, &i, "--today", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.today = v; }
        else if ((r = cli_opt(argc, argv, &i, "--encoding", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.encoding = v; }
        else if ((r = cli_opt(argc, argv, &i, "--issue", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.issue_no = atoi(v); }
        else if ((r = cli_opt(argc, argv, &i, "--year", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.year = atoi(v); }
        else {
            fprintf(stderr, "tongbao: ledger: unexpected %s; see tongbao ledger --help\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    const char *why = NULL;
    if ((o.issue_no || o.year) && !o.series) why = "--issue and --year need --series";
    else if (o.year && !o.issue_no) why = "--year goes with --issue N";
    else if (o.encoding && !smap_is_sheet(out)) why = "--encoding is for a .csv ledger";
    else if (!smap_is_sheet(out) || (strstr(out, ".xls") && !strstr(out, ".xlsx")))
        why = "-o wants a .xlsx or .csv file";
    if (why) {
        fprintf(stderr, "tongbao: ledger: %s; see tongbao ledger --help\n", why);
        return TB_EUSAGE;
    }
    if (o.today && cli_day_option("ledger", "--today", o.today) != 0) return TB_EUSAGE;
    int orc = cli_out_check("ledger", out, NULL, cli_db_path(db));
    if (orc) return orc;
    char now[11];
    date_today(now);
    if (!o.today) o.today = now;
    err e = {0};
    store *s = store_open_existing(cli_db_path(db), 1, &e);
    ledger_stats st;
    if (!s || ledger_write(s, &o, out, &st, &e) < 0) {
        cli_error(&e);
        store_close(s);
        return e.code ? e.code : TB_EINTERNAL;
    }
    store_close(s);
    printf("%s: %ld finding%s (%ld rectified, %ld open, %ld overdue as of %s)", out, st.findings,
           st.findings == 1 ? "" : "s", st.done, st.open, st.overdue, o.today);
    if (st.sheets) printf(" on %d district sheet%s", st.sheets, st.sheets == 1 ? "" : "s");
    printf("\n");
    return 0;
}

/* ---- rectify --file 台账.xlsx ------------------------------------------------------ */

typedef struct {
    arena *a;
    int found;
    const char *status, *done_date, *note, *bulletin_date, *id;
} one_finding;

static int got_finding(void *ctx, const store_finding_row *r) {
    one_finding *f = ctx;
    f->found = 1;
    f->status = arena_strdup(f->a, r->status);
    f->done_date = arena_strdup(f->a, r->done_date);
    f->note = arena_strdup(f->a, r->note);
    f->bulletin_date = arena_strdup(f->a, r->bulletin_date);
    f->id = arena_strdup(f->a, r->id);
    return 1;
}

/* A big ledger is matched in one pass over the history instead of one
 * query per row: the ledger's IDs sorted, each finding looked up. */
typedef struct {
    const ledger_row **rows;   /* sorted by ID, upper case compare */
    one_finding *info;         /* parallel to rows */
    size_t n;
} scan_ctx;

static int cmp_row(const void *a, const void *b) {
    return strcasecmp((*(const ledger_row *const *)a)->id, (*(const ledger_row *const *)b)->id);
}

static int scan_row(void *ctx, const store_finding_row *r) {
    scan_ctx *c = ctx;
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int k = strcasecmp(c->rows[mid]->id, r->id);
        if (k < 0) lo = mid + 1;
        else if (k > 0) hi = mid;
        else {
            got_finding(&c->info[mid], r);
            break;
        }
    }
    return 0;
}

/* info[i] for d->rows[i]: what the history says of each row's finding. */
static int look_up(store *s, const ledger_doc *d, one_finding *info, err *e) {
    for (size_t i = 0; i < d->n; i++) info[i].a = d->arena;
    if (d->n < 500) {
        for (size_t i = 0; i < d->n; i++) {
            store_finding_filter flt = {.id = d->rows[i].id};
            if (store_list_findings(s, &flt, got_finding, &info[i], e) < 0) return -1;
        }
        return 0;
    }
    scan_ctx c = {xcalloc(d->n, sizeof *c.rows), xcalloc(d->n, sizeof *c.info), d->n};
    for (size_t i = 0; i < d->n; i++) c.rows[i] = &d->rows[i], c.info[i].a = d->arena;
    qsort(c.rows, d->n, sizeof *c.rows, cmp_row);
    store_finding_filter all = {0};
    int rc = store_list_findings(s, &all, scan_row, &c, e) < 0 ? -1 : 0;
    for (size_t i = 0; i < d->n && rc == 0; i++) info[c.rows[i] - d->rows] = c.info[i];
    free(c.rows);
    free(c.info);
    return rc;
}

int cli_rectify_ledger(const char *file, const char *db, const char *encoding) {
    err e = {0};
    ledger_doc d;
    store *s = NULL;
    store_rectification *items = NULL;
    one_finding *info = NULL;
    buf unknown;
    buf_init(&unknown);
    size_t n = 0, n_unknown = 0, unchanged = 0, progress = 0;
    int rc = 0;
    if (ledger_read(file, encoding, &d, &e) < 0) goto fail;
    if (!(s = store_open_existing(cli_db_path(db), 0, &e))) goto fail;
    items = xcalloc(d.n ? d.n : 1, sizeof *items);
    info = xcalloc(d.n ? d.n : 1, sizeof *info);
    if (look_up(s, &d, info, &e) < 0) goto fail;
    for (size_t i = 0; i < d.n; i++) {
        const ledger_row *lr = &d.rows[i];
        one_finding f = info[i];
        if (!f.found) {
            buf_printf(&unknown, "%s%s (%s)", n_unknown++ ? ", " : "", lr->id, lr->ref);
            continue;
        }
        int done = str_eq(f.status, "done");
        if (lr->done_date) {
            if (f.bulletin_date && strcmp(lr->done_date, f.bulletin_date) < 0) {
                err_set(&e, TB_EINPUT, file, 0, 0, "%s: %s is before the bulletin that reported %s (%s); check the date. "
                        "Nothing was recorded", lr->date_ref, lr->done_date, f.id, f.bulletin_date);
                goto fail;
            }
            if (done && str_eq(f.done_date, lr->done_date) && str_eq(f.note, lr->note)) unchanged++;
            else items[n++] = (store_rectification){f.id, 1, lr->done_date, lr->note};
        } else if (lr->note && !done && !str_eq(f.note, lr->note)) {
            items[n++] = (store_rectification){f.id, 0, NULL, lr->note};   /* progress: still open */
            progress++;
        } else unchanged++;
    }
    if (n_unknown) {
        err_set(&e, TB_ENOTFOUND, file, 0, 0, "%s %s not in the history; check the 编号 (the ledger must come from this "
                "database: `tongbao findings` lists them). Nothing was recorded", n_unknown == 1 ? "finding" : "findings",
                buf_cstr(&unknown));
        goto fail;
    }
    if (n == 0) {
        printf("%s: nothing new (%zu row%s as recorded or not filled in); nothing recorded\n", file, unchanged,
               unchanged == 1 ? "" : "s");
        goto done;
    }
    if (store_rectify(s, NULL, items, n, file, &e) < 0) goto fail;
    for (size_t i = 0; i < n; i++)
        printf("%s: %s%s%s%s\n", items[i].finding_id, items[i].done ? "rectified on " : "still open, progress noted",
               items[i].done ? items[i].date : "", items[i].note ? " — " : "", items[i].note ? items[i].note : "");
    printf("%s: recorded %zu rectified, %zu progress note%s; %zu row%s unchanged, in %s\n", file, n - progress, progress,
           progress == 1 ? "" : "s", unchanged, unchanged == 1 ? "" : "s", store_path(s));
    goto done;
fail:
    cli_error(&e);
    rc = e.code ? e.code : TB_EINTERNAL;
done:
    buf_free(&unknown);
    free(items);
    free(info);
    store_close(s);
    ledger_doc_free(&d);
    return rc;
}

/* ---- form ------------------------------------------------------------------------ */

static const char form_help[] =
    "usage: tongbao form [-o 问题清单.xlsx] [--series S] [--db PATH] [--from FILE.xml]\n"
    "Writes the 问题清单 workbook to fill in (in WPS or Excel): the 问题清单 sheet with\n"
    "its header frozen, widths for Chinese text, drop-downs and date checks, and\n"
    "one example row (序号 示例, skipped on import); the 通报信息 sheet with every\n"
    "key and what to write.  Then: tongbao import / issue 问题清单.xlsx.\n"
    "  -o FILE.xlsx    where to write (default 问题清单.xlsx)\n"
    "  --series S      prefill 系列; with a history database, the 区 and 问题类别\n"
    "                  drop-downs list the series' districts and categories\n"
    "  --db PATH       history database (default $TONGBAO_DB, else ./tongbao.db if\n"
    "                  it exists)\n"
    "  --from FILE.xml the workbook of an existing findings file (cases, which a\n"
    "                  workbook has no place for, are left out)\n";

typedef struct {
    arena *a;
    const char **d, **c;
    size_t nd, nc, capd, capc;
} lists;

static void add_distinct(lists *l, const char ***v, size_t *n, size_t *cap, const char *s) {
    if (!s || *n >= 200) return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s)) return;
    arena_grow(l->a, (void **)v, cap, *n, sizeof **v);
    (*v)[(*n)++] = arena_strdup(l->a, s);
}

static int list_row(void *ctx, const store_finding_row *r) {
    lists *l = ctx;
    add_distinct(l, &l->d, &l->nd, &l->capd, r->district);
    add_distinct(l, &l->c, &l->nc, &l->capc, r->category);
    return 0;
}

int cli_form(int argc, char **argv) {
    const char *out = "问题清单.xlsx", *db = NULL, *series = NULL, *from = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(form_help, stdout);
            return 0;
        }
        if ((r = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (r < 0) return TB_EUSAGE; out = v; }
        else if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) return TB_EUSAGE; db = v; }
        else if ((r = cli_opt(argc, argv, &i, "--series", &v)) != 0) { if (r < 0) return TB_EUSAGE; series = v; }
        else if ((r = cli_opt(argc, argv, &i, "--from", &v)) != 0) { if (r < 0) return TB_EUSAGE; from = v; }
        else {
            fprintf(stderr, "tongbao: form: unexpected %s; see tongbao form --help\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    size_t ol = strlen(out);
    if (ol < 5 || strcmp(out + ol - 5, ".xlsx")) {
        fprintf(stderr, "tongbao: form: -o wants a .xlsx file\n");
        return TB_EUSAGE;
    }
    const char *dbp = cli_db_path(db);
    int orc = cli_out_check("form", out, from, dbp);
    if (orc) return orc;
    err e = {0};
    form_opts fo = {.series = series};
    lists l = {0};
    model_bulletin *b = NULL;
    store *s = NULL;
    int rc = 0;
    if (from && !(b = parse_file(from, &e))) goto fail;
    fo.from = b;
    if (series && (db || access(dbp, F_OK) == 0)) {
        if (!(s = store_open_existing(dbp, 1, &e))) goto fail;
        l.a = arena_new();
        store_finding_filter f = {.series = series};
        if (store_list_findings(s, &f, list_row, &l, &e) < 0 && e.code != TB_ENOTFOUND) goto fail;
        e = (err){0};   /* a series with no history yet: no lists */
        fo.districts = l.d, fo.n_districts = l.nd, fo.categories = l.c, fo.n_categories = l.nc;
    }
    if (form_write(out, &fo, &e) < 0) goto fail;
    printf("%s: %s", out, b ? "the findings of " : "a blank 问题清单 to fill in");
    if (b) printf("%s (%zu findings)", from, model_count_findings(b));
    if (l.nd || l.nc) printf("; drop-downs: %zu district%s, %zu categor%s from %s", l.nd, l.nd == 1 ? "" : "s", l.nc,
                                 l.nc == 1 ? "y" : "ies", series);
    printf("\n");
    if (b && b->n_cases)
        fprintf(stderr, "tongbao: form: note: the %zu case%s (<cases>) of %s are not in the workbook; keep them in XML "
                "and import with --header\n", b->n_cases, b->n_cases == 1 ? "" : "s", from);
    goto done;
fail:
    cli_error(&e);
    rc = e.code ? e.code : TB_EINTERNAL;
done:
    store_close(s);
    arena_free(l.a);
    model_free(b);
    return rc;
}
