/* cli_history.c — `tongbao rectify` and `tongbao findings`: rectification
 * tracking over the history database (issue 5).
 *
 * rectify records what districts report back (整改到位, or still open with a
 * reason), from the command line or from a <rectifications> file; all of a
 * command's updates are recorded together or none is.  findings lists
 * findings with their status — open, done or overdue (open past its
 * deadline) — as an aligned table for people or RFC 4180 CSV for
 * spreadsheets, streamed as the store reads them (a page at a time with
 * --limit and --after). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <iconv.h>
#include <limits.h>

#include "cli.h"
#include "compose.h"
#include "date.h"
#include "ledger.h"
#include "safecell.h"
#include "parse.h"
#include "store.h"

static int wants_help(int argc, char **argv, const char *text) {
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(text, stdout);
            return 1;
        }
    return 0;
}

/* ---- rectify ------------------------------------------------------------ */

static const char rectify_help[] =
    "usage: tongbao rectify ID... --done [--date YYYY-MM-DD] [--note TEXT] [--db PATH]\n"
    "       tongbao rectify ID... --open [--date YYYY-MM-DD] [--note REASON] [--db PATH]\n"
    "       tongbao rectify --file R.xml|台账.xlsx|台账.csv [--encoding ENC] [--db PATH]\n"
    "Records rectification (整改) reports for findings, by the IDs printed in the\n"
    "bulletins (JC2026-007-003; lower case is fine).\n"
    "  --done          the findings were rectified (on --date, default today)\n"
    "  --open          reopen them (a check found them not rectified); --note says why\n"
    "  --note TEXT     what was done, or why it is still open\n"
    "  --series S      refuse IDs that belong to another series\n"
    "  --file R.xml    a <rectifications> file (tongbao-format(5)): <done finding= date=>,\n"
    "                  <open finding= reason=>; its series must own every ID\n"
    "  --file 台账.xlsx a 整改台账 from `tongbao ledger`, filled in by a district: a\n"
    "                  row whose 完成时间 is filled is rectified on that date (整改情况\n"
    "                  is what was done); 整改情况 alone is noted as progress; rows as\n"
    "                  exported change nothing, so the same file twice records nothing\n"
    "                  the second time (.csv too; --encoding for a GB18030 CSV)\n"
    "  --db PATH       history database (default $TONGBAO_DB, else ./tongbao.db)\n"
    "All updates of one command are recorded together, or none is: an unknown ID\n"
    "(exit 8, every unknown ID named), an ID of another series, a date before\n"
    "the bulletin that reported the finding or after today, or a note with a\n"
    "control character (exit 3) records nothing.  Line breaks in a note become\n"
    "spaces.  A report already recorded (same status, date and note) is not\n"
    "recorded again.\n";

/* "reason；text" for an <open>, whichever parts are there. */
static const char *open_note(arena *a, const parse_rect_item *it) {
    if (str_empty(it->reason)) return it->note;
    if (str_empty(it->note)) return it->reason;
    return arena_printf(a, "%s；%s", it->reason, it->note);
}

/* What rectify recorded, one line a finding, then the count. */
static void print_recorded(const store_rectification *items, const int *already, size_t n, const char *db_path) {
    char today[11];
    date_today(today);
    size_t n_done = 0, n_already = 0;
    for (size_t i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "%s", items[i].finding_id);
        for (char *p = id; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
        if (already[i]) {
            n_already++;
            printf("%s: already recorded as %s on %s; nothing new\n", id, items[i].done ? "rectified" : "reopened",
                   items[i].date ? items[i].date : today);
            continue;
        }
        n_done += (size_t)items[i].done;
        printf("%s: %s %s%s%s%s\n", id, items[i].done ? "rectified on" : "reopened on",
               items[i].date ? items[i].date : today, items[i].note ? " (" : "",
               items[i].note ? items[i].note : "", items[i].note ? ")" : "");
    }
    printf("recorded %zu update%s (%zu done, %zu reopened)", n - n_already, n - n_already == 1 ? "" : "s", n_done,
           n - n_already - n_done);
    if (n_already) printf("; %zu already recorded before", n_already);
    printf(" in %s\n", db_path);
}

int cli_rectify(int argc, char **argv) {
    if (wants_help(argc, argv, rectify_help)) return 0;
    const char *db = NULL, *date = NULL, *note = NULL, *file = NULL, *series = NULL, *encoding = NULL;
    int done = 0, reopen = 0;
    size_t n_ids = 0;
    const char **ids = xcalloc((size_t)(argc > 0 ? argc : 1), sizeof *ids);
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--done")) done = 1;
        else if (!strcmp(argv[i], "--open")) reopen = 1;
        else if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) rc = TB_EUSAGE; else db = v; }
        else if ((r = cli_opt(argc, argv, &i, "--date", &v)) != 0) { if (r < 0) rc = TB_EUSAGE; else date = v; }
        else if ((r = cli_opt(argc, argv, &i, "--note", &v)) != 0) { if (r < 0) rc = TB_EUSAGE; else note = v; }
        else if ((r = cli_opt(argc, argv, &i, "--file", &v)) != 0) { if (r < 0) rc = TB_EUSAGE; else file = v; }
        else if ((r = cli_opt(argc, argv, &i, "--series", &v)) != 0) { if (r < 0) rc = TB_EUSAGE; else series = v; }
        else if ((r = cli_opt(argc, argv, &i, "--encoding", &v)) != 0) { if (r < 0) rc = TB_EUSAGE; else encoding = v; }
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tongbao: rectify: unknown option %s; see tongbao rectify --help\n", argv[i]);
            rc = TB_EUSAGE;
        } else ids[n_ids++] = argv[i];
    }
    if (rc == 0) {
        const char *why = NULL;
        if (file && (n_ids || done || reopen || date || note || series))
            why = "--file takes the series, IDs, dates and notes from the file; give no IDs, --done, --open, --date, --note or --series with it";
        else if (!file && !n_ids)
            why = "name the findings (IDs like JC2026-007-003) or give --file R.xml";
        else if (!file && done == reopen)
            why = done ? "--done and --open exclude each other" : "say --done (rectified) or --open (reopen)";
        if (why) {
            fprintf(stderr, "tongbao: rectify: %s; see tongbao rectify --help\n", why);
            rc = TB_EUSAGE;
        } else if (date) {
            rc = cli_day_option("rectify", "--date", date);
        }
    }
    if (rc) {
        free(ids);
        return rc;
    }
    if (file && smap_is_sheet(file)) {   /* a filled-in 整改台账 back */
        free(ids);
        return cli_rectify_ledger(file, db, encoding);
    }

    err e = {0};
    parse_rect_doc *doc = NULL;
    store *s = NULL;
    store_rectification *items = NULL;
    int *already = NULL;
    size_t n = 0;
    const char *source = "cli";
    if (file) {
        doc = parse_rectifications_file(file, &e);
        if (!doc) goto fail;
        source = file;
        series = doc->series;
        n = doc->n_items;
        items = xcalloc(n ? n : 1, sizeof *items);
        for (size_t i = 0; i < n; i++) {
            const parse_rect_item *it = &doc->items[i];
            items[i].finding_id = it->finding;
            items[i].done = it->done;
            items[i].date = it->date;
            items[i].note = it->done ? it->note : open_note(doc->arena, it);
        }
    } else {
        n = n_ids;
        items = xcalloc(n, sizeof *items);
        for (size_t i = 0; i < n; i++)
            items[i] = (store_rectification){ids[i], done, date, str_empty(note) ? NULL : note};
    }
    if (n == 0) {
        printf("%s: no updates in the file; nothing recorded\n", file);
        goto done;
    }
    s = store_open_existing(cli_db_path(db), 0, &e);
    if (!s) goto fail;
    already = xcalloc(n, sizeof *already);
    if (store_rectify_ex(s, series, items, n, source, already, &e) < 0) goto fail;
    print_recorded(items, already, n, store_path(s));
    goto done;
fail:
    /* the store names the update's source as the file; "cli" is no file */
    if (!file && !strcmp(e.file, source)) e.file[0] = 0;
    cli_error(&e);
    rc = e.code ? e.code : TB_EINTERNAL;
done:
    store_close(s);
    parse_rect_free(doc);
    free(items);
    free(already);
    free(ids);
    return rc;
}

/* ---- findings ------------------------------------------------------------ */

static const char findings_help[] =
    "usage: tongbao findings [--series S] [--district D] [--status STATUS] [--csv [--encoding gb18030]]\n"
    "                        [--issue N [--year Y]] [--today YYYY-MM-DD] [--limit N] [--after ID] [--db PATH]\n"
    "Lists findings and their rectification status, oldest issue first:\n"
    "open (not rectified, deadline not passed), done (rectified) or overdue\n"
    "(not rectified, deadline passed).  Rows are written as they are read, so a\n"
    "long history starts at once; --limit and --after page through it.\n"
    "  --series S      one series (publication)\n"
    "  --district D    one district (区), e.g. 东湖区\n"
    "  --status STATUS open, done, overdue, or undone (open or overdue)\n"
    "  --issue N       the findings of one bulletin (needs --series; --year Y, else\n"
    "                  the latest year with that issue)\n"
    "  --limit N       at most N findings (a page); the last line then names the\n"
    "                  ID to continue after\n"
    "  --after ID      the findings listed after finding ID (the next page)\n"
    "  --csv           CSV with every field for Excel and WPS: UTF-8 with a BOM, CRLF,\n"
    "                  Chinese headers (编号, 系列 … 状态, 完成时间, 整改情况 …), cells\n"
    "                  that could run as formulas neutralised; rectify --file reads it\n"
    "  --encoding E    with --csv: gb18030 instead of UTF-8 (old Excel versions)\n"
    "  --today D       judge overdue as of this date (default: today)\n"
    "  --db PATH       history database (default $TONGBAO_DB, else ./tongbao.db)\n";

enum { COL_ID, COL_STATUS, COL_TIMES, COL_DEADLINE, COL_DONE, COL_LETTERS, COL_LOCATION, COL_PROBLEM, N_COLS };
static const char *const col_head[N_COLS] = {"ID", "STATUS", "TIMES", "DEADLINE", "DONE", "LETTERS", "LOCATION",
                                             "PROBLEM"};

/* The table is aligned on the widths of its first HEAD_ROWS rows (CJK
 * characters take two columns), held back until then; later rows stream
 * out with those widths, so memory and the wait for the first line stay
 * flat however long the listing (a wider cell further down pushes the rest
 * of its line right). */
enum { HEAD_ROWS = 200 };

typedef struct {
    int csv;
    iconv_t cd;                 /* CSV in another encoding than UTF-8, else (iconv_t)-1 */
    size_t width[N_COLS];
    long n, n_open, n_done, n_overdue;
    long limit;                 /* > 0: stop after this many rows */
    int more;                   /* a row past the limit was there */
    char last_id[64];           /* the last row written: where the next page starts */
    buf line, cell;
    buf held;                   /* the first rows' cells, NUL-separated, until the widths are known */
    size_t n_held;
    int streaming;              /* header written, widths fixed */
    int bad;
} list_ctx;

/* The place in full: district street community site, or unit site. */
static void location(buf *o, const store_finding_row *r) {
    const char *parts[] = {r->unit ? r->unit : r->district, r->unit ? NULL : r->street,
                           r->unit ? NULL : r->community, r->site};
    for (size_t i = 0; i < 4; i++)
        if (!str_empty(parts[i])) buf_puts(o, parts[i]);
}

/* Table cells are one line: control characters become spaces. */
static const char *cell(list_ctx *c, int col, const store_finding_row *r) {
    buf_reset(&c->cell);
    char tmp[32];
    const char *v = NULL;
    switch (col) {
    case COL_ID: v = r->id; break;
    case COL_STATUS: v = r->status; break;
    case COL_TIMES:
        snprintf(tmp, sizeof tmp, "%d", r->repeat_count > 0 ? r->repeat_count : 1);
        v = tmp;
        break;
    case COL_DEADLINE: v = r->deadline; break;
    case COL_DONE: v = r->done_date; break;
    case COL_LETTERS:   /* tongbao escalate: the last letter's level and how many (提醒(2)) */
        if (r->escalations > 0) buf_printf(&c->cell, "%s(%d)", r->level ? r->level : "?", r->escalations);
        break;
    case COL_LOCATION: location(&c->cell, r); break;
    case COL_PROBLEM: v = r->text; break;
    }
    if (v) buf_puts(&c->cell, v);
    if (c->cell.len == 0) buf_puts(&c->cell, "-");
    for (size_t i = 0; i < c->cell.len; i++)
        if ((unsigned char)c->cell.data[i] < 0x20) c->cell.data[i] = ' ';
    return buf_cstr(&c->cell);
}

/* CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF;
 * quotes doubled; a value that could run as a formula gets a leading
 * apostrophe (safecell.h). */
static void csv_field(buf *o, const char *v, int first) {
    if (!first) buf_puts(o, ",");
    if (!v) return;
    int risky = safecell_risky(v);
    if (!risky && !strpbrk(v, ",\"\r\n")) {
        buf_puts(o, v);
        return;
    }
    buf_puts(o, "\"");
    if (risky) buf_puts(o, "'");
    for (const char *p = v; *p; p++) {
        if (*p == '"') buf_puts(o, "\"");
        buf_add(o, p, 1);
    }
    buf_puts(o, "\"");
}

/* Chinese headers, as the office's spreadsheets name them (sheetmap.c
 * reads them back: this CSV is also a 整改台账 for rectify --file). */
static const char *const csv_head[] = {
    "编号", "系列", "年度", "期号", "通报日期", "问题类别", "区", "街道", "社区",
    "点位", "单位", "问题描述", "发现时间", "责任单位", "整改时限", "状态", "完成时间", "整改情况",
    "通报次数", "前次编号", "重复说明", "督办次数", "督办级别"};

static int emit(list_ctx *c) {
    const char *data = c->line.data;
    size_t len = c->line.len;
    char *conv = NULL;
    if (c->cd != (iconv_t)-1 && len) {   /* --encoding gb18030 */
        size_t cap = len * 2 + 8, ol = cap, il = len;
        char *ip = c->line.data, *op = conv = xmalloc(cap);
        if (!conv || iconv(c->cd, &ip, &il, &op, &ol) == (size_t)-1) {
            free(conv);
            c->bad = 3;
            return 1;
        }
        data = conv;
        len = cap - ol;
    }
    int bad = fwrite(data, 1, len, stdout) != len;
    free(conv);
    if (bad) {
        c->bad = 2;
        return 1;
    }
    buf_reset(&c->line);
    return 0;
}

static void pad_to(buf *o, const char *s, size_t width) {
    buf_puts(o, s);
    for (size_t w = utf8_width(s); w < width; w++) buf_puts(o, " ");
}

static int table_header(list_ctx *c) {
    for (int k = 0; k < N_COLS; k++) {
        if (k == N_COLS - 1) buf_puts(&c->line, col_head[k]);
        else {
            pad_to(&c->line, col_head[k], c->width[k]);
            buf_puts(&c->line, "  ");
        }
    }
    buf_puts(&c->line, "\n");
    return emit(c);
}

/* One table line from N_COLS NUL-terminated cells. */
static int table_line(list_ctx *c, const char *cells) {
    const char *v = cells;
    for (int k = 0; k < N_COLS; k++, v += strlen(v) + 1) {
        if (k == N_COLS - 1) buf_puts(&c->line, v);
        else {
            pad_to(&c->line, v, c->width[k]);
            buf_puts(&c->line, "  ");
        }
    }
    buf_puts(&c->line, "\n");
    return emit(c);
}

/* The widths are known (HEAD_ROWS rows held, or the end): the header, the
 * rows held back, and from now on each row as it comes. */
static int table_release(list_ctx *c) {
    if (c->streaming) return 0;
    c->streaming = 1;
    if (!c->n_held) return 0;
    if (table_header(c)) return 1;
    const char *p = c->held.data;
    for (size_t i = 0; i < c->n_held; i++) {
        if (table_line(c, p)) return 1;
        for (int k = 0; k < N_COLS; k++) p += strlen(p) + 1;
    }
    buf_free(&c->held);
    return 0;
}

static int list_row(void *ctx, const store_finding_row *r) {
    list_ctx *c = ctx;
    if (c->limit > 0 && c->n >= c->limit) {   /* the row after the page: there is more */
        c->more = 1;
        return 1;
    }
    c->n++;
    snprintf(c->last_id, sizeof c->last_id, "%s", r->id ? r->id : "");
    if (str_eq(r->status, "done")) c->n_done++;
    else if (str_eq(r->status, "overdue")) c->n_overdue++;
    else c->n_open++;
    if (c->csv) {
        char year[16], issue[16], count[16], letters[16];
        snprintf(letters, sizeof letters, "%d", r->escalations);
        snprintf(year, sizeof year, "%d", r->year);
        snprintf(issue, sizeof issue, "%d", r->issue_no);
        snprintf(count, sizeof count, "%d", r->repeat_count);
        const char *v[] = {r->id, r->series, year, issue, r->bulletin_date, r->category, r->district,
                           r->street, r->community, r->site, r->unit, r->text, r->observed,
                           r->responsible, r->deadline, ledger_status_word(r->status), r->done_date, r->note, count,
                           r->repeat_of, r->repeat_note, letters, r->level};
        for (size_t k = 0; k < sizeof v / sizeof *v; k++) csv_field(&c->line, v[k], k == 0);
        buf_puts(&c->line, "\r\n");
        return emit(c);
    }
    buf row;
    buf_init(&row);
    for (int k = 0; k < N_COLS; k++) {
        const char *v = cell(c, k, r);
        if (!c->streaming && k < N_COLS - 1) {   /* the last column is not padded */
            size_t w = utf8_width(v);
            if (w > c->width[k]) c->width[k] = w;
        }
        buf_add(&row, v, strlen(v) + 1);
    }
    int stop;
    if (c->streaming) {
        stop = table_line(c, row.data);
    } else {
        buf_add(&c->held, row.data, row.len);
        stop = ++c->n_held == HEAD_ROWS ? table_release(c) : 0;
    }
    buf_free(&row);
    return stop;
}

static int parse_status(const char *s) {
    if (!s) return STORE_ST_ANY;
    if (!strcmp(s, "open")) return STORE_ST_OPEN;
    if (!strcmp(s, "done")) return STORE_ST_DONE;
    if (!strcmp(s, "overdue")) return STORE_ST_OVERDUE;
    if (!strcmp(s, "undone")) return STORE_ST_UNDONE;
    if (!strcmp(s, "all")) return STORE_ST_ANY;
    return -1;
}

/* The findings options that go together, or a message and -1. */
static int findings_opts_agree(store_finding_filter *f, const char *status, const char *today, const char *encoding,
                               int csv) {
    f->status = parse_status(status);
    if (f->status < 0) {
        fprintf(stderr, "tongbao: findings: --status is open, done, overdue or undone, not \"%s\"\n", status);
        return -1;
    }
    if (today && cli_day_option("findings", "--today", today) != 0) return -1;
    if ((f->issue_no || f->year) && !f->series) {
        fprintf(stderr, "tongbao: findings: --issue and --year need --series\n");
        return -1;
    }
    if (f->year && !f->issue_no) {
        fprintf(stderr, "tongbao: findings: --year goes with --issue N\n");
        return -1;
    }
    if (encoding && !csv) {
        fprintf(stderr, "tongbao: findings: --encoding goes with --csv\n");
        return -1;
    }
    return 0;
}

int cli_findings(int argc, char **argv) {
    if (wants_help(argc, argv, findings_help)) return 0;
    const char *db = NULL, *status = NULL, *today = NULL, *encoding = NULL;
    store_finding_filter f = {0};
    int csv = 0;
    long limit = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (!strcmp(argv[i], "--csv")) csv = 1;
        else if ((r = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (r < 0) return TB_EUSAGE; db = v; }
        else if ((r = cli_opt(argc, argv, &i, "--series", &v)) != 0) { if (r < 0) return TB_EUSAGE; f.series = v; }
        else if ((r = cli_opt(argc, argv, &i, "--district", &v)) != 0) { if (r < 0) return TB_EUSAGE; f.district = v; }
        else if ((r = cli_opt(argc, argv, &i, "--status", &v)) != 0) { if (r < 0) return TB_EUSAGE; status = v; }
        else if ((r = cli_opt(argc, argv, &i, "--today", &v)) != 0) { if (r < 0) return TB_EUSAGE; today = v; }
        else if ((r = cli_opt(argc, argv, &i, "--encoding", &v)) != 0) { if (r < 0) return TB_EUSAGE; encoding = v; }
        else if ((r = cli_opt(argc, argv, &i, "--after", &v)) != 0) { if (r < 0) return TB_EUSAGE; f.after = v; }
        else if ((r = cli_opt(argc, argv, &i, "--limit", &v)) != 0) {
            if (r < 0) return TB_EUSAGE;
            char *end;
            limit = strtol(v, &end, 10);
            if (*end || end == v || limit <= 0) {
                fprintf(stderr, "tongbao: findings: --limit wants a number of findings like 100\n");
                return TB_EUSAGE;
            }
        }
        else if ((r = cli_opt(argc, argv, &i, "--issue", &v)) != 0) {
            if (r < 0) return TB_EUSAGE;
            f.issue_no = atoi(v);
            if (f.issue_no <= 0) {
                fprintf(stderr, "tongbao: findings: --issue wants a number like 7\n");
                return TB_EUSAGE;
            }
        } else if ((r = cli_opt(argc, argv, &i, "--year", &v)) != 0) {
            if (r < 0) return TB_EUSAGE;
            f.year = atoi(v);
            if (f.year < 1900) {
                fprintf(stderr, "tongbao: findings: --year wants a year like 2026\n");
                return TB_EUSAGE;
            }
        } else {
            fprintf(stderr, "tongbao: findings: unexpected %s; see tongbao findings --help\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    if (findings_opts_agree(&f, status, today, encoding, csv) < 0) return TB_EUSAGE;
    int gb = encoding && strcasecmp(encoding, "utf-8") && strcasecmp(encoding, "utf8");
    char now[11];
    date_today(now);
    f.today = today ? today : now;
    f.limit = limit > 0 && limit < LONG_MAX ? limit + 1 : 0;   /* the page and the row past it (list_row) */

    err e = {0};
    int rc = 0;
    store *s = store_open_existing(cli_db_path(db), 1, &e);
    if (!s) {
        cli_error(&e);
        return e.code;
    }
    list_ctx c = {.csv = csv, .cd = (iconv_t)-1, .limit = limit};
    buf_init(&c.line);
    buf_init(&c.cell);
    buf_init(&c.held);
    long n = 0;
    if (csv && gb) c.cd = iconv_open(encoding, "UTF-8");
    if (csv && gb && c.cd == (iconv_t)-1) {
        fprintf(stderr, "tongbao: findings: unknown encoding \"%s\"; use utf-8 or gb18030\n", encoding);
        store_close(s);
        return TB_EUSAGE;
    }
    if (csv) {
        if (!gb) buf_puts(&c.line, "\xEF\xBB\xBF");   /* the BOM: Excel then reads UTF-8 */
        for (size_t k = 0; k < sizeof csv_head / sizeof *csv_head; k++) csv_field(&c.line, csv_head[k], k == 0);
        buf_puts(&c.line, "\r\n");
        emit(&c);
    } else {
        for (int k = 0; k < N_COLS; k++) c.width[k] = utf8_width(col_head[k]);
    }
    if (!c.bad) n = store_list_findings(s, &f, list_row, &c, &e);
    if (n >= 0 && !csv && !c.bad) table_release(&c);
    if (n < 0) {
        cli_error(&e);
        rc = e.code ? e.code : TB_EINTERNAL;
    } else if (c.bad == 3) {
        fprintf(stderr, "tongbao: findings: a character %s cannot hold; write UTF-8 (leave out --encoding)\n", encoding);
        rc = TB_EOUTPUT;
    } else if (c.bad == 2 || fflush(stdout) != 0) {
        fprintf(stderr, "tongbao: findings: cannot write the listing\n");
        rc = TB_EOUTPUT;
    } else if (!csv) {
        if (c.n == 0)
            printf("(no findings match)\n");
        else
            printf("%ld finding%s%s: %ld open, %ld overdue, %ld done (overdue as of %s)%s%s\n", c.n, c.n == 1 ? "" : "s",
                   c.more ? " on this page" : "", c.n_open, c.n_overdue, c.n_done, f.today,
                   c.more ? "; more follow: --after " : "", c.more ? c.last_id : "");
        if (fflush(stdout) != 0) rc = TB_EOUTPUT;
    } else if (c.more) {
        fprintf(stderr, "tongbao: findings: %ld findings written, more follow: --after %s for the next page\n", c.n,
                c.last_id);
    }
    buf_free(&c.line);
    buf_free(&c.cell);
    buf_free(&c.held);
    if (c.cd != (iconv_t)-1) iconv_close(c.cd);
    store_close(s);
    return rc;
}
