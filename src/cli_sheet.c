/* cli_sheet.c — the spreadsheet side of the command line: `tongbao import`
 * (a 问题清单 workbook or CSV → findings XML), and the shared way every
 * command that reads findings (validate, render, issue, nightly) takes a
 * workbook directly: cli_sheet_opt for --sheet/--header/--encoding and
 * cli_read_input, which returns the findings XML of any input, so the
 * parser, the history and regen see one format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "sheetmap.h"

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
    char *x = malloc(sr->xml.len + 1);
    if (!x) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        return NULL;
    }
    memcpy(x, sr->xml.data, sr->xml.len);
    x[sr->xml.len] = 0;
    *len = sr->xml.len;
    return x;
}

model_bulletin *cli_parse_input(const char *path, const smap_opts *o, char **xml_out, size_t *len_out, err *e) {
    size_t len = 0;
    smap_result sr;
    char *xml = cli_read_input(path, o, &len, &sr, e);
    model_bulletin *b = xml ? parse_memory(xml, len, path, e) : NULL;
    if (xml && !b) smap_map_error(&sr, e);
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
    char *o = malloc(l + 5);
    if (!o) return NULL;
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
    err e = {0};
    smap_result sr;
    size_t len = 0;
    char *xml = cli_read_input(in, &o, &len, &sr, &e);
    model_bulletin *b = xml ? parse_memory(xml, len, in, &e) : NULL;
    if (xml && !b) smap_map_error(&sr, &e);
    char *outbuf = NULL;
    int rc = 0;
    if (b && !out && !(out = outbuf = default_xml(in))) err_set(&e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    else if (b && !strcmp(out, "-")) {
        if (fwrite(xml, 1, len, stdout) != len || fflush(stdout) != 0)
            err_set(&e, TB_EOUTPUT, NULL, 0, 0, "cannot write to stdout");
    } else if (b) file_write_atomic(out, xml, len, &e);
    if (!b || e.code) rc = e.code ? e.code : TB_EINTERNAL;
    if (rc) cli_error(&e);
    else
        fprintf(stderr, "%s: %zu categor%s, %zu finding%s (sheet %s, header from %s) → %s\n", in, sr.n_categories,
                sr.n_categories == 1 ? "y" : "ies", sr.n_findings, sr.n_findings == 1 ? "" : "s",
                sr.findings_sheet ? sr.findings_sheet : "?",
                o.header ? o.header : sr.info_sheet ? sr.info_sheet : "?", strcmp(out, "-") ? out : "stdout");
    model_free(b);
    smap_free(&sr);
    free(xml);
    free(outbuf);
    return rc;
}
