/*
 * summarize.h: `dnsprobe summarize FILE...`, the fleet summary of JSON-lines
 * reports (full or --brief; one per shard, say): targets by status, roles,
 * the most common root causes, software, the slowest targets.
 */
#ifndef DNSPROBE_CLI_SUMMARIZE_H
#define DNSPROBE_CLI_SUMMARIZE_H

#include <stdio.h>

/**
 * Run `dnsprobe summarize [--format text|json] [--top N] FILE...`; argv[0]
 * is "summarize", a FILE of "-" is standard input. Writes the summary to
 * out and any error (one line) to err. Returns the exit code: the worst
 * status among the records (0 ok, 1 warning, 2 critical, 3 unknown), or 3
 * (DP_EXIT_UNKNOWN) for bad options, a file that cannot be read, or a line
 * that is not a record (a torn last line is only noted on err).
 */
int dp_cli_summarize(int argc, char **argv, FILE *out, FILE *err);

#endif
