/* layout_title.c — a centred title over several lines (GB/T 9704 7.3.1:
 * 回行时，要做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形
 * 或菱形).
 *
 * Lines break only between words: ICU's word break iterator, which knows
 * Chinese words from its dictionary (疫情|防控, never 防|控), gives the
 * places; the rules of the line breaker (避头尾, whole numbers and dates)
 * still apply, and a break the input asks for (a '|' in the title, which
 * compose passes on as a line feed) is always taken.  Of all the ways to
 * set the title in the fewest lines, the one chosen has the most even
 * lines among those shaped as a trapezoid (each line longer, or each
 * shorter, than the one above) or a diamond (longer, then shorter): never
 * a rectangle of equal lines or an hourglass. */
#include "layout_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

#define TITLE_MAX_LINES 4

/* Mark the clusters a word starts at (lay_cluster.wb).  Without ICU's
 * answer (an error) every cluster is a word start: the title still breaks,
 * only less well. */
static void word_starts(lay_para *p) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, p->text, (int32_t)p->len, &st);
    st = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)n16 + 1) * sizeof *u);
    size_t *byte_at = malloc(((size_t)n16 + 2) * sizeof *byte_at);
    UBreakIterator *bi = NULL;
    if (u && byte_at) u_strFromUTF8(u, n16 + 1, NULL, p->text, (int32_t)p->len, &st);
    if (u && byte_at && U_SUCCESS(st)) bi = ubrk_open(UBRK_WORD, "zh", u, n16, &st);
    if (!bi || U_FAILURE(st)) {
        for (size_t k = 0; k < p->n_cl; k++) p->cl[k].wb = 1;
    } else {
        /* UTF-16 index -> byte offset */
        size_t b = 0;
        int32_t i = 0;
        while (i < n16 && b < p->len) {
            byte_at[i] = b;
            size_t adv;
            uint32_t cp = utf8_decode(p->text + b, p->len - b, &adv);
            b += adv ? adv : 1;
            i += cp > 0xFFFF ? 2 : 1;
            if (cp > 0xFFFF && i - 1 < n16) byte_at[i - 1] = byte_at[i - 2];
        }
        byte_at[n16] = p->len;
        size_t k = 0;
        for (int32_t pos = ubrk_first(bi); pos != UBRK_DONE; pos = ubrk_next(bi)) {
            size_t off = byte_at[pos < n16 ? pos : n16];
            while (k < p->n_cl && p->cl[k].start < off) k++;
            if (k < p->n_cl && p->cl[k].start == off) p->cl[k].wb = 1;
        }
    }
    if (bi) ubrk_close(bi);
    free(u);
    free(byte_at);
}

/* The template's lexicon: no break inside one of its words, a break
 * allowed at either end.  Shorter words first, so a longer one (疫情防控)
 * wins over its parts. */
static void lexicon_words(lay_para *p, const tpl_template *t) {
    size_t longest = 0;
    for (size_t w = 0; w < t->n_lexicon; w++)
        if (strlen(t->lexicon[w]) > longest) longest = strlen(t->lexicon[w]);
    for (size_t len = 1; len <= longest; len++)
        for (size_t w = 0; w < t->n_lexicon; w++) {
            if (strlen(t->lexicon[w]) != len) continue;
            for (const char *at = strstr(p->text, t->lexicon[w]); at; at = strstr(at + 1, t->lexicon[w])) {
                size_t s = (size_t)(at - p->text), e = s + len;
                for (size_t k = 0; k < p->n_cl; k++) {
                    if (p->cl[k].start == s || p->cl[k].start == e) p->cl[k].wb = 1;
                    else if (p->cl[k].start > s && p->cl[k].start < e) p->cl[k].wb = 0;
                }
            }
        }
}

/* A title's shape: every line a whole-character width, none wider than the
 * measure; valid when not all equal and without a line shorter than both
 * neighbours.  Lower cost is better: the widest line first, then a top
 * line no longer than the bottom one (正梯形). */
static int shape_ok(const double *w, size_t n) {
    if (n < 2) return 1;
    int all_equal = 1;
    for (size_t k = 1; k < n; k++)
        if (fabs(w[k] - w[0]) > 0.25) all_equal = 0;
    if (all_equal) return 0;
    for (size_t k = 1; k + 1 < n; k++)
        if (w[k] < w[k - 1] - 0.25 && w[k] < w[k + 1] - 0.25) return 0;   /* hourglass */
    return 1;
}

typedef struct {
    const lay_para *p;
    const double *prefix;       /* prefix[k]: width of clusters 0..k-1, in characters */
    const size_t *cand;         /* allowed break positions, ascending */
    size_t n_cand;
    const unsigned char *must;  /* must[i]: cand[i] is an explicit break */
    double width;               /* the measure, in characters */
    size_t lines;
    size_t cur[TITLE_MAX_LINES], best[TITLE_MAX_LINES];
    double best_cost;
    int found;
} search;

static void consider(search *s) {
    double w[TITLE_MAX_LINES];
    size_t start = 0;
    for (size_t k = 0; k < s->lines; k++) {
        size_t end = k + 1 < s->lines ? s->cur[k] : s->p->n_cl;
        w[k] = s->prefix[end] - s->prefix[start];
        if (w[k] > s->width + 0.01) return;
        start = end;
    }
    double max = 0;
    for (size_t k = 0; k < s->lines; k++)
        if (w[k] > max) max = w[k];
    double cost = max + (shape_ok(w, s->lines) ? 0 : 1000) + (w[0] > w[s->lines - 1] + 0.25 ? 0.25 : 0);
    if (!s->found || cost < s->best_cost - 1e-9) {
        s->found = 1;
        s->best_cost = cost;
        memcpy(s->best, s->cur, sizeof s->best);
    }
}

/* Choose breaks k.. of the current line count from candidates from i on. */
static void choose(search *s, size_t k, size_t i) {
    if (k + 1 == s->lines) {
        /* every explicit break must be among the chosen ones */
        for (size_t q = i; q < s->n_cand; q++)
            if (s->must[q]) return;
        consider(s);
        return;
    }
    for (size_t q = i; q < s->n_cand; q++) {
        s->cur[k] = s->cand[q];
        choose(s, k + 1, q + 1);
        if (s->must[q]) break;   /* an explicit break cannot be skipped */
    }
}

/* Break piece pc (already shaped, first-line indent none) as a title at
 * measure `avail` (pt).  Returns 0 and leaves pc->lines alone when no
 * setting in TITLE_MAX_LINES lines exists (the caller keeps its own). */
int lay_title_break(lay_job *j, lay_piece *pc) {
    lay_para *p = &pc->p;
    if (p->n_cl < 2) return 0;
    word_starts(p);
    lexicon_words(p, j->t);
    p->mode = LAY_BREAK_WORDS;
    double em = pc->size * (j->t->char_pitch / j->t->body_size);
    double *prefix = calloc(p->n_cl + 1, sizeof *prefix);
    size_t *cand = calloc(p->n_cl, sizeof *cand);
    unsigned char *must = calloc(p->n_cl, 1);
    if (!prefix || !cand || !must) {
        free(prefix);
        free(cand);
        free(must);
        return lay_oom(j);
    }
    for (size_t k = 0; k < p->n_cl; k++) prefix[k + 1] = prefix[k] + p->cl[k].adv / em;
    size_t n_cand = 0;
    for (size_t k = 1; k < p->n_cl; k++)
        if (p->cl[k].hard || lay_can_break(p, k) == 1) {
            must[n_cand] = p->cl[k].hard;
            cand[n_cand++] = k;
        }
    /* the fewest lines that give a good shape; failing that, the fewest
     * lines at all */
    search s = {p, prefix, cand, n_cand, must, pc->avail / em + 0.01, 0, {0}, {0}, 0, 0};
    size_t fallback[TITLE_MAX_LINES], fb_lines = 0;
    for (s.lines = 1; s.lines <= TITLE_MAX_LINES && s.lines <= n_cand + 1; s.lines++) {
        s.found = 0;
        choose(&s, 0, 0);
        if (s.found && s.best_cost < 1000) break;
        if (s.found && !fb_lines) {
            fb_lines = s.lines;
            memcpy(fallback, s.best, sizeof fallback);
        }
    }
    if (!(s.found && s.best_cost < 1000) && fb_lines) {
        s.found = 1;
        s.lines = fb_lines;
        memcpy(s.best, fallback, sizeof fallback);
    } else if (!(s.found && s.best_cost < 1000)) {
        s.found = 0;
    }
    int rc = 0;
    if (s.found) {
        size_t ends[TITLE_MAX_LINES];
        for (size_t k = 0; k + 1 < s.lines; k++) ends[k] = s.best[k];
        ends[s.lines - 1] = p->n_cl;
        lay_line *ls;
        rc = lay_lines_at(j, p, ends, s.lines, pc->avail, &ls);
        if (rc == 0) {
            pc->lines = ls;
            pc->n_lines = s.lines;
        }
    }
    free(prefix);
    free(cand);
    free(must);
    return rc;
}
