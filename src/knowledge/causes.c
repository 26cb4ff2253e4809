/*
 * causes.c: the causes a finding can name, each with its stable key (part
 * of the JSON schema dnsprobe/1) and what it means, in words, from tables
 * indexed by dp_cause_t.
 */
#include <string.h>

#include "dnsprobe/knowledge.h"

static const struct
{
  const char *key;
  const char *words;
} causes[DP_CAUSE_COUNT] = {
    [DP_CAUSE_NONE] = {"none", NULL},
    [DP_CAUSE_DNSSEC] = {"dnssec",
                         "the resolver's DNSSEC validation fails for this "
                         "name"},
    [DP_CAUSE_UPSTREAM] = {"upstream",
                           "the resolver cannot get an answer from its "
                           "upstreams"},
    [DP_CAUSE_UDP_BLOCKED] = {"udp-blocked",
                              "DNS over UDP is blocked on the way"},
    [DP_CAUSE_EDNS_DROPPED] = {"edns-dropped",
                               "queries with EDNS are dropped on the way"},
    [DP_CAUSE_RATE_LIMITED] = {"rate-limited",
                               "the server limits how many identical "
                               "answers this client gets per second "
                               "(response rate limiting, RRL); a battery "
                               "asks for the zone's SOA about ten times in a "
                               "few milliseconds"},
    [DP_CAUSE_FRAGMENTATION] = {"fragmentation",
                                "large UDP answers are lost on the way"},
    [DP_CAUSE_LEGACY] = {"legacy", "an old server without EDNS"},
    [DP_CAUSE_BROKEN] = {"broken", "the server fails with and without EDNS"},
    [DP_CAUSE_LAME] = {"lame", "the zone is not served here (lame) or "
                               "allow-query shuts this client out"},
    [DP_CAUSE_CLIENT_REFUSED] = {"client-refused",
                                 "the server refuses this client everything, "
                                 "even an unknown opcode: an access list "
                                 "shuts this client out (allow-query, "
                                 "access-control), whether or not the zone "
                                 "is configured"},
    [DP_CAUSE_PORT_CLOSED] = {"port-closed",
                              "nothing listens on this port (ICMP port "
                              "unreachable, TCP refused)"},
    [DP_CAUSE_FILTERED] = {"filtered",
                           "nothing at all came back: a firewall drops the "
                           "packets, or the host is down"},
    [DP_CAUSE_TCP_RESET] = {"tcp-reset", "connections are reset"},
};

const char *dp_cause_tostr(dp_cause_t c)
{
  return (unsigned)c < DP_CAUSE_COUNT ? causes[c].key : "unknown";
}

dp_status_t dp_cause_fromstr(const char *text, dp_cause_t *c)
{
  if (text == NULL || c == NULL)
    return DP_EINVAL;
  for (unsigned i = 1; i < DP_CAUSE_COUNT; i++)
    if (strcmp(causes[i].key, text) == 0)
    {
      *c = (dp_cause_t)i;
      return DP_OK;
    }
  return DP_EINVAL;
}

const char *dp_knowledge_cause_words(dp_cause_t c)
{
  return (unsigned)c < DP_CAUSE_COUNT ? causes[c].words : NULL;
}
