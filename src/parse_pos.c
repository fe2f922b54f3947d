/* parse_pos.c — where things are in the source text (parse_int.h).
 *
 * Owns: the source-position index of one file (line starts, the offset of
 * every start tag in document order, each element numbered to its tag, the
 * number of characters before every 256-byte block), and turning byte
 * offsets, elements and attributes into the line and column (in characters,
 * as editors count them) that messages name.
 *
 * Linear whatever the line breaks: building the index reads the text once,
 * and a column costs a binary search over line starts plus at most two
 * partial blocks, never a rescan of the line (a 100,000-finding file on one
 * line is as quick as one with line breaks). */
#include "parse_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Characters (not bytes) between two offsets: editors count columns so. */
static int count_chars(const char *s, size_t from, size_t to) {
    int n = 0;
    for (size_t i = from; i < to; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* Line and column of a byte offset in any text (no index needed). */
void parse_pos_in(const char *s, size_t off, int *line, int *col) {
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
    st->lines = xmalloc(n * sizeof *st->lines);
    st->lines[0] = 0;
    size_t k = 1;
    for (size_t i = 0; i < st->len; i++)
        if (st->src[i] == '\n') st->lines[k++] = i + 1;
    st->n_lines = n;
    return 0;
}

#define BLOCK_SHIFT 8                       /* 256-byte blocks */

static int build_chars(pstate *st) {
    size_t n = (st->len >> BLOCK_SHIFT) + 1, total = 0;
    st->chars = xmalloc(n * sizeof *st->chars);
    for (size_t k = 0; k < n; k++) {
        size_t b = k << BLOCK_SHIFT, e = b + ((size_t)1 << BLOCK_SHIFT);
        st->chars[k] = total;
        total += (size_t)count_chars(st->src, b, e < st->len ? e : st->len);
    }
    return 0;
}

/* Characters in st->src before byte offset off (off <= len). */
static size_t chars_before(pstate *st, size_t off) {
    size_t k = off >> BLOCK_SHIFT;
    return st->chars[k] + (size_t)count_chars(st->src, k << BLOCK_SHIFT, off);
}

void parse_pos_of(pstate *st, size_t off, int *line, int *col) {
    if (off > st->len) off = st->len;
    size_t lo = 0, hi = st->n_lines;        /* last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->lines[mid] <= off) lo = mid; else hi = mid;
    }
    *line = (int)lo + 1;
    size_t c = chars_before(st, off) - chars_before(st, st->lines[lo]) + 1;
    *col = c > INT32_MAX ? INT32_MAX : (int)c;
}

/* Offsets [*b, *e) of a 1-based line; 0 if there is no such line. */
int parse_line_span(pstate *st, int line, size_t *b, size_t *e) {
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
int parse_col_on_line(pstate *st, int line, const char *needle, int tag, int which) {
    size_t b, e, nl = strlen(needle), found = (size_t)-1;
    if (!parse_line_span(st, line, &b, &e)) return 0;
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
                size_t *p = xrealloc(st->tags, nc * sizeof *p);
                st->tags = p;
                cap = nc;
            }
            st->tags[st->n_tags++] = i;
            i++;
        }
    }
    return 0;
}

void parse_index_nodes(xmlNodePtr n, size_t *count) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        (*count)++;
        n->_private = (void *)(uintptr_t)*count;
        parse_index_nodes(n->children, count);
    }
}

void parse_elem_pos(pstate *st, xmlNodePtr n, int *line, int *col) {
    uintptr_t k = n ? (uintptr_t)n->_private : 0;
    if (st->tags_ok && k >= 1 && k <= st->n_tags) {
        parse_pos_of(st, st->tags[k - 1], line, col);
        return;
    }
    *line = n ? (int)xmlGetLineNo(n) : 0;
    if (*line < 0) *line = 0;
    char needle[200];
    snprintf(needle, sizeof needle, "<%s", n ? (const char *)n->name : "");
    *col = parse_col_on_line(st, *line, needle, 1, 0);
    if (*col == 0) *col = 1;
}

/* Where attribute `name` sits in the start tag of n (tags may span lines). */
void parse_attr_pos(pstate *st, xmlNodePtr n, const char *name, int *line, int *col) {
    uintptr_t k = (uintptr_t)n->_private;
    if (st->tags_ok && k >= 1 && k <= st->n_tags) {
        const char *s = st->src;
        size_t i = st->tags[k - 1] + 1, nl = strlen(name);
        while (i < st->len && name_char((unsigned char)s[i])) i++;    /* element name */
        for (;;) {
            while (i < st->len && parse_is_ws((unsigned char)s[i])) i++;
            if (i >= st->len || s[i] == '>' || s[i] == '/') break;
            size_t a = i;
            while (i < st->len && name_char((unsigned char)s[i])) i++;
            if (i == a) break;                                       /* not a name: give up */
            if (i - a == nl && memcmp(s + a, name, nl) == 0) {
                parse_pos_of(st, a, line, col);
                return;
            }
            while (i < st->len && parse_is_ws((unsigned char)s[i])) i++;
            if (i < st->len && s[i] == '=') i++;
            while (i < st->len && parse_is_ws((unsigned char)s[i])) i++;
            if (i < st->len && (s[i] == '"' || s[i] == '\'')) {
                char q = s[i++];
                while (i < st->len && s[i] != q) i++;
                i++;
            }
        }
    }
    parse_elem_pos(st, n, line, col);
}

/* libxml2 often reports the column just past the culprit: move back to the
 * last `ch` at or before col on that line (col unchanged if none). */
int parse_back_to(pstate *st, int line, int col, char ch) {
    size_t b, e;
    int found = 0, k = 0;
    if (!parse_line_span(st, line, &b, &e)) return col;
    for (size_t i = b; i < e; i++) {
        if ((((unsigned char)st->src[i]) & 0xC0) != 0x80) k++;
        if (k > col) break;
        if (st->src[i] == ch) found = k;
    }
    return found ? found : col;
}


void parse_index_build(pstate *st) {
    build_lines(st);
    build_chars(st);
    scan_tags(st);
}

void parse_index_free(pstate *st) {
    free(st->lines);
    free(st->chars);
    free(st->tags);
}

size_t parse_offset_of(pstate *st, int line, int col) {
    size_t b, e;
    if (!parse_line_span(st, line, &b, &e)) return 0;
    int k = 1;
    size_t i = b;
    for (; i < e && k < col; i++)
        if (i + 1 >= e || (((unsigned char)st->src[i + 1]) & 0xC0) != 0x80) k++;
    return i;
}
