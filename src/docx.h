/* docx.h — the composed document as a Word .docx a clerk can edit: the
 * second renderer beside layout → pdf, over the same doc_document.
 *
 * Where the PDF places every glyph, the .docx says what things are and lets
 * Word lay them out: A4 with the template's margins, a document grid of the
 * template's lines × characters (22 × 28 for GB/T 9704), Word's built-in
 * styles for what Word knows (Normal = body, Title, heading 1/2, Signature,
 * Date, footer, Table Grid) and the template's own style names for the rest,
 * each carrying the template style's face, size, colour, indents and
 * spacing, so a run carries a character style, never direct formatting.
 * The 版头 opens the first page as paragraphs (the red rule a paragraph
 * border), the 版记/报尾 closes the document as a table with rules between
 * its rows, page numbers are PAGE fields in odd and even footers, the
 * appendix is a real table with a repeated header row, and a chart is a PNG
 * drawn with Cairo (the figure's own rectangles, rules and text).
 *
 * Faces are named as offices install them (仿宋_GB2312, 方正小标宋简体, 黑体,
 * 楷体_GB2312, 宋体: w:eastAsia and the other slots), with the Windows face
 * of the same style as the font table's altName; nothing is embedded.
 * Output is deterministic: fixed part order, fixed timestamps (the
 * bulletin's date), no clock, no random ids.  Parts are written with
 * libxml2's xmlTextWriter and zipped with libzip, all in memory. */
#ifndef TB_DOCX_H
#define TB_DOCX_H

#include "doc.h"
#include "template.h"
#include "util.h"

/* Write d (composed, appendix and chart added, arranged) as a .docx into out
 * (replaced).  generator names the application in docProps/app.xml.  A
 * figure block needs the fonts set up (fonts_init) to draw its labels.
 * 0, or -1 with e filled (TB_EINTERNAL: out of memory, a library failure). */
int docx_write(const doc_document *d, const tpl_template *t, const char *generator, buf *out, err *e);

/* Does the document have a figure (whose PNG needs the fonts)? */
int docx_needs_fonts(const doc_document *d);

#endif
