/*
 * context.c: a target's diagnosis, phase by phase (dp_diagnose_target).
 * After the judges, it infers the role and the software, then gives each
 * probe a severity and a finding (a key of the knowledge catalogue) in
 * context: REFUSED is right for AXFR, UPDATE or recursion on an
 * authoritative server, and a problem for the zone's own SOA. What a second
 * question showed is read next (the follow-ups), then the DNSSEC check of
 * the zone as the server serves it (dnssec_target.c), then the root causes
 * group the probes (rootcause.c), then each probe's texts are written, the
 * expectations applied, and the root causes finished.
 *
 * Explanations and fixes are composed from the knowledge tables, never
 * written here. A fix names the identified software's setting in a block of
 * its own configuration; with the software unknown, one line per common
 * product names its setting.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diagnose_priv.h"
#include "dnsprobe/buf.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/knowledge.h"

static char *take(struct dp_buf *b, bool *nomem)
{
  if (dp_buf_failed(b))
    *nomem = true;
  return dp_buf_take(b);
}

static bool is(const struct dp_probe_result *p, dp_probe_id_t id)
{
  return p->probe == id;
}

bool dp_diagnose_replied(const struct dp_probe_result *p)
{
  return p != NULL && p->outcome == DP_OUTCOME_ANSWER && p->has_answer;
}

bool dp_diagnose_is_identity(dp_probe_id_t id)
{
  return id == DP_PROBE_NSID || id == DP_PROBE_COOKIE ||
         id == DP_PROBE_VERSION || id == DP_PROBE_HOSTNAME ||
         id == DP_PROBE_IDSERVER;
}

bool dp_diagnose_is_chaos(dp_probe_id_t id)
{
  return id == DP_PROBE_VERSION || id == DP_PROBE_HOSTNAME ||
         id == DP_PROBE_IDSERVER;
}

bool dp_diagnose_has_ede(const struct dp_answer_info *a, uint16_t lo,
                         uint16_t hi)
{
  for (unsigned i = 0; i < a->nede; i++)
    if (a->ede[i].code >= lo && a->ede[i].code <= hi)
      return true;
  return false;
}

/* Software that is authoritative only, or a resolver only: what it is
 * tells the role when the answers do not. */
static bool authoritative_only(dp_software_t sw)
{
  return sw == DP_SOFTWARE_KNOT || sw == DP_SOFTWARE_NSD ||
         sw == DP_SOFTWARE_PDNS_AUTH;
}

static bool resolver_only(dp_software_t sw)
{
  return sw == DP_SOFTWARE_UNBOUND || sw == DP_SOFTWARE_PDNS_RECURSOR ||
         sw == DP_SOFTWARE_KNOT_RESOLVER || sw == DP_SOFTWARE_DNSMASQ;
}

/* Every piece of evidence of the role: authority for the zone; recursion
 * answered, RA on any reply to a query, or a resolver's software. */
dp_role_t dp_diagnose_role(const struct dp_target_result *t)
{
  dp_verdict_t r = dp_diagnose_verdict_of(t, DP_PROBE_RECURSION);
  bool auth = dp_diagnose_serves_zone(t) || dp_diagnose_zone_proof(t) != NULL;
  bool res = r == DP_VERDICT_AVAILABLE || r == DP_VERDICT_FAILING;
  for (size_t i = 0; i < t->nprobes && !res; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    /* RA on any reply to a query, the zone's REFUSED included; not on the
     * recursion probe's own REFUSED, where RA is the inconsistency of a
     * server that claims what it refuses. */
    res = dp_diagnose_replied(p) && p->answer.opcode == DP_OPCODE_QUERY &&
          (p->answer.flags & DP_FLAG_RA) && p->answer.parse_complete &&
          !(p->probe == DP_PROBE_RECURSION &&
            p->answer.rcode == DP_RCODE_REFUSED) &&
          r != DP_VERDICT_NOT_OFFERED;
  }
  if (!res && !auth && t->software_confidence >= 90 &&
      resolver_only(t->software))
    res = true;
  /* SERVFAIL to the zone's SOA without RA from a server that refuses
   * recursion: the zone is configured here and broken (an expired
   * secondary, a zone that failed to load), on an authoritative server. */
  const struct dp_probe_result *udp = dp_target_probe(t, DP_PROBE_UDP);
  if (!res && !auth && t->zone_given && udp != NULL &&
      udp->verdict == DP_VERDICT_FAILING && !(udp->answer.flags & DP_FLAG_RA) &&
      (r == DP_VERDICT_REFUSED || r == DP_VERDICT_NOT_OFFERED))
    auth = true;
  if (auth && res)
    return DP_ROLE_BOTH;
  if (auth)
    return DP_ROLE_AUTHORITATIVE;
  if (res)
    return DP_ROLE_RESOLVER;
  return DP_ROLE_UNKNOWN;
}

/* Verdicts of the transfer, update, notify, compliance and identity probes,
 * whose severity and finding need no context; the first matching row wins,
 * and DP_PROBE_COUNT matches any of them. */
static const struct
{
  dp_probe_id_t probe; /* DP_PROBE_COUNT: any probe */
  dp_verdict_t verdict;
  dp_severity_t severity;
  dp_finding_t finding;
} fixed_rules[] = {
    {DP_PROBE_CASE, DP_VERDICT_NON_COMPLIANT, DP_SEVERITY_WARNING,
     DP_FINDING_CASE_NOT_PRESERVED},
    {DP_PROBE_AXFR, DP_VERDICT_ALLOWED, DP_SEVERITY_WARNING,
     DP_FINDING_AXFR_OPEN},
    {DP_PROBE_IXFR, DP_VERDICT_ALLOWED, DP_SEVERITY_WARNING,
     DP_FINDING_AXFR_OPEN},
    {DP_PROBE_AXFR, DP_VERDICT_DENIED, DP_SEVERITY_OK, DP_FINDING_AXFR_DENIED},
    {DP_PROBE_IXFR, DP_VERDICT_DENIED, DP_SEVERITY_OK, DP_FINDING_AXFR_DENIED},
    {DP_PROBE_UPDATE, DP_VERDICT_ALLOWED, DP_SEVERITY_CRITICAL,
     DP_FINDING_UPDATE_ACCEPTED},
    {DP_PROBE_UPDATE, DP_VERDICT_DENIED, DP_SEVERITY_OK,
     DP_FINDING_UPDATE_DENIED},
    {DP_PROBE_UPDATE, DP_VERDICT_NOT_IMPLEMENTED, DP_SEVERITY_OK,
     DP_FINDING_UPDATE_NOT_SUPPORTED},
    {DP_PROBE_NOTIFY, DP_VERDICT_ACCEPTED, DP_SEVERITY_INFO,
     DP_FINDING_NOTIFY_ACCEPTED},
    {DP_PROBE_NOTIFY, DP_VERDICT_DENIED, DP_SEVERITY_OK,
     DP_FINDING_NOTIFY_REFUSED},
    {DP_PROBE_VERSION, DP_VERDICT_ANSWERING, DP_SEVERITY_INFO,
     DP_FINDING_VERSION_DISCLOSED},
    {DP_PROBE_COUNT, DP_VERDICT_ANSWERING, DP_SEVERITY_OK, DP_FINDING_NONE},
    {DP_PROBE_COUNT, DP_VERDICT_NOT_OFFERED, DP_SEVERITY_OK, DP_FINDING_NONE},
    {DP_PROBE_COUNT, DP_VERDICT_REFUSED, DP_SEVERITY_OK, DP_FINDING_NONE},
    {DP_PROBE_COUNT, DP_VERDICT_NON_COMPLIANT, DP_SEVERITY_WARNING,
     DP_FINDING_EDNS_NONCOMPLIANT},
    {DP_PROBE_COUNT, DP_VERDICT_LEGACY, DP_SEVERITY_INFO,
     DP_FINDING_EDNS_NONCOMPLIANT},
    {DP_PROBE_COUNT, DP_VERDICT_COMPLIANT, DP_SEVERITY_OK, DP_FINDING_NONE},
    {DP_PROBE_COUNT, DP_VERDICT_NO_ANSWER, DP_SEVERITY_INFO,
     DP_FINDING_NO_ANSWER},
    {DP_PROBE_COUNT, DP_VERDICT_UNEXPECTED, DP_SEVERITY_INFO,
     DP_FINDING_UNEXPECTED_ANSWER},
};

/* Severity and finding of one probe in its target's context. */
static void judge_context(struct dp_probe_result *p,
                          const struct dp_target_result *t)
{
  dp_role_t role = t->role;
  bool auth = role == DP_ROLE_AUTHORITATIVE || role == DP_ROLE_BOTH;
  dp_severity_t sev = DP_SEVERITY_OK;
  dp_finding_t f = DP_FINDING_NONE;

  if (p->verdict == DP_VERDICT_SKIPPED)
  {
    p->severity = DP_SEVERITY_OK;
    p->finding = DP_FINDING_NONE;
    return;
  }
  if (p->outcome == DP_OUTCOME_MALFORMED)
  {
    p->severity = DP_SEVERITY_WARNING;
    p->finding = DP_FINDING_MALFORMED_ANSWER;
    return;
  }

  if (is(p, DP_PROBE_UDP) || is(p, DP_PROBE_TCP))
  {
    switch (p->verdict)
    {
    case DP_VERDICT_AUTHORITATIVE:
      break;
    case DP_VERDICT_ANSWERING:
    case DP_VERDICT_REFUSED:
      /* A resolver refuses, or answers from its cache, a query without
       * recursion for a zone it does not serve: as it should. */
      if (!t->zone_given)
        sev = DP_SEVERITY_INFO, f = DP_FINDING_ZONE_ROOT_DEFAULT;
      else if (role == DP_ROLE_RESOLVER)
        break;
      else if (p->verdict == DP_VERDICT_ANSWERING)
        sev = DP_SEVERITY_WARNING, f = DP_FINDING_ZONE_NOT_AUTHORITATIVE;
      else
        sev = DP_SEVERITY_CRITICAL, f = DP_FINDING_ZONE_LAME;
      break;
    case DP_VERDICT_FAILING:
      if (t->zone_given)
        sev = DP_SEVERITY_CRITICAL, f = DP_FINDING_ZONE_SERVFAIL;
      else
        sev = DP_SEVERITY_INFO, f = DP_FINDING_ZONE_ROOT_DEFAULT;
      break;
    case DP_VERDICT_NO_ANSWER:
      sev = DP_SEVERITY_WARNING;
      f = is(p, DP_PROBE_TCP) ? DP_FINDING_TCP_UNAVAILABLE
                              : DP_FINDING_NO_ANSWER;
      break;
    default:
      sev = DP_SEVERITY_WARNING, f = DP_FINDING_ZONE_UNEXPECTED;
      break;
    }
  }
  else if (is(p, DP_PROBE_RECURSION))
  {
    bool ra = p->has_answer && (p->answer.flags & DP_FLAG_RA);
    bool not_resolver = auth || authoritative_only(t->software);
    switch (p->verdict)
    {
    case DP_VERDICT_AVAILABLE:
      if (auth)
        sev = DP_SEVERITY_WARNING, f = DP_FINDING_RECURSION_OPEN;
      break;
    case DP_VERDICT_REFUSED:
      if (ra)
        sev = DP_SEVERITY_INFO, f = DP_FINDING_RECURSION_INCONSISTENT;
      else if (role == DP_ROLE_RESOLVER || resolver_only(t->software))
        sev = DP_SEVERITY_WARNING, f = DP_FINDING_RECURSION_REFUSED;
      else if (!not_resolver)
        /* a server of unknown kind: refusing recursion may be its job */
        sev = DP_SEVERITY_INFO, f = DP_FINDING_RECURSION_REFUSED;
      break;
    case DP_VERDICT_FAILING:
      sev = DP_SEVERITY_WARNING, f = DP_FINDING_RECURSION_FAILING;
      break;
    case DP_VERDICT_NO_ANSWER:
      /* Silence is how some authoritative servers refuse recursion. */
      if (!not_resolver)
        sev = DP_SEVERITY_WARNING, f = DP_FINDING_NO_ANSWER;
      break;
    case DP_VERDICT_UNEXPECTED:
      sev = DP_SEVERITY_INFO, f = DP_FINDING_UNEXPECTED_ANSWER;
      break;
    default:
      break;
    }
  }
  else if (is(p, DP_PROBE_OPCODE))
  {
    /* RFC 8906 8.1.4: NOTIMP, or it does not comply; never answering at
     * all is a failure too. */
    if (p->verdict == DP_VERDICT_NON_COMPLIANT ||
        p->verdict == DP_VERDICT_NO_ANSWER)
      sev = DP_SEVERITY_WARNING, f = DP_FINDING_OPCODE_NONCOMPLIANT;
  }
  else if (dp_diagnose_is_identity(p->probe) &&
           p->verdict == DP_VERDICT_NO_ANSWER)
  {
    /* Not answering an identity question is a server's right (BIND answers
     * three CHAOS queries a second per client, some drop them): nothing
     * to report, and never a sign of EDNS trouble. */
  }
  else if (is(p, DP_PROBE_NOTIFY) && p->verdict == DP_VERDICT_ACCEPTED &&
           t->software == DP_SOFTWARE_BIND)
  {
    /* BIND answers NOERROR to a NOTIFY for a zone it is primary for, and
     * does nothing: normal on a primary. */
  }
  else
  {
    for (size_t i = 0; i < sizeof(fixed_rules) / sizeof(fixed_rules[0]); i++)
      if ((fixed_rules[i].probe == DP_PROBE_COUNT ||
           is(p, fixed_rules[i].probe)) &&
          fixed_rules[i].verdict == p->verdict)
      {
        sev = fixed_rules[i].severity;
        f = fixed_rules[i].finding;
        break;
      }
  }
  p->severity = sev;
  p->finding = f;
}

/* ---- what a second question or another probe showed --------------------- */

/* Probes that test EDNS: the compliance tests with EDNS and the identity
 * options on the zone's SOA; never the CHAOS names, the core battery or
 * the DNSSEC probes (their silence, when other EDNS queries are answered,
 * is not EDNS's). */
static bool is_edns_probe(const struct dp_probe_result *p)
{
  return p->query.edns && p->probe >= DP_PROBE_PLAIN &&
         !dp_diagnose_is_chaos(p->probe) && p->probe != DP_PROBE_DNSKEY &&
         p->probe != DP_PROBE_NSEC3PARAM;
}

/* Record another probe's result as a follow-up of p: the question it asked
 * is the one a careful operator would ask next. */
static void copy_followup(struct dp_probe_result *p, dp_followup_id_t id,
                          const struct dp_probe_result *from, const char *shows,
                          bool *nomem)
{
  struct dp_followup *f;
  for (size_t i = 0; i < p->nfollowups; i++)
    if (p->followups[i].id == id)
      return; /* diagnosed twice: keep the first */
  if (dp_probe_followup_add(p, &f) != DP_OK)
  {
    *nomem = true;
    return;
  }
  f->id = id;
  f->query = from->query;
  f->outcome = from->outcome;
  f->rtt_ms = from->rtt_ms;
  f->has_answer = from->has_answer;
  f->answer = from->answer;
  snprintf(f->shows, sizeof(f->shows), "%s", shows);
}

struct dp_followup *dp_diagnose_followup(struct dp_probe_result *p,
                                         dp_followup_id_t id)
{
  for (size_t i = 0; i < p->nfollowups; i++)
    if (p->followups[i].id == id)
      return &p->followups[i];
  return NULL;
}

/* A UDP probe answered with TC=1 and no answer for a question whose answer
 * is small (the zone's SOA fits any buffer): what response rate limiting
 * sends instead of an answer it drops ("slip"). */
static bool slipped(const struct dp_probe_result *p)
{
  return p->transport == DP_TRANSPORT_UDP && dp_diagnose_replied(p) &&
         (p->answer.flags & DP_FLAG_TC) && p->answer.ancount == 0 &&
         p->query.qtype == DP_TYPE_SOA && p->answer.rcode == DP_RCODE_NOERROR;
}

/* Whether p's question (name in any case, type, a plain QUERY) was answered
 * over UDP by another probe of the battery: then p's silence, or its
 * truncated empty answer, is not about the question or its EDNS, but about
 * how many identical answers this client got (response rate limiting). A
 * request of another kind (an opcode, a CHAOS name) is never counted: a
 * server may never answer those at all. */
static const struct dp_probe_result *
same_question_answered(const struct dp_probe_result *p,
                       const struct dp_target_result *t)
{
  if (p->query.opcode != DP_OPCODE_QUERY || p->query.qclass != DP_CLASS_IN)
    return NULL;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *q = &t->probes[i];
    if (q != p && q->transport == DP_TRANSPORT_UDP && dp_diagnose_replied(q) &&
        !slipped(q) && q->query.opcode == DP_OPCODE_QUERY &&
        q->query.qtype == p->query.qtype &&
        q->query.qclass == p->query.qclass && q->query.edns &&
        strcasecmp(q->query.qname, p->query.qname) == 0 &&
        q->answer.rcode == DP_RCODE_NOERROR)
      return q;
  }
  return NULL;
}

/* The EDE of a failed recursion names its cause, when it has one (RFC 8914
 * 4): Prohibited is a policy against this client, No Reachable Authority
 * and Network Error the upstream, 1, 2 and 5 to 12 DNSSEC (3 and 4, Stale
 * and Forged Answer, are not). */
dp_cause_t dp_diagnose_ede_cause(const struct dp_answer_info *a)
{
  if (dp_diagnose_has_ede(a, 18, 18))
    return DP_CAUSE_RECURSION_REFUSED;
  if (dp_diagnose_has_ede(a, 22, 23))
    return DP_CAUSE_UPSTREAM;
  if (dp_diagnose_has_ede(a, 1, 2) || dp_diagnose_has_ede(a, 5, 12))
    return DP_CAUSE_DNSSEC;
  return DP_CAUSE_NONE;
}

/* Causes a probe's own follow-ups, or another probe, tell. The root causes
 * (rootcause.c) may widen them to the whole target. */
static void set_cause(struct dp_probe_result *p, struct dp_target_result *t,
                      bool *nomem)
{
  const struct dp_probe_result *tcp = dp_target_probe(t, DP_PROBE_TCP);
  const struct dp_probe_result *plain = dp_target_probe(t, DP_PROBE_PLAIN);
  struct dp_followup *f;

  p->cause = DP_CAUSE_NONE;
  if (is(p, DP_PROBE_RECURSION) && p->verdict == DP_VERDICT_FAILING)
  {
    f = dp_diagnose_followup(p, DP_FOLLOWUP_CD);
    bool cd_ok = f != NULL && f->has_answer &&
                 (f->answer.rcode == DP_RCODE_NOERROR ||
                  f->answer.rcode == DP_RCODE_NXDOMAIN);
    dp_cause_t said = dp_diagnose_ede_cause(&p->answer);
    p->cause = said != DP_CAUSE_NONE ? said
               : cd_ok               ? DP_CAUSE_DNSSEC
                                     : DP_CAUSE_UPSTREAM;
    p->finding = p->cause == DP_CAUSE_DNSSEC     ? DP_FINDING_RECURSION_DNSSEC
                 : p->cause == DP_CAUSE_UPSTREAM ? DP_FINDING_RECURSION_UPSTREAM
                                                 : DP_FINDING_RECURSION_REFUSED;
    if (f != NULL)
      snprintf(f->shows, sizeof(f->shows), "%s",
               cd_ok ? "with checking disabled (CD=1) the name resolves: "
                       "DNSSEC validation fails"
               : dp_diagnose_has_ede(&p->answer, 22, 23)
                   ? "still SERVFAIL with CD=1, and EDE 22/23 say no "
                     "upstream could be reached"
                   : "still no answer with checking disabled (CD=1): the "
                     "resolver cannot reach a working upstream");
    return;
  }
  if (is(p, DP_PROBE_RECURSION) && p->verdict == DP_VERDICT_NO_ANSWER &&
      (f = dp_diagnose_followup(p, DP_FOLLOWUP_RETRY)) != NULL)
  {
    bool answered = f->has_answer && (f->answer.rcode == DP_RCODE_NOERROR ||
                                      f->answer.rcode == DP_RCODE_NXDOMAIN);
    dp_cause_t said =
        f->has_answer ? dp_diagnose_ede_cause(&f->answer) : DP_CAUSE_NONE;
    p->cause = answered                ? DP_CAUSE_UPSTREAM_SLOW
               : said != DP_CAUSE_NONE ? said
               : f->has_answer && f->answer.rcode == DP_RCODE_REFUSED
                   ? DP_CAUSE_RECURSION_REFUSED
                   : DP_CAUSE_UPSTREAM;
    p->finding = p->cause == DP_CAUSE_RECURSION_REFUSED
                     ? DP_FINDING_RECURSION_REFUSED
                 : p->cause == DP_CAUSE_DNSSEC ? DP_FINDING_RECURSION_DNSSEC
                                               : DP_FINDING_RECURSION_UPSTREAM;
    if (!f->has_answer)
      snprintf(f->shows, sizeof(f->shows),
               "asked again after the timeout, still no answer: the "
               "resolver's upstream does not answer it");
    else if (answered)
      snprintf(f->shows, sizeof(f->shows),
               "asked again after the timeout, it answered %s: the "
               "resolver's upstream answers, but slowly",
               dp_knowledge_rcode_name(f->answer.rcode));
    else
      snprintf(f->shows, sizeof(f->shows),
               "asked again after the timeout, it answered %s at once: the "
               "resolver gave up on its upstream",
               dp_knowledge_rcode_name(f->answer.rcode));
    return;
  }
  /* UDP is blocked when the query without EDNS (plain, over UDP too) got
   * nothing either; when it was answered, the silence is EDNS's. */
  if (is(p, DP_PROBE_UDP) && p->verdict == DP_VERDICT_NO_ANSWER &&
      dp_diagnose_replied(tcp) && !dp_diagnose_replied(plain))
  {
    p->cause = DP_CAUSE_UDP_BLOCKED;
    copy_followup(p, DP_FOLLOWUP_TCP, tcp,
                  "the same query over TCP was answered: UDP is dropped on "
                  "the way (a firewall or a filter on port 53/udp)",
                  nomem);
    return;
  }
  const struct dp_probe_result *same;
  if (p->query.qtype == DP_TYPE_SOA && p->transport == DP_TRANSPORT_UDP &&
      (p->verdict == DP_VERDICT_NO_ANSWER || slipped(p)) &&
      (same = same_question_answered(p, t)) != NULL)
  {
    /* Not a fault of the question or of EDNS: this probe could not test
     * what it was for. */
    p->cause = DP_CAUSE_RATE_LIMITED;
    p->severity = DP_SEVERITY_INFO;
    p->finding = DP_FINDING_RATE_LIMITED;
    copy_followup(p, DP_FOLLOWUP_SAME_QUESTION, same,
                  slipped(p) ? "the same question with EDNS was answered in "
                               "full: this truncated empty answer is a rate "
                               "limiter's slip, not a real truncation"
                             : "the same question with EDNS was answered: "
                               "identical answers to this client are rate "
                               "limited (RRL), EDNS is not dropped",
                  nomem);
    return;
  }
  if ((is(p, DP_PROBE_UDP) || is_edns_probe(p)) &&
      p->verdict == DP_VERDICT_NO_ANSWER && dp_diagnose_replied(plain))
  {
    p->cause = DP_CAUSE_EDNS_DROPPED;
    p->severity = DP_SEVERITY_WARNING;
    p->finding = DP_FINDING_EDNS_NONCOMPLIANT;
    copy_followup(p, DP_FOLLOWUP_NOEDNS, plain,
                  "the query without EDNS was answered: something on the "
                  "path drops EDNS queries",
                  nomem);
    return;
  }
  if (is(p, DP_PROBE_EDNS) && dp_diagnose_replied(p) && !p->answer.edns &&
      p->answer.rcode == DP_RCODE_FORMERR && plain)
  {
    bool legacy =
        dp_diagnose_replied(plain) && plain->answer.rcode != DP_RCODE_FORMERR;
    p->cause = legacy ? DP_CAUSE_LEGACY : DP_CAUSE_BROKEN;
    copy_followup(p, DP_FOLLOWUP_NOEDNS, plain,
                  legacy ? "without EDNS the query was answered: an old "
                           "server without EDNS"
                         : "without EDNS the query failed too: the server is "
                           "broken, not only old",
                  nomem);
    return;
  }
  if (is(p, DP_PROBE_BUFSIZE512) &&
      (f = dp_diagnose_followup(p, DP_FOLLOWUP_BUFSIZE4096)) != NULL)
  {
    if (!f->has_answer)
    {
      p->cause = DP_CAUSE_FRAGMENTATION;
      p->severity = DP_SEVERITY_WARNING;
      p->finding = DP_FINDING_EDNS_NONCOMPLIANT;
      snprintf(f->shows, sizeof(f->shows),
               "the truncated 512-byte answer came back, the full answer "
               "with a 4096-byte buffer did not: large UDP answers are lost "
               "(IP fragments dropped)");
    }
    else
      snprintf(f->shows, sizeof(f->shows),
               "the full answer came back with a 4096-byte buffer");
  }
  if (is(p, DP_PROBE_CASE) &&
      (f = dp_diagnose_followup(p, DP_FOLLOWUP_OTHER_CASE)) != NULL)
  {
    if (f->has_answer && f->answer.qname[0] != '\0')
      snprintf(f->shows, sizeof(f->shows),
               "sent at the same moment, its reply carries the question %.100s",
               f->answer.qname);
    else
      snprintf(f->shows, sizeof(f->shows), "sent at the same moment, %s",
               f->has_answer ? "its reply carries no question"
                             : dp_diagnose_outcome_words(f->outcome));
  }
}

/* ---- words -------------------------------------------------------------- */

const char *dp_diagnose_outcome_words(dp_outcome_t o)
{
  switch (o)
  {
  case DP_OUTCOME_TIMEOUT:
    return "no reply before the timeout";
  case DP_OUTCOME_PORT_UNREACHABLE:
    return "port unreachable (ICMP): nothing listens on this UDP port";
  case DP_OUTCOME_HOST_UNREACHABLE:
    return "host or network unreachable (ICMP)";
  case DP_OUTCOME_CONN_REFUSED:
    return "TCP connection refused: nothing listens on this TCP port";
  case DP_OUTCOME_CONN_RESET:
    return "TCP connection reset by the server";
  case DP_OUTCOME_CLOSED:
    return "TCP connection closed without a reply";
  case DP_OUTCOME_MALFORMED:
    return "a reply that cannot be read as DNS";
  case DP_OUTCOME_SKIPPED:
    return "not run";
  case DP_OUTCOME_LOCAL_ERROR:
    return "dnsprobe could not send the query";
  case DP_OUTCOME_ANSWER:
  case DP_OUTCOME_COUNT:
    break;
  }
  return "a reply";
}

/* "REFUSED aa ra, EDE 18 (Prohibited)" */
void dp_diagnose_describe_answer(struct dp_buf *b,
                                 const struct dp_answer_info *a)
{
  static const struct
  {
    uint16_t bit;
    const char *name;
  } flags[] = {{DP_FLAG_AA, "aa"},
               {DP_FLAG_TC, "tc"},
               {DP_FLAG_RA, "ra"},
               {DP_FLAG_AD, "ad"}};
  dp_buf_adds(b, dp_knowledge_rcode_name(a->rcode));
  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
    if (a->flags & flags[i].bit)
      dp_buf_addf(b, " %s", flags[i].name);
  for (unsigned i = 0; i < a->nede; i++)
  {
    const struct dp_knowledge_ede *e = dp_knowledge_ede_get(a->ede[i].code);
    dp_buf_addf(b, ", EDE %u (%s)", a->ede[i].code, e ? e->name : "unknown");
  }
}

static const char *verdict_words(const struct dp_probe_result *p)
{
  switch (p->verdict)
  {
  case DP_VERDICT_AUTHORITATIVE:
    return "serves the zone authoritatively";
  case DP_VERDICT_ANSWERING:
    return is(p, DP_PROBE_UDP) || is(p, DP_PROBE_TCP)
               ? "answers, but not authoritatively"
               : "disclosed";
  case DP_VERDICT_REFUSED:
    return is(p, DP_PROBE_RECURSION) ? "recursion refused to this client"
           : is(p, DP_PROBE_UDP) || is(p, DP_PROBE_TCP)
               ? "refuses queries for the zone"
               : "refused: not tested";
  case DP_VERDICT_FAILING:
    return is(p, DP_PROBE_RECURSION) ? "recursion offered but failing"
                                     : "fails to serve the zone";
  case DP_VERDICT_NO_ANSWER:
    return "no answer";
  case DP_VERDICT_UNEXPECTED:
    return "an answer this probe does not expect";
  case DP_VERDICT_AVAILABLE:
    return "recursion available to this client";
  case DP_VERDICT_NOT_OFFERED:
    return is(p, DP_PROBE_NSEC3PARAM)
               ? "no NSEC3PARAM: the zone uses NSEC, or is unsigned"
               : "recursion not offered (authoritative only)";
  case DP_VERDICT_ALLOWED:
    return is(p, DP_PROBE_UPDATE) ? "dynamic update ACCEPTED from this client"
                                  : "zone transfer allowed to this client";
  case DP_VERDICT_DENIED:
    return is(p, DP_PROBE_UPDATE)   ? "dynamic update denied"
           : is(p, DP_PROBE_NOTIFY) ? "NOTIFY not accepted from this client"
                                    : "zone transfer denied";
  case DP_VERDICT_NOT_AUTHORITATIVE:
    return "not authoritative for the zone";
  case DP_VERDICT_NOT_IMPLEMENTED:
    return is(p, DP_PROBE_UPDATE)   ? "dynamic update not supported"
           : is(p, DP_PROBE_NOTIFY) ? "NOTIFY not supported"
                                    : "zone transfers not supported";
  case DP_VERDICT_ACCEPTED:
    return "NOTIFY accepted from this client";
  case DP_VERDICT_COMPLIANT:
    return is(p, DP_PROBE_OPCODE)
               ? "unknown opcode answered with NOTIMP (RFC 8906)"
               : "compliant";
  case DP_VERDICT_NON_COMPLIANT:
    return is(p, DP_PROBE_OPCODE)
               ? "unknown opcode not answered with NOTIMP (RFC 8906 8.1.4)"
               : "non-compliant";
  case DP_VERDICT_LEGACY:
    return "legacy: no EDNS support";
  case DP_VERDICT_SKIPPED:
    return "not run";
  case DP_VERDICT_SIGNED:
    return "signed (the RRset comes with its RRSIGs)";
  case DP_VERDICT_UNSIGNED:
    return "unsigned (no RRSIG comes with the answer)";
  case DP_VERDICT_NONE:
  case DP_VERDICT_COUNT:
    break;
  }
  return "not judged";
}

static void compose_summary(struct dp_buf *b, const struct dp_probe_result *p)
{
  if (p->has_answer)
  {
    dp_diagnose_describe_answer(b, &p->answer);
    dp_buf_addf(b, ": %s", verdict_words(p));
    if ((is(p, DP_PROBE_AXFR) || is(p, DP_PROBE_IXFR)) &&
        p->verdict == DP_VERDICT_ALLOWED)
      dp_buf_addf(b, " (%zu record%s in %zu message%s%s)", p->answer.records,
                  p->answer.records == 1 ? "" : "s", p->answer.messages,
                  p->answer.messages == 1 ? "" : "s",
                  p->answer.stream_complete ? "" : ", stream not finished");
  }
  else
    dp_buf_addf(b, "%s: %s", dp_diagnose_outcome_words(p->outcome),
                verdict_words(p));
  if (p->detail[0])
    dp_buf_addf(b, ": %s", p->detail);
}

/* ---- fixes ----------------------------------------------------------------
 */

/* The products named when the software is not known: the common ones for
 * the role. */
static const dp_software_t common_auth[] = {
    DP_SOFTWARE_BIND, DP_SOFTWARE_KNOT, DP_SOFTWARE_NSD, DP_SOFTWARE_PDNS_AUTH};
static const dp_software_t common_resolver[] = {
    DP_SOFTWARE_BIND, DP_SOFTWARE_UNBOUND, DP_SOFTWARE_PDNS_RECURSOR,
    DP_SOFTWARE_KNOT_RESOLVER};

/* The catalogue's snippets use example.com for the zone; the reader's own
 * zone (without its trailing dot) reads better, when one was given. */
#define SNIPPET_ZONE "example.com"

static void add_snippet(struct dp_buf *b, const char *snippet,
                        const struct dp_target_result *t)
{
  char zone[DP_WIRE_NAME_STRLEN];
  size_t zl = strlen(t->zone);
  if (!t->zone_given || zl < 2)
  {
    dp_buf_adds(b, snippet);
    return;
  }
  snprintf(zone, sizeof(zone), "%.*s", (int)(zl - 1), t->zone);
  for (const char *p = snippet; *p;)
  {
    const char *hit = strstr(p, SNIPPET_ZONE);
    if (hit == NULL)
    {
      dp_buf_adds(b, p);
      break;
    }
    dp_buf_add(b, p, (size_t)(hit - p));
    dp_buf_adds(b, zone);
    p = hit + strlen(SNIPPET_ZONE);
  }
}

static const struct dp_knowledge_fix *fix_of(const struct dp_knowledge_fix *fx,
                                             dp_software_t sw)
{
  for (; fx != NULL && fx->snippet != NULL; fx++)
    if (fx->software == sw)
      return fx;
  return NULL;
}

void dp_diagnose_compose_fix(struct dp_buf *b, const char *general,
                             const struct dp_knowledge_fix *fixes,
                             bool resolver, const struct dp_target_result *t,
                             dp_software_t fix_for)
{
  dp_software_t sw = fix_for != DP_SOFTWARE_UNKNOWN ? fix_for : t->software;
  dp_buf_adds(b, general);
  if (sw != DP_SOFTWARE_UNKNOWN)
  {
    /* one block, in that software's own configuration */
    const struct dp_knowledge_fix *fx = fix_of(fixes, sw);
    if (fx == NULL)
      return;
    dp_buf_addf(b, "\n%s%s%s%s:\n", dp_software_name(sw),
                fx->setting ? " (" : "", fx->setting ? fx->setting : "",
                fx->setting ? ")" : "");
    add_snippet(b, fx->snippet, t);
    return;
  }
  /* Unknown software: one line per common product, naming its setting. */
  const dp_software_t *list = resolver ? common_resolver : common_auth;
  size_t n = resolver ? sizeof(common_resolver) / sizeof(common_resolver[0])
                      : sizeof(common_auth) / sizeof(common_auth[0]);
  bool any = false;
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_knowledge_fix *fx = fix_of(fixes, list[i]);
    if (fx == NULL || fx->setting == NULL)
      continue;
    dp_buf_addf(b, "\n%s: %s", dp_software_name(list[i]), fx->setting);
    any = true;
  }
  if (any)
    dp_buf_adds(b, "\n(--fix-for SOFTWARE shows the configuration)");
}

/* The findings about recursion: their fixes are a resolver's settings. */
static bool is_resolver_finding(dp_finding_t f)
{
  static const bool resolver[DP_FINDING_COUNT] = {
      [DP_FINDING_RECURSION_OPEN] = true,
      [DP_FINDING_RECURSION_REFUSED] = true,
      [DP_FINDING_RECURSION_INCONSISTENT] = true,
      [DP_FINDING_RECURSION_FAILING] = true,
      [DP_FINDING_RECURSION_DNSSEC] = true,
      [DP_FINDING_RECURSION_UPSTREAM] = true,
  };
  return (unsigned)f < DP_FINDING_COUNT && resolver[f];
}

bool dp_diagnose_resolver_fixes(const struct dp_target_result *t,
                                dp_finding_t f)
{
  return is_resolver_finding(f) || t->role == DP_ROLE_RESOLVER;
}

/* Causes of the whole battery: a probe they claim is explained and fixed
 * by the cause, not by what its own answer would mean elsewhere (a REFUSED
 * zone from a server that refuses this client everything is no lame
 * delegation). */
static bool battery_cause(dp_cause_t c)
{
  return c == DP_CAUSE_PORT_CLOSED || c == DP_CAUSE_UNREACHABLE ||
         c == DP_CAUSE_CLIENT_DROPPED || c == DP_CAUSE_CLIENT_REFUSED;
}

/* Causes whose page explains and fixes the probes they claim: those of the
 * whole battery, and the DNSSEC check's (the probe's detail says which
 * signature). */
static bool page_cause(dp_cause_t c)
{
  return battery_cause(c) || dp_diagnose_is_dnssec_cause(c);
}

static void compose_texts(struct dp_probe_result *p,
                          const struct dp_target_result *t,
                          dp_software_t fix_for, bool *nomem)
{
  struct dp_buf sum = {0}, exp = {0}, fix = {0};

  compose_summary(&sum, p);
  p->summary = take(&sum, nomem);

  if (p->severity == DP_SEVERITY_OK || p->finding == DP_FINDING_NONE)
    return;
  const struct dp_knowledge_situation *s =
      dp_knowledge_situation_get(p->finding);
  const struct dp_knowledge_cause *kc =
      page_cause(p->cause) ? dp_knowledge_cause_get(p->cause) : NULL;
  const char *cause = dp_knowledge_cause_words(p->cause);
  if (cause != NULL && kc == NULL)
    dp_buf_addf(&exp, "Cause: %s. ", cause);
  for (size_t i = 0; i < p->nfollowups; i++)
    if (p->followups[i].shows[0])
      dp_buf_addf(&exp, "Follow-up (%s): %s. ",
                  dp_followup_id_tostr(p->followups[i].id),
                  p->followups[i].shows);
  if (p->detail[0])
    dp_buf_addf(&exp, "%s: %s. ",
                p->verdict == DP_VERDICT_ANSWERING ? "Disclosed"
                                                   : "What was wrong",
                p->detail);
  if (kc != NULL)
    dp_buf_adds(&exp, kc->what);
  else if (s)
    dp_buf_adds(&exp, s->explanation);
  if (p->has_answer)
  {
    /* NOERROR's own meaning adds nothing to "transfer allowed"; the codes
     * that refuse or fail are what a reader needs explained. */
    const struct dp_knowledge_rcode *rc =
        dp_knowledge_rcode_get(p->answer.rcode);
    if (rc && p->answer.rcode != DP_RCODE_NOERROR)
      dp_buf_addf(&exp, "%s%s: %s", exp.len ? " " : "", rc->name, rc->summary);
    for (unsigned i = 0; i < p->answer.nede; i++)
    {
      const struct dp_knowledge_ede *e =
          dp_knowledge_ede_get(p->answer.ede[i].code);
      dp_buf_addf(&exp, " The server added Extended DNS Error %u (%s)%s%s%s",
                  p->answer.ede[i].code, e ? e->name : "not in the registry",
                  p->answer.ede[i].text[0] ? ": \"" : "", p->answer.ede[i].text,
                  p->answer.ede[i].text[0] ? "\"." : ".");
    }
  }
  else
    dp_buf_addf(&exp, "%sTransport: %s.", exp.len ? " " : "",
                dp_diagnose_outcome_words(p->outcome));
  p->explanation = take(&exp, nomem);

  if (kc != NULL)
  {
    dp_diagnose_compose_fix(&fix, kc->fix, dp_knowledge_cause_fixes(kc),
                            p->cause == DP_CAUSE_CLIENT_DROPPED ||
                                t->role == DP_ROLE_RESOLVER,
                            t, fix_for);
    p->fix = take(&fix, nomem);
    return;
  }
  if (s == NULL)
    return;
  dp_diagnose_compose_fix(&fix, s->fix, s->fixes,
                          dp_diagnose_resolver_fixes(t, p->finding), t,
                          fix_for);
  p->fix = take(&fix, nomem);
}

dp_status_t dp_diagnose_target(struct dp_target_result *t,
                               const struct dp_expect *expect,
                               dp_software_t fix_for)
{
  bool nomem = false;

  if (t == NULL)
    return DP_EINVAL;
  /* Each probe on its own, in probe order. */
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    p->verdict = dp_diagnose_judge(p, t, p->detail, sizeof(p->detail));
  }
  /* What the server is: its software first, which tells the role when the
   * answers do not. */
  dp_diagnose_identify(t);
  t->role = dp_diagnose_role(t);
  dp_diagnose_compliance_summary(t, t->compliance, sizeof(t->compliance));
  /* Each probe in context, and what its second questions showed. */
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    judge_context(p, t);
    set_cause(p, t, &nomem);
  }
  /* The zone's DNSSEC as this server serves it. */
  if (dp_diagnose_dnssec(t) != DP_OK)
    nomem = true;
  /* The root causes, which may widen a probe's cause to the target. */
  dp_target_causes_clear(t);
  if (dp_diagnose_root_causes(t) != DP_OK)
    nomem = true;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    free(p->summary);
    free(p->explanation);
    free(p->fix);
    p->summary = p->explanation = p->fix = NULL;
    compose_texts(p, t, fix_for, &nomem);
  }
  /* What the user expects (--expect, --require, --allow), then the root
   * causes as the expectations leave the probes. */
  dp_status_t st = DP_OK;
  if (expect != NULL)
    st = dp_expect_apply(t, expect);
  if (dp_diagnose_root_finish(t, fix_for) != DP_OK)
    nomem = true;
  t->status = DP_HEALTH_OK;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    dp_health_t h = dp_health_from_severity(p->severity);
    if (p->outcome == DP_OUTCOME_LOCAL_ERROR)
      h = DP_HEALTH_UNKNOWN;
    if (h > t->status)
      t->status = h;
  }
  /* A DNSSEC cause's severity is its findings'; the others' are their
   * probes', already counted. */
  for (size_t i = 0; i < t->ndiagnosis; i++)
  {
    dp_health_t h = dp_health_from_severity(t->diagnosis[i].severity);
    if (h > t->status)
      t->status = h;
  }
  if (nomem)
    return DP_ENOMEM;
  return st;
}
