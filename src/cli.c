/* cli.c — validate, render, fonts, templates: the commands that work on
 * files alone, without the history database. */
#include "cli.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "fonts.h"
#include "parse.h"
#include "render.h"
#include "template.h"

void cli_error(const err *e) {
    char msg[2048];
    err_format(e, msg, sizeof msg);
    fprintf(stderr, "tongbao: %s\n", msg);
}

int cli_setup_fonts(void) {
    err e = {0};
    char *dir = tpl_data_dir();
    int rc = fonts_init(dir, &e);
    free(dir);
    if (rc < 0) {
        cli_error(&e);
        return e.code;
    }
    return 0;
}

int cli_day_option(const char *cmd, const char *opt, const char *value) {
    char why[160];
    if (date_parse(value, 0, NULL, why, sizeof why) == 0) return 0;
    if (why[0])
        fprintf(stderr, "tongbao: %s: %s %s is not a real date: %s; give a date like 2026-11-22\n", cmd, opt, value,
                why);
    else
        fprintf(stderr, "tongbao: %s: %s wants a date written YYYY-MM-DD, e.g. 2026-11-22, not \"%s\"\n", cmd, opt,
                value);
    return TB_EUSAGE;
}

int cli_out_check(const char *cmd, const char *out, const char *in, const char *db) {
    char wal[1100], shm[1100];
    const char *inputs[5] = {0};
    int n = 0;
    if (in) inputs[n++] = in;
    if (db) {
        snprintf(wal, sizeof wal, "%s-wal", db);
        snprintf(shm, sizeof shm, "%s-shm", db);
        inputs[n++] = db;
        inputs[n++] = wal;
        inputs[n++] = shm;
    }
    err e = {0};
    if (file_out_check(out, 0, inputs, &e) >= 0) return 0;
    char msg[2048];
    err_format(&e, msg, sizeof msg);
    fprintf(stderr, "tongbao: %s: %s\n", cmd, msg);
    return e.code ? e.code : TB_EOUTPUT;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n)) return 0;
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n]) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "tongbao: %s needs a value\n", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

static int wants_help(int argc, char **argv, const char *text) {
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(text, stdout);
            return 1;
        }
    return 0;
}

/* ---- validate --------------------------------------------------------- */
int cli_validate(int argc, char **argv) {
    if (wants_help(argc, argv, "usage: tongbao validate FILE... [--sheet NAME] [--header H.xml] [--encoding ENC]\n"
                               "Checks each findings file (XML, or a 问题清单 workbook .xlsx/.csv: see\n"
                               "tongbao import --help for the workbook options) against the schema and\n"
                               "the rules of the format (tongbao-format(5)); prints one line per file.\n"
                               "Exit 3 if any file is rejected.\n"))
        return 0;
    if (argc < 2) {
        fprintf(stderr, "tongbao: validate needs at least one FILE; see tongbao validate --help\n");
        return TB_EUSAGE;
    }
    int bad = 0, n_files = 0;
    smap_opts so = {0};
    for (int i = 1; i < argc; i++) {
        int r = cli_sheet_opt(argc, argv, &i, &so);
        if (r < 0) return TB_EUSAGE;
        if (r == 0 && argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tongbao: validate: unknown option %s; see tongbao validate --help\n", argv[i]);
            return TB_EUSAGE;
        }
        n_files += r == 0;
    }
    if (!n_files) {
        fprintf(stderr, "tongbao: validate needs at least one FILE; see tongbao validate --help\n");
        return TB_EUSAGE;
    }
    for (int i = 1; i < argc; i++) {
        err e = {0};
        size_t len;
        smap_opts skip = {0};
        if (cli_sheet_opt(argc, argv, &i, &skip) != 0) continue;
        if (smap_is_sheet(argv[i])) {
            model_bulletin *b = cli_parse_input(argv[i], &so, NULL, NULL, &e);
            if (!b) {
                cli_error(&e);
                bad = 1;
                continue;
            }
            printf("%s: ok, %zu categories, %zu findings, %zu cases\n", argv[i], b->n_categories,
                   model_count_findings(b), b->n_cases);
            model_free(b);
            continue;
        }
        char *data = file_read(argv[i], PARSE_MAX_BYTES, &len, &e);
        if (data && strstr(data, "<rectifications")) {
            /* a rectification-updates file: same schema, other root */
            parse_rect_doc *r = parse_rectifications_memory(data, len, argv[i], &e);
            if (r) printf("%s: ok, rectification updates for %s, %zu items\n", argv[i], r->series, r->n_items);
            else bad = 1, cli_error(&e);
            parse_rect_free(r);
            free(data);
            continue;
        }
        model_bulletin *b = data ? parse_memory(data, len, argv[i], &e) : NULL;
        free(data);
        if (!b) {
            cli_error(&e);
            bad = 1;
            continue;
        }
        size_t n_items = 0;
        for (size_t k = 0; k < b->n_items; k++) n_items += !b->items[k].column;
        if (b->has_items)
            printf("%s: ok, %zu categories, %zu findings, %zu cases, %zu items\n", argv[i], b->n_categories,
                   model_count_findings(b), b->n_cases, n_items);
        else
            printf("%s: ok, %zu categories, %zu findings, %zu cases\n", argv[i], b->n_categories,
                   model_count_findings(b), b->n_cases);
        model_free(b);
    }
    return bad ? TB_EINPUT : 0;
}

/* ---- render ----------------------------------------------------------- */
static const char render_help[] =
    "usage: tongbao render FILE.xml [-o OUT.pdf|OUT.ofd|OUT.docx] [--format pdf|ofd|docx] [-t TEMPLATE]\n"
    "                      [--district D] [--appendix] [--chart] [--pdfa] [--text]\n"
    "Typesets one findings file without recording it in the history (a draft:\n"
    "no 期号, no finding IDs; use `tongbao issue` for the real thing).\n"
    "  -o OUT          output file (default: FILE.pdf beside the input); its\n"
    "                  extension picks the format: .pdf, .ofd for an OFD package\n"
    "                  (GB/T 33190) of the same pages, or .docx for a Word draft\n"
    "                  to edit (the same text; never archived); - for standard\n"
    "                  output (PDF unless --format).  Never the input itself, a\n"
    "                  directory or a device\n"
    "  --format F      pdf, ofd or docx, whatever the output is called\n"
    "  -t TEMPLATE     template name or path (default: the file's template=, else dubao)\n"
    "  --district D    only the findings of district D (整改通知 extract), or the\n"
    "                  items of D (district=, else source=) of a 简报 of items\n"
    "  --appendix      add the 附件 问题清单 table (--no-appendix: leave it out)\n"
    "  --chart         add the chart of findings by district (--no-chart: leave it out)\n"
    "                  (without these the template's <order> decides)\n"
    "  --pdfa          write PDF/A-2b, the archive's form (default: the template's <output pdfa=…>)\n"
    "  --text          also print the composed text on stdout\n"
    "FILE may be a 问题清单 workbook (.xlsx) or CSV; --sheet NAME, --header H.xml and\n"
    "--encoding ENC as for tongbao import.\n";

int cli_render(int argc, char **argv) {
    if (wants_help(argc, argv, render_help)) return 0;
    const char *in = NULL, *out = NULL, *tname = NULL, *district = NULL, *format = NULL;
    int text = 0, appendix = 0, chart = 0, pdfa = 0;
    smap_opts so = {0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (r < 0) return TB_EUSAGE; out = v; }
        else if ((r = cli_sheet_opt(argc, argv, &i, &so)) != 0) { if (r < 0) return TB_EUSAGE; }
        else if ((r = cli_opt(argc, argv, &i, "-t", &v)) != 0) { if (r < 0) return TB_EUSAGE; tname = v; }
        else if ((r = cli_opt(argc, argv, &i, "--template", &v)) != 0) { if (r < 0) return TB_EUSAGE; tname = v; }
        else if ((r = cli_opt(argc, argv, &i, "--district", &v)) != 0) { if (r < 0) return TB_EUSAGE; district = v; }
        else if ((r = cli_opt(argc, argv, &i, "--format", &v)) != 0) { if (r < 0) return TB_EUSAGE; format = v; }
        else if (!strcmp(argv[i], "--text")) text = 1;
        else if (!strcmp(argv[i], "--pdfa")) pdfa = 1;
        else if (!strcmp(argv[i], "--appendix")) appendix = 1;
        else if (!strcmp(argv[i], "--no-appendix")) appendix = -1;
        else if (!strcmp(argv[i], "--chart")) chart = 1;
        else if (!strcmp(argv[i], "--no-chart")) chart = -1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tongbao: render: unknown option %s; see tongbao render --help\n", argv[i]);
            return TB_EUSAGE;
        } else if (!in) in = argv[i];
        else {
            fprintf(stderr, "tongbao: render takes one FILE (got %s too); use nightly for many\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    if (!in) {
        fprintf(stderr, "tongbao: render needs a FILE.xml; see tongbao render --help\n");
        return TB_EUSAGE;
    }
    err e = {0};
    const char *inputs[4] = {in, NULL, NULL, NULL};            /* what -o may not be */
    size_t k = 1;
    if (tname) inputs[k++] = tname;
    if (so.header) inputs[k++] = so.header;
    /* what the output may be first (the input itself, a device …), then
     * its format: the extension, or --format ("-", standard output, has
     * none: PDF unless --format says otherwise) */
    int to_stdout = out ? file_out_check(out, FILE_OUT_STDOUT, inputs, &e) : 0;
    render_format fmt = RENDER_PDF;
    const char *named = out && to_stdout == 0 ? out : NULL;
    if (to_stdout >= 0 && (named || format) && render_format_of(named, format, &fmt, &e) < 0) to_stdout = -1;
    if (to_stdout >= 0 && pdfa && fmt != RENDER_PDF)
        to_stdout = err_set(&e, TB_EUSAGE, "", 0, 0, "--pdfa is a form of PDF; drop it for a %s", render_format_ext(fmt));
    char *outbuf = NULL;
    if (to_stdout >= 0 && !out) {
        if (!(out = outbuf = cli_default_out(in, render_format_ext(fmt)))) return TB_EINTERNAL;
        to_stdout = file_out_check(out, FILE_OUT_STDOUT, inputs, &e);
    }
    if (to_stdout == 1 && text)
        err_set(&e, TB_EUSAGE, "", 0, 0, "--text and -o - both want standard output; drop one");
    if (to_stdout < 0 || e.code) {
        cli_error(&e);
        free(outbuf);
        return e.code;
    }
    model_bulletin *b = cli_parse_input(in, &so, NULL, NULL, &e);
    if (!b) {
        cli_error(&e);
        free(outbuf);
        return e.code;
    }
    /* the PDF and the OFD need the faces; a .docx only names them
     * (render_docx sets them up when it draws a chart) */
    int rc = fmt != RENDER_DOCX ? cli_setup_fonts() : 0;
    if (rc) {
        model_free(b);
        free(outbuf);
        return rc;
    }
    tpl_template *t = tpl_load(tname ? tname : b->template_name ? b->template_name : "dubao", &e);
    if (!t) {
        cli_error(&e);
        model_free(b);
        free(outbuf);
        return e.code;
    }
    t->force_appendix = appendix;
    t->force_chart = chart;
    if (pdfa) t->pdfa = 1;
    lay_ctx *lc = fmt != RENDER_DOCX ? lay_ctx_new(&e) : NULL;
    buf pdf;
    buf_init(&pdf);
    render_info info;
    render_info_init(&info);
    render_opts ro = {district, district != NULL, NULL};
    render_forms forms = {fmt == RENDER_PDF ? &pdf : NULL, fmt == RENDER_OFD ? &pdf : NULL, 0};
    rc = 0;
    if ((fmt != RENDER_DOCX ? !lc || render_bulletin_forms(lc, b, t, &ro, &forms, &info, &e) < 0
                            : render_docx(b, t, &ro, &pdf, &info, &e) < 0) ||
        file_write_out(out, pdf.data, pdf.len, &e) < 0) {
        cli_error(&e);
        rc = e.code;
    } else {
        if (info.warnings.len) fprintf(stderr, "%s", buf_cstr(&info.warnings));
        if (text) fputs(buf_cstr(&info.text), stdout);
        const char *where = to_stdout ? "(standard output)" : out;
        if (fmt != RENDER_DOCX) fprintf(stderr, "%s: %d pages, %zu bytes\n", where, info.pages, pdf.len);
        else fprintf(stderr, "%s: Word draft, %zu bytes\n", where, pdf.len);
    }
    render_info_free(&info);
    buf_free(&pdf);
    lay_ctx_free(lc);
    tpl_free(t);
    model_free(b);
    free(outbuf);
    return rc;
}

/* ---- fonts ------------------------------------------------------------ */
int cli_fonts(int argc, char **argv) {
    if (wants_help(argc, argv, "usage: tongbao fonts\nShows, for each font role, the face and file fontconfig picks and whether\n"
                               "it is the official office face or a free stand-in, and the font\n"
                               "configuration in use ($TONGBAO_FONTS_CONF, else fonts/tongbao.conf in\n"
                               "tongbao's data directory).\n"))
        return 0;
    int rc = cli_setup_fonts();
    if (rc) return rc;
    int missing = 0;
    printf("%-14s %-16s %-30s %s\n", "role", "official face", "used", "file");
    for (int i = 0; i < FONTS_N_ROLES; i++) {
        fonts_face f;
        if (fonts_resolve(fonts_roles[i], &f) < 0 || !f.file[0]) {
            printf("%-14s %-16s %-28s %s\n", fonts_roles[i], "?", "(none)", "install fonts-noto-cjk or texlive-lang-chinese");
            missing = 1;
            continue;
        }
        char used[256];
        snprintf(used, sizeof used, "%s %s (%s)", f.family, f.style, f.official ? "official" : "stand-in");
        /* pad by display width: a Chinese face name takes two columns a character */
        size_t wo = utf8_width(f.official_name), wu = utf8_width(used);
        printf("%-14s %s%*s %s%*s %s\n", fonts_roles[i], f.official_name, wo < 16 ? (int)(16 - wo) : 0, "",
               used, wu < 30 ? (int)(30 - wu) : 0, "", f.file);
    }
    const char *conf = fonts_config_file();
    printf("\nconfiguration: %s\n", conf ? conf : "?");
    return missing ? TB_EFONT : 0;
}

/* ---- templates -------------------------------------------------------- */

typedef struct {
    char *name, *path, *kind, *desc;   /* malloc'd */
    int src;                           /* index into the search path */
    int wins;                          /* what `-t name` loads */
    int broken;
} tpl_row;

static int row_cmp(const void *a, const void *b) {
    const tpl_row *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->src - y->src;
}

static int usable_name(const char *n) {
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) return 0;
    return *n != 0;
}

/* printf("%-*s") counts bytes; CJK text needs display columns */
static void put_cell(const char *s, size_t width, int last) {
    fputs(s, stdout);
    if (last) return;
    for (size_t w = utf8_width(s); w < width + 2; w++) putchar(' ');
}

/* tongbao templates, step 1: the search path's directories made absolute
 * (show where a file really is, not "./templates"). */
static void templates_absolute(char **dirs, size_t n) {
    char cwd[PATH_MAX];
    for (size_t i = 0; i < n; i++) {
        if (dirs[i][0] == '/' || !getcwd(cwd, sizeof cwd)) continue;
        const char *rel = dirs[i][0] == '.' && dirs[i][1] == '/' ? dirs[i] + 2 : dirs[i];
        size_t l = strlen(cwd) + strlen(rel) + 2;
        char *abs = xmalloc(l);
        snprintf(abs, l, "%s/%s", cwd, rel);
        free(dirs[i]);
        dirs[i] = abs;
    }
}

/* Step 2: one row per NAME.xml in dirs[i], appended to *rows (a directory
 * that cannot be read adds none). */
static void templates_scan_dir(char **dirs, size_t i, tpl_row **rows, size_t *n_rows, size_t *cap) {
    DIR *d = opendir(dirs[i]);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".xml")) continue;
        if (*n_rows == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            tpl_row *p = xrealloc(*rows, nc * sizeof *p);
            *rows = p;
            *cap = nc;
        }
        tpl_row *r = &(*rows)[*n_rows];
        memset(r, 0, sizeof *r);
        r->src = (int)i;
        r->name = xstrndup(de->d_name, l - 4);
        size_t pl = strlen(dirs[i]) + l + 2;
        r->path = xmalloc(pl);
        snprintf(r->path, pl, "%s/%s", dirs[i], de->d_name);
        err e = {0};
        tpl_template *t = tpl_load_file(r->path, &e);
        if (t) {
            r->kind = xstrdup(t->kind ? t->kind : "");
            r->desc = xstrdup(t->description ? t->description : "");
        } else {
            /* the reason goes under the table: it is long */
            r->broken = 1;
            r->kind = xstrdup("?");
            char msg[1200];
            err_format(&e, msg, sizeof msg);
            r->desc = xstrdup(msg);
        }
        tpl_free(t);
        (*n_rows)++;
    }
    closedir(d);
}

/* Step 3: the search order, the table and the reasons of broken ones;
 * TB_ETEMPLATE when one that would be used does not load. */
static int templates_print(tpl_row *rows, size_t n_rows, char **dirs, const char **label, size_t n) {
    int rc = 0;
    qsort(rows, n_rows, sizeof *rows, row_cmp);
    for (size_t i = 0; i < n_rows; i++)
        rows[i].wins = usable_name(rows[i].name) && (i == 0 || strcmp(rows[i - 1].name, rows[i].name));
    printf("Search order (the first NAME.xml found wins):\n");
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        int there = stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode);
        printf("  %zu. ", i + 1);
        put_cell(label[i], 18, 0);
        printf("%s%s\n", dirs[i], there ? "" : "  (not there)");
    }
    putchar('\n');
    static const char *const head[5] = {"NAME", "KIND", "FROM", "DESCRIPTION", "FILE"};
    size_t w[5];
    for (int c = 0; c < 5; c++) w[c] = utf8_width(head[c]);
    for (size_t i = 0; i < n_rows; i++) {
        const char *cells[5] = {rows[i].name, rows[i].kind, label[rows[i].src],
                                rows[i].broken ? "(does not load, see below)" : rows[i].desc, rows[i].path};
        for (int c = 0; c < 5; c++)
            if (utf8_width(cells[c]) > w[c]) w[c] = utf8_width(cells[c]);
    }
    fputs("  ", stdout);
    for (int c = 0; c < 5; c++) put_cell(head[c], w[c], c == 4);
    putchar('\n');
    for (size_t i = 0; i < n_rows; i++) {
        const char *cells[5] = {rows[i].name, rows[i].kind, label[rows[i].src],
                                rows[i].broken ? "(does not load, see below)" : rows[i].desc, rows[i].path};
        fputs(rows[i].wins ? "* " : "  ", stdout);
        for (int c = 0; c < 5; c++) put_cell(cells[c], w[c], c == 4);
        putchar('\n');
        if (rows[i].wins && rows[i].broken) rc = TB_ETEMPLATE;
    }
    for (size_t i = 0; i < n_rows; i++)
        if (rows[i].broken) printf("\n%s:\n  %s\n", rows[i].path, rows[i].desc);
    if (!n_rows) printf("  (no templates found)\n");
    else
        printf("\n* = what -t NAME uses; the others are overridden by it.  Copy a file into\n"
               "%s to change colours, faces or wording (see templates/README.md).\n",
               n > 1 ? dirs[n - 2] : "$TONGBAO_TEMPLATES");
    return rc;
}

int cli_templates(int argc, char **argv) {
    if (wants_help(argc, argv,
                   "usage: tongbao templates\n"
                   "Lists the templates installed, where each comes from and which one wins:\n"
                   "-t NAME loads the first NAME.xml in the search order $TONGBAO_TEMPLATES,\n"
                   "~/.config/tongbao/templates (or $XDG_CONFIG_HOME/tongbao/templates), then\n"
                   "tongbao's own templates/.  Marked * = the one used; a copy in an earlier\n"
                   "directory overrides the built-in one, no rebuild needed.\n"
                   "Exit 5 if a template that would be used does not load.\n"))
        return 0;
    char *dirs[8];
    size_t n = tpl_search_path(dirs, 8);
    templates_absolute(dirs, n);
    /* which directory is which: the search path fills them in this order */
    const char *env = getenv("TONGBAO_TEMPLATES");
    const char *label[8];
    size_t k = 0;
    if (env && *env && k < n) label[k++] = "$TONGBAO_TEMPLATES";
    if (n > k + 1) label[k++] = "user";
    while (k < n) label[k++] = "built-in";
    tpl_row *rows = NULL;
    size_t n_rows = 0, cap = 0;
    for (size_t i = 0; i < n; i++) templates_scan_dir(dirs, i, &rows, &n_rows, &cap);
    int rc = templates_print(rows, n_rows, dirs, label, n);
    for (size_t i = 0; i < n_rows; i++) {
        free(rows[i].name);
        free(rows[i].path);
        free(rows[i].kind);
        free(rows[i].desc);
    }
    free(rows);
    for (size_t i = 0; i < n; i++) free(dirs[i]);
    return rc;
}
