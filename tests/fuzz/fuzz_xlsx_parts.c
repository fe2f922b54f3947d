/* fuzz_xlsx_parts.c — libFuzzer harness: the XML inside a workbook.
 * Mutated zip bytes rarely get past the zip directory and the CRCs, so
 * this harness builds a valid package around the input instead: the input
 * is up to four parts separated by "\n@@\n" — the worksheet, the shared
 * strings, the workbook and the workbook's relationships — and the parts
 * it leaves out are a minimal one-sheet workbook's.  Then as fuzz_xlsx:
 * open, load every sheet.  Seeds: tests/fuzz/seeds/xlsx_parts/ (the parts
 * of the seed workbooks). */
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "fuzz.h"
#include "parse.h"
#include "xlsx.h"

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "</Types>";
static const char root_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char *const defaults[4] = {
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\">"
    "<si><t>区</t></si></sst>",
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>",
};
static const char *const names[4] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                                     "xl/_rels/workbook.xml.rels"};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    parse_init();
    return 0;
}

/* Add one stored entry; 0 or -1. */
static int add(zip_t *z, const char *name, const void *p, size_t n) {
    zip_source_t *s = zip_source_buffer(z, p, n, 0);
    if (!s) return -1;
    zip_int64_t i = zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(s);
        return -1;
    }
    return zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0) < 0 ? -1 : 0;
}

/* The package around the parts, as bytes (malloc'd), or NULL. */
static void *package(const char *const part[4], const size_t len[4], size_t *out_len) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    void *bytes = NULL;
    if (!z) {
        if (src) zip_source_free(src);
        zip_error_fini(&ze);
        return NULL;
    }
    zip_source_keep(src);
    int bad = add(z, "[Content_Types].xml", content_types, sizeof content_types - 1) < 0 ||
              add(z, "_rels/.rels", root_rels, sizeof root_rels - 1) < 0;
    for (int k = 0; k < 4 && !bad; k++) bad = add(z, names[k], part[k], len[k]) < 0;
    if (bad) {
        zip_discard(z);
        zip_source_free(src);
        zip_error_fini(&ze);
        return NULL;
    }
    if (zip_close(z) == 0 && zip_source_open(src) == 0) {
        zip_stat_t st;
        if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && (bytes = malloc(st.size ? st.size : 1))) {
            zip_int64_t got = zip_source_read(src, bytes, st.size);
            if (got < 0 || (zip_uint64_t)got != st.size) {
                free(bytes);
                bytes = NULL;
            } else *out_len = (size_t)st.size;
        }
        zip_source_close(src);
    } else zip_discard(z);
    zip_source_free(src);
    zip_error_fini(&ze);
    return bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *part[4];
    size_t len[4];
    const char *p = (const char *)data, *end = p + size;
    int k = 0;
    while (k < 4 && p <= end) {
        const char *sep = NULL;
        for (const char *q = p; q + 4 <= end; q++)
            if (!memcmp(q, "\n@@\n", 4)) {
                sep = q;
                break;
            }
        part[k] = p;
        len[k] = (size_t)((sep ? sep : end) - p);
        k++;
        if (!sep) break;
        p = sep + 4;
    }
    for (int i = 0; i < 4; i++)
        if (i >= k || len[i] == 0) {
            part[i] = defaults[i];
            len[i] = strlen(defaults[i]);
        }
    size_t n = 0;
    void *zipped = package(part, len, &n);
    if (!zipped) return 0;   /* libzip could not build it: not the reader's business */
    err e = {0};
    xlsx_book *b = xlsx_open_memory(zipped, n, "fuzz.xlsx", &e);
    if (!b) fuzz_check_refusal(&e, TB_EINPUT);
    for (size_t i = 0; b && i < xlsx_sheet_count(b); i++) {
        err se = {0};
        grid *g = xlsx_load_sheet(b, i, &se);
        if (g) grid_free(g);
        else fuzz_check_refusal(&se, TB_EINPUT);
    }
    xlsx_close(b);
    free(zipped);
    return 0;
}
