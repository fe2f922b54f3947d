/* store_stats.c — cumulative statistics of a series (rounds, findings,
 * repeats, open/done/overdue, cases and their outcomes, scope sums) and the
 * memo that keeps them cheap inside store_reserve.  Part of the store
 * module (store_int.h). */
#define _POSIX_C_SOURCE 200809L
#include "date.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- statistics ------------------------------------------------------------------ */
static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int store_outcome_is_org(const char *person, const char *rank) {
    /* A rank says "this is a cadre"; only rank-less outcomes can be about a
     * body.  Persons are written as "…书记王某" or a name, which never end
     * in these words. */
    static const char *const org_tail[] = {
        "党委", "党工委", "党组", "支部", "委员会", "班子", "街道", "办事处", "政府",
        "局", "委", "办", "厅", "室", "部", "组", "队", "所", "站", "院", "中心",
        "公司", "社区", "村", "镇", "乡",
    };
    if (!str_empty(rank) || str_empty(person)) return 0;
    /* trailing blanks were trimmed by the parser; be safe with callers */
    size_t n = strlen(person);
    while (n > 0 && (person[n - 1] == ' ' || person[n - 1] == '\t')) n--;
    char tmp[512];
    if (n >= sizeof tmp) n = sizeof tmp - 1;
    memcpy(tmp, person, n);
    tmp[n] = 0;
    for (size_t i = 0; i < sizeof org_tail / sizeof org_tail[0]; i++)
        if (ends_with(tmp, org_tail[i])) return 1;
    return 0;
}

/* Add n to the count called name in *arr, appending it (copied into a) the
 * first time.  The arrays hold a handful of ranks or kinds, so a fresh copy
 * per new name costs nothing and needs no capacity bookkeeping. */
static int tally(arena *a, store_stat_count **arr, size_t *len, const char *name, long n) {
    for (size_t i = 0; i < *len; i++)
        if (strcmp((*arr)[i].name, name) == 0) {
            (*arr)[i].n += n;
            return 0;
        }
    store_stat_count *grown = arena_alloc(a, (*len + 1) * sizeof *grown);
    const char *copy = arena_strdup(a, name);
    if (!grown || !copy) return -1;
    if (*len) memcpy(grown, *arr, *len * sizeof *grown);
    grown[*len] = (store_stat_count){copy, n};
    *arr = grown;
    (*len)++;
    return 0;
}

/* Is this case's `person` a body?  Only when none of their outcomes in the
 * case gives a rank and the name reads as one. */
static int case_person_is_org(const model_outcome *o, size_t n, const char *person) {
    if (str_empty(person)) return 0;
    for (size_t k = 0; k < n; k++)
        if (str_eq(o[k].person, person) && !str_empty(o[k].rank)) return 0;
    return store_outcome_is_org(person, NULL);
}

int store_stats_add_case(store_stats *st, arena *a, const model_outcome *o, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *person = o[i].person;
        int named = !str_empty(person);
        /* the person's first outcome in this case (unnamed ones stand alone) */
        size_t first = i;
        for (size_t k = 0; named && k < i; k++)
            if (str_eq(o[k].person, person)) { first = k; break; }
        if (case_person_is_org(o, n, person)) {
            if (first == i) st->orgs++;
            continue;
        }
        if (first == i) {
            st->people++;
            for (size_t k = i; k < n; k++)
                if ((k == i || (named && str_eq(o[k].person, person))) && !str_empty(o[k].rank)) {
                    if (tally(a, &st->by_rank, &st->n_by_rank, o[k].rank, 1) < 0) return -1;
                    break;
                }
        }
        if (str_empty(o[i].kind)) continue;
        int kind_seen = 0;
        for (size_t k = first; named && k < i && !kind_seen; k++)
            kind_seen = str_eq(o[k].person, person) && str_eq(o[k].kind, o[i].kind);
        if (!kind_seen && tally(a, &st->by_kind, &st->n_by_kind, o[i].kind, 1) < 0) return -1;
    }
    return 0;
}

/* A one-off statistics query whose only parameter (?1) is the series id:
 * prepared and bound, or NULL with e filled. */
static sqlite3_stmt *series_stmt(store *s, const char *sql, sqlite3_int64 series_id, const char *doing, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        store_fail(s, rc, doing, e);
        return NULL;
    }
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, series_id);
    if (bd.rc != SQLITE_OK) {
        store_fail(s, bd.rc, doing, e);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Feed outcome rows (case_id, person, rank, kind: a case's rows together,
 * the cases in order) to store_stats_add_case one case at a time (cases
 * are few next to findings; the rules are easier to keep identical in C
 * than to mirror in SQL).  The caller owns and resets st. */
static int case_rows(store *s, sqlite3_stmt *st, arena *a, store_stats *out, err *e) {
    const char *doing = "computing statistics";
    int r = 1;
    /* one case's outcomes, copied out of the statement (a scratch arena) */
    arena *scratch = arena_new();
    model_outcome *cur = NULL;
    size_t n = 0, cap = 0;
    sqlite3_int64 case_id = -1;
    int bad = !scratch;
    while (r > 0 && !bad && (r = store_next_row(s, st, doing, e)) > 0) {
        sqlite3_int64 cid = sqlite3_column_int64(st, 0);
        if (cid != case_id && n) {
            if (store_stats_add_case(out, a, cur, n) < 0) bad = 1;
            n = 0;
        }
        case_id = cid;
        if (bad || arena_grow(scratch, (void **)&cur, &cap, n, sizeof *cur) < 0) {
            bad = 1;
            break;
        }
        cur[n] = (model_outcome){NULL, store_col_dup(scratch, st, 1, &bad), store_col_dup(scratch, st, 2, &bad),
                                 store_col_dup(scratch, st, 3, &bad), NULL};
        n++;
    }
    if (r >= 0 && !bad && n && store_stats_add_case(out, a, cur, n) < 0) bad = 1;
    arena_free(scratch);
    if (r < 0) return -1;
    return bad ? store_oom(s, e) : 0;
}

/* People, organisations, ranks and kinds of every recorded case of a
 * series. */
static int case_stats(store *s, sqlite3_int64 series_id, arena *a, store_stats *out, err *e) {
    static const char sql[] =
        "SELECT o.case_id, o.person, o.rank, o.kind FROM outcome o "
        "JOIN case_ c ON c.id = o.case_id JOIN bulletin b ON b.id = c.bulletin_id "
        "WHERE b.series_id = ?1 ORDER BY b.year, b.issue_no, c.seq, o.seq";
    sqlite3_stmt *st = series_stmt(s, sql, series_id, "computing statistics", e);
    if (!st) return -1;
    int r = case_rows(s, st, a, out, e);
    sqlite3_finalize(st);
    return r;
}

/* Equal as GROUP BY on a TEXT column sees it: the same bytes, or both NULL. */
static int same_group(const char *x, const char *y) {
    return x && y ? strcmp(x, y) == 0 : x == y;
}

/* Scope rows (what, unit, total, rounds, …), in order of first appearance,
 * into out->scope: a (what, unit) already there is added to, a new one is
 * appended. */
static int scope_rows(store *s, sqlite3_stmt *st, arena *a, store_stats *out, size_t *cap, err *e) {
    const char *doing = "computing statistics";
    int r = 1, bad = 0;
    while (r > 0 && !bad && (r = store_next_row(s, st, doing, e)) > 0) {
        const char *what = store_col_text(st, 0), *unit = store_col_text(st, 1);
        long total = (long)sqlite3_column_int64(st, 2), rounds = (long)sqlite3_column_int64(st, 3);
        size_t k = 0;
        while (k < out->n_scope &&
               !(same_group(out->scope[k].what, what) && same_group(out->scope[k].unit, unit)))
            k++;
        if (k == out->n_scope) {
            if (arena_grow(a, (void **)&out->scope, cap, out->n_scope, sizeof *out->scope) < 0) {
                bad = 1;
                break;
            }
            out->scope[out->n_scope++] = (store_scope_sum){store_col_dup(a, st, 0, &bad), store_col_dup(a, st, 1, &bad), 0, 0};
        }
        out->scope[k].total += total;
        out->scope[k].rounds += rounds;
    }
    if (r < 0) return -1;
    return bad ? store_oom(s, e) : 0;
}

/* <scope> counts summed per (what, unit) over the series' inspections, in
 * the order they first appeared.  The schema only admits digits there. */
static int scope_sums(store *s, sqlite3_int64 series_id, arena *a, store_stats *out, err *e) {
    static const char sql[] =
        "SELECT sc.what, sc.unit, sum(CAST(trim(sc.number) AS INTEGER)), "
        "count(DISTINCT sc.bulletin_id), min(b.year * 100000000 + b.issue_no * 1000 + sc.seq) AS f "
        "FROM scope_count sc JOIN bulletin b ON b.id = sc.bulletin_id "
        "WHERE b.series_id = ?1 AND b.has_inspection GROUP BY sc.what, sc.unit ORDER BY f";
    sqlite3_stmt *st = series_stmt(s, sql, series_id, "computing statistics", e);
    if (!st) return -1;
    size_t cap = 0;
    int r = scope_rows(s, st, a, out, &cap, e);
    sqlite3_finalize(st);
    return r;
}

/* Open findings with a deadline before day: counted afresh on every call
 * (the memo cannot keep it: it depends on the day). */
static int count_overdue(store *s, sqlite3_int64 series_id, const char *day, long long *n, err *e) {
    sqlite3_stmt *st = store_stmt(s, Q_ST_OVERDUE, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, series_id);
    store_bind_text(&bd, 2, day);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "computing statistics", e)
                               : store_fail(s, bd.rc, "computing statistics", e);
    *n = r > 0 ? sqlite3_column_int64(st, 0) : 0;
    store_stmt_done(st);
    return r < 0 ? -1 : 0;
}

/* ---- the statistics memo of store_reserve -----------------------------------
 * store_reserve calls prepare, and prepare store_series_stats, once per
 * item, with the items before it recorded provisionally.  Counted from
 * scratch, every call reads the whole series — every bulletin row, every
 * open finding, every scope count — so a batch of n bulletins in one
 * series costs O(n²): 5 of the 6.5 ms per bulletin of reserving 1,000 at
 * once, all of it on the main thread before the first render starts.
 * Inside one reservation the store sees every write (record() is the only
 * writer, the hooks may not write), so it keeps each series' figures from
 * the first full count and adds every bulletin it records provisionally,
 * running the same queries restricted to that bulletin (Q_BST_*): the
 * same figures, the rules still in one place.  Two things are not added
 * up: overdue depends on the day asked about and is counted afresh each
 * time (a range of the small partial index of open findings); and a
 * bulletin that does not sort after every recorded one of its series (an
 * issue="N" back-fill, an older year) would change the order of first
 * appearance, so that series' memo is dropped and the next call counts
 * from scratch.  The memo lives from store_reserve's BEGIN to its ROLLBACK. */

static stats_memo *memo_find(store *s, sqlite3_int64 series_id) {
    for (size_t k = 0; k < s->n_memo; k++)
        if (s->memo[k].series_id == series_id) return &s->memo[k];
    return NULL;
}

static void memo_drop(store *s, stats_memo *m) {
    arena_free(m->a);
    *m = s->memo[--s->n_memo];
}

void store_memo_free(store *s) {
    for (size_t k = 0; k < s->n_memo; k++) arena_free(s->memo[k].a);
    free(s->memo);
    s->memo = NULL;
    s->n_memo = s->cap_memo = 0;
    s->reserving = 0;
}

/* *dst = *src, with the arrays and names copied into a. */
static int stats_copy(store_stats *dst, const store_stats *src, arena *a) {
    *dst = *src;
    dst->by_rank = src->n_by_rank ? arena_alloc(a, src->n_by_rank * sizeof *dst->by_rank) : NULL;
    dst->by_kind = src->n_by_kind ? arena_alloc(a, src->n_by_kind * sizeof *dst->by_kind) : NULL;
    dst->scope = src->n_scope ? arena_alloc(a, src->n_scope * sizeof *dst->scope) : NULL;
    if ((src->n_by_rank && !dst->by_rank) || (src->n_by_kind && !dst->by_kind) || (src->n_scope && !dst->scope))
        return -1;
    int bad = 0;
    for (size_t i = 0; i < src->n_by_rank; i++) {
        dst->by_rank[i] = (store_stat_count){arena_strdup(a, src->by_rank[i].name), src->by_rank[i].n};
        bad |= !dst->by_rank[i].name;
    }
    for (size_t i = 0; i < src->n_by_kind; i++) {
        dst->by_kind[i] = (store_stat_count){arena_strdup(a, src->by_kind[i].name), src->by_kind[i].n};
        bad |= !dst->by_kind[i].name;
    }
    for (size_t i = 0; i < src->n_scope; i++) {
        const store_scope_sum *x = &src->scope[i];
        dst->scope[i] = (store_scope_sum){arena_strdup(a, x->what), arena_strdup(a, x->unit), x->total, x->rounds};
        bad |= (x->what && !dst->scope[i].what) || (x->unit && !dst->scope[i].unit);
    }
    return bad ? -1 : 0;
}

/* Keep a full count of a series (open_all: open findings, overdue ones
 * included).  Out of memory only means no memo. */
static void memo_put(store *s, sqlite3_int64 series_id, const store_stats *st, long open_all) {
    if (s->n_memo == s->cap_memo) {
        size_t cap = s->cap_memo ? 2 * s->cap_memo : 4;
        stats_memo *p = realloc(s->memo, cap * sizeof *p);
        if (!p) return;
        s->memo = p;
        s->cap_memo = cap;
    }
    stats_memo *m = &s->memo[s->n_memo];
    memset(m, 0, sizeof *m);
    if (!(m->a = arena_new()) || stats_copy(&m->st, st, m->a) < 0) {
        arena_free(m->a);
        return;
    }
    m->series_id = series_id;
    m->open_all = open_all;
    m->cap_scope = m->st.n_scope;
    s->n_memo++;
}

/* Run a Q_BST_* statement on bulletin bid. */
static sqlite3_stmt *memo_stmt(store *s, int which, sqlite3_int64 bid, err *e) {
    sqlite3_stmt *st = store_stmt(s, which, e);
    if (!st) return NULL;
    int rc = sqlite3_bind_int64(st, 1, bid);
    if (rc != SQLITE_OK) {
        store_fail(s, rc, "computing statistics", e);
        store_stmt_done(st);
        return NULL;
    }
    return st;
}

/* store_reserve has just recorded bulletin bid as (year, issue_no) of the
 * series: add it to the series' memo, if there is one. */
int store_memo_note(store *s, sqlite3_int64 series_id, sqlite3_int64 bid, int year, int issue_no, err *e) {
    stats_memo *m = memo_find(s, series_id);
    if (!m) return 0;
    const char *doing = "computing statistics";
    sqlite3_stmt *st = store_stmt(s, Q_LATER_ISSUE, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, series_id);
    store_bind_int(&bd, 2, year);
    store_bind_int(&bd, 3, issue_no);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, doing, e) : store_fail(s, bd.rc, doing, e);
    store_stmt_done(st);
    if (r < 0) return -1;
    if (r > 0) {        /* not the last of its series: count afresh next time */
        memo_drop(s, m);
        return 0;
    }
    if (!(st = memo_stmt(s, Q_BST_ROW, bid, e))) return -1;
    r = store_next_row(s, st, doing, e);
    if (r > 0) {        /* as the totals sum them over the series */
        long long cases = sqlite3_column_int64(st, 3);
        m->st.bulletins++;
        m->st.inspections += (long)sqlite3_column_int64(st, 0);
        m->st.findings += (long)sqlite3_column_int64(st, 1);
        m->st.repeats += (long)sqlite3_column_int64(st, 2);
        m->st.recurring += (long)sqlite3_column_int64(st, 4);
        m->st.case_bulletins += cases > 0;
        m->st.cases += (long)cases;
    }
    store_stmt_done(st);
    if (r == 0) return err_set(e, TB_EINTERNAL, s->path, 0, 0, "internal: a bulletin just recorded is not there");
    if (r < 0) return -1;
    if (!(st = memo_stmt(s, Q_BST_OPEN, bid, e))) return -1;
    r = store_next_row(s, st, doing, e);
    if (r > 0) m->open_all += (long)sqlite3_column_int64(st, 0);
    store_stmt_done(st);
    if (r < 0) return -1;
    if (!(st = memo_stmt(s, Q_BST_CASES, bid, e))) return -1;
    r = case_rows(s, st, m->a, &m->st, e);
    store_stmt_done(st);
    if (r < 0) return -1;
    if (!(st = memo_stmt(s, Q_BST_SCOPE, bid, e))) return -1;
    r = scope_rows(s, st, m->a, &m->st, &m->cap_scope, e);
    store_stmt_done(st);
    return r;
}

int store_series_stats(store *s, const char *series, const char *today,
                       arena *a, store_stats *out, err *e) {
    memset(out, 0, sizeof *out);
    char day[11];
    if (store_norm_today(s, today, day, e) < 0) return -1;
    sqlite3_int64 sid = 0;
    if (!series) return err_set(e, TB_EUSAGE, "", 0, 0, "name a series (--series S)");
    if (store_series_exists(s, series, &sid, e) <= 0) return -1;
    long long overdue;
    stats_memo *m = s->reserving ? memo_find(s, sid) : NULL;
    if (m) {
        if (count_overdue(s, sid, day, &overdue, e) < 0) return -1;
        if (stats_copy(out, &m->st, a) < 0) {
            memset(out, 0, sizeof *out);
            return store_oom(s, e);
        }
        out->overdue = (long)overdue;
        out->open = m->open_all - (long)overdue;
        out->done = m->st.findings - m->open_all;
        return 0;
    }
    /* Totals come from the per-bulletin counters (a short scan of small
     * rows); open and overdue from the small partial index over open
     * findings; done is the rest.  No scan of the whole finding table. */
    static const char totals[] =
        "SELECT count(*), coalesce(sum(has_inspection), 0), coalesce(sum(n_findings), 0), "
        "coalesce(sum(n_repeats), 0), coalesce(sum(n_cases > 0), 0), coalesce(sum(n_cases), 0), "
        "coalesce(sum(n_recurring), 0) FROM bulletin WHERE series_id = ?1";
    static const char open[] =
        "SELECT count(*) FROM finding WHERE series_id = ?1 AND status = 'open'";
    const char *const sqls[] = {totals, open};
    long long v[2][7] = {{0}};
    int ncols[] = {7, 1};
    /* One read transaction so the figures agree with each other. */
    int own_tx = sqlite3_get_autocommit(s->db);
    if (own_tx && store_tx_begin(s, 0, "computing statistics", e) < 0) return -1;
    for (int q = 0; q < 2; q++) {
        sqlite3_stmt *st = series_stmt(s, sqls[q], sid, "computing statistics", e);
        if (!st) goto fail;
        int r = store_next_row(s, st, "computing statistics", e);
        if (r > 0)
            for (int c = 0; c < ncols[q]; c++) v[q][c] = sqlite3_column_int64(st, c);
        sqlite3_finalize(st);
        if (r < 0) goto fail;
    }
    if (count_overdue(s, sid, day, &overdue, e) < 0 || case_stats(s, sid, a, out, e) < 0 ||
        scope_sums(s, sid, a, out, e) < 0)
        goto fail;
    if (own_tx) store_tx_rollback(s);
    out->bulletins = (long)v[0][0];
    out->inspections = (long)v[0][1];
    out->findings = (long)v[0][2];
    out->repeats = (long)v[0][3];
    out->case_bulletins = (long)v[0][4];
    out->cases = (long)v[0][5];
    out->recurring = (long)v[0][6];
    out->overdue = (long)overdue;
    out->open = (long)(v[1][0] - overdue);
    out->done = (long)(v[0][2] - v[1][0]);
    if (s->reserving) memo_put(s, sid, out, (long)v[1][0]);
    return 0;
fail:
    if (own_tx) store_tx_rollback(s);
    return -1;
}
