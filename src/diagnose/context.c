/*
 * context.c: phases 2 and 3 of diagnosis. From all verdicts of a target it
 * infers the role, then gives each probe a severity and a finding (a stable
 * key of the knowledge catalogue) in context: REFUSED is right for AXFR,
 * UPDATE or recursion on an authoritative server and a problem for the
 * zone's own SOA. Explanations and fixes are composed from the knowledge
 * tables, never written here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static bool answered(const struct dp_probe_result *p)
{
  return p->outcome == DP_OUTCOME_ANSWER ||
         p->outcome == DP_OUTCOME_MALFORMED ||
         ((p->outcome == DP_OUTCOME_CLOSED ||
           p->outcome == DP_OUTCOME_CONN_RESET) &&
          (is(p, DP_PROBE_AXFR) || is(p, DP_PROBE_IXFR)));
}

/* Verdicts of the transfer, update, notify, compliance and identity probes,
 * whose severity and finding need no context; the first matching row wins, and
 * a NULL probe matches any of them. */
static const struct
{
  dp_probe_id_t probe; /* DP_PROBE_COUNT: any probe */
  dp_verdict_t verdict;
  dp_severity_t severity;
  dp_finding_t finding;
} fixed_rules[] = {
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
                          const struct dp_target_result *t, bool unreachable,
                          bool first_selected)
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
  if (unreachable)
  {
    /* One critical finding says it; the other probes point to it. */
    p->severity = first_selected ? DP_SEVERITY_CRITICAL : DP_SEVERITY_INFO;
    p->finding = DP_FINDING_UNREACHABLE;
    return;
  }
  if (p->outcome == DP_OUTCOME_MALFORMED)
  {
    p->severity = DP_SEVERITY_WARNING;
    p->finding = DP_FINDING_MALFORMED_ANSWER;
    return;
  }

  /* A server that refuses this client everything (Unbound's access-control
   * answers REFUSED before looking at the query) says nothing about opcodes
   * or EDNS through that answer. */
  const struct dp_probe_result *u = dp_target_probe(t, DP_PROBE_UDP);
  bool refused_client = p->has_answer && p->answer.rcode == DP_RCODE_REFUSED &&
                        u && u->verdict == DP_VERDICT_REFUSED;

  if (is(p, DP_PROBE_UDP) || is(p, DP_PROBE_TCP))
  {
    switch (p->verdict)
    {
    case DP_VERDICT_AUTHORITATIVE:
      break;
    case DP_VERDICT_ANSWERING:
      sev = DP_SEVERITY_INFO;
      f = t->zone_given ? DP_FINDING_ZONE_NOT_AUTHORITATIVE
                        : DP_FINDING_ZONE_ROOT_DEFAULT;
      if (t->zone_given && role != DP_ROLE_RESOLVER)
        sev = DP_SEVERITY_WARNING;
      break;
    case DP_VERDICT_REFUSED:
      if (!t->zone_given)
        sev = DP_SEVERITY_INFO, f = DP_FINDING_ZONE_ROOT_DEFAULT;
      else if (role == DP_ROLE_RESOLVER)
        sev = DP_SEVERITY_INFO, f = DP_FINDING_ZONE_NOT_AUTHORITATIVE;
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
    switch (p->verdict)
    {
    case DP_VERDICT_AVAILABLE:
      if (auth)
        sev = DP_SEVERITY_WARNING, f = DP_FINDING_RECURSION_OPEN;
      break;
    case DP_VERDICT_REFUSED:
      if (ra)
        sev = DP_SEVERITY_INFO, f = DP_FINDING_RECURSION_INCONSISTENT;
      else if (!auth)
        sev = DP_SEVERITY_WARNING, f = DP_FINDING_RECURSION_REFUSED;
      break;
    case DP_VERDICT_FAILING:
      sev = DP_SEVERITY_WARNING, f = DP_FINDING_RECURSION_FAILING;
      break;
    case DP_VERDICT_NO_ANSWER:
      sev = auth ? DP_SEVERITY_INFO : DP_SEVERITY_WARNING;
      f = DP_FINDING_NO_ANSWER;
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
    if (p->verdict == DP_VERDICT_NON_COMPLIANT)
      sev = refused_client ? DP_SEVERITY_INFO : DP_SEVERITY_WARNING,
      f = DP_FINDING_OPCODE_NONCOMPLIANT;
    else if (p->verdict == DP_VERDICT_NO_ANSWER)
      sev = DP_SEVERITY_INFO, f = DP_FINDING_OPCODE_NONCOMPLIANT;
  }
  else
  {
    /* Non-compliance shown only by a REFUSED from a server that refuses this
     * client everything is the access list speaking (Unbound's ACL answers
     * a bare header before it looks at the query): info. */
    if (refused_client && p->verdict == DP_VERDICT_NON_COMPLIANT)
    {
      p->severity = DP_SEVERITY_INFO;
      p->finding = DP_FINDING_EDNS_NONCOMPLIANT;
      return;
    }
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

/* ---- causes: what a second question or another probe showed ------------- */

static bool got_reply(const struct dp_probe_result *p)
{
  return p && p->outcome == DP_OUTCOME_ANSWER && p->has_answer;
}

static bool is_edns_probe(const struct dp_probe_result *p)
{
  return p->query.edns && !is(p, DP_PROBE_UDP) && !is(p, DP_PROBE_TCP) &&
         !is(p, DP_PROBE_RECURSION) && !is(p, DP_PROBE_AXFR) &&
         !is(p, DP_PROBE_IXFR) && !is(p, DP_PROBE_UPDATE) &&
         !is(p, DP_PROBE_NOTIFY);
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

static struct dp_followup *find_followup(struct dp_probe_result *p,
                                         dp_followup_id_t id)
{
  for (size_t i = 0; i < p->nfollowups; i++)
    if (p->followups[i].id == id)
      return &p->followups[i];
  return NULL;
}

static bool has_ede_code(const struct dp_answer_info *a, uint16_t lo,
                         uint16_t hi)
{
  for (unsigned i = 0; i < a->nede; i++)
    if (a->ede[i].code >= lo && a->ede[i].code <= hi)
      return true;
  return false;
}

/* Whether every reply was REFUSED, the unknown opcode's included: a lame
 * server answers opcode 15 with NOTIMP, an access list that shuts this
 * client out (Unbound's access-control refuse, allow-query) refuses before
 * it looks at the query. */
static bool refuses_everything(const struct dp_target_result *t)
{
  size_t replies = 0;
  bool opcode_refused = false;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *q = &t->probes[i];
    if (!got_reply(q))
      continue;
    if (q->answer.rcode != DP_RCODE_REFUSED)
      return false;
    replies++;
    opcode_refused |= is(q, DP_PROBE_OPCODE);
  }
  return replies > 1 && opcode_refused;
}

/* The cause of a failure every probe shares: what the transport said. */
static dp_cause_t unreachable_cause(const struct dp_target_result *t)
{
  bool closed = false, reset = false;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    dp_outcome_t o = t->probes[i].outcome;
    closed |= o == DP_OUTCOME_PORT_UNREACHABLE || o == DP_OUTCOME_CONN_REFUSED;
    reset |= o == DP_OUTCOME_CONN_RESET;
  }
  return closed  ? DP_CAUSE_PORT_CLOSED
         : reset ? DP_CAUSE_TCP_RESET
                 : DP_CAUSE_FILTERED;
}

/* A UDP probe answered with TC=1 and no answer for a question whose answer
 * is small (the zone's SOA fits any buffer): what response rate limiting
 * sends instead of an answer it drops ("slip"). */
static bool slipped(const struct dp_probe_result *p)
{
  return p->transport == DP_TRANSPORT_UDP && got_reply(p) &&
         (p->answer.flags & DP_FLAG_TC) && p->answer.ancount == 0 &&
         p->query.qtype == DP_TYPE_SOA && p->answer.rcode == DP_RCODE_NOERROR;
}

/* Whether p's question (name and type) was answered over UDP by another
 * probe of the battery: then p's silence, or its truncated empty answer,
 * is not about the question or its EDNS, but about how many identical
 * answers this client got (response rate limiting). */
static const struct dp_probe_result *
same_question_answered(const struct dp_probe_result *p,
                       const struct dp_target_result *t)
{
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *q = &t->probes[i];
    if (q != p && q->transport == DP_TRANSPORT_UDP && got_reply(q) &&
        !slipped(q) && q->query.qtype == p->query.qtype && q->query.edns &&
        strcmp(q->query.qname, p->query.qname) == 0 &&
        q->answer.rcode == DP_RCODE_NOERROR)
      return q;
  }
  return NULL;
}

static void set_cause(struct dp_probe_result *p, struct dp_target_result *t,
                      bool unreachable, bool first, bool *nomem)
{
  const struct dp_probe_result *tcp = dp_target_probe(t, DP_PROBE_TCP);
  const struct dp_probe_result *plain = dp_target_probe(t, DP_PROBE_PLAIN);
  struct dp_followup *f;

  p->cause = DP_CAUSE_NONE;
  if (unreachable)
  {
    if (first)
      p->cause = unreachable_cause(t);
    return;
  }
  if (is(p, DP_PROBE_RECURSION) && p->verdict == DP_VERDICT_FAILING &&
      (f = find_followup(p, DP_FOLLOWUP_CD)) != NULL)
  {
    bool cd_ok = f->has_answer && (f->answer.rcode == DP_RCODE_NOERROR ||
                                   f->answer.rcode == DP_RCODE_NXDOMAIN);
    p->cause = cd_ok ? DP_CAUSE_DNSSEC : DP_CAUSE_UPSTREAM;
    p->finding =
        cd_ok ? DP_FINDING_RECURSION_DNSSEC : DP_FINDING_RECURSION_UPSTREAM;
    snprintf(f->shows, sizeof(f->shows), "%s",
             cd_ok ? "with checking disabled (CD=1) the name resolves: "
                     "DNSSEC validation fails"
                   : "still no answer with checking disabled (CD=1): the "
                     "resolver cannot reach a working upstream");
    if (!cd_ok && has_ede_code(&p->answer, 22, 23))
      snprintf(f->shows, sizeof(f->shows),
               "still SERVFAIL with CD=1, and EDE 22/23 say no upstream "
               "could be reached");
    return;
  }
  if (is(p, DP_PROBE_UDP) && p->verdict == DP_VERDICT_NO_ANSWER &&
      got_reply(tcp))
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
  if (is_edns_probe(p) && p->verdict == DP_VERDICT_NO_ANSWER &&
      got_reply(plain))
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
  if (is(p, DP_PROBE_EDNS) && got_reply(p) && !p->answer.edns &&
      p->answer.rcode == DP_RCODE_FORMERR && plain)
  {
    bool legacy = got_reply(plain) && plain->answer.rcode != DP_RCODE_FORMERR;
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
      (f = find_followup(p, DP_FOLLOWUP_BUFSIZE4096)) != NULL)
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
    return;
  }
  if ((is(p, DP_PROBE_UDP) || is(p, DP_PROBE_TCP)) &&
      p->finding == DP_FINDING_ZONE_LAME)
    p->cause = refuses_everything(t) ? DP_CAUSE_CLIENT_REFUSED : DP_CAUSE_LAME;
}

/* ---- words -------------------------------------------------------------- */

static const char *outcome_words(dp_outcome_t o)
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
  default:
    return "a reply";
  }
}

/* "REFUSED aa ra, EDE 18 (Prohibited)" */
static void describe_answer(struct dp_buf *b, const struct dp_probe_result *p)
{
  static const struct
  {
    uint16_t bit;
    const char *name;
  } flags[] = {{DP_FLAG_AA, "aa"},
               {DP_FLAG_TC, "tc"},
               {DP_FLAG_RA, "ra"},
               {DP_FLAG_AD, "ad"}};
  const struct dp_answer_info *a = &p->answer;
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

static const char *verdict_words(const struct dp_probe_result *p,
                                 const struct dp_target_result *t)
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
                                     : "refuses queries for the zone";
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
    return "recursion not offered (authoritative only)";
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
  case DP_VERDICT_NONE:
  case DP_VERDICT_COUNT:
  default:
    (void)t;
    return "not judged";
  }
}

static void compose_summary(struct dp_buf *b, const struct dp_probe_result *p,
                            const struct dp_target_result *t)
{
  if (p->has_answer)
  {
    describe_answer(b, p);
    dp_buf_addf(b, ": %s", verdict_words(p, t));
    if ((is(p, DP_PROBE_AXFR) || is(p, DP_PROBE_IXFR)) &&
        p->verdict == DP_VERDICT_ALLOWED)
      dp_buf_addf(b, " (%zu record%s in %zu message%s%s)", p->answer.records,
                  p->answer.records == 1 ? "" : "s", p->answer.messages,
                  p->answer.messages == 1 ? "" : "s",
                  p->answer.stream_complete ? "" : ", stream not finished");
  }
  else
    dp_buf_addf(b, "%s: %s", outcome_words(p->outcome), verdict_words(p, t));
  if (p->detail[0])
    dp_buf_addf(b, ": %s", p->detail);
}

/* The fixes shown when the software is not known: the common ones for the
 * role. */
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

static void add_fix(struct dp_buf *b, const struct dp_knowledge_situation *s,
                    dp_software_t sw, const struct dp_target_result *t)
{
  const struct dp_knowledge_fix *fx = dp_knowledge_situation_fix(s, sw);
  if (fx == NULL || fx->snippet == NULL)
    return;
  dp_buf_addf(b, "\n%s%s%s%s:\n", dp_software_name(sw), fx->setting ? " (" : "",
              fx->setting ? fx->setting : "", fx->setting ? ")" : "");
  add_snippet(b, fx->snippet, t);
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

static void compose_texts(struct dp_probe_result *p,
                          const struct dp_target_result *t, bool *nomem)
{
  struct dp_buf sum = {0}, exp = {0}, fix = {0};

  compose_summary(&sum, p, t);
  p->summary = take(&sum, nomem);

  if (p->severity == DP_SEVERITY_OK || p->finding == DP_FINDING_NONE)
    return;
  const struct dp_knowledge_situation *s =
      dp_knowledge_situation_get(p->finding);
  const char *cause = dp_knowledge_cause_words(p->cause);
  if (cause != NULL)
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
  if (s)
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
                outcome_words(p->outcome));
  p->explanation = take(&exp, nomem);

  if (s == NULL)
    return;
  dp_buf_adds(&fix, s->fix);
  if (t->software != DP_SOFTWARE_UNKNOWN)
    add_fix(&fix, s, t->software, t);
  else
  {
    bool res = is_resolver_finding(p->finding) || t->role == DP_ROLE_RESOLVER;
    const dp_software_t *list = res ? common_resolver : common_auth;
    size_t n = res ? sizeof(common_resolver) / sizeof(common_resolver[0])
                   : sizeof(common_auth) / sizeof(common_auth[0]);
    for (size_t i = 0; i < n; i++)
      add_fix(&fix, s, list[i], t);
  }
  p->fix = take(&fix, nomem);
}

dp_status_t dp_diagnose_target(struct dp_target_result *t,
                               const struct dp_expect *expect)
{
  bool nomem = false;
  bool any_selected = false, any_answer = false;

  if (t == NULL)
    return DP_EINVAL;
  /* Phase 1: each probe on its own, in probe order. */
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    p->verdict = dp_diagnose_judge(p, t, p->detail, sizeof(p->detail));
  }
  size_t first = t->nprobes;
  t->role = dp_diagnose_role(t);
  dp_diagnose_identify(t);
  dp_diagnose_compliance_summary(t, t->compliance, sizeof(t->compliance));
  for (size_t i = 0; i < t->nprobes; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (p->outcome == DP_OUTCOME_SKIPPED)
      continue;
    if (!any_selected)
      first = i;
    any_selected = true;
    if (answered(p))
      any_answer = true;
  }
  bool unreachable = any_selected && !any_answer;

  t->status = DP_HEALTH_OK;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    free(p->summary);
    free(p->explanation);
    free(p->fix);
    p->summary = p->explanation = p->fix = NULL;
    judge_context(p, t, unreachable, i == first);
    set_cause(p, t, unreachable, i == first, &nomem);
    compose_texts(p, t, &nomem);
    dp_health_t h = dp_health_from_severity(p->severity);
    if (p->outcome == DP_OUTCOME_LOCAL_ERROR)
      h = DP_HEALTH_UNKNOWN;
    if (h > t->status)
      t->status = h;
  }
  /* Last, what the user expects (--expect, --require, --allow). */
  if (expect != NULL && dp_expect_apply(t, expect) != DP_OK)
    nomem = true;
  return nomem ? DP_ENOMEM : DP_OK;
}
