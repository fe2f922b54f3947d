/* fuzz_xlsx.c — libFuzzer harness for the workbook readers (issue 17):
 * the bytes as an XLSX package (xlsx_open_memory, every sheet loaded, the
 * way import reads them) and as a CSV file (csv_read_memory).  Not part of
 * make check; build and run with clang:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_POSIX_C_SOURCE=200809L \
 *       -Isrc tests/fuzz/fuzz_xlsx.c src/xlsx.c src/csv.c src/grid.c src/safecell.c src/util.c \
 *       $(pkg-config --cflags --libs libzip libxml-2.0) -o build/fuzz_xlsx
 *   build/fuzz_xlsx -max_len=262144 CORPUS/
 *
 * A corpus: any .xlsx files (tests/sheet/mkbook.py writes some). */
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>

#include "csv.h"
#include "grid.h"
#include "xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int init;
    if (!init) {
        xmlInitParser();
        init = 1;
    }
    err e = {0};
    xlsx_book *bk = xlsx_open_memory(data, size, "fuzz.xlsx", &e);
    if (bk) {
        for (size_t i = 0; i < xlsx_sheet_count(bk) && i < 16; i++) {
            err se = {0};
            grid_free(xlsx_load_sheet(bk, i, &se));
        }
        xlsx_close(bk);
    }
    err ce = {0};
    grid_free(csv_read_memory((const char *)data, size, "fuzz.csv", NULL, &ce));
    return 0;
}
