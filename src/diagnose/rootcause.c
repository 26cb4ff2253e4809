/*
 * rootcause.c: a target's diagnosis as root causes. After each probe has
 * its verdict, severity, finding and (from its follow-ups) cause, the rules
 * here read the battery as a whole and name what is wrong with the server,
 * one root cause per problem, each accounting for the probes it explains:
 *
 * 1. Nothing came back at all: nothing listens (ICMP unreachable, TCP
 *    refused), the client is dropped (TCP accepted, then closed or reset),
 *    or the server is unreachable (silence, TCP included). One cause for
 *    every probe; nothing else can be told.
 * 2. Everything that came back was REFUSED, even requests any server
 *    answers (an unknown opcode, a CHAOS name): an access list refuses this
 *    client.
 * 3. Only UDP silent while TCP answers, or only TCP while UDP answers.
 * 4. The zone's SOA: refused with no authority for the zone anywhere
 *    (lame), refused while another answer carries authority for it (an
 *    access list), SERVFAIL (broken), or no --zone.
 * 5. The DNSSEC check's findings (dnssec_target.c): a root cause per kind,
 *    with the severity of its worst finding rather than its probes'.
 * 6. The rest, probe by probe: a probe's cause (from its follow-ups) or its
 *    finding names the root cause it joins.
 *
 * Probes a root cause claims point to it (their cause). Where a cause
 * concerns the whole battery, its first probe carries the cause's severity
 * and the others are info, so that the target's status and every format
 * agree. dp_diagnose_root_finish runs after the expectations: a cause's
 * severity is then the worst of its probes' (a DNSSEC cause keeps its
 * own), a cause none of whose probes is left a problem is dropped, and
 * causes are sorted, worst first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose_priv.h"
#include "dnsprobe/buf.h"
#include "dnsprobe/dns.h"

static bool selected(const struct dp_probe_result *p)
{
  return p->outcome != DP_OUTCOME_SKIPPED;
}

/* Something came back: a DNS reply, even an unreadable one. */
static bool came_back(const struct dp_probe_result *p)
{
  return p->outcome == DP_OUTCOME_ANSWER || p->outcome == DP_OUTCOME_MALFORMED;
}

/* The root cause c of t, made when it is not there yet. */
static struct dp_root_cause *root_of(struct dp_target_result *t, dp_cause_t c,
                                     bool *nomem)
{
  for (size_t i = 0; i < t->ndiagnosis; i++)
    if (t->diagnosis[i].cause == c)
      return &t->diagnosis[i];
  struct dp_root_cause *r;
  if (dp_target_cause_add(t, &r) != DP_OK)
  {
    *nomem = true;
    return NULL;
  }
  r->cause = c;
  return r;
}

/* p joins cause c (once), which it now points to. */
static void claim(struct dp_target_result *t, struct dp_probe_result *p,
                  dp_cause_t c, bool *nomem)
{
  struct dp_root_cause *r = root_of(t, c, nomem);
  if (r == NULL)
    return;
  r->probes |= DP_PROBE_BIT(p->probe);
  p->cause = c;
}

static bool has_root(const struct dp_target_result *t, dp_cause_t c)
{
  for (size_t i = 0; i < t->ndiagnosis; i++)
    if (t->diagnosis[i].cause == c)
      return true;
  return false;
}

static bool claimed(const struct dp_target_result *t,
                    const struct dp_probe_result *p)
{
  for (size_t i = 0; i < t->ndiagnosis; i++)
    if (t->diagnosis[i].probes & DP_PROBE_BIT(p->probe))
      return true;
  return false;
}

/* A cause of the whole battery: its first probe carries sev and the rest
 * are info, each with finding f (or its own when f is NONE). */
static void claim_battery(struct dp_target_result *t, dp_probe_set_t set,
                          dp_cause_t c, dp_severity_t sev, dp_finding_t f,
                          bool *nomem)
{
  bool first = true;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    if (!(set & DP_PROBE_BIT(p->probe)))
      continue;
    claim(t, p, c, nomem);
    if (f != DP_FINDING_NONE)
      p->finding = f;
    p->severity = first                            ? sev
                  : p->severity > DP_SEVERITY_INFO ? DP_SEVERITY_INFO
                                                   : p->severity;
    first = false;
  }
}

/* ---- 1: nothing came back ------------------------------------------------ */

static bool nothing_came_back(struct dp_target_result *t, bool *nomem)
{
  dp_probe_set_t sel = 0;
  bool closed_port = false, accepted = false;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (!selected(p))
      continue;
    if (came_back(p) || p->outcome == DP_OUTCOME_LOCAL_ERROR)
      return false;
    sel |= DP_PROBE_BIT(p->probe);
    closed_port |= p->outcome == DP_OUTCOME_PORT_UNREACHABLE ||
                   p->outcome == DP_OUTCOME_CONN_REFUSED;
    accepted |= p->transport == DP_TRANSPORT_TCP &&
                (p->outcome == DP_OUTCOME_CLOSED ||
                 p->outcome == DP_OUTCOME_CONN_RESET || p->connected);
  }
  if (sel == 0)
    return false;
  dp_cause_t c = closed_port ? DP_CAUSE_PORT_CLOSED
                 : accepted  ? DP_CAUSE_CLIENT_DROPPED
                             : DP_CAUSE_UNREACHABLE;
  claim_battery(t, sel, c, DP_SEVERITY_CRITICAL, DP_FINDING_UNREACHABLE, nomem);
  return true;
}

/* ---- 2: REFUSED to everything -------------------------------------------- */

static bool refused_everything(struct dp_target_result *t, bool *nomem)
{
  dp_probe_set_t refused = 0;
  size_t replies = 0;
  bool telling = false; /* a request any server answers was refused */
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (!dp_diagnose_replied(p))
      continue;
    if (p->answer.rcode != DP_RCODE_REFUSED)
      return false;
    replies++;
    refused |= DP_PROBE_BIT(p->probe);
    telling |= p->probe == DP_PROBE_OPCODE || dp_diagnose_is_chaos(p->probe);
  }
  if (replies < 2 || !telling)
    return false;
  /* The zone's probes lead: they are what a reader came for. */
  dp_probe_set_t lead =
      refused & (DP_PROBE_BIT(DP_PROBE_UDP) | DP_PROBE_BIT(DP_PROBE_TCP));
  claim_battery(t, lead ? lead : refused, DP_CAUSE_CLIENT_REFUSED,
                DP_SEVERITY_CRITICAL, DP_FINDING_NONE, nomem);
  claim_battery(t, refused & ~lead, DP_CAUSE_CLIENT_REFUSED, DP_SEVERITY_INFO,
                DP_FINDING_NONE, nomem);
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    if ((refused & ~lead & DP_PROBE_BIT(p->probe)) &&
        p->severity == DP_SEVERITY_OK)
      p->finding = DP_FINDING_NONE;
  }
  return true;
}

/* ---- 3: one transport silent --------------------------------------------- */

static bool silent_to(const struct dp_probe_result *p)
{
  return selected(p) && !came_back(p) && p->outcome != DP_OUTCOME_LOCAL_ERROR;
}

static void one_transport(struct dp_target_result *t, bool *nomem)
{
  dp_probe_set_t udp_silent = 0, tcp_silent = 0;
  bool udp_sent = false, tcp_sent = false, udp_answered = false,
       tcp_answered = false;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (!selected(p) || claimed(t, p))
      continue;
    bool tcp = p->transport == DP_TRANSPORT_TCP;
    *(tcp ? &tcp_sent : &udp_sent) = true;
    if (came_back(p))
      *(tcp ? &tcp_answered : &udp_answered) = true;
    else if (silent_to(p))
      *(tcp ? &tcp_silent : &udp_silent) |= DP_PROBE_BIT(p->probe);
  }
  if (udp_sent && !udp_answered && tcp_answered)
    claim_battery(t, udp_silent, DP_CAUSE_UDP_BLOCKED, DP_SEVERITY_CRITICAL,
                  DP_FINDING_NONE, nomem);
  /* TCP fails when its SOA query does: the transfers may be closed on
   * purpose, but a zone's SOA never is. */
  const struct dp_probe_result *tcp = dp_target_probe(t, DP_PROBE_TCP);
  if (tcp_sent && tcp != NULL && silent_to(tcp) && udp_answered)
    claim_battery(t, tcp_silent, DP_CAUSE_TCP_BLOCKED, DP_SEVERITY_WARNING,
                  DP_FINDING_NONE, nomem);
}

/* ---- 4: the zone -----------------------------------------------------------
 */

/* Another answer carries authority for the zone: the zone is loaded. */
static bool zone_loaded(const struct dp_target_result *t)
{
  return dp_diagnose_zone_proof(t) != NULL;
}

static void zone(struct dp_target_result *t, bool *nomem)
{
  static const dp_probe_id_t zone_probes[] = {DP_PROBE_UDP, DP_PROBE_TCP};
  for (size_t k = 0; k < 2; k++)
  {
    struct dp_probe_result *p =
        (struct dp_probe_result *)dp_target_probe(t, zone_probes[k]);
    if (p == NULL || claimed(t, p))
      continue;
    switch (p->finding)
    {
    case DP_FINDING_ZONE_LAME:
      claim(t, p, zone_loaded(t) ? DP_CAUSE_QUERY_REFUSED : DP_CAUSE_LAME,
            nomem);
      break;
    case DP_FINDING_ZONE_NOT_AUTHORITATIVE:
      claim(t, p, DP_CAUSE_LAME, nomem);
      break;
    case DP_FINDING_ZONE_SERVFAIL:
      claim(t, p, DP_CAUSE_ZONE_BROKEN, nomem);
      break;
    case DP_FINDING_ZONE_ROOT_DEFAULT:
      claim(t, p, DP_CAUSE_NO_ZONE, nomem);
      break;
    default:
      break;
    }
  }
  /* A broken zone fails its transfers, updates and notifies too: the same
   * cause, not something unexpected of each. */
  if (!has_root(t, DP_CAUSE_ZONE_BROKEN))
    return;
  static const dp_probe_id_t zone_ops[] = {DP_PROBE_AXFR, DP_PROBE_IXFR,
                                           DP_PROBE_UPDATE, DP_PROBE_NOTIFY};
  for (size_t k = 0; k < sizeof(zone_ops) / sizeof(zone_ops[0]); k++)
  {
    struct dp_probe_result *p =
        (struct dp_probe_result *)dp_target_probe(t, zone_ops[k]);
    if (p == NULL || claimed(t, p) || !dp_diagnose_replied(p) ||
        p->answer.rcode != DP_RCODE_SERVFAIL)
      continue;
    claim(t, p, DP_CAUSE_ZONE_BROKEN, nomem);
    if (p->severity > DP_SEVERITY_INFO)
      p->severity = DP_SEVERITY_INFO;
  }
}

/* ---- 6: probe by probe -----------------------------------------------------
 */

/* The root cause a finding joins when its probe's cause does not say. */
static dp_cause_t cause_of_finding(const struct dp_target_result *t,
                                   const struct dp_probe_result *p)
{
  switch (p->finding)
  {
  case DP_FINDING_ZONE_ROOT_DEFAULT:
    return DP_CAUSE_NO_ZONE;
  case DP_FINDING_ZONE_LAME:
  case DP_FINDING_ZONE_NOT_AUTHORITATIVE:
    return DP_CAUSE_LAME;
  case DP_FINDING_ZONE_SERVFAIL:
    return DP_CAUSE_ZONE_BROKEN;
  case DP_FINDING_TCP_UNAVAILABLE:
    return DP_CAUSE_TCP_BLOCKED;
  case DP_FINDING_UNREACHABLE:
    return DP_CAUSE_UNREACHABLE;
  case DP_FINDING_RECURSION_OPEN:
    return DP_CAUSE_OPEN_RESOLVER;
  case DP_FINDING_RECURSION_REFUSED:
  case DP_FINDING_RECURSION_INCONSISTENT:
    return DP_CAUSE_RECURSION_REFUSED;
  case DP_FINDING_RECURSION_FAILING:
  case DP_FINDING_RECURSION_UPSTREAM:
    return DP_CAUSE_UPSTREAM;
  case DP_FINDING_RECURSION_DNSSEC:
    return DP_CAUSE_DNSSEC;
  case DP_FINDING_AXFR_OPEN:
    return DP_CAUSE_OPEN_TRANSFER;
  case DP_FINDING_UPDATE_ACCEPTED:
    return DP_CAUSE_UPDATE_ACCEPTED;
  case DP_FINDING_NOTIFY_ACCEPTED:
    return DP_CAUSE_NOTIFY_ACCEPTED;
  case DP_FINDING_VERSION_DISCLOSED:
    return DP_CAUSE_IDENTITY_DISCLOSED;
  case DP_FINDING_OPCODE_NONCOMPLIANT:
    return DP_CAUSE_OPCODE_MISHANDLED;
  case DP_FINDING_EDNS_NONCOMPLIANT:
    return p->verdict == DP_VERDICT_LEGACY ? DP_CAUSE_LEGACY
                                           : DP_CAUSE_EDNS_NONCOMPLIANT;
  case DP_FINDING_RATE_LIMITED:
    return DP_CAUSE_RATE_LIMITED;
  case DP_FINDING_NO_ANSWER:
    return DP_CAUSE_REQUESTS_DROPPED;
  case DP_FINDING_UNEXPECTED_ANSWER:
  case DP_FINDING_ZONE_UNEXPECTED:
    return DP_CAUSE_UNEXPECTED;
  case DP_FINDING_MALFORMED_ANSWER:
    return DP_CAUSE_MALFORMED;
  case DP_FINDING_CASE_NOT_PRESERVED:
    return DP_CAUSE_CASE_NOT_PRESERVED;
  case DP_FINDING_NONE:
  case DP_FINDING_AXFR_DENIED:
  case DP_FINDING_UPDATE_DENIED:
  case DP_FINDING_UPDATE_NOT_SUPPORTED:
  case DP_FINDING_NOTIFY_REFUSED:
  case DP_FINDING_EXPECTATION_FAILED:
  case DP_FINDING_DNSSEC_SIGNING: /* the DNSSEC causes claimed it */
  case DP_FINDING_COUNT:
    break;
  }
  (void)t;
  return DP_CAUSE_NONE;
}

/* The severity a resolver's failing recursion has: for a resolver it is its
 * whole job. */
static void recursion_severity(struct dp_target_result *t,
                               struct dp_probe_result *p)
{
  if (p->probe != DP_PROBE_RECURSION)
    return;
  if (p->cause == DP_CAUSE_UPSTREAM && t->role == DP_ROLE_RESOLVER)
    p->severity = DP_SEVERITY_CRITICAL;
  else if ((p->cause == DP_CAUSE_UPSTREAM_SLOW ||
            p->cause == DP_CAUSE_DNSSEC) &&
           p->severity < DP_SEVERITY_WARNING)
    p->severity = DP_SEVERITY_WARNING;
}

static void probe_by_probe(struct dp_target_result *t, bool *nomem)
{
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    if (!selected(p) || claimed(t, p) || p->severity == DP_SEVERITY_OK)
      continue;
    dp_cause_t c =
        p->cause != DP_CAUSE_NONE ? p->cause : cause_of_finding(t, p);
    if (c == DP_CAUSE_NONE)
      continue;
    recursion_severity(t, p);
    claim(t, p, c, nomem);
  }
}

dp_status_t dp_diagnose_root_causes(struct dp_target_result *t)
{
  bool nomem = false;
  if (t == NULL || t->probes == NULL)
    return t == NULL ? DP_EINVAL : DP_OK;
  if (!nothing_came_back(t, &nomem))
  {
    (void)refused_everything(t, &nomem);
    one_transport(t, &nomem);
    zone(t, &nomem);
    if (dp_diagnose_dnssec_causes(t) != DP_OK)
      nomem = true;
    probe_by_probe(t, &nomem);
  }
  return nomem ? DP_ENOMEM : DP_OK;
}

/* ---- finishing: severities, order, texts -----------------------------------
 */

/* What one probe got, briefly: the answer or the transport outcome, and
 * what exactly was wrong with it when a compliance test failed. */
static void got(struct dp_buf *b, const struct dp_probe_result *p)
{
  if (p->has_answer)
    dp_diagnose_describe_answer(b, &p->answer);
  else
    dp_buf_adds(b, dp_diagnose_outcome_words(p->outcome));
  if (p->verdict == DP_VERDICT_NON_COMPLIANT && p->detail[0] != '\0')
    dp_buf_addf(b, ", %s", p->detail);
}

/* The evidence: the members grouped by what they got ("udp and tcp:
 * REFUSED; recursion: REFUSED, EDE 18 (Prohibited)"), then what their
 * second questions showed and the expectations they missed. */
static void evidence(struct dp_buf *b, const struct dp_target_result *t,
                     const struct dp_root_cause *r)
{
  dp_probe_set_t left = r->probes;
  size_t groups = 0;
  while (left != 0 && groups < 3)
  {
    const struct dp_probe_result *first = NULL;
    struct dp_buf a = {0}, c = {0};
    dp_probe_set_t same = 0;
    for (size_t i = 0; i < t->nprobes; i++)
    {
      const struct dp_probe_result *p = &t->probes[i];
      if (!(left & DP_PROBE_BIT(p->probe)))
        continue;
      if (first == NULL)
      {
        first = p;
        got(&a, p);
        same |= DP_PROBE_BIT(p->probe);
        continue;
      }
      dp_buf_free(&c);
      got(&c, p);
      if (a.s != NULL && c.s != NULL && strcmp(a.s, c.s) == 0)
        same |= DP_PROBE_BIT(p->probe);
    }
    dp_buf_adds(b, groups == 0 ? "" : "; ");
    dp_probe_set_describe(b, same, 3);
    dp_buf_addf(b, ": %s", a.s != NULL ? a.s : "");
    dp_buf_free(&a);
    dp_buf_free(&c);
    left &= ~same;
    groups++;
  }
  if (left != 0)
  {
    dp_buf_adds(b, "; ");
    dp_probe_set_describe(b, left, 3);
    dp_buf_adds(b, ": other answers");
  }
  dp_buf_adds(b, ".");
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (!(r->probes & DP_PROBE_BIT(p->probe)))
      continue;
    for (size_t k = 0; k < p->nfollowups; k++)
      if (p->followups[k].shows[0] &&
          p->followups[k].id != DP_FOLLOWUP_SAME_QUESTION &&
          /* the case probe's twin speaks only of case */
          (p->followups[k].id != DP_FOLLOWUP_OTHER_CASE ||
           r->cause == DP_CAUSE_CASE_NOT_PRESERVED))
      {
        dp_buf_addf(b, " %s: %s.", dp_probe_id_tostr(p->probe),
                    p->followups[k].shows);
        break;
      }
    if (p->finding == DP_FINDING_EXPECTATION_FAILED && p->explanation)
    {
      const char *e = strstr(p->explanation, "Expected ");
      if (e != NULL)
        dp_buf_addf(b, " %s", e);
    }
  }
  const struct dp_probe_result *proof = dp_diagnose_zone_proof(t);
  if (r->cause == DP_CAUSE_QUERY_REFUSED && proof != NULL)
  {
    dp_buf_addf(b, " %s: ", dp_probe_id_tostr(proof->probe));
    got(b, proof);
    dp_buf_adds(b, ", with authority for the zone: it is loaded here.");
  }
  if (r->cause == DP_CAUSE_CLIENT_REFUSED)
    dp_buf_adds(b, " Compliance and identity could not be tested: the "
                   "server refuses this client.");
}

static int by_severity(const void *a, const void *b)
{
  const struct dp_root_cause *x = a, *y = b;
  if (x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return x->cause < y->cause ? -1 : x->cause > y->cause;
}

static char *take(struct dp_buf *b, bool *nomem)
{
  if (dp_buf_failed(b))
    *nomem = true;
  return dp_buf_take(b);
}

dp_status_t dp_diagnose_root_finish(struct dp_target_result *t,
                                    dp_software_t fix_for)
{
  bool nomem = false;
  if (t == NULL || t->probes == NULL)
    return t == NULL ? DP_EINVAL : DP_OK;
  /* An expectation missed where no cause says why. */
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    if (p->finding == DP_FINDING_EXPECTATION_FAILED && !claimed(t, p))
      claim(t, p, DP_CAUSE_EXPECTATION, &nomem);
  }
  /* Severities as the probes now have them; drop what no longer is a
   * problem (an --allow took it). */
  size_t k = 0;
  for (size_t i = 0; i < t->ndiagnosis; i++)
  {
    struct dp_root_cause *r = &t->diagnosis[i];
    if (!r->own_severity)
    {
      r->severity = DP_SEVERITY_OK;
      for (size_t j = 0; j < t->nprobes; j++)
        if ((r->probes & DP_PROBE_BIT(t->probes[j].probe)) &&
            t->probes[j].severity > r->severity)
          r->severity = t->probes[j].severity;
    }
    if (r->severity == DP_SEVERITY_OK)
    {
      for (size_t j = 0; j < t->nprobes; j++)
        if (r->probes & DP_PROBE_BIT(t->probes[j].probe))
          t->probes[j].cause = DP_CAUSE_NONE;
      continue;
    }
    t->diagnosis[k++] = *r;
  }
  t->ndiagnosis = k;
  if (t->ndiagnosis > 1)
    qsort(t->diagnosis, t->ndiagnosis, sizeof(*t->diagnosis), by_severity);
  for (size_t i = 0; i < t->ndiagnosis; i++)
  {
    struct dp_root_cause *r = &t->diagnosis[i];
    const struct dp_knowledge_cause *kc = dp_knowledge_cause_get(r->cause);
    struct dp_buf h = {0}, e = {0}, x = {0}, f = {0};
    if (kc == NULL)
      continue;
    dp_buf_adds(&h, kc->title);
    if (r->own_severity)
      dp_diagnose_dnssec_evidence(&e, t, r);
    else
      evidence(&e, t, r);
    dp_buf_adds(&x, kc->what);
    r->headline = take(&h, &nomem);
    r->evidence = take(&e, &nomem);
    r->explanation = take(&x, &nomem);
    if (r->cause != DP_CAUSE_EXPECTATION)
    {
      bool resolver =
          t->role == DP_ROLE_RESOLVER || r->cause == DP_CAUSE_UPSTREAM ||
          r->cause == DP_CAUSE_UPSTREAM_SLOW || r->cause == DP_CAUSE_DNSSEC ||
          r->cause == DP_CAUSE_RECURSION_REFUSED ||
          r->cause == DP_CAUSE_OPEN_RESOLVER ||
          r->cause == DP_CAUSE_CLIENT_DROPPED;
      dp_diagnose_compose_fix(&f, kc->fix, dp_knowledge_cause_fixes(kc),
                              resolver, t, fix_for);
      r->fix = take(&f, &nomem);
    }
  }
  return nomem ? DP_ENOMEM : DP_OK;
}
