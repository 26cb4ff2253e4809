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

#include "dnsprobe/diagnose.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/knowledge.h"

/* A growing string; on allocation failure it stays failed and NULL. */
struct sbuf
{
  char *s;
  size_t len, cap;
  bool failed;
};

/* Room for n more bytes and the terminator. */
static bool sb_reserve(struct sbuf *b, size_t n)
{
  if (b->failed)
    return false;
  if (b->len + n + 1 <= b->cap)
    return true;
  size_t cap = (b->len + n + 1) * 2;
  if (cap < 256)
    cap = 256;
  char *s = realloc(b->s, cap);
  if (s == NULL)
  {
    b->failed = true;
    return false;
  }
  b->s = s;
  b->cap = cap;
  return true;
}

/* n bytes of s: the catalogue's explanations and snippets are long, and
 * copying them needs no format. */
static void sb_put(struct sbuf *b, const char *s, size_t n)
{
  if (!sb_reserve(b, n))
    return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
  sb_put(b, s, strlen(s));
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Formats straight into the free room; only what does not fit is formatted
 * a second time, after growing. */
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
  va_list ap;
  if (b->failed)
    return;
  size_t room = b->cap - b->len;
  va_start(ap, fmt);
  int n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n < 0)
  {
    b->failed = true;
    return;
  }
  if ((size_t)n >= room)
  {
    if (!sb_reserve(b, (size_t)n))
      return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

static char *sb_take(struct sbuf *b, bool *nomem)
{
  if (b->failed)
  {
    free(b->s);
    *nomem = true;
    return NULL;
  }
  return b->s;
}

static bool is(const struct dp_probe_result *p, const char *id)
{
  return strcmp(p->id, id) == 0;
}

static bool answered(const struct dp_probe_result *p)
{
  return p->outcome == DP_OUTCOME_ANSWER ||
         p->outcome == DP_OUTCOME_MALFORMED ||
         ((p->outcome == DP_OUTCOME_CLOSED ||
           p->outcome == DP_OUTCOME_CONN_RESET) &&
          (is(p, "axfr") || is(p, "ixfr")));
}

/* Verdicts of the transfer, update, notify, compliance and identity probes,
 * whose severity and finding need no context; the first matching row wins, and
 * a NULL probe matches any of them. */
static const struct
{
  const char *probe;
  dp_verdict_t verdict;
  dp_severity_t severity;
  const char *finding;
} fixed_rules[] = {
    {"axfr", DP_VERDICT_ALLOWED, DP_SEVERITY_WARNING, "axfr-open"},
    {"ixfr", DP_VERDICT_ALLOWED, DP_SEVERITY_WARNING, "axfr-open"},
    {"axfr", DP_VERDICT_DENIED, DP_SEVERITY_OK, "axfr-denied"},
    {"ixfr", DP_VERDICT_DENIED, DP_SEVERITY_OK, "axfr-denied"},
    {"update", DP_VERDICT_ALLOWED, DP_SEVERITY_CRITICAL, "update-accepted"},
    {"update", DP_VERDICT_DENIED, DP_SEVERITY_OK, "update-denied"},
    {"update", DP_VERDICT_NOT_IMPLEMENTED, DP_SEVERITY_OK,
     "update-not-supported"},
    {"notify", DP_VERDICT_ACCEPTED, DP_SEVERITY_INFO, "notify-accepted"},
    {"notify", DP_VERDICT_DENIED, DP_SEVERITY_OK, "notify-refused"},
    {"version", DP_VERDICT_ANSWERING, DP_SEVERITY_INFO, "version-disclosed"},
    {NULL, DP_VERDICT_ANSWERING, DP_SEVERITY_OK, NULL},
    {NULL, DP_VERDICT_NOT_OFFERED, DP_SEVERITY_OK, NULL},
    {NULL, DP_VERDICT_REFUSED, DP_SEVERITY_OK, NULL},
    {NULL, DP_VERDICT_NON_COMPLIANT, DP_SEVERITY_WARNING, "edns-noncompliant"},
    {NULL, DP_VERDICT_LEGACY, DP_SEVERITY_INFO, "edns-noncompliant"},
    {NULL, DP_VERDICT_COMPLIANT, DP_SEVERITY_OK, NULL},
    {NULL, DP_VERDICT_NO_ANSWER, DP_SEVERITY_INFO, "no-answer"},
    {NULL, DP_VERDICT_UNEXPECTED, DP_SEVERITY_INFO, "unexpected-answer"},
};

/* Severity and finding of one probe in its target's context. */
static void judge_context(struct dp_probe_result *p,
                          const struct dp_target_result *t, bool unreachable,
                          bool first_selected)
{
  dp_role_t role = t->role;
  bool auth = role == DP_ROLE_AUTHORITATIVE || role == DP_ROLE_BOTH;
  dp_severity_t sev = DP_SEVERITY_OK;
  const char *f = NULL;

  if (p->verdict == DP_VERDICT_SKIPPED)
  {
    p->severity = DP_SEVERITY_OK;
    p->finding = NULL;
    return;
  }
  if (unreachable)
  {
    /* One critical finding says it; the other probes point to it. */
    p->severity = first_selected ? DP_SEVERITY_CRITICAL : DP_SEVERITY_INFO;
    p->finding = "unreachable";
    return;
  }
  if (p->outcome == DP_OUTCOME_MALFORMED)
  {
    p->severity = DP_SEVERITY_WARNING;
    p->finding = "malformed-answer";
    return;
  }

  /* A server that refuses this client everything (Unbound's access-control
   * answers REFUSED before looking at the query) says nothing about opcodes
   * or EDNS through that answer. */
  const struct dp_probe_result *u = dp_target_probe(t, "udp");
  bool refused_client = p->has_answer && p->answer.rcode == DP_RCODE_REFUSED &&
                        u && u->verdict == DP_VERDICT_REFUSED;

  if (is(p, "udp") || is(p, "tcp"))
  {
    switch (p->verdict)
    {
    case DP_VERDICT_AUTHORITATIVE:
      break;
    case DP_VERDICT_ANSWERING:
      sev = DP_SEVERITY_INFO;
      f = t->zone_given ? "zone-not-authoritative" : "zone-root-default";
      if (t->zone_given && role != DP_ROLE_RESOLVER)
        sev = DP_SEVERITY_WARNING;
      break;
    case DP_VERDICT_REFUSED:
      if (!t->zone_given)
        sev = DP_SEVERITY_INFO, f = "zone-root-default";
      else if (role == DP_ROLE_RESOLVER)
        sev = DP_SEVERITY_INFO, f = "zone-not-authoritative";
      else
        sev = DP_SEVERITY_CRITICAL, f = "zone-lame";
      break;
    case DP_VERDICT_FAILING:
      if (t->zone_given)
        sev = DP_SEVERITY_CRITICAL, f = "zone-servfail";
      else
        sev = DP_SEVERITY_INFO, f = "zone-root-default";
      break;
    case DP_VERDICT_NO_ANSWER:
      sev = DP_SEVERITY_WARNING;
      f = is(p, "tcp") ? "tcp-unavailable" : "no-answer";
      break;
    default:
      sev = DP_SEVERITY_WARNING, f = "zone-unexpected";
      break;
    }
  }
  else if (is(p, "recursion"))
  {
    bool ra = p->has_answer && (p->answer.flags & DP_FLAG_RA);
    switch (p->verdict)
    {
    case DP_VERDICT_AVAILABLE:
      if (auth)
        sev = DP_SEVERITY_WARNING, f = "recursion-open";
      break;
    case DP_VERDICT_REFUSED:
      if (ra)
        sev = DP_SEVERITY_INFO, f = "recursion-inconsistent";
      else if (!auth)
        sev = DP_SEVERITY_WARNING, f = "recursion-refused";
      break;
    case DP_VERDICT_FAILING:
      sev = DP_SEVERITY_WARNING, f = "recursion-failing";
      break;
    case DP_VERDICT_NO_ANSWER:
      sev = auth ? DP_SEVERITY_INFO : DP_SEVERITY_WARNING;
      f = "no-answer";
      break;
    case DP_VERDICT_UNEXPECTED:
      sev = DP_SEVERITY_INFO, f = "unexpected-answer";
      break;
    default:
      break;
    }
  }
  else if (is(p, "opcode"))
  {
    if (p->verdict == DP_VERDICT_NON_COMPLIANT)
      sev = refused_client ? DP_SEVERITY_INFO : DP_SEVERITY_WARNING,
      f = "opcode-noncompliant";
    else if (p->verdict == DP_VERDICT_NO_ANSWER)
      sev = DP_SEVERITY_INFO, f = "opcode-noncompliant";
  }
  else
  {
    /* Non-compliance shown only by a REFUSED from a server that refuses this
     * client everything is the access list speaking (Unbound's ACL answers
     * a bare header before it looks at the query): info. */
    if (refused_client && p->verdict == DP_VERDICT_NON_COMPLIANT)
    {
      p->severity = DP_SEVERITY_INFO;
      p->finding = "edns-noncompliant";
      return;
    }
    for (size_t i = 0; i < sizeof(fixed_rules) / sizeof(fixed_rules[0]); i++)
      if ((fixed_rules[i].probe == NULL || is(p, fixed_rules[i].probe)) &&
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

/* ---- causes (issue 4 "Follow-ups") -------------------------------------- */

static bool got_reply(const struct dp_probe_result *p)
{
  return p && p->outcome == DP_OUTCOME_ANSWER && p->has_answer;
}

static bool is_edns_probe(const struct dp_probe_result *p)
{
  return p->query.edns && !is(p, "udp") && !is(p, "tcp") &&
         !is(p, "recursion") && !is(p, "axfr") && !is(p, "ixfr") &&
         !is(p, "update") && !is(p, "notify");
}

/* Record another probe's result as a follow-up of p: the question it asked
 * is the one a careful operator would ask next. */
static void copy_followup(struct dp_probe_result *p, const char *id,
                          const struct dp_probe_result *from, const char *shows,
                          bool *nomem)
{
  struct dp_followup *f;
  for (size_t i = 0; i < p->nfollowups; i++)
    if (strcmp(p->followups[i].id, id) == 0)
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
                                         const char *id)
{
  for (size_t i = 0; i < p->nfollowups; i++)
    if (strcmp(p->followups[i].id, id) == 0)
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
    opcode_refused |= is(q, "opcode");
  }
  return replies > 1 && opcode_refused;
}

/* The cause of a failure every probe shares: what the transport said. */
static const char *unreachable_cause(const struct dp_target_result *t)
{
  bool closed = false, reset = false;
  for (size_t i = 0; i < t->nprobes; i++)
  {
    dp_outcome_t o = t->probes[i].outcome;
    closed |= o == DP_OUTCOME_PORT_UNREACHABLE || o == DP_OUTCOME_CONN_REFUSED;
    reset |= o == DP_OUTCOME_CONN_RESET;
  }
  return closed ? "port-closed" : reset ? "tcp-reset" : "filtered";
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
  const struct dp_probe_result *tcp = dp_target_probe(t, "tcp");
  const struct dp_probe_result *plain = dp_target_probe(t, "plain");
  struct dp_followup *f;

  p->cause = NULL;
  if (unreachable)
  {
    if (first)
      p->cause = unreachable_cause(t);
    return;
  }
  if (is(p, "recursion") && p->verdict == DP_VERDICT_FAILING &&
      (f = find_followup(p, "cd")) != NULL)
  {
    bool cd_ok = f->has_answer && (f->answer.rcode == DP_RCODE_NOERROR ||
                                   f->answer.rcode == DP_RCODE_NXDOMAIN);
    p->cause = cd_ok ? "dnssec" : "upstream";
    p->finding = cd_ok ? "recursion-dnssec" : "recursion-upstream";
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
  if (is(p, "udp") && p->verdict == DP_VERDICT_NO_ANSWER && got_reply(tcp))
  {
    p->cause = "udp-blocked";
    copy_followup(p, "tcp", tcp,
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
    p->cause = "rate-limited";
    p->severity = DP_SEVERITY_INFO;
    p->finding = "rate-limited";
    copy_followup(p, "same-question", same,
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
    p->cause = "edns-dropped";
    p->severity = DP_SEVERITY_WARNING;
    p->finding = "edns-noncompliant";
    copy_followup(p, "noedns", plain,
                  "the query without EDNS was answered: something on the "
                  "path drops EDNS queries",
                  nomem);
    return;
  }
  if (is(p, "edns") && got_reply(p) && !p->answer.edns &&
      p->answer.rcode == DP_RCODE_FORMERR && plain)
  {
    bool legacy = got_reply(plain) && plain->answer.rcode != DP_RCODE_FORMERR;
    p->cause = legacy ? "legacy" : "broken";
    copy_followup(p, "noedns", plain,
                  legacy ? "without EDNS the query was answered: an old "
                           "server without EDNS"
                         : "without EDNS the query failed too: the server is "
                           "broken, not only old",
                  nomem);
    return;
  }
  if (is(p, "bufsize512") && (f = find_followup(p, "bufsize4096")) != NULL)
  {
    if (!f->has_answer)
    {
      p->cause = "fragmentation";
      p->severity = DP_SEVERITY_WARNING;
      p->finding = "edns-noncompliant";
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
  if ((is(p, "udp") || is(p, "tcp")) && p->finding &&
      strcmp(p->finding, "zone-lame") == 0)
    p->cause = refuses_everything(t) ? "client-refused" : "lame";
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
static void describe_answer(struct sbuf *b, const struct dp_probe_result *p)
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
  sb_puts(b, dp_knowledge_rcode_name(a->rcode));
  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
    if (a->flags & flags[i].bit)
      sb_printf(b, " %s", flags[i].name);
  for (unsigned i = 0; i < a->nede; i++)
  {
    const struct dp_knowledge_ede *e = dp_knowledge_ede_get(a->ede[i].code);
    sb_printf(b, ", EDE %u (%s)", a->ede[i].code, e ? e->name : "unknown");
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
    return is(p, "udp") || is(p, "tcp") ? "answers, but not authoritatively"
                                        : "disclosed";
  case DP_VERDICT_REFUSED:
    return is(p, "recursion") ? "recursion refused to this client"
                              : "refuses queries for the zone";
  case DP_VERDICT_FAILING:
    return is(p, "recursion") ? "recursion offered but failing"
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
    return is(p, "update") ? "dynamic update ACCEPTED from this client"
                           : "zone transfer allowed to this client";
  case DP_VERDICT_DENIED:
    return is(p, "update")   ? "dynamic update denied"
           : is(p, "notify") ? "NOTIFY not accepted from this client"
                             : "zone transfer denied";
  case DP_VERDICT_NOT_AUTHORITATIVE:
    return "not authoritative for the zone";
  case DP_VERDICT_NOT_IMPLEMENTED:
    return is(p, "update")   ? "dynamic update not supported"
           : is(p, "notify") ? "NOTIFY not supported"
                             : "zone transfers not supported";
  case DP_VERDICT_ACCEPTED:
    return "NOTIFY accepted from this client";
  case DP_VERDICT_COMPLIANT:
    return is(p, "opcode") ? "unknown opcode answered with NOTIMP (RFC 8906)"
                           : "compliant";
  case DP_VERDICT_NON_COMPLIANT:
    return is(p, "opcode")
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

static void compose_summary(struct sbuf *b, const struct dp_probe_result *p,
                            const struct dp_target_result *t)
{
  if (p->has_answer)
  {
    describe_answer(b, p);
    sb_printf(b, ": %s", verdict_words(p, t));
    if ((is(p, "axfr") || is(p, "ixfr")) && p->verdict == DP_VERDICT_ALLOWED)
      sb_printf(b, " (%zu record%s in %zu message%s%s)", p->answer.records,
                p->answer.records == 1 ? "" : "s", p->answer.messages,
                p->answer.messages == 1 ? "" : "s",
                p->answer.stream_complete ? "" : ", stream not finished");
  }
  else
    sb_printf(b, "%s: %s", outcome_words(p->outcome), verdict_words(p, t));
  if (p->detail[0])
    sb_printf(b, ": %s", p->detail);
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

static void add_snippet(struct sbuf *b, const char *snippet,
                        const struct dp_target_result *t)
{
  char zone[DP_WIRE_NAME_STRLEN];
  size_t zl = strlen(t->zone);
  if (!t->zone_given || zl < 2)
  {
    sb_puts(b, snippet);
    return;
  }
  snprintf(zone, sizeof(zone), "%.*s", (int)(zl - 1), t->zone);
  for (const char *p = snippet; *p;)
  {
    const char *hit = strstr(p, SNIPPET_ZONE);
    if (hit == NULL)
    {
      sb_puts(b, p);
      break;
    }
    sb_put(b, p, (size_t)(hit - p));
    sb_puts(b, zone);
    p = hit + strlen(SNIPPET_ZONE);
  }
}

static void add_fix(struct sbuf *b, const struct dp_knowledge_situation *s,
                    dp_software_t sw, const struct dp_target_result *t)
{
  const struct dp_knowledge_fix *fx = dp_knowledge_situation_fix(s, sw);
  if (fx == NULL || fx->snippet == NULL)
    return;
  sb_printf(b, "\n%s%s%s%s:\n", dp_software_name(sw), fx->setting ? " (" : "",
            fx->setting ? fx->setting : "", fx->setting ? ")" : "");
  add_snippet(b, fx->snippet, t);
}

static bool is_resolver_situation(const char *key)
{
  return strncmp(key, "recursion-", 10) == 0;
}

/* What each cause means, for the explanation. */
static const struct
{
  const char *cause;
  const char *words;
} cause_words[] = {
    {"dnssec", "the resolver's DNSSEC validation fails for this name"},
    {"upstream", "the resolver cannot get an answer from its upstreams"},
    {"udp-blocked", "DNS over UDP is blocked on the way"},
    {"edns-dropped", "queries with EDNS are dropped on the way"},
    {"rate-limited", "the server limits how many identical answers this "
                     "client gets per second (response rate limiting, RRL); "
                     "a battery asks for the zone's SOA about ten times in a "
                     "few milliseconds"},
    {"fragmentation", "large UDP answers are lost on the way"},
    {"legacy", "an old server without EDNS"},
    {"broken", "the server fails with and without EDNS"},
    {"lame", "the zone is not served here (lame) or allow-query shuts "
             "this client out"},
    {"client-refused", "the server refuses this client everything, even an "
                       "unknown opcode: an access list shuts this client out "
                       "(allow-query, access-control), whether or not the "
                       "zone is configured"},
    {"port-closed", "nothing listens on this port (ICMP port unreachable, "
                    "TCP refused)"},
    {"filtered", "nothing at all came back: a firewall drops the packets, or "
                 "the host is down"},
    {"tcp-reset", "connections are reset"},
};

static void compose_texts(struct dp_probe_result *p,
                          const struct dp_target_result *t, bool *nomem)
{
  struct sbuf sum = {0}, exp = {0}, fix = {0};

  compose_summary(&sum, p, t);
  p->summary = sb_take(&sum, nomem);

  if (p->severity == DP_SEVERITY_OK || p->finding == NULL)
    return;
  const struct dp_knowledge_situation *s =
      dp_knowledge_situation_get(p->finding);
  for (size_t i = 0;
       p->cause && i < sizeof(cause_words) / sizeof(cause_words[0]); i++)
    if (strcmp(cause_words[i].cause, p->cause) == 0)
      sb_printf(&exp, "Cause: %s. ", cause_words[i].words);
  for (size_t i = 0; i < p->nfollowups; i++)
    if (p->followups[i].shows[0])
      sb_printf(&exp, "Follow-up (%s): %s. ", p->followups[i].id,
                p->followups[i].shows);
  if (p->detail[0])
    sb_printf(&exp, "%s: %s. ",
              p->verdict == DP_VERDICT_ANSWERING ? "Disclosed"
                                                 : "What was wrong",
              p->detail);
  if (s)
    sb_puts(&exp, s->explanation);
  if (p->has_answer)
  {
    /* NOERROR's own meaning adds nothing to "transfer allowed"; the codes
     * that refuse or fail are what a reader needs explained. */
    const struct dp_knowledge_rcode *rc =
        dp_knowledge_rcode_get(p->answer.rcode);
    if (rc && p->answer.rcode != DP_RCODE_NOERROR)
      sb_printf(&exp, "%s%s: %s", exp.len ? " " : "", rc->name, rc->summary);
    for (unsigned i = 0; i < p->answer.nede; i++)
    {
      const struct dp_knowledge_ede *e =
          dp_knowledge_ede_get(p->answer.ede[i].code);
      sb_printf(&exp, " The server added Extended DNS Error %u (%s)%s%s%s",
                p->answer.ede[i].code, e ? e->name : "not in the registry",
                p->answer.ede[i].text[0] ? ": \"" : "", p->answer.ede[i].text,
                p->answer.ede[i].text[0] ? "\"." : ".");
    }
  }
  else
    sb_printf(&exp, "%sTransport: %s.", exp.len ? " " : "",
              outcome_words(p->outcome));
  p->explanation = sb_take(&exp, nomem);

  if (s == NULL)
    return;
  sb_puts(&fix, s->fix);
  if (t->software != DP_SOFTWARE_UNKNOWN)
    add_fix(&fix, s, t->software, t);
  else
  {
    bool res = is_resolver_situation(s->key) || t->role == DP_ROLE_RESOLVER;
    const dp_software_t *list = res ? common_resolver : common_auth;
    size_t n = res ? sizeof(common_resolver) / sizeof(common_resolver[0])
                   : sizeof(common_auth) / sizeof(common_auth[0]);
    for (size_t i = 0; i < n; i++)
      add_fix(&fix, s, list[i], t);
  }
  p->fix = sb_take(&fix, nomem);
}

dp_status_t dp_diagnose_target(struct dp_target_result *t)
{
  bool nomem = false;
  bool any_selected = false, any_answer = false;

  if (t == NULL)
    return DP_EINVAL;
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
  return nomem ? DP_ENOMEM : DP_OK;
}
