/* sha256.h — SHA-256 (FIPS 180-4), written for the archive: the history
 * stores the digest of every PDF and source file so `archive verify` can
 * prove the bytes are the ones that were sent.  Owned by the store module. */
#ifndef TB_SHA256_H
#define TB_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t total;          /* bytes hashed so far */
    unsigned char block[64]; /* partial block */
    size_t fill;             /* bytes in block */
    int ni;                  /* use the x86 SHA extensions */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* One call: 64 lowercase hex digits + NUL into hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
