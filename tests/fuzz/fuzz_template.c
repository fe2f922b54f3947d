/* fuzz_template.c — libFuzzer harness: a template file through
 * tpl_load_memory (geometry, styles, 版头/版记, wording, order, chart).
 * Seeds: the shipped templates (templates/). */
#include "fuzz.h"
#include "parse.h"
#include "template.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    parse_init();   /* the template loader uses libxml2 as the parser sets it up */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    err e = {0};
    tpl_template *t = tpl_load_memory((const char *)data, size, "fuzz", &e);
    if (t) tpl_free(t);
    else fuzz_check_refusal(&e, TB_ETEMPLATE);
    return 0;
}
