/*
 * software.c: stable keys and display names for the DNS server software
 * the fix catalogue knows. One row per dp_software_t value, indexed by the
 * enum, so a new software needs exactly one new row here.
 *
 * Invariant: every value below DP_SOFTWARE_COUNT has a non-NULL key and
 * name; out-of-range values map to the "unknown" row.
 */
#include <string.h>

#include "dnsprobe/knowledge.h"

struct software_row
{
  const char *key;
  const char *name;
};

static const struct software_row rows[DP_SOFTWARE_COUNT] = {
    [DP_SOFTWARE_UNKNOWN] = {"unknown", "unknown software"},
    [DP_SOFTWARE_BIND] = {"bind", "BIND 9"},
    [DP_SOFTWARE_UNBOUND] = {"unbound", "Unbound"},
    [DP_SOFTWARE_KNOT] = {"knot", "Knot DNS"},
    [DP_SOFTWARE_NSD] = {"nsd", "NSD"},
    [DP_SOFTWARE_PDNS_AUTH] = {"pdns-auth", "PowerDNS Authoritative Server"},
    [DP_SOFTWARE_PDNS_RECURSOR] = {"pdns-recursor", "PowerDNS Recursor"},
    [DP_SOFTWARE_KNOT_RESOLVER] = {"knot-resolver", "Knot Resolver"},
    [DP_SOFTWARE_DNSMASQ] = {"dnsmasq", "dnsmasq"},
    [DP_SOFTWARE_COREDNS] = {"coredns", "CoreDNS"},
    [DP_SOFTWARE_WINDOWS] = {"windows", "Windows DNS Server"},
};

static const struct software_row *row(dp_software_t sw)
{
  if ((unsigned)sw >= DP_SOFTWARE_COUNT)
    return &rows[DP_SOFTWARE_UNKNOWN];
  return &rows[sw];
}

const char *dp_software_tostr(dp_software_t sw)
{
  return row(sw)->key;
}

const char *dp_software_name(dp_software_t sw)
{
  return row(sw)->name;
}

dp_status_t dp_software_fromstr(const char *text, dp_software_t *sw)
{
  if (text == NULL || sw == NULL)
    return DP_EINVAL;
  for (unsigned i = 1; i < DP_SOFTWARE_COUNT; i++)
    if (strcmp(rows[i].key, text) == 0)
    {
      *sw = (dp_software_t)i;
      return DP_OK;
    }
  return DP_EINVAL;
}
