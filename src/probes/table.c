/*
 * table.c: the probe table, a row per dp_probe_id_t, and each probe's
 * builder (docs/design/probes.md says what each sends and why). Probes are
 * judged and reported in id order: a judge may read the verdicts of the
 * probes before it.
 *
 * Every builder writes a query that can never change data: the UPDATE probe
 * has empty prerequisite and update sections (RFC 2136 2.4, 2.5), so even a
 * server that accepts it has nothing to apply.
 *
 * The DNSSEC check reads three replies whole: dnskey's, nsec3param's and
 * do's (the SOA with DO=1, the very query that check needs, so it is not
 * asked twice). They go over UDP with the battery's 1232-byte buffer and
 * keep their bytes; one that comes back truncated is asked again over TCP
 * once the TCP probes, and the other such retries, have ended
 * (docs/design/probes.md, "DNSSEC").
 */
#include <string.h>
#include <sys/random.h>

#include "dnsprobe/probes.h"

/* RFC 8906 / RFC 6891: a buffer size that avoids fragmentation (DNS flag
 * day 2020). */
#define EDNS_UDP_SIZE 1232

static void edns0(struct dp_wire_query *q)
{
  q->edns = true;
  q->edns_version = 0;
  q->udp_size = EDNS_UDP_SIZE;
}

static void build_zone_soa(const struct dp_probe_ctx *ctx,
                           struct dp_wire_query *q)
{
  q->qname = ctx->zone;
  q->qtype = DP_TYPE_SOA;
  q->qclass = DP_CLASS_IN;
  edns0(q);
}

static void build_recursion(const struct dp_probe_ctx *ctx,
                            struct dp_wire_query *q)
{
  q->qname = ctx->recursion_name;
  q->qtype = DP_TYPE_A;
  q->qclass = DP_CLASS_IN;
  q->rd = true;
  edns0(q);
}

static void build_axfr(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  q->qname = ctx->zone;
  q->qtype = DP_TYPE_AXFR;
  q->qclass = DP_CLASS_IN;
  edns0(q);
}

/* RFC 1995 3: the client's current SOA goes in the authority section. We ask
 * for the changes since one serial before the server's own (RFC 1982
 * arithmetic wraps), so a server that keeps history answers with a real
 * increment and one that does not falls back to a full transfer. */
static void build_ixfr(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  q->qname = ctx->zone;
  q->qtype = DP_TYPE_IXFR;
  q->qclass = DP_CLASS_IN;
  q->ixfr_soa = true;
  q->ixfr_serial = ctx->has_serial ? ctx->serial - 1u : 0u;
  edns0(q);
}

/* RFC 2136 2.3: the zone section is the question (ZNAME, SOA, IN); the
 * prerequisite (ANCOUNT) and update (NSCOUNT) sections stay empty. */
static void build_update(const struct dp_probe_ctx *ctx,
                         struct dp_wire_query *q)
{
  q->opcode = DP_OPCODE_UPDATE;
  q->qname = ctx->zone;
  q->qtype = DP_TYPE_SOA;
  q->qclass = DP_CLASS_IN;
  edns0(q);
}

/* RFC 1996 3.7: NOTIFY carries AA and the zone's SOA as the question. */
static void build_notify(const struct dp_probe_ctx *ctx,
                         struct dp_wire_query *q)
{
  q->opcode = DP_OPCODE_NOTIFY;
  q->aa = true;
  q->qname = ctx->zone;
  q->qtype = DP_TYPE_SOA;
  q->qclass = DP_CLASS_IN;
  edns0(q);
}

/* RFC 8906 8.1.4: an unassigned opcode, without EDNS; expect NOTIMP. */
static void build_opcode(const struct dp_probe_ctx *ctx,
                         struct dp_wire_query *q)
{
  q->opcode = 15;
  q->qname = ctx->zone;
  q->qtype = DP_TYPE_SOA;
  q->qclass = DP_CLASS_IN;
}

/* RFC 8906 section 8: the EDNS compliance tests. Each sends the zone's SOA
 * (TYPE1000 and DNSKEY where noted) without RD, changing one thing. The
 * queries with the SOA question go one after another (each row's `after`
 * names the one before): a forwarder that folds queries in flight by
 * question (dnsmasq, whatever their EDNS version or flags) would answer one
 * with another's reply, and the verdicts would depend on timing. */
#define EDNS_UNKNOWN_OPTION 100
#define EDNS_UNKNOWN_FLAG 0x0080

static void build_plain(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->edns = false;
}

static void build_edns1(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->edns_version = 1;
}

static void build_ednsopt(const struct dp_probe_ctx *ctx,
                          struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->nopts = 1;
  q->opts[0].code = EDNS_UNKNOWN_OPTION;
  q->opts[0].len = 0;
  q->opts[0].data = NULL;
}

static void build_ednsflags(const struct dp_probe_ctx *ctx,
                            struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->edns_flags = EDNS_UNKNOWN_FLAG;
}

static void build_zflag(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->z = true;
}

static void build_type1000(const struct dp_probe_ctx *ctx,
                           struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->qtype = 1000;
}

static void build_do(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->do_bit = true;
}

static void build_bufsize512(const struct dp_probe_ctx *ctx,
                             struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->qtype = DP_TYPE_DNSKEY;
  q->do_bit = true;
  q->udp_size = 512;
}

/* DNSSEC (RFC 4035 3.1.1, 4.9.1): the DNSKEY and NSEC3PARAM RRsets at the
 * apex with DO=1, so the RRSIGs over them come back. */
static void build_dnskey(const struct dp_probe_ctx *ctx,
                         struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->qtype = DP_TYPE_DNSKEY;
  q->do_bit = true;
}

static void build_nsec3param(const struct dp_probe_ctx *ctx,
                             struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->qtype = DP_TYPE_NSEC3PARAM;
  q->do_bit = true;
}

/* Identity (what a server discloses): NSID (RFC 5001), a DNS COOKIE (RFC
 * 7873) and the CHAOS TXT names servers answer with their version and
 * host name. */
static void build_nsid(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  build_zone_soa(ctx, q);
  q->nopts = 1;
  q->opts[0].code = DP_EDNS_NSID;
  q->opts[0].len = 0;
  q->opts[0].data = NULL;
}

/* RFC 7873 4.1: an 8-byte client cookie, random for each run. */
static uint8_t client_cookie[8];

static void build_cookie(const struct dp_probe_ctx *ctx,
                         struct dp_wire_query *q)
{
  static bool made;
  if (!made && getrandom(client_cookie, sizeof(client_cookie), 0) ==
                   (ssize_t)sizeof(client_cookie))
    made = true;
  build_zone_soa(ctx, q);
  q->nopts = 1;
  q->opts[0].code = DP_EDNS_COOKIE;
  q->opts[0].len = sizeof(client_cookie);
  q->opts[0].data = client_cookie;
}

static void build_chaos_txt(struct dp_wire_query *q, const char *name)
{
  q->qname = name;
  q->qtype = DP_TYPE_TXT;
  q->qclass = DP_CLASS_CH;
  edns0(q);
}

static void build_version(const struct dp_probe_ctx *ctx,
                          struct dp_wire_query *q)
{
  (void)ctx;
  build_chaos_txt(q, "version.bind.");
}

static void build_hostname(const struct dp_probe_ctx *ctx,
                           struct dp_wire_query *q)
{
  (void)ctx;
  build_chaos_txt(q, "hostname.bind.");
}

/* RFC 4892 2: id.server is the standard name for hostname.bind. */
static void build_idserver(const struct dp_probe_ctx *ctx,
                           struct dp_wire_query *q)
{
  (void)ctx;
  build_chaos_txt(q, "id.server.");
}

/* Case preservation (RFC 1035 4.1.2: a response copies the question;
 * resolvers that randomise the case of their questions, "DNS 0x20", drop
 * an answer whose question is not theirs byte for byte). The zone's SOA
 * with the name in a random mix of cases, and its twin with every letter
 * flipped, sent at the same moment: unlike the other queries with the
 * zone's SOA question, which go one after another, these two overlap on
 * purpose, because a forwarder that folds queries in flight by question
 * whatever its case (dnsmasq) answers the second with the first one's
 * question. */
static bool is_letter(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

dp_status_t dp_probe_case_name(const char *zone, uint64_t seed, bool flipped,
                               char *out, size_t cap)
{
  if (zone == NULL || out == NULL || cap == 0)
    return DP_EINVAL;
  size_t n = strlen(zone);
  if (n >= cap)
    return DP_ESPACE;
  /* xorshift64 (Marsaglia): one bit per letter; never a zero state */
  uint64_t x = seed != 0 ? seed : UINT64_C(0x9e3779b97f4a7c15);
  size_t letters = 0, upper = 0, first = n;
  for (size_t i = 0; i < n; i++)
  {
    char c = zone[i];
    out[i] = c;
    if (!is_letter(c))
      continue;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    bool up = (x >> 32) & 1u;
    out[i] = (char)(up ? (c & ~0x20) : (c | 0x20));
    upper += up;
    if (letters++ == 0)
      first = i;
  }
  out[n] = '\0';
  /* all of one case: the first letter takes the other */
  if (letters >= 2 && (upper == 0 || upper == letters))
    out[first] ^= 0x20;
  for (size_t i = 0; flipped && i < n; i++)
    if (is_letter(out[i]))
      out[i] ^= 0x20;
  return DP_OK;
}

/* The names the two builders point the query at: built and written out
 * at once by the runner, one query at a time. */
static char case_name[DP_WIRE_NAME_STRLEN];

static void build_case_name(const struct dp_probe_ctx *ctx,
                            struct dp_wire_query *q, bool flipped)
{
  build_zone_soa(ctx, q);
  if (dp_probe_case_name(ctx->zone, ctx->case_seed, flipped, case_name,
                         sizeof(case_name)) == DP_OK)
    q->qname = case_name;
}

static void build_case(const struct dp_probe_ctx *ctx, struct dp_wire_query *q)
{
  build_case_name(ctx, q, false);
}

static void build_case_twin(const struct dp_probe_ctx *ctx,
                            struct dp_wire_query *q)
{
  build_case_name(ctx, q, true);
}

/* UPDATE, NOTIFY and opcode 15 carry the zone's SOA question, like the
 * SOA queries. A forwarder that folds queries in flight by question alone
 * (dnsmasq does, whatever the opcode) would swallow the SOA queries with
 * them, so they go once those have ended. */
#define AFTER_SOA_QUERIES                                                      \
  (DP_PROBE_BIT(DP_PROBE_UDP) | DP_PROBE_BIT(DP_PROBE_PLAIN) |                 \
   DP_PROBE_BIT(DP_PROBE_EDNS) | DP_PROBE_BIT(DP_PROBE_EDNS1) |                \
   DP_PROBE_BIT(DP_PROBE_EDNSOPT) | DP_PROBE_BIT(DP_PROBE_EDNSFLAGS) |         \
   DP_PROBE_BIT(DP_PROBE_ZFLAG) | DP_PROBE_BIT(DP_PROBE_TYPE1000) |            \
   DP_PROBE_BIT(DP_PROBE_DO) | DP_PROBE_BIT(DP_PROBE_BUFSIZE512) |             \
   DP_PROBE_BIT(DP_PROBE_NSID) | DP_PROBE_BIT(DP_PROBE_COOKIE))
#define AFTER(id) DP_PROBE_BIT(DP_PROBE_##id)
#define TCP_PROBES (AFTER(TCP) | AFTER(AXFR) | AFTER(IXFR))
/* ... and once the case probe's pair has ended too. */
#define AFTER_SOA_AND_CASE (AFTER_SOA_QUERIES | AFTER(CASE))

/* The TCP probes go one after another too (tcp, axfr, then ixfr, which also
 * needs udp's serial): one connection at a time to a server, which many
 * limit per client (BIND's tcp-clients), and one c-ares channel at a time
 * for TCP per target in flight. */
static const struct dp_probe_def probes[DP_PROBE_COUNT] = {
    [DP_PROBE_UDP] = {"SOA of the zone over UDP, no recursion: does it serve "
                      "the zone?",
                      "SOA zone, UDP", DP_TRANSPORT_UDP, false, 0,
                      build_zone_soa},
    [DP_PROBE_TCP] = {"SOA of the zone over TCP (RFC 7766: TCP is mandatory)",
                      "SOA zone, TCP", DP_TRANSPORT_TCP, false, 0,
                      build_zone_soa},
    [DP_PROBE_RECURSION] = {"A query for a name outside the zone with RD=1: "
                            "recursion?",
                            "A name, RD=1", DP_TRANSPORT_UDP, false, 0,
                            build_recursion},
    [DP_PROBE_AXFR] = {"full zone transfer (AXFR) over TCP: open to this "
                       "client?",
                       "AXFR zone, TCP", DP_TRANSPORT_TCP, true, AFTER(TCP),
                       build_axfr},
    [DP_PROBE_IXFR] = {"incremental transfer (IXFR, serial-1) over TCP",
                       "IXFR zone, TCP", DP_TRANSPORT_TCP, true,
                       AFTER(UDP) | AFTER(AXFR), build_ixfr},
    [DP_PROBE_UPDATE] = {"dynamic UPDATE with nothing to change: accepted "
                         "from here?",
                         "empty UPDATE", DP_TRANSPORT_UDP, false,
                         AFTER_SOA_AND_CASE, build_update},
    [DP_PROBE_NOTIFY] = {"NOTIFY for the zone: would it act on one from this "
                         "client?",
                         "NOTIFY zone", DP_TRANSPORT_UDP, false,
                         AFTER_SOA_AND_CASE, build_notify},
    [DP_PROBE_OPCODE] = {"unassigned opcode 15: RFC 8906 expects NOTIMP",
                         "opcode 15", DP_TRANSPORT_UDP, false,
                         AFTER_SOA_AND_CASE, build_opcode},
    [DP_PROBE_PLAIN] = {"SOA without EDNS: a plain answer, no OPT (RFC 8906 "
                        "8.1.1)",
                        "SOA, no EDNS", DP_TRANSPORT_UDP, false, AFTER(UDP),
                        build_plain},
    [DP_PROBE_EDNS] = {"SOA with EDNS 0: OPT version 0 back (RFC 6891)",
                       "SOA, EDNS0", DP_TRANSPORT_UDP, false, AFTER(PLAIN),
                       build_zone_soa},
    [DP_PROBE_EDNS1] = {"EDNS version 1: BADVERS with OPT version 0 (RFC 6891 "
                        "6.1.3)",
                        "SOA, EDNS1", DP_TRANSPORT_UDP, false, AFTER(EDNS),
                        build_edns1},
    [DP_PROBE_EDNSOPT] = {"unknown EDNS option 100: not echoed (RFC 6891 "
                          "6.1.2)",
                          "SOA, option 100", DP_TRANSPORT_UDP, false,
                          AFTER(EDNS1), build_ednsopt},
    [DP_PROBE_EDNSFLAGS] = {"unknown EDNS flag: cleared in the reply (RFC 6891 "
                            "6.1.4)",
                            "SOA, EDNS flag", DP_TRANSPORT_UDP, false,
                            AFTER(EDNSOPT), build_ednsflags},
    [DP_PROBE_ZFLAG] = {"header Z bit set: cleared in the reply (RFC 1035 "
                        "4.1.1)",
                        "SOA, Z bit", DP_TRANSPORT_UDP, false, AFTER(EDNSFLAGS),
                        build_zflag},
    [DP_PROBE_TYPE1000] = {"unknown type 1000: NOERROR, no data, AA (RFC 3597)",
                           "TYPE1000 zone", DP_TRANSPORT_UDP, false, AFTER(UDP),
                           build_type1000},
    [DP_PROBE_DO] = {"DO=1: DO copied into the reply (RFC 3225); its SOA "
                     "and RRSIGs feed the DNSSEC check",
                     "SOA, DO=1", DP_TRANSPORT_UDP, false, AFTER(ZFLAG),
                     build_do, true},
    [DP_PROBE_BUFSIZE512] = {"DNSKEY, DO=1, 512-byte buffer: fits or TC=1 (RFC "
                             "6891)",
                             "DNSKEY, 512 B", DP_TRANSPORT_UDP, false,
                             AFTER(UDP), build_bufsize512},
    [DP_PROBE_NSID] = {"NSID option (RFC 5001): which instance answers "
                       "(anycast)",
                       "SOA, NSID", DP_TRANSPORT_UDP, false, AFTER(DO),
                       build_nsid},
    [DP_PROBE_COOKIE] = {"a client COOKIE (RFC 7873): does a server cookie "
                         "come back?",
                         "SOA, COOKIE", DP_TRANSPORT_UDP, false, AFTER(NSID),
                         build_cookie},
    [DP_PROBE_VERSION] = {"CH TXT version.bind: is the software version "
                          "disclosed?",
                          "CH TXT version", DP_TRANSPORT_UDP, false, 0,
                          build_version},
    [DP_PROBE_HOSTNAME] = {"CH TXT hostname.bind: is the host name disclosed?",
                           "CH TXT hostname", DP_TRANSPORT_UDP, false, 0,
                           build_hostname},
    [DP_PROBE_IDSERVER] = {"CH TXT id.server (RFC 4892): the server's identity",
                           "CH TXT id.server", DP_TRANSPORT_UDP, false, 0,
                           build_idserver},
    /* The same question as bufsize512 (and its follow-up): after it. */
    [DP_PROBE_DNSKEY] = {"DNSKEY, DO=1: the zone's keys and their RRSIGs, "
                         "checked (times, keys, signatures, algorithms)",
                         "DNSKEY, DO=1", DP_TRANSPORT_UDP, false,
                         AFTER(BUFSIZE512), build_dnskey, true},
    [DP_PROBE_NSEC3PARAM] = {"NSEC3PARAM, DO=1: NSEC3 iterations and salt "
                             "(RFC 9276)",
                             "NSEC3PARAM, DO=1", DP_TRANSPORT_UDP, false,
                             AFTER(UDP), build_nsec3param, true},
    /* The pair goes once every other query with the zone's SOA question
     * has ended, both at once (see build_case). */
    [DP_PROBE_CASE] = {"SOA in two cases at once: each question echoed byte "
                       "for byte (DNS 0x20)?",
                       "SOA, two cases", DP_TRANSPORT_UDP, false,
                       AFTER_SOA_QUERIES, build_case, false, build_case_twin,
                       DP_FOLLOWUP_OTHER_CASE},
};

_Static_assert(sizeof(probes) / sizeof(probes[0]) == DP_PROBE_COUNT,
               "a row for every probe");

/* ---- follow-ups ----------------------------------------------------------
 * SERVFAIL from a resolver is asked again with checking disabled (CD=1
 * answers: DNSSEC validation failed; SERVFAIL again: the upstreams), a
 * recursive query that timed out alone is asked again (the upstream is slow
 * or dead), and a DNSKEY answer truncated at 512 bytes is asked with a
 * 4096-byte buffer (no answer then: large UDP answers are lost, as fragments
 * are). A truncated reply the DNSSEC check reads is asked again over TCP,
 * after the TCP probes and the retries before it, one connection at a
 * time. */

static bool replied(const struct dp_probe_result *r)
{
  return r->has_answer && (r->answer.flags & DP_FLAG_QR);
}

static bool servfail_with_ra(const struct dp_probe_result *r,
                             const struct dp_target_result *t)
{
  (void)t;
  return replied(r) && r->answer.rcode == DP_RCODE_SERVFAIL &&
         (r->answer.flags & DP_FLAG_RA);
}

static bool truncated(const struct dp_probe_result *r,
                      const struct dp_target_result *t)
{
  (void)t;
  return replied(r) && (r->answer.flags & DP_FLAG_TC);
}

/* A recursive query that outlived the timeout while the server answered
 * other probes: a resolver waiting on a slow or dead upstream. Asked again
 * now, a resolver that gave up answers at once (it caches the failure), one
 * whose upstream is slow answers later, or from the cache. */
static bool timed_out_alone(const struct dp_probe_result *r,
                            const struct dp_target_result *t)
{
  if (r->outcome != DP_OUTCOME_TIMEOUT)
    return false;
  for (size_t i = 0; i < t->nprobes; i++)
    if (t->probes[i].probe != r->probe && replied(&t->probes[i]))
      return true;
  return false;
}

static void tweak_cd(struct dp_wire_query *q)
{
  q->cd = true;
}

static void tweak_bufsize4096(struct dp_wire_query *q)
{
  q->udp_size = 4096;
}

static const struct dp_probe_followup followups[] = {
    {DP_PROBE_RECURSION, DP_FOLLOWUP_CD, servfail_with_ra, tweak_cd, false, 0},
    {DP_PROBE_RECURSION, DP_FOLLOWUP_RETRY, timed_out_alone, NULL, false, 0},
    {DP_PROBE_BUFSIZE512, DP_FOLLOWUP_BUFSIZE4096, truncated, tweak_bufsize4096,
     false, 0},
    {DP_PROBE_DO, DP_FOLLOWUP_TCP, truncated, NULL, true, TCP_PROBES},
    {DP_PROBE_DNSKEY, DP_FOLLOWUP_TCP, truncated, NULL, true,
     TCP_PROBES | AFTER(DO)},
    {DP_PROBE_NSEC3PARAM, DP_FOLLOWUP_TCP, truncated, NULL, true,
     TCP_PROBES | AFTER(DO) | AFTER(DNSKEY)},
};

const struct dp_probe_followup *dp_probe_followups(size_t *n)
{
  *n = sizeof(followups) / sizeof(followups[0]);
  return followups;
}

const struct dp_probe_def *dp_probe_def(dp_probe_id_t id)
{
  return (unsigned)id < DP_PROBE_COUNT ? &probes[id] : NULL;
}

/* Parse a comma-separated list of ids into a set. */
static dp_status_t parse_list(const char *list, dp_probe_set_t *set,
                              const char **bad)
{
  static char badbuf[64];
  const char *p = list;
  *set = 0;
  while (*p)
  {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    dp_probe_id_t id;
    if (dp_probe_id_fromstr(p, n, &id) != DP_OK)
    {
      size_t k = n < sizeof(badbuf) - 1 ? n : sizeof(badbuf) - 1;
      memcpy(badbuf, p, k);
      badbuf[k] = '\0';
      *bad = badbuf;
      return DP_EINVAL;
    }
    *set |= DP_PROBE_BIT(id);
    if (e == NULL)
      break;
    p = e + 1;
  }
  return DP_OK;
}

dp_status_t dp_probe_select(const char *only, const char *skip,
                            dp_probe_set_t *set, const char **bad)
{
  dp_probe_set_t s = DP_PROBE_ALL, minus = 0;
  if (set == NULL || bad == NULL)
    return DP_EINVAL;
  *bad = NULL;
  if (only && parse_list(only, &s, bad) != DP_OK)
    return DP_EINVAL;
  if (skip && parse_list(skip, &minus, bad) != DP_OK)
    return DP_EINVAL;
  *set = s & ~minus;
  return DP_OK;
}
