/*
 * writer.h: the bounded writer of src/wire/ (build.c writes queries with it,
 * dnssec.c the canonical form of RRsets). Private to wire/.
 *
 * Invariant: a put fails with DP_ESPACE, writing nothing, when its bytes do
 * not fit; pos never exceeds cap.
 */
#ifndef DNSPROBE_WIRE_WRITER_H
#define DNSPROBE_WIRE_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnsprobe/status.h"

struct writer
{
  uint8_t *buf;
  size_t cap;
  size_t pos;
};

static inline dp_status_t put_bytes(struct writer *w, const void *data,
                                    size_t n)
{
  if (n > w->cap - w->pos)
    return DP_ESPACE;
  if (n > 0)
    memcpy(w->buf + w->pos, data, n);
  w->pos += n;
  return DP_OK;
}

static inline dp_status_t put_u16(struct writer *w, uint16_t v)
{
  const uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
  return put_bytes(w, b, sizeof b);
}

static inline dp_status_t put_u32(struct writer *w, uint32_t v)
{
  const uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
                        (uint8_t)(v >> 8), (uint8_t)v};
  return put_bytes(w, b, sizeof b);
}

#endif
