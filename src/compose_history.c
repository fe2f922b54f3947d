/* compose_history.c — the two history paragraphs of issue 5: how the
 * previous issue's problems stand (上期整改情况) and the series' running
 * totals (截至目前…).  They read model_bulletin.history, which the store
 * fills when a bulletin is issued or regenerated; compose.h documents the
 * wording keys and placeholders. */
#include "compose_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A history paragraph is on by default for some kinds; a template turns it
 * on or off with "yes"/"no", or gives its own pattern. */
enum { H_OFF, H_DEFAULT, H_PATTERN };

static int history_mode(const compose_ctx *c, const char *key, int default_on, const char **pattern) {
    *pattern = NULL;
    /* an extract speaks to one district: series-wide figures would mislead */
    if (c->district || c->kind == COMPOSE_ZHENGGAI || !c->b->history) return H_OFF;
    const char *w = c->o && c->o->word ? c->o->word(c->o->word_ctx, key) : NULL;
    if (!w) return default_on ? H_DEFAULT : H_OFF;
    if (str_empty(w) || strcmp(w, "no") == 0 || strcmp(w, "off") == 0) return H_OFF;
    if (strcmp(w, "yes") == 0 || strcmp(w, "on") == 0) return H_DEFAULT;
    *pattern = w;
    return H_PATTERN;
}

/* A count as a placeholder value: "" for 0, so "[…{n}…]" groups drop. */
static const char *num_var(compose_ctx *c, long n) {
    if (n <= 0) return "";
    const char *s = arena_printf(c->d->arena, "%ld", n);
    if (!s) compose_oom(c);
    return s;
}

/* "11月22日" (the year when it differs from the bulletin's); "" if absent. */
static void history_date(compose_ctx *c, const char *iso, char *out, size_t outlen) {
    out[0] = 0;
    if (!str_empty(iso) && compose_date(iso, c->ref_year, out, outlen) < 0) out[0] = 0;
}

/* Overdue items named briefly: "东湖区和平社区锦绣小区（JC2026-001-001）". */
#define HISTORY_NAMED_MAX 10

/* A finding tongbao escalate has written letters about says so after its
 * ID: "（JC2026-001-001，已督办2次）" (word "history-escalated", {n}). */
static void overdue_list(const compose_ctx *c, const model_history *h, buf *out, int *cut) {
    size_t n = h->n_prev_overdue_items;
    *cut = n > HISTORY_NAMED_MAX;
    if (*cut) n = HISTORY_NAMED_MAX;
    for (size_t i = 0; i < n; i++) {
        const model_history_item *it = &h->prev_overdue_items[i];
        if (i) buf_puts(out, "、");
        buf esc;
        buf_init(&esc);
        if (it->escalations > 0) {
            char num[16];
            snprintf(num, sizeof num, "%d", it->escalations);
            compose_var v[] = {{"n", num}};
            compose_subst(&esc, compose_word(c, "history-escalated", "已督办{n}次"), v, 1);
        }
        const char *es = esc.len && buf_cstr(&esc) ? buf_cstr(&esc) : NULL;
        if (!str_empty(it->place)) {
            buf_puts(out, it->place);
            if (!str_empty(it->id)) buf_printf(out, "（%s%s%s）", it->id, es ? "，" : "", es ? es : "");
            else if (es) buf_printf(out, "（%s）", es);
        } else if (!str_empty(it->id)) {
            buf_puts(out, it->id);
            if (es) buf_printf(out, "（%s）", es);
        }
        buf_free(&esc);
    }
}

/* The default wording: how the previous issue's problems stand.
 *   上期通报的33个问题中，已整改27个，正在整改4个，逾期未整改2个。逾期未整改的分别是：
 *   东湖区和平社区锦绣小区（JC2026-001-001）、…。此次督查发现，上期通报的问题中有2个仍未
 *   整改到位，已再次通报。
 * Figures of 0 leave their clause out; when one state covers every problem
 * the sentence says so (已全部整改 / 均在整改期限内 / 均逾期未整改). */
static void status_sentence(const model_history *h, const char *list, int cut, buf *o) {
    long n = h->prev_findings, k = h->prev_done, l = h->prev_open, j = h->prev_overdue;
    buf_printf(o, "上期通报的%ld个问题", n);
    if (k == n)
        buf_puts(o, n == 1 ? "已整改。" : "已全部整改。");
    else if (l == n)
        buf_puts(o, n == 1 ? "尚在整改期限内。" : "均在整改期限内。");
    else if (j == n)
        buf_puts(o, n == 1 ? "逾期未整改。" : "均逾期未整改。");
    else {
        buf_puts(o, "中，");
        int parts = 0;
        if (k > 0) buf_printf(o, "%s已整改%ld个", parts++ ? "，" : "", k);
        if (l > 0) buf_printf(o, "%s正在整改%ld个", parts++ ? "，" : "", l);
        if (j > 0) buf_printf(o, "%s逾期未整改%ld个", parts++ ? "，" : "", j);
        buf_puts(o, "。");
    }
    if (j > 0 && list[0]) {
        if (cut) buf_printf(o, "逾期未整改的包括：%s等。", list);
        else buf_printf(o, "逾期未整改的%s：%s。", j == 1 ? "是" : "分别是", list);
    }
    if (h->prev_repeated > 0)
        buf_printf(o, "此次督查发现，上期通报的问题中有%ld个仍未整改到位，已再次通报。", h->prev_repeated);
}

int compose_history_status(compose_ctx *c) {
    const model_history *h = c->b->history;
    const char *pat;
    int mode = history_mode(c, "history-status", c->kind == COMPOSE_DUBAO || c->kind == COMPOSE_JIANBAO, &pat);
    if (mode == H_OFF || !h->has_prev || h->prev_findings <= 0) return 0;
    buf list, st;
    buf_init(&list);
    buf_init(&st);
    int cut;
    overdue_list(c, h, &list, &cut);
    const char *ls = buf_cstr(&list);
    int rc = 0;
    if (!ls) rc = compose_oom(c);
    if (rc == 0) status_sentence(h, ls, cut, &st);
    const char *ss = rc == 0 ? buf_cstr(&st) : NULL;
    if (rc == 0 && !ss) rc = compose_oom(c);
    if (rc == 0) {
        char prev_no[64], prev_date[64], today[64];
        if (h->prev_year && c->ref_year && h->prev_year != c->ref_year)
            snprintf(prev_no, sizeof prev_no, "%d年第%d期", h->prev_year, h->prev_issue);
        else
            snprintf(prev_no, sizeof prev_no, "第%d期", h->prev_issue);
        history_date(c, h->prev_date, prev_date, sizeof prev_date);
        history_date(c, h->today, today, sizeof today);
        compose_var v[] = {{"status", ss},
                   {"prev-issue", prev_no},
                   {"prev-date", prev_date},
                   {"total", num_var(c, h->prev_findings)},
                   {"done", num_var(c, h->prev_done)},
                   {"open", num_var(c, h->prev_open)},
                   {"overdue", num_var(c, h->prev_overdue)},
                   {"overdue-list", ls},
                   {"repeated", num_var(c, h->prev_repeated)},
                   {"date", today}};
        for (size_t i = 0; i < sizeof v / sizeof *v; i++)
            if (!v[i].value) rc = -1;
        const char *t = rc == 0 ? compose_subst_str(c, mode == H_PATTERN ? pat : "{status}", v, sizeof v / sizeof *v) : NULL;
        if (rc == 0 && !t) rc = -1;
        if (rc == 0 && !str_empty(t) && !compose_body_block(c, "status", t)) rc = -1;
    }
    buf_free(&list);
    buf_free(&st);
    return rc;
}

/* 累计涉及街道26个（次）、社区（村）79个（次）: summed over several inspections
 * the figures are visits, so they say （次）; from one inspection alone they
 * read like the preamble (12个街道).
 *
 * The clause cannot grow without bound, however the scope is worded from
 * one issue to the next (issue 18): counts whose what and unit are the same
 * once white space is dropped and full-width ASCII folded (utf8_fold_into;
 * a what's closing punctuation aside) are one entry, their totals summed;
 * at most history-scope-max entries are named (default SCOPE_MAX), in order
 * of first appearance, and a list cut short ends with 等.  0 leaves the scope
 * out of the statistics. */
#define SCOPE_MAX 6

/* The folded key of a scope entry, into k (reset first). */
static void scope_key(const model_history_scope *x, buf *k) {
    buf_reset(k);
    size_t n = compose_stripped_len(x->what);
    char *what = strndup(x->what, n);
    if (!what) {
        k->oom = 1;
        return;
    }
    utf8_fold_into(k, what);
    free(what);
    buf_add(k, "\x1f", 1);
    utf8_fold_into(k, x->unit);
    buf_cstr(k);
}

/* history-scope-max: a whole number (template.c checks it). */
static size_t scope_max(const compose_ctx *c) {
    const char *w = compose_word(c, "history-scope-max", NULL);
    if (str_empty(w)) return SCOPE_MAX;
    char *end;
    long v = strtol(w, &end, 10);
    return *end || v < 0 ? SCOPE_MAX : (size_t)v;
}

typedef struct {
    const model_history_scope *first;   /* the first entry of the group */
    char *key;
    long total;
    int members;
} scope_group;

static void scope_list(const compose_ctx *c, const model_history *h, buf *o) {
    size_t cap = scope_max(c), n = 0;
    int several = 0, more = 0;
    scope_group *g = cap ? calloc(cap, sizeof *g) : NULL;
    buf k;
    buf_init(&k);
    if (cap && !g) o->oom = 1;
    for (size_t i = 0; g && !o->oom && i < h->n_scope; i++) {
        const model_history_scope *x = &h->scope[i];
        if (x->total <= 0 || str_empty(x->what)) continue;
        if (x->rounds > 1) several = 1;
        scope_key(x, &k);
        if (k.oom) {
            o->oom = 1;
            break;
        }
        size_t j = 0;
        while (j < n && strcmp(g[j].key, k.data)) j++;
        if (j == n && n == cap) {
            more = 1;   /* past the cap: only that there is more */
            continue;
        }
        if (j == n) {
            g[n].first = x;
            if (!(g[n].key = strdup(k.data))) {
                o->oom = 1;
                break;
            }
            n++;
        }
        g[j].total += x->total;
        if (++g[j].members > 1) several = 1;
    }
    for (size_t j = 0; !o->oom && j < n; j++) {
        const model_history_scope *x = g[j].first;
        if (j) buf_puts(o, "、");
        const char *unit = x->unit ? x->unit : "";
        if (several) {
            buf_add(o, x->what, compose_stripped_len(x->what));
            buf_printf(o, "%ld%s%s", g[j].total, unit, *unit ? "（次）" : "次");
        } else {
            buf_printf(o, "%ld%s", g[j].total, unit);
            buf_add(o, x->what, compose_stripped_len(x->what));
        }
    }
    if (n && more) buf_puts(o, "等");
    for (size_t j = 0; j < n; j++) free(g[j].key);
    free(g);
    buf_free(&k);
}

/* Officialese lists ranks from the most senior down and outcomes from the
 * heaviest down (立案审查…, 党纪处分…, …, 提醒谈话); names it does not know
 * keep their order of first appearance, after the known ones. */
static int rank_order(const char *name) {
    static const char *const seq[] = {"省部级", "厅局级", "县处级", "乡科级", "一般干部", "村"};
    for (int i = 0; i < (int)(sizeof seq / sizeof *seq); i++)
        if (strstr(name, seq[i])) return i;
    return 99;
}

static int kind_order(const char *name) {
    static const char *const seq[] = {"立案审查", "党纪处分", "政务处分", "组织处理", "诫勉",
                                      "通报批评", "批评教育", "提醒谈话"};
    for (int i = 0; i < (int)(sizeof seq / sizeof *seq); i++)
        if (strcmp(name, seq[i]) == 0) return i;
    return 99;
}

/* "乡科级领导干部3人、村（社区）干部4人"; kind 其他 is not named (it says
 * nothing a reader could count). */
static void count_list(const model_history_count *xs, size_t n, int (*order)(const char *), buf *o) {
    int k = 0;
    for (int rank = 0; rank <= 99; rank++)
        for (size_t i = 0; i < n; i++) {
            if (xs[i].n <= 0 || str_empty(xs[i].name) || strcmp(xs[i].name, "其他") == 0) continue;
            if (order(xs[i].name) != rank) continue;
            if (k++) buf_puts(o, "、");
            buf_printf(o, "%s%ld人", xs[i].name, xs[i].n);
        }
}

/* Clause groups of the default 截至目前 sentence, each group's clauses
 * joined by ，and the groups by ；(an empty clause or group drops out):
 *   共开展督查3轮，累计涉及街道26个（次）、…，发现问题66个（含重复通报6个），
 *   已整改27个，逾期未整改5个；印发督查通报3期，典型案例通报1期4起7人；问责党组织1个、
 *   党员干部7人，其中乡科级领导干部3人、村（社区）干部4人，诫勉1人、通报批评2人
 * A wenze (问责通报) keeps to the cases and accountability. */
enum { STATS_FINDINGS = 1, STATS_BULLETINS = 2, STATS_ACCOUNTABILITY = 4, STATS_ALL = 7 };

static void stats_clauses(compose_ctx *c, const model_history *h, const char *scope, const char *ranks,
                          const char *kinds, unsigned want, const char *bulletin_name, buf *o) {
    int cases_only = c->kind == COMPOSE_WENZE;
    int groups = 0, clauses = 0;
#define GROUP() (clauses = 0)
#define CLAUSE() buf_puts(o, clauses++ ? "，" : groups++ ? "；" : "")
    GROUP();
    if (!cases_only && (want & STATS_FINDINGS)) {
        if (h->inspections > 0) {
            CLAUSE();
            buf_printf(o, "共开展%s%ld轮", compose_word(c, "method-default", "督查"), h->inspections);
        }
        if (*scope) {
            CLAUSE();
            buf_puts(o, h->inspections > 1 ? "累计涉及" : "涉及");
            buf_puts(o, scope);
        }
        if (h->findings > 0) {
            CLAUSE();
            buf_printf(o, "发现问题%ld个", h->findings);
            if (h->repeats > 0 && h->recurring > 0)
                buf_printf(o, "（含重复通报%ld个，其中整改后复发%ld个）", h->repeats, h->recurring);
            else if (h->repeats > 0) buf_printf(o, "（含重复通报%ld个）", h->repeats);
        }
        if (h->done > 0) {
            CLAUSE();
            buf_printf(o, "已整改%ld个", h->done);
        }
        if (h->overdue > 0) {
            CLAUSE();
            buf_printf(o, "逾期未整改%ld个", h->overdue);
        }
    }
    GROUP();
    if (!cases_only && h->bulletins > 0 && (want & STATS_BULLETINS)) {
        CLAUSE();
        buf_printf(o, "印发%s%ld期", bulletin_name, h->bulletins);
    }
    if (h->case_bulletins > 0 && h->cases > 0 && (want & STATS_BULLETINS)) {
        CLAUSE();
        buf_printf(o, "%s典型案例通报%ld期%ld起", cases_only ? "共印发" : "", h->case_bulletins, h->cases);
        if (h->people > 0) buf_printf(o, "%ld人", h->people);
    }
    GROUP();
    if ((h->people > 0 || h->orgs > 0) && (want & STATS_ACCOUNTABILITY)) {
        CLAUSE();
        buf_puts(o, "问责");
        if (h->orgs > 0) buf_printf(o, "党组织%ld个%s", h->orgs, h->people > 0 ? "、" : "");
        if (h->people > 0) buf_printf(o, "党员干部%ld人", h->people);
        if (h->people > 0 && (*ranks || *kinds)) {
            buf_puts(o, "，其中");
            buf_puts(o, ranks);
            if (*ranks && *kinds) buf_puts(o, "，");
            buf_puts(o, kinds);
        }
    }
#undef GROUP
#undef CLAUSE
}

/* The {stats} clause for an item's <stats/> (compose_items.c): all of it,
 * or one group (part = findings, bulletins, accountability).  A quoted
 * series' bulletins are named by the wording key quoted-bulletin-name
 * (default 督查通报), the bulletin's own series' as for history-stats. */
int compose_history_clause(compose_ctx *c, const model_history *h, const char *part, int quoted, buf *out) {
    unsigned want = STATS_ALL;
    if (part) want = !strcmp(part, "findings") ? STATS_FINDINGS : !strcmp(part, "bulletins") ? STATS_BULLETINS
                                                                                           : STATS_ACCOUNTABILITY;
    buf scope, ranks, kinds;
    buf_init(&scope);
    buf_init(&ranks);
    buf_init(&kinds);
    scope_list(c, h, &scope);
    count_list(h->by_rank, h->n_by_rank, rank_order, &ranks);
    count_list(h->by_kind, h->n_by_kind, kind_order, &kinds);
    const char *sc = buf_cstr(&scope), *rs = buf_cstr(&ranks), *ks = buf_cstr(&kinds);
    int rc = sc && rs && ks ? 0 : compose_oom(c);
    if (rc == 0) {
        const char *name = quoted ? compose_word(c, "quoted-bulletin-name", "督查通报")
                                  : compose_word(c, "history-bulletin-name",
                                                 c->kind == COMPOSE_JIANBAO ? "简报" : "督查通报");
        stats_clauses(c, h, sc, rs, ks, want, name, out);
        if (out->oom) rc = compose_oom(c);
    }
    buf_free(&scope);
    buf_free(&ranks);
    buf_free(&kinds);
    return rc;
}

int compose_history_stats(compose_ctx *c) {
    const model_history *h = c->b->history;
    const char *pat;
    /* a bulletin made only of items reports no inspections: running
     * totals of the series are for items to quote (<stats/>), not a
     * paragraph of their own */
    int own = c->b->n_categories > 0 || c->b->has_cases;
    int mode = history_mode(c, "history-stats", c->kind != COMPOSE_ZHENGGAI && own, &pat);
    /* The first bulletin of a series has no "so far" beyond itself. */
    if (mode == H_OFF || h->earlier <= 0) return 0;
    buf scope, ranks, kinds, clauses;
    buf_init(&scope);
    buf_init(&ranks);
    buf_init(&kinds);
    buf_init(&clauses);
    scope_list(c, h, &scope);
    count_list(h->by_rank, h->n_by_rank, rank_order, &ranks);
    count_list(h->by_kind, h->n_by_kind, kind_order, &kinds);
    const char *sc = buf_cstr(&scope), *rs = buf_cstr(&ranks), *ks = buf_cstr(&kinds);
    int rc = sc && rs && ks ? 0 : compose_oom(c);
    if (rc == 0)
        stats_clauses(c, h, sc, rs, ks, STATS_ALL, compose_word(c, "history-bulletin-name",
                      c->kind == COMPOSE_JIANBAO ? "简报" : "督查通报"), &clauses);
    const char *cs = rc == 0 ? buf_cstr(&clauses) : NULL;
    if (rc == 0 && !cs) rc = compose_oom(c);
    if (rc == 0 && (*cs || mode == H_PATTERN)) {
        char today[64];
        history_date(c, h->today, today, sizeof today);
        compose_var v[] = {{"stats", cs},
                   {"rounds", num_var(c, h->inspections)},
                   {"scope", sc},
                   {"findings", num_var(c, h->findings)},
                   {"repeats", num_var(c, h->repeats)},
                   {"recurring", num_var(c, h->recurring)},
                   {"done", num_var(c, h->done)},
                   {"open", num_var(c, h->open)},
                   {"overdue", num_var(c, h->overdue)},
                   {"bulletins", num_var(c, h->bulletins)},
                   {"case-bulletins", num_var(c, h->case_bulletins)},
                   {"cases", num_var(c, h->cases)},
                   {"people", num_var(c, h->people)},
                   {"orgs", num_var(c, h->orgs)},
                   {"ranks", rs},
                   {"kinds", ks},
                   {"date", today}};
        for (size_t i = 0; i < sizeof v / sizeof *v; i++)
            if (!v[i].value) rc = -1;
        const char *t = rc == 0 ? compose_subst_str(c, mode == H_PATTERN ? pat : "截至目前，{stats}。", v,
                                            sizeof v / sizeof *v) : NULL;
        if (rc == 0 && !t) rc = -1;
        if (rc == 0 && !str_empty(t) && !compose_body_block(c, "statistics", t)) rc = -1;
    }
    buf_free(&scope);
    buf_free(&ranks);
    buf_free(&kinds);
    buf_free(&clauses);
    return rc;
}

