/*
 * serve.h: `dnsprobe serve`, the command line of the Prometheus exporter
 * (src/serve): its options, from one table that also writes
 * `dnsprobe serve --help`.
 */
#ifndef DNSPROBE_CLI_SERVE_H
#define DNSPROBE_CLI_SERVE_H

#include <stdio.h>

#include "options.h"

/**
 * Run `dnsprobe serve [options]`; argv[0] is "serve". --help goes to out;
 * a usage or configuration error, or a failure to listen, is one line on
 * err. The request log goes to err as well. Returns the exit code: 0 after
 * a stop by SIGTERM or SIGINT (or for --help), 3 (DP_EXIT_UNKNOWN) when it
 * cannot serve.
 */
int dp_cli_serve(int argc, char **argv, FILE *out, FILE *err);

/** How many options `dnsprobe serve` has (its --help and the completion). */
size_t dp_cli_serve_option_count(void);
/** Option i of `dnsprobe serve`, as options.h describes an option. */
struct dp_cli_option_doc dp_cli_serve_option_at(size_t i);

#endif
