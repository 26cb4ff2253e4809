/*
 * table.c: the probe table (../shared/design/probes.md, "Core battery") and
 * each probe's builder. The order of the table is the order probes are
 * judged and reported in: a judge may read the verdicts of probes above it.
 *
 * Every builder writes a query that can never change data: the UPDATE probe
 * has empty prerequisite and update sections (RFC 2136 2.4, 2.5), so even a
 * server that accepts it has nothing to apply.
 */
#include <string.h>

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

static const struct dp_probe_def probes[] = {
  {"udp", "SOA of the zone over UDP, no recursion: does it serve the zone?",
   "SOA zone, UDP", DP_TRANSPORT_UDP, false, NULL, build_zone_soa,
   dp_diagnose_judge_zone},
  {"tcp", "SOA of the zone over TCP (RFC 7766: TCP is mandatory)",
   "SOA zone, TCP", DP_TRANSPORT_TCP, false, NULL, build_zone_soa,
   dp_diagnose_judge_zone},
  {"recursion", "A query for a name outside the zone with RD=1: recursion?",
   "A name, RD=1", DP_TRANSPORT_UDP, false, NULL, build_recursion,
   dp_diagnose_judge_recursion},
  {"axfr", "full zone transfer (AXFR) over TCP: open to this client?",
   "AXFR zone, TCP", DP_TRANSPORT_TCP, true, NULL, build_axfr,
   dp_diagnose_judge_transfer},
  {"ixfr", "incremental transfer (IXFR, serial-1) over TCP",
   "IXFR zone, TCP", DP_TRANSPORT_TCP, true, "udp", build_ixfr,
   dp_diagnose_judge_transfer},
  {"update", "dynamic UPDATE with nothing to change: accepted from here?",
   "empty UPDATE", DP_TRANSPORT_UDP, false, NULL, build_update,
   dp_diagnose_judge_update},
  {"notify", "NOTIFY for the zone: would it act on one from this client?",
   "NOTIFY zone", DP_TRANSPORT_UDP, false, NULL, build_notify,
   dp_diagnose_judge_notify},
  {"opcode", "unassigned opcode 15: RFC 8906 expects NOTIMP",
   "opcode 15", DP_TRANSPORT_UDP, false, NULL, build_opcode,
   dp_diagnose_judge_opcode},
};

#define NPROBES (sizeof(probes) / sizeof(probes[0]))
_Static_assert(NPROBES <= 64, "dp_probe_set_t holds 64 probes");
_Static_assert(NPROBES <= DP_PROBE_MAX, "dp_target_result holds the table");

size_t dp_probe_count(void)
{
  return NPROBES;
}

const struct dp_probe_def *dp_probe_at(size_t i)
{
  return i < NPROBES ? &probes[i] : NULL;
}

const struct dp_probe_def *dp_probe_find(const char *id)
{
  if (id == NULL)
    return NULL;
  for (size_t i = 0; i < NPROBES; i++)
    if (strcmp(probes[i].id, id) == 0)
      return &probes[i];
  return NULL;
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
    size_t i;
    for (i = 0; i < NPROBES; i++)
      if (strlen(probes[i].id) == n && strncmp(probes[i].id, p, n) == 0)
        break;
    if (i == NPROBES)
    {
      size_t k = n < sizeof(badbuf) - 1 ? n : sizeof(badbuf) - 1;
      memcpy(badbuf, p, k);
      badbuf[k] = '\0';
      *bad = badbuf;
      return DP_EINVAL;
    }
    *set |= (dp_probe_set_t)1 << i;
    if (e == NULL)
      break;
    p = e + 1;
  }
  return DP_OK;
}

dp_status_t dp_probe_select(const char *only, const char *skip,
                            dp_probe_set_t *set, const char **bad)
{
  dp_probe_set_t all = NPROBES == 64 ? ~(dp_probe_set_t)0
                                     : (((dp_probe_set_t)1 << NPROBES) - 1);
  dp_probe_set_t s = all, minus = 0;
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
