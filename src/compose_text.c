/* compose_text.c — the small text rules compose builds on: Chinese numerals
 * (一, 十一, 一百零一), dates in the bulletin's style (docs/format.md rules 5 and
 * 7: 11月22日17：00, 2026年11月21日) and how a piece of text ends (its
 * closing mark), so joins never double a mark (rule 4). */
#include "compose_int.h"
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numerals ----------------------------------------------------------- */

static const char *const CN_DIGIT[10] = {
    "零", "一", "二", "三", "四", "五", "六", "七", "八", "九"
};

/* One four-digit section (0..9999).  `top` is set for the leading section,
 * where 10–19 are written 十, 十一 … rather than 一十, 一十一 (but 110 is
 * 一百一十 and 10010 is 一万零一十: the bare 十 only opens a number). */
static void cn_section(buf *o, int x, int top) {
    static const int pos[4] = {1000, 100, 10, 1};
    static const char *const unit[4] = {"千", "百", "十", ""};
    int started = 0, zero = 0;
    for (int k = 0; k < 4; k++) {
        int dg = (x / pos[k]) % 10;
        if (dg == 0) {
            if (started) zero = 1;
            continue;
        }
        if (zero) buf_puts(o, "零");
        zero = 0;
        if (pos[k] == 10 && dg == 1 && !started && top)
            buf_puts(o, "十");
        else {
            buf_puts(o, CN_DIGIT[dg]);
            buf_puts(o, unit[k]);
        }
        started = 1;
    }
}

/* Copy s into out, cutting at a code-point boundary if it does not fit. */
static void copy_out(const char *s, char *out, size_t outlen) {
    if (!out || outlen == 0) return;
    size_t n = strlen(s);
    if (n >= outlen) {
        n = outlen - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    memcpy(out, s, n);
    out[n] = 0;
}

void compose_cn_number(int n, char *out, size_t outlen) {
    char tmp[96];
    if (n < 0 || n > 99999999) {
        /* Nobody numbers a hundred million categories; Arabic digits keep the
         * output readable instead of failing. */
        snprintf(tmp, sizeof tmp, "%d", n);
        copy_out(tmp, out, outlen);
        return;
    }
    buf o;
    buf_init(&o);
    if (n == 0) {
        buf_puts(&o, "零");
    } else {
        int hi = n / 10000, lo = n % 10000;
        if (hi) {
            cn_section(&o, hi, 1);
            buf_puts(&o, "万");
            if (lo) {
                if (lo < 1000) buf_puts(&o, "零");
                cn_section(&o, lo, 0);
            }
        } else {
            cn_section(&o, lo, 1);
        }
    }
    const char *s = buf_cstr(&o);
    if (s) {
        copy_out(s, out, outlen);
    } else {
        /* out of memory for a few dozen bytes: fall back to digits */
        snprintf(tmp, sizeof tmp, "%d", n);
        copy_out(tmp, out, outlen);
    }
    buf_free(&o);
}

/* ---- dates ---------------------------------------------------------------- */

/* ISO 8601 as the model keeps it: YYYY-MM-DD, optionally followed by
 * THH:MM or THH:MM:SS (a space is accepted for T; seconds are not printed);
 * the calendar rule is date.h's. */
int compose_parse_iso(const char *s, compose_dt *t) {
    memset(t, 0, sizeof *t);
    date_val v;
    if (date_parse(s, DATE_TIME | DATE_SECONDS | DATE_SPACE, &v, NULL, 0) < 0) return -1;
    *t = (compose_dt){v.y, v.mo, v.d, v.h, v.mi, v.has_time};
    return 0;
}

/* "2025年11月22日17：00".  Hours without a leading zero, minutes with one,
 * full-width colon (docs/format.md rule 5). */
void compose_fmt_date(char *out, size_t outlen, const compose_dt *t, int show_year, int show_time) {
    char tmp[96];
    int k = 0;
    if (show_year) k = snprintf(tmp, sizeof tmp, "%d年", t->y);
    k += snprintf(tmp + k, sizeof tmp - (size_t)k, "%d月%d日", t->mo, t->d);
    if (show_time && t->has_time)
        snprintf(tmp + k, sizeof tmp - (size_t)k, "%d：%02d", t->h, t->mi);
    copy_out(tmp, out, outlen);
}

int compose_date(const char *iso, int ref_year, char *out, size_t outlen) {
    compose_dt t;
    if (compose_parse_iso(iso, &t) < 0 || !out || outlen < 32) return -1;
    compose_fmt_date(out, outlen, &t, ref_year == 0 || t.y != ref_year, 1);
    return 0;
}

int compose_date_full(const char *iso, char *out, size_t outlen) {
    compose_dt t;
    if (compose_parse_iso(iso, &t) < 0 || !out || outlen < 32) return -1;
    compose_fmt_date(out, outlen, &t, 1, 0);
    return 0;
}

/* ---- punctuation ------------------------------------------------------------ */

static int is_term_cp(uint32_t cp) {
    return cp == 0x3002 /* 。 */ || cp == 0xFF01 /* ！ */ || cp == 0xFF1F /* ？ */ ||
           cp == '!' || cp == '?' || cp == 0x2026 /* … */;
}

static int is_close_cp(uint32_t cp) {
    return cp == 0x201D /* ” */ || cp == 0x2019 /* ’ */ || cp == 0x300D /* 」 */ ||
           cp == 0x300F /* 』 */ || cp == 0xFF09 /* ） */ || cp == ')' ||
           cp == 0x300B /* 》 */ || cp == 0x3011 /* 】 */;
}

/* Start of the code point that ends at byte `end` of s. */
static size_t cp_start(const char *s, size_t end) {
    size_t i = end;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
    return i > 0 ? i - 1 : 0;
}

static uint32_t cp_at(const char *s, size_t i, size_t len) {
    size_t adv;
    return utf8_decode(s + i, len - i, &adv);
}

/* Classify the end of s.  *body receives the byte length without the trailing
 * mark.  A terminal mark inside a closing quote (…。”) counts as terminal
 * with nothing to strip; an ellipsis (…… or ...) is terminal as a whole. */
int compose_tail_mark(const char *s, size_t *body) {
    size_t len = s ? strlen(s) : 0;
    *body = len;
    if (len == 0) return COMPOSE_M_NONE;
    size_t i = cp_start(s, len);
    uint32_t cp = cp_at(s, i, len);
    if (cp == 0x2026) {
        while (i > 0) {
            size_t j = cp_start(s, i);
            if (cp_at(s, j, len) != 0x2026) break;
            i = j;
        }
        *body = i;
        return COMPOSE_M_TERM;
    }
    if (cp == '.') {
        while (i > 0 && s[i - 1] == '.') i--;
        *body = i;
        return len - i >= 2 ? COMPOSE_M_TERM : COMPOSE_M_SOFT;
    }
    if (is_term_cp(cp)) { *body = i; return COMPOSE_M_TERM; }
    if (cp == 0xFF1B /* ； */ || cp == ';') { *body = i; return COMPOSE_M_SEMI; }
    if (cp == 0xFF0C /* ， */ || cp == 0x3001 /* 、 */ || cp == 0xFF1A /* ： */ ||
        cp == ',' || cp == ':') {
        *body = i;
        return COMPOSE_M_SOFT;
    }
    if (is_close_cp(cp) && i > 0 && is_term_cp(cp_at(s, cp_start(s, i), len)))
        return COMPOSE_M_TERM;   /* body = len: keep the quote, add nothing */
    return COMPOSE_M_NONE;
}

/* Byte length of s without any trailing mark (for pieces we join ourselves). */
size_t compose_stripped_len(const char *s) {
    size_t body;
    compose_tail_mark(s, &body);
    return body;
}

/* The mark that should close s when the context wants `joiner` there: the
 * text's own terminal mark (。！？…) is kept, anything weaker is replaced.
 * *body: bytes of s to write before any annotations. */
const char *compose_closing_mark(const char *s, size_t *body, const char *joiner) {
    int cls = compose_tail_mark(s, body);
    if (cls == COMPOSE_M_TERM) return s + *body;   /* suffix of s; "" for …。” */
    return joiner;
}


/* ---- brackets ------------------------------------------------------------- */

static int is_wide(uint32_t cp) { return cp >= 0x2E80; }

/* s with every ASCII bracket pair (…) set full-width （…） where it stands
 * in Chinese: the text inside or the character before or after it is
 * Chinese.  NULL when nothing changes (or out of memory: *oom set). */
static char *wide_brackets(arena *a, const char *s, int *oom) {
    if (!strchr(s, '(')) return NULL;
    size_t len = strlen(s);
    unsigned char *mark = calloc(len + 1, 1);     /* 1: make this byte's bracket wide */
    size_t *open = calloc(len + 1, sizeof *open);
    if (!mark || !open) {
        free(mark);
        free(open);
        *oom = 1;
        return NULL;
    }
    size_t depth = 0;
    int any = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '(') open[depth++] = i;
        else if (s[i] == ')' && depth) {
            size_t o = open[--depth], adv;
            int cjk = 0;
            for (size_t q = o + 1; q < i && !cjk; q += adv ? adv : 1)
                cjk = is_wide(utf8_decode(s + q, i - q, &adv));
            if (o > 0 && is_wide(utf8_decode(s + cp_start(s, o), o - cp_start(s, o), &adv))) cjk = 1;
            if (i + 1 < len && is_wide(utf8_decode(s + i + 1, len - i - 1, &adv))) cjk = 1;
            if (cjk) mark[o] = mark[i] = 1, any = 1;
        }
    }
    char *r = NULL;
    if (any) {
        buf b;
        buf_init(&b);
        for (size_t i = 0; i < len; i++) {
            if (mark[i]) buf_puts(&b, s[i] == '(' ? "（" : "）");
            else buf_add(&b, s + i, 1);
        }
        r = buf_cstr(&b) ? arena_strdup(a, buf_cstr(&b)) : NULL;
        if (!r) *oom = 1;
        buf_free(&b);
    }
    free(mark);
    free(open);
    return r;
}

static void widen(arena *a, const char **s, int *oom) {
    if (!*s) return;
    char *w = wide_brackets(a, *s, oom);
    if (w) *s = w;
}

int compose_normalize(doc_document *d) {
    int oom = 0;
    for (size_t i = 0; i < d->n_fields; i++) widen(d->arena, &d->fields[i].value, &oom);
    widen(d->arena, &d->meta_title, &oom);
    for (size_t b = 0; b < d->n_blocks; b++) {
        doc_block *blk = &d->blocks[b];
        for (size_t r = 0; r < blk->n_runs; r++) widen(d->arena, &blk->runs[r].text, &oom);
        widen(d->arena, &blk->outline, &oom);
        if (blk->table)
            for (size_t r = 0; r < blk->table->n_rows; r++) {
                size_t n = blk->table->rows[r].span ? 1 : blk->table->n_cols;
                for (size_t k = 0; k < n; k++) widen(d->arena, &blk->table->rows[r].cells[k], &oom);
            }
        if (blk->figure)
            for (size_t k = 0; k < blk->figure->n_items; k++) widen(d->arena, &blk->figure->items[k].text, &oom);
    }
    return oom ? -1 : 0;
}

/* ---- table cells ------------------------------------------------------------ */

const char *compose_cell_text(arena *a, const char *text) {
    if (!text) return text;
    size_t adv, i = 0, len = strlen(text);
    while (i < len) {
        uint32_t cp = utf8_decode(text + i, len - i, &adv);
        if (cp != 0x3001 && cp != 0xFF0C && cp != 0xFF1B && cp != ',' && cp != ';') break;   /* 、，； */
        i += adv ? adv : 1;
    }
    size_t body;
    int cls = compose_tail_mark(text + i, &body);
    /* 。；，、 go; ？！…, a closing quote or bracket stay */
    uint32_t last = body < len - i ? utf8_decode(text + i + body, len - i - body, &adv) : 0;
    if (cls == COMPOSE_M_NONE || (cls == COMPOSE_M_TERM && last != 0x3002 && last != '.')) body = len - i;
    if (i == 0 && body == len) return text;
    return arena_strndup(a, text + i, body);
}
