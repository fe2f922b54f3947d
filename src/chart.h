/* chart.h — the chart block: findings by district, stacked by category, as
 * vector shapes (filled bars, rules, text) in a figure block that layout
 * places on the grid and pdf draws with Cairo.  Owns the chart's geometry,
 * palette and Chinese labels (axis, legend, caption); the numbers come from
 * the model, the look from the template's <chart> and styles. */
#ifndef TB_CHART_H
#define TB_CHART_H

#include "doc.h"
#include "model.h"
#include "template.h"

/* Append a figure block (part "chart") as wide as the text block and
 * <chart lines=…> grid lines high, caption included ("图{n} …").  Only
 * district's findings when district is not NULL.  Returns 1 when added, 0
 * when there is nothing to draw (no findings), -1 with e filled. */
int chart_add(doc_document *d, const model_bulletin *b, const tpl_template *t, const char *district, int number,
              err *e);

#endif
