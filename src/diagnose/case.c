/*
 * case.c: the judge of the case probe (case preservation).
 *
 * RFC 1035 4.1.2: a response carries the question of its query. Resolvers
 * that randomise the case of the names they ask (DNS 0x20) compare it byte
 * for byte, letters included, and drop an answer whose question is spelt
 * otherwise. The probe asks the zone's SOA with its name in a random mix of
 * cases and, at the same moment, in the opposite case (its twin, recorded
 * as the other-case follow-up); each reply must carry its own question.
 *
 * Verdicts: compliant when every reply that came back carries its own
 * question byte for byte; non-compliant when one carries it in another
 * case (the detail says how: lowercased, the other query's question, the
 * question of another probe still in flight when the pair went early, or
 * rewritten); refused (REFUSED without a question: nothing to compare);
 * no-answer and unexpected as for the other probes. Invariant: only the
 * run model is read (dp_answer_info.question_exact was computed on the
 * wire bytes by absorb.c).
 */
#include <stdio.h>
#include <string.h>

#include "diagnose_priv.h"
#include "dnsprobe/dns.h"

/* How a reply's question relates to the one asked. */
typedef enum
{
  ECHO_EXACT = 0,
  ECHO_NONE,       /* QDCOUNT 0: nothing to compare */
  ECHO_LOWERCASED, /* the name in lower case */
  ECHO_OTHER,      /* the other query's question */
  ECHO_FOLDED,     /* another probe's question: folded or lowercased */
  ECHO_REWRITTEN,  /* another mix of cases */
} echo_t;

static bool all_lower(const char *s)
{
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z')
      return false;
  return true;
}

/* Whether another probe of t asked a question spelt exactly name. */
static bool asked_elsewhere(const struct dp_target_result *t,
                            const struct dp_probe_result *p, const char *name)
{
  for (size_t i = 0; i < t->nprobes; i++)
    if (&t->probes[i] != p && t->probes[i].outcome != DP_OUTCOME_SKIPPED &&
        strcmp(t->probes[i].query.qname, name) == 0)
      return true;
  return false;
}

/* What the reply a says of the question asked as sent; other is the twin's
 * name ("" when there is none). The reply already matched case-blind. When
 * the pair went early (its grace period ran out before the server had
 * answered the other queries with this question), a reply spelt as another
 * probe asked may be that query's, folded in flight, as much as a
 * lowercased one. */
static echo_t echo_of(const struct dp_probe_result *p,
                      const struct dp_target_result *t,
                      const struct dp_answer_info *a, const char *sent,
                      const char *other)
{
  if (a->qdcount == 0)
    return ECHO_NONE;
  if (a->question_exact)
    return ECHO_EXACT;
  if (other[0] != '\0' && strcmp(a->qname, other) == 0)
    return ECHO_OTHER;
  if (p->early && a->qname[0] != '\0' && asked_elsewhere(t, p, a->qname))
    return ECHO_FOLDED;
  if (a->qname[0] != '\0' && all_lower(a->qname) && !all_lower(sent))
    return ECHO_LOWERCASED;
  return ECHO_REWRITTEN;
}

static const struct dp_followup *twin_of(const struct dp_probe_result *p)
{
  for (size_t i = 0; i < p->nfollowups; i++)
    if (p->followups[i].id == DP_FOLLOWUP_OTHER_CASE)
      return &p->followups[i];
  return NULL;
}

/* A reply fit to be compared: QR, parsed to its end, the question asked
 * (letters aside) or none. */
static bool readable(const struct dp_answer_info *a)
{
  return (a->flags & DP_FLAG_QR) && a->parse_complete &&
         (a->qdcount == 0 || a->question_matches);
}

/* The detail sentence for a reply that did not keep its case. */
static void say(char *detail, size_t cap, echo_t e, const char *sent,
                const struct dp_answer_info *a)
{
  const char *how =
      e == ECHO_LOWERCASED ? "lowercased"
      : e == ECHO_OTHER    ? "the other query's question: merged in flight"
      : e == ECHO_FOLDED   ? "another query's, in flight: folded, or lowercased"
                           : "rewritten";
  snprintf(detail, cap, "asked %.40s, answered as %.40s (%s)", sent,
           a->qname[0] ? a->qname : "another spelling", how);
}

dp_verdict_t dp_diagnose_judge_case(const struct dp_probe_result *p,
                                    const struct dp_target_result *t,
                                    char *detail, size_t cap)
{
  if (p->outcome == DP_OUTCOME_MALFORMED)
    return DP_VERDICT_UNEXPECTED;
  if (p->outcome != DP_OUTCOME_ANSWER || !p->has_answer)
    return DP_VERDICT_NO_ANSWER;
  if (!readable(&p->answer))
    return DP_VERDICT_UNEXPECTED;

  const struct dp_followup *tw = twin_of(p);
  bool twin_replied = tw != NULL && tw->outcome == DP_OUTCOME_ANSWER &&
                      tw->has_answer && readable(&tw->answer);
  const char *twin_sent = tw != NULL ? tw->query.qname : "";
  echo_t mine = echo_of(p, t, &p->answer, p->query.qname, twin_sent);
  echo_t theirs = twin_replied
                      ? echo_of(p, t, &tw->answer, twin_sent, p->query.qname)
                      : ECHO_EXACT;

  if (mine != ECHO_EXACT && mine != ECHO_NONE)
  {
    say(detail, cap, mine, p->query.qname, &p->answer);
    return DP_VERDICT_NON_COMPLIANT;
  }
  if (theirs != ECHO_EXACT && theirs != ECHO_NONE)
  {
    say(detail, cap, theirs, twin_sent, &tw->answer);
    return DP_VERDICT_NON_COMPLIANT;
  }
  if (mine == ECHO_NONE)
    return p->answer.rcode == DP_RCODE_REFUSED ? DP_VERDICT_REFUSED
                                               : DP_VERDICT_UNEXPECTED;
  if (tw != NULL && !twin_replied)
    snprintf(
        detail, cap, "the query in the other case (%.40s) got %s", twin_sent,
        tw->outcome == DP_OUTCOME_ANSWER || tw->outcome == DP_OUTCOME_MALFORMED
            ? "an unreadable reply"
            : "no reply");
  return DP_VERDICT_COMPLIANT;
}
