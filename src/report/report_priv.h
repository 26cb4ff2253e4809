/*
 * report_priv.h: what the report layer's files share among themselves and
 * nobody else uses: one writer per format, the wrapper that continues a line
 * already started, and the names the formats have in common.
 */
#ifndef DNSPROBE_REPORT_PRIV_H
#define DNSPROBE_REPORT_PRIV_H

#include <stdio.h>

#include "dnsprobe/report.h"

/** The JSON report (schema dnsprobe/1). Returns DP_OK or DP_EIO. */
dp_status_t dp_report_json_write(FILE *fp, const struct dp_run *run,
                                 const struct dp_report_options *opt);

/** The text report. Returns DP_OK or DP_EIO. */
dp_status_t dp_report_text_write(FILE *fp, const struct dp_run *run,
                                 const struct dp_report_options *opt);

/**
 * dp_report_wrap for a line that already holds col columns: the text starts
 * right there, continuation and snippet lines are indented by indent.
 * Returns DP_OK or DP_EIO.
 */
dp_status_t dp_report_wrap_at(FILE *fp, const char *text, unsigned col,
                              unsigned indent, unsigned width);

/** Stable name of a transport: "udp" or "tcp". */
const char *dp_report_transport_name(dp_transport_t t);

/** The version string to print: opt->version, or the build's. */
const char *dp_report_version(const struct dp_report_options *opt);

/**
 * The verdict name a probe is shown with: its verdict, or "skipped" for a
 * probe that was not sent and so was never judged.
 */
const char *dp_report_verdict_name(const struct dp_probe_result *p);

#endif
