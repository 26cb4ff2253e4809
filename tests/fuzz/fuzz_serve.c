/*
 * fuzz_serve.c: any bytes as what a client or an operator hands the
 * exporter: a /probe query string (and a target= value alone), an
 * allow-list rule, and a whole YAML configuration file. Each parser must
 * accept or refuse with one line, never crash, loop or read out of bounds;
 * whatever the configuration parser accepts is read back through its
 * getters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[512];
  char *s = malloc(size + 1);
  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';

  struct dp_serve_query q;
  if (dp_serve_query_parse(s, &q, err, sizeof(err)) != DP_OK &&
      strchr(err, '\n') != NULL)
    abort(); /* a 400's reason is one line */
  struct dp_serve_target t;
  (void)dp_serve_target_parse(s, &t, err, sizeof(err));
  struct dp_serve_allow a;
  memset(&a, 0, sizeof(a));
  if (dp_serve_allow_add(&a, s, err, sizeof(err)) == DP_OK)
  {
    char rule[128];
    dp_serve_allow_rule_write(&a.rules[0], rule, sizeof(rule));
    (void)dp_serve_allow_name(&a, "ns1.example.net.");
    (void)dp_serve_allow_address(&a, &t.addr);
  }
  dp_serve_allow_clear(&a);

  /* the raw bytes, not the NUL-cut copy: the parser takes a length */
  struct dp_serve_config cfg;
  if (dp_serve_config_parse((const char *)data, size, "fuzz.yaml", &cfg, err,
                            sizeof(err)) == DP_OK)
  {
    for (size_t i = 0; i < cfg.nmodules; i++)
      if (dp_serve_config_module(&cfg, cfg.modules[i].name) == NULL)
        abort();
    (void)dp_serve_allow_name(&cfg.allow, "example.net.");
    dp_serve_config_clear(&cfg);
  }
  else if (strchr(err, '\n') != NULL)
    abort();
  free(s);
  return 0;
}
