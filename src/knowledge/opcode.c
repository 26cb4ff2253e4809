/*
 * opcode.c: the DNS opcode table (RFC 1035 section 4.1.1 and the IANA "DNS
 * OpCodes" registry). The opcode is a 4-bit header field, so the table has
 * exactly 16 rows, assigned or not.
 *
 * Invariants: row i holds opcode i; name and summary are never NULL; rfc is
 * NULL exactly for the unassigned rows (3 and 7-15), whose name is
 * "unassigned" and whose printable name is "OPCODE<n>".
 */
#include <string.h>
#include <strings.h>

#include "dnsprobe/knowledge.h"

#define NOPCODES 16u

#define UNASSIGNED(n)                                                          \
  {                                                                            \
    n, "unassigned", NULL,                                                     \
        "Unassigned. A compliant server answers NOTIMP with the opcode "       \
        "echoed (RFC 8906 section 8.1.4); dnsprobe's opcode probe sends 15."   \
  }

static const struct dp_knowledge_opcode opcodes[NOPCODES] = {
    {0, "QUERY", "RFC 1035",
     "Standard query: every ordinary lookup, and zone transfers, which are "
     "queries for the AXFR and IXFR types."},
    {1, "IQUERY", "RFC 3425",
     "Inverse query, made obsolete by RFC 3425; servers answer it with "
     "NOTIMP."},
    {2, "STATUS", "RFC 1035",
     "Server status request; reserved by RFC 1035 but never specified, so "
     "nothing uses it."},
    UNASSIGNED(3),
    {4, "NOTIFY", "RFC 1996",
     "Zone change notification: a primary tells its secondaries that the zone "
     "changed, so they check its SOA serial and transfer it."},
    {5, "UPDATE", "RFC 2136",
     "Dynamic update: add or delete records in a zone over DNS, optionally "
     "guarded by prerequisites and TSIG."},
    {6, "DSO", "RFC 8490",
     "DNS Stateful Operations: session signalling such as keepalive, only on "
     "TCP or TLS connections, never over UDP."},
    UNASSIGNED(7),
    UNASSIGNED(8),
    UNASSIGNED(9),
    UNASSIGNED(10),
    UNASSIGNED(11),
    UNASSIGNED(12),
    UNASSIGNED(13),
    UNASSIGNED(14),
    UNASSIGNED(15),
};

static const char *const printable[NOPCODES] = {
    "QUERY",    "IQUERY",   "STATUS",   "OPCODE3",  "NOTIFY",   "UPDATE",
    "DSO",      "OPCODE7",  "OPCODE8",  "OPCODE9",  "OPCODE10", "OPCODE11",
    "OPCODE12", "OPCODE13", "OPCODE14", "OPCODE15",
};

const struct dp_knowledge_opcode *dp_knowledge_opcode_get(uint8_t value)
{
  return value < NOPCODES ? &opcodes[value] : NULL;
}

const char *dp_knowledge_opcode_name(uint8_t value)
{
  return value < NOPCODES ? printable[value] : "OPCODE?";
}

dp_status_t dp_knowledge_opcode_fromstr(const char *text, uint8_t *value)
{
  const char *p = text;
  unsigned long v = 0;

  if (text == NULL || value == NULL || *text == '\0')
    return DP_EINVAL;
  for (unsigned i = 0; i < NOPCODES; i++)
  {
    if (strcasecmp(text, printable[i]) == 0)
    {
      *value = (uint8_t)i;
      return DP_OK;
    }
  }
  if (strncasecmp(text, "OPCODE", 6) == 0)
    p = text + 6;
  if (*p == '\0')
    return DP_EINVAL;
  for (const char *d = p; *d != '\0'; d++)
  {
    if (*d < '0' || *d > '9')
      return DP_EINVAL;
    if (v <= 0xFFFFFFul)
      v = v * 10 + (unsigned long)(*d - '0');
  }
  if (v >= NOPCODES)
    return DP_ERANGE;
  *value = (uint8_t)v;
  return DP_OK;
}
