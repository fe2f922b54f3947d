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
 * each non-NULL buffer gets its form (the PDF, PDF/A-2b when pdfa or
 * t->pdfa says so; the OFD package of ofd.h).  Layout streams its pages to
 * the writers (issue 18); _whole lays the document out whole first, as
 * before streaming, for the tests that compare the two (the same bytes). */
typedef struct {
    buf *pdf, *ofd;
    int pdfa;
} render_forms;
int render_bulletin_forms(lay_ctx *lc, const model_bulletin *b, const tpl_template *t, const render_opts *o,
                          const render_forms *f, render_info *info, err *e);
int render_bulletin_forms_whole(lay_ctx *lc, const model_bulletin *b, const tpl_template *t, const render_opts *o,
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

/* The forms one bulletin is issued and archived in (issue 13): a set of
 * TPL_FORM_PDF and TPL_FORM_OFD (template.h; the same bits as store.h's
 * STORE_FORM_*) and whether its PDF is PDF/A-2b. */
typedef struct {
    unsigned forms;
    int pdfa;
} render_formset;
/* --format's value on issue and nightly: pdf, ofd or both ("pdf,ofd",
 * "ofd pdf"), into *forms.  TB_EUSAGE for anything else; docx is named as
 * a draft that never enters the archive. */
int render_formset_parse(const char *list, unsigned *forms, err *e);
/* The forms of one bulletin, from the most to the least specific:
 *   cmd_forms (--format's set, 0 = not given), which out's extension, if
 *   out is given, must be one of;
 *   else out's extension (.pdf, .ofd) when the template's forms lack it:
 *   that form alone;
 *   else the template's <output formats=…> (none: PDF).
 * PDF/A when cmd_pdfa (--pdfa) or the template's pdfa="yes"; --pdfa with
 * no PDF among the forms is a usage error, the template's pdfa is then
 * moot.  out may be NULL or "-".  0, or -1 with e (TB_EUSAGE). */
int render_formset_of(unsigned cmd_forms, int cmd_pdfa, const char *out, const tpl_template *t,
                      render_formset *fs, err *e);
/* path with its extension replaced by the form's (".pdf", ".ofd"); a path
 * without one gets it added.  malloc'd, NULL when out of memory. */
char *render_form_path(const char *path, unsigned form);

#define TONGBAO_VERSION "0.3.0"

#endif
