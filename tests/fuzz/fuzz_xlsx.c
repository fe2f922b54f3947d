/* fuzz_xlsx.c — libFuzzer harness: a workbook through xlsx_open_memory and
 * xlsx_load_sheet for each sheet (zip limits, relationships, shared
 * strings, SAX over each part, merged ranges).  Seeds:
 * tests/fuzz/seeds/xlsx/ (small workbooks openpyxl and LibreOffice wrote). */
#include "fuzz.h"
#include "parse.h"
#include "xlsx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    parse_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    err e = {0};
    xlsx_book *b = xlsx_open_memory(data, size, "fuzz.xlsx", &e);
    if (!b) {
        fuzz_check_refusal(&e, TB_EINPUT);
        return 0;
    }
    for (size_t i = 0; i < xlsx_sheet_count(b); i++) {
        err se = {0};
        grid *g = xlsx_load_sheet(b, i, &se);
        if (g) grid_free(g);
        else fuzz_check_refusal(&se, TB_EINPUT);
    }
    xlsx_close(b);
    return 0;
}
