/* fontsub_rd.h — bounded big-endian reads of font tables, for fontsub*.c.
 *
 * Fonts come from the machine and a damaged one must give an error, not a
 * crash: every read checks its range and returns -1 outside it.  Nothing is
 * read through a cast pointer, so the source data's alignment does not
 * matter.  Also the big-endian writers the subsetters share.  Internal to
 * the fontsub module. */
#ifndef TB_FONTSUB_RD_H
#define TB_FONTSUB_RD_H

#include <hb.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct {
    const uint8_t *p;
    size_t n;
} span;

static inline int rd_u8(span s, size_t at, unsigned *v) {
    if (at >= s.n) return -1;
    *v = s.p[at];
    return 0;
}
static inline int rd_u16(span s, size_t at, unsigned *v) {
    if (at > s.n || s.n - at < 2) return -1;
    *v = (unsigned)s.p[at] << 8 | s.p[at + 1];
    return 0;
}
/* size bytes (1–4), as CFF offsets come */
static inline int rd_uN(span s, size_t at, unsigned size, uint32_t *v) {
    if (size < 1 || size > 4 || at > s.n || s.n - at < size) return -1;
    uint32_t x = 0;
    for (unsigned i = 0; i < size; i++) x = x << 8 | s.p[at + i];
    *v = x;
    return 0;
}
static inline int rd_u32(span s, size_t at, uint32_t *v) { return rd_uN(s, at, 4, v); }

/* ---- writing, big-endian ---- */
static inline void w16(buf *b, unsigned v) {
    unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, x, 2);
}
static inline void w32(buf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, x, 4);
}
static inline void set16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void set32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline void pad4(buf *b) {
    static const unsigned char z[3];
    if (b->len % 4) buf_add(b, z, 4 - b->len % 4);
}

/* sfnt checksum: the sum of big-endian uint32s, the last one zero-padded. */
static inline uint32_t sfnt_sum(const uint8_t *p, size_t n) {
    uint32_t s = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) s += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
    if (i < n) {
        uint8_t t[4] = {0, 0, 0, 0};
        for (size_t k = 0; i + k < n; k++) t[k] = p[i + k];
        s += (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
    }
    return s;
}

/* A table of the face; *blob holds it (hb_blob_destroy when done).  An
 * absent table is an empty span. */
static inline span fsub_table(hb_face_t *face, hb_tag_t tag, hb_blob_t **blob) {
    *blob = hb_face_reference_table(face, tag);
    unsigned len = 0;
    const char *d = hb_blob_get_data(*blob, &len);
    span s = {(const uint8_t *)d, d ? len : 0};
    return s;
}

#endif
