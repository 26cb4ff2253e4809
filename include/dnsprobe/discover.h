/*
 * discover.h: zone-wide targets: a zone's name servers and their addresses.
 * Finds a zone's NS set and every address of every name server by asking a
 * resolver with RD=1 through the engine (RFC 1034 4.3.1: the resolver does
 * the recursion; dnsprobe only reads its answers), so every query goes to
 * the one resolver address the caller gives.
 */
#ifndef DNSPROBE_DISCOVER_H
#define DNSPROBE_DISCOVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dnsprobe/status.h"
#include "dnsprobe/wire.h"

/* At most this many NS names and addresses are kept (bounds every loop). */
#define DP_DISCOVER_NS_MAX 16
#define DP_DISCOVER_ADDR_MAX 32
/* Tries of one query that gets no reply (dig's default, +tries=3). */
#define DP_DISCOVER_TRIES 3

/* One address of one name server of the zone. */
struct dp_discovered
{
  char ns[DP_WIRE_NAME_STRLEN]; /* canonical NS name, trailing dot */
  struct sockaddr_storage addr; /* with the port asked for */
  socklen_t addrlen;
  bool cname; /* the NS name is an alias (RFC 2181 10.3 forbids it) */
};

/* A name server of the zone with no address: its name and why (the RCODE
 * or outcome of the last lookup, "no address records", ...). */
struct dp_discover_miss
{
  char ns[DP_WIRE_NAME_STRLEN];
  char why[48];
  bool cname; /* the name is an alias whose target has no address */
};

/**
 * Discover the servers of zone: ask resolver for zone's NS RRset, then each
 * NS name's A (unless family is AF_INET6) and AAAA (unless AF_INET), RD=1,
 * EDNS0, over UDP and again over TCP when the reply is truncated; a query
 * that gets no reply is sent again, up to DP_DISCOVER_TRIES times in all,
 * as dig does (a resolver with a cold cache may need longer than one
 * timeout for its first answer, and has it cached for the second). CNAME
 * chains in an answer are followed (at most 8 links). NS names are sorted;
 * each name's addresses keep the resolver's order; duplicates are dropped.
 * An NS name with no address is skipped, named in err (not an error) and
 * listed in missed.
 * @param zone      presentation form, canonicalised here.
 * @param resolver  address and port of the resolver. NULL is DP_EINVAL:
 *                  the caller finds the system's resolver itself
 *                  (dp_engine_system_resolver).
 * @param family    AF_UNSPEC, AF_INET or AF_INET6.
 * @param port      port set on each address found; 0 means 53.
 * @param timeout_ms  per query.
 * @param out       out: array of *n servers, freed with free() by the caller
 *                  (NULL when *n is 0).
 * @param missed    out, may be NULL: the NS names without an address, room
 *                  for DP_DISCOVER_NS_MAX; *nmissed says how many (also
 *                  when the status is DP_ENOTFOUND because none had one).
 * @param err       a sentence on what failed or was skipped, or "".
 * Returns DP_OK (at least one address), DP_EINVAL, a name status, DP_ENOMEM,
 * DP_ENOTFOUND (no NS set, or no address for any NS name: err says which
 * and the RCODE or outcome seen), or the engine's statuses.
 */
dp_status_t dp_probe_discover(const char *zone, const struct sockaddr *resolver,
                              socklen_t rlen, int family, uint16_t port,
                              unsigned timeout_ms, struct dp_discovered **out,
                              size_t *n, struct dp_discover_miss *missed,
                              size_t *nmissed, char *err, size_t errcap);

/**
 * Read the NS names of zone (wire form) from the answer section of a parsed
 * reply: canonical, sorted, without duplicates, at most cap of them.
 * Returns DP_OK, DP_ENOTFOUND (RCODE not NOERROR or no NS RR for zone) or
 * DP_EMALFORMED (an NS RDATA could not be read).
 */
dp_status_t dp_probe_discover_ns_parse(const struct dp_wire_msg *msg,
                                       const char *zone,
                                       char (*names)[DP_WIRE_NAME_STRLEN],
                                       size_t cap, size_t *count);

/**
 * Read the addresses of name (presentation form) of type qtype (A or AAAA)
 * from the answer section of a parsed reply, following CNAMEs, into out
 * with port set; at most cap, appended after *count entries already there,
 * skipping addresses already present. Returns DP_OK (possibly none added),
 * DP_EINVAL or DP_EMALFORMED (an RDATA of the wrong length).
 */
dp_status_t dp_probe_discover_addr_parse(const struct dp_wire_msg *msg,
                                         const char *name, uint16_t qtype,
                                         uint16_t port,
                                         struct dp_discovered *out, size_t cap,
                                         size_t *count);

/**
 * Ask resolver for the DS RRset of zone (RD=1, EDNS0, over UDP, again over
 * TCP when truncated, up to DP_DISCOVER_TRIES times while nothing comes
 * back), as the parent publishes it (RFC 4034 5): zone mode matches it
 * against the keys the zone's servers serve.
 * @param reply  out: the reply's bytes, freed with free() by the caller;
 *               NULL when no usable reply came (then why says what came:
 *               "timeout", "malformed", "question mismatch", ...).
 * Returns DP_OK (with or without a reply), DP_EINVAL, a name status,
 * DP_ENOMEM or the engine's statuses.
 */
dp_status_t dp_probe_discover_ds(const char *zone,
                                 const struct sockaddr *resolver,
                                 socklen_t rlen, unsigned timeout_ms,
                                 uint8_t **reply, size_t *len, char *why,
                                 size_t whycap);

/**
 * Whether the answer section of msg holds a CNAME owned by name
 * (presentation form): the name is an alias.
 */
bool dp_probe_discover_is_alias(const struct dp_wire_msg *msg,
                                const char *name);

/**
 * The addresses of one name server name through the resolver, as
 * dp_probe_discover finds each NS name's: A unless family is AF_INET6,
 * AAAA unless AF_INET, CNAMEs followed; appended to out (at most cap in
 * all) with port (0: 53). *cname says whether the name is an alias; when
 * nothing was added, why (whycap bytes) says what the last lookup got.
 * Returns DP_OK (even with no address), DP_EINVAL, a name status, or the
 * engine's statuses.
 */
dp_status_t dp_probe_discover_host(
    const char *name, const struct sockaddr *resolver, socklen_t rlen,
    int family, uint16_t port, unsigned timeout_ms, struct dp_discovered *out,
    size_t cap, size_t *count, bool *cname, char *why, size_t whycap);

/**
 * The parent zone of zone: the nearest ancestor for which the resolver
 * answers an NS set (RD=1, again as dp_probe_discover asks), walking up one
 * label at a time to the root; at most one query per label. parent gets its
 * canonical name. Returns DP_OK, DP_EINVAL (the root has no parent, NULL
 * argument), a name status, DP_ENOTFOUND (no ancestor has an NS set, or a
 * lookup failed: why says which and what it got), or the engine's
 * statuses.
 */
dp_status_t dp_probe_discover_parent(const char *zone,
                                     const struct sockaddr *resolver,
                                     socklen_t rlen, unsigned timeout_ms,
                                     char *parent, size_t cap, char *why,
                                     size_t whycap);

#endif
