/* sheetinfo.h — the bulletin's header for a workbook import: the 通报信息
 * sheet's key/value rows (标题, 发文机关, 成文日期, 系列 …), or a findings
 * XML file without <findings> given with --header; and writing the whole
 * findings XML around the rows sheetmap.c turned into <finding>s.
 *
 * Owns: the key names (matched like column names: white space, full-width
 * forms and a trailing colon do not matter), what each value may look like
 * (dates, 督查时段 like 11月20日晚至11月21日, 督查组 lists, 督查范围 like
 * 6个街道、41个社区, 要求 as 标题：正文), the Chinese template names, and
 * the default bulletin id (from the date and the content, so the same
 * workbook issued twice is issued once). */
#ifndef TB_SHEETINFO_H
#define TB_SHEETINFO_H

#include "grid.h"
#include "sheetmap.h"
#include "util.h"

enum {
    SI_TITLE, SI_ISSUER, SI_DATE, SI_DOCNO, SI_TO, SI_SERIES, SI_ID, SI_CODE, SI_ISSUE, SI_TEMPLATE,
    SI_METHOD, SI_PERIOD, SI_PFROM, SI_PTO, SI_INSPECTORS, SI_ACTION, SI_SCOPE, SI_ASSESS,
    SI_DEADLINE, SI_REPORTTO, SI_MANNER, SI_RESP, SI_LEAD, SI_REQ,
    SI_SEND, SI_CC, SI_ISSUEDBY, SI_EDITORS, SI_COPIES, SI_N
};

typedef struct {
    const char *title, *text, *ref;
} sinfo_req;

typedef struct {
    arena *a;
    const grid *g;                   /* the 通报信息 sheet (grid mode) */
    const grid_cell *cell[SI_N];     /* grid mode: the value cell of each key */
    const char *ref[SI_N];           /* "通报信息!B3" */
    sinfo_req *reqs;
    size_t n_reqs, cap_reqs;
    int date1904;
    int year;                        /* the bulletin's year (for 11月22日) */
    /* --header mode: the XML as given, in pieces */
    const char *xml_head;            /* <bulletin …> start tag */
    buf xml_before, xml_after;       /* children before / after <findings> */
    int from_xml;
} sinfo;

void sinfo_init(sinfo *s, arena *a);
/* Read the key/value rows of g.  -1 + e (citing the cell) for an unknown
 * key, a key given twice, a bad date. */
int sinfo_from_grid(sinfo *s, const grid *g, int date1904, const char *file, err *e);
/* Read a <bulletin> file without <findings> (its findings, if any, are
 * dropped: the workbook's rows replace them). */
int sinfo_from_xml(sinfo *s, const char *path, err *e);
/* Write the whole document into r: the header, body's lines (the
 * <findings> element), the rest.  Frees what s holds. */
int sinfo_write(sinfo *s, smap_result *r, const smap_result *body, err *e);
/* The key a 通报信息 row names (SI_N: none). */
int sinfo_key(const char *k);

#endif
