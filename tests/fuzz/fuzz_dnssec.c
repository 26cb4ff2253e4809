/*
 * fuzz_dnssec.c: any bytes as a server's answers to the DNSSEC checks.
 *
 * The input is up to four DNS messages, each after a 2-byte big-endian
 * length (the framing of DNS over TCP, RFC 7766 8): the answers to DNSKEY,
 * SOA and NSEC3PARAM queries for a zone, then a DS answer from its parent.
 * The zone is the first message's question name. dp_dnssec_check and
 * dp_dnssec_ds_match must never read out of bounds, leak or loop, and
 * their results must keep their bounds, whatever the bytes. The corpus
 * (corpus/dnssec) is the DNSSEC lab's real answers, framed so, written by
 * tests/unit/gen_dnssec_fixtures.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/dnssec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FRAMES 4
#define NOW INT64_C(1735689600) /* the lab fixtures' signing clock */

/* The first message's question name, or the root when it has none. */
static void zone_of(const uint8_t *msg, size_t len, char *zone, size_t cap)
{
  struct dp_wire_msg m;
  uint8_t name[DP_DNS_NAME_MAX];
  size_t n;

  if (msg == NULL || dp_wire_msg_parse(msg, len, &m) != DP_OK ||
      !m.has_question ||
      dp_wire_name_read(msg, len, m.qname_off, name, sizeof name, &n, NULL) !=
          DP_OK ||
      dp_wire_name_tostr(name, n, zone, cap) != DP_OK)
    strcpy(zone, ".");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *msg[FRAMES] = {NULL};
  size_t len[FRAMES] = {0};
  size_t at = 0;
  char zone[DP_WIRE_NAME_STRLEN];

  for (int i = 0; i < FRAMES && size - at >= 2; i++)
  {
    size_t n = (size_t)data[at] << 8 | data[at + 1];
    at += 2;
    if (n > size - at)
      n = size - at;
    msg[i] = data + at;
    len[i] = n;
    at += n;
  }
  zone_of(msg[0], len[0], zone, sizeof zone);

  struct dp_dnssec_result *out = malloc(sizeof *out);
  struct dp_dnssec_ds_result *ds = malloc(sizeof *ds);
  if (out == NULL || ds == NULL)
    goto done;
  const struct dp_dnssec_input in = {
      .zone = zone,
      .now = NOW,
      .dnskey = msg[0],
      .dnskey_len = len[0],
      .soa = msg[1],
      .soa_len = len[1],
      .nsec3param = msg[2],
      .nsec3param_len = len[2],
  };
  if (dp_dnssec_check(&in, out) == DP_OK)
  {
    if (out->nsigs > DP_DNSSEC_SIGS_MAX || out->nsigs > out->sigs_seen ||
        out->nkeys > DP_DNSSEC_KEYS_MAX ||
        out->nfindings > DP_DNSSEC_FINDINGS_MAX ||
        out->severity > DP_DNSSEC_SEV_CRITICAL)
      __builtin_trap(); /* a result out of its bounds */
    for (size_t i = 0; i < out->nfindings; i++)
      if (memchr(out->findings[i].detail, '\0', DP_DNSSEC_DETAIL_LEN) == NULL)
        __builtin_trap(); /* a sentence without its end */
  }
  if (msg[0] != NULL && msg[3] != NULL &&
      dp_dnssec_ds_match(zone, msg[3], len[3], msg[0], len[0], ds) == DP_OK)
  {
    if (ds->nds > DP_WIRE_RR_MAX || ds->nkeys > DP_DNSSEC_KEYS_MAX)
      __builtin_trap();
    for (size_t i = 0; i < ds->nds; i++)
      if (ds->ds[i].key >= (int)ds->nkeys)
        __builtin_trap(); /* a DS matched to a key that is not there */
  }

done:
  free(out);
  free(ds);
  return 0;
}
