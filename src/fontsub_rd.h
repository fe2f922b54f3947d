/* fontsub_rd.h — bounded big-endian reads of font tables, for fontsub*.c.
 *
 * Fonts come from the machine and a damaged one must give an error, not a
 * crash: every read checks its range and returns -1 outside it.  Nothing is
 * read through a cast pointer, so the source data's alignment does not
 * matter.  Internal to the fontsub module. */
#ifndef TB_FONTSUB_RD_H
#define TB_FONTSUB_RD_H

#include <hb.h>
#include <stddef.h>
#include <stdint.h>

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
