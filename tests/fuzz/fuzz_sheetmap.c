/* fuzz_sheetmap.c — libFuzzer harness: a 问题清单 workbook or CSV all the
 * way to findings: smap_load (sheet choice, header row, columns, 通报信息,
 * dates) and then parse_memory on the XML it wrote.  The input is a
 * workbook when it starts like a zip, else a CSV; smap_load reads a path,
 * so each input goes through a file of this process's own.  The XML must
 * either parse or be refused with a message that smap_map_error turns
 * into one about a cell.  A CSV comes with a header file (--header, as
 * a CSV needs one); a workbook without a 通报信息 sheet is refused as a
 * usage error (TB_EUSAGE), which is its contract.  Seeds:
 * tests/fuzz/seeds/xlsx/ and csv/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "parse.h"
#include "sheetmap.h"

static char path_xlsx[64], path_csv[64], path_header[64];

static const char header_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<bulletin version=\"1\" id=\"fuzz\" series=\"江城市疫情防控督查通报\" code=\"JC\" template=\"dubao\">\n"
    "  <header>\n    <title>江城市城区疫情防控工作督查通报</title>\n"
    "    <issuer>江城市疫情防控指挥部督导组</issuer>\n    <date>2026-11-21</date>\n"
    "    <doc-number>江防督〔2026〕7号</doc-number>\n  </header>\n"
    "  <rectification deadline=\"2026-11-22T17:00\" report-to=\"市疫情防控指挥部督导问责组\"/>\n"
    "</bulletin>\n";

static void remove_header(void) { unlink(path_header); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    parse_init();
    snprintf(path_xlsx, sizeof path_xlsx, "/tmp/tongbao-fuzz-%ld.xlsx", (long)getpid());
    snprintf(path_csv, sizeof path_csv, "/tmp/tongbao-fuzz-%ld.csv", (long)getpid());
    snprintf(path_header, sizeof path_header, "/tmp/tongbao-fuzz-%ld-header.xml", (long)getpid());
    FILE *f = fopen(path_header, "wb");
    if (!f || fwrite(header_xml, 1, sizeof header_xml - 1, f) != sizeof header_xml - 1 || fclose(f) != 0) {
        perror(path_header);
        return 1;
    }
    atexit(remove_header);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = size >= 2 && data[0] == 'P' && data[1] == 'K' ? path_xlsx : path_csv;
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int bad = fwrite(data, 1, size, f) != size;
    if (fclose(f) != 0 || bad) {
        unlink(path);
        return 0;
    }
    smap_opts o = {0};
    if (path == path_csv) o.header = path_header;
    smap_result r;
    err e = {0};
    if (smap_load(path, &o, &r, &e) < 0) {
        if (!(e.code == TB_EUSAGE && e.msg[0] && path == path_xlsx)) fuzz_check_refusal(&e, TB_EINPUT);
    } else {
        err pe = {0};
        model_bulletin *b = parse_memory(r.xml.data ? r.xml.data : "", r.xml.len, "fuzz.xml", &pe);
        if (b) model_free(b);
        else {
            smap_map_error(&r, &pe);
            fuzz_check_refusal(&pe, TB_EINPUT);
        }
    }
    smap_free(&r);
    unlink(path);
    return 0;
}
