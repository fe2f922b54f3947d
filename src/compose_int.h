/* compose_int.h — private to the compose module (compose*.c): the context a
 * composition carries, the placeholder language and the text rules the
 * module's files share.  Nothing outside compose includes it.
 *
 *   compose.c          the document: title, 主送, body parts, furniture fields
 *   compose_text.c     numerals, dates, how a text ends (its closing mark)
 *   compose_history.c  上期整改情况 and 截至目前
 *   compose_items.c    items: 简报 and news style, <column>, <stats/>
 *   compose_letter.c   the letters of tongbao escalate (督办通知书 …)
 *
 * Every name this header declares starts with compose_ (COMPOSE_ for
 * constants). */
#ifndef TB_COMPOSE_INT_H
#define TB_COMPOSE_INT_H

#include "compose.h"

/* Which kind of document is being composed (compose_opts.kind). */
enum { COMPOSE_DUBAO, COMPOSE_JIANBAO, COMPOSE_WENZE, COMPOSE_ZHENGGAI };

typedef struct {
    const model_bulletin *b;
    const compose_opts *o;
    err *e;
    doc_document *d;
    int kind;
    int ref_year;           /* the bulletin's year; 0 = unknown, always print years */
    const char *district;   /* extract filter, or NULL */
    int show_ids;
} compose_ctx;

/* A placeholder and its value ("" or NULL: no value). */
typedef struct {
    const char *name, *value;
} compose_var;

/* ---- compose.c ------------------------------------------------------------ */

/* The template's wording for key, else def. */
const char *compose_word(const compose_ctx *c, const char *key, const char *def);
/* Expand a pattern ({name}, [a|b]; compose.h) into out. */
void compose_subst(buf *out, const char *pat, const compose_var *v, size_t nv);
/* The same into a fresh string of the document's arena; NULL (recorded) on OOM. */
const char *compose_subst_str(compose_ctx *c, const char *pat, const compose_var *v, size_t nv);
/* A "body" paragraph of one string, tagged with its part; NULL (recorded) on OOM. */
doc_block *compose_body_block(compose_ctx *c, const char *part, const char *text);

/* ---- compose_text.c ----------------------------------------------------------- */

typedef struct {
    int y, mo, d, h, mi, has_time;
} compose_dt;

/* Strict ISO 8601 (YYYY-MM-DD[THH:MM[:SS]]); 0 or -1. */
int compose_parse_iso(const char *s, compose_dt *t);
/* "2025年11月22日17：00", the year and the time only when asked for. */
void compose_fmt_date(char *out, size_t outlen, const compose_dt *t, int show_year, int show_time);

/* How a piece of text ends, so joins never double a mark (rule 4). */
enum { COMPOSE_M_NONE, COMPOSE_M_SOFT, COMPOSE_M_SEMI, COMPOSE_M_TERM };

/* Classify the end of s; *body = its byte length without the trailing mark. */
int compose_tail_mark(const char *s, size_t *body);
/* Byte length of s without any trailing mark. */
size_t compose_stripped_len(const char *s);
/* The mark that closes s where the context wants joiner: s's own terminal
 * mark (a suffix of s), else joiner; *body = bytes of s to write first. */
const char *compose_closing_mark(const char *s, size_t *body, const char *joiner);

/* ---- compose_history.c ----------------------------------------------------------- */

int compose_history_status(compose_ctx *c);
int compose_history_stats(compose_ctx *c);
/* The {stats} clause of h appended to out: all of it, or the group part
 * names (findings, bulletins, accountability); quoted = h is another
 * series' (its bulletins are named by quoted-bulletin-name). */
int compose_history_clause(compose_ctx *c, const model_history *h, const char *part, int quoted, buf *out);

/* ---- compose_items.c ------------------------------------------------------------- */

/* The items and their <column> headings (part "items"); an extract only
 * the district's.  0, or -1 with the error recorded. */
int compose_items(compose_ctx *c);
/* Does any item belong to district d (district=, else source=)? */
int compose_items_in_district(const model_bulletin *b, const char *d);
/* The districts and sources items belong to, joined with 、 after what
 * out holds (for the message of an extract nobody is in). */
void compose_items_districts(const model_bulletin *b, buf *out);

#endif
