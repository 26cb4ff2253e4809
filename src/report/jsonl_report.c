/*
 * jsonl_report.c: JSON Lines (one JSON text per line, each ended by "\n"),
 * for fleets and log pipelines: one compact object per target, schema
 * "dnsprobe/1", written as each target completes when the caller streams.
 *
 * Invariants: a line is {"schema", "version", "started_at", then exactly
 * the members of the json report's targets[] entry}, written by the json
 * report's own member writer, so the two formats cannot drift apart. The
 * writer is compact and escapes every control character (RFC 8259 section
 * 7), so no newline can appear inside a line. Each line is flushed when it
 * is complete; a failed write stops the report with DP_EIO.
 *
 * With opt->brief a line is a compact record, schema "dnsprobe-brief/1", for
 * fleets too large to keep every query and answer: the target, its status,
 * role, software and root causes, and per probe sent only its verdict,
 * RCODE, round trip and severity. Its members are those of the full record
 * that a fleet is queried by, with the same names and values, except that a
 * probe's "rcode" is lifted out of its "answer".
 */
#include "format.h"
#include "util.h"

#define SCHEMA "dnsprobe/1"
#define SCHEMA_BRIEF "dnsprobe-brief/1"

static void brief_members(dp_json_t *w, const struct dp_target_result *t)
{
  char fixed[DP_WIRE_NAME_STRLEN];
  dp_report_member_string(w, "target", t->given);
  dp_report_fixed(fixed, sizeof(fixed), t->address, sizeof(t->address));
  dp_report_member_string(w, "address", fixed);
  dp_json_key(w, "port");
  dp_json_uint(w, t->port);
  dp_report_fixed(fixed, sizeof(fixed), t->zone, sizeof(t->zone));
  dp_report_member_string(w, "zone", fixed);
  dp_report_member_string(w, "status", dp_health_tostr(t->status));
  dp_report_member_string(w, "role", dp_role_tostr(t->role));
  dp_json_key(w, "software");
  if (t->software == DP_SOFTWARE_UNKNOWN)
    dp_json_null(w);
  else
  {
    dp_json_object_begin(w);
    dp_report_member_string(w, "name", dp_software_tostr(t->software));
    dp_report_fixed(fixed, sizeof(fixed), t->software_version,
                    sizeof(t->software_version));
    dp_report_member_string(w, "version", fixed[0] ? fixed : NULL);
    dp_json_object_end(w);
  }
  dp_report_member_ms(w, "duration_ms", t->duration_ms);
  dp_json_key(w, "diagnosis");
  dp_json_array_begin(w);
  for (size_t i = 0; i < t->ndiagnosis && t->diagnosis != NULL; i++)
  {
    const struct dp_root_cause *r = &t->diagnosis[i];
    dp_json_object_begin(w);
    dp_report_member_string(w, "cause", dp_cause_tostr(r->cause));
    dp_report_member_string(w, "severity", dp_severity_tostr(r->severity));
    dp_json_key(w, "probes");
    dp_json_array_begin(w);
    for (unsigned k = 0; k < DP_PROBE_COUNT; k++)
      if (r->probes & DP_PROBE_BIT(k))
        dp_json_string(w, dp_probe_id_tostr((dp_probe_id_t)k));
    dp_json_array_end(w);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  /* the probes sent: a skipped one says nothing about the server */
  dp_json_key(w, "probes");
  dp_json_array_begin(w);
  for (size_t i = 0; i < dp_report_nprobes(t); i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (dp_report_probe_skipped(p))
      continue;
    dp_json_object_begin(w);
    dp_report_member_string(w, "id", dp_probe_id_tostr(p->probe));
    dp_report_member_string(w, "verdict", dp_report_verdict_name(p));
    /* RFC 6891 section 6.1.3: 12 bits, with the OPT's upper 8 */
    dp_report_member_string(
        w, "rcode",
        p->has_answer ? dp_knowledge_rcode_name(p->answer.rcode & 0x0FFF)
                      : NULL);
    dp_report_member_ms(w, "rtt_ms", p->rtt_ms);
    dp_report_member_string(w, "severity", dp_severity_tostr(p->severity));
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
}

static dp_status_t jsonl_target(FILE *fp, const struct dp_run *run,
                                const struct dp_target_result *t,
                                const struct dp_report_options *opt)
{
  char started[sizeof(run->started_at)];
  dp_json_t w;

  dp_report_fixed(started, sizeof(started), run->started_at,
                  sizeof(run->started_at));
  dp_json_init(&w, fp, false);
  dp_json_object_begin(&w);
  dp_json_key(&w, "schema");
  dp_json_string(&w, opt->brief ? SCHEMA_BRIEF : SCHEMA);
  dp_json_key(&w, "version");
  dp_json_string(&w, dp_report_version(opt));
  dp_json_key(&w, "started_at");
  dp_json_string(&w, started);
  if (opt->brief)
    brief_members(&w, t);
  else
    dp_report_json_target_members(&w, t);
  dp_json_object_end(&w);
  return dp_json_finish(&w);
}

static dp_status_t jsonl_write(FILE *fp, const struct dp_run *run,
                               const struct dp_zone_summary *zone,
                               const struct dp_report_options *opt)
{
  (void)zone; /* a line per target: zone mode's comparison has no line */
  for (size_t i = 0; i < run->ntargets; i++)
  {
    dp_status_t st = jsonl_target(fp, run, &run->targets[i], opt);
    if (st != DP_OK)
      return st;
  }
  /* No target is an empty report, but the stream may have failed before. */
  return fflush(fp) != 0 || ferror(fp) ? DP_EIO : DP_OK;
}

const struct dp_report_format dp_report_format_jsonl = {"jsonl", jsonl_write,
                                                        jsonl_target};
