/* bboxcheck.c — owns the GB/T 9704-2012 page-geometry check of tongbao's PDFs.
 *
 * Reads the XHTML that `pdftotext -bbox-layout FILE.pdf OUT.html` writes
 * (poppler-utils) and checks, page by page, where the body text and the page
 * numbers sit.  All pdftotext coordinates are PDF points from the top-left
 * corner of the page; 1 mm = 72/25.4 pt.
 *
 *   bboxcheck [options] FILE.html        (FILE "-" reads standard input)
 *
 * Rows.  Every <line> (with its <word>s) is an item; items whose vertical
 * centres are within 0.35 × body size of each other form one visual row (a
 * heading run in another font, or a line pdftotext split into flows, becomes
 * one row again).  Input without <line>s (plain `pdftotext -bbox`) falls back
 * to one item per <word>.
 *
 * Body rows are rows whose bbox height is within --min-height-pt ..
 * --max-height-pt (default 0.9 … 1.6 × --body-size: FandolFang reports an
 * em-high box, 16 pt, Noto Serif CJK a 1.44 em box, 23 pt) and whose average
 * advance per character (sum of word widths / characters) is 0.9 … 1.15 ×
 * body size, so 22 pt titles, 14 pt 版记 lines and big 版头 marks are not
 * body text.  Rows reading like "— 3 —" are page numbers, not body.
 *
 * Vertical positions.  pdftotext's yMin/yMax come from the font's ascent and
 * descent, which differ between fonts (Fandol: exactly the em box; Noto: 0.27
 * em higher).  The centre of the box is within 0.3 mm of the em box's centre
 * for both, so a row's em top is estimated as centre − size/2.
 *
 * Characters are counted as code points; ASCII digits, lower-case letters and
 * marks count half, capitals and + = < > @ % & three quarters (the Latin of
 * CJK faces), and a space between two words of a row the columns it spans
 * (U+3000 after a run-in heading is one).  A body row is "full" (not a paragraph's last line) when its right
 * edge is within --full-tol-mm of the block's right edge and it has no gap of
 * more than 1.5 characters between its words (a left part and a right part on
 * one row, like 编印单位 … 日期, is not running text); a full row must fill
 * --chars ± 1 columns, counting a first-line indent as the columns it skips
 * (a paragraph's first line: 2 columns of indent + 26 characters = 28).
 *
 * Edges are taken from the ink: a full-width closing mark (，。、；：！？）》”…)
 * ending a row draws in the left half of its em box and an opening mark
 * (（《“…) starting one in the right half, so a layout that squeezes such a
 * mark at the line end (标点挤压) may let the empty half stick out of the
 * block; half a body size is taken off that edge before checking it.
 *
 * Checks (one line per violation, "page P line L: …" with L the body row's
 * number on the page, or "page P: …"):
 *   - every body row starts at or right of left − tol and ends at or left of
 *     left + width + tol;
 *   - the leftmost body row on each page starts at left ± tol;
 *   - no body row's em top is above --min-body-y-mm − tol, no em bottom below
 *     the block (min-body-y + height) + tol;
 *   - at most --max-lines body rows per page;
 *   - full rows hold chars − 1 … chars + 1 characters;
 *   - a full row that the next row's number, date or code (carried down
 *     whole: 11月21日18：00) left short may hold that much less, and one
 *     less before a paragraph's last line of a few characters (one came
 *     down to keep a lone character company: 知情）。);
 *   - every page has a page number, except that when a blank page precedes
 *     the last page (the 版记's) neither of the two has one (GB/T 9704 7.5);
 *     a page number is "— N —" with N the page's number, its em
 *     top --pn-gap-mm below the block (± --pn-tol-mm), on odd pages at the
 *     right and on even pages at the left, one --pn-size character in from
 *     the block's edge (± --pn-tol-mm).
 * --rows prints every row (page, kind, box in mm, height in pt, text) for the
 * tests that check the page furniture in awk (tests/e2e_pages.sh).
 * --report also prints, per page, the number of body rows, the left edge, the
 * top of the first body row, the row pitch and a histogram of the characters
 * per full row.
 *
 * Exit status: 0 all fine, 1 violations found, 2 usage or input errors.
 * The parser never touches the network and loads no DTD or external entity.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>              /* fabs, floor, isfinite: builtins, no libm needed */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#define PT_PER_MM (72.0 / 25.4)
#define HIST_MAX 128            /* histogram slots: columns × 2, 0 … 63.5 */

typedef struct {
    double left_mm, tol_mm, min_y_mm, width_mm, height_mm;
    double body_size, min_h, max_h;     /* pt; min_h/max_h < 0: from body_size */
    double full_tol_mm, pn_size, pn_gap_mm, pn_tol_mm;
    long max_lines, chars;
    int report, rows, lines;
    const char *file;
} options;

/* One <line> (or <word> without lines): box in pt, text of its words. */
typedef struct {
    double x0, y0, x1, y1;
    double units;       /* characters, ASCII counted half */
    double wwidth;      /* sum of the widths of words that hold characters */
    char *text;         /* words joined without separators, UTF-8 */
} item;

typedef struct {
    item *v;
    size_t n, cap;
} item_list;

/* A visual row: union of items sharing a vertical centre. */
typedef struct {
    double x0, y0, x1, y1, units, wwidth;
    double ink_x0, ink_x1;  /* x0/x1 less the empty half of an edge mark */
    char *text;
    int is_pn;          /* reads like "— 3 —" */
    long pn;            /* its number */
    int is_body;
} row;


/* Does the row's text end with a full-width closing mark whose right half is
 * blank (，。、；：）》」』】〕〉”’)? */
static int ends_with_squeezable(const char *t) {
    static const char *marks[] = {"，", "。", "、", "；", "：", "）", "》", "」", "』", "】", "〕", "〉", "”", "’"};
    size_t n = t ? strlen(t) : 0;
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\n')) n--;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        size_t m = strlen(marks[i]);
        if (n >= m && memcmp(t + n - m, marks[i], m) == 0) return 1;
    }
    return 0;
}

static int g_violations;

static void oom(void)
{
    fputs("bboxcheck: out of memory\n", stderr);
    exit(2);
}

static void violation(int page, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void violation(int page, int line, const char *fmt, ...)
{
    va_list ap;
    g_violations++;
    if (line > 0)
        printf("page %d line %d: ", page, line);
    else
        printf("page %d: ", page);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* ---- text helpers ------------------------------------------------------- */

static double text_units(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    double u = 0;
    while (*p) {
        if (*p < 0x80) {
            /* the Latin of CJK faces: digits, lower case and most marks
             * half an em, capitals and + = < > @ % & about three quarters
             * (FandolFang: 0, 1 0.5; K 0.77, + 0.78) */
            if (!isspace(*p))
                u += isupper(*p) || strchr("+=<>@%&", *p) ? 0.75 : 0.5;
            p++;
        } else {
            p++;
            while ((*p & 0xC0) == 0x80)
                p++;
            u += 1;
        }
    }
    return u;
}

/* Decode one UTF-8 code point; returns 0 at the end, 0xFFFD on bad bytes. */
static unsigned long next_cp(const unsigned char **pp)
{
    const unsigned char *p = *pp;
    unsigned long c;
    int n;
    if (!*p)
        return 0;
    if (*p < 0x80) { c = *p; n = 0; }
    else if ((*p & 0xE0) == 0xC0) { c = *p & 0x1F; n = 1; }
    else if ((*p & 0xF0) == 0xE0) { c = *p & 0x0F; n = 2; }
    else if ((*p & 0xF8) == 0xF0) { c = *p & 0x07; n = 3; }
    else { *pp = p + 1; return 0xFFFD; }
    p++;
    while (n-- > 0) {
        if ((*p & 0xC0) != 0x80) { *pp = p; return 0xFFFD; }
        c = (c << 6) | (*p & 0x3F);
        p++;
    }
    *pp = p;
    return c;
}

static int is_dash(unsigned long c)
{
    return c == 0x2014 || c == 0x2013 || c == 0x2015 || c == 0x2012 ||
           c == 0x2500 || c == 0x2212 || c == 0x2E3A || c == '-';
}

static int is_blank(unsigned long c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000;
}

/* Full-width closing marks draw in the left half of their em box, opening
 * marks in the right half (GB usage).  A layout that squeezes such a mark at
 * a line end (标点挤压) lets its empty half stick out of the block; pdftotext
 * reports the whole em box, so the edge checks look at the ink instead. */
static int is_closing_mark(unsigned long c)
{
    switch (c) {
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF1B: case 0xFF1A: /* ，。、；： */
    case 0xFF01: case 0xFF1F: case 0xFF09: case 0xFF3D: case 0xFF5D: /* ！？）］｝ */
    case 0x3015: case 0x3009: case 0x300B: case 0x300D: case 0x300F: /* 〕〉》」』 */
    case 0x3011: case 0x3017: case 0x3019: case 0x201D: case 0x2019: /* 】〗〙”’ */
    case 0xFF0E:                                                      /* ． */
        return 1;
    }
    return 0;
}

static int is_opening_mark(unsigned long c)
{
    switch (c) {
    case 0xFF08: case 0xFF3B: case 0xFF5B: case 0x3014: case 0x3008: /* （［｛〔〈 */
    case 0x300A: case 0x300C: case 0x300E: case 0x3010: case 0x3016: /* 《「『【〖 */
    case 0x3018: case 0x201C: case 0x2018:                            /* 〘“‘ */
        return 1;
    }
    return 0;
}

static void first_last_cp(const char *s, unsigned long *first, unsigned long *last)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long c;
    *first = *last = 0;
    while ((c = next_cp(&p)) != 0) {
        if (is_blank(c))
            continue;
        if (!*first)
            *first = c;
        *last = c;
    }
}

/* Width in characters (ASCII half) of the unbreakable token a row starts
 * with: ASCII letters, digits and - _ / : . with the date units 年月日 and
 * a full-width colon between them; 0 when it starts with anything else. */
static double token_units(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long c;
    double u = 0;
    int ascii = 0;
    while ((c = next_cp(&p)) != 0) {
        if (c < 0x80 && (isalnum((int)c) || c == '-' || c == '_' || c == '/' || c == ':' || c == '.')) {
            u += 0.5;
            ascii = 1;
        } else if (ascii && (c == 0x5E74 || c == 0x6708 || c == 0x65E5 || c == 0xFF1A)) {   /* 年月日： */
            u += 1;
        } else {
            break;
        }
    }
    return ascii ? u : 0;
}

/* "— 12 —" (dashes, digits, dashes; blanks anywhere): 1 and *num, else 0. */
static int read_page_number(const char *s, long *num)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long c;
    int state = 0, lead = 0, trail = 0, digits = 0;
    long v = 0;
    while ((c = next_cp(&p)) != 0) {
        if (is_blank(c))
            continue;
        if (is_dash(c)) {
            if (state == 0) lead++;
            else if (state == 1 || state == 2) { state = 2; trail++; }
        } else if (c >= '0' && c <= '9') {
            if (state == 0 && lead > 0) state = 1;
            if (state != 1)
                return 0;
            if (v < 100000)
                v = v * 10 + (long)(c - '0');
            digits++;
        } else {
            return 0;
        }
    }
    if (lead == 0 || digits == 0 || trail == 0)
        return 0;
    *num = v;
    return 1;
}

/* ---- XML ---------------------------------------------------------------- */

static int name_is(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, local) == 0;
}

/* Reads coordinate attribute name of n into *out; 0 on success. */
static int coord(const options *o, xmlNode *n, const char *name, double *out)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *end;
    if (!v) {
        fprintf(stderr, "bboxcheck: %s: line %ld: <%s> has no %s attribute "
                "(is this `pdftotext -bbox-layout` output?)\n",
                o->file, (long)xmlGetLineNo(n), (const char *)n->name, name);
        return -1;
    }
    errno = 0;
    *out = strtod((const char *)v, &end);
    int bad = errno != 0 || end == (char *)v || *end != 0 || !isfinite(*out);
    if (bad)
        fprintf(stderr, "bboxcheck: %s: line %ld: <%s %s=\"%s\"> is not a number\n",
                o->file, (long)xmlGetLineNo(n), (const char *)n->name, name, (const char *)v);
    xmlFree(v);
    return bad ? -1 : 0;
}

static int box(const options *o, xmlNode *n, double *x0, double *y0, double *x1, double *y1)
{
    if (coord(o, n, "xMin", x0) || coord(o, n, "yMin", y0) ||
        coord(o, n, "xMax", x1) || coord(o, n, "yMax", y1))
        return -1;
    if (*x1 < *x0 || *y1 < *y0) {
        fprintf(stderr, "bboxcheck: %s: line %ld: <%s> has xMax < xMin or yMax < yMin\n",
                o->file, (long)xmlGetLineNo(n), (const char *)n->name);
        return -1;
    }
    return 0;
}

static void list_push(item_list *l, const item *it)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        item *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            oom();
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *it;
}

static void list_clear(item_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    l->n = 0;
}

static char *append(char *dst, size_t *len, const char *src)
{
    size_t n = strlen(src);
    char *p = realloc(dst, *len + n + 1);
    if (!p)
        oom();
    memcpy(p + *len, src, n + 1);
    *len += n;
    return p;
}

/* Adds one word's text and width to it. */
static int add_word(const options *o, xmlNode *w, item *it, size_t *tlen)
{
    double x0, y0, x1, y1;
    if (box(o, w, &x0, &y0, &x1, &y1))
        return -1;
    xmlChar *c = xmlNodeGetContent(w);
    if (!c)
        return 0;       /* empty word: nothing to count */
    double u = text_units((const char *)c);
    if (u > 0) {
        it->units += u;
        it->wwidth += x1 - x0;
        it->text = append(it->text, tlen, (const char *)c);
    }
    xmlFree(c);
    return 0;
}

static int collect_words(const options *o, xmlNode *n, item *it, size_t *tlen)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (name_is(c, "word")) {
            if (add_word(o, c, it, tlen))
                return -1;
        } else if (c->type == XML_ELEMENT_NODE && collect_words(o, c, it, tlen)) {
            return -1;
        }
    }
    return 0;
}

static int new_item(const options *o, xmlNode *n, item *it)
{
    memset(it, 0, sizeof *it);
    if (box(o, n, &it->x0, &it->y0, &it->x1, &it->y1))
        return -1;
    it->text = malloc(1);
    if (!it->text)
        oom();
    it->text[0] = 0;
    return 0;
}

/* Collects the <line>s under n (any depth) into l; 0 ok, -1 input error. */
static int collect_lines(const options *o, xmlNode *n, item_list *l)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (name_is(c, "line")) {
            item it;
            size_t tlen = 0;
            if (new_item(o, c, &it))
                return -1;
            if (collect_words(o, c, &it, &tlen)) {
                free(it.text);
                return -1;
            }
            list_push(l, &it);
        } else if (c->type == XML_ELEMENT_NODE && collect_lines(o, c, l)) {
            return -1;
        }
    }
    return 0;
}

/* Fallback for `pdftotext -bbox`: every <word> is an item. */
static int collect_bare_words(const options *o, xmlNode *n, item_list *l)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (name_is(c, "word")) {
            item it;
            size_t tlen = 0;
            if (new_item(o, c, &it))
                return -1;
            if (add_word(o, c, &it, &tlen)) {
                free(it.text);
                return -1;
            }
            list_push(l, &it);
        } else if (c->type == XML_ELEMENT_NODE && collect_bare_words(o, c, l)) {
            return -1;
        }
    }
    return 0;
}

/* ---- rows --------------------------------------------------------------- */

static int by_centre(const void *a, const void *b)
{
    const item *p = a, *q = b;
    double cp = p->y0 + p->y1, cq = q->y0 + q->y1;
    if (cp != cq)
        return cp < cq ? -1 : 1;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static int by_x(const void *a, const void *b)
{
    const item *p = a, *q = b;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static int by_row_centre(const void *a, const void *b)
{
    const row *p = a, *q = b;
    double cp = p->y0 + p->y1, cq = q->y0 + q->y1;
    return cp < cq ? -1 : cp > cq;
}

/* Groups the page's items into rows (sorted top to bottom); returns count. */
static size_t make_rows(const options *o, item_list *l, row **out)
{
    row *rows;
    size_t nr = 0;
    *out = NULL;
    if (l->n == 0)
        return 0;
    rows = calloc(l->n, sizeof *rows);
    if (!rows)
        oom();
    qsort(l->v, l->n, sizeof *l->v, by_centre);
    double thr = 0.35 * o->body_size;
    size_t i = 0;
    while (i < l->n) {
        double anchor = (l->v[i].y0 + l->v[i].y1) / 2;
        size_t j = i + 1;
        while (j < l->n && (l->v[j].y0 + l->v[j].y1) / 2 - anchor <= thr)
            j++;
        qsort(l->v + i, j - i, sizeof *l->v, by_x);
        row *r = &rows[nr++];
        size_t tlen = 0;
        r->text = malloc(1);
        if (!r->text)
            oom();
        r->text[0] = 0;
        r->x0 = l->v[i].x0; r->y0 = l->v[i].y0; r->x1 = l->v[i].x1; r->y1 = l->v[i].y1;
        for (size_t k = i; k < j; k++) {
            const item *it = &l->v[k];
            if (it->x0 < r->x0) r->x0 = it->x0;
            if (it->y0 < r->y0) r->y0 = it->y0;
            if (it->x1 > r->x1) r->x1 = it->x1;
            if (it->y1 > r->y1) r->y1 = it->y1;
            r->units += it->units;
            r->wwidth += it->wwidth;
            r->text = append(r->text, &tlen, it->text);
        }
        i = j;
    }
    qsort(rows, nr, sizeof *rows, by_row_centre);
    *out = rows;
    return nr;
}

static void classify(const options *o, row *r)
{
    double h = r->y1 - r->y0;
    unsigned long first, last;
    first_last_cp(r->text, &first, &last);
    r->ink_x0 = r->x0 + (is_opening_mark(first) ? o->body_size / 2 : 0);
    r->ink_x1 = r->x1 - (is_closing_mark(last) ? o->body_size / 2 : 0);
    r->is_pn = read_page_number(r->text, &r->pn);
    r->is_body = 0;
    if (r->is_pn || r->units <= 0)
        return;
    if (h < o->min_h || h > o->max_h)
        return;
    if (r->units >= 2) {
        double adv = r->wwidth / r->units;
        if (adv < 0.9 * o->body_size || adv > 1.15 * o->body_size)
            return;
    }
    r->is_body = 1;
}

/* First characters of a row's text, for messages. */
static const char *snippet(const char *s, char *buf, size_t size)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    int cps = 0;
    while (p[n] && cps < 12) {
        const unsigned char *q = p + n;
        next_cp(&q);
        size_t len = (size_t)(q - (p + n));
        if (n + len + 4 >= size)
            break;
        n += len;
        cps++;
    }
    memcpy(buf, s, n);
    strcpy(buf + n, p[n] ? "…" : "");
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- per page ----------------------------------------------------------- */

#define PAGES_MAX 4096
typedef struct {
    int pages;
    long body_rows, full_rows;
    /* a full row at the foot of a page that holds too few characters:
     * judged when the next page's first row is known */
    int pend_page, pend_line;
    double pend_short;
    char pend_text[96];
    /* per page (1-based): nothing on it but maybe a number; has a number */
    unsigned char blank[PAGES_MAX + 1], numbered[PAGES_MAX + 1];
} totals;

static void pending_row(const options *o, totals *t, double carried)
{
    if (t->pend_short > carried + 0.26)
        violation(t->pend_page, t->pend_line, "full line holds %.1f characters (expected %ld–%ld) [%s]",
                  (double)o->chars - 1 - t->pend_short, o->chars - 1, o->chars + 1, t->pend_text);
    t->pend_page = 0;
}

/* GB/T 9704 7.5: every page is numbered, except that when a blank page
 * precedes the 版记 page (the last), neither of the two is. */
static void check_numbering(const totals *t)
{
    int n = t->pages < PAGES_MAX ? t->pages : PAGES_MAX;
    int blank_before_last = n >= 2 && t->blank[n - 1];
    for (int p = 1; p <= n; p++) {
        int exempt = blank_before_last && p >= n - 1;
        if (!exempt && !t->numbered[p])
            violation(p, 0, "no page number (\"— %d —\") found", p);
        if (exempt && t->numbered[p])
            violation(p, 0, "numbered, but a blank page precedes the 版记 page: neither is numbered");
    }
}

static void check_page(const options *o, int page, row *rows, size_t nr, totals *t)
{
    const double left = o->left_mm * PT_PER_MM, tol = o->tol_mm * PT_PER_MM;
    const double right = (o->left_mm + o->width_mm) * PT_PER_MM;
    const double top = o->min_y_mm * PT_PER_MM;
    const double bottom = (o->min_y_mm + o->height_mm) * PT_PER_MM;
    const double colw = o->width_mm * PT_PER_MM / (double)o->chars;
    const double half = o->body_size / 2;
    char sn[96];
    long hist[HIST_MAX] = {0};
    long nbody = 0, nfull = 0;
    double leftmost = 0, first_top = 0, first_bbox_top = 0;
    double *centres = NULL;
    row *pn = NULL;

    if (nr > 0) {
        centres = malloc(nr * sizeof *centres);
        if (!centres)
            oom();
    }
    for (size_t i = 0; i < nr; i++)
        classify(o, &rows[i]);
    /* a short last row of the page before: excused by what this page starts with */
    if (t->pend_page) {
        double carried = 0;
        for (size_t i = 0; i < nr; i++)
            if (rows[i].is_body) {
                carried = token_units(rows[i].text);
                break;
            }
        pending_row(o, t, carried);
    }
    for (size_t i = 0; i < nr; i++) {
        row *r = &rows[i];
        if (r->is_pn) {
            if (!pn || r->y0 > pn->y0)
                pn = r;
            continue;
        }
        if (!r->is_body)
            continue;
        int L = (int)++nbody;
        double c = (r->y0 + r->y1) / 2, em_top = c - half, em_bottom = c + half;
        centres[nbody - 1] = c;
        if (nbody == 1 || r->ink_x0 < leftmost)
            leftmost = r->ink_x0;
        if (nbody == 1) {
            first_top = em_top;
            first_bbox_top = r->y0;
        }
        if (r->ink_x0 < left - tol)
            violation(page, L, "left edge at %.2f mm, left of the text block (%.1f mm − %.1f mm) [%s]",
                      r->ink_x0 / PT_PER_MM, o->left_mm, o->tol_mm, snippet(r->text, sn, sizeof sn));
        if (r->ink_x1 > right + tol)
            violation(page, L, "right edge at %.2f mm, beyond the text block (%.1f mm + %.1f mm) [%s]",
                      r->ink_x1 / PT_PER_MM, o->left_mm + o->width_mm, o->tol_mm,
                      snippet(r->text, sn, sizeof sn));
        if (em_top < top - tol)
            violation(page, L, "text top at %.2f mm, above the text block (%.1f mm − %.1f mm) [%s]",
                      em_top / PT_PER_MM, o->min_y_mm, o->tol_mm, snippet(r->text, sn, sizeof sn));
        if (em_bottom > bottom + tol)
            violation(page, L, "text bottom at %.2f mm, below the text block (%.1f mm + %.1f mm) [%s]",
                      em_bottom / PT_PER_MM, o->min_y_mm + o->height_mm, o->tol_mm,
                      snippet(r->text, sn, sizeof sn));
        /* A row with a gap of more than 1.5 characters between its words
         * (e.g. 编印单位 at the left, the date at the right) is not a line of
         * running text: its characters are not counted. */
        int spread = (r->x1 - r->x0) - r->wwidth > 1.5 * o->body_size;
        /* Full: the box or the ink reaches the right edge (a squeezed mark
         * at the end ends half an em early or late, depending on view). */
        int full = fabs(r->x1 - right) <= o->full_tol_mm * PT_PER_MM ||
                   fabs(r->ink_x1 - right) <= o->full_tol_mm * PT_PER_MM;
        if (!spread && full) {
            double indent = (r->x0 - left) / colw;
            /* spaces between the words: the columns they take */
            double gaps = ((r->x1 - r->x0) - r->wwidth) / colw;
            double cols = r->units + (gaps > 0.2 ? gaps : 0) + (indent > 0.25 ? indent : 0);
            /* A closing mark that ends a squeezed line gives up its blank
             * half (标点挤压): it occupies half a column of the grid. */
            if (ends_with_squeezable(r->text) && r->x1 > right + 0.25 * o->body_size) cols -= 0.5;
            nfull++;
            long slot = cols > 0 ? (long)(cols * 2 + 0.5) : -1;
            if (slot >= 0 && slot < HIST_MAX)
                hist[slot]++;
            /* a number, date or code carried down whole to the next line
             * (never split: 11月21日18：00, FX2026-001-006) leaves this
             * one short by its width */
            double carried = 0;
            int last = 1;
            for (size_t k = i + 1; k < nr; k++)
                if (rows[k].is_body) {
                    carried = token_units(rows[k].text);
                    /* a paragraph's short last line (知情）。): a character
                     * came down to keep a lone one company */
                    if (rows[k].units <= 4 && rows[k].x1 < right - 2 * o->body_size) carried += 1;
                    last = 0;
                    break;
                }
            /* the page's last row: the next page's first row decides */
            /* half-width characters (11月21日18:00) can leave half a column */
            double lo = (double)o->chars - 1 - (r->units - floor(r->units) > 0.25 ? 0.5 : 0);
            if (last && cols < lo - 0.26 && cols > 0) {
                t->pend_page = page;
                t->pend_line = L;
                t->pend_short = lo - cols;
                snprintf(t->pend_text, sizeof t->pend_text, "%s", snippet(r->text, sn, sizeof sn));
            } else if (cols < lo - carried - 0.26 || cols > (double)o->chars + 1 + 0.26) {
                if (indent > 0.25)
                    violation(page, L, "full line holds %.1f characters after %.1f columns of indent "
                              "(%.1f columns; expected %ld–%ld) [%s]", r->units, indent, cols,
                              o->chars - 1, o->chars + 1, snippet(r->text, sn, sizeof sn));
                else
                    violation(page, L, "full line holds %.1f characters (expected %ld–%ld) [%s]",
                              r->units, o->chars - 1, o->chars + 1, snippet(r->text, sn, sizeof sn));
            }
        }
    }

    if (o->rows)
        for (size_t i = 0; i < nr; i++) {
            const row *r = &rows[i];
            printf("%d\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\n", page, r->is_pn ? "pn" : r->is_body ? "body" : "other",
                   r->x0 / PT_PER_MM, r->y0 / PT_PER_MM, r->x1 / PT_PER_MM, r->y1 / PT_PER_MM, r->y1 - r->y0, r->text);
        }
    if (nbody > o->max_lines)
        violation(page, 0, "%ld body lines, more than %ld", nbody, o->max_lines);
    if (nbody > 0 && fabs(leftmost - left) > tol)
        violation(page, 0, "leftmost body line starts at %.2f mm, expected %.1f ± %.1f mm",
                  leftmost / PT_PER_MM, o->left_mm, o->tol_mm);

    /* Page number: "— N —", pn-gap below the block, odd right, even left. */
    const double pn_tol = o->pn_tol_mm * PT_PER_MM, pn_char = o->pn_size;
    if (page <= PAGES_MAX) {
        t->blank[page] = nr == 0 || (nr == 1 && pn);
        t->numbered[page] = pn != NULL;
    }
    if (!pn) {
        if (page > PAGES_MAX) violation(page, 0, "no page number (\"— %d —\") found", page);
    } else {
        double c = (pn->y0 + pn->y1) / 2, pn_top = c - o->pn_size / 2;
        double want_top = bottom + o->pn_gap_mm * PT_PER_MM;
        if (pn->pn != page)
            violation(page, 0, "page number reads %ld", pn->pn);
        if (fabs(pn_top - want_top) > pn_tol)
            violation(page, 0, "page number top at %.2f mm, expected %.1f ± %.1f mm (%.1f mm below the block)",
                      pn_top / PT_PER_MM, want_top / PT_PER_MM, o->pn_tol_mm, o->pn_gap_mm);
        if (page % 2) {
            double want = right - pn_char;
            if (pn->x0 + pn->x1 < left + right)
                violation(page, 0, "odd page's number is at the left (%.2f–%.2f mm); odd pages put it at the right",
                          pn->x0 / PT_PER_MM, pn->x1 / PT_PER_MM);
            else if (fabs(pn->x1 - want) > pn_tol)
                violation(page, 0, "page number ends at %.2f mm, expected %.2f ± %.1f mm (one character in from the right edge)",
                          pn->x1 / PT_PER_MM, want / PT_PER_MM, o->pn_tol_mm);
        } else {
            double want = left + pn_char;
            if (pn->x0 + pn->x1 > left + right)
                violation(page, 0, "even page's number is at the right (%.2f–%.2f mm); even pages put it at the left",
                          pn->x0 / PT_PER_MM, pn->x1 / PT_PER_MM);
            else if (fabs(pn->x0 - want) > pn_tol)
                violation(page, 0, "page number starts at %.2f mm, expected %.2f ± %.1f mm (one character in from the left edge)",
                          pn->x0 / PT_PER_MM, want / PT_PER_MM, o->pn_tol_mm);
        }
    }

    if (o->report) {
        printf("page %d: %ld body lines", page, nbody);
        if (nbody > 0) {
            printf(", left %.2f mm, first line top %.2f mm (bbox %.2f mm)",
                   leftmost / PT_PER_MM, first_top / PT_PER_MM, first_bbox_top / PT_PER_MM);
            if (nbody > 1) {
                /* median distance between consecutive body rows */
                double *d = malloc((size_t)(nbody - 1) * sizeof *d);
                if (!d)
                    oom();
                for (long k = 1; k < nbody; k++)
                    d[k - 1] = centres[k] - centres[k - 1];
                qsort(d, (size_t)(nbody - 1), sizeof *d, cmp_double);
                double med = d[(nbody - 1) / 2];
                printf(", pitch %.2f pt (%.2f mm)", med, med / PT_PER_MM);
                free(d);
            }
        }
        printf(", %ld full lines", nfull);
        if (nfull > 0) {
            printf(" by characters:");
            for (int s = 0; s < HIST_MAX; s++)
                if (hist[s]) {
                    if (s % 2)
                        printf(" %d.5×%ld", s / 2, hist[s]);
                    else
                        printf(" %d×%ld", s / 2, hist[s]);
                }
        }
        if (pn)
            printf("; page number \"%s\" at %.2f–%.2f mm, top %.2f mm", pn->text,
                   pn->x0 / PT_PER_MM, pn->x1 / PT_PER_MM,
                   ((pn->y0 + pn->y1) / 2 - o->pn_size / 2) / PT_PER_MM);
        else
            printf("; no page number");
        putchar('\n');
    }
    free(centres);
    t->body_rows += nbody;
    t->full_rows += nfull;
}

/* Finds the <page>s below n in document order and checks each. */
static int walk_pages(const options *o, xmlNode *n, item_list *l, totals *t)
{
    for (xmlNode *c = n; c; c = c->next) {
        if (name_is(c, "page")) {
            int page = ++t->pages;
            row *rows = NULL;
            list_clear(l);
            if (collect_lines(o, c, l))
                return -1;
            if (l->n == 0 && collect_bare_words(o, c, l))
                return -1;
            if (o->lines)
                for (size_t i = 0; i < l->n; i++)
                    printf("%d\tline\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\n", page, l->v[i].x0 / PT_PER_MM,
                           l->v[i].y0 / PT_PER_MM, l->v[i].x1 / PT_PER_MM, l->v[i].y1 / PT_PER_MM,
                           l->v[i].y1 - l->v[i].y0, l->v[i].text);
            size_t nr = make_rows(o, l, &rows);
            check_page(o, page, rows, nr, t);
            for (size_t i = 0; i < nr; i++)
                free(rows[i].text);
            free(rows);
        } else if (c->type == XML_ELEMENT_NODE && c->children) {
            if (walk_pages(o, c->children, l, t))
                return -1;
        }
    }
    return 0;
}

/* ---- command line ------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: bboxcheck [options] FILE.html   (from `pdftotext -bbox-layout FILE.pdf FILE.html`)\n"
          "  --left-mm N        left margin of the text block (28)\n"
          "  --tol-mm N         tolerance for edges and top (1)\n"
          "  --max-lines N      body lines per page at most (22)\n"
          "  --chars N          characters per full line (28; 27-29 accepted)\n"
          "  --min-body-y-mm N  top of the text block (37)\n"
          "  --body-size N      body font size in pt (16)\n"
          "  --width-mm N       text block width (156)\n"
          "  --height-mm N      text block height (225)\n"
          "  --min-height-pt N  smallest line box height of body text (0.9 x body size)\n"
          "  --max-height-pt N  largest line box height of body text (1.6 x body size)\n"
          "  --full-tol-mm N    a line ending this close to the right edge is full (2)\n"
          "  --pn-size N        page number font size in pt (14)\n"
          "  --pn-gap-mm N      page number's em top below the block (4.6: its 一字线's ink\n"
          "                     is then 7 mm below, GB/T 9704 7.5; tests/inkcheck sees ink)\n"
          "  --pn-tol-mm N      page number position tolerance (2.5)\n"
          "  --report           print per-page figures as well\n"
          "  --rows             print every row: page, body|pn|other, x0 y0 x1 y1 (mm),\n"
          "                     height (pt) and text, tab-separated, for the page tests\n"
          "  --lines            the same for pdftotext's lines before they are joined\n"
          "                     into rows (a table cell's lines stay apart)\n"
          "exit status: 0 fine, 1 violations, 2 usage or input error\n", f);
}

static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "bboxcheck: %s wants a number from %g to %g, not \"%s\"\n", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct { const char *name; size_t off; double lo, hi; int integer; } num[] = {
        { "--left-mm", offsetof(options, left_mm), 0, 210, 0 },
        { "--tol-mm", offsetof(options, tol_mm), 0, 50, 0 },
        { "--min-body-y-mm", offsetof(options, min_y_mm), 0, 297, 0 },
        { "--body-size", offsetof(options, body_size), 1, 200, 0 },
        { "--width-mm", offsetof(options, width_mm), 1, 1000, 0 },
        { "--height-mm", offsetof(options, height_mm), 1, 1000, 0 },
        { "--min-height-pt", offsetof(options, min_h), 0, 1000, 0 },
        { "--max-height-pt", offsetof(options, max_h), 0, 1000, 0 },
        { "--full-tol-mm", offsetof(options, full_tol_mm), 0, 50, 0 },
        { "--pn-size", offsetof(options, pn_size), 1, 200, 0 },
        { "--pn-gap-mm", offsetof(options, pn_gap_mm), 0, 297, 0 },
        { "--pn-tol-mm", offsetof(options, pn_tol_mm), 0, 50, 0 },
        { "--max-lines", offsetof(options, max_lines), 1, 1000, 1 },
        { "--chars", offsetof(options, chars), 2, 1000, 1 },
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(a, "--report") == 0) {
            o->report = 1;
            continue;
        }
        if (strcmp(a, "--rows") == 0) {
            o->rows = 1;
            continue;
        }
        if (strcmp(a, "--lines") == 0) {
            o->lines = 1;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc) {
                if (o->file || i + 2 < argc)
                    goto one_file;
                o->file = argv[i + 1];
            }
            break;
        }
        if (a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a, '=');
            size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
            size_t k;
            for (k = 0; k < sizeof num / sizeof num[0]; k++)
                if (strlen(num[k].name) == nlen && strncmp(a, num[k].name, nlen) == 0)
                    break;
            if (k == sizeof num / sizeof num[0]) {
                fprintf(stderr, "bboxcheck: unknown option %s\n", a);
                usage(stderr);
                return -1;
            }
            const char *val = eq ? eq + 1 : NULL;
            if (!val) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "bboxcheck: %s needs a value\n", num[k].name);
                    return -1;
                }
                val = argv[++i];
            }
            double v;
            if (parse_num(num[k].name, val, num[k].lo, num[k].hi, &v))
                return -1;
            if (num[k].integer) {
                if (v != (double)(long)v) {
                    fprintf(stderr, "bboxcheck: %s wants a whole number, not \"%s\"\n", num[k].name, val);
                    return -1;
                }
                *(long *)((char *)o + num[k].off) = (long)v;
            } else {
                *(double *)((char *)o + num[k].off) = v;
            }
            continue;
        }
        if (o->file)
            goto one_file;
        o->file = a;
    }
    if (!o->file) {
        usage(stderr);
        return -1;
    }
    if (o->min_h < 0)
        o->min_h = 0.9 * o->body_size;
    if (o->max_h < 0)
        o->max_h = 1.6 * o->body_size;
    if (o->min_h > o->max_h) {
        fputs("bboxcheck: --min-height-pt is larger than --max-height-pt\n", stderr);
        return -1;
    }
    return 0;
one_file:
    fputs("bboxcheck: give exactly one FILE.html\n", stderr);
    usage(stderr);
    return -1;
}

int main(int argc, char **argv)
{
    options o = {
        .left_mm = 28, .tol_mm = 1, .min_y_mm = 37, .width_mm = 156, .height_mm = 225,
        .body_size = 16, .min_h = -1, .max_h = -1, .full_tol_mm = 2,
        .pn_size = 14, .pn_gap_mm = 4.6, .pn_tol_mm = 2.5,
        .max_lines = 22, .chars = 28, .report = 0, .file = NULL,
    };
    if (parse_args(argc, argv, &o))
        return 2;

    LIBXML_TEST_VERSION
    /* No XML_PARSE_NOENT / DTDLOAD / DTDATTR: the XHTML DOCTYPE is not
     * fetched and no entity is expanded; NONET forbids network access.
     * Errors are not printed by libxml2; the first one is reported below. */
    if (strcmp(o.file, "-") != 0) {
        FILE *f = fopen(o.file, "rb");
        if (!f) {
            fprintf(stderr, "bboxcheck: %s: %s\n", o.file, strerror(errno));
            return 2;
        }
        fclose(f);
    }
    xmlResetLastError();
    xmlDocPtr doc = xmlReadFile(o.file, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        char msg[512] = "cannot open it, or it is empty";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "line %d: %s", e->line, e->message);
            size_t n = strlen(msg);
            while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = 0;
        }
        fprintf(stderr, "bboxcheck: %s: cannot read as XML (%s)\n", o.file, msg);
        xmlCleanupParser();
        return 2;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    item_list l = { NULL, 0, 0 };
    static totals t;
    int rc = root ? walk_pages(&o, root, &l, &t) : 0;
    if (rc == 0 && t.pend_page)
        pending_row(&o, &t, 0);
    if (rc == 0)
        check_numbering(&t);
    list_clear(&l);
    free(l.v);
    xmlFreeDoc(doc);
    xmlCleanupParser();
    if (rc)
        return 2;
    if (t.pages == 0) {
        fprintf(stderr, "bboxcheck: %s: no <page> elements (is this `pdftotext -bbox-layout` output?)\n",
                o.file);
        return 2;
    }
    printf("bboxcheck: %s: %d pages, %ld body lines, %ld full lines, %d violations\n",
           o.file, t.pages, t.body_rows, t.full_rows, g_violations);
    return g_violations ? 1 : 0;
}
