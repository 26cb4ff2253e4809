/*
 * knowledge.h: what DNS codes mean and how to fix what dnsprobe finds, as
 * data. One table per registry (RCODE, EDE, opcode) and one catalogue of
 * situations with a fix per server software. Keys and numbers are stable for
 * machines; sentences are for people and may change.
 */
#ifndef DNSPROBE_KNOWLEDGE_H
#define DNSPROBE_KNOWLEDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/status.h"

typedef enum
{
  DP_SOFTWARE_UNKNOWN = 0,
  DP_SOFTWARE_BIND,
  DP_SOFTWARE_UNBOUND,
  DP_SOFTWARE_KNOT,
  DP_SOFTWARE_NSD,
  DP_SOFTWARE_PDNS_AUTH,
  DP_SOFTWARE_PDNS_RECURSOR,
  DP_SOFTWARE_KNOT_RESOLVER,
  DP_SOFTWARE_DNSMASQ,
  DP_SOFTWARE_COREDNS,
  DP_SOFTWARE_WINDOWS,
  DP_SOFTWARE_COUNT
} dp_software_t;

/** Stable key ("bind", "pdns-recursor", ...; "unknown"). */
const char *dp_software_tostr(dp_software_t sw);
/** Display name ("BIND 9", "PowerDNS Recursor", ...). */
const char *dp_software_name(dp_software_t sw);

/* One RCODE (IANA "DNS RCODEs"). */
struct dp_knowledge_rcode
{
  uint16_t value;
  const char *name;       /* "REFUSED"; 16 is "BADVERS" (see alt_name) */
  const char *alt_name;   /* "BADSIG" for 16, else NULL */
  const char *rfc;        /* "RFC 1035" */
  const char *summary;    /* one line */
  const char *when;       /* situations that produce it, naming probes */
  const char *fix;        /* how to fix */
};

/* One Extended DNS Error INFO-CODE (RFC 8914 and later). */
struct dp_knowledge_ede
{
  uint16_t code;
  const char *name;       /* "Prohibited" */
  const char *rfc;
  const char *summary;
  const char *fix;
};

/* One opcode (0-15). */
struct dp_knowledge_opcode
{
  uint8_t value;
  const char *name;       /* "QUERY", "UPDATE", "unassigned" */
  const char *rfc;        /* NULL when unassigned */
  const char *summary;
};

/** RCODE entry for value, or NULL when unassigned (12-15, 24+). */
const struct dp_knowledge_rcode *dp_knowledge_rcode_get(uint16_t value);
/** Name for any 12-bit value: the entry's name or "RCODE<n>". Static. */
const char *dp_knowledge_rcode_name(uint16_t value);
/**
 * Parse "REFUSED", "refused", "5", "BADSIG" into a value.
 * Returns DP_OK, DP_EINVAL (unknown name) or DP_ERANGE (unassigned number).
 */
dp_status_t dp_knowledge_rcode_fromstr(const char *text, uint16_t *value);
size_t dp_knowledge_rcode_count(void);
const struct dp_knowledge_rcode *dp_knowledge_rcode_at(size_t i);

/** EDE entry for code, or NULL when not in the registry. */
const struct dp_knowledge_ede *dp_knowledge_ede_get(uint16_t code);
/** Parse "18" or "Prohibited" (case-insensitive). DP_OK/DP_EINVAL/DP_ERANGE. */
dp_status_t dp_knowledge_ede_fromstr(const char *text, uint16_t *code);
size_t dp_knowledge_ede_count(void);
const struct dp_knowledge_ede *dp_knowledge_ede_at(size_t i);

/** Opcode entry (0-15), or NULL when value > 15. */
const struct dp_knowledge_opcode *dp_knowledge_opcode_get(uint8_t value);
/** Name of an opcode: "QUERY", ..., "OPCODE3" for unassigned. Static. */
const char *dp_knowledge_opcode_name(uint8_t value);
dp_status_t dp_knowledge_opcode_fromstr(const char *text, uint8_t *value);

/* A fix in one server software's own configuration language. */
struct dp_knowledge_fix
{
  dp_software_t software;
  const char *setting;    /* "allow-transfer", or NULL when it cannot */
  const char *snippet;    /* config lines, or a plain statement */
};

/*
 * A situation dnsprobe diagnoses. Stable keys:
 *   zone-root-default        no --zone given: zone probes used "."
 *   zone-lame                REFUSED/NOTAUTH to the zone's own SOA
 *   zone-servfail            SERVFAIL to the zone's own SOA
 *   zone-not-authoritative   NOERROR without AA to the zone's SOA
 *   zone-unexpected          an odd answer to the zone's SOA
 *   tcp-unavailable          UDP answers, TCP does not (RFC 7766)
 *   unreachable              nothing answers at all
 *   recursion-open           recursion offered by an authoritative server
 *   recursion-refused        recursion refused to this client
 *   recursion-inconsistent   REFUSED with RA=1
 *   recursion-failing        SERVFAIL with RA=1
 *   recursion-dnssec         SERVFAIL caused by DNSSEC validation
 *   recursion-upstream       SERVFAIL caused by unreachable upstreams
 *   axfr-open                zone transfer (AXFR or IXFR) allowed to this client
 *   axfr-denied              transfer denied (how to allow a real secondary)
 *   update-accepted          dynamic UPDATE accepted from this client
 *   update-denied            UPDATE denied (how to allow a real updater)
 *   update-not-supported     the server has no dynamic update
 *   notify-accepted          NOTIFY accepted from this client
 *   notify-refused           NOTIFY refused (how to allow the real primary)
 *   version-disclosed        the software version is answered to anyone
 *   opcode-noncompliant      unknown opcode not answered with NOTIMP
 *   edns-noncompliant        an RFC 6891 / 8906 EDNS test failed
 *   rate-limited             identical answers limited (RRL): a probe not tested
 *   no-answer                one probe got no reply while others did
 *   unexpected-answer        a reply this probe does not expect (e.g. FORMERR)
 *   malformed-answer         a reply could not be read as DNS
 */
struct dp_knowledge_situation
{
  const char *key;
  const char *title;        /* short, for a finding's heading */
  const char *explanation;  /* what it means in this context */
  const char *fix;          /* what to change, in general */
  const struct dp_knowledge_fix *fixes;  /* per software, ends with .snippet NULL */
};

/** Situation by key, or NULL. */
const struct dp_knowledge_situation *dp_knowledge_situation_get(const char *key);
size_t dp_knowledge_situation_count(void);
const struct dp_knowledge_situation *dp_knowledge_situation_at(size_t i);

/** The situation's fix for sw, or NULL when the catalogue has none. */
const struct dp_knowledge_fix *
dp_knowledge_situation_fix(const struct dp_knowledge_situation *s,
                           dp_software_t sw);

#endif
