/* form.h — the 问题清单 workbook a clerk fills in (`tongbao form`): the
 * 问题清单 sheet (styled, frozen header, widths for Chinese text, drop-downs
 * for 区 and 问题类别, date checks, one example row that import skips) and
 * the 通报信息 sheet (every key, with what to write beside it).  Filled
 * from a findings file instead (--from), it is that file as a workbook:
 * importing it gives the same bulletin back (cases excepted: a workbook
 * has no place for them). */
#ifndef TB_FORM_H
#define TB_FORM_H

#include <stddef.h>
#include "model.h"
#include "util.h"

typedef struct {
    const model_bulletin *from;       /* fill from this, or NULL for a blank form */
    const char *series;               /* 系列 to prefill (blank form) */
    const char *const *districts;     /* 区 drop-down, e.g. from the series' history */
    size_t n_districts;
    const char *const *categories;    /* 问题类别 drop-down */
    size_t n_categories;
} form_opts;

/* Write the workbook to path (temporary file, then rename).  0 or -1 + e. */
int form_write(const char *path, const form_opts *o, err *e);

#endif
