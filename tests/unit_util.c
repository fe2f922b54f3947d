/* unit_util.c — the shared arena's growable arrays (src/util.c). */
#include "testlib.h"
#include "util.h"

static void test_arena_grow(void) {
    arena *a = arena_new();
    int *xs = NULL;
    size_t cap = 0, n = 0;
    int ok = 1;
    for (int i = 0; i < 20; i++) {
        ok &= arena_grow(a, (void **)&xs, &cap, n, sizeof *xs) == 0;
        xs[n++] = i;
    }
    CHECK("arena_grow keeps growing", ok && cap >= 20, "cap %zu", cap);
    /* A second pass over the same list with a fresh cap (what a repeated
     * template element did): the copy must fit, nothing is lost. */
    size_t cap2 = 0;
    ok = arena_grow(a, (void **)&xs, &cap2, n, sizeof *xs) == 0 && cap2 > n;
    xs[n++] = 20;
    for (size_t i = 0; i < n; i++) ok &= xs[i] == (int)i;
    CHECK("arena_grow with its cap behind the count makes room past it", ok, "cap %zu for %zu", cap2, n);
    size_t cap3 = 1;
    CHECK("arena_grow refuses a size that overflows", arena_grow(a, (void **)&xs, &cap3, 1, SIZE_MAX / 2) == -1, "-");
    arena_free(a);
}

int main(void) {
    test_arena_grow();
    return TESTS_DONE();
}
