/* model.c — lifetime and small queries of the findings model (model.h).
 * The bulletin struct lives inside its own arena, so freeing the arena frees
 * everything, the struct included. */
#include "model.h"

void model_free(model_bulletin *b) {
    if (b) arena_free(b->arena);
}

size_t model_count_findings(const model_bulletin *b) {
    size_t n = 0;
    if (!b) return 0;
    for (size_t i = 0; i < b->n_categories; i++)
        n += b->categories[i].n_findings;
    return n;
}
