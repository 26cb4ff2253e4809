/*
 * result.c: names of the run model's enums and the run's destructor. Names
 * are part of the JSON schema dnsprobe/1: never rename one.
 */
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/result.h"

static const char *const severity_names[] = {"ok", "info", "warning",
                                             "critical"};
static const char *const health_names[] = {"ok", "warning", "critical",
                                           "unknown"};
static const char *const role_names[] = {"unknown", "authoritative", "resolver",
                                         "authoritative+resolver"};
static const char *const verdict_names[DP_VERDICT_COUNT] = {
    [DP_VERDICT_NONE] = "none",
    [DP_VERDICT_AUTHORITATIVE] = "authoritative",
    [DP_VERDICT_ANSWERING] = "answering",
    [DP_VERDICT_REFUSED] = "refused",
    [DP_VERDICT_FAILING] = "failing",
    [DP_VERDICT_NO_ANSWER] = "no-answer",
    [DP_VERDICT_UNEXPECTED] = "unexpected",
    [DP_VERDICT_AVAILABLE] = "available",
    [DP_VERDICT_NOT_OFFERED] = "not-offered",
    [DP_VERDICT_ALLOWED] = "allowed",
    [DP_VERDICT_DENIED] = "denied",
    [DP_VERDICT_NOT_AUTHORITATIVE] = "not-authoritative",
    [DP_VERDICT_NOT_IMPLEMENTED] = "not-implemented",
    [DP_VERDICT_ACCEPTED] = "accepted",
    [DP_VERDICT_COMPLIANT] = "compliant",
    [DP_VERDICT_NON_COMPLIANT] = "non-compliant",
    [DP_VERDICT_LEGACY] = "legacy",
    [DP_VERDICT_SKIPPED] = "skipped",
    [DP_VERDICT_SIGNED] = "signed",
    [DP_VERDICT_UNSIGNED] = "unsigned",
};

const char *dp_severity_tostr(dp_severity_t s)
{
  return (unsigned)s < 4 ? severity_names[s] : "unknown";
}

const char *dp_health_tostr(dp_health_t h)
{
  return (unsigned)h < 4 ? health_names[h] : "unknown";
}

const char *dp_role_tostr(dp_role_t r)
{
  return (unsigned)r < 4 ? role_names[r] : "unknown";
}

const char *dp_verdict_tostr(dp_verdict_t v)
{
  return (unsigned)v < DP_VERDICT_COUNT ? verdict_names[v] : "none";
}

dp_health_t dp_health_from_severity(dp_severity_t s)
{
  switch (s)
  {
  case DP_SEVERITY_WARNING:
    return DP_HEALTH_WARNING;
  case DP_SEVERITY_CRITICAL:
    return DP_HEALTH_CRITICAL;
  case DP_SEVERITY_OK:
  case DP_SEVERITY_INFO:
  default:
    return DP_HEALTH_OK;
  }
}

void dp_target_probes_destroy(struct dp_target_result *t)
{
  if (t == NULL)
    return;
  for (size_t j = 0; j < t->nprobes && t->probes; j++)
  {
    free(t->probes[j].summary);
    free(t->probes[j].explanation);
    free(t->probes[j].fix);
    free(t->probes[j].followups);
    free(t->probes[j].reply);
  }
  free(t->probes);
  t->probes = NULL;
  t->nprobes = 0;
  dp_target_causes_clear(t);
  free(t->dnssec);
  t->dnssec = NULL;
}

void dp_target_causes_clear(struct dp_target_result *t)
{
  if (t == NULL)
    return;
  for (size_t i = 0; i < t->ndiagnosis && t->diagnosis; i++)
  {
    free(t->diagnosis[i].headline);
    free(t->diagnosis[i].evidence);
    free(t->diagnosis[i].explanation);
    free(t->diagnosis[i].fix);
  }
  free(t->diagnosis);
  t->diagnosis = NULL;
  t->ndiagnosis = 0;
}

dp_status_t dp_probe_result_keep_reply(struct dp_probe_result *p,
                                       const uint8_t *buf, size_t len)
{
  if (p == NULL || buf == NULL || len == 0)
    return DP_EINVAL;
  uint8_t *copy = malloc(len);
  free(p->reply);
  p->reply = copy;
  p->reply_len = copy != NULL ? len : 0;
  if (copy == NULL)
    return DP_ENOMEM;
  memcpy(copy, buf, len);
  return DP_OK;
}

dp_status_t dp_target_cause_add(struct dp_target_result *t,
                                struct dp_root_cause **out)
{
  if (t == NULL || out == NULL)
    return DP_EINVAL;
  struct dp_root_cause *d =
      realloc(t->diagnosis, (t->ndiagnosis + 1) * sizeof(*t->diagnosis));
  if (d == NULL)
    return DP_ENOMEM;
  t->diagnosis = d;
  *out = &d[t->ndiagnosis++];
  memset(*out, 0, sizeof(**out));
  return DP_OK;
}

void dp_target_clear(struct dp_target_result *t)
{
  if (t == NULL)
    return;
  free(t->given);
  dp_target_probes_destroy(t);
  memset(t, 0, sizeof(*t));
}

dp_status_t dp_target_probes_create(struct dp_target_result *t)
{
  if (t == NULL || t->probes != NULL)
    return DP_EINVAL;
  t->probes = calloc(DP_PROBE_COUNT, sizeof(*t->probes));
  if (t->probes == NULL)
    return DP_ENOMEM;
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    t->probes[i].probe = (dp_probe_id_t)i;
    t->probes[i].outcome = DP_OUTCOME_SKIPPED;
    t->probes[i].rtt_ms = -1.0;
  }
  t->nprobes = DP_PROBE_COUNT;
  return DP_OK;
}

void dp_run_clear(struct dp_run *run)
{
  if (run == NULL)
    return;
  for (size_t i = 0; i < run->ntargets; i++)
    dp_target_clear(&run->targets[i]);
  free(run->targets);
  run->targets = NULL;
  run->ntargets = 0;
}

dp_status_t dp_probe_followup_add(struct dp_probe_result *p,
                                  struct dp_followup **out)
{
  if (p == NULL || out == NULL)
    return DP_EINVAL;
  struct dp_followup *f =
      realloc(p->followups, (p->nfollowups + 1) * sizeof(*p->followups));
  if (f == NULL)
    return DP_ENOMEM;
  p->followups = f;
  *out = &f[p->nfollowups++];
  memset(*out, 0, sizeof(**out));
  (*out)->rtt_ms = -1.0;
  return DP_OK;
}

const struct dp_probe_result *dp_target_probe(const struct dp_target_result *t,
                                              dp_probe_id_t id)
{
  if (t == NULL || t->probes == NULL || (unsigned)id >= t->nprobes)
    return NULL;
  return &t->probes[id];
}
