/* util.c — arenas, buffers, errors, UTF-8, and the output-file policy
 * (util.h): checking output paths, O_EXCL temporaries, atomic writes,
 * sweeping what killed processes left, names made from user data. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
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
    if (n > SIZE_MAX / 2) return NULL;   /* no such memory; and the rounding below would wrap */
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
    /* Past count too when the caller's cap is behind it (a list that a
     * second element of the same kind continues with a fresh cap): the
     * copy below must fit (the template fuzzer found that one). */
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc <= count) nc *= 2;
    if (sz && nc > SIZE_MAX / sz) return -1;
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

void err_append(err *e, const char *text) {
    size_t have = strlen(e->msg), n = strlen(text);
    if (have + n >= sizeof e->msg) {
        n = sizeof e->msg - 1 - have;
        while (n && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
    }
    memcpy(e->msg + have, text, n);
    e->msg[have + n] = 0;
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

static int fold_space(uint32_t c) {
    return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
           c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

void utf8_fold_into(buf *b, const char *s) {
    if (!s) return;
    size_t len = strlen(s), i = 0, adv;
    while (i < len) {
        uint32_t c = utf8_decode(s + i, len - i, &adv);
        i += adv;
        if (fold_space(c)) continue;
        if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
        char tmp[4];
        buf_add(b, tmp, utf8_encode(c, tmp));
    }
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

/* ---- output files (util.h: the policy) -------------------------------- */

/* The directory part of path ("." when there is none), malloc'd. */
static char *dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = 0;
    }
    return d;
}

static const char *base_of(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *kind_of(mode_t m) {
    return S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO (named pipe)"
         : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

int file_out_check(const char *path, int flags, const char *const *inputs, err *e) {
    if (!path || !*path) return err_set(e, TB_EUSAGE, "", 0, 0, "no output file given");
    if (!strcmp(path, "-")) {
        if (!(flags & FILE_OUT_STDOUT))
            return err_set(e, TB_EUSAGE, "-", 0, 0, "this command cannot write to standard output (-o -); "
                           "give a file name, e.g. -o out.pdf");
        if (isatty(STDOUT_FILENO))
            return err_set(e, TB_EUSAGE, "-", 0, 0, "standard output is a terminal, where a PDF is unreadable; "
                           "redirect it (-o - > out.pdf, or into a pipe) or give -o out.pdf");
        return 1;
    }
    size_t l = strlen(path);
    if (path[l - 1] == '/')
        return err_set(e, TB_EOUTPUT, path, 0, 0, "this names a directory; give a file name inside it, "
                       "e.g. %sout.pdf", path);
    struct stat ls, os, is;
    int have_l = lstat(path, &ls) == 0, have_o = stat(path, &os) == 0;
    if (have_l && S_ISDIR(ls.st_mode))
        return err_set(e, TB_EOUTPUT, path, 0, 0, "this is a directory; give a file name inside it, e.g. "
                       "%s/out.pdf", path);
    if (have_l && !S_ISREG(ls.st_mode) && !S_ISLNK(ls.st_mode))
        return err_set(e, TB_EOUTPUT, path, 0, 0, "this is %s, not a regular file: tongbao writes only "
                       "regular files (it would replace it); give a file name%s", kind_of(ls.st_mode),
                       flags & FILE_OUT_STDOUT ? ", or -o - to write to standard output" : "");
    for (size_t i = 0; inputs && inputs[i]; i++) {
        if (stat(inputs[i], &is) != 0) continue;
        if ((have_o && os.st_dev == is.st_dev && os.st_ino == is.st_ino) ||
            (have_l && ls.st_dev == is.st_dev && ls.st_ino == is.st_ino))
            return err_set(e, TB_EOUTPUT, path, 0, 0, "this is the same file as the input %s: writing it "
                           "would destroy the input; give another output name", inputs[i]);
    }
    char *dir = dir_of(path);
    if (!dir) return err_set(e, TB_EINTERNAL, path, 0, 0, "out of memory");
    struct stat ds;
    int rc = 0;
    if (stat(dir, &ds) != 0)
        rc = err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: the directory %s %s; create it first", dir,
                     errno == ENOENT ? "does not exist" : strerror(errno));
    else if (!S_ISDIR(ds.st_mode))
        rc = err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: %s is not a directory", dir);
    else if (access(dir, W_OK | X_OK) != 0)
        rc = err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: no permission to create files in %s (%s)", dir,
                     strerror(errno));
    free(dir);
    return rc;
}

/* The name part of a temporary: at most this many bytes of the output's
 * base name, cut at a code point, so ".NAME.PID.RANDOM.tmp" fits NAME_MAX. */
#define TMP_BASE_MAX 180

static size_t tmp_base_len(const char *base) {
    size_t n = strlen(base);
    if (n <= TMP_BASE_MAX) return n;
    n = TMP_BASE_MAX;
    while (n && ((unsigned char)base[n] & 0xC0) == 0x80) n--;
    return n;
}

/* 1 when name is a temporary (ours or an older tongbao's) of a process
 * that is gone; if base is given, only one of that file's. */
int file_is_stale_temp(const char *name, const char *base) {
    size_t n = strlen(name);
    long pid = 0;
    const char *owner;          /* where the output's base name starts */
    size_t owner_len;
    if (name[0] == '.' && n > 5 && !strcmp(name + n - 4, ".tmp")) {
        /* .NAME.PID.RANDOM.tmp */
        const char *end = name + n - 4, *r = end;
        while (r > name && r[-1] != '.') r--;
        if (r - 1 <= name || end - r != 8 || strspn(r, "0123456789abcdef") != 8) return 0;
        const char *p = r - 1;
        while (p > name && p[-1] != '.') p--;
        if (p - 1 <= name || strspn(p, "0123456789") != (size_t)(r - 1 - p) || r - 1 == p) return 0;
        pid = strtol(p, NULL, 10);
        owner = name + 1;
        owner_len = (size_t)(p - 1 - owner);
        if (base && (owner_len != tmp_base_len(base) || memcmp(owner, base, owner_len))) return 0;
    } else {
        /* NAME.tmp.PID or NAME.part.PID (tongbao before 0.3) */
        const char *d = strrchr(name, '.');
        if (!d || !d[1] || strspn(d + 1, "0123456789") != strlen(d + 1)) return 0;
        size_t k = (size_t)(d - name);
        if (k > 4 && !memcmp(d - 4, ".tmp", 4)) owner_len = k - 4;
        else if (k > 5 && !memcmp(d - 5, ".part", 5)) owner_len = k - 5;
        else return 0;
        pid = strtol(d + 1, NULL, 10);
        owner = name;
        if (base && (owner_len != strlen(base) || memcmp(owner, base, owner_len))) return 0;
    }
    if (pid <= 0 || pid == (long)getpid()) return 0;
    return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

void file_sweep_temps(const char *dir, const char *base) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!file_is_stale_temp(de->d_name, base)) continue;
        size_t l = strlen(dir) + strlen(de->d_name) + 2;
        char *p = malloc(l);
        if (!p) break;
        snprintf(p, l, "%s/%s", dir, de->d_name);
        unlink(p);      /* best effort: a later run tries again */
        free(p);
    }
    closedir(d);
}

/* 32 unpredictable bits for a temporary's name. */
static unsigned rand32(void) {
    unsigned v = 0;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        v ^= (unsigned)ts.tv_nsec * 2654435761u ^ (unsigned)(uintptr_t)&ts;
    }
    return v;
}

static int write_failed(const char *path, int en, size_t len, err *e) {
    if (en == EFBIG) {
        struct rlimit rl;
        char lim[64] = "smaller than the file";
        if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
            snprintf(lim, sizeof lim, "%llu bytes", (unsigned long long)rl.rlim_cur);
        return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: the file-size limit of this process "
                       "(ulimit -f) is %s and the output is %zu bytes; raise the limit and run again; "
                       "nothing was replaced", lim, len);
    }
    return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: %s%s", strerror(en),
                   en == ENOSPC ? "; free some disk space and run again" : "");
}

int file_open_temp(const char *path, char **tmp_out, err *e) {
    *tmp_out = NULL;
    char *dir = dir_of(path);
    const char *base = base_of(path);
    size_t bl = tmp_base_len(base), cap = (dir ? strlen(dir) : 0) + bl + 48;
    char *tmp = dir ? malloc(cap) : NULL;
    if (!tmp) {
        free(dir);
        return err_set(e, TB_EINTERNAL, path, 0, 0, "out of memory");
    }
    file_sweep_temps(dir, base);
    int fd = -1, en = 0;
    for (int tries = 0; tries < 100 && fd < 0; tries++) {
        snprintf(tmp, cap, "%s/.%.*s.%ld.%08x.tmp", dir, (int)bl, base, (long)getpid(), rand32());
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        en = errno;
        if (fd < 0 && en != EEXIST) break;      /* EEXIST: someone's file there, take another name */
    }
    free(dir);
    if (fd < 0) {
        free(tmp);
        return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot write: %s; check the directory exists and is writable",
                       strerror(en));
    }
    *tmp_out = tmp;
    return fd;
}

int file_write_temp(const char *path, const void *data, size_t len, int sync, char **tmp_out, err *e) {
    char *tmp;
    int fd = file_open_temp(path, &tmp, e), en;
    *tmp_out = NULL;
    if (fd < 0) return -1;
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            en = errno;
            close(fd);   /* the write already failed; that is the error to report */
            unlink(tmp);
            free(tmp);
            return write_failed(path, en, len, e);
        }
        p += w;
        left -= (size_t)w;
    }
    if ((sync && fsync(fd) < 0) || close(fd) < 0) {
        en = errno;
        unlink(tmp);
        free(tmp);
        return write_failed(path, en, len, e);
    }
    *tmp_out = tmp;
    return 0;
}

int file_commit_temp(const char *tmp, const char *path, int sync, err *e) {
    struct stat ls;
    if (lstat(path, &ls) == 0 && !S_ISREG(ls.st_mode) && !S_ISLNK(ls.st_mode)) {
        unlink(tmp);
        return err_set(e, TB_EOUTPUT, path, 0, 0, "this became %s while tongbao was writing: refused, "
                       "tongbao replaces only regular files", S_ISDIR(ls.st_mode) ? "a directory" : kind_of(ls.st_mode));
    }
    if (rename(tmp, path) < 0) {
        int en = errno;
        unlink(tmp);
        return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot rename into place: %s", strerror(en));
    }
    if (sync) {
        /* The rename is durable once the directory is: a crash after this
         * cannot bring the old file back. */
        char *dir = dir_of(path);
        int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        free(dir);
        if (dfd >= 0) {
            int bad = fsync(dfd) < 0 && errno != EINVAL && errno != EROFS;
            int en = errno;
            close(dfd);   /* read-only descriptor: nothing to lose */
            if (bad) return err_set(e, TB_EOUTPUT, path, 0, 0, "cannot flush the directory: %s", strerror(en));
        }
    }
    return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len, err *e) {
    char *tmp;
    if (file_write_temp(path, data, len, 1, &tmp, e) < 0) return -1;
    int rc = file_commit_temp(tmp, path, 1, e);
    free(tmp);
    return rc;
}

int file_write_out(const char *path, const void *data, size_t len, err *e) {
    if (strcmp(path, "-")) return file_write_atomic(path, data, len, e);
    if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0)
        return write_failed("(standard output)", errno, len, e);
    return 0;
}

int file_name_escape(const char *name, const char *what, char *out, size_t n, err *e) {
    if (!name || !*name) return err_set(e, TB_EINPUT, "", 0, 0, "the %s is empty and cannot name a file", what);
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return err_set(e, TB_EINPUT, "", 0, 0, "%s \"%s\" cannot be a file name; rename it", what, name);
    size_t len = strlen(name), o = 0, i = 0, adv;
    while (i < len) {
        uint32_t cp = utf8_decode(name + i, len - i, &adv);
        if (cp == 0xFFFD && adv == 1)
            return err_set(e, TB_EINPUT, "", 0, 0, "%s \"%s\" is not valid UTF-8 and cannot name a file", what, name);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
            return err_set(e, TB_EINPUT, "", 0, 0, "%s \"%s\" holds the control character U+%04X, which cannot "
                           "be part of a file name; remove it", what, name, (unsigned)cp);
        char esc[4];
        const char *put = name + i;
        size_t k = adv;
        if (cp == '/' || cp == '\\' || cp == '%' || (cp == '.' && i == 0)) {
            snprintf(esc, sizeof esc, "%%%02X", (unsigned)cp);
            put = esc;
            k = 3;
        }
        if (o + k > FILE_NAME_MAX || o + k >= n) {
            size_t cut = 60;                        /* quote the start, whole characters */
            while (cut && ((unsigned char)name[cut] & 0xC0) == 0x80) cut--;
            return err_set(e, TB_EINPUT, "", 0, 0, "%s \"%.*s…\" is too long for a file name (over %d bytes "
                           "once written as one); shorten it", what, (int)cut, name, FILE_NAME_MAX);
        }
        memcpy(out + o, put, k);
        o += k;
        i += adv;
    }
    out[o] = 0;
    return 0;
}
