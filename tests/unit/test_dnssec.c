/*
 * test_dnssec.c: unit tests of the DNSSEC module (src/wire/dnssec.c,
 * src/diagnose/dnssec.c, src/diagnose/dnssec_crypto.c).
 *
 * RRSIG time arithmetic with its wrap-around; key tags and DS digests
 * against the examples of RFC 4034, 4509, 5702, 6605 and 8080 and against
 * dnssec-dsfromkey; signatures of those RFCs verified (and, changed by one
 * byte, refused); the signed data of RFC 4034 3.1.8.1 byte for byte; real
 * NSD answers for the zones of the DNSSEC lab (dnssec_fixtures.h, made by
 * gen_dnssec_fixtures.py with the signing clock at FX_CLOCK) checked at
 * times this test chooses, each finding's trigger, the DS match, hostile
 * records, and a sweep of every prefix and of pseudo-random mutations of
 * the real answers in exact-size heap buffers, for ASan.
 *
 * Expected findings are written by hand from what each lab zone was made
 * to show (tests/support/lab.py, DNSSEC_ZONES), never taken from the code.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/dnssec.h"
#include "dnssec_fixtures.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)

/* ---- helpers: base64, hex, a byte buffer, a message builder ------------- */

static int b64_value(char c)
{
  static const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *p = strchr(alphabet, c);
  return c != '\0' && p != NULL ? (int)(p - alphabet) : -1;
}

/* Decode base64 (spaces skipped, '=' ends it); aborts the test on junk. */
static size_t b64(const char *s, uint8_t *out, size_t cap)
{
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;

  for (; *s != '\0' && *s != '='; s++)
  {
    if (*s == ' ')
      continue;
    int v = b64_value(*s);
    ck_assert_msg(v >= 0, "bad base64 character '%c'", *s);
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8)
    {
      bits -= 8;
      ck_assert_msg(n < cap, "base64 output over %zu bytes", cap);
      out[n++] = (uint8_t)(acc >> bits);
    }
  }
  return n;
}

static size_t hex(const char *s, uint8_t *out, size_t cap)
{
  size_t n = 0;

  for (; s[0] != '\0' && s[1] != '\0'; s += 2)
  {
    unsigned v;
    ck_assert_msg(sscanf(s, "%2x", &v) == 1, "bad hex at '%s'", s);
    ck_assert_msg(n < cap, "hex output over %zu bytes", cap);
    out[n++] = (uint8_t)v;
  }
  return n;
}

struct tbuf
{
  uint8_t b[66000];
  size_t n;
};

static void put8(struct tbuf *t, unsigned v)
{
  ck_assert_msg(t->n < sizeof t->b, "test buffer full");
  t->b[t->n++] = (uint8_t)v;
}

static void put16(struct tbuf *t, unsigned v)
{
  put8(t, v >> 8 & 0xff);
  put8(t, v & 0xff);
}

static void put32(struct tbuf *t, uint32_t v)
{
  put16(t, v >> 16);
  put16(t, v & 0xffff);
}

static void putn(struct tbuf *t, const uint8_t *p, size_t n)
{
  ck_assert_msg(n <= sizeof t->b - t->n, "test buffer full");
  if (n > 0)
    memcpy(t->b + t->n, p, n);
  t->n += n;
}

static void putname(struct tbuf *t, const char *text)
{
  uint8_t w[DP_DNS_NAME_MAX];
  size_t n;
  ck_assert_msg(dp_wire_name_fromstr(text, w, sizeof w, &n) == DP_OK,
                "bad test name '%s'", text);
  putn(t, w, n);
}

/* A reply being built: header, one question, records in section order. */
struct tmsg
{
  struct tbuf t;
  unsigned section; /* the last section written to */
};

#define QR_AA (DP_FLAG_QR | DP_FLAG_AA)

static void tmsg_init(struct tmsg *m, uint16_t flags, const char *qname,
                      uint16_t qtype)
{
  m->t.n = 0;
  m->section = DP_SECTION_ANSWER;
  put16(&m->t, 0);
  put16(&m->t, flags);
  put16(&m->t, 1);
  put16(&m->t, 0);
  put16(&m->t, 0);
  put16(&m->t, 0);
  putname(&m->t, qname);
  put16(&m->t, qtype);
  put16(&m->t, DP_CLASS_IN);
}

static void tmsg_count(struct tmsg *m, unsigned section)
{
  ck_assert_msg(section >= m->section, "records out of section order");
  m->section = section;
  size_t at = 4 + 2 * (size_t)section;
  unsigned c = (unsigned)(m->t.b[at] << 8 | m->t.b[at + 1]) + 1;
  m->t.b[at] = (uint8_t)(c >> 8);
  m->t.b[at + 1] = (uint8_t)c;
}

/* A record with an owner in wire form (or raw bytes, such as a pointer). */
static void tmsg_rr_raw(struct tmsg *m, unsigned section, const uint8_t *owner,
                        size_t owner_len, uint16_t type, uint32_t ttl,
                        const uint8_t *rdata, size_t rdlen)
{
  tmsg_count(m, section);
  putn(&m->t, owner, owner_len);
  put16(&m->t, type);
  put16(&m->t, DP_CLASS_IN);
  put32(&m->t, ttl);
  put16(&m->t, (unsigned)rdlen);
  putn(&m->t, rdata, rdlen);
}

static void tmsg_rr(struct tmsg *m, unsigned section, const char *owner,
                    uint16_t type, uint32_t ttl, const uint8_t *rdata,
                    size_t rdlen)
{
  uint8_t w[DP_DNS_NAME_MAX];
  size_t n;
  ck_assert_msg(dp_wire_name_fromstr(owner, w, sizeof w, &n) == DP_OK,
                "bad owner '%s'", owner);
  tmsg_rr_raw(m, section, w, n, type, ttl, rdata, rdlen);
}

static void dnskey_rdata(struct tbuf *t, uint16_t flags, uint8_t alg,
                         const uint8_t *key, size_t len)
{
  t->n = 0;
  put16(t, flags);
  put8(t, DP_DNSKEY_PROTOCOL);
  put8(t, alg);
  putn(t, key, len);
}

struct sigspec
{
  uint16_t covered;
  uint8_t alg, labels;
  uint32_t ttl, expiration, inception;
  uint16_t tag;
  const char *signer;
};

static void rrsig_rdata(struct tbuf *t, const struct sigspec *s,
                        const uint8_t *sig, size_t len)
{
  t->n = 0;
  put16(t, s->covered);
  put8(t, s->alg);
  put8(t, s->labels);
  put32(t, s->ttl);
  put32(t, s->expiration);
  put32(t, s->inception);
  put16(t, s->tag);
  putname(t, s->signer);
  putn(t, sig, len);
}

/* The first record of type in msg's answer section, or fail. */
static const struct dp_wire_rr *first_rr(const struct dp_wire_msg *msg,
                                         uint16_t type, const char *label)
{
  for (unsigned i = 0; i < msg->nrr; i++)
  {
    if (msg->rr[i].type == type && msg->rr[i].section == DP_SECTION_ANSWER)
      return &msg->rr[i];
  }
  ck_abort_msg("%s: no record of type %u", label, (unsigned)type);
  return NULL;
}

static const struct fx_zone *fx_find(const char *zone)
{
  for (size_t i = 0; i < NELEM(fx_zones); i++)
  {
    if (strcmp(fx_zones[i].zone, zone) == 0)
      return &fx_zones[i];
  }
  ck_abort_msg("no fixture for %s", zone);
  return NULL;
}

/* ---- RRSIG times (RFC 4034 3.1.5, RFC 1982) ------------------------------ */

struct delta_case
{
  const char *label;
  uint32_t t;
  int64_t now;
  int64_t delta;
};

static const struct delta_case delta_cases[] = {
    {"same", 1000, 1000, 0},
    {"future", 1735689600u + 60, 1735689600, 60},
    {"past", 1735689600u - 60, 1735689600, -60},
    {"largest-future", 0x7fffffffu, 0, INT64_C(0x7fffffff)},
    {"half-range-is-past", 0x80000000u, 0, -INT64_C(0x80000000)},
    {"just-past-half", 0x80000001u, 0, -INT64_C(0x7fffffff)},
    /* 2106: now beyond 2^32, the field has wrapped to small numbers. */
    {"after-wrap-future", 100, (INT64_C(1) << 32) + 40, 60},
    {"after-wrap-past", 50, (INT64_C(1) << 32) + 100, -50},
    {"before-wrap-to-after", 20, (INT64_C(1) << 32) - 10, 30},
    {"after-wrap-to-before", 0xfffffff6u, (INT64_C(1) << 32) + 20, -30},
    {"now-negative", 10, -20, 30},
};

START_TEST(test_sigtime_delta)
{
  const struct delta_case *c = &delta_cases[_i];
  int64_t d = dp_wire_sigtime_delta(c->t, c->now);
  ck_assert_msg(d == c->delta, "%s: delta %lld, want %lld", c->label,
                (long long)d, (long long)c->delta);
  int64_t abs_t = dp_wire_sigtime_abs(c->t, c->now);
  ck_assert_msg(abs_t == c->now + c->delta, "%s: abs %lld, want %lld", c->label,
                (long long)abs_t, (long long)(c->now + c->delta));
  ck_assert_msg((uint32_t)abs_t == c->t, "%s: abs mod 2^32 is not the field",
                c->label);
}
END_TEST

struct serial_case
{
  const char *label;
  uint32_t a, b;
  bool lt;
};

static const struct serial_case serial_cases[] = {
    {"equal", 5, 5, false},
    {"plain-less", 1, 2, true},
    {"plain-more", 2, 1, false},
    {"wrap-less", 0xffffffffu, 0, true},
    {"wrap-more", 0, 0xffffffffu, false},
    {"half-apart-undefined", 0, 0x80000000u, false},
    {"half-apart-undefined-rev", 0x80000000u, 0, false},
    {"just-under-half", 0, 0x7fffffffu, true},
};

START_TEST(test_serial_lt)
{
  const struct serial_case *c = &serial_cases[_i];
  ck_assert_msg(dp_wire_serial_lt(c->a, c->b) == c->lt, "%s: got %d", c->label,
                !c->lt);
}
END_TEST

struct tostr_case
{
  const char *label;
  int64_t t;
  size_t cap;
  dp_status_t status;
  const char *text;
};

static const struct tostr_case tostr_cases[] = {
    {"epoch", 0, 15, DP_OK, "19700101000000"},
    {"fixture-clock", 1735689600, 15, DP_OK, "20250101000000"},
    /* RFC 6605 6.1: the RRSIG's expiration and inception. */
    {"rfc6605-expiration", 1284026679, 15, DP_OK, "20100909100439"},
    {"rfc6605-inception", 1281607479, 15, DP_OK, "20100812100439"},
    {"leap-day", 951782400, 15, DP_OK, "20000229000000"},
    {"after-2106", INT64_C(4294967296), 15, DP_OK, "21060207062816"},
    {"last", INT64_C(253402300799), 15, DP_OK, "99991231235959"},
    {"past-last", INT64_C(253402300800), 15, DP_ERANGE, ""},
    {"negative", -1, 15, DP_ERANGE, ""},
    {"cap-14", 0, 14, DP_ESPACE, ""},
};

START_TEST(test_sigtime_tostr)
{
  const struct tostr_case *c = &tostr_cases[_i];
  char out[32];
  memset(out, 'x', sizeof out);
  dp_status_t st = dp_wire_sigtime_tostr(c->t, out, c->cap);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  ck_assert_msg(strcmp(out, c->text) == 0, "%s: '%s', want '%s'", c->label, out,
                c->text);
}
END_TEST

/* ---- key tags and DS digests --------------------------------------------- */

/* Published keys with their key tags and DS records. */
struct key_vector
{
  const char *label;
  const char *owner;
  uint16_t flags;
  uint8_t alg;
  const char *key_b64;
  uint16_t tag;
  uint8_t digest_type; /* 0: no DS published */
  const char *digest_hex;
};

static const struct key_vector key_vectors[] = {
    /* RFC 4034 5.4 (key id 60485, the SHA-1 DS) and RFC 4509 2.3. */
    {"rfc4034-sha1", "dskey.example.com", 256, 5,
     "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ"
     "DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
     "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==",
     60485, 1, "2BB183AF5F22588179A53B0A98631FAD1A292118"},
    {"rfc4509-sha256", "DSKEY.example.COM", 256, 5,
     "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ"
     "DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
     "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==",
     60485, 2,
     "D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A"},
    /* RFC 5702 6.1 and 6.2. */
    {"rfc5702-rsasha256", "example.net", 256, 8,
     "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Q"
     "s8PkxUdp6p/DlUmObdk=",
     9033, 0, NULL},
    {"rfc5702-rsasha512", "example.net", 256, 10,
     "AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/Ay"
     "hqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWX"
     "jDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL",
     3740, 0, NULL},
    /* RFC 6605 6.1 and 6.2. */
    {"rfc6605-p256", "example.net", 257, 13,
     "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+"
     "Wi9xMWyQLc8NAA==",
     55648, 2,
     "b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17"},
    {"rfc6605-p384", "example.net", 257, 14,
     "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X"
     "1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
     10771, 4,
     "72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f"
     "4d288405c3008a946df983d6"},
    /* RFC 8080 6.1. */
    {"rfc8080-ed25519-1", "example.com", 257, 15,
     "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=", 3613, 2,
     "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b"},
    {"rfc8080-ed25519-2", "example.com", 257, 15,
     "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=", 35217, 2,
     "401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c"},
};

/* A reply with one DNSKEY built from a vector; msg parsed from it. */
static void key_vector_msg(const struct key_vector *v, struct tmsg *m,
                           struct dp_wire_msg *msg)
{
  struct tbuf rd;
  uint8_t key[1024];
  size_t klen = b64(v->key_b64, key, sizeof key);

  dnskey_rdata(&rd, v->flags, v->alg, key, klen);
  tmsg_init(m, QR_AA, v->owner, DP_TYPE_DNSKEY);
  tmsg_rr(m, DP_SECTION_ANSWER, v->owner, DP_TYPE_DNSKEY, 3600, rd.b, rd.n);
  ck_assert_msg(dp_wire_msg_parse(m->t.b, m->t.n, msg) == DP_OK &&
                    msg->complete,
                "%s: built message does not parse", v->label);
}

START_TEST(test_key_vector)
{
  const struct key_vector *v = &key_vectors[_i];
  static struct tmsg m;
  struct dp_wire_msg msg;
  struct dp_wire_dnskey key;

  key_vector_msg(v, &m, &msg);
  const struct dp_wire_rr *rr = first_rr(&msg, DP_TYPE_DNSKEY, v->label);
  ck_assert_msg(dp_wire_dnskey_read(&msg, rr, &key) == DP_OK,
                "%s: DNSKEY does not read", v->label);
  ck_assert_msg(key.key_tag == v->tag, "%s: key tag %u, want %u", v->label,
                (unsigned)key.key_tag, (unsigned)v->tag);
  ck_assert_msg(key.flags == v->flags && key.algorithm == v->alg &&
                    key.protocol == 3,
                "%s: fixed fields differ", v->label);
  if (v->digest_type == 0)
    return;

  uint8_t input[DP_DNS_NAME_MAX + 1024], want[64], got[DP_DNSSEC_DIGEST_MAX];
  size_t ilen, wlen = hex(v->digest_hex, want, sizeof want), glen;
  ck_assert_msg(dp_wire_ds_digest_input(&msg, rr, input, sizeof input, &ilen) ==
                    DP_OK,
                "%s: no digest input", v->label);
  ck_assert_msg(dp_dnssec_ds_digest(v->digest_type, input, ilen, got,
                                    sizeof got, &glen) == DP_OK,
                "%s: digest failed", v->label);
  ck_assert_msg(glen == wlen && memcmp(got, want, wlen) == 0,
                "%s: DS digest differs from the published one", v->label);
  /* The input is the owner in canonical (lower-case) form, then RDATA. */
  ck_assert_msg(ilen > 0 && memchr(input, 'D', 8) == NULL &&
                    memchr(input, 'C', ilen - rr->rdlength) == NULL,
                "%s: owner not lower-cased in the digest input", v->label);
}
END_TEST

struct tag_case
{
  const char *label;
  const uint8_t *rdata;
  size_t len;
  uint16_t tag;
};

#define BYTES(...)                                                             \
  (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static const struct tag_case tag_cases[] = {
    /* RFC 4034 B.1: algorithm 1 takes the 2 bytes before the last. */
    {"rsamd5", BYTES(0x01, 0x00, 3, 1, 1, 3, 0x11, 0xab, 0xcd, 0xef), 0xabcd},
    {"rsamd5-short", BYTES(0x01, 0x00, 3, 1, 0xab, 0xcd), 0},
    /* Appendix B: 16-bit words summed, carry folded once (byte 3 is the
     * algorithm, so not 1 here). */
    {"empty", NULL, 0, 0},
    {"one-byte", BYTES(0x12), 0x1200},
    {"words", BYTES(0x01, 0x00, 0x03, 0x0d), 0x040d},
    {"carry", BYTES(0xff, 0xff, 0x00, 0x05), 0x0005},
};

START_TEST(test_key_tag)
{
  const struct tag_case *c = &tag_cases[_i];
  uint16_t tag = dp_wire_key_tag(c->rdata, c->len);
  ck_assert_msg(tag == c->tag, "%s: tag %u, want %u", c->label, (unsigned)tag,
                (unsigned)c->tag);
}
END_TEST

/* dnssec-dsfromkey's lines ("z. IN DS tag alg type HEX") parsed. */
struct ds_text
{
  uint16_t tag;
  uint8_t alg, type;
  uint8_t digest[64];
  size_t len;
};

static void ds_parse(const char *line, struct ds_text *d, const char *label)
{
  unsigned tag, alg, type;
  char digest[200];
  ck_assert_msg(
      sscanf(line, "%*s IN DS %u %u %u %199s", &tag, &alg, &type, digest) == 4,
      "%s: cannot read '%s'", label, line);
  d->tag = (uint16_t)tag;
  d->alg = (uint8_t)alg;
  d->type = (uint8_t)type;
  d->len = hex(digest, d->digest, sizeof d->digest);
}

static void ds_rdata(struct tbuf *t, const struct ds_text *d)
{
  t->n = 0;
  put16(t, d->tag);
  put8(t, d->alg);
  put8(t, d->type);
  putn(t, d->digest, d->len);
}

/* Every DNSKEY answer of the lab against dnssec-dsfromkey's DS records. */
START_TEST(test_ds_dsfromkey)
{
  const struct fx_zone *z = &fx_zones[_i];
  struct dp_wire_msg msg;
  static uint8_t input[70000];

  ck_assert_msg(dp_wire_msg_parse(z->dnskey, z->dnskey_len, &msg) == DP_OK,
                "%s: DNSKEY answer does not parse", z->zone);
  for (size_t d = 0; d < 3; d++)
  {
    struct ds_text want;
    bool found = false;
    ds_parse(z->ds[d], &want, z->zone);
    for (unsigned i = 0; i < msg.nrr; i++)
    {
      struct dp_wire_dnskey key;
      uint8_t got[DP_DNSSEC_DIGEST_MAX];
      size_t ilen, glen;
      if (msg.rr[i].type != DP_TYPE_DNSKEY ||
          dp_wire_dnskey_read(&msg, &msg.rr[i], &key) != DP_OK ||
          key.key_tag != want.tag)
        continue;
      found = true;
      ck_assert_msg(key.algorithm == want.alg && (key.flags & 1),
                    "%s: the DS names key %u of another kind", z->zone,
                    (unsigned)want.tag);
      ck_assert_msg(dp_wire_ds_digest_input(&msg, &msg.rr[i], input,
                                            sizeof input, &ilen) == DP_OK &&
                        dp_dnssec_ds_digest(want.type, input, ilen, got,
                                            sizeof got, &glen) == DP_OK,
                    "%s: digest type %u failed", z->zone, (unsigned)want.type);
      ck_assert_msg(glen == want.len && memcmp(got, want.digest, glen) == 0,
                    "%s: digest type %u differs from dnssec-dsfromkey's",
                    z->zone, (unsigned)want.type);
    }
    ck_assert_msg(found, "%s: no DNSKEY with the DS's key tag %u", z->zone,
                  (unsigned)want.tag);
  }
}
END_TEST

START_TEST(test_ds_digest_errors)
{
  uint8_t out[DP_DNSSEC_DIGEST_MAX];
  size_t n;

  ck_assert_msg(dp_dnssec_ds_digest(3, (const uint8_t *)"a", 1, out, sizeof out,
                                    &n) == DP_EINVAL,
                "gost: want DP_EINVAL (not computed here)");
  ck_assert_msg(dp_dnssec_ds_digest(0, (const uint8_t *)"a", 1, out, sizeof out,
                                    &n) == DP_EINVAL,
                "type-0: want DP_EINVAL");
  ck_assert_msg(dp_dnssec_ds_digest(2, (const uint8_t *)"a", 1, out, 31, &n) ==
                    DP_ESPACE,
                "sha256-cap-31: want DP_ESPACE");
  ck_assert_msg(dp_dnssec_ds_digest(4, (const uint8_t *)"a", 1, out, 48, &n) ==
                        DP_OK &&
                    n == 48,
                "sha384-cap-48: want 48 bytes");
  ck_assert_msg(dp_dnssec_ds_digest(1, NULL, 1, out, sizeof out, &n) ==
                    DP_EINVAL,
                "null-input: want DP_EINVAL");
  ck_assert_msg(
      dp_dnssec_digest_supported(1) && dp_dnssec_digest_supported(2) &&
          dp_dnssec_digest_supported(4) && !dp_dnssec_digest_supported(3),
      "digest-supported: want 1, 2, 4 and not 3");
}
END_TEST

/* ---- RFC signature examples ---------------------------------------------- */

/* An RRSIG example: its DNSKEY, the one-record RRset, the RRSIG. */
struct sig_vector
{
  const char *label;
  const char *zone;
  uint16_t flags;
  uint8_t alg;
  const char *key_b64;
  const char *owner; /* of the RRset, as put in the message */
  uint16_t type;
  const uint8_t *rdata;
  size_t rdlen;
  struct sigspec sig;
  const char *sig_b64;
  dp_dnssec_verify_t want;
};

#define A_192_0_2_1 BYTES(192, 0, 2, 1)
#define A_192_0_2_91 BYTES(192, 0, 2, 91)
#define MX_10(...) BYTES(0, 10, __VA_ARGS__)
#define MAIL_EXAMPLE_COM                                                       \
  4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o',    \
      'm', 0
#define MAIL_EXAMPLE_COM_UPPER                                                 \
  4, 'M', 'A', 'I', 'L', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'C', 'O',    \
      'M', 0

#define RSA256_KEY                                                             \
  "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Q"   \
  "s8PkxUdp6p/DlUmObdk="
#define RSA256_SIG                                                             \
  "kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFY"   \
  "K/lPtPiVYP4bwg=="
#define RSA512_KEY                                                             \
  "AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/Ay"   \
  "hqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWX"   \
  "jDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL"
#define RSA512_SIG                                                             \
  "tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw"   \
  "1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXw"   \
  "m9Sa9ZXIbNl1MBGk0fthPgxdDLw="
#define P256_KEY                                                               \
  "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+"   \
  "Wi9xMWyQLc8NAA=="
#define P256_SIG                                                               \
  "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus"   \
  "7ZwmwWep666VCw=="
#define P384_KEY                                                               \
  "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X"   \
  "1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40"
#define P384_SIG                                                               \
  "/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74"   \
  "hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm"
#define ED25519_KEY "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="
/* RFC 8080 6.1 as its erratum 4935 corrects it (Labels 2). */
#define ED25519_SIG                                                            \
  "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9"   \
  "VrbpMngwcrqNAg=="

/* clang-format off */
#define RFC5702_SIG(alg, tag) \
  {DP_TYPE_A, alg, 3, 3600, 1893456000, 946684800, tag, "example.net"}
#define RFC6605_P256_SIG \
  {DP_TYPE_A, 13, 3, 3600, 1284026679, 1281607479, 55648, "example.net"}
#define RFC8080_SIG(alg, signer) \
  {DP_TYPE_MX, alg, 2, 3600, 1440021600, 1438207200, 3613, signer}
/* clang-format on */

/* clang-format off */
static const struct sig_vector sig_vectors[] = {
    /* RFC 5702 6.1 and 6.2: RSA/SHA-256 and RSA/SHA-512. */
    {"rfc5702-rsasha256", "example.net", 256, 8, RSA256_KEY,
     "www.example.net", DP_TYPE_A, A_192_0_2_91, RFC5702_SIG(8, 9033),
     RSA256_SIG, DP_DNSSEC_VERIFY_VALID},
    {"rfc5702-rsasha512", "example.net", 256, 10, RSA512_KEY,
     "www.example.net", DP_TYPE_A, A_192_0_2_91, RFC5702_SIG(10, 3740),
     RSA512_SIG, DP_DNSSEC_VERIFY_VALID},
    /* RFC 6605 6.1 and 6.2: ECDSA P-256 and P-384. */
    {"rfc6605-p256", "example.net", 257, 13, P256_KEY,
     "www.example.net", DP_TYPE_A, A_192_0_2_1, RFC6605_P256_SIG,
     P256_SIG, DP_DNSSEC_VERIFY_VALID},
    {"rfc6605-p384", "example.net", 257, 14, P384_KEY,
     "www.example.net", DP_TYPE_A, A_192_0_2_1,
     {DP_TYPE_A, 14, 3, 3600, 1284027625, 1281608425, 10771, "example.net"},
     P384_SIG, DP_DNSSEC_VERIFY_VALID},
    /* RFC 8080 6.1: Ed25519 over an MX, whose target is a name. */
    {"rfc8080-ed25519", "example.com", 257, 15, ED25519_KEY,
     "example.com", DP_TYPE_MX, MX_10(MAIL_EXAMPLE_COM),
     RFC8080_SIG(15, "example.com"), ED25519_SIG, DP_DNSSEC_VERIFY_VALID},
    /* RFC 4034 6.2: names are compared in lower case, in the owner, in
     * the RDATA of MX and in the signer's name. */
    {"rfc8080-ed25519-upper-case", "example.com", 257, 15, ED25519_KEY,
     "EXAMPLE.com", DP_TYPE_MX, MX_10(MAIL_EXAMPLE_COM_UPPER),
     RFC8080_SIG(15, "Example.COM"), ED25519_SIG, DP_DNSSEC_VERIFY_VALID},
    {"rfc6605-p256-upper-owner", "example.net", 257, 13, P256_KEY,
     "WWW.Example.NET", DP_TYPE_A, A_192_0_2_1, RFC6605_P256_SIG,
     P256_SIG, DP_DNSSEC_VERIFY_VALID},
    /* One byte of the data changed: no longer the signed data. */
    {"rfc6605-p256-other-address", "example.net", 257, 13, P256_KEY,
     "www.example.net", DP_TYPE_A, BYTES(192, 0, 2, 2), RFC6605_P256_SIG,
     P256_SIG, DP_DNSSEC_VERIFY_BOGUS},
    {"rfc5702-rsasha256-other-ttl", "example.net", 256, 8, RSA256_KEY,
     "www.example.net", DP_TYPE_A, A_192_0_2_91,
     {DP_TYPE_A, 8, 3, 3601, 1893456000, 946684800, 9033, "example.net"},
     RSA256_SIG, DP_DNSSEC_VERIFY_BOGUS},
    {"rfc8080-ed25519-other-target", "example.com", 257, 15, ED25519_KEY,
     "example.com", DP_TYPE_MX, MX_10(4, 'm', 'a', 'i', 'k', 0),
     RFC8080_SIG(15, "example.com"), ED25519_SIG, DP_DNSSEC_VERIFY_BOGUS},
    /* The key of another algorithm (RFC 8080's as P-256): wrong size. */
    {"p256-with-ed25519-key", "example.com", 257, 13, ED25519_KEY,
     "example.com", DP_TYPE_MX, MX_10(MAIL_EXAMPLE_COM),
     RFC8080_SIG(13, "example.com"), ED25519_SIG, DP_DNSSEC_VERIFY_BAD_KEY},
    /* An algorithm libcrypto is not asked to do: ECC-GOST. */
    {"gost", "example.com", 257, 12, ED25519_KEY,
     "example.com", DP_TYPE_MX, MX_10(MAIL_EXAMPLE_COM),
     RFC8080_SIG(12, "example.com"), ED25519_SIG,
     DP_DNSSEC_VERIFY_UNSUPPORTED},
};
/* clang-format on */

/* Build the vector's message (DNSKEY, RRset, RRSIG in the answer). */
static void sig_vector_msg(const struct sig_vector *v, struct tmsg *m,
                           const uint8_t *sig, size_t siglen,
                           struct dp_wire_msg *msg)
{
  struct tbuf rd;
  uint8_t key[1024];
  size_t klen = b64(v->key_b64, key, sizeof key);

  tmsg_init(m, QR_AA, v->owner, v->type);
  tmsg_rr(m, DP_SECTION_ANSWER, v->owner, v->type, 3600, v->rdata, v->rdlen);
  rrsig_rdata(&rd, &v->sig, sig, siglen);
  tmsg_rr(m, DP_SECTION_ANSWER, v->owner, DP_TYPE_RRSIG, 3600, rd.b, rd.n);
  dnskey_rdata(&rd, v->flags, v->alg, key, klen);
  tmsg_rr(m, DP_SECTION_ANSWER, v->zone, DP_TYPE_DNSKEY, 3600, rd.b, rd.n);
  ck_assert_msg(dp_wire_msg_parse(m->t.b, m->t.n, msg) == DP_OK &&
                    msg->complete,
                "%s: built message does not parse", v->label);
}

static uint8_t scratch[DP_WIRE_SIGNED_DATA_MAX];

START_TEST(test_sig_vector)
{
  const struct sig_vector *v = &sig_vectors[_i];
  static struct tmsg m;
  struct dp_wire_msg msg;
  struct dp_wire_dnskey key;
  uint8_t sig[512];
  size_t siglen = b64(v->sig_b64, sig, sizeof sig);

  sig_vector_msg(v, &m, sig, siglen, &msg);
  ck_assert_msg(dp_wire_dnskey_read(&msg,
                                    first_rr(&msg, DP_TYPE_DNSKEY, v->label),
                                    &key) == DP_OK,
                "%s: DNSKEY does not read", v->label);
  ck_assert_msg(v->want != DP_DNSSEC_VERIFY_VALID || key.key_tag == v->sig.tag,
                "%s: key tag %u, the RRSIG names %u", v->label,
                (unsigned)key.key_tag, (unsigned)v->sig.tag);
  const struct dp_wire_rr *rrsig = first_rr(&msg, DP_TYPE_RRSIG, v->label);
  dp_dnssec_verify_t got =
      dp_dnssec_verify_rrsig(&msg, rrsig, &key, scratch, sizeof scratch);
  ck_assert_msg(got == v->want, "%s: %s, want %s", v->label,
                dp_dnssec_verify_tostr(got), dp_dnssec_verify_tostr(v->want));
  if (v->want != DP_DNSSEC_VERIFY_VALID)
    return;

  /* Every single-bit change of the signature makes it fail. */
  for (size_t i = 0; i < siglen; i += siglen / 8 + 1)
  {
    static struct tmsg m2;
    struct dp_wire_msg msg2;
    sig[i] ^= 0x10;
    sig_vector_msg(v, &m2, sig, siglen, &msg2);
    sig[i] ^= 0x10;
    got =
        dp_dnssec_verify_rrsig(&msg2, first_rr(&msg2, DP_TYPE_RRSIG, v->label),
                               &key, scratch, sizeof scratch);
    ck_assert_msg(got == DP_DNSSEC_VERIFY_BOGUS,
                  "%s: signature byte %zu changed gave %s", v->label, i,
                  dp_dnssec_verify_tostr(got));
  }
}
END_TEST

START_TEST(test_algorithms_supported)
{
  static const uint8_t yes[] = {5, 7, 8, 10, 13, 14, 15, 16};
  static const uint8_t no[] = {0,  1,  2,   3,   6,   9,  11,
                               12, 17, 252, 253, 254, 255};
  for (size_t i = 0; i < NELEM(yes); i++)
    ck_assert_msg(dp_dnssec_algorithm_supported(yes[i]),
                  "alg-%u: want supported", (unsigned)yes[i]);
  for (size_t i = 0; i < NELEM(no); i++)
    ck_assert_msg(!dp_dnssec_algorithm_supported(no[i]),
                  "alg-%u: want unsupported", (unsigned)no[i]);
}
END_TEST

/* ---- the signed data (RFC 4034 3.1.8.1, 6.2, 6.3) ------------------------ */

#define EXNET 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0
#define RRSIG_HEAD(type, alg, labels, ttl)                                     \
  0, type, alg, labels, 0, 0, (ttl) >> 8, (ttl)&0xff, 0x60, 0, 0, 0, 0x50, 0,  \
      0, 0, 0x12, 0x34

struct signed_case
{
  const char *label;
  void (*build)(struct tmsg *m);
  dp_status_t status;
  unsigned nrecords;
  const uint8_t *want;
  size_t want_len;
  size_t cap;
};

static void rrsig_for(struct tmsg *m, unsigned section, const char *owner,
                      uint16_t covered, uint8_t labels, const char *signer)
{
  struct tbuf rd;
  const struct sigspec s = {covered,    13,         labels, 3600,
                            0x60000000, 0x50000000, 0x1234, signer};
  rrsig_rdata(&rd, &s, (const uint8_t *)"SIG", 3);
  tmsg_rr(m, section, owner, DP_TYPE_RRSIG, 3600, rd.b, rd.n);
}

/* Three A records out of order, one twice, owner and signer in upper case. */
static void build_a_set(struct tmsg *m)
{
  tmsg_init(m, QR_AA, "www.example.net", DP_TYPE_A);
  tmsg_rr(m, DP_SECTION_ANSWER, "WWW.Example.NET", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 3));
  tmsg_rr(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 1));
  rrsig_for(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_A, 3,
            "Example.NET");
  tmsg_rr(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 3));
  tmsg_rr(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 2));
  /* Not of the set: another type, another owner, another section. */
  tmsg_rr(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_TXT, 100,
          BYTES(1, 'x'));
  tmsg_rr(m, DP_SECTION_ANSWER, "ftp.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 9));
  tmsg_rr(m, DP_SECTION_ADDITIONAL, "www.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 8));
}

#define WWW_A(d)                                                               \
  3, 'w', 'w', 'w', EXNET, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, d

static const uint8_t want_a_set[] = {RRSIG_HEAD(1, 13, 3, 3600), EXNET,
                                     WWW_A(1), WWW_A(2), WWW_A(3)};

/* RFC 4035 5.3.2: Labels 2 under a.b.example.net: the owner is *.example.net */
static void build_wildcard(struct tmsg *m)
{
  tmsg_init(m, QR_AA, "a.b.example.net", DP_TYPE_A);
  tmsg_rr(m, DP_SECTION_ANSWER, "a.b.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 1));
  rrsig_for(m, DP_SECTION_ANSWER, "a.b.example.net", DP_TYPE_A, 2,
            "example.net");
}

/* clang-format off */
static const uint8_t want_wildcard[] = {
    RRSIG_HEAD(1, 13, 2, 3600), EXNET,
    1, '*', EXNET, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1,
};
/* clang-format on */

/* An SOA whose owner and RDATA names are compressed, in mixed case. */
static void build_soa(struct tmsg *m)
{
  struct tbuf rd = {.n = 0};
  tmsg_init(m, QR_AA, "Example.net", DP_TYPE_SOA);
  put8(&rd, 3);
  putn(&rd, (const uint8_t *)"NS1", 3);
  put16(&rd, 0xc00c); /* the question's name */
  put8(&rd, 2);
  putn(&rd, (const uint8_t *)"HM", 2);
  put16(&rd, 0xc00c);
  put32(&rd, 7);
  put32(&rd, 1);
  put32(&rd, 2);
  put32(&rd, 3);
  put32(&rd, 4);
  tmsg_rr_raw(m, DP_SECTION_ANSWER, BYTES(0xc0, 0x0c), DP_TYPE_SOA, 300, rd.b,
              rd.n);
  rrsig_for(m, DP_SECTION_ANSWER, "example.net", DP_TYPE_SOA, 2, "example.net");
}

/* clang-format off */
static const uint8_t want_soa[] = {
    RRSIG_HEAD(6, 13, 2, 3600), EXNET,
    EXNET, 0, 6, 0, 1, 0, 0, 0x0e, 0x10, 0, 53,
    3, 'n', 's', '1', EXNET,
    2, 'h', 'm', EXNET,
    0, 0, 0, 7,  0, 0, 0, 1,  0, 0, 0, 2,  0, 0, 0, 3,  0, 0, 0, 4,
};
/* clang-format on */

/* RFC 4034 6.3: by RDATA octets, MX 10 before MX 256; 'Z' and 'z' make
 * one record once lower-cased. */
static void build_mx(struct tmsg *m)
{
  tmsg_init(m, QR_AA, "example.net", DP_TYPE_MX);
  tmsg_rr(m, DP_SECTION_ANSWER, "example.net", DP_TYPE_MX, 100,
          BYTES(0, 10, 1, 'Z', 0));
  tmsg_rr(m, DP_SECTION_ANSWER, "example.net", DP_TYPE_MX, 100,
          BYTES(1, 0, 1, 'a', 0));
  tmsg_rr(m, DP_SECTION_ANSWER, "example.net", DP_TYPE_MX, 100,
          BYTES(0, 10, 1, 'z', 0)); /* the first once lower-cased */
  rrsig_for(m, DP_SECTION_ANSWER, "example.net", DP_TYPE_MX, 2, "example.net");
}

#define EXNET_MX(...) EXNET, 0, 15, 0, 1, 0, 0, 0x0e, 0x10, 0, 5, __VA_ARGS__
static const uint8_t want_mx[] = {RRSIG_HEAD(15, 13, 2, 3600), EXNET,
                                  EXNET_MX(0, 10, 1, 'z', 0),
                                  EXNET_MX(1, 0, 1, 'a', 0)};

/* Labels 4 under www.example.net (3 labels): RFC 4035 5.3.1 fails it. */
static void build_labels_over(struct tmsg *m)
{
  tmsg_init(m, QR_AA, "www.example.net", DP_TYPE_A);
  tmsg_rr(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 1));
  rrsig_for(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_A, 4,
            "example.net");
}

/* The RRset is in the authority section, the RRSIG in the answer. */
static void build_no_rrset(struct tmsg *m)
{
  tmsg_init(m, QR_AA, "www.example.net", DP_TYPE_A);
  rrsig_for(m, DP_SECTION_ANSWER, "www.example.net", DP_TYPE_A, 3,
            "example.net");
  tmsg_rr(m, DP_SECTION_AUTHORITY, "www.example.net", DP_TYPE_A, 100,
          BYTES(192, 0, 2, 1));
}

/* An SOA whose MNAME points past the end of the message. */
static void build_soa_bad_name(struct tmsg *m)
{
  tmsg_init(m, QR_AA, "example.net", DP_TYPE_SOA);
  tmsg_rr(m, DP_SECTION_ANSWER, "example.net", DP_TYPE_SOA, 100,
          BYTES(0xc0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0));
  rrsig_for(m, DP_SECTION_ANSWER, "example.net", DP_TYPE_SOA, 2, "example.net");
}

static const struct signed_case signed_cases[] = {
    {"a-set-sorted-once", build_a_set, DP_OK, 3, want_a_set, sizeof want_a_set,
     sizeof scratch},
    /* The records are written as sent, then sorted and made unique in
     * place: the room needed includes the duplicate (31 bytes). */
    {"a-set-room-with-duplicate", build_a_set, DP_OK, 3, want_a_set,
     sizeof want_a_set, sizeof want_a_set + 31},
    {"a-set-room-short", build_a_set, DP_ESPACE, 0, NULL, 0,
     sizeof want_a_set + 30},
    {"wildcard", build_wildcard, DP_OK, 1, want_wildcard, sizeof want_wildcard,
     sizeof scratch},
    {"soa-decompressed", build_soa, DP_OK, 1, want_soa, sizeof want_soa,
     sizeof scratch},
    {"mx-octet-order", build_mx, DP_OK, 2, want_mx, sizeof want_mx,
     sizeof scratch},
    {"labels-over", build_labels_over, DP_ERANGE, 0, NULL, 0, sizeof scratch},
    {"rrset-elsewhere", build_no_rrset, DP_OK, 0, NULL, 0, sizeof scratch},
    {"soa-bad-name", build_soa_bad_name, DP_EMALFORMED, 0, NULL, 0,
     sizeof scratch},
};

START_TEST(test_signed_data)
{
  const struct signed_case *c = &signed_cases[_i];
  static struct tmsg m;
  struct dp_wire_msg msg;
  size_t len = 0;
  unsigned n = 99;

  c->build(&m);
  ck_assert_msg(dp_wire_msg_parse(m.t.b, m.t.n, &msg) == DP_OK && msg.complete,
                "%s: built message does not parse", c->label);
  const struct dp_wire_rr *rrsig = first_rr(&msg, DP_TYPE_RRSIG, c->label);
  dp_status_t st =
      dp_wire_rrsig_signed_data(&msg, rrsig, scratch, c->cap, &len, &n);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  if (st != DP_OK)
    return;
  ck_assert_msg(n == c->nrecords, "%s: %u records, want %u", c->label, n,
                c->nrecords);
  if (c->want == NULL)
    return;
  ck_assert_msg(len == c->want_len, "%s: %zu bytes, want %zu", c->label, len,
                c->want_len);
  for (size_t i = 0; i < len; i++)
    ck_assert_msg(scratch[i] == c->want[i],
                  "%s: byte %zu is 0x%02x, want 0x%02x", c->label, i,
                  scratch[i], c->want[i]);
}
END_TEST

/* ---- the lab's real answers, checked at chosen times --------------------- */

struct want_finding
{
  const char *key;
  dp_dnssec_severity_t severity;
  uint16_t covered;
  uint8_t alg;
};

#define W(key, sev, covered, alg)                                              \
  {                                                                            \
    "dnssec-" key, DP_DNSSEC_SEV_##sev, covered, alg                           \
  }
#define DNSKEY DP_TYPE_DNSKEY
#define SOA DP_TYPE_SOA
#define N3P DP_TYPE_NSEC3PARAM

struct zone_case
{
  const char *label;
  const char *zone;
  int64_t offset; /* now = FX_CLOCK + offset */
  int64_t warn, crit;
  dp_dnssec_severity_t severity;
  int64_t earliest; /* seconds from now to the first expiry */
  bool soa_bogus;
  bool nsec3;
  uint16_t iterations;
  uint8_t salt_len;
  struct want_finding want[6];
};

/*
 * What each lab zone was made to show (lab.py, DNSSEC_ZONES): inception an
 * hour before the clock, expiration 30 days after it, unless the zone's
 * name says otherwise; NSEC3PARAM is signed like the rest in NSEC3 zones.
 */
#define Z(l, z, off) .label = l, .zone = z, .offset = off
#define OUT(sev, left) .severity = DP_DNSSEC_SEV_##sev, .earliest = left
#define EXPIRING(sev) W("expiring", sev, DNSKEY, 0), W("expiring", sev, SOA, 0)
#define EXPIRED                                                                \
  W("expired", CRITICAL, DNSKEY, 0), W("expired", CRITICAL, SOA, 0)
#define NOT_YET                                                                \
  W("inception-future", CRITICAL, DNSKEY, 0),                                  \
      W("inception-future", CRITICAL, SOA, 0)
#define NSEC3_10_C0FFEE .nsec3 = true, .iterations = 10, .salt_len = 3

/* clang-format off */
static const struct zone_case zone_cases[] = {
    {Z("secure", "secure.test", 0), OUT(OK, 30 * DAY)},
    {Z("secure-6-days-left", "secure.test", 24 * DAY), OUT(WARNING, 6 * DAY),
     .want = {EXPIRING(WARNING)}},
    {Z("secure-8-days-left", "secure.test", 22 * DAY), OUT(OK, 8 * DAY)},
    {Z("secure-1-day-left", "secure.test", 29 * DAY), OUT(CRITICAL, DAY),
     .want = {EXPIRING(CRITICAL)}},
    {Z("secure-1-day-left-own-thresholds", "secure.test", 29 * DAY),
     .warn = 36 * HOUR, .crit = 12 * HOUR, OUT(WARNING, DAY),
     .want = {EXPIRING(WARNING)}},
    {Z("secure-a-day-after", "secure.test", 31 * DAY), OUT(CRITICAL, -DAY),
     .want = {EXPIRED}},
    {Z("secure-2-hours-before", "secure.test", -2 * HOUR),
     OUT(CRITICAL, 30 * DAY + 2 * HOUR), .want = {NOT_YET}},
    {Z("expiring", "expiring.test", 0), OUT(CRITICAL, 12 * HOUR),
     .want = {EXPIRING(CRITICAL)}},
    {Z("expiring-3-days-before", "expiring.test", -3 * DAY),
     OUT(CRITICAL, 3 * DAY + 12 * HOUR),
     .want = {EXPIRING(WARNING), NOT_YET}},
    {Z("expired", "expired.test", 0), OUT(CRITICAL, -DAY),
     .want = {EXPIRED}},
    {Z("future", "future.test", 0), OUT(CRITICAL, 32 * DAY),
     .want = {NOT_YET}},
    {Z("future-3-days-on", "future.test", 3 * DAY), OUT(OK, 29 * DAY)},
    {Z("bogus", "bogus.test", 0), OUT(CRITICAL, 30 * DAY), .soa_bogus = true,
     .want = {W("bogus-signature", CRITICAL, SOA, 0)}},
    {Z("rsasha1", "rsasha1.test", 0), OUT(WARNING, 30 * DAY),
     .want = {W("algorithm-deprecated", WARNING, 0, 5)}},
    {Z("nsec3", "nsec3.test", 0), OUT(WARNING, 30 * DAY), NSEC3_10_C0FFEE,
     .want = {W("nsec3-iterations", WARNING, N3P, 0),
              W("nsec3-salt", INFO, N3P, 0)}},
    {Z("nsec3-1-day-left", "nsec3.test", 29 * DAY), OUT(CRITICAL, DAY),
     NSEC3_10_C0FFEE,
     .want = {W("nsec3-iterations", WARNING, N3P, 0),
              W("nsec3-salt", INFO, N3P, 0), EXPIRING(CRITICAL),
              W("expiring", CRITICAL, N3P, 0)}},
    {Z("nsec3rsasha1", "nsec3rsasha1.test", 0), OUT(WARNING, 30 * DAY),
     .nsec3 = true, .want = {W("algorithm-deprecated", WARNING, 0, 7)}},
    {Z("rsasha256", "rsasha256.test", 0), OUT(OK, 30 * DAY)},
    {Z("rsasha512", "rsasha512.test", 0), OUT(INFO, 30 * DAY),
     .want = {W("algorithm-deprecated", INFO, 0, 10)}},
    {Z("ecdsa384", "ecdsa384.test", 0), OUT(OK, 30 * DAY)},
    {Z("ed25519", "ed25519.test", 0), OUT(OK, 30 * DAY)},
    {Z("ed448", "ed448.test", 0), OUT(OK, 30 * DAY)},
};
/* clang-format on */

/* Assert that out has exactly the findings of want (NULL-ended). */
static void assert_findings(const struct dp_dnssec_result *out,
                            const struct want_finding *want, size_t nwant,
                            const char *label)
{
  size_t n = 0;

  for (; n < nwant && want[n].key != NULL; n++)
  {
    dp_dnssec_finding_t id;
    bool found = false;
    ck_assert_msg(dp_dnssec_finding_fromstr(want[n].key, &id) == DP_OK,
                  "%s: bad expected key %s", label, want[n].key);
    for (size_t i = 0; i < out->nfindings; i++)
    {
      const struct dp_dnssec_finding *f = &out->findings[i];
      if (f->id != id || f->covered != want[n].covered ||
          f->algorithm != want[n].alg)
        continue;
      found = true;
      ck_assert_msg(f->severity == want[n].severity,
                    "%s: %s on type %u is %s, want %s (%s)", label, want[n].key,
                    (unsigned)want[n].covered,
                    dp_dnssec_severity_tostr(f->severity),
                    dp_dnssec_severity_tostr(want[n].severity), f->detail);
      ck_assert_msg(f->detail[0] != '\0' && f->count >= 1,
                    "%s: %s has no sentence", label, want[n].key);
    }
    ck_assert_msg(found, "%s: no %s on type %u alg %u", label, want[n].key,
                  (unsigned)want[n].covered, (unsigned)want[n].alg);
  }
  if (out->nfindings != n)
  {
    for (size_t i = 0; i < out->nfindings; i++)
      fprintf(stderr, "%s: finding %s %s: %s\n", label,
              dp_dnssec_finding_tostr(out->findings[i].id),
              dp_dnssec_severity_tostr(out->findings[i].severity),
              out->findings[i].detail);
    ck_abort_msg("%s: %zu findings, want %zu", label, out->nfindings, n);
  }
}

static dp_status_t check_fixture(const struct fx_zone *z, int64_t now,
                                 int64_t warn, int64_t crit,
                                 struct dp_dnssec_result *out)
{
  const struct dp_dnssec_input in = {
      .zone = z->zone,
      .now = now,
      .warn_seconds = warn,
      .crit_seconds = crit,
      .dnskey = z->dnskey,
      .dnskey_len = z->dnskey_len,
      .soa = z->soa,
      .soa_len = z->soa_len,
      .nsec3param = z->nsec3param,
      .nsec3param_len = z->nsec3param_len,
  };
  return dp_dnssec_check(&in, out);
}

START_TEST(test_zone)
{
  const struct zone_case *c = &zone_cases[_i];
  const struct fx_zone *z = fx_find(c->zone);
  static struct dp_dnssec_result out;
  int64_t now = FX_CLOCK + c->offset;

  dp_status_t st = check_fixture(z, now, c->warn, c->crit, &out);
  ck_assert_msg(st == DP_OK, "%s: status %d", c->label, st);
  ck_assert_msg(out.state == DP_DNSSEC_STATE_SIGNED, "%s: state %d", c->label,
                out.state);
  ck_assert_msg(out.dnskey.usable && out.soa.usable && out.nsec3param.usable,
                "%s: an answer is not usable", c->label);
  assert_findings(&out, c->want, NELEM(c->want), c->label);
  ck_assert_msg(out.severity == c->severity, "%s: severity %s, want %s",
                c->label, dp_dnssec_severity_tostr(out.severity),
                dp_dnssec_severity_tostr(c->severity));
  ck_assert_msg(out.has_expiry && out.earliest_remaining == c->earliest,
                "%s: earliest expiry in %lld s, want %lld", c->label,
                (long long)out.earliest_remaining, (long long)c->earliest);
  ck_assert_msg(out.earliest_expiration == now + c->earliest,
                "%s: earliest expiration time", c->label);
  ck_assert_msg(strcmp(out.zone, c->zone) != 0 &&
                    strncmp(out.zone, c->zone, strlen(c->zone)) == 0,
                "%s: zone '%s' not canonical", c->label, out.zone);

  /* A KSK and a ZSK, both zone keys, the KSK signing the DNSKEYs. */
  ck_assert_msg(out.nkeys == 2, "%s: %zu keys, want 2", c->label, out.nkeys);
  bool ksk_signs = false;
  for (size_t i = 0; i < out.nkeys; i++)
  {
    ck_assert_msg(out.keys[i].zone_key && !out.keys[i].revoked &&
                      out.keys[i].bits > 0,
                  "%s: key %zu is not a usable zone key", c->label, i);
    ck_assert_msg(out.algorithms[out.keys[i].algorithm],
                  "%s: key algorithm not listed as in use", c->label);
    ksk_signs |= out.keys[i].sep && out.keys[i].signs_dnskey;
  }
  ck_assert_msg(ksk_signs, "%s: no KSK with a valid DNSKEY signature",
                c->label);

  /* Every RRSIG: signer the zone, key found; all verify but bogus SOA. */
  size_t soa_sigs = 0, dnskey_sigs = 0;
  ck_assert_msg(out.nsigs == out.sigs_seen && out.nsigs >= 2,
                "%s: %zu RRSIGs described of %zu", c->label, out.nsigs,
                out.sigs_seen);
  for (size_t i = 0; i < out.nsigs; i++)
  {
    const struct dp_dnssec_sig *g = &out.sigs[i];
    dp_dnssec_verify_t want = c->soa_bogus && g->covered == DP_TYPE_SOA
                                  ? DP_DNSSEC_VERIFY_BOGUS
                                  : DP_DNSSEC_VERIFY_VALID;
    ck_assert_msg(g->signer_is_zone && g->key_found, "%s: RRSIG %zu signer",
                  c->label, i);
    ck_assert_msg(g->verify == want, "%s: RRSIG %zu over type %u is %s",
                  c->label, i, (unsigned)g->covered,
                  dp_dnssec_verify_tostr(g->verify));
    ck_assert_msg((want == DP_DNSSEC_VERIFY_VALID) == (g->key >= 0) &&
                      g->not_checked == NULL,
                  "%s: RRSIG %zu key index %d", c->label, i, g->key);
    ck_assert_msg(g->remaining == g->expiration_time - now &&
                      (uint32_t)g->expiration_time == g->expiration,
                  "%s: RRSIG %zu times", c->label, i);
    soa_sigs += g->covered == DP_TYPE_SOA;
    dnskey_sigs += g->covered == DP_TYPE_DNSKEY;
  }
  ck_assert_msg(soa_sigs >= 1 && dnskey_sigs >= 1,
                "%s: %zu SOA and %zu DNSKEY RRSIGs", c->label, soa_sigs,
                dnskey_sigs);
  ck_assert_msg(out.nsec3 == c->nsec3 &&
                    out.nsec3_iterations == c->iterations &&
                    out.nsec3_salt_len == c->salt_len,
                "%s: NSEC3 %d/%u/%u", c->label, out.nsec3,
                (unsigned)out.nsec3_iterations, (unsigned)out.nsec3_salt_len);
  if (c->salt_len == 3)
    ck_assert_msg(memcmp(out.nsec3_salt, "\xc0\xff\xee", 3) == 0,
                  "%s: salt is not c0ffee", c->label);
}
END_TEST

/* ---- each finding's trigger ---------------------------------------------- */

/* Copy the answer section of a real reply into m, record by record, with
 * SOA names decompressed, in the order sent or reversed; edit may change a
 * record (its RDATA in rd) or drop it (false). flags_xor flips header
 * bits. */
typedef bool (*rr_edit)(uint16_t type, struct tbuf *rd);

static void rebuild(const uint8_t *buf, size_t len, struct tmsg *m,
                    uint16_t flags_xor, rr_edit edit, bool reverse)
{
  struct dp_wire_msg msg;
  uint8_t name[DP_DNS_NAME_MAX];
  char qname[DP_WIRE_NAME_STRLEN];
  size_t n;
  static struct tbuf rd;

  ck_assert_msg(dp_wire_msg_parse(buf, len, &msg) == DP_OK && msg.complete,
                "fixture does not parse");
  ck_assert_msg(dp_wire_name_read(buf, len, msg.qname_off, name, sizeof name,
                                  &n, NULL) == DP_OK &&
                    dp_wire_name_tostr(name, n, qname, sizeof qname) == DP_OK,
                "fixture question unreadable");
  tmsg_init(m, (uint16_t)(msg.flags ^ flags_xor), qname, msg.qtype);
  for (unsigned j = 0; j < msg.nrr; j++)
  {
    const struct dp_wire_rr *rr = &msg.rr[reverse ? msg.nrr - 1 - j : j];
    uint8_t owner[DP_DNS_NAME_MAX];
    size_t owner_len, next;
    if (rr->section != DP_SECTION_ANSWER)
      continue;
    ck_assert_msg(dp_wire_name_read(buf, len, rr->owner_off, owner,
                                    sizeof owner, &owner_len, NULL) == DP_OK,
                  "fixture owner unreadable");
    rd.n = 0;
    if (rr->type == DP_TYPE_SOA)
    {
      size_t at = rr->rdata_off;
      for (int k = 0; k < 2; k++)
      {
        ck_assert_msg(dp_wire_name_read(buf, len, at, name, sizeof name, &n,
                                        &next) == DP_OK,
                      "fixture SOA name unreadable");
        putn(&rd, name, n);
        at = next;
      }
      putn(&rd, buf + at, 20);
    }
    else
      putn(&rd, buf + rr->rdata_off, rr->rdlength);
    if (edit != NULL && !edit(rr->type, &rd))
      continue;
    tmsg_rr_raw(m, DP_SECTION_ANSWER, owner, owner_len, rr->type, rr->ttl, rd.b,
                rd.n);
  }
}

static bool drop_rrsig(uint16_t type, struct tbuf *rd)
{
  (void)rd;
  return type != DP_TYPE_RRSIG;
}

static bool drop_dnskey(uint16_t type, struct tbuf *rd)
{
  (void)rd;
  return type != DP_TYPE_DNSKEY;
}

static bool rrsig_tag_plus_one(uint16_t type, struct tbuf *rd)
{
  if (type == DP_TYPE_RRSIG)
    rd->b[17]++;
  return true;
}

/* The signer's name becomes other.test; the RDATA is rebuilt around it. */
static bool rrsig_other_signer(uint16_t type, struct tbuf *rd)
{
  static struct tbuf out;
  size_t at = 18;
  if (type != DP_TYPE_RRSIG)
    return true;
  while (rd->b[at] != 0)
    at += 1 + (size_t)rd->b[at];
  at++;
  out.n = 0;
  putn(&out, rd->b, 18);
  putname(&out, "other.test");
  putn(&out, rd->b + at, rd->n - at);
  *rd = out;
  return true;
}

struct answers
{
  struct tmsg dnskey, soa, nsec3param;
  bool has_nsec3param;
  int64_t now;
};

/* The lab's answers for z as they are, at FX_CLOCK. (make_case starts
 * every case of a lab zone with them.) */
static void copy_fixture(const struct fx_zone *z, struct answers *a)
{
  rebuild(z->dnskey, z->dnskey_len, &a->dnskey, 0, NULL, false);
  rebuild(z->soa, z->soa_len, &a->soa, 0, NULL, false);
  rebuild(z->nsec3param, z->nsec3param_len, &a->nsec3param, 0, NULL, false);
  a->has_nsec3param = true;
  a->now = FX_CLOCK;
}

#define SECURE fx_find("secure.test")

/* Append to msg (being built) the first record of type in the real answer
 * buf, times copies. */
static void append_copies(struct tmsg *msg, const char *owner,
                          const uint8_t *buf, size_t len, uint16_t type,
                          int copies)
{
  struct dp_wire_msg parsed;
  ck_assert(dp_wire_msg_parse(buf, len, &parsed) == DP_OK);
  const struct dp_wire_rr *rr = first_rr(&parsed, type, owner);
  for (int i = 0; i < copies; i++)
    tmsg_rr(msg, DP_SECTION_ANSWER, owner, type, rr->ttl, buf + rr->rdata_off,
            rr->rdlength);
}

/* RFC 4034 6.3: a key sent twice is one record of the RRset. */
static void make_dnskey_twice(struct answers *a)
{
  append_copies(&a->dnskey, "secure.test", SECURE->dnskey, SECURE->dnskey_len,
                DP_TYPE_DNSKEY, 1);
}

/* The valid RRSIG over SOA, and beside it one by a key not published. */
static void make_soa_orphan_beside_valid(struct answers *a)
{
  static struct tmsg orphan;
  rebuild(SECURE->soa, SECURE->soa_len, &orphan, 0, rrsig_tag_plus_one, false);
  append_copies(&a->soa, "secure.test", orphan.t.b, orphan.t.n, DP_TYPE_RRSIG,
                1);
}

/* The SOA answer where the DNSKEY answer should be. */
static void make_dnskey_wrong_question(struct answers *a)
{
  rebuild(SECURE->soa, SECURE->soa_len, &a->dnskey, 0, NULL, false);
}

/* 40 copies of the RRSIG over SOA: more checks than the budget allows. */
static void make_many_rrsigs(struct answers *a)
{
  append_copies(&a->soa, "secure.test", SECURE->soa, SECURE->soa_len,
                DP_TYPE_RRSIG, 39);
}

/* clang-format off */
static const uint8_t soa_rdata[] = {
    3, 'n', 's', '1', 4, 'h', 'a', 'n', 'd', 4, 't', 'e', 's', 't', 0,
    2, 'h', 'm', 4, 'h', 'a', 'n', 'd', 4, 't', 'e', 's', 't', 0,
    0, 0, 0, 1,  0, 0, 0, 1,  0, 0, 0, 1,  0, 0, 0, 1,  0, 0, 0, 1,
};
/* clang-format on */

/* How hand_zone makes the one key of hand.test. */
struct hand_spec
{
  uint16_t flags;
  uint8_t alg;
  size_t (*key)(uint8_t *out); /* writes the key field, returns its size */
  size_t sig_len;              /* of pseudo-random signature bytes */
  uint8_t labels;              /* of the RRSIGs (2 is right) */
};

static const uint8_t some_bytes[128] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
static uint8_t key_buf[65000];

/*
 * A zone hand.test built from nothing: a DNSKEY RRset of one key, and
 * RRSIGs over it and over the SOA, with the key's algorithm and tag and
 * valid around FX_CLOCK, whose signature bytes are no signature.
 */
static void hand_zone(struct answers *a, const struct hand_spec *h)
{
  static struct tbuf rd;
  size_t klen = h->key != NULL ? h->key(key_buf) : 0;
  dnskey_rdata(&rd, h->flags, h->alg, key_buf, klen);
  struct sigspec s = {DP_TYPE_DNSKEY,
                      h->alg,
                      h->labels,
                      3600,
                      (uint32_t)(FX_CLOCK + 30 * DAY),
                      (uint32_t)(FX_CLOCK - HOUR),
                      dp_wire_key_tag(rd.b, rd.n),
                      "hand.test"};
  tmsg_init(&a->dnskey, QR_AA, "hand.test", DP_TYPE_DNSKEY);
  tmsg_rr(&a->dnskey, DP_SECTION_ANSWER, "hand.test", DP_TYPE_DNSKEY, 3600,
          rd.b, rd.n);
  rrsig_rdata(&rd, &s, some_bytes, h->sig_len);
  tmsg_rr(&a->dnskey, DP_SECTION_ANSWER, "hand.test", DP_TYPE_RRSIG, 3600, rd.b,
          rd.n);
  tmsg_init(&a->soa, QR_AA, "hand.test", DP_TYPE_SOA);
  tmsg_rr(&a->soa, DP_SECTION_ANSWER, "hand.test", DP_TYPE_SOA, 3600, soa_rdata,
          sizeof soa_rdata);
  s.covered = DP_TYPE_SOA;
  rrsig_rdata(&rd, &s, some_bytes, h->sig_len);
  tmsg_rr(&a->soa, DP_SECTION_ANSWER, "hand.test", DP_TYPE_RRSIG, 3600, rd.b,
          rd.n);
  a->has_nsec3param = false;
  a->now = FX_CLOCK;
}

static size_t key_64_bytes(uint8_t *out)
{
  memcpy(out, some_bytes, 64);
  return 64;
}

static size_t key_31_bytes(uint8_t *out)
{
  memcpy(out, some_bytes, 31);
  return 31;
}

/* RFC 6605 6.1's P-256 key: a real point, so only the signature is bad. */
static size_t key_p256(uint8_t *out)
{
  return b64(P256_KEY, out, 64);
}

/* RFC 3110 2: exponent 65537 and a modulus of n bytes of 0xff. */
static size_t key_rsa(uint8_t *out, size_t n)
{
  memcpy(out, (const uint8_t[]){3, 1, 0, 1}, 4);
  memset(out + 4, 0xff, n);
  return 4 + n;
}

static size_t key_rsa_8192(uint8_t *out)
{
  return key_rsa(out, 1024);
}

static size_t key_rsa_60000(uint8_t *out)
{
  return key_rsa(out, 60000);
}

static size_t key_rsa_511(uint8_t *out)
{
  size_t n = key_rsa(out, 64);
  out[4] = 0x7f;
  return n;
}

/* The exponent length (0, then 2 bytes) runs past the key. */
static size_t key_rsa_exponent_past_end(uint8_t *out)
{
  memcpy(out, (const uint8_t[]){0, 0xff, 0xff, 1, 2, 3}, 6);
  return 6;
}

static size_t key_rsa_no_modulus(uint8_t *out)
{
  memcpy(out, (const uint8_t[]){3, 1, 0, 1}, 4);
  return 4;
}

static void make_unsigned(struct answers *a)
{
  tmsg_init(&a->dnskey, QR_AA, "hand.test", DP_TYPE_DNSKEY);
  tmsg_init(&a->soa, QR_AA, "hand.test", DP_TYPE_SOA);
  tmsg_rr(&a->soa, DP_SECTION_ANSWER, "hand.test", DP_TYPE_SOA, 3600, soa_rdata,
          sizeof soa_rdata);
  tmsg_init(&a->nsec3param, QR_AA | DP_RCODE_REFUSED, "hand.test",
            DP_TYPE_NSEC3PARAM);
  a->has_nsec3param = true;
  a->now = FX_CLOCK;
}

static void make_all_refused(struct answers *a)
{
  tmsg_init(&a->dnskey, DP_FLAG_QR | DP_RCODE_REFUSED, "hand.test",
            DP_TYPE_DNSKEY);
  tmsg_init(&a->soa, DP_FLAG_QR | DP_RCODE_REFUSED, "hand.test", DP_TYPE_SOA);
  a->has_nsec3param = false;
  a->now = FX_CLOCK;
}

/* An RRSIG whose signer is a compression pointer (RFC 4034 3.1.7 forbids
 * it): its RDATA cannot be read. */
static void add_signer_pointer(struct answers *a)
{
  static struct tbuf rd;
  const struct sigspec s = {DP_TYPE_SOA, 13, 2, 3600, 0, 0, 1, "."};
  rrsig_rdata(&rd, &s, NULL, 0);
  rd.n--; /* the root label goes; a pointer to the question takes its place */
  put16(&rd, 0xc00c);
  tmsg_rr(&a->soa, DP_SECTION_ANSWER, "hand.test", DP_TYPE_RRSIG, 3600, rd.b,
          rd.n);
}

static void add_rrsig_5_bytes(struct answers *a)
{
  tmsg_rr(&a->soa, DP_SECTION_ANSWER, "hand.test", DP_TYPE_RRSIG, 3600,
          BYTES(0, 6, 13, 2, 0));
}

/* The DNSKEY answer holds one DNSKEY of 3 bytes, no key at all. */
static void add_dnskey_3_bytes(struct answers *a)
{
  tmsg_init(&a->dnskey, QR_AA, "hand.test", DP_TYPE_DNSKEY);
  tmsg_rr(&a->dnskey, DP_SECTION_ANSWER, "hand.test", DP_TYPE_DNSKEY, 3600,
          BYTES(1, 1, 3));
}

/* Copies of the RRSIG over SOA, n in all. */
static void add_rrsigs(struct answers *a, int n)
{
  struct tmsg *soa = &a->soa;
  static struct tmsg copy;
  copy = *soa;
  append_copies(soa, "hand.test", copy.t.b, copy.t.n, DP_TYPE_RRSIG, n - 1);
}

/* 64 records, as many as a parsed message keeps: the SOA, 63 RRSIGs. */
static void add_63_rrsigs(struct answers *a)
{
  add_rrsigs(a, 63);
}

/* 70 records: more than a message keeps, so the answer is not usable. */
static void add_69_rrsigs(struct answers *a)
{
  add_rrsigs(a, 69);
}

/*
 * A case: the answers of zone, the lab's (fixture) or hand.test's
 * (hand_zone with hand, when set); then one answer (slot: 0 DNSKEY, 1 SOA)
 * rebuilt with flags_xor, edit and reverse when any is set; then make, for
 * what a table cannot say.
 */
struct trigger_case
{
  const char *label;
  const char *zone;
  const struct hand_spec *hand;
  int slot;
  uint16_t flags_xor;
  rr_edit edit;
  bool reverse;
  void (*make)(struct answers *a);
  dp_dnssec_state_t state;
  dp_dnssec_severity_t severity;
  struct want_finding want[4];
};

static void make_case(const struct trigger_case *c, struct answers *a)
{
  if (c->hand != NULL)
    hand_zone(a, c->hand);
  else if (strcmp(c->zone, "hand.test") != 0)
    copy_fixture(fx_find(c->zone), a);
  if (c->flags_xor != 0 || c->edit != NULL || c->reverse)
  {
    const struct fx_zone *z = fx_find(c->zone);
    rebuild(c->slot == 0 ? z->dnskey : z->soa,
            c->slot == 0 ? z->dnskey_len : z->soa_len,
            c->slot == 0 ? &a->dnskey : &a->soa, c->flags_xor, c->edit,
            c->reverse);
  }
  if (c->make != NULL)
    c->make(a);
}

#define SIGNED DP_DNSSEC_STATE_SIGNED
#define SEV(s) DP_DNSSEC_SEV_##s
#define HAND(name, ...) static const struct hand_spec name = {__VA_ARGS__}

HAND(hand_gost, 257, 12, key_64_bytes, 64, 2);
HAND(hand_private, 257, 253, key_64_bytes, 64, 2);
HAND(hand_empty_key, 257, 13, NULL, 64, 2);
HAND(hand_not_zone_key, 1, 13, key_p256, 64, 2);

/* clang-format off */
static const struct trigger_case trigger_cases[] = {
    /* RFC 4034 6.3: the order and repetition of DNSKEYs do not matter. */
    {.label = "dnskey-reversed", .zone = "secure.test", .slot = 0,
     .reverse = true, .state = SIGNED, .severity = SEV(OK)},
    {.label = "dnskey-twice", .zone = "secure.test",
     .make = make_dnskey_twice, .state = SIGNED, .severity = SEV(OK)},
    {.label = "missing-signature-soa", .zone = "secure.test", .slot = 1,
     .edit = drop_rrsig, .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("missing-signature", CRITICAL, SOA, 0)}},
    {.label = "missing-signature-dnskey", .zone = "secure.test", .slot = 0,
     .edit = drop_rrsig, .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("missing-signature", CRITICAL, DNSKEY, 0)}},
    {.label = "no-matching-key", .zone = "secure.test", .slot = 1,
     .edit = rrsig_tag_plus_one, .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("no-matching-key", CRITICAL, SOA, 0)}},
    {.label = "no-matching-key-beside-valid", .zone = "secure.test",
     .make = make_soa_orphan_beside_valid, .state = SIGNED,
     .severity = SEV(WARNING),
     .want = {W("no-matching-key", WARNING, SOA, 0)}},
    {.label = "signer-mismatch", .zone = "secure.test", .slot = 1,
     .edit = rrsig_other_signer, .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("signer-mismatch", CRITICAL, SOA, 0)}},
    {.label = "no-dnskey", .zone = "secure.test", .slot = 0,
     .edit = drop_dnskey, .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("no-dnskey", CRITICAL, DNSKEY, 0)}},
    {.label = "answer-refused", .zone = "secure.test", .slot = 1,
     .flags_xor = DP_RCODE_REFUSED, .state = SIGNED, .severity = SEV(WARNING),
     .want = {W("answer-unusable", WARNING, SOA, 0)}},
    {.label = "answer-truncated", .zone = "secure.test", .slot = 1,
     .flags_xor = DP_FLAG_TC, .state = SIGNED, .severity = SEV(WARNING),
     .want = {W("answer-unusable", WARNING, SOA, 0)}},
    {.label = "answer-wrong-question", .zone = "secure.test",
     .make = make_dnskey_wrong_question, .state = SIGNED,
     .severity = SEV(WARNING),
     .want = {W("answer-unusable", WARNING, DNSKEY, 0)}},
    {.label = "verify-limit", .zone = "secure.test",
     .make = make_many_rrsigs, .state = SIGNED, .severity = SEV(INFO),
     .want = {W("verify-limit", INFO, 0, 0)}},
    {.label = "gost", .zone = "hand.test", .hand = &hand_gost,
     .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("algorithm-unsupported", INFO, 0, 12),
              W("algorithm-deprecated", CRITICAL, 0, 12)}},
    {.label = "private-algorithm", .zone = "hand.test",
     .hand = &hand_private, .state = SIGNED, .severity = SEV(INFO),
     .want = {W("algorithm-unsupported", INFO, 0, 253)}},
    {.label = "empty-key", .zone = "hand.test", .hand = &hand_empty_key,
     .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("bogus-signature", CRITICAL, DNSKEY, 0),
              W("bogus-signature", CRITICAL, SOA, 0)}},
    /* Zone Key flag clear: not a key that signs zones (RFC 4034 2.1.1). */
    {.label = "not-a-zone-key", .zone = "hand.test",
     .hand = &hand_not_zone_key, .state = SIGNED, .severity = SEV(CRITICAL),
     .want = {W("no-matching-key", CRITICAL, DNSKEY, 0),
              W("no-matching-key", CRITICAL, SOA, 0)}},
    {.label = "unsigned", .zone = "hand.test", .make = make_unsigned,
     .state = DP_DNSSEC_STATE_UNSIGNED, .severity = SEV(OK)},
    {.label = "all-refused", .zone = "hand.test", .make = make_all_refused,
     .state = DP_DNSSEC_STATE_UNKNOWN, .severity = SEV(WARNING),
     .want = {W("answer-unusable", WARNING, DNSKEY, 0),
              W("answer-unusable", WARNING, SOA, 0)}},
};
/* clang-format on */

static const struct trigger_case *trigger_find(const char *label)
{
  for (size_t i = 0; i < NELEM(trigger_cases); i++)
  {
    if (strcmp(trigger_cases[i].label, label) == 0)
      return &trigger_cases[i];
  }
  ck_abort_msg("no trigger case %s", label);
  return NULL;
}

static dp_status_t check_answers(const char *zone, const struct answers *a,
                                 struct dp_dnssec_result *out)
{
  const struct dp_dnssec_input in = {
      .zone = zone,
      .now = a->now,
      .dnskey = a->dnskey.t.b,
      .dnskey_len = a->dnskey.t.n,
      .soa = a->soa.t.b,
      .soa_len = a->soa.t.n,
      .nsec3param = a->has_nsec3param ? a->nsec3param.t.b : NULL,
      .nsec3param_len = a->has_nsec3param ? a->nsec3param.t.n : 0,
  };
  return dp_dnssec_check(&in, out);
}

/* Build case c and check it into out. */
static void run_case(const struct trigger_case *c, struct dp_dnssec_result *out)
{
  static struct answers a;
  make_case(c, &a);
  dp_status_t st = check_answers(c->zone, &a, out);
  ck_assert_msg(st == DP_OK, "%s: status %d", c->label, st);
  ck_assert_msg(out->state == c->state, "%s: state %d, want %d", c->label,
                out->state, c->state);
  ck_assert_msg(out->nsigs <= DP_DNSSEC_SIGS_MAX &&
                    out->nfindings <= DP_DNSSEC_FINDINGS_MAX,
                "%s: bounds", c->label);
}

START_TEST(test_trigger)
{
  const struct trigger_case *c = &trigger_cases[_i];
  static struct dp_dnssec_result out;

  run_case(c, &out);
  assert_findings(&out, c->want, NELEM(c->want), c->label);
  ck_assert_msg(out.severity == c->severity, "%s: severity %s, want %s",
                c->label, dp_dnssec_severity_tostr(out.severity),
                dp_dnssec_severity_tostr(c->severity));
}
END_TEST

/* How many RRSIGs of out were not checked for reason (NULL: checked). */
static size_t count_reason(const struct dp_dnssec_result *out, uint16_t covered,
                           const char *reason)
{
  size_t n = 0;
  for (size_t i = 0; i < out->nsigs; i++)
  {
    const char *r = out->sigs[i].not_checked;
    if (out->sigs[i].covered == covered &&
        (r == NULL ? reason == NULL : reason != NULL && strcmp(r, reason) == 0))
      n++;
  }
  return n;
}

/* The details behind a few triggers: what was (not) verified, and why. */
START_TEST(test_trigger_details)
{
  static struct dp_dnssec_result out;

  run_case(trigger_find("verify-limit"), &out);
  ck_assert_msg(out.sigs_seen == 42 && out.nsigs == DP_DNSSEC_SIGS_MAX,
                "verify-limit: %zu seen, %zu kept", out.sigs_seen, out.nsigs);
  size_t valid = 0;
  for (size_t i = 0; i < out.nsigs; i++)
    valid += out.sigs[i].verify == DP_DNSSEC_VERIFY_VALID;
  ck_assert_msg(valid == DP_DNSSEC_VERIFY_BUDGET,
                "verify-limit: %zu valid of the first 32", valid);
  ck_assert_msg(strstr(out.findings[0].detail, "10 RRSIGs") != NULL,
                "verify-limit: sentence '%s'", out.findings[0].detail);

  run_case(trigger_find("answer-refused"), &out);
  ck_assert_msg(count_reason(&out, DP_TYPE_SOA, "answer-unusable") == 1 &&
                    count_reason(&out, DP_TYPE_DNSKEY, NULL) == 2,
                "answer-refused: what was checked");
  ck_assert_msg(out.soa.given && !out.soa.usable &&
                    out.soa.rcode == DP_RCODE_REFUSED,
                "answer-refused: answer info");
  ck_assert_msg(strstr(out.findings[0].detail, "REFUSED") != NULL,
                "answer-refused: sentence '%s'", out.findings[0].detail);

  run_case(trigger_find("signer-mismatch"), &out);
  ck_assert_msg(strstr(out.findings[0].detail, "other.test.") != NULL &&
                    count_reason(&out, DP_TYPE_SOA, "signer") == 1,
                "signer-mismatch: sentence '%s'", out.findings[0].detail);

  run_case(trigger_find("no-matching-key-beside-valid"), &out);
  ck_assert_msg(count_reason(&out, DP_TYPE_SOA, "no-key") == 1 &&
                    count_reason(&out, DP_TYPE_SOA, NULL) == 1,
                "no-matching-key-beside-valid: orphans");

  run_case(trigger_find("answer-wrong-question"), &out);
  ck_assert_msg(count_reason(&out, DP_TYPE_SOA, "no-dnskey-answer") == 1,
                "answer-wrong-question: the SOA RRSIG's reason");

  run_case(trigger_find("unsigned"), &out);
  ck_assert_msg(out.nkeys == 0 && out.nsigs == 0 && !out.has_expiry &&
                    out.soa.records == 1,
                "unsigned: keys, signatures or records");
}
END_TEST

START_TEST(test_check_arguments)
{
  static struct dp_dnssec_result out;
  const struct fx_zone *z = SECURE;
  struct dp_dnssec_input in = {.zone = "secure.test",
                               .now = FX_CLOCK,
                               .soa = z->soa,
                               .soa_len = z->soa_len};

  ck_assert_msg(dp_dnssec_check(NULL, &out) == DP_EINVAL, "null-input");
  ck_assert_msg(dp_dnssec_check(&in, NULL) == DP_EINVAL, "null-output");
  in.soa = NULL;
  ck_assert_msg(dp_dnssec_check(&in, &out) == DP_EINVAL, "no-answer");
  in.soa = z->soa;
  in.zone = "a..b";
  ck_assert_msg(dp_dnssec_check(&in, &out) == DP_ENAMEEMPTY, "bad-zone");
  ck_assert_msg(out.nfindings == 0 && out.state == DP_DNSSEC_STATE_UNKNOWN,
                "bad-zone: result not cleared");
  in.zone = "secure.test";
  in.warn_seconds = 10;
  in.crit_seconds = 20;
  ck_assert_msg(dp_dnssec_check(&in, &out) == DP_EINVAL, "crit-over-warn");
  in.warn_seconds = 10;
  in.crit_seconds = -1;
  ck_assert_msg(dp_dnssec_check(&in, &out) == DP_EINVAL, "crit-negative");
  in.warn_seconds = 0;
  in.crit_seconds = 0;
  ck_assert_msg(dp_dnssec_check(&in, &out) == DP_OK &&
                    out.state == DP_DNSSEC_STATE_SIGNED,
                "soa-only: status or state");
  /* Without the DNSKEY answer nothing is verified, and nothing is blamed. */
  ck_assert_msg(out.nfindings == 0 && out.nsigs == 1 &&
                    strcmp(out.sigs[0].not_checked, "no-dnskey-answer") == 0,
                "soa-only: %zu findings", out.nfindings);
  in.zone = "SECURE.Test";
  ck_assert_msg(dp_dnssec_check(&in, &out) == DP_OK &&
                    strcmp(out.zone, "secure.test.") == 0 &&
                    out.state == DP_DNSSEC_STATE_SIGNED,
                "upper-case-zone: '%s'", out.zone);
}
END_TEST

START_TEST(test_names)
{
  for (unsigned i = 0; i < DP_DNSSEC_FINDING_MAX; i++)
  {
    dp_dnssec_finding_t id;
    const char *key = dp_dnssec_finding_tostr((dp_dnssec_finding_t)i);
    ck_assert_msg(strncmp(key, "dnssec-", 7) == 0, "finding %u: key '%s'", i,
                  key);
    ck_assert_msg(dp_dnssec_finding_fromstr(key, &id) == DP_OK && id == i,
                  "finding %u: '%s' does not read back", i, key);
  }
  ck_assert_msg(
      strcmp(dp_dnssec_finding_tostr(DP_DNSSEC_FINDING_MAX), "unknown") == 0,
      "finding-max: want unknown");
  dp_dnssec_finding_t id;
  ck_assert_msg(dp_dnssec_finding_fromstr("dnssec-nope", &id) == DP_EINVAL,
                "finding-unknown-key: want DP_EINVAL");
  ck_assert_msg(
      strcmp(dp_dnssec_severity_tostr(DP_DNSSEC_SEV_CRITICAL), "critical") == 0,
      "severity-critical");
  ck_assert_msg(
      strcmp(dp_dnssec_verify_tostr(DP_DNSSEC_VERIFY_BAD_KEY), "bad-key") == 0,
      "verify-bad-key");
  ck_assert_msg(
      strcmp(dp_dnssec_ds_outcome_tostr(DP_DNSSEC_DS_NO_KEY), "no-key") == 0,
      "ds-no-key");

  char buf[32];
  dp_wire_dnssec_alg_tostr(13, buf, sizeof buf);
  ck_assert_msg(strcmp(buf, "ECDSAP256SHA256") == 0, "alg-13: '%s'", buf);
  dp_wire_dnssec_alg_tostr(99, buf, sizeof buf);
  ck_assert_msg(strcmp(buf, "ALG99") == 0, "alg-99: '%s'", buf);
  dp_wire_ds_digest_tostr(4, buf, sizeof buf);
  ck_assert_msg(strcmp(buf, "SHA-384") == 0, "digest-4: '%s'", buf);
  dp_wire_ds_digest_tostr(9, buf, 4);
  ck_assert_msg(strcmp(buf, "DIG") == 0, "digest-9-cut: '%s'", buf);
}
END_TEST

/* ---- hostile records ----------------------------------------------------- */

struct hostile_case
{
  const char *label;
  struct hand_spec hand;
  void (*add)(struct answers *a); /* after hand_zone, or NULL */
  dp_dnssec_verify_t soa_verify;  /* of the first RRSIG over SOA */
  const char *not_checked;        /* its reason, when not checked */
  struct want_finding want[4];
};

/* clang-format off */
#define BOGUS_BOTH \
  {W("bogus-signature", CRITICAL, DNSKEY, 0), \
   W("bogus-signature", CRITICAL, SOA, 0)}

static const struct hostile_case hostile_cases[] = {
    {"rsa-8192-bit-key", {257, 8, key_rsa_8192, 64, 2}, NULL,
     DP_DNSSEC_VERIFY_BAD_KEY, NULL, BOGUS_BOTH},
    {"rsa-60000-byte-key", {257, 8, key_rsa_60000, 64, 2}, NULL,
     DP_DNSSEC_VERIFY_BAD_KEY, NULL, BOGUS_BOTH},
    {"rsa-511-bit-key", {257, 8, key_rsa_511, 64, 2}, NULL,
     DP_DNSSEC_VERIFY_BAD_KEY, NULL, BOGUS_BOTH},
    {"rsa-exponent-past-end", {257, 8, key_rsa_exponent_past_end, 64, 2},
     NULL, DP_DNSSEC_VERIFY_BAD_KEY, NULL, BOGUS_BOTH},
    {"rsa-no-modulus", {257, 8, key_rsa_no_modulus, 64, 2}, NULL,
     DP_DNSSEC_VERIFY_BAD_KEY, NULL, BOGUS_BOTH},
    {"ed25519-31-byte-key", {257, 15, key_31_bytes, 64, 2}, NULL,
     DP_DNSSEC_VERIFY_BAD_KEY, NULL, BOGUS_BOTH},
    {"ecdsa-63-byte-signature", {257, 13, key_p256, 63, 2}, NULL,
     DP_DNSSEC_VERIFY_BOGUS, NULL, BOGUS_BOTH},
    {"ecdsa-128-byte-signature", {257, 13, key_p256, 128, 2}, NULL,
     DP_DNSSEC_VERIFY_BOGUS, NULL, BOGUS_BOTH},
    {"labels-200", {257, 13, key_p256, 64, 200}, NULL,
     DP_DNSSEC_VERIFY_BOGUS, NULL, BOGUS_BOTH},
    {"signer-pointer", {257, 13, key_p256, 64, 2}, add_signer_pointer,
     DP_DNSSEC_VERIFY_BOGUS, NULL, BOGUS_BOTH},
    {"rrsig-5-bytes", {257, 13, key_p256, 64, 2}, add_rrsig_5_bytes,
     DP_DNSSEC_VERIFY_BOGUS, NULL, BOGUS_BOTH},
    /* The unreadable DNSKEY is no key, and its RRset has no RRSIG. */
    {"dnskey-3-bytes", {257, 13, key_p256, 64, 2}, add_dnskey_3_bytes,
     DP_DNSSEC_VERIFY_NOT_CHECKED, "no-key",
     {W("no-dnskey", CRITICAL, DNSKEY, 0),
      W("missing-signature", CRITICAL, DNSKEY, 0)}},
    {"64-records", {257, 13, key_p256, 64, 2}, add_63_rrsigs,
     DP_DNSSEC_VERIFY_BOGUS, NULL,
     {W("bogus-signature", CRITICAL, DNSKEY, 0),
      W("bogus-signature", CRITICAL, SOA, 0), W("verify-limit", INFO, 0, 0)}},
    {"70-records", {257, 13, key_p256, 64, 2}, add_69_rrsigs,
     DP_DNSSEC_VERIFY_NOT_CHECKED, "answer-unusable",
     {W("bogus-signature", CRITICAL, DNSKEY, 0),
      W("answer-unusable", WARNING, SOA, 0)}},
};
/* clang-format on */

START_TEST(test_hostile)
{
  const struct hostile_case *c = &hostile_cases[_i];
  static struct answers a;
  static struct dp_dnssec_result out;

  hand_zone(&a, &c->hand);
  if (c->add != NULL)
    c->add(&a);
  dp_status_t st = check_answers("hand.test", &a, &out);
  ck_assert_msg(st == DP_OK, "%s: status %d", c->label, st);
  ck_assert_msg(out.state == DP_DNSSEC_STATE_SIGNED, "%s: state %d", c->label,
                out.state);
  assert_findings(&out, c->want, NELEM(c->want), c->label);
  const struct dp_dnssec_sig *soa = NULL;
  for (size_t i = 0; i < out.nsigs && soa == NULL; i++)
    soa = out.sigs[i].covered == DP_TYPE_SOA ? &out.sigs[i] : NULL;
  ck_assert_msg(soa != NULL, "%s: no RRSIG over SOA described", c->label);
  ck_assert_msg(soa->verify == c->soa_verify, "%s: SOA RRSIG %s, want %s",
                c->label, dp_dnssec_verify_tostr(soa->verify),
                dp_dnssec_verify_tostr(c->soa_verify));
  ck_assert_msg((soa->not_checked == NULL) == (c->not_checked == NULL) &&
                    (c->not_checked == NULL ||
                     strcmp(soa->not_checked, c->not_checked) == 0),
                "%s: reason %s, want %s", c->label,
                soa->not_checked ? soa->not_checked : "(none)",
                c->not_checked ? c->not_checked : "(none)");
  ck_assert_msg(out.nsigs <= DP_DNSSEC_SIGS_MAX &&
                    out.nfindings <= DP_DNSSEC_FINDINGS_MAX,
                "%s: bounds", c->label);
}
END_TEST

/* ---- DS against DNSKEY ----------------------------------------------------
 */

static void ds_reply(struct tmsg *m, const char *zone, const struct ds_text *ds,
                     size_t n)
{
  static struct tbuf rd;
  tmsg_init(m, QR_AA, zone, DP_TYPE_DS);
  for (size_t i = 0; i < n; i++)
  {
    ds_rdata(&rd, &ds[i]);
    tmsg_rr(m, DP_SECTION_ANSWER, zone, DP_TYPE_DS, 3600, rd.b, rd.n);
  }
}

START_TEST(test_ds_match_lab)
{
  const struct fx_zone *z = &fx_zones[_i];
  static struct tmsg m;
  static struct dp_dnssec_ds_result out;
  struct ds_text ds[3];

  for (size_t i = 0; i < 3; i++)
    ds_parse(z->ds[i], &ds[i], z->zone);
  ds_reply(&m, z->zone, ds, 3);
  dp_status_t st =
      dp_dnssec_ds_match(z->zone, m.t.b, m.t.n, z->dnskey, z->dnskey_len, &out);
  ck_assert_msg(st == DP_OK, "%s: status %d", z->zone, st);
  ck_assert_msg(out.nds == 3 && out.nkeys == 2, "%s: %zu DS, %zu keys", z->zone,
                out.nds, out.nkeys);
  for (size_t i = 0; i < out.nds; i++)
  {
    const struct dp_dnssec_ds *d = &out.ds[i];
    ck_assert_msg(d->outcome == DP_DNSSEC_DS_MATCH,
                  "%s: DS %zu (digest type %u) is %s", z->zone, i,
                  (unsigned)d->digest_type,
                  dp_dnssec_ds_outcome_tostr(d->outcome));
    ck_assert_msg(d->key >= 0 && out.keys[d->key].sep &&
                      out.keys[d->key].key_tag == d->key_tag &&
                      d->key_signs_dnskey,
                  "%s: DS %zu matched the wrong key", z->zone, i);
  }
  ck_assert_msg(out.secure_entry, "%s: no secure entry", z->zone);
}
END_TEST

struct ds_case
{
  const char *label;
  int tag_delta, alg, type; /* alg/type -1: as published */
  int flip;                 /* digest byte to flip, -1: none */
  int cut;                  /* digest bytes left, -1: all */
  dp_dnssec_ds_outcome_t outcome;
};

static const struct ds_case ds_cases[] = {
    {"as-published", 0, -1, -1, -1, -1, DP_DNSSEC_DS_MATCH},
    {"other-tag", 1, -1, -1, -1, -1, DP_DNSSEC_DS_NO_KEY},
    {"other-algorithm", 0, 8, -1, -1, -1, DP_DNSSEC_DS_NO_KEY},
    {"digest-byte-changed", 0, -1, -1, 5, -1, DP_DNSSEC_DS_DIGEST_MISMATCH},
    {"digest-cut", 0, -1, -1, -1, 31, DP_DNSSEC_DS_DIGEST_MISMATCH},
    {"gost-digest", 0, -1, 3, -1, -1, DP_DNSSEC_DS_DIGEST_UNSUPPORTED},
    {"digest-type-mislabelled", 0, -1, 4, -1, -1, DP_DNSSEC_DS_DIGEST_MISMATCH},
    {"rdata-3-bytes", 0, -1, -1, -1, -1, DP_DNSSEC_DS_MALFORMED},
};

START_TEST(test_ds_match_edits)
{
  const struct ds_case *c = &ds_cases[_i];
  const struct fx_zone *z = SECURE;
  static struct tmsg m;
  static struct dp_dnssec_ds_result out;
  struct ds_text ds;

  ds_parse(z->ds[1], &ds, c->label); /* SHA-256 */
  ds.tag = (uint16_t)(ds.tag + c->tag_delta);
  if (c->alg >= 0)
    ds.alg = (uint8_t)c->alg;
  if (c->type >= 0)
    ds.type = (uint8_t)c->type;
  if (c->flip >= 0)
    ds.digest[c->flip] ^= 1;
  if (c->cut >= 0)
    ds.len = (size_t)c->cut;
  if (c->outcome == DP_DNSSEC_DS_MALFORMED)
  {
    tmsg_init(&m, QR_AA, z->zone, DP_TYPE_DS);
    tmsg_rr(&m, DP_SECTION_ANSWER, z->zone, DP_TYPE_DS, 3600, BYTES(1, 2, 3));
  }
  else
    ds_reply(&m, z->zone, &ds, 1);
  ck_assert_msg(dp_dnssec_ds_match(z->zone, m.t.b, m.t.n, z->dnskey,
                                   z->dnskey_len, &out) == DP_OK,
                "%s: status", c->label);
  ck_assert_msg(out.nds == 1 && out.ds[0].outcome == c->outcome,
                "%s: %s, want %s", c->label,
                dp_dnssec_ds_outcome_tostr(out.ds[0].outcome),
                dp_dnssec_ds_outcome_tostr(c->outcome));
  ck_assert_msg(out.secure_entry == (c->outcome == DP_DNSSEC_DS_MATCH),
                "%s: secure entry %d", c->label, out.secure_entry);
  ck_assert_msg((out.ds[0].key >= 0) == (c->outcome == DP_DNSSEC_DS_MATCH),
                "%s: key index %d", c->label, out.ds[0].key);
}
END_TEST

START_TEST(test_ds_match_arguments)
{
  static struct dp_dnssec_ds_result out;
  const struct fx_zone *z = SECURE;

  ck_assert_msg(dp_dnssec_ds_match(z->zone, NULL, 0, z->dnskey, z->dnskey_len,
                                   &out) == DP_EINVAL,
                "null-ds: want DP_EINVAL");
  ck_assert_msg(dp_dnssec_ds_match(z->zone, z->soa, z->soa_len, z->dnskey,
                                   z->dnskey_len, NULL) == DP_EINVAL,
                "null-out: want DP_EINVAL");
  ck_assert_msg(dp_dnssec_ds_match(z->zone, z->soa, 5, z->dnskey, z->dnskey_len,
                                   &out) == DP_EMALFORMED,
                "short-ds-reply: want DP_EMALFORMED");
  ck_assert_msg(dp_dnssec_ds_match("a..b", z->soa, z->soa_len, z->dnskey,
                                   z->dnskey_len, &out) == DP_ENAMEEMPTY,
                "bad-zone: want DP_ENAMEEMPTY");
  /* A reply with no DS at all: nothing to match, no secure entry. */
  ck_assert_msg(dp_dnssec_ds_match(z->zone, z->soa, z->soa_len, z->dnskey,
                                   z->dnskey_len, &out) == DP_OK &&
                    out.nds == 0 && !out.secure_entry && out.nkeys == 2,
                "no-ds: %zu DS", out.nds);
}
END_TEST

/* ---- robustness: prefixes and mutations of the real answers -------------- */

/* The answer of slot k (0 DNSKEY, 1 SOA, 2 NSEC3PARAM) of zone z. */
static const uint8_t *fx_answer(const struct fx_zone *z, int k, size_t *len)
{
  *len = k == 0 ? z->dnskey_len : k == 1 ? z->soa_len : z->nsec3param_len;
  return k == 0 ? z->dnskey : k == 1 ? z->soa : z->nsec3param;
}

/* Check zone z with slot k replaced by the n bytes at p, which are copied
 * into a heap buffer of exactly n bytes (so ASan sees any read past it). */
static void check_with(const struct fx_zone *z, int k, const uint8_t *p,
                       size_t n, const char *what, size_t which)
{
  static struct dp_dnssec_result out;
  uint8_t *copy = malloc(n > 0 ? n : 1);
  const uint8_t *slot[3];
  size_t len[3];

  ck_assert(copy != NULL);
  if (n > 0)
    memcpy(copy, p, n);
  for (int i = 0; i < 3; i++)
    slot[i] = fx_answer(z, i, &len[i]);
  slot[k] = copy;
  len[k] = n;
  const struct dp_dnssec_input in = {
      .zone = z->zone,
      .now = FX_CLOCK,
      .dnskey = slot[0],
      .dnskey_len = len[0],
      .soa = slot[1],
      .soa_len = len[1],
      .nsec3param = slot[2],
      .nsec3param_len = len[2],
  };
  dp_status_t st = dp_dnssec_check(&in, &out);
  ck_assert_msg(st == DP_OK, "%s %s slot %d %s %zu: status %d", z->zone, what,
                k, what, which, st);
  ck_assert_msg(out.nsigs <= DP_DNSSEC_SIGS_MAX && out.nsigs <= out.sigs_seen &&
                    out.nkeys <= DP_DNSSEC_KEYS_MAX &&
                    out.nfindings <= DP_DNSSEC_FINDINGS_MAX &&
                    out.severity <= DP_DNSSEC_SEV_CRITICAL,
                "%s slot %d %s %zu: bounds", z->zone, k, what, which);
  for (size_t i = 0; i < out.nfindings; i++)
    ck_assert_msg(
        out.findings[i].id < DP_DNSSEC_FINDING_MAX &&
            memchr(out.findings[i].detail, '\0', DP_DNSSEC_DETAIL_LEN) != NULL,
        "%s slot %d %s %zu: finding %zu", z->zone, k, what, which, i);
  free(copy);
}

/*
 * Every prefix of each answer of one zone per kind of key and of denial
 * (_i / 3 in sweep_zones, slot _i % 3). The parser's own sweep is in
 * test_wire; this one walks the records a cut message still holds through
 * the DNSSEC readers.
 */
static const char *const sweep_zones[] = {"secure.test", "rsasha256.test",
                                          "nsec3.test", "ed448.test"};

START_TEST(test_every_prefix)
{
  const struct fx_zone *z = fx_find(sweep_zones[_i / 3]);
  int k = _i % 3;
  size_t len;
  const uint8_t *p = fx_answer(z, k, &len);

  for (size_t n = 0; n <= len; n++)
    check_with(z, k, p, n, "prefix", n);
}
END_TEST

/* 32 deterministic mutations (1 to 4 bytes set to pseudo-random values,
 * length bytes and RDLENGTH fields included) of each answer of zone _i. */
START_TEST(test_mutations)
{
  const struct fx_zone *z = &fx_zones[_i];
  static uint8_t buf[DP_DNS_MAX_UDP];
  uint32_t seed = 0x9e3779b9u ^ (uint32_t)_i;

  for (int k = 0; k < 3; k++)
  {
    size_t len;
    const uint8_t *p = fx_answer(z, k, &len);
    for (size_t round = 0; round < 32; round++)
    {
      memcpy(buf, p, len);
      unsigned changes = 1 + (seed >> 7) % 4;
      for (unsigned c = 0; c < changes; c++)
      {
        seed = seed * 1664525u + 1013904223u;
        size_t at = DP_DNS_HEADER_LEN + (seed >> 8) % (len - DP_DNS_HEADER_LEN);
        seed = seed * 1664525u + 1013904223u;
        buf[at] = (uint8_t)(seed >> 24);
      }
      check_with(z, k, buf, len, "mutation", round);
    }
  }
}
END_TEST

static Suite *dnssec_suite(void)
{
  Suite *s = suite_create("dnssec");
  TCase *tc;

  tc = tcase_create("times");
  tcase_add_loop_test(tc, test_sigtime_delta, 0, NELEM(delta_cases));
  tcase_add_loop_test(tc, test_serial_lt, 0, NELEM(serial_cases));
  tcase_add_loop_test(tc, test_sigtime_tostr, 0, NELEM(tostr_cases));
  suite_add_tcase(s, tc);

  tc = tcase_create("keys");
  tcase_add_loop_test(tc, test_key_vector, 0, NELEM(key_vectors));
  tcase_add_loop_test(tc, test_key_tag, 0, NELEM(tag_cases));
  tcase_add_loop_test(tc, test_ds_dsfromkey, 0, NELEM(fx_zones));
  tcase_add_test(tc, test_ds_digest_errors);
  suite_add_tcase(s, tc);

  tc = tcase_create("verify");
  tcase_add_loop_test(tc, test_sig_vector, 0, NELEM(sig_vectors));
  tcase_add_test(tc, test_algorithms_supported);
  tcase_add_loop_test(tc, test_signed_data, 0, NELEM(signed_cases));
  suite_add_tcase(s, tc);

  tc = tcase_create("check");
  tcase_add_loop_test(tc, test_zone, 0, NELEM(zone_cases));
  tcase_add_loop_test(tc, test_trigger, 0, NELEM(trigger_cases));
  tcase_add_test(tc, test_trigger_details);
  tcase_add_test(tc, test_check_arguments);
  tcase_add_test(tc, test_names);
  tcase_add_loop_test(tc, test_hostile, 0, NELEM(hostile_cases));
  suite_add_tcase(s, tc);

  tc = tcase_create("ds");
  tcase_add_loop_test(tc, test_ds_match_lab, 0, NELEM(fx_zones));
  tcase_add_loop_test(tc, test_ds_match_edits, 0, NELEM(ds_cases));
  tcase_add_test(tc, test_ds_match_arguments);
  suite_add_tcase(s, tc);

  tc = tcase_create("robustness");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_every_prefix, 0, 3 * (int)NELEM(sweep_zones));
  tcase_add_loop_test(tc, test_mutations, 0, NELEM(fx_zones));
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  /* libcrypto loads its providers on first use: once here, not in every
   * test's child process. */
  (void)dp_dnssec_algorithm_supported(DP_DNSSEC_ALG_ECDSAP256SHA256);
  SRunner *sr = srunner_create(dnssec_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
