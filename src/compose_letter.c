/* compose_letter.c — the letters of `tongbao escalate` (issue 16): a
 * 督办通知书 to one district (or unit) about its overdue findings, and the
 * levels that follow it (提醒, 告诫), in the 信函格式 of GB/T 9704 10.1.
 *
 * Owns how a letter reads: its title, 主送, one group of findings per level
 * (the highest first), each group opened by its level's lead sentence, the
 * findings numbered 1．2．… across the groups, each with its place (the
 * district left out: the letter is addressed to it), the problem, its ID,
 * the issue that reported it and the deadline it missed; then the demand
 * with the new deadline, the highest level's warning, 署名 and 成文日期.
 *
 * Every sentence is the template's (levels and <wording> keys, listed in
 * compose.h): compose_letter_check names what a template leaves out, and
 * compose_letter refuses such a template, so no wording of a letter lives
 * in C.  The placeholder language and the joining rules are compose's own
 * (compose.c, compose_text.c). */
#include "compose_int.h"

#include <stdio.h>
#include <string.h>

#define PART_FINDINGS "findings"

/* The wording keys a letter needs (compose.h lists their placeholders). */
static const char *const letter_keys[] = {"letter-title", "letter-to", "letter-item", "letter-demand",
                                          "letter-number", NULL};

int compose_letter_check(const compose_level *lv, size_t n, const compose_opts *o, buf *missing) {
    int k = 0;
    for (size_t i = 0; letter_keys[i]; i++) {
        const char *w = o && o->word ? o->word(o->word_ctx, letter_keys[i]) : NULL;
        if (!str_empty(w)) continue;
        buf_printf(missing, "%s<wording> key %s", k++ ? ", " : "", letter_keys[i]);
    }
    if (n == 0) buf_printf(missing, "%s<escalation> with its <level>s", k++ ? ", " : "");
    for (size_t i = 0; i < n; i++) {
        if (str_empty(lv[i].title)) buf_printf(missing, "%stitle= of level %s", k++ ? ", " : "", lv[i].name);
        if (str_empty(lv[i].lead)) buf_printf(missing, "%slead= of level %s", k++ ? ", " : "", lv[i].name);
    }
    return k;
}

const char *compose_letter_number(const compose_opts *o, const char *prefix, int year, int n, arena *a) {
    const char *pat = o && o->word ? o->word(o->word_ctx, "letter-number") : NULL;
    if (str_empty(pat)) return NULL;
    char y[16], num[16];
    snprintf(y, sizeof y, "%d", year);
    snprintf(num, sizeof num, "%d", n);
    compose_var v[] = {{"prefix", prefix ? prefix : ""}, {"year", y}, {"n", num}};
    buf b;
    buf_init(&b);
    compose_subst(&b, pat, v, 3);
    const char *s = buf_cstr(&b);
    const char *r = s ? arena_strdup(a, s) : NULL;
    buf_free(&b);
    return r;
}

/* ---- pieces ---------------------------------------------------------------- */

typedef struct {
    compose_ctx c;
    const model_letter *l;
    const compose_level *lv;
    size_t n_lv;
} letter_ctx;

/* The template's wording for a key compose_letter_check has vouched for. */
static const char *lword(letter_ctx *x, const char *key) { return compose_word(&x->c, key, ""); }

static const compose_level *level_of(const letter_ctx *x, int level) {
    size_t k = level < 1 ? 0 : (size_t)level - 1;
    return &x->lv[k < x->n_lv ? k : x->n_lv - 1];
}

/* The place within the district the letter goes to: street, community and
 * site (a unit's letter: the site). */
static void place_of(const model_letter_item *it, buf *o) {
    if (str_empty(it->unit)) {
        if (!str_empty(it->street)) buf_puts(o, it->street);
        if (!str_empty(it->community)) buf_puts(o, it->community);
    }
    if (!str_empty(it->site)) buf_puts(o, it->site);
}

/* "11月22日17：00" in the letter's year; "" when absent, -1 when malformed. */
static int letter_date(letter_ctx *x, const char *iso, char *out, size_t n, const char *what, const char *id) {
    out[0] = 0;
    if (str_empty(iso)) return 0;
    if (compose_date(iso, x->c.ref_year, out, n) == 0) return 0;
    return err_set(x->c.e, TB_EINPUT, x->l->series, 0, 0, "%s \"%s\" of %s is not a valid date", what, iso,
                   id ? id : "the letter");
}

static doc_block *text_block(letter_ctx *x, const char *style, const char *part, const char *text) {
    doc_block *b = doc_add_block(x->c.d, style);
    doc_add_run(x->c.d, b, text, NULL);
    if (part) doc_set_part(x->c.d, b, part);
    return b;
}

/* {you}: how the letter addresses its reader, letter-you (你区) or, for a
 * unit, letter-you-unit (你单位); the name itself when the template has no
 * such key. */
static const char *you_of(letter_ctx *x) {
    int unit = x->l->n_items && !str_empty(x->l->items[0].unit);
    const char *w = compose_word(&x->c, unit ? "letter-you-unit" : "letter-you", NULL);
    return !str_empty(w) ? w : x->l->district;
}

/* One finding: the template's letter-item with {n} {place} {problem} {id}
 * {issue} {deadline} {missed} {level} {times}. */
static int add_item(letter_ctx *x, const model_letter_item *it, int n) {
    char num[16], issue[64], dl[64], missed[64], times[16];
    snprintf(num, sizeof num, "%d", n);
    if (it->year != x->c.ref_year) snprintf(issue, sizeof issue, "%d年第%d期", it->year, it->issue_no);
    else snprintf(issue, sizeof issue, "第%d期", it->issue_no);
    if (letter_date(x, it->deadline, dl, sizeof dl, "deadline", it->id) < 0) return -1;
    /* the deadline it passed, when that was a letter's and not its own */
    if (!str_eq(it->missed, it->deadline) && letter_date(x, it->missed, missed, sizeof missed, "deadline", it->id) < 0)
        return -1;
    if (str_eq(it->missed, it->deadline)) missed[0] = 0;
    snprintf(times, sizeof times, "%d", it->level > 1 ? it->level - 1 : 0);
    buf place, prob;
    buf_init(&place);
    buf_init(&prob);
    place_of(it, &place);
    if (it->text) buf_add(&prob, it->text, compose_stripped_len(it->text));
    int rc = 0;
    compose_var v[] = {{"n", num}, {"place", buf_cstr(&place)}, {"problem", buf_cstr(&prob)},
                       {"id", it->id ? it->id : ""}, {"issue", issue}, {"deadline", dl}, {"missed", missed},
                       {"level", it->level_name ? it->level_name : ""}, {"times", it->level > 1 ? times : ""}};
    const char *s = compose_subst_str(&x->c, lword(x, "letter-item"), v, sizeof v / sizeof v[0]);
    if (!s) rc = -1;
    else text_block(x, "body", PART_FINDINGS, s);
    buf_free(&place);
    buf_free(&prob);
    return rc;
}

/* The groups: for each level present, highest first, its lead and its
 * findings.  Returns the highest level, or -1. */
static int add_groups(letter_ctx *x) {
    const model_letter *l = x->l;
    int top = 0, n = 0;
    for (size_t i = 0; i < l->n_items; i++)
        if (l->items[i].level > top) top = l->items[i].level;
    /* levels past the last share its wording: group by the wording's level */
    int top_lv = top < 1 ? 1 : top > (int)x->n_lv ? (int)x->n_lv : top;
    for (int g = top_lv; g >= 1; g--) {
        size_t count = 0;
        for (size_t i = 0; i < l->n_items; i++) {
            int li = l->items[i].level > (int)x->n_lv ? (int)x->n_lv : l->items[i].level;
            count += li == g;
        }
        if (!count) continue;
        const compose_level *lv = level_of(x, g);
        char cnt[24];
        snprintf(cnt, sizeof cnt, "%zu", count);
        compose_var v[] = {{"count", cnt}, {"district", l->district}, {"level", lv->name}, {"you", you_of(x)}};
        const char *s = compose_subst_str(&x->c, lv->lead, v, 4);
        doc_block *b = s ? text_block(x, "body", "preamble", s) : NULL;
        if (!b) return -1;
        b->keep_with_next = 1;
        for (size_t i = 0; i < l->n_items; i++) {
            int li = l->items[i].level > (int)x->n_lv ? (int)x->n_lv : l->items[i].level;
            if (li == g && add_item(x, &l->items[i], ++n) < 0) return -1;
        }
    }
    return top_lv;
}

static int set_field(letter_ctx *x, const char *name, const char *value) {
    if (!str_empty(value)) doc_set_field(x->c.d, name, value);
    return 0;
}

static int compose_letter_all(letter_ctx *x) {
    const model_letter *l = x->l;
    doc_document *d = x->c.d;
    compose_dt t;
    if (str_empty(l->date) || compose_parse_iso(l->date, &t) < 0)
        return err_set(x->c.e, TB_EINPUT, l->series, 0, 0, "the letter's date \"%s\" is not a valid date",
                       l->date ? l->date : "");
    x->c.ref_year = t.y;
    char date_full[64], iso[32], nd[64];
    compose_fmt_date(date_full, sizeof date_full, &t, 1, 0);
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT00:00:00", t.y, t.mo, t.d);
    if (letter_date(x, l->new_deadline, nd, sizeof nd, "the new deadline", NULL) < 0) return -1;

    /* the highest level decides the title and the warning */
    int top = 0;
    for (size_t i = 0; i < l->n_items; i++)
        if (l->items[i].level > top) top = l->items[i].level;
    const compose_level *tl = level_of(x, top);
    compose_var tv[] = {{"district", l->district}, {"level-title", tl->title}, {"level", tl->name}};
    const char *title = compose_subst_str(&x->c, lword(x, "letter-title"), tv, 3);
    const char *to = title ? compose_subst_str(&x->c, lword(x, "letter-to"), tv, 3) : NULL;
    if (!title || !to) return -1;
    compose_var mv[] = {{"issuer", l->issuer ? l->issuer : ""}, {"series", l->series ? l->series : ""}};
    const char *mark = compose_subst_str(&x->c, compose_word(&x->c, "mark", "{issuer}"), mv, 2);
    if (!mark) return -1;
    const char *cc = compose_word(&x->c, "letter-cc", NULL);
    char year[16];
    snprintf(year, sizeof year, "%d", l->year > 0 ? l->year : t.y);
    if (set_field(x, "title", title) < 0 || set_field(x, "to", to) < 0 || set_field(x, "mark", mark) < 0 ||
        set_field(x, "issuer", l->issuer) < 0 || set_field(x, "issued-by", l->issuer) < 0 ||
        set_field(x, "doc-number", l->doc_number) < 0 || set_field(x, "date", date_full) < 0 ||
        set_field(x, "series", l->series) < 0 || set_field(x, "district", l->district) < 0 ||
        set_field(x, "year", year) < 0 || set_field(x, "cc", cc) < 0)
        return -1;
    d->meta_title = arena_strdup(d->arena, title);
    d->meta_date = arena_strdup(d->arena, iso);
    d->meta_author = arena_strdup(d->arena, l->issuer);     /* NULL stays NULL */
    d->meta_subject = arena_strdup(d->arena, l->series);

    doc_block *b = text_block(x, "title", NULL, title);
    b->outline = arena_strdup(d->arena, title);
    buf tb;
    buf_init(&tb);
    buf_puts(&tb, to);
    if (utf8_last(to) != 0xFF1A && utf8_last(to) != ':') buf_puts(&tb, "：");
    b = text_block(x, "to", NULL, buf_cstr(&tb));
    buf_free(&tb);
    b->keep_with_next = 1;

    if (add_groups(x) < 0) return -1;
    compose_var dv[] = {{"new-deadline", nd}, {"report-to", l->report_to ? l->report_to : ""},
                        {"district", l->district}, {"level", tl->name}, {"you", you_of(x)}};
    const char *demand = compose_subst_str(&x->c, lword(x, "letter-demand"), dv, 5);
    if (!demand || !text_block(x, "body", "rectification", demand)) return -1;
    if (!str_empty(tl->warning)) {
        const char *w = compose_subst_str(&x->c, tl->warning, dv, 5);
        if (!w || (!str_empty(w) && !text_block(x, "body", "requirements", w))) return -1;
    }
    if (!str_empty(l->issuer)) {
        if (!(b = text_block(x, "signature", NULL, l->issuer))) return -1;
        b->keep_with_next = 1;
    }
    return text_block(x, "date", NULL, date_full) ? 0 : -1;
}

doc_document *compose_letter(const model_letter *l, const compose_level *levels, size_t n_levels,
                             const compose_opts *o, err *e) {
    if (!l || l->n_items == 0) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "internal: compose_letter needs a letter with findings");
        return NULL;
    }
    buf missing;
    buf_init(&missing);
    if (compose_letter_check(levels, n_levels, o, &missing) > 0) {
        err_set(e, TB_ETEMPLATE, NULL, 0, 0, "the template has no letter parts: it lacks %s",
                buf_cstr(&missing) ? buf_cstr(&missing) : "(out of memory)");
        buf_free(&missing);
        return NULL;
    }
    buf_free(&missing);
    letter_ctx x = {.l = l, .lv = levels, .n_lv = n_levels};
    x.c.o = o;
    x.c.e = e;
    x.c.kind = COMPOSE_ZHENGGAI;
    x.c.district = l->district;
    x.c.d = doc_new();
    if (compose_letter_all(&x) < 0) {
        /* every failure above sets e; a bare -1 would be a bug here */
        if (e && !e->code) err_set(e, TB_EINTERNAL, l->series, 0, 0, "the letter could not be composed");
        doc_free(x.c.d);
        return NULL;
    }
    return x.c.d;
}
