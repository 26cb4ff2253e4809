/*
 * judge.c: phase 1 of diagnosis: what each probe's reply means on its own,
 * plus what the probes judged before it showed (the probe table puts udp and
 * tcp first). The vocabulary is stable; see dp_verdict_t.
 *
 * Transport outcomes are never RCODEs: a timeout or an unreachable port is
 * "no-answer", a reply that could not be read is "unexpected".
 */
#include <string.h>

#include "diagnose_priv.h"
#include "dnsprobe/dns.h"

/* The judge of each probe. */
static const dp_diagnose_judge_fn judges[DP_PROBE_COUNT] = {
    [DP_PROBE_UDP] = dp_diagnose_judge_zone,
    [DP_PROBE_TCP] = dp_diagnose_judge_zone,
    [DP_PROBE_RECURSION] = dp_diagnose_judge_recursion,
    [DP_PROBE_AXFR] = dp_diagnose_judge_transfer,
    [DP_PROBE_IXFR] = dp_diagnose_judge_transfer,
    [DP_PROBE_UPDATE] = dp_diagnose_judge_update,
    [DP_PROBE_NOTIFY] = dp_diagnose_judge_notify,
    [DP_PROBE_OPCODE] = dp_diagnose_judge_opcode,
    [DP_PROBE_PLAIN] = dp_diagnose_judge_plain,
    [DP_PROBE_EDNS] = dp_diagnose_judge_edns,
    [DP_PROBE_EDNS1] = dp_diagnose_judge_edns,
    [DP_PROBE_EDNSOPT] = dp_diagnose_judge_edns,
    [DP_PROBE_EDNSFLAGS] = dp_diagnose_judge_edns,
    [DP_PROBE_ZFLAG] = dp_diagnose_judge_edns,
    [DP_PROBE_TYPE1000] = dp_diagnose_judge_edns,
    [DP_PROBE_DO] = dp_diagnose_judge_edns,
    [DP_PROBE_BUFSIZE512] = dp_diagnose_judge_edns,
    [DP_PROBE_NSID] = dp_diagnose_judge_identity,
    [DP_PROBE_COOKIE] = dp_diagnose_judge_identity,
    [DP_PROBE_VERSION] = dp_diagnose_judge_identity,
    [DP_PROBE_HOSTNAME] = dp_diagnose_judge_identity,
    [DP_PROBE_IDSERVER] = dp_diagnose_judge_identity,
    [DP_PROBE_DNSKEY] = dp_diagnose_judge_dnssec,
    [DP_PROBE_NSEC3PARAM] = dp_diagnose_judge_dnssec,
    [DP_PROBE_CASE] = dp_diagnose_judge_case,
};

dp_verdict_t dp_diagnose_judge(const struct dp_probe_result *p,
                               const struct dp_target_result *t, char *detail,
                               size_t cap)
{
  if (detail != NULL && cap > 0)
    detail[0] = '\0';
  if (p == NULL || t == NULL || detail == NULL || cap == 0 ||
      (unsigned)p->probe >= DP_PROBE_COUNT)
    return DP_VERDICT_NONE;
  if (p->outcome == DP_OUTCOME_SKIPPED)
    return DP_VERDICT_SKIPPED;
  if (judges[p->probe] == NULL)
    return DP_VERDICT_NONE; /* a probe without its row: test_probes says */
  return judges[p->probe](p, t, detail, cap);
}

dp_verdict_t dp_diagnose_verdict_of(const struct dp_target_result *t,
                                    dp_probe_id_t id)
{
  const struct dp_probe_result *p = dp_target_probe(t, id);
  return p ? p->verdict : DP_VERDICT_NONE;
}

static bool has_ede(const struct dp_probe_result *p, uint16_t code)
{
  for (unsigned i = 0; i < p->answer.nede; i++)
    if (p->answer.ede[i].code == code)
      return true;
  return false;
}

bool dp_diagnose_serves_zone(const struct dp_target_result *t)
{
  return dp_diagnose_verdict_of(t, DP_PROBE_UDP) == DP_VERDICT_AUTHORITATIVE ||
         dp_diagnose_verdict_of(t, DP_PROBE_TCP) == DP_VERDICT_AUTHORITATIVE;
}

const struct dp_probe_result *
dp_diagnose_zone_proof(const struct dp_target_result *t)
{
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (p->outcome != DP_OUTCOME_ANSWER || !p->has_answer ||
        !(p->answer.flags & DP_FLAG_AA) || strcmp(p->query.qname, t->zone) != 0)
      continue;
    if (p->answer.rcode == DP_RCODE_NOERROR ||
        p->verdict == DP_VERDICT_ALLOWED || p->verdict == DP_VERDICT_ACCEPTED)
      return p;
  }
  return NULL;
}

/* A reply to be judged at all: QR set, parsed to its end, and either our
 * question echoed or no question (BIND and NSD send QDCOUNT=0 with NOTIMP).
 * Anything else is "unexpected": an unreadable reply must never count as an
 * accepted UPDATE. No reply is "no-answer". */
static bool gate(const struct dp_probe_result *p, dp_verdict_t *v)
{
  if (p->outcome == DP_OUTCOME_MALFORMED)
  {
    *v = DP_VERDICT_UNEXPECTED;
    return false;
  }
  if (p->outcome != DP_OUTCOME_ANSWER || !p->has_answer)
  {
    *v = DP_VERDICT_NO_ANSWER;
    return false;
  }
  if (!(p->answer.flags & DP_FLAG_QR) || !p->answer.parse_complete ||
      (p->answer.qdcount > 0 && !p->answer.question_matches))
  {
    *v = DP_VERDICT_UNEXPECTED;
    return false;
  }
  return true;
}

dp_verdict_t dp_diagnose_judge_zone(const struct dp_probe_result *p,
                                    const struct dp_target_result *t,
                                    char *detail, size_t cap)
{
  dp_verdict_t v;
  (void)t, (void)detail, (void)cap;
  if (!gate(p, &v))
    return v;
  switch (p->answer.rcode)
  {
  case DP_RCODE_NOERROR:
    return (p->answer.flags & DP_FLAG_AA) ? DP_VERDICT_AUTHORITATIVE
                                          : DP_VERDICT_ANSWERING;
  case DP_RCODE_REFUSED:
  case DP_RCODE_NOTAUTH:
    return DP_VERDICT_REFUSED;
  case DP_RCODE_SERVFAIL:
    return DP_VERDICT_FAILING;
  default:
    return DP_VERDICT_UNEXPECTED;
  }
}

dp_verdict_t dp_diagnose_judge_recursion(const struct dp_probe_result *p,
                                         const struct dp_target_result *t,
                                         char *detail, size_t cap)
{
  dp_verdict_t v;
  (void)detail, (void)cap;
  if (!gate(p, &v))
    return v;
  bool ra = (p->answer.flags & DP_FLAG_RA) != 0;
  switch (p->answer.rcode)
  {
  case DP_RCODE_NOERROR:
  case DP_RCODE_NXDOMAIN:
    /* Without RA the answer came from the server's own zones, or is a
     * referral: it does not recurse for us. */
    return ra ? DP_VERDICT_AVAILABLE : DP_VERDICT_NOT_OFFERED;
  case DP_RCODE_REFUSED:
    if (ra)
      return DP_VERDICT_REFUSED; /* inconsistent; flagged in context */
    if (has_ede(p, 20) || dp_diagnose_serves_zone(t))
      return DP_VERDICT_NOT_OFFERED;
    return DP_VERDICT_REFUSED;
  case DP_RCODE_NOTAUTH:
    return dp_diagnose_serves_zone(t) ? DP_VERDICT_NOT_OFFERED
                                      : DP_VERDICT_UNEXPECTED;
  case DP_RCODE_SERVFAIL:
    return ra ? DP_VERDICT_FAILING : DP_VERDICT_UNEXPECTED;
  default:
    return DP_VERDICT_UNEXPECTED;
  }
}

/* REFUSED, or NOTAUTH from a server that serves the zone (Knot's ACL
 * denial), is a denial; NOTAUTH otherwise says the zone is not here. */
static dp_verdict_t denial(const struct dp_probe_result *p,
                           const struct dp_target_result *t, bool *done)
{
  *done = true;
  switch (p->answer.rcode)
  {
  case DP_RCODE_REFUSED:
    return DP_VERDICT_DENIED;
  case DP_RCODE_NOTAUTH:
    return dp_diagnose_serves_zone(t) ? DP_VERDICT_DENIED
                                      : DP_VERDICT_NOT_AUTHORITATIVE;
  case DP_RCODE_NOTIMP:
    return DP_VERDICT_NOT_IMPLEMENTED;
  default:
    *done = false;
    return DP_VERDICT_UNEXPECTED;
  }
}

dp_verdict_t dp_diagnose_judge_transfer(const struct dp_probe_result *p,
                                        const struct dp_target_result *t,
                                        char *detail, size_t cap)
{
  dp_verdict_t v;
  bool done;
  (void)detail, (void)cap;
  /* A server that accepts the connection and closes or resets it without a
   * reply denies the transfer at the transport. */
  if ((p->outcome == DP_OUTCOME_CLOSED ||
       p->outcome == DP_OUTCOME_CONN_RESET) &&
      !p->has_answer)
    return DP_VERDICT_DENIED;
  if (!gate(p, &v))
    return v;
  v = denial(p, t, &done);
  if (done)
    return v;
  if (p->answer.rcode == DP_RCODE_NOERROR && p->answer.has_soa)
    return DP_VERDICT_ALLOWED;
  return DP_VERDICT_UNEXPECTED;
}

/* UPDATE and NOTIFY: our opcode echoed (or NOTIMP, which may not echo it),
 * then a denial, or NOERROR meaning the server took it. */
static dp_verdict_t judge_operation(const struct dp_probe_result *p,
                                    const struct dp_target_result *t,
                                    uint8_t opcode, dp_verdict_t taken)
{
  dp_verdict_t v;
  bool done;
  if (!gate(p, &v))
    return v;
  if (p->answer.opcode != opcode && p->answer.rcode != DP_RCODE_NOTIMP)
    return DP_VERDICT_UNEXPECTED;
  v = denial(p, t, &done);
  if (done)
    return v;
  return p->answer.rcode == DP_RCODE_NOERROR ? taken : DP_VERDICT_UNEXPECTED;
}

dp_verdict_t dp_diagnose_judge_update(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap)
{
  (void)detail, (void)cap;
  return judge_operation(p, t, DP_OPCODE_UPDATE, DP_VERDICT_ALLOWED);
}

dp_verdict_t dp_diagnose_judge_notify(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap)
{
  (void)detail, (void)cap;
  return judge_operation(p, t, DP_OPCODE_NOTIFY, DP_VERDICT_ACCEPTED);
}

/* RFC 8906 8.1.4: NOTIMP with the opcode echoed. */
dp_verdict_t dp_diagnose_judge_opcode(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap)
{
  dp_verdict_t v;
  (void)detail, (void)cap;
  if (!gate(p, &v))
    return v == DP_VERDICT_UNEXPECTED ? DP_VERDICT_NON_COMPLIANT : v;
  if (p->answer.rcode == DP_RCODE_NOTIMP && p->answer.opcode == p->query.opcode)
    return DP_VERDICT_COMPLIANT;
  /* Refused by a server that serves us nothing: an access list, which
   * tests nothing of the opcode. */
  if ((p->answer.rcode == DP_RCODE_REFUSED ||
       p->answer.rcode == DP_RCODE_NOTAUTH) &&
      !dp_diagnose_serves_zone(t))
    return DP_VERDICT_REFUSED;
  return DP_VERDICT_NON_COMPLIANT;
}
