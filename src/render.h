/* render.h — the pipeline in one call: model + template → PDF (or .docx)
 * bytes.  compose → (appendix, chart) → order → layout → pdf, or → docx;
 * used by every command that writes a bulletin. */
#ifndef TB_RENDER_H
#define TB_RENDER_H

#include "compose.h"
#include "layout.h"
#include "model.h"
#include "template.h"

typedef struct {
    const char *district;       /* extract for one district (NULL = whole bulletin) */
    int show_ids;               /* print finding IDs */
    const char *kind;           /* override the template's kind */
    /* (The appendix and chart switches of `render --appendix/--chart` are
     * tpl_template.force_appendix/force_chart: new members here would break
     * the positional initializers of the other commands under -Wextra.) */
} render_opts;

typedef struct {
    int pages;
    int lines, lines_full, lines_squeezed, lines_pushed;
    int appendix_rows;          /* findings listed in the appendix table (0 = none) */
    int chart;                  /* 1 when a chart was drawn */
    buf warnings;               /* fallback characters, one per line */
    buf text;                   /* the composed text (for tests, --text) */
} render_info;

void render_info_init(render_info *i);
void render_info_free(render_info *i);

int render_bulletin(lay_ctx *lc, const model_bulletin *b, const tpl_template *t,
                    const render_opts *o, buf *pdf, render_info *info, err *e);

/* A letter of tongbao escalate (督办通知书, 信函格式) as a PDF: the template
 * must have the letter parts (<escalation>, the letter-* wording; else
 * TB_ETEMPLATE naming what it lacks).  info (may be NULL) gets pages, text
 * and warnings. */
int render_letter(lay_ctx *lc, const model_letter *l, const tpl_template *t, buf *pdf, render_info *info, err *e);
/* The fixed-layout forms of one bulletin from the same laid-out pages:
 * each non-NULL buffer gets its form (the PDF as t->pdfa says, the OFD
 * package of ofd.h). */
typedef struct {
    buf *pdf, *ofd;
} render_forms;
int render_bulletin_forms(lay_ctx *lc, const model_bulletin *b, const tpl_template *t, const render_opts *o,
                          const render_forms *f, render_info *info, err *e);

/* The same document as a Word .docx (docx.h): a draft to edit.  info gets
 * the composed text and appendix/chart figures; pages stays 0 (Word
 * paginates).  Sets up the fonts (fonts_init) itself when there is a chart
 * to draw; without one it needs none. */
int render_docx(const model_bulletin *b, const tpl_template *t, const render_opts *o, buf *out,
                render_info *info, err *e);

/* Output formats: the output's extension decides (.pdf, .ofd, .docx, any
 * case), or --format's value (pdf, ofd, docx) when given.  TB_EUSAGE for an extension
 * or format tongbao does not write (the message names the ones it does),
 * or a --format that contradicts a known extension. */
typedef enum { RENDER_PDF = 0, RENDER_DOCX, RENDER_OFD } render_format;
int render_format_of(const char *path, const char *format, render_format *out, err *e);
const char *render_format_ext(render_format f);     /* ".pdf", ".ofd", ".docx" */

#define TONGBAO_VERSION "0.3.0"

#endif
