/* xlsxw.h — writing XLSX workbooks through libxlsxwriter, the way every
 * workbook tongbao writes is written: to a temporary file beside the
 * target (created O_EXCL, util.h's file_open_temp), flushed, then renamed (nothing half-written is ever left under
 * the real name), with text cells that cannot run as formulas (safecell.h)
 * and the styles the 整改台账 and the blank 问题清单 share.
 *
 * Owns: opening (constant-memory mode for big workbooks), the shared
 * formats, writing one text cell, sheet names Excel accepts, closing and
 * committing. */
#ifndef TB_XLSXW_H
#define TB_XLSXW_H

#include <xlsxwriter.h>
#include "util.h"

typedef struct {
    lxw_workbook *wb;
    char *path, *tmp;
    int scratch;        /* XLSXW_SCRATCH: written straight to path */
    int fd;             /* the temporary's descriptor (file_open_temp), or -1 */
    /* shared formats: header, title, note, locked (shaded) text, open
     * (to fill) text, open date, overdue (locked, red), example row */
    lxw_format *head, *title, *note, *locked, *open, *open_date, *overdue, *overdue_status, *example, *bold;
} xlsxw;

/* Start a workbook that will be path once committed; libxlsxwriter's own
 * scratch files go to tmpdir (NULL: the system's).  Flags: constant-memory
 * mode (rows written as they come); scratch: write straight to path, no
 * temporary file, flush or rename (for bytes read back at once, e.g. from
 * a memfd).  0 or -1 + e. */
enum { XLSXW_CONSTANT_MEMORY = 1, XLSXW_SCRATCH = 2 };
int xlsxw_open(xlsxw *x, const char *path, int flags, const char *tmpdir, err *e);
/* Write the file, flush it to disk and rename it into place; or, when
 * keep is 0, throw it away.  0 or -1 + e (TB_EOUTPUT). */
int xlsxw_close(xlsxw *x, int keep, err *e);

/* A text cell (NULL or "" writes nothing unless fmt makes it a styled
 * blank).  Text cells are strings with the Text number format, so a value
 * starting with = + - @ shows as typed and stays text when edited. */
int xlsxw_text(lxw_worksheet *ws, uint32_t row, uint16_t col, const char *s, lxw_format *fmt);
/* A sheet name Excel accepts (31 characters, none of []:*?/\), unique in
 * the workbook: into out. */
void xlsxw_sheet_name(lxw_workbook *wb, const char *want, char *out, size_t cap);

#endif
