/* xlsx.c — XLSX workbooks → grids: libzip for the package, libxml2's SAX
 * parser for the parts (see xlsx.h for what it owns and its limits). */
#include "xlsx.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct xlsx_book {
    arena *arena;
    const char *name;          /* for messages */
    char *owned;               /* file bytes when opened from a file */
    zip_t *zip;
    xlsx_sheet_info *sheets;
    size_t n_sheets, cap_sheets;
    const char **strings;      /* shared strings */
    size_t n_strings, cap_strings;
    int date1904;
};

/* ---- sniffing ------------------------------------------------------------ */

/* Does the compound file hold a stream of this name (UTF-16LE in its
 * directory)?  Enough to tell an encrypted OOXML package from a .xls. */
static int cfb_has(const unsigned char *d, size_t len, const char *ascii) {
    size_t n = strlen(ascii);
    for (size_t i = 0; i + 2 * n <= len; i++) {
        size_t k = 0;
        while (k < n && d[i + 2 * k] == (unsigned char)ascii[k] && d[i + 2 * k + 1] == 0) k++;
        if (k == n) return 1;
    }
    return 0;
}

int xlsx_sniff(const void *data, size_t len) {
    const unsigned char *d = data;
    static const unsigned char cfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (len >= 4 && d[0] == 'P' && d[1] == 'K' && (d[2] == 3 || d[2] == 5) && (d[3] == 4 || d[3] == 6))
        return XLSX_KIND_ZIP;
    if (len >= 8 && !memcmp(d, cfb, 8))
        return cfb_has(d, len, "EncryptedPackage") || cfb_has(d, len, "EncryptionInfo") ? XLSX_KIND_ENCRYPTED
                                                                                         : XLSX_KIND_XLS;
    return XLSX_KIND_OTHER;
}

/* ---- the SAX machinery shared by every part ------------------------------ */

typedef struct sx sx;
typedef void (*sx_start_fn)(sx *s, const char *local, const xmlChar **attrs, int n_attrs);
typedef void (*sx_end_fn)(sx *s, const char *local);

struct sx {
    xmlParserCtxtPtr ctxt;
    xlsx_book *bk;
    const char *part;
    err *e;
    int failed;                /* e filled by a handler */
    sx_start_fn start;
    sx_end_fn end;
    int collect;               /* characters go to text */
    buf text;
    void *ud;                  /* the part's own state */
};

static void sx_fail(sx *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sx_fail(sx *s, int code, const char *fmt, ...) {
    if (!s->failed) {
        char msg[900];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        err_set(s->e, code, s->bk->name, 0, 0, "%s", msg);
        s->failed = 1;
    }
    xmlStopParser(s->ctxt);
}

/* The value of attribute local (any namespace) or NULL; into a (arena). */
static const char *sx_attr(arena *a, const xmlChar **attrs, int n, const char *local, int want_prefixed) {
    for (int i = 0; i < n; i++) {
        const xmlChar **at = attrs + 5 * i;
        if (strcmp((const char *)at[0], local)) continue;
        if (want_prefixed >= 0 && (at[1] != NULL) != want_prefixed) continue;
        return arena_strndup(a, (const char *)at[3], (size_t)(at[4] - at[3]));
    }
    return NULL;
}

/* Attribute value without copying: into out (cut at n-1 bytes). */
static int sx_attr_buf(const xmlChar **attrs, int n, const char *local, char *out, size_t cap) {
    for (int i = 0; i < n; i++) {
        const xmlChar **at = attrs + 5 * i;
        if (strcmp((const char *)at[0], local)) continue;
        size_t l = (size_t)(at[4] - at[3]);
        if (l >= cap) l = cap - 1;
        memcpy(out, at[3], l);
        out[l] = 0;
        return 1;
    }
    return 0;
}

static void sx_start_ns(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int n_ns,
                        const xmlChar **ns, int n_attrs, int n_def, const xmlChar **attrs) {
    (void)prefix, (void)uri, (void)n_ns, (void)ns, (void)n_def;
    sx *s = ctx;
    if (!s->failed) s->start(s, (const char *)local, attrs, n_attrs);
}

static void sx_end_ns(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri) {
    (void)prefix, (void)uri;
    sx *s = ctx;
    if (!s->failed) s->end(s, (const char *)local);
}

static void sx_chars(void *ctx, const xmlChar *ch, int len) {
    sx *s = ctx;
    if (!s->collect || s->failed) return;
    if (s->text.len + (size_t)len > GRID_MAX_TEXT) {
        sx_fail(s, TB_EINPUT, "%s: a text of more than %u bytes; the workbook is not one tongbao reads", s->part,
                GRID_MAX_TEXT);
        return;
    }
    buf_add(&s->text, ch, (size_t)len);
}

/* Workbook parts never carry a DTD; one here can only be an attack
 * (entity expansion, external entities), so the part is refused. */
static void sx_dtd(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys) {
    (void)name, (void)ext, (void)sys;
    sx *s = ctx;
    sx_fail(s, TB_EINPUT, "%s: has a DOCTYPE; workbooks never do, so the file is refused (not made by a spreadsheet program?)",
            s->part);
}

static void sx_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub, const xmlChar *sys, xmlChar *content) {
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    sx_dtd(ctx, NULL, NULL, NULL);
}

static void sx_serror(void *ctx, xmlErrorPtr er) {
    (void)ctx, (void)er;   /* the first error is taken from the context afterwards */
}

/* Find a part by name (OPC names are case-insensitive); -1 when absent. */
static zip_int64_t part_index(xlsx_book *bk, const char *part) {
    return zip_name_locate(bk->zip, part, ZIP_FL_NOCASE);
}

/* Stream one part through the SAX parser. */
static int sx_run(xlsx_book *bk, const char *part, sx_start_fn start, sx_end_fn end, void *ud, err *e) {
    zip_int64_t idx = part_index(bk, part);
    if (idx < 0) return err_set(e, TB_EINPUT, bk->name, 0, 0, "the workbook has no part %s; save it again as .xlsx", part);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(bk->zip, (zip_uint64_t)idx, 0, &st) < 0)
        return err_set(e, TB_EINPUT, bk->name, 0, 0, "cannot read %s in the workbook: %s", part, zip_strerror(bk->zip));
    zip_file_t *zf = zip_fopen_index(bk->zip, (zip_uint64_t)idx, 0);
    if (!zf)
        return err_set(e, TB_EINPUT, bk->name, 0, 0, "cannot read %s in the workbook: %s; the file is damaged",
                       part, zip_strerror(bk->zip));
    xmlSAXHandler h;
    memset(&h, 0, sizeof h);
    h.initialized = XML_SAX2_MAGIC;
    h.startElementNs = sx_start_ns;
    h.endElementNs = sx_end_ns;
    h.characters = sx_chars;
    h.cdataBlock = sx_chars;
    h.internalSubset = sx_dtd;
    h.externalSubset = sx_dtd;
    h.entityDecl = sx_entity;
    h.serror = sx_serror;
    sx s = {.bk = bk, .part = part, .e = e, .start = start, .end = end, .ud = ud};
    buf_init(&s.text);
    s.ctxt = xmlCreatePushParserCtxt(&h, &s, NULL, 0, part);
    if (!s.ctxt) {
        zip_fclose(zf);
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    xmlCtxtUseOptions(s.ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    char *rd = xmalloc(65536);
    int rc = 0;
    zip_uint64_t total = 0;
    while (rc == 0) {
        zip_int64_t n = zip_fread(zf, rd, 65536);
        if (n < 0) {
            rc = err_set(e, TB_EINPUT, bk->name, 0, 0, "%s in the workbook is damaged (%s); open and save it again",
                         part, zip_file_strerror(zf));
            break;
        }
        total += (zip_uint64_t)n;
        if ((st.valid & ZIP_STAT_SIZE) && total > st.size) {
            rc = err_set(e, TB_EINPUT, bk->name, 0, 0,
                         "%s inflates to more than the %llu bytes it declares; the file is refused (zip bomb?)",
                         part, (unsigned long long)st.size);
            break;
        }
        int pr = xmlParseChunk(s.ctxt, rd, (int)n, n == 0);
        if (s.failed) {
            rc = -1;
            break;
        }
        if (pr != 0) {
            xmlErrorPtr xe = xmlCtxtGetLastError(s.ctxt);
            char msg[300] = "not well-formed";
            if (xe && xe->message) {
                snprintf(msg, sizeof msg, "%s", xe->message);
                size_t l = strlen(msg);
                while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' ')) msg[--l] = 0;
            }
            rc = err_set(e, TB_EINPUT, bk->name, 0, 0, "%s in the workbook is not valid XML (line %d: %s); open and save it again",
                         part, xe ? xe->line : 0, msg);
            break;
        }
        if (n == 0) break;
    }
    free(rd);
    zip_fclose(zf);
    xmlFreeParserCtxt(s.ctxt);
    buf_free(&s.text);
    return rc;
}

/* ---- relationships ------------------------------------------------------- */

typedef struct {
    const char *id, *type, *target;
} rel;

typedef struct {
    rel *items;
    size_t n, cap;
    int oom;
} rels;

static void rels_start(sx *s, const char *local, const xmlChar **attrs, int n) {
    rels *r = s->ud;
    if (strcmp(local, "Relationship")) return;
    if (r->n >= 10000) {
        sx_fail(s, TB_EINPUT, "%s: too many relationships", s->part);
        return;
    }
    arena_grow(s->bk->arena, (void **)&r->items, &r->cap, r->n, sizeof *r->items);
    rel *it = &r->items[r->n++];
    it->id = sx_attr(s->bk->arena, attrs, n, "Id", -1);
    it->type = sx_attr(s->bk->arena, attrs, n, "Type", -1);
    it->target = sx_attr(s->bk->arena, attrs, n, "Target", -1);
}

static void no_end(sx *s, const char *local) { (void)s, (void)local; }

/* xl/workbook.xml → xl/_rels/workbook.xml.rels */
static char *rels_name(arena *a, const char *part) {
    const char *slash = strrchr(part, '/');
    if (!slash) return arena_printf(a, "_rels/%s.rels", part);
    return arena_printf(a, "%.*s/_rels/%s.rels", (int)(slash - part), part, slash + 1);
}

/* A relationship target relative to the part that names it. */
static char *resolve(arena *a, const char *from, const char *target) {
    if (target[0] == '/') return arena_strdup(a, target + 1);
    const char *slash = strrchr(from, '/');
    size_t dl = slash ? (size_t)(slash - from) : 0;
    while (!strncmp(target, "../", 3)) {
        target += 3;
        while (dl > 0 && from[dl - 1] != '/') dl--;
        if (dl > 0) dl--;
    }
    if (!dl) return arena_strdup(a, target);
    return arena_printf(a, "%.*s/%s", (int)dl, from, target);
}

static int ends_with(const char *s, const char *tail) {
    size_t n = s ? strlen(s) : 0, m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

static int read_rels(xlsx_book *bk, const char *part, rels *r, err *e) {
    memset(r, 0, sizeof *r);
    const char *name = rels_name(bk->arena, part);
    if (part_index(bk, name) < 0) return 0;   /* no relationships */
    return sx_run(bk, name, rels_start, no_end, r, e);
}

/* ---- workbook and shared strings ---------------------------------------- */

typedef struct {
    const char *rid;
} wb_sheet_rid;

typedef struct {
    wb_sheet_rid *rids;
    size_t cap;
} wb_state;

static void wb_start(sx *s, const char *local, const xmlChar **attrs, int n) {
    xlsx_book *bk = s->bk;
    wb_state *w = s->ud;
    if (!strcmp(local, "workbookPr")) {
        char v[8];
        if (sx_attr_buf(attrs, n, "date1904", v, sizeof v)) bk->date1904 = !strcmp(v, "1") || !strcmp(v, "true");
        return;
    }
    if (strcmp(local, "sheet")) return;
    if (bk->n_sheets >= 10000) {
        sx_fail(s, TB_EINPUT, "%s: too many sheets", s->part);
        return;
    }
    size_t cap = bk->cap_sheets;
    arena_grow(bk->arena, (void **)&bk->sheets, &bk->cap_sheets, bk->n_sheets, sizeof *bk->sheets);
    arena_grow(bk->arena, (void **)&w->rids, &cap, bk->n_sheets, sizeof *w->rids);
    xlsx_sheet_info *si = &bk->sheets[bk->n_sheets];
    si->name = sx_attr(bk->arena, attrs, n, "name", 0);
    char state[16] = "";
    sx_attr_buf(attrs, n, "state", state, sizeof state);
    si->hidden = !strcmp(state, "hidden") || !strcmp(state, "veryHidden");
    w->rids[bk->n_sheets].rid = sx_attr(bk->arena, attrs, n, "id", 1);
    if (!si->name) si->name = arena_printf(bk->arena, "Sheet%zu", bk->n_sheets + 1);
    bk->n_sheets++;
}

typedef struct {
    int in_si, in_t, rph;
    buf s;
} ss_state;

static void ss_start(sx *s, const char *local, const xmlChar **attrs, int n) {
    (void)attrs, (void)n;
    ss_state *st = s->ud;
    if (!strcmp(local, "si")) {
        st->in_si = 1;
        buf_reset(&st->s);
    } else if (!strcmp(local, "rPh")) {
        st->rph++;   /* phonetic guide (furigana/pinyin): not part of the value */
    } else if (!strcmp(local, "t") && st->in_si && !st->rph) {
        s->collect = 1;
        buf_reset(&s->text);
    }
}

static void ss_end(sx *s, const char *local) {
    ss_state *st = s->ud;
    xlsx_book *bk = s->bk;
    if (!strcmp(local, "t") && s->collect) {
        s->collect = 0;
        buf_add(&st->s, s->text.data ? s->text.data : "", s->text.len);
        if (st->s.len > GRID_MAX_TEXT) sx_fail(s, TB_EINPUT, "%s: a string of more than %u bytes", s->part, GRID_MAX_TEXT);
    } else if (!strcmp(local, "rPh")) {
        if (st->rph) st->rph--;
    } else if (!strcmp(local, "si")) {
        st->in_si = 0;
        if (bk->n_strings >= XLSX_MAX_STRINGS) {
            sx_fail(s, TB_EINPUT, "%s: more than %u shared strings, the limit", s->part, XLSX_MAX_STRINGS);
            return;
        }
        arena_grow(bk->arena, (void **)&bk->strings, &bk->cap_strings, bk->n_strings, sizeof *bk->strings);
        bk->strings[bk->n_strings] = arena_strndup(bk->arena, st->s.data ? st->s.data : "", st->s.len);
        bk->n_strings++;
    }
}

/* ---- opening ------------------------------------------------------------- */

static int check_entries(xlsx_book *bk, err *e) {
    zip_int64_t n = zip_get_num_entries(bk->zip, 0);
    if (n < 0 || n > XLSX_MAX_ENTRIES)
        return err_set(e, TB_EINPUT, bk->name, 0, 0,
                       "the package has %lld entries, over the limit of %d; this is not a workbook tongbao reads",
                       (long long)n, XLSX_MAX_ENTRIES);
    unsigned long long total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(bk->zip, (zip_uint64_t)i, 0, &st) < 0)
            return err_set(e, TB_EINPUT, bk->name, 0, 0, "the package is damaged (%s)", zip_strerror(bk->zip));
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
            return err_set(e, TB_EINPUT, bk->name, 0, 0,
                           "the workbook is encrypted; remove the password (save a copy without one) and try again");
        if (!(st.valid & ZIP_STAT_SIZE)) continue;
        if (st.size > XLSX_MAX_PART)
            return err_set(e, TB_EINPUT, bk->name, 0, 0,
                           "%s would inflate to %llu bytes, over the limit of %llu per part; the file is refused before "
                           "inflating it (zip bomb?)", st.name ? st.name : "an entry", (unsigned long long)st.size,
                           XLSX_MAX_PART);
        total += st.size;
        if (total > XLSX_MAX_TOTAL)
            return err_set(e, TB_EINPUT, bk->name, 0, 0,
                           "the package would inflate to more than %llu bytes in all, the limit; the file is refused "
                           "before inflating it (zip bomb?)", XLSX_MAX_TOTAL);
    }
    return 0;
}

static int not_a_workbook(const char *name, int kind, err *e) {
    if (kind == XLSX_KIND_ENCRYPTED)
        return err_set(e, TB_EINPUT, name, 0, 0,
                       "the workbook is encrypted (password-protected); save a copy without the password and import that");
    if (kind == XLSX_KIND_XLS)
        return err_set(e, TB_EINPUT, name, 0, 0,
                       "this is an old Excel 97-2003 .xls workbook; open it in Excel or WPS and save it as .xlsx "
                       "(Excel 工作簿), or export the sheet as CSV");
    return err_set(e, TB_EINPUT, name, 0, 0,
                   "not an XLSX workbook (it is not a zip package); save the sheet from Excel or WPS as .xlsx, or as CSV");
}

static int open_parts(xlsx_book *bk, err *e) {
    if (check_entries(bk, e) < 0) return -1;
    /* package relationships → the workbook part */
    rels pk;
    if (read_rels(bk, "", &pk, e) < 0) return -1;
    const char *wb = NULL;
    for (size_t i = 0; i < pk.n; i++)
        if (ends_with(pk.items[i].type, "/officeDocument") && pk.items[i].target)
            wb = resolve(bk->arena, "", pk.items[i].target);
    if (!wb) wb = "xl/workbook.xml";
    if (part_index(bk, wb) < 0) {
        if (part_index(bk, "content.xml") >= 0)
            return err_set(e, TB_EINPUT, bk->name, 0, 0,
                           "this is an OpenDocument spreadsheet (.ods); save it as .xlsx (Excel 2007-365) and import that");
        return err_set(e, TB_EINPUT, bk->name, 0, 0, "a zip file but no workbook in it (no %s); save the sheet as .xlsx", wb);
    }
    wb_state w = {0};
    if (sx_run(bk, wb, wb_start, no_end, &w, e) < 0) return -1;
    rels wr;
    if (read_rels(bk, wb, &wr, e) < 0) return -1;
    const char *ss = NULL;
    for (size_t i = 0; i < wr.n; i++)
        if (ends_with(wr.items[i].type, "/sharedStrings") && wr.items[i].target)
            ss = resolve(bk->arena, wb, wr.items[i].target);
    for (size_t k = 0; k < bk->n_sheets; k++) {
        const char *rid = w.rids[k].rid;
        for (size_t i = 0; rid && i < wr.n && !bk->sheets[k].part; i++)
            if (str_eq(wr.items[i].id, rid) && wr.items[i].target)
                bk->sheets[k].part = resolve(bk->arena, wb, wr.items[i].target);
        if (!bk->sheets[k].part) {
            /* a chartsheet or a broken link: such a sheet has no cells */
            bk->sheets[k].part = "";
        }
    }
    if (!bk->n_sheets)
        return err_set(e, TB_EINPUT, bk->name, 0, 0, "the workbook has no sheets; save it again from Excel or WPS");
    if (ss && part_index(bk, ss) >= 0) {
        ss_state st = {0};
        buf_init(&st.s);
        int rc = sx_run(bk, ss, ss_start, ss_end, &st, e);
        buf_free(&st.s);
        if (rc < 0) return -1;
    }
    return 0;
}

xlsx_book *xlsx_open_memory(const void *data, size_t len, const char *name, err *e) {
    if (!name) name = "workbook";
    int kind = xlsx_sniff(data, len);
    if (kind != XLSX_KIND_ZIP) {
        not_a_workbook(name, kind, e);
        return NULL;
    }
    if (len > XLSX_MAX_FILE) {
        err_set(e, TB_EINPUT, name, 0, 0, "the file is over %zu MiB, the limit", XLSX_MAX_FILE >> 20);
        return NULL;
    }
    arena *a = arena_new();
    xlsx_book *bk = arena_alloc(a, sizeof *bk);
    bk->name = arena_strdup(a, name);
    bk->arena = a;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src) {
        bk->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
        if (!bk->zip) zip_source_free(src);
    }
    if (!bk->zip) {
        int code = zip_error_code_zip(&ze);
        if (code == ZIP_ER_MEMORY) err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
        else
            err_set(e, TB_EINPUT, name, 0, 0, "not a readable XLSX workbook (the zip package is %s: %s); save it again as .xlsx",
                    code == ZIP_ER_NOZIP ? "not a zip" : "damaged", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        arena_free(a);
        return NULL;
    }
    zip_error_fini(&ze);
    if (open_parts(bk, e) < 0) {
        xlsx_close(bk);
        return NULL;
    }
    return bk;
}

xlsx_book *xlsx_open_file(const char *path, err *e) {
    size_t len;
    char *data = file_read(path, XLSX_MAX_FILE, &len, e);
    if (!data) return NULL;
    xlsx_book *bk = xlsx_open_memory(data, len, path, e);
    if (!bk) {
        free(data);
        return NULL;
    }
    bk->owned = data;
    return bk;
}

void xlsx_close(xlsx_book *bk) {
    if (!bk) return;
    if (bk->zip) zip_discard(bk->zip);
    free(bk->owned);
    arena_free(bk->arena);
}

size_t xlsx_sheet_count(const xlsx_book *b) { return b->n_sheets; }
const xlsx_sheet_info *xlsx_sheet(const xlsx_book *b, size_t i) { return i < b->n_sheets ? &b->sheets[i] : NULL; }
int xlsx_date1904(const xlsx_book *b) { return b->date1904; }
const char *xlsx_name(const xlsx_book *b) { return b->name; }

long xlsx_find_sheet(const xlsx_book *b, const char *name) {
    if (!name) return -1;
    while (*name == ' ') name++;
    size_t n = strlen(name);
    while (n && name[n - 1] == ' ') n--;
    for (size_t i = 0; i < b->n_sheets; i++) {
        const char *s = b->sheets[i].name;
        while (*s == ' ') s++;
        size_t m = strlen(s);
        while (m && s[m - 1] == ' ') m--;
        if (m == n && !memcmp(s, name, n)) return (long)i;
    }
    return -1;
}

/* ---- sheets -------------------------------------------------------------- */

enum { T_NUM, T_SHARED, T_INLINE, T_STR, T_BOOL, T_ERR, T_DATE };

typedef struct {
    grid *g;
    uint32_t row, col;         /* current cell */
    uint32_t next_row;         /* row when <row> has no r= */
    int in_row, in_c, in_v, in_is, rph, has_f, had_v;
    int type;
    buf is;                    /* inline string text */
    buf v;
} sh_state;

static void sh_start(sx *s, const char *local, const xmlChar **attrs, int n) {
    sh_state *st = s->ud;
    char v[40];
    if (!strcmp(local, "row")) {
        st->in_row = 1;
        st->row = st->next_row;
        if (sx_attr_buf(attrs, n, "r", v, sizeof v)) {
            char *end;
            unsigned long r = strtoul(v, &end, 10);
            if (*end || r == 0 || r > 0x7FFFFFFF) {
                sx_fail(s, TB_EINPUT, "%s: row number \"%s\" is not valid", st->g->name, v);
                return;
            }
            st->row = (uint32_t)(r - 1);
        }
        st->next_row = st->row + 1;
        st->col = UINT32_MAX;   /* the next cell without r= is column A */
    } else if (!strcmp(local, "c")) {
        st->in_c = 1;
        st->has_f = 0;
        st->had_v = 0;
        st->type = T_NUM;
        buf_reset(&st->v);
        buf_reset(&st->is);
        st->col = st->col == UINT32_MAX ? 0 : st->col + 1;
        if (sx_attr_buf(attrs, n, "r", v, sizeof v)) {
            uint32_t r, c;
            if (grid_parse_ref(v, strlen(v), &r, &c) < 0) {
                sx_fail(s, TB_EINPUT, "%s: cell reference \"%s\" is not valid", st->g->name, v);
                return;
            }
            st->row = r;
            st->col = c;
        }
        if (sx_attr_buf(attrs, n, "t", v, sizeof v)) {
            if (!strcmp(v, "s")) st->type = T_SHARED;
            else if (!strcmp(v, "inlineStr")) st->type = T_INLINE;
            else if (!strcmp(v, "str")) st->type = T_STR;
            else if (!strcmp(v, "b")) st->type = T_BOOL;
            else if (!strcmp(v, "e")) st->type = T_ERR;
            else if (!strcmp(v, "d")) st->type = T_DATE;
        }
    } else if (!st->in_c) {
        if (!strcmp(local, "mergeCell") && sx_attr_buf(attrs, n, "ref", v, sizeof v)) {
            char *colon = strchr(v, ':');
            grid_range m;
            if (colon && grid_parse_ref(v, (size_t)(colon - v), &m.r0, &m.c0) == 0 &&
                grid_parse_ref(colon + 1, strlen(colon + 1), &m.r1, &m.c1) == 0 && m.r0 <= m.r1 && m.c0 <= m.c1) {
                if (st->g->n_merges >= 100000) sx_fail(s, TB_EINPUT, "%s: more than 100000 merged ranges", st->g->name);
                else grid_add_merge(st->g, m);
            }
        }
    } else if (!strcmp(local, "v")) {
        st->in_v = 1;
        st->had_v = 1;
        s->collect = 1;
        buf_reset(&s->text);
    } else if (!strcmp(local, "f")) {
        st->has_f = 1;
    } else if (!strcmp(local, "is")) {
        st->in_is = 1;
    } else if (!strcmp(local, "rPh")) {
        st->rph++;
    } else if (!strcmp(local, "t") && st->in_is && !st->rph) {
        s->collect = 1;
        buf_reset(&s->text);
    }
}

static void sh_cell(sx *s, sh_state *st) {
    const char *val = st->v.data ? st->v.data : "";
    size_t len = st->v.len;
    grid_kind kind = GRID_TEXT;
    switch (st->type) {
    case T_SHARED: {
        char *end;
        unsigned long k = strtoul(val, &end, 10);
        if (!len) return;
        if (*end || k >= s->bk->n_strings) {
            char ref[24];
            grid_ref(st->row, st->col, ref);
            sx_fail(s, TB_EINPUT, "%s!%s: refers to shared string %s, which the workbook lacks; save it again",
                    st->g->name, ref, val);
            return;
        }
        val = s->bk->strings[k];
        len = strlen(val);
        break;
    }
    case T_INLINE:
        val = st->is.data ? st->is.data : "";
        len = st->is.len;
        break;
    case T_STR: break;
    case T_BOOL:
        if (!len) break;
        val = strcmp(val, "0") && strcmp(val, "false") ? "TRUE" : "FALSE";
        len = strlen(val);
        kind = GRID_BOOL;
        break;
    case T_ERR: kind = GRID_ERROR; break;
    case T_DATE: kind = GRID_DATE; break;
    default: kind = GRID_NUMBER; break;
    }
    if (!len) {
        /* a formula without a cached value still matters: the caller names
         * it.  openpyxl writes <v></v> for one; only a string formula
         * (t="str") can really give "" */
        if (st->has_f && (!st->had_v || st->type != T_STR) && st->type != T_INLINE && grid_set(st->g, st->row, st->col, GRID_EMPTY, 1, "", 0, s->bk->name, s->e) < 0) {
            s->failed = 1;
            xmlStopParser(s->ctxt);
        }
        return;
    }
    if (grid_set(st->g, st->row, st->col, kind, st->has_f, val, len, s->bk->name, s->e) < 0) {
        s->failed = 1;
        xmlStopParser(s->ctxt);
    }
}

static void sh_end(sx *s, const char *local) {
    sh_state *st = s->ud;
    if (!strcmp(local, "v") && st->in_v) {
        st->in_v = 0;
        s->collect = 0;
        buf_add(&st->v, s->text.data ? s->text.data : "", s->text.len);
    } else if (!strcmp(local, "t") && st->in_is && s->collect) {
        s->collect = 0;
        buf_add(&st->is, s->text.data ? s->text.data : "", s->text.len);
        if (st->is.len > GRID_MAX_TEXT) sx_fail(s, TB_EINPUT, "%s: a cell of more than %u bytes", st->g->name, GRID_MAX_TEXT);
    } else if (!strcmp(local, "rPh")) {
        if (st->rph) st->rph--;
    } else if (!strcmp(local, "is")) {
        st->in_is = 0;
    } else if (!strcmp(local, "c") && st->in_c) {
        st->in_c = 0;
        sh_cell(s, st);
    } else if (!strcmp(local, "row")) {
        st->in_row = 0;
    }
}

grid *xlsx_load_sheet(xlsx_book *bk, size_t i, err *e) {
    if (i >= bk->n_sheets) {
        err_set(e, TB_EINTERNAL, NULL, 0, 0, "no sheet %zu", i);
        return NULL;
    }
    const xlsx_sheet_info *si = &bk->sheets[i];
    grid *g = grid_new(si->name);
    g->hidden = si->hidden;
    if (!si->part[0]) return g;   /* a chartsheet: no cells */
    sh_state st = {.g = g};
    buf_init(&st.is);
    buf_init(&st.v);
    int rc = sx_run(bk, si->part, sh_start, sh_end, &st, e);
    buf_free(&st.is);
    buf_free(&st.v);
    if (rc == 0) rc = grid_apply_merges(g, e);
    if (rc < 0) {
        grid_free(g);
        return NULL;
    }
    return g;
}
