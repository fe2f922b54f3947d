/* template.c — loads templates/NAME.xml into tpl_template (see template.h).
 *
 * The template format is documented in templates/README.md.  Parsing is
 * strict: an unknown attribute value or a malformed length is an error that
 * names the template file, line and what to write instead, because a user
 * editing a copy must learn about a typo at once, not from a wrong page. */
#include "template.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MM (72.0 / 25.4)

typedef struct {
    tpl_template *t;
    err *e;
} loader;

static const char *attr(loader *L, xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    char *s = arena_strdup(L->t->arena, (const char *)v);
    xmlFree(v);
    return s;
}

static int fail(loader *L, xmlNode *n, const char *fmt, const char *a, const char *b) {
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    return err_set(L->e, TB_ETEMPLATE, L->t->path, n ? (int)xmlGetLineNo(n) : 0, 0, "%s", msg);
}

/* "37mm", "16pt", "1.5cm", or a bare number in unit `def` (pt). */
static int length(loader *L, xmlNode *n, const char *name, double *out) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v) return fail(L, n, "attribute %s=\"%s\" is not a length; write e.g. 37mm or 16pt", name, v);
    if (!strcmp(end, "mm")) x *= MM;
    else if (!strcmp(end, "cm")) x *= 10 * MM;
    else if (!strcmp(end, "in")) x *= 72;
    else if (strcmp(end, "pt") && *end) return fail(L, n, "attribute %s=\"%s\": unknown unit; use mm, cm, in or pt", name, v);
    *out = x;
    return 1;
}

static int number(loader *L, xmlNode *n, const char *name, double *out) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end) return fail(L, n, "attribute %s=\"%s\" must be a number", name, v);
    *out = x;
    return 1;
}

static int color(loader *L, xmlNode *n, const char *name, double rgb[3]) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    static const struct { const char *name; unsigned rgb; } named[] = {
        {"red", 0xE60012}, {"black", 0x000000}, {"gray", 0x808080}, {"grey", 0x808080},
    };
    unsigned c = 0;
    int ok = 0;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcmp(v, named[i].name)) { c = named[i].rgb; ok = 1; }
    if (!ok && v[0] == '#' && strlen(v) == 7) {
        char *end;
        c = (unsigned)strtoul(v + 1, &end, 16);
        ok = *end == 0;
    }
    if (!ok) return fail(L, n, "attribute %s=\"%s\" is not a colour; write #RRGGBB or red/black", name, v);
    rgb[0] = ((c >> 16) & 255) / 255.0;
    rgb[1] = ((c >> 8) & 255) / 255.0;
    rgb[2] = (c & 255) / 255.0;
    return 1;
}

static int is(xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static int set_flag(loader *L, xmlNode *n, const char *name, int *out) {
    const char *v = attr(L, n, name);
    if (!v) return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) *out = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) *out = 0;
    else return fail(L, n, "attribute %s=\"%s\" must be yes or no", name, v);
    return 1;
}

static int load_style(loader *L, xmlNode *n, tpl_style *s) {
    int r;
    s->name = attr(L, n, "name");
    if (!s->name) return fail(L, n, "<style> needs a name=\"…\"%s%s", NULL, NULL);
    if ((s->font = attr(L, n, "font"))) {
        static const char *roles[] = {"fangsong", "xiaobiaosong", "heiti", "kaiti", "songti"};
        int ok = 0;
        for (size_t i = 0; i < 5; i++) ok |= !strcmp(s->font, roles[i]);
        if (!ok) return fail(L, n, "font=\"%s\" is not a font role; use fangsong, xiaobiaosong, heiti, kaiti or songti%s", s->font, NULL);
        s->set |= TPL_S_FONT;
    }
    if ((r = length(L, n, "size", &s->size)) < 0) return -1; else if (r) s->set |= TPL_S_SIZE;
    if ((r = color(L, n, "color", s->rgb)) < 0) return -1; else if (r) s->set |= TPL_S_COLOR;
    const char *w = attr(L, n, "weight");
    if (w) {
        if (!strcmp(w, "bold")) s->bold = 1;
        else if (strcmp(w, "normal")) return fail(L, n, "weight=\"%s\": use normal or bold%s", w, NULL);
        s->set |= TPL_S_BOLD;
    }
    const char *a = attr(L, n, "align");
    if (a) {
        static const struct { const char *n; tpl_align a; } al[] = {
            {"left", TPL_LEFT}, {"center", TPL_CENTER}, {"right", TPL_RIGHT},
            {"justify", TPL_JUSTIFY}, {"center-over-next", TPL_CENTER_OVER_NEXT}};
        int ok = 0;
        for (size_t i = 0; i < 5; i++)
            if (!strcmp(a, al[i].n)) { s->align = al[i].a; ok = 1; }
        if (!ok) return fail(L, n, "align=\"%s\": use left, center, right, justify or center-over-next%s", a, NULL);
        s->set |= TPL_S_ALIGN;
    }
    if ((r = number(L, n, "indent", &s->indent)) < 0) return -1; else if (r) s->set |= TPL_S_INDENT;
    if ((r = number(L, n, "left-indent", &s->left_indent)) < 0) return -1; else if (r) s->set |= TPL_S_LINDENT;
    if ((r = number(L, n, "right-indent", &s->right_indent)) < 0) return -1; else if (r) s->set |= TPL_S_RINDENT;
    if ((r = number(L, n, "space-before", &s->space_before)) < 0) return -1; else if (r) s->set |= TPL_S_BEFORE;
    if ((r = number(L, n, "space-after", &s->space_after)) < 0) return -1; else if (r) s->set |= TPL_S_AFTER;
    if ((r = number(L, n, "line-pitch", &s->line_pitch)) < 0) return -1; else if (r) s->set |= TPL_S_LINES;
    if ((r = set_flag(L, n, "keep-with-next", &s->keep_with_next)) < 0) return -1; else if (r) s->set |= TPL_S_KEEP;
    if ((r = set_flag(L, n, "fit", &s->fit)) < 0) return -1; else if (r) s->set |= TPL_S_FIT;
    return 0;
}

static int load_items(loader *L, xmlNode *parent, tpl_item **items, size_t *n) {
    size_t cap = 0;
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (arena_grow(L->t->arena, (void **)items, &cap, *n, sizeof **items) < 0)
            return err_set(L->e, TB_EINTERNAL, L->t->path, 0, 0, "out of memory");
        tpl_item *it = &(*items)[*n];
        memset(it, 0, sizeof *it);
        it->top = -1;
        if (length(L, c, "top", &it->top) < 0) return -1;
        if (is(c, "rule")) {
            it->kind = TPL_ITEM_RULE;
            it->weight = 0.35 * MM;
            if (length(L, c, "weight", &it->weight) < 0 || color(L, c, "color", it->rgb) < 0) return -1;
        } else if (is(c, "text")) {
            it->kind = TPL_ITEM_TEXT;
            it->style = attr(L, c, "style");
            it->left = attr(L, c, "left");
            it->right = attr(L, c, "right");
            xmlChar *txt = xmlNodeGetContent(c);
            if (txt) {
                it->text = arena_strdup(L->t->arena, (const char *)txt);
                xmlFree(txt);
            }
            if (it->text && str_empty(it->text)) it->text = NULL;
            if (!it->text && !it->left && !it->right)
                return fail(L, c, "<text> needs content or left=/right= attributes%s%s", NULL, NULL);
        } else {
            return fail(L, c, "unknown element <%s> here; use <text> or <rule>%s", (const char *)c->name, NULL);
        }
        (*n)++;
    }
    return 0;
}

static int load_root(loader *L, xmlNode *root) {
    tpl_template *t = L->t;
    if (!root || !is(root, "template"))
        return fail(L, root, "the root element must be <template>%s%s", NULL, NULL);
    t->name = attr(L, root, "name");
    t->description = attr(L, root, "description");
    t->kind = attr(L, root, "kind");
    if (!t->kind) t->kind = t->name;
    /* GB/T 9704-2012 defaults: a template only states what it changes. */
    t->page_w = 210 * MM; t->page_h = 297 * MM; t->top = 37 * MM; t->left = 28 * MM;
    t->block_w = 156 * MM; t->block_h = 225 * MM; t->lines = 22; t->chars = 28; t->body_size = 16;
    t->folio_format = "— {page} —";
    t->folio_style = "folio";
    t->folio_below = 7 * MM;
    t->folio_inset = 1;
    t->folio_outer = 1;
    size_t cap_styles = 0, cap_words = 0;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is(c, "page")) {
            double x;
            int r;
            if (length(L, c, "width", &t->page_w) < 0 || length(L, c, "height", &t->page_h) < 0 ||
                length(L, c, "top", &t->top) < 0 || length(L, c, "left", &t->left) < 0 ||
                length(L, c, "block-width", &t->block_w) < 0 || length(L, c, "block-height", &t->block_h) < 0 ||
                length(L, c, "body-size", &t->body_size) < 0)
                return -1;
            if ((r = number(L, c, "lines", &x)) < 0) return -1;
            if (r) t->lines = (int)x;
            if ((r = number(L, c, "chars", &x)) < 0) return -1;
            if (r) t->chars = (int)x;
        } else if (is(c, "style")) {
            if (arena_grow(t->arena, (void **)&t->styles, &cap_styles, t->n_styles, sizeof *t->styles) < 0)
                return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
            tpl_style *s = &t->styles[t->n_styles];
            memset(s, 0, sizeof *s);
            if (load_style(L, c, s) < 0) return -1;
            t->n_styles++;
        } else if (is(c, "head")) {
            double x = 0;
            if (number(L, c, "lines", &x) < 0) return -1;
            t->head_lines = (int)x;
            if (load_items(L, c, &t->head, &t->n_head) < 0) return -1;
        } else if (is(c, "tail")) {
            if (load_items(L, c, &t->tail, &t->n_tail) < 0) return -1;
        } else if (is(c, "folio")) {
            const char *f = attr(L, c, "format"), *s = attr(L, c, "style"), *side = attr(L, c, "side");
            if (f) t->folio_format = f;
            if (s) t->folio_style = s;
            if (side) {
                if (!strcmp(side, "outer")) t->folio_outer = 1;
                else if (!strcmp(side, "center")) t->folio_outer = 0;
                else return fail(L, c, "side=\"%s\": use outer or center%s", side, NULL);
            }
            if (length(L, c, "below", &t->folio_below) < 0 || number(L, c, "inset", &t->folio_inset) < 0) return -1;
        } else if (is(c, "wording")) {
            for (xmlNode *w = c->children; w; w = w->next) {
                if (w->type != XML_ELEMENT_NODE) continue;
                if (!is(w, "text")) return fail(L, w, "unknown element <%s> in <wording>; use <text key=\"…\">%s", (const char *)w->name, NULL);
                if (arena_grow(t->arena, (void **)&t->words, &cap_words, t->n_words, sizeof *t->words) < 0)
                    return err_set(L->e, TB_EINTERNAL, t->path, 0, 0, "out of memory");
                tpl_word_entry *we = &t->words[t->n_words];
                we->key = attr(L, w, "key");
                xmlChar *txt = xmlNodeGetContent(w);
                we->text = txt ? arena_strdup(t->arena, (const char *)txt) : "";
                if (txt) xmlFree(txt);
                if (!we->key) return fail(L, w, "<text> in <wording> needs key=\"…\"%s%s", NULL, NULL);
                t->n_words++;
            }
        } else if (is(c, "order")) {
            xmlChar *txt = xmlNodeGetContent(c);
            t->order = txt ? arena_strdup(t->arena, (const char *)txt) : NULL;
            if (txt) xmlFree(txt);
        } else {
            return fail(L, c, "unknown element <%s> in <template>%s", (const char *)c->name, NULL);
        }
    }
    if (t->lines < 1 || t->chars < 1 || t->block_w <= 0 || t->block_h <= 0 || t->body_size <= 0)
        return fail(L, root, "page geometry must have positive lines, chars, block size and body size%s%s", NULL, NULL);
    if (t->head_lines < 0 || t->head_lines >= t->lines)
        return fail(L, root, "<head lines=…> must leave room for the body on the first page%s%s", NULL, NULL);
    t->line_pitch = t->block_h / t->lines;
    t->char_pitch = t->block_w / t->chars;
    if (!tpl_style_get(t, "body")) return fail(L, root, "a template needs a <style name=\"body\" …>%s%s", NULL, NULL);
    return 0;
}

tpl_template *tpl_load_memory(const char *xml, size_t len, const char *name, err *e) {
    arena *a = arena_new();
    tpl_template *t = a ? arena_alloc(a, sizeof *t) : NULL;
    if (!t) {
        arena_free(a);
        err_set(e, TB_EINTERNAL, name, 0, 0, "out of memory");
        return NULL;
    }
    t->arena = a;
    t->path = arena_strdup(a, name);
    t->xml = arena_strndup(a, xml, len);
    t->xml_len = len;
    if (len > INT_MAX || !t->path || !t->xml) {
        err_set(e, TB_ETEMPLATE, name, 0, 0, "template too large or out of memory");
        tpl_free(t);
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlDocPtr doc = ctxt ? xmlCtxtReadMemory(ctxt, xml, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING) : NULL;
    if (!doc) {
        const xmlError *xe = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
        char msg[512];
        snprintf(msg, sizeof msg, "%s", xe && xe->message ? xe->message : "not well-formed XML");
        size_t ml = strlen(msg);
        while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' ')) msg[--ml] = 0;
        err_set(e, TB_ETEMPLATE, name, xe ? xe->line : 0, xe ? xe->int2 : 0, "template is not well-formed XML: %s", msg);
        if (ctxt) xmlFreeParserCtxt(ctxt);
        tpl_free(t);
        return NULL;
    }
    loader L = {t, e};
    int rc = load_root(&L, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (rc < 0) {
        tpl_free(t);
        return NULL;
    }
    return t;
}

tpl_template *tpl_load_file(const char *path, err *e) {
    size_t len;
    char *data = file_read(path, 4u << 20, &len, e);
    if (!data) {
        if (e) e->code = TB_ETEMPLATE;
        return NULL;
    }
    tpl_template *t = tpl_load_memory(data, len, path, e);
    free(data);
    return t;
}

void tpl_free(tpl_template *t) {
    if (t) arena_free(t->arena);
}

char *tpl_data_dir(void) {
    const char *home = getenv("TONGBAO_HOME");
    if (home && *home) return strdup(home);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        /* <root>/bin/tongbao or <root>/build/…/tests/x → walk up until templates/ exists */
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash || slash == exe) break;
            *slash = 0;
            char probe[PATH_MAX + 32];
            struct stat st;
            snprintf(probe, sizeof probe, "%s/templates", exe);
            if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) return strdup(exe);
            snprintf(probe, sizeof probe, "%s/share/tongbao/templates", exe);
            if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) {
                snprintf(probe, sizeof probe, "%s/share/tongbao", exe);
                return strdup(probe);
            }
        }
    }
    return strdup(".");
}

size_t tpl_search_path(char *dirs[], size_t max) {
    size_t n = 0;
    const char *env = getenv("TONGBAO_TEMPLATES");
    if (env && *env && n < max) dirs[n++] = strdup(env);
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char tmp[PATH_MAX];
    if (xdg && *xdg) snprintf(tmp, sizeof tmp, "%s/tongbao/templates", xdg);
    else if (home && *home) snprintf(tmp, sizeof tmp, "%s/.config/tongbao/templates", home);
    else tmp[0] = 0;
    if (tmp[0] && n < max) dirs[n++] = strdup(tmp);
    char *data = tpl_data_dir();
    if (data && n < max) {
        snprintf(tmp, sizeof tmp, "%s/templates", data);
        dirs[n++] = strdup(tmp);
    }
    free(data);
    for (size_t i = 0; i < n; i++)
        if (!dirs[i]) { /* strdup failed: drop the rest */
            for (size_t j = i + 1; j < n; j++) free(dirs[j]);
            return i;
        }
    return n;
}

tpl_template *tpl_load(const char *name, err *e) {
    if (strchr(name, '/')) return tpl_load_file(name, e);
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
            err_set(e, TB_ETEMPLATE, NULL, 0, 0, "template name \"%s\" may only use a-z, 0-9, - and _; give a path to use a file elsewhere", name);
            return NULL;
        }
    char *dirs[8];
    size_t n = tpl_search_path(dirs, 8);
    tpl_template *t = NULL;
    int found = 0;
    buf tried;
    buf_init(&tried);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s.xml", dirs[i], name);
        if (!found && access(path, R_OK) == 0) {
            found = 1;
            t = tpl_load_file(path, e);
        }
        buf_printf(&tried, "%s%s", i ? ", " : "", dirs[i]);
        free(dirs[i]);
    }
    if (!found)
        err_set(e, TB_ETEMPLATE, NULL, 0, 0, "no template \"%s\" in %s; `tongbao templates` lists what is installed",
                name, tried.len ? buf_cstr(&tried) : "(no template directories)");
    buf_free(&tried);
    return t;
}

const tpl_style *tpl_style_get(const tpl_template *t, const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < t->n_styles; i++)
        if (!strcmp(t->styles[i].name, name)) return &t->styles[i];
    return NULL;
}

static void merge(tpl_style *o, const tpl_style *s, int inherit_par) {
    if (!s) return;
    if (s->set & TPL_S_FONT) o->font = s->font;
    if (s->set & TPL_S_SIZE) o->size = s->size;
    if (s->set & TPL_S_COLOR) memcpy(o->rgb, s->rgb, sizeof o->rgb);
    if (s->set & TPL_S_BOLD) o->bold = s->bold;
    if (!inherit_par) return;     /* run styles change only the character look */
    if (s->set & TPL_S_ALIGN) o->align = s->align;
    if (s->set & TPL_S_INDENT) o->indent = s->indent;
    if (s->set & TPL_S_LINDENT) o->left_indent = s->left_indent;
    if (s->set & TPL_S_RINDENT) o->right_indent = s->right_indent;
    if (s->set & TPL_S_BEFORE) o->space_before = s->space_before;
    if (s->set & TPL_S_AFTER) o->space_after = s->space_after;
    if (s->set & TPL_S_KEEP) o->keep_with_next = s->keep_with_next;
    if (s->set & TPL_S_FIT) o->fit = s->fit;
    if (s->set & TPL_S_LINES) o->line_pitch = s->line_pitch;
}

void tpl_resolve(const tpl_template *t, const char *block_style, const char *run_style, tpl_style *out) {
    memset(out, 0, sizeof *out);
    out->font = "fangsong";
    out->size = t->body_size;
    out->align = TPL_JUSTIFY;
    out->line_pitch = 1;
    const tpl_style *body = tpl_style_get(t, "body");
    merge(out, body, 1);
    if (block_style && strcmp(block_style, "body")) {
        const tpl_style *bs = tpl_style_get(t, block_style);
        if (bs) {
            /* a block style other than body starts from body's character look
             * but not its paragraph shape: indents and spacing are its own */
            out->indent = 0;
            out->left_indent = out->right_indent = 0;
            out->space_before = out->space_after = 0;
            out->align = TPL_LEFT;
            merge(out, bs, 1);
        }
    }
    if (run_style) merge(out, tpl_style_get(t, run_style), 0);
    out->name = block_style;
}

const char *tpl_word(void *ctx, const char *key) {
    const tpl_template *t = ctx;
    for (size_t i = 0; t && i < t->n_words; i++)
        if (!strcmp(t->words[i].key, key)) return t->words[i].text;
    return NULL;
}
