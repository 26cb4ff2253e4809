/*
 * fixture.c: hand-built runs for the unit tests (fixture.h). Queries come
 * from the probe table's own builders, so a test judges what production
 * sends; replies are filled as dp_diagnose_absorb fills them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fixture.h"

void fx_run_init(struct dp_run *run)
{
  memset(run, 0, sizeof(*run));
  snprintf(run->started_at, sizeof(run->started_at), "2026-11-21T12:00:00Z");
  run->duration_ms = 6.1;
}

struct dp_target_result *fx_target(struct dp_run *run, const char *given,
                                   const char *address, uint16_t port,
                                   const char *zone)
{
  struct dp_target_result *grown =
      realloc(run->targets, (run->ntargets + 1) * sizeof(*run->targets));
  ck_assert_msg(grown != NULL, "fixture: out of memory");
  run->targets = grown;
  struct dp_target_result *t = &run->targets[run->ntargets++];
  memset(t, 0, sizeof(*t));
  t->given = strdup(given);
  ck_assert_msg(t->given != NULL, "fixture: out of memory");
  snprintf(t->address, sizeof(t->address), "%s", address);
  t->port = port;
  t->family = strchr(address, ':') != NULL ? AF_INET6 : AF_INET;
  snprintf(t->zone, sizeof(t->zone), "%s", zone != NULL ? zone : ".");
  t->zone_given = zone != NULL;
  snprintf(t->recursion_name, sizeof(t->recursion_name), "%s",
           FX_RECURSION_NAME);
  ck_assert_int_eq(dp_target_probes_create(t), DP_OK);
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    const struct dp_probe_def *d = dp_probe_def((dp_probe_id_t)i);
    t->probes[i].sent = d->sent;
    t->probes[i].transport = d->transport;
  }
  return t;
}

struct dp_probe_result *fx_probe(struct dp_target_result *t, dp_probe_id_t id)
{
  ck_assert_msg((unsigned)id < DP_PROBE_COUNT, "fixture: probe %d", (int)id);
  struct dp_probe_result *p = &t->probes[id];
  struct dp_probe_ctx ctx = {t->zone, t->recursion_name, true, FX_SERIAL,
                             FX_CASE_SEED};
  struct dp_wire_query q;
  memset(&q, 0, sizeof(q));
  dp_probe_def(id)->build(&ctx, &q);
  q.id = (uint16_t)(0x4200 + id);
  dp_diagnose_query_info(&p->query, &q);
  p->outcome = DP_OUTCOME_TIMEOUT;
  p->rtt_ms = -1.0;
  p->has_answer = false;
  return p;
}

struct dp_followup *fx_twin(struct dp_target_result *t, dp_probe_id_t id,
                            bool answered)
{
  const struct dp_probe_def *d = dp_probe_def(id);
  ck_assert_msg(d != NULL && d->twin != NULL, "fixture: %s has no twin",
                dp_probe_id_tostr(id));
  struct dp_probe_result *p = &t->probes[id];
  struct dp_probe_ctx ctx = {t->zone, t->recursion_name, true, FX_SERIAL,
                             FX_CASE_SEED};
  struct dp_wire_query q;
  struct dp_followup *f = NULL;
  memset(&q, 0, sizeof(q));
  d->twin(&ctx, &q);
  q.id = (uint16_t)(0x4300 + id);
  ck_assert_int_eq(dp_probe_followup_add(p, &f), DP_OK);
  f->id = d->twin_id;
  dp_diagnose_query_info(&f->query, &q);
  f->outcome = DP_OUTCOME_TIMEOUT;
  f->rtt_ms = -1.0;
  if (!answered)
    return f;
  struct dp_probe_result scratch;
  memset(&scratch, 0, sizeof(scratch));
  scratch.query = f->query;
  fx_answer(&scratch, DP_RCODE_NOERROR, DP_FLAG_AA);
  fx_soa(&scratch, FX_SERIAL);
  f->outcome = DP_OUTCOME_ANSWER;
  f->rtt_ms = 0.5;
  f->has_answer = true;
  f->answer = scratch.answer;
  return f;
}

void fx_probe_all(struct dp_target_result *t)
{
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    fx_probe(t, (dp_probe_id_t)i);
}

void fx_answer(struct dp_probe_result *p, uint16_t rcode, uint16_t flags)
{
  struct dp_answer_info *a = &p->answer;
  memset(a, 0, sizeof(*a));
  p->outcome = DP_OUTCOME_ANSWER;
  p->has_answer = true;
  p->rtt_ms = 0.5;
  a->rcode = rcode;
  a->opcode = p->query.opcode;
  a->flags = (uint16_t)(DP_FLAG_QR | flags | ((a->opcode & 0xf) << 11) |
                        (rcode & 0xf));
  a->qdcount = 1;
  a->question_matches = true;
  a->question_exact = true;
  snprintf(a->qname, sizeof(a->qname), "%.*s", (int)sizeof(a->qname) - 1,
           p->query.qname);
  a->edns = p->query.edns || rcode > 15;
  a->edns_count = a->edns ? 1 : 0;
  a->arcount = a->edns ? 1 : 0;
  a->udp_size = a->edns ? 1232 : 0;
  a->do_bit = a->edns && p->query.do_bit;
  a->messages = 1;
  a->stream_complete = true;
  a->parse_complete = true;
  a->length = 64;
}

void fx_soa(struct dp_probe_result *p, uint32_t serial)
{
  p->answer.ancount++;
  p->answer.records = p->answer.ancount;
  p->answer.has_soa = true;
  p->answer.soa_serial = serial;
  p->answer.soa_owner_is_zone = true;
}

void fx_ede(struct dp_probe_result *p, uint16_t code, const char *text)
{
  struct dp_answer_info *a = &p->answer;
  ck_assert_msg(a->nede < DP_RESULT_EDE_MAX, "fixture: too many EDE");
  if (!a->edns)
  {
    a->edns = true;
    a->edns_count = 1;
    a->arcount++;
    a->udp_size = 1232;
  }
  a->ede[a->nede].code = code;
  snprintf(a->ede[a->nede].text, sizeof(a->ede[a->nede].text), "%s",
           text != NULL ? text : "");
  a->nede++;
  if (a->nopt_codes < DP_RESULT_OPTS_MAX)
    a->opt_codes[a->nopt_codes++] = DP_EDNS_EDE;
}

void fx_reply(struct dp_target_result *t, dp_probe_id_t id, const uint8_t *buf,
              size_t len)
{
  struct dp_probe_result *p = &t->probes[id];
  p->outcome = DP_OUTCOME_ANSWER;
  p->rtt_ms = 0.5;
  ck_assert_msg(dp_diagnose_absorb(p, buf, len, t->zone, NULL),
                "fixture: the reply to %s cannot be read",
                dp_probe_id_tostr(id));
  if (dp_probe_def(id)->keep_reply)
    ck_assert_int_eq(dp_probe_result_keep_reply(p, buf, len), DP_OK);
}

void fx_outcome(struct dp_probe_result *p, dp_outcome_t outcome)
{
  memset(&p->answer, 0, sizeof(p->answer));
  p->outcome = outcome;
  p->has_answer = false;
  p->rtt_ms = -1.0;
}

static char *copy(const char *s)
{
  if (s == NULL)
    return NULL;
  char *d = strdup(s);
  ck_assert_msg(d != NULL, "fixture: out of memory");
  return d;
}

void fx_judged(struct dp_probe_result *p, dp_verdict_t verdict,
               dp_severity_t severity, dp_finding_t finding,
               const char *summary, const char *explanation, const char *fix)
{
  p->verdict = verdict;
  p->severity = severity;
  p->finding = finding;
  free(p->summary);
  free(p->explanation);
  free(p->fix);
  p->summary = copy(summary);
  p->explanation = copy(explanation);
  p->fix = copy(fix);
}

struct dp_root_cause *fx_cause(struct dp_target_result *t, dp_cause_t cause,
                               dp_severity_t severity, dp_probe_set_t probes,
                               const char *headline, const char *evidence,
                               const char *explanation, const char *fix)
{
  struct dp_root_cause *r = NULL;
  ck_assert_int_eq(dp_target_cause_add(t, &r), DP_OK);
  r->cause = cause;
  r->severity = severity;
  r->probes = probes;
  r->headline = copy(headline);
  r->evidence = copy(evidence);
  r->explanation = copy(explanation);
  r->fix = copy(fix);
  for (size_t i = 0; i < t->nprobes; i++)
    if (probes & DP_PROBE_BIT(t->probes[i].probe))
      t->probes[i].cause = cause;
  return r;
}

void fx_diagnose(struct dp_target_result *t, const struct dp_expect *expect)
{
  ck_assert_int_eq(dp_diagnose_target(t, expect, DP_SOFTWARE_UNKNOWN), DP_OK);
}
