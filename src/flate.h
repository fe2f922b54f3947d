/* flate.h — a fast zlib stream for data that does not repeat itself.
 *
 * Owns one thing: compressing font programs for the PDF writer.  CFF and
 * TrueType outlines are dense: in a 300 KB CJK subset zlib's string matching
 * finds 4% more than plain Huffman coding of the bytes, and costs three
 * times as long; it was over half of a nightly run's CPU.  flate writes a
 * single Huffman-coded deflate block of literals (codes built for this
 * data, so it is never larger than about 9/8 of the input), wrapped as a
 * zlib stream any FlateDecode reader takes.  Deterministic. */
#ifndef TB_FLATE_H
#define TB_FLATE_H

#include <stddef.h>
#include "util.h"

/* Append the zlib stream of data[0..n) to out.  0, or -1 out of memory. */
int flate_literal(const void *data, size_t n, buf *out);

#endif
