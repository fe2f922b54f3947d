/* history.c — history figures for a bulletin (see history.h).
 *
 * history_prepare asks the store three things while the bulletin is being
 * issued (numbers, IDs and repeat notes are already in b; the bulletin
 * itself is not recorded yet): how the previous issue's findings stand,
 * the series' cumulative statistics, and nothing else.  It then adds the
 * bulletin itself to the cumulative figures, so "截至目前" includes the
 * bulletin the reader holds, and writes everything to a small text context
 * that is archived with the bulletin.  history_restore reads that context
 * back, so regen composes exactly the same sentences years later, whatever
 * happened to the findings since.
 *
 * The context, version 1 (UTF-8, one record a line, fields separated by
 * TAB; text fields escape \ as \\, TAB as \t, LF as \n, CR as \r; an empty
 * text field means "absent"):
 *
 *   tongbao-history	1
 *   today	2026-11-22
 *   prev	2026	1	2026-11-21          (year, issue, date of 上期)
 *   prev-counts	33	27	4	2	6      (findings, done, open, overdue, repeated now)
 *   overdue	JC2026-001-001	东湖区和平社区锦绣小区   (one per overdue finding of 上期)
 *   earlier	1                        (bulletins of the series before this one)
 *   bulletins	2  inspections	2  findings	66  done	27  open	34
 *   overdue-total	5  repeats	6  case-bulletins	0  cases	0  people	0  orgs	0
 *                                       (one NAME<TAB>NUMBER line each; also
 *                                       recurring	2, written only when not 0)
 *   scope	街道	个	26	2            (what, unit, total, rounds)
 *   rank	乡科级领导干部	3
 *   kind	诫勉	1
 *   end
 *
 * "prev"/"prev-counts"/"overdue" are absent for the first issue of a
 * series.
 *
 * Version 2 (written only when the bulletin's items quote other series with
 * <stats series="…"/>, issue 11; version 1 otherwise, so nothing else
 * changes) adds, after the bulletin's own figures and before "end", one
 * section per quoted series: a line "quote<TAB>SERIES", then that series'
 * figures in the records above (earlier … orgs, scope, rank, kind), as
 * the history stood when the bulletin was issued.
 *
 * Version 3 (written only when an overdue finding of 上期 was escalated by
 * tongbao escalate, issue 16; the lower version otherwise) gives such an
 * "overdue" record a fourth field: the number of letters that named it
 * (已督办N次).  A reader refuses a version it does not know, an unknown record,
 * a wrong field count or a missing "end" (TB_EVERIFY): the context is part
 * of the archive, and a half-read one would print wrong figures.  A NULL or
 * empty context (bulletins archived before issue 5) means "no history". */
#define _POSIX_C_SOURCE 200809L
#include "history.h"
#include "date.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_CONTEXT_VERSION 3     /* the newest this tongbao reads and writes */

/* ---- small helpers --------------------------------------------------- */

/* A real day (date.h), with or without a time after it. */
static int is_day(const char *d) {
    return date_parse(d, DATE_TIME | DATE_SECONDS | DATE_SPACE, NULL, NULL, 0) == 0;
}

/* Brief location for naming an overdue finding: district, the community
 * (else the street) and the site; a unit and its site.  Enough to know the
 * place; the ID says the rest. */
static const char *brief_place(arena *a, const char *district, const char *street,
                               const char *community, const char *site, const char *unit) {
    buf p;
    buf_init(&p);
    if (!str_empty(unit)) {
        buf_puts(&p, unit);
    } else {
        if (!str_empty(district)) buf_puts(&p, district);
        if (!str_empty(community)) buf_puts(&p, community);
        else if (!str_empty(street)) buf_puts(&p, street);
    }
    if (!str_empty(site)) buf_puts(&p, site);
    const char *r = arena_strdup(a, buf_cstr(&p));
    buf_free(&p);
    return r;
}

/* ---- the previous issue ------------------------------------------------ */

typedef struct {
    arena *a;
    model_history *h;
    const char **ids;          /* every finding ID of the previous issue */
    size_t n_ids, cap_ids;
    size_t cap_items;
    int bad;
} prev_ctx;

static int prev_row(void *ctx, const store_finding_row *r) {
    prev_ctx *p = ctx;
    model_history *h = p->h;
    h->prev_findings++;
    if (str_eq(r->status, "done")) h->prev_done++;
    else if (str_eq(r->status, "overdue")) h->prev_overdue++;
    else h->prev_open++;
    const char *id = arena_strdup(p->a, r->id);
    arena_grow(p->a, (void **)&p->ids, &p->cap_ids, p->n_ids, sizeof *p->ids);
    p->ids[p->n_ids++] = id;
    if (str_eq(r->status, "overdue")) {
        arena_grow(p->a, (void **)&h->prev_overdue_items, &p->cap_items, h->n_prev_overdue_items,
                   sizeof *h->prev_overdue_items);
        model_history_item *it = &h->prev_overdue_items[h->n_prev_overdue_items++];
        it->id = id;
        it->place = brief_place(p->a, r->district, r->street, r->community, r->site, r->unit);
        it->escalations = r->escalations;
    }
    return 0;
}

static int prepare_prev(store *s, model_bulletin *b, model_history *h, err *e) {
    store_bulletin_info info;
    int r = store_previous_bulletin(s, b->series, b->year, b->issue_no, b->arena, &info, e);
    if (r < 0) return -1;
    if (r == 1) return 0;   /* the first issue of the series */
    h->has_prev = 1;
    h->prev_year = info.year;
    h->prev_issue = info.issue_no;
    h->prev_date = info.date;
    prev_ctx p = {.a = b->arena, .h = h};
    store_finding_filter f = {.series = b->series, .status = STORE_ST_ANY, .today = h->today,
                              .year = info.year, .issue_no = info.issue_no};
    if (store_list_findings(s, &f, prev_row, &p, e) < 0) return -1;
    /* This bulletin's findings that repeat one of them: the store links a
     * repeat to the latest open finding at the place, so a link into the
     * previous issue means the place was reported there and is again now.
     * A recurring finding links to one that was put right: not "仍未整改到位". */
    for (size_t c = 0; c < b->n_categories; c++)
        for (size_t j = 0; j < b->categories[c].n_findings; j++) {
            const char *of = b->categories[c].findings[j].repeat_of;
            if (str_empty(of) || b->categories[c].findings[j].recurs) continue;
            for (size_t k = 0; k < p.n_ids; k++)
                if (strcmp(p.ids[k], of) == 0) {
                    h->prev_repeated++;
                    break;
                }
        }
    return 0;
}

/* ---- cumulative figures ------------------------------------------------- */

static void add_scope(arena *a, model_history *h, size_t *cap, const model_count *ct) {
    if (str_empty(ct->number) || str_empty(ct->what)) return;
    long v = strtol(ct->number, NULL, 10);
    for (size_t i = 0; i < h->n_scope; i++) {
        model_history_scope *x = &h->scope[i];
        if (str_eq(x->what, ct->what) && str_eq(x->unit ? x->unit : "", ct->unit ? ct->unit : "")) {
            x->total += v;
            x->rounds++;
            return;
        }
    }
    arena_grow(a, (void **)&h->scope, cap, h->n_scope, sizeof *h->scope);
    model_history_scope *x = &h->scope[h->n_scope++];
    x->what = arena_strdup(a, ct->what);
    x->unit = str_empty(ct->unit) ? NULL : arena_strdup(a, ct->unit);
    x->total = v;
    x->rounds = 1;
}

static int prepare_stats(store *s, model_bulletin *b, model_history *h, err *e) {
    arena *a = b->arena;
    store_stats st;
    err e2 = {0};
    if (store_series_stats(s, b->series, h->today, a, &st, &e2) < 0) {
        /* A new series has no figures yet; anything else is a real error. */
        if (e2.code != TB_ENOTFOUND) {
            if (e && !e->code) *e = e2;
            return -1;
        }
        memset(&st, 0, sizeof st);
    }
    h->earlier = st.bulletins;

    /* The bulletin itself, counted the way the store will count it once
     * it is recorded (so store_series_stats after the issue, with the same
     * today, gives these very figures). */
    st.bulletins++;
    if (b->has_inspection) st.inspections++;
    const char *rect_deadline = b->has_rectification && !str_empty(b->rect_deadline) ? b->rect_deadline : NULL;
    for (size_t c = 0; c < b->n_categories; c++)
        for (size_t j = 0; j < b->categories[c].n_findings; j++) {
            const model_finding *f = &b->categories[c].findings[j];
            const char *dl = !str_empty(f->deadline) ? f->deadline : rect_deadline;
            st.findings++;
            /* the SQL's deadline < today on the same strings */
            if (dl && strcmp(dl, h->today) < 0) st.overdue++;
            else st.open++;
            if (!str_empty(f->repeat_note)) st.repeats++;
            if (f->recurs) st.recurring++;
        }
    if (b->has_cases && b->n_cases > 0) {
        st.case_bulletins++;
        st.cases += (long)b->n_cases;
        for (size_t i = 0; i < b->n_cases; i++) store_stats_add_case(&st, a, b->cases[i].outcomes, b->cases[i].n_outcomes);
    }
    h->bulletins = st.bulletins;
    h->inspections = st.inspections;
    h->findings = st.findings;
    h->done = st.done;
    h->open = st.open;
    h->overdue = st.overdue;
    h->repeats = st.repeats;
    h->recurring = st.recurring;
    h->case_bulletins = st.case_bulletins;
    h->cases = st.cases;
    h->people = st.people;
    h->orgs = st.orgs;
    h->by_rank = st.by_rank;
    h->n_by_rank = st.n_by_rank;
    h->by_kind = st.by_kind;
    h->n_by_kind = st.n_by_kind;
    /* the store's scope sums, then this inspection's counts */
    size_t cap = st.n_scope;
    h->scope = st.scope;
    h->n_scope = st.n_scope;
    if (b->has_inspection)
        for (size_t i = 0; i < b->n_counts; i++)
            add_scope(a, h, &cap, &b->counts[i]);
    return 0;
}

/* ---- series the items quote (issue 11) ------------------------------------ */

/* Each series an item's <stats series="…"/> names, other than the
 * bulletin's own, with its figures now (this bulletin is not part of
 * them).  A series the history does not have is the input's mistake, told
 * at the <stats/>. */
static int prepare_quotes(store *s, model_bulletin *b, model_history *h, err *e) {
    size_t cap = 0;
    for (size_t i = 0; i < b->n_stats; i++) {
        const model_stats_ref *r = &b->stats[i];
        if (str_empty(r->series) || str_eq(r->series, b->series)) continue;
        size_t k = 0;
        while (k < h->n_quotes && !str_eq(h->quotes[k].series, r->series)) k++;
        if (k < h->n_quotes) continue;
        store_stats st;
        err e2 = {0};
        if (store_series_stats(s, r->series, h->today, b->arena, &st, &e2) < 0) {
            if (e2.code != TB_ENOTFOUND) {
                if (e && !e->code) *e = e2;
                return -1;
            }
            return err_set(e, TB_EINPUT, b->source ? b->source : "", r->line, r->col,
                           "<stats series=\"%s\"/> quotes a series the history does not have: issue "
                           "its bulletins first, or correct the name (`tongbao archive list` shows "
                           "the series there are)", r->series);
        }
        arena_grow(b->arena, (void **)&h->quotes, &cap, h->n_quotes, sizeof *h->quotes);
        model_history *q = &h->quotes[h->n_quotes++];
        memset(q, 0, sizeof *q);
        q->series = arena_strdup(b->arena, r->series);
        q->today = h->today;
        q->earlier = st.bulletins;
        q->bulletins = st.bulletins;
        q->inspections = st.inspections;
        q->findings = st.findings;
        q->done = st.done;
        q->open = st.open;
        q->overdue = st.overdue;
        q->repeats = st.repeats;
        q->case_bulletins = st.case_bulletins;
        q->cases = st.cases;
        q->people = st.people;
        q->orgs = st.orgs;
        q->by_rank = st.by_rank;
        q->n_by_rank = st.n_by_rank;
        q->by_kind = st.by_kind;
        q->n_by_kind = st.n_by_kind;
        q->scope = st.scope;
        q->n_scope = st.n_scope;
    }
    return 0;
}

/* ---- the context text ----------------------------------------------------- */

static void put_text(buf *o, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '\\': buf_puts(o, "\\\\"); break;
        case '\t': buf_puts(o, "\\t"); break;
        case '\n': buf_puts(o, "\\n"); break;
        case '\r': buf_puts(o, "\\r"); break;
        default: buf_add(o, s, 1);
        }
    }
}

static void put_num(buf *o, const char *key, long v) { buf_printf(o, "%s\t%ld\n", key, v); }

/* The cumulative figures of h (the bulletin's series or a quoted one). */
static void write_figures(const model_history *h, buf *o) {
    put_num(o, "earlier", h->earlier);
    put_num(o, "bulletins", h->bulletins);
    put_num(o, "inspections", h->inspections);
    put_num(o, "findings", h->findings);
    put_num(o, "done", h->done);
    put_num(o, "open", h->open);
    put_num(o, "overdue-total", h->overdue);
    put_num(o, "repeats", h->repeats);
    if (h->recurring) put_num(o, "recurring", h->recurring);   /* only then: older contexts stay as they were */
    put_num(o, "case-bulletins", h->case_bulletins);
    put_num(o, "cases", h->cases);
    put_num(o, "people", h->people);
    put_num(o, "orgs", h->orgs);
    for (size_t i = 0; i < h->n_scope; i++) {
        buf_puts(o, "scope\t");
        put_text(o, h->scope[i].what);
        buf_puts(o, "\t");
        put_text(o, h->scope[i].unit);
        buf_printf(o, "\t%ld\t%ld\n", h->scope[i].total, h->scope[i].rounds);
    }
    const struct {
        const char *key;
        const model_history_count *xs;
        size_t n;
    } lists[] = {{"rank", h->by_rank, h->n_by_rank}, {"kind", h->by_kind, h->n_by_kind}};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l].n; i++) {
            buf_printf(o, "%s\t", lists[l].key);
            put_text(o, lists[l].xs[i].name);
            buf_printf(o, "\t%ld\n", lists[l].xs[i].n);
        }
}

static void write_context(const model_history *h, buf *o) {
    /* version 1 unless there are quotes: contexts that need nothing new
     * stay readable by the tongbao before issue 11 */
    int escalated = 0;
    for (size_t i = 0; h->has_prev && i < h->n_prev_overdue_items; i++) escalated |= h->prev_overdue_items[i].escalations > 0;
    buf_printf(o, "tongbao-history\t%d\n", escalated ? 3 : h->n_quotes ? 2 : 1);
    buf_puts(o, "today\t");
    put_text(o, h->today);
    buf_puts(o, "\n");
    if (h->has_prev) {
        buf_printf(o, "prev\t%d\t%d\t", h->prev_year, h->prev_issue);
        put_text(o, h->prev_date);
        buf_printf(o, "\nprev-counts\t%ld\t%ld\t%ld\t%ld\t%ld\n", h->prev_findings, h->prev_done,
                   h->prev_open, h->prev_overdue, h->prev_repeated);
        for (size_t i = 0; i < h->n_prev_overdue_items; i++) {
            buf_puts(o, "overdue\t");
            put_text(o, h->prev_overdue_items[i].id);
            buf_puts(o, "\t");
            put_text(o, h->prev_overdue_items[i].place);
            if (h->prev_overdue_items[i].escalations > 0) buf_printf(o, "\t%d", h->prev_overdue_items[i].escalations);
            buf_puts(o, "\n");
        }
    }
    write_figures(h, o);
    for (size_t i = 0; i < h->n_quotes; i++) {
        buf_puts(o, "quote\t");
        put_text(o, h->quotes[i].series);
        buf_puts(o, "\n");
        write_figures(&h->quotes[i], o);
    }
    buf_puts(o, "end\n");
}

int history_prepare(store *s, model_bulletin *b, const char *today, buf *context, err *e) {
    if (!s || !b || !context)
        return err_set(e, TB_EINTERNAL, "", 0, 0, "internal: history_prepare needs a store, a bulletin and a buffer");
    if (b->issue_no <= 0 || b->year <= 0 || str_empty(b->series))
        return err_set(e, TB_EINTERNAL, b->source ? b->source : "", 0, 0,
                       "internal: history_prepare before the bulletin was numbered");
    model_history *h = arena_alloc(b->arena, sizeof *h);
    /* Overdue is judged on the bulletin's own date unless told otherwise:
     * a bulletin dated 11-22 says what was overdue on 11-22, whenever it is
     * issued or regenerated. */
    if (today && !is_day(today))
        return err_set(e, TB_EINTERNAL, b->source ? b->source : "", 0, 0,
                       "internal: history_prepare was given \"%s\" for today, which is not a date", today);
    const char *day = today ? today : is_day(b->date) ? b->date : NULL;
    char now[11];
    if (!day) {
        date_today(now);
        day = now;
    }
    h->today = arena_strndup(b->arena, day, 10);
    if (prepare_prev(s, b, h, e) < 0 || prepare_stats(s, b, h, e) < 0 || prepare_quotes(s, b, h, e) < 0) return -1;
    write_context(h, context);
    b->history = h;
    return 0;
}

/* ---- reading it back ---------------------------------------------------- */

/* Split one line (without its LF) into at most max fields, unescaping the
 * text in place.  Returns the field count. */
static size_t split_fields(char *line, char **f, size_t max) {
    size_t n = 0;
    char *w = line, *start = line;
    for (char *r = line;; r++) {
        if (*r == '\t' || *r == 0) {
            int end = *r == 0;
            *w = 0;
            if (n < max) f[n] = start;
            n++;
            if (end) break;
            start = w = r + 1;
            continue;
        }
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
        } else {
            *w++ = *r;
        }
    }
    return n;
}

/* A whole non-negative decimal number, or -1. */
static long parse_count(const char *s) {
    if (!s || !*s) return -1;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000000L) return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static const char *text_or_null(arena *a, const char *s) { return s && *s ? arena_strdup(a, s) : NULL; }

/* history_restore's reading state: the figures so far and the capacities
 * of their arrays. */
typedef struct {
    model_history *h;       /* where figures go: the bulletin's, or the quote being read */
    model_history *main;
    arena *a;
    int version;
    size_t cap_items, cap_scope, cap_rank, cap_kind, cap_quotes;
    int ended;
} restore_state;

/* One record after the header line: its fields f[0..n).  NULL when it is
 * good, else why it is not. */
static const char *restore_record(restore_state *st, char **f, size_t n) {
    static const struct {
        const char *key;
        size_t off;
    } nums[] = {
        {"earlier", offsetof(model_history, earlier)},
        {"bulletins", offsetof(model_history, bulletins)},
        {"inspections", offsetof(model_history, inspections)},
        {"findings", offsetof(model_history, findings)},
        {"done", offsetof(model_history, done)},
        {"open", offsetof(model_history, open)},
        {"overdue-total", offsetof(model_history, overdue)},
        {"repeats", offsetof(model_history, repeats)},
        {"recurring", offsetof(model_history, recurring)},
        {"case-bulletins", offsetof(model_history, case_bulletins)},
        {"cases", offsetof(model_history, cases)},
        {"people", offsetof(model_history, people)},
        {"orgs", offsetof(model_history, orgs)},
    };
    model_history *h = st->h;
    arena *a = st->a;
    const char *k = f[0];
    size_t i;
    for (i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (strcmp(k, nums[i].key) == 0) break;
    if (i < sizeof nums / sizeof nums[0]) {
        long v = n == 2 ? parse_count(f[1]) : -1;
        if (v < 0) return "a figure is not a number";
        *(long *)((char *)h + nums[i].off) = v;
    } else if (strcmp(k, "quote") == 0) {
        /* a quoted series' figures follow (version 2); its arrays are new */
        if (st->version < 2 || n != 2 || !*f[1]) return "bad quote record";
        model_history *m = st->main;
        arena_grow(a, (void **)&m->quotes, &st->cap_quotes, m->n_quotes, sizeof *m->quotes);
        model_history *q = &m->quotes[m->n_quotes++];
        memset(q, 0, sizeof *q);
        q->series = text_or_null(a, f[1]);
        q->today = m->today;
        st->h = q;
        st->cap_scope = st->cap_rank = st->cap_kind = 0;
    } else if (st->h != st->main && (strcmp(k, "today") == 0 || strncmp(k, "prev", 4) == 0 ||
                                     strcmp(k, "overdue") == 0)) {
        return "a record of the bulletin's own after a quote";
    } else if (strcmp(k, "today") == 0) {
        if (n != 2 || !is_day(f[1])) return "bad today record";
        h->today = text_or_null(a, f[1]);
    } else if (strcmp(k, "prev") == 0) {
        long y = n == 4 ? parse_count(f[1]) : -1, no = n == 4 ? parse_count(f[2]) : -1;
        if (y <= 0 || no <= 0) return "bad prev record";
        h->has_prev = 1;
        h->prev_year = (int)y;
        h->prev_issue = (int)no;
        h->prev_date = text_or_null(a, f[3]);
    } else if (strcmp(k, "prev-counts") == 0) {
        long v[5];
        for (size_t j = 0; j < 5; j++) v[j] = n == 6 ? parse_count(f[j + 1]) : -1;
        if (n != 6 || v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 || v[4] < 0) return "bad prev-counts record";
        h->prev_findings = v[0];
        h->prev_done = v[1];
        h->prev_open = v[2];
        h->prev_overdue = v[3];
        h->prev_repeated = v[4];
    } else if (strcmp(k, "overdue") == 0) {
        long esc = n == 4 && st->version >= 3 ? parse_count(f[3]) : 0;
        if ((n != 3 && n != 4) || esc < 0 || (n == 4 && st->version < 3)) return "bad overdue record";
        arena_grow(a, (void **)&h->prev_overdue_items, &st->cap_items, h->n_prev_overdue_items,
                   sizeof *h->prev_overdue_items);
        model_history_item *it = &h->prev_overdue_items[h->n_prev_overdue_items++];
        it->id = text_or_null(a, f[1]);
        it->place = text_or_null(a, f[2]);
        it->escalations = (int)esc;
    } else if (strcmp(k, "scope") == 0) {
        long t = n == 5 ? parse_count(f[3]) : -1, r = n == 5 ? parse_count(f[4]) : -1;
        if (t < 0 || r < 0) return "bad scope record";
        arena_grow(a, (void **)&h->scope, &st->cap_scope, h->n_scope, sizeof *h->scope);
        model_history_scope *x = &h->scope[h->n_scope++];
        x->what = text_or_null(a, f[1]);
        x->unit = text_or_null(a, f[2]);
        x->total = t;
        x->rounds = r;
    } else if (strcmp(k, "rank") == 0 || strcmp(k, "kind") == 0) {
        long v = n == 3 ? parse_count(f[2]) : -1;
        if (v < 0) return "bad rank/kind record";
        int rank = k[0] == 'r';
        model_history_count **xs = rank ? &h->by_rank : &h->by_kind;
        size_t *nx = rank ? &h->n_by_rank : &h->n_by_kind;
        arena_grow(a, (void **)xs, rank ? &st->cap_rank : &st->cap_kind, *nx, sizeof **xs);
        (*xs)[*nx].name = text_or_null(a, f[1]);
        (*xs)[*nx].n = v;
        (*nx)++;
    } else if (strcmp(k, "end") == 0 && n == 1) {
        st->ended = 1;
    } else {
        return "unknown record";
    }
    return NULL;
}

int history_restore(model_bulletin *b, const char *context, err *e) {
    if (!b) return err_set(e, TB_EINTERNAL, "", 0, 0, "internal: history_restore needs a bulletin");
    b->history = NULL;
    if (!context || !*context) return 0;   /* archived without history figures */
    const char *src = b->source ? b->source : "";
    arena *a = b->arena;
    model_history *h = arena_alloc(a, sizeof *h);
    char *copy = arena_strdup(a, context);
    restore_state st = {.h = h, .main = h, .a = a};
    int line_no = 0;
    const char *why = NULL;
    char *save = copy;
    while (*save && !why) {
        char *line = save;
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = 0;
            save = nl + 1;
        } else {
            save = line + strlen(line);
        }
        line_no++;
        if (st.ended) { why = "text after the end record"; break; }
        char *f[8];
        size_t n = split_fields(line, f, 8);
        if (n > 8) { why = "too many fields"; break; }
        if (line_no == 1) {
            if (n != 2 || strcmp(f[0], "tongbao-history") != 0) { why = "not a tongbao history context"; break; }
            long v = parse_count(f[1]);
            st.version = (int)v;
            if (v < 1 || v > HISTORY_CONTEXT_VERSION) {
                err_set(e, TB_EVERIFY, src, 0, 0,
                        "the archived history figures have format version %s, which this tongbao "
                        "does not read (it knows versions 1 to %d); use the tongbao that issued the "
                        "bulletin, or `tongbao archive export` for the archived PDF",
                        f[1], HISTORY_CONTEXT_VERSION);
                return -1;
            }
            continue;
        }
        why = restore_record(&st, f, n);
    }
    if (!why && !st.ended) why = "it is cut short (no end record)";
    if (!why && !h->today) why = "no today record";
    if (why)
        return err_set(e, TB_EVERIFY, src, 0, 0,
                       "the archived history figures are damaged (line %d: %s); run `tongbao "
                       "archive verify`, and use `tongbao archive export` for the archived PDF",
                       line_no, why);
    b->history = h;
    return 0;
}
