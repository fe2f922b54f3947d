/* sheetmap.c — 问题清单 workbook → findings XML (see sheetmap.h).  The
 * 通报信息 keys are in sheetinfo.c; this file owns the columns, the rows
 * and the XML. */
#include "sheetmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cellval.h"
#include "csv.h"
#include "sheetinfo.h"
#include "xlsx.h"

/* ---- file kinds ------------------------------------------------------------- */

static int has_ext(const char *path, const char *ext) {
    size_t n = strlen(path), m = strlen(ext);
    return n > m && !strcasecmp(path + n - m, ext);
}

int smap_is_sheet(const char *path) {
    static const char *const ext[] = {".xlsx", ".xlsm", ".csv", ".tsv", ".xls", ".et", ".ods"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (has_ext(path, ext[i])) return 1;
    return 0;
}

static int is_csv(const char *path) { return has_ext(path, ".csv") || has_ext(path, ".tsv"); }

/* ---- header names -------------------------------------------------------------- */

/* Normalised header: no white space, full-width forms folded, ASCII lower
 * case, no * or required/optional markers. */
void smap_norm(const char *s, char *out, size_t cap) {
    size_t o = 0, n = strlen(s);
    while (n && o + 5 < cap) {
        size_t adv;
        uint32_t cp = utf8_decode(s, n, &adv);
        s += adv, n -= adv;
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;   /* full-width ASCII */
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == '*' || cp == 0xA0)
            continue;
        if (cp >= 'A' && cp <= 'Z') cp += 32;
        char u[4];
        size_t l = utf8_encode(cp, u);
        memcpy(out + o, u, l);
        o += l;
    }
    out[o] = 0;
    static const char *const marks[] = {"(必填)", "(选填)", "(可选)", "(如有)", "(必填项)", "(非必填)"};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        size_t m = strlen(marks[i]);
        if (o > m && !strcmp(out + o - m, marks[i])) out[o -= m] = 0;
    }
    /* a trailing colon: 标题： */
    if (o && out[o - 1] == ':') out[--o] = 0;
}

static const struct {
    int field;
    const char *alias;   /* normalised */
} aliases[] = {
    {SMAP_SEQ, "序号"}, {SMAP_SEQ, "序"}, {SMAP_SEQ, "no."}, {SMAP_SEQ, "no"},
    {SMAP_DISTRICT, "区"}, {SMAP_DISTRICT, "县(市、区)"}, {SMAP_DISTRICT, "县(市,区)"}, {SMAP_DISTRICT, "县(区)"},
    {SMAP_DISTRICT, "区县"}, {SMAP_DISTRICT, "县区"}, {SMAP_DISTRICT, "区(县)"}, {SMAP_DISTRICT, "县市区"},
    {SMAP_DISTRICT, "区(县、市)"}, {SMAP_DISTRICT, "所属区"}, {SMAP_DISTRICT, "所属区县"}, {SMAP_DISTRICT, "辖区"},
    {SMAP_DISTRICT, "区域"}, {SMAP_DISTRICT, "县(市)区"}, {SMAP_DISTRICT, "district"},
    {SMAP_STREET, "街道"}, {SMAP_STREET, "乡镇"}, {SMAP_STREET, "街道(乡镇)"}, {SMAP_STREET, "乡镇(街道)"},
    {SMAP_STREET, "镇街"}, {SMAP_STREET, "街镇"}, {SMAP_STREET, "乡镇街道"}, {SMAP_STREET, "街道乡镇"},
    {SMAP_STREET, "所属街道"}, {SMAP_STREET, "街道/乡镇"}, {SMAP_STREET, "乡镇/街道"}, {SMAP_STREET, "street"},
    {SMAP_COMMUNITY, "社区"}, {SMAP_COMMUNITY, "村"}, {SMAP_COMMUNITY, "社区(村)"}, {SMAP_COMMUNITY, "村(社区)"},
    {SMAP_COMMUNITY, "社区村"}, {SMAP_COMMUNITY, "村社区"}, {SMAP_COMMUNITY, "村居"}, {SMAP_COMMUNITY, "所属社区"},
    {SMAP_COMMUNITY, "社区/村"}, {SMAP_COMMUNITY, "村/社区"}, {SMAP_COMMUNITY, "community"},
    {SMAP_SITE, "点位"}, {SMAP_SITE, "地点"}, {SMAP_SITE, "小区"}, {SMAP_SITE, "具体点位"}, {SMAP_SITE, "问题点位"},
    {SMAP_SITE, "具体地点"}, {SMAP_SITE, "点位名称"}, {SMAP_SITE, "小区(点位)"}, {SMAP_SITE, "点位(小区)"},
    {SMAP_SITE, "场所"}, {SMAP_SITE, "具体位置"}, {SMAP_SITE, "小区/点位"}, {SMAP_SITE, "地址"}, {SMAP_SITE, "site"},
    {SMAP_UNIT, "单位"}, {SMAP_UNIT, "单位名称"}, {SMAP_UNIT, "被督查单位"}, {SMAP_UNIT, "涉及单位"},
    {SMAP_UNIT, "市直单位"}, {SMAP_UNIT, "部门"}, {SMAP_UNIT, "unit"},
    {SMAP_CATEGORY, "问题类别"}, {SMAP_CATEGORY, "类别"}, {SMAP_CATEGORY, "问题类型"}, {SMAP_CATEGORY, "类型"},
    {SMAP_CATEGORY, "问题分类"}, {SMAP_CATEGORY, "分类"}, {SMAP_CATEGORY, "category"},
    {SMAP_TEXT, "问题描述"}, {SMAP_TEXT, "存在问题"}, {SMAP_TEXT, "问题"}, {SMAP_TEXT, "具体问题"},
    {SMAP_TEXT, "发现问题"}, {SMAP_TEXT, "问题内容"}, {SMAP_TEXT, "主要问题"}, {SMAP_TEXT, "存在的问题"},
    {SMAP_TEXT, "问题表现"}, {SMAP_TEXT, "问题情况"}, {SMAP_TEXT, "text"},
    {SMAP_DEADLINE, "整改时限"}, {SMAP_DEADLINE, "整改期限"}, {SMAP_DEADLINE, "完成时限"}, {SMAP_DEADLINE, "时限"},
    {SMAP_DEADLINE, "整改截止时间"}, {SMAP_DEADLINE, "整改截止日期"}, {SMAP_DEADLINE, "deadline"},
    {SMAP_RESPONSIBLE, "责任单位"}, {SMAP_RESPONSIBLE, "整改责任单位"}, {SMAP_RESPONSIBLE, "责任主体"},
    {SMAP_RESPONSIBLE, "responsible"},
    {SMAP_NOTE, "备注"}, {SMAP_NOTE, "说明"}, {SMAP_NOTE, "note"},
    {SMAP_OBSERVED, "发现时间"}, {SMAP_OBSERVED, "督查时间"}, {SMAP_OBSERVED, "检查时间"}, {SMAP_OBSERVED, "发现日期"},
    {SMAP_OBSERVED, "observed"},
    {SMAP_ID, "编号"}, {SMAP_ID, "问题编号"}, {SMAP_ID, "id"},
    {SMAP_ISSUE, "通报期数"}, {SMAP_ISSUE, "期数"}, {SMAP_ISSUE, "通报期号"},
    {SMAP_STATUS, "状态"}, {SMAP_STATUS, "整改状态"},
    {SMAP_PROGRESS, "整改情况"}, {SMAP_PROGRESS, "整改落实情况"}, {SMAP_PROGRESS, "整改措施"},
    {SMAP_DONE_DATE, "完成时间"}, {SMAP_DONE_DATE, "完成日期"}, {SMAP_DONE_DATE, "整改完成时间"},
    {SMAP_DONE_DATE, "销号时间"},
};

int smap_column(const char *header) {
    if (!header) return SMAP_NONE;
    char n[256];
    smap_norm(header, n, sizeof n);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
            if (!strcmp(n, aliases[i].alias)) return aliases[i].field;
        /* 问题描述(请写明具体表现) → 问题描述 */
        char *paren = strchr(n, '(');
        if (!paren || paren == n) break;
        *paren = 0;
    }
    return SMAP_NONE;
}

const char *smap_field_name(int f) {
    static const char *const names[SMAP_N_FIELDS] = {
        "", "序号", "区", "街道", "社区", "点位", "单位", "问题类别", "问题描述", "整改时限", "责任单位", "备注",
        "发现时间", "编号", "通报期数", "状态", "整改情况", "完成时间"};
    return f > 0 && f < SMAP_N_FIELDS ? names[f] : "";
}

long smap_header_row(const grid *g, int need, int min_fields, uint32_t cols[SMAP_N_FIELDS]) {
    long best = -1;
    int best_n = 0;
    size_t rows = g->n_rows < 30 ? g->n_rows : 30;
    for (size_t r = 0; r < rows; r++) {
        uint32_t c[SMAP_N_FIELDS];
        for (int f = 0; f < SMAP_N_FIELDS; f++) c[f] = UINT32_MAX;
        int n = 0;
        const grid_row *row = &g->rows[r];
        for (uint32_t k = 0; k < row->n; k++) {
            if (row->cells[k].kind != GRID_TEXT) continue;
            int f = smap_column(row->cells[k].text);
            if (f && c[f] == UINT32_MAX) c[f] = row->cells[k].col, n++;
        }
        if (n > best_n && n >= min_fields && (need == SMAP_NONE || c[need] != UINT32_MAX)) {
            best = (long)r;
            best_n = n;
            memcpy(cols, c, sizeof c);
        }
    }
    return best;
}

/* ---- the output and its line map ----------------------------------------------- */

int smap_out(smap_result *r, const char *ref, const char *s) {
    buf_puts(&r->xml, s);
    for (const char *p = s; *p; p++) {
        if (*p != '\n') continue;
        if (r->n_lines + 2 >= r->cap_lines) {
            size_t cap = r->cap_lines;
            arena_grow(r->arena, (void **)&r->line_ref, &cap, r->n_lines + 2, sizeof *r->line_ref);
            r->cap_lines = cap;
        }
        r->line_ref[++r->n_lines] = ref;
    }
    return 0;
}

/* XML-escaped copy (attr: also quotes and tabs), line breaks as &#10; so
 * every element stays on its line; control characters XML cannot carry
 * become spaces. */
void smap_escape(buf *b, const char *s, int attr) {
    if (!s) return;
    const char *run = s;   /* bytes that need no escape go in one piece */
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *rep;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\n': rep = "&#10;"; break;   /* one finding, one line (the line map) */
        case '\t': rep = attr ? "&#9;" : NULL; break;
        case '\r': rep = ""; break;
        default: rep = c < 0x20 ? " " : NULL;
        }
        if (!rep) continue;
        buf_add(b, run, (size_t)(s - run));
        buf_puts(b, rep);
        run = s + 1;
    }
    buf_add(b, run, (size_t)(s - run));
}

int smap_out_lines(smap_result *r, const char *data, size_t len, const char *const *refs, size_t n) {
    size_t cap = r->cap_lines;
    if (r->n_lines + n + 2 > cap) {
        size_t want = r->n_lines + n + 2;
        const char **p = arena_alloc(r->arena, want * 2 * sizeof *p);
        if (r->line_ref) memcpy(p, r->line_ref, (r->n_lines + 1) * sizeof *p);
        r->line_ref = p;
        r->cap_lines = want * 2;
    }
    for (size_t i = 0; i < n; i++) r->line_ref[++r->n_lines] = refs[i];
    buf_add(&r->xml, data, len);
    return 0;
}

/* ---- errors ------------------------------------------------------------------ */

typedef struct {
    err *e;
    const char *file;
    int n;              /* errors seen */
    buf more;           /* cells of the ones after the first */
} errs;

static void bad(errs *x, const char *sheet, uint32_t row, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void bad(errs *x, const char *sheet, uint32_t row, uint32_t col, const char *fmt, ...) {
    char ref[24];
    grid_ref(row, col, ref);
    if (x->n++ == 0) {
        char msg[900];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        err_set(x->e, TB_EINPUT, x->file, 0, 0, "%s!%s: %s", sheet, ref, msg);
    } else if (x->n <= 8) {
        buf_printf(&x->more, "%s%s!%s", x->n == 2 ? "" : ", ", sheet, ref);
    }
}

/* Close the list: "… (3 more problems: 问题清单!F9, …)". */
static int errs_done(errs *x) {
    if (x->n > 1) {
        size_t l = strlen(x->e->msg);
        snprintf(x->e->msg + l, sizeof x->e->msg - l, " (and %d more: %s%s)", x->n - 1,
                 x->more.data ? x->more.data : "", x->n > 8 ? ", …" : "");
    }
    buf_free(&x->more);
    return x->n ? -1 : 0;
}

/* ---- findings rows ------------------------------------------------------------ */

typedef struct {
    const char *title;
    buf lines;          /* its <finding> lines */
    const char **refs;  /* the row each line came from */
    size_t n, cap;
} category;

typedef struct {
    smap_result *r;
    const grid *g;
    errs *x;
    int date1904, year;
    uint32_t cols[SMAP_N_FIELDS];
    category *cats;
    size_t n_cats, cap_cats;
    char ref[64];
} rows_ctx;

/* A value cell: the text, or NULL when empty; a formula without a saved
 * value or an error value is reported. */
static const char *val(rows_ctx *c, uint32_t row, int field, char *tmp, size_t cap) {
    uint32_t col = c->cols[field];
    if (col == UINT32_MAX) return NULL;
    const grid_cell *cell = grid_get(c->g, row, col);
    if (!cell) return NULL;
    if (cell->kind == GRID_EMPTY && cell->formula) {
        bad(c->x, c->g->name, row, col, "a formula without a saved value; open the workbook in Excel or WPS and save it, "
            "or paste the values");
        return NULL;
    }
    if (cell->kind == GRID_ERROR) {
        bad(c->x, c->g->name, row, col, "the formula gives %s; correct it or type the value", cell->text);
        return NULL;
    }
    return cellval_text(cell, tmp, cap);
}

static category *cat_for(rows_ctx *c, const char *title) {
    for (size_t i = 0; i < c->n_cats; i++)
        if (!strcmp(c->cats[i].title, title)) return &c->cats[i];
    arena_grow(c->r->arena, (void **)&c->cats, &c->cap_cats, c->n_cats, sizeof *c->cats);
    category *k = &c->cats[c->n_cats];
    memset(k, 0, sizeof *k);
    buf_init(&k->lines);
    if (!(k->title = arena_strdup(c->r->arena, title))) return NULL;
    c->n_cats++;
    return k;
}

static void attr(buf *b, const char *name, const char *v) {
    if (!v) return;
    buf_printf(b, " %s=\"", name);
    smap_escape(b, v, 1);
    buf_puts(b, "\"");
}

/* A date column of one row: "" when empty, NULL when bad (reported). */
static const char *date_val(rows_ctx *c, uint32_t row, int field, char out[20]) {
    uint32_t col = c->cols[field];
    char tmp[8];
    if (!val(c, row, field, tmp, sizeof tmp)) return "";
    const char *why;
    if (cellval_date(grid_get(c->g, row, col), c->date1904, c->year, 1, out, &why) < 0) {
        char shown[200];
        bad(c->x, c->g->name, row, col, "%s \"%s\" %s", smap_field_name(field),
            cellval_text(grid_get(c->g, row, col), shown, sizeof shown), why);
        return NULL;
    }
    return out;
}

/* One row → one <finding> line in its category.  Returns 0 (also when
 * the row was blank or reported), -1 out of memory. */
static int one_row(rows_ctx *c, uint32_t row, const char **last_cat) {
    enum { F = SMAP_N_FIELDS };
    char v[F][1024];
    const char *s[F] = {0};
    int any = 0, before = c->x->n;
    for (int f = SMAP_DISTRICT; f <= SMAP_OBSERVED; f++) {
        s[f] = val(c, row, f, v[f], sizeof v[f]);
        /* a value merged down from above does not make a blank row a finding */
        const grid_cell *cell = c->cols[f] == UINT32_MAX ? NULL : grid_get(c->g, row, c->cols[f]);
        if (s[f] && f != SMAP_SEQ && cell && !cell->merged) any = 1;
    }
    char seq[64];
    const char *sq = val(c, row, SMAP_SEQ, seq, sizeof seq);
    if (!any || (sq && (!strcmp(sq, "示例") || !strcmp(sq, "例")))) return 0;   /* blank, or the form's example */
    if (c->x->n > before) return 0;   /* a formula or error cell, told already */
    /* the whole cell, however long */
    const char *text = c->cols[SMAP_TEXT] != UINT32_MAX
                           ? cellval_dup(c->r->arena, grid_get(c->g, row, c->cols[SMAP_TEXT])) : NULL;
    const char *cat = s[SMAP_CATEGORY] ? s[SMAP_CATEGORY] : *last_cat;
    if (!text)
        bad(c->x, c->g->name, row, c->cols[SMAP_TEXT], "问题描述 is empty; describe the problem, or delete the row");
    if (!cat)
        bad(c->x, c->g->name, row, c->cols[SMAP_CATEGORY], "问题类别 is empty; name the category (一是…) of this problem");
    int has_d = s[SMAP_DISTRICT] != NULL, has_u = s[SMAP_UNIT] != NULL;
    if (!has_d && !has_u)
        bad(c->x, c->g->name, row, c->cols[SMAP_DISTRICT] != UINT32_MAX ? c->cols[SMAP_DISTRICT] : c->cols[SMAP_UNIT],
            "%s is empty and the row has no 单位; fill in the district (区), or the unit for a 单位 problem",
            c->cols[SMAP_DISTRICT] != UINT32_MAX ? "区" : "单位");
    if (has_d && has_u)
        bad(c->x, c->g->name, row, c->cols[SMAP_UNIT], "the row has both 区 (%s) and 单位 (%s); a problem is at a place "
            "in a district or at a unit: clear one of them", s[SMAP_DISTRICT], s[SMAP_UNIT]);
    if (has_u && !has_d && (s[SMAP_STREET] || s[SMAP_COMMUNITY]))
        bad(c->x, c->g->name, row, c->cols[s[SMAP_STREET] ? SMAP_STREET : SMAP_COMMUNITY],
            "街道 and 社区 go with a district, but this row names a 单位 (%s); put the place in 点位", s[SMAP_UNIT]);
    char dl[20], ob[20];
    const char *deadline = date_val(c, row, SMAP_DEADLINE, dl);
    const char *observed = date_val(c, row, SMAP_OBSERVED, ob);
    if (c->x->n || !text || !cat || !deadline || !observed) return 0;
    *last_cat = arena_strdup(c->r->arena, cat);
    category *k = cat_for(c, cat);
    if (!*last_cat || !k) return -1;
    buf *b = &k->lines;
    buf_puts(b, "      <finding");
    if (has_d) {
        attr(b, "district", s[SMAP_DISTRICT]);
        attr(b, "street", s[SMAP_STREET]);
        attr(b, "community", s[SMAP_COMMUNITY]);
    } else attr(b, "unit", s[SMAP_UNIT]);
    attr(b, "site", s[SMAP_SITE]);
    attr(b, "observed", *observed ? observed : NULL);
    attr(b, "responsible", s[SMAP_RESPONSIBLE]);
    attr(b, "deadline", *deadline ? deadline : NULL);
    buf_puts(b, ">");
    smap_escape(b, text, 0);
    buf_puts(b, "</finding>");
    if (s[SMAP_NOTE]) {   /* 备注 is not part of a bulletin; kept beside the finding */
        buf_puts(b, "<!-- 备注：");
        buf tmp;
        buf_init(&tmp);
        smap_escape(&tmp, s[SMAP_NOTE], 0);
        for (const char *p = buf_cstr(&tmp); p && *p; p++) {
            if (*p == '-' && (p[1] == '-' || !p[1])) buf_puts(b, "- ");
            else buf_add(b, p, 1);
        }
        buf_free(&tmp);
        buf_puts(b, " -->");
    }
    buf_puts(b, "\n");
    char ref[24];
    grid_ref(row, c->cols[SMAP_TEXT], ref);
    char *where = arena_printf(c->r->arena, "%s!%s", c->g->name, ref);
    arena_grow(c->r->arena, (void **)&k->refs, &k->cap, k->n, sizeof *k->refs);
    k->refs[k->n++] = where;
    c->r->n_findings++;
    return 0;
}

static int findings_xml(smap_result *r, const grid *g, long hdr, const uint32_t cols[SMAP_N_FIELDS], int date1904,
                        int year, errs *x) {
    rows_ctx c = {.r = r, .g = g, .x = x, .date1904 = date1904, .year = year};
    memcpy(c.cols, cols, sizeof c.cols);
    const char *last_cat = NULL;
    int rc = 0;
    for (size_t row = (size_t)hdr + 1; row < g->n_rows && rc == 0 && x->n < 50; row++)
        rc = one_row(&c, (uint32_t)row, &last_cat);
    if (rc == 0 && !x->n && !r->n_findings)
        bad(x, g->name, (uint32_t)hdr + 1, 0, "no findings below the header row; fill in one row per problem");
    if (rc == 0 && !x->n) {
        rc = smap_out(r, NULL, "  <findings>\n");
        for (size_t i = 0; i < c.n_cats && rc == 0; i++) {
            category *k = &c.cats[i];
            buf line;
            buf_init(&line);
            buf_puts(&line, "    <category title=\"");
            smap_escape(&line, k->title, 1);
            buf_puts(&line, "\">\n");
            rc = smap_out(r, k->refs[0], line.data);
            buf_free(&line);
            /* one line per finding, each mapped to its row */
            if (rc == 0) rc = smap_out_lines(r, k->lines.data, k->lines.len, k->refs, k->n);
            if (rc == 0) rc = smap_out(r, k->refs[k->n - 1], "    </category>\n");
        }
        if (rc == 0) rc = smap_out(r, NULL, "  </findings>\n");
        r->n_categories = c.n_cats;
    }
    for (size_t i = 0; i < c.n_cats; i++) buf_free(&c.cats[i].lines);
    return rc;
}

/* ---- choosing the sheet ----------------------------------------------------------- */

static void found_headers(const grid *g, long row, buf *b) {
    if (row < 0 || (size_t)row >= g->n_rows) return;
    const grid_row *r = &g->rows[row];
    for (uint32_t k = 0; k < r->n && k < 20; k++) {
        char col[8];
        grid_col_name(r->cells[k].col, col);
        buf_printf(b, "%s%s %s", k ? ", " : "", col, r->cells[k].text);
    }
}

/* Header cells that name no field (or a field named before): import says
 * so, a column the clerk filled must not vanish unnoticed. */
static const char *ignored_columns(arena *a, const grid *g, long hdr) {
    if (hdr < 0 || (size_t)hdr >= g->n_rows) return NULL;
    const grid_row *r = &g->rows[hdr];
    int seen[SMAP_N_FIELDS] = {0};
    buf b;
    buf_init(&b);
    for (uint32_t k = 0; k < r->n; k++) {
        char t[200];
        const char *h = r->cells[k].kind == GRID_TEXT ? r->cells[k].text : NULL;
        int f = smap_column(h);
        if (f && !seen[f]++) continue;
        if (!h || !*h) continue;
        snprintf(t, sizeof t, "%s", h);
        for (char *p = t; *p; p++)
            if (*p == '\n') *p = ' ';
        char col[8];
        grid_col_name(r->cells[k].col, col);
        buf_printf(&b, "%s%s %s", b.len ? ", " : "", col, t);
    }
    const char *out = b.len ? arena_strdup(a, b.data) : NULL;
    buf_free(&b);
    return out;
}

/* The first row that has any text: what the user probably meant as header. */
static long first_row(const grid *g) {
    for (size_t r = 0; r < g->n_rows && r < 30; r++)
        if (g->rows[r].n) return (long)r;
    return -1;
}

static int check_columns(const grid *g, long hdr, const uint32_t cols[SMAP_N_FIELDS], const char *file, err *e) {
    const char *missing = NULL;
    if (cols[SMAP_TEXT] == UINT32_MAX) missing = "问题描述 (or 存在问题)";
    else if (cols[SMAP_CATEGORY] == UINT32_MAX) missing = "问题类别 (or 类别)";
    else if (cols[SMAP_DISTRICT] == UINT32_MAX && cols[SMAP_UNIT] == UINT32_MAX) missing = "区 (or 县（市、区）, or 单位)";
    if (!missing) return 0;
    buf f;
    buf_init(&f);
    found_headers(g, hdr >= 0 ? hdr : first_row(g), &f);
    err_set(e, TB_EINPUT, file, 0, 0, "%s: no column %s; the header row has: %s. Name the column as in the README's table",
            g->name, missing, f.len ? buf_cstr(&f) : "(nothing)");
    buf_free(&f);
    return -1;
}

/* ---- loading ------------------------------------------------------------------- */

typedef struct {
    xlsx_book *bk;
    grid *findings, *info;
} sources;

static int pick_xlsx(const char *path, const smap_opts *o, sources *src, err *e) {
    xlsx_book *bk = src->bk = xlsx_open_file(path, e);
    if (!bk) return -1;
    long fi = o->sheet ? xlsx_find_sheet(bk, o->sheet) : xlsx_find_sheet(bk, "问题清单");
    if (o->sheet && fi < 0) {
        buf names;
        buf_init(&names);
        for (size_t i = 0; i < xlsx_sheet_count(bk); i++)
            buf_printf(&names, "%s%s", i ? ", " : "", xlsx_sheet(bk, i)->name);
        err_set(e, TB_EINPUT, path, 0, 0, "no sheet \"%s\"; the workbook has: %s", o->sheet, buf_cstr(&names));
        buf_free(&names);
        return -1;
    }
    if (fi < 0) {
        /* the first visible sheet whose header reads as a 问题清单 */
        for (size_t i = 0; i < xlsx_sheet_count(bk) && fi < 0; i++) {
            if (xlsx_sheet(bk, i)->hidden || xlsx_find_sheet(bk, "通报信息") == (long)i) continue;
            grid *g = xlsx_load_sheet(bk, i, e);
            if (!g) return -1;
            uint32_t cols[SMAP_N_FIELDS];
            if (smap_header_row(g, SMAP_TEXT, 2, cols) >= 0) {
                fi = (long)i;
                src->findings = g;
            } else grid_free(g);
        }
        if (fi < 0) {
            long first = -1;
            for (size_t i = 0; i < xlsx_sheet_count(bk) && first < 0; i++)
                if (!xlsx_sheet(bk, i)->hidden) first = (long)i;
            if (first < 0) return err_set(e, TB_EINPUT, path, 0, 0, "every sheet is hidden; show the 问题清单 sheet");
            fi = first;
        }
    }
    if (!src->findings && !(src->findings = xlsx_load_sheet(bk, (size_t)fi, e))) return -1;
    long ii = xlsx_find_sheet(bk, "通报信息");
    if (ii < 0) ii = xlsx_find_sheet(bk, "基本信息");
    if (ii >= 0 && ii != fi && !o->header && !(src->info = xlsx_load_sheet(bk, (size_t)ii, e))) return -1;
    return 0;
}

int smap_load(const char *path, const smap_opts *o, smap_result *r, err *e) {
    memset(r, 0, sizeof *r);
    buf_init(&r->xml);
    r->source = path;
    r->header_file = o->header;
    r->arena = arena_new();
    sources src = {0};
    int rc = 0;
    if (is_csv(path)) {
        if (o->sheet) rc = err_set(e, TB_EUSAGE, path, 0, 0, "--sheet is for workbooks; a CSV file is one table");
        else if (!o->header)
            rc = err_set(e, TB_EUSAGE, path, 0, 0, "a CSV file holds only the 问题清单 table; give the bulletin's header "
                         "(标题, 发文机关, 成文日期, 系列 …) with --header FILE.xml, or use an .xlsx with a 通报信息 sheet");
        else if (!(src.findings = csv_read_file(path, o->encoding, e))) rc = -1;
    } else {
        if (o->encoding) rc = err_set(e, TB_EUSAGE, path, 0, 0, "--encoding is for CSV files; a workbook knows its own");
        else rc = pick_xlsx(path, o, &src, e);
    }
    int date1904 = src.bk ? xlsx_date1904(src.bk) : 0;
    uint32_t cols[SMAP_N_FIELDS];
    long hdr = -1;
    if (rc == 0) {
        hdr = smap_header_row(src.findings, SMAP_NONE, 1, cols);
        if (hdr < 0) for (int f = 0; f < SMAP_N_FIELDS; f++) cols[f] = UINT32_MAX;
        rc = check_columns(src.findings, hdr, cols, path, e);
    }
    sinfo info;
    sinfo_init(&info, r->arena);
    if (rc == 0) {
        r->findings_sheet = arena_strdup(r->arena, src.findings->name);
        r->ignored = ignored_columns(r->arena, src.findings, hdr);
        if (src.info) r->info_sheet = arena_strdup(r->arena, src.info->name);
        if (o->header) rc = sinfo_from_xml(&info, o->header, e);
        else if (src.info) rc = sinfo_from_grid(&info, src.info, date1904, path, e);
        else
            rc = err_set(e, TB_EINPUT, path, 0, 0, "no 通报信息 sheet; add one (two columns: 项目 and 内容, with 标题, "
                         "发文机关, 成文日期, 系列 …) or give the header with --header FILE.xml");
    }
    if (rc == 0) {
        errs x = {e, path, 0, {0}};
        buf_init(&x.more);
        /* the body first: the default bulletin id is taken from it */
        smap_result body = *r;
        buf_init(&body.xml);
        rc = findings_xml(&body, src.findings, hdr, cols, date1904, info.year, &x);
        if (errs_done(&x) < 0) rc = -1;
        if (rc == 0) rc = sinfo_write(&info, r, &body, e);
        buf_free(&body.xml);
    }
    /* sinfo_write frees the header's copied parts; an error before it did not */
    buf_free(&info.xml_before);
    buf_free(&info.xml_after);
    if (rc < 0 && e->code == 0) err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    r->from_cells = rc == 0 && !o->header;
    grid_free(src.findings);
    grid_free(src.info);
    xlsx_close(src.bk);
    return rc;
}

void smap_free(smap_result *r) {
    buf_free(&r->xml);
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

static void set_msg(err *e, const char *text) {
    size_t n = strlen(text);
    if (n >= sizeof e->msg) n = sizeof e->msg - 1;
    memcpy(e->msg, text, n);
    e->msg[n] = 0;
}

void smap_map_error(const smap_result *r, err *e) {
    if (!e->code || e->line <= 0 || !r->source) return;   /* not made from a workbook */
    const char *ref = (size_t)e->line <= r->n_lines ? r->line_ref[e->line] : NULL;
    char msg[sizeof e->msg], text[2 * sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    if (ref) {
        snprintf(e->file, sizeof e->file, "%s", r->source);
        snprintf(text, sizeof text, "%s: %s", ref, msg);
    } else if (r->header_file) {
        snprintf(e->file, sizeof e->file, "%s", r->header_file);
        snprintf(text, sizeof text, "%s (in the bulletin made from %s)", msg, r->source);
    } else {
        snprintf(e->file, sizeof e->file, "%s", r->source);
        snprintf(text, sizeof text, "%s: %s", r->info_sheet ? r->info_sheet : "通报信息", msg);
    }
    set_msg(e, text);
    e->line = e->col = 0;
}
