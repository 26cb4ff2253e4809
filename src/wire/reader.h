/*
 * reader.h: the bounded reader over packet bytes, shared by the files of
 * src/wire/ that read wire data (parse.c, dnssec.c). Private to wire/.
 *
 * Invariant: every read checks the bound first and returns DP_EMALFORMED
 * instead of reading past r->len; pos never exceeds len.
 */
#ifndef DNSPROBE_WIRE_READER_H
#define DNSPROBE_WIRE_READER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnsprobe/status.h"

struct reader
{
  const uint8_t *buf;
  size_t len; /* reads stop here: the message or a record's RDATA end */
  size_t pos;
};

static inline size_t rd_left(const struct reader *r)
{
  return r->len - r->pos;
}

static inline dp_status_t rd_seek(struct reader *r, size_t off)
{
  if (off > r->len)
    return DP_EMALFORMED;
  r->pos = off;
  return DP_OK;
}

static inline dp_status_t rd_skip(struct reader *r, size_t n)
{
  if (n > rd_left(r))
    return DP_EMALFORMED;
  r->pos += n;
  return DP_OK;
}

static inline dp_status_t rd_u8(struct reader *r, uint8_t *v)
{
  if (rd_left(r) < 1)
    return DP_EMALFORMED;
  *v = r->buf[r->pos++];
  return DP_OK;
}

static inline dp_status_t rd_u16(struct reader *r, uint16_t *v)
{
  if (rd_left(r) < 2)
    return DP_EMALFORMED;
  *v = (uint16_t)(r->buf[r->pos] << 8 | r->buf[r->pos + 1]);
  r->pos += 2;
  return DP_OK;
}

static inline dp_status_t rd_u32(struct reader *r, uint32_t *v)
{
  if (rd_left(r) < 4)
    return DP_EMALFORMED;
  *v = (uint32_t)r->buf[r->pos] << 24 | (uint32_t)r->buf[r->pos + 1] << 16 |
       (uint32_t)r->buf[r->pos + 2] << 8 | (uint32_t)r->buf[r->pos + 3];
  r->pos += 4;
  return DP_OK;
}

static inline dp_status_t rd_copy(struct reader *r, uint8_t *out, size_t n)
{
  if (n > rd_left(r))
    return DP_EMALFORMED;
  if (n > 0)
    memcpy(out, r->buf + r->pos, n);
  r->pos += n;
  return DP_OK;
}

/*
 * A reader over the next n bytes of r, keeping absolute offsets: positions
 * read through it are offsets into the same buffer. r is not advanced.
 */
static inline dp_status_t rd_window(const struct reader *r, size_t n,
                                    struct reader *sub)
{
  if (n > rd_left(r))
    return DP_EMALFORMED;
  sub->buf = r->buf;
  sub->len = r->pos + n;
  sub->pos = r->pos;
  return DP_OK;
}

#endif
