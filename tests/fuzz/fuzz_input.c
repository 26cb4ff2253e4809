/*
 * fuzz_input.c: any bytes as command-line input: a TARGET, a zone name and
 * a probe list, and as a line of a JSON-lines report (--resume, summarize)
 * for the JSON reader. Each parser must accept or refuse with a message,
 * never crash or overrun.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/jsonread.h"
#include "dnsprobe/probes.h"
#include "dnsprobe/wire.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';

  char err[256], canon[DP_WIRE_NAME_STRLEN];
  struct dp_cli_target t;
  memset(&t, 0, sizeof(t));
  if (dp_cli_target_parse(s, &t, err, sizeof(err)))
  {
    free(t.given);
    free(t.host);
  }
  (void)dp_wire_name_canon(s, canon, sizeof(canon));
  dp_probe_set_t set;
  const char *bad;
  (void)dp_probe_select(s, NULL, &set, &bad);
  (void)dp_probe_select(NULL, s, &set, &bad);

  /* the raw bytes, not the NUL-cut copy: the reader takes a length */
  struct dp_jsonr doc;
  if (dp_jsonr_parse(&doc, (const char *)data, size, 4096) == DP_OK)
  {
    char buf[64];
    double v;
    for (size_t i = 0; i < doc.ntoks; i++)
    {
      (void)dp_jsonr_string(&doc, i, buf, sizeof(buf));
      (void)dp_jsonr_number(&doc, i, &v);
      (void)dp_jsonr_element(&doc, i, 1);
    }
    (void)dp_jsonr_member(&doc, 0, "target");
  }
  dp_jsonr_free(&doc);

  char *argv[] = {(char *)"dnsprobe", (char *)"--zone", s, (char *)"127.0.0.1",
                  NULL};
  struct dp_cli_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  (void)dp_cli_parse(4, argv, &cfg, err, sizeof(err));
  dp_cli_config_free(&cfg);
  free(s);
  return 0;
}
