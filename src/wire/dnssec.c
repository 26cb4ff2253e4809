/*
 * dnssec.c: the DNSSEC records in wire form: RDATA readers for DNSKEY,
 * RRSIG, DS (RFC 4034 2, 3, 5) and NSEC3PARAM (RFC 5155 4.2), the RSA key
 * (RFC 3110 2) and ECDSA signature (RFC 6605 4) layouts, key tags
 * (RFC 4034 Appendix B), the data an RRSIG signs (RFC 4034 3.1.8.1, 6.2,
 * 6.3), the DS digest input (RFC 4034 5.1.4), and RRSIG times (RFC 4034
 * 3.1.5 with RFC 1982).
 *
 * Invariants:
 * - Record bytes are read only through the bounded reader (reader.h), over
 *   a window that ends at the record's RDATA; the rr offsets handed in are
 *   checked against the message length, so a forged dp_wire_rr cannot make
 *   a read leave the buffer.
 * - Canonical data is written only through the bounded writer (writer.h).
 * - Names inside RDATA are read with dp_wire_name_read (pointer rules of
 *   parse.c) and must end inside the RDATA.
 * - Nothing here allocates; sorting works in place inside the caller's
 *   buffer.
 */
#include <string.h>

#include "dnsprobe/dnssec_wire.h"
#include "reader.h"
#include "writer.h"

/* ---- record windows and names ------------------------------------------- */

/* A reader over rr's RDATA in msg, when rr is of type want. */
static dp_status_t rdata_window(const struct dp_wire_msg *msg,
                                const struct dp_wire_rr *rr, uint16_t want,
                                struct reader *rdata)
{
  if (msg == NULL || msg->buf == NULL || rr == NULL || rr->type != want)
    return DP_EINVAL;
  struct reader r = {msg->buf, msg->len, 0};
  if (rd_seek(&r, rr->rdata_off) != DP_OK ||
      rd_window(&r, rr->rdlength, rdata) != DP_OK)
    return DP_EMALFORMED;
  return DP_OK;
}

static struct dp_wire_span span_at(const struct reader *r, size_t n)
{
  struct dp_wire_span s = {n > 0 ? r->buf + r->pos : NULL, n};
  return s;
}

/* ASCII lower case (RFC 4034 6.1, RFC 4343); length bytes (< 64) stay. */
static void name_lower(uint8_t *name, size_t len)
{
  for (size_t i = 0; i < len; i++)
  {
    if (name[i] >= 'A' && name[i] <= 'Z')
      name[i] = (uint8_t)(name[i] - 'A' + 'a');
  }
}

/* Labels of a valid uncompressed wire name, the root not counted. */
static unsigned name_labels(const uint8_t *name, size_t len)
{
  unsigned n = 0;

  for (size_t i = 0; i < len && name[i] != 0; i += 1 + (size_t)name[i])
    n++;
  return n;
}

/*
 * An uncompressed name inside r (RFC 4034 3.1.7 for the signer's name):
 * labels of at most 63 bytes, 255 bytes in all, no pointer.
 */
static dp_status_t read_plain_name(struct reader *r,
                                   uint8_t name[DP_DNS_NAME_MAX], size_t *len)
{
  size_t out = 0;

  for (;;)
  {
    uint8_t n;
    if (rd_u8(r, &n) != DP_OK || n > DP_DNS_LABEL_MAX ||
        out + 1 + (size_t)n > DP_DNS_NAME_MAX)
      return DP_EMALFORMED;
    name[out++] = n;
    if (n == 0)
      break;
    if (rd_copy(r, name + out, n) != DP_OK)
      return DP_EMALFORMED;
    out += n;
  }
  *len = out;
  return DP_OK;
}

/* A possibly compressed name at r->pos that must end inside r's window. */
static dp_status_t read_rdata_name(const struct dp_wire_msg *msg,
                                   struct reader *r,
                                   uint8_t name[DP_DNS_NAME_MAX], size_t *len)
{
  size_t next;

  if (dp_wire_name_read(msg->buf, msg->len, r->pos, name, DP_DNS_NAME_MAX, len,
                        &next) != DP_OK ||
      next > r->len)
    return DP_EMALFORMED;
  return rd_seek(r, next);
}

/* The owner of rr, uncompressed and lower-cased (RFC 4034 6.2 item 1-2). */
static dp_status_t read_owner(const struct dp_wire_msg *msg,
                              const struct dp_wire_rr *rr,
                              uint8_t name[DP_DNS_NAME_MAX], size_t *len)
{
  if (dp_wire_name_read(msg->buf, msg->len, rr->owner_off, name,
                        DP_DNS_NAME_MAX, len, NULL) != DP_OK)
    return DP_EMALFORMED;
  name_lower(name, *len);
  return DP_OK;
}

/* ---- RDATA readers ------------------------------------------------------ */

uint16_t dp_wire_key_tag(const uint8_t *rdata, size_t len)
{
  uint64_t ac = 0;

  if (rdata == NULL)
    return 0;
  /* B.1: algorithm 1 takes bits 8-23 from the end of the modulus, which
   * ends the key field (RFC 3110 2). */
  if (len >= 4 && rdata[3] == DP_DNSSEC_ALG_RSAMD5)
  {
    if (len < 4 + 3)
      return 0;
    return (uint16_t)(rdata[len - 3] << 8 | rdata[len - 2]);
  }
  for (size_t i = 0; i < len; i++)
    ac += (i & 1) ? rdata[i] : (uint64_t)rdata[i] << 8;
  ac += ac >> 16 & 0xffff;
  return (uint16_t)(ac & 0xffff);
}

/* RFC 4034 2.1: Flags (2), Protocol (1), Algorithm (1), Public Key. */
dp_status_t dp_wire_dnskey_read(const struct dp_wire_msg *msg,
                                const struct dp_wire_rr *rr,
                                struct dp_wire_dnskey *out)
{
  struct reader r;
  dp_status_t st;

  if (out == NULL)
    return DP_EINVAL;
  if ((st = rdata_window(msg, rr, DP_TYPE_DNSKEY, &r)) != DP_OK)
    return st;
  struct dp_wire_span rdata = span_at(&r, rd_left(&r));
  if (rd_u16(&r, &out->flags) != DP_OK || rd_u8(&r, &out->protocol) != DP_OK ||
      rd_u8(&r, &out->algorithm) != DP_OK)
    return DP_EMALFORMED;
  out->key = span_at(&r, rd_left(&r));
  out->key_tag = dp_wire_key_tag(rdata.data, rdata.len);
  return DP_OK;
}

/* RFC 4034 3.1: the 18 fixed bytes, the signer's name, the signature. */
dp_status_t dp_wire_rrsig_read(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr,
                               struct dp_wire_rrsig *out)
{
  struct reader r;
  dp_status_t st;

  if (out == NULL)
    return DP_EINVAL;
  if ((st = rdata_window(msg, rr, DP_TYPE_RRSIG, &r)) != DP_OK)
    return st;
  if (rd_u16(&r, &out->type_covered) != DP_OK ||
      rd_u8(&r, &out->algorithm) != DP_OK || rd_u8(&r, &out->labels) != DP_OK ||
      rd_u32(&r, &out->original_ttl) != DP_OK ||
      rd_u32(&r, &out->expiration) != DP_OK ||
      rd_u32(&r, &out->inception) != DP_OK ||
      rd_u16(&r, &out->key_tag) != DP_OK ||
      read_plain_name(&r, out->signer, &out->signer_len) != DP_OK)
    return DP_EMALFORMED;
  out->signature = span_at(&r, rd_left(&r));
  return DP_OK;
}

/* RFC 4034 5.1: Key Tag (2), Algorithm (1), Digest Type (1), Digest. */
dp_status_t dp_wire_ds_read(const struct dp_wire_msg *msg,
                            const struct dp_wire_rr *rr, struct dp_wire_ds *out)
{
  struct reader r;
  dp_status_t st;

  if (out == NULL)
    return DP_EINVAL;
  if ((st = rdata_window(msg, rr, DP_TYPE_DS, &r)) != DP_OK)
    return st;
  if (rd_u16(&r, &out->key_tag) != DP_OK ||
      rd_u8(&r, &out->algorithm) != DP_OK ||
      rd_u8(&r, &out->digest_type) != DP_OK)
    return DP_EMALFORMED;
  out->digest = span_at(&r, rd_left(&r));
  return DP_OK;
}

/* RFC 5155 4.2: Hash Algorithm, Flags, Iterations (2), Salt Length, Salt. */
dp_status_t dp_wire_nsec3param_read(const struct dp_wire_msg *msg,
                                    const struct dp_wire_rr *rr,
                                    struct dp_wire_nsec3param *out)
{
  struct reader r;
  uint8_t salt_len;
  dp_status_t st;

  if (out == NULL)
    return DP_EINVAL;
  if ((st = rdata_window(msg, rr, DP_TYPE_NSEC3PARAM, &r)) != DP_OK)
    return st;
  if (rd_u8(&r, &out->hash_algorithm) != DP_OK ||
      rd_u8(&r, &out->flags) != DP_OK ||
      rd_u16(&r, &out->iterations) != DP_OK || rd_u8(&r, &salt_len) != DP_OK ||
      rd_left(&r) != salt_len)
    return DP_EMALFORMED;
  out->salt = span_at(&r, salt_len);
  return DP_OK;
}

/* ---- key and signature layouts ------------------------------------------ */

/* A reader over the bytes of a span (spans come from a reader already). */
static struct reader span_reader(struct dp_wire_span s)
{
  struct reader r = {s.data, s.data != NULL ? s.len : 0, 0};
  return r;
}

dp_status_t dp_wire_dnskey_rsa(const struct dp_wire_dnskey *key,
                               struct dp_wire_rsa_key *out)
{
  uint8_t n8;
  uint16_t elen;

  if (key == NULL || out == NULL)
    return DP_EINVAL;
  struct reader r = span_reader(key->key);
  if (rd_u8(&r, &n8) != DP_OK)
    return DP_EMALFORMED;
  elen = n8;
  if (n8 == 0 && rd_u16(&r, &elen) != DP_OK)
    return DP_EMALFORMED;
  if (elen == 0 || elen >= rd_left(&r))
    return DP_EMALFORMED;
  out->exponent = span_at(&r, elen);
  rd_skip(&r, elen); /* fits: checked above */
  out->modulus = span_at(&r, rd_left(&r));
  return DP_OK;
}

unsigned dp_wire_dnskey_bits(const struct dp_wire_dnskey *key)
{
  struct dp_wire_rsa_key rsa;

  if (key == NULL)
    return 0;
  switch (key->algorithm)
  {
  case DP_DNSSEC_ALG_RSAMD5:
  case DP_DNSSEC_ALG_RSASHA1:
  case DP_DNSSEC_ALG_RSASHA1_NSEC3_SHA1:
  case DP_DNSSEC_ALG_RSASHA256:
  case DP_DNSSEC_ALG_RSASHA512: {
    if (dp_wire_dnskey_rsa(key, &rsa) != DP_OK)
      return 0;
    struct reader r = span_reader(rsa.modulus);
    uint8_t b = 0;
    while (rd_u8(&r, &b) == DP_OK && b == 0)
      ;
    if (b == 0)
      return 0;
    unsigned bits = (unsigned)rd_left(&r) * 8;
    for (; b != 0; b >>= 1)
      bits++;
    return bits;
  }
  case DP_DNSSEC_ALG_ECDSAP256SHA256:
    return key->key.len == 64 ? 256 : 0;
  case DP_DNSSEC_ALG_ECDSAP384SHA384:
    return key->key.len == 96 ? 384 : 0;
  case DP_DNSSEC_ALG_ED25519:
    return key->key.len == 32 ? 256 : 0;
  case DP_DNSSEC_ALG_ED448:
    return key->key.len == 57 ? 456 : 0;
  default:
    return 0;
  }
}

dp_status_t dp_wire_ecdsa_sig_split(struct dp_wire_span sig, size_t field_len,
                                    struct dp_wire_ecdsa_sig *out)
{
  if (out == NULL || field_len == 0)
    return DP_EINVAL;
  struct reader r = span_reader(sig);
  if (rd_left(&r) / 2 != field_len || rd_left(&r) % 2 != 0)
    return DP_EMALFORMED;
  out->r = span_at(&r, field_len);
  rd_skip(&r, field_len); /* fits: the length was checked */
  out->s = span_at(&r, field_len);
  return DP_OK;
}

/* ---- canonical form (RFC 4034 6) ---------------------------------------- */

/*
 * Where the names are in the RDATA of the types whose names RFC 4034 6.2
 * item 3 lower-cases (NSEC taken out by RFC 6840 5.1; HINFO has none; SIG,
 * NXT and A6 are obsolete and left as sent). Each character is a field in
 * order: '0'-'9' that many fixed bytes, 'N' a name, 'S' a
 * <character-string>; whatever follows the last field is copied as is.
 */
struct layout
{
  uint16_t type;
  const char *fields;
};

static const struct layout layouts[] = {
    {2, "N"},       /* NS */
    {3, "N"},       /* MD */
    {4, "N"},       /* MF */
    {5, "N"},       /* CNAME */
    {6, "NN"},      /* SOA: MNAME, RNAME, then the five numbers */
    {7, "N"},       /* MB */
    {8, "N"},       /* MG */
    {9, "N"},       /* MR */
    {12, "N"},      /* PTR */
    {14, "NN"},     /* MINFO */
    {15, "2N"},     /* MX */
    {17, "NN"},     /* RP */
    {18, "2N"},     /* AFSDB */
    {21, "2N"},     /* RT */
    {26, "2NN"},    /* PX */
    {33, "6N"},     /* SRV */
    {35, "22SSSN"}, /* NAPTR */
    {36, "2N"},     /* KX */
    {39, "N"},      /* DNAME */
};

static const char *layout_of(uint16_t type)
{
  for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
  {
    if (layouts[i].type == type)
      return layouts[i].fields;
  }
  return "";
}

/* The canonical RDATA of rr (RFC 4034 6.2 item 2-3) into w. */
static dp_status_t put_canonical_rdata(struct writer *w,
                                       const struct dp_wire_msg *msg,
                                       const struct dp_wire_rr *rr)
{
  struct reader r = {msg->buf, msg->len, 0};
  struct reader rdata;
  dp_status_t st;

  if (rd_seek(&r, rr->rdata_off) != DP_OK ||
      rd_window(&r, rr->rdlength, &rdata) != DP_OK)
    return DP_EMALFORMED;
  for (const char *f = layout_of(rr->type); *f != '\0'; f++)
  {
    uint8_t name[DP_DNS_NAME_MAX];
    size_t n;
    uint8_t n8;

    if (*f == 'N')
    {
      if (read_rdata_name(msg, &rdata, name, &n) != DP_OK)
        return DP_EMALFORMED;
      name_lower(name, n);
      if ((st = put_bytes(w, name, n)) != DP_OK)
        return st;
      continue;
    }
    if (*f == 'S')
    {
      /* RFC 1035 3.3: a length byte, then that many bytes, as sent. */
      if (rd_u8(&rdata, &n8) != DP_OK)
        return DP_EMALFORMED;
      if ((st = put_bytes(w, &n8, 1)) != DP_OK)
        return st;
      n = n8;
    }
    else
      n = (size_t)(*f - '0');
    if (n > rd_left(&rdata))
      return DP_EMALFORMED;
    struct dp_wire_span field = span_at(&rdata, n);
    if ((st = put_bytes(w, field.data, field.len)) != DP_OK)
      return st;
    rd_skip(&rdata, n); /* fits: checked above */
  }
  struct dp_wire_span rest = span_at(&rdata, rd_left(&rdata));
  return put_bytes(w, rest.data, rest.len);
}

/* One record of the RRset as written: where it starts, its RDATA. */
struct chunk
{
  size_t start; /* offset of the record in the output */
  size_t len;   /* the whole record */
  size_t rdata; /* offset of its RDATA from start */
};

/* RFC 4034 6.3: RDATA compared as left-justified unsigned octet strings. */
static int chunk_cmp(const uint8_t *buf, const struct chunk *a,
                     const struct chunk *b)
{
  size_t alen = a->len - a->rdata, blen = b->len - b->rdata;
  size_t n = alen < blen ? alen : blen;
  int c = n > 0
              ? memcmp(buf + a->start + a->rdata, buf + b->start + b->rdata, n)
              : 0;
  if (c != 0)
    return c;
  return alen < blen ? -1 : alen > blen;
}

static void reverse(uint8_t *p, size_t n)
{
  for (size_t i = 0, j = n; i + 1 < j; i++, j--)
  {
    uint8_t t = p[i];
    p[i] = p[j - 1];
    p[j - 1] = t;
  }
}

/*
 * Sort the n records written back to back from chunks[0].start into
 * canonical order in place, and drop repeated RDATA (RFC 4034 6.3; RFC
 * 2181 5 makes an RRset a set). Selection by rotation: the smallest of the
 * unsorted records is rotated to the front of them. Returns the new count;
 * the records then end at chunks[count - 1].start + len.
 */
static unsigned sort_chunks(uint8_t *buf, struct chunk *chunks, unsigned n)
{
  for (unsigned k = 0; k < n;)
  {
    unsigned m = k;
    for (unsigned j = k + 1; j < n; j++)
    {
      if (chunk_cmp(buf, &chunks[j], &chunks[m]) < 0)
        m = j;
    }
    if (m != k)
    {
      /* Rotate [start_k, end_m) right by len_m: reverse all, then each. */
      struct chunk moved = chunks[m];
      size_t from = chunks[k].start;
      size_t span = moved.start + moved.len - from;
      reverse(buf + from, span);
      reverse(buf + from, moved.len);
      reverse(buf + from + moved.len, span - moved.len);
      memmove(&chunks[k + 1], &chunks[k], (m - k) * sizeof chunks[0]);
      for (unsigned j = k + 1; j <= m; j++)
        chunks[j].start += moved.len;
      moved.start = from;
      chunks[k] = moved;
    }
    if (k > 0 && chunk_cmp(buf, &chunks[k - 1], &chunks[k]) == 0)
    {
      size_t gone = chunks[k].len;
      size_t end = chunks[n - 1].start + chunks[n - 1].len;
      size_t after = chunks[k].start + gone;
      memmove(buf + chunks[k].start, buf + after, end - after);
      memmove(&chunks[k], &chunks[k + 1], (n - k - 1) * sizeof chunks[0]);
      n--;
      for (unsigned j = k; j < n; j++)
        chunks[j].start -= gone;
      continue;
    }
    k++;
  }
  return n;
}

/*
 * The owner RR(i) carries in the signed data: the RRSIG's owner in
 * canonical form, or "*." and its rightmost labels when the Labels field
 * is smaller (RFC 4035 5.3.2).
 */
static dp_status_t signed_owner(const uint8_t *owner, size_t owner_len,
                                uint8_t labels, uint8_t out[DP_DNS_NAME_MAX],
                                size_t *out_len)
{
  unsigned have = name_labels(owner, owner_len);
  size_t skip = 0;

  if (labels > have)
    return DP_ERANGE;
  if (labels == have)
  {
    memcpy(out, owner, owner_len);
    *out_len = owner_len;
    return DP_OK;
  }
  for (unsigned i = 0; i < have - labels; i++)
    skip += 1 + (size_t)owner[skip];
  out[0] = 1;
  out[1] = '*';
  memcpy(out + 2, owner + skip, owner_len - skip);
  *out_len = 2 + owner_len - skip;
  return DP_OK;
}

dp_status_t dp_wire_rrsig_signed_data(const struct dp_wire_msg *msg,
                                      const struct dp_wire_rr *rrsig,
                                      uint8_t *out, size_t cap, size_t *len,
                                      unsigned *nrecords)
{
  struct dp_wire_rrsig sig;
  uint8_t owner[DP_DNS_NAME_MAX], rr_owner[DP_DNS_NAME_MAX];
  size_t owner_len, rr_owner_len;
  struct chunk chunks[DP_WIRE_RR_MAX];
  unsigned n = 0;
  dp_status_t st;

  if (out == NULL || len == NULL)
    return DP_EINVAL;
  if ((st = dp_wire_rrsig_read(msg, rrsig, &sig)) != DP_OK)
    return st;
  if (read_owner(msg, rrsig, owner, &owner_len) != DP_OK)
    return DP_EMALFORMED;
  if ((st = signed_owner(owner, owner_len, sig.labels, rr_owner,
                         &rr_owner_len)) != DP_OK)
    return st;

  struct writer w = {out, cap, 0};
  name_lower(sig.signer, sig.signer_len);
  if ((st = put_u16(&w, sig.type_covered)) != DP_OK ||
      (st = put_bytes(&w, (const uint8_t[]){sig.algorithm, sig.labels}, 2)) !=
          DP_OK ||
      (st = put_u32(&w, sig.original_ttl)) != DP_OK ||
      (st = put_u32(&w, sig.expiration)) != DP_OK ||
      (st = put_u32(&w, sig.inception)) != DP_OK ||
      (st = put_u16(&w, sig.key_tag)) != DP_OK ||
      (st = put_bytes(&w, sig.signer, sig.signer_len)) != DP_OK)
    return st;

  for (unsigned i = 0; i < msg->nrr && i < DP_WIRE_RR_MAX; i++)
  {
    const struct dp_wire_rr *rr = &msg->rr[i];
    if (rr->section != rrsig->section || rr->type != sig.type_covered ||
        rr->rclass != rrsig->rclass ||
        !dp_wire_rr_owner_is(msg, rr, owner, owner_len))
      continue;
    /* RFC 4034 6.2 item 5 and 3.1.8.1: TTL is the Original TTL. */
    struct chunk c = {w.pos, 0, rr_owner_len + 10};
    if ((st = put_bytes(&w, rr_owner, rr_owner_len)) != DP_OK ||
        (st = put_u16(&w, rr->type)) != DP_OK ||
        (st = put_u16(&w, rr->rclass)) != DP_OK ||
        (st = put_u32(&w, sig.original_ttl)) != DP_OK ||
        (st = put_u16(&w, 0)) != DP_OK ||
        (st = put_canonical_rdata(&w, msg, rr)) != DP_OK)
      return st;
    c.len = w.pos - c.start;
    size_t rdlen = c.len - c.rdata;
    if (rdlen > UINT16_MAX)
      return DP_EMALFORMED;
    out[c.start + c.rdata - 2] = (uint8_t)(rdlen >> 8);
    out[c.start + c.rdata - 1] = (uint8_t)rdlen;
    chunks[n++] = c;
  }
  if (n > 0)
  {
    n = sort_chunks(out, chunks, n);
    w.pos = chunks[n - 1].start + chunks[n - 1].len;
  }
  *len = w.pos;
  if (nrecords != NULL)
    *nrecords = n;
  return DP_OK;
}

dp_status_t dp_wire_ds_digest_input(const struct dp_wire_msg *msg,
                                    const struct dp_wire_rr *dnskey,
                                    uint8_t *out, size_t cap, size_t *len)
{
  struct reader r;
  uint8_t owner[DP_DNS_NAME_MAX];
  size_t owner_len;
  dp_status_t st;

  if (out == NULL || len == NULL)
    return DP_EINVAL;
  if ((st = rdata_window(msg, dnskey, DP_TYPE_DNSKEY, &r)) != DP_OK)
    return st;
  if (read_owner(msg, dnskey, owner, &owner_len) != DP_OK)
    return DP_EMALFORMED;
  /* DNSKEY RDATA holds no name: its canonical form is as sent. */
  struct writer w = {out, cap, 0};
  struct dp_wire_span rdata = span_at(&r, rd_left(&r));
  if ((st = put_bytes(&w, owner, owner_len)) != DP_OK ||
      (st = put_bytes(&w, rdata.data, rdata.len)) != DP_OK)
    return st;
  *len = w.pos;
  return DP_OK;
}

/* ---- times (RFC 4034 3.1.5, RFC 1982) ----------------------------------- */

#define HALF_RANGE 0x80000000u

int64_t dp_wire_sigtime_delta(uint32_t t, int64_t now)
{
  uint32_t d = t - (uint32_t)now;
  return d < HALF_RANGE ? (int64_t)d : (int64_t)d - ((int64_t)1 << 32);
}

int64_t dp_wire_sigtime_abs(uint32_t t, int64_t now)
{
  return now + dp_wire_sigtime_delta(t, now);
}

bool dp_wire_serial_lt(uint32_t a, uint32_t b)
{
  return a != b && (uint32_t)(b - a) < HALF_RANGE;
}

dp_status_t dp_wire_sigtime_tostr(int64_t t, char *out, size_t cap)
{
  /* 9999-12-31T23:59:59Z */
  static const int64_t last = 253402300799;

  if (out == NULL)
    return DP_EINVAL;
  if (cap > 0)
    out[0] = '\0';
  if (t < 0 || t > last)
    return DP_ERANGE;
  if (cap < 15)
    return DP_ESPACE;
  /* Days to a civil date (proleptic Gregorian), eras of 400 years. */
  int64_t days = t / 86400, secs = t % 86400;
  int64_t z = days + 719468;
  int64_t era = z / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2);
  const int64_t fields[6] = {year,        month,          day,
                             secs / 3600, secs / 60 % 60, secs % 60};
  const int widths[6] = {4, 2, 2, 2, 2, 2};
  size_t pos = 0;

  for (int i = 0; i < 6; i++)
  {
    int64_t v = fields[i];
    for (int d = widths[i] - 1; d >= 0; d--)
    {
      out[pos + (size_t)d] = (char)('0' + v % 10);
      v /= 10;
    }
    pos += (size_t)widths[i];
  }
  out[pos] = '\0';
  return DP_OK;
}
