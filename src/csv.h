/* csv.h — reading CSV tables (RFC 4180) into a grid (grid.h), as Excel,
 * WPS and LibreOffice save them on Chinese machines.
 *
 * Owns: the encoding (a UTF-8 or UTF-16 byte-order mark decides; without
 * one, valid UTF-8 is UTF-8 and anything else is read as GB18030, the
 * superset of GBK and GB2312 that Excel writes on Chinese Windows; or the
 * caller names the encoding, any iconv knows), the delimiter (comma, else
 * tab or semicolon when the first line plainly uses one), quoted cells
 * with doubled quotes and line breaks inside, CR LF / LF / CR line ends,
 * and undoing tongbao's own formula guard (safecell.h) on the way in.
 * Every cell is text; the grid row is the record number, so "K7" is the
 * cell a spreadsheet program shows at K7 even when cells hold line breaks. */
#ifndef TB_CSV_H
#define TB_CSV_H

#include <stddef.h>
#include "grid.h"
#include "util.h"

#define CSV_MAX_FILE ((size_t)128 << 20)

/* Parse data (len bytes) into a new grid named after the file's base name.
 * encoding NULL = detect.  NULL + e (TB_EINPUT naming the file and line)
 * on a bad byte for the encoding, an unknown encoding or a quote that never
 * closes. */
grid *csv_read_memory(const char *data, size_t len, const char *name, const char *encoding, err *e);
grid *csv_read_file(const char *path, const char *encoding, err *e);

#endif
