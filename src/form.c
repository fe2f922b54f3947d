/* form.c — the 问题清单 workbook to fill in (see form.h). */
#include "form.h"

#include <stdio.h>
#include <string.h>

#include "xlsxw.h"

enum { F_SEQ, F_DISTRICT, F_STREET, F_COMMUNITY, F_SITE, F_UNIT, F_CATEGORY, F_TEXT, F_DEADLINE, F_RESP, F_OBSERVED,
       F_NOTE, F_N };
static const char *const fhead[F_N] = {"序号", "区", "街道", "社区", "点位", "单位", "问题类别", "问题描述",
                                       "整改时限", "责任单位", "发现时间", "备注"};
static const double fwidth[F_N] = {6, 10, 12, 12, 16, 16, 16, 50, 17, 16, 17, 20};
#define FORM_ROWS 2000      /* rows the drop-downs and checks cover */

/* "2026-11-22T17:00" → "2026-11-22 17:00" */
static const char *dt(const char *iso, char *out, size_t cap) {
    if (!iso) return NULL;
    snprintf(out, cap, "%s", iso);
    char *t = strchr(out, 'T');
    if (t) *t = ' ';
    return out;
}

/* A drop-down of items: written into the rule itself when the list, joined
 * with commas, fits 255 bytes, else as a range of the hidden 下拉选项 sheet.
 * Excel's limit is 255 characters, but libxlsxwriter 1.1 (Debian 12) joins
 * the items into a 256-byte buffer after checking only the characters: a
 * list of Chinese names between 256 bytes and 255 characters overflowed it
 * and aborted the program.  An item with a comma or a quote would not
 * survive the inline form either.  (The range form is the one libxlsxwriter
 * 1.1 does not free all of: tests/lsan.supp.) */
static void validation_list(lxw_worksheet *ws, uint16_t col, const char *const *items, size_t n, const char *range,
                            const char *title, const char *msg) {
    lxw_data_validation dv = {0};
    size_t bytes = 0;
    int plain = 1;
    for (size_t i = 0; i < n; i++) {
        bytes += strlen(items[i]) + (i > 0);
        if (strpbrk(items[i], ",\"")) plain = 0;
    }
    const char *list[65];
    if (plain && bytes <= 255 && n < 65) {
        for (size_t i = 0; i < n; i++) list[i] = items[i];
        list[n] = NULL;
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = (char **)list;
    } else {
        dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
        dv.value_formula = (char *)range;
    }
    dv.input_title = (char *)title;
    dv.input_message = (char *)msg;
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_INFORMATION;
    dv.error_title = (char *)title;
    dv.error_message = "不在常用列表中；如确需新增，请点“确定”";
    worksheet_data_validation_range(ws, 1, col, FORM_ROWS, col, &dv);
}

static void validation_date(lxw_worksheet *ws, uint32_t r0, uint16_t col, uint32_t r1, const char *title) {
    lxw_data_validation dv = {0};
    dv.validate = LXW_VALIDATION_TYPE_DATE;
    dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    dv.minimum_datetime = (lxw_datetime){2000, 1, 1, 0, 0, 0};
    dv.maximum_datetime = (lxw_datetime){2099, 12, 31, 23, 59, 0};
    dv.input_title = (char *)title;
    dv.input_message = "写作 2026-11-22 或 2026-11-22 17:00";
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
    dv.error_title = (char *)title;
    dv.error_message = "不像日期；请写作 2026-11-22 或 2026-11-22 17:00";
    worksheet_data_validation_range(ws, r0, col, r1, col, &dv);
}

static int findings_sheet(xlsxw *x, const form_opts *o) {
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "问题清单");
    if (!ws) return -1;
    for (int k = 0; k < F_N; k++) worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, fwidth[k], NULL);
    worksheet_set_row(ws, 0, 24, NULL);
    for (int k = 0; k < F_N; k++) xlsxw_text(ws, 0, (lxw_col_t)k, fhead[k], x->head);
    worksheet_freeze_panes(ws, 1, 0);
    uint32_t row = 1;
    const model_bulletin *b = o->from;
    if (b) {
        char seq[16], d1[32], d2[32];
        for (size_t c = 0; c < b->n_categories; c++)
            for (size_t i = 0; i < b->categories[c].n_findings; i++, row++) {
                const model_finding *f = &b->categories[c].findings[i];
                snprintf(seq, sizeof seq, "%u", row);
                const char *v[F_N] = {seq, f->district, f->street, f->community, f->site, f->unit,
                                      b->categories[c].title, f->text, dt(f->deadline, d1, sizeof d1),
                                      f->responsible, dt(f->observed, d2, sizeof d2), NULL};
                for (int k = 0; k < F_N; k++)
                    if (xlsxw_text(ws, row, (lxw_col_t)k, v[k], x->open) < 0) return -1;
            }
    } else {
        static const char *const ex[F_N] = {"示例", "东湖区", "青山街道", "和平社区", "锦绣小区", "",
                                            "卡点值守不到位", "北门无人值守，进出人员未测体温", "2026-11-22 17:00",
                                            "青山街道办事处", "2026-11-20 21:30", "示例行（序号为“示例”的行不导入），可删除"};
        for (int k = 0; k < F_N; k++) xlsxw_text(ws, 1, (lxw_col_t)k, ex[k], x->example);
    }
    if (o->n_districts) {
        char range[64];
        snprintf(range, sizeof range, "=下拉选项!$A$1:$A$%zu", o->n_districts);
        validation_list(ws, F_DISTRICT, o->districts, o->n_districts, range, "区",
                        "从列表选择区（县、市）；市直单位的问题填在“单位”列");
    }
    if (o->n_categories) {
        char range[64];
        snprintf(range, sizeof range, "=下拉选项!$B$1:$B$%zu", o->n_categories);
        validation_list(ws, F_CATEGORY, o->categories, o->n_categories, range, "问题类别",
                        "常用类别；同一类别的问题归为一段（一是…）");
    }
    validation_date(ws, 1, F_DEADLINE, FORM_ROWS, "整改时限");
    validation_date(ws, 1, F_OBSERVED, FORM_ROWS, "发现时间");
    worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 1, F_N - 1);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_repeat_rows(ws, 0, 0);
    worksheet_fit_to_pages(ws, 1, 0);
    return 0;
}

typedef struct {
    const char *key, *hint;
} info_key;

static const info_key keys[] = {
    {"系列", "必填：通报的刊名，期号按它和年份编排，如 江城市疫情防控督查通报"},
    {"编号", "本期的唯一编号（字母、数字、-），如 jc-2026-11-20-night；可不填"},
    {"代码", "问题编号前缀（字母），如 JC；可不填"},
    {"标题", "必填：如 江城市城区疫情防控工作督查通报"},
    {"发文机关", "必填：如 江城市疫情防控指挥部督导组"},
    {"成文日期", "必填：如 2026-11-21"},
    {"发文字号", "如 江防督〔2026〕7号"},
    {"主送", "如 东湖区、西山区疫情防控指挥部"},
    {"模板", "督查通报、简报、问责通报或整改通知；默认督查通报"},
    {"督查方式", "如 暗访"},
    {"督查时段", "如 11月20日晚至11月21日（照写印出）"},
    {"督查开始", "可不填；如 2026-11-20 19:00"},
    {"督查结束", "可不填；如 2026-11-21"},
    {"督查组", "多个用顿号分隔，如 市疫情防控指挥部督导组、市委组织部"},
    {"督查内容", "如 对城区各街道疫情防控措施落实情况进行暗访"},
    {"督查范围", "如 6个街道、41个社区（村）、58个卡点"},
    {"总体评价", "如 总体来看，……但仍存在一些薄弱环节，"},
    {"整改时限", "如 2026-11-22 17:00"},
    {"报送单位", "整改结果报送至，如 市疫情防控指挥部督导问责组"},
    {"报送方式", "如 以党组织名义"},
    {"整改责任单位", "可不填；默认为各区（及相关单位）"},
    {"要求导语", "如 各区各部门要进一步压实责任，坚决堵塞防控漏洞。"},
    {"要求", "一行一条，写作 标题：内容，如 立行立改：对通报问题要逐项建立台账，限时整改销号。"},
    {"要求", ""},
    {"本期送", "如 市委、市政府领导"},
    {"抄送", "如 市纪委监委，市委组织部"},
    {"印发机关", "默认同发文机关"},
    {"责任编辑", ""},
    {"印数", "份数，如 40"},
};

/* What a key holds in a findings file (the --from form). */
static const char *from_value(const model_bulletin *b, const char *key, size_t *req, buf *tmp) {
    buf_reset(tmp);
    if (!strcmp(key, "系列")) return b->series;
    if (!strcmp(key, "编号")) return b->id;
    if (!strcmp(key, "代码")) return b->series_code;
    if (!strcmp(key, "标题")) return b->title;
    if (!strcmp(key, "发文机关")) return b->issuer;
    if (!strcmp(key, "成文日期")) return b->date;
    if (!strcmp(key, "发文字号")) return b->doc_number;
    if (!strcmp(key, "主送")) return b->to;
    if (!strcmp(key, "模板")) return b->template_name;
    if (!strcmp(key, "督查方式")) return b->method;
    if (!strcmp(key, "督查时段")) return b->period_text;
    if (!strcmp(key, "督查开始")) return b->period_from ? dt(b->period_from, tmp->data, tmp->cap) : NULL;
    if (!strcmp(key, "督查结束")) return b->period_to ? dt(b->period_to, tmp->data, tmp->cap) : NULL;
    if (!strcmp(key, "督查组")) {
        for (size_t i = 0; i < b->n_inspectors; i++) buf_printf(tmp, "%s%s", i ? "、" : "", b->inspectors[i]);
        return tmp->len ? buf_cstr(tmp) : NULL;
    }
    if (!strcmp(key, "督查内容")) return b->action;
    if (!strcmp(key, "督查范围")) {
        for (size_t i = 0; i < b->n_counts; i++)
            buf_printf(tmp, "%s%s%s%s", i ? "、" : "", b->counts[i].number, b->counts[i].unit ? b->counts[i].unit : "",
                       b->counts[i].what);
        return tmp->len ? buf_cstr(tmp) : NULL;
    }
    if (!strcmp(key, "总体评价")) return b->assessment;
    if (!strcmp(key, "整改时限")) return b->rect_deadline ? dt(b->rect_deadline, tmp->data, tmp->cap) : NULL;
    if (!strcmp(key, "报送单位")) return b->rect_report_to;
    if (!strcmp(key, "报送方式")) return b->rect_manner;
    if (!strcmp(key, "整改责任单位")) return b->rect_responsible;
    if (!strcmp(key, "要求导语")) return b->req_lead;
    if (!strcmp(key, "要求")) {   /* all of them in the first 要求 row, one a line */
        for (; *req < b->n_requirements; (*req)++)
            buf_printf(tmp, "%s%s：%s", tmp->len ? "\n" : "", b->requirements[*req].title, b->requirements[*req].text);
        return tmp->len ? buf_cstr(tmp) : NULL;
    }
    if (!strcmp(key, "本期送")) return b->dist_send;
    if (!strcmp(key, "抄送")) return b->dist_cc;
    if (!strcmp(key, "印发机关")) return b->dist_issued_by;
    if (!strcmp(key, "责任编辑")) return b->dist_editors;
    if (!strcmp(key, "印数")) return b->dist_copies;
    return NULL;
}

static int info_sheet(xlsxw *x, const form_opts *o) {
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "通报信息");
    if (!ws) return -1;
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 1, 1, 56, NULL);
    worksheet_set_column(ws, 2, 2, 60, NULL);
    static const char *const h[] = {"项目", "内容", "说明"};
    for (int k = 0; k < 3; k++) xlsxw_text(ws, 0, (lxw_col_t)k, h[k], x->head);
    worksheet_freeze_panes(ws, 1, 0);
    buf tmp;
    buf_init(&tmp);
    buf_add(&tmp, "                                ", 32);   /* room for a date-time */
    size_t req = 0;
    uint32_t row = 1;
    int rc = 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys && rc == 0; i++) {
        const char *v = NULL;
        if (o->from) v = from_value(o->from, keys[i].key, &req, &tmp);
        else if (!strcmp(keys[i].key, "系列")) v = o->series;
        if (o->from && !strcmp(keys[i].key, "要求") && !v && i > 0 && !strcmp(keys[i - 1].key, "要求")) continue;
        if (xlsxw_text(ws, row, 0, keys[i].key, x->locked) < 0 || xlsxw_text(ws, row, 1, v, x->open) < 0 ||
                 xlsxw_text(ws, row, 2, keys[i].hint, x->note) < 0)
            rc = -1;
        if (!strcmp(keys[i].key, "成文日期")) validation_date(ws, row, 1, row, "成文日期");
        if (!strcmp(keys[i].key, "模板"))
            worksheet_data_validation_cell(ws, row, 1, &(lxw_data_validation){
                .validate = LXW_VALIDATION_TYPE_LIST, .value_list = (char *[]){"督查通报", "简报", "问责通报", "整改通知", NULL},
                .error_type = LXW_VALIDATION_ERROR_TYPE_INFORMATION});
        row++;
    }
    buf_free(&tmp);
    return rc;
}

static int lists_sheet(xlsxw *x, const form_opts *o) {
    if (!o->n_districts && !o->n_categories) return 0;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "下拉选项");
    if (!ws) return -1;
    for (size_t i = 0; i < o->n_districts; i++)
        if (xlsxw_text(ws, (uint32_t)i, 0, o->districts[i], NULL) < 0) return -1;
    for (size_t i = 0; i < o->n_categories; i++)
        if (xlsxw_text(ws, (uint32_t)i, 1, o->categories[i], NULL) < 0) return -1;
    worksheet_hide(ws);
    return 0;
}

int form_write(const char *path, const form_opts *o, err *e) {
    xlsxw x;
    if (xlsxw_open(&x, path, 0, NULL, e) < 0) return -1;
    int rc = findings_sheet(&x, o);
    if (rc == 0) rc = info_sheet(&x, o);
    if (rc == 0) rc = lists_sheet(&x, o);
    if (rc < 0) err_set(e, TB_EOUTPUT, path, 0, 0, "cannot build the workbook");
    if (xlsxw_close(&x, rc == 0, e) < 0) rc = -1;
    return rc;
}
