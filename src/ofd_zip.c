/* ofd_zip.c — the OFD package's zip through libzip: ofd_zip.h.
 *
 * libzip writes the archive through a source of ours over the output buf
 * (zsink), so the package is built in place rather than in libzip's buffer
 * and copied (23 MB at 50,000 findings with the appendix); a held page
 * reaches it through a source (zpage) that reads its one-entry zip's entry
 * compressed (ZIP_FL_COMPRESSED) and frees the zip once read, so the
 * package grows as the pages held shrink. */
#include "ofd_zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* libzip's archive written straight into a buf: the package is built in
 * out itself, not in libzip's buffer and then copied (23 MB at 50,000
 * findings with the appendix). */
typedef struct {
    buf *out;
    size_t at;                 /* the write position */
    zip_error_t err;
} zsink;

static zip_int64_t zsink_fail(zip_error_t *err, int code) {
    err->zip_err = code, err->sys_err = 0;
    return -1;
}

/* SEEK / SEEK_WRITE: the new position in [0, len], else -1 */
static zip_int64_t zseek(size_t at, size_t len, const void *data, zip_uint64_t n, zip_error_t *err) {
    if (n < sizeof(zip_source_args_seek_t)) return zsink_fail(err, ZIP_ER_INVAL);
    const zip_source_args_seek_t *a = data;
    zip_int64_t base = a->whence == SEEK_SET ? 0 : a->whence == SEEK_CUR ? (zip_int64_t)at : (zip_int64_t)len;
    if (a->whence != SEEK_SET && a->whence != SEEK_CUR && a->whence != SEEK_END) return zsink_fail(err, ZIP_ER_INVAL);
    zip_int64_t to = base + a->offset;
    return to < 0 || (zip_uint64_t)to > len ? zsink_fail(err, ZIP_ER_INVAL) : to;
}

static zip_int64_t zsink_cb(void *ud, void *data, zip_uint64_t n, zip_source_cmd_t cmd) {
    zsink *s = ud;
    buf *o = s->out;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_BEGIN_WRITE:
        if (cmd == ZIP_SOURCE_BEGIN_WRITE) buf_reset(o);
        s->at = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t k = s->at < o->len ? o->len - s->at : 0;
        if (k > n) k = (size_t)n;
        if (k) memcpy(data, o->data + s->at, k);
        s->at += k;
        return (zip_int64_t)k;
    }
    case ZIP_SOURCE_WRITE: {
        if (s->at > o->len) return zsink_fail(&s->err, ZIP_ER_WRITE);
        size_t over = o->len - s->at < n ? o->len - s->at : (size_t)n;   /* a header written again */
        if (over) memcpy(o->data + s->at, data, over);
        if (over < n) buf_add(o, (const char *)data + over, (size_t)n - over);
        s->at += (size_t)n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_SEEK:
    case ZIP_SOURCE_SEEK_WRITE: {
        zip_int64_t to = zseek(s->at, o->len, data, n, &s->err);
        if (to < 0) return -1;
        s->at = (size_t)to;
        return 0;
    }
    case ZIP_SOURCE_TELL:
    case ZIP_SOURCE_TELL_WRITE:
        return (zip_int64_t)s->at;
    case ZIP_SOURCE_STAT: {
        if (n < sizeof(zip_stat_t)) return zsink_fail(&s->err, ZIP_ER_INVAL);
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE;
        st->size = o->len;
        return sizeof *st;
    }
    case ZIP_SOURCE_ROLLBACK_WRITE:
    case ZIP_SOURCE_REMOVE:
        buf_reset(o);
        return 0;
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_COMMIT_WRITE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&s->err, data, n);
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_WRITABLE;
    default:
        return zsink_fail(&s->err, ZIP_ER_OPNOTSUPP);
    }
}

/* A page's entry, copied compressed out of its one-entry zip (ofdz_one) and
 * that zip freed as soon as it is read: the package grows as the pages
 * held shrink. */
typedef struct {
    unsigned char **zip;       /* the page's zip, freed once read */
    size_t zip_len;
    zip_stat_t st;             /* its entry: sizes, CRC, method */
    zip_t *z;                  /* while open */
    zip_file_t *f;
    zip_error_t err;
} zpage;

static zip_int64_t zpage_cb(void *ud, void *data, zip_uint64_t n, zip_source_cmd_t cmd) {
    zpage *p = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN: {
        zip_source_t *zs = *p->zip ? zip_source_buffer_create(*p->zip, p->zip_len, 0, &p->err) : NULL;
        p->z = zs ? zip_open_from_source(zs, ZIP_RDONLY, &p->err) : NULL;
        if (!p->z && zs) zip_source_free(zs);
        p->f = p->z ? zip_fopen_index(p->z, 0, ZIP_FL_COMPRESSED) : NULL;
        return p->f ? 0 : zsink_fail(&p->err, ZIP_ER_READ);
    }
    case ZIP_SOURCE_READ: {
        zip_int64_t got = zip_fread(p->f, data, n);
        return got < 0 ? zsink_fail(&p->err, ZIP_ER_READ) : got;
    }
    case ZIP_SOURCE_CLOSE:
        if (p->f) zip_fclose(p->f);
        if (p->z) zip_discard(p->z);
        p->f = NULL, p->z = NULL;
        free(*p->zip);
        *p->zip = NULL;
        return 0;
    case ZIP_SOURCE_STAT:
        if (n < sizeof(zip_stat_t)) return zsink_fail(&p->err, ZIP_ER_INVAL);
        memcpy(data, &p->st, sizeof p->st);
        return sizeof p->st;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&p->err, data, n);
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_READABLE;
    default:
        return zsink_fail(&p->err, ZIP_ER_OPNOTSUPP);
    }
}

/* The entry of a one-entry zip as it is stored: 0 and *st (size, compressed
 * size, method, CRC). */
static int zip_one_stat(const unsigned char *zip, size_t zip_len, zip_stat_t *st) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *zs = zip_source_buffer_create(zip, zip_len, 0, &ze);
    zip_t *z = zs ? zip_open_from_source(zs, ZIP_RDONLY, &ze) : NULL;
    if (!z && zs) zip_source_free(zs);
    int rc = z && zip_stat_index(z, 0, 0, st) == 0 ? 0 : -1;
    if (z) zip_discard(z);
    zip_error_fini(&ze);
    if (rc) return -1;
    /* what the entry holds, as the package will copy it */
    st->valid &= ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC | ZIP_STAT_ENCRYPTION_METHOD;
    return (st->valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC)) ==
                   (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC)
               ? 0 : -1;
}

/* The zip: entries in the order given, each stamped with the bulletin's
 * date (DOS time), Unix mode 0644, no extra fields. */
int ofdz_write(const ofdz_entry *en, size_t n, const char *date, buf *out, err *e) {
    unsigned y = 2000, mo = 1, d = 1;
    if (date) sscanf(date, "%4u-%2u-%2u", &y, &mo, &d);
    if (y < 1980 || y > 2107 || mo < 1 || mo > 12 || d < 1 || d > 31) y = 1980, mo = 1, d = 1;
    zip_uint16_t dos_date = (zip_uint16_t)((y - 1980) << 9 | mo << 5 | d);
    zip_error_t ze;
    zip_error_init(&ze);
    zsink sink = {out, 0, {0, 0, NULL}};
    zpage *zp = xcalloc(n + 1, sizeof *zp);
    buf_reset(out);
    zip_source_t *dst = zip_source_function_create(zsink_cb, &sink, &ze);
    zip_t *z = dst ? zip_open_from_source(dst, ZIP_TRUNCATE, &ze) : NULL;
    if (!z) {
        if (dst) zip_source_free(dst);
        free(zp);
        zip_error_fini(&ze);
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "cannot start the OFD package");
    }
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        zip_source_t *s = NULL;
        if (en[i].zip) {
            zpage *p = &zp[i];
            p->zip = en[i].zip, p->zip_len = en[i].zip_len;
            if (*p->zip && !zip_one_stat(*p->zip, p->zip_len, &p->st)) s = zip_source_function(z, zpage_cb, p);
        } else s = zip_source_buffer(z, en[i].data, en[i].len, 0);
        zip_int64_t idx = s ? zip_file_add(z, en[i].name, s, 0) : -1;
        if (idx < 0) {
            if (s) zip_source_free(s);
            bad = 1;
            break;
        }
        bad = zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, (zip_uint32_t)en[i].level) < 0 ||
              zip_file_set_dostime(z, (zip_uint64_t)idx, 0, dos_date, 0) < 0 ||
              zip_file_set_external_attributes(z, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX, 0100644u << 16) < 0;
    }
    if (bad || zip_close(z) < 0) {
        zip_discard(z);       /* a failed close leaves the archive open */
        bad = 1;
    }
    for (size_t i = 0; i < n; i++) {   /* a page left open by a failure */
        if (zp[i].f) zip_fclose(zp[i].f);
        if (zp[i].z) zip_discard(zp[i].z);
    }
    free(zp);
    zip_error_fini(&ze);
    if (bad) buf_reset(out);
    return bad ? err_set(e, TB_EINTERNAL, NULL, 0, 0, "cannot write the OFD package") : 0;
}

/* A page's XML as a one-entry zip, deflated as ofdz_write deflates a page
 * (level 6, the same stamps), in a block of its own size. */
int ofdz_one(const void *data, size_t len, const char *date, unsigned char **zip, size_t *zip_len, err *e) {
    ofdz_entry en = {"p", data, len, 6, NULL, 0};
    buf b;
    buf_init(&b);
    if (ofdz_write(&en, 1, date, &b, e)) {
        buf_free(&b);
        return -1;
    }
    *zip = xmalloc(b.len ? b.len : 1);
    memcpy(*zip, b.data, b.len);
    *zip_len = b.len;
    buf_free(&b);
    return 0;
}

/* The entry of a one-entry zip, inflated into out. */
int ofdz_read_one(const unsigned char *zip, size_t zip_len, buf *out, err *e) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *zs = zip_source_buffer_create(zip, zip_len, 0, &ze);
    zip_t *z = zs ? zip_open_from_source(zs, ZIP_RDONLY, &ze) : NULL;
    if (!z && zs) zip_source_free(zs);
    zip_file_t *f = z ? zip_fopen_index(z, 0, 0) : NULL;
    int rc = f ? 0 : -1;
    buf_reset(out);
    char chunk[65536];
    zip_int64_t got;
    while (f && (got = zip_fread(f, chunk, sizeof chunk)) != 0) {
        if (got < 0) {
            rc = -1;
            break;
        }
        buf_add(out, chunk, (size_t)got);
    }
    if (f) zip_fclose(f);
    if (z) zip_discard(z);
    zip_error_fini(&ze);
    return rc ? err_set(e, TB_EINTERNAL, NULL, 0, 0, "cannot read back a page of the OFD package") : 0;
}
