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
/** The software with key text (not "unknown"). Returns DP_OK or
 * DP_EINVAL. */
dp_status_t dp_software_fromstr(const char *text, dp_software_t *sw);
/** Display name ("BIND 9", "PowerDNS Recursor", ...). */
const char *dp_software_name(dp_software_t sw);

/* One RCODE (IANA "DNS RCODEs"). */
struct dp_knowledge_rcode
{
  uint16_t value;
  const char *name;     /* "REFUSED"; 16 is "BADVERS" (see alt_name) */
  const char *alt_name; /* "BADSIG" for 16, else NULL */
  const char *rfc;      /* "RFC 1035" */
  const char *summary;  /* one line */
  const char *when;     /* situations that produce it, naming probes */
  const char *fix;      /* how to fix */
};

/* One Extended DNS Error INFO-CODE (RFC 8914 and later). */
struct dp_knowledge_ede
{
  uint16_t code;
  const char *name; /* "Prohibited" */
  const char *rfc;
  const char *summary;
  const char *fix;
};

/* One opcode (0-15). */
struct dp_knowledge_opcode
{
  uint8_t value;
  const char *name; /* "QUERY", "UPDATE", "unassigned" */
  const char *rfc;  /* NULL when unassigned */
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
  const char *setting; /* "allow-transfer", or NULL when it cannot */
  const char *snippet; /* config lines, or a plain statement */
};

/*
 * What dnsprobe finds about one probe: the key of a situation of the
 * catalogue (its explanation and fixes), or an expectation not met.
 */
typedef enum
{
  DP_FINDING_NONE = 0,
  DP_FINDING_ZONE_ROOT_DEFAULT,      /* no --zone given: zone probes used "." */
  DP_FINDING_ZONE_LAME,              /* REFUSED/NOTAUTH to the zone's own SOA */
  DP_FINDING_ZONE_SERVFAIL,          /* SERVFAIL to the zone's own SOA */
  DP_FINDING_ZONE_NOT_AUTHORITATIVE, /* NOERROR without AA to the zone's SOA */
  DP_FINDING_ZONE_UNEXPECTED,        /* an odd answer to the zone's SOA */
  DP_FINDING_TCP_UNAVAILABLE,        /* UDP answers, TCP does not (RFC 7766) */
  DP_FINDING_UNREACHABLE,            /* nothing answers at all */
  DP_FINDING_RECURSION_OPEN, /* recursion offered by an authoritative server */
  DP_FINDING_RECURSION_REFUSED,      /* recursion refused to this client */
  DP_FINDING_RECURSION_INCONSISTENT, /* REFUSED with RA=1 */
  DP_FINDING_RECURSION_FAILING,      /* SERVFAIL with RA=1 */
  DP_FINDING_RECURSION_DNSSEC,       /* SERVFAIL caused by DNSSEC validation */
  DP_FINDING_RECURSION_UPSTREAM, /* SERVFAIL caused by unreachable upstreams */
  DP_FINDING_AXFR_OPEN,   /* zone transfer (AXFR or IXFR) allowed to this client
                           */
  DP_FINDING_AXFR_DENIED, /* transfer denied (how to allow a real secondary) */
  DP_FINDING_UPDATE_ACCEPTED, /* dynamic UPDATE accepted from this client */
  DP_FINDING_UPDATE_DENIED,   /* UPDATE denied (how to allow a real updater) */
  DP_FINDING_UPDATE_NOT_SUPPORTED, /* the server has no dynamic update */
  DP_FINDING_NOTIFY_ACCEPTED,      /* NOTIFY accepted from this client */
  DP_FINDING_NOTIFY_REFUSED, /* NOTIFY refused (how to allow the real primary)
                              */
  DP_FINDING_VERSION_DISCLOSED, /* the software version is answered to anyone */
  DP_FINDING_OPCODE_NONCOMPLIANT, /* unknown opcode not answered with NOTIMP */
  DP_FINDING_EDNS_NONCOMPLIANT,   /* an RFC 6891 / 8906 EDNS test failed */
  DP_FINDING_RATE_LIMITED,       /* identical answers limited (RRL): a probe not
                                    tested */
  DP_FINDING_NO_ANSWER,          /* one probe got no reply while others did */
  DP_FINDING_UNEXPECTED_ANSWER,  /* a reply this probe does not expect (e.g.
                                    FORMERR) */
  DP_FINDING_MALFORMED_ANSWER,   /* a reply could not be read as DNS */
  DP_FINDING_EXPECTATION_FAILED, /* --expect/--require not met */
  DP_FINDING_DNSSEC_SIGNING,     /* the zone's DNSSEC, as served here, fails
                                    a check (the DNSSEC probes) */
  DP_FINDING_CASE_NOT_PRESERVED, /* a question echoed in another case */
  DP_FINDING_COUNT
} dp_finding_t;

/** Stable key ("zone-lame", "axfr-open", ...; "none" for NONE). */
const char *dp_finding_tostr(dp_finding_t f);
/** The finding with key text. Returns DP_OK or DP_EINVAL. */
dp_status_t dp_finding_fromstr(const char *text, dp_finding_t *f);

/* A situation of the catalogue: what a finding means and how to fix it. */
struct dp_knowledge_situation
{
  const char *title;       /* short, for a finding's heading */
  const char *explanation; /* what it means in this context */
  const char *fix;         /* what to change, in general */
  const struct dp_knowledge_fix
      *fixes; /* per software, ends with .snippet NULL */
};

/** The situation of finding f, or NULL (NONE, expectation-failed). */
const struct dp_knowledge_situation *dp_knowledge_situation_get(dp_finding_t f);

/*
 * Root causes: what is wrong with a server, each explaining one or more
 * probes. A target's diagnosis lists them (most severe first), and a
 * probe's cause names the one that explains it. Keys are stable.
 */
typedef enum
{
  DP_CAUSE_NONE = 0,
  /* the whole target */
  DP_CAUSE_PORT_CLOSED,    /* nothing listens: ICMP unreachable, TCP refused */
  DP_CAUSE_UNREACHABLE,    /* nothing at all comes back, TCP included */
  DP_CAUSE_CLIENT_DROPPED, /* UDP silent, TCP accepted then closed: policy */
  DP_CAUSE_CLIENT_REFUSED, /* REFUSED to everything */
  /* the zone */
  DP_CAUSE_LAME,          /* the zone is not served here */
  DP_CAUSE_QUERY_REFUSED, /* the zone is loaded, its SOA refused to us */
  DP_CAUSE_ZONE_BROKEN,   /* SERVFAIL: failed to load, or expired */
  DP_CAUSE_NO_ZONE,       /* no --zone: the root was asked */
  /* recursion */
  DP_CAUSE_UPSTREAM,          /* SERVFAIL, also with CD=1 */
  DP_CAUSE_UPSTREAM_SLOW,     /* first answer past the timeout */
  DP_CAUSE_DNSSEC,            /* SERVFAIL, answered with CD=1 */
  DP_CAUSE_RECURSION_REFUSED, /* a resolver refuses this client */
  /* what is open to this client */
  DP_CAUSE_OPEN_RESOLVER,
  DP_CAUSE_OPEN_TRANSFER,
  DP_CAUSE_UPDATE_ACCEPTED,
  DP_CAUSE_NOTIFY_ACCEPTED,
  DP_CAUSE_IDENTITY_DISCLOSED,
  /* transport and protocol */
  DP_CAUSE_TCP_BLOCKED,
  DP_CAUSE_UDP_BLOCKED,
  DP_CAUSE_EDNS_DROPPED,
  DP_CAUSE_FRAGMENTATION, /* large UDP answers lost */
  DP_CAUSE_LEGACY,        /* FORMERR to EDNS, answered without */
  DP_CAUSE_BROKEN,        /* FORMERR to EDNS and without it */
  DP_CAUSE_EDNS_NONCOMPLIANT,
  DP_CAUSE_OPCODE_MISHANDLED,
  DP_CAUSE_RATE_LIMITED,
  DP_CAUSE_REQUESTS_DROPPED, /* some kinds of request never answered */
  DP_CAUSE_MALFORMED,
  DP_CAUSE_UNEXPECTED,
  DP_CAUSE_EXPECTATION, /* --expect/--require not met, nothing else */
  /* DNSSEC of the zone as one server serves it (dp_dnssec_check) */
  DP_CAUSE_DNSSEC_EXPIRING,     /* RRSIGs expire within the thresholds */
  DP_CAUSE_DNSSEC_EXPIRED,      /* RRSIGs have expired */
  DP_CAUSE_DNSSEC_CLOCK,        /* RRSIGs valid only from a future time */
  DP_CAUSE_DNSSEC_BOGUS,        /* an RRSIG that does not verify, or none */
  DP_CAUSE_DNSSEC_KEY_MISMATCH, /* RRSIGs by a key or signer not published */
  DP_CAUSE_DNSSEC_ALGORITHM,    /* an algorithm RFC 8624 retires */
  DP_CAUSE_DNSSEC_NSEC3,        /* NSEC3 iterations or salt (RFC 9276) */
  DP_CAUSE_DNSSEC_UNCHECKED,    /* an answer or algorithm not checkable */
  /* DNSSEC of the zone across its servers and its parent (zone mode) */
  DP_CAUSE_DNSSEC_KEYS_DIFFER, /* servers serve different DNSKEY sets */
  DP_CAUSE_DNSSEC_DS_MISMATCH, /* the parent's DS matches no key */
  DP_CAUSE_DNSSEC_INSECURE,    /* signed, and no DS at the parent */
  /* case preservation */
  DP_CAUSE_CASE_NOT_PRESERVED, /* a question echoed in another case */
  /* the zone as a whole (zone mode): its delegation, NS set and SOA */
  DP_CAUSE_NO_DELEGATION,   /* the parent's servers do not delegate it */
  DP_CAUSE_NS_MISMATCH,     /* parent and child NS sets differ */
  DP_CAUSE_GLUE_MISMATCH,   /* glue addresses differ from the child's */
  DP_CAUSE_GLUE_MISSING,    /* an in-bailiwick NS name without glue */
  DP_CAUSE_NS_UNRESOLVED,   /* an NS name without an address */
  DP_CAUSE_NS_CNAME,        /* an NS name that is an alias */
  DP_CAUSE_NS_TOO_FEW,      /* fewer than two name servers */
  DP_CAUSE_NS_ONE_NETWORK,  /* every server in one /24 or /48 */
  DP_CAUSE_SERIAL_MISMATCH, /* the servers disagree on the serial */
  DP_CAUSE_SOA_TIMERS,      /* SOA timers outside the usual ranges */
  DP_CAUSE_SOA_NAMES,       /* MNAME or RNAME not sane */
  DP_CAUSE_COUNT
} dp_cause_t;

/** Stable key ("client-dropped", "upstream", ...; "none" for NONE). */
const char *dp_cause_tostr(dp_cause_t c);
/** The cause with key text. Returns DP_OK or DP_EINVAL. */
dp_status_t dp_cause_fromstr(const char *text, dp_cause_t *c);
/** What a cause means, as a clause for an explanation ("DNS over UDP is
 * blocked on the way"); NULL for NONE or out of range. */
const char *dp_knowledge_cause_words(dp_cause_t c);

/* A root cause's page: the parts an RCODE's page has too. */
struct dp_knowledge_cause
{
  const char *key;
  const char *title;   /* the headline */
  const char *words;   /* a clause for a probe's explanation */
  const char *what;    /* what it is */
  const char *when;    /* when you see it, and why */
  const char *fix;     /* how to fix it, in general */
  const char *differs; /* how it differs from the causes it is taken for */
  const struct dp_knowledge_fix *fixes; /* per software, or NULL: those of
                                           the situation fixes_from */
  dp_finding_t fixes_from;
};

/** The page of cause c, or NULL (NONE, out of range). */
const struct dp_knowledge_cause *dp_knowledge_cause_get(dp_cause_t c);
/** The per-software fixes of a cause (ending with a NULL snippet), or
 * NULL when it has none. */
const struct dp_knowledge_fix *
dp_knowledge_cause_fixes(const struct dp_knowledge_cause *c);
/** The cause's fix for sw, or NULL. */
const struct dp_knowledge_fix *
dp_knowledge_cause_fix(const struct dp_knowledge_cause *c, dp_software_t sw);

/** The situation's fix for sw, or NULL when the catalogue has none. */
const struct dp_knowledge_fix *
dp_knowledge_situation_fix(const struct dp_knowledge_situation *s,
                           dp_software_t sw);

#endif
