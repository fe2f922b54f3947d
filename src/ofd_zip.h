/* ofd_zip.h — the OFD package's zip, through libzip (ofd.c's plumbing).
 *
 * Owns writing the entries of a package in a fixed order, each with the
 * bulletin's date, mode 0644 and no extra fields, straight into a buf; and
 * the one-entry zips a streamed page waits in (ofd.c "streamed"): deflated
 * exactly as the package deflates a page, read back compressed into the
 * package and freed as they are read, or inflated to be mended. */
#ifndef TB_OFD_ZIP_H
#define TB_OFD_ZIP_H

#include <stddef.h>

#include "util.h"

typedef struct {
    char name[64];
    const void *data;
    size_t len;
    int level;                 /* deflate level */
    unsigned char **zip;       /* else: a one-entry zip (ofdz_one) whose entry is copied compressed; freed once read */
    size_t zip_len;
} ofdz_entry;

/* The package: en[0..n) in that order into out (cleared first), stamped
 * with date (ISO 8601; the DOS date of its day).  0 / -1 with e set. */
int ofdz_write(const ofdz_entry *en, size_t n, const char *date, buf *out, err *e);
/* data as a one-entry zip deflated as ofdz_write deflates a page (level 6,
 * the same stamps), in a block of its own size (*zip, freed by the caller). */
int ofdz_one(const void *data, size_t len, const char *date, unsigned char **zip, size_t *zip_len, err *e);
/* The entry of a one-entry zip, inflated into out. */
int ofdz_read_one(const unsigned char *zip, size_t zip_len, buf *out, err *e);

#endif
