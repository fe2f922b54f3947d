/* model.h — the findings model: what one bulletin input says, after parsing.
 *
 * parse fills it, store adds what the history assigns (issue number, finding
 * IDs, repeat notes), compose reads it.  All strings are UTF-8, trimmed, and
 * live in the bulletin's arena; NULL means "absent in the input".  Dates are
 * kept as written in the input (ISO 8601: 2026-11-22 or 2026-11-22T17:00);
 * compose formats them. */
#ifndef TB_MODEL_H
#define TB_MODEL_H

#include <stddef.h>
#include "util.h"

typedef struct {
    const char *what, *unit, *number;   /* <count what= unit=>number</count> */
} model_count;

typedef struct {
    const char *district, *street, *community, *site;
    const char *unit;                   /* a unit (单位) instead of a district */
    const char *observed, *responsible, *deadline;
    const char *text;
    /* Assigned by store when the bulletin is issued; NULL before that. */
    const char *id;                     /* e.g. JC2026-007-003 */
    const char *repeat_note;            /* e.g. 该问题第2次通报，前次见第5期 */
    const char *repeat_of;              /* ID of the earlier finding it repeats */
    int recurs;                         /* 1: that finding was put right; this one
                                           is the problem back again (issue 19) */
    int line, col;                      /* where the <finding> starts */
} model_finding;

typedef struct {
    const char *title;
    model_finding *findings;
    size_t n_findings;
    int line;
} model_category;

typedef struct {
    const char *title, *text;
} model_requirement;

typedef struct {
    const char *date, *person, *rank, *kind, *text;
} model_outcome;

typedef struct {
    const char *subject, *problem, *facts;
    model_outcome *outcomes;
    size_t n_outcomes;
} model_case;

/* ---- items (issue 11): 简报/信息 made of what units report ---------------
 * <items> holds <column> headings and <item>s in input order; both are
 * model_item entries (column != NULL marks a heading).  Texts that may
 * hold <stats/> (lead, point text, paragraphs) carry MODEL_STATS_MARK where
 * each one stands; model_bulletin.stats lists them in document order, and
 * an item's first one is stats[first_stats].  The mark is U+0001, which no
 * XML 1.0 file can contain, so it never comes from the input. */
#define MODEL_STATS_MARK "\x01"
#define MODEL_STATS_MARK_CHAR '\x01'

typedef struct {
    const char *series;     /* <stats series=…/>; NULL = the bulletin's own series */
    const char *part;       /* part=: findings, bulletins, accountability; NULL = all */
    int line, col;          /* where the <stats/> is */
} model_stats_ref;

typedef struct {
    const char *title;      /* title=, as written */
    const char *text;       /* may hold MODEL_STATS_MARK */
} model_point;

typedef struct {
    const char *column;     /* a <column> heading: only this (and line/col) is set */
    const char *style;      /* style=: "jianbao", "news"; NULL = the template's */
    const char *points_mode;/* points=: "paragraphs", "run-in"; NULL = the template's */
    const char *source, *district, *reporter, *author, *byline;
    const char *headline;
    const char *lead;       /* may hold MODEL_STATS_MARK; NULL = none */
    model_point *points;
    size_t n_points;
    const char **paras;     /* <p>s; may hold MODEL_STATS_MARK */
    size_t n_paras;
    size_t first_stats;     /* index into model_bulletin.stats of its first mark */
    int line, col;          /* where the <item> or <column> starts */
} model_item;

/* ---- what the history says (issue 5) ---------------------------------
 * Filled by history_prepare (history.c) from the store when a bulletin is
 * issued, or by history_restore from the archived context for regen; read
 * by compose for the rectification-status (上期通报的N个问题…) and the
 * cumulative statistics (截至目前…) paragraphs.  Counts are plain numbers;
 * compose decides how (and whether) to say them. */
typedef struct {
    const char *id;          /* finding ID, e.g. JC2026-007-003 */
    const char *place;       /* brief location: 东湖区和平社区锦绣小区, 市交通运输局东湖路家属院 */
    int escalations;         /* letters of tongbao escalate that named it (已督办N次; issue 16) */
} model_history_item;

typedef struct {
    const char *name;        /* a rank (乡科级领导干部) or kind (诫勉) */
    long n;                  /* people */
} model_history_count;

typedef struct {
    const char *what, *unit; /* <count what= unit=> */
    long total;              /* sum over the series' inspections */
    long rounds;             /* inspections that counted it */
} model_history_scope;

typedef struct model_history {
    /* Overdue means open with a deadline before this date (YYYY-MM-DD);
     * by default the bulletin's own header date. */
    const char *today;

    /* The previous issue of the series (上期), as it stands now. */
    int has_prev;
    int prev_year, prev_issue;
    const char *prev_date;
    long prev_findings;                 /* = prev_done + prev_open + prev_overdue */
    long prev_done, prev_open, prev_overdue;
    long prev_repeated;                 /* this bulletin's findings repeating one of them */
    model_history_item *prev_overdue_items;   /* in the previous bulletin's order */
    size_t n_prev_overdue_items;

    /* Cumulative figures for the series, this bulletin included (its
     * findings are open, or overdue if a deadline already passed). */
    long earlier;                       /* bulletins of the series before this one */
    long bulletins, inspections;        /* 印发通报P期, 督查N轮 */
    long findings, done, open, overdue; /* done + open + overdue = findings */
    long repeats;                       /* findings reported again (recurring ones too) */
    long recurring;                     /* of those, back after being put right */
    long case_bulletins, cases;         /* 典型案例通报Q期R起 */
    long people;                        /* 问责T人 (persons, distinct per case) */
    long orgs;                          /* 党组织/单位 held accountable */
    model_history_scope *scope;         /* 涉及…, in order of first appearance */
    size_t n_scope;
    model_history_count *by_rank;       /* people by rank, first appearance order */
    size_t n_by_rank;
    model_history_count *by_kind;       /* people by kind of outcome */
    size_t n_by_kind;

    /* Other series an item quotes with <stats series="…"/> (issue 11): their
     * cumulative figures (the fields above, prev* unused) as the history
     * stood when this bulletin was issued; series names the quoted series. */
    const char *series;
    struct model_history *quotes;
    size_t n_quotes;
} model_history;

typedef struct model_bulletin {
    arena *arena;
    const char *source;                 /* file name, for messages */

    int version;
    const char *id, *series, *template_name;
    const char *series_code;            /* code="JC" (optional): prefix of finding IDs */
    int issue_override;                 /* issue="N" attribute (migration); 0 = none */

    /* <header> */
    const char *title, *issuer, *date, *doc_number, *to;
    const char *note;                   /* 附注, printed after the date in （） */

    /* <inspection> (has_inspection = 0 when absent) */
    int has_inspection;
    const char *method;
    const char *period_text, *period_from, *period_to;
    const char **inspectors;
    size_t n_inspectors;
    const char *action, *assessment;
    model_count *counts;
    size_t n_counts;

    /* <findings> */
    model_category *categories;
    size_t n_categories;

    /* <rectification/> */
    int has_rectification;
    const char *rect_deadline, *rect_report_to, *rect_manner, *rect_responsible;

    /* <requirements> */
    const char *req_lead;
    model_requirement *requirements;
    size_t n_requirements;

    /* <cases> */
    int has_cases;
    const char *cases_lead;
    model_case *cases;
    size_t n_cases;

    /* <items> (issue 11) */
    int has_items;
    model_item *items;                  /* columns and items, in input order */
    size_t n_items;
    model_stats_ref *stats;             /* every <stats/> of the items, in order */
    size_t n_stats;

    /* <distribution> */
    int has_distribution;
    const char *dist_send, *dist_deliver, *dist_cc, *dist_issued_by, *dist_editors, *dist_copies;

    /* Assigned by store when issued (0/NULL before). */
    int issue_no;                       /* 第N期 within series and year */
    int year;                           /* calendar year of the issue */

    /* Set by history_prepare / history_restore (NULL: no history, e.g.
     * `tongbao render`); lives in the bulletin's arena. */
    const struct model_history *history;
} model_bulletin;

/* ---- letters (issue 16): 督办通知书 and the levels after it ---------------
 * What `tongbao escalate` sends one district (or unit) about its overdue
 * findings, in the 信函格式.  The store fills it when a letter is sent
 * (from the history) and again for regen (from the letter's rows), compose
 * words it (compose_letter).  Strings live in the letter's arena. */
typedef struct {
    const char *id;                     /* finding ID */
    int year, issue_no;                 /* the bulletin that reported it */
    const char *district, *street, *community, *site, *unit;
    const char *text;                   /* the problem, as reported */
    const char *deadline;               /* its own rectification deadline (ISO) */
    const char *missed;                 /* the deadline it passed: deadline, or the
                                           new deadline of its last letter */
    int level;                          /* 1 = first escalation, 2 = second … */
    const char *level_name;             /* the template's name for it (督办, 提醒, 告诫) */
} model_letter_item;

typedef struct {
    arena *arena;
    const char *series, *district;      /* district: a district, or a unit */
    const char *date;                   /* the letter's date, YYYY-MM-DD */
    int year, number;                   /* 第N号 in its series and year */
    const char *doc_number;             /* 发文字号 as printed */
    const char *issuer;                 /* 署名 and the mark */
    const char *report_to;              /* where the district reports (报送…) */
    const char *new_deadline;           /* the deadline the letter sets (YYYY-MM-DD) */
    model_letter_item *items;           /* in the order of the history (issue, position) */
    size_t n_items;
} model_letter;

void model_free(model_bulletin *b);    /* frees the arena (and b itself) */
size_t model_count_findings(const model_bulletin *b);

#endif
