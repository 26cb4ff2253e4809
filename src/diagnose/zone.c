/*
 * zone.c: the zone-level verdict over the servers of one zone.
 *
 * Reads only the run model: for each target (one address of one NS name)
 * the udp probe's answer to the zone's SOA, or the tcp probe's when udp was
 * not sent. A server serves the zone when it answers NOERROR with AA and
 * the zone's SOA (RFC 1034 4.3.1, RFC 1035 4.1.1); any other answer makes it
 * lame (RFC 1912 2.8, RFC 8499 section 7). Serials are compared with serial
 * number arithmetic (RFC 1982 3.2). Invariants: counts are clamped to the
 * arrays they index; nothing here allocates.
 */
#include <stdio.h>
#include <string.h>

#include "dnsprobe/dns.h"
#include "dnsprobe/zone.h"

/* Whether serial a is greater than b, RFC 1982 3.2 with SERIAL_BITS 32. */
static bool serial_gt(uint32_t a, uint32_t b)
{
  return a != b && (uint32_t)(a - b) < UINT32_C(0x80000000);
}

static const struct dp_probe_result *soa_probe(const struct dp_target_result *t)
{
  const struct dp_probe_result *p = dp_target_probe(t, DP_PROBE_UDP);

  if (p == NULL || p->outcome == DP_OUTCOME_SKIPPED)
  {
    const struct dp_probe_result *tcp = dp_target_probe(t, DP_PROBE_TCP);
    if (tcp != NULL && tcp->outcome != DP_OUTCOME_SKIPPED)
      p = tcp;
  }
  return p;
}

static void judge_server(const struct dp_target_result *t,
                         struct dp_zone_server *s)
{
  const struct dp_probe_result *p = soa_probe(t);

  snprintf(s->ns, sizeof(s->ns), "%s", t->given != NULL ? t->given : "");
  memcpy(s->address, t->address, sizeof(s->address));
  s->address[sizeof(s->address) - 1] = '\0';
  s->port = t->port;
  if (p == NULL || p->outcome == DP_OUTCOME_SKIPPED)
  {
    s->reason = "not-probed";
    return;
  }
  if (p->outcome != DP_OUTCOME_ANSWER || !p->has_answer)
  {
    s->reason = "no-answer";
    return;
  }
  s->answered = true;
  const struct dp_answer_info *a = &p->answer;
  s->has_serial = a->has_soa && a->soa_owner_is_zone;
  s->serial = s->has_serial ? a->soa_serial : 0;
  if (a->rcode == DP_RCODE_REFUSED)
    s->reason = "refused";
  else if (a->rcode == DP_RCODE_NOTAUTH)
    s->reason = "notauth";
  else if (a->rcode == DP_RCODE_SERVFAIL)
    s->reason = "servfail";
  else if (a->rcode != DP_RCODE_NOERROR)
    s->reason = "rcode";
  else if (!(a->flags & DP_FLAG_AA))
    s->reason = "not-aa";
  else if (!s->has_serial)
    s->reason = "no-soa";
  else
  {
    s->reason = "ok";
    s->authoritative = true;
    return;
  }
  /* A serial from a server that is not authoritative is no evidence of the
   * zone's state (a cache or a stale copy): it does not count. */
  s->has_serial = false;
  s->lame = true;
}

dp_status_t dp_diagnose_zone(const struct dp_run *run, const char *zone,
                             const char *resolver, struct dp_zone_summary *z)
{
  dp_status_t st = DP_OK;
  size_t n;

  if (run == NULL || z == NULL || zone == NULL)
    return DP_EINVAL;
  memset(z, 0, sizeof(*z));
  if (dp_wire_name_canon(zone, z->name, sizeof(z->name)) != DP_OK)
    return DP_EINVAL;
  snprintf(z->resolver, sizeof(z->resolver), "%s",
           resolver != NULL ? resolver : "");

  n = run->targets != NULL ? run->ntargets : 0;
  if (n > DP_ZONE_SERVERS_MAX)
  {
    n = DP_ZONE_SERVERS_MAX;
    st = DP_ERANGE;
  }
  z->nservers = n;

  bool first = true;
  for (size_t i = 0; i < n; i++)
  {
    struct dp_zone_server *s = &z->servers[i];
    judge_server(&run->targets[i], s);
    if (s->lame)
      z->nlame++;
    if (!s->answered)
      z->nunanswered++;
    if (!s->has_serial)
      continue;
    if (first || serial_gt(s->serial, z->serial))
      z->serial = s->serial;
    z->nserial++;
    first = false;
  }

  z->serials_agree = z->nserial > 0;
  for (size_t i = 0; i < n; i++)
    if (z->servers[i].has_serial && z->servers[i].serial != z->serial)
      z->serials_agree = false;

  if (n == 0 || z->nlame > 0 || z->nunanswered > 0 || z->nserial == 0)
    z->severity = DP_SEVERITY_CRITICAL;
  else if (!z->serials_agree)
    z->severity = DP_SEVERITY_WARNING;
  else
    z->severity = DP_SEVERITY_OK;
  z->status = dp_health_from_severity(z->severity);
  return st;
}

dp_status_t dp_diagnose_zone_unresolved(struct dp_zone_summary *z,
                                        const char *ns, const char *why)
{
  if (z == NULL || ns == NULL)
    return DP_EINVAL;
  if (z->nservers >= DP_ZONE_SERVERS_MAX)
    return DP_ERANGE;
  struct dp_zone_server *s = &z->servers[z->nservers++];
  memset(s, 0, sizeof(*s));
  snprintf(s->ns, sizeof(s->ns), "%s", ns);
  snprintf(s->why, sizeof(s->why), "%s", why != NULL ? why : "");
  s->unresolved = true;
  s->reason = "unresolved";
  z->nunresolved++;
  z->severity = DP_SEVERITY_CRITICAL;
  z->status = dp_health_from_severity(z->severity);
  return DP_OK;
}

size_t dp_diagnose_zone_serial_counts(const struct dp_zone_summary *z,
                                      uint32_t *seen, size_t *count)
{
  size_t n =
      z->nservers < DP_ZONE_SERVERS_MAX ? z->nservers : DP_ZONE_SERVERS_MAX;
  size_t ndistinct = 0;
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_zone_server *s = &z->servers[i];
    size_t j = 0;
    if (!s->has_serial)
      continue;
    while (j < ndistinct && seen[j] != s->serial)
      j++;
    if (j == ndistinct)
    {
      seen[ndistinct] = s->serial;
      count[ndistinct++] = 0;
    }
    count[j]++;
  }
  return ndistinct;
}
