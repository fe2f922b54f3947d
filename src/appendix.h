/* appendix.h — the 附件 问题清单: a table of the bulletin's findings
 * (序号, 编号, 位置, 问题, 整改时限, 责任单位 by default) built from the model
 * and appended to a composed document, with the 附件说明 line under the body
 * and the GB/T 9704 附件 heading (附件 top-left in 黑体, the title centred on
 * the third line) on a new page.  Owns the table's Chinese labels and cell
 * wording; compose keeps the body's.  Layout breaks the cells and paginates. */
#ifndef TB_APPENDIX_H
#define TB_APPENDIX_H

#include "doc.h"
#include "model.h"
#include "template.h"

/* Append the appendix blocks to d: part "appendix-note" (unless the
 * template's note is ""), then part "appendix" (heading and table).  Only
 * district's findings when district is not NULL (an extract), and nothing
 * at all when no finding is included.  Returns the number of findings
 * listed, or -1 with e filled (TB_ETEMPLATE: columns wider than the block;
 * TB_EINTERNAL: out of memory). */
int appendix_add(doc_document *d, const model_bulletin *b, const tpl_template *t, const char *district, err *e);

#endif
