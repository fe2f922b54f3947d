/* layout_line.c — one paragraph, from text to positioned lines (see layout.h
 * for the rules it keeps).
 *
 * A paragraph goes through four steps:
 *   1. itemize + shape the whole paragraph once with Pango (fonts, fallback);
 *   2. cut the glyphs into clusters (one per character, usually) with a
 *      nominal advance on the character grid and a line-breaking class;
 *   3. break lines greedily on the grid, applying the kinsoku rules and
 *      squeezing punctuation where a closing mark would start a line;
 *   4. turn each line into glyph-item slices with the final advances.
 * A piece is such a paragraph with its style and line box: a body block, a
 * template text item, a table cell or a chart label. */
#include "layout_int.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"

/* ---- character classes --------------------------------------------- */

enum {
    C_NOSTART = 1,      /* may not begin a line: ，。、；：？！ closing brackets */
    C_NOEND = 2,        /* may not end a line: opening brackets */
    C_SQ_RIGHT = 4,     /* full-width mark whose right half is blank (squeezable) */
    C_SQ_LEFT = 8,      /* full-width mark whose left half is blank */
    C_WORD = 16,        /* ASCII letter/digit: no break inside a word or number */
    C_SPACE = 32,
    C_PAIR = 64         /* …… and ——: never split */
};

static unsigned char_class(uint32_t cp) {
    switch (cp) {
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF1B: case 0xFF1A: /* ，。、；： */
    case 0xFF09: case 0x300B: case 0x300D: case 0x300F: case 0x3011: /* ）》」』】 */
    case 0x3015: case 0x3009: case 0x201D: case 0x2019: case 0xFF3D: /* 〕〉”’］ */
    case 0x3017:
        return C_NOSTART | C_SQ_RIGHT;
    case 0xFF1F: case 0xFF01: case 0x30FB: case 0xFF05: case 0x2030: /* ？！・％‰ */
    case ',': case '.': case ';': case ':': case '?': case '!': case ')': case ']': case '%':
        return C_NOSTART;
    case 0xFF08: case 0x300A: case 0x300C: case 0x300E: case 0x3010: /* （《「『【 */
    case 0x3014: case 0x3008: case 0x201C: case 0x2018: case 0xFF3B: /* 〔〈“‘［ */
    case 0x3016:
        return C_NOEND | C_SQ_LEFT;
    case '(': case '[':
        return C_NOEND;
    case 0x2026: case 0x2014:
        return C_PAIR;
    case ' ': case 0x3000:
        return C_SPACE;
    }
    return lay_word_cp(cp) ? C_WORD : 0;
}

int lay_word_cp(uint32_t cp) {
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '-' ||
           cp == '/' || cp == '_' || cp == '#' || cp == '&' || cp == '+';
}

int lay_oom(lay_job *j) { return err_set(j->e, TB_EINTERNAL, NULL, 0, 0, "out of memory"); }

void lay_para_free(lay_para *p) {
    for (size_t i = 0; i < p->n_runs; i++)
        if (p->runs[i].desc) pango_font_description_free(p->runs[i].desc);
    for (size_t i = 0; i < p->n_items; i++) {
        if (p->items[i].item) pango_item_free(p->items[i].item);
        if (p->items[i].glyphs) pango_glyph_string_free(p->items[i].glyphs);
    }
    free(p->runs);
    free(p->items);
    free(p->cl);
    if (p->mem) lay_mem_drop(p->mem);
    memset(p, 0, sizeof *p);
}

static PangoFontDescription *make_desc(const tpl_style *st, double size) {
    PangoFontDescription *d = pango_font_description_new();
    if (!d) return NULL;
    pango_font_description_set_family(d, fonts_role_family(st->font));
    pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
    pango_font_description_set_weight(d, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    return d;
}

static char *font_family(PangoFont *f) {
    PangoFontDescription *fd = pango_font_describe(f);
    char *s = NULL;
    if (fd) {
        const char *fam = pango_font_description_get_family(fd);
        s = fam ? xstrdup(fam) : NULL;
        pango_font_description_free(fd);
    }
    return s;
}

static void report_fallback(lay_job *j, uint32_t cp, const char *from, PangoFont *f) {
    for (size_t i = 0; i < j->n_seen; i++)
        if (j->seen[i] == cp) return;
    if (j->n_seen == j->cap_seen) {
        size_t nc = j->cap_seen ? j->cap_seen * 2 : 16;
        uint32_t *p = xrealloc(j->seen, nc * sizeof *p);
        if (!p) return;   /* a missing report line is not worth failing the render */
        j->seen = p;
        j->cap_seen = nc;
    }
    j->seen[j->n_seen++] = cp;
    char u[5] = {0};
    utf8_encode(cp, u);
    char *to = font_family(f);
    buf_printf(&j->r->warnings, "字「%s」(U+%04X) is not in %s; drawn with %s\n", u, (unsigned)cp,
               from ? from : "the template's face", to ? to : "a fallback face");
    free(to);
}

static int is_digit(uint32_t cp);
static void glue_dates(lay_para *p);
static void adjacent_marks(lay_para *p, int squeeze);

/* Step 1 and 2: shape the paragraph and cut it into clusters. */
static int para_shape(lay_job *j, lay_para *p, lay_mem *m, const char *text, const tpl_style *runst,
                      const size_t *run_off, size_t n_runs, double size_scale) {
    lay_ctx *c = j->ctx;
    p->mem = m;
    m->refs++;
    p->text = text;
    p->len = strlen(text);
    p->n_runs = n_runs;
    p->runs = xcalloc(n_runs ? n_runs : 1, sizeof *p->runs);
    PangoAttrList *attrs = pango_attr_list_new();
    if (!attrs) return lay_oom(j);
    for (size_t i = 0; i < n_runs; i++) {
        lay_run *ri = &p->runs[i];
        ri->st = runst[i];
        ri->st.size *= size_scale;
        ri->desc = make_desc(&ri->st, ri->st.size);
        if (!ri->desc) { pango_attr_list_unref(attrs); return lay_oom(j); }
        PangoAttribute *a = pango_attr_font_desc_new(ri->desc);
        if (!a) { pango_attr_list_unref(attrs); return lay_oom(j); }
        a->start_index = (guint)run_off[i];
        a->end_index = (guint)(i + 1 < n_runs ? run_off[i + 1] : p->len);
        pango_attr_list_insert(attrs, a);
        /* the face the role stands for: any other face in an item is a fallback */
        PangoFont *pf = pango_font_map_load_font(c->fontmap, c->pango, ri->desc);
        if (pf) {
            char *fam = font_family(pf);
            ri->primary = fam ? arena_strdup(m->a, fam) : NULL;
            free(fam);
            g_object_unref(pf);
        }
    }
    GList *items = pango_itemize(c->pango, text, 0, (int)p->len, attrs, NULL);
    pango_attr_list_unref(attrs);
    size_t n_items = g_list_length(items);
    p->items = xcalloc(n_items ? n_items : 1, sizeof *p->items);
    size_t cap_cl = utf8_count(text) + 1;
    p->cl = xcalloc(cap_cl, sizeof *p->cl);
    int rc = 0;
    size_t k = 0;
    const double grid = j->t->char_pitch / j->t->body_size;   /* 15.79/16: the grid's tracking */
    for (GList *l = items; l; l = l->next, k++) {
        PangoItem *it = l->data;
        p->items[k].item = it;
        p->n_items = k + 1;
        if (rc) continue;   /* keep taking ownership so everything is freed */
        PangoGlyphString *gs = pango_glyph_string_new();
        if (!gs) { rc = lay_oom(j); continue; }
        p->items[k].glyphs = gs;
        pango_shape_full(text + it->offset, it->length, text, (int)p->len, &it->analysis, gs);
        /* which run is this item in (items never cross a font change) */
        int run = 0;
        for (size_t r = 0; r < n_runs; r++)
            if (run_off[r] <= (size_t)it->offset) run = (int)r;
        char *fam = font_family(it->analysis.font);
        const char *primary = p->runs[run].primary;
        int fallback = fam && primary && strcmp(fam, primary) != 0;
        free(fam);
        for (int g = 0; g < gs->num_glyphs;) {
            int g1 = g + 1;
            while (g1 < gs->num_glyphs && gs->log_clusters[g1] == gs->log_clusters[g]) g1++;
            size_t start = (size_t)it->offset + (size_t)gs->log_clusters[g];
            size_t end = g1 < gs->num_glyphs ? (size_t)it->offset + (size_t)gs->log_clusters[g1]
                                             : (size_t)(it->offset + it->length);
            double w = 0;
            for (int q = g; q < g1; q++) {
                if (gs->glyphs[q].glyph & PANGO_GLYPH_UNKNOWN_FLAG) {
                    size_t adv;
                    uint32_t cp = utf8_decode(text + start, end - start, &adv);
                    char u[5] = {0};
                    utf8_encode(cp, u);
                    rc = err_set(j->e, TB_EFONT, NULL, 0, 0,
                                 "no installed font has the character 「%s」 (U+%04X); install fonts-noto-cjk-extra or a font with it, or write the character differently",
                                 u, (unsigned)cp);
                    break;
                }
                w += gs->glyphs[q].geometry.width;
            }
            if (rc) break;
            if (p->n_cl < cap_cl) {
                lay_cluster *cl = &p->cl[p->n_cl++];
                size_t adv;
                cl->start = start;
                cl->end = end;
                cl->item = (int)k;
                cl->g0 = g;
                cl->g1 = g1;
                cl->run = run;
                cl->cp = utf8_decode(text + start, end - start, &adv);
                cl->cls = char_class(cl->cp);
                cl->adv = w / PANGO_SCALE * grid;
                if (cl->cls & (C_SQ_LEFT | C_SQ_RIGHT)) cl->squeeze = cl->adv / 2;
                if (fallback && !(cl->cls & C_SPACE)) report_fallback(j, cl->cp, primary, it->analysis.font);
            }
            g = g1;
        }
    }
    g_list_free(items);
    /* A full-width colon inside a time (17：00) is set half wide: its ink is
     * in the left half, and a full em makes the time read as two numbers. */
    for (size_t k = 1; k + 1 < p->n_cl; k++)
        if (p->cl[k].cp == 0xFF1A && is_digit(p->cl[k - 1].cp) && is_digit(p->cl[k + 1].cp)) {
            p->cl[k].adv /= 2;
            p->cl[k].squeeze = 0;
        }
    glue_dates(p);
    adjacent_marks(p, j->t->squeeze_adjacent);
    return rc;
}

/* ---- where a line may break ---------------------------------------------- */

static int is_digit(uint32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19); }

/* Measure words that read as one with the number before them. */
static int is_unit(uint32_t cp) {
    static const char units[] = "年月日时分秒号个期人起次名家处份条项件户点岁天元万亿%％";
    char u[5] = {0};
    utf8_encode(cp, u);
    return cp > 0x7F ? strstr(units, u) != NULL : cp == '%';
}

static int is_colon(uint32_t cp) { return cp == 0xFF1A || cp == ':'; }

/* Digits from cluster k on; returns the index after them. */
static size_t digits_at(const lay_para *p, size_t k) {
    while (k < p->n_cl && is_digit(p->cl[k].cp)) k++;
    return k;
}

/* A date or a date-time reads as one word and never breaks: 2026年11月21日,
 * 11月21日, 11月21日18：00, 21日18:00, 2026年11月.  Glue every character of
 * one to the character before it. */
static void glue_dates(lay_para *p) {
    static const uint32_t order[3] = {0x5E74, 0x6708, 0x65E5};    /* 年 月 日 */
    size_t k = 0;
    while (k < p->n_cl) {
        size_t d = digits_at(p, k);
        if (d == k || (k > 0 && is_digit(p->cl[k - 1].cp))) {
            k = d > k ? d : k + 1;
            continue;
        }
        size_t end = k, q = k;
        int parts = 0, next = 0;
        for (;;) {
            size_t e = digits_at(p, q);
            if (e == q || e >= p->n_cl) break;
            int u = 0;
            while (u < 3 && p->cl[e].cp != order[u]) u++;
            if (u == 3 || u < next) break;
            parts++;
            next = u + 1;
            q = end = e + 1;
        }
        /* a time after the day: 18：00 */
        if (parts && next == 3) {
            size_t h = digits_at(p, end);
            if (h > end && h < p->n_cl && is_colon(p->cl[h].cp) && digits_at(p, h + 1) > h + 1) {
                end = digits_at(p, h + 1);
                parts++;
            }
        }
        if (parts >= 2)
            for (size_t g = k + 1; g < end; g++) p->cl[g].glue = 1;
        k = end > k ? end : d;
    }
}

/* Adjacent punctuation (）、 ）。 。” （“): the blank halves of two marks
 * side by side are either always given up (squeeze, the same mid-line as
 * at a line end) or never (the grid's full width, everywhere). */
static void adjacent_marks(lay_para *p, int squeeze) {
    for (size_t k = 0; k + 1 < p->n_cl; k++) {
        lay_cluster *a = &p->cl[k], *b = &p->cl[k + 1];
        lay_cluster *give = NULL;
        if ((a->cls & C_SQ_RIGHT) && (b->cls & (C_SQ_RIGHT | C_SQ_LEFT))) give = a;     /* ）、  ）（ */
        else if ((a->cls & C_SQ_LEFT) && (b->cls & C_SQ_LEFT)) give = b;               /* （“ */
        if (!give || give->squeeze <= 0) continue;
        if (squeeze) {
            give->adv -= give->squeeze;
            if (give->cls & C_SQ_LEFT) give->shift = -give->squeeze;
        }
        give->squeeze = 0;
    }
}

/* How good a line break between clusters k-1 and k is. */
enum { BRK_NEVER = 0, BRK_GOOD, BRK_LAST };

int lay_can_break(const lay_para *p, size_t k) {
    if (k == 0 || k >= p->n_cl) return BRK_GOOD;
    const lay_cluster *a = &p->cl[k - 1], *b = &p->cl[k];
    if (b->hard) return BRK_GOOD;
    /* 避头尾: closing marks never start a line, opening marks never end one */
    if (b->cls & C_NOSTART) return BRK_NEVER;
    if (a->cls & C_NOEND) return BRK_NEVER;
    if ((a->cls & C_PAIR) && a->cp == b->cp) return BRK_NEVER;
    if (b->cls & C_SPACE) return BRK_NEVER;       /* break after a space, not before it */
    /* a code (JC2026-007-003) or a number is one word; a code breaks after
     * a hyphen only as a last resort (a narrow table cell) */
    if (a->cp == '-' && (b->cls & C_WORD) && k >= 2 && (p->cl[k - 2].cls & C_WORD)) return BRK_LAST;
    if ((a->cls & C_WORD) && (b->cls & C_WORD)) return BRK_NEVER;
    /* keep a number with its unit (11月, 3个) and a time whole (17：00) */
    if (is_digit(a->cp) && is_unit(b->cp)) return BRK_NEVER;
    if (k >= 2 && is_digit(p->cl[k - 2].cp) && (is_colon(a->cp) || a->cp == '.') && is_digit(b->cp)) return BRK_NEVER;
    if (b->glue) return BRK_NEVER;
    if (p->mode == LAY_BREAK_LIST)
        return a->cp == 0x3001 || a->cp == 0xFF0C || a->cp == 0xFF1B ? BRK_GOOD : BRK_LAST;   /* 、，； */
    if (p->mode == LAY_BREAK_WORDS) return b->wb ? BRK_GOOD : BRK_LAST;
    return BRK_GOOD;
}

double lay_widest_word(const lay_para *p) {
    double widest = 0, cur = 0;
    for (size_t k = 0; k < p->n_cl; k++) {
        if (!(p->cl[k].cls & C_WORD)) {
            cur = 0;
            continue;
        }
        if (k > 0 && lay_can_break(p, k) != BRK_NEVER) cur = 0;   /* a word after a non-word starts at 0 */
        cur += p->cl[k].adv;
        if (cur > widest) widest = cur;
    }
    return widest;
}

/* Spread `delta` (negative = squeeze) over a line's gaps.  Gaps inside ASCII
 * words stay closed so numbers keep their shape. */
static void spread(const lay_para *p, lay_line *ln, double delta) {
    size_t gaps = 0;
    for (size_t k = ln->c0 + 1; k < ln->c1; k++)
        if (!((p->cl[k - 1].cls & C_WORD) && (p->cl[k].cls & C_WORD))) gaps++;
    if (!gaps) return;
    double per = delta / (double)gaps;
    for (size_t k = ln->c0 + 1; k < ln->c1; k++)
        if (!((p->cl[k - 1].cls & C_WORD) && (p->cl[k].cls & C_WORD))) ln->adv[k - 1 - ln->c0] += per;
}

/* Largest share of a gap given up when squeezing a line: half a point over
 * 27 gaps is about a character, invisible to the eye. */
#define GAP_SQUEEZE 0.5

static double width_of(const lay_para *p, size_t a, size_t b) {
    double w = 0;
    for (size_t q = a; q < b; q++) w += p->cl[q].adv;
    return w;
}

/* The first break after k that is not BRK_NEVER: the end of the word at k. */
static size_t word_end(const lay_para *p, size_t k) {
    k++;
    while (k < p->n_cl && lay_can_break(p, k) == BRK_NEVER) k++;
    return k;
}

/* The line from i cannot end at e (which fits): carry characters down to
 * the last good break that keeps at least half the line, else to a last
 * resort one (a code's hyphen), else to a good break before a word that
 * fits the next line.  A run longer than a whole line (a 60-digit licence
 * number) breaks at the grid, inside the block.  Returns the new end. */
static size_t push_out(const lay_para *p, size_t i, size_t e, double W) {
    size_t good = e, any = e;
    while (good > i + 1 && lay_can_break(p, good) != BRK_GOOD) good--;
    while (any > i + 1 && lay_can_break(p, any) == BRK_NEVER) any--;
    int g_ok = good > i && lay_can_break(p, good) == BRK_GOOD;
    int a_ok = any > i && lay_can_break(p, any) != BRK_NEVER;
    if (g_ok && (good - i) * 2 >= e - i) return good;
    if (a_ok && (any - i) * 2 >= e - i) return any;
    if (g_ok && width_of(p, good, word_end(p, good)) <= W + LAY_EPS) return good;
    if (a_ok && width_of(p, any, word_end(p, any)) <= W + LAY_EPS) return any;
    return e;
}

/* A lone character (孤字) on the paragraph's last line: what is left after
 * e is one character, with or without closing marks. */
static int lone_rest(const lay_para *p, size_t e) {
    if (e >= p->n_cl || (p->cl[e].cls & C_SPACE)) return 0;
    for (size_t q = e; q < p->n_cl; q++)
        if (p->cl[q].hard) return 0;
    size_t chars = 0;
    for (size_t q = e; q < p->n_cl; q++) chars += !(p->cl[q].cls & C_NOSTART);
    return chars == 1;
}

/* Lines i..e, squeezed or stretched to W (see lay_break). */
static int make_line(const lay_para *p, size_t i, size_t e, double W, int justify, lay_line *ln) {
    assert(i <= e && e <= p->n_cl);   /* a line is a run of the paragraph's clusters */
    memset(ln, 0, sizeof *ln);
    ln->c0 = i;
    ln->c1 = e;
    ln->last = e >= p->n_cl || p->cl[e].hard;
    ln->adv = arena_alloc(p->mem->a, (e - i) * sizeof(double) + 1);
    ln->shift = arena_alloc(p->mem->a, (e - i) * sizeof(double) + 1);
    double sum = 0;
    for (size_t q = i; q < e; q++) ln->adv[q - i] = p->cl[q].adv, ln->shift[q - i] = p->cl[q].shift, sum += p->cl[q].adv;
    /* trailing spaces hang outside the measure */
    size_t te = e;
    while (te > i && (p->cl[te - 1].cls & C_SPACE)) te--, sum -= p->cl[te].adv, ln->adv[te - i] = 0;
    if (sum > W + LAY_EPS) {
        /* Squeeze, least visible first: the marks that end the line
         * (their blank half is outside the text anyway), then the gaps
         * by up to GAP_SQUEEZE each, then other marks from the end. */
        double over = sum - W;
        size_t q = te;
        while (q > i && (p->cl[q - 1].cls & (C_NOSTART | C_SQ_RIGHT)) && over > LAY_EPS) {
            q--;
            double take = p->cl[q].squeeze < over ? p->cl[q].squeeze : over;
            ln->adv[q - i] -= take;
            over -= take;
        }
        double gaps = GAP_SQUEEZE * (double)(te - i - 1);
        if (over > LAY_EPS) {
            double take = over < gaps ? over : gaps;
            spread(p, ln, -take);
            over -= take;
        }
        for (size_t r = q; r-- > i && over > LAY_EPS;) {
            double take = p->cl[r].squeeze < over ? p->cl[r].squeeze : over;
            if (take <= 0) continue;
            ln->adv[r - i] -= take;
            if (p->cl[r].cls & C_SQ_LEFT) ln->shift[r - i] -= take;
            over -= take;
        }
        if (over > LAY_EPS) spread(p, ln, -over);
        ln->squeezed = 1;
        sum = W;
    } else if (justify && !ln->last && W - sum > LAY_EPS) {
        spread(p, ln, W - sum);
        sum = W;
    }
    ln->width = sum;
    return 0;
}

/* Step 3: break into lines.  width0 = first line, width = the others. */
int lay_break(lay_job *j, lay_para *p, double width0, double width, int justify, lay_line **out, size_t *n_out) {
    size_t cap = 0, n = 0;
    lay_line *lines = NULL;
    size_t i = 0;
    const double pitch = j->t->char_pitch;
    while (i < p->n_cl) {
        double W = n == 0 ? width0 : width;
        double s = 0;
        size_t e = i;
        while (e < p->n_cl && s + p->cl[e].adv <= W + LAY_EPS && !(e > i && p->cl[e].hard)) s += p->cl[e].adv, e++;
        int squeeze = 0, pushed = 0;
        if (e < p->n_cl && !p->cl[e].hard) {
            if (e == i) e = i + 1;                 /* a cluster wider than the line */
            else if (lay_can_break(p, e) != BRK_GOOD) {
                if (lay_can_break(p, e) == BRK_NEVER) {
                    /* Push in: take what must stay with this line (closing
                     * marks, the rest of a number) if the punctuation and gaps
                     * of the line can give up the room: at most a character
                     * and a half. */
                    size_t k = e;
                    double need = s;
                    while (k < p->n_cl && k < e + 4 && lay_can_break(p, k) != BRK_GOOD) need += p->cl[k].adv, k++;
                    if (lay_can_break(p, k) == BRK_GOOD && need - W <= 1.5 * pitch) {
                        double room = 0;
                        for (size_t q = i; q < k; q++) room += p->cl[q].squeeze;
                        room += GAP_SQUEEZE * (double)(k - i - 1);
                        if (need - W <= room + LAY_EPS) e = k, squeeze = 1;
                    }
                }
                if (!squeeze) {
                    size_t e0 = e;
                    e = push_out(p, i, e, W);
                    pushed = e != e0;
                }
            }
        }
        /* No lone character on a paragraph's last line (孤字): squeeze it
         * up onto this line when the room is there, else carry one more
         * character down to keep it company. */
        if (lone_rest(p, e) && !squeeze) {
            double need = width_of(p, i, p->n_cl), room = 0;
            for (size_t q = i; q < p->n_cl; q++) room += p->cl[q].squeeze;
            room += GAP_SQUEEZE * (double)(p->n_cl - i - 1);
            /* at most a character and a half beyond the measure once the
             * final mark has given up its blank half */
            double beyond = need - W - p->cl[p->n_cl - 1].squeeze;
            /* and never more than one character beyond the grid's count */
            size_t cells = (size_t)(W / pitch + LAY_EPS);
            if (beyond <= 1.5 * pitch && need - W <= room + LAY_EPS && p->n_cl - i <= cells + 1)
                e = p->n_cl, squeeze = 1, pushed = 0;
        }
        if (lone_rest(p, e)) {
            size_t k = e - 1;
            while (k > i + 1 && lay_can_break(p, k) != BRK_GOOD) k--;
            if (k > i + 1 && lay_can_break(p, k) == BRK_GOOD) e = k, squeeze = 0, pushed = 1;
        }
        arena_grow(p->mem->a, (void **)&lines, &cap, n, sizeof *lines);
        lay_line *ln = &lines[n++];
        if (make_line(p, i, e, W, justify, ln) < 0) return -1;
        ln->pushed = pushed;
        assert(e > i);   /* every line takes at least one cluster: the loop ends */
        i = e;
    }
    *out = lines;
    *n_out = n;
    return 0;
}

/* Lines ending at the given breaks (cluster indices, ascending, the last
 * one n_cl), unjustified: a title broken where layout_title.c chose. */
int lay_lines_at(lay_job *j, const lay_para *p, const size_t *ends, size_t n, double width, lay_line **out) {
    (void)j;   /* the lines live with the paragraph */
    lay_line *lines = arena_alloc(p->mem->a, (n ? n : 1) * sizeof *lines);
    assert(n == 0 || ends[n - 1] == p->n_cl);   /* the breaks cover the paragraph */
    for (size_t k = 0, i = 0; k < n; i = ends[k++])
        if (make_line(p, i, ends[k], width, 0, &lines[k]) < 0) return -1;
    *out = lines;
    return 0;
}

/* Distance from the baseline up to the top of the ink of the paragraph's
 * first visible character (positive: above the baseline); 0 if none. */
double lay_ink_top(const lay_para *p) {
    for (size_t k = 0; k < p->n_cl; k++) {
        const lay_cluster *c = &p->cl[k];
        if (c->cls & C_SPACE) continue;
        const lay_shaped *si = &p->items[c->item];
        PangoRectangle ink;
        pango_font_get_glyph_extents(si->item->analysis.font, si->glyphs->glyphs[c->g0].glyph, &ink, NULL);
        return -(double)ink.y / PANGO_SCALE;
    }
    return 0;
}

/* Step 4: emit a line's glyphs as ops at (x, baseline). */
int lay_emit_line(lay_job *j, const lay_para *p, const lay_line *ln, double x, double baseline, lay_page *pg) {
    size_t q = ln->c0;
    double pen = x;
    while (q < ln->c1) {
        const lay_cluster *c0 = &p->cl[q];
        size_t q1 = q + 1;
        while (q1 < ln->c1 && p->cl[q1].item == c0->item && p->cl[q1].run == c0->run &&
               p->cl[q1].g0 == p->cl[q1 - 1].g1)
            q1++;
        const lay_shaped *si = &p->items[c0->item];
        int ng = 0;
        for (size_t k = q; k < q1; k++) ng += p->cl[k].g1 - p->cl[k].g0;
        size_t bstart = c0->start, bend = p->cl[q1 - 1].end;
        int nchars = 0;
        for (size_t b = bstart; b < bend; b++)
            if (((unsigned char)p->text[b] & 0xC0) != 0x80) nchars++;
        PangoItem *it = pango_item_copy(si->item);
        PangoGlyphString *gs = pango_glyph_string_new();
        if (!it || !gs) {
            if (it) pango_item_free(it);
            if (gs) pango_glyph_string_free(gs);
            return lay_oom(j);
        }
        it->offset = (int)bstart;
        it->length = (int)(bend - bstart);
        it->num_chars = nchars;
        pango_glyph_string_set_size(gs, ng);
        int gi = 0;
        double run_w = 0;
        int base = (int)(bstart - (size_t)si->item->offset);
        for (size_t k = q; k < q1; k++) {
            const lay_cluster *c = &p->cl[k];
            double want = ln->adv[k - ln->c0], have = 0;
            for (int g = c->g0; g < c->g1; g++, gi++) {
                gs->glyphs[gi] = si->glyphs->glyphs[g];
                gs->log_clusters[gi] = si->glyphs->log_clusters[g] - base;
                if (g == c->g0) gs->glyphs[gi].geometry.x_offset += (int)lround(ln->shift[k - ln->c0] * PANGO_SCALE);
                if (g + 1 < c->g1) have += gs->glyphs[gi].geometry.width / (double)PANGO_SCALE;
                else gs->glyphs[gi].geometry.width = (int)lround((want - have) * PANGO_SCALE);
            }
            run_w += want;
        }
        lay_op *op = lay_push_op(j, pg, LAY_GLYPHS);
        op->x = pen;
        op->y = baseline;
        memcpy(op->rgb, p->runs[c0->run].st.rgb, sizeof op->rgb);
        op->gi.item = it;
        op->gi.glyphs = gs;
        op->text = p->text;
        pen += run_w;
        q = q1;
    }
    return 0;
}

/* ---- text pieces: runs of a block, or a template text item ------------ */

/* Substitute {field} references; returns NULL when a referenced field is
 * missing or empty (the template item is then left out). */
const char *lay_subst(lay_job *j, const char *pat) {
    buf b;
    buf_init(&b);
    for (const char *s = pat; *s;) {
        const char *o = strchr(s, '{'), *cbr = o ? strchr(o, '}') : NULL;
        if (!o || !cbr) {
            buf_puts(&b, s);
            break;
        }
        buf_add(&b, s, (size_t)(o - s));
        char name[64];
        size_t nl = (size_t)(cbr - o - 1);
        if (nl >= sizeof name) nl = sizeof name - 1;
        memcpy(name, o + 1, nl);
        name[nl] = 0;
        /* to-moved: the 主送 when layout moved it into the 版记 (GB/T 9704
         * 7.3.2: it would have pushed the body off the first page) */
        const char *v = !strcmp(name, "to-moved") ? (j->to_moved ? doc_field_get(j->d, "to") : NULL)
                                                  : doc_field_get(j->d, name);
        if (!v || !*v) {
            buf_free(&b);
            return NULL;
        }
        buf_puts(&b, v);
        s = cbr + 1;
    }
    const char *r = buf_cstr(&b) ? arena_strdup(j->r->arena, buf_cstr(&b)) : NULL;
    buf_free(&b);
    return r;
}

static double text_width(const lay_para *p) {
    double w = 0;
    for (size_t k = 0; k < p->n_cl; k++) w += p->cl[k].adv;
    return w;
}

/* Shape and break one piece of text.  runs/styles are parallel arrays.
 * measure: the line box (pt) for a table cell or a chart label, <= 0 for
 * the text block; align: a tpl_align overriding the style's, or -1. */
int lay_piece_build_in(lay_job *j, lay_piece *pc, const char *block_style, const char *const *texts,
                          const char *const *run_styles, size_t n, int nowrap, double measure, int align) {
    const tpl_template *t = j->t;
    memset(pc, 0, sizeof *pc);
    tpl_resolve(t, block_style, NULL, &pc->st);
    if (align >= 0) pc->st.align = (tpl_align)align;
    pc->lead = pc->st.line_pitch > 0 ? pc->st.line_pitch : 1;
    pc->left = pc->st.left_indent * t->char_pitch;
    pc->avail = (measure > 0 ? measure : t->block_w) - pc->left - pc->st.right_indent * t->char_pitch;
    if (pc->avail < t->char_pitch / 4) pc->avail = t->char_pitch / 4;   /* indents wider than a cell */
    pc->keep = pc->st.keep_with_next;
    buf all;
    buf_init(&all);
    size_t *off = xcalloc(n ? n : 1, sizeof *off);
    tpl_style *rs = xcalloc(n ? n : 1, sizeof *rs);
    /* an explicit line break (a title's '|', passed on as a line feed) is
     * not text: it is taken out, and the character after it starts a line */
    size_t hard[16], n_hard = 0;
    for (size_t i = 0; i < n; i++) {
        off[i] = all.len;
        for (const char *c = texts[i]; *c; c++) {
            if (*c != '\n') buf_add(&all, c, 1);
            else if (n_hard < sizeof hard / sizeof *hard) hard[n_hard++] = all.len;
        }
        tpl_resolve(t, block_style, run_styles ? run_styles[i] : NULL, &rs[i]);
    }
    lay_mem *m = lay_mem_hold(j);
    const char *text = arena_strdup(m->a, buf_cstr(&all));
    buf_free(&all);
    int rc = para_shape(j, &pc->p, m, text, rs, off, n, 1.0);
    double scale = 1;
    if (rc == 0 && pc->st.fit && text_width(&pc->p) > pc->avail + LAY_EPS) {
        /* shrink the whole piece to one line: a long issuer name in the 版头 */
        scale = pc->avail / text_width(&pc->p) * 0.999;
        lay_para_free(&pc->p);
        rc = para_shape(j, &pc->p, m, text, rs, off, n, scale);
    }
    lay_mem_drop(m);
    pc->size = (n ? rs[0].size : pc->st.size) * scale;
    free(off);
    free(rs);
    if (rc) return rc;
    for (size_t k = 0, h = 0; k < pc->p.n_cl && h < n_hard; k++) {
        while (h < n_hard && hard[h] < pc->p.cl[k].start) h++;
        if (h < n_hard && hard[h] == pc->p.cl[k].start && k > 0) pc->p.cl[k].hard = 1;
    }
    double indent = pc->st.indent * pc->st.size * (t->char_pitch / t->body_size);
    double big = 1e9;
    rc = lay_break(j, &pc->p, nowrap ? big : pc->avail - indent, nowrap ? big : pc->avail,
                    pc->st.align == TPL_JUSTIFY, &pc->lines, &pc->n_lines);
    /* a centred title over several lines: between words, balanced */
    if (rc == 0 && !nowrap && (pc->n_lines > 1 || n_hard) && pc->st.align == TPL_CENTER && indent == 0)
        rc = lay_title_break(j, pc);
    return rc;
}

int lay_piece_build(lay_job *j, lay_piece *pc, const char *block_style, const char *const *texts,
                       const char *const *run_styles, size_t n, int nowrap) {
    return lay_piece_build_in(j, pc, block_style, texts, run_styles, n, nowrap, 0, -1);
}

double lay_line_x(const lay_piece *pc, const lay_line *ln, size_t idx, const tpl_template *t) {
    double x = pc->left + pc->x_off;
    if (pc->st.align == TPL_UNDER_PREVIOUS) return x;   /* placed by lay_document */
    if (idx == 0) x += pc->st.indent * pc->st.size * (t->char_pitch / t->body_size);
    else x += pc->hang;
    switch (pc->st.align) {
    case TPL_CENTER:
    case TPL_CENTER_OVER_NEXT:
        return x + (pc->avail - ln->width) / 2;
    case TPL_RIGHT:
        return x + (pc->avail - ln->width);
    default:
        return x;
    }
}

/* Where a text line's baseline goes: the top of the ideographic em box (0.88
 * of the size above the baseline in CJK faces) sits on the top of its grid
 * cell, so the 版心 starts exactly at the template's top margin. */
double lay_baseline(double top, double size) {
    return top + 0.88 * size;
}

