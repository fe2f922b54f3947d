/* fontsub.c — face metrics and CFF subsets (TrueType subsets: fontsub_ttf.c).
 *
 * The CFF subset is always CID-keyed whatever the source is, because the PDF
 * writer addresses glyphs by the source glyph ID and a CID-keyed font lets
 * the charset say "CID = source GID" for each kept glyph.  Subroutines are
 * inlined rather than subset: a subset of a few hundred glyphs rarely shares
 * enough to pay for subroutine tables, and deflate catches most of what they
 * would.  (The Fandol faces tongbao ships with have none at all.)
 *
 * Every read is bounds-checked through rd_*: fonts come from the machine,
 * and a damaged one must give an error, not a crash. */
#include "fontsub.h"
#include "fontsub_rd.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s16(unsigned v) { return v >= 0x8000 ? (int)v - 0x10000 : (int)v; }

/* ---- face information ---- */

/* The PostScript name (name ID 6) as PDF and CFF names allow it:
 * printable ASCII without delimiters; "Font" when there is none. */
static void ps_name(hb_face_t *face, char out[64]) {
    char name[128];
    unsigned len = sizeof name;
    len = hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, name) ? len : 0;
    size_t k = 0;
    for (unsigned i = 0; i < len && name[i] && k + 1 < 64; i++) {
        char c = name[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            out[k++] = c;
    }
    out[k] = 0;
    if (!k) snprintf(out, 64, "Font");
}

int fsub_info_get(hb_face_t *face, fsub_info *out, err *e) {
    memset(out, 0, sizeof *out);
    hb_blob_t *b;
    span cff = fsub_table(face, HB_TAG('C', 'F', 'F', ' '), &b);
    size_t cff_n = cff.n;
    hb_blob_destroy(b);
    span glyf = fsub_table(face, HB_TAG('g', 'l', 'y', 'f'), &b);
    size_t glyf_n = glyf.n;
    hb_blob_destroy(b);
    out->kind = cff_n ? FSUB_CFF : glyf_n ? FSUB_TTF : FSUB_NONE;
    if (out->kind == FSUB_NONE) return 0;
    out->upem = hb_face_get_upem(face);
    out->n_glyphs = hb_face_get_glyph_count(face);
    if (!out->upem || !out->n_glyphs || out->n_glyphs > 65535)
        return err_set(e, TB_EFONT, NULL, 0, 0, "font has %u glyphs and %u units per em", out->n_glyphs, out->upem);

    span head = fsub_table(face, HB_TAG('h', 'e', 'a', 'd'), &b);
    unsigned v[4];
    int bad = head.n < 54;
    for (int i = 0; i < 4 && !bad; i++) bad = rd_u16(head, 36 + 2 * (size_t)i, &v[i]);
    hb_blob_destroy(b);
    if (bad) return err_set(e, TB_EFONT, NULL, 0, 0, "font's head table is damaged");
    for (int i = 0; i < 4; i++) out->bbox[i] = s16(v[i]);

    span hhea = fsub_table(face, HB_TAG('h', 'h', 'e', 'a'), &b);
    unsigned asc = 0, desc = 0;
    bad = rd_u16(hhea, 4, &asc) || rd_u16(hhea, 6, &desc);
    hb_blob_destroy(b);
    if (bad) return err_set(e, TB_EFONT, NULL, 0, 0, "font's hhea table is damaged");
    out->ascent = s16(asc), out->descent = s16(desc);
    out->cap_height = out->ascent;

    span os2 = fsub_table(face, HB_TAG('O', 'S', '/', '2'), &b);
    unsigned ver, ta, td, ch, fam;
    if (!rd_u16(os2, 0, &ver) && !rd_u16(os2, 68, &ta) && !rd_u16(os2, 70, &td)) {
        out->ascent = s16(ta), out->descent = s16(td);
        out->cap_height = out->ascent;
        if (ver >= 2 && !rd_u16(os2, 88, &ch) && ch) out->cap_height = s16(ch);
        /* sFamilyClass 1–7 are the serif classes (PDF's Serif flag) */
        if (!rd_u16(os2, 30, &fam)) out->serif_hint = (fam >> 8) >= 1 && (fam >> 8) <= 7;
    }
    hb_blob_destroy(b);

    span post = fsub_table(face, HB_TAG('p', 'o', 's', 't'), &b);
    uint32_t ia, fp;
    if (!rd_uN(post, 4, 4, &ia)) out->italic_angle = (int32_t)ia / 65536.0;
    if (!rd_uN(post, 12, 4, &fp)) out->fixed_pitch = fp != 0;
    hb_blob_destroy(b);

    ps_name(face, out->psname);
    return 0;
}

int fsub_hmtx_open(hb_face_t *face, fsub_hmtx *h) {
    memset(h, 0, sizeof *h);
    hb_blob_t *hb;
    span hhea = fsub_table(face, HB_TAG('h', 'h', 'e', 'a'), &hb);
    unsigned n = 0;
    int bad = rd_u16(hhea, 34, &n);
    hb_blob_destroy(hb);
    h->blob = hb_face_reference_table(face, HB_TAG('h', 'm', 't', 'x'));
    unsigned len = 0;
    h->p = (const unsigned char *)hb_blob_get_data(h->blob, &len);
    h->n = h->p ? len : 0;
    /* the advances actually present: a short table counts for less */
    h->n_hmetrics = bad ? 0 : n;
    if (h->n_hmetrics > h->n / 4) h->n_hmetrics = (unsigned)(h->n / 4);
    return h->n_hmetrics ? 0 : -1;
}

unsigned fsub_hmtx_advance(const fsub_hmtx *h, unsigned gid) {
    if (!h->n_hmetrics) return 0;
    size_t i = gid < h->n_hmetrics ? gid : h->n_hmetrics - 1;   /* the last advance repeats */
    return (unsigned)h->p[4 * i] << 8 | h->p[4 * i + 1];
}

void fsub_hmtx_close(fsub_hmtx *h) {
    hb_blob_destroy(h->blob);
    memset(h, 0, sizeof *h);
}

/* ---- CFF reading ---- */

typedef struct {
    size_t data;        /* offset of byte before the first object (offsets are 1-based) */
    size_t end;         /* first byte after the INDEX */
    unsigned count, osz;
    size_t offs;        /* offset of the offset array */
} cff_index;

static int index_at(span c, size_t at, cff_index *ix) {
    memset(ix, 0, sizeof *ix);
    if (rd_u16(c, at, &ix->count)) return -1;
    if (ix->count == 0) {
        ix->end = at + 2;
        return 0;
    }
    unsigned osz;
    if (rd_u8(c, at + 2, &osz) || osz < 1 || osz > 4) return -1;
    ix->osz = osz;
    ix->offs = at + 3;
    ix->data = ix->offs + (size_t)(ix->count + 1) * osz - 1;
    uint32_t last;
    if (rd_uN(c, ix->offs + (size_t)ix->count * osz, osz, &last) || last < 1) return -1;
    ix->end = ix->data + last;
    if (ix->end > c.n) return -1;
    return 0;
}

/* Object i of an INDEX as [*a, *b). */
static int index_get(span c, const cff_index *ix, unsigned i, size_t *a, size_t *b) {
    uint32_t o1, o2;
    if (i >= ix->count || rd_uN(c, ix->offs + (size_t)i * ix->osz, ix->osz, &o1) ||
        rd_uN(c, ix->offs + (size_t)(i + 1) * ix->osz, ix->osz, &o2) || o1 < 1 || o2 < o1)
        return -1;
    *a = ix->data + o1, *b = ix->data + o2;
    return *b <= c.n ? 0 : -1;
}

/* One DICT entry: the operator and where its operands are, so entries can
 * be copied verbatim or dropped. */
typedef struct {
    unsigned op;               /* 0–21, or 1200 + second byte for escaped ones */
    size_t a, b;               /* operand bytes [a, b) */
    double arg[4];             /* first operands (reals read as 0: unused here) */
    int nargs;
} dict_ent;

/* Walks [*p, end): the next entry.  1 when one was read, 0 at the end, -1 bad. */
static int dict_next(span c, size_t *p, size_t end, dict_ent *d) {
    if (*p >= end) return 0;
    d->a = *p, d->nargs = 0;
    while (*p < end) {
        unsigned v = c.p[*p];
        double x = 0;
        if (v <= 21) {
            d->b = *p;
            if (v == 12) {
                unsigned w;
                if (rd_u8(c, *p + 1, &w) || *p + 2 > end) return -1;
                d->op = 1200 + w, *p += 2;
            } else
                d->op = v, *p += 1;
            return 1;
        } else if (v == 28) {
            unsigned w;
            if (rd_u16(c, *p + 1, &w)) return -1;
            x = s16(w), *p += 3;
        } else if (v == 29) {
            uint32_t w;
            if (rd_uN(c, *p + 1, 4, &w)) return -1;
            x = (int32_t)w, *p += 5;
        } else if (v == 30) {            /* real: nibbles up to an f */
            *p += 1;
            for (;;) {
                unsigned w;
                if (rd_u8(c, *p, &w)) return -1;
                *p += 1;
                if ((w & 0x0f) == 0x0f || (w >> 4) == 0x0f) break;
            }
        } else if (v >= 32 && v <= 246) {
            x = (int)v - 139, *p += 1;
        } else if (v >= 247 && v <= 254) {
            unsigned w;
            if (rd_u8(c, *p + 1, &w)) return -1;
            x = v <= 250 ? ((int)v - 247) * 256 + (int)w + 108 : -((int)v - 251) * 256 - (int)w - 108;
            *p += 2;
        } else
            return -1;
        if (d->nargs < 4) d->arg[d->nargs] = x;
        d->nargs++;
    }
    return -1;                        /* operands without an operator */
}

static int dict_find(span c, size_t a, size_t b, unsigned op, dict_ent *out) {
    size_t p = a;
    int r;
    while ((r = dict_next(c, &p, b, out)) == 1)
        if (out->op == op) return 1;
    return r;
}

/* A source font: per FD, its Private DICT and local subroutines. */
typedef struct {
    size_t priv_a, priv_b;     /* Private DICT */
    cff_index subrs;
    int has_subrs;
} cff_fd;

typedef struct {
    span c;
    cff_index gsubrs, charstrings;
    int cid;                   /* CID-keyed source */
    size_t fdselect;           /* offset, CID-keyed only */
    unsigned fdsel_fmt;
    cff_fd *fds;
    unsigned n_fds;
    cff_index fdarray;
    size_t top_a, top_b;       /* Top DICT */
} cff_src;

static int fd_load(span c, size_t priv_size, size_t priv_off, cff_fd *fd) {
    memset(fd, 0, sizeof *fd);
    if (priv_off > c.n || priv_size > c.n - priv_off) return -1;
    fd->priv_a = priv_off, fd->priv_b = priv_off + priv_size;
    dict_ent d;
    int r = dict_find(c, fd->priv_a, fd->priv_b, 19, &d);
    if (r < 0) return -1;
    if (r == 1 && d.nargs >= 1 && d.arg[0] > 0) {
        if (index_at(c, priv_off + (size_t)d.arg[0], &fd->subrs)) return -1;
        fd->has_subrs = fd->subrs.count > 0;
    }
    return 0;
}

static int src_open_(span c, cff_src *s) {
    memset(s, 0, sizeof *s);
    s->c = c;
    unsigned major, hdr;
    if (rd_u8(c, 0, &major) || major != 1 || rd_u8(c, 2, &hdr)) return -1;
    cff_index names, tops, strs;
    if (index_at(c, hdr, &names) || index_at(c, names.end, &tops) || index_at(c, tops.end, &strs) ||
        index_at(c, strs.end, &s->gsubrs))
        return -1;
    if (index_get(c, &tops, 0, &s->top_a, &s->top_b)) return -1;
    dict_ent d;
    if (dict_find(c, s->top_a, s->top_b, 1206, &d) == 1 && d.nargs && d.arg[0] != 2)
        return -1;                                  /* Type 1 charstrings: not here */
    if (dict_find(c, s->top_a, s->top_b, 17, &d) != 1 || !d.nargs || d.arg[0] <= 0 ||
        index_at(c, (size_t)d.arg[0], &s->charstrings))
        return -1;
    s->cid = dict_find(c, s->top_a, s->top_b, 1230, &d) == 1;
    if (s->cid) {
        if (dict_find(c, s->top_a, s->top_b, 1236, &d) != 1 || !d.nargs || d.arg[0] <= 0 ||
            index_at(c, (size_t)d.arg[0], &s->fdarray) || !s->fdarray.count)
            return -1;
        if (dict_find(c, s->top_a, s->top_b, 1237, &d) != 1 || !d.nargs || d.arg[0] <= 0) return -1;
        s->fdselect = (size_t)d.arg[0];
        if (rd_u8(c, s->fdselect, &s->fdsel_fmt) || (s->fdsel_fmt != 0 && s->fdsel_fmt != 3)) return -1;
        s->n_fds = s->fdarray.count;
        s->fds = xcalloc(s->n_fds, sizeof *s->fds);
        for (unsigned i = 0; i < s->n_fds; i++) {
            size_t a, b;
            if (index_get(c, &s->fdarray, i, &a, &b) || dict_find(c, a, b, 18, &d) != 1 || d.nargs < 2 ||
                d.arg[0] < 0 || d.arg[1] < 0 || fd_load(c, (size_t)d.arg[0], (size_t)d.arg[1], &s->fds[i]))
                return -1;
        }
    } else {
        s->n_fds = 1;
        s->fds = xcalloc(1, sizeof *s->fds);
        if (dict_find(c, s->top_a, s->top_b, 18, &d) != 1 || d.nargs < 2 || d.arg[0] < 0 || d.arg[1] < 0 ||
            fd_load(c, (size_t)d.arg[0], (size_t)d.arg[1], &s->fds[0]))
            return -1;
    }
    return 0;
}

/* Opens s over c; on failure nothing is left allocated. */
static int src_open(span c, cff_src *s) {
    if (src_open_(c, s) == 0) return 0;
    free(s->fds);
    s->fds = NULL;
    return -1;
}

/* The FD of source glyph gid. */
static int src_fd(const cff_src *s, unsigned gid, unsigned *fd) {
    if (!s->cid) return *fd = 0, 0;
    span c = s->c;
    if (s->fdsel_fmt == 0) {
        if (rd_u8(c, s->fdselect + 1 + gid, fd)) return -1;
    } else {
        unsigned nr, first, next;
        if (rd_u16(c, s->fdselect + 1, &nr) || !nr) return -1;
        /* ranges are sorted: binary search for the last first <= gid */
        unsigned lo = 0, hi = nr;
        while (hi - lo > 1) {
            unsigned mid = (lo + hi) / 2;
            if (rd_u16(c, s->fdselect + 3 + 3 * (size_t)mid, &first)) return -1;
            if (first <= gid) lo = mid; else hi = mid;
        }
        if (rd_u16(c, s->fdselect + 3 + 3 * (size_t)lo, &first) || rd_u8(c, s->fdselect + 5 + 3 * (size_t)lo, fd) ||
            rd_u16(c, s->fdselect + 3 + 3 * (size_t)(lo + 1), &next) || gid < first || gid >= next)
            return -1;
        (void)next;
    }
    return *fd < s->n_fds ? 0 : -1;
}

static unsigned subr_bias(unsigned count) { return count < 1240 ? 107 : count < 33900 ? 1131 : 32768; }

/* ---- charstring inlining ----
 * Type 2 charstrings are a token stream; callsubr/callgsubr splice another
 * stream in at that point.  Inlining copies every token except the call, its
 * subroutine-number operand and the callee's return.  The only token whose
 * length depends on state is hintmask/cntrmask (one bit per stem declared so
 * far), so stems are counted as they go by. */
typedef struct {
    const cff_src *s;
    const cff_fd *fd;
    buf *out;
    size_t glyph_start;        /* out->len where this glyph began */
    unsigned nstems;
    unsigned nargs;            /* operands on the stack */
    size_t arg_at[48];         /* out->len where each starts (the format's stack limit) */
    int done;                  /* endchar seen */
} cs_state;

/* One glyph's inlined charstring may not grow past this: nested calls can
 * multiply (a subroutine calling another twice, ten deep), and a damaged
 * font must not exhaust memory.  Real CJK glyphs are under 2 KB. */
#define CS_MAX_GLYPH 65536

static int cs_run(cs_state *st, size_t a, size_t b, int depth) {
    span c = st->s->c;
    if (depth > 10) return -1;                 /* the format's nesting limit */
    size_t p = a;
    while (p < b && !st->done) {
        if (st->out->len - st->glyph_start > CS_MAX_GLYPH) return -1;
        unsigned v = c.p[p];
        size_t len = 1;
        if (v == 28) len = 3;
        else if (v == 255) len = 5;
        else if (v >= 247) len = 2;
        else if (v >= 32) len = 1;
        else {                                  /* operator */
            if (v == 10 || v == 29) {           /* callsubr / callgsubr */
                if (!st->nargs) return -1;
                /* the operand on top is the subroutine number: take it back */
                size_t at = st->arg_at[--st->nargs];
                span o = {(const uint8_t *)st->out->data + at, st->out->len - at};
                int num;
                unsigned t = o.p[0], w;
                if (t == 28 && o.n == 3) num = s16((unsigned)o.p[1] << 8 | o.p[2]);
                else if (t >= 32 && t <= 246 && o.n == 1) num = (int)t - 139;
                else if (t >= 247 && t <= 250 && o.n == 2) w = o.p[1], num = ((int)t - 247) * 256 + (int)w + 108;
                else if (t >= 251 && t <= 254 && o.n == 2) w = o.p[1], num = -((int)t - 251) * 256 - (int)w - 108;
                else return -1;                 /* a fixed-point subr number: nonsense */
                st->out->len = at;
                const cff_index *ix = v == 10 ? (st->fd->has_subrs ? &st->fd->subrs : NULL) : &st->s->gsubrs;
                if (!ix || !ix->count) return -1;
                long idx = (long)num + (long)subr_bias(ix->count);
                size_t sa, sb;
                if (idx < 0 || index_get(c, ix, (unsigned)idx, &sa, &sb)) return -1;
                if (cs_run(st, sa, sb, depth + 1)) return -1;
                p += 1;
                continue;
            }
            if (v == 11) return 0;              /* return: not copied */
            if (v == 12) {
                unsigned x;
                if (rd_u8(c, p + 1, &x)) return -1;
                /* flex and the deprecated dotsection clear the stack; the
                 * arithmetic operators leave results whose count this
                 * copier does not track, so such a font is not subset here */
                if (x != 0 && (x < 34 || x > 37)) return -1;
                len = 2;
            }
            /* endchar with four or more operands is seac, an accented glyph
             * built from two standard-encoded glyphs: meaningless once
             * CID-keyed, so such a font is not subset here either */
            if (v == 14 && st->nargs >= 4) return -1;
            if (v == 1 || v == 3 || v == 18 || v == 23) st->nstems += st->nargs / 2;
            if (v == 19 || v == 20) {           /* operands here are implicit vstems */
                st->nstems += st->nargs / 2;
                len = 1 + (st->nstems + 7) / 8;
            }
            if (p + len > b) return -1;
            buf_add(st->out, c.p + p, len);
            st->nargs = 0;
            if (v == 14) st->done = 1;
            p += len;
            continue;
        }
        if (p + len > b || st->nargs >= 48) return -1;
        st->arg_at[st->nargs++] = st->out->len;
        buf_add(st->out, c.p + p, len);
        p += len;
    }
    return 0;
}

/* ---- CFF writing ---- */

static void put8(buf *b, unsigned v) {
    unsigned char x = (unsigned char)v;
    buf_add(b, &x, 1);
}
static void put16(buf *b, unsigned v) {
    put8(b, v >> 8);
    put8(b, v);
}
static void put32(buf *b, uint32_t v) {
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}
/* DICT integer in its fixed five-byte form, so a DICT's size does not
 * depend on the offsets it holds. */
static void dict_int5(buf *b, int32_t v) {
    put8(b, 29);
    put32(b, (uint32_t)v);
}
static void dict_int(buf *b, int v) {
    if (v >= -107 && v <= 107) put8(b, (unsigned)(v + 139));
    else if (v >= 108 && v <= 1131) v -= 108, put8(b, (unsigned)(v >> 8) + 247), put8(b, (unsigned)v & 0xff);
    else if (v >= -1131 && v <= -108) v = -v - 108, put8(b, (unsigned)(v >> 8) + 251), put8(b, (unsigned)v & 0xff);
    else if (v >= -32768 && v <= 32767) put8(b, 28), put16(b, (unsigned)v & 0xffff);
    else dict_int5(b, v);
}
static void dict_op(buf *b, unsigned op) {
    if (op >= 1200) put8(b, 12), put8(b, op - 1200);
    else put8(b, op);
}

/* INDEX of n objects whose ends (cumulative lengths) are in ends[]. */
static void put_index_head(buf *b, unsigned n, const size_t *ends) {
    put16(b, n);
    if (!n) return;
    size_t total = ends[n - 1] + 1;
    unsigned osz = total < 0x100 ? 1 : total < 0x10000 ? 2 : total < 0x1000000 ? 3 : 4;
    put8(b, osz);
    for (unsigned i = 0; i <= n; i++) {
        uint32_t o = (uint32_t)(i ? ends[i - 1] : 0) + 1;
        for (unsigned k = osz; k-- > 0;) put8(b, (o >> (8 * k)) & 0xff);
    }
}
static size_t index_size(unsigned n, size_t total) {
    if (!n) return 2;
    unsigned osz = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
    return 3 + (size_t)(n + 1) * osz + total;
}

/* A DICT's entries except the listed operators, copied verbatim. */
static int dict_copy_except(span c, size_t a, size_t b, const unsigned *drop, size_t n_drop, buf *out) {
    size_t p = a;
    dict_ent d;
    int r;
    while ((r = dict_next(c, &p, b, &d)) == 1) {
        int skip = 0;
        for (size_t i = 0; i < n_drop; i++) skip |= d.op == drop[i];
        if (!skip) buf_add(out, c.p + d.a, p - d.a);
    }
    return r;
}

/* The kept glyphs' charstrings into cs, subroutines inlined when the font
 * has any; fdof[i]: the Font DICT of keep[i], ends[i]: where its
 * charstring ends in cs.  0, or -1 with *why set (cs is damaged). */
static int copy_charstrings(span c, cff_src *s, const unsigned *keep, size_t nk, unsigned *fdof, size_t *ends, buf *cs,
                            const char **why) {
    int inline_subrs = s->gsubrs.count > 0;
    for (unsigned i = 0; i < s->n_fds; i++) inline_subrs |= s->fds[i].has_subrs;
    for (size_t i = 0; i < nk; i++) {
        size_t a, b;
        if (src_fd(s, keep[i], &fdof[i]) || index_get(c, &s->charstrings, keep[i], &a, &b)) return -1;
        if (!inline_subrs) {
            buf_add(cs, c.p + a, b - a);
        } else {
            cs_state st = {.s = s, .fd = &s->fds[fdof[i]], .out = cs, .glyph_start = cs->len};
            if (cs_run(&st, a, b, 0)) {
                *why = "a charstring cannot be inlined";
                return -1;
            }
        }
        ends[i] = cs->len;
    }
    return 0;
}

/* The Top DICT's fixed part: ROS Adobe-Identity-0 (SIDs 391 and 392 are
 * the two custom strings), the source's FontBBox and FontMatrix, CIDCount. */
static void top_dict(span c, const cff_src *s, buf *top) {
    dict_int(top, 391), dict_int(top, 392), dict_int(top, 0), dict_op(top, 1230);
    size_t p = s->top_a;
    dict_ent d;
    while (dict_next(c, &p, s->top_b, &d) == 1)
        if (d.op == 5 || d.op == 1207) buf_add(top, c.p + d.a, p - d.a);
    dict_int(top, (int)s->charstrings.count), dict_op(top, 1234);
}

int fsub_cff_subset(hb_face_t *face, const unsigned *gids, size_t n, buf *out, err *e) {
    buf_reset(out);
    hb_blob_t *blob;
    span c = fsub_table(face, HB_TAG('C', 'F', 'F', ' '), &blob);
    cff_src s = {0};
    int rc = -1;
    buf cs, privs, fdd, top;
    buf_init(&cs), buf_init(&privs), buf_init(&fdd), buf_init(&top);
    unsigned *keep = NULL, *fdof = NULL;
    size_t *ends = NULL, *priv_end = NULL, *fd_end = NULL, nk = 0;
    const char *why = "the CFF table is damaged";
    if (src_open(c, &s)) goto done;

    /* the kept glyphs: .notdef, then the asked-for ones in order */
    keep = xmalloc((n + 1) * sizeof *keep);
    fdof = xmalloc((n + 1) * sizeof *fdof);
    ends = xmalloc((n + 1) * sizeof *ends);
    priv_end = xcalloc(s.n_fds, sizeof *priv_end);
    fd_end = xcalloc(s.n_fds, sizeof *fd_end);
    keep[nk++] = 0;
    for (size_t i = 0; i < n; i++)
        if (gids[i] != 0 && gids[i] > keep[nk - 1]) keep[nk++] = gids[i];
    if (keep[nk - 1] >= s.charstrings.count) { why = "a glyph is outside the CFF table"; goto done; }

    if (copy_charstrings(c, &s, keep, nk, fdof, ends, &cs, &why) < 0) goto done;

    /* Private DICTs without Subrs; FD DICTs without Private and FontName
     * (an SID into the source's strings), each then given its Private's
     * size and offset: 11 bytes in five-byte integers. */
    static const unsigned drop_priv[] = {19};
    static const unsigned drop_fd[] = {18, 1238};
    enum { PRIV_REF = 11 };
    for (unsigned i = 0; i < s.n_fds; i++) {
        if (dict_copy_except(c, s.fds[i].priv_a, s.fds[i].priv_b, drop_priv, 1, &privs) < 0) goto done;
        priv_end[i] = privs.len;
        size_t a, b;
        if (s.cid && (index_get(c, &s.fdarray, i, &a, &b) || dict_copy_except(c, a, b, drop_fd, 2, &fdd) < 0))
            goto done;
        fd_end[i] = fdd.len;
    }

    /* Top DICT: ROS Adobe-Identity-0 (SIDs 391 and 392 are the two custom
     * strings), the source's FontBBox and FontMatrix, CIDCount, then four
     * offsets in five-byte form so its size is known before they are. */
    top_dict(c, &s, &top);
    size_t top_len = top.len + 4 * 5 + 1 + 2 + 1 + 2;   /* four int5s and their operators */

    char name[64];   /* the face's name only: the rest of fsub_info is not needed here */
    ps_name(face, name);
    size_t name_len = strlen(name);

    /* Layout: header, Name, Top DICT, String, GSubrs (empty), charset,
     * FDSelect, CharStrings, FDArray, Private DICTs. */
    unsigned nranges = 0;
    for (size_t i = 0; i < nk; i++)
        if (i == 0 || fdof[i] != fdof[i - 1]) nranges++;
    size_t off = 4 + index_size(1, name_len) + index_size(1, top_len) + index_size(2, 13) + index_size(0, 0);
    size_t o_charset = off;
    off += 1 + 2 * (nk - 1);
    size_t o_fdselect = off;
    off += 1 + 2 + 3 * (size_t)nranges + 2;
    size_t o_cs = off;
    off += index_size((unsigned)nk, cs.len);
    size_t o_fdarray = off;
    off += index_size(s.n_fds, fdd.len + PRIV_REF * (size_t)s.n_fds);
    size_t o_priv = off;

    put8(out, 1), put8(out, 0), put8(out, 4), put8(out, 4);
    put_index_head(out, 1, &name_len);
    buf_add(out, name, name_len);
    dict_int5(&top, (int32_t)o_charset), dict_op(&top, 15);
    dict_int5(&top, (int32_t)o_fdselect), dict_op(&top, 1237);
    dict_int5(&top, (int32_t)o_cs), dict_op(&top, 17);
    dict_int5(&top, (int32_t)o_fdarray), dict_op(&top, 1236);
    put_index_head(out, 1, &top.len);
    buf_add(out, top.data, top.len);
    static const size_t str_ends[2] = {5, 13};
    put_index_head(out, 2, str_ends);
    buf_add(out, "AdobeIdentity", 13);
    put16(out, 0);                                    /* no global subrs */
    put8(out, 0);                                     /* charset format 0: CID per glyph */
    for (size_t i = 1; i < nk; i++) put16(out, keep[i]);
    put8(out, 3), put16(out, nranges);                /* FDSelect format 3 */
    for (size_t i = 0; i < nk; i++)
        if (i == 0 || fdof[i] != fdof[i - 1]) put16(out, (unsigned)i), put8(out, fdof[i]);
    put16(out, (unsigned)nk);
    put_index_head(out, (unsigned)nk, ends);
    buf_add(out, cs.data, cs.len);
    for (unsigned i = 0; i < s.n_fds; i++) fd_end[i] += PRIV_REF * (size_t)(i + 1);
    put_index_head(out, s.n_fds, fd_end);
    for (unsigned i = 0; i < s.n_fds; i++) {
        size_t from = i ? fd_end[i - 1] - PRIV_REF * (size_t)i : 0;
        size_t to = fd_end[i] - PRIV_REF * (size_t)(i + 1);
        buf_add(out, fdd.data + from, to - from);
        size_t pa = i ? priv_end[i - 1] : 0;
        dict_int5(out, (int32_t)(priv_end[i] - pa));
        dict_int5(out, (int32_t)(o_priv + pa));
        dict_op(out, 18);
    }
    buf_add(out, privs.data, privs.len);
    if (out->len != o_priv + privs.len) { why = "internal size mismatch"; goto done; }
    rc = 0;
done:
    if (rc) {
        buf_reset(out);
        err_set(e, TB_EFONT, NULL, 0, 0, "cannot subset the font: %s", why);
    }
    free(s.fds);
    free(keep), free(fdof), free(ends), free(priv_end), free(fd_end);
    buf_free(&cs), buf_free(&privs), buf_free(&fdd), buf_free(&top);
    hb_blob_destroy(blob);
    return rc;
}
