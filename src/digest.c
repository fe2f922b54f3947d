/* digest.c — SHA-256 hex digests through nettle (see digest.h). */
#include "digest.h"

#include <nettle/sha2.h>

void digest_hex(const unsigned char raw[32], char hex[DIGEST_HEX_LEN + 1]) {
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) hex[2 * i] = hx[raw[i] >> 4], hex[2 * i + 1] = hx[raw[i] & 15];
    hex[DIGEST_HEX_LEN] = 0;
}

void digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1]) {
    struct sha256_ctx c;
    unsigned char raw[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof raw, raw);
    digest_hex(raw, hex);
}
