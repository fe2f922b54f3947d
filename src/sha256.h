/* sha256.h — transitional: the old one-call name, until store.c and
 * cli_nightly.c call digest_sha256_hex (digest.h) themselves. */
#ifndef TB_SHA256_H
#define TB_SHA256_H

#include "digest.h"

static inline void sha256_hex(const void *data, size_t len, char hex[65]) { digest_sha256_hex(data, len, hex); }

#endif
