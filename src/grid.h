/* grid.h — one sheet of cells in memory: what the spreadsheet readers
 * (xlsx.c, csv.c) produce and the sheet mapper (sheetmap.c) reads.
 *
 * Owns: the cell table (rows × columns, sparse within a row), merged
 * ranges, A1-style cell references and the limits every reader enforces
 * (rows, columns, text per cell).  Rows and columns are 0-based here;
 * grid_ref() writes the 1-based A1 form users see ("K7").  All strings are
 * UTF-8 in the grid's arena. */
#ifndef TB_GRID_H
#define TB_GRID_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define GRID_MAX_ROWS 200000u        /* rows with a value, per sheet */
#define GRID_MAX_COLS 16384u         /* Excel's XFD */
#define GRID_MAX_TEXT (1u << 20)     /* bytes of text in one cell */
#define GRID_MAX_MERGE_FILL 2000000u /* cells filled from merged ranges */

typedef enum {
    GRID_EMPTY = 0,
    GRID_TEXT,      /* a string (shared, inline, rich text, CSV field) */
    GRID_NUMBER,    /* text holds the number as written: "45983", "0.5" */
    GRID_BOOL,      /* text "TRUE" / "FALSE" */
    GRID_DATE,      /* an ISO 8601 date cell (t="d"): text as written */
    GRID_ERROR      /* a formula error: text "#REF!" … */
} grid_kind;

typedef struct {
    uint32_t col;
    uint8_t kind;       /* grid_kind */
    uint8_t formula;    /* the value is a formula's cached result */
    uint8_t merged;     /* copied from the top-left cell of a merged range */
    const char *text;   /* never NULL for a stored cell */
} grid_cell;

typedef struct {
    grid_cell *cells;   /* sorted by col */
    uint32_t n, cap;
} grid_row;

typedef struct {
    uint32_t r0, c0, r1, c1;   /* inclusive */
} grid_range;

typedef struct {
    arena *arena;
    const char *name;          /* sheet name (CSV: the file's base name) */
    int hidden;                /* state="hidden" or "veryHidden" */
    grid_row *rows;            /* rows[0 .. n_rows) dense; a row may be empty */
    size_t n_rows, cap_rows;
    uint32_t n_cols;           /* 1 + the highest column holding a value */
    grid_range *merges;
    size_t n_merges, cap_merges;
} grid;

/* An empty grid with its own arena (name copied). */
grid *grid_new(const char *name) __attribute__((returns_nonnull));
void grid_free(grid *g);

/* Put a cell (text copied, len bytes).  Cells of a row may come in any
 * order; a second value for the same cell replaces the first.  -1 + e when
 * a limit is passed (rows, columns, text; TB_EINPUT naming the cell and
 * the limit, with file as the file name) or memory runs out. */
int grid_set(grid *g, uint32_t row, uint32_t col, grid_kind kind, int formula,
             const char *text, size_t len, const char *file, err *e);
void grid_add_merge(grid *g, grid_range r);
/* Copy each merged range's top-left value into the empty cells it covers
 * (within the rows and columns that hold values), marked merged. */
int grid_apply_merges(grid *g, err *e);

/* The cell at (row, col), or NULL when empty. */
const grid_cell *grid_get(const grid *g, uint32_t row, uint32_t col);
/* Its text, or NULL when empty (or only white space if trim). */
const char *grid_text(const grid *g, uint32_t row, uint32_t col);

/* "K7" for (6, 10). */
void grid_ref(uint32_t row, uint32_t col, char out[24]);
/* Parse "K7" / "$K$7" / "k7" → (6, 10); 0 ok, -1 not a reference. */
int grid_parse_ref(const char *s, size_t len, uint32_t *row, uint32_t *col);
/* Column letters: 0 → "A", 26 → "AA". */
void grid_col_name(uint32_t col, char out[8]);

#endif
