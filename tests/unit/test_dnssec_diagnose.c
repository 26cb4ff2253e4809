/*
 * test_dnssec_diagnose.c: the DNSSEC check in the diagnosis
 * (src/diagnose/dnssec_target.c) and zone mode's DNSSEC comparison
 * (src/diagnose/zone_dnssec.c), table-driven.
 *
 * A target answers the battery as an authoritative server (or a resolver)
 * of one zone of the DNSSEC lab, with the real NSD replies of
 * dnssec_fixtures.h (signed with the clock at FX_CLOCK) as its dnskey, do
 * and nsec3param replies; the one diagnosis call runs at a time each case
 * chooses, with the thresholds it chooses. A case checks the first DNSSEC
 * root cause, its severity and probe, the target's status, and what must
 * not be there. Zone cases put one or two such servers in a run, with a DS
 * reply built from the DS records dnssec-dsfromkey made for the lab's keys,
 * and check the zone's DNSSEC causes. Expectations come from what each lab
 * zone was made to show (tests/support/lab.py, DNSSEC_ZONES).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/zone.h"
#include "dnssec_fixtures.h"
#include "fixture.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)
#define C(x) DP_CAUSE_##x
#define S(x) DP_SEVERITY_##x
#define H(x) DP_HEALTH_##x
#define NOCAUSE DP_CAUSE_NONE

/* NOERROR with AA and no record to DNSKEY of zone: unsigned. */
static size_t nodata_dnskey(const char *zone, uint8_t *out, size_t cap)
{
  static const uint8_t head[12] = {0, 0, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  size_t nl = 0;
  ck_assert(cap > sizeof(head) + 4);
  memcpy(out, head, sizeof(head));
  ck_assert_int_eq(dp_wire_name_fromstr(zone, out + sizeof(head),
                                        cap - sizeof(head) - 4, &nl),
                   DP_OK);
  memcpy(out + sizeof(head) + nl, "\x00\x30\x00\x01", 4);
  return sizeof(head) + nl + 4;
}

static const struct fx_zone *zone_fixture(const char *zone)
{
  for (size_t i = 0; i < NELEM(fx_zones); i++)
    if (strcmp(fx_zones[i].zone, zone) == 0)
      return &fx_zones[i];
  ck_abort_msg("no fixture for %s", zone);
  return NULL;
}

/* The battery as an authoritative server of t's zone (or a resolver that
 * refuses it) answers it; dnskey and nsec3param get an empty NOERROR. */
static void base_answers(struct dp_target_result *t, bool resolver)
{
  fx_probe_all(t);
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    dp_probe_id_t id = (dp_probe_id_t)i;
    if (resolver)
    {
      /* recursion for this client; the zone's SOA refused, as it should */
      uint16_t rcode = id == DP_PROBE_RECURSION ? DP_RCODE_NOERROR
                       : id == DP_PROBE_UPDATE || id == DP_PROBE_OPCODE
                           ? DP_RCODE_NOTIMP
                       : id == DP_PROBE_EDNS1 ? DP_RCODE_BADVERS
                                              : DP_RCODE_REFUSED;
      fx_answer(p, rcode,
                id == DP_PROBE_UPDATE || id == DP_PROBE_OPCODE ? 0
                                                               : DP_FLAG_RA);
      continue;
    }
    switch (id)
    {
    case DP_PROBE_RECURSION:
    case DP_PROBE_AXFR:
    case DP_PROBE_IXFR:
    case DP_PROBE_NOTIFY:
    case DP_PROBE_VERSION:
    case DP_PROBE_HOSTNAME:
    case DP_PROBE_IDSERVER:
      fx_answer(p, DP_RCODE_REFUSED, 0);
      break;
    case DP_PROBE_UPDATE:
    case DP_PROBE_OPCODE:
      fx_answer(p, DP_RCODE_NOTIMP, 0);
      break;
    case DP_PROBE_EDNS1:
      fx_answer(p, DP_RCODE_BADVERS, 0);
      break;
    case DP_PROBE_TYPE1000:
    case DP_PROBE_BUFSIZE512:
    case DP_PROBE_DNSKEY:
    case DP_PROBE_NSEC3PARAM:
      fx_answer(p, DP_RCODE_NOERROR, DP_FLAG_AA);
      break;
    case DP_PROBE_UDP:
    case DP_PROBE_TCP:
    case DP_PROBE_PLAIN:
    case DP_PROBE_EDNS:
    case DP_PROBE_EDNSOPT:
    case DP_PROBE_EDNSFLAGS:
    case DP_PROBE_ZFLAG:
    case DP_PROBE_DO:
    case DP_PROBE_NSID:
    case DP_PROBE_COOKIE:
    case DP_PROBE_CASE:
      fx_answer(p, DP_RCODE_NOERROR, DP_FLAG_AA);
      fx_soa(p, FX_SERIAL);
      break;
    case DP_PROBE_COUNT:
      break;
    }
  }
}

/* A target of run serving a lab zone, with the lab's replies as its
 * DNSSEC replies; unsigned: the zone without DNSKEY or RRSIG. */
static struct dp_target_result *signer(struct dp_run *run, const char *given,
                                       const char *zone, bool is_unsigned,
                                       bool resolver)
{
  char canon[DP_WIRE_NAME_STRLEN];
  snprintf(canon, sizeof(canon), "%s.", zone);
  struct dp_target_result *t = fx_target(run, given, given, 53, canon);
  base_answers(t, resolver);
  if (is_unsigned)
  {
    uint8_t reply[DP_DNS_NAME_MAX + 16];
    fx_reply(t, DP_PROBE_DNSKEY, reply,
             nodata_dnskey(canon, reply, sizeof(reply)));
    return t;
  }
  const struct fx_zone *z = zone_fixture(zone);
  static const dp_probe_id_t ids[] = {DP_PROBE_DNSKEY, DP_PROBE_DO,
                                      DP_PROBE_NSEC3PARAM};
  const uint8_t *bytes[] = {z->dnskey, z->soa, z->nsec3param};
  const size_t lens[] = {z->dnskey_len, z->soa_len, z->nsec3param_len};
  for (size_t k = 0; k < NELEM(ids); k++)
  {
    uint8_t *copy = malloc(lens[k]);
    ck_assert(copy != NULL && lens[k] > 3);
    memcpy(copy, bytes[k], lens[k]);
    /* A resolver answers from its cache, without authority. */
    if (resolver)
      copy[2] &= (uint8_t)~0x04;
    fx_reply(t, ids[k], copy, lens[k]);
    free(copy);
  }
  return t;
}

static const struct dp_root_cause *
first_dnssec(const struct dp_target_result *t)
{
  for (size_t i = 0; i < t->ndiagnosis; i++)
    if (strncmp(dp_cause_tostr(t->diagnosis[i].cause), "dnssec-", 7) == 0)
      return &t->diagnosis[i];
  return NULL;
}

static size_t count_dnssec(const struct dp_target_result *t)
{
  size_t n = 0;
  for (size_t i = 0; i < t->ndiagnosis; i++)
    n += strncmp(dp_cause_tostr(t->diagnosis[i].cause), "dnssec-", 7) == 0;
  return n;
}

/* ---- findings to causes ---------------------------------------------------
 */

enum setup
{
  AUTH,
  RESOLVER,    /* a resolver: not the zone's signer */
  NO_DNSKEY,   /* dnskey not run */
  DNSKEY_LOST, /* dnskey got nothing back */
};

struct mapcase
{
  const char *name;
  const char *zone; /* a lab zone, NULL: secure.test served unsigned */
  enum setup setup;
  int64_t at;         /* seconds after FX_CLOCK */
  int64_t warn, crit; /* thresholds in seconds; 0 and 0: the defaults */
  dp_cause_t first;   /* the first DNSSEC root cause, or none */
  dp_severity_t severity;
  dp_probe_id_t probe; /* the probe it accounts for */
  dp_health_t status;
  int state; /* dp_dnssec_state_t of t->dnssec, -1: none */
};

static const struct mapcase mapcases[] = {
    {"valid", "secure.test", AUTH, HOUR, 0, 0, NOCAUSE, S(OK), 0, H(OK),
     DP_DNSSEC_STATE_SIGNED},
    {"expiring in 11 hours: critical", "expiring.test", AUTH, HOUR, 0, 0,
     C(DNSSEC_EXPIRING), S(CRITICAL), DP_PROBE_DNSKEY, H(CRITICAL),
     DP_DNSSEC_STATE_SIGNED},
    {"expiring in 11 hours, nothing critical before expiry", "expiring.test",
     AUTH, HOUR, 7 * DAY, 0, C(DNSSEC_EXPIRING), S(WARNING), DP_PROBE_DNSKEY,
     H(WARNING), DP_DNSSEC_STATE_SIGNED},
    {"expiring in 11 hours, a 1-day warning", "expiring.test", AUTH, HOUR, DAY,
     0, C(DNSSEC_EXPIRING), S(WARNING), DP_PROBE_DNSKEY, H(WARNING),
     DP_DNSSEC_STATE_SIGNED},
    {"5 days left: a warning", "secure.test", AUTH, 25 * DAY, 0, 0,
     C(DNSSEC_EXPIRING), S(WARNING), DP_PROBE_DNSKEY, H(WARNING),
     DP_DNSSEC_STATE_SIGNED},
    {"a day and a bit left: critical", "secure.test", AUTH, 28 * DAY + HOUR, 0,
     0, C(DNSSEC_EXPIRING), S(CRITICAL), DP_PROBE_DNSKEY, H(CRITICAL),
     DP_DNSSEC_STATE_SIGNED},
    {"10 days left, a 7-day warning: nothing", "secure.test", AUTH, 20 * DAY,
     7 * DAY, 2 * DAY, NOCAUSE, S(OK), 0, H(OK), DP_DNSSEC_STATE_SIGNED},
    {"10 days left, a 14-day warning", "secure.test", AUTH, 20 * DAY, 14 * DAY,
     2 * DAY, C(DNSSEC_EXPIRING), S(WARNING), DP_PROBE_DNSKEY, H(WARNING),
     DP_DNSSEC_STATE_SIGNED},
    {"10 days left, critical under 11", "secure.test", AUTH, 20 * DAY, 14 * DAY,
     11 * DAY, C(DNSSEC_EXPIRING), S(CRITICAL), DP_PROBE_DNSKEY, H(CRITICAL),
     DP_DNSSEC_STATE_SIGNED},
    {"a day past expiry", "secure.test", AUTH, 31 * DAY, 0, 0,
     C(DNSSEC_EXPIRED), S(CRITICAL), DP_PROBE_DNSKEY, H(CRITICAL),
     DP_DNSSEC_STATE_SIGNED},
    {"expired before signing", "expired.test", AUTH, 0, 0, 0, C(DNSSEC_EXPIRED),
     S(CRITICAL), DP_PROBE_DNSKEY, H(CRITICAL), DP_DNSSEC_STATE_SIGNED},
    {"not valid yet", "future.test", AUTH, HOUR, 0, 0, C(DNSSEC_CLOCK),
     S(CRITICAL), DP_PROBE_DNSKEY, H(CRITICAL), DP_DNSSEC_STATE_SIGNED},
    {"valid since a day", "future.test", AUTH, 3 * DAY, 0, 0, NOCAUSE, S(OK), 0,
     H(OK), DP_DNSSEC_STATE_SIGNED},
    {"SOA changed after signing", "bogus.test", AUTH, HOUR, 0, 0,
     C(DNSSEC_BOGUS), S(CRITICAL), DP_PROBE_DNSKEY, H(CRITICAL),
     DP_DNSSEC_STATE_SIGNED},
    {"RSASHA1", "rsasha1.test", AUTH, HOUR, 0, 0, C(DNSSEC_ALGORITHM),
     S(WARNING), DP_PROBE_DNSKEY, H(WARNING), DP_DNSSEC_STATE_SIGNED},
    {"RSASHA512: info", "rsasha512.test", AUTH, HOUR, 0, 0, C(DNSSEC_ALGORITHM),
     S(INFO), DP_PROBE_DNSKEY, H(OK), DP_DNSSEC_STATE_SIGNED},
    {"NSEC3 iterations and salt", "nsec3.test", AUTH, HOUR, 0, 0,
     C(DNSSEC_NSEC3), S(WARNING), DP_PROBE_NSEC3PARAM, H(WARNING),
     DP_DNSSEC_STATE_SIGNED},
    {"ED448, valid", "ed448.test", AUTH, HOUR, 0, 0, NOCAUSE, S(OK), 0, H(OK),
     DP_DNSSEC_STATE_SIGNED},
    {"unsigned: no noise", NULL, AUTH, HOUR, 0, 0, NOCAUSE, S(OK), 0, H(OK),
     DP_DNSSEC_STATE_UNSIGNED},
    {"a resolver is no signer", "expired.test", RESOLVER, 0, 0, 0, NOCAUSE,
     S(OK), 0, H(OK), -1},
    {"dnskey not run", "expired.test", NO_DNSKEY, 0, 0, 0, NOCAUSE, S(OK), 0,
     H(OK), -1},
    {"dnskey lost: nothing to check against", "expired.test", DNSKEY_LOST, 0, 0,
     0, NOCAUSE, S(OK), 0, H(OK), -1},
};

START_TEST(test_causes)
{
  const struct mapcase *c = &mapcases[_i];
  struct dp_run run;
  fx_run_init(&run);
  struct dp_target_result *t =
      signer(&run, "127.0.0.1", c->zone != NULL ? c->zone : "secure.test",
             c->zone == NULL, c->setup == RESOLVER);
  if (c->setup == NO_DNSKEY)
  {
    fx_outcome(&t->probes[DP_PROBE_DNSKEY], DP_OUTCOME_SKIPPED);
    free(t->probes[DP_PROBE_DNSKEY].reply);
    t->probes[DP_PROBE_DNSKEY].reply = NULL;
  }
  if (c->setup == DNSKEY_LOST)
  {
    fx_outcome(&t->probes[DP_PROBE_DNSKEY], DP_OUTCOME_TIMEOUT);
    free(t->probes[DP_PROBE_DNSKEY].reply);
    t->probes[DP_PROBE_DNSKEY].reply = NULL;
  }
  t->dnssec_now = FX_CLOCK + c->at;
  t->dnssec_warn = c->warn;
  t->dnssec_crit = c->crit;
  fx_diagnose(t, NULL);

  if (c->state < 0)
    ck_assert_msg(t->dnssec == NULL, "%s: checked", c->name);
  else
  {
    ck_assert_msg(t->dnssec != NULL, "%s: not checked", c->name);
    ck_assert_msg((int)t->dnssec->state == c->state, "%s: state %d, want %d",
                  c->name, (int)t->dnssec->state, c->state);
  }
  const struct dp_root_cause *r = first_dnssec(t);
  CK_CAUSE_EQ(r != NULL ? r->cause : NOCAUSE, c->first, c->name);
  CK_HEALTH_EQ(t->status, c->status, c->name);
  if (c->first == NOCAUSE)
  {
    /* no DNSSEC word: no cause, and no answered DNSSEC probe above ok
     * (a silent one is a request that got no reply) */
    ck_assert_msg(count_dnssec(t) == 0, "%s: a DNSSEC cause", c->name);
    if (c->setup != DNSKEY_LOST)
      CK_SEVERITY_EQ(t->probes[DP_PROBE_DNSKEY].severity, S(OK), c->name);
    CK_SEVERITY_EQ(t->probes[DP_PROBE_NSEC3PARAM].severity, S(OK), c->name);
    dp_run_clear(&run);
    return;
  }
  CK_SEVERITY_EQ(r->severity, c->severity, c->name);
  ck_assert_msg(r->probes == DP_PROBE_BIT(c->probe), "%s: probes %#llx",
                c->name, (unsigned long long)r->probes);
  CK_CAUSE_EQ(t->probes[c->probe].cause, c->first, c->name);
  CK_SEVERITY_EQ(t->probes[c->probe].severity, c->severity, c->name);
  CK_FINDING_EQ(t->probes[c->probe].finding, DP_FINDING_DNSSEC_SIGNING,
                c->name);
  /* the worst problem leads the diagnosis */
  if (c->severity >= S(WARNING))
    CK_CAUSE_EQ(t->diagnosis[0].cause, c->first, c->name);
  ck_assert_msg(r->evidence != NULL && r->evidence[0] != '\0',
                "%s: no evidence", c->name);
  ck_assert_msg(r->explanation != NULL && r->explanation[0] != '\0',
                "%s: no explanation", c->name);
  /* software unknown: the general fix and a line per signer */
  ck_assert_msg(r->fix != NULL && strstr(r->fix, "\nBIND 9: ") != NULL &&
                    strstr(r->fix, "\nKnot DNS: ") != NULL,
                "%s: fix %s", c->name, r->fix ? r->fix : "(null)");
  dp_run_clear(&run);
}
END_TEST

/* The identified software's own configuration, and --fix-for. */
START_TEST(test_fix_per_signer)
{
  static const struct
  {
    dp_software_t sw;
    const char *want;
    bool names_zone; /* a configuration, with the zone in it */
  } cases[] = {
      {DP_SOFTWARE_BIND, "dnssec-policy", true},
      {DP_SOFTWARE_KNOT, "knotc zone-sign", true},
      {DP_SOFTWARE_PDNS_AUTH, "pdnsutil", true},
      {DP_SOFTWARE_NSD, "NSD does not sign zones", true},
      {DP_SOFTWARE_UNBOUND, "Unbound does not sign zones", false},
  };
  for (size_t i = 0; i < NELEM(cases); i++)
  {
    struct dp_run run;
    fx_run_init(&run);
    struct dp_target_result *t =
        signer(&run, "127.0.0.1", "expired.test", false, false);
    t->dnssec_now = FX_CLOCK;
    ck_assert_int_eq(dp_diagnose_target(t, NULL, cases[i].sw), DP_OK);
    const struct dp_root_cause *r = first_dnssec(t);
    ck_assert_msg(r != NULL && r->cause == C(DNSSEC_EXPIRED),
                  "fix-for %s: no dnssec-expired",
                  dp_software_tostr(cases[i].sw));
    ck_assert_msg(
        r->fix != NULL && strstr(r->fix, cases[i].want) != NULL &&
            (!cases[i].names_zone || strstr(r->fix, "expired.test") != NULL),
        "fix-for %s: %s", dp_software_tostr(cases[i].sw),
        r->fix ? r->fix : "(null)");
    dp_run_clear(&run);
  }
}
END_TEST

/* What the summary keeps: expiry, algorithms, keys, NSEC3, findings with
 * their causes. */
START_TEST(test_summary)
{
  struct dp_run run;
  fx_run_init(&run);
  struct dp_target_result *t =
      signer(&run, "127.0.0.1", "nsec3.test", false, false);
  t->dnssec_now = FX_CLOCK + HOUR;
  fx_diagnose(t, NULL);
  const struct dp_target_dnssec *d = t->dnssec;
  ck_assert_msg(d != NULL && d->has_expiry, "summary: no expiry");
  /* lab.py: RRSIGs valid 30 days from signing at FX_CLOCK */
  ck_assert_msg(d->earliest_expiration == FX_CLOCK + 30 * DAY &&
                    d->earliest_remaining == 30 * DAY - HOUR,
                "summary: expires at %lld, %lld left",
                (long long)d->earliest_expiration,
                (long long)d->earliest_remaining);
  ck_assert_msg(d->nalgorithms == 1 && d->algorithms[0] == 13,
                "summary: algorithms");
  ck_assert_msg(d->nkeys == 2 && d->nkeys_seen == 2, "summary: %zu keys",
                d->nkeys);
  ck_assert_msg(d->nsec3 && d->nsec3_iterations == 10 &&
                    d->nsec3_salt_len == 3 && d->nsec3_salt[0] == 0xc0,
                "summary: NSEC3 parameters");
  ck_assert_msg(d->warn_seconds == 7 * DAY && d->crit_seconds == 2 * DAY,
                "summary: default thresholds");
  size_t nsec3 = 0;
  for (size_t i = 0; i < d->nfindings; i++)
  {
    CK_CAUSE_EQ(d->findings[i].cause, C(DNSSEC_NSEC3), d->findings[i].key);
    nsec3++;
  }
  ck_assert_msg(nsec3 == 2, "summary: %zu findings, want iterations and salt",
                nsec3);
  dp_run_clear(&run);
}
END_TEST

/* Diagnosed twice, the target has one summary and the same causes. */
START_TEST(test_again)
{
  struct dp_run run;
  fx_run_init(&run);
  struct dp_target_result *t =
      signer(&run, "127.0.0.1", "expired.test", false, false);
  t->dnssec_now = FX_CLOCK;
  fx_diagnose(t, NULL);
  size_t n = t->ndiagnosis;
  fx_diagnose(t, NULL);
  ck_assert_msg(t->ndiagnosis == n && t->dnssec != NULL &&
                    first_dnssec(t)->cause == C(DNSSEC_EXPIRED),
                "again: %zu causes, were %zu", t->ndiagnosis, n);
  dp_run_clear(&run);
}
END_TEST

/* ---- zone mode -------------------------------------------------------------
 */

/* A DS reply for zone holding the records ds (text as dnssec-dsfromkey
 * writes them), n of them; with tag_delta added to every key tag. */
static size_t ds_reply(const char *zone, const char *const *ds, size_t n,
                       int tag_delta, uint16_t rcode, uint8_t *out, size_t cap)
{
  uint8_t name[DP_DNS_NAME_MAX];
  size_t nl = 0, len = 0;
  ck_assert_int_eq(dp_wire_name_fromstr(zone, name, sizeof(name), &nl), DP_OK);
  uint8_t head[12] = {
      0, 0, 0x81, (uint8_t)(0x80 | rcode), 0, 1, 0, (uint8_t)n, 0, 0, 0, 0};
  ck_assert(sizeof(head) + nl + 4 <= cap);
  memcpy(out, head, sizeof(head));
  len = sizeof(head);
  memcpy(out + len, name, nl);
  len += nl;
  memcpy(out + len, "\x00\x2b\x00\x01", 4);
  len += 4;
  for (size_t i = 0; i < n; i++)
  {
    unsigned tag, alg, type;
    char hex[200];
    ck_assert_msg(
        sscanf(ds[i], "%*s IN DS %u %u %u %199s", &tag, &alg, &type, hex) == 4,
        "DS text %s", ds[i]);
    tag = (tag + (unsigned)tag_delta) & 0xffff;
    size_t dl = strlen(hex) / 2;
    ck_assert(len + 12 + 4 + dl <= cap);
    /* owner: a pointer to the question's name (RFC 1035 4.1.4) */
    uint8_t rr[16] = {0xc0,
                      0x0c,
                      0,
                      43,
                      0,
                      1,
                      0,
                      0,
                      0x0e,
                      0x10,
                      0,
                      (uint8_t)(4 + dl),
                      (uint8_t)(tag >> 8),
                      (uint8_t)tag,
                      (uint8_t)alg,
                      (uint8_t)type};
    memcpy(out + len, rr, sizeof(rr));
    len += sizeof(rr);
    for (size_t k = 0; k < dl; k++)
    {
      unsigned v;
      ck_assert(sscanf(hex + 2 * k, "%2x", &v) == 1);
      out[len++] = (uint8_t)v;
    }
  }
  return len;
}

/* A copy of zone z's DNSKEY reply with the last byte of its first key's
 * public key changed: another key (and another tag) in that place. */
static uint8_t *changed_dnskey(const struct fx_zone *z)
{
  struct dp_wire_msg *m = malloc(sizeof(*m));
  uint8_t *copy = malloc(z->dnskey_len);
  ck_assert(m != NULL && copy != NULL);
  memcpy(copy, z->dnskey, z->dnskey_len);
  ck_assert_int_eq(dp_wire_msg_parse(copy, z->dnskey_len, m), DP_OK);
  for (unsigned i = 0; i < m->nrr; i++)
    if (m->rr[i].type == DP_TYPE_DNSKEY)
    {
      copy[m->rr[i].rdata_off + m->rr[i].rdlength - 1] ^= 0x5a;
      free(m);
      return copy;
    }
  ck_abort_msg("no DNSKEY in %s's reply", z->zone);
  return NULL;
}

enum server_kind
{
  SIGNED,   /* the lab's replies */
  CHANGED,  /* the lab's, one key changed */
  UNSIGNED, /* no DNSKEY, no RRSIG */
  NONE,     /* no such server */
};

enum ds_kind
{
  DS_KSK,   /* the DS of the key-signing key (SHA-256) */
  DS_OTHER, /* a DS naming a key tag the zone does not have */
  DS_NONE,  /* NOERROR, no DS */
  DS_NXDOMAIN,
  DS_UNKNOWN, /* no reply */
};

struct zonecase
{
  const char *name;
  enum server_kind servers[2];
  enum ds_kind ds;
  const char *ds_state;
  size_t keysets;
  dp_cause_t causes[3]; /* the zone's DNSSEC causes, in order */
  dp_severity_t severities[3];
  dp_severity_t zone_severity;
  bool checked;
};

static const struct zonecase zonecases[] = {
    {"DS matches", {SIGNED, NONE}, DS_KSK, "present", 1, {0}, {0}, S(OK), true},
    {"DS of no key",
     {SIGNED, NONE},
     DS_OTHER,
     "present",
     1,
     {C(DNSSEC_DS_MISMATCH)},
     {S(CRITICAL)},
     S(CRITICAL),
     true},
    {"no DS: insecure",
     {SIGNED, NONE},
     DS_NONE,
     "none",
     1,
     {C(DNSSEC_INSECURE)},
     {S(INFO)},
     S(OK),
     true},
    {"no DS (NXDOMAIN): insecure",
     {SIGNED, NONE},
     DS_NXDOMAIN,
     "none",
     1,
     {C(DNSSEC_INSECURE)},
     {S(INFO)},
     S(OK),
     true},
    {"DS not known",
     {SIGNED, NONE},
     DS_UNKNOWN,
     "unknown",
     1,
     {0},
     {0},
     S(OK),
     true},
    {"unsigned, no DS: nothing",
     {UNSIGNED, NONE},
     DS_NONE,
     "none",
     0,
     {0},
     {0},
     S(OK),
     false},
    {"unsigned under a DS",
     {UNSIGNED, NONE},
     DS_KSK,
     "present",
     1,
     {C(DNSSEC_DS_MISMATCH)},
     {S(CRITICAL)},
     S(CRITICAL),
     true},
    {"two servers, one key set",
     {SIGNED, SIGNED},
     DS_KSK,
     "present",
     1,
     {0},
     {0},
     S(OK),
     true},
    {"two servers, a key changed on one",
     {SIGNED, CHANGED},
     DS_KSK,
     "present",
     2,
     {C(DNSSEC_DS_MISMATCH), C(DNSSEC_KEYS_DIFFER)},
     {S(CRITICAL), S(CRITICAL)},
     S(CRITICAL),
     true},
    {"two servers, a key changed, no DS",
     {SIGNED, CHANGED},
     DS_NONE,
     "none",
     2,
     {C(DNSSEC_INSECURE), C(DNSSEC_KEYS_DIFFER)},
     {S(INFO), S(WARNING)},
     S(WARNING),
     true},
    {"signed and unsigned, no DS",
     {SIGNED, UNSIGNED},
     DS_NONE,
     "none",
     2,
     {C(DNSSEC_INSECURE), C(DNSSEC_KEYS_DIFFER)},
     {S(INFO), S(WARNING)},
     S(WARNING),
     true},
    {"signed and unsigned under a DS",
     {SIGNED, UNSIGNED},
     DS_KSK,
     "present",
     2,
     {C(DNSSEC_DS_MISMATCH), C(DNSSEC_KEYS_DIFFER)},
     {S(CRITICAL), S(CRITICAL)},
     S(CRITICAL),
     true},
};

START_TEST(test_zone)
{
  const struct zonecase *c = &zonecases[_i];
  const struct fx_zone *z = zone_fixture("secure.test");
  struct dp_run run;
  uint8_t *changed = NULL;
  fx_run_init(&run);
  for (size_t i = 0; i < 2 && c->servers[i] != NONE; i++)
    (void)signer(&run, i == 0 ? "127.0.0.61" : "127.0.0.62", "secure.test",
                 c->servers[i] == UNSIGNED, false);
  for (size_t i = 0; i < run.ntargets; i++)
  {
    struct dp_target_result *t = &run.targets[i];
    free(t->given);
    t->given = strdup(i == 0 ? "ns1.secure.test." : "ns2.secure.test.");
    ck_assert(t->given != NULL);
    if (c->servers[i] == CHANGED)
    {
      changed = changed_dnskey(z);
      fx_reply(t, DP_PROBE_DNSKEY, changed, z->dnskey_len);
    }
    t->dnssec_now = FX_CLOCK + HOUR;
    fx_diagnose(t, NULL);
  }

  uint8_t ds[1024];
  size_t dslen = 0;
  switch (c->ds)
  {
  case DS_KSK:
    dslen = ds_reply("secure.test.", &z->ds[1], 1, 0, 0, ds, sizeof(ds));
    break;
  case DS_OTHER:
    dslen = ds_reply("secure.test.", &z->ds[1], 1, 1, 0, ds, sizeof(ds));
    break;
  case DS_NONE:
    dslen = ds_reply("secure.test.", NULL, 0, 0, 0, ds, sizeof(ds));
    break;
  case DS_NXDOMAIN:
    dslen = ds_reply("secure.test.", NULL, 0, 0, 3, ds, sizeof(ds));
    break;
  case DS_UNKNOWN:
    break;
  }
  struct dp_zone_summary *zs = calloc(1, sizeof(*zs));
  ck_assert(zs != NULL);
  ck_assert_int_eq(dp_diagnose_zone(&run, "secure.test", "127.0.0.60:53", zs),
                   DP_OK);
  ck_assert_int_eq(
      dp_diagnose_zone_dnssec(&run, c->ds == DS_UNKNOWN ? NULL : ds, dslen,
                              "timeout", DP_SOFTWARE_UNKNOWN, zs),
      DP_OK);
  const struct dp_zone_dnssec *d = &zs->dnssec;
  ck_assert_msg(d->checked == c->checked, "%s: checked %d", c->name,
                d->checked);
  ck_assert_msg(strcmp(d->ds_state, c->ds_state) == 0, "%s: DS %s, want %s",
                c->name, d->ds_state, c->ds_state);
  ck_assert_msg(!c->checked || d->nkeysets == c->keysets,
                "%s: %zu key sets, want %zu", c->name, d->nkeysets, c->keysets);
  size_t want = 0;
  while (want < NELEM(c->causes) && c->causes[want] != NOCAUSE)
    want++;
  ck_assert_msg(d->ncauses == want, "%s: %zu causes, want %zu", c->name,
                d->ncauses, want);
  for (size_t i = 0; i < want; i++)
  {
    CK_CAUSE_EQ(d->causes[i].cause, c->causes[i], c->name);
    CK_SEVERITY_EQ(d->causes[i].severity, c->severities[i], c->name);
    ck_assert_msg(d->causes[i].evidence[0] != '\0' &&
                      d->causes[i].fix[0] != '\0' &&
                      d->causes[i].headline != NULL,
                  "%s: cause %zu without its texts", c->name, i);
  }
  CK_SEVERITY_EQ(zs->severity, c->zone_severity, c->name);
  if (c->ds == DS_KSK && c->servers[1] == NONE && c->servers[0] == SIGNED)
    ck_assert_msg(d->nds == 1 && d->ds[0].matches == 1 &&
                      d->servers[0].ds_match,
                  "%s: the DS does not match", c->name);
  if (c->ds == DS_UNKNOWN)
    ck_assert_msg(strcmp(d->ds_why, "timeout") == 0, "%s: why %s", c->name,
                  d->ds_why);
  free(zs);
  free(changed);
  dp_run_clear(&run);
}
END_TEST

static Suite *dnssec_diagnose_suite(void)
{
  Suite *s = suite_create("dnssec_diagnose");
  TCase *tc = tcase_create("target");
  tcase_add_loop_test(tc, test_causes, 0, NELEM(mapcases));
  tcase_add_test(tc, test_fix_per_signer);
  tcase_add_test(tc, test_summary);
  tcase_add_test(tc, test_again);
  suite_add_tcase(s, tc);
  tc = tcase_create("zone");
  tcase_add_loop_test(tc, test_zone, 0, NELEM(zonecases));
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(dnssec_diagnose_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
