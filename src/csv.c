/* csv.c — CSV tables → grids (see csv.h). */
#include "csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "safecell.h"

/* Convert to UTF-8 with iconv; on a bad byte, name the line it is on. */
static char *to_utf8(const char *data, size_t len, const char *from, const char *name, size_t *out_len, err *e) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        err_set(e, TB_EUSAGE, name, 0, 0, "unknown encoding \"%s\"; try gb18030, gbk, utf-8 or utf-16", from);
        return NULL;
    }
    size_t cap = len * 2 + 16;
    char *out = xmalloc(cap);
    char *ip = (char *)data, *op = out;
    size_t il = len, ol = cap - 1;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) break;
        if (errno == E2BIG) {   /* UTF-16 input can triple; grow */
            size_t used = (size_t)(op - out);
            cap *= 2;
            char *p = xrealloc(out, cap);
            out = p;
            op = out + used;
            ol = cap - 1 - used;
            continue;
        }
        int line = 1;
        for (const char *p = data; p < ip; p++) line += *p == '\n';
        iconv_close(cd);
        free(out);
        err_set(e, TB_EINPUT, name, line, 0,
                "bytes that are not %s (at byte %zu); save the file as CSV UTF-8, or name its encoding with --encoding",
                from, (size_t)(ip - data));
        return NULL;
    }
    iconv_close(cd);
    *op = 0;
    *out_len = (size_t)(op - out);
    return out;
}

/* The delimiter the first line uses most, outside quotes: , ; or tab. */
static char sniff_delim(const char *s, size_t len) {
    size_t n[3] = {0, 0, 0};
    int q = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '"') q = !q;
        else if (!q && (c == '\n' || c == '\r')) break;
        else if (!q && c == ',') n[0]++;
        else if (!q && c == ';') n[1]++;
        else if (!q && c == '\t') n[2]++;
    }
    if (n[2] > n[0] && n[2] >= n[1]) return '\t';
    if (n[1] > n[0]) return ';';
    return ',';
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int put(grid *g, uint32_t row, uint32_t col, buf *cell, const char *name, err *e) {
    const char *t = cell->data ? cell->data : "";
    size_t n = cell->len;
    size_t skip = safecell_unquote(t, n);
    /* an empty cell is no cell: blank rows and trailing commas vanish */
    size_t k = 0;
    while (k < n && (t[k] == ' ' || t[k] == '\t')) k++;
    if (k == n) return 0;
    return grid_set(g, row, col, GRID_TEXT, 0, t + skip, n - skip, name, e);
}

grid *csv_read_memory(const char *data, size_t len, const char *name, const char *encoding, err *e) {
    char *conv = NULL;
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        data += 3;
        len -= 3;
        if (encoding && strcasecmp(encoding, "utf-8") && strcasecmp(encoding, "utf8")) encoding = NULL;
    } else if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        encoding = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        data += 2;
        len -= 2;
    }
    if (encoding && (!strcasecmp(encoding, "utf-8") || !strcasecmp(encoding, "utf8"))) {
        if (!utf8_valid(data, len)) {
            int line = 1;
            size_t i = 0, adv;
            while (i < len) {
                if (utf8_decode(data + i, len - i, &adv) == 0xFFFD && !(adv == 3 && !memcmp(data + i, "\xEF\xBF\xBD", 3))) break;
                line += data[i] == '\n';
                i += adv;
            }
            err_set(e, TB_EINPUT, name, line, 0,
                    "not UTF-8 text; if it was saved by Excel on a Chinese system, try --encoding gb18030");
            return NULL;
        }
        encoding = NULL;
    } else if (!encoding && !utf8_valid(data, len)) {
        encoding = "GB18030";   /* Excel's "CSV (逗号分隔)" on Chinese Windows */
    }
    if (encoding) {
        size_t l2;
        conv = to_utf8(data, len, encoding, name, &l2, e);
        if (!conv) return NULL;
        data = conv;
        len = l2;
    }
    grid *g = grid_new(base_name(name));
    char d = sniff_delim(data, len);
    buf cell;
    buf_init(&cell);
    uint32_t row = 0, col = 0;
    int line = 1, quote_line = 0;
    int rc = 0;
    size_t i = 0;
    while (i < len && rc == 0) {
        char c = data[i];
        if (quote_line) {   /* inside a quoted cell */
            if (c == '"') {
                if (i + 1 < len && data[i + 1] == '"') {
                    buf_add(&cell, "\"", 1);
                    i += 2;
                    continue;
                }
                quote_line = 0;
                i++;
                continue;
            }
            if (c == '\n') line++;
            buf_add(&cell, &c, 1);
            i++;
            continue;
        }
        if (c == '"' && cell.len == 0) {
            quote_line = line;
            i++;
        } else if (c == d) {
            rc = put(g, row, col, &cell, name, e);
            buf_reset(&cell);
            if (++col >= GRID_MAX_COLS) rc = err_set(e, TB_EINPUT, name, line, 0, "more than %u columns", GRID_MAX_COLS);
            i++;
        } else if (c == '\r' || c == '\n') {
            rc = put(g, row, col, &cell, name, e);
            buf_reset(&cell);
            col = 0;
            row++;
            if (c == '\r' && i + 1 < len && data[i + 1] == '\n') i++;
            line++;
            i++;
        } else {
            buf_add(&cell, &c, 1);
            i++;
        }
    }
    if (rc == 0 && quote_line)
        rc = err_set(e, TB_EINPUT, name, quote_line, 0,
                     "a quoted cell starts on this line and never closes (a \" is missing); check the file in a spreadsheet program");
    if (rc == 0) rc = put(g, row, col, &cell, name, e);
    buf_free(&cell);
    free(conv);
    if (rc < 0) {
        grid_free(g);
        return NULL;
    }
    return g;
}

grid *csv_read_file(const char *path, const char *encoding, err *e) {
    size_t len;
    char *data = file_read(path, CSV_MAX_FILE, &len, e);
    if (!data) return NULL;
    grid *g = csv_read_memory(data, len, path, encoding, e);
    free(data);
    return g;
}
