/*
 * dnssec_target.c: the DNSSEC of the zone as one target serves it, in the
 * diagnosis. The dnskey and nsec3param probes get their verdicts here
 * (signed, unsigned, not-offered); dp_diagnose_dnssec runs dp_dnssec_check
 * over the replies of dnskey, do (the SOA with DO=1) and nsec3param, keeps
 * a summary in t->dnssec, and gives the DNSSEC probes the severity, cause
 * and detail of the findings about them; dp_diagnose_dnssec_causes turns
 * the findings into root causes of their own severity.
 *
 * Invariants:
 * - Only a target that serves the zone is checked, and only when dnskey
 *   got a reply: a resolver, or a lame server, is not the zone's signer.
 *   An unsigned zone gets a summary (state unsigned) and no finding, cause
 *   or severity.
 * - Reply bytes are read only by dp_dnssec_check (through the wire layer).
 * - A finding belongs to nsec3param when it is about NSEC3, else to
 *   dnskey; a root cause's severity is that of its worst finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diagnose_priv.h"
#include "dnsprobe/dns.h"

dp_cause_t dp_diagnose_dnssec_cause(dp_dnssec_finding_t f)
{
  switch (f)
  {
  case DP_DNSSEC_FINDING_EXPIRING:
    return DP_CAUSE_DNSSEC_EXPIRING;
  case DP_DNSSEC_FINDING_EXPIRED:
    return DP_CAUSE_DNSSEC_EXPIRED;
  case DP_DNSSEC_FINDING_INCEPTION_FUTURE:
    return DP_CAUSE_DNSSEC_CLOCK;
  case DP_DNSSEC_FINDING_BOGUS_SIGNATURE:
  case DP_DNSSEC_FINDING_MISSING_SIGNATURE:
    return DP_CAUSE_DNSSEC_BOGUS;
  case DP_DNSSEC_FINDING_NO_MATCHING_KEY:
  case DP_DNSSEC_FINDING_SIGNER_MISMATCH:
  case DP_DNSSEC_FINDING_NO_DNSKEY:
    return DP_CAUSE_DNSSEC_KEY_MISMATCH;
  case DP_DNSSEC_FINDING_ALGORITHM_DEPRECATED:
    return DP_CAUSE_DNSSEC_ALGORITHM;
  case DP_DNSSEC_FINDING_NSEC3_ITERATIONS:
  case DP_DNSSEC_FINDING_NSEC3_SALT:
    return DP_CAUSE_DNSSEC_NSEC3;
  case DP_DNSSEC_FINDING_ALGORITHM_UNSUPPORTED:
  case DP_DNSSEC_FINDING_ANSWER_UNUSABLE:
  case DP_DNSSEC_FINDING_VERIFY_LIMIT:
    return DP_CAUSE_DNSSEC_UNCHECKED;
  case DP_DNSSEC_FINDING_MAX:
    break;
  }
  return DP_CAUSE_NONE;
}

bool dp_diagnose_is_dnssec_cause(dp_cause_t c)
{
  return c >= DP_CAUSE_DNSSEC_EXPIRING && c <= DP_CAUSE_DNSSEC_UNCHECKED;
}

dp_severity_t dp_diagnose_dnssec_severity(dp_dnssec_severity_t s)
{
  switch (s)
  {
  case DP_DNSSEC_SEV_INFO:
    return DP_SEVERITY_INFO;
  case DP_DNSSEC_SEV_WARNING:
    return DP_SEVERITY_WARNING;
  case DP_DNSSEC_SEV_CRITICAL:
    return DP_SEVERITY_CRITICAL;
  case DP_DNSSEC_SEV_OK:
    break;
  }
  return DP_SEVERITY_OK;
}

/* The probe a finding is about. */
static dp_probe_id_t probe_of(const struct dp_target_dnssec_finding *f)
{
  if (f->id == DP_DNSSEC_FINDING_NSEC3_ITERATIONS ||
      f->id == DP_DNSSEC_FINDING_NSEC3_SALT || f->covered == DP_TYPE_NSEC3PARAM)
    return DP_PROBE_NSEC3PARAM;
  return DP_PROBE_DNSKEY;
}

/* ---- the verdict ---------------------------------------------------------
 */

/* The answer the check reads: the TCP retry's when the UDP reply was
 * truncated and the retry was answered, else the probe's own. */
static const struct dp_answer_info *
read_answer(const struct dp_probe_result *p, dp_outcome_t *outcome, bool *has)
{
  for (size_t i = 0; i < p->nfollowups; i++)
  {
    const struct dp_followup *f = &p->followups[i];
    if (f->id == DP_FOLLOWUP_TCP && f->has_answer)
    {
      *outcome = f->outcome;
      *has = true;
      return &f->answer;
    }
  }
  *outcome = p->outcome;
  *has = p->has_answer;
  return &p->answer;
}

dp_verdict_t dp_diagnose_judge_dnssec(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap)
{
  dp_outcome_t outcome;
  bool has;
  const struct dp_answer_info *a = read_answer(p, &outcome, &has);
  (void)t;

  if (outcome == DP_OUTCOME_MALFORMED)
    return DP_VERDICT_UNEXPECTED;
  if (outcome != DP_OUTCOME_ANSWER || !has)
    return DP_VERDICT_NO_ANSWER;
  if (!(a->flags & DP_FLAG_QR) || !a->parse_complete ||
      (a->qdcount > 0 && !a->question_matches))
    return DP_VERDICT_UNEXPECTED;
  switch (a->rcode)
  {
  case DP_RCODE_NOERROR:
    break;
  case DP_RCODE_REFUSED:
  case DP_RCODE_NOTAUTH:
    return DP_VERDICT_REFUSED;
  case DP_RCODE_SERVFAIL:
    return DP_VERDICT_FAILING;
  default:
    return DP_VERDICT_UNEXPECTED;
  }
  if (a->flags & DP_FLAG_TC)
  {
    snprintf(detail, cap, "truncated, and not answered in full over TCP");
    return DP_VERDICT_UNEXPECTED;
  }
  /* RFC 5155 4: an NSEC3PARAM at the apex only in a zone with NSEC3. */
  if (p->probe == DP_PROBE_NSEC3PARAM && a->asked == 0)
    return DP_VERDICT_NOT_OFFERED;
  return a->rrsigs > 0 ? DP_VERDICT_SIGNED : DP_VERDICT_UNSIGNED;
}

/* ---- the check -----------------------------------------------------------
 */

/* The bytes a probe of t kept, or NULL when it has none. */
static const uint8_t *reply_of(const struct dp_target_result *t,
                               dp_probe_id_t id, size_t *len)
{
  const struct dp_probe_result *p = dp_target_probe(t, id);
  *len = 0;
  if (p == NULL || p->outcome == DP_OUTCOME_SKIPPED || p->reply == NULL)
    return NULL;
  *len = p->reply_len;
  return p->reply;
}

/* What a TCP retry of a truncated reply showed. */
static void retry_shows(struct dp_target_result *t)
{
  static const dp_probe_id_t kept[] = {DP_PROBE_DO, DP_PROBE_DNSKEY,
                                       DP_PROBE_NSEC3PARAM};
  for (size_t k = 0; k < sizeof(kept) / sizeof(kept[0]); k++)
  {
    struct dp_probe_result *p =
        (struct dp_probe_result *)dp_target_probe(t, kept[k]);
    struct dp_followup *f =
        p != NULL ? dp_diagnose_followup(p, DP_FOLLOWUP_TCP) : NULL;
    if (f == NULL)
      continue;
    if (f->has_answer && !(f->answer.flags & DP_FLAG_TC))
      snprintf(f->shows, sizeof(f->shows),
               "the UDP reply was truncated (TC=1); asked again over TCP, "
               "it came back whole");
    else
      snprintf(f->shows, sizeof(f->shows),
               "the UDP reply was truncated (TC=1), and asked again over "
               "TCP: %s",
               f->has_answer ? "truncated again"
                             : dp_diagnose_outcome_words(f->outcome));
  }
}

/* Whether the check is this target's to run: dnskey got a reply, and the
 * target serves the zone, as udp or tcp showed, or as that reply does
 * (NOERROR with authority, when neither ran). A lame server, or a resolver,
 * is not the zone's signer. */
static bool checkable(const struct dp_target_result *t)
{
  size_t len;
  const struct dp_probe_result *p = dp_target_probe(t, DP_PROBE_DNSKEY);
  if ((t->role != DP_ROLE_AUTHORITATIVE && t->role != DP_ROLE_BOTH) ||
      p == NULL || reply_of(t, DP_PROBE_DNSKEY, &len) == NULL)
    return false;
  return dp_diagnose_serves_zone(t) ||
         (p->has_answer && p->answer.rcode == DP_RCODE_NOERROR &&
          (p->answer.flags & DP_FLAG_AA));
}

/* The summary of a check, with its findings; NULL when out of memory. */
static struct dp_target_dnssec *summarise(const struct dp_dnssec_result *r,
                                          int64_t warn, int64_t crit)
{
  struct dp_target_dnssec *d =
      calloc(1, sizeof(*d) + r->nfindings * sizeof(d->findings[0]));
  if (d == NULL)
    return NULL;
  d->state = r->state;
  d->now = r->now;
  d->warn_seconds = warn;
  d->crit_seconds = crit;
  d->has_expiry = r->has_expiry;
  d->earliest_expiration = r->earliest_expiration;
  d->earliest_remaining = r->earliest_remaining;
  d->earliest_covered = r->earliest_covered;
  for (unsigned a = 0; a < 256; a++)
    if (r->algorithms[a] && d->nalgorithms < DP_TARGET_DNSSEC_ALGS)
      d->algorithms[d->nalgorithms++] = (uint8_t)a;
  for (size_t i = 0; i < r->nkeys && i < DP_DNSSEC_KEYS_MAX; i++)
  {
    if (!r->keys[i].zone_key)
      continue;
    d->nkeys_seen++;
    if (d->nkeys < DP_TARGET_DNSSEC_KEYS)
      d->keys[d->nkeys++] = r->keys[i];
  }
  d->nsec3 = r->nsec3;
  d->nsec3_iterations = r->nsec3_iterations;
  d->nsec3_salt_len = r->nsec3_salt_len;
  memcpy(d->nsec3_salt, r->nsec3_salt, sizeof(d->nsec3_salt));
  d->severity = dp_diagnose_dnssec_severity(r->severity);
  d->findings_dropped = r->findings_dropped;
  d->nfindings = r->nfindings;
  for (size_t i = 0; i < r->nfindings; i++)
  {
    const struct dp_dnssec_finding *f = &r->findings[i];
    struct dp_target_dnssec_finding *g = &d->findings[i];
    g->id = f->id;
    g->key = dp_dnssec_finding_tostr(f->id);
    g->cause = dp_diagnose_dnssec_cause(f->id);
    g->severity = dp_diagnose_dnssec_severity(f->severity);
    g->covered = f->covered;
    g->algorithm = f->algorithm;
    g->count = f->count;
    memcpy(g->detail, f->detail, sizeof(g->detail));
    g->detail[sizeof(g->detail) - 1] = '\0';
  }
  return d;
}

/* The findings in the probes they are about: severity, finding, cause,
 * and the worst one's sentence as the detail. */
static void mark_probes(struct dp_target_result *t)
{
  const struct dp_target_dnssec *d = t->dnssec;
  for (size_t i = 0; i < d->nfindings; i++)
  {
    const struct dp_target_dnssec_finding *f = &d->findings[i];
    struct dp_probe_result *p =
        (struct dp_probe_result *)dp_target_probe(t, probe_of(f));
    dp_severity_t sev = f->severity;
    if (p == NULL || p->outcome == DP_OUTCOME_SKIPPED)
      p = (struct dp_probe_result *)dp_target_probe(t, DP_PROBE_DNSKEY);
    dp_cause_t c = f->cause;
    if (p == NULL || sev == DP_SEVERITY_OK)
      continue;
    /* The probe names the cause that comes first in the diagnosis: the
     * worst, and of equal ones the first of the cause table. */
    if (p->finding == DP_FINDING_DNSSEC_SIGNING &&
        (sev < p->severity || (sev == p->severity && c >= p->cause)))
      continue;
    p->severity = sev > p->severity ? sev : p->severity;
    p->finding = DP_FINDING_DNSSEC_SIGNING;
    p->cause = c;
    snprintf(p->detail, sizeof(p->detail), "%.*s", (int)sizeof(p->detail) - 1,
             f->detail);
  }
}

dp_status_t dp_diagnose_dnssec(struct dp_target_result *t)
{
  struct dp_dnssec_result *r = NULL;
  size_t dlen, slen, nlen;
  dp_status_t st = DP_OK;

  if (t == NULL)
    return DP_EINVAL;
  free(t->dnssec);
  t->dnssec = NULL;
  retry_shows(t);
  if (!checkable(t))
    return DP_OK;
  struct dp_dnssec_input in = {
      .zone = t->zone,
      .now = t->dnssec_now != 0 ? t->dnssec_now : (int64_t)time(NULL),
      .warn_seconds = t->dnssec_warn,
      .crit_seconds = t->dnssec_crit,
      .dnskey = reply_of(t, DP_PROBE_DNSKEY, &dlen),
      .dnskey_len = dlen,
      .soa = reply_of(t, DP_PROBE_DO, &slen),
      .soa_len = slen,
      .nsec3param = reply_of(t, DP_PROBE_NSEC3PARAM, &nlen),
      .nsec3param_len = nlen,
  };
  if ((r = malloc(sizeof(*r))) == NULL)
    return DP_ENOMEM;
  st = dp_dnssec_check(&in, r);
  /* Bad thresholds or a zone name the check cannot read: not checked
   * (the options refuse the former, the runner the latter). */
  if (st == DP_OK)
  {
    int64_t warn = in.warn_seconds, crit = in.crit_seconds;
    if (warn == 0 && crit == 0)
      warn = DP_DNSSEC_WARN_DEFAULT, crit = DP_DNSSEC_CRIT_DEFAULT;
    t->dnssec = summarise(r, warn, crit);
    if (t->dnssec == NULL)
      st = DP_ENOMEM;
    else
      mark_probes(t);
  }
  else if (st != DP_ENOMEM)
    st = DP_OK;
  free(r);
  return st;
}

/* ---- root causes ---------------------------------------------------------
 */

dp_status_t dp_diagnose_dnssec_causes(struct dp_target_result *t)
{
  const struct dp_target_dnssec *d = t != NULL ? t->dnssec : NULL;
  if (d == NULL)
    return DP_OK;
  for (size_t i = 0; i < d->nfindings; i++)
  {
    const struct dp_target_dnssec_finding *f = &d->findings[i];
    dp_cause_t c = f->cause;
    dp_severity_t sev = f->severity;
    if (c == DP_CAUSE_NONE || sev == DP_SEVERITY_OK)
      continue;
    struct dp_root_cause *r = NULL;
    for (size_t k = 0; k < t->ndiagnosis && r == NULL; k++)
      if (t->diagnosis[k].cause == c)
        r = &t->diagnosis[k];
    if (r == NULL)
    {
      if (dp_target_cause_add(t, &r) != DP_OK)
        return DP_ENOMEM;
      r->cause = c;
      r->own_severity = true;
    }
    if (sev > r->severity)
      r->severity = sev;
    const struct dp_probe_result *p = dp_target_probe(t, probe_of(f));
    if (p == NULL || p->outcome == DP_OUTCOME_SKIPPED)
      p = dp_target_probe(t, DP_PROBE_DNSKEY);
    if (p != NULL)
      r->probes |= DP_PROBE_BIT(p->probe);
  }
  return DP_OK;
}

void dp_diagnose_dnssec_evidence(struct dp_buf *b,
                                 const struct dp_target_result *t,
                                 const struct dp_root_cause *r)
{
  const struct dp_target_dnssec *d = t->dnssec;
  const struct dp_target_dnssec_finding *worst = NULL;
  unsigned more = 0;

  if (d == NULL)
    return;
  /* The worst finding's sentence, then how many more there are. */
  for (size_t i = 0; i < d->nfindings; i++)
  {
    const struct dp_target_dnssec_finding *f = &d->findings[i];
    if (f->cause != r->cause)
      continue;
    more += f->count;
    if (worst == NULL || f->severity > worst->severity)
      worst = f;
  }
  if (worst == NULL)
    return;
  more -= 1;
  dp_buf_adds(b, worst->detail);
  if (more > 0)
    dp_buf_addf(b, " And %u more like it.", more);
}
