/* ledger.h — the 整改台账: the rectification ledger a supervision office
 * sends to each district and gets back filled in.
 *
 * Owns: writing it from the history (XLSX through libxlsxwriter in
 * constant-memory mode, or CSV that Excel opens: UTF-8 with a BOM or
 * GB18030, CRLF, formula-safe cells), one row per finding (编号, 通报期数,
 * 区, 街道, 社区, 点位, 问题, 整改时限, 状态 未整改/已整改/逾期, 整改情况,
 * 完成时间, 备注), one sheet per district (units together on 各单位) after
 * a 汇总 sheet, overdue rows highlighted, the columns the district must not
 * change shaded and protected, 整改情况 and 完成时间 left open with a date
 * check; and reading one back: every sheet whose header names 编号 and
 * 完成时间, each row's ID, completion date and what was done, with the
 * cell it came from. */
#ifndef TB_LEDGER_H
#define TB_LEDGER_H

#include <stddef.h>
#include "store.h"
#include "util.h"

typedef struct {
    const char *series, *district;   /* NULL = all */
    int year, issue_no;              /* issue_no > 0: one bulletin's findings */
    const char *today;               /* overdue as of; YYYY-MM-DD */
    const char *encoding;            /* CSV: NULL/utf-8 (with BOM) or gb18030 */
} ledger_opts;

typedef struct {
    long findings, done, open, overdue;
    int sheets;                      /* district sheets written */
} ledger_stats;

/* Write the ledger to path: XLSX, or CSV when path ends in .csv.  No
 * findings matching is not an error (an empty ledger with its header).
 * 0, or -1 + e. */
int ledger_write(store *s, const ledger_opts *o, const char *path, ledger_stats *st, err *e);

/* One district's ledger of a bulletin being issued (the nightly writes it
 * beside the district's 整改通知): its findings with their IDs, status as
 * of the bulletin's date, as XLSX bytes appended to out.  Safe to call from
 * several threads at once (it touches only b and its own files).  0 or -1
 * + e. */
int ledger_for_district(const model_bulletin *b, const char *district, buf *out, err *e);

/* ---- reading a ledger back ------------------------------------------------ */
typedef struct {
    const char *id;          /* as written */
    const char *done_date;   /* ISO date, or NULL: 完成时间 empty */
    const char *note;        /* 整改情况, or NULL */
    const char *ref;         /* "东湖区!A7": the 编号 cell */
    const char *date_ref;    /* the 完成时间 cell */
} ledger_row;

typedef struct {
    arena *arena;
    ledger_row *rows;
    size_t n, cap;
    int sheets;              /* sheets read as ledgers */
} ledger_doc;

/* Read every ledger sheet of a workbook or CSV.  -1 + e (TB_EINPUT citing
 * the cell) for a bad date, a file with no ledger sheet, an ID twice. */
int ledger_read(const char *path, const char *encoding, ledger_doc *d, err *e);
void ledger_doc_free(ledger_doc *d);

/* Status words of the ledger: open → 未整改, overdue → 逾期, done → 已整改. */
const char *ledger_status_word(const char *status);

#endif
