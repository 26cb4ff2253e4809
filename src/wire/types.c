/*
 * types.c: RR type and class mnemonics (IANA "Resource Record (RR) TYPEs"
 * and "DNS CLASSes"), with the generic TYPEnnn / CLASSnnn forms of
 * RFC 3597 5 for everything else; DNSSEC algorithm and DS digest type
 * mnemonics (IANA "DNS Security Algorithm Numbers", RFC 4034 A.1, and the
 * DS digest type registry), with ALGnnn / DIGESTnnn for the others.
 *
 * Invariants: the tables are the only place a mnemonic is spelled; every
 * tostr always NUL-terminates (when cap > 0) and cuts rather than overflows.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dnsprobe/dnssec_wire.h"
#include "dnsprobe/wire.h"

struct mnemonic
{
  uint16_t value;
  const char *name;
};

static const struct mnemonic types[] = {
    {1, "A"},           {2, "NS"},     {5, "CNAME"},   {6, "SOA"},
    {12, "PTR"},        {13, "HINFO"}, {15, "MX"},     {16, "TXT"},
    {28, "AAAA"},       {29, "LOC"},   {33, "SRV"},    {35, "NAPTR"},
    {39, "DNAME"},      {41, "OPT"},   {43, "DS"},     {44, "SSHFP"},
    {46, "RRSIG"},      {47, "NSEC"},  {48, "DNSKEY"}, {50, "NSEC3"},
    {51, "NSEC3PARAM"}, {52, "TLSA"},  {59, "CDS"},    {60, "CDNSKEY"},
    {61, "OPENPGPKEY"}, {62, "CSYNC"}, {63, "ZONEMD"}, {64, "SVCB"},
    {65, "HTTPS"},      {99, "SPF"},   {249, "TKEY"},  {250, "TSIG"},
    {251, "IXFR"},      {252, "AXFR"}, {255, "ANY"},   {256, "URI"},
    {257, "CAA"},
};

static const struct mnemonic classes[] = {
    {1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"},
};

static const struct mnemonic dnssec_algs[] = {
    {1, "RSAMD5"},
    {2, "DH"},
    {3, "DSA"},
    {5, "RSASHA1"},
    {6, "DSA-NSEC3-SHA1"},
    {7, "RSASHA1-NSEC3-SHA1"},
    {8, "RSASHA256"},
    {10, "RSASHA512"},
    {12, "ECC-GOST"},
    {13, "ECDSAP256SHA256"},
    {14, "ECDSAP384SHA384"},
    {15, "ED25519"},
    {16, "ED448"},
    {252, "INDIRECT"},
    {253, "PRIVATEDNS"},
    {254, "PRIVATEOID"},
};

static const struct mnemonic ds_digests[] = {
    {1, "SHA-1"},
    {2, "SHA-256"},
    {3, "GOST R 34.11-94"},
    {4, "SHA-384"},
};

static const char *lookup(const struct mnemonic *table, size_t n,
                          uint16_t value)
{
  for (size_t i = 0; i < n; i++)
  {
    if (table[i].value == value)
      return table[i].name;
  }
  return NULL;
}

static void mnemonic_tostr(const struct mnemonic *table, size_t n,
                           const char *generic, uint16_t value, char *out,
                           size_t cap)
{
  if (out == NULL || cap == 0)
    return;
  const char *name = lookup(table, n, value);
  if (name != NULL)
    snprintf(out, cap, "%s", name);
  else
    snprintf(out, cap, "%s%u", generic, (unsigned)value);
}

void dp_wire_type_tostr(uint16_t type, char *out, size_t cap)
{
  mnemonic_tostr(types, sizeof types / sizeof types[0], "TYPE", type, out, cap);
}

void dp_wire_class_tostr(uint16_t rclass, char *out, size_t cap)
{
  mnemonic_tostr(classes, sizeof classes / sizeof classes[0], "CLASS", rclass,
                 out, cap);
}

void dp_wire_dnssec_alg_tostr(uint8_t alg, char *out, size_t cap)
{
  mnemonic_tostr(dnssec_algs, sizeof dnssec_algs / sizeof dnssec_algs[0],
                 "ALG", alg, out, cap);
}

void dp_wire_ds_digest_tostr(uint8_t type, char *out, size_t cap)
{
  mnemonic_tostr(ds_digests, sizeof ds_digests / sizeof ds_digests[0],
                 "DIGEST", type, out, cap);
}

/* Decimal 0-65535 with at least one digit and nothing after it. */
static dp_status_t parse_u16(const char *s, uint16_t *value)
{
  unsigned long v = 0;

  if (*s == '\0')
    return DP_EINVAL;
  for (; *s != '\0'; s++)
  {
    if (*s < '0' || *s > '9')
      return DP_EINVAL;
    v = v * 10 + (unsigned long)(*s - '0');
    if (v > 65535)
      return DP_EINVAL;
  }
  *value = (uint16_t)v;
  return DP_OK;
}

dp_status_t dp_wire_type_fromstr(const char *text, uint16_t *type)
{
  if (text == NULL || type == NULL)
    return DP_EINVAL;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
  {
    if (strcasecmp(text, types[i].name) == 0)
    {
      *type = types[i].value;
      return DP_OK;
    }
  }
  if (strncasecmp(text, "TYPE", 4) == 0)
    return parse_u16(text + 4, type);
  return DP_EINVAL;
}
