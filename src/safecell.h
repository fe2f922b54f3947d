/* safecell.h — the one rule for text that tongbao writes into a
 * spreadsheet cell (CSV or XLSX): a value starting with = + - @ or a tab or
 * carriage return could run as a formula when the file is opened or edited
 * (CSV injection), so it is neutralised.  In CSV the value gets a leading
 * apostrophe ('=SUM(…), which Excel and WPS open as text); in XLSX the
 * cell is a string with the Text number format (@), so it shows unchanged
 * and stays text when edited (xlsxw.h).  tongbao's readers undo the apostrophe, so what
 * it writes reads back the same. */
#ifndef TB_SAFECELL_H
#define TB_SAFECELL_H

#include <stddef.h>

/* 1 when s would need neutralising. */
int safecell_risky(const char *s);
/* Length of the prefix to drop when reading back a cell that tongbao
 * neutralised ("'=…" → 1), else 0. */
size_t safecell_unquote(const char *s, size_t len);

#endif
