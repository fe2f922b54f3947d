/* parse.c — findings XML → model (parse.h).
 *
 * Owns: the size limit, the encoding check and conversion to UTF-8, libxml2
 * parsing with no network, no external entities and no DTD declarations,
 * RELAX NG validation against src/findings.rng (compiled into the binary),
 * the checks a schema cannot express, and turning every rejection into one
 * message with file:line:col in the user's terms.
 *
 * A file goes through five steps:
 *   1. decode   bytes → UTF-8 text (BOM, XML declaration, iconv).  Bad bytes
 *               are reported where they are, with a hint to declare GB18030.
 *               libxml2 then only ever sees UTF-8, so every line and column
 *               refers to one text.
 *   2. parse    libxml2 on that text.  Any DTD declaration (<!ENTITY …> and
 *               friends) stops the parse on the spot: findings files never
 *               need them, and refusing them outright rules out external
 *               entities and entity-expansion bombs whatever libxml2 does.
 *   3. check    a table-driven walk in document order: structure, values,
 *               calendar dates, cross-field rules.  It mirrors findings.rng;
 *               it exists because libxml2's RELAX NG messages are poor (a
 *               missing <title> reads "Did not expect element issuer there",
 *               a finding without district/unit "Internal error: no state").
 *   4. validate RELAX NG against the built-in schema: the contract.  Should
 *               it reject what step 3 accepted, its message is translated.
 *   5. fill     the model, in the bulletin's own arena.
 *
 * No global mutable state beyond the process-wide setup done once under
 * pthread_once (libxml2 init, the refusing entity loader, the compiled
 * schema, which libxml2 only reads while validating). */
#include "parse.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

extern const unsigned char findings_rng[];
extern const size_t findings_rng_len;

#define GB18030_HINT "declare the encoding in the first line: <?xml version=\"1.0\" encoding=\"GB18030\"?>"

/* ==== process-wide setup ============================================== */

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static xmlRelaxNGPtr schema;            /* read-only once compiled */
static char schema_problem[300];        /* why it did not compile (a bug) */

/* Every external entity, DTD or schema include is refused: a findings file
 * is self-contained, and nothing may reach the file system or network. */
static xmlParserInputPtr refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}

static void schema_error(void *data, xmlErrorPtr xe) {
    (void)data;
    if (!schema_problem[0] && xe && xe->message)
        snprintf(schema_problem, sizeof schema_problem, "line %d: %s", xe->line, xe->message);
}

static void setup(void) {
    xmlInitParser();
    xmlRelaxNGInitTypes();              /* libxml2 does this lazily, and not thread-safely */
    xmlSetExternalEntityLoader(refuse_loader);
    xmlRelaxNGParserCtxtPtr pc =
        xmlRelaxNGNewMemParserCtxt((const char *)findings_rng, (int)findings_rng_len);
    if (!pc) {
        snprintf(schema_problem, sizeof schema_problem, "out of memory");
        return;
    }
    xmlRelaxNGSetParserStructuredErrors(pc, schema_error, NULL);
    schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema && !schema_problem[0])
        snprintf(schema_problem, sizeof schema_problem, "unknown error");
}

void parse_init(void) { pthread_once(&setup_once, setup); }

void parse_cleanup(void) {
    if (schema) xmlRelaxNGFree(schema);
    schema = NULL;
    xmlCleanupParser();
}

/* ==== per-call state =================================================== */

typedef struct {
    const char *name;           /* file name, for messages */
    err *e;
    const char *src;            /* the UTF-8 text libxml2 parses */
    size_t len;
    size_t *lines;              /* byte offset where each line starts */
    size_t n_lines;
    size_t *tags;               /* byte offset of each start tag, document order */
    size_t n_tags;
    int tags_ok;                /* tags[i] is the element whose _private is i+1 */
    /* first parser error */
    int x_have, x_code, x_line, x_col, x_int1;
    char x_msg[300], x_s1[160], x_s2[160];
    /* first useful RELAX NG error */
    int r_have, r_code;
    xmlNodePtr r_node;
    char r_msg[300], r_s1[160], r_s2[160];
} pstate;

static int oom(pstate *st) {
    return err_set(st->e, TB_EINTERNAL, st->name, 0, 0, "out of memory");
}

static int fail_at(pstate *st, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(pstate *st, int line, int col, const char *fmt, ...) {
    char msg[sizeof st->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(st->e, TB_EINPUT, st->name, line, col, "%s", msg);
}

/* ---- positions in the source text ---------------------------------------- */

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Characters (not bytes) between two offsets: editors count columns so. */
static int count_chars(const char *s, size_t from, size_t to) {
    int n = 0;
    for (size_t i = from; i < to; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* Line and column of a byte offset in any text (no index needed). */
static void pos_in(const char *s, size_t off, int *line, int *col) {
    int l = 1;
    size_t ls = 0;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') { l++; ls = i + 1; }
    *line = l;
    *col = count_chars(s, ls, off) + 1;
}

static int build_lines(pstate *st) {
    size_t n = 1;
    for (size_t i = 0; i < st->len; i++)
        if (st->src[i] == '\n') n++;
    st->lines = malloc(n * sizeof *st->lines);
    if (!st->lines) return -1;
    st->lines[0] = 0;
    size_t k = 1;
    for (size_t i = 0; i < st->len; i++)
        if (st->src[i] == '\n') st->lines[k++] = i + 1;
    st->n_lines = n;
    return 0;
}

static void pos_of(pstate *st, size_t off, int *line, int *col) {
    if (off > st->len) off = st->len;
    size_t lo = 0, hi = st->n_lines;        /* last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->lines[mid] <= off) lo = mid; else hi = mid;
    }
    *line = (int)lo + 1;
    *col = count_chars(st->src, st->lines[lo], off) + 1;
}

/* Offsets [*b, *e) of a 1-based line; 0 if there is no such line. */
static int line_span(pstate *st, int line, size_t *b, size_t *e) {
    if (line < 1 || (size_t)line > st->n_lines) return 0;
    *b = st->lines[line - 1];
    *e = (size_t)line < st->n_lines ? st->lines[line] : st->len;
    return 1;
}

static int name_char(unsigned char c) {
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
}

/* Column of `needle` on a line (a tag name must end there: "<to" is not
 * "<title"); which < 0 takes the last match, else the first. 0 = none. */
static int col_on_line(pstate *st, int line, const char *needle, int tag, int which) {
    size_t b, e, nl = strlen(needle), found = (size_t)-1;
    if (!line_span(st, line, &b, &e)) return 0;
    for (size_t i = b; i + nl <= e; i++) {
        if (memcmp(st->src + i, needle, nl) != 0) continue;
        if (tag && i + nl < st->len && name_char((unsigned char)st->src[i + nl])) continue;
        found = i;
        if (which >= 0) break;
    }
    if (found == (size_t)-1) return 0;
    return count_chars(st->src, b, found) + 1;
}

static size_t skip_past(const char *s, size_t len, size_t i, const char *end) {
    size_t el = strlen(end);
    for (; i + el <= len; i++)
        if (memcmp(s + i, end, el) == 0) return i + el;
    return len;
}

/* Offsets of all start tags in document order.  '<' never appears raw in
 * text or attribute values, so outside comments, CDATA, PIs and the DOCTYPE
 * every "<name" is an element, one to one with the tree's elements. */
static int scan_tags(pstate *st) {
    const char *s = st->src;
    size_t len = st->len, cap = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] != '<' || i + 1 >= len) { i++; continue; }
        if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) i = skip_past(s, len, i + 4, "-->");
        else if (len - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) i = skip_past(s, len, i + 9, "]]>");
        else if (s[i + 1] == '?') i = skip_past(s, len, i + 2, "?>");
        else if (s[i + 1] == '!') {                       /* <!DOCTYPE …[…]> */
            int depth = 0;
            char q = 0;
            for (i += 2; i < len; i++) {
                char c = s[i];
                if (q) { if (c == q) q = 0; }
                else if (c == '"' || c == '\'') q = c;
                else if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (c == '>' && depth <= 0) { i++; break; }
            }
        } else if (s[i + 1] == '/') i += 2;
        else {
            if (st->n_tags == cap) {
                size_t nc = cap ? cap * 2 : 256;
                size_t *p = realloc(st->tags, nc * sizeof *p);
                if (!p) return -1;
                st->tags = p;
                cap = nc;
            }
            st->tags[st->n_tags++] = i;
            i++;
        }
    }
    return 0;
}

static void index_nodes(xmlNodePtr n, size_t *count) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        (*count)++;
        n->_private = (void *)(uintptr_t)*count;
        index_nodes(n->children, count);
    }
}

static void elem_pos(pstate *st, xmlNodePtr n, int *line, int *col) {
    uintptr_t k = n ? (uintptr_t)n->_private : 0;
    if (st->tags_ok && k >= 1 && k <= st->n_tags) {
        pos_of(st, st->tags[k - 1], line, col);
        return;
    }
    *line = n ? (int)xmlGetLineNo(n) : 0;
    if (*line < 0) *line = 0;
    char needle[200];
    snprintf(needle, sizeof needle, "<%s", n ? (const char *)n->name : "");
    *col = col_on_line(st, *line, needle, 1, 0);
    if (*col == 0) *col = 1;
}

/* Where attribute `name` sits in the start tag of n (tags may span lines). */
static void attr_pos(pstate *st, xmlNodePtr n, const char *name, int *line, int *col) {
    uintptr_t k = (uintptr_t)n->_private;
    if (st->tags_ok && k >= 1 && k <= st->n_tags) {
        const char *s = st->src;
        size_t i = st->tags[k - 1] + 1, nl = strlen(name);
        while (i < st->len && name_char((unsigned char)s[i])) i++;    /* element name */
        for (;;) {
            while (i < st->len && is_ws((unsigned char)s[i])) i++;
            if (i >= st->len || s[i] == '>' || s[i] == '/') break;
            size_t a = i;
            while (i < st->len && name_char((unsigned char)s[i])) i++;
            if (i == a) break;                                       /* not a name: give up */
            if (i - a == nl && memcmp(s + a, name, nl) == 0) {
                pos_of(st, a, line, col);
                return;
            }
            while (i < st->len && is_ws((unsigned char)s[i])) i++;
            if (i < st->len && s[i] == '=') i++;
            while (i < st->len && is_ws((unsigned char)s[i])) i++;
            if (i < st->len && (s[i] == '"' || s[i] == '\'')) {
                char q = s[i++];
                while (i < st->len && s[i] != q) i++;
                i++;
            }
        }
    }
    elem_pos(st, n, line, col);
}

/* ==== step 1: decode to UTF-8 =========================================== */

/* Offset of the first byte that is not UTF-8, or len when all is valid.
 * Also counts multi-byte sequences of 3+ bytes (CJK in UTF-8). */
static size_t utf8_bad_at(const char *s, size_t len, size_t *n_wide) {
    size_t i = 0, adv, wide = 0;
    while (i < len) {
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        if (cp == 0xFFFD && adv == 1) break;
        if (adv >= 3) wide++;
        i += adv;
    }
    if (n_wide) *n_wide = wide;
    return i;
}

static int ascii_ieq(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return 0;
    }
    return *a == *b;
}

/* The encoding named in an ASCII-compatible XML declaration, or "" when
 * there is none.  *at gets the offset of the name (for messages). */
static void declared_encoding(const char *s, size_t len, char *out, size_t outlen, size_t *at) {
    out[0] = 0;
    *at = 0;
    if (len < 6 || memcmp(s, "<?xml", 5) != 0 || !is_ws((unsigned char)s[5])) return;
    size_t end = 5;
    while (end + 1 < len && end < 512 && !(s[end] == '?' && s[end + 1] == '>')) end++;
    for (size_t i = 5; i + 8 <= end; i++) {
        if (memcmp(s + i, "encoding", 8) != 0 || !is_ws((unsigned char)s[i - 1])) continue;
        size_t j = i + 8;
        while (j < end && is_ws((unsigned char)s[j])) j++;
        if (j >= end || s[j] != '=') return;
        j++;
        while (j < end && is_ws((unsigned char)s[j])) j++;
        if (j >= end || (s[j] != '"' && s[j] != '\'')) return;
        char q = s[j++];
        size_t k = j;
        while (k < end && s[k] != q) k++;
        size_t n = k - j < outlen - 1 ? k - j : outlen - 1;
        memcpy(out, s + j, n);
        out[n] = 0;
        *at = j;
        return;
    }
}

static int is_utf8_name(const char *enc) {
    return ascii_ieq(enc, "UTF-8") || ascii_ieq(enc, "UTF8");
}

static int is_wide_name(const char *enc) {
    return (strlen(enc) >= 6 && (ascii_ieq(enc, "UTF-16") || ascii_ieq(enc, "UTF-16LE") ||
                                 ascii_ieq(enc, "UTF-16BE") || ascii_ieq(enc, "UTF-32") ||
                                 ascii_ieq(enc, "UCS-2") || ascii_ieq(enc, "UCS-4")));
}

/* Convert with iconv; on a bad byte, report where it is (the UTF-8 written
 * so far tells the line and column exactly, whatever the encoding). */
static int convert(pstate *st, const char *in, size_t len, const char *from,
                   const char *label, int dl, int dc, char **out, size_t *outlen) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        if (errno == EINVAL)
            return fail_at(st, dl, dc, "unknown encoding \"%s\" in the XML declaration; "
                           "save the file as UTF-8, or declare one tongbao knows, e.g. "
                           "<?xml version=\"1.0\" encoding=\"GB18030\"?>", label);
        return oom(st);
    }
    size_t cap = len * 3 + 16;             /* any 1-byte source char fits in 3 UTF-8 bytes */
    char *utf8 = malloc(cap);
    if (!utf8) { iconv_close(cd); return oom(st); }
    char *ip = (char *)in, *op = utf8;
    size_t il = len, ol = cap - 1;
    int rc = 0;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
        int en = errno;
        int line, col;
        pos_in(utf8, (size_t)(op - utf8), &line, &col);
        unsigned char bad = il ? (unsigned char)*ip : 0;
        if (en == EILSEQ)
            rc = fail_at(st, line, col, "byte 0x%02X here is not valid %s text, the encoding the "
                         "file declares; check the file was saved as %s, or correct the "
                         "encoding= in the first line", bad, label, label);
        else if (en == EINVAL)
            rc = fail_at(st, line, col, "the file ends in the middle of a %s character; "
                         "the file may be cut short", label);
        else
            rc = oom(st);
    }
    iconv_close(cd);
    if (rc < 0) { free(utf8); return -1; }
    *op = 0;
    *out = utf8;
    *outlen = (size_t)(op - utf8);
    return 0;
}

/* Produces st->src/st->len (UTF-8, no BOM).  *owned is set when a converted
 * copy was made (the caller frees it). */
static int decode(pstate *st, const char *data, size_t len, char **owned) {
    const unsigned char *u = (const unsigned char *)data;
    *owned = NULL;
    /* A byte-order mark (or UTF-16's "<?" pattern) decides by itself. */
    static const struct { const char *bytes; size_t n, skip; const char *from, *label; } marks[] = {
        {"\xFF\xFE", 2, 2, "UTF-16LE", "UTF-16"},
        {"\xFE\xFF", 2, 2, "UTF-16BE", "UTF-16"},
        {"<\0?\0", 4, 0, "UTF-16LE", "UTF-16"},
        {"\0<\0?", 4, 0, "UTF-16BE", "UTF-16"},
        {"\x84\x31\x95\x33", 4, 4, "GB18030", "GB18030"},
    };
    const char *wide_from = NULL, *label = NULL;
    size_t skip = 0;
    for (size_t i = 0; i < sizeof marks / sizeof *marks && !wide_from; i++)
        if (len >= marks[i].n && memcmp(u, marks[i].bytes, marks[i].n) == 0) {
            wide_from = marks[i].from;
            label = marks[i].label;
            skip = marks[i].skip;
        }
    if (wide_from) {
        if (convert(st, data + skip, len - skip, wide_from, label, 1, 1, owned, &st->len) < 0)
            return -1;
        st->src = *owned;
        return 0;
    }

    int bom = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    if (bom) { data += 3; len -= 3; }
    char enc[64];
    size_t enc_at;
    declared_encoding(data, len, enc, sizeof enc, &enc_at);

    size_t wide;
    size_t bad = utf8_bad_at(data, len, &wide);
    if (bom || !enc[0] || is_utf8_name(enc)) {
        /* A UTF-8 BOM settles it; otherwise no declaration means UTF-8. */
        if (bad < len) {
            int line, col;
            pos_in(data, bad, &line, &col);
            if (enc[0] && !bom)
                return fail_at(st, line, col, "byte 0x%02X here is not UTF-8, though the file "
                               "declares encoding=\"%s\"; if the file was saved as GB18030 (GBK), "
                               GB18030_HINT, (unsigned char)data[bad], enc);
            return fail_at(st, line, col, "byte 0x%02X here is not UTF-8 and the file declares "
                           "no encoding; if it was saved as GB18030 (GBK), " GB18030_HINT,
                           (unsigned char)data[bad]);
        }
        st->src = data;
        st->len = len;
        return 0;
    }
    int dl, dc;
    pos_in(data, enc_at, &dl, &dc);
    if (is_wide_name(enc))
        return fail_at(st, dl, dc, "the file declares encoding=\"%s\" but is not saved that way "
                       "(its first line reads as plain 8-bit text); correct the declaration, "
                       "e.g. encoding=\"UTF-8\"", enc);
    iconv_t probe = iconv_open("UTF-8", enc);
    if (probe == (iconv_t)-1)
        return errno == EINVAL
            ? fail_at(st, dl, dc, "unknown encoding \"%s\" in the XML declaration; save the file as "
                      "UTF-8, or declare one tongbao knows, e.g. <?xml version=\"1.0\" "
                      "encoding=\"GB18030\"?>", enc)
            : oom(st);
    iconv_close(probe);
    /* Declared GB18030 but the bytes are plainly UTF-8 Chinese: converting
     * would archive mojibake.  Real GB18030 text is essentially never valid
     * UTF-8 with several 3-byte sequences, so this is safe to call an error. */
    if (bad == len && wide >= 8)
        return fail_at(st, dl, dc, "the file declares encoding=\"%s\" but is saved as UTF-8; "
                       "change the first line to <?xml version=\"1.0\" encoding=\"UTF-8\"?>", enc);
    if (convert(st, data, len, enc, enc, dl, dc, owned, &st->len) < 0) return -1;
    st->src = *owned;
    if (st->len >= 3 && memcmp(st->src, "\xEF\xBB\xBF", 3) == 0) {   /* e.g. a GB18030 BOM */
        st->src += 3;
        st->len -= 3;
    }
    return 0;
}

/* ==== step 2: parse ===================================================== */

static void keep(char *dst, size_t n, const xmlChar *s) {
    snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static void on_parse_error(void *data, xmlErrorPtr xe) {
    xmlParserCtxtPtr c = data;
    pstate *st = c ? c->_private : NULL;
    if (!st || !xe || xe->level < XML_ERR_ERROR || st->x_have || st->e->code) return;
    st->x_have = 1;
    st->x_code = xe->code;
    st->x_line = xe->line;
    st->x_col = xe->int2;
    st->x_int1 = xe->int1;
    keep(st->x_msg, sizeof st->x_msg, (const xmlChar *)xe->message);
    keep(st->x_s1, sizeof st->x_s1, (const xmlChar *)xe->str1);
    keep(st->x_s2, sizeof st->x_s2, (const xmlChar *)xe->str2);
    size_t n = strlen(st->x_msg);
    while (n && (st->x_msg[n - 1] == '\n' || st->x_msg[n - 1] == ' ')) st->x_msg[--n] = 0;
}

/* Stop at a DTD declaration: report it where it starts (keyword, searched
 * back from where libxml2 is), then halt libxml2 before it can act on it:
 * define, expand or load anything. */
static void refuse_decl(void *ctx, const char *keyword, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void refuse_decl(void *ctx, const char *keyword, const char *fmt, ...) {
    xmlParserCtxtPtr c = ctx;
    pstate *st = c->_private;
    size_t off = st->len;
    if (c->input && c->input->cur && c->input->base) {
        size_t cur = (size_t)c->input->consumed + (size_t)(c->input->cur - c->input->base);
        if (cur < off) off = cur;
    }
    size_t kl = strlen(keyword), at = 0;
    for (size_t i = off + 1; i-- > 0;)
        if (i + kl <= st->len && memcmp(st->src + i, keyword, kl) == 0) { at = i; break; }
    int line, col;
    pos_of(st, at, &line, &col);
    char msg[sizeof st->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fail_at(st, line, col, "%s", msg);
    xmlStopParser(c);
}

#define NEVER_READS "refused, tongbao never reads external files or the network"
#define NO_DTD "refused, findings files need no DTD; remove the <!DOCTYPE …> block"

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys) {
    if (ext || sys)
        refuse_decl(ctx, "<!DOCTYPE", "the <!DOCTYPE> refers to an external DTD (\"%.200s\"): "
                    NEVER_READS "; remove the <!DOCTYPE …> line", (const char *)(sys ? sys : ext));
    else
        xmlSAX2InternalSubset(ctx, name, ext, sys);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                           const xmlChar *sys, xmlChar *content) {
    (void)type; (void)content;
    if (sys || pub)
        refuse_decl(ctx, "<!ENTITY", "the file declares an entity that reads an external file "
                    "(\"%.200s\"): " NEVER_READS "; write the text into the file itself and remove "
                    "the <!DOCTYPE …> block", (const char *)(sys ? sys : pub));
    else
        refuse_decl(ctx, "<!ENTITY", "the file declares an entity (<!ENTITY %.100s …>): refused, "
                    "tongbao does not expand declared entities (they can hide external files or "
                    "blow up in size); write the text itself and remove the <!DOCTYPE …> block",
                    (const char *)name);
}

static void on_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *pub,
                                    const xmlChar *sys, const xmlChar *notation) {
    (void)name; (void)notation;
    refuse_decl(ctx, "<!ENTITY", "the file declares an entity that reads an external file "
                "(\"%.200s\"): " NEVER_READS "; remove the <!DOCTYPE …> block",
                (const char *)(sys ? sys : pub ? pub : (const xmlChar *)""));
}

static void on_element_decl(void *ctx, const xmlChar *name, int type, xmlElementContentPtr content) {
    (void)name; (void)type; (void)content;
    refuse_decl(ctx, "<!ELEMENT", "the <!DOCTYPE> declares elements (<!ELEMENT …>): " NO_DTD);
}

static void on_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *full, int type,
                              int def, const xmlChar *dflt, xmlEnumerationPtr tree) {
    (void)elem; (void)full; (void)type; (void)def; (void)dflt;
    xmlFreeEnumeration(tree);           /* the callback owns it */
    refuse_decl(ctx, "<!ATTLIST", "the <!DOCTYPE> declares attributes (<!ATTLIST …>): " NO_DTD);
}

static void on_notation_decl(void *ctx, const xmlChar *name, const xmlChar *pub, const xmlChar *sys) {
    (void)name; (void)pub; (void)sys;
    refuse_decl(ctx, "<!NOTATION", "the <!DOCTYPE> declares notations (<!NOTATION …>): " NO_DTD);
}

/* libxml2 often reports the column just past the culprit: move back to the
 * last `ch` at or before col on that line (col unchanged if none). */
static int back_to(pstate *st, int line, int col, char ch) {
    size_t b, e;
    int found = 0, k = 0;
    if (!line_span(st, line, &b, &e)) return col;
    for (size_t i = b; i < e; i++) {
        if ((((unsigned char)st->src[i]) & 0xC0) != 0x80) k++;
        if (k > col) break;
        if (st->src[i] == ch) found = k;
    }
    return found ? found : col;
}

/* One message for the first well-formedness error, in the user's terms. */
static int report_xml_error(pstate *st) {
    int line = st->x_line > 0 ? st->x_line : 1, col = st->x_col > 0 ? st->x_col : 1;
    char needle[200];
    switch (st->x_code) {
    case XML_ERR_DOCUMENT_EMPTY:
        return fail_at(st, line, col, "no XML content; a findings file starts with "
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?> and then "
                       "<bulletin version=\"1\" id=\"…\" series=\"…\">");
    case XML_ERR_DOCUMENT_END:
        return fail_at(st, line, col, "more content after the end of the root element; a file "
                       "holds exactly one <bulletin> (or one <rectifications>)");
    case XML_ERR_TAG_NAME_MISMATCH: {
        snprintf(needle, sizeof needle, "</%s", st->x_s2);
        int c = col_on_line(st, line, needle, 1, 0);
        return fail_at(st, line, c ? c : col, "</%s> does not match the open <%s> from line %d; "
                       "close <%s> first (add </%s>) or correct the tag name",
                       st->x_s2, st->x_s1, st->x_int1, st->x_s1, st->x_s1);
    }
    case XML_ERR_TAG_NOT_FINISHED: {
        snprintf(needle, sizeof needle, "<%s", st->x_s1);
        int l = st->x_int1 > 0 ? st->x_int1 : line;
        int c = col_on_line(st, l, needle, 1, -1);
        return fail_at(st, l, c ? c : 1, "<%s> is never closed: the file ends before its </%s>; "
                       "add </%s> (the file may also be cut short)", st->x_s1, st->x_s1, st->x_s1);
    }
    case XML_ERR_SPACE_REQUIRED:
        if (strstr(st->x_msg, "attributes construct error"))
            return fail_at(st, line, col, "malformed start tag: a '>', a space or a quote is missing "
                           "around here");
        break;
    case XML_ERR_GT_REQUIRED:
        return fail_at(st, line, col, "the start tag is not finished: a '>' or a closing quote is "
                       "missing before this point");
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
    case XML_ERR_NAME_REQUIRED:
        if (strstr(st->x_msg, "EntityRef") || strstr(st->x_msg, "xmlParseEntityRef")) {
            col = back_to(st, line, col, '&');
            return fail_at(st, line, col, "a bare '&' in the text: write it as &amp; "
                           "(e.g. 东湖区&amp;西山区), or use a Chinese word instead");
        }
        if (strstr(st->x_msg, "StartTag: invalid element name"))
            return fail_at(st, line, col > 1 ? col - 1 : col, "a bare '<' in the text: write it as &lt; "
                           "(or use the full-width ＜)");
        break;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        col = back_to(st, line, col, '&');
        return fail_at(st, line, col, "unknown entity &%s; — XML only knows &amp; &lt; &gt; &quot; "
                       "&apos; and numeric references such as &#12288;: write the character itself",
                       st->x_s1);
    case XML_ERR_ATTRIBUTE_REDEFINED:
        return fail_at(st, line, col, "attribute %s= appears twice in this tag; keep one",
                       st->x_s1);
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        return fail_at(st, line, col, "attribute %s has no value; write %s=\"…\"",
                       st->x_s1, st->x_s1);
    case XML_ERR_ATTRIBUTE_NOT_STARTED: {
        size_t b, e;
        if (line_span(st, line, &b, &e)) {
            int k = 0;                                  /* the character at col */
            for (size_t i = b; i < e; i++) {
                if ((((unsigned char)st->src[i]) & 0xC0) != 0x80) k++;
                if (k == col) {
                    if (e - i >= 3 && (memcmp(st->src + i, "\xE2\x80\x9C", 3) == 0 ||
                                       memcmp(st->src + i, "\xE2\x80\x9D", 3) == 0))
                        return fail_at(st, line, col, "attribute values need straight ASCII "
                                       "quotes \"…\", not Chinese quotes “…”; switch the input "
                                       "method to half-width for the quotes");
                    break;
                }
            }
        }
        return fail_at(st, line, col, "attribute value without quotes: write it in quotes, "
                       "e.g. district=\"东湖区\"");
    }
    case XML_ERR_LT_IN_ATTRIBUTE:
        return fail_at(st, line, col, "'<' inside an attribute value: write it as &lt;");
    case XML_ERR_INVALID_CHAR:
        return fail_at(st, line, col, "character U+%04X is not allowed in XML; delete it (often an "
                       "invisible control character pasted from another program)",
                       (unsigned)st->x_int1);
    case XML_ERR_RESERVED_XML_NAME:
        return fail_at(st, line, 1, "the <?xml …?> declaration must be the very first thing in the "
                       "file; remove the blank lines or spaces before it");
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
        return fail_at(st, line, col, "namespace prefix %s: is not declared; tongbao's format uses "
                       "no namespaces: write <%s> without a prefix", st->x_s1, st->x_s2);
    default:
        break;
    }
    return fail_at(st, line, col, "not well-formed XML: %s; fix the markup here",
                   st->x_msg[0] ? st->x_msg : "unknown error");
}

static xmlDocPtr parse_xml(pstate *st) {
    xmlParserCtxtPtr c = xmlCreateMemoryParserCtxt(st->src, (int)st->len);
    if (!c) { oom(st); return NULL; }
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC |
                         XML_PARSE_BIG_LINES | XML_PARSE_COMPACT);
    c->_private = st;
    c->linenumbers = 1;
    c->sax->serror = on_parse_error;        /* context-level: nothing global, nothing on stderr */
    c->sax->internalSubset = on_internal_subset;
    c->sax->entityDecl = on_entity_decl;
    c->sax->unparsedEntityDecl = on_unparsed_entity_decl;
    c->sax->elementDecl = on_element_decl;
    c->sax->attributeDecl = on_attribute_decl;
    c->sax->notationDecl = on_notation_decl;
    xmlParseDocument(c);
    xmlDocPtr doc = c->myDoc;
    c->myDoc = NULL;
    int wf = c->wellFormed;
    xmlFreeParserCtxt(c);
    if (st->e->code || st->x_have || !wf || !doc) {
        if (!st->e->code) {
            if (st->x_have) report_xml_error(st);
            else fail_at(st, 1, 1, "not well-formed XML");
        }
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* ==== text normalisation ================================================ */

static size_t trim_front(const char *s, size_t n) {
    size_t i = 0;
    for (;;) {
        if (i < n && is_ws((unsigned char)s[i])) i++;
        else if (n - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0) i += 3;   /* U+3000 */
        else return i;
    }
}

static size_t trim_back(const char *s, size_t from, size_t n) {
    for (;;) {
        if (n > from && is_ws((unsigned char)s[n - 1])) n--;
        else if (n - from >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0) n -= 3;
        else return n;
    }
}

/* FORMAT decision D14: trim; a whitespace run with a line break disappears
 * (Chinese wrapped in the editor) unless it sits between two ASCII
 * characters, where it becomes one space; other runs become one space. */
static void norm_text(buf *b, const char *s, size_t n) {
    size_t i = trim_front(s, n), end = trim_back(s, i, n);
    while (i < end) {
        if (!is_ws((unsigned char)s[i])) {          /* copy a whole span at once */
            size_t j = i + 1;
            while (j < end && !is_ws((unsigned char)s[j])) j++;
            buf_add(b, s + i, j - i);
            i = j;
            continue;
        }
        int nl = 0;
        size_t j = i;
        for (; j < end && is_ws((unsigned char)s[j]); j++)
            if (s[j] == '\n' || s[j] == '\r') nl = 1;
        int prev_ascii = b->len > 0 && (unsigned char)b->data[b->len - 1] < 0x80;
        int next_ascii = (unsigned char)s[j] < 0x80;
        if (!nl || (prev_ascii && next_ascii)) buf_add(b, " ", 1);
        i = j;
    }
}

/* The element's own text (text and CDATA children), raw. */
static void raw_text(buf *b, xmlNodePtr n) {
    for (xmlNodePtr c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            buf_puts(b, (const char *)c->content);
}

/* Normalised text of an element into b; -1 on OOM. */
static int elem_text(xmlNodePtr n, buf *b) {
    buf raw;
    buf_init(&raw);
    raw_text(&raw, n);
    buf_reset(b);
    norm_text(b, raw.data ? raw.data : "", raw.len);
    int bad = raw.oom || b->oom;
    buf_free(&raw);
    if (!bad && !b->data) buf_add(b, "", 0);
    return bad ? -1 : 0;
}

/* Normalised value of an attribute node into b; -1 on OOM. */
static int attr_text(xmlAttrPtr a, buf *b) {
    buf_reset(b);
    xmlChar *v = a->children ? xmlNodeListGetString(a->doc, a->children, 1) : NULL;
    if (a->children && !v) return -1;
    const char *s = v ? (const char *)v : "";
    norm_text(b, s, strlen(s));
    if (v) xmlFree(v);
    if (!b->oom && !b->data) buf_add(b, "", 0);
    return b->oom ? -1 : 0;
}

/* For quoting user text in messages: at most ~40 characters. */
static const char *clip(const char *s, char *out, size_t n) {
    size_t i = 0, chars = 0, len = strlen(s);
    while (i < len && chars < 40) {
        size_t adv;
        utf8_decode(s + i, len - i, &adv);
        if (i + adv + 4 >= n) break;
        i += adv;
        chars++;
    }
    memcpy(out, s, i);
    strcpy(out + i, i < len ? "…" : "");
    return out;
}

/* ==== step 3: the table-driven check ==================================== */

enum {
    T_CHILDREN,     /* element content only */
    T_EMPTY,        /* nothing at all */
    T_TEXT,         /* optional text */
    T_TEXT1,        /* non-empty text */
    T_DATE, T_DATETIME, T_KEY, T_TEMPLATE, T_CODE, T_ISSUE, T_VERSION, T_KIND, T_COUNT, T_POSINT
};

typedef struct {
    const char *name;
    unsigned char type, required;
    const char *hint;           /* what it is, for "needs …" messages */
} attr_spec;

typedef struct {
    const char *name;
    unsigned char min, max;     /* max 0 = any number */
} kid_spec;

typedef struct {
    const char *name, *parent, *what;
    unsigned char content;
    const attr_spec *attrs;
    const kid_spec *kids;
    unsigned char any_order;
} elem_spec;

static const char *const KINDS[] = {
    "提醒谈话", "批评教育", "诫勉", "通报批评", "党纪处分", "政务处分", "立案审查", "组织处理", "其他", NULL
};
#define KINDS_LIST "提醒谈话, 批评教育, 诫勉, 通报批评, 党纪处分, 政务处分, 立案审查, 组织处理, 其他"

static const attr_spec A_NONE[] = {{NULL, 0, 0, NULL}};
static const attr_spec A_BULLETIN[] = {
    {"version", T_VERSION, 1, "the format version, version=\"1\""},
    {"id", T_KEY, 1, "the bulletin's own key, unique within its series, e.g. id=\"jc-2026-11-20-night\""},
    {"series", T_TEXT1, 1, "the publication it belongs to, e.g. series=\"江城市疫情防控督查通报\""},
    {"template", T_TEMPLATE, 0, NULL},
    {"code", T_CODE, 0, NULL},
    {"issue", T_ISSUE, 0, NULL},
    {NULL, 0, 0, NULL}};
static const attr_spec A_INSPECTION[] = {{"method", T_TEXT1, 0, NULL}, {NULL, 0, 0, NULL}};
static const attr_spec A_PERIOD[] = {
    {"from", T_DATETIME, 1, "when the inspection started, e.g. from=\"2026-11-20T19:00\""},
    {"to", T_DATETIME, 0, NULL},
    {NULL, 0, 0, NULL}};
static const attr_spec A_COUNT[] = {
    {"what", T_TEXT1, 1, "what was counted, e.g. what=\"街道\""},
    {"unit", T_TEXT1, 0, NULL},
    {NULL, 0, 0, NULL}};
static const attr_spec A_CATEGORY[] = {
    {"title", T_TEXT1, 1, "the category's title, e.g. title=\"卡点值守不到位\""}, {NULL, 0, 0, NULL}};
/* district/unit are required as a pair: see check_finding(). */
static const attr_spec A_FINDING[] = {
    {"district", T_TEXT1, 0, NULL}, {"street", T_TEXT1, 0, NULL},
    {"community", T_TEXT1, 0, NULL}, {"unit", T_TEXT1, 0, NULL},
    {"site", T_TEXT1, 0, NULL}, {"observed", T_DATETIME, 0, NULL},
    {"responsible", T_TEXT1, 0, NULL}, {"deadline", T_DATETIME, 0, NULL},
    {NULL, 0, 0, NULL}};
static const attr_spec A_RECTIFICATION[] = {
    {"deadline", T_DATETIME, 1, "the deadline for reporting back, e.g. deadline=\"2026-11-22T17:00\""},
    {"report-to", T_TEXT1, 1, "who receives the reports, e.g. report-to=\"市疫情防控指挥部督导问责组\""},
    {"manner", T_TEXT1, 0, NULL}, {"responsible", T_TEXT1, 0, NULL},
    {NULL, 0, 0, NULL}};
static const attr_spec A_REQUIREMENT[] = {
    {"title", T_TEXT1, 1, "the requirement's short title, e.g. title=\"立行立改\""}, {NULL, 0, 0, NULL}};
static const attr_spec A_CASES[] = {{"lead", T_TEXT1, 0, NULL}, {NULL, 0, 0, NULL}};
static const attr_spec A_OUTCOME[] = {
    {"date", T_DATE, 0, NULL},
    {"person", T_TEXT1, 1, "who was held accountable, e.g. person=\"李某\""},
    {"rank", T_TEXT1, 0, NULL},
    {"kind", T_KIND, 1, "the kind of accountability, one of " KINDS_LIST},
    {NULL, 0, 0, NULL}};
static const attr_spec A_RECTIFICATIONS[] = {
    {"version", T_VERSION, 1, "the format version, version=\"1\""},
    {"series", T_TEXT1, 1, "the publication the findings were issued in"},
    {NULL, 0, 0, NULL}};
static const attr_spec A_DONE[] = {
    {"finding", T_KEY, 1, "the finding's ID as printed in the bulletin, e.g. finding=\"JC2026-007-003\""},
    {"date", T_DATE, 1, "the day it was put right, e.g. date=\"2026-11-22\""},
    {NULL, 0, 0, NULL}};
static const attr_spec A_OPEN[] = {
    {"finding", T_KEY, 1, "the finding's ID as printed in the bulletin, e.g. finding=\"JC2026-007-005\""},
    {"reason", T_TEXT1, 0, NULL}, {"date", T_DATE, 0, NULL},
    {NULL, 0, 0, NULL}};

static const kid_spec K_NONE[] = {{NULL, 0, 0}};
static const kid_spec K_BULLETIN[] = {
    {"header", 1, 1}, {"inspection", 0, 1}, {"findings", 0, 1}, {"rectification", 0, 1},
    {"requirements", 0, 1}, {"cases", 0, 1}, {"distribution", 0, 1}, {NULL, 0, 0}};
static const kid_spec K_HEADER[] = {
    {"title", 1, 1}, {"issuer", 1, 1}, {"date", 1, 1}, {"doc-number", 0, 1}, {"to", 0, 1}, {NULL, 0, 0}};
static const kid_spec K_INSPECTION[] = {
    {"period", 0, 1}, {"inspectors", 0, 1}, {"action", 0, 1}, {"scope", 0, 1},
    {"assessment", 0, 1}, {NULL, 0, 0}};
static const kid_spec K_INSPECTORS[] = {{"inspector", 1, 0}, {NULL, 0, 0}};
static const kid_spec K_SCOPE[] = {{"count", 1, 0}, {NULL, 0, 0}};
static const kid_spec K_FINDINGS[] = {{"category", 1, 0}, {NULL, 0, 0}};
static const kid_spec K_CATEGORY[] = {{"finding", 1, 0}, {NULL, 0, 0}};
static const kid_spec K_REQUIREMENTS[] = {{"lead", 0, 1}, {"requirement", 0, 0}, {NULL, 0, 0}};
static const kid_spec K_CASES[] = {{"case", 1, 0}, {NULL, 0, 0}};
static const kid_spec K_CASE[] = {
    {"subject", 1, 1}, {"problem", 1, 1}, {"facts", 1, 1}, {"outcome", 1, 0}, {NULL, 0, 0}};
static const kid_spec K_DISTRIBUTION[] = {
    {"send", 0, 1}, {"cc", 0, 1}, {"issued-by", 0, 1}, {"editors", 0, 1}, {"copies", 0, 1}, {NULL, 0, 0}};
static const kid_spec K_RECTIFICATIONS[] = {{"done", 0, 0}, {"open", 0, 0}, {NULL, 0, 0}};

static const elem_spec SPECS[] = {
    {"bulletin", NULL, "the bulletin", T_CHILDREN, A_BULLETIN, K_BULLETIN, 0},
    {"header", "bulletin", "title, issuer and date", T_CHILDREN, A_NONE, K_HEADER, 0},
    {"title", "header", "the bulletin's title", T_TEXT1, A_NONE, K_NONE, 0},
    {"issuer", "header", "the issuing body, 发文机关", T_TEXT1, A_NONE, K_NONE, 0},
    {"date", "header", "the date of issue, e.g. <date>2026-11-21</date>", T_DATE, A_NONE, K_NONE, 0},
    {"doc-number", "header", "the document number, 发文字号", T_TEXT1, A_NONE, K_NONE, 0},
    {"to", "header", "the addressees, 主送机关", T_TEXT1, A_NONE, K_NONE, 0},
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
    {"distribution", "bulletin", "who receives the bulletin", T_CHILDREN, A_NONE, K_DISTRIBUTION, 0},
    {"send", "distribution", "who it is sent to, 本期送", T_TEXT1, A_NONE, K_NONE, 0},
    {"cc", "distribution", "copies to, 抄送", T_TEXT1, A_NONE, K_NONE, 0},
    {"issued-by", "distribution", "the printing office, 印发机关", T_TEXT1, A_NONE, K_NONE, 0},
    {"editors", "distribution", "the responsible editors, 责任编辑", T_TEXT1, A_NONE, K_NONE, 0},
    {"copies", "distribution", "the number of printed copies, e.g. <copies>40</copies>", T_POSINT, A_NONE, K_NONE, 0},
    {"rectifications", NULL, "rectification updates", T_CHILDREN, A_RECTIFICATIONS, K_RECTIFICATIONS, 1},
    {"done", "rectifications", "a finding that was put right", T_TEXT, A_DONE, K_NONE, 0},
    {"open", "rectifications", "a finding still open", T_TEXT, A_OPEN, K_NONE, 0},
    {NULL, NULL, NULL, 0, NULL, NULL, 0}};

static const elem_spec *spec_of(const char *name) {
    for (const elem_spec *s = SPECS; s->name; s++)
        if (strcmp(s->name, name) == 0) return s;
    return NULL;
}

static const char *NM(xmlNodePtr n) { return (const char *)n->name; }

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
static void list_kids(const kid_spec *k, char *out, size_t n) {
    out[0] = 0;
    for (size_t i = 0, used = 0; k[i].name; i++) {
        int w = snprintf(out + used, n - used, "%s<%s>", i ? ", " : "", k[i].name);
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
    }
}

static void list_attrs(const attr_spec *a, char *out, size_t n) {
    out[0] = 0;
    for (size_t i = 0, used = 0; a[i].name; i++) {
        int w = snprintf(out + used, n - used, "%s%s=", i ? ", " : "", a[i].name);
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
    }
}

static const char *MONTHS[] = {"January", "February", "March", "April", "May", "June", "July",
                               "August", "September", "October", "November", "December"};

static int days_in(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* 0 when s is a real date (with_time: optionally THH:MM); else -1 and why
 * gets what is wrong ("" when the shape is wrong). */
static int check_iso(const char *s, int with_time, char *why, size_t n) {
    size_t len = strlen(s);
    why[0] = 0;
    if (!(len == 10 || (with_time && len == 16))) return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || s[4] != '-' || s[7] != '-') return -1;
    int hh = 0, mm = 0;
    if (len == 16) {
        hh = digits(s + 11, 2);
        mm = digits(s + 14, 2);
        if (s[10] != 'T' || s[13] != ':' || hh < 0 || mm < 0) return -1;
    }
    if (y < 1900 || y > 2999) { snprintf(why, n, "year %d is out of range (1900-2999)", y); return -1; }
    if (m < 1 || m > 12) { snprintf(why, n, "there is no month %02d", m); return -1; }
    if (d < 1 || d > days_in(y, m)) {
        snprintf(why, n, "there is no day %02d in %s %d (it has %d days)", d, MONTHS[m - 1], y, days_in(y, m));
        return -1;
    }
    if (hh > 23) {
        snprintf(why, n, "hour %02d does not exist: hours run 00-23 (midnight is T00:00 of the next day)", hh);
        return -1;
    }
    if (mm > 59) { snprintf(why, n, "minute %02d does not exist: minutes run 00-59", mm); return -1; }
    return 0;
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

static int is_kind(const char *v) {
    for (size_t i = 0; KINDS[i]; i++)
        if (strcmp(v, KINDS[i]) == 0) return 1;
    return 0;
}

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
    if (aname) attr_pos(st, n, aname, &line, &col);     /* only now: positions cost a scan */
    else elem_pos(st, n, &line, &col);
    switch (type) {
    case T_TEXT1:
        if (aname)
            return fail_at(st, line, col, "%s= on <%s> is empty; write its text or leave the attribute out",
                           aname, ename);
        {
            const elem_spec *sp = spec_of(ename);
            return fail_at(st, line, col, "<%s> is empty; write %s", ename, sp ? sp->what : "its text");
        }
    case T_DATE:
    case T_DATETIME:
        check_iso(v, type == T_DATETIME, why, sizeof why);
        if (why[0]) return fail_at(st, line, col, "%s is not a real date: %s", subj, why);
        if (type == T_DATE)
            return fail_at(st, line, col, "%s is not a date: write YYYY-MM-DD, e.g. 2026-11-21", subj);
        return fail_at(st, line, col, "%s is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM, "
                       "e.g. 2026-11-22 or 2026-11-22T17:00", subj);
    case T_KEY: {
        return fail_at(st, line, col, "%s is not a valid ID: use 1-64 ASCII letters, digits, '.', '_' "
                       "or '-', starting with a letter or digit, e.g. %s", subj,
                       aname && strcmp(aname, "finding") == 0 ? "JC2026-007-003" : "jc-2026-11-20-night");
    }
    case T_TEMPLATE:
        return fail_at(st, line, col, "%s is not a template name: use ASCII letters, digits, '_' and '-', "
                       "e.g. template=\"dubao\"", subj);
    case T_CODE:
        return fail_at(st, line, col, "%s is not a series code: use 1-16 ASCII letters, e.g. code=\"JC\"", subj);
    case T_ISSUE:
        return fail_at(st, line, col, "%s is not an issue number: write a whole number from 1 to 9999 "
                       "(only for continuing an old series' numbering)", subj);
    case T_VERSION:
        return fail_at(st, line, col, "%s: this tongbao reads format version 1 only; write version=\"1\"", subj);
    case T_KIND:
        return fail_at(st, line, col, "%s is not a known kind of accountability; use one of: " KINDS_LIST, subj);
    case T_COUNT:
        return fail_at(st, line, col, "%s is not a number: write the count in Arabic digits, "
                       "e.g. <count what=\"街道\" unit=\"个\">6</count>", subj);
    case T_POSINT:
        return fail_at(st, line, col, "%s is not a number of copies: write a whole number of at least 1, "
                       "e.g. <copies>40</copies>", subj);
    default:
        return 0;
    }
}

static xmlAttrPtr find_attr(xmlNodePtr n, const char *name) {
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (!a->ns && strcmp((const char *)a->name, name) == 0) return a;
    return NULL;
}

static int check_attrs(pstate *st, xmlNodePtr n, const elem_spec *sp, buf *tmp) {
    int line, col;
    char q[200], list[400];
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const attr_spec *as = NULL;
        if (!a->ns)
            for (const attr_spec *s = sp->attrs; s->name; s++)
                if (strcmp(s->name, (const char *)a->name) == 0) { as = s; break; }
        char full[200];                 /* as written, prefix included */
        snprintf(full, sizeof full, "%s%s%s", a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                 a->ns && a->ns->prefix ? ":" : "", (const char *)a->name);
        if (!as) {
            attr_pos(st, n, full, &line, &col);
            list_attrs(sp->attrs, list, sizeof list);
            if (!sp->attrs[0].name)
                return fail_at(st, line, col, "unknown attribute %s= on <%s>: <%s> takes no attributes",
                               full, sp->name, sp->name);
            const char *names[16];
            size_t nn = 0;
            for (const attr_spec *s2 = sp->attrs; s2->name && nn < 16; s2++) names[nn++] = s2->name;
            const char *near = closest(full, names, nn);
            if (near)
                return fail_at(st, line, col, "unknown attribute %s= on <%s>; did you mean %s=? "
                               "allowed: %s", full, sp->name, near, list);
            return fail_at(st, line, col, "unknown attribute %s= on <%s>; allowed: %s", full, sp->name, list);
        }
        if (attr_text(a, tmp) < 0) return oom(st);
        char subj[300];
        snprintf(subj, sizeof subj, "%s=\"%s\"", as->name, clip(tmp->data, q, sizeof q));
        if (check_value(st, n, as->type, tmp->data, subj, sp->name, as->name) < 0) return -1;
    }
    for (const attr_spec *s = sp->attrs; s->name; s++) {
        if (!s->required || find_attr(n, s->name)) continue;
        elem_pos(st, n, &line, &col);
        return fail_at(st, line, col, "<%s> needs %s=\"…\": %s", sp->name, s->name, s->hint);
    }
    return 0;
}

/* FORMAT D5: exactly one of district= or unit=; street/community need district. */
static int check_finding(pstate *st, xmlNodePtr n) {
    int line, col;
    xmlAttrPtr d = find_attr(n, "district"), u = find_attr(n, "unit");
    if (d && u) {
        attr_pos(st, n, "unit", &line, &col);
        return fail_at(st, line, col, "<finding> has both district= and unit=; give district= (with "
                       "street=, community=, site=) for a place in a district, or unit= (with site=) "
                       "for a unit, not both");
    }
    if (!d && !u) {
        elem_pos(st, n, &line, &col);
        return fail_at(st, line, col, "element <finding> needs a district=\"…\" or a unit=\"…\" "
                       "attribute: say where the problem was found, e.g. district=\"东湖区\" "
                       "street=\"青山街道\" site=\"锦绣小区\", or unit=\"市交通运输局\"");
    }
    if (u) {
        const char *lv[] = {"street", "community"};
        for (int i = 0; i < 2; i++) {
            if (!find_attr(n, lv[i])) continue;
            attr_pos(st, n, lv[i], &line, &col);
            return fail_at(st, line, col, "%s= only goes with district=: this <finding> has unit=; "
                           "use district= for a place in a district, or drop %s=", lv[i], lv[i]);
        }
    }
    return 0;
}

/* Dates compare as text once both are valid ISO; a bare date `to` covers
 * the whole day, so only two full date-times can be out of order on one day. */
static int check_period(pstate *st, xmlNodePtr n, buf *tmp) {
    xmlAttrPtr fa = find_attr(n, "from"), ta = find_attr(n, "to");
    if (!fa || !ta) return 0;
    char from[32], to[32];
    if (attr_text(fa, tmp) < 0) return oom(st);
    snprintf(from, sizeof from, "%s", tmp->data);
    if (attr_text(ta, tmp) < 0) return oom(st);
    snprintf(to, sizeof to, "%s", tmp->data);
    int cmp = strncmp(from, to, 10);
    if (cmp == 0 && strlen(from) == 16 && strlen(to) == 16) cmp = strcmp(from, to);
    if (cmp <= 0) return 0;
    int line, col;
    attr_pos(st, n, "to", &line, &col);
    return fail_at(st, line, col, "the period ends before it starts: to=\"%s\" is earlier than "
                   "from=\"%s\"; swap them or correct the dates", to, from);
}

static int check_elem(pstate *st, xmlNodePtr n, const elem_spec *sp, buf *tmp);

static int is_elem(xmlNodePtr n, const char *name) {
    return n->type == XML_ELEMENT_NODE && !n->ns && strcmp(NM(n), name) == 0;
}

static int check_children(pstate *st, xmlNodePtr n, const elem_spec *sp, buf *tmp) {
    const kid_spec *k = sp->kids;
    size_t nk = 0, cnt[16] = {0}, idx = 0, total = 0;
    while (k[nk].name) nk++;
    int line, col;
    char list[400], q[200];
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            const char *t = c->content ? (const char *)c->content : "";
            size_t tl = strlen(t);
            if (trim_front(t, tl) == tl) continue;
            buf_reset(tmp);
            norm_text(tmp, t, tl);
            if (tmp->oom) return oom(st);
            elem_pos(st, n, &line, &col);
            if (sp->content == T_EMPTY)
                return fail_at(st, line, col, "<%s> must be empty (everything goes in its attributes); "
                               "remove the text \"%s\"", sp->name, clip(tmp->data, q, sizeof q));
            return fail_at(st, line, col, "stray text \"%s\" directly inside <%s>; text belongs in one "
                           "of its elements", clip(tmp->data, q, sizeof q), sp->name);
        }
        if (c->type != XML_ELEMENT_NODE) continue;          /* comments, PIs */
        if (c->ns) {
            elem_pos(st, c, &line, &col);
            return fail_at(st, line, col, "element <%s> is in a namespace (%s); tongbao's format uses no "
                           "namespaces: remove the xmlns or the prefix", NM(c),
                           c->ns->href ? (const char *)c->ns->href : "");
        }
        size_t p = 0;
        while (p < nk && strcmp(k[p].name, NM(c)) != 0) p++;
        if (p == nk) {
            const elem_spec *other = spec_of(NM(c));
            elem_pos(st, c, &line, &col);
            if (sp->content == T_EMPTY)
                return fail_at(st, line, col, "unexpected element <%s> here: <%s> must be empty "
                               "(everything goes in its attributes)", NM(c), sp->name);
            if (other && other->parent)
                return fail_at(st, line, col, "unexpected element <%s> here: <%s> belongs inside <%s>, "
                               "not <%s>", NM(c), NM(c), other->parent, sp->name);
            list_kids(k, list, sizeof list);
            const char *names[16];
            for (size_t m = 0; m < nk && m < 16; m++) names[m] = k[m].name;
            const char *near = closest(NM(c), names, nk < 16 ? nk : 16);
            if (near)
                return fail_at(st, line, col, "unexpected element <%s> here (inside <%s>); did you mean "
                               "<%s>? allowed here: %s", NM(c), sp->name, near, list);
            return fail_at(st, line, col, "unexpected element <%s> here (inside <%s>); allowed here: %s",
                           NM(c), sp->name, list);
        }
        if (!sp->any_order) {
            if (p < idx || (p == idx && k[p].max && cnt[p] >= k[p].max)) {
                elem_pos(st, c, &line, &col);
                if (k[p].max == 1 && cnt[p] >= 1)
                    return fail_at(st, line, col, "a second <%s> inside <%s>: only one is allowed",
                                   NM(c), sp->name);
                list_kids(k, list, sizeof list);
                return fail_at(st, line, col, "<%s> is out of order: it must come before <%s>; inside "
                               "<%s> the order is %s", NM(c), k[idx].name, sp->name, list);
            }
            for (size_t m = idx; m < p; m++) {
                if (cnt[m] >= k[m].min) continue;
                const elem_spec *ms = spec_of(k[m].name);
                for (xmlNodePtr later = c->next; later; later = later->next) {
                    if (!is_elem(later, k[m].name)) continue;   /* there, but too late */
                    list_kids(k, list, sizeof list);
                    elem_pos(st, later, &line, &col);
                    return fail_at(st, line, col, "<%s> is out of order: it must come before <%s>; "
                                   "inside <%s> the order is %s", k[m].name, NM(c), sp->name, list);
                }
                elem_pos(st, n, &line, &col);
                return fail_at(st, line, col, "missing <%s> in <%s> (%s); add it before <%s>",
                               k[m].name, sp->name, ms ? ms->what : "required", NM(c));
            }
            idx = p;
        }
        cnt[p]++;
        total++;
        const elem_spec *cs = spec_of(NM(c));
        if (!cs) return oom(st);                 /* cannot happen: kids are all in SPECS */
        if (check_elem(st, c, cs, tmp) < 0) return -1;
    }
    for (size_t m = sp->any_order ? 0 : idx; m < nk; m++) {
        if (cnt[m] >= k[m].min) continue;
        const elem_spec *ms = spec_of(k[m].name);
        elem_pos(st, n, &line, &col);
        if (k[m].max == 0)
            return fail_at(st, line, col, "<%s> needs at least one <%s> (%s)", sp->name, k[m].name,
                           ms ? ms->what : "");
        return fail_at(st, line, col, "missing <%s> in <%s> (%s)", k[m].name, sp->name,
                       ms ? ms->what : "required");
    }
    if (total == 0 && (strcmp(sp->name, "requirements") == 0 || strcmp(sp->name, "rectifications") == 0)) {
        elem_pos(st, n, &line, &col);
        if (strcmp(sp->name, "requirements") == 0)
            return fail_at(st, line, col, "<requirements> is empty: write a <lead> and/or at least one "
                           "<requirement title=\"…\">, or leave <requirements> out");
        return fail_at(st, line, col, "<rectifications> is empty: add <done finding=\"…\" date=\"…\"/> or "
                       "<open finding=\"…\"/> elements");
    }
    if (strcmp(sp->name, "bulletin") == 0) {
        int has = 0;
        for (xmlNodePtr c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && (strcmp(NM(c), "findings") == 0 || strcmp(NM(c), "cases") == 0))
                has = 1;
        if (!has) {
            elem_pos(st, n, &line, &col);
            return fail_at(st, line, col, "the bulletin has neither <findings> nor <cases>: there is "
                           "nothing to report; add <findings> with at least one <category>");
        }
    }
    return 0;
}

static int check_elem(pstate *st, xmlNodePtr n, const elem_spec *sp, buf *tmp) {
    int line, col;
    if (check_attrs(st, n, sp, tmp) < 0) return -1;
    if (strcmp(sp->name, "finding") == 0 && check_finding(st, n) < 0) return -1;
    if (strcmp(sp->name, "period") == 0 && check_period(st, n, tmp) < 0) return -1;
    if (sp->content == T_CHILDREN || sp->content == T_EMPTY) return check_children(st, n, sp, tmp);
    /* text content: no elements inside */
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        elem_pos(st, c, &line, &col);
        return fail_at(st, line, col, "unexpected element <%s> here: <%s> holds plain text only",
                       NM(c), sp->name);
    }
    if (elem_text(n, tmp) < 0) return oom(st);
    if (value_ok(sp->content, tmp->data)) return 0;
    char q[200], subj[300];
    snprintf(subj, sizeof subj, "<%s>%s</%s>", sp->name, clip(tmp->data, q, sizeof q), sp->name);
    if (sp->content == T_TEXT1 && !tmp->data[0] && strcmp(sp->name, "finding") == 0) {
        elem_pos(st, n, &line, &col);
        return fail_at(st, line, col, "<finding> has no text: write what was found, e.g. "
                       "北门无人值守，进出人员未测体温");
    }
    return check_value(st, n, sp->content, tmp->data, subj, sp->name, NULL);
}

/* The root: right kind of document, right version, then the whole tree. */
static int check_doc(pstate *st, xmlDocPtr doc, const char *want) {
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int line = 1, col = 1;
    if (!root) return fail_at(st, 1, 1, "no root element");
    elem_pos(st, root, &line, &col);
    if (root->ns)
        return fail_at(st, line, col, "<%s> is in a namespace (%s); tongbao's format uses no namespaces: "
                       "remove the xmlns=…", NM(root), root->ns->href ? (const char *)root->ns->href : "");
    int is_b = strcmp(NM(root), "bulletin") == 0, is_r = strcmp(NM(root), "rectifications") == 0;
    if (strcmp(want, "bulletin") == 0 && is_r)
        return fail_at(st, line, col, "this is a rectification-update file (<rectifications>), not a "
                       "bulletin; feed it to tongbao as rectification updates");
    if (strcmp(want, "rectifications") == 0 && is_b)
        return fail_at(st, line, col, "this is a bulletin (<bulletin>), not a rectification-update "
                       "file (<rectifications>)");
    if (!is_b && !is_r) {
        if (strcmp(want, "bulletin") == 0)
            return fail_at(st, line, col, "the root element is <%s>; a findings file must start with "
                           "<bulletin version=\"1\" id=\"…\" series=\"…\">", NM(root));
        return fail_at(st, line, col, "the root element is <%s>; a rectification-update file must start "
                       "with <rectifications version=\"1\" series=\"…\">", NM(root));
    }
    buf tmp;
    buf_init(&tmp);
    /* version first: a file of another version may differ everywhere */
    xmlAttrPtr v = find_attr(root, "version");
    int rc = 0;
    if (v) {
        if (attr_text(v, &tmp) < 0) rc = oom(st);
        else if (strcmp(tmp.data, "1") != 0) {
            char q[200];
            attr_pos(st, root, "version", &line, &col);
            rc = fail_at(st, line, col, "format version \"%s\" is not supported: this tongbao reads "
                         "version=\"1\" files", clip(tmp.data, q, sizeof q));
        }
    }
    if (rc == 0) rc = check_elem(st, root, spec_of(NM(root)), &tmp);
    buf_free(&tmp);
    return rc;
}

/* ==== step 4: RELAX NG ================================================== */

static void on_rng_error(void *data, xmlErrorPtr xe) {
    pstate *st = data;
    if (!xe || xe->level < XML_ERR_ERROR) return;
    /* libxml2 reports a cascade; the first one with a node and a real
     * message is the useful one (some carry no node, some are "no state"). */
    int useful = xe->node != NULL && xe->code != XML_RELAXNG_ERR_NOSTATE &&
                 xe->code != XML_RELAXNG_ERR_INTERNAL;
    if (st->r_have && (st->r_node || !useful)) return;
    st->r_have = 1;
    st->r_code = xe->code;
    st->r_node = xe->node;
    keep(st->r_msg, sizeof st->r_msg, (const xmlChar *)xe->message);
    keep(st->r_s1, sizeof st->r_s1, (const xmlChar *)xe->str1);
    keep(st->r_s2, sizeof st->r_s2, (const xmlChar *)xe->str2);
    size_t n = strlen(st->r_msg);
    while (n && (st->r_msg[n - 1] == '\n' || st->r_msg[n - 1] == ' ')) st->r_msg[--n] = 0;
}

/* Only reached if findings.rng rejects what check_doc() accepted: the two
 * have drifted apart.  Still say something useful. */
static int report_rng_error(pstate *st, xmlDocPtr doc) {
    xmlNodePtr n = st->r_node;
    if (n && n->type != XML_ELEMENT_NODE) n = n->parent;
    if (!n || n->type != XML_ELEMENT_NODE) n = xmlDocGetRootElement(doc);
    int line = 1, col = 1;
    if (n) elem_pos(st, n, &line, &col);
    const char *en = n ? NM(n) : "?";
    switch (st->r_code) {
    case XML_RELAXNG_ERR_ELEMWRONG:
        return fail_at(st, line, col, "unexpected element <%s> here", en);
    case XML_RELAXNG_ERR_NOELEM:
        return fail_at(st, line, col, "<%s> is missing a required element", en);
    case XML_RELAXNG_ERR_INVALIDATTR:
        if (n) attr_pos(st, n, st->r_s1, &line, &col);
        return fail_at(st, line, col, "attribute %s= on <%s> is not allowed here or its value is wrong",
                       st->r_s1, en);
    case XML_RELAXNG_ERR_ATTRVALID:
        return fail_at(st, line, col, "an attribute of <%s> is missing or wrong", en);
    case XML_RELAXNG_ERR_DATATYPE:
    case XML_RELAXNG_ERR_VALUE:
    case XML_RELAXNG_ERR_CONTENTVALID:
        return fail_at(st, line, col, "the content of <%s> is not valid here", en);
    case XML_RELAXNG_ERR_DATAELEM:
        return fail_at(st, line, col, "<%s> holds plain text only; remove the elements inside", en);
    case XML_RELAXNG_ERR_TEXTWRONG:
    case XML_RELAXNG_ERR_EXTRACONTENT:
    case XML_RELAXNG_ERR_ELEMNOTEMPTY:
        return fail_at(st, line, col, "unexpected content in <%s>", en);
    default:
        return fail_at(st, line, col, "does not match the findings format (schema: %s)",
                       st->r_msg[0] ? st->r_msg : "invalid");
    }
}

static int validate_rng(pstate *st, xmlDocPtr doc) {
    xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(schema);
    if (!v) return oom(st);
    xmlRelaxNGSetValidStructuredErrors(v, on_rng_error, st);
    int r = xmlRelaxNGValidateDoc(v, doc);
    xmlRelaxNGFreeValidCtxt(v);
    if (r == 0) return 0;
    if (r < 0 && !st->r_have) {
        return err_set(st->e, TB_EINTERNAL, st->name, 0, 0,
                       "libxml2 failed while validating (error %d)", r);
    }
    return report_rng_error(st, doc);
}

/* ==== steps 1-4 together ================================================ */

static void state_free(pstate *st) {
    free(st->lines);
    free(st->tags);
}

/* Decode, parse, check and validate; returns the tree or NULL (e filled).
 * *owned receives a converted copy of the text, freed by the caller. */
static xmlDocPtr load(pstate *st, const char *data, size_t len, const char *want, char **owned) {
    *owned = NULL;
    pthread_once(&setup_once, setup);
    if (!schema) {
        err_set(st->e, TB_EINTERNAL, st->name, 0, 0, "the built-in schema does not compile (%s); "
                "this is a bug in tongbao", schema_problem);
        return NULL;
    }
    if (len > PARSE_MAX_BYTES) {
        err_set(st->e, TB_EINPUT, st->name, 0, 0, "the file is %.1f MiB, over the %u MiB limit; "
                "split the findings into several bulletins", (double)len / (1024.0 * 1024.0),
                PARSE_MAX_BYTES >> 20);
        return NULL;
    }
    if (!data || len == 0) {
        err_set(st->e, TB_EINPUT, st->name, 0, 0, "the file is empty; a findings file starts with "
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?> and then <bulletin version=\"1\" …>");
        return NULL;
    }
    if (decode(st, data, len, owned) < 0) return NULL;
    if (st->len == 0 || st->len > INT32_MAX) {
        err_set(st->e, TB_EINPUT, st->name, 0, 0, "the file has no content");
        return NULL;
    }
    if (build_lines(st) < 0 || scan_tags(st) < 0) { oom(st); return NULL; }
    xmlDocPtr doc = parse_xml(st);
    if (!doc) return NULL;
    size_t count = 0;
    index_nodes(doc->children, &count);
    st->tags_ok = count == st->n_tags;
    if (check_doc(st, doc, want) < 0 || validate_rng(st, doc) < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* ==== step 5: fill the model ============================================ */

typedef struct {
    pstate *st;
    arena *a;
    buf tmp;
    int oom;
} filler;

static const char *keep_buf(filler *f) {
    if (f->tmp.oom) { f->oom = 1; return NULL; }
    char *s = arena_strndup(f->a, f->tmp.data ? f->tmp.data : "", f->tmp.len);
    if (!s) f->oom = 1;
    return s;
}

/* Attribute value, normalised; NULL when absent. */
static const char *A(filler *f, xmlNodePtr n, const char *name) {
    xmlAttrPtr a = find_attr(n, name);
    if (!a) return NULL;
    if (attr_text(a, &f->tmp) < 0) { f->oom = 1; return NULL; }
    return keep_buf(f);
}

/* Element text, normalised; NULL when empty (optional text). */
static const char *T(filler *f, xmlNodePtr n) {
    if (elem_text(n, &f->tmp) < 0) { f->oom = 1; return NULL; }
    if (!f->tmp.data[0]) return NULL;
    return keep_buf(f);
}

static int is(xmlNodePtr n, const char *name) {
    return n->type == XML_ELEMENT_NODE && strcmp(NM(n), name) == 0;
}

static size_t count_named(xmlNodePtr n, const char *name) {
    size_t k = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) k += is(c, name);
    return k;
}

static void *alloc_n(filler *f, size_t n, size_t sz) {
    if (n == 0) return NULL;
    void *p = arena_alloc(f->a, n * sz);
    if (!p) f->oom = 1;
    return p;
}

static void fill_inspection(filler *f, xmlNodePtr n, model_bulletin *b) {
    b->has_inspection = 1;
    b->method = A(f, n, "method");
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is(c, "period")) {
            b->period_from = A(f, c, "from");
            b->period_to = A(f, c, "to");
            b->period_text = T(f, c);
        } else if (is(c, "inspectors")) {
            b->inspectors = alloc_n(f, count_named(c, "inspector"), sizeof *b->inspectors);
            for (xmlNodePtr i = c->children; i && b->inspectors; i = i->next)
                if (is(i, "inspector")) b->inspectors[b->n_inspectors++] = T(f, i);
        } else if (is(c, "action")) {
            b->action = T(f, c);
        } else if (is(c, "scope")) {
            b->counts = alloc_n(f, count_named(c, "count"), sizeof *b->counts);
            for (xmlNodePtr i = c->children; i && b->counts; i = i->next) {
                if (!is(i, "count")) continue;
                model_count *m = &b->counts[b->n_counts++];
                m->what = A(f, i, "what");
                m->unit = A(f, i, "unit");
                m->number = T(f, i);
            }
        } else if (is(c, "assessment")) {
            b->assessment = T(f, c);
        }
    }
}

static void fill_findings(filler *f, xmlNodePtr n, model_bulletin *b) {
    b->categories = alloc_n(f, count_named(n, "category"), sizeof *b->categories);
    for (xmlNodePtr c = n->children; c && b->categories; c = c->next) {
        if (!is(c, "category")) continue;
        model_category *cat = &b->categories[b->n_categories++];
        int col;
        cat->title = A(f, c, "title");
        elem_pos(f->st, c, &cat->line, &col);
        cat->findings = alloc_n(f, count_named(c, "finding"), sizeof *cat->findings);
        for (xmlNodePtr i = c->children; i && cat->findings; i = i->next) {
            if (!is(i, "finding")) continue;
            model_finding *m = &cat->findings[cat->n_findings++];
            m->district = A(f, i, "district");
            m->street = A(f, i, "street");
            m->community = A(f, i, "community");
            m->site = A(f, i, "site");
            m->unit = A(f, i, "unit");
            m->observed = A(f, i, "observed");
            m->responsible = A(f, i, "responsible");
            m->deadline = A(f, i, "deadline");
            m->text = T(f, i);
            elem_pos(f->st, i, &m->line, &m->col);
        }
    }
}

static void fill_requirements(filler *f, xmlNodePtr n, model_bulletin *b) {
    b->requirements = alloc_n(f, count_named(n, "requirement"), sizeof *b->requirements);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is(c, "lead")) b->req_lead = T(f, c);
        else if (is(c, "requirement") && b->requirements) {
            model_requirement *r = &b->requirements[b->n_requirements++];
            r->title = A(f, c, "title");
            r->text = T(f, c);
        }
    }
}

static void fill_cases(filler *f, xmlNodePtr n, model_bulletin *b) {
    b->has_cases = 1;
    b->cases_lead = A(f, n, "lead");
    b->cases = alloc_n(f, count_named(n, "case"), sizeof *b->cases);
    for (xmlNodePtr c = n->children; c && b->cases; c = c->next) {
        if (!is(c, "case")) continue;
        model_case *k = &b->cases[b->n_cases++];
        k->outcomes = alloc_n(f, count_named(c, "outcome"), sizeof *k->outcomes);
        for (xmlNodePtr i = c->children; i; i = i->next) {
            if (is(i, "subject")) k->subject = T(f, i);
            else if (is(i, "problem")) k->problem = T(f, i);
            else if (is(i, "facts")) k->facts = T(f, i);
            else if (is(i, "outcome") && k->outcomes) {
                model_outcome *o = &k->outcomes[k->n_outcomes++];
                o->date = A(f, i, "date");
                o->person = A(f, i, "person");
                o->rank = A(f, i, "rank");
                o->kind = A(f, i, "kind");
                o->text = T(f, i);
            }
        }
    }
}

static int parse_int(const char *s) {
    int v = 0;
    for (; s && *s >= '0' && *s <= '9'; s++) v = v * 10 + (*s - '0');
    return v;
}

static model_bulletin *fill_bulletin(pstate *st, xmlDocPtr doc) {
    arena *a = arena_new();
    if (!a) { oom(st); return NULL; }
    model_bulletin *b = arena_alloc(a, sizeof *b);
    if (!b) { arena_free(a); oom(st); return NULL; }
    b->arena = a;
    filler f = {st, a, {0}, 0};
    buf_init(&f.tmp);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    b->source = arena_strdup(a, st->name);
    if (!b->source) f.oom = 1;
    b->version = 1;
    b->id = A(&f, root, "id");
    b->series = A(&f, root, "series");
    b->template_name = A(&f, root, "template");
    b->series_code = A(&f, root, "code");
    b->issue_override = parse_int(A(&f, root, "issue"));
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (is(c, "header")) {
            for (xmlNodePtr h = c->children; h; h = h->next) {
                if (is(h, "title")) b->title = T(&f, h);
                else if (is(h, "issuer")) b->issuer = T(&f, h);
                else if (is(h, "date")) b->date = T(&f, h);
                else if (is(h, "doc-number")) b->doc_number = T(&f, h);
                else if (is(h, "to")) b->to = T(&f, h);
            }
        } else if (is(c, "inspection")) {
            fill_inspection(&f, c, b);
        } else if (is(c, "findings")) {
            fill_findings(&f, c, b);
        } else if (is(c, "rectification")) {
            b->has_rectification = 1;
            b->rect_deadline = A(&f, c, "deadline");
            b->rect_report_to = A(&f, c, "report-to");
            b->rect_manner = A(&f, c, "manner");
            b->rect_responsible = A(&f, c, "responsible");
        } else if (is(c, "requirements")) {
            fill_requirements(&f, c, b);
        } else if (is(c, "cases")) {
            fill_cases(&f, c, b);
        } else if (is(c, "distribution")) {
            b->has_distribution = 1;
            for (xmlNodePtr d = c->children; d; d = d->next) {
                if (is(d, "send")) b->dist_send = T(&f, d);
                else if (is(d, "cc")) b->dist_cc = T(&f, d);
                else if (is(d, "issued-by")) b->dist_issued_by = T(&f, d);
                else if (is(d, "editors")) b->dist_editors = T(&f, d);
                else if (is(d, "copies")) b->dist_copies = T(&f, d);
            }
        }
    }
    buf_free(&f.tmp);
    if (f.oom) { arena_free(a); oom(st); return NULL; }
    return b;
}

/* Sort helper for the duplicate-ID check: by ID, then by position. */
typedef struct { const char *id; size_t i; } id_ref;

static int id_ref_cmp(const void *x, const void *y) {
    const id_ref *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

static parse_rect_doc *fill_rect(pstate *st, xmlDocPtr doc) {
    arena *a = arena_new();
    if (!a) { oom(st); return NULL; }
    parse_rect_doc *d = arena_alloc(a, sizeof *d);
    if (!d) { arena_free(a); oom(st); return NULL; }
    d->arena = a;
    filler f = {st, a, {0}, 0};
    buf_init(&f.tmp);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    d->source = arena_strdup(a, st->name);
    if (!d->source) f.oom = 1;
    d->version = 1;
    d->series = A(&f, root, "series");
    size_t n = count_named(root, "done") + count_named(root, "open");
    d->items = alloc_n(&f, n, sizeof *d->items);
    for (xmlNodePtr c = root->children; c && d->items; c = c->next) {
        if (!is(c, "done") && !is(c, "open")) continue;
        parse_rect_item *it = &d->items[d->n_items++];
        it->done = is(c, "done");
        it->finding = A(&f, c, "finding");
        it->date = A(&f, c, "date");
        it->reason = A(&f, c, "reason");
        it->note = T(&f, c);
        elem_pos(st, c, &it->line, &it->col);
    }
    buf_free(&f.tmp);
    if (f.oom) { arena_free(a); oom(st); return NULL; }
    /* One update per finding and file: two would contradict or repeat. */
    if (d->n_items > 1) {
        id_ref *r = malloc(d->n_items * sizeof *r);
        if (!r) { arena_free(a); oom(st); return NULL; }
        for (size_t i = 0; i < d->n_items; i++) r[i] = (id_ref){d->items[i].finding, i};
        qsort(r, d->n_items, sizeof *r, id_ref_cmp);
        size_t worst = (size_t)-1, first = 0;
        for (size_t i = 1; i < d->n_items; i++)
            if (strcmp(r[i].id, r[i - 1].id) == 0 && (worst == (size_t)-1 || r[i].i < worst)) {
                worst = r[i].i;
                first = r[i - 1].i;
            }
        free(r);
        if (worst != (size_t)-1) {
            parse_rect_item *w = &d->items[worst], *p = &d->items[first];
            fail_at(st, w->line, w->col, "finding %s is listed twice (first on line %d); give one "
                    "update per finding", w->finding, p->line);
            arena_free(a);
            return NULL;
        }
    }
    return d;
}

/* ==== public API ======================================================== */

model_bulletin *parse_memory(const char *data, size_t len, const char *name, err *e) {
    pstate st = {0};
    st.name = name ? name : "(input)";
    st.e = e;
    char *owned;
    xmlDocPtr doc = load(&st, data, len, "bulletin", &owned);
    model_bulletin *b = doc ? fill_bulletin(&st, doc) : NULL;
    xmlFreeDoc(doc);
    free(owned);
    state_free(&st);
    return b;
}

model_bulletin *parse_file(const char *path, err *e) {
    size_t len;
    char *data = file_read(path, PARSE_MAX_BYTES, &len, e);
    if (!data) return NULL;
    model_bulletin *b = parse_memory(data, len, path, e);
    free(data);
    return b;
}

parse_rect_doc *parse_rectifications_memory(const char *data, size_t len, const char *name, err *e) {
    pstate st = {0};
    st.name = name ? name : "(input)";
    st.e = e;
    char *owned;
    xmlDocPtr doc = load(&st, data, len, "rectifications", &owned);
    parse_rect_doc *d = doc ? fill_rect(&st, doc) : NULL;
    xmlFreeDoc(doc);
    free(owned);
    state_free(&st);
    return d;
}

parse_rect_doc *parse_rectifications_file(const char *path, err *e) {
    size_t len;
    char *data = file_read(path, PARSE_MAX_BYTES, &len, e);
    if (!data) return NULL;
    parse_rect_doc *d = parse_rectifications_memory(data, len, path, e);
    free(data);
    return d;
}

void parse_rect_free(parse_rect_doc *d) {
    if (d) arena_free(d->arena);
}
