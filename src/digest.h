/* digest.h — SHA-256 fingerprints for the archive, through nettle.
 *
 * The history stores the SHA-256 of every PDF and source file it keeps, so
 * `archive verify` can prove the bytes are the ones that were sent.  The
 * hashing is nettle's (Debian nettle-dev): it picks the x86 SHA extensions
 * itself, as fast as the hand-written code it replaced (about 0.2 ms for a
 * 300 KB bulletin), and is maintained and audited by others.  Callers that
 * hash in pieces use nettle's struct sha256_ctx directly; this module is
 * the one-call form with the hex digits the database stores.  The prefix
 * is digest_, so nothing here clashes with <nettle/sha2.h>'s sha256_*. */
#ifndef TB_DIGEST_H
#define TB_DIGEST_H

#include <stddef.h>

#define DIGEST_HEX_LEN 64   /* hex digits of a SHA-256; buffers need one more for the NUL */

/* SHA-256 of data[0..len) as 64 lowercase hex digits and a NUL. */
void digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1]);
/* The same for a digest already computed (32 bytes). */
void digest_hex(const unsigned char raw[32], char hex[DIGEST_HEX_LEN + 1]);

#endif
