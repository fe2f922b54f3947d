/* testlib.h — the smallest useful unit-test kit.
 *
 * Protocol shared with tests/run.sh: every check prints one line,
 * "PASS name" or "FAIL name: detail"; run.sh counts them.  A test binary
 * exits 1 if anything failed. */
#ifndef TB_TESTLIB_H
#define TB_TESTLIB_H

#include <stdio.h>
#include <string.h>

static int tl_failed, tl_passed;

#define CHECK(name, cond, ...) do {                                   \
        if (cond) { tl_passed++; printf("PASS %s\n", (name)); }       \
        else { tl_failed++; printf("FAIL %s: ", (name));              \
               printf(__VA_ARGS__); printf("\n"); }                   \
    } while (0)

/* Compare two strings; on mismatch show both and where they part. */
#define CHECK_STR(name, got, want) do {                                        \
        const char *g_ = (got), *w_ = (want);                                  \
        if (g_ && w_ && strcmp(g_, w_) == 0) { tl_passed++; printf("PASS %s\n", (name)); } \
        else { size_t i_ = 0;                                                  \
               while (g_ && w_ && g_[i_] && g_[i_] == w_[i_]) i_++;            \
               tl_failed++;                                                    \
               printf("FAIL %s: differs at byte %zu\n  got:  %s\n  want: %s\n", \
                      (name), i_, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); }   \
    } while (0)

#define TESTS_DONE() (printf("# %d passed, %d failed\n", tl_passed, tl_failed), tl_failed ? 1 : 0)

#endif
