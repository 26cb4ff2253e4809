/*
 * ids.c: the names of the shared identities (ids.h), each from one table
 * indexed by its enum. Names are part of the JSON schema dnsprobe/1: never
 * rename one.
 */
#include <string.h>

#include "dnsprobe/buf.h"
#include "dnsprobe/ids.h"

static const char *const transport_names[DP_TRANSPORT_COUNT] = {
    [DP_TRANSPORT_UDP] = "udp",
    [DP_TRANSPORT_TCP] = "tcp",
};

static const char *const outcome_names[DP_OUTCOME_COUNT] = {
    [DP_OUTCOME_ANSWER] = "answer",
    [DP_OUTCOME_TIMEOUT] = "timeout",
    [DP_OUTCOME_PORT_UNREACHABLE] = "port-unreachable",
    [DP_OUTCOME_CONN_REFUSED] = "connection-refused",
    [DP_OUTCOME_CONN_RESET] = "connection-reset",
    [DP_OUTCOME_CLOSED] = "closed",
    [DP_OUTCOME_MALFORMED] = "malformed",
    [DP_OUTCOME_HOST_UNREACHABLE] = "host-unreachable",
    [DP_OUTCOME_SKIPPED] = "skipped",
    [DP_OUTCOME_LOCAL_ERROR] = "local-error",
};

static const char *const probe_names[DP_PROBE_COUNT] = {
    [DP_PROBE_UDP] = "udp",
    [DP_PROBE_TCP] = "tcp",
    [DP_PROBE_RECURSION] = "recursion",
    [DP_PROBE_AXFR] = "axfr",
    [DP_PROBE_IXFR] = "ixfr",
    [DP_PROBE_UPDATE] = "update",
    [DP_PROBE_NOTIFY] = "notify",
    [DP_PROBE_OPCODE] = "opcode",
    [DP_PROBE_PLAIN] = "plain",
    [DP_PROBE_EDNS] = "edns",
    [DP_PROBE_EDNS1] = "edns1",
    [DP_PROBE_EDNSOPT] = "ednsopt",
    [DP_PROBE_EDNSFLAGS] = "ednsflags",
    [DP_PROBE_ZFLAG] = "zflag",
    [DP_PROBE_TYPE1000] = "type1000",
    [DP_PROBE_DO] = "do",
    [DP_PROBE_BUFSIZE512] = "bufsize512",
    [DP_PROBE_NSID] = "nsid",
    [DP_PROBE_COOKIE] = "cookie",
    [DP_PROBE_VERSION] = "version",
    [DP_PROBE_HOSTNAME] = "hostname",
    [DP_PROBE_IDSERVER] = "idserver",
    [DP_PROBE_DNSKEY] = "dnskey",
    [DP_PROBE_NSEC3PARAM] = "nsec3param",
    [DP_PROBE_CASE] = "case",
};

static const char *const followup_names[DP_FOLLOWUP_COUNT] = {
    [DP_FOLLOWUP_CD] = "cd",
    [DP_FOLLOWUP_TCP] = "tcp",
    [DP_FOLLOWUP_NOEDNS] = "noedns",
    [DP_FOLLOWUP_BUFSIZE4096] = "bufsize4096",
    [DP_FOLLOWUP_SAME_QUESTION] = "same-question",
    [DP_FOLLOWUP_RETRY] = "retry",
    [DP_FOLLOWUP_OTHER_CASE] = "other-case",
};

/* The name at i of a table of n, or "unknown" for a hole or out of range. */
static const char *name_at(const char *const *names, size_t n, unsigned i)
{
  return i < n && names[i] != NULL ? names[i] : "unknown";
}

#define NAME_AT(table, i)                                                      \
  name_at(table, sizeof(table) / sizeof(table[0]), (unsigned)(i))

const char *dp_transport_tostr(dp_transport_t t)
{
  return NAME_AT(transport_names, t);
}

const char *dp_outcome_tostr(dp_outcome_t outcome)
{
  return NAME_AT(outcome_names, outcome);
}

const char *dp_probe_id_tostr(dp_probe_id_t id)
{
  return NAME_AT(probe_names, id);
}

dp_status_t dp_probe_id_fromstr(const char *text, size_t n, dp_probe_id_t *id)
{
  if (text == NULL || id == NULL)
    return DP_EINVAL;
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    if (strlen(probe_names[i]) == n && memcmp(probe_names[i], text, n) == 0)
    {
      *id = (dp_probe_id_t)i;
      return DP_OK;
    }
  return DP_EINVAL;
}

const char *dp_followup_id_tostr(dp_followup_id_t id)
{
  return NAME_AT(followup_names, id);
}

void dp_probe_set_describe(struct dp_buf *b, dp_probe_set_t set, size_t shown)
{
  size_t n = 0, total = 0;
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    total += (set & DP_PROBE_BIT(i)) != 0;
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    if (!(set & DP_PROBE_BIT(i)))
      continue;
    if (n == shown && total > shown + 1)
    {
      dp_buf_addf(b, " and %zu more", total - n);
      return;
    }
    dp_buf_addf(b, "%s%s",
                n == 0           ? ""
                : n + 1 == total ? " and "
                                 : ", ",
                dp_probe_id_tostr((dp_probe_id_t)i));
    n++;
  }
}
