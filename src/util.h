/* util.h — small shared infrastructure: arenas, growable byte buffers,
 * error records and UTF-8 helpers.  Every other module may include this;
 * it includes nothing of the project's own.
 *
 * Memory model: a bulletin, a composed document and a laid-out page set each
 * own one arena; everything hanging off them is allocated there and freed
 * at once.  That keeps error paths short: on failure a stage frees its arena
 * and returns. */
#ifndef TB_UTIL_H
#define TB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

/* ---- arena ---------------------------------------------------------- */
typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);
/* Returns zeroed memory aligned for any type, or NULL when out of memory. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);           /* NULL in -> NULL out */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grow an arena array: *items has *cap slots of size sz; ensures room for one
 * more.  Returns 0 on success, -1 when out of memory. */
int arena_grow(arena *a, void **items, size_t *cap, size_t count, size_t sz);
size_t arena_bytes(const arena *a);

/* ---- byte buffer ------------------------------------------------------- */
typedef struct {
    char *data;     /* always NUL-terminated when len > 0 or after buf_cstr */
    size_t len, cap;
    int oom;        /* sticky: set once an allocation failed */
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);
void buf_add(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *buf_cstr(buf *b);   /* "" for an empty buffer; NULL after OOM */
/* Last UTF-8 code point in the buffer, 0 if empty. */
uint32_t buf_last_cp(const buf *b);

/* ---- errors --------------------------------------------------------- */
/* Process exit codes, documented in README (cli).  Modules return -1 and fill
 * an err; cli maps err.code to the exit status. */
enum {
    TB_OK = 0,
    TB_EUSAGE = 2,     /* bad command line */
    TB_EINPUT = 3,     /* input file rejected (syntax, schema, encoding) */
    TB_EFONT = 4,      /* fonts missing or glyphs unavailable */
    TB_ETEMPLATE = 5,  /* template missing or invalid */
    TB_EOUTPUT = 6,    /* cannot write output (disk full, permissions) */
    TB_EDB = 7,        /* history database error */
    TB_ENOTFOUND = 8,  /* asked-for bulletin/finding not in the database */
    TB_EVERIFY = 9,    /* archive verification found faults */
    TB_EPARTIAL = 10,  /* nightly: some inputs rejected, others issued */
    TB_EBUSY = 11,     /* another nightly holds the lock */
    TB_EINTERNAL = 70  /* out of memory, library failure */
};

typedef struct {
    int code;          /* one of the TB_E* above, 0 = no error */
    char file[512];    /* file the error is about, may be empty */
    int line, col;     /* 1-based; 0 = unknown */
    char msg[1024];    /* what is wrong, and what to do, in the user's terms */
} err;

/* Fill e (if no error is recorded yet) and return -1. */
int err_set(err *e, int code, const char *file, int line, int col,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Add text to the end of e->msg (cut at a code point if it does not fit). */
void err_append(err *e, const char *text);
/* "file:line:col: msg" (parts omitted when unknown). */
void err_format(const err *e, char *out, size_t n);

/* ---- UTF-8 ---------------------------------------------------------- */
/* Decode one code point at s (len bytes available); stores its byte length in
 * *adv (>=1).  Invalid sequences decode as U+FFFD with adv 1. */
uint32_t utf8_decode(const char *s, size_t len, size_t *adv);
size_t utf8_encode(uint32_t cp, char out[4]);
size_t utf8_count(const char *s);      /* code points */
uint32_t utf8_last(const char *s);     /* last code point, 0 for "" */
int utf8_valid(const char *s, size_t len);
/* Terminal columns: East Asian wide and full-width characters count 2. */
size_t utf8_width(const char *s);
/* Append s folded for comparison: full-width ASCII (U+FF01..FF5E) as ASCII,
 * white space (ASCII, no-break, ideographic, zero-width) dropped.  Places
 * (store) and scope counts (compose) are told apart this way. */
void utf8_fold_into(buf *b, const char *s);

/* ---- misc ------------------------------------------------------------ */
int str_empty(const char *s);          /* NULL or only whitespace */
int str_eq(const char *a, const char *b); /* NULL-safe */
/* Read a whole file; returns malloc'd buffer (NUL-terminated) or NULL + err. */
char *file_read(const char *path, size_t max, size_t *len, err *e);

/* ---- output files: the one policy for every command that writes ----------
 *
 * Every file tongbao writes for the user goes through these functions:
 * render, issue, regen, archive export, the nightly's outputs and .err
 * files, and any writer added later (ledgers, DOCX, OFD …): call
 * file_out_check() on the output path before doing any work, then
 * file_write_out() (or file_write_atomic(), or file_write_temp() +
 * file_commit_temp() when something must happen between the two).  What
 * that guarantees, and what the README's "Security" section promises:
 *
 *  - An output is a new name, an existing regular file, or a symbolic link
 *    (which is replaced, never written through).  Directories, devices,
 *    FIFOs and sockets are refused: `-o /dev/null` does not replace the
 *    device node with a file.
 *  - An output is never one of the command's inputs (same device and inode,
 *    also through a link): `render in.xml -o in.xml`, or an export onto the
 *    database, is refused before anything is read.
 *  - "-" means standard output where the command allows it
 *    (FILE_OUT_STDOUT), is refused elsewhere, and is refused when standard
 *    output is a terminal.
 *  - The data goes to a temporary created with O_CREAT|O_EXCL|O_NOFOLLOW
 *    (a planted symlink or file at that name makes the create fail, it is
 *    never followed or truncated), under an unpredictable name
 *    (.NAME.PID.RANDOM.tmp) in the output's own directory; it is written,
 *    fsync'd and renamed over NAME, and the directory is fsync'd.  NAME
 *    holds the old file or the whole new one, never a part.
 *  - Temporaries a killed process left for NAME (this scheme's and the
 *    older NAME.tmp.PID and NAME.part.PID) are removed by the next write
 *    into that directory, once their process is gone; a live process's
 *    temporaries are never touched.
 *  - A file-size limit (ulimit -f) is reported as such: main() ignores
 *    SIGXFSZ, so the write fails with EFBIG instead of killing the process.
 *
 * Names made from user data (a series, a district) go through
 * file_name_escape(), which maps them to file names one to one. */
#define FILE_OUT_STDOUT 1      /* file_out_check: "-" may mean standard output */
#define FILE_NAME_MAX 200      /* bytes of a file name made by file_name_escape */

/* Check an output path against the policy above, before any work.
 * inputs: NULL-terminated list of the command's input files (missing ones
 * are skipped).  Returns 0 for a file, 1 for standard output ("-"), or -1
 * with e (TB_EOUTPUT, or TB_EUSAGE for a "-" that cannot be) filled. */
int file_out_check(const char *path, int flags, const char *const *inputs, err *e);
/* Write data to path atomically, or to standard output when path is "-". */
int file_write_out(const char *path, const void *data, size_t len, err *e);
/* Write atomically: an O_EXCL temporary in the same directory, fsync,
 * rename, fsync of the directory. */
int file_write_atomic(const char *path, const void *data, size_t len, err *e);
/* A new empty temporary beside path, as file_write_temp makes it (stale
 * ones swept, O_CREAT|O_EXCL|O_NOFOLLOW, .NAME.PID.RANDOM.tmp): its open
 * descriptor (O_WRONLY, close-on-exec), its name (malloc'd) in *tmp_out;
 * for writers that fill a file themselves.  -1 + e, nothing left, on
 * failure. */
int file_open_temp(const char *path, char **tmp_out, err *e);
/* Its first half: stale temporaries of path swept, data → a new O_EXCL
 * temporary beside path, fsync'd when sync, closed; the temporary's name
 * (malloc'd) in *tmp_out.  On failure nothing is left behind and *tmp_out
 * is NULL. */
int file_write_temp(const char *path, const void *data, size_t len, int sync, char **tmp_out, err *e);
/* Its second half: rename tmp over path (refused, and tmp removed, when
 * path has meanwhile become a directory or a device); sync: fsync the
 * directory too. */
int file_commit_temp(const char *tmp, const char *path, int sync, err *e);
/* Remove the stale temporaries in dir: those of file `base` only, or
 * every one when base is NULL (see above: only of processes that are gone). */
void file_sweep_temps(const char *dir, const char *base);
/* 1 when a directory entry's name is such a stale temporary (of file base
 * when base is not NULL): for callers that look at one before it goes. */
int file_is_stale_temp(const char *name, const char *base);
/* A series, district … as one file name, one to one: '/', '\\' and '%'
 * become %2F, %5C and %25, a leading '.' becomes %2E; everything else is
 * kept (Chinese stays readable).  Refused (TB_EINPUT; `what` names it in
 * the message, e.g. "district"): empty, "." or "..", control characters,
 * invalid UTF-8, or longer than FILE_NAME_MAX bytes once escaped.  out
 * needs FILE_NAME_MAX + 1 bytes. */
int file_name_escape(const char *name, const char *what, char *out, size_t n, err *e);

#endif
