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
 */
#include "report_priv.h"

#define SCHEMA "dnsprobe/1"

dp_status_t dp_report_jsonl_target(FILE *fp, const struct dp_run *run,
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
  dp_json_string(&w, SCHEMA);
  dp_json_key(&w, "version");
  dp_json_string(&w, dp_report_version(opt));
  dp_json_key(&w, "started_at");
  dp_json_string(&w, started);
  dp_report_json_target_members(&w, t);
  dp_json_object_end(&w);
  return dp_json_finish(&w);
}

dp_status_t dp_report_jsonl_write(FILE *fp, const struct dp_run *run,
                                  const struct dp_report_options *opt)
{
  for (size_t i = 0; i < run->ntargets; i++)
  {
    dp_status_t st = dp_report_jsonl_target(fp, run, &run->targets[i], opt);
    if (st != DP_OK)
      return st;
  }
  /* No target is an empty report, but the stream may have failed before. */
  return fflush(fp) != 0 || ferror(fp) ? DP_EIO : DP_OK;
}
