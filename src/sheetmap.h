/* sheetmap.h — a 问题清单 workbook (or CSV) → the findings XML that
 * src/findings.rng accepts, so every command downstream (validate, render,
 * issue, nightly) parses one format on one path.
 *
 * Owns: choosing the sheets (问题清单, or --sheet NAME, else the first
 * visible sheet whose header row reads as one; 通报信息 for the header, or
 * --header FILE), finding the header row (the best match among the first
 * rows, so a title row or a two-row header with merged cells is fine),
 * matching Chinese column names flexibly (smap_column: white space,
 * full-width forms, * and （必填） markers do not matter), reading the
 * 通报信息 key/value rows, and turning every row into a <finding>: blank
 * rows skipped, categories in order of first appearance, findings in row
 * order, a blank 问题类别 continuing the one above, dates in any shape
 * cellval.h knows.  Every message cites the cell: 问题清单!F7.
 *
 * The generated XML has one finding per line; smap_result remembers which
 * cell each line came from, so an error the parser finds in it is told at
 * the cell (smap_map_error). */
#ifndef TB_SHEETMAP_H
#define TB_SHEETMAP_H

#include <stddef.h>
#include "grid.h"
#include "util.h"

typedef struct {
    const char *sheet;      /* --sheet NAME: the findings sheet */
    const char *header;     /* --header FILE: a <bulletin> without <findings> */
    const char *encoding;   /* CSV encoding; NULL = detect */
} smap_opts;

typedef struct {
    buf xml;                /* the findings XML (UTF-8) */
    arena *arena;
    const char *source;     /* the workbook's path */
    const char **line_ref;  /* line_ref[L] = "问题清单!A7" for line L (1-based) of xml, or NULL */
    size_t n_lines, cap_lines;
    const char *header_file;/* --header FILE, for errors in its lines */
    size_t n_findings, n_categories;
    const char *findings_sheet, *info_sheet;   /* which sheets were read */
    const char *ignored;    /* header cells that name no field, "H 照片, K 备注2", or NULL */
    int from_cells;         /* 1: every byte of xml was made from checked cells, no
                             * --header XML in it (parse_generated may read it) */
} smap_result;

/* 1 when path names a spreadsheet by its extension (.xlsx .xlsm .csv .xls
 * .et .ods .tsv), else 0: such files go through smap_load, others are XML. */
int smap_is_sheet(const char *path);

/* Read the workbook or CSV at path into r->xml.  0, or -1 + e (TB_EINPUT
 * citing sheet!cell, TB_EUSAGE for options that do not fit).  Always
 * smap_free(r) afterwards. */
int smap_load(const char *path, const smap_opts *o, smap_result *r, err *e);
void smap_free(smap_result *r);

/* An error the parser reported about r->xml (file = the name it was given,
 * line = a line of r->xml) → the same message about the cell it came from:
 * file = the workbook, "问题清单!F7: …". */
void smap_map_error(const smap_result *r, err *e);

/* ---- pieces, for the ledger reader and the unit tests ------------------------- */
enum {
    SMAP_NONE = 0, SMAP_SEQ, SMAP_DISTRICT, SMAP_STREET, SMAP_COMMUNITY, SMAP_SITE, SMAP_UNIT,
    SMAP_CATEGORY, SMAP_TEXT, SMAP_DEADLINE, SMAP_RESPONSIBLE, SMAP_NOTE, SMAP_OBSERVED,
    /* the 整改台账's own columns (ledger.h) */
    SMAP_ID, SMAP_ISSUE, SMAP_STATUS, SMAP_PROGRESS, SMAP_DONE_DATE,
    SMAP_N_FIELDS
};
/* Which field a header cell names (SMAP_NONE: none). */
int smap_column(const char *header);
/* The field's name as the README's table gives it first (区, 问题描述 …). */
const char *smap_field_name(int field);

/* The header row of g: the row among the first 30 that names the most
 * fields, at least min_fields of them, and need (if not SMAP_NONE) among
 * them.  cols[field] = its column (UINT32_MAX when absent).  Returns the
 * row, or -1 when no row qualifies. */
long smap_header_row(const grid *g, int need, int min_fields, uint32_t cols[SMAP_N_FIELDS]);

/* Shared with sheetinfo.c: append s to r->xml, ref = the cell every line
 * that s ends came from (NULL: the header as a whole); the escaping rules
 * for attribute values (attr = 1) and text; the header-name folding. */
int smap_out(smap_result *r, const char *ref, const char *s);
/* data (len bytes) holding exactly n lines, refs[i] the cell of line i. */
int smap_out_lines(smap_result *r, const char *data, size_t len, const char *const *refs, size_t n);
void smap_escape(buf *b, const char *s, int attr);
void smap_norm(const char *s, char *out, size_t cap);

#endif
