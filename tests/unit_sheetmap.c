/* unit_sheetmap.c — header matching (sheetmap.c, sheetinfo.c) and cell
 * values (cellval.c): every column spelling the README documents, the
 * markers clerks add, and every date shape offices type. */
#include <string.h>

#include "cellval.h"
#include "grid.h"
#include "sheetinfo.h"
#include "sheetmap.h"
#include "testlib.h"

static void columns(void) {
    static const struct {
        const char *h;
        int f;
    } t[] = {
        {"区", SMAP_DISTRICT}, {"县（市、区）", SMAP_DISTRICT}, {"县(市、区)", SMAP_DISTRICT}, {" 区 县 ", SMAP_DISTRICT},
        {"街道", SMAP_STREET}, {"乡镇", SMAP_STREET}, {"街道（乡镇）", SMAP_STREET},
        {"社区", SMAP_COMMUNITY}, {"村", SMAP_COMMUNITY}, {"社区（村）", SMAP_COMMUNITY},
        {"点位", SMAP_SITE}, {"地点", SMAP_SITE}, {"小区", SMAP_SITE},
        {"单位", SMAP_UNIT}, {"单位\n（市直）", SMAP_UNIT},
        {"问题类别", SMAP_CATEGORY}, {"类别", SMAP_CATEGORY}, {"*问题类别", SMAP_CATEGORY},
        {"问题描述", SMAP_TEXT}, {"存在问题", SMAP_TEXT}, {"问题描述（必填）", SMAP_TEXT}, {"问题描述(请写明具体表现)", SMAP_TEXT},
        {"问题描述：", SMAP_TEXT}, {"问　题　描　述", SMAP_TEXT},
        {"整改时限", SMAP_DEADLINE}, {"责任单位", SMAP_RESPONSIBLE}, {"备注", SMAP_NOTE}, {"序号", SMAP_SEQ},
        {"编号", SMAP_ID}, {"完成时间", SMAP_DONE_DATE}, {"整改情况", SMAP_PROGRESS}, {"状态", SMAP_STATUS},
        {"照片", SMAP_NONE}, {"", SMAP_NONE}, {"问题描述及照片", SMAP_NONE},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char name[120];
        snprintf(name, sizeof name, "column \"%s\"", t[i].h);
        for (char *p = name; *p; p++)
            if (*p == '\n') *p = ' ';
        int got = smap_column(t[i].h);
        CHECK(name, got == t[i].f, "got %d (%s), want %d (%s)", got, smap_field_name(got), t[i].f, smap_field_name(t[i].f));
    }
    static const struct {
        const char *k;
        int key;
    } k[] = {{"标题", SI_TITLE}, {"标题：", SI_TITLE}, {"成文日期", SI_DATE}, {"要求1", SI_REQ}, {"要求 2", SI_REQ},
             {"系列", SI_SERIES}, {"发文字号", SI_DOCNO}, {"督查时段", SI_PERIOD}, {"报送单位", SI_REPORTTO},
             {"抄送", SI_CC}, {"发文机管", SI_N}};
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        char name[120];
        snprintf(name, sizeof name, "通报信息 key \"%s\"", k[i].k);
        CHECK(name, sinfo_key(k[i].k) == k[i].key, "got %d", sinfo_key(k[i].k));
    }
}

static void header_row(void) {
    err e = {0};
    grid *g = grid_new("问题清单");
    /* title row, then the header on row 3 */
    grid_set(g, 0, 0, GRID_TEXT, 0, "督查问题清单", strlen("督查问题清单"), NULL, &e);
    const char *h[] = {"序号", "区", "街道", "问题类别", "问题描述"};
    for (uint32_t c = 0; c < 5; c++) grid_set(g, 2, c, GRID_TEXT, 0, h[c], strlen(h[c]), NULL, &e);
    uint32_t cols[SMAP_N_FIELDS];
    long r = smap_header_row(g, SMAP_TEXT, 2, cols);
    CHECK("header row found under a title row", r == 2 && cols[SMAP_TEXT] == 4 && cols[SMAP_DISTRICT] == 1 &&
          cols[SMAP_SITE] == UINT32_MAX, "row %ld", r);
    CHECK("no header when the needed column is missing", smap_header_row(g, SMAP_DONE_DATE, 1, cols) == -1, "-");
    grid_free(g);
}

static void cell(const char *name, grid_kind kind, const char *text, int y, int with_time, const char *want) {
    grid_cell c = {0, (uint8_t)kind, 0, 0, text};
    char out[20];
    const char *why = NULL;
    int rc = cellval_date(&c, 0, y, with_time, out, &why);
    if (want) CHECK_STR(name, rc == 0 ? out : why, want);
    else CHECK(name, rc < 0, "accepted as %s", out);
}

static void dates(void) {
    cell("serial 46348", GRID_NUMBER, "46348", 0, 0, "2026-11-22");
    cell("serial with time", GRID_NUMBER, "46348.7083333333", 0, 1, "2026-11-22T17:00");
    cell("serial 59 is 1900-02-28", GRID_NUMBER, "59", 0, 0, "1900-02-28");
    cell("serial 61 is 1900-03-01", GRID_NUMBER, "61", 0, 0, "1900-03-01");
    cell("serial 60 refused", GRID_NUMBER, "60", 0, 0, NULL);
    cell("serial 1 is 1900-01-01", GRID_NUMBER, "1", 0, 0, "1900-01-01");
    cell("number 20261122", GRID_NUMBER, "20261122", 0, 0, "2026-11-22");
    cell("serial as text", GRID_TEXT, "46348", 0, 0, "2026-11-22");
    cell("ISO", GRID_TEXT, "2026-11-22", 0, 0, "2026-11-22");
    cell("slashes", GRID_TEXT, "2026/11/22", 0, 0, "2026-11-22");
    cell("dots", GRID_TEXT, "2026.11.22", 0, 0, "2026-11-22");
    cell("single digits", GRID_TEXT, "2026-1-2", 0, 0, "2026-01-02");
    cell("Chinese", GRID_TEXT, "2026年11月22日", 0, 0, "2026-11-22");
    cell("full-width digits", GRID_TEXT, "２０２６年１１月２２日", 0, 0, "2026-11-22");
    cell("month-day with the bulletin's year", GRID_TEXT, "11月22日", 2026, 0, "2026-11-22");
    cell("month-day without a year refused", GRID_TEXT, "11月22日", 0, 0, NULL);
    cell("date-time", GRID_TEXT, "2026-11-22 17:00", 0, 1, "2026-11-22T17:00");
    cell("date-time with seconds", GRID_TEXT, "2026-11-22 17:00:00", 0, 1, "2026-11-22T17:00");
    cell("full-width colon", GRID_TEXT, "11月22日17：00", 2026, 1, "2026-11-22T17:00");
    cell("17时前", GRID_TEXT, "11月22日17时前", 2026, 1, "2026-11-22T17:00");
    cell("17时30分", GRID_TEXT, "2026年11月22日17时30分", 0, 1, "2026-11-22T17:30");
    cell("midnight is the day", GRID_TEXT, "2026-11-22 00:00", 0, 1, "2026-11-22");
    cell("ISO date cell", GRID_DATE, "2026-11-22T17:00:00", 0, 1, "2026-11-22T17:00");
    cell("13th month refused", GRID_TEXT, "2026-13-01", 0, 0, NULL);
    cell("31 November refused", GRID_TEXT, "2026-11-31", 0, 0, NULL);
    cell("29 Feb of a common year refused", GRID_TEXT, "2027-02-29", 0, 0, NULL);
    cell("29 Feb of a leap year", GRID_TEXT, "2028-02-29", 0, 0, "2028-02-29");
    cell("time where a date is wanted refused", GRID_TEXT, "2026-11-22 17:00", 0, 0, NULL);
    cell("words after a date refused", GRID_TEXT, "2026-11-22 左右", 0, 0, NULL);
    cell("25:00 refused", GRID_TEXT, "2026-11-22 25:00", 0, 1, NULL);
    cell("text refused", GRID_TEXT, "尽快", 0, 0, NULL);
    grid_cell c1904 = {0, GRID_NUMBER, 0, 0, "44886"};
    char out[20];
    const char *why;
    CHECK("1904 system", cellval_date(&c1904, 1, 0, 0, out, &why) == 0 && !strcmp(out, "2026-11-22"), "%s", out);
}

static void texts(void) {
    char out[64];
    grid_cell n1 = {0, GRID_NUMBER, 0, 0, "7"}, n2 = {0, GRID_NUMBER, 0, 0, "3.0000000000000004"},
              n3 = {0, GRID_NUMBER, 0, 0, "0.1"}, t = {0, GRID_TEXT, 0, 0, " \xE3\x80\x80东湖区 \n"};
    CHECK_STR("integer without a point", cellval_text(&n1, out, sizeof out), "7");
    CHECK_STR("float noise kept when it is the value", cellval_text(&n2, out, sizeof out), "3.0000000000000004");
    CHECK_STR("0.1 stays 0.1", cellval_text(&n3, out, sizeof out), "0.1");
    CHECK_STR("trimmed, ideographic space too", cellval_text(&t, out, sizeof out), "东湖区");
}

int main(void) {
    columns();
    header_row();
    dates();
    texts();
    return TESTS_DONE();
}
