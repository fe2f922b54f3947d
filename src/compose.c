/* compose.c — model → document.
 *
 * Owns every Chinese phrasing decision of tongbao: the preamble (docs/format.md
 * rule 1), 一是/二是 numbering (2), location elision (3), joining punctuation
 * (4), the rectification sentence (5), requirements (6), date formats (5, 7),
 * the accountability cases, the district extract (整改通知) and the page
 * furniture fields.  Nothing here knows about fonts, pages or templates:
 * wording a template may change comes in through compose_opts.word() and is
 * expanded by the small placeholder language documented in compose.h.
 *
 * Numerals, dates and punctuation classes are in compose_text.c, the
 * history paragraphs (上期整改情况, 截至目前) in compose_history.c; what the
 * three files share is in compose_int.h.
 *
 * All output text lives in the document's arena; scratch strings are util.h
 * bufs that every path frees.  No global mutable state. */
#include "compose_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- districts ------------------------------------------------------------ */

static int is_unit(const model_finding *f) { return !str_empty(f->unit); }

const char **compose_districts(const model_bulletin *b, arena *a, size_t *n) {
    size_t total = 0;
    *n = 0;
    for (size_t i = 0; i < b->n_categories; i++) total += b->categories[i].n_findings;
    const char **out = arena_alloc(a, (total ? total : 1) * sizeof *out);
    for (size_t i = 0; i < b->n_categories; i++) {
        const model_category *cat = &b->categories[i];
        for (size_t j = 0; j < cat->n_findings; j++) {
            const model_finding *f = &cat->findings[j];
            if (is_unit(f) || str_empty(f->district)) continue;
            size_t k = 0;
            while (k < *n && strcmp(out[k], f->district) != 0) k++;
            if (k == *n) out[(*n)++] = f->district;
        }
    }
    return out;
}

/* ---- context ------------------------------------------------------------------ */

const char *compose_word(const compose_ctx *c, const char *key, const char *def) {
    if (c->o && c->o->word) {
        const char *w = c->o->word(c->o->word_ctx, key);
        if (w) return w;
    }
    return def;
}

/* ---- placeholder substitution ---------------------------------------------- */

static const compose_var *var_find(const compose_var *v, size_t nv, const char *name, size_t nlen) {
    for (size_t i = 0; i < nv; i++)
        if (strlen(v[i].name) == nlen && memcmp(v[i].name, name, nlen) == 0) return &v[i];
    return NULL;
}

/* Expand {name} in s[0..len).  Unknown names stay visible as written so a
 * template typo shows up in proof-reading instead of silently vanishing.
 * With probe set nothing is written; *has / *nonempty report whether the
 * segment uses known placeholders and whether any of them has a value. */
static void expand(buf *out, const char *s, size_t len, const compose_var *v, size_t nv,
                   int *has, int *nonempty) {
    size_t i = 0, lit = 0;
    while (i < len) {
        if (s[i] == '{') {
            const char *close = memchr(s + i + 1, '}', len - i - 1);
            const compose_var *x = close ? var_find(v, nv, s + i + 1, (size_t)(close - s - i - 1)) : NULL;
            if (x) {
                if (out) buf_add(out, s + lit, i - lit);
                if (has) *has = 1;
                if (x->value && *x->value) {
                    if (nonempty) *nonempty = 1;
                    if (out) buf_puts(out, x->value);
                }
                i = (size_t)(close - s) + 1;
                lit = i;
                continue;
            }
        }
        i++;
    }
    if (out) buf_add(out, s + lit, len - lit);
}

/* pattern → out.  Besides {name}, a group [a|b|…] writes its first
 * alternative that has a value for at least one of its placeholders (or has
 * no placeholders at all); when none qualifies the group vanishes.  That lets
 * "务于{deadline}前" drop out cleanly when there is no deadline. */
void compose_subst(buf *out, const char *pat, const compose_var *v, size_t nv) {
    size_t len = strlen(pat), i = 0;
    while (i < len) {
        const char *lb = memchr(pat + i, '[', len - i);
        const char *rb = lb ? memchr(lb + 1, ']', len - (size_t)(lb + 1 - pat)) : NULL;
        if (!lb || !rb) {
            expand(out, pat + i, len - i, v, nv, NULL, NULL);
            return;
        }
        expand(out, pat + i, (size_t)(lb - pat) - i, v, nv, NULL, NULL);
        const char *a = lb + 1;
        for (;;) {
            const char *bar = memchr(a, '|', (size_t)(rb - a));
            const char *aend = bar ? bar : rb;
            int has = 0, nonempty = 0;
            expand(NULL, a, (size_t)(aend - a), v, nv, &has, &nonempty);
            if (!has || nonempty) {
                expand(out, a, (size_t)(aend - a), v, nv, NULL, NULL);
                break;
            }
            if (!bar) break;
            a = bar + 1;
        }
        i = (size_t)(rb - pat) + 1;
    }
}

/* subst into a fresh arena string of the document. */
const char *compose_subst_str(compose_ctx *c, const char *pat, const compose_var *v, size_t nv) {
    buf o;
    buf_init(&o);
    compose_subst(&o, pat, v, nv);
    const char *r = arena_strdup(c->d->arena, buf_cstr(&o));
    buf_free(&o);
    return r;
}

/* ---- paragraph builder ------------------------------------------------------------ */

/* Consecutive unstyled text is gathered in `pend` and becomes one run, so a
 * category paragraph is a handful of runs rather than one per fragment. */
typedef struct {
    compose_ctx *c;
    doc_block *blk;
    buf pend;
    int fail;
} para;

/* part: which part of the bulletin the paragraph belongs to (doc.h
 * "Parts"), so a template's <order> can move or leave out whole parts. */
static int para_begin(compose_ctx *c, para *p, const char *style, const char *part) {
    p->c = c;
    p->fail = 0;
    buf_init(&p->pend);
    p->blk = doc_add_block(c->d, style);
    doc_set_part(c->d, p->blk, part);
    return 0;
}

static void para_text(para *p, const char *s) { buf_puts(&p->pend, s); }
static void para_textn(para *p, const char *s, size_t n) { if (s) buf_add(&p->pend, s, n); }

static int para_flush(para *p) {
    if (p->fail) return -1;
    doc_add_run(p->c->d, p->blk, buf_cstr(&p->pend), NULL);
    buf_reset(&p->pend);
    return 0;
}

static int para_run(para *p, const char *text, const char *style) {
    if (para_flush(p) < 0) return -1;
    doc_add_run(p->c->d, p->blk, text, style);
    return 0;
}

/* Flush and release; rc < 0 (an error already recorded) passes through. */
static int para_end(para *p, int rc) {
    if (rc == 0 && para_flush(p) < 0) rc = -1;
    buf_free(&p->pend);
    return rc;
}

static int set_outline(compose_ctx *c, doc_block *blk, const char *s, size_t n) {
    blk->outline = arena_strndup(c->d->arena, s, n);
    return 0;
}

/* A block holding one plain string (title, to, signature, date). */
static doc_block *simple_block(compose_ctx *c, const char *style, const char *text) {
    doc_block *blk = doc_add_block(c->d, style);
    doc_add_run(c->d, blk, text, NULL);
    return blk;
}

/* A "body" paragraph of one string, tagged with its part. */
doc_block *compose_body_block(compose_ctx *c, const char *part, const char *text) {
    doc_block *blk = simple_block(c, "body", text);
    doc_set_part(c->d, blk, part);
    return blk;
}

/* ---- dates in context --------------------------------------------------------------- */

/* Format iso per rule 5 into out; on a malformed value record TB_EINPUT
 * naming `what` and the line (0 when the model has none). */
static int date_or_fail(compose_ctx *c, const char *iso, char *out, size_t outlen,
                        const char *what, int line, int col) {
    if (compose_date(iso, c->ref_year, out, outlen) == 0) return 0;
    return err_set(c->e, TB_EINPUT, c->b->source, line, col,
                   "%s \"%s\" is not a valid date; write it as 2026-11-22 or 2026-11-22T17:00",
                   what, iso ? iso : "");
}

/* Inspection period: the text as written, else built from from/to
 * (11月20日至11月21日; one day 11月21日; years only where they differ from the
 * bulletin's, and both when the period itself spans a new year). */
static int period_string(compose_ctx *c, buf *out) {
    const model_bulletin *b = c->b;
    if (!str_empty(b->period_text)) {
        buf_add(out, b->period_text, compose_stripped_len(b->period_text));
        return 0;
    }
    int hf = !str_empty(b->period_from), ht = !str_empty(b->period_to);
    if (!hf && !ht) return 0;
    compose_dt f, t;
    if (hf && compose_parse_iso(b->period_from, &f) < 0)
        return err_set(c->e, TB_EINPUT, b->source, 0, 0,
                       "inspection period from=\"%s\" is not a valid date; write it as 2026-11-20 or 2026-11-20T19:00",
                       b->period_from);
    if (ht && compose_parse_iso(b->period_to, &t) < 0)
        return err_set(c->e, TB_EINPUT, b->source, 0, 0,
                       "inspection period to=\"%s\" is not a valid date; write it as 2026-11-21 or 2026-11-21T08:00",
                       b->period_to);
    char s1[64], s2[64];
    if (hf && ht && (f.y != t.y || f.mo != t.mo || f.d != t.d)) {
        int cross = f.y != t.y;
        compose_fmt_date(s1, sizeof s1, &f, cross || c->ref_year == 0 || f.y != c->ref_year, 0);
        compose_fmt_date(s2, sizeof s2, &t, cross || c->ref_year == 0, 0);
        buf_puts(out, s1);
        buf_puts(out, "至");
        buf_puts(out, s2);
    } else {
        const compose_dt *one = hf ? &f : &t;
        compose_fmt_date(s1, sizeof s1, one, c->ref_year == 0 || one->y != c->ref_year, 0);
        buf_puts(out, s1);
    }
    return 0;
}

/* ---- selection ------------------------------------------------------------------------- */

static int included(const compose_ctx *c, const model_finding *f) {
    if (!c->district) return 1;
    return !is_unit(f) && str_eq(f->district, c->district);
}

static size_t count_included(const compose_ctx *c, const model_category *cat) {
    size_t n = 0;
    for (size_t j = 0; j < cat->n_findings; j++) n += (size_t)included(c, &cat->findings[j]);
    return n;
}

/* Is there any category to print?  Full bulletins print every category (an
 * empty one is a bare statement); extracts only those with findings. */
static int category_printed(const compose_ctx *c, const model_category *cat) {
    return c->district ? count_included(c, cat) > 0 : 1;
}

static int any_category(const compose_ctx *c) {
    for (size_t i = 0; i < c->b->n_categories; i++)
        if (category_printed(c, &c->b->categories[i])) return 1;
    return 0;
}

/* ---- rule 1: preamble ------------------------------------------------------------------ */

static const char *method_of(const compose_ctx *c) {
    return !str_empty(c->b->method) ? c->b->method : compose_word(c, "method-default", "督查");
}

/* inspectors joined by 、 followed (with_action) by the action: "who did what". */
static void who_did(const compose_ctx *c, buf *w, int with_action) {
    const model_bulletin *b = c->b;
    int n = 0;
    for (size_t i = 0; i < b->n_inspectors; i++) {
        if (str_empty(b->inspectors[i])) continue;
        if (n++) buf_puts(w, "、");
        buf_add(w, b->inspectors[i], compose_stripped_len(b->inspectors[i]));
    }
    if (with_action && !str_empty(b->action)) buf_add(w, b->action, compose_stripped_len(b->action));
}

static int add_preamble(compose_ctx *c, int has_findings) {
    const model_bulletin *b = c->b;
    if (!b->has_inspection && !has_findings) return 0;
    buf s, piece;
    buf_init(&s);
    buf_init(&piece);
    int rc = 0, pieces = 0;

    /* sentence one: period，who did what，共涉及counts。 — absent parts drop
     * out with their commas */
    if (b->has_inspection) {
        for (int k = 0; k < 3 && rc == 0; k++) {
            buf_reset(&piece);
            if (k == 0) {
                rc = period_string(c, &piece);
            } else if (k == 1) {
                who_did(c, &piece, 1);
            } else {
                int n = 0;
                for (size_t i = 0; i < b->n_counts; i++) {
                    const model_count *ct = &b->counts[i];
                    if (str_empty(ct->number)) continue;
                    buf_puts(&piece, n++ ? "、" : "共涉及");
                    buf_puts(&piece, ct->number);
                    if (!str_empty(ct->unit)) buf_puts(&piece, ct->unit);
                    if (!str_empty(ct->what)) buf_add(&piece, ct->what, compose_stripped_len(ct->what));
                }
            }
            if (rc == 0 && piece.len) {
                if (pieces++) buf_puts(&s, "，");
                buf_add(&s, piece.data, piece.len);
            }
        }
        if (pieces) buf_puts(&s, "。");
    }

    /* assessment: written as given; it usually ends with ， and runs into
     * the tail.  Without a tail it must close its own sentence. */
    if (rc == 0 && b->has_inspection && !str_empty(b->assessment)) {
        size_t body;
        int cls = compose_tail_mark(b->assessment, &body);
        if (has_findings) {
            buf_puts(&s, b->assessment);
            if (cls == COMPOSE_M_NONE) buf_puts(&s, "。");
        } else if (cls == COMPOSE_M_TERM) {
            buf_puts(&s, b->assessment);
        } else {
            buf_add(&s, b->assessment, body);
            buf_puts(&s, "。");
        }
    }
    if (rc == 0 && has_findings) {
        compose_var v[] = {{"method", method_of(c)}};
        compose_subst(&s, compose_word(c, "preamble-tail", "现将{method}中发现的问题通报如下："), v, 1);
    }
    if (rc == 0 && s.len) compose_body_block(c, "preamble", buf_cstr(&s));
    buf_free(&s);
    buf_free(&piece);
    return rc;
}

/* 整改通知 intro, e.g. "11月20日晚至11月21日，市…督导组对…进行暗访，发现你区
 * 存在以下问题，现通知如下：" */
static int add_zhenggai_intro(compose_ctx *c) {
    const model_bulletin *b = c->b;
    buf period, who, insp;
    buf_init(&period);
    buf_init(&who);
    buf_init(&insp);
    int rc = b->has_inspection ? period_string(c, &period) : 0;
    if (b->has_inspection) {
        who_did(c, &who, 1);
        who_did(c, &insp, 0);
    }
    if (rc == 0) {
        const char *ps = buf_cstr(&period), *ws = buf_cstr(&who), *is = buf_cstr(&insp);
        const char *action = b->has_inspection && b->action ? b->action : "";
        compose_var v[] = {{"period", ps}, {"inspectors-action", ws}, {"inspectors", is},
                   {"action", action}, {"method", method_of(c)},
                   {"district", c->district ? c->district : ""}};
        const char *t = compose_subst_str(c, compose_word(c, "zhenggai-intro",
                                          "[{period}，][{inspectors-action}，]发现你区存在以下问题，现通知如下："),
                                  v, sizeof v / sizeof *v);
        compose_body_block(c, "preamble", t);
    }
    buf_free(&period);
    buf_free(&who);
    buf_free(&insp);
    return rc;
}

/* ---- rules 2–4: categories ------------------------------------------------------------- */

/* "{n}是{title}。" (or 要): the lead run; outline is the same without the mark. */
static int numbered_lead(compose_ctx *c, para *p, const char *key, const char *def, int n,
                         const char *title, int outline) {
    char num[64];
    compose_cn_number(n, num, sizeof num);
    compose_var v[] = {{"n", num}};
    buf lead;
    buf_init(&lead);
    compose_subst(&lead, compose_word(c, key, def), v, 1);
    size_t body = 0;
    const char *mark = "";
    if (!str_empty(title)) {
        mark = compose_closing_mark(title, &body, "。");
        buf_add(&lead, title, body);
    }
    int rc = 0;
    size_t olen = lead.len;
    buf_puts(&lead, mark);
    const char *s = buf_cstr(&lead);
    if (outline) rc = set_outline(c, p->blk, s, olen);
    if (rc == 0) rc = para_run(p, s, "lead");
    buf_free(&lead);
    return rc;
}

typedef struct {
    const char *lv[3];
    int valid;
} loc_state;

/* Rule 3: write the location from the first level that differs from the
 * previous finding of the same category; the site is always written. */
static void write_location(buf *o, const model_finding *f, loc_state *st) {
    if (is_unit(f)) {
        buf_puts(o, f->unit);
        if (!str_empty(f->site)) buf_puts(o, f->site);
        st->valid = 0;      /* the next district finding starts afresh */
        return;
    }
    const char *cur[3] = {f->district, f->street, f->community};
    int from = 0;
    if (st->valid)
        while (from < 3 && str_eq(cur[from], st->lv[from])) from++;
    for (int k = from; k < 3; k++)
        if (!str_empty(cur[k])) buf_puts(o, cur[k]);
    if (!str_empty(f->site)) buf_puts(o, f->site);
    for (int k = 0; k < 3; k++) st->lv[k] = cur[k];
    st->valid = 1;
}

/* A finding text that opens with the place word the location ends with
 * (江景社区 + "社区卡点无人值守") must not print it twice: the bytes of text
 * to skip. */
static size_t doubled_place(const buf *written, const char *text) {
    static const char *const words[] = {"社区", "小区", "街道", "村", "镇", "乡", "区", "县", "组", "院"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t n = strlen(words[i]);
        if (written->len >= n && !memcmp(written->data + written->len - n, words[i], n) && !strncmp(text, words[i], n))
            return n;
    }
    return 0;
}

/* Annotation runs after a finding: ID, repeat note, and (extracts) deadline. */
static int annotations(compose_ctx *c, para *p, const model_finding *f) {
    if ((c->show_ids || c->kind == COMPOSE_ZHENGGAI) && !str_empty(f->id)) {
        compose_var v[] = {{"id", f->id}};
        const char *t = compose_subst_str(c, compose_word(c, "finding-id", "（{id}）"), v, 1);
        if (!t || para_run(p, t, "id") < 0) return -1;
    }
    if (!str_empty(f->repeat_note)) {
        /* a problem back after being put right has its own key (issue 19) */
        compose_var v[] = {{"note", f->repeat_note}};
        const char *t = compose_subst_str(c, compose_word(c, f->recurs ? "finding-recurring" : "finding-repeat",
                                                          "（{note}）"), v, 1);
        if (!t || para_run(p, t, "repeat") < 0) return -1;
    }
    if (c->kind == COMPOSE_ZHENGGAI && !str_empty(f->deadline)) {
        char d[64];
        if (date_or_fail(c, f->deadline, d, sizeof d, "finding deadline", f->line, f->col) < 0)
            return -1;
        compose_var v[] = {{"deadline", d}};
        const char *t = compose_subst_str(c, compose_word(c, "finding-deadline", "（整改时限：{deadline}）"), v, 1);
        if (!t || para_run(p, t, "deadline") < 0) return -1;
    }
    return 0;
}

static int same_run(const model_finding *a, const model_finding *b) {
    return !is_unit(a) && !is_unit(b) && str_eq(a->district, b->district);
}

static int add_category(compose_ctx *c, const model_category *cat, int n) {
    para p;
    if (para_begin(c, &p, "body", "findings") < 0) return -1;
    int rc = numbered_lead(c, &p, "category-lead", "{n}是", n, cat->title, 1);

    loc_state st = {{NULL, NULL, NULL}, 0};
    if (c->district) {
        /* An extract is addressed to the district: start eliding below it
         * ("青山街道…" rather than "东湖区青山街道…"). */
        st.lv[0] = c->district;
        st.valid = 1;
    }
    for (size_t j = 0; j < cat->n_findings && rc == 0; j++) {
        const model_finding *f = &cat->findings[j];
        if (!included(c, f)) continue;
        /* rule 4: ； inside a run of one district, 。 where the run ends */
        const model_finding *next = NULL;
        for (size_t k = j + 1; k < cat->n_findings; k++)
            if (included(c, &cat->findings[k])) { next = &cat->findings[k]; break; }
        const char *joiner = next && same_run(f, next) ? "；" : "。";

        write_location(&p.pend, f, &st);
        size_t body = 0;
        const char *mark = joiner;
        if (!str_empty(f->text)) {
            mark = compose_closing_mark(f->text, &body, joiner);
            size_t skip = doubled_place(&p.pend, f->text);
            para_textn(&p, f->text + skip, body > skip ? body - skip : 0);
        }
        rc = annotations(c, &p, f);
        if (rc == 0) para_text(&p, mark);
    }
    return para_end(&p, rc);
}

static int add_categories(compose_ctx *c) {
    int n = 0;
    for (size_t i = 0; i < c->b->n_categories; i++) {
        const model_category *cat = &c->b->categories[i];
        if (!category_printed(c, cat)) continue;
        if (add_category(c, cat, ++n) < 0) return -1;
    }
    return 0;
}

/* ---- rule 5: rectification ------------------------------------------------------------- */

static int default_responsible(compose_ctx *c, buf *out) {
    if (c->district) {
        buf_puts(out, c->district);
        return 0;
    }
    size_t n;
    const char **ds = compose_districts(c->b, c->d->arena, &n);
    int units = 0;
    for (size_t i = 0; i < c->b->n_categories && !units; i++)
        for (size_t j = 0; j < c->b->categories[i].n_findings; j++)
            if (is_unit(&c->b->categories[i].findings[j])) { units = 1; break; }
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(out, "、");
        buf_puts(out, ds[i]);
    }
    if (n == 0)
        buf_puts(out, compose_word(c, "responsible-units-only", "相关单位"));
    else if (units)
        buf_puts(out, compose_word(c, "responsible-units", "及相关单位"));
    return 0;
}

static int add_rectification(compose_ctx *c) {
    const model_bulletin *b = c->b;
    if (!b->has_rectification) return 0;
    char dl[64] = "";
    if (!str_empty(b->rect_deadline) &&
        date_or_fail(c, b->rect_deadline, dl, sizeof dl, "rectification deadline", 0, 0) < 0)
        return -1;
    buf resp;
    buf_init(&resp);
    int rc = 0;
    /* An extract speaks to its district; an explicit responsible= was
     * written for the whole bulletin and is used verbatim only there. */
    if (!c->district && !str_empty(b->rect_responsible))
        buf_puts(&resp, b->rect_responsible);
    else
        rc = default_responsible(c, &resp);
    const char *rs = buf_cstr(&resp);
    if (rc == 0) {
        compose_var v[] = {{"responsible", rs},
                   {"deadline", dl},
                   {"manner", b->rect_manner ? b->rect_manner : ""},
                   {"report-to", b->rect_report_to ? b->rect_report_to : ""}};
        const char *def = c->kind == COMPOSE_ZHENGGAI
            ? "对以上问题，{responsible}要立即整改，并对相关责任人严肃问责处理，整改及处理结果[务于{deadline}前]{manner}[报送{report-to}|上报]。"
            : "对以上通报中存在的问题，{responsible}要立即整改，并对相关责任人严肃问责处理，整改及处理结果[务于{deadline}前]{manner}[报送{report-to}|上报]。";
        const char *t = compose_subst_str(c, compose_word(c, "rectification", def), v, 4);
        if (!t || !compose_body_block(c, "rectification", t)) rc = -1;
    }
    buf_free(&resp);
    return rc;
}

/* ---- rule 6: requirements ----------------------------------------------------------------- */

static int add_requirements(compose_ctx *c) {
    const model_bulletin *b = c->b;
    if (b->n_requirements == 0 && str_empty(b->req_lead)) return 0;
    para p;
    if (para_begin(c, &p, "body", "requirements") < 0) return -1;
    int rc = 0;
    if (!str_empty(b->req_lead)) {
        /* A lead may end with ：（“具体要求如下：”）or a full stop; any other
         * ending is closed with 。 so that 一要 starts a sentence. */
        size_t body;
        int cls = compose_tail_mark(b->req_lead, &body);
        uint32_t last = utf8_last(b->req_lead);
        if (cls == COMPOSE_M_TERM || last == 0xFF1A || last == ':') {
            para_text(&p, b->req_lead);
        } else {
            para_textn(&p, b->req_lead, body);
            para_text(&p, "。");
        }
    }
    for (size_t i = 0; i < b->n_requirements && rc == 0; i++) {
        const model_requirement *r = &b->requirements[i];
        rc = numbered_lead(c, &p, "requirement-lead", "{n}要", (int)i + 1, r->title, 0);
        if (rc == 0 && !str_empty(r->text)) {
            size_t body;
            const char *mark = compose_closing_mark(r->text, &body, "。");
            para_textn(&p, r->text, body);
            para_text(&p, mark);
        }
    }
    return para_end(&p, rc);
}

/* ---- accountability cases ------------------------------------------------------------------- */

static int add_case(compose_ctx *c, const model_case *k, int n) {
    /* heading: 1、{subject}{problem}问题。 */
    buf h;
    buf_init(&h);
    compose_var v[] = {{"n", NULL}};
    char num[32];
    snprintf(num, sizeof num, "%d", n);
    v[0].value = num;
    compose_subst(&h, compose_word(c, "case-number", "{n}、"), v, 1);
    size_t hstart = h.len;
    if (!str_empty(k->subject)) buf_puts(&h, k->subject);
    if (!str_empty(k->problem)) {
        size_t pl = compose_stripped_len(k->problem);
        buf_add(&h, k->problem, pl);
        /* "履行职责不力问题" already says 问题 */
        static const char wenti[] = "问题";
        if (pl < sizeof wenti - 1 ||
            memcmp(k->problem + pl - (sizeof wenti - 1), wenti, sizeof wenti - 1) != 0)
            buf_puts(&h, wenti);
    } else if (h.len > hstart) {
        buf_puts(&h, "问题");
    }
    int rc = 0;
    if (h.len > hstart) {
        size_t olen = h.len;
        buf_puts(&h, "。");
        const char *s = buf_cstr(&h);
        doc_block *blk = simple_block(c, "case-title", s);
        doc_set_part(c->d, blk, "cases");
        blk->keep_with_next = 1;
        rc = set_outline(c, blk, s, olen);
    }
    buf_free(&h);
    if (rc < 0) return rc;

    /* paragraph: {facts}{date}，{person}{outcome}。 per outcome */
    if (str_empty(k->facts) && k->n_outcomes == 0) return 0;
    para p;
    if (para_begin(c, &p, "body", "cases") < 0) return -1;
    if (!str_empty(k->facts)) {
        size_t body;
        const char *mark = compose_closing_mark(k->facts, &body, "。");
        para_textn(&p, k->facts, body);
        para_text(&p, mark);
    }
    for (size_t i = 0; i < k->n_outcomes && rc == 0; i++) {
        const model_outcome *oc = &k->outcomes[i];
        /* a date with nobody and nothing decided is not a sentence */
        if (str_empty(oc->text) && str_empty(oc->person)) continue;
        if (!str_empty(oc->date)) {
            char d[64];
            char what[64];
            snprintf(what, sizeof what, "outcome date of case %d", n);
            rc = date_or_fail(c, oc->date, d, sizeof d, what, 0, 0);
            if (rc < 0) break;
            para_text(&p, d);
            para_text(&p, "，");
        }
        const char *text = oc->text ? oc->text : "";
        /* "李某被给予…" already names the person */
        if (!str_empty(oc->person) && strncmp(text, oc->person, strlen(oc->person)) != 0)
            para_text(&p, oc->person);
        size_t body;
        const char *mark = compose_closing_mark(text, &body, "。");
        para_textn(&p, text, body);
        para_text(&p, mark);
    }
    return para_end(&p, rc);
}

static int add_cases(compose_ctx *c) {
    const model_bulletin *b = c->b;
    if (!b->has_cases) return 0;
    if (!str_empty(b->cases_lead)) compose_body_block(c, "cases", b->cases_lead);
    for (size_t i = 0; i < b->n_cases; i++)
        if (add_case(c, &b->cases[i], (int)i + 1) < 0) return -1;
    return 0;
}

/* ---- furniture ------------------------------------------------------------------------------- */

static int field(compose_ctx *c, const char *name, const char *value) {
    if (!str_empty(value)) doc_set_field(c->d, name, value);
    return 0;
}

/* A distribution list without its final mark (NULL stays NULL). */
static const char *list_field(compose_ctx *c, const char *v) {
    if (str_empty(v)) return v;
    return arena_strndup(c->d->arena, v, compose_stripped_len(v));
}

/* 发文字号: the word "doc-number" is its pattern ({doc-number} the input's,
 * {district}, {year}, {n} the issue, {series}).  A bulletin prints its own
 * by default; an extract (zhenggai) none, unless its template gives one:
 * the parent's number on an extract would be another document's. */
static int add_doc_number(compose_ctx *c) {
    const model_bulletin *b = c->b;
    char year[32] = "", n[32] = "";
    int issue = b->issue_no > 0 ? b->issue_no : b->issue_override;
    int y = b->year > 0 ? b->year : c->ref_year;
    if (issue > 0) snprintf(n, sizeof n, "%d", issue);
    if (y > 0) snprintf(year, sizeof year, "%d", y);
    compose_var v[] = {{"doc-number", b->doc_number ? b->doc_number : ""},
                       {"district", c->district ? c->district : ""},
                       {"year", year},
                       {"n", n},
                       {"series", b->series ? b->series : ""}};
    const char *def = c->kind == COMPOSE_ZHENGGAI ? "" : "{doc-number}";
    const char *s = compose_subst_str(c, compose_word(c, "doc-number", def), v, sizeof v / sizeof *v);
    if (!s) return -1;
    return field(c, "doc-number", s);
}

static int add_fields(compose_ctx *c, const char *title, const char *date_full, const char *to) {
    const model_bulletin *b = c->b;
    int rc = 0;
    rc |= field(c, "title", title);
    rc |= field(c, "issuer", b->issuer);
    if (rc) return -1;
    {
        compose_var v[] = {{"issuer", b->issuer ? b->issuer : ""}, {"series", b->series ? b->series : ""}};
        const char *m = compose_subst_str(c, compose_word(c, "mark", "{issuer}"), v, 2);
        if (!m || field(c, "mark", m) < 0) return -1;
    }
    if (add_doc_number(c) < 0) return -1;
    rc |= field(c, "date", date_full);
    rc |= field(c, "print-date", date_full);
    rc |= field(c, "to", to);
    rc |= field(c, "series", b->series);
    rc |= field(c, "district", c->district);
    if (rc) return -1;
    int issue = b->issue_no > 0 ? b->issue_no : b->issue_override;
    if (issue > 0) {
        char n[32];
        snprintf(n, sizeof n, "%d", issue);
        compose_var v[] = {{"n", n}};
        const char *s = compose_subst_str(c, compose_word(c, "issue", "第{n}期"), v, 1);
        if (!s || field(c, "issue", s) < 0) return -1;
    }
    int year = b->year > 0 ? b->year : c->ref_year;
    if (year > 0) {
        char y[32];
        snprintf(y, sizeof y, "%d", year);
        if (field(c, "year", y) < 0) return -1;
    }
    if (b->has_distribution) {
        /* the template closes the lists (抄送：{cc}。): a mark the input
         * already ends them with is dropped, so no list ends twice */
        rc |= field(c, "send", list_field(c, b->dist_send));
        rc |= field(c, "deliver", list_field(c, b->dist_deliver));
        rc |= field(c, "cc", list_field(c, b->dist_cc));
        rc |= field(c, "editors", b->dist_editors);
        if (rc) return -1;
        /* verbatim, like send/cc: labels (共印…份, 抄送：) belong to the
         * template, which writes e.g. "共印{copies}份" */
        if (field(c, "copies", b->dist_copies) < 0) return -1;
    }
    const char *by = b->has_distribution && !str_empty(b->dist_issued_by) ? b->dist_issued_by : b->issuer;
    return field(c, "issued-by", by);
}

/* ---- 附注 ------------------------------------------------------------------------------------ */

/* <note>: on the line after the 成文日期, in （） (GB/T 9704 7.3.6); part
 * "signature", so it stays with the 署名 wherever a template's <order>
 * puts them. */
static int add_note(compose_ctx *c) {
    const char *n = c->b->note;
    if (str_empty(n)) return 0;
    uint32_t first;
    size_t adv;
    first = utf8_decode(n, strlen(n), &adv);
    uint32_t last = utf8_last(n);
    int wrapped = (first == 0xFF08 && last == 0xFF09) || (first == '(' && last == ')');
    const char *t = wrapped ? n : arena_printf(c->d->arena, "（%s）", n);
    doc_set_part(c->d, simple_block(c, "note", t), "signature");
    return 0;
}

/* ---- entry --------------------------------------------------------------------------------- */

static int parse_kind(const char *k) {
    if (!k || !*k || strcmp(k, "dubao") == 0) return COMPOSE_DUBAO;
    if (strcmp(k, "jianbao") == 0) return COMPOSE_JIANBAO;
    if (strcmp(k, "wenze") == 0) return COMPOSE_WENZE;
    if (strcmp(k, "zhenggai") == 0) return COMPOSE_ZHENGGAI;
    return -1;
}

/* A title's '|' marks where the input wants it to break (GB/T 9704
 * 7.3.1 leaves the choice to the drafter): replaced by `by` ("" for the
 * fields and the PDF's metadata, a line feed for layout), with the spaces
 * around it. */
static const char *without_breaks(compose_ctx *c, const char *s, const char *by) {
    if (!strchr(s, '|')) return s;
    buf o;
    buf_init(&o);
    for (const char *p = s; *p; p++) {
        if (*p != '|') {
            buf_add(&o, p, 1);
            continue;
        }
        while (o.len && o.data[o.len - 1] == ' ') o.len--;
        buf_puts(&o, by);
        while (p[1] == ' ') p++;
    }
    const char *r = arena_strdup(c->d->arena, buf_cstr(&o));
    buf_free(&o);
    return r;
}

/* The title block (with its outline entry). */
static int add_title(compose_ctx *c, const char *title) {
    const char *lines = without_breaks(c, title, "\n"), *flat = without_breaks(c, title, "");
    if (!lines || !flat) return -1;
    doc_block *blk = simple_block(c, "title", lines);
    if (!blk) return -1;
    return set_outline(c, blk, flat, strlen(flat));
}

static int compose_all(compose_ctx *c) {
    const model_bulletin *b = c->b;
    arena *a = c->d->arena;

    /* header date: the bulletin's year for rule 5, the 落款 date (rule 7) */
    char date_full[64] = "", iso[32] = "";
    if (!str_empty(b->date)) {
        compose_dt t;
        if (compose_parse_iso(b->date, &t) < 0)
            return err_set(c->e, TB_EINPUT, b->source, 0, 0,
                           "header date \"%s\" is not a valid date; write it as 2026-11-21", b->date);
        c->ref_year = t.y;
        compose_fmt_date(date_full, sizeof date_full, &t, 1, 0);
        snprintf(iso, sizeof iso, "%04d-%02d-%02dT00:00:00", t.y, t.mo, t.d);
    } else {
        c->ref_year = b->year > 0 ? b->year : 0;
    }

    /* title and addressee differ for a district extract */
    const char *title = b->title;
    const char *to = b->to;
    if (c->kind == COMPOSE_ZHENGGAI) {
        compose_var v[] = {{"method", method_of(c)}, {"district", c->district ? c->district : ""},
                   {"title", b->title ? b->title : ""}};
        title = compose_subst_str(c, compose_word(c, "zhenggai-title", "关于{method}发现问题限期整改的通知"), v, 3);
        if (!title) return -1;
        if (c->district) {
            compose_var tv[] = {{"district", c->district}};
            to = compose_subst_str(c, compose_word(c, "zhenggai-to", "{district}"), tv, 1);
            if (!to) return -1;
        }
    }

    const char *flat = title ? without_breaks(c, title, "") : NULL;
    if (title && !flat) return -1;
    if (add_fields(c, flat, date_full, to) < 0) return -1;
    c->d->meta_title = arena_strdup(a, flat);
    c->d->meta_author = arena_strdup(a, b->issuer);
    c->d->meta_subject = arena_strdup(a, b->series);
    if (iso[0]) c->d->meta_date = arena_strdup(a, iso);

    if (!str_empty(title) && add_title(c, title) < 0) return -1;
    if (c->kind != COMPOSE_JIANBAO && !str_empty(to)) {
        buf t;
        buf_init(&t);
        buf_puts(&t, to);
        uint32_t last = utf8_last(to);
        if (last != 0xFF1A && last != ':') buf_puts(&t, "：");
        doc_block *blk = simple_block(c, "to", buf_cstr(&t));
        buf_free(&t);
        blk->keep_with_next = 1;
    }

    int has_findings = any_category(c);
    if (c->kind == COMPOSE_ZHENGGAI) {
        if (add_zhenggai_intro(c) < 0) return -1;
    } else if (add_preamble(c, has_findings) < 0) {
        return -1;
    }
    if (add_categories(c) < 0) return -1;
    if (add_rectification(c) < 0) return -1;
    if (c->kind != COMPOSE_ZHENGGAI) {
        /* how the last issue's problems stand follows this issue's own
         * rectification demand; the running totals close the findings and
         * cases, and the requirements close the document */
        if (compose_history_status(c) < 0) return -1;
        if (add_cases(c) < 0) return -1;
        if (compose_history_stats(c) < 0) return -1;
        if (add_requirements(c) < 0) return -1;
    }
    if (compose_items(c) < 0) return -1;      /* compose_items.c */
    if (c->kind != COMPOSE_JIANBAO) {
        if (!str_empty(b->issuer)) {
            doc_block *blk = simple_block(c, "signature", b->issuer);
            if (!blk) return -1;
            blk->keep_with_next = 1;
        }
        if (date_full[0] && !simple_block(c, "date", date_full)) return -1;
    }
    return add_note(c);
}

doc_document *compose_bulletin(const model_bulletin *b, const compose_opts *o, err *e) {
    if (!b) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "compose_bulletin: no bulletin given");
        return NULL;
    }
    int kind = parse_kind(o ? o->kind : NULL);
    if (kind < 0) {
        err_set(e, TB_ETEMPLATE, b->source, 0, 0,
                "unknown document kind \"%s\"; use dubao, jianbao, wenze or zhenggai", o->kind);
        return NULL;
    }
    compose_ctx c = {0};
    c.b = b;
    c.o = o;
    c.e = e;
    c.kind = kind;
    c.district = o && !str_empty(o->district) ? o->district : NULL;
    c.show_ids = o ? o->show_ids : 0;
    c.d = doc_new();
    if (c.district) {
        size_t n, i;
        const char **ds = compose_districts(b, c.d->arena, &n);
        for (i = 0; i < n && strcmp(ds[i], c.district) != 0; i++) {}
        if (i == n && !compose_items_in_district(b, c.district)) {
            buf l;
            buf_init(&l);
            for (i = 0; i < n; i++) {
                if (i) buf_puts(&l, "、");
                buf_puts(&l, ds[i]);
            }
            compose_items_districts(b, &l);
            const char *ls = buf_cstr(&l);
            err_set(e, TB_ENOTFOUND, b->source, 0, 0,
                    "no findings or items for district \"%s\" in this bulletin; districts with some: %s",
                    c.district, *ls ? ls : "(none)");
            buf_free(&l);
            doc_free(c.d);
            return NULL;
        }
    }
    if (compose_all(&c) < 0) {
        doc_free(c.d);
        return NULL;
    }
    compose_normalize(c.d);
    return c.d;
}
