/* sheetinfo.c — the bulletin header of a workbook import (see sheetinfo.h). */
#include "sheetinfo.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellval.h"
#include "digest.h"

static const struct {
    int key;
    const char *name;   /* normalised (smap_norm) */
} keys[] = {
    {SI_TITLE, "标题"}, {SI_TITLE, "通报标题"}, {SI_TITLE, "文件标题"},
    {SI_ISSUER, "发文机关"}, {SI_ISSUER, "发文单位"}, {SI_ISSUER, "发布机关"}, {SI_ISSUER, "发文机关署名"},
    {SI_DATE, "成文日期"}, {SI_DATE, "发文日期"}, {SI_DATE, "印发日期"}, {SI_DATE, "日期"},
    {SI_DOCNO, "发文字号"}, {SI_DOCNO, "文号"}, {SI_DOCNO, "字号"},
    {SI_TO, "主送"}, {SI_TO, "主送机关"}, {SI_TO, "主送单位"},
    {SI_SERIES, "系列"}, {SI_SERIES, "通报系列"}, {SI_SERIES, "刊物"}, {SI_SERIES, "刊名"}, {SI_SERIES, "刊物名称"},
    {SI_ID, "编号"}, {SI_ID, "通报编号"}, {SI_ID, "批次编号"}, {SI_ID, "id"},
    {SI_CODE, "代码"}, {SI_CODE, "编号前缀"}, {SI_CODE, "问题编号前缀"}, {SI_CODE, "系列代码"},
    {SI_ISSUE, "期号"}, {SI_ISSUE, "期数"},
    {SI_TEMPLATE, "模板"}, {SI_TEMPLATE, "文种"}, {SI_TEMPLATE, "通报类型"},
    {SI_METHOD, "督查方式"}, {SI_METHOD, "检查方式"},
    {SI_PERIOD, "督查时段"}, {SI_PERIOD, "督查时间"}, {SI_PERIOD, "检查时间"},
    {SI_PFROM, "督查开始"}, {SI_PFROM, "开始时间"}, {SI_PFROM, "督查开始时间"},
    {SI_PTO, "督查结束"}, {SI_PTO, "结束时间"}, {SI_PTO, "督查结束时间"},
    {SI_INSPECTORS, "督查组"}, {SI_INSPECTORS, "督查单位"}, {SI_INSPECTORS, "督查人员"}, {SI_INSPECTORS, "督导组"},
    {SI_ACTION, "督查内容"}, {SI_ACTION, "督查事项"}, {SI_ACTION, "检查内容"},
    {SI_SCOPE, "督查范围"}, {SI_SCOPE, "涉及范围"}, {SI_SCOPE, "涉及"}, {SI_SCOPE, "共涉及"},
    {SI_ASSESS, "总体评价"}, {SI_ASSESS, "总体情况"}, {SI_ASSESS, "总体评估"},
    {SI_DEADLINE, "整改时限"}, {SI_DEADLINE, "整改期限"},
    {SI_REPORTTO, "报送单位"}, {SI_REPORTTO, "报送至"}, {SI_REPORTTO, "整改报送单位"}, {SI_REPORTTO, "结果报送"},
    {SI_MANNER, "报送方式"}, {SI_MANNER, "报送形式"},
    {SI_RESP, "整改责任单位"}, {SI_RESP, "责任单位"},
    {SI_LEAD, "要求导语"}, {SI_LEAD, "工作要求导语"}, {SI_LEAD, "要求开头"},
    {SI_REQ, "要求"}, {SI_REQ, "工作要求"},
    {SI_SEND, "本期送"}, {SI_SEND, "送"}, {SI_SEND, "报"},
    {SI_CC, "抄送"}, {SI_ISSUEDBY, "印发机关"}, {SI_ISSUEDBY, "印发单位"},
    {SI_EDITORS, "责任编辑"}, {SI_EDITORS, "编辑"},
    {SI_COPIES, "印数"}, {SI_COPIES, "共印"}, {SI_COPIES, "份数"},
};

static const char *key_name(int k) {
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (keys[i].key == k) return keys[i].name;
    return "?";
}

int sinfo_key(const char *k) {
    char n[256];
    smap_norm(k, n, sizeof n);
    /* 要求1, 要求2 …, 要求（一） */
    size_t l = strlen(n);
    while (l && ((n[l - 1] >= '0' && n[l - 1] <= '9') || n[l - 1] == '.')) n[--l] = 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(n, keys[i].name)) return keys[i].key;
    return SI_N;
}

void sinfo_init(sinfo *s, arena *a) {
    memset(s, 0, sizeof *s);
    s->a = a;
    buf_init(&s->xml_before);
    buf_init(&s->xml_after);
}

/* Rows that are not data: a header row 项目|内容, notes for the clerk. */
static int skip_key(const char *k) {
    char n[256];
    smap_norm(k, n, sizeof n);
    static const char *const skip[] = {"项目", "内容", "名称", "字段", "key", "value", "填写说明", "说明", "注", "备注", "填表说明"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (!strcmp(n, skip[i])) return 1;
    return !strncmp(n, "说明", 6) || !strncmp(n, "注:", 4) || !strncmp(n, "填表", 6);
}

static int add_req(sinfo *s, const char *line, const char *ref, const char *file, err *e) {
    /* "一要立行立改。…", "1、立行立改：…", "（一）立行立改：…" */
    const char *p = line;
    static const char *const lead[] = {"一要", "二要", "三要", "四要", "五要", "六要", "七要", "八要", "九要", "十要"};
    for (size_t i = 0; i < 10; i++)
        if (!strncmp(p, lead[i], strlen(lead[i]))) p += strlen(lead[i]);
    while ((*p >= '0' && *p <= '9') || *p == '.' || *p == ' ') p++;
    if (!strncmp(p, "、", 3)) p += 3;
    const char *sep = NULL;
    size_t sl = 0;
    static const char *const seps[] = {"：", ":", "。"};
    for (size_t i = 0; i < 3 && !sep; i++)
        if ((sep = strstr(p, seps[i]))) sl = strlen(seps[i]);
    if (!sep || sep == p || !sep[sl])
        return err_set(e, TB_EINPUT, file, 0, 0, "%s: write a requirement as 标题：内容 (e.g. 立行立改：对通报问题要逐项建立台账), "
                       "not \"%s\"", ref, line);
    arena_grow(s->a, (void **)&s->reqs, &s->cap_reqs, s->n_reqs, sizeof *s->reqs);
    sinfo_req *r = &s->reqs[s->n_reqs++];
    r->title = arena_strndup(s->a, p, (size_t)(sep - p));
    r->text = arena_strdup(s->a, sep + sl);
    r->ref = ref;
    return r->title && r->text ? 0 : -1;
}

int sinfo_from_grid(sinfo *s, const grid *g, int date1904, const char *file, err *e) {
    s->g = g;
    s->date1904 = date1904;
    for (size_t r = 0; r < g->n_rows; r++) {
        const grid_row *row = &g->rows[r];
        uint32_t k = 0;
        while (k < row->n && !grid_text(g, (uint32_t)r, row->cells[k].col)) k++;
        if (k == row->n) continue;
        const grid_cell *kc = &row->cells[k];
        /* the value is the cell right of the key (a third column may hold notes) */
        const grid_cell *vc = grid_get(g, (uint32_t)r, kc->col + 1);
        if (vc && vc->kind == GRID_EMPTY && !vc->formula) vc = NULL;
        char blank[4];
        if (vc && vc->kind == GRID_TEXT && !cellval_text(vc, blank, sizeof blank)) vc = NULL;
        char kref[24];
        grid_ref((uint32_t)r, kc->col, kref);
        if (kc->kind != GRID_TEXT || skip_key(kc->text)) continue;
        int key = sinfo_key(kc->text);
        if (key == SI_N)
            return err_set(e, TB_EINPUT, file, 0, 0, "%s!%s: \"%s\" is not a key tongbao knows; use 标题, 发文机关, 成文日期, "
                           "发文字号, 主送, 系列, 编号, 模板, 督查方式, 督查时段, 督查组, 督查内容, 督查范围, 总体评价, "
                           "整改时限, 报送单位, 报送方式, 要求, 抄送 … (README: 通报信息)", g->name, kref, kc->text);
        if (!vc) continue;   /* a key left empty: as if absent */
        char vref[24];
        grid_ref((uint32_t)r, vc->col, vref);
        const char *ref = arena_printf(s->a, "%s!%s", g->name, vref);
        if (vc->kind == GRID_ERROR || (vc->kind == GRID_EMPTY && vc->formula))
            return err_set(e, TB_EINPUT, file, 0, 0, "%s: %s; type the value", ref,
                           vc->kind == GRID_ERROR ? "the formula gives an error" : "a formula without a saved value");
        if (key == SI_REQ) {
            char *v = cellval_dup(s->a, vc);
            for (char *line = v, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next) *next++ = 0;
                while (*line == ' ') line++;
                if (*line && add_req(s, line, ref, file, e) < 0) return -1;
            }
            continue;
        }
        if (s->cell[key])
            return err_set(e, TB_EINPUT, file, 0, 0, "%s: %s is given twice (also at %s); keep one", ref, key_name(key),
                           s->ref[key]);
        s->cell[key] = vc;
        s->ref[key] = ref;
    }
    /* the year dates like 11月22日 belong to */
    char iso[20];
    const char *why;
    if (s->cell[SI_DATE] && cellval_date(s->cell[SI_DATE], date1904, 0, 0, iso, &why) == 0) s->year = atoi(iso);
    return 0;
}

/* ---- values --------------------------------------------------------------- */

typedef struct {
    sinfo *s;
    smap_result *r;
    const char *file;
    err *e;
    buf line;
} wr;

static const char *text_of(sinfo *s, int key) {
    return s->cell[key] ? cellval_dup(s->a, s->cell[key]) : NULL;
}

static int need(wr *w, int key) {
    if (w->s->cell[key]) return 0;
    const char *g = w->s->g ? w->s->g->name : "通报信息";
    return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: no %s row; add one (%s in column A, its value in column B)", g,
                   key_name(key), key_name(key));
}

static int date_of(wr *w, int key, int with_time, char out[20]) {
    const char *why;
    if (cellval_date(w->s->cell[key], w->s->date1904, w->s->year, with_time, out, &why) == 0) return 0;
    char shown[200];
    return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: %s \"%s\" %s", w->s->ref[key], key_name(key),
                   cellval_text(w->s->cell[key], shown, sizeof shown) ? shown : "", why);
}

static void a(buf *b, const char *name, const char *v) {
    if (!v) return;
    buf_printf(b, " %s=\"", name);
    smap_escape(b, v, 1);
    buf_puts(b, "\"");
}

static int emit(wr *w, const char *ref) {
    int rc = smap_out(w->r, ref, buf_cstr(&w->line));
    buf_reset(&w->line);
    return rc;
}

/* <el>value</el> on its own line, when the key was given. */
static int simple(wr *w, const char *indent, const char *el, int key) {
    const char *v = text_of(w->s, key);
    if (!v) return 0;
    buf_printf(&w->line, "%s<%s>", indent, el);
    smap_escape(&w->line, v, 0);
    buf_printf(&w->line, "</%s>\n", el);
    return emit(w, w->s->ref[key]);
}

static const char *template_name(const char *v) {
    static const char *const map[][2] = {{"督查通报", "dubao"}, {"督导通报", "dubao"}, {"简报", "jianbao"},
                                         {"工作简报", "jianbao"}, {"问责通报", "wenze"}, {"典型案例通报", "wenze"},
                                         {"整改通知", "zhenggai"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(v, map[i][0])) return map[i][1];
    return v;
}

static int ascii_key(const char *v, int letters_only, size_t max) {
    size_t n = strlen(v);
    if (!n || n > max) return 0;
    for (const char *p = v; *p; p++) {
        int ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
        if (!letters_only) ok = ok || (*p >= '0' && *p <= '9') || (p > v && (*p == '.' || *p == '_' || *p == '-'));
        if (!ok) return 0;
    }
    return 1;
}

static int bulletin_start(wr *w, const smap_result *body) {
    sinfo *s = w->s;
    const char *series = text_of(s, SI_SERIES), *id = text_of(s, SI_ID), *code = text_of(s, SI_CODE);
    const char *issue = text_of(s, SI_ISSUE), *tpl = text_of(s, SI_TEMPLATE);
    char date[20];
    if (need(w, SI_SERIES) < 0 || need(w, SI_TITLE) < 0 || need(w, SI_ISSUER) < 0 || need(w, SI_DATE) < 0 ||
        date_of(w, SI_DATE, 0, date) < 0)
        return -1;
    char defid[64];
    if (id && !ascii_key(id, 0, 64))
        return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: 编号 \"%s\" is the bulletin's key: 1-64 letters, digits, "
                       ". _ or - (e.g. jc-2026-11-20); or leave it out and tongbao makes one", s->ref[SI_ID], id);
    if (!id) {
        /* the same workbook gives the same id, so issuing it twice issues once */
        buf all;
        buf_init(&all);
        buf_puts(&all, series);
        buf_add(&all, "\n", 1);
        buf_add(&all, body->xml.data ? body->xml.data : "", body->xml.len);
        char hex[DIGEST_HEX_LEN + 1];
        digest_sha256_hex(all.data, all.len, hex);
        buf_free(&all);
        snprintf(defid, sizeof defid, "sheet-%.4s%.2s%.2s-%.8s", date, date + 5, date + 8, hex);
        id = defid;
    }
    if (code && !ascii_key(code, 1, 16))
        return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: 代码 \"%s\" is the prefix of finding IDs: 1-16 letters, like JC",
                       s->ref[SI_CODE], code);
    if (issue && (atoi(issue) < 1 || atoi(issue) > 9999 || strspn(issue, "0123456789") != strlen(issue)))
        return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: 期号 \"%s\" is not a number from 1 to 9999", s->ref[SI_ISSUE], issue);
    if (tpl) tpl = template_name(tpl);
    if (tpl && !ascii_key(tpl, 0, 64))
        return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: 模板 \"%s\" is not a template; use 督查通报, 简报, 问责通报, "
                       "整改通知 or a template's name (tongbao templates)", s->ref[SI_TEMPLATE], tpl);
    if (smap_out(w->r, NULL, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") < 0) return -1;
    buf_puts(&w->line, "<bulletin version=\"1\"");
    a(&w->line, "id", id);
    a(&w->line, "series", series);
    a(&w->line, "template", tpl);
    a(&w->line, "code", code);
    a(&w->line, "issue", issue);
    buf_puts(&w->line, ">\n  <header>\n");
    if (emit(w, s->ref[SI_SERIES]) < 0 || simple(w, "    ", "title", SI_TITLE) < 0 ||
        simple(w, "    ", "issuer", SI_ISSUER) < 0)
        return -1;
    buf_printf(&w->line, "    <date>%s</date>\n", date);
    if (emit(w, s->ref[SI_DATE]) < 0 || simple(w, "    ", "doc-number", SI_DOCNO) < 0 || simple(w, "    ", "to", SI_TO) < 0)
        return -1;
    buf_puts(&w->line, "  </header>\n");
    return emit(w, NULL);
}

/* Split a list cell on 、，,;； and line breaks; calls fn for each item. */
static int each_item(const char *v, int (*fn)(wr *, const char *, size_t), wr *w) {
    const char *p = v;
    while (*p) {
        size_t n = 0, best = strlen(p), sl = 0;
        static const char *const seps[] = {"、", "，", ",", ";", "；", "\n"};
        for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
            const char *q = strstr(p, seps[i]);
            if (q && (size_t)(q - p) < best) best = (size_t)(q - p), sl = strlen(seps[i]);
        }
        n = best;
        while (n && p[n - 1] == ' ') n--;
        const char *s = p;
        while (*s == ' ' && n) s++, n--;
        if (n && fn(w, s, n) < 0) return -1;
        p += best + sl;
        if (!sl) break;
    }
    return 0;
}

static int inspector(wr *w, const char *s, size_t n) {
    buf_puts(&w->line, "      <inspector>");
    char *t = arena_strndup(w->s->a, s, n);
    if (!t) return -1;
    smap_escape(&w->line, t, 0);
    buf_puts(&w->line, "</inspector>\n");
    return emit(w, w->s->ref[SI_INSPECTORS]);
}

/* "6个街道" → <count what="街道" unit="个">6</count> */
static int count(wr *w, const char *s, size_t n) {
    size_t k = 0;
    while (k < n && s[k] >= '0' && s[k] <= '9') k++;
    if (!k || k > 9 || k == n)
        return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: 督查范围 items are a number, a unit and what was counted, like "
                       "6个街道、41个社区（村）; \"%.*s\" is not", w->s->ref[SI_SCOPE], (int)n, s);
    static const char *const units[] = {"个", "家", "处", "所", "户", "名", "人", "辆", "台", "条", "座", "栋", "间",
                                        "次", "项", "批", "支", "件", "片", "段"};
    const char *unit = NULL;
    for (size_t i = 0; i < sizeof units / sizeof *units && !unit; i++)
        if (n - k > 3 && !strncmp(s + k, units[i], 3)) unit = units[i];
    const char *what = s + k + (unit ? 3 : 0);
    char *wh = arena_strndup(w->s->a, what, n - (size_t)(what - s));
    char *num = arena_strndup(w->s->a, s, k);
    if (!wh || !num) return -1;
    buf_puts(&w->line, "      <count");
    a(&w->line, "what", wh);
    a(&w->line, "unit", unit);
    buf_printf(&w->line, ">%s</count>\n", num);
    return emit(w, w->s->ref[SI_SCOPE]);
}

/* 督查时段: a date cell, "11月20日晚至11月21日", "2026-11-20 19:00 至 2026-11-21". */
static int period(wr *w) {
    sinfo *s = w->s;
    char from[20] = "", to[20] = "";
    const char *text = NULL, *ref = s->ref[SI_PERIOD] ? s->ref[SI_PERIOD] : s->ref[SI_PFROM];
    if (s->cell[SI_PERIOD] && s->cell[SI_PFROM]) {
        text = text_of(s, SI_PERIOD);   /* the dates are given: the words are printed as written */
    } else if (s->cell[SI_PERIOD]) {
        const grid_cell *c = s->cell[SI_PERIOD];
        const char *why;
        if (c->kind == GRID_NUMBER || c->kind == GRID_DATE) {
            if (cellval_date(c, s->date1904, s->year, 1, from, &why) < 0) return date_of(w, SI_PERIOD, 1, from);
        } else {
            const char *v = text_of(s, SI_PERIOD);
            static const char *const seps[] = {"至", "到", "~", "～", "—"};
            const char *sep = NULL;
            size_t sl = 0;
            for (size_t i = 0; i < sizeof seps / sizeof *seps && !sep; i++)
                if ((sep = strstr(v, seps[i]))) sl = strlen(seps[i]);
            size_t used;
            char left[256];
            snprintf(left, sizeof left, "%.*s", sep ? (int)(sep - v) : (int)strlen(v), v);
            if (cellval_date_text(left, s->year, 1, from, &used, &why) < 0 ||
                (sep && cellval_date_text(sep + sl, s->year, 1, to, &used, &why) < 0))
                return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: 督查时段 \"%s\" needs dates tongbao can read: write it "
                               "like 11月20日晚至11月21日 or 2026-11-20 19:00 至 2026-11-21, or give 督查开始 and 督查结束",
                               ref, v);
            if (strstr(v, "月")) text = v;   /* worded by the clerk: printed as written */
        }
    }
    if (s->cell[SI_PFROM] && date_of(w, SI_PFROM, 1, from) < 0) return -1;
    if (s->cell[SI_PTO] && date_of(w, SI_PTO, 1, to) < 0) return -1;
    if (!from[0] && to[0]) return need(w, SI_PFROM);
    if (!from[0]) return 0;
    buf_printf(&w->line, "    <period from=\"%s\"", from);
    if (to[0]) buf_printf(&w->line, " to=\"%s\"", to);
    buf_puts(&w->line, ">");
    smap_escape(&w->line, text, 0);
    buf_puts(&w->line, "</period>\n");
    return emit(w, ref);
}

static int inspection(wr *w) {
    sinfo *s = w->s;
    static const int parts[] = {SI_METHOD, SI_PERIOD, SI_PFROM, SI_PTO, SI_INSPECTORS, SI_ACTION, SI_SCOPE, SI_ASSESS};
    int any = 0;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) any |= s->cell[parts[i]] != NULL;
    if (!any) return 0;
    buf_puts(&w->line, "  <inspection");
    a(&w->line, "method", text_of(s, SI_METHOD));
    buf_puts(&w->line, ">\n");
    if (emit(w, s->ref[SI_METHOD]) < 0 || period(w) < 0) return -1;
    if (s->cell[SI_INSPECTORS]) {
        buf_puts(&w->line, "    <inspectors>\n");
        if (emit(w, s->ref[SI_INSPECTORS]) < 0 || each_item(text_of(s, SI_INSPECTORS), inspector, w) < 0) return -1;
        buf_puts(&w->line, "    </inspectors>\n");
        if (emit(w, s->ref[SI_INSPECTORS]) < 0) return -1;
    }
    if (simple(w, "    ", "action", SI_ACTION) < 0) return -1;
    if (s->cell[SI_SCOPE]) {
        buf_puts(&w->line, "    <scope>\n");
        if (emit(w, s->ref[SI_SCOPE]) < 0 || each_item(text_of(s, SI_SCOPE), count, w) < 0) return -1;
        buf_puts(&w->line, "    </scope>\n");
        if (emit(w, s->ref[SI_SCOPE]) < 0) return -1;
    }
    if (simple(w, "    ", "assessment", SI_ASSESS) < 0) return -1;
    buf_puts(&w->line, "  </inspection>\n");
    return emit(w, NULL);
}

static int tail(wr *w) {
    sinfo *s = w->s;
    if (s->cell[SI_DEADLINE] || s->cell[SI_REPORTTO] || s->cell[SI_MANNER] || s->cell[SI_RESP]) {
        char dl[20];
        if (need(w, SI_DEADLINE) < 0 || need(w, SI_REPORTTO) < 0 || date_of(w, SI_DEADLINE, 1, dl) < 0) return -1;
        buf_puts(&w->line, "  <rectification");
        a(&w->line, "deadline", dl);
        a(&w->line, "report-to", text_of(s, SI_REPORTTO));
        a(&w->line, "manner", text_of(s, SI_MANNER));
        a(&w->line, "responsible", text_of(s, SI_RESP));
        buf_puts(&w->line, "/>\n");
        if (emit(w, s->ref[SI_DEADLINE]) < 0) return -1;
    }
    if (s->cell[SI_LEAD] || s->n_reqs) {
        buf_puts(&w->line, "  <requirements>\n");
        if (emit(w, NULL) < 0 || simple(w, "    ", "lead", SI_LEAD) < 0) return -1;
        for (size_t i = 0; i < s->n_reqs; i++) {
            buf_puts(&w->line, "    <requirement");
            a(&w->line, "title", s->reqs[i].title);
            buf_puts(&w->line, ">");
            smap_escape(&w->line, s->reqs[i].text, 0);
            buf_puts(&w->line, "</requirement>\n");
            if (emit(w, s->reqs[i].ref) < 0) return -1;
        }
        buf_puts(&w->line, "  </requirements>\n");
        if (emit(w, NULL) < 0) return -1;
    }
    if (s->cell[SI_SEND] || s->cell[SI_CC] || s->cell[SI_ISSUEDBY] || s->cell[SI_EDITORS] || s->cell[SI_COPIES]) {
        const char *copies = text_of(s, SI_COPIES);
        if (copies && (strspn(copies, "0123456789") != strlen(copies) || atol(copies) < 1 || strlen(copies) > 9))
            return err_set(w->e, TB_EINPUT, w->file, 0, 0, "%s: 印数 \"%s\" is not a number of copies", s->ref[SI_COPIES], copies);
        buf_puts(&w->line, "  <distribution>\n");
        if (emit(w, NULL) < 0 || simple(w, "    ", "send", SI_SEND) < 0 || simple(w, "    ", "cc", SI_CC) < 0 ||
            simple(w, "    ", "issued-by", SI_ISSUEDBY) < 0 || simple(w, "    ", "editors", SI_EDITORS) < 0 ||
            simple(w, "    ", "copies", SI_COPIES) < 0)
            return -1;
        buf_puts(&w->line, "  </distribution>\n");
        if (emit(w, NULL) < 0) return -1;
    }
    return 0;
}

/* body's lines, each with the cell it came from */
static int copy_body(smap_result *r, const smap_result *body) {
    if (smap_out_lines(r, body->xml.data ? body->xml.data : "", body->xml.len, body->line_ref ? body->line_ref + 1 : NULL,
                       body->n_lines) < 0)
        return -1;
    r->n_findings = body->n_findings;
    r->n_categories = body->n_categories;
    return 0;
}

int sinfo_write(sinfo *s, smap_result *r, const smap_result *body, err *e) {
    wr w = {s, r, r->source, e, {0}};
    buf_init(&w.line);
    int rc;
    if (s->from_xml) {
        rc = smap_out(r, NULL, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        if (rc == 0) rc = smap_out(r, NULL, s->xml_head);
        if (rc == 0) rc = smap_out(r, NULL, buf_cstr(&s->xml_before) ? buf_cstr(&s->xml_before) : "");
        if (rc == 0) rc = copy_body(r, body);
        if (rc == 0) rc = smap_out(r, NULL, buf_cstr(&s->xml_after) ? buf_cstr(&s->xml_after) : "");
        if (rc == 0) rc = smap_out(r, NULL, "</bulletin>\n");
    } else {
        rc = bulletin_start(&w, body);
        if (rc == 0) rc = inspection(&w);
        if (rc == 0) rc = copy_body(r, body);
        if (rc == 0) rc = tail(&w);
        if (rc == 0) rc = smap_out(r, NULL, "</bulletin>\n");
    }
    buf_free(&w.line);
    buf_free(&s->xml_before);
    buf_free(&s->xml_after);
    if (rc < 0 && !e->code) err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    return rc;
}

/* ---- --header FILE ------------------------------------------------------------ */

int sinfo_from_xml(sinfo *s, const char *path, err *e) {
    size_t len;
    char *data = file_read(path, (size_t)4 << 20, &len, e);
    if (!data) return -1;
    xmlDocPtr doc = xmlReadMemory(data, (int)len, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(data);
    if (!doc) {
        xmlErrorPtr xe = xmlGetLastError();
        return err_set(e, TB_EINPUT, path, xe ? xe->line : 0, xe ? xe->int2 : 0, "--header: not well-formed XML: %s",
                       xe && xe->message ? xe->message : "?");
    }
    int rc = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (doc->intSubset && (doc->intSubset->children || doc->intSubset->ExternalID || doc->intSubset->SystemID))
        rc = err_set(e, TB_EINPUT, path, 0, 0, "--header: DTD declarations are refused (see README: input)");
    else if (!root || strcmp((const char *)root->name, "bulletin"))
        rc = err_set(e, TB_EINPUT, path, root ? root->line : 0, 0,
                     "--header wants a <bulletin> (a findings file without <findings>), not <%s>", root ? (const char *)root->name : "");
    buf head;
    buf_init(&head);
    if (rc == 0) {
        buf_puts(&head, "<bulletin");
        for (xmlAttrPtr at = root->properties; at; at = at->next) {
            xmlChar *v = xmlNodeListGetString(doc, at->children, 1);
            buf_printf(&head, " %s=\"", (const char *)at->name);
            smap_escape(&head, v ? (const char *)v : "", 1);
            buf_puts(&head, "\"");
            xmlFree(v);
        }
        buf_puts(&head, ">\n");
        if (!(s->xml_head = arena_strdup(s->a, buf_cstr(&head)))) rc = -1;
        int after = 0;
        for (xmlNodePtr c = root->children; c && rc == 0; c = c->next) {
            if (c->type != XML_ELEMENT_NODE) continue;
            const char *n = (const char *)c->name;
            if (!strcmp(n, "findings")) continue;   /* the workbook's rows replace these */
            if (!strcmp(n, "rectification") || !strcmp(n, "requirements") || !strcmp(n, "cases") || !strcmp(n, "distribution"))
                after = 1;
            if (!strcmp(n, "header"))
                for (xmlNodePtr d = c->children; d; d = d->next)
                    if (d->type == XML_ELEMENT_NODE && !strcmp((const char *)d->name, "date")) {
                        xmlChar *v = xmlNodeGetContent(d);
                        const char *why;
                        char iso[20];
                        size_t used;
                        if (v && cellval_date_text((const char *)v, 0, 0, iso, &used, &why) == 0) s->year = atoi(iso);
                        xmlFree(v);
                    }
            xmlBufferPtr xb = xmlBufferCreate();
            if (!xb || xmlNodeDump(xb, doc, c, 1, 0) < 0) rc = -1;
            else {
                buf *dst = after ? &s->xml_after : &s->xml_before;
                buf_puts(dst, "  ");
                buf_add(dst, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
                buf_puts(dst, "\n");
            }
            xmlBufferFree(xb);
        }
    }
    buf_free(&head);
    xmlFreeDoc(doc);
    s->from_xml = 1;
    if (rc < 0 && !e->code) err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    return rc;
}
