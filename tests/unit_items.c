/* unit_items.c — items (issue 11): the 简报 and news styles, columns,
 * punctuation joins, <stats/> with and without history, district extracts,
 * wording keys, and the document's structure (runs, styles, parts).
 *
 * Table-driven: each case is the <items> of a bulletin (wrapped in a
 * header by wrap()), the template wording it is composed with, a district
 * for an extract, the history figures as the archived context text (what
 * `tongbao issue` keeps and regen reads back), and the exact text wanted —
 * or the start of the error wanted.  docs/format.md section 11 holds the
 * rules in prose with examples (tests/unit_spec.c runs those); this file
 * pins the corners. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "history.h"
#include "parse.h"
#include "testlib.h"

/* The history figures of a series in its third issue, with a quoted
 * 督查通报 series: bulletins 3, cases 4 in 2 bulletins, 10 people. */
static const char HIST[] =
    "tongbao-history\t2\ntoday\t2020-02-17\nearlier\t2\nbulletins\t3\ninspections\t0\nfindings\t0\n"
    "done\t0\nopen\t0\noverdue-total\t0\nrepeats\t0\ncase-bulletins\t0\ncases\t0\npeople\t0\norgs\t0\n"
    "quote\t督查通报\nearlier\t3\nbulletins\t3\ninspections\t2\nfindings\t13\ndone\t4\nopen\t3\n"
    "overdue-total\t6\nrepeats\t5\ncase-bulletins\t2\ncases\t4\npeople\t10\norgs\t1\n"
    "scope\t街道\t个\t9\t2\nrank\t乡科级领导干部\t2\nrank\t村（社区）干部\t8\nkind\t诫勉\t3\nkind\t通报批评\t1\n"
    "quote\t空通报\nearlier\t1\nbulletins\t1\nend\n";
/* The first issue of a series: nothing earlier to add up. */
static const char FIRST[] =
    "tongbao-history\t1\ntoday\t2020-02-10\nearlier\t0\nbulletins\t1\nend\n";

typedef struct {
    const char *name;
    const char *items;      /* the content of <items> */
    const char *words;      /* "key=value\n…" the template's wording; NULL = none */
    const char *district;   /* an extract; NULL = the whole bulletin */
    const char *history;    /* archived context; NULL = a draft */
    const char *want;       /* the text, one paragraph a line */
    const char *error;      /* or: the error message starts with this */
} icase;

static const icase CASES[] = {
    {"jianbao: run-in headline, points as paragraphs, source closes the last paragraph",
     "<item source=\"甲街道\"><headline>甲街道筑牢防线</headline><lead>甲街道迅速行动。</lead>"
     "<point title=\"建机制\">成立指挥部。</point><point title=\"细排查\">全面摸排。</point>"
     "<point title=\"强保障\">保障供应。</point></item>",
     NULL, NULL, NULL,
     "甲街道筑牢防线　甲街道迅速行动。一是建机制。成立指挥部。\n二是细排查。全面摸排。\n三是强保障。保障供应。（甲街道）\n", NULL},
    {"jianbao: points run in",
     "<item source=\"乙镇\" points=\"run-in\"><headline>乙镇出实招</headline><lead>乙镇全员上阵。</lead>"
     "<point title=\"建机制\">成立小组。</point><point title=\"细走访\">逐户走访。</point></item>",
     NULL, NULL, NULL, "乙镇出实招　乙镇全员上阵。一是建机制。成立小组。二是细走访。逐户走访。（乙镇）\n", NULL},
    {"jianbao: template default points=run-in (item-points)",
     "<item><headline>丙</headline><lead>导语。</lead><point title=\"甲\">一。</point><point title=\"乙\">二。</point></item>",
     "item-points=run-in\n", NULL, NULL, "丙　导语。一是甲。一。二是乙。二。\n", NULL},
    {"jianbao: the item's points= beats the template's",
     "<item points=\"paragraphs\"><headline>丙</headline><lead>导语。</lead><point title=\"甲\">一。</point>"
     "<point title=\"乙\">二。</point></item>",
     "item-points=run-in\n", NULL, NULL, "丙　导语。一是甲。一。\n二是乙。二。\n", NULL},
    {"jianbao: no lead, the first point follows the headline",
     "<item><headline>丁社区</headline><point title=\"守卡点\">值守到位。</point><point title=\"送物资\">送菜上门。</point></item>",
     NULL, NULL, NULL, "丁社区　一是守卡点。值守到位。\n二是送物资。送菜上门。\n", NULL},
    {"jianbao: paragraphs only, the first runs after the headline",
     "<item source=\"戊局\"><headline>戊局下沉一线</headline><p>第一段。</p><p>第二段。</p></item>",
     NULL, NULL, NULL, "戊局下沉一线　第一段。\n第二段。（戊局）\n", NULL},
    {"jianbao: punctuation joins as for findings",
     "<item source=\"己\"><headline>标题？</headline><lead>导语，</lead>"
     "<point title=\"有没有落实？\">没有；</point><point title=\"落实了。\">“已落实。”</point>"
     "<point title=\"再落实，\">正在落实……</point><point title=\"还要\">落实</point></item>",
     NULL, NULL, NULL,
     "标题？　导语。一是有没有落实？没有。\n二是落实了。“已落实。”\n三是再落实。正在落实……\n四是还要。落实。（己）\n", NULL},
    {"jianbao: a lead ending with ： introduces the points",
     "<item points=\"run-in\"><headline>庚</headline><lead>主要做法如下：</lead><point title=\"甲\">一。</point></item>",
     NULL, NULL, NULL, "庚　主要做法如下：一是甲。一。\n", NULL},
    {"jianbao: numbering per item, eleven points",
     "<item points=\"run-in\"><headline>辛</headline><point title=\"a\">1</point><point title=\"b\">2</point>"
     "<point title=\"c\">3</point><point title=\"d\">4</point><point title=\"e\">5</point><point title=\"f\">6</point>"
     "<point title=\"g\">7</point><point title=\"h\">8</point><point title=\"i\">9</point><point title=\"j\">10</point>"
     "<point title=\"k\">11</point></item><item points=\"run-in\"><headline>壬</headline><point title=\"l\">12</point></item>",
     NULL, NULL, NULL,
     "辛　一是a。1。二是b。2。三是c。3。四是d。4。五是e。5。六是f。6。七是g。7。八是h。8。九是i。9。十是j。10。十一是k。11。\n"
     "壬　一是l。12。\n", NULL},
    {"jianbao: wording keys item-point-lead and item-source",
     "<item source=\"癸\"><headline>癸</headline><point title=\"甲\">一。</point></item>",
     "item-point-lead=第{n}，\nitem-source=【{source}】\n", NULL, NULL, "癸　第一，甲。一。【癸】\n", NULL},
    {"jianbao: a byline on its own line",
     "<item source=\"甲\" byline=\"通讯员 张某\"><headline>甲</headline><lead>导语。</lead></item>",
     NULL, NULL, NULL, "甲　导语。（甲）\n通讯员 张某\n", NULL},
    {"news: 本报讯, headline on its own line, byline after, source not printed",
     "<item style=\"news\" source=\"甲街道\" byline=\"记者 冉红政 通讯员 黄帅\"><headline>甲街道 既督又战</headline>"
     "<lead>近日，甲街道开展监督检查。</lead><p>下一步，继续督查。</p></item>",
     NULL, NULL, NULL, "甲街道 既督又战\n本报讯　近日，甲街道开展监督检查。\n下一步，继续督查。\n记者 冉红政 通讯员 黄帅\n", NULL},
    {"news: 本报讯（reporter）",
     "<item style=\"news\" reporter=\"李婷\"><headline>商州织密监督网</headline><lead>“要指派专人。”</lead></item>",
     NULL, NULL, NULL, "商州织密监督网\n本报讯（李婷）“要指派专人。”\n", NULL},
    {"news: a signed article: author under the headline, no 本报讯",
     "<item style=\"news\" author=\"张宏\" reporter=\"不用\"><headline>沙河子镇排查不漏一人</headline><p>街道封闭。</p></item>",
     NULL, NULL, NULL, "沙河子镇排查不漏一人\n张宏\n街道封闭。\n", NULL},
    {"news: the template's default (item-style) and its dateline (news-dateline)",
     "<item reporter=\"记者甲\"><headline>新闻</headline><lead>导语。</lead></item>"
     "<item style=\"jianbao\" source=\"乙\"><headline>简讯</headline><lead>导语。</lead></item>",
     "item-style=news\nnews-dateline=[本报{reporter}讯|本报讯：]\n", NULL, NULL,
     "新闻\n本报记者甲讯导语。\n简讯　导语。（乙）\n", NULL},
    {"news: points after 本报讯, numbered as in the 简报 style",
     "<item style=\"news\"><headline>新闻</headline><point title=\"甲\">一。</point><point title=\"乙\">二。</point></item>",
     NULL, NULL, NULL, "新闻\n本报讯　一是甲。一。\n二是乙。二。\n", NULL},
    {"columns: each heads the items after it",
     "<column>栏目一</column><item><headline>甲</headline><lead>一。</lead></item>"
     "<item><headline>乙</headline><lead>二。</lead></item><column>栏目二</column>"
     "<item><headline>丙</headline><lead>三。</lead></item>",
     NULL, NULL, NULL, "栏目一\n甲　一。\n乙　二。\n栏目二\n丙　三。\n", NULL},
    {"extract: only the district's items (district= before source=) and their columns",
     "<column>栏目一</column><item source=\"东湖区\"><headline>甲</headline><lead>一。</lead></item>"
     "<item source=\"青山街道\" district=\"东湖区\"><headline>乙</headline><lead>二。</lead></item>"
     "<column>栏目二</column><item source=\"西山区\"><headline>丙</headline><lead>三。</lead></item>"
     "<item source=\"东湖区\" district=\"西山区\"><headline>丁</headline><lead>四。</lead></item>",
     NULL, "东湖区", NULL, "栏目一\n甲　一。（东湖区）\n乙　二。（青山街道）\n", NULL},
    {"extract: a column over none of the district's items is left out",
     "<column>栏目一</column><item source=\"东湖区\"><headline>甲</headline><lead>一。</lead></item>"
     "<column>栏目二</column><item source=\"西山区\"><headline>丙</headline><lead>三。</lead></item>",
     NULL, "西山区", NULL, "栏目二\n丙　三。（西山区）\n", NULL},
    {"extract: a district with no items is refused, naming those there are",
     "<item source=\"东湖区\"><headline>甲</headline><lead>一。</lead></item>"
     "<item source=\"青山街道\" district=\"西山区\"><headline>乙</headline><lead>二。</lead></item>",
     NULL, "南江区", NULL, NULL, "test.xml: no findings or items for district \"南江区\" in this bulletin; districts with some: 东湖区、西山区"},
    {"stats: a draft shows where the figures will go",
     "<item><headline>甲</headline><lead>截至目前，<stats/>。</lead><p>另，<stats series=\"督查通报\" part=\"bulletins\"/>。</p></item>",
     NULL, NULL, NULL, "甲　截至目前，〔上街信息累计统计，签发时生成〕。\n另，〔督查通报累计统计，签发时生成〕。\n", NULL},
    {"stats: the own series' figures (印发简报3期)",
     "<item><headline>甲</headline><lead>截至目前，<stats/>。</lead></item>",
     NULL, NULL, HIST, "甲　截至目前，印发简报3期。\n", NULL},
    {"stats: a quoted series, whole and by part",
     "<item><headline>甲</headline><lead>截至目前，<stats series=\"督查通报\"/>。</lead>"
     "<point title=\"一\"><stats series=\"督查通报\" part=\"findings\"/>。</point>"
     "<point title=\"二\"><stats series=\"督查通报\" part=\"bulletins\"/>，增强了权威性。</point>"
     "<point title=\"三\"><stats series=\"督查通报\" part=\"accountability\"/>。</point></item>",
     NULL, NULL, HIST,
     "甲　截至目前，共开展督查2轮，累计涉及街道9个（次），发现问题13个（含重复通报5个），已整改4个，逾期未整改6个；"
     "印发督查通报3期，典型案例通报2期4起10人；问责党组织1个、党员干部10人，其中乡科级领导干部2人、村（社区）干部8人，"
     "诫勉3人、通报批评1人。一是一。共开展督查2轮，累计涉及街道9个（次），发现问题13个（含重复通报5个），已整改4个，逾期未整改6个。\n"
     "二是二。印发督查通报3期，典型案例通报2期4起10人，增强了权威性。\n"
     "三是三。问责党组织1个、党员干部10人，其中乡科级领导干部2人、村（社区）干部8人，诫勉3人、通报批评1人。\n", NULL},
    {"stats: quoted-bulletin-name names the quoted series' bulletins",
     "<item><headline>甲</headline><lead><stats series=\"督查通报\" part=\"bulletins\"/>。</lead></item>",
     "quoted-bulletin-name=通报\n", NULL, HIST, "甲　印发通报3期，典型案例通报2期4起10人。\n", NULL},
    {"stats: the marks of items left out of an extract still count",
     "<item source=\"东湖区\"><headline>甲</headline><lead><stats/>。</lead></item>"
     "<item source=\"西山区\"><headline>乙</headline><lead><stats series=\"督查通报\" part=\"bulletins\"/>。</lead></item>",
     NULL, "西山区", HIST, "乙　印发督查通报3期，典型案例通报2期4起10人。（西山区）\n", NULL},
    {"stats: line breaks around <stats/> vanish like any in Chinese text",
     "<item><headline>甲</headline><lead>截至目前，\n        <stats/>\n        。</lead></item>",
     NULL, NULL, HIST, "甲　截至目前，印发简报3期。\n", NULL},
    {"stats: the own series in its first issue is refused at the <stats/>",
     "<item><headline>甲</headline>\n<lead>截至目前，<stats/>。</lead></item>",
     NULL, NULL, FIRST, NULL, "test.xml:11:12: <stats/> quotes the running totals of 上街信息, but this is the series' first issue"},
    {"stats: a part with no figures is refused",
     "<item><headline>甲</headline><lead><stats series=\"空通报\" part=\"accountability\"/>。</lead></item>",
     NULL, NULL, HIST, NULL, "test.xml:10:35: <stats part=\"accountability\"/> has nothing to say"},
    {"stats: figures the archive lacks are a verify error, not a guess",
     "<item><headline>甲</headline><lead><stats series=\"别的通报\"/>。</lead></item>",
     NULL, NULL, HIST, NULL, "test.xml:10:35: the history figures kept with this bulletin have nothing for the series \"别的通报\""},
};

/* A bulletin of series 上街信息 around the given <items> (line 10 is the
 * line <items> starts on). */
static char *wrap(const char *items) {
    buf b;
    buf_init(&b);
    buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<bulletin version=\"1\" id=\"t-1\" series=\"上街信息\" template=\"jianbao\">\n"
                   "  <header>\n"
                   "    <issuer>中共上街区委办公室</issuer>\n"
                   "    <date>2020-02-17</date>\n"
                   "  </header>\n"
                   "  <!-- 7 -->\n"
                   "  <!-- 8 -->\n"
                   "  <items>\n"
                   "%s</items>\n</bulletin>\n", items);
    const char *s = buf_cstr(&b);
    char *r = s ? strdup(s) : NULL;
    buf_free(&b);
    return r;
}

/* The wording of a case: "key=value" lines. */
typedef struct { const char *words; char val[512]; } wctx;

static const char *word(void *ctx, const char *key) {
    wctx *w = ctx;
    size_t kl = strlen(key);
    for (const char *p = w->words; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > kl && p[kl] == '=' && strncmp(p, key, kl) == 0) {
            snprintf(w->val, sizeof w->val, "%.*s", (int)(n - kl - 1), p + kl + 1);
            return w->val;
        }
        p += n + (nl ? 1 : 0);
    }
    return NULL;
}

static model_bulletin *load(const char *items, err *e) {
    char *xml = wrap(items);
    model_bulletin *b = xml ? parse_memory(xml, strlen(xml), "test.xml", e) : NULL;
    free(xml);
    return b;
}

static doc_document *compose_case(model_bulletin *b, const icase *c, wctx *w, err *e) {
    compose_opts o = {.kind = "jianbao", .district = c->district, .word = word, .word_ctx = w};
    return compose_bulletin(b, &o, e);
}

static void run_case(const icase *c) {
    err e = {0};
    wctx w = {c->words, ""};
    model_bulletin *b = load(c->items, &e);
    if (b && c->history && history_restore(b, c->history, &e) < 0) {
        model_free(b);
        b = NULL;
    }
    if (!b) {
        CHECK(c->name, 0, "not loaded: %s", e.msg);
        return;
    }
    doc_document *d = compose_case(b, c, &w, &e);
    if (c->error) {
        char msg[1200];
        err_format(&e, msg, sizeof msg);
        CHECK(c->name, !d && strncmp(msg, c->error, strlen(c->error)) == 0, "got %s", d ? "a document" : msg);
    } else if (!d) {
        char msg[1200];
        err_format(&e, msg, sizeof msg);
        CHECK(c->name, 0, "refused: %s", msg);
    } else {
        buf t;
        buf_init(&t);
        doc_write_text(d, &t);
        CHECK_STR(c->name, buf_cstr(&t), c->want);
        buf_free(&t);
    }
    doc_free(d);
    model_free(b);
}

/* ---- structure: runs, styles, parts, outlines ------------------------------ */

static const doc_block *find_block(const doc_document *d, const char *style, size_t from) {
    for (size_t i = from; i < d->n_blocks; i++)
        if (!strcmp(d->blocks[i].style, style)) return &d->blocks[i];
    return NULL;
}

static void test_structure(void) {
    err e = {0};
    wctx w = {NULL, ""};
    model_bulletin *b = load("<column>栏目</column><item source=\"甲\"><headline>甲街道</headline><lead>导语。</lead>"
                             "<point title=\"建机制\">成立。</point><point title=\"细排查\">摸排。</point></item>"
                             "<item style=\"news\" byline=\"记者 某\"><headline>新闻</headline><lead>导语。</lead></item>", &e);
    icase c = {0};
    doc_document *d = b ? compose_case(b, &c, &w, &e) : NULL;
    CHECK("structure: composed", d != NULL, "%s", e.msg);
    if (!d) {
        model_free(b);
        return;
    }
    int parts = 1;
    for (size_t i = 0; i < d->n_blocks; i++) parts &= !strcmp(doc_block_part(&d->blocks[i]), "items");
    CHECK("structure: every block is part \"items\" (for <order>)", parts && d->n_blocks == 6, "%zu blocks", d->n_blocks);
    const doc_block *col = find_block(d, "column", 0);
    CHECK("structure: column block, kept with the next, in the outline",
          col && col->keep_with_next && col->outline && !strcmp(col->outline, "栏目"), "column");
    const doc_block *p1 = &d->blocks[1];
    CHECK("structure: headline run styled item-headline, then the gap and lead unstyled",
          p1->n_runs >= 3 && !strcmp(p1->runs[0].text, "甲街道") && p1->runs[0].style &&
          !strcmp(p1->runs[0].style, "item-headline") && !p1->runs[1].style &&
          !strcmp(p1->runs[1].text, "\xE3\x80\x80导语。") && p1->outline && !strcmp(p1->outline, "甲街道"),
          "%zu runs", p1->n_runs);
    CHECK("structure: 一是…。 run styled item-point", p1->n_runs == 4 && p1->runs[2].style &&
          !strcmp(p1->runs[2].style, "item-point") && !strcmp(p1->runs[2].text, "一是建机制。") &&
          !strcmp(p1->runs[3].text, "成立。"), "runs");
    const doc_block *p2 = &d->blocks[2];
    CHECK("structure: the second point starts a body paragraph with its own bold run",
          !strcmp(p2->style, "body") && p2->n_runs == 2 && !strcmp(p2->runs[0].style, "item-point") &&
          !strcmp(p2->runs[1].text, "摸排。（甲）"), "p2");
    const doc_block *nh = find_block(d, "news-headline", 0);
    CHECK("structure: news headline block, kept with the next, in the outline",
          nh && nh->keep_with_next && nh->outline && !strcmp(nh->outline, "新闻"), "news-headline");
    const doc_block *by = find_block(d, "byline", 0);
    CHECK("structure: byline block", by && by->n_runs == 1 && !strcmp(by->runs[0].text, "记者 某"), "byline");
    CHECK("structure: a title-less 简报 names itself in the PDF metadata",
          d->meta_title && !strcmp(d->meta_title, "上街信息"), "%s", d->meta_title ? d->meta_title : "(none)");
    doc_free(d);
    model_free(b);
}

/* ---- items beside findings, the history paragraphs ------------------------ */

static void test_mixed(void) {
    static const char xml[] =
        "<bulletin version=\"1\" id=\"m-1\" series=\"江城简报\" template=\"jianbao\">\n"
        "  <header><title>工作简报</title><issuer>督导组</issuer><date>2026-11-21</date></header>\n"
        "  <findings><category title=\"卡点值守不到位\"><finding district=\"东湖区\" site=\"甲小区\">无人值守</finding>"
        "</category></findings>\n"
        "  <requirements><lead>各区要压实责任。</lead></requirements>\n"
        "  <items><column>工作动态</column><item source=\"东湖区\"><headline>东湖区立行立改</headline>"
        "<lead>已安排专人值守。</lead></item></items>\n"
        "  <distribution><send>市领导</send><deliver>各区</deliver></distribution>\n"
        "</bulletin>\n";
    err e = {0};
    model_bulletin *b = parse_memory(xml, strlen(xml), "m.xml", &e);
    compose_opts o = {.kind = "jianbao"};
    doc_document *d = b ? compose_bulletin(b, &o, &e) : NULL;
    buf t;
    buf_init(&t);
    if (d) doc_write_text(d, &t);
    CHECK_STR("mixed: items follow the findings and requirements in compose's order", d ? buf_cstr(&t) : e.msg,
              "工作简报\n现将督查中发现的问题通报如下：\n一是卡点值守不到位。东湖区甲小区无人值守。\n各区要压实责任。\n"
              "工作动态\n东湖区立行立改　已安排专人值守。（东湖区）\n");
    CHECK("mixed: <deliver> is the field deliver", d && doc_field_get(d, "deliver") &&
          !strcmp(doc_field_get(d, "deliver"), "各区") && !strcmp(doc_field_get(d, "send"), "市领导"), "fields");
    doc_free(d);
    /* the district extract of a bulletin with findings is a 整改通知 of them */
    o.kind = "zhenggai";
    o.district = "东湖区";
    d = b ? compose_bulletin(b, &o, &e) : NULL;
    buf_reset(&t);
    if (d) doc_write_text(d, &t);
    CHECK("mixed: a 整改通知 extract has no items", d && !strstr(buf_cstr(&t), "立行立改"), "%s", buf_cstr(&t));
    doc_free(d);
    /* the history paragraphs: a bulletin of items alone gets no 截至目前 */
    model_free(b);
    buf_free(&t);

    err e2 = {0};
    model_bulletin *it = load("<item><headline>甲</headline><lead>导语。</lead></item>", &e2);
    if (it && history_restore(it, HIST, &e2) < 0) {
        model_free(it);
        it = NULL;
    }
    compose_opts oj = {.kind = "jianbao"};
    d = it ? compose_bulletin(it, &oj, &e2) : NULL;
    buf_init(&t);
    if (d) doc_write_text(d, &t);
    CHECK_STR("history: no 截至目前 paragraph of its own in a bulletin of items", d ? buf_cstr(&t) : e2.msg, "甲　导语。\n");
    buf_free(&t);
    doc_free(d);
    model_free(it);
}

int main(void) {
    parse_init();
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) run_case(&CASES[i]);
    test_structure();
    test_mixed();
    parse_cleanup();
    return TESTS_DONE();
}
