/*
 * build.c: the query builder (RFC 1035 4.1), including the deliberately odd
 * queries probes send: any opcode, the Z bit, an empty or doubled question,
 * EDNS (RFC 6891 6.1.2-6.1.4) with any version, flags and options, and the
 * IXFR authority SOA of RFC 1995 3.
 *
 * Invariants: every byte goes through the bounded writer (writer.h), which
 * fails with DP_ESPACE instead of writing past cap; names are never compressed
 * in queries; on failure *len is 0 and the buffer content is unspecified.
 */
#include <string.h>

#include "dnsprobe/wire.h"
#include "writer.h"

/* RFC 1035 4.1.1: the second header word. QR is always 0 in a query. */
static uint16_t header_flags(const struct dp_wire_query *q)
{
  uint16_t f = (uint16_t)((q->opcode & 0x0f) << 11);

  f |= q->aa ? DP_FLAG_AA : 0;
  f |= q->tc ? DP_FLAG_TC : 0;
  f |= q->rd ? DP_FLAG_RD : 0;
  f |= q->ra ? DP_FLAG_RA : 0;
  f |= q->z ? DP_FLAG_Z : 0;
  f |= q->ad ? DP_FLAG_AD : 0;
  f |= q->cd ? DP_FLAG_CD : 0;
  f |= (uint16_t)(q->rcode & 0x0f);
  return f;
}

/* RFC 6891 6.1.2: the OPT pseudo-RR; its RDATA is {code, length, data}*. */
static dp_status_t put_opt(struct writer *w, const struct dp_wire_query *q)
{
  size_t rdlen = 0;
  dp_status_t st;

  for (size_t i = 0; i < q->nopts; i++)
  {
    if (q->opts[i].len > 0 && q->opts[i].data == NULL)
      return DP_EINVAL;
    rdlen += 4 + (size_t)q->opts[i].len;
  }
  /* Eight options of 65535 bytes cannot fit in one RDATA, nor one message. */
  if (rdlen > UINT16_MAX)
    return DP_ESPACE;

  /* RFC 6891 6.1.3: TTL = EXTENDED-RCODE | VERSION | DO, Z. */
  uint16_t flags = q->edns_flags | (q->do_bit ? DP_EDNS_FLAG_DO : 0);
  uint32_t ttl =
      (uint32_t)q->ext_rcode << 24 | (uint32_t)q->edns_version << 16 | flags;
  const uint8_t root = 0;

  if ((st = put_bytes(w, &root, 1)) != DP_OK ||
      (st = put_u16(w, DP_TYPE_OPT)) != DP_OK ||
      (st = put_u16(w, q->udp_size)) != DP_OK ||
      (st = put_u32(w, ttl)) != DP_OK ||
      (st = put_u16(w, (uint16_t)rdlen)) != DP_OK)
    return st;
  for (size_t i = 0; i < q->nopts; i++)
  {
    if ((st = put_u16(w, q->opts[i].code)) != DP_OK ||
        (st = put_u16(w, q->opts[i].len)) != DP_OK ||
        (st = put_bytes(w, q->opts[i].data, q->opts[i].len)) != DP_OK)
      return st;
  }
  return DP_OK;
}

/*
 * RFC 1995 3: the client's SOA in the authority section. Owner the zone,
 * class IN, TTL 0, MNAME and RNAME the root, SERIAL as given, the four
 * timers 0 (only the serial is read by the server).
 */
static dp_status_t put_ixfr_soa(struct writer *w, const uint8_t *owner,
                                size_t owner_len, uint32_t serial)
{
  static const uint8_t root_names[2] = {0, 0};
  dp_status_t st;

  if ((st = put_bytes(w, owner, owner_len)) != DP_OK ||
      (st = put_u16(w, DP_TYPE_SOA)) != DP_OK ||
      (st = put_u16(w, DP_CLASS_IN)) != DP_OK ||
      (st = put_u32(w, 0)) != DP_OK ||
      (st = put_u16(w, sizeof root_names + 5 * 4)) != DP_OK ||
      (st = put_bytes(w, root_names, sizeof root_names)) != DP_OK ||
      (st = put_u32(w, serial)) != DP_OK)
    return st;
  for (int i = 0; i < 4; i++)
  {
    if ((st = put_u32(w, 0)) != DP_OK)
      return st;
  }
  return DP_OK;
}

dp_status_t dp_wire_query_write(const struct dp_wire_query *q, uint8_t *buf,
                                size_t cap, size_t *len)
{
  struct writer w = {buf, cap, 0};
  uint8_t qname[DP_DNS_NAME_MAX];
  size_t qname_len = 0;
  uint16_t qdcount = 1;
  dp_status_t st;

  if (len != NULL)
    *len = 0;
  if (q == NULL || buf == NULL || len == NULL)
    return DP_EINVAL;
  if (q->opcode > 15 || q->rcode > 15 || q->nopts > DP_WIRE_EDNS_OPTS_MAX)
    return DP_EINVAL;
  if (q->no_question && q->double_question)
    return DP_EINVAL;
  if (q->no_question)
    qdcount = 0;
  else if (q->double_question)
    qdcount = 2;

  if (qdcount > 0 || q->ixfr_soa)
  {
    if (q->qname == NULL)
      return DP_EINVAL;
    st = dp_wire_name_fromstr(q->qname, qname, sizeof qname, &qname_len);
    if (st != DP_OK)
      return st;
  }

  /* RFC 1035 4.1.1: ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT. */
  if ((st = put_u16(&w, q->id)) != DP_OK ||
      (st = put_u16(&w, header_flags(q))) != DP_OK ||
      (st = put_u16(&w, qdcount)) != DP_OK || (st = put_u16(&w, 0)) != DP_OK ||
      (st = put_u16(&w, q->ixfr_soa ? 1 : 0)) != DP_OK ||
      (st = put_u16(&w, q->edns ? 1 : 0)) != DP_OK)
    return st;

  /* RFC 1035 4.1.2: QNAME, QTYPE, QCLASS, once per QDCOUNT. */
  for (uint16_t i = 0; i < qdcount; i++)
  {
    if ((st = put_bytes(&w, qname, qname_len)) != DP_OK ||
        (st = put_u16(&w, q->qtype)) != DP_OK ||
        (st = put_u16(&w, q->qclass)) != DP_OK)
      return st;
  }

  if (q->ixfr_soa &&
      (st = put_ixfr_soa(&w, qname, qname_len, q->ixfr_serial)) != DP_OK)
    return st;
  if (q->edns && (st = put_opt(&w, q)) != DP_OK)
    return st;

  *len = w.pos;
  return DP_OK;
}
