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

/* Process-wide libxml2 setup/teardown (call once from main). */
void parse_init(void);
void parse_cleanup(void);

#endif
