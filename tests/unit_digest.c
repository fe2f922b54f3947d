/* unit_digest.c — digest: SHA-256 through nettle gives the FIPS 180-4
 * vectors, the same digest for any split of the input, and the hex form the
 * archive stores (a changed digest would make every archived PDF fail
 * `archive verify`). */
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "testlib.h"

static void hex_split(const unsigned char *d, size_t n, size_t step, char out[65]) {
    struct sha256_ctx c;
    unsigned char h[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    for (size_t i = 0; i < n; i += step) sha256_update(&c, n - i < step ? n - i : step, d + i);
    sha256_digest(&c, sizeof h, h);
    digest_hex(h, out);
}

int main(void) {
    char h[65];
    digest_sha256_hex("", 0, h);
    CHECK_STR("empty message", h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_sha256_hex("abc", 3, h);
    CHECK_STR("abc", h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest_sha256_hex(m, strlen(m), h);
    CHECK_STR("448-bit message", h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* FIPS 180-4's long vector: a million 'a' */
    size_t big = 1000000;
    char *a = malloc(big);
    if (!a) return 1;
    memset(a, 'a', big);
    digest_sha256_hex(a, big, h);
    CHECK_STR("a million a", h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);

    size_t n = 5000;
    unsigned char *d = malloc(n);
    if (!d) return 1;
    for (size_t i = 0; i < n; i++) d[i] = (unsigned char)(i * 131 + (i >> 7));
    char whole[65], part[65];
    digest_sha256_hex(d, n, whole);
    int bad = 0;
    for (size_t step = 1; step < 200; step += 7) {
        hex_split(d, n, step, part);
        bad += strcmp(whole, part) != 0;
    }
    CHECK("any split of the updates gives the same digest", bad == 0, "%d splits differ", bad);
    /* every length across the 55/56/64-byte padding boundaries, one call
     * against byte-at-a-time updates */
    bad = 0;
    for (size_t len = 0; len <= 300; len++) {
        digest_sha256_hex(d, len, whole);
        hex_split(d, len, 1, part);
        bad += strcmp(whole, part) != 0;
    }
    CHECK("lengths 0-300: one call equals byte-at-a-time", bad == 0, "%d lengths differ", bad);
    free(d);
    return TESTS_DONE();
}
