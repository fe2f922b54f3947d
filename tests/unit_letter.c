/* unit_letter.c — compose_letter (issue 16): how a letter of tongbao
 * escalate reads from its levels and wording keys: groups by level, the
 * highest first, levels past the last sharing its wording, numbering
 * across groups, the place without the district, {missed} only after a
 * letter, {you} for districts and units; and what compose_letter_check
 * names when a template lacks letter parts. */
#include <stdio.h>
#include <string.h>

#include "compose.h"
#include "testlib.h"

static const char *const words[][2] = {
    {"letter-title", "关于{district}逾期未整改问题的{level-title}"},
    {"letter-to", "{district}"},
    {"letter-item", "{n}．{id}（{issue}通报）：{place}{problem}，整改时限{deadline}[，督办整改时限{missed}]。"},
    {"letter-demand", "请{you}于{new-deadline}前整改到位，并将整改情况[书面报送{report-to}|书面上报]。"},
    {"letter-number", "{prefix}函〔{year}〕{n}号"},
    {"letter-you", "你区"},
    {"letter-you-unit", "你单位"},
};

static const char *word(void *ctx, const char *key) {
    int drop = ctx ? *(int *)ctx : -1;   /* a key to leave out */
    for (int i = 0; i < (int)(sizeof words / sizeof words[0]); i++)
        if (i != drop && !strcmp(words[i][0], key)) return words[i][1];
    return NULL;
}

static const compose_level levels[] = {
    {"督办", "督办通知书", "{you}以下{count}个问题已超过整改时限。现予以督办：", "逾期将予以提醒。"},
    {"提醒", "督办提醒书", "{you}以下{count}个问题经督办后仍未整改。现予以提醒：", NULL},
    {"告诫", "督办告诫书", "{you}以下{count}个问题经督办、提醒后仍未整改。现予以告诫：", "逾期将启动问责。"},
};

static const char *text_of(doc_document *d, buf *b) {
    buf_reset(b);
    doc_write_text(d, b);
    return buf_cstr(b);
}

int main(void) {
    int none = -1;
    compose_opts o = {0};
    o.word = word;
    o.word_ctx = &none;
    model_letter_item items[] = {
        {"QX2026-001-003", 2026, 1, "河西区", "西门街道", "柳营社区", "柳营新村", NULL, "卡点夜间无人值守。",
         "2026-03-03T17:00", "2026-03-09", 2, "提醒"},
        {"QX2026-002-002", 2026, 2, "河西区", "西门街道", "柳营社区", "柳营新村", NULL, "卡点仍无人值守",
         "2026-03-05T17:00", "2026-03-05T17:00", 1, "督办"},
        {"QX2025-030-001", 2025, 30, "河西区", "北街街道", NULL, "北街广场", NULL, "人员聚集；",
         "2025-12-30", "2026-03-13", 5, "告诫"},
    };
    model_letter l = {NULL, "青溪市疫情防控督查通报", "河西区", "2026-03-16", 2026, 9, "青防督函〔2026〕9号",
                      "青溪市疫情防控指挥部督导组", "市疫情防控指挥部督导组", "2026-03-19", items, 3};
    err e = {0};
    buf t;
    buf_init(&t);
    doc_document *d = compose_letter(&l, levels, 3, &o, &e);
    CHECK("a letter composes", d != NULL, "%s", e.msg);
    if (d) {
        const char *s = text_of(d, &t);
        CHECK_STR("the letter's text", s,
                  "关于河西区逾期未整改问题的督办告诫书\n"
                  "河西区：\n"
                  "你区以下1个问题经督办、提醒后仍未整改。现予以告诫：\n"
                  "1．QX2025-030-001（2025年第30期通报）：北街街道北街广场人员聚集，整改时限2025年12月30日，"
                  "督办整改时限3月13日。\n"
                  "你区以下1个问题经督办后仍未整改。现予以提醒：\n"
                  "2．QX2026-001-003（第1期通报）：西门街道柳营社区柳营新村卡点夜间无人值守，整改时限3月3日17：00，"
                  "督办整改时限3月9日。\n"
                  "你区以下1个问题已超过整改时限。现予以督办：\n"
                  "3．QX2026-002-002（第2期通报）：西门街道柳营社区柳营新村卡点仍无人值守，整改时限3月5日17：00。\n"
                  "请你区于3月19日前整改到位，并将整改情况书面报送市疫情防控指挥部督导组。\n"
                  "逾期将启动问责。\n"
                  "青溪市疫情防控指挥部督导组\n"
                  "2026年3月16日\n");
        CHECK_STR("field doc-number", doc_field_get(d, "doc-number"), "青防督函〔2026〕9号");
        CHECK_STR("field mark (the issuer)", doc_field_get(d, "mark"), "青溪市疫情防控指挥部督导组");
        CHECK("no cc without letter-cc", doc_field_get(d, "cc") == NULL, "%s", doc_field_get(d, "cc"));
        doc_free(d);
    }
    /* a unit's letter: 你单位, the place is the site */
    model_letter_item u[] = {{"QX2026-001-004", 2026, 1, NULL, NULL, NULL, "家属院", "市卫生健康委", "未设值守岗",
                              "2026-03-03T17:00", "2026-03-03T17:00", 1, "督办"}};
    model_letter lu = {NULL, "青溪市疫情防控督查通报", "市卫生健康委", "2026-03-04", 2026, 3, "青防督函〔2026〕3号",
                       "青溪市疫情防控指挥部督导组", NULL, "2026-03-09", u, 1};
    memset(&e, 0, sizeof e);
    d = compose_letter(&lu, levels, 3, &o, &e);
    if (d) {
        const char *s = text_of(d, &t);
        CHECK("a unit is 你单位", strstr(s, "你单位以下1个问题") != NULL, "%s", s);
        CHECK("a unit's place is its site", strstr(s, "：家属院未设值守岗，") != NULL, "%s", s);
        CHECK("without report-to: 书面上报", strstr(s, "整改情况书面上报。") != NULL, "%s", s);
        CHECK("the first level's warning", strstr(s, "逾期将予以提醒。") != NULL, "%s", s);
        doc_free(d);
    } else CHECK("a unit's letter composes", 0, "%s", e.msg);

    /* what a template lacks */
    int drop = 2;   /* letter-item */
    o.word_ctx = &drop;
    compose_level bad[] = {{"督办", NULL, NULL, NULL}};
    buf m;
    buf_init(&m);
    int n = compose_letter_check(bad, 1, &o, &m);
    CHECK("compose_letter_check counts what is missing", n == 3, "%d: %s", n, buf_cstr(&m));
    CHECK_STR("compose_letter_check names it", buf_cstr(&m),
              "<wording> key letter-item, title= of level 督办, lead= of level 督办");
    memset(&e, 0, sizeof e);
    d = compose_letter(&l, bad, 1, &o, &e);
    CHECK("compose_letter refuses a template without letter parts (TB_ETEMPLATE)", !d && e.code == TB_ETEMPLATE,
          "code %d: %s", e.code, e.msg);
    doc_free(d);
    o.word_ctx = &none;
    arena *a = arena_new();
    CHECK_STR("compose_letter_number", compose_letter_number(&o, "青防督", 2026, 12, a), "青防督函〔2026〕12号");
    arena_free(a);
    buf_free(&m);
    buf_free(&t);
    return TESTS_DONE();
}
