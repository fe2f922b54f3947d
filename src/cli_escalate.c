/* cli_escalate.c — `tongbao escalate`: letters (督办通知书, then 提醒 and
 * 告诫) to the districts whose findings are overdue (issue 16).  The
 * options and the summary; the work is escalate.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escalate.h"

static const char escalate_help[] =
    "usage: tongbao escalate [--series S] [--district D] [--today D] [--after N] --out DIR\n"
    "                        [--dry-run] [-t TEMPLATE] [--db PATH]\n"
    "Writes a 督办通知书 (信函格式, GB/T 9704 10.1) to each district whose findings\n"
    "are overdue, as DIR/<district>-督办通知书.pdf, and records in the history which\n"
    "findings it names, at which level, on which date, in which letter.  A finding\n"
    "escalated before gets the next level (提醒, then 告诫; the levels, the new\n"
    "deadline and every sentence are the template's); one put right drops out; one\n"
    "escalated today is not due again, so running twice on a day sends nothing new\n"
    "(and puts back from the archive a letter missing in DIR).  Each letter has its\n"
    "own 发文字号 (江防督函〔2026〕3号) and is archived like a bulletin: regen\n"
    "--letter N gives the same bytes, archive verify checks it.\n"
    "  --series S      the series (default: the only one with findings)\n"
    "  --district D    only this district (or unit)\n"
    "  --today D       the letters' date and the day overdue is judged by (default today)\n"
    "  --after N       only findings overdue by N days or more (default: the template's, 0)\n"
    "  --out DIR       where the letters go (created if missing)\n"
    "  --dry-run, -n   say what would be sent; record and write nothing\n"
    "  -t TEMPLATE     the letter template (default duban)\n"
    "  --db PATH       history database (default $TONGBAO_DB, else ./tongbao.db)\n"
    "Refused, nothing recorded: an unknown series or district (exit 8), a --today\n"
    "before the series' last bulletin or last letter (exit 3), a template without\n"
    "the letter parts (exit 5).\n";

int cli_escalate(int argc, char **argv) {
    esc_opts o = {0};
    o.after = -1;
    const char *db = NULL, *tname = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(escalate_help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n")) o.dry_run = 1;
        else if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) return TB_EUSAGE; db = v; }
        else if ((r = cli_opt(argc, argv, &i, "--series", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.series = v; }
        else if ((r = cli_opt(argc, argv, &i, "--district", &v)) != 0) { if (r < 0) return TB_EUSAGE; o.district = v; }
        else if ((r = cli_opt(argc, argv, &i, "--today", &v)) != 0) {
            if (r < 0 || cli_day_option("escalate", "--today", v)) return TB_EUSAGE;
            o.today = v;
        } else if ((r = cli_opt(argc, argv, &i, "--after", &v)) != 0) {
            if (r < 0) return TB_EUSAGE;
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 0 || n > 3650) {
                fprintf(stderr, "tongbao: escalate: --after wants a number of days from 0 to 3650, not \"%s\"\n", v);
                return TB_EUSAGE;
            }
            o.after = (int)n;
        } else if ((r = cli_opt(argc, argv, &i, "--out", &v)) != 0 || (r = cli_opt(argc, argv, &i, "-o", &v)) != 0) {
            if (r < 0) return TB_EUSAGE;
            o.outdir = v;
        } else if ((r = cli_opt(argc, argv, &i, "-t", &v)) != 0) { if (r < 0) return TB_EUSAGE; tname = v; }
        else {
            fprintf(stderr, "tongbao: escalate: unexpected %s; see tongbao escalate --help\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    if (!o.outdir && !o.dry_run) {
        fprintf(stderr, "tongbao: escalate needs --out DIR for the letters (or --dry-run); see tongbao escalate --help\n");
        return TB_EUSAGE;
    }
    if (o.outdir && (!*o.outdir || !strcmp(o.outdir, "-"))) {
        fprintf(stderr, "tongbao: escalate: --out wants a directory (one letter per district), not \"%s\"\n", o.outdir);
        return TB_EUSAGE;
    }
    err e = {0};
    int rc = 0;
    o.db_path = cli_db_path(db);
    tpl_template *t = tpl_load(tname ? tname : "duban", &e);
    store *s = NULL;
    lay_ctx *lc = NULL;
    esc_report rep;
    esc_report_init(&rep);
    /* the template first: one without the letter parts records nothing */
    if (!t || esc_check_template(t, &e) < 0) goto fail;
    if (!o.dry_run && (rc = cli_setup_fonts())) goto done;
    if (!(s = store_open_existing(o.db_path, 0, &e))) goto fail;
    if (!o.dry_run && !(lc = lay_ctx_new(&e))) goto fail;
    if (esc_run(s, lc, t, &o, &rep, &e) < 0) {
        if (rep.lines.len) fputs(buf_cstr(&rep.lines), stdout);
        goto fail;
    }
    if (rep.lines.len) fputs(buf_cstr(&rep.lines), stdout);
    if (rep.letters)
        printf("%s: %ld letter%s, %ld finding%s%s\n", rep.series, rep.letters, rep.letters == 1 ? "" : "s",
               rep.findings, rep.findings == 1 ? "" : "s", o.dry_run ? " (dry run: nothing recorded or written)" : "");
    else if (rep.sent_today)
        printf("%s: nothing new to send on %s: %ld letter%s of that day %s already sent%s\n", rep.series,
               o.today ? o.today : "this day", rep.sent_today, rep.sent_today == 1 ? "" : "s", rep.sent_today == 1 ? "was" : "were",
               rep.restored ? "; the missing ones were written again from the archive" : " and in place");
    else
        printf("%s: nothing is overdue%s%s%s\n", rep.series, o.after > 0 ? " by that many days" : "",
               o.district ? " in " : "", o.district ? o.district : "");
    goto done;
fail:
    cli_error(&e);
    rc = e.code ? e.code : TB_EINTERNAL;
done:
    esc_report_free(&rep);
    lay_ctx_free(lc);
    store_close(s);
    tpl_free(t);
    return rc;
}
