/* cellval.h — what a spreadsheet cell means: text as a person reads it,
 * and dates in every shape offices type them.
 *
 * Owns: numbers as text (45983, not 45983.0; 0.1, not 0.1000000000000001),
 * and dates: serial numbers in the 1900 system (with Excel's fictitious
 * 1900-02-29, serial 60, refused) or the 1904 system, ISO date cells, and
 * text: 2026-11-22, 2026/11/22, 2026.11.22, 20261122, 2026年11月22日,
 * 11月22日 (year from the bulletin), with an optional time 17:00, 17：00,
 * 17:00:00, 17时, 17时30分, 17点, and a trailing 前 ("11月22日17时前").
 * Full-width digits count.  Results are ISO: YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM. */
#ifndef TB_CELLVAL_H
#define TB_CELLVAL_H

#include <stddef.h>
#include "grid.h"

/* The cell as text (numbers written the short way) into out (cap bytes),
 * trimmed of ASCII and ideographic white space.  Returns out, or NULL for
 * an empty cell.  Long texts are cut at cap-1 bytes: use cellval_dup for
 * the whole thing. */
const char *cellval_text(const grid_cell *c, char *out, size_t cap);
/* The same, whole, in the arena; NULL for an empty cell. */
char *cellval_dup(arena *a, const grid_cell *c);

/* Parse a date (with_time: a date-time is fine too) from a cell.
 * year_hint: the year for 11月22日 (0 = refuse a date without a year).
 * Returns 0 with out = "2026-11-22" or "2026-11-22T17:00", or -1 with *why
 * set to a short reason in the user's terms (static text). */
int cellval_date(const grid_cell *c, int date1904, int year_hint, int with_time, char out[20], const char **why);
/* The same from text; *used = bytes consumed, so a caller can allow words
 * after the date (督查时段: "11月20日晚"); strict callers check the rest. */
int cellval_date_text(const char *s, int year_hint, int with_time, char out[20], size_t *used, const char **why);
/* A real calendar day, years 1900-2999. */
int cellval_valid_day(int y, int m, int d);

#endif
