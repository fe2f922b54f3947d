/* unit_docx.c — the .docx writer and the output-format policy, on
 * documents built by hand: the package read back with libzip (entry order,
 * DOS dates, every part well-formed XML by libxml2), the same document
 * twice → the same bytes, style ids for any style name, runs without
 * direct formatting, and which names render_format_of takes. */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "docx.h"
#include "render.h"
#include "testlib.h"

static const char tpl_xml[] =
    "<template name='t' kind='dubao'>"
    "<style name='body' font='fangsong' size='16pt' align='justify' indent='2'/>"
    "<style name='title' font='xiaobiaosong' size='22pt' align='center'/>"
    "<style name='lead' font='heiti'/>"
    "<style name='my style/正文' font='kaiti' size='14pt'/>"
    "<style name='mark' font='xiaobiaosong' size='30pt' color='#E60012' align='center' fit='yes'/>"
    "<style name='colophon' font='fangsong' size='14pt' left-indent='1' right-indent='1'/>"
    "<style name='folio' font='songti' size='14pt'/>"
    "<head lines='9'><text style='mark' top='35mm'>{mark}</text><rule top='75.7mm' weight='0.5mm' color='#E60012'/></head>"
    "<tail><rule weight='0.35mm'/><text style='colophon'>抄送：{cc}。</text><rule weight='0.35mm'/></tail>"
    "<folio format='— {page} —' style='folio' below='7mm' side='outer' inset='1'/>"
    "</template>";

static doc_document *sample(void) {
    doc_document *d = doc_new();
    if (!d) return NULL;
    d->meta_title = "标题";
    d->meta_date = "2026-11-21";
    doc_set_field(d, "mark", "江城市疫情防控指挥部督导组江城市疫情防控指挥部督导组");   /* too long: fitted */
    doc_set_field(d, "cc", "市纪委监委");
    doc_block *b = doc_add_block(d, "title");
    doc_add_run(d, b, "关于暗访情况的通报", NULL);
    b = doc_add_block(d, "body");
    doc_add_run(d, b, "一是卡点值守不到位。", "lead");
    doc_add_run(d, b, "北门无人值守 <&> \"引号\"", NULL);
    b = doc_add_block(d, "my style/正文");
    doc_add_run(d, b, "自定义样式", NULL);
    b = doc_add_table(d, 2);
    b->table->cols[0].width = 4;
    b->table->cols[1].width = 24;
    b->table->cols[1].fill = 1;
    b->table->head_style = "body";
    b->table->cell_style = "body";
    b->table->span_style = "body";
    const char *head[2] = {"序号", "问题"}, *row[2] = {"1", "北门无人值守"};
    doc_table_add_row(d, b->table, head, 0, 1);
    doc_table_add_row(d, b->table, row, 0, 0);
    return d;
}

/* every entry: name, DOS date, well-formed XML; fills names (in order) */
static int read_back(const buf *z, char names[][64], size_t max, size_t *n, int *bad_date, int *bad_xml) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(z->data, z->len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    zip_error_fini(&ze);
    if (!za) {
        if (src) zip_source_free(src);
        return -1;
    }
    zip_int64_t k = zip_get_num_entries(za, 0);
    *n = 0;
    for (zip_int64_t i = 0; i < k && *n < max; i++) {
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0) continue;
        snprintf(names[(*n)++], 64, "%s", st.name);
        /* libzip reads the DOS date as local time, as mktime does */
        struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 21, .tm_isdst = -1};
        if (!(st.valid & ZIP_STAT_MTIME) || st.mtime != mktime(&tm)) (*bad_date)++;
        size_t nl = strlen(st.name);
        if (nl < 4 || (strcmp(st.name + nl - 4, ".xml") && strcmp(st.name + nl - 5, ".rels"))) continue;
        char *data = malloc(st.size + 1);
        zip_file_t *f = zip_fopen_index(za, (zip_uint64_t)i, 0);
        if (data && f && zip_fread(f, data, st.size) == (zip_int64_t)st.size) {
            xmlDocPtr doc = xmlReadMemory(data, (int)st.size, st.name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
            if (!doc) (*bad_xml)++;
            xmlFreeDoc(doc);
        } else (*bad_xml)++;
        if (f) zip_fclose(f);
        free(data);
    }
    zip_close(za);
    return 0;
}

static void test_package(void) {
    err e = {0};
    tpl_template *t = tpl_load_memory(tpl_xml, strlen(tpl_xml), "t.xml", &e);
    doc_document *d = sample();
    CHECK("docx: template and document", t && d, "%s", e.msg);
    if (!t || !d) return;
    buf a, b;
    buf_init(&a);
    buf_init(&b);
    int ra = docx_write(d, t, "tongbao test", &a, &e), rb = docx_write(d, t, "tongbao test", &b, &e);
    CHECK("docx: written", ra == 0 && rb == 0 && a.len > 1000, "%s", e.msg);
    CHECK("docx: same document twice, same bytes", a.len == b.len && !memcmp(a.data, b.data, a.len),
          "%zu vs %zu bytes", a.len, b.len);
    char names[16][64];
    size_t n = 0;
    int bad_date = 0, bad_xml = 0;
    CHECK("docx: libzip reads it back (consistency check)", read_back(&a, names, 16, &n, &bad_date, &bad_xml) == 0,
          "not a zip");
    static const char *const want[] = {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
                                       "word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml",
                                       "word/settings.xml", "word/fontTable.xml", "word/footer1.xml",
                                       "word/footer2.xml"};
    int order = n == sizeof want / sizeof want[0];
    for (size_t i = 0; order && i < n; i++) order = !strcmp(names[i], want[i]);
    CHECK("docx: parts in a fixed order, [Content_Types].xml first", order, "%zu entries, first %s", n, n ? names[0] : "-");
    CHECK("docx: every entry dated the bulletin's date, 00:00", bad_date == 0, "%d entries otherwise", bad_date);
    CHECK("docx: every part well-formed XML", bad_xml == 0, "%d parts not", bad_xml);
    /* the document part: escaped text, runs with a style and nothing else */
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(a.data, a.len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    zip_error_fini(&ze);
    char doc[65536] = "", sty[65536] = "";
    for (int k = 0; za && k < 2; k++) {
        zip_file_t *f = zip_fopen(za, k ? "word/styles.xml" : "word/document.xml", 0);
        char *dst = k ? sty : doc;
        zip_int64_t got = f ? zip_fread(f, dst, 65535) : -1;
        if (got >= 0) dst[got] = 0;
        if (f) zip_fclose(f);
    }
    if (za) zip_close(za);
    else if (src) zip_source_free(src);
    const char *esc = strstr(doc, "北门无人值守");
    CHECK("docx: text escaped", esc && !strncmp(esc, "北门无人值守 &lt;&amp;&gt; &quot;引号&quot;<", strlen("北门无人值守 &lt;&amp;&gt; &quot;引号&quot;<")),
          "%.60s", esc ? esc : "not found");
    CHECK("docx: a run style, not direct formatting",
          strstr(doc, "<w:r><w:rPr><w:rStyle w:val=\"tb-lead\"/></w:rPr><w:t>一是卡点值守不到位。</w:t></w:r>") != NULL,
          "no lead run");
    CHECK("docx: any style name a style id (tb-my_20style_2F…)",
          strstr(doc, "<w:pStyle w:val=\"tb-my_20style_2F_E6_AD_A3_E6_96_87\"/>") != NULL &&
              strstr(sty, "w:styleId=\"tb-my_20style_2F_E6_AD_A3_E6_96_87\"><w:name w:val=\"my style/正文\"/>") != NULL,
          "not found");
    CHECK("docx: body is Normal, title is Title",
          strstr(sty, "w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>") && strstr(sty, "w:styleId=\"Title\"><w:name w:val=\"Title\"/>"),
          "no built-in names");
    /* 25 characters of 30 pt do not fit 156 mm: the mark style is fitted */
    CHECK("docx: a fit=yes style shrinks to hold its line", strstr(sty, "w:styleId=\"tb-mark\"") &&
          !strstr(strstr(sty, "w:styleId=\"tb-mark\""), "<w:sz w:val=\"60\"/>") ? 1 : 0, "still 30 pt");
    CHECK("docx: the table's header row repeats", strstr(doc, "<w:tblHeader/>") != NULL, "no tblHeader");
    CHECK("docx: 版记 rule on top of its row",
          strstr(doc, "<w:top w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\"/>") != NULL, "no rule");
    buf_free(&a);
    buf_free(&b);
    doc_free(d);
    tpl_free(t);
}

static void test_formats(void) {
    static const struct {
        const char *path, *format;
        int ok;
        render_format f;
    } cases[] = {
        {"a.pdf", NULL, 1, RENDER_PDF},
        {"a.docx", NULL, 1, RENDER_DOCX},
        {"/tmp/草稿.DOCX", NULL, 1, RENDER_DOCX},
        {"a.PdF", NULL, 1, RENDER_PDF},
        {"a.txt", NULL, 0, 0},
        {"a", NULL, 0, 0},
        {"dir.docx/a", NULL, 0, 0},          /* the dot is the directory's */
        {"a.out", "docx", 1, RENDER_DOCX},
        {"a", "pdf", 1, RENDER_PDF},
        {NULL, "docx", 1, RENDER_DOCX},
        {"a.docx", "pdf", 0, 0},             /* they disagree */
        {"a.pdf", "PDF", 1, RENDER_PDF},
        {"a.pdf", "ofd", 0, 0},
        {"a.ofd", NULL, 1, RENDER_OFD},
        {NULL, "OFD", 1, RENDER_OFD},
        {"a.ofd", "docx", 0, 0},
        {"a", "odf", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err e = {0};
        render_format f = RENDER_PDF;
        int r = render_format_of(cases[i].path, cases[i].format, &f, &e);
        char name[160];
        snprintf(name, sizeof name, "format: %s --format %s", cases[i].path ? cases[i].path : "(none)",
                 cases[i].format ? cases[i].format : "-");
        if (cases[i].ok) CHECK(name, r == 0 && f == cases[i].f, "got %d, format %d: %s", r, (int)f, e.msg);
        else
            CHECK(name, r < 0 && e.code == TB_EUSAGE && (strstr(e.msg, "pdf, ofd and docx") || strstr(e.msg, "agree") ||
                                                          strstr(e.msg, ".pdf, .ofd and .docx")),
                  "got %d: %s", r, e.msg);
    }
}

int main(void) {
    test_package();
    test_formats();
    return TESTS_DONE();
}
