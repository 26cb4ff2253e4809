/*
 * rdata.h: bounded readers for the RDATA zone mode reads: the names of NS
 * and CNAME records (RFC 1035 3.3.11, 3.3.1), A and AAAA addresses (RFC
 * 1035 3.4.1, RFC 3596 2.2), the SOA (RFC 1035 3.3.13), and the owner of a
 * record, out of a message parsed by dp_wire_msg_parse.
 *
 * Every reader checks the record's offsets against the message first, so a
 * forged struct dp_wire_rr cannot make a read leave the buffer, and a name
 * inside RDATA must end inside it. Names come out uncompressed, in wire
 * form, in the case the message carries them.
 */
#ifndef DNSPROBE_RDATA_H
#define DNSPROBE_RDATA_H

#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/dns.h"
#include "dnsprobe/status.h"
#include "dnsprobe/wire.h"

/* An SOA's RDATA (RFC 1035 3.3.13). */
struct dp_wire_soa
{
  uint8_t mname[DP_DNS_NAME_MAX]; /* the primary server's name */
  size_t mname_len;
  uint8_t rname[DP_DNS_NAME_MAX]; /* the contact's mailbox, as a name */
  size_t rname_len;
  uint32_t serial, refresh, retry, expire, minimum;
};

/**
 * The owner name of rr into out (at least DP_DNS_NAME_MAX bytes to be safe).
 * Returns DP_OK, DP_EINVAL (NULL argument), DP_EMALFORMED or DP_ESPACE.
 */
dp_status_t dp_wire_rr_owner(const struct dp_wire_msg *msg,
                             const struct dp_wire_rr *rr, uint8_t *out,
                             size_t cap, size_t *len);

/**
 * The name an NS, CNAME or PTR record holds, into out (at least
 * DP_DNS_NAME_MAX bytes to be safe). Returns DP_OK, DP_EINVAL (NULL
 * argument, another type), DP_EMALFORMED (a bad name, or one that runs past
 * the RDATA) or DP_ESPACE.
 */
dp_status_t dp_wire_rdata_name(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr, uint8_t *out,
                               size_t cap, size_t *len);

/**
 * The address an A (4 bytes) or AAAA (16 bytes) record holds, into out;
 * *len says which. Returns DP_OK, DP_EINVAL (NULL argument, another type)
 * or DP_EMALFORMED (RDLENGTH not that of the type, or past the message).
 */
dp_status_t dp_wire_rdata_addr(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr, uint8_t out[16],
                               size_t *len);

/**
 * An SOA record's RDATA into soa: both names (which must end inside the
 * RDATA) and the five counters, with nothing left over. Returns DP_OK,
 * DP_EINVAL (NULL argument, not an SOA) or DP_EMALFORMED.
 */
dp_status_t dp_wire_soa_read(const struct dp_wire_msg *msg,
                             const struct dp_wire_rr *rr,
                             struct dp_wire_soa *soa);

#endif
