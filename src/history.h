/* history.h — what a bulletin says about the past (issue 5): repeat marks,
 * the status of the previous issue's findings (上期通报的N个问题，已整改K个…)
 * and cumulative statistics (截至目前…), computed from the store before the
 * bulletin is recorded and kept with it so regen is byte-identical.
 *
 * history_prepare runs inside the issuing transaction (store render hook or
 * store_reserve's prepare): it reads the store, fills b->history for
 * compose, and writes the figures to `context` (stored verbatim with the
 * bulletin).  history_restore puts archived figures back for regen. */
#ifndef TB_HISTORY_H
#define TB_HISTORY_H

#include "model.h"
#include "store.h"
#include "util.h"

int history_prepare(store *s, model_bulletin *b, const char *today, buf *context, err *e);
int history_restore(model_bulletin *b, const char *context, err *e);

#endif
