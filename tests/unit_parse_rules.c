/* unit_parse_rules.c — the rule table of src/parse_rules.c against the
 * schema src/findings.rng, in both directions.
 *
 * The schema is the contract; the table is what produces the messages.  A
 * new element, attribute or child added to one and not the other fails
 * here: every element of the schema must be in the table with the same
 * parent, content type, attributes (name, value type, required or not) and
 * children (same order, same minimum and maximum counts), and every entry of
 * the table must be in the schema.  The schema is read with libxml2 as plain
 * XML and walked: refs are followed, optional/zeroOrMore/oneOrMore/choice
 * give the counts, the named value shapes (text1, date, …) the types. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"
#include "parse_int.h"

#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

extern const unsigned char findings_rng[];
extern const size_t findings_rng_len;

#define MAXE 64
#define MAXA 16
#define MAXK 16

typedef struct { char name[64]; int type, required; } r_attr;
typedef struct { char name[64]; int min, max; } r_kid;      /* max 0 = any */
typedef struct {
    char name[64], parent[64];
    int content;            /* -1 = not seen yet */
    int has_kids, any_order, walked;
    r_attr attrs[MAXA];
    int n_attrs;
    r_kid kids[MAXK];
    int n_kids;
} r_elem;

typedef struct {
    xmlNodePtr defines[128];
    int n_defines;
    r_elem elems[MAXE];
    int n_elems;
    char problem[300];
} schema_model;

static int is_rng(xmlNodePtr n, const char *name) {
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static char *prop(xmlNodePtr n, const char *name, char *out, size_t len) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    snprintf(out, len, "%s", v ? (const char *)v : "");
    xmlFree(v);
    return out;
}

static xmlNodePtr define_of(schema_model *m, const char *name) {
    char n[64];
    for (int i = 0; i < m->n_defines; i++)
        if (strcmp(prop(m->defines[i], "name", n, sizeof n), name) == 0) return m->defines[i];
    return NULL;
}

/* Value shapes: a named define, an inline pattern, a fixed value. */
static int type_of_define(const char *name) {
    static const struct { const char *n; int t; } map[] = {
        {"text1", T_TEXT1}, {"date", T_DATE}, {"datetime", T_DATETIME}, {"key", T_KEY},
        {"count-number", T_COUNT}, {"positive-number", T_POSINT}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i].n, name) == 0) return map[i].t;
    return -1;
}

static int type_of_pattern(const char *pat) {
    if (strstr(pat, "[A-Za-z0-9_\\-]{1,64}")) return T_TEMPLATE;
    if (strstr(pat, "[A-Za-z]{1,16}")) return T_CODE;
    if (strstr(pat, "[1-9][0-9]{0,3}")) return T_ISSUE;
    return -1;
}

/* A choice of fixed values: which closed set it is, told by its first
 * value (-1: not a choice of values). */
static int choice_type(xmlNodePtr c) {
    static const struct { const char *first; int t; } sets[] = {
        {"提醒谈话", T_KIND}, {"jianbao", T_ISTYLE}, {"paragraphs", T_POINTS}, {"findings", T_SPART}};
    xmlNodePtr first = NULL;
    for (xmlNodePtr k = c->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) continue;
        if (!is_rng(k, "value")) return -1;
        if (!first) first = k;
    }
    if (!first) return -1;
    xmlChar *v = xmlNodeGetContent(first);
    int t = -1;
    for (size_t i = 0; v && i < sizeof sets / sizeof *sets; i++)
        if (strcmp((const char *)v, sets[i].first) == 0) t = sets[i].t;
    xmlFree(v);
    return t;
}

/* The value type of an attribute's or element's content pattern(s). */
static int value_type(schema_model *m, xmlNodePtr first) {
    char buf[200];
    for (xmlNodePtr c = first; c; c = c->next) {
        if (is_rng(c, "ref")) {
            int t = type_of_define(prop(c, "name", buf, sizeof buf));
            if (t >= 0) return t;
        } else if (is_rng(c, "value")) {
            xmlChar *v = xmlNodeGetContent(c);
            int t = v && strcmp((const char *)v, "1") == 0 ? T_VERSION : -1;
            xmlFree(v);
            return t;
        } else if (is_rng(c, "choice")) {
            int t = choice_type(c);
            if (t >= 0) return t;
        } else if (is_rng(c, "data")) {
            for (xmlNodePtr p = c->children; p; p = p->next)
                if (is_rng(p, "param") && strcmp(prop(p, "name", buf, sizeof buf), "pattern") == 0) {
                    xmlChar *v = xmlNodeGetContent(p);
                    int t = v ? type_of_pattern((const char *)v) : -1;
                    xmlFree(v);
                    return t;
                }
        }
    }
    (void)m;
    return -1;
}

/* Elements are told apart by name and parent: one name may have other
 * rules under another parent (the <lead> of <requirements> and of <item>). */
static r_elem *elem_named(schema_model *m, const char *name, const char *parent) {
    for (int i = 0; i < m->n_elems; i++)
        if (strcmp(m->elems[i].name, name) == 0 && strcmp(m->elems[i].parent, parent) == 0) return &m->elems[i];
    if (m->n_elems == MAXE) return NULL;
    r_elem *e = &m->elems[m->n_elems++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->parent, sizeof e->parent, "%s", parent);
    e->content = -1;
    return e;
}

static void set_content(schema_model *m, r_elem *cur, int t) {
    if (cur->content >= 0 && cur->content != t)
        snprintf(m->problem, sizeof m->problem, "<%s> has two kinds of content in the schema", cur->name);
    cur->content = t;
}

/* Walk one pattern and its siblings inside element `cur`.  min/max: the
 * counts the enclosing patterns allow; rep_choice: inside a repeated choice
 * (children in any order). */
static void walk(schema_model *m, xmlNodePtr p, r_elem *cur, int min, int max, int rep_choice, int depth) {
    char name[64];
    if (depth > 40) { snprintf(m->problem, sizeof m->problem, "refs nest too deep"); return; }
    for (; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE) continue;
        if (is_rng(p, "element")) {
            prop(p, "name", name, sizeof name);
            r_elem *e = elem_named(m, name, cur ? cur->name : "");
            if (!e) { snprintf(m->problem, sizeof m->problem, "too many elements"); return; }
            if (cur) {
                cur->has_kids = 1;
                if (rep_choice) cur->any_order = 1;
                r_kid *k = NULL;
                for (int i = 0; i < cur->n_kids; i++)
                    if (strcmp(cur->kids[i].name, name) == 0) k = &cur->kids[i];
                if (k) {                            /* in two branches: the loosest counts */
                    if (min < k->min) k->min = min;
                    if (k->max && (max == 0 || max > k->max)) k->max = max;
                } else if (cur->n_kids < MAXK) {
                    k = &cur->kids[cur->n_kids++];
                    snprintf(k->name, sizeof k->name, "%s", name);
                    k->min = min;
                    k->max = max;
                }
            }
            if (e->walked) continue;            /* one define, referenced twice */
            e->walked = 1;
            walk(m, p->children, e, 1, 1, 0, depth + 1);
            if (e->content < 0) e->content = e->has_kids ? T_CHILDREN : T_EMPTY;
        } else if (is_rng(p, "attribute")) {
            if (!cur || cur->n_attrs == MAXA) continue;
            r_attr *a = &cur->attrs[cur->n_attrs++];
            prop(p, "name", a->name, sizeof a->name);
            a->required = min >= 1;
            a->type = value_type(m, p->children);
        } else if (is_rng(p, "optional")) {
            walk(m, p->children, cur, 0, max == 0 ? 0 : 1, rep_choice, depth + 1);
        } else if (is_rng(p, "zeroOrMore")) {
            walk(m, p->children, cur, 0, 0, 0, depth + 1);
        } else if (is_rng(p, "oneOrMore")) {
            walk(m, p->children, cur, min, 0, 0, depth + 1);
        } else if (is_rng(p, "choice")) {
            int t = choice_type(p);
            if (t >= 0) { if (cur) set_content(m, cur, t); continue; }
            for (xmlNodePtr k = p->children; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE) continue;
                xmlNodePtr next = k->next;           /* each branch on its own */
                k->next = NULL;
                walk(m, k, cur, 0, max, max == 0, depth + 1);
                k->next = next;
            }
        } else if (is_rng(p, "mixed")) {
            /* text with elements in it: the elements are its children */
            if (cur) set_content(m, cur, T_MIXED);
            walk(m, p->children, cur, min, max, rep_choice, depth + 1);
        } else if (is_rng(p, "group")) {
            walk(m, p->children, cur, min, max, rep_choice, depth + 1);
        } else if (is_rng(p, "ref")) {
            prop(p, "name", name, sizeof name);
            int t = type_of_define(name);
            if (t >= 0) { if (cur) set_content(m, cur, t); continue; }
            xmlNodePtr d = define_of(m, name);
            if (!d) { snprintf(m->problem, sizeof m->problem, "ref to unknown define %s", name); return; }
            walk(m, d->children, cur, min, max, rep_choice, depth + 1);
        } else if (is_rng(p, "text")) {
            if (cur) set_content(m, cur, T_TEXT);
        } else if (is_rng(p, "empty")) {
            if (cur) set_content(m, cur, T_EMPTY);
        } else if (is_rng(p, "data") || is_rng(p, "value")) {
            if (cur) set_content(m, cur, value_type(m, p));
        }
    }
}

static int load_schema(schema_model *m) {
    memset(m, 0, sizeof *m);
    xmlDocPtr doc = xmlReadMemory((const char *)findings_rng, (int)findings_rng_len, "findings.rng", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!doc) { snprintf(m->problem, sizeof m->problem, "findings.rng does not parse"); return -1; }
    xmlNodePtr g = xmlDocGetRootElement(doc), start = NULL;
    for (xmlNodePtr c = g->children; c; c = c->next) {
        if (is_rng(c, "define") && m->n_defines < 128) m->defines[m->n_defines++] = c;
        if (is_rng(c, "start")) start = c;
    }
    if (start) walk(m, start->children, NULL, 1, 1, 0, 0);
    else snprintf(m->problem, sizeof m->problem, "no <start>");
    xmlFreeDoc(doc);
    return m->problem[0] ? -1 : 0;
}

static const char *TYPE_NAMES[] = {"children", "empty", "text", "text1", "date", "datetime", "key",
                                   "template", "code", "issue", "version", "kind", "count", "posint",
                                   "mixed", "item-style", "points", "stats-part"};

static const char *tn(int t) {
    return t >= 0 && t < (int)(sizeof TYPE_NAMES / sizeof *TYPE_NAMES) ? TYPE_NAMES[t] : "?";
}

/* One element: table entry t against schema element r.  Returns the first
 * difference, "" when they agree. */
static void compare(const parse_elem_spec *t, const r_elem *r, char *why, size_t n) {
    why[0] = 0;
    if (strcmp(t->parent ? t->parent : "", r->parent) != 0) {
        snprintf(why, n, "parent: table <%s>, schema <%s>", t->parent ? t->parent : "(root)",
                 r->parent[0] ? r->parent : "(root)");
        return;
    }
    if (t->content != r->content) {
        snprintf(why, n, "content: table %s, schema %s", tn(t->content), tn(r->content));
        return;
    }
    int nt = 0;
    for (const parse_attr_spec *a = t->attrs; a->name; a++, nt++) {
        const r_attr *ra = NULL;
        for (int i = 0; i < r->n_attrs; i++)
            if (strcmp(r->attrs[i].name, a->name) == 0) ra = &r->attrs[i];
        if (!ra) { snprintf(why, n, "attribute %s= is in the table, not in the schema", a->name); return; }
        if (ra->type != a->type || ra->required != a->required) {
            snprintf(why, n, "attribute %s=: table %s%s, schema %s%s", a->name, tn(a->type),
                     a->required ? " required" : "", tn(ra->type), ra->required ? " required" : "");
            return;
        }
    }
    for (int i = 0; i < r->n_attrs; i++) {
        int found = 0;
        for (const parse_attr_spec *a = t->attrs; a->name; a++) found |= strcmp(a->name, r->attrs[i].name) == 0;
        if (!found) { snprintf(why, n, "attribute %s= is in the schema, not in the table", r->attrs[i].name); return; }
    }
    if (nt != r->n_attrs) { snprintf(why, n, "an attribute appears twice"); return; }
    int nk = 0;
    for (const parse_kid_spec *k = t->kids; k->name; k++, nk++) {
        if (nk >= r->n_kids) { snprintf(why, n, "child <%s> is in the table, not in the schema", k->name); return; }
        const r_kid *rk = &r->kids[nk];
        if (strcmp(rk->name, k->name) != 0) {
            snprintf(why, n, "child %d: table <%s>, schema <%s> (names or order differ)", nk + 1, k->name, rk->name);
            return;
        }
        if (rk->min != k->min || rk->max != k->max) {
            snprintf(why, n, "child <%s>: table %d..%d, schema %d..%d (0 = any number)", k->name,
                     k->min, k->max, rk->min, rk->max);
            return;
        }
    }
    if (nk < r->n_kids) { snprintf(why, n, "child <%s> is in the schema, not in the table", r->kids[nk].name); return; }
    if (!!t->any_order != !!r->any_order)
        snprintf(why, n, "children in any order: table %s, schema %s", t->any_order ? "yes" : "no",
                 r->any_order ? "yes" : "no");
}

int main(void) {
    schema_model *m = malloc(sizeof *m);
    if (!m) return 1;
    int ok = load_schema(m) == 0;
    CHECK("rules: findings.rng walked", ok, "%s", m->problem);
    const parse_elem_spec *table = parse_rule_table();
    int n_table = 0;
    char why[400], name[200];
    /* table → schema */
    for (const parse_elem_spec *t = table; t->name; t++, n_table++) {
        const r_elem *r = NULL;
        for (int i = 0; i < m->n_elems; i++)
            if (strcmp(m->elems[i].name, t->name) == 0 && strcmp(m->elems[i].parent, t->parent ? t->parent : "") == 0)
                r = &m->elems[i];
        int same = 0;
        for (const parse_elem_spec *u = table; u->name; u++) same += strcmp(u->name, t->name) == 0;
        if (same == 1)
            snprintf(name, sizeof name, "rules: table <%s> = schema", t->name);
        else
            snprintf(name, sizeof name, "rules: table <%s> in <%s> = schema", t->name, t->parent ? t->parent : "");
        if (!r) { CHECK(name, 0, "<%s> is in the rule table but not in findings.rng", t->name); continue; }
        compare(t, r, why, sizeof why);
        CHECK(name, why[0] == 0, "%s", why);
    }
    /* schema → table */
    int missing = 0;
    for (int i = 0; i < m->n_elems; i++) {
        int found = 0;
        for (const parse_elem_spec *t = table; t->name; t++)
            found |= strcmp(t->name, m->elems[i].name) == 0 && strcmp(t->parent ? t->parent : "", m->elems[i].parent) == 0;
        if (!found) {
            missing++;
            CHECK("rules: every schema element is in the table", 0,
                  "<%s> (inside <%s>) is in findings.rng but not in parse_rules.c's table",
                  m->elems[i].name, m->elems[i].parent);
        }
    }
    if (!missing) CHECK("rules: every schema element is in the table", m->n_elems == n_table,
                        "%d in the schema, %d in the table", m->n_elems, n_table);
    free(m);
    xmlCleanupParser();
    return TESTS_DONE();
}
