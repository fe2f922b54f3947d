/* fuzz_csv.c — libFuzzer harness: CSV through csv_read_memory (encoding
 * detection, delimiters, quoting, the formula guard).  Seeds:
 * tests/fuzz/seeds/csv/. */
#include "csv.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    err e = {0};
    grid *g = csv_read_memory((const char *)data, size, "fuzz.csv", NULL, &e);
    if (g) grid_free(g);
    else fuzz_check_refusal(&e, TB_EINPUT);
    return 0;
}
