/* sha256.c — SHA-256 per FIPS 180-4 §6.2.
 *
 * A plain portable loop, and on x86-64 processors with the SHA extensions
 * the same compression through them (chosen per call by cpuid).  The
 * archive hashes every PDF it keeps, about a megabyte per nightly bulletin
 * with its extracts: 8 ms with the loop, under 1 ms with the extensions,
 * on the nightly's serial path.  TONGBAO_SHA256=portable forces the loop
 * (the tests compare the two). */
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>
#define TB_SHA_NI 1
#endif

/* First 32 bits of the fractional parts of the cube roots of the first 64
 * primes (FIPS 180-4 §4.2.2). */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* Process one 512-bit block (§6.2.2). */
static void compress(uint32_t h[8], const unsigned char *p) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++)   /* message words are big-endian */
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[t] + w[t];
        uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#ifdef TB_SHA_NI
/* Four rounds at a time: the state lives as ABEF/CDGH pairs, the message
 * schedule as four vectors of four words, rotated in place. */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_ni(uint32_t h[8], const unsigned char *p, size_t blocks) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i t = _mm_loadu_si128((const __m128i *)&h[0]);      /* a b c d */
    __m128i s1 = _mm_loadu_si128((const __m128i *)&h[4]);     /* e f g h */
    t = _mm_shuffle_epi32(t, 0xB1);
    s1 = _mm_shuffle_epi32(s1, 0x1B);
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);                   /* ABEF */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                        /* CDGH */
    for (; blocks--; p += 64) {
        __m128i save0 = s0, save1 = s1, msg[4];
        for (int i = 0; i < 4; i++)
            msg[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
        for (int i = 0; i < 16; i++) {
            __m128i m = _mm_add_epi32(msg[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, m);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
            if (i < 12) {                /* words 4(i+4)..: W[t-16], σ0, W[t-7], σ1 */
                __m128i n = _mm_sha256msg1_epu32(msg[i & 3], msg[(i + 1) & 3]);
                n = _mm_add_epi32(n, _mm_alignr_epi8(msg[(i + 3) & 3], msg[(i + 2) & 3], 4));
                msg[i & 3] = _mm_sha256msg2_epu32(n, msg[(i + 3) & 3]);
            }
        }
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }
    t = _mm_shuffle_epi32(s0, 0x1B);
    s1 = _mm_shuffle_epi32(s1, 0xB1);
    s0 = _mm_blend_epi16(t, s1, 0xF0);                        /* a b c d */
    s1 = _mm_alignr_epi8(s1, t, 8);                           /* e f g h */
    _mm_storeu_si128((__m128i *)&h[0], s0);
    _mm_storeu_si128((__m128i *)&h[4], s1);
}

/* What the processor has is fixed for the life of the process, and cpuid
 * is slow under a hypervisor (it traps: ~50 us here, more than hashing a
 * page), so it is asked once.  The flag is written once under pthread_once
 * and only read after. */
static pthread_once_t ni_once = PTHREAD_ONCE_INIT;
static int ni_present;

static void ni_probe(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    ni_present = (b >> 29) & 1;                               /* SHA */
}

static int have_ni(void) {
    const char *force = getenv("TONGBAO_SHA256");
    if (force && !strcmp(force, "portable")) return 0;
    pthread_once(&ni_once, ni_probe);
    return ni_present;
}
#endif

static void compress_blocks(sha256_ctx *c, const unsigned char *p, size_t blocks) {
#ifdef TB_SHA_NI
    if (c->ni) {
        compress_ni(c->h, p, blocks);
        return;
    }
#endif
    for (; blocks--; p += 64) compress(c->h, p);
}

void sha256_init(sha256_ctx *c) {
    /* First 32 bits of the fractional parts of the square roots of the
     * first 8 primes (§5.3.3). */
    static const uint32_t H0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    memcpy(c->h, H0, sizeof H0);
    c->total = 0;
    c->fill = 0;
#ifdef TB_SHA_NI
    c->ni = have_ni();
#else
    c->ni = 0;
#endif
}

void sha256_update(sha256_ctx *c, const void *data, size_t len) {
    const unsigned char *p = data;
    c->total += len;
    if (c->fill) {                       /* top up a partial block first */
        size_t take = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->block + c->fill, p, take);
        c->fill += take;
        p += take;
        len -= take;
        if (c->fill < 64) return;
        compress_blocks(c, c->block, 1);
        c->fill = 0;
    }
    compress_blocks(c, p, len / 64);
    p += len / 64 * 64;
    len %= 64;
    if (len) {
        memcpy(c->block, p, len);
        c->fill = len;
    }
}

void sha256_final(sha256_ctx *c, unsigned char out[32]) {
    /* Padding (§5.1.1): a 1 bit, zeros up to 56 mod 64, then the message
     * length in bits as a 64-bit big-endian number. */
    uint64_t bits = c->total * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = c->fill < 56 ? 56 - c->fill : 120 - c->fill;
    for (int i = 0; i < 8; i++) pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(c, pad, padlen + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

void sha256_hex(const void *data, size_t len, char hex[65]) {
    static const char digits[] = "0123456789abcdef";
    sha256_ctx c;
    unsigned char d[32];
    sha256_init(&c);
    sha256_update(&c, data, len);
    sha256_final(&c, d);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = 0;
}
