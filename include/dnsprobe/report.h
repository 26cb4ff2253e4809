/*
 * report.h: formatters for a finished run, behind one interface.
 * The report layer only reads the run model; it never decides verdicts.
 */
#ifndef DNSPROBE_REPORT_H
#define DNSPROBE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "dnsprobe/result.h"
#include "dnsprobe/status.h"

typedef enum
{
  DP_FORMAT_TEXT = 0,
  DP_FORMAT_JSON,
  DP_FORMAT_COUNT
} dp_format_t;

struct dp_report_options
{
  bool color;           /* ANSI colours in text */
  unsigned width;       /* wrap text at this many columns; 0: 80 */
  const char *version;  /* dnsprobe's version string */
};

/** Parse "text" or "json". Returns DP_OK or DP_EINVAL. */
dp_status_t dp_report_format_fromstr(const char *text, dp_format_t *out);
const char *dp_report_format_tostr(dp_format_t f);

/**
 * Write a whole run in one format to fp.
 * Returns DP_OK, DP_EINVAL or DP_EIO (a write failed).
 */
dp_status_t dp_report_write(FILE *fp, dp_format_t format,
                            const struct dp_run *run,
                            const struct dp_report_options *opt);

/**
 * Write text word-wrapped to width columns (0: 80): the first line indented
 * by first_indent spaces, the rest by indent; ends with a newline. Words
 * longer than a line are not split. Returns DP_OK or DP_EIO.
 */
dp_status_t dp_report_wrap(FILE *fp, const char *text, unsigned first_indent,
                           unsigned indent, unsigned width);

/**
 * ANSI SGR sequence for a severity ("" when color is false): green ok, cyan
 * info, yellow warning, bold red critical. dp_report_color_reset gives the
 * reset sequence or "".
 */
const char *dp_report_color_severity(dp_severity_t s, bool color);
const char *dp_report_color_reset(bool color);

#endif
