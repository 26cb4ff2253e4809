/*
 * format.h: one const object per report format, each exported by its own
 * file; report.c's dispatcher is a table of them. A format writes a whole
 * run and, when it can stream, one target as it completes.
 */
#ifndef DNSPROBE_REPORT_FORMAT_H
#define DNSPROBE_REPORT_FORMAT_H

#include <stdio.h>

#include "dnsprobe/json.h"
#include "dnsprobe/report.h"

struct dp_report_format
{
  const char *name; /* as --format takes it */
  /* The whole run; zone is zone mode's comparison or NULL. Returns DP_OK,
   * DP_EIO (a write failed) or DP_ENOMEM. */
  dp_status_t (*write)(FILE *fp, const struct dp_run *run,
                       const struct dp_zone_summary *zone,
                       const struct dp_report_options *opt);
  /* One target as it completes, or NULL for a format that cannot stream.
   * Returns DP_OK or DP_EIO. */
  dp_status_t (*write_target)(FILE *fp, const struct dp_run *run,
                              const struct dp_target_result *t,
                              const struct dp_report_options *opt);
};

/**
 * The members of one entry of the json report's targets[] ("target" to
 * "probes"), written into an object the caller has opened on w: json_report
 * writes them and jsonl_report calls it, so a target reads the same in
 * both.
 */
void dp_report_json_target_members(dp_json_t *w,
                                   const struct dp_target_result *t);

/**
 * A "diagnosis" array's value (no key): n root causes, each with cause,
 * severity, headline, probes, evidence, explanation and fix. A target's
 * and the zone's (json_report.c) read the same.
 */
void dp_report_json_causes(dp_json_t *w, const struct dp_root_cause *r,
                           size_t n);

/**
 * The "Diagnosis:" block of the text report for n root causes, worst
 * first (text_report.c): a target's, or the zone's. Returns DP_OK, DP_EIO
 * or DP_ENOMEM.
 */
dp_status_t dp_report_text_causes(FILE *fp, const struct dp_root_cause *r,
                                  size_t n, const struct dp_report_options *opt,
                                  unsigned width);

extern const struct dp_report_format dp_report_format_text;
extern const struct dp_report_format dp_report_format_json;
extern const struct dp_report_format dp_report_format_jsonl;
extern const struct dp_report_format dp_report_format_junit;
extern const struct dp_report_format dp_report_format_nagios;
extern const struct dp_report_format dp_report_format_prometheus;

#endif
