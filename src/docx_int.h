/* docx_int.h — what docx.c (the document and the zip) and docx_parts.c
 * (styles, settings, fonts, footers, package parts, the chart's PNG) share.
 * Not an interface: only those two files include it. */
#ifndef TB_DOCX_INT_H
#define TB_DOCX_INT_H

#include <libxml/xmlwriter.h>
#include <math.h>

#include "docx.h"

#define DX_NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define DX_NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* One XML part being written.  Every writer call is checked; the first
 * failure sticks in bad and the part is refused when closed. */
typedef struct {
    xmlBufferPtr b;
    xmlTextWriterPtr w;
    int bad;
} dx_xml;

int dx_open(dx_xml *x);                 /* XML declaration written; -1 on OOM */
int dx_close(dx_xml *x);                /* ends the document; -1 if anything failed */
void dx_free(dx_xml *x);
void dx_start(dx_xml *x, const char *name);
void dx_end(dx_xml *x);
void dx_attr(dx_xml *x, const char *name, const char *val);
void dx_attrl(dx_xml *x, const char *name, long val);
void dx_text(dx_xml *x, const char *s);
/* <name/> or <name a="v"/> (a NULL: no attribute) */
void dx_leaf(dx_xml *x, const char *name, const char *a, const char *v);
void dx_leafl(dx_xml *x, const char *name, const char *a, long v);

typedef enum { DX_PARA, DX_CHAR } dx_kind;

typedef struct {
    const char *tpl;            /* the template style (NULL: tongbao's own) */
    const char *id, *name;      /* w:styleId, w:name */
    dx_kind kind;
    int builtin;                /* a name Word knows (Normal, Title, heading 1 …) */
    double fit;                 /* > 0: size shrunk so a 版头 line fits (fit="yes") */
    int tab;                    /* a left/right pair uses it: a right tab stop */
} dx_style;

typedef struct {
    buf png;
    double w, h;                /* pt */
    const char *descr;          /* alternative text: the caption */
} dx_image;

typedef struct {
    const doc_document *d;
    const tpl_template *t;
    const char *generator;
    err *e;
    arena *a;                   /* everything the writer allocates */
    /* geometry in twips (1/20 pt) */
    long pg_w, pg_h, top, bottom, left, right, text_w, pitch, footer;
    long char_space;            /* docGrid charSpace: 4096ths of a point */
    double char_pitch;          /* pt: text width / chars */
    dx_style *styles;
    size_t n_styles, cap_styles;
    dx_image *images;
    size_t n_images, cap_images;
} dx_ctx;

static inline long dx_tw(double pt) { return lround(pt * 20); }
/* width of a text in ems of its size: CJK and full-width 1, the rest ½ */
static inline double dx_ems(const char *s) { return (double)utf8_width(s) / 2; }

/* libxml2's writer or libpng could not allocate (tongbao's own
 * allocations never fail: util.h). */
int dx_oom(dx_ctx *c);

/* Styles: plan them (needs the document's run styles and 版头 fits), look
 * them up, write styles.xml.  Lookups return NULL for Normal. */
void dx_plan_styles(dx_ctx *c);
const char *dx_para_style(const dx_ctx *c, const char *tpl_name);
const char *dx_char_style(const dx_ctx *c, const char *tpl_name);
const dx_style *dx_style_by_id(const dx_ctx *c, const char *id);
void dx_mark_tab(dx_ctx *c, const char *tpl_name);
void dx_set_fit(dx_ctx *c, const char *tpl_name, double size);
int dx_part_styles(dx_ctx *c, dx_xml *x);

/* The other parts */
int dx_part_settings(dx_ctx *c, dx_xml *x);
int dx_part_fonts(dx_ctx *c, dx_xml *x);
int dx_part_footer(dx_ctx *c, dx_xml *x, int even);
int dx_part_core(dx_ctx *c, dx_xml *x);
int dx_part_app(dx_ctx *c, dx_xml *x);
int dx_part_types(dx_ctx *c, dx_xml *x);
int dx_part_rels(dx_ctx *c, dx_xml *x);
int dx_part_doc_rels(dx_ctx *c, dx_xml *x);
int dx_folio_outer(const dx_ctx *c);

/* A figure block as a PNG (Cairo, the template's faces through Pango). */
int dx_figure_png(dx_ctx *c, const doc_figure *f, buf *png);

#endif
