/* grid.c — the in-memory sheet shared by the spreadsheet readers and the
 * sheet mapper (see grid.h). */
#include "grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

grid *grid_new(const char *name) {
    arena *a = arena_new();
    grid *g = arena_alloc(a, sizeof *g);
    g->name = arena_strdup(a, name ? name : "");
    g->arena = a;
    return g;
}

void grid_free(grid *g) {
    if (!g) return;
    free(g->rows);   /* the row index grows with realloc; cells live in the arena */
    arena_free(g->arena);
}

void grid_col_name(uint32_t col, char out[8]) {
    char tmp[8];
    int n = 0;
    uint32_t c = col + 1;
    while (c > 0 && n < 7) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

void grid_ref(uint32_t row, uint32_t col, char out[24]) {
    char c[8];
    grid_col_name(col, c);
    snprintf(out, 24, "%.7s%lu", c, (unsigned long)row + 1);
}

int grid_parse_ref(const char *s, size_t len, uint32_t *row, uint32_t *col) {
    size_t i = 0;
    uint64_t c = 0, r = 0;
    if (i < len && s[i] == '$') i++;
    size_t c0 = i;
    while (i < len && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) {
        c = c * 26 + (uint64_t)((s[i] | 0x20) - 'a' + 1);
        if (c > GRID_MAX_COLS) return -1;
        i++;
    }
    if (i == c0) return -1;
    if (i < len && s[i] == '$') i++;
    size_t r0 = i;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        r = r * 10 + (uint64_t)(s[i] - '0');
        if (r > 0xFFFFFFF) return -1;
        i++;
    }
    if (i == r0 || i != len || r == 0) return -1;
    *row = (uint32_t)(r - 1);
    *col = (uint32_t)(c - 1);
    return 0;
}

static void ensure_row(grid *g, uint32_t row) {
    if (row < g->n_rows) return;
    if (row >= g->cap_rows) {
        size_t nc = g->cap_rows ? g->cap_rows : 64;
        while (nc <= row) nc *= 2;
        grid_row *p = xrealloc(g->rows, nc * sizeof *p);
        g->rows = p;
        g->cap_rows = nc;
    }
    memset(g->rows + g->n_rows, 0, (row + 1 - g->n_rows) * sizeof *g->rows);
    g->n_rows = row + 1;
}

int grid_set(grid *g, uint32_t row, uint32_t col, grid_kind kind, int formula,
             const char *text, size_t len, const char *file, err *e) {
    if (row >= GRID_MAX_ROWS || col >= GRID_MAX_COLS || len > GRID_MAX_TEXT) {
        char ref[24];
        grid_ref(row, col < GRID_MAX_COLS ? col : GRID_MAX_COLS - 1, ref);
        if (len > GRID_MAX_TEXT)
            return err_set(e, TB_EINPUT, file, 0, 0, "%s!%s: the cell holds %zu bytes of text, over the limit of %u; shorten it",
                           g->name, ref, len, GRID_MAX_TEXT);
        if (row >= GRID_MAX_ROWS)
            return err_set(e, TB_EINPUT, file, 0, 0,
                           "%s!%s: the sheet has values beyond row %u, the limit; split it into several workbooks "
                           "(or delete what is below the table)", g->name, ref, GRID_MAX_ROWS);
        return err_set(e, TB_EINPUT, file, 0, 0, "%s: a cell beyond column XFD", g->name);
    }
    ensure_row(g, row);
    char *t = arena_strndup(g->arena, text ? text : "", text ? len : 0);
    grid_row *r = &g->rows[row];
    uint32_t at = r->n;
    if (r->n && r->cells[r->n - 1].col >= col) {   /* out of order: find the place */
        at = 0;
        while (at < r->n && r->cells[at].col < col) at++;
        if (at < r->n && r->cells[at].col == col) {
            r->cells[at] = (grid_cell){col, (uint8_t)kind, (uint8_t)(formula != 0), 0, t};
            return 0;
        }
    }
    if (r->n == r->cap) {
        uint32_t nc = r->cap ? r->cap * 2 : 8;
        grid_cell *p = arena_alloc(g->arena, nc * sizeof *p);
        if (r->n) memcpy(p, r->cells, r->n * sizeof *p);
        r->cells = p;
        r->cap = nc;
    }
    memmove(r->cells + at + 1, r->cells + at, (r->n - at) * sizeof *r->cells);
    r->cells[at] = (grid_cell){col, (uint8_t)kind, (uint8_t)(formula != 0), 0, t};
    r->n++;
    if (col + 1 > g->n_cols) g->n_cols = col + 1;
    return 0;
}

void grid_add_merge(grid *g, grid_range r) {
    arena_grow(g->arena, (void **)&g->merges, &g->cap_merges, g->n_merges, sizeof r);
    g->merges[g->n_merges++] = r;
}

const grid_cell *grid_get(const grid *g, uint32_t row, uint32_t col) {
    if (row >= g->n_rows) return NULL;
    const grid_row *r = &g->rows[row];
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->cells[mid].col < col) lo = mid + 1;
        else hi = mid;
    }
    return lo < r->n && r->cells[lo].col == col ? &r->cells[lo] : NULL;
}

const char *grid_text(const grid *g, uint32_t row, uint32_t col) {
    const grid_cell *c = grid_get(g, row, col);
    return c && c->kind != GRID_EMPTY ? c->text : NULL;
}

int grid_apply_merges(grid *g, err *e) {
    /* Bounded by the data: a range over a whole column fills only the rows
     * that exist, and all fills together stay under GRID_MAX_MERGE_FILL. */
    size_t filled = 0;
    for (size_t i = 0; i < g->n_merges; i++) {
        grid_range m = g->merges[i];
        const grid_cell *tl = grid_get(g, m.r0, m.c0);
        if (!tl || tl->kind == GRID_EMPTY) continue;
        grid_cell src = *tl;
        uint32_t r1 = m.r1 < g->n_rows ? m.r1 : (uint32_t)(g->n_rows ? g->n_rows - 1 : 0);
        uint32_t c1 = m.c1 < g->n_cols ? m.c1 : (g->n_cols ? g->n_cols - 1 : 0);
        for (uint32_t r = m.r0; r <= r1; r++)
            for (uint32_t c = m.c0; c <= c1; c++) {
                if ((r == m.r0 && c == m.c0) || grid_get(g, r, c)) continue;
                if (++filled > GRID_MAX_MERGE_FILL)
                    return err_set(e, TB_EINPUT, NULL, 0, 0,
                                   "%s: merged ranges cover more than %u empty cells; unmerge them", g->name,
                                   GRID_MAX_MERGE_FILL);
                if (grid_set(g, r, c, (grid_kind)src.kind, src.formula, src.text, strlen(src.text), NULL, e) < 0)
                    return -1;
                grid_cell *nc = (grid_cell *)grid_get(g, r, c);
                if (nc) nc->merged = 1;
            }
    }
    return 0;
}
