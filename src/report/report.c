/*
 * report.c: the report layer's entry points: a table of the formats, each
 * one const object its file exports (name, write, write_target), so picking
 * a format, naming it and asking whether it streams all read the table.
 */
#include <string.h>

#include "format.h"

static const struct dp_report_format *const formats[DP_FORMAT_COUNT] = {
    [DP_FORMAT_TEXT] = &dp_report_format_text,
    [DP_FORMAT_JSON] = &dp_report_format_json,
    [DP_FORMAT_JSONL] = &dp_report_format_jsonl,
    [DP_FORMAT_JUNIT] = &dp_report_format_junit,
    [DP_FORMAT_NAGIOS] = &dp_report_format_nagios,
    [DP_FORMAT_PROMETHEUS] = &dp_report_format_prometheus,
};

static const struct dp_report_options defaults = {0};

static const struct dp_report_format *format_at(dp_format_t f)
{
  return (unsigned)f < DP_FORMAT_COUNT ? formats[f] : NULL;
}

dp_status_t dp_report_format_fromstr(const char *text, dp_format_t *out)
{
  if (text == NULL || out == NULL)
    return DP_EINVAL;
  for (unsigned f = 0; f < DP_FORMAT_COUNT; f++)
    if (strcmp(text, formats[f]->name) == 0)
    {
      *out = (dp_format_t)f;
      return DP_OK;
    }
  return DP_EINVAL;
}

const char *dp_report_format_tostr(dp_format_t f)
{
  const struct dp_report_format *fmt = format_at(f);
  return fmt != NULL ? fmt->name : "unknown";
}

bool dp_report_format_streams(dp_format_t f)
{
  const struct dp_report_format *fmt = format_at(f);
  return fmt != NULL && fmt->write_target != NULL;
}

dp_status_t dp_report_write(FILE *fp, dp_format_t format,
                            const struct dp_run *run,
                            const struct dp_zone_summary *zone,
                            const struct dp_report_options *opt)
{
  const struct dp_report_format *fmt = format_at(format);
  if (fp == NULL || run == NULL || fmt == NULL ||
      (run->ntargets > 0 && run->targets == NULL))
    return DP_EINVAL;
  return fmt->write(fp, run, zone, opt != NULL ? opt : &defaults);
}

dp_status_t dp_report_write_target(FILE *fp, dp_format_t format,
                                   const struct dp_run *run,
                                   const struct dp_target_result *t,
                                   const struct dp_report_options *opt)
{
  const struct dp_report_format *fmt = format_at(format);
  if (fp == NULL || run == NULL || t == NULL || fmt == NULL ||
      fmt->write_target == NULL)
    return DP_EINVAL;
  return fmt->write_target(fp, run, t, opt != NULL ? opt : &defaults);
}
