/* unit_linebreak.c — owns the unit tests of the rules layout promises
 * (README "Page, fonts, PDF"; issue 17 item 1), calling the line breaker
 * (lay_piece_build_in → lay_break, lay_title_break) and the paginator
 * (lay_document) directly, table by table:
 *   避头尾 both ways, squeezing (标点挤压), grid columns, no lone character
 *   on a last line, numbers with units, whole dates and IDs, a run longer
 *   than a line, adjacent marks, 版记 lists, titles between words and
 *   balanced, widows at page tops, the 版记 on the last even page and the
 *   blank page rule, the 署名 never alone, the page number's 一字线.
 * tests/mutants.sh breaks each rule in turn and shows that a test here (or
 * in e2e_pages.sh) fails.  Needs the fonts: run with TONGBAO_HOME set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fonts.h"
#include "layout_int.h"
#include "template.h"
#include "testlib.h"

static const char TPL[] =
    "<template name=\"t\">"
    "<style name=\"body\" font=\"fangsong\" size=\"16pt\" align=\"justify\"/>"
    "<style name=\"list\" font=\"fangsong\" size=\"16pt\" align=\"left\"/>"
    "<style name=\"title\" font=\"xiaobiaosong\" size=\"22pt\" align=\"center\"/>"
    "<lexicon>疫情防控 疫情 防控 暗访</lexicon>"
    "<tail><rule weight=\"0.35mm\"/><text style=\"body\">抄送：{cc}。</text><rule weight=\"0.35mm\"/></tail>"
    "</template>";

static lay_ctx *lc;
static tpl_template *T;

/* One paragraph through the breaker: its lines, '|'-separated, into out. */
typedef struct {
    lay_result r;
    lay_job j;
    doc_document *d;
    err e;
    lay_piece pc;
} run;

static int breaks(run *x, const char *style, const char *text, double chars, int mode, char *out, size_t outlen) {
    memset(x, 0, sizeof *x);
    x->r.arena = arena_new();
    x->d = doc_new();
    x->j = (lay_job){.ctx = lc, .t = T, .d = x->d, .r = &x->r, .e = &x->e};
    const char *texts[1] = {text};
    int rc = x->r.arena && x->d ? lay_piece_build_in(&x->j, &x->pc, style, texts, NULL, 1, 1, 0, -1) : -1;
    if (rc == 0) {
        /* lay_piece_build_in set one line (nowrap); break it at the measure */
        x->pc.p.mode = mode;
        double w = chars > 0 ? chars * T->char_pitch : x->pc.avail;
        x->pc.avail = w;
        rc = lay_break(&x->j, &x->pc.p, w, w, x->pc.st.align == TPL_JUSTIFY, &x->pc.lines, &x->pc.n_lines);
        if (rc == 0 && x->pc.st.align == TPL_CENTER && x->pc.n_lines > 1) rc = lay_title_break(&x->j, &x->pc);
    }
    size_t o = 0;
    out[0] = 0;
    for (size_t l = 0; rc == 0 && l < x->pc.n_lines; l++) {
        const lay_line *ln = &x->pc.lines[l];
        size_t a = x->pc.p.cl[ln->c0].start, b = x->pc.p.cl[ln->c1 - 1].end;
        if (o + (b - a) + 2 >= outlen) break;
        if (l) out[o++] = '|';
        memcpy(out + o, x->pc.p.text + a, b - a);
        o += b - a;
        out[o] = 0;
    }
    return rc;
}

static void done(run *x) {
    lay_para_free(&x->pc.p);
    free(x->j.seen);
    doc_free(x->d);
    lay_free(&x->r);   /* its arena and the blocks the paragraph's lines were in */
}

/* n copies of a character (UTF-8), appended to s */
static void rep(char *s, size_t cap, const char *c, int n) {
    for (int i = 0; i < n && strlen(s) + strlen(c) < cap; i++) strcat(s, c);
}

/* ---- the line breaker: exact lines ------------------------------------ */

static void test_lines(void) {
    struct {
        const char *name;
        const char *pre;    /* repeated `n` times, then `text` */
        int n;
        const char *text;
        double chars;
        int mode;
        const char *style, *want;
    } cases[] = {
        /* 避头尾: a closing mark in column 29 is squeezed in, never starts a line */
        {"避头尾: ， in column 29 squeezed onto the line", "字", 28, "，再见。", 28, LAY_BREAK_TEXT, "body",
         "字字字字字字字字字字字字字字字字字字字字字字字字字字字字，|再见。"},
        /* an opening mark in column 28 goes down with what it opens */
        {"避头尾: （ in column 28 goes down", "字", 27, "（注）再见。", 28, LAY_BREAK_TEXT, "body",
         "字字字字字字字字字字字字字字字字字字字字字字字字字字字|（注）再见。"},
        /* two closing marks at the line end: squeezed, or the last
         * character goes down with them */
        {"避头尾: ）。 after column 28: the last character goes down with them", "字", 28, "）。好", 28, LAY_BREAK_TEXT,
         "body", "字字字字字字字字字字字字字字字字字字字字字字字字字字字|字）。好"},
        /* numbers keep their unit */
        {"number and unit: 12个 stays whole", "字", 26, "共12个卡点。", 28, LAY_BREAK_TEXT, "body",
         "字字字字字字字字字字字字字字字字字字字字字字字字字字共|12个卡点。"},
        /* a date-time never splits */
        {"date-time: 11月21日18：00 whole", "字", 22, "于11月21日18：00到岗。", 28, LAY_BREAK_TEXT, "body",
         "字字字字字字字字字字字字字字字字字字字字字字于|11月21日18：00到岗。"},
        {"date: 2026年11月21日 whole", "字", 24, "定于2026年11月21日。", 28, LAY_BREAK_TEXT, "body",
         "字字字字字字字字字字字字字字字字字字字字字字字字定于|2026年11月21日。"},
        /* a finding ID never wraps */
        {"ID: （JC2026-001-006） whole", "字", 22, "（JC2026-001-006）。", 28, LAY_BREAK_TEXT, "body",
         "字字字字字字字字字字字字字字字字字字字字字字|（JC2026-001-006）。"},
        /* a lone character and its mark on the last line: one comes down */
        {"no lone character on the last line", "字", 27, "掌握。", 28, LAY_BREAK_TEXT, "body",
         "字字字字字字字字字字字字字字字字字字字字字字字字字字字|掌握。"},
        /* a run longer than the line breaks at the grid, inside the block */
        {"a run longer than a line breaks at the grid", "", 0,
         "号码1234567890123456789012345678901234567890123456789012345678901234567890止", 20, LAY_BREAK_TEXT, "body",
         "号码123456789012345678901234567890123456|7890123456789012345678901234567890止"},
        /* a 版记 list breaks after 、，；, never inside a name */
        {"版记 list: break after ，", "", 0, "抄送：市纪委监委，市委组织部，市直有关单位，市卫生健康委。", 20,
         LAY_BREAK_LIST, "list", "抄送：市纪委监委，市委组织部，|市直有关单位，市卫生健康委。"},
        /* a title: between words (ICU and the lexicon), balanced */
        {"title: between words, 疫情防控 whole", "", 0, "关于11月20日夜间城区疫情防控工作暗访情况的通报", 0,
         LAY_BREAK_TEXT, "title", "关于11月20日夜间城区|疫情防控工作暗访情况的通报"},
        {"title: never two equal lines", "", 0, "关于进一步加强全市城乡社区疫情防控工作中卡点值守和重点人员管控措施落实情况的通报",
         0, LAY_BREAK_TEXT, "title", "关于进一步加强全市城乡社区|疫情防控工作中卡点值守和重点|人员管控措施落实情况的通报"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[1024] = "", got[2048];
        rep(text, sizeof text, cases[i].pre, cases[i].n);
        strcat(text, cases[i].text);
        run x;
        int rc = breaks(&x, cases[i].style, text, cases[i].chars, cases[i].mode, got, sizeof got);
        if (rc) CHECK(cases[i].name, 0, "%s", x.e.msg);
        else CHECK_STR(cases[i].name, got, cases[i].want);
        done(&x);
    }
}

/* ---- the line breaker: properties over many paragraphs --------------- */

/* Paragraphs of every length from 1 to 80 characters of mixed text, at the
 * grid's 28: no line starts with a closing mark or ends with an opening
 * one; every line but the last is exactly the measure wide (the grid); in
 * a line of plain characters every advance is one column; no last line is
 * one character and its marks. */
static void test_properties(void) {
    static const char *const pieces[] = {"字", "，", "（", "注", "）", "。", "、", "“", "文", "”", "；", "12", "个"};
    int bad_start = 0, bad_end = 0, bad_width = 0, bad_col = 0, bad_lone = 0, lines = 0;
    for (int len = 1; len <= 80; len++) {
        char text[1024] = "";
        for (int k = 0; k < len; k++) strcat(text, pieces[(k * 7 + len) % 13 < 9 ? 0 : (k * 7 + len) % 13]);
        strcat(text, "。");
        run x;
        char got[4096];
        if (breaks(&x, "body", text, 28, LAY_BREAK_TEXT, got, sizeof got) == 0) {
            const lay_para *p = &x.pc.p;
            for (size_t l = 0; l < x.pc.n_lines; l++) {
                const lay_line *ln = &x.pc.lines[l];
                lines++;
                uint32_t first = p->cl[ln->c0].cp, last = p->cl[ln->c1 - 1].cp;
                if (l > 0 && (first == 0xFF0C || first == 0x3002 || first == 0x3001 || first == 0xFF1B || first == 0xFF09 ||
                     first == 0x201D))
                    bad_start++;
                if (!ln->last && (last == 0xFF08 || last == 0x201C)) bad_end++;
                if (!ln->last && fabs(ln->width - 28 * T->char_pitch) > 0.01) bad_width++;
                int plain = 1;
                for (size_t c = ln->c0; c < ln->c1; c++)
                    if (p->cl[c].cp != 0x5B57) plain = 0;   /* 字 */
                for (size_t c = ln->c0; plain && !ln->squeezed && c + 1 < ln->c1; c++)
                    if (fabs(ln->adv[c - ln->c0] - T->char_pitch) > 0.01) bad_col++;
                if (ln->last && l > 0) {
                    int chars = 0;
                    for (size_t c = ln->c0; c < ln->c1; c++) {
                        uint32_t cp = p->cl[c].cp;
                        chars += !(cp == 0xFF0C || cp == 0x3002 || cp == 0x3001 || cp == 0xFF1B || cp == 0xFF09 ||
                                   cp == 0x201D);
                    }
                    if (chars == 1) bad_lone++;
                }
            }
        }
        done(&x);
    }
    CHECK("properties: no closing mark starts a line (80 paragraphs)", lines > 100 && bad_start == 0, "%d of %d", bad_start, lines);
    CHECK("properties: no opening mark ends a line", bad_end == 0, "%d", bad_end);
    CHECK("properties: every full line is exactly 28 columns wide", bad_width == 0, "%d lines", bad_width);
    CHECK("properties: plain characters sit on the grid's columns", bad_col == 0, "%d advances", bad_col);
    CHECK("properties: no lone character on a last line", bad_lone == 0, "%d paragraphs", bad_lone);
}

/* Adjacent marks: the full em everywhere (default), mid-line and at the end. */
static void test_adjacent(void) {
    char text[1024] = "", got[2048];
    rep(text, sizeof text, "字", 5);
    /* the second pair ends the first line exactly */
    strcat(text, "（注）、字字字字字字字字字字字字字字字（注）。再见。");
    run x;
    int bad = 0, n = 0;
    if (breaks(&x, "body", text, 28, LAY_BREAK_TEXT, got, sizeof got) == 0)
        for (size_t l = 0; l < x.pc.n_lines; l++) {
            const lay_line *ln = &x.pc.lines[l];
            for (size_t c = ln->c0; c + 1 < ln->c1; c++)
                if (x.pc.p.cl[c].cp == 0xFF09) {
                    n++;
                    if (ln->adv[c - ln->c0] < T->char_pitch - 1) bad++;   /* gaps give up 0.5 pt at most */
                }
        }
    CHECK("adjacent marks: ） keeps its full em before 、 and 。", n == 2 && bad == 0, "%d of %d squeezed: %s", bad, n, got);
    done(&x);
    /* a line squeezed to take ）。 in columns 28 and 29: the 。 gives up its
     * half, the ） keeps its em (the gaps give the rest) */
    text[0] = 0;
    rep(text, sizeof text, "字", 27);
    strcat(text, "）。好的。");
    double adv = 0;
    if (breaks(&x, "body", text, 28, LAY_BREAK_TEXT, got, sizeof got) == 0 && x.pc.n_lines == 2 &&
        x.pc.lines[0].c1 == 29)
        adv = x.pc.lines[0].adv[27];
    CHECK("adjacent marks: ） keeps its em in a squeezed line end too", adv > T->char_pitch - 1, "advance %.2f: %s", adv, got);
    done(&x);
}

/* ---- the paginator -------------------------------------------------------- */

static lay_result *lay(doc_document *d, const char *tpl_extra) {
    char xml[4096];
    snprintf(xml, sizeof xml,
             "<template name=\"p\"><style name=\"body\" font=\"fangsong\" size=\"16pt\" align=\"justify\" indent=\"2\"/>"
             "<style name=\"signature\" align=\"right\" right-indent=\"2\" space-before=\"1\"/>"
             "<style name=\"date\" align=\"under-previous\" indent=\"2\" right-indent=\"2\"/>"
             "<tail><rule/><text style=\"body\">抄送：{cc}。</text><rule/></tail>%s</template>",
             tpl_extra);
    err e = {0};
    tpl_template *t = tpl_load_memory(xml, strlen(xml), "p.xml", &e);
    lay_result *r = t ? lay_document(lc, d, t, &e) : NULL;
    tpl_free(t);
    return r;
}

/* A document of paragraphs of the given lengths (characters), a 署名 and a
 * date when sig, a 版记 (cc). */
static doc_document *doc_of(const int *lens, size_t n, int sig) {
    doc_document *d = doc_new();
    if (!d) return NULL;
    doc_set_field(d, "cc", "市纪委监委");
    for (size_t i = 0; i < n; i++) {
        char text[4096] = "";
        snprintf(text, sizeof text, "第%zu段", i + 1);
        rep(text, sizeof text, "字", lens[i] - 3);
        strcat(text, "。");
        doc_block *b = doc_add_block(d, "body");
        if (b) doc_add_run(d, b, text, NULL);
    }
    if (sig) {
        doc_block *s = doc_add_block(d, "signature");
        if (s) doc_add_run(d, s, "江城市疫情防控指挥部督导组", NULL);
        if (s) s->keep_with_next = 1;
        doc_block *dt = doc_add_block(d, "date");
        if (dt) doc_add_run(d, dt, "2026年11月21日", NULL);
    }
    return d;
}

/* The page (1-based) and top (pt) of every op of the paragraph text. */
static int page_of(const lay_result *r, const char *prefix, double *y) {
    for (size_t p = 0; p < r->n_pages; p++)
        for (size_t k = 0; k < r->pages[p].n_ops; k++) {
            const lay_op *op = &r->pages[p].ops[k];
            if (op->kind == LAY_GLYPHS && op->text && !strncmp(op->text, prefix, strlen(prefix))) {
                if (y) *y = op->y;
                return (int)p + 1;
            }
        }
    return 0;
}

/* Lines (by baseline) of the paragraph starting with prefix on page p. */
static int lines_on(const lay_result *r, const char *prefix, size_t p) {
    double seen[64];
    int n = 0;
    for (size_t k = 0; p < r->n_pages && k < r->pages[p].n_ops; k++) {
        const lay_op *op = &r->pages[p].ops[k];
        if (op->kind != LAY_GLYPHS || !op->text || strncmp(op->text, prefix, strlen(prefix))) continue;
        int dup = 0;
        for (int q = 0; q < n; q++) dup |= fabs(seen[q] - op->y) < 0.1;
        if (!dup && n < 64) seen[n++] = op->y;
    }
    return n;
}

static void test_pages(void) {
    /* 22 lines a page: 20 one-line paragraphs and a 3-line one whose
     * last line would stand alone at the top of page 2 (a widow) */
    int lens[24];
    for (int i = 0; i < 20; i++) lens[i] = 20;
    lens[20] = 60;  /* three lines from grid line 21: the third would be alone on page 2 */
    doc_document *d = doc_of(lens, 21, 0);
    lay_result *r = d ? lay(d, "") : NULL;
    CHECK("paginator: lays out", r != NULL, "%s", "failed");
    if (r) {
        int on2 = lines_on(r, "第21段", 1);
        CHECK("paginator: no widow at a page top (the last line goes down with the one before)", on2 != 1,
              "%d line(s) of the paragraph on page 2", on2);
    }
    lay_free(r);
    doc_free(d);

    /* the 版记 on the last even page; the blank page rule */
    int blanks = 0;
    for (int n = 1; n <= 46; n += 3) {
        int l2[64];
        for (int i = 0; i < n; i++) l2[i] = 40;
        d = doc_of(l2, (size_t)n, 1);
        r = d ? lay(d, "") : NULL;
        if (!r) {
            CHECK("paginator: 版记 pages", 0, "%s", "no layout");
            doc_free(d);
            continue;
        }
        int tp = page_of(r, "抄送", NULL), body = page_of(r, "江城市", NULL);
        int blank = r->n_pages >= 2 && r->pages[r->n_pages - 2].no_folio;
        char name[128];
        snprintf(name, sizeof name, "paginator: %d paragraphs: 版记 on the last page, an even one", n);
        CHECK(name, tp == (int)r->n_pages && r->n_pages % 2 == 0, "版记 on %d of %zu", tp, r->n_pages);
        int extra = (int)r->n_pages - body;
        blanks += extra == 2;
        snprintf(name, sizeof name, "paginator: %d paragraphs: a blank page only after an even body page, unnumbered", n);
        CHECK(name, extra == 0 || (extra == 1 && body % 2 == 1 && !r->pages[r->n_pages - 1].no_folio) ||
                        (extra == 2 && body % 2 == 0 && blank && r->pages[r->n_pages - 1].no_folio),
              "body ends on %d, %zu pages", body, r->n_pages);
        /* the 署名 never alone: a body line on its page */
        double sy = 0;
        int sp = page_of(r, "江城市", &sy), prev = 0;
        char pre[32];
        snprintf(pre, sizeof pre, "第%d段", n);
        for (int i = 1; i <= n; i++) {
            snprintf(pre, sizeof pre, "第%d段", i);
            if (lines_on(r, pre, (size_t)sp - 1) > 0) prev = 1;
        }
        snprintf(name, sizeof name, "paginator: %d paragraphs: the 署名 has body text on its page", n);
        CHECK(name, sp > 0 && prev, "署名 on page %d", sp);
        lay_free(r);
        doc_free(d);
    }
    CHECK("paginator: the lengths include a blank page before the 版记 page", blanks > 0, "%d", blanks);
    /* single-sided: the 版记 on the last page whatever its number */
    int one[1] = {40};
    d = doc_of(one, 1, 1);
    r = d ? lay(d, "<page sides=\"1\"/>") : NULL;
    CHECK("paginator: sides=\"1\": a one-page document stays one page", r && r->n_pages == 1, "%zu pages",
          r ? r->n_pages : 0);
    lay_free(r);
    doc_free(d);
}

/* The page number: the top of its first mark's ink 7 mm under the block. */
static void test_folio(void) {
    int one[1] = {10};
    doc_document *d = doc_of(one, 1, 0);
    lay_result *r = d ? lay(d, "<style name=\"folio\" font=\"songti\" size=\"14pt\"/>") : NULL;
    double want = T->top + T->block_h + 7 * 72 / 25.4, got = 0;
    if (r)
        for (size_t k = 0; k < r->pages[0].n_ops; k++) {
            const lay_op *op = &r->pages[0].ops[k];
            if (op->kind != LAY_GLYPHS || !op->text || strncmp(op->text, "—", 3)) continue;
            PangoRectangle ink;
            pango_font_get_glyph_extents(op->gi.item->analysis.font, op->gi.glyphs->glyphs[0].glyph, &ink, NULL);
            got = op->y + (double)ink.y / PANGO_SCALE;
            break;
        }
    CHECK("folio: the 一字线's ink top 7 mm under the block", fabs(got - want) < 0.3, "%.2f pt, want %.2f", got, want);
    lay_free(r);
    doc_free(d);
}

int main(void) {
    err e = {0};
    char *dir = tpl_data_dir();
    if (dir && fonts_init(dir, &e) == 0) lc = lay_ctx_new(&e);
    free(dir);
    T = tpl_load_memory(TPL, strlen(TPL), "t.xml", &e);
    CHECK("fonts, layout context and template", lc && T, "%s", e.msg);
    if (lc && T) {
        test_lines();
        test_properties();
        test_adjacent();
        test_pages();
        test_folio();
    }
    tpl_free(T);
    lay_ctx_free(lc);
    fonts_cleanup();
    return TESTS_DONE();
}
