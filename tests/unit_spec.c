/* unit_spec.c — docs/format.md is tongbao's reference of its input; this
 * runner holds the reference and the program to each other, as cmark's
 * runner does with spec.txt:
 *   - every fenced ```xml block followed by a ```text block is parsed,
 *     composed with the template it names (default dubao) and must give
 *     that text, one paragraph a line (what `tongbao render --text` prints);
 *   - every ```xml block followed by an ```error block must be refused
 *     with a message containing that text (read as "example.xml");
 *   - every element and attribute of src/findings.rng (the schema compiled
 *     into the binary) is named in the reference, as `<name>` or `name=`,
 *     and every element or attribute the reference describes in a heading
 *     or the first cell of a table row exists in the schema.
 * The reference is read at test time: $TONGBAO_HOME/docs/format.md, else
 * docs/format.md from the current directory (run.sh runs at the top). */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "parse.h"
#include "template.h"
#include "testlib.h"

extern const unsigned char findings_rng[];
extern const size_t findings_rng_len;

/* The heading above a line, for test names. */
static void heading_at(char *const *lines, size_t at, char *out, size_t n) {
    snprintf(out, n, "%s", "(top)");
    for (size_t i = at + 1; i-- > 0;)
        if (!strncmp(lines[i], "#", 1)) {
            const char *h = lines[i];
            while (*h == '#' || *h == ' ') h++;
            snprintf(out, n, "%s", h);
            return;
        }
}

/* Lines [from, to) joined with '\n' (no trailing newline). */
static char *join(char *const *lines, size_t from, size_t to) {
    buf b;
    buf_init(&b);
    for (size_t i = from; i < to; i++) {
        buf_puts(&b, lines[i]);
        if (i + 1 < to) buf_puts(&b, "\n");
    }
    const char *s = buf_cstr(&b);
    char *r = s ? strdup(s) : NULL;
    buf_free(&b);
    return r;
}

/* The composed text of a bulletin, as render --text prints it. */
static char *composed(const char *xml, err *e) {
    model_bulletin *b = parse_memory(xml, strlen(xml), "example.xml", e);
    if (!b) return NULL;
    tpl_template *t = tpl_load(b->template_name && *b->template_name ? b->template_name : "dubao", e);
    char *out = NULL;
    if (t) {
        compose_opts o = {.kind = t->kind, .word = tpl_word, .word_ctx = t};
        doc_document *d = compose_bulletin(b, &o, e);
        if (d) {
            buf text;
            buf_init(&text);
            doc_write_text(d, &text);
            while (text.len && text.data[text.len - 1] == '\n') text.data[--text.len] = 0;
            out = strdup(text.len ? text.data : "");
            buf_free(&text);
            doc_free(d);
        }
        tpl_free(t);
    }
    model_free(b);
    return out;
}

/* The message a refused example gets, or NULL when it is accepted. */
static char *refusal(const char *xml, char *msg, size_t n) {
    err e = {0};
    int ok;
    if (strstr(xml, "<rectifications")) {
        parse_rect_doc *r = parse_rectifications_memory(xml, strlen(xml), "example.xml", &e);
        ok = r != NULL;
        parse_rect_free(r);
    } else {
        model_bulletin *b = parse_memory(xml, strlen(xml), "example.xml", &e);
        ok = b != NULL;
        model_free(b);
    }
    if (ok) return NULL;
    err_format(&e, msg, n);
    return msg;
}

static size_t run_examples(char *const *lines, size_t n_lines) {
    size_t n_ex = 0;
    for (size_t i = 0; i < n_lines; i++) {
        if (strcmp(lines[i], "```xml")) continue;
        size_t x0 = i + 1, x1 = x0;
        while (x1 < n_lines && strcmp(lines[x1], "```")) x1++;
        size_t k = x1 + 1;
        while (k < n_lines && !lines[k][0]) k++;
        i = x1;
        if (k >= n_lines || (strcmp(lines[k], "```text") && strcmp(lines[k], "```error"))) continue;
        int is_text = !strcmp(lines[k], "```text");
        size_t w0 = k + 1, w1 = w0;
        while (w1 < n_lines && strcmp(lines[w1], "```")) w1++;
        i = w1;
        char *xml = join(lines, x0, x1), *want = join(lines, w0, w1);
        char where[200], name[300];
        heading_at(lines, x0, where, sizeof where);
        snprintf(name, sizeof name, "format.md line %zu (%s): %s", x0, where,
                 is_text ? "composes as shown" : "refused as shown");
        if (!xml || !want) {
            CHECK(name, 0, "out of memory");
        } else if (is_text) {
            err e = {0};
            char *got = composed(xml, &e);
            if (!got) {
                char msg[1024];
                err_format(&e, msg, sizeof msg);
                CHECK(name, 0, "not composed: %s", msg);
            } else {
                CHECK_STR(name, got, want);
            }
            free(got);
        } else {
            char msg[2048];
            const char *got = refusal(xml, msg, sizeof msg);
            CHECK(name, got && strstr(got, want), "want a message containing \"%s\", got %s", want,
                  got ? got : "(accepted)");
        }
        free(xml);
        free(want);
        n_ex++;
    }
    return n_ex;
}

/* ---- the schema and the reference name the same things ---- */

typedef struct {
    char names[128][48];
    int is_attr[128];
    size_t n;
} nameset;

static int has(const nameset *s, const char *name, int attr) {
    for (size_t i = 0; i < s->n; i++)
        if (s->is_attr[i] == attr && !strcmp(s->names[i], name)) return 1;
    return 0;
}

static void add(nameset *s, const char *name, int attr) {
    if (has(s, name, attr) || s->n >= sizeof s->names / sizeof s->names[0]) return;
    snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
    s->is_attr[s->n++] = attr;
}

static void collect(xmlNode *n, nameset *s) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        int el = !xmlStrcmp(n->name, BAD_CAST "element"), at = !xmlStrcmp(n->name, BAD_CAST "attribute");
        if (el || at) {
            xmlChar *nm = xmlGetProp(n, BAD_CAST "name");
            if (nm) add(s, (const char *)nm, at);
            xmlFree(nm);
        }
        collect(n->children, s);
    }
}

/* `<name>` or `name=` tokens of one line. */
static void tokens(const char *line, nameset *s) {
    for (const char *p = strchr(line, '`'); p; p = strchr(p, '`')) {
        const char *q = strchr(p + 1, '`');
        if (!q) break;
        size_t n = (size_t)(q - p - 1);
        char t[64];
        if (n > 0 && n < sizeof t) {
            memcpy(t, p + 1, n);
            t[n] = 0;
            int ok = 1;
            if (t[0] == '<' && t[n - 1] == '>') {
                t[n - 1] = 0;
                for (char *c = t + 1; *c; c++) ok &= (*c >= 'a' && *c <= 'z') || *c == '-';
                if (ok && t[1]) add(s, t + 1, 0);
            } else if (t[n - 1] == '=') {
                t[n - 1] = 0;
                for (char *c = t; *c; c++) ok &= (*c >= 'a' && *c <= 'z') || *c == '-';
                if (ok && t[0]) add(s, t, 1);
            }
        }
        p = q + 1;
    }
}

static void check_names(char *const *lines, size_t n_lines, const char *text) {
    xmlDoc *rng = xmlReadMemory((const char *)findings_rng, (int)findings_rng_len, "findings.rng", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    CHECK("the built-in schema parses", rng != NULL, "xmlReadMemory failed");
    if (!rng) return;
    static nameset schema, described;
    collect(xmlDocGetRootElement(rng), &schema);
    xmlFreeDoc(rng);
    CHECK("the schema names elements and attributes", schema.n > 40, "only %zu names", schema.n);
    buf missing;
    buf_init(&missing);
    for (size_t i = 0; i < schema.n; i++) {
        char want[64];
        snprintf(want, sizeof want, schema.is_attr[i] ? "`%s=`" : "`<%s>`", schema.names[i]);
        if (!strstr(text, want)) buf_printf(&missing, " %s", want);
    }
    CHECK("every element and attribute of findings.rng is described in format.md", missing.len == 0,
          "not described:%s", buf_cstr(&missing));
    buf_reset(&missing);
    /* the reverse: what the reference describes (section headings, first
     * table cells) is in the schema */
    for (size_t i = 0; i < n_lines; i++) {
        const char *l = lines[i];
        char cell[256];
        if (!strncmp(l, "### ", 4)) tokens(l, &described);
        else if (!strncmp(l, "| `", 3)) {
            const char *end = strchr(l + 1, '|');
            size_t n = end ? (size_t)(end - l) : strlen(l);
            snprintf(cell, sizeof cell, "%.*s", (int)(n < sizeof cell ? n : sizeof cell - 1), l);
            tokens(cell, &described);
        }
    }
    for (size_t i = 0; i < described.n; i++)
        if (!has(&schema, described.names[i], described.is_attr[i]))
            buf_printf(&missing, described.is_attr[i] ? " %s=" : " <%s>", described.names[i]);
    CHECK("everything format.md describes exists in findings.rng", described.n > 40 && missing.len == 0,
          "%zu described; not in the schema:%s", described.n, missing.len ? buf_cstr(&missing) : " -");
    buf_free(&missing);
}

int main(void) {
    parse_init();
    const char *home = getenv("TONGBAO_HOME");
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/format.md", home && *home ? home : ".");
    err e = {0};
    size_t len;
    char *text = file_read(path, 1u << 20, &len, &e);
    CHECK("docs/format.md is readable", text != NULL, "%s: %s", path, e.msg);
    if (!text) return TESTS_DONE();
    char *copy = strdup(text);
    size_t cap = 1;
    for (const char *p = text; *p; p++) cap += *p == '\n';
    char **lines = calloc(cap + 1, sizeof *lines);
    size_t n = 0;
    for (char *save = NULL, *p = copy; copy && lines; p = NULL) {
        /* strsep-like: keep empty lines */
        char *l = p ? p : save;
        if (!l) break;
        char *nl = strchr(l, '\n');
        if (nl) *nl = 0;
        save = nl ? nl + 1 : NULL;
        lines[n++] = l;
    }
    size_t n_ex = run_examples(lines, n);
    CHECK("format.md has at least 15 examples", n_ex >= 15, "%zu examples", n_ex);
    check_names(lines, n, text);
    free(lines);
    free(copy);
    free(text);
    parse_cleanup();
    return TESTS_DONE();
}
