/*
 * fuzz_judge.c: any bytes as the reply to the probes of the battery (the
 * input's bytes 3.. pick which probes got a reply and what transport
 * outcome the others had), then
 * the one diagnosis call production runs (verdicts, role, severities,
 * causes, the DNSSEC check of the replies the DNSSEC probes keep,
 * explanations, fixes and expectations) and both reports. Then the same
 * bytes as every reply zone mode reads about the zone (a parent's referral,
 * the zone's NS set, SOA and in-zone addresses), the zone's checks and the
 * zone section of both reports. Whatever a server sends, nothing may crash,
 * overrun or leak, and the JSON writer must stay balanced.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/delegation.h"
#include "dnsprobe/probes.h"
#include "dnsprobe/report.h"
#include "dnsprobe/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static FILE *sink;
  if (sink == NULL)
    sink = fopen("/dev/null", "w");
  if (sink == NULL)
    return 0;

  struct dp_run run;
  memset(&run, 0, sizeof(run));
  struct dp_target_result *t = calloc(1, sizeof(*t));
  if (t == NULL)
    return 0;
  run.targets = t;
  run.ntargets = 1;
  if (dp_target_probes_create(t) != DP_OK)
  {
    free(t);
    return 0;
  }
  t->given = strdup("127.0.0.1:53");
  snprintf(t->address, sizeof(t->address), "127.0.0.1");
  t->port = 53;
  t->family = 2;
  snprintf(t->zone, sizeof(t->zone), "example.test.");
  t->zone_given = true;
  snprintf(t->recursion_name, sizeof(t->recursion_name), "www.other.test.");

  /* The first byte picks the stream shape, so transfers see both a complete
   * and a cut stream. */
  struct dp_diagnose_stream st = {1 + (size ? data[0] % 3 : 0),
                                  size ? data[0] : 0u, size && (data[0] & 1),
                                  size && (data[0] & 2)};
  struct dp_probe_ctx ctx = {t->zone, t->recursion_name, true, 2024010101u,
                             size > 2 ? data[2] : 0u};
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    const struct dp_probe_def *d = dp_probe_def((dp_probe_id_t)i);
    struct dp_probe_result *r = &t->probes[i];
    struct dp_wire_query q;
    memset(&q, 0, sizeof(q));
    d->build(&ctx, &q);
    r->sent = d->sent;
    r->transport = d->transport;
    dp_diagnose_query_info(&r->query, &q);
    /* Bytes 3.. pick each probe's transport outcome (the root causes read
     * silence, resets and refusals across the battery); a probe that got
     * an answer takes the input as its reply. */
    static const dp_outcome_t outcomes[] = {
        DP_OUTCOME_ANSWER,           DP_OUTCOME_ANSWER,
        DP_OUTCOME_TIMEOUT,          DP_OUTCOME_PORT_UNREACHABLE,
        DP_OUTCOME_CONN_REFUSED,     DP_OUTCOME_CONN_RESET,
        DP_OUTCOME_CLOSED,           DP_OUTCOME_MALFORMED,
        DP_OUTCOME_HOST_UNREACHABLE, DP_OUTCOME_SKIPPED};
    uint8_t pick = size > 3 + i ? data[3 + i] : 0;
    r->outcome = outcomes[pick % (sizeof(outcomes) / sizeof(outcomes[0]))];
    r->connected = (pick & 0x80) != 0;
    r->rtt_ms = r->outcome == DP_OUTCOME_ANSWER ? 0.5 : -1.0;
    if (r->outcome == DP_OUTCOME_ANSWER &&
        dp_diagnose_absorb(r, data, size, t->zone, d->stream ? &st : NULL) &&
        d->keep_reply)
      (void)dp_probe_result_keep_reply(r, data, size);
    /* A probe's twin (the case probe's other case) takes the same input as
     * its reply, or none when the probe got none. */
    struct dp_followup *f;
    if (d->twin != NULL && r->outcome != DP_OUTCOME_SKIPPED &&
        dp_probe_followup_add(r, &f) == DP_OK)
    {
      struct dp_probe_result twin;
      memset(&q, 0, sizeof(q));
      memset(&twin, 0, sizeof(twin));
      d->twin(&ctx, &q);
      f->id = d->twin_id;
      dp_diagnose_query_info(&f->query, &q);
      twin.query = f->query;
      twin.probe = r->probe;
      f->outcome = r->outcome;
      if (r->outcome == DP_OUTCOME_ANSWER &&
          dp_diagnose_absorb(&twin, data, size, t->zone, NULL))
      {
        f->has_answer = true;
        f->answer = twin.answer;
      }
    }
  }
  /* The DNSSEC check reads the kept replies with a fixed clock, so a crash
   * replays (2025-01-01T00:00:00Z). */
  t->dnssec_now = 1735689600;
  /* The second byte, when there is one, picks an expectation profile, so
   * the last phase is fuzzed too. */
  struct dp_expect expect;
  memset(&expect, 0, sizeof(expect));
  expect.profile = (dp_expect_profile_t)(size > 1 ? data[1] % 3 : 0);
  (void)dp_diagnose_target(
      t, size > 1 && (data[1] & 4) ? &expect : NULL,
      (dp_software_t)(size > 2 ? data[2] % DP_SOFTWARE_COUNT : 0));
  run.status = t->status;

  struct dp_report_options opt = {
      .color = size && (data[0] & 4), .width = 80, .version = "fuzz"};
  (void)dp_report_write(sink, DP_FORMAT_TEXT, &run, NULL, &opt);
  if (dp_report_write(sink, DP_FORMAT_JSON, &run, NULL, &opt) != DP_OK)
    __builtin_trap(); /* the JSON of any run must be well formed */

  /* Zone mode: the input as each reply about the zone, for a parent
   * server and two servers of the zone; the input's first bytes say which
   * NS names are known (and so asked for) first. */
  struct dp_zone_summary *z = calloc(1, sizeof(*z));
  if (z != NULL && dp_diagnose_zone(&run, t->zone, "fuzz", z) == DP_OK)
  {
    struct dp_zone_delegation *d = &z->delegation;
    d->gathered = true;
    d->nparents = 1;
    d->nchildren = 2;
    snprintf(d->children[0].address, sizeof(d->children[0].address),
             "127.0.0.1");
    snprintf(d->children[1].address, sizeof(d->children[1].address),
             "127.0.0.2");
    static const dp_deleg_reply_t kinds[] = {
        DP_DELEG_PARENT_NS, DP_DELEG_CHILD_NS, DP_DELEG_CHILD_SOA,
        DP_DELEG_CHILD_A, DP_DELEG_CHILD_AAAA};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
      for (size_t s = 0; s < 2; s++)
        for (size_t n = 0; n < (d->nns ? d->nns : 1); n++)
          (void)dp_probe_delegation_absorb(d, t->zone, kinds[k], s, n, data,
                                           size, DP_OUTCOME_ANSWER);
    if (size > 4 && (data[4] & 1))
      (void)dp_diagnose_zone_unresolved(z, "ns9.example.test.", "NXDOMAIN");
    (void)dp_diagnose_zone_checks(
        z, &run, (dp_software_t)(size > 5 ? data[5] % DP_SOFTWARE_COUNT : 0));
    (void)dp_report_write(sink, DP_FORMAT_TEXT, &run, z, &opt);
    if (dp_report_write(sink, DP_FORMAT_JSON, &run, z, &opt) != DP_OK)
      __builtin_trap();
    dp_diagnose_zone_clear(z);
  }
  free(z);
  dp_run_clear(&run);
  return 0;
}
