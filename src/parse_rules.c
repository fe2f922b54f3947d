/* parse_rules.c — the checks of step 3 (parse_int.h).
 *
 * Owns: the rule table (every element of the findings format: its parent,
 * attributes with their value types, children with their counts and order,
 * its content), the table-driven walk of a parsed tree in document order,
 * calendar dates, the cross-field rules a schema cannot express, and the
 * wording of each rejection.  The table mirrors src/findings.rng;
 * tests/unit_parse_rules.c holds the two to each other in both directions. */
#include "date.h"
#include "parse_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const KINDS[] = {
    "提醒谈话", "批评教育", "诫勉", "通报批评", "党纪处分", "政务处分", "立案审查", "组织处理", "其他", NULL
};
#define KINDS_LIST "提醒谈话, 批评教育, 诫勉, 通报批评, 党纪处分, 政务处分, 立案审查, 组织处理, 其他"

/* The closed value sets of items (issue 11). */
static const char *const ISTYLES[] = {"jianbao", "news", NULL};
static const char *const POINTS[] = {"paragraphs", "run-in", NULL};
static const char *const SPARTS[] = {"findings", "bulletins", "accountability", NULL};

static const parse_attr_spec A_NONE[] = {{NULL, 0, 0, NULL}};
static const parse_attr_spec A_BULLETIN[] = {
    {"version", T_VERSION, 1, "the format version, version=\"1\""},
    {"id", T_KEY, 1, "the bulletin's own key, unique within its series, e.g. id=\"jc-2026-11-20-night\""},
    {"series", T_TEXT1, 1, "the publication it belongs to, e.g. series=\"江城市疫情防控督查通报\""},
    {"template", T_TEMPLATE, 0, NULL},
    {"code", T_CODE, 0, NULL},
    {"issue", T_ISSUE, 0, NULL},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_INSPECTION[] = {{"method", T_TEXT1, 0, NULL}, {NULL, 0, 0, NULL}};
static const parse_attr_spec A_PERIOD[] = {
    {"from", T_DATETIME, 1, "when the inspection started, e.g. from=\"2026-11-20T19:00\""},
    {"to", T_DATETIME, 0, NULL},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_COUNT[] = {
    {"what", T_TEXT1, 1, "what was counted, e.g. what=\"街道\""},
    {"unit", T_TEXT1, 0, NULL},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_CATEGORY[] = {
    {"title", T_TEXT1, 1, "the category's title, e.g. title=\"卡点值守不到位\""}, {NULL, 0, 0, NULL}};
/* district/unit are required as a pair: see check_finding(). */
static const parse_attr_spec A_FINDING[] = {
    {"district", T_TEXT1, 0, NULL}, {"street", T_TEXT1, 0, NULL},
    {"community", T_TEXT1, 0, NULL}, {"unit", T_TEXT1, 0, NULL},
    {"site", T_TEXT1, 0, NULL}, {"observed", T_DATETIME, 0, NULL},
    {"responsible", T_TEXT1, 0, NULL}, {"deadline", T_DATETIME, 0, NULL},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_RECTIFICATION[] = {
    {"deadline", T_DATETIME, 1, "the deadline for reporting back, e.g. deadline=\"2026-11-22T17:00\""},
    {"report-to", T_TEXT1, 1, "who receives the reports, e.g. report-to=\"市疫情防控指挥部督导问责组\""},
    {"manner", T_TEXT1, 0, NULL}, {"responsible", T_TEXT1, 0, NULL},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_REQUIREMENT[] = {
    {"title", T_TEXT1, 1, "the requirement's short title, e.g. title=\"立行立改\""}, {NULL, 0, 0, NULL}};
static const parse_attr_spec A_CASES[] = {{"lead", T_TEXT1, 0, NULL}, {NULL, 0, 0, NULL}};
static const parse_attr_spec A_OUTCOME[] = {
    {"date", T_DATE, 0, NULL},
    {"person", T_TEXT1, 1, "who was held accountable, e.g. person=\"李某\""},
    {"rank", T_TEXT1, 0, NULL},
    {"kind", T_KIND, 1, "the kind of accountability, one of " KINDS_LIST},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_ITEM[] = {
    {"style", T_ISTYLE, 0, NULL}, {"points", T_POINTS, 0, NULL},
    {"source", T_TEXT1, 0, NULL}, {"district", T_TEXT1, 0, NULL},
    {"reporter", T_TEXT1, 0, NULL}, {"author", T_TEXT1, 0, NULL},
    {"byline", T_TEXT1, 0, NULL},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_POINT[] = {
    {"title", T_TEXT1, 1, "the point's title, e.g. title=\"扛责在肩，立下“军令状”\""}, {NULL, 0, 0, NULL}};
static const parse_attr_spec A_STATS[] = {
    {"series", T_TEXT1, 0, NULL}, {"part", T_SPART, 0, NULL}, {NULL, 0, 0, NULL}};
static const parse_attr_spec A_RECTIFICATIONS[] = {
    {"version", T_VERSION, 1, "the format version, version=\"1\""},
    {"series", T_TEXT1, 1, "the publication the findings were issued in"},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_DONE[] = {
    {"finding", T_KEY, 1, "the finding's ID as printed in the bulletin, e.g. finding=\"JC2026-007-003\""},
    {"date", T_DATE, 1, "the day it was put right, e.g. date=\"2026-11-22\""},
    {NULL, 0, 0, NULL}};
static const parse_attr_spec A_OPEN[] = {
    {"finding", T_KEY, 1, "the finding's ID as printed in the bulletin, e.g. finding=\"JC2026-007-005\""},
    {"reason", T_TEXT1, 0, NULL}, {"date", T_DATE, 0, NULL},
    {NULL, 0, 0, NULL}};

static const parse_kid_spec K_NONE[] = {{NULL, 0, 0}};
static const parse_kid_spec K_BULLETIN[] = {
    {"header", 1, 1}, {"inspection", 0, 1}, {"findings", 0, 1}, {"rectification", 0, 1},
    {"requirements", 0, 1}, {"cases", 0, 1}, {"items", 0, 1}, {"distribution", 0, 1}, {NULL, 0, 0}};
/* <title> is required unless the bulletin has <items>: see check_items_rules(). */
static const parse_kid_spec K_HEADER[] = {
    {"title", 0, 1}, {"issuer", 1, 1}, {"date", 1, 1}, {"doc-number", 0, 1}, {"to", 0, 1}, {"note", 0, 1}, {NULL, 0, 0}};
static const parse_kid_spec K_INSPECTION[] = {
    {"period", 0, 1}, {"inspectors", 0, 1}, {"action", 0, 1}, {"scope", 0, 1},
    {"assessment", 0, 1}, {NULL, 0, 0}};
static const parse_kid_spec K_INSPECTORS[] = {{"inspector", 1, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_SCOPE[] = {{"count", 1, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_FINDINGS[] = {{"category", 1, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_CATEGORY[] = {{"finding", 1, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_REQUIREMENTS[] = {{"lead", 0, 1}, {"requirement", 0, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_CASES[] = {{"case", 1, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_CASE[] = {
    {"subject", 1, 1}, {"problem", 1, 1}, {"facts", 1, 1}, {"outcome", 1, 0}, {NULL, 0, 0}};
/* columns and items interleaved; at least one <item>: see check_children() */
static const parse_kid_spec K_ITEMS[] = {{"column", 0, 0}, {"item", 0, 0}, {NULL, 0, 0}};
/* at least one of lead/point/p besides the headline: see check_item() */
static const parse_kid_spec K_ITEM[] = {
    {"headline", 1, 1}, {"lead", 0, 1}, {"point", 0, 0}, {"p", 0, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_MIXED[] = {{"stats", 0, 0}, {NULL, 0, 0}};
static const parse_kid_spec K_DISTRIBUTION[] = {
    {"send", 0, 1}, {"deliver", 0, 1}, {"cc", 0, 1}, {"issued-by", 0, 1}, {"editors", 0, 1}, {"copies", 0, 1}, {NULL, 0, 0}};
static const parse_kid_spec K_RECTIFICATIONS[] = {{"done", 0, 0}, {"open", 0, 0}, {NULL, 0, 0}};

static const parse_elem_spec SPECS[] = {
    {"bulletin", NULL, "the bulletin", T_CHILDREN, A_BULLETIN, K_BULLETIN, 0},
    {"header", "bulletin", "title, issuer and date", T_CHILDREN, A_NONE, K_HEADER, 0},
    {"title", "header", "the bulletin's title", T_TEXT1, A_NONE, K_NONE, 0},
    {"issuer", "header", "the issuing body, 发文机关", T_TEXT1, A_NONE, K_NONE, 0},
    {"date", "header", "the date of issue, e.g. <date>2026-11-21</date>", T_DATE, A_NONE, K_NONE, 0},
    {"doc-number", "header", "the document number, 发文字号", T_TEXT1, A_NONE, K_NONE, 0},
    {"to", "header", "the addressees, 主送机关", T_TEXT1, A_NONE, K_NONE, 0},
    {"note", "header", "a note after the date, 附注 (printed in （）)", T_TEXT1, A_NONE, K_NONE, 0},
    {"inspection", "bulletin", "how the inspection was done", T_CHILDREN, A_INSPECTION, K_INSPECTION, 0},
    {"period", "inspection", "when the inspection took place", T_TEXT, A_PERIOD, K_NONE, 0},
    {"inspectors", "inspection", "who inspected", T_CHILDREN, A_NONE, K_INSPECTORS, 0},
    {"inspector", "inspectors", "one inspecting body", T_TEXT1, A_NONE, K_NONE, 0},
    {"action", "inspection", "what the inspectors did", T_TEXT1, A_NONE, K_NONE, 0},
    {"scope", "inspection", "how many places were covered", T_CHILDREN, A_NONE, K_SCOPE, 0},
    {"count", "scope", "one count, e.g. <count what=\"街道\" unit=\"个\">6</count>", T_COUNT, A_COUNT, K_NONE, 0},
    {"assessment", "inspection", "the overall assessment", T_TEXT1, A_NONE, K_NONE, 0},
    {"findings", "bulletin", "the findings, grouped in categories", T_CHILDREN, A_NONE, K_FINDINGS, 0},
    {"category", "findings", "a titled group of findings", T_CHILDREN, A_CATEGORY, K_CATEGORY, 0},
    {"finding", "category", "what was found", T_TEXT1, A_FINDING, K_NONE, 0},
    {"rectification", "bulletin", "the rectification deadline and where to report", T_EMPTY, A_RECTIFICATION, K_NONE, 0},
    {"requirements", "bulletin", "the requirements", T_CHILDREN, A_NONE, K_REQUIREMENTS, 0},
    {"lead", "requirements", "the opening sentence of the requirements", T_TEXT1, A_NONE, K_NONE, 0},
    {"requirement", "requirements", "what the requirement asks", T_TEXT1, A_REQUIREMENT, K_NONE, 0},
    {"cases", "bulletin", "accountability cases", T_CHILDREN, A_CASES, K_CASES, 0},
    {"case", "cases", "one accountability case", T_CHILDREN, A_NONE, K_CASE, 0},
    {"subject", "case", "who the case is about, e.g. 东湖区青山街道办事处副主任李某", T_TEXT1, A_NONE, K_NONE, 0},
    {"problem", "case", "the problem, e.g. 履行疫情防控职责不力", T_TEXT1, A_NONE, K_NONE, 0},
    {"facts", "case", "the facts of the case", T_TEXT1, A_NONE, K_NONE, 0},
    {"outcome", "case", "how the person was dealt with, e.g. 被给予诫勉谈话处理", T_TEXT1, A_OUTCOME, K_NONE, 0},
    {"items", "bulletin", "the items (简报/信息 made of reports), with <column> headings", T_CHILDREN, A_NONE, K_ITEMS, 1},
    {"column", "items", "the heading of a column (栏目), e.g. 坚定信心 众志成城 坚决打赢疫情防控阻击战（三）", T_TEXT1, A_NONE, K_NONE, 0},
    {"item", "items", "one item: a headline and its text", T_CHILDREN, A_ITEM, K_ITEM, 0},
    {"headline", "item", "the item's headline, e.g. 中心路街道全力打响联防联控阻击战", T_TEXT1, A_NONE, K_NONE, 0},
    {"lead", "item", "the item's opening sentences", T_MIXED, A_NONE, K_MIXED, 0},
    {"point", "item", "the point's text after its title", T_MIXED, A_POINT, K_MIXED, 0},
    {"p", "item", "a paragraph of the item", T_MIXED, A_NONE, K_MIXED, 0},
    {"stats", "lead", "the series' cumulative figures (empty)", T_EMPTY, A_STATS, K_NONE, 0},
    {"stats", "point", "the series' cumulative figures (empty)", T_EMPTY, A_STATS, K_NONE, 0},
    {"stats", "p", "the series' cumulative figures (empty)", T_EMPTY, A_STATS, K_NONE, 0},
    {"distribution", "bulletin", "who receives the bulletin", T_CHILDREN, A_NONE, K_DISTRIBUTION, 0},
    {"send", "distribution", "who it is sent to, 本期送", T_TEXT1, A_NONE, K_NONE, 0},
    {"deliver", "distribution", "who else it goes to, 发", T_TEXT1, A_NONE, K_NONE, 0},
    {"cc", "distribution", "copies to, 抄送", T_TEXT1, A_NONE, K_NONE, 0},
    {"issued-by", "distribution", "the printing office, 印发机关", T_TEXT1, A_NONE, K_NONE, 0},
    {"editors", "distribution", "the responsible editors, 责任编辑", T_TEXT1, A_NONE, K_NONE, 0},
    {"copies", "distribution", "the number of printed copies, e.g. <copies>40</copies>", T_POSINT, A_NONE, K_NONE, 0},
    {"rectifications", NULL, "rectification updates", T_CHILDREN, A_RECTIFICATIONS, K_RECTIFICATIONS, 1},
    {"done", "rectifications", "a finding that was put right", T_TEXT, A_DONE, K_NONE, 0},
    {"open", "rectifications", "a finding still open", T_TEXT, A_OPEN, K_NONE, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, 0}};

/* The rule for element `name` inside `parent` (NULL: the first rule of that
 * name, whatever its parent). */
static const parse_elem_spec *spec_of(const char *name, const char *parent) {
    for (const parse_elem_spec *s = SPECS; s->name; s++)
        if (strcmp(s->name, name) == 0 && (!parent || (s->parent && strcmp(s->parent, parent) == 0))) return s;
    return NULL;
}

/* "<requirements> or <item>": every parent an element may have, for the
 * message about one in the wrong place. */
static void list_parents(const char *name, char *out, size_t n) {
    size_t k = 0, total = 0, used = 0;
    for (const parse_elem_spec *s = SPECS; s->name; s++) total += s->parent && strcmp(s->name, name) == 0;
    out[0] = 0;
    for (const parse_elem_spec *s = SPECS; s->name; s++) {
        if (!s->parent || strcmp(s->name, name) != 0) continue;
        k++;
        int w = snprintf(out + used, n - used, "%s<%s>", k == 1 ? "" : k == total ? " or " : ", ", s->parent);
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
    }
}

/* Edit distance between two short ASCII names (typos: distirct, findng). */
static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 63 || lb >= 63) return 99;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* The closest name within 2 edits (and not a totally different short word). */
static const char *closest(const char *got, const char *const *names, size_t n) {
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(got, names[i]);
        if (d < bd && d * 3 <= strlen(names[i])) { bd = d; best = names[i]; }
    }
    return best;
}

/* "<a>, <b>, <c>" for messages. */
static void list_kids(const parse_kid_spec *k, char *out, size_t n) {
    out[0] = 0;
    for (size_t i = 0, used = 0; k[i].name; i++) {
        int w = snprintf(out + used, n - used, "%s<%s>", i ? ", " : "", k[i].name);
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
    }
}

static void list_attrs(const parse_attr_spec *a, char *out, size_t n) {
    out[0] = 0;
    for (size_t i = 0, used = 0; a[i].name; i++) {
        int w = snprintf(out + used, n - used, "%s%s=", i ? ", " : "", a[i].name);
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
    }
}

/* 0 when s is a real date (with_time: optionally THH:MM); else -1 and why
 * gets what is wrong ("" when the shape is wrong).  The rule is date.h's. */
static int check_iso(const char *s, int with_time, char *why, size_t n) {
    return date_parse(s, with_time ? DATE_TIME : 0, NULL, why, n);
}

static int match_set(const char *s, size_t min, size_t max, const char *set_extra, int letters, int nums) {
    size_t n = strlen(s);
    if (n < min || n > max) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (letters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) ||
                 (nums && c >= '0' && c <= '9') || (set_extra && c && strchr(set_extra, c));
        if (!ok) return 0;
    }
    return 1;
}

static int in_set(const char *v, const char *const *set) {
    for (size_t i = 0; set[i]; i++)
        if (strcmp(v, set[i]) == 0) return 1;
    return 0;
}

static int is_kind(const char *v) { return in_set(v, KINDS); }

/* The fast yes/no for each value type; check_value() explains a no. */
static int value_ok(int type, const char *v) {
    char why[200];
    switch (type) {
    case T_TEXT1: return v[0] != 0;
    case T_DATE: return check_iso(v, 0, why, sizeof why) == 0;
    case T_DATETIME: return check_iso(v, 1, why, sizeof why) == 0;
    case T_KEY: return match_set(v, 1, 64, "._-", 1, 1) && v[0] != '.' && v[0] != '_' && v[0] != '-';
    case T_TEMPLATE: return match_set(v, 1, 64, "_-", 1, 1);
    case T_CODE: return match_set(v, 1, 16, NULL, 1, 0);
    case T_ISSUE: return match_set(v, 1, 4, NULL, 0, 1) && v[0] != '0';
    case T_VERSION: return strcmp(v, "1") == 0;
    case T_KIND: return is_kind(v);
    case T_COUNT: return match_set(v, 1, 9, NULL, 0, 1);
    case T_POSINT: return match_set(v, 1, 9, NULL, 0, 1) && v[0] != '0';
    case T_MIXED: return v[0] != 0;
    case T_ISTYLE: return in_set(v, ISTYLES);
    case T_POINTS: return in_set(v, POINTS);
    case T_SPART: return in_set(v, SPARTS);
    default: return 1;
    }
}

/* Value check shared by attributes and element text.  subj is how the value
 * is quoted in the message (e.g. deadline="…" or <date>…</date>). */
static int check_value(pstate *st, xmlNodePtr n, int type, const char *v,
                       const char *subj, const char *ename, const char *aname) {
    char why[200];
    int line = 0, col = 0;
    if (value_ok(type, v)) return 0;
    if (aname) parse_attr_pos(st, n, aname, &line, &col);     /* only now: positions cost a scan */
    else parse_elem_pos(st, n, &line, &col);
    switch (type) {
    case T_TEXT1:
        if (aname) {
            /* a required one cannot be left out: say what it is instead */
            const parse_elem_spec *sp = spec_of(ename, n->parent && n->parent->type == XML_ELEMENT_NODE
                                                       ? parse_nm(n->parent) : NULL);
            for (const parse_attr_spec *as = sp ? sp->attrs : A_NONE; as->name; as++)
                if (as->required && as->hint && strcmp(as->name, aname) == 0)
                    return parse_fail_at(st, line, col, "%s= on <%s> is empty; write %s", aname, ename, as->hint);
            return parse_fail_at(st, line, col, "%s= on <%s> is empty; write its text or leave the attribute out",
                           aname, ename);
        }
        {
            const parse_elem_spec *sp = spec_of(ename, n->parent && n->parent->type == XML_ELEMENT_NODE
                                                           ? parse_nm(n->parent) : NULL);
            return parse_fail_at(st, line, col, "<%s> is empty; write %s", ename, sp ? sp->what : "its text");
        }
    case T_DATE:
    case T_DATETIME:
        check_iso(v, type == T_DATETIME, why, sizeof why);
        if (why[0]) return parse_fail_at(st, line, col, "%s is not a real date: %s", subj, why);
        if (type == T_DATE)
            return parse_fail_at(st, line, col, "%s is not a date: write YYYY-MM-DD, e.g. 2026-11-21", subj);
        return parse_fail_at(st, line, col, "%s is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM, "
                       "e.g. 2026-11-22 or 2026-11-22T17:00", subj);
    case T_KEY: {
        return parse_fail_at(st, line, col, "%s is not a valid ID: use 1-64 ASCII letters, digits, '.', '_' "
                       "or '-', starting with a letter or digit, e.g. %s", subj,
                       aname && strcmp(aname, "finding") == 0 ? "JC2026-007-003" : "jc-2026-11-20-night");
    }
    case T_TEMPLATE:
        return parse_fail_at(st, line, col, "%s is not a template name: use ASCII letters, digits, '_' and '-', "
                       "e.g. template=\"dubao\"", subj);
    case T_CODE:
        return parse_fail_at(st, line, col, "%s is not a series code: use 1-16 ASCII letters, e.g. code=\"JC\"", subj);
    case T_ISSUE:
        return parse_fail_at(st, line, col, "%s is not an issue number: write a whole number from 1 to 9999 "
                       "(only for continuing an old series' numbering)", subj);
    case T_VERSION:
        return parse_fail_at(st, line, col, "%s: this tongbao reads format version 1 only; write version=\"1\"", subj);
    case T_KIND:
        return parse_fail_at(st, line, col, "%s is not a known kind of accountability; use one of: " KINDS_LIST, subj);
    case T_COUNT:
        return parse_fail_at(st, line, col, "%s is not a number: write the count in Arabic digits, "
                       "e.g. <count what=\"街道\" unit=\"个\">6</count>", subj);
    case T_POSINT:
        return parse_fail_at(st, line, col, "%s is not a number of copies: write a whole number of at least 1, "
                       "e.g. <copies>40</copies>", subj);
    case T_MIXED: {
        const parse_elem_spec *sp = spec_of(ename, n->parent && n->parent->type == XML_ELEMENT_NODE
                                                   ? parse_nm(n->parent) : NULL);
        return parse_fail_at(st, line, col, "<%s> is empty; write %s", ename, sp ? sp->what : "its text");
    }
    case T_ISTYLE:
        return parse_fail_at(st, line, col, "%s is not an item style: write style=\"jianbao\" (简报: run-in "
                       "headline, （单位） at the end) or style=\"news\" (新闻: centred headline, 本报讯)", subj);
    case T_POINTS:
        return parse_fail_at(st, line, col, "%s: write points=\"paragraphs\" (each point after the first "
                       "starts a paragraph) or points=\"run-in\" (the points run on in the lead's paragraph)", subj);
    case T_SPART:
        return parse_fail_at(st, line, col, "%s is not a part of the statistics: use part=\"findings\", "
                       "part=\"bulletins\" or part=\"accountability\", or leave it out for the whole clause", subj);
    default:
        return 0;
    }
}

/* ==== characters a bulletin must not carry (issue 19 items 8, 10, 12) ======
 *
 * XML allows them, the page cannot show them honestly: bidirectional
 * controls print the text after them reversed, zero-width and other format
 * characters print as nothing (and can hide or split words), C1 controls
 * and the Unicode line/paragraph separators have no glyph in any font.
 * They are refused where they stand, with the position named, before
 * anything is laid out; the font message is left for real missing glyphs. */

enum { CH_OK, CH_NUL, CH_C1, CH_SEPARATOR, CH_BIDI, CH_FORMAT, CH_OBJECT, CH_DAMAGED };

static int char_class(uint32_t cp) {
    if (cp == 0) return CH_NUL;
    if (cp < 0x80) return CH_OK;
    if (cp <= 0x9F) return CH_C1;
    if (cp == 0x2028 || cp == 0x2029) return CH_SEPARATOR;
    if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069))
        return CH_BIDI;
    if (cp == 0x00AD || cp == 0x180E || (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
        (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
        cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F))
        return CH_FORMAT;
    /* stand-ins for something lost before the text reached the file: a
     * picture or embedded object (U+FFFC), bytes a converter could not read
     * (U+FFFD).  Private-use characters (U+E000–U+F8FF and the planes 15
     * and 16) stay: offices use them for rare characters of names, and
     * the font check reports the ones no font draws. */
    if (cp == 0xFFFC) return CH_OBJECT;
    if (cp == 0xFFFD) return CH_DAMAGED;
    return CH_OK;
}

static const char *char_name(uint32_t cp) {
    static const struct { uint32_t cp; const char *name; } names[] = {
        {0x0085, "NEXT LINE"}, {0x00AD, "SOFT HYPHEN"}, {0x061C, "ARABIC LETTER MARK"},
        {0x180E, "MONGOLIAN VOWEL SEPARATOR"}, {0x200B, "ZERO WIDTH SPACE"},
        {0x200C, "ZERO WIDTH NON-JOINER"}, {0x200D, "ZERO WIDTH JOINER"},
        {0x200E, "LEFT-TO-RIGHT MARK"}, {0x200F, "RIGHT-TO-LEFT MARK"},
        {0x2028, "LINE SEPARATOR"}, {0x2029, "PARAGRAPH SEPARATOR"},
        {0x202A, "LEFT-TO-RIGHT EMBEDDING"}, {0x202B, "RIGHT-TO-LEFT EMBEDDING"},
        {0x202C, "POP DIRECTIONAL FORMATTING"}, {0x202D, "LEFT-TO-RIGHT OVERRIDE"},
        {0x202E, "RIGHT-TO-LEFT OVERRIDE"}, {0x2060, "WORD JOINER"},
        {0x2066, "LEFT-TO-RIGHT ISOLATE"}, {0x2067, "RIGHT-TO-LEFT ISOLATE"},
        {0x2068, "FIRST STRONG ISOLATE"}, {0x2069, "POP DIRECTIONAL ISOLATE"},
        {0xFEFF, "ZERO WIDTH NO-BREAK SPACE"}, {0xFFFC, "OBJECT REPLACEMENT CHARACTER"},
        {0xFFFD, "REPLACEMENT CHARACTER"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].cp == cp) return names[i].name;
    return NULL;
}

/* The first refused character in s[0, len): its class (CH_OK if none),
 * code point and offset. */
static int find_refused(const char *s, size_t len, uint32_t *cp_out, size_t *at) {
    size_t i = 0, adv;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            if (c < 0x80) { i++; continue; }
            uint32_t cp = utf8_decode(s + i, len - i, &adv);
            int k = char_class(cp);
            if (k != CH_OK) { *cp_out = cp; *at = i; return k; }
            i += adv;
            continue;
        }
        if (c == 0) { *cp_out = 0; *at = i; return CH_NUL; }
        i++;                    /* other C0 controls: libxml2 names them */
    }
    return CH_OK;
}

/* The message for one refused character; how says where it came from
 * ("" in the text itself, or " (written as a character reference)"). */
static int refuse_char(pstate *st, int line, int col, int k, uint32_t cp, const char *how) {
    const char *nm = char_name(cp);
    char what[120];
    if (nm) snprintf(what, sizeof what, "U+%04X (%s)", (unsigned)cp, nm);
    else snprintf(what, sizeof what, "U+%04X", (unsigned)cp);
    switch (k) {
    case CH_C1:
        return parse_fail_at(st, line, col, "character %s%s is a control character, not text: no font "
                             "draws it; delete it, or write an ordinary line break or space instead "
                             "(it often comes from text converted from another encoding)", what, how);
    case CH_SEPARATOR:
        return parse_fail_at(st, line, col, "character %s%s is not a character a bulletin can print; "
                             "replace it by an ordinary line break (or delete it)", what, how);
    case CH_OBJECT:
        return parse_fail_at(st, line, col, "character %s%s stands for a picture or object that was lost "
                             "when the text was copied (it would print as a box); delete it, and describe "
                             "the picture in words if it matters", what, how);
    case CH_DAMAGED:
        return parse_fail_at(st, line, col, "character %s%s marks bytes that some program could not "
                             "read before the text reached this file (it prints as \"�\"): the "
                             "characters that stood here are lost; retype them from the original", what, how);
    case CH_BIDI:
        return parse_fail_at(st, line, col, "character %s%s is an invisible bidirectional control: it "
                             "would print the text after it reversed or reordered; delete it (such "
                             "characters come along when text is pasted from web pages or chats)", what, how);
    default:
        return parse_fail_at(st, line, col, "character %s%s is an invisible formatting character: it "
                             "prints as nothing and can hide or split words; delete it (such characters "
                             "come along when text is pasted from web pages or chats)", what, how);
    }
}

/* The source text itself: exact positions.  NUL gets its own words: zero
 * bytes in a text file mean damage (a crash while saving, a disk that
 * filled up), and a tail of them after the end used to pass unnoticed. */
int parse_check_chars(pstate *st) {
    uint32_t cp;
    size_t at;
    int k = find_refused(st->src, st->len, &cp, &at);
    if (k == CH_OK) return 0;
    int line, col;
    parse_pos_of(st, at, &line, &col);
    if (k != CH_NUL) return refuse_char(st, line, col, k, cp, "");
    size_t end = at;
    while (end < st->len && st->src[end] == 0) end++;
    if (end == st->len && at == 0)
        return parse_fail_at(st, line, col, "the file holds only zero bytes (NUL), %zu of them: it was "
                             "damaged when it was saved or copied; restore it from the original", st->len);
    if (end == st->len)
        return parse_fail_at(st, line, col, "from here to its end the file holds only zero bytes (NUL), "
                             "%zu of them: it was damaged when it was saved or copied (a crash, a full "
                             "disk); restore it from the original", st->len - at);
    return parse_fail_at(st, line, col, "a zero byte (NUL) here: a text file never holds one, so the file "
                         "is damaged or is not a text file; delete it, or save the file again as plain "
                         "text");
}

/* A value as libxml2 delivers it (character references resolved). */
static int check_value_chars(pstate *st, xmlNodePtr n, const char *aname, const char *v) {
    uint32_t cp;
    size_t at;
    int k = find_refused(v, strlen(v), &cp, &at);
    if (k == CH_OK) return 0;
    int line, col;
    if (aname) parse_attr_pos(st, n, aname, &line, &col);
    else parse_elem_pos(st, n, &line, &col);
    char how[120];
    if (aname) snprintf(how, sizeof how, " in %s= (written as a character reference)", aname);
    else snprintf(how, sizeof how, " in <%s> (written as a character reference)", parse_nm(n));
    return refuse_char(st, line, col, k, cp, how);
}

xmlAttrPtr parse_find_attr(xmlNodePtr n, const char *name) {
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (!a->ns && strcmp((const char *)a->name, name) == 0) return a;
    return NULL;
}

static int check_attrs(pstate *st, xmlNodePtr n, const parse_elem_spec *sp, buf *tmp) {
    int line, col;
    char q[200], list[400];
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const parse_attr_spec *as = NULL;
        if (!a->ns)
            for (const parse_attr_spec *s = sp->attrs; s->name; s++)
                if (strcmp(s->name, (const char *)a->name) == 0) { as = s; break; }
        if (!as) {
            char full[200];             /* as written, prefix included */
            snprintf(full, sizeof full, "%s%s%s", a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                     a->ns && a->ns->prefix ? ":" : "", (const char *)a->name);
            parse_attr_pos(st, n, full, &line, &col);
            list_attrs(sp->attrs, list, sizeof list);
            if (!sp->attrs[0].name)
                return parse_fail_at(st, line, col, "unknown attribute %s= on <%s>: <%s> takes no attributes",
                               full, sp->name, sp->name);
            const char *names[16];
            size_t nn = 0;
            for (const parse_attr_spec *s2 = sp->attrs; s2->name && nn < 16; s2++) names[nn++] = s2->name;
            const char *near = closest(full, names, nn);
            if (near)
                return parse_fail_at(st, line, col, "unknown attribute %s= on <%s>; did you mean %s=? "
                               "allowed: %s", full, sp->name, near, list);
            return parse_fail_at(st, line, col, "unknown attribute %s= on <%s>; allowed: %s", full, sp->name, list);
        }
        if (parse_attr_text(a, tmp) < 0) return parse_oom(st);
        /* a known attribute has no prefix (as is looked up only then) */
        if (check_value_chars(st, n, as->name, tmp->data) < 0) return -1;
        if (value_ok(as->type, tmp->data)) continue;    /* the message below only for a bad value */
        char subj[300];
        snprintf(subj, sizeof subj, "%s=\"%s\"", as->name, parse_clip(tmp->data, q, sizeof q));
        if (check_value(st, n, as->type, tmp->data, subj, sp->name, as->name) < 0) return -1;
    }
    for (const parse_attr_spec *s = sp->attrs; s->name; s++) {
        if (!s->required || parse_find_attr(n, s->name)) continue;
        parse_elem_pos(st, n, &line, &col);
        return parse_fail_at(st, line, col, "<%s> needs %s=\"…\": %s", sp->name, s->name, s->hint);
    }
    return 0;
}

/* docs/format.md D5: exactly one of district= or unit=; street/community need district. */
static int check_finding(pstate *st, xmlNodePtr n) {
    int line, col;
    xmlAttrPtr d = parse_find_attr(n, "district"), u = parse_find_attr(n, "unit");
    if (d && u) {
        parse_attr_pos(st, n, "unit", &line, &col);
        return parse_fail_at(st, line, col, "<finding> has both district= and unit=; give district= (with "
                       "street=, community=, site=) for a place in a district, or unit= (with site=) "
                       "for a unit, not both");
    }
    if (!d && !u) {
        parse_elem_pos(st, n, &line, &col);
        return parse_fail_at(st, line, col, "element <finding> needs a district=\"…\" or a unit=\"…\" "
                       "attribute: say where the problem was found, e.g. district=\"东湖区\" "
                       "street=\"青山街道\" site=\"锦绣小区\", or unit=\"市交通运输局\"");
    }
    if (u) {
        const char *lv[] = {"street", "community"};
        for (int i = 0; i < 2; i++) {
            if (!parse_find_attr(n, lv[i])) continue;
            parse_attr_pos(st, n, lv[i], &line, &col);
            return parse_fail_at(st, line, col, "%s= only goes with district=: this <finding> has unit=; "
                           "use district= for a place in a district, or drop %s=", lv[i], lv[i]);
        }
    }
    return 0;
}

/* The attributes are checked (real dates) before this runs.  A bare date
 * `to` covers the whole day, so only two full date-times can be out of
 * order on one day. */
static int check_period(pstate *st, xmlNodePtr n, buf *tmp) {
    xmlAttrPtr fa = parse_find_attr(n, "from"), ta = parse_find_attr(n, "to");
    if (!fa || !ta) return 0;
    char from[32], to[32];
    if (parse_attr_text(fa, tmp) < 0) return parse_oom(st);
    snprintf(from, sizeof from, "%s", tmp->data);
    if (parse_attr_text(ta, tmp) < 0) return parse_oom(st);
    snprintf(to, sizeof to, "%s", tmp->data);
    date_val f, t;
    if (date_parse(from, DATE_TIME, &f, NULL, 0) < 0 || date_parse(to, DATE_TIME, &t, NULL, 0) < 0) return 0;
    if ((f.has_time && t.has_time ? date_cmp(&f, &t) : date_cmp_day(&f, &t)) <= 0) return 0;
    int line, col;
    parse_attr_pos(st, n, "to", &line, &col);
    return parse_fail_at(st, line, col, "the period ends before it starts: to=\"%s\" is earlier than "
                   "from=\"%s\"; swap them or correct the dates", to, from);
}

static int check_elem(pstate *st, xmlNodePtr n, const parse_elem_spec *sp, buf *tmp);

static int is_elem(xmlNodePtr n, const char *name) {
    return n->type == XML_ELEMENT_NODE && !n->ns && strcmp(parse_nm(n), name) == 0;
}

static int check_children(pstate *st, xmlNodePtr n, const parse_elem_spec *sp, buf *tmp) {
    const parse_kid_spec *k = sp->kids;
    size_t nk = 0, cnt[16] = {0}, idx = 0, total = 0;
    while (k[nk].name) nk++;
    int line, col;
    char list[400], q[200];
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            const char *t = c->content ? (const char *)c->content : "";
            size_t tl = strlen(t);
            if (parse_trim_front(t, tl) == tl) continue;
            buf_reset(tmp);
            parse_norm_text(tmp, t, tl);
            parse_elem_pos(st, n, &line, &col);
            if (sp->content == T_EMPTY)
                return parse_fail_at(st, line, col, "<%s> must be empty (everything goes in its attributes); "
                               "remove the text \"%s\"", sp->name, parse_clip(tmp->data, q, sizeof q));
            return parse_fail_at(st, line, col, "stray text \"%s\" directly inside <%s>; text belongs in one "
                           "of its elements", parse_clip(tmp->data, q, sizeof q), sp->name);
        }
        if (c->type != XML_ELEMENT_NODE) continue;          /* comments, PIs */
        if (c->ns) {
            parse_elem_pos(st, c, &line, &col);
            return parse_fail_at(st, line, col, "element <%s> is in a namespace (%s); tongbao's format uses no "
                           "namespaces: remove the xmlns or the prefix", parse_nm(c),
                           c->ns->href ? (const char *)c->ns->href : "");
        }
        size_t p = 0;
        while (p < nk && strcmp(k[p].name, parse_nm(c)) != 0) p++;
        if (p == nk) {
            const parse_elem_spec *other = spec_of(parse_nm(c), NULL);
            parse_elem_pos(st, c, &line, &col);
            if (sp->content == T_EMPTY)
                return parse_fail_at(st, line, col, "unexpected element <%s> here: <%s> must be empty "
                               "(everything goes in its attributes)", parse_nm(c), sp->name);
            if (other && other->parent) {
                list_parents(parse_nm(c), list, sizeof list);
                return parse_fail_at(st, line, col, "unexpected element <%s> here: <%s> belongs inside %s, "
                               "not <%s>", parse_nm(c), parse_nm(c), list, sp->name);
            }
            list_kids(k, list, sizeof list);
            const char *names[16];
            for (size_t m = 0; m < nk && m < 16; m++) names[m] = k[m].name;
            const char *near = closest(parse_nm(c), names, nk < 16 ? nk : 16);
            if (near)
                return parse_fail_at(st, line, col, "unexpected element <%s> here (inside <%s>); did you mean "
                               "<%s>? allowed here: %s", parse_nm(c), sp->name, near, list);
            return parse_fail_at(st, line, col, "unexpected element <%s> here (inside <%s>); allowed here: %s",
                           parse_nm(c), sp->name, list);
        }
        if (!sp->any_order) {
            if (p < idx || (p == idx && k[p].max && cnt[p] >= k[p].max)) {
                parse_elem_pos(st, c, &line, &col);
                if (k[p].max == 1 && cnt[p] >= 1)
                    return parse_fail_at(st, line, col, "a second <%s> inside <%s>: only one is allowed",
                                   parse_nm(c), sp->name);
                list_kids(k, list, sizeof list);
                return parse_fail_at(st, line, col, "<%s> is out of order: it must come before <%s>; inside "
                               "<%s> the order is %s", parse_nm(c), k[idx].name, sp->name, list);
            }
            for (size_t m = idx; m < p; m++) {
                if (cnt[m] >= k[m].min) continue;
                const parse_elem_spec *ms = spec_of(k[m].name, sp->name);
                for (xmlNodePtr later = c->next; later; later = later->next) {
                    if (!is_elem(later, k[m].name)) continue;   /* there, but too late */
                    list_kids(k, list, sizeof list);
                    parse_elem_pos(st, later, &line, &col);
                    return parse_fail_at(st, line, col, "<%s> is out of order: it must come before <%s>; "
                                   "inside <%s> the order is %s", k[m].name, parse_nm(c), sp->name, list);
                }
                parse_elem_pos(st, n, &line, &col);
                return parse_fail_at(st, line, col, "missing <%s> in <%s> (%s); add it before <%s>",
                               k[m].name, sp->name, ms ? ms->what : "required", parse_nm(c));
            }
            idx = p;
        }
        cnt[p]++;
        total++;
        const parse_elem_spec *cs = spec_of(parse_nm(c), sp->name);
        if (!cs) return parse_oom(st);                 /* cannot happen: kids are all in SPECS */
        if (check_elem(st, c, cs, tmp) < 0) return -1;
    }
    for (size_t m = sp->any_order ? 0 : idx; m < nk; m++) {
        if (cnt[m] >= k[m].min) continue;
        const parse_elem_spec *ms = spec_of(k[m].name, sp->name);
        parse_elem_pos(st, n, &line, &col);
        if (k[m].max == 0)
            return parse_fail_at(st, line, col, "<%s> needs at least one <%s> (%s)", sp->name, k[m].name,
                           ms ? ms->what : "");
        return parse_fail_at(st, line, col, "missing <%s> in <%s> (%s)", k[m].name, sp->name,
                       ms ? ms->what : "required");
    }
    if (total == 0 && (strcmp(sp->name, "requirements") == 0 || strcmp(sp->name, "rectifications") == 0)) {
        parse_elem_pos(st, n, &line, &col);
        if (strcmp(sp->name, "requirements") == 0)
            return parse_fail_at(st, line, col, "<requirements> is empty: write a <lead> and/or at least one "
                           "<requirement title=\"…\">, or leave <requirements> out");
        return parse_fail_at(st, line, col, "<rectifications> is empty: add <done finding=\"…\" date=\"…\"/> or "
                       "<open finding=\"…\"/> elements");
    }
    if (strcmp(sp->name, "bulletin") == 0) {
        int has = 0;
        for (xmlNodePtr c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && (strcmp(parse_nm(c), "findings") == 0 || strcmp(parse_nm(c), "cases") == 0 ||
                                                strcmp(parse_nm(c), "items") == 0))
                has = 1;
        if (!has) {
            parse_elem_pos(st, n, &line, &col);
            return parse_fail_at(st, line, col, "the bulletin has neither <findings> nor <cases>: there is "
                           "nothing to report; add <findings> with at least one <category> (or <items>)");
        }
    }
    return 0;
}

/* Items (issue 11): what the content model leaves to prose.  <header>
 * needs <title> unless the bulletin is made of <items>; <items> needs an
 * <item> (columns alone head nothing); an <item> needs text besides its
 * headline.  Called after the children were checked. */
static int has_child(xmlNodePtr n, const char *name) {
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is_elem(c, name)) return 1;
    return 0;
}

static int check_items_rules(pstate *st, xmlNodePtr n, const parse_elem_spec *sp) {
    int line, col;
    if (strcmp(sp->name, "header") == 0 && !has_child(n, "title") && !has_child(n->parent, "items")) {
        parse_elem_pos(st, n, &line, &col);
        return parse_fail_at(st, line, col, "missing <title> in <header> (the bulletin's title); only a "
                             "bulletin made of <items> may go without one");
    }
    if (strcmp(sp->name, "items") == 0 && !has_child(n, "item")) {
        parse_elem_pos(st, n, &line, &col);
        return parse_fail_at(st, line, col, "<items> has no <item>: a <column> heads the items after it; "
                             "add at least one <item> with a <headline>");
    }
    if (strcmp(sp->name, "item") == 0 && !has_child(n, "lead") && !has_child(n, "point") && !has_child(n, "p")) {
        parse_elem_pos(st, n, &line, &col);
        return parse_fail_at(st, line, col, "<item> has only a headline: write its text in a <lead>, "
                             "<point title=\"…\"> or <p> after the <headline>");
    }
    return 0;
}

static int check_elem(pstate *st, xmlNodePtr n, const parse_elem_spec *sp, buf *tmp) {
    int line, col;
    if (check_attrs(st, n, sp, tmp) < 0) return -1;
    if (strcmp(sp->name, "finding") == 0 && check_finding(st, n) < 0) return -1;
    if (strcmp(sp->name, "period") == 0 && check_period(st, n, tmp) < 0) return -1;
    /* a missing title first, as before <title> became optional */
    if (strcmp(sp->name, "header") == 0 && check_items_rules(st, n, sp) < 0) return -1;
    if (sp->content == T_CHILDREN || sp->content == T_EMPTY)
        return check_children(st, n, sp, tmp) < 0 ? -1 : check_items_rules(st, n, sp);
    /* text content: no elements inside (mixed content: only its kids) */
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const parse_elem_spec *cs = NULL;
        for (const parse_kid_spec *k = sp->kids; k->name && !c->ns && !cs; k++)
            if (strcmp(k->name, parse_nm(c)) == 0) cs = spec_of(k->name, sp->name);
        if (cs) {
            if (check_elem(st, c, cs, tmp) < 0) return -1;
            continue;
        }
        parse_elem_pos(st, c, &line, &col);
        if (sp->content == T_MIXED)
            return parse_fail_at(st, line, col, "unexpected element <%s> here: <%s> holds text and "
                           "<stats/> only", parse_nm(c), sp->name);
        return parse_fail_at(st, line, col, "unexpected element <%s> here: <%s> holds plain text only",
                       parse_nm(c), sp->name);
    }
    if (sp->content == T_MIXED) parse_mixed_text(n, tmp);
    else parse_elem_text(n, tmp);
    if (check_value_chars(st, n, NULL, tmp->data) < 0) return -1;
    if (value_ok(sp->content, tmp->data)) return 0;
    char q[200], subj[300];
    snprintf(subj, sizeof subj, "<%s>%s</%s>", sp->name, parse_clip(tmp->data, q, sizeof q), sp->name);
    if (sp->content == T_TEXT1 && !tmp->data[0] && strcmp(sp->name, "finding") == 0) {
        parse_elem_pos(st, n, &line, &col);
        return parse_fail_at(st, line, col, "<finding> has no text: write what was found, e.g. "
                       "北门无人值守，进出人员未测体温");
    }
    return check_value(st, n, sp->content, tmp->data, subj, sp->name, NULL);
}

/* The root: right kind of document, right version, then the whole tree. */
int parse_check_doc(pstate *st, xmlDocPtr doc, const char *want) {
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int line = 1, col = 1;
    if (!root) return parse_fail_at(st, 1, 1, "no root element");
    parse_elem_pos(st, root, &line, &col);
    if (root->ns)
        return parse_fail_at(st, line, col, "<%s> is in a namespace (%s); tongbao's format uses no namespaces: "
                       "remove the xmlns=…", parse_nm(root), root->ns->href ? (const char *)root->ns->href : "");
    int is_b = strcmp(parse_nm(root), "bulletin") == 0, is_r = strcmp(parse_nm(root), "rectifications") == 0;
    if (strcmp(want, "bulletin") == 0 && is_r)
        return parse_fail_at(st, line, col, "this is a rectification-update file (<rectifications>), not a "
                       "bulletin; feed it to tongbao as rectification updates");
    if (strcmp(want, "rectifications") == 0 && is_b)
        return parse_fail_at(st, line, col, "this is a bulletin (<bulletin>), not a rectification-update "
                       "file (<rectifications>)");
    if (!is_b && !is_r) {
        if (strcmp(want, "bulletin") == 0)
            return parse_fail_at(st, line, col, "the root element is <%s>; a findings file must start with "
                           "<bulletin version=\"1\" id=\"…\" series=\"…\">", parse_nm(root));
        return parse_fail_at(st, line, col, "the root element is <%s>; a rectification-update file must start "
                       "with <rectifications version=\"1\" series=\"…\">", parse_nm(root));
    }
    buf tmp;
    buf_init(&tmp);
    /* version first: a file of another version may differ everywhere */
    xmlAttrPtr v = parse_find_attr(root, "version");
    int rc = 0;
    if (v) {
        if (parse_attr_text(v, &tmp) < 0) rc = parse_oom(st);
        else if (strcmp(tmp.data, "1") != 0) {
            char q[200];
            parse_attr_pos(st, root, "version", &line, &col);
            rc = parse_fail_at(st, line, col, "format version \"%s\" is not supported: this tongbao reads "
                         "version=\"1\" files", parse_clip(tmp.data, q, sizeof q));
        }
    }
    if (rc == 0) rc = check_elem(st, root, spec_of(parse_nm(root), NULL), &tmp);
    buf_free(&tmp);
    return rc;
}

const parse_elem_spec *parse_rule_table(void) { return SPECS; }
