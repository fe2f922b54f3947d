/* parse_int.h — private to the parse module: parse.c (decode, libxml2,
 * RELAX NG, filling the model), parse_pos.c (the source-position index) and
 * parse_rules.c (the rule table and the checks of step 3).  Nothing outside
 * src/parse*.c includes it, except the tests of those files. */
#ifndef TB_PARSE_INT_H
#define TB_PARSE_INT_H

#include "parse.h"

#include <libxml/tree.h>

/* ---- per-call state ------------------------------------------------------ */
typedef struct {
    const char *name;           /* file name, for messages */
    err *e;
    const char *src;            /* the UTF-8 text libxml2 parses */
    size_t len;
    size_t *lines;              /* byte offset where each line starts */
    size_t n_lines;
    size_t *chars;              /* characters before each PARSE_POS_BLOCK bytes */
    size_t *tags;               /* byte offset of each start tag, document order */
    size_t n_tags;
    int tags_ok;                /* tags[i] is the element whose _private is i+1 */
    /* first parser error */
    int x_have, x_code, x_line, x_col, x_int1;
    char x_msg[300], x_s1[160], x_s2[160];
    /* first useful RELAX NG error */
    int r_have, r_code;
    xmlNodePtr r_node;
    char r_msg[300], r_s1[160], r_s2[160];
} pstate;

/* err for "out of memory" / an input rejection at line:col; both return -1. */
int parse_oom(pstate *st);
int parse_fail_at(pstate *st, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline int parse_is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static inline const char *parse_nm(xmlNodePtr n) { return (const char *)n->name; }

/* ---- the source-position index (parse_pos.c) ----------------------------- */
/* Build st->lines and st->tags from st->src. */
void parse_index_build(pstate *st);
void parse_index_free(pstate *st);
/* Number the tree's elements in document order (n->_private = 1, 2, …). */
void parse_index_nodes(xmlNodePtr n, size_t *count);
/* Line and column of a byte offset: in any text (a scan), or in st->src. */
void parse_pos_in(const char *s, size_t off, int *line, int *col);
void parse_pos_of(pstate *st, size_t off, int *line, int *col);
/* Offsets [*b, *e) of a 1-based line; 0 if there is no such line. */
int parse_line_span(pstate *st, int line, size_t *b, size_t *e);
/* Column of `needle` on a line (tag: a name must end there); which < 0
 * takes the last match, else the first; 0 = not found. */
int parse_col_on_line(pstate *st, int line, const char *needle, int tag, int which);
/* Where an element's start tag, or one of its attributes, begins. */
void parse_elem_pos(pstate *st, xmlNodePtr n, int *line, int *col);
void parse_attr_pos(pstate *st, xmlNodePtr n, const char *name, int *line, int *col);
/* Byte offset of a line and column (columns in characters). */
size_t parse_offset_of(pstate *st, int line, int col);
/* The last `ch` at or before col on that line (col when there is none). */
int parse_back_to(pstate *st, int line, int col, char ch);

/* ---- text normalisation (parse.c) ---------------------------------------- */
size_t parse_trim_front(const char *s, size_t n);
void parse_norm_text(buf *b, const char *s, size_t n);      /* docs/format.md D14 */
void parse_elem_text(xmlNodePtr n, buf *b);
int parse_attr_text(xmlAttrPtr a, buf *b);                   /* -1 when libxml2 fails */
/* Mixed content (an item's <lead>, <point>, <p>): the text with
 * MODEL_STATS_MARK where each <stats/> stands, normalised. */
void parse_mixed_text(xmlNodePtr n, buf *b);
/* User text quoted in a message: at most ~40 characters. */
const char *parse_clip(const char *s, char *out, size_t n);

/* ---- the rules (parse_rules.c) ------------------------------------------- */
enum {
    T_CHILDREN,     /* element content only */
    T_EMPTY,        /* nothing at all */
    T_TEXT,         /* optional text */
    T_TEXT1,        /* non-empty text */
    T_DATE, T_DATETIME, T_KEY, T_TEMPLATE, T_CODE, T_ISSUE, T_VERSION, T_KIND, T_COUNT, T_POSINT,
    T_MIXED,        /* non-empty text that may hold <stats/> elements (items) */
    T_ISTYLE,       /* <item style=>: jianbao | news */
    T_POINTS,       /* <item points=>: paragraphs | run-in */
    T_SPART         /* <stats part=>: findings | bulletins | accountability */
};

typedef struct {
    const char *name;
    unsigned char type, required;
    const char *hint;           /* what it is, for "needs …" messages */
} parse_attr_spec;

typedef struct {
    const char *name;
    unsigned char min, max;     /* max 0 = any number */
} parse_kid_spec;

typedef struct {
    const char *name, *parent, *what;
    unsigned char content;
    const parse_attr_spec *attrs;
    const parse_kid_spec *kids;
    unsigned char any_order;
} parse_elem_spec;

/* The rule table: one entry per element and parent, ended by a NULL name
 * (an element may appear under several parents with different rules: the
 * <lead> of <requirements> is plain text, an <item>'s may hold <stats/>).
 * It mirrors src/findings.rng (tests/unit_parse_rules.c checks both
 * directions). */
const parse_elem_spec *parse_rule_table(void);
xmlAttrPtr parse_find_attr(xmlNodePtr n, const char *name);
/* Step 1b: no NUL, C1 control, line/paragraph separator, bidirectional
 * control or invisible format character anywhere in st->src; -1 and st->e
 * filled (with the position) otherwise.  Needs the position index. */
int parse_check_chars(pstate *st);
/* Step 3: the root is the document kind `want` ("bulletin" or
 * "rectifications") and the whole tree follows the rules; -1 and st->e
 * filled otherwise. */
int parse_check_doc(pstate *st, xmlDocPtr doc, const char *want);

#endif
