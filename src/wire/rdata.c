/*
 * rdata.c: the RDATA zone mode reads (NS and CNAME names, A and AAAA
 * addresses, the SOA) and record owners, out of a parsed message.
 *
 * Invariants: bytes are read only through the bounded reader (reader.h),
 * over a window that ends at the record's RDATA; the offsets of the struct
 * dp_wire_rr handed in are checked against the message first; names are
 * read with dp_wire_name_read (the pointer rules of parse.c) and must end
 * inside the RDATA. Nothing here allocates.
 */
#include <string.h>

#include "dnsprobe/rdata.h"
#include "reader.h"

/* A reader over rr's RDATA in msg. */
static dp_status_t rdata_window(const struct dp_wire_msg *msg,
                                const struct dp_wire_rr *rr,
                                struct reader *rdata)
{
  struct reader r = {msg->buf, msg->len, 0};

  if (rd_seek(&r, rr->rdata_off) != DP_OK ||
      rd_window(&r, rr->rdlength, rdata) != DP_OK)
    return DP_EMALFORMED;
  return DP_OK;
}

/* A possibly compressed name at r->pos that must end inside r's window;
 * r moves past it. */
static dp_status_t read_name(const struct dp_wire_msg *msg, struct reader *r,
                             uint8_t *out, size_t cap, size_t *len)
{
  size_t next = 0;
  dp_status_t st =
      dp_wire_name_read(msg->buf, msg->len, r->pos, out, cap, len, &next);

  if (st != DP_OK)
    return st;
  if (next > r->len)
    return DP_EMALFORMED;
  return rd_seek(r, next);
}

dp_status_t dp_wire_rr_owner(const struct dp_wire_msg *msg,
                             const struct dp_wire_rr *rr, uint8_t *out,
                             size_t cap, size_t *len)
{
  if (msg == NULL || msg->buf == NULL || rr == NULL || out == NULL ||
      len == NULL)
    return DP_EINVAL;
  *len = 0;
  if (rr->owner_off >= msg->len)
    return DP_EMALFORMED;
  return dp_wire_name_read(msg->buf, msg->len, rr->owner_off, out, cap, len,
                           NULL);
}

dp_status_t dp_wire_rdata_name(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr, uint8_t *out,
                               size_t cap, size_t *len)
{
  struct reader rdata;

  if (msg == NULL || msg->buf == NULL || rr == NULL || out == NULL ||
      len == NULL)
    return DP_EINVAL;
  *len = 0;
  if (rr->type != DP_TYPE_NS && rr->type != DP_TYPE_CNAME &&
      rr->type != DP_TYPE_PTR)
    return DP_EINVAL;
  if (rdata_window(msg, rr, &rdata) != DP_OK)
    return DP_EMALFORMED;
  return read_name(msg, &rdata, out, cap, len);
}

dp_status_t dp_wire_rdata_addr(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr, uint8_t out[16],
                               size_t *len)
{
  struct reader rdata;
  size_t want;

  if (msg == NULL || msg->buf == NULL || rr == NULL || out == NULL ||
      len == NULL)
    return DP_EINVAL;
  *len = 0;
  if (rr->type == DP_TYPE_A)
    want = 4;
  else if (rr->type == DP_TYPE_AAAA)
    want = 16;
  else
    return DP_EINVAL;
  if (rr->rdlength != want || rdata_window(msg, rr, &rdata) != DP_OK ||
      rd_copy(&rdata, out, want) != DP_OK)
    return DP_EMALFORMED;
  *len = want;
  return DP_OK;
}

dp_status_t dp_wire_soa_read(const struct dp_wire_msg *msg,
                             const struct dp_wire_rr *rr,
                             struct dp_wire_soa *soa)
{
  struct reader rdata;

  if (msg == NULL || msg->buf == NULL || rr == NULL || soa == NULL)
    return DP_EINVAL;
  memset(soa, 0, sizeof(*soa));
  if (rr->type != DP_TYPE_SOA)
    return DP_EINVAL;
  if (rdata_window(msg, rr, &rdata) != DP_OK ||
      read_name(msg, &rdata, soa->mname, sizeof(soa->mname), &soa->mname_len) !=
          DP_OK ||
      read_name(msg, &rdata, soa->rname, sizeof(soa->rname), &soa->rname_len) !=
          DP_OK ||
      rd_u32(&rdata, &soa->serial) != DP_OK ||
      rd_u32(&rdata, &soa->refresh) != DP_OK ||
      rd_u32(&rdata, &soa->retry) != DP_OK ||
      rd_u32(&rdata, &soa->expire) != DP_OK ||
      rd_u32(&rdata, &soa->minimum) != DP_OK || rd_left(&rdata) != 0)
  {
    memset(soa, 0, sizeof(*soa));
    return DP_EMALFORMED;
  }
  return DP_OK;
}
