/*
 * main.c: dnsprobe's entry point: parse, run, clean up, and exit with the
 * status's code (options.h: 0 ok, 1 warning, 2 critical, 3 could not do
 * its job). Every failure to do the job is one line on stderr; findings
 * about servers are never errors.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "explain.h"
#include "options.h"
#include "serve.h"
#include "summarize.h"

int main(int argc, char **argv)
{
  struct dp_cli_config cfg;
  char err[512];
  int rc = DP_EXIT_UNKNOWN;

  /* A closed pipe must not kill us mid-report; writes then fail with EPIPE
   * and the report layer says so. */
  signal(SIGPIPE, SIG_IGN);
  if (argc > 1 && strcmp(argv[1], "explain") == 0)
    return dp_cli_explain(argc - 1, argv + 1, stdout, stderr);
  if (argc > 1 && strcmp(argv[1], "summarize") == 0)
    return dp_cli_summarize(argc - 1, argv + 1, stdout, stderr);
  if (argc > 1 && strcmp(argv[1], "completion") == 0)
    return dp_cli_completion(argc - 1, argv + 1, stdout, stderr);
  if (argc > 1 && strcmp(argv[1], "serve") == 0)
    return dp_cli_serve(argc - 1, argv + 1, stdout, stderr);

  memset(&cfg, 0, sizeof(cfg));
  if (!dp_cli_parse(argc, argv, &cfg, err, sizeof(err)))
  {
    fprintf(stderr, "dnsprobe: %s (try --help)\n", err);
    goto done;
  }
  rc = dp_cli_exec(&cfg);

done:
  dp_cli_config_free(&cfg);
  return rc;
}
