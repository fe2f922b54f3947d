/* compose.h — model → document.  All Chinese phrasing rules live here:
 * preamble, 一是/二是 numbering, location elision, joining punctuation,
 * rectification sentence, requirements, cases, date formats (FORMAT.md 1–7).
 * compose does not know templates: wording a template may change reaches it
 * through compose_opts.word(). */
#ifndef TB_COMPOSE_H
#define TB_COMPOSE_H

#include "model.h"
#include "doc.h"

typedef struct {
    /* Which kind of document: "dubao" (督查通报, default), "jianbao" (简报),
     * "wenze" (问责典型案例通报), "zhenggai" (整改通知, a district extract). */
    const char *kind;
    /* District extract: only this district's findings (zhenggai). NULL = all. */
    const char *district;
    /* Print finding IDs after each finding, e.g. "〔JC2026-007-003〕". */
    int show_ids;
    /* Template wording lookup: returns the template's text for key, or NULL to
     * use compose's default.  May be NULL. */
    const char *(*word)(void *ctx, const char *key);
    void *word_ctx;
} compose_opts;

/* Chinese numerals: 1→一 … 10→十, 11→十一, 20→二十, 21→二十一, 99→九十九,
 * 100→一百, 101→一百零一, 110→一百一十.  Writes into out (≥ 32 bytes). */
void compose_cn_number(int n, char *out, size_t outlen);
/* Date/time formatting per FORMAT.md rule 5/7.  ref_year: the bulletin's
 * year (0 = always print the year).  "2026-11-22T17:00" → "11月22日17：00";
 * with a different year → "2025年11月22日17：00".  Returns -1 if iso is not a
 * date. */
int compose_date(const char *iso, int ref_year, char *out, size_t outlen);
/* Header date: "2026-11-21" → "2026年11月21日". */
int compose_date_full(const char *iso, char *out, size_t outlen);

/* Compose the whole document.  Returns NULL and fills e on failure. */
doc_document *compose_bulletin(const model_bulletin *b, const compose_opts *o, err *e);

#endif
