/* escalate.h — tongbao escalate (issue 16): the letters that chase overdue
 * findings, 督办通知书 and the levels after it (提醒, 告诫), one per
 * district, in the 信函格式 of GB/T 9704 10.1.
 *
 * Owns: which series a run is about, what the template decides for each
 * letter (its findings' level names, the new deadline by the template's
 * rule on the date module's working days, the 发文字号 from letter-number),
 * rendering the letters, and putting them in a directory in the order of
 * effects the README describes:
 *
 *   escalate-temp       one more letter written and synced as its
 *                       .NAME.PID.RANDOM.tmp (util.h); nothing recorded
 *   escalate-recorded   every letter and escalation row inserted, no COMMIT
 *   escalate-committed  COMMIT returned; the letters not in place
 *   escalate-renamed    one more letter renamed into place
 *
 * Killed anywhere, the next run on the same day finishes it: before the
 * commit nothing is recorded and the letters are sent again (same numbers);
 * after it nothing is due any more, and every letter of that day missing in
 * the directory, or not the archived bytes, is written from the archive
 * (and dead runs' temporaries are swept).  The history is the store's
 * (store_escalate), the wording compose's (compose_letter). */
#ifndef TB_ESCALATE_H
#define TB_ESCALATE_H

#include "layout.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define ESC_FILE_SUFFIX "-督办通知书.pdf"   /* OUT/<district>-督办通知书.pdf */

typedef struct {
    const char *series;     /* NULL: the one series of the history that has findings */
    const char *district;   /* a district or unit; NULL = all */
    const char *today;      /* YYYY-MM-DD; NULL = today */
    int after;              /* overdue by this many days or more; < 0 = the template's after= */
    const char *outdir;     /* the letters' directory (created); NULL only with dry_run */
    int dry_run;            /* say what would be sent; record and write nothing */
    const char *db_path;    /* for the output policy: the database is never an output */
} esc_opts;

/* What a run did, for the caller to print: one line per letter, and the
 * figures. */
typedef struct {
    buf lines;              /* "东湖区: 青防督函〔2026〕1号 督办通知书, 2 findings … → OUT/…" */
    long letters, findings, restored;
    long sent_today;        /* nothing due, but this many letters carry today's date */
    const char *series;     /* the series the run was about (static or the option's) */
    char series_buf[512];
} esc_report;

void esc_report_init(esc_report *r);
void esc_report_free(esc_report *r);

/* What the template lacks to write letters, "" when nothing: TB_ETEMPLATE
 * with the list, for a refusal before anything is recorded. */
int esc_check_template(const tpl_template *t, err *e);

/* The series a run without --series is about: the only one with findings,
 * else TB_EUSAGE naming them (or TB_ENOTFOUND when none has findings).
 * Copied into out. */
int esc_pick_series(store *s, char *out, size_t n, err *e);
/* Every series that has findings, in the archive's order (malloc'd names
 * in a malloc'd array: the caller frees both). */
int esc_list_series(store *s, char ***names, size_t *n, err *e);

/* One run over one series (o->series set, or picked).  0, or -1 + e with
 * nothing recorded (letters renamed into place before a later failure
 * stay: they are recorded). */
int esc_run(store *s, lay_ctx *lc, const tpl_template *t, const esc_opts *o, esc_report *rep, err *e);

#endif
