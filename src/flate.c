/* flate.c — one dynamic-Huffman deflate block of literals (RFC 1950/1951).
 *
 * Code lengths come from a plain Huffman construction over the byte counts;
 * deflate caps them (15 bits for literals, 7 for the code-length alphabet),
 * and when a skewed distribution exceeds the cap the counts are halved and
 * the tree rebuilt, which costs a fraction of a bit per symbol and only on
 * pathological inputs.  The distance alphabet is unused but, as zlib does,
 * two one-bit distance codes are declared so every reader sees a complete
 * code. */
#include "flate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Huffman code lengths for n symbols with counts f (0 = unused), at most
 * maxbits long.  Symbols with a count always get a length; if only one
 * symbol is used it gets length 1. */
static int by_weight(const void *a, const void *b) {
    const uint64_t *x = a, *y = b;           /* weight << 16 | symbol */
    return *x < *y ? -1 : *x > *y;
}

static void code_lengths(const uint32_t *f_in, int n, int maxbits, uint8_t *len) {
    uint32_t f[288];
    if (n <= 0 || n > 288) return;
    memcpy(f, f_in, (size_t)n * sizeof *f);
    for (;;) {
        /* Two-queue construction: leaves sorted by weight, internal nodes
         * come out in non-decreasing order, so the two lightest are always
         * at the heads of the two queues.  Node ids: leaves 0..nl-1 (in
         * sorted order), internal nl.. */
        uint64_t leaf[288], w[2 * 288];
        int parent[2 * 288], sym[288], nl = 0;
        for (int i = 0; i < n; i++)
            if (f[i]) leaf[nl++] = (uint64_t)f[i] << 16 | (unsigned)i;
        memset(len, 0, (size_t)n);
        if (nl == 0) return;
        if (nl == 1) {
            len[leaf[0] & 0xffff] = 1;
            return;
        }
        qsort(leaf, (size_t)nl, sizeof *leaf, by_weight);
        for (int i = 0; i < nl; i++) w[i] = leaf[i] >> 16, sym[i] = (int)(leaf[i] & 0xffff);
        int ql = 0, qi = nl, next = nl;
        while (next < 2 * nl - 1) {
            int pick[2];
            for (int k = 0; k < 2; k++) {
                if (ql < nl && (qi >= next || w[ql] <= w[qi])) pick[k] = ql++;
                else pick[k] = qi++;
            }
            w[next] = w[pick[0]] + w[pick[1]];
            parent[pick[0]] = parent[pick[1]] = next;
            next++;
        }
        /* depths: the root is the last node; parents come after children */
        int depth[2 * 288], over = 0;
        depth[next - 1] = 0;
        for (int i = next - 2; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
        for (int i = 0; i < nl; i++) {
            len[sym[i]] = (uint8_t)(depth[i] > 255 ? 255 : depth[i]);
            over |= depth[i] > maxbits;
        }
        if (!over) return;
        for (int i = 0; i < n; i++)
            if (f[i]) f[i] = f[i] / 2 + 1;
    }
}

/* Canonical codes, bit-reversed because deflate sends Huffman codes
 * most significant bit first into a least-significant-first stream. */
static void canonical(const uint8_t *len, int n, uint16_t *code) {
    int count[16] = {0};
    uint16_t next[16];
    for (int i = 0; i < n; i++) count[len[i]]++;
    count[0] = 0;
    unsigned c = 0;
    for (int b = 1; b < 16; b++) c = (c + (unsigned)count[b - 1]) << 1, next[b] = (uint16_t)c;
    for (int i = 0; i < n; i++) {
        if (!len[i]) continue;
        unsigned v = next[len[i]]++, r = 0;
        for (int k = 0; k < len[i]; k++) r = r << 1 | ((v >> k) & 1);
        code[i] = (uint16_t)r;
    }
}

typedef struct {
    uint8_t *p;
    size_t n;
    uint64_t acc;
    int bits;
} bitw;

static inline void put_bits(bitw *w, uint32_t v, int n) {
    w->acc |= (uint64_t)v << w->bits;
    w->bits += n;
    if (w->bits >= 32) {
        uint32_t x = (uint32_t)w->acc;
        w->p[w->n] = (uint8_t)x, w->p[w->n + 1] = (uint8_t)(x >> 8);
        w->p[w->n + 2] = (uint8_t)(x >> 16), w->p[w->n + 3] = (uint8_t)(x >> 24);
        w->n += 4;
        w->acc >>= 32;
        w->bits -= 32;
    }
}

int flate_literal(const void *data, size_t n, buf *out) {
    const uint8_t *in = data;
    uint32_t f[257] = {0};
    for (size_t i = 0; i < n; i++) f[in[i]]++;
    f[256] = 1;                               /* end of block */
    uint8_t ll[257 + 2];
    uint16_t lc[257];
    code_lengths(f, 257, 15, ll);
    canonical(ll, 257, lc);
    ll[257] = ll[258] = 1;                    /* two distance codes, one bit each */

    /* the 259 lengths, coded with the code-length alphabet (0–15 literal
     * lengths; runs are rare here and not worth 16/17/18) */
    uint32_t cf[19] = {0};
    for (int i = 0; i < 259; i++) cf[ll[i]]++;
    uint8_t cl[19];
    uint16_t cc[19];
    code_lengths(cf, 19, 7, cl);
    canonical(cl, 19, cc);
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int hclen = 19;
    while (hclen > 4 && !cl[order[hclen - 1]]) hclen--;

    /* bound: header, 259 lengths of at most 7 bits, 15 bits a byte */
    size_t cap = 2 + 64 + 259 + n * 15 / 8 + 16 + 4;
    char *tmp = malloc(cap);
    if (!tmp) return -1;
    bitw w = {(uint8_t *)tmp, 0, 0, 0};
    w.p[w.n++] = 0x78, w.p[w.n++] = 0x01;     /* zlib header: deflate, 32K window */
    put_bits(&w, 1, 1);                       /* BFINAL */
    put_bits(&w, 2, 2);                       /* BTYPE = dynamic Huffman */
    put_bits(&w, 257 - 257, 5);               /* HLIT */
    put_bits(&w, 2 - 1, 5);                   /* HDIST */
    put_bits(&w, (uint32_t)(hclen - 4), 4);   /* HCLEN */
    for (int i = 0; i < hclen; i++) put_bits(&w, cl[order[i]], 3);
    for (int i = 0; i < 259; i++) put_bits(&w, cc[ll[i]], cl[ll[i]]);
    {
        /* the hot loop keeps the bit buffer in registers: through the
         * struct, every byte stored could alias it and the compiler reloads */
        uint64_t acc = w.acc;
        int bits = w.bits;
        uint8_t *o = w.p + w.n;
        uint32_t code[256];
        for (int c = 0; c < 256; c++) code[c] = (uint32_t)lc[c] | (uint32_t)ll[c] << 16;
        for (size_t i = 0; i < n; i++) {
            uint32_t c = code[in[i]];
            acc |= (uint64_t)(c & 0xffff) << bits;
            bits += (int)(c >> 16);
            if (bits >= 32) {
                uint32_t x = (uint32_t)acc;
                o[0] = (uint8_t)x, o[1] = (uint8_t)(x >> 8), o[2] = (uint8_t)(x >> 16), o[3] = (uint8_t)(x >> 24);
                o += 4;
                acc >>= 32;
                bits -= 32;
            }
        }
        w.acc = acc, w.bits = bits, w.n = (size_t)(o - w.p);
    }
    put_bits(&w, lc[256], ll[256]);
    while (w.bits > 0) {                      /* flush to the byte */
        w.p[w.n++] = (uint8_t)w.acc;
        w.acc >>= 8;
        w.bits -= 8;
    }
    uLong ad = adler32(0L, Z_NULL, 0);
    for (size_t i = 0; i < n;) {              /* adler32 takes uInt lengths */
        uInt step = n - i > 0x40000000u ? 0x40000000u : (uInt)(n - i);
        ad = adler32(ad, in + i, step);
        i += step;
    }
    w.p[w.n++] = (uint8_t)(ad >> 24), w.p[w.n++] = (uint8_t)(ad >> 16);
    w.p[w.n++] = (uint8_t)(ad >> 8), w.p[w.n++] = (uint8_t)ad;
    buf_add(out, tmp, w.n);
    free(tmp);
    return out->oom ? -1 : 0;
}
