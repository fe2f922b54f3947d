/* unit_readers.c — the spreadsheet readers (xlsx.c, csv.c, grid.c) on
 * packages and files built here, part by part, so each cell shape the
 * offices' programs write is pinned down: shared, inline and rich-text
 * strings (phonetic runs dropped), numbers, booleans, ISO date cells,
 * formulas with and without a cached value, merged ranges, hidden sheets,
 * the 1904 date system, cells without r=; and the refusals: not a zip, an
 * old .xls, an encrypted package, a DTD, the row limit.  CSV: BOM, GB18030,
 * quoted line breaks, delimiters, an unclosed quote. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "csv.h"
#include "grid.h"
#include "safecell.h"
#include "testlib.h"
#include "xlsx.h"

static char dir[] = "/tmp/unit_readers.XXXXXX";

typedef struct {
    const char *name, *text;
} part;

static const char *CT =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
static const char *RELS =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";
static const char *WB_RELS =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";

/* Write a zip of the parts; returns the path (static buffer per call site). */
static const char *make_zip(const char *fname, const part *parts, size_t n) {
    static char path[4][256];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, fname);
    int ze;
    zip_t *z = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    if (!z) return NULL;
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[i].text, strlen(parts[i].text), 0);
        if (!s || zip_file_add(z, parts[i].name, s, ZIP_FL_ENC_UTF_8) < 0) {
            zip_source_free(s);
            zip_discard(z);
            return NULL;
        }
    }
    return zip_close(z) == 0 ? p : NULL;
}

static const char *WB =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<workbookPr date1904=\"1\"/><sheets>"
    "<sheet name=\"问题清单\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"lists\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>"
    "</sheets></workbook>";
static const char *SST =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\" uniqueCount=\"3\">"
    "<si><t>区</t></si>"
    "<si><r><rPr><b/></rPr><t>问题</t></r><r><t xml:space=\"preserve\">描述 </t></r><rPh sb=\"0\" eb=\"1\"><t>wenti</t></rPh></si>"
    "<si><t>东湖区 &amp; 西山区</t></si>"
    "</sst>";
static const char *SHEET1 =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>北门</t><r><t>无人</t></r></is></c>"
    "<c r=\"C2\"><v>45983</v></c><c r=\"D2\" t=\"b\"><v>1</v></c><c r=\"E2\" t=\"str\"><f>A2&amp;B2</f><v>拼接</v></c>"
    "<c r=\"F2\"><f>1+1</f></c><c r=\"G2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c><c r=\"H2\" t=\"d\"><v>2026-11-22T17:00:00</v></c>"
    "<c r=\"I2\" s=\"3\"/></row>"
    "<row><c><v>1</v></c><c><v>2</v></c><c r=\"E3\"><v>5</v></c><c><v>6</v></c></row>"
    "<row r=\"9\"><c r=\"B9\" t=\"s\"><v>0</v></c></row>"
    "<row r=\"1048576\" customHeight=\"1\"/>"
    "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"B9:C10\"/></mergeCells></worksheet>";
static const char *SHEET2 =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData/></worksheet>";

static void test_cells(void) {
    part parts[] = {{"[Content_Types].xml", CT}, {"_rels/.rels", RELS}, {"xl/workbook.xml", WB},
                    {"xl/_rels/workbook.xml.rels", WB_RELS}, {"xl/sharedStrings.xml", SST},
                    {"xl/worksheets/sheet1.xml", SHEET1}, {"xl/worksheets/sheet2.xml", SHEET2}};
    const char *p = make_zip("cells.xlsx", parts, sizeof parts / sizeof *parts);
    CHECK("zip built", p != NULL, "libzip could not write");
    if (!p) return;
    err e = {0};
    xlsx_book *bk = xlsx_open_file(p, &e);
    CHECK("open: well-formed package", bk != NULL, "%s", e.msg);
    if (!bk) return;
    CHECK("two sheets, second hidden", xlsx_sheet_count(bk) == 2 && !xlsx_sheet(bk, 0)->hidden && xlsx_sheet(bk, 1)->hidden,
          "n=%zu", xlsx_sheet_count(bk));
    CHECK_STR("sheet name", xlsx_sheet(bk, 0)->name, "问题清单");
    CHECK_STR("absolute relationship target", xlsx_sheet(bk, 1)->part, "xl/worksheets/sheet2.xml");
    CHECK("find sheet by name", xlsx_find_sheet(bk, " 问题清单 ") == 0 && xlsx_find_sheet(bk, "nope") == -1, "-");
    CHECK("date1904 read", xlsx_date1904(bk) == 1, "-");
    grid *g = xlsx_load_sheet(bk, 0, &e);
    CHECK("sheet loads", g != NULL, "%s", e.msg);
    if (g) {
        CHECK_STR("shared string", grid_text(g, 0, 0), "区");
        CHECK_STR("rich text runs joined, phonetic run dropped", grid_text(g, 0, 1), "问题描述 ");
        CHECK_STR("entity in shared string", grid_text(g, 1, 0), "东湖区 & 西山区");
        CHECK_STR("inline string with runs", grid_text(g, 1, 1), "北门无人");
        const grid_cell *c = grid_get(g, 1, 2);
        CHECK("number cell", c && c->kind == GRID_NUMBER && !strcmp(c->text, "45983"), "-");
        c = grid_get(g, 1, 3);
        CHECK("boolean cell", c && c->kind == GRID_BOOL && !strcmp(c->text, "TRUE"), "-");
        c = grid_get(g, 1, 4);
        CHECK("formula string result cached", c && c->formula && c->kind == GRID_TEXT && !strcmp(c->text, "拼接"), "-");
        c = grid_get(g, 1, 5);
        CHECK("formula without cached value kept as empty+formula", c && c->formula && c->kind == GRID_EMPTY &&
              grid_text(g, 1, 5) == NULL, "-");
        c = grid_get(g, 1, 6);
        CHECK("error cell", c && c->kind == GRID_ERROR && !strcmp(c->text, "#DIV/0!"), "-");
        c = grid_get(g, 1, 7);
        CHECK("ISO date cell", c && c->kind == GRID_DATE && !strcmp(c->text, "2026-11-22T17:00:00"), "-");
        CHECK("styled empty cell is no cell", grid_get(g, 1, 8) == NULL, "-");
        CHECK_STR("row and cells without r=", grid_text(g, 2, 1), "2");
        CHECK_STR("cell after an explicit r= continues", grid_text(g, 2, 5), "6");
        CHECK("gap rows empty", grid_text(g, 3, 0) == NULL && grid_text(g, 7, 1) == NULL, "-");
        CHECK_STR("merge fills its range", grid_text(g, 8, 2), "区");
        CHECK("merged copy marked", grid_get(g, 8, 2) && grid_get(g, 8, 2)->merged && !grid_get(g, 8, 1)->merged, "-");
        CHECK("merge stops where the values stop", grid_get(g, 9, 1) == NULL, "-");
        CHECK("trailing formatted empty rows do not count", g->n_rows == 9, "n_rows=%zu", g->n_rows);
        grid_free(g);
    }
    xlsx_close(bk);
}

static void test_refusals(void) {
    err e = {0};
    /* not a zip */
    CHECK("text named .xlsx refused", !xlsx_open_memory("区,问题\n", 10, "a.xlsx", &e) && e.code == TB_EINPUT &&
          strstr(e.msg, "not a zip"), "%s", e.msg);
    /* old .xls: a compound file with a Workbook stream */
    unsigned char cfb[1024] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    const char *w = "Workbook";
    for (size_t i = 0; w[i]; i++) cfb[600 + 2 * i] = (unsigned char)w[i];
    memset(&e, 0, sizeof e);
    CHECK(".xls refused with the hint", !xlsx_open_memory(cfb, sizeof cfb, "old.xlsx", &e) && strstr(e.msg, ".xls") &&
          strstr(e.msg, "save it as .xlsx"), "%s", e.msg);
    const char *enc = "EncryptedPackage";
    for (size_t i = 0; enc[i]; i++) cfb[700 + 2 * i] = (unsigned char)enc[i];
    memset(&e, 0, sizeof e);
    CHECK("encrypted package refused", !xlsx_open_memory(cfb, sizeof cfb, "secret.xlsx", &e) && strstr(e.msg, "encrypted"),
          "%s", e.msg);
    /* a DTD with entities in a part */
    const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE workbook [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                       "<workbook><sheets><sheet name=\"&b;\" r:id=\"rId1\" xmlns:r=\"r\"/></sheets></workbook>";
    part parts[] = {{"[Content_Types].xml", CT}, {"_rels/.rels", RELS}, {"xl/workbook.xml", bomb}};
    const char *p = make_zip("dtd.xlsx", parts, 3);
    memset(&e, 0, sizeof e);
    CHECK("DOCTYPE in a part refused", p && !xlsx_open_file(p, &e) && strstr(e.msg, "DOCTYPE"), "%s", e.msg);
    /* no workbook part */
    part only[] = {{"hello.txt", "hi"}};
    p = make_zip("plain.zip", only, 1);
    memset(&e, 0, sizeof e);
    CHECK("zip without a workbook refused", p && !xlsx_open_file(p, &e) && strstr(e.msg, "no workbook"), "%s", e.msg);
    /* a cell past the row limit */
    char sheet[600];
    snprintf(sheet, sizeof sheet,
             "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
             "<row r=\"%u\"><c r=\"A%u\"><v>1</v></c></row></sheetData></worksheet>", GRID_MAX_ROWS + 1, GRID_MAX_ROWS + 1);
    const char *wb1 = "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
                      "<sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
    part big[] = {{"_rels/.rels", RELS}, {"xl/workbook.xml", wb1}, {"xl/_rels/workbook.xml.rels", WB_RELS},
                  {"xl/worksheets/sheet1.xml", sheet}};
    p = make_zip("rows.xlsx", big, 4);
    memset(&e, 0, sizeof e);
    xlsx_book *bk = p ? xlsx_open_file(p, &e) : NULL;
    grid *g = bk ? xlsx_load_sheet(bk, 0, &e) : NULL;
    CHECK("row limit refused naming the cell", bk && !g && strstr(e.msg, "S!A200001") && strstr(e.msg, "limit"), "%s", e.msg);
    grid_free(g);
    xlsx_close(bk);
    /* not well-formed */
    part broken[] = {{"_rels/.rels", RELS}, {"xl/workbook.xml", "<workbook><sheets>"}};
    p = make_zip("broken.xlsx", broken, 2);
    memset(&e, 0, sizeof e);
    CHECK("broken XML refused", p && !xlsx_open_file(p, &e) && strstr(e.msg, "not valid XML"), "%s", e.msg);
}

static void test_csv(void) {
    err e = {0};
    const char *u = "\xEF\xBB\xBF区,问题描述,备注\r\n东湖区,\"北门无人值守,\"\"进出\"\"\n未测温\",'=1+1\r\n\r\n,,\r\n西山区,夜间无人\r\n";
    grid *g = csv_read_memory(u, strlen(u), "x/清单.csv", NULL, &e);
    CHECK("utf-8 csv with BOM", g != NULL, "%s", e.msg);
    if (g) {
        CHECK_STR("BOM dropped from the first cell", grid_text(g, 0, 0), "区");
        CHECK_STR("quoted comma, doubled quote, line break", grid_text(g, 1, 1), "北门无人值守,\"进出\"\n未测温");
        CHECK_STR("neutralised formula read back", grid_text(g, 1, 2), "=1+1");
        CHECK("blank lines are empty rows", grid_text(g, 2, 0) == NULL && grid_text(g, 3, 1) == NULL, "-");
        CHECK_STR("record number is the row", grid_text(g, 4, 0), "西山区");
        CHECK_STR("grid named after the file", g->name, "清单.csv");
        grid_free(g);
    }
    /* GB18030 bytes of 区,问题 / 东湖区,北门 */
    const char gb[] = "\xc7\xf8,\xce\xca\xcc\xe2\n\xb6\xab\xba\xfe\xc7\xf8,\xb1\xb1\xc3\xc5\n";
    g = csv_read_memory(gb, sizeof gb - 1, "gb.csv", NULL, &e);
    CHECK("GB18030 detected", g && grid_text(g, 1, 0) && !strcmp(grid_text(g, 1, 0), "东湖区"), "%s", e.msg);
    grid_free(g);
    memset(&e, 0, sizeof e);
    g = csv_read_memory(gb, sizeof gb - 1, "gb.csv", "utf-8", &e);
    CHECK("--encoding utf-8 on GB bytes refused with a hint", !g && e.code == TB_EINPUT && strstr(e.msg, "gb18030"), "%s", e.msg);
    grid_free(g);
    memset(&e, 0, sizeof e);
    g = csv_read_memory(gb, sizeof gb - 1, "gb.csv", "klingon", &e);
    CHECK("unknown encoding named", !g && strstr(e.msg, "klingon"), "%s", e.msg);
    const char *tabs = "区\t问题\n东湖区\t有, 逗号\n";
    memset(&e, 0, sizeof e);
    g = csv_read_memory(tabs, strlen(tabs), "t.csv", NULL, &e);
    CHECK("tab-separated detected", g && grid_text(g, 1, 1) && !strcmp(grid_text(g, 1, 1), "有, 逗号"), "%s", e.msg);
    grid_free(g);
    const char *open = "区,问题\n东湖区,\"没有结束\n西山区,x\n";
    memset(&e, 0, sizeof e);
    g = csv_read_memory(open, strlen(open), "o.csv", NULL, &e);
    CHECK("unclosed quote names its line", !g && e.line == 2 && strstr(e.msg, "never closes"), "line %d %s", e.line, e.msg);
    /* UTF-16LE with BOM: "区\n" */
    const char u16[] = "\xff\xfe\x3a\x53\x0a\x00";
    memset(&e, 0, sizeof e);
    g = csv_read_memory(u16, sizeof u16 - 1, "u16.csv", NULL, &e);
    CHECK("UTF-16 with BOM", g && grid_text(g, 0, 0) && !strcmp(grid_text(g, 0, 0), "区"), "%s", e.msg);
    grid_free(g);
}

static void test_refs(void) {
    char r[24];
    grid_ref(6, 10, r);
    CHECK_STR("ref K7", r, "K7");
    grid_ref(0, 16383, r);
    CHECK_STR("ref XFD1", r, "XFD1");
    uint32_t row, col;
    CHECK("parse $AA$10", grid_parse_ref("$AA$10", 6, &row, &col) == 0 && row == 9 && col == 26, "-");
    CHECK("bad refs refused", grid_parse_ref("A0", 2, &row, &col) < 0 && grid_parse_ref("1A", 2, &row, &col) < 0 &&
          grid_parse_ref("XFE1", 4, &row, &col) < 0, "-");
}

/* The one rule for every cell tongbao writes (safecell.h): = + - @ tab CR
 * at the start could run as a formula in Excel or WPS. */
static void test_safecell(void) {
    const char *risky[] = {"=HYPERLINK(\"x\")", "+86 10 1234", "-1+1", "@SUM(A1)", "\t=1", "\r=1"};
    for (size_t i = 0; i < sizeof risky / sizeof *risky; i++) {
        char name[80];
        snprintf(name, sizeof name, "safecell: a value starting with 0x%02x is neutralised", (unsigned char)risky[i][0]);
        CHECK(name, safecell_risky(risky[i]) == 1, "not risky: %s", risky[i]);
    }
    CHECK("safecell: plain text, a date, an inner = left alone",
          !safecell_risky("东湖区") && !safecell_risky("2026-11-22") && !safecell_risky("a=b") && !safecell_risky("") &&
              !safecell_risky(NULL), "-");
    CHECK("safecell: the apostrophe tongbao added comes off, a clerk's own stays",
          safecell_unquote("'=1", 3) == 1 && safecell_unquote("'@x", 3) == 1 && safecell_unquote("'abc", 4) == 0 &&
              safecell_unquote("'", 1) == 0, "-");
}

int main(void) {
    if (!mkdtemp(dir)) return 2;
    test_refs();
    test_cells();
    test_refusals();
    test_csv();
    test_safecell();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 2;
    return TESTS_DONE();
}
