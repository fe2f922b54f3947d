/* xlsx.h — reading XLSX workbooks (Office Open XML spreadsheets), as
 * Excel, WPS, LibreOffice and openpyxl write them.
 *
 * Owns: opening the zip package (libzip) with limits checked before
 * anything is inflated, telling other files apart (an old .xls, an
 * encrypted workbook, something that is not a zip), following the package
 * relationships to the workbook, its sheets and the shared strings, and
 * streaming each part through libxml2's SAX parser (no network, no DTDs,
 * no entities) into a grid (grid.h).  Cell values are what the file
 * stores: shared, inline and rich-text strings (phonetic runs dropped),
 * numbers as written, booleans, ISO date cells, and the cached value of a
 * formula (flagged, so the caller can refuse a formula without one).
 * What a number means (a date serial, a count) is the caller's business;
 * xlsx_date1904() says which date system the workbook uses.
 *
 * Limits (all refused with TB_EINPUT and the limit named):
 *   XLSX_MAX_FILE bytes of file, XLSX_MAX_ENTRIES zip entries, each part's
 *   declared uncompressed size XLSX_MAX_PART and all parts' together
 *   XLSX_MAX_TOTAL, checked from the zip directory before inflating; a part
 *   that inflates to more than it declared is refused while reading; rows,
 *   columns and text per cell as in grid.h; XLSX_MAX_STRINGS shared
 *   strings. */
#ifndef TB_XLSX_H
#define TB_XLSX_H

#include <stddef.h>
#include "grid.h"
#include "util.h"

#define XLSX_MAX_FILE ((size_t)256 << 20)
#define XLSX_MAX_ENTRIES 4096
#define XLSX_MAX_PART ((unsigned long long)256 << 20)
#define XLSX_MAX_TOTAL ((unsigned long long)512 << 20)
#define XLSX_MAX_STRINGS 2000000u

typedef struct xlsx_book xlsx_book;

typedef struct {
    const char *name;      /* as the sheet tab shows it */
    int hidden;            /* hidden or very hidden */
    const char *part;      /* zip entry, e.g. xl/worksheets/sheet1.xml */
} xlsx_sheet_info;

/* What a file looks like from its first bytes. */
enum { XLSX_KIND_ZIP = 1, XLSX_KIND_XLS, XLSX_KIND_ENCRYPTED, XLSX_KIND_OTHER };
int xlsx_sniff(const void *data, size_t len);

/* Open a workbook from a file, or from memory (data must outlive the book;
 * name is used in messages).  Reads the workbook part, its relationships
 * and the shared strings; sheets are read on demand.  NULL + e on failure:
 * TB_EINPUT with what the file is and what to do (save as .xlsx, remove the
 * password, …). */
xlsx_book *xlsx_open_file(const char *path, err *e);
xlsx_book *xlsx_open_memory(const void *data, size_t len, const char *name, err *e);
void xlsx_close(xlsx_book *b);

size_t xlsx_sheet_count(const xlsx_book *b);
const xlsx_sheet_info *xlsx_sheet(const xlsx_book *b, size_t i);
/* Index of the sheet with that name (compared after trimming), or -1. */
long xlsx_find_sheet(const xlsx_book *b, const char *name);
int xlsx_date1904(const xlsx_book *b);
const char *xlsx_name(const xlsx_book *b);

/* Read sheet i into a new grid (merged ranges applied).  NULL + e. */
grid *xlsx_load_sheet(xlsx_book *b, size_t i, err *e);

#endif
