/* util.c — arenas, buffers, errors, UTF-8 and atomic file writes. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- arena ---------------------------------------------------------- */
/* A chain of chunks; allocations never move, so pointers stay valid for the
 * arena's life.  Large requests get a chunk of their own. */
typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[];
} chunk;

struct arena {
    chunk *head;
    size_t total;
};

#define ARENA_CHUNK (64 * 1024)

arena *arena_new(void) { return calloc(1, sizeof(arena)); }

void arena_free(arena *a) {
    if (!a) return;
    for (chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    free(a);
}

void *arena_alloc(arena *a, size_t n) {
    const size_t al = sizeof(max_align_t);
    n = (n + al - 1) / al * al;
    if (n == 0) n = al;
    chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t sz = n > ARENA_CHUNK / 2 ? n : ARENA_CHUNK;
        chunk *nc = malloc(sizeof(chunk) + sz);
        if (!nc) return NULL;
        nc->used = 0;
        nc->size = sz;
        if (c && n > ARENA_CHUNK / 2) {
            /* keep filling the current chunk: put the big one behind it */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
        a->total += sz;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
    if (!s) return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(arena *a, const char *s) {
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

int arena_grow(arena *a, void **items, size_t *cap, size_t count, size_t sz) {
    if (count < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = arena_alloc(a, nc * sz);
    if (!p) return -1;
    if (*items && count) memcpy(p, *items, count * sz);
    *items = p;
    *cap = nc;
    return 0;
}

size_t arena_bytes(const arena *a) { return a ? a->total : 0; }

/* ---- buffer ------------------------------------------------------------- */
void buf_init(buf *b) { memset(b, 0, sizeof *b); }
void buf_free(buf *b) { free(b->data); buf_init(b); }
void buf_reset(buf *b) { b->len = 0; if (b->data) b->data[0] = 0; }

static int buf_reserve(buf *b, size_t extra) {
    if (b->oom) return -1;
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + extra + 1) nc *= 2;
    char *p = realloc(b->data, nc);
    if (!p) { b->oom = 1; return -1; }
    b->data = p;
    b->cap = nc;
    return 0;
}

void buf_add(buf *b, const void *p, size_t n) {
    if (buf_reserve(b, n) < 0) return;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_puts(buf *b, const char *s) { if (s) buf_add(b, s, strlen(s)); }

void buf_printf(buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) < 0) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *buf_cstr(buf *b) {
    if (b->oom) return NULL;
    if (!b->data) return "";
    return b->data;
}

uint32_t buf_last_cp(const buf *b) {
    if (!b->len) return 0;
    size_t i = b->len;
    while (i > 0 && ((unsigned char)b->data[i - 1] & 0xC0) == 0x80) i--;
    if (i == 0) return 0;
    size_t adv;
    return utf8_decode(b->data + i - 1, b->len - (i - 1), &adv);
}

/* ---- errors --------------------------------------------------------- */
int err_set(err *e, int code, const char *file, int line, int col, const char *fmt, ...) {
    if (!e || e->code) return -1;
    e->code = code ? code : TB_EINTERNAL;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->line = line;
    e->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void err_format(const err *e, char *out, size_t n) {
    if (e->file[0] && e->line > 0 && e->col > 0)
        snprintf(out, n, "%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
    else if (e->file[0] && e->line > 0)
        snprintf(out, n, "%s:%d: %s", e->file, e->line, e->msg);
    else if (e->file[0])
        snprintf(out, n, "%s: %s", e->file, e->msg);
    else
        snprintf(out, n, "%s", e->msg);
}

/* ---- UTF-8 ---------------------------------------------------------- */
uint32_t utf8_decode(const char *s, size_t len, size_t *adv) {
    const unsigned char *u = (const unsigned char *)s;
    *adv = 1;
    if (len == 0) return 0;
    unsigned c = u[0];
    if (c < 0x80) return c;
    int n;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
    else return 0xFFFD;
    if ((size_t)n >= len) return 0xFFFD;
    for (int i = 1; i <= n; i++) {
        if ((u[i] & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
    *adv = (size_t)n + 1;
    return cp;
}

size_t utf8_encode(uint32_t cp, char out[4]) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_count(const char *s) {
    size_t n = 0;
    for (; s && *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

uint32_t utf8_last(const char *s) {
    if (!s || !*s) return 0;
    size_t len = strlen(s), i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
    if (i == 0) return 0xFFFD;
    size_t adv;
    return utf8_decode(s + i - 1, len - (i - 1), &adv);
}

int utf8_valid(const char *s, size_t len) {
    size_t i = 0, adv;
    while (i < len) {
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        if (cp == 0xFFFD && !(len - i >= 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)) return 0;
        i += adv;
    }
    return 1;
}

static int wide_cp(uint32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD) ||
           cp == 0x2014 || cp == 0x2026;
}

size_t utf8_width(const char *s) {
    size_t w = 0, len = s ? strlen(s) : 0, i = 0, adv;
    while (i < len) {
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        w += wide_cp(cp) ? 2 : 1;
        i += adv;
    }
    return w;
}

/* ---- misc ------------------------------------------------------------ */
int str_empty(const char *s) {
    if (!s) return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return 0;
    return 1;
}

int str_eq(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

char *file_read(const char *path, size_t max, size_t *len, err *e) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, TB_EINPUT, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    buf b;
    buf_init(&b);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b.len + n > max) {
            fclose(f);
            buf_free(&b);
            err_set(e, TB_EINPUT, path, 0, 0,
                    "file is larger than the %zu MiB limit; split the findings into several bulletins",
                    max >> 20);
            return NULL;
        }
        buf_add(&b, tmp, n);
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr || b.oom) {
        buf_free(&b);
        err_set(e, rerr ? TB_EINPUT : TB_EINTERNAL, path, 0, 0, rerr ? "read error" : "out of memory");
        return NULL;
    }
    if (!b.data) buf_add(&b, "", 0);
    if (len) *len = b.len;
    return b.data;
}

int file_write_temp(const char *path, const void *data, size_t len, int sync, char **tmp_out, err *e) {
    *tmp_out = NULL;
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 32);
    if (!tmp) return err_set(e, TB_EINTERNAL, path, 0, 0, "out of memory");
    snprintf(tmp, pl + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int en = errno;
        free(tmp);
        return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: %s; check the directory exists and is writable", strerror(en));
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            int en = errno;
            close(fd);   /* the write already failed; that is the error to report */
            unlink(tmp);
            free(tmp);
            return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: %s%s", strerror(en),
                           en == ENOSPC ? "; free some disk space and run again" : "");
        }
        p += w;
        left -= (size_t)w;
    }
    if ((sync && fsync(fd) < 0) || close(fd) < 0) {
        int en = errno;
        unlink(tmp);
        free(tmp);
        return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: %s", strerror(en));
    }
    *tmp_out = tmp;
    return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len, err *e) {
    char *tmp;
    if (file_write_temp(path, data, len, 1, &tmp, e) < 0) return -1;
    if (rename(tmp, path) < 0) {
        int en = errno;
        unlink(tmp);
        free(tmp);
        return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot rename into place: %s", strerror(en));
    }
    free(tmp);
    return 0;
}
