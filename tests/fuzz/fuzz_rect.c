/* fuzz_rect.c — libFuzzer harness: rectification updates through
 * parse_rectifications_memory.  Seeds: tests/good/rectifications.xml,
 * tests/bad/rect-*.xml, tests/scenario/rect-*.xml. */
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
    parse_rect_doc *d = parse_rectifications_memory((const char *)data, size, "fuzz.xml", &e);
    if (d) parse_rect_free(d);
    else fuzz_check_refusal(&e, TB_EINPUT);
    return 0;
}
