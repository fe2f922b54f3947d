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

typedef struct model_bulletin {
    arena *arena;
    const char *source;                 /* file name, for messages */

    int version;
    const char *id, *series, *template_name;
    const char *series_code;            /* code="JC" (optional): prefix of finding IDs */
    int issue_override;                 /* issue="N" attribute (migration); 0 = none */

    /* <header> */
    const char *title, *issuer, *date, *doc_number, *to;

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

    /* <distribution> */
    int has_distribution;
    const char *dist_send, *dist_cc, *dist_issued_by, *dist_editors, *dist_copies;

    /* Assigned by store when issued (0/NULL before). */
    int issue_no;                       /* 第N期 within series and year */
    int year;                           /* calendar year of the issue */
} model_bulletin;

void model_free(model_bulletin *b);    /* frees the arena (and b itself) */
size_t model_count_findings(const model_bulletin *b);

#endif
