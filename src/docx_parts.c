/* docx_parts.c — the .docx parts around the document body (see docx.h):
 * the checked XML writer, the style sheet (built-in names where Word has
 * one, the template's names elsewhere), settings (even/odd footers, zh-CN,
 * 标点挤压), the font table with the stand-in faces, the odd and even
 * footers with a PAGE field, the package parts (content types,
 * relationships, core and app properties) and a chart's PNG. */
#include "docx_int.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fonts.h"

int dx_oom(dx_ctx *c) { return err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "out of memory writing the .docx"); }

/* ---- the XML writer ------------------------------------------------------ */

int dx_open(dx_xml *x) {
    memset(x, 0, sizeof *x);
    x->b = xmlBufferCreateSize(4096);
    x->w = x->b ? xmlNewTextWriterMemory(x->b, 0) : NULL;
    if (!x->w) {
        if (x->b) xmlBufferFree(x->b);
        x->b = NULL;
        return -1;
    }
    if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", "yes") < 0) x->bad = 1;
    return x->bad ? -1 : 0;
}

int dx_close(dx_xml *x) {
    if (!x->w) return -1;
    if (xmlTextWriterEndDocument(x->w) < 0 || xmlTextWriterFlush(x->w) < 0) x->bad = 1;
    return x->bad ? -1 : 0;
}

void dx_free(dx_xml *x) {
    if (x->w) xmlFreeTextWriter(x->w);
    if (x->b) xmlBufferFree(x->b);
    memset(x, 0, sizeof *x);
}

void dx_start(dx_xml *x, const char *name) {
    if (!x->bad && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0) x->bad = 1;
}

void dx_end(dx_xml *x) {
    if (!x->bad && xmlTextWriterEndElement(x->w) < 0) x->bad = 1;
}

void dx_attr(dx_xml *x, const char *name, const char *val) {
    if (!x->bad && xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST(val ? val : "")) < 0) x->bad = 1;
}

void dx_attrl(dx_xml *x, const char *name, long val) {
    char s[32];
    snprintf(s, sizeof s, "%ld", val);
    dx_attr(x, name, s);
}

void dx_text(dx_xml *x, const char *s) {
    if (!x->bad && xmlTextWriterWriteString(x->w, BAD_CAST(s ? s : "")) < 0) x->bad = 1;
}

void dx_leaf(dx_xml *x, const char *name, const char *a, const char *v) {
    dx_start(x, name);
    if (a) dx_attr(x, a, v);
    dx_end(x);
}

void dx_leafl(dx_xml *x, const char *name, const char *a, long v) {
    dx_start(x, name);
    dx_attrl(x, a, v);
    dx_end(x);
}

/* ---- styles ------------------------------------------------------------ */

/* Template styles Word has a built-in style for: a user's change to 标题 1
 * (heading 1) or 正文 (Normal) applies to what tongbao wrote. */
static const struct {
    const char *tpl, *id, *name;
} builtin_map[] = {
    {"body", "Normal", "Normal"},
    {"title", "Title", "Title"},
    {"case-title", "Heading1", "heading 1"},
    {"signature", "Signature", "Signature"},
    {"date", "Date", "Date"},
};
#define N_BUILTIN (sizeof builtin_map / sizeof builtin_map[0])

/* Run styles compose writes (templates/README.md): character styles even
 * when this document happens not to use them. */
static const char *const run_styles[] = {"lead", "id", "repeat", "deadline"};

/* Names Word reserves that a template style may not take as they are. */
static const char *const reserved[] = {"normal", "title", "heading 1", "heading 2", "signature", "date",
                                       "footer", "table grid", "normal table", "default paragraph font"};

static int is_run_style(const dx_ctx *c, const char *name) {
    for (size_t i = 0; i < sizeof run_styles / sizeof run_styles[0]; i++)
        if (!strcmp(name, run_styles[i])) return 1;
    for (size_t b = 0; b < c->d->n_blocks; b++)
        for (size_t r = 0; r < c->d->blocks[b].n_runs; r++)
            if (c->d->blocks[b].runs[r].style && !strcmp(c->d->blocks[b].runs[r].style, name)) return 1;
    return 0;
}

static int is_builtin_tpl(const dx_ctx *c, const char *name) {
    for (size_t i = 0; i < N_BUILTIN; i++)
        if (!strcmp(name, builtin_map[i].tpl)) return 1;
    return c->t->folio_style && !strcmp(name, c->t->folio_style);
}

static void add_style(dx_ctx *c, const char *tpl, const char *id, const char *name, dx_kind kind, int builtin) {
    arena_grow(c->a, (void **)&c->styles, &c->cap_styles, c->n_styles, sizeof *c->styles);
    dx_style *s = &c->styles[c->n_styles++];
    memset(s, 0, sizeof *s);
    s->tpl = tpl;
    s->id = id;
    s->name = name;
    s->kind = kind;
    s->builtin = builtin;
}

/* A template style's w:styleId: "tb-" and its name, any byte but ASCII
 * letters, digits and '-' written _XX (one to one: '_' is escaped too). */
static const char *style_id(dx_ctx *c, const char *name, const char *suffix) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "tb-");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')
            buf_add(&b, p, 1);
        else buf_printf(&b, "_%02X", *p);
    }
    buf_puts(&b, suffix);
    const char *r = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return r;
}

/* A template style's Word name: its own, unless Word reserves it. */
static const char *word_name(dx_ctx *c, const char *name, const char *suffix) {
    int clash = 0;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (!strcasecmp(name, reserved[i])) clash = 1;
    return arena_printf(c->a, "%s%s%s", clash ? "tongbao " : "", name, suffix);
}

void dx_plan_styles(dx_ctx *c) {
    const tpl_template *t = c->t;
    for (size_t i = 0; i < N_BUILTIN; i++)
        add_style(c, builtin_map[i].tpl, builtin_map[i].id, builtin_map[i].name, DX_PARA, 1);
    /* heading 2: 楷体, the 公文 second level, for the clerk who adds one */
    add_style(c, NULL, "Heading2", "heading 2", DX_PARA, 1);
    add_style(c, t->folio_style ? t->folio_style : "body", "Footer", "footer", DX_PARA, 1);
    for (size_t i = 0; i < t->n_styles; i++) {
        const char *n = t->styles[i].name;
        int run = is_run_style(c, n), block = 0;
        for (size_t b = 0; b < c->d->n_blocks; b++)
            if (c->d->blocks[b].style && !strcmp(c->d->blocks[b].style, n)) block = 1;
        if (run) add_style(c, n, style_id(c, n, ""), word_name(c, n, ""), DX_CHAR, 0);
        if ((!run || block) && !is_builtin_tpl(c, n))
            add_style(c, n, style_id(c, n, run ? "-p" : ""), word_name(c, n, run ? " paragraph" : ""), DX_PARA, 0);
    }
    add_style(c, NULL, "tbx-figure", "tongbao figure", DX_PARA, 0);
    add_style(c, NULL, "tbx-rule", "tongbao rule", DX_PARA, 0);
}

static const dx_style *find(const dx_ctx *c, const char *tpl, dx_kind kind) {
    if (!tpl) return NULL;
    for (size_t i = 0; i < c->n_styles; i++)
        if (c->styles[i].kind == kind && c->styles[i].tpl && !strcmp(c->styles[i].tpl, tpl) &&
            strcmp(c->styles[i].id, "Footer"))
            return &c->styles[i];
    return NULL;
}

const char *dx_para_style(const dx_ctx *c, const char *tpl_name) {
    const dx_style *s = find(c, tpl_name, DX_PARA);
    if (!s && tpl_name && c->t->folio_style && !strcmp(tpl_name, c->t->folio_style)) return "Footer";
    return s && strcmp(s->id, "Normal") ? s->id : NULL;
}

const char *dx_char_style(const dx_ctx *c, const char *tpl_name) {
    const dx_style *s = find(c, tpl_name, DX_CHAR);
    return s ? s->id : NULL;
}

const dx_style *dx_style_by_id(const dx_ctx *c, const char *id) {
    for (size_t i = 0; id && i < c->n_styles; i++)
        if (!strcmp(c->styles[i].id, id)) return &c->styles[i];
    return NULL;
}

void dx_mark_tab(dx_ctx *c, const char *tpl_name) {
    const char *id = dx_para_style(c, tpl_name);
    dx_style *s = (dx_style *)dx_style_by_id(c, id ? id : "Normal");
    if (s) s->tab = 1;
}

void dx_set_fit(dx_ctx *c, const char *tpl_name, double size) {
    const char *id = dx_para_style(c, tpl_name);
    dx_style *s = (dx_style *)dx_style_by_id(c, id ? id : "Normal");
    if (s && (s->fit <= 0 || size < s->fit)) s->fit = size;
}

static void rfonts(dx_xml *x, const char *role) {
    const char *f = fonts_role_official(role);
    dx_start(x, "w:rFonts");
    dx_attr(x, "w:ascii", f);
    dx_attr(x, "w:eastAsia", f);
    dx_attr(x, "w:hAnsi", f);
    dx_attr(x, "w:cs", f);
    dx_attr(x, "w:hint", "eastAsia");
    dx_end(x);
}

static void color(dx_xml *x, const double rgb[3]) {
    char hex[8];
    snprintf(hex, sizeof hex, "%02X%02X%02X", (int)lround(rgb[0] * 255), (int)lround(rgb[1] * 255),
             (int)lround(rgb[2] * 255));
    dx_leaf(x, "w:color", "w:val", hex);
}

static void size(dx_xml *x, double pt) {
    dx_leafl(x, "w:sz", "w:val", lround(pt * 2));
    dx_leafl(x, "w:szCs", "w:val", lround(pt * 2));
}

/* rPr: everything (Normal) or what differs from Normal's n.  Normal's
 * glyphs are scaled to the grid's character (28 in 156 mm: 15.79 pt of 16,
 * so 98 %): Word sets each character on the grid anyway, and LibreOffice
 * gives a glyph wider than a grid cell two cells, which would halve the
 * line.  (LibreOffice counts cells without condensed spacing, so spacing
 * cannot do this; nor does it read autoSpaceDE, so it still sets a little
 * space around digits.) */
static void style_rpr(dx_ctx *c, dx_xml *x, const tpl_style *st, const tpl_style *n, double fit) {
    double sz = fit > 0 ? fit : st->size;
    dx_start(x, "w:rPr");
    if (!n || strcmp(st->font, n->font)) rfonts(x, st->font);
    if (st->bold && (!n || !n->bold)) dx_leaf(x, "w:b", NULL, NULL);
    if (!st->bold && n && n->bold) dx_leaf(x, "w:b", "w:val", "0");
    if (!n || memcmp(st->rgb, n->rgb, sizeof st->rgb)) color(x, st->rgb);
    if (!n && c->char_pitch < c->t->body_size)
        dx_leafl(x, "w:w", "w:val", (long)floor(c->char_pitch / c->t->body_size * 100));
    if (!n || fabs(sz - n->size) > 1e-6) size(x, sz);
    dx_end(x);
}

static const char *jc_of(tpl_align a) {
    switch (a) {
    case TPL_LEFT: return "left";
    case TPL_CENTER: return "center";
    case TPL_RIGHT: return "right";
    case TPL_CENTER_OVER_NEXT: return "right";   /* the paragraph's indent centres it */
    default: return "both";
    }
}

/* pPr of a paragraph style from its resolved template style */
static void style_ppr(dx_ctx *c, dx_xml *x, const tpl_style *st, const dx_style *ds, int normal, int outline) {
    const tpl_template *t = c->t;
    double sz = ds->fit > 0 ? ds->fit : st->size;
    dx_start(x, "w:pPr");
    if (st->keep_with_next || outline >= 0) dx_leaf(x, "w:keepNext", NULL, NULL);
    if (normal) dx_leaf(x, "w:widowControl", "w:val", "0");
    if (ds->tab) {
        dx_start(x, "w:tabs");
        dx_start(x, "w:tab");
        dx_attr(x, "w:val", "right");
        dx_attrl(x, "w:pos", c->text_w - dx_tw(st->right_indent * c->char_pitch));
        dx_end(x);
        dx_end(x);
    }
    if (normal) {
        /* no extra space between Chinese and digits or Latin: the PDF has none */
        dx_leaf(x, "w:autoSpaceDE", "w:val", "0");
        dx_leaf(x, "w:autoSpaceDN", "w:val", "0");
    }
    /* the character grid is for the body size; other sizes keep their own
     * advance (a 2号 title on a 3号 grid would take two cells a character) */
    if (fabs(sz - t->body_size) > 1e-6) dx_leaf(x, "w:snapToGrid", "w:val", "0");
    dx_start(x, "w:spacing");
    dx_attrl(x, "w:before", lround(st->space_before * c->pitch));
    dx_attrl(x, "w:beforeLines", lround(st->space_before * 100));
    dx_attrl(x, "w:after", lround(st->space_after * c->pitch));
    dx_attrl(x, "w:afterLines", lround(st->space_after * 100));
    dx_attrl(x, "w:line", lround(st->line_pitch * c->pitch));
    dx_attr(x, "w:lineRule", "exact");
    dx_end(x);
    /* indents: the template's characters (the first line's of this style's
     * size, left and right of body characters) in twips and in Word's
     * hundredths of a character, which win where both are read */
    double first = st->indent * sz * (c->char_pitch / t->body_size);
    dx_start(x, "w:ind");
    dx_attrl(x, "w:left", dx_tw(st->left_indent * c->char_pitch));
    dx_attrl(x, "w:leftChars", lround(st->left_indent * 100));
    dx_attrl(x, "w:right", dx_tw(st->right_indent * c->char_pitch));
    dx_attrl(x, "w:rightChars", lround(st->right_indent * 100));
    dx_attrl(x, "w:firstLine", dx_tw(first));
    dx_attrl(x, "w:firstLineChars", fabs(sz - t->body_size) > 1e-6 ? 0 : lround(st->indent * 100));
    dx_end(x);
    dx_leaf(x, "w:jc", "w:val", jc_of(st->align));
    if (outline >= 0) dx_leafl(x, "w:outlineLvl", "w:val", outline);
    dx_end(x);
}

static void style_head(dx_xml *x, const dx_style *s, const char *type, int dflt) {
    dx_start(x, "w:style");
    dx_attr(x, "w:type", type);
    if (dflt) dx_attr(x, "w:default", "1");
    if (!s->builtin && s->tpl) dx_attr(x, "w:customStyle", "1");
    dx_attr(x, "w:styleId", s->id);
    dx_leaf(x, "w:name", "w:val", s->name);
}

static void para_style(dx_ctx *c, dx_xml *x, const dx_style *s, const tpl_style *normal) {
    tpl_style st;
    int outline = -1, is_normal = !strcmp(s->id, "Normal");
    if (!strcmp(s->id, "Heading2")) {
        /* the second level: heading 1's shape in 楷体 */
        tpl_resolve(c->t, tpl_style_get(c->t, "case-title") ? "case-title" : "body", NULL, &st);
        st.font = "kaiti";
        st.keep_with_next = 1;
        outline = 1;
    } else if (!strcmp(s->id, "tbx-figure") || !strcmp(s->id, "tbx-rule")) {
        tpl_resolve(c->t, "body", NULL, &st);
        st.indent = 0;
        st.align = !strcmp(s->id, "tbx-figure") ? TPL_CENTER : TPL_LEFT;
    } else {
        tpl_resolve(c->t, s->tpl, NULL, &st);
        if (!strcmp(s->id, "Heading1")) {
            if (!tpl_style_get(c->t, "case-title")) st.font = "heiti";
            outline = 0;
        }
    }
    style_head(x, s, "paragraph", is_normal);
    if (!is_normal) dx_leaf(x, "w:basedOn", "w:val", "Normal");
    if (!strcmp(s->id, "Title") || outline >= 0) dx_leaf(x, "w:next", "w:val", "Normal");
    if (s->builtin) dx_leaf(x, "w:qFormat", NULL, NULL);
    if (!strcmp(s->id, "tbx-figure")) {
        /* a picture needs a line as tall as itself: single, not exact */
        dx_start(x, "w:pPr");
        dx_leaf(x, "w:keepNext", NULL, NULL);
        dx_leaf(x, "w:snapToGrid", "w:val", "0");
        dx_start(x, "w:spacing");
        dx_attr(x, "w:line", "240");
        dx_attr(x, "w:lineRule", "auto");
        dx_end(x);
        dx_start(x, "w:ind");
        dx_attr(x, "w:firstLine", "0");
        dx_attr(x, "w:firstLineChars", "0");
        dx_end(x);
        dx_leaf(x, "w:jc", "w:val", "center");
        dx_end(x);
    } else if (!strcmp(s->id, "tbx-rule")) {
        dx_start(x, "w:pPr");
        dx_leaf(x, "w:snapToGrid", "w:val", "0");
        dx_start(x, "w:spacing");
        dx_attr(x, "w:line", "20");
        dx_attr(x, "w:lineRule", "exact");
        dx_end(x);
        dx_start(x, "w:ind");
        dx_attr(x, "w:firstLine", "0");
        dx_attr(x, "w:firstLineChars", "0");
        dx_end(x);
        dx_end(x);
        dx_start(x, "w:rPr");
        size(x, 1);
        dx_end(x);
    } else {
        style_ppr(c, x, &st, s, is_normal, outline);
        style_rpr(c, x, &st, is_normal ? NULL : normal, s->fit);
    }
    dx_end(x);
}

static void char_style(dx_xml *x, const dx_style *s, const tpl_style *ts) {
    style_head(x, s, "character", 0);
    dx_leaf(x, "w:basedOn", "w:val", "DefaultParagraphFont");
    dx_start(x, "w:rPr");
    if (ts && (ts->set & TPL_S_FONT)) rfonts(x, ts->font);
    if (ts && (ts->set & TPL_S_BOLD)) dx_leaf(x, "w:b", "w:val", ts->bold ? "1" : "0");
    if (ts && (ts->set & TPL_S_COLOR)) color(x, ts->rgb);
    if (ts && (ts->set & TPL_S_SIZE)) size(x, ts->size);
    dx_end(x);
    dx_end(x);
}

/* Table Grid: the appendix's rules (weight and colour from the table) */
static void table_style(dx_ctx *c, dx_xml *x) {
    double w = 0.5, rgb[3] = {0, 0, 0};
    for (size_t b = 0; b < c->d->n_blocks; b++)
        if (c->d->blocks[b].kind == DOC_TABLE) {
            w = c->d->blocks[b].table->rule_weight;
            memcpy(rgb, c->d->blocks[b].table->rule_rgb, sizeof rgb);
            break;
        }
    char hex[8];
    snprintf(hex, sizeof hex, "%02X%02X%02X", (int)lround(rgb[0] * 255), (int)lround(rgb[1] * 255),
             (int)lround(rgb[2] * 255));
    long sz = lround(w * 8);
    if (sz < 2) sz = 2;
    if (sz > 96) sz = 96;
    dx_start(x, "w:style");
    dx_attr(x, "w:type", "table");
    dx_attr(x, "w:styleId", "TableGrid");
    dx_leaf(x, "w:name", "w:val", "Table Grid");
    dx_leaf(x, "w:basedOn", "w:val", "TableNormal");
    dx_start(x, "w:tblPr");
    dx_start(x, "w:tblBorders");
    static const char *const sides[] = {"w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"};
    for (size_t i = 0; i < 6; i++) {
        dx_start(x, sides[i]);
        dx_attr(x, "w:val", "single");
        dx_attrl(x, "w:sz", sz);
        dx_attr(x, "w:space", "0");
        dx_attr(x, "w:color", hex);
        dx_end(x);
    }
    dx_end(x);
    dx_end(x);
    dx_end(x);
}

int dx_part_styles(dx_ctx *c, dx_xml *x) {
    tpl_style normal;
    tpl_resolve(c->t, "body", NULL, &normal);
    dx_start(x, "w:styles");
    dx_attr(x, "xmlns:w", DX_NS_W);
    /* defaults: the body face and size, zh-CN */
    dx_start(x, "w:docDefaults");
    dx_start(x, "w:rPrDefault");
    dx_start(x, "w:rPr");
    rfonts(x, normal.font);
    dx_leafl(x, "w:kern", "w:val", 2);
    size(x, normal.size);
    dx_start(x, "w:lang");
    dx_attr(x, "w:val", "zh-CN");
    dx_attr(x, "w:eastAsia", "zh-CN");
    dx_attr(x, "w:bidi", "ar-SA");
    dx_end(x);
    dx_end(x);
    dx_end(x);
    dx_leaf(x, "w:pPrDefault", NULL, NULL);
    dx_end(x);
    for (size_t i = 0; i < c->n_styles; i++)
        if (c->styles[i].kind == DX_PARA) para_style(c, x, &c->styles[i], &normal);
    /* the defaults Word expects beside Normal */
    dx_start(x, "w:style");
    dx_attr(x, "w:type", "character");
    dx_attr(x, "w:default", "1");
    dx_attr(x, "w:styleId", "DefaultParagraphFont");
    dx_leaf(x, "w:name", "w:val", "Default Paragraph Font");
    dx_leafl(x, "w:uiPriority", "w:val", 1);
    dx_leaf(x, "w:semiHidden", NULL, NULL);
    dx_leaf(x, "w:unhideWhenUsed", NULL, NULL);
    dx_end(x);
    for (size_t i = 0; i < c->n_styles; i++)
        if (c->styles[i].kind == DX_CHAR) char_style(x, &c->styles[i], tpl_style_get(c->t, c->styles[i].tpl));
    dx_start(x, "w:style");
    dx_attr(x, "w:type", "table");
    dx_attr(x, "w:default", "1");
    dx_attr(x, "w:styleId", "TableNormal");
    dx_leaf(x, "w:name", "w:val", "Normal Table");
    dx_leafl(x, "w:uiPriority", "w:val", 99);
    dx_leaf(x, "w:semiHidden", NULL, NULL);
    dx_leaf(x, "w:unhideWhenUsed", NULL, NULL);
    dx_start(x, "w:tblPr");
    dx_leafl(x, "w:tblInd", "w:w", 0);
    dx_start(x, "w:tblCellMar");
    static const char *const mar[] = {"w:top", "w:left", "w:bottom", "w:right"};
    for (int k = 0; k < 4; k++) {
        dx_start(x, mar[k]);
        dx_attrl(x, "w:w", k % 2 ? 108 : 0);
        dx_attr(x, "w:type", "dxa");
        dx_end(x);
    }
    dx_end(x);
    dx_end(x);
    dx_end(x);
    table_style(c, x);
    dx_end(x);
    return dx_close(x);
}

/* ---- settings, fonts, footers ------------------------------------------- */

int dx_folio_outer(const dx_ctx *c) { return c->t->folio_format && c->t->folio_outer; }

int dx_part_settings(dx_ctx *c, dx_xml *x) {
    dx_start(x, "w:settings");
    dx_attr(x, "xmlns:w", DX_NS_W);
    /* in the schema's order (Word refuses a settings part out of order) */
    dx_leafl(x, "w:zoom", "w:percent", 100);
    dx_leafl(x, "w:defaultTabStop", "w:val", dx_tw(c->t->body_size * 2));
    /* odd pages' numbers right, even pages' left */
    if (dx_folio_outer(c)) dx_leaf(x, "w:evenAndOddHeaders", NULL, NULL);
    /* 标点挤压, as Chinese Word sets it */
    dx_leaf(x, "w:characterSpacingControl", "w:val", "compressPunctuation");
    dx_start(x, "w:compat");
    dx_start(x, "w:compatSetting");
    dx_attr(x, "w:name", "compatibilityMode");
    dx_attr(x, "w:uri", "http://schemas.microsoft.com/office/word");
    dx_attr(x, "w:val", "15");
    dx_end(x);
    dx_end(x);
    dx_start(x, "w:themeFontLang");
    dx_attr(x, "w:val", "zh-CN");
    dx_attr(x, "w:eastAsia", "zh-CN");
    dx_end(x);
    dx_leaf(x, "w:decimalSymbol", "w:val", ".");
    dx_leaf(x, "w:listSeparator", "w:val", ",");
    dx_end(x);
    return dx_close(x);
}

/* The office faces, and the face every Chinese Windows has that Word uses
 * in their place (altName).  LibreOffice substitutes through fontconfig. */
int dx_part_fonts(dx_ctx *c, dx_xml *x) {
    (void)c;
    static const struct {
        const char *role, *alt, *family, *pitch;
    } faces[] = {
        {"fangsong", "仿宋", "modern", "fixed"},
        {"xiaobiaosong", "华文中宋", "roman", "variable"},
        {"heiti", "SimHei", "modern", "fixed"},
        {"kaiti", "楷体", "modern", "fixed"},
        {"songti", "SimSun", "auto", "variable"},
    };
    dx_start(x, "w:fonts");
    dx_attr(x, "xmlns:w", DX_NS_W);
    for (size_t i = 0; i < sizeof faces / sizeof faces[0]; i++) {
        dx_start(x, "w:font");
        dx_attr(x, "w:name", fonts_role_official(faces[i].role));
        dx_leaf(x, "w:altName", "w:val", faces[i].alt);
        dx_leaf(x, "w:charset", "w:val", "86");
        dx_leaf(x, "w:family", "w:val", faces[i].family);
        dx_leaf(x, "w:pitch", "w:val", faces[i].pitch);
        dx_end(x);
    }
    dx_end(x);
    return dx_close(x);
}

static void text_run(dx_xml *x, const char *s) {
    dx_start(x, "w:r");
    dx_start(x, "w:t");
    dx_attr(x, "xml:space", "preserve");
    dx_text(x, s);
    dx_end(x);
    dx_end(x);
}

static void fld_char(dx_xml *x, const char *type) {
    dx_start(x, "w:r");
    dx_leaf(x, "w:fldChar", "w:fldCharType", type);
    dx_end(x);
}

/* "— {page} —": the text around a PAGE field.  even: the even pages' footer
 * (left, one character in); otherwise right (or centred without side="outer") */
int dx_part_footer(dx_ctx *c, dx_xml *x, int even) {
    const tpl_template *t = c->t;
    tpl_style st;
    tpl_resolve(t, t->folio_style, NULL, &st);
    dx_start(x, "w:ftr");
    dx_attr(x, "xmlns:w", DX_NS_W);
    dx_attr(x, "xmlns:r", DX_NS_R);
    dx_start(x, "w:p");
    dx_start(x, "w:pPr");
    dx_leaf(x, "w:pStyle", "w:val", "Footer");
    dx_leaf(x, "w:snapToGrid", "w:val", "0");
    dx_start(x, "w:spacing");
    dx_attr(x, "w:before", "0");
    dx_attr(x, "w:after", "0");
    dx_attrl(x, "w:line", dx_tw(st.size));
    dx_attr(x, "w:lineRule", "exact");
    dx_end(x);
    long inset = dx_tw(t->folio_inset * st.size);
    dx_start(x, "w:ind");
    dx_attrl(x, "w:left", dx_folio_outer(c) && even ? inset : 0);
    dx_attrl(x, "w:right", dx_folio_outer(c) && !even ? inset : 0);
    dx_attr(x, "w:firstLine", "0");
    dx_attr(x, "w:firstLineChars", "0");
    dx_end(x);
    dx_leaf(x, "w:jc", "w:val", !dx_folio_outer(c) ? "center" : even ? "left" : "right");
    dx_end(x);
    const char *f = t->folio_format ? t->folio_format : "";
    const char *p = strstr(f, "{page}");
    char *pre = arena_strndup(c->a, f, p ? (size_t)(p - f) : strlen(f));
    if (*pre) text_run(x, pre);
    if (p) {
        fld_char(x, "begin");
        dx_start(x, "w:r");
        dx_start(x, "w:instrText");
        dx_attr(x, "xml:space", "preserve");
        dx_text(x, " PAGE ");
        dx_end(x);
        dx_end(x);
        fld_char(x, "separate");
        text_run(x, even ? "2" : "1");
        fld_char(x, "end");
        if (p[6]) text_run(x, p + 6);
    }
    dx_end(x);
    dx_end(x);
    return dx_close(x);
}

/* ---- package parts ---------------------------------------------------------- */

int dx_part_core(dx_ctx *c, dx_xml *x) {
    const doc_document *d = c->d;
    char date[32] = "2000-01-01T00:00:00Z";
    if (d->meta_date && strlen(d->meta_date) >= 10) snprintf(date, sizeof date, "%.10sT00:00:00Z", d->meta_date);
    dx_start(x, "cp:coreProperties");
    dx_attr(x, "xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
    dx_attr(x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    dx_attr(x, "xmlns:dcterms", "http://purl.org/dc/terms/");
    dx_attr(x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    if (d->meta_title) {
        dx_start(x, "dc:title");
        dx_text(x, d->meta_title);
        dx_end(x);
    }
    if (d->meta_subject) {
        dx_start(x, "dc:subject");
        dx_text(x, d->meta_subject);
        dx_end(x);
    }
    if (d->meta_author) {
        dx_start(x, "dc:creator");
        dx_text(x, d->meta_author);
        dx_end(x);
    }
    dx_start(x, "dc:language");
    dx_text(x, "zh-CN");
    dx_end(x);
    static const char *const stamps[] = {"dcterms:created", "dcterms:modified"};
    for (int k = 0; k < 2; k++) {
        dx_start(x, stamps[k]);
        dx_attr(x, "xsi:type", "dcterms:W3CDTF");
        dx_text(x, date);
        dx_end(x);
    }
    dx_end(x);
    return dx_close(x);
}

int dx_part_app(dx_ctx *c, dx_xml *x) {
    dx_start(x, "Properties");
    dx_attr(x, "xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties");
    dx_start(x, "Application");
    dx_text(x, c->generator ? c->generator : "tongbao");
    dx_end(x);
    dx_end(x);
    return dx_close(x);
}

#define CT_WML "application/vnd.openxmlformats-officedocument.wordprocessingml."

static void override(dx_xml *x, const char *part, const char *type) {
    dx_start(x, "Override");
    dx_attr(x, "PartName", part);
    dx_attr(x, "ContentType", type);
    dx_end(x);
}

int dx_part_types(dx_ctx *c, dx_xml *x) {
    static const char *const dflt[][2] = {
        {"rels", "application/vnd.openxmlformats-package.relationships+xml"},
        {"xml", "application/xml"},
        {"png", "image/png"},
    };
    dx_start(x, "Types");
    dx_attr(x, "xmlns", "http://schemas.openxmlformats.org/package/2006/content-types");
    for (size_t i = 0; i < 3; i++) {
        if (i == 2 && !c->n_images) continue;
        dx_start(x, "Default");
        dx_attr(x, "Extension", dflt[i][0]);
        dx_attr(x, "ContentType", dflt[i][1]);
        dx_end(x);
    }
    override(x, "/word/document.xml", CT_WML "document.main+xml");
    override(x, "/word/styles.xml", CT_WML "styles+xml");
    override(x, "/word/settings.xml", CT_WML "settings+xml");
    override(x, "/word/fontTable.xml", CT_WML "fontTable+xml");
    override(x, "/word/footer1.xml", CT_WML "footer+xml");
    if (dx_folio_outer(c)) override(x, "/word/footer2.xml", CT_WML "footer+xml");
    override(x, "/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml");
    override(x, "/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml");
    dx_end(x);
    return dx_close(x);
}

#define REL_OD "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static void rel(dx_xml *x, const char *id, const char *type, const char *target) {
    dx_start(x, "Relationship");
    dx_attr(x, "Id", id);
    dx_attr(x, "Type", type);
    dx_attr(x, "Target", target);
    dx_end(x);
}

int dx_part_rels(dx_ctx *c, dx_xml *x) {
    (void)c;
    dx_start(x, "Relationships");
    dx_attr(x, "xmlns", "http://schemas.openxmlformats.org/package/2006/relationships");
    rel(x, "rId1", REL_OD "officeDocument", "word/document.xml");
    rel(x, "rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        "docProps/core.xml");
    rel(x, "rId3", REL_OD "extended-properties", "docProps/app.xml");
    dx_end(x);
    return dx_close(x);
}

/* rId1 styles, rId2 settings, rId3 fonts, rId4/5 footers, rId10+ images */
int dx_part_doc_rels(dx_ctx *c, dx_xml *x) {
    dx_start(x, "Relationships");
    dx_attr(x, "xmlns", "http://schemas.openxmlformats.org/package/2006/relationships");
    rel(x, "rId1", REL_OD "styles", "styles.xml");
    rel(x, "rId2", REL_OD "settings", "settings.xml");
    rel(x, "rId3", REL_OD "fontTable", "fontTable.xml");
    rel(x, "rId4", REL_OD "footer", "footer1.xml");
    if (dx_folio_outer(c)) rel(x, "rId5", REL_OD "footer", "footer2.xml");
    for (size_t i = 0; i < c->n_images; i++) {
        char id[32], target[48];
        snprintf(id, sizeof id, "rId%zu", 10 + i);
        snprintf(target, sizeof target, "media/image%zu.png", i + 1);
        rel(x, id, REL_OD "image", target);
    }
    dx_end(x);
    return dx_close(x);
}

/* ---- a figure as a PNG ------------------------------------------------------ */

#define DX_PNG_DPI 200.0

static void png_out(png_structp p, png_bytep data, size_t len) {
    buf *b = png_get_io_ptr(p);
    buf_add(b, data, len);
}

static void png_flush(png_structp p) { (void)p; }

/* The drawn surface as an 8-bit RGB PNG through libpng: one cheap filter
 * (Up: the chart is flat colour) and zlib level 3 take a fifth of the time
 * Cairo's own writer (every filter tried, level 6) spends, for a file a
 * few percent larger.  No time chunk: the same chart, the same bytes. */
static int png_encode(dx_ctx *c, cairo_surface_t *s, buf *png) {
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    unsigned char *row = xmalloc((size_t)w * 3);
    png_structp p = row && px ? png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL) : NULL;
    png_infop info = p ? png_create_info_struct(p) : NULL;
    if (!info) {
        if (p) png_destroy_write_struct(&p, NULL);
        free(row);
        return dx_oom(c);
    }
    if (setjmp(png_jmpbuf(p))) {
        png_destroy_write_struct(&p, &info);
        free(row);
        return err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "chart PNG failed");
    }
    png_set_write_fn(p, png, png_out, png_flush);
    png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* pixels per metre at the drawing's resolution: Word sizes by the extent anyway */
    png_set_pHYs(p, info, (png_uint_32)lround(DX_PNG_DPI / 0.0254), (png_uint_32)lround(DX_PNG_DPI / 0.0254),
                 PNG_RESOLUTION_METER);
    png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(p, 3);
    png_write_info(p, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *src = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(src[x] >> 16);
            row[3 * x + 1] = (unsigned char)(src[x] >> 8);
            row[3 * x + 2] = (unsigned char)src[x];
        }
        png_write_row(p, row);
    }
    png_write_end(p, info);
    png_destroy_write_struct(&p, &info);
    free(row);
    return 0;
}

/* One text item: its lines as Pango breaks them at the wrap width, each
 * anchored at x by its own width, 1.2 × the size apart, the em box top at y
 * (the ideographic em box: 0.88 of the size above the baseline), tracked
 * by the grid (15.79/16 of an em), as layout places them in the PDF. */
static int fig_text(dx_ctx *c, cairo_t *cr, PangoContext *pc, const doc_fig_item *it) {
    tpl_style st;
    tpl_resolve(c->t, it->style ? it->style : "chart", NULL, &st);
    PangoLayout *l = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_new();   /* GLib aborts rather than return NULL */
    pango_font_description_set_family(fd, fonts_role_family(st.font));
    pango_font_description_set_absolute_size(fd, st.size * PANGO_SCALE);
    if (st.bold) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (it->x2 > 0) {
        pango_layout_set_width(l, (int)(it->x2 * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(l, it->text, -1);
    PangoAttrList *al = pango_attr_list_new();
    PangoAttribute *ls = pango_attr_letter_spacing_new(
        (int)lround((c->char_pitch / c->t->body_size - 1) * st.size * PANGO_SCALE));
    pango_attr_list_insert(al, ls);
    pango_layout_set_attributes(l, al);
    pango_attr_list_unref(al);
    const double *rgb = it->use_rgb ? it->rgb : st.rgb;
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    int n = pango_layout_get_line_count(l);
    for (int k = 0; k < n; k++) {
        PangoLayoutLine *ln = pango_layout_get_line_readonly(l, k);
        PangoRectangle lr;
        pango_layout_line_get_extents(ln, NULL, &lr);
        double w = (double)lr.width / PANGO_SCALE;
        double x = it->x - (it->align == DOC_ALIGN_CENTER ? w / 2 : it->align == DOC_ALIGN_RIGHT ? w : 0);
        cairo_move_to(cr, x, it->y + k * 1.2 * st.size + 0.88 * st.size);
        pango_cairo_show_layout_line(cr, ln);
    }
    g_object_unref(l);
    return 0;
}

int dx_figure_png(dx_ctx *c, const doc_figure *f, buf *png) {
    double wpt = c->t->block_w, hpt = f->height, k = DX_PNG_DPI / 72;
    int w = (int)ceil(wpt * k), h = (int)ceil(hpt * k);
    if (w < 1 || h < 1 || w > 8000 || h > 8000)
        return err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "chart of %.0f × %.0f pt cannot be drawn", wpt, hpt);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    PangoFontMap *fm = fonts_new_fontmap();
    PangoContext *pc = fm ? pango_font_map_create_context(fm) : NULL;
    cairo_font_options_t *fo = cairo_font_options_create();
    int rc = 0;
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS || !pc || cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS)
        rc = err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "cannot set up Cairo for the chart");
    if (rc == 0) {
        /* no hinting: the same pixels on every machine with the same faces */
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
        pango_cairo_context_set_font_options(pc, fo);
        /* as layout shapes: zh-CN forms (quotes), unrounded positions */
        pango_context_set_round_glyph_positions(pc, FALSE);
        pango_context_set_language(pc, pango_language_from_string("zh-cn"));
        pango_context_set_base_dir(pc, PANGO_DIRECTION_LTR);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, k, k);
        pango_cairo_update_context(cr, pc);
    }
    for (size_t i = 0; rc == 0 && i < f->n_items; i++) {
        const doc_fig_item *it = &f->items[i];
        if (it->kind == DOC_FIG_TEXT) {
            rc = fig_text(c, cr, pc, it);
            continue;
        }
        cairo_set_source_rgb(cr, it->rgb[0], it->rgb[1], it->rgb[2]);
        if (it->kind == DOC_FIG_RECT) {
            cairo_rectangle(cr, it->x, it->y, it->x2, it->y2);
            cairo_fill(cr);
        } else {
            cairo_set_line_width(cr, it->weight);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
            cairo_move_to(cr, it->x, it->y);
            cairo_line_to(cr, it->x2, it->y2);
            cairo_stroke(cr);
        }
    }
    if (rc == 0) {
        cairo_surface_flush(s);
        buf_reset(png);
        cairo_status_t st = cairo_status(cr);
        if (st != CAIRO_STATUS_SUCCESS)
            rc = err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "chart drawing failed: %s", cairo_status_to_string(st));
        else rc = png_encode(c, s, png);
    }
    cairo_font_options_destroy(fo);
    if (pc) g_object_unref(pc);
    if (fm) g_object_unref(fm);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return rc;
}
