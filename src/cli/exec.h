/*
 * exec.h: the execution half of the command line (Knot's kdig split of
 * main, parameters and execution): from a parsed configuration to a
 * written report and an exit code.
 */
#ifndef DNSPROBE_CLI_EXEC_H
#define DNSPROBE_CLI_EXEC_H

#include "options.h"

/**
 * Run what cfg asks for (--help, --version, --list-probes, or a battery on
 * its targets, zone mode included) and write the report. Every failure to
 * do the job is one line on stderr. Returns the exit code (DP_EXIT_*).
 */
int dp_cli_exec(struct dp_cli_config *cfg);

#endif
