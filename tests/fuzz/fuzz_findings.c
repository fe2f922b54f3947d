/* fuzz_findings.c — libFuzzer harness: findings XML through parse_memory
 * (decoding, libxml2 with no network and bounded entities, RELAX NG, the
 * rule checks).  Seeds: examples/, tests/good, tests/bad, tests/scenario. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    parse_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    err e = {0};
    model_bulletin *b = parse_memory((const char *)data, size, "fuzz.xml", &e);
    if (b) model_free(b);
    else fuzz_check_refusal(&e, TB_EINPUT);
    return 0;
}
