/* main.c — command dispatch, help and version (cli). */
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include <glib.h>
#include FT_FREETYPE_H
#include <harfbuzz/hb.h>
#include <libdeflate.h>
#include <libxml/parser.h>
#include <nettle/version.h>
#include <pango/pango.h>
#include <signal.h>
#include <sqlite3.h>
#include <unicode/uversion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "cli.h"
#include "fonts.h"
#include "parse.h"
#include "render.h"

static const char usage[] =
    "tongbao " TONGBAO_VERSION " — inspection findings → official Chinese bulletins (GB/T 9704 PDF)\n"
    "\n"
    "usage: tongbao COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  validate FILE...                 check findings files against the schema\n"
    "  render FILE.xml [-o OUT.pdf] [-t TEMPLATE] [--text]\n"
    "                                   typeset one bulletin (default OUT: FILE.pdf)\n"
    "  import FILE.xlsx|FILE.csv [-o OUT.xml]\n"
    "                                   a 问题清单 workbook → findings XML (validate, render,\n"
    "                                   issue and nightly take the workbook directly too)\n"
    "  form [-o 问题清单.xlsx] [--series S] [--from FILE.xml]\n"
    "                                   a blank 问题清单 workbook to fill in\n"
    "  ledger [-o 台账.xlsx] [--series S] [--district D] [--issue N]\n"
    "                                   the 整改台账 for the districts to fill in\n"
    "  fonts                            which font file each role uses, official or stand-in\n"
    "  templates                        installed templates and where they come from\n"
    "  issue FILE.xml [-o OUT.pdf] [--db PATH]\n"
    "                                   number, render and archive a bulletin\n"
    "  archive list|export|verify|rebuild-stats\n"
    "                                   what was issued; the archived PDF; check the archive;\n"
    "                                   count the statistics summary again\n"
    "  regen --series S --issue N [--district D] -o OUT.pdf\n"
    "                                   rebuild from the database (or a district extract)\n"
    "  nightly INBOX [--out DIR] [--db PATH] [--jobs N] [--dry-run] [--quiet]\n"
    "                                   issue every new file of an inbox, with district extracts\n"
    "  rectify ID... --done|--open [--date D] [--note T] | rectify --file R.xml|台账.xlsx\n"
    "                                   record rectification (整改) reports, or reopen\n"
    "  findings [--series S] [--district D] [--status open|done|overdue|undone] [--csv]\n"
    "                                   list findings and their rectification status\n"
    "  escalate [--series S] [--district D] [--today D] [--after N] --out DIR [--dry-run]\n"
    "                                   督办通知书 (then 提醒, 告诫) for overdue findings\n"
    "\n"
    "  --help, -h                       this text; COMMAND --help for one command\n"
    "  --version                        the version, and those of the libraries in use\n"
    "\n"
    "exit status: 0 ok, 2 usage, 3 input rejected, 4 fonts, 5 template, 6 output,\n"
    "             7 database, 8 not found, 9 verify failed, 10 some inputs rejected,\n"
    "             11 busy, 70 internal error\n"
    "environment: TONGBAO_HOME (data dir), TONGBAO_TEMPLATES (template dir),\n"
    "             TONGBAO_FONTS_CONF (fontconfig file), TONGBAO_DB (history database)\n";

/* The version, then each library's as the process runs it (what a bug
 * report needs): the run-time version where the library reports one, else
 * the one tongbao was built with. */
static void print_version(void) {
    printf("tongbao %s\n", TONGBAO_VERSION);
    /* libxml2 reports "20914" for 2.9.14 */
    int xv = atoi(xmlParserVersion);
    printf("  libxml2 %d.%d.%d\n", xv / 10000, xv / 100 % 100, xv % 100);
    printf("  Cairo %s\n", cairo_version_string());
    printf("  Pango %s\n", pango_version_string());
    printf("  HarfBuzz %s\n", hb_version_string());
    int fv = FcGetVersion();
    printf("  fontconfig %d.%d.%d\n", fv / 10000, fv / 100 % 100, fv % 100);
    FT_Library ft;
    if (!FT_Init_FreeType(&ft)) {
        FT_Int a, b, c;
        FT_Library_Version(ft, &a, &b, &c);
        printf("  FreeType %d.%d.%d\n", a, b, c);
        FT_Done_FreeType(ft);
    }
    printf("  SQLite %s\n", sqlite3_libversion());
    printf("  libdeflate %s (built with)\n", LIBDEFLATE_VERSION_STRING);
    printf("  nettle %d.%d\n", nettle_version_major(), nettle_version_minor());
    printf("  libzip %s\n", zip_libzip_version());
    printf("  libxlsxwriter %s\n", lxw_version());
    printf("  GLib %u.%u.%u\n", glib_major_version, glib_minor_version, glib_micro_version);
    UVersionInfo uv;
    char us[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(uv);
    u_versionToString(uv, us);
    printf("  ICU %s\n", us);
}

int main(int argc, char **argv) {
    /* Over a file-size limit (ulimit -f) a write then fails with EFBIG and
     * is reported, instead of SIGXFSZ killing the process mid-file. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        fputs(usage, stderr);
        return TB_EUSAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        print_version();
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"validate", cli_validate}, {"render", cli_render}, {"fonts", cli_fonts},
        {"templates", cli_templates}, {"issue", cli_issue}, {"archive", cli_archive},
        {"regen", cli_regen}, {"nightly", cli_nightly}, {"rectify", cli_rectify},
        {"findings", cli_findings}, {"import", cli_import}, {"ledger", cli_ledger}, {"form", cli_form},
        {"escalate", cli_escalate},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(cmd, cmds[i].name)) continue;
        parse_init();
        int rc = cmds[i].fn(argc - 1, argv + 1);
        parse_cleanup();
        fonts_cleanup();
        return rc;
    }
    fprintf(stderr, "tongbao: unknown command \"%s\"; see tongbao --help\n", cmd);
    return TB_EUSAGE;
}
