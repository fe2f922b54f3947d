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
 *               calendar dates, cross-field rules (parse_rules.c).  It
 *               mirrors findings.rng; it exists because libxml2's RELAX NG
 *               messages are poor (a missing <title> reads "Did not expect
 *               element issuer there", a finding without district/unit
 *               "Internal error: no state").
 *   4. validate RELAX NG against the built-in schema: the contract.  Should
 *               it reject what step 3 accepted, its message is translated.
 *               Skipped for XML made from checked spreadsheet cells
 *               (parse_generated), never for XML a user wrote.
 *   5. fill     the model, in the bulletin's own arena.
 *
 * Every message's line:column comes from the source-position index
 * (parse_pos.c), built once per file.  parse_int.h is the three files'
 * private interface.
 *
 * No global mutable state beyond the process-wide setup done once under
 * pthread_once (libxml2 init, the refusing entity loader, the compiled
 * schema, which libxml2 only reads while validating). */
#include "parse_int.h"
#include "date.h"

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
    if (!pc) { snprintf(schema_problem, sizeof schema_problem, "libxml2 could not start a schema parser"); return; }
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

/* ==== per-call state (parse_int.h) ===================================== */

int parse_oom(pstate *st) {
    return err_set(st->e, TB_EINTERNAL, st->name, 0, 0, "out of memory");
}

int parse_fail_at(pstate *st, int line, int col, const char *fmt, ...) {
    char msg[sizeof st->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(st->e, TB_EINPUT, st->name, line, col, "%s", msg);
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
    if (len < 6 || memcmp(s, "<?xml", 5) != 0 || !parse_is_ws((unsigned char)s[5])) return;
    size_t end = 5;
    while (end + 1 < len && end < 512 && !(s[end] == '?' && s[end + 1] == '>')) end++;
    for (size_t i = 5; i + 8 <= end; i++) {
        if (memcmp(s + i, "encoding", 8) != 0 || !parse_is_ws((unsigned char)s[i - 1])) continue;
        size_t j = i + 8;
        while (j < end && parse_is_ws((unsigned char)s[j])) j++;
        if (j >= end || s[j] != '=') return;
        j++;
        while (j < end && parse_is_ws((unsigned char)s[j])) j++;
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
            return parse_fail_at(st, dl, dc, "unknown encoding \"%s\" in the XML declaration; "
                           "save the file as UTF-8, or declare one tongbao knows, e.g. "
                           "<?xml version=\"1.0\" encoding=\"GB18030\"?>", label);
        return parse_oom(st);
    }
    size_t cap = len * 3 + 16;             /* any 1-byte source char fits in 3 UTF-8 bytes */
    char *utf8 = xmalloc(cap);
    char *ip = (char *)in, *op = utf8;
    size_t il = len, ol = cap - 1;
    int rc = 0;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
        int en = errno;
        int line, col;
        parse_pos_in(utf8, (size_t)(op - utf8), &line, &col);
        unsigned char bad = il ? (unsigned char)*ip : 0;
        if (en == EILSEQ)
            rc = parse_fail_at(st, line, col, "byte 0x%02X here is not valid %s text, the encoding the "
                         "file declares; check the file was saved as %s, or correct the "
                         "encoding= in the first line", bad, label, label);
        else if (en == EINVAL)
            rc = parse_fail_at(st, line, col, "the file ends in the middle of a %s character; "
                         "the file may be cut short", label);
        else
            rc = parse_oom(st);
    }
    iconv_close(cd);
    if (rc < 0) { free(utf8); return -1; }
    *op = 0;
    *out = utf8;
    *outlen = (size_t)(op - utf8);
    return 0;
}

/* The bytes from `bad` to the end are the start of one UTF-8 sequence that
 * the end of the file cut off. */
static int cut_in_character(const char *s, size_t bad, size_t len) {
    unsigned char c = (unsigned char)s[bad];
    size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!need || len - bad >= need) return 0;
    for (size_t i = bad + 1; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) return 0;
    return 1;
}

/* Produces st->src/st->len (UTF-8, no BOM).  *owned is set when a converted
 * copy was made (the caller frees it). */
static int decode(pstate *st, const char *data, size_t len, char **owned) {
    const unsigned char *u = (const unsigned char *)data;
    *owned = NULL;
    /* A byte-order mark (or UTF-16's "<?" pattern) decides by itself. */
    /* UTF-32's marks first: FF FE 00 00 also starts like UTF-16LE's. */
    static const struct { const char *bytes; size_t n, skip; const char *from, *label; } marks[] = {
        {"\xFF\xFE\0\0", 4, 4, "UTF-32LE", "UTF-32"},
        {"\0\0\xFE\xFF", 4, 4, "UTF-32BE", "UTF-32"},
        {"\xFF\xFE", 2, 2, "UTF-16LE", "UTF-16"},
        {"\xFE\xFF", 2, 2, "UTF-16BE", "UTF-16"},
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
    /* No mark: the zero bytes around the first ASCII characters ("<?" or
     * "<b") tell UTF-32 and UTF-16 and their byte order (XML 1.0, F.1). */
    if (!wide_from && len >= 4) {
        int a0 = u[0] && u[0] < 0x80, a1 = u[1] && u[1] < 0x80, a2 = u[2] && u[2] < 0x80,
            a3 = u[3] && u[3] < 0x80;
        if (a0 && !u[1] && !u[2] && !u[3]) wide_from = "UTF-32LE", label = "UTF-32";
        else if (!u[0] && !u[1] && !u[2] && a3) wide_from = "UTF-32BE", label = "UTF-32";
        else if (a0 && !u[1] && a2 && !u[3]) wide_from = "UTF-16LE", label = "UTF-16";
        else if (!u[0] && a1 && !u[2] && a3) wide_from = "UTF-16BE", label = "UTF-16";
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
            parse_pos_in(data, bad, &line, &col);
            if (cut_in_character(data, bad, len))
                return parse_fail_at(st, line, col, "the file ends in the middle of a character (an "
                                     "unfinished UTF-8 sequence): it looks cut short; restore its end "
                                     "from the original and run again");
            if (enc[0] && !bom)
                return parse_fail_at(st, line, col, "byte 0x%02X here is not UTF-8, though the file "
                               "declares encoding=\"%s\"; if the file was saved as GB18030 (GBK), "
                               GB18030_HINT, (unsigned char)data[bad], enc);
            return parse_fail_at(st, line, col, "byte 0x%02X here is not UTF-8 and the file declares "
                           "no encoding; if it was saved as GB18030 (GBK), " GB18030_HINT,
                           (unsigned char)data[bad]);
        }
        st->src = data;
        st->len = len;
        return 0;
    }
    int dl, dc;
    parse_pos_in(data, enc_at, &dl, &dc);
    if (is_wide_name(enc))
        return parse_fail_at(st, dl, dc, "the file declares encoding=\"%s\" but is not saved that way "
                       "(its first line reads as plain 8-bit text); correct the declaration, "
                       "e.g. encoding=\"UTF-8\"", enc);
    iconv_t probe = iconv_open("UTF-8", enc);
    if (probe == (iconv_t)-1)
        return errno == EINVAL
            ? parse_fail_at(st, dl, dc, "unknown encoding \"%s\" in the XML declaration; save the file as "
                      "UTF-8, or declare one tongbao knows, e.g. <?xml version=\"1.0\" "
                      "encoding=\"GB18030\"?>", enc)
            : parse_oom(st);
    iconv_close(probe);
    /* Declared GB18030 but the bytes are plainly UTF-8 Chinese: converting
     * would archive mojibake.  Real GB18030 text is essentially never valid
     * UTF-8 with several 3-byte sequences, so this is safe to call an error. */
    if (bad == len && wide >= 8)
        return parse_fail_at(st, dl, dc, "the file declares encoding=\"%s\" but is saved as UTF-8; "
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
    parse_pos_of(st, at, &line, &col);
    char msg[sizeof st->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    parse_fail_at(st, line, col, "%s", msg);
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

static int name_char_at(pstate *st, size_t i) {
    unsigned char c = (unsigned char)st->src[i];
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == ':';
}

/* One message for the first well-formedness error, in the user's terms. */
static int report_xml_error(pstate *st) {
    int line = st->x_line > 0 ? st->x_line : 1, col = st->x_col > 0 ? st->x_col : 1;
    char needle[200];
    switch (st->x_code) {
    case XML_ERR_DOCUMENT_EMPTY:
        return parse_fail_at(st, line, col, "no XML content; a findings file starts with "
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?> and then "
                       "<bulletin version=\"1\" id=\"…\" series=\"…\">");
    case XML_ERR_DOCUMENT_END:
        return parse_fail_at(st, line, col, "more content after the end of the root element; a file "
                       "holds exactly one <bulletin> (or one <rectifications>)");
    case XML_ERR_TAG_NAME_MISMATCH: {
        snprintf(needle, sizeof needle, "</%s", st->x_s2);
        int c = parse_col_on_line(st, line, needle, 1, 0);
        return parse_fail_at(st, line, c ? c : col, "</%s> does not match the open <%s> from line %d; "
                       "close <%s> first (add </%s>) or correct the tag name",
                       st->x_s2, st->x_s1, st->x_int1, st->x_s1, st->x_s1);
    }
    case XML_ERR_TAG_NOT_FINISHED: {
        snprintf(needle, sizeof needle, "<%s", st->x_s1);
        int l = st->x_int1 > 0 ? st->x_int1 : line;
        int c = parse_col_on_line(st, l, needle, 1, -1);
        return parse_fail_at(st, l, c ? c : 1, "<%s> is never closed: the file ends before its </%s>; "
                       "add </%s> (the file may also be cut short)", st->x_s1, st->x_s1, st->x_s1);
    }
    case XML_ERR_SPACE_REQUIRED:
        if (strstr(st->x_msg, "attributes construct error"))
            return parse_fail_at(st, line, col, "malformed start tag: a '>', a space or a quote is missing "
                           "around here");
        break;
    case XML_ERR_GT_REQUIRED:
        return parse_fail_at(st, line, col, "the start tag is not finished: a '>' or a closing quote is "
                       "missing before this point");
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
    case XML_ERR_NAME_REQUIRED:
        if (strstr(st->x_msg, "EntityRef") || strstr(st->x_msg, "xmlParseEntityRef")) {
            col = parse_back_to(st, line, col, '&');
            return parse_fail_at(st, line, col, "a bare '&' in the text: write it as &amp; "
                           "(e.g. 东湖区&amp;西山区), or use a Chinese word instead");
        }
        if (strstr(st->x_msg, "StartTag: invalid element name"))
            return parse_fail_at(st, line, col > 1 ? col - 1 : col, "a bare '<' in the text: write it as &lt; "
                           "(or use the full-width ＜)");
        break;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        col = parse_back_to(st, line, col, '&');
        return parse_fail_at(st, line, col, "unknown entity &%s; — XML only knows &amp; &lt; &gt; &quot; "
                       "&apos; and numeric references such as &#12288;: write the character itself",
                       st->x_s1);
    case XML_ERR_ATTRIBUTE_REDEFINED:
        return parse_fail_at(st, line, col, "attribute %s= appears twice in this tag; keep one",
                       st->x_s1);
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        return parse_fail_at(st, line, col, "attribute %s has no value; write %s=\"…\"",
                       st->x_s1, st->x_s1);
    case XML_ERR_ATTRIBUTE_NOT_STARTED: {
        size_t b, e;
        if (parse_line_span(st, line, &b, &e)) {
            int k = 0;                                  /* the character at col */
            for (size_t i = b; i < e; i++) {
                if ((((unsigned char)st->src[i]) & 0xC0) != 0x80) k++;
                if (k == col) {
                    if (e - i >= 3 && (memcmp(st->src + i, "\xE2\x80\x9C", 3) == 0 ||
                                       memcmp(st->src + i, "\xE2\x80\x9D", 3) == 0))
                        return parse_fail_at(st, line, col, "attribute values need straight ASCII "
                                       "quotes \"…\", not Chinese quotes “…”; switch the input "
                                       "method to half-width for the quotes");
                    break;
                }
            }
        }
        return parse_fail_at(st, line, col, "attribute value without quotes: write it in quotes, "
                       "e.g. district=\"东湖区\"");
    }
    case XML_ERR_LT_IN_ATTRIBUTE:
        return parse_fail_at(st, line, col, "'<' inside an attribute value: write it as &lt;");
    case XML_ERR_INVALID_CHAR:
        return parse_fail_at(st, line, col, "character U+%04X is not allowed in XML; delete it (often an "
                       "invisible control character pasted from another program)",
                       (unsigned)st->x_int1);
    case XML_ERR_INTERNAL_ERROR:
        if (strstr(st->x_msg, "Excessive depth")) {
            int at = parse_back_to(st, line, col, '<');
            size_t off = parse_offset_of(st, line, at), e = off + 1;
            while (e < st->len && e - off < 60 && name_char_at(st, e)) e++;
            return parse_fail_at(st, line, at, "elements nest more than %d deep at this <%.*s>; a findings "
                                 "file nests at most 4 deep (<bulletin>, <findings>, <category>, "
                                 "<finding>): end tags are missing, or this is not a findings file",
                                 st->x_int1 > 0 ? st->x_int1 : 256, (int)(e - off - 1), st->src + off + 1);
        }
        break;
    case XML_ERR_RESERVED_XML_NAME:
        return parse_fail_at(st, line, 1, "the <?xml …?> declaration must be the very first thing in the "
                       "file; remove the blank lines or spaces before it");
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
        return parse_fail_at(st, line, col, "namespace prefix %s: is not declared; tongbao's format uses "
                       "no namespaces: write <%s> without a prefix", st->x_s1, st->x_s2);
    default:
        break;
    }
    return parse_fail_at(st, line, col, "not well-formed XML: %s; fix the markup here",
                   st->x_msg[0] ? st->x_msg : "unknown error");
}

/* A file cut short inside markup (a crash while saving, a copy that
 * stopped) makes libxml2 talk about missing attribute values or bare '<'.
 * When the text does not end with '>' and its last '<' opens markup that
 * never closes, say that instead, where that markup starts, unless libxml2
 * found an error on an earlier line.  Returns -1 when it reported. */
static int report_cut_short(pstate *st) {
    const char *s = st->src;
    size_t end = st->len, lt = (size_t)-1, gt = (size_t)-1;
    while (end && parse_is_ws((unsigned char)s[end - 1])) end--;
    if (!end || s[end - 1] == '>') return 0;
    for (size_t i = end; i-- > 0 && (lt == (size_t)-1 || gt == (size_t)-1);) {
        if (s[i] == '<' && lt == (size_t)-1) lt = i;
        if (s[i] == '>' && gt == (size_t)-1) gt = i;
    }
    if (lt == (size_t)-1 || (gt != (size_t)-1 && gt > lt)) return 0;    /* ends in text */
    int line, col;
    parse_pos_of(st, lt, &line, &col);
    if (st->x_have && st->x_line > 0 && st->x_line < line) return 0;
    const char *what = "a '<'";
    char name[80] = "";
    size_t rest = end - lt;
    if (rest >= 4 && memcmp(s + lt, "<!--", 4) == 0) what = "a comment (<!-- without its -->)";
    else if (rest >= 9 && memcmp(s + lt, "<![CDATA[", 9) == 0) what = "a CDATA section (<![CDATA[ without its ]]>)";
    else if (rest >= 2 && s[lt + 1] == '?') what = "a processing instruction (<? without its ?>)";
    else if (rest >= 2 && s[lt + 1] == '!') what = "a <!…> declaration";
    else {
        int close = rest >= 2 && s[lt + 1] == '/';
        size_t b = lt + 1 + (size_t)close, e = b;
        while (e < end && e - b < 60 && !parse_is_ws((unsigned char)s[e]) && s[e] != '/' && s[e] != '"' &&
               s[e] != '\'' && s[e] != '=')
            e++;
        if (e > b) {
            snprintf(name, sizeof name, "%s%.*s", close ? "</" : "<", (int)(e - b), s + b);
            what = close ? "the end tag" : "the start tag";
        }
    }
    return parse_fail_at(st, line, col, "the file ends inside %s%s%s that starts here: it looks cut short "
                         "(saved or copied only in part); restore its end from the original and run again",
                         what, name[0] ? " " : "", name);
}

static xmlDocPtr parse_xml(pstate *st) {
    xmlParserCtxtPtr c = xmlCreateMemoryParserCtxt(st->src, (int)st->len);
    if (!c) { parse_oom(st); return NULL; }
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
            if (report_cut_short(st) < 0) {}
            else if (st->x_have) report_xml_error(st);
            else parse_fail_at(st, 1, 1, "not well-formed XML");
        }
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* ==== text normalisation ================================================ */

size_t parse_trim_front(const char *s, size_t n) {
    size_t i = 0;
    for (;;) {
        if (i < n && parse_is_ws((unsigned char)s[i])) i++;
        else if (n - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0) i += 3;   /* U+3000 */
        else return i;
    }
}

static size_t trim_back(const char *s, size_t from, size_t n) {
    for (;;) {
        if (n > from && parse_is_ws((unsigned char)s[n - 1])) n--;
        else if (n - from >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0) n -= 3;
        else return n;
    }
}

/* docs/format.md D14: trim; a whitespace run with a line break disappears
 * (Chinese wrapped in the editor) unless it sits between two ASCII
 * characters, where it becomes one space; other runs become one space. */
void parse_norm_text(buf *b, const char *s, size_t n) {
    size_t i = parse_trim_front(s, n), end = trim_back(s, i, n);
    while (i < end) {
        if (!parse_is_ws((unsigned char)s[i])) {          /* copy a whole span at once */
            size_t j = i + 1;
            while (j < end && !parse_is_ws((unsigned char)s[j])) j++;
            buf_add(b, s + i, j - i);
            i = j;
            continue;
        }
        int nl = 0;
        size_t j = i;
        for (; j < end && parse_is_ws((unsigned char)s[j]); j++)
            if (s[j] == '\n' || s[j] == '\r') nl = 1;
        /* the <stats/> mark stands for Chinese text: it is not ASCII */
        unsigned char pc = b->len > 0 ? (unsigned char)b->data[b->len - 1] : 0, nc = (unsigned char)s[j];
        int prev_ascii = b->len > 0 && pc < 0x80 && pc != (unsigned char)MODEL_STATS_MARK_CHAR;
        int next_ascii = nc < 0x80 && nc != (unsigned char)MODEL_STATS_MARK_CHAR;
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

/* Normalised text of an element into b. */
void parse_elem_text(xmlNodePtr n, buf *b) {
    buf raw;
    buf_init(&raw);
    raw_text(&raw, n);
    buf_reset(b);
    parse_norm_text(b, raw.data ? raw.data : "", raw.len);
    buf_free(&raw);
    if (!b->data) buf_add(b, "", 0);
}

/* Normalised mixed content of an element into b (parse_int.h). */
void parse_mixed_text(xmlNodePtr n, buf *b) {
    buf raw;
    buf_init(&raw);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            buf_puts(&raw, (const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE && strcmp(parse_nm(c), "stats") == 0)
            buf_puts(&raw, MODEL_STATS_MARK);
    }
    buf_reset(b);
    parse_norm_text(b, raw.data ? raw.data : "", raw.len);
    buf_free(&raw);
    if (!b->data) buf_add(b, "", 0);
}

int parse_attr_text(xmlAttrPtr a, buf *b) {
    buf_reset(b);
    xmlChar *v = a->children ? xmlNodeListGetString(a->doc, a->children, 1) : NULL;
    if (a->children && !v) return -1;
    const char *s = v ? (const char *)v : "";
    parse_norm_text(b, s, strlen(s));
    if (v) xmlFree(v);
    if (!b->data) buf_add(b, "", 0);
    return 0;
}

/* For quoting user text in messages: at most ~40 characters. */
const char *parse_clip(const char *s, char *out, size_t n) {
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

/* Only reached if findings.rng rejects what parse_check_doc() accepted: the two
 * have drifted apart.  Still say something useful. */
static int report_rng_error(pstate *st, xmlDocPtr doc) {
    xmlNodePtr n = st->r_node;
    if (n && n->type != XML_ELEMENT_NODE) n = n->parent;
    if (!n || n->type != XML_ELEMENT_NODE) n = xmlDocGetRootElement(doc);
    int line = 1, col = 1;
    if (n) parse_elem_pos(st, n, &line, &col);
    const char *en = n ? parse_nm(n) : "?";
    switch (st->r_code) {
    case XML_RELAXNG_ERR_ELEMWRONG:
        return parse_fail_at(st, line, col, "unexpected element <%s> here", en);
    case XML_RELAXNG_ERR_NOELEM:
        return parse_fail_at(st, line, col, "<%s> is missing a required element", en);
    case XML_RELAXNG_ERR_INVALIDATTR:
        if (n) parse_attr_pos(st, n, st->r_s1, &line, &col);
        return parse_fail_at(st, line, col, "attribute %s= on <%s> is not allowed here or its value is wrong",
                       st->r_s1, en);
    case XML_RELAXNG_ERR_ATTRVALID:
        return parse_fail_at(st, line, col, "an attribute of <%s> is missing or wrong", en);
    case XML_RELAXNG_ERR_DATATYPE:
    case XML_RELAXNG_ERR_VALUE:
    case XML_RELAXNG_ERR_CONTENTVALID:
        return parse_fail_at(st, line, col, "the content of <%s> is not valid here", en);
    case XML_RELAXNG_ERR_DATAELEM:
        return parse_fail_at(st, line, col, "<%s> holds plain text only; remove the elements inside", en);
    case XML_RELAXNG_ERR_TEXTWRONG:
    case XML_RELAXNG_ERR_EXTRACONTENT:
    case XML_RELAXNG_ERR_ELEMNOTEMPTY:
        return parse_fail_at(st, line, col, "unexpected content in <%s>", en);
    default:
        return parse_fail_at(st, line, col, "does not match the findings format (schema: %s)",
                       st->r_msg[0] ? st->r_msg : "invalid");
    }
}

static int validate_rng(pstate *st, xmlDocPtr doc) {
    xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(schema);
    if (!v) return parse_oom(st);
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

/* Decode, parse, check and validate; returns the tree or NULL (e filled).
 * *owned receives a converted copy of the text, freed by the caller.
 * use_rng = 0 skips step 4, for parse_generated() only. */
static xmlDocPtr load(pstate *st, const char *data, size_t len, const char *want, int use_rng, char **owned) {
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
    parse_index_build(st);
    if (parse_check_chars(st) < 0) return NULL;
    xmlDocPtr doc = parse_xml(st);
    if (!doc) return NULL;
    size_t count = 0;
    parse_index_nodes(doc->children, &count);
    st->tags_ok = count == st->n_tags;
    if (parse_check_doc(st, doc, want) < 0 || (use_rng && validate_rng(st, doc) < 0)) {
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
    int oom;        /* libxml2 could not give an attribute's text */
} filler;

static const char *keep_buf(filler *f) { return arena_strndup(f->a, f->tmp.data ? f->tmp.data : "", f->tmp.len); }

/* Attribute value, normalised; NULL when absent. */
static const char *A(filler *f, xmlNodePtr n, const char *name) {
    xmlAttrPtr a = parse_find_attr(n, name);
    if (!a) return NULL;
    if (parse_attr_text(a, &f->tmp) < 0) { f->oom = 1; return NULL; }
    return keep_buf(f);
}

/* Element text, normalised; NULL when empty (optional text). */
static const char *T(filler *f, xmlNodePtr n) {
    parse_elem_text(n, &f->tmp);
    if (!f->tmp.data[0]) return NULL;
    return keep_buf(f);
}

static int is(xmlNodePtr n, const char *name) {
    return n->type == XML_ELEMENT_NODE && strcmp(parse_nm(n), name) == 0;
}

static size_t count_named(xmlNodePtr n, const char *name) {
    size_t k = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) k += is(c, name);
    return k;
}

static void *alloc_n(filler *f, size_t n, size_t sz) {
    if (n == 0) return NULL;
    return arena_alloc(f->a, n * sz);
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
        parse_elem_pos(f->st, c, &cat->line, &col);
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
            parse_elem_pos(f->st, i, &m->line, &m->col);
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

/* Mixed text (lead, point, p): the text with its marks, and each <stats/>
 * appended to b->stats in document order. */
static const char *M(filler *f, xmlNodePtr n, model_bulletin *b, size_t *cap) {
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!is(c, "stats")) continue;
        arena_grow(f->a, (void **)&b->stats, cap, b->n_stats, sizeof *b->stats);
        model_stats_ref *r = &b->stats[b->n_stats++];
        r->series = A(f, c, "series");
        r->part = A(f, c, "part");
        parse_elem_pos(f->st, c, &r->line, &r->col);
    }
    parse_mixed_text(n, &f->tmp);
    if (!f->tmp.data[0]) return NULL;
    return keep_buf(f);
}

static void fill_items(filler *f, xmlNodePtr n, model_bulletin *b) {
    size_t cap_stats = 0;
    b->has_items = 1;
    b->items = alloc_n(f, count_named(n, "item") + count_named(n, "column"), sizeof *b->items);
    for (xmlNodePtr c = n->children; c && b->items; c = c->next) {
        if (!is(c, "item") && !is(c, "column")) continue;
        model_item *it = &b->items[b->n_items++];
        parse_elem_pos(f->st, c, &it->line, &it->col);
        if (is(c, "column")) {
            it->column = T(f, c);
            continue;
        }
        it->style = A(f, c, "style");
        it->points_mode = A(f, c, "points");
        it->source = A(f, c, "source");
        it->district = A(f, c, "district");
        it->reporter = A(f, c, "reporter");
        it->author = A(f, c, "author");
        it->byline = A(f, c, "byline");
        it->first_stats = b->n_stats;
        it->points = alloc_n(f, count_named(c, "point"), sizeof *it->points);
        it->paras = alloc_n(f, count_named(c, "p"), sizeof *it->paras);
        for (xmlNodePtr k = c->children; k; k = k->next) {
            if (is(k, "headline")) it->headline = T(f, k);
            else if (is(k, "lead")) it->lead = M(f, k, b, &cap_stats);
            else if (is(k, "point") && it->points) {
                model_point *pt = &it->points[it->n_points++];
                pt->title = A(f, k, "title");
                pt->text = M(f, k, b, &cap_stats);
            } else if (is(k, "p") && it->paras) {
                it->paras[it->n_paras++] = M(f, k, b, &cap_stats);
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
    model_bulletin *b = arena_alloc(a, sizeof *b);
    b->arena = a;
    filler f = {st, a, {0}, 0};   /* {0}: an empty buf, as buf_init makes it */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    b->source = arena_strdup(a, st->name);
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
                else if (is(h, "note")) b->note = T(&f, h);
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
        } else if (is(c, "items")) {
            fill_items(&f, c, b);
        } else if (is(c, "distribution")) {
            b->has_distribution = 1;
            for (xmlNodePtr d = c->children; d; d = d->next) {
                if (is(d, "send")) b->dist_send = T(&f, d);
                else if (is(d, "deliver")) b->dist_deliver = T(&f, d);
                else if (is(d, "cc")) b->dist_cc = T(&f, d);
                else if (is(d, "issued-by")) b->dist_issued_by = T(&f, d);
                else if (is(d, "editors")) b->dist_editors = T(&f, d);
                else if (is(d, "copies")) b->dist_copies = T(&f, d);
            }
        }
    }
    buf_free(&f.tmp);
    if (f.oom) { arena_free(a); parse_oom(st); return NULL; }
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
    parse_rect_doc *d = arena_alloc(a, sizeof *d);
    d->arena = a;
    filler f = {st, a, {0}, 0};   /* {0}: an empty buf, as buf_init makes it */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    d->source = arena_strdup(a, st->name);
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
        parse_elem_pos(st, c, &it->line, &it->col);
    }
    buf_free(&f.tmp);
    if (f.oom) { arena_free(a); parse_oom(st); return NULL; }
    /* One update per finding and file: two would contradict or repeat. */
    if (d->n_items > 1) {
        id_ref *r = xmalloc(d->n_items * sizeof *r);
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
            parse_fail_at(st, w->line, w->col, "finding %s is listed twice (first on line %d); give one "
                    "update per finding", w->finding, p->line);
            arena_free(a);
            return NULL;
        }
    }
    /* A report is of something that happened: not dated after today (the
     * history refuses it too; here validate says so, at its place). */
    char today[11];
    date_today(today);
    for (size_t i = 0; i < d->n_items; i++) {
        const parse_rect_item *it = &d->items[i];
        if (!it->date || strncmp(it->date, today, 10) <= 0) continue;
        parse_fail_at(st, it->line, it->col, "the date %s of finding %s is in the future (today is %s): a report "
                      "is recorded once it has happened; check the date", it->date, it->finding, today);
        arena_free(a);
        return NULL;
    }
    return d;
}

/* ==== public API ======================================================== */

static model_bulletin *parse_bulletin(const char *data, size_t len, const char *name, int use_rng, err *e) {
    pstate st = {0};
    st.name = name ? name : "(input)";
    st.e = e;
    char *owned;
    xmlDocPtr doc = load(&st, data, len, "bulletin", use_rng, &owned);
    model_bulletin *b = doc ? fill_bulletin(&st, doc) : NULL;
    xmlFreeDoc(doc);
    free(owned);
    parse_index_free(&st);
    return b;
}

model_bulletin *parse_memory(const char *data, size_t len, const char *name, err *e) {
    return parse_bulletin(data, len, name, 1, e);
}

model_bulletin *parse_generated(const char *data, size_t len, const char *name, err *e) {
    return parse_bulletin(data, len, name, 0, e);
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
    xmlDocPtr doc = load(&st, data, len, "rectifications", 1, &owned);
    parse_rect_doc *d = doc ? fill_rect(&st, doc) : NULL;
    xmlFreeDoc(doc);
    free(owned);
    parse_index_free(&st);
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
