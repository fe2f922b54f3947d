/* parse.h — findings XML → model, with validation.
 *
 * Owns: reading the file (size limit, encoding check), libxml2 parsing with
 * no network, no external entities and bounded entity expansion, RELAX NG
 * validation against the schema compiled into the binary (src/findings.rng),
 * and the semantic checks the schema cannot express (dates, ordering).
 * Every rejection names file:line:column and says what to fix. */
#ifndef TB_PARSE_H
#define TB_PARSE_H

#include "model.h"

#define PARSE_MAX_BYTES (16u * 1024 * 1024)   /* inputs over this are refused */

/* Parse and validate a findings file.  Returns NULL and fills e (code
 * TB_EINPUT) when the file is rejected. */
model_bulletin *parse_file(const char *path, err *e);
/* Same, from memory (name is used in messages). */
model_bulletin *parse_memory(const char *data, size_t len, const char *name, err *e);
/* Same, for XML tongbao generated itself from spreadsheet cells it checked
 * (sheetmap.h), with no part a user wrote as XML: every step but the RELAX
 * NG pass, which would only repeat step 3 at half the cost of a large
 * import.  Step 3's rule table (parse_rules.c) carries every rule of
 * findings.rng, and the tests hold the two equal (unit_parse_rules both
 * ways; tests/e2e_sheet.sh runs xmllint --relaxng on what import writes).
 * Never for XML a user wrote, whole or in part (--header FILE). */
model_bulletin *parse_generated(const char *data, size_t len, const char *name, err *e);

/* Process-wide libxml2 setup/teardown (call once from main). */
void parse_init(void);
void parse_cleanup(void);

/* ---- rectification updates (docs/format.md "Rectification updates") --------
 * <rectifications version="1" series="…"> with <done>/<open> children; the
 * same schema and the same rigour as bulletins. */
typedef struct {
    const char *finding;    /* finding ID, e.g. JC2026-007-003 */
    int done;               /* 1 = <done>, 0 = <open> */
    const char *date;       /* date= (YYYY-MM-DD); always set for done, may be NULL for open */
    const char *reason;     /* open: reason= attribute, or NULL */
    const char *note;       /* the element's text (what was done / more detail), or NULL */
    int line, col;          /* where the element starts */
} parse_rect_item;

typedef struct {
    arena *arena;           /* owns everything below, and the struct itself */
    const char *source;     /* file name, for messages */
    int version;
    const char *series;
    parse_rect_item *items;
    size_t n_items;
} parse_rect_doc;

/* Parse and validate a rectification-updates file.  Returns NULL and fills e
 * (code TB_EINPUT) when rejected.  A finding ID may appear only once. */
parse_rect_doc *parse_rectifications_file(const char *path, err *e);
parse_rect_doc *parse_rectifications_memory(const char *data, size_t len,
                                            const char *name, err *e);
void parse_rect_free(parse_rect_doc *d);

#endif
