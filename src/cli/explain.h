/*
 * explain.h: `dnsprobe explain`, the offline knowledge base on the command
 * line: one code, a comparison of several, EDE and opcode entries, a list.
 */
#ifndef DNSPROBE_CLI_EXPLAIN_H
#define DNSPROBE_CLI_EXPLAIN_H

#include <stdio.h>

/**
 * Run `dnsprobe explain ARGS...`; argv[0] is "explain". Writes the answer to
 * out and any error (one line) to err. Returns the exit code: 0, or 3
 * (DP_EXIT_UNKNOWN) for unknown or out-of-range codes and bad options.
 */
int dp_cli_explain(int argc, char **argv, FILE *out, FILE *err);

#endif
