/* unit_flate.c — flate: every stream it writes inflates back, with zlib.
 *
 * Inputs chosen for the paths that can go wrong: nothing at all, one byte,
 * one repeated byte (a single used symbol), all 256 values, random bytes,
 * and Fibonacci-weighted counts whose Huffman tree is deeper than deflate's
 * 15-bit cap (the halving path).  Also: deterministic, and no larger than
 * 9/8 of the input plus the header on incompressible data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "flate.h"
#include "testlib.h"

static int roundtrip(const uint8_t *in, size_t n, size_t *zlen) {
    buf z;
    buf_init(&z);
    if (flate_literal(in, n, &z)) return buf_free(&z), 0;
    *zlen = z.len;
    uLongf back = n + 1;
    uint8_t *out = malloc(back);
    int ok = out && uncompress(out, &back, (const Bytef *)z.data, z.len) == Z_OK && back == n &&
             (n == 0 || !memcmp(out, in, n));
    buf z2;
    buf_init(&z2);
    ok = ok && !flate_literal(in, n, &z2) && z2.len == z.len && !memcmp(z2.data, z.data, z.len);
    free(out);
    buf_free(&z);
    buf_free(&z2);
    return ok;
}

int main(void) {
    size_t zl = 0;
    uint8_t one = 'A';
    CHECK("empty input inflates to nothing", roundtrip(&one, 0, &zl), "failed");
    CHECK("one byte", roundtrip(&one, 1, &zl), "failed");

    size_t n = 100000;
    uint8_t *b = malloc(n);
    memset(b, 7, n);
    CHECK("one symbol repeated (a one-symbol code)", roundtrip(b, n, &zl) && zl < n / 7, "%zu bytes", zl);

    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)i;
    CHECK("all 256 values evenly", roundtrip(b, n, &zl), "failed");

    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) x = x * 1103515245u + 12345u, b[i] = (uint8_t)(x >> 16);
    CHECK("random bytes: inflates, at most 9/8 of the input", roundtrip(b, n, &zl) && zl <= n * 9 / 8 + 300,
          "%zu bytes for %zu", zl, n);

    /* Fibonacci counts over 30 symbols: a plain Huffman tree would be 29 deep */
    size_t k = 0, fib[30] = {1, 1};
    for (int i = 2; i < 30; i++) fib[i] = fib[i - 1] + fib[i - 2];
    uint8_t *big = malloc(fib[29] * 3);
    for (int s = 0; s < 30; s++)
        for (size_t r = 0; r < fib[s] && k < fib[29] * 3; r++) big[k++] = (uint8_t)(s * 5);
    CHECK("skewed counts beyond the 15-bit cap", roundtrip(big, k, &zl), "failed for %zu bytes", k);

    /* text-like data compresses */
    const char *t = "BT /F1 16 Tf 1 0 0 1 79.37 700.5 Tm [<0123><0456>-12<0789>] TJ ET\n";
    size_t tl = strlen(t);
    for (size_t i = 0; i + tl <= n; i += tl) memcpy(b + i, t, tl);
    CHECK("text-like bytes shrink", roundtrip(b, n - n % tl, &zl) && zl < n * 3 / 4, "%zu bytes", zl);
    free(big);
    free(b);
    return TESTS_DONE();
}
