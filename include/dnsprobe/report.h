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

struct dp_zone_summary; /* zone.h: zone mode's comparison of the servers */

typedef enum
{
  DP_FORMAT_TEXT = 0,
  DP_FORMAT_JSON,
  DP_FORMAT_JSONL,      /* a compact dnsprobe/1 object per target a line */
  DP_FORMAT_JUNIT,      /* a testsuite per target, a testcase per probe */
  DP_FORMAT_NAGIOS,     /* status line, perfdata, long output */
  DP_FORMAT_PROMETHEUS, /* text exposition format 0.0.4 */
  DP_FORMAT_COUNT
} dp_format_t;

struct dp_report_options
{
  bool color;          /* ANSI colours in text */
  unsigned width;      /* wrap text at this many columns; 0: 80 */
  const char *version; /* dnsprobe's version string */
  bool show_commands;  /* text: list each probe's reproduce command */
  bool verbose;        /* text: each probe's finding after the diagnosis */
  bool brief;          /* jsonl: compact records (schema dnsprobe-brief/1) */
};

/**
 * Parse a format name: "text", "json", "jsonl", "junit", "nagios" or
 * "prometheus". Returns DP_OK or DP_EINVAL.
 */
dp_status_t dp_report_format_fromstr(const char *text, dp_format_t *out);
/** The name of a format, as fromstr takes it; "unknown" when out of range. */
const char *dp_report_format_tostr(dp_format_t f);

/**
 * Whether a format can be written one target at a time as each completes
 * (dp_report_write_target): jsonl.
 */
bool dp_report_format_streams(dp_format_t f);

/**
 * Write a whole run in one format to fp; zone is zone mode's comparison of
 * the zone's servers (json adds a "zone" object, text a zone section), NULL
 * in every other mode. Returns DP_OK, DP_EINVAL, DP_EIO (a write failed) or,
 * for prometheus only, DP_ENOMEM.
 */
dp_status_t dp_report_write(FILE *fp, dp_format_t format,
                            const struct dp_run *run,
                            const struct dp_zone_summary *zone,
                            const struct dp_report_options *opt);

/**
 * Write one target of a run in a streaming format, for a caller that reports
 * each target as it completes (dp_probe_run_options.target_done): for jsonl,
 * one line with the run's "schema", "version" and "started_at" and then the
 * target's members exactly as in the json report's targets[]. run supplies
 * only started_at, so it may still be running; t need not be one of
 * run->targets. Returns DP_OK, DP_EIO (a write failed) or DP_EINVAL (a NULL
 * argument, or a format that cannot stream: see dp_report_format_streams).
 */
dp_status_t dp_report_write_target(FILE *fp, dp_format_t format,
                                   const struct dp_run *run,
                                   const struct dp_target_result *t,
                                   const struct dp_report_options *opt);

/* A report file being written: see dp_report_output_create. */
typedef struct dp_report_output dp_report_output_t;

/**
 * Start writing a report that replaces path atomically: a new temporary
 * file in path's directory (mkstemp; a hidden name ".BASE.XXXXXX", so a
 * collector that reads *.prom never sees it), mode 0644 less the umask.
 * Write to dp_report_output_fp, then dp_report_output_commit; destroying it
 * uncommitted removes the temporary file. Readers of path see the old file
 * or the complete new one, never a part (rename(2) is atomic; a symbolic
 * link at path is replaced, not followed). *out is owned by the caller.
 * Returns DP_OK, DP_EINVAL (path NULL, empty or ending in '/'; out NULL),
 * DP_ENOMEM or DP_EIO (the temporary file cannot be made, e.g. the
 * directory does not exist or is not writable; errno says why).
 */
dp_status_t dp_report_output_create(const char *path, dp_report_output_t **out);

/** The stream to write the report to (borrowed; NULL for NULL). */
FILE *dp_report_output_fp(dp_report_output_t *o);

/**
 * Finish: flush, fsync, close and rename the temporary file over path, then
 * fsync the directory (best effort). Always frees o. On failure the
 * temporary file is removed, path is untouched and errno is kept from the
 * call that failed. Returns DP_OK, DP_EINVAL (o NULL) or DP_EIO (a write,
 * the fsync or the rename failed, or the stream had an error before).
 */
dp_status_t dp_report_output_commit(dp_report_output_t *o);

/** Abandon an uncommitted output: close and remove the temporary file and
 * free o. NULL is a no-op. */
void dp_report_output_destroy(dp_report_output_t *o);

/**
 * Write a whole run in one format to path atomically (dp_report_output_*
 * around dp_report_write). On any failure path is untouched and no
 * temporary file is left behind. Returns DP_OK, DP_EINVAL (a NULL argument,
 * a bad path as for dp_report_output_create, an unknown format), DP_ENOMEM
 * or DP_EIO (errno says why).
 */
dp_status_t dp_report_write_file(const char *path, dp_format_t format,
                                 const struct dp_run *run,
                                 const struct dp_zone_summary *zone,
                                 const struct dp_report_options *opt);

/**
 * The dig command that sends the same query as probe p of target t (BIND
 * 9.18 syntax), into buf. Returns DP_OK, DP_EINVAL or DP_ESPACE.
 */
dp_status_t dp_report_reproduce(const struct dp_target_result *t,
                                const struct dp_probe_result *p, char *buf,
                                size_t cap);

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
