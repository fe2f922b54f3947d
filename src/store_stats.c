/* store_stats.c — cumulative statistics of a series (rounds, findings,
 * repeats, open/done/overdue, cases and their outcomes, scope sums), two
 * ways: the summary tables kept as the history changes (series_stats,
 * series_stat_name, series_scope: see migration 3 -> 4 in store.c), which
 * issuing reads in a few rows whatever the size of the history; and the
 * recount from the recorded bulletins, findings, cases and scope counts
 * (plain SQL plus the case rules of store_stats_add_case), which fills the
 * summary, rebuilds it on demand and checks it.  Part of the store module
 * (store_int.h). */
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
static void tally(arena *a, store_stat_count **arr, size_t *len, const char *name, long n) {
    for (size_t i = 0; i < *len; i++)
        if (strcmp((*arr)[i].name, name) == 0) {
            (*arr)[i].n += n;
            return;
        }
    store_stat_count *grown = arena_alloc(a, (*len + 1) * sizeof *grown);
    if (*len) memcpy(grown, *arr, *len * sizeof *grown);
    grown[*len] = (store_stat_count){arena_strdup(a, name), n};
    *arr = grown;
    (*len)++;
}

/* Is this case's `person` a body?  Only when none of their outcomes in the
 * case gives a rank and the name reads as one. */
static int case_person_is_org(const model_outcome *o, size_t n, const char *person) {
    if (str_empty(person)) return 0;
    for (size_t k = 0; k < n; k++)
        if (str_eq(o[k].person, person) && !str_empty(o[k].rank)) return 0;
    return store_outcome_is_org(person, NULL);
}

void store_stats_add_case(store_stats *st, arena *a, const model_outcome *o, size_t n) {
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
                    tally(a, &st->by_rank, &st->n_by_rank, o[k].rank, 1);
                    break;
                }
        }
        if (str_empty(o[i].kind)) continue;
        int kind_seen = 0;
        for (size_t k = first; named && k < i && !kind_seen; k++)
            kind_seen = str_eq(o[k].person, person) && str_eq(o[k].kind, o[i].kind);
        if (!kind_seen) tally(a, &st->by_kind, &st->n_by_kind, o[i].kind, 1);
    }
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
    int bad = 0;
    while (r > 0 && !bad && (r = store_next_row(s, st, doing, e)) > 0) {
        sqlite3_int64 cid = sqlite3_column_int64(st, 0);
        if (cid != case_id && n) {
            store_stats_add_case(out, a, cur, n);
            n = 0;
        }
        case_id = cid;
        arena_grow(scratch, (void **)&cur, &cap, n, sizeof *cur);
        cur[n] = (model_outcome){NULL, store_col_dup(scratch, st, 1, &bad), store_col_dup(scratch, st, 2, &bad),
                                 store_col_dup(scratch, st, 3, &bad), NULL};
        n++;
    }
    if (r >= 0 && !bad && n) store_stats_add_case(out, a, cur, n);
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
            arena_grow(a, (void **)&out->scope, cap, out->n_scope, sizeof *out->scope);
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

/* Open findings with a deadline before day: counted on every call, from
 * the partial index of open findings (the summary cannot keep it: it
 * depends on the day asked about).  The recount counts them. */
static int count_q(store *s, int which, sqlite3_int64 series_id, const char *day, long long cap, long long *n,
                   err *e) {
    sqlite3_stmt *st = store_stmt(s, which, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, series_id);
    store_bind_text(&bd, 2, day);
    if (which != Q_ST_OVERDUE) store_bind_int(&bd, 3, cap);
    int r = bd.rc == SQLITE_OK ? store_next_row(s, st, "computing statistics", e)
                               : store_fail(s, bd.rc, "computing statistics", e);
    *n = r > 0 ? sqlite3_column_int64(st, 0) : 0;
    store_stmt_done(st);
    return r < 0 ? -1 : 0;
}
static int count_overdue(store *s, sqlite3_int64 series_id, const char *day, long long *n, err *e) {
    return count_q(s, Q_ST_OVERDUE, series_id, day, 0, n, e);
}

/* The summary's reading: of its open_all open findings, the overdue ones,
 * counting whichever side is smaller (store.c, Q_ST_OVERDUE_UPTO): each
 * side up to a cap growing fourfold, so the cost follows the smaller side,
 * not the history.  The side not due gets four times the cap: in a long
 * history it is the small one (findings in their rectification window),
 * while a first cap of 256 overdue finds "none or few" at once. */
static int count_overdue_fast(store *s, sqlite3_int64 series_id, const char *day, long long open_all, long long *n,
                              err *e) {
    for (long long cap = 256;; cap *= 4) {
        long long c;
        if (count_q(s, Q_ST_OVERDUE_UPTO, series_id, day, cap, &c, e) < 0) return -1;
        if (c < cap) {
            *n = c;
            return 0;
        }
        if (count_q(s, Q_ST_NOT_DUE_UPTO, series_id, day, 4 * cap, &c, e) < 0) return -1;
        if (c < 4 * cap) {
            *n = open_all - c;
            return 0;
        }
    }
}

/* What both readings of the statistics begin with: OUT zeroed, TODAY
 * normalised into DAY (the real date when NULL), SERIES named and known. */
static int stats_start(store *s, const char *series, const char *today, char day[11], sqlite3_int64 *sid,
                       store_stats *out, err *e) {
    memset(out, 0, sizeof *out);
    if (store_norm_today(s, today, day, e) < 0) return -1;
    if (!series) return err_set(e, TB_EUSAGE, "", 0, 0, "name a series (--series S)");
    return store_series_exists(s, series, sid, e) <= 0 ? -1 : 0;
}

/* ---- the recount --------------------------------------------------------------- */
int store_series_stats_recount(store *s, const char *series, const char *today,
                               arena *a, store_stats *out, err *e) {
    char day[11];
    sqlite3_int64 sid = 0;
    if (stats_start(s, series, today, day, &sid, out, e) < 0) return -1;
    /* Totals from the bulletin rows' counters, open findings from the
     * partial index over them, done the rest; cases and scope counts
     * from their rows. */
    static const char totals[] =
        "SELECT count(*), coalesce(sum(has_inspection), 0), coalesce(sum(n_findings), 0), "
        "coalesce(sum(n_repeats), 0), coalesce(sum(n_cases > 0), 0), coalesce(sum(n_cases), 0), "
        "coalesce(sum(n_recurring), 0) FROM bulletin WHERE series_id = ?1";
    static const char open[] =
        "SELECT count(*) FROM finding WHERE series_id = ?1 AND status = 'open'";
    const char *const sqls[] = {totals, open};
    long long v[2][7] = {{0}}, overdue;
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
    return 0;
fail:
    if (own_tx) store_tx_rollback(s);
    return -1;
}

/* ---- the summary: reading ------------------------------------------------------ */
int store_series_stats(store *s, const char *series, const char *today,
                       arena *a, store_stats *out, err *e) {
    char day[11];
    sqlite3_int64 sid = 0;
    if (stats_start(s, series, today, day, &sid, out, e) < 0) return -1;
    const char *doing = "computing statistics";
    int own_tx = sqlite3_get_autocommit(s->db);
    if (own_tx && store_tx_begin(s, 0, doing, e) < 0) return -1;
    long long open_all = 0, overdue = 0;
    int bad = 0, r;
    sqlite3_stmt *st = store_stmt(s, Q_SUM_ROW, e);
    if (!st || (r = sqlite3_bind_int64(st, 1, sid)) != SQLITE_OK) {
        if (st) store_fail(s, r, doing, e);
        goto fail;
    }
    /* no row: a series without a bulletin (all figures 0) */
    if ((r = store_next_row(s, st, doing, e)) > 0) {
        long *f[] = {&out->bulletins, &out->inspections, &out->findings, &out->repeats, &out->recurring,
                     &out->case_bulletins, &out->cases, &out->people, &out->orgs};
        for (int c = 0; c < 9; c++) *f[c] = (long)sqlite3_column_int64(st, c);
        open_all = sqlite3_column_int64(st, 9);
    }
    store_stmt_done(st);
    if (r < 0) goto fail;

    size_t cap_rank = 0, cap_kind = 0, cap_scope = 0;
    if (!(st = store_stmt(s, Q_SUM_NAMES, e))) goto fail;
    if ((r = sqlite3_bind_int64(st, 1, sid)) != SQLITE_OK) {
        store_fail(s, r, doing, e);
        store_stmt_done(st);
        goto fail;
    }
    while (!bad && (r = store_next_row(s, st, doing, e)) > 0) {
        int rank = str_eq(store_col_text(st, 0), "rank");
        store_stat_count **arr = rank ? &out->by_rank : &out->by_kind;
        size_t *n = rank ? &out->n_by_rank : &out->n_by_kind;
        arena_grow(a, (void **)arr, rank ? &cap_rank : &cap_kind, *n, sizeof **arr);
        (*arr)[(*n)++] = (store_stat_count){store_col_dup(a, st, 1, &bad), (long)sqlite3_column_int64(st, 2)};
    }
    store_stmt_done(st);
    if (r < 0) goto fail;
    if (!bad && !(st = store_stmt(s, Q_SUM_SCOPE, e))) goto fail;
    if (!bad && (r = sqlite3_bind_int64(st, 1, sid)) != SQLITE_OK) {
        store_fail(s, r, doing, e);
        store_stmt_done(st);
        goto fail;
    }
    while (!bad && (r = store_next_row(s, st, doing, e)) > 0) {
        arena_grow(a, (void **)&out->scope, &cap_scope, out->n_scope, sizeof *out->scope);
        out->scope[out->n_scope++] = (store_scope_sum){store_col_dup(a, st, 0, &bad), store_col_dup(a, st, 1, &bad),
                                                       (long)sqlite3_column_int64(st, 2),
                                                       (long)sqlite3_column_int64(st, 3)};
    }
    if (!bad) store_stmt_done(st);
    if (bad) {
        store_stmt_done(st);
        store_oom(s, e);
        goto fail;
    }
    if (r < 0 || count_overdue_fast(s, sid, day, open_all, &overdue, e) < 0) goto fail;
    if (own_tx) store_tx_rollback(s);
    out->overdue = (long)overdue;
    out->open = (long)(open_all - overdue);
    out->done = out->findings - (long)open_all;
    return 0;
fail:
    if (own_tx) store_tx_rollback(s);
    memset(out, 0, sizeof *out);
    return -1;
}

/* ---- the summary: adding a bulletin ------------------------------------------ */
/* Where a name (a rank, a kind) or a scope entry first appeared, as one
 * number that sorts like (year, issue, position, index): the names in the
 * order the recount meets them. */
static long long first_key(int year, int issue_no, long long pos, long long idx) {
    if (issue_no < 0) issue_no = 0;
    if (issue_no > 99999) issue_no = 99999;
    if (pos > 99999) pos = 99999;
    if (idx > 999) idx = 999;
    return (((long long)year * 100000 + issue_no) * 100000 + pos) * 1000 + idx;
}

/* One case's share (its outcomes o[0..n), the case at position case_seq of
 * bulletin (year, issue_no)): counted by store_stats_add_case on its own,
 * which is how the recount counts it, and added to the summary. */
static int note_case(store *s, sqlite3_int64 series_id, int year, int issue_no, long long case_seq,
                     const model_outcome *o, size_t n, err *e) {
    const char *doing = "recording the statistics";
    if (!n) return 0;
    arena *a = arena_new();
    store_stats one;
    memset(&one, 0, sizeof one);
    store_stats_add_case(&one, a, o, n);
    sqlite3_stmt *st = store_stmt(s, Q_SUM_PEOPLE, e);
    int r = st ? 0 : -1;
    if (st) {
        store_binder bd = {st, SQLITE_OK};
        store_bind_int(&bd, 1, series_id);
        store_bind_int(&bd, 2, one.people);
        store_bind_int(&bd, 3, one.orgs);
        r = store_run(s, st, bd.rc, doing, e);
    }
    for (int k = 0; r == 0 && k < 2; k++) {
        const store_stat_count *arr = k ? one.by_kind : one.by_rank;
        size_t m = k ? one.n_by_kind : one.n_by_rank;
        for (size_t i = 0; r == 0 && i < m; i++) {
            if (!(st = store_stmt(s, Q_SUM_NAME_ADD, e))) {
                r = -1;
                break;
            }
            store_binder bd = {st, SQLITE_OK};
            store_bind_int(&bd, 1, series_id);
            store_bind_text(&bd, 2, k ? "kind" : "rank");
            store_bind_text(&bd, 3, arr[i].name);
            store_bind_int(&bd, 4, arr[i].n);
            store_bind_int(&bd, 5, first_key(year, issue_no, case_seq, (long long)i));
            r = store_run(s, st, bd.rc, doing, e);
        }
    }
    arena_free(a);
    return r;
}

/* Add one (what, unit) entry of a bulletin's scope counts: total, one
 * more round, and where it appeared if that is earlier. */
static int note_scope_entry(store *s, sqlite3_int64 series_id, const char *what, const char *unit,
                            long long total, long long first, err *e) {
    const char *doing = "recording the statistics";
    sqlite3_stmt *st = store_stmt(s, Q_SUM_SCOPE_ADD, e);
    if (!st) return -1;
    store_binder bd = {st, SQLITE_OK};
    store_bind_int(&bd, 1, series_id);
    store_bind_text(&bd, 2, what);
    store_bind_text(&bd, 3, unit);
    store_bind_int(&bd, 4, total);
    store_bind_int(&bd, 5, first);
    if (store_run(s, st, bd.rc, doing, e) < 0) return -1;
    if (sqlite3_changes(s->db) > 0) return 0;
    if (!(st = store_stmt(s, Q_SUM_SCOPE_NEW, e))) return -1;
    bd = (store_binder){st, SQLITE_OK};
    store_bind_int(&bd, 1, series_id);
    store_bind_text(&bd, 2, what);
    store_bind_text(&bd, 3, unit);
    store_bind_int(&bd, 4, total);
    store_bind_int(&bd, 5, first);
    return store_run(s, st, bd.rc, doing, e);
}

int store_stats_note(store *s, const model_bulletin *b, sqlite3_int64 series_id, sqlite3_int64 bid,
                     int year, int issue_no, err *e) {
    const char *doing = "recording the statistics";
    if (b->has_inspection && b->n_counts) {
        /* The bulletin's scope counts as the recount groups them: per
         * (what, unit), summed, in order of first appearance. */
        typedef struct {
            char *what, *unit;
            long long total, seq;
        } entry;
        sqlite3_stmt *st = store_stmt(s, Q_BST_SCOPE, e);
        if (!st) return -1;
        int r = sqlite3_bind_int64(st, 1, bid);
        if (r != SQLITE_OK) {
            store_stmt_done(st);
            return store_fail(s, r, doing, e);
        }
        /* copied out first: the statement is not reentrant with the updates */
        arena *a = arena_new();
        entry *es = NULL;
        size_t n = 0, cap = 0;
        int bad = !a;
        while (!bad && (r = store_next_row(s, st, doing, e)) > 0) {
            arena_grow(a, (void **)&es, &cap, n, sizeof *es);
            es[n++] = (entry){(char *)store_col_dup(a, st, 0, &bad), (char *)store_col_dup(a, st, 1, &bad),
                              sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 4)};
        }
        store_stmt_done(st);
        if (bad) {
            arena_free(a);
            return store_oom(s, e);
        }
        for (size_t i = 0; r >= 0 && i < n; i++)
            if (note_scope_entry(s, series_id, es[i].what, es[i].unit, es[i].total,
                                 (long long)year * 100000000 + (long long)issue_no * 1000 + es[i].seq, e) < 0)
                r = -1;
        arena_free(a);
        if (r < 0) return -1;
    }
    size_t n_cases = b->has_cases ? b->n_cases : 0;
    for (size_t i = 0; i < n_cases; i++)
        if (note_case(s, series_id, year, issue_no, (long long)i + 1, b->cases[i].outcomes,
                      b->cases[i].n_outcomes, e) < 0)
            return -1;
    return 0;
}

/* ---- the summary: filling it from the history ------------------------------- */
/* Every case's outcomes (series, year, issue, case position, person, rank,
 * kind), a case's rows together: note_case for each case. */
static int fill_cases(store *s, err *e) {
    static const char sql[] =
        "SELECT b.series_id, b.year, b.issue_no, c.seq, o.case_id, o.person, o.rank, o.kind FROM outcome o "
        "JOIN case_ c ON c.id = o.case_id JOIN bulletin b ON b.id = c.bulletin_id ORDER BY o.case_id, o.seq";
    const char *doing = "counting the statistics again";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, doing, e);
    /* the cases, copied out (the updates run after the query is done) */
    typedef struct {
        sqlite3_int64 series_id;
        int year, issue_no;
        long long seq;
        size_t first, n;   /* its outcomes in os */
    } case_ref;
    arena *a = arena_new();
    case_ref *cs = NULL;
    model_outcome *os = NULL;
    size_t n_cs = 0, cap_cs = 0, n_os = 0, cap_os = 0;
    sqlite3_int64 cur = -1;
    int bad = !a, r = 1;
    while (!bad && (r = store_next_row(s, st, doing, e)) > 0) {
        sqlite3_int64 cid = sqlite3_column_int64(st, 4);
        if (cid != cur || !n_cs) {
            arena_grow(a, (void **)&cs, &cap_cs, n_cs, sizeof *cs);
            cs[n_cs++] = (case_ref){sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                                    sqlite3_column_int64(st, 3), n_os, 0};
            cur = cid;
        }
        arena_grow(a, (void **)&os, &cap_os, n_os, sizeof *os);
        os[n_os++] = (model_outcome){NULL, store_col_dup(a, st, 5, &bad), store_col_dup(a, st, 6, &bad),
                                     store_col_dup(a, st, 7, &bad), NULL};
        cs[n_cs - 1].n++;
    }
    sqlite3_finalize(st);
    if (bad) r = store_oom(s, e);
    for (size_t i = 0; r >= 0 && i < n_cs; i++)
        if (note_case(s, cs[i].series_id, cs[i].year, cs[i].issue_no, cs[i].seq, os + cs[i].first, cs[i].n, e) < 0)
            r = -1;
    arena_free(a);
    return r < 0 ? -1 : 0;
}

int store_stats_fill(store *s, err *e) {
    static const char *const steps[] = {
        "DELETE FROM series_stats",
        "DELETE FROM series_stat_name",
        "DELETE FROM series_scope",
        "INSERT INTO series_stats(series_id, bulletins, inspections, findings, repeats, recurring, "
        "case_bulletins, cases, open) "
        "SELECT b.series_id, count(*), sum(b.has_inspection), sum(b.n_findings), sum(b.n_repeats), "
        "sum(b.n_recurring), sum(b.n_cases > 0), sum(b.n_cases), "
        "(SELECT count(*) FROM finding f WHERE f.series_id = b.series_id AND f.status = 'open') "
        "FROM bulletin b GROUP BY b.series_id",
        "INSERT INTO series_scope(series_id, what, unit, total, rounds, first) "
        "SELECT b.series_id, sc.what, sc.unit, sum(CAST(trim(sc.number) AS INTEGER)), "
        "count(DISTINCT sc.bulletin_id), min(b.year * 100000000 + b.issue_no * 1000 + sc.seq) "
        "FROM scope_count sc JOIN bulletin b ON b.id = sc.bulletin_id "
        "WHERE b.has_inspection GROUP BY b.series_id, sc.what, sc.unit",
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (store_exec(s, steps[i], "counting the statistics again", e) < 0) return -1;
    return fill_cases(s, e);
}

/* ---- the summary: checking and rebuilding -------------------------------- */
static int same_text(const char *x, const char *y) { return x && y ? strcmp(x, y) == 0 : x == y; }

/* The first difference between the summary's figures (a) and the
 * recount's (b), in words, or "" when they agree. */
static void stats_diff(const store_stats *a, const store_stats *b, char *out, size_t len) {
    out[0] = 0;
    struct { const char *name; long x, y; } nums[] = {
        {"bulletins", a->bulletins, b->bulletins}, {"inspections", a->inspections, b->inspections},
        {"findings", a->findings, b->findings}, {"done", a->done, b->done}, {"open", a->open, b->open},
        {"overdue", a->overdue, b->overdue}, {"repeats", a->repeats, b->repeats},
        {"recurring", a->recurring, b->recurring}, {"case bulletins", a->case_bulletins, b->case_bulletins},
        {"cases", a->cases, b->cases}, {"people", a->people, b->people}, {"organisations", a->orgs, b->orgs},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (nums[i].x != nums[i].y) {
            snprintf(out, len, "%s %ld in the summary, %ld recounted", nums[i].name, nums[i].x, nums[i].y);
            return;
        }
    for (int k = 0; k < 2; k++) {
        const store_stat_count *x = k ? a->by_kind : a->by_rank, *y = k ? b->by_kind : b->by_rank;
        size_t nx = k ? a->n_by_kind : a->n_by_rank, ny = k ? b->n_by_kind : b->n_by_rank;
        const char *what = k ? "people by kind of outcome" : "people by rank";
        if (nx != ny) {
            snprintf(out, len, "%s: %zu names in the summary, %zu recounted", what, nx, ny);
            return;
        }
        for (size_t i = 0; i < nx; i++)
            if (!same_text(x[i].name, y[i].name) || x[i].n != y[i].n) {
                snprintf(out, len, "%s: %s %ld in the summary, %s %ld recounted", what, x[i].name ? x[i].name : "",
                         x[i].n, y[i].name ? y[i].name : "", y[i].n);
                return;
            }
    }
    if (a->n_scope != b->n_scope) {
        snprintf(out, len, "scope: %zu entries in the summary, %zu recounted", a->n_scope, b->n_scope);
        return;
    }
    for (size_t i = 0; i < a->n_scope; i++) {
        const store_scope_sum *x = &a->scope[i], *y = &b->scope[i];
        if (!same_text(x->what, y->what) || !same_text(x->unit, y->unit) || x->total != y->total ||
            x->rounds != y->rounds) {
            snprintf(out, len, "scope: %s%s %ld in %ld rounds in the summary, %s%s %ld in %ld rounds recounted",
                     x->what ? x->what : "", x->unit ? x->unit : "", x->total, x->rounds, y->what ? y->what : "",
                     y->unit ? y->unit : "", y->total, y->rounds);
            return;
        }
    }
}

long store_stats_faults(store *s, store_fault_fn cb, void *ctx, err *e) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT name FROM series ORDER BY name", -1, &st, NULL);
    if (rc != SQLITE_OK) return store_fail(s, rc, "checking the statistics", e);
    long faults = 0;
    int r = 0;
    /* the names first: store_series_stats runs statements of its own */
    arena *names = arena_new();
    const char **list = NULL;
    size_t n = 0, cap = 0;
    int bad = !names;
    while (!bad && (r = store_next_row(s, st, "checking the statistics", e)) > 0) {
        arena_grow(names, (void **)&list, &cap, n, sizeof *list);
        list[n++] = store_col_dup(names, st, 0, &bad);
    }
    sqlite3_finalize(st);
    if (bad) {
        arena_free(names);
        return store_oom(s, e);
    }
    if (r < 0) {
        arena_free(names);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        arena *a = arena_new();
        store_stats x, y;
        char diff[400], line[700];
        if (!a) {
            arena_free(names);
            return store_oom(s, e);
        }
        /* overdue is counted the same way in both: any day will do */
        if (store_series_stats(s, list[i], "2000-01-01", a, &x, e) < 0 ||
            store_series_stats_recount(s, list[i], "2000-01-01", a, &y, e) < 0) {
            arena_free(a);
            arena_free(names);
            return -1;
        }
        stats_diff(&x, &y, diff, sizeof diff);
        arena_free(a);
        if (!diff[0]) continue;
        faults++;
        snprintf(line, sizeof line, "statistics of %s: %s; `tongbao archive rebuild-stats` counts them again",
                 list[i], diff);
        if (cb) cb(ctx, line);
    }
    arena_free(names);
    return faults;
}

int store_stats_rebuild(store *s, long *n_series, long *n_differed, err *e) {
    const char *doing = "counting the statistics again";
    if (store_tx_begin(s, 1, doing, e) < 0) return -1;
    long long ns = 0;
    long differed = store_stats_faults(s, NULL, NULL, e);
    if (differed < 0 || store_query_int(s, "SELECT count(*) FROM series", &ns, e) < 0 || store_stats_fill(s, e) < 0) {
        store_tx_rollback(s);
        return -1;
    }
    if (store_tx_commit(s, doing, e) < 0) return -1;
    if (n_series) *n_series = (long)ns;
    if (n_differed) *n_differed = differed;
    return 0;
}
