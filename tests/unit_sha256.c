/* unit_sha256.c — sha256: FIPS 180-4 vectors, and the x86 SHA-extension
 * path equal to the portable loop for every length and split (on machines
 * without the extensions both runs take the loop and agree trivially). */
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "testlib.h"

static void hex_split(const unsigned char *d, size_t n, size_t step, char out[65]) {
    sha256_ctx c;
    unsigned char h[32];
    sha256_init(&c);
    for (size_t i = 0; i < n; i += step) sha256_update(&c, d + i, n - i < step ? n - i : step);
    sha256_final(&c, h);
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

int main(void) {
    char h[65];
    sha256_hex("", 0, h);
    CHECK_STR("empty message", h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, h);
    CHECK_STR("abc", h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(m, strlen(m), h);
    CHECK_STR("448-bit message", h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    size_t n = 5000;
    unsigned char *d = malloc(n);
    for (size_t i = 0; i < n; i++) d[i] = (unsigned char)(i * 131 + (i >> 7));
    int bad = 0;
    for (size_t len = 0; len <= 300; len++) {
        char a[65], b[65];
        setenv("TONGBAO_SHA256", "portable", 1);
        sha256_hex(d, len, a);
        unsetenv("TONGBAO_SHA256");
        sha256_hex(d, len, b);
        bad += strcmp(a, b) != 0;
    }
    CHECK("accelerated and portable agree, lengths 0–300", bad == 0, "%d lengths differ", bad);
    char whole[65], part[65];
    sha256_hex(d, n, whole);
    bad = 0;
    for (size_t step = 1; step < 200; step += 7) {
        hex_split(d, n, step, part);
        bad += strcmp(whole, part) != 0;
    }
    CHECK("any split of the updates gives the same digest", bad == 0, "%d splits differ", bad);
    free(d);
    return TESTS_DONE();
}
