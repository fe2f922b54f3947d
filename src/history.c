/* history.c — history figures for a bulletin (see history.h).
 * Placeholder until issue 5: no figures, empty context. */
#include "history.h"

int history_prepare(store *s, model_bulletin *b, const char *today, buf *context, err *e) {
    (void)s; (void)b; (void)today; (void)context; (void)e;
    return 0;
}

int history_restore(model_bulletin *b, const char *context, err *e) {
    (void)b; (void)context; (void)e;
    return 0;
}
