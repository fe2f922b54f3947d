/* compose_items.c — items: the 简报 and 信息 made of what units report
 * (issue 11; docs/format.md section 11 writes the rules down, with the
 * examples the spec test runs).
 *
 * Owns how an item reads: the 简报 style (bold run-in headline, a
 * full-width space, the lead; 一是…。 points in bold, as paragraphs or run
 * on; （单位） closing the item), the news style (centred headline, 本报讯
 * or 本报讯（记者）, the byline on its own line), <column> headings, and the
 * <stats/> clause of a series' running totals (the figures come from the
 * history, compose_history.c words them).  Punctuation joins as for
 * findings (compose_text.c): a text gets 。 unless it ends with a full
 * stop of its own, and no mark is ever doubled.
 *
 * Blocks are tagged with the part "items", so a template's <order> places
 * them among findings and cases.  Styles (templates/README.md): blocks
 * "body", "column", "news-headline", "news-author", "byline"; runs
 * "item-headline" and "item-point" (both bold in the shipped templates). */
#include "compose_int.h"

#include <stdio.h>
#include <string.h>

#define PART "items"
#define GAP "\xE3\x80\x80"     /* U+3000, after a run-in headline */

/* ---- which items ---------------------------------------------------------- */

/* An item belongs to a district when its district= says so, or, without
 * one, when its source= is that district (a 简报's units are often the
 * districts themselves). */
static int item_in(const model_item *it, const char *d) {
    if (it->column) return 0;
    if (!str_empty(it->district)) return str_eq(it->district, d);
    return str_eq(it->source, d);
}

int compose_items_in_district(const model_bulletin *b, const char *d) {
    for (size_t i = 0; i < b->n_items; i++)
        if (item_in(&b->items[i], d)) return 1;
    return 0;
}

void compose_items_districts(const model_bulletin *b, buf *out) {
    for (size_t i = 0; i < b->n_items; i++) {
        const model_item *it = &b->items[i];
        const char *d = it->column ? NULL : !str_empty(it->district) ? it->district : it->source;
        if (str_empty(d)) continue;
        size_t j = 0;
        for (; j < i; j++) {
            const model_item *o = &b->items[j];
            const char *od = o->column ? NULL : !str_empty(o->district) ? o->district : o->source;
            if (str_eq(od, d)) break;
        }
        if (j < i) continue;
        if (out->len) buf_puts(out, "、");
        buf_puts(out, d);
    }
}

/* ---- <stats/> --------------------------------------------------------------- */

/* The history figures a <stats/> quotes: the bulletin's own series, or one
 * of the quoted ones kept with it.  NULL (error recorded) when the archive
 * lacks them. */
static const model_history *stats_history(compose_ctx *c, const model_stats_ref *r, int *quoted) {
    const model_history *h = c->b->history;
    *quoted = !str_empty(r->series) && !str_eq(r->series, c->b->series);
    if (!*quoted) return h;
    for (size_t i = 0; i < h->n_quotes; i++)
        if (str_eq(h->quotes[i].series, r->series)) return &h->quotes[i];
    err_set(c->e, TB_EVERIFY, c->b->source, r->line, r->col,
            "the history figures kept with this bulletin have nothing for the series \"%s\" that "
            "<stats series=…/> quotes; `tongbao archive export` gives the archived PDF", r->series);
    return NULL;
}

/* Append the clause for stats[k]. */
static int stats_clause(compose_ctx *c, size_t k, buf *out) {
    const model_bulletin *b = c->b;
    if (k >= b->n_stats)
        return err_set(c->e, TB_EINTERNAL, b->source, 0, 0, "internal: more <stats/> marks than <stats/>");
    const model_stats_ref *r = &b->stats[k];
    const char *series = !str_empty(r->series) ? r->series : b->series ? b->series : "";
    if (!b->history) {
        /* a draft: the figures are the history's, known when it is issued */
        compose_var v[] = {{"series", series}};
        compose_subst(out, compose_word(c, "stats-draft", "〔{series}累计统计，签发时生成〕"), v, 1);
        return 0;
    }
    int quoted;
    const model_history *h = stats_history(c, r, &quoted);
    if (!h) return -1;
    if (!quoted && h->earlier <= 0)
        return err_set(c->e, TB_EINPUT, b->source, r->line, r->col,
                       "<stats/> quotes the running totals of %s, but this is the series' first issue: "
                       "there is nothing to add up yet; write the figures as text, or quote another "
                       "series with <stats series=\"…\"/>", series);
    size_t before = out->len;
    if (compose_history_clause(c, h, r->part, quoted, out) < 0) return -1;
    if (out->len == before)
        return err_set(c->e, TB_EINPUT, b->source, r->line, r->col,
                       "<stats%s%s%s/> has nothing to say: the history of %s has no %s figures yet; "
                       "leave part= out, or write the text without <stats/>", r->part ? " part=\"" : "",
                       r->part ? r->part : "", r->part ? "\"" : "", series,
                       r->part ? r->part : "cumulative");
    return 0;
}

/* s with every mark replaced by its clause; *k counts the item's marks. */
static const char *expand(compose_ctx *c, const char *s, size_t *k) {
    if (!s) return NULL;
    if (!strchr(s, MODEL_STATS_MARK_CHAR)) return s;
    buf o;
    buf_init(&o);
    int rc = 0;
    for (const char *p = s; *p && rc == 0; p++) {
        if (*p == MODEL_STATS_MARK_CHAR) rc = stats_clause(c, (*k)++, &o);
        else buf_add(&o, p, 1);
    }
    const char *r = rc == 0 ? arena_strdup(c->d->arena, buf_cstr(&o)) : NULL;
    buf_free(&o);
    return r;
}

/* ---- paragraphs --------------------------------------------------------------- */

/* The paragraph being written: plain text gathers in pend, styled runs
 * flush it. */
typedef struct {
    compose_ctx *c;
    size_t blk;             /* index: blocks may move as the array grows */
    int open;
    buf pend;
} ipara;

static doc_block *cur_block(ipara *p) { return &p->c->d->blocks[p->blk]; }

static int flush(ipara *p) {
    if (!p->open || !p->pend.len) return 0;
    doc_add_run(p->c->d, cur_block(p), buf_cstr(&p->pend), NULL);
    buf_reset(&p->pend);
    return 0;
}

static int end_para(ipara *p) {
    int rc = flush(p);
    p->open = 0;
    return rc;
}

static int new_block(compose_ctx *c, const char *style, size_t *idx) {
    doc_block *blk = doc_add_block(c->d, style);
    doc_set_part(c->d, blk, PART);
    *idx = (size_t)(blk - c->d->blocks);
    return 0;
}

static int begin_para(ipara *p) {
    if (end_para(p) < 0 || new_block(p->c, "body", &p->blk) < 0) return -1;
    p->open = 1;
    return 0;
}

static int run(ipara *p, const char *text, const char *style) {
    if (flush(p) < 0) return -1;
    doc_add_run(p->c->d, cur_block(p), text, style);
    return 0;
}

/* A text closing a sentence: its own full stop (。！？… or one inside a
 * closing quote) stays, a weaker mark (，；、) becomes 。, none gets 。; a
 * lead may also end with ：, which introduces the points. */
static void put_closed(ipara *p, const char *s, int colon_ok) {
    if (str_empty(s)) return;
    uint32_t last = utf8_last(s);
    if (colon_ok && (last == 0xFF1A || last == ':')) {
        buf_puts(&p->pend, s);
        return;
    }
    size_t body;
    const char *mark = compose_closing_mark(s, &body, "。");
    buf_add(&p->pend, s, body);
    buf_puts(&p->pend, mark);
}

/* A one-line block of its own (column, news headline, author, byline). */
static int line_block(compose_ctx *c, const char *style, const char *text, int keep, int outline) {
    size_t idx;
    if (new_block(c, style, &idx) < 0) return -1;
    doc_block *blk = &c->d->blocks[idx];
    doc_add_run(c->d, blk, text, NULL);
    blk->keep_with_next = keep;
    if (outline) blk->outline = arena_strdup(c->d->arena, text);
    return 0;
}

/* ---- one item --------------------------------------------------------------------- */

static int is_news(const compose_ctx *c, const model_item *it) {
    const char *s = !str_empty(it->style) ? it->style : compose_word(c, "item-style", "jianbao");
    return str_eq(s, "news");
}

static int points_run_in(const compose_ctx *c, const model_item *it) {
    const char *s = !str_empty(it->points_mode) ? it->points_mode : compose_word(c, "item-points", "paragraphs");
    return str_eq(s, "run-in");
}

/* "{n}是{title}。" in bold, then the point's text. */
static int add_point(ipara *p, const model_point *pt, int n, size_t *k) {
    compose_ctx *c = p->c;
    char num[64];
    compose_cn_number(n, num, sizeof num);
    compose_var v[] = {{"n", num}};
    buf lead;
    buf_init(&lead);
    compose_subst(&lead, compose_word(c, "item-point-lead", "{n}是"), v, 1);
    size_t body = 0;
    const char *mark = compose_closing_mark(pt->title, &body, "。");
    buf_add(&lead, pt->title, body);
    buf_puts(&lead, mark);
    int rc = run(p, buf_cstr(&lead), "item-point");
    buf_free(&lead);
    if (rc < 0) return -1;
    const char *text = expand(c, pt->text, k);
    if (pt->text && !text) return -1;
    put_closed(p, text, 0);
    return 0;
}

static int add_item(compose_ctx *c, const model_item *it) {
    int news = is_news(c, it), run_in = points_run_in(c, it);
    size_t k = it->first_stats;
    ipara p = {c, 0, 0, {0}};
    buf_init(&p.pend);
    int rc = 0;

    /* the headline: on its own lines (news), or run in (简报) */
    if (news) {
        rc = line_block(c, "news-headline", it->headline, 1, 1);
        if (rc == 0 && !str_empty(it->author)) rc = line_block(c, "news-author", it->author, 1, 0);
        if (rc == 0) rc = begin_para(&p);
        if (rc == 0 && str_empty(it->author)) {
            compose_var v[] = {{"reporter", it->reporter ? it->reporter : ""}};
            compose_subst(&p.pend, compose_word(c, "news-dateline", "[本报讯（{reporter}）|本报讯" GAP "]"), v, 1);
        }
    } else {
        rc = begin_para(&p);
        if (rc == 0) rc = run(&p, it->headline, "item-headline");
        if (rc == 0) cur_block(&p)->outline = arena_strdup(c->d->arena, it->headline);
        buf_puts(&p.pend, GAP);
    }

    /* the lead, then the points: the first joins the lead's paragraph,
     * later ones start their own unless they run on */
    if (rc == 0 && it->lead) {
        const char *lead = expand(c, it->lead, &k);
        if (!lead) rc = -1;
        else put_closed(&p, lead, 1);
    }
    for (size_t i = 0; i < it->n_points && rc == 0; i++) {
        if (i > 0 && !run_in) rc = begin_para(&p);
        if (rc == 0) rc = add_point(&p, &it->points[i], (int)i + 1, &k);
    }
    /* free paragraphs; the first one opens the item when it has neither
     * lead nor points */
    for (size_t i = 0; i < it->n_paras && rc == 0; i++) {
        int first = i == 0 && !it->lead && it->n_points == 0;
        if (!first) rc = begin_para(&p);
        const char *t = rc == 0 ? expand(c, it->paras[i], &k) : NULL;
        if (rc == 0 && !t) rc = -1;
        if (rc == 0) put_closed(&p, t, 0);
    }
    /* （单位） closes a 简报 item's last paragraph */
    if (rc == 0 && !news && !str_empty(it->source)) {
        compose_var v[] = {{"source", it->source}};
        compose_subst(&p.pend, compose_word(c, "item-source", "（{source}）"), v, 1);
    }
    if (rc == 0) rc = end_para(&p);
    if (rc == 0 && !str_empty(it->byline)) rc = line_block(c, "byline", it->byline, 0, 0);
    buf_free(&p.pend);
    return rc;
}

/* ---- all of them ------------------------------------------------------------------- */

int compose_items(compose_ctx *c) {
    const model_bulletin *b = c->b;
    if (!b->has_items || c->kind == COMPOSE_ZHENGGAI) return 0;
    /* a heading is written with the first item under it that is printed:
     * an extract keeps only the headings of its own items */
    const model_item *heading = NULL;
    for (size_t i = 0; i < b->n_items; i++) {
        const model_item *it = &b->items[i];
        if (it->column) {
            heading = it;
            continue;
        }
        if (c->district && !item_in(it, c->district)) continue;
        if (heading && line_block(c, "column", heading->column, 1, 1) < 0) return -1;
        heading = NULL;
        if (add_item(c, it) < 0) return -1;
    }
    /* a title-less 简报 still names itself in the PDF's metadata */
    if (!c->d->meta_title && b->series) {
        const char *issue = doc_field_get(c->d, "issue");
        c->d->meta_title = arena_printf(c->d->arena, "%s%s%s", b->series, issue ? " " : "", issue ? issue : "");
    }
    return 0;
}
