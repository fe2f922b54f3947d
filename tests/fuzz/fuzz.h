/* fuzz.h — what the libFuzzer harnesses (tests/fuzz/fuzz_*.c) share.
 *
 * Each harness feeds one reader arbitrary bytes under ASan and UBSan and
 * holds it to its contract: it either returns a result, or refuses with an
 * error that has a code and a message for the user.  A refusal without a
 * message, or with a code other than the reader's documented one, is a
 * bug as much as a crash is: fuzz_check traps on it, so libFuzzer saves
 * the input.  `make fuzz` runs them; see the README ("Fuzzing"). */
#ifndef TB_FUZZ_H
#define TB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A refusal must say why: code `want` (or TB_EINTERNAL, out of memory)
 * and a message. */
static inline void fuzz_check_refusal(const err *e, int want) {
    if ((e->code != want && e->code != TB_EINTERNAL) || !e->msg[0]) {
        fprintf(stderr, "fuzz: refused with code %d and message \"%s\" (wanted code %d and a message)\n",
                e->code, e->msg, want);
        __builtin_trap();
    }
}

#endif
