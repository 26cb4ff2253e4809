/*
 * test_knowledge.c: the knowledge tables as data. Every RCODE, EDE and
 * opcode row is complete and matches the IANA registries; names and
 * numbers round-trip through the _fromstr parsers; the situation catalogue
 * has every stable key with a fix for every server software; and the seed
 * pages' facts (NOTIMP vs REFUSED, SERVFAIL vs NOTIMP) are all present.
 *
 * Expected values are written out here independently of the tables, so a
 * changed or lost row fails a named case.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/knowledge.h"

/* Case-insensitive substring search. */
static bool contains_ci(const char *hay, const char *needle)
{
  size_t n = strlen(needle);

  if (hay == NULL)
    return false;
  for (; *hay != '\0'; hay++)
  {
    size_t i = 0;
    while (i < n && hay[i] != '\0' &&
           tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
      i++;
    if (i == n)
      return true;
  }
  return false;
}

static bool nonempty(const char *s)
{
  return s != NULL && s[0] != '\0';
}

/* ---- RCODEs ---------------------------------------------------------- */

struct rcode_case
{
  uint16_t value;
  const char *name;
  const char *rfc_part; /* must appear in the rfc field */
};

/* IANA "DNS RCODEs": every assigned value 0-11 and 16-23. */
static const struct rcode_case rcode_cases[] = {
    {0, "NOERROR", "1035"},   {1, "FORMERR", "1035"},
    {2, "SERVFAIL", "1035"},  {3, "NXDOMAIN", "1035"},
    {4, "NOTIMP", "1035"},    {5, "REFUSED", "1035"},
    {6, "YXDOMAIN", "2136"},  {7, "YXRRSET", "2136"},
    {8, "NXRRSET", "2136"},   {9, "NOTAUTH", "2136"},
    {10, "NOTZONE", "2136"},  {11, "DSOTYPENI", "8490"},
    {16, "BADVERS", "6891"},  {17, "BADKEY", "8945"},
    {18, "BADTIME", "8945"},  {19, "BADMODE", "2930"},
    {20, "BADNAME", "2930"},  {21, "BADALG", "2930"},
    {22, "BADTRUNC", "8945"}, {23, "BADCOOKIE", "7873"},
};
#define N_RCODE_CASES (int)(sizeof(rcode_cases) / sizeof(rcode_cases[0]))

START_TEST(rcode_registry)
{
  const struct rcode_case *c = &rcode_cases[_i];
  const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(c->value);

  ck_assert_msg(r != NULL, "rcode %u (%s): no entry", c->value, c->name);
  ck_assert_msg(r->value == c->value, "rcode %u: value %u", c->value, r->value);
  ck_assert_msg(strcmp(r->name, c->name) == 0, "rcode %u: name '%s', not %s",
                c->value, r->name, c->name);
  ck_assert_msg(contains_ci(r->rfc, c->rfc_part), "rcode %s: rfc '%s' lacks %s",
                c->name, r->rfc, c->rfc_part);
  ck_assert_msg(nonempty(r->summary), "rcode %s: empty summary", c->name);
  ck_assert_msg(nonempty(r->when), "rcode %s: empty when", c->name);
  ck_assert_msg(nonempty(r->fix), "rcode %s: empty fix", c->name);
  if (c->value == 16)
    ck_assert_msg(r->alt_name != NULL && strcmp(r->alt_name, "BADSIG") == 0,
                  "rcode 16: alt_name should be BADSIG");
  else
    ck_assert_msg(r->alt_name == NULL, "rcode %s: unexpected alt_name '%s'",
                  c->name, r->alt_name);
  ck_assert_msg(strcmp(dp_knowledge_rcode_name(c->value), c->name) == 0,
                "rcode %u: rcode_name gives '%s'", c->value,
                dp_knowledge_rcode_name(c->value));
}
END_TEST

START_TEST(rcode_table_shape)
{
  size_t n = dp_knowledge_rcode_count();

  ck_assert_msg(n == (size_t)N_RCODE_CASES, "rcode table: %zu rows, want %d", n,
                N_RCODE_CASES);
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_knowledge_rcode *r = dp_knowledge_rcode_at(i);
    ck_assert_msg(r != NULL, "rcode row %zu: NULL", i);
    ck_assert_msg(r->value == rcode_cases[i].value,
                  "rcode row %zu: value %u out of order", i, r->value);
  }
  ck_assert_msg(dp_knowledge_rcode_at(n) == NULL, "rcode row past end");
}
END_TEST

/* Every entry's name, lowercase name and number parse back to it. */
START_TEST(rcode_roundtrip)
{
  const struct dp_knowledge_rcode *r = dp_knowledge_rcode_at((size_t)_i);
  char lower[32], number[16];
  uint16_t v = 0xFFFF;

  ck_assert_msg(r != NULL, "rcode row %d: NULL", _i);
  for (size_t k = 0; k <= strlen(r->name) && k < sizeof(lower); k++)
    lower[k] = (char)tolower((unsigned char)r->name[k]);
  lower[sizeof(lower) - 1] = '\0';
  snprintf(number, sizeof(number), "%u", r->value);

  ck_assert_msg(dp_knowledge_rcode_fromstr(r->name, &v) == DP_OK &&
                    v == r->value,
                "rcode %s: name does not round-trip (got %u)", r->name, v);
  v = 0xFFFF;
  ck_assert_msg(dp_knowledge_rcode_fromstr(lower, &v) == DP_OK && v == r->value,
                "rcode %s: lowercase '%s' does not round-trip", r->name, lower);
  v = 0xFFFF;
  ck_assert_msg(dp_knowledge_rcode_fromstr(number, &v) == DP_OK &&
                    v == r->value,
                "rcode %s: number '%s' does not round-trip", r->name, number);
}
END_TEST

struct fromstr_case
{
  const char *text;
  dp_status_t status;
  uint16_t value; /* when DP_OK */
};

static const struct fromstr_case rcode_parse_cases[] = {
    {"BADSIG", DP_OK, 16},      {"badsig", DP_OK, 16},
    {"BadVers", DP_OK, 16},     {"refused", DP_OK, 5},
    {"NotImp", DP_OK, 4},       {"NOTIMPL", DP_OK, 4},
    {"rcode5", DP_OK, 5},       {"0", DP_OK, 0},
    {"23", DP_OK, 23},          {"12", DP_ERANGE, 0},
    {"13", DP_ERANGE, 0},       {"14", DP_ERANGE, 0},
    {"15", DP_ERANGE, 0},       {"24", DP_ERANGE, 0},
    {"4095", DP_ERANGE, 0},     {"4096", DP_ERANGE, 0},
    {"65536", DP_ERANGE, 0},    {"99999999999999999999999", DP_ERANGE, 0},
    {"RCODE12", DP_ERANGE, 0},  {"FOO", DP_EINVAL, 0},
    {"", DP_EINVAL, 0},         {"-1", DP_EINVAL, 0},
    {"+5", DP_EINVAL, 0},       {" 5", DP_EINVAL, 0},
    {"5 ", DP_EINVAL, 0},       {"5x", DP_EINVAL, 0},
    {"0x5", DP_EINVAL, 0},      {"RCODE", DP_EINVAL, 0},
    {"REFUSEDX", DP_EINVAL, 0},
};
#define N_RCODE_PARSE                                                          \
  (int)(sizeof(rcode_parse_cases) / sizeof(rcode_parse_cases[0]))

START_TEST(rcode_fromstr_cases)
{
  const struct fromstr_case *c = &rcode_parse_cases[_i];
  uint16_t v = 0xFFFF;
  dp_status_t st = dp_knowledge_rcode_fromstr(c->text, &v);

  ck_assert_msg(st == c->status, "rcode_fromstr('%s'): status %d, want %d",
                c->text, (int)st, (int)c->status);
  if (c->status == DP_OK)
    ck_assert_msg(v == c->value, "rcode_fromstr('%s'): %u, want %u", c->text, v,
                  c->value);
  else
    ck_assert_msg(v == 0xFFFF, "rcode_fromstr('%s'): wrote %u on error",
                  c->text, v);
}
END_TEST

START_TEST(rcode_unassigned_names)
{
  static const uint16_t values[] = {12, 13, 14, 15, 24, 3840, 4095};
  const char *names[sizeof(values) / sizeof(values[0])];

  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
  {
    char want[16];
    snprintf(want, sizeof(want), "RCODE%u", values[i]);
    ck_assert_msg(dp_knowledge_rcode_get(values[i]) == NULL,
                  "rcode %u: should be unassigned", values[i]);
    names[i] = dp_knowledge_rcode_name(values[i]);
    ck_assert_msg(strcmp(names[i], want) == 0, "rcode_name(%u) = '%s'",
                  values[i], names[i]);
  }
  /* Earlier results must survive later calls. */
  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
  {
    char want[16];
    snprintf(want, sizeof(want), "RCODE%u", values[i]);
    ck_assert_msg(strcmp(names[i], want) == 0,
                  "rcode_name(%u) overwritten: '%s'", values[i], names[i]);
  }
  ck_assert_msg(dp_knowledge_rcode_fromstr(NULL, NULL) == DP_EINVAL,
                "rcode_fromstr(NULL): want EINVAL");
}
END_TEST

/* ---- EDE ------------------------------------------------------------- */

struct ede_case
{
  uint16_t code;
  const char *name;
  const char *rfc_part;
};

/* IANA "Extended DNS Error Codes", 0-30. */
static const struct ede_case ede_cases[] = {
    {0, "Other Error", "8914"},
    {1, "Unsupported DNSKEY Algorithm", "8914"},
    {2, "Unsupported DS Digest Type", "8914"},
    {3, "Stale Answer", "8914"},
    {4, "Forged Answer", "8914"},
    {5, "DNSSEC Indeterminate", "8914"},
    {6, "DNSSEC Bogus", "8914"},
    {7, "Signature Expired", "8914"},
    {8, "Signature Not Yet Valid", "8914"},
    {9, "DNSKEY Missing", "8914"},
    {10, "RRSIGs Missing", "8914"},
    {11, "No Zone Key Bit Set", "8914"},
    {12, "NSEC Missing", "8914"},
    {13, "Cached Error", "8914"},
    {14, "Not Ready", "8914"},
    {15, "Blocked", "8914"},
    {16, "Censored", "8914"},
    {17, "Filtered", "8914"},
    {18, "Prohibited", "8914"},
    {19, "Stale NXDOMAIN Answer", "8914"},
    {20, "Not Authoritative", "8914"},
    {21, "Not Supported", "8914"},
    {22, "No Reachable Authority", "8914"},
    {23, "Network Error", "8914"},
    {24, "Invalid Data", "8914"},
    {25, "Signature Expired before Valid", "IANA"},
    {26, "Too Early", "9250"},
    {27, "Unsupported NSEC3 Iterations Value", "9276"},
    {28, "Unable to conform to policy", "codcp"},
    {29, "Synthesized", "IANA"},
    {30, "Invalid Query Type", "9824"},
};
#define N_EDE_CASES (int)(sizeof(ede_cases) / sizeof(ede_cases[0]))

START_TEST(ede_registry)
{
  const struct ede_case *c = &ede_cases[_i];
  const struct dp_knowledge_ede *e = dp_knowledge_ede_get(c->code);
  char number[8], dashed[64];
  uint16_t v = 0xFFFF;
  size_t k;

  ck_assert_msg(e != NULL, "ede %u (%s): no entry", c->code, c->name);
  ck_assert_msg(e->code == c->code, "ede %u: code %u", c->code, e->code);
  ck_assert_msg(strcmp(e->name, c->name) == 0, "ede %u: name '%s', not '%s'",
                c->code, e->name, c->name);
  ck_assert_msg(contains_ci(e->rfc, c->rfc_part), "ede %u: rfc '%s' lacks %s",
                c->code, e->rfc, c->rfc_part);
  ck_assert_msg(nonempty(e->summary), "ede %u: empty summary", c->code);
  ck_assert_msg(nonempty(e->fix), "ede %u: empty fix", c->code);
  ck_assert_msg(dp_knowledge_ede_at((size_t)_i) == e,
                "ede %u: ede_at(%d) is another row", c->code, _i);

  snprintf(number, sizeof(number), "%u", c->code);
  ck_assert_msg(dp_knowledge_ede_fromstr(number, &v) == DP_OK && v == c->code,
                "ede %u: number does not round-trip", c->code);
  v = 0xFFFF;
  ck_assert_msg(dp_knowledge_ede_fromstr(c->name, &v) == DP_OK && v == c->code,
                "ede %u: name '%s' does not round-trip", c->code, c->name);
  /* "dnssec-bogus" style, as typed on a command line. */
  for (k = 0; c->name[k] != '\0' && k + 1 < sizeof(dashed); k++)
    dashed[k] =
        c->name[k] == ' ' ? '-' : (char)tolower((unsigned char)c->name[k]);
  dashed[k] = '\0';
  v = 0xFFFF;
  ck_assert_msg(dp_knowledge_ede_fromstr(dashed, &v) == DP_OK && v == c->code,
                "ede %u: '%s' does not round-trip", c->code, dashed);
}
END_TEST

static const struct fromstr_case ede_parse_cases[] = {
    {"18", DP_OK, 18},           {"prohibited", DP_OK, 18},
    {"DNSSEC_Bogus", DP_OK, 6},  {"30", DP_OK, 30},
    {"31", DP_ERANGE, 0},        {"49152", DP_ERANGE, 0},
    {"65535", DP_ERANGE, 0},     {"99999", DP_ERANGE, 0},
    {"", DP_EINVAL, 0},          {"nope", DP_EINVAL, 0},
    {"18x", DP_EINVAL, 0},       {"-1", DP_EINVAL, 0},
    {"Signature", DP_EINVAL, 0},
};
#define N_EDE_PARSE (int)(sizeof(ede_parse_cases) / sizeof(ede_parse_cases[0]))

START_TEST(ede_fromstr_cases)
{
  const struct fromstr_case *c = &ede_parse_cases[_i];
  uint16_t v = 0xFFFF;
  dp_status_t st = dp_knowledge_ede_fromstr(c->text, &v);

  ck_assert_msg(st == c->status, "ede_fromstr('%s'): status %d, want %d",
                c->text, (int)st, (int)c->status);
  if (c->status == DP_OK)
    ck_assert_msg(v == c->value, "ede_fromstr('%s'): %u, want %u", c->text, v,
                  c->value);
}
END_TEST

START_TEST(ede_table_shape)
{
  ck_assert_msg(dp_knowledge_ede_count() == (size_t)N_EDE_CASES,
                "ede table: %zu rows, want %d", dp_knowledge_ede_count(),
                N_EDE_CASES);
  ck_assert_msg(dp_knowledge_ede_get(31) == NULL, "ede 31: should be absent");
  ck_assert_msg(dp_knowledge_ede_get(65535) == NULL,
                "ede 65535: should be absent");
  ck_assert_msg(dp_knowledge_ede_at(dp_knowledge_ede_count()) == NULL,
                "ede row past end");
}
END_TEST

/* ---- Opcodes --------------------------------------------------------- */

struct opcode_case
{
  uint8_t value;
  const char *name;     /* entry name */
  const char *printed;  /* dp_knowledge_opcode_name */
  const char *rfc_part; /* NULL when unassigned */
};

static const struct opcode_case opcode_cases[] = {
    {0, "QUERY", "QUERY", "1035"},
    {1, "IQUERY", "IQUERY", "3425"},
    {2, "STATUS", "STATUS", "1035"},
    {3, "unassigned", "OPCODE3", NULL},
    {4, "NOTIFY", "NOTIFY", "1996"},
    {5, "UPDATE", "UPDATE", "2136"},
    {6, "DSO", "DSO", "8490"},
    {7, "unassigned", "OPCODE7", NULL},
    {8, "unassigned", "OPCODE8", NULL},
    {9, "unassigned", "OPCODE9", NULL},
    {10, "unassigned", "OPCODE10", NULL},
    {11, "unassigned", "OPCODE11", NULL},
    {12, "unassigned", "OPCODE12", NULL},
    {13, "unassigned", "OPCODE13", NULL},
    {14, "unassigned", "OPCODE14", NULL},
    {15, "unassigned", "OPCODE15", NULL},
};
#define N_OPCODE_CASES (int)(sizeof(opcode_cases) / sizeof(opcode_cases[0]))

START_TEST(opcode_registry)
{
  const struct opcode_case *c = &opcode_cases[_i];
  const struct dp_knowledge_opcode *o = dp_knowledge_opcode_get(c->value);
  char number[8];
  uint8_t v = 0xFF;

  ck_assert_msg(o != NULL, "opcode %u: no entry", c->value);
  ck_assert_msg(o->value == c->value, "opcode %u: value %u", c->value,
                o->value);
  ck_assert_msg(strcmp(o->name, c->name) == 0, "opcode %u: name '%s'", c->value,
                o->name);
  ck_assert_msg(nonempty(o->summary), "opcode %u: empty summary", c->value);
  if (c->rfc_part == NULL)
    ck_assert_msg(o->rfc == NULL, "opcode %u: unassigned but rfc '%s'",
                  c->value, o->rfc);
  else
    ck_assert_msg(contains_ci(o->rfc, c->rfc_part),
                  "opcode %u: rfc '%s' lacks %s", c->value, o->rfc,
                  c->rfc_part);
  ck_assert_msg(strcmp(dp_knowledge_opcode_name(c->value), c->printed) == 0,
                "opcode %u: printed as '%s'", c->value,
                dp_knowledge_opcode_name(c->value));

  ck_assert_msg(dp_knowledge_opcode_fromstr(c->printed, &v) == DP_OK &&
                    v == c->value,
                "opcode %u: '%s' does not round-trip", c->value, c->printed);
  snprintf(number, sizeof(number), "%u", c->value);
  v = 0xFF;
  ck_assert_msg(dp_knowledge_opcode_fromstr(number, &v) == DP_OK &&
                    v == c->value,
                "opcode %u: number does not round-trip", c->value);
}
END_TEST

struct opcode_parse_case
{
  const char *text;
  dp_status_t status;
  uint8_t value;
};

static const struct opcode_parse_case opcode_parse_cases[] = {
    {"update", DP_OK, 5},       {"Notify", DP_OK, 4},
    {"opcode15", DP_OK, 15},    {"OPCODE5", DP_OK, 5},
    {"16", DP_ERANGE, 0},       {"255", DP_ERANGE, 0},
    {"OPCODE16", DP_ERANGE, 0}, {"unassigned", DP_EINVAL, 0},
    {"", DP_EINVAL, 0},         {"junk", DP_EINVAL, 0},
    {"5.0", DP_EINVAL, 0},
};
#define N_OPCODE_PARSE                                                         \
  (int)(sizeof(opcode_parse_cases) / sizeof(opcode_parse_cases[0]))

START_TEST(opcode_fromstr_cases)
{
  const struct opcode_parse_case *c = &opcode_parse_cases[_i];
  uint8_t v = 0xFF;
  dp_status_t st = dp_knowledge_opcode_fromstr(c->text, &v);

  ck_assert_msg(st == c->status, "opcode_fromstr('%s'): status %d, want %d",
                c->text, (int)st, (int)c->status);
  if (c->status == DP_OK)
    ck_assert_msg(v == c->value, "opcode_fromstr('%s'): %u, want %u", c->text,
                  v, c->value);
  ck_assert_msg(dp_knowledge_opcode_get(16) == NULL,
                "opcode_get(16) should be NULL (case '%s')", c->text);
}
END_TEST

/* ---- Software -------------------------------------------------------- */

struct software_case
{
  dp_software_t sw;
  const char *key;
  const char *name_part;
};

static const struct software_case software_cases[] = {
    {DP_SOFTWARE_UNKNOWN, "unknown", "unknown"},
    {DP_SOFTWARE_BIND, "bind", "BIND"},
    {DP_SOFTWARE_UNBOUND, "unbound", "Unbound"},
    {DP_SOFTWARE_KNOT, "knot", "Knot DNS"},
    {DP_SOFTWARE_NSD, "nsd", "NSD"},
    {DP_SOFTWARE_PDNS_AUTH, "pdns-auth", "PowerDNS Authoritative"},
    {DP_SOFTWARE_PDNS_RECURSOR, "pdns-recursor", "PowerDNS Recursor"},
    {DP_SOFTWARE_KNOT_RESOLVER, "knot-resolver", "Knot Resolver"},
    {DP_SOFTWARE_DNSMASQ, "dnsmasq", "dnsmasq"},
    {DP_SOFTWARE_COREDNS, "coredns", "CoreDNS"},
    {DP_SOFTWARE_WINDOWS, "windows", "Windows DNS"},
};
#define N_SOFTWARE_CASES                                                       \
  (int)(sizeof(software_cases) / sizeof(software_cases[0]))

START_TEST(software_names)
{
  const struct software_case *c = &software_cases[_i];

  ck_assert_msg(strcmp(dp_software_tostr(c->sw), c->key) == 0,
                "software %s: key '%s'", c->key, dp_software_tostr(c->sw));
  ck_assert_msg(contains_ci(dp_software_name(c->sw), c->name_part),
                "software %s: name '%s' lacks '%s'", c->key,
                dp_software_name(c->sw), c->name_part);
  ck_assert_msg(N_SOFTWARE_CASES == DP_SOFTWARE_COUNT,
                "software %s: table covers %d of %d values", c->key,
                N_SOFTWARE_CASES, DP_SOFTWARE_COUNT);
  ck_assert_msg(strcmp(dp_software_tostr(DP_SOFTWARE_COUNT), "unknown") == 0,
                "software %s: out-of-range value is not 'unknown'", c->key);
}
END_TEST

/* ---- Situations ------------------------------------------------------ */

/* The stable keys listed in knowledge.h. */
static const char *const situation_keys[] = {
    "zone-root-default",   "zone-lame",
    "zone-servfail",       "zone-not-authoritative",
    "zone-unexpected",     "tcp-unavailable",
    "unreachable",         "recursion-open",
    "recursion-refused",   "recursion-inconsistent",
    "recursion-failing",   "recursion-dnssec",
    "recursion-upstream",  "axfr-open",
    "axfr-denied",         "update-accepted",
    "update-denied",       "update-not-supported",
    "notify-accepted",     "notify-refused",
    "opcode-noncompliant", "edns-noncompliant",
    "rate-limited",        "no-answer",
    "unexpected-answer",   "malformed-answer",
    "version-disclosed",   "dnssec-signing",
    "case-not-preserved",
};
#define N_SITUATIONS (int)(sizeof(situation_keys) / sizeof(situation_keys[0]))

/* The situation of a finding key, or NULL. */
static const struct dp_knowledge_situation *situation(const char *key)
{
  dp_finding_t f;
  if (dp_finding_fromstr(key, &f) != DP_OK)
    return NULL;
  return dp_knowledge_situation_get(f);
}

/* A plain statement where the software cannot do it says so in words. */
static bool states_limit(const char *s)
{
  return contains_ci(s, "cannot") || contains_ci(s, " no ") ||
         contains_ci(s, " not ") || contains_ci(s, "never");
}

/* Private ranges must never appear in a snippet (RFC 1918). */
static bool has_private_address(const char *s)
{
  static const char *const bad[] = {
      "192.168.", " 10.",    "=10.",    "{10.",    "172.16.", "172.17.",
      "172.18.",  "172.19.", "172.20.", "172.21.", "172.22.", "172.23.",
      "172.24.",  "172.25.", "172.26.", "172.27.", "172.28.", "172.29.",
      "172.30.",  "172.31.", "'10.",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
  {
    if (contains_ci(s, bad[i]))
      return true;
  }
  return false;
}

START_TEST(situation_complete)
{
  const char *key = situation_keys[_i];
  const struct dp_knowledge_situation *s = situation(key);
  int rows = 0;
  dp_finding_t fnd;

  ck_assert_msg(s != NULL, "situation %s: missing", key);
  ck_assert_msg(dp_finding_fromstr(key, &fnd) == DP_OK &&
                    strcmp(dp_finding_tostr(fnd), key) == 0,
                "situation %s: key does not read back", key);
  ck_assert_msg(nonempty(s->title), "situation %s: empty title", key);
  ck_assert_msg(nonempty(s->explanation), "situation %s: empty explanation",
                key);
  ck_assert_msg(nonempty(s->fix), "situation %s: empty fix", key);
  ck_assert_msg(s->fixes != NULL, "situation %s: no fixes", key);
  ck_assert_msg(dp_knowledge_situation_fix(s, DP_SOFTWARE_UNKNOWN) == NULL,
                "situation %s: a fix for unknown software", key);

  for (int sw = DP_SOFTWARE_UNKNOWN + 1; sw < DP_SOFTWARE_COUNT; sw++)
  {
    const struct dp_knowledge_fix *f =
        dp_knowledge_situation_fix(s, (dp_software_t)sw);
    const char *who = dp_software_tostr((dp_software_t)sw);

    ck_assert_msg(f != NULL, "situation %s: no fix for %s", key, who);
    ck_assert_msg(nonempty(f->snippet), "situation %s/%s: empty snippet", key,
                  who);
    ck_assert_msg(f->setting == NULL || f->setting[0] != '\0',
                  "situation %s/%s: empty setting name", key, who);
    if (f->setting == NULL)
    {
      ck_assert_msg(
          contains_ci(f->snippet, dp_software_name((dp_software_t)sw)),
          "situation %s/%s: statement does not name the software", key, who);
      ck_assert_msg(states_limit(f->snippet),
                    "situation %s/%s: statement does not say what it cannot",
                    key, who);
    }
    ck_assert_msg(!has_private_address(f->snippet),
                  "situation %s/%s: snippet uses a private address", key, who);
  }
  for (const struct dp_knowledge_fix *f = s->fixes; f->snippet != NULL; f++)
    rows++;
  ck_assert_msg(rows == DP_SOFTWARE_COUNT - 1,
                "situation %s: %d fixes, want one per software (%d)", key, rows,
                DP_SOFTWARE_COUNT - 1);
}
END_TEST

START_TEST(situation_table_shape)
{
  int with_situation = 0;
  dp_finding_t f;
  for (unsigned i = 0; i < DP_FINDING_COUNT; i++)
  {
    const char *key = dp_finding_tostr((dp_finding_t)i);
    if (dp_knowledge_situation_get((dp_finding_t)i) != NULL)
      with_situation++;
    for (unsigned j = i + 1; j < DP_FINDING_COUNT; j++)
      ck_assert_msg(strcmp(key, dp_finding_tostr((dp_finding_t)j)) != 0,
                    "finding %s: duplicate key", key);
    if (i > DP_FINDING_NONE)
      ck_assert_msg(dp_finding_fromstr(key, &f) == DP_OK && f == i,
                    "finding %s: does not read back", key);
  }
  /* every finding but none and an expectation not met has a situation */
  ck_assert_msg(with_situation == N_SITUATIONS &&
                    N_SITUATIONS == DP_FINDING_COUNT - 2,
                "situations: %d, listed %d, findings %d", with_situation,
                N_SITUATIONS, (int)DP_FINDING_COUNT);
  ck_assert_msg(dp_knowledge_situation_get(DP_FINDING_NONE) == NULL &&
                    dp_knowledge_situation_get(DP_FINDING_EXPECTATION_FAILED) ==
                        NULL &&
                    dp_knowledge_situation_get(DP_FINDING_COUNT) == NULL,
                "situations of none, expectation-failed, out of range");
  ck_assert_msg(dp_finding_fromstr("no-such-key", &f) == DP_EINVAL &&
                    dp_finding_fromstr("none", &f) == DP_EINVAL &&
                    dp_finding_fromstr(NULL, &f) == DP_EINVAL,
                "finding keys that are none");
  /* causes: unique keys that read back, and words for each */
  for (unsigned i = 1; i < DP_CAUSE_COUNT; i++)
  {
    dp_cause_t c;
    const char *key = dp_cause_tostr((dp_cause_t)i);
    ck_assert_msg(dp_cause_fromstr(key, &c) == DP_OK && c == i,
                  "cause %s: does not read back", key);
    ck_assert_msg(nonempty(dp_knowledge_cause_words((dp_cause_t)i)),
                  "cause %s: no words", key);
  }
  ck_assert_msg(dp_knowledge_cause_words(DP_CAUSE_NONE) == NULL,
                "cause none has no words");
}
END_TEST

/* Facts a situation's texts must carry; REFUSED to a transfer and REFUSED
 * to recursion must read differently. */
struct situation_fact
{
  const char *key;
  const char *term;
};

static const struct situation_fact situation_facts[] = {
    {"axfr-denied", "transfer"},
    {"axfr-denied", "secondary"},
    {"recursion-refused", "recursion"},
    {"recursion-refused", "own network"},
    {"recursion-dnssec", "CD=1"},
    {"recursion-dnssec", "negative trust anchor"},
    {"recursion-upstream", "forwarders"},
    {"recursion-open", "RFC 5358"},
    {"zone-lame", "lame"},
    {"zone-servfail", "expire"},
    {"tcp-unavailable", "RFC 7766"},
    {"opcode-noncompliant", "NOTIMP"},
    {"update-accepted", "TSIG"},
    {"version-disclosed", "version.bind"},
};
#define N_SITUATION_FACTS                                                      \
  (int)(sizeof(situation_facts) / sizeof(situation_facts[0]))

START_TEST(situation_facts_present)
{
  const struct situation_fact *c = &situation_facts[_i];
  const struct dp_knowledge_situation *s = situation(c->key);

  ck_assert_msg(s != NULL, "fact %s/%s: situation missing", c->key, c->term);
  ck_assert_msg(contains_ci(s->explanation, c->term) ||
                    contains_ci(s->fix, c->term),
                "fact %s: text lacks '%s'", c->key, c->term);
  ck_assert_msg(strcmp(situation("axfr-denied")->explanation,
                       situation("recursion-refused")->explanation) != 0,
                "fact %s: REFUSED to AXFR and to recursion read the same",
                c->key);
}
END_TEST

/* Each software's own setting names, where it has them. */
struct setting_case
{
  const char *key;
  dp_software_t sw;
  const char *term; /* in setting or snippet */
};

static const struct setting_case setting_cases[] = {
    {"recursion-refused", DP_SOFTWARE_BIND, "allow-recursion"},
    {"recursion-refused", DP_SOFTWARE_UNBOUND, "access-control"},
    {"recursion-refused", DP_SOFTWARE_PDNS_RECURSOR, "allow-from"},
    {"recursion-refused", DP_SOFTWARE_KNOT_RESOLVER, "view:addr"},
    {"recursion-open", DP_SOFTWARE_COREDNS, "acl"},
    {"recursion-open", DP_SOFTWARE_WINDOWS, "Set-DnsServerRecursion"},
    {"axfr-open", DP_SOFTWARE_BIND, "allow-transfer"},
    {"axfr-open", DP_SOFTWARE_KNOT, "action: transfer"},
    {"axfr-open", DP_SOFTWARE_NSD, "provide-xfr"},
    {"axfr-open", DP_SOFTWARE_PDNS_AUTH, "allow-axfr-ips"},
    {"axfr-open", DP_SOFTWARE_PDNS_AUTH, "disable-axfr"},
    {"axfr-open", DP_SOFTWARE_COREDNS, "transfer"},
    {"axfr-open", DP_SOFTWARE_WINDOWS, "-SecureSecondaries"},
    {"update-accepted", DP_SOFTWARE_BIND, "update-policy"},
    {"update-accepted", DP_SOFTWARE_KNOT, "action: update"},
    {"update-accepted", DP_SOFTWARE_PDNS_AUTH, "dnsupdate"},
    {"update-accepted", DP_SOFTWARE_PDNS_AUTH, "allow-dnsupdate-from"},
    {"update-accepted", DP_SOFTWARE_WINDOWS, "-DynamicUpdate"},
    {"notify-refused", DP_SOFTWARE_BIND, "allow-notify"},
    {"notify-refused", DP_SOFTWARE_NSD, "allow-notify"},
    {"notify-refused", DP_SOFTWARE_PDNS_AUTH, "allow-notify-from"},
    {"notify-refused", DP_SOFTWARE_KNOT, "action: notify"},
    /* The plain statements where the software cannot do it. */
    {"update-accepted", DP_SOFTWARE_NSD, "no dynamic update"},
    {"update-not-supported", DP_SOFTWARE_NSD, "no dynamic update"},
    {"recursion-open", DP_SOFTWARE_NSD, "cannot recurse"},
    {"axfr-open", DP_SOFTWARE_UNBOUND, "no zone transfers"},
    {"axfr-open", DP_SOFTWARE_PDNS_RECURSOR, "no zone transfers"},
    {"axfr-open", DP_SOFTWARE_KNOT_RESOLVER, "no zone transfers"},
    {"update-accepted", DP_SOFTWARE_DNSMASQ, "no dynamic update"},
};
#define N_SETTING_CASES (int)(sizeof(setting_cases) / sizeof(setting_cases[0]))

START_TEST(situation_settings)
{
  const struct setting_case *c = &setting_cases[_i];
  const struct dp_knowledge_fix *f =
      dp_knowledge_situation_fix(situation(c->key), c->sw);

  ck_assert_msg(f != NULL, "setting %s/%s: no fix", c->key,
                dp_software_tostr(c->sw));
  ck_assert_msg(
      contains_ci(f->setting, c->term) || contains_ci(f->snippet, c->term),
      "setting %s/%s: lacks '%s'", c->key, dp_software_tostr(c->sw), c->term);
}
END_TEST

/* ---- The DNSSEC causes' pages -------------------------------------------- */

/* Each DNSSEC cause's page is complete, and its fixes (its own table, or
 * the situation it takes them from) follow the catalogue's rules: a row
 * per software but unknown, in enum order, a plain statement naming the
 * software and what it cannot do where there is no setting, no private
 * address. */
static const dp_cause_t dnssec_causes[] = {
    DP_CAUSE_DNSSEC_EXPIRING,     DP_CAUSE_DNSSEC_EXPIRED,
    DP_CAUSE_DNSSEC_CLOCK,        DP_CAUSE_DNSSEC_BOGUS,
    DP_CAUSE_DNSSEC_KEY_MISMATCH, DP_CAUSE_DNSSEC_ALGORITHM,
    DP_CAUSE_DNSSEC_NSEC3,        DP_CAUSE_DNSSEC_KEYS_DIFFER,
    DP_CAUSE_DNSSEC_DS_MISMATCH,  DP_CAUSE_DNSSEC_INSECURE,
};
#define N_DNSSEC_CAUSES (int)(sizeof(dnssec_causes) / sizeof(dnssec_causes[0]))

START_TEST(dnssec_cause_fixes)
{
  const struct dp_knowledge_cause *c =
      dp_knowledge_cause_get(dnssec_causes[_i]);
  const char *key = dp_cause_tostr(dnssec_causes[_i]);

  ck_assert_msg(c != NULL && nonempty(c->title) && nonempty(c->words) &&
                    nonempty(c->what) && nonempty(c->when) &&
                    nonempty(c->fix) && nonempty(c->differs),
                "cause %s: a part of its page is missing", key);
  ck_assert_msg(strncmp(key, "dnssec-", 7) == 0, "cause %s: key", key);
  const struct dp_knowledge_fix *f = dp_knowledge_cause_fixes(c);
  ck_assert_msg(f != NULL, "cause %s: no fixes", key);
  int sw = DP_SOFTWARE_UNKNOWN + 1;
  for (; f->snippet != NULL; f++, sw++)
  {
    const char *who = dp_software_tostr((dp_software_t)sw);
    ck_assert_msg((int)f->software == sw, "cause %s: row %s out of order", key,
                  dp_software_tostr(f->software));
    ck_assert_msg(nonempty(f->snippet), "cause %s/%s: empty", key, who);
    ck_assert_msg(!has_private_address(f->snippet),
                  "cause %s/%s: a private address", key, who);
    if (f->setting == NULL)
      ck_assert_msg(
          contains_ci(f->snippet, dp_software_name((dp_software_t)sw)) &&
              states_limit(f->snippet),
          "cause %s/%s: a statement that does not say who cannot", key, who);
  }
  ck_assert_msg(sw == DP_SOFTWARE_COUNT, "cause %s: %d fixes", key,
                sw - DP_SOFTWARE_UNKNOWN - 1);
}
END_TEST

/* What each signer's fix must name: its own tools and settings. */
static const struct
{
  dp_cause_t cause;
  dp_software_t sw;
  const char *term;
} dnssec_terms[] = {
    {DP_CAUSE_DNSSEC_EXPIRING, DP_SOFTWARE_BIND, "dnssec-policy"},
    {DP_CAUSE_DNSSEC_EXPIRING, DP_SOFTWARE_KNOT, "knotc zone-sign"},
    {DP_CAUSE_DNSSEC_EXPIRING, DP_SOFTWARE_PDNS_AUTH, "pdnsutil"},
    {DP_CAUSE_DNSSEC_EXPIRING, DP_SOFTWARE_NSD, "ods-signer"},
    {DP_CAUSE_DNSSEC_EXPIRED, DP_SOFTWARE_NSD, "ldns-signzone"},
    {DP_CAUSE_DNSSEC_CLOCK, DP_SOFTWARE_KNOT, "knotc zone-sign"},
    {DP_CAUSE_DNSSEC_ALGORITHM, DP_SOFTWARE_BIND, "ecdsap256sha256"},
    {DP_CAUSE_DNSSEC_ALGORITHM, DP_SOFTWARE_PDNS_AUTH, "add-zone-key"},
    {DP_CAUSE_DNSSEC_NSEC3, DP_SOFTWARE_BIND, "iterations 0"},
    {DP_CAUSE_DNSSEC_NSEC3, DP_SOFTWARE_KNOT, "nsec3-iterations: 0"},
    {DP_CAUSE_DNSSEC_NSEC3, DP_SOFTWARE_PDNS_AUTH, "set-nsec3"},
    {DP_CAUSE_DNSSEC_KEY_MISMATCH, DP_SOFTWARE_KNOT, "zone-key-rollover"},
    {DP_CAUSE_DNSSEC_DS_MISMATCH, DP_SOFTWARE_BIND, "dnssec-dsfromkey"},
    {DP_CAUSE_DNSSEC_DS_MISMATCH, DP_SOFTWARE_KNOT, "zone-ksk-submitted"},
    {DP_CAUSE_DNSSEC_INSECURE, DP_SOFTWARE_PDNS_AUTH, "export-zone-ds"},
    {DP_CAUSE_DNSSEC_KEYS_DIFFER, DP_SOFTWARE_NSD, "force_transfer"},
};

START_TEST(dnssec_cause_terms)
{
  const struct dp_knowledge_fix *f = dp_knowledge_cause_fix(
      dp_knowledge_cause_get(dnssec_terms[_i].cause), dnssec_terms[_i].sw);
  ck_assert_msg(f != NULL && (contains_ci(f->snippet, dnssec_terms[_i].term) ||
                              (f->setting != NULL &&
                               contains_ci(f->setting, dnssec_terms[_i].term))),
                "cause %s/%s: lacks '%s'",
                dp_cause_tostr(dnssec_terms[_i].cause),
                dp_software_tostr(dnssec_terms[_i].sw), dnssec_terms[_i].term);
}
END_TEST

/* ---- The seed pages' facts ------------------------------------------- */

/*
 * A comparison shows each code's summary, when and fix; check that the
 * text a comparison is built from carries every fact of the seed pages
 * (4 vs 5, 2 vs 4). test_explain checks the rendered comparison too.
 */
struct seed_fact
{
  const char *pair;
  uint16_t code;
  const char *term;
};

static const struct seed_fact seed_facts[] = {
    /* NOTIMP: unsupported type or operation; transfers and updates. */
    {"4/5", 4, "not support"},
    {"4/5", 4, "zone transfers"},
    {"4/5", 4, "dynamic update"},
    {"4/5", 4, "IXFR"},
    {"4/5", 4, "disabled"},
    {"4/5", 4, "enable them"},
    {"2/4", 4, "query type"},
    /* REFUSED: policy and the three ACLs; the resolver for its own network. */
    {"4/5", 5, "policy"},
    {"4/5", 5, "allow-query"},
    {"4/5", 5, "allow-recursion"},
    {"4/5", 5, "allow-transfer"},
    {"4/5", 5, "own network"},
    {"4/5", 5, "zone transfer is blocked"},
    {"4/5", 5, "not authorized"},
    {"4/5", 5, "public DNS service"},
    /* SERVFAIL: DNSSEC, unreachable upstreams, broken zones, and fixes. */
    {"2/4", 2, "DNSSEC validation failure"},
    {"2/4", 2, "unreachable"},
    {"2/4", 2, "upstream"},
    {"2/4", 2, "misconfigured"},
    {"2/4", 2, "failed to load"},
    {"2/4", 2, "different resolver"},
    {"2/4", 2, "signatures"},
    {"2/4", 2, "SOA serial"},
    {"2/4", 2, "reach"},
    {"2/4", 2, "CD=1"},
};
#define N_SEED_FACTS (int)(sizeof(seed_facts) / sizeof(seed_facts[0]))

START_TEST(seed_facts_present)
{
  const struct seed_fact *c = &seed_facts[_i];
  const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(c->code);

  ck_assert_msg(r != NULL, "seed %s: rcode %u missing", c->pair, c->code);
  ck_assert_msg(contains_ci(r->summary, c->term) ||
                    contains_ci(r->when, c->term) ||
                    contains_ci(r->fix, c->term),
                "seed %s: %s lacks '%s'", c->pair, r->name, c->term);
}
END_TEST

/* The two meanings of 16 and the 12-bit RCODE are explained. */
START_TEST(extended_rcode_explained)
{
  static const struct
  {
    uint16_t code;
    const char *term;
  } cases[] = {
      {16, "OPT"},  {16, "TSIG"},           {16, "extended RCODE 1"},
      {23, "OPT"},  {23, "header RCODE 7"}, {17, "TSIG"},
      {19, "TKEY"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
  {
    const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(cases[i].code);
    ck_assert_msg(contains_ci(r->summary, cases[i].term) ||
                      contains_ci(r->when, cases[i].term),
                  "rcode %u: lacks '%s'", cases[i].code, cases[i].term);
  }
}
END_TEST

static Suite *knowledge_suite(void)
{
  Suite *s = suite_create("knowledge");
  TCase *tc;

  tc = tcase_create("rcode");
  tcase_add_loop_test(tc, rcode_registry, 0, N_RCODE_CASES);
  tcase_add_test(tc, rcode_table_shape);
  tcase_add_loop_test(tc, rcode_roundtrip, 0, N_RCODE_CASES);
  tcase_add_loop_test(tc, rcode_fromstr_cases, 0, N_RCODE_PARSE);
  tcase_add_test(tc, rcode_unassigned_names);
  tcase_add_test(tc, extended_rcode_explained);
  suite_add_tcase(s, tc);

  tc = tcase_create("ede");
  tcase_add_loop_test(tc, ede_registry, 0, N_EDE_CASES);
  tcase_add_loop_test(tc, ede_fromstr_cases, 0, N_EDE_PARSE);
  tcase_add_test(tc, ede_table_shape);
  suite_add_tcase(s, tc);

  tc = tcase_create("opcode");
  tcase_add_loop_test(tc, opcode_registry, 0, N_OPCODE_CASES);
  tcase_add_loop_test(tc, opcode_fromstr_cases, 0, N_OPCODE_PARSE);
  suite_add_tcase(s, tc);

  tc = tcase_create("software");
  tcase_add_loop_test(tc, software_names, 0, N_SOFTWARE_CASES);
  suite_add_tcase(s, tc);

  tc = tcase_create("situation");
  tcase_add_loop_test(tc, situation_complete, 0, N_SITUATIONS);
  tcase_add_test(tc, situation_table_shape);
  tcase_add_loop_test(tc, situation_facts_present, 0, N_SITUATION_FACTS);
  tcase_add_loop_test(tc, situation_settings, 0, N_SETTING_CASES);
  suite_add_tcase(s, tc);

  tc = tcase_create("dnssec");
  tcase_add_loop_test(tc, dnssec_cause_fixes, 0, N_DNSSEC_CAUSES);
  tcase_add_loop_test(tc, dnssec_cause_terms, 0,
                      (int)(sizeof(dnssec_terms) / sizeof(dnssec_terms[0])));
  suite_add_tcase(s, tc);

  tc = tcase_create("seed");
  tcase_add_loop_test(tc, seed_facts_present, 0, N_SEED_FACTS);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(knowledge_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
