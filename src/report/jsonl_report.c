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
#include "format.h"
#include "util.h"

#define SCHEMA "dnsprobe/1"

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
  dp_json_string(&w, SCHEMA);
  dp_json_key(&w, "version");
  dp_json_string(&w, dp_report_version(opt));
  dp_json_key(&w, "started_at");
  dp_json_string(&w, started);
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
