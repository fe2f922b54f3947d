/* layout.c — line breaking, justification and pagination (see layout.h).
 *
 * A paragraph goes through four steps:
 *   1. itemize + shape the whole paragraph once with Pango (fonts, fallback);
 *   2. cut the glyphs into clusters (one per character, usually) with a
 *      nominal advance on the character grid and a line-breaking class;
 *   3. break lines greedily on the grid, applying the kinsoku rules and
 *      squeezing punctuation where a closing mark would start a line;
 *   4. turn each line into glyph-item slices with the final advances.
 * Pagination then places lines on grid lines, page by page. */
#include "layout.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"

#define EPS 0.01

struct lay_ctx {
    PangoFontMap *fontmap;
    PangoContext *pango;
};

lay_ctx *layout_ctx_new(err *e) {
    lay_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        return NULL;
    }
    c->fontmap = fonts_new_fontmap();
    c->pango = c->fontmap ? pango_font_map_create_context(c->fontmap) : NULL;
    if (!c->pango) {
        layout_ctx_free(c);
        err_set(e, TB_EFONT, NULL, 0, 0, "cannot create a Pango context; is fontconfig set up?");
        return NULL;
    }
    /* Unhinted metrics, unrounded positions: the grid arithmetic is in
     * fractions of a point and must not be rounded to device pixels. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(c->pango, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(c->pango, FALSE);
    pango_context_set_language(c->pango, pango_language_from_string("zh-cn"));
    pango_context_set_base_dir(c->pango, PANGO_DIRECTION_LTR);
    return c;
}

void layout_ctx_free(lay_ctx *c) {
    if (!c) return;
    if (c->pango) g_object_unref(c->pango);
    if (c->fontmap) g_object_unref(c->fontmap);
    free(c);
}

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
    if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
        cp == '-' || cp == '/' || cp == '_' || cp == '#' || cp == '&' || cp == '+')
        return C_WORD;
    return 0;
}

/* ---- paragraph model ------------------------------------------------- */

typedef struct {
    size_t start, end;          /* bytes in the paragraph text */
    int item;                   /* index into the item table */
    int g0, g1;                 /* glyph range within the item's glyph string */
    int run;                    /* index into the run table */
    uint32_t cp;
    unsigned cls;
    double adv;                 /* nominal advance on the grid, points */
    double squeeze;             /* how much of adv may be given up */
} cluster;

typedef struct {
    tpl_style st;               /* resolved style of the run */
    PangoFontDescription *desc;
    const char *primary;        /* family of the face the role resolves to */
} run_info;

typedef struct {
    PangoItem *item;
    PangoGlyphString *glyphs;
} shaped_item;

typedef struct {
    const char *text;           /* arena copy */
    size_t len;
    run_info *runs;
    size_t n_runs;
    shaped_item *items;
    size_t n_items;
    cluster *cl;
    size_t n_cl;
} para;

typedef struct {
    size_t c0, c1;              /* cluster range */
    double width;               /* final width after squeeze/stretch */
    double x;                   /* offset of the line start from the block's left edge */
    int last;                   /* last line of the paragraph */
    double *adv;                /* final advance per cluster (c1-c0), arena */
    double *shift;              /* glyph shift per cluster (opening-mark squeeze) */
    int squeezed, pushed;
} line;

static void para_free(para *p) {
    for (size_t i = 0; i < p->n_runs; i++)
        if (p->runs[i].desc) pango_font_description_free(p->runs[i].desc);
    for (size_t i = 0; i < p->n_items; i++) {
        if (p->items[i].item) pango_item_free(p->items[i].item);
        if (p->items[i].glyphs) pango_glyph_string_free(p->items[i].glyphs);
    }
    free(p->runs);
    free(p->items);
    free(p->cl);
    memset(p, 0, sizeof *p);
}

typedef struct {
    lay_ctx *ctx;
    const tpl_template *t;
    const doc_document *d;
    lay_result *r;
    err *e;
    /* reported fallback characters, to say each only once */
    uint32_t *seen;
    size_t n_seen, cap_seen;
} job;

static int oom(job *j) { return err_set(j->e, TB_EINTERNAL, NULL, 0, 0, "out of memory"); }

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
        s = fam ? strdup(fam) : NULL;
        pango_font_description_free(fd);
    }
    return s;
}

static void report_fallback(job *j, uint32_t cp, const char *from, PangoFont *f) {
    for (size_t i = 0; i < j->n_seen; i++)
        if (j->seen[i] == cp) return;
    if (j->n_seen == j->cap_seen) {
        size_t nc = j->cap_seen ? j->cap_seen * 2 : 16;
        uint32_t *p = realloc(j->seen, nc * sizeof *p);
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

/* Step 1 and 2: shape the paragraph and cut it into clusters. */
static int para_shape(job *j, para *p, const char *text, const tpl_style *runst, const size_t *run_off,
                      size_t n_runs, double size_scale) {
    lay_ctx *c = j->ctx;
    p->text = text;
    p->len = strlen(text);
    p->n_runs = n_runs;
    p->runs = calloc(n_runs ? n_runs : 1, sizeof *p->runs);
    if (!p->runs) return oom(j);
    PangoAttrList *attrs = pango_attr_list_new();
    if (!attrs) return oom(j);
    for (size_t i = 0; i < n_runs; i++) {
        run_info *ri = &p->runs[i];
        ri->st = runst[i];
        ri->st.size *= size_scale;
        ri->desc = make_desc(&ri->st, ri->st.size);
        if (!ri->desc) { pango_attr_list_unref(attrs); return oom(j); }
        PangoAttribute *a = pango_attr_font_desc_new(ri->desc);
        if (!a) { pango_attr_list_unref(attrs); return oom(j); }
        a->start_index = (guint)run_off[i];
        a->end_index = (guint)(i + 1 < n_runs ? run_off[i + 1] : p->len);
        pango_attr_list_insert(attrs, a);
        /* the face the role stands for: any other face in an item is a fallback */
        PangoFont *pf = pango_font_map_load_font(c->fontmap, c->pango, ri->desc);
        if (pf) {
            char *fam = font_family(pf);
            ri->primary = fam ? arena_strdup(j->r->arena, fam) : NULL;
            free(fam);
            g_object_unref(pf);
        }
    }
    GList *items = pango_itemize(c->pango, text, 0, (int)p->len, attrs, NULL);
    pango_attr_list_unref(attrs);
    size_t n_items = g_list_length(items);
    p->items = calloc(n_items ? n_items : 1, sizeof *p->items);
    size_t cap_cl = utf8_count(text) + 1;
    p->cl = calloc(cap_cl, sizeof *p->cl);
    if (!p->items || !p->cl) {
        g_list_free_full(items, (GDestroyNotify)pango_item_free);
        return oom(j);
    }
    int rc = 0;
    size_t k = 0;
    const double grid = j->t->char_pitch / j->t->body_size;   /* 15.79/16: the grid's tracking */
    for (GList *l = items; l; l = l->next, k++) {
        PangoItem *it = l->data;
        p->items[k].item = it;
        p->n_items = k + 1;
        if (rc) continue;   /* keep taking ownership so everything is freed */
        PangoGlyphString *gs = pango_glyph_string_new();
        if (!gs) { rc = oom(j); continue; }
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
                cluster *cl = &p->cl[p->n_cl++];
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
    return rc;
}

static int is_digit(uint32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19); }

/* Measure words that read as one with the number before them. */
static int is_unit(uint32_t cp) {
    static const char units[] = "年月日时分秒号个期人起次名家处份条项件户点岁天元万亿%％";
    char u[5] = {0};
    utf8_encode(cp, u);
    return cp > 0x7F ? strstr(units, u) != NULL : cp == '%';
}

/* May a line break fall between clusters k-1 and k? */
static int can_break(const para *p, size_t k) {
    if (k == 0 || k >= p->n_cl) return 1;
    const cluster *a = &p->cl[k - 1], *b = &p->cl[k];
    if (b->cls & C_NOSTART) return 0;
    if (a->cls & C_NOEND) return 0;
    /* a long code (JC2026-007-003) may break after a hyphen, not elsewhere */
    if (a->cp == '-' && (b->cls & C_WORD) && k >= 2 && (p->cl[k - 2].cls & C_WORD)) return 1;
    if ((a->cls & C_WORD) && (b->cls & (C_WORD | C_NOSTART))) return 0;
    if ((a->cls & C_PAIR) && a->cp == b->cp) return 0;
    /* keep a number with its unit (11月, 17：00, 3个) */
    if (is_digit(a->cp) && is_unit(b->cp)) return 0;
    if (k >= 2 && is_digit(p->cl[k - 2].cp) && (a->cp == 0xFF1A || a->cp == ':' || a->cp == '.') && is_digit(b->cp))
        return 0;
    if (b->cls & C_SPACE) return 0;       /* break after a space, not before it */
    return 1;
}

/* Spread `delta` (negative = squeeze) over a line's gaps.  Gaps inside ASCII
 * words stay closed so numbers keep their shape. */
static void spread(const para *p, line *ln, double delta) {
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

/* Step 3: break into lines.  width0 = first line, width = the others. */
static int para_break(job *j, para *p, double width0, double width, int justify, line **out, size_t *n_out) {
    size_t cap = 0, n = 0;
    line *lines = NULL;
    size_t i = 0;
    while (i < p->n_cl) {
        double W = n == 0 ? width0 : width;
        double s = 0;
        size_t e = i;
        while (e < p->n_cl && s + p->cl[e].adv <= W + EPS) s += p->cl[e].adv, e++;
        int squeeze = 0, pushed = 0;
        if (e < p->n_cl) {
            if (e == i) e = i + 1;                 /* a cluster wider than the line */
            else if (!can_break(p, e)) {
                /* Push in: take what must stay with this line (closing marks,
                 * the rest of a number) if the punctuation and gaps of the
                 * line can give up the room: at most a character and a half. */
                size_t k = e;
                double need = s;
                while (k < p->n_cl && k < e + 4 && !can_break(p, k)) need += p->cl[k].adv, k++;
                if (can_break(p, k) && need - W <= 1.5 * j->t->char_pitch) {
                    double room = 0;
                    for (size_t q = i; q < k; q++) room += p->cl[q].squeeze;
                    room += GAP_SQUEEZE * (double)(k - i - 1);
                    if (need - W <= room + EPS) e = k, squeeze = 1;
                }
                if (!squeeze) {
                    /* Push out: carry characters down until the break is legal. */
                    while (e > i + 1 && !can_break(p, e)) e--, pushed = 1;
                }
            }
        }
        /* No lone character on a paragraph's last line (孤字): if what is
         * left is one character, or one and its closing mark, squeeze it up
         * onto this line when the room is there. */
        if (e < p->n_cl && !squeeze) {
            size_t rest = p->n_cl - e;
            int lone = rest == 1 || (rest == 2 && (p->cl[e + 1].cls & C_NOSTART));
            if (lone && !(p->cl[e].cls & C_SPACE)) {
                double need = 0, room = 0;
                for (size_t q = i; q < p->n_cl; q++) need += p->cl[q].adv, room += p->cl[q].squeeze;
                room += GAP_SQUEEZE * (double)(p->n_cl - i - 1);
                /* at most a character and a half beyond the measure once the
                 * final mark has given up its blank half */
                double beyond = need - W - p->cl[p->n_cl - 1].squeeze;
                /* and never more than one character beyond the grid's count */
                size_t cells = (size_t)(W / j->t->char_pitch + EPS);
                if (beyond <= 1.5 * j->t->char_pitch && need - W <= room + EPS && p->n_cl - i <= cells + 1)
                    e = p->n_cl, squeeze = 1, pushed = 0;
            }
        }
        if (arena_grow(j->r->arena, (void **)&lines, &cap, n, sizeof *lines) < 0) return oom(j);
        line *ln = &lines[n++];
        memset(ln, 0, sizeof *ln);
        ln->c0 = i;
        ln->c1 = e;
        ln->last = e >= p->n_cl;
        ln->adv = arena_alloc(j->r->arena, (e - i) * sizeof(double) + 1);
        ln->shift = arena_alloc(j->r->arena, (e - i) * sizeof(double) + 1);
        if (!ln->adv || !ln->shift) return oom(j);
        double sum = 0;
        for (size_t q = i; q < e; q++) ln->adv[q - i] = p->cl[q].adv, sum += p->cl[q].adv;
        /* trailing spaces hang outside the measure */
        size_t te = e;
        while (te > i && (p->cl[te - 1].cls & C_SPACE)) te--, sum -= p->cl[te].adv, ln->adv[te - i] = 0;
        if (sum > W + EPS) {
            /* Squeeze, least visible first: the marks that end the line
             * (their blank half is outside the text anyway), then the gaps
             * by up to GAP_SQUEEZE each, then other marks from the end. */
            double over = sum - W;
            size_t q = te;
            while (q > i && (p->cl[q - 1].cls & (C_NOSTART | C_SQ_RIGHT)) && over > EPS) {
                q--;
                double take = p->cl[q].squeeze < over ? p->cl[q].squeeze : over;
                ln->adv[q - i] -= take;
                over -= take;
            }
            double gaps = GAP_SQUEEZE * (double)(te - i - 1);
            if (over > EPS) {
                double take = over < gaps ? over : gaps;
                spread(p, ln, -take);
                over -= take;
            }
            for (size_t r = q; r-- > i && over > EPS;) {
                double take = p->cl[r].squeeze < over ? p->cl[r].squeeze : over;
                if (take <= 0) continue;
                ln->adv[r - i] -= take;
                if (p->cl[r].cls & C_SQ_LEFT) ln->shift[r - i] = -take;
                over -= take;
            }
            if (over > EPS) spread(p, ln, -over);
            ln->squeezed = 1;
            sum = W;
        } else if (justify && !ln->last && W - sum > EPS) {
            spread(p, ln, W - sum);
            sum = W;
        }
        ln->pushed = pushed;
        ln->width = sum;
        i = e;
    }
    *out = lines;
    *n_out = n;
    return 0;
}

/* A new, zeroed op at the end of the page's display list (NULL: out of memory). */
static lay_op *push_op(job *j, lay_page *pg, lay_op_kind kind) {
    if (arena_grow(j->r->arena, (void **)&pg->ops, &pg->cap_ops, pg->n_ops, sizeof *pg->ops) < 0) {
        oom(j);
        return NULL;
    }
    lay_op *op = &pg->ops[pg->n_ops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

/* Step 4: emit a line's glyphs as ops at (x, baseline). */
static int emit_line(job *j, const para *p, const line *ln, double x, double baseline, lay_page *pg) {
    size_t q = ln->c0;
    double pen = x;
    while (q < ln->c1) {
        const cluster *c0 = &p->cl[q];
        size_t q1 = q + 1;
        while (q1 < ln->c1 && p->cl[q1].item == c0->item && p->cl[q1].run == c0->run &&
               p->cl[q1].g0 == p->cl[q1 - 1].g1)
            q1++;
        const shaped_item *si = &p->items[c0->item];
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
            return oom(j);
        }
        it->offset = (int)bstart;
        it->length = (int)(bend - bstart);
        it->num_chars = nchars;
        pango_glyph_string_set_size(gs, ng);
        int gi = 0;
        double run_w = 0;
        int base = (int)(bstart - (size_t)si->item->offset);
        for (size_t k = q; k < q1; k++) {
            const cluster *c = &p->cl[k];
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
        lay_op *op = push_op(j, pg, LAY_GLYPHS);
        if (!op) {
            pango_item_free(it);
            pango_glyph_string_free(gs);
            return -1;
        }
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

typedef struct {
    para p;
    line *lines;
    size_t n_lines;
    tpl_style st;               /* paragraph style (block) */
    double lead;                /* grid lines per text line */
    double left, avail;         /* line box: offset from block left, width */
    double size;                /* size of the block style (after fit) */
    double x_off;               /* extra shift of every line (center-over-next) */
    double hang;                /* lines after the first start this much further in */
    const char *outline;
    int keep;
    struct tbl *tb;             /* a table block's cells (DOC_TABLE) */
} piece;

/* Substitute {field} references; returns NULL when a referenced field is
 * missing or empty (the template item is then left out). */
static const char *subst(job *j, const char *pat) {
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
        const char *v = doc_field_get(j->d, name);
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

static double text_width(const para *p) {
    double w = 0;
    for (size_t k = 0; k < p->n_cl; k++) w += p->cl[k].adv;
    return w;
}

/* Shape and break one piece of text.  runs/styles are parallel arrays.
 * measure: the line box (pt) for a table cell or a chart label, <= 0 for
 * the text block; align: a tpl_align overriding the style's, or -1. */
static int piece_build_in(job *j, piece *pc, const char *block_style, const char *const *texts,
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
    size_t *off = calloc(n ? n : 1, sizeof *off);
    tpl_style *rs = calloc(n ? n : 1, sizeof *rs);
    if (!off || !rs) {
        free(off);
        free(rs);
        return oom(j);
    }
    for (size_t i = 0; i < n; i++) {
        off[i] = all.len;
        buf_puts(&all, texts[i]);
        tpl_resolve(t, block_style, run_styles ? run_styles[i] : NULL, &rs[i]);
    }
    const char *text = buf_cstr(&all) ? arena_strdup(j->r->arena, buf_cstr(&all)) : NULL;
    buf_free(&all);
    if (!text) {
        free(off);
        free(rs);
        return oom(j);
    }
    int rc = para_shape(j, &pc->p, text, rs, off, n, 1.0);
    if (rc == 0 && pc->st.fit && text_width(&pc->p) > pc->avail + EPS) {
        /* shrink the whole piece to one line: a long issuer name in the 版头 */
        double scale = pc->avail / text_width(&pc->p) * 0.999;
        para_free(&pc->p);
        rc = para_shape(j, &pc->p, text, rs, off, n, scale);
    }
    pc->size = (n ? rs[0].size : pc->st.size);
    free(off);
    free(rs);
    if (rc) return rc;
    double indent = pc->st.indent * pc->st.size * (t->char_pitch / t->body_size);
    double big = 1e9;
    rc = para_break(j, &pc->p, nowrap ? big : pc->avail - indent, nowrap ? big : pc->avail,
                    pc->st.align == TPL_JUSTIFY, &pc->lines, &pc->n_lines);
    if (rc == 0 && !nowrap && pc->n_lines > 1 && pc->st.align == TPL_CENTER) {
        /* A centred title over several lines is balanced: the narrowest
         * measure that still gives the same number of lines, so 通报 never
         * dangles alone under a full line. */
        size_t want = pc->n_lines;
        double step = pc->size * (t->char_pitch / t->body_size) / 2;
        for (double w = text_width(&pc->p) / (double)want; w < pc->avail; w += step) {
            line *ls;
            size_t n;
            if ((rc = para_break(j, &pc->p, w, w, 0, &ls, &n)) < 0) break;
            if (n == want) {
                pc->lines = ls;
                break;
            }
        }
    }
    return rc;
}

static int piece_build(job *j, piece *pc, const char *block_style, const char *const *texts,
                       const char *const *run_styles, size_t n, int nowrap) {
    return piece_build_in(j, pc, block_style, texts, run_styles, n, nowrap, 0, -1);
}

static double line_x(const piece *pc, const line *ln, size_t idx, const tpl_template *t) {
    double x = pc->left + pc->x_off;
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
static double baseline_in(double top, double size) {
    return top + 0.88 * size;
}

/* ---- pagination ------------------------------------------------------- */

static lay_page *new_page(job *j) {
    lay_result *r = j->r;
    if (arena_grow(r->arena, (void **)&r->pages, &r->cap_pages, r->n_pages, sizeof *r->pages) < 0) {
        oom(j);
        return NULL;
    }
    lay_page *pg = &r->pages[r->n_pages++];
    memset(pg, 0, sizeof *pg);
    return pg;
}

/* A rule between any two points (table grid, chart axes). */
static int add_line(job *j, lay_page *pg, double x0, double y0, double x1, double y1, double weight,
                    const double rgb[3]) {
    lay_op *op = push_op(j, pg, LAY_RULE);
    if (!op) return -1;
    op->x = x0;
    op->y = y0;
    op->x2 = x1;
    op->y2 = y1;
    op->weight = weight;
    memcpy(op->rgb, rgb, sizeof op->rgb);
    return 0;
}

/* A horizontal rule (版头 red line, 版记 rules). */
static int add_rule(job *j, lay_page *pg, double x0, double x1, double y, double weight, const double rgb[3]) {
    return add_line(j, pg, x0, y, x1, y, weight, rgb);
}

static int add_rect(job *j, lay_page *pg, double x, double y, double w, double h, const double rgb[3]) {
    lay_op *op = push_op(j, pg, LAY_RECT);
    if (!op) return -1;
    op->x = x;
    op->y = y;
    op->x2 = w;
    op->y2 = h;
    memcpy(op->rgb, rgb, sizeof op->rgb);
    return 0;
}

/* A one-line template text item (head, tail, folio): either `text` or a
 * left/right pair.  top = top of its cell. */
static int place_item(job *j, lay_page *pg, const tpl_item *it, double top) {
    const tpl_template *t = j->t;
    const char *parts[2] = {it->text ? it->text : it->left, it->text ? NULL : it->right};
    for (int side = 0; side < 2; side++) {
        if (!parts[side]) continue;
        const char *s = subst(j, parts[side]);
        if (!s) continue;
        piece pc;
        const char *texts[1] = {s};
        if (piece_build(j, &pc, it->style ? it->style : "body", texts, NULL, 1, 1) < 0) {
            para_free(&pc.p);
            return -1;
        }
        if (pc.n_lines) {
            if (!it->text && side == 1) pc.st.align = TPL_RIGHT;
            if (!it->text && side == 0) pc.st.align = TPL_LEFT;
            double x = t->left + line_x(&pc, &pc.lines[0], 0, t);
            double base = baseline_in(top, pc.size);
            if (emit_line(j, &pc.p, &pc.lines[0], x, base, pg) < 0) {
                para_free(&pc.p);
                return -1;
            }
        }
        para_free(&pc.p);
    }
    return 0;
}

/* Does a text item have everything it refers to? */
static int item_present(job *j, const tpl_item *it) {
    if (it->kind != TPL_ITEM_TEXT) return 1;
    if (it->text) return subst(j, it->text) != NULL;
    return (it->left && subst(j, it->left)) || (it->right && subst(j, it->right));
}

static int place_head(job *j, lay_page *pg) {
    const tpl_template *t = j->t;
    double y = 0;   /* flow position for items without top= */
    for (size_t i = 0; i < t->n_head; i++) {
        const tpl_item *it = &t->head[i];
        double top = it->top >= 0 ? it->top : y;
        if (it->kind == TPL_ITEM_RULE) {
            if (add_rule(j, pg, t->left, t->left + t->block_w, t->top + top, it->weight, it->rgb) < 0) return -1;
            y = top + it->weight;
        } else {
            if (!item_present(j, it)) continue;
            tpl_style st;
            tpl_resolve(t, it->style, NULL, &st);
            if (place_item(j, pg, it, t->top + top) < 0) return -1;
            y = top + st.size;
        }
    }
    return 0;
}

/* A 版记 text line, broken to the block: a long 抄送 list wraps, and its
 * continuation lines start under the first character after 抄送： (GB/T 9704
 * 7.4.2: 回行时与冒号后的首字对齐).  A line that fits is laid out exactly as
 * a one-line item.  Returns 0 with pc->n_lines == 0 when the item is absent. */
static int tail_piece(job *j, const tpl_item *it, piece *pc) {
    memset(pc, 0, sizeof *pc);
    const char *s = subst(j, it->text);
    if (!s) return 0;
    const char *texts[1] = {s};
    if (piece_build(j, pc, it->style ? it->style : "body", texts, NULL, 1, 1) < 0) return -1;
    double indent = pc->st.indent * pc->st.size * (j->t->char_pitch / j->t->body_size);
    if (pc->n_lines && pc->lines[0].width > pc->avail - indent + EPS) {
        double hang = 0;
        size_t k = 0;
        while (k < pc->p.n_cl && pc->p.cl[k].cp != 0xFF1A && pc->p.cl[k].cp != ':') hang += pc->p.cl[k++].adv;
        hang = k < pc->p.n_cl && hang + pc->p.cl[k].adv < pc->avail / 2 ? indent + hang + pc->p.cl[k].adv : 0;
        line *ls;
        size_t n;
        if (para_break(j, &pc->p, pc->avail - indent, pc->avail - hang, 1, &ls, &n) < 0) return -1;
        pc->lines = ls;
        pc->n_lines = n;
        pc->hang = hang;
    }
    return 0;
}

/* 版记: each text item takes a grid line (a wrapped one more), rules sit on
 * the lines between; the block ends on the last grid line of the page.
 * Returns the lines used, or -1. */
static int tail_lines(job *j) {
    int n = 0;
    for (size_t i = 0; i < j->t->n_tail; i++) {
        const tpl_item *it = &j->t->tail[i];
        if (it->kind != TPL_ITEM_TEXT || !item_present(j, it)) continue;
        if (!it->text) {
            n++;
            continue;
        }
        piece pc;
        int rc = tail_piece(j, it, &pc);
        n += (int)pc.n_lines;
        para_free(&pc.p);
        if (rc < 0) return -1;
    }
    return n;
}

static int place_tail(job *j, lay_page *pg, int n) {
    const tpl_template *t = j->t;
    double y = t->top + t->block_h - n * t->line_pitch;
    int last_rule = 0;
    for (size_t i = 0; i < t->n_tail; i++) {
        const tpl_item *it = &t->tail[i];
        if (it->kind == TPL_ITEM_RULE) {
            if (last_rule) continue;     /* an item left out: no double rule */
            if (add_rule(j, pg, t->left, t->left + t->block_w, y, it->weight, it->rgb) < 0) return -1;
            last_rule = 1;
        } else if (item_present(j, it)) {
            tpl_style st;
            tpl_resolve(t, it->style, NULL, &st);
            double off = (t->line_pitch - st.size) / 2 - 0.06 * st.size;
            if (!it->text) {
                if (place_item(j, pg, it, y + off) < 0) return -1;
                y += t->line_pitch;
            } else {
                piece pc;
                int rc = tail_piece(j, it, &pc);
                for (size_t l = 0; rc == 0 && l < pc.n_lines; l++) {
                    rc = emit_line(j, &pc.p, &pc.lines[l], t->left + line_x(&pc, &pc.lines[l], l, t),
                                   baseline_in(y + off, pc.size), pg);
                    y += t->line_pitch;
                }
                para_free(&pc.p);
                if (rc < 0) return -1;
            }
            last_rule = 0;
        }
    }
    return 0;
}

static int place_folio(job *j, lay_page *pg, int pageno) {
    const tpl_template *t = j->t;
    char num[16];
    snprintf(num, sizeof num, "%d", pageno);
    /* {page} is not a document field: substitute it here */
    buf b;
    buf_init(&b);
    const char *f = t->folio_format;
    const char *p = strstr(f, "{page}");
    if (p) {
        buf_add(&b, f, (size_t)(p - f));
        buf_puts(&b, num);
        buf_puts(&b, p + 6);
    } else buf_puts(&b, f);
    if (!buf_cstr(&b)) return oom(j);
    piece pc;
    const char *texts[1] = {buf_cstr(&b)};
    int rc = piece_build(j, &pc, t->folio_style, texts, NULL, 1, 1);
    buf_free(&b);
    if (rc < 0) {
        para_free(&pc.p);
        return -1;
    }
    double inset = t->folio_inset * pc.size;
    double w = pc.n_lines ? pc.lines[0].width : 0, x;
    if (!t->folio_outer) x = t->left + (t->block_w - w) / 2;
    else if (pageno % 2) x = t->left + t->block_w - inset - w;
    else x = t->left + inset;
    double top = t->top + t->block_h + t->folio_below;
    if (pc.n_lines) rc = emit_line(j, &pc.p, &pc.lines[0], x, baseline_in(top, pc.size), pg);
    para_free(&pc.p);
    return rc;
}

static int add_outline(job *j, const char *label, int page, double y) {
    lay_result *r = j->r;
    if (arena_grow(r->arena, (void **)&r->outlines, &r->cap_outlines, r->n_outlines, sizeof *r->outlines) < 0)
        return oom(j);
    lay_outline *o = &r->outlines[r->n_outlines++];
    o->label = arena_strdup(r->arena, label);
    o->page = page;
    o->y = y;
    return o->label ? 0 : oom(j);
}

/* ---- tables ------------------------------------------------------------

 * A table is laid out off the grid: its rows are as tall as their tallest
 * cell, and every cell is broken by the same line breaker as the body, at
 * the cell's own measure.  Pagination keeps rows whole (a row that does not
 * fit goes to the next page, below a repeated header); only a row taller
 * than a page is split, and then between two lines, never inside one. */

typedef struct tbl {
    const doc_table *dt;
    piece *cells;               /* n_rows × n_cols; a span row uses its first */
    size_t n_rows, n_cols, n_head;
    double *col_x;              /* n_cols + 1 column edges from the table's left */
    unsigned char *snug;        /* per column: narrowed to its longest cell */
    double x0, width;           /* the table's left edge on the page, its width */
    double *lead;               /* per row: pt per text line */
    size_t *nl;                 /* per row: text lines (at least 1) */
} tbl;

static void tbl_free(tbl *tb) {
    if (!tb) return;
    for (size_t k = 0; tb->cells && k < tb->n_rows * tb->n_cols; k++) para_free(&tb->cells[k].p);
    free(tb->cells);
    free(tb->col_x);
    free(tb->snug);
    free(tb->lead);
    free(tb->nl);
    free(tb);
}

static int tpl_align_of(doc_align a) {
    switch (a) {
    case DOC_ALIGN_LEFT: return TPL_LEFT;
    case DOC_ALIGN_CENTER: return TPL_CENTER;
    case DOC_ALIGN_RIGHT: return TPL_RIGHT;
    case DOC_ALIGN_JUSTIFY: return TPL_JUSTIFY;
    default: return -1;
    }
}

/* Break a shaped cell at a new measure. */
static int cell_break(job *j, piece *cp, double measure) {
    const tpl_template *t = j->t;
    cp->avail = measure - cp->left - cp->st.right_indent * t->char_pitch;
    if (cp->avail < t->char_pitch / 4) cp->avail = t->char_pitch / 4;
    double indent = cp->st.indent * cp->st.size * (t->char_pitch / t->body_size);
    return para_break(j, &cp->p, cp->avail - indent, cp->avail, cp->st.align == TPL_JUSTIFY, &cp->lines, &cp->n_lines);
}

/* The text box of cell (r, c): its offset from the column's left edge and
 * its measure.  Where nothing was narrowed to fit, the measure is a whole
 * number of the cell's characters, centred in the column: a justified CJK
 * line then needs no stretching between characters. */
static void cell_box(const tbl *tb, size_t r, size_t c, double em, double *off, double *measure) {
    const doc_table *dt = tb->dt;
    int span = dt->rows[r].span;
    double w = span ? tb->width : tb->col_x[c + 1] - tb->col_x[c];
    double m = w - 2 * dt->pad_x;
    if (!span && !tb->snug[c] && em > 0) {
        double whole = floor(m / em + 1e-6) * em;
        if (whole >= em) m = whole;
    }
    *measure = m;
    *off = span ? dt->pad_x : (w - m) / 2;
}

/* Phase 1 for a table: shape every cell, fit the columns, break the cells. */
static int table_build(job *j, const doc_table *dt, piece *pc) {
    const tpl_template *t = j->t;
    tbl *tb = calloc(1, sizeof *tb);
    if (!tb) return oom(j);
    pc->tb = tb;
    tb->dt = dt;
    tb->n_rows = dt->n_rows;
    tb->n_cols = dt->n_cols;
    tb->cells = calloc(dt->n_rows * dt->n_cols + 1, sizeof *tb->cells);
    tb->col_x = calloc(dt->n_cols + 1, sizeof *tb->col_x);
    tb->snug = calloc(dt->n_cols + 1, sizeof *tb->snug);
    tb->lead = calloc(dt->n_rows + 1, sizeof *tb->lead);
    tb->nl = calloc(dt->n_rows + 1, sizeof *tb->nl);
    double *natural = calloc(dt->n_cols + 1, sizeof *natural), *w = calloc(dt->n_cols + 1, sizeof *w);
    if (!tb->cells || !tb->col_x || !tb->snug || !tb->lead || !tb->nl || !natural || !w) {
        free(natural);
        free(w);
        return oom(j);
    }
    int rc = 0;
    /* shape each cell once, on one line, to learn its natural width */
    for (size_t r = 0; rc == 0 && r < dt->n_rows; r++) {
        const doc_row *row = &dt->rows[r];
        if (row->head && r == tb->n_head) tb->n_head++;
        const char *style = row->head ? dt->head_style : row->span ? dt->span_style : dt->cell_style;
        size_t ncell = row->span ? 1 : dt->n_cols;
        for (size_t c = 0; rc == 0 && c < ncell; c++) {
            piece *cp = &tb->cells[r * dt->n_cols + c];
            int align = row->head || row->span ? -1 : tpl_align_of(dt->cols[c].align);
            const char *texts[1] = {row->cells[c]};
            rc = piece_build_in(j, cp, style, texts, NULL, 1, 1, 0, align);
            if (rc == 0 && !row->span && cp->n_lines && cp->lines[0].width > natural[c]) natural[c] = cp->lines[0].width;
        }
    }
    /* Fit: a column whose longest cell is shorter than its width gives the
     * difference (rounded to half a grid column) to the fill column. */
    size_t fill = dt->n_cols;
    double slack = 0, half = t->char_pitch / 2;
    for (size_t c = 0; c < dt->n_cols; c++) {
        w[c] = dt->cols[c].width * t->char_pitch;
        if (dt->cols[c].fill && fill == dt->n_cols) fill = c;
    }
    for (size_t c = 0; fill < dt->n_cols && c < dt->n_cols; c++) {
        if (c == fill) continue;
        double need = ceil((natural[c] + 2 * dt->pad_x) / half - 1e-6) * half;
        if (need < w[c] - EPS) {
            slack += w[c] - need;
            w[c] = need;
            tb->snug[c] = 1;
        }
    }
    if (fill < dt->n_cols) w[fill] += slack;
    for (size_t c = 0; c < dt->n_cols; c++) tb->col_x[c + 1] = tb->col_x[c] + w[c];
    tb->width = tb->col_x[dt->n_cols];
    /* columns narrower than the block (no fill column): the table is centred */
    tb->x0 = t->left + (t->block_w - tb->width) / 2;
    for (size_t r = 0; rc == 0 && r < dt->n_rows; r++) {
        size_t ncell = dt->rows[r].span ? 1 : dt->n_cols;
        tb->nl[r] = 1;
        for (size_t c = 0; rc == 0 && c < ncell; c++) {
            piece *cp = &tb->cells[r * dt->n_cols + c];
            double off, m;
            cell_box(tb, r, c, cp->size * (t->char_pitch / t->body_size), &off, &m);
            rc = cell_break(j, cp, m);
            if (cp->n_lines > tb->nl[r]) tb->nl[r] = cp->n_lines;
            if (c == 0) tb->lead[r] = cp->lead * t->line_pitch;
        }
    }
    free(natural);
    free(w);
    if (rc) return rc;
    /* what a table needs to start on a page: its header and first row */
    double need = 0;
    for (size_t r = 0; r < dt->n_rows && r <= tb->n_head; r++) need += tb->nl[r] * tb->lead[r] + 2 * dt->pad_y;
    pc->lead = ceil(need / t->line_pitch - EPS);
    return 0;
}

static double row_height(const tbl *tb, size_t r, size_t l0, size_t l1) {
    return (double)(l1 - l0) * tb->lead[r] + 2 * tb->dt->pad_y;
}

/* Draw lines l0..l1-1 of row r with its top edge at y.  top_rule: the row
 * opens the table on this page.  whole: all of the row's lines are here, so
 * shorter cells are centred vertically (a split row is top-aligned). */
static int table_row(job *j, lay_page *pg, const tbl *tb, size_t r, size_t l0, size_t l1, double y, int top_rule) {
    const tpl_template *t = j->t;
    const doc_table *dt = tb->dt;
    const doc_row *row = &dt->rows[r];
    double h = row_height(tb, r, l0, l1), lead = tb->lead[r], x0 = tb->x0, w = dt->rule_weight;
    int whole = l0 == 0 && l1 == tb->nl[r];
    if (row->head && dt->has_head_fill && add_rect(j, pg, x0, y, tb->width, h, dt->head_fill) < 0) return -1;
    size_t ncell = row->span ? 1 : tb->n_cols;
    for (size_t c = 0; c < ncell; c++) {
        piece *cp = &tb->cells[r * tb->n_cols + c];
        double box, m;
        cell_box(tb, r, c, cp->size * (t->char_pitch / t->body_size), &box, &m);
        double cx = x0 + tb->col_x[c] + box;
        double off = whole ? (double)(tb->nl[r] - cp->n_lines) * lead / 2 : 0;
        for (size_t l = l0; l < l1 && l < cp->n_lines; l++) {
            double em_top = y + dt->pad_y + off + (double)(l - l0) * lead + (lead - cp->size) / 2;
            if (emit_line(j, &cp->p, &cp->lines[l], cx + line_x(cp, &cp->lines[l], l, t),
                          baseline_in(em_top, cp->size), pg) < 0)
                return -1;
        }
    }
    if (w <= 0) return 0;
    /* horizontals reach over the verticals' half-width so corners close */
    if (top_rule && add_line(j, pg, x0 - w / 2, y, x0 + tb->width + w / 2, y, w, dt->rule_rgb) < 0) return -1;
    if (add_line(j, pg, x0 - w / 2, y + h, x0 + tb->width + w / 2, y + h, w, dt->rule_rgb) < 0) return -1;
    for (size_t c = 0; c <= tb->n_cols; c++) {
        if (row->span && c != 0 && c != tb->n_cols) continue;
        if (add_line(j, pg, x0 + tb->col_x[c], y, x0 + tb->col_x[c], y + h, w, dt->rule_rgb) < 0) return -1;
    }
    return 0;
}

static int table_head(job *j, lay_page *pg, const tbl *tb, double *y) {
    for (size_t r = 0; r < tb->n_head; r++) {
        if (table_row(j, pg, tb, r, 0, tb->nl[r], *y, r == 0) < 0) return -1;
        *y += row_height(tb, r, 0, tb->nl[r]);
    }
    return 0;
}

/* Phase 2 for a table: place it from grid line *line_no of *pgp; on return
 * *line_no is the first whole grid line below it. */
static int table_place(job *j, const tbl *tb, lay_page **pgp, double *line_no) {
    const tpl_template *t = j->t;
    const double top = t->top, bottom = t->top + t->block_h;
    double y = top + *line_no * t->line_pitch;
    double head_h = 0;
    for (size_t r = 0; r < tb->n_head; r++) head_h += row_height(tb, r, 0, tb->nl[r]);
    size_t r = tb->n_head, from = 0;        /* next row, and its first line not yet placed */
    int need_head = 1;
    do {
        if (need_head) {
            /* a header alone at the foot of a page is no use: it needs the
             * first line of a row under it */
            double first = r < tb->n_rows ? row_height(tb, r, 0, 1) : 0;
            if (y + head_h + first > bottom + EPS && y > top + EPS) {
                (*pgp)->body_lines = (int)ceil((y - top) / t->line_pitch - EPS);
                if (!(*pgp = new_page(j))) return -1;
                y = top;
            }
            if (table_head(j, *pgp, tb, &y) < 0) return -1;
            need_head = 0;
        }
        if (r >= tb->n_rows) break;
        double h = row_height(tb, r, from, tb->nl[r]), need = h;
        /* a group heading stays with the row under it */
        if (tb->dt->rows[r].span && r + 1 < tb->n_rows) need += row_height(tb, r + 1, 0, tb->nl[r + 1]);
        if (y + need <= bottom + EPS) {
            if (table_row(j, *pgp, tb, r, from, tb->nl[r], y, 0) < 0) return -1;
            y += h;
            r++;
            from = 0;
            continue;
        }
        int alone = y <= top + head_h + EPS;   /* nothing but the header on this page */
        double room = bottom - top - head_h;
        if (!alone && (need <= room + EPS || tb->dt->rows[r].span)) {
            /* the usual case: the whole row moves to the next page */
            (*pgp)->body_lines = t->lines;
            if (!(*pgp = new_page(j))) return -1;
            y = top;
            need_head = 1;
            continue;
        }
        if (y + h <= bottom + EPS) {
            /* it fits, but what it is kept with does not: give up the keep */
            if (table_row(j, *pgp, tb, r, from, tb->nl[r], y, 0) < 0) return -1;
            y += h;
            r++;
            from = 0;
            continue;
        }
        /* taller than a page: split between lines */
        double fit = (bottom - y - 2 * tb->dt->pad_y) / tb->lead[r];
        size_t k = fit > 0 ? (size_t)floor(fit + EPS) : 0;
        if (k == 0 && alone) k = 1;           /* never loop on a page too small for one line */
        if (k > 0) {
            if (from + k > tb->nl[r]) k = tb->nl[r] - from;
            if (table_row(j, *pgp, tb, r, from, from + k, y, 0) < 0) return -1;
            from += k;
            if (from >= tb->nl[r]) {
                y += row_height(tb, r, from - k, from);
                r++;
                from = 0;
                continue;
            }
        }
        (*pgp)->body_lines = t->lines;
        if (!(*pgp = new_page(j))) return -1;
        y = top;
        need_head = 1;
    } while (r < tb->n_rows);
    *line_no = ceil((y - top) / t->line_pitch - EPS);
    return 0;
}

/* ---- figures ------------------------------------------------------------ */

/* One text item of a figure, at the figure's origin (ox, oy). */
static int figure_text(job *j, lay_page *pg, const doc_fig_item *it, double ox, double oy) {
    piece pc;
    const char *texts[1] = {it->text};
    int align = it->align == DOC_ALIGN_CENTER ? TPL_CENTER : it->align == DOC_ALIGN_RIGHT ? TPL_RIGHT : TPL_LEFT;
    int rc = piece_build_in(j, &pc, it->style ? it->style : "chart", texts, NULL, 1, it->x2 <= 0, it->x2, align);
    if (rc == 0 && it->use_rgb)
        for (size_t k = 0; k < pc.p.n_runs; k++) memcpy(pc.p.runs[k].st.rgb, it->rgb, sizeof it->rgb);
    /* labels are set solid-ish: 1.2 × their size per line, not on the grid */
    for (size_t l = 0; rc == 0 && l < pc.n_lines; l++) {
        double w = pc.lines[l].width;
        double x = ox + it->x - (align == TPL_CENTER ? w / 2 : align == TPL_RIGHT ? w : 0);
        rc = emit_line(j, &pc.p, &pc.lines[l], x, baseline_in(oy + it->y + (double)l * 1.2 * pc.size, pc.size), pg);
    }
    para_free(&pc.p);
    return rc;
}

/* A figure takes whole grid lines, so the text after it stays on the grid;
 * it moves to the next page when it does not fit. */
static int figure_place(job *j, const doc_figure *f, lay_page **pgp, double *line_no, double page_top) {
    const tpl_template *t = j->t;
    double nl = ceil(f->height / t->line_pitch - EPS);
    if (*line_no + nl > t->lines + EPS && *line_no > page_top + EPS) {
        (*pgp)->body_lines = (int)ceil(*line_no);
        if (!(*pgp = new_page(j))) return -1;
        *line_no = 0;
    }
    double ox = t->left, oy = t->top + *line_no * t->line_pitch;
    for (size_t i = 0; i < f->n_items; i++) {
        const doc_fig_item *it = &f->items[i];
        int rc = 0;
        if (it->kind == DOC_FIG_RECT) rc = add_rect(j, *pgp, ox + it->x, oy + it->y, it->x2, it->y2, it->rgb);
        else if (it->kind == DOC_FIG_RULE)
            rc = add_line(j, *pgp, ox + it->x, oy + it->y, ox + it->x2, oy + it->y2, it->weight, it->rgb);
        else rc = figure_text(j, *pgp, it, ox, oy);
        if (rc < 0) return -1;
    }
    *line_no += nl;
    return 0;
}

lay_result *layout_document(lay_ctx *c, const doc_document *d, const tpl_template *t, err *e) {
    arena *a = arena_new();
    lay_result *r = a ? arena_alloc(a, sizeof *r) : NULL;
    if (!r) {
        arena_free(a);
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        return NULL;
    }
    r->arena = a;
    r->page_w = t->page_w;
    r->page_h = t->page_h;
    buf_init(&r->warnings);
    job J = {c, t, d, r, e, NULL, 0, 0}, *j = &J;
    int rc = 0;

    /* Phase 1: shape and break every block. */
    piece *pcs = calloc(d->n_blocks ? d->n_blocks : 1, sizeof *pcs);
    if (!pcs) rc = oom(j);
    for (size_t b = 0; rc == 0 && b < d->n_blocks; b++) {
        const doc_block *blk = &d->blocks[b];
        if (blk->kind == DOC_TABLE) {
            rc = table_build(j, blk->table, &pcs[b]);
            continue;
        }
        if (blk->kind == DOC_FIGURE) {
            pcs[b].lead = ceil(blk->figure->height / t->line_pitch - EPS);
            continue;
        }
        const char **texts = calloc(blk->n_runs ? blk->n_runs : 1, sizeof *texts);
        const char **styles = calloc(blk->n_runs ? blk->n_runs : 1, sizeof *styles);
        if (!texts || !styles) rc = oom(j);
        for (size_t k = 0; rc == 0 && k < blk->n_runs; k++) {
            texts[k] = blk->runs[k].text;
            styles[k] = blk->runs[k].style;
        }
        if (rc == 0) rc = piece_build(j, &pcs[b], blk->style, texts, styles, blk->n_runs, 0);
        pcs[b].outline = blk->outline;
        if (blk->keep_with_next) pcs[b].keep = 1;
        free(texts);
        free(styles);
    }
    /* center-over-next: a 署名 centred on the 成文日期 below it */
    for (size_t b = 0; rc == 0 && b + 1 < d->n_blocks; b++) {
        piece *pc = &pcs[b], *nx = &pcs[b + 1];
        if (pc->st.align != TPL_CENTER_OVER_NEXT || !pc->n_lines || !nx->n_lines) continue;
        double nx_left = line_x(nx, &nx->lines[0], 0, t), nx_mid = nx_left + nx->lines[0].width / 2;
        double mid = line_x(pc, &pc->lines[0], 0, t) + pc->lines[0].width / 2;
        pc->x_off = nx_mid - mid;
    }

    /* Phase 2: place lines on the grid, page by page. */
    lay_page *pg = rc ? NULL : new_page(j);
    if (!pg && rc == 0) rc = -1;
    double line_no = rc ? 0 : t->head_lines;
    if (rc == 0 && place_head(j, pg) < 0) rc = -1;
    for (size_t b = 0; rc == 0 && b < d->n_blocks; b++) {
        piece *pc = &pcs[b];
        const doc_block *blk = &d->blocks[b];
        if (blk->kind == DOC_PARA && !pc->n_lines) continue;
        double page_top = r->n_pages == 1 ? t->head_lines : 0;
        if (blk->page_break && line_no > page_top + EPS) {
            pg->body_lines = (int)ceil(line_no);
            if (!(pg = new_page(j))) { rc = -1; break; }
            line_no = 0;
        }
        if (blk->kind == DOC_TABLE) {
            rc = table_place(j, pc->tb, &pg, &line_no);
            continue;
        }
        if (blk->kind == DOC_FIGURE) {
            rc = figure_place(j, blk->figure, &pg, &line_no, page_top);
            continue;
        }
        double before = pc->st.space_before;
        if (line_no > (b == 0 ? t->head_lines : 0) && line_no + before < t->lines) line_no += before;
        /* keep a heading with the first line of what follows */
        double need = pc->n_lines * pc->lead;
        if (pc->keep && b + 1 < d->n_blocks) need += pcs[b + 1].st.space_before + pcs[b + 1].lead;
        if (pc->keep && line_no + need > t->lines && line_no > 0 && need <= t->lines) {
            if (!(pg = new_page(j))) { rc = -1; break; }
            line_no = 0;
        }
        for (size_t l = 0; rc == 0 && l < pc->n_lines; l++) {
            if (line_no + pc->lead > t->lines + EPS) {
                pg->body_lines = (int)line_no;
                if (!(pg = new_page(j))) { rc = -1; break; }
                line_no = 0;
            }
            double top = t->top + line_no * t->line_pitch;
            if (l == 0 && pc->outline && add_outline(j, pc->outline, (int)r->n_pages, top) < 0) rc = -1;
            line *ln = &pc->lines[l];
            double x = t->left + line_x(pc, ln, l, t);
            if (rc == 0) rc = emit_line(j, &pc->p, ln, x, baseline_in(top, pc->size), pg);
            r->lines_total++;
            if (!ln->last && pc->st.align == TPL_JUSTIFY) r->lines_full++;
            r->lines_squeezed += ln->squeezed;
            r->lines_pushed += ln->pushed;
            line_no += pc->lead;
        }
        line_no += pc->st.space_after;
    }
    if (rc == 0) {
        int tl = tail_lines(j);
        if (tl < 0) rc = -1;
        if (tl > 0) {
            if (line_no > t->lines - tl + EPS) {
                pg->body_lines = (int)line_no;
                if (!(pg = new_page(j))) rc = -1;
                line_no = 0;
            }
            if (rc == 0) rc = place_tail(j, pg, tl);
        }
        if (pg) pg->body_lines = (int)ceil(line_no);
    }
    for (size_t p = 0; rc == 0 && p < r->n_pages; p++) rc = place_folio(j, &r->pages[p], (int)p + 1);

    for (size_t b = 0; pcs && b < d->n_blocks; b++) {
        para_free(&pcs[b].p);
        tbl_free(pcs[b].tb);
    }
    free(pcs);
    free(J.seen);
    if (rc) {
        layout_free(r);
        return NULL;
    }
    return r;
}

void layout_free(lay_result *r) {
    if (!r) return;
    for (size_t p = 0; p < r->n_pages; p++)
        for (size_t k = 0; k < r->pages[p].n_ops; k++) {
            lay_op *op = &r->pages[p].ops[k];
            if (op->kind != LAY_GLYPHS) continue;
            if (op->gi.item) pango_item_free(op->gi.item);
            if (op->gi.glyphs) pango_glyph_string_free(op->gi.glyphs);
        }
    buf_free(&r->warnings);
    arena_free(r->arena);
}
