/* template.c — loads templates/NAME.xml into tpl_template (see template.h).
 *
 * The template format is documented in templates/README.md.  Parsing is
 * strict: an unknown attribute value or a malformed length is an error that
 * names the template file, line and what to write instead, because a user
 * editing a copy must learn about a typo at once, not from a wrong page. */
#include "template.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Grid lines per page, characters per line: far beyond any paper, and a
 * bound that keeps the layout's arithmetic in range. */
#define TPL_MAX_GRID 1000

#define MM (72.0 / 25.4)

typedef struct {
    tpl_template *t;
    err *e;
} loader;

static const char *attr(loader *L, xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    char *s = arena_strdup(L->t->arena, (const char *)v);
    xmlFree(v);
    return s;
}

static int fail(loader *L, xmlNode *n, const char *fmt, const char *a, const char *b) {
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    return err_set(L->e, TB_ETEMPLATE, L->t->path, n ? (int)xmlGetLineNo(n) : 0, 0, "%s", msg);
}

/* "37mm", "16pt", "1.5cm", or a bare number in unit `def` (pt). */
static int length(loader *L, xmlNode *n, const char *name, double *out) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || !isfinite(x))
        return fail(L, n, "attribute %s=\"%s\" is not a length; write e.g. 37mm or 16pt", name, v);
    if (!strcmp(end, "mm")) x *= MM;
    else if (!strcmp(end, "cm")) x *= 10 * MM;
    else if (!strcmp(end, "in")) x *= 72;
    else if (strcmp(end, "pt") && *end) return fail(L, n, "attribute %s=\"%s\": unknown unit; use mm, cm, in or pt", name, v);
    *out = x;
    return 1;
}

static int number(loader *L, xmlNode *n, const char *name, double *out) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x)) return fail(L, n, "attribute %s=\"%s\" must be a number", name, v);
    *out = x;
    return 1;
}

/* A whole number from lo to hi (a count of lines or characters): 0 absent,
 * 1 set, -1 failed.  Checked before the conversion, which is undefined for
 * a double out of int's range. */
static int count(loader *L, xmlNode *n, const char *name, int lo, int hi, int *out) {
    double x;
    int r = number(L, n, name, &x);
    if (r <= 0) return r;
    if (x != floor(x) || x < lo || x > hi) {
        char what[160], range[64];
        snprintf(what, sizeof what, "%s=\"%.100s\"", name, attr(L, n, name));
        snprintf(range, sizeof range, "%d to %d", lo, hi);
        return fail(L, n, "attribute %s must be a whole number from %s", what, range);
    }
    *out = (int)x;
    return 1;
}

/* "#RRGGBB" or a few names; 1 = parsed into rgb, 0 = not a colour. */
static int parse_rgb(const char *v, double rgb[3]) {
    static const struct { const char *name; unsigned rgb; } named[] = {
        {"red", 0xE60012}, {"black", 0x000000}, {"gray", 0x808080}, {"grey", 0x808080}, {"white", 0xFFFFFF},
    };
    unsigned c = 0;
    int ok = 0;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcmp(v, named[i].name)) { c = named[i].rgb; ok = 1; }
    if (!ok && v[0] == '#' && strlen(v) == 7) {
        char *end;
        c = (unsigned)strtoul(v + 1, &end, 16);
        ok = *end == 0;
    }
    if (!ok) return 0;
    rgb[0] = ((c >> 16) & 255) / 255.0;
    rgb[1] = ((c >> 8) & 255) / 255.0;
    rgb[2] = (c & 255) / 255.0;
    return 1;
}

static int color(loader *L, xmlNode *n, const char *name, double rgb[3]) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    if (!parse_rgb(v, rgb)) return fail(L, n, "attribute %s=\"%s\" is not a colour; write #RRGGBB or red/black", name, v);
    return 1;
}

static int is(xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static int set_flag(loader *L, xmlNode *n, const char *name, int *out) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) *out = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) *out = 0;
    else return fail(L, n, "attribute %s=\"%s\" must be yes or no", name, v);
    return 1;
}

static int load_style(loader *L, xmlNode *n, tpl_style *s) {
    int r;
    s->name = attr(L, n, "name");
    if (!s->name) return fail(L, n, "<style> needs a name=\"…\"%s%s", NULL, NULL);
    if ((s->font = attr(L, n, "font"))) {
        static const char *roles[] = {"fangsong", "xiaobiaosong", "heiti", "kaiti", "songti"};
        int ok = 0;
        for (size_t i = 0; i < 5; i++) ok |= !strcmp(s->font, roles[i]);
        if (!ok) return fail(L, n, "font=\"%s\" is not a font role; use fangsong, xiaobiaosong, heiti, kaiti or songti%s", s->font, NULL);
        s->set |= TPL_S_FONT;
    }
    if ((r = length(L, n, "size", &s->size)) < 0) return -1; else if (r) s->set |= TPL_S_SIZE;
    if ((r = color(L, n, "color", s->rgb)) < 0) return -1; else if (r) s->set |= TPL_S_COLOR;
    const char *w = attr(L, n, "weight");
    if (w) {
        if (!strcmp(w, "bold")) s->bold = 1;
        else if (strcmp(w, "normal")) return fail(L, n, "weight=\"%s\": use normal or bold%s", w, NULL);
        s->set |= TPL_S_BOLD;
    }
    const char *a = attr(L, n, "align");
    if (a) {
        static const struct { const char *n; tpl_align a; } al[] = {
            {"left", TPL_LEFT}, {"center", TPL_CENTER}, {"right", TPL_RIGHT},
            {"justify", TPL_JUSTIFY}, {"center-over-next", TPL_CENTER_OVER_NEXT},
            {"under-previous", TPL_UNDER_PREVIOUS}};
        int ok = 0;
        for (size_t i = 0; i < sizeof al / sizeof al[0]; i++)
            if (!strcmp(a, al[i].n)) { s->align = al[i].a; ok = 1; }
        if (!ok)
            return fail(L, n, "align=\"%s\": use left, center, right, justify, center-over-next or under-previous%s", a,
                        NULL);
        s->set |= TPL_S_ALIGN;
    }
    if ((r = number(L, n, "indent", &s->indent)) < 0) return -1; else if (r) s->set |= TPL_S_INDENT;
    if ((r = number(L, n, "left-indent", &s->left_indent)) < 0) return -1; else if (r) s->set |= TPL_S_LINDENT;
    if ((r = number(L, n, "right-indent", &s->right_indent)) < 0) return -1; else if (r) s->set |= TPL_S_RINDENT;
    if ((r = number(L, n, "space-before", &s->space_before)) < 0) return -1; else if (r) s->set |= TPL_S_BEFORE;
    if ((r = number(L, n, "space-after", &s->space_after)) < 0) return -1; else if (r) s->set |= TPL_S_AFTER;
    if ((r = number(L, n, "line-pitch", &s->line_pitch)) < 0) return -1; else if (r) s->set |= TPL_S_LINES;
    if ((r = set_flag(L, n, "keep-with-next", &s->keep_with_next)) < 0) return -1; else if (r) s->set |= TPL_S_KEEP;
    if ((r = set_flag(L, n, "fit", &s->fit)) < 0) return -1; else if (r) s->set |= TPL_S_FIT;
    return 0;
}

/* after="4mm" or after="2lines": a flow item's distance below the previous
 * item present (a 版头 item whose field is absent takes no room). */
static int space_after(loader *L, xmlNode *n, tpl_item *it) {
    const char *v = attr(L, n, "after");
    if (!v) return 0;
    char *end;
    double x = strtod(v, &end);
    if (end != v && x >= 0 && (!strcmp(end, "line") || !strcmp(end, "lines"))) {
        it->after_lines = x;
        return 0;
    }
    if (length(L, n, "after", &it->after) < 0) return -1;
    if (it->after < 0) return fail(L, n, "after=\"%s\" must not be negative%s", v, NULL);
    return 0;
}

/* page-top= / page-bottom= (from the paper's edges, 信函格式) and a rule's
 * length=: one way to place an item, non-negative, a rule no longer than
 * the paper is wide. */
static int page_place(loader *L, xmlNode *c, tpl_item *it) {
    it->page_top = it->page_bottom = -1;
    if (length(L, c, "page-top", &it->page_top) < 0 || length(L, c, "page-bottom", &it->page_bottom) < 0 ||
        length(L, c, "length", &it->length) < 0)
        return -1;
    int how = (it->top >= 0) + (it->page_top >= 0) + (it->page_bottom >= 0);
    if (how > 1) return fail(L, c, "give one of top=, page-top= and page-bottom=%s%s", NULL, NULL);
    if ((attr(L, c, "page-top") && it->page_top < 0) || (attr(L, c, "page-bottom") && it->page_bottom < 0))
        return fail(L, c, "page-top= and page-bottom= are distances from the paper's edge: not negative%s%s", NULL,
                    NULL);
    if (how && attr(L, c, "after")) return fail(L, c, "after= is for items that flow: leave out top=, page-top= or page-bottom=%s%s", NULL, NULL);
    if (it->length < 0 || it->length > L->t->page_w)
        return fail(L, c, "length=\"%s\": a rule from 0 to the paper's width%s", attr(L, c, "length"), NULL);
    if (it->length > 0 && !is(c, "rule")) return fail(L, c, "length= is for a <rule>%s%s", NULL, NULL);
    return 0;
}

static int load_items(loader *L, xmlNode *parent, tpl_item **items, size_t *n) {
    size_t cap = 0;
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (arena_grow(L->t->arena, (void **)items, &cap, *n, sizeof **items) < 0)
            return err_set(L->e, TB_EINTERNAL, L->t->path, 0, 0, "out of memory");
        tpl_item *it = &(*items)[*n];
        memset(it, 0, sizeof *it);
        it->top = -1;
        if (length(L, c, "top", &it->top) < 0 || space_after(L, c, it) < 0 || page_place(L, c, it) < 0) return -1;
        if (is(c, "rule")) {
            it->kind = TPL_ITEM_RULE;
            it->weight = 0.35 * MM;
            if (length(L, c, "weight", &it->weight) < 0 || color(L, c, "color", it->rgb) < 0) return -1;
        } else if (is(c, "text")) {
            it->kind = TPL_ITEM_TEXT;
            it->style = attr(L, c, "style");
            it->left = attr(L, c, "left");
            it->right = attr(L, c, "right");
            xmlChar *txt = xmlNodeGetContent(c);
            if (txt) {
                it->text = arena_strdup(L->t->arena, (const char *)txt);
                xmlFree(txt);
            }
            if (it->text && str_empty(it->text)) it->text = NULL;
            if (!it->text && !it->left && !it->right)
                return fail(L, c, "<text> needs content or left=/right= attributes%s%s", NULL, NULL);
        } else {
            return fail(L, c, "unknown element <%s> here; use <text> or <rule>%s", (const char *)c->name, NULL);
        }
        (*n)++;
    }
    return 0;
}

/* ---- <order>, <appendix>, <chart> ------------------------------------ */

const char *const tpl_part_names[] = {
    "head", "title", "to", "body", "preamble", "findings", "rectification", "cases",
    "requirements", "status", "statistics", "items", "signature", "appendix-note", "chart",
    "appendix", "tail", NULL
};

static int align_value(loader *L, xmlNode *n, const char *v, int *out) {
    static const struct { const char *n; tpl_align a; } al[] = {
        {"left", TPL_LEFT}, {"center", TPL_CENTER}, {"right", TPL_RIGHT}, {"justify", TPL_JUSTIFY}};
    for (size_t i = 0; i < sizeof al / sizeof al[0]; i++)
        if (!strcmp(v, al[i].n)) {
            *out = (int)al[i].a;
            return 0;
        }
    return fail(L, n, "align=\"%s\": use left, center, right or justify%s", v, NULL);
}

/* "title to body signature appendix": whitespace-separated part names.
 * head and tail are page furniture with fixed places; they may be written
 * (first and last) so the order reads like the page, and are dropped here. */
static int load_order(loader *L, xmlNode *n) {
    tpl_template *t = L->t;
    xmlChar *txt = xmlNodeGetContent(n);
    const char *s = txt ? arena_strdup(t->arena, (const char *)txt) : "";
    if (txt) xmlFree(txt);
    if (!s) return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
    t->order = s;
    size_t cap = 0, seen = 0;
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p) break;
        const char *q = p;
        while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') q++;
        char *w = arena_strndup(t->arena, p, (size_t)(q - p));
        if (!w) return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
        int known = 0;
        for (size_t i = 0; tpl_part_names[i]; i++) known |= !strcmp(w, tpl_part_names[i]);
        if (!known)
            return fail(L, n, "<order> names an unknown part \"%s\"; parts are head title to body preamble findings "
                              "rectification cases requirements status statistics items signature appendix-note chart appendix tail%s",
                        w, NULL);
        if (tpl_has_part(t, w)) return fail(L, n, "<order> names \"%s\" twice%s", w, NULL);
        p = q;
        seen++;
        if (!strcmp(w, "head")) {
            if (seen != 1) return fail(L, n, "<order>: head (版头) is always first; write it first or leave it out%s%s", NULL, NULL);
            continue;
        }
        if (!strcmp(w, "tail")) {
            while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
            if (*p) return fail(L, n, "<order>: tail (版记/报尾) is always last; write it last or leave it out%s%s", NULL, NULL);
            continue;
        }
        if (arena_grow(t->arena, (void **)&t->parts, &cap, t->n_parts, sizeof *t->parts) < 0)
            return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
        t->parts[t->n_parts++] = w;
    }
    return 0;
}

/* Column fields the appendix knows (appendix.c fills them). */
static const char *const column_fields[] = {
    "seq", "id", "location", "text", "deadline", "responsible", "category", "district", "observed", NULL
};

static int load_appendix(loader *L, xmlNode *n) {
    tpl_template *t = L->t;
    tpl_appendix *a = &t->appendix;
    a->label = attr(L, n, "label");
    a->title = attr(L, n, "title");
    a->note = attr(L, n, "note");
    a->label_style = attr(L, n, "label-style");
    a->title_style = attr(L, n, "title-style");
    a->note_style = attr(L, n, "note-style");
    a->head_style = attr(L, n, "head-style");
    a->cell_style = attr(L, n, "cell-style");
    a->group_style = attr(L, n, "group-style");
    a->empty = attr(L, n, "empty");
    int group = 0, r;
    if ((r = set_flag(L, n, "group", &group)) < 0) return -1;
    if (r) a->group = group ? 1 : -1;
    if (length(L, n, "padding-x", &a->pad_x) < 0 || length(L, n, "padding-y", &a->pad_y) < 0 ||
        length(L, n, "rule-weight", &a->rule_weight) < 0)
        return -1;
    if ((r = color(L, n, "rule-color", a->rule_rgb)) < 0) return -1;
    a->has_rule_rgb = r;
    if ((r = color(L, n, "head-fill", a->head_fill)) < 0) return -1;
    a->has_head_fill = r;
    size_t cap = 0;
    int stars = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!is(c, "column")) return fail(L, c, "unknown element <%s> in <appendix>; use <column field=\"…\" width=\"…\"/>%s", (const char *)c->name, NULL);
        if (arena_grow(t->arena, (void **)&a->cols, &cap, a->n_cols, sizeof *a->cols) < 0)
            return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
        tpl_column *col = &a->cols[a->n_cols];
        memset(col, 0, sizeof *col);
        col->align = -1;
        col->field = attr(L, c, "field");
        col->head = attr(L, c, "head");
        int ok = 0;
        for (size_t i = 0; col->field && column_fields[i]; i++) ok |= !strcmp(col->field, column_fields[i]);
        if (!ok) return fail(L, c, "<column field=\"%s\">: use seq, id, location, text, deadline, responsible, category, district or observed%s",
                             col->field ? col->field : "", NULL);
        const char *w = attr(L, c, "width"), *al = attr(L, c, "align");
        if (!w || !strcmp(w, "*")) {
            col->width = 0;
            stars++;
        } else {
            char *end;
            col->width = strtod(w, &end);
            if (end == w || *end || col->width <= 0)
                return fail(L, c, "<column width=\"%s\">: a positive number of body characters, or * for the rest%s", w, NULL);
        }
        if (al && align_value(L, c, al, &col->align) < 0) return -1;
        a->n_cols++;
    }
    if (stars > 1) return fail(L, n, "<appendix>: only one column may have width=\"*\"%s%s", NULL, NULL);
    return 0;
}

/* Styles the appendix, the chart and items use, for a template that does
 * not define them (an older copy with "appendix" added to its <order>, a
 * 督查通报 template given an items file): like the GB/T 9704 page
 * defaults, a template only states what it changes. */
static int default_styles(loader *L) {
    static const struct {
        const char *name, *font;
        double size;
        tpl_align align;
        double indent, before, after, pitch;
        int bold, keep;
    } d[] = {
        {"appendix-note", "fangsong", 0, TPL_LEFT, 2, 1, 0, 0, 0, 0},   /* 正文下空一行左空二字 */
        {"appendix-label", "heiti", 0, TPL_LEFT, 0, 0, 0, 0, 0, 0},     /* 附件: 3号黑体, top-left */
        {"appendix-title", "xiaobiaosong", 22, TPL_CENTER, 0, 1, 1, 0, 0, 0}, /* third line, centred */
        {"table-head", "heiti", 12, TPL_CENTER, 0, 0, 0, 0.6, 0, 0},
        {"table-cell", "fangsong", 12, TPL_JUSTIFY, 0, 0, 0, 0.6, 0, 0},
        {"table-group", "heiti", 12, TPL_LEFT, 0, 0, 0, 0.6, 0, 0},
        {"chart", "heiti", 10.5, TPL_LEFT, 0, 0, 0, 0, 0, 0},
        {"caption", "heiti", 14, TPL_CENTER, 0, 0, 0, 0, 0, 0},
        /* items (compose_items.c): 栏目 heading, bold run-ins, news lines */
        {"column", "xiaobiaosong", 0, TPL_CENTER, 0, 0, 0, 0, 0, 1},
        {"item-headline", "songti", 0, TPL_JUSTIFY, 0, 0, 0, 0, 1, 0},
        {"item-point", "songti", 0, TPL_JUSTIFY, 0, 0, 0, 0, 1, 0},
        {"news-headline", "songti", 0, TPL_CENTER, 0, 1, 0, 0, 1, 1},
        {"news-author", "kaiti", 0, TPL_CENTER, 0, 0, 0, 0, 0, 1},
        {"byline", "kaiti", 0, TPL_RIGHT, 0, 0, 0, 0, 0, 0},
    };
    tpl_template *t = L->t;
    size_t cap = t->n_styles;   /* arena_grow doubles from here */
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        if (tpl_style_get(t, d[i].name)) continue;
        if (arena_grow(t->arena, (void **)&t->styles, &cap, t->n_styles, sizeof *t->styles) < 0)
            return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
        tpl_style *s = &t->styles[t->n_styles++];
        memset(s, 0, sizeof *s);
        s->name = d[i].name;
        s->font = d[i].font;
        s->align = d[i].align;
        s->indent = d[i].indent;
        s->space_before = d[i].before;
        s->space_after = d[i].after;
        s->set = TPL_S_FONT | TPL_S_ALIGN | TPL_S_INDENT | TPL_S_BEFORE | TPL_S_AFTER;
        if (d[i].size > 0) s->size = d[i].size, s->set |= TPL_S_SIZE;
        if (d[i].pitch > 0) s->line_pitch = d[i].pitch, s->set |= TPL_S_LINES;
        if (d[i].bold) s->bold = 1, s->set |= TPL_S_BOLD;
        if (d[i].keep) s->keep_with_next = 1, s->set |= TPL_S_KEEP;
    }
    return 0;
}

/* After the whole template is read (its <page> may come later): the columns
 * must fit the block.  appendix.c checks again against the final geometry. */
static int check_appendix(loader *L, xmlNode *root) {
    const tpl_appendix *a = &L->t->appendix;
    double fixed = 0;
    int star = 0;
    for (size_t i = 0; i < a->n_cols; i++) {
        fixed += a->cols[i].width;
        star |= a->cols[i].width == 0;
    }
    if (a->n_cols && fixed + star > L->t->chars + 1e-9) {
        char sum[64], have[32];
        snprintf(sum, sizeof sum, "%g", fixed);
        snprintf(have, sizeof have, "%d", L->t->chars);
        return fail(L, root, "<appendix> columns add up to %s body characters (a * column needs 1 more); the block holds %s",
                    sum, have);
    }
    return 0;
}

static int load_chart(loader *L, xmlNode *n) {
    tpl_template *t = L->t;
    tpl_chart *ch = &t->chart;
    double x = 0;
    int r;
    if ((r = number(L, n, "lines", &x)) < 0) return -1;
    if (r) {
        if (x < 4 || x > 200) return fail(L, n, "<chart lines=…> must be 4 or more grid lines%s%s", NULL, NULL);
        ch->lines = (int)x;
    }
    ch->caption = attr(L, n, "caption");
    ch->axis_label = attr(L, n, "axis-label");
    ch->units_label = attr(L, n, "units-label");
    ch->style = attr(L, n, "style");
    ch->caption_style = attr(L, n, "caption-style");
    const char *pal = attr(L, n, "palette");
    if (pal) {
        /* "#1F3B73 #C0504D …": parsed with the same colour rules */
        const char *p = pal;
        while (*p) {
            while (*p == ' ' || *p == ',') p++;
            if (!*p) break;
            const char *q = p;
            while (*q && *q != ' ' && *q != ',') q++;
            if (ch->n_palette == sizeof ch->palette / sizeof ch->palette[0])
                return fail(L, n, "<chart palette=…> takes at most 12 colours%s%s", NULL, NULL);
            char one[32];
            snprintf(one, sizeof one, "%.*s", (int)(q - p < 31 ? q - p : 31), p);
            if (!parse_rgb(one, ch->palette[ch->n_palette]))
                return fail(L, n, "<chart palette=…>: \"%s\" is not a colour; write #RRGGBB%s", one, NULL);
            ch->n_palette++;
            p = q;
        }
    }
    return 0;
}

/* <lexicon>疫情 防控 暗访</lexicon>: words separated by white space (ASCII
 * or U+3000). */
static int load_lexicon(loader *L, xmlNode *n) {
    tpl_template *t = L->t;
    xmlChar *txt = xmlNodeGetContent(n);
    const char *s = txt ? (const char *)txt : "";
    size_t cap = t->n_lexicon;
    static const char ideo_space[] = "\u3000";
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || !strncmp(s, ideo_space, 3))
            s += *s == ideo_space[0] ? 3 : 1;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r' && strncmp(e, ideo_space, 3)) e++;
        if (e == s) break;
        if (arena_grow(t->arena, (void **)&t->lexicon, &cap, t->n_lexicon, sizeof *t->lexicon) < 0 ||
            !(t->lexicon[t->n_lexicon++] = arena_strndup(t->arena, s, (size_t)(e - s)))) {
            if (txt) xmlFree(txt);
            return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
        }
        s = e;
    }
    if (txt) xmlFree(txt);
    return 0;
}

/* <output formats="pdf ofd" pdfa="yes"/> */
static int load_output(loader *L, xmlNode *n) {
    tpl_template *t = L->t;
    const char *f = attr(L, n, "formats"), *a = attr(L, n, "pdfa");
    if (a) {
        if (!strcmp(a, "yes")) t->pdfa = 1;
        else if (!strcmp(a, "no")) t->pdfa = 0;
        else return fail(L, n, "<output pdfa=\"%s\">: use yes or no%s", a, NULL);
    }
    if (f) {
        t->forms = 0;
        for (const char *p = f; *p;) {
            while (*p == ' ' || *p == ',') p++;
            const char *q = p;
            while (*q && *q != ' ' && *q != ',') q++;
            if (q == p) break;
            if (q - p == 3 && !strncmp(p, "pdf", 3)) t->forms |= TPL_FORM_PDF;
            else if (q - p == 3 && !strncmp(p, "ofd", 3)) t->forms |= TPL_FORM_OFD;
            else return fail(L, n, "<output formats=\"%s\">: each format is pdf or ofd%s", f, NULL);
            p = q;
        }
        if (!t->forms) return fail(L, n, "<output formats=\"\">: name pdf, ofd or both%s%s", NULL, NULL);
    }
    return 0;
}

/* A number of days from 0 to hi, whole: 0 absent, 1 set, -1 failed (checked
 * before the conversion, which is undefined for a double out of int's range). */
static int esc_days(loader *L, xmlNode *n, const char *name, int hi, int *out) {
    double x;
    int r = number(L, n, name, &x);
    if (r <= 0) return r;
    if (!(x >= 0 && x <= hi) || x != (double)(int)x) {
        char range[64];
        snprintf(range, sizeof range, "0 to %d", hi);
        return fail(L, n, "<escalation> %s= must be a whole number of days from %s", name, range);
    }
    *out = (int)x;
    return 1;
}

/* <escalation working-days="3" after="0"> with one <level name= title=
 * lead= warning=/> per level, lowest first: what `tongbao escalate` writes
 * (templates/README.md, "<escalation>").  The wording is the template's;
 * compose_letter refuses a letter whose template leaves a part out. */
static int load_escalation(loader *L, xmlNode *n) {
    tpl_escalation *x = &L->t->escalation;
    if (x->n_levels) return fail(L, n, "a template has one <escalation>%s%s", NULL, NULL);
    x->working_days = -1;
    if (esc_days(L, n, "working-days", 365, &x->working_days) < 0 ||
        esc_days(L, n, "days", 3650, &x->calendar_days) < 0 || esc_days(L, n, "after", 3650, &x->after_days) < 0)
        return -1;
    if (x->working_days >= 0 && attr(L, n, "days"))
        return fail(L, n, "<escalation>: give working-days= or days=, not both%s%s", NULL, NULL);
    if (x->working_days < 0) x->working_days = attr(L, n, "days") ? 0 : 3;
    if (x->working_days == 0 && x->calendar_days == 0)
        return fail(L, n, "<escalation>: the new deadline must be at least one day after the letter "
                          "(working-days=\"3\" or days=\"7\")%s%s", NULL, NULL);
    size_t cap = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!is(c, "level"))
            return fail(L, c, "unknown element <%s> in <escalation>; use <level name=\"督办\" …/>%s",
                        (const char *)c->name, NULL);
        if (arena_grow(L->t->arena, (void **)&x->levels, &cap, x->n_levels, sizeof *x->levels) < 0)
            return err_set(L->e, TB_EINTERNAL, L->t->path, 0, 0, "out of memory");
        tpl_level *lv = &x->levels[x->n_levels];
        lv->name = attr(L, c, "name");
        lv->title = attr(L, c, "title");
        lv->lead = attr(L, c, "lead");
        lv->warning = attr(L, c, "warning");
        if (str_empty(lv->name)) return fail(L, c, "<level> needs name=\"…\" (督办, 提醒, 告诫)%s%s", NULL, NULL);
        for (size_t k = 0; k < x->n_levels; k++)
            if (!strcmp(x->levels[k].name, lv->name)) return fail(L, c, "level \"%s\" is named twice%s", lv->name, NULL);
        x->n_levels++;
    }
    if (!x->n_levels) return fail(L, n, "<escalation> needs at least one <level name=\"…\"/>%s%s", NULL, NULL);
    return 0;
}

static int load_root(loader *L, xmlNode *root) {
    tpl_template *t = L->t;
    if (!root || !is(root, "template"))
        return fail(L, root, "the root element must be <template>%s%s", NULL, NULL);
    t->name = attr(L, root, "name");
    t->description = attr(L, root, "description");
    t->kind = attr(L, root, "kind");
    if (!t->kind) t->kind = t->name;
    /* GB/T 9704-2012 defaults: a template only states what it changes. */
    t->page_w = 210 * MM; t->page_h = 297 * MM; t->top = 37 * MM; t->left = 28 * MM;
    t->block_w = 156 * MM; t->block_h = 225 * MM; t->lines = 22; t->chars = 28; t->body_size = 16;
    t->folio_format = "— {page} —";
    t->folio_style = "folio";
    t->folio_below = 7 * MM;
    t->folio_inset = 1;
    t->folio_outer = 1;
    t->folio_first = 1;
    t->sides = 2;
    t->head_gap = -1;
    t->appendix.pad_x = t->appendix.pad_y = t->appendix.rule_weight = -1;   /* appendix.c's defaults */
    size_t cap_styles = 0, cap_words = 0;
    int seen_appendix = 0;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is(c, "page")) {
            if (length(L, c, "width", &t->page_w) < 0 || length(L, c, "height", &t->page_h) < 0 ||
                length(L, c, "top", &t->top) < 0 || length(L, c, "left", &t->left) < 0 ||
                length(L, c, "block-width", &t->block_w) < 0 || length(L, c, "block-height", &t->block_h) < 0 ||
                length(L, c, "body-size", &t->body_size) < 0)
                return -1;
            if (count(L, c, "lines", 1, TPL_MAX_GRID, &t->lines) < 0 ||
                count(L, c, "chars", 1, TPL_MAX_GRID, &t->chars) < 0)
                return -1;
            if (set_flag(L, c, "squeeze-adjacent", &t->squeeze_adjacent) < 0 ||
                count(L, c, "sides", 1, 2, &t->sides) < 0)
                return -1;
        } else if (is(c, "style")) {
            if (arena_grow(t->arena, (void **)&t->styles, &cap_styles, t->n_styles, sizeof *t->styles) < 0)
                return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
            tpl_style *s = &t->styles[t->n_styles];
            memset(s, 0, sizeof *s);
            if (load_style(L, c, s) < 0) return -1;
            t->n_styles++;
        } else if (is(c, "head")) {
            t->head_lines = 0;
            if (count(L, c, "lines", 0, TPL_MAX_GRID, &t->head_lines) < 0) return -1;
            if (number(L, c, "gap", &t->head_gap) < 0) return -1;
            if (t->head_gap != -1 && !(t->head_gap >= 0 && t->head_gap <= TPL_MAX_GRID))
                return fail(L, c, "<head gap=…> is a number of grid lines from 0 up%s%s", NULL, NULL);
            if (load_items(L, c, &t->head, &t->n_head) < 0) return -1;
        } else if (is(c, "tail")) {
            if (load_items(L, c, &t->tail, &t->n_tail) < 0) return -1;
            for (size_t k = 0; k < t->n_tail; k++)
                if (t->tail[k].page_top >= 0 || t->tail[k].page_bottom >= 0 || t->tail[k].after > 0 ||
                    t->tail[k].after_lines > 0 || t->tail[k].length > 0)
                    return fail(L, c, "<tail> items sit on the last grid lines: page-top=, page-bottom=, after= "
                                      "and length= are for <head>%s%s", NULL, NULL);
        } else if (is(c, "folio")) {
            const char *f = attr(L, c, "format"), *s = attr(L, c, "style"), *side = attr(L, c, "side");
            if (f) t->folio_format = f;
            if (s) t->folio_style = s;
            if (side) {
                if (!strcmp(side, "outer")) t->folio_outer = 1;
                else if (!strcmp(side, "center")) t->folio_outer = 0;
                else return fail(L, c, "side=\"%s\": use outer or center%s", side, NULL);
            }
            if (length(L, c, "below", &t->folio_below) < 0 || number(L, c, "inset", &t->folio_inset) < 0) return -1;
            /* first="no": page 1 carries no number (信函格式, GB/T 9704 10.1) */
            int first = 1;
            if (set_flag(L, c, "first", &first) < 0) return -1;
            t->folio_first = first;
        } else if (is(c, "wording")) {
            for (xmlNode *w = c->children; w; w = w->next) {
                if (w->type != XML_ELEMENT_NODE) continue;
                if (!is(w, "text")) return fail(L, w, "unknown element <%s> in <wording>; use <text key=\"…\">%s", (const char *)w->name, NULL);
                if (arena_grow(t->arena, (void **)&t->words, &cap_words, t->n_words, sizeof *t->words) < 0)
                    return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
                tpl_word_entry *we = &t->words[t->n_words];
                we->key = attr(L, w, "key");
                xmlChar *txt = xmlNodeGetContent(w);
                we->text = txt ? arena_strdup(t->arena, (const char *)txt) : "";
                if (txt) xmlFree(txt);
                if (!we->key) return fail(L, w, "<text> in <wording> needs key=\"…\"%s%s", NULL, NULL);
                /* the one wording key that is a number: how many scope
                 * entries the 累计涉及 clause names (compose_history.c) */
                if (!strcmp(we->key, "history-scope-max") &&
                    (strspn(we->text, "0123456789") != strlen(we->text) || !*we->text || strlen(we->text) > 3))
                    return fail(L, w, "history-scope-max is \"%s\": give a whole number of entries (0 to 999; 0 leaves "
                                "the scope out)%s", we->text, NULL);
                t->n_words++;
            }
        } else if (is(c, "lexicon")) {
            if (load_lexicon(L, c) < 0) return -1;
        } else if (is(c, "order")) {
            if (load_order(L, c) < 0) return -1;
        } else if (is(c, "appendix")) {
            if (seen_appendix++) return fail(L, c, "<appendix> appears twice; a template has one table%s%s", NULL, NULL);
            if (load_appendix(L, c) < 0) return -1;
        } else if (is(c, "chart")) {
            if (load_chart(L, c) < 0) return -1;
        } else if (is(c, "output")) {
            if (load_output(L, c) < 0) return -1;
        } else if (is(c, "escalation")) {
            if (load_escalation(L, c) < 0) return -1;
        } else {
            return fail(L, c, "unknown element <%s> in <template>%s", (const char *)c->name, NULL);
        }
    }
    if (t->lines < 1 || t->chars < 1 || t->block_w <= 0 || t->block_h <= 0 || t->body_size <= 0)
        return fail(L, root, "page geometry must have positive lines, chars, block size and body size%s%s", NULL, NULL);
    if (t->head_lines < 0 || t->head_lines >= t->lines)
        return fail(L, root, "<head lines=…> must leave room for the body on the first page%s%s", NULL, NULL);
    t->line_pitch = t->block_h / t->lines;
    t->char_pitch = t->block_w / t->chars;
    if (!tpl_style_get(t, "body")) return fail(L, root, "a template needs a <style name=\"body\" …>%s%s", NULL, NULL);
    if (default_styles(L) < 0) return -1;
    return check_appendix(L, root);
}

tpl_template *tpl_load_memory(const char *xml, size_t len, const char *name, err *e) {
    arena *a = arena_new();
    tpl_template *t = a ? arena_alloc(a, sizeof *t) : NULL;
    if (!t) {
        arena_free(a);
        err_set(e, TB_EINTERNAL, name, 0, 0, "out of memory");
        return NULL;
    }
    t->arena = a;
    t->path = arena_strdup(a, name);
    t->xml = arena_strndup(a, xml, len);
    t->xml_len = len;
    if (len > INT_MAX || !t->path || !t->xml) {
        err_set(e, TB_ETEMPLATE, name, 0, 0, "template too large or out of memory");
        tpl_free(t);
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlDocPtr doc = ctxt ? xmlCtxtReadMemory(ctxt, xml, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING) : NULL;
    if (!doc) {
        const xmlError *xe = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
        char msg[512];
        snprintf(msg, sizeof msg, "%s", xe && xe->message ? xe->message : "not well-formed XML");
        size_t ml = strlen(msg);
        while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' ')) msg[--ml] = 0;
        err_set(e, TB_ETEMPLATE, name, xe ? xe->line : 0, xe ? xe->int2 : 0, "template is not well-formed XML: %s", msg);
        if (ctxt) xmlFreeParserCtxt(ctxt);
        tpl_free(t);
        return NULL;
    }
    loader L = {t, e};
    int rc = load_root(&L, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (rc < 0) {
        tpl_free(t);
        return NULL;
    }
    return t;
}

tpl_template *tpl_load_file(const char *path, err *e) {
    size_t len;
    char *data = file_read(path, 4u << 20, &len, e);
    if (!data) {
        if (e) e->code = TB_ETEMPLATE;
        return NULL;
    }
    tpl_template *t = tpl_load_memory(data, len, path, e);
    free(data);
    return t;
}

void tpl_free(tpl_template *t) {
    if (t) arena_free(t->arena);
}

/* Where make install put the templates and fonts/ (the Makefile writes it
 * into the build, from PREFIX or DATADIR). */
extern const char tb_datadir[];

/* Is dir a data directory: does it hold templates/? */
static int has_templates(const char *dir) {
    char probe[PATH_MAX + 64];
    struct stat st;
    int k = snprintf(probe, sizeof probe, "%s/templates", dir);
    return k > 0 && (size_t)k < sizeof probe && stat(probe, &st) == 0 && S_ISDIR(st.st_mode);
}

char *tpl_data_dir(void) {
    const char *home = getenv("TONGBAO_HOME");
    if (home && *home) return strdup(home);
    /* beside the executable first, so a build tree uses its own files even
     * when another version is installed: <root>/bin/tongbao or
     * <root>/build/…/tests/x (walk up until templates/ exists), or an
     * installed <prefix>/bin/tongbao next to <prefix>/share/tongbao, which
     * also finds a tree staged with DESTDIR */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash || slash == exe) break;
            *slash = 0;
            if (has_templates(exe)) return strdup(exe);
            char share[PATH_MAX + 32];
            int k = snprintf(share, sizeof share, "%s/share/tongbao", exe);
            if (k > 0 && (size_t)k < sizeof share && has_templates(share)) return strdup(share);
        }
    }
    /* the installed data directory, from any working directory and also
     * when the binary was copied elsewhere */
    if (tb_datadir[0] && has_templates(tb_datadir)) return strdup(tb_datadir);
    return strdup(".");
}

size_t tpl_search_path(char *dirs[], size_t max) {
    size_t n = 0;
    const char *env = getenv("TONGBAO_TEMPLATES");
    if (env && *env && n < max) dirs[n++] = strdup(env);
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char tmp[PATH_MAX];
    if (xdg && *xdg) snprintf(tmp, sizeof tmp, "%s/tongbao/templates", xdg);
    else if (home && *home) snprintf(tmp, sizeof tmp, "%s/.config/tongbao/templates", home);
    else tmp[0] = 0;
    if (tmp[0] && n < max) dirs[n++] = strdup(tmp);
    char *data = tpl_data_dir();
    if (data && n < max) {
        snprintf(tmp, sizeof tmp, "%s/templates", data);
        dirs[n++] = strdup(tmp);
    }
    free(data);
    for (size_t i = 0; i < n; i++)
        if (!dirs[i]) { /* strdup failed: drop the rest */
            for (size_t j = i + 1; j < n; j++) free(dirs[j]);
            return i;
        }
    return n;
}

tpl_template *tpl_load(const char *name, err *e) {
    if (strchr(name, '/')) return tpl_load_file(name, e);
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
            err_set(e, TB_ETEMPLATE, NULL, 0, 0, "template name \"%s\" may only use a-z, 0-9, - and _; give a path to use a file elsewhere", name);
            return NULL;
        }
    char *dirs[8];
    size_t n = tpl_search_path(dirs, 8);
    tpl_template *t = NULL;
    int found = 0;
    buf tried;
    buf_init(&tried);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s.xml", dirs[i], name);
        if (!found && access(path, R_OK) == 0) {
            found = 1;
            t = tpl_load_file(path, e);
        }
        buf_printf(&tried, "%s%s", i ? ", " : "", dirs[i]);
        free(dirs[i]);
    }
    if (!found)
        err_set(e, TB_ETEMPLATE, NULL, 0, 0, "no template \"%s\" in %s; `tongbao templates` lists what is installed",
                name, tried.len ? buf_cstr(&tried) : "(no template directories)");
    buf_free(&tried);
    return t;
}

const tpl_style *tpl_style_get(const tpl_template *t, const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < t->n_styles; i++)
        if (!strcmp(t->styles[i].name, name)) return &t->styles[i];
    return NULL;
}

static void merge(tpl_style *o, const tpl_style *s, int inherit_par) {
    if (!s) return;
    if (s->set & TPL_S_FONT) o->font = s->font;
    if (s->set & TPL_S_SIZE) o->size = s->size;
    if (s->set & TPL_S_COLOR) memcpy(o->rgb, s->rgb, sizeof o->rgb);
    if (s->set & TPL_S_BOLD) o->bold = s->bold;
    if (!inherit_par) return;     /* run styles change only the character look */
    if (s->set & TPL_S_ALIGN) o->align = s->align;
    if (s->set & TPL_S_INDENT) o->indent = s->indent;
    if (s->set & TPL_S_LINDENT) o->left_indent = s->left_indent;
    if (s->set & TPL_S_RINDENT) o->right_indent = s->right_indent;
    if (s->set & TPL_S_BEFORE) o->space_before = s->space_before;
    if (s->set & TPL_S_AFTER) o->space_after = s->space_after;
    if (s->set & TPL_S_KEEP) o->keep_with_next = s->keep_with_next;
    if (s->set & TPL_S_FIT) o->fit = s->fit;
    if (s->set & TPL_S_LINES) o->line_pitch = s->line_pitch;
}

void tpl_resolve(const tpl_template *t, const char *block_style, const char *run_style, tpl_style *out) {
    memset(out, 0, sizeof *out);
    out->font = "fangsong";
    out->size = t->body_size;
    out->align = TPL_JUSTIFY;
    out->line_pitch = 1;
    const tpl_style *body = tpl_style_get(t, "body");
    merge(out, body, 1);
    if (block_style && strcmp(block_style, "body")) {
        const tpl_style *bs = tpl_style_get(t, block_style);
        if (bs) {
            /* a block style other than body starts from body's character look
             * but not its paragraph shape: indents and spacing are its own */
            out->indent = 0;
            out->left_indent = out->right_indent = 0;
            out->space_before = out->space_after = 0;
            out->align = TPL_LEFT;
            merge(out, bs, 1);
        }
    }
    if (run_style) merge(out, tpl_style_get(t, run_style), 0);
    out->name = block_style;
}

int tpl_has_part(const tpl_template *t, const char *part) {
    for (size_t i = 0; t && i < t->n_parts; i++)
        if (!strcmp(t->parts[i], part)) return 1;
    return 0;
}

const char *tpl_word(void *ctx, const char *key) {
    const tpl_template *t = ctx;
    for (size_t i = 0; t && i < t->n_words; i++)
        if (!strcmp(t->words[i].key, key)) return t->words[i].text;
    return NULL;
}
