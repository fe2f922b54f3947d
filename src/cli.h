/* cli.h — the subcommands.  main.c parses the command word and hands the
 * rest of argv to one of these; each returns the process exit status
 * (util.h TB_E*). */
#ifndef TB_CLI_H
#define TB_CLI_H

#include "model.h"
#include "sheetmap.h"
#include "util.h"

int cli_validate(int argc, char **argv);
int cli_render(int argc, char **argv);
int cli_fonts(int argc, char **argv);
int cli_templates(int argc, char **argv);
int cli_issue(int argc, char **argv);
int cli_archive(int argc, char **argv);
int cli_regen(int argc, char **argv);
int cli_nightly(int argc, char **argv);   /* cli_nightly.c */
int cli_rectify(int argc, char **argv);   /* cli_history.c */
int cli_findings(int argc, char **argv);  /* cli_history.c */
int cli_import(int argc, char **argv);    /* cli_sheet.c */
int cli_ledger(int argc, char **argv);    /* cli_sheet.c */
int cli_form(int argc, char **argv);      /* cli_sheet.c */
int cli_escalate(int argc, char **argv);  /* cli_escalate.c */
/* rectify --file 台账.xlsx|.csv: a filled-in ledger back (cli_sheet.c) */
int cli_rectify_ledger(const char *file, const char *db, const char *encoding);

/* Workbook inputs (cli_sheet.c).  cli_sheet_opt takes --sheet, --header and
 * --encoding (1 taken, 0 not this option, -1 usage error).  cli_read_input
 * returns the findings XML of FILE.xml as read, or made from a workbook or
 * CSV (malloc'd; sr remembers the cells for smap_map_error; smap_free it).
 * cli_parse_input reads and parses, errors told at the cell; *xml (may be
 * NULL) gets the bytes the bulletin was parsed from.  cli_parse_read parses
 * what cli_read_input returned: XML made from cells alone without the
 * RELAX NG pass (parse_generated), any other with it, errors at the cell. */
int cli_sheet_opt(int argc, char **argv, int *i, smap_opts *o);
char *cli_read_input(const char *path, const smap_opts *o, size_t *len, smap_result *sr, err *e);
model_bulletin *cli_parse_input(const char *path, const smap_opts *o, char **xml, size_t *len, err *e);
model_bulletin *cli_parse_read(const char *xml, size_t len, const char *path, const smap_result *sr, err *e);

/* Shared helpers */
void cli_error(const err *e);                 /* "tongbao: file:line:col: msg" on stderr */
int cli_setup_fonts(void);                    /* fonts_init with the data dir; prints errors */
/* History database path: the option, else $TONGBAO_DB, else ./tongbao.db. */
const char *cli_db_path(const char *opt);
/* FILE.xml (or a workbook) -> FILE.EXT beside it, ext ".pdf" or ".docx" (malloc'd). */
char *cli_default_out(const char *in, const char *ext);
/* An option's YYYY-MM-DD value (date.h's rule): 0, or a usage message on
 * stderr naming the command, the option and what is wrong, and TB_EUSAGE. */
int cli_day_option(const char *cmd, const char *opt, const char *value);
/* util.h's output policy for commands whose output is a file (not "-"):
 * out must not be in, db or db's -wal/-shm (either may be NULL), nor a
 * directory, device or FIFO.  0, or the message printed and the exit status. */
int cli_out_check(const char *cmd, const char *out, const char *in, const char *db);
/* Matches --name VALUE and --name=VALUE; advances *i. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);

#endif
